"""One input file, the units it holds: a template (one), sub-unit sheets (one a sheet), a flat table (one a row).

    >>> from nianbao.sources import read_parts
    >>> parts = read_parts("部门.xlsx")                    # doctest: +SKIP
    >>> [(p.part, p.report.meta.name) for p in parts.parts]  # doctest: +SKIP
    [('工作表「办公室」', '某县某局办公室'), ('工作表「执法大队」', '某县某局执法大队')]

What the file holds besides units is said, never dropped: a sheet or row
that is no unit (a 合计 sheet, a blank sheet, a note under a table) is in
``skipped`` with why, and a flat table's column matching is in ``columns``
for a person to check (headers.py). ``nianbao check`` prints each part as
it prints a file; ``nianbao merge`` makes each part a unit (merge/worker.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from .report import Report

# How a file's units were found (Parts.shape).
ONE, SHEETS, FLAT = "one", "sheets", "flat"


@dataclass(frozen=True)
class Column:
    """How one column of a flat table was matched: to a cell, to a detail of the unit, or to nothing."""

    index: int  # 0-based
    letter: str  # A, B, … as the spreadsheet shows it
    header: str  # the header text (stacked header rows joined by "-")
    cell: str | None = None
    field: str | None = None  # name, level, region, year, government_own, status, …
    how: str = ""  # why it is (not) matched, in Chinese: 按表头, 按对应表, 未对应, 多义, 重复, 忽略
    candidates: tuple[str, ...] = ()  # the cells a header fits when it fits several
    sheet: str = ""  # the sheet the table is on (a CSV's one sheet is named by its file)


@dataclass
class Part:
    """One unit of a file: its report, where in the file it is, and how it was found and named."""

    part: str  # "工作表「办公室」", "第5行"; "" for a file that is one unit
    report: Report | None  # with ``error``: only the unit's details
    note: str = ""  # for 报送情况: where the unit came from, how its name was found
    error: str | None = None  # the part holds a unit that cannot be used (a 明细 row of a unit unreadable there)
    row: int = 0  # a flat table's row (1-based), where the unit's cells are


@dataclass
class Parts:
    parts: list[Part]
    shape: str = ONE
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (part, why): sheets and rows that are no unit
    columns: list[Column] = field(default_factory=list)  # a flat table's matching, for a person to check

    @classmethod
    def one(cls, report: Report) -> Parts:
        return cls([Part("", report)])


ColumnMap = Mapping[str, str]  # headers.flat(header) -> cell id, unit detail key, or "" (ignore)

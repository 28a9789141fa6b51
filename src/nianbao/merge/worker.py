"""The map step: one input file → small picklable Records (one a unit it holds), in a pool of processes.

Each worker reads its file with the foundation reader and runs the checks that
need the report itself (reading findings, text checks). The numeric rules are
NOT run here: the parent runs them once over all units (rules.evaluate_frame),
so there is one implementation of every rule and one pass of numpy; and the
parent runs the cross-year text checks (Y5, Y6), which need last year's report
of the same unit, on ``Record.report()``.

A Record carries only what the reduce needs: the unit's details, its numbers
as floats in its format's cell order (NaN = unknown, blank and "/" = 0, as ``Report.number``),
what non-numbers were typed, addresses that differ from the template's, the
text, and the file's facts (size, time, SHA-256) for the 来源 sheet.

A file may hold several units (parts.py: sub-unit sheets, a flat table's
rows): each is a Record of its own, named by the file and its ``part``
(工作表「办公室」, 第5行), and what the file holds that is no unit rides on its
first Record. A file that cannot be read is still one Record: one bad file
is one row, whatever it would have held.
"""

from __future__ import annotations

import hashlib
import math
import os
from array import array
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from ..check import report_findings
from ..errors import SourceError
from ..formats import held
from ..parts import FLAT, Column, ColumnMap, Parts
from ..report import Finding, Number, Report, State, UnitMeta
from ..schema import MARKER_SHEET, MERGE_MARKER, Format
from ..sources import read_parts
from ..workbook.layout import layout_of
from .files import Input

if TYPE_CHECKING:
    from .lower import Carried, Covered


@dataclass
class Record:
    relative: str
    path: str
    size: int = 0
    mtime: float = 0.0
    sha256: str = ""
    error: str | None = None  # why the file could not be read (Chinese)
    error_kind: str | None = None  # the SourceError class name
    merge_output: bool = False  # a nianbao merge output (the level below's 汇总), not a unit's report
    meta: UnitMeta = field(default_factory=UnitMeta)
    values: array = field(default_factory=lambda: array("d"))  # in the order of its format's cell ids
    shown: dict[str, str | None] = field(default_factory=dict)  # cells that were not a plain number: what was typed
    addresses: dict[str, str] = field(default_factory=dict)  # cells only where not the template's address; text slots
    text: dict[str, str] = field(default_factory=dict)
    reading: list[Finding] = field(default_factory=list)  # found while reading
    text_findings: list[Finding] = field(default_factory=list)  # check.REPORT_CHECKS
    acknowledged: dict[str, str] = field(default_factory=dict)
    part: str = ""  # where in the file the unit is (工作表「办公室」, 第5行); "" for a file that is one unit
    index: int = 0  # the part's place in its file
    origin: str = ""  # how the part was found and named (报送情况)
    passed_over: list[tuple[str, str]] = field(default_factory=list)  # (part, why): what the file holds that is no unit
    columns: list[Column] = field(default_factory=list)  # a flat table's column matching
    row: int = 0  # a flat table's row: with ``cells_at``, where its cells are
    cells_at: dict[str, str] | None = None  # a flat table's cell id → "sheet!D", shared by its rows' Records
    covers: list[Covered] = field(default_factory=list)  # a 汇总: the units it counts (lower.py)
    carried: list[Carried] = field(default_factory=list)  # a 汇总: its own 报送情况

    @property
    def where(self) -> str:
        """The file, and the part of it that holds the unit: 部门.xlsx（工作表「办公室」）."""
        return f"{self.relative}（{self.part}）" if self.part else self.relative

    @property
    def readable(self) -> bool:
        return self.error is None

    @property
    def units(self) -> int:
        """How many units the record stands for: a 汇总 its units, a unit's report one."""
        return len(self.covers) if self.merge_output else 1

    @property
    def format(self) -> Format:
        """The format whose cells ``values`` are in (formats.held of the report's format)."""
        return held(self.meta.format)

    def address(self, cid: str) -> str:
        found = self.addresses.get(cid)
        if found is not None:
            return found
        if self.cells_at is not None and cid in self.cells_at:
            return f"{self.cells_at[cid]}{self.row}"
        return layout_of(self.format).addresses.get(cid, "")

    def report(self) -> Report:
        """The report as far as the record keeps it: details, the numbers the rules see (unknown ones
        unknown), text, addresses, reading findings. What the cross-year text checks read of it
        (numbers, text, C1) is exactly what they read of the file's own Report."""
        values: dict[str, Number | None] = {}
        states: dict[str, State] = {}
        cell_ids = self.format.cell_ids
        for cid, v in zip(cell_ids, self.values):
            if math.isnan(v):
                values[cid], states[cid] = None, State.TEXT
            else:
                values[cid] = int(v) if v.is_integer() else v
        addresses = {cid: self.address(cid) for cid in cell_ids}
        addresses.update((k, a) for k, a in self.addresses.items() if k not in addresses)
        return Report(
            meta=self.meta, values=values, states=states, text=dict(self.text), addresses=addresses,
            findings=list(self.reading), acknowledged=dict(self.acknowledged),
        )


def _facts(item: Input, record: Record) -> bytes | None:
    try:
        st = item.path.stat()
        data = item.path.read_bytes()
    except OSError:
        return None
    record.size, record.mtime = st.st_size, st.st_mtime
    record.sha256 = hashlib.sha256(data).hexdigest()
    return data


def is_merge_output(path: Path) -> bool:
    """Whether ``path`` is a workbook written by nianbao merge (its hidden marker says so; schema.MERGE_MARKER)."""
    from ..workbook.read import open_workbook

    try:
        with open_workbook(path) as book:
            if MARKER_SHEET not in book.names:
                return False
            rows = book[MARKER_SHEET]
    except (SourceError, OSError):
        return False
    return any(len(r) > 1 and (r[0], r[1]) == MERGE_MARKER for r in rows)


def _shown(report: Report, cid: str) -> str | None:
    state = report.state(cid)
    if state is State.BLANK:
        return None
    if state is State.FORMULA:
        return "（公式无结果）"
    return report.raw.get(cid, "")


def record_from_report(report: Report, record: Record) -> Record:
    """Fill ``record`` from a Report that was read (also used for reports already in memory)."""
    record.meta = report.meta
    nan = math.nan
    values = array("d")
    fmt = report.format
    for cid in fmt.cell_ids:
        v = report.number(cid)
        values.append(nan if v is None else float(v))
    record.values = values
    record.shown = {cid: _shown(report, cid) for cid in report.states if report.state(cid) is not State.NUMBER}
    record.shown.update({cid: raw for cid, raw in report.raw.items() if cid not in record.shown})
    template = layout_of(fmt).addresses
    record.addresses = {cid: report.addresses.get(cid, "") for cid in fmt.cell_ids if report.addresses.get(cid, "") != template[cid]}
    record.addresses.update((k, a) for k, a in report.addresses.items() if k.startswith("text."))
    record.text = dict(report.text)
    record.reading = list(report.findings)
    # A worker never has last year's report: cross-year rules (Y1–Y3 over the frame, Y5/Y6 on
    # Record.report()) run in the parent.
    record.text_findings = report_findings(report)
    record.acknowledged = dict(report.acknowledged)
    return record


NO_UNITS = "表格中没有单位的数据（表头下面没有一行填了单位名称或数字）"


def read_one(item: Input, columns: ColumnMap | None = None) -> list[Record]:
    """Read one input file: a Record per unit it holds. Never raises for a bad file: the reason goes into
    its one Record. ``columns`` overrides how flat tables' headers are matched (``--columns``)."""
    record = Record(item.relative, str(item.path))
    if _facts(item, record) is None:
        record.error, record.error_kind = "文件无法打开（可能没有读取权限或已被移走）", "FileMissing"
        return [record]
    try:
        parts = read_parts(item.path, columns)
    except SourceError as e:
        record.error, record.error_kind = e.message, type(e).__name__
        return [record]
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as e:  # a reader bug (or a Rust panic, a BaseException) must not stop the batch
        record.error, record.error_kind = f"读取时出现意外错误（{type(e).__name__}: {e}）", type(e).__name__
        return [record]
    return records_of(parts, record)


def records_of(parts: Parts, facts: Record) -> list[Record]:
    """The Records of a file's parts, each with the file's facts (``facts``: name, size, time, SHA-256)."""
    def fresh(**more: object) -> Record:
        return Record(facts.relative, facts.path, facts.size, facts.mtime, facts.sha256, **more)  # type: ignore[arg-type]

    records = []
    for i, p in enumerate(parts.parts):
        record = fresh(part=p.part, index=i, origin=p.note)
        if p.report is not None and p.report.meta.summary:  # the level below's 汇总 (or this folder's last run)
            _lower(p.report, record)
        elif p.report is not None and p.error is None:
            record_from_report(p.report, record)
        else:
            record.error, record.error_kind = p.error or NO_UNITS, "UnitUnreadable"
            if p.report is not None:
                record.meta = p.report.meta
        records.append(record)
    if parts.shape == FLAT:  # 200 addresses a row are its row and the table's columns: kept once, not per row
        at = {c.cell: f"{c.sheet}!{c.letter}" for c in parts.columns if c.cell}
        for record, p in zip(records, parts.parts):
            if p.row and record.addresses:
                record.row, record.cells_at = p.row, at
                record.addresses = {k: a for k, a in record.addresses.items() if at.get(k) is None or a != f"{at[k]}{p.row}"}
    if not records:
        records = [fresh(error=NO_UNITS, error_kind="NoUnits")]
    records[0].passed_over, records[0].columns = list(parts.skipped), list(parts.columns)
    return records


SUMMARY_LEVEL = "汇总表"  # the 机关层级 a 汇总 input goes by in the frame and 明细: it is no body of any level


def _lower(report: Report, record: Record) -> None:
    """A merge workbook as one input: its totals, and what it says of its units (lower.read_lower)."""
    from .lower import read_lower

    record.merge_output = True
    try:
        lower = read_lower(Path(record.path), report)
    except SourceError as e:
        record.error, record.error_kind = e.message, type(e).__name__
    else:
        record_from_report(report, record)
        record.covers, record.carried = lower.covers, lower.carried
    # Named by the area it covers, as a city's roster lists its counties (by its file when it names none).
    record.meta = replace(report.meta, name=report.meta.region or Path(record.relative).stem, level=SUMMARY_LEVEL)


def read_all(
    items: list[Input],
    workers: int | None = None,
    progress: Callable[[int], None] | None = None,
    *,
    timeout: float | None = None,
    memory: int | None = None,
    columns: ColumnMap | None = None,
) -> list[Record]:
    """Read every input in worker processes; records come back in input order (a file's units in its order).

    A worker that dies on a file (a native abort, out of memory, killed) or runs past ``timeout``
    seconds costs only that file: its Record says why (无法读取), a fresh worker takes the files
    queued behind it, and the batch carries on (isolate.map_isolated). Even a single file is read in
    a worker, so that no file can end the merge. ``memory`` caps what a worker may allocate
    (isolate.MEMORY by default).
    """
    from ..isolate import MEMORY, TIMEOUT, Died, Raised, can_isolate, map_isolated

    read = partial(read_one, columns=columns) if columns else read_one
    if not can_isolate():  # spawning costs a second a worker: read here, bounded before parsing
        records = []
        for item in items:
            records += read(item)
            if progress:
                progress(1)
        return records
    out: list[list[Record]] = [[] for _ in items]
    results = map_isolated(read, items, workers=workers or default_workers(),
                           timeout=timeout or TIMEOUT, memory=memory or MEMORY)
    for index, result in results:
        out[index] = [_failed(items[index], result)] if isinstance(result, Died | Raised) else result
        if progress:
            progress(1)
    return [r for records in out for r in records]


def _failed(item: Input, outcome: object) -> Record:
    """The Record of a file whose reading killed its worker (or raised past read_one)."""
    from ..isolate import Died

    record = Record(item.relative, str(item.path))
    _facts(item, record)
    if isinstance(outcome, Died):
        record.error = f"{outcome.reason}；文件可能已损坏或含有超出合理范围的内容"
    else:
        error = getattr(outcome, "error", outcome)
        record.error = f"读取时出现意外错误（{type(error).__name__}: {error}）"
    record.error_kind = "ReaderFailed"
    return record


def default_workers() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:
        return max(1, os.cpu_count() or 1)

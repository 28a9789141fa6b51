"""Last year's units, for the cross-year rules: numbers for Y1–Y3 and Y7, reports with text for Y5/Y6.

    last = read_last_year(Path("2023汇总.xlsx"), roster)
    last.frame.loc[key, "t3.carried_forward.total"]

``--last-year`` takes last year's merge output (its 明细 sheet carries a hidden
row of cell ids, so it is read back exactly; it holds no text, so Y5/Y6 do not
run), a folder of last year's unit workbooks, or workbook files (their text
kept per unit, so Y5/Y6 run as ``nianbao check --last-year`` runs them). Units
are keyed as this year's are (roster match, else name; the government's own
report as one unit), so the frames line up by index.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..cells import parse_cell
from ..errors import SourceError, source
from ..formats import DEFAULT, FORMATS
from ..report import Report, State
from ..schema import MARKER_SHEET, CellSpec, Format
from .files import discover
from .roster import Roster
from .worker import Record, is_merge_output, read_all

DETAIL_SHEET = "明细"
KEY_ROW_MARK = "unit"  # first cell of the hidden row of column ids on 明细
DETAIL_HEADER_ROWS = 3  # under the ids: table / row / column headers, then one row per unit


@dataclass
class LastYear:
    """Last year's units, indexed by this year's unit keys."""

    frame: Any  # pandas.DataFrame: ``meta.level`` and a float column per cell id (NaN = unknown; blank = 0)
    reports: dict[str, Report] = field(default_factory=dict)  # unit key -> report (text included); none from a merge output
    blanks: Any = None  # pandas.DataFrame of bool, the frame's index and cell ids: True where the unit left the cell blank
    format: Format = DEFAULT  # the format of the frame's cells

    def in_format(self, fmt: Format) -> LastYear:
        """Last year's units in the cells of this year's format (formats.cell_map): across a change of
        format, what has no counterpart is unknown (NaN), and Y1–Y3 and Y7 say nothing of it."""
        if fmt is self.format:
            return self
        import pandas as pd

        from .batch import in_cells_of

        numbers = self.frame[list(self.format.cell_ids)].to_numpy(dtype=float)
        moved = [in_cells_of(row, self.format, fmt) for row in numbers]
        frame = pd.DataFrame(moved, index=self.frame.index, columns=list(fmt.cell_ids))
        frame.insert(0, "meta.level", self.frame["meta.level"])
        blanks = None
        if self.blanks is not None:  # a blank counts where the cell is the same cell last year
            blanks = pd.DataFrame(False, index=self.blanks.index, columns=list(fmt.cell_ids))
            same = [c for c in fmt.cell_ids if c in self.blanks.columns]
            blanks[same] = self.blanks[same]
        reports = {key: r.in_format(fmt.id) for key, r in self.reports.items()}
        return LastYear(frame, reports, blanks, fmt)


def _number(value: object, spec: CellSpec) -> tuple[float, bool]:
    """(the number a rule sees, whether the cell was blank) of a 明细 cell."""
    parsed = parse_cell(value, spec)
    if parsed.number is not None:
        return float(parsed.number), False
    return (0.0 if parsed.state.counts_as_zero else float("nan")), parsed.state is State.BLANK


def _from_merge_output(path: Path, roster: Roster | None) -> LastYear:
    import pandas as pd

    from ..report import Verdict
    from ..workbook.read import open_workbook
    from .batch import identity

    with source(path), open_workbook(path) as book:
        if DETAIL_SHEET not in book.names:
            raise SourceError(f"汇总表中没有可读取的「{DETAIL_SHEET}」工作表")
        rows = book[DETAIL_SHEET]
        marker = {str(r[0]): r[1] for r in book[MARKER_SHEET] if len(r) > 1} if MARKER_SHEET in book.names else {}
    fmt = FORMATS.get(str(marker.get("format", "")), DEFAULT)
    fmt = fmt if fmt.readable else DEFAULT
    ids = next((r for r in rows if r and r[0] == KEY_ROW_MARK), None)
    if ids is None:
        raise SourceError(f"「{DETAIL_SHEET}」工作表中没有列标识行，无法按单位读取上年数据", path)
    col = {v: i for i, v in enumerate(ids) if isinstance(v, str) and v}
    missing = [cid for cid in fmt.cell_ids if cid not in col]
    if missing:
        raise SourceError(f"「{DETAIL_SHEET}」工作表的列标识行缺少{len(missing)}个单元格编号（如{missing[0]}），"
                          "可能已被改动，无法按单位读取上年数据", path)
    start = rows.index(ids) + 1 + DETAIL_HEADER_ROWS
    data: dict[str, dict[str, Any]] = {}
    blank: dict[str, list[bool]] = {}
    for row in rows[start:]:
        if len(row) <= col["unit"] or not row[col["unit"]] or row[col["status"]] == Verdict.UNREADABLE.label:
            continue
        gov = row[col["meta.government_own"]] in ("是", True)
        key, _ = identity(str(row[col["unit"]]), gov, str(row[col["meta.level"]] or ""), roster)
        if key in data:
            continue
        cells = {cid: _number(row[col[cid]] if col[cid] < len(row) else None, spec) for cid, spec in fmt.cells.items()}
        data[key] = {cid: v for cid, (v, _) in cells.items()} | {"meta.level": row[col["meta.level"]] or None}
        blank[key] = [b for _, b in cells.values()]
    frame = pd.DataFrame.from_dict(data, orient="index", columns=["meta.level", *fmt.cell_ids])
    blanks = pd.DataFrame.from_dict(blank, orient="index", columns=list(fmt.cell_ids), dtype=bool)
    return LastYear(frame, blanks=blanks, format=fmt)


def _from_workbooks(paths: list[Path], roster: Roster | None, year: int | None, workers: int | None,
                    progress: Callable[[int], None] | None) -> LastYear:
    items, _ = discover(paths)
    return last_year_from_records(read_all(items, workers, progress), roster, year)


def last_year_from_records(records: list[Record], roster: Roster | None = None, year: int | None = None) -> LastYear:
    """Last year's units from their records (read from files, or from reports already in memory).

    ``year`` is this year's: only records of the year before are taken.
    """
    from .batch import assemble, blank_cells

    batch = assemble(records, roster=roster, year=(year - 1) if year else None)
    frame = batch.frame[batch.frame["counted"].astype(bool)]
    # Y5/Y6 read last year's text: a unit that wrote none needs no report kept.
    reports = {u.key: u.record.report() for u in batch.counted if u.record.text}
    fmt = batch.format
    return LastYear(frame[["meta.level", *fmt.cell_ids]], reports, blank_cells(batch.counted, frame, fmt), fmt)


def read_last_year(
    paths: list[Path] | Path, roster: Roster | None = None, year: int | None = None,
    workers: int | None = None, progress: Callable[[int], None] | None = None,
) -> LastYear:
    """Last year's units: the frame (one row per unit key) and, read from workbooks, each unit's report.

    ``year`` is this year's: from a folder only last year's reports are taken.
    """
    paths = [paths] if isinstance(paths, (str, Path)) else list(paths)
    paths = [Path(p) for p in paths]
    if len(paths) == 1 and paths[0].is_file() and is_merge_output(paths[0]):
        return _from_merge_output(paths[0], roster)
    return _from_workbooks(paths, roster, year, workers, progress)

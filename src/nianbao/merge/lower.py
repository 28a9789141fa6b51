"""The level below's 汇总 as an input: its totals, the units it counts, its own 报送情况.

    lower = read_lower(Path("甲县汇总.xlsx"))
    lower.covers[0].name, lower.carried[0].category     # '示例县甲局', '未报送'

A city merges its counties' merge workbooks (and a province its cities'). Such
a workbook is one input standing for many units: its totals (the 汇总 sheet,
read by the reader like any report) are added as one row; what it says of its
units is read from the sheets nianbao wrote:

* the units it counts (the hidden COVERS_SHEET, which carries the units of the
  levels below too; a workbook written before it existed: its 明细), each with
  the cells that were unknown for it, so an incomplete total stays marked as
  such (H1) at every level above;
* its 报送情况, whose rows (a county's 未报送 units …) the level above lists too;
* its 明细, whose counted rows must add up to its totals: a workbook changed by
  hand after the merge is not used (a clear 无法读取, never a guess which is right).
"""

from __future__ import annotations

import hashlib
import math
import zipfile
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ..cells import parse_cell, plain_text
from ..errors import SourceError
from ..locate import Grid

if TYPE_CHECKING:
    from ..workbook.read import WorkbookFile
from ..report import Report, Verdict, format_number
from ..schema import CellSpec, Format
from ..workbook.layout import SUMMARY_SHEET, layout_of
from .lastyear import DETAIL_HEADER_ROWS, DETAIL_SHEET, KEY_ROW_MARK

COVERS_SHEET = "_nianbao_units"  # hidden: every unit a merge counts, with the levels below
COVERS_COLUMNS = ("unit", "name", "level", "government_own", "via", "unknown")
SEAL_MARK = "#sha256"  # the last row of COVERS_SHEET: seal() of the workbook as nianbao wrote it
SUBMISSION_SHEET = "报送情况"
SUBMISSION_HEADER = ("类别", "单位", "文件", "说明", "来自")
VIA = " › "  # joins the files a carried row came through: 某市汇总.xlsx › 甲县汇总.xlsx


@dataclass(frozen=True)
class Covered:
    """A unit a 汇总 counts: its names, level, whether it is a government's own report, which 汇总s below it
    came through (``via``), and the cells that were unknown for it (not in the totals)."""

    unit: str  # as the 汇总 shows it (its roster's name)
    name: str  # as the unit wrote it
    level: str = ""
    government_own: bool | None = None
    via: str = ""
    unknown: tuple[str, ...] = ()


@dataclass(frozen=True)
class Carried:
    """A row of a 汇总's own 报送情况."""

    category: str
    unit: str
    file: str
    note: str
    via: str = ""


@dataclass
class Lower:
    covers: list[Covered] = field(default_factory=list)
    carried: list[Carried] = field(default_factory=list)


def _number(value: object, spec: CellSpec) -> float:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)  # what nianbao wrote: no need to parse
    parsed = parse_cell(value, spec)
    if parsed.number is not None:
        return float(parsed.number)
    return 0.0 if parsed.state.counts_as_zero else math.nan


def _detail(rows: Grid, fmt: Format) -> tuple[dict[str, int], list[Sequence[object]]]:
    ids = next((r for r in rows[:5] if r and r[0] == KEY_ROW_MARK), None)
    if ids is None:
        raise SourceError(f"汇总表的「{DETAIL_SHEET}」工作表中没有列标识行（可能被改动过），无法核对各单位；请用原汇总表或重新汇总")
    col = {v: i for i, v in enumerate(ids) if isinstance(v, str) and v}
    missing = [c for c in (KEY_ROW_MARK, "status", *fmt.cell_ids) if c not in col]
    if missing:
        raise SourceError(f"汇总表的「{DETAIL_SHEET}」工作表缺少列（{'、'.join(missing[:3])}），可能被改动过；请用原汇总表或重新汇总")
    start = rows.index(ids) + 1 + DETAIL_HEADER_ROWS
    counted = [r for r in rows[start:] if len(r) > col["status"] and r[col[KEY_ROW_MARK]]
               and r[col["status"]] != Verdict.UNREADABLE.label]
    return col, counted


def _check_totals(totals: Report, col: dict[str, int], counted: list[Sequence[object]]) -> None:
    """Refuse a 汇总 whose 明细 does not add up to its totals: changed by hand after the merge."""
    import numpy as np

    diffs = []
    addresses = layout_of(totals.format).summary_addresses
    for cid, spec in totals.format.cells.items():
        total = totals.values.get(cid)
        if total is None:
            continue
        values = [r[col[cid]] if col[cid] < len(r) else None for r in counted]
        try:  # what nianbao wrote: numbers, and None for a blank (0 in a sum)
            column = np.array(values, dtype=float)
        except (TypeError, ValueError):  # text as typed ("/", "十二"): read as the reader reads it
            column = np.array([_number(v, spec) for v in values], dtype=float)
        s = round(float(np.nansum(column)), 6)
        if abs(s - float(total)) > 1e-6:
            diffs.append(f"{addresses[cid]}汇总数{format_number(total)}、明细之和{format_number(s)}")
    if diffs:
        more = f"等{len(diffs)}处" if len(diffs) > 3 else ""
        raise SourceError(
            f"汇总表的汇总数与「{DETAIL_SHEET}」中各单位之和不一致（{'；'.join(diffs[:3])}{more}），可能在汇总后被改动过；"
            "不知道哪个是对的，未计入。请报送单位重新汇总后再报送"
        )


def _covers_from_detail(col: dict[str, int], counted: list[Sequence[object]], fmt: Format) -> list[Covered]:
    """The units of a 汇总 written before COVERS_SHEET existed: its 明细's counted rows."""
    def get(row: Sequence[object], key: str) -> object:
        return row[col[key]] if key in col and col[key] < len(row) else None

    out = []
    for r in counted:
        unknown = tuple(cid for cid, spec in fmt.cells.items() if math.isnan(_number(get(r, cid), spec)))
        gov = {"是": True, "否": False}.get(plain_text(get(r, "meta.government_own")))
        out.append(Covered(plain_text(get(r, KEY_ROW_MARK)), plain_text(get(r, "meta.name")),
                           plain_text(get(r, "meta.level")), gov, "", unknown))
    return out


def seal(totals_sheet: bytes, rows: Iterable[Sequence[object]]) -> str:
    """A digest of the 汇总 sheet's XML as written and the rows of COVERS_SHEET: any program that saves the
    workbook again rewrites both, so a workbook whose seal holds is the one nianbao wrote, its totals
    those of its 明细 (and its 明细 need not be read). Not a signature: it tells an untouched workbook from
    one opened and changed, not from a forgery."""
    digest = hashlib.sha256(totals_sheet)
    for row in rows:
        digest.update(("\x1f".join("" if v is None else str(v) for v in row) + "\n").encode())
    return digest.hexdigest()


def _sealed(book: WorkbookFile, rows: Grid) -> bool:
    if not rows or not rows[-1] or rows[-1][0] != SEAL_MARK or book.zip is None or SUMMARY_SHEET not in book.parts:
        return False
    try:
        totals = book.zip.read(book.parts[SUMMARY_SHEET])
    except (KeyError, OSError, zipfile.BadZipFile, zlib.error):
        return False
    body = [list(r)[: len(COVERS_COLUMNS)] for r in rows[1:-1]]
    return len(rows[-1]) > 1 and seal(totals, body) == rows[-1][1]


def _covers(rows: Grid, fmt: Format) -> list[Covered]:
    out = []
    for r in rows[1:]:
        if r and r[0] == SEAL_MARK:
            break
        cells = list(r) + [None] * (len(COVERS_COLUMNS) - len(r))
        unit, name, level, gov, via, unknown = (plain_text(v) for v in cells[: len(COVERS_COLUMNS)])
        if unit:
            out.append(Covered(unit, name, level, {"是": True, "否": False}.get(gov), via,
                               tuple(c for c in unknown.split() if c in fmt.cells)))
    return out


def _carried(rows: Grid) -> list[Carried]:
    from .batch import CARRIED_CATEGORIES

    head = next((i for i, r in enumerate(rows[:10]) if tuple(plain_text(v) for v in r[:4]) == SUBMISSION_HEADER[:4]), None)
    if head is None:
        return []
    out = []
    for r in rows[head + 1:]:
        cells = list(r) + [None] * (len(SUBMISSION_HEADER) - len(r))
        category, unit, file, note, via = (plain_text(v) for v in cells[: len(SUBMISSION_HEADER)])
        if category in CARRIED_CATEGORIES:
            out.append(Carried(category, unit, file, note, via))
    return out


def read_lower(path: Path, totals: Report) -> Lower:
    """What the 汇总 at ``path`` says of its units (see the module docstring); ``totals`` is its report as the
    reader read it. Raises SourceError when its 明细 is missing, changed, or does not add up to its totals."""
    from ..workbook.read import open_workbook

    fmt = totals.format
    with open_workbook(path) as book:
        listed = book[COVERS_SHEET] if COVERS_SHEET in book.names else None
        if listed is not None and _sealed(book, listed):  # as nianbao wrote it: the totals are its 明细's
            covers = _covers(listed, fmt)
        else:  # opened and saved since, or written before the list existed: its 明细 must add up
            if DETAIL_SHEET not in book.names:
                raise SourceError(f"汇总表中没有「{DETAIL_SHEET}」工作表（可能被删除），无法核对各单位；请用原汇总表或重新汇总")
            col, counted = _detail(book[DETAIL_SHEET], fmt)
            _check_totals(totals, col, counted)
            covers = _covers(listed, fmt) if listed is not None else _covers_from_detail(col, counted, fmt)
        carried = _carried(book[SUBMISSION_SHEET]) if SUBMISSION_SHEET in book.names else []
    return Lower(covers, carried)

"""Where the template puts everything: cell ids ↔ sheet addresses, derived from the grid.

    >>> from nianbao.formats import F2021
    >>> layout_of(F2021).addresses["t3.new.natural_person"]
    '表三!D5'

One ``Layout`` per format (``layout_of``, built once per format id).

Each table sits on its own sheet: row 1 holds the section heading, the grid
starts at A2. Live checks (formulas that need no Python) go in the column right
of the table (row checks) and in rows under it (column checks).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from functools import cache, cached_property

from ..formats import get_format
from ..grid import Place, grid_size, table_grid
from ..rules import RULES, Check, format_checks
from ..schema import MERGE_SETTINGS, MERGE_SETTINGS_SHEET, Format, TableSpec

TABLE_TOP = 2  # 1-based sheet row of grid row 0
TABLE_LEFT = 1  # 1-based sheet column of grid column 0
HEADING_ROW = 1

META_FIRST_ROW = 3  # 单位信息: one field per row, label in A, value in B
META_VALUE_COL = 2
TEXT_FIRST_ROW = 3  # 文字: one slot per row, label in A, text in B, generation mark in C
TEXT_VALUE_COL = 2
TEXT_MARK_COL = 3
TEXT_TITLE = "文字部分（一、总体情况；五、存在的主要问题及改进情况；六、其他需要报告的事项）"
TEXT_HEADINGS = ("栏目", "内容", "生成标记")  # row 2, over columns A, TEXT_VALUE_COL, TEXT_MARK_COL
# 汇总设置: title, headings, then one setting per row, label in A, value in B. No hints beside the values:
# a label found away from its row takes the first non-empty cell right of it, which would be the hint.
MERGE_SETTINGS_FIRST_ROW = 3
MERGE_SETTINGS_VALUE_COL = 2
MERGE_SETTINGS_HEADINGS = ("项目", "填写")


@cache  # a flat table's reader asks for the same few hundred columns row after row
def column_letter(col: int) -> str:
    """1 → A, 27 → AA (openpyxl has this too, but importing it costs ~100 ms on every click)."""
    letters = ""
    while col:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def a1(row: int, col: int) -> str:
    return f"{column_letter(col)}{row}"


def cell_position(ref: str) -> tuple[int, int]:
    """"D5" → (5, 4): the 1-based row and column of an A1 reference (no $, no sheet)."""
    letters = ref.rstrip("0123456789")
    col = 0
    for ch in letters.upper():
        col = col * 26 + ord(ch) - 64
    return int(ref[len(letters):]), col


def sheet_row(place: Place) -> int:
    return TABLE_TOP + place.row


def sheet_col(place: Place) -> int:
    return TABLE_LEFT + place.col


@dataclass(frozen=True)
class Position:
    sheet: str
    row: int  # 1-based
    col: int  # 1-based

    @property
    def a1(self) -> str:
        return a1(self.row, self.col)

    def __str__(self) -> str:
        return f"{self.sheet}!{self.a1}"


MERGE_SETTINGS_ROWS: dict[str, int] = {f.key: MERGE_SETTINGS_FIRST_ROW + i for i, f in enumerate(MERGE_SETTINGS)}


def merge_settings_values(values: dict[str, object] | None = None) -> list[list[object]]:
    """A 汇总设置 sheet as rows of values from A1 (title, headings, one setting per row), filled with ``values``."""
    values = values or {}
    rows: list[list[object]] = [[MERGE_SETTINGS_SHEET, None], list(MERGE_SETTINGS_HEADINGS)]
    rows += [[None] * len(MERGE_SETTINGS_HEADINGS) for _ in range(MERGE_SETTINGS_FIRST_ROW - len(rows) - 1)]
    return rows + [[f.label, values.get(f.key)] for f in MERGE_SETTINGS]


_NARROW = re.compile("[\x00-\u2e80]+")


def display_width(text: str) -> int:
    """Width in Excel character units: CJK characters (above U+2E80) count two."""
    # In C, not a character at a time: a merge sizes the rows of thousands of findings by their text.
    return len(text) if text.isascii() else len(text) + len(_NARROW.sub("", text))


def text_height(text: str, width: float, line: float = 13.5) -> float:
    """Row height (points) that shows ``text`` wrapped in a column ``width`` characters wide."""
    lines = sum(max(1, math.ceil(display_width(part) / max(width - 1, 1))) for part in text.split("\n"))
    return line * lines + 4


def grid_row_heights(table: TableSpec, widths: tuple[float, ...]) -> dict[int, float]:
    """Height (points) of each grid row whose labels need more than one line, for the table's grid
    columns ``widths``: the template's (TableSpec.column_widths) or the 汇总 sheet's."""
    heights: dict[int, float] = {}
    for p in table_grid(table):
        if p.text and p.rowspan == 1:
            h = text_height(p.text, sum(widths[p.col : p.col + p.colspan]))
            heights[p.row] = max(heights.get(p.row, 18), h)
    return heights


def table_bottom(table: TableSpec) -> int:
    """The last sheet row of the statutory grid."""
    return TABLE_TOP + grid_size(table)[0] - 1


def table_right(table: TableSpec) -> int:
    return TABLE_LEFT + grid_size(table)[1] - 1


# --- the 汇总 sheet of a merge workbook --------------------------------------------
# The totals of a merge stand in the statutory layout on one sheet, where the reader finds them by
# position as it finds a unit's tables on theirs (a merge output is read like any report).

SUMMARY_SHEET = "汇总"
SUMMARY_FIRST_TABLE_ROW = 6  # rows 1–4: title, coverage, stock note, completeness; row 5 blank
# Each table keeps its template columns, shifted so the three share column widths well:
# 表三's label columns come first; 表二 and 表四 start under 表三's wide label / first data column.
SUMMARY_COLUMN_OFFSET = {"t2": 2, "t3": 0, "t4": 3}
SUMMARY_TABLE_GAP = 1


# --- live checks --------------------------------------------------------------


@dataclass(frozen=True)
class LiveCheck:
    """One formula cell that turns red, with no Python, when its equation is off."""

    check: Check
    row: int
    col: int
    formula: str
    focus: Position  # the cell the check is about (it turns red too)


@dataclass(frozen=True)
class LiveCheckRow:
    """A row of column checks and the label that says what they check.

    The label stands in the table's label columns of the same row; a table without label
    columns (表四) gets it on a row of its own above, across the table's width, where it can be
    read whole (issue 9 #25: it was clipped in the single column right of the table).
    """

    rule: str
    row: int
    label: str
    label_row: int
    label_cols: tuple[int, int]  # first and last column the label is merged across


@dataclass(frozen=True)
class BlankCheck:
    """Blank statutory cells, marked with no Python once a table has been started (blank is not 0).

    ``formula`` counts them in a cell under the table; ``mark(top_left)`` is the conditional format
    of each range of value cells, true on a blank cell of a table that has anything in it.
    """

    row: int
    col: int
    label: LiveCheckRow
    formula: str
    runs: tuple[str, ...]  # the value cells as A1 ranges (rectangles)
    cells: str  # the value cells as COUNTA arguments

    def mark(self, top_left: str) -> str:
        return f"AND(ISBLANK({top_left}),COUNTA({self.cells})>0)"


def _sum_args(cells: list[str], positions: dict[str, Position]) -> str:
    """SUM arguments for cells of one sheet, runs of a row or column joined as ranges."""
    pos = [positions[c] for c in cells]
    parts: list[str] = []
    i = 0
    while i < len(pos):
        j = i
        while j + 1 < len(pos) and (
            (pos[j + 1].row == pos[j].row and pos[j + 1].col == pos[j].col + 1 and pos[i].row == pos[j].row)
            or (pos[j + 1].col == pos[j].col and pos[j + 1].row == pos[j].row + 1 and pos[i].col == pos[j].col)
        ):
            j += 1
        parts.append(pos[i].a1 if i == j else f"{pos[i].a1}:{pos[j].a1}")
        i = j + 1
    return ",".join(parts)


def _formula(check: Check, positions: dict[str, Position]) -> str:
    cells = [t.cell for t in check.terms]
    lhs, rhs = (f"SUM({_sum_args(side, positions)})" for side in (cells[: check.split], cells[check.split :]))
    return f'=IF({lhs}={rhs},"","✗ 差"&ABS({lhs}-{rhs}))'


def _check_row(table: TableSpec, n: int, rule: str, title: str) -> LiveCheckRow:
    """The ``n``-th labelled row under the table (one blank row apart from it)."""
    label_width = table.sections[0].label_width
    step = 1 if label_width else 2  # no label columns: each label takes a row of its own above its checks
    label_row = table_bottom(table) + 2 + step * n
    cols = (TABLE_LEFT, TABLE_LEFT + label_width - 1) if label_width else (TABLE_LEFT, table_right(table))
    return LiveCheckRow(rule, label_row + step - 1, f"自动校验：{title}", label_row, cols)


BLANK_CHECK_TITLE = "空白单元格（空白不等于0，没有发生的请填0）"


CHECK_COLUMN_HEADER = "自动校验"

# The 校验结果 sheet written by the annotator; 核实/核实说明 are the unit's to fill.
RESULTS_COLUMNS = ("序号", "严重程度", "规则", "位置", "说明", "核实", "核实说明", "键")


# --- one format's layout -----------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Layout:
    """Where the template of one format puts everything: ``layout_of(fmt)``, built once per format id."""

    format: Format
    positions: dict[str, Position] = field(default_factory=dict)  # cell id -> its place on its table's sheet
    meta_rows: dict[str, int] = field(default_factory=dict)  # 单位信息: field key -> row
    text_rows: dict[str, int] = field(default_factory=dict)  # 文字: slot key -> row
    text_heading_rows: dict[int, str] = field(default_factory=dict)  # 文字: rows holding a section heading
    summary_table_rows: dict[str, int] = field(default_factory=dict)  # 汇总: the row of each table's heading
    summary_checks_row: int = 0  # 汇总: the first row under the tables

    @cached_property
    def addresses(self) -> dict[str, str]:
        """cell id -> "表三!D5"."""
        return {cid: str(pos) for cid, pos in self.positions.items()}

    @cached_property
    def summary_addresses(self) -> dict[str, str]:
        """Where each total of a merge sits on its 汇总 sheet."""
        out = {}
        for cid, pos in self.positions.items():
            sheet, top, left = self.table_origin(cid.split(".", 1)[0], summary=True)
            out[cid] = f"{sheet}!{a1(pos.row - TABLE_TOP + top, pos.col - TABLE_LEFT + left)}"
        return out

    def table_origin(self, table_key: str, summary: bool = False) -> tuple[str, int, int]:
        """(sheet, row, column), 1-based, of a table's grid row 0 / column 0: in a unit's workbook, or
        on the 汇总 sheet of a merge workbook."""
        if summary:
            return (SUMMARY_SHEET, self.summary_table_rows[table_key] + TABLE_TOP - HEADING_ROW,
                    TABLE_LEFT + SUMMARY_COLUMN_OFFSET.get(table_key, 0))
        return self.format.tables[table_key].sheet, TABLE_TOP, TABLE_LEFT

    def live_checks(self, table_key: str) -> tuple[tuple[LiveCheck, ...], tuple[LiveCheckRow, ...], int]:
        """The table's live checks, the labelled rows that hold column checks, and the check column."""
        return _live_checks(self.format.id, table_key)

    def blank_check(self, table_key: str) -> BlankCheck:
        """The table's blank check: the row after its column checks, the count in its first value column."""
        return _blank_check(self.format.id, table_key)

    def text_sheet_values(self) -> list[list[str | None]]:
        """The template's 文字 sheet as rows of values from A1: title, headings, one label per slot (and the
        section headings that stand on rows of their own)."""
        rows: list[list[str | None]] = [[TEXT_TITLE, None, None], list(TEXT_HEADINGS)]
        labels = {self.text_rows[slot.key]: slot.label for slot in self.format.text_slots} | self.text_heading_rows
        return rows + [[labels.get(r), None, None] for r in range(len(rows) + 1, max(labels) + 1)]


def layout_of(fmt: Format) -> Layout:
    """The layout of ``fmt``'s template (for a format only recognised, that of the format it is read as)."""
    return _layout(fmt.read_as or fmt.id)


@cache
def _layout(format_id: str) -> Layout:
    fmt = get_format(format_id)
    positions = {}
    for table in fmt.tables.values():
        for p in table_grid(table):
            if p.cell:
                positions[p.cell] = Position(table.sheet, sheet_row(p), sheet_col(p))
    text_rows, text_heading_rows = _text_rows(fmt)
    summary_rows, row = {}, SUMMARY_FIRST_TABLE_ROW
    for key, table in fmt.tables.items():
        summary_rows[key] = row
        row += table_bottom(table) - HEADING_ROW + 1 + SUMMARY_TABLE_GAP
    checks_row = max((summary_rows[k] + table_bottom(t) - HEADING_ROW for k, t in fmt.tables.items()), default=0) + 2
    return Layout(
        fmt, positions, {f.key: META_FIRST_ROW + i for i, f in enumerate(fmt.meta_fields)},
        text_rows, text_heading_rows, summary_rows, checks_row,
    )


def _text_rows(fmt: Format) -> tuple[dict[str, int], dict[int, str]]:
    """The 文字 sheet's row of each slot, and the section headings that stand on rows of their own.

    A section none of whose slots names it gets its heading above its slots: 五's two slots begin
    （一）（二） and, without it, read as a second （一）（二） of 一 (issue 9 #25).
    """
    slots = fmt.text_slots
    rows: dict[str, int] = {}
    headings: dict[int, str] = {}
    row = TEXT_FIRST_ROW
    for i, slot in enumerate(slots):
        heading = fmt.section_headings[slot.section]
        number = heading.split("、", 1)[0] + "、"
        starts = i == 0 or slots[i - 1].section != slot.section
        if starts and not any(s.label.startswith(number) for s in slots if s.section == slot.section):
            headings[row] = heading
            row += 1
        rows[slot.key] = row
        row += 1
    return rows, headings


@cache
def _live_checks(format_id: str, table_key: str) -> tuple[tuple[LiveCheck, ...], tuple[LiveCheckRow, ...], int]:
    fmt = get_format(format_id)
    positions = _layout(format_id).positions
    table = fmt.tables[table_key]
    check_col = table_right(table) + 1
    rows: dict[str, LiveCheckRow] = {}
    placed: list[LiveCheck] = []
    for check in format_checks(fmt):
        if not check.axis or not check.cells[0].startswith(table_key + "."):
            continue
        focus = positions[check.cells[0]]
        formula = _formula(check, positions)
        if check.axis == "row":
            placed.append(LiveCheck(check, focus.row, check_col, formula, focus))
        else:
            if check.rule not in rows:
                rows[check.rule] = _check_row(table, len(rows), check.rule, RULES[check.rule].title)
            placed.append(LiveCheck(check, rows[check.rule].row, focus.col, formula, focus))
    return tuple(placed), tuple(rows.values()), check_col


@cache
def _blank_check(format_id: str, table_key: str) -> BlankCheck:
    fmt = get_format(format_id)
    positions = _layout(format_id).positions
    table = fmt.tables[table_key]
    cells = [positions[c] for c in fmt.table_cells(table_key)]
    runs: list[list[Position]] = []
    for p in cells:  # cell ids run row by row, left to right
        if runs and runs[-1][-1].row == p.row and runs[-1][-1].col + 1 == p.col:
            runs[-1].append(p)
        else:
            runs.append([p])
    blocks: list[tuple[Position, Position]] = []  # runs over the same columns in consecutive rows: one rectangle
    for r in runs:
        first, last = blocks[-1] if blocks else (None, None)
        if first and last and (first.col, last.col) == (r[0].col, r[-1].col) and last.row + 1 == r[0].row:
            blocks[-1] = (first, r[-1])
        else:
            blocks.append((r[0], r[-1]))
    ranges = tuple(a.a1 if a == b else f"{a.a1}:{b.a1}" for a, b in blocks)
    absolute = ",".join(re.sub(r"([A-Z]+)(\d+)", r"$\1$\2", x) for x in ranges)  # D5:J5 → $D$5:$J$5
    label = _check_row(table, len(_live_checks(format_id, table_key)[1]), "N3", BLANK_CHECK_TITLE)
    n = len(cells)
    formula = f'=IF(COUNTA({absolute})=0,"",IF(COUNTA({absolute})<{n},"✗ 空白"&({n}-COUNTA({absolute}))&"个",""))'
    return BlankCheck(label.row, min(p.col for p in cells), label, formula, ranges, absolute)

"""The merge workbook: 汇总 · 图表 · 明细 · 问题清单 · 报送情况 · 来源.

Written with XlsxWriter (measured faster than openpyxl for the 明细 sheet, see
docs/merge.md), atomically, with fixed document properties so the same inputs
give the same bytes.

The 汇总 sheet is not drawn here: the statutory tables are built by the
template builder (workbook/build.py) from the schema, filled with the totals,
and copied cell by cell, with their merges and styles, onto the 汇总 sheet.
One layout, one place.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape as xml_escape

from ..atomic import atomic_path
from ..report import Finding, Report, Severity, Verdict, count_by_severity
from ..rules import KEY_TOTALS, RULES
from ..schema import MARKER_SHEET, MERGE_MARKER, CellSpec, Format, find_node
from ..workbook import style
from ..workbook.layout import (
    HEADING_ROW,
    SUMMARY_COLUMN_OFFSET,
    SUMMARY_SHEET,
    TABLE_TOP,
    column_letter,
    grid_row_heights,
    layout_of,
    table_bottom,
    table_right,
    text_height,
)
from .batch import CATEGORIES, MISSING, Batch, Unit
from .lastyear import DETAIL_HEADER_ROWS, DETAIL_SHEET, KEY_ROW_MARK
from .lower import COVERS_COLUMNS, COVERS_SHEET, SEAL_MARK, SUBMISSION_HEADER, SUBMISSION_SHEET, seal
from .peers import BLANK, HIGH, LOW, MIN_FACTOR, MIN_UNITS, ZERO
from .summary import coverage, stock_note

CHART_SHEET = "图表"
FINDINGS_SHEET = "问题清单"
SOURCES_SHEET = "来源"
SUMMARY_UNIT = "（汇总）"
PEERS_UNIT = "（同级比较）"

TOP_CHART_UNITS = 20
CHART_BLOCK_ROWS = 18  # a default-size chart is about 15 rows tall: each block gets its own band
PEER_ROW = 4 * CHART_BLOCK_ROWS  # the peer comparison: below the per-unit chart (up to 20 bars, about 25 rows)
PEER_WIDTH = 10
PEER_COLUMN = "同级比较"
NEW = KEY_TOTALS[0].key  # 新收申请: the per-unit chart's total
MARK_COLORS = {HIGH: "#F4B183", LOW: "#9DC3E6", ZERO: "#D9D9D9", BLANK: "#D9D9D9"}

# Printing (issue 9 #20: the workbook printed as 49 pages, 汇总 shrunk to one tiny page and the
# lists split their columns across pages). Every sheet: A4, landscape, page numbers in the footer.
A4_LANDSCAPE_WIDTH_MM, A4_LANDSCAPE_HEIGHT_MM = 297, 210
MARGIN_INCHES = 0.4  # left and right
TOP_MARGIN_INCHES, BOTTOM_MARGIN_INCHES = 0.6, 0.7  # the page number sits in the bottom one
DEFAULT_ROW_POINTS = 15
CHAR_PIXELS = 7  # one unit of column width in the default font (Calibri/Carlito 11) at 96 dpi
FOOTER = "&C第 &P 页，共 &N 页"
DETAIL_PRINT_SCALE = 80
DETAIL_DATA_WIDTH = 9

# 明细: (frame column / id, header)
DETAIL_COLUMNS = (
    (KEY_ROW_MARK, "单位"),
    ("status", "状态"),
    ("errors", "错误"),
    ("warnings", "警告"),
    ("infos", "提示"),
    ("meta.level", "机关层级"),
    ("meta.year", "报告年度"),
    ("meta.government_own", "本级政府"),
    ("meta.name", "报告中的机关名称"),
    ("roster.code", "名单代码"),
    ("file", "文件"),
)
STATUS_COLORS = {
    Verdict.ERRORS.label: "#FFC7CE", Verdict.WARNINGS.label: "#FFEB9C", Verdict.INCOMPLETE.label: "#E4DFEC",
    Verdict.UNREADABLE.label: "#D9D9D9", Verdict.PASSED.label: "#C6EFCE",
}


# --- formats ---------------------------------------------------------------------


class Formats:
    """XlsxWriter formats made once per distinct set of properties."""

    def __init__(self, wb: Any):
        self.wb = wb
        self._cache: dict[tuple, Any] = {}

    def __call__(self, **props: Any) -> Any:
        props.setdefault("font_name", style.FONT_NAME)
        props.setdefault("font_size", 10)
        key = tuple(sorted(props.items()))
        if key not in self._cache:
            self._cache[key] = self.wb.add_format(props)
        return self._cache[key]

    def of(self, cell: Any, plain_inputs: bool = False) -> Any:
        """The format matching an openpyxl cell's font, fill, alignment, border and number format."""
        props: dict[str, Any] = {}
        font = cell.font
        if font is not None:
            props["font_name"] = font.name or style.FONT_NAME
            props["font_size"] = font.sz or 10
            if font.b:
                props["bold"] = True
            if font.color is not None and isinstance(font.color.rgb, str) and font.color.rgb not in ("FF000000",):
                props["font_color"] = "#" + font.color.rgb[-6:]
        fill = cell.fill
        if fill is not None and fill.fill_type == "solid":
            rgb = fill.fgColor.rgb if isinstance(fill.fgColor.rgb, str) else None
            # The totals are not inputs: the template's yellow "fill me in" does not belong on them.
            if rgb and not (plain_inputs and rgb == style.INPUT_COLOR):
                props["bg_color"] = "#" + rgb[-6:]
        al = cell.alignment
        if al is not None:
            if al.horizontal:
                props["align"] = al.horizontal
            if al.vertical:
                props["valign"] = "vcenter" if al.vertical == "center" else al.vertical
            if al.wrap_text:
                props["text_wrap"] = True
            if al.text_rotation == 255:
                props["rotation"] = 270  # stacked vertical text
            elif al.text_rotation:
                props["rotation"] = al.text_rotation
        if cell.border is not None and cell.border.left is not None and cell.border.left.style:
            props["border"] = 1
        if cell.number_format and cell.number_format != "General":
            props["num_format"] = cell.number_format
        return self(**props)


# --- 汇总 ---------------------------------------------------------------------------


def _statutory_tables(summary: Report) -> Any:
    """The template of the totals' format, filled with the totals."""
    from ..workbook.build import build_template, fill_workbook

    wb = build_template(summary.format)
    fill_workbook(wb, summary)
    return wb


def _copy_block(
    src: Any, dst: Any, fmt: Formats, top: int, bottom: int, right: int, row0: int, col0: int, heights: dict[int, float]
) -> dict[int, float]:
    """Copy rows top..bottom, columns 1..right of an openpyxl sheet to XlsxWriter (1-based row0/col0);
    ``heights`` (by source row) replace the source's row heights. Returns the heights set (0-based target rows)."""
    dr, dc = row0 - top, col0 - 1  # 1-based source → 1-based target
    set_heights: dict[int, float] = {}
    merged = [m for m in src.merged_cells.ranges if m.min_row >= top and m.max_row <= bottom and m.max_col <= right]
    covered = set()
    for m in merged:
        cell = src.cell(m.min_row, m.min_col)
        dst.merge_range(
            m.min_row + dr - 1, m.min_col + dc - 1, m.max_row + dr - 1, m.max_col + dc - 1,
            cell.value, fmt.of(cell, plain_inputs=True),
        )
        covered |= {(r, c) for r in range(m.min_row, m.max_row + 1) for c in range(m.min_col, m.max_col + 1)}
    for r in range(top, bottom + 1):
        height = heights.get(r, src.row_dimensions[r].height)
        if height:
            dst.set_row(r + dr - 1, height)
            set_heights[r + dr - 1] = height
        for c in range(1, right + 1):
            if (r, c) in covered:
                continue
            cell = src.cell(r, c)
            if cell.value is None and not cell.has_style:
                continue
            dst.write(r + dr - 1, c + dc - 1, cell.value, fmt.of(cell, plain_inputs=True))
    return set_heights


def _summary_widths(statutory: Format) -> tuple[float, ...]:
    """The 汇总 sheet's columns: 表三's own (label columns, then its data width), as far as 表四 reaches."""
    t3 = statutory.tables["t3"].column_widths
    right = max(table_right(t) + SUMMARY_COLUMN_OFFSET.get(k, 0) for k, t in statutory.tables.items())
    return t3 + (t3[-1],) * (right - len(t3))


def _page_scale(widths: Iterable[float], extra_pixels: float = 0) -> int:
    """The print scale (%) at which columns of these widths fill an A4 landscape page's width: a fixed
    scale rather than Fit To, because Excel ignores manual page breaks when fitting."""
    pixels = sum(w * CHAR_PIXELS + 5 for w in widths) + extra_pixels
    printable = (A4_LANDSCAPE_WIDTH_MM / 25.4 - 2 * MARGIN_INCHES) * 96
    # LibreOffice (with Carlito) lays the same columns out about 6% wider than Excel: leave room for it.
    return max(10, min(100, int(printable / pixels * 94)))


def _height_scale(points: float) -> int:
    """The print scale (%) at which rows ``points`` tall fit an A4 landscape page's height."""
    printable = (A4_LANDSCAPE_HEIGHT_MM / 25.4 - TOP_MARGIN_INCHES - BOTTOM_MARGIN_INCHES) * 72
    return max(10, min(100, int(printable / points * 94)))


def _print_setup(ws: Any, *, fit_width: bool = True, scale: int | None = None, repeat_rows: tuple[int, int] | None = None) -> None:
    ws.set_paper(9)
    ws.set_landscape()
    ws.set_margins(left=MARGIN_INCHES, right=MARGIN_INCHES, top=TOP_MARGIN_INCHES, bottom=BOTTOM_MARGIN_INCHES)
    ws.set_footer(FOOTER)
    if scale is not None:
        ws.set_print_scale(scale)
    elif fit_width:
        ws.fit_to_pages(1, 0)
    if repeat_rows is not None:
        ws.repeat_rows(*repeat_rows)


def _summary_sheet(wb: Any, fmt: Formats, batch: Batch, summary: Report, findings: list[Finding]) -> None:
    """The title and what the totals cover over 表二, then 表三, then 表四 with the checks of the totals.

    Each of the three prints on its own page(s) as a print range of its own columns: 表四 is wider
    than 表三 but does not share its label columns, so the page is scaled for the wider of the two,
    not for both side by side (issue 9 #20: the 汇总 printed as one tiny page).
    """
    ws = wb.add_worksheet(SUMMARY_SHEET)
    statutory = summary.format
    tables, layout = statutory.tables, layout_of(statutory)
    widths = _summary_widths(statutory)
    for i, w in enumerate(widths):
        ws.set_column(i, i, w)
    main = table_right(tables["t3"]) - 1  # the last column of 表三: the notes wrap inside its width
    t4_left = layout.table_origin("t4", summary=True)[2] - 1
    heights: dict[int, float] = {}  # 0-based row -> points, where not the default

    def tall(row: int, points: float) -> None:
        ws.set_row(row, points)
        heights[row] = points

    title = fmt(bold=True, font_size=14)
    note = fmt(text_wrap=True, valign="top", font_size=10)
    ws.merge_range(0, 0, 0, main, summary.meta.title, title)
    tall(0, 24)
    incomplete = [f for f in findings if f.rule == "H1"]
    lines = (
        coverage(batch, summary),
        stock_note(statutory),
        f"注意：{len(incomplete)}个汇总数不完整（有单位的该项无法读取），见表四下方和「{FINDINGS_SHEET}」。"
        if incomplete else "各单位的数字均已读取，汇总数完整。",
    )
    for i, text in enumerate(lines, start=1):
        ws.merge_range(i, 0, i, main, text, note)
        tall(i, text_height(text, sum(widths[: main + 1])))
    template = _statutory_tables(summary)
    for key, table in tables.items():
        left = layout.table_origin(key, summary=True)[2]
        own = widths[left - 1 : left - 1 + table_right(table)]
        # Row heights for the widths here, not the template's: 表二's headers wrap in narrower columns.
        grid = {TABLE_TOP + r: h for r, h in grid_row_heights(table, own).items()}
        for row, points in _copy_block(template[table.sheet], ws, fmt, HEADING_ROW, table_bottom(table),
                                       table_right(table), layout.summary_table_rows[key], left, grid).items():
            heights[row] = points
    row = layout.summary_checks_row - 1
    head = fmt(bold=True)
    if findings:
        ws.write(row, t4_left, f"汇总数校验：{len(findings)}项", head)
        for i, f in enumerate(findings, start=1):
            text = f"{f.severity.label}  {f.rule}  {f.address.split('!')[-1]}  {f.message}"
            ws.merge_range(row + i, t4_left, row + i, len(widths) - 1, text, note)
            tall(row + i, text_height(text, sum(widths[t4_left:])))
    else:
        names = "、".join(t.name for t in tables.values())
        ws.write(row, t4_left, f"汇总数校验：汇总数符合{names}的全部表内校验规则。", head)
    last = row + len(findings)

    def bottom(key: str) -> int:  # 0-based last row of a table's block
        return layout.summary_table_rows[key] - 1 + table_bottom(tables[key]) - HEADING_ROW

    pages = (  # (first row, last row, first column, last column), 0-based
        (0, bottom("t2"), 0, main),
        (layout.summary_table_rows["t3"] - 1, bottom("t3"), 0, main),
        (layout.summary_table_rows["t4"] - 1, last, t4_left, len(widths) - 1),
    )
    scale = min([_page_scale(widths[c0 : c1 + 1]) for _, _, c0, c1 in pages]
                + [_height_scale(sum(heights.get(r, DEFAULT_ROW_POINTS) for r in range(r0, r1 + 1))) for r0, r1, _, _ in pages])
    _print_setup(ws, scale=scale)
    from xlsxwriter.utility import quote_sheetname, xl_range_abs

    quoted = quote_sheetname(SUMMARY_SHEET)
    wb.define_name(f"{quoted}!_xlnm.Print_Area",
                   ",".join(f"{quoted}!{xl_range_abs(r0, c0, r1, c1)}" for r0, r1, c0, c1 in pages))
    ws.center_horizontally()


# --- 图表 -----------------------------------------------------------------------------


def _short(label: str) -> str:
    """（二）部分公开（区分处理的，…） → （二）部分公开: a chart label without the printed note."""
    return re.sub(r"(?<=[^）])（[^（]*）$", "", label)


def _chart_sheet(wb: Any, fmt: Formats, batch: Batch, summary: Report) -> None:
    ws = wb.add_worksheet(CHART_SHEET)
    ws.set_column(0, 0, 34)
    ws.set_column(1, 1, 12)
    head, bold = fmt(bold=True, bg_color="#" + style.LABEL_COLOR[-6:], border=1), fmt(bold=True, font_size=12)
    cell = fmt(border=1)

    # 1. Outcome mix of the county's applications (表三 三、本年度办理结果, 总计 column).
    results = find_node(summary.format.tables["t3"].sections[0].rows, "results")
    groups = [n for n in results.children if n.key != "total"]
    ws.write(0, 0, "办理结果构成（表三「总计」列，全部单位合计）", bold)
    ws.write_row(1, 0, ("办理结果", "件数"), head)
    for i, g in enumerate(groups):
        n = sum(summary.values.get(f"t3.{leaf.key}.total") or 0 for leaf in g.leaves())
        ws.write(2 + i, 0, _short(g.label), cell)
        ws.write_number(2 + i, 1, n, cell)
    mix = wb.add_chart({"type": "pie"})
    mix.add_series({
        "name": "办理结果构成",
        "categories": [CHART_SHEET, 2, 0, 1 + len(groups), 0],
        "values": [CHART_SHEET, 2, 1, 1 + len(groups), 1],
        "data_labels": {"value": True, "percentage": True, "leader_lines": True},
    })
    mix.set_title({"name": "办理结果构成"})
    ws.insert_chart(0, 3, mix, {"x_scale": 1.2, "y_scale": 1.1})

    # 2. Reporting and checking status: what a county office chases in January.
    row = CHART_BLOCK_ROWS
    status = Counter(u.status for u in batch.units)
    missing = sum(1 for s in batch.submissions if s.category == MISSING)
    shown = [Verdict.PASSED, Verdict.WARNINGS, Verdict.ERRORS] + [v for v in (Verdict.INCOMPLETE,) if status[v]] + [Verdict.UNREADABLE]
    rows = [(v.label, status[v]) for v in shown] + ([("未报送", missing)] if batch.roster is not None else [])
    ws.write(row, 0, "报送与校验情况（单位数）", bold)
    ws.write_row(row + 1, 0, ("情况", "单位数"), head)
    for i, (label, n) in enumerate(rows):
        ws.write(row + 2 + i, 0, label, cell)
        ws.write_number(row + 2 + i, 1, n, cell)
    state = wb.add_chart({"type": "column"})
    state.add_series({
        "name": "单位数",
        "categories": [CHART_SHEET, row + 2, 0, row + 1 + len(rows), 0],
        "values": [CHART_SHEET, row + 2, 1, row + 1 + len(rows), 1],
        "data_labels": {"value": True},
        "points": [{"fill": {"color": STATUS_COLORS.get(label, "#BFBFBF")}, "border": {"color": "#7F7F7F"}} for label, _ in rows],
    })
    state.set_title({"name": "报送与校验情况"})
    state.set_legend({"none": True})
    ws.insert_chart(row, 3, state, {"x_scale": 1.2, "y_scale": 1.0})

    # 3. Applications received per unit: the largest ones, the rest as one bar.
    row = 2 * CHART_BLOCK_ROWS
    cid = "t3.new.total"
    frame = batch.frame
    received = frame[cid].fillna(0).to_numpy(dtype=float)
    order = sorted((i for i, u in enumerate(batch.units) if u.readable), key=lambda i: (-received[i], i))
    ranked = [(batch.units[i], float(received[i])) for i in order]
    top, rest = ranked[:TOP_CHART_UNITS], ranked[TOP_CHART_UNITS:]
    ws.write(row, 0, f"各单位本年新收政府信息公开申请数量（前{len(top)}个单位）", bold)
    ws.write_row(row + 1, 0, ("单位", "件数", PEER_COLUMN), head)
    marks = batch.peers.marks
    bars = [(u.display, n, marks.get((u.key, NEW), "")) for u, n in top]
    if rest:
        bars.append((f"其余{len(rest)}个单位合计", sum(n for _, n in rest), ""))
    for i, (label, n, mark) in enumerate(bars):
        ws.write(row + 2 + i, 0, label, cell)
        ws.write_number(row + 2 + i, 1, n, cell)
        ws.write(row + 2 + i, 2, mark, fmt(border=1, bg_color=MARK_COLORS[mark]) if mark else cell)
    if top:
        per_unit = wb.add_chart({"type": "bar"})
        per_unit.add_series({
            "name": summary.format.cells[cid].label,
            # Only the named units: the "rest" bar would dwarf them and is in the table above.
            "categories": [CHART_SHEET, row + 2, 0, row + 1 + len(top), 0],
            "values": [CHART_SHEET, row + 2, 1, row + 1 + len(top), 1],
            "data_labels": {"value": True},
            # A unit out of line with its level (H2) in the colour of its mark in the table.
            "points": [{"fill": {"color": MARK_COLORS[mark]}, "border": {"color": "#7F7F7F"}} if mark else None
                       for _, _, mark in bars[: len(top)]],
        })
        per_unit.set_title({"name": "各单位本年新收申请数量"})
        per_unit.set_legend({"none": True})
        per_unit.set_y_axis({"reverse": True})
        ws.insert_chart(row, 3, per_unit, {"x_scale": 1.4, "y_scale": max(1.0, len(top) / 12)})
    _peer_block(ws, fmt, batch, PEER_ROW)
    # Two blocks on the first page, the per-unit chart (up to 20 bars) on the second, the peer comparison
    # from the third: no chart split.
    width = min(_page_scale((34, 12, PEER_WIDTH), extra_pixels=480 * 1.4), _page_scale((34, 12) + (PEER_WIDTH,) * 6))
    ws.set_h_pagebreaks([2 * CHART_BLOCK_ROWS, PEER_ROW])
    _print_setup(ws, scale=min(width, _height_scale(2 * CHART_BLOCK_ROWS * DEFAULT_ROW_POINTS)))


def _peer_block(ws: Any, fmt: Formats, batch: Batch, row: int) -> None:
    """H2 on the 图表 sheet: each level's usual range of each total, what was not compared and why, then
    every unit out of line, marked in the colour its bar has above."""
    peers = batch.peers
    head = fmt(bold=True, bg_color="#" + style.LABEL_COLOR[-6:], border=1, text_wrap=True, valign="top")
    cell, note = fmt(border=1), fmt(text_wrap=True, valign="top")
    for c in range(2, 8):
        ws.set_column(c, c, PEER_WIDTH)
    width = 34 + 12 + 6 * PEER_WIDTH
    ws.write(row, 0, "同级比较（H2）：同一机关层级的单位之间比较主要件数", fmt(bold=True, font_size=12))
    how = (f"每项按本级各单位的中位数和绝对中位差划出通常范围（在对数尺度上，至少相差{MIN_FACTOR}倍才算偏离）；"
           f"本级能读取该项的单位不少于{MIN_UNITS}个才比较。偏高、偏低、为0或空白的单位列在下表和「{FINDINGS_SHEET}」中（提示）。")
    lines = [how, *peers.notes()]
    for line in lines:
        row += 1
        ws.merge_range(row, 0, row, 7, line, note)
        ws.set_row(row, text_height(line, width))
    row += 2
    ws.write_row(row, 0, ("机关层级", "项目", "可比单位数", "中位数", "通常范围", "偏高", "偏低", "为0或空白"), head)
    order = {lv: i for i, lv in enumerate(peers.levels)}
    for band in sorted((b for b in peers.bands if b.compared), key=lambda b: order[b.level]):  # by level, totals in order
        row += 1
        zero = band.marked.get(ZERO, 0) + band.marked.get(BLANK, 0)
        ws.write_row(row, 0, (band.level, band.total.name, band.units, round(band.median)), cell)
        ws.write(row, 4, band.range_text, fmt(border=1, align="center"))
        ws.write_row(row, 5, (band.marked.get(HIGH, 0), band.marked.get(LOW, 0), zero), cell)
    if not any(b.compared for b in peers.bands):
        row += 1
        ws.write(row, 0, "没有可比较的机关层级", cell)
    row += 2
    listed = [(u, f) for u, f in batch.findings() if f.rule == "H2"]
    ws.write(row, 0, f"偏离同级的单位（{len(listed)}项）", fmt(bold=True))
    row += 1
    ws.write_row(row, 0, ("单位", "机关层级", "项目", "本单位", "同级中位数", "通常范围", PEER_COLUMN), head)
    range_cell = fmt(border=1, align="center")
    bands = {(b.level, b.total.key): b for b in peers.bands}
    by_cell = {t.cells[0]: t for t in KEY_TOTALS}
    for unit, f in listed:
        total = by_cell[f.cells[0].id]
        band = bands[(unit.record.meta.level, total.key)]
        mark = peers.marks[(unit.key, total.key)]
        row += 1
        shown = "空白" if f.actual is None else round(f.actual)
        ws.write_row(row, 0, (unit.display, band.level, total.name, shown, round(band.median)), cell)
        ws.write(row, 5, band.range_text, range_cell)
        ws.write(row, 6, mark, fmt(border=1, bg_color=MARK_COLORS[mark]))


# --- 明细 -----------------------------------------------------------------------------


def _row_label(spec: CellSpec) -> str:
    if not spec.row_path:  # 表四: one row, groups of columns
        return "·".join(spec.column_path[:-1])
    return "".join(spec.row_path[-2:]) if len(spec.row_path) >= 3 else spec.row_path[-1]


def _runs(items: list[tuple[int, str]]) -> Iterable[tuple[int, int, str]]:
    """Consecutive equal labels → (first, last, label)."""
    start = 0
    for i in range(1, len(items) + 1):
        if i == len(items) or items[i][1] != items[start][1]:
            yield items[start][0], items[i - 1][0], items[start][1]
            start = i


def _merge_or_write(ws: Any, r: int, c0: int, c1: int, text: str, f: Any) -> None:
    if c1 > c0:
        ws.merge_range(r, c0, r, c1, text, f)
    else:
        ws.write(r, c0, text, f)


def _detail_values(unit: Unit, columns: dict[str, int], values: Any) -> list[Any]:
    """The unit's cells as it filled them: numbers, blanks left blank, text as typed (``columns``: cell id →
    its place in ``values``)."""
    out: list[Any] = [None if math.isnan(v) else int(v) if v.is_integer() else v for v in values.tolist()]
    for cid, typed in unit.record.shown.items():  # the few cells that were not a plain number
        j = columns.get(cid)
        if j is not None:
            out[j] = typed
    return out


def _detail_rows(batch: Batch) -> Iterator[list[Any]]:
    cell_ids = batch.format.cell_ids
    columns = {cid: j for j, cid in enumerate(cell_ids)}
    matrix = batch.frame[list(cell_ids)].to_numpy(dtype=float)
    for i, unit in enumerate(batch.units):
        meta = unit.record.meta
        counts = count_by_severity(unit.findings)
        row = [
            unit.display, unit.status.label, counts[Severity.ERROR], counts[Severity.WARNING], counts[Severity.INFO],
            meta.level, meta.year, meta.government_own_answer, meta.name,
            unit.roster.code if unit.roster else "", unit.record.where,
        ]
        if unit.readable:
            row += _detail_values(unit, columns, matrix[i])
        yield row


def _detail_sheet(wb: Any, fmt: Formats, batch: Batch) -> RowSplice:
    """Headers, panes, filter and colours by XlsxWriter; the data rows are spliced in after (RowSplice)."""
    ws = wb.add_worksheet(DETAIL_SHEET)
    cells = batch.format.cells
    specs = list(cells.values())
    fixed = len(DETAIL_COLUMNS)
    last_col = fixed + len(specs) - 1
    head = fmt(bold=True, bg_color="#" + style.LABEL_COLOR[-6:], border=1, text_wrap=True, align="center", valign="vcenter")
    ws.write_row(0, 0, [c for c, _ in DETAIL_COLUMNS] + list(cells))
    ws.set_row(0, None, None, {"hidden": True})
    for i, (_, label) in enumerate(DETAIL_COLUMNS):
        ws.merge_range(1, i, DETAIL_HEADER_ROWS, i, label, head)
    cols = [(fixed + j, spec) for j, spec in enumerate(specs)]
    for first, last, name in _runs([(c, spec.table) for c, spec in cols]):
        _merge_or_write(ws, 1, first, last, name, head)
    for first, last, _ in _runs([(c, spec.table + _row_label(spec)) for c, spec in cols]):
        _merge_or_write(ws, 2, first, last, _row_label(specs[first - fixed]), head)
    for c, spec in cols:
        ws.write(3, c, spec.column_path[-1] if spec.column_path else "", head)
    ws.set_row(2, 60)
    ws.set_row(3, max(text_height(spec.column_path[-1], DETAIL_DATA_WIDTH) for spec in specs if spec.column_path))
    ws.set_column(0, 0, 30)
    ws.set_column(1, 4, 7)
    ws.set_column(5, 9, 10)
    ws.set_column(10, 10, 30)
    ws.set_column(fixed, last_col, DETAIL_DATA_WIDTH)
    first_data = DETAIL_HEADER_ROWS + 1
    last_row = max(first_data + len(batch.units) - 1, DETAIL_HEADER_ROWS)
    # Status colours by conditional format, so the data rows carry no cell styles at all.
    for status, color in STATUS_COLORS.items():
        ws.conditional_format(first_data, 1, max(last_row, first_data), 1,
                              {"type": "cell", "criteria": "==", "value": f'"{status}"', "format": fmt(bg_color=color)})
    ws.freeze_panes(first_data, 1)
    ws.autofilter(DETAIL_HEADER_ROWS, 0, last_row, last_col)
    # 211 columns cannot fit a page's width legibly: the pages run across, each with the unit names
    # and the three header rows repeated.
    _print_setup(ws, fit_width=False, scale=DETAIL_PRINT_SCALE, repeat_rows=(1, DETAIL_HEADER_ROWS))
    ws.repeat_columns(0)
    return RowSplice(DETAIL_SHEET, first_data, last_row, last_col, _detail_rows(batch))


class RowSplice:
    """Data rows written straight into a sheet's XML after XlsxWriter has closed the workbook.

    Measured by benchmarks/bench_detail_writer.py (figures in docs/merge.md):
    for 10,000 units × 211 columns XlsxWriter's ``write_row`` is 2× faster than
    openpyxl, and plain unstyled <row> elements another 3× or more. Only the
    明细 data rows go this way: numbers and inline strings, no styles, so
    nothing else in the package (styles, shared strings) has to know about them.
    """

    _ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")

    def __init__(self, sheet: str, first_row: int, last_row: int, last_col: int, rows: Iterable[list[Any]]):
        self.sheet, self.first_row, self.last_row, self.last_col, self.rows = sheet, first_row, last_row, last_col, rows

    def _cell(self, ref: str, v: Any) -> str:
        if v is None or v == "":
            return ""
        if isinstance(v, bool):
            v = "是" if v else "否"
        if isinstance(v, int):
            return f'<c r="{ref}"><v>{v}</v></c>'
        if isinstance(v, float):
            return f'<c r="{ref}"><v>{v!r}</v></c>'
        text = xml_escape(self._ILLEGAL.sub("", str(v)))
        space = ' xml:space="preserve"' if text != text.strip() else ""
        return f'<c r="{ref}" t="inlineStr"><is><t{space}>{text}</t></is></c>'

    def xml(self) -> Iterator[bytes]:
        letters = [column_letter(c + 1) for c in range(self.last_col + 1)]
        chunk: list[str] = []
        for i, row in enumerate(self.rows):
            r = self.first_row + i + 1
            # Most cells are whole numbers (10,000 units × 211 in a county): written here without a call.
            cells = "".join(f'<c r="{letters[c]}{r}"><v>{v}</v></c>' if type(v) is int else self._cell(f"{letters[c]}{r}", v)
                            for c, v in enumerate(row) if v is not None)
            chunk.append(f'<row r="{r}">{cells}</row>')
            if len(chunk) >= 256:
                yield "".join(chunk).encode()
                chunk = []
        if chunk:
            yield "".join(chunk).encode()

    def apply(self, path: Path) -> None:
        splice(path, [self])

    def body(self, text: str, seen: dict[str, bytes] | None = None) -> list[bytes]:
        """The sheet's XML with the rows in place."""
        text = re.sub(r'<dimension ref="[^"]*"/>',
                      f'<dimension ref="A1:{column_letter(self.last_col + 1)}{self.last_row + 1}"/>', text, count=1)
        head, tail = text.split("</sheetData>", 1)
        return [head.encode(), *self.xml(), ("</sheetData>" + tail).encode()]


def splice(path: Path, splices: list[RowSplice]) -> None:
    """Rewrite the package at ``path`` once with every splice's rows in place (same entries, same fixed times).
    A splice's ``body`` sees the sheets before it in the package, as they are written (``CoversSplice``)."""
    import zipfile

    from ..workbook.sheetxml import sheet_parts

    out = path.with_name(path.name + ".rows")
    try:
        with zipfile.ZipFile(path) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
            sheets = {part: name for name, part in sheet_parts(src).items()}
            parts = {part: sp for sp in splices for part, name in sheets.items() if name == sp.sheet}
            seen: dict[str, bytes] = {}
            for info in src.infolist():
                data = src.read(info.filename)
                sp = parts.get(info.filename)
                if sp is not None:
                    data = b"".join(sp.body(data.decode("utf-8"), seen))
                    # Level 1: a quarter of the time of the default level for a file about 40% larger.
                    dst.writestr(info, data, compresslevel=1)
                else:
                    dst.writestr(info, data)
                if info.filename in sheets:
                    seen[sheets[info.filename]] = data
        os.replace(out, path)
    finally:
        out.unlink(missing_ok=True)


class CoversSplice(RowSplice):
    """The hidden list of every unit the totals count, closed by a seal (lower.seal) over the 汇总 sheet as
    written and the list itself: the level above reads an untouched workbook without reading its 明细."""

    def body(self, text: str, seen: dict[str, bytes] | None = None) -> list[bytes]:
        rows = [["" if v is None else str(v) for v in row] for row in self.rows]
        self.rows = [*rows, [SEAL_MARK, seal((seen or {}).get(SUMMARY_SHEET, b""), rows)]]
        self.last_row = self.first_row + len(self.rows) - 1
        return super().body(text, seen)


# --- 问题清单 · 报送情况 · 来源 -----------------------------------------------------------


def _table(ws: Any, fmt: Formats, header: tuple[str, ...], rows: Iterable[tuple], widths: tuple[int, ...], top: int = 0) -> int:
    """A list with a header row: long text wraps within its column (the column's format), the header
    row repeats on every printed page, and the columns fit the page's width."""
    head = fmt(bold=True, bg_color="#" + style.LABEL_COLOR[-6:], border=1, text_wrap=True, valign="top")
    ws.write_row(top, 0, header, head)
    wrap = fmt(text_wrap=True, valign="top")
    for i, w in enumerate(widths):
        ws.set_column(i, i, w, wrap)
    _fit_height(ws, top, header, widths)
    n = 0
    for n, row in enumerate(rows, start=1):
        ws.write_row(top + n, 0, row)
        _fit_height(ws, top + n, row, widths)
    ws.freeze_panes(top + 1, 0)
    ws.autofilter(top, 0, top + max(n, 1), len(header) - 1)
    _print_setup(ws, repeat_rows=(top, top))
    return n


def _fit_height(ws: Any, row: int, values: Iterable[Any], widths: tuple[int, ...]) -> None:
    """Make a row of wrapped text as tall as its longest cell needs: LibreOffice does not grow rows to
    their wrapped text when it opens a file, it draws the lines over the next rows."""
    points = max((text_height(v, w) for v, w in zip(values, widths) if isinstance(v, str)), default=0)
    if points > DEFAULT_ROW_POINTS + 4:
        ws.set_row(row, points)


def _finding_row(unit: str, file: str, f: Finding) -> tuple:
    return (unit, file, f.status_label, f.rule, RULES[f.rule].title if f.rule in RULES else "", f.address, f.message, f.acknowledged or "")


def _findings_sheet(wb: Any, fmt: Formats, batch: Batch, summary_findings: list[Finding]) -> None:
    ws = wb.add_worksheet(FINDINGS_SHEET)
    rows = [_finding_row(SUMMARY_UNIT, "", f) for f in summary_findings]
    # What the peer comparison could not compare, where its hints are read (H2).
    rows += [(PEERS_UNIT, "", Severity.INFO.label, "H2", RULES["H2"].title, "", text, "") for text in batch.peers.notes()]
    rows += [_finding_row(u.display, u.record.where, f) for u, f in batch.findings()]
    _table(ws, fmt, ("单位", "文件", "严重程度", "规则", "规则说明", "位置", "说明", "核实说明"), rows, (20, 22, 8, 7, 22, 11, 50, 20))


def _submission_sheet(wb: Any, fmt: Formats, batch: Batch) -> None:
    ws = wb.add_worksheet(SUBMISSION_SHEET)
    widths = (13, 26, 30, 64, 24)
    ws.merge_range(0, 0, 0, len(widths) - 1, submission_summary(batch), fmt(bold=True, text_wrap=True, valign="top"))
    ws.set_row(0, text_height(submission_summary(batch), sum(widths)))
    rows = [(s.category, s.unit, s.file, s.note, s.via) for s in batch.submissions]
    _table(ws, fmt, SUBMISSION_HEADER, rows, widths, top=2)


def submission_summary(batch: Batch) -> str:
    """The line over 报送情况: the units counted, how the roster's units stand (adding up to the roster),
    and how many rows of each category follow."""
    counts = Counter(s.category for s in batch.submissions)
    parts = [batch.headline().split("：", 1)[1]]
    if batch.roster is not None:
        parts.append(batch.roster_line())
    listed = "、".join(f"{c}{counts[c]}项" for c in CATEGORIES if counts[c])
    parts.append(f"下表列出{listed}" if listed else "报送情况无异常")
    return "；".join(parts) + "。"


def _sources_sheet(wb: Any, fmt: Formats, batch: Batch) -> None:
    ws = wb.add_worksheet(SOURCES_SHEET)
    names = {u.record.where: u.display for u in batch.units}
    rows = []
    for r in sorted(batch.records, key=lambda r: (r.relative, r.index)):
        when = dt.datetime.fromtimestamp(r.mtime).strftime("%Y-%m-%d %H:%M:%S") if r.mtime else ""
        fmt_id = "" if r.error else ("汇总表" if r.merge_output else r.meta.format)
        rows.append((r.where, r.size, when, r.sha256, fmt_id, batch.outcome.get(r.where, ""), names.get(r.where, r.meta.name)))
    _table(ws, fmt, ("文件（相对于输入文件夹）", "大小（字节）", "修改时间", "SHA-256", "格式", "处理结果", "单位"), rows, (40, 12, 20, 36, 8, 14, 24))


def _covers_sheet(wb: Any, batch: Batch) -> RowSplice:
    """The hidden list of every unit the totals count, with the lower 汇总s it came through and its unknown
    cells: what a merge of this workbook at the level above reads (lower.py). Rows spliced in as 明细's."""
    ws = wb.add_worksheet(COVERS_SHEET)
    ws.write_row(0, 0, COVERS_COLUMNS)
    ws.hide()
    covered = batch.covered()
    answer = {True: "是", False: "否", None: ""}
    rows = ([c.unit, c.name, c.level, answer[c.government_own], c.via, " ".join(c.unknown)]
            for c in covered)
    return CoversSplice(COVERS_SHEET, 1, len(covered) + 1, len(COVERS_COLUMNS) - 1, rows)


def _marker_sheet(wb: Any, summary: Report) -> None:
    """The hidden marker: the format, that this is a merge output, and what its totals are of (read back by
    the reader, so that ``nianbao check`` and ``export`` of this workbook know it; issue 9 #23)."""
    ws = wb.add_worksheet(MARKER_SHEET)
    from ..workbook.build import marker_rows

    meta = summary.meta
    rows = (*marker_rows(summary.format), MERGE_MARKER,
            ("name", meta.name), ("region", meta.region), ("year", str(meta.year or "")))
    for i, (key, value) in enumerate(rows):
        ws.write_string(i, 0, key)
        ws.write_string(i, 1, value)
    ws.hide()


# --- the workbook ------------------------------------------------------------------------


def write_merge(batch: Batch, summary: Report, summary_findings: list[Finding], path: str | Path) -> Path:
    """Write the merge workbook to ``path`` (atomically: all or nothing)."""
    import xlsxwriter

    path = Path(path)
    with atomic_path(path) as tmp:
        wb = xlsxwriter.Workbook(str(tmp), {"strings_to_numbers": False, "strings_to_formulas": False, "strings_to_urls": False})
        latest = max((r.mtime for r in batch.records if r.mtime), default=0)
        # Fixed properties: the same inputs give the same bytes (the time is the newest input's, not now).
        wb.set_properties({
            "title": summary.meta.title,
            "author": "nianbao",
            "created": dt.datetime.fromtimestamp(latest).replace(microsecond=0) if latest else dt.datetime(2021, 9, 26),
        })
        fmt = Formats(wb)
        _summary_sheet(wb, fmt, batch, summary, summary_findings)
        _chart_sheet(wb, fmt, batch, summary)
        rows = _detail_sheet(wb, fmt, batch)
        _findings_sheet(wb, fmt, batch, summary_findings)
        _submission_sheet(wb, fmt, batch)
        _sources_sheet(wb, fmt, batch)
        _marker_sheet(wb, summary)
        covers = _covers_sheet(wb, batch)
        wb.worksheets()[0].activate()
        wb.close()
        splice(tmp, [rows, covers])
    return path


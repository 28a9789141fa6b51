"""Build the master template from the schema, and fill it with a Report.

    >>> wb = build_template()
    >>> wb.sheetnames[:5]
    ['单位信息', '表二', '表三', '表四', '文字']

The template is checked in as template/年报模板.xlsx; a test rebuilds it and
fails on any difference.
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Protection
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from ..atomic import save_workbook
from ..formats import DEFAULT
from ..grid import Place, table_grid
from ..report import Report, State
from ..schema import MARKER_SHEET, META_SHEET, TEXT_SHEET, Format, TableSpec
from . import style
from .layout import (
    CHECK_COLUMN_HEADER,
    HEADING_ROW,
    META_VALUE_COL,
    TABLE_TOP,
    TEXT_HEADINGS,
    TEXT_MARK_COL,
    TEXT_TITLE,
    TEXT_VALUE_COL,
    Layout,
    a1,
    column_letter,
    grid_row_heights,
    layout_of,
    sheet_col,
    sheet_row,
    table_bottom,
    table_right,
    text_height,
)

CHECK_COLUMN_WIDTH = 18
META_WIDTHS = (24, 44, 40)  # 单位信息: 项目, 填写内容, 说明
TEXT_COLUMN_WIDTH = 90
# Six lines of text each, and the blank 文字 sheet prints on one A4 page (it spilled its last row
# onto a second page at 120; issue 9 #25).
TEXT_ROW_HEIGHT = 84


def marker_rows(fmt: Format) -> tuple[tuple[str, str], ...]:
    """The hidden marker sheet's rows: what the reader recognises a workbook's format by."""
    return (("format", fmt.id), ("format_name", fmt.name), ("template_version", fmt.template_version))

UNLOCKED = Protection(locked=False)


def _protect(ws: Worksheet) -> None:
    # No password: the lock only keeps labels from being typed over by accident.
    ws.protection.sheet = True
    # Colouring stays allowed: the checker (the Excel add-in) marks wrong cells red on the
    # unit's own open book, and Excel refuses any fill on a protected sheet otherwise.
    ws.protection.formatCells = False
    ws.protection.formatColumns = False
    ws.protection.formatRows = False


def _print_setup(ws: Worksheet, last_row: int, last_col: int, landscape: bool) -> None:
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 1 if landscape else 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_area = f"A1:{a1(last_row, last_col)}"
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.6


def _style_place(ws: Worksheet, fmt: Format, table: TableSpec, place: Place) -> None:
    top, left = sheet_row(place), sheet_col(place)
    bottom, right = top + place.rowspan - 1, left + place.colspan - 1
    if place.rowspan > 1 or place.colspan > 1:
        ws.merge_cells(start_row=top, start_column=left, end_row=bottom, end_column=right)
    for r in range(top, bottom + 1):
        for c in range(left, right + 1):
            ws.cell(r, c).border = style.BORDER
    cell = ws.cell(top, left)
    if place.cell is not None:  # a value cell
        cell.fill = style.INPUT_FILL
        cell.protection = UNLOCKED
        cell.font = style.BODY_FONT
        cell.alignment = style.CENTER
        cell.number_format = "0" if fmt.cells[place.cell].kind == "count" else "General"
        return
    cell.value = place.text
    if place.role in ("title", "header", "corner"):
        cell.font = style.HEADER_FONT
        cell.fill = style.LABEL_FILL
        cell.alignment = style.CENTER
    else:
        cell.font = style.BODY_FONT
        vertical = fmt.vertical.applies(table.column_widths[place.col], place.colspan, place.rowspan)
        cell.alignment = style.VERTICAL if vertical else (style.CENTER if place.rowspan > 1 else style.LEFT)


def _row_heights(ws: Worksheet, table: TableSpec) -> None:
    for row, height in grid_row_heights(table, table.column_widths).items():
        ws.row_dimensions[TABLE_TOP + row].height = height


def _validations(ws: Worksheet, fmt: Format, table: TableSpec) -> None:
    counts = DataValidation(
        type="whole", operator="greaterThanOrEqual", formula1="0", allow_blank=True,
        showErrorMessage=True, errorTitle="请填写整数", error="此处填写件数：大于或等于0的整数。",
    )
    not_applicable = DataValidation(
        type="custom", allow_blank=True, showErrorMessage=True, errorTitle="请填写整数或“/”",
        error="此处填写件数：大于或等于0的整数；本机关无规章制定权的，可填“/”。",
    )
    amounts = DataValidation(
        type="decimal", operator="greaterThanOrEqual", formula1="0", allow_blank=True,
        showErrorMessage=True, errorTitle="请填写金额", error="此处填写金额（单位：万元）：大于或等于0的数，最多6位小数。",
    )
    first_na = None
    for p in table_grid(table):
        if not p.cell:
            continue
        spec, addr = fmt.cells[p.cell], a1(sheet_row(p), sheet_col(p))
        if spec.na_allowed:
            first_na = first_na or addr
            not_applicable.add(addr)
        elif spec.kind == "amount":
            amounts.add(addr)
        else:
            counts.add(addr)
    if first_na:
        # Relative reference: Excel shifts it for each cell of the range.
        not_applicable.formula1 = f'OR({first_na}="/",AND(ISNUMBER({first_na}),{first_na}>=0,INT({first_na})={first_na}))'
    for dv in (counts, not_applicable, amounts):
        if dv.sqref:
            ws.add_data_validation(dv)


def _live_checks(ws: Worksheet, layout: Layout, table: TableSpec) -> None:
    checks, rows, check_col = layout.live_checks(table.key)
    blanks = layout.blank_check(table.key)
    red = FormulaRule
    if any(c.check.axis == "row" for c in checks):
        head = ws.cell(sheet_row(table_grid(table)[0]), check_col, CHECK_COLUMN_HEADER)
        head.font = style.CHECK_FONT
        ws.column_dimensions[column_letter(check_col)].width = CHECK_COLUMN_WIDTH
    widths = table.column_widths
    for row in (*rows, blanks.label):
        first, last = row.label_cols
        if last > first:
            ws.merge_cells(start_row=row.label_row, start_column=first, end_row=row.label_row, end_column=last)
        label = ws.cell(row.label_row, first, row.label)
        label.font = style.CHECK_FONT
        label.alignment = style.LEFT
        height = text_height(row.label, sum(widths[first - 1 : last]), line=12)
        if height > 18:
            ws.row_dimensions[row.label_row].height = height
    for lc in checks:
        cell = ws.cell(lc.row, lc.col, lc.formula)
        cell.font = style.CHECK_FONT
        cell.alignment = style.CENTER
        ref = a1(lc.row, lc.col)
        # The check cell itself and the total it is about both turn red.
        ws.conditional_formatting.add(ref, red(formula=[f"LEN({ref})>0"], fill=style.CHECK_FILL))
        ws.conditional_formatting.add(
            lc.focus.a1, red(formula=[f"LEN(${column_letter(lc.col)}${lc.row})>0"], fill=style.CHECK_FILL)
        )
    # Blank cells: the count under the table, and each blank cell red once the table has anything in it.
    count = ws.cell(blanks.row, blanks.col, blanks.formula)
    count.font, count.alignment = style.CHECK_FONT, style.ONE_LINE
    ref = a1(blanks.row, blanks.col)
    ws.conditional_formatting.add(ref, red(formula=[f"LEN({ref})>0"], fill=style.CHECK_FILL))
    for cells in blanks.runs:
        ws.conditional_formatting.add(cells, red(formula=[blanks.mark(cells.split(":")[0])], fill=style.CHECK_FILL))


def _table_sheet(wb: Workbook, layout: Layout, table: TableSpec) -> None:
    ws = wb.create_sheet(table.sheet)
    right = table_right(table)
    ws.merge_cells(start_row=HEADING_ROW, start_column=1, end_row=HEADING_ROW, end_column=right)
    heading = ws.cell(HEADING_ROW, 1, table.heading)
    heading.font = style.TITLE_FONT
    heading.alignment = style.LEFT
    ws.row_dimensions[HEADING_ROW].height = 24
    for i, width in enumerate(table.column_widths, start=1):
        ws.column_dimensions[column_letter(i)].width = width
    for place in table_grid(table):
        _style_place(ws, layout.format, table, place)
    _row_heights(ws, table)
    _validations(ws, layout.format, table)
    _live_checks(ws, layout, table)
    _print_setup(ws, table_bottom(table), right, landscape=right > 4)
    _protect(ws)


def _meta_sheet(wb: Workbook, layout: Layout) -> None:
    ws = wb.active
    ws.title = META_SHEET
    ws["A1"] = META_SHEET
    ws["A1"].font = style.TITLE_FONT
    for col, (text, width) in enumerate(zip(("项目", "填写内容", "说明"), META_WIDTHS), start=1):
        cell = ws.cell(2, col, text)
        cell.font, cell.fill, cell.alignment, cell.border = style.HEADER_FONT, style.LABEL_FILL, style.CENTER, style.BORDER
        ws.column_dimensions[column_letter(col)].width = width
    for f in layout.format.meta_fields:
        row = layout.meta_rows[f.key]
        label = ws.cell(row, 1, f.label)
        value = ws.cell(row, META_VALUE_COL)
        hint = ws.cell(row, 3, f.hint)
        for c in (label, value, hint):
            c.border, c.alignment = style.BORDER, style.LEFT
        label.font, value.font, hint.font = style.BODY_FONT, style.BODY_FONT, style.NOTE_FONT
        value.fill, value.protection = style.INPUT_FILL, UNLOCKED
        ws.row_dimensions[row].height = max(20, text_height(f.hint, META_WIDTHS[2]), text_height(f.label, META_WIDTHS[0]))
        if f.choices:
            dv = DataValidation(
                type="list", formula1='"' + ",".join(f.choices) + '"', allow_blank=True,
                showErrorMessage=True, errorTitle="请从列表选择", error="请从下拉列表中选择：" + "、".join(f.choices),
            )
            dv.add(value.coordinate)
            ws.add_data_validation(dv)
        elif f.key == "year":
            dv = DataValidation(
                type="whole", operator="between", formula1="2019", formula2="2100", allow_blank=True,
                showErrorMessage=True, errorTitle="请填写年度", error="报告年度填写四位数字，如2024。",
            )
            dv.add(value.coordinate)
            ws.add_data_validation(dv)
            value.number_format = "0"
    notes_row = max(layout.meta_rows.values()) + 2
    notes = (
        "填表说明：",
        "1. 黄色单元格为填报区，其余单元格已保护（无密码），防止误改格式标签。",
        "2. 表二、表三、表四的所有数字（含总计）均需填写；没有发生的填0，不要留空。",
        "3. 本机关无规章制定权的，表二「规章」行可填“/”。收费金额单位为万元。",
        "4. 表格右侧和下方的“自动校验”出现红色时，说明该行或该列的数字对不上。",
        "5. 表格填了数字后，还空着的单元格会变红：空白不等于0，没有发生的填0。",
        "6. 完整校验：在命令行运行 nianbao check 本文件.xlsx，或在Excel中点击「政务公开年报」→「校验」。",
    )
    for i, text in enumerate(notes):
        ws.cell(notes_row + i, 1, text).font = style.NOTE_FONT if i else style.HEADER_FONT
    _print_setup(ws, notes_row + len(notes) - 1, 3, landscape=False)
    _protect(ws)


def add_text_sheet(wb: Workbook, layout: Layout) -> None:
    """The template's 文字 sheet, added to ``wb`` (also to a workbook that lacks one, before text is written into it)."""
    ws = wb.create_sheet(TEXT_SHEET)
    ws["A1"] = TEXT_TITLE
    ws["A1"].font = style.TITLE_FONT
    for col, (text, width) in enumerate(zip(TEXT_HEADINGS, (22, TEXT_COLUMN_WIDTH, 12)), start=1):
        cell = ws.cell(2, col, text)
        cell.font, cell.fill, cell.alignment, cell.border = style.HEADER_FONT, style.LABEL_FILL, style.CENTER, style.BORDER
        ws.column_dimensions[column_letter(col)].width = width
    ws.column_dimensions[column_letter(TEXT_MARK_COL)].hidden = True
    for row, heading in layout.text_heading_rows.items():
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=TEXT_VALUE_COL)
        cell = ws.cell(row, 1, heading)
        cell.font, cell.fill, cell.alignment, cell.border = style.HEADER_FONT, style.LABEL_FILL, style.LEFT, style.BORDER
        ws.cell(row, TEXT_VALUE_COL).border = style.BORDER
        ws.row_dimensions[row].height = 20
    for slot in layout.format.text_slots:
        row = layout.text_rows[slot.key]
        label = ws.cell(row, 1, slot.label)
        label.font, label.alignment, label.border = style.BODY_FONT, style.LEFT, style.BORDER
        body = ws.cell(row, TEXT_VALUE_COL)
        body.font, body.alignment, body.border = style.BODY_FONT, style.TEXT_BLOCK, style.BORDER
        body.fill, body.protection = style.INPUT_FILL, UNLOCKED
        ws.cell(row, TEXT_MARK_COL).protection = UNLOCKED
        ws.row_dimensions[row].height = TEXT_ROW_HEIGHT
    _print_setup(ws, max(layout.text_rows.values()), TEXT_VALUE_COL, landscape=False)
    _protect(ws)


def _marker_sheet(wb: Workbook, fmt: Format) -> None:
    ws = wb.create_sheet(MARKER_SHEET)
    for i, (key, value) in enumerate(marker_rows(fmt), start=1):
        ws.cell(i, 1, key)
        ws.cell(i, 2, value)
    ws.sheet_state = "hidden"
    _protect(ws)


def build_template(fmt: Format = DEFAULT) -> Workbook:
    """The empty template of ``fmt`` (the default format unless given)."""
    layout = layout_of(fmt)
    wb = Workbook()
    _meta_sheet(wb, layout)
    for table in layout.format.tables.values():
        _table_sheet(wb, layout, table)
    add_text_sheet(wb, layout)
    _marker_sheet(wb, layout.format)
    wb.active = 0
    # Fixed document properties keep rebuilds identical.
    wb.properties.creator = "nianbao"
    wb.properties.title = "政府信息公开工作年度报告（" + layout.format.id + "格式）"
    return wb


def write_template(path: str | Path, fmt: Format = DEFAULT) -> Path:
    """nianbao template -o PATH: write the empty template."""
    return save_workbook(build_template(fmt), path)


def fill_workbook(wb: Workbook, report: Report) -> None:
    """Write a report's details, numbers (as typed, when they were not plain numbers) and text;
    every string as text (edit.put_text), so an imported "=HYPERLINK(…)" is never a live formula."""
    from .edit import put_text

    layout = layout_of(report.format)
    meta = wb[META_SHEET]
    for f in layout.format.meta_fields:
        value = getattr(report.meta, f.key)
        if f.key == "government_own":
            value = report.meta.government_own_answer
        put_text(meta.cell(layout.meta_rows[f.key], META_VALUE_COL), value if value not in ("", None) else None)
    for cid, pos in layout.positions.items():
        if cid in report.raw:
            value = report.raw[cid]
        elif report.state(cid) is State.NUMBER:
            value = report.values.get(cid)
        else:
            value = None
        put_text(wb[pos.sheet].cell(pos.row, pos.col), value)
    text = wb[TEXT_SHEET]
    for slot in layout.format.text_slots:
        put_text(text.cell(layout.text_rows[slot.key], TEXT_VALUE_COL), report.text.get(slot.key) or None)


def write_report(report: Report, path: str | Path) -> Path:
    """The template of the report's format filled with ``report``, written atomically to ``path``."""
    wb = build_template(report.format)
    fill_workbook(wb, report)
    return save_workbook(wb, path)


SHEET_LAYOUTS = ("stacked", "side")


def write_units_on_sheets(reports: list[Report], path: str | Path, layout: str = "stacked") -> Path:
    """One sheet per unit, each holding the template's three tables filled with its report under a title
    row: stacked as the merge's 汇总 sheet prints them, or side by side (``layout``). A shape merge reads
    (workbook/units.py), for the demo and the tests."""
    book = Workbook()
    book.remove(book.active)
    for i, report in enumerate(reports, start=1):
        ws = book.create_sheet(f"单位{i}")
        ws.cell(1, 1, report.meta.title)
        filled = build_template(report.format)
        fill_workbook(filled, report)
        row, col = 3, 1
        for table in report.format.tables.values():
            src = filled[table.sheet]
            for r in range(1, table_bottom(table) + 1):
                for c in range(1, table_right(table) + 1):
                    if (v := src.cell(r, c).value) is not None:
                        ws.cell(row + r - 1, col + c - 1, v)
            if layout == "stacked":
                row += table_bottom(table) + 1
            else:
                col += table_right(table) + 1
    return save_workbook(book, path)

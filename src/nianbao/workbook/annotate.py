"""Show findings in a workbook: wrong cells red with a comment, and a 校验结果 sheet linking to them.

    annotate("单位.xlsx", findings, "单位-校验.xlsx")   # the input is never modified

The plan (which cells, which rows) is computed here without any spreadsheet
library, so the Excel add-in applies exactly the same marks through xlwings.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..cells import plain_text
from ..formats import DEFAULT
from ..outputs import WORKBOOK, Source, target
from ..report import ACKNOWLEDGED_LABEL, Finding, Verdict, counts_line
from ..safetext import clean
from ..schema import META_SHEET, RESULTS_SHEET, TEXT_SHEET, Format, normalise
from .edit import open_for_writing, put_text
from .layout import META_VALUE_COL, RESULTS_COLUMNS, TEXT_VALUE_COL, a1, layout_of, text_height

MARK_AUTHOR = "nianbao"
ACK_CHOICE = "已核实"
ALL_CELLS_RULES = {"N3"}  # a finding about several cells, each of them wrong (blank)
RESULTS_NOTE = "对可以解释的警告，在“核实”列选择“已核实”并填写核实说明；再次校验时将列为已核实。错误不能标记为已核实，须改正。"


def split_address(address: str) -> tuple[str, str] | None:
    """"表三!D5" → ("表三", "D5"); None for addresses that are not sheet cells."""
    if "!" not in address:
        return None
    sheet, cell = address.rsplit("!", 1)
    return sheet.strip("'"), cell


def marked_cells_of(findings: Iterable[Finding]) -> dict[tuple[str, str], list[Finding]]:
    """The cells to mark, (sheet, "D5") → the findings that mark it; acknowledged findings mark nothing.

    A finding marks its first cell (where the difference shows), except the
    rules whose every cell is wrong (ALL_CELLS_RULES). The web portal marks
    the same cells in its tables.
    """
    plan: dict[tuple[str, str], list[Finding]] = {}
    for f in findings:
        if f.acknowledged:
            continue
        refs = f.cells if f.rule in ALL_CELLS_RULES else f.cells[:1]
        for ref in refs:
            where = split_address(ref.address)
            if where:
                plan.setdefault(where, []).append(f)
    return plan


def mark_plan(findings: Iterable[Finding]) -> dict[tuple[str, str], list[str]]:
    """Cells to colour, each with the lines of its comment; acknowledged findings are not marked."""
    return {
        where: [f"[{f.rule} {f.severity.label}] {f.message}" for f in marking]
        for where, marking in marked_cells_of(findings).items()
    }


def input_cells(fmt: Format = DEFAULT) -> set[tuple[str, str]]:
    """The input cells of ``fmt``'s template: their fill is restored when a mark is cleared."""
    layout = layout_of(fmt)
    cells = {(p.sheet, p.a1) for p in layout.positions.values()}
    cells |= {(META_SHEET, a1(r, META_VALUE_COL)) for r in layout.meta_rows.values()}
    cells |= {(TEXT_SHEET, a1(r, TEXT_VALUE_COL)) for r in layout.text_rows.values()}
    return cells


@dataclass(frozen=True)
class ResultRow:
    number: int
    status: str
    rule: str
    address: str
    message: str
    acknowledged: str  # "已核实" or ""
    reason: str
    key: str

    @property
    def values(self) -> tuple:
        return (self.number, self.status, self.rule, self.address, self.message, self.acknowledged, self.reason, self.key)


def result_rows(findings: Iterable[Finding], acknowledged: dict[str, str] | None = None) -> list[ResultRow]:
    """Rows of the 校验结果 sheet; the unit's earlier 核实 entries are carried forward by key."""
    acknowledged = acknowledged or {}
    rows = []
    for i, f in enumerate(findings, start=1):
        reason = f.acknowledged if f.acknowledged is not None else acknowledged.get(f.key, "")
        ack = ACK_CHOICE if f.key in acknowledged or f.acknowledged else ""
        rows.append(ResultRow(i, f.status_label, f.rule, f.address, f.message, ack, reason, f.key))
    return rows


def read_result_rows(grid: Sequence[Sequence[object]]) -> list[ResultRow]:
    """The rows of a 校验结果 sheet (rows of values from A1) as ``result_rows`` wrote them.

    Columns are found by their headers, so a sheet whose columns the unit moved
    still reads; rows without a 键 (the note under the table) are skipped.
    """
    wanted = [normalise(c) for c in RESULTS_COLUMNS]
    for r, row in enumerate(grid):
        header = [normalise(v) if isinstance(v, str) else "" for v in row]
        if "键" not in header or "核实" not in header:
            continue
        cols = [header.index(c) if c in header else None for c in wanted]
        out = []
        for data in grid[r + 1 :]:
            fields = [plain_text(data[c]) if c is not None and c < len(data) else "" for c in cols]
            if not fields[-1]:
                continue
            number = int(fields[0]) if fields[0].isdigit() else 0
            out.append(ResultRow(number, *fields[1:]))
        return out
    return []


def marked_cells(rows: Iterable[ResultRow], addresses: dict[str, str]) -> set[tuple[str, str]]:
    """The cells an earlier run coloured, re-derived from its 校验结果 rows as ``mark_plan`` chose them.

    ``addresses`` (cell id → "表三!D5", from reading the book now) places the
    further cells of a several-cell finding (N3), so rows the unit inserted
    since are followed; acknowledged rows were never coloured.
    """
    cells = set()
    for row in rows:
        if row.status == ACKNOWLEDGED_LABEL:
            continue
        rule, _, ids = row.key.partition(":")
        found = [row.address]
        if rule in ALL_CELLS_RULES:
            found += [addresses.get(cid, "") for cid in ids.split(",")]
        cells |= {where for a in found if (where := split_address(a))}
    return cells


def summary_line(findings: Iterable[Finding]) -> str:
    findings = list(findings)
    if Verdict.of(findings) is Verdict.PASSED:
        return "通过：没有发现错误或警告"
    return counts_line(findings)


# --- openpyxl -------------------------------------------------------------------


def _clear_marks(wb) -> None:
    from . import style

    inputs = input_cells()
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.comment is not None and cell.comment.author == MARK_AUTHOR:
                    cell.comment = None
                if cell.fill is not None and cell.fill.fill_type == "solid" and cell.fill.start_color.rgb == style.MARK_COLOR:
                    cell.fill = style.INPUT_FILL if (ws.title, cell.coordinate) in inputs else style.NO_FILL


def _write_results(wb, findings: list[Finding], acknowledged: dict[str, str]) -> None:
    from openpyxl.worksheet.datavalidation import DataValidation
    from openpyxl.worksheet.hyperlink import Hyperlink

    from . import style
    from .layout import column_letter

    if RESULTS_SHEET in wb.sheetnames:
        del wb[RESULTS_SHEET]
    ws = wb.create_sheet(RESULTS_SHEET, 0)
    widths = (6, 9, 8, 14, 80, 9, 30, 4)
    for col, (title, width) in enumerate(zip(RESULTS_COLUMNS, widths), start=1):
        cell = ws.cell(1, col, title)
        cell.font, cell.fill, cell.alignment, cell.border = style.HEADER_FONT, style.LABEL_FILL, style.CENTER, style.BORDER
        ws.column_dimensions[column_letter(col)].width = width
    rows = result_rows(findings, acknowledged)
    wrapped = {5: widths[4], 7: widths[6]}  # 说明, 核实说明
    for r, row in enumerate(rows, start=2):
        for col, value in enumerate(row.values, start=1):
            cell = ws.cell(r, col)
            put_text(cell, value)  # a 核实说明 typed as "=HYPERLINK(…)" stays text
            cell.font, cell.border = style.BODY_FONT, style.BORDER
            cell.alignment = style.LEFT if col in wrapped else style.CENTER
        # Tall enough for the wrapped text: a spreadsheet does not grow a row for text written into it.
        ws.row_dimensions[r].height = max(text_height(str(row.values[c - 1] or ""), w) for c, w in wrapped.items())
        where = split_address(row.address)
        if where and where[0] in wb.sheetnames:
            link = ws.cell(r, 4)
            link.hyperlink = Hyperlink(ref=link.coordinate, location=f"'{where[0]}'!{where[1]}", display=row.address)
            link.font = style.LINK_FONT
    last = max(len(rows) + 1, 2)
    choice = DataValidation(type="list", formula1=f'"{ACK_CHOICE}"', allow_blank=True)
    choice.add(f"F2:F{max(last, 200)}")
    ws.add_data_validation(choice)
    ws.auto_filter.ref = f"A1:{column_letter(len(RESULTS_COLUMNS))}{last}"
    ws.freeze_panes = "A2"
    ws.column_dimensions[column_letter(len(RESULTS_COLUMNS))].hidden = True
    ws.page_setup.paperSize, ws.page_setup.orientation = "9", "landscape"
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_area = f"A1:{column_letter(len(RESULTS_COLUMNS) - 1)}{last}"
    note = ws.cell(last + 2, 5, RESULTS_NOTE)
    note.font = style.NOTE_FONT
    wb.active = 0


def annotate_workbook(wb, findings: list[Finding], acknowledged: dict[str, str] | None = None) -> None:
    """Mark ``findings`` in an open openpyxl workbook, replacing the previous run's marks."""
    from openpyxl.comments import Comment

    from . import style

    _clear_marks(wb)
    for (sheet, cell_ref), lines in mark_plan(findings).items():
        if sheet not in wb.sheetnames:
            continue
        cell = wb[sheet][cell_ref]
        cell.fill = style.MARK_FILL
        comment = Comment(clean("\n".join(lines)), MARK_AUTHOR)
        comment.width, comment.height = 320, 40 + 40 * len(lines)
        cell.comment = comment
    _write_results(wb, findings, acknowledged or {})


def annotated_name(path: str | Path) -> str:
    """单位.xlsx → 单位-校验结果.xlsx: the annotated copy's name, beside the file or in the folder given."""
    return f"{Path(path).stem}-校验结果.xlsx"


def annotate(source: str | Path, findings: list[Finding], out: str | Path, acknowledged: dict[str, str] | None = None,
             inputs: Iterable[Source] = ()) -> Path:
    """Write a COPY of ``source`` with the findings shown into ``out`` (a file, or a folder for
    ``annotated_name``); ``source`` and the other ``inputs`` the check read are never touched."""
    from ..atomic import save_workbook

    src = Path(source)
    dst = target(out, WORKBOOK, [Source(src, "原文件"), *inputs], name=annotated_name(src))
    wb = open_for_writing(src, "生成标注副本")
    annotate_workbook(wb, findings, acknowledged)
    return save_workbook(wb, dst)


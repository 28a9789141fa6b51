"""nianbao text: the 文字 sheet of a workbook filled from its numbers — the workbook side of narrative.py.

``narrative`` makes the text of each slot from a Report (pure); this module finds
the slots in a 文字 sheet (``slot_rows``), decides what to do with each
(``plan_sheet``, the same for the command and the Excel button) and writes the
workbook (``text``). ``draft`` adds the report's errors, which ``check`` finds:
text written from tables with errors says so.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .check import check
from .errors import UnsupportedSource, source
from .formats import DEFAULT
from .locate import Grid
from .narrative import ERRORS_NOTE, SlotChange, generate, mark, plan
from .report import Finding, Report, Severity
from .schema import TEXT_SHEET, Format, normalise


def draft(report: Report, last: Report | None = None, templates: str | Path | None = None) -> tuple[dict[str, str], list[Finding]]:
    """``generate``, and the errors ``nianbao check`` finds in the report: with any, every text opens
    with ERRORS_NOTE, so a sentence such as "予以公开6件" is not taken for checked."""
    generated = generate(report, last, templates)
    errors = [f for f in check(report, last) if f.severity is Severity.ERROR]
    if errors:
        generated = {key: f"{ERRORS_NOTE}\n{body}" for key, body in generated.items()}
    return generated, errors




def slot_rows(grid: Grid, fmt: Format = DEFAULT) -> dict[str, int]:
    """Sheet row (from 1) of each slot of ``fmt`` in the 文字 sheet given as rows of values from A1: the
    template's row when its label is there, else wherever column A has the label."""
    from .workbook.layout import layout_of

    slots, rows = fmt.text_slots, layout_of(fmt).text_rows

    def label(r: int) -> str | None:
        value = grid[r - 1][0] if r <= len(grid) and grid[r - 1] else None
        return normalise(value) if isinstance(value, str) else None

    found = {slot.key: rows[slot.key] for slot in slots if label(rows[slot.key]) == normalise(slot.label)}
    if len(found) < len(slots):
        labels = {normalise(s.label): s.key for s in slots}
        for r in range(1, len(grid) + 1):
            found_label = label(r)
            if found_label in labels:
                found.setdefault(labels[found_label], r)
    return found


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    return str(value).replace("\r\n", "\n").strip()


@dataclass
class SheetPlan:
    """What generating text does to a 文字 sheet: each found slot's change, where it is, what is missing."""

    rows: dict[str, int]  # slot key -> sheet row
    changes: list[SlotChange] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # slots that cannot be written, in words
    errors: list[Finding] = field(default_factory=list)  # the report's errors: the text was written from them

    @property
    def written(self) -> list[SlotChange]:
        return [c for c in self.changes if c.written]


def plan_sheet(grid: Grid, generated: dict[str, str], force: bool = False, fmt: Format = DEFAULT) -> SheetPlan:
    """Plan the 文字 sheet given as rows of values from A1 (an openpyxl sheet, or the open book in Excel),
    in the slots of ``fmt`` (the report's format)."""
    from .workbook.layout import TEXT_MARK_COL, TEXT_VALUE_COL

    def cell(r: int, c: int) -> str:
        row = grid[r - 1] if r <= len(grid) else ()
        return _cell_text(row[c - 1] if c <= len(row) else None)

    rows = slot_rows(grid, fmt)
    current = {key: (cell(r, TEXT_VALUE_COL), cell(r, TEXT_MARK_COL) or None) for key, r in rows.items()}
    sheet = SheetPlan(rows)
    for change in plan(current, generated, force, fmt.text_slots):
        if change.key in rows:
            sheet.changes.append(change)
        else:
            sheet.problems.append(f"「{TEXT_SHEET}」工作表中找不到栏目「{change.label}」，未写入")
    return sheet


@dataclass
class TextResult(SheetPlan):
    """What ``text`` did: the sheet's plan, carried out from ``source`` into ``output``."""

    source: Path = field(kw_only=True)
    output: Path = field(kw_only=True)


def text(
    path: str | Path,
    output: str | Path,
    *,
    last: Report | None = None,
    force: bool = False,
    templates: str | Path | None = None,
) -> TextResult:
    """nianbao text FILE -o OUT: fill the empty 文字 slots of a workbook from its numbers, into ``output``.

    The input is never changed unless ``output`` is the input itself (the
    command's --in-place); ``output`` may be a folder (<name>-文字.xlsx inside),
    never last year's report. The numbers are read as ``nianbao check`` reads
    them (sources.read_report); when they have errors the text says so (``draft``).
    """
    from .atomic import save_workbook
    from .outputs import Source, target, workbook_like
    from .sources import read_report
    from .workbook.edit import open_for_writing, put_text
    from .workbook.layout import TEXT_MARK_COL, TEXT_VALUE_COL

    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".xlsx", ".xlsm"):
        with source(path):
            raise UnsupportedSource("只能为Excel工作簿（.xlsx、.xlsm）生成文字")
    lasts = [Source(last.meta.source, "上年度报告")] if last is not None and last.meta.source else []
    output = target(output, workbook_like(path), lasts, name=text_name(path).name)
    report = read_report(path)
    generated, errors = draft(report, last, templates)
    wb = open_for_writing(path, "写入文字", keep_vba=True)
    if TEXT_SHEET in wb.sheetnames:
        ws = wb[TEXT_SHEET]
    else:
        from .workbook.build import add_text_sheet  # the template's own 文字 sheet, so a later read finds it
        from .workbook.layout import layout_of

        add_text_sheet(wb, layout_of(report.format))
        ws = wb[TEXT_SHEET]
    sheet = plan_sheet(list(ws.iter_rows(max_col=TEXT_MARK_COL, values_only=True)), generated, force, report.format)
    for change in sheet.written:
        row = sheet.rows[change.key]
        put_text(ws.cell(row, TEXT_VALUE_COL), change.after)
        ws.cell(row, TEXT_MARK_COL).value = mark(change.after)
    save_workbook(wb, output)
    return TextResult(sheet.rows, sheet.changes, sheet.problems, errors, source=path, output=output)


def text_name(path: str | Path) -> Path:
    """单位.xlsx → 单位-文字.xlsx beside it: where ``nianbao text`` writes by default."""
    path = Path(path)
    return path.with_name(f"{path.stem}-文字{path.suffix}")

"""The Excel ribbon's buttons: read the open workbook, call the library, write back, say how it went.

    RunPython "import nianbao.excel as x; x.dispatch('" & control.Tag & "', '0.1.0')"   ' addin/RibbonMyAddin.bas

Every ribbon button calls that one VBA callback with its ``tag`` (addin/customUI.xml)
and the nianbao version the add-in was built for (``nianbao addin build`` writes it);
``dispatch`` refuses an add-in built for another version, then runs the Python function
registered under the tag (``@button("check")``) on the active workbook and ends with an
alert. Adding a button is one XML line and one function here. Any exception becomes a
Chinese alert that says what to do. The call's shape ``dispatch(tag, version)`` stays as
it is, so any later nianbao can tell an add-in of any other version what to do.

Only the part of the xlwings API that works the same on desktop Excel (RunPython),
xlwings Server and xlwings' remote engine is used: bulk ``.value`` reads and writes,
fill colours, sheets add/clear/activate, hyperlinks and ``app.alert`` — no ``.api``,
no formula reads, no notes. Each click starts a new Python process on Windows, so
importing this module loads no xlwings, pandas, numpy or openpyxl.

导出 and 汇总 write next to the workbook's file (``Book.fullname``), which only a
Python process on the clerk's own computer (desktop RunPython) can do; where the
book has no folder there (never saved, a OneDrive/SharePoint URL, xlwings Server)
they refuse. 汇总 reads the unit workbooks from disk (the open one too, as saved)
and writes a new workbook it cannot open: the allowed API has no "open a book".
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import __version__
from .cells import plain_text
from .errors import NianbaoError, SourceError
from .formats import DEFAULT, F2019
from .locate import Grid
from .report import Finding, Report, Severity, Verdict
from .safetext import clean
from .schema import MERGE_SETTINGS, MERGE_SETTINGS_SHEET, RESULTS_SHEET, TEXT_SHEET
from .workbook.annotate import (
    RESULTS_NOTE,
    ResultRow,
    input_cells,
    mark_plan,
    marked_cells,
    read_result_rows,
    result_rows,
    split_address,
    summary_line,
)
from .workbook.colors import INPUT_COLOR, LABEL_COLOR, MARK_COLOR, rgb
from .workbook.layout import RESULTS_COLUMNS, TEXT_VALUE_COL, cell_position, layout_of

if TYPE_CHECKING:
    from .export import ExportResult
    from .merge import MergeResult
    from .textsheet import SheetPlan

TITLE = "政务公开年报"  # the ribbon tab's label, also the title of every alert
SHOWN_FINDINGS = 5  # findings listed in the closing alert; the rest are on the 校验结果 sheet
MAX_ROWS, MAX_COLUMNS = 5000, 100  # a sheet formatted down to row 1048576 is read only this far

Book = Any  # an xlwings Book; typed loosely so importing this module does not import xlwings
ButtonFunction = Callable[[Book], str]

BUTTONS: dict[str, ButtonFunction] = {}


def button(tag: str) -> Callable[[ButtonFunction], ButtonFunction]:
    """Register a button function under its ribbon tag; it returns the text of the closing alert."""

    def register(function: ButtonFunction) -> ButtonFunction:
        BUTTONS[tag] = function
        return function

    return register


class UnknownButton(NianbaoError):
    """The ribbon has a button this version of nianbao does not know."""


class StaleAddin(NianbaoError):
    """The add-in was built for another version of nianbao than the one installed."""

    def __init__(self, addin_version: str | None):
        from . import __version__

        built_for = f"nianbao {addin_version}" if addin_version else "不标明版本的较早的nianbao"
        super().__init__(
            f"加载项与nianbao的版本不一致：Excel加载的nianbao.xlam是为{built_for}生成的，本电脑安装的是nianbao {__version__}。\n\n"
            f"{REINSTALL}"
        )


# What fixes a mismatched add-in: the installed package installs the add-in built with it.
REINSTALL = "请关闭Excel，在命令提示符中运行 nianbao addin install（或再次运行安装包中的“安装.bat”），然后重新打开Excel。"


class NoWorkbook(NianbaoError):
    """No workbook is open to work on."""


class NotSaved(NianbaoError):
    """The workbook has no folder on this computer to write next to."""


# --- the book through xlwings ---------------------------------------------------------


class BookGrids(Mapping[str, list]):
    """The open book's sheets as ``{sheet name: rows of values from A1}``, one bulk read per sheet, on demand."""

    def __init__(self, book: Book):
        self.sheets = {sheet.name: sheet for sheet in book.sheets}
        self._rows: dict[str, list] = {}

    def __getitem__(self, name: str) -> list:
        if name not in self._rows:
            sheet = self.sheets[name]
            last = sheet.used_range.last_cell
            corner = (min(last.row, MAX_ROWS), min(last.column, MAX_COLUMNS))
            # err_to_str: a cell showing #REF! reads as "#REF!" (an error at the cell), not as None (a blank)
            self._rows[name] = sheet.range((1, 1), corner).options(ndim=2, err_to_str=True).value
        return self._rows[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self.sheets)

    def __len__(self) -> int:
        return len(self.sheets)


def book_path(book: Book) -> str:
    """Where the book is saved, as Excel names it; its name when never saved or when that cannot be told."""
    try:
        return book.fullname or book.name
    except Exception:  # desktop xlwings cannot map every OneDrive/SharePoint address to a local folder
        return book.name


def saved_path(book: Book) -> Path:
    """The workbook's file on this computer, to write next to; a book never saved, or saved online, has none."""
    online = NotSaved(
        "这个工作簿保存在OneDrive或SharePoint上，无法在它旁边写入文件：请先“另存为”到本电脑的文件夹（例如“文档”），"
        "打开另存的工作簿后再点按钮"
    )
    try:
        where = book.fullname or ""
    except Exception:
        raise online from None
    if "://" in where:
        raise online
    path = Path(where)
    if not path.is_absolute() or not path.parent.is_dir():
        raise NotSaved("这个工作簿还没有保存过，不知道把文件写在哪里：请先保存工作簿（例如保存到“文档”），再点按钮")
    return path


def read_open_book(grids: Mapping[str, Grid], source: str) -> Report:
    """The book (as grids) as the same Report ``nianbao check`` reads from the saved file."""
    from .workbook.read import read_grids

    report = read_grids(grids, source)
    if report.meta.format != F2019.id and not any(cid in report.addresses for cid in report.format.cell_ids):
        raise SourceError(
            "没有在这个工作簿中找到年报的表格（表二、表三、表四）。请打开按年报模板填写的工作簿，"
            "或用 nianbao template 生成模板后再填写", source,
        )
    return report


def paint(book: Book, colours: Mapping[tuple[str, str], str | None]) -> None:
    """Fill cells (sheet, "D5") with "#RRGGBB", or clear the fill (None); neighbours in a row go in one call."""
    runs: dict[tuple[str, int, str | None], list[int]] = {}
    for (sheet, ref), colour in colours.items():
        row, col = cell_position(ref)
        runs.setdefault((sheet, row, colour), []).append(col)
    for (sheet, row, colour), cols in sorted(runs.items(), key=lambda kv: (kv[0][0], kv[0][1])):
        for run in consecutive(cols):
            book.sheets[sheet].range((row, run[0]), (row, run[-1])).color = colour


def consecutive(numbers: Iterable[int]) -> list[list[int]]:
    """[5, 3, 4, 9] → [[3, 4, 5], [9]]: neighbouring rows or columns, to write in one call each."""
    runs: list[list[int]] = []
    for n in sorted(numbers):
        if runs and n == runs[-1][-1] + 1:
            runs[-1].append(n)
        else:
            runs.append([n])
    return runs


def as_text(rows: list[list[Any]]) -> list[list[Any]]:
    """Rows to write with ``.value``, each string as the text it is: Excel (and xlwings' remote clients)
    read a value the way they read typing, so "=HYPERLINK(…)" in a 核实说明 would become a live formula
    and "2024-1" a date. A leading apostrophe makes it text; Excel keeps it as the cell's prefix, not its value."""
    return [["'" + clean(v) if isinstance(v, str) and v else v for v in row] for row in rows]


def write_results(book: Book, rows: list[ResultRow], activate: bool) -> None:
    """Write the 校验结果 sheet afresh: one bulk write, the header filled, each 位置 a link to its cell.
    With ``activate`` it is shown; otherwise the unit stays on the sheet it was on."""
    names = [sheet.name for sheet in book.sheets]
    where_the_unit_was = book.sheets.active
    if RESULTS_SHEET in names:
        sheet = book.sheets[RESULTS_SHEET]
        sheet.clear()
    else:
        sheet = book.sheets.add(RESULTS_SHEET, before=book.sheets[0])  # Excel activates a new sheet
    width = len(RESULTS_COLUMNS)
    note: list[str | None] = [None] * width
    note[RESULTS_COLUMNS.index("说明")] = RESULTS_NOTE
    sheet.range((1, 1)).value = as_text([list(RESULTS_COLUMNS)] + [list(r.values) for r in rows] + [[None] * width, note])
    sheet.range((1, 1), (1, width)).color = rgb(LABEL_COLOR)
    link_col = RESULTS_COLUMNS.index("位置") + 1
    for r, row in enumerate(rows, start=2):
        where = split_address(row.address)
        if where and where[0] in names:
            quoted = where[0].replace("'", "''")
            sheet.range((r, link_col)).add_hyperlink(f"#'{quoted}'!{where[1]}", row.address, f"转到{row.address}")
    (sheet if activate else where_the_unit_was).activate()


# --- the buttons ---------------------------------------------------------------------


@button("check")
def check_button(book: Book) -> str:
    """校验: colour the wrong cells red (clearing the previous run's marks), refresh 校验结果, sum up."""
    plan = check_plan(BookGrids(book), book_path(book))
    paint(book, plan.colours)
    write_results(book, plan.rows, activate=bool(plan.findings))
    return plan.message


@dataclass
class CheckPlan:
    """Everything 校验 writes, computed before the first write (writes are not visible to reads)."""

    report: Report
    findings: list[Finding]
    colours: dict[tuple[str, str], str | None]  # (sheet, "D5") -> "#RRGGBB", or None for no fill
    rows: list[ResultRow]
    message: str


def check_plan(grids: Mapping[str, Grid], source: str) -> CheckPlan:
    """Check the book given as grids; plan the marks, the 校验结果 rows and the closing alert."""
    from .check import check

    report = read_open_book(grids, source)
    findings = check(report)
    before = read_result_rows(grids[RESULTS_SHEET]) if RESULTS_SHEET in grids else []
    marks = {cell for cell in mark_plan(findings) if cell[0] in grids}
    # The previous run's marks get the template's input fill back where the unit types
    # numbers (wherever the reader found those cells now) and no fill elsewhere; cells
    # it never coloured are left alone, whatever fill the unit gave them.
    inputs = input_cells(report.format) | {where for a in report.addresses.values() if (where := split_address(a))}
    colours: dict[tuple[str, str], str | None] = {
        cell: rgb(INPUT_COLOR) if cell in inputs else None
        for cell in marked_cells(before, report.addresses) - marks
        if cell[0] in grids
    }
    colours.update({cell: rgb(MARK_COLOR) for cell in marks})
    rows = keep_entries(result_rows(findings, report.acknowledged), before)
    return CheckPlan(report, findings, colours, rows, check_message(findings))


def keep_entries(rows: list[ResultRow], before: list[ResultRow]) -> list[ResultRow]:
    """Carry the unit's 核实 / 核实说明 forward by key, also where it wrote a reason but chose no 已核实 yet."""
    entries = {r.key: r for r in before if r.acknowledged or r.reason}
    out = []
    for row in rows:
        old = entries.get(row.key)
        if old is not None:
            row = replace(row, acknowledged=row.acknowledged or old.acknowledged, reason=row.reason or old.reason)
        out.append(row)
    return out


def check_message(findings: list[Finding]) -> str:
    """The closing alert of 校验: 通过, or the counts and the first few findings."""
    open_ = [f for f in findings if not f.acknowledged]
    serious = [f for f in open_ if f.severity is not Severity.INFO]
    lines = [summary_line(findings)]
    if not serious:
        if open_:
            lines.append(f"另有{len(open_)}个提示，见「{RESULTS_SHEET}」工作表。")
        return "\n".join(lines)
    lines.append("")
    for f in serious[:SHOWN_FINDINGS]:
        lines.append(f"【{f.severity.label}】{f.address + '：' if f.address else ''}{f.message}")
    if len(open_) > SHOWN_FINDINGS:
        lines.append(f"……另有{len(open_) - SHOWN_FINDINGS}条")
    lines += ["", f"出错的单元格已标红，全部结果见「{RESULTS_SHEET}」工作表（点击位置可跳转）；改正后请再点“校验”。"]
    return "\n".join(lines)


@button("text")
def text_button(book: Book) -> str:
    """生成文字: fill the 文字 sheet's empty slots (and nianbao's own unedited text) from the open book's numbers."""
    plan = text_plan(BookGrids(book), book_path(book))
    if plan.new_sheet is not None:
        sheets = [sheet.name for sheet in book.sheets]
        after = DEFAULT.tables["t4"].sheet if DEFAULT.tables["t4"].sheet in sheets else sheets[-1]
        sheet = book.sheets.add(TEXT_SHEET, after=book.sheets[after])
        sheet.range((1, 1)).value = as_text(plan.new_sheet)
    for row, values in plan.writes:
        book.sheets[TEXT_SHEET].range((row, TEXT_VALUE_COL)).value = as_text(values)
    if plan.writes:
        book.sheets[TEXT_SHEET].activate()
    return plan.message


@dataclass
class TextPlan:
    """Everything 生成文字 writes, computed before the first write."""

    report: Report
    sheet: SheetPlan
    new_sheet: list[list] | None  # the template's 文字 sheet (values from A1), when the book has none
    writes: list[tuple[int, list[list[str]]]]  # (first sheet row, [text, mark] rows) per run of adjacent slots
    message: str


def text_plan(grids: Mapping[str, Grid], source: str) -> TextPlan:
    """Plan 生成文字 for the book given as grids, exactly as ``nianbao text`` plans the saved file."""
    from .narrative import mark
    from .textsheet import draft, plan_sheet

    report = read_open_book(grids, source)
    generated, errors = draft(report)
    new_sheet = None if TEXT_SHEET in grids else layout_of(report.format).text_sheet_values()
    sheet = plan_sheet(grids[TEXT_SHEET] if new_sheet is None else new_sheet, generated, fmt=report.format)
    sheet.errors = errors
    texts = {sheet.rows[c.key]: c.after for c in sheet.written}
    writes = [(run[0], [[texts[r], mark(texts[r])] for r in run]) for run in consecutive(texts)]
    return TextPlan(report, sheet, new_sheet, writes, text_message(sheet))


def text_message(sheet: SheetPlan) -> str:
    """The closing alert of 生成文字: how many slots were written and kept, and what each got."""
    kept = [c for c in sheet.changes if not c.written]
    lines = [f"「{TEXT_SHEET}」工作表：{len(sheet.written)}个栏目写入生成的文字，{len(kept)}个栏目保留原有文字。", ""]
    lines += [f"{c.label}：{c.action_label}" for c in sheet.changes]
    lines += sheet.problems
    lines.append("")
    if sheet.errors and sheet.written:
        lines += [(f"注意：表格有{len(sheet.errors)}个错误，文字是按这些数字生成的，其中的数字可能不对，每个写入的栏目开头已注明【请核对】。"
                   "请先点“校验”改正表格，再点“生成文字”。"), ""]
    if any(c.action == "kept" for c in kept):
        lines.append("已有的文字没有改动；如需重新生成某一栏，先清空该栏再点“生成文字”。")
    lines.append("请核对生成的文字，补全【请填写】处，再点“校验”。")
    return "\n".join(lines)


@button("export")
def export_button(book: Book) -> str:
    """导出: the open book (unsaved edits included) as .docx and .html next to its file; refused with errors."""
    from .export import ExportRefused, beside, export_report

    workbook = saved_path(book)
    report = read_open_book(BookGrids(book), str(workbook))
    try:
        result = export_report(report, workbook, beside(workbook))
    except ExportRefused as e:  # the CLI's refusal, with the first few errors and the remedy that fits a button
        raise ExportRefused(e.path or workbook, e.errors, shown=SHOWN_FINDINGS, remedy="点“校验”可标出出错的单元格") from None
    return export_message(result)


def export_message(result: ExportResult) -> str:
    """The closing alert of 导出: where the files are, and what to mind before publishing them."""
    from .render import counts_line

    lines = [f"已导出《{result.report.meta.title}》（校验：{counts_line(result.findings)}）：", ""]
    lines += [str(path) for path in result.written]
    if any(f.severity is Severity.WARNING and not f.acknowledged for f in result.findings):
        lines += ["", "报告有警告：发布前请点“校验”逐条核对。"]
    return "\n".join(lines)


@button("merge")
def merge_button(book: Book) -> str:
    """汇总: merge the unit workbooks of the open book's folder (or of the folder its 汇总设置 names) into a new workbook beside it."""
    plan = merge_plan(BookGrids(book), saved_path(book))
    return merge_message(merge_books(plan), plan)


@dataclass
class MergePlan:
    """What 汇总 merges and where it writes, decided before anything is read or written."""

    workbook: Path  # the open workbook's file
    folder: Path
    roster: Path | None
    last_year: Path | None
    year: int | None
    output: Path  # a new file beside the workbook
    skip: dict[str | Path, str]  # the open workbook, when it is the 汇总设置 workbook and not a unit's report


def merge_books(plan: MergePlan) -> MergeResult:
    """``nianbao merge`` of what the plan names, into its new output file."""
    from .merge import merge

    # workers=1: a process pool started from the Python that Excel runs (pythonw, or the UDF server's
    # COM process) is not something the tests can reach; one process reads ~1,000 files in a few seconds.
    return merge([plan.folder], plan.output, roster=plan.roster, last_year=plan.last_year, year=plan.year,
                 workers=1, skip=plan.skip)


def merge_plan(grids: Mapping[str, Grid], workbook: Path) -> MergePlan:
    """Read the 汇总设置 sheet (if any) of the book saved at ``workbook``; check what it names exists."""
    from .merge.files import discover
    from .workbook.layout import MERGE_SETTINGS_ROWS, MERGE_SETTINGS_VALUE_COL
    from .workbook.read import Sheets, labelled_values

    here = workbook.parent
    values: dict[str, object] = {}
    skip: dict[str | Path, str] = {}
    if MERGE_SETTINGS_SHEET in grids:
        labels = {f.key: f.label for f in MERGE_SETTINGS}
        values = labelled_values(Sheets(grids), MERGE_SETTINGS_SHEET, MERGE_SETTINGS_ROWS, labels, MERGE_SETTINGS_VALUE_COL)
        skip[workbook] = f"发起汇总的工作簿（含「{MERGE_SETTINGS_SHEET}」工作表，不是单位的报告）"
    folder = setting_path(values, "folder", here) or here
    if not folder.is_dir():
        raise SettingError(f"“{setting_label('folder')}”应为文件夹，{folder} 是一个文件")
    roster, last_year = setting_path(values, "roster", here), setting_path(values, "last_year", here)
    year_text = plain_text(values.get("year"))
    year = re.search(r"(19|20)\d\d", year_text)
    if year_text and not year:
        raise SettingError(f"“{setting_label('year')}”应填写四位年份，如2024（现为「{year_text}」）；不填时取多数报告填写的年度")
    if not discover([folder], skip=skip)[0]:
        raise NianbaoError(f"文件夹 {folder} 中没有找到单位的年报工作簿（.xlsx）：请把各单位报送的工作簿放在这个文件夹（可以有子文件夹）中")
    return MergePlan(workbook, folder, roster, last_year, int(year.group(0)) if year else None, free_name(here / "汇总.xlsx"), skip)


class SettingError(NianbaoError):
    """The 汇总设置 sheet names something that is not there."""

    def __init__(self, message: str):
        super().__init__(f"「{MERGE_SETTINGS_SHEET}」工作表：{message}")


def setting_label(key: str) -> str:
    return next(f.label for f in MERGE_SETTINGS if f.key == key)


def setting_path(values: Mapping[str, object], key: str, here: Path) -> Path | None:
    """A path typed on 汇总设置 (quotes from Explorer's “复制为路径” allowed), relative to the workbook's folder; it must exist."""
    text = plain_text(values.get(key)).strip('"“”')
    if not text:
        return None
    path = here / text  # an absolute path stays as it is
    if not path.exists():
        raise SettingError(f"“{setting_label(key)}”填写的「{text}」不存在（按本工作簿所在的文件夹查找：{path}）；请检查路径")
    return path


def free_name(path: Path) -> Path:
    """``path`` if no file has that name yet, else the first of 汇总(2).xlsx, 汇总(3).xlsx, … that is free: nothing is overwritten."""
    candidate, n = path, 1
    while candidate.exists():
        n += 1
        candidate = path.with_name(f"{path.stem}({n}){path.suffix}")
    return candidate


def merge_message(result: MergeResult, plan: MergePlan) -> str:
    """The closing alert of 汇总: where the summary workbook is, who counted, what the county must chase."""
    from .merge.batch import MISSING

    batch = result.batch
    units = batch.units
    lines = [batch.headline() + "。", "", "汇总工作簿：", str(result.output), ""]
    lines.append(f"有错误的单位：{sum(1 for u in units if u.status is Verdict.ERRORS)}个")
    lines.append(f"无法读取的文件：{sum(1 for u in units if u.status is Verdict.UNREADABLE)}个")
    if batch.roster is not None:
        lines.append(f"名单中未报送的单位：{sum(1 for s in batch.submissions if s.category == MISSING)}个")
    else:
        lines.append(f"未指定应报送单位名单，没有检查未报送（可在「{MERGE_SETTINGS_SHEET}」工作表中指定）")
    lines.append(f"汇总数校验：{len(result.summary_findings)}项问题（见「问题清单」）" if result.summary_findings else "汇总数校验：符合全部表内校验规则")
    lines += ["", "各单位的情况见汇总工作簿的「报送情况」「问题清单」「明细」工作表。",
              "汇总工作簿没有自动打开：请在Excel中点“文件→打开”，打开上面的文件。"]
    if str(plan.workbook.resolve()) in {r.path for r in batch.records}:
        lines.append("本工作簿也在汇总之列：汇总读取的是它已保存的内容，尚未保存的修改没有计入。")
    return "\n".join(lines)


# --- dispatch ------------------------------------------------------------------------------


def dispatch(tag: str, addin_version: str | None = None) -> None:
    """Run the button registered under ``tag`` on the active workbook; called by the add-in's VBA with
    the version it was built for (an add-in older than the handshake passes none)."""
    import xlwings as xw

    run(tag, xw.Book.caller(), addin_version)


def run(tag: str, caller: Book, addin_version: str | None = __version__) -> str:
    """Run button ``tag`` for ``caller`` (the add-in, or a workbook), alert the outcome and return its text.
    An add-in built for another nianbao version than this one gets the alert that says how to match them."""
    app = caller.app
    mode = "info"
    try:
        if addin_version != __version__:
            raise StaleAddin(addin_version)
        function = BUTTONS.get(tag)
        if function is None:
            raise UnknownButton(
                f"nianbao {__version__}没有这个按钮（{tag}）：加载项与nianbao不配套。{REINSTALL}"
            )
        message = function(active_book(caller))
    except Exception as e:  # a button must never end in a traceback dialog
        message, mode = explain(e), "critical"
    app.alert(message, title=TITLE, mode=mode)
    return message


def active_book(caller: Book) -> Book:
    """The workbook a button works on: the active one when the caller is the add-in, else the caller."""
    if not caller.name.lower().endswith((".xlam", ".xla")):
        return caller
    try:
        book = caller.app.books.active
        name = book.name
    except Exception:
        book, name = None, None
    if book is None or not name or name == caller.name:
        raise NoWorkbook("请先打开要处理的年报工作簿，点一下其中的单元格，再点按钮")
    return book


def explain(error: Exception) -> str:
    """A Chinese sentence that says what to do; unexpected errors leave their traceback in a log file."""
    if isinstance(error, NianbaoError):
        return str(error)
    from .errors import save_traceback

    log = save_traceback(error, "nianbao-excel-error.log")
    where = f"详细信息已保存在 {log}。" if log else ""
    return (
        f"操作没有完成：{type(error).__name__}：{error}\n\n"
        "请先保存工作簿再试一次；如果工作表设置了保护，请先点“审阅→撤销工作表保护”。"
        f"仍然出错时，请把这条信息和工作簿发给技术支持。{where}"
    )

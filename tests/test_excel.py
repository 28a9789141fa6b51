"""The ribbon buttons (nianbao.excel) on real xlwings objects: the remote engine, replayed onto openpyxl."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import docx
import openpyxl
import pytest
from click.testing import CliRunner
from lxml import html as lxml_html
from remote_excel import fill, open_book, payload, replay  # sets the noncommercial key before xlwings loads
from unitbooks import one_application, unit_book
from workbooks import insert_rows

from nianbao import __version__, excel
from nianbao.check import check
from nianbao.cli import main
from nianbao.formats import F2021
from nianbao.narrative import ERRORS_NOTE, mark
from nianbao.report import Report, findings_table
from nianbao.schema import MERGE_SETTINGS_SHEET, RESULTS_SHEET, TEXT_SHEET
from nianbao.workbook.annotate import RESULTS_NOTE
from nianbao.workbook.colors import INPUT_COLOR, LABEL_COLOR, MARK_COLOR
from nianbao.workbook.layout import RESULTS_COLUMNS, TEXT_MARK_COL, TEXT_VALUE_COL, layout_of, merge_settings_values
from nianbao.workbook.read import read_workbook

MISTAKES = "示例县市场监督管理局-2024.xlsx"
FENGLING = "巫溪县峰灵镇人民政府-2023.xlsx"
# The example with deliberate mistakes: where `nianbao check` puts each finding.
MISTAKE_CELLS = [
    ("T3-H", "表三", "J7"), ("T3-V", "表三", "J28"), ("T4-S", "表四", "E5"), ("N4", "表三", "D17"),
    ("N3", "表三", "G15"), ("P1", "表二", "D4"), ("P3", "表二", "B15"), ("S7", "文字", "B12"),
]


def press(path: Path, out: Path, tag: str = "check", name: str | None = None) -> dict:
    """Press a button on the workbook at ``path`` (one App per press) and replay what it did into ``out``.
    The book is the mock caller, as Book.caller() is the calling book under RunPython; the call is
    the add-in's, which passes the version it was built for (test_addin: this nianbao's)."""
    book = open_book(payload(path, name))
    book.set_mock_caller()
    excel.dispatch(tag, __version__)
    result = replay(book.json()["actions"], path, out)
    result["actions"] = [a["func"] for a in book.json()["actions"]]
    return result


def results_rows(path: Path) -> list[tuple]:
    ws = openpyxl.load_workbook(path)[RESULTS_SHEET]
    rows = [tuple(c.value for c in row) for row in ws.iter_rows(max_col=len(RESULTS_COLUMNS))]
    return [r for r in rows if any(v is not None for v in r)]


# --- the same Report as the CLI ------------------------------------------------------------


@pytest.mark.parametrize("name", [MISTAKES, FENGLING])
def test_open_book_reads_the_report_the_cli_reads(examples_dir, name):
    path = examples_dir / name
    book = open_book(payload(path))
    from_excel = excel.read_open_book(excel.BookGrids(book), str(path))
    from_file = read_workbook(path)
    assert from_excel.values == from_file.values
    assert from_excel.states == from_file.states
    assert from_excel.text == from_file.text
    assert from_excel.meta == from_file.meta
    assert findings_table(check(from_excel)) == findings_table(check(from_file))


def test_rows_inserted_above_a_table_are_found_by_labels(examples_dir, tmp_path):
    src = tmp_path / "moved.xlsx"
    wb = openpyxl.load_workbook(examples_dir / MISTAKES)
    ws = wb["表三"]
    for merged in list(ws.merged_cells.ranges):  # openpyxl would not move them with the rows
        ws.unmerge_cells(str(merged))
    ws.insert_rows(1, 2)  # the unit added two rows of its own above the table
    wb.save(src)
    report = excel.read_open_book(excel.BookGrids(open_book(payload(src))), str(src))
    assert report.addresses["t3.disclosed.total"] == "表三!J9"
    assert [f.rule for f in report.findings if f.rule == "L1"] == ["L1"]
    result = press(src, tmp_path / "after.xlsx")
    after = openpyxl.load_workbook(tmp_path / "after.xlsx")
    assert fill(after["表三"], "J9") == MARK_COLOR  # T3-H, two rows further down than in the template
    assert fill(after["表三"], "J7") == INPUT_COLOR  # the template's J7 is now the 本年新收 total: right, not marked
    assert result["alerts"][0]["prompt"].startswith("3个错误、")


# --- 校验 -----------------------------------------------------------------------------------


def test_check_marks_wrong_cells_and_writes_results(examples_dir, tmp_path):
    out = tmp_path / "after.xlsx"
    result = press(examples_dir / MISTAKES, out)
    wb = openpyxl.load_workbook(out)
    for _rule, sheet, ref in MISTAKE_CELLS:
        assert fill(wb[sheet], ref) == MARK_COLOR, (sheet, ref)
    assert fill(wb["表三"], "J8") == INPUT_COLOR  # a right cell keeps the template's input fill
    assert wb.sheetnames[0] == RESULTS_SHEET and result["active"] == RESULTS_SHEET
    rows = results_rows(out)
    assert rows[0] == RESULTS_COLUMNS
    assert [(r[0], r[1], r[2], r[3]) for r in rows[1:9]] == [
        (i, "错误" if i <= 3 else "警告", rule, f"{sheet}!{ref}") for i, (rule, sheet, ref) in enumerate(MISTAKE_CELLS, 1)
    ]
    assert rows[1][4] == "表三「（一）予以公开」行：总计=16，自然人至其他各列之和=15，差1"
    assert rows[2][4] == "表三「总计」列：（七）总计=36，（一）至（六）各项之和=37，差1（可能由表三!J7的行合计错误引起，请先改正该处）"
    assert rows[2][7].startswith("T3-V:t3.total.total,")
    assert rows[-1][4].startswith("对可以解释的警告")
    ws = wb[RESULTS_SHEET]
    assert ws["D2"].hyperlink.location == "'表三'!J7"
    assert ws["D9"].hyperlink.location == "'文字'!B12"
    assert fill(ws, "A1") == fill(ws, "H1") == LABEL_COLOR
    alert = result["alerts"]
    assert len(alert) == 1 and alert[0]["title"] == "政务公开年报" and alert[0]["mode"] == "info"
    lines = alert[0]["prompt"].split("\n")
    assert lines[0] == "3个错误、5个警告、0个提示"
    assert lines[2] == "【错误】表三!J7：表三「（一）予以公开」行：总计=16，自然人至其他各列之和=15，差1"
    assert len([x for x in lines if x.startswith("【")]) == excel.SHOWN_FINDINGS
    assert "……另有3条" in lines


def test_check_passes_a_clean_workbook(tmp_path):
    from workbooks import workbook

    out = tmp_path / "after.xlsx"
    result = press(workbook(tmp_path / "clean.xlsx"), out)
    assert result["alerts"] == [{"prompt": "通过：没有发现错误或警告", "title": "政务公开年报", "mode": "info"}]
    assert "setRangeColor" in result["actions"]  # the results header only
    wb = openpyxl.load_workbook(out)
    assert results_rows(out) == [RESULTS_COLUMNS, (None, None, None, None, RESULTS_NOTE, None, None, None)]
    assert result["active"] != RESULTS_SHEET
    assert fill(wb["表三"], "J7") == INPUT_COLOR


def test_second_run_clears_fixed_marks_and_keeps_the_units_entries(examples_dir, tmp_path):
    first = tmp_path / "first.xlsx"
    press(examples_dir / MISTAKES, first)
    wb = openpyxl.load_workbook(first)
    t3 = wb["表三"]
    t3["J7"] = 15  # fixes T3-H on the row and, with it, T3-V on the total column
    green = PatternFillGreen()
    t3["A1"].fill = green  # the unit's own colours, on a label and on an input cell never marked
    t3["E5"].fill = green
    ws = wb[RESULTS_SHEET]
    rows = {ws.cell(r, 3).value: r for r in range(2, 10)}
    ws.cell(rows["P1"], 6, "已核实")  # a warning the unit explains
    ws.cell(rows["P1"], 7, "本单位为设区的市政府，制定规章")
    ws.cell(rows["P3"], 7, "正在与财务核对")  # a reason written, 已核实 not chosen yet
    edited = tmp_path / "edited.xlsx"
    wb.save(edited)

    second = tmp_path / "second.xlsx"
    result = press(edited, second)
    after = openpyxl.load_workbook(second)
    assert fill(after["表三"], "J7") == INPUT_COLOR  # fixed: the template's input fill is back
    assert fill(after["表三"], "J28") == INPUT_COLOR
    assert fill(after["表二"], "D4") == INPUT_COLOR  # acknowledged: no longer red
    assert fill(after["表四"], "E5") == MARK_COLOR  # still wrong
    assert fill(after["表三"], "A1") == fill(after["表三"], "E5") == green.start_color.rgb  # untouched
    got = {r[2]: r for r in results_rows(second)[1:] if r[2]}
    assert set(got) == {"T4-S", "N4", "N3", "P1", "P3", "S7"}
    assert got["P1"][1] == "已核实" and got["P1"][5:7] == ("已核实", "本单位为设区的市政府，制定规章")
    assert got["P3"][5:7] == (None, "正在与财务核对")
    assert result["alerts"][0]["prompt"].split("\n")[0] == "1个错误、4个警告、0个提示、1个已核实"  # as the terminal says it


def PatternFillGreen():
    from openpyxl.styles import PatternFill

    return PatternFill("solid", start_color="FF00B050", end_color="FF00B050")


# --- 生成文字 -------------------------------------------------------------------------------

BLANKED = ("overview.proactive", "overview.on_request", "overview.management")


def text_sheet(path: Path) -> list[tuple]:
    """The 文字 sheet's label, text and mark columns, row by row."""
    ws = openpyxl.load_workbook(path)[TEXT_SHEET]
    return [tuple(row) for row in ws.iter_rows(max_col=TEXT_MARK_COL, values_only=True)]


def nianbao_text(src: Path, out: Path) -> Path:
    result = CliRunner().invoke(main, ["text", str(src), "-o", str(out)])
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture()
def blanked(examples_dir, tmp_path) -> Path:
    """The example with mistakes, three of its text slots emptied; the other six are the clerk's own text.
    Its tables have errors: each text the button writes opens with ERRORS_NOTE."""
    wb = openpyxl.load_workbook(examples_dir / MISTAKES)
    for key in BLANKED:
        wb[TEXT_SHEET].cell(layout_of(F2021).text_rows[key], TEXT_VALUE_COL).value = None
    path = tmp_path / "部分文字.xlsx"
    wb.save(path)
    return path


def test_text_fills_the_empty_slots_with_what_nianbao_text_writes(blanked, tmp_path):
    before = text_sheet(blanked)
    out = tmp_path / "after.xlsx"
    result = press(blanked, out, "text")
    after = text_sheet(out)
    assert after == text_sheet(nianbao_text(blanked, tmp_path / "cli.xlsx"))
    rows = {layout_of(F2021).text_rows[key] - 1 for key in BLANKED}
    for i, (row_before, row_after) in enumerate(zip(before, after)):
        if i in rows:  # filled, and marked as nianbao's
            assert row_before[1] is None and row_after[1] and row_after[2] == mark(row_after[1])
        else:  # the clerk's text and everything else untouched
            assert row_after == row_before
    assert after[layout_of(F2021).text_rows["overview.on_request"] - 1][1].startswith(ERRORS_NOTE + "\n本年度共新收政府信息公开申请36件")
    assert result["actions"] == ["setValues", "activateSheet", "alert"]  # three adjacent slots: one write
    assert result["active"] == TEXT_SHEET
    lines = result["alerts"][0]["prompt"].split("\n")
    assert lines[0] == "「文字」工作表：3个栏目写入生成的文字，6个栏目保留原有文字。"
    assert lines[2:11] == [
        f"{slot.label}：{'已填写（原为空）' if slot.key in BLANKED else '保留原文（非本工具生成或已修改）'}" for slot in F2021.text_slots
    ]
    assert result["alerts"][0]["mode"] == "info"


def test_text_updates_its_own_text_after_a_number_changes_and_keeps_the_clerks(blanked, tmp_path):
    first = tmp_path / "first.xlsx"
    press(blanked, first, "text")
    wb = openpyxl.load_workbook(first)
    text = wb[TEXT_SHEET]
    text.cell(layout_of(F2021).text_rows["overview.management"], TEXT_VALUE_COL).value = "本局落实保密审查，全年清理过时信息23条。"  # edited
    wb["表三"]["J5"] = 40  # 本年新收 total, was 36
    edited = tmp_path / "edited.xlsx"
    wb.save(edited)

    second = tmp_path / "second.xlsx"
    result = press(edited, second, "text")
    after = text_sheet(second)
    assert after == text_sheet(nianbao_text(edited, tmp_path / "cli.xlsx"))
    on_request = after[layout_of(F2021).text_rows["overview.on_request"] - 1]
    assert on_request[1].startswith(ERRORS_NOTE + "\n本年度共新收政府信息公开申请40件") and on_request[2] == mark(on_request[1])
    assert after[layout_of(F2021).text_rows["overview.management"] - 1][1:] == ("本局落实保密审查，全年清理过时信息23条。", mark_of(first, "overview.management"))
    assert after[layout_of(F2021).text_rows["overview.proactive"] - 1] == text_sheet(first)[layout_of(F2021).text_rows["overview.proactive"] - 1]
    assert result["actions"] == ["setValues", "activateSheet", "alert"]  # only the updated slot is written
    lines = result["alerts"][0]["prompt"].split("\n")
    assert lines[0] == "「文字」工作表：1个栏目写入生成的文字，8个栏目保留原有文字。"
    assert "（一）主动公开：未变" in lines and "（二）依申请公开：已按新数字更新" in lines
    assert "（三）政府信息管理：保留原文（非本工具生成或已修改）" in lines
    errors = sum(1 for f in check(read_workbook(edited)) if f.severity.value == "error")
    assert (f"注意：表格有{errors}个错误，文字是按这些数字生成的，其中的数字可能不对，每个写入的栏目开头已注明【请核对】。"
            "请先点“校验”改正表格，再点“生成文字”。") in lines


def mark_of(path: Path, key: str) -> str:
    return openpyxl.load_workbook(path)[TEXT_SHEET].cell(layout_of(F2021).text_rows[key], TEXT_MARK_COL).value


def test_text_finds_moved_slots_by_their_labels(blanked, tmp_path):
    wb = openpyxl.load_workbook(blanked)
    insert_rows(wb[TEXT_SHEET], 3, 2)  # the clerk added two rows above the slots
    moved = tmp_path / "moved.xlsx"
    wb.save(moved)
    out = tmp_path / "after.xlsx"
    press(moved, out, "text")
    assert text_sheet(out) == text_sheet(nianbao_text(moved, tmp_path / "cli.xlsx"))
    row = layout_of(F2021).text_rows["overview.on_request"] + 2
    assert text_sheet(out)[row - 1][0] == "（二）依申请公开"
    assert text_sheet(out)[row - 1][1].startswith(ERRORS_NOTE + "\n本年度共新收政府信息公开申请36件")


def test_text_adds_the_templates_text_sheet_to_a_book_without_one(examples_dir, tmp_path):
    wb = openpyxl.load_workbook(examples_dir / MISTAKES)
    del wb[TEXT_SHEET]
    src = tmp_path / "无文字.xlsx"
    wb.save(src)
    out = tmp_path / "after.xlsx"
    result = press(src, out, "text")
    after = openpyxl.load_workbook(out)
    assert after.sheetnames.index(TEXT_SHEET) == after.sheetnames.index("表四") + 1
    rows = text_sheet(out)
    assert [r[0] for r in rows] == [r[0] for r in layout_of(F2021).text_sheet_values()]
    assert rows == text_sheet(nianbao_text(src, tmp_path / "cli.xlsx"))
    assert read_workbook(out).text["overview.on_request"].startswith(ERRORS_NOTE + "\n本年度共新收政府信息公开申请36件")
    assert result["alerts"][0]["prompt"].startswith("「文字」工作表：9个栏目写入生成的文字，0个栏目保留原有文字。")


def test_text_refuses_a_book_whose_tables_were_never_filled(tmp_path):
    from nianbao.workbook.build import write_template

    book = open_book(payload(write_template(tmp_path / "年报模板.xlsx")))
    message = excel.run("text", book)
    assert message == "；".join(f"{t}全部空白，尚未填写；没有发生的事项请填0" for t in ("表二", "表三", "表四")) + "。请先填写表格，再生成文字"
    assert [a["func"] for a in book.json()["actions"]] == ["alert"]
    assert book.json()["actions"][0]["args"][3] == "critical"


# --- 导出 -----------------------------------------------------------------------------------


def table_cells(path: Path) -> dict[str, str]:
    """The exported page's statutory values: cell id → text of its <td>."""
    page = lxml_html.fromstring(path.read_text(encoding="utf-8"))
    return {td.get("data-cell"): td.text_content() for td in page.iter("td") if td.get("data-cell")}


def word_text(path: Path) -> list[str]:
    document = docx.Document(str(path))
    return [p.text for p in document.paragraphs] + [c.text for t in document.tables for row in t.rows for c in row.cells]


def nianbao_export(src: Path, folder: Path) -> tuple[Path, Path]:
    folder.mkdir()
    out = (folder / "cli.docx", folder / "cli.html")
    result = CliRunner().invoke(main, ["export", str(src), "--docx", str(out[0]), "--html", str(out[1])])
    assert result.exit_code == 0, result.output
    return out


def saved_copy(examples_dir: Path, tmp_path: Path, name: str) -> Path:
    folder = tmp_path / "单位"
    folder.mkdir()
    path = folder / name
    path.write_bytes((examples_dir / name).read_bytes())
    return path


def test_export_writes_word_and_html_next_to_the_workbook_as_nianbao_export_does(examples_dir, tmp_path):
    path = saved_copy(examples_dir, tmp_path, FENGLING)
    result = press(path, tmp_path / "after.xlsx", "export", name=str(path))  # desktop Excel: fullname is the path
    written = (path.with_suffix(".docx"), path.with_suffix(".html"))
    cli_docx, cli_html = nianbao_export(path, tmp_path / "cli")
    assert table_cells(written[1]) == table_cells(cli_html)
    assert len(table_cells(written[1])) == 200 and table_cells(written[1])["t3.total.total"] == "0"
    assert written[1].read_text(encoding="utf-8") == cli_html.read_text(encoding="utf-8")
    assert word_text(written[0]) == word_text(cli_docx)
    assert sorted(p.name for p in path.parent.iterdir()) == sorted([path.name] + [p.name for p in written])  # no temp files left
    assert result["actions"] == ["alert"]
    assert result["alerts"][0]["prompt"].split("\n") == [
        "已导出《巫溪县峰灵镇人民政府2023年政府信息公开工作年度报告》（校验：0个错误、2个警告、0个提示）：", "",
        str(written[0]), str(written[1]), "", "报告有警告：发布前请点“校验”逐条核对。",
    ]


def test_export_takes_the_open_books_unsaved_edits(examples_dir, tmp_path):
    path = saved_copy(examples_dir, tmp_path, MISTAKES)
    data = payload(path, str(path))
    sheets = {sheet["name"]: sheet["values"] for sheet in data["sheets"]}
    sheets["表三"][6][9] = 15  # J7: fixes T3-H and with it T3-V, typed but not saved
    sheets["表四"][4][4] = 3  # E5: fixes T4-S
    message = excel.run("export", open_book(data))
    assert message.startswith("已导出《示例县市场监督管理局2024年政府信息公开工作年度报告》（校验：0个错误、5个警告、0个提示）")
    assert table_cells(path.with_suffix(".html"))["t3.disclosed.total"] == "15"
    # The same numbers saved and exported by the command give the same page.
    wb = openpyxl.load_workbook(path)
    wb["表三"]["J7"], wb["表四"]["E5"] = 15, 3
    fixed = tmp_path / MISTAKES
    wb.save(fixed)
    _, cli_html = nianbao_export(fixed, tmp_path / "cli")
    assert table_cells(path.with_suffix(".html")) == table_cells(cli_html)


def test_export_of_a_book_without_text_is_refused_and_suggests_the_text_button(tmp_path):
    from workbooks import report, workbook

    path = workbook(tmp_path / "无文字.xlsx", base=report(text={}))
    message = excel.run("export", open_book(payload(path, str(path))))
    assert message.split("\n") == [
        f"{path}：报告有1个发布前须解决的问题，未导出（改正后再导出；点“校验”可标出出错的单元格）：",
        ("  文字!B3 S12 报告的文字部分还没有写：「一、总体情况」、「五、存在的主要问题及改进情况」、「六、其他需要报告的事项」"
         "均为空；可先点“生成文字”（Excel 加载项或网页上的按钮；命令行 nianbao text）按表格数字生成初稿，再修改补充"),
    ]
    assert not path.with_suffix(".docx").exists() and not path.with_suffix(".html").exists()


def test_export_refuses_the_example_with_mistakes_and_lists_its_errors(examples_dir, tmp_path):
    path = saved_copy(examples_dir, tmp_path, MISTAKES)
    result = press(path, tmp_path / "after.xlsx", "export", name=str(path))
    assert result["actions"] == ["alert"] and result["alerts"][0]["mode"] == "critical"
    assert result["alerts"][0]["prompt"].split("\n") == [
        f"{path}：报告有3个错误，未导出（改正后再导出；点“校验”可标出出错的单元格）：",
        "  表三!J7 T3-H 表三「（一）予以公开」行：总计=16，自然人至其他各列之和=15，差1",
        "  表三!J28 T3-V 表三「总计」列：（七）总计=36，（一）至（六）各项之和=37，差1（可能由表三!J7的行合计错误引起，请先改正该处）",
        "  表四!E5 T4-S 表四「行政复议」：总计=0，结果维持+结果纠正+其他结果+尚未审结=3，差3",
    ]
    assert list(path.parent.iterdir()) == [path]


@pytest.mark.parametrize("tag", ["export", "merge"])
@pytest.mark.parametrize("name, says", [
    ("工作簿1", "这个工作簿还没有保存过，不知道把文件写在哪里：请先保存工作簿（例如保存到“文档”），再点按钮"),
    ("https://d.docs.live.net/4f2a/文档/单位.xlsx", "这个工作簿保存在OneDrive或SharePoint上，无法在它旁边写入文件"),
])
def test_export_and_merge_refuse_a_book_without_a_folder(examples_dir, tmp_path, monkeypatch, name, says, tag):
    monkeypatch.chdir(tmp_path)  # a relative name must not land in the working directory
    book = open_book(payload(examples_dir / FENGLING, name))
    assert excel.run(tag, book).startswith(says)
    assert [a["func"] for a in book.json()["actions"]] == ["alert"]
    assert list(tmp_path.iterdir()) == []


# --- 汇总 -----------------------------------------------------------------------------------

UNITS = {  # file → (unit, numbers): three consistent units, one with an error (T3-H on 本年新收)
    "甲镇.xlsx": ("示例县甲镇人民政府", one_application()),
    "部门/乙局.xlsx": ("示例县乙局", one_application("business", "partial")),
    "部门/丙局.xlsx": ("示例县丙局", {**one_application(), "t3.new.total": 2}),
    "乡镇/丁镇.xlsx": ("示例县丁镇人民政府", {}),
}
SETTINGS_BOOK = "汇总设置.xlsx"


@pytest.fixture()
def inbox(tmp_path) -> Path:
    """A county's inbox: four unit workbooks in two subfolders and one empty file (an interrupted copy)."""
    folder = tmp_path / "收件箱"
    for relative, (unit, numbers) in UNITS.items():
        (folder / relative).parent.mkdir(parents=True, exist_ok=True)
        unit_book(folder / relative, unit, numbers)
    (folder / "部门" / "坏.xlsx").write_bytes(b"")
    return folder


def fingerprints(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.rglob("*")) if p.is_file()}


def nianbao_merge(folder: Path, out: Path, *options: str) -> Report:
    """What `nianbao merge` writes for ``folder``, re-read as the Report of its 汇总 sheet."""
    result = CliRunner().invoke(main, ["merge", str(folder), "-o", str(out), *options])
    assert result.exit_code in (1, 2), result.output  # the inbox has an error and an unreadable file
    return read_workbook(out)


def assert_same_totals(ours: Path, theirs: Report) -> None:
    reread = read_workbook(ours)
    assert reread.values == theirs.values and reread.states == theirs.states


def settings_book(path: Path, values: dict[str, object]) -> Path:
    """A workbook holding only a 汇总设置 sheet, laid out as the docs say, filled with ``values``."""
    wb = openpyxl.Workbook()
    wb.active.title = MERGE_SETTINGS_SHEET
    for row in merge_settings_values(values):
        wb.active.append(row)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def merged_lines(units: str, output: Path, errors: int = 1, unreadable: int = 1, missing: str = "") -> list[str]:
    """The closing alert of 汇总, line by line, up to what depends on the open book."""
    return [
        f"汇总2024年度：{units}。", "", "汇总工作簿：", str(output), "",
        f"有错误的单位：{errors}个", f"无法读取的文件：{unreadable}个",
        missing or "未指定应报送单位名单，没有检查未报送（可在「汇总设置」工作表中指定）",
        "汇总数校验：2项问题（见「问题清单」）",  # 丙局's T3-H makes the totals' T3-H and T3-V fail
        "", "各单位的情况见汇总工作簿的「报送情况」「问题清单」「明细」工作表。",
        "汇总工作簿没有自动打开：请在Excel中点“文件→打开”，打开上面的文件。",
    ]


def test_merge_writes_a_new_summary_beside_the_open_book_with_nianbao_merges_totals(inbox, tmp_path):
    cli = nianbao_merge(inbox, tmp_path / "cli" / "汇总.xlsx")
    before = fingerprints(inbox)
    open_unit = inbox / "甲镇.xlsx"  # the clerk opened one of the units' workbooks
    result = press(open_unit, tmp_path / "after.xlsx", "merge", name=str(open_unit))
    output = inbox / "汇总.xlsx"
    assert_same_totals(output, cli)
    assert read_workbook(output).values["t3.new.total"] == 4
    assert fingerprints(inbox) == {**before, "汇总.xlsx": fingerprints(inbox)["汇总.xlsx"]}  # inputs untouched, no temp file
    assert result["actions"] == ["alert"] and result["alerts"][0]["mode"] == "info"
    assert result["alerts"][0]["prompt"].split("\n") == merged_lines(
        "计入4个单位（通过3个、有错误1个），另有1个文件无法读取", output,
    ) + ["本工作簿也在汇总之列：汇总读取的是它已保存的内容，尚未保存的修改没有计入。"]


def test_merge_follows_the_settings_sheet_folder_roster_and_year(inbox, tmp_path):
    office = tmp_path / "县政务公开办"
    roster = office / "名单.csv"
    roster.parent.mkdir()
    roster.write_text("单位名称\n" + "".join(unit + "\n" for unit, _ in UNITS.values()) + "示例县戊局\n", encoding="utf-8")
    book = settings_book(office / SETTINGS_BOOK, {"folder": "../收件箱", "roster": "名单.csv", "year": 2024})
    cli = nianbao_merge(inbox, tmp_path / "cli" / "汇总.xlsx", "--roster", str(roster), "--year", "2024")
    before = fingerprints(inbox)
    result = press(book, tmp_path / "after.xlsx", "merge", name=str(book))
    output = office / "汇总.xlsx"
    assert_same_totals(output, cli)
    assert fingerprints(inbox) == before
    submissions = openpyxl.load_workbook(output)["报送情况"]
    assert "示例县戊局" in [c.value for row in submissions.iter_rows() for c in row]
    assert result["alerts"][0]["prompt"].split("\n") == merged_lines(
        "计入4个单位（通过3个、有错误1个），另有1个文件无法读取", output, missing="名单中未报送的单位：1个",
    )  # the settings workbook is not an input: no word about its unsaved changes


def test_merge_passes_over_the_settings_book_inside_the_folder_it_merges(inbox, tmp_path):
    book = settings_book(inbox / SETTINGS_BOOK, {})  # 汇总文件夹 left blank: the book's own folder
    result = press(book, tmp_path / "after.xlsx", "merge", name=str(book))
    output = inbox / "汇总.xlsx"
    assert result["alerts"][0]["prompt"].split("\n")[:4] == merged_lines("计入4个单位（通过3个、有错误1个），另有1个文件无法读取", output)[:4]
    skipped = [r for r in openpyxl.load_workbook(output)["报送情况"].iter_rows(values_only=True) if r[0] == "已跳过"]
    assert [r[2] for r in skipped] == [SETTINGS_BOOK]


def test_second_press_writes_a_second_file_and_keeps_the_first(inbox, tmp_path):
    open_unit = inbox / "甲镇.xlsx"
    press(open_unit, tmp_path / "first.xlsx", "merge", name=str(open_unit))
    first = inbox / "汇总.xlsx"
    kept = first.read_bytes()
    result = press(open_unit, tmp_path / "second.xlsx", "merge", name=str(open_unit))
    second = inbox / "汇总(2).xlsx"
    assert first.read_bytes() == kept
    assert result["alerts"][0]["prompt"].split("\n")[3] == str(second)
    assert read_workbook(second).values == read_workbook(first).values  # the first output is not a unit: skipped
    assert sorted(p.name for p in inbox.iterdir()) == sorted(["乡镇", "部门", "甲镇.xlsx", "汇总.xlsx", "汇总(2).xlsx"])


def test_merge_plan_finds_the_settings_by_their_labels(inbox, tmp_path):
    office = tmp_path / "县政务公开办"
    (office / "上年").mkdir(parents=True)
    (office / "名单.csv").write_text("单位名称\n示例县甲局\n", encoding="utf-8")
    grids = {
        "说明": [["本工作簿用于汇总"]],
        MERGE_SETTINGS_SHEET: [  # laid out differently from the docs: found by the labels, value right of each
            ["本县2024年度汇总"], [None, "汇总年度", None, "2024年"], [None, "汇总文件夹", '"../收件箱"'],
            [None, "应报送单位名单", str(office / "名单.csv")], [None, "上年度汇总", "上年"],
        ],
    }
    plan = excel.merge_plan(grids, office / SETTINGS_BOOK)
    assert (plan.folder, plan.roster, plan.last_year, plan.year) == (office / "../收件箱", office / "名单.csv", office / "上年", 2024)
    assert plan.output == office / "汇总.xlsx"
    assert plan.skip == {office / SETTINGS_BOOK: "发起汇总的工作簿（含「汇总设置」工作表，不是单位的报告）"}
    plain = excel.merge_plan({"表三": [[None]]}, inbox / "甲镇.xlsx")  # no settings: the book's own folder, nothing skipped
    assert (plain.folder, plain.roster, plain.last_year, plain.year, plain.skip) == (inbox, None, None, None, {})


@pytest.mark.parametrize("values, says", [
    ({"folder": "没有这个文件夹"}, "「汇总设置」工作表：“汇总文件夹”填写的「没有这个文件夹」不存在（按本工作簿所在的文件夹查找："),
    ({"folder": "名单.csv"}, "「汇总设置」工作表：“汇总文件夹”应为文件夹，"),
    ({"roster": "“名单.xlsx”"}, "「汇总设置」工作表：“应报送单位名单”填写的「名单.xlsx」不存在"),
    ({"year": "去年"}, "「汇总设置」工作表：“汇总年度”应填写四位年份，如2024（现为「去年」）"),
    ({"folder": "空"}, "文件夹 "),
])
def test_merge_refuses_settings_that_name_nothing_usable(tmp_path, values, says):
    office = tmp_path / "县政务公开办"
    (office / "空").mkdir(parents=True)
    (office / "名单.csv").write_text("单位名称\n示例县甲局\n", encoding="utf-8")
    book = settings_book(office / SETTINGS_BOOK, values)
    before = fingerprints(office)
    message = excel.run("merge", open_book(payload(book, str(book))))
    assert message.startswith(says), message
    assert fingerprints(office) == before


# --- dispatch: the caller, the active book, alerts instead of tracebacks ---------------------------


def test_caller_add_in_works_on_the_active_book(examples_dir, tmp_path):
    import xlwings as xw

    app = xw.engines["remote"].apps.add(add_book=False)
    addin = open_book({**payload(examples_dir / FENGLING, "nianbao.xlam"), "sheets": [{"name": "_myaddin.conf", "values": [[None]]}]}, app)
    book = open_book(payload(examples_dir / MISTAKES), app)  # opened last: the active book
    message = excel.run("check", addin)
    assert message.startswith("3个错误、5个警告")
    assert addin.json()["actions"] == []
    assert [a["func"] for a in book.json()["actions"]][-1] == "alert"


def test_unknown_button_says_to_install_the_matching_addin(examples_dir):
    book = open_book(payload(examples_dir / FENGLING))
    message = excel.run("publish", book)
    assert message == (
        f"nianbao {__version__}没有这个按钮（publish）：加载项与nianbao不配套。请关闭Excel，在命令提示符中运行 "
        "nianbao addin install（或再次运行安装包中的“安装.bat”），然后重新打开Excel。"
    )
    assert [a["func"] for a in book.json()["actions"]] == ["alert"]
    assert book.json()["actions"][0]["args"][3] == "critical"


@pytest.mark.parametrize("addin_version, built_for", [
    ("0.0.9", "nianbao 0.0.9"),  # an add-in left from an older nianbao
    ("9.0.0", "nianbao 9.0.0"),  # an add-in newer than the package
    (None, "不标明版本的较早的nianbao"),  # the add-in from before the handshake: dispatch('check')
])
def test_an_addin_built_for_another_version_names_both_and_the_fix(examples_dir, addin_version, built_for):
    book = open_book(payload(examples_dir / MISTAKES))
    book.set_mock_caller()
    excel.dispatch("check", *([addin_version] if addin_version else []))
    actions = book.json()["actions"]
    assert [a["func"] for a in actions] == ["alert"]  # nothing marked, no 校验结果 sheet
    assert actions[0]["args"][0] == (
        f"加载项与nianbao的版本不一致：Excel加载的nianbao.xlam是为{built_for}生成的，本电脑安装的是nianbao {__version__}。\n\n"
        "请关闭Excel，在命令提示符中运行 nianbao addin install（或再次运行安装包中的“安装.bat”），然后重新打开Excel。"
    )
    assert actions[0]["args"][3] == "critical"


def test_a_workbook_without_the_tables_is_left_alone(tmp_path):
    path = tmp_path / "购物清单.xlsx"
    wb = openpyxl.Workbook()
    wb.active.append(["苹果", 3])
    wb.save(path)
    book = open_book(payload(path))
    message = excel.run("check", book)
    assert message.startswith("购物清单.xlsx：没有在这个工作簿中找到年报的表格（表二、表三、表四）")
    assert [a["func"] for a in book.json()["actions"]] == ["alert"]


def test_an_unexpected_error_becomes_an_alert_with_a_log(examples_dir, monkeypatch, tmp_path):
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))

    def broken(book):
        raise ZeroDivisionError("division by zero")

    monkeypatch.setitem(excel.BUTTONS, "check", broken)
    book = open_book(payload(examples_dir / FENGLING))
    message = excel.run("check", book)
    [log] = tmp_path.glob("nianbao-excel-error-*.log")
    assert message.startswith("操作没有完成：ZeroDivisionError：division by zero")
    assert str(log) in message and "Traceback" not in message
    assert "in broken" in log.read_text(encoding="utf-8")


def test_no_open_workbook(examples_dir):
    import xlwings as xw

    app = xw.engines["remote"].apps.add(add_book=False)
    addin = open_book({**payload(examples_dir / FENGLING, "nianbao.xlam"), "sheets": [{"name": "_myaddin.conf", "values": [[None]]}]}, app)
    assert excel.run("check", addin) == "请先打开要处理的年报工作簿，点一下其中的单元格，再点按钮"


def test_dispatch_uses_the_mock_caller(examples_dir, tmp_path):
    book = open_book(payload(examples_dir / MISTAKES))
    book.set_mock_caller()
    excel.dispatch("check", __version__)
    assert book.json()["actions"][-1]["args"][0].startswith("3个错误")


# --- click cost --------------------------------------------------------------------------------


def test_import_loads_no_pandas_numpy_openpyxl_or_xlwings():
    code = "import sys, nianbao.excel; print(sorted(m for m in ('pandas', 'numpy', 'openpyxl', 'xlwings') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


@pytest.mark.parametrize("tag, says", [
    ("check", "3个错误、6个警告、0个提示\n"),  # the emptied slots add S5 to the example's warnings
    ("text", "「文字」工作表：3个栏目写入生成的文字，6个栏目保留原有文字。\n"),
])
def test_check_and_text_buttons_run_without_pandas_and_numpy(blanked, tag, says):
    # Importing pandas or numpy on the 校验 or 生成文字 path fails here (None in sys.modules blocks
    # the import), and the button would end in an error alert instead of its summary.
    code = (
        "import sys, json, os\n"
        "sys.modules['pandas'] = None; sys.modules['numpy'] = None\n"
        f"sys.path.insert(0, {str(Path(__file__).parent)!r})\n"
        "from remote_excel import open_book\n"
        "from nianbao import excel\n"
        "book = open_book(json.loads(sys.stdin.read()))\n"
        f"print(json.dumps(excel.run({tag!r}, book), ensure_ascii=False))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], input=json.dumps(payload(blanked)),
        capture_output=True, text=True, check=True, encoding="utf-8",
    )
    assert json.loads(out.stdout).startswith(says)

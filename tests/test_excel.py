"""The ribbon buttons (nianbao.excel) on real xlwings objects: the remote engine, replayed onto openpyxl."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from remote_excel import fill, open_book, payload, replay  # sets the noncommercial key before xlwings loads

from nianbao import excel
from nianbao.check import check
from nianbao.report import findings_table
from nianbao.schema import RESULTS_SHEET
from nianbao.workbook.annotate import RESULTS_NOTE
from nianbao.workbook.colors import INPUT_COLOR, LABEL_COLOR, MARK_COLOR
from nianbao.workbook.layout import RESULTS_COLUMNS
from nianbao.workbook.read import read_workbook

MISTAKES = "示例县市场监督管理局-2024.xlsx"
FENGLING = "巫溪县峰灵镇人民政府-2023.xlsx"
# The example with deliberate mistakes: where `nianbao check` puts each finding.
MISTAKE_CELLS = [
    ("T3-V", "表三", "J28"), ("T3-H", "表三", "J7"), ("T4-S", "表四", "E5"), ("N4", "表三", "D17"),
    ("N3", "表三", "G15"), ("P1", "表二", "D4"), ("P3", "表二", "B15"), ("S7", "文字", "B11"),
]


def press(path: Path, out: Path, tag: str = "check", name: str | None = None) -> dict:
    """Press a button on the workbook at ``path`` (one App per press) and replay what it did into ``out``.
    The book is the mock caller, as Book.caller() is the calling book under RunPython."""
    book = open_book(payload(path, name))
    book.set_mock_caller()
    excel.dispatch(tag)
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
    from_excel = excel.read_report(excel.BookGrids(book), str(path))
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
    report = excel.read_report(excel.BookGrids(open_book(payload(src))), str(src))
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
    assert rows[1][4] == "表三「总计」列：（七）总计=36，（一）至（六）各项之和=37，差1"
    assert rows[1][7].startswith("T3-V:t3.total.total,")
    assert rows[-1][4].startswith("对可以解释的警告")
    ws = wb[RESULTS_SHEET]
    assert ws["D2"].hyperlink.location == "'表三'!J28"
    assert ws["D9"].hyperlink.location == "'文字'!B11"
    assert fill(ws, "A1") == fill(ws, "H1") == LABEL_COLOR
    alert = result["alerts"]
    assert len(alert) == 1 and alert[0]["title"] == "政务公开年报" and alert[0]["mode"] == "info"
    lines = alert[0]["prompt"].split("\n")
    assert lines[0] == "3个错误、5个警告、0个提示"
    assert lines[2] == "【错误】表三!J28：表三「总计」列：（七）总计=36，（一）至（六）各项之和=37，差1"
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
    assert result["alerts"][0]["prompt"].split("\n")[0] == "1个错误、4个警告、0个提示"


def PatternFillGreen():
    from openpyxl.styles import PatternFill

    return PatternFill("solid", start_color="FF00B050", end_color="FF00B050")


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


def test_unknown_button_says_to_update(examples_dir):
    book = open_book(payload(examples_dir / FENGLING))
    message = excel.run("export", book)
    assert message == "这个按钮（export）需要更新版本的nianbao：请在命令提示符中运行 pip install -U nianbao，然后重新启动Excel"
    assert [a["func"] for a in book.json()["actions"]] == ["alert"]
    assert book.json()["actions"][0]["args"][3] == "critical"


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
    log = tmp_path / "nianbao-excel-error.log"
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
    excel.dispatch("check")
    assert book.json()["actions"][-1]["args"][0].startswith("3个错误")


# --- click cost --------------------------------------------------------------------------------


def test_import_loads_no_pandas_numpy_openpyxl_or_xlwings():
    code = "import sys, nianbao.excel; print(sorted(m for m in ('pandas', 'numpy', 'openpyxl', 'xlwings') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_check_button_runs_without_pandas_and_numpy(examples_dir):
    # Importing pandas or numpy on the 校验 path fails here (None in sys.modules blocks the import),
    # and the button would end in an error alert instead of the summary.
    code = (
        "import sys, json, os\n"
        "sys.modules['pandas'] = None; sys.modules['numpy'] = None\n"
        f"sys.path.insert(0, {str(Path(__file__).parent)!r})\n"
        "from remote_excel import open_book\n"
        "from nianbao import excel\n"
        "book = open_book(json.loads(sys.stdin.read()))\n"
        "print(json.dumps(excel.run('check', book), ensure_ascii=False))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], input=json.dumps(payload(examples_dir / MISTAKES)),
        capture_output=True, text=True, check=True, encoding="utf-8",
    )
    assert json.loads(out.stdout).startswith("3个错误、5个警告、0个提示\n")

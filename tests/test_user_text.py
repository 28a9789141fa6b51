"""Every string a user wrote is written as text, never as a live formula, in every workbook nianbao
writes (issue 9 item 10): the annotated copy, the 文字 written by nianbao text, an imported report,
the merge workbook, and the Excel buttons' rows."""

from __future__ import annotations

import json

import openpyxl
import pytest
from click.testing import CliRunner
from remote_excel import open_book, payload, replay  # sets the noncommercial key before xlwings loads
from unitbooks import one_application, unit_book
from workbooks import consistent_numbers, report, workbook

from nianbao import __version__, excel
from nianbao.cli import main
from nianbao.formats import F2021
from nianbao.report import Report
from nianbao.schema import META_SHEET, RESULTS_SHEET, TEXT_SHEET
from nianbao.workbook.layout import META_VALUE_COL, TEXT_VALUE_COL, layout_of

LINK = '=HYPERLINK("http://example.invalid/x","点此查看说明")'
DDE = "=cmd|' /C calc'!A0"


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args], prog_name="nianbao")


def assert_text(cell, value: str) -> None:
    """A cell holding ``value`` as a string that stays a string when edited in Excel (quotePrefix)."""
    assert (cell.value, cell.data_type) == (value, "s"), (cell.coordinate, cell.value, cell.data_type)
    assert cell.quotePrefix, cell.coordinate


def formulas_holding(path, *texts: str) -> list[str]:
    """Cells anywhere in the workbook that hold one of ``texts`` as a formula."""
    wb = openpyxl.load_workbook(path)
    return [f"{ws.title}!{c.coordinate}" for ws in wb.worksheets for row in ws.iter_rows() for c in row
            if c.data_type == "f" and any(t[1:] in str(c.value) for t in texts)]


def acknowledged_book(tmp_path, reasons: dict[str, str]):
    """A workbook checked once (its annotated copy), where the unit wrote 核实说明 as text (as Excel stores
    what was typed after an apostrophe, or pasted into a text cell)."""
    src = workbook(tmp_path / "单位.xlsx", base=report(consistent_numbers() | {"t2.rules.in_force": 4}))
    assert run("check", src, "--annotate", tmp_path / "第一次.xlsx").exit_code == 0
    wb = openpyxl.load_workbook(tmp_path / "第一次.xlsx")
    ws = wb[RESULTS_SHEET]
    for row in ws.iter_rows(min_row=2):
        if row[2].value in reasons:
            row[5].value = "已核实"
            row[6].value = reasons[row[2].value]
            row[6].data_type = "s"
    wb.save(tmp_path / "已核实.xlsx")
    return tmp_path / "已核实.xlsx"


def test_annotated_copy(tmp_path):
    book = acknowledged_book(tmp_path, {"P1": LINK})
    result = run("check", book, "--annotate", tmp_path / "第二次.xlsx")
    assert result.exit_code == 0 and f"核实说明：{LINK}" in result.output
    ws = openpyxl.load_workbook(tmp_path / "第二次.xlsx")[RESULTS_SHEET]
    row = next(r for r in ws.iter_rows(min_row=2) if r[2].value == "P1")
    assert_text(row[6], LINK)
    assert formulas_holding(tmp_path / "第二次.xlsx", LINK) == []


def test_text_written_by_nianbao_text(tmp_path):
    named = report(name=DDE, text={})
    src = workbook(tmp_path / "单位.xlsx", base=named)
    templates = tmp_path / "模板"
    templates.mkdir()
    (templates / "other.j2").write_text("{{ name }}本年度未收取信息处理费。", encoding="utf-8")  # a county's copy
    assert run("text", src, "--templates", templates).exit_code == 0
    out = tmp_path / "单位-文字.xlsx"
    wb = openpyxl.load_workbook(out)
    assert_text(wb[TEXT_SHEET].cell(layout_of(F2021).text_rows["other"], TEXT_VALUE_COL), f"{DDE}本年度未收取信息处理费。")
    assert formulas_holding(out, DDE) == []


def test_imported_report(tmp_path):
    saved = report(name=LINK, text={"other": DDE})
    source = tmp_path / "年报.json"
    source.write_text(saved.to_json(), encoding="utf-8")
    assert run("import", source, "-o", tmp_path / "导入.xlsx").exit_code in (0, 1)
    wb = openpyxl.load_workbook(tmp_path / "导入.xlsx")
    assert_text(wb[META_SHEET].cell(layout_of(F2021).meta_rows["name"], META_VALUE_COL), LINK)
    assert_text(wb[TEXT_SHEET].cell(layout_of(F2021).text_rows["other"], TEXT_VALUE_COL), DDE)
    assert formulas_holding(tmp_path / "导入.xlsx", LINK, DDE) == []


def test_merge_workbook(tmp_path):
    inbox = tmp_path / "收件箱"
    file_name = "=1+2"
    # The unit's name and its file's name; P1 puts both on the 问题清单 too.
    unit_book(inbox / f"{file_name}.xlsx", LINK, {**one_application(), "t2.rules.in_force": 4})
    assert run("merge", inbox, "-o", tmp_path / "汇总.xlsx", "--workers", "1").exit_code == 0
    wb = openpyxl.load_workbook(tmp_path / "汇总.xlsx")
    cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row if isinstance(c.value, str)
             and (c.value.startswith(LINK) or c.value.startswith(file_name))]
    assert {c.parent.title for c in cells} >= {"明细", "问题清单", "来源"}
    assert all(c.data_type == "s" for c in cells)
    assert formulas_holding(tmp_path / "汇总.xlsx", LINK, file_name) == []


def test_excel_check_button_writes_the_results_rows_as_text(tmp_path):
    book = acknowledged_book(tmp_path, {"P1": DDE})
    xl = open_book(payload(book))
    xl.set_mock_caller()
    excel.dispatch("check", __version__)
    replay(xl.json()["actions"], book, tmp_path / "按钮.xlsx")
    ws = openpyxl.load_workbook(tmp_path / "按钮.xlsx")[RESULTS_SHEET]
    row = next(r for r in ws.iter_rows(min_row=2) if r[2].value == "P1")
    assert_text(row[6], DDE)
    assert formulas_holding(tmp_path / "按钮.xlsx", DDE) == []


def test_excel_text_button_writes_the_text_as_text(tmp_path):
    src = workbook(tmp_path / "单位.xlsx", base=report(name="=某镇人民政府", text={}))
    xl = open_book(payload(src))
    xl.set_mock_caller()
    excel.dispatch("text", __version__)
    replay(xl.json()["actions"], src, tmp_path / "按钮.xlsx")
    written = openpyxl.load_workbook(tmp_path / "按钮.xlsx")[TEXT_SHEET].cell(layout_of(F2021).text_rows["overview.intro"], TEXT_VALUE_COL)
    assert written.data_type == "s" and "=某镇人民政府" in written.value
    assert formulas_holding(tmp_path / "按钮.xlsx", "=某镇人民政府") == []


@pytest.mark.parametrize("value", ["=1+1", "+1", "-1-1", "@SUM(A1)", "'引号开头", "2024-1", "0012"])
def test_the_button_text_helper_keeps_exactly_what_was_typed(value):
    assert excel.as_text([[value, 3, None, ""]]) == [["'" + value, 3, None, ""]]


def test_json_of_a_report_is_not_a_way_around_it(tmp_path):
    # A report saved as JSON whose cell text starts with "=" is written as text where it is typed into the template.
    saved = report(consistent_numbers())
    saved.raw["t3.new.research"] = DDE
    saved.values["t3.new.research"] = None
    source = tmp_path / "年报.json"
    source.write_text(json.dumps(Report.to_dict(saved), ensure_ascii=False), encoding="utf-8")
    assert run("import", source, "-o", tmp_path / "导入.xlsx").exit_code in (0, 1)
    assert formulas_holding(tmp_path / "导入.xlsx", DDE) == []

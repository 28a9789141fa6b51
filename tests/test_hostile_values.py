"""Numbers that are no numbers (issue 9 items 3, 8): non-finite, overflowing and Excel error values are an
error at their cell and an unknown value — never 0, never inf — in check, merge and export."""

from __future__ import annotations

import json

import openpyxl
import pytest
from click.testing import CliRunner
from hostile import patch_sheet, replace_cell
from unitbooks import one_application, unit_book
from workbooks import workbook

from nianbao.cells import Parsed, parse_cell
from nianbao.cli import main
from nianbao.formats import F2021
from nianbao.merge import merge
from nianbao.report import Severity, State
from nianbao.sources import read_report

HUGE = "9" * 400

# typed → (cell, rule); every one reads as an unknown number with an error at the cell
UNREADABLE = {
    "1e308 count": (1e308, "t3.new.total", "N1"),
    "1e308 fee": (1e308, "t2.fees.amount", "N2"),
    "inf": (float("inf"), "t3.new.total", "N1"),
    "nan": (float("nan"), "t2.fees.amount", "N2"),
    "400 digits": (HUGE, "t3.new.total", "N1"),
    "400 digits 元": (HUGE + "元", "t2.fees.amount", "N2"),
    "10**20 as int": (10**20, "t3.new.total", "N1"),
    "#REF!": ("#REF!", "t3.new.total", "N1"),
    "#n/a typed": ("#n/a", "t2.fees.amount", "N2"),
}


def parse(value: object, cid: str) -> Parsed:
    return parse_cell(value, F2021.cells[cid])


@pytest.mark.parametrize("case", list(UNREADABLE))
def test_a_value_beyond_any_number_is_an_error_and_unknown(case):
    typed, cid, rule = UNREADABLE[case]
    parsed = parse(typed, cid)
    assert (parsed.number, parsed.state) == (None, State.TEXT)
    assert (parsed.issue.rule, parsed.issue.severity) == (rule, Severity.ERROR)


def test_the_largest_plausible_numbers_still_read():
    assert parse(999_999_999_999_999, "t3.new.total").number == 999_999_999_999_999
    assert parse("12345.6789万元", "t2.fees.amount").number == 12345.6789


def _unit(path, name, typed: dict[str, object]):
    """A unit workbook with cells typed over by openpyxl (as a clerk would), by address."""
    unit_book(path, name, one_application())
    wb = openpyxl.load_workbook(path)
    for address, value in typed.items():
        sheet, ref = address.split("!")
        wb[sheet][ref] = value
    wb.save(path)
    return path


def test_merge_of_two_units_with_1e308_has_h1_and_a_finite_total(tmp_path):
    inbox = tmp_path / "收件箱"
    inbox.mkdir()
    _unit(inbox / "甲镇.xlsx", "甲镇", {"表三!D5": 1e308, "表二!B15": 1e308})
    _unit(inbox / "乙镇.xlsx", "乙镇", {"表三!D5": 1e308, "表二!B15": HUGE + "元"})
    _unit(inbox / "丙镇.xlsx", "丙镇", {"表二!B15": 2.5})
    result = merge([inbox], tmp_path / "汇总.xlsx", workers=1)
    total = result.summary
    assert total.values["t3.new.natural_person"] == 1  # 丙镇's 1; the two unknown values add nothing
    assert total.values["t2.fees.amount"] == 2.5
    h1 = {f.cells[0].id: f.message for f in result.summary_findings if f.rule == "H1"}
    assert "乙镇、甲镇的该项无法读取，未计入（已计入1个单位）" in h1["t3.new.natural_person"]
    assert "乙镇、甲镇的该项无法读取" in h1["t2.fees.amount"]
    assert (tmp_path / "汇总.xlsx").stat().st_size > 0
    unit = {u.name: u for u in result.batch.units}["甲镇"]
    assert ("N1", "表三!D5") in [(f.rule, f.address) for f in unit.findings]
    assert ("N2", "表二!B15") in [(f.rule, f.address) for f in unit.findings]


def test_merge_of_excel_error_values_is_h1_not_zero(tmp_path):
    inbox = tmp_path / "in"
    inbox.mkdir()
    unit_book(inbox / "甲.xlsx", "甲镇", one_application())
    patch_sheet(inbox / "甲.xlsx", "表三", replace_cell("D5", '<c r="D5" t="e"><f>1/0</f><v>#DIV/0!</v></c>'))
    unit_book(inbox / "乙.xlsx", "乙镇", one_application())
    result = merge([inbox], None, workers=1)
    assert result.summary.values["t3.new.natural_person"] == 1
    assert [f.message for f in result.summary_findings if f.rule == "H1" and f.cells[0].id == "t3.new.natural_person"] == [
        "表三「一、本年新收政府信息公开申请数量」「自然人」的汇总数不完整：甲镇的该项无法读取，未计入（已计入1个单位）"]


def test_check_and_export_refuse_a_non_finite_value(tmp_path):
    path = workbook(tmp_path / "inf.xlsx")
    patch_sheet(path, "表二", replace_cell("B15", '<c r="B15"><v>INF</v></c>'))  # calamine reads it as inf
    report = read_report(path)
    assert report.values["t2.fees.amount"] is None and report.state("t2.fees.amount") is State.TEXT
    runner = CliRunner()
    result = runner.invoke(main, ["check", str(path)])
    assert result.exit_code == 1 and "表二!B15" in result.output and "N2" in result.output
    result = runner.invoke(main, ["export", str(path), "--html", str(tmp_path / "x.html")])
    assert result.exit_code == 1 and not (tmp_path / "x.html").exists()


def test_a_saved_report_json_with_1e400_and_nan_reads_them_as_unknown(tmp_path):
    from nianbao.report import Report

    data = json.loads(Report.from_numbers({"t3.new.total": 3}, name="甲", year=2024).to_json())
    data["values"]["t3.new.total"] = "@@"
    text = json.dumps(data).replace('"@@"', "1e400").replace('"t2.fees.amount": 0', '"t2.fees.amount": NaN')
    (tmp_path / "r.json").write_text(text, encoding="utf-8")
    report = read_report(tmp_path / "r.json")
    assert report.values["t3.new.total"] is None and report.values["t2.fees.amount"] is None
    assert sorted((f.rule, f.severity) for f in report.findings) == [("N1", Severity.ERROR), ("N2", Severity.ERROR)]


def test_the_add_in_reads_an_error_value_as_an_error_too(tmp_path):
    from remote_excel import open_book, payload  # sets xlwings' key before it loads

    from nianbao import excel

    path = patch_sheet(workbook(tmp_path / "e.xlsx"), "表三",
                       replace_cell("E5", '<c r="E5" s="11" t="e"><f>D5/0</f><v>#DIV/0!</v></c>'))
    report = excel.read_open_book(excel.BookGrids(open_book(payload(path))), str(path))
    assert report.values["t3.new.business"] is None
    assert [(f.rule, f.address) for f in report.findings] == [("N1", "表三!E5")]

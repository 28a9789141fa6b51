"""The format as a value: the registry, the cell map across formats, and a format nianbao was never told
about (tests/testformat.py's T2099, one more applicant column in 表三) followed by the template, the
reader, the rules, the export and the cross-year rules."""

from __future__ import annotations

from dataclasses import replace

import openpyxl
import pytest
from testformat import T2099
from workbooks import consistent_numbers, report, workbook

from nianbao.check import check
from nianbao.export.html import render_html
from nianbao.formats import DEFAULT, F2019, F2021, cell_map, get_format, held, register, unregister
from nianbao.merge import merge
from nianbao.report import Report, State, findings_table
from nianbao.rules import evaluate, format_checks
from nianbao.workbook.build import build_template
from nianbao.workbook.layout import layout_of
from nianbao.workbook.read import read_workbook


def test_the_registry_holds_the_2021_format_as_default_and_the_2019_one_as_recognised_only():
    assert get_format("F2021") is F2021 is DEFAULT
    assert not F2019.readable and F2019.read_as == "F2021"
    assert held("F2019") is F2021  # a 2019-format report's numbers are held in the cells both formats share
    assert held("F2031") is F2021  # an id this nianbao does not know: the default's cells, as before formats were values
    assert len(F2021.cells) == 200 and F2021.tables["t3"].column_widths == (6, 12, 44) + (9,) * 7


def test_a_format_id_is_never_reused():
    with pytest.raises(ValueError, match="F2021"):
        register(replace(F2021))
    with pytest.raises(ValueError):
        unregister("F2021")


def test_cell_map_across_an_added_column(t2099):
    forward = cell_map("F2021", "T2099")
    assert len(forward) == 200 and "t3.new.sole_trader" not in forward  # nothing last year stands for it
    assert forward["t3.new.total"] == ("t3.new.total",)
    back = cell_map("T2099", "F2021")
    assert len(back) == 200 and back["t3.carried_forward.other_org"] == ("t3.carried_forward.other_org",)


def test_cell_map_adds_up_the_cells_a_format_put_together():
    merged = replace(F2021, id="T2098", previous="F2021",
                     from_previous={"t3.other_other.total": ("t3.other_no_correction.total", "t3.other_other.total")})
    register(merged)
    try:
        last = Report.from_numbers({"t3.other_no_correction.total": 2, "t3.other_other.total": 3})
        assert cell_map("F2021", "T2098")["t3.other_other.total"] == ("t3.other_no_correction.total", "t3.other_other.total")
        assert last.in_format("T2098").values["t3.other_other.total"] == 5
        # back: a sum has no one cell to go to; the cells that map one to one do
        assert "t3.other_other.total" not in cell_map("T2098", "F2021")
        assert cell_map("T2098", "F2021")["t3.new.total"] == ("t3.new.total",)
    finally:
        unregister("T2098")


def test_last_years_report_in_this_years_format_leaves_the_new_column_unknown(t2099):
    last = report(year=2098)
    moved = last.in_format("T2099")
    assert moved.meta.format == "T2099" and moved.text == last.text
    assert moved.values["t3.new.natural_person"] == 5 and moved.values["t3.new.total"] == 8
    assert moved.values["t3.new.sole_trader"] is None and moved.state("t3.new.sole_trader") is State.TEXT


def test_the_template_of_a_new_format_has_the_column_and_its_live_checks(t2099, tmp_path):
    ws = build_template(T2099)["表三"]
    header = [ws.cell(4, c).value for c in range(5, 12)]
    assert header == ["商业企业", "科研机构", "社会公益组织", "法律服务机构", "个体工商户", "其他", None]
    assert ws.cell(3, 4).value == "自然人" and ws.cell(3, 11).value == "总计"
    assert ws.column_dimensions["I"].width == 9 and ws.column_dimensions["K"].width == 9
    assert ws["L5"].value == '=IF(SUM(K5)=SUM(D5:J5),"","✗ 差"&ABS(SUM(K5)-SUM(D5:J5)))'  # T3-H over 8 columns
    marker = build_template(T2099)["_nianbao"]
    assert [marker.cell(r, 2).value for r in (1, 3)] == ["T2099", "2099.1"]


def _t2099_report(**numbers: int) -> Report:
    return report(consistent_numbers() | numbers, format="T2099")


def test_a_workbook_of_a_new_format_is_read_in_it_by_its_marker_and_by_its_labels(t2099, tmp_path):
    path = workbook(tmp_path / "新格式.xlsx", _t2099_report(**{"t3.new.sole_trader": 0}))
    read = read_workbook(path)
    assert read.meta.format == "T2099" and read.address("t3.new.sole_trader") == "表三!I5"
    assert findings_table(check(read)) == []
    wb = openpyxl.load_workbook(path)
    del wb["_nianbao"]  # a copy that lost its marker
    wb.save(tmp_path / "无标记.xlsx")
    unmarked = read_workbook(tmp_path / "无标记.xlsx")
    assert unmarked.meta.format == "T2099" and findings_table(check(unmarked)) == []
    # the 2021 format's workbooks are still read as the 2021 format with the new one registered
    assert read_workbook(workbook(tmp_path / "2021.xlsx")).meta.format == "F2021"


def test_check_runs_every_table_three_identity_over_the_new_column(t2099, tmp_path):
    path = workbook(tmp_path / "新格式.xlsx", _t2099_report(**{"t3.new.sole_trader": 2, "t3.disclosed.sole_trader": 1}))
    found = findings_table(check(read_workbook(path)))
    assert ("T3-ID", "error", "表三!I29") in found  # 个体工商户 column: 一+二=2, 三（七）+四=0
    assert ("T3-V", "error", "表三!I28") in found  # its （七）总计 0, its results 1
    assert ("T3-H", "error", "表三!K5") in found  # row 一: 总计 8, the eight columns 10
    assert ("T3-H", "error", "表三!K7") in found  # row （一）予以公开
    assert {r for r, _, a in found if a.startswith("表三!I")} == {"T3-ID", "T3-V"}
    assert len(format_checks(T2099)) == len(format_checks(F2021)) + 4  # T3-ID, T3-V, T3-NEG and Y1 of the column


def test_export_prints_the_new_column(t2099):
    page = render_html(_t2099_report(**{"t3.new.sole_trader": 4}))
    assert "<th" in page and ">个体工商户</th>" in page
    assert 'data-cell="t3.new.sole_trader">4</td>' in page


def test_y1_compares_last_year_in_the_2021_format_with_this_year_in_the_new_one(t2099):
    last = report(year=2098)  # F2021: 结转下年度 自然人 1, 总计 1
    this = _t2099_report(**{"t3.carried_over.natural_person": 2, "t3.carried_over.total": 2, "t3.carried_over.sole_trader": 0})
    y1 = [(f.rule, f.severity.value, f.message) for f in evaluate(this, last) if f.rule == "Y1"]
    assert y1 == [
        ("Y1", "warning", "表三「自然人」列：本年「二、上年结转」=2，上年报告「四、结转下年度继续办理」=1，差1"),
        ("Y1", "error", "表三「总计」列：本年「二、上年结转」=2，上年报告「四、结转下年度继续办理」=1，差1"),
    ]
    assert [f.rule for f in check(this, last) if f.rule == "Y1"] == ["Y1", "Y1"]


def _sole_traders(n: int, **meta) -> Report:
    """A consistent T2099 report with ``n`` applications from 个体工商户, all disclosed."""
    numbers = consistent_numbers()
    for row in ("new", "disclosed", "total"):
        numbers[f"t3.{row}.sole_trader"] = n
        numbers[f"t3.{row}.total"] += n
    return report(numbers, format="T2099", **meta)


def test_merge_sums_the_new_column_and_reads_its_own_output_back(t2099, tmp_path):
    inbox = tmp_path / "收件箱"
    inbox.mkdir()
    workbook(inbox / "甲镇.xlsx", _sole_traders(2, name="甲镇人民政府"))
    workbook(inbox / "乙镇.xlsx", _sole_traders(3, name="乙镇人民政府"))
    result = merge([inbox], tmp_path / "汇总.xlsx")
    assert result.batch.format is T2099 and list(result.batch.frame.columns).count("t3.new.sole_trader") == 1
    assert result.summary.values["t3.new.sole_trader"] == 5 and result.summary.values["t3.new.total"] == 21
    assert result.summary_findings == []
    assert [u.findings for u in result.batch.units] == [[], []]
    book = openpyxl.load_workbook(tmp_path / "汇总.xlsx")
    where = layout_of(T2099).summary_addresses["t3.new.sole_trader"]  # 汇总!I9: the template's column I, shifted down
    sheet, ref = where.split("!")
    assert book[sheet][ref].value == 5 and book[sheet][f"I{int(ref[1:]) - 1}"].value == "个体工商户"
    assert "t3.new.sole_trader" in [c.value for c in book["明细"][1]]
    again = read_workbook(tmp_path / "汇总.xlsx")
    assert again.meta.summary and again.meta.format == "T2099" and again.values["t3.new.sole_trader"] == 5


def test_a_unit_in_the_old_format_is_merged_with_what_its_cells_can_say(t2099, tmp_path):
    inbox = tmp_path / "收件箱"
    inbox.mkdir()
    workbook(inbox / "甲镇.xlsx", _sole_traders(2, name="甲镇人民政府"))
    workbook(inbox / "乙镇.xlsx", _sole_traders(3, name="乙镇人民政府"))
    workbook(inbox / "丙镇.xlsx", report(name="丙镇人民政府"))  # still on the 2021 template
    result = merge([inbox], None)
    assert result.batch.format is T2099
    assert result.summary.values["t3.new.natural_person"] == 15 and result.summary.values["t3.new.sole_trader"] == 5
    incomplete = {f.cells[0].id for f in result.summary_findings if f.rule == "H1"}
    assert incomplete == {c for c in T2099.cell_ids if c.endswith(".sole_trader")}  # 丙镇 has no such column


def test_merge_last_year_compares_a_2021_format_year_with_the_new_format(t2099, tmp_path):
    last, now = tmp_path / "2024", tmp_path / "2025"
    last.mkdir()
    now.mkdir()
    workbook(last / "甲镇.xlsx", report(name="甲镇人民政府", year=2024))  # 结转下年度 1
    this = _sole_traders(1, name="甲镇人民政府", year=2025)
    this.values |= {"t3.carried_over.natural_person": 2, "t3.carried_over.total": 2}
    workbook(now / "甲镇.xlsx", this)
    (unit,) = merge([now], None, last_year=[last]).batch.units
    merged = [(f.rule, f.message) for f in unit.findings if f.rule == "Y1"]
    checked = [(f.rule, f.message) for f in check(read_workbook(now / "甲镇.xlsx"), read_workbook(last / "甲镇.xlsx"))
               if f.rule == "Y1"]
    assert merged == checked and [m for _, m in merged] == [
        "表三「总计」列：本年「二、上年结转」=2，上年报告「四、结转下年度继续办理」=1，差1",
        "表三「自然人」列：本年「二、上年结转」=2，上年报告「四、结转下年度继续办理」=1，差1",
    ]

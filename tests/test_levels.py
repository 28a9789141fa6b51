"""Multi-level aggregation: a city merges its counties' 汇总 workbooks, a province its cities' (issue 13)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from shapebooks import flat_table, sheets_book
from unitbooks import one_application, unit_book

from nianbao.cli import main
from nianbao.formats import F2021
from nianbao.merge import merge
from nianbao.merge.batch import DUPLICATE, FUZZY, LOWER, MISSING, SKIPPED, UNREADABLE
from nianbao.merge.roster import Roster
from nianbao.workbook.layout import layout_of

CITY = "某省某市"
COUNTIES = {"甲县": 4, "乙县": 3, "丙县": 3}


def _numbers(i: int, column: str) -> dict:
    return {**one_application(column), "t2.licensing.decisions": i + 1, "t2.normative.in_force": 2 * i,
            "t3.carried_over.natural_person": 1, "t3.carried_over.total": 1,
            "t3.carried_forward.natural_person": 1, "t3.carried_forward.total": 1}


def _county_units(folder: Path, county: str, n: int, year: int = 2024) -> list[str]:
    names = []
    for i in range(n):
        name = f"{CITY}{county}第{i + 1}局"
        raw = {"t2.punishment.decisions": "十二"} if i == 1 else None  # unknown: an incomplete total (H1)
        unit_book(folder / f"{county}第{i + 1}局.xlsx", name, _numbers(i, "business" if i % 2 else "natural_person"),
                  raw=raw, region=f"{CITY}{county}", year=year)
        names.append(name)
    return names


@pytest.fixture(scope="module")
def levels(tmp_path_factory) -> Path:
    """units/<county>/ (every unit file), city/ (what the city receives: the counties' 汇总s, two 市直
    departments, and a unit of 甲县 that also reported to the city directly)."""
    root = tmp_path_factory.mktemp("levels")
    for county, n in COUNTIES.items():
        names = _county_units(root / "units" / county, county, n)
        roster = Roster.from_names([*names, f"{CITY}{county}未报送局"])
        merge([root / "units" / county], root / "city" / f"{county}汇总.xlsx", roster=roster)
    for name in ("市财政局", "市教育局"):
        unit_book(root / "units" / "市直" / f"{name}.xlsx", f"{CITY}{name}", one_application("research"), region=CITY)
        shutil.copy(root / "units" / "市直" / f"{name}.xlsx", root / "city" / f"{name}.xlsx")
    shutil.copy(root / "units" / "甲县" / "甲县第1局.xlsx", root / "city" / "甲县第1局.xlsx")
    return root


@pytest.fixture(scope="module")
def city(levels):
    return merge([levels / "city"], levels / "市汇总.xlsx")


@pytest.fixture(scope="module")
def direct(levels):
    return merge([levels / "units"], None)


def test_city_totals_equal_the_sum_over_all_units_merged_directly(city, direct):
    assert city.summary.values == direct.summary.values
    assert city.summary.meta.title == f"{CITY}2024年政府信息公开工作年度报告汇总"
    # The unknown cells of the counties' units carry up: the city's total is marked incomplete, naming them.
    h1 = [f for f in city.summary_findings if f.rule == "H1"]
    assert [(f.cells[0].id, f.address) for f in h1] == [("t2.punishment.decisions", layout_of(F2021).summary_addresses["t2.punishment.decisions"])]
    assert h1[0].message == (
        "表二「行政处罚」「本年处理决定数量」的汇总数不完整：某省某市丙县的某省某市丙县第2局、某省某市乙县的某省某市乙县第2局、"
        "某省某市甲县的某省某市甲县第2局的该项无法读取，未计入（已计入9个单位）")
    assert [f.rule for f in city.summary_findings] == [f.rule for f in direct.summary_findings]


def test_the_city_counts_each_countys_units_and_lists_what_each_county_must_chase(city, levels):
    batch = city.batch
    assert batch.headline() == "汇总2024年度：计入下级汇总表3个（共含10个单位）和单位报告2个，合计12个单位；5份报告中通过5个"
    rows = [(s.category, s.unit, s.file, s.via) for s in batch.submissions]
    assert [r for r in rows if r[0] == MISSING] == [
        (MISSING, f"{CITY}{c}未报送局", "", f"{c}汇总.xlsx") for c in ("丙县", "乙县", "甲县")]
    assert [r for r in rows if r[0] == LOWER] == [
        (LOWER, f"{CITY}{c}", f"{c}汇总.xlsx", "") for c in ("丙县", "乙县", "甲县")]
    # 甲县's first unit reported to the city too: counted once, in 甲县's 汇总.
    assert [(r[0], r[1], r[2]) for r in rows if r[0] == DUPLICATE] == [(DUPLICATE, f"{CITY}甲县第1局", "甲县第1局.xlsx")]
    assert batch.outcome["甲县第1局.xlsx"] == "未采用：已含在下级汇总表中"
    note = next(s.note for s in batch.submissions if s.category == LOWER and s.unit.endswith("甲县"))
    assert note == "下级汇总表，计入4个单位（县级部门4个）；其报送情况1项列在本表（见“来自”）"
    # Every input file is accounted for.
    assert sorted(batch.outcome) == sorted(p.name for p in (levels / "city").iterdir())


def test_a_province_of_cities_of_counties_equals_its_units(city, direct, levels, tmp_path):
    # The province receives the city's 汇总 and, directly, one of 乙县's units.
    shutil.copy(levels / "市汇总.xlsx", tmp_path / "市汇总.xlsx")
    shutil.copy(levels / "units" / "乙县" / "乙县第3局.xlsx", tmp_path / "乙县第3局.xlsx")
    province = merge([tmp_path], tmp_path / "省汇总.xlsx")
    assert province.summary.values == direct.summary.values
    assert province.batch.headline() == "汇总2024年度：计入下级汇总表1个（共含12个单位），合计12个单位；1份报告中通过1个"
    carried = [(s.category, s.unit, s.via) for s in province.batch.submissions if s.category == MISSING]
    assert carried == [(MISSING, f"{CITY}{c}未报送局", f"市汇总.xlsx › {c}汇总.xlsx") for c in ("丙县", "乙县", "甲县")]
    assert [(s.category, s.file, s.note) for s in province.batch.submissions if s.via == "" and s.category == DUPLICATE] == [
        (DUPLICATE, "乙县第3局.xlsx", f"已含在下级汇总表「市汇总.xlsx」中（{CITY}的汇总计入了本单位），本文件未计入，只计一次")]
    assert [f.rule for f in province.summary_findings] == ["H1"]


def test_merge_json_of_a_city_validates_and_says_where_rows_came_from(levels, tmp_path):
    from test_json_output import valid

    result = CliRunner().invoke(main, ["merge", str(levels / "city"), "-o", str(tmp_path / "市.xlsx"), "--json"])
    assert result.exit_code == 1  # the counties' units that did not report: 未报送
    doc = valid(json.loads(result.output))
    lower = {f["file"]: f["units"] for f in doc["files"] if "units" in f}
    assert lower == {"甲县汇总.xlsx": 4, "乙县汇总.xlsx": 3, "丙县汇总.xlsx": 3}
    assert {(s["category"], s["via"]) for s in doc["submissions"] if s["via"]} == {
        ("missing", f"{c}汇总.xlsx") for c in COUNTIES}


# --- an input 汇总 or this inbox's own last run -------------------------------------------------------


def test_the_county_inboxs_own_last_run_is_not_one_more_unit(levels, tmp_path):
    inbox = tmp_path / "甲县收件箱"
    shutil.copytree(levels / "units" / "甲县", inbox)
    merge([inbox], inbox / "2024汇总.xlsx")
    # Run again with another output name: the last run sits beside the unit files it was made from.
    again = merge([inbox], tmp_path / "新汇总.xlsx")
    assert [(s.category, s.file) for s in again.batch.submissions] == [(SKIPPED, "2024汇总.xlsx")]
    assert again.batch.submissions[0].note == (
        "以前汇总本批文件的结果（nianbao merge 的输出）：它计入的4个单位中有4个的文件就在本次输入中，不是下级汇总表，未计入")
    assert again.batch.headline() == "汇总2024年度：计入4个单位（通过3个、有警告1个）"
    # Some units' files removed since: still the inbox's own run while half its units are here.
    for name in ("甲县第3局.xlsx", "甲县第4局.xlsx"):
        (inbox / name).unlink()
    assert [s.category for s in merge([inbox], None).batch.submissions] == [SKIPPED]


def test_a_county_summary_beside_one_of_its_units_is_an_input(levels, tmp_path):
    shutil.copy(levels / "city" / "乙县汇总.xlsx", tmp_path)
    shutil.copy(levels / "units" / "乙县" / "乙县第2局.xlsx", tmp_path)
    result = merge([tmp_path], None)
    assert [(s.category, s.file) for s in result.batch.submissions if s.category in (SKIPPED, DUPLICATE, LOWER)] == [
        (DUPLICATE, "乙县第2局.xlsx"), (LOWER, "乙县汇总.xlsx")]
    assert [u.record.units for u in result.batch.counted] == [3]


def test_a_county_summary_sent_with_all_its_units_files_is_the_level_below_counted_once(levels, direct, tmp_path):
    """A mistake: 乙县 sends the city its 汇总 and every unit's file too. Beside the other counties' 汇总s and
    the city's own departments it is not this inbox's last run: the 汇总 is counted, the files said."""
    inbox = shutil.copytree(levels / "city", tmp_path / "city")
    for p in sorted((levels / "units" / "乙县").glob("*.xlsx")):
        shutil.copy(p, inbox / p.name)
    result = merge([inbox], tmp_path / "市.xlsx")
    assert result.summary.values == direct.summary.values
    assert result.summary.meta.region == CITY
    assert [(s.category, s.file, s.note) for s in result.batch.submissions if s.category == DUPLICATE and s.file.startswith("乙县")] == [
        (DUPLICATE, f"乙县第{n}局.xlsx", f"已含在下级汇总表「乙县汇总.xlsx」中（{CITY}乙县的汇总计入了本单位），本文件未计入，只计一次")
        for n in (1, 2, 3)]
    # 乙县's own 报送情况 still carries up: its unit that did not report.
    assert (MISSING, f"{CITY}乙县未报送局", "乙县汇总.xlsx") in [(s.category, s.unit, s.via) for s in result.batch.submissions]
    assert not [s for s in result.batch.submissions if s.category == SKIPPED]
    # The 汇总's coverage line counts this level's files, not what the counties list.
    from nianbao.merge.summary import coverage

    assert "未计入的文件：重复报送4个（详见「报送情况」）。" in coverage(result.batch, result.summary)


def test_a_county_summary_with_its_units_files_beside_another_countys_is_the_level_below_without_regions(tmp_path):
    """Counties merged from inputs that state no area (a form's export, sheets): the other county's 汇总,
    of units the first does not count, says the inbox is a city's."""
    for county in ("甲县", "乙县"):
        for i in range(2):
            unit_book(tmp_path / county / f"{county}第{i + 1}局.xlsx", f"{county}第{i + 1}局", one_application(), region="")
        merge([tmp_path / county], tmp_path / "city" / f"{county}汇总.xlsx")
    for p in sorted((tmp_path / "甲县").glob("*.xlsx")):
        shutil.copy(p, tmp_path / "city" / p.name)
    result = merge([tmp_path / "city"], None)
    assert [(s.category, s.file) for s in result.batch.submissions if s.category in (SKIPPED, DUPLICATE, LOWER)] == [
        (DUPLICATE, "甲县第1局.xlsx"), (DUPLICATE, "甲县第2局.xlsx"), (LOWER, "乙县汇总.xlsx"), (LOWER, "甲县汇总.xlsx")]
    assert result.summary.values["t3.new.total"] == 4


def test_a_county_of_a_form_export_names_its_area_with_region(levels, tmp_path):
    """A form's export has no 所属地区 column: merge says so, --region names the 汇总's area, and the city's
    roster then finds the county by it."""
    from nianbao.sources import read_report

    yi = [read_report(p) for p in sorted((levels / "units" / "乙县").glob("*.xlsx"))]
    flat_table(tmp_path / "表单.csv", yi, "dash")
    out = tmp_path / "乙县" / "乙县汇总.xlsx"
    result = CliRunner().invoke(main, ["merge", str(tmp_path / "表单.csv"), "-o", str(out)])
    assert "汇总表的地区未填写（各单位的报告中没有）：上级汇总本表时按年度和地区对应，请用 --region 地区 指定后重新汇总" in result.output
    assert merge([out], None).batch.units[0].display == "乙县汇总"  # only its file names it
    result = CliRunner().invoke(main, ["merge", str(tmp_path / "表单.csv"), "-o", str(out), "--region", f"{CITY}乙县"])
    assert result.exit_code == 0, result.output
    assert "未填写" not in result.output
    city = merge([out.parent], None, roster=Roster.from_names(["乙县"]))
    assert [(s.category, s.unit) for s in city.batch.submissions if s.category in (FUZZY, MISSING)] == [(FUZZY, "乙县")]
    assert city.batch.units[0].name == f"{CITY}乙县"


def test_a_summary_changed_by_hand_after_the_merge_is_not_used(levels, tmp_path):
    for county in COUNTIES:
        shutil.copy(levels / "city" / f"{county}汇总.xlsx", tmp_path)
    book = openpyxl.load_workbook(tmp_path / "乙县汇总.xlsx")
    cell = layout_of(F2021).summary_addresses["t3.new.total"].split("!")[1]
    book["汇总"][cell] = book["汇总"][cell].value + 5  # the 明细 says otherwise
    book.save(tmp_path / "乙县汇总.xlsx")
    result = merge([tmp_path], None)
    bad = [(s.category, s.file, s.note) for s in result.batch.submissions if s.category == UNREADABLE]
    assert bad == [(UNREADABLE, "乙县汇总.xlsx",
                    (f"汇总表的汇总数与「明细」中各单位之和不一致（汇总!{cell}汇总数8、明细之和3），可能在汇总后被改动过；"
                     "不知道哪个是对的，未计入。请报送单位重新汇总后再报送"))]
    assert result.batch.headline().endswith("另有1个文件无法读取")
    assert sum(u.record.units for u in result.batch.counted) == 7


def test_a_summary_whose_detail_sheet_was_removed_is_not_used(levels, tmp_path):
    book = openpyxl.load_workbook(levels / "city" / "丙县汇总.xlsx")
    del book["明细"]
    book.save(tmp_path / "丙县汇总.xlsx")
    result = merge([tmp_path], None)
    assert result.batch.units[0].record.error == "汇总表中没有「明细」工作表（可能被删除），无法核对各单位；请用原汇总表或重新汇总"


# --- last year, across levels ------------------------------------------------------------------------


def test_last_year_works_across_levels(levels, tmp_path):
    last = tmp_path / "2023"
    for county, n in COUNTIES.items():
        _county_units(last / "units" / county, county, n, year=2023)
        merge([last / "units" / county], last / "city" / f"{county}汇总.xlsx")
    # 乙县's units carried 1 application each into 2024, but last year's 乙县 carried none forward: Y1 on 乙县's row.
    book = last / "units" / "乙县"
    for p in sorted(book.glob("*.xlsx")):
        wb = openpyxl.load_workbook(p)
        for col in "DJ":
            wb["表三"][f"{col}29"] = 0
            wb["表三"][f"{col}28"] = wb["表三"][f"{col}28"].value + 1
            wb["表三"][f"{col}7"] = wb["表三"][f"{col}7"].value + 1
        wb.save(p)
    merge([last / "units" / "乙县"], last / "city" / "乙县汇总.xlsx")
    merge([last / "city"], last / "市汇总.xlsx")
    from_city = merge([levels / "city"], None, last_year=last / "市汇总.xlsx")
    from_counties = merge([levels / "city"], None, last_year=[last / "city"])
    for result in (from_city, from_counties):
        y1 = [(u.display, f.rule, f.address) for u in result.batch.units for f in u.findings if f.rule == "Y1"]
        assert y1 == [(f"{CITY}乙县", "Y1", layout_of(F2021).summary_addresses["t3.carried_over.total"]),
                      (f"{CITY}乙县", "Y1", layout_of(F2021).summary_addresses["t3.carried_over.natural_person"])], y1
        # Last year's counties line up with this year's; the 市直 departments had no data last year.
        assert [s.unit for s in result.batch.submissions if s.category == "无上年数据"] == [f"{CITY}市教育局", f"{CITY}市财政局"]


# --- any mixture ---------------------------------------------------------------------------------------


def test_any_mixture_of_shapes_gives_the_totals_of_the_unit_files(levels, direct, tmp_path):
    """甲县 as its 汇总; 乙县's units as a flat table (CSV); 丙县's as sub-unit sheets; 市直 as files."""
    shutil.copy(levels / "city" / "甲县汇总.xlsx", tmp_path)
    from nianbao.sources import read_report

    yi = [read_report(p) for p in sorted((levels / "units" / "乙县").glob("*.xlsx"))]
    flat_table(tmp_path / "乙县表单.csv", yi, "rows", encoding="gbk")
    bing = [read_report(p) for p in sorted((levels / "units" / "丙县").glob("*.xlsx"))]
    sheets_book(tmp_path / "丙县各单位.xlsx", bing, "side")
    for p in (levels / "units" / "市直").glob("*.xlsx"):
        shutil.copy(p, tmp_path)
    mixed = merge([tmp_path], tmp_path / "汇总.xlsx")
    assert mixed.summary.values == direct.summary.values
    assert sum(u.record.units for u in mixed.batch.counted) == 12
    # Every file, sheet and row is accounted for: a unit (its part named), or a row of 报送情况.
    parts = sorted(u.record.where for u in mixed.batch.counted)
    assert parts == sorted(["甲县汇总.xlsx", "市财政局.xlsx", "市教育局.xlsx"]
                           + [f"乙县表单.csv（第{n}行）" for n in (4, 5, 6)]
                           + [f"丙县各单位.xlsx（工作表「单位{n}」）" for n in (1, 2, 3)])
    assert sorted({s.file.split("（")[0] for s in mixed.batch.submissions} - {""}) == ["丙县各单位.xlsx", "乙县表单.csv", "甲县汇总.xlsx"]


def test_a_summary_changed_inside_its_package_is_caught_too(levels, tmp_path):
    """Not opened in a spreadsheet program: one total rewritten in the sheet's XML. The seal over the 汇总
    sheet no longer holds, so its 明细 is read and does not add up."""
    from hostile import patch_sheet, replace_cell

    cell = layout_of(F2021).summary_addresses["t2.licensing.decisions"].split("!")[1]
    untouched = merge([levels / "city" / "丙县汇总.xlsx"], None)
    assert untouched.batch.counted[0].record.units == 3
    patched = patch_sheet(shutil.copy(levels / "city" / "丙县汇总.xlsx", tmp_path / "丙县汇总.xlsx"), "汇总",
                          replace_cell(cell, f'<c r="{cell}" s="1"><v>99</v></c>'))
    result = merge([patched], None)
    assert result.batch.units[0].record.error.startswith(f"汇总表的汇总数与「明细」中各单位之和不一致（汇总!{cell}汇总数99、明细之和6）")


def test_the_list_of_units_is_sealed_and_hidden(city, levels):
    book = openpyxl.load_workbook(levels / "市汇总.xlsx")
    sheet = book["_nianbao_units"]
    assert sheet.sheet_state == "hidden"
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("unit", "name", "level", "government_own", "via", "unknown")
    assert rows[1] == (f"{CITY}丙县第1局", f"{CITY}丙县第1局", "县级部门", "否", "丙县汇总.xlsx", None)
    assert rows[2][5] == "t2.punishment.decisions"  # 第2局 typed 十二: unknown, carried up
    assert len(rows) == 1 + 12 + 1 and rows[-1][0] == "#sha256" and len(rows[-1][1]) == 64


def test_the_demo_merges_one_example_of_each_shape(tmp_path):
    from nianbao.examples import shape_reports
    from nianbao.workbook.build import write_report

    result = CliRunner().invoke(main, ["demo", "-o", str(tmp_path / "demo")])
    assert result.exit_code == 0, result.output
    assert ("已汇总：" + str(tmp_path / "demo" / "形状示例汇总.xlsx") + "（汇总2024年度：计入下级汇总表1个（共含2个单位）和单位报告4个，"
            "合计6个单位；5份报告中通过5个）") in result.output.replace("\n", "")
    shapes = sorted(p.name for p in (tmp_path / "demo" / "形状示例").iterdir())
    assert shapes == ["某局各科室.xlsx", "甲县汇总.xlsx", "镇街表单导出.csv"]
    for r in shape_reports():
        write_report(r, tmp_path / "units" / f"{r.meta.name}.xlsx")
    mixed = merge([tmp_path / "demo" / "形状示例"], None)
    assert mixed.summary.values == merge([tmp_path / "units"], None).summary.values
    assert mixed.summary.meta.region == "某省示例市"

"""Sub-unit sheets: a workbook whose sheets are separate units' reports, found by the label search (issue 13)."""

from __future__ import annotations

import json

import openpyxl
import pytest
from click.testing import CliRunner
from shapebooks import LAYOUTS, sheets_book, total_sheet
from unitbooks import one_application, unit_book, unit_report

from nianbao.check import check
from nianbao.cli import main
from nianbao.formats import F2021
from nianbao.merge import merge
from nianbao.merge.batch import SEVERAL, SKIPPED
from nianbao.report import Report
from nianbao.sources import read_parts

OFFICES = [
    unit_report("某县某局办公室", {**one_application(), "t2.licensing.decisions": 3, "t4.review.upheld": 1, "t4.review.total": 1}),
    unit_report("某县某局执法大队", {**one_application("business", "partial"), "t3.total.total": 2, "t2.fees.amount": 0.5},
                raw={"t2.coercion.decisions": "5件"}),
    unit_report("某县某局信息中心", {**one_application("research", "refused_secret"), "t2.normative.issued": 1,
                                  "t2.normative.in_force": 4}),
]


def _direct(tmp_path):
    for i, r in enumerate(OFFICES):
        unit_book(tmp_path / "单位" / f"{i}.xlsx", r.meta.name, {c: v for c, v in r.values.items() if v is not None}, raw=r.raw)
    return merge([tmp_path / "单位"], None)


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("titled", [True, False])
def test_each_sheet_is_a_unit_and_the_totals_are_the_unit_files(layout, titled, tmp_path):
    book = sheets_book(tmp_path / "某局.xlsx", OFFICES, layout, titled=titled, extra={"说明": [["各科室分别填报"]]})
    result = merge([book], tmp_path / "汇总.xlsx")
    direct = _direct(tmp_path)
    assert result.summary.values == direct.summary.values
    names = [o.meta.name for o in OFFICES] if titled else [o.meta.name[-8:] for o in OFFICES]
    assert sorted(u.display for u in result.batch.units) == sorted(names)
    sheet = "单位2" if titled else names[1]
    bureau = next(u for u in result.batch.units if u.record.part == f"工作表「{sheet}」")
    assert bureau.record.where == f"某局.xlsx（工作表「{sheet}」）"
    # The sheet's findings point at its own cells; its table rules are those of the same report in a file.
    assert [(f.rule, f.address) for f in bureau.findings if f.rule == "N4"] == [("N4", f"{sheet}!B14")]
    file_rules = [f.rule for f in check(_report(tmp_path, 1)) if f.rule.startswith(("T", "N"))]
    assert [f.rule for f in bureau.findings if f.rule.startswith(("T", "N"))] == file_rules
    listed = [(s.category, s.unit, s.file) for s in result.batch.submissions]
    assert (SKIPPED, "", "某局.xlsx（工作表「说明」）") in listed
    assert sorted(x for x in listed if x[0] == SEVERAL) == sorted(
        (SEVERAL, u.display, u.record.where) for u in result.batch.units)


def _report(tmp_path, i: int) -> Report:
    from nianbao.sources import read_report

    return read_report(tmp_path / "单位" / f"{i}.xlsx")


def test_a_total_sheet_is_compared_with_the_sheets_and_not_counted(tmp_path):
    book = sheets_book(tmp_path / "某局.xlsx", OFFICES[:2])
    summed = {cid: sum(o.number(cid) or 0 for o in OFFICES[:2]) for cid in F2021.cell_ids}
    summed["t2.coercion.decisions"] = 5  # 执法大队 typed "5件": read as 5
    total_sheet(book, "合计", Report.from_numbers(summed, name="合计", year=2024))
    wrong = dict(summed, **{"t3.new.total": summed["t3.new.total"] + 1})
    total_sheet(book, "全局汇总", Report.from_numbers(wrong, name="汇总", year=2024))
    result = merge([book], None)
    assert result.summary.values["t3.new.total"] == 2
    notes = {s.file: s.note for s in result.batch.submissions if s.category == SKIPPED}
    assert notes == {
        "某局.xlsx（工作表「合计」）": "合计表，不是单位，未计入；与各单位之和一致",
        "某局.xlsx（工作表「全局汇总」）": "合计表，不是单位，未计入；与各单位之和不一致（全局汇总!J23合计3、各单位之和2），请核对",
    }
    assert openpyxl.load_workbook(book)["全局汇总"]["J23"].value == 3  # the cell the note names


def test_a_sheet_whose_table_three_label_is_mistyped_is_a_unit_with_table_three_unread(tmp_path):
    book = sheets_book(tmp_path / "某局.xlsx", OFFICES, "stacked")
    wb = openpyxl.load_workbook(book)
    typo = next(c for row in wb["单位3"].iter_rows() for c in row if c.value == "（一）予以公开")
    typo.value = "（一）予与公开"
    wb.save(book)
    result = merge([book], None)
    office = next(u for u in result.batch.units if u.record.part == "工作表「单位3」")
    assert office.display == "某县某局信息中心"  # a unit, never a sheet passed over
    assert [(f.rule, f.message) for f in office.findings if f.rule == "C1"] == [
        ("C1", "工作表「单位3」中没有找到表三（三、收到和处理政府信息公开申请情况）：按标签查找不到该表的行和列")]
    assert result.summary.values["t2.normative.in_force"] == 4  # its 表二 counted
    h1 = [f for f in result.summary_findings if f.rule == "H1" and f.cells[0].id == "t3.new.total"]
    assert h1 and "某县某局信息中心的该项无法读取" in h1[0].message
    assert not [s for s in result.batch.submissions if s.category == SKIPPED]


def test_a_workbook_of_one_units_template_stays_one_unit(tmp_path):
    path = unit_book(tmp_path / "甲局.xlsx", "示例县甲局", one_application())
    parts = read_parts(path)
    assert (parts.shape, [p.part for p in parts.parts]) == ("one", [""])
    result = merge([path], None)
    assert [(u.display, u.record.where) for u in result.batch.units] == [("示例县甲局", "甲局.xlsx")]
    assert [s.category for s in result.batch.submissions] == []


def test_check_reports_each_sheet_like_a_file(tmp_path):
    book = sheets_book(tmp_path / "某局.xlsx", OFFICES, "side")
    result = CliRunner().invoke(main, ["check", str(book)])
    assert result.exit_code == 1, result.output  # 执法大队's 总计 is off: the report's own error
    lines = result.output.splitlines()
    assert f"某县某局执法大队 2024年  {book}（工作表「单位2」）" in lines

    assert lines[-1] == "共1个文件（3项）：通过2个、有错误1个"
    doc = json.loads(CliRunner().invoke(main, ["check", str(book), "--json"]).output)
    from test_json_output import valid

    valid(doc)
    assert [(f["part"], f["status"]) for f in doc["files"]] == [
        ("工作表「单位1」", "passed"), ("工作表「单位2」", "errors"), ("工作表「单位3」", "passed")]
    bureau = doc["files"][1]
    errors = [(f["rule"], f["cells"][0][1]) for f in bureau["findings"] if f["severity"] == "error"]
    assert {rule for rule, _ in errors} == {"T3-ID", "T3-V", "T3-H"}
    # Each at the sheet's own cell: the 总计 of （七）总计 the unit typed as 2.
    ws = openpyxl.load_workbook(book)["单位2"]
    assert all(address.startswith("单位2!") for _, address in errors)
    assert ws[dict(errors)["T3-V"].split("!")[1]].value == 2

def test_thousands_of_sheets_are_refused_in_plain_words(tmp_path):
    """Past read.MAX_SHEETS a workbook is refused before any sheet is read (past 5,000 parts, 10,000 sheets,
    its package already is: test_hostile_read)."""
    import xlsxwriter

    book = xlsxwriter.Workbook(str(tmp_path / "多.xlsx"))
    for i in range(1_001):
        book.add_worksheet(f"S{i}").write(0, 0, "表三")
    book.close()
    result = merge([tmp_path / "多.xlsx", unit_book(tmp_path / "甲.xlsx", "示例县甲局", one_application())], None)
    assert [(u.display, u.record.error) for u in result.batch.units] == [
        ("示例县甲局", None),
        ("多", "工作簿有1,001个工作表，超出年报工作簿的合理范围（上限1,000个），未读取；请把各单位的报告分成几个工作簿，或每个单位一个文件"),
    ]


def test_a_package_of_ten_thousand_sheets_is_refused_before_it_is_read(tmp_path):
    import zipfile

    book = sheets_book(tmp_path / "多.xlsx", OFFICES[:1])
    with zipfile.ZipFile(book, "a") as z:
        for i in range(10_000):
            z.writestr(f"xl/worksheets/sheet{i + 100}.xml", "<worksheet/>")
    result = merge([book], None)
    assert result.batch.units[0].record.error == "压缩包内有10,009个部件，远超任何年报文件（上限5,000个）；可能已损坏或不是年报，未读取"

"""nianbao.merge: totals, 报送情况 categories, equivalence with the single-file checker, the workbook."""

from __future__ import annotations

import hashlib
import zipfile
from pathlib import Path

import openpyxl
import pytest
import python_calamine
from unitbooks import YEAR, one_application, unit_book

from nianbao.check import check
from nianbao.errors import SourceError
from nianbao.examples import EXAMPLES
from nianbao.formats import F2021
from nianbao.merge import collect, merge, summarise
from nianbao.merge.batch import DUPLICATE, FUZZY, MISSING, SKIPPED, UNKNOWN, UNREADABLE, WRONG_YEAR
from nianbao.merge.roster import Roster, RosterEntry, read_roster
from nianbao.merge.summary import stock_note
from nianbao.report import Verdict, findings_table
from nianbao.sources import read_report
from nianbao.workbook.build import write_report
from nianbao.workbook.layout import layout_of
from nianbao.workbook.read import read_workbook

# Four units with hand-picked, consistent numbers (each passes every rule on its own).
TOWN_A = {
    "t3.new.natural_person": 3, "t3.new.total": 3,
    "t3.disclosed.natural_person": 2, "t3.disclosed.total": 2,
    "t3.partial.natural_person": 1, "t3.partial.total": 1,
    "t3.total.natural_person": 3, "t3.total.total": 3,
    "t2.normative.issued": 2, "t2.normative.in_force": 10,
    "t2.licensing.decisions": 40, "t2.fees.amount": 1.25,
}
BUREAU_B = {
    "t3.new.business": 4, "t3.new.total": 4,
    "t3.carried_over.business": 1, "t3.carried_over.total": 1,
    "t3.unavailable_not_held.business": 3, "t3.unavailable_not_held.total": 3,
    "t3.total.business": 3, "t3.total.total": 3,
    "t3.carried_forward.business": 2, "t3.carried_forward.total": 2,
    "t4.review.upheld": 1, "t4.review.total": 1,
    "t2.normative.issued": 1, "t2.normative.repealed": 1, "t2.normative.in_force": 7,
    "t2.punishment.decisions": 12, "t2.fees.amount": 0.5,
}
BUREAU_C = {
    "t3.new.natural_person": 1, "t3.new.total": 1,
    "t3.unprocessed_repeat.natural_person": 1, "t3.unprocessed_repeat.total": 1,
    "t3.total.natural_person": 1, "t3.total.total": 1,
    "t4.direct.corrected": 1, "t4.direct.total": 1,
    "t2.coercion.decisions": 2, "t2.normative.in_force": 3,
}
TOWN_D: dict = {}
# Summed by hand, cell by cell; every cell not listed is 0.
HAND_TOTALS = {
    "t3.new.natural_person": 4, "t3.new.business": 4, "t3.new.total": 8,
    "t3.carried_over.business": 1, "t3.carried_over.total": 1,
    "t3.disclosed.natural_person": 2, "t3.disclosed.total": 2,
    "t3.partial.natural_person": 1, "t3.partial.total": 1,
    "t3.unavailable_not_held.business": 3, "t3.unavailable_not_held.total": 3,
    "t3.unprocessed_repeat.natural_person": 1, "t3.unprocessed_repeat.total": 1,
    "t3.total.natural_person": 4, "t3.total.business": 3, "t3.total.total": 7,
    "t3.carried_forward.business": 2, "t3.carried_forward.total": 2,
    "t4.review.upheld": 1, "t4.review.total": 1,
    "t4.direct.corrected": 1, "t4.direct.total": 1,
    "t2.normative.issued": 3, "t2.normative.repealed": 1, "t2.normative.in_force": 20,
    "t2.licensing.decisions": 40, "t2.punishment.decisions": 12, "t2.coercion.decisions": 2,
    "t2.fees.amount": 1.75,
}
NAMES = ("示例县甲镇人民政府", "示例县乙局", "示例县丙局", "示例县丁镇人民政府")


@pytest.fixture(scope="module")
def four_units(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("four") / "收件箱"
    (folder / "乡镇").mkdir(parents=True)
    (folder / "部门").mkdir()
    unit_book(folder / "乡镇" / "甲镇.xlsx", NAMES[0], TOWN_A, level="乡镇/街道")
    unit_book(folder / "部门" / "乙局.xlsx", NAMES[1], BUREAU_B)
    unit_book(folder / "部门" / "丙局.xlsx", NAMES[2], BUREAU_C)
    unit_book(folder / "乡镇" / "丁镇.xlsx", NAMES[3], TOWN_D, level="乡镇/街道")
    return folder


@pytest.fixture(scope="module")
def four_merged(four_units, tmp_path_factory):
    out = tmp_path_factory.mktemp("four-out") / "汇总.xlsx"
    return merge([four_units], out, roster=Roster.from_names(list(NAMES)))


def test_totals_equal_the_hand_sum_cell_by_cell(four_merged):
    expected = {cid: HAND_TOTALS.get(cid, 0) for cid in F2021.cell_ids}
    assert four_merged.summary.values == expected
    assert four_merged.summary.meta.year == YEAR
    assert four_merged.summary_findings == []
    assert [u.status.label for u in four_merged.batch.units] == ["通过"] * 4


def test_summary_sheet_reread_by_the_reader_equals_the_summary(four_merged):
    reread = read_workbook(four_merged.output)
    assert reread.values == four_merged.summary.values
    # Read as what it is, the county's totals: where the merge put them, no 单位信息 to miss (issue 9 #23).
    assert reread.findings == []
    assert (reread.meta.summary, reread.meta.title) == (True, "某省示例县2024年政府信息公开工作年度报告汇总")
    # Found by labels on the 汇总 sheet, exactly where the summary says its totals are.
    assert {cid: reread.addresses[cid] for cid in F2021.cell_ids} == layout_of(F2021).summary_addresses
    assert layout_of(F2021).summary_addresses["t3.new.total"] == "汇总!J26"


def test_summary_sheet_says_what_the_totals_cover(four_merged):
    rows = _sheet(four_merged.output, "汇总")
    texts = [v for row in rows[:5] for v in row if isinstance(v, str) and v]
    assert texts[0] == "某省示例县2024年政府信息公开工作年度报告汇总"
    assert texts[1] == "汇总范围：2024年度报告，计入4个单位（乡镇/街道2个、县级部门2个）；名单4个单位：计入汇总4个（详见「报送情况」）。"
    assert texts[2] == stock_note(F2021)
    assert any(v == "汇总数校验：汇总数符合表二、表三、表四的全部表内校验规则。" for row in rows for v in row)


def test_detail_sheet_one_row_per_unit_in_roster_order(four_merged):
    rows = _sheet(four_merged.output, "明细")
    ids = rows[0]
    assert ids[:2] == ["unit", "status"] and ids[11:] == list(F2021.cell_ids)
    assert rows[1][0] == "单位" and rows[1][11] == "表二" and rows[3][11] == "本年制发件数"
    data = rows[4:]
    assert [r[0] for r in data] == list(NAMES)
    new_total = ids.index("t3.new.total")
    assert [r[new_total] for r in data] == [3, 4, 1, 0]
    ws = openpyxl.load_workbook(four_merged.output)["明细"]
    assert ws.freeze_panes == "B5"
    assert ws.auto_filter.ref == f"A4:{openpyxl.utils.get_column_letter(len(ids))}8"


def test_charts_are_native_excel_charts(four_merged):
    with zipfile.ZipFile(four_merged.output) as z:
        charts = sorted(n for n in z.namelist() if n.startswith("xl/charts/chart"))
    assert charts == ["xl/charts/chart1.xml", "xl/charts/chart2.xml", "xl/charts/chart3.xml"]
    chart_rows = _sheet(four_merged.output, "图表")
    outcome = {r[0]: r[1] for r in chart_rows[2:8]}
    assert outcome == {"（一）予以公开": 2, "（二）部分公开": 1, "（三）不予公开": 0, "（四）无法提供": 3,
                       "（五）不予处理": 1, "（六）其他处理": 0}


def test_collect_returns_one_row_per_unit(four_units):
    frame = collect([four_units], roster=Roster.from_names(list(NAMES)))
    assert list(frame["unit"]) == list(NAMES)
    assert list(frame["status"]) == ["passed"] * 4  # Verdict values: English for programs
    assert list(frame["t3.new.total"]) == [3.0, 4.0, 1.0, 0.0]
    assert {"meta.level", "errors", "warnings", "counted", *F2021.cell_ids} <= set(frame.columns)
    assert summarise(frame, year=YEAR).values["t3.total.total"] == 7


def test_output_is_deterministic_and_inputs_untouched(four_units, tmp_path):
    before = _hashes(four_units)
    merge([four_units], tmp_path / "a.xlsx", roster=Roster.from_names(list(NAMES)))
    merge([four_units], tmp_path / "b.xlsx", roster=Roster.from_names(list(NAMES)))
    assert (tmp_path / "a.xlsx").read_bytes() == (tmp_path / "b.xlsx").read_bytes()
    assert _hashes(four_units) == before


def test_libreoffice_converts_the_output_to_pdf(four_merged, convert):
    pdf = convert(four_merged.output, "pdf")
    assert pdf.stat().st_size > 10_000


# --- 报送情况: one fixture per category ------------------------------------------------------------


def _categories(result) -> list[tuple[str, str, str]]:
    return [(s.category, s.unit, s.file) for s in result.batch.submissions]


def test_missing_unit_is_listed(tmp_path):
    unit_book(tmp_path / "in" / "甲.xlsx", "示例县甲局", one_application())
    result = merge([tmp_path / "in"], tmp_path / "汇总.xlsx", roster=Roster.from_names(["示例县甲局", "示例县乙局"]))
    assert _categories(result) == [(MISSING, "示例县乙局", "")]
    assert result.summary.values["t3.new.total"] == 1
    assert _sheet(tmp_path / "汇总.xlsx", "报送情况")[3][:3] == [MISSING, "示例县乙局", ""]


def test_unit_not_on_the_roster_is_listed_and_counted(tmp_path):
    unit_book(tmp_path / "in" / "甲.xlsx", "示例县甲局", one_application())
    unit_book(tmp_path / "in" / "戊.xlsx", "示例县戊局", one_application())
    result = merge([tmp_path / "in"], tmp_path / "汇总.xlsx", roster=Roster.from_names(["示例县甲局"]))
    assert _categories(result) == [(UNKNOWN, "示例县戊局", "戊.xlsx")]
    assert result.summary.values["t3.new.total"] == 2
    assert [u.display for u in result.batch.units] == ["示例县甲局", "示例县戊局"]


def test_duplicate_uses_the_later_modified_file_and_says_why(tmp_path):
    unit_book(tmp_path / "in" / "甲局-初稿.xlsx", "示例县甲局", one_application(), mtime=1_700_000_000)
    unit_book(tmp_path / "in" / "甲局-修改稿.xlsx", "示例县甲局", {**one_application(), "t2.licensing.decisions": 5},
              mtime=1_700_086_400)
    result = merge([tmp_path / "in"], tmp_path / "汇总.xlsx")
    assert _categories(result) == [(DUPLICATE, "示例县甲局", "甲局-初稿.xlsx")]
    note = result.batch.submissions[0].note
    assert note.startswith("采用修改时间较晚的「甲局-修改稿.xlsx」")
    assert result.summary.values["t2.licensing.decisions"] == 5
    assert result.batch.outcome == {"甲局-修改稿.xlsx": "已汇总", "甲局-初稿.xlsx": "未采用：重复"}


def test_government_own_report_is_counted_once(tmp_path):
    unit_book(tmp_path / "in" / "县政府.xlsx", "示例县人民政府", one_application(), level="县级政府",
              government_own=True, mtime=1_700_000_000)
    unit_book(tmp_path / "in" / "县政府办.xlsx", "示例县人民政府办公室", one_application(), level="县级政府",
              government_own=True, mtime=1_700_000_100)
    unit_book(tmp_path / "in" / "甲局.xlsx", "示例县甲局", one_application())
    result = merge([tmp_path / "in"], tmp_path / "汇总.xlsx")
    assert result.summary.values["t3.new.total"] == 2
    assert _categories(result) == [(DUPLICATE, "示例县人民政府办公室", "县政府.xlsx")]
    assert result.batch.submissions[0].note.startswith("均标记为本级人民政府年度报告，只计一次；")
    cover = _sheet(tmp_path / "汇总.xlsx", "汇总")[1][0]
    assert "含本级人民政府年度报告「示例县人民政府办公室」，只计一次" in cover


def test_a_township_answering_yes_to_own_report_does_not_replace_the_county_government(tmp_path):
    # Issue 9 #12: the 镇 clerk answered 是; the merge dropped 县人民政府 as its duplicate and listed it 未报送.
    unit_book(tmp_path / "in" / "县政府.xlsx", "云阳县人民政府", one_application(), level="县级政府",
              government_own=True, mtime=1_700_000_000)
    unit_book(tmp_path / "in" / "南溪镇.xlsx", "云阳县南溪镇人民政府", one_application("business"), level="乡镇/街道",
              government_own=True, mtime=1_700_000_100)
    roster = Roster.from_names(["云阳县人民政府", "云阳县南溪镇人民政府"])
    result = merge([tmp_path / "in"], tmp_path / "汇总.xlsx", roster=roster)
    assert _categories(result) == []
    assert [(u.display, u.own_report, u.status.label) for u in result.batch.units] == [
        ("云阳县人民政府", True, "通过"), ("云阳县南溪镇人民政府", False, "有警告")]
    assert result.summary.values["t3.new.total"] == 2 and result.summary.values["t3.new.business"] == 1
    town = result.batch.units[1]
    assert findings_table(town.findings) == [("M2", "warning", "单位信息!B9")]
    cover = _sheet(tmp_path / "汇总.xlsx", "汇总")[1][0]
    assert "含本级人民政府年度报告「云阳县人民政府」，只计一次" in cover


def test_the_roster_level_designates_the_own_report(tmp_path):
    # The office filed the government's report as a 县级部门; the roster says it is the 县级政府.
    unit_book(tmp_path / "in" / "县政府.xlsx", "示例县人民政府", one_application(), level="县级政府",
              government_own=True, mtime=1_700_000_000)
    unit_book(tmp_path / "in" / "县政府办.xlsx", "示例县人民政府办公室", one_application(), level="县级部门",
              government_own=True, mtime=1_700_000_100)
    alone = merge([tmp_path / "in"], None)
    assert [u.own_report for u in alone.batch.units] == [True, False] and alone.summary.values["t3.new.total"] == 2
    roster = Roster([RosterEntry(0, "示例县人民政府", "县级政府"), RosterEntry(1, "示例县人民政府办公室", "县级政府")])
    designated = merge([tmp_path / "in"], None, roster=roster)
    assert designated.summary.values["t3.new.total"] == 1
    assert _categories(designated) == [(DUPLICATE, "示例县人民政府办公室", "县政府.xlsx")]


def test_wrong_year_is_listed_and_not_counted(tmp_path):
    unit_book(tmp_path / "in" / "甲.xlsx", "示例县甲局", one_application())
    unit_book(tmp_path / "in" / "乙.xlsx", "示例县乙局", one_application())
    unit_book(tmp_path / "in" / "丙-2023.xlsx", "示例县丙局", one_application(), year=2023)
    result = merge([tmp_path / "in"], tmp_path / "汇总.xlsx")
    assert result.batch.year == 2024
    assert _categories(result) == [(WRONG_YEAR, "示例县丙局", "丙-2023.xlsx")]
    assert result.summary.values["t3.new.total"] == 2


def test_a_unit_whose_only_file_is_of_another_year_is_not_also_missing(tmp_path):
    unit_book(tmp_path / "in" / "甲.xlsx", "示例县甲局", one_application())
    unit_book(tmp_path / "in" / "丙-2023.xlsx", "丙局", one_application(), year=2023)
    result = merge([tmp_path / "in"], tmp_path / "汇总.xlsx", roster=Roster.from_names(["示例县甲局", "示例县丙局", "示例县丁局"]))
    assert _categories(result) == [
        (MISSING, "示例县丁局", ""),
        (WRONG_YEAR, "示例县丙局", "丙-2023.xlsx"),
        (FUZZY, "示例县丙局", "丙-2023.xlsx"),
    ]


def test_a_sub_district_named_without_its_office_suffix_matches_the_roster(tmp_path):
    # Issue 9 #13: listed both as 未报送 (the roster's 街道办事处) and as 名单外 (the clerk's 街道).
    unit_book(tmp_path / "in" / "双江.xlsx", "云阳县双江街道", one_application(), level="乡镇/街道")
    result = merge([tmp_path / "in"], None, roster=Roster.from_names(["云阳县双江街道办事处"]))
    assert _categories(result) == [(FUZZY, "云阳县双江街道办事处", "双江.xlsx")]
    assert result.batch.submissions[0].note == (
        "报告中的名称「云阳县双江街道」按名单「云阳县双江街道办事处」匹配：去掉括号内容、统一“人民政府”“街道办事处”等后缀后一致")
    assert [u.display for u in result.batch.units] == ["云阳县双江街道办事处"]


def test_unreadable_files_are_rows_with_their_reason(tmp_path):
    folder = tmp_path / "in"
    unit_book(folder / "甲.xlsx", "示例县甲局", one_application())
    (folder / "空文件.xlsx").write_bytes(b"")
    good = (folder / "甲.xlsx").read_bytes()
    (folder / "半截.xlsx").write_bytes(good[: len(good) // 2])
    (folder / "旧格式.xls").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 2048)
    (folder / "加密.xlsx").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "EncryptionInfo".encode("utf-16-le") + b"\0" * 512)
    (folder / "文本.xlsx").write_text("不是工作簿", encoding="utf-8")
    result = merge([folder], tmp_path / "汇总.xlsx")
    rows = {s.file: s.note for s in result.batch.submissions if s.category == UNREADABLE}
    assert set(rows) == {"空文件.xlsx", "半截.xlsx", "旧格式.xls", "加密.xlsx", "文本.xlsx"}
    assert rows["空文件.xlsx"].startswith("文件是空的（0字节）")
    assert rows["半截.xlsx"].startswith("文件已损坏或没有写完整")
    assert rows["旧格式.xls"].startswith("这是旧版Excel（.xls）")
    assert rows["加密.xlsx"].startswith("工作簿设置了打开密码")
    assert rows["文本.xlsx"].startswith("不是Excel工作簿")
    kinds = {u.record.relative: u.record.error_kind for u in result.batch.units if not u.readable}
    assert kinds == {"空文件.xlsx": "EmptyFile", "半截.xlsx": "CorruptWorkbook", "旧格式.xls": "LegacyXls",
                     "加密.xlsx": "EncryptedWorkbook", "文本.xlsx": "NotAWorkbook"}
    detail = _sheet(tmp_path / "汇总.xlsx", "明细")[4:]
    assert sorted(r[1] for r in detail) == ["无法读取"] * 5 + ["通过"]
    assert result.summary.values["t3.new.total"] == 1


def test_lock_files_and_the_output_itself_are_skipped(tmp_path):
    folder = tmp_path / "in"
    unit_book(folder / "甲.xlsx", "示例县甲局", one_application())
    (folder / "~$甲.xlsx").write_bytes(b"\0" * 165)
    first = merge([folder], folder / "汇总.xlsx")
    assert [r.relative for r in first.batch.records] == ["甲.xlsx"]
    again = merge([folder], folder / "汇总.xlsx")  # the earlier output is this run's output: skipped
    assert [r.relative for r in again.batch.records] == ["甲.xlsx"]
    assert [(s.category, s.file) for s in again.batch.submissions] == [(SKIPPED, "~$甲.xlsx"), (SKIPPED, "汇总.xlsx")]
    other = merge([folder], tmp_path / "另一个汇总.xlsx")  # a merge output under another name: recognised
    assert [(s.category, s.file) for s in other.batch.submissions] == [(SKIPPED, "~$甲.xlsx"), (SKIPPED, "汇总.xlsx")]
    assert other.summary.values["t3.new.total"] == 1


def test_files_the_caller_names_are_skipped_with_its_reason(tmp_path):
    folder = tmp_path / "in"
    unit_book(folder / "甲.xlsx", "示例县甲局", one_application())
    unit_book(folder / "设置.xlsx", "示例县乙局", one_application())
    result = merge([folder], None, skip={tmp_path / "in" / ".." / "in" / "设置.xlsx": "发起汇总的工作簿"})
    assert [r.relative for r in result.batch.records] == ["甲.xlsx"]
    assert [(s.category, s.file, s.note) for s in result.batch.submissions] == [(SKIPPED, "设置.xlsx", "发起汇总的工作簿")]


def test_fuzzy_roster_matches_are_reported(tmp_path):
    unit_book(tmp_path / "in" / "a.xlsx", "峰灵镇", one_application(), level="乡镇/街道")
    unit_book(tmp_path / "in" / "b.xlsx", "巫溪县市场监管局", one_application())
    unit_book(tmp_path / "in" / "c.xlsx", "巫溪县人力资源和社会保障局", one_application())
    roster = Roster.from_names(["巫溪县峰灵镇人民政府", "巫溪县市场监督管理局", "巫溪县人力资源和社会保障局"])
    result = merge([tmp_path / "in"], tmp_path / "汇总.xlsx", roster=roster)
    assert [(s.category, s.unit, s.file) for s in result.batch.submissions] == [
        (FUZZY, "巫溪县峰灵镇人民政府", "a.xlsx"),
        (FUZZY, "巫溪县市场监督管理局", "b.xlsx"),
    ]
    assert result.batch.submissions[0].note == "报告中的名称「峰灵镇」按名单「巫溪县峰灵镇人民政府」匹配：名称一个包含另一个（地区前缀不同）"
    assert [u.display for u in result.batch.units] == roster_names(roster)


def roster_names(roster: Roster) -> list[str]:
    return [e.name for e in roster.entries]


@pytest.mark.parametrize("name, expected", [
    ("巫溪县峰灵镇人民政府", (0, True)),
    ("巫溪县 峰灵镇人民政府", (0, True)),
    ("峰灵镇人民政府", (0, False)),
    ("峰灵镇", (0, False)),
    ("巫溪县市场监管局", (1, False)),
    ("县市场监督管理局", (1, False)),
    ("巫溪县政府", (3, False)),
    ("巫溪县ＡＢＣ中心", (None, False)),
    # The usual endings, as data (roster.NAME_ENDINGS): 街道/街道办事处, 镇/镇人民政府, 乡/乡人民政府, 县X局/X局 …
    ("巫溪县双江街道", (4, False)),
    ("双江街道办", (4, False)),
    ("巫溪县龙角乡", (5, False)),
    ("龙角乡政府", (5, False)),
    ("峰灵镇政府", (0, False)),
    ("县财政局", (6, False)),
    ("财政局", (6, False)),
    ("巫溪县发改委", (7, False)),
    ("巫溪县政府办", (2, False)),
])
def test_roster_name_variants(name, expected):
    roster = Roster.from_names(["巫溪县峰灵镇人民政府", "巫溪县市场监督管理局", "巫溪县人民政府办公室", "巫溪县人民政府",
                                "巫溪县双江街道办事处", "巫溪县龙角乡人民政府", "巫溪县财政局", "巫溪县发展和改革委员会"])
    m = roster.match(name)
    assert (m.index, m.exact) == expected


def test_ambiguous_name_is_not_matched(tmp_path):
    roster = Roster.from_names(["示例县教育局", "示例县体育局"])
    m = roster.match("示例县教育和体育局")
    assert m.index is None and m.candidates == (0, 1)


def test_roster_from_gbk_csv_and_workbook_with_title_row(tmp_path):
    csv = tmp_path / "名单.csv"
    csv.write_bytes("序号,单位名称,机关层级,代码\n1,示例县甲局,县级部门,A01\n2,示例县乙镇人民政府,乡镇/街道,B02\n".encode("gb18030"))
    roster = read_roster(csv)
    assert [(e.name, e.level, e.code) for e in roster.entries] == [("示例县甲局", "县级部门", "A01"), ("示例县乙镇人民政府", "乡镇/街道", "B02")]
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["2024年度应报送单位名单"])
    ws.append(["机关名称", "层级"])
    ws.append(["示例县甲局", "县级部门"])
    ws.append([None, None])
    ws.append(["示例县丙局", "县级部门"])
    wb.save(tmp_path / "名单.xlsx")
    assert [e.name for e in read_roster(tmp_path / "名单.xlsx").entries] == ["示例县甲局", "示例县丙局"]


def test_a_roster_csv_keeps_its_codes_as_written_and_is_bounded_like_any_csv(tmp_path, monkeypatch):
    csv = tmp_path / "名单.csv"
    csv.write_text("单位名称,代码\n示例县甲局,007\n示例县乙局,1.50\n", encoding="utf-8-sig")
    assert [(e.name, e.code) for e in read_roster(csv).entries] == [("示例县甲局", "007"), ("示例县乙局", "1.50")]

    monkeypatch.setattr("nianbao.workbook.flat.MAX_CSV_BYTES", 2048)
    csv.write_text("单位名称,代码\n" + "示例县甲局,007\n" * 200, encoding="utf-8")
    with pytest.raises(SourceError) as refused:
        read_roster(csv)
    assert str(refused.value) == f"{csv}：名单文件有4 KB，超出合理大小（上限2 KB），未读取"


# --- equivalence with the single-file checker --------------------------------------------------------


@pytest.fixture(scope="module")
def faulty_folder(tmp_path_factory) -> tuple[Path, Path]:
    """Units with errors of every kind, and last year's reports of some of them."""
    root = tmp_path_factory.mktemp("faulty")
    this, last = root / "2024", root / "2023"
    write_report(EXAMPLES[1].report, this / "市场监管局.xlsx")  # N4, N3, T3-V, T3-H, T4-S, P1, P3, S7
    unit_book(this / "文字.xlsx", "示例县文字局", {**one_application(), "t3.new.total": 2},
              raw={"t3.new.natural_person": "十二", "t2.licensing.decisions": "3件"},
              text={"other": "本机关未收取信息处理费。"})
    unit_book(this / "跨年.xlsx", "示例县跨年局", {
        **one_application(), "t3.carried_over.natural_person": 1, "t3.carried_over.total": 1,
        "t3.carried_forward.natural_person": 1, "t3.carried_forward.total": 1,
        "t2.normative.issued": 2, "t2.normative.in_force": 9,
    })
    unit_book(this / "镇.xlsx", "示例县某镇人民政府", {"t2.rules.in_force": 2, "t4.review.upheld": 1, "t4.review.total": 1},
              level="乡镇/街道")
    moved = this / "挪动.xlsx"
    unit_book(moved, "示例县挪动局", {**one_application(), "t3.total.total": 3})
    wb = openpyxl.load_workbook(moved)
    wb["表三"].insert_rows(3, 2)  # the tables are found by labels: addresses differ from the template's
    wb.save(moved)
    unit_book(last / "跨年.xlsx", "示例县跨年局", {"t3.carried_forward.natural_person": 2, "t3.carried_forward.total": 2,
                                                 "t3.new.natural_person": 2, "t3.new.total": 2,
                                                 "t2.normative.in_force": 5}, year=2023)
    unit_book(last / "镇.xlsx", "示例县某镇人民政府", {}, level="乡镇/街道", year=2023)
    # Text against last year's: one unit copied its report (Y5), one left last year's problems unanswered (Y6).
    published = EXAMPLES[0].report.text
    unit_book(this / "雷同.xlsx", "示例县雷同局", one_application(), text={k: v.replace("2023", "2024") for k, v in published.items()})
    unit_book(last / "雷同.xlsx", "示例县雷同局", {}, year=2023, text=published)
    unit_book(this / "整改.xlsx", "示例县整改局", one_application(), text={
        "overview.intro": "2024年，本局认真贯彻落实《中华人民共和国政府信息公开条例》，各项工作稳步推进。",
        "problems.issues": "一是政策解读形式较为单一。", "problems.improvements": "一是丰富政策解读形式，增加图解和视频解读。",
        "other": "本局2024年未收取信息处理费。",
    })
    unit_book(last / "整改.xlsx", "示例县整改局", {}, year=2023, text={
        "problems.issues": "一是网站栏目更新不及时。二是依申请公开答复文书不够规范。",
        "other": "本局2023年未收取信息处理费。",
    })
    return this, last


def test_findings_equal_the_single_file_checker(faulty_folder, tmp_path):
    this, last = faulty_folder
    result = merge([this], tmp_path / "汇总.xlsx", last_year=[last])
    lasts = {r.meta.name: r for r in (read_report(p) for p in sorted(last.glob("*.xlsx")))}
    seen = set()
    for unit in result.batch.units:
        report = read_report(unit.record.path)
        assert unit.findings == check(report, lasts.get(report.meta.name)), unit.display
        seen |= {f.rule for f in unit.findings}
    assert {"N4", "N3", "T3-V", "T3-H", "T4-S", "P1", "P3", "S7", "T3-ID", "Y1", "Y2", "L1", "P5", "Y5", "Y6"} <= seen
    cross = next(u for u in result.batch.units if u.display == "示例县跨年局")
    assert findings_table(f for f in cross.findings if f.rule.startswith("Y")) == [
        ("Y1", "error", "表三!J6"), ("Y1", "warning", "表三!D6"), ("Y2", "warning", "表二!D5"),
    ]
    moved = next(u for u in result.batch.units if u.display == "示例县挪动局")
    assert [f.address for f in moved.findings if f.rule == "T3-ID"] == ["表三!J31"]  # 表三!J29 in the template, two rows lower
    copied = next(u for u in result.batch.units if u.display == "示例县雷同局")
    assert [(f.rule, f.severity.value, f.address, f.actual) for f in copied.findings if f.rule.startswith("Y")] == [
        ("Y5", "warning", "文字!B3", 1.0),
    ]
    unanswered = next(u for u in result.batch.units if u.display == "示例县整改局")
    assert [(f.rule, f.address) for f in unanswered.findings if f.rule.startswith("Y")] == [("Y6", "文字!B11")]
    assert "“网站栏目更新不及时”" in unanswered.findings[-1].message


def test_problem_list_lists_every_finding_of_every_unit(faulty_folder, tmp_path):
    this, _ = faulty_folder
    result = merge([this], tmp_path / "汇总.xlsx")
    rows = _sheet(tmp_path / "汇总.xlsx", "问题清单")
    assert rows[0] == ["单位", "文件", "严重程度", "规则", "规则说明", "位置", "说明", "核实说明"]
    total_rows = [r for r in rows[1:] if r[0] == "（汇总）"]
    peer_rows = [r for r in rows[1:] if r[0] == "（同级比较）"]  # what H2 could not compare
    unit_rows = [r for r in rows[1:] if r[0] not in ("（汇总）", "（同级比较）")]
    assert len(total_rows) == len(result.summary_findings)
    assert [(r[3], r[6]) for r in peer_rows] == [("H2", "「乡镇/街道」1个单位、「县级部门」6个单位，少于10个，未做同级比较")]
    expected = [(u.display, f.rule, f.address, f.message) for u, f in result.batch.findings()]
    assert [(r[0], r[3], r[5], r[6]) for r in unit_rows] == expected


def test_unknown_cells_make_an_incomplete_total(faulty_folder, tmp_path):
    this, _ = faulty_folder
    result = merge([this], tmp_path / "汇总.xlsx")
    h1 = [f for f in result.summary_findings if f.rule == "H1"]
    assert [(f.cells[0].id, f.address) for f in h1] == [("t3.new.natural_person", layout_of(F2021).summary_addresses["t3.new.natural_person"])]
    assert "示例县文字局的该项无法读取" in h1[0].message


def test_last_year_from_last_years_merge_output(faulty_folder, tmp_path):
    this, last = faulty_folder
    merge([last], tmp_path / "2023汇总.xlsx")
    from_output = merge([this], tmp_path / "a.xlsx", last_year=tmp_path / "2023汇总.xlsx")
    from_folder = merge([this], tmp_path / "b.xlsx", last_year=[last])
    # A merge output keeps last year's numbers, not its text: the same findings but Y5/Y6.
    numbers_only = [[f for f in u.findings if f.rule not in ("Y5", "Y6")] for u in from_folder.batch.units]
    assert [u.findings for u in from_output.batch.units] == numbers_only
    assert {f.rule for u in from_folder.batch.units for f in u.findings} > {f.rule for u in from_output.batch.units for f in u.findings}
    no_last = {s.unit for s in from_output.batch.submissions if s.category == "无上年数据"}
    assert no_last == {"示例县市场监督管理局", "示例县文字局", "示例县挪动局"}


# --- helpers -------------------------------------------------------------------------------------------


def _sheet(path: Path, name: str) -> list[list]:
    book = python_calamine.CalamineWorkbook.from_path(str(path))
    rows = book.get_sheet_by_name(name).to_python(skip_empty_area=False)
    return [[int(v) if isinstance(v, float) and v.is_integer() else v for v in row] for row in rows]


def _hashes(folder: Path) -> dict[str, str]:
    return {str(p): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_files_of_several_input_folders_are_named_by_their_folder(tmp_path):
    unit_book(tmp_path / "乡镇" / "甲.xlsx", "示例县甲镇人民政府", one_application(), level="乡镇/街道")
    unit_book(tmp_path / "部门" / "甲.xlsx", "示例县甲局", one_application())
    result = merge([tmp_path / "乡镇", tmp_path / "部门"], tmp_path / "汇总.xlsx")
    assert sorted(r.relative for r in result.batch.records) == ["乡镇/甲.xlsx", "部门/甲.xlsx"]
    assert result.summary.values["t3.new.total"] == 2


def _records(folder: Path):
    from nianbao.merge import Record, record_from_report

    out = []
    for p in sorted(folder.glob("*.xlsx")):
        facts = Record(p.name, p.name, p.stat().st_size, p.stat().st_mtime, hashlib.sha256(p.read_bytes()).hexdigest())
        out.append(record_from_report(read_report(p), facts))
    return out


def test_merge_records_of_reports_in_memory_writes_the_workbook_merge_writes(faulty_folder, tmp_path):
    from nianbao.merge import merge_records

    this, last = faulty_folder
    roster = Roster.from_names(["示例县跨年局", "示例县市场监督管理局", "示例县未报局"])
    files = merge([this], tmp_path / "files.xlsx", roster=roster, last_year=[last])
    reports = merge_records(_records(this), tmp_path / "reports.xlsx", roster=roster, last_year=_records(last))
    assert [u.findings for u in reports.batch.units] == [u.findings for u in files.batch.units]
    assert any(f.rule == "Y1" for u in reports.batch.units for f in u.findings)
    book = python_calamine.CalamineWorkbook.from_path(str(tmp_path / "files.xlsx"))
    for sheet in book.sheet_names:
        assert _sheet(tmp_path / "reports.xlsx", sheet) == _sheet(tmp_path / "files.xlsx", sheet), sheet
    assert (tmp_path / "reports.xlsx").read_bytes() == (tmp_path / "files.xlsx").read_bytes()


def test_every_count_of_the_batch_adds_up(tmp_path):
    # Issue 9 #20: "18个单位计入（通过17个、有警告1个、无法读取2个）" added up to 20.
    folder = tmp_path / "in"
    unit_book(folder / "甲.xlsx", "示例县甲局", one_application())
    unit_book(folder / "乙.xlsx", "示例县乙局", one_application())
    unit_book(folder / "丙.xlsx", "示例县丙局", {**one_application(), "t3.total.total": 2})  # errors
    unit_book(folder / "丁.xlsx", "示例县丁镇人民政府", one_application(), level="乡镇/街道", government_own=True)  # M2
    unit_book(folder / "戊.xlsx", "示例县戊局", one_application())  # not on the roster
    unit_book(folder / "己.xlsx", "示例县己局", one_application(), year=2023)
    (folder / "示例县庚局.xlsx").write_bytes(b"")  # on the roster, unreadable
    (folder / "扫描件.xlsx").write_bytes(b"")  # not on the roster, unreadable
    roster = Roster.from_names(["示例县甲局", "示例县乙局", "示例县丙局", "示例县丁镇人民政府", "示例县己局",
                                "示例县庚局", "示例县辛局", "示例县壬局"])
    result = merge([folder], tmp_path / "汇总.xlsx", roster=roster)
    batch = result.batch
    assert batch.headline() == "汇总2024年度：计入5个单位（通过3个、有警告1个、有错误1个），另有2个文件无法读取"
    assert batch.roster_line() == (
        "名单8个单位：计入汇总4个、无法读取1个、年度不符1个、未报送2个；名单外单位计入汇总1个、无法读取1个（文件名不在名单中）")
    assert len(batch.units) == 5 + 2 and len(batch.roster_states) == 4 + 1 + 1 + 2
    assert _sheet(tmp_path / "汇总.xlsx", "报送情况")[0][0] == (
        "计入5个单位（通过3个、有警告1个、有错误1个），另有2个文件无法读取；" + batch.roster_line()
        + "；下表列出未报送2项、无法读取2项、年度不符1项、名单外单位1项。")
    cover = _sheet(tmp_path / "汇总.xlsx", "汇总")[1][0]
    assert cover == ("汇总范围：2024年度报告，计入5个单位（乡镇/街道1个、县级部门4个）；含名单外单位1个；"
                     "未计入的文件：无法读取2个、年度不符1个；" + batch.roster_line() + "（详见「报送情况」）。")
    chart = {r[0]: r[1] for r in _sheet(tmp_path / "汇总.xlsx", "图表")[20:25]}
    assert chart == {"通过": 3, "有警告": 1, "有错误": 1, "无法读取": 2, "未报送": 2}


def test_every_sheet_prints_on_a4_landscape_with_page_numbers(four_merged):
    # Issue 9 #20: only 汇总 had a print set-up. What each sheet prints is looked at in
    # test_libreoffice.py::test_merge_workbook_prints_each_sheet_legibly_on_a4.
    wb = openpyxl.load_workbook(four_merged.output)
    setups = {ws.title: (ws.page_setup.orientation, ws.page_setup.paperSize, ws.oddFooter.center.text,
                         ws.print_title_rows, ws.print_title_cols) for ws in wb.worksheets if ws.sheet_state == "visible"}
    page = ("landscape", 9, "第 &P 页，共 &N 页")
    assert setups == {"汇总": (*page, None, None), "图表": (*page, None, None), "明细": (*page, "$2:$4", "$A:$A"),
                      "问题清单": (*page, "$1:$1", None), "报送情况": (*page, "$3:$3", None), "来源": (*page, "$1:$1", None)}
    # 汇总: 表二 with the title and notes, 表三, 表四 with the checks: three print ranges, each its own page(s).
    assert wb["汇总"].print_area == "'汇总'!$A$1:$J$20,'汇总'!$A$22:$J$50,'汇总'!$D$52:$R$58"
    assert 75 <= wb["汇总"].page_setup.scale <= 100
    # The lists fit the page's width; their long text wraps in rows tall enough for it.
    fits = [(wb[n].sheet_properties.pageSetUpPr.fitToPage, wb[n].page_setup.fitToWidth or 1, wb[n].page_setup.fitToHeight)
            for n in ("问题清单", "报送情况", "来源")]
    assert fits == [(True, 1, 0)] * 3


# --- Y7 per unit, as check --last-year gives it ------------------------------------------------------


def _blank(path: Path, cid: str) -> None:
    from nianbao.formats import F2021
    from nianbao.workbook.layout import layout_of

    wb = openpyxl.load_workbook(path)
    pos = layout_of(F2021).positions[cid]
    wb[pos.sheet].cell(pos.row, pos.col).value = None
    wb.save(path)


@pytest.fixture(scope="module")
def jumps(tmp_path_factory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("jumps")
    this, last = root / "2024", root / "2023"
    cases = {  # unit: (last year, this year)
        "示例县甲局": ({"t2.licensing.decisions": 12}, {"t2.licensing.decisions": 400}),
        "示例县乙局": ({"t2.punishment.decisions": 1300}, {"t2.punishment.decisions": 2}),
        "示例县丙局": ({}, {"t2.licensing.decisions": 400}),  # 行政许可 left blank last year (below)
        "示例县丁局": ({"t2.licensing.decisions": 400}, {}),  # "十二" this year (below)
        "示例县戊局": ({"t4.review.upheld": 1, "t4.review.total": 1}, {"t4.review.upheld": 9, "t4.review.total": 9}),  # under 10
    }
    for name, (before, now) in cases.items():
        unit_book(last / f"{name}.xlsx", name, before, year=YEAR - 1)
        unit_book(this / f"{name}.xlsx", name, now, raw={"t2.licensing.decisions": "十二"} if name == "示例县丁局" else None)
    _blank(last / "示例县丙局.xlsx", "t2.licensing.decisions")
    return this, last


def test_y7_in_a_merge_with_last_year_as_check_gives_it(jumps, tmp_path):
    this, last = jumps
    merge([last], tmp_path / "2023汇总.xlsx")
    for given in ([last], tmp_path / "2023汇总.xlsx"):  # last year's workbooks, or last year's merge output
        result = merge([this], tmp_path / "汇总.xlsx", last_year=given)
        got = [(u.display, f.address, f.expected, f.actual) for u in result.batch.units for f in u.findings if f.rule == "Y7"]
        assert sorted(got) == [("示例县乙局", "表二!B11", 1300, 2), ("示例县甲局", "表二!B8", 12, 400)], given
        for unit in result.batch.units:
            mine = [f for f in unit.findings if f.rule == "Y7"]
            report = read_report(unit.record.path)
            assert mine == [f for f in check(report, read_report(last / f"{report.meta.name}.xlsx")) if f.rule == "Y7"]


def test_two_workers_give_what_one_gives(faulty_folder, tmp_path):
    """The map step in-process with one worker and with two: the same units, findings, totals and workbook."""
    import shutil

    this, last = shutil.copytree(faulty_folder[0], tmp_path / "in"), faulty_folder[1]
    (this / "坏.xlsx").write_bytes(b"PK\x03\x04 not a workbook")  # one file a worker cannot read
    one = merge([this], tmp_path / "一.xlsx", last_year=[last], workers=1)
    two = merge([this], tmp_path / "二.xlsx", last_year=[last], workers=2)
    assert len(one.batch.units) == 8 and [u.status for u in one.batch.units].count(Verdict.UNREADABLE) == 1
    assert [(u.key, u.status, u.findings) for u in two.batch.units] == [(u.key, u.status, u.findings) for u in one.batch.units]
    assert two.batch.frame.equals(one.batch.frame)
    assert (two.summary.values, two.summary_findings, two.batch.submissions) == (
        one.summary.values, one.summary_findings, one.batch.submissions)
    assert (tmp_path / "二.xlsx").read_bytes() == (tmp_path / "一.xlsx").read_bytes()

"""Issue 12: findings people can trust on real reports — one test per class of false finding or unread row,
each on a made-up report in the shape real ones have (tests/fixtures/shapes, made by make_shapes.py)."""

from __future__ import annotations

import pytest
from conftest import FIXTURES

from nianbao.cells import parse_cell
from nianbao.check import check
from nianbao.formats import F2021
from nianbao.importers import import_report

SHAPES = FIXTURES / "shapes"


def rules_at(findings) -> list[tuple[str, str]]:
    return [(f.rule, f.cells[0].id if f.cells else "") for f in findings]


# --- class 3: six decimals in 万元 are exact to the 分 ------------------------------------------------------


def test_a_fee_with_six_decimals_is_read_exactly_and_not_flagged():
    report = import_report(SHAPES / "fee-six-decimals.txt")
    assert report.values["t2.fees.amount"] == 12.088667
    assert check(report) == []


@pytest.mark.parametrize("amount, decimals", [(5949.088667, None), (0.000001, None), (12.0886671, 7), (1.2345678, 7)])
def test_n2_warns_only_past_six_decimals(amount, decimals):
    issue = parse_cell(amount, F2021.cells["t2.fees.amount"]).issue
    if decimals is None:
        assert issue is None
    else:
        assert (issue.rule, issue.severity.value) == ("N2", "warning")
        assert issue.message == (f"收费金额{amount!r}万元有{decimals}位小数；单位是万元，6位小数已精确到分，"
                                 "请确认是否把元直接除以10000填入")


# --- class 2: fee statements as data; nothing "missing" from a text that is cut off -------------------------

FEE_WORDINGS = [
    "本机关2024年未收取信息处理费。",
    "2024年，无收取信息处理费情况。",
    "全年收取政府信息公开信息处理费 3940 元。",
    "未收取信息公开处理费。",
    "本年度政府信息公开未发生收费事项。",
    "未发生收费情况。",
    "依申请公开工作未向申请人收取任何费用。",
    "本年度发出收费通知1件，申请人逾期未缴纳。",
    "不存在收费情况。",
]


@pytest.mark.parametrize("words", FEE_WORDINGS)
def test_s7_accepts_the_wordings_real_reports_use(words):
    from nianbao.report import Report
    from nianbao.textcheck import check_fee_sentence

    report = Report.from_numbers({}, year=2024)
    report.text = {"overview.intro": "……", "other": words}
    assert list(check_fee_sentence(report, None)) == []


@pytest.mark.parametrize("words", ["本年度无其他需要报告的事项。", "无。", ""])
def test_s7_still_asks_for_a_fee_statement(words):
    from nianbao.report import Report
    from nianbao.textcheck import check_fee_sentence

    report = Report.from_numbers({}, year=2024)
    report.text = {"overview.intro": "……", "other": words}
    assert rules_at(check_fee_sentence(report, None)) == [("S7", "text.other")]


def test_a_fee_wording_without_the_word_xinxi_chulifei_gets_no_s7():
    report = import_report(SHAPES / "fee-wording.txt")
    assert report.text["other"] == "2024年，本机关政府信息公开工作未发生收费事项。"
    assert check(report) == []


def test_a_text_cut_off_in_the_overview_gets_no_finding_about_what_it_lacks():
    report = import_report(SHAPES / "cut-in-overview.txt")
    assert report.unread_text == ("overview.intro", "overview.proactive", "overview.on_request", "overview.management",
                                  "overview.platform", "overview.oversight", "problems.issues", "problems.improvements", "other")
    # The cut is the report's error (S1); the tables never reached are 未读取, listed apart after it.
    assert rules_at(check(report)) == [("S1", "heading:2"), ("C1", "table:t2"), ("C1", "table:t3"), ("C1", "table:t4")]


def test_a_text_cut_off_in_table_two_is_still_held_to_its_complete_overview():
    """Section 一 is whole (heading 二 follows it), so S5/S6 may speak of it; 五 and 六 were never reached."""
    report = import_report(SHAPES / "cut-in-table-two.txt")
    assert report.unread_text == ("problems.issues", "problems.improvements", "other")
    found = check(report)
    assert rules_at(found) == [
        ("S1", "heading:3"), ("S5", "text.overview.platform"), ("S6", "text.overview.oversight"),
        ("C1", "t2.punishment.decisions"), ("C1", "table:t3"), ("C1", "table:t4"),
    ]
    assert found[1].message.startswith("“一、总体情况”没有写到政府信息公开平台建设、监督保障")


def test_unread_text_survives_the_report_json():
    from nianbao.report import Report

    report = import_report(SHAPES / "cut-in-table-two.txt")
    again = Report.from_json(report.to_json())
    assert again.unread_text == report.unread_text and not again.text_read("other") and again.text_read("overview.intro")


# --- class 10: the unit's level from its name and its text; class 5: titles that name the unit elsewhere --------


def test_a_town_known_only_by_its_text_is_checked_as_a_town_and_told_so():
    report = import_report(SHAPES / "level-from-text.txt")
    assert (report.meta.name, report.meta.year, report.meta.level) == ("", 2024, "乡镇/街道")
    found = check(report)
    assert [(f.rule, f.severity.value, f.cells[0].id) for f in found] == [
        ("S2", "warning", "meta.title"), ("P1", "warning", "t2.rules.in_force"), ("M1", "info", "meta.level"),
    ]
    assert found[1].actual == 2
    assert found[2].message == ("机关名称看不出机关层级，按正文中的“我镇”推断为“乡镇/街道”，规章、收费金额、考核评议等按此层级校验；"
                                "如不对，导入时用 --level 指定")


@pytest.mark.parametrize("text, level, words", [
    ("2023年，我镇认真贯彻《条例》。全镇各村公开栏更新及时。", "乡镇/街道", "“我镇”、“全镇”（2处）"),
    ("本街道严格落实公开制度。", "乡镇/街道", "“本街道”"),
    ("我县各镇推进公开，我镇配合。", "", ""),  # a county's own words overrule: 我镇 may be quoted
    ("我局严格执行保密审查。", "", ""),  # a department, level unknown without its name
    ("城乡融合、乡镇联动。", "", ""),
])
def test_level_from_text_only_on_a_towns_own_words(text, level, words):
    from nianbao.importers.sections import level_from_text

    assert level_from_text(text) == (level, words)


def test_a_title_wrapped_over_two_lines_is_one_title():
    report = import_report(SHAPES / "wrapped-title.txt")
    assert (report.meta.name, report.meta.year, report.meta.level) == ("示例县青山镇人民政府", 2024, "乡镇/街道")
    assert check(report) == []


@pytest.mark.parametrize("name, unit, level", [
    ("027", "万源市玉带乡", "乡镇/街道"),  # 编制万源市玉带乡2024年政府信息公开工作年度报告
    ("029", "平江县三墩乡", "乡镇/街道"),  # 现将平江县三墩乡2024年度政府信息公开工作报告如下
    ("019", "上海市经济和信息化委员会", ""),  # 由上海市经济和信息化委员会(以下简称我委)编制
    ("011", "", ""),  # 编制我单位2021年……: the unit does not name itself
])
def test_an_opening_sentence_names_the_unit(name, unit, level):
    report = import_report(FIXTURES / "corpus" / f"{name}.txt")
    assert (report.meta.name, report.meta.level) == (unit, level)
    assert ("S2" in [f.rule for f in report.findings]) == (not unit)


# --- class 4: no plausibility rule takes an unread (or blank) cell for 0 ------------------------------------


def test_unread_application_rows_are_not_zero_applications():
    """The shape of issue 12: P9 said 本年只有0件申请 while rows 一/二 were unread and the text says 749."""
    report = import_report(SHAPES / "unread-rows.txt")
    assert report.values["t3.new.total"] is None and report.values["t3.carried_over.business"] is None
    assert rules_at(check(report)) == [
        ("N4", f"t3.carried_over.{c}") for c in ("business", "research", "public_interest", "legal_services", "other_org")
    ] + [("D2", "t3.new.natural_person")]  # 未读取: the tool's limit, after the report's own findings


def test_a_footnote_mark_after_a_label_is_left_out_when_the_identities_allow_one_reading():
    report = import_report(SHAPES / "footnote-marks.txt")
    assert [report.values[f"t3.new.{c}"] for c in ("natural_person", "business", "legal_services", "total")] == [740, 6, 3, 749]
    d1 = [f for f in check(report) if f.rule == "D1"]
    assert [f.cells[0].id for f in d1] == ["t3.new.natural_person", "t3.carried_over.natural_person"]
    assert d1[0].message == (
        "表三「一、本年新收政府信息公开申请数量」行印有8个数（1 740 6 0 0 3 0 749），多于7列；去掉「1」后只有一种读法满足"
        "表三各行各列的勾稽关系，已读作740、6、0、0、3、0、749（多出的数可能是注释标记或页码）；请与原件核对"
    )


def test_the_same_report_read_whole_gets_p9_only_when_it_really_has_few_applications():
    from nianbao.textcheck import check_fee_amount

    report = import_report(SHAPES / "unread-rows.txt")
    report.values.update({"t3.new.total": 1, "t3.carried_over.total": 0})
    (p9,) = [f for f in check_fee_amount(report, None) if f.rule == "P9"]
    assert p9.message.startswith("本年只有1件申请，却收取了信息处理费200元") and p9.actual == 200


@pytest.mark.parametrize("state_of_total, expected", [("number", ["P5"]), ("blank", []), ("unread", [])])
def test_p5_never_claims_applications_it_did_not_see(state_of_total, expected):
    from nianbao.report import Report, State
    from nianbao.rules import evaluate

    report = Report.from_numbers({"t4.review.upheld": 1, "t4.review.total": 1})
    if state_of_total != "number":
        report.values["t3.new.total"] = None
        report.states["t3.new.total"] = State.BLANK if state_of_total == "blank" else State.TEXT
    assert [f.rule for f in evaluate(report) if f.rule.startswith("P")] == expected


def test_text_rules_read_numbers_the_same_way():
    """P4, P8 and P6 compare only with cells the report printed: a blank 总计 is not 0."""
    from nianbao.report import Report, State

    report = Report.from_numbers({"t3.new.total": 0, "t3.other_unpaid.total": 0, "t2.fees.amount": 0}, year=2024)
    for cid in ("t3.new.total", "t3.other_unpaid.total", "t2.fees.amount"):
        report.states[cid], report.values[cid] = State.BLANK, None
    report.text = {"overview.on_request": "全年新收政府信息公开申请12件。", "other": "本年度收取信息处理费300元。"}
    assert [f.rule for f in check(report) if f.rule.startswith("P")] == []
    report.states.pop("t3.new.total")
    report.values["t3.new.total"] = 10
    assert [(f.rule, f.expected, f.actual) for f in check(report) if f.rule == "P4"] == [("P4", 10, 12)]


def test_both_evaluators_skip_plausibility_on_a_blank():
    import pandas as pd

    from nianbao.formats import F2021
    from nianbao.report import Report, State
    from nianbao.rules import evaluate, evaluate_frame

    report = Report.from_numbers({"t2.normative.issued": 3, "t4.review.upheld": 1, "t4.review.total": 1})
    report.values["t2.normative.in_force"] = report.values["t3.new.total"] = None
    report.states["t2.normative.in_force"] = report.states["t3.new.total"] = State.BLANK
    frame = pd.DataFrame([{c: float(report.number(c)) for c in F2021.cell_ids} | {"meta.level": ""}])
    blanks = pd.DataFrame([{c: report.state(c) is State.BLANK for c in F2021.cell_ids}])
    assert [f.rule for f in evaluate(report)] == [f.rule for _, f in evaluate_frame(frame, blanks=blanks)] == []
    # Without the mask the frame takes blanks for 0, as the sums within a table do.
    assert sorted(f.rule for _, f in evaluate_frame(frame)) == ["P2", "P5"]


# --- class 1: a number the text states for several rows is their sum ---------------------------------------


def test_sums_parts_and_percentages_that_agree_with_the_tables_give_no_p4():
    report = import_report(SHAPES / "stated-sums.txt")
    assert "予以公开及部分公开9件" in report.text["overview.on_request"]
    assert check(report) == []


@pytest.mark.parametrize("right, wrong, cell, table, stated, quoted", [
    ("予以公开及部分公开9件", "予以公开及部分公开10件", "t3.disclosed.total", 9, 10, "予以公开及部分公开10件"),
    ("不予公开、无法提供、不予处理共计3件", "不予公开、无法提供、不予处理共计4件", "t3.refused_secret.total", 3, 4,
     "不予公开、无法提供、不予处理共计4件"),
    ("全年新收政府信息公开申请 12 件", "全年新收政府信息公开申请 14 件", "t3.new.total", 12, 14, "新收政府信息公开申请14件"),
])
def test_a_wrong_sum_is_still_caught_against_the_sum_of_its_rows(right, wrong, cell, table, stated, quoted):
    from nianbao.textcheck import check_numbers

    report = import_report(SHAPES / "stated-sums.txt")
    report.text["overview.on_request"] = report.text["overview.on_request"].replace(right, wrong)
    (p4,) = check_numbers(report, None)
    assert (p4.cells[1].id, p4.expected, p4.actual) == (cell, table, stated)
    assert f"写“{quoted}”" in p4.message


def test_joined_results_name_every_row_in_the_message():
    from nianbao.textcheck import check_numbers

    report = import_report(SHAPES / "stated-sums.txt")
    report.text["overview.on_request"] = "办结12件，其中：予以公开及部分公开10件。"
    (p4,) = check_numbers(report, None)
    assert p4.message == ("文字「（二）依申请公开」写“予以公开及部分公开10件”，与表三「予以公开」「部分公开」各项「总计」之和（9）不一致；"
                          "请核对文字或表格")


def test_a_part_after_qizhong_is_not_the_whole():
    from nianbao.textcheck import stated_numbers

    said = [(s.key, v) for s, v, _ in stated_numbers("全年新收政府信息公开申请100件，其中通过网络平台新收申请60件。新收申请40件。")]
    assert said == [("t3.new.total", 100), ("t3.new.total", 40)]  # the next sentence is a statement again


# --- class 7: markdown / pipe tables from converters and OCR -------------------------------------------------


def test_pipe_tables_are_read_cell_by_cell():
    report = import_report(SHAPES / "pipe-tables.txt")
    assert [c for c, v in report.values.items() if v is None] == ["t3.refused_internal.business", "t3.refused_internal.research"]
    assert [report.state(c).value for c in ("t3.refused_internal.business", "t3.refused_internal.research")] == ["blank"] * 2
    assert [report.values[c] for c in ("t4.review.upheld", "t4.review.total", "t4.direct.other", "t4.direct.total")] == [1, 1, 1, 1]
    assert report.values["t3.refused_process.total"] == 0
    found = check(report)
    assert rules_at(found) == [("N3", "t3.refused_internal.business"), ("S4", "label:6.属于四类过程性信息")]
    assert found[1].message == "表三的行标签「6.属干四类过程性信息」与国家格式不一致，应为「6.属于四类过程性信息」"
    assert report.addresses["t3.refused_process.total"] == "表三「6.属干四类过程性信息」行「总计」列"


@pytest.mark.parametrize("line, n, cells", [
    (" |  |  | 0 |  |  | 0 | 0 | 0 | 0 |", 7, ["0", "", "", "0", "0", "0", "0"]),  # label's merged columns dropped
    (" | 56 |  |  |", 1, ["56"]),  # a value spanning three columns
    (" | | | | | | | |", 7, [""] * 7),  # a row printed all blank
    (" | 0 0 | 0 |", 3, ["0", "0", "0"]),  # a lost bar
    (" |", 3, None),  # one cell per line: the values follow on the next lines
    (" 0 0 0", 3, None),  # not a pipe row
])
def test_pipe_cells(line, n, cells):
    from nianbao.importers.tables import pipe_cells

    assert pipe_cells(line, n) == cells


def test_separator_lines_are_not_cells():
    from nianbao.importers.document import clean_text

    assert clean_text("| 规章 | 0 |\n|---|:---:|\n| --- | --- |\n---\n| 行政许可 | 5 |") == "| 规章 | 0 |\n| 行政许可 | 5 |"


@pytest.mark.parametrize("region, cells", [
    (" 0 0 0 0 0 0 0\n6.属干四类过程性信息 1 0 0 0 0 0 1", ["0"] * 7),  # the next label's number is not a cell
    (" 0 0 0 0 0 0 0 数据1 数据2", ["0"] * 7),  # a converter's header: 数据1 is a word
])
def test_no_digit_of_a_neighbour_leaks_into_a_row(region, cells):
    from nianbao.importers.tables import value_tokens

    assert value_tokens(region, 7) == cells


# --- class 8: an old one-row （六）其他处理 in a 2021-format report --------------------------------------------


def test_a_one_row_six_is_read_as_its_total_and_drops_no_other_table():
    report = import_report(SHAPES / "six-one-row.txt")
    assert report.meta.format == "F2021"
    assert [report.values[c] for c in ("t2.normative.in_force", "t2.licensing.decisions", "t2.fees.amount")] == [12, 56, 12.5]
    assert report.sums == {"t3.other.natural_person": 1, "t3.other.business": 0, "t3.other.research": 0,
                           "t3.other.public_interest": 0, "t3.other.legal_services": 0, "t3.other.other_org": 0,
                           "t3.other.total": 1}
    assert all(report.values[c] is None for c in ("t3.other_no_correction.total", "t3.other_unpaid.total", "t3.other_other.total"))
    (s4,) = check(report)
    assert (s4.rule, s4.severity.value, s4.cells[0].id) == ("S4", "warning", "label:（六）其他处理")
    assert "已把这一行作为「（六）合计」读取（自然人1、商业企业0、科研机构0、社会公益组织0、法律服务机构0、其他0、总计1）" in s4.message


def test_the_column_sums_run_over_the_one_row_six():
    from nianbao.report import Report

    report = import_report(SHAPES / "six-one-row.txt")
    report.values["t3.total.natural_person"] = 8  # (七) one short of （一）至（六）: 4 + 2 + 1 + 1 + 1
    t3v = [f for f in check(report) if f.rule == "T3-V"]
    assert [(f.cells[0].id, f.expected, f.actual) for f in t3v] == [("t3.total.natural_person", 9, 8)]
    assert t3v[0].message == "表三「自然人」列：（七）总计=8，（一）至（六）各项之和=9，差1"
    again = Report.from_json(report.to_json())
    assert again.sums == report.sums and [f.rule for f in check(again) if f.rule == "T3-V"] == ["T3-V"]


def test_the_2019_format_one_row_six_also_keeps_its_column_sums():
    report = import_report(FIXTURES / "import" / "format-2019.txt")
    assert report.meta.format == "F2019" and report.sums["t3.other.total"] == 187
    assert [f.rule for f in check(report) if f.rule.startswith(("T3", "S4"))] == []
    report.values["t3.total.total"] += 1
    assert [f.cells[0].id for f in check(report) if f.rule == "T3-V"] == ["t3.total.total"]


# --- class 5: label variants as data; never "missing" or "cut off" because words did not match -------------------


def test_label_variants_are_read_and_told_as_hints():
    report = import_report(SHAPES / "label-variants.txt")
    assert [report.values[c] for c in ("t2.normative.issued", "t2.normative.repealed", "t2.normative.in_force")] == [3, 1, 12]
    found = check(report)
    assert [(f.rule, f.severity.value, f.cells[0].id) for f in found] == [
        ("S4", "info", "label:行政规范性文件"), ("S1", "info", "heading:5"),
    ]
    assert found[0].message == "表二的行标签「规范性文件」是常见的其他写法，已按国家格式的「行政规范性文件」读取"
    assert found[1].message == "标题「五、存在的主要问题及整改措施」与2021年格式的「五、存在的主要问题及改进情况」不同（已按此标题读取）"


@pytest.mark.parametrize("printed, official", [
    ("本年（2023）制发件数", "本年制发件数"), ("本年(2023年度)处理决定数量", "本年处理决定数量"), ("三、本年度办理结果", "三、本年办理结果"),
])
def test_a_year_in_a_header_and_benniandu_are_not_part_of_the_label(printed, official):
    from nianbao.importers.compact import Compact
    from nianbao.schema import normalise

    assert normalise(printed) == normalise(official) == Compact(printed).s


def test_a_heading_variant_cut_short_is_still_the_heading():
    from nianbao.importers.compact import Compact
    from nianbao.importers.sections import find_headings

    text = "一、总体情况\n……\n五、存在的主要问题及整改措\n政策解读不足。\n"
    (five,) = [h for h in find_headings(Compact(text), text) if h and h.index == 4]
    assert (five.printed, five.official) == ("五、存在的主要问题及整改措", False)


def test_unmatched_headings_after_a_whole_table_are_not_a_cut_off_text():
    report = import_report(SHAPES / "headings-unmatched.txt")
    assert report.unread_text == ("problems.issues", "problems.improvements", "other")
    (s1,) = check(report)
    assert (s1.rule, s1.severity.value, [c.id for c in s1.cells]) == ("S1", "error", ["heading:5", "heading:6"])
    assert s1.message == ("没有找到标题「五、存在的主要问题及改进情况」至「六、其他需要报告的事项」：「四、政府信息公开行政复议、行政诉讼情况」"
                          "的表格之后还有文字，但标题的写法无法对应，这几部分的文字未读取")


def test_a_text_that_stops_at_a_tables_first_label_is_cut_off_not_a_picture():
    report = import_report(FIXTURES / "corpus" / "029.txt")
    c1 = [f.message for f in report.findings if f.rule == "C1"]
    assert c1[0] == "报告文本不完整：「二、主动公开政府信息情况」之后文本已截断，没有读到表二；表二各项未读取"


# --- class 9: run-together digits, helped by the text and by last year ----------------------------------------


def _last():
    return import_report(SHAPES / "digits-chain-last.txt")


def test_last_years_chain_decides_a_split_nothing_else_could():
    alone = import_report(SHAPES / "digits-chain.txt")
    assert alone.values["t2.normative.in_force"] is None  # six splits, nothing in this year's report decides
    report = import_report(SHAPES / "digits-chain.txt", last=_last())
    assert [report.values[f"t2.normative.{c}"] for c in ("issued", "repealed", "in_force")] == [7, 13, 24]
    (d1,) = [f for f in report.findings if f.rule == "D1" and f.cells[0].id == "t2.normative.issued"]
    assert d1.message == (
        "表二「行政规范性文件」行的数字连在一起（印为「71324」），本表没有勾稽关系可用于拆分；"
        "与上年衔接（上年报告现行有效30件，现行有效＝上年现行有效＋本年制发－本年废止），只有一种拆分与之相符，"
        "已读作7、13、24；本行是按与上年衔接读出的，Y2 不能再核对这一行；请与原件核对"
    )


def test_a_broken_chain_leaves_the_row_unread_rather_than_hide_a_y2_problem():
    report = import_report(SHAPES / "digits-chain-broken.txt", last=_last())
    assert [report.values[f"t2.normative.{c}"] for c in ("issued", "repealed", "in_force")] == [None, None, None]
    (d2,) = [f for f in report.findings if f.rule == "D2"]
    assert d2.message == (
        "表二「行政规范性文件」行的数字连在一起（印为「71325」）：与上年衔接（上年报告现行有效30件，"
        "现行有效＝上年现行有效＋本年制发－本年废止），没有一种拆分同时相符（现行有效件数可能确实没有与上年衔接，请核对，见Y2）；"
        "这些单元格未读取，请对照原件填写"
    )


def test_the_real_2023_pingtan_report_states_numbers_no_split_fits():
    """77132470: the text says 制发77件 and 现行有效393件 (the table prints 470): the row stays unread."""
    report = import_report(FIXTURES / "corpus" / "pingtan-2023.txt", last=import_report(FIXTURES / "corpus" / "005.txt"))
    (d2,) = [f for f in report.findings if f.rule == "D2"]
    assert d2.message == (
        "表二「行政规范性文件」行的数字连在一起（印为「77132470」）：报告正文写明本年制发件数77件、现行有效件数393件，"
        "没有一种拆分同时相符（文字与表格可能不一致）；这些单元格未读取，请对照原件填写"
    )


def test_the_real_2024_pingtan_report_has_four_splits_left_by_its_text():
    report = import_report(FIXTURES / "corpus" / "pingtan-2024.txt")
    (d2,) = [f for f in report.findings if f.rule == "D2"]
    assert "报告正文写明本年制发件数62件，仍有4种拆分与之相符，无法确定" in d2.message


def test_check_reads_the_published_report_with_last_years_help(tmp_path):
    from click.testing import CliRunner

    from nianbao.cli import main

    result = CliRunner().invoke(main, ["check", str(SHAPES / "digits-chain.txt"), "--last-year", str(SHAPES / "digits-chain-last.txt"), "--json"])
    assert result.exit_code == 0, result.output
    assert "已读作7、13、24" in result.output and "D2" not in result.output

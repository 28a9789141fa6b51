"""textcheck: numbers in the text against the tables (P4), required content (S5, S6), wrong-place
wording (S10), placeholders (S11), text empty in substance (S13), repetition from last year (Y5, Y6) —
and the bundled examples."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_narrative import ON_REQUEST, unit

from nianbao.examples import EXAMPLES
from nianbao.narrative import generate
from nianbao.report import Report
from nianbao.textcheck import (
    check_aspects,
    check_follow_up,
    check_government_items,
    check_numbers,
    check_place_words,
    check_placeholders,
    check_repeated,
    check_substance,
    content_chars,
    county_kind,
    parse_count,
    repeated_share,
)

FENGLING, MISTAKES = (e.report for e in EXAMPLES)


def p4(report: Report) -> list[tuple[str, float | None, float | None]]:
    """(table cell, table number, number in the text) of every P4 finding."""
    return [(f.cells[1].id, f.expected, f.actual) for f in check_numbers(report, None)]


@pytest.fixture()
def generated() -> Report:
    report = unit(ON_REQUEST)
    report.text = generate(report)
    return report


def test_generated_text_agrees_with_its_tables(generated):
    assert p4(generated) == []


# One wrong number in each sentence P4 covers: (slot, words in the generated text, wrong words, cell, table, text).
WRONG = [
    ("overview.on_request", "新收政府信息公开申请36件", "新收政府信息公开申请37件", "t3.new.total", 36, 37),
    ("overview.on_request", "上年结转政府信息公开申请2件", "上年结转政府信息公开申请3件", "t3.carried_over.total", 2, 3),
    ("overview.on_request", "办结政府信息公开申请36件", "办结政府信息公开申请35件", "t3.total.total", 36, 35),
    ("overview.on_request", "结转下年度继续办理2件", "结转下年度继续办理1件", "t3.carried_forward.total", 2, 1),
    ("overview.on_request", "予以公开15件", "予以公开16件", "t3.disclosed.total", 15, 16),
    ("overview.on_request", "部分公开3件", "部分公开4件", "t3.partial.total", 3, 4),
    ("overview.on_request", "不予公开1件", "不予公开2件", "t3.refused_secret.total", 1, 2),
    ("overview.on_request", "无法提供14件", "无法提供13件", "t3.unavailable_not_held.total", 14, 13),
    ("overview.on_request", "被申请行政复议2件", "被申请行政复议5件", "t4.review.total", 2, 5),
    ("overview.on_request", "被提起行政诉讼1件", "被提起行政诉讼4件", "t4.direct.total", 1, 4),
    ("overview.proactive", "制发行政规范性文件2件", "制发行政规范性文件3件", "t2.normative.issued", 2, 3),
    ("overview.proactive", "废止行政规范性文件1件", "废止行政规范性文件0件", "t2.normative.repealed", 1, 0),
    ("overview.proactive", "现行有效行政规范性文件15件", "现行有效行政规范性文件51件", "t2.normative.in_force", 15, 51),
    ("overview.proactive", "行政许可决定356件", "行政许可决定365件", "t2.licensing.decisions", 356, 365),
    ("overview.proactive", "行政处罚决定128件", "行政处罚决定12件", "t2.punishment.decisions", 128, 12),
]


@pytest.mark.parametrize("slot, right, wrong, cell, table, stated", WRONG, ids=[w[3] for w in WRONG])
def test_p4_catches_a_wrong_number_in_each_sentence(generated, slot, right, wrong, cell, table, stated):
    assert right in generated.text[slot]
    generated.text[slot] = generated.text[slot].replace(right, wrong)
    assert p4(generated) == [(cell, table, stated)]
    finding = next(iter(check_numbers(generated, None)))
    assert finding.cells[0].id == f"text.{slot}"
    quoted = finding.message.split("写“")[1].split("”")[0]
    assert wrong.endswith(quoted) and quoted.endswith(f"{stated}件")


ZERO_WORDS = [
    ({"t3.new.total": 3}, "本年度未收到政府信息公开申请。", [("t3.new.total", 3, 0)]),
    ({"t3.carried_forward.total": 2}, "无结转下年度继续办理的申请。", [("t3.carried_forward.total", 2, 0)]),
    ({"t4.review.total": 1, "t4.direct.total": 2},
     "本年度未发生因政府信息公开工作被申请行政复议、提起行政诉讼的情况。",
     [("t4.review.total", 1, 0), ("t4.direct.total", 2, 0)]),
    ({"t2.normative.issued": 1}, "本年度未制发行政规范性文件。", [("t2.normative.issued", 1, 0)]),
    ({"t2.coercion.decisions": 4}, "本年度未作出行政许可、行政处罚、行政强制决定。", [("t2.coercion.decisions", 4, 0)]),
]


@pytest.mark.parametrize("numbers, words, expected", ZERO_WORDS)
def test_p4_catches_none_said_where_the_table_has_some(numbers, words, expected):
    report = unit(numbers)
    report.text["overview.on_request"] = words
    assert p4(report) == expected


def test_p4_reads_clerks_wording():
    report = unit(ON_REQUEST)
    report.text["overview.on_request"] = (
        "全年共收到政府信息公开申请38件（含上年结转2件），较上年新收申请30件有所增加。"  # both readings accepted; last year ignored
        "办结申请三十五件。"  # Chinese numerals
    )
    report.text["overview.proactive"] = "制发行政规范性文件2件，废止3件，现行有效15件。"  # the verb's subject is named earlier
    assert p4(report) == [("t2.normative.repealed", 1, 3), ("t3.total.total", 36, 35)]  # slot order


def test_parse_count():
    assert [parse_count(s) for s in ("36", "1,234", "十二", "两", "二十", "一百零五", "三十五")] == [36, 1234, 12, 2, 20, 105, 35]


def test_s5_names_the_missing_aspects():
    report = unit()
    report.text = {"overview.intro": "本年度做好主动公开和依申请公开工作。", "other": "未收取信息处理费。"}
    (finding,) = check_aspects(report, None)
    assert "没有写到政府信息管理、政府信息公开平台建设、监督保障" in finding.message
    assert [c.id for c in finding.cells] == ["text.overview.management", "text.overview.platform", "text.overview.oversight"]
    report.text["overview.intro"] += "加强政府信息管理和平台建设，强化监督保障。"
    assert list(check_aspects(report, None)) == []


def test_s6_for_governments_only():
    town = unit(name="某镇人民政府", level="乡镇/街道")
    town.text = {"overview.oversight": "加强监督保障，将政务公开纳入年度考核。"}
    (finding,) = check_government_items(town, None)
    assert "没有提到社会评议、责任追究结果情况" in finding.message
    department = unit()
    department.text = dict(town.text)
    assert list(check_government_items(department, None)) == []


# --- S10 ---------------------------------------------------------------------------


def place_words(text: str, **meta) -> list[str]:
    report = unit(**meta)
    report.text = {"overview.oversight": text}
    return [f.message.split("中出现")[1].split("，与本机关")[0] for f in check_place_words(report, None)]


def test_s10_a_county_unit_speaking_of_district_bodies():
    county = {"region": "重庆市巫溪县", "level": "县级部门", "name": "巫溪县某局"}
    assert place_words("区政务公开办加强督导，全区各单位落实。", **county) == ["“区政务公开办”、“全区”"]
    assert place_words("社区、开发区管委会和景区公开信息；区分处理的申请只计一次；县委、县政府部署。", **county) == []


def test_s10_a_district_unit_speaking_of_county_bodies():
    district = {"region": "广东省深圳市龙岗区", "level": "县级部门", "name": "深圳市龙岗区某局"}
    assert place_words("按照县政府要求，各区县同步推进。", **district) == ["“县政府”"]
    assert place_words("依据县级以上人民政府的规定，区政府统一部署。", **district) == []


def test_s10_a_town_calling_itself_a_city_or_another_kind_of_town():
    town = {"region": "某省某市某县", "level": "乡镇/街道", "name": "某县某镇人民政府"}
    assert place_words("我市政务公开工作扎实推进，我乡高度重视。", **town) == ["“我市”、“我乡”"]
    assert place_words("按照市政府、县政府要求，我镇推进城乡融合和乡村振兴，各乡镇交流经验。", **town) == []


def test_s10_on_the_bundled_town_report():
    (finding,) = check_place_words(FENGLING, None)
    assert finding.cells[0].id == "text.overview.oversight"
    assert finding.message.startswith("文字「（五）监督保障」中出现“区政务公开办”，与本机关（巫溪县峰灵镇人民政府，重庆市巫溪县、乡镇/街道）不符")


def test_county_kind():
    assert [county_kind(r, n) for r, n in (
        ("重庆市巫溪县", ""), ("广东省深圳市龙岗区", ""), ("", "示例县市场监督管理局"),
        ("内蒙古自治区某旗", ""), ("上海市浦东新区", ""), ("湖北省宜都市", ""), ("", "某市工业园区管委会"),
    )] == ["县", "区", "县", "县", "区", None, None]


def test_s11_placeholders_left_from_the_skeleton():
    report = unit(name="某镇人民政府", level="乡镇/街道")
    report.text = generate(report)
    assert [f.cells[0].id for f in check_placeholders(report, None)] == [
        "text.overview.oversight", "text.problems.issues", "text.problems.improvements",
    ]


# --- S13 -------------------------------------------------------------------------------

FIXTURES = Path(__file__).parent / "fixtures"
PROPER_FIVE = "一是政策解读形式较为单一。二是部分栏目更新不够及时。下一步将丰富解读形式，明确专人按月更新栏目。"


def s13(report: Report) -> list[tuple[str, str]]:
    """(first slot, message) of every S13 finding."""
    return [(f.cells[0].id, f.message) for f in check_substance(report, None)]


def _with_text(**slots: str) -> Report:
    report = unit()
    report.text = {"overview.intro": "本局认真贯彻落实条例，本年度主动公开政府信息120条，新收政府信息公开申请36件，按时办结；"
                                     "严格执行公开属性源头认定，政府网站信息公开专栏运行正常，将政务公开纳入年度考核。",
                   "problems.issues": PROPER_FIVE, "other": "本局2024年未收取信息处理费。"}
    report.text.update({k.replace("__", "."): v for k, v in slots.items()})
    return report


@pytest.mark.parametrize("issues, improvements, said", [
    ("无", "", "只写了“无”"),
    ("无。", "无。", "只写了“无。 无。”"),
    ("暂无问题", "", "只写了“暂无问题”"),
    ("（一）存在的主要问题：无。", "（二）改进情况：暂无。", "只写了“（一）存在的主要问题：无。 （二）改进情况：暂无。”"),
    ("本年度我局政府信息公开工作暂未发现明显问题。", "", "只写了“本年度我局政府信息公开工作暂未发现明显问题。”"),
    ("/", "", "只写了“/”"),
    ("工作有待加强。", "将持续改进。", "只有“工作有待加强。 将持续改进。”（11个字）"),
    ("暂无问题，下一步将继续做好相关工作。", "", "只有“暂无问题，下一步将继续做好相关工作。”（12个字）"),
])
def test_s13_five_only_denied_or_too_short(issues, improvements, said):
    report = _with_text(problems__issues=issues, problems__improvements=improvements)
    ((slot, message),) = s13(report)
    assert slot == "text.problems.issues"
    assert message.startswith(f"“五、存在的主要问题及改进情况”{said}，没有实际内容；应写明本年度工作中存在的具体问题和改进措施，如：“一是")


def test_s13_points_at_the_slots_that_hold_the_text():
    report = _with_text(problems__issues="", problems__improvements="无。")
    (finding,) = check_substance(report, None)
    assert ([c.id for c in finding.cells], finding.severity.value) == (["text.problems.improvements"], "warning")


@pytest.mark.parametrize("issues, improvements, chars", [
    ("公开栏内容更新较慢。", "明确专人按月更新公开栏。", 20),  # the shortest proper 五 of the fixtures (shapes/digits-chain-last.txt)
    ("政务新媒体无专人维护。", "下一步将明确专人负责。", 20),  # "无" inside a problem is not a denial
    ("栏目更新不够及时，下一步定期更新。", "", 15),  # at the floor
    (PROPER_FIVE, "", 40),
])
def test_s13_quiet_on_a_short_but_proper_five(issues, improvements, chars):
    report = _with_text(problems__issues=issues, problems__improvements=improvements)
    assert content_chars(issues + improvements, 4) == chars
    assert s13(report) == []


def test_s13_quiet_on_the_real_reports_that_state_problems_briefly():
    """The published reports of the fixtures whose 五 was read whole, shortest first; pingtan-2024 and 001
    write problems and improvements in one paragraph (the 改进情况 slot stays empty)."""
    from nianbao.sources import read_report
    from nianbao.textcheck import section_text

    shortest = {}
    for name in ("corpus/seed-fengling-2023.txt", "corpus/pingtan-2024.txt", "corpus/004.txt", "corpus/001.txt",
                 "shapes/digits-chain-last.txt", "shapes/fee-wording.txt"):
        report = read_report(FIXTURES / name)
        assert report.text_read("problems.issues", "problems.improvements"), name
        shortest[name] = content_chars(section_text(report, 4), 4)
        assert s13(report) == [], name
    assert shortest == {
        "corpus/seed-fengling-2023.txt": 131, "corpus/pingtan-2024.txt": 263, "corpus/004.txt": 246,
        "corpus/001.txt": 253, "shapes/digits-chain-last.txt": 20, "shapes/fee-wording.txt": 43,
    }


def test_s13_says_nothing_of_a_section_cut_off_empty_unfinished_or_of_a_summary():
    from nianbao.sources import read_report

    cut = read_report(FIXTURES / "corpus" / "021.txt")  # a real report whose stored text stops before 五
    assert "problems.issues" in cut.unread_text
    cut.text["problems.issues"] = "无"  # whatever was read of it: the rest is lost
    assert s13(cut) == []
    assert s13(_with_text(problems__issues="", problems__improvements="")) == []  # nothing written: not S13's
    skeleton = _with_text(problems__issues="一是【请填写：本年度政府信息公开工作存在的主要问题】。")
    assert s13(skeleton) == []  # S11 says it is unfinished
    summary = _with_text(problems__issues="无").with_meta(summary=True)
    assert s13(summary) == []


def test_s13_overview_only_denied_or_too_short():
    report = _with_text(overview__intro="无。")
    ((slot, message),) = s13(report)
    assert slot == "text.overview.intro"
    assert message.startswith("“一、总体情况”只写了“无。”，没有实际内容；应分主动公开、依申请公开、政府信息管理、政府信息公开平台建设、监督保障五个方面写明本年度的工作")
    report = _with_text(overview__intro="本局各项工作有序推进。", overview__platform="网站运行正常。")
    ((slot, message),) = s13(report)
    assert slot == "text.overview.intro" and "（16个字）" in message
    assert s13(_with_text()) == []


# --- Y5, Y6 --------------------------------------------------------------------------


def test_y5_a_report_copied_from_last_year():
    last = FENGLING
    this = Report.from_dict(FENGLING.to_dict()).with_meta(year=2024)
    this.text = {k: v.replace("2023", "2024") for k, v in FENGLING.text.items()}
    share, count, _, _ = repeated_share(this, last)
    assert share == 1.0
    (finding,) = check_repeated(this, last)
    assert (finding.rule, finding.severity.value, finding.actual) == ("Y5", "warning", 1.0)
    assert finding.message.startswith(f"总体情况和问题改进部分有100%的文字与上年度报告相同或几乎相同（{count}句")


def test_y5_rewritten_text_and_boilerplate_do_not_count():
    last = FENGLING
    this = unit(level="乡镇/街道")
    this.text = generate(this)  # nianbao's own sentences are boilerplate, not copying
    this.text["overview.intro"] += "本报告中所列数据的统计期限自2024年1月1日起至2024年12月31日止。"
    this.text["problems.issues"] = "一是部分信息公开不够及时。二是政策解读形式较为单一，图解、视频等形式运用不多，解读与政策文件发布不够同步。"
    share, count, _, _ = repeated_share(this, last)
    assert count == 1  # only "部分信息公开不够及时"
    assert 0 < share < 0.3
    assert list(check_repeated(this, last)) == []


def test_y6_last_years_problems_not_followed_up():
    this = unit()
    this.text = {"problems.issues": "一是政策解读形式单一。", "problems.improvements": "一是丰富政策解读形式。"}
    (finding,) = check_follow_up(this, FENGLING)
    assert (finding.rule, finding.severity.value) == ("Y6", "info")
    assert "“部分信息公开不够及时”" in finding.message
    this.text["problems.improvements"] += "二是针对上年度部分信息公开不够及时的问题，建立信息报送月通报制度。"
    assert list(check_follow_up(this, FENGLING)) == []


# --- the bundled examples --------------------------------------------------------------


def test_s10_a_unit_may_speak_of_its_own_kind():
    zone = {"name": "平潭综合实验区管委会", "level": "市级政府", "region": "福建省"}
    assert place_words("我区坚持以公开为常态。", **zone) == []
    assert place_words("我县坚持以公开为常态。", **zone) == ["“我县”"]
    park = {"name": "某县经济开发区管委会", "level": "县级部门", "region": "某省某县"}
    assert place_words("全区各部门落实公开要求。", **park) == []


def test_s10_finds_a_real_township_report_calling_itself_a_town():
    """平江县三墩乡 (a 乡) writes “作为我镇政府信息和政务公开第一平台”: copied from a 镇's report."""
    from pathlib import Path

    raw = (Path(__file__).parent / "fixtures" / "corpus" / "029.txt").read_text(encoding="utf-8")
    header, body = raw.split("---", 1)
    assert "unit: 平江县三墩乡人民政府" in header
    report = unit(name="平江县三墩乡人民政府", level="乡镇/街道", region="")
    report.text = {"overview.intro": "".join(body.split())}
    (finding,) = check_place_words(report, None)
    assert finding.message.startswith("文字「一、总体情况（开头）」中出现“我镇”")


def test_fee_amount_checks():
    from nianbao.textcheck import check_fee_amount

    report = unit({"t3.new.total": 2, "t2.fees.amount": 0})
    report.text = {"other": "本机关2024年共发出收费通知1件，实际收取信息处理费105元。"}
    assert [(f.rule, f.severity.value, f.actual) for f in check_fee_amount(report, None)] == [
        ("P7", "warning", 105.0), ("P8", "info", 105.0), ("P9", "warning", 105.0),
    ]
    report = unit({"t3.new.total": 40, "t2.fees.amount": 0.02})
    report.text = {"other": "实际收取信息处理费200元。"}
    assert list(check_fee_amount(report, None)) == []
    report.text = {"other": "本机关2024年依据《政府信息公开信息处理费管理办法》共发出收费通知【请填写】件，实际收取信息处理费【请填写】元。"}
    assert list(check_fee_amount(report, None)) == []


# --- S12: the report's text not written yet ------------------------------------------------------


def test_s12_says_plainly_which_sections_have_no_text():
    from nianbao.report import Severity
    from nianbao.textcheck import check_written

    report = unit(ON_REQUEST)  # numbers only: the 文字 sheet is empty
    [finding] = check_written(report, None)
    assert (finding.rule, finding.severity, finding.cells[0].id) == ("S12", Severity.WARNING, "text.overview.intro")
    assert finding.message == (
        "报告的文字部分还没有写：「一、总体情况」、「五、存在的主要问题及改进情况」、「六、其他需要报告的事项」均为空；"
        "可先点“生成文字”（Excel 加载项或网页上的按钮；命令行 nianbao text）按表格数字生成初稿，再修改补充")
    report.text |= {"overview.platform": "本局网站专栏全年更新信息260条。", "other": "  "}
    [finding] = check_written(report, None)
    assert finding.message.startswith("报告的文字还没有写：「五、存在的主要问题及改进情况」、「六、其他需要报告的事项」均为空；")
    assert finding.cells[0].id == "text.problems.issues"
    report.text |= {"problems.improvements": "加强培训。", "other": "本局未收取信息处理费。"}
    assert list(check_written(report, None)) == []


def test_s12_says_nothing_of_sections_a_cut_off_text_never_gave():
    from nianbao.textcheck import check_written

    report = unit(ON_REQUEST)
    report.text["overview.platform"] = "本局网站专栏全年更新信息260条。"
    report.unread_text = ("problems.issues", "problems.improvements", "other")  # the page ended inside 五
    assert list(check_written(report, None)) == []
    report.unread_text = ("other",)
    [finding] = check_written(report, None)
    assert finding.message.startswith("报告的文字还没有写：「五、存在的主要问题及改进情况」为空；")


def test_s12_leaves_a_merge_summary_alone():
    from nianbao.textcheck import check_written

    totals = unit(ON_REQUEST)
    totals.meta.summary = True  # nianbao merge's 汇总: numbers only, by design
    assert list(check_written(totals, None)) == []

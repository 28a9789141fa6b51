"""check.combine: one order for every report's findings, causes before the identities they break."""

from __future__ import annotations

from workbooks import consistent_numbers, report, workbook

from nianbao.check import check, combine
from nianbao.report import CellRef, Finding, Severity
from nianbao.workbook.read import read_workbook


def rows(findings):
    return [(f.rule, f.severity.value, f.address, f.message) for f in findings]


def test_two_wrong_row_totals_come_before_the_column_total_they_break(tmp_path):
    r = read_workbook(workbook(tmp_path / "two.xlsx", cells={"t3.disclosed.total": 5, "t3.partial.total": 2}))
    assert rows(check(r)) == [
        ("T3-H", "error", "表三!J7", "表三「（一）予以公开」行：总计=5，自然人至其他各列之和=4，差1"),
        ("T3-H", "error", "表三!J8", "表三「（二）部分公开（区分处理的，只计这一情形，不计其他情形）」行：总计=2，自然人至其他各列之和=1，差1"),
        ("T3-V", "error", "表三!J28", "表三「总计」列：（七）总计=8，（一）至（六）各项之和=10，差2"
                                      + "（可能由表三!J7的行合计错误、表三!J8的行合计错误引起，请先改正这些单元格）"),
    ]


def test_a_cause_of_lower_severity_is_named_but_the_errors_stay_first(tmp_path):
    """Last year's 结转 says 表三!D6 is wrong (a warning): the two identities it breaks say so, and stay errors first."""
    r = read_workbook(workbook(tmp_path / "y1.xlsx", cells={"t3.carried_over.natural_person": 2}))
    note = "（可能由表三!D6的上年结转数与上年报告不符引起，请先改正该处）"
    assert [(f.rule, f.address, f.message) for f in check(r, report(consistent_numbers(), year=2023))] == [
        ("T3-ID", "表三!D29", "表三「自然人」列：一+二=7，三（七）+四=6，差1" + note),
        ("T3-H", "表三!J6", "表三「二、上年结转政府信息公开申请数量」行：总计=1，自然人至其他各列之和=2，差1" + note),
        ("Y1", "表三!D6", "表三「自然人」列：本年「二、上年结转」=2，上年报告「四、结转下年度继续办理」=1，差1"),
        ("Y2", "表二!D5", "表二「行政规范性文件」：现行有效件数=9，上年现行有效件数+本年制发−本年废止=11，差2"),
    ]


def test_findings_that_share_their_cell_or_read_each_others_cell_keep_their_order():
    def f(rule, focus, *reads):
        return Finding(rule, Severity.ERROR, rule, tuple(CellRef(c, c) for c in (focus, *reads)))

    same_cell = [f("T3-V", "t3.total.total", "t3.disclosed.total"), f("T3-H", "t3.total.total", "t3.total.business")]
    mutual = [f("T3-H", "a", "b"), f("T3-V", "b", "a")]
    assert combine(same_cell, [], []) == same_cell
    assert combine(mutual, [], []) == mutual


def test_acknowledged_warnings_go_last_and_errors_cannot_be_acknowledged():
    warning = Finding("P2", Severity.WARNING, "现行有效件数小于本年制发件数", (CellRef("t2.rules.issued", "表二!B4"),))
    error = Finding("T4-S", Severity.ERROR, "差3", (CellRef("t4.review.total", "表四!E5"),))
    got = combine([], [warning, error], [], acknowledged={warning.key: "已清理", error.key: "核实过"})
    assert [(x.rule, x.acknowledged, x.message) for x in got] == [
        ("T4-S", None, "差3（错误不能标记为已核实，须改正）"),
        ("P2", "已清理", "现行有效件数小于本年制发件数"),
    ]


def test_what_the_tool_could_not_read_is_apart_from_the_reports_errors():
    from nianbao.report import Verdict

    unread = Finding("D2", Severity.UNREAD, "数字连在一起", (CellRef("t2.normative.issued", "表二「行政规范性文件」行"),))
    warning = Finding("P2", Severity.WARNING, "现行有效件数小于本年制发件数", (CellRef("t2.rules.issued", "表二!B4"),))
    error = Finding("T4-S", Severity.ERROR, "差3", (CellRef("t4.review.total", "表四!E5"),))
    assert [Verdict.of(fs) for fs in ([unread, warning], [unread, error], [warning], [])] == [
        Verdict.INCOMPLETE, Verdict.ERRORS, Verdict.WARNINGS, Verdict.PASSED,
    ]
    got = combine([unread], [warning], [], acknowledged={unread.key: "已对照原件"})
    assert [(f.rule, f.acknowledged, f.message) for f in got] == [
        ("P2", None, "现行有效件数小于本年制发件数"),
        ("D2", None, "数字连在一起（未读取的内容不能标记为已核实，请对照原件填写）"),
    ]

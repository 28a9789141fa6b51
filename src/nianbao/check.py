"""check(report) -> findings: every rule that applies, with the unit's acknowledgements applied.

    >>> from nianbao.report import Report
    >>> [f.rule for f in check(Report.from_numbers({"t4.review.upheld": 1, "t4.review.total": 1}))]
    ['P5']

The numeric rules live in rules.py (one declaration each, also run over whole
counties by merge); this module adds what needs the report's text, and the
reading findings the report already carries.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace

from .report import Finding, Report, Severity, sort_findings
from .rules import evaluate, finding
from .schema import LEVELS, META_FIELDS, OWN_REPORT_LEVELS, TEXT_SLOTS, may_be_own_report
from .textcheck import TEXT_CHECKS

FEE_WORD = "信息处理费"
FEE_NOTICE_WORD = "收费通知"

ReportCheck = Callable[[Report, "Report | None"], Iterable[Finding]]


def _has_text(report: Report) -> bool:
    return any(report.text.get(s.key) for s in TEXT_SLOTS)


def check_fee_sentence(report: Report, last: Report | None) -> Iterable[Finding]:
    """S7: section 六 says what was charged under the 信息处理费 rules (docs/format.md §5.5 S7, §8)."""
    if not _has_text(report):
        return
    other = report.text.get("other", "")
    if FEE_WORD not in other:
        said = "为空" if not other else "没有提到信息处理费"
        yield finding(
            "S7",
            f"“六、其他需要报告的事项”{said}；应说明收取信息处理费的情况，如“本机关{report.meta.year or 'YYYY'}年未收取信息处理费。”",
            (report.ref("text.other"),),
        )


def check_fee_notices(report: Report, last: Report | None) -> Iterable[Finding]:
    """P6: applications dropped for unpaid fees imply fee notices, which 六 should mention (docs/format.md §5.4 P6)."""
    unpaid = report.number("t3.other_unpaid.total")
    if not _has_text(report) or not unpaid:
        return
    if FEE_NOTICE_WORD not in report.text.get("other", ""):
        yield finding(
            "P6",
            f"表三「逾期未按收费通知要求缴纳费用」有{unpaid}件，说明发出过收费通知；"
            "建议在“六、其他需要报告的事项”中说明收费通知件数和实际收费金额",
            (report.ref("t3.other_unpaid.total"), report.ref("text.other")),
        )


def check_own_report(report: Report, last: Report | None) -> Iterable[Finding]:
    """M2: only a government above the township files the 本级人民政府年度报告 (a merge counts it once).

    A township clerk who answered 是 made the county's merge take the township for the county
    government (issue 9 #12); the merge no longer does, and the unit is told here.
    """
    meta = report.meta
    if meta.government_own is None or meta.level not in LEVELS:
        return
    may = may_be_own_report(meta.level)
    if meta.government_own == may:
        return
    label = next(f.label for f in META_FIELDS if f.key == "government_own")
    if meta.government_own:
        why = (
            f"机关层级为“{meta.level}”，但「{label}」填了“是”：只有{'、'.join(OWN_REPORT_LEVELS)}自身的年度报告填“是”，"
            "乡镇人民政府、街道办事处和各部门填“否”；汇总时本报告按本单位计入，不作为本级人民政府的报告"
        )
    else:
        why = (
            f"机关层级为“{meta.level}”，但「{label}」填了“否”：人民政府自身的年度报告应填“是”（汇总时只计一次）；"
            "如果本单位不是人民政府本身（如政府办公室、部门），请改选机关层级"
        )
    yield finding("M2", why, (report.ref("meta.government_own"), report.ref("meta.level")))


# The checks on the narrative (P4, S5, S6, S10, S11, Y5, …) live in textcheck.py.
REPORT_CHECKS: list[ReportCheck] = [check_own_report, check_fee_sentence, check_fee_notices, *TEXT_CHECKS]


def acknowledge(findings: Iterable[Finding], acknowledged: dict[str, str]) -> list[Finding]:
    """Mark warnings the unit checked and explained as 已核实; errors stay errors."""
    out = []
    for f in findings:
        reason = acknowledged.get(f.key)
        if reason is None:
            out.append(f)
        elif f.severity is Severity.ERROR:
            out.append(replace(f, message=f.message + "（错误不能标记为已核实，须改正）"))
        elif not reason.strip():
            out.append(replace(f, message=f.message + "（标记了已核实，但未填写核实说明）"))
        else:
            out.append(replace(f, acknowledged=reason))
    return out


def check(report: Report, last: Report | None = None) -> list[Finding]:
    """All findings for ``report``: reading, numeric rules, cross-year (with ``last``), text."""
    findings = list(report.findings)
    findings += evaluate(report, last)
    for report_check in REPORT_CHECKS:
        findings += report_check(report, last)
    return sort_findings(acknowledge(findings, report.acknowledged))


def has_errors(findings: Iterable[Finding]) -> bool:
    return any(f.severity is Severity.ERROR for f in findings)


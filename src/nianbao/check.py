"""check(report) -> findings: every rule that applies, with the unit's acknowledgements applied.

    >>> from nianbao.report import Report
    >>> [f.rule for f in check(Report.from_numbers({"t4.review.upheld": 1, "t4.review.total": 1}))]
    ['S12', 'P5']

The numeric rules live in rules.py (one declaration each, also run over whole
counties by merge); this module adds what needs the report's text, and the
reading findings the report already carries. ``combine`` puts them together in
the one order every command shows (check, merge, the Excel button, the portal).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace

from .formats import DEFAULT
from .report import Finding, Report, Severity, sort_findings
from .rules import evaluate, finding
from .schema import LEVELS, OWN_REPORT_LEVELS, Format, may_be_own_report
from .textcheck import CROSS_YEAR_TEXT_CHECKS, TEXT_CHECKS

ReportCheck = Callable[[Report, "Report | None"], Iterable[Finding]]


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
    label = report.format.meta_field("government_own").label
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


# The checks on the narrative (S7, P6, P4, S5, S6, S10, S11, Y5, …) live in textcheck.py. REPORT_CHECKS need the
# report alone (a merge runs them in its workers); CROSS_YEAR_CHECKS need last year's report too.
REPORT_CHECKS: list[ReportCheck] = [check_own_report, *TEXT_CHECKS]
CROSS_YEAR_CHECKS: list[ReportCheck] = [*CROSS_YEAR_TEXT_CHECKS]


def report_findings(report: Report) -> list[Finding]:
    """What the REPORT_CHECKS find (the checks that need the report and nothing else)."""
    return [f for report_check in REPORT_CHECKS for f in report_check(report, None)]


def cross_year_findings(report: Report, last: Report | None) -> list[Finding]:
    """What the CROSS_YEAR_CHECKS find against last year's report (Y5, Y6); nothing without one."""
    if last is None:
        return []
    return [f for report_check in CROSS_YEAR_CHECKS for f in report_check(report, last)]


def acknowledge(findings: Iterable[Finding], acknowledged: dict[str, str]) -> list[Finding]:
    """Mark warnings the unit checked and explained as 已核实; errors stay errors."""
    out = []
    for f in findings:
        reason = acknowledged.get(f.key)
        if reason is None:
            out.append(f)
        elif f.severity is Severity.ERROR:
            out.append(replace(f, message=f.message + "（错误不能标记为已核实，须改正）"))
        elif f.severity is Severity.UNREAD:
            out.append(replace(f, message=f.message + "（未读取的内容不能标记为已核实，请对照原件填写）"))
        elif not reason.strip():
            out.append(replace(f, message=f.message + "（标记了已核实，但未填写核实说明）"))
        else:
            out.append(replace(f, acknowledged=reason))
    return out


# Table identities that one wrong cell elsewhere can break, and the findings that point at such a cell,
# with the words that name what is wrong there.
CONSEQUENCES = frozenset({"T3-ID", "T3-V", "T3-H", "T3-NEG", "T4-S"})
CAUSES = {
    "T3-H": "行合计错误",
    "T3-V": "列合计错误",
    "T3-ID": "勾稽关系错误",
    "T4-S": "总计错误",
    "Y1": "上年结转数与上年报告不符",
    "N1": "件数错误",
    "N2": "金额错误",
    "N4": "填写不规范",
}


def _where(f: Finding, fmt: Format) -> str:
    ref = f.cells[0]
    return ref.address or (fmt.cells[ref.id].label if ref.id in fmt.cells else ref.id)


def causes_first(findings: list[Finding], fmt: Format = DEFAULT) -> list[Finding]:
    """Within each severity, a broken identity comes after the finding at a cell it reads, and says so.

    When 表三!J7 (a row's 总计) is wrong, T3-H points at J7 and the column total T3-V at J28 breaks
    too: the clerk should fix J7 first, so T3-H is listed first and T3-V adds "（可能由表三!J7的行合计
    错误引起，请先改正该处）". A finding is a possible cause of another when the cell it points at is
    one the other reads (and not the other way round); otherwise the order is kept.
    """
    by_focus: dict[str, list[int]] = {}
    for j, f in enumerate(findings):
        if f.rule in CAUSES and f.cells:
            by_focus.setdefault(f.cells[0].id, []).append(j)
    causes: dict[int, list[int]] = {}
    for i, f in enumerate(findings):
        if f.rule not in CONSEQUENCES or not f.cells:
            continue
        for ref in f.cells[1:]:
            for j in by_focus.get(ref.id, ()):
                cause = findings[j]
                mutual = f.rule in CAUSES and any(c.id == f.cells[0].id for c in cause.cells[1:])
                if j != i and cause.cells[0].id != f.cells[0].id and not mutual and j not in causes.get(i, ()):
                    causes.setdefault(i, []).append(j)
    if not causes:
        return findings
    noted = list(findings)
    for i, js in causes.items():
        at: dict[str, list[str]] = {}  # one cell may be the cause twice (its row and its column total)
        for j in js:
            words = at.setdefault(_where(findings[j], fmt), [])
            if CAUSES[findings[j].rule] not in words:
                words.append(CAUSES[findings[j].rule])
        named = "、".join(f"{where}的{'、'.join(words)}" for where, words in at.items())
        fix = "该处" if len(at) == 1 else "这些单元格"
        noted[i] = replace(noted[i], message=f"{noted[i].message}（可能由{named}引起，请先改正{fix}）")

    def group(k: int) -> tuple[bool, int]:
        return findings[k].acknowledged is not None, findings[k].severity.rank

    # Each finding waits for its causes of the same group; across groups the severity order stands.
    waits = {i: {j for j in js if group(j) == group(i)} for i, js in causes.items()}
    pending, order = list(range(len(findings))), []
    done: set[int] = set()
    while pending:
        k = next((i for i in pending if waits.get(i, set()) <= done), pending[0])  # pending[0]: a cycle
        pending.remove(k)
        done.add(k)
        order.append(noted[k])
    return order


def combine(
    reading: Iterable[Finding],
    numeric: Iterable[Finding],
    text: Iterable[Finding],
    cross_year: Iterable[Finding] = (),
    acknowledged: dict[str, str] | None = None,
    fmt: Format = DEFAULT,
) -> list[Finding]:
    """One report's findings in the one order every command gives them.

    Reading (the report's own findings), numeric rules (Y1–Y3 and Y7 among them), text checks, cross-year
    text checks (Y5, Y6); then the unit's acknowledgements; then errors, warnings, hints, the
    acknowledged last, each causes first (``causes_first``). ``check`` and ``merge`` both end here,
    so a unit's findings in a merge are those of ``nianbao check`` on its file.
    """
    found = acknowledge([*reading, *numeric, *text, *cross_year], acknowledged or {})
    return causes_first(sort_findings(found), fmt)


def check(report: Report, last: Report | None = None) -> list[Finding]:
    """All findings for ``report``: reading, numeric rules, cross-year (with ``last``), text."""
    return combine(
        report.findings, evaluate(report, last), report_findings(report), cross_year_findings(report, last),
        report.acknowledged, report.format,
    )


def has_errors(findings: Iterable[Finding]) -> bool:
    return any(f.severity is Severity.ERROR for f in findings)


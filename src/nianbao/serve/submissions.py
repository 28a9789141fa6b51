"""A unit's versions for the year: receive an upload, mark warnings 已核实, submit, return, confirm.

    >>> sub = receive(unit, upload, who="峰灵镇（报送链接）", ip="10.0.0.5")   # doctest: +SKIP
    >>> sub.status, sub.errors                                                # doctest: +SKIP
    (<Status.FAILED: '校验未通过'>, 2)

Every change of state goes through ``Status.after`` (states.py). The checking
is the library's: ``check.check`` on the Report read by the library, with last
year's submitted Report of the same unit when the archive holds one (so Y1–Y3, Y7,
Y5 and Y6 run without the clerk supplying anything).
"""

from __future__ import annotations

import json
from dataclasses import replace

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from ..check import check
from ..report import Finding, Report, Severity, count_by_severity
from . import intake
from .intake import Expected, Rejected
from .models import Acknowledgement, Review, Submission, Unit
from .states import REFUSALS, Event, Status, TransitionRefused, allowed, checked_status
from .store import audit, blob_store


def latest(unit: Unit, year: int) -> Submission | None:
    return Submission.objects.filter(unit=unit, year=year).order_by("-version").first()


def unit_status(unit: Unit, year: int) -> Status:
    sub = latest(unit, year)
    return sub.status if sub else Status.NOT_SUBMITTED


def stored_report(sub: Submission) -> Report:
    """The Report as the library read it (with the workbook's own 已核实 entries)."""
    return Report.from_json(sub.report)


def page_acknowledgements(sub: Submission) -> dict[str, str]:
    return dict(sub.acknowledgements.values_list("key", "reason"))


def effective_report(sub: Submission, page: dict[str, str] | None = None) -> Report:
    """The stored Report with what the clerk marked 已核实 in the page added to the workbook's own.

    ``page`` is the version's page acknowledgements when the caller fetched them already (the 汇总 does, for all).
    """
    report = stored_report(sub)
    page = page_acknowledgements(sub) if page is None else page
    return replace(report, acknowledged={**report.acknowledged, **page})


def findings_of(sub: Submission) -> list[Finding]:
    return [Finding.from_dict(d) for d in json.loads(sub.findings)]


def last_year_report(unit: Unit, year: int) -> Report | None:
    """Last year's handed-in version of this unit, if the archive holds one."""
    sub = (Submission.objects.filter(unit=unit, year=year - 1, state__in=[Status.SUBMITTED.value, Status.CONFIRMED.value])
           .order_by("-version").first())
    return stored_report(sub) if sub else None


def _is_latest(sub: Submission) -> bool:
    newest = latest(sub.unit, sub.year)
    return newest is not None and newest.pk == sub.pk


def _set_findings(sub: Submission, findings: list[Finding]) -> None:
    counts = count_by_severity(findings)
    sub.findings = json.dumps([f.to_dict() for f in findings], ensure_ascii=False)
    sub.errors, sub.warnings, sub.infos = counts[Severity.ERROR], counts[Severity.WARNING], counts[Severity.INFO]


def _carried(previous: Submission | None, findings: list[Finding]) -> dict[str, str]:
    """The page's 已核实 reasons of the previous version whose warnings the new version still has."""
    if previous is None:
        return {}
    open_warnings = {f.key for f in findings if f.severity is Severity.WARNING}
    return {k: r for k, r in page_acknowledgements(previous).items() if k in open_warnings}


def receive(unit: Unit, upload, *, year: int | None, expected: Expected | None, who: str, ip: str = "",
            max_size: int) -> Submission:
    """Store an upload as the unit's next version, or raise Rejected (nothing kept) saying why.

    ``upload`` is a Django UploadedFile (``name``, ``size``, ``chunks()``).
    Order of writes: bytes staged and fsynced → read and checked → blob renamed
    into the store → database row committed; the caller answers after that.
    """
    name = str(upload.name or "")[:255]
    if upload.size > max_size:
        _rejected(unit, who, ip, name, intake.size_limit_message(upload.size, max_size))
    store = blob_store()
    staged = store.stage(upload.chunks())
    try:
        if staged.size > max_size:  # the declared size may lie; the bytes written do not
            raise Rejected(intake.size_limit_message(staged.size, max_size))
        report = intake.accept(staged.path, expected)
        the_year = year if year is not None else (report.meta.year or 0)  # --local: whatever year the workbook says
        previous = latest(unit, the_year)
        if previous is not None and not allowed(previous.status, Event.UPLOAD):
            raise Rejected(REFUSALS[Event.UPLOAD])
        last = last_year_report(unit, the_year) if the_year else None
        first = check(report, last)
        carried = _carried(previous, first)
        findings = check(replace(report, acknowledged={**report.acknowledged, **carried}), last) if carried else first
        store.commit(staged)
    except Rejected as e:
        store.discard(staged)
        _rejected(unit, who, ip, name, str(e))
    except BaseException:
        store.discard(staged)
        raise
    with transaction.atomic():
        Unit.objects.select_for_update().filter(pk=unit.pk).first()  # one upload of a unit at a time (PostgreSQL)
        previous = latest(unit, the_year)
        status = previous.status if previous else Status.NOT_SUBMITTED
        try:
            state = status.after(Event.UPLOAD, checked_status(findings))
        except TransitionRefused as e:
            _rejected(unit, who, ip, name, str(e))
        version = (Submission.objects.filter(unit=unit, year=the_year).aggregate(v=Max("version"))["v"] or 0) + 1
        sub = Submission(unit=unit, year=the_year, version=version, blob=staged.sha256, file_name=name, size=staged.size,
                         uploaded_at=timezone.now(), uploaded_from=ip[:64], report=report.to_json(indent=None),
                         state=state.value)
        _set_findings(sub, findings)
        sub.save()
        Acknowledgement.objects.bulk_create([Acknowledgement(submission=sub, key=k, reason=r) for k, r in carried.items()])
        audit("上传", who, unit=unit, submission=sub, ip=ip,
              detail=f"第{version}版「{name}」SHA-256 {staged.sha256}；{state.value}（{sub.errors}个错误、{sub.warnings}个警告）")
    return sub


def _rejected(unit: Unit, who: str, ip: str, name: str, reason: str):
    audit("上传被拒绝", who, unit=unit, ip=ip, detail=f"「{name}」：{reason}")
    raise Rejected(reason)


def _recheck(sub: Submission) -> list[Finding]:
    return check(effective_report(sub), last_year_report(sub.unit, sub.year))


def acknowledge(sub: Submission, key: str, reason: str | None, *, who: str, ip: str = "") -> Submission:
    """Mark the warning ``key`` 已核实 with ``reason`` (None: take the mark back). Errors cannot be marked."""
    reason = (reason or "").strip() if reason is not None else None
    finding = next((f for f in findings_of(sub) if f.key == key), None)
    if finding is None:
        raise TransitionRefused("没有找到这条校验结果，请刷新页面")
    if finding.severity is Severity.ERROR:
        raise TransitionRefused("错误不能标记为已核实，须改正后重新上传")
    if finding.severity is not Severity.WARNING:
        raise TransitionRefused("提示不需要核实")
    if reason is not None and not reason:
        raise TransitionRefused("请填写核实说明")
    with transaction.atomic():
        sub = Submission.objects.select_for_update().get(pk=sub.pk)
        if not _is_latest(sub):
            raise TransitionRefused("已有更新的版本，请刷新页面")
        if reason is None:
            Acknowledgement.objects.filter(submission=sub, key=key).delete()
        else:
            Acknowledgement.objects.update_or_create(submission=sub, key=key, defaults={"reason": reason})
        findings = _recheck(sub)
        state = sub.status.after(Event.ACKNOWLEDGE, checked_status(findings))
        _set_findings(sub, findings)
        sub.state = state.value
        sub.save()
        what = f"已核实：{reason}" if reason is not None else "取消已核实"
        audit("核实" if reason is not None else "取消核实", who, unit=sub.unit, submission=sub, ip=ip, detail=f"{finding.rule} {finding.address}：{what}")
    return sub


def _move(sub: Submission, event: Event, action: str, *, by=None, who: str, comment: str = "", ip: str = "") -> Submission:
    with transaction.atomic():
        sub = Submission.objects.select_for_update().get(pk=sub.pk)
        if not _is_latest(sub):
            raise TransitionRefused("已有更新的版本，请刷新页面")
        sub.state = sub.status.after(event).value
        sub.save(update_fields=["state"])
        Review.objects.create(submission=sub, action=action, comment=comment, by=by)
        audit(action, who, unit=sub.unit, submission=sub, ip=ip, detail=f"第{sub.version}版" + (f"：{comment}" if comment else ""))
    return sub


def submit(sub: Submission, *, who: str, ip: str = "") -> Submission:
    return _move(sub, Event.SUBMIT, Review.SUBMIT, who=who, ip=ip)


def return_(sub: Submission, comment: str, *, by, ip: str = "") -> Submission:
    comment = comment.strip()
    if not comment:
        raise TransitionRefused("退回时请填写意见，说明需要修改什么")
    return _move(sub, Event.RETURN, Review.RETURN, by=by, who=by.get_username(), comment=comment, ip=ip)


def confirm(sub: Submission, *, by, ip: str = "") -> Submission:
    return _move(sub, Event.CONFIRM, Review.CONFIRM, by=by, who=by.get_username(), ip=ip)


def last_return(sub: Submission) -> Review | None:
    if sub.status is not Status.RETURNED:
        return None
    return sub.reviews.filter(action=Review.RETURN).order_by("-at", "-id").first()

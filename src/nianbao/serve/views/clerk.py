"""The clerk's page, reached through the unit's private link (or, with --local, at /): no account.

Template → upload → findings in the page (with the tables drawn and the wrong
cells marked) → 已核实 with a reason → annotated copy, 生成文字, Word/web page
→ 提交. Every lookup goes through the link's unit: another unit's versions
are simply not found (404).
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

from django import forms
from django.conf import settings
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST
from django_ratelimit.core import is_ratelimited

from ...merge.roster import Roster, RosterEntry
from .. import links, submissions
from ..intake import Expected, Rejected
from ..models import Submission, Unit
from ..present import findings_view, safe_file_name, tables_html
from ..states import Event, Status, TransitionRefused, allowed
from ..store import audit, blob_store, portal
from .common import client_ip, not_found, rate_limited

LOCAL_UNIT = "本机校验"
TOKEN_MISSES = "30/m"  # wrong tokens per address: enough for typos, far too few to guess 192 bits
TOKEN_REQUESTS = "120/m"  # requests per link
UPLOADS = "20/m"


@dataclass
class Desk:
    """Whose page this is: the unit, the year being collected, what an upload must match."""

    unit: Unit
    year: int | None
    expected: Expected | None
    token: str | None

    @property
    def who(self) -> str:
        return "本机" if self.token is None else f"{self.unit.name}（报送链接）"

    def url(self, name: str, **kwargs) -> str:
        if self.token is None:
            return reverse(f"local-{name}", kwargs=kwargs)
        return reverse(f"clerk-{name}", kwargs={"token": self.token, **kwargs})


class UploadForm(forms.Form):
    file = forms.FileField(label="年报工作簿（.xlsx）", max_length=255, error_messages={
        "required": "请选择要上传的年报工作簿（.xlsx）",
        "empty": "文件是空的（0字节），可能复制、下载或保存没有完成；请在Excel或WPS中重新保存后再上传",
        "invalid": "没有收到文件，请重新选择后上传",
        "max_length": "文件名太长（超过255个字），请改短后再上传",
    })


class AcknowledgeForm(forms.Form):
    key = forms.CharField(max_length=500)
    reason = forms.CharField(required=False, max_length=2000)
    undo = forms.BooleanField(required=False)


def _roster_of(units: list[Unit]) -> Roster:
    return Roster([RosterEntry(i, u.name, u.level, u.code) for i, u in enumerate(units)], "门户单位名单")


def _desk(request, token: str | None) -> Desk:
    if token is None:
        if not settings.NIANBAO.local:
            raise Http404
        unit, _ = Unit.objects.get_or_create(name=LOCAL_UNIT)
        return Desk(unit, None, None, None)
    if is_ratelimited(request, group="token-miss", key="ip", rate=TOKEN_MISSES, increment=False):
        raise _Limited
    unit = links.unit_for_token(token)
    if unit is None:
        is_ratelimited(request, group="token-miss", key="ip", rate=TOKEN_MISSES, increment=True)
        raise Http404
    if is_ratelimited(request, group="token", key=lambda g, r: links.token_hash(token), rate=TOKEN_REQUESTS, increment=True):
        raise _Limited
    year = portal().year
    active = list(Unit.objects.filter(retired=False).order_by("order", "id"))
    index = next(i for i, u in enumerate(active) if u.pk == unit.pk)
    return Desk(unit, year, Expected(unit.name, year, _roster_of(active), index) if year else None, token)


class _Limited(Exception):
    pass


def clerk_view(view):
    """Resolve the link (404 for an unknown one, 429 when rate-limited) and pass the Desk on."""

    def wrapped(request, token: str | None = None, **kwargs):
        try:
            desk = _desk(request, token)
        except _Limited:
            return rate_limited(request)
        except Http404:
            return not_found(request)
        return view(request, desk, **kwargs)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


def _version(desk: Desk, version: int) -> Submission:
    year = desk.year if desk.year is not None else None
    qs = Submission.objects.filter(unit=desk.unit, version=version)
    if year is not None:
        qs = qs.filter(year=year)
    sub = qs.order_by("-year").first()
    if sub is None:
        raise Http404
    return sub


def _current(desk: Desk) -> Submission | None:
    qs = Submission.objects.filter(unit=desk.unit)
    if desk.year is not None:
        qs = qs.filter(year=desk.year)
    return qs.order_by("-uploaded_at", "-version").first()


def _context(desk: Desk, *, rejected: str | None = None, message: str | None = None) -> dict:
    sub = _current(desk)
    versions = []
    if sub is not None:
        versions = list(Submission.objects.filter(unit=desk.unit, year=sub.year).order_by("-version")
                        .only("version", "uploaded_at", "file_name", "state", "errors", "warnings", "infos", "blob", "size"))
    status = sub.status if sub else Status.NOT_SUBMITTED
    urls = {"page": desk.url("page"), "upload": desk.url("upload"), "template": desk.url("template")}
    ctx: dict = {
        "desk": desk, "unit": desk.unit, "year": desk.year, "status": status, "sub": sub, "versions": versions,
        "rejected": rejected, "message": message, "form": UploadForm(),
        "can_upload": allowed(status, Event.UPLOAD), "can_submit": sub is not None and allowed(status, Event.SUBMIT),
        "can_acknowledge": sub is not None and allowed(status, Event.ACKNOWLEDGE),
        "returned": submissions.last_return(sub) if sub else None,
        "urls": urls,
    }
    if sub is not None:
        report = submissions.effective_report(sub)
        findings = submissions.findings_of(sub)
        ctx["groups"] = findings_view(findings)
        ctx["tables_html"] = tables_html(report, findings)
        ctx["meta"] = report.meta
        v = {"version": sub.version}
        urls.update({
            "acknowledge": desk.url("acknowledge", **v), "submit": desk.url("submit", **v),
            "annotated": desk.url("annotated", **v), "text": desk.url("text", **v),
            "docx": desk.url("docx", **v), "html": desk.url("html", **v),
        })
        for s in versions:
            s.url = desk.url("original", version=s.version)
    return ctx


def _page(request, desk: Desk, status: int = 200, **extra):
    template = "nianbao/clerk/_work.html" if request.headers.get("HX-Request") else "nianbao/clerk/page.html"
    return render(request, template, _context(desk, **extra), status=status)


def _changed(request, desk: Desk, **extra):
    """After a change: htmx swaps in the work area (with a message, if any); a plain form post gets
    redirected to the page, so a reload does not post again."""
    if request.headers.get("HX-Request"):
        return _page(request, desk, **extra)
    return redirect(desk.url("page"))


@require_GET
@clerk_view
def page(request, desk: Desk):
    return render(request, "nianbao/clerk/page.html", _context(desk))


@require_GET
@clerk_view
def template(request, desk: Desk):
    """The template with the unit's name, level and year already filled in (the library's builder)."""
    from ...report import Report
    from ...workbook.build import write_report

    if desk.token is None:
        report = Report.empty()
        name = "年报模板.xlsx"
    else:
        report = Report.empty(name=desk.unit.name, level=desk.unit.level, year=desk.year)
        name = f"{desk.unit.name}-{desk.year or ''}年报.xlsx"
    return _temp_download(lambda path: write_report(report, path), name)


@require_POST
@clerk_view
def upload(request, desk: Desk):
    if is_ratelimited(request, group="upload", key=lambda g, r: str(desk.unit.pk), rate=UPLOADS, increment=True):
        return rate_limited(request)
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        reason = form.errors["file"][0]
        name = getattr(request.FILES.get("file"), "name", "")
        audit("上传被拒绝", desk.who, unit=desk.unit, ip=client_ip(request), detail=f"「{name}」：{reason}")
        return _page(request, desk, rejected=reason)
    if desk.token is not None and desk.year is None:
        return _page(request, desk, rejected="县（市、区）尚未设置本次报送的年度，暂不能上传；请联系县（市、区）政务公开工作机构")
    try:
        submissions.receive(desk.unit, form.cleaned_data["file"], year=desk.year, expected=desk.expected,
                            who=desk.who, ip=client_ip(request), max_size=settings.NIANBAO.max_upload)
    except Rejected as e:
        return _page(request, desk, rejected=str(e))
    return _changed(request, desk)


@require_POST
@clerk_view
def acknowledge(request, desk: Desk, version: int):
    sub = _version(desk, version)
    form = AcknowledgeForm(request.POST)
    if not form.is_valid():
        return _page(request, desk, rejected="核实说明不完整，请重新填写")
    undo = form.cleaned_data["undo"]
    try:
        submissions.acknowledge(sub, form.cleaned_data["key"], None if undo else form.cleaned_data["reason"],
                                who=desk.who, ip=client_ip(request))
    except TransitionRefused as e:
        return _page(request, desk, rejected=str(e))
    return _changed(request, desk)


@require_POST
@clerk_view
def submit(request, desk: Desk, version: int):
    sub = _version(desk, version)
    try:
        submissions.submit(sub, who=desk.who, ip=client_ip(request))
    except TransitionRefused as e:
        return _page(request, desk, rejected=str(e))
    return _changed(request, desk, message="已提交。县（市、区）政务公开工作机构审核后，本页会显示“已确认”或退回意见。")


@require_GET
@clerk_view
def original(request, desk: Desk, version: int):
    sub = _version(desk, version)
    return blob_download(sub)


@require_GET
@clerk_view
def annotated(request, desk: Desk, version: int):
    return annotated_download(_version(desk, version))


@require_GET
@clerk_view
def text(request, desk: Desk, version: int):
    """生成文字: the uploaded workbook with the empty 文字 slots filled from its numbers (nianbao text)."""
    from ...errors import NianbaoError
    from ...textsheet import text as write_text

    sub = _version(desk, version)
    last = submissions.last_year_report(sub.unit, sub.year) if sub.year else None
    with blob_store().path(sub.blob) as blob:
        try:
            return _temp_download(lambda path: write_text(blob, path, last=last), f"{_stem(sub)}-文字.xlsx")
        except NianbaoError as e:
            return _page(request, desk, rejected=f"无法生成文字：{e.message}")


@require_GET
@clerk_view
def export_docx(request, desk: Desk, version: int):
    return _export(request, desk, _version(desk, version), "docx")


@require_GET
@clerk_view
def export_html(request, desk: Desk, version: int):
    return _export(request, desk, _version(desk, version), "html")


def _export(request, desk: Desk, sub: Submission, kind: str):
    from ...export import ExportRefused, export_report

    report = submissions.effective_report(sub)
    last = submissions.last_year_report(sub.unit, sub.year) if sub.year else None
    try:
        return _temp_download(lambda path: export_report(report, sub.file_name, last=last, **{kind: path}),
                              f"{report.meta.title or _stem(sub)}.{kind}")
    except ExportRefused as e:
        return _page(request, desk, rejected=f"报告有{len(e.errors)}个错误，改正后才能导出Word和网页")


# --- downloads shared with the county's pages ------------------------------------------------------------


def _stem(sub: Submission) -> str:
    return Path(safe_file_name(sub.file_name)).stem


def blob_download(sub: Submission) -> FileResponse:
    data = blob_store().read(sub.blob)
    return _bytes_download(data, safe_file_name(sub.file_name))


def annotated_download(sub: Submission):
    from ...workbook.annotate import annotate

    report = submissions.effective_report(sub)
    findings = submissions.findings_of(sub)
    with blob_store().path(sub.blob) as blob:
        return _temp_download(lambda path: annotate(blob, findings, path, report.acknowledged),
                              f"{_stem(sub)}-校验结果.xlsx")


def _temp_download(write, name: str):
    """Run ``write(path)`` into a private temp folder and send the file; nothing stays on disk."""
    with tempfile.TemporaryDirectory(prefix="nianbao-out-") as folder:
        path = Path(folder) / ("out" + Path(name).suffix)
        write(path)
        data = path.read_bytes()
    return _bytes_download(data, safe_file_name(name))


def _bytes_download(data: bytes, name: str) -> HttpResponse:
    import io

    return FileResponse(io.BytesIO(data), as_attachment=True, filename=name)

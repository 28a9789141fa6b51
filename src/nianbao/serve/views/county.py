"""The county's pages (login; administrator and reviewer): 报送情况, units and links, a unit's versions, 汇总.

Administrators (superusers) load the roster, set the year, manage units,
links and accounts; reviewers see everything, 退回 and 确认, and download.
"""

from __future__ import annotations

import io
import tempfile
from collections.abc import Callable
from functools import wraps
from pathlib import Path

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views.decorators.http import require_GET, require_POST
from django_ratelimit.decorators import ratelimit

from ...errors import SourceError
from .. import collect, links, submissions, units
from ..models import AuditEvent, Link, Submission, Unit
from ..present import findings_view, safe_file_name
from ..states import Event, Status, TransitionRefused, allowed
from ..store import audit, blob_store, portal
from .clerk import annotated_download, blob_download
from .common import client_ip, notice

LOGIN_PER_ADDRESS = "20/m"
LOGIN_PER_NAME = "5/m"
SORTS = {
    "order": lambda r: r.order,
    "name": lambda r: r.unit.name,
    "status": lambda r: (list(Status).index(r.status), r.order),
    "time": lambda r: (r.uploaded_at is None, -(r.uploaded_at.timestamp() if r.uploaded_at else 0)),
    "errors": lambda r: (-(r.sub.errors if r.sub else -1), r.order),
    "warnings": lambda r: (-(r.sub.warnings if r.sub else -1), r.order),
}


def admin_required(view):
    @wraps(view)
    @login_required
    def wrapped(request, *args, **kwargs):
        if not request.user.is_superuser:
            return notice(request, "没有权限", "这项操作只有管理员可以进行。", 403)
        return view(request, *args, **kwargs)

    return wrapped


def _year_or_none() -> int | None:
    return portal().year


# --- login ----------------------------------------------------------------------------------------------


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": "用户名或密码不正确。",
        "inactive": "这个账号已停用。",
    }


@method_decorator(ratelimit(key="ip", rate=LOGIN_PER_ADDRESS, method="POST", block=True), name="post")
@method_decorator(ratelimit(key="post:username", rate=LOGIN_PER_NAME, method="POST", block=True), name="post")
class Login(auth_views.LoginView):
    template_name = "nianbao/county/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        audit("登录", self.request.user.get_username(), ip=client_ip(self.request))
        return response

    def form_invalid(self, form):
        name = str(self.request.POST.get("username", ""))[:150]
        audit("登录失败", name or "（未填用户名）", ip=client_ip(self.request))
        return super().form_invalid(form)


@require_POST
def logout(request):
    from django.contrib.auth import logout as end

    if request.user.is_authenticated:
        audit("退出", request.user.get_username(), ip=client_ip(request))
    end(request)
    return redirect("county-login")


# --- 报送情况 ---------------------------------------------------------------------------------------------


def _status_context(request) -> dict:
    year = _year_or_none()
    rows = collect.status_rows(year) if year else []
    counts = dict.fromkeys(Status, 0)
    for r in rows:
        counts[r.status] += 1
    wanted = request.GET.get("state", "")
    shown = [r for r in rows if not wanted or r.status.value == wanted]
    sort = request.GET.get("sort", "order")
    shown.sort(key=SORTS.get(sort, SORTS["order"]))
    return {"year": year, "rows": shown, "counts": [(s, counts[s]) for s in Status], "state": wanted, "sort": sort,
            "total": len(rows), "counted": sum(1 for r in rows if r.status.counted)}


@require_GET
@login_required
def status(request):
    template = "nianbao/county/_status_table.html" if request.headers.get("HX-Request") else "nianbao/county/status.html"
    return render(request, template, _status_context(request))


@require_GET
@login_required
def overview(request):
    """The merge library's 报送情况 categories for what would go into the 汇总 now (loaded on demand)."""
    year = _year_or_none()
    result = collect.merged(year, None) if year else None
    return render(request, "nianbao/county/_overview.html", {"result": result, "year": year})


@require_GET
@login_required
def summary(request):
    year = _year_or_none()
    if not year:
        return notice(request, "尚未设置年度", "请管理员先在“单位与链接”页设置报送年度。", 409)
    with tempfile.TemporaryDirectory(prefix="nianbao-sum-") as folder:
        path = Path(folder) / "汇总.xlsx"
        collect.write_summary(year, path)
        data = path.read_bytes()
    audit("下载汇总", request.user.get_username(), ip=client_ip(request), detail=f"{year}年度")
    return FileResponse(io.BytesIO(data), as_attachment=True, filename=f"{portal().title}{year}年度汇总.xlsx")


@require_GET
@login_required
def submissions_zip(request):
    year = _year_or_none()
    if not year:
        return notice(request, "尚未设置年度", "请管理员先在“单位与链接”页设置报送年度。", 409)
    with tempfile.TemporaryDirectory(prefix="nianbao-zip-") as folder:
        path = Path(folder) / "all.zip"
        n = collect.write_zip(year, path, blob_store())
        data = path.read_bytes()
    audit("下载全部报送文件", request.user.get_username(), ip=client_ip(request), detail=f"{year}年度，{n}个单位")
    return FileResponse(io.BytesIO(data), as_attachment=True, filename=f"{portal().title}{year}年度报送文件.zip")


# --- a unit's page ---------------------------------------------------------------------------------------


class ReturnForm(forms.Form):
    comment = forms.CharField(label="退回意见", max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
                              error_messages={"required": "退回时请填写意见，说明需要修改什么"})


@require_GET
@login_required
def unit_page(request, unit_id: int):
    unit = get_object_or_404(Unit, pk=unit_id)
    year = _year_or_none()
    versions = list(Submission.objects.filter(unit=unit, year=year).order_by("-version")) if year else []
    current = versions[0] if versions else None
    shown = []
    for sub in versions:
        shown.append({"sub": sub, "groups": findings_view(submissions.findings_of(sub)),
                      "reviews": list(sub.reviews.select_related("by").all())})
    return render(request, "nianbao/county/unit.html", {
        "unit": unit, "year": year, "versions": shown, "current": current,
        "status": current.status if current else Status.NOT_SUBMITTED,
        "can_return": current is not None and allowed(current.status, Event.RETURN),
        "can_confirm": current is not None and allowed(current.status, Event.CONFIRM),
        "return_form": ReturnForm(), "link": links.active_link(unit),
        "events": AuditEvent.objects.filter(unit=unit).select_related("submission")[:50],
    })


def _unit_version(unit_id: int, version: int) -> Submission:
    year = _year_or_none()
    sub = Submission.objects.filter(unit_id=unit_id, year=year, version=version).first()
    if sub is None:
        raise Http404
    return sub


@require_POST
@login_required
def return_version(request, unit_id: int, version: int):
    sub = _unit_version(unit_id, version)
    form = ReturnForm(request.POST)
    if not form.is_valid():
        messages.error(request, form.errors["comment"][0])
        return redirect("county-unit", unit_id=unit_id)
    return _decide(request, unit_id, f"已退回第{version}版，填报单位会在报送页面看到退回意见。",
                   lambda: submissions.return_(sub, form.cleaned_data["comment"], by=request.user, ip=client_ip(request)))


@require_POST
@login_required
def confirm_version(request, unit_id: int, version: int):
    sub = _unit_version(unit_id, version)
    return _decide(request, unit_id, f"已确认第{version}版。",
                   lambda: submissions.confirm(sub, by=request.user, ip=client_ip(request)))


def _decide(request, unit_id: int, done: str, transition: Callable[[], object]):
    """The county's decision on a version: said as done, or why the state machine refused it; back to the unit."""
    try:
        transition()
        messages.success(request, done)
    except TransitionRefused as e:
        messages.error(request, str(e))
    return redirect("county-unit", unit_id=unit_id)


@require_GET
@login_required
def version_original(request, unit_id: int, version: int):
    return blob_download(_unit_version(unit_id, version))


@require_GET
@login_required
def version_annotated(request, unit_id: int, version: int):
    return annotated_download(_unit_version(unit_id, version))


# --- units, year and links (administrators) ----------------------------------------------------------------


class YearForm(forms.Form):
    year = forms.IntegerField(label="报告年度", min_value=2021, max_value=2100)
    title = forms.CharField(label="本级名称（如“巫溪县”）", max_length=100, required=False)


class RosterForm(forms.Form):
    file = forms.FileField(label="名单（.xlsx 或 .csv）")


class UnitForm(forms.Form):
    name = forms.CharField(label="单位名称", max_length=200)
    level = forms.ChoiceField(label="机关层级", required=False,
                              choices=[("", "（未填）")] + [(lv, lv) for lv in units.LEVELS])
    code = forms.CharField(label="代码", max_length=100, required=False)


class IssueForm(forms.Form):
    scope = forms.ChoiceField(choices=[("missing", "missing"), ("all", "all")])
    format = forms.ChoiceField(choices=[("xlsx", "xlsx"), ("print", "print")])


@require_GET
@login_required
def units_page(request):
    p = portal()
    rows = []
    for u in Unit.objects.order_by("retired", "order", "id"):
        rows.append({"unit": u, "link": links.active_link(u)})
    return render(request, "nianbao/county/units.html", {
        "rows": rows, "year_form": YearForm(initial={"year": p.year, "title": p.title}),
        "roster_form": RosterForm(), "unit_form": UnitForm(),
    })


@require_POST
@admin_required
def set_year(request):
    form = YearForm(request.POST)
    if form.is_valid():
        p = portal()
        before = p.year
        p.year, p.title = form.cleaned_data["year"], form.cleaned_data["title"].strip()
        p.save()
        audit("设置年度", request.user.get_username(), ip=client_ip(request), detail=f"{before}→{p.year}；{p.title}")
        messages.success(request, f"报送年度已设为{p.year}年。")
    else:
        messages.error(request, "年度应为2021年及以后的整数年份。")
    return redirect("county-units")


@require_POST
@admin_required
def load_roster(request):
    form = RosterForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, "请选择名单文件（.xlsx 或 .csv）。")
        return redirect("county-units")
    upload = form.cleaned_data["file"]
    suffix = Path(safe_file_name(upload.name)).suffix.lower()
    if suffix not in (".xlsx", ".csv"):
        messages.error(request, "名单应为Excel工作簿（.xlsx）或CSV文件。")
        return redirect("county-units")
    with tempfile.TemporaryDirectory(prefix="nianbao-roster-") as folder:
        path = Path(folder) / ("roster" + suffix)
        with path.open("wb") as f:
            for chunk in upload.chunks():
                f.write(chunk)
        try:
            result = units.load_roster(path)
        except SourceError as e:
            messages.error(request, f"名单无法读取：{e.message}")
            return redirect("county-units")
    audit("导入名单", request.user.get_username(), ip=client_ip(request),
          detail=f"新增{len(result.added)}个、更新{len(result.updated)}个、停用{len(result.retired)}个")
    messages.success(request, f"名单已导入：新增{len(result.added)}个单位，更新{len(result.updated)}个"
                              + (f"，停用不在名单中的{len(result.retired)}个（{'、'.join(result.retired[:5])}）" if result.retired else "") + "。")
    for problem in result.problems[:20]:
        messages.warning(request, problem)
    return redirect("county-units")


@require_POST
@admin_required
def add_unit(request):
    form = UnitForm(request.POST)
    if form.is_valid():
        try:
            unit = units.add_unit(form.cleaned_data["name"], form.cleaned_data["level"], form.cleaned_data["code"])
            audit("添加单位", request.user.get_username(), unit=unit, ip=client_ip(request), detail=unit.name)
            messages.success(request, f"已添加“{unit.name}”。")
        except ValidationError as e:
            messages.error(request, e.messages[0])
    else:
        messages.error(request, "请填写单位名称。")
    return redirect("county-units")


@require_POST
@admin_required
def edit_unit(request, unit_id: int):
    unit = get_object_or_404(Unit, pk=unit_id)
    action = request.POST.get("action", "")
    who, ip = request.user.get_username(), client_ip(request)
    try:
        if action == "rename":
            before = unit.name
            units.rename_unit(unit, request.POST.get("name", ""), request.POST.get("level"))
            audit("修改单位", who, unit=unit, ip=ip, detail=f"{before}→{unit.name}（{unit.level or '层级未填'}）")
            messages.success(request, f"已修改为“{unit.name}”。")
        elif action in ("retire", "restore"):
            units.set_retired(unit, action == "retire")
            if action == "retire":
                links.revoke(unit)
            audit("停用单位" if action == "retire" else "恢复单位", who, unit=unit, ip=ip, detail=unit.name)
            messages.success(request, f"已{'停用' if action == 'retire' else '恢复'}“{unit.name}”。")
        elif action == "revoke":
            links.revoke(unit)
            audit("撤销链接", who, unit=unit, ip=ip, detail=unit.name)
            messages.success(request, f"“{unit.name}”的报送链接已撤销。")
        else:
            raise Http404
    except ValidationError as e:
        messages.error(request, e.messages[0])
    if request.POST.get("back") == "unit":
        return redirect("county-unit", unit_id=unit.pk)
    return redirect("county-units")


def _base_url(request) -> str:
    from django.conf import settings

    return settings.NIANBAO.base_url or request.build_absolute_uri("/").rstrip("/")


def _issue(request, targets: list[Unit]) -> list[dict]:
    base = _base_url(request)
    out = []
    for unit in targets:
        token = links.issue(unit, request.user)
        audit("发放链接", request.user.get_username(), unit=unit, ip=client_ip(request), detail=unit.name)
        out.append({"unit": unit, "url": f"{base}/u/{token}/"})
    return out


@require_POST
@admin_required
def issue_links(request):
    """Issue links and hand them over once (only their hashes are kept): as a workbook or a printable page."""
    form = IssueForm(request.POST)
    unit_id = request.POST.get("unit")
    if unit_id:
        targets = [get_object_or_404(Unit, pk=unit_id, retired=False)]
    elif form.is_valid():
        active = collect.active_units()
        live = set(Link.objects.filter(revoked_at__isnull=True).values_list("unit_id", flat=True))
        targets = active if form.cleaned_data["scope"] == "all" else [u for u in active if u.pk not in live]
    else:
        raise Http404
    if not targets:
        messages.info(request, "所有单位都已有有效的报送链接；如需全部重新发放，请选择“全部重新发放”。")
        return redirect("county-units")
    issued = _issue(request, targets)
    year = _year_or_none()
    if form.is_valid() and form.cleaned_data["format"] == "xlsx":
        return FileResponse(io.BytesIO(links_workbook(issued, year)), as_attachment=True,
                            filename=f"{portal().title}{year or ''}年报报送链接.xlsx")
    return render(request, "nianbao/county/links_print.html", {"issued": issued, "year": year,
                                                                "issued_at": timezone.now()})


def links_workbook(issued: list[dict], year: int | None) -> bytes:
    """One row per unit: name, level, link. XlsxWriter with strings kept as strings (never formulas or URLs)."""
    import xlsxwriter

    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
                                   "strings_to_numbers": False})
    ws = wb.add_worksheet("报送链接")
    head = wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "font_name": "宋体"})
    body = wb.add_format({"border": 1, "font_name": "宋体", "text_wrap": True, "valign": "vcenter"})
    ws.write_row(0, 0, ["序号", "单位名称", "机关层级", f"{year or ''}年度年报报送链接（仅本单位使用，请勿转发）"], head)
    for i, item in enumerate(issued, start=1):
        ws.write_string(i, 0, str(i), body)
        ws.write_string(i, 1, item["unit"].name, body)
        ws.write_string(i, 2, item["unit"].level or "", body)
        ws.write_string(i, 3, item["url"], body)
    ws.set_column(0, 0, 6)
    ws.set_column(1, 1, 34)
    ws.set_column(2, 2, 12)
    ws.set_column(3, 3, 80)
    ws.freeze_panes(1, 0)
    ws.set_landscape()
    ws.fit_to_pages(1, 0)
    wb.close()
    return buf.getvalue()


# --- audit and accounts -----------------------------------------------------------------------------------


@require_GET
@admin_required
def audit_page(request):
    events = AuditEvent.objects.select_related("unit", "submission").all()[:500]
    return render(request, "nianbao/county/audit.html", {"events": events})


class AccountForm(forms.Form):
    username = forms.CharField(label="用户名", max_length=150)
    password = forms.CharField(label="密码", widget=forms.PasswordInput, max_length=200)
    role = forms.ChoiceField(label="角色", choices=[("reviewer", "审核人员"), ("admin", "管理员")])


@require_GET
@admin_required
def accounts(request):
    users = get_user_model().objects.order_by("-is_superuser", "username")
    return render(request, "nianbao/county/accounts.html", {"users": users, "form": AccountForm()})


@require_POST
@admin_required
def add_account(request):
    form = AccountForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写用户名、密码和角色。")
        return redirect("county-accounts")
    User = get_user_model()
    name = form.cleaned_data["username"].strip()
    if User.objects.filter(username=name).exists():
        messages.error(request, f"用户名“{name}”已存在。")
        return redirect("county-accounts")
    user = User(username=name, is_superuser=form.cleaned_data["role"] == "admin", is_staff=form.cleaned_data["role"] == "admin")
    try:
        validate_password(form.cleaned_data["password"], user)
    except ValidationError as e:
        messages.error(request, "密码不符合要求：" + "；".join(e.messages))
        return redirect("county-accounts")
    user.set_password(form.cleaned_data["password"])
    user.save()
    audit("添加账号", request.user.get_username(), ip=client_ip(request), detail=f"{name}（{'管理员' if user.is_superuser else '审核人员'}）")
    messages.success(request, f"已添加账号“{name}”。")
    return redirect("county-accounts")


@require_POST
@admin_required
def toggle_account(request, user_id: int):
    user = get_object_or_404(get_user_model(), pk=user_id)
    if user.pk == request.user.pk:
        messages.error(request, "不能停用自己的账号。")
        return redirect("county-accounts")
    user.is_active = not user.is_active
    user.save(update_fields=["is_active"])
    audit("停用账号" if not user.is_active else "启用账号", request.user.get_username(), ip=client_ip(request), detail=user.username)
    return redirect("county-accounts")

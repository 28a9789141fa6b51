"""What every page shares: the portal's name and year, the client's address, refusals as pages."""

from __future__ import annotations

from django.conf import settings
from django.shortcuts import render

from ..store import portal


def portal_context(request) -> dict:
    try:
        p = portal()
        year, title = p.year, p.title
    except Exception:  # before the first migration (a health check, a misconfigured database): no banner
        year, title = None, ""
    return {"portal_year": year, "portal_title": title, "local_mode": settings.NIANBAO.local,
            "max_upload": settings.NIANBAO.max_upload}


def client_ip(request) -> str:
    return request.META.get("REMOTE_ADDR", "")[:64]


def notice(request, title: str, message: str, status: int):
    """A short page that says what happened and what to do, for refusals outside a form."""
    return render(request, "nianbao/notice.html", {"title": title, "message": message}, status=status)


def rate_limited(request, exception=None):
    return notice(request, "操作太频繁", "短时间内的请求太多，请稍等一分钟后再试。", 429)


def csrf_failure(request, reason=""):
    return notice(request, "页面已过期", "页面已过期或来源不明（安全校验未通过）。请刷新页面后重新操作。", 403)


def not_found(request, exception=None):
    return notice(request, "找不到页面", "链接无效、已撤销，或者这个文件不存在。请向县（市、区）政务公开工作机构索取新的报送链接。", 404)


def server_error(request):
    return notice(request, "出现了意外错误", "服务器处理时出现意外错误，已记录。请稍后重试；如果一再出现，请联系管理员。", 500)

"""Routes: the clerk's page under /u/<token>/ (or / with --local), the county's under /county/."""

from __future__ import annotations

from django.conf import settings
from django.contrib import admin
from django.shortcuts import redirect
from django.urls import include, path

from .views import clerk, common, county

handler404 = common.not_found
handler500 = common.server_error


def clerk_routes(prefix: str) -> list:
    v = "v/<int:version>/"
    return [
        path("", clerk.page, name=f"{prefix}-page"),
        path("template.xlsx", clerk.template, name=f"{prefix}-template"),
        path("upload", clerk.upload, name=f"{prefix}-upload"),
        path(v + "acknowledge", clerk.acknowledge, name=f"{prefix}-acknowledge"),
        path(v + "submit", clerk.submit, name=f"{prefix}-submit"),
        path(v + "original.xlsx", clerk.original, name=f"{prefix}-original"),
        path(v + "annotated.xlsx", clerk.annotated, name=f"{prefix}-annotated"),
        path(v + "text.xlsx", clerk.text, name=f"{prefix}-text"),
        path(v + "report.docx", clerk.export_docx, name=f"{prefix}-docx"),
        path(v + "report.html", clerk.export_html, name=f"{prefix}-html"),
    ]


def home(request):
    return redirect("county-status")


county_routes = [
    path("login/", county.Login.as_view(), name="county-login"),
    path("logout/", county.logout, name="county-logout"),
    path("", county.status, name="county-status"),
    path("overview", county.overview, name="county-overview"),
    path("summary.xlsx", county.summary, name="county-summary"),
    path("submissions.zip", county.submissions_zip, name="county-zip"),
    path("unit/<int:unit_id>/", county.unit_page, name="county-unit"),
    path("unit/<int:unit_id>/edit", county.edit_unit, name="county-edit-unit"),
    path("unit/<int:unit_id>/v/<int:version>/return", county.return_version, name="county-return"),
    path("unit/<int:unit_id>/v/<int:version>/confirm", county.confirm_version, name="county-confirm"),
    path("unit/<int:unit_id>/v/<int:version>/original.xlsx", county.version_original, name="county-original"),
    path("unit/<int:unit_id>/v/<int:version>/annotated.xlsx", county.version_annotated, name="county-annotated"),
    path("units/", county.units_page, name="county-units"),
    path("units/year", county.set_year, name="county-year"),
    path("units/roster", county.load_roster, name="county-roster"),
    path("units/add", county.add_unit, name="county-add-unit"),
    path("links/issue", county.issue_links, name="county-issue"),
    path("audit/", county.audit_page, name="county-audit"),
    path("accounts/", county.accounts, name="county-accounts"),
    path("accounts/add", county.add_account, name="county-add-account"),
    path("accounts/<int:user_id>/toggle", county.toggle_account, name="county-toggle-account"),
    path("admin/", admin.site.urls),
]

if settings.NIANBAO.local:
    urlpatterns = [path("", include(clerk_routes("local")))]
else:
    urlpatterns = [
        path("", home),
        path("u/<str:token>/", include(clerk_routes("clerk"))),
        path("county/", include(county_routes)),
    ]

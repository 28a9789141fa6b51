"""Security of the portal: CSRF, cookies, CSP without inline script, escaping, rate limits, no paths from users."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from portal import book_bytes, make_unit, set_year, upload
from unitbooks import one_application

from nianbao.serve.models import Submission, Unit

pytestmark = pytest.mark.django_db

EVIL = "示例县<script>alert(1)</script>局"


def test_forms_need_the_csrf_token(db, tmp_path):
    set_year()
    _, token = make_unit("示例县乙局")
    strict = Client(enforce_csrf_checks=True)
    page = strict.get(f"/u/{token}/")
    response = upload(strict, token, book_bytes(tmp_path, "示例县乙局"))
    assert response.status_code == 403 and "页面已过期" in response.content.decode()
    assert not Submission.objects.exists()
    # With the token the page carries (in the form and in hx-headers), it goes through.
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode()).group(1)
    header = re.search(r'hx-headers=\'\{"X-CSRFToken": "([^"]+)"\}\'', page.content.decode()).group(1)
    assert header
    from django.core.files.uploadedfile import SimpleUploadedFile

    ok = strict.post(f"/u/{token}/upload", {"file": SimpleUploadedFile("a.xlsx", book_bytes(tmp_path, "示例县乙局")),
                                            "csrfmiddlewaretoken": csrf})
    assert ok.status_code == 302 and Submission.objects.count() == 1
    login = Client(enforce_csrf_checks=True).post("/county/login/", {"username": "x", "password": "y"})
    assert login.status_code == 403


def test_headers_and_cookies(client, db):
    get_user_model().objects.create_user("审核员", password="县里的密码-2024")
    page = client.get("/county/login/")
    csp = page["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert page["X-Frame-Options"] == "DENY" and page["Referrer-Policy"] == "same-origin"
    assert "no-store" in page["Cache-Control"]
    response = client.post("/county/login/", {"username": "审核员", "password": "县里的密码-2024"})
    session = response.cookies["sessionid"]
    assert session["httponly"] and session["samesite"] == "Lax"
    csrf = client.cookies["csrftoken"]
    assert csrf["httponly"] and csrf["samesite"] == "Strict"
    user = get_user_model().objects.get(username="审核员")
    assert user.password.startswith("pbkdf2_sha256$") and "县里的密码" not in user.password


def test_no_inline_script_or_style_in_any_page(client, db, tmp_path):
    set_year()
    _, token = make_unit("示例县乙局")
    upload(client, token, book_bytes(tmp_path, "示例县乙局", {**one_application(), "t3.new.total": 2}, raw={"t3.new.research": ""}))
    admin = get_user_model().objects.create_superuser("admin", password="县里的密码-2024")
    pages = [client.get(f"/u/{token}/").content.decode()]
    client.force_login(admin)
    unit = Unit.objects.get()
    for url in ("/county/", "/county/units/", f"/county/unit/{unit.pk}/", "/county/audit/", "/county/accounts/"):
        pages.append(client.get(url).content.decode())
    for html in pages:
        assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", html) == []
        assert re.findall(r"\son[a-z]+\s*=", html) == []
        assert " style=" not in html and "<style" not in html
        assert "http://" not in html.replace("http://testserver", "") and "https://" not in html


def test_user_text_is_shown_as_text(client, db, tmp_path):
    set_year()
    _unit, token = make_unit(EVIL)
    data = book_bytes(tmp_path, EVIL, text={"overview.active": "<img src=x onerror=alert(1)>主动公开"},
                      raw={"t3.new.research": "<i>五</i>"})
    upload(client, token, data, name="<b>年报<i>.xlsx")
    html = client.get(f"/u/{token}/").content.decode()
    assert 'data-cell="t3.new.research" class="mark mark-warning"' in html  # drawn in the table, marked (N4)
    assert "<i>五</i>" not in html and "&lt;i&gt;五&lt;/i&gt;" in html
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<b>年报<i>" not in html and "&lt;b&gt;年报&lt;i&gt;.xlsx" in html
    assert Submission.objects.get().file_name == "<b>年报<i>.xlsx"


def test_file_names_from_users_are_never_paths(client, db, tmp_path):
    set_year()
    _unit, token = make_unit("示例县乙局")
    upload(client, token, book_bytes(tmp_path, "示例县乙局"), name="../../../../etc/年报.xlsx")
    sub = Submission.objects.get()
    assert sub.file_name == "年报.xlsx"  # Django's parser keeps the last part only; it is data either way
    response = client.get(f"/u/{token}/v/1/original.xlsx")
    assert "filename*=utf-8''%E5%B9%B4%E6%8A%A5.xlsx" in response["Content-Disposition"]
    from nianbao.serve.store import blob_store

    assert blob_store().blob_path(sub.blob).name == sub.blob


def _until_refused(request, limit: int) -> list[int]:
    """Status codes of requests until the first 429. The limits count in fixed windows (a minute, aligned), so
    a run that crosses a window's end is allowed up to ``limit`` more before it is refused."""
    codes = []
    for i in range(2 * limit + 2):
        codes.append(request(i))
        if codes[-1] == 429:
            break
    return codes


def test_wrong_tokens_are_rate_limited(client, db):
    set_year()
    codes = _until_refused(lambda i: client.get(f"/u/guess{i:04d}/").status_code, 31)
    assert codes[-1] == 429 and set(codes[:-1]) == {404} and len(codes) > 31  # 30 a minute: the 31st miss counted
    _, token = make_unit("示例县乙局")
    assert client.get(f"/u/{token}/").status_code == 429  # this address is blocked for a minute, even with a good link


def test_login_attempts_are_rate_limited(client, db):
    get_user_model().objects.create_user("审核员", password="县里的密码-2024")
    codes = _until_refused(lambda i: client.post("/county/login/", {"username": "审核员", "password": f"错{i}"}).status_code, 5)
    assert codes[-1] == 429 and set(codes[:-1]) == {200} and len(codes) > 5
    # Even the right password waits for the minute to pass.
    assert client.post("/county/login/", {"username": "审核员", "password": "县里的密码-2024"}).status_code == 429


def test_formula_looking_text_is_text_in_the_annotated_copy(client, db, tmp_path):
    import io

    import openpyxl

    from nianbao.serve.submissions import findings_of

    set_year()
    _, token = make_unit("示例县乙局")
    upload(client, token, book_bytes(tmp_path, "示例县乙局", raw={"t3.new.research": ""}))
    warning = next(f for f in findings_of(Submission.objects.get()) if f.rule == "N3")
    reason = '=HYPERLINK("http://example.invalid","点这里")'
    client.post(f"/u/{token}/v/1/acknowledge", {"key": warning.key, "reason": reason})
    data = b"".join(client.get(f"/u/{token}/v/1/annotated.xlsx").streaming_content)
    ws = openpyxl.load_workbook(io.BytesIO(data))["校验结果"]
    cells = [c for row in ws.iter_rows() for c in row if c.value == reason]
    assert len(cells) == 1 and cells[0].data_type == "s"
    assert all(c.data_type != "f" for row in ws.iter_rows() for c in row)

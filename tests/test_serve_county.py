"""The county's side: roster, links, 报送情况, a unit's versions, 退回/确认, 汇总 = nianbao merge, zip, last year."""

from __future__ import annotations

import hashlib
import io
import os
import re
import zipfile

import pytest
from django.contrib.auth import get_user_model
from portal import book_bytes, sheet_rows, upload
from unitbooks import YEAR, one_application

from nianbao.merge import merge
from nianbao.merge.roster import read_roster
from nianbao.serve.models import AuditEvent, Link, Submission, Unit

pytestmark = pytest.mark.django_db

ROSTER = "单位名称,机关层级,代码\n示例县甲镇人民政府,乡镇/街道,001\n示例县乙局,县级部门,002\n示例县丙局,县级部门,003\n"
PASSWORD = "县里的密码-2024"


@pytest.fixture
def admin(client):
    user = get_user_model().objects.create_superuser("admin", password=PASSWORD)
    client.force_login(user)
    return user


def _load_roster(client, tmp_path, text: str = ROSTER):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post("/county/units/roster", {"file": SimpleUploadedFile("名单.csv", text.encode("utf-8"), "text/csv")})


def _issue(client, scope="missing", fmt="print") -> dict[str, str]:
    html = client.post("/county/links/issue", {"scope": scope, "format": fmt}).content.decode()
    return dict(re.findall(r'<td>([^<]+)</td><td class="url">http://testserver/u/([^/]+)/</td>', html))


def test_login_is_required_and_audited(client):
    get_user_model().objects.create_user("审核员", password=PASSWORD)
    assert client.get("/county/").status_code == 302
    bad = client.post("/county/login/", {"username": "审核员", "password": "错的"})
    assert "用户名或密码不正确" in bad.content.decode()
    ok = client.post("/county/login/", {"username": "审核员", "password": PASSWORD})
    assert ok.status_code == 302 and client.get("/county/").status_code == 200
    assert list(AuditEvent.objects.order_by("id").values_list("action", "who")) == [("登录失败", "审核员"), ("登录", "审核员")]
    # A reviewer cannot manage units, links or accounts.
    assert client.post("/county/units/add", {"name": "某局"}).status_code == 403
    assert client.post("/county/links/issue", {"scope": "all", "format": "print"}).status_code == 403
    assert client.get("/county/accounts/").status_code == 403


def test_roster_year_links_and_the_status_page(client, admin, tmp_path):
    _load_roster(client, tmp_path)
    assert "名单已导入：新增3个单位" in client.get("/county/units/").content.decode()
    assert list(Unit.objects.values_list("name", "level", "code", "order")) == [
        ("示例县甲镇人民政府", "乡镇/街道", "001", 0), ("示例县乙局", "县级部门", "002", 1), ("示例县丙局", "县级部门", "003", 2)]
    client.post("/county/units/year", {"year": YEAR, "title": "示例县"})
    tokens = _issue(client)
    assert set(tokens) == {"示例县甲镇人民政府", "示例县乙局", "示例县丙局"}
    assert all(len(t) >= 32 for t in tokens.values())
    # Only the hashes are stored; issuing again for "missing" units issues none.
    stored = set(Link.objects.values_list("token_hash", flat=True))
    assert not stored & set(tokens.values())
    assert _issue(client) == {}
    # The clerk of 乙局 uploads a workbook with an error.
    upload(client, tokens["示例县乙局"], book_bytes(tmp_path, "示例县乙局", {**one_application(), "t3.new.total": 2}))
    page = client.get("/county/?sort=errors").content.decode()
    row = re.search(r'<tr data-unit="示例县乙局">(.*?)</tr>', page, re.S).group(1)
    assert "校验未通过" in row and re.search(r'class="num bad">2<', row)  # T3-H and T3-ID
    failed = client.get("/county/", {"state": "校验未通过"}).content.decode()
    assert re.findall(r'<tr data-unit="([^"]+)"', failed) == ["示例县乙局"]
    # Sorting by errors puts 乙局 first.
    assert re.findall(r'<tr data-unit="([^"]+)"', page)[0] == "示例县乙局"


def test_links_as_a_workbook_hold_names_and_urls_as_text(client, admin, tmp_path):
    _load_roster(client, tmp_path)
    response = client.post("/county/links/issue", {"scope": "all", "format": "xlsx"})
    data = b"".join(response.streaming_content)
    rows = sheet_rows(data, "报送链接")
    assert [r[1] for r in rows[1:]] == ["示例县甲镇人民政府", "示例县乙局", "示例县丙局"]
    assert all(r[3].startswith("http://testserver/u/") for r in rows[1:])
    token = rows[2][3].rsplit("/u/", 1)[1].strip("/")
    assert client.get(f"/u/{token}/").status_code == 200
    # Re-issuing all made the earlier links stop working.
    assert Link.objects.filter(revoked_at__isnull=True).count() == 3


def test_formula_looking_unit_names_are_refused(client, admin, tmp_path):
    for name in ("=HYPERLINK(\"http://x\")", "+1", "-1", "@SUM(A1)"):
        client.post("/county/units/add", {"name": name, "level": ""})
    assert not Unit.objects.exists()
    html = client.get("/county/units/").content.decode()
    assert "会被表格软件当作公式" in html


def _submit(client, token, data, name="年报.xlsx"):
    upload(client, token, data, name=name)
    sub = Submission.objects.filter(unit__links__token_hash=hashlib.sha256(token.encode()).hexdigest()).order_by("-id").first()
    client.post(f"/u/{token}/v/{sub.version}/submit")
    sub.refresh_from_db()
    return sub


def test_return_with_comment_then_confirm(client, admin, tmp_path):
    _load_roster(client, tmp_path)
    client.post("/county/units/year", {"year": YEAR})
    tokens = _issue(client)
    sub = _submit(client, tokens["示例县乙局"], book_bytes(tmp_path, "示例县乙局"))
    assert sub.state == "已报送"
    unit = sub.unit
    assert "请补充<b>" not in client.post(f"/county/unit/{unit.pk}/v/1/return", {"comment": ""}).content.decode()
    sub.refresh_from_db()
    assert sub.state == "已报送"  # an empty comment is refused
    client.post(f"/county/unit/{unit.pk}/v/1/return", {"comment": "请补充<b>信息处理费</b>的说明"})
    sub.refresh_from_db()
    assert sub.state == "已退回"
    clerk = client.get(f"/u/{tokens['示例县乙局']}/").content.decode()
    assert "请补充&lt;b&gt;信息处理费&lt;/b&gt;的说明" in clerk  # the clerk sees it, as text
    sub = _submit(client, tokens["示例县乙局"], book_bytes(tmp_path, "示例县乙局", text={"other": "本机关未收取信息处理费。"}))
    assert (sub.version, sub.state) == (2, "已报送")
    client.post(f"/county/unit/{unit.pk}/v/2/confirm")
    sub.refresh_from_db()
    assert sub.state == "已确认"
    # A confirmed report cannot be replaced by the clerk.
    html = upload(client, tokens["示例县乙局"], book_bytes(tmp_path, "示例县乙局")).content.decode()
    assert "已被确认，不能再上传" in html
    page = client.get(f"/county/unit/{unit.pk}/").content.decode()
    assert sub.blob in page and "第2版" in page and "第1版" in page
    actions = list(AuditEvent.objects.filter(unit=unit).order_by("id").values_list("action", flat=True))
    assert actions == ["发放链接", "上传", "提交", "退回", "上传", "提交", "确认", "上传被拒绝"]


def _folder_like_the_portal(root, subs) -> None:
    """The handed-in files laid out as the portal names them, with their upload times as modification times."""
    from nianbao.serve.collect import member_name
    from nianbao.serve.store import blob_store

    for sub in subs:
        path = root / member_name(sub.unit, sub)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(blob_store().read(sub.blob))
        t = sub.uploaded_at.timestamp()
        os.utime(path, (t, t))


# Carried over as last year carried forward (no Y1); 现行有效 9 ≠ 5 + 2 (Y2, a warning: it can be submitted).
BUREAU_THIS_YEAR = {**one_application(), "t3.carried_over.natural_person": 2, "t3.carried_over.total": 2,
                    "t3.carried_forward.natural_person": 2, "t3.carried_forward.total": 2,
                    "t2.normative.issued": 2, "t2.normative.in_force": 9}


def _county_with_last_year(client, tmp_path):
    """Three units; last year 甲镇 and 乙局 handed in; this year 乙局 and 丙局 (甲镇 only uploaded, not submitted)."""
    _load_roster(client, tmp_path)
    client.post("/county/units/year", {"year": YEAR - 1})
    tokens = _issue(client)
    last = {
        "示例县乙局": {"t3.new.natural_person": 2, "t3.new.total": 2, "t3.carried_forward.natural_person": 2,
                   "t3.carried_forward.total": 2, "t2.normative.in_force": 5},
        "示例县甲镇人民政府": {},
    }
    last_subs = [_submit(client, tokens[n], book_bytes(tmp_path, n, nums, year=YEAR - 1, level="乡镇/街道" if "镇" in n else "县级部门"))
                 for n, nums in last.items()]
    client.post("/county/units/year", {"year": YEAR})
    this = {
        "示例县乙局": BUREAU_THIS_YEAR,
        "示例县丙局": {**one_application("business"), "t4.review.upheld": 1, "t4.review.total": 1},
    }
    subs = [_submit(client, tokens[n], book_bytes(tmp_path, n, nums, file=f"{n}.xlsx"), name=f"{n}2024年报.xlsx")
            for n, nums in this.items()]
    upload(client, tokens["示例县甲镇人民政府"], book_bytes(tmp_path, "示例县甲镇人民政府", level="乡镇/街道"))
    return tokens, last_subs, subs


def test_last_year_checks_run_on_upload_as_check_last_year_does(client, admin, tmp_path):
    from nianbao.check import check
    from nianbao.serve.submissions import findings_of
    from nianbao.sources import read_report

    _tokens, last_subs, subs = _county_with_last_year(client, tmp_path)
    bureau = subs[0]
    rules = [(f.rule, f.severity.value, f.address) for f in findings_of(bureau) if f.rule.startswith("Y")]
    assert rules == [("Y2", "warning", "表二!D5")]
    assert bureau.state == "已报送"
    (tmp_path / "this.xlsx").write_bytes(book_bytes(tmp_path, "示例县乙局", BUREAU_THIS_YEAR))
    from nianbao.serve.store import blob_store

    (tmp_path / "last.xlsx").write_bytes(blob_store().read(last_subs[0].blob))
    expected = check(read_report(tmp_path / "this.xlsx"), read_report(tmp_path / "last.xlsx"))
    assert [f.to_dict() for f in findings_of(bureau)] == [f.to_dict() for f in expected]


def test_y7_runs_on_upload_with_last_years_submission_in_the_archive(client, admin, tmp_path):
    """A rule added to rules.CHECK_BUILDERS reaches the portal with no change there: 行政许可 12 last year, 400 now."""
    from nianbao.check import check
    from nianbao.serve.store import blob_store
    from nianbao.serve.submissions import findings_of
    from nianbao.sources import read_report

    _load_roster(client, tmp_path)
    client.post("/county/units/year", {"year": YEAR - 1})
    tokens = _issue(client)
    last = _submit(client, tokens["示例县乙局"], book_bytes(tmp_path, "示例县乙局", {**one_application(), "t2.licensing.decisions": 12},
                                                          year=YEAR - 1, file="last.xlsx"))
    client.post("/county/units/year", {"year": YEAR})
    this = _submit(client, tokens["示例县乙局"], book_bytes(tmp_path, "示例县乙局", {**one_application(), "t2.licensing.decisions": 400},
                                                          file="this.xlsx"))
    (tmp_path / "last-stored.xlsx").write_bytes(blob_store().read(last.blob))
    y7 = [(f.rule, f.severity.value, f.address, f.expected, f.actual) for f in findings_of(this) if f.rule == "Y7"]
    assert y7 == [("Y7", "info", "表二!B8", 12, 400)]
    assert this.state == "已报送"  # a hint: it does not hold the report back
    expected = check(read_report(tmp_path / "this.xlsx"), read_report(tmp_path / "last-stored.xlsx"))
    assert [f.to_dict() for f in findings_of(this)] == [f.to_dict() for f in expected]


def test_summary_is_the_workbook_nianbao_merge_makes_of_the_same_files(client, admin, tmp_path):
    _tokens, last_subs, subs = _county_with_last_year(client, tmp_path)
    response = client.get("/county/summary.xlsx")
    assert response.status_code == 200
    (tmp_path / "portal.xlsx").write_bytes(b"".join(response.streaming_content))
    this_dir, last_dir = tmp_path / "this", tmp_path / "last"
    _folder_like_the_portal(this_dir, subs)
    _folder_like_the_portal(last_dir, last_subs)
    roster = tmp_path / "roster.csv"
    roster.write_text(ROSTER, encoding="utf-8")
    result = merge([this_dir], tmp_path / "cli.xlsx", roster=read_roster(roster), last_year=[last_dir], year=YEAR)
    import python_calamine

    names = python_calamine.CalamineWorkbook.from_path(str(tmp_path / "cli.xlsx")).sheet_names
    for sheet in names:
        assert sheet_rows((tmp_path / "portal.xlsx").read_bytes(), sheet) == sheet_rows((tmp_path / "cli.xlsx").read_bytes(), sheet), sheet
    # What it holds: 乙局 and 丙局 counted (甲镇 only uploaded), 乙局's Y2 from last year, 甲镇 未报送.
    assert [u.display for u in result.batch.counted] == ["示例县乙局", "示例县丙局"]
    assert [f.rule for u in result.batch.units for f in u.findings if f.rule.startswith("Y")] == ["Y2"]
    report = sheet_rows((tmp_path / "portal.xlsx").read_bytes(), "报送情况")
    assert ["未报送", "示例县甲镇人民政府", "", "名单中的单位没有报送（没有找到该单位的文件）", ""] in report


def test_zip_holds_the_original_bytes_of_every_counted_unit(client, admin, tmp_path):
    _, _, subs = _county_with_last_year(client, tmp_path)
    data = b"".join(client.get("/county/submissions.zip").streaming_content)
    from nianbao.serve.store import blob_store

    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert sorted(z.namelist()) == ["示例县丙局/示例县丙局2024年报.xlsx", "示例县乙局/示例县乙局2024年报.xlsx"]
        for sub in subs:
            assert hashlib.sha256(z.read(f"{sub.unit.name}/{sub.file_name}")).hexdigest() == sub.blob
            assert z.read(f"{sub.unit.name}/{sub.file_name}") == blob_store().read(sub.blob)


def test_overview_lists_the_merge_categories(client, admin, tmp_path):
    _county_with_last_year(client, tmp_path)
    html = client.get("/county/overview", headers={"HX-Request": "true"}).content.decode()
    assert "汇总2024年度：计入2个单位（通过1个、有警告1个）" in html and "未报送" in html and "示例县甲镇人民政府" in html


def test_a_warning_verified_in_the_page_is_verified_in_the_summary(client, admin, tmp_path):
    from nianbao.serve.submissions import findings_of

    _load_roster(client, tmp_path)
    client.post("/county/units/year", {"year": YEAR})
    tokens = _issue(client)
    token = tokens["示例县乙局"]
    upload(client, token, book_bytes(tmp_path, "示例县乙局", raw={"t3.new.research": ""}))
    sub = Submission.objects.get()
    warning = next(f for f in findings_of(sub) if f.rule == "N3")
    client.post(f"/u/{token}/v/1/acknowledge", {"key": warning.key, "reason": "本单位没有科研机构申请"})
    client.post(f"/u/{token}/v/1/submit")
    data = b"".join(client.get("/county/summary.xlsx").streaming_content)
    rows = sheet_rows(data, "问题清单")
    n3 = [r for r in rows if len(r) > 3 and r[0] == "示例县乙局" and r[3] == "N3"]
    assert [(r[2], r[7]) for r in n3] == [("已核实", "本单位没有科研机构申请")]

"""The clerk's page through the private link: template, upload, findings, 已核实, downloads, 提交."""

from __future__ import annotations

import pytest
from portal import book_bytes, make_unit, set_year, sheet_rows, upload
from unitbooks import YEAR, one_application

from nianbao.serve.models import AuditEvent, Submission

pytestmark = pytest.mark.django_db

NAME = "示例县市场监督管理局"


@pytest.fixture
def unit(db):
    set_year()
    return make_unit(NAME)


def test_page_shows_unit_year_and_state(client, unit):
    _, token = unit
    page = client.get(f"/u/{token}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert NAME in html and f"{YEAR}" in html and "未报送" in html


def test_template_is_prefilled_with_name_level_and_year(client, unit):
    _, token = unit
    response = client.get(f"/u/{token}/template.xlsx")
    assert response.status_code == 200
    data = b"".join(response.streaming_content)
    rows = sheet_rows(data, "单位信息")
    values = {r[0]: r[1] for r in rows if len(r) > 1 and r[0]}
    assert values["机关名称"] == NAME and values["机关层级"] == "县级部门" and int(values["报告年度"]) == YEAR


def test_upload_with_an_error_shows_the_finding_and_marks_the_cell(client, unit, tmp_path):
    u, token = unit
    data = book_bytes(tmp_path, NAME, {**one_application(), "t3.new.total": 2})
    response = upload(client, token, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "T3-H" in html and "表三!J5" in html
    assert 'id="c-t3.new.total" data-cell="t3.new.total" class="mark mark-error"' in html
    sub = Submission.objects.get(unit=u)
    assert (sub.version, sub.state, sub.errors) == (1, "校验未通过", sub.errors)
    assert sub.errors >= 1
    assert AuditEvent.objects.filter(action="上传", unit=u).count() == 1


def _warning_book(tmp_path, **kw) -> bytes:
    # A blank cell in 表三 is a warning (N3), nothing else is wrong.
    return book_bytes(tmp_path, NAME, raw={"t3.new.research": ""}, **kw)


def test_warning_marked_verified_then_fixed_version_submitted(client, unit, tmp_path):
    u, token = unit
    wrong = book_bytes(tmp_path, NAME, {**one_application(), "t3.new.total": 2}, raw={"t3.new.research": ""})
    upload(client, token, wrong)
    sub = Submission.objects.get(unit=u, version=1)
    from nianbao.serve.submissions import findings_of

    warning = next(f for f in findings_of(sub) if f.rule == "N3")
    error = next(f for f in findings_of(sub) if f.severity.value == "error")
    # An error cannot be marked 已核实.
    refused = client.post(f"/u/{token}/v/1/acknowledge", {"key": error.key, "reason": "说明"}, headers={"HX-Request": "true"})
    assert "错误不能标记为已核实" in refused.content.decode()
    # A warning can, with a reason; without one it is refused.
    empty = client.post(f"/u/{token}/v/1/acknowledge", {"key": warning.key, "reason": " "}, headers={"HX-Request": "true"})
    assert "请填写核实说明" in empty.content.decode()
    client.post(f"/u/{token}/v/1/acknowledge", {"key": warning.key, "reason": "本项确无数据"}, headers={"HX-Request": "true"})
    sub.refresh_from_db()
    assert next(f for f in findings_of(sub) if f.key == warning.key).acknowledged == "本项确无数据"
    assert sub.state == "校验未通过"  # the error is still there
    # Submitting with an error is refused.
    assert "只有校验没有错误的报告才能提交" in client.post(f"/u/{token}/v/1/submit", headers={"HX-Request": "true"}).content.decode()
    # The fixed workbook: the error gone, the same warning still there and still 已核实 (carried forward).
    upload(client, token, _warning_book(tmp_path), name="年报-改.xlsx")
    v2 = Submission.objects.get(unit=u, version=2)
    assert v2.state == "待提交" and v2.errors == 0 and v2.warnings == 0
    assert next(f for f in findings_of(v2) if f.rule == "N3").acknowledged == "本项确无数据"
    page = client.post(f"/u/{token}/v/2/submit", headers={"HX-Request": "true"}).content.decode()
    assert "已提交" in page
    v2.refresh_from_db()
    assert v2.state == "已报送"
    assert list(AuditEvent.objects.filter(unit=u).order_by("at", "id").values_list("action", flat=True)) == [
        "上传", "核实", "上传", "提交"]


def test_reupload_after_submitting_is_a_new_version_at_checking(client, unit, tmp_path):
    u, token = unit
    upload(client, token, book_bytes(tmp_path, NAME))
    client.post(f"/u/{token}/v/1/submit")
    assert Submission.objects.get(unit=u, version=1).state == "已报送"
    upload(client, token, _warning_book(tmp_path))
    states = list(Submission.objects.filter(unit=u).order_by("version").values_list("version", "state"))
    assert states == [(1, "已报送"), (2, "有警告待核实")]


def test_downloads_of_a_version(client, unit, tmp_path):
    _, token = unit
    data = book_bytes(tmp_path, NAME, {**one_application(), "t3.new.total": 2}, text={})
    upload(client, token, data, name="峰灵镇 2024.xlsx")
    original = client.get(f"/u/{token}/v/1/original.xlsx")
    assert b"".join(original.streaming_content) == data
    assert "filename*=utf-8''%E5%B3%B0" in original["Content-Disposition"]
    annotated = b"".join(client.get(f"/u/{token}/v/1/annotated.xlsx").streaming_content)
    results = sheet_rows(annotated, "校验结果")
    assert results[0][:4] == ["序号", "严重程度", "规则", "位置"]
    assert ["错误", "T3-H", "表三!J5"] in [r[1:4] for r in results[1:]]
    text = b"".join(client.get(f"/u/{token}/v/1/text.xlsx").streaming_content)
    filled = [r for r in sheet_rows(text, "文字") if len(r) > 1 and isinstance(r[1], str) and "政府信息公开申请" in r[1]]
    assert filled, "生成文字 filled the 依申请公开 paragraph"
    # With an error, Word and the web page are refused in words.
    refused = client.get(f"/u/{token}/v/1/report.docx").content.decode()
    assert "改正后才能导出" in refused


def test_word_and_web_page_of_a_clean_version(client, unit, tmp_path):
    _, token = unit
    upload(client, token, book_bytes(tmp_path, NAME))
    docx = b"".join(client.get(f"/u/{token}/v/1/report.docx").streaming_content)
    assert docx[:2] == b"PK"
    html = b"".join(client.get(f"/u/{token}/v/1/report.html").streaming_content).decode()
    assert f"{NAME}{YEAR}年政府信息公开工作年度报告" in html


def test_another_units_link_or_version_is_not_found(client, unit, tmp_path):
    _, token = unit
    set_year()
    _, other = make_unit("示例县乙局", order=1)
    upload(client, token, book_bytes(tmp_path, NAME))
    assert client.get(f"/u/{other}/v/1/original.xlsx").status_code == 404
    assert client.get(f"/u/{other}/v/1/annotated.xlsx").status_code == 404
    assert client.get(f"/u/{token}/v/2/original.xlsx").status_code == 404
    assert client.get(f"/u/{token[:-2]}xx/").status_code == 404
    assert client.get("/u/不存在/").status_code == 404


def test_revoked_link_is_not_found(client, unit):
    from nianbao.serve import links

    u, token = unit
    new = links.issue(u)
    assert client.get(f"/u/{token}/").status_code == 404
    assert client.get(f"/u/{new}/").status_code == 200

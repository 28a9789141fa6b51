"""The portal in headless Chromium (Debian's, driven by Playwright): the clerk's flow and the county's.

Screenshots at 1366×768 go to tests/artifacts/serve-*.png (and a printed page as PDF) for a person to look at.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from serverctl import Portal, unit_name
from test_export_html import ARTIFACTS, CHROMIUM_FLAGS
from unitbooks import REGION, YEAR, one_application

from nianbao.report import Report
from nianbao.workbook.build import write_report

PASSWORD = "县里的密码-2024"


@pytest.fixture(scope="module")
def browser(chromium):
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=chromium, args=CHROMIUM_FLAGS)
        yield b
        b.close()


def _book(path: Path, numbers: dict, raw: dict | None = None) -> Path:
    report = Report.from_numbers(numbers, name=unit_name(0), level="县级部门", year=YEAR, region=REGION)
    for cid, typed in (raw or {}).items():
        report.values[cid] = None
        report.raw[cid] = typed
    write_report(report, path)
    return path


def _shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"serve-{name}.png"), full_page=True)


def test_clerk_and_county_in_chromium(browser, tmp_path):
    wrong = _book(tmp_path / "有错的年报.xlsx", {**one_application(), "t3.new.total": 2}, raw={"t3.new.research": ""})
    fixed = _book(tmp_path / "改正后的年报.xlsx", one_application(), raw={"t3.new.research": ""})
    with Portal(tmp_path / "data", units=3) as portal:
        context = browser.new_context(viewport={"width": 1366, "height": 768}, accept_downloads=True, locale="zh-CN")
        page = context.new_page()
        errors: list[str] = []
        page.on("console", lambda m: errors.append(f"{m.location['url']}: {m.text}") if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        link = f"{portal.url}/u/{portal.tokens[0]}/"
        page.goto(link)
        assert page.locator("#unit-state").inner_text() == "未报送"
        _shot(page, "1-clerk-empty")
        with page.expect_download() as dl:
            page.click("#download-template")
        assert dl.value.suggested_filename == f"{unit_name(0)}-{YEAR}年报.xlsx"
        # Upload the workbook with mistakes (choosing the file sends it); the findings and the marked cell appear.
        page.set_input_files("#id_file", str(wrong))
        page.wait_for_selector("td.mark-error")
        marked = page.locator('td[data-cell="t3.new.total"]')
        assert "mark-error" in marked.get_attribute("class")
        assert "T3-H" in marked.get_attribute("title")
        assert page.locator("#unit-state").inner_text() == "校验未通过"  # the header follows (out-of-band swap)
        assert "有 " in page.locator(".verdict").inner_text()
        _shot(page, "2-clerk-errors")
        # Mark the warning (the blank cell) 已核实 with a reason.
        form = page.locator("li.finding-warning form.ack-form").first
        form.locator("input[name=reason]").fill("本单位本年没有科研机构申请，空白即为0")
        form.locator("button").click()
        page.wait_for_selector(".ack-reason")
        assert "本单位本年没有科研机构申请" in page.locator(".ack-reason").first.inner_text()
        # Upload the fixed one: no errors, the warning still 已核实; submit.
        page.set_input_files("#id_file", str(fixed))
        page.wait_for_selector("#submit-button")
        assert page.locator("td.mark-error").count() == 0
        _shot(page, "3-clerk-fixed")
        page.click("#submit-button")
        page.wait_for_selector("text=已提交。")
        page.reload()
        assert page.locator("#unit-state").inner_text() == "已报送"
        _shot(page, "4-clerk-submitted")
        page.emulate_media(media="print")
        page.pdf(path=str(ARTIFACTS / "serve-clerk-print.pdf"), format="A4", landscape=True)
        page.emulate_media(media="screen")

        # The county: log in, see the status change, download the 汇总.
        county = context.new_page()
        county.on("pageerror", lambda e: errors.append(str(e)))
        county.on("console", lambda m: errors.append(f"{m.location['url']}: {m.text}") if m.type == "error" else None)
        county.goto(f"{portal.url}/county/")
        assert "/county/login/" in county.url
        _shot(county, "5-county-login")
        county.fill("input[name=username]", "admin")
        county.fill("input[name=password]", PASSWORD)
        county.click("main button[type=submit]")
        try:
            county.wait_for_selector("table.status-list", timeout=10000)
        except Exception:
            _shot(county, "debug")
            raise
        row = county.locator(f'tr[data-unit="{unit_name(0)}"]')
        assert "已报送" in row.inner_text()
        county.wait_for_selector("#overview table, #overview p.pass")
        _shot(county, "6-county-status")
        with county.expect_download() as dl:
            county.click("#download-summary")
        summary = Path(dl.value.path())
        import python_calamine

        from nianbao.merge.lastyear import DETAIL_SHEET

        rows = python_calamine.CalamineWorkbook.from_path(str(summary)).get_sheet_by_name(DETAIL_SHEET).to_python()
        assert any(unit_name(0) in [str(v) for v in r] for r in rows)
        county.click(f'tr[data-unit="{unit_name(0)}"] a')
        county.wait_for_selector("#confirm-button")
        _shot(county, "7-county-unit")
        county.click("#confirm-button")
        try:
            county.wait_for_selector("text=已确认第2版", timeout=10000)
        except Exception:
            _shot(county, "debug")
            raise
        county.goto(f"{portal.url}/county/units/")
        _shot(county, "8-county-units")
        # The clerk's page, reloaded, now says 已确认 and offers no upload.
        page.reload()
        assert page.locator("#unit-state").inner_text() == "已确认"
        assert page.locator("form.upload").count() == 0
        assert errors == [], errors
        context.close()


def test_pages_fit_1366_wide(browser, tmp_path):
    """No horizontal scrolling of the page itself at 1366×768 (the wide 表三 scrolls inside its own box)."""
    with Portal(tmp_path / "data", units=1) as portal:
        context = browser.new_context(viewport={"width": 1366, "height": 768})
        page = context.new_page()
        page.goto(f"{portal.url}/u/{portal.tokens[0]}/")
        page.set_input_files("#id_file", str(_book(tmp_path / "a.xlsx", {**one_application(), "t3.new.total": 2})))
        page.wait_for_selector("td.mark-error")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 1366, width
        text = page.locator("body").inner_text()
        assert re.search(r"表三!J5\s+T3-H", text)
        context.close()


def test_links_page_and_local_page_screenshots(browser, tmp_path):
    """The printable links page (issued once) and the --local check page, as a person sees them."""
    with Portal(tmp_path / "data", units=3) as portal:
        context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN")
        page = context.new_page()
        page.goto(f"{portal.url}/county/login/")
        page.fill("input[name=username]", "admin")
        page.fill("input[name=password]", PASSWORD)
        page.click("main button[type=submit]")
        page.goto(f"{portal.url}/county/units/")
        page.select_option("select[name=scope]", "all")
        page.select_option("select[name=format]", "print")
        page.click("#issue-links")
        page.wait_for_selector("table.links-list")
        urls = page.locator("td.url").all_inner_texts()
        assert len(urls) == 3 and all(u.startswith(portal.url + "/u/") for u in urls)
        _shot(page, "9-county-links-print")
        page.emulate_media(media="print")
        page.pdf(path=str(ARTIFACTS / "serve-links-print.pdf"), format="A4")
        context.close()
    with Portal(None, setup=False, database="", extra=("--local",)) as local:
        context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN")
        page = context.new_page()
        page.goto(local.url + "/")
        page.set_input_files("#id_file", str(_book(tmp_path / "本机.xlsx", {**one_application(), "t3.new.total": 2})))
        page.wait_for_selector("td.mark-error")
        assert page.locator("#submit-button").count() == 0  # nothing to hand in: the local page only checks
        _shot(page, "10-local")
        context.close()

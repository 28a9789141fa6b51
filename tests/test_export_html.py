"""export.html in a real browser: Debian's headless Chromium driven by Playwright (no browser download).

The test reads each statutory table's structure back from the DOM (th/td,
rowspan/colspan, positions), records every request the page makes, and keeps
screenshots in tests/artifacts/ for a person to look at.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from nianbao.examples import EXAMPLES
from nianbao.export.blocks import shown_value
from nianbao.export.html import render_html, write_html
from nianbao.formats import F2021
from nianbao.grid import table_grid
from nianbao.report import Report

ARTIFACTS = Path(__file__).parent / "artifacts"
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]

READ_TABLES = """() => [...document.querySelectorAll('table')].map(t => ({
  key: t.dataset.table,
  head: t.tHead ? t.tHead.rows.length : 0,
  rows: [...t.rows].map(r => [...r.cells].map(c => ({
    tag: c.tagName.toLowerCase(), rowspan: c.rowSpan, colspan: c.colSpan,
    text: c.textContent, cell: c.dataset.cell || null, scope: c.getAttribute('scope')
  })))
}))"""


@pytest.fixture(scope="module")
def browser(chromium):
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=chromium, args=CHROMIUM_FLAGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def page_file(tmp_path_factory) -> tuple[Report, Path]:
    report = Report.from_dict(EXAMPLES[0].report.to_dict())
    report.values.update({"t3.new.natural_person": 3, "t3.new.total": 3, "t4.review.upheld": 1, "t4.review.total": 1})
    return report, write_html(report, tmp_path_factory.mktemp("html") / "年报.html")


def _places(rows: list[list[dict]]) -> list[tuple]:
    """The HTML table algorithm: each cell takes the next free column of its row, given earlier rowspans."""
    taken: set[tuple[int, int]] = set()
    out = []
    for r, cells in enumerate(rows):
        c = 0
        for cell in cells:
            while (r, c) in taken:
                c += 1
            for dr in range(cell["rowspan"]):
                for dc in range(cell["colspan"]):
                    taken.add((r + dr, c + dc))
            out.append((r, c, cell["rowspan"], cell["colspan"], cell["text"], cell["tag"], cell["cell"]))
            c += cell["colspan"]
    return sorted(out)


def _expected(key: str, report: Report) -> list[tuple]:
    return sorted(
        (p.row, p.col, p.rowspan, p.colspan, shown_value(report, p.cell) if p.cell else p.text,
         "td" if p.cell else "th", p.cell)
        for p in table_grid(F2021.tables[key])
    )


def test_page_in_chromium_tables_requests_and_screenshots(browser, page_file):
    report, path = page_file
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    requests: list[str] = []
    context.on("request", lambda r: requests.append(r.url))
    page = context.new_page()
    page.goto(path.as_uri())
    page.wait_for_load_state("load")
    assert requests == [path.as_uri()]  # nothing else: no font, style, script or image from anywhere

    assert page.title() == "巫溪县峰灵镇人民政府2023年政府信息公开工作年度报告"
    assert page.eval_on_selector_all("h2", "hs => hs.map(h => h.textContent)") == list(F2021.section_headings)
    tables = page.evaluate(READ_TABLES)
    assert [t["key"] for t in tables] == ["t2", "t3", "t4"]
    for t in tables:
        assert _places(t["rows"]) == _expected(t["key"], report), t["key"]
    t3 = tables[1]
    assert t3["head"] == 3
    assert {"tag": "td", "rowspan": 1, "colspan": 1, "text": "3", "cell": "t3.new.natural_person", "scope": None} in t3["rows"][3]
    labels = [c for row in t3["rows"] for c in row if c["text"] == "三、本年度办理结果"]
    assert labels == [{"tag": "th", "rowspan": 22, "colspan": 1, "text": "三、本年度办理结果", "cell": None, "scope": "row"}]
    assert tables[2]["rows"][0] == [
        {"tag": "th", "rowspan": 1, "colspan": 5, "text": "行政复议", "cell": None, "scope": "colgroup"},
        {"tag": "th", "rowspan": 1, "colspan": 10, "text": "行政诉讼", "cell": None, "scope": "colgroup"},
    ]

    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "export-html-desktop.png"), full_page=True)
    assert (ARTIFACTS / "export-html-desktop.png").stat().st_size > 10_000
    context.close()


def test_page_on_a_phone_scrolls_tables_not_the_page(browser, page_file):
    _, path = page_file
    context = browser.new_context(viewport={"width": 375, "height": 740}, device_scale_factor=2, is_mobile=True)
    page = context.new_page()
    page.goto(path.as_uri())
    page_width = page.evaluate("document.documentElement.scrollWidth")
    assert page_width <= 375  # the text reflows; only the wide tables scroll, inside their own box
    wraps = page.eval_on_selector_all(".table-wrap", "ws => ws.map(w => [w.scrollWidth > w.clientWidth, getComputedStyle(w).overflowX])")
    assert wraps[1] == [True, "auto"] and wraps[2] == [True, "auto"]
    body_px = page.evaluate("parseFloat(getComputedStyle(document.querySelector('p')).fontSize)")
    assert body_px >= 16
    page.screenshot(path=str(ARTIFACTS / "export-html-phone.png"), full_page=False)
    context.close()


def test_print_css_uses_the_official_sizes(browser, page_file):
    _, path = page_file
    page = browser.new_page()
    page.goto(path.as_uri())
    page.emulate_media(media="print")
    sizes = page.evaluate("""() => ['h1', 'h2', 'p', 'table'].map(s => getComputedStyle(document.querySelector(s)).fontSize)""")
    assert sizes == ["29.3333px", "21.3333px", "21.3333px", "12px"]  # 22pt, 16pt, 16pt, 9pt
    overflow = page.evaluate("getComputedStyle(document.querySelector('.table-wrap')).overflowX")
    assert overflow == "visible"
    page.close()


def test_html_escapes_text():
    report = Report.from_numbers({}, name="某局<script>", year=2024)
    report.text = {"other": "未收取信息处理费 <b>&</b>"}
    html = render_html(report)
    assert "<script>" not in html.split("</style>")[1]
    assert "未收取信息处理费 &lt;b&gt;&amp;&lt;/b&gt;" in html

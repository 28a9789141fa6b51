"""The template and examples in a real spreadsheet program: LibreOffice opens, prints and recalculates them."""

from __future__ import annotations

import re
import subprocess

import pytest
import python_calamine
from conftest import REPO, require_tool

from nianbao.check import check
from nianbao.workbook.annotate import annotate
from nianbao.workbook.read import read_workbook

TEMPLATE = REPO / "template" / "年报模板.xlsx"
EXAMPLES = REPO / "template" / "examples"
MISTAKES = EXAMPLES / "示例县市场监督管理局-2024.xlsx"
TOWN = EXAMPLES / "巫溪县峰灵镇人民政府-2023.xlsx"


def pdf_pages(pdf) -> list[str]:
    text = subprocess.run([require_tool("pdftotext"), "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return text.split("\f")


def first_line(page: str) -> str:
    return next(line.strip() for line in page.splitlines() if line.strip())


def flagged(path) -> set[str]:
    """Addresses of live-check cells showing ✗ after LibreOffice recalculated the workbook."""
    book = python_calamine.CalamineWorkbook.from_path(str(path))
    out = set()
    for sheet in ("表二", "表三", "表四"):
        for r, row in enumerate(book.get_sheet_by_name(sheet).to_python(skip_empty_area=False), start=1):
            for c, v in enumerate(row, start=1):
                if isinstance(v, str) and v.startswith("✗"):
                    out.add(f"{sheet}!{chr(64 + c)}{r}")
    return out


@pytest.mark.parametrize("path", [TEMPLATE, TOWN, MISTAKES], ids=lambda p: p.name)
def test_prints_to_pdf_with_whole_tables_on_a4(convert, path):
    pdf = convert(path, "pdf")
    pages = pdf_pages(pdf)
    t3 = next(p for p in pages if "申请人情况" in p)
    # The last data column (总计) and the last row are on the page. (法律服务机构 wraps in its column, as in Excel.)
    assert all(word in t3 for word in ("自然人", "商业企业", "其他", "总计", "四、结转下年度继续办理"))
    t4 = next(p for p in pages if "行政复议" in p and "行政诉讼" in p)
    assert "复议后起诉" in t4 and "未经复议直接起诉" in t4
    t2 = next(p for p in pages if "第二十条第（一）项" in p)
    assert "第二十条第（八）项" in t2 and "行政事业性收费" in t2


def test_every_sheet_of_the_template_prints_on_one_page(convert):
    # Issue 9 #25: the 文字 sheet's last row (六、其他需要报告的事项) spilled onto a second page.
    pages = pdf_pages(convert(TEMPLATE, "pdf"))[:-1]
    assert [first_line(p) for p in pages] == [
        "单位信息", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况", "四、政府信息公开行政复议、行政诉讼情况",
        "文字部分（一、总体情况；五、存在的主要问题及改进情况；六、其他需要报告的事项）",
    ]
    text = pages[-1].split("\n", 1)[1]  # below the title, which names the sections too
    assert all(label in text for label in ("（五）监督保障", "五、存在的主要问题及改进情况", "（二）改进情况", "六、其他需要报告的事项"))


def test_recalculated_mistaken_example_flags_exactly_the_mistaken_rows(convert):
    recalculated = convert(MISTAKES, "xlsx")
    # J7 typed 16 (row 7 and the 总计 column's 三（七）check); "12件" in D17 is text to a formula
    # (row 17 and the 自然人 column's check); G15 left blank (the count of blanks under 表三);
    # 表四 行政复议 总计 0 under 1+1+1.
    assert flagged(recalculated) == {"表三!K7", "表三!J32", "表三!K17", "表三!D32", "表三!D33", "表四!E8"}


def test_recalculated_clean_example_flags_nothing(convert):
    assert flagged(convert(TOWN, "xlsx")) == set()


def test_annotated_copy_opens_in_libreoffice(convert, tmp_path):
    out = annotate(MISTAKES, check(read_workbook(MISTAKES)), tmp_path / "标注.xlsx")
    pages = pdf_pages(convert(out, "pdf"))
    assert any("T3-H" in p and "表三!J7" in p for p in pages)


# --- the merge workbook on paper (issue 9 #20: 49 pages, 汇总 one tiny page, lists split across pages) -----


def page_sizes(pdf) -> list[tuple[float, float, str]]:
    """(width, height, paper name) of every page, in points."""
    info = subprocess.run([require_tool("pdfinfo"), "-f", "1", "-l", "9999", str(pdf)], capture_output=True, text=True, check=True).stdout
    return [(float(w), float(h), name) for w, h, name in re.findall(r"Page +\d+ size: +([\d.]+) x ([\d.]+) pts \((\w+)", info)]


def test_merge_workbook_prints_each_sheet_legibly_on_a4(convert, tmp_path):
    from unitbooks import one_application, unit_book

    from nianbao.merge import merge
    from nianbao.merge.roster import Roster

    names = [f"示例县{c}局" for c in "甲乙丙丁戊己庚辛壬癸"]
    for i, name in enumerate(names[:8]):
        unit_book(tmp_path / "in" / f"{name}.xlsx", name, one_application() if i % 3 else {**one_application(), "t3.total.total": 2})
    (tmp_path / "in" / "示例县辛局-损坏.xlsx").write_bytes(b"")
    result = merge([tmp_path / "in"], tmp_path / "汇总.xlsx", roster=Roster.from_names(names))
    pdf = convert(result.output, "pdf")
    pages = pdf_pages(pdf)[:-1]  # pdftotext ends with a form feed
    assert {(round(w), round(h), name) for w, h, name in page_sizes(pdf)} == {(842, 595, "A4")}
    assert [f"第 {i} 页，共 {len(pages)} 页" in p for i, p in enumerate(pages, start=1)] == [True] * len(pages)

    # 汇总: the title and notes over 表二, then the whole of 表三, then 表四 with the checks of the totals.
    assert first_line(pages[0]) == "某省示例县2024年政府信息公开工作年度报告汇总"
    assert "二、主动公开政府信息情况" in pages[0] and "行政事业性收费" in pages[0] and "申请人情况" not in pages[0]
    assert first_line(pages[1]) == "三、收到和处理政府信息公开申请情况"
    assert all(w in pages[1] for w in ("自然人", "商业企业", "总计", "（七）总计", "四、结转下年度继续办理"))
    assert first_line(pages[2]) == "四、政府信息公开行政复议、行政诉讼情况"
    assert all(w in pages[2] for w in ("复议后起诉", "汇总数校验：3项", "T3-ID"))
    # 图表: no chart split across pages.
    assert "办理结果构成" in pages[3] and "报送与校验情况" in pages[3]
    assert first_line(pages[4]).startswith("各单位本年新收政府信息公开申请数量")
    # … and the peer comparison (H2) on a page of its own: eight units of one level are too few to compare.
    assert first_line(pages[5]).startswith("同级比较（H2）") and "「县级部门」8个单位，少于10个，未做同级比较" in pages[5]
    # 明细: as many pages as its 211 columns need, each with the unit names and its header rows.
    lists = next(i for i, p in enumerate(pages) if first_line(p).startswith("单位") and "严重程度" in p)
    detail = pages[6:lists]
    assert 8 <= len(detail) <= 16
    assert all(all(name in p for name in names[:8]) for p in detail)
    assert "表三" in detail[len(detail) // 2] and "复议后起诉" in detail[-1]
    # 问题清单 · 报送情况 · 来源: every column on the page, one page each for a county this size.
    findings, submissions, sources = pages[lists:]
    assert all(w in findings for w in ("单位", "严重程度", "规则说明", "核实说明", "T3-ID"))
    assert all(w in submissions for w in ("类别", "说明", "未报送", "示例县壬局", "示例县辛局-损坏.xlsx"))
    assert all(w in sources for w in ("文件（相对于输入文件夹）", "SHA-256", "处理结果", "单位"))


# --- the template's live checks mark blank cells (issue 9 #25) -----------------------------------------


def pixels_of(pdf, page: int, rgb: tuple[int, int, int], dpi: int = 40) -> int:
    """How many pixels of the printed page are (about) the colour ``rgb``."""
    ppm = subprocess.run([require_tool("pdftoppm"), "-r", str(dpi), "-f", str(page), "-l", str(page), str(pdf)],
                         capture_output=True, check=True).stdout
    header = re.match(rb"P6\s+(\d+)\s+(\d+)\s+255\s", ppm)
    assert header is not None
    data = ppm[header.end():]
    return sum(1 for i in range(0, len(data), 3) if all(abs(data[i + k] - rgb[k]) <= 6 for k in range(3)))


def test_live_checks_mark_blank_cells_once_a_table_is_started(convert, tmp_path):
    import openpyxl

    from nianbao.workbook.colors import CHECK_COLOR

    started = tmp_path / "填了一半.xlsx"
    wb = openpyxl.load_workbook(TEMPLATE)
    wb["表三"]["D5"], wb["表三"]["J5"] = 3, 3  # 一、本年新收 自然人 and 总计: 173 cells of 表三 left blank
    wb["表二"]["B4"] = "/"  # 规章 本年制发件数 (a "/" is not blank)
    wb.save(started)
    recalculated = convert(started, "xlsx")
    sheets = python_calamine.CalamineWorkbook.from_path(str(recalculated))
    t3, t2, t4 = (sheets.get_sheet_by_name(n).to_python(skip_empty_area=False) for n in ("表三", "表二", "表四"))
    assert (t3[32][3], t2[16][1], t4[9][0]) == ("✗ 空白173个", "✗ 空白9个", "")  # 表四 not started: no count
    assert flagged(recalculated) == {"表三!D31", "表三!J31", "表三!D33", "表二!B17"}
    # Printed, the blank cells of the started tables are red, and nothing is red on the untouched template.
    red = tuple(int(CHECK_COLOR[i : i + 2], 16) for i in (2, 4, 6))
    page = {"表二": 2, "表三": 3, "表四": 4}
    filled, blank = convert(started, "pdf"), convert(TEMPLATE, "pdf")
    assert [pixels_of(blank, page[s], red) for s in page] == [0, 0, 0]
    marked = [pixels_of(filled, page[s], red) for s in page]
    assert marked[0] > 1000 and marked[1] > 1000 and marked[2] == 0

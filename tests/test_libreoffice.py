"""The template and examples in a real spreadsheet program: LibreOffice opens, prints and recalculates them."""

from __future__ import annotations

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
    assert all(word in t3 for word in ("自然人", "商业企业", "法律服务机构", "总计", "四、结转下年度继续办理"))
    t4 = next(p for p in pages if "行政复议" in p and "行政诉讼" in p)
    assert "复议后起诉" in t4 and "未经复议直接起诉" in t4
    t2 = next(p for p in pages if "第二十条第（一）项" in p)
    assert "第二十条第（八）项" in t2 and "行政事业性收费" in t2


def test_recalculated_mistaken_example_flags_exactly_the_mistaken_rows(convert):
    recalculated = convert(MISTAKES, "xlsx")
    # J7 typed 16 (row 7 and the 总计 column's 三（七）check); "12件" in D17 is text to a formula
    # (row 17 and the 自然人 column's check); 表四 行政复议 总计 0 under 1+1+1.
    assert flagged(recalculated) == {"表三!K7", "表三!J32", "表三!K17", "表三!D32", "表四!E7"}


def test_recalculated_clean_example_flags_nothing(convert):
    assert flagged(convert(TOWN, "xlsx")) == set()


def test_annotated_copy_opens_in_libreoffice(convert, tmp_path):
    out = annotate(MISTAKES, check(read_workbook(MISTAKES)), tmp_path / "标注.xlsx")
    pages = pdf_pages(convert(out, "pdf"))
    assert any("T3-H" in p and "表三!J7" in p for p in pages)

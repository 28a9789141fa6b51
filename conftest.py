"""The docstring examples of src/ run as doctests, in a folder holding the files they name.

    单位.xlsx              the published report of 巫溪县峰灵镇人民政府 (2023) as a filled workbook
    峰灵镇2023年报.txt      the same report as text copied from its web page
    年报.html               a published report page with real tables (淮安市, 2024)
    收件箱/                 two units' 2024 workbooks, one with deliberate mistakes (a county's inbox)
    名单.xlsx               the roster of that inbox, one unit more than reported

and the names ``report`` (the 峰灵镇 Report) and ``Path``. Each example module runs in a fresh copy.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from _pytest.doctest import DoctestItem

REPO = Path(__file__).resolve().parent


@pytest.fixture(scope="session")
def doctest_folder(tmp_path_factory) -> Path:
    import openpyxl

    from nianbao.examples import EXAMPLES
    from nianbao.workbook.build import write_report

    folder = tmp_path_factory.mktemp("doctest")
    town, bureau = EXAMPLES[0].report, EXAMPLES[1].report
    write_report(town, folder / "单位.xlsx")
    shutil.copy(REPO / "tests" / "fixtures" / "corpus" / "seed-fengling-2023.txt", folder / "峰灵镇2023年报.txt")
    shutil.copy(REPO / "tests" / "fixtures" / "import" / "huaian-2024-tables.html", folder / "年报.html")
    (folder / "收件箱").mkdir()
    write_report(town.with_meta(year=2024), folder / "收件箱" / "峰灵镇.xlsx")
    write_report(bureau, folder / "收件箱" / "市场监管局.xlsx")
    roster = openpyxl.Workbook()
    for row in (["单位名称"], [town.meta.name], [bureau.meta.name], ["示例县教育局"]):
        roster.active.append(row)
    roster.save(folder / "名单.xlsx")
    return folder


@pytest.fixture(autouse=True)
def _doctest_in_a_folder_of_examples(request, doctest_namespace):
    if not isinstance(request.node, DoctestItem):
        return
    from nianbao.examples import EXAMPLES

    if request.node.path.name == "pdf.py" and not shutil.which("soffice"):
        if os.environ.get("NIANBAO_REQUIRE_TOOLS"):
            pytest.fail("LibreOffice (soffice) is required here")
        pytest.skip("LibreOffice (soffice) is not installed")
    here = request.getfixturevalue("tmp_path") / "例"
    shutil.copytree(request.getfixturevalue("doctest_folder"), here)
    request.getfixturevalue("monkeypatch").chdir(here)
    doctest_namespace["report"] = EXAMPLES[0].report
    doctest_namespace["Path"] = Path

"""The bundled examples: checked in as generated, and each shows exactly the findings it was built to show."""

from __future__ import annotations

import pytest
from conftest import REPO
from test_template import signature

from nianbao.check import check
from nianbao.examples import EXAMPLES
from nianbao.report import findings_table
from nianbao.workbook.read import read_workbook

CHECKED_IN = REPO / "template" / "examples"

EXPECTED = {
    # The published report: its 监督保障 speaks of a "区政务公开办" under 巫溪县 (S10) and it does
    # not report 社会评议 (S6).
    "巫溪县峰灵镇人民政府-2023.xlsx": [("S6", "warning", "文字!B8"), ("S10", "warning", "文字!B8")],
    "示例县市场监督管理局-2024.xlsx": [
        ("T3-H", "error", "表三!J7"),  # the cause first: 表三!J7 was typed wrong ...
        ("T3-V", "error", "表三!J28"),  # ... which breaks the column total that reads it
        ("T4-S", "error", "表四!E5"),
        ("N4", "warning", "表三!D17"),
        ("N3", "warning", "表三!G15"),
        ("P1", "warning", "表二!D4"),
        ("P3", "warning", "表二!B15"),
        ("S7", "warning", "文字!B12"),
    ],
}


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda e: e.file)
def test_checked_in_example_equals_a_rebuild(examples_dir, example):
    assert signature(CHECKED_IN / example.file) == signature(examples_dir / example.file)


@pytest.mark.parametrize("name", list(EXPECTED))
def test_example_shows_exactly_its_findings(name):
    r = read_workbook(CHECKED_IN / name)
    assert findings_table(check(r)) == EXPECTED[name]


def test_the_mistakes_example_lists_the_wrong_cell_before_the_total_it_breaks():
    """Issue 9 item 19: the clerk fixes 表三!J7 (a row's 总计) first; the column total says it follows from it."""
    findings = check(read_workbook(CHECKED_IN / "示例县市场监督管理局-2024.xlsx"))
    errors = [(f.rule, f.address, f.message) for f in findings if f.severity.value == "error"]
    assert errors[:2] == [
        ("T3-H", "表三!J7", "表三「（一）予以公开」行：总计=16，自然人至其他各列之和=15，差1"),
        ("T3-V", "表三!J28", "表三「总计」列：（七）总计=36，（一）至（六）各项之和=37，差1（可能由表三!J7的行合计错误引起，请先改正该处）"),
    ]


def test_the_town_example_is_the_published_report():
    r = read_workbook(CHECKED_IN / "巫溪县峰灵镇人民政府-2023.xlsx")
    assert (r.meta.name, r.meta.year, r.meta.level) == ("巫溪县峰灵镇人民政府", 2023, "乡镇/街道")
    assert set(r.values.values()) == {0}
    assert r.text["other"] == "本单位严格落实《政府信息公开条例》要求,按时按质完成政务公开各项工作,严格执行《政府信息公开信息处理费管理办法》,未收取信息处理费。"
    assert "区政务公开办充分发挥好领导协调作用" in r.text["overview.oversight"]

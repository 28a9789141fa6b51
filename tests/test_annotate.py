"""The annotated copy: wrong cells red with comments, a 校验结果 sheet linking to them, acknowledgements kept."""

from __future__ import annotations

import hashlib

import openpyxl
from workbooks import consistent_numbers, report, workbook

from nianbao.check import check
from nianbao.schema import RESULTS_SHEET
from nianbao.workbook.annotate import annotate
from nianbao.workbook.read import read_workbook
from nianbao.workbook.style import INPUT_COLOR, MARK_COLOR


def mistaken(tmp_path):
    n = consistent_numbers() | {"t3.new.total": 9, "t2.rules.in_force": 4}
    return workbook(tmp_path / "unit.xlsx", base=report(n))


def test_copy_marks_cells_links_results_and_leaves_the_input_alone(tmp_path):
    src = mistaken(tmp_path)
    before = hashlib.sha256(src.read_bytes()).hexdigest()
    r = read_workbook(src)
    findings = check(r)
    out = annotate(src, findings, tmp_path / "out.xlsx")
    assert hashlib.sha256(src.read_bytes()).hexdigest() == before
    wb = openpyxl.load_workbook(out)
    assert wb["表三"]["J5"].fill.start_color.rgb == MARK_COLOR
    assert "[T3-H 错误] 表三「一、本年新收政府信息公开申请数量」行：总计=9" in wb["表三"]["J5"].comment.text
    assert wb["表二"]["D4"].fill.start_color.rgb == MARK_COLOR
    assert wb["表三"]["D5"].fill.start_color.rgb == INPUT_COLOR
    results = wb[RESULTS_SHEET]
    assert wb.sheetnames[0] == RESULTS_SHEET
    assert [c.value for c in results[1]] == ["序号", "严重程度", "规则", "位置", "说明", "核实", "核实说明", "键"]
    rows = [[c.value for c in row] for row in results.iter_rows(min_row=2, max_row=1 + len(findings))]
    # The row total typed wrong first, then the identity it breaks (which says so).
    assert [(r[1], r[2], r[3]) for r in rows] == [("错误", "T3-H", "表三!J5"), ("错误", "T3-ID", "表三!J29"), ("警告", "P1", "表二!D4")]
    assert rows[1][4].endswith("（可能由表三!J5的行合计错误引起，请先改正该处）")
    assert results["D2"].hyperlink.location == "'表三'!J5"


def test_acknowledged_warning_is_listed_with_its_reason_and_errors_cannot_be(tmp_path):
    src = mistaken(tmp_path)
    first = annotate(src, check(read_workbook(src)), tmp_path / "round1.xlsx")
    wb = openpyxl.load_workbook(first)
    ws = wb[RESULTS_SHEET]
    for row in ws.iter_rows(min_row=2):
        if row[2].value in ("P1", "T3-H"):
            row[5].value, row[6].value = "已核实", "本机关为设区的市人民政府派出机构，受委托公布规章"
    wb.save(first)

    again = read_workbook(first)
    findings = check(again)
    p1 = next(f for f in findings if f.rule == "P1")
    assert p1.acknowledged == "本机关为设区的市人民政府派出机构，受委托公布规章" and p1.status_label == "已核实"
    t3h = next(f for f in findings if f.rule == "T3-H")
    assert t3h.acknowledged is None and t3h.message.endswith("（错误不能标记为已核实，须改正）")

    second = annotate(first, findings, tmp_path / "round2.xlsx", again.acknowledged)
    wb2 = openpyxl.load_workbook(second)
    rows = {row[2].value: [c.value for c in row] for row in wb2[RESULTS_SHEET].iter_rows(min_row=2) if row[2].value}
    assert rows["P1"][1] == "已核实" and rows["P1"][5:7] == ["已核实", "本机关为设区的市人民政府派出机构，受委托公布规章"]
    assert wb2["表二"]["D4"].fill.start_color.rgb == INPUT_COLOR  # acknowledged: the red mark is cleared
    assert wb2["表三"]["J5"].fill.start_color.rgb == MARK_COLOR


def test_marks_of_a_previous_run_are_cleared_when_fixed(tmp_path):
    src = mistaken(tmp_path)
    marked = annotate(src, check(read_workbook(src)), tmp_path / "marked.xlsx")
    wb = openpyxl.load_workbook(marked)
    wb["表三"]["J5"] = 8
    wb["表二"]["D4"] = 0
    wb["表三"]["M3"].fill = openpyxl.styles.PatternFill("solid", start_color="FF00FF00")  # the clerk's own colour
    wb.save(marked)
    fixed = annotate(marked, check(read_workbook(marked)), tmp_path / "fixed.xlsx")
    wb = openpyxl.load_workbook(fixed)
    assert wb["表三"]["J5"].fill.start_color.rgb == INPUT_COLOR and wb["表三"]["J5"].comment is None
    assert wb["表三"]["M3"].fill.start_color.rgb == "FF00FF00"
    assert wb[RESULTS_SHEET]["A2"].value is None

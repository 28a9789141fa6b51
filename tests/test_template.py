"""The checked-in template equals what the schema builds, and it behaves like the statutory form."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from conftest import REPO

from nianbao.formats import F2021
from nianbao.grid import table_grid
from nianbao.schema import MARKER_SHEET, META_SHEET, TEXT_SHEET
from nianbao.workbook.build import write_template
from nianbao.workbook.layout import TABLE_LEFT, TABLE_TOP, a1, column_letter, display_width, layout_of
from nianbao.workbook.style import INPUT_COLOR

CHECKED_IN = REPO / "template" / "年报模板.xlsx"


def signature(path: Path) -> dict:
    """Everything a person or a reader would notice: values, merges, validations, formats, protection, print setup."""
    wb = openpyxl.load_workbook(path)
    out = {"sheets": wb.sheetnames}
    for ws in wb.worksheets:
        cells = {
            c.coordinate: (c.value, c.fill.start_color.rgb if c.fill.fill_type else None, c.protection.locked, c.number_format)
            for row in ws.iter_rows() for c in row if c.value is not None or c.fill.fill_type
        }
        out[ws.title] = {
            "state": ws.sheet_state,
            "cells": cells,
            "merges": sorted(str(r) for r in ws.merged_cells.ranges),
            "validations": sorted(
                (dv.type, dv.operator, dv.formula1, dv.formula2, str(dv.sqref), dv.error) for dv in ws.data_validations.dataValidation
            ),
            "conditional": sorted(
                (str(rng.sqref), tuple(r.formula)) for rng in ws.conditional_formatting for r in rng.rules
            ),
            "protected": ws.protection.sheet,
            "password": ws.protection.password,
            "print": (ws.print_area, ws.page_setup.orientation, ws.page_setup.paperSize, ws.page_setup.fitToWidth),
            "widths": {k: d.width for k, d in ws.column_dimensions.items()},
            "heights": {k: d.height for k, d in ws.row_dimensions.items() if d.height},
        }
    return out


@pytest.fixture(scope="module")
def rebuilt(tmp_path_factory) -> Path:
    return write_template(tmp_path_factory.mktemp("template") / "年报模板.xlsx")


@pytest.fixture(scope="module")
def book(rebuilt):
    return openpyxl.load_workbook(rebuilt)


def test_checked_in_template_equals_a_rebuild(rebuilt):
    assert signature(CHECKED_IN) == signature(rebuilt), "template/年报模板.xlsx is stale: run `nianbao template -o template/年报模板.xlsx`"


def test_every_label_and_merge_is_where_the_schema_puts_it(book):
    for table in F2021.tables.values():
        ws = book[table.sheet]
        merges = {str(r) for r in ws.merged_cells.ranges}
        for p in table_grid(table):
            top, left = TABLE_TOP + p.row, TABLE_LEFT + p.col
            if p.text:
                assert ws.cell(top, left).value == p.text
            if p.rowspan > 1 or p.colspan > 1:
                assert f"{a1(top, left)}:{a1(top + p.rowspan - 1, left + p.colspan - 1)}" in merges


def test_input_cells_are_unlocked_and_coloured_labels_locked_without_password(book):
    for cid, pos in layout_of(F2021).positions.items():
        cell = book[pos.sheet].cell(pos.row, pos.col)
        assert cell.protection.locked is False, cid
        assert cell.fill.start_color.rgb == INPUT_COLOR, cid
    label = book["表三"]["A5"]
    assert label.value == "一、本年新收政府信息公开申请数量" and label.protection.locked is True
    for name in (META_SHEET, "表二", "表三", "表四", TEXT_SHEET):
        assert book[name].protection.sheet is True and not book[name].protection.password


def test_validations_enforce_whole_counts_decimal_amounts_and_slash_for_rules(book):
    def rule_for(sheet, address):
        return next(dv for dv in book[sheet].data_validations.dataValidation if address in dv.sqref)

    count = rule_for("表三", "D5")
    assert (count.type, count.operator, count.formula1) == ("whole", "greaterThanOrEqual", "0")
    amount = rule_for("表二", layout_of(F2021).positions["t2.fees.amount"].a1)
    assert (amount.type, amount.operator, amount.formula1) == ("decimal", "greaterThanOrEqual", "0")
    rules = rule_for("表二", layout_of(F2021).positions["t2.rules.in_force"].a1)
    assert rules.type == "custom" and '="/"' in rules.formula1
    assert all(rule_for(p.sheet, p.a1) for cid, p in layout_of(F2021).positions.items() if F2021.cells[cid].kind == "count")


def test_live_checks_are_formulas_of_the_rules(book):
    checks, rows, col = layout_of(F2021).live_checks("t3")
    ws = book["表三"]
    assert col == 11
    assert ws["K5"].value == '=IF(SUM(J5)=SUM(D5:I5),"","✗ 差"&ABS(SUM(J5)-SUM(D5:I5)))'
    assert ws["D31"].value == '=IF(SUM(D5:D6)=SUM(D28:D29),"","✗ 差"&ABS(SUM(D5:D6)-SUM(D28:D29)))'
    assert ws["J32"].value == '=IF(SUM(J28)=SUM(J7:J27),"","✗ 差"&ABS(SUM(J28)-SUM(J7:J27)))'
    assert book["表四"]["E8"].value == '=IF(SUM(E5)=SUM(A5:D5),"","✗ 差"&ABS(SUM(E5)-SUM(A5:D5)))'
    assert [r.rule for r in rows] == ["T3-ID", "T3-V"]
    assert len(checks) == 7 + 7 + 25
    red = {str(rng.sqref) for rng in ws.conditional_formatting}
    assert {"K5", "J5", "D31", "J32"} <= red


def test_prints_on_a4_fitted_to_the_page_width(book):
    for table in F2021.tables.values():
        ws = book[table.sheet]
        assert int(ws.page_setup.paperSize) == 9  # A4
        assert ws.page_setup.fitToWidth == 1 and ws.sheet_properties.pageSetUpPr.fitToPage
    assert book["表三"].print_area == "'表三'!$A$1:$J$29"
    assert book["表三"].page_setup.orientation == "landscape"


def test_hidden_marker_names_the_format(book):
    ws = book[MARKER_SHEET]
    assert ws.sheet_state == "hidden"
    assert (ws["A1"].value, ws["B1"].value) == ("format", F2021.id)


def test_a_check_label_of_a_table_without_label_columns_has_a_row_of_its_own(book):
    # Issue 9 #25: 表四's label stood in P7, one column wide and one line tall: "=结果维持+结果纠正+其他".
    ws = book["表四"]
    label = "自动校验：表四每组：总计=结果维持+结果纠正+其他结果+尚未审结"
    assert (ws["A7"].value, ws["P7"].value, ws["P8"].value) == (label, None, None)
    assert "A7:O7" in {str(r) for r in ws.merged_cells.ranges}
    assert display_width(label) < sum(ws.column_dimensions[column_letter(c)].width for c in range(1, 16)) - 1
    assert [ws.cell(8, c).value is not None for c in range(1, 16)] == [c % 5 == 0 for c in range(1, 16)]


def test_live_checks_count_and_mark_blank_cells(book):
    # Issue 9 #25: the most common omission (a blank, which is not 0) had no live check.
    counts = {t.sheet: (book[t.sheet].cell(layout_of(F2021).blank_check(k).row, 1).value, a1(layout_of(F2021).blank_check(k).row, layout_of(F2021).blank_check(k).col),
                        book[t.sheet][a1(layout_of(F2021).blank_check(k).row, layout_of(F2021).blank_check(k).col)].value) for k, t in F2021.tables.items()}
    label = "自动校验：空白单元格（空白不等于0，没有发生的请填0）"
    assert counts["表三"] == (label, "D33", '=IF(COUNTA($D$5:$J$29)=0,"",IF(COUNTA($D$5:$J$29)<175,"✗ 空白"&(175-COUNTA($D$5:$J$29))&"个",""))')
    assert counts["表二"][:2] == (label, "B17") and "COUNTA($B$4:$D$5,$B$8,$B$11:$B$12,$B$15)<10" in counts["表二"][2]
    assert counts["表四"][1] == "A10" and book["表四"]["A9"].value == label  # the label on the row above
    marks = {t.sheet: {(str(rng.sqref), r.formula[0]) for rng in book[t.sheet].conditional_formatting for r in rng.rules
                       if "ISBLANK" in r.formula[0]} for t in F2021.tables.values()}
    assert marks["表三"] == {("D5:J29", "AND(ISBLANK(D5),COUNTA($D$5:$J$29)>0)")}
    assert {rng for rng, _ in marks["表二"]} == {"B4:D5", "B8", "B11:B12", "B15"}
    assert marks["表四"] == {("A5:O5", "AND(ISBLANK(A5),COUNTA($A$5:$O$5)>0)")}


def test_text_sheet_heads_each_section_whose_slots_do_not_name_it(book):
    # Issue 9 #25: 五's （一）（二） followed 一's （一）–（五） with no 五、 between them.
    ws = book[TEXT_SHEET]
    labels = [ws.cell(r, 1).value for r in range(3, 13)]
    assert labels == ["一、总体情况（开头）", "（一）主动公开", "（二）依申请公开", "（三）政府信息管理", "（四）政府信息公开平台建设",
                      "（五）监督保障", "五、存在的主要问题及改进情况", "（一）存在的主要问题", "（二）改进情况", "六、其他需要报告的事项"]
    assert "A9:B9" in {str(r) for r in ws.merged_cells.ranges} and ws["B9"].protection.locked
    assert ws.print_area == "'文字'!$A$1:$B$12"

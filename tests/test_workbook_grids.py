"""The seams the Excel add-in uses: read_grids ({sheet: rows}), 校验结果 read back, template colouring allowed."""

from __future__ import annotations

import openpyxl
import pytest
import python_calamine

from nianbao.check import check
from nianbao.formats import F2021
from nianbao.report import findings_table
from nianbao.schema import RESULTS_SHEET
from nianbao.workbook.annotate import ResultRow, annotate, marked_cells, read_result_rows
from nianbao.workbook.build import write_template
from nianbao.workbook.read import read_grids, read_workbook

MISTAKES = "示例县市场监督管理局-2024.xlsx"


def grids(path) -> dict:
    book = python_calamine.CalamineWorkbook.from_path(str(path))
    return {name: book.get_sheet_by_name(name).to_python(skip_empty_area=False) for name in book.sheet_names}


@pytest.mark.parametrize("name", [MISTAKES, "巫溪县峰灵镇人民政府-2023.xlsx"])
def test_read_grids_is_read_workbook(examples_dir, name):
    path = examples_dir / name
    from_grids, from_file = read_grids(grids(path), str(path)), read_workbook(path)
    assert from_grids.to_dict() == from_file.to_dict()


def test_read_grids_takes_none_for_empty_cells(examples_dir):
    # xlwings reads an empty cell as None where calamine gives "": the Report must not differ.
    path = examples_dir / MISTAKES
    as_xlwings = {n: [[None if v == "" else v for v in row] for row in rows] for n, rows in grids(path).items()}
    assert findings_table(check(read_grids(as_xlwings, str(path)))) == findings_table(check(read_workbook(path)))


def test_result_rows_read_back_as_written(examples_dir, tmp_path):
    path = examples_dir / MISTAKES
    report = read_workbook(path)
    out = annotate(path, check(report), tmp_path / "annotated.xlsx")
    rows = read_result_rows(grids(out)[RESULTS_SHEET])
    assert [(r.number, r.status, r.rule, r.address) for r in rows][:3] == [
        (1, "错误", "T3-H", "表三!J7"), (2, "错误", "T3-V", "表三!J28"), (3, "错误", "T4-S", "表四!E5"),
    ]
    assert len(rows) == 8 and rows[4].key == "N3:t3.refused_enforcement.public_interest"


def test_result_rows_found_by_header_wherever_the_columns_are():
    grid = [["说明", "键", "核实说明", "核实", "位置"], ["差1", "T3-H:t3.a.total", "已核对", "已核实", "表三!J7"], [None, None]]
    assert read_result_rows(grid) == [ResultRow(0, "", "", "表三!J7", "差1", "已核实", "已核对", "T3-H:t3.a.total")]
    assert read_result_rows([["序号", "说明"]]) == []


def test_marked_cells_follow_mark_plan():
    rows = [
        ResultRow(1, "错误", "T3-H", "表三!J7", "", "", "", "T3-H:t3.disclosed.total,t3.disclosed.business"),
        ResultRow(2, "警告", "N3", "表三!F15", "", "", "", "N3:t3.x.research,t3.x.public_interest"),
        ResultRow(3, "已核实", "P1", "表二!D4", "", "已核实", "原因", "P1:t2.rules.in_force"),
        ResultRow(4, "错误", "C1", "", "", "", "", "C1:table:t3"),
    ]
    addresses = {"t3.disclosed.business": "表三!E7", "t3.x.research": "表三!F15", "t3.x.public_interest": "表三!G15"}
    # only the first cell of most findings, every cell of N3, nothing acknowledged or without a sheet cell
    assert marked_cells(rows, addresses) == {("表三", "J7"), ("表三", "F15"), ("表三", "G15")}


def test_template_sheets_allow_colouring_but_not_typing_over_labels(tmp_path):
    wb = openpyxl.load_workbook(write_template(tmp_path / "t.xlsx"))
    for table in F2021.tables.values():
        protection = wb[table.sheet].protection
        assert protection.sheet is True and protection.formatCells is False, table.sheet

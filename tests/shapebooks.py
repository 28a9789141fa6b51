"""Inputs of the shapes a county receives, built by code from the template and unit reports.

    flat_table(tmp / "表单.csv", reports, style="dash")          # one row per unit
    sheets_book(tmp / "部门.xlsx", reports, layout="stacked")    # one sheet per unit

Headers are written from the format's labels (schema), as people write them;
the tables of a sub-unit sheet are the template's own (workbook/build.py),
copied cell by cell onto one sheet.
"""

from __future__ import annotations

import csv
from pathlib import Path

import openpyxl

from nianbao.formats import F2021
from nianbao.report import Report, State
from nianbao.workbook.build import SHEET_LAYOUTS, write_units_on_sheets
from nianbao.workbook.flat import flat_header

STYLES = ("dash", "paren", "rows")
# Columns an online form adds around the statutory ones: listed, read into nothing.
FORM_COLUMNS = ("序号", "提交时间")


def header(cid: str, style: str) -> list[str]:
    """The header of one cell's column: one text (dash, paren) or three rows (rows, as the 明细 sheet prints)."""
    spec = F2021.cells[cid]
    if style == "dash":  # 表三-（三）不予公开-1.属于国家秘密-自然人: as nianbao's own flat writer heads it
        return [flat_header(cid)]
    if style == "paren":  # 一、本年新收政府信息公开申请数量（自然人）; 表四: 行政诉讼未经复议直接起诉（结果维持）
        row = "".join(spec.row_path[-2:]) if spec.row_path else "".join(spec.column_path[:-1])
        return [f"{row}（{spec.column_path[-1]}）"]
    row = "".join(spec.row_path[-2:]) if spec.row_path else "·".join(spec.column_path[:-1])
    return [spec.table, row, spec.column_path[-1]]


def _value(report: Report, cid: str) -> object:
    if cid in report.raw:
        return report.raw[cid]
    if report.state(cid) is State.BLANK:
        return None
    return report.values.get(cid)


def flat_rows(reports: list[Report], style: str, order: list[str] | None = None, title: str | None = None,
              extra: bool = True) -> list[list[object]]:
    """A flat table: header row(s), then one row per unit. ``order`` is the cells' column order; the unit's
    details (and, with ``extra``, a form's own 序号 and 提交时间) come first, headed in the top header row."""
    cids = order or list(F2021.cell_ids)
    heads = [header(cid, style) for cid in cids]
    lead = [*(FORM_COLUMNS if extra else ()), "单位名称", "机关层级", "报告年度"]
    rows: list[list[object]] = [[title]] if title else []
    for level in range(len(heads[0])):
        row: list[object] = list(lead) if level == 0 else [None] * len(lead)
        previous = None
        for h in heads:
            # An upper header row prints a label once over the columns it spans (as a merged cell reads).
            last = level == len(heads[0]) - 1
            row.append(h[level] if last or h[level] != previous else None)
            previous = h[level]
        rows.append(row)
    for i, r in enumerate(reports, start=1):
        form = [i, f"2025-01-{i % 28 + 1:02d} 09:00"] if extra else []
        rows.append([*form, r.meta.name, r.meta.level, r.meta.year, *(_value(r, cid) for cid in cids)])
    return rows


def write_rows(path: Path, rows: list[list[object]], encoding: str = "utf-8-sig") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix == ".csv":
        with open(path, "w", encoding=encoding, newline="") as f:
            csv.writer(f).writerows([["" if v is None else v for v in row] for row in rows])
    else:
        wb = openpyxl.Workbook()
        ws = wb.active
        ws.title = "单位数据"
        for row in rows:
            ws.append(row)
        wb.save(path)
    return path


def flat_table(path: Path, reports: list[Report], style: str = "dash", encoding: str = "utf-8-sig", **kw) -> Path:
    return write_rows(path, flat_rows(reports, style, **kw), encoding)


# --- sub-unit sheets ------------------------------------------------------------------------------------

LAYOUTS = SHEET_LAYOUTS


def sheets_book(path: Path, reports: list[Report], layout: str = "stacked", titled: bool = True,
                extra: dict[str, list[list[object]]] | None = None) -> Path:
    """One sheet per unit (workbook/build.write_units_on_sheets); untitled: no title row, each sheet named by
    its unit instead; ``extra`` sheets as given (a 说明 sheet …)."""
    write_units_on_sheets(reports, path, layout)
    wb = openpyxl.load_workbook(path)
    if not titled:
        for ws, r in zip(wb.worksheets, reports):
            ws["A1"] = None
            ws.title = r.meta.name[-8:]
    for name, rows in (extra or {}).items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
    wb.save(path)
    return path


def total_sheet(wb_path: Path, name: str, report: Report, layout: str = "stacked") -> None:
    """Add a sheet holding the three tables filled with ``report`` (a workbook's own 合计), titled ``name``."""
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        one = write_units_on_sheets([report], Path(tmp) / "one.xlsx", layout)
        src = openpyxl.load_workbook(one).worksheets[0]
        wb = openpyxl.load_workbook(wb_path)
        ws = wb.create_sheet(name)
        for row in src.iter_rows():
            for c in row:
                if c.value is not None:
                    ws.cell(c.row, c.column, c.value)
        ws["A1"] = name
        wb.save(wb_path)

"""Helpers that make real test workbooks: the template filled with a report, then cells typed over."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl

from nianbao.report import Report
from nianbao.workbook.build import write_report
from nianbao.workbook.layout import layout_of


def consistent_numbers() -> dict[str, int]:
    """A small consistent report: every rule of docs/format.md §5.2 holds."""
    n = {}
    cols = ["natural_person", "business", "research", "public_interest", "legal_services", "other_org"]
    rows = {
        "new": [5, 2, 0, 1, 0, 0],
        "carried_over": [1, 0, 0, 0, 0, 0],
        "disclosed": [3, 1, 0, 0, 0, 0],
        "partial": [1, 0, 0, 0, 0, 0],
        "unavailable_not_held": [1, 1, 0, 1, 0, 0],
        "total": [5, 2, 0, 1, 0, 0],
        "carried_forward": [1, 0, 0, 0, 0, 0],
    }
    for row, values in rows.items():
        for col, v in zip(cols, values):
            n[f"t3.{row}.{col}"] = v
        n[f"t3.{row}.total"] = sum(values)
    n.update({"t4.review.upheld": 1, "t4.review.total": 1, "t2.normative.issued": 2, "t2.normative.in_force": 9})
    return n


# Text for sections 一、五、六 that every text rule accepts (the five aspects, 考核/评议/追究, 信息处理费; no
# numbers): a report without it is not finished (S12). Each sentence holds a phrase every report writes
# (以公开为常态, 信息处理费), which Y5 does not count as copying: two years of this text are not 雷同.
WRITTEN = {
    "overview.proactive": "坚持以公开为常态，认真做好主动公开工作。",
    "overview.on_request": "坚持以公开为常态，依申请公开工作依法依规办理。",
    "overview.management": "坚持以公开为常态，政府信息管理制度健全。",
    "overview.platform": "坚持以公开为常态，政府网站平台建设稳步推进。",
    "overview.oversight": "坚持以公开为常态，监督保障有力，按要求开展工作考核、社会评议和责任追究。",
    "problems.issues": "对照以公开为常态的要求，存在的主要问题是公开工作人员业务水平有待提高。",
    "problems.improvements": "对照以公开为常态的要求，改进情况是加强公开工作人员业务培训。",
    "other": "本机关本年度未收取信息处理费。",
}


def report(numbers: dict[str, Any] | None = None, text: dict[str, str] | None = None, **meta: Any) -> Report:
    """A report of ``numbers`` (default: consistent) with the text of WRITTEN (``text={}`` for none)."""
    meta = {"name": "测试镇人民政府", "level": "乡镇/街道", "region": "测试县", "year": 2024} | meta
    report = Report.from_numbers(consistent_numbers() if numbers is None else numbers, **meta)
    report.text.update(WRITTEN if text is None else text)
    return report


def workbook(path: Path, base: Report | None = None, cells: dict[str, Any] | None = None, by_address: dict[str, Any] | None = None) -> Path:
    """Write ``base`` (default: the consistent report) into the template at ``path``, then type ``cells``
    (cell id → value) and ``by_address`` ("表三!D5" → value) over it with openpyxl, as a clerk would."""
    base = base or report()
    write_report(base, path)
    if cells or by_address:
        wb = openpyxl.load_workbook(path)
        for cid, value in (cells or {}).items():
            pos = layout_of(base.format).positions[cid]
            wb[pos.sheet].cell(pos.row, pos.col).value = value
        for address, value in (by_address or {}).items():
            sheet, ref = address.split("!")
            wb[sheet][ref] = value
        wb.save(path)
    return path


def insert_rows(ws, row: int, amount: int) -> None:
    """Insert rows as Excel does: openpyxl's insert_rows moves the cells but leaves merged ranges
    where they were (the 文字 sheet's section heading is merged across two columns)."""
    ws.insert_rows(row, amount=amount)
    for merged in ws.merged_cells.ranges:
        if merged.min_row >= row:
            merged.shift(row_shift=amount)

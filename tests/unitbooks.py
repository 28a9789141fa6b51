"""Unit workbooks for merge tests: real template files written by the foundation writer.

    unit_book(tmp / "峰灵镇.xlsx", "巫溪县峰灵镇人民政府", {"t3.new.total": 1, ...})
"""

from __future__ import annotations

import os
from pathlib import Path

from workbooks import WRITTEN

from nianbao.report import Report
from nianbao.workbook.build import write_report

YEAR = 2024
REGION = "某省示例县"


def unit_report(name: str, numbers: dict | None = None, *, level: str = "县级部门", year: int | None = YEAR,
                government_own: bool = False, raw: dict | None = None, text: dict | None = None,
                region: str = REGION) -> Report:
    """A report whose listed cells hold the given numbers and every other cell 0, with the text of
    workbooks.WRITTEN (``text={}`` for none)."""
    report = Report.from_numbers(numbers or {}, name=name, level=level, year=year, region=region,
                                 government_own=government_own)
    for cid, typed in (raw or {}).items():
        report.values[cid] = None
        report.raw[cid] = typed
    report.text.update(WRITTEN if text is None else text)
    return report


def unit_book(path: Path, name: str, numbers: dict | None = None, *, mtime: float | None = None, **kw) -> Path:
    write_report(unit_report(name, numbers, **kw), path)
    if mtime is not None:
        os.utime(path, (mtime, mtime))
    return path


def one_application(column: str = "natural_person", outcome: str = "disclosed") -> dict[str, int]:
    """One new application from ``column``, answered with ``outcome``: passes every table rule."""
    return {
        f"t3.new.{column}": 1, "t3.new.total": 1,
        f"t3.{outcome}.{column}": 1, f"t3.{outcome}.total": 1,
        f"t3.total.{column}": 1, "t3.total.total": 1,
    }

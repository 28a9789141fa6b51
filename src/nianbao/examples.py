"""The bundled example workbooks, generated from small specs in nianbao/data/examples/.

    >>> [e.file for e in EXAMPLES]
    ['巫溪县峰灵镇人民政府-2023.xlsx', '示例县市场监督管理局-2024.xlsx']

An example spec lists only what differs from an all-zero report: non-zero
values, cells typed as text (``raw``), cells left blank, and the text sections.
template/examples/ holds the generated files; a test regenerates and compares.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from .formats import DEFAULT
from .report import Report, State, UnitMeta


@dataclass(frozen=True)
class Example:
    file: str
    about: str
    report: Report


def _load(name: str) -> Example:
    spec = json.loads((resources.files("nianbao") / "data" / "examples" / name).read_text(encoding="utf-8"))
    report = Report(meta=UnitMeta(**spec["meta"]), values=dict.fromkeys(DEFAULT.cell_ids, 0))
    report.values.update(spec.get("values", {}))
    report.raw.update(spec.get("raw", {}))
    for cid in spec.get("blank", ()):
        report.values[cid] = None
        report.states[cid] = State.BLANK
    report.text.update(spec.get("text", {}))
    return Example(spec["file"], spec["about"], report)


EXAMPLES: tuple[Example, ...] = tuple(_load(n) for n in ("fengling-2023.json", "mistakes-2024.json"))


def write_examples(folder: str | Path) -> list[Path]:
    """Write every example workbook into ``folder``."""
    from .workbook.build import write_report

    folder = Path(folder)
    return [write_report(e.report, folder / e.file) for e in EXAMPLES]


# Small units of the shapes a county or city receives (docs/merge.md "汇总的输入"): numbers that pass the
# table rules, one application each answered differently, named for where they sit.
SHAPE_UNITS = (
    ("示例市某局办公室", "某省示例市", "natural_person", "disclosed"),
    ("示例市某局执法大队", "某省示例市", "business", "partial"),
    ("示例市甲镇人民政府", "某省示例市", "natural_person", "unavailable_not_held"),
    ("示例市乙街道办事处", "某省示例市", "research", "disclosed"),
    ("示例市甲县财政局", "某省示例市甲县", "natural_person", "disclosed"),
    ("示例市甲县丙镇人民政府", "某省示例市甲县", "business", "refused_secret"),
)


def shape_reports() -> list[Report]:
    """The reports of SHAPE_UNITS (2024)."""
    reports = []
    for i, (name, region, column, outcome) in enumerate(SHAPE_UNITS):
        one: dict[str, int | float] = {f"t3.new.{column}": 1, "t3.new.total": 1, f"t3.{outcome}.{column}": 1, f"t3.{outcome}.total": 1,
                                       f"t3.total.{column}": 1, "t3.total.total": 1, "t2.licensing.decisions": 10 * (i + 1)}
        level = "乡镇/街道" if name.endswith(("人民政府", "办事处")) else "县级部门"
        reports.append(Report.from_numbers(one, name=name, level=level, region=region, year=2024))
    return reports


def write_shape_examples(folder: str | Path, county: str | Path) -> list[Path]:
    """The shapes merge reads, in ``folder``: a workbook of one sheet per unit, a flat table (CSV), and the
    unit workbooks of a county in ``county`` (the caller merges them into ``folder``, as a county would)."""
    from .workbook.build import write_report, write_units_on_sheets
    from .workbook.flat import write_flat

    folder, county = Path(folder), Path(county)
    reports = shape_reports()
    written = [write_units_on_sheets(reports[:2], folder / "某局各科室.xlsx"), write_flat(reports[2:4], folder / "镇街表单导出.csv")]
    return written + [write_report(r, county / f"{r.meta.name}.xlsx") for r in reports[4:]]

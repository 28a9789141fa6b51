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

from .report import Report, State, UnitMeta
from .schema import CELL_IDS


@dataclass(frozen=True)
class Example:
    file: str
    about: str
    report: Report


def _load(name: str) -> Example:
    spec = json.loads((resources.files("nianbao") / "data" / "examples" / name).read_text(encoding="utf-8"))
    report = Report(meta=UnitMeta(**spec["meta"]), values=dict.fromkeys(CELL_IDS, 0))
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

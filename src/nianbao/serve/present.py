"""What the pages show, shaped for templates from the library's values (no rule or reading here).

    >>> safe_file_name("../../etc/passwd")
    'passwd'
    >>> safe_file_name('峰灵镇:2024?年报.xlsx')
    '峰灵镇_2024_年报.xlsx'
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from pathlib import PurePosixPath, PureWindowsPath

from ..export.html import table_rows
from ..formats import DEFAULT
from ..report import Finding, Report, Severity
from ..rules import RULES
from ..workbook.annotate import marked_cells_of, split_address
from ..workbook.layout import layout_of

_UNSAFE = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*]')
MAX_NAME = 120


def safe_file_name(name: str, default: str = "年报.xlsx") -> str:
    """A user's file name made harmless as a download or zip entry name: no folders, no reserved characters."""
    name = unicodedata.normalize("NFC", str(name or ""))
    name = PureWindowsPath(PurePosixPath(name.replace("\\", "/")).name).name
    name = _UNSAFE.sub("_", name).strip(" .")
    if len(name) > MAX_NAME:
        stem, dot, suffix = name.rpartition(".")
        name = (stem[: MAX_NAME - len(suffix) - 1] + dot + suffix) if dot and len(suffix) <= 8 else name[:MAX_NAME]
    return name or default


def _item(f: Finding) -> dict:
    first = f.cells[0].id if f.cells else ""
    return {
        "finding": f, "rule": f.rule, "title": RULES[f.rule].title if f.rule in RULES else "",
        "address": f.address, "message": f.message, "key": f.key, "acknowledged": f.acknowledged,
        "anchor": f"c-{first}" if first in DEFAULT.cell_ids else "",
    }


def findings_view(findings: list[Finding]) -> dict:
    """Findings grouped as the page lists them: 错误, 警告, 提示, then the warnings marked 已核实."""
    open_ = [f for f in findings if not f.acknowledged]
    groups = [
        {"name": s.label, "css": s.value, "items": [_item(f) for f in open_ if f.severity is s]} for s in Severity
    ]
    groups.append({"name": "已核实", "css": "acknowledged", "items": [_item(f) for f in findings if f.acknowledged]})
    return {"groups": groups, "total": len(findings), "open": len(open_)}


@lru_cache(maxsize=1)
def _tables_template():
    import jinja2

    env = jinja2.Environment(loader=jinja2.PackageLoader("nianbao", "serve/jinja"), autoescape=True,
                             trim_blocks=True, lstrip_blocks=True)
    return env.get_template("tables.html.j2")


def tables_html(report: Report, findings: list[Finding]) -> str:
    """The tables as HTML (escaped by Jinja2's autoescape), for ``{{ tables_html|safe }}`` in a page."""
    return _tables_template().render(tables=tables_view(report, findings))


def tables_view(report: Report, findings: list[Finding]) -> list[dict]:
    """表二、表三、表四 as the export draws them, each value cell marked with the findings that point at it."""
    marks = marked_cells_of(findings)
    out = []
    for key in report.format.tables:
        table = table_rows(key, report)
        for row in table["body"]:
            for cell in row:
                cid = cell.get("cell")
                if not cid:
                    continue
                where = split_address(report.address(cid) or layout_of(report.format).addresses[cid])
                marking = marks.get(where, []) if where else []
                cell["anchor"] = f"c-{cid}"
                if marking:
                    worst = min(marking, key=lambda f: f.severity.rank)
                    cell["mark"] = worst.severity.value
                    cell["note"] = "\n".join(f"{f.rule} {f.severity.label}：{f.message}" for f in marking)
        out.append(table)
    return out

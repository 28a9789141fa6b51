"""The report as one self-contained web page: semantic tables, print CSS, readable on a phone.

    >>> write_html(report, "年报.html")
    PosixPath('年报.html')
    >>> "<title>巫溪县峰灵镇人民政府2023年政府信息公开工作年度报告</title>" in render_html(report)
    True

No external resource of any kind (fonts, styles, scripts, images): the page
is what a government website publishes and what an archive keeps. Each
statutory table is one ``<table>`` whose header cells are ``<th>`` with the
format's rowspan/colspan, and each value cell carries its cell id
(``data-cell``) so the page can be read back without guessing.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from ..atomic import write_text
from ..report import Report
from ..safetext import clean
from .blocks import blocks, grid_rows, header_rows, shown_value


@lru_cache(maxsize=1)
def _template():
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("nianbao", "export"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return env.get_template("page.html.j2")


def table_rows(table_key: str, report: Report) -> dict:
    """One statutory table as rows of cells for a template: ``{"key", "name", "head", "body"}``.

    Each cell is a dict: ``tag`` (th/td), ``text``, ``rowspan``, ``colspan``,
    and ``cell`` (the cell id) on value cells; the web portal draws its
    tables from this too, marking the cells its findings point at.
    """
    fmt = report.format
    table = fmt.tables[table_key]
    widths = table.column_widths
    n_header = header_rows(table)
    rows = []
    for places in grid_rows(table):
        cells = []
        for p in places:
            if p.cell is not None:  # a value cell
                cells.append({"tag": "td", "text": shown_value(report, p.cell), "cell": p.cell,
                              "rowspan": p.rowspan, "colspan": p.colspan})
                continue
            scope = "row" if p.role == "label" else ("colgroup" if p.colspan > 1 else "col")
            css = [p.role]
            if p.role == "label" and fmt.vertical.applies(widths[p.col], p.colspan, p.rowspan):
                css.append("vertical")
            cells.append({"tag": "th", "text": p.text or "", "scope": scope, "class": " ".join(css),
                          "rowspan": p.rowspan, "colspan": p.colspan})
        rows.append(cells)
    return {"key": table_key, "name": table.name, "head": rows[:n_header], "body": rows[n_header:]}


def render_html(report: Report) -> str:
    items = []
    for block in blocks(report):
        if block.kind == "table":
            items.append({"kind": "table", "table": table_rows(block.table, report)})
        else:
            items.append({"kind": block.kind, "text": block.text})
    return _template().render(title=clean(report.meta.title), items=items, meta=report.meta, format_id=report.format.id)


def write_html(report: Report, path: str | Path) -> Path:
    return write_text(path, render_html(report))

"""The printed shape of each statutory table, derived from the schema.

A table is a list of ``Place``s on a grid: header and label cells with their
rowspan/colspan, and value cells carrying a cell id. The template, the HTML
and Word exports and the reader's label check all draw from this one grid.

    >>> from nianbao.formats import F2021
    >>> [p.text for p in table_grid(F2021.tables["t4"]) if p.row == 0]
    ['行政复议', '行政诉讼']
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from .schema import Node, Section, TableSpec


@dataclass(frozen=True)
class Place:
    row: int  # 0-based within the table
    col: int
    rowspan: int
    colspan: int
    role: str  # "title" | "corner" | "header" | "label" | "value"
    text: str | None = None
    cell: str | None = None  # the cell id, for role == "value"

    @property
    def is_label(self) -> bool:
        return self.role != "value"


def _section_places(table: TableSpec, section: Section, top: int) -> tuple[list[Place], int]:
    places: list[Place] = []
    y = top
    if section.title:
        places.append(Place(y, 0, 1, table.width, "title", section.title))
        y += 1
    height, lw = section.header_height, section.label_width
    n_leaves = len(section.column_leaves)
    stretch = (section.data_width or n_leaves) // n_leaves
    if section.corner and lw:
        places.append(Place(y, 0, height, lw, "corner", section.corner))

    def place_column(node: Node, depth: int, x: int) -> int:
        width = sum(1 for _ in node.leaves()) * stretch
        rowspan = height - depth if node.is_leaf else 1
        places.append(Place(y + depth, x, rowspan, width, "header", node.label))
        if not node.is_leaf:
            cx = x
            for child in node.children:
                cx = place_column(child, depth + 1, cx)
        return x + width

    x = lw
    for node in section.columns:
        x = place_column(node, 0, x)
    y += height

    def place_row(node: Node, depth: int, r: int) -> int:
        if node.is_leaf:
            if node.label:
                places.append(Place(r, depth, 1, lw - depth, "label", node.label))
            for j, col in enumerate(section.column_leaves):
                cid = ".".join(p for p in (table.key, node.key, col.key) if p)
                places.append(Place(r, lw + j * stretch, 1, stretch, "value", cell=cid))
            return r + 1
        n = sum(1 for _ in node.leaves())
        places.append(Place(r, depth, n, 1, "label", node.label))
        for child in node.children:
            r = place_row(child, depth + 1, r)
        return r

    for node in section.rows:
        y = place_row(node, 0, y)
    return places, y


@cache
def table_grid(table: TableSpec) -> tuple[Place, ...]:
    places: list[Place] = []
    y = 0
    for section in table.sections:
        section_places, y = _section_places(table, section, y)
        places.extend(section_places)
    return tuple(places)


def grid_size(table: TableSpec) -> tuple[int, int]:
    grid = table_grid(table)
    return max(p.row + p.rowspan for p in grid), max(p.col + p.colspan for p in grid)


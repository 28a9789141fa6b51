"""Find the statutory tables in a grid of cells by their labels, wherever they are.

A grid is rows of cell values (a worksheet, an HTML or Word table). Two ways in:

* ``verify_layout``: are the labels exactly where the template puts them?
  (the fast path: nothing to search)
* ``locate_table``: find each row by its printed label and each column by its
  header, wherever they sit (rows inserted, a county's own variant of the form,
  the tables pasted into another sheet). Labels compare after ``normalise``
  (docs/format.md §3.5); the format's known typos are accepted and reported (S4).

Both work for any format: a grid is indexed with the format whose labels it is searched for.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from .formats import DEFAULT, F2019
from .grid import table_grid
from .report import CellRef, Finding
from .rules import finding
from .schema import Format, Node, Section, TableSpec, find_node, normalise

Grid = Sequence[Sequence[object]]


@dataclass(frozen=True)
class Typo:
    row: int
    col: int
    found: str
    official: str


@dataclass
class Located:
    positions: dict[str, tuple[int, int]] = field(default_factory=dict)  # cell id -> (row, col), 0-based
    labels: dict[str, tuple[int, int]] = field(default_factory=dict)  # row key -> where its label is
    typos: list[Typo] = field(default_factory=list)
    subtotals: list[tuple[Node, int]] = field(default_factory=list)  # non-standard subtotal rows (T3-SUB)


def cell_text(grid: Grid, r: int, c: int) -> str:
    if r < len(grid) and c < len(grid[r]):
        v = grid[r][c]
        return v if isinstance(v, str) else ""
    return ""


def label_matches(found: str, official: str, fmt: Format = DEFAULT) -> tuple[bool, bool]:
    """(matches, is_known_typo): ``found`` is ``official``, or a known typo or variant of it in ``fmt``."""
    if found == official:
        return True, False
    n = normalise(found)
    if n == normalise(official):
        return True, False
    typo = fmt.typo_index.get(n)
    return (typo is not None and normalise(typo) == normalise(official)), True


def verify_layout(grid: Grid, table: TableSpec, top: int, left: int, fmt: Format = DEFAULT) -> tuple[bool, list[Typo]]:
    """Whether every label of ``fmt``'s ``table`` sits where the template puts it (grid row 0 at ``top``)."""
    typos = []
    for p in table_grid(table):
        if not p.text:
            continue
        r, c = top + p.row, left + p.col
        found = cell_text(grid, r, c)
        ok, typo = label_matches(found, p.text, fmt)
        if not ok:
            return False, []
        if typo:
            typos.append(Typo(r, c, found, p.text))
    return True, typos


class LabelIndex:
    """Normalised text of every string cell, for finding labels anywhere in a grid; a known typo or
    variant of ``fmt`` is found under its official label too."""

    def __init__(self, grid: Grid, fmt: Format = DEFAULT):
        self.grid = grid
        self.where: dict[str, list[tuple[int, int]]] = {}
        self.typos: dict[tuple[int, int], str] = {}
        typo_index = fmt.typo_index
        for r, row in enumerate(grid):
            for c, v in enumerate(row):
                if isinstance(v, str) and v.strip():
                    n = normalise(v)
                    self.where.setdefault(n, []).append((r, c))
                    if n in typo_index:
                        official = normalise(typo_index[n])
                        self.where.setdefault(official, []).append((r, c))
                        self.typos[(r, c)] = typo_index[n]
        for cells in self.where.values():
            cells.sort()

    def find(self, label: str, after_row: int = -1, rows: range | None = None) -> list[tuple[int, int]]:
        hits = self.where.get(normalise(label), [])
        return [(r, c) for r, c in hits if r > after_row and (rows is None or r in rows)]

    def contains(self, label: str) -> bool:
        return normalise(label) in self.where

    def typo(self, r: int, c: int) -> Typo | None:
        official = self.typos.get((r, c))
        return Typo(r, c, cell_text(self.grid, r, c), official) if official else None


def _is_number(v: object) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _locate_section(
    index: LabelIndex, table: TableSpec, section: Section, after_row: int, out: Located
) -> int | None:
    """Fill ``out`` with the section's cells; return the last row used, or None if not found."""
    row_leaves = list(section.row_leaves)
    labelled = [n for n in row_leaves if n.label]
    row_at: dict[str, int] = {}
    label_col = -1
    last = after_row
    for node in labelled:
        hits = index.find(node.label, after_row=last)
        if not hits:
            return None
        r, c = hits[0]
        row_at[node.key] = r
        out.labels[node.key] = (r, c)
        label_col = max(label_col, c)
        if (t := index.typo(r, c)) is not None:
            out.typos.append(t)
        last = r
    height = section.header_height
    if labelled:
        first = min(row_at.values())
        window = range(max(first - height - 1, after_row + 1), first)
    else:
        anchors = index.find(section.columns[0].label, after_row=after_row)
        if not anchors:
            return None
        first = anchors[0][0]
        window = range(first, first + height + 1)
    columns: list[int] = []
    header_rows: list[int] = []
    for leaf in section.column_leaves:
        hits = [(r, c) for r, c in index.find(leaf.label, rows=window) if c > max(columns, default=label_col)]
        if not hits:
            return None
        r, c = min(hits, key=lambda rc: (rc[1], rc[0]))
        columns.append(c)
        header_rows.append(r)
        if (t := index.typo(r, c)) is not None:
            out.typos.append(t)
    if not labelled:
        data_row = max(header_rows) + 1
        row_at = {row_leaves[0].key: data_row}
        last = data_row
    for node in row_leaves:
        for leaf, c in zip(section.column_leaves, columns):
            cid = ".".join(p for p in (table.key, node.key, leaf.key) if p)
            out.positions[cid] = (row_at[node.key], c)
    return last


def locate_table(index: LabelIndex, table: TableSpec) -> Located | None:
    """Find every cell of ``table`` in the indexed grid by labels; None if it is not there."""
    out = Located()
    last = -1
    for section in table.sections:
        found = _locate_section(index, table, section, last, out)
        if found is None:
            return None
        last = found
    _find_subtotals(index, table, out)
    return out


def _find_subtotals(index: LabelIndex, table: TableSpec, out: Located) -> None:
    """Group rows of 表三 that carry numbers of their own: non-standard subtotals (T3-SUB)."""
    if table.key != "t3":
        return
    value_cols = sorted({c for _, c in out.positions.values()})
    results = find_node(table.sections[0].rows, "results")
    for group in results.children:
        if group.is_leaf:
            continue
        first_leaf = next(group.leaves())
        first_row = out.positions[f"t3.{first_leaf.key}.total"][0]
        for r, _ in index.find(group.label):
            if r != first_row and r < first_row and any(_is_number(_at(index.grid, r, vc)) for vc in value_cols):
                out.subtotals.append((group, r))
                break


def _at(grid: Grid, r: int, c: int) -> object:
    return grid[r][c] if r < len(grid) and c < len(grid[r]) else None


F2019_SINGLE_OTHER = "表三「（六）其他处理」只有一行，2021年格式分为3行（逾期不补正、逾期未缴费、其他）"


def f2019_reasons(index: LabelIndex) -> list[str]:
    """What marks a grid as the 2019 format (docs/format.md §6.2), in words; empty if none. F2019-only: its
    fingerprints, and the one-row （六）其他处理 the 2021 format split in three."""
    reasons = [why for key, why in F2019.fingerprint_index.items() if key in index.where]
    other = index.find("（六）其他处理")
    if other and not index.contains("3.其他"):
        r, c = other[0]
        if any(_is_number(v) for v in index.grid[r][c + 1 :]):
            reasons.append(F2019_SINGLE_OTHER)
    return reasons


def old_format_finding(reasons: list[str], year: int | None, subject: str, advice: str) -> Finding:
    """Y4 (a 2021+ report in the 2019 format) or V1 (a 2019/2020 report: not checkable cell by cell)."""
    rule = "Y4" if year is None or year >= 2021 else "V1"
    when = (
        f"{year}年度报告必须使用2021年格式（国办公开办函〔2021〕30号）"
        if rule == "Y4"
        else "本工具按2021年格式校验，2019、2020年度报告适用的2019年格式无法逐项校验"
    )
    return finding(
        rule,
        f"{subject}是2019年格式（{F2019.name}）：{'；'.join(reasons)}。{when}；{advice}",
        (CellRef("format", ""),),
    )

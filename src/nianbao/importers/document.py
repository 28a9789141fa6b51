"""A published report as the importer sees it: its text in reading order, and its tables as grids.

    >>> doc = Document.from_text("一、总体情况\\n……")
    >>> doc.text.splitlines()[0]
    '一、总体情况'

Every format reduces to this: a .txt is only text; an HTML page or a Word file
is text with tables (each also flattened into the text, cell by cell, so that a
table the grid reader cannot place is still read as text); a PDF is text whose
lines were broken by the page width (``wrapped``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

Grid = list[list[object]]

_PLAIN_NUMBER = re.compile(r"^\d+(?:\.\d+)?$")


@dataclass
class TableBlock:
    """One printed table: ``grid`` repeats a merged cell's text over every position it covers
    (so labels are found wherever a reader looks, as ``locate.locate_table`` expects);
    ``owners`` marks the top-left position of each printed cell."""

    grid: Grid
    owners: list[list[bool]]

    def flat_text(self) -> str:
        """The table as a flattened web copy prints it: each printed cell once, row by row."""
        lines = []
        for row, own in zip(self.grid, self.owners):
            for value, owner in zip(row, own):
                if owner:
                    lines.append(str(value) if value is not None else "")
        return "\n".join(lines)


class GridBuilder:
    """Assemble a grid from printed cells with rowspan/colspan (the HTML table algorithm).

    Every position is bounded: a damaged or hostile file can claim rowspan="65535", a Word cell's
    gridSpan of two billion or a gridBefore as large, and no statutory table is wider than a few dozen
    columns or longer than a few hundred rows. What lies beyond is dropped, never allocated.
    """

    MAX_SPAN = 200  # columns (and rows) one printed cell may cover
    MAX_COLS = 200
    MAX_ROWS = 2_000

    def __init__(self) -> None:
        self.cells: dict[tuple[int, int], tuple[str, bool]] = {}
        self.row = -1
        self.width = 0

    def next_row(self) -> None:
        self.row += 1

    def _cover(self, row: int, col: int, text: str, rowspan: int, colspan: int) -> None:
        rows = range(max(0, row), min(row + max(1, min(rowspan, self.MAX_SPAN)), self.MAX_ROWS))
        cols = range(max(0, col), min(col + max(1, min(colspan, self.MAX_SPAN)), self.MAX_COLS))
        for r in rows:
            for c in cols:
                self.cells[(r, c)] = (text, r == row and c == col)
        if rows and cols:
            self.width = max(self.width, cols.stop)

    def add(self, text: str, rowspan: int = 1, colspan: int = 1) -> None:
        col = 0
        while (self.row, col) in self.cells:
            col += 1
        self._cover(self.row, col, text, rowspan, colspan)

    def continue_above(self, col: int, colspan: int = 1) -> None:
        """A Word cell that continues the vertical merge of the cell above it."""
        above = self.cells.get((self.row - 1, col), ("", True))[0]
        self._cover(self.row, col, above, 1, colspan)
        if (self.row, col) in self.cells:
            self.cells[(self.row, col)] = (above, False)

    def put(self, row: int, col: int, text: str, rowspan: int = 1, colspan: int = 1) -> None:
        """A cell at a known grid position (a PDF table's cell, placed by its box)."""
        self._cover(row, col, text, rowspan, colspan)

    def place(self, col: int, text: str, colspan: int = 1) -> None:
        """A Word cell at a known grid column."""
        self._cover(self.row, col, text, 1, colspan)

    def build(self) -> TableBlock | None:
        if not self.cells:
            return None
        height = max(r for r, _ in self.cells) + 1
        grid: Grid = [[""] * self.width for _ in range(height)]
        owners = [[False] * self.width for _ in range(height)]
        for (r, c), (text, owner) in self.cells.items():
            grid[r][c] = _cell_value(text)
            owners[r][c] = owner
        return TableBlock(grid, owners)


def _cell_value(text: str) -> object:
    """Plain digits become numbers, as a spreadsheet would hold them; anything else stays as printed."""
    t = text.strip()
    if _PLAIN_NUMBER.match(t):
        return float(t) if "." in t else int(t)
    return t


@dataclass
class Document:
    text: str
    tables: list[TableBlock] = field(default_factory=list)
    wrapped: bool = False  # lines broken by the page width (PDF): paragraphs are re-joined
    kind: str = "text"
    # The same pages read in visual order (PDF): better for the text sections, whose quotes a
    # content-order extraction can misplace, while tables read better in content order.
    narrative: str | None = None

    @classmethod
    def from_text(cls, text: str, wrapped: bool = False, kind: str = "text") -> Document:
        return cls(clean_text(text), [], wrapped, kind)

    @classmethod
    def from_blocks(cls, blocks: Iterable[str | TableBlock], kind: str) -> Document:
        """Paragraphs and tables in reading order; each table is also flattened into the text."""
        parts: list[str] = []
        tables: list[TableBlock] = []
        for block in blocks:
            if isinstance(block, TableBlock):
                tables.append(block)
                parts.append(block.flat_text())
            else:
                parts.append(block)
        return cls(clean_text("\n".join(parts)), tables, False, kind)


_PAGE_FOOTER = re.compile(
    r"^[ \t]*(?:[-—–－]\s*\d{1,3}\s*[-—–－]|第\s*\d{1,3}\s*页(?:\s*[,，/]?\s*共\s*\d{1,3}\s*页)?"
    # "— 1 —" whose number sits lower than its dashes comes out of pdfplumber as "— —" then "1"
    r"|[-—–－][ \t]*[-—–－][ \t]*\n[ \t]*\d{1,3})[ \t]*$",
    re.M,
)
# A PDF's text layer puts a space where Latin digits meet Chinese characters ("2023 年版"); the
# published words have none.
_PDF_SPACING = re.compile(r"(?<=[0-9A-Za-z%])[ \t]+(?=[\u4e00-\u9fff])|(?<=[\u4e00-\u9fff])[ \t]+(?=[0-9A-Za-z])")


def join_pdf_spacing(text: str) -> str:
    return _PDF_SPACING.sub("", text)


# A markdown table's separator line (|---|:--:|), which converters print under each header: no cells.
_TABLE_RULE = re.compile(r"^[ \t]*[|｜]?(?:[ \t]*:?-{3,}:?[ \t]*[|｜])*[ \t]*:?-{3,}:?[ \t]*[|｜]?[ \t]*$", re.M)


def clean_text(text: str) -> str:
    """Unify line ends, drop page footers (``- 3 -``, ``第3页 共6页``), table rule lines and blank runs."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u3000", " ").replace("\xa0", " ")
    text = text.replace("\ufeff", "").replace("\u200b", "")
    text = _PAGE_FOOTER.sub("", text)
    text = _TABLE_RULE.sub("", text)
    lines = [line.rstrip() for line in text.split("\n")]
    return "\n".join(line for line in lines if line.strip())

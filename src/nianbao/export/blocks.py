"""The publishable report as a flat list of blocks, shared by the Word and HTML writers.

    >>> from nianbao.examples import EXAMPLES
    >>> [b.text for b in blocks(EXAMPLES[0].report) if b.kind == "heading"][:2]
    ['一、总体情况', '二、主动公开政府信息情况']

The order is the format's: title, then the six headings of its ``section_headings``,
each followed by its text slots and/or its statutory table. Tables are drawn
from grid.table_grid, so the printed merges are the template's.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from ..grid import Place, table_grid
from ..report import Report, State, format_number
from ..safetext import clean
from ..schema import TableSpec, TextSlot, normalise


@dataclass(frozen=True)
class Block:
    kind: str  # "title" | "heading" | "subheading" | "paragraph" | "table"
    text: str = ""
    table: str = ""  # the table key ("t3") when kind == "table"


_NUMBERING = re.compile(r"^（[一二三四五六七八九十]+）")


def starts_with_own_heading(slot: TextSlot, paragraph: str) -> bool:
    """True when the clerk's text already opens with the slot's numbering: "(一)严格执行…" for （一）主动公开."""
    if not slot.heading:
        return False
    m = _NUMBERING.match(slot.heading)
    number = unicodedata.normalize("NFKC", m.group(0) if m else slot.heading)
    return unicodedata.normalize("NFKC", paragraph.strip()).startswith(number)


def paragraphs(body: str) -> list[str]:
    """The paragraphs of a slot's text: a line break, Word's soft line break (pasted into Excel as a
    vertical tab) or a page break starts a new one; other control characters, which XML cannot hold, go."""
    return [p.strip() for p in clean(body).split("\n") if p.strip()]


def blocks(report: Report) -> list[Block]:
    fmt = report.format
    out = [Block("title", clean(report.meta.title))]
    for index, heading in enumerate(fmt.section_headings):
        out.append(Block("heading", heading))
        for slot in (s for s in fmt.text_slots if s.section == index):
            paras = paragraphs(report.text.get(slot.key, ""))
            if paras and normalise(paras[0]) == normalise(heading):
                paras = paras[1:]  # an imported text that repeats the section heading
            if not paras:
                continue
            if slot.heading and not starts_with_own_heading(slot, paras[0]):
                out.append(Block("subheading", slot.heading))
            out.extend(Block("paragraph", p) for p in paras)
        out.extend(Block("table", table=t.key) for t in fmt.tables.values() if t.heading == heading)
    return out


def shown_value(report: Report, cid: str) -> str:
    """What the published table shows: the number; "/" where the unit wrote 不适用; blank stays blank."""
    state = report.state(cid)
    if state is State.NUMBER:
        return format_number(report.values.get(cid))
    if state is State.NOT_APPLICABLE:
        return "/"
    if state is State.TEXT:
        return clean(report.raw.get(cid, ""))
    return ""


def grid_rows(table: TableSpec) -> list[list[Place]]:
    """The table's places grouped by the row they start in, left to right."""
    grid = table_grid(table)
    height = max(p.row + p.rowspan for p in grid)
    rows: list[list[Place]] = [[] for _ in range(height)]
    for p in sorted(grid, key=lambda p: (p.row, p.col)):
        rows[p.row].append(p)
    return rows


def header_rows(table: TableSpec) -> int:
    """How many rows at the top hold only title and column headers (repeated on each printed page)."""
    n = 0
    for row in grid_rows(table):
        if row and all(p.role in ("title", "corner", "header") for p in row):
            n += 1
        else:
            break
    return n

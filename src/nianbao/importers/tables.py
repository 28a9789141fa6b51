"""Find the three statutory tables in a published report and read each row's printed cells.

    >>> from nianbao.formats import F2021
    >>> doc = Document.from_text("一、本年新收政府信息公开申请数量 3001 53 0 0 61 4 3119")
    >>> read_text(doc, Compact(doc.text), F2021.tables["t3"], 0, len(doc.text)).rows["new"].tokens
    ['3001', '53', '0', '0', '61', '4', '3119']

Two ways to a table, both driven by the schema's row and column trees:

* a real table (HTML ``<table>``, Word table): the grid goes to
  ``locate.locate_table``, which finds rows and columns by label;
* text (a .txt, a flattened page, PDF text, or a grid the locator could not
  place): each row label is searched for, in the schema's order, in the
  normalised text (``Compact``); the row's cells are the numbers printed
  between its label and the next label.

Either way a ``TableRead`` says, per row, the label as printed and the raw
cells; ``fill.fill_table`` turns them into numbers.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from ..formats import F2019, F2021
from ..locate import LabelIndex, locate_table
from ..schema import Node, Section, TableSpec, normalise
from .compact import Compact, printed
from .document import Document

# --- value tokens ---------------------------------------------------------------

_UNITS = "万元|元|件|个|条|项|次|宗|份"
_TOKEN = re.compile(
    rf"""
    (?P<num>[+\-－]?[0-9０-９][0-9０-９,，]*(?:[.．][0-9０-９]+)?(?:\s*(?:{_UNITS}))?)
   |(?P<na>[/／\\＼]|[—－–\-]+|不适用|无此项|N/A)
   |(?P<sep>[|｜\s]+)
   |(?P<text>[^0-9０-９|｜\s/／\\＼—－–\-]+)
    """,
    re.X,
)
_GROUPED = re.compile(r"^[+\-－]?\d{1,3}(?:[,，]\d{3})+(?:[.．]\d+)?")
LOOSE_TEXT_MAX = 4  # "无", "空": a short word may stand in a cell; a longer one ends the row


def _split_commas(raw: str) -> list[str]:
    """"3,119" is one number; "0,0,0" is three cells separated by commas."""
    if ("," in raw or "，" in raw) and not _GROUPED.match(raw):
        return [p for p in re.split(r"[,，]", raw) if p]
    return [raw]


_BAR = re.compile(r"[|｜]")
_VALUE_CELL = re.compile(rf"^(?:[+\-－]?[0-9０-９][0-9０-９,，]*(?:[.．][0-9０-９]+)?(?:{_UNITS})?|[/／\\＼]|[—－–\-]+|不适用|无此项|N/A)$")


def pipe_cells(line: str, n: int) -> list[str] | None:
    """The cells of a markdown/pipe row, from the label's line on: ``| 0 | | 0 |`` is 0, blank, 0.

    What precedes the first bar is the rest of the label's own cell. Empty cells beyond ``n`` at
    either end are the label's merged columns or a value spanning several; None when the line is not
    a pipe row (fewer than two bars, or no cell at all: the values are on the lines that follow).
    """
    if len(_BAR.findall(line)) < 2:
        return None
    cells = [p.strip() for p in _BAR.split(line)[1:]]
    if cells[-1] == "":
        cells.pop()  # after the closing bar
    while len(cells) > n and cells[0] == "":
        cells.pop(0)
    while len(cells) > n and cells[-1] == "":
        cells.pop()
    if not cells:
        return None
    # A converter that lost a bar prints two cells in one ("0 0"): numbers apart are cells apart.
    return [part for cell in cells for part in (cell.split() if len(cell.split()) > 1 and
            all(_VALUE_CELL.match(x) for x in cell.split()) else [cell])]


_CJK = re.compile(r"[\u4e00-\u9fff]")


def _kind(region: str, m: re.Match[str]) -> str | None:
    """A token's kind; digits glued to a word are part of it (数据1, 列2), and a number opening a numbered
    label (6.属于…, 2、重复申请) is an item number."""
    if m.lastgroup == "num":
        before, after = region[m.start() - 1 : m.start()], region[m.end() : m.end() + 2]
        if _CJK.match(before):
            return "text"
        if len(after) == 2 and after[0] in ".、．" and _CJK.match(after[1]):
            return "item"
    return m.lastgroup


def value_tokens(region: str, n: int) -> list[str]:
    """The cells printed in a row's region: the first run of numbers (and "/" "—" marks).

    Words before the numbers are the rest of a broken label; words after them
    end the row (a wrapped label's tail, a note under the table). When the strict
    reading does not give ``n`` cells, a short word among the numbers ("无") is
    taken as a cell if that makes exactly ``n``. A pipe row (markdown from a
    converter) is its line's cells between bars, empty ones included.
    """
    cells = pipe_cells(region.split("\n", 1)[0], n)
    if cells is not None:
        return cells
    tokens = [(_kind(region, m), m.group()) for m in _TOKEN.finditer(region) if m.lastgroup != "sep"]
    strict: list[str] = []
    loose: list[str] = []
    started = ended = False
    for kind, raw in tokens:
        if kind == "item":
            break  # the next row's label, 6.属于…: its number is not a cell of this row
        if kind in ("num", "na"):
            raw = "".join(raw.split())  # "12\n件": a unit wrapped onto the next line of its cell
            parts = _split_commas(raw) if kind == "num" else [raw]
            if not ended:
                strict += parts
            loose += parts
            started = True
        elif started:
            ended = True
            if len(raw) > LOOSE_TEXT_MAX:
                break
            loose.append(raw)
    if len(strict) != n and len(loose) == n:
        return loose
    return strict


# --- what was read -------------------------------------------------------------


@dataclass
class RowRead:
    key: str  # the row leaf's key; "" for 表四's one unlabelled row
    label: str  # as printed, on one line
    tokens: Sequence[object]  # the printed cells, raw (grid: one per column, blanks included)
    exact: bool = False  # one token per column by position (a real table)
    typo: str | None = None  # the official label, when the printed one is a known or near variant
    truncated: bool = False  # only the label's opening was found (broken across a page)


@dataclass
class TableRead:
    table: TableSpec
    how: str  # "grid" | "text"
    rows: dict[str, RowRead] = field(default_factory=dict)
    subtotals: list[tuple[Node, str, Sequence[object]]] = field(default_factory=list)  # group, printed, cells
    single_rows: list[tuple[Node, str, Sequence[object]]] = field(default_factory=list)  # a group printed as one row: group, printed, cells
    column_typos: list[tuple[str, str]] = field(default_factory=list)  # (printed, official)


# --- the grid route --------------------------------------------------------------


def read_grid(doc: Document, table: TableSpec) -> TableRead | None:
    """The table from the first real table of the document that holds it (found by labels)."""
    for block in doc.tables:
        index = LabelIndex(block.grid)
        located = locate_table(index, table)
        if located is None:
            continue
        out = TableRead(table, "grid")
        typos = {(t.row, t.col): t for t in located.typos}
        for section in table.sections:
            for leaf in section.row_leaves:
                cids = [".".join(p for p in (table.key, leaf.key, col.key) if p) for col in section.column_leaves]
                tokens = [block.grid[r][c] for r, c in (located.positions[cid] for cid in cids)]
                label, typo = "", None
                if leaf.key in located.labels and leaf.label:
                    r, c = located.labels[leaf.key]
                    label = printed(str(block.grid[r][c]))
                    if (r, c) in typos:
                        typo = typos[(r, c)].official
                out.rows[leaf.key] = RowRead(leaf.key, label, tokens, exact=True, typo=typo)
        label_positions = set(located.labels.values())
        for t in located.typos:
            if (t.row, t.col) not in label_positions:
                out.column_typos.append((printed(t.found), t.official))
        value_cols = sorted({c for _, c in located.positions.values()})
        for group, r in located.subtotals:
            out.subtotals.append((group, group.label, [block.grid[r][c] for c in value_cols]))
        return out
    return None


# --- the text route ---------------------------------------------------------------


@dataclass(frozen=True)
class Hit:
    i: int  # compact span
    j: int
    printed: str
    typo: str | None = None
    truncated: bool = False


def _forms(label: str) -> list[tuple[str, str | None]]:
    """The label's normalised form, and its known misprints and variants (docs/format.md §3.6) with the official they stand for."""
    official = normalise(label)
    forms: list[tuple[str, str | None]] = [(official, None)]
    forms += [(normalise(typo), right) for typo, right in {**F2021.known_typos, **F2021.label_variants}.items() if normalise(right) == official]
    return forms


def find_label(c: Compact, label: str, start: int, end: int) -> Hit | None:
    best: Hit | None = None
    for form, typo in _forms(label):
        i = c.find(form, start, end)
        if i >= 0 and (best is None or i < best.i):
            best = Hit(i, i + len(form), printed(c.original(i, i + len(form))), typo)
    return best


OPENING = 6  # characters of a label that identify it when the rest is misprinted or broken off
SIMILAR_LABEL = 0.6
_VALUE_START = set("0123456789/—-")


def find_opening(c: Compact, label: str, start: int, end: int) -> Hit | None:
    """A label whose opening is printed but whose rest differs: a new misprint, or the rest of
    the label pushed past the numbers by a page break (``6.属于四类过程性`` … ``信息``)."""
    official = normalise(label)
    if len(official) <= OPENING:
        return None
    i = c.find(official[:OPENING], start, end)
    if i < 0:
        return None
    j = i + OPENING
    limit = min(end, i + len(official) + 8)
    while j < limit and c.s[j] not in _VALUE_START:
        j += 1
    found = c.s[i:j]
    truncated = official.startswith(found)
    if not truncated and difflib.SequenceMatcher(None, found, official).ratio() < SIMILAR_LABEL:
        return None
    return Hit(i, j, printed(c.original(i, j)), None if truncated else label, truncated)


SIMILAR_LINE_LABEL = 0.8
_LINE_LABEL = re.compile(r"[\s|｜]*(?P<label>(?:\d{1,2}[.、．，,]\s*)?[^\d|｜/／—－\-\s][^\d|｜/／—－]*?)\s*(?:[|｜]|\d|$)")


def find_similar_line(c: Compact, label: str, start: int, end: int) -> Hit | None:
    """A row whose printed label is a misreading of ``label`` (OCR: 属干 for 属于), found line by line
    between its neighbours: the words a line opens with, at least 80% alike after normalising."""
    official = normalise(label)
    text = c.text
    lo, hi = c.start(start), c.start(end)
    pos = text.rfind("\n", 0, lo) + 1
    best: tuple[float, int, int] | None = None
    while pos < hi:
        stop = text.find("\n", pos)
        stop = len(text) if stop < 0 else stop
        m = _LINE_LABEL.match(text, pos, stop)
        if m and pos >= lo:
            found = normalise(m.group("label"))
            ratio = difflib.SequenceMatcher(None, found, official).ratio()
            if ratio >= SIMILAR_LINE_LABEL and (best is None or ratio > best[0]):
                best = (ratio, m.start("label"), m.end("label"))
        pos = stop + 1
    if best is None:
        return None
    i, j = c.at(best[1]), c.at(best[2])
    return Hit(i, j, printed(c.original(i, j)), label)


def _find_rows(c: Compact, leaves: list[Node], start: int, end: int) -> dict[str, Hit]:
    """Row labels in schema order: exact (or a known misprint) first, then by opening between neighbours,
    then by a line whose label is a near misreading."""
    hits: dict[str, Hit] = {}
    pos = start
    for leaf in leaves:
        hit = find_label(c, leaf.label, pos, end)
        if hit is not None:
            hits[leaf.key] = hit
            pos = hit.j
    for k, leaf in enumerate(leaves):
        if leaf.key in hits:
            continue
        lo = max((hits[l.key].j for l in leaves[:k] if l.key in hits), default=start)
        hi = min((hits[l.key].i for l in leaves[k + 1 :] if l.key in hits), default=end)
        hit = find_opening(c, leaf.label, lo, hi) or find_similar_line(c, leaf.label, lo, hi)
        if hit is not None:
            hits[leaf.key] = hit
    return hits


def _groups(nodes: tuple[Node, ...]) -> list[Node]:
    out = []
    for n in nodes:
        if not n.is_leaf:
            out.append(n)
            out += _groups(n.children)
    return out


def read_text(doc: Document, c: Compact, table: TableSpec, lo: int, hi: int) -> TableRead | None:
    """The table from the text between original positions ``lo`` and ``hi``; None if none of it is there."""
    text = doc.text
    clo, chi = c.at(lo), c.at(hi)
    out = TableRead(table, "text")
    anchors: list[int] = [chi]
    found: list[tuple[Section, dict[str, Hit], list[tuple[Node, Hit]]]] = []
    pos = clo
    for section in table.sections:
        leaves = list(section.row_leaves)
        if not leaves[0].label:
            row = _read_unlabelled(c, text, section, pos, chi)
            if row is not None:
                out.rows[row.key] = row
            continue
        hits = _find_rows(c, leaves, pos, chi)
        if not hits:
            continue
        first = min(h.i for h in hits.values())
        # A table section, not a sentence naming 行政许可: its title or a column header comes first.
        title = find_label(c, section.title, pos, first) if section.title else None
        header_from = title.j if title else pos
        headers = [find_label(c, col.label, header_from, first) for col in section.column_leaves]
        if section.title and title is None and not any(headers):
            continue
        out.column_typos += [(h.printed, h.typo) for h in headers if h is not None and h.typo]
        if title is not None:
            anchors.append(title.i)
        group_hits: list[tuple[Node, Hit]] = []
        for group in _groups(section.rows):
            k = leaves.index(next(group.leaves()))
            before = [hits[l.key].j for l in leaves[:k] if l.key in hits]
            after = [hits[l.key].i for l in leaves[k:] if l.key in hits]
            g = find_label(c, group.label, max(before, default=header_from), min(after, default=chi))
            if g is not None:
                group_hits.append((group, g))
                anchors.append(g.i)
        anchors += [h.i for h in hits.values()]
        found.append((section, hits, group_hits))
        pos = max(h.j for h in hits.values())
    anchors.sort()
    for section, hits, group_hits in found:
        n = len(section.column_leaves)
        for leaf in section.row_leaves:
            h = hits.get(leaf.key)
            if h is None:
                continue
            region = text[c.end(h.j) : c.start(_next(anchors, h.i))]
            out.rows[leaf.key] = RowRead(leaf.key, h.printed, value_tokens(region, n), typo=h.typo, truncated=h.truncated)
        for group, g in group_hits:
            region = text[c.end(g.j) : c.start(_next(anchors, g.i))]
            cells = value_tokens(region, n)
            if len(cells) != n or not any(cells):
                continue  # a group title, with no numbers of its own (a pipe row's cells all empty)
            if any(l.key in hits for l in group.leaves()):
                out.subtotals.append((group, g.printed, cells))
            else:
                out.single_rows.append((group, g.printed, cells))
    return out if out.rows else None


def _next(anchors: list[int], after: int) -> int:
    for a in anchors:
        if a > after:
            return a
    return anchors[-1]


def _read_unlabelled(c: Compact, text: str, section: Section, start: int, end: int) -> RowRead | None:
    """表四: one row of numbers under a header of nested columns (often broken into fragments)."""
    tops = [col.label for col in section.columns]
    first = find_label(c, tops[0], start, end)
    if first is not None:
        row = _pipe_value_row(text, c.start(first.i), c.start(end), len(section.column_leaves))
        if row is not None:
            return RowRead(section.row_leaves[0].key, "", row)
    while first is not None:
        # The header runs from 行政复议 to the first number; it must name 行政诉讼 and hold no sentence.
        j = first.j
        while j < end and c.s[j] not in _VALUE_START:
            j += 1
        header = c.s[first.i : j]
        if all(normalise(t) in header for t in tops) and "。" not in header and j < end:
            region = text[c.start(j) : c.start(end)]
            n = len(section.column_leaves)
            return RowRead(section.row_leaves[0].key, "", value_tokens(region, n))
        first = find_label(c, tops[0], first.j, end)
    return None


def _pipe_value_row(text: str, lo: int, hi: int, n: int) -> list[str] | None:
    """表四 in markdown: the first pipe line after its header whose cells are all values (the header's
    lines, and a page break's 数据1…数据N header, hold words)."""
    lines = text[lo:hi].split("\n")
    if not _BAR.search(lines[0]):
        return None  # the header is not a pipe table
    for line in lines[1:]:
        if len(_BAR.findall(line)) < 2:
            return None  # the table ended before a row of values
        cells = pipe_cells(line if line.lstrip().startswith(("|", "｜")) else "|" + line, n)
        if cells and any(cells) and all(not cell or _VALUE_CELL.match(cell) for cell in cells):
            return cells
    return None


def f2019_text_reasons(c: Compact, lo: int, hi: int, reads: dict[str, TableRead | None]) -> list[str]:
    """What marks the text's tables as the 2019 format (docs/format.md §6.2)."""
    from ..locate import F2019_SINGLE_OTHER

    area = c.s[c.at(lo) : c.at(hi)]
    reasons = [why for key, why in F2019.fingerprint_index.items() if key in area]
    t3 = reads.get("t3")
    if t3 is not None and any(g.key == "other" for g, _, _ in t3.single_rows):
        reasons.append(F2019_SINGLE_OTHER)
    return reasons


def tables_area(spans: list[tuple[int, int] | None], length: int) -> tuple[int, int]:
    """Where the tables may be: from heading 二 (or the start) to heading 五 (or the end)."""
    starts = [s[0] for s in spans[1:4] if s]
    ends = [s[0] for s in spans[4:] if s]
    return (min(starts, default=0), min(ends, default=length) if ends else length)


def table_region(table: TableSpec, spans: list[tuple[int, int] | None], after: int, length: int) -> tuple[int, int]:
    """The text a table is searched in: its own section when that heading was found, else from
    the previous table on to the next heading found."""
    from ..formats import F2021

    k = F2021.section_headings.index(table.heading)
    span = spans[k]
    if span is not None:
        return span
    later = [s[0] for s in spans[k + 1 :] if s and s[0] > after]
    return after, min(later, default=length)


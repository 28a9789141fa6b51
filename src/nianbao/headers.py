"""Which statutory cell a column header names: the format's labels, in the forms people write them.

    >>> match_header("表三-（一）予以公开-自然人").cell
    't3.disclosed.natural_person'
    >>> match_header("一、本年新收政府信息公开申请数量（自然人）").cell
    't3.new.natural_person'
    >>> match_header("行政诉讼·未经复议直接起诉-结果维持").cell
    't4.direct.upheld'
    >>> match_header("自然人").cell is None, len(match_header("自然人").candidates)
    (True, 25)

A flat table (an online form's export, the 明细 sheet of a merge) has one
column per statutory cell, headed with the cell's labels. A header is split
into the labels it is made of (the table, the row's labels from the group
down, the column's, in any order, with any separators); it names a cell when
every label in it is one of that cell's and exactly one cell fits. A header
that fits several cells (自然人, 总计) or holds words that are no label names
none: such a column is listed, never guessed, and no number is assigned to a
cell by the column's position. Labels compare after ``schema.normalise``
(docs/format.md §3.5) with punctuation and brackets dropped, so
"（一）予以公开" and "(一)予以公开" and "一、予以公开" are the same.

Cell ids themselves ("t3.new.total", the hidden first row of a merge's 明细)
are headers too, and name their cell exactly.

A header one or two characters off a cell's labels ("…（自燃人）") names nothing
either; ``nearest`` says which cell it looks like, for the person to confirm
with ``--columns``.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, lru_cache

from .formats import DEFAULT
from .schema import normalise

# Punctuation people put between and around labels; dropped from both sides before comparing.
_SEPARATORS = re.compile(r"[\s\-—–_/|·・.,，、;；:：()\[\]【】<>《》“”\"'‘’*#＊]+")
# A form question's own number before the header ("12.", "第12题", "Q12"): not a label.
_QUESTION = re.compile(r"^(?:第?\d{1,4}题|[Qq]\d{1,4})")
# Words a header may add that are no label: the unit of a count, or of the fees (表二's 万元).
FILLERS = ("单位件", "件数", "件", "单位万元", "万元")
# Numbering at the start of a row label, which people often leave out: 一、 （一） 1.
_NUMBERING = re.compile(r"^(?:[一二三四五六七八九十]+,|\([一二三四五六七八九十]+\)|\d+\.)")
# A note in brackets at the end of a label, which people often leave out: （二）部分公开（区分处理的，…）.
_NOTE = re.compile(r"(?<=.)\([^()]*\)$")


def flat(text: object) -> str:
    """A label as headers are compared: normalised (§3.5), separators and brackets dropped."""
    return _SEPARATORS.sub("", normalise(text))


@dataclass(frozen=True)
class HeaderMatch:
    """What a header names: a cell (``cell``), a detail of the unit (``field``: name, level, …), or nothing.

    ``candidates`` are the cells a header fits when it fits more than one (it is then no match).
    """

    header: str
    cell: str | None = None
    field: str | None = None
    candidates: tuple[str, ...] = ()

    @property
    def matched(self) -> bool:
        return self.cell is not None or self.field is not None


# Headers naming a detail of the unit rather than a cell: the template's 单位信息 labels, the 明细
# sheet's, and the usual words of an online form. The first field whose words fit wins.
FIELD_HEADERS: dict[str, tuple[str, ...]] = {
    "name": ("机关名称", "报告中的机关名称", "单位名称", "填报单位", "报送单位", "填报单位名称", "单位全称", "名称", "单位"),
    "level": ("机关层级", "层级", "单位层级", "级别"),
    "region": ("所属地区", "地区", "行政区划"),
    "year": ("报告年度", "年度", "统计年度"),
    "government_own": ("县级以上人民政府本级报告", "本级人民政府年度报告", "本级政府"),
    "contact": ("联系人", "填报人"),
    "phone": ("联系电话", "电话"),
    # The 明细 sheet's own columns: what an earlier merge made of the unit (its status, its roster
    # name, its counts of findings and its file), not part of the unit's report.
    "status": ("状态",),
    "roster_name": (),
    "merge_detail": ("错误", "警告", "提示", "名单代码", "文件"),
}
# The 明细's hidden row of ids names its columns exactly (merge/write.py DETAIL_COLUMNS).
FIELD_IDS = {"meta.name": "name", "meta.level": "level", "meta.region": "region", "meta.year": "year",
             "meta.government_own": "government_own", "status": "status", "unit": "roster_name",
             "errors": "merge_detail", "warnings": "merge_detail", "infos": "merge_detail", "roster.code": "merge_detail",
             "file": "merge_detail"}
# What each unit detail is called when a mapping is shown.
FIELD_LABELS = {f.key: f.label for f in DEFAULT.meta_fields} | {
    "status": "汇总明细的状态", "roster_name": "单位名称（名单中的）", "merge_detail": "汇总明细的统计列（不读取）"}
if {f.key for f in DEFAULT.meta_fields} - set(FIELD_HEADERS):  # a new 单位信息 field must be taught here
    raise ValueError("headers: FIELD_HEADERS lacks a field of DEFAULT.meta_fields")


@cache
def _field_index() -> dict[str, str]:
    index: dict[str, str] = {}
    for f in DEFAULT.meta_fields:
        for label in (f.label, *f.former_labels):
            index.setdefault(flat(label), f.key)
    for key, words in FIELD_HEADERS.items():
        for w in words:
            index.setdefault(flat(w), key)
    return index


def _label_forms(label: str) -> set[str]:
    """A label as people write it: as printed, without its leading numbering, without its closing note,
    and the known misprints and variants of it (docs/format.md §3.6)."""
    printed = [label] + [seen for seen, official in {**DEFAULT.known_typos, **DEFAULT.label_variants}.items() if official == label]
    forms = set()
    for text in printed:
        n = normalise(text)
        for form in (n, _NUMBERING.sub("", n), _NOTE.sub("", n), _NOTE.sub("", _NUMBERING.sub("", n))):
            if form:
                forms.add(flat(form))
    return forms


@cache
def _vocabulary() -> tuple[dict[str, frozenset[str]], dict[str, frozenset[str]], frozenset[str]]:
    """(cell id → every label form of its own, cell id → the forms of its leaf labels, all forms).

    A bare form (numbering dropped) that is another label of the format in its own right (（七）总计 →
    总计, 3.其他 → 其他) is not taken: it would make a header mean something else.
    """
    own: dict[str, set[str]] = {}
    leaves: dict[str, set[str]] = {}
    printed: set[str] = set()
    for cid, spec in DEFAULT.cells.items():
        table = DEFAULT.tables[cid.split(".", 1)[0]]
        section = next(s for s in table.sections if any(r is spec.row for r in s.row_leaves))
        words = {table.name, table.heading, *(spec.row_path), *(spec.column_path)}
        if section.title:
            words.add(section.title)
        own[cid] = {flat(w) for w in words}
        leaves[cid] = {flat(spec.column_path[-1])} | ({flat(spec.row_path[-1])} if spec.row_path else set())
        printed.update(own[cid])
    for cid, spec in DEFAULT.cells.items():
        for label in (*spec.row_path, *spec.column_path):
            for form in _label_forms(label) - {flat(label)}:
                if form not in printed:
                    own[cid].add(form)
                    if label in (spec.row_path[-1:] + spec.column_path[-1:]):
                        leaves[cid].add(form)
    vocab = frozenset(f for forms in own.values() for f in forms)
    return ({c: frozenset(v) for c, v in own.items()}, {c: frozenset(v) for c, v in leaves.items()}, vocab)


def _segment(text: str, vocab: frozenset[str]) -> list[str] | None:
    """``text`` as the fewest labels (and fillers) it is made of, or None if some of it is no label."""
    n = len(text)
    best: list[list[str] | None] = [None] * (n + 1)
    best[0] = []
    lengths = sorted({len(w) for w in vocab} | {len(f) for f in FILLERS}, reverse=True)
    for i in range(n):
        here = best[i]
        if here is None:
            continue
        for k in lengths:
            j = i + k
            if j > n:
                continue
            piece = text[i:j]
            if piece in vocab or piece in FILLERS:
                cand = here + [piece]
                if best[j] is None or len(cand) < len(best[j] or ()):
                    best[j] = cand
    return best[n]


@lru_cache(maxsize=16384)  # a flat table's header is matched in several windows; a merge reads many alike
def match_header(header: object) -> HeaderMatch:
    """The cell (or unit detail) a column header names; see the module docstring."""
    text = "" if header is None else str(header).strip()
    if text in DEFAULT.cells:
        return HeaderMatch(text, cell=text)
    if text in FIELD_IDS:
        return HeaderMatch(text, field=FIELD_IDS[text])
    key = flat(text)
    if not key:
        return HeaderMatch(text)
    field = _field_index().get(key)
    if field is not None:
        return HeaderMatch(text, field=field)
    own, leaves, vocab = _vocabulary()
    pieces = _segment(key, vocab)
    if pieces is None:  # perhaps a form question's number first: "12.单位名称", "第3题表三…"
        m = _QUESTION.match(key) or re.match(r"^\d{1,4}(?=\D)", key)
        if m is None:
            return HeaderMatch(text)
        rest = key[m.end():]
        if (field := _field_index().get(rest)) is not None:
            return HeaderMatch(text, field=field)
        pieces = _segment(rest, vocab)
        if pieces is None:
            return HeaderMatch(text)
    labels = {p for p in pieces if p not in FILLERS}
    if not labels:
        return HeaderMatch(text)
    fits = tuple(cid for cid in DEFAULT.cell_ids if labels <= own[cid] and labels & leaves[cid])
    if len(fits) == 1:
        return HeaderMatch(text, cell=fits[0])
    return HeaderMatch(text, candidates=fits)


def is_label(text: object) -> bool:
    """Whether ``text`` is made of the format's labels only (a header row, not a unit's data)."""
    key = flat(text)
    return bool(key) and _segment(key, _vocabulary()[2]) is not None


def header_text(parts: Sequence[object]) -> str:
    """Stacked header rows of one column as one header: the non-empty parts, joined by "-"."""
    return "-".join(str(p).strip() for p in parts if p is not None and str(p).strip())


# How near a header must come to one cell's labels (difflib ratio), and how far ahead of the next cell,
# to be shown as what it may mean: one or two characters off, never a choice between look-alikes.
NEAR, NEAR_MARGIN = 0.85, 0.05


@cache
def _spellings() -> dict[str, tuple[str, ...]]:
    """Each cell's labels as one text, the ways a header strings them: the row's last one or two labels
    (or all) then the column's, with and without their numbering."""
    out = {}
    for cid, spec in DEFAULT.cells.items():
        rows, cols = spec.row_path, spec.column_path
        forms = set()
        for r in {rows[-1:], rows[-2:], rows}:
            for c in {cols[-1:], cols[-2:], cols}:
                forms.add(flat("".join((*r, *c))))
                forms.add(flat("".join(_NUMBERING.sub("", normalise(x)) for x in (*r, *c))))
        out[cid] = tuple(forms)
    return out


@lru_cache(maxsize=1024)
def nearest(header: object) -> str | None:
    """The one cell a header that names none nearly spells (a character mistyped), or None.

        >>> nearest("一、本年新收政府信息公开申请数量（自燃人）")
        't3.new.natural_person'

    Only ever shown to a person (flat.mapping_lines); a column is never read by it."""
    key = flat(header)
    m = _QUESTION.match(key) or re.match(r"^\d{1,4}(?=\D)", key)
    key = key[m.end():] if m else key
    if len(key) < 4 or match_header(header).matched:
        return None
    matcher = difflib.SequenceMatcher(autojunk=False)
    matcher.set_seq2(key)
    scores = []
    for cid, forms in _spellings().items():
        best = 0.0
        for form in forms:
            matcher.set_seq1(form)
            if matcher.real_quick_ratio() > best and matcher.quick_ratio() > best:
                best = max(best, matcher.ratio())
        scores.append((best, cid))
    scores.sort(reverse=True)
    (first, cid), (second, _) = scores[0], scores[1]
    return cid if first >= NEAR and first - second >= NEAR_MARGIN else None

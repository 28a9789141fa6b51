"""The vocabulary of a national format: tables, cells, text slots, details — and ``Format``, which holds one.

A format (the 2021 one is ``nianbao.formats.F2021``) is a value built from
these pieces; everything else derives from it: the template's grid, the
reader's label checks, the rules' cell ids, the merge's columns and the
export's tables.

    >>> from nianbao.formats import F2021
    >>> F2021.cells["t3.new.total"].label
    '表三「一、本年新收政府信息公开申请数量」「总计」'
    >>> F2021.tables["t4"].sheet
    '表四'

Labels are reproduced exactly as the format prints them (full-width
punctuation); ``normalise`` is how a parser compares them (docs/format.md §3.5).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property, lru_cache

# --- tables -----------------------------------------------------------------


@dataclass(frozen=True)
class Node:
    """A row or column header; leaves carry data, inner nodes only span.

    ``key`` is the leaf's part of the cell id; inner nodes may have one for
    rules that address their leaves (e.g. the results block of 表三).
    """

    label: str
    key: str = ""  # "" for an inner node no rule addresses, and for a table's one unnamed row
    children: tuple[Node, ...] = ()

    @property
    def is_leaf(self) -> bool:
        return not self.children

    def leaves(self) -> Iterator[Node]:
        if self.is_leaf:
            yield self
        for child in self.children:
            yield from child.leaves()

    def depth(self) -> int:
        return 1 + max((c.depth() for c in self.children), default=0)


def leaf(label: str, key: str) -> Node:
    return Node(label, key)


def group(label: str, *children: Node, key: str = "") -> Node:
    return Node(label, key, tuple(children))


@dataclass(frozen=True)
class Section:
    """One rectangular block of a statutory table.

    The block has an optional title row spanning the full width, a header
    (column tree, with ``corner`` over the row-label columns) and a body
    (row tree). ``data_width`` is the number of grid columns the data part
    occupies; a block with fewer leaf columns stretches each across it
    (表二 (五)(六)(八) print one value merged over three columns).
    """

    columns: tuple[Node, ...]
    rows: tuple[Node, ...]
    corner: str | None = None
    title: str | None = None
    data_width: int | None = None

    @property
    def label_width(self) -> int:
        return max((r.depth() for r in self.rows if r.label), default=0)

    @property
    def header_height(self) -> int:
        return max(c.depth() for c in self.columns)

    @property
    def column_leaves(self) -> tuple[Node, ...]:
        return tuple(l for c in self.columns for l in c.leaves())

    @property
    def row_leaves(self) -> tuple[Node, ...]:
        return tuple(l for r in self.rows for l in r.leaves())

    @property
    def width(self) -> int:
        return self.label_width + (self.data_width or len(self.column_leaves))


@dataclass(frozen=True)
class TableSpec:
    key: str  # "t2"
    name: str  # "表二"
    heading: str  # the report section heading the table belongs to
    sections: tuple[Section, ...]
    # Printed widths (Excel character units) of the label columns, left to right, and of every value
    # column: the template's columns, and the exports size their tables in proportion.
    label_widths: tuple[float, ...] = ()
    value_width: float = 9

    def __hash__(self) -> int:
        # The key of the per-table caches (grid.table_grid), asked several times a workbook: hashing the
        # whole tree of sections each time cost more than the lookup. Fields never change (frozen).
        cached = self.__dict__.get("_hash")
        if cached is None:
            cached = hash((self.key, self.name, self.heading, self.sections, self.label_widths, self.value_width))
            object.__setattr__(self, "_hash", cached)
        return cached

    def __getstate__(self) -> dict[str, object]:
        return {k: v for k, v in self.__dict__.items() if k != "_hash"}  # a string's hash differs between processes

    @property
    def sheet(self) -> str:
        return self.name

    @property
    def width(self) -> int:
        return max(s.width for s in self.sections)

    @property
    def column_widths(self) -> tuple[float, ...]:
        """Width of each grid column: the label columns', then one ``value_width`` per value column."""
        return self.label_widths + (self.value_width,) * (self.width - len(self.label_widths))


@dataclass(frozen=True)
class CellSpec:
    """One statutory number: where it sits in the format and how it behaves."""

    id: str
    table: str
    row: Node
    column: Node
    row_path: tuple[str, ...]
    column_path: tuple[str, ...]
    kind: str = "count"  # "count" (件, whole numbers) | "amount" (万元, decimals)
    aggregate: str = "sum"  # "sum" (a flow) | "stock" (a level: a sum over units is labelled as such)
    na_allowed: bool = False  # "/" is acceptable (no rule-making power, docs/format.md §4.2)

    @property
    def label(self) -> str:
        """Human name: 表三「一、本年新收政府信息公开申请数量」「总计」."""
        parts = [p for p in (self.row_path[-1:] + self.column_path[-1:]) if p]
        if self.table == "表四":
            parts = list(self.column_path)
        return self.table + "".join(f"「{p}」" for p in parts)


@dataclass(frozen=True)
class VerticalLabels:
    """Which row labels print vertically: a label alone in a column narrower than ``narrower_than``
    characters that spans more than ``taller_than`` rows (表三's 三、本年度办理结果 in its 6-wide column).
    The template (workbook/build.py) and the web page (export/html.py) both ask ``applies``."""

    narrower_than: float = 8
    taller_than: int = 4

    def applies(self, width: float, colspan: int, rowspan: int) -> bool:
        return colspan == 1 and width < self.narrower_than and rowspan > self.taller_than


@dataclass(frozen=True)
class TextSlot:
    """A paragraph the unit writes; sections 一、五、六 are made of these."""

    key: str
    section: int  # index into SECTION_HEADINGS
    label: str  # shown in the 文字 sheet; the sub-heading when ``heading`` is set
    heading: str | None = None  # printed sub-heading, e.g. （一）主动公开


@dataclass(frozen=True)
class Level:
    """A kind of reporting body, with what the plausibility rules need to know."""

    name: str
    makes_rules: bool  # may issue 规章 (docs/format.md §7.1, P1)
    is_government: bool  # 各级人民政府 (docs/format.md §7.1, S6)
    fee_ceiling: float | None  # 万元 above which 表二(八) looks like 元 typed in (P3)
    # A people's government at county level or above: only its own report can be the
    # 本级人民政府年度报告 a merge of its area counts once (a 镇人民政府 is a government, but its report
    # is one of the units the county adds up).
    own_report: bool = False


LEVELS: dict[str, Level] = {
    lv.name: lv
    for lv in (
        Level("乡镇/街道", False, True, 1_000),
        Level("县级政府", False, True, 100_000, own_report=True),
        Level("县级部门", False, False, 50_000),
        Level("市级政府", True, True, 2_000_000, own_report=True),
        Level("市级部门", False, False, 500_000),
        Level("省级政府", True, True, None, own_report=True),
        Level("省级部门", False, False, None),
        Level("国务院部门", True, False, None),
        Level("其他", False, False, None),
    )
}


def may_be_own_report(level: str) -> bool:
    """Whether a body of this 机关层级 can file the 本级人民政府年度报告 (a government above the township)."""
    lv = LEVELS.get(level)
    return bool(lv and lv.own_report)


OWN_REPORT_LEVELS = tuple(lv.name for lv in LEVELS.values() if lv.own_report)


@dataclass(frozen=True)
class MetaField:
    key: str
    label: str
    hint: str = ""
    choices: tuple[str, ...] = ()
    former_labels: tuple[str, ...] = ()  # labels of earlier templates, still read


# --- label normalisation (docs/format.md §3.5) -------------------------------

_QUOTES = str.maketrans("", "", "“”\"'‘’『』「」")
SPELLINGS = (("交纳", "缴纳"), ("其它", "其他"), ("或者", "或"), ("、", ","), ("本年度", "本年"))
_NUMBERING = re.compile(r"^(\d+)[.．、,]")
# The year some reports write into a header, 本年（2023）制发件数 / 本年（2023年度）处理决定数量: not part of the label.
YEAR_NOTE = re.compile(r"\((?:19|20)\d\d年?度?\)")


@lru_cache(maxsize=8192)  # the same labels recur in every workbook of a merge
def normalise(text: object) -> str:
    """Compare labels as a reader of web copies must (docs/format.md §3.5).

    >>> normalise("2.申请人逾期未按收费通知要求交纳费用") == normalise("2、申请人逾期未按收费通知要求缴纳费用")
    True
    """
    s = unicodedata.normalize("NFKC", str(text))
    s = "".join(s.split()).translate(_QUOTES)
    s = YEAR_NOTE.sub("", s)
    s = _NUMBERING.sub(r"\1.", s)
    for variant, official in SPELLINGS:
        s = s.replace(variant, official)
    return s



def _paths(nodes: tuple[Node, ...], prefix: tuple[str, ...] = ()) -> Iterator[tuple[Node, tuple[str, ...]]]:
    for node in nodes:
        path = prefix + ((node.label,) if node.label else ())
        if node.is_leaf:
            yield node, path
        else:
            yield from _paths(node.children, path)


def find_node(nodes: tuple[Node, ...], key: str) -> Node:
    for node in nodes:
        if node.key == key:
            return node
        if node.children:
            try:
                return find_node(node.children, key)
            except KeyError:
                pass
    raise KeyError(key)


# --- a format ----------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Format:
    """One national format of the annual report, as data: everything format-specific lives here.

    A format with ``tables`` can be filled, read, checked, merged and exported; one without
    (``read_as`` set) is only recognised by its ``fingerprints``, and the numbers of a report in it
    are held in the cells of the ``read_as`` format (what the two formats share).
    ``previous`` names the format this one replaced, and ``from_previous`` the cells whose
    counterpart there is not the cell of the same id (a sum of those cells; () for none), so
    last year's report can be compared with this year's across a change of format
    (formats.cell_map). Formats are registered by id in ``nianbao.formats``; an id is never reused.
    """

    id: str
    name: str
    template_version: str = ""
    tables: Mapping[str, TableSpec] = field(default_factory=dict)
    # Cells whose behaviour differs from "a count that sums" (docs/format.md §3.2, §4).
    amount_cells: frozenset[str] = frozenset()  # 万元, decimals
    stock_cells: frozenset[str] = frozenset()  # a level: a sum over units is labelled as such
    na_allowed: frozenset[str] = frozenset()  # "/" is acceptable (no rule-making power)
    section_headings: tuple[str, ...] = ()
    # Headings seen in real reports instead of the official ones, per section (docs/format.md §2.3).
    heading_variants: tuple[tuple[str, ...], ...] = ()
    text_slots: tuple[TextSlot, ...] = ()
    meta_fields: tuple[MetaField, ...] = ()
    # Non-standard labels seen in real reports: recognised, reported under S4 (docs/format.md §3.6).
    known_typos: Mapping[str, str] = field(default_factory=dict)
    # Other words for a label, not wrong: read as the official label with an S4 hint (docs/format.md §3.6).
    label_variants: Mapping[str, str] = field(default_factory=dict)
    # Printed texts only this format has, each with what it shows, to recognise it (docs/format.md §6.2).
    fingerprints: tuple[tuple[str, str], ...] = ()
    vertical: VerticalLabels = VerticalLabels()
    read_as: str = ""
    previous: str = ""
    from_previous: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def readable(self) -> bool:
        """Whether reports can be read, checked and written in this format's own cells."""
        return bool(self.tables)

    @cached_property
    def cells(self) -> dict[str, CellSpec]:
        cells: dict[str, CellSpec] = {}
        for table in self.tables.values():
            for section in table.sections:
                for row, row_path in _paths(section.rows):
                    for col, col_path in _paths(section.columns):
                        cid = ".".join(p for p in (table.key, row.key, col.key) if p)
                        cells[cid] = CellSpec(
                            id=cid,
                            table=table.name,
                            row=row,
                            column=col,
                            row_path=row_path,
                            column_path=col_path,
                            kind="amount" if cid in self.amount_cells else "count",
                            aggregate="stock" if cid in self.stock_cells else "sum",
                            na_allowed=cid in self.na_allowed,
                        )
        return cells

    @cached_property
    def cell_ids(self) -> tuple[str, ...]:
        return tuple(self.cells)

    @cached_property
    def text_keys(self) -> tuple[str, ...]:
        return tuple(s.key for s in self.text_slots)

    @cached_property
    def _table_cells(self) -> dict[str, tuple[str, ...]]:
        out: dict[str, list[str]] = {key: [] for key in self.tables}
        for cid in self.cell_ids:
            out[cid.split(".", 1)[0]].append(cid)
        return {key: tuple(cids) for key, cids in out.items()}

    def table_cells(self, table_key: str) -> tuple[str, ...]:
        """Cell ids of one table, row by row: F2021.table_cells("t4")."""
        return self._table_cells.get(table_key, ())

    def row_cells(self, table_key: str, row_key: str) -> tuple[str, ...]:
        """Cell ids of one row, in column order: F2021.row_cells("t3", "new")."""
        prefix = f"{table_key}.{row_key}."
        return tuple(cid for cid in self.table_cells(table_key) if cid.startswith(prefix))

    def group_cells(self, sum_key: str) -> tuple[str, ...]:
        """The cells a group's one printed number stands for: "t3.other.total" → the 总计 of （六）1.–3."""
        table, group, col = sum_key.split(".", 2)
        node = find_node(self.tables[table].sections[0].rows, group)
        return tuple(f"{table}.{leaf.key}.{col}" for leaf in node.leaves())

    def label_variant(self, printed: str) -> str | None:
        """The official label a printed variant stands for (``label_variants``), or None."""
        n = normalise(printed)
        return next((official for variant, official in self.label_variants.items() if normalise(variant) == n), None)

    @cached_property
    def typo_index(self) -> dict[str, str]:
        """normalised typo or variant → the official label it is read as."""
        return {normalise(typo): official for typo, official in (dict(self.known_typos) | dict(self.label_variants)).items()}

    @cached_property
    def fingerprint_index(self) -> dict[str, str]:
        """normalised fingerprint → what it shows."""
        return {normalise(text): why for text, why in self.fingerprints}

    def meta_field(self, key: str) -> MetaField:
        return next(f for f in self.meta_fields if f.key == key)

    def __repr__(self) -> str:
        return f"<Format {self.id}>"


# Sheet names of the template around the three tables.
META_SHEET = "单位信息"
TEXT_SHEET = "文字"
MARKER_SHEET = "_nianbao"
# A merge output's marker row: the workbook holds a county's totals (on the 汇总 sheet), and its marker
# also names the region and year they are of (rows "region", "year").
MERGE_MARKER = ("kind", "merge")
RESULTS_SHEET = "校验结果"

# What the Excel add-in's 汇总 button merges, when the open workbook has this sheet (label in A, value in B);
# without it the button merges the open workbook's own folder. Relative paths are relative to that folder.
MERGE_SETTINGS_SHEET = "汇总设置"
MERGE_SETTINGS: tuple[MetaField, ...] = (
    MetaField("folder", "汇总文件夹"),  # blank: the open workbook's folder
    MetaField("roster", "应报送单位名单"),  # .xlsx or .csv; blank: no 未报送 check
    MetaField("last_year", "上年度汇总"),  # last year's merge output or unit folder; blank: no Y1–Y3
    MetaField("year", "汇总年度"),  # blank: the year most reports state
)

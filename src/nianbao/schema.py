"""The 2021 national format (国办公开办函〔2021〕30号), declared once as data.

Everything else derives from this module: the template's grid, the reader's
label checks, the rules' cell ids, the merge's columns and the export's tables.

    >>> CELLS["t3.new.total"].label
    '表三「一、本年新收政府信息公开申请数量」「总计」'
    >>> TABLES["t4"].sheet
    '表四'

Labels are reproduced exactly as the format prints them (full-width
punctuation); ``normalise`` is how a parser compares them (docs/format.md §3.5).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache, lru_cache

FORMAT_ID = "F2021"
FORMAT_NAME = "国办公开办函〔2021〕30号《中华人民共和国政府信息公开工作年度报告格式》"
OLD_FORMAT_ID = "F2019"
OLD_FORMAT_NAME = "国办公开办函〔2019〕60号《政府信息公开工作年度报告格式（试行）》"
TEMPLATE_VERSION = "2021.1"


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

    @property
    def sheet(self) -> str:
        return self.name

    @property
    def width(self) -> int:
        return max(s.width for s in self.sections)


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


APPLICANTS = (
    leaf("自然人", "natural_person"),
    group(
        "法人或其他组织",
        leaf("商业企业", "business"),
        leaf("科研机构", "research"),
        leaf("社会公益组织", "public_interest"),
        leaf("法律服务机构", "legal_services"),
        leaf("其他", "other_org"),
    ),
    leaf("总计", "total"),
)

T3_NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"

T3_ROWS = (
    leaf("一、本年新收政府信息公开申请数量", "new"),
    leaf("二、上年结转政府信息公开申请数量", "carried_over"),
    group(
        "三、本年度办理结果",
        leaf("（一）予以公开", "disclosed"),
        leaf("（二）部分公开（区分处理的，只计这一情形，不计其他情形）", "partial"),
        group(
            "（三）不予公开",
            leaf("1.属于国家秘密", "refused_secret"),
            leaf("2.其他法律行政法规禁止公开", "refused_prohibited"),
            leaf("3.危及“三安全一稳定”", "refused_security"),
            leaf("4.保护第三方合法权益", "refused_third_party"),
            leaf("5.属于三类内部事务信息", "refused_internal"),
            leaf("6.属于四类过程性信息", "refused_process"),
            leaf("7.属于行政执法案卷", "refused_enforcement"),
            leaf("8.属于行政查询事项", "refused_query"),
            key="refused",
        ),
        group(
            "（四）无法提供",
            leaf("1.本机关不掌握相关政府信息", "unavailable_not_held"),
            leaf("2.没有现成信息需要另行制作", "unavailable_creation"),
            leaf("3.补正后申请内容仍不明确", "unavailable_unclear"),
            key="unavailable",
        ),
        group(
            "（五）不予处理",
            leaf("1.信访举报投诉类申请", "unprocessed_complaint"),
            leaf("2.重复申请", "unprocessed_repeat"),
            leaf("3.要求提供公开出版物", "unprocessed_publication"),
            leaf("4.无正当理由大量反复申请", "unprocessed_excessive"),
            leaf("5.要求行政机关确认或重新出具已获取信息", "unprocessed_confirm"),
            key="unprocessed",
        ),
        group(
            "（六）其他处理",
            leaf("1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", "other_no_correction"),
            leaf("2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", "other_unpaid"),
            leaf("3.其他", "other_other"),
            key="other",
        ),
        leaf("（七）总计", "total"),
        key="results",
    ),
    leaf("四、结转下年度继续办理", "carried_forward"),
)

T4_OUTCOMES = (
    ("结果维持", "upheld"),
    ("结果纠正", "corrected"),
    ("其他结果", "other"),
    ("尚未审结", "pending"),
    ("总计", "total"),
)


def _outcomes(prefix: str) -> tuple[Node, ...]:
    return tuple(leaf(label, f"{prefix}.{key}") for label, key in T4_OUTCOMES)


T4_COLUMNS = (
    group("行政复议", *_outcomes("review"), key="review"),
    group(
        "行政诉讼",
        group("未经复议直接起诉", *_outcomes("direct"), key="direct"),
        group("复议后起诉", *_outcomes("after_review"), key="after_review"),
    ),
)

_DECISIONS = (leaf("本年处理决定数量", "decisions"),)

TABLES: dict[str, TableSpec] = {
    t.key: t
    for t in (
        TableSpec(
            "t2",
            "表二",
            "二、主动公开政府信息情况",
            (
                Section(
                    title="第二十条第（一）项",
                    corner="信息内容",
                    columns=(
                        leaf("本年制发件数", "issued"),
                        leaf("本年废止件数", "repealed"),
                        leaf("现行有效件数", "in_force"),
                    ),
                    rows=(leaf("规章", "rules"), leaf("行政规范性文件", "normative")),
                    data_width=3,
                ),
                Section(
                    title="第二十条第（五）项",
                    corner="信息内容",
                    columns=_DECISIONS,
                    rows=(leaf("行政许可", "licensing"),),
                    data_width=3,
                ),
                Section(
                    title="第二十条第（六）项",
                    corner="信息内容",
                    columns=_DECISIONS,
                    rows=(leaf("行政处罚", "punishment"), leaf("行政强制", "coercion")),
                    data_width=3,
                ),
                Section(
                    title="第二十条第（八）项",
                    corner="信息内容",
                    columns=(leaf("本年收费金额（单位：万元）", "amount"),),
                    rows=(leaf("行政事业性收费", "fees"),),
                    data_width=3,
                ),
            ),
        ),
        TableSpec(
            "t3",
            "表三",
            "三、收到和处理政府信息公开申请情况",
            (Section(corner=T3_NOTE, columns=(group("申请人情况", *APPLICANTS),), rows=T3_ROWS),),
        ),
        TableSpec(
            "t4",
            "表四",
            "四、政府信息公开行政复议、行政诉讼情况",
            (Section(columns=T4_COLUMNS, rows=(leaf("", ""),)),),
        ),
    )
}

# Cells whose per-cell behaviour differs from "a count that sums" (docs/format.md §3.2, §4).
_AMOUNT_CELLS = {"t2.fees.amount"}
_STOCK_CELLS = {"t2.rules.in_force", "t2.normative.in_force"}
_NA_ALLOWED = {"t2.rules.issued", "t2.rules.repealed", "t2.rules.in_force"}


def _paths(nodes: tuple[Node, ...], prefix: tuple[str, ...] = ()) -> Iterator[tuple[Node, tuple[str, ...]]]:
    for node in nodes:
        path = prefix + ((node.label,) if node.label else ())
        if node.is_leaf:
            yield node, path
        else:
            yield from _paths(node.children, path)


def _cells() -> dict[str, CellSpec]:
    cells: dict[str, CellSpec] = {}
    for table in TABLES.values():
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
                        kind="amount" if cid in _AMOUNT_CELLS else "count",
                        aggregate="stock" if cid in _STOCK_CELLS else "sum",
                        na_allowed=cid in _NA_ALLOWED,
                    )
    return cells


CELLS: dict[str, CellSpec] = _cells()
CELL_IDS: tuple[str, ...] = tuple(CELLS)


@cache  # readers ask once per table per workbook
def table_cells(table_key: str) -> tuple[str, ...]:
    return tuple(cid for cid in CELL_IDS if cid.startswith(table_key + "."))


def row_cells(table_key: str, row_key: str) -> tuple[str, ...]:
    """Cell ids of one row, in column order: row_cells("t3", "new")."""
    prefix = f"{table_key}.{row_key}."
    return tuple(cid for cid in CELL_IDS if cid.startswith(prefix))


def group_cells(sum_key: str) -> tuple[str, ...]:
    """The cells a group's one printed number stands for: "t3.other.total" → the 总计 of （六）1.–3."""
    table, group, col = sum_key.split(".", 2)
    node = find_node(TABLES[table].sections[0].rows, group)
    return tuple(f"{table}.{leaf.key}.{col}" for leaf in node.leaves())


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


# --- the report around the tables -----------------------------------------

SECTION_HEADINGS = (
    "一、总体情况",
    "二、主动公开政府信息情况",
    "三、收到和处理政府信息公开申请情况",
    "四、政府信息公开行政复议、行政诉讼情况",
    "五、存在的主要问题及改进情况",
    "六、其他需要报告的事项",
)

# Headings seen in real reports instead of the F2021 ones (docs/format.md §2.3): accepted, with a note (S1).
SECTION_HEADING_VARIANTS: tuple[tuple[str, ...], ...] = (
    (),
    ("二、主动公开政府信息的情况",),
    (),
    (
        "四、因政府信息公开工作被申请行政复议提起行政诉讼情况",
        "四、因政府信息公开工作被申请行政复议、提起行政诉讼的情况",  # the 条例第五十条 wording
    ),
    (
        "五、政府信息公开工作存在的主要问题及改进情况", "五、存在的主要问题及改进措施",
        "五、存在的主要问题及整改措施", "五、存在的主要问题及整改情况", "五、政府信息公开工作存在的主要问题及改进措施",
    ),
    ("六、其他需要说明的事项", "六、其他事项"),
)


@dataclass(frozen=True)
class TextSlot:
    """A paragraph the unit writes; sections 一、五、六 are made of these."""

    key: str
    section: int  # index into SECTION_HEADINGS
    label: str  # shown in the 文字 sheet; the sub-heading when ``heading`` is set
    heading: str | None = None  # printed sub-heading, e.g. （一）主动公开


TEXT_SLOTS: tuple[TextSlot, ...] = (
    TextSlot("overview.intro", 0, "一、总体情况（开头）"),
    TextSlot("overview.proactive", 0, "（一）主动公开", "（一）主动公开"),
    TextSlot("overview.on_request", 0, "（二）依申请公开", "（二）依申请公开"),
    TextSlot("overview.management", 0, "（三）政府信息管理", "（三）政府信息管理"),
    TextSlot("overview.platform", 0, "（四）政府信息公开平台建设", "（四）政府信息公开平台建设"),
    TextSlot("overview.oversight", 0, "（五）监督保障", "（五）监督保障"),
    TextSlot("problems.issues", 4, "（一）存在的主要问题", "（一）存在的主要问题"),
    TextSlot("problems.improvements", 4, "（二）改进情况", "（二）改进情况"),
    TextSlot("other", 5, "六、其他需要报告的事项"),
)
TEXT_KEYS = tuple(s.key for s in TEXT_SLOTS)


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


META_FIELDS: tuple[MetaField, ...] = (
    MetaField("name", "机关名称", "全称，如：巫溪县峰灵镇人民政府"),
    MetaField("level", "机关层级", "从下拉列表选择", tuple(LEVELS)),
    MetaField("region", "所属地区", "如：重庆市巫溪县"),
    MetaField("year", "报告年度", "如：2024"),
    MetaField("contact", "联系人"),
    MetaField("phone", "联系电话"),
    # A township clerk read "本级人民政府年度报告" as "our government's report" and answered 是, which
    # made the county's merge take the township for the county government (issue 9 #12).
    MetaField(
        "government_own", "县级以上人民政府本级报告",
        "乡镇人民政府、街道办事处和各部门填“否”；只有县（市、区）及以上人民政府自身的年度报告填“是”（汇总时只计一次）",
        ("是", "否"), former_labels=("本级人民政府年度报告",),
    ),
)

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


# Non-standard labels seen in real reports: recognised, reported under S4 (docs/format.md §3.6).
KNOWN_TYPOS: dict[str, str] = {
    "（二）部分公开（区分处理的，只计这一情况，不计其他情形）": "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
    "5.属于三类内容事务信息": "5.属于三类内部事务信息",
    "现行有效件数（历史累计）": "现行有效件数",
    "现行有效件": "现行有效件数",
}


# Labels real reports print in words the 2021 format does not use, without being wrong: the 2019 format's
# 规范性文件 is still common. Read as the official label and told as an S4 hint (docs/format.md §3.6).
LABEL_VARIANTS: dict[str, str] = {
    "规范性文件": "行政规范性文件",
}


def label_variant(printed: str) -> str | None:
    """The official label a printed variant stands for (``LABEL_VARIANTS``), or None."""
    n = normalise(printed)
    return next((official for variant, official in LABEL_VARIANTS.items() if normalise(variant) == n), None)


# --- the 2019 format, to recognise it (docs/format.md §6) ----------------------

F2019_FINGERPRINTS: tuple[tuple[str, str], ...] = (
    ("第二十条第（九）项", "有第二十条第（九）项（政府集中采购），2021年格式已删除"),
    ("政府集中采购", "有「政府集中采购」行，2021年格式已删除"),
    ("采购总金额", "有「采购总金额」列，2021年格式已删除"),
    ("本年新制作数量", "表二用「本年新制作数量」，2021年格式为「本年制发件数」"),
    ("本年新公开数量", "表二用「本年新公开数量」，2021年格式为「本年废止件数」"),
    ("对外公开总数量", "表二用「对外公开总数量」，2021年格式为「现行有效件数」"),
    ("上一年项目数量", "表二用「上一年项目数量」，2021年格式为「本年处理决定数量」"),
    ("本年增/减", "表二用「本年增/减」，2021年格式为「本年处理决定数量」"),
    ("其他对外管理服务事项", "表二有「其他对外管理服务事项」行，2021年格式已删除"),
)
F2019_FINGERPRINT_INDEX = {normalise(text): why for text, why in F2019_FINGERPRINTS}

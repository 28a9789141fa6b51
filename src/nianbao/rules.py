"""The checking rules, declared as data, and the one evaluator that runs them.

A rule about numbers is a ``Check``: the cells it reads, a test that says
whether it is broken, and a message. The test is written with arithmetic and
``& | ~`` only, so the same declaration runs on one Report (plain numbers) and
on a whole county at once (numpy arrays, one element per unit):

    >>> from nianbao.report import Report
    >>> r = Report.from_numbers({"t3.new.total": 2})
    >>> [f.rule for f in evaluate(r)][:2]
    ['T3-ID', 'T3-H']

Each rule, its basis and a worked example are in docs/format.md §5 (§5.1
reading, §5.2 sums within a table, §5.3 cross-year, §5.4 plausibility, §5.5
structure and text, §5.6 merge). ``RuleInfo.basis`` is written for the clerk:
the 条例 article, the part of the printed format, or "nianbao" for the tool's
own reading rules.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from functools import cache
from typing import Any

from .formats import DEFAULT, F2021, get_format
from .report import CellRef, Finding, Number, Report, Severity, format_number
from .schema import LEVELS, Format, Node, find_node

# U (未读取): what the tool could not read or check, not counted as the report's error.
E, W, I, U = Severity.ERROR, Severity.WARNING, Severity.INFO, Severity.UNREAD


@dataclass(frozen=True)
class RuleInfo:
    id: str
    title: str
    basis: str
    severity: Severity


RULES: dict[str, RuleInfo] = {
    r.id: r
    for r in (
        RuleInfo("N1", "计数单元格应为大于或等于0的整数", "年报格式（统计件数）", E),
        RuleInfo("N2", "收费金额应为大于或等于0的数（万元，建议最多6位小数）", "年报格式表二（八）（单位：万元）", E),
        RuleInfo("N3", "单元格空白（空白不等于0）或填“/”", "审核惯例", W),
        RuleInfo("N4", "数字单元格中有文字、单位或全角数字", "审核惯例", W),
        RuleInfo("N5", "公式没有保存计算结果，无法读取数值", "nianbao", E),
        RuleInfo("C1", "表格缺失或全部空白", "nianbao", E),
        RuleInfo("D1", "导入时数字连在一起，已按勾稽关系唯一拆分", "nianbao", I),
        RuleInfo("D2", "导入时无法确定单元格的数字（连在一起且拆分不唯一，或个数与列数不符）", "nianbao", U),
        RuleInfo("L1", "表格不在模板位置，已按标签查找", "nianbao", I),
        RuleInfo("M1", "单位信息未填写完整", "nianbao", W),
        RuleInfo("M2", "机关层级与“县级以上人民政府本级报告”不一致", "nianbao", W),
        RuleInfo("V1", "不是2021年格式，无法按2021年格式校验", "nianbao", U),
        RuleInfo("S1", "六个部分的标题应齐全、按顺序（可接受常见变体）", "《条例》第五十条、年报格式", E),
        RuleInfo("S2", "标题应含机关名称和报告年度", "审核惯例", W),
        RuleInfo("S4", "表格标签与国家格式不一致", "年报格式（表格标签）", W),
        RuleInfo("S5", "总体情况未涵盖主动公开、依申请公开、政府信息管理、平台建设、监督保障五个方面", "年报格式“一、总体情况”", W),
        RuleInfo("S6", "人民政府未报告工作考核、社会评议和责任追究结果情况", "《条例》第五十条第（四）项", W),
        RuleInfo("S7", "“六、其他需要报告的事项”未说明信息处理费情况", "年报格式“六、其他需要报告的事项”", W),
        RuleInfo("S10", "文字中的地区或机关称谓与本机关不符（疑似照搬其他单位的报告）", "年报格式“明确责任”（内容雷同）", W),
        RuleInfo("S11", "文字中还有【请填写】的待填写内容", "nianbao", W),
        RuleInfo("S12", "报告的文字还没有写：一、总体情况，五、存在的主要问题及改进情况，六、其他需要报告的事项为空", "nianbao", W),
        RuleInfo("S13", "总体情况或存在的主要问题及改进情况只写了“无”或寥寥几字，没有实际内容", "《条例》第五十条第（四）项、年报格式", W),
        RuleInfo("T3-ID", "表三每列：一+二=三（七）+四", "年报格式表三印制的勾稽关系", E),
        RuleInfo("T3-V", "表三每列：（七）总计=（一）至（六）各项之和", "年报格式表三（（七）总计）", E),
        RuleInfo("T3-H", "表三每行：总计=各申请人列之和", "年报格式表三（申请人“总计”列）", E),
        RuleInfo("T3-NEG", "表三每列：结转下年度不大于一+二", "年报格式表三勾稽关系的推论", E),
        RuleInfo("T3-SUB", "表三有非标准的小计行，且须等于各项之和", "年报格式表三（无小计行）", W),
        RuleInfo("T4-S", "表四每组：总计=结果维持+结果纠正+其他结果+尚未审结", "年报格式表四（“总计”列）", E),
        RuleInfo("Y1", "本年上年结转=上年结转下年度", "跨年度衔接", E),
        RuleInfo("Y2", "现行有效件数=上年现行有效+本年制发−本年废止", "跨年度衔接", W),
        RuleInfo("Y3", "本年废止件数不大于上年现行有效+本年制发", "跨年度衔接", W),
        RuleInfo("Y4", "2021年及以后的年度报告须使用2021年格式", "国办公开办函〔2021〕30号", E),
        RuleInfo("Y5", "总体情况、问题和改进与上年度报告文字雷同", "年报格式“明确责任”（内容雷同）", W),
        RuleInfo("Y6", "未说明上年度报告所提问题的整改情况", "审核惯例", I),
        RuleInfo("Y7", "主要件数与上年相比变化超过5倍", "跨年度衔接", I),
        RuleInfo("P1", "无规章制定权的机关填报了规章", "《立法法》第九十一条、第九十三条", W),
        RuleInfo("P2", "现行有效件数小于本年制发件数", "审核惯例", W),
        RuleInfo("P3", "收费金额与机关层级不符（可能把元填成了万元）", "审核惯例", W),
        RuleInfo("P4", "文字中的数字与表格不一致", "审核惯例", W),
        RuleInfo("P5", "没有申请却有行政复议或诉讼", "审核惯例", I),
        RuleInfo("P6", "有逾期未缴费的申请，应在六中说明收费通知", "《政府信息公开信息处理费管理办法》", I),
        RuleInfo("P7", "信息处理费金额不是10元的整数倍", "《政府信息公开信息处理费管理办法》", W),
        RuleInfo("P8", "收取了信息处理费而表二（八）行政事业性收费为0", "《政府信息公开信息处理费管理办法》", I),
        RuleInfo("P9", "申请很少却收取了信息处理费", "《条例》第四十二条", W),
        RuleInfo("H1", "汇总数不完整：有单位的该项无法读取，未计入", "nianbao", W),
        RuleInfo("H2", "与同一机关层级的其他单位相比明显偏高、偏低或为0（汇总时）", "审核惯例", I),
    )
}


def finding(
    rule: str,
    message: str,
    cells: Iterable[CellRef] = (),
    *,
    severity: Severity | None = None,
    expected: Number | None = None,
    actual: Number | None = None,
) -> Finding:
    """The one way to make a Finding: its severity is the rule's (RULES) unless the caller says otherwise.

        >>> f = finding("N3", "表三「一、本年新收政府信息公开申请数量」行有1个空白单元格", [CellRef("t3.new.research", "表三!F5")])
        >>> (f.rule, f.severity.value, f.address)
        ('N3', 'warning', '表三!F5')

    Raises KeyError for a rule that is not declared in RULES: every finding names a known rule.
    """
    return Finding(rule, severity or RULES[rule].severity, message, tuple(cells), expected, actual)


# --- declarations -----------------------------------------------------------


@dataclass(frozen=True)
class Term:
    cell: str  # a cell id, or "meta.<fact>" for a fact about the unit
    sign: int = 1
    last: bool = False  # from last year's report


Getter = Callable[[str, bool], Any]  # (cell, last) -> number | array


def _sum(g: Getter, terms: Sequence[Term]) -> Any:
    return sum(t.sign * g(t.cell, t.last) for t in terms)


@dataclass(frozen=True)
class Check:
    rule: str
    severity: Severity
    terms: tuple[Term, ...]  # every value read; the first cell is where the finding points
    fails: Callable[[Getter], Any]
    describe: Callable[[Getter], tuple[str, Number | None, Number | None]]  # message, expected, actual
    axis: str = ""  # where the template's live check goes: "row" | "column" | "" (none)
    split: int = 0  # for equations: terms[:split] is the left side, terms[split:] the right
    focus: str | None = None  # the cell a finding points at; default: the first term's
    # A plausibility rule runs only on numbers the report printed: it must not claim a 0 it never saw, so a
    # blank is unknown here (the sums within a table take a blank for 0: N3 has already told the unit).
    known_only: bool = False

    @property
    def needs_last(self) -> bool:
        return any(t.last for t in self.terms)

    @property
    def cells(self) -> tuple[str, ...]:
        """This year's cells the check reads, the one a finding points at first."""
        cells = [t.cell for t in self.terms if not t.cell.startswith("meta.") and not t.last]
        if self.focus:
            cells.insert(0, self.focus)
        return tuple(dict.fromkeys(cells))


@dataclass(frozen=True)
class Equation:
    """``left == right`` (or ``left <= right``), each side a signed sum of cells."""

    rule: str
    severity: Severity
    left: tuple[Term, ...]
    right: tuple[Term, ...]
    where: str
    left_label: str
    right_label: str
    axis: str = ""
    op: str = "=="
    focus: str | None = None  # the cell a finding points at, when not the first of the left side

    def check(self) -> Check:
        def fails(g: Getter) -> Any:
            lhs, rhs = _sum(g, self.left), _sum(g, self.right)
            return (lhs != rhs) if self.op == "==" else (lhs > rhs)

        def describe(g: Getter) -> tuple[str, Number | None, Number | None]:
            lhs, rhs = _sum(g, self.left), _sum(g, self.right)
            a, b = format_number(lhs), format_number(rhs)
            if self.op == "==":
                diff = format_number(abs(lhs - rhs))
                text = f"{self.where}：{self.left_label}={a}，{self.right_label}={b}，差{diff}"
            else:
                text = f"{self.where}：{self.left_label}={a}，大于{self.right_label}={b}"
            return text, rhs, lhs

        return Check(
            self.rule, self.severity, self.left + self.right, fails, describe, self.axis, len(self.left), self.focus
        )


def _terms(*cells: str, sign: int = 1, last: bool = False) -> tuple[Term, ...]:
    return tuple(Term(c, sign, last) for c in cells)


def _col(col: Node) -> str:
    return f"表三「{col.label}」列"


def _t3_equations(fmt: Format) -> Iterator[Equation]:
    t3 = fmt.tables["t3"].sections[0]
    columns = t3.column_leaves
    result_rows = tuple(n for n in find_node(t3.rows, "results").leaves() if n.key != "total")
    for col in columns:
        c = col.key
        yield Equation(
            "T3-ID", E,
            _terms(f"t3.new.{c}", f"t3.carried_over.{c}"),
            _terms(f"t3.total.{c}", f"t3.carried_forward.{c}"),
            _col(col), "一+二", "三（七）+四", axis="column", focus=f"t3.carried_forward.{c}",
        )
    for col in columns:
        c = col.key
        yield Equation(
            "T3-V", E,
            _terms(f"t3.total.{c}"),
            _terms(*(f"t3.{r.key}.{c}" for r in result_rows)),
            _col(col), "（七）总计", "（一）至（六）各项之和", axis="column",
        )
    for row in t3.row_leaves:
        cells = fmt.row_cells("t3", row.key)
        yield Equation(
            "T3-H", E,
            _terms(cells[-1]), _terms(*cells[:-1]),
            f"表三「{row.label}」行", "总计", "自然人至其他各列之和", axis="row",
        )
    for col in columns:
        c = col.key
        yield Equation(
            "T3-NEG", E,
            _terms(f"t3.carried_forward.{c}"),
            _terms(f"t3.new.{c}", f"t3.carried_over.{c}"),
            _col(col), "四、结转下年度继续办理", "一+二", op="<=",
        )


def _t4_equations(fmt: Format) -> Iterator[Equation]:
    t4 = fmt.tables["t4"].sections[0]
    groups = [(g.label, g) for g in t4.columns if g.key] + [
        (f"行政诉讼·{g.label}", g) for top in t4.columns if not top.key for g in top.children
    ]
    for where, g in groups:
        parts = [f"t4.{n.key}" for n in g.leaves()]
        yield Equation(
            "T4-S", E,
            _terms(parts[-1]), _terms(*parts[:-1]),
            f"表四「{where}」", "总计", "结果维持+结果纠正+其他结果+尚未审结", axis="column",
        )


def _cross_year_equations(fmt: Format) -> Iterator[Equation]:
    for col in fmt.tables["t3"].sections[0].column_leaves:
        c = col.key
        yield Equation(
            "Y1", E if c == "total" else W,
            _terms(f"t3.carried_over.{c}"),
            _terms(f"t3.carried_forward.{c}", last=True),
            _col(col), "本年「二、上年结转」", "上年报告「四、结转下年度继续办理」",
        )
    for row, name in (("rules", "规章"), ("normative", "行政规范性文件")):
        yield Equation(
            "Y2", W,
            _terms(f"t2.{row}.in_force"),
            _terms(f"t2.{row}.in_force", last=True) + _terms(f"t2.{row}.issued") + _terms(f"t2.{row}.repealed", sign=-1),
            f"表二「{name}」", "现行有效件数", "上年现行有效件数+本年制发−本年废止",
        )
        yield Equation(
            "Y3", W,
            _terms(f"t2.{row}.repealed"),
            _terms(f"t2.{row}.in_force", last=True) + _terms(f"t2.{row}.issued"),
            f"表二「{name}」", "本年废止件数", "上年现行有效件数+本年制发件数", op="<=",
        )


@dataclass(frozen=True)
class KeyTotal:
    """A main total of a report: what Y7 compares with last year and a merge compares across units of a
    level (H2, merge/peers.py). ``floor``: Y7 says nothing when neither year reaches it (from 2 to 12
    applications is a factor of 6 and means nothing)."""

    key: str
    name: str  # short: a column of the 图表 sheet
    where: str  # in a message
    cells: tuple[str, ...]  # the total is their sum
    floor: int


def _key_total(key: str, name: str, cells: tuple[str, ...], floor: int, where: str = "") -> KeyTotal:
    return KeyTotal(key, name, where or F2021.cells[cells[0]].label, cells, floor)


# The floors are what a county reviewer would call a real number of cases for a unit: applications and
# 行政强制 in the tens, 行政许可 and 行政处罚 (hundreds to thousands for a department) in the hundreds, 复议 and
# 诉讼 (a handful at most for most units) from 10.
KEY_TOTALS: tuple[KeyTotal, ...] = (
    _key_total("new", "新收申请", ("t3.new.total",), 30),
    _key_total("closed", "办结申请", ("t3.total.total",), 30),
    _key_total("licensing", "行政许可", ("t2.licensing.decisions",), 100),
    _key_total("punishment", "行政处罚", ("t2.punishment.decisions",), 100),
    _key_total("coercion", "行政强制", ("t2.coercion.decisions",), 30),
    _key_total("review", "行政复议", ("t4.review.total",), 10),
    _key_total("litigation", "行政诉讼", ("t4.direct.total", "t4.after_review.total"), 10,
               "表四「行政诉讼」（未经复议直接起诉+复议后起诉）「总计」"),
)
# Y7: this year more than JUMP_FACTOR times last year's, or less than 1/JUMP_FACTOR of it (the peer
# auditor's design: ratio above 5 or below 0.2). Multiplied, not divided: exact, and a 0 needs no case.
JUMP_FACTOR = 5


def _jump_checks() -> Iterator[Check]:
    for total in KEY_TOTALS:
        now, before = _terms(*total.cells), _terms(*total.cells, last=True)

        def fails(g: Getter, now: tuple[Term, ...] = now, before: tuple[Term, ...] = before, floor: int = total.floor) -> Any:
            a, b = _sum(g, now), _sum(g, before)
            # A negative count is N1's error, not a change.
            return (a >= 0) & (b >= 0) & ((a >= floor) | (b >= floor)) & ((a > JUMP_FACTOR * b) | (b > JUMP_FACTOR * a))

        def describe(g: Getter, now: tuple[Term, ...] = now, before: tuple[Term, ...] = before,
                     where: str = total.where) -> tuple[str, Number | None, Number | None]:
            a, b = _sum(g, now), _sum(g, before)
            if a > b:
                change = f"是上年的{format_number(round(a / b, 2))}倍" if b else "上年为0"
            else:
                change = f"上年是本年的{format_number(round(b / a, 2))}倍" if a else "本年为0"
            text = (f"{where}：本年{format_number(a)}件，上年报告{format_number(b)}件，{change}；两年相差超过{JUMP_FACTOR}倍，"
                    "请核实是否填错（多写或漏写了数位、填进了别的栏目）或统计口径有变化")
            return text, b, a

        yield Check("Y7", I, now + before, fails, describe)


def _plausibility_checks(fmt: Format) -> Iterator[Check]:
    # 现行有效件数 first: that is the number a body without rule-making power most often gets wrong.
    rules_row = ("t2.rules.in_force", "t2.rules.issued", "t2.rules.repealed")

    def p1_fails(g: Getter) -> Any:
        return (g("meta.makes_rules", False) == 0) & (_sum(g, _terms(*rules_row)) > 0)

    def p1_describe(g: Getter) -> tuple[str, Number | None, Number | None]:
        got = "、".join(f"{fmt.cells[c].column.label}{format_number(g(c, False))}" for c in fmt.row_cells("t2", "rules") if g(c, False))
        return (
            f"表二「规章」行填了{got}；只有国务院部门和省、自治区、直辖市、设区的市、自治州人民政府制定规章，本机关层级通常应为0（或“/”）",
            0, _sum(g, _terms(*rules_row)),
        )

    yield Check("P1", W, _terms(*rules_row, "meta.makes_rules"), p1_fails, p1_describe)

    for row, name in (("rules", "规章"), ("normative", "行政规范性文件")):
        issued, in_force = f"t2.{row}.issued", f"t2.{row}.in_force"
        yield Equation(
            "P2", W, _terms(issued), _terms(in_force),
            f"表二「{name}」", "本年制发件数", "现行有效件数", op="<=",
        ).check()

    fees = "t2.fees.amount"

    def p3_fails(g: Getter) -> Any:
        return g(fees, False) > g("meta.fee_ceiling", False)

    def p3_describe(g: Getter) -> tuple[str, Number | None, Number | None]:
        amount, ceiling = g(fees, False), g("meta.fee_ceiling", False)
        return (
            (f"表二「行政事业性收费」本年收费金额为{format_number(amount)}万元，"
             f"超过本机关层级常见上限{format_number(ceiling)}万元；单位是万元，请确认没有把元填进来"),
            ceiling, amount,
        )

    yield Check("P3", W, _terms(fees, "meta.fee_ceiling"), p3_fails, p3_describe)

    t4_totals = [f"t4.{g}.total" for g in ("review", "direct", "after_review")]
    received = ["t3.new.total", "t3.carried_over.total"]

    def p5_fails(g: Getter) -> Any:
        return (_sum(g, _terms(*t4_totals)) > 0) & (_sum(g, _terms(*received)) == 0)

    def p5_describe(g: Getter) -> tuple[str, Number | None, Number | None]:
        n = _sum(g, _terms(*t4_totals))
        return (
            f"表四有{format_number(n)}件行政复议或行政诉讼，但表三本年新收和上年结转的申请均为0；可能是以前年度的申请或主动公开引起的，请核实",
            None, n,
        )

    yield Check("P5", I, _terms(*t4_totals, *received), p5_fails, p5_describe)


CheckBuilder = Callable[[Format], Iterable[Check]]


def _equations(build: Callable[[Format], Iterator[Equation]]) -> CheckBuilder:
    return lambda fmt: (e.check() for e in build(fmt))


def _on_known_numbers(build: CheckBuilder) -> CheckBuilder:
    return lambda fmt: (replace(c, known_only=True) for c in build(fmt))


# Where every numeric rule comes from, in the order findings list them: each builder makes a format's
# checks of one kind (docs/architecture.md, "add a rule").
CHECK_BUILDERS: list[CheckBuilder] = [
    _equations(_t3_equations),
    _equations(_t4_equations),
    _equations(_cross_year_equations),
    _on_known_numbers(lambda fmt: _jump_checks()),
    _on_known_numbers(_plausibility_checks),
]


def format_checks(fmt: Format) -> tuple[Check, ...]:
    """Every numeric check of a format, in the order findings list them: built once per format id."""
    return _format_checks(fmt.id)


@cache
def _format_checks(format_id: str) -> tuple[Check, ...]:
    fmt = get_format(format_id)
    if not fmt.readable:
        return ()
    found = [c for build in CHECK_BUILDERS for c in build(fmt)]
    # A rule about cells a format does not have is not a rule of that format.
    return tuple(c for c in found if all(t.cell.startswith("meta.") or t.cell in fmt.cells for t in c.terms))


# --- evaluation ---------------------------------------------------------------


def meta_fact(level: str, fact: str) -> float | None:
    """The unit facts checks may read ("meta.makes_rules", "meta.fee_ceiling"), by level name."""
    lv = LEVELS.get(level)
    if lv is None:
        return None
    if fact == "makes_rules":
        return 1.0 if lv.makes_rules else 0.0
    if fact == "fee_ceiling":
        return float("inf") if lv.fee_ceiling is None else float(lv.fee_ceiling)
    raise KeyError(fact)


def _report_getter(report: Report, last: Report | None, known_only: bool = False) -> Getter:
    def g(cell: str, from_last: bool) -> Any:
        r = last if from_last else report
        if r is None:
            return None
        if cell.startswith("meta."):
            return meta_fact(r.meta.level, cell[5:])
        return r.known(cell) if known_only else r.number(cell)

    return g


def _finding(check: Check, g: Getter, ref: Callable[[str], CellRef]) -> Finding:
    message, expected, actual = check.describe(g)
    cells = (ref(c) for c in check.cells)
    return finding(check.rule, message, cells, severity=check.severity, expected=expected, actual=actual)


def _with_sums(report: Report, check: Check, g: Getter) -> Getter | None:
    """A getter in which a group printed as one row stands for its unread parts, when the check adds up
    all of them alike (表三 T3-V over the one-row （六）); None when an unknown value remains."""
    stand_in: dict[str, Number] = {}
    signs = {t.cell: t.sign for t in check.terms if not t.last}
    for key, total in report.sums.items():
        parts = report.format.group_cells(key)
        if all(p in signs and g(p, False) is None for p in parts) and len({signs[p] for p in parts}) == 1:
            stand_in |= dict.fromkeys(parts, 0) | {parts[0]: total}
    if not stand_in:
        return None

    def summed(cell: str, from_last: bool) -> Any:
        return stand_in[cell] if not from_last and cell in stand_in else g(cell, from_last)

    return summed if all(summed(t.cell, t.last) is not None for t in check.terms) else None


def evaluate(report: Report, last: Report | None = None, checks: Iterable[Check] | None = None) -> list[Finding]:
    """Run the numeric checks of the report's format (or ``checks``) on one report, and last year's for
    Y1–Y3 and Y7 — in this year's cells (Report.in_format) when last year's report is in another format.

    A check is skipped when a value it needs is unknown (text, an unsaved
    formula, a missing table, a cell last year's format did not have): that cell already has its own finding.
    """
    if checks is None:
        checks = format_checks(report.format)
    if last is not None:
        last = last.in_format(report.format.id)
    getters = {flag: _report_getter(report, last, flag) for flag in (False, True)}
    findings = []
    for check in checks:
        if check.needs_last and last is None:
            continue
        g = getters[check.known_only]
        if any(g(t.cell, t.last) is None for t in check.terms):
            summed = _with_sums(report, check, g)
            if summed is None:
                continue
            g = summed
        if check.fails(g):
            findings.append(_finding(check, g, report.ref))
    return findings


def evaluate_frame(
    frame: Any,
    last: Any = None,
    address: Callable[[Any, str], str] = lambda unit, cell: "",
    checks: Iterable[Check] | None = None,
    blanks: Any = None,
    last_blanks: Any = None,
) -> list[tuple[Any, Finding]]:
    """Run the same checks over many units at once.

    ``frame`` is a pandas DataFrame, one row per unit, a float column per cell
    id (NaN = unknown; blanks already 0) and a ``meta.level`` column; ``last``
    is last year's frame on the same index, or None; ``blanks`` (``last_blanks``) a
    boolean frame on the same index, True where a unit left the cell blank this
    year (last year): a plausibility check takes those as unknown, as ``evaluate``
    does. Returns (index, Finding) pairs in check order, exactly what ``evaluate``
    gives unit by unit. ``checks`` are the default format's unless given (a merge
    passes its format's).
    """
    import numpy as np

    if checks is None:
        checks = format_checks(DEFAULT)

    levels = frame["meta.level"].to_numpy(object) if "meta.level" in frame else None
    last_levels = last["meta.level"].to_numpy(object) if last is not None and "meta.level" in last else levels
    cache: dict[tuple[str, bool], Any] = {}

    def column(cell: str, from_last: bool) -> Any:
        key = (cell, from_last)
        if key not in cache:
            src = last if from_last else frame
            if cell.startswith("meta."):
                lv = last_levels if from_last else levels
                facts = [meta_fact(x, cell[5:]) if isinstance(x, str) else None for x in (lv if lv is not None else [None] * len(frame))]
                cache[key] = np.array([np.nan if f is None else f for f in facts], dtype=float)
            else:
                cache[key] = src[cell].to_numpy(dtype=float, na_value=np.nan)
        return cache[key]

    known_cache: dict[tuple[str, bool], Any] = {}

    def known_column(cell: str, from_last: bool) -> Any:
        mask = last_blanks if from_last else blanks
        if mask is None or cell not in mask:
            return column(cell, from_last)
        key = (cell, from_last)
        if key not in known_cache:
            known_cache[key] = np.where(mask[cell].to_numpy(dtype=bool), np.nan, column(cell, from_last))
        return known_cache[key]

    index = list(frame.index)
    out: list[tuple[Any, Finding]] = []
    for check in checks:
        if check.needs_last and last is None:
            continue
        get = known_column if check.known_only else column
        known = np.ones(len(index), dtype=bool)
        for t in check.terms:
            known &= ~np.isnan(get(t.cell, t.last))
        with np.errstate(invalid="ignore"):
            broken = np.asarray(check.fails(get), dtype=bool) & known
        for i in np.flatnonzero(broken).tolist():
            unit = index[i]

            def g(cell: str, from_last: bool, i: int = i, get: Callable[[str, bool], Any] = get) -> Any:
                v = get(cell, from_last)[i]
                return int(v) if float(v).is_integer() else float(v)

            def ref(c: str, unit: Any = unit) -> CellRef:
                return CellRef(c, address(unit, c))

            out.append((unit, _finding(check, g, ref)))
    return out

"""What one statutory cell holds: a number, a blank, "/", or text — never guessed.

    >>> from nianbao.formats import F2021
    >>> parse_cell("12件", F2021.cells["t3.new.total"]).number
    12
    >>> parse_cell("十二", F2021.cells["t3.new.total"]).state
    <State.TEXT: 'text'>

Used by every reader (workbook, published report) so "12件" means the same
thing wherever it is found. Problems come back as ``Issue``s; the reader turns
them into Findings at the cell's address.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from .report import CellRef, Finding, Number, Severity, State, format_number
from .rules import finding
from .schema import CellSpec

NOT_APPLICABLE_MARKS = frozenset(
    {"/", "／", "\\", "-", "--", "—", "——", "－", "–", "不适用", "无此项", "N/A", "n/a", "NA", "＼"}
)
MAX_AMOUNT_DECIMALS = 6  # 0.000001万元 = 0.01元: exact to the 分 (docs/format.md §4.1, §5.1 N2)
# No count or amount in any report comes near this; past 2**53 a float loses whole numbers, and
# near 1e308 two units' values add up to inf. Beyond it a number is unreadable, never summed.
MAX_NUMBER = 10**15
# What Excel and WPS show in a cell whose formula failed (calamine reads them as blank; the
# reader finds them in the sheet XML; a live workbook read through xlwings may show the text).
EXCEL_ERRORS = frozenset(
    {"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA", "#SPILL!",
     "#CALC!", "#FIELD!", "#BLOCKED!", "#UNKNOWN!", "#CONNECT!", "#BUSY!", "#EXTERNAL!", "#PYTHON!"}
)

_NUMBER = re.compile(r"^[+-]?\d+(?:\.\d+)?$")
_GROUPED = re.compile(r"^[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?$")
_WITH_UNIT = re.compile(r"^([+-]?\d[\d,]*(?:\.\d+)?)\s*(件|个|条|项|次|宗|份|万元|元)$")


@dataclass(frozen=True)
class Issue:
    rule: str
    severity: Severity
    message: str

    def at(self, ref: CellRef, spec: CellSpec) -> Finding:
        """This problem as a Finding at the cell ``spec`` describes, its message led by the cell's label."""
        return finding(self.rule, f"{spec.label}：{self.message}", (ref,), severity=self.severity)


ZERO_ADVICE = "没有发生的应填0"


def blank_row(where: str, cells: Sequence[CellRef], which: str) -> Finding:
    """N3 for the blank cells of one row, in the same words whichever reader found them.

        >>> blank_row("表三「（一）予以公开」行", [CellRef("t3.disclosed.business", "表三!E7")], "表三!E7").message
        '表三「（一）予以公开」行有1个空白单元格（表三!E7）；空白不等于0，没有发生的应填0'
    """
    return finding("N3", f"{where}有{len(cells)}个空白单元格（{which}）；空白不等于0，{ZERO_ADVICE}", cells)


@dataclass(frozen=True)
class Parsed:
    number: Number | None
    state: State
    raw: str | None = None  # what was typed, when it was not a plain number
    issue: Issue | None = None


def _as_number(text: str) -> Number:
    v = float(text)
    return int(v) if v.is_integer() and "." not in text else v


def _range_rule(spec: CellSpec) -> str:
    return "N1" if spec.kind == "count" else "N2"


def unreadable(spec: CellSpec, raw: str, why: str) -> Parsed:
    """A value that is no number at all for the format: an error at the cell, the number unknown
    (N1 for counts, N2 for amounts: the cell must hold a number ≥ 0 and does not)."""
    return Parsed(None, State.TEXT, raw, Issue(_range_rule(spec), Severity.ERROR, why))


def _short(text: str) -> str:
    text = text.strip()
    return text if len(text) <= 24 else f"{text[:12]}…{text[-6:]}（共{len(text)}个字符）"


def _check_number(v: Number, spec: CellSpec, raw: str | None, issue: Issue | None, typed: str | None = None) -> Parsed:
    """N1/N2 on a number, keeping any earlier reading issue unless this one is worse."""
    if not math.isfinite(v) or abs(v) >= MAX_NUMBER:
        typed = typed if typed is not None else repr(v)
        return unreadable(spec, typed, f"「{_short(typed)}」超出可读取的数字范围（不是有效数字或位数过多），无法读取；请核对后重新填写")
    if isinstance(v, float) and v.is_integer() and spec.kind == "count":
        v = int(v)
    shown = format_number(v)
    problem = None
    if spec.kind == "count":
        if v < 0:
            problem = Issue("N1", Severity.ERROR, f"件数不能为负数，填了{shown}")
        elif not float(v).is_integer():
            problem = Issue("N1", Severity.ERROR, f"件数应为整数，填了{shown}")
    else:
        if v < 0:
            problem = Issue("N2", Severity.ERROR, f"收费金额不能为负数，填了{shown}万元")
        elif isinstance(v, float) and _decimals(v) > MAX_AMOUNT_DECIMALS:
            problem = Issue(
                "N2", Severity.WARNING,
                f"收费金额{v!r}万元有{_decimals(v)}位小数；单位是万元，{MAX_AMOUNT_DECIMALS}位小数已精确到分，"
                "请确认是否把元直接除以10000填入",
            )
    return Parsed(v, State.NUMBER, raw, problem or issue)


def _decimals(v: float) -> int:
    text = repr(v)
    return len(text.split(".")[1]) if "." in text and "e" not in text else 0


def parse_cell(value: object, spec: CellSpec) -> Parsed:
    """Read one cell's content as the format intends it."""
    if type(value) is float and spec.kind == "count" and 0 <= value < MAX_NUMBER and value.is_integer():
        # The common case, taken first: a merge reads 200 of these per workbook (same result as below).
        return Parsed(int(value), State.NUMBER)
    if value is None or (isinstance(value, str) and not value.strip()):
        return Parsed(None, State.BLANK)
    if isinstance(value, bool):
        return Parsed(None, State.TEXT, str(value), Issue("N4", Severity.WARNING, f"填了逻辑值{value}，不是数字"))
    if isinstance(value, (int, float)):
        return _check_number(value, spec, None, None)
    if isinstance(value, (dt.date, dt.time, dt.timedelta)):
        return Parsed(
            None, State.TEXT, str(value),
            Issue("N4", Severity.WARNING, f"单元格是日期或时间格式（{value}），不是数字；请把单元格格式改为“常规”后重新填写"),
        )
    raw = str(value)
    text = unicodedata.normalize("NFKC", raw).strip()
    if text in NOT_APPLICABLE_MARKS:
        if spec.na_allowed:
            return Parsed(None, State.NOT_APPLICABLE, raw, Issue("N3", Severity.INFO, f"填了“{raw.strip()}”，按不适用记录"))
        return Parsed(
            None, State.NOT_APPLICABLE, raw,
            Issue("N3", Severity.WARNING, f"填了“{raw.strip()}”；此项应填数字，{ZERO_ADVICE}"),
        )
    if text.upper() in EXCEL_ERRORS:
        return unreadable(spec, raw, f"单元格是错误值「{text}」（公式出错），无法读取；请改正公式或直接填写数字")
    full_width = text != raw.strip()
    if _NUMBER.match(text):
        issue = Issue("N4", Severity.WARNING, f"全角数字「{raw.strip()}」按{text}读取；请改为半角数字") if full_width else None
        return _check_number(_as_number(text), spec, raw if full_width else None, issue, raw)
    if _GROUPED.match(text):
        plain = text.replace(",", "")
        issue = Issue("N4", Severity.WARNING, f"「{raw.strip()}」是文本，按{plain}读取；请只填数字")
        return _check_number(_as_number(plain), spec, raw, issue, raw)
    m = _WITH_UNIT.match(text)
    if m:
        number, unit = _as_number(m.group(1).replace(",", "")), m.group(2)
        if spec.kind == "amount" and unit == "元":
            number = number / 10000
            how = f"按{format_number(number)}万元读取（单位应为万元）"
        else:
            how = f"按{format_number(number)}读取"
        issue = Issue("N4", Severity.WARNING, f"单元格含单位「{raw.strip()}」，{how}；请只填数字")
        return _check_number(number, spec, raw, issue, raw)
    hint = f"；{ZERO_ADVICE}" if text in ("无", "没有", "零", "空") else "；请填写阿拉伯数字"
    return Parsed(None, State.TEXT, raw, Issue("N4", Severity.WARNING, f"「{raw.strip()}」不是数字，无法读取{hint}"))


def plain_text(value: object) -> str:
    """A cell's content as text for non-numeric fields: None → "", 2023.0 → "2023", " 是 " → "是"."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()

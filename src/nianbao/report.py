"""The values everything passes around: Report (one unit's annual report) and Finding.

    >>> r = Report.empty()
    >>> r.values["t3.new.total"] = 3
    >>> Report.from_json(r.to_json()).values["t3.new.total"]
    3

A Report keeps apart what a cell held: a number, a blank, "/" (不适用), text
that is not a number, a formula with no saved result. ``values`` holds the
number (or None); ``states`` records, sparsely, every cell that was not a plain
number, and ``raw`` what was typed there.

Its JSON (``to_json``) is versioned: ``"version": REPORT_VERSION`` and
``"$schema": REPORT_SCHEMA``, the schema shipped as
nianbao/data/schema/report-1.schema.json (docs/json.md). A report saved by an
older nianbao (no version) reads as version 1; one from a newer nianbao is refused.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field, replace
from enum import Enum
from typing import Any

from .formats import DEFAULT, cell_map, held
from .schema import Format

REPORT_VERSION = 1
REPORT_SCHEMA = "urn:nianbao:schema:report:1"


class Severity(str, Enum):
    """How a finding counts. UNREAD is not about the report: what the tool could not read (未读取),
    such as digits of a published table that run together with no single consistent split (D2)."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"
    UNREAD = "unread"

    @property
    def label(self) -> str:
        return _SEVERITY_LABELS[self]

    @property
    def rank(self) -> int:
        return _SEVERITY_RANK[self]


_SEVERITIES = tuple(Severity)


_SEVERITY_LABELS = {Severity.ERROR: "错误", Severity.WARNING: "警告", Severity.INFO: "提示", Severity.UNREAD: "未读取"}
_SEVERITY_RANK = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2, Severity.UNREAD: 3}
ACKNOWLEDGED_LABEL = "已核实"


class State(str, Enum):
    """What a statutory cell held, when it was not simply a number."""

    NUMBER = "number"
    BLANK = "blank"
    NOT_APPLICABLE = "na"  # "/", "—", "不适用"
    TEXT = "text"  # text that is not a number: "无", "十二"
    FORMULA = "formula"  # a formula whose result was never saved

    @property
    def counts_as_zero(self) -> bool:
        """In an equation a blank or "/" stands for nothing reported, i.e. 0."""
        return self in (State.BLANK, State.NOT_APPLICABLE)


@dataclass(frozen=True)
class CellRef:
    id: str  # a cell id ("t3.new.total") or, for non-table findings, a field key
    address: str = ""  # where a person finds it: "表三!J5", or a printed label for imported reports


@dataclass(frozen=True)
class Finding:
    """One broken rule, at its cells, in words a clerk understands."""

    rule: str
    severity: Severity
    message: str
    cells: tuple[CellRef, ...] = ()
    expected: float | None = None
    actual: float | None = None
    acknowledged: str | None = None  # the unit's reason, when it marked the warning 已核实

    @property
    def key(self) -> str:
        """Stable identity across runs, used to carry an acknowledgement forward."""
        return self.rule + ":" + ",".join(c.id for c in self.cells)

    @property
    def address(self) -> str:
        return self.cells[0].address if self.cells else ""

    @property
    def status_label(self) -> str:
        return ACKNOWLEDGED_LABEL if self.acknowledged else self.severity.label

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["severity"] = self.severity.value
        d["cells"] = [[c.id, c.address] for c in self.cells]
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Finding:
        return cls(
            rule=d["rule"],
            severity=Severity(d["severity"]),
            message=d["message"],
            cells=tuple(CellRef(i, a) for i, a in d.get("cells", ())),
            expected=d.get("expected"),
            actual=d.get("actual"),
            acknowledged=d.get("acknowledged"),
        )


def sort_findings(findings: Iterable[Finding]) -> list[Finding]:
    """Errors first, then warnings, info; acknowledged warnings last of all; stable otherwise."""
    return sorted(findings, key=lambda f: (f.acknowledged is not None, f.severity.rank))


def findings_table(findings: Iterable[Finding]) -> list[tuple[str, str, str]]:
    """(rule, severity, first address) rows: the shape tests assert on."""
    return [(f.rule, f.severity.value, f.address) for f in findings]


def count_by_severity(findings: Iterable[Finding]) -> dict[Severity, int]:
    counts = dict.fromkeys(_SEVERITIES, 0)  # not the Enum itself: iterating it is a generator a member
    for f in findings:
        if not f.acknowledged:
            counts[f.severity] += 1
    return counts


def counts_line(findings: Iterable[Finding]) -> str:
    """ "3个错误、5个警告、0个提示" (and "、2处未读取", "、1个已核实" when there are any): said after every check."""
    findings = list(findings)
    counts = count_by_severity(findings)
    acknowledged = sum(1 for f in findings if f.acknowledged)
    text = f"{counts[Severity.ERROR]}个错误、{counts[Severity.WARNING]}个警告、{counts[Severity.INFO]}个提示"
    if counts[Severity.UNREAD]:
        text += f"、{counts[Severity.UNREAD]}处未读取"
    return text + (f"、{acknowledged}个已核实" if acknowledged else "")


class Verdict(str, Enum):
    """A unit's result: the value is for programs (JSON, the merge frame), ``label`` for people.

        >>> Verdict.of([Finding("T4-S", Severity.ERROR, "差3")]), Verdict.of([]).label
        (<Verdict.ERRORS: 'errors'>, '通过')

    The report's own errors decide first; then cells the tool could not read (INCOMPLETE: no
    error of the report's, but not everything was checked); then warnings. A file that could
    not be used at all is UNREADABLE (it has no findings to judge).
    """

    PASSED = "passed"
    WARNINGS = "warnings"
    ERRORS = "errors"
    INCOMPLETE = "incomplete"
    UNREADABLE = "unreadable"

    @property
    def label(self) -> str:
        return _VERDICT_LABELS[self]

    @classmethod
    def of(cls, findings: Iterable[Finding]) -> Verdict:
        counts = count_by_severity(findings)
        if counts[Severity.ERROR]:
            return cls.ERRORS
        if counts[Severity.UNREAD]:
            return cls.INCOMPLETE
        if counts[Severity.WARNING]:
            return cls.WARNINGS
        return cls.PASSED


_VERDICT_LABELS = {
    Verdict.PASSED: "通过",
    Verdict.WARNINGS: "有警告",
    Verdict.ERRORS: "有错误",
    Verdict.INCOMPLETE: "部分未读取",
    Verdict.UNREADABLE: "无法读取",
}


@dataclass
class UnitMeta:
    name: str = ""
    level: str = ""
    region: str = ""
    year: int | None = None
    contact: str = ""
    phone: str = ""
    government_own: bool | None = None  # 县级以上人民政府本级报告: 是 / 否 / not stated
    format: str = DEFAULT.id  # the id of the format it is in (nianbao.formats)
    source: str = ""  # the file it was read from
    summary: bool = False  # the totals of a merge (nianbao merge's 汇总), not one body's report

    @property
    def government_own_answer(self) -> str:
        """What the unit answered to 县级以上人民政府本级报告: 是, 否, or "" (not stated)."""
        return "" if self.government_own is None else ("是" if self.government_own else "否")

    @property
    def title(self) -> str:
        """巫溪县峰灵镇人民政府2023年政府信息公开工作年度报告; for a merge's totals, 重庆市云阳县2024年…报告汇总."""
        year = f"{self.year}年" if self.year else ""
        if self.summary:
            return f"{self.region}{year}政府信息公开工作年度报告汇总"
        return f"{self.name}{year}政府信息公开工作年度报告"


Number = int | float


@dataclass
class Report:
    meta: UnitMeta = field(default_factory=UnitMeta)
    values: dict[str, Number | None] = field(default_factory=dict)
    states: dict[str, State] = field(default_factory=dict)
    raw: dict[str, str] = field(default_factory=dict)
    text: dict[str, str] = field(default_factory=dict)
    addresses: dict[str, str] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)  # found while reading
    acknowledged: dict[str, str] = field(default_factory=dict)  # finding key -> reason
    # Text slots a published source never gave whole (its text is cut off there or before): what
    # they do not say is not held against the report (docs/format.md §5.5).
    unread_text: tuple[str, ...] = ()
    # Groups printed as one row where the format has parts (an old one-row （六）其他处理): their sum per
    # column, "t3.other.total" → 5; the parts stay unread, the sums within the table still run.
    sums: dict[str, Number] = field(default_factory=dict)

    @classmethod
    def empty(cls, **meta: Any) -> Report:
        """A report with every cell of its format (``format=``, else the default) blank."""
        unit = UnitMeta(**meta)
        cells = held(unit.format).cell_ids
        return cls(meta=unit, values=dict.fromkeys(cells), states=dict.fromkeys(cells, State.BLANK))

    @classmethod
    def from_numbers(cls, numbers: dict[str, Number], **meta: Any) -> Report:
        """A report whose listed cells hold numbers; the rest of its format's cells are 0."""
        unit = UnitMeta(**meta)
        values: dict[str, Number | None] = dict.fromkeys(held(unit.format).cell_ids, 0)
        values.update(numbers)
        return cls(meta=unit, values=values)

    @property
    def format(self) -> Format:
        """The format whose cells hold this report's numbers (formats.held of ``meta.format``)."""
        return held(self.meta.format)

    def state(self, cid: str) -> State:
        return self.states.get(cid, State.NUMBER)

    def number(self, cid: str) -> Number | None:
        """The number a rule sees: blank and "/" are 0; text and unsaved formulas are unknown (None)."""
        v = self.values.get(cid)
        if v is None and self.state(cid).counts_as_zero:
            return 0
        return v

    def known(self, cid: str) -> Number | None:
        """The number a plausibility or text rule may rely on: a number printed, 0 for "/" (不适用); None for a
        blank (空白不等于0), words, an unsaved formula, a cell never read (docs/format.md §4.2, §5.4)."""
        if self.state(cid) is State.NOT_APPLICABLE:
            return 0
        return self.values.get(cid)

    def known_sum(self, cids: Iterable[str]) -> Number | None:
        """The sum of cells when every one of them is known, else None: an unknown part is never taken as 0."""
        total: Number = 0
        for cid in cids:
            v = self.known(cid)
            if v is None:
                return None
            total += v
        return total

    def text_read(self, *keys: str) -> bool:
        """Whether the source gave these text slots whole, so that a rule may say what they lack."""
        return not set(keys) & set(self.unread_text)

    def address(self, cid: str) -> str:
        return self.addresses.get(cid, "")

    def ref(self, cid: str) -> CellRef:
        return CellRef(cid, self.addresses.get(cid, ""))

    def with_meta(self, **changes: Any) -> Report:
        return replace(self, meta=replace(self.meta, **changes))

    def in_format(self, format_id: str) -> Report:
        """This report with its numbers in the cells of format ``format_id`` (formats.cell_map): how last
        year's report is compared with this year's across a change of format. A cell with no counterpart,
        or one that is a sum with an unknown part, is unknown; details, text and findings are kept.

            >>> Report.from_numbers({"t3.new.total": 3}).in_format("F2021").values["t3.new.total"]
            3
        """
        target = held(format_id)
        if target is self.format:
            return self
        values: dict[str, Number | None] = {}
        states: dict[str, State] = {}
        raw: dict[str, str] = {}
        addresses = {k: a for k, a in self.addresses.items() if k not in self.values}
        for cid, parts in cell_map(self.meta.format, target.id).items():
            if len(parts) == 1:
                (part,) = parts
                values[cid] = self.values.get(part)
                if part in self.states:
                    states[cid] = self.states[part]
                if part in self.raw:
                    raw[cid] = self.raw[part]
                if part in self.addresses:
                    addresses[cid] = self.addresses[part]
            else:
                numbers = [self.number(part) for part in parts]
                values[cid] = None if None in numbers else sum(n for n in numbers if n is not None)
        for cid in target.cell_ids:
            if values.setdefault(cid, None) is None and cid not in states:
                states[cid] = State.TEXT  # unknown: no number may be assumed
        return replace(self, meta=replace(self.meta, format=target.id), values=values, states=states, raw=raw,
                       addresses=addresses, sums={})

    # --- JSON -------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        return {
            "$schema": REPORT_SCHEMA,
            "version": REPORT_VERSION,
            "meta": asdict(self.meta),
            "values": self.values,
            "states": {k: v.value for k, v in self.states.items()},
            "raw": self.raw,
            "text": {k: self.text[k] for k in self.format.text_keys if self.text.get(k)},
            "addresses": self.addresses,
            "findings": [f.to_dict() for f in self.findings],
            "acknowledged": self.acknowledged,
        } | ({"unread_text": list(self.unread_text)} if self.unread_text else {}) | ({"sums": self.sums} if self.sums else {})

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Report:
        """The Report of ``to_dict``; ValueError for a version this nianbao does not know."""
        version = d.get("version", 1)  # saved before versions were written: the same shape as version 1
        if isinstance(version, bool) or not isinstance(version, int) or not 1 <= version <= REPORT_VERSION:
            raise ValueError(f"report JSON version {version!r}; this nianbao reads versions 1 to {REPORT_VERSION}")
        return cls(
            meta=UnitMeta(**d.get("meta", {})),
            values=dict(d.get("values", {})),
            states={k: State(v) for k, v in d.get("states", {}).items()},
            raw=dict(d.get("raw", {})),
            text=dict(d.get("text", {})),
            addresses=dict(d.get("addresses", {})),
            findings=[Finding.from_dict(f) for f in d.get("findings", ())],
            acknowledged=dict(d.get("acknowledged", {})),
            unread_text=tuple(d.get("unread_text", ())),
            sums=dict(d.get("sums", {})),
        )

    def to_json(self, indent: int | None = 1) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=indent)

    @classmethod
    def from_json(cls, text: str) -> Report:
        return cls.from_dict(json.loads(text))


def format_number(v: Number | None) -> str:
    """14 → "14", 14.0 → "14", 190.457379 → "190.457379"; None → "?"."""
    if v is None:
        return "?"
    if isinstance(v, float):
        if v.is_integer():
            return str(int(v))
        return f"{v:.6f}".rstrip("0").rstrip(".")
    return str(v)

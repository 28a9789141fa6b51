"""Rows as printed → the Report's cells: numbers, blanks, "/", what was reconstructed, what is unknown.

    >>> from nianbao.importers import import_report
    >>> report = import_report("峰灵镇2023年报.txt")   # its tables go through fill_table
    >>> report.values["t3.new.total"], report.addresses["t3.new.total"]
    (0, '表三「一、本年新收政府信息公开申请数量」行「总计」列')

Every cell ends in one of three ways: read (a number, a blank, "/", text —
``cells.parse_cell`` decides), reconstructed (digits that ran together, split the
only way the table's identities allow: finding D1), or unknown (a table or row
that is not there, or digits with no single consistent split: findings C1 / D2).
Unknown cells have no number; the rules skip them, and nothing is ever read as 0
because it is missing.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import combinations

from ..cells import blank_row, parse_cell
from ..formats import F2021
from ..report import CellRef, Finding, Report, Severity, State, format_number
from ..rules import finding
from ..schema import Node, Section, TableSpec
from .split import Outcome, resolve, row_splits
from .stated import stated_values
from .tables import RowRead, TableRead


def _cids(table: TableSpec, section: Section, leaf: Node) -> list[str]:
    return [".".join(p for p in (table.key, leaf.key, col.key) if p) for col in section.column_leaves]


def _is_total(col: Node) -> bool:
    return col.key == "total" or (col.key or "").endswith(".total")


def address(table: TableSpec, cid: str, row_label: str | None = None) -> str:
    """Where a person finds the cell in the published report, by the labels printed there:
    表三「一、本年新收政府信息公开申请数量」行「自然人」列, 表四「复议后起诉」「总计」列."""
    spec = F2021.cells[cid]
    if not spec.row.label:
        return table.name + "".join(f"「{p}」" for p in spec.column_path[-2:]) + "列"
    return f"{table.name}「{row_label or spec.row.label}」行「{spec.column.label}」列"


def _row_name(table: TableSpec, row: RowRead | None, leaf: Node) -> str:
    if not leaf.label:
        return table.name
    return f"{table.name}「{row.label if row and row.label else leaf.label}」行"


def _number(raw: str) -> float | None:
    """What a raw cell counts as in an identity: its number, 0 for a blank or "/", None for words."""
    parsed = parse_cell(raw, F2021.cells["t3.new.total"])
    if parsed.number is not None:
        return parsed.number
    return 0 if parsed.state.counts_as_zero else None


def _unknown(report: Report, cids: list[str]) -> None:
    for cid in cids:
        report.values[cid] = None
        report.states[cid] = State.TEXT  # unknown: no number may be assumed


def _put(report: Report, cid: str, raw: object) -> str | None:
    """Store one read cell; returns "blank" for a blank cell so the caller can group them."""
    spec = report.format.cells[cid]
    parsed = parse_cell(raw, spec)
    report.values[cid] = parsed.number
    if parsed.state is not State.NUMBER:
        report.states[cid] = parsed.state
    if parsed.raw is not None:
        report.raw[cid] = parsed.raw
    if parsed.state is State.BLANK:
        return "blank"
    if parsed.issue:
        report.findings.append(parsed.issue.at(report.ref(cid), spec))
    return None


def _shown(raw: object) -> str:
    return unicodedata.normalize("NFKC", str(raw)).strip()


def fill_table(
    report: Report, read: TableRead | None, table: TableSpec, cut_off: bool, heading_found: bool, last: Report | None = None
) -> None:
    """Put one table's cells into ``report`` with their printed addresses and reading findings."""
    rows: list[tuple[Section, Node, RowRead | None]] = [
        (section, leaf, read.rows.get(leaf.key) if read else None) for section in table.sections for leaf in section.row_leaves
    ]
    for section, leaf, row in rows:
        for cid in _cids(table, section, leaf):
            report.addresses[cid] = address(table, cid, row.label if row else None)
    if read is None:
        _unknown(report, list(F2021.table_cells(table.key)))
        if cut_off and not heading_found:
            why = f"报告文本不完整：没有{table.name}（{table.heading}），文本在此之前已截断"
        elif cut_off:
            why = f"报告文本不完整：「{table.heading}」之后文本已截断，没有读到{table.name}；{table.name}各项未读取"
        elif heading_found:
            labels = [leaf.label for s in table.sections for leaf in s.row_leaves if leaf.label][:3]
            what = f"行标签（{'、'.join(labels)}……）" if labels else "表头（" + "、".join(c.label for c in table.sections[0].columns) + "）"
            why = (f"「{table.heading}」下没有认出{table.name}：{table.name}的{what}一个也没有找到"
                   f"（表格可能是图片，或印法无法识别）；{table.name}各项未读取")
        else:
            why = f"没有找到{table.name}（{table.heading}）；{table.name}各项未读取"
        # The table is not in what was read (cut off, an image, a layout not recognised): the tool's limit.
        # A report that really lacks a section is told by S1, the report's own error.
        report.findings.append(finding("C1", why, (CellRef(f"table:{table.key}", table.name),), severity=Severity.UNREAD))
        return

    ready: dict[str, list[object]] = {}  # row key -> raw cells, in column order
    short: dict[str, RowRead] = {}
    over: dict[str, RowRead] = {}
    missing: list[tuple[Node, RowRead | None]] = []
    for section, leaf, row in rows:
        n = len(section.column_leaves)
        if row is None or (not row.exact and not row.tokens):
            missing.append((leaf, row))
        elif row.exact or len(row.tokens) == n:
            ready[leaf.key] = list(row.tokens)
        elif len(row.tokens) > n and (table.key == "t2" or len(row.tokens) - n > MAX_EXTRA):
            _unknown(report, _cids(table, section, leaf))
            report.findings.append(finding(
                "D2",
                f"{_row_name(table, row, leaf)}印有{len(row.tokens)}个数（{' '.join(map(_shown, row.tokens))}），"
                f"多于{n}列；无法确定各列的数，未读取",
                tuple(report.ref(c) for c in _cids(table, section, leaf)),
            ))
        elif len(row.tokens) > n:
            over[leaf.key] = row
        else:
            short[leaf.key] = row

    sections = {leaf.key: section for section, leaf, _ in rows}
    leaves = {leaf.key: leaf for _, leaf, _ in rows}
    _fill_short(report, table, short, over, ready, sections, leaves, last)

    for key, raws in ready.items():
        section, leaf = sections[key], leaves[key]
        blanks = [cid for cid, raw in zip(_cids(table, section, leaf), raws) if _put(report, cid, raw) == "blank"]
        if blanks:
            which = "、".join(F2021.cells[c].column.label for c in blanks)
            report.findings.append(blank_row(_row_name(table, read.rows.get(key), leaf), [report.ref(c) for c in blanks], which))
        row = read.rows.get(key)
        if row is not None and row.typo:
            report.findings.append(_label_finding(table, "行标签", row.label, row.typo, _row_name(table, row, leaf)))
    for found, official in read.column_typos:
        report.findings.append(_label_finding(table, "列标题", found, official, f"{table.name}「{found}」列"))
    for group, label, cells in read.subtotals:
        _subtotal(report, table, group, label, cells)
    # A group printed as one row (（六）其他处理 as in 2019): its number per column is the group's sum.
    explained = {leaf.key for group, _, _ in read.single_rows for leaf in group.leaves()}
    for group, label, cells in read.single_rows:
        _single_row(report, table, group, label, cells)
    _unknown(report, [c for leaf, _ in missing if leaf.key in explained for c in _cids(table, sections[leaf.key], leaf)])
    missing = [(leaf, row) for leaf, row in missing if leaf.key not in explained]
    if missing:
        _missing_rows(report, table, missing, sections, cut_off)


def _label_finding(table: TableSpec, what: str, printed: str, official: str, where: str) -> Finding:
    """S4: a misprint is a warning; a variant real reports commonly print (规范性文件) only a hint."""
    ref = (CellRef(f"label:{official}", where),)
    if F2021.label_variant(printed) == official:
        return finding("S4", f"{table.name}的{what}「{printed}」是常见的其他写法，已按国家格式的「{official}」读取", ref, severity=Severity.INFO)
    return finding("S4", f"{table.name}的{what}「{printed}」与国家格式不一致，应为「{official}」", ref)


MAX_EXTRA = 2  # numbers a row may print beyond its columns (a footnote mark, a page number) and still be read


def _without_extra(tokens: Sequence[object], n: int) -> list[tuple[str, ...]]:
    """Every reading of a row that printed more numbers than columns, leaving out the extra ones."""
    raws = [str(t) for t in tokens]
    out: dict[tuple[str, ...], None] = {}
    for dropped in combinations(range(len(raws)), len(raws) - n):
        out[tuple(r for k, r in enumerate(raws) if k not in dropped)] = None
    return list(out)


def _fill_short(
    report: Report,
    table: TableSpec,
    short: dict[str, RowRead],
    over: dict[str, RowRead],
    ready: dict[str, list[object]],
    sections: dict[str, Section],
    leaves: dict[str, Node],
    last: Report | None,
) -> None:
    """Rows with fewer printed cells than columns (总计 left empty, or digits run together) or a few more
    (a footnote mark, a page number): each read only where the table's identities leave one reading."""
    if not short and not over:
        return

    def totals(key: str) -> list[bool]:
        return [_is_total(col) for col in sections[key].column_leaves]

    blank_totals = bool(short) and all(
        any(totals(k)) and len(r.tokens) == len(totals(k)) - sum(totals(k)) for k, r in short.items()
    )
    if blank_totals and not over:
        # A table whose every short row lacks exactly its 总计 cells printed them empty (docs/format.md §4.2).
        for key, row in short.items():
            it = iter(row.tokens)
            ready[key] = ["" if t else next(it) for t in totals(key)]
        return
    row_cells = {k: tuple(_cids(table, sections[k], leaves[k])) for k in (*short, *over)}
    candidates: dict[str, list[tuple[str, ...]]] = {k: _without_extra(r.tokens, len(row_cells[k])) for k, r in over.items()}
    for key, row in short.items():
        splits = row_splits([str(t) for t in row.tokens], len(row_cells[key]))
        if not splits:
            _unknown(report, list(row_cells[key]))
            printed = " ".join(map(_shown, row.tokens))
            why = ("可能的拆分太多" if splits is None else f"只有{len(row.tokens)}个数，少于{len(row_cells[key])}列，且无法拆分")
            report.findings.append(finding(
                "D2", f"{_row_name(table, row, leaves[key])}印为「{printed}」：{why}；未读取",
                tuple(report.ref(c) for c in row_cells[key]),
            ))
            continue
        candidates[key] = splits
    if not candidates:
        return
    fixed: dict[str, float | None] = {}
    for cid in F2021.table_cells(table.key):
        if any(cid in cells for cells in row_cells.values()):
            continue
        owner = next((k for k in ready if cid in _cids(table, sections[k], leaves[k])), None)
        if owner is None:
            fixed[cid] = None
            continue
        fixed[cid] = _number(str(ready[owner][_cids(table, sections[owner], leaves[owner]).index(cid)]))
    outcome = resolve(candidates, {k: row_cells[k] for k in candidates}, fixed, _number)
    _report_outcome(report, table, short | over, candidates, outcome, row_cells, leaves, ready, last)


def _report_outcome(
    report: Report,
    table: TableSpec,
    short: dict[str, RowRead],
    candidates: dict[str, list[tuple[str, ...]]],
    outcome: Outcome,
    row_cells: dict[str, tuple[str, ...]],
    leaves: dict[str, Node],
    ready: dict[str, list[object]],
    last: Report | None,
) -> None:
    identities = "表三各行各列的勾稽关系" if table.key == "t3" else ("表四各组的总计" if table.key == "t4" else "")
    rebuilt: list[str] = []
    rebuilt_cells: list[str] = []
    for key, splits in candidates.items():
        row, cells = short[key], row_cells[key]
        printed = " ".join(map(_shown, row.tokens))
        where = _row_name(table, row, leaves[key])
        if len(row.tokens) > len(cells):
            _report_extra(report, where, row, cells, outcome, key, identities, ready)
            continue
        if key in outcome.chosen:
            split = outcome.chosen[key]
            ready[key] = list(split)
            rebuilt.append(f"{where.removeprefix(table.name) or table.name}印为「{printed}」，读作{'、'.join(split)}")
            rebuilt_cells += cells
            continue
        decided = _decide(report, table, leaves[key], splits, last) if not identities and key in outcome.ambiguous else None
        if decided is not None and decided.split is not None:
            ready[key] = list(decided.split)
            chained = "；本行是按与上年衔接读出的，Y2 不能再核对这一行" if decided.chain else ""
            report.findings.append(finding(
                "D1",
                f"{where}的数字连在一起（印为「{printed}」），本表没有勾稽关系可用于拆分；{'；'.join(decided.facts)}，"
                f"只有一种拆分与之相符，已读作{'、'.join(decided.split)}{chained}；请与原件核对",
                tuple(report.ref(c) for c in cells),
            ))
            continue
        _unknown(report, list(cells))
        if decided is not None:
            if decided.agreeing:
                why = f"{'；'.join(decided.facts)}，仍有{decided.agreeing}种拆分与之相符，无法确定"
            else:
                why = f"{'；'.join(decided.facts)}，没有一种拆分同时相符" + (
                    "（现行有效件数可能确实没有与上年衔接，请核对，见Y2）" if decided.chain else "（文字与表格可能不一致）"
                )
        elif key in outcome.ambiguous:
            n = outcome.ambiguous[key]
            basis = f"满足{identities}的拆分有{n}种" if identities else f"有{n}种可能的拆分，本表没有可用于判断的勾稽关系"
            why = f"{basis}，无法确定" + ("（可能性太多，未能穷尽）" if outcome.gave_up else "")
        else:
            why = f"没有一种拆分能满足{identities}（原表数字可能有误）" if identities else "无法拆分"
        report.findings.append(finding(
            "D2", f"{where}的数字连在一起（印为「{printed}」）：{why}；这些单元格未读取，请对照原件填写",
            tuple(report.ref(c) for c in cells),
        ))
    if rebuilt:
        basis = f"每处都只有一种拆分满足{identities}" if identities else "每处都只有一种拆分"
        report.findings.append(finding(
            "D1",
            f"{table.name}有{len(rebuilt)}行的数字连在一起（单元格之间没有分隔），{basis}，已按此读取："
            + "；".join(rebuilt) + "。请与原件核对",
            tuple(report.ref(c) for c in rebuilt_cells),
        ))


def _report_extra(
    report: Report, where: str, row: RowRead, cells: tuple[str, ...], outcome: Outcome, key: str, identities: str,
    ready: dict[str, list[object]],
) -> None:
    """A row that printed a number or two more than its columns: D1 when leaving them out gives one reading
    the identities accept, else D2."""
    printed, n = " ".join(map(_shown, row.tokens)), len(cells)
    head = f"{where}印有{len(row.tokens)}个数（{printed}），多于{n}列"
    refs = tuple(report.ref(c) for c in cells)
    if key in outcome.chosen:
        split = outcome.chosen[key]
        extra = Counter(str(t) for t in row.tokens) - Counter(split)
        ready[key] = list(split)
        report.findings.append(finding(
            "D1",
            f"{head}；去掉「{'」「'.join(extra.elements())}」后只有一种读法满足{identities}，已读作{'、'.join(split)}"
            "（多出的数可能是注释标记或页码）；请与原件核对", refs,
        ))
        return
    _unknown(report, list(cells))
    left = f"有{outcome.ambiguous[key]}种读法都满足" if key in outcome.ambiguous else "没有一种读法满足"
    report.findings.append(finding("D2", f"{head}；去掉多出的数，{left}{identities}，无法确定各列的数，未读取", refs))


@dataclass
class Decision:
    """What the report's text and last year's report say of a run-together row of a table without identities."""

    split: tuple[str, ...] | None  # the one split every fact agrees with
    facts: list[str]  # the facts, in words
    agreeing: int  # how many splits agree with them all
    chain: bool  # last year's 现行有效件数 was one of them


def _decide(
    report: Report, table: TableSpec, leaf: Node, splits: list[tuple[str, ...]], last: Report | None
) -> Decision | None:
    """Facts that may decide the split (docs/import.md): the numbers the text states for the row, then —
    only if those leave more than one split — the 现行有效 chain with last year's report
    (现行有效 = 上年现行有效 + 本年制发 − 本年废止, and 废止 ≤ 上年现行有效 + 制发). A chain that no split satisfies
    leaves the row unread: a split is never picked that would hide a Y2 problem. None when nothing is known."""
    section = next(s for s in table.sections if leaf in s.row_leaves)
    columns = [c.label for c in section.column_leaves]
    told = stated_values("\n".join(report.text.values()), leaf.label, columns)
    facts = ["报告正文写明" + "、".join(f"{columns[k]}{v}件" for k, v in sorted(told.items()))] if told else []
    agree = [s for s in splits if all(_number(s[k]) == v for k, v in told.items())]
    before = last.known(f"{table.key}.{leaf.key}.in_force") if last is not None and table.key == "t2" else None
    if before is None or (told and len(agree) <= 1):
        return Decision(agree[0] if len(agree) == 1 else None, facts, len(agree), False) if told else None
    keys = [c.key for c in section.column_leaves]
    issued, repealed, in_force = (keys.index(k) for k in ("issued", "repealed", "in_force"))

    def chains(s: tuple[str, ...]) -> bool:
        i, r, f = (_number(s[k]) for k in (issued, repealed, in_force))
        return i is not None and r is not None and f is not None and f == before + i - r and r <= before + i

    chained = [s for s in agree if chains(s)]
    facts.append(f"与上年衔接（上年报告现行有效{format_number(before)}件，现行有效＝上年现行有效＋本年制发－本年废止）")
    return Decision(chained[0] if len(chained) == 1 else None, facts, len(chained), True)


def _single_row(report: Report, table: TableSpec, group: Node, label: str, cells: Sequence[object]) -> None:
    """（六）其他处理 printed as one row: read as the group's 合计 so the column sums still run; its parts stay
    unread. The 2019 format prints it so (its own finding says); in a 2021 report the layout is old (S4)."""
    from ..formats import F2019

    section = table.sections[0]
    shown = []
    for col, raw in zip(section.column_leaves, cells):
        value = _number(str(raw))
        if value is not None:
            report.sums[f"{table.key}.{group.key}.{col.key}"] = int(value) if float(value).is_integer() else value
        shown.append(f"{col.label}{_shown(raw) or '空白'}")
    if report.meta.format == F2019.id:
        return
    parts = [leaf.label for leaf in group.leaves()]
    numbered = re.match(r"[（(][一二三四五六七八九十]+[）)]", group.label)
    report.findings.append(finding(
        "S4",
        f"{table.name}「{label}」只印了一行（旧表样），2021年格式分为{len(parts)}项（{'；'.join(parts)}）；"
        f"已把这一行作为「{numbered.group() if numbered else group.label}合计」读取（{'、'.join(shown)}），"
        f"按合计核对各列的勾稽关系，{len(parts)}个分项未读取",
        (CellRef(f"label:{group.label}", f"{table.name}「{label}」行"),),
    ))


def _subtotal(report: Report, table: TableSpec, group: Node, label: str, cells: Sequence[object]) -> None:
    parts = [f"{table.key}.{leaf.key}.total" for leaf in group.leaves()]
    value = _number(str(cells[-1]))
    known = [report.values.get(p) for p in parts]
    total = sum(v for v in known if v is not None)
    same = value is not None and None not in known and value == total
    tail = "，与各项之和一致" if same else f"，各项之和为{format_number(total)}"
    report.findings.append(finding(
        "T3-SUB",
        f"{table.name}有国家格式中没有的小计行「{label}」（总计列为{_shown(cells[-1])}）{tail}；应删除小计行，按国家格式填报",
        (CellRef(f"subtotal:{group.key}", f"{table.name}「{label}」行"),),
    ))


def _missing_rows(
    report: Report, table: TableSpec, missing: list[tuple[Node, RowRead | None]], sections: dict[str, Section], cut_off: bool
) -> None:
    cells: list[str] = []
    for leaf, _ in missing:
        cells += _cids(table, sections[leaf.key], leaf)
    _unknown(report, cells)
    labels = [leaf.label or table.name for leaf, _ in missing]
    shown = "、".join(f"「{l}」" for l in labels[:3]) + (f"等{len(labels)}行" if len(labels) > 3 else "")
    all_rows = sum(1 for s in table.sections for _ in s.row_leaves)
    if len(missing) == all_rows:
        message = f"没有读到{table.name}的任何一行；{table.name}各项未读取"
    elif cut_off:
        message = f"报告文本不完整：{table.name}在中途截断，缺少{shown}；这些单元格未读取"
    else:
        message = f"{table.name}缺少{shown}（没有找到这些行的标签）；这些单元格未读取"
    where = tuple(report.ref(c) for c in cells[:1]) or (CellRef(f"table:{table.key}", table.name),)
    report.findings.append(finding("C1", message, where, severity=Severity.UNREAD))

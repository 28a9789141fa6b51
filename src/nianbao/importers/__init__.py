"""Published reports (web page, copied text, Word, PDF) → Report, checked like a workbook.

    >>> report = import_report("峰灵镇2023年报.txt")
    >>> report.meta.name, report.meta.year, report.values["t3.new.total"]
    ('巫溪县峰灵镇人民政府', 2023, 0)

``sources.read_report`` calls this for .txt/.html/.htm/.docx/.pdf, so ``nianbao
check``, ``--last-year`` and merge accept published reports. Each number keeps
where it was printed (``report.addresses``: 表三「…」行「自然人」列); every
difficulty of the publication (a cut-off text, digits run together, a heading
missing, the 2019 format) becomes a Finding. Nothing missing is read as 0.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import NotAReport, UnsupportedSource, source
from ..formats import F2019, F2021
from ..locate import F2019_SINGLE_OTHER, LabelIndex, f2019_reasons, old_format_finding
from ..report import CellRef, Finding, Report, Severity, UnitMeta
from ..rules import finding
from ..schema import LEVELS
from .compact import Compact
from .document import Document
from .fill import fill_table
from .load import LOADERS, load_document
from .sections import (
    find_headings,
    is_wrapped,
    level_from_name,
    level_from_text,
    section_spans,
    section_texts,
    title_meta,
)
from .tables import TableRead, f2019_text_reasons, read_grid, read_text, table_region, tables_area

SUFFIXES = tuple(LOADERS)

__all__ = ["SUFFIXES", "UNREAD_MARK", "for_template", "import_report", "missing_tables", "read_document"]

UNREAD_MARK = "未读取"  # written into the template where the publication gave no number


def import_report(
    path: str | Path, *, name: str | None = None, year: int | None = None, level: str | None = None,
    last: Report | None = None,
) -> Report:
    """Read a published report file; ``name``/``year``/``level`` override what its title says. ``last``,
    last year's report, may decide how digits that ran together split (docs/import.md)."""
    path = Path(path)
    with source(path):
        if path.suffix.lower() not in LOADERS:
            raise UnsupportedSource(f"不是可导入的已发布年报文件（可导入：{'、'.join(LOADERS)}）")
        doc = load_document(path)
        return read_document(doc, str(path), name=name, year=year, level=level, last=last)


def read_document(
    doc: Document, source_name: str = "", *, name: str | None = None, year: int | None = None, level: str | None = None,
    last: Report | None = None,
) -> Report:
    text = doc.text
    c = Compact(text)
    headings = find_headings(c, text)
    spans = section_spans(headings, len(text))
    title_name, title_year, title = title_meta(text, headings)
    meta = UnitMeta(
        name=name or title_name,
        year=year or title_year,
        level=level or level_from_name(name or title_name),
        source=source_name,
    )
    report = Report(meta=meta)
    report.text = _texts(doc, text, spans)
    inferred = ""
    if not meta.level:
        meta.level, inferred = level_from_text("\n".join(report.text.values()))

    reads: dict[str, TableRead | None] = {}
    after = 0
    for table in F2021.tables.values():
        read = read_grid(doc, table)
        if read is None:
            lo, hi = table_region(table, spans, after, len(text))
            read = read_text(doc, c, table, lo, hi)
            after = lo
        reads[table.key] = read
    if not title and not any(headings) and not any(reads.values()):
        raise NotAReport("没有找到年度报告的标题、“一、总体情况”等六部分标题或任何法定表格；请确认这是政府信息公开工作年度报告")

    reasons: list[str] = []
    for block in doc.tables:
        reasons += [r for r in f2019_reasons(LabelIndex(block.grid)) if r not in reasons]
    reasons += [r for r in f2019_text_reasons(c, *tables_area(spans, len(text)), reads) if r not in reasons]
    if reasons == [F2019_SINGLE_OTHER]:
        reasons = []  # a 2021 report that keeps the old one-row （六）: read as its 合计 (fill), never as 2019
    if reasons:
        meta.format = F2019.id
        reads["t2"] = None  # its columns mean other things in 2019; 表三、表四's common rows still map
        report.findings.append(old_format_finding(
            reasons, meta.year, "该报告",
            "已读取与2021年格式相同的表三、表四各行；表二和表三「（六）其他处理」各分项无法对应，未读取",
        ))

    last_heading = max((k for k, h in enumerate(headings) if h), default=-1)
    cut = last_heading < len(F2021.section_headings) - 1 and not _goes_on(text, spans, last_heading, reads)
    for table in F2021.tables.values():
        k = F2021.section_headings.index(table.heading)
        if reasons and table.key == "t2":
            _old_format_t2(report)
            continue
        fill_table(
            report, reads[table.key], table, cut_off=cut and k >= last_heading, heading_found=headings[k] is not None, last=last
        )

    # What the tool could not read whole: a section whose heading it did not find, and, in a text cut
    # off, the section it stops in and all after.
    report.unread_text = tuple(
        s.key for s in F2021.text_slots if headings[s.section] is None or (cut and s.section >= last_heading)
    )
    report.findings += _heading_findings(headings, last_heading, cut)
    report.findings += _meta_findings(meta, title, name, year, level, inferred)
    return report


def _texts(doc: Document, text: str, spans) -> dict[str, str]:
    if doc.narrative:
        narrative_spans = section_spans(find_headings(Compact(doc.narrative), doc.narrative), len(doc.narrative))
        if sum(1 for s in narrative_spans if s) >= sum(1 for s in spans if s):
            # The PDF's visual text comes already joined into paragraphs, by the page layout.
            return section_texts(doc.narrative, narrative_spans, wrapped=False)
    sections = "\n".join(text[s[0] : s[1]] for s in (spans[0], spans[4], spans[5]) if s)
    return section_texts(text, spans, doc.wrapped or is_wrapped(sections))


def _old_format_t2(report: Report) -> None:
    from ..report import State
    from .fill import address

    for cid in F2021.table_cells("t2"):
        report.values[cid] = None
        report.states[cid] = State.TEXT
        report.addresses[cid] = address(F2021.tables["t2"], cid)


def _goes_on(text: str, spans, last_heading: int, reads: dict[str, TableRead | None]) -> bool:
    """Whether the text goes on, past the last heading found, beyond what a cut-off copy would hold: the
    last section is a table's, the table was read whole, and sentences follow it (the later headings are
    printed in words that could not be matched)."""
    if last_heading < 0 or spans[last_heading] is None:
        return False
    table = next((t for t in F2021.tables.values() if F2021.section_headings.index(t.heading) == last_heading), None)
    read = reads.get(table.key) if table else None
    if table is None or read is None or len(read.rows) < sum(len(s.row_leaves) for s in table.sections):
        return False
    lo, hi = spans[last_heading]
    return text.count("。", lo, hi) >= 2


def _heading_findings(headings, last_heading: int, cut: bool) -> list[Finding]:
    out = []
    for k, (official, h) in enumerate(zip(F2021.section_headings, headings)):
        ref = (CellRef(f"heading:{k + 1}", h.printed if h else official),)
        if h is None and k <= last_heading:
            out.append(finding("S1", f"缺少标题「{official}」", ref))
        elif h is not None and not h.official:
            out.append(finding("S1", f"标题「{h.printed}」与2021年格式的「{official}」不同（已按此标题读取）", ref, severity=Severity.INFO))
    lost = F2021.section_headings[last_heading + 1 :]
    if lost:
        shown = f"「{lost[0]}」" + (f"至「{lost[-1]}」" if len(lost) > 1 else "")
        why = (
            f"报告文本不完整：缺少标题{shown}（文本在此之前已截断）" if cut else
            f"没有找到标题{shown}：「{F2021.section_headings[last_heading]}」的表格之后还有文字，但标题的写法无法对应，"
            "这几部分的文字未读取"
        )
        out.append(finding("S1", why, tuple(CellRef(f"heading:{F2021.section_headings.index(h) + 1}", h) for h in lost)))
    return out


def _meta_findings(meta: UnitMeta, title: str, name, year, level, inferred: str) -> list[Finding]:
    out = []
    missing = [what for what, value in (("机关名称", meta.name), ("报告年度", meta.year)) if not value]
    if missing:
        said = f"标题「{title}」" if title else "没有找到形如「××人民政府2023年政府信息公开工作年度报告」的标题"
        out.append(finding(
            "S2",
            f"{said}，无法确定{'和'.join(missing)}；导入时可用 --name / --year 指定",
            (CellRef("meta.title", title),),
        ))
    if inferred:
        out.append(finding(
            "M1",
            f"机关名称看不出机关层级，按正文中的{inferred}推断为“{meta.level}”，规章、收费金额、考核评议等按此层级校验；"
            "如不对，导入时用 --level 指定",
            (CellRef("meta.level", meta.level),),
            severity=Severity.INFO,
        ))
    elif not meta.level:
        out.append(finding(
            "M1",
            f"无法从机关名称判断机关层级；如需按层级校验（规章、收费金额），导入时用 --level 指定（{'、'.join(LEVELS)}）",
            (CellRef("meta.level", ""),),
            severity=Severity.INFO,
        ))
    return out


def missing_tables(report: Report) -> list[str]:
    """Names of the statutory tables the report lacks wholly or partly (findings C1), e.g. ['表三', '表四']."""
    names = []
    for table in F2021.tables.values():
        cids = set(F2021.table_cells(table.key))
        for f in report.findings:
            if f.rule == "C1" and any(c.id == f"table:{table.key}" or c.id in cids for c in f.cells):
                names.append(table.name)
                break
    return names


def for_template(report: Report) -> Report:
    """A copy whose unknown cells say 未读取 when written into the template: a blank there would be
    read back as 0, and an imported report must never gain zeros it did not print."""
    from dataclasses import replace

    from ..report import State

    raw = dict(report.raw)
    for cid, value in report.values.items():
        if value is None and report.state(cid) is State.TEXT and cid not in raw:
            raw[cid] = UNREAD_MARK
    return replace(report, raw=raw)

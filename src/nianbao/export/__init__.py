"""nianbao export FILE --docx OUT.docx --html OUT.html [--pdf OUT.pdf]: the publishable report.

    >>> export("单位.xlsx", docx="年报.docx", html="年报.html").written
    [PosixPath('年报.docx'), PosixPath('年报.html')]

Each kind of published file is a ``Writer`` in ``WRITERS``, keyed by its suffix:
the keyword of ``export``, the command's option (``--docx``), its help, and
which files the Excel 导出 button writes beside the workbook all come from
there (docs/architecture.md, "add an output").

The text and numbers come from the same Report the checker saw
(sources.read_report + check.check). Refused unless ``allow_errors``: a report
with errors, a report whose required sections have no text yet (S12), a table
cell that holds no number (text such as "十二", a formula without its result):
what would be published would be wrong or empty.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import NianbaoError
from ..outputs import DOCX, HTML, PDF, Kind
from ..report import Finding, Report, Severity

# Warnings that stop publication as errors do: the published report would have empty sections or
# a table cell showing words (report.number is None: text such as "十二", a formula without its result).
UNPUBLISHABLE_RULES = frozenset({"S12"})


def unpublishable(report: Report, findings: list[Finding]) -> list[Finding]:
    """What stops ``report`` being published: its errors, its empty required sections, every table
    cell that holds no number (the reading finding at that cell, N4 for "十二")."""
    unknown = {report.address(cid) for cid in report.format.cell_ids if report.number(cid) is None}
    return [f for f in findings if not f.acknowledged and (
        f.severity is Severity.ERROR or f.rule in UNPUBLISHABLE_RULES or (f.address in unknown and f.address))]


def problems(unpublishable: list[Finding]) -> str:
    """"3个错误", "3个错误、1个发布前须解决的问题": what ``unpublishable`` returned, counted in words."""
    errors = sum(1 for f in unpublishable if f.severity is Severity.ERROR)
    others = len(unpublishable) - errors
    return "、".join(filter(None, (f"{errors}个错误" if errors else "", f"{others}个发布前须解决的问题" if others else "")))


class ExportRefused(NianbaoError):
    """The report has errors (or empty sections, or cells that are not numbers); publishing it would
    publish wrong numbers or an incomplete report.

    ``shown`` limits the problems listed (an Excel alert has room for a few);
    ``remedy`` is how to export a draft anyway where the caller offers one.
    """

    def __init__(self, path: str | Path, errors: list[Finding], shown: int | None = None,
                 remedy: str = "确需导出草稿请加 --allow-errors"):
        listed = errors if shown is None else errors[:shown]
        lines = [f"  {f.address or '—'} {f.rule} {f.message}" for f in listed]
        if len(errors) > len(listed):
            kind = "错误" if all(f.severity is Severity.ERROR for f in errors) else "问题"
            lines.append(f"  ……另有{len(errors) - len(listed)}个{kind}")
        super().__init__(f"报告有{problems(errors)}，未导出（改正后再导出；{remedy}）：\n" + "\n".join(lines), path)
        self.errors = errors


@dataclass
class ExportResult:
    report: Report
    findings: list[Finding]
    written: list[Path] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # said to the user, not a finding: e.g. fonts the PDF lacked

    @property
    def errors(self) -> list[Finding]:
        """What would have stopped the export without ``allow_errors``."""
        return unpublishable(self.report, self.findings)


# --- the writers -------------------------------------------------------------------


@dataclass(frozen=True)
class Writer:
    """One kind of published file. ``write(report, path, made_from)`` writes it and returns what to tell the
    user (font warnings); ``made_from`` is the file of the writer named in ``from_writer`` when that one was
    also asked for (a PDF is converted from the Word document), else None."""

    kind: Kind  # the file's kind: its suffixes, what it is called in messages
    help: str  # the command's option help
    write: Callable[[Report, Path, Path | None], list[str]]
    beside: bool = False  # the Excel 导出 button (and the demo) write it beside the workbook
    from_writer: str = ""  # the suffix of the writer whose file this one is made from

    @property
    def suffix(self) -> str:
        return self.kind.suffixes[0]

    @property
    def name(self) -> str:
        """The keyword of ``export`` and the command's option: "docx" (``--docx``)."""
        return self.suffix.lstrip(".")


def _write_docx(report: Report, path: Path, made_from: Path | None) -> list[str]:
    from .docx import write_docx

    write_docx(report, path)
    return []


def _write_html(report: Report, path: Path, made_from: Path | None) -> list[str]:
    from .html import write_html

    write_html(report, path)
    return []


def _write_pdf(report: Report, path: Path, made_from: Path | None) -> list[str]:
    from .docx import write_docx
    from .pdf import docx_to_pdf, font_warnings

    if made_from is not None:
        docx_to_pdf(made_from, path)
    else:
        with tempfile.TemporaryDirectory(prefix="nianbao-pdf-") as tmp:
            docx_to_pdf(write_docx(report, Path(tmp) / (path.stem + ".docx")), path)
    return font_warnings(path)


# In the order the command lists its options.
WRITERS: dict[str, Writer] = {w.suffix: w for w in (
    Writer(DOCX, "导出Word文档（公文格式，可编辑）。给出文件夹时写在其中，与原文件同名。", _write_docx, beside=True),
    Writer(HTML, "导出网页（单个文件，可直接发布到网站）。", _write_html, beside=True),
    Writer(PDF, "导出PDF（由Word文档经LibreOffice转换）。", _write_pdf, from_writer=".docx"),
)}


def beside(path: str | Path) -> dict[str, Path]:
    """The outputs the Excel 导出 button writes for the workbook at ``path``: {"docx": 单位.docx, "html": 单位.html}."""
    return {w.name: Path(path).with_suffix(w.suffix) for w in WRITERS.values() if w.beside}


def _in_order() -> list[Writer]:
    """The writers in the order they run: each one, then those made from its file."""
    order: list[Writer] = []
    for w in WRITERS.values():
        if not w.from_writer:
            order += [w, *(d for d in WRITERS.values() if d.from_writer == w.suffix)]
    return order


def export(path: str | Path, **options) -> ExportResult:
    """Read ``path`` as ``nianbao check`` does, then ``export_report`` it (same keyword options)."""
    from ..sources import read_report

    return export_report(read_report(path), path, **options)


def export_report(
    report: Report,
    path: str | Path,
    outputs: Mapping[str, str | Path | None] | None = None,
    *,
    allow_errors: bool = False,
    last: Report | None = None,
    **named: str | Path | None,
) -> ExportResult:
    """Check ``report`` (read from ``path``, a file or the workbook open in Excel), then write each requested
    output, given by writer name in ``outputs`` or as keywords: ``docx=``, ``html=``, ``pdf=`` (``WRITERS``).

    An output may be a folder (the file is named after ``path``); none may be ``path`` or last year's report.
    """
    from ..check import check
    from ..outputs import Source, target

    outputs = {**(outputs or {}), **named}
    by_name = {w.name: w for w in WRITERS.values()}
    unknown = sorted(set(outputs) - set(by_name))
    if unknown:
        raise TypeError(f"export_report: no writer named {', '.join(unknown)} (WRITERS: {', '.join(by_name)})")
    inputs = [Source(path, "原文件"), *([Source(last.meta.source, "上年度报告")] if last is not None and last.meta.source else [])]
    stem = Path(path).stem
    targets = {name: target(out, by_name[name].kind, inputs, name=stem + by_name[name].suffix)
               for name, out in outputs.items() if out is not None}
    findings = check(report, last)
    result = ExportResult(report, findings)
    if result.errors and not allow_errors:
        raise ExportRefused(path, result.errors)
    written: dict[str, Path] = {}
    for writer in _in_order():
        out = targets.get(writer.name)
        if out is None:
            continue
        result.warnings += writer.write(report, out, written.get(writer.from_writer))
        written[writer.suffix] = out
        result.written.append(out)
    return result

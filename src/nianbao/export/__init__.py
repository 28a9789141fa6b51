"""nianbao export FILE --docx OUT.docx --html OUT.html [--pdf OUT.pdf]: the publishable report.

    >>> export("单位.xlsx", docx="年报.docx", html="年报.html").written
    [PosixPath('年报.docx'), PosixPath('年报.html')]

The text and numbers come from the same Report the checker saw
(sources.read_report + check.check). Refused unless ``allow_errors``: a report
with errors, a report whose required sections have no text yet (S12), a table
cell that holds no number (text such as "十二", a formula without its result):
what would be published would be wrong or empty.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import NianbaoError
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


def export(path: str | Path, **options) -> ExportResult:
    """Read ``path`` as ``nianbao check`` does, then ``export_report`` it (same keyword options)."""
    from ..sources import read_report

    return export_report(read_report(path), path, **options)


def export_report(
    report: Report,
    path: str | Path,
    *,
    docx: str | Path | None = None,
    html: str | Path | None = None,
    pdf: str | Path | None = None,
    allow_errors: bool = False,
    last: Report | None = None,
) -> ExportResult:
    """Check ``report`` (read from ``path``, a file or the workbook open in Excel), then write each requested output.

    An output may be a folder (the file is named after ``path``); none may be ``path`` or last year's report.
    """
    from ..check import check
    from ..outputs import DOCX, HTML, PDF, Source, target

    inputs = [Source(path, "原文件"), *([Source(last.meta.source, "上年度报告")] if last is not None and last.meta.source else [])]
    stem = Path(path).stem
    docx, html, pdf = (None if out is None else target(out, kind, inputs, name=stem + kind.suffixes[0])
                       for out, kind in ((docx, DOCX), (html, HTML), (pdf, PDF)))
    findings = check(report, last)
    result = ExportResult(report, findings)
    if result.errors and not allow_errors:
        raise ExportRefused(path, result.errors)
    if docx is not None or pdf is not None:
        from .docx import write_docx

        if docx is not None:
            result.written.append(write_docx(report, docx))
        if pdf is not None:
            from .pdf import docx_to_pdf, font_warnings

            if docx is not None:
                result.written.append(docx_to_pdf(docx, pdf))
            else:
                with tempfile.TemporaryDirectory(prefix="nianbao-pdf-") as tmp:
                    draft = write_docx(report, Path(tmp) / (Path(pdf).stem + ".docx"))
                    result.written.append(docx_to_pdf(draft, pdf))
            result.warnings += font_warnings(pdf)
    if html is not None:
        from .html import write_html

        result.written.append(write_html(report, html))
    return result

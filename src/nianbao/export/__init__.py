"""nianbao export FILE --docx OUT.docx --html OUT.html [--pdf OUT.pdf]: the publishable report.

    >>> export("单位.xlsx", docx="年报.docx", html="年报.html")   # doctest: +SKIP

The text and numbers come from the same Report the checker saw
(sources.read_report + check.check); a report with errors is refused unless
``allow_errors``.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import NianbaoError
from ..report import Finding, Report, Severity


class ExportRefused(NianbaoError):
    """The report has errors; publishing it would publish wrong numbers.

    ``shown`` limits the errors listed (an Excel alert has room for a few);
    ``remedy`` is how to export a draft anyway where the caller offers one.
    """

    def __init__(self, path: str | Path, errors: list[Finding], shown: int | None = None,
                 remedy: str = "确需导出草稿请加 --allow-errors"):
        listed = errors if shown is None else errors[:shown]
        lines = [f"  {f.address or '—'} {f.rule} {f.message}" for f in listed]
        if len(errors) > len(listed):
            lines.append(f"  ……另有{len(errors) - len(listed)}个错误")
        super().__init__(f"报告有{len(errors)}个错误，未导出（改正后再导出；{remedy}）：\n" + "\n".join(lines), path)
        self.errors = errors


@dataclass
class ExportResult:
    report: Report
    findings: list[Finding]
    written: list[Path] = field(default_factory=list)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity is Severity.ERROR]


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
    """Check ``report`` (read from ``path``, a file or the workbook open in Excel), then write each requested output."""
    from ..check import check

    findings = check(report, last)
    result = ExportResult(report, findings)
    if result.errors and not allow_errors:
        raise ExportRefused(path, result.errors)
    if docx is not None or pdf is not None:
        from .docx import write_docx

        if docx is not None:
            result.written.append(write_docx(report, docx))
        if pdf is not None:
            from .pdf import docx_to_pdf

            if docx is not None:
                result.written.append(docx_to_pdf(docx, pdf))
            else:
                with tempfile.TemporaryDirectory(prefix="nianbao-pdf-") as tmp:
                    draft = write_docx(report, Path(tmp) / (Path(pdf).stem + ".docx"))
                    result.written.append(docx_to_pdf(draft, pdf))
    if html is not None:
        from .html import write_html

        result.written.append(write_html(report, html))
    return result

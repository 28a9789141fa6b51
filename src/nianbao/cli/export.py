"""nianbao export FILE --docx OUT.docx --html OUT.html [--pdf OUT.pdf] : export.export."""

from __future__ import annotations

from pathlib import Path

import click

from ..errors import NianbaoError
from . import EXIT_FINDINGS, EXIT_UNUSABLE, console, fail, main, read_last_year, shown


@main.command("export")
@click.argument("file", type=click.Path(path_type=Path), metavar="文件")
@click.option("--docx", "docx_out", type=click.Path(path_type=Path), help="导出Word文档（公文格式，可编辑）。给出文件夹时写在其中，与原文件同名。")
@click.option("--html", "html_out", type=click.Path(path_type=Path), help="导出网页（单个文件，可直接发布到网站）。")
@click.option("--pdf", "pdf_out", type=click.Path(path_type=Path), help="导出PDF（由Word文档经LibreOffice转换）。")
@click.option("--allow-errors", is_flag=True, help="报告有错误或文字未写完时仍导出（仅供草稿审阅，不要发布）。")
@click.option("--last-year", "last_year", type=click.Path(path_type=Path), help="上年度报告，用于跨年度校验。")
def export_command(file: Path, docx_out: Path | None, html_out: Path | None, pdf_out: Path | None,
                   allow_errors: bool, last_year: Path | None) -> None:
    """导出可发布的年度报告：标题、六个部分、三张法定表格。报告有错误、文字未写或表格中有不是数字的内容时不导出。"""
    from ..export import ExportRefused, export, problems
    from ..render import counts_line

    if not (docx_out or html_out or pdf_out):
        fail("请至少指定一种输出：--docx 年报.docx、--html 年报.html 或 --pdf 年报.pdf", EXIT_UNUSABLE)
    last = read_last_year(last_year)
    try:
        result = export(file, docx=docx_out, html=html_out, pdf=pdf_out, allow_errors=allow_errors, last=last)
    except ExportRefused as e:
        fail(str(e), EXIT_FINDINGS)
    except NianbaoError as e:  # the input unreadable, an output that cannot be written, LibreOffice missing
        fail(str(e), EXIT_UNUSABLE)
    out, err = console(), console(stderr=True)
    for warning in result.warnings:
        err.print(f"[yellow]注意：[/yellow]{shown(warning)}")
    out.print(f"{shown(result.report.meta.title)}（校验：{counts_line(result.findings)}）")
    if result.errors:
        out.print(f"[bold red]注意：报告有{problems(result.errors)}，已按 --allow-errors 导出，仅供审阅，不要发布[/bold red]")
    for path in result.written:
        out.print(f"  已导出：{shown(path)}")

"""nianbao export FILE --docx OUT.docx --html OUT.html [--pdf OUT.pdf] : export.export."""

from __future__ import annotations

from pathlib import Path

import click
from rich.markup import escape

from ..errors import NianbaoError, SourceError
from . import EXIT_FINDINGS, EXIT_UNUSABLE, console, fail, main, read_last_year


@main.command("export")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--docx", "docx_out", type=click.Path(path_type=Path), help="导出Word文档（公文格式，可编辑）。")
@click.option("--html", "html_out", type=click.Path(path_type=Path), help="导出网页（单个文件，可直接发布到网站）。")
@click.option("--pdf", "pdf_out", type=click.Path(path_type=Path), help="导出PDF（由Word文档经LibreOffice转换）。")
@click.option("--allow-errors", is_flag=True, help="报告有错误时仍导出（仅供草稿审阅，不要发布）。")
@click.option("--last-year", "last_year", type=click.Path(path_type=Path), help="上年度报告，用于跨年度校验。")
def export_command(file: Path, docx_out: Path | None, html_out: Path | None, pdf_out: Path | None,
                   allow_errors: bool, last_year: Path | None) -> None:
    """导出可发布的年度报告：标题、六个部分、三张法定表格。报告有错误时不导出。"""
    from ..export import ExportRefused, export
    from ..render import counts_line

    if not (docx_out or html_out or pdf_out):
        fail("请至少指定一种输出：--docx 年报.docx、--html 年报.html 或 --pdf 年报.pdf", EXIT_UNUSABLE)
    last = read_last_year(last_year)
    try:
        result = export(file, docx=docx_out, html=html_out, pdf=pdf_out, allow_errors=allow_errors, last=last)
    except SourceError as e:
        fail(str(e), EXIT_UNUSABLE)
    except ExportRefused as e:
        fail(str(e), EXIT_FINDINGS)
    except NianbaoError as e:
        fail(str(e), EXIT_FINDINGS)
    out = console()
    out.print(f"{escape(result.report.meta.title)}（校验：{counts_line(result.findings)}）")
    if result.errors:
        out.print(f"[bold red]注意：报告有{len(result.errors)}个错误，已按 --allow-errors 导出，仅供审阅，不要发布[/bold red]")
    if not any(result.report.text.values()):
        out.print("[yellow]提示：报告没有文字部分（「文字」工作表为空），导出的只有标题和表格；可先运行 nianbao text 生成文字[/yellow]")
    for path in result.written:
        out.print(f"  已导出：{escape(str(path))}")

"""nianbao export FILE --docx OUT.docx --html OUT.html [--pdf OUT.pdf] : export.export."""

from __future__ import annotations

from pathlib import Path

import click

from ..errors import NianbaoError
from ..export import WRITERS
from . import EXIT_FINDINGS, EXIT_UNUSABLE, console, fail, main, read_last_year, shown


def _output_options(command):
    """One option a writer (export.WRITERS: --docx, --html, --pdf), in the registry's order."""
    for writer in reversed(WRITERS.values()):
        command = click.option(f"--{writer.name}", writer.name, type=click.Path(path_type=Path), help=writer.help)(command)
    return command


def _choices() -> str:
    """"--docx 年报.docx、--html 年报.html 或 --pdf 年报.pdf"."""
    each = [f"--{w.name} 年报{w.suffix}" for w in WRITERS.values()]
    return "、".join(each[:-1]) + " 或 " + each[-1] if len(each) > 1 else each[0]


@main.command("export")
@click.argument("file", type=click.Path(path_type=Path), metavar="文件")
@_output_options
@click.option("--allow-errors", is_flag=True, help="报告有错误或文字未写完时仍导出（仅供草稿审阅，不要发布）。")
@click.option("--last-year", "last_year", type=click.Path(path_type=Path), help="上年度报告，用于跨年度校验。")
def export_command(file: Path, allow_errors: bool, last_year: Path | None, **outputs: Path | None) -> None:
    """导出可发布的年度报告：标题、六个部分、三张法定表格。报告有错误、文字未写或表格中有不是数字的内容时不导出。"""
    from ..export import ExportRefused, export, problems
    from ..render import counts_line

    if not any(outputs.values()):
        fail(f"请至少指定一种输出：{_choices()}", EXIT_UNUSABLE)
    last = read_last_year(last_year)
    try:
        result = export(file, allow_errors=allow_errors, last=last, **outputs)
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

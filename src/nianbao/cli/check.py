"""nianbao check FILE... : check_command → sources.read_report_isolated + check.check + render."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from rich.markup import escape

from ..errors import NianbaoError, SourceError, shown_name
from . import EXIT_FINDINGS, EXIT_OK, EXIT_UNUSABLE, annotated_name, console, fail, main, read_last_year


@main.command("check")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--last-year", "last_year", type=click.Path(path_type=Path), help="上年度报告，用于跨年度校验（Y1–Y3、Y5、Y6）。")
@click.option("--json", "as_json", is_flag=True, help="以JSON输出（供程序使用）。")
@click.option(
    "--annotate", "annotate_to", type=click.Path(path_type=Path),
    help="另存一份标注副本：错误单元格标红并加批注，新增「校验结果」工作表。多个文件时为输出文件夹。",
)
def check_command(files: tuple[Path, ...], last_year: Path | None, as_json: bool, annotate_to: Path | None) -> None:
    """校验年报：找出每个不符合规则的单元格，并说明原因。原文件不会被修改。"""
    from ..check import check, has_errors
    from ..render import file_result, print_report, to_json
    from ..sources import read_report_isolated

    last = read_last_year(last_year)
    out, results, code = console(), [], EXIT_OK
    for path in files:
        try:
            report = read_report_isolated(path, last=last)  # a native crash in a reader is this file's message, not ours
        except SourceError as e:
            code = EXIT_UNUSABLE
            results.append({"file": shown_name(path), "status": "无法读取", "error": e.message})
            if not as_json:
                console(stderr=True).print(f"[bold red]无法读取[/bold red] {escape(shown_name(path))}：{escape(e.message)}")
            continue
        findings = check(report, last)
        if has_errors(findings) and code == EXIT_OK:
            code = EXIT_FINDINGS
        results.append(file_result(shown_name(path), report, findings))
        if not as_json:
            print_report(out, shown_name(path), report, findings)
        if annotate_to is not None:
            target = annotate_to / annotated_name(path) if len(files) > 1 else annotate_to
            _annotate(path, findings, target, report.acknowledged, quiet=as_json)
    if as_json:
        click.echo(to_json(results))
    sys.exit(code)


def _annotate(path: Path, findings, target: Path, acknowledged: dict[str, str], quiet: bool) -> None:
    from ..workbook.annotate import annotate

    if path.suffix.lower() in (".xls", ".et", ".ods"):
        # Read and checked like an .xlsx, but marked up only in an .xlsx: say so and go on with the others.
        console(stderr=True).print(
            f"  [yellow]未生成标注副本[/yellow]：{escape(str(path))} 是{path.suffix.lower()}文件，标注副本只能在.xlsx上生成；"
            "请在Excel或WPS中另存为“Excel工作簿（*.xlsx）”后再用 --annotate"
        )
        return
    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        fail(f"{path}：只有Excel工作簿可以生成标注副本", EXIT_FINDINGS)
    try:
        annotate(path, findings, target, acknowledged)
    except NianbaoError as e:
        fail(str(e), EXIT_FINDINGS)
    if not quiet:
        console().print(f"  标注副本：{escape(str(target))}\n")

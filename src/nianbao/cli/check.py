"""nianbao check FILE... : check_command → sources.read_report_isolated + check.check + render."""

from __future__ import annotations

import contextlib
import sys
from collections import Counter
from pathlib import Path

import click

from ..errors import NianbaoError, SourceError, shown_name
from ..report import Verdict
from . import EXIT_HELP, EXIT_OK, EXIT_UNUSABLE, console, exit_code, fail, main, read_last_year, shown

SKIPPED = "已跳过"
SUMMARY_ORDER = (*(v.label for v in Verdict), SKIPPED)  # the one line after several files


@main.command("check", epilog=EXIT_HELP)
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path), metavar="文件...")
@click.option("--last-year", "last_year", type=click.Path(path_type=Path), help="上年度报告，用于跨年度校验（Y1–Y3、Y5–Y7）。")
@click.option("--json", "as_json", is_flag=True, help="以JSON输出（供程序使用）。")
@click.option(
    "--annotate", "annotate_to", type=click.Path(path_type=Path),
    help="另存一份标注副本：错误单元格标红并加批注，新增「校验结果」工作表。多个文件或给出文件夹时，"
         "在该文件夹中写“<原文件名>-校验结果.xlsx”。",
)
def check_command(files: tuple[Path, ...], last_year: Path | None, as_json: bool, annotate_to: Path | None) -> None:
    """校验年报：找出每个不符合规则的单元格，并说明原因。原文件不会被修改。"""
    from ..check import check
    from ..json_output import document, dumps, file_result, skipped_file, unreadable_file, unreadable_part
    from ..render import print_report
    from ..sources import LOCK_PREFIX, LOCK_REASON, read_parts_isolated  # not from merge: check imports no merge code

    if annotate_to is not None and len(files) > 1 and annotate_to.exists() and not annotate_to.is_dir():
        fail(f"{annotate_to} 是一个文件：校验多个文件时，--annotate 应为文件夹（每个文件的标注副本写在其中）", EXIT_UNUSABLE)
    last = read_last_year(last_year)
    out, err, results, code = console(), console(stderr=True), [], EXIT_OK
    for path in files:
        if path.name.startswith(LOCK_PREFIX):  # check *.xlsx also matches the ~$ file of a workbook open in Excel
            results.append(skipped_file(shown_name(path), LOCK_REASON))
            if not as_json:
                out.print(f"[dim]跳过 {shown(path)}：{LOCK_REASON}[/dim]\n")
            continue
        try:
            # A file may hold several units (sub-unit sheets, a flat table's rows): each is checked as a file is.
            parts = read_parts_isolated(path, last=last)  # a native crash in a reader is this file's message, not ours
        except SourceError as e:
            code = max(code, exit_code(Verdict.UNREADABLE))
            results.append(unreadable_file(shown_name(path), e))
            if not as_json:
                err.print(f"[bold red]{Verdict.UNREADABLE.label}[/bold red] {shown(shown_name(path))}：{shown(e.message)}\n")
            continue
        if parts.columns and not as_json:
            from .merge import print_columns

            print_columns(out, shown_name(path), parts.columns)
            out.print()
        for part in parts.parts:
            name = f"{shown_name(path)}（{part.part}）" if part.part else shown_name(path)
            if part.report is None or part.error:
                code = max(code, exit_code(Verdict.UNREADABLE))
                results.append(unreadable_part(shown_name(path), part.part, part.error or ""))
                if not as_json:
                    err.print(f"[bold red]{Verdict.UNREADABLE.label}[/bold red] {shown(name)}：{shown(part.error)}\n")
                continue
            report = part.report
            findings = check(report, last)
            code = max(code, exit_code(Verdict.of(findings)))
            results.append(file_result(shown_name(path), report, findings, part=part.part))
            if not as_json:
                print_report(out, name, report, findings)
        for where, why in parts.skipped:
            results.append(skipped_file(shown_name(path), why, part=where))
            if not as_json:
                out.print(f"[dim]跳过 {shown(shown_name(path))}（{shown(where)}）：{shown(why)}[/dim]\n")
        if annotate_to is not None and len(parts.parts) > 1:
            err.print(f"  [yellow]未生成标注副本[/yellow]：{shown(shown_name(path))} 中有{len(parts.parts)}个单位的报告，"
                      "标注副本只能为一个单位的工作簿生成；各单位的问题见上面的位置（工作表!单元格）")
        elif annotate_to is not None and parts.parts and parts.parts[0].report is not None:
            report = parts.parts[0].report
            inputs = [*files, *([last_year] if last_year else [])]
            if not _annotate(path, check(report, last), _folder(annotate_to, len(files)), report.acknowledged, inputs,
                             quiet=as_json):
                code = EXIT_UNUSABLE
    if as_json:
        click.echo(dumps(document("check", results)))
    elif len(results) > 1:
        counts = Counter(r["status_label"] for r in results)
        order = {label: i for i, label in enumerate(SUMMARY_ORDER)}
        tally = "、".join(f"{label}{n}个" for label, n in sorted(counts.items(), key=lambda kv: order.get(kv[0], len(order))))
        units = "" if len(results) == len(files) else f"（{len(results)}项）"
        out.print(f"[bold]共{len(files)}个文件{units}：{shown(tally)}[/bold]")
    sys.exit(code)


def _folder(annotate_to: Path, count: int) -> Path:
    """--annotate names a folder when several files are checked: make it, so each copy goes inside."""
    if count > 1 and not annotate_to.is_dir():
        with contextlib.suppress(OSError):  # said by annotate(): the copy cannot be written there
            annotate_to.mkdir(parents=True, exist_ok=True)
    return annotate_to


def _annotate(path: Path, findings, target: Path, acknowledged: dict[str, str], inputs: list[Path], quiet: bool) -> bool:
    """Write the annotated copy; a copy that cannot be written is said and the batch goes on."""
    from ..outputs import Source
    from ..workbook.annotate import annotate

    err = console(stderr=True)
    if path.suffix.lower() in (".xls", ".et", ".ods"):
        # Read and checked like an .xlsx, but marked up only in an .xlsx: say so and go on with the others.
        err.print(
            f"  [yellow]未生成标注副本[/yellow]：{shown(shown_name(path))} 是{path.suffix.lower()}文件，标注副本只能在.xlsx上生成；"
            "请在Excel或WPS中另存为“Excel工作簿（*.xlsx）”后再用 --annotate"
        )
        return True
    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        err.print(f"[yellow]没有生成标注副本[/yellow] {shown(path)}：只有Excel工作簿（.xlsx、.xlsm）可以生成标注副本\n")
        return True
    try:
        written = annotate(path, findings, target, acknowledged, [Source(p, "本次校验的文件") for p in inputs])
    except NianbaoError as e:
        err.print(f"[bold red]没有生成标注副本[/bold red] {shown(e)}\n")
        return False
    if not quiet:
        console().print(f"  标注副本：{shown(written)}\n")
    return True

"""nianbao merge INPUT... -o 汇总.xlsx : merge.merge (gather → summarise → write) + render."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from ..errors import NianbaoError
from . import EXIT_FINDINGS, EXIT_HELP, EXIT_INTERRUPTED, EXIT_OK, EXIT_UNUSABLE, console, exit_code, fail, main, shown

PROGRESS_FROM = 50  # files: below this a run takes about a second and a bar only flickers
SHOW_SUBMISSIONS = 30


@main.command("merge", epilog=EXIT_HELP)
@click.argument("inputs", nargs=-1, required=True, type=click.Path(path_type=Path), metavar="文件夹或文件...")
@click.option("-o", "--output", type=click.Path(path_type=Path), default=Path("汇总.xlsx"), show_default=True,
              help="汇总工作簿（.xlsx）；给出文件夹时写在其中。不能是输入文件之一。")
@click.option("--roster", type=click.Path(path_type=Path), help="应报送单位名单（.xlsx 或 .csv：单位名称、机关层级、代码）。")
@click.option("--last-year", "last_year", multiple=True, type=click.Path(path_type=Path),
              help="上年度数据：上年的汇总表、单位工作簿文件夹或文件，用于逐单位跨年度校验（Y1–Y3、Y7；有上年单位工作簿时还有Y5、Y6）。可重复。")
@click.option("--year", type=int, metavar="年份", help="汇总年度；不填时取多数报告填写的年度。")
@click.option("--region", metavar="地区", help="汇总地区（如“某市甲县”），写在汇总表的标题中，上级汇总时按它对应名单；不填时取多数报告填写的所属地区。")
@click.option("--workers", type=click.IntRange(min=1), metavar="进程数", help="并行读取的进程数，默认等于CPU核数。")
@click.option("--columns", type=click.Path(path_type=Path), metavar="对应表.csv",
              help="一行一个单位的表格（在线表单导出等）的列对应表：每行一个表头和它对应的单元格编号，覆盖按表头自动对应的结果。")
@click.option("--json", "as_json", is_flag=True, help="以JSON输出（供程序使用），不显示进度条。")
def merge_command(inputs: tuple[Path, ...], output: Path, roster: Path | None, last_year: tuple[Path, ...],
                  year: int | None, region: str | None, workers: int | None, columns: Path | None, as_json: bool) -> None:
    """汇总：把各单位的年报工作簿汇总成一个工作簿（汇总、明细、问题清单、报送情况、来源）。原文件不会被修改。

    INPUT 为文件夹（递归查找 .xlsx、.csv 等）或文件。一个工作簿中每个工作表一个单位、一行一个单位的表格（在线表单导出，
    CSV 或 .xlsx）都可以汇总，见 docs/merge.md。
    """
    from ..merge import merge

    err = console(stderr=True)
    try:
        with _progress(err, quiet=as_json) as progress:
            result = merge(inputs, output, roster=roster, last_year=list(last_year) or None, year=year,
                           region=region, workers=workers, progress=progress, columns=columns)
    except KeyboardInterrupt:
        err.print("[bold red]已中断[/bold red]：没有写出任何文件，原有输出文件（如有）保持不变。")
        sys.exit(EXIT_INTERRUPTED)
    except NianbaoError as e:  # an input or the roster unreadable, an output that cannot be written
        fail(str(e), EXIT_UNUSABLE)
    batch = result.batch
    if not batch.records:
        # Still account for every file that was there: a folder of PDFs or lock files is not an empty folder.
        passed = "；".join(f"{s.relative}：{s.reason}" for s in batch.skipped[:SHOW_SUBMISSIONS])
        more = f"；另有{len(batch.skipped) - SHOW_SUBMISSIONS}个" if len(batch.skipped) > SHOW_SUBMISSIONS else ""
        tail = f"。跳过的文件：{passed}{more}" if passed else "；请检查输入的文件夹"
        fail(f"没有找到可汇总的工作簿（.xlsx、.xlsm、.xls、.ods）{tail}", EXIT_UNUSABLE)
    code = _exit_code(result)
    if as_json:
        from ..json_output import dumps, merge_document

        click.echo(dumps(merge_document(result)))
    else:
        _print(console(), result)
    sys.exit(code)


class _progress:
    """A rich progress bar on stderr for long runs; None (no bar) when quiet, short or not a terminal."""

    def __init__(self, err, quiet: bool):
        self.err, self.quiet = err, quiet
        self.bar: Any = None

    def __enter__(self):
        if self.quiet or not self.err.is_terminal:
            return None

        def start(total: int):
            if total < PROGRESS_FROM:
                return None
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

            self.bar = Progress(TextColumn("读取"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                                console=self.err, transient=True)
            self.bar.start()
            task = self.bar.add_task("", total=total)
            return lambda n: self.bar.advance(task, n)

        return start

    def __exit__(self, *exc):
        if self.bar is not None:
            self.bar.stop()
        return False


def _exit_code(result) -> int:
    """The worst unit's code (cli.exit_code); a roster unit that did not report is the batch's own error (1)."""
    from ..merge.batch import MISSING

    code = max((exit_code(u.status) for u in result.batch.units), default=EXIT_OK)
    if any(s.category == MISSING for s in result.batch.submissions):
        code = max(code, EXIT_FINDINGS)
    return code


def print_columns(out, name: str, columns) -> None:
    """A flat table's column matching, in full: a person checks it (and can override it with --columns)."""
    from ..workbook.flat import column_summary, mapping_lines

    out.print(f"表格「{shown(name)}」的列对应（表头 → 单元格编号）：{shown(column_summary(columns))}", soft_wrap=True)
    for line in mapping_lines(columns):
        out.print(f"  {shown(line)}", soft_wrap=True)
    out.print("  如有不对，用 --columns 对应表.csv 指定（每行：表头,单元格编号；见 docs/merge.md）", soft_wrap=True)


def _print(out, result) -> None:
    from collections import Counter

    batch = result.batch
    out.print(f"[bold]{shown(batch.headline())}[/bold]")
    for r in batch.records:
        if r.columns:
            print_columns(out, r.relative, r.columns)
    if batch.submissions:
        cats = Counter(s.category for s in batch.submissions)
        out.print("报送情况：" + "、".join(f"{c}{n}项" for c, n in cats.items()))
        for s in batch.submissions[:SHOW_SUBMISSIONS]:
            out.print(f"  [yellow]{s.category}[/yellow] {shown(s.unit)} {shown(s.file)} {shown(s.note)}", soft_wrap=True)
        if len(batch.submissions) > SHOW_SUBMISSIONS:
            out.print(f"  …… 其余{len(batch.submissions) - SHOW_SUBMISSIONS}项见「报送情况」工作表")
    if result.summary_findings:
        out.print(f"[bold red]汇总数校验：{len(result.summary_findings)}项[/bold red]（各单位的错误使合计对不上，见「问题清单」）")
        for f in result.summary_findings[:10]:
            out.print(f"  {f.rule:<6} {shown(f.message)}", soft_wrap=True)
    else:
        out.print("[green]汇总数符合全部表内校验规则。[/green]")
    if result.output:
        out.print(f"汇总工作簿：{shown(str(result.output))}")
        missing = [what for what, value in (("年度", batch.year), ("地区", result.summary.meta.region)) if not value]
        if missing:  # a form's export often has neither: the 汇总 is then named by its file at the level above
            out.print(f"[yellow]汇总表的{'和'.join(missing)}未填写[/yellow]（各单位的报告中没有）：上级汇总本表时按年度和地区对应，"
                      f"请用 {' '.join({'年度': '--year 年份', '地区': '--region 地区'}[m] for m in missing)} 指定后重新汇总",
                      soft_wrap=True)

"""nianbao demo [-o DIR] : write the bundled examples, check each, write annotated copies."""

from __future__ import annotations

from pathlib import Path

import click

from ..errors import NianbaoError
from . import EXIT_FINDINGS, annotated_name, console, fail, main


@main.command("demo")
@click.option("-o", "--output", type=click.Path(path_type=Path), default=Path("nianbao-demo"), show_default=True,
              help="示例输出文件夹。")
def demo_command(output: Path) -> None:
    """演示：生成示例工作簿，逐个校验，并写出标注副本。"""
    from ..check import check
    from ..examples import write_examples
    from ..render import print_report
    from ..sources import read_report
    from ..workbook.annotate import annotate
    from ..workbook.build import write_template

    out = console()
    try:
        write_template(output / "年报模板.xlsx")
        paths = write_examples(output)
    except NianbaoError as e:
        fail(str(e), EXIT_FINDINGS)
    out.print(f"[bold]示例文件已写入 {output}/[/bold]\n")
    for path in paths:
        report = read_report(path)
        findings = check(report)
        print_report(out, str(path), report, findings)
        annotated = annotate(path, findings, output / "校验结果" / annotated_name(path), report.acknowledged)
        out.print(f"  标注副本：{annotated}\n")
    out.print("下一步：用 Excel 或 WPS 打开标注副本查看标红单元格；校验自己的文件：nianbao check 文件.xlsx")

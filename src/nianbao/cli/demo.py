"""nianbao demo [-o DIR] : the main jobs on the bundled examples — check each and write annotated
copies, publish the clean one (Word + web page), merge them as a county would, and merge what a city
receives (one sheet per unit, a form's flat table, a county's 汇总)."""

from __future__ import annotations

from pathlib import Path

import click

from ..errors import NianbaoError
from . import EXIT_UNUSABLE, console, fail, main, shown


@main.command("demo")
@click.option("-o", "--output", type=click.Path(path_type=Path), default=Path("nianbao-demo"), show_default=True,
              help="示例输出文件夹。")
def demo_command(output: Path) -> None:
    """演示：生成示例工作簿，逐个校验并写出标注副本，导出可发布的报告，再按县里的做法汇总。"""
    from ..check import check, has_errors
    from ..examples import write_examples, write_shape_examples
    from ..export import beside, export_report
    from ..merge import merge
    from ..render import print_report
    from ..sources import read_report
    from ..workbook.annotate import annotate, annotated_name
    from ..workbook.build import write_template

    out = console()
    try:
        write_template(output / "年报模板.xlsx")
        paths = write_examples(output)
    except NianbaoError as e:
        fail(str(e), EXIT_UNUSABLE)
    out.print(f"[bold]示例文件已写入 {shown(str(output))}/[/bold]\n")
    checked = []
    for path in paths:
        report = read_report(path)
        findings = check(report)
        checked.append((path, report, findings))
        print_report(out, str(path), report, findings)
        annotated = annotate(path, findings, output / "校验结果" / annotated_name(path), report.acknowledged)
        out.print(f"  标注副本：{shown(str(annotated))}\n")
    for path, report, findings in checked:
        if not has_errors(findings):
            stem = output / "发布" / report.meta.title
            export_report(report, path, beside(stem))
            out.print(f"已导出可发布的报告：{shown(str(stem))}.docx、.html")
    result = merge(paths, output / "汇总.xlsx", workers=1)
    out.print(f"已汇总：{shown(str(result.output))}（{shown(result.batch.headline())}）\n")
    # What a city receives: a workbook of one sheet per unit, an online form's export, a county's 汇总.
    shapes, county = output / "形状示例", output / "形状示例-甲县各单位"
    try:
        write_shape_examples(shapes, county)
        merge([county], shapes / "甲县汇总.xlsx", workers=1)
        mixed = merge([shapes], output / "形状示例汇总.xlsx", workers=1)
    except NianbaoError as e:
        fail(str(e), EXIT_UNUSABLE)
    out.print(f"各种形状的输入（每个工作表一个单位、一行一个单位的表格、下级汇总表）：{shown(str(shapes))}/")
    out.print(f"已汇总：{shown(str(mixed.output))}（{shown(mixed.batch.headline())}）\n")
    out.print(
        "下一步：用 Excel 或 WPS 打开标注副本查看标红单元格。校验自己的文件：nianbao check 文件.xlsx；"
        "生成文字：nianbao text 文件.xlsx；导出：nianbao export 文件.xlsx --docx 年报.docx --html 年报.html；"
        "汇总一个文件夹：nianbao merge 文件夹 -o 汇总.xlsx"
    )

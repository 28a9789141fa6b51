"""nianbao text FILE [-o OUT.xlsx | --in-place] [--force] : textsheet.text.

Default output is a new file beside the input (<name>-文字.xlsx): the input is
changed only with --in-place (DESIGN §3: never modify an input unless asked).
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..errors import NianbaoError
from . import EXIT_FINDINGS, EXIT_OK, EXIT_UNUSABLE, console, fail, main, read_last_year, shown


@main.command("text")
@click.argument("file", required=False, type=click.Path(path_type=Path), metavar="文件")
@click.option("-o", "--output", type=click.Path(path_type=Path),
              help="输出工作簿。默认在原文件旁另存为“<原文件名>-文字.xlsx”，原文件不变；给出文件夹时写在其中。")
@click.option("--in-place", is_flag=True, help="直接写回原文件（先确认已备份）。")
@click.option("--force", is_flag=True, help="连同已有的文字一并替换为生成的文字（默认只填写空白栏目和本工具生成且未改动的栏目）。")
@click.option("--last-year", "last_year", type=click.Path(path_type=Path),
              help="上年度报告：在“改进情况”中列出上年度提出的问题，供逐条说明整改情况。")
@click.option("--templates", type=click.Path(path_type=Path),
              help="自定义文字模板文件夹（*.j2）；缺少的栏目使用内置模板。")
@click.option("--copy-templates", "copy_to", type=click.Path(path_type=Path),
              help="把内置文字模板复制到此文件夹供修改，然后退出。")
def text_command(file: Path | None, output: Path | None, in_place: bool, force: bool,
                 last_year: Path | None, templates: Path | None, copy_to: Path | None) -> None:
    """按表格数字生成“文字”工作表中的总体情况、问题和改进、其他事项；只填写空白栏目，已写的文字保留。"""
    from ..narrative import NarrativeError, TextTemplateError, copy_text_templates
    from ..outputs import same_file
    from ..textsheet import text, text_name

    out = console()
    if copy_to is not None:
        try:
            written = copy_text_templates(copy_to)
        except OSError as e:
            from ..errors import os_reason

            fail(f"{copy_to}：无法复制文字模板（{os_reason(e)}）", EXIT_UNUSABLE)
        out.print(f"已复制{len(written)}个文字模板到 {shown(copy_to)}/（已存在的文件未覆盖）")
        if file is None:
            sys.exit(EXIT_OK)
    if file is None:
        fail("请指定要生成文字的工作簿：nianbao text 文件.xlsx", EXIT_UNUSABLE)
    if in_place and output is not None:
        fail("--in-place 与 -o 只能选一个", EXIT_UNUSABLE)
    target = file if in_place else (output or text_name(file))
    if not in_place and (same_file(target, file) or (target.is_dir() and same_file(target / text_name(file).name, file))):
        fail(f"输出文件与原文件相同（{file}）；如确要写回原文件，请使用 --in-place", EXIT_UNUSABLE)
    last = read_last_year(last_year)
    try:
        result = text(file, target, last=last, force=force, templates=templates)
    except TextTemplateError as e:  # a county's template is broken: not the report's error
        fail(str(e), EXIT_UNUSABLE)
    except NarrativeError as e:  # the numbers cannot be read
        fail(str(e), EXIT_FINDINGS)
    except NianbaoError as e:  # the workbook unreadable, an output that cannot be written
        fail(str(e), EXIT_UNUSABLE)
    for change in result.changes:
        tone = "green" if change.written else "dim"
        out.print(f"  [{tone}]{change.label:<16}{change.action_label}[/{tone}]")
    for problem in result.problems:
        out.print(f"  [yellow]{shown(problem)}[/yellow]")
    if result.errors and result.written:
        listed = "；".join(f"{f.address or '—'} {f.rule}" for f in result.errors[:3]) + ("……" if len(result.errors) > 3 else "")
        out.print(
            f"[bold yellow]注意：表格有{len(result.errors)}个错误（{shown(listed)}），文字是按这些数字生成的，其中的数字可能不对；"
            "每个写入的栏目开头已注明【请核对】。请先改正表格（nianbao check 列出全部错误），再重新运行 nianbao text[/bold yellow]")
    kept = [c for c in result.changes if c.action == "kept"]
    out.print(f"已写入：{shown(result.output)}（{len(result.written)}个栏目写入生成的文字）")
    if kept and not force:
        out.print("  保留了已有文字的栏目；如需全部替换为生成的文字，请加 --force")
    out.print("  请核对生成的文字，补全【请填写】处，再运行 nianbao check 校验。")

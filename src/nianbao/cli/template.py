"""nianbao template [-o PATH] : workbook.build.write_template."""

from __future__ import annotations

from pathlib import Path

import click
from rich.markup import escape

from ..errors import NianbaoError
from . import EXIT_FINDINGS, console, fail, main


@main.command("template")
@click.option("-o", "--output", type=click.Path(path_type=Path), default=Path("年报模板.xlsx"), show_default=True)
def template_command(output: Path) -> None:
    """生成空白年报模板（2021年国家格式）。"""
    from ..workbook.build import write_template

    try:
        write_template(output)
    except NianbaoError as e:
        fail(str(e), EXIT_FINDINGS)
    console().print(f"已生成模板：{escape(str(output))}")

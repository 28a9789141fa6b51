"""nianbao template [-o PATH] : workbook.build.write_template."""

from __future__ import annotations

from pathlib import Path

import click

from ..errors import NianbaoError
from . import EXIT_UNUSABLE, console, fail, main, shown

TEMPLATE_NAME = "年报模板.xlsx"


@main.command("template")
@click.option("-o", "--output", type=click.Path(path_type=Path), default=Path(TEMPLATE_NAME), show_default=True,
              help="模板文件（.xlsx）；给出文件夹时写在其中。")
def template_command(output: Path) -> None:
    """生成空白年报模板（2021年国家格式）。"""
    from ..outputs import WORKBOOK, target
    from ..workbook.build import write_template

    try:
        written = write_template(target(output, WORKBOOK, name=TEMPLATE_NAME))
    except NianbaoError as e:
        fail(str(e), EXIT_UNUSABLE)
    console().print(f"已生成模板：{shown(written)}")

"""nianbao addin build [--source DIR] [-o FILE] : xlam.build_addin (developers; needs the excel/test extras)."""

from __future__ import annotations

from pathlib import Path

import click
from rich.markup import escape

from ..errors import NianbaoError
from . import EXIT_UNUSABLE, console, fail, main


@main.group("addin")
def addin_group() -> None:
    """Excel加载项（政务公开年报选项卡）。"""


@addin_group.command("build")
@click.option("--source", "source_dir", type=click.Path(path_type=Path, file_okay=False), default=Path("addin"),
              show_default=True, help="加载项源文件所在文件夹（customUI.xml、RibbonMyAddin.bas）。")
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False), default=Path("addin/nianbao.xlam"),
              show_default=True, help="生成的加载项文件。")
def build_command(source_dir: Path, output: Path) -> None:
    """由源文件生成Excel加载项nianbao.xlam（以所固定版本的xlwings自带的功能区加载项为底）。"""
    from ..xlam import build_addin, template_path

    try:
        build_addin(source_dir, output)
    except NianbaoError as e:
        fail(str(e), EXIT_UNUSABLE)
    except ImportError as e:
        fail(f"缺少生成加载项所需的软件包（{e.name}）：请运行 pip install -e '.[test]'", EXIT_UNUSABLE)
    console().print(f"已生成加载项：{escape(str(output))}（模板：{escape(str(template_path()))}）")

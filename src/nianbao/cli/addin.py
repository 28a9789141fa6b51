"""nianbao addin install | remove | path : xlstart.install_addin / remove_addin / packaged_addin;
nianbao addin build [--source DIR] [-o FILE] : xlam.build_addin (developers; needs the test extra).

install and remove exit 1 where there is no Microsoft Excel (the command line still works:
安装.bat tells a WPS computer apart by it) and 2 where they could not finish (Excel running…).
"""

from __future__ import annotations

from pathlib import Path

import click

from ..errors import NianbaoError
from . import EXIT_FINDINGS, EXIT_UNUSABLE, console, fail, main, shown


@main.group("addin")
def addin_group() -> None:
    """Excel加载项（政务公开年报选项卡）：安装、卸载、查看位置、生成。"""


def _fail_install(e: NianbaoError) -> None:
    from ..xlstart import NoExcel

    fail(str(e), EXIT_FINDINGS if isinstance(e, NoExcel) else EXIT_UNUSABLE)


@addin_group.command("install")
def install_command() -> None:
    """为当前用户安装加载项（复制到Excel启动文件夹XLSTART），并让按钮使用本Python。安装前请关闭Excel。"""
    from .. import __version__
    from ..xlstart import install_addin

    try:
        done = install_addin()
    except NianbaoError as e:
        _fail_install(e)
    out = console()
    out.print(f"已安装加载项（nianbao {__version__}）：{shown(str(done.addin))}")
    out.print(f"按钮运行的Python：{shown(done.interpreter)}（记录在 {shown(str(done.config))}）")
    if done.script is not None:
        out.print(f"RunPython所需的脚本：{shown(str(done.script))}")
    out.print("请重新启动Excel，功能区会出现「政务公开年报」选项卡。")


@addin_group.command("remove")
def remove_command() -> None:
    """从Excel启动文件夹删除加载项（卸载前请关闭Excel）。"""
    from ..xlstart import remove_addin, target

    try:
        removed = remove_addin()
    except NianbaoError as e:
        _fail_install(e)
    if not removed:
        console().print(f"加载项没有安装（{shown(str(target().addin))} 不存在），无需删除。")
        return
    for path in removed:
        console().print(f"已删除：{shown(str(path))}" if path.suffix == ".xlam" else f"已从 {shown(str(path))} 删除本加载项的设置")
    console().print("重新启动Excel后，「政务公开年报」选项卡不再出现。")


@addin_group.command("path")
def path_command() -> None:
    """显示随本nianbao安装的加载项文件nianbao.xlam的位置。"""
    from ..xlstart import packaged_addin

    try:
        click.echo(str(packaged_addin()))
    except NianbaoError as e:
        fail(str(e), EXIT_UNUSABLE)


@addin_group.command("build")
@click.option("--source", "source_dir", type=click.Path(path_type=Path, file_okay=False), default=Path("addin"),
              show_default=True, help="加载项源文件所在文件夹（customUI.xml、RibbonMyAddin.bas）。")
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False), default=Path("addin/nianbao.xlam"),
              show_default=True, help="生成的加载项文件。")
def build_command(source_dir: Path, output: Path) -> None:
    """由源文件生成Excel加载项nianbao.xlam（开发者用；以所固定版本的xlwings自带的功能区加载项为底）。"""
    from ..xlam import build_addin, template_path

    try:
        build_addin(source_dir, output)
    except NianbaoError as e:
        fail(str(e), EXIT_UNUSABLE)
    except ImportError as e:
        fail(f"缺少生成加载项所需的软件包（{e.name}）：请在源代码目录运行 pip install -e '.[test]'", EXIT_UNUSABLE)
    console().print(f"已生成加载项：{shown(str(output))}（模板：{shown(str(template_path()))}）")

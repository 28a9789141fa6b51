"""nianbao bundle windows [-o DIR] [--source DIR | --wheel FILE] [--python 3.X …] [--index-url URL] [--zip] : bundle.bundle_windows."""

from __future__ import annotations

from pathlib import Path

import click
from rich.markup import escape

from ..errors import NianbaoError
from . import EXIT_UNUSABLE, console, fail, main


@main.group("bundle")
def bundle_group() -> None:
    """生成离线安装包（在任何系统上生成，供没有互联网的电脑安装）。"""


@bundle_group.command("windows")
@click.option("-o", "--output", type=click.Path(path_type=Path, file_okay=False),
              help="安装包文件夹（默认 dist/nianbao-版本-windows）。已有的旧安装包会被替换。")
@click.option("--source", type=click.Path(path_type=Path, file_okay=False, exists=True), default=Path("."), show_default=True,
              help="nianbao源代码目录：从它构建nianbao的wheel。")
@click.option("--wheel", type=click.Path(path_type=Path, dir_okay=False, exists=True),
              help="使用已有的nianbao wheel文件，不从源代码构建。")
@click.option("--python", "pythons", multiple=True, metavar="3.X",
              help="只为这些Python版本准备软件包（可重复；默认全部支持的版本，约235 MB；只带一个版本约60 MB）。")
@click.option("--index-url", metavar="URL", help="软件包索引（默认PyPI，也可用国内镜像）。")
@click.option("--zip", "make_zip", is_flag=True, help="同时生成同名 .zip 压缩包。")
def windows_command(output: Path | None, source: Path, wheel: Path | None, pythons: tuple[str, ...],
                    index_url: str | None, make_zip: bool) -> None:
    """64位Windows的离线安装包：nianbao及其全部依赖的wheel、加载项、安装.bat和卸载.bat。需要联网和uv。"""
    from ..bundle import PYTHONS, bundle_windows

    unknown = [p for p in pythons if p not in PYTHONS]
    if unknown:
        fail(f"不支持的Python版本：{'、'.join(unknown)}（支持：{'、'.join(PYTHONS)}）", EXIT_UNUSABLE)
    out = console()
    try:
        bundle = bundle_windows(output, source=source, wheel=wheel, pythons=pythons or PYTHONS, index_url=index_url,
                                make_zip=make_zip, progress=lambda message: out.print(escape(message)))
    except NianbaoError as e:
        fail(str(e), EXIT_UNUSABLE)
    size = sum(p.stat().st_size for p in bundle.folder.rglob("*") if p.is_file())
    out.print(f"已生成 nianbao {bundle.version} 的Windows离线安装包：{escape(str(bundle.folder))}"
              f"（{len(bundle.wheels)}个wheel，{size / 2**20:.0f} MB；Python {'、'.join(bundle.pins)}）")
    if bundle.zip is not None:
        out.print(f"压缩包：{escape(str(bundle.zip))}")

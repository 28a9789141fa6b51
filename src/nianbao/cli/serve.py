"""nianbao serve DATA_DIR | --local : the county collection portal, or one person's check page."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from . import EXIT_UNUSABLE, console, fail, main


@main.command("serve")
@click.argument("data_dir", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.option("--local", is_flag=True, help="本机校验页：不需要账号，不保存任何文件（关闭后全部清除）。")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="监听地址。默认只允许本机访问；在内网提供服务请用 0.0.0.0 或本机的内网IP。")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535), help="端口（0：自动选择）。")
@click.option("--database", metavar="URL", help="数据库地址，如 postgresql://用户:密码@主机/库名；默认为数据文件夹中的SQLite。")
@click.option("--max-upload", default=20, show_default=True, type=click.IntRange(1, 500), help="单个上传文件的上限（MB）。")
@click.option("--url", "base_url", default="", help="填报单位访问本系统的地址（如 http://10.1.2.3:8000），用于生成报送链接。")
@click.option("--add-admin", metavar="NAME", help="添加管理员（或重设其密码）：提示输入密码后退出，不启动服务。")
@click.option("--threads", default=8, show_default=True, type=click.IntRange(1, 64), help="处理请求的线程数。")
def serve_command(data_dir: Path | None, local: bool, host: str, port: int, database: str | None, max_upload: int,
                  base_url: str, add_admin: str | None, threads: int) -> None:
    """报送系统：县（市、区）收集各单位年报的网页（DATA_DIR 保存数据库、上传的文件和密钥），或 --local 本机校验页。

    \b
    nianbao serve 年报数据                 # 首次启动创建数据库，并提示如何添加管理员
    nianbao serve 年报数据 --add-admin 张三  # 添加管理员（提示输入密码）
    nianbao serve 年报数据 --host 0.0.0.0   # 让内网其他电脑访问
    nianbao serve --local                  # 本机校验：拖入工作簿即得校验结果
    """
    try:
        import django  # noqa: F401
        import waitress  # noqa: F401
    except ImportError:
        fail("报送系统需要额外的组件，请先在nianbao的源代码目录中安装：pip install \".[serve]\"", EXIT_UNUSABLE)
    if local and data_dir is not None:
        fail("--local 不保存任何数据，不能同时指定数据文件夹", EXIT_UNUSABLE)
    if not local and data_dir is None:
        fail("请指定数据文件夹（保存数据库和上传的文件），例如：nianbao serve 年报数据；或用 --local 启动本机校验页", EXIT_UNUSABLE)
    if local and add_admin:
        fail("--local 没有账号，不需要 --add-admin", EXIT_UNUSABLE)
    from ..serve import server

    out = console()
    if data_dir is not None:
        if data_dir.exists() and not data_dir.is_dir():
            fail(f"{data_dir} 不是文件夹", EXIT_UNUSABLE)
        try:
            data_dir.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            fail(f"无法创建数据文件夹 {data_dir}：{e.strerror}", EXIT_UNUSABLE)
    try:
        first = server.prepare(data_dir, local=local, database=database, max_upload=max_upload * 1024 * 1024,
                               base_url=base_url)
    except Exception as e:  # a database that cannot be reached or upgraded: say so, no traceback
        fail(f"数据库无法打开或升级：{type(e).__name__}: {e}", EXIT_UNUSABLE)
    if add_admin:
        _add_admin(add_admin)
        return
    if local:
        out.print("本机校验页：文件只在内存中处理，关闭本程序（Ctrl+C）后不保留任何内容。")
    else:
        if first and data_dir is not None:
            out.print(f"已在 {data_dir.resolve()} 创建数据库。请备份整个文件夹（数据库、上传的文件、密钥都在其中）。")
        if not server.has_users():
            out.print(f"还没有管理员账号。请先停止本程序，运行：nianbao serve \"{data_dir}\" --add-admin 用户名")
        if host in ("127.0.0.1", "localhost", "::1"):
            out.print("当前只允许本机访问；让各单位通过内网访问请加 --host 0.0.0.0（并在防火墙中放行端口）。")

    def ready(url: str) -> None:
        where = url if local else f"{url}county/"
        click.echo(f"正在运行：{where}  （按 Ctrl+C 停止）", err=False)
        sys.stdout.flush()

    try:
        server.serve(host, port, max_upload=max_upload * 1024 * 1024, threads=threads, ready=ready)
    except OSError as e:
        fail(f"无法在 {host}:{port} 上启动：{e.strerror or e}（端口可能已被占用，可用 --port 换一个）", EXIT_UNUSABLE)
    except KeyboardInterrupt:
        out.print("已停止。")


def _add_admin(name: str) -> None:
    from django.core.exceptions import ValidationError

    from ..serve.server import set_admin

    for _ in range(3):
        password = click.prompt(f"为管理员“{name}”设置密码（至少10位）", hide_input=True, confirmation_prompt="再输入一次")
        try:
            created = set_admin(name, password)
        except ValidationError as e:
            console(stderr=True).print("密码不符合要求：" + "；".join(e.messages))
            continue
        console().print(f"已{'添加' if created else '重设'}管理员“{name}”。现在可以启动：nianbao serve 数据文件夹，然后在浏览器中登录。")
        return
    fail("三次输入的密码都不符合要求，未设置", EXIT_UNUSABLE)

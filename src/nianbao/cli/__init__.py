"""The ``nianbao`` command: each subcommand is a thin shell over the library function of the same name.

Exit codes: 0 no errors; 1 errors found (or the job refused); 2 an input could not be used.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import NoReturn

import click

from ..errors import SourceError

EXIT_OK, EXIT_FINDINGS, EXIT_UNUSABLE = 0, 1, 2


def console(stderr: bool = False):
    from rich.console import Console

    return Console(stderr=stderr, highlight=False, soft_wrap=True)


def fail(message: str, code: int) -> NoReturn:
    from rich.markup import escape

    console(stderr=True).print(f"[bold red]错误：[/bold red]{escape(message)}")
    sys.exit(code)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="nianbao")
def main() -> None:
    """nianbao（年报）：政府信息公开工作年度报告的模板、校验、汇总与发布。"""


def read_last_year(path: Path | None):
    """The --last-year report, or None; an unreadable file stops the command (exit 2)."""
    if path is None:
        return None
    from ..sources import read_report_isolated

    try:
        return read_report_isolated(path)
    except SourceError as e:
        fail(f"上年度报告无法读取：{e}", EXIT_UNUSABLE)


def annotated_name(path: Path) -> str:
    return f"{path.stem}-校验结果.xlsx"


# Each command lives in its own module and registers itself on ``main``.
from . import addin, bundle, check, demo, export, importing, merge, serve, template, text  # noqa: F401

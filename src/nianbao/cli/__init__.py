"""The ``nianbao`` command: each subcommand is a thin shell over the library function of the same name.

Exit codes (EXIT_HELP says them to the user; README and docs/json.md too):
0  done, and the report(s) have no errors (warnings and hints allowed);
1  the report's own errors: check, import and export find errors in a report, merge in a unit's
   (or a unit on the roster did not report); nothing else gives 1;
2  not done, or not wholly: an input could not be used, cells could not be read (未读取, the
   tool's limit: "only unread cells" gives 2, not 0, because the report was not wholly checked
   and a person must read those cells; not 1, because they are not the report's errors), or an
   option or output was refused;
130 interrupted (Ctrl-C).

Everything printed goes through ``console()``: control characters that came in a
file name, unit name or cell (an ESC sequence that moves the cursor and could
fake a "结论：通过" line) are shown as visible pictures. No traceback reaches the
user: a system error (disk full, no permission) is said in Chinese, anything
unexpected is kept in a log file and the message says where.
"""

from __future__ import annotations

import io
import sys
from functools import lru_cache
from pathlib import Path
from typing import Any, NoReturn

import click

from ..errors import SourceError
from ..report import Verdict
from . import chinese

EXIT_OK, EXIT_FINDINGS, EXIT_UNUSABLE = 0, 1, 2
EXIT_HELP = (
    "退出码：0 完成，报告没有错误（可以有警告、提示）；1 报告本身有错误（汇总时：有单位有错误，或名单中有单位未报送）；"
    "2 未能完成或未能全部读取：文件无法使用，或有内容未读取（本工具的局限，不计为报告的错误，须对照原件核对），"
    "或参数、输出文件不可用；130 被 Ctrl-C 中断。"
)
EXIT_INTERRUPTED = 130
CRASH_LOG = "nianbao-error.log"

chinese.install()  # before any command is declared: click translates some names when an option is made


@lru_cache(maxsize=1)
def _console_class():
    from rich.console import Console

    from ..safetext import visible

    class SafeConsole(Console):
        """A rich Console that shows control characters as pictures in whatever it prints."""

        def print(self, *objects: Any, **kwargs: Any) -> None:
            super().print(*(visible(o, one_line=False) if isinstance(o, str) else o for o in objects), **kwargs)

    return SafeConsole


def exit_code(verdict: Verdict) -> int:
    """A report's result as an exit code: only its own errors give 1; what could not be read gives 2."""
    if verdict is Verdict.ERRORS:
        return EXIT_FINDINGS
    if verdict in (Verdict.INCOMPLETE, Verdict.UNREADABLE):
        return EXIT_UNUSABLE
    return EXIT_OK


def console(stderr: bool = False):
    return _console_class()(stderr=stderr, highlight=False, soft_wrap=True)


def shown(value: object) -> str:
    """User text inside a console line (render.shown): markup escaped, control characters and line feeds visible."""
    from ..render import shown

    return shown(value)


def fail(message: str, code: int) -> NoReturn:
    from rich.markup import escape

    console(stderr=True).print(f"[bold red]错误：[/bold red]{escape(message)}")
    sys.exit(code)


class Command(click.Command):
    """A nianbao command: its usage line and help in Chinese."""

    context_class = chinese.Context

    def __init__(self, *args: Any, **kwargs: Any):
        kwargs.setdefault("options_metavar", chinese.OPTIONS_METAVAR)
        super().__init__(*args, **kwargs)


class Group(click.Group):
    """The ``nianbao`` group: Chinese usage, and the one place where what a command could not do is said."""

    command_class = Command
    group_class = type  # subgroups (nianbao addin) are Groups like this one
    context_class = chinese.Context

    def __init__(self, *args: Any, **kwargs: Any):
        kwargs.setdefault("options_metavar", chinese.OPTIONS_METAVAR)
        kwargs.setdefault("subcommand_metavar", chinese.SUBCOMMAND_METAVAR)
        super().__init__(*args, **kwargs)

    def main(self, args: Any = None, prog_name: str | None = None, complete_var: str | None = None,
             standalone_mode: bool = True, **extra: Any) -> Any:
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode, **extra)
        # A writer that failed (a full disk) may fail again when the garbage collector closes it; Python would
        # print that as "Exception ignored in …" with a traceback. Keep it in the log file instead.
        sys.unraisablehook = _unraisable
        try:
            code = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
            _flush()
        except SystemExit:
            _flush()
            raise
        except (click.exceptions.Abort, KeyboardInterrupt):
            _say("已中断：没有写出任何文件，原有文件保持不变。")
            code = EXIT_INTERRUPTED
        except click.exceptions.ClickException as e:
            if isinstance(e, click.exceptions.MissingParameter):
                e = chinese.missing(e)
            shown_by_click = _Terminal()
            e.show(file=shown_by_click)
            _say(shown_by_click.getvalue().rstrip("\n"))
            code = e.exit_code
        except OSError as e:  # the terminal or a pipe: stdout redirected to a full disk, a closed pipe
            code = _system_error(e)
        except Exception as e:  # a bug: the user gets a sentence and where the details are, never a traceback
            from ..errors import save_traceback

            log = save_traceback(e, CRASH_LOG)
            where = f"详细信息已保存在 {log}，" if log else ""
            _say(f"错误：nianbao 内部错误（{type(e).__name__}：{e}）。{where}请把这条信息和所用的文件发给技术支持。")
            code = EXIT_UNUSABLE
        sys.exit(code if isinstance(code, int) else EXIT_OK)


class _Terminal(io.StringIO):
    """Where click writes an error for us to print: it keeps escape sequences for a terminal (it would strip
    them for a file and pass them raw to a real terminal); _say then shows every control character."""

    def isatty(self) -> bool:
        return True


def _unraisable(unraisable: Any) -> None:
    from ..errors import save_traceback

    if unraisable.exc_value is not None:
        save_traceback(unraisable.exc_value, CRASH_LOG)


def _say(message: str) -> None:
    from ..safetext import visible

    click.echo(visible(message, one_line=False), err=True)


def _flush() -> None:
    """Flush stdout here, where a failure can still be said (not at interpreter exit, in English)."""
    try:
        sys.stdout.flush()
    except OSError as e:
        sys.exit(_system_error(e))


def _system_error(e: OSError) -> int:
    import contextlib
    import errno
    import os

    from ..errors import os_reason

    # Nothing more can be written to stdout; keep Python from trying again (and failing in English) at exit.
    # The file stays open for the rest of the process, which ends now.
    with contextlib.suppress(OSError):
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115
    if e.errno == errno.EPIPE:  # the reader went away (nianbao check … | head): nothing to say
        return EXIT_UNUSABLE
    _say(f"错误：无法输出结果（{os_reason(e)}）。")
    return EXIT_UNUSABLE


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]}, epilog=EXIT_HELP)
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


# Each command lives in its own module and registers itself on ``main``.
from . import addin, bundle, check, demo, export, importing, merge, serve, template, text  # noqa: F401

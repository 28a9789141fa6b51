"""click in Chinese: its own messages ("Missing argument" → "缺少参数"), usage line and help headings.

click passes every message it shows through gettext (``from gettext import
gettext as _`` in each of its modules), so a program can translate them. gettext
would look a compiled catalog up by the locale in the environment, which a
clerk's Windows does not set; so the catalog is the dict below, installed as
the ``_`` and ``ngettext`` of click's modules when ``nianbao.cli`` is imported
(before any command is declared: click translates some names, such as a path
option's metavar, when the option is made). tests/test_cli_chinese.py collects
every message click's source passes to gettext and fails on one missing here,
so a click upgrade that adds or rewords a message is noticed.
"""

from __future__ import annotations

import importlib
import sys

import click

# msgid → Chinese; a plural pair (singular, plural) → one Chinese text holding the placeholders of both.
CATALOG: dict[str | tuple[str, str], str] = {
    # help
    "Usage:": "用法：",
    "Options": "选项",
    "Commands": "命令",
    "Positional arguments": "参数",
    "Show this message and exit.": "显示本帮助并退出。",
    "Show the version and exit.": "显示版本号并退出。",
    "%(prog)s, version %(version)s": "%(prog)s，版本 %(version)s",
    "default: {default}": "默认：{default}",
    "env var: {var}": "环境变量：{var}",
    "required": "必填",
    "(dynamic)": "（动态）",
    "deprecated": "已停用",
    "file": "文件",
    "directory": "文件夹",
    "path": "路径",
    "Choice({choices})": "Choice({choices})",
    # errors a user causes
    "Error: {message}": "错误：{message}",
    "Try '{command} {option}' for help.": "运行“{command} {option}”查看用法。",
    "Missing argument": "缺少参数",
    "Missing option": "缺少选项",
    "Missing parameter": "缺少参数",
    "Missing {param_type}": "缺少{param_type}",
    "Missing parameter: {param_name}": "缺少参数：{param_name}",
    "Missing command.": "缺少命令（如 nianbao check 文件.xlsx）。",
    "No such command {name!r}.": "没有 {name!r} 这个命令。",
    "No such option {name!r}.": "没有 {name!r} 这个选项。",
    ("Did you mean {possibility}?", "(Did you mean one of: {possibilities}?)"): "（是否要输入：{possibilities}？）",
    ("Got unexpected extra argument ({args})", "Got unexpected extra arguments ({args})"): "多余的参数：{args}",
    "Invalid value: {message}": "无效的值：{message}",
    "Invalid value for {param_hint}: {message}": "{param_hint} 的值无效：{message}",
    ("Option {name!r} requires an argument.", "Option {name!r} requires {nargs} arguments."): "选项 {name!r} 后面要写上它的值。",
    "Option {name!r} does not take a value.": "选项 {name!r} 不带值。",
    "Argument {name!r} takes {nargs} values.": "参数 {name!r} 需要{nargs}个值。",
    "Invalid start character for option ({option})": "选项的开头字符无效（{option}）",
    ("Takes {nargs} values but 1 was given.", "Takes {nargs} values but {len} were given."): "需要{nargs}个值，但给出的个数不对。",
    ("{len_type} values are required, but {len_value} was given.",
     "{len_type} values are required, but {len_value} were given."): "需要{len_type}个值，但给出了{len_value}个。",
    "Value must be an iterable.": "应为多个值。",
    "{value!r} is not a valid {number_type}.": "{value!r} 不是有效的数字。",
    "{value} is not in the range {range}.": "{value} 不在允许的范围（{range}）内。",
    ("{value!r} is not {choice}.", "{value!r} is not one of {choices}."): "{value!r} 不是可选的值；可选：{choices}。",
    "Choose from:\n\t{choices}": "可选：\n\t{choices}",
    "{value!r} is not a valid boolean. Recognized values: {states}": "{value!r} 不是有效的是/否值；可用：{states}",
    "{value!r} is not a valid UUID.": "{value!r} 不是有效的UUID。",
    ("{value!r} does not match the format {format}.", "{value!r} does not match the formats {formats}."):
        "{value!r} 不符合日期时间格式（{formats}）。",
    "{name} {filename!r} does not exist.": "{name} {filename!r} 不存在。",
    "{name} {filename!r} is a file.": "{name} {filename!r} 是文件，不是文件夹。",
    "{name} {filename!r} is a directory.": "{name} {filename!r} 是文件夹，不是文件。",
    "{name} {filename!r} is not readable.": "{name} {filename!r} 没有读取权限。",
    "{name} {filename!r} is not writable.": "{name} {filename!r} 没有写入权限。",
    "{name} {filename!r} is not executable.": "{name} {filename!r} 不可执行。",
    "Could not open file {filename!r}: {message}": "无法打开文件 {filename!r}：{message}",
    "unknown error": "未知错误",
    "Aborted!": "已中断。",
    # prompts (nianbao asks none today; translated so that a future one is Chinese too)
    "Do you want to continue?": "是否继续？",
    "Confirm the action without prompting.": "不再询问，直接执行。",
    "Repeat for confirmation": "请再输入一次以确认",
    "Error: The two entered values do not match.": "错误：两次输入的值不一致。",
    "Error: invalid input": "错误：输入无效",
    "Press any key to continue...": "按任意键继续……",
    # the programmer's mistakes and platform messages: shown only to a developer, translated for completeness
    "DeprecationWarning: The command {name!r} is deprecated.{extra_message}": "提示：命令 {name!r} 已停用。{extra_message}",
    "DeprecationWarning: The {param_type} {name!r} is deprecated.{extra_message}": "提示：{param_type} {name!r} 已停用。{extra_message}",
    "Name '{name}' defined twice": "名称“{name}”定义了两次",
    "Boolean option {decl!r} cannot use the same flag for true/false.": "是/否选项 {decl!r} 不能用同一个开关表示是和否。",
    "Could not determine name for option with declarations {decls!r}": "无法确定选项 {decls!r} 的名称",
    "No options defined but a name was passed ({name}). Did you mean to declare an argument instead? "
    "Did you mean to pass '--{name}'?": "没有定义选项却给出了名称（{name}）。",
    "Arguments take exactly one parameter declaration, got {length}: {decls}.": "参数只能有一个声明，现有{length}个：{decls}。",
    "Unknown standard stream '{name}'": "未知的标准流“{name}”",
    "Unknown color {colour!r}": "未知的颜色 {colour!r}",
    "{editor}: Editing failed": "{editor}：编辑失败",
    "{editor}: Editing failed: {e}": "{editor}：编辑失败：{e}",
    "Windows error: {error}": "Windows错误：{error}",
    "Shell completion is not supported for Bash versions older than 4.4.": "Bash 4.4 以前的版本不支持命令补全。",
    "Couldn't detect Bash version, shell completion is not supported.": "无法识别Bash版本，不支持命令补全。",
    "d": "d",  # a progress bar's "days" unit
}

CLICK_MODULES = ("core", "decorators", "exceptions", "formatting", "parser", "shell_completion", "termui", "types",
                 "utils", "_termui_impl", "_winconsole")

OPTIONS_METAVAR = "[选项]"
SUBCOMMAND_METAVAR = "命令 [参数]..."


def gettext(message: str) -> str:
    return CATALOG.get(message, message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return CATALOG.get((singular, plural), singular if n == 1 else plural)


def install() -> None:
    """Make click's modules look their messages up here (``_`` and ``ngettext`` are their own module-level names)."""
    for name in CLICK_MODULES:
        if name == "_winconsole" and sys.platform != "win32":
            continue  # Windows only: it asserts the platform when imported
        module = importlib.import_module(f"click.{name}")
        for attribute, function in (("_", gettext), ("ngettext", ngettext)):
            if hasattr(module, attribute):
                setattr(module, attribute, function)


class HelpFormatter(click.HelpFormatter):
    """Help headings end with a full-width colon: 选项：, not 选项:."""

    def write_heading(self, heading: str) -> None:
        self.write(f"{'':>{self.current_indent}}{heading}：\n")


class Context(click.Context):
    formatter_class = HelpFormatter


def missing(error: click.exceptions.MissingParameter) -> click.UsageError:
    """click builds "Missing argument 'FILES'." from pieces, with an English full stop: said whole here."""
    kind = {"argument": "参数", "option": "选项"}.get(error.param.param_type_name if error.param else "", "参数")
    hint = error.param.get_error_hint(error.ctx) if error.param is not None and error.ctx is not None else ""
    return click.UsageError(f"缺少{kind} {hint}".rstrip(), error.ctx)

"""The command line speaks Chinese also where click speaks, and says what a clerk's mistake was (issue 9 item 17)."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from workbooks import consistent_numbers, report, workbook

from nianbao.cli import main
from nianbao.cli.chinese import CATALOG

ENGLISH = re.compile(r"\b(Usage|Options|Commands|Error|Missing|Try|Show|No such|Invalid|Got unexpected)\b")


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args], prog_name="nianbao")


def click_messages() -> set[str | tuple[str, str]]:
    """Every message click's source passes to gettext: _("…") and ngettext("…", "…", n)."""
    found: set[str | tuple[str, str]] = set()
    for source in Path(click.__file__).parent.glob("*.py"):
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
                continue
            texts = [a.value for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
            if node.func.id == "_" and texts:
                found.add(texts[0])
            elif node.func.id == "ngettext" and len(texts) >= 2:
                found.add((texts[0], texts[1]))
    return found


def test_every_message_click_can_show_is_translated():
    messages = click_messages()
    assert len(messages) > 60
    assert sorted(map(str, messages - set(CATALOG))) == []
    # and the translations keep click's placeholders, so formatting them cannot fail
    for msgid, chinese in CATALOG.items():
        wanted = set(re.findall(r"\{(\w+)", " ".join(msgid) if isinstance(msgid, tuple) else msgid))
        assert set(re.findall(r"\{(\w+)", chinese)) <= wanted, msgid


def test_help_is_chinese():
    result = run("--help")
    assert result.exit_code == 0
    assert result.output.startswith("用法： nianbao [选项] 命令 [参数]...\n")
    assert "\n选项：\n" in result.output and "\n命令：\n" in result.output and "显示本帮助并退出。" in result.output
    check = run("check", "-h")
    assert check.output.startswith("用法： nianbao check [选项] 文件...\n")
    assert "--last-year 路径" in check.output
    assert not ENGLISH.search(result.output + check.output)


@pytest.mark.parametrize("args, said", [
    (["check"], "错误：缺少参数 '文件...'"),
    (["chek", "a.xlsx"], "错误：没有 'chek' 这个命令。 （是否要输入：'check'？）"),
    (["check", "--bogus", "a.xlsx"], "错误：没有 '--bogus' 这个选项。"),
    (["check", "a.xlsx", "--last-year"], "错误：选项 '--last-year' 后面要写上它的值。"),
    (["merge", "收件箱", "--workers", "0"], "错误：'--workers' 的值无效：0 不在允许的范围（x>=1）内。"),
    (["merge", "收件箱", "--year", "二〇二四"], "错误：'--year' 的值无效：'二〇二四' 不是有效的数字。"),
    (["import", "a.html", "--level", "镇"], "错误：'--level' 的值无效：'镇' 不是可选的值；可选："),
    (["export", "a.xlsx", "b.xlsx"], "错误：多余的参数：b.xlsx"),
])
def test_mistakes_on_the_command_line_are_said_in_chinese(args, said):
    result = run(*args)
    assert result.exit_code == 2
    assert said in result.output
    assert not ENGLISH.search(result.output), result.output


def test_a_usage_mistake_shows_the_usage_and_where_help_is():
    result = run("check")
    assert result.output.splitlines()[:2] == ["用法： nianbao check [选项] 文件...", "运行“nianbao check --help”查看用法。"]


def test_version_is_chinese():
    result = run("--version")
    assert result.exit_code == 0 and re.fullmatch(r"nianbao，版本 \S+\n", result.output)


def test_a_folder_given_to_check_is_called_a_folder(tmp_path):
    folder = tmp_path / "收件箱"
    folder.mkdir()
    result = run("check", folder)
    assert result.exit_code == 2
    assert "这是一个文件夹，不是年报文件；汇总文件夹中的全部工作簿请用 nianbao merge 文件夹" in result.output
    assert "无扩展名" not in result.output


def test_check_of_several_files_skips_excel_lock_files_and_sums_up(tmp_path):
    ok = workbook(tmp_path / "甲镇.xlsx")
    bad = workbook(tmp_path / "乙镇.xlsx", base=report(consistent_numbers() | {"t4.review.total": 0}))
    lock = tmp_path / "~$甲镇.xlsx"  # what Excel leaves beside a workbook it has open
    lock.write_bytes(b"\x0bclerk" + b"\x00" * 150)
    result = run("check", lock, ok, bad)
    assert result.exit_code == 1  # the lock file is no reason for exit 2
    assert f"跳过 {lock}：Excel/WPS锁定文件（工作簿正在别处打开），不是报告" in result.output
    assert result.output.rstrip().splitlines()[-1] == "共3个文件：通过1个、有错误1个、已跳过1个"
    as_json = run("check", lock, ok, "--json")
    assert as_json.exit_code == 0
    skipped = json.loads(as_json.output)["files"][0]
    assert (skipped["status"], skipped["status_label"]) == ("skipped", "已跳过")

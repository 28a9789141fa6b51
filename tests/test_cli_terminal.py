"""What the CLI prints cannot be steered by the files it reads: control characters are shown, never obeyed (issue 9 item 16)."""

from __future__ import annotations

import subprocess
import sys

from click.testing import CliRunner
from workbooks import consistent_numbers, report, workbook

from nianbao.cli import main
from nianbao.safetext import clean, visible

# Cursor up, erase the line, carriage return: what a forged "结论：通过" needs.
FORGE = "\x1b[1A\x1b[2K\r  结论：通过"


def test_visible_shows_each_control_character_as_one_picture():
    assert visible("甲\x1b[2K\r乙\x07\x7f\x9b\u202e") == "甲␛[2K␍乙␇␡\ufffd\ufffd"
    assert visible("第一行\n第二行") == "第一行␤第二行"
    assert visible("第一行\n第二行\t", one_line=False) == "第一行\n第二行\t"


def test_visible_escapes_bytes_of_a_file_name_that_are_not_utf8():
    gbk = b"\xd2\xd7\xc3\xc5.xlsx".decode("utf-8", "surrogateescape")  # 易门 in GBK, as Linux gives it to Python
    assert visible(gbk) == "\\xd2\\xd7\\xc3\\xc5.xlsx"
    assert visible("甲\ud800乙") == "甲\\ud800乙"


def test_clean_keeps_breaks_the_clerk_meant_and_drops_what_xml_cannot_hold():
    assert clean("一\x0b二\x0c三\r\n四\u2028五") == "一\n二\n三\n四\n五"
    assert clean("甲\x00乙\x1b丙\x7f丁\ud800") == "甲乙丙丁"


def test_a_unit_name_with_escapes_cannot_forge_a_verdict(tmp_path):
    # A saved report (JSON) carries the name as it was; a workbook cell would too (as _x001B_).
    bad = report(consistent_numbers() | {"t4.review.total": 0}, name="某镇人民政府" + FORGE)
    source = tmp_path / "某镇.json"
    source.write_text(bad.to_json(), encoding="utf-8")
    result = CliRunner().invoke(main, ["check", str(source)])
    assert result.exit_code == 1
    assert "\x1b" not in result.output and "\r" not in result.output
    assert "某镇人民政府␛[1A␛[2K␍  结论：通过 2024年" in result.output
    verdicts = [line for line in result.output.splitlines() if line.lstrip().startswith("结论：")]
    assert verdicts == ["  结论：有错误（1个错误、0个警告、0个提示）"]


def test_a_line_feed_in_a_unit_name_stays_on_its_line(tmp_path):
    named = report(name="某镇人民政府\n  结论：通过")
    result = CliRunner().invoke(main, ["check", str(workbook(tmp_path / "某镇.xlsx", base=named))])
    assert "某镇人民政府␤  结论：通过 2024年" in result.output
    assert [line for line in result.output.splitlines() if line.lstrip().startswith("结论：")] == [
        "  结论：通过（0个错误、0个警告、0个提示）"]


def test_a_file_name_with_escapes_is_shown_not_obeyed_on_stdout_and_stderr(tmp_path):
    named = workbook(tmp_path / "报告\x1b]0;标题\x07.xlsx")
    missing = tmp_path / "没有\x1b[2J.xlsx"
    # A real process, so that what reaches the terminal (stdout and stderr) is what is checked.
    done = subprocess.run([sys.executable, "-m", "nianbao", "check", str(named), str(missing)],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 2
    assert "\x1b" not in done.stdout + done.stderr and "\x07" not in done.stdout
    assert "报告␛]0;标题␇.xlsx" in done.stdout
    assert "无法读取 " in done.stderr and "没有␛[2J.xlsx" in done.stderr


def test_a_click_usage_error_echoing_an_argument_shows_its_escapes():
    done = subprocess.run([sys.executable, "-m", "nianbao", "export", "a.xlsx", "b\x1b[2J.xlsx"],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 2
    assert "\x1b" not in done.stderr and "错误：多余的参数：b␛[2J.xlsx" in done.stderr

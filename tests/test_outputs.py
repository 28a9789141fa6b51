"""Where outputs go: never over an input of the job, with the suffix of their kind, into a folder when
given one, with the usual permissions (issue 9 items 9, 11 and the folder half of 15)."""

from __future__ import annotations

import hashlib
import os
import stat
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from unitbooks import one_application, unit_book
from workbooks import report, workbook

from nianbao.cli import main
from nianbao.errors import OutputError
from nianbao.outputs import DOCX, WORKBOOK, Source, target


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args], prog_name="nianbao")


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# --- the helper ------------------------------------------------------------------------------


def test_a_folder_gets_the_usual_name_inside(tmp_path):
    assert target(tmp_path, DOCX, name="单位.docx") == tmp_path / "单位.docx"
    with pytest.raises(OutputError, match="这是一个文件夹；请写出Word文档的文件名（以.docx结尾）"):
        target(tmp_path, DOCX)


def test_a_suffix_that_does_not_match_the_kind_is_refused(tmp_path):
    with pytest.raises(OutputError) as refused:
        target(tmp_path / "年报.pdf", DOCX)
    assert str(refused.value) == f"{tmp_path / '年报.pdf'}：Word文档的文件名应以.docx结尾（现为“.pdf”），否则打开时会出错；请改正文件名"
    with pytest.raises(OutputError, match="没有扩展名"):
        target(tmp_path / "汇总", WORKBOOK)


def test_an_input_is_refused_also_through_another_spelling_of_its_path(tmp_path):
    book = workbook(tmp_path / "单位.xlsx")
    (tmp_path / "子").mkdir()
    for spelling in (book, tmp_path / "子" / ".." / "单位.xlsx"):
        with pytest.raises(OutputError, match=f"输出文件不能覆盖原文件（{book}）"):
            target(spelling, WORKBOOK, [Source(book, "原文件")])
    os.link(book, tmp_path / "硬链接.xlsx")
    with pytest.raises(OutputError, match="输出文件不能覆盖原文件"):
        target(tmp_path / "硬链接.xlsx", WORKBOOK, [Source(book, "原文件")])
    assert target(tmp_path / "新.xlsx", WORKBOOK, [Source(book, "原文件")]) == tmp_path / "新.xlsx"


def test_a_file_inside_an_input_folder_is_refused_unless_the_folder_allows_it(tmp_path):
    inbox = tmp_path / "收件箱"
    book = unit_book(inbox / "甲.xlsx", "示例县甲局")
    with pytest.raises(OutputError, match=f"输出文件不能覆盖输入文件夹（{inbox}）中的文件"):
        target(book, WORKBOOK, [Source(inbox, "输入文件夹")])
    assert target(book, WORKBOOK, [Source(inbox, "输入文件夹", replaceable=lambda p: p.name == "甲.xlsx")]) == book


# --- every command and option ------------------------------------------------------------------


@pytest.fixture()
def files(tmp_path):
    """A unit's workbook, last year's, a roster and last year's merge: inputs a command must not overwrite."""
    unit = workbook(tmp_path / "单位.xlsx")
    last = workbook(tmp_path / "2023.xlsx", base=report(year=2023))
    inbox = tmp_path / "收件箱"
    unit_book(inbox / "甲.xlsx", "示例县甲局", one_application())
    roster = tmp_path / "名单.xlsx"
    wb = openpyxl.Workbook()
    wb.active.append(["单位名称"])
    wb.active.append(["示例县甲局"])
    wb.save(roster)
    summary = tmp_path / "2023汇总.xlsx"
    assert run("merge", inbox, "-o", summary).exit_code == 0
    published = tmp_path / "2023年报.html"
    assert run("export", last, "--html", published).exit_code == 0
    return {"unit": unit, "last": last, "inbox": inbox, "roster": roster, "summary": summary, "published": published}


CASES = [
    (("export", "unit", "--html", "unit"), "unit", "网页的文件名应以.html或.htm结尾（现为“.xlsx”）"),
    (("export", "unit", "--pdf", "published"), "published", "PDF文件的文件名应以.pdf结尾（现为“.html”）"),
    (("export", "published", "--html", "published"), "published", "输出文件不能覆盖原文件"),
    (("export", "unit", "--html", "published", "--last-year", "published"), "published", "输出文件不能覆盖上年度报告"),
    (("merge", "inbox", "-o", "roster", "--roster", "roster"), "roster", "输出文件不能覆盖应报送单位名单"),
    (("merge", "inbox", "-o", "summary", "--last-year", "summary"), "summary", "输出文件不能覆盖上年度数据"),
    (("merge", "inbox", "-o", "unit", "--last-year", "unit"), "unit", "输出文件不能覆盖上年度数据"),
    (("text", "unit", "-o", "last", "--last-year", "last"), "last", "输出文件不能覆盖上年度报告"),
    (("text", "unit", "-o", "unit"), "unit", "如确要写回原文件，请使用 --in-place"),
    (("check", "unit", "--last-year", "last", "--annotate", "last"), "last", "输出文件不能覆盖本次校验的文件"),
    (("check", "unit", "--annotate", "unit"), "unit", "输出文件不能覆盖原文件"),
    (("import", "published", "-o", "last"), None, None),  # a new report over an existing workbook that is no input: allowed
    (("import", "published", "-o", "published"), "published", "导入结果（Excel工作簿或JSON文件）的文件名应以"),
    (("template", "-o", "published"), "published", "Excel工作簿的文件名应以.xlsx结尾"),
]


@pytest.mark.parametrize("args, kept, said", CASES, ids=[" ".join(c[0]) for c in CASES])
def test_no_command_writes_over_one_of_its_inputs(files, args, kept, said):
    before = {name: digest(p) for name, p in files.items() if p.is_file()}
    result = run(*(files.get(a, a) for a in args))
    if said is None:
        assert result.exit_code in (0, 1), result.output
        return
    assert result.exit_code == 2, result.output
    assert said in result.output and "Traceback" not in result.output
    assert {name: digest(p) for name, p in files.items() if p.is_file()} == before
    assert not [p for p in files[kept].parent.iterdir() if p.name.startswith(".nianbao-")]


def test_outputs_given_as_folders_get_the_usual_names(files, tmp_path):
    out = tmp_path / "输出"
    out.mkdir()
    assert run("check", files["unit"], "--annotate", out).exit_code == 0
    assert run("text", files["unit"], "-o", out).exit_code == 0
    assert run("export", files["unit"], "--html", out, "--docx", out).exit_code == 0
    assert run("merge", files["inbox"], "-o", out).exit_code == 0
    assert run("import", files["published"], "-o", out).exit_code == 0
    assert run("template", "-o", out).exit_code == 0
    assert sorted(p.name for p in out.iterdir()) == [
        "2023年报.xlsx", "单位-文字.xlsx", "单位-校验结果.xlsx", "单位.docx", "单位.html", "年报模板.xlsx", "汇总.xlsx"]


# --- permissions -----------------------------------------------------------------------------------


def _new_file_mode(tmp_path: Path, umask: int) -> int:
    """The mode of a file nianbao creates under ``umask``: set in a process of its own, as a shell would."""
    out = tmp_path / f"模板-{umask:o}.xlsx"
    code = f"import os, sys; os.umask(0o{umask:o}); from nianbao.cli import main; sys.argv = ['nianbao', 'template', '-o', {str(out)!r}]; main()"
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)
    return stat.S_IMODE(out.stat().st_mode)


def test_new_files_get_the_usual_permissions(tmp_path):
    assert _new_file_mode(tmp_path, 0o022) == 0o644
    assert _new_file_mode(tmp_path, 0o002) == 0o664
    assert _new_file_mode(tmp_path, 0o077) == 0o600


def test_text_in_place_and_a_replaced_output_keep_their_mode(tmp_path):
    unit = workbook(tmp_path / "单位.xlsx")
    unit.chmod(0o664)  # a shared folder
    assert run("text", unit, "--in-place").exit_code == 0
    assert stat.S_IMODE(unit.stat().st_mode) == 0o664
    page = tmp_path / "年报.html"
    page.write_text("旧", encoding="utf-8")
    page.chmod(0o640)
    assert run("export", unit, "--html", page).exit_code == 0
    assert stat.S_IMODE(page.stat().st_mode) == 0o640 and "旧" not in page.read_text(encoding="utf-8")

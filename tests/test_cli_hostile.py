"""No traceback, whatever the file or the machine does (issue 9 item 15): each command is fed a full disk,
a workbook with a DTD, JSON nested too deep or of the wrong types, a page in an unknown charset, and
control characters in the text, and must end with a Chinese sentence and exit 2 where it cannot work."""

from __future__ import annotations

import hashlib
import json
import os
import resource
import signal
import subprocess
import sys
import zipfile
from pathlib import Path

import docx
import pytest
from unitbooks import one_application, unit_book
from workbooks import workbook

LIMIT = 8192  # bytes a process may write to one file: every output nianbao makes is larger
FULL = "文件没有写成（文件超过了系统允许的大小（或磁盘空间已满））"


def nianbao(*args, limit: int | None = None, stdout=subprocess.PIPE, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """The real command in a process of its own; with ``limit`` every file it writes stops at that size,
    as on a full disk (the kernel refuses the write; SIGXFSZ ignored so the write fails instead of killing)."""

    def small_disk():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    env = os.environ | {"PYTHONDONTWRITEBYTECODE": "1"}
    return subprocess.run([sys.executable, "-m", "nianbao", *map(str, args)], stdout=stdout, stderr=subprocess.PIPE,
                          text=True, env=env, cwd=cwd, preexec_fn=small_disk if limit else None, timeout=300, check=False)


def said(done: subprocess.CompletedProcess) -> str:
    return (done.stdout or "") + done.stderr


def digests(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir() if p.is_file()}


@pytest.fixture()
def unit(tmp_path) -> Path:
    return workbook(tmp_path / "单位.xlsx")


# --- a full disk ----------------------------------------------------------------------------------

WRITING = {
    "check --annotate": lambda d, u: ("check", u, "--annotate", d / "标注.xlsx"),
    "text": lambda d, u: ("text", u, "-o", d / "文字.xlsx"),
    "text --in-place": lambda d, u: ("text", u, "--in-place"),
    "export --docx": lambda d, u: ("export", u, "--docx", d / "年报.docx"),
    "export --html": lambda d, u: ("export", u, "--html", d / "年报.html"),
    "import": lambda d, u: ("import", d / "年报.json", "-o", d / "导入.xlsx"),
    "merge": lambda d, u: ("merge", d / "收件箱", "-o", d / "汇总.xlsx", "--workers", "1"),
    "template": lambda d, u: ("template", "-o", d / "模板.xlsx"),
}


@pytest.mark.parametrize("command", list(WRITING))
def test_a_full_disk_is_said_in_chinese_and_nothing_is_half_written(tmp_path, unit, command):
    from nianbao.sources import read_report

    (tmp_path / "年报.json").write_text(read_report(unit).to_json(), encoding="utf-8")
    unit_book(tmp_path / "收件箱" / "甲.xlsx", "示例县甲局", one_application())
    before = digests(tmp_path)
    done = nianbao(*WRITING[command](tmp_path, unit), limit=LIMIT)
    assert done.returncode == 2, said(done)
    assert FULL in done.stderr and "原有的文件（如有）保持不变" in done.stderr
    assert "Traceback" not in said(done) and "Errno" not in said(done)
    assert digests(tmp_path) == before  # the input (also --in-place) untouched, no output, no temporary file


@pytest.mark.parametrize("args", [("check", "{unit}"), ("check", "{unit}", "--json"), ("merge", "{inbox}", "-o", "{out}", "--json")])
def test_output_to_a_full_disk_is_said_in_chinese(tmp_path, unit, args):
    unit_book(tmp_path / "收件箱" / "甲.xlsx", "示例县甲局", one_application())
    filled = [a.format(unit=unit, inbox=tmp_path / "收件箱", out=tmp_path / "汇总.xlsx") for a in args]
    with open("/dev/full", "w") as full:  # writes fail with ENOSPC, as on a full disk
        done = nianbao(*filled, stdout=full)
    assert done.returncode == 2
    assert done.stderr == "错误：无法输出结果（磁盘空间已满）。\n"


# --- hostile and damaged inputs ------------------------------------------------------------------


def with_doctype(src: Path, dst: Path, doctype: str, part: str = "xl/worksheets/sheet3.xml") -> Path:
    """``src`` with a DOCTYPE put into one part (Excel never writes one)."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == part:
                text = data.decode("utf-8")
                at = text.index("?>") + 2 if text.startswith("<?xml") else 0
                data = (text[:at] + doctype + text[at:]).encode("utf-8")
            zout.writestr(info, data)
    return dst


def test_a_workbook_with_a_dtd_in_a_part_is_refused_where_it_would_be_written(tmp_path, unit):
    hostile = with_doctype(unit, tmp_path / "实体.xlsx", '<!DOCTYPE worksheet [<!ENTITY x "y">]>')
    reason = "部件中含有Excel不会写出的DTD或实体声明，可能被改动过"
    annotated = nianbao("check", hostile, "--annotate", tmp_path / "标注.xlsx")
    assert annotated.returncode == 2 and f"工作簿无法用于生成标注副本（{reason}）" in annotated.stderr
    text = nianbao("text", hostile)
    assert text.returncode == 2 and f"工作簿无法用于写入文字（{reason}）" in text.stderr
    for done in (annotated, text):
        assert "Traceback" not in said(done)
    assert not (tmp_path / "标注.xlsx").exists() and not (tmp_path / "实体-文字.xlsx").exists()


# (Values that are no numbers — "12", NaN, 1e400 — are read as cells would be: tests/test_hostile_values.py.)
BAD_JSON = {
    "深.json": "[" * 100_000 + "]" * 100_000,
    "年度.json": json.dumps({"meta": {"name": "某镇", "year": "二〇二四"}, "values": {}}),
    "形状.json": json.dumps({"meta": {"name": {"a": 1}}, "values": {"t3.new.total": [1]}, "states": 5}),
    "名称.json": json.dumps({"meta": {"name": ["某镇"]}, "values": {}}),
    "文字.json": json.dumps({"meta": {}, "values": {}, "text": {"other": {"段": 1}}}),
}
JSON_SAYS = {
    "深.json": "JSON嵌套层数过多",
    "年度.json": "年报JSON中“meta.year”应为整数或null",
    "形状.json": "不是nianbao保存的年报JSON",
    "名称.json": "年报JSON中“meta.name”应为文字",
    "文字.json": "年报JSON中“text.other”应为文字",
}


@pytest.mark.parametrize("name", list(BAD_JSON))
def test_json_nested_too_deep_or_of_the_wrong_types_is_unreadable_in_every_command(tmp_path, unit, name):
    bad = tmp_path / name
    bad.write_text(BAD_JSON[name], encoding="utf-8")
    inbox = tmp_path / "收件箱"
    unit_book(inbox / "甲.xlsx", "示例县甲局", one_application())
    runs = {
        "check": nianbao("check", bad),
        "check --last-year": nianbao("check", unit, "--last-year", bad),
        "export": nianbao("export", bad, "--html", tmp_path / "年报.html"),
        "import": nianbao("import", bad, "-o", tmp_path / "导入.xlsx"),
        "text --last-year": nianbao("text", unit, "--last-year", bad),
        "merge": nianbao("merge", inbox, bad, "-o", tmp_path / "汇总.xlsx", "--workers", "1"),
    }
    for command, done in runs.items():
        assert done.returncode == 2, (command, said(done))
        assert JSON_SAYS[name] in said(done), (command, said(done))
        assert "Traceback" not in said(done), command
    # merge goes on with the other files: the bad one is its row
    assert (tmp_path / "汇总.xlsx").exists()


def test_a_page_in_an_unknown_charset_is_read_by_every_command(tmp_path):
    page = tmp_path / "年报.html"
    page.write_bytes('<html><head><meta charset="undefined"></head><body><h1>某镇人民政府2024年政府信息公开工作年度报告</h1>'
                     "<p>一、总体情况</p><p>本镇认真做好主动公开工作。</p></body></html>".encode())
    for args in (("check", page), ("import", page, "-o", tmp_path / "导入.xlsx"), ("export", page, "--html", tmp_path / "出.html")):
        done = nianbao(*args)
        assert done.returncode == 1, said(done)  # read (as UTF-8): the report is incomplete, said per finding
        assert "报告文本不完整" in said(done) and "Traceback" not in said(done)
        # The tables never reached are 未读取, listed by check and import; export lists the errors that refused it.
        assert ("报告文本不完整：没有表三" in said(done)) == (args[0] != "export")


def test_control_characters_in_the_text_are_line_breaks_in_word_and_gone_from_the_page(tmp_path):
    # Word's soft line break (vertical tab) pasted into Excel, and NUL, ESC, a page break: stored by Excel as _x000B_ …
    book = workbook(tmp_path / "单位.xlsx", by_address={"文字!B4": "第一行_x000B_第二行_x0000_接着_x001B_[2J写_x000C_新段"})
    done = nianbao("export", book, "--docx", tmp_path / "年报.docx", "--html", tmp_path / "年报.html")
    assert done.returncode == 0, said(done)
    paragraphs = [p.text for p in docx.Document(str(tmp_path / "年报.docx")).paragraphs]
    at = paragraphs.index("第一行")
    assert paragraphs[at:at + 3] == ["第一行", "第二行接着[2J写", "新段"]
    page = (tmp_path / "年报.html").read_text(encoding="utf-8")
    assert "<p>第一行</p>" in page and "<p>第二行接着[2J写</p>" in page and "<p>新段</p>" in page
    assert not any(c in page for c in "\x00\x0b\x0c\x1b")


def test_a_crash_log_is_a_new_file_never_one_planted_in_the_temp_folder(tmp_path, monkeypatch):
    from nianbao.errors import save_traceback

    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me", encoding="utf-8")
    (tmp_path / "nianbao-error.log").symlink_to(victim)  # planted under the name a fixed log would use

    error = ZeroDivisionError("division by zero")
    first, second = save_traceback(error, "nianbao-error.log"), save_traceback(error, "nianbao-error.log")

    assert victim.read_text(encoding="utf-8") == "keep me"
    assert first != second
    for log in (first, second):
        assert Path(log).parent == tmp_path and Path(log).name.startswith("nianbao-error-") and log.endswith(".log")
        assert "ZeroDivisionError: division by zero" in Path(log).read_text(encoding="utf-8")

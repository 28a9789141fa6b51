"""nianbao import, and nianbao check / --last-year on published reports."""

from __future__ import annotations

import json
import subprocess
import sys

from click.testing import CliRunner
from conftest import CORPUS, FIXTURES, corpus_expected

from nianbao.cli import main
from nianbao.report import Report
from nianbao.workbook.read import read_workbook


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def test_import_writes_the_template_filled_with_numbers_and_text(tmp_path):
    out = tmp_path / "峰灵镇.xlsx"
    result = run("import", str(CORPUS / "seed-fengling-2023.txt"), "-o", str(out))
    assert result.exit_code == 0, result.output
    assert "读取200/200个数" in result.output
    back = read_workbook(out)
    assert (back.meta.name, back.meta.year, back.meta.level) == ("巫溪县峰灵镇人民政府", 2023, "乡镇/街道")
    assert all(v == 0 for v in back.values.values())
    assert back.text["problems.issues"].startswith("一是部分信息公开不够及时")


def test_import_of_a_report_with_unread_cells_exits_2_and_marks_them(tmp_path):
    """Issue 12 #6: digits the tool cannot tell apart are its limit (未读取, exit 2), not the report's error (1)."""
    out = tmp_path / "2021.xlsx"
    result = run("import", str(CORPUS / "004.txt"), "-o", str(out))
    assert result.exit_code == 2, result.output
    assert "D2" in result.output and "读取197/200个数" in result.output
    assert "未读取（1）：本工具未能读取的内容，不计为报告的错误" in result.output
    assert "结论：部分未读取（0个错误、" in result.output
    back = read_workbook(out)
    assert back.values["t2.normative.issued"] is None and back.raw["t2.normative.issued"] == "未读取"
    assert back.values["t3.new.natural_person"] == 64


def test_import_json_to_stdout_round_trips(tmp_path):
    result = run("import", str(CORPUS / "001.txt"), "--json", "--level", "市级政府")
    assert result.exit_code == 0, result.output
    (imported,) = json.loads(result.output)["files"]  # one file or several: the same envelope
    assert imported["status"] == "passed"
    report = Report.from_dict(imported["report"])
    assert report.meta.level == "市级政府"
    assert all(report.values[c] == v for c, v in corpus_expected("001").items())


def test_import_many_sources_into_a_folder_one_bad(tmp_path):
    bad = tmp_path / "scan.pdf"
    bad.write_bytes((FIXTURES / "import" / "scanned.pdf").read_bytes())
    result = run("import", str(CORPUS / "001.txt"), str(bad), str(FIXTURES / "import" / "huaian-2024.docx"),
                 "-o", str(tmp_path / "out"))
    assert result.exit_code == 2
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["001.xlsx", "huaian-2024.xlsx"]
    assert "没有文字层" in result.output


def test_import_overrides_refused_for_many_sources():
    result = run("import", str(CORPUS / "001.txt"), str(CORPUS / "004.txt"), "--name", "某单位")
    assert result.exit_code == 2


def test_import_json_output_file_is_a_last_year_source(tmp_path):
    archive = tmp_path / "2021.json"
    assert run("import", str(CORPUS / "004.txt"), "-o", str(archive)).exit_code == 2  # D2: cells 未读取
    result = run("check", str(CORPUS / "005.txt"), "--last-year", str(archive), "--json")
    data = json.loads(result.output)
    # The numbers carry over (Y1–Y3); Y6 (last year's problems followed up) is a text matter.
    assert [f["rule"] for f in data["files"][0]["findings"] if f["rule"] in ("Y1", "Y2", "Y3")] == []


def test_check_reads_a_published_page_and_quotes_printed_labels(tmp_path):
    page = (FIXTURES / "import" / "huaian-2024-tables.html").read_text(encoding="utf-8")
    page = page.replace("<td>3050</td>", "<td>3051</td>", 1)  # （七）总计 of 总计 off by one
    path = tmp_path / "published.html"
    path.write_text(page, encoding="utf-8")
    result = run("check", str(path), "--json")
    assert result.exit_code == 1
    findings = json.loads(result.output)["files"][0]["findings"]
    t3 = [f for f in findings if f["rule"] in ("T3-ID", "T3-V", "T3-H")]
    assert {f["rule"] for f in t3} == {"T3-ID", "T3-V", "T3-H"}
    assert ["t3.total.total", "表三「（七）总计」行「总计」列"] in [c for f in t3 for c in f["cells"]]


def test_check_on_a_cut_off_report_says_which_tables_are_missing():
    result = run("check", str(CORPUS / "009.txt"))
    assert result.exit_code == 1
    assert "没有表二" in result.output and "没有表三" in result.output and "没有表四" in result.output


def test_checking_a_workbook_does_not_load_the_importer_libraries(examples_dir):
    code = (
        "import sys; from nianbao.sources import read_report; from nianbao.check import check; "
        f"check(read_report({str(next(examples_dir.glob('*.xlsx')))!r})); "
        "print(sorted(m for m in ('lxml', 'docx', 'pypdfium2', 'nianbao.importers') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_import_default_output_sits_beside_the_source_and_the_source_is_untouched(tmp_path):
    source = tmp_path / "峰灵镇.txt"
    source.write_bytes((CORPUS / "seed-fengling-2023.txt").read_bytes())
    before = source.read_bytes()
    assert run("import", str(source)).exit_code == 0
    assert (tmp_path / "峰灵镇.xlsx").exists() and source.read_bytes() == before


def test_import_refuses_to_overwrite_its_source(tmp_path, examples_dir):
    workbook = next(examples_dir.glob("*.xlsx"))
    result = run("import", str(workbook))
    assert result.exit_code == 2 and f"输出文件不能覆盖来源文件（{workbook}）" in result.output

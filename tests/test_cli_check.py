"""nianbao check / template / demo as a user runs them: exit codes, Chinese output, JSON, annotated copy."""

from __future__ import annotations

import json
import subprocess
import sys

from click.testing import CliRunner
from workbooks import consistent_numbers, report, workbook

from nianbao.cli import main


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def test_clean_file_exits_zero_and_says_so(tmp_path):
    result = run("check", workbook(tmp_path / "ok.xlsx"))
    assert result.exit_code == 0
    assert "测试镇人民政府 2024年" in result.output and "结论：通过" in result.output


def test_errors_exit_one_with_the_cell_and_numbers(tmp_path):
    bad = workbook(tmp_path / "bad.xlsx", base=report(consistent_numbers() | {"t4.review.total": 0}))
    result = run("check", bad)
    assert result.exit_code == 1
    assert "错误（1）" in result.output
    assert "表四!E5" in result.output and "T4-S" in result.output and "总计=0，结果维持+结果纠正+其他结果+尚未审结=1，差1" in result.output


def test_json_lists_each_file_with_findings(tmp_path):
    bad = workbook(tmp_path / "bad.xlsx", base=report(consistent_numbers() | {"t4.review.total": 0}))
    ok = workbook(tmp_path / "ok.xlsx")
    result = run("check", bad, ok, "--json")
    data = json.loads(result.output)
    assert result.exit_code == 1
    assert [(f["status"], f["status_label"]) for f in data["files"]] == [("errors", "有错误"), ("passed", "通过")]
    finding = data["files"][0]["findings"][0]
    assert (finding["rule"], finding["severity"], finding["cells"][0], finding["expected"], finding["actual"]) == (
        "T4-S", "error", ["t4.review.total", "表四!E5"], 1, 0)


def test_unusable_file_exits_two_without_traceback(tmp_path):
    (tmp_path / "report.xls").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    ok = workbook(tmp_path / "ok.xlsx")
    result = run("check", tmp_path / "report.xls", ok, "--json")
    assert result.exit_code == 2
    data = json.loads(result.output)
    assert data["files"][0]["status"] == "unreadable" and "另存为" in data["files"][0]["error"]
    assert data["files"][0]["error_kind"] == "LegacyXls"
    assert data["files"][1]["status"] == "passed"
    result = run("check", tmp_path / "nothing.xlsx")
    assert result.exit_code == 2 and "文件不存在" in result.output and "Traceback" not in result.output


def test_last_year_and_annotate(tmp_path):
    last = workbook(tmp_path / "last.xlsx", base=report(consistent_numbers() | {"t3.carried_forward.total": 5}, year=2023))
    this = workbook(tmp_path / "this.xlsx")
    out = tmp_path / "标注.xlsx"
    result = run("check", this, "--last-year", last, "--annotate", out)
    assert result.exit_code == 1
    assert "Y1" in result.output and "上年报告「四、结转下年度继续办理」=5" in result.output
    assert out.exists() and "标注副本" in result.output
    refused = run("check", this, "--annotate", this)
    assert refused.exit_code == 2 and f"输出文件不能覆盖原文件（{this}）" in refused.output


def test_template_and_demo_commands(tmp_path):
    result = run("template", "-o", tmp_path / "t.xlsx")
    assert result.exit_code == 0 and (tmp_path / "t.xlsx").exists()
    result = run("demo", "-o", tmp_path / "demo")
    assert result.exit_code == 0
    assert "巫溪县峰灵镇人民政府 2023年" in result.output and "示例县市场监督管理局 2024年" in result.output
    assert (tmp_path / "demo" / "校验结果" / "示例县市场监督管理局-2024-校验结果.xlsx").exists()
    published = tmp_path / "demo" / "发布" / "巫溪县峰灵镇人民政府2023年政府信息公开工作年度报告"
    assert published.with_suffix(".docx").exists() and published.with_suffix(".html").exists()
    assert not (tmp_path / "demo" / "发布" / "示例县市场监督管理局2024年政府信息公开工作年度报告.docx").exists()
    assert (tmp_path / "demo" / "汇总.xlsx").exists() and "汇总2024年度：计入1个单位" in result.output


def test_check_is_one_quick_process_that_imports_no_pandas(tmp_path):
    path = workbook(tmp_path / "ok.xlsx")
    code = (
        f"import sys\nfrom nianbao.cli import main\ntry:\n    main(['check', {str(path)!r}])\nexcept SystemExit:\n    pass\n"
        "print('PANDAS' if 'pandas' in sys.modules else 'NOPANDAS', 'OPENPYXL' if 'openpyxl' in sys.modules else 'NOOPENPYXL',"
        " 'MERGE' if 'nianbao.merge' in sys.modules else 'NOMERGE')"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip().endswith("NOPANDAS NOOPENPYXL NOMERGE")  # the merge package is a tenth of check's imports


def test_unreadable_last_year_exits_two_naming_it(tmp_path):
    result = run("check", workbook(tmp_path / "ok.xlsx"), "--last-year", tmp_path / "2023.xlsx")
    assert result.exit_code == 2
    assert "上年度报告无法读取" in result.output and "2023.xlsx" in result.output and "文件不存在" in result.output


def test_square_brackets_in_names_and_messages_are_printed_as_typed(tmp_path):
    path = workbook(tmp_path / "[2024]峰灵镇.xlsx")
    result = run("check", path)
    assert "[2024]峰灵镇.xlsx" in result.output
    result = run("check", tmp_path / "[缺]年报.xlsx")
    assert result.exit_code == 2 and "[缺]年报.xlsx" in result.output


def test_a_workbook_whose_text_is_not_written_does_not_pass(tmp_path):
    tables_only = workbook(tmp_path / "只有表格.xlsx", base=report(text={}))
    result = run("check", tables_only)
    assert result.exit_code == 0  # a warning: the clerk writes the text next (nianbao text)
    assert "文字!B3        S12    报告的文字部分还没有写：「一、总体情况」" in result.output
    assert "结论：有警告（0个错误、1个警告、0个提示）" in result.output and "结论：通过" not in result.output

"""nianbao text: default output beside the input, --in-place, refusals."""

from __future__ import annotations

import hashlib

import openpyxl
from click.testing import CliRunner

from nianbao.cli import main
from nianbao.formats import F2021
from nianbao.report import Report
from nianbao.schema import TEXT_SHEET
from nianbao.workbook.build import write_report
from nianbao.workbook.layout import TEXT_VALUE_COL, layout_of


def _workbook(tmp_path):
    report = Report.from_numbers({"t3.new.total": 1, "t3.new.natural_person": 1, "t3.disclosed.natural_person": 1,
                                  "t3.disclosed.total": 1, "t3.total.natural_person": 1, "t3.total.total": 1},
                                 name="某镇人民政府", level="乡镇/街道", region="某省某县", year=2024)
    return write_report(report, tmp_path / "某镇.xlsx")


def _on_request(path):
    return openpyxl.load_workbook(path)[TEXT_SHEET].cell(layout_of(F2021).text_rows["overview.on_request"], TEXT_VALUE_COL).value


def test_default_output_is_a_new_file_beside_the_input(tmp_path):
    src = _workbook(tmp_path)
    digest = hashlib.sha256(src.read_bytes()).hexdigest()
    result = CliRunner().invoke(main, ["text", str(src)])
    assert result.exit_code == 0, result.output
    out = tmp_path / "某镇-文字.xlsx"
    assert f"已写入：{out}（9个栏目写入生成的文字）" in result.output
    assert _on_request(out).startswith("本年度共新收政府信息公开申请1件，均为自然人申请。")
    assert hashlib.sha256(src.read_bytes()).hexdigest() == digest


def test_in_place_writes_the_input_and_a_rerun_keeps_everything(tmp_path):
    src = _workbook(tmp_path)
    assert CliRunner().invoke(main, ["text", str(src), "--in-place"]).exit_code == 0
    assert _on_request(src).startswith("本年度共新收政府信息公开申请1件")
    again = CliRunner().invoke(main, ["text", str(src), "--in-place"])
    assert again.exit_code == 0
    assert "（0个栏目写入生成的文字）" in again.output


def test_output_equal_to_input_needs_in_place(tmp_path):
    src = _workbook(tmp_path)
    result = CliRunner().invoke(main, ["text", str(src), "-o", str(src)])
    assert result.exit_code == 2
    assert "输出文件与原文件相同" in result.output and "--in-place" in result.output


def test_a_file_that_is_not_a_workbook_exits_2(tmp_path):
    bad = tmp_path / "报告.xlsx"
    bad.write_text("不是工作簿", encoding="utf-8")
    result = CliRunner().invoke(main, ["text", str(bad), "-o", str(tmp_path / "x.xlsx")])
    assert result.exit_code == 2
    assert "不是Excel工作簿" in result.output
    assert not (tmp_path / "x.xlsx").exists()


def test_copy_templates_without_a_file(tmp_path):
    result = CliRunner().invoke(main, ["text", "--copy-templates", str(tmp_path / "模板")])
    assert result.exit_code == 0
    assert "已复制9个文字模板" in result.output
    assert (tmp_path / "模板" / "overview.on_request.j2").read_text(encoding="utf-8").startswith("{#")


def test_templates_and_last_year_options(tmp_path):
    from nianbao.examples import EXAMPLES

    src = _workbook(tmp_path)
    last = write_report(EXAMPLES[0].report, tmp_path / "上年.xlsx")
    folder = tmp_path / "本县模板"
    folder.mkdir()
    (folder / "other.j2").write_text("{{ name }}{{ this_year }}未收取信息处理费（本县口径）。", encoding="utf-8")
    out = tmp_path / "结果.xlsx"
    result = CliRunner().invoke(main, ["text", str(src), "-o", str(out), "--templates", str(folder), "--last-year", str(last)])
    assert result.exit_code == 0, result.output
    ws = openpyxl.load_workbook(out)[TEXT_SHEET]
    assert ws.cell(layout_of(F2021).text_rows["other"], TEXT_VALUE_COL).value == "某镇人民政府2024年未收取信息处理费（本县口径）。"
    improvements = ws.cell(layout_of(F2021).text_rows["problems.improvements"], TEXT_VALUE_COL).value
    assert improvements.startswith("针对2023年度报告提出的问题，整改情况如下：\n一是关于“部分信息公开不够及时”的问题")


def test_a_broken_template_exits_2_with_the_reason(tmp_path):
    """A county's broken template is not the report's error: 2, not 1."""
    src = _workbook(tmp_path)
    (tmp_path / "模板").mkdir()
    (tmp_path / "模板" / "other.j2").write_text("{{ 不存在 }}", encoding="utf-8")
    result = CliRunner().invoke(main, ["text", str(src), "--templates", str(tmp_path / "模板")])
    assert result.exit_code == 2
    assert "文字模板“other.j2”使用了不存在的变量" in result.output
    assert not (tmp_path / "某镇-文字.xlsx").exists()


def test_an_unfilled_template_gets_no_text(tmp_path):
    from nianbao.workbook.build import write_template

    blank = write_template(tmp_path / "空白.xlsx")
    result = CliRunner().invoke(main, ["text", str(blank)])
    assert result.exit_code == 1
    assert "表二全部空白，尚未填写" in result.output and "请先填写表格，再生成文字" in result.output
    assert not (tmp_path / "空白-文字.xlsx").exists()


def test_text_from_tables_with_errors_warns_on_the_terminal(tmp_path):
    from nianbao.narrative import ERRORS_NOTE

    wrong = Report.from_numbers({"t3.new.total": 2, "t3.new.natural_person": 1}, name="某镇人民政府", level="乡镇/街道",
                                region="某省某县", year=2024)
    src = write_report(wrong, tmp_path / "某镇.xlsx")
    result = CliRunner().invoke(main, ["text", str(src)])
    assert result.exit_code == 0
    assert ("注意：表格有3个错误（表三!D29 T3-ID；表三!J5 T3-H；表三!J29 T3-ID），文字是按这些数字生成的，其中的数字可能不对；"
            "每个写入的栏目开头已注明【请核对】") in result.output
    assert _on_request(tmp_path / "某镇-文字.xlsx").startswith(ERRORS_NOTE + "\n本年度共新收政府信息公开申请2件")

"""The recipes of docs/architecture.md, each followed in a test: add a row, a format, a rule, an output, an
importer, and see the template, check, merge and export follow with no other change.

(The recipe "add a format" is tests/test_formats.py, with tests/testformat.py's T2099.) Each test
declares its own format id, registered only while it runs, so what is built per format (rules, layout)
for it is never seen by another test.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import docx
import openpyxl
import pytest
from workbooks import consistent_numbers, report, workbook

from nianbao import rules
from nianbao.check import check
from nianbao.export import WRITERS, ExportRefused, Writer, beside, export
from nianbao.export.blocks import blocks
from nianbao.export.html import render_html
from nianbao.formats import F2021, register, unregister
from nianbao.importers.load import LOADERS, load_text
from nianbao.merge import merge
from nianbao.outputs import Kind
from nianbao.report import Report, Severity
from nianbao.rules import RULES, Equation, RuleInfo, Term
from nianbao.schema import Format, Node, leaf
from nianbao.sources import read_report
from nianbao.workbook.build import build_template
from nianbao.workbook.layout import layout_of
from nianbao.workbook.read import read_workbook

NEW_ROW = leaf("4.测试新增的其他处理情形", "other_test")


@pytest.fixture
def registered():
    """Register formats for one test: ``registered(fmt)``; they are forgotten after it."""
    ids: list[str] = []

    def add(fmt: Format) -> Format:
        ids.append(fmt.id)
        return register(fmt)

    yield add
    for format_id in ids:
        unregister(format_id)


def _with_row(node: Node) -> Node:
    if node.key == "other":  # （六）其他处理: one more case, after 3.其他
        return replace(node, children=(*node.children, NEW_ROW))
    return replace(node, children=tuple(_with_row(c) for c in node.children))


def with_a_row(format_id: str) -> Format:
    """Recipe "add a row": the 2021 format with one more leaf in 表三's row tree — nothing else declared."""
    t3 = F2021.tables["t3"]
    (section,) = t3.sections
    table = replace(t3, sections=(replace(section, rows=tuple(_with_row(r) for r in section.rows)),))
    return replace(F2021, id=format_id, name="测试用格式（表三（六）增加一行）", template_version="2097.1",
                   tables={**F2021.tables, "t3": table}, previous="F2021", from_previous={})


def _numbers_with_the_new_row(n: int) -> dict[str, int]:
    """Consistent numbers with ``n`` applications of the new case, from 自然人 (一 and 三（七） grow with it)."""
    numbers = consistent_numbers()
    for cid in ("t3.other_test.natural_person", "t3.other_test.total"):
        numbers[cid] = n
    for row in ("new", "total"):
        numbers[f"t3.{row}.natural_person"] += n
        numbers[f"t3.{row}.total"] += n
    return numbers


def test_add_a_row_template_check_merge_and_export_follow(registered, tmp_path):
    fmt = registered(with_a_row("T2097"))
    where = layout_of(fmt).positions["t3.other_test.natural_person"]  # 表三!D28, the rows below one lower
    ws = build_template(fmt)["表三"]
    assert (where.a1, ws.cell(where.row, 3).value) == ("D28", "4.测试新增的其他处理情形")
    # （七）总计 (row 29) sums （一）…（六）: the template's live check takes the new row in
    t3v = '=IF(SUM(D29)=SUM(D7:D28),"","✗ 差"&ABS(SUM(D29)-SUM(D7:D28)))'
    assert t3v in [ws.cell(r, 4).value for r in range(30, ws.max_row + 1)]
    checks = [f for f in check(report(_numbers_with_the_new_row(2), format="T2097")) if f.severity is Severity.ERROR]
    assert checks == []
    broken = _numbers_with_the_new_row(2)
    broken["t3.total.natural_person"] -= 2  # （七）总计 left without the new case
    broken["t3.total.total"] -= 2
    found = {(f.rule, f.cells[0].id) for f in check(report(broken, format="T2097"))}
    assert ("T3-V", "t3.total.natural_person") in found

    inbox = tmp_path / "收件箱"
    inbox.mkdir()
    workbook(inbox / "甲镇.xlsx", report(_numbers_with_the_new_row(2), name="甲镇人民政府", format="T2097"))
    workbook(inbox / "乙镇.xlsx", report(_numbers_with_the_new_row(3), name="乙镇人民政府", format="T2097"))
    result = merge([inbox], tmp_path / "汇总.xlsx")
    assert result.batch.format is fmt and result.summary.values["t3.other_test.total"] == 5
    assert result.summary_findings == [] and [u.findings for u in result.batch.units] == [[], []]

    assert "4.测试新增的其他处理情形" in render_html(read_workbook(inbox / "甲镇.xlsx"))
    written = export(inbox / "甲镇.xlsx", docx=tmp_path / "甲镇.docx").written
    table3 = docx.Document(str(written[0])).tables[1]
    assert [c.text for c in table3.rows[where.row - 2].cells if c.text in ("4.测试新增的其他处理情形", "2")][:2] == ["4.测试新增的其他处理情形", "2"]


def _the_test_rule(fmt: Format):
    """Recipe "add a rule": a builder in rules.CHECK_BUILDERS making the rule's checks for a format (here only
    for the test's own format, so that no other format's cached checks hold it)."""
    if fmt.id == "T2096":
        yield Equation("X1", Severity.ERROR, (Term("t2.rules.in_force"),), (Term("t2.rules.issued"),),
                       "表二「规章」", "现行有效件数", "本年制发件数", axis="row").check()


@pytest.fixture
def a_rule(registered, monkeypatch):
    monkeypatch.setitem(RULES, "X1", RuleInfo("X1", "测试规则：规章现行有效件数等于本年制发件数", "测试", Severity.ERROR))
    monkeypatch.setattr(rules, "CHECK_BUILDERS", [*rules.CHECK_BUILDERS, _the_test_rule])
    return registered(replace(F2021, id="T2096", name="测试用格式（增加规则X1）", template_version="2096.1"))


def _rules_report(issued: int, in_force: int, **meta) -> Report:
    numbers = consistent_numbers() | {"t2.rules.issued": issued, "t2.rules.in_force": in_force}
    return report(numbers, format="T2096", level="市级政府", **meta)


def test_add_a_rule_check_template_merge_and_export_follow(a_rule, tmp_path):
    (x1,) = [f for f in check(_rules_report(2, 5)) if f.rule == "X1"]
    assert (x1.severity, x1.cells[0].id, x1.message) == (Severity.ERROR, "t2.rules.in_force", "表二「规章」：现行有效件数=5，本年制发件数=2，差3")
    assert [f for f in check(_rules_report(2, 2)) if f.rule == "X1"] == []
    in_force = layout_of(a_rule).positions["t2.rules.in_force"]
    ws = build_template(a_rule)["表二"]
    live = [ws.cell(in_force.row, c).value for c in range(1, ws.max_column + 1)]
    assert f'=IF(SUM({in_force.a1})=SUM(B{in_force.row}),"","✗ 差"&ABS(SUM({in_force.a1})-SUM(B{in_force.row})))' in live

    inbox = tmp_path / "收件箱"
    inbox.mkdir()
    workbook(inbox / "甲市.xlsx", _rules_report(2, 5, name="甲市人民政府"))
    workbook(inbox / "乙市.xlsx", _rules_report(1, 1, name="乙市人民政府"))
    units = {u.display: [f.rule for f in u.findings] for u in merge([inbox], None).batch.units}
    assert units == {"甲市人民政府": ["X1"], "乙市人民政府": []}

    with pytest.raises(ExportRefused) as refused:
        export(inbox / "甲市.xlsx", html=tmp_path / "甲市.html")
    assert [f.rule for f in refused.value.errors] == ["X1"]


def _write_text(report: Report, path: Path, made_from: Path | None) -> list[str]:
    lines = [b.text for b in blocks(report) if b.kind != "table"]
    path.write_text("\n".join(lines), encoding="utf-8")
    return []


def test_add_an_output_export_and_the_excel_button_follow(monkeypatch, tmp_path):
    monkeypatch.setitem(WRITERS, ".txt", Writer(Kind("文本文件", (".txt",)), "导出纯文本。", _write_text, beside=True))
    source = workbook(tmp_path / "测试镇.xlsx")
    (tmp_path / "发布").mkdir()
    result = export(source, txt=tmp_path / "发布")  # a folder: the file is named after the workbook
    assert result.written == [tmp_path / "发布" / "测试镇.txt"]
    text = result.written[0].read_text(encoding="utf-8")
    assert text.splitlines()[0] == result.report.meta.title and "一、总体情况" in text
    assert beside(source) == {"docx": tmp_path / "测试镇.docx", "html": tmp_path / "测试镇.html", "txt": tmp_path / "测试镇.txt"}
    with pytest.raises(TypeError, match="no writer named odt"):
        export(source, odt=tmp_path / "x.odt")


def test_add_an_importer_check_reads_the_new_kind_of_file(monkeypatch, tmp_path):
    published = Path(__file__).parent / "fixtures" / "import" / "digits-ambiguous.txt"
    copy = tmp_path / "年报.md"
    copy.write_bytes(published.read_bytes())
    with pytest.raises(Exception, match="不支持“.md”文件"):
        read_report(copy)
    monkeypatch.setitem(LOADERS, ".md", load_text)  # a Markdown copy of a published report is its text
    as_text, as_markdown = read_report(published), read_report(copy)
    assert as_markdown.values == as_text.values and as_markdown.text == as_text.text
    assert [f.rule for f in check(as_markdown)] == [f.rule for f in check(as_text)]


def test_the_workbooks_read_back_in_their_format(registered, tmp_path):
    fmt = registered(with_a_row("T2095"))
    path = workbook(tmp_path / "甲镇.xlsx", report(_numbers_with_the_new_row(1), format="T2095"))
    again = read_workbook(path)
    assert again.format is fmt and again.values["t3.other_test.natural_person"] == 1
    assert openpyxl.load_workbook(path)["_nianbao"]["B1"].value == "T2095"

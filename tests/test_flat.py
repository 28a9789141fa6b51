"""Flat tables (one row per unit): headers matched to cells by their labels, never by position (issue 13)."""

from __future__ import annotations

import random
import zipfile

import pytest
import python_calamine
from click.testing import CliRunner
from shapebooks import FORM_COLUMNS, STYLES, flat_rows, flat_table, header, write_rows
from unitbooks import one_application, unit_book, unit_report

from nianbao.cli import main
from nianbao.formats import F2021
from nianbao.headers import match_header
from nianbao.merge import merge
from nianbao.merge.batch import DUPLICATE, SEVERAL, SKIPPED
from nianbao.report import findings_table
from nianbao.sources import read_parts
from nianbao.workbook.flat import MAX_CSV_BYTES

# Three units: consistent numbers, one with a cell typed as text, one with a blank and an amount.
REPORTS = [
    unit_report("示例县甲局", {**one_application(), "t2.licensing.decisions": 7, "t4.review.upheld": 1, "t4.review.total": 1}),
    unit_report("示例县乙镇人民政府", {**one_application("business", "partial"), "t2.fees.amount": 1.25,
                                  "t2.normative.issued": 2, "t2.normative.in_force": 9}, level="乡镇/街道",
                raw={"t2.punishment.decisions": "十二"}),
    unit_report("示例县丙局", {**one_application("research", "unavailable_not_held"), "t2.coercion.decisions": 3}),
]


@pytest.fixture(scope="module")
def direct(tmp_path_factory):
    """The same units as ordinary workbooks, merged: what every shape must give."""
    folder = tmp_path_factory.mktemp("direct")
    for i, r in enumerate(REPORTS):
        unit_book(folder / f"{i}.xlsx", r.meta.name, {c: v for c, v in r.values.items() if v is not None},
                  level=r.meta.level, raw=r.raw)
    return merge([folder], None)


def _same_totals(result, direct) -> None:
    assert result.summary.values == direct.summary.values
    assert [(f.rule, f.address, f.message) for f in result.summary_findings] == [
        (f.rule, f.address, f.message) for f in direct.summary_findings]
    assert sorted(u.display for u in result.batch.counted) == sorted(u.display for u in direct.batch.counted)


@pytest.mark.parametrize("style", STYLES)
@pytest.mark.parametrize("kind, encoding", [("csv", "utf-8-sig"), ("csv", "utf-8"), ("csv", "gbk"), ("xlsx", None)])
def test_every_header_style_and_encoding_gives_the_totals_of_the_unit_files(style, kind, encoding, tmp_path, direct):
    path = flat_table(tmp_path / f"表单.{kind}", REPORTS, style, encoding or "utf-8", title="2024年各单位政府信息公开数据")
    result = merge([path], tmp_path / "汇总.xlsx")
    _same_totals(result, direct)
    first = result.batch.records[0]
    assert [c.cell for c in first.columns if c.cell] == list(F2021.cell_ids)
    assert {c.header: c.how for c in first.columns if c.header in FORM_COLUMNS} == dict.fromkeys(FORM_COLUMNS, "未对应")
    # Each unit is a row of the file, and the findings point at its cells.
    town = next(u for u in result.batch.units if u.display == "示例县乙镇人民政府")
    sheet = "表单" if kind == "csv" else "单位数据"
    top = 3 if style != "rows" else 5  # title, header row(s), then 甲局
    assert town.record.part == f"第{top + 1}行"
    assert [(f.rule, f.address) for f in town.findings if f.rule == "N4"] == [("N4", f"{sheet}!{_letter(6 + F2021.cell_ids.index('t2.punishment.decisions'))}{top + 1}")]


def _letter(n: int) -> str:
    from nianbao.workbook.layout import column_letter

    return column_letter(n)


def test_columns_in_any_order_are_read_by_header_not_position(tmp_path, direct):
    order = list(F2021.cell_ids)
    random.Random(13).shuffle(order)
    result = merge([flat_table(tmp_path / "乱序.csv", REPORTS, "dash", order=order)], None)
    _same_totals(result, direct)


def test_a_header_naming_several_cells_is_listed_never_guessed(tmp_path):
    rows = flat_rows(REPORTS, "dash")
    at = 5 + F2021.cell_ids.index("t3.new.natural_person")  # 序号, 提交时间, 名称, 层级, 年度 come first
    rows[0][at] = "自然人"  # fits the 自然人 column of all 25 rows of 表三
    path = write_rows(tmp_path / "表单.csv", rows)
    parts = read_parts(path)
    column = next(c for c in parts.columns if c.header == "自然人")
    assert (column.cell, column.how, len(column.candidates)) == (None, "多义", 25)
    result = merge([path], None)
    # The cell is unread in every row, not 0 and not taken from the column's place.
    h1 = [f for f in result.summary_findings if f.rule == "H1"]
    assert [f.cells[0].id for f in h1] == ["t2.punishment.decisions", "t3.new.natural_person"]  # the first: 乙镇's 十二
    assert h1[1].message.endswith("的该项无法读取，未计入（已计入0个单位）")
    assert all(findings_table(f for f in u.findings if f.rule == "C1") == [("C1", "unread", "")] for u in result.batch.counted)
    note = next(s.note for s in result.batch.submissions if s.category == SEVERAL and s.unit == "")
    assert "C「自然人」（多义）" not in note and "「自然人」（多义）" in note
    assert "1个单元格没有对应的列（各单位的该项未读取）：表三「一、本年新收政府信息公开申请数量」「自然人」" in note


def test_two_columns_naming_one_cell_are_neither_read(tmp_path):
    rows = flat_rows(REPORTS, "dash")
    for row in rows:
        row.append(row[5 + F2021.cell_ids.index("t2.licensing.decisions")])
    rows[0][-1] = "行政许可"  # names the same cell as 表二-行政许可-本年处理决定数量
    parts = read_parts(write_rows(tmp_path / "表单.csv", rows))
    doubled = [c for c in parts.columns if c.how.startswith("重复")]
    assert [(c.header, c.cell) for c in doubled] == [("表二-行政许可-本年处理决定数量", None), ("行政许可", None)]
    assert all(p.report.values["t2.licensing.decisions"] is None for p in parts.parts)


def test_column_map_overrides_and_names_what_no_label_says(tmp_path, direct):
    rows = flat_rows(REPORTS, "dash", extra=False)
    own = {cid: f"问题{i}" for i, cid in enumerate(F2021.cell_ids, start=1)}  # a form's own question texts
    rows[0] = ["填报单位", "机关层级", "报告年度", *own.values()]
    path = write_rows(tmp_path / "表单.csv", rows, encoding="gbk")
    assert merge([path], None).batch.counted == []  # nothing is guessed from positions
    mapping = tmp_path / "对应表.csv"
    mapping.write_text("表头,单元格编号\n" + "".join(f"{h},{cid}\n" for cid, h in own.items()), encoding="utf-8")
    result = merge([path], None, columns=mapping)
    _same_totals(result, direct)
    assert {c.how for c in result.batch.records[0].columns if c.cell} == {"按对应表"}


def test_a_misspelled_header_is_read_into_nothing_and_the_cell_it_looks_like_is_said(tmp_path, direct):
    rows = flat_rows(REPORTS, "paren")
    col = rows[0].index("一、本年新收政府信息公开申请数量（自然人）")
    rows[0][col] = "一、本年新收政府信息公开申请数量（自燃人）"
    path = write_rows(tmp_path / "表单.csv", rows, encoding="gbk")
    result = CliRunner().invoke(main, ["merge", str(path), "-o", str(tmp_path / "汇总.xlsx")])
    assert result.exit_code == 2  # the cell is unread in every row: never 0, never the neighbour's column
    letter = read_parts(path).columns[col].letter
    line = (f"  {letter}「一、本年新收政府信息公开申请数量（自燃人）」→ （未读取：未对应。像是t3.new.natural_person  "
            "表三「一、本年新收政府信息公开申请数量」「自然人」（表头可能写错了字），如果是，在 --columns 对应表中写一行："
            "一、本年新收政府信息公开申请数量（自燃人）,t3.new.natural_person）")
    assert line in result.output.splitlines()
    first = merge([path], None)
    assert [p.report.values["t3.new.natural_person"] for p in read_parts(path).parts] == [None, None, None]
    assert "（未对应，像是表三「一、本年新收政府信息公开申请数量」「自然人」）" in first.batch.submissions[0].note
    # The line as printed, pasted into a column map, reads the column.
    mapping = tmp_path / "对应表.csv"
    mapping.write_text("表头,单元格编号\n" + line.split("写一行：")[1][:-1] + "\n", encoding="utf-8")
    _same_totals(merge([path], None, columns=mapping), direct)
    # A header far from every cell's labels, or too short to tell, is near none.
    from nianbao.headers import nearest

    assert [nearest(h) for h in ("提交答卷时间", "来自IP", "自燃人", "本年新收申请（自然人）", "予以公开—自燃人", "行政复议—结果围持")] == [
        None, None, None, None, "t3.disclosed.natural_person", "t4.review.upheld"]


def test_a_bad_column_map_is_refused_naming_the_row(tmp_path):
    mapping = tmp_path / "对应表.csv"
    mapping.write_text("表头,单元格编号\n新收,t3.new.total\n受理,t9.nothing\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["merge", str(tmp_path), "-o", str(tmp_path / "汇总.xlsx"), "--columns", str(mapping)])
    assert result.exit_code == 2
    assert "对应表第3行：「t9.nothing」不是单元格编号" in result.output


def test_a_total_row_is_compared_and_not_counted(tmp_path, direct):
    rows = flat_rows(REPORTS, "dash", extra=False)
    total = ["合计", "", 2024] + [sum(r.values.get(cid) or 0 for r in REPORTS) for cid in F2021.cell_ids]
    total[3 + F2021.cell_ids.index("t3.new.total")] += 1  # one off: said, and still not counted
    rows.append(total)
    result = merge([write_rows(tmp_path / "表单.xlsx", rows)], None)
    _same_totals(result, direct)
    skipped = [(s.file, s.note) for s in result.batch.submissions if s.category == SKIPPED]
    at = _letter(4 + F2021.cell_ids.index("t3.new.total"))
    assert skipped == [("表单.xlsx（第5行）", f"合计行，不是单位，未计入；与各单位之和不一致（单位数据!{at}5合计4、各单位之和3），请核对")]


def test_a_unit_submitted_twice_counts_its_later_row(tmp_path):
    first = unit_report("示例县甲局", one_application())
    again = unit_report("示例县甲局", {**one_application(), "t2.licensing.decisions": 5})
    result = merge([flat_table(tmp_path / "表单.csv", [first, REPORTS[2], again])], None)
    assert result.summary.values["t2.licensing.decisions"] == 5 + 0
    assert [(s.category, s.file, s.note) for s in result.batch.submissions if s.category == DUPLICATE] == [
        (DUPLICATE, "表单.csv（第2行）", "采用同一文件中靠后的「第4行」（表格中靠后的通常是较晚的提交）")]


def test_every_row_and_column_is_accounted_for_in_the_submission_sheet(tmp_path):
    rows = flat_rows(REPORTS, "dash")
    rows.insert(2, [None] * 5)  # an empty row: not a row of anything
    rows.append(["注：本表由表单系统导出"])
    path = write_rows(tmp_path / "表单.csv", rows)
    result = merge([path], tmp_path / "汇总.xlsx")
    listed = {(s.category, s.file) for s in result.batch.submissions}
    assert {("多单位文件", f"表单.csv（第{n}行）") for n in (2, 4, 5)} <= listed  # row 3 is empty: no row of anything
    assert ("已跳过", "表单.csv（第6行）") in listed
    sheet = python_calamine.CalamineWorkbook.from_path(str(tmp_path / "汇总.xlsx")).get_sheet_by_name("报送情况").to_python()
    assert [r[2] for r in sheet if r[0] == "多单位文件"] == ["表单.csv", "表单.csv（第2行）", "表单.csv（第4行）", "表单.csv（第5行）"]


def test_the_detail_sheet_of_a_merge_round_trips(tmp_path):
    folder = tmp_path / "收件箱"
    for i, r in enumerate(REPORTS):
        unit_book(folder / f"{i}.xlsx", r.meta.name, {c: v for c, v in r.values.items() if v is not None},
                  level=r.meta.level, raw=r.raw)
    (folder / "坏.xlsx").write_bytes(b"")
    first = merge([folder], tmp_path / "汇总.xlsx")
    detail = python_calamine.CalamineWorkbook.from_path(str(tmp_path / "汇总.xlsx")).get_sheet_by_name("明细")
    rows = detail.to_python(skip_empty_area=False)
    for path in (write_rows(tmp_path / "明细.csv", rows), write_rows(tmp_path / "明细.xlsx", rows),
                 write_rows(tmp_path / "无编号行.csv", rows[1:])):  # without the hidden row of ids: by the three header rows
        again = merge([path], tmp_path / f"{path.stem}-汇总.xlsx")
        assert again.summary.values == first.summary.values, path.name
        assert again.batch.headline() == first.batch.headline() == "汇总2024年度：计入3个单位（通过2个、有警告1个），另有1个文件无法读取"
        assert [(u.display, u.status) for u in again.batch.units] == [(u.display, u.status) for u in first.batch.units]


def test_check_prints_the_mapping_and_each_rows_findings(tmp_path):
    path = flat_table(tmp_path / "表单.csv", REPORTS, "paren")
    result = CliRunner().invoke(main, ["check", str(path)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith(f"表格「{path}」的列对应（表头 → 单元格编号）：表格（「表单」）按表头对应了203列：单元格200列、单位信息3列；2列没有读取")
    assert "  F「规章（本年制发件数）」→ t2.rules.issued  表二「规章」「本年制发件数」" in lines
    assert f"示例县乙镇人民政府 2024年  {path}（第3行）" in lines
    assert lines[-1] == "共1个文件（3项）：通过2个、有警告1个"


# --- hostile ---------------------------------------------------------------------------------------------


def test_a_csv_too_large_is_refused_before_it_is_parsed(tmp_path):
    big = tmp_path / "导出.csv"
    with open(big, "wb") as f:
        f.write("单位名称,表三-（一）予以公开-自然人\n".encode())
        f.truncate(100 << 20)  # 100 MB (sparse: nothing is written, nothing must be read)
    result = merge([big, flat_table(tmp_path / "表单.csv", REPORTS[:1])], None)
    bad = next(u for u in result.batch.units if not u.readable)
    assert MAX_CSV_BYTES < 100 << 20
    assert bad.record.error == "表格文件有100 MB，超出合理大小（上限50 MB），未读取"
    assert result.summary.values["t3.new.total"] == 1


def test_headers_with_formulas_are_text_or_unread_never_run(tmp_path, direct):
    rows = flat_rows(REPORTS, "dash")
    rows[0][0] = '=HYPERLINK("http://example.com","序号")'
    rows[0][1] = "=1+1"
    result = merge([write_rows(tmp_path / "表单.csv", rows)], tmp_path / "汇总.xlsx")
    _same_totals(result, direct)
    note = next(s.note for s in result.batch.submissions if s.category == SEVERAL and s.unit == "")
    assert '2列没有读取：A「=HYPERLINK("http://example.com","序号")」（未对应）、B「=1+1」（未对应）' in note
    with zipfile.ZipFile(tmp_path / "汇总.xlsx") as z:
        xml = "".join(z.read(n).decode() for n in z.namelist() if n.startswith(("xl/worksheets/", "xl/sharedStrings")))
    assert "HYPERLINK" in xml and "<f>" not in xml  # the header is written as text, never as a formula


def test_header_cells_that_are_formulas_without_a_result_leave_their_column_unread_and_said(tmp_path, direct):
    rows = flat_rows(REPORTS, "dash")
    at = 5 + F2021.cell_ids.index("t2.licensing.decisions")
    rows[0][at] = '="表二-行政许可-"&"本年处理决定数量"'  # openpyxl saves no result: the header reads as blank
    path = write_rows(tmp_path / "表单.xlsx", rows)
    result = merge([path], None)
    column = next(c for c in result.batch.records[0].columns if c.index == at)
    assert (column.header, column.cell, column.how) == ("", None, "没有表头（或表头是没有保存计算结果的公式）")
    h1 = [f.cells[0].id for f in result.summary_findings if f.rule == "H1"]
    assert h1 == ["t2.licensing.decisions", "t2.punishment.decisions"]  # unread, never taken from its place


@pytest.mark.parametrize("content, message", [
    (b"\x00\x01\x02" * 100, "表格文件中有二进制内容，不是CSV文件"),
    (("单位名称,表三-（一）予以公开-自然人\n甲," + "1" * 200_000 + "\n").encode(), "表格文件第2行无法按CSV读取"),
    (b"\xff\xfe\xfd\x80\x81" * 50, "表格文件的编码无法识别"),
])
def test_hostile_csv_gets_a_chinese_message(tmp_path, content, message):
    (tmp_path / "x.csv").write_bytes(content)
    result = merge([tmp_path / "x.csv"], None)
    assert result.batch.units[0].record.error.startswith(message)


def test_a_csv_with_no_statutory_column_is_passed_over_not_a_unit(tmp_path):
    (tmp_path / "通讯录.csv").write_text("姓名,电话\n张三,123\n", encoding="utf-8")
    flat_table(tmp_path / "表单.csv", REPORTS[:1])
    result = merge([tmp_path], None)
    assert [u.display for u in result.batch.units] == ["示例县甲局"]
    assert [(s.category, s.file) for s in result.batch.submissions if s.category == SKIPPED] == [(SKIPPED, "通讯录.csv")]


def test_headers_as_people_write_them():
    assert [match_header(h).cell for h in (
        "表三-（一）予以公开-自然人", "一、本年新收政府信息公开申请数量（自然人）", "3.其他-自然人", "（七）总计（总计）",
        "第12题 行政复议（尚未审结）", "行政事业性收费-本年收费金额", "规范性文件-现行有效件数", "本年新收申请（件）",
        "12、行政事业性收费—本年收费金额（万元）", "一、本年新收政府信息公开申请数量—自燃人",
    )] == ["t3.disclosed.natural_person", "t3.new.natural_person", "t3.other_other.natural_person", "t3.total.total",
           "t4.review.pending", "t2.fees.amount", "t2.normative.in_force", None, "t2.fees.amount", None]
    assert all(match_header("-".join(header(cid, "rows"))).cell == cid for cid in F2021.cell_ids)
    assert [len(match_header(h).candidates) for h in ("自然人", "总计", "表四-结果维持", "规章")] == [25, 28, 3, 3]
    assert match_header("提交时间").candidates == () and match_header("提交时间").cell is None


def test_merge_and_check_json_of_a_flat_table_validate_against_the_schema(tmp_path):
    import json

    from test_json_output import valid

    path = flat_table(tmp_path / "表单.csv", [*REPORTS, unit_report("示例县丙局", one_application())], "rows")
    merged = CliRunner().invoke(main, ["merge", str(path), "-o", str(tmp_path / "汇总.xlsx"), "--json"])
    doc = valid(json.loads(merged.output))
    assert [(f["part"], f["outcome"]) for f in doc["files"]] == [
        ("第4行", "used"), ("第5行", "used"), ("第6行", "not_used"), ("第7行", "used")]
    assert [(c["column"], c["header"], c["cell"], c["field"], c["how"]) for c in doc["files"][0]["columns"][:3]] == [
        ("A", "序号", None, None, "未对应"), ("B", "提交时间", None, None, "未对应"), ("C", "单位名称", None, "name", "按表头")]
    assert doc["files"][0]["columns"][5] == {"sheet": "表单", "column": "F", "header": "表二-规章-本年制发件数",
                                             "cell": "t2.rules.issued", "field": None, "how": "按表头"}
    assert "columns" not in doc["files"][1]
    assert [u["part"] for u in doc["units"]] == ["第7行", "第5行", "第4行"]
    checked = CliRunner().invoke(main, ["check", str(path), "--json"])
    doc = valid(json.loads(checked.output))
    assert [(f["part"], f["status"]) for f in doc["files"]] == [
        ("第4行", "passed"), ("第5行", "warnings"), ("第6行", "passed"), ("第7行", "passed")]

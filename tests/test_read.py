"""The reader: every kind of cell content kept apart, tables found wherever they are, unusable files named."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import openpyxl
import pytest
from workbooks import report, workbook

from nianbao.errors import CorruptWorkbook, EmptyFile, EncryptedWorkbook, FileMissing, LegacyXls, NotAWorkbook
from nianbao.formats import F2021
from nianbao.grid import table_grid
from nianbao.report import Severity, State
from nianbao.workbook.read import read_workbook

# cell id → (typed value, expected number, expected state, expected (rule, severity) or None)
CATALOGUE = {
    "t3.new.natural_person": (0, 0, State.NUMBER, None),
    "t3.new.business": (None, None, State.BLANK, ("N3", Severity.WARNING)),
    "t3.new.research": ("/", None, State.NOT_APPLICABLE, ("N3", Severity.WARNING)),
    "t3.new.public_interest": ("—", None, State.NOT_APPLICABLE, ("N3", Severity.WARNING)),
    "t3.new.legal_services": ("不适用", None, State.NOT_APPLICABLE, ("N3", Severity.WARNING)),
    "t3.carried_over.natural_person": ("无", None, State.TEXT, ("N4", Severity.WARNING)),
    "t3.carried_over.business": ("12件", 12, State.NUMBER, ("N4", Severity.WARNING)),
    "t3.carried_over.research": ("十二", None, State.TEXT, ("N4", Severity.WARNING)),
    "t3.carried_over.public_interest": ("１２", 12, State.NUMBER, ("N4", Severity.WARNING)),
    "t3.carried_over.legal_services": (-3, -3, State.NUMBER, ("N1", Severity.ERROR)),
    "t3.carried_over.other_org": (2.5, 2.5, State.NUMBER, ("N1", Severity.ERROR)),
    "t3.disclosed.natural_person": ("=1+1", None, State.FORMULA, ("N5", Severity.ERROR)),
    "t3.disclosed.business": ("7", 7, State.NUMBER, None),
    "t3.disclosed.research": (dt.datetime(2024, 1, 2), None, State.TEXT, ("N4", Severity.WARNING)),
    "t2.rules.issued": ("/", None, State.NOT_APPLICABLE, ("N3", Severity.INFO)),
    "t2.fees.amount": (190.4573791, 190.4573791, State.NUMBER, ("N2", Severity.WARNING)),
    "t4.review.upheld": ("1,234", 1234, State.NUMBER, ("N4", Severity.WARNING)),
}


@pytest.fixture(scope="module")
def catalogue(tmp_path_factory):
    path = workbook(tmp_path_factory.mktemp("cat") / "cat.xlsx", cells={c: v[0] for c, v in CATALOGUE.items()})
    return read_workbook(path)


def findings_at(r, cid):
    return [(f.rule, f.severity) for f in r.findings if any(c.id == cid for c in f.cells)]


@pytest.mark.parametrize("cid", list(CATALOGUE))
def test_each_kind_of_cell_content_is_read_apart(catalogue, cid):
    _, number, state, finding = CATALOGUE[cid]
    assert catalogue.values[cid] == number
    assert catalogue.state(cid) is state
    assert findings_at(catalogue, cid) == ([finding] if finding else [])


def test_messages_name_the_cell_and_what_was_typed(catalogue):
    by_cell = {f.cells[0].id: f for f in catalogue.findings if f.cells}
    assert by_cell["t3.carried_over.business"].address == "表三!E6"
    assert "「12件」，按12读取" in by_cell["t3.carried_over.business"].message
    assert "「十二」不是数字" in by_cell["t3.carried_over.research"].message
    assert "全角数字「１２」按12读取" in by_cell["t3.carried_over.public_interest"].message
    assert "不能为负数，填了-3" in by_cell["t3.carried_over.legal_services"].message
    assert "应为整数，填了2.5" in by_cell["t3.carried_over.other_org"].message
    assert "公式但没有保存计算结果" in by_cell["t3.disclosed.natural_person"].message
    assert "190.4573791万元有7位小数" in by_cell["t2.fees.amount"].message
    assert catalogue.raw["t3.carried_over.business"] == "12件"


def test_amount_typed_in_yuan_is_converted_with_a_warning(tmp_path):
    r = read_workbook(workbook(tmp_path / "y.xlsx", cells={"t2.fees.amount": "251000元"}))
    assert r.values["t2.fees.amount"] == 25.1
    assert [(f.rule, f.address) for f in r.findings] == [("N4", "表二!B15")]
    assert "按25.1万元读取" in r.findings[0].message


def test_blank_cells_are_one_warning_per_row_and_a_blank_table_is_an_error(tmp_path):
    base = report()
    for cid in [c for c in base.values if c.startswith("t4.")]:
        base.values[cid] = None
        base.states[cid] = State.BLANK
    r = read_workbook(workbook(tmp_path / "b.xlsx", base=base, cells={"t3.new.business": None, "t3.new.research": None}))
    rows = [(f.rule, f.severity, f.address, len(f.cells)) for f in r.findings]
    assert ("N3", Severity.WARNING, "表三!E5", 2) in rows
    assert ("C1", Severity.ERROR, "表四!A5", 15) in rows
    assert "表三「一、本年新收政府信息公开申请数量」行有2个空白单元格（表三!E5—F5）" in r.findings[0].message


def test_meta_text_and_format_are_read(tmp_path):
    base = report(name="巫溪县峰灵镇人民政府", year=2023, text={"other": "未收取信息处理费。"})
    r = read_workbook(workbook(tmp_path / "m.xlsx", base=base))
    assert (r.meta.name, r.meta.level, r.meta.year, r.meta.format) == ("巫溪县峰灵镇人民政府", "乡镇/街道", 2023, "F2021")
    assert r.text == {"other": "未收取信息处理费。"}
    assert r.findings == []


def test_rows_inserted_are_found_by_label_and_said(tmp_path):
    path = workbook(tmp_path / "ins.xlsx")
    wb = openpyxl.load_workbook(path)
    wb["表三"].insert_rows(3)
    wb.save(path)
    r = read_workbook(path)
    assert r.values["t3.new.total"] == 8 and r.addresses["t3.new.total"] == "表三!J6"
    assert r.values["t3.carried_forward.natural_person"] == 1
    assert [(f.rule, f.severity) for f in r.findings] == [("L1", Severity.INFO)]
    assert "已按标签查找" in r.findings[0].message


def _paste_tables(ws, origin_row, origin_col, numbers, overrides=None):
    """Write the three tables the way a county's own form might: one sheet, other positions."""
    row = origin_row
    for table in F2021.tables.values():
        for p in table_grid(table):
            text = (overrides or {}).get(p.text, p.text)
            ws.cell(row + p.row, origin_col + p.col, text if p.text else numbers.get(p.cell, 0))
        row += max(p.row for p in table_grid(table)) + 3


def test_tables_pasted_into_another_sheet_are_found(tmp_path):
    from workbooks import consistent_numbers

    wb = openpyxl.Workbook()
    _paste_tables(wb.active, 4, 3, consistent_numbers())
    wb.active.title = "Sheet1"
    wb.save(tmp_path / "pasted.xlsx")
    r = read_workbook(tmp_path / "pasted.xlsx")
    assert r.values["t3.new.total"] == 8 and r.values["t4.review.upheld"] == 1 and r.values["t2.normative.in_force"] == 9
    assert r.addresses["t2.rules.issued"] == "Sheet1!D6"
    assert [f.rule for f in r.findings if f.rule != "M1"] == ["L1", "L1", "L1"]


def test_label_typos_are_accepted_and_reported(tmp_path):
    from workbooks import consistent_numbers

    wb = openpyxl.Workbook()
    _paste_tables(wb.active, 1, 1, consistent_numbers(), {"5.属于三类内部事务信息": "5.属于三类内容事务信息"})
    wb.save(tmp_path / "typo.xlsx")
    r = read_workbook(tmp_path / "typo.xlsx")
    s4 = [f for f in r.findings if f.rule == "S4"]
    assert len(s4) == 1 and "「5.属于三类内容事务信息」与国家格式不一致，应为「5.属于三类内部事务信息」" in s4[0].message
    assert r.values["t3.total.total"] == 8


def test_a_subtotal_row_is_reported(tmp_path):
    path = workbook(tmp_path / "sub.xlsx")
    wb = openpyxl.load_workbook(path)
    ws = wb["表三"]
    ws.unmerge_cells("B9:B16")
    ws.insert_rows(9)
    ws["B9"], ws["J9"] = "（三）不予公开", 5
    wb.save(path)
    r = read_workbook(path)
    sub = [f for f in r.findings if f.rule == "T3-SUB"]
    assert len(sub) == 1 and "（表三!J9=5），但各项之和为0" in sub[0].message


def test_a_2019_format_workbook_is_named_with_what_differs(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    for r, row in enumerate(
        [["第二十条第（一）项"], ["信息内容", "本年新制作数量", "本年新公开数量", "对外公开总数量"], ["规章", 0, 0, 0],
         ["第二十条第（九）项"], ["信息内容", "采购项目数量", "采购总金额"], ["政府集中采购", 0, 0],
         ["（六）其他处理", 0, 0, 0, 0, 0, 0, 0]], start=1):
        for c, v in enumerate(row, start=1):
            ws.cell(r, c, v)
    wb.save(tmp_path / "old.xlsx")
    r = read_workbook(tmp_path / "old.xlsx")
    assert r.meta.format == "F2019"
    assert [(f.rule, f.severity) for f in r.findings] == [("Y4", Severity.ERROR)]
    message = r.findings[0].message
    assert "2019年格式" in message and "第二十条第（九）项" in message and "本年新制作数量" in message
    assert "（六）其他处理」只有一行" in message


def test_unusable_files_raise_their_own_clear_error(tmp_path, monkeypatch):
    import msoffcrypto.format.ooxml

    good = workbook(tmp_path / "good.xlsx")
    (tmp_path / "zero.xlsx").write_bytes(b"")
    (tmp_path / "text.xlsx").write_text("机关名称,年度\n", encoding="utf-8")
    with zipfile.ZipFile(tmp_path / "word.xlsx", "w") as z:
        z.writestr("word/document.xml", "<w:document/>")
    (tmp_path / "half.xlsx").write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    encrypted = io.BytesIO()
    msoffcrypto.format.ooxml.OOXMLFile(good.open("rb")).encrypt("密码123", encrypted)
    (tmp_path / "locked.xlsx").write_bytes(encrypted.getvalue())
    (tmp_path / "old.xls").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 2048)  # OLE, but no workbook calamine reads

    cases = {
        "missing.xlsx": (FileMissing, "文件不存在"),
        "zero.xlsx": (EmptyFile, "0字节"),
        "text.xlsx": (NotAWorkbook, "不是Excel工作簿"),
        "word.xlsx": (NotAWorkbook, "Word文档"),
        "half.xlsx": (CorruptWorkbook, "没有写完整"),
        "locked.xlsx": (EncryptedWorkbook, "打开密码"),
        "old.xls": (LegacyXls, "另存为“Excel工作簿（*.xlsx）”"),
    }
    for name, (error, words) in cases.items():
        with pytest.raises(error) as e:
            read_workbook(tmp_path / name)
        assert words in str(e.value) and name in str(e.value), name


def test_a_2019_format_workbook_of_2020_is_named_but_not_a_y4_error(tmp_path):
    from nianbao.workbook.build import build_template

    wb = build_template()
    wb["单位信息"]["B6"] = 2020
    wb["表二"]["C3"] = "本年新制作数量"
    wb.save(tmp_path / "2020.xlsx")
    r = read_workbook(tmp_path / "2020.xlsx")
    assert [(f.rule, f.severity) for f in r.findings] == [("V1", Severity.UNREAD)]
    assert "2019、2020年度报告适用的2019年格式无法逐项校验" in r.findings[0].message


def test_missing_unit_details_are_one_warning_naming_the_cells(tmp_path):
    r = read_workbook(workbook(tmp_path / "m.xlsx", base=report(name="", year=None)))
    assert [(f.rule, [c.address for c in f.cells]) for f in r.findings] == [("M1", ["单位信息!B3", "单位信息!B6"])]
    assert r.findings[0].message == "「单位信息」未填写：机关名称、报告年度"


def _rewrite_part(path, part, change):
    """Copy of the workbook at ``path`` with one zip member rewritten by ``change(bytes) -> bytes``."""
    data = path.read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as z, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info in z.infolist():
            body = z.read(info)
            out.writestr(info, change(body) if info.filename == part else body)
    return path


def test_an_unsaved_formula_is_found_whatever_quotes_the_relationships_use(tmp_path):
    """A malformed-looking (but legal) workbook.xml.rels once made the formula scan raise AttributeError."""
    import re

    path = workbook(tmp_path / "q.xlsx", cells={"t3.disclosed.natural_person": "=1+1"})
    _rewrite_part(path, "xl/_rels/workbook.xml.rels", lambda b: re.sub(rb'(Target|Id)="([^"]*)"', rb"\1='\2'", b))
    r = read_workbook(path)
    assert findings_at(r, "t3.disclosed.natural_person") == [("N5", Severity.ERROR)]
    assert r.findings[0].address == "表三!D7"
    from click.testing import CliRunner

    from nianbao.cli import main

    result = CliRunner().invoke(main, ["check", str(path)])
    assert result.exit_code == 1 and "表三!D7" in result.output and "N5" in result.output


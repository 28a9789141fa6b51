"""Hostile workbooks at the reader (issue 9 items 1, 5, 6, 8): bounded before parsing, damage named, nothing
read as blank or 0 that is not.

Each file is the real template with one part changed (tests/hostile.py); every refusal is a SourceError
naming the file, which `nianbao check` prints in Chinese with exit 2.
"""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner
from hostile import add_cells, patch_part, patch_sheet, replace_cell, whitespace_bomb
from hypothesis import example, given, settings
from hypothesis import strategies as st
from workbooks import workbook

from nianbao.cli import main
from nianbao.errors import CorruptWorkbook, TooLarge
from nianbao.report import Severity, State
from nianbao.workbook.read import read_workbook
from nianbao.workbook.sheetxml import SMALL, SheetPart, column_number, sheet_parts


def check_cli(path):
    return CliRunner().invoke(main, ["check", str(path)])


# --- 1. bounded before parsing ------------------------------------------------------------------

FAR = {
    # one value far away: calamine would build a dense block from A1 to it (32 bytes a cell)
    "XFD1048576": (add_cells('<c r="XFD1048576"><v>1</v></c>', "1048576"), TooLarge, "XFD1048576单元格"),
    "row 2e9": (add_cells('<c r="A2000000000"><v>1</v></c>', "2000000000"), CorruptWorkbook, "第2,000,000,000行"),
    "column ZZZZZZZ": (add_cells('<c r="ZZZZZZZ5" t="inlineStr"><is><t>x</t></is></c>'), CorruptWorkbook, "第8,353,082,582列"),
    # calamine takes the last of two "r" attributes: the far one must not slip past the bound
    "second r": (add_cells('<c r="A40" r="XFD1048576"><v>1</v></c>', "40"), CorruptWorkbook, "duplicate attribute"),
    # cells that state no reference are placed one after another: counted exactly, not guessed
    "no references": (add_cells("<c><v>1</v></c>" * 5_001, "2000"), TooLarge, "GJI2000单元格，从A1到这里共10,002,000个"),
}


@pytest.mark.parametrize("case", list(FAR))
def test_a_sheet_reaching_far_is_refused_before_calamine_reads_it(tmp_path, case):
    change, error, words = FAR[case]
    path = patch_sheet(workbook(tmp_path / "far.xlsx"), "表三", change)
    with pytest.raises(error) as e:
        read_workbook(path)
    assert words in str(e.value) and "far.xlsx" in str(e.value) and "表三" in str(e.value)


def test_a_far_cell_holding_nothing_is_no_reason_to_refuse(tmp_path):
    # A styled empty cell costs calamine nothing; only values count.
    path = patch_sheet(workbook(tmp_path / "styled.xlsx"), "表三", add_cells('<c r="XFD1048576" s="1"/>', "1048576"))
    assert read_workbook(path).values["t3.new.total"] == 8


def test_a_whitespace_zip_bomb_is_refused_from_its_declared_size(tmp_path):
    path = whitespace_bomb(workbook(tmp_path / "bomb.xlsx"), "表三", 130)
    assert path.stat().st_size < 400_000
    with pytest.raises(TooLarge) as e:
        read_workbook(path)
    assert "解压后有130 MB" in str(e.value) and "每个部件上限128 MB" in str(e.value)


# The quick bound (SheetPart.small: one pass, no cell looked at one by one) vouches only for cells that
# calamine, which takes a tag's last "r" whatever the quotes, places within A1:Z99999.
_TAG = st.builds(
    lambda ref, before, after, ws, prefix, close: f"<{prefix}c{ws}{before}{ref}{after}{close}",
    st.one_of(st.sampled_from(["Z99999", "A1", "D5", "AA1", "A100000"]), st.from_regex(r"\A[A-Za-z]{1,4}0?[0-9]{1,7}\Z")).map(
        lambda r: f'r="{r}"'),
    st.sampled_from(["", "", 's="1" ', 'foo="1" ']),
    st.sampled_from(["", ' s="2"', ' r="XFD1048576"', " r='XFD1048576'", ' t="n" r="A2000000"', ' cm="1" t="e"', '\nt="n"']),
    st.sampled_from([" ", " ", " ", "  ", "\n", "\t"]),
    st.sampled_from(["", "", "", "x:"]),
    st.sampled_from(["><v>1</v></c>", "/>"]),
)
_LAST_R = re.compile(r"""(?<![\w:])r=["']([A-Za-z]+)([0-9]+)""")


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.lists(_TAG, min_size=1, max_size=4))
@example(['<c r="A40" r="XFD1048576"><v>1</v></c>'])
@example(["<c r=\"A1\" s=\"1\" r='XFD1048576'/>"])
@example(['<c s="1" r="XFD1048576"><v>1</v></c>'])
@example(['<x:c r="XFD1048576"><v>1</v></x:c>'])
def test_the_quick_bound_vouches_only_for_cells_calamine_places_near(tags):
    cells = "".join(t.replace("</c>", "</x:c>") if t.startswith("<x:") else t for t in tags)
    part = SheetPart(f'<worksheet xmlns:x="urn:x"><sheetData><row>{cells}</row></sheetData></worksheet>'.encode())
    if part.small():
        for tag in tags:
            letters, digits = _LAST_R.findall(tag)[-1]
            assert int(digits) <= SMALL[0] and column_number(letters.upper()) <= SMALL[1], tag


def test_a_report_sheet_takes_the_quick_bound_and_a_far_one_does_not(tmp_path):
    import zipfile

    with zipfile.ZipFile(workbook(tmp_path / "t.xlsx")) as z:
        assert all(SheetPart(z.read(part)).small() for part in sheet_parts(z).values())
    assert not SheetPart(b'<sheetData><row r="1"><c r="A1"><v>1</v></c><c r="AA1"><v>1</v></c></row></sheetData>').small()


def test_check_says_it_in_chinese_and_exits_two(tmp_path):
    path = patch_sheet(workbook(tmp_path / "far.xlsx"), "表三", FAR["XFD1048576"][0])
    result = check_cli(path)
    assert result.exit_code == 2
    assert "无法读取" in result.output and "XFD1048576" in result.output
    assert "Traceback" not in result.output and "panicked" not in result.output


# --- 5. a damaged part is 已损坏, never an empty sheet -----------------------------------------------


def _drop(data: bytes) -> None:
    return None


DAMAGED = {
    # Where half the part ends decides which reader notices first (calamine or the extent scan); both say 已损坏.
    "malformed XML": ("文字", lambda d: d[: len(d) // 2], "已损坏"),
    "missing part": ("文字", _drop, "内容缺失或已损坏"),
    "shared string out of range": (
        "表三", replace_cell("D5", '<c r="D5" t="s"><v>99999</v></c>'), "shared strings"),
}


@pytest.mark.parametrize("case", list(DAMAGED))
def test_a_damaged_part_is_corrupt_not_empty(tmp_path, case):
    sheet, change, words = DAMAGED[case]
    path = patch_sheet(workbook(tmp_path / "damaged.xlsx"), sheet, change)
    with pytest.raises(CorruptWorkbook) as e:
        read_workbook(path)
    assert f"工作表「{sheet}」" in str(e.value) and words in str(e.value) and "damaged.xlsx" in str(e.value)
    result = check_cli(path)
    assert result.exit_code == 2 and "已损坏" in result.output and "通过" not in result.output


def test_a_damaged_workbook_directory_is_corrupt(tmp_path):
    path = patch_part(workbook(tmp_path / "book.xlsx"), "xl/workbook.xml", lambda d: d[:40])
    with pytest.raises(CorruptWorkbook):
        read_workbook(path)


# --- 6. the formula scan is linear ---------------------------------------------------------------


def test_a_sheet_of_xml_comments_reads_at_once(tmp_path):
    # 200 KB of comments full of unterminated cell tags made the old scan quadratic (half a minute); the
    # values around them still read, and a blank cell still asks the scan what it holds.
    noise = "<!--" + '<c r="D5">' * 20_000 + "-->"
    path = workbook(tmp_path / "noise.xlsx", cells={"t3.new.business": None})
    patch_sheet(path, "表三", lambda d: d.replace(b"<sheetData>", b"<sheetData>" + noise.encode()))
    report = read_workbook(path)
    assert report.values["t3.new.natural_person"] == 5 and report.state("t3.new.business") is State.BLANK


# --- 8. error values and unsaved formulas are errors at the cell, never blank or 0 --------------------


@pytest.mark.parametrize("error", ["#REF!", "#DIV/0!", "#N/A"])
def test_an_excel_error_value_is_an_error_at_its_cell(tmp_path, error):
    path = patch_sheet(workbook(tmp_path / "e.xlsx"), "表三",
                       replace_cell("E5", f'<c r="E5" s="11" t="e"><f>D5/0</f><v>{error}</v></c>'))
    report = read_workbook(path)
    assert report.values["t3.new.business"] is None and report.state("t3.new.business") is State.TEXT
    found = [(f.rule, f.severity, f.address) for f in report.findings]
    assert found == [("N1", Severity.ERROR, "表三!E5")]
    assert f"错误值「{error}」" in report.findings[0].message
    assert report.number("t3.new.business") is None  # unknown to every rule, not 0


def test_an_error_value_in_the_fee_is_n2(tmp_path):
    path = patch_sheet(workbook(tmp_path / "e.xlsx"), "表二", replace_cell("B15", '<c r="B15" t="e"><v>#VALUE!</v></c>'))
    report = read_workbook(path)
    assert [(f.rule, f.severity, f.address) for f in report.findings] == [("N2", Severity.ERROR, "表二!B15")]


UNSAVED = {
    "attributes in another order": '<c s="11" r="D5"><f>1+1</f></c>',
    "an empty saved value": '<c r="D5"><f>1+1</f><v></v></c>',
    "a namespace prefix": None,  # the whole sheet written with x: (below)
}


@pytest.mark.parametrize("case", list(UNSAVED))
def test_a_formula_without_a_saved_result_is_n5_however_the_xml_is_written(tmp_path, case):
    path = workbook(tmp_path / "f.xlsx")
    if UNSAVED[case]:
        patch_sheet(path, "表三", replace_cell("D5", UNSAVED[case]))
    else:
        import re

        def prefixed(data: bytes) -> bytes:
            data = replace_cell("D5", '<c r="D5"><f>1+1</f></c>')(data)
            data = re.sub(rb"<(/?)(?=[A-Za-z])", rb"<\1x:", data)
            return data.replace(b'xmlns="', b'xmlns:x="', 1)

        patch_sheet(path, "表三", prefixed)
    report = read_workbook(path)
    assert report.state("t3.new.natural_person") is State.FORMULA
    assert [(f.rule, f.address) for f in report.findings] == [("N5", "表三!D5")]

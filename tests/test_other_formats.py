""".xls and .ods (issue 9 item 14): calamine reads both, so check and merge read them like an .xlsx; what cannot
be done with them (a marked-up copy is an .xlsx) is said plainly, and the batch goes on."""

from __future__ import annotations

import xlwt
from click.testing import CliRunner
from python_calamine import CalamineWorkbook
from unitbooks import one_application, unit_book
from workbooks import consistent_numbers, report, workbook

from nianbao.check import check
from nianbao.cli import main
from nianbao.merge import merge
from nianbao.report import findings_table
from nianbao.workbook.read import read_workbook


def as_xls(xlsx, out):
    """The same sheets and values, saved by a real .xls writer (xlwt): what an old Excel would hand in."""
    book = CalamineWorkbook.from_path(str(xlsx))
    old = xlwt.Workbook()
    for name in book.sheet_names:
        sheet = old.add_sheet(name)
        for r, row in enumerate(book.get_sheet_by_name(name).to_python(skip_empty_area=False)):
            for c, value in enumerate(row):
                if value != "":
                    sheet.write(r, c, value)
    old.save(str(out))
    return out


def test_an_xls_reads_and_checks_exactly_like_its_xlsx(tmp_path):
    xlsx = workbook(tmp_path / "单位.xlsx", base=report(consistent_numbers() | {"t4.review.total": 0}))
    xls = as_xls(xlsx, tmp_path / "单位.xls")
    a, b = read_workbook(xlsx), read_workbook(xls)
    assert b.values == a.values and b.meta.name == a.meta.name == "测试镇人民政府"
    assert findings_table(check(b)) == findings_table(check(a)) == [("T4-S", "error", "表四!E5")]


def test_an_ods_reads_and_checks_exactly_like_its_xlsx(tmp_path, convert):
    xlsx = workbook(tmp_path / "单位.xlsx", base=report(consistent_numbers() | {"t4.review.total": 0}))
    ods = convert(xlsx, "ods")
    a, b = read_workbook(xlsx), read_workbook(ods)
    assert b.values == a.values
    assert findings_table(check(b)) == findings_table(check(a)) == [("T4-S", "error", "表四!E5")]


def test_check_annotate_says_an_xls_cannot_be_marked_up_and_goes_on(tmp_path):
    xlsx = workbook(tmp_path / "甲.xlsx")
    xls = as_xls(workbook(tmp_path / "乙.xlsx"), tmp_path / "乙.xls")
    result = CliRunner().invoke(main, ["check", str(xls), str(xlsx), "--annotate", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert "未生成标注副本" in result.output and "乙.xls 是.xls文件，标注副本只能在.xlsx上生成" in result.output
    assert (tmp_path / "out" / "甲-校验结果.xlsx").exists() and not (tmp_path / "out" / "乙-校验结果.xlsx").exists()


def test_merge_counts_an_xls_unit(tmp_path):
    inbox = tmp_path / "in"
    inbox.mkdir()
    unit_book(inbox / "甲镇.xlsx", "甲镇", one_application())
    as_xls(unit_book(tmp_path / "乙镇.xlsx", "乙镇", one_application()), inbox / "乙镇.xls")
    result = merge([inbox], None, workers=1)
    assert sorted(u.name for u in result.batch.counted) == ["乙镇", "甲镇"]
    assert result.summary.values["t3.new.total"] == 2


def test_an_ods_whose_repeated_cells_reach_far_is_refused_before_calamine(tmp_path):
    import zipfile

    import pytest

    from nianbao.errors import TooLarge

    content = (
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"><office:body><office:spreadsheet>'
        '<table:table table:name="表三"><table:table-row table:number-rows-repeated="100000">'
        '<table:table-cell office:value-type="float" office:value="1" table:number-columns-repeated="1000"/>'
        "</table:table-row></table:table></office:spreadsheet></office:body></office:document-content>"
    )
    path = tmp_path / "炸弹.ods"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("content.xml", content)
    assert path.stat().st_size < 1000  # one element standing for 100 million cells
    with pytest.raises(TooLarge) as e:
        read_workbook(path)
    assert "工作表「表三」的内容一直延伸到ALL100000单元格" in str(e.value)

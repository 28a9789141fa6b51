"""A county's inbox as it really arrives (issue 9 items 4, 14): names in GBK bytes, link loops, links out of the
folder, and files of every kind — each file is accounted for in 报送情况, none stops the merge."""

from __future__ import annotations

import os

import openpyxl
from unitbooks import one_application, unit_book

from nianbao.merge import merge
from nianbao.merge.batch import SKIPPED
from nianbao.merge.write import SUBMISSION_SHEET

GBK_NAME = os.fsdecode("乡镇".encode("gbk") + b".xlsx")  # as Linux shows a name unzipped from Chinese Windows


def test_every_file_in_a_hostile_inbox_is_accounted_for(tmp_path):
    inbox = tmp_path / "收件箱"
    inbox.mkdir()
    unit_book(inbox / "甲镇.xlsx", "甲镇", one_application())
    unit_book(inbox / GBK_NAME, "乙镇", one_application())
    outside = unit_book(tmp_path / "别处.xlsx", "丙镇", one_application())
    (inbox / "外链.xlsx").symlink_to(outside)
    (inbox / "环1.xlsx").symlink_to(inbox / "环2.xlsx")
    (inbox / "环2.xlsx").symlink_to(inbox / "环1.xlsx")
    (inbox / "自己").symlink_to(inbox, target_is_directory=True)
    (inbox / "系统").symlink_to("/etc", target_is_directory=True)
    (inbox / "同名.xlsx").symlink_to(inbox / "甲镇.xlsx")  # a link inside the folder: read once, as its target
    for name, data in {"丁镇.pdf": b"%PDF-1.4", "戊镇.zip": b"PK\x05\x06" + b"\0" * 18, "己镇.xlsb": b"PK",
                       "说明.txt": "请查收".encode()}.items():
        (inbox / name).write_bytes(data)

    result = merge([inbox], tmp_path / "汇总.xlsx", workers=1)

    assert sorted(u.name for u in result.batch.counted) == ["乙镇", "甲镇"]
    skipped = {s.file: s.note for s in result.batch.submissions if s.category == SKIPPED}
    assert skipped == {
        "外链.xlsx": f"链接指向输入文件夹以外（{outside}），未读取",
        "环1.xlsx": "链接无法打开（循环链接或目标不存在），未读取",
        "环2.xlsx": "链接无法打开（循环链接或目标不存在），未读取",
        "自己/": "文件夹链接，未跟随（其内容在原位置读取）",
        "系统/": "链接指向输入文件夹以外（/etc），未读取",
        "丁镇.pdf": "已发布的年报（PDF），汇总只读取单位填报的工作簿；可用 nianbao check 单独校验",
        "戊镇.zip": "压缩包：请解压后再汇总",
        "己镇.xlsb": "Excel二进制工作簿（.xlsb）无法读取；请在Excel中另存为“Excel工作簿（*.xlsx）”",
        "说明.txt": "不是年报工作簿，未读取",
        "同名.xlsx": "与「甲镇.xlsx」是同一个文件（链接或重复给出），只读取一次",
    }
    # The GBK name is shown escaped wherever it appears; the workbook was written.
    assert "\\xcf\\xe7\\xd5\\xf2.xlsx" in [r.relative for r in result.batch.records]
    rows = list(openpyxl.load_workbook(tmp_path / "汇总.xlsx")[SUBMISSION_SHEET].values)
    assert ("已跳过", None, "环1.xlsx", "链接无法打开（循环链接或目标不存在），未读取", None) in rows  # 来自: not from a lower 汇总
    sources = [r[0] for r in openpyxl.load_workbook(tmp_path / "汇总.xlsx")["来源"].values]
    assert "\\xcf\\xe7\\xd5\\xf2.xlsx" in sources


def test_a_folder_with_no_workbook_still_names_every_file(tmp_path):
    from click.testing import CliRunner

    from nianbao.cli import main

    inbox = tmp_path / "收件箱"
    inbox.mkdir()
    (inbox / "~$甲镇.xlsx").write_bytes(b"\0" * 165)
    (inbox / "乙镇.pdf").write_bytes(b"%PDF-1.4")
    result = CliRunner().invoke(main, ["merge", str(inbox), "-o", str(tmp_path / "汇总.xlsx")])
    assert result.exit_code == 2
    assert "没有找到可汇总的工作簿（.xlsx、.xlsm、.xls、.ods）。跳过的文件：" in result.output
    assert "~$甲镇.xlsx：Excel/WPS锁定文件" in result.output and "乙镇.pdf：已发布的年报（PDF）" in result.output

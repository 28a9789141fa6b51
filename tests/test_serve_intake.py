"""Bad uploads: each is refused with a clear Chinese message in the page, and none becomes a version."""

from __future__ import annotations

import io
import struct
import zipfile

import pytest
from portal import book_bytes, make_unit, set_year, upload
from unitbooks import YEAR

from nianbao.serve.models import AuditEvent, Submission

pytestmark = pytest.mark.django_db

NAME = "示例县市场监督管理局"


@pytest.fixture
def unit(db):
    set_year()
    return make_unit(NAME)


def _declared_huge(data: bytes) -> bytes:
    """The workbook with one part's declared uncompressed size set to ~4 GB, in its local and central headers."""
    out = bytearray(data)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        info = next(i for i in z.infolist() if i.filename.endswith("sheet1.xml"))
    struct.pack_into("<I", out, info.header_offset + 22, 0xFFFF0000)
    central = out.rfind(b"PK\x01\x02" + out[info.header_offset + 4: info.header_offset + 6])
    pos = 0
    while True:  # find this entry's central directory record by its name
        pos = bytes(out).find(b"PK\x01\x02", pos)
        name_len = struct.unpack_from("<H", out, pos + 28)[0]
        if bytes(out[pos + 46: pos + 46 + name_len]) == info.filename.encode():
            break
        pos += 4
    struct.pack_into("<I", out, pos + 24, 0xFFFF0000)
    del central
    return bytes(out)


def _bad_files(tmp_path) -> dict[str, tuple[bytes, str]]:
    import msoffcrypto.format.ooxml
    import openpyxl

    good = book_bytes(tmp_path, NAME)
    encrypted = io.BytesIO()
    msoffcrypto.format.ooxml.OOXMLFile(io.BytesIO(good)).encrypt("密码123", encrypted)
    # An old binary file the reader cannot read (a readable .xls is read like an .xlsx, issue 9 item 14).
    xls = io.BytesIO(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 2048)
    word = io.BytesIO()
    with zipfile.ZipFile(word, "w") as z:
        z.writestr("word/document.xml", "<w:document/>")
    old = openpyxl.Workbook()
    ws = old.active
    for r, row in enumerate([["第二十条第（一）项"], ["信息内容", "本年新制作数量", "本年新公开数量", "对外公开总数量"],
                             ["规章", 0, 0, 0]], start=1):
        for c, v in enumerate(row, start=1):
            ws.cell(r, c, v)
    old_bytes = io.BytesIO()
    old.save(old_bytes)
    return {
        "空文件.xlsx": (b"", "0字节"),
        "文本.xlsx": ("机关名称,年度\n".encode(), "不是Excel工作簿"),
        "图片.png": (b"\x89PNG\r\n\x1a\n" + b"\0" * 100, "不是Excel工作簿"),
        "文档.docx": (word.getvalue(), "Word文档"),
        "半个.xlsx": (good[: len(good) // 2], "没有写完整"),
        "加密.xlsx": (encrypted.getvalue(), "打开密码"),
        "旧版.xls": (xls.getvalue(), "另存为“Excel工作簿（*.xlsx）”"),
        "炸弹.xlsx": (_declared_huge(good), "恶意构造的文件"),
        "2019格式.xlsx": (old_bytes.getvalue(), "2019年格式"),
        "乙局.xlsx": (book_bytes(tmp_path, "示例县乙局"), "本链接属于「示例县市场监督管理局」"),
        "上年.xlsx": (book_bytes(tmp_path, NAME, year=YEAR - 1), f"报告年度为{YEAR - 1}年"),
        "无年度.xlsx": (book_bytes(tmp_path, NAME, year=None), "报告年度是空的"),
        "无名称.xlsx": (book_bytes(tmp_path, ""), "机关名称是空的"),
    }


def test_each_bad_file_gets_its_message_and_is_kept_out(client, unit, tmp_path):
    u, token = unit
    for name, (data, words) in _bad_files(tmp_path).items():
        response = upload(client, token, data, name=name)
        html = response.content.decode()
        assert response.status_code == 200, name
        assert "未接收" in html and words in html, (name, html[html.find("未接收"):][:300])
        assert "Traceback" not in html
    assert not Submission.objects.filter(unit=u).exists()
    refused = AuditEvent.objects.filter(unit=u, action="上传被拒绝")
    assert refused.count() == 13
    from nianbao.serve.store import blob_store

    store = blob_store()
    assert list(store.tmp.iterdir()) == []


def test_a_bad_file_does_not_replace_the_current_version(client, unit, tmp_path):
    u, token = unit
    upload(client, token, book_bytes(tmp_path, NAME))
    html = upload(client, token, b"not a workbook", name="坏.xlsx").content.decode()
    assert "未接收" in html and "第1版" in html
    assert Submission.objects.filter(unit=u).count() == 1


def test_too_large_is_refused_before_reading(client, unit, tmp_path, settings):
    from dataclasses import replace

    u, token = unit
    settings.NIANBAO = replace(settings.NIANBAO, max_upload=10_000)
    html = upload(client, token, book_bytes(tmp_path, NAME) + b"\0" * 20_000).content.decode()
    assert "文件太大" in html and "10 KB的上限" in html
    assert not Submission.objects.filter(unit=u).exists()


def test_the_same_name_written_differently_is_the_same_unit(client, unit, tmp_path):
    u, token = unit
    upload(client, token, book_bytes(tmp_path, "示例县 市场监督管理局"))
    assert Submission.objects.filter(unit=u).count() == 1


def test_without_javascript_a_refusal_is_the_whole_page(client, unit):
    _, token = unit
    response = upload(client, token, b"x", name="x.xlsx", htmx=False)
    html = response.content.decode()
    assert response.status_code == 200 and "<html" in html and "未接收" in html

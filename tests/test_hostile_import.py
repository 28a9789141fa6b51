"""Published-report files that ask for gigabytes (issue 9 item 7): spans clamped to the table, sizes capped
before parsing with a Chinese message. All generated small here; nothing large is checked in."""

from __future__ import annotations

import re
import zlib

import docx
import pytest
from hostile import patch_part

from nianbao.errors import TooLarge
from nianbao.importers.document import GridBuilder
from nianbao.importers.load import MAX_TEXT_BYTES, load_document


def _word_table(path, rows=3, cols=4):
    d = docx.Document()
    d.add_paragraph("某某县某某局2024年政府信息公开工作年度报告")
    table = d.add_table(rows=rows, cols=cols)
    for r in range(rows):
        for c in range(cols):
            table.cell(r, c).text = f"{r}-{c}"
    d.save(str(path))
    return path


def test_a_word_cell_spanning_two_billion_columns_is_clamped_to_its_table(tmp_path):
    path = _word_table(tmp_path / "span.docx")

    def hostile(xml: bytes) -> bytes:
        xml = xml.replace(b"<w:tcPr>", b'<w:tcPr><w:gridSpan w:val="2147483647"/>', 1)
        return re.sub(rb"(<w:tr\b[^>]*>)", rb'\1<w:trPr><w:gridBefore w:val="2000000000"/></w:trPr>', xml, count=2)

    patch_part(path, "word/document.xml", hostile)
    assert path.stat().st_size < 60_000
    doc = load_document(path)
    (table,) = doc.tables
    assert max(len(row) for row in table.grid) == 4  # the table's own grid: four gridCol
    assert table.grid[2] == ["2-0", "2-1", "2-2", "2-3"]  # the untouched row still reads


def test_an_html_table_claiming_huge_spans_stays_within_bounds(tmp_path):
    cells = '<td colspan="100000" rowspan="100000">x</td>' * 50
    (tmp_path / "t.html").write_text(f"<html><body><table><tr>{cells}</tr><tr><td>1</td></tr></table></body></html>",
                                     encoding="utf-8")
    (table,) = load_document(tmp_path / "t.html").tables
    assert len(table.grid) <= GridBuilder.MAX_ROWS and max(len(r) for r in table.grid) <= GridBuilder.MAX_COLS


def test_a_pdf_whose_streams_inflate_to_gigabytes_is_refused_before_parsing(tmp_path):
    inflater = zlib.compressobj(9)
    body = b"".join(inflater.compress(b" " * (1 << 20)) for _ in range(300)) + inflater.flush()
    pdf = (b"%PDF-1.4\n1 0 obj\n<< /Length " + str(len(body)).encode() + b" /Filter /FlateDecode >>\nstream\n"
           + body + b"\nendstream\nendobj\ntrailer\n<< >>\n%%EOF\n")
    (tmp_path / "炸弹.pdf").write_bytes(pdf)
    with pytest.raises(TooLarge) as e:
        load_document(tmp_path / "炸弹.pdf")
    assert "解压后超过256 MB（文件本身只有" in str(e.value)


def test_an_html_file_larger_than_any_report_is_refused_before_parsing(tmp_path):
    page = tmp_path / "大.html"
    with page.open("wb") as f:
        f.write(b"<html><body><table>")
        row = b"<tr><td>1</td><td>2</td></tr>" * 1000
        while f.tell() <= MAX_TEXT_BYTES:
            f.write(row)
    with pytest.raises(TooLarge) as e:
        load_document(page)
    assert "超出已发布年报的合理大小（此类文件上限20 MB）" in str(e.value)

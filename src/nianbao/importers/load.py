"""Open a published report file and reduce it to a Document (text + tables).

    >>> load_document(Path("年报.html")).tables[0].grid[0][0]
    '第二十条第（一）项'

One loader per kind of file; each raises a SourceError with a Chinese message
when the file cannot be used at all (not text, a damaged Word file, a scanned
PDF with no text layer). Libraries are imported inside the loaders, so checking
an .xlsx never loads lxml, python-docx or pdfium.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..errors import (
    CorruptDocument,
    EmptyFile,
    FileMissing,
    NotADocument,
    NotAReport,
    NoTextLayer,
    TooLarge,
)
from ..package import OLE_MAGIC, megabytes, package_parts
from ..report import Report
from .document import Document, GridBuilder, TableBlock, clean_text, join_pdf_spacing

# --- text ---------------------------------------------------------------------

_ENCODINGS = ("utf-8", "gb18030")


def decode(data: bytes, declared: str | None = None) -> str:
    """Bytes of a Chinese text or page: BOM, then the page's own declaration, then UTF-8, then GB18030."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", "replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", "replace")
    tried = []
    if declared:
        name = declared.lower()
        if name in ("gb2312", "gbk", "gb_2312-80", "x-gbk"):
            name = "gb18030"  # pages declaring gb2312 routinely use GBK characters
        tried.append(name)
    for enc in tried + [e for e in _ENCODINGS if e not in tried]:
        try:
            return data.decode(enc)
        except (UnicodeError, LookupError):  # also a declared name that is no text encoding ("undefined", "base64")
            continue
    return data.decode("utf-8", "replace")


# A published report is a page of a few hundred KB, a Word file or PDF of a few MB. Past these sizes
# the parsers (lxml's tree, pdfminer's objects) need gigabytes, so the file is refused before parsing.
MAX_TEXT_BYTES = 20 << 20  # .html / .txt / .json
MAX_FILE_BYTES = 64 << 20  # .docx / .pdf as stored
MAX_PDF_INFLATED = 256 << 20  # what a PDF's compressed streams hold, all together


def _read_bytes(path: Path, limit: int = MAX_TEXT_BYTES) -> bytes:
    if not path.exists():
        raise FileMissing("文件不存在，请检查路径和文件名")
    if path.is_dir():
        raise NotADocument("这是一个文件夹，不是年度报告文件")
    size = path.stat().st_size
    if size > limit:
        raise TooLarge(f"文件有{megabytes(size)}，超出已发布年报的合理大小（此类文件上限{megabytes(limit)}），未读取；"
                       "如果是保存的网页，请只保存年报正文所在的页面")
    data = path.read_bytes()
    if not data.strip():
        raise EmptyFile("文件是空的，可能复制、下载或保存没有完成；请重新获取原文件")
    return data


def load_text(path: Path) -> Document:
    data = _read_bytes(path)
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise NotADocument("不是文本文件（可能是Word、PDF或压缩包被改了扩展名）；请用原来的扩展名导入")
    return Document.from_text(decode(data), kind="text")


# --- HTML -----------------------------------------------------------------------

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.I)
_BLOCK_TAGS = {
    "p", "div", "br", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "tr", "td", "th", "table",
    "section", "article", "header", "footer", "center", "blockquote", "pre", "dd", "dt", "dl", "hr",
    "tbody", "thead", "tfoot", "caption", "form", "nav", "main", "aside", "figure", "figcaption", "address",
}
_SKIP_TAGS = {"script", "style", "noscript", "template", "head", "iframe", "object", "select", "option", "button"}


def _span(value: str | None) -> int:
    try:
        return int(str(value).strip().split(".")[0]) if value else 1
    except ValueError:
        return 1


def _inline_text(el) -> str:
    """A cell's text, with <br> and block children as line breaks."""
    parts: list[str] = []

    def walk(e) -> None:
        tag = e.tag if isinstance(e.tag, str) else ""
        if tag.lower() in _SKIP_TAGS:
            if e.tail:
                parts.append(e.tail)
            return
        if tag.lower() in _BLOCK_TAGS:
            parts.append("\n")
        if e.text:
            parts.append(e.text)
        for child in e:
            walk(child)
        if tag.lower() in _BLOCK_TAGS:
            parts.append("\n")
        if e.tail:
            parts.append(e.tail)

    if el.text:
        parts.append(el.text)
    for child in el:
        walk(child)
    lines = [" ".join(line.split()) for line in "".join(parts).replace("\xa0", " ").split("\n")]
    return "\n".join(line for line in lines if line)


def _html_table(table) -> TableBlock | None:
    builder = GridBuilder()
    for tr in table.iter("tr"):
        builder.next_row()
        for cell in tr:
            if not isinstance(cell.tag, str) or cell.tag.lower() not in ("td", "th"):
                continue
            builder.add(_inline_text(cell), _span(cell.get("rowspan")), _span(cell.get("colspan")))
    return builder.build()


def _html_blocks(root) -> list[str | TableBlock]:
    """Paragraph text and data tables in reading order. A table holding other tables is page
    layout (common on government sites), so its content is walked as ordinary blocks."""
    blocks: list[str | TableBlock] = []
    parts: list[str] = []

    def flush() -> None:
        if parts:
            blocks.append("".join(parts))
            parts.clear()

    def walk(e) -> None:
        tag = e.tag.lower() if isinstance(e.tag, str) else ""
        if tag in _SKIP_TAGS:
            if e.tail:
                parts.append(e.tail)
            return
        if tag == "table" and not any(True for _ in e.iter("table") if _ is not e):
            flush()
            block = _html_table(e)
            if block is not None:
                blocks.append(block)
            if e.tail:
                parts.append(e.tail)
            return
        block_tag = tag in _BLOCK_TAGS
        if block_tag:
            parts.append("\n")
        if e.text:
            parts.append(e.text)
        for child in e:
            walk(child)
        if block_tag:
            parts.append("\n")
        if e.tail:
            parts.append(e.tail)

    walk(root)
    flush()
    return blocks


def load_html(path: Path) -> Document:
    import lxml.html

    data = _read_bytes(path)
    m = _META_CHARSET.search(data[:4096])
    text = decode(data, m.group(1).decode("ascii") if m else None)
    text = re.sub(r"^\s*<\?xml[^>]*\?>", "", text)
    try:
        root = lxml.html.document_fromstring(text)
    except Exception as e:  # lxml raises ParserError / ValueError on pages with no content
        raise NotADocument(f"无法解析为网页（{type(e).__name__}）；请确认文件是保存下来的网页（.html）") from e
    title = root.find(".//title")
    blocks: list[str | TableBlock] = []
    if title is not None and title.text_content().strip():
        blocks.append(title.text_content().strip())
    body = root.find("body")
    blocks += _html_blocks(body if body is not None else root)
    return Document.from_blocks(blocks, kind="html")


# --- Word -------------------------------------------------------------------------


def _docx_table(table) -> TableBlock | None:
    from docx.table import _Cell

    builder = GridBuilder()
    # A cell's gridSpan and a row's gridBefore are the file's word: clamp them to the table's own grid
    # (a 42 KB .docx claiming gridSpan="2147483647" once asked for gigabytes).
    grid = table._tbl.tblGrid
    width = min(len(grid.gridCol_lst) if grid is not None else 0, GridBuilder.MAX_COLS) or GridBuilder.MAX_COLS
    for tr in table._tbl.tr_lst:
        builder.next_row()
        col = min(max(0, tr.grid_before), width)
        for tc in tr.tc_lst:
            span = max(1, min(tc.grid_span, width - col))
            if col >= width:
                break
            if tc.vMerge == "continue":
                builder.continue_above(col, span)
            else:
                builder.place(col, _Cell(tc, table).text, span)
            col += span
    return builder.build()


def _docx_blocks(container) -> list[str | TableBlock]:
    from docx.table import Table, _Cell
    from docx.text.paragraph import Paragraph

    blocks: list[str | TableBlock] = []
    for child in container.iter_inner_content():
        if isinstance(child, Paragraph):
            blocks.append(child.text)
        elif isinstance(child, Table):
            # Cells straight from the XML: python-docx's row.cells expands every gridSpan, which a
            # hostile file sets to two billion.
            tcs = [tc for tr in child._tbl.tr_lst for tc in tr.tc_lst]
            if any(tc.tbl_lst for tc in tcs):
                for tc in tcs:  # layout table around the real ones
                    blocks += _docx_blocks(_Cell(tc, child))
            else:
                block = _docx_table(child)
                if block is not None:
                    blocks.append(block)
    return blocks


def load_docx(path: Path) -> Document:
    import docx

    data = _read_bytes(path, MAX_FILE_BYTES)
    if data[:8] == OLE_MAGIC:
        raise NotADocument("这是旧版Word（.doc）或WPS（.wps）文件；请在Word或WPS中另存为“Word文档（*.docx）”后再导入")
    if not data.startswith(b"PK"):
        raise NotADocument("不是Word文档（.docx）；请确认文件类型")
    names = package_parts(path, CorruptDocument("Word文档已损坏或没有写完整（可能下载或复制时中断）；请重新获取原文件"))
    if "word/document.xml" not in names:
        raise NotADocument("这是压缩包或其他Office文件（如Excel工作簿），不是Word文档")
    try:
        document = docx.Document(str(path))
    except Exception as e:  # python-docx raises several types for damaged parts
        raise CorruptDocument(f"Word文档内容已损坏，无法读取（{type(e).__name__}）；请在Word中打开并另存后再试") from e
    blocks: list[str | TableBlock] = []
    core_title = (document.core_properties.title or "").strip()
    if core_title:
        blocks.append(core_title)
    blocks += _docx_blocks(document)
    return Document.from_blocks(blocks, kind="docx")


# --- PDF ---------------------------------------------------------------------------

_STREAM = re.compile(rb"stream\r?\n")


def pdf_inflated_size(data: bytes, cap: int) -> int:
    """How many bytes the PDF's Flate streams inflate to, counted up to just past ``cap``.

    A 2 MB PDF can hold streams that inflate to gigabytes, which PDFium and pdfminer would inflate
    whole. Each stream is inflated here in bounded chunks (zlib stops at the end of its own stream),
    so the count costs no more memory than one chunk."""
    import zlib

    total = 0
    for m in _STREAM.finditer(data):
        inflater = zlib.decompressobj()
        pos = m.end()
        try:
            while pos < len(data) and total <= cap:
                chunk = inflater.decompress(data[pos : pos + (64 << 10)], 1 << 20)
                total += len(chunk)
                while inflater.unconsumed_tail and total <= cap:  # more output from the same input
                    total += len(inflater.decompress(inflater.unconsumed_tail, 1 << 20))
                if inflater.eof:
                    break
                pos += 64 << 10
        except zlib.error:
            continue  # not a Flate stream (an image, plain content): nothing inflates
        if total > cap:
            break
    return total


def load_pdf(path: Path) -> Document:
    """Tables from PDFium's text (content order keeps each cell's words together); the text
    sections from pdfplumber (visual order keeps quotes where they are printed)."""
    import pypdfium2 as pdfium

    data = _read_bytes(path, MAX_FILE_BYTES)
    if not data.lstrip()[:5] == b"%PDF-":
        raise NotADocument("不是PDF文件；请确认文件类型")
    inflated = pdf_inflated_size(data, MAX_PDF_INFLATED)
    if inflated > MAX_PDF_INFLATED:
        raise TooLarge(f"PDF中的压缩内容解压后超过{megabytes(MAX_PDF_INFLATED)}（文件本身只有{megabytes(len(data))}），"
                       "超出任何年报，可能是恶意构造的文件；未读取")
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as e:
        if "password" in str(e).lower():
            raise CorruptDocument("PDF设置了打开密码，无法读取；请取消密码后再导入") from e
        raise CorruptDocument(f"PDF已损坏，无法读取（{e}）；请重新获取原文件") from e
    try:
        pages = []
        for page in pdf:
            textpage = page.get_textpage()
            pages.append(textpage.get_text_range())
            textpage.close()
            page.close()
    finally:
        pdf.close()
    text = "\n".join(pages)
    if not "".join(text.split()):
        raise NoTextLayer(
            f"PDF共{len(pages)}页，但没有文字层（可能是扫描件或图片）：无法读取其中的文字和表格。"
            "请向发布单位索取网页版、Word版或带文字的PDF，或经文字识别（OCR）后再导入"
        )
    doc = Document.from_text(text, wrapped=True, kind="pdf")
    narrative, tables = _visual_text(data)
    doc.narrative = join_pdf_spacing(clean_text(narrative)) or None
    doc.tables = tables
    return doc


def _visual_text(data: bytes) -> tuple[str, list[TableBlock]]:
    """pdfplumber's reading of the pages: text in visual order, and ruled tables as grids."""
    import io

    import pdfplumber

    lines: list[dict] = []
    tables: list[tuple[int, list]] = []  # (page number, rows of (top, bottom, x0, x1, text))
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            for n, page in enumerate(pdf.pages):
                found = page.find_tables()
                lines += _page_lines(page, [t.bbox for t in found])
                for table in found:
                    cells = []
                    for row, texts_row in zip(table.rows, table.extract()):
                        for box, text in zip(row.cells, texts_row):
                            if box is not None:
                                cells.append((box[1], box[3], box[0], box[2], text or ""))
                    tables.append((n, cells))
    except Exception:  # pdfminer fails on some damaged files PDFium reads; keep PDFium's text then
        return "", []
    return "\n".join(_paragraphs(lines)), _pdf_grids(tables)


_FOOTER_LINE = re.compile(r"^[\s\d\-—–－第页共,，/]*$")


def _page_lines(page, table_boxes: list[tuple[float, float, float, float]]) -> list[dict]:
    """The page's text lines outside its tables (with their x0/x1), page numbers dropped."""

    def outside(obj) -> bool:
        if obj.get("object_type") != "char":
            return True
        x, y = (obj["x0"] + obj["x1"]) / 2, (obj["top"] + obj["bottom"]) / 2
        return not any(x0 <= x <= x1 and top <= y <= bottom for x0, top, x1, bottom in table_boxes)

    return [
        ln for ln in page.filter(outside).extract_text_lines(return_chars=False)
        if ln["text"].strip() and not (ln["top"] > page.height * 0.85 and _FOOTER_LINE.match(ln["text"]))
    ]


def _paragraphs(lines: list[dict]) -> list[str]:
    """Re-join the lines the page width broke. A paragraph ends where a line stops short of the
    text's right edge, or where the next line is indented (公文 indents first lines two characters),
    also across a page break. The edges are the whole document's: a page of headings and tables
    has no full line of its own."""
    if not lines:
        return []
    widths = sorted((ln["x1"] - ln["x0"]) / len(ln["text"]) for ln in lines if len(ln["text"]) >= 8) or [10.0]
    char = widths[len(widths) // 2]
    left, right = min(ln["x0"] for ln in lines), max(ln["x1"] for ln in lines)
    out: list[str] = []
    joinable = False
    for ln in lines:
        indented = ln["x0"] - left >= 1.5 * char
        if out and joinable and not indented:
            out[-1] += ln["text"].strip()
        else:
            out.append(ln["text"].strip())
        # Line breaking keeps "《" or a number off a line's end, so a full line may stop ~2 characters short.
        joinable = right - ln["x1"] < 2.5 * char
    return out


def _pdf_grids(tables: list[tuple[int, list]]) -> list[TableBlock]:
    """Grids from PDF table cells placed by their boxes; a table continued on the next page
    (the last table of one page, the first of the next, on the same columns) is joined into one grid."""
    joined: list[tuple[int, list, list[float]]] = []  # page, cells, where continuations start
    for page, cells in tables:
        if not cells:
            continue
        if joined and joined[-1][0] == page - 1 and _continues(joined[-1][1], cells) and _first_on_page(tables, page, cells):
            _, prev, joins = joined[-1]
            offset = max(c[1] for c in prev) + 1 - min(c[0] for c in cells)
            moved = [(t + offset, b + offset, x0, x1, s) for t, b, x0, x1, s in cells]
            joined[-1] = (page, prev + moved, joins + [min(c[0] for c in moved)])
        else:
            joined.append((page, cells, []))
    return [block for _, cells, joins in joined if (block := _grid_from_boxes(cells, joins)) is not None]


def _first_on_page(tables: list[tuple[int, list]], page: int, cells: list) -> bool:
    return next(c for p, c in tables if p == page) is cells


def _snap(values: list[float], tolerance: float = 2.0) -> list[float]:
    out: list[float] = []
    for v in sorted(values):
        if not out or v - out[-1] > tolerance:
            out.append(v)
    return out


def _index(lines: list[float], v: float) -> int:
    return min(range(len(lines)), key=lambda i: abs(lines[i] - v))


def _continues(a: list, b: list) -> bool:
    """Same outer edges, and every column line of ``b`` is one of ``a``'s (a row broken by the
    page may show fewer inner lines)."""
    xa = _snap([x for c in a for x in (c[2], c[3])])
    xb = _snap([x for c in b for x in (c[2], c[3])])
    near = lambda v, lines: any(abs(v - w) <= 2.0 for w in lines)
    return abs(xa[0] - xb[0]) <= 2.0 and abs(xa[-1] - xb[-1]) <= 2.0 and all(near(v, xa) for v in xb)


def _grid_from_boxes(cells: list, joins: list[float]) -> TableBlock | None:
    xs = _snap([x for c in cells for x in (c[2], c[3])])
    ys = _snap([y for c in cells for y in (c[0], c[1])])
    builder = GridBuilder()
    for top, bottom, x0, x1, text in cells:
        r, c = _index(ys, top), _index(xs, x0)
        builder.put(r, c, text, _index(ys, bottom) - r, _index(xs, x1) - c)
    block = builder.build()
    if block is not None:
        for y in sorted(joins, reverse=True):
            _mend_broken_row(block, _index(ys, y))
    return block


def _mend_broken_row(block: TableBlock, r: int) -> None:
    """A row the page broke: its tail (words only, e.g. the end of a long label) joins the row above."""
    if r == 0 or r >= len(block.grid):
        return
    row, above = block.grid[r], block.grid[r - 1]
    words = [v for v in row if v not in ("", None)]
    if not words or any(not isinstance(v, str) or any(ch.isdigit() for ch in v) for v in words):
        return
    if not any(isinstance(v, (int, float)) or (isinstance(v, str) and v[:1].isdigit()) for v in above):
        return
    for c, v in enumerate(row):
        label = above[c] if c < len(above) else None
        if v not in ("", None) and isinstance(label, str):
            above[c] = joined = f"{label}{v}"
            # the merged label spreads to the positions its cell covers
            for k in range(c + 1, len(above)):
                if block.owners[r - 1][k] or above[k] != label:
                    break
                above[k] = joined
    del block.grid[r]
    del block.owners[r]


def read_report_json(path: Path) -> Report:
    """A Report saved as JSON (``nianbao import --json``), e.g. last year's figures kept in an archive."""
    import json

    from ..report import REPORT_VERSION, Report

    data = _read_bytes(path)
    try:
        payload = json.loads(decode(data))
        files = payload.get("files") if isinstance(payload, dict) else None
        if isinstance(files, list) and len(files) == 1 and isinstance(files[0], dict):
            payload = files[0]  # what `nianbao import FILE --json` prints: {"files": [{"report": …}]}
        if isinstance(payload, dict) and "report" in payload and "values" not in payload:
            payload = payload["report"]
        if not isinstance(payload, dict) or "values" not in payload:
            raise ValueError("no values")
        version = payload.get("version", 1)
        if isinstance(version, int) and not isinstance(version, bool) and version > REPORT_VERSION:
            raise NotAReport(f"这份年报JSON由更新版本的nianbao保存（格式版本{version}），请升级nianbao（pip install -U nianbao）后再读取")
        report = Report.from_dict(payload)
    except RecursionError as e:
        raise NotAReport("JSON嵌套层数过多，不是nianbao保存的年报JSON") from e
    except (ValueError, TypeError, KeyError, AttributeError) as e:  # any shape of JSON may come in
        raise NotAReport("不是nianbao保存的年报JSON（应含 meta、values 等字段）") from e
    _check_types(report)
    return _checked_values(report)


def _check_types(report: Report) -> None:
    """The texts and details of a Report from JSON are what the writers expect (the values are read as
    cells, _checked_values): a name saved as a list would fail much later, in a workbook or a page."""
    import dataclasses

    def wrong(where: str, expected: str) -> NotAReport:
        return NotAReport(f"年报JSON中“{where}”应为{expected}；请用 nianbao import --json 重新生成")

    for name in ("raw", "text", "addresses", "acknowledged"):
        for key, v in getattr(report, name).items():
            if not isinstance(v, str):
                raise wrong(f"{name}.{key}", "文字")
    words = {str: "文字", int: "整数", bool: "true或false", type(None): "null"}
    for f in dataclasses.fields(report.meta):
        # Each detail as UnitMeta declares it ("int | None"): bool is no int here, though Python says so.
        allowed = [t for t in words if t.__name__ in str(f.type).replace("None", "NoneType").split(" | ")]
        v = getattr(report.meta, f.name)
        if allowed and not any(type(v) is t for t in allowed):
            raise wrong(f"meta.{f.name}", "或".join(words[t] for t in allowed))


def _checked_values(report: Report) -> Report:
    """Every value of a saved report read as a cell would be: JSON can hold 1e400 (→ inf), NaN,
    a 400-digit number or a string, and none of them may reach a sum as a number."""
    from ..cells import parse_cell
    from ..report import State

    cells = report.format.cells
    values: dict[str, float | int | None] = {}
    for cid, value in report.values.items():
        if cid not in cells:
            continue
        if value is None:
            values[cid] = None
            continue
        parsed = parse_cell(value, cells[cid])
        values[cid] = parsed.number
        if parsed.state is not State.NUMBER:
            report.states[cid] = parsed.state
            report.raw[cid] = parsed.raw or ""
            if parsed.issue:
                report.findings.append(parsed.issue.at(report.ref(cid), cells[cid]))
    report.values = values
    return report


LOADERS = {
    ".txt": load_text,
    ".html": load_html,
    ".htm": load_html,
    ".shtml": load_html,
    ".docx": load_docx,
    ".pdf": load_pdf,
}


def load_document(path: Path) -> Document:
    return LOADERS[path.suffix.lower()](path)

"""The report as a Word document in 公文 style (GB/T 9704 layout), editable by staff.

    >>> write_docx(report, "年报.docx")
    PosixPath('年报.docx')
    >>> build_docx(report).paragraphs[0].text
    '巫溪县峰灵镇人民政府2023年政府信息公开工作年度报告'

A4; title 方正小标宋简体 二号 (Word falls back to 宋体 through the font table's
altName when the font is missing); section headings 黑体 三号; sub-headings
楷体_GB2312 三号; body 仿宋_GB2312 三号 at a fixed 28pt line; tables 宋体 五号/小五
spanning the text width. Every font is set for East-Asian text (w:eastAsia),
not only the Latin slots, or Word would show Chinese in its default font.
Real Word styles (Title, Heading 1/2) keep the navigation pane and a later
re-import working.
"""

from __future__ import annotations

from pathlib import Path

import docx
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor, Twips
from lxml import etree

from ..atomic import atomic_path
from ..report import Report
from ..safetext import clean
from .blocks import blocks, grid_rows, header_rows, shown_value

TITLE_FONT = "方正小标宋简体"
HEADING_FONT = "黑体"
SUBHEADING_FONT = "楷体_GB2312"
BODY_FONT = "仿宋_GB2312"
TABLE_FONT = "宋体"
# Installed on few machines outside government offices: the font table names what Word uses instead.
FALLBACKS = {TITLE_FONT: "宋体", BODY_FONT: "仿宋", SUBHEADING_FONT: "楷体"}

SIZE_2 = Pt(22)  # 二号
SIZE_3 = Pt(16)  # 三号
SIZE_5 = Pt(10.5)  # 五号
SIZE_S5 = Pt(9)  # 小五
TABLE_SIZES = {"t2": SIZE_5, "t3": SIZE_S5, "t4": SIZE_S5}
LINE = Pt(28)  # fixed line pitch of 公文 body text
INDENT = Pt(32)  # two characters of 三号

PAGE_W, PAGE_H = Mm(210), Mm(297)
MARGINS = {"top": Mm(37), "bottom": Mm(35), "left": Mm(28), "right": Mm(26)}
TEXT_WIDTH_MM = 210 - 28 - 26

TABLE_STYLE = "年报表格"
LANGUAGE = "zh-CN"
OFFICIAL_FONTS = (TITLE_FONT, HEADING_FONT, SUBHEADING_FONT, BODY_FONT, TABLE_FONT)


def _name_fonts(rpr, name: str) -> None:
    """Set every font slot (ascii, hAnsi, eastAsia, cs) of a w:rPr and drop theme fonts, which would win over a name."""
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = OxmlElement("w:rFonts")
        rpr.insert(0, rfonts)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        rfonts.attrib.pop(qn(attr), None)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        rfonts.set(qn(attr), name)


NO_SPACE = Pt(0)


def _style(doc, name: str, base: str | None, font: str, size, bold: bool = False, *,
           align=None, indent=None, line=None, before=NO_SPACE, after=NO_SPACE, outline: int | None = None):
    from docx.enum.style import WD_STYLE_TYPE

    try:
        style = doc.styles[name]
    except KeyError:
        style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    if base:
        style.base_style = doc.styles[base]
    ppr = style.element.get_or_add_pPr()
    for tag in ("w:pBdr", "w:contextualSpacing"):
        for el in ppr.findall(qn(tag)):
            ppr.remove(el)
    rpr = style.element.get_or_add_rPr()
    for tag in ("w:color", "w:spacing", "w:kern"):
        for el in rpr.findall(qn(tag)):
            rpr.remove(el)
    _name_fonts(style.element.get_or_add_rPr(), font)
    style.font.size = size
    style.font.bold = bold
    style.font.color.rgb = RGBColor(0, 0, 0)
    pf = style.paragraph_format
    pf.alignment = align
    pf.first_line_indent = indent
    pf.space_before, pf.space_after = before, after
    if line is not None:
        pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        pf.line_spacing = line
    else:
        pf.line_spacing_rule = WD_LINE_SPACING.SINGLE
    pf.keep_with_next = outline is not None
    return style


def _styles(doc) -> None:
    _style(doc, "Normal", None, BODY_FONT, SIZE_3, align=WD_ALIGN_PARAGRAPH.JUSTIFY, indent=INDENT, line=LINE)
    _style(doc, "Title", "Normal", TITLE_FONT, SIZE_2, align=WD_ALIGN_PARAGRAPH.CENTER, indent=Pt(0),
           line=Pt(36), after=Pt(28), outline=0)
    _style(doc, "Heading 1", "Normal", HEADING_FONT, SIZE_3, indent=INDENT, line=LINE, outline=0)
    _style(doc, "Heading 2", "Normal", SUBHEADING_FONT, SIZE_3, indent=INDENT, line=LINE, outline=1)
    _style(doc, TABLE_STYLE, "Normal", TABLE_FONT, SIZE_5, align=WD_ALIGN_PARAGRAPH.CENTER, indent=Pt(0))
    # Character styles linked to the headings carry theme fonts too.
    for linked in ("Title Char", "Heading 1 Char", "Heading 2 Char"):
        try:
            rpr = doc.styles[linked].element.get_or_add_rPr()
        except KeyError:
            continue
        for el in rpr.findall(qn("w:rFonts")) + rpr.findall(qn("w:color")):
            rpr.remove(el)
    # East-Asian default of the document itself (docDefaults), for anything without a style.
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    rpr_default = defaults.find(qn("w:rPrDefault")) if defaults is not None else None
    if rpr_default is not None and rpr_default.find(qn("w:rPr")) is not None:
        _name_fonts(rpr_default.find(qn("w:rPr")), BODY_FONT)
        _language(rpr_default.find(qn("w:rPr")), "w:lang")
    # The theme's East-Asian language (python-docx's template: ja-JP), which Word uses for theme fonts.
    _language(doc.settings.element, "w:themeFontLang")


def _language(parent, tag: str) -> None:
    """Declare the text Simplified Chinese. python-docx's template says en-US for East-Asian text: where a
    公文 font is missing, LibreOffice then draws the stand-in (a pan-CJK font such as Noto CJK) in its
    default, Japanese or Traditional forms (。 centred, 户 with a flat top) instead of the Simplified ones."""
    lang = parent.find(qn(tag))
    if lang is None:
        lang = OxmlElement(tag)
        parent.append(lang)
    lang.set(qn("w:val"), LANGUAGE)
    lang.set(qn("w:eastAsia"), LANGUAGE)


def _font_table(doc) -> None:
    """Declare the 公文 fonts with a Chinese charset and the font Word substitutes when one is missing."""
    part = next((p for p in doc.part.package.iter_parts() if p.partname == "/word/fontTable.xml"), None)
    if part is None:
        return
    root = etree.fromstring(part.blob)
    names = {f.get(qn("w:name")) for f in root.findall(qn("w:font"))}
    for name in OFFICIAL_FONTS:
        if name in names:
            continue
        font = etree.SubElement(root, qn("w:font"))
        font.set(qn("w:name"), name)
        if name in FALLBACKS:
            etree.SubElement(font, qn("w:altName")).set(qn("w:val"), FALLBACKS[name])
        etree.SubElement(font, qn("w:charset")).set(qn("w:val"), "86")  # GB2312
        etree.SubElement(font, qn("w:family")).set(qn("w:val"), "modern" if name == HEADING_FONT else "roman")
        etree.SubElement(font, qn("w:pitch")).set(qn("w:val"), "variable")
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _page(doc) -> None:
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = PAGE_W, PAGE_H
    section.top_margin, section.bottom_margin = MARGINS["top"], MARGINS["bottom"]
    section.left_margin, section.right_margin = MARGINS["left"], MARGINS["right"]
    section.footer_distance = Mm(28)
    # 公文 page number: "— 1 —", 宋体 四号, centred.
    footer = section.footer.paragraphs[0]
    footer.style = doc.styles[TABLE_STYLE]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.add_run("— ")
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    footer._p.append(field)
    footer.add_run(" —")
    for r in footer.runs:
        r.font.size = Pt(14)


def _cell_margins(table, mm: float = 1.0) -> None:
    tblpr = table._tbl.tblPr
    margins = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        el = OxmlElement(f"w:{side}")
        el.set(qn("w:w"), str(int(mm * 56.7)))
        el.set(qn("w:type"), "dxa")
        margins.append(el)
    tblpr.append(margins)


def _el(tag: str, parent=None, **attrs):
    el = OxmlElement(tag)
    for k, v in attrs.items():
        el.set(qn(f"w:{k}"), str(v))
    if parent is not None:
        parent.append(el)
    return el


def _twips(mm: float) -> int:
    return round(mm * 1440 / 25.4)


def _table(doc, table_key: str, report: Report) -> None:
    """Write the table's XML directly from the grid: each place is one w:tc with gridSpan, and vMerge
    restart/continue down its rows. (python-docx's cell merging walks the whole table per call:
    ~0.8 s for the three tables.)"""
    spec = report.format.tables[table_key]
    places = [p for row in grid_rows(spec) for p in row]
    widths = spec.column_widths
    scale = TEXT_WIDTH_MM / sum(widths)
    col_tw = [_twips(w * scale) for w in widths]
    table = doc.add_table(rows=0, cols=len(widths))
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    _cell_margins(table)
    for i, col in enumerate(table.columns):
        col.width = Twips(col_tw[i])
    style_id = doc.styles[TABLE_STYLE].style_id
    size = str(int(TABLE_SIZES.get(table_key, SIZE_S5).pt * 2))  # half-points
    n_header = header_rows(spec)
    height = max(p.row + p.rowspan for p in places)
    for r in range(height):
        tr = table._tbl.add_tr()
        trpr = _el("w:trPr", tr)
        _el("w:cantSplit", trpr)
        if r < n_header:
            _el("w:tblHeader", trpr)  # repeated at the top of each page the table runs onto
        covering = sorted((p for p in places if p.row <= r < p.row + p.rowspan), key=lambda p: p.col)
        for p in covering:
            tc = _el("w:tc", tr)
            tcpr = _el("w:tcPr", tc)
            _el("w:tcW", tcpr, w=sum(col_tw[p.col : p.col + p.colspan]), type="dxa")
            if p.colspan > 1:
                _el("w:gridSpan", tcpr, val=p.colspan)
            if p.rowspan > 1:
                _el("w:vMerge", tcpr, val="restart") if p.row == r else _el("w:vMerge", tcpr)
            _el("w:vAlign", tcpr, val="center")
            para = _el("w:p", tc)
            ppr = _el("w:pPr", para)
            _el("w:pStyle", ppr, val=style_id)
            if p.role == "label" and p.rowspan == 1:
                _el("w:jc", ppr, val="left")
            if p.row != r:
                continue  # a continued vertical merge holds an empty paragraph
            value = shown_value(report, p.cell) if p.cell else (p.text or "")
            run = _el("w:r", para)
            rpr = _el("w:rPr", run)
            if p.role == "title":
                _el("w:b", rpr)
            _el("w:sz", rpr, val=size)
            _el("w:szCs", rpr, val=size)
            t = _el("w:t", run)
            t.text = value


def build_docx(report: Report):
    """The python-docx Document of ``report`` (write_docx saves it)."""
    doc = docx.Document()
    _styles(doc)
    _font_table(doc)
    _page(doc)
    doc.core_properties.title = clean(report.meta.title)
    doc.core_properties.author = clean(report.meta.name)
    doc.core_properties.comments = "nianbao"
    styles = {"title": "Title", "heading": "Heading 1", "subheading": "Heading 2", "paragraph": "Normal"}
    for block in blocks(report):
        if block.kind == "table":
            _table(doc, block.table, report)
            continue
        doc.add_paragraph(block.text, style=doc.styles[styles[block.kind]])
    # python-docx's template starts with one empty paragraph; the report starts with its title.
    first = doc.paragraphs[0]
    if not first.text and (first.style is None or first.style.name != "Title"):
        first._p.getparent().remove(first._p)
    return doc


def write_docx(report: Report, path: str | Path) -> Path:
    doc = build_docx(report)
    with atomic_path(path) as tmp:
        doc.save(str(tmp))
    return Path(path)


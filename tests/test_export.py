"""export: the block list, and the Word document re-read with python-docx."""

from __future__ import annotations

import docx
import pytest
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from lxml import etree

from nianbao.examples import EXAMPLES
from nianbao.export import ExportRefused, export
from nianbao.export.blocks import blocks, shown_value, starts_with_own_heading
from nianbao.export.docx import build_docx, write_docx
from nianbao.formats import F2021
from nianbao.grid import table_grid
from nianbao.report import Report, State

FENGLING, MISTAKES = (e.report for e in EXAMPLES)
SLOT = {s.key: s for s in F2021.text_slots}


def test_blocks_follow_the_format_order():
    kinds = [(b.kind, b.text or b.table) for b in blocks(FENGLING) if b.kind != "paragraph"]
    assert kinds == [
        ("title", "巫溪县峰灵镇人民政府2023年政府信息公开工作年度报告"),
        ("heading", "一、总体情况"),
        ("heading", "二、主动公开政府信息情况"), ("table", "t2"),
        ("heading", "三、收到和处理政府信息公开申请情况"), ("table", "t3"),
        ("heading", "四、政府信息公开行政复议、行政诉讼情况"), ("table", "t4"),
        ("heading", "五、存在的主要问题及改进情况"),
        ("subheading", "（一）存在的主要问题"),
        ("subheading", "（二）改进情况"),
        ("heading", "六、其他需要报告的事项"),
    ]  # 峰灵镇's 总体情况 paragraphs open with their own "(一)…": no second heading


@pytest.mark.parametrize("body, own", [
    ("（一）主动公开工作扎实推进。", True),
    ("(一)严格执行法定主动公开要求。", True),
    ("本年度主动公开信息55条。", False),
    ("（二）依申请公开……", False),
])
def test_a_slot_opening_with_its_own_sub_heading(body, own):
    assert starts_with_own_heading(SLOT["overview.proactive"], body) is own


def test_empty_slots_are_left_out_and_a_repeated_section_heading_dropped():
    report = Report.from_numbers({}, name="某局", year=2024)
    report.text = {"overview.platform": "门户网站专栏运行平稳。", "other": "六、其他需要报告的事项\n本机关2024年未收取信息处理费。"}
    items = [(b.kind, b.text) for b in blocks(report) if b.kind != "table"]
    assert items == [
        ("title", "某局2024年政府信息公开工作年度报告"),
        ("heading", "一、总体情况"),
        ("subheading", "（四）政府信息公开平台建设"), ("paragraph", "门户网站专栏运行平稳。"),
        ("heading", "二、主动公开政府信息情况"),
        ("heading", "三、收到和处理政府信息公开申请情况"),
        ("heading", "四、政府信息公开行政复议、行政诉讼情况"),
        ("heading", "五、存在的主要问题及改进情况"),
        ("heading", "六、其他需要报告的事项"), ("paragraph", "本机关2024年未收取信息处理费。"),
    ]


def test_shown_values_keep_what_the_unit_reported():
    report = Report.from_numbers({"t2.fees.amount": 190.457379})
    report.values["t2.rules.issued"] = None
    report.states["t2.rules.issued"] = State.NOT_APPLICABLE
    report.values["t3.new.business"] = None
    report.states["t3.new.business"] = State.BLANK
    assert [shown_value(report, c) for c in ("t2.fees.amount", "t2.rules.issued", "t3.new.business", "t3.new.total")] == [
        "190.457379", "/", "", "0",
    ]


# --- Word ---------------------------------------------------------------------------------


def docx_places(table) -> list[tuple[int, int, int, int, str]]:
    """(row, col, rowspan, colspan, text) of every cell as Word stores it: gridSpan and vMerge."""
    origins: dict[tuple[int, int], list] = {}
    open_merge: dict[int, tuple[int, int]] = {}
    for r, tr in enumerate(table._tbl.tr_lst):
        c = 0
        for tc in tr.tc_lst:
            span = tc.grid_span
            if tc.vMerge == "continue":
                origins[open_merge[c]][2] += 1
            else:
                origins[(r, c)] = [r, c, 1, span, "".join(t.text or "" for t in tc.iter(qn("w:t")))]
                if tc.vMerge == "restart":
                    open_merge[c] = (r, c)
            c += span
    return sorted(tuple(v) for v in origins.values())


def schema_places(key: str, report: Report) -> list[tuple[int, int, int, int, str]]:
    return sorted(
        (p.row, p.col, p.rowspan, p.colspan, shown_value(report, p.cell) if p.cell else p.text)
        for p in table_grid(F2021.tables[key])
    )


@pytest.fixture(scope="module")
def word(tmp_path_factory):
    report = Report.from_numbers({"t3.new.total": 7, "t3.new.natural_person": 7, "t4.direct.total": 2, "t4.direct.upheld": 2},
                                 name="某县某局", level="县级部门", year=2024)
    report.text = dict(FENGLING.text)
    path = write_docx(report, tmp_path_factory.mktemp("docx") / "年报.docx")
    return report, docx.Document(str(path))


def test_docx_headings_in_order(word):
    _, doc = word
    styled = [(p.style.name, p.text) for p in doc.paragraphs if p.style.name in ("Title", "Heading 1", "Heading 2")]
    assert styled[0] == ("Title", "某县某局2024年政府信息公开工作年度报告")
    assert [t for s, t in styled if s == "Heading 1"] == list(F2021.section_headings)
    assert [t for s, t in styled if s == "Heading 2"] == ["（一）存在的主要问题", "（二）改进情况"]
    assert doc.paragraphs[0].style.name == "Title"


def test_docx_tables_have_the_formats_grid_and_merges(word):
    report, doc = word
    assert len(doc.tables) == 3
    for table, key in zip(doc.tables, ("t2", "t3", "t4")):
        assert docx_places(table) == schema_places(key, report), key
    t3 = docx_places(doc.tables[1])
    assert (5, 0, 22, 1, "三、本年度办理结果") in t3
    assert (0, 0, 3, 3, "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）") in t3
    header_rows = [r for r in doc.tables[1]._tbl.tr_lst if r.trPr is not None and r.trPr.find(qn("w:tblHeader")) is not None]
    assert len(header_rows) == 3  # the column headers repeat on every page the table runs onto


def test_docx_fonts_are_set_for_east_asian_text(word):
    _, doc = word
    expected = {"Normal": "仿宋_GB2312", "Title": "方正小标宋简体", "Heading 1": "黑体", "Heading 2": "楷体_GB2312", "年报表格": "宋体"}
    sizes = {"Normal": Pt(16), "Title": Pt(22), "Heading 1": Pt(16), "Heading 2": Pt(16), "年报表格": Pt(10.5)}
    for name, font in expected.items():
        style = doc.styles[name]
        fonts = style.element.rPr.rFonts
        assert fonts.get(qn("w:eastAsia")) == font, name
        assert fonts.get(qn("w:ascii")) == font, name
        assert fonts.get(qn("w:eastAsiaTheme")) is None, name  # a theme font would override the name
        assert style.font.size == sizes[name], name
    table_run = doc.tables[1].rows[0].cells[0].paragraphs[0]
    assert table_run.style.name == "年报表格"
    assert table_run.runs[0].font.size == Pt(9)
    font_table = next(p for p in doc.part.package.iter_parts() if p.partname == "/word/fontTable.xml")
    root = etree.fromstring(font_table.blob)
    alt = {f.get(qn("w:name")): f.find(qn("w:altName")) for f in root.findall(qn("w:font"))}
    assert alt["方正小标宋简体"].get(qn("w:val")) == "宋体"
    assert alt["仿宋_GB2312"].get(qn("w:val")) == "仿宋"


def test_docx_declares_its_text_simplified_chinese(word):
    # python-docx's template says en-US (and ja-JP for the theme): a stand-in CJK font then draws other forms.
    _, doc = word
    rpr = doc.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    langs = [rpr.find(qn("w:lang")), doc.settings.element.find(qn("w:themeFontLang"))]
    assert [(el.get(qn("w:val")), el.get(qn("w:eastAsia"))) for el in langs] == [("zh-CN", "zh-CN")] * 2
    xml = etree.tostring(doc.styles.element).decode() + etree.tostring(doc.settings.element).decode()
    assert "ja-JP" not in xml and 'w:eastAsia="en-US"' not in xml


def test_docx_page_is_a4_with_official_margins(word):
    _, doc = word
    s = doc.sections[0]
    assert (round(s.page_width.mm), round(s.page_height.mm)) == (210, 297)
    assert [round(m.mm) for m in (s.top_margin, s.bottom_margin, s.left_margin, s.right_margin)] == [37, 35, 28, 26]
    widths = [sum(c.width for c in t.columns) for t in doc.tables]
    assert all(abs(w - Mm(156)) < Mm(0.5) for w in widths)  # each table spans exactly the text width


def test_docx_body_paragraphs_are_the_report_text(word):
    report, doc = word
    body = [p.text for p in doc.paragraphs if p.style.name == "Normal"]
    assert body[0] == report.text["overview.intro"]
    assert body[-1] == report.text["other"]


def test_export_refuses_a_report_with_errors(examples_dir, tmp_path):
    with pytest.raises(ExportRefused) as refused:
        export(examples_dir / EXAMPLES[1].file, docx=tmp_path / "x.docx")
    assert [f.rule for f in refused.value.errors] == ["T3-H", "T3-V", "T4-S"]
    assert "报告有3个错误，未导出" in str(refused.value)
    assert not (tmp_path / "x.docx").exists()
    result = export(examples_dir / EXAMPLES[1].file, docx=tmp_path / "x.docx", allow_errors=True)
    assert result.written == [tmp_path / "x.docx"]
    # The numbers are those the checker saw: "12件" typed in 表三 D17 is exported as 12.
    t3 = docx.Document(str(tmp_path / "x.docx")).tables[1]
    assert (15, 3, 1, 1, "12") in docx_places(t3)



def test_a_refusal_can_list_only_the_first_errors_and_name_another_remedy(examples_dir):
    with pytest.raises(ExportRefused) as refused:
        export(examples_dir / EXAMPLES[1].file, html="x.html")
    short = ExportRefused("单位.xlsx", refused.value.errors, shown=2, remedy="点“校验”可标出出错的单元格")
    assert str(short).split("\n") == [
        "单位.xlsx：报告有3个错误，未导出（改正后再导出；点“校验”可标出出错的单元格）：",
        *str(refused.value).split("\n")[1:3],
        "  ……另有1个错误",
    ]
    assert short.errors == refused.value.errors

def test_export_refuses_a_count_that_is_not_a_number_and_a_report_without_text(tmp_path):
    from workbooks import report, workbook

    from nianbao.formats import F2021
    from nianbao.workbook.layout import layout_of

    twelve = workbook(tmp_path / "十二.xlsx", cells={"t3.new.research": "十二"})
    with pytest.raises(ExportRefused) as refused:
        export(twelve, html=tmp_path / "十二.html")
    assert [(f.rule, f.address) for f in refused.value.errors] == [("N4", layout_of(F2021).addresses["t3.new.research"])]
    assert "报告有1个发布前须解决的问题，未导出" in str(refused.value)
    assert not (tmp_path / "十二.html").exists()
    draft = export(twelve, html=tmp_path / "十二.html", allow_errors=True)
    assert [f.rule for f in draft.errors] == ["N4"]
    assert 'data-cell="t3.new.research">十二</td>' in (tmp_path / "十二.html").read_text(encoding="utf-8")

    untitled = workbook(tmp_path / "无文字.xlsx", base=report(text={}))
    with pytest.raises(ExportRefused) as refused:
        export(untitled, docx=tmp_path / "无文字.docx")
    assert [(f.rule, f.address) for f in refused.value.errors] == [("S12", "文字!B3")]
    assert not (tmp_path / "无文字.docx").exists()


def test_build_docx_keeps_full_width_punctuation_of_labels():
    doc = build_docx(FENGLING)
    texts = {c.text for t in doc.tables for row in t.rows for c in row.cells}
    assert "3.危及“三安全一稳定”" in texts
    assert "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请" in texts

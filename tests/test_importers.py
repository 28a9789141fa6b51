"""Published reports → Report: the seed, the corpus, every tolerance of issue 6 point 2, each format."""

from __future__ import annotations

import json

import pytest
from conftest import CORPUS, FIXTURES, REPO, corpus_expected

from nianbao.check import check
from nianbao.errors import EmptyFile, FileMissing, NotADocument, NotAReport, NoTextLayer, SourceError
from nianbao.examples import EXAMPLES
from nianbao.formats import F2019, F2021
from nianbao.importers import UNREAD_MARK, for_template, import_report, missing_tables
from nianbao.report import Report, State, findings_table
from nianbao.sources import read_report

IMPORT = FIXTURES / "import"


def rules(report: Report) -> list[str]:
    return [f.rule for f in report.findings]


def wrong_cells(report: Report, expected: dict) -> list[str]:
    return [cid for cid, v in expected.items() if report.values.get(cid) != v]


# --- the seed --------------------------------------------------------------------------


def test_seed_is_the_all_zero_2023_report_of_fengling_with_its_text():
    report = import_report(CORPUS / "seed-fengling-2023.txt")
    example = EXAMPLES[0].report
    assert (report.meta.name, report.meta.year, report.meta.level) == ("巫溪县峰灵镇人民政府", 2023, "乡镇/街道")
    assert report.values == dict.fromkeys(F2021.cell_ids, 0)
    assert report.states == {}
    assert report.text == example.text  # the six sections, split into the template's slots
    assert report.findings == []


def test_seed_jiaona_variant_is_accepted_and_quoted_as_printed():
    report = import_report(CORPUS / "seed-fengling-2023.txt")
    assert report.values["t3.other_unpaid.natural_person"] == 0
    assert "交纳" in report.addresses["t3.other_unpaid.total"]
    assert report.addresses["t3.new.natural_person"] == "表三「一、本年新收政府信息公开申请数量」行「自然人」列"
    assert "S4" not in rules(report)


def test_seed_checks_like_the_bundled_workbook():
    from nianbao.workbook.read import read_workbook

    report = import_report(CORPUS / "seed-fengling-2023.txt")
    bundled = read_workbook(REPO / "template" / "examples" / "巫溪县峰灵镇人民政府-2023.xlsx")
    assert [f.rule for f in check(report)] == [f.rule for f in check(bundled)] == ["S6", "S10"]


# --- the corpus with transcribed numbers -----------------------------------------------


def test_corpus_001_pdf_text_reads_every_cell():
    report = import_report(CORPUS / "001.txt")
    assert wrong_cells(report, corpus_expected("001")) == []
    assert (report.meta.name, report.meta.year) == ("淮安市人民政府", 2024)
    # A row label broken over lines and pages keeps its printed form in the address.
    assert report.addresses["t3.other_unpaid.total"] == (
        "表三「2、申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请」行「总计」列"
    )
    assert report.text["other"].endswith("全年收取政府信息公开信息处理费 3940 元。")
    assert report.text["overview.proactive"].startswith("（一）主动公开情况。2024 年，市政府网站")


def test_corpus_004_run_together_digits_split_only_where_unique():
    report = import_report(CORPUS / "004.txt")
    expected = corpus_expected("004")
    unknown = list(F2021.table_cells("t2")[3:6])  # 行政规范性文件 693665: ten splits, no identity to choose
    assert [c for c in wrong_cells(report, expected) if c not in unknown] == []
    assert [report.values[c] for c in unknown] == [None, None, None]
    assert all(report.state(c) is State.TEXT for c in unknown)
    d2 = [f for f in report.findings if f.rule == "D2"]
    assert [f.cells[0].id for f in d2] == ["t2.normative.issued"] and "693665" in d2[0].message
    d1 = {f.cells[0].id: f for f in report.findings if f.rule == "D1"}
    assert set(d1) == {"t2.rules.issued", "t3.new.natural_person", "t4.review.upheld"}
    assert "640020470" in d1["t3.new.natural_person"].message and "64、0、0、2、0、4、70" in d1["t3.new.natural_person"].message
    assert len(d1["t3.new.natural_person"].cells) == 175


def test_corpus_005_text_states_the_split_of_a_row_without_identities():
    report = import_report(CORPUS / "005.txt")
    assert wrong_cells(report, corpus_expected("005")) == []
    told = [f for f in report.findings if f.rule == "D1" and f.cells[0].id == "t2.normative.issued"]
    assert len(told) == 1 and "88、55、698" in told[0].message
    # The misprinted heading 四 (行政法复议) is accepted by similarity, with a note.
    assert [(f.rule, f.severity.value) for f in report.findings if f.rule == "S1"] == [("S1", "info")]


def test_corpus_cross_year_check_with_an_imported_last_year():
    this, last = read_report(CORPUS / "005.txt"), read_report(CORPUS / "004.txt")
    ids = [f.rule for f in check(this, last)]
    assert "Y1" not in ids  # 2022 上年结转 (1 0 0 0 0 0 1) = 2021 结转下年度
    assert "Y2" not in ids  # 2021 行政规范性文件 unread: not compared, never taken as 0


@pytest.mark.parametrize("name", [f"{n:03d}" for n in range(8, 31)])
def test_cut_off_corpus_reports_are_incomplete_never_zeros(name):
    report = import_report(CORPUS / f"{name}.txt")
    missing = missing_tables(report)
    assert "表三" in missing and "表四" in missing
    c1_tables = set(missing)
    for table in ("t2", "t3", "t4"):
        name_cn = {"t2": "表二", "t3": "表三", "t4": "表四"}[table]
        if name_cn in c1_tables:
            assert any(report.values[c] is None for c in F2021.table_cells(table))
    assert all(report.values[c] is None for c in F2021.table_cells("t4"))
    assert any(f.rule == "S1" and "截断" in f.message for f in report.findings)


def test_cut_off_table_keeps_the_rows_before_the_cut():
    report = import_report(CORPUS / "011.txt")
    assert [report.values[c] for c in F2021.table_cells("t2")[:6]] == [0] * 6
    assert report.values["t2.licensing.decisions"] is None
    c1 = [f for f in report.findings if f.rule == "C1"]
    assert "表二在中途截断" in c1[0].message and "「行政许可」" in c1[0].message


# --- one fixture per tolerance -----------------------------------------------------------


def test_half_and_full_width_punctuation_and_digits():
    report = import_report(IMPORT / "punctuation-widths.txt")
    assert wrong_cells(report, corpus_expected("001")) == []
    assert findings_table(f for f in report.findings if f.rule != "M1") == [
        ("N4", "warning", "表三「(一)予以公开」行「自然人」列"),
    ]
    assert report.raw["t3.disclosed.natural_person"] == "１２８８"


def test_split_header_words_of_table_four():
    report = import_report(IMPORT / "split-headers.txt")
    assert wrong_cells(report, corpus_expected("001")) == []


def test_label_misprints_are_read_and_reported():
    report = import_report(IMPORT / "label-typos.txt")
    assert wrong_cells(report, corpus_expected("001")) == []
    s4 = [f for f in report.findings if f.rule == "S4"]
    assert [f.cells[0].id for f in s4] == [
        "label:（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
        "label:5.属于三类内部事务信息",
        "label:3.补正后申请内容仍不明确",  # not a known misprint: recognised by its opening
    ]
    assert report.addresses["t3.refused_internal.total"] == "表三「5.属于三类内容事务信息」行「总计」列"


def test_amounts_and_counts_with_units_typed_in():
    report = import_report(IMPORT / "units-in-cells.txt")
    assert report.values["t2.fees.amount"] == pytest.approx(25.1)
    assert report.values["t2.licensing.decisions"] == 447228
    assert [(f.rule, f.cells[0].id) for f in report.findings if f.rule == "N4"] == [
        ("N4", "t2.licensing.decisions"), ("N4", "t2.fees.amount"),
    ]


def test_missing_total_cells_are_blank_not_guessed():
    report = import_report(IMPORT / "missing-totals.txt")
    totals = [c for c in F2021.table_cells("t3") if c.endswith(".total")]
    assert all(report.values[c] is None and report.state(c) is State.BLANK for c in totals)
    expected = {c: v for c, v in corpus_expected("001").items() if c not in totals}
    assert wrong_cells(report, expected) == []
    assert sum(1 for f in report.findings if f.rule == "N3") == 25
    assert "T3-H" in [f.rule for f in check(report)]  # blank totals count as 0 and break the row sums


def test_blank_slash_and_dash_cells_in_a_real_table(tmp_path):
    page = (IMPORT / "huaian-2024-tables.html").read_text(encoding="utf-8")
    # 规章 row "/" (no rule-making power), 行政许可 "—", 行政处罚 left blank.
    page = page.replace("<td>规章</td><td>1</td>", "<td>规章</td><td>/</td>", 1)
    page = page.replace('<td>行政许可</td><td colspan="3">447228</td>', '<td>行政许可</td><td colspan="3">—</td>', 1)
    page = page.replace('<td>行政处罚</td><td colspan="3">3985758</td>', '<td>行政处罚</td><td colspan="3"></td>', 1)
    path = tmp_path / "blanks.html"
    path.write_text(page, encoding="utf-8")
    report = import_report(path)
    assert (report.values["t2.rules.issued"], report.state("t2.rules.issued")) == (None, State.NOT_APPLICABLE)
    assert (report.values["t2.licensing.decisions"], report.state("t2.licensing.decisions")) == (None, State.NOT_APPLICABLE)
    assert (report.values["t2.punishment.decisions"], report.state("t2.punishment.decisions")) == (None, State.BLANK)
    assert findings_table(f for f in report.findings if f.rule in ("N3", "N4")) == [
        ("N3", "info", "表二「规章」行「本年制发件数」列"),
        ("N3", "warning", "表二「行政许可」行「本年处理决定数量」列"),
        ("N3", "warning", "表二「行政处罚」行「本年处理决定数量」列"),
    ]


def test_a_blank_cell_is_worded_alike_by_the_importer_and_the_workbook_reader(tmp_path):
    from workbooks import workbook

    from nianbao.workbook.read import read_workbook

    page = (IMPORT / "huaian-2024-tables.html").read_text(encoding="utf-8")
    page = page.replace('<td>行政处罚</td><td colspan="3">3985758</td>', '<td>行政处罚</td><td colspan="3"></td>', 1)
    (tmp_path / "blank.html").write_text(page, encoding="utf-8")
    published = import_report(tmp_path / "blank.html")
    filled = read_workbook(workbook(tmp_path / "blank.xlsx", cells={"t2.punishment.decisions": None}))
    assert [f.message for f in published.findings if f.rule == "N3"] == [
        "表二「行政处罚」行有1个空白单元格（本年处理决定数量）；空白不等于0，没有发生的应填0"
    ]
    assert [f.message for f in filled.findings if f.rule == "N3"] == [
        "表二「行政处罚」行有1个空白单元格（表二!B11）；空白不等于0，没有发生的应填0"
    ]


def test_2019_format_is_named_and_its_common_rows_read():
    report = import_report(IMPORT / "format-2019.txt")
    assert report.meta.format == F2019.id and report.meta.year == 2020
    v1 = [f for f in report.findings if f.rule == "V1"]
    assert len(v1) == 1 and "第二十条第（九）项" in v1[0].message and "（六）其他处理" in v1[0].message
    assert all(report.values[c] is None for c in F2021.table_cells("t2"))
    expected = corpus_expected("001")
    six = [c for c in F2021.table_cells("t3") if c.split(".")[1].startswith("other_")]
    assert all(report.values[c] is None for c in six)
    assert wrong_cells(report, {c: v for c, v in expected.items() if c.startswith(("t3", "t4")) and c not in six}) == []
    assert "C1" not in rules(report)


def test_2019_format_in_a_2021_report_is_an_error(tmp_path):
    path = tmp_path / "old.txt"
    path.write_text((IMPORT / "format-2019.txt").read_text(encoding="utf-8").replace("2020年", "2022年", 1), encoding="utf-8")
    assert [f.rule for f in import_report(path).findings if f.rule in ("V1", "Y4")] == ["Y4"]


def test_table_cut_off_part_way():
    report = import_report(IMPORT / "cut-off-in-table3.txt")
    assert missing_tables(report) == ["表三", "表四"]
    assert report.values["t3.disclosed.total"] == 1362
    assert report.values["t3.partial.total"] is None and report.values["t3.carried_forward.total"] is None
    assert [f.rule for f in check(report) if f.rule.startswith("T3")] == []  # unknown cells are not summed


def test_run_together_digits_with_two_consistent_splits_stay_unread():
    report = import_report(IMPORT / "digits-ambiguous.txt")
    assert all(report.values[c] is None for c in F2021.table_cells("t4"))
    d2 = [f for f in report.findings if f.rule == "D2"]
    assert len(d2) == 1 and "11000110000000000" in d2[0].message and "2种" in d2[0].message


def test_pdf_page_footers_inside_a_table_are_dropped():
    text = (CORPUS / "001.txt").read_text(encoding="utf-8")
    assert "\n- 5 -\n" in text  # inside 表三, between （四）无 and 法提供
    report = import_report(CORPUS / "001.txt")
    assert report.values["t3.unavailable_creation.total"] == 11


# --- formats ----------------------------------------------------------------------------


def _comparable(report: Report) -> dict:
    d = report.to_dict()
    d["meta"].pop("source")
    return d


def test_html_with_rowspan_colspan_and_flattened_html_give_the_same_report():
    tables = import_report(IMPORT / "huaian-2024-tables.html")
    flat = import_report(IMPORT / "huaian-2024-flat.html")
    assert wrong_cells(tables, corpus_expected("001")) == []
    assert _comparable(tables) == _comparable(flat)


@pytest.mark.parametrize("name", ["huaian-2024.docx", "huaian-2024.pdf"])
def test_word_and_pdf_read_every_cell(name):
    report = import_report(IMPORT / name)
    assert wrong_cells(report, corpus_expected("001")) == []
    assert (report.meta.name, report.meta.year) == ("淮安市人民政府", 2024)
    # Word keeps the space typed between 2024 and 年; a PDF's is only spacing, and is dropped.
    assert report.text["other"].startswith("2024 年，市政府严格落实" if name.endswith(".docx") else "2024年，市政府严格落实")
    assert report.addresses["t4.after_review.total"] == "表四「复议后起诉」「总计」列"


def test_word_tables_and_text_match_the_html_page():
    docx, html = import_report(IMPORT / "huaian-2024.docx"), import_report(IMPORT / "huaian-2024-tables.html")
    assert docx.values == html.values and docx.addresses == html.addresses
    assert {k: v for k, v in docx.text.items() if k != "other"} == {k: v for k, v in html.text.items() if k != "other"}


def test_scanned_pdf_has_no_text_layer():
    with pytest.raises(NoTextLayer, match="没有文字层"):
        import_report(IMPORT / "scanned.pdf")


def test_text_that_is_no_report_is_refused():
    with pytest.raises(NotAReport):
        import_report(IMPORT / "not-a-report.txt")


@pytest.mark.parametrize(
    "name, content, error",
    [
        ("empty.html", b"", EmptyFile),
        ("word.docx", "一、总体情况".encode(), NotADocument),
        ("old.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, NotADocument),
        ("fake.pdf", b"hello", NotADocument),
    ],
)
def test_unusable_files_raise_source_errors_naming_the_file(tmp_path, name, content, error):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(error) as e:
        import_report(path)
    assert str(e.value).startswith(str(path))


def test_missing_file():
    with pytest.raises(FileMissing):
        read_report(IMPORT / "nothing-here.html")


def test_gb18030_text_and_declared_charset(tmp_path):
    text = (CORPUS / "seed-fengling-2023.txt").read_text(encoding="utf-8")
    (tmp_path / "gbk.txt").write_bytes(text.encode("gb18030"))
    page = "<html><head><meta charset=gb2312></head><body><pre>" + text + "</pre></body></html>"
    (tmp_path / "gbk.html").write_bytes(page.encode("gb18030"))
    for name in ("gbk.txt", "gbk.html"):
        report = import_report(tmp_path / name)
        assert report.meta.name == "巫溪县峰灵镇人民政府" and report.values["t3.total.total"] == 0


def test_overrides_and_level_from_the_name():
    report = import_report(CORPUS / "001.txt", name="淮安市政府办公室", year=2024, level="市级部门")
    assert (report.meta.name, report.meta.level) == ("淮安市政府办公室", "市级部门")
    assert "M1" not in rules(report)


def test_title_missing_is_reported():
    report = import_report(CORPUS / "013.txt")
    assert report.meta.name == "" and report.meta.year == 2021
    assert [f.rule for f in report.findings if f.rule == "S2"] == ["S2"]


def test_template_copy_marks_unread_cells_never_blank():
    report = import_report(CORPUS / "004.txt")
    copy = for_template(report)
    assert copy.raw["t2.normative.issued"] == UNREAD_MARK
    assert "t2.normative.issued" not in report.raw


def test_report_json_is_a_source(tmp_path):
    report = import_report(CORPUS / "005.txt")
    path = tmp_path / "2022.json"
    path.write_text(report.to_json(), encoding="utf-8")
    again = read_report(path)
    assert again.values == report.values and again.addresses == report.addresses
    (tmp_path / "bad.json").write_text(json.dumps({"x": 1}), encoding="utf-8")
    with pytest.raises(SourceError):
        read_report(tmp_path / "bad.json")


@pytest.mark.parametrize("suffix", ["docx", "pdf"])
@pytest.mark.parametrize("example, stem", [(0, "example-fengling-2023"), (1, "example-mistakes-2024")])
def test_printed_examples_read_back_to_the_same_report(example, stem, suffix):
    """Narrow portrait tables: labels wrap, 表三 breaks across pages mid-row; cells typed as 「12件」 or blank."""
    expected = EXAMPLES[example].report
    report = import_report(IMPORT / f"{stem}.{suffix}")
    assert (report.meta.name, report.meta.year) == (expected.meta.name, expected.meta.year)
    assert {c: (report.values[c], report.state(c)) for c in F2021.cell_ids} == {
        c: (expected.values[c], expected.state(c)) for c in F2021.cell_ids
    }
    assert report.text == expected.text

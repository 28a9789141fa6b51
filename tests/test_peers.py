"""merge.peers (H2): each unit's main totals against the other units of its level — bands, zeros, what is
not compared — and how a merge shows it (the unit's findings, 问题清单, 图表)."""

from __future__ import annotations

import math

import pytest
import python_calamine
from unitbooks import unit_book

from nianbao.formats import F2021
from nianbao.merge import merge
from nianbao.merge.peers import CLEAR, MIN_UNITS, ZERO_SHARE, compare
from nianbao.workbook.layout import layout_of

pd = pytest.importorskip("pandas")

LICENSING, PUNISHMENT, REVIEW, NEW = "t2.licensing.decisions", "t2.punishment.decisions", "t4.review.total", "t3.new.total"


def county(level: str, **columns: list) -> tuple[object, object]:
    """A frame of units of one level: ``columns`` cell id (dots as __) → one value per unit (None: blank,
    nan: unread); every other cell 0. Returns (frame, blanks)."""
    n = len(next(iter(columns.values())))
    rows, blank = [], []
    for i in range(n):
        row = {**dict.fromkeys(F2021.cell_ids, 0.0), "meta.level": level}
        gaps = dict.fromkeys(F2021.cell_ids, False)
        for name, values in columns.items():
            cid, v = name.replace("__", "."), values[i]
            row[cid] = 0.0 if v is None else float(v)
            gaps[cid] = v is None
        rows.append(row)
        blank.append(gaps)
    index = [f"单位{i + 1:02d}" for i in range(n)]
    return pd.DataFrame(rows, index=index), pd.DataFrame(blank, index=index)


def h2(frame, blanks) -> list[tuple[str, str, str, float | None, float | None]]:
    """(unit, first cell, message's first words, expected, actual) of every H2."""
    out = []
    for unit, f in compare(frame, blanks, lambda u, cid: layout_of(F2021).addresses[cid]).findings:
        assert (f.rule, f.severity.value) == ("H2", "info")
        out.append((unit, f.cells[0].id, f.message.split("，")[0], f.expected, f.actual))
    return out


TYPICAL = [120, 80, 150, 200, 95, 60, 300, 110, 140, 175, 90]


def test_a_value_an_order_of_magnitude_above_its_level():
    frame, blanks = county("县级部门", t2__licensing__decisions=TYPICAL + [52000])
    assert h2(frame, blanks) == [("单位12", LICENSING, "表二「行政许可」「本年处理决定数量」为52000件", 130, 52000)]
    (f,) = (f for _, f in compare(frame, blanks, lambda u, c: layout_of(F2021).addresses[c]).findings)
    assert f.address == "表二!B8"
    assert f.message.endswith("（本级可比的12个单位中位数为130件，通常在13至1305件之间）；请核实是否多写了数位或填入了其他口径的数字")


def test_one_wrong_value_does_not_hide_itself_as_it_would_from_mean_and_sd():
    # Among twelve units one wrong value weighs on the mean and sd so much that its z-score cannot pass
    # 11/√12 ≈ 3.18, whatever it is: mean ± 3.5 sd would never see it. Median and MAD do not move.
    for wrong in (5200, 52000, 5_200_000):
        values = pd.Series(TYPICAL + [wrong], dtype=float)
        assert (wrong - values.mean()) / values.std() < 3.5
        frame, blanks = county("县级部门", t2__licensing__decisions=list(values))
        assert [(u, a) for u, _, _, _, a in h2(frame, blanks)] == [("单位12", wrong)]


def test_quiet_within_a_factor_of_ten_when_most_report_the_same():
    # 复议 at townships: nearly all 0, so the MAD is 0; 2 is ordinary, 15 is not.
    frame, blanks = county("乡镇/街道", t4__review__total=[0] * 10 + [2, 15])
    assert h2(frame, blanks) == [("单位12", REVIEW, "表四「行政复议」「总计」为15件", 0, 15)]


def test_low_only_where_the_usual_range_starts_clearly_above_zero():
    # New applications: median 26, a unit with 1 is not called low (the range starts below CLEAR) …
    frame, blanks = county("县级部门", t3__new__total=[26, 30, 20, 25, 28, 35, 22, 27, 24, 31, 1])
    assert h2(frame, blanks) == []
    # … 行政许可 in the thousands: 45 looks like digits lost.
    frame, blanks = county("县级部门", t2__licensing__decisions=[2000, 1800, 2500, 2200, 1900, 3000, 2100, 1700, 2400, 2600, 45])
    assert h2(frame, blanks) == [("单位11", LICENSING, "表二「行政许可」「本年处理决定数量」为45件", 2100, 45)]


def test_zero_or_blank_where_most_of_the_level_report_clearly_non_zero():
    frame, blanks = county("县级部门", t2__punishment__decisions=[40, 35, 60, 25, 50, 45, 30, 55, 38, 42, 0, None])
    found = compare(frame, blanks, lambda u, c: layout_of(F2021).addresses[c]).findings
    assert [(u, f.message.split("（")[0], f.actual) for u, f in found] == [
        ("单位11", "表二「行政处罚」「本年处理决定数量」为0，而同为「县级部门」的其他10个单位中有10个不少于3件", 0),
        ("单位12", "表二「行政处罚」「本年处理决定数量」空白，而同为「县级部门」的其他11个单位中有10个不少于3件", None),
    ]
    assert found[1][1].message.endswith("请核实是否漏填；确实没有发生的请填0")


def test_zero_is_quiet_where_more_than_one_in_ten_report_little():
    # 9 of 11 others report 3 or more: 82% < 90%; one more, and both zeros are called out.
    frame, blanks = county("县级部门", t2__punishment__decisions=[40, 35, 60, 25, 50, 45, 30, 55, 38, 1, 0, 0])
    assert h2(frame, blanks) == []
    frame, blanks = county("县级部门", t2__punishment__decisions=[40, 35, 60, 25, 50, 45, 30, 55, 38, 42, 7, 0])
    assert [u for u, *_ in h2(frame, blanks)] == ["单位12"]
    assert (CLEAR, ZERO_SHARE) == (3, 0.9)


def test_a_level_with_too_few_units_is_not_compared_and_said_so():
    frame, blanks = county("县级部门", t2__licensing__decisions=TYPICAL[: MIN_UNITS - 2] + [52000])
    peers = compare(frame, blanks, lambda u, c: "")
    assert peers.findings == []
    assert peers.notes() == ["「县级部门」9个单位，少于10个，未做同级比较"]
    frame, blanks = county("县级部门", t2__licensing__decisions=TYPICAL[: MIN_UNITS - 1] + [52000])
    assert [u for u, *_ in h2(frame, blanks)] == ["单位10"]


def test_unread_values_are_in_no_statistic_and_get_no_finding():
    nan = math.nan
    # Three units' 行政许可 unread: ten known values are left, one of them 52000, and it is compared.
    frame, blanks = county("县级部门", t2__licensing__decisions=TYPICAL[:9] + [52000, nan, nan, nan])
    assert [(u, a) for u, _, _, _, a in h2(frame, blanks)] == [("单位10", 52000)]
    # Four unread: nine known, too few for this total; the level's other totals are still compared.
    frame, blanks = county("县级部门", t2__licensing__decisions=TYPICAL[:8] + [52000, nan, nan, nan, nan])
    peers = compare(frame, blanks, lambda u, c: "")
    assert peers.findings == []
    assert peers.notes() == ["「县级部门」的行政许可能读取的单位少于10个，未做同级比较"]
    # A total of two cells (行政诉讼) with one part unread is unread.
    frame, blanks = county("县级部门", t4__direct__total=[1] * 11 + [400], t4__after_review__total=[0] * 11 + [nan])
    assert h2(frame, blanks) == []


def test_a_negative_count_is_left_to_n1():
    frame, blanks = county("县级部门", t2__licensing__decisions=TYPICAL + [-3, 52000])
    assert [(u, a) for u, _, _, _, a in h2(frame, blanks)] == [("单位13", 52000)]


def test_units_of_different_levels_are_not_compared_with_each_other_and_a_unit_without_a_level_is_said():
    towns, tb = county("乡镇/街道", t2__licensing__decisions=[5, 8, 3, 6, 4, 7, 5, 9, 6, 4, 5])
    depts, db = county("县级部门", t2__licensing__decisions=TYPICAL)
    depts.index = db.index = [f"部门{i}" for i in range(len(depts))]
    frame, blanks = pd.concat([towns, depts]), pd.concat([tb, db])
    frame.loc["部门0", "meta.level"] = None
    peers = compare(frame, blanks, lambda u, c: "")
    assert peers.findings == []  # 120 is no outlier among towns' 5s: it is not a town's
    assert peers.levels == {"乡镇/街道": 11, "县级部门": 10}
    assert peers.notes() == ["1个单位的机关层级未填或不在列表中，未做同级比较"]


# --- in a merge ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def merged(tmp_path_factory):
    folder = tmp_path_factory.mktemp("peers")
    for i, n in enumerate(TYPICAL + [52000]):
        name = f"示例县第{i + 1:02d}局"
        unit_book(folder / "in" / f"{name}.xlsx", name, {LICENSING: n, NEW: 0})
    unit_book(folder / "in" / "甲镇.xlsx", "示例县甲镇人民政府", {LICENSING: 9}, level="乡镇/街道")
    unit_book(folder / "in" / "乙镇.xlsx", "示例县乙镇人民政府", {LICENSING: 90000}, level="乡镇/街道")
    return merge([folder / "in"], folder / "汇总.xlsx")


def _rows(path, sheet):
    return python_calamine.CalamineWorkbook.from_path(str(path)).get_sheet_by_name(sheet).to_python(skip_empty_area=False)


def test_a_merge_lists_h2_among_the_units_findings(merged):
    by_unit = {u.display: [(f.rule, f.severity.value, f.address, f.actual) for f in u.findings if f.rule == "H2"]
               for u in merged.batch.units}
    assert by_unit["示例县第12局"] == [("H2", "info", "表二!B8", 52000)]
    assert sum(map(len, by_unit.values())) == 1  # the two towns are too few to compare; 90000 says nothing there
    assert merged.batch.peers.notes() == ["「乡镇/街道」2个单位，少于10个，未做同级比较"]
    rows = _rows(merged.output, "问题清单")
    assert ["（同级比较）", "", "提示", "H2", "与同一机关层级的其他单位相比明显偏高、偏低或为0（汇总时）", "",
            "「乡镇/街道」2个单位，少于10个，未做同级比较", ""] in rows
    assert [r[0] for r in rows if r[3] == "H2" and r[0] != "（同级比较）"] == ["示例县第12局"]


def test_the_chart_sheet_shows_each_levels_range_and_marks_the_outlier(merged):
    rows = _rows(merged.output, "图表")
    start = next(i for i, r in enumerate(rows) if str(r[0]).startswith("同级比较（H2）"))
    block = rows[start:]
    assert "「乡镇/街道」2个单位，少于10个，未做同级比较" in [r[0] for r in block]
    table = next(i for i, r in enumerate(block) if r[:3] == ["机关层级", "项目", "可比单位数"])
    licensing = next(r for r in block[table:] if r[:2] == ["县级部门", "行政许可"])
    assert licensing[2:8] == [12, 130, "13至1305", 1, 0, 0]
    listed = next(i for i, r in enumerate(block) if r[:1] == ["单位"])
    assert block[listed + 1][:7] == ["示例县第12局", "县级部门", "行政许可", 52000, 130, "13至1305", "偏高"]
    # Printed on a page of its own, after the per-unit chart.
    import openpyxl

    ws = openpyxl.load_workbook(merged.output)["图表"]
    assert [b.id for b in ws.row_breaks.brk] == [36, start]


def test_merge_json_with_h2_is_valid_against_the_output_schema(merged, tmp_path):
    from test_json_output import run, valid

    inbox = merged.output.parent / "in"
    code, doc = run("merge", inbox, "-o", tmp_path / "汇总.xlsx", "--json")
    assert code == 0  # hints and warnings, no error
    valid(doc)
    hints = [(u["unit"], f["rule"], f["severity"], f["cells"][0], f["actual"]) for u in doc["units"] for f in u["findings"]
             if f["rule"] == "H2"]
    assert hints == [("示例县第12局", "H2", "info", ["t2.licensing.decisions", "表二!B8"], 52000)]

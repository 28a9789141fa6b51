"""The importer's parts: label normalisation with positions, digit splits, headings, value tokens."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nianbao.formats import F2019, F2021
from nianbao.importers.compact import Compact
from nianbao.importers.sections import find_headings, level_from_name, title_meta
from nianbao.importers.split import digit_splits, resolve, row_splits
from nianbao.importers.stated import stated_values
from nianbao.importers.tables import value_tokens
from nianbao.schema import Node, normalise


def _labels() -> list[str]:
    out: list[str] = list(F2021.section_headings) + [v for vs in F2021.heading_variants for v in vs]
    out += list(F2021.known_typos) + [t for t, _ in F2019.fingerprints]

    def walk(nodes: tuple[Node, ...]) -> None:
        for n in nodes:
            if n.label:
                out.append(n.label)
            walk(n.children)

    for table in F2021.tables.values():
        for s in table.sections:
            out += [x for x in (s.title, s.corner) if x]
            walk(s.columns)
            walk(s.rows)
    return out


@pytest.mark.parametrize("label", _labels())
def test_compact_text_equals_schema_normalise_on_every_label(label):
    assert Compact(label).s == normalise(label)


def test_compact_maps_back_to_the_printed_characters():
    text = "3、危及\n\"三安全\n一稳定\" 0 0"
    c = Compact(text)
    i = c.find(normalise("3.危及“三安全一稳定”"))
    assert c.original(i, i + len(normalise("3.危及“三安全一稳定”"))) == '3、危及\n"三安全\n一稳定"'


@given(st.text(alphabet="0123456789", min_size=1, max_size=9), st.integers(1, 9))
def test_every_digit_split_rejoins_and_has_no_leading_zero(digits, k):
    for parts in digit_splits(digits, k):
        assert "".join(parts) == digits and len(parts) == k
        assert all(p == "0" or not p.startswith("0") for p in parts)


def test_row_splits_across_tokens():
    assert row_splits(["500000", "5"], 7) == [("5", "0", "0", "0", "0", "0", "5")]
    assert row_splits(["0"], 7) == []


def test_resolve_keeps_only_the_split_all_identities_allow():
    cells = F2021.table_cells("t4")
    unique = resolve({"t4": row_splits(["10203120001200000"], 15)}, {"t4": cells}, {}, int)
    assert unique.chosen["t4"] == ("1", "0", "2", "0", "3", "12", "0", "0", "0", "12", "0", "0", "0", "0", "0")
    two = resolve({"t4": row_splits(["11000110000000000"], 15)}, {"t4": cells}, {}, int)
    assert two.chosen == {} and two.ambiguous == {"t4": 2}
    broken = resolve({"t4": row_splits(["111111111111111"], 15)}, {"t4": cells}, {}, int)
    assert broken.chosen == {} and broken.impossible == ["t4"]


def test_value_tokens_stop_at_words_and_take_a_short_word_when_it_fills_the_row():
    assert value_tokens(" 746 12 0 0 10 1 769\n法提供 ", 7) == ["746", "12", "0", "0", "10", "1", "769"]
    assert value_tokens(" 1 无 0 / — 3,119 12件 ", 7) == ["1", "无", "0", "/", "—", "3,119", "12件"]
    assert value_tokens("0，0，0", 3) == ["0", "0", "0"]


def test_headings_need_a_line_or_sentence_start_and_accept_near_misses():
    text = "本报告包括一、总体情况等。\n一、总体情况\n……\n四、政府信息公开行政法复议、行政诉讼情况\n"
    c = Compact(text)
    found = find_headings(c, text)
    assert found[0] is not None and text[found[0].start :].startswith("一、总体情况\n")
    assert found[3] is not None and not found[3].official
    assert found[1] is None


@pytest.mark.parametrize(
    "text, expected",
    [
        ("标  题: 熊官屯镇2023年政府信息公开工作年度报告\n一、总体情况", ("熊官屯镇", 2023)),
        ("淮安市人民政府\n2024 年政府信息公开工作年度报告\n一、总体情况", ("淮安市人民政府", 2024)),
        ("2022年上海市人民政府参事室政府信息公开工作年度报告\n一、总体情况", ("上海市人民政府参事室", 2022)),
        ("根据《条例》规定，现公布北票市长皋乡人民政府2024年度政府信息公开工作年度报告。\n一、总体情况", ("北票市长皋乡人民政府", 2024)),
        ("本报告中所列数据的统计期限自2021年1月1日起至2021年12月31日止。\n一、总体情况", ("", 2021)),
    ],
)
def test_title_metadata(text, expected):
    c = Compact(text)
    assert title_meta(text, find_headings(c, text))[:2] == expected


@pytest.mark.parametrize(
    "name, level",
    [("巫溪县峰灵镇人民政府", "乡镇/街道"), ("义乌市廿三里街道办事处", "乡镇/街道"), ("兴海县人民政府", "县级政府"),
     ("上海市杨浦区人民政府", "县级政府"), ("上海市人民政府", "省级政府"), ("淮安市人民政府", ""), ("平潭综合实验区", ""),
     # issue 12: a title that names only the place, and a county's department
     ("昌图县七家子镇", "乡镇/街道"), ("长安区砲里街道", "乡镇/街道"), ("平寨乡", "乡镇/街道"), ("上海市", "省级政府"),
     ("兴海县", "县级政府"), ("平武县统计局", "县级部门"), ("示例县市场监督管理局", "县级部门"), ("上海市人民政府参事室", "")],
)
def test_level_only_when_the_name_decides_it(name, level):
    assert level_from_name(name) == level


def test_stated_values_need_row_column_and_count_in_one_clause():
    text = "集中公开现行有效行政规范性文件698件，动态更新本年度制发的规范性文件88件。废止和制发规范性文件3件。"
    assert stated_values(text, "行政规范性文件", ["本年制发件数", "本年废止件数", "现行有效件数"]) == {2: 698, 0: 88}

"""The schema's labels and structure equal the national format (docs/format.md §3.2–§3.4), written out here by hand."""

from nianbao.formats import F2021
from nianbao.grid import grid_size, table_grid
from nianbao.schema import normalise

# docs/format.md §3.2: 表二, four blocks (title, header row, data rows)
T2_LABELS = [
    "第二十条第（一）项", "信息内容", "本年制发件数", "本年废止件数", "现行有效件数", "规章", "行政规范性文件",
    "第二十条第（五）项", "信息内容", "本年处理决定数量", "行政许可",
    "第二十条第（六）项", "信息内容", "本年处理决定数量", "行政处罚", "行政强制",
    "第二十条第（八）项", "信息内容", "本年收费金额（单位：万元）", "行政事业性收费",
]

# docs/format.md §3.3: 表三 header and the 25 rows with their label columns
T3_HEADER = [
    "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）",
    "申请人情况", "自然人", "法人或其他组织", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计",
]
T3_ROW_LABELS = [
    "一、本年新收政府信息公开申请数量",
    "二、上年结转政府信息公开申请数量",
    "三、本年度办理结果",
    "（一）予以公开",
    "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
    "（三）不予公开",
    "1.属于国家秘密", "2.其他法律行政法规禁止公开", "3.危及“三安全一稳定”", "4.保护第三方合法权益",
    "5.属于三类内部事务信息", "6.属于四类过程性信息", "7.属于行政执法案卷", "8.属于行政查询事项",
    "（四）无法提供",
    "1.本机关不掌握相关政府信息", "2.没有现成信息需要另行制作", "3.补正后申请内容仍不明确",
    "（五）不予处理",
    "1.信访举报投诉类申请", "2.重复申请", "3.要求提供公开出版物", "4.无正当理由大量反复申请",
    "5.要求行政机关确认或重新出具已获取信息",
    "（六）其他处理",
    "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
    "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
    "3.其他",
    "（七）总计",
    "四、结转下年度继续办理",
]

# docs/format.md §3.4: 表四 headers in reading order (row by row)
T4_LABELS = [
    "行政复议", "行政诉讼",
    "结果维持", "结果纠正", "其他结果", "尚未审结", "总计", "未经复议直接起诉", "复议后起诉",
] + ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"] * 2

# (row, col, rowspan, colspan) of the merged headers the format prints
T3_MERGES = {
    "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）": (0, 0, 3, 3),
    "申请人情况": (0, 3, 1, 7),
    "自然人": (1, 3, 2, 1),
    "法人或其他组织": (1, 4, 1, 5),
    "总计": (1, 9, 2, 1),
    "一、本年新收政府信息公开申请数量": (3, 0, 1, 3),
    "三、本年度办理结果": (5, 0, 22, 1),
    "（一）予以公开": (5, 1, 1, 2),
    "（三）不予公开": (7, 1, 8, 1),
    "（四）无法提供": (15, 1, 3, 1),
    "（五）不予处理": (18, 1, 5, 1),
    "（六）其他处理": (23, 1, 3, 1),
    "（七）总计": (26, 1, 1, 2),
    "四、结转下年度继续办理": (27, 0, 1, 3),
}
T4_MERGES = {
    (0, 0): ("行政复议", 1, 5),
    (0, 5): ("行政诉讼", 1, 10),
    (1, 0): ("结果维持", 2, 1),
    (1, 4): ("总计", 2, 1),
    (1, 5): ("未经复议直接起诉", 1, 5),
    (1, 10): ("复议后起诉", 1, 5),
    (2, 14): ("总计", 1, 1),
}


def labels(key):
    return [p.text for p in table_grid(F2021.tables[key]) if p.text]


def test_table_two_labels_equal_the_format():
    assert labels("t2") == T2_LABELS


def test_table_three_labels_equal_the_format():
    assert labels("t3") == T3_HEADER + T3_ROW_LABELS


def test_table_four_labels_equal_the_format():
    got = sorted((p.row, p.col, p.text) for p in table_grid(F2021.tables["t4"]) if p.text)
    assert [t for _, _, t in got] == T4_LABELS


def test_table_three_merged_headers_equal_the_format():
    places = {p.text: (p.row, p.col, p.rowspan, p.colspan) for p in table_grid(F2021.tables["t3"]) if p.text}
    for text, span in T3_MERGES.items():
        assert places[text] == span, text
    assert grid_size(F2021.tables["t3"]) == (28, 10)


def test_table_four_merged_headers_equal_the_format():
    places = {(p.row, p.col): (p.text, p.rowspan, p.colspan) for p in table_grid(F2021.tables["t4"]) if p.text}
    for at, expected in T4_MERGES.items():
        assert places[at] == expected
    assert grid_size(F2021.tables["t4"]) == (4, 15)


def test_single_value_blocks_of_table_two_span_three_columns():
    values = {p.cell: (p.col, p.colspan) for p in table_grid(F2021.tables["t2"]) if p.cell}
    assert values["t2.licensing.decisions"] == (1, 3)
    assert values["t2.fees.amount"] == (1, 3)
    assert values["t2.rules.in_force"] == (3, 1)


def test_cell_ids_are_stable_and_complete():
    assert len(F2021.cell_ids) == 10 + 175 + 15
    assert F2021.cell_ids[:3] == ("t2.rules.issued", "t2.rules.repealed", "t2.rules.in_force")
    assert "t3.new.natural_person" in F2021.cells and "t3.total.total" in F2021.cells and "t4.review.upheld" in F2021.cells
    assert F2021.cells["t2.fees.amount"].kind == "amount"
    assert [c for c in F2021.cell_ids if F2021.cells[c].aggregate == "stock"] == ["t2.rules.in_force", "t2.normative.in_force"]
    assert F2021.cells["t3.other_unpaid.total"].label == (
        "表三「2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请」「总计」"
    )


def test_section_headings_are_the_six_of_the_format():
    assert F2021.section_headings == (
        "一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
        "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况", "六、其他需要报告的事项",
    )


def test_normalise_joins_the_variants_of_spec_3_5():
    official = "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"
    assert normalise("2、申请人逾期未按收费通知要求交纳费用，行政机关不再处理其政府信息公开申请") == normalise(official)
    assert normalise("3.危及\"三安全一稳定\"") == normalise("3.危及“三安全一稳定”")
    assert normalise("商业 企业") == normalise("商业企业")
    assert normalise("(一)予以公开") == normalise("（一）予以公开")
    assert normalise("法人或者其它组织") == normalise("法人或其他组织")
    assert normalise("自然人") != normalise("总计")


def test_a_table_passed_to_another_process_is_the_same_cache_key_there(tmp_path):
    # TableSpec keeps its hash (it keys the grid caches); a string's hash differs between processes, so the
    # kept hash must not travel with a pickled table.
    import pickle
    import subprocess
    import sys

    from nianbao.formats import F2021

    table = F2021.tables["t3"]
    assert table_grid(table)  # hashed here, under this process's seed
    (tmp_path / "t3.pickle").write_bytes(pickle.dumps(table))
    code = ("import pickle, sys; from nianbao.formats import F2021; t3 = F2021.tables['t3']; "
            "t = pickle.loads(open(sys.argv[1], 'rb').read()); print(hash(t) == hash(t3), {t3: 1}.get(t))")
    for seed in ("1", "2"):
        out = subprocess.run([sys.executable, "-c", code, str(tmp_path / "t3.pickle")], capture_output=True, text=True,
                             env={"PYTHONHASHSEED": seed, "PATH": ""}, check=True).stdout.split()
        assert out == ["True", "1"]

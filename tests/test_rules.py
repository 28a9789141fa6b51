"""Each rule: a workbook that passes and one that fails, with the exact cell and numbers; and the two evaluators agree."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from workbooks import consistent_numbers, report, workbook

from nianbao.check import check
from nianbao.formats import F2021
from nianbao.report import Report, Severity, State
from nianbao.rules import evaluate, evaluate_frame
from nianbao.schema import LEVELS
from nianbao.workbook.read import read_workbook


def changed(**cells):
    n = consistent_numbers()
    n.update({k.replace("__", "."): v for k, v in cells.items()})
    return n


def test_the_consistent_workbook_has_no_findings(tmp_path):
    r = read_workbook(workbook(tmp_path / "ok.xlsx"))
    assert check(r) == []


# rule, numbers, meta, (rule, severity, address, message) expected among the findings
FAILING = [
    ("T3-ID", changed(**{"t3.carried_over.natural_person": 2, "t3.carried_over.total": 2}), {},
     ("T3-ID", "error", "表三!D29", "表三「自然人」列：一+二=7，三（七）+四=6，差1")),
    ("T3-V", changed(**{"t3.disclosed.natural_person": 4, "t3.disclosed.total": 5}), {},
     ("T3-V", "error", "表三!D28", "表三「自然人」列：（七）总计=5，（一）至（六）各项之和=6，差1")),
    ("T3-H", changed(**{"t3.new.total": 9}), {},
     ("T3-H", "error", "表三!J5", "表三「一、本年新收政府信息公开申请数量」行：总计=9，自然人至其他各列之和=8，差1")),
    ("T3-NEG", changed(**{"t3.carried_forward.research": 2, "t3.carried_forward.total": 3}), {},
     ("T3-NEG", "error", "表三!F29", "表三「科研机构」列：四、结转下年度继续办理=2，大于一+二=0")),
    ("T4-S", changed(**{"t4.review.total": 0}), {},
     ("T4-S", "error", "表四!E5", "表四「行政复议」：总计=0，结果维持+结果纠正+其他结果+尚未审结=1，差1")),
    ("T4-S", changed(**{"t4.after_review.pending": 2}), {},
     ("T4-S", "error", "表四!O5", "表四「行政诉讼·复议后起诉」：总计=0，结果维持+结果纠正+其他结果+尚未审结=2，差2")),
    ("P1", changed(**{"t2.rules.in_force": 6}), {},
     ("P1", "warning", "表二!D4", "表二「规章」行填了现行有效件数6")),
    ("P2", changed(**{"t2.normative.issued": 10}), {},
     ("P2", "warning", "表二!B5", "表二「行政规范性文件」：本年制发件数=10，大于现行有效件数=9")),
    ("P3", changed(**{"t2.fees.amount": 5000}), {},
     ("P3", "warning", "表二!B15", "本年收费金额为5000万元，超过本机关层级常见上限1000万元")),
    ("P5", {"t4.direct.upheld": 2, "t4.direct.total": 2}, {},
     ("P5", "info", "表四!E5", "表四有2件行政复议或行政诉讼，但表三本年新收和上年结转的申请均为0")),
]

PASSING = {
    "P1": (changed(**{"t2.rules.in_force": 6}), {"level": "市级政府"}),
    "P3": (changed(**{"t2.fees.amount": 5000}), {"level": "市级政府"}),
    "P2": (changed(**{"t2.normative.issued": 9}), {}),
    "P5": (changed(), {}),
}


@pytest.mark.parametrize("rule,numbers,meta,expected", FAILING, ids=[c[0] + "-" + c[3][2] for c in FAILING])
def test_failing_workbook_names_rule_cell_and_numbers(tmp_path, rule, numbers, meta, expected):
    r = read_workbook(workbook(tmp_path / "bad.xlsx", base=report(numbers, **meta)))
    found = [(f.rule, f.severity.value, f.address, f.message) for f in check(r) if f.rule == rule]
    assert any(f[:3] == expected[:3] and expected[3] in f[3] for f in found), found


@pytest.mark.parametrize("rule", list(PASSING))
def test_passing_workbook_has_no_finding_of_the_rule(tmp_path, rule):
    numbers, meta = PASSING[rule]
    r = read_workbook(workbook(tmp_path / "good.xlsx", base=report(numbers, **meta)))
    assert [f for f in check(r) if f.rule == rule] == []


def test_cross_year_rules(tmp_path):
    last = report(changed(**{"t3.carried_forward.natural_person": 2, "t3.carried_forward.total": 3,
                             "t3.new.natural_person": 6, "t3.new.total": 9,  # keeps last year consistent
                             "t2.normative.in_force": 5, "t2.rules.in_force": 0}), year=2023)
    this = report(changed(**{"t2.normative.repealed": 20}))
    a = read_workbook(workbook(tmp_path / "this.xlsx", base=this))
    b = read_workbook(workbook(tmp_path / "last.xlsx", base=last))
    got = {(f.rule, f.severity.value, f.address): f.message for f in check(a, b) if f.rule.startswith("Y")}
    assert got[("Y1", "warning", "表三!D6")] == "表三「自然人」列：本年「二、上年结转」=1，上年报告「四、结转下年度继续办理」=2，差1"
    assert got[("Y1", "error", "表三!J6")] == "表三「总计」列：本年「二、上年结转」=1，上年报告「四、结转下年度继续办理」=3，差2"
    assert got[("Y2", "warning", "表二!D5")] == (
        "表二「行政规范性文件」：现行有效件数=9，上年现行有效件数+本年制发−本年废止=-13，差22"
    )
    assert got[("Y3", "warning", "表二!C5")] == "表二「行政规范性文件」：本年废止件数=20，大于上年现行有效件数+本年制发件数=7"
    assert len(got) == 4
    clean_last = read_workbook(workbook(tmp_path / "last-ok.xlsx", base=report(changed(**{"t2.normative.in_force": 7}), year=2023)))
    this_ok = read_workbook(workbook(tmp_path / "ok.xlsx"))
    assert [f for f in check(this_ok, clean_last) if f.rule.startswith("Y")] == []


def test_text_rules_s7_and_p6(tmp_path):
    base = report(changed(**{"t3.other_unpaid.natural_person": 1, "t3.other_unpaid.total": 1,
                             "t3.disclosed.natural_person": 2, "t3.disclosed.total": 3}))
    base.text["overview.intro"] = "本年度工作情况。"
    base.text["other"] = "本年度无其他需要报告的事项。"
    r = read_workbook(workbook(tmp_path / "t.xlsx", base=base))
    got = {(f.rule, f.severity.value, f.address) for f in check(r) if f.rule in ("S7", "P6")}
    assert got == {("S7", "warning", "文字!B12"), ("P6", "info", "表三!J26")}
    base.text["other"] = "本机关发出收费通知1件，申请人逾期未缴纳，未收取信息处理费。"
    r = read_workbook(workbook(tmp_path / "t2.xlsx", base=base))
    assert [f for f in check(r) if f.rule in ("S7", "P6")] == []


@pytest.mark.parametrize("level, own, expected", [
    ("乡镇/街道", "是", ["M2"]),  # issue 9 #12: a 镇人民政府 is a government, but not the 本级 one
    ("县级部门", "是", ["M2"]),
    ("县级政府", "否", ["M2"]),
    ("县级政府", "是", []),
    ("市级政府", "是", []),
    ("乡镇/街道", "否", []),
    ("乡镇/街道", None, []),
    ("县级政府", None, []),
])
def test_m2_own_report_flag_must_fit_the_level(tmp_path, level, own, expected):
    path = workbook(tmp_path / "m.xlsx", base=report(level=level), by_address={"单位信息!B9": own})
    found = [f for f in check(read_workbook(path)) if f.rule == "M2"]
    assert [f.rule for f in found] == expected
    if found:
        assert found[0].severity is Severity.WARNING
        assert [c.address for c in found[0].cells] == ["单位信息!B9", "单位信息!B4"]
        assert found[0].message.startswith(f"机关层级为“{level}”，但「县级以上人民政府本级报告」填了“{own}”")


def test_a_workbook_of_the_earlier_template_keeps_its_own_report_answer(tmp_path):
    # Templates before issue 9 #12 labelled the field 本级人民政府年度报告.
    path = workbook(tmp_path / "old.xlsx", base=report(level="县级政府"),
                    by_address={"单位信息!A9": "本级人民政府年度报告", "单位信息!B9": "是"})
    r = read_workbook(path)
    assert r.meta.government_own is True
    assert [f.rule for f in check(r) if f.rule.startswith("M")] == []


# --- one declaration, two evaluators ---------------------------------------------


def frame_of(reports):
    import pandas as pd

    rows = {i: {cid: (float("nan") if r.number(cid) is None else r.number(cid)) for cid in F2021.cell_ids} | {"meta.level": r.meta.level}
            for i, r in enumerate(reports)}
    return pd.DataFrame.from_dict(rows, orient="index")


def test_frame_evaluator_gives_exactly_the_per_report_findings():
    reports = [report(numbers, **meta) for _, numbers, meta, _ in FAILING] + [report()]
    lasts = [report(changed(**{"t3.carried_forward.total": 4, "t2.normative.in_force": 3}), year=2023) for _ in reports]
    per_report = [(i, f) for i, (r, l) in enumerate(zip(reports, lasts)) for f in evaluate(r, l)]
    framed = evaluate_frame(frame_of(reports), frame_of(lasts))
    key = lambda pair: (pair[0], pair[1].rule, pair[1].message, [c.id for c in pair[1].cells])
    assert sorted(map(key, framed)) == sorted(map(key, per_report))
    assert len(per_report) > len(FAILING)


def test_unknown_values_skip_a_check_in_both_evaluators():
    r = report(changed(**{"t3.new.total": None}))
    r.states["t3.new.total"] = State.TEXT
    assert [f.rule for f in evaluate(r)] == []
    assert evaluate_frame(frame_of([r])) == []


# --- property: consistent reports are clean; one cell off by one is caught ----------

T3 = F2021.tables["t3"].sections[0]
APPLICANTS = [c.key for c in T3.column_leaves][:-1]
RESULTS = [n.key for n in T3.row_leaves if n.key not in ("new", "carried_over", "total", "carried_forward")]


@st.composite
def consistent_reports(draw):
    n = {}
    small = st.integers(0, 40)
    for col in APPLICANTS:
        results = {row: draw(small) for row in RESULTS}
        forward = draw(small)
        total = sum(results.values())
        carried = draw(st.integers(0, total + forward))
        cells = results | {"total": total, "carried_forward": forward, "carried_over": carried, "new": total + forward - carried}
        for row, v in cells.items():
            n[f"t3.{row}.{col}"] = v
    for row in RESULTS + ["new", "carried_over", "total", "carried_forward"]:
        n[f"t3.{row}.total"] = sum(n[f"t3.{row}.{c}"] for c in APPLICANTS)
    for group in ("review", "direct", "after_review"):
        parts = [draw(small) for _ in range(4)]
        for key, v in zip(("upheld", "corrected", "other", "pending"), parts):
            n[f"t4.{group}.{key}"] = v
        n[f"t4.{group}.total"] = sum(parts)
    for row in ("rules", "normative"):
        issued = draw(small)
        n[f"t2.{row}.issued"], n[f"t2.{row}.repealed"] = issued, draw(small)
        n[f"t2.{row}.in_force"] = issued + draw(small)
    n["t2.fees.amount"] = draw(st.integers(0, 10**6)) / 100
    return Report.from_numbers(n, level=draw(st.sampled_from([lv for lv in LEVELS if LEVELS[lv].makes_rules])), year=2024)


@settings(max_examples=150, deadline=None)
@given(consistent_reports())
def test_consistent_reports_produce_no_error(r):
    assert [f for f in evaluate(r) if f.severity is Severity.ERROR] == []


TABLE_CELLS = [cid for cid in F2021.cell_ids if cid.startswith(("t3.", "t4."))]


@settings(max_examples=300, deadline=None)
@given(consistent_reports(), st.sampled_from(TABLE_CELLS), st.sampled_from([1, -1]))
def test_one_cell_off_by_one_is_an_error_naming_it(r, cid, delta):
    r.values[cid] += delta
    errors = [f for f in evaluate(r) if f.severity is Severity.ERROR]
    assert any(cid in [c.id for c in f.cells] for f in errors), (cid, [f.message for f in errors])


def test_a_finding_takes_its_rules_severity_unless_the_caller_gives_one():
    from nianbao.report import CellRef
    from nianbao.rules import finding

    at = [CellRef("t3.new.total", "表三!J5")]
    assert (finding("T3-H", "差1", at).severity, finding("N3", "空白", at).severity) == (Severity.ERROR, Severity.WARNING)
    assert finding("N3", "填了“/”", at, severity=Severity.INFO).severity is Severity.INFO
    with pytest.raises(KeyError):
        finding("X9", "not a rule")


# --- Y7: main totals against last year's ----------------------------------------------------

JUMP_LAST = {"t2.licensing.decisions": 12, "t2.punishment.decisions": 1300, "t4.direct.upheld": 8, "t4.direct.total": 8,
             "t4.after_review.upheld": 4, "t4.after_review.total": 4}
JUMP_NOW = {"t2.licensing.decisions": 400, "t2.punishment.decisions": 2}  # 行政诉讼 12 → 0


def test_y7_names_both_years_numbers_in_both_directions(tmp_path):
    last = read_workbook(workbook(tmp_path / "last.xlsx", base=report(changed(**JUMP_LAST), year=2023)))
    this = read_workbook(workbook(tmp_path / "this.xlsx", base=report(changed(**JUMP_NOW))))
    got = [(f.rule, f.severity.value, [c.address for c in f.cells], f.expected, f.actual, f.message)
           for f in check(this, last) if f.rule == "Y7"]
    tail = "两年相差超过5倍，请核实是否填错（多写或漏写了数位、填进了别的栏目）或统计口径有变化"
    assert got == [
        ("Y7", "info", ["表二!B8"], 12, 400, f"表二「行政许可」「本年处理决定数量」：本年400件，上年报告12件，是上年的33.33倍；{tail}"),
        ("Y7", "info", ["表二!B11"], 1300, 2, f"表二「行政处罚」「本年处理决定数量」：本年2件，上年报告1300件，上年是本年的650倍；{tail}"),
        ("Y7", "info", ["表四!J5", "表四!O5"], 12, 0,
         f"表四「行政诉讼」（未经复议直接起诉+复议后起诉）「总计」：本年0件，上年报告12件，本年为0；{tail}"),
    ]


@pytest.mark.parametrize("before, now, fires", [
    (0, 400, "上年为0"), (400, 79, "上年是本年的5.06倍"), (100, 501, "是上年的5.01倍"),
    (100, 500, None), (100, 20, None),  # exactly 5 times, exactly a fifth: not beyond
    (5, 29, None), (0, 29, None),  # neither year reaches the floor of 30 applications
    (3, 30, "是上年的10倍"),  # this year reaches it
    (400, -3, None), (-3, 400, None),  # a negative count is N1's error
])
def test_y7_factor_and_floor(before, now, fires):
    this = Report.from_numbers({"t3.new.total": now})
    last = Report.from_numbers({"t3.new.total": before})
    found = [f.message for f in evaluate(this, last) if f.rule == "Y7"]
    if fires is None:
        assert found == []
    else:
        (message,) = found
        assert message.startswith(f"表三「一、本年新收政府信息公开申请数量」「总计」：本年{now}件，上年报告{before}件，{fires}；")


def test_y7_never_takes_an_unread_or_blank_value_for_0(tmp_path):
    # A blank (either year), words, a cell a published text never gave: not a 0, so nothing to compare.
    this = report(changed(**{"t2.licensing.decisions": 400, "t2.punishment.decisions": None, "t2.coercion.decisions": 90}))
    this.states["t2.punishment.decisions"] = State.TEXT
    last = report(changed(**{"t2.licensing.decisions": None, "t2.punishment.decisions": 1300, "t2.coercion.decisions": None}), year=2023)
    last.states["t2.licensing.decisions"] = State.BLANK
    last.values["t2.coercion.decisions"], last.states["t2.coercion.decisions"] = None, State.TEXT
    assert [f for f in evaluate(this, last) if f.rule == "Y7"] == []
    # The same through the real reader: last year's 行政许可 left blank in the workbook.
    path = workbook(tmp_path / "last.xlsx", base=report(year=2023), cells={"t2.licensing.decisions": None})
    a = read_workbook(workbook(tmp_path / "this.xlsx", base=report(changed(**{"t2.licensing.decisions": 400}))))
    assert [f.rule for f in check(a, read_workbook(path)) if f.rule == "Y7"] == []
    assert [f.rule for f in check(a, read_workbook(workbook(tmp_path / "zero.xlsx", base=report(year=2023))))
            if f.rule == "Y7"] == ["Y7"]  # a 0 typed last year is a 0


def test_y7_frame_evaluator_agrees_and_reads_blanks_of_both_years():
    import pandas as pd

    pairs = [({"t2.licensing.decisions": 400}, {"t2.licensing.decisions": 12}),
             ({"t2.licensing.decisions": 400}, {"t2.licensing.decisions": None}),  # blank last year
             ({"t2.licensing.decisions": None}, {"t2.licensing.decisions": 400}),  # blank this year
             ({"t4.direct.total": 30, "t4.direct.upheld": 30}, {"t4.after_review.total": 2, "t4.after_review.upheld": 2})]
    reports, lasts = [], []
    for now, before in pairs:
        this, last = report(changed(**now)), report(changed(**before), year=2023)
        for r in (this, last):
            for cid, v in list(r.values.items()):
                if v is None:
                    r.states[cid] = State.BLANK
        reports.append(this)
        lasts.append(last)
    per_report = [(i, f.message) for i, (r, l) in enumerate(zip(reports, lasts)) for f in evaluate(r, l) if f.rule == "Y7"]
    blanks = pd.DataFrame([{c: r.state(c) is State.BLANK for c in F2021.cell_ids} for r in reports])
    last_blanks = pd.DataFrame([{c: r.state(c) is State.BLANK for c in F2021.cell_ids} for r in lasts])
    framed = [(i, f.message) for i, f in evaluate_frame(frame_of(reports), frame_of(lasts), blanks=blanks, last_blanks=last_blanks)
              if f.rule == "Y7"]
    assert framed == per_report
    assert [i for i, _ in framed] == [0, 3]

"""The worked examples of docs/format.md §5 are what nianbao says.

Each rule's entry in the doc quotes nianbao's findings on a made-up input. The inputs are built here — the
template's sheets with cells typed over, a short published report as text, a county's totals — and run
through the real readers and checks; every quoted line (address, rule, message, and severity when the
line names it) must be among the findings. A message changed in the code without the doc fails here.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import REPO
from python_calamine import CalamineWorkbook
from workbooks import report as unit_report

from nianbao.check import check
from nianbao.formats import F2021
from nianbao.report import Finding, Report
from nianbao.rules import RULES
from nianbao.schema import META_SHEET, TEXT_SHEET
from nianbao.sources import read_report
from nianbao.workbook.build import write_report
from nianbao.workbook.layout import META_VALUE_COL, TEXT_VALUE_COL, a1, cell_position, layout_of
from nianbao.workbook.read import read_grids

DOC = (REPO / "docs" / "format.md").read_text(encoding="utf-8")

TEXT = {
    "overview.intro": "本机关认真贯彻落实《中华人民共和国政府信息公开条例》。",
    "overview.proactive": "本年度主动公开政府信息120条。",
    "overview.on_request": "本年度新收政府信息公开申请8件，上年结转1件，办结8件，结转下年度继续办理1件。",
    "overview.management": "严格执行公开属性源头认定。",
    "overview.platform": "政府网站信息公开专栏运行正常。",
    "overview.oversight": "将政务公开纳入年度工作考核，开展社会评议，未发生责任追究情况。",
    "problems.issues": "政策解读形式较为单一。",
    "problems.improvements": "下一步将丰富图解、视频等解读形式。",
    "other": "本机关2024年未收取信息处理费。",
}

Grids = dict[str, list[list[object]]]


def quoted_lines() -> dict[str, list[tuple[str, str, str, str]]]:
    """Rule id → (address, rule, message, severity label or "") of each finding its doc entry quotes."""
    out: dict[str, list[tuple[str, str, str, str]]] = {}
    rule, in_block = None, False
    ids = "|".join(re.escape(r) for r in sorted(RULES, key=len, reverse=True))
    line_re = re.compile(rf"^\s*(?:(\S+)\s{{2,}})?({ids})\s+(.+?)(?:\s{{2,}}（(错误|警告|提示)）)?\s*$")
    for line in DOC.splitlines():
        if line.startswith("#"):
            rule = line[5:].split(" ", 1)[0] if line.startswith("#### ") else None
            in_block = False
        elif line.strip() == "```":
            in_block = not in_block
        elif in_block and rule:
            m = line_re.match(line)
            assert m, f"{rule}: cannot read the quoted finding {line!r}"
            out.setdefault(rule, []).append((m.group(1) or "—", m.group(2), m.group(3), m.group(4) or ""))
    return out


# --- inputs ----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Grids:
    """The consistent report of tests/workbooks.py with full text, as the reader sees the saved template."""
    r = unit_report()
    r.text.update(TEXT)
    path = write_report(r, tmp_path_factory.mktemp("format") / "base.xlsx")
    book = CalamineWorkbook.from_path(str(path))
    try:
        return {n: book.get_sheet_by_name(n).to_python(skip_empty_area=False) for n in book.sheet_names}
    finally:
        book.close()


class Book:
    """A copy of the template's sheets to type into, as a clerk would, then read with the real reader."""

    def __init__(self, grids: Grids):
        self.grids = copy.deepcopy(grids)
        self.unsaved: set[tuple[str, str]] = set()

    def cells(self, values: dict[str, object]) -> Book:
        """Type ``values`` (cell id → value; None clears the cell) into the tables."""
        for cid, value in values.items():
            pos = layout_of(F2021).positions[cid]
            self.grids[pos.sheet][pos.row - 1][pos.col - 1] = "" if value is None else value
        return self

    def text(self, slots: dict[str, str]) -> Book:
        for key, body in slots.items():
            self.grids[TEXT_SHEET][layout_of(F2021).text_rows[key] - 1][TEXT_VALUE_COL - 1] = body
        return self

    def meta(self, **fields: object) -> Book:
        for key, value in fields.items():
            self.grids[META_SHEET][layout_of(F2021).meta_rows[key] - 1][META_VALUE_COL - 1] = value
        return self

    def at(self, sheet: str, ref: str, value: object) -> Book:
        row, col = cell_position(ref)
        self.grids[sheet][row - 1][col - 1] = value
        return self

    def formula_without_result(self, cid: str) -> Book:
        pos = layout_of(F2021).positions[cid]
        self.grids[pos.sheet][pos.row - 1][pos.col - 1] = ""
        self.unsaved.add((pos.sheet, pos.a1))
        return self

    def read(self) -> Report:
        def hidden(sheet: str, row: int, col: int) -> tuple[str, str] | None:
            return ("formula", "") if (sheet, a1(row, col)) in self.unsaved else None

        return read_grids(self.grids, "例.xlsx", hidden)


PUBLISHED = """某某县某某局2024年政府信息公开工作年度报告
一、总体情况
2024年，本局认真贯彻落实《中华人民共和国政府信息公开条例》。
（一）主动公开。本年度主动公开政府信息120条。
（二）依申请公开。本年度新收政府信息公开申请15件，上年结转1件，办结15件，结转下年度继续办理1件。
（三）政府信息管理。严格执行公开属性源头认定。
（四）政府信息公开平台建设。政府网站信息公开专栏运行正常。
（五）监督保障。将政务公开纳入年度工作考核。
二、主动公开政府信息情况
第二十条第（一）项
信息内容 本年制发件数 本年废止件数 现行有效件数
规章 0 0 0
行政规范性文件 2 0 9
第二十条第（五）项
信息内容 本年处理决定数量
行政许可 0
第二十条第（六）项
信息内容 本年处理决定数量
行政处罚 0
行政强制 0
第二十条第（八）项
信息内容 本年收费金额（单位：万元）
行政事业性收费 0
三、收到和处理政府信息公开申请情况
（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）
申请人情况
自然人 商业企业 科研机构 社会公益组织 法律服务机构 其他 总计
一、本年新收政府信息公开申请数量 12 2 0 1 0 0 15
二、上年结转政府信息公开申请数量 1 0 0 0 0 0 1
三、本年度办理结果
（一）予以公开 10 1 0 0 0 0 11
（二）部分公开（区分处理的，只计这一情形，不计其他情形） 1 0 0 0 0 0 1
（三）不予公开
{refused}
（四）无法提供
1.本机关不掌握相关政府信息 1 1 0 1 0 0 3
2.没有现成信息需要另行制作 0 0 0 0 0 0 0
3.补正后申请内容仍不明确 0 0 0 0 0 0 0
（五）不予处理
{unprocessed}
（六）其他处理
{other}
（七）总计 12 2 0 1 0 0 15
四、结转下年度继续办理 1 0 0 0 0 0 1
四、政府信息公开行政复议、行政诉讼情况
行政复议 行政诉讼
{t4_header}
1 0 0 0 1 0 0 0 0 0 0 0 0 0 0
五、存在的主要问题及改进情况
（一）存在的主要问题。政策解读形式较为单一。
（二）改进情况。下一步将丰富图解、视频等解读形式。
六、其他需要报告的事项
本局2024年未收取信息处理费。
"""


def _zero_rows(*labels: str) -> str:
    return "\n".join(f"{label} 0 0 0 0 0 0 0" for label in labels)


PUBLISHED = PUBLISHED.format(
    refused=_zero_rows(
        "1.属于国家秘密", "2.其他法律行政法规禁止公开", "3.危及“三安全一稳定”", "4.保护第三方合法权益",
        "5.属于三类内部事务信息", "6.属于四类过程性信息", "7.属于行政执法案卷", "8.属于行政查询事项",
    ),
    unprocessed=_zero_rows(
        "1.信访举报投诉类申请", "2.重复申请", "3.要求提供公开出版物", "4.无正当理由大量反复申请",
        "5.要求行政机关确认或重新出具已获取信息",
    ),
    other=_zero_rows(
        "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
        "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
        "3.其他",
    ),
    t4_header=" ".join(["结果维持 结果纠正 其他结果 尚未审结 总计"] * 3),
)


def published(tmp_path: Path, old: str = "", new: str = "") -> Report:
    """The made-up published report above, with one change, read by the importer."""
    assert old in PUBLISHED
    path = tmp_path / "年报.txt"
    path.write_text(PUBLISHED.replace(old, new, 1), encoding="utf-8")
    return read_report(path)


# --- one builder per rule: the inputs its doc entry describes ----------------------------------------

Checked = list[tuple[Report, Report | None]]
Builder = Callable[[Grids, Path], Checked]


def _t3_zero() -> dict[str, object]:
    return {c: 0 for c in F2021.cell_ids if c.startswith("t3.")}


def _insert_subtotal(b: Book) -> Book:
    sheet = b.grids["表三"]
    width = len(sheet[0])
    row: list[object] = [""] * width
    row[1], row[9] = "（三）不予公开", 4
    sheet.insert(8, row)  # above 1.属于国家秘密: a row the format does not have
    return b


def _f2019(year: int) -> Callable[[Grids, Path], Checked]:
    return lambda g, _: [(Book(g).at("表二", "B3", "本年新制作数量").meta(year=year).read(), None)]


def _last_year(g: Grids, texts: dict[str, str] | None = None) -> Report:
    b = Book(g).meta(year=2023).cells({
        "t3.new.natural_person": 6, "t3.new.total": 9,
        "t3.carried_forward.natural_person": 2, "t3.carried_forward.total": 2,
        "t2.normative.in_force": 10, "t2.normative.issued": 3,
    })
    return b.text(texts or {}).read()


LAST_INTRO = "2023年，本机关认真贯彻落实政府信息公开条例，主动公开工作扎实推进，依申请公开办理规范，政府信息管理不断加强。"


def _y5(g: Grids, _: Path) -> Checked:
    """Last year's opening paragraph copied with only the year changed; last year's two problems not taken up."""
    last = _last_year(g, {"overview.intro": LAST_INTRO, "problems.issues": "一是政策解读形式较为单一；二是信息公开专栏更新不及时。"})
    this = Book(g).text({
        "overview.intro": LAST_INTRO.replace("2023", "2024"),
        "problems.issues": "公开专栏栏目设置有待优化。",
        "problems.improvements": "下一步将调整栏目设置。",
    })
    return [(this.read(), last)]


def _fee(amount: str) -> Callable[[Grids, Path], Checked]:
    return lambda g, _: [(Book(g).text({"other": f"本机关2024年收取信息处理费{amount}元。"}).read(), None)]


BUILDERS: dict[str, Builder] = {
    "N1": lambda g, _: [
        (Book(g).cells({"t3.disclosed.natural_person": 2.5}).read(), None),
        (Book(g).cells({"t2.licensing.decisions": -3}).read(), None),
    ],
    "N2": lambda g, _: [
        (Book(g).cells({"t2.fees.amount": 1.2345678}).read(), None),
        (Book(g).cells({"t2.fees.amount": -0.5}).read(), None),
    ],
    "N3": lambda g, _: [
        (Book(g).cells({"t2.punishment.decisions": None}).read(), None),
        (Book(g).cells({"t2.punishment.decisions": "/", "t2.rules.issued": "/"}).read(), None),
    ],
    "N4": lambda g, _: [
        (Book(g).cells({
            "t3.new.natural_person": "5件", "t2.licensing.decisions": "无",
            "t2.punishment.decisions": "１２", "t2.fees.amount": "3500元",
        }).read(), None),
    ],
    "N5": lambda g, _: [(Book(g).formula_without_result("t2.licensing.decisions").read(), None)],
    "C1": lambda g, _: [(Book(g).cells({c: None for c in F2021.cell_ids if c.startswith("t4.")}).read(), None)],
    "L1": lambda g, _: [(_insert_subtotal(Book(g)).read(), None)],
    "T3-SUB": lambda g, _: [(_insert_subtotal(Book(g)).read(), None)],
    "M1": lambda g, _: [(Book(g).meta(name="", year="").read(), None)],
    "M2": lambda g, _: [(Book(g).meta(government_own="是").read(), None)],
    "D1": lambda g, t: [(published(t, "申请数量 12 2 0 1 0 0 15", "申请数量 122010015"), None)],
    "D2": lambda g, t: [(published(t, "行政规范性文件 2 0 9", "行政规范性文件 2112"), None)],
    "T3-ID": lambda g, _: [(Book(g).cells({"t3.carried_forward.natural_person": 2, "t3.carried_forward.total": 2}).read(), None)],
    "T3-V": lambda g, _: [(Book(g).cells({"t3.disclosed.business": 2, "t3.disclosed.total": 5}).read(), None)],
    "T3-H": lambda g, _: [(Book(g).cells({"t3.new.total": 9}).read(), None)],
    "T3-NEG": lambda g, _: [(Book(g).cells({"t3.carried_forward.natural_person": 8, "t3.carried_forward.total": 8}).read(), None)],
    "T4-S": lambda g, _: [(Book(g).cells({"t4.direct.corrected": 1}).read(), None)],
    "Y1": lambda g, _: [(Book(g).read(), _last_year(g))],
    "Y2": lambda g, _: [(Book(g).cells({"t2.normative.repealed": 1}).read(), _last_year(g))],
    "Y3": lambda g, _: [(Book(g).cells({"t2.normative.repealed": 13, "t2.normative.in_force": 0}).read(), _last_year(g))],
    "Y7": lambda g, _: [(
        Book(g).cells({"t2.licensing.decisions": 400, "t2.punishment.decisions": 2, "t2.coercion.decisions": 14}).read(),
        Book(g).meta(year=2023).cells({"t2.licensing.decisions": 12, "t2.punishment.decisions": 1300, "t2.coercion.decisions": 3}).read(),
    )],
    "Y4": _f2019(2024),
    "V1": _f2019(2020),
    "Y5": _y5,
    "Y6": _y5,
    "P1": lambda g, _: [(Book(g).cells({"t2.rules.in_force": 2}).read(), None)],
    "P2": lambda g, _: [(Book(g).cells({"t2.normative.issued": 12}).read(), None)],
    "P3": lambda g, _: [(Book(g).cells({"t2.fees.amount": 3500}).read(), None)],
    "P4": lambda g, _: [(Book(g).text({"overview.on_request": "本年度新收政府信息公开申请10件。"}).read(), None)],
    "P5": lambda g, _: [(Book(g).cells(_t3_zero()).read(), None)],
    "P6": lambda g, _: [(Book(g).cells({
        "t3.other_unpaid.natural_person": 1, "t3.other_unpaid.total": 1,
        "t3.disclosed.natural_person": 2, "t3.disclosed.total": 3,
    }).read(), None)],
    "P7": _fee("205"),
    "P8": _fee("205"),
    "P9": lambda g, _: [(Book(g).cells({
        **_t3_zero(), "t3.new.natural_person": 1, "t3.new.total": 1, "t3.disclosed.natural_person": 1,
        "t3.disclosed.total": 1, "t3.total.natural_person": 1, "t3.total.total": 1, "t2.fees.amount": 0.02,
    }).text({
        "other": "本机关2024年收取信息处理费200元。", "overview.on_request": "本年度新收政府信息公开申请1件，办结1件。",
    }).read(), None)],
    "S1": lambda g, t: [
        (published(t, "五、存在的主要问题及改进情况\n", ""), None),
        (published(t, "五、存在的主要问题及改进情况", "五、存在的主要问题及改进措施"), None),
    ],
    "S2": lambda g, t: [(published(t, "某某县某某局2024年政府信息公开工作年度报告\n", ""), None)],
    "S4": lambda g, _: [(Book(g).at("表三", "C13", "5.属于三类内容事务信息").read(), None)],
    "S5": lambda g, _: [(Book(g).text({"overview.platform": ""}).read(), None)],
    "S6": lambda g, _: [(Book(g).text({"overview.oversight": "加强监督。"}).read(), None)],
    "S7": lambda g, _: [(Book(g).text({"other": "无。"}).read(), None)],
    "S10": lambda g, _: [(Book(g).meta(region="某省甲县").text({
        "overview.oversight": "区政务公开办加强督促检查，将政务公开纳入工作考核，开展社会评议，未发生责任追究情况。",
    }).read(), None)],
    "S11": lambda g, _: [(Book(g).text({"problems.improvements": "下一步将【请填写：改进措施】。"}).read(), None)],
    "S12": lambda g, _: [
        (Book(g).text(dict.fromkeys(TEXT, "")).read(), None),
        (Book(g).text({key: "" for key in TEXT if key != "other"}).read(), None),
    ],
    "S13": lambda g, _: [
        (Book(g).text({"problems.issues": "无。", "problems.improvements": "无。"}).read(), None),
        (Book(g).text({"problems.issues": "工作有待加强。", "problems.improvements": "将持续改进。"}).read(), None),
    ],
}


def _merge_findings() -> list[Finding]:
    """H1: a county of two towns, 乙镇 wrote 十二 for 行政许可, summed by the merge's library calls."""
    pd = pytest.importorskip("pandas")
    from nianbao.merge.summary import check_summary, summarise

    town = unit_report().values
    frame = pd.DataFrame([town, {**town, "t2.licensing.decisions": None}], dtype=float)
    frame["unit"] = ["甲镇人民政府", "乙镇人民政府"]
    return check_summary(summarise(frame, year=2024))


def _peer_findings() -> list[Finding]:
    """H2: twelve county departments, one 行政许可 of 52000, one 行政处罚 0 and one left blank."""
    pd = pytest.importorskip("pandas")
    from nianbao.merge.peers import compare

    licensing = [120, 80, 150, 200, 95, 60, 300, 110, 140, 175, 90, 52000]
    punishment = [40, 35, 60, 25, 50, 45, 30, 55, 38, 42, 0, 33]
    units = [f"示例县{c}局" for c in "甲乙丙丁戊己庚辛壬癸子丑"]
    rows = [{**dict.fromkeys(F2021.cell_ids, 0.0), "t2.licensing.decisions": a, "t2.punishment.decisions": b, "meta.level": "县级部门"}
            for a, b in zip(licensing, punishment)]
    frame = pd.DataFrame(rows, index=units)
    blanks = pd.DataFrame(False, index=frame.index, columns=list(F2021.cell_ids))
    blanks.loc["示例县丑局", "t2.punishment.decisions"] = True
    return [f for _, f in compare(frame, blanks, lambda unit, cid: layout_of(F2021).addresses[cid]).findings]


MERGE_FINDINGS: dict[str, Callable[[], list[Finding]]] = {"H1": _merge_findings, "H2": _peer_findings}


# --- the test --------------------------------------------------------------------------------------


def test_every_rule_entry_quotes_findings_and_has_an_input_here():
    quoted = quoted_lines()
    assert [r for r in RULES if r not in quoted] == [], "rules whose doc entry quotes no finding"
    assert [r for r in RULES if r not in BUILDERS and r not in MERGE_FINDINGS] == [], "rules whose doc example has no input here"


@pytest.mark.parametrize("rule", sorted(quoted_lines()))
def test_the_doc_quotes_what_nianbao_says(rule, template, tmp_path):
    if rule in MERGE_FINDINGS:
        findings = MERGE_FINDINGS[rule]()
    else:
        findings = [f for report, last in BUILDERS[rule](template, tmp_path) for f in check(report, last)]
    said = {(f.address or "—", f.rule, f.message, f.severity.label) for f in findings}
    for address, rule_id, message, severity in quoted_lines()[rule]:
        matches = {s for s in said if s[1:3] == (rule_id, message) and address in ("—", s[0])}
        assert matches, f"docs/format.md {rule} quotes a finding nianbao does not give:\n{address} {rule_id} {message}\n" + (
            "nianbao says:\n" + "\n".join(f"{a} {r} {m}" for a, r, m, _ in sorted(said) if r == rule_id)
        )
        if severity:
            assert {s[3] for s in matches} == {severity}, (rule_id, message)

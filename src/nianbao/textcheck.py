"""Checks on the narrative text: numbers against the tables, required content, wording, copying.

    >>> from nianbao.report import Report
    >>> r = Report.from_numbers({"t3.new.total": 3, "t3.new.natural_person": 3}, year=2024)
    >>> r.text["overview.on_request"] = "本年度共新收政府信息公开申请5件。"
    >>> [f.rule for f in check_numbers(r, None)]
    ['P4']

Each check is a ``(report, last) -> findings`` function registered in
check.REPORT_CHECKS (or check.CROSS_YEAR_CHECKS, Y5 and Y6, which read last
year's report); except S12, which says that sections have no text, they run
only when the report has text at all.

* S7  六 says what was charged under the 信息处理费 rules (docs/format.md §5.5, §8)
* P6  applications dropped for unpaid fees, and 六 silent on fee notices (docs/format.md §5.4)
* P4  numbers stated in the text that contradict the tables (docs/format.md §5.4)
* P7–P9 the 信息处理费 amount stated in 六: steps of 10元, 表二(八), few applications (docs/format.md §5.4, §8)
* S5  the five aspects of 总体情况 (docs/format.md §5.5)
* S6  工作考核、社会评议和责任追究 for 各级人民政府 (docs/format.md §5.5)
* S10 administrative words that do not fit the unit: a 县's unit speaking of
      区 bodies, a town calling itself 我市 (docs/format.md §5.5, copy-paste narrative)
* S11 【请填写】 placeholders left from ``nianbao text``
* S12 一、五、六 with no text at all (the one test of "required sections empty"; further
      checks on what a section says build on it)
* S13 一/五 written but empty in substance: only "无", "暂无问题", or too short to say what the
      section must (docs/format.md §5.5); an empty section is S12's (``section_text`` decides)
* Y5  share of 一/五 repeated from last year's report (docs/format.md §5.3)
* Y6  last year's problems not followed up in 五 (docs/format.md §5.3)
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import cache, lru_cache

from .formats import F2021
from .narrative import PLACEHOLDER, NarrativeError, generate, problems_of
from .report import CellRef, Finding, Report, Severity, format_number
from .rules import finding
from .schema import LEVELS, TextSlot

SLOTS = {s.key: s for s in F2021.text_slots}
OVERVIEW = tuple(s for s in F2021.text_slots if s.section == 0)
OVERVIEW_KEYS = tuple(s.key for s in OVERVIEW)
ASPECTS = tuple(s for s in OVERVIEW if s.heading)
PROBLEMS = tuple(s for s in F2021.text_slots if s.section == 4)


def has_text(report: Report) -> bool:
    return any(report.text.get(s.key) for s in F2021.text_slots)


def flat(body: str) -> str:
    """NFKC (full-width digits and punctuation to half-width), so one pattern reads both spellings."""
    return unicodedata.normalize("NFKC", body)


def _slot_ref(report: Report, key: str) -> CellRef:
    return report.ref(f"text.{key}")


def _quote(s: str, limit: int = 40) -> str:
    s = s.strip()
    return s if len(s) <= limit else s[: limit - 1] + "…"


# --- S7, P6: what 六 says of fees ---------------------------------------------------

FEE_NOTICE_WORD = "收费通知"
# How section 六 of published reports says what was charged under the 信息处理费 rules: any of these is
# a fee statement for S7 (the wordings seen in real reports, docs/format.md §5.5 S7 and §8).
FEE_STATEMENTS = tuple(re.compile(p) for p in (
    r"信息(?:公开)?处理费",  # 未收取信息处理费；收取政府信息公开信息处理费3940元；未收取信息公开处理费
    r"(?:未|没有|无|不存在)(?:发生|产生)?(?:任何)?(?:收费|收取(?:任何)?费用)",  # 未发生收费情况；无收费；未收取任何费用
    r"收费(?:情况|事项|通知)",  # 政府信息公开未发生收费事项；发出收费通知2件
    r"(?:未|没有|无)[^。；;]{0,12}收取[^。；;]{0,12}费",  # 未向申请人收取任何费用
))


def check_fee_sentence(report: Report, last: Report | None) -> Iterable[Finding]:
    """S7: section 六 says what was charged under the 信息处理费 rules (docs/format.md §5.5 S7, §8).
    Not on a text cut off before 六 ends: what is lost may say it."""
    if not has_text(report) or not report.text_read("other"):
        return
    other = report.text.get("other", "")
    if not any(p.search(flat(other)) for p in FEE_STATEMENTS):
        said = "为空" if not other else "没有提到信息处理费"
        yield finding(
            "S7",
            f"“六、其他需要报告的事项”{said}；应说明收取信息处理费的情况，如“本机关{report.meta.year or 'YYYY'}年未收取信息处理费。”",
            (report.ref("text.other"),),
        )


def check_fee_notices(report: Report, last: Report | None) -> Iterable[Finding]:
    """P6: applications dropped for unpaid fees imply fee notices, which 六 should mention (docs/format.md §5.4 P6)."""
    unpaid = report.known("t3.other_unpaid.total")
    if not has_text(report) or not unpaid or not report.text_read("other"):
        return
    if FEE_NOTICE_WORD not in report.text.get("other", ""):
        yield finding(
            "P6",
            f"表三「逾期未按收费通知要求缴纳费用」有{unpaid}件，说明发出过收费通知；"
            "建议在“六、其他需要报告的事项”中说明收费通知件数和实际收费金额",
            (report.ref("t3.other_unpaid.total"), report.ref("text.other")),
        )


# --- P4: numbers in the text against the tables -----------------------------------

_CN_VALUES = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}


def parse_count(s: str) -> int | None:
    """ "36" → 36, "1,234" → 1234, "十二" → 12, "两" → 2, "一百零五" → 105."""
    s = s.replace(",", "")
    if s.isdigit():
        return int(s)
    total, digit = 0, None
    for ch in s:
        if ch in _CN_VALUES:
            digit = _CN_VALUES[ch]
        elif ch in _CN_UNITS:
            total += (1 if digit is None else digit) * _CN_UNITS[ch]
            digit = None
        else:
            return None
    return total + (digit or 0)


NUM = r"(?P<n>\d{1,3}(?:,\d{3})+|\d+|[零〇一二两三四五六七八九十百千]+)"
PIECES = r"(?:件|个|起|宗)"
KIND = r"(?:政府信息公开|信息公开|依申请公开)?"
SUM = r"(?:共|共计|合计|总计|累计)?"
# A clause about another year ("较上年新收申请30件") is not a statement of this year's number.
_OTHER_YEAR = re.compile(r"上年|上一年|去年|同比|较")


@dataclass(frozen=True)
class Statement:
    """One number the text may state, the table cells it must equal, and how it is written."""

    key: str
    cells: tuple[str, ...]  # the table's number is their sum
    patterns: tuple[str, ...]  # each with a group ``n``
    zero: tuple[str, ...] = ()  # wording that says the number is 0
    also: tuple[tuple[str, ...], ...] = ()  # other sums the same wording may mean
    where: str = ""

    @property
    def table_label(self) -> str:
        return self.where or F2021.cells[self.cells[0]].label


def _t2_documents() -> Iterator[Statement]:
    verbs = {"issued": "制发", "repealed": "废止", "in_force": "现行有效"}
    for row, subject in (("rules", "规章"), ("normative", "(?:行政)?规范性文件")):
        for col, verb in verbs.items():
            zero = (rf"未(?:制发|废止|[、和及或])*{verb}(?:任何)?{subject}",) if col != "in_force" else (
                rf"(?:无|没有)现行有效(?:的)?{subject}",
            )
            yield Statement(f"t2.{row}.{col}", (f"t2.{row}.{col}",), (rf"{verb}(?:了|的)?{subject}{SUM}{NUM}件",), zero)


def _t2_decisions() -> Iterator[Statement]:
    for key in ("licensing", "punishment", "coercion"):
        cid = f"t2.{key}.decisions"
        label = F2021.cells[cid].row.label
        yield Statement(
            cid, (cid,), (rf"{label}(?:决定|决定书)?{SUM}{NUM}{PIECES}",),
            (rf"未作出(?:[^。;,\d]*?、)?{label}(?:[、和及或][^。;,\d]*?)?决定",),
        )


def _t3_results() -> Iterator[Statement]:
    from .narrative import T3_RESULTS

    for label, keys in T3_RESULTS:
        cells = tuple(f"t3.{k}.total" for k in keys)
        where = F2021.cells[cells[0]].label if len(cells) == 1 else f"表三「{label}」各项「总计」之和"
        yield Statement(f"t3.{keys[0]}", cells, (rf"(?<!部分){label}{NUM}件",), where=where)


def _statements() -> tuple[Statement, ...]:
    t4_litigation = tuple(f"t4.{g}.total" for g in ("direct", "after_review"))
    return (
        Statement(
            "t3.new.total", ("t3.new.total",),
            (rf"新收(?:到)?(?:的)?{KIND}申请{SUM}{NUM}件",
             rf"(?:收到|受理|接收|接到)(?:各类|的)?{KIND}申请{SUM}{NUM}件"),
            (r"(?:未|没有)(?:新)?(?:收到|受理|接到|接收)[^。;,\d]{0,12}?申请",),
            also=(("t3.new.total", "t3.carried_over.total"),),
        ),
        Statement(
            "t3.carried_over.total", ("t3.carried_over.total",),
            (rf"上(?:一)?年(?:度)?结转(?:的)?{KIND}(?:申请)?{SUM}{NUM}件",),
            (r"(?:无|没有)上(?:一)?年(?:度)?结转",),
        ),
        Statement(
            "t3.total.total", ("t3.total.total",),
            (rf"办结(?:了)?{KIND}(?:申请)?{SUM}{NUM}件", rf"办理结果{SUM}{NUM}件"),
            (r"(?:尚无|没有|无)办结",),
        ),
        Statement(
            "t3.carried_forward.total", ("t3.carried_forward.total",),
            (rf"结转(?:至|到)?下(?:一)?年度(?:继续办理)?(?:的)?{KIND}(?:申请)?{SUM}{NUM}件",),
            (r"(?:无|没有)结转(?:至|到)?下(?:一)?年度",),
        ),
        *_t3_results(),
        Statement(
            "t4.review.total", ("t4.review.total",),
            (rf"行政复议(?:案件|申请)?{SUM}{NUM}{PIECES}",),
            (r"(?:未|没有|无)[^。;,\d]{0,20}?行政复议",),
        ),
        Statement(
            "t4.litigation.total", t4_litigation,
            (rf"行政诉讼(?:案件)?{SUM}{NUM}{PIECES}",),
            (r"(?:未|没有|无)[^。;,\d]{0,30}?行政诉讼",),
            where="表四「行政诉讼」（未经复议直接起诉+复议后起诉）「总计」",
        ),
        *_t2_documents(),
        *_t2_decisions(),
    )


STATEMENTS: tuple[Statement, ...] = _statements()


@lru_cache(maxsize=1)
def _compiled() -> list[tuple[Statement, list[re.Pattern[str]], list[re.Pattern[str]]]]:
    # Compiled on first use: an Excel button's process that checks no text should not pay for it.
    return [(s, [re.compile(p) for p in s.patterns], [re.compile(p) for p in s.zero]) for s in STATEMENTS]

# "废止1件" after "制发行政规范性文件2件，": the verb's subject is the last document type named before it.
_BARE_VERB = re.compile(rf"(?P<verb>制发|废止|现行有效)(?:了|的)?{SUM}{NUM}件")
_SUBJECT = re.compile(r"规章|规范性文件")
_VERB_COLUMN = {"制发": "issued", "废止": "repealed", "现行有效": "in_force"}
_SENTENCE_END = re.compile(r"[。;!?\n]")
_CLAUSE_END = re.compile(r"[。;!?\n,:]")


def _clause_before(body: str, pos: int) -> str:
    starts = [m.end() for m in _CLAUSE_END.finditer(body, 0, pos)]
    return body[starts[-1] if starts else 0 : pos]


def _sentence_before(body: str, pos: int) -> str:
    starts = [m.end() for m in _SENTENCE_END.finditer(body, 0, pos)]
    return body[starts[-1] if starts else 0 : pos]


# "予以公开及部分公开42件", "不予公开、无法提供、不予处理共计37件": one number for the sum of the results named.
_JOINER = r"(?:以及|及|和|与|、|或)"
# PDF text puts spaces around numbers ("受理政府信息公开申请 3119 件"); the words have none.
_DIGIT_SPACE = re.compile(r"(?<=\S)[ \t]+(?=\d)|(?<=\d)[ \t]+(?=\S)")
_PARTS = "其中"  # what follows in the sentence lists parts of a number already stated


@lru_cache(maxsize=1)
def _joined() -> tuple[re.Pattern[str], re.Pattern[str], dict[str, tuple[str, ...]]]:
    from .narrative import T3_RESULTS

    labels = "|".join(label for label, _ in T3_RESULTS)
    pattern = re.compile(rf"(?P<cats>(?:{labels})(?:{_JOINER}(?:{labels}))+)(?:的)?(?:申请)?{SUM}{NUM}件")
    return pattern, re.compile(labels), dict(T3_RESULTS)


def _joined_statements(body: str) -> Iterator[tuple[Statement, int, str, int, int]]:
    pattern, label, keys = _joined()
    for m in pattern.finditer(body):
        named = list(dict.fromkeys(label.findall(m.group("cats"))))
        value = parse_count(m.group("n"))
        if value is None or len(named) < 2 or _OTHER_YEAR.search(_clause_before(body, m.start())):
            continue
        cells = tuple(f"t3.{k}.total" for name in named for k in keys[name])
        where = "表三" + "".join(f"「{name}」" for name in named) + "各项「总计」之和"
        yield Statement("t3.results:" + "+".join(named), cells, (), where=where), value, m.group(0), m.start(), m.end()


def stated_numbers(body: str) -> Iterator[tuple[Statement, int | None, str]]:
    """(statement, number or None for "none", the words) for every number statement in a text.

    A number stated for several results at once ("予以公开及部分公开42件") is their sum, never one of them;
    after "其中" a sentence lists parts, so a statement already made in it is not made again by a part.
    """
    body = _DIGIT_SPACE.sub("", flat(body))
    found: list[tuple[Statement, int | None, str, int]] = []
    taken: list[tuple[int, int]] = []
    for joined, total, words, start, end in _joined_statements(body):
        found.append((joined, total, words, start))
        taken.append((start, end))
    for statement, patterns, zeros in _compiled():
        for pattern in patterns:
            for m in pattern.finditer(body):
                if any(a < m.end() and m.start() < b for a, b in taken):
                    continue  # part of a joined sum
                if _OTHER_YEAR.search(_clause_before(body, m.start())):
                    continue
                n = parse_count(m.group("n"))
                if n is not None:
                    found.append((statement, n, m.group(0), m.start()))
        for pattern in zeros:
            for m in pattern.finditer(body):
                found.append((statement, 0, m.group(0), m.start()))
    by_key = {s.key: s for s in STATEMENTS}
    for m in _BARE_VERB.finditer(body):
        subjects = _SUBJECT.findall(_sentence_before(body, m.start()))
        if not subjects or _OTHER_YEAR.search(_clause_before(body, m.start())):
            continue
        row = "rules" if subjects[-1] == "规章" else "normative"
        n = parse_count(m.group("n"))
        if n is not None:
            found.append((by_key[f"t2.{row}.{_VERB_COLUMN[m.group('verb')]}"], n, m.group(0), m.start()))
    for statement, value, words, start in found:
        sentence_start = start - len(_sentence_before(body, start))
        parts_from = body.find(_PARTS, sentence_start, start)
        if parts_from >= 0 and any(
            s.key == statement.key and sentence_start <= at < parts_from for s, _, _, at in found
        ):
            continue  # "新收申请100件，其中网上新收申请60件": 60 is a part of the 100
        yield statement, value, words


def check_numbers(report: Report, last: Report | None) -> Iterable[Finding]:
    """P4: a number stated in the text differs from the table (docs/format.md §5.4)."""
    for slot in F2021.text_slots:
        body = report.text.get(slot.key, "")
        if not body:
            continue
        seen: set[str] = set()
        for statement, value, words in stated_numbers(body):
            if statement.key in seen:
                continue
            table = [report.known_sum(cells) for cells in (statement.cells, *statement.also)]
            if None in table:
                continue  # a blank or unread cell says nothing to compare with; it has its own finding
            if value in table:
                continue
            seen.add(statement.key)
            if value == 0:
                says = f"写“{_quote(words)}”，但{statement.table_label}为{format_number(table[0])}"
            else:
                says = f"写“{_quote(words)}”，与{statement.table_label}（{format_number(table[0])}）不一致"
            yield finding(
                "P4", f"文字「{slot.label}」{says}；请核对文字或表格",
                (_slot_ref(report, slot.key), report.ref(statement.cells[0])),
                expected=table[0], actual=value,
            )


# --- P7, P8, P9: the 信息处理费 amount stated in 六 (docs/format.md §5.4, §8) -----------------------

_FEE_AMOUNT = re.compile(r"(?:收取|收缴|收到)(?:了)?信息处理费(?:共|共计|合计)?(?P<n>\d+(?:\.\d+)?)元")
FEE_STEP = 10  # every tariff step of the 办法 is a multiple of 10元 (docs/format.md §8)


def stated_fee(report: Report) -> float | None:
    """The 信息处理费 collected, in 元, as section 六 states it; None when it states no amount."""
    m = _FEE_AMOUNT.search(flat(report.text.get("other", "")))
    return float(m.group("n")) if m else None


def check_fee_amount(report: Report, last: Report | None) -> Iterable[Finding]:
    """P7 amount not a multiple of 10元; P8 fees collected while 表二(八) is 0; P9 fees with 1–2 applications."""
    amount = stated_fee(report)
    if not amount:
        return
    where = (_slot_ref(report, "other"),)
    shown = format_number(int(amount) if amount.is_integer() else amount)
    if amount % FEE_STEP:
        yield finding(
            "P7", f"“六、其他需要报告的事项”写收取信息处理费{shown}元，不是{FEE_STEP}元的整数倍；"
            "按件、按量计收的每一档都是10元的倍数，请核对金额", where, expected=None, actual=amount,
        )
    if report.known("t2.fees.amount") == 0:
        yield finding(
            "P8", f"“六、其他需要报告的事项”写收取信息处理费{shown}元，而表二「行政事业性收费」为0；"
            "信息处理费属于行政事业性收费，格式未规定是否计入表二（八），请确认口径一致",
            where + (report.ref("t2.fees.amount"),), actual=amount,
        )
    applications = report.known_sum(("t3.new.total", "t3.carried_over.total"))
    if applications is not None and applications <= 2:
        yield finding(
            "P9", f"本年只有{format_number(applications)}件申请，却收取了信息处理费{shown}元；"
            "信息处理费只对明显超过合理范围的申请数量或频次收取，请核实",
            where + (report.ref("t3.new.total"),), actual=amount,
        )


# --- S5, S6: required content of 总体情况 ---------------------------------------------


def _overview(report: Report) -> str:
    return flat("\n".join(report.text.get(s.key, "") for s in OVERVIEW))


def aspect_word(slot: TextSlot) -> str:
    """The words that show an aspect is covered: the heading's last four characters (（四）政府信息公开平台建设 → 平台建设)."""
    return re.sub(r"^（[一二三四五六七八九十]+）", "", slot.heading or slot.label)[-4:]


def check_aspects(report: Report, last: Report | None) -> Iterable[Finding]:
    """S5: 总体情况 covers 主动公开、依申请公开、政府信息管理、平台建设、监督保障 (docs/format.md §5.5).
    Not on a text cut off in or before 一: the missing aspect may be in the part that was lost."""
    if not has_text(report) or not report.text_read(*OVERVIEW_KEYS):
        return
    overview = _overview(report)
    missing = [s for s in ASPECTS if not report.text.get(s.key) and aspect_word(s) not in overview]
    if missing:
        names = "、".join(re.sub(r"^（[一二三四五六七八九十]+）", "", s.heading or s.label) for s in missing)
        yield finding(
            "S5", f"“{F2021.section_headings[0]}”没有写到{names}；2021年格式要求总体情况涵盖{aspect_names()}五个方面",
            tuple(_slot_ref(report, s.key) for s in missing),
        )


GOVERNMENT_ITEMS = (("考核", "工作考核"), ("评议", "社会评议"), ("追究", "责任追究"))


def check_government_items(report: Report, last: Report | None) -> Iterable[Finding]:
    """S6: 各级人民政府 report 工作考核、社会评议和责任追究结果情况, under 监督保障 (条例第五十条, docs/format.md §5.5)."""
    level = LEVELS.get(report.meta.level)
    if not has_text(report) or level is None or not level.is_government or not report.text_read(*OVERVIEW_KEYS):
        return
    overview = _overview(report)
    missing = [name for word, name in GOVERNMENT_ITEMS if word not in overview]
    if missing:
        yield finding(
            "S6", f"“{F2021.section_headings[0]}”没有提到{'、'.join(missing)}结果情况；各级人民政府应在“监督保障”部分"
            "报告工作考核、社会评议和责任追究结果情况（条例第五十条）",
            (_slot_ref(report, "overview.oversight"),),
        )


# --- S10: words that belong to another kind of body -------------------------------------

# Characters that, before 区/县, make an ordinary word rather than a body: 社区, 园区, 景区, 辖区, 区县…
_NOT_DISTRICT = "社园景城辖片地山库小街校营厂矿发湾港禁特学军市"
_BODY = r"(?:委|政府|人民政府|政务公开办|政务公开领导小组|政府办公室|政府办|人大|政协|纪委|监委|直各部门|直部门|直单位|级部门)"
# "县级" alone stays allowed: 条例 speaks of 县级以上人民政府 in every unit's report.
_DISTRICT_BODIES = re.compile(rf"(?<![{_NOT_DISTRICT}])区(?:{_BODY}|级)|(?:全|我|本)区(?![域别分间内外划])")
_COUNTY_BODIES = re.compile(rf"(?<![郡州区])县{_BODY}|(?:全|我|本)县(?![域级])")
_SELF = {
    "市": re.compile(r"(?:我|本)市(?![场民])"),
    "县": re.compile(r"(?:我|本)县(?![域级])"),
    "区": re.compile(r"(?:我|本)区(?![域别分间内外划])"),
    "镇": re.compile(r"(?:我|本|全)镇(?![压守])|(?<![乡城])镇(?:政府|人民政府|党委)"),
    "乡": re.compile(r"(?:我|本|全)乡(?![镇村土亲音])|(?<![城])乡(?:政府|人民政府|党委)"),
    "街道": re.compile(r"(?:我|本|全)街道|街道(?:党工委|办事处)"),
}


def county_kind(region: str, name: str) -> str | None:
    """The county-level division a unit sits in: "县" (县/自治县/旗), "区", or None when the details do not say."""
    for place in (region, name):
        place = place.replace("自治区", "").replace("特别行政区", "")
        found = re.findall(rf"(?<=[\u4e00-\u9fff])(?<![{_NOT_DISTRICT}])(县|旗|区)", place)
        if found:
            return "县" if found[-1] in ("县", "旗") else "区"
    return None  # a city: whether it is county-level cannot be told from the name, so no county rule applies


def town_kind(name: str) -> str | None:
    for kind in ("街道", "镇", "乡"):
        if re.search(rf"[\u4e00-\u9fff]{kind}", name):
            return kind
    return None


_DIVISION = re.compile(r"(?<=[\u4e00-\u9fff])(街道|县|旗|区|市|镇|乡)(?![场民容政])")


def own_kind(name: str) -> str | None:
    """The division the unit's own name ends in: 平潭综合实验区管委会 → 区, 巫溪县峰灵镇人民政府 → 镇.
    A unit may always speak of its own kind (我区 in a 实验区's report)."""
    found = _DIVISION.findall(name)
    if not found:
        return None
    return "县" if found[-1] == "旗" else found[-1]


def wrong_words(report: Report) -> dict[str, list[str]]:
    """slot key → the words that do not fit this unit."""
    meta = report.meta
    level = meta.level
    county = county_kind(meta.region, meta.name)
    own = own_kind(meta.name)
    patterns: list[re.Pattern[str]] = []
    if level in ("乡镇/街道", "县级政府", "县级部门"):
        if county == "县" and own != "区":
            patterns.append(_DISTRICT_BODIES)
        elif county == "区" and own != "县":
            patterns.append(_COUNTY_BODIES)
    if level == "乡镇/街道":
        own = town_kind(meta.name)
        patterns += [_SELF["市"], _SELF["县"], _SELF["区"]]
        if own:
            patterns += [p for kind, p in _SELF.items() if kind in ("镇", "乡", "街道") and kind != own]
    elif level in ("县级政府", "县级部门") and county:
        patterns += [_SELF[k] for k in ("市", "县", "区") if k != county]
    elif level in ("市级政府", "市级部门"):
        patterns += [_SELF[k] for k in ("县", "区", "镇", "乡")]
    if own in _SELF:
        patterns = [p for p in patterns if p is not _SELF[own]]
    out: dict[str, list[str]] = {}
    for slot in F2021.text_slots:
        body = flat(report.text.get(slot.key, ""))
        words = []
        for p in patterns:
            for m in p.finditer(body):
                if m.group(0) not in words:
                    words.append(m.group(0))
        if words:
            out[slot.key] = words
    return out


def check_place_words(report: Report, last: Report | None) -> Iterable[Finding]:
    """S10: wording of another kind of body, the trace of a report copied from elsewhere (docs/format.md §5.5)."""
    if not has_text(report):
        return
    meta = report.meta
    where = "、".join(x for x in (meta.region, meta.level) if x)
    for key, words in wrong_words(report).items():
        quoted = "、".join(f"“{w}”" for w in words)
        yield finding(
            "S10", f"文字「{SLOTS[key].label}」中出现{quoted}，与本机关（{meta.name or '未填写名称'}"
            f"{'，' + where if where else ''}）不符，可能照搬了其他单位的报告；请改为本机关的称谓",
            (_slot_ref(report, key),),
        )


# --- S12: the required sections written at all -----------------------------------------

# The sections the report writes in words (the others are the statutory tables): 一、五、六.
WRITTEN_SECTIONS = tuple(sorted({s.section for s in F2021.text_slots}))


def section_keys(section: int) -> tuple[str, ...]:
    """The text slots of a section (index into F2021.section_headings): 4 → problems.issues, problems.improvements."""
    return tuple(s.key for s in F2021.text_slots if s.section == section)


def section_text(report: Report, section: int) -> str:
    """A section's text, its slots joined; "" when it holds none. The one test of "empty": what is
    empty has nothing written at all, and rules on what a section says leave it alone."""
    return "\n".join(b for k in section_keys(section) if (b := report.text.get(k, "").strip()))


def check_written(report: Report, last: Report | None) -> Iterable[Finding]:
    """S12: 一、五、六 hold text. A workbook whose 文字 sheet is empty is not a report yet, however
    right its tables: it must not pass as 通过, and export refuses it (export.UNPUBLISHABLE_RULES).
    A merge's 汇总 (meta.summary) is totals, not a report written in words: nothing to say there."""
    if report.meta.summary:
        return
    # A section a cut-off published text never gave whole is not "empty": its text may be in the lost part.
    empty = [i for i in WRITTEN_SECTIONS if report.text_read(*section_keys(i)) and not section_text(report, i)]
    if not empty:
        return
    names = "、".join(f"「{F2021.section_headings[i]}」" for i in empty)
    whole = len(empty) == len(WRITTEN_SECTIONS)
    yield finding(
        "S12", f"报告的文字{'部分' if whole else ''}还没有写：{names}{'均' if len(empty) > 1 else ''}为空；"
        "可先点“生成文字”（Excel 加载项或网页上的按钮；命令行 nianbao text）按表格数字生成初稿，再修改补充",
        (_slot_ref(report, section_keys(empty[0])[0]),),
    )


# --- S11: placeholders left -------------------------------------------------------------


def check_placeholders(report: Report, last: Report | None) -> Iterable[Finding]:
    """S11: 【请填写】 (or 【请核对】) left in the text from ``nianbao text``'s skeleton."""
    for slot in F2021.text_slots:
        found = PLACEHOLDER.findall(report.text.get(slot.key, ""))
        if found:
            yield finding(
                "S11", f"文字「{slot.label}」还有{len(found)}处待填写或待核对的内容（{_quote(found[0], 30)}）；请处理后删去【】再发布",
                (_slot_ref(report, slot.key),),
            )


# --- S13: written, but empty in substance ----------------------------------------------


@dataclass(frozen=True)
class Substance:
    """The least a written section must hold (S13): with fewer characters of content than ``min_chars``
    (headings, numbering, punctuation and clauses that only say "none" not counted) it cannot say
    ``needs``; the message shows ``example``."""

    section: int
    min_chars: int
    needs: str
    example: str


def aspect_names() -> str:
    """主动公开、依申请公开、政府信息管理、政府信息公开平台建设、监督保障: the five aspects of 一 (S5, S13)."""
    return "、".join(_NUMBERING.sub("", s.heading or s.label) for s in ASPECTS)


# A number a heading or a listed item starts with: （一） (1) 一、 一是 1. 1、
_NUMBERING = re.compile(r"[(（][一二三四五六七八九十\d]+[)）]|(?<![\u4e00-\u9fff])[一二三四五六七八九十]+[、是]|\d+[.、](?!\d)")
_CLAUSE = re.compile(r"[。;,、!?:\n]+")
# A clause that only says there is nothing: a word of denial, and nothing else but these.
_DENIAL = re.compile(r"无(?![法序论偿])|没有|未|不存在|略|不适用")
_EMPTY_WORDS = re.compile(
    r"(?:本|我)(?:机关|单位|部门|局|委|办|镇|乡|街道|区|县|市|年度|年)?|\d{2,4}年度?|今年|全年|年度|目前|当前|暂时|暂|尚|均|并|亦|也"
    r"|政府信息公开|政务公开|信息公开|工作|方面|中|的|存在|发现|发生|明显|任何|突出|重大|其他|相关|需要|报告|说明"
    r"|问题|不足|情况|事项|改进|整改|措施|此项|内容|/|-|—"
)
SUBSTANCE: tuple[Substance, ...] = (
    # The five aspects, a clause each, cannot be fewer than about 30 characters; the shortest 一 among the
    # fixtures has 184 (tests/test_textcheck.py).
    Substance(0, 30, f"分{aspect_names()}五个方面写明本年度的工作",
              "（一）主动公开。本年度主动公开政府信息120条……（五）监督保障。将政务公开纳入年度工作考核……"),
    # A problem and an improvement, however brief: "公开栏内容更新较慢。明确专人按月更新公开栏。" has 20 characters
    # of content, the shortest proper 五 among the fixtures; "工作有待加强，将持续改进。" has 11 and says nothing.
    Substance(4, 15, "写明本年度工作中存在的具体问题和改进措施",
              "一是政策解读形式较为单一；二是部分栏目更新不够及时。下一步将丰富图解、视频等解读形式，明确专人按月更新栏目。"),
)


@cache
def _heading_words(section: int) -> re.Pattern[str]:
    """The section's heading, its variants and its slots' sub-headings, and their halves around 及
    (存在的主要问题及改进措施 → 存在的主要问题, 改进措施): written again in the text, they say nothing."""
    words: set[str] = set()
    heads = (F2021.section_headings[section], *F2021.heading_variants[section], *(s.heading or "" for s in F2021.text_slots if s.section == section))
    for head in heads:
        head = re.sub(r"^[一二三四五六七八九十]+、", "", _NUMBERING.sub("", flat(head)))
        words |= {head, *head.split("及")}
    return re.compile("|".join(re.escape(w) for w in sorted(filter(None, words), key=len, reverse=True)))


def content_chars(body: str, section: int) -> int:
    """Characters of content in a section's text: headings, numbering, punctuation and the clauses that only
    deny ("无", "暂无问题", "本年度未发现明显问题") not counted.

        >>> content_chars("（一）存在的主要问题：无。（二）改进情况：暂无。", 4), content_chars("公开栏更新较慢。", 4)
        (0, 7)
    """
    text = _NUMBERING.sub("", _heading_words(section).sub("", "".join(flat(body).split())))
    count = 0
    for clause in _CLAUSE.split(text):
        if _DENIAL.search(clause) and not _EMPTY_WORDS.sub("", _DENIAL.sub("", clause)):
            continue
        count += len(re.findall(r"\w", clause))
    return count


def check_substance(report: Report, last: Report | None) -> Iterable[Finding]:
    """S13: 一 or 五 written, but only "无" or too short to say what the format asks (docs/format.md §5.5).

    Not on an empty section (nothing written: not S13's), a section still holding 【请填写】 (S11 says it is
    unfinished), a section a published text never gave whole (Report.unread_text), or a merge's 汇总.
    """
    if report.meta.summary:
        return
    for need in SUBSTANCE:
        keys = section_keys(need.section)
        body = section_text(report, need.section)
        if not body or not report.text_read(*keys) or PLACEHOLDER.search(body):
            continue
        n = content_chars(body, need.section)
        if n >= need.min_chars:
            continue
        shown = _quote(" ".join(body.split()))  # the slots on one line
        said = f"只写了“{shown}”" if n == 0 else f"只有“{shown}”（{n}个字）"
        yield finding(
            "S13", f"“{F2021.section_headings[need.section]}”{said}，没有实际内容；应{need.needs}，如：“{need.example}”",
            tuple(_slot_ref(report, k) for k in keys if report.text.get(k, "").strip()),
        )


# --- Y5, Y6: text repeated from last year -----------------------------------------------

Y5_WARN = 0.5  # some assessments deduct points above half (issue #4)
Y5_NOTE = 0.3
Y5_SIMILAR = 0.8  # a sentence this close to one of last year's counts as repeated
Y5_MIN_SENTENCE = 8  # shorter pieces are headings or connectives
# Sentences every report writes in the same words: the format's own, not copying (docs/format.md §1.2, §8).
BOILERPLATE = tuple(
    re.compile(p) for p in (
        r"统计期限", r"年度报告格式", r"国办公开办函", r"本报告(?:依据|根据|按照|由)", r"由总体情况",
        r"(?:汇报|报告)如下", r"信息处理费", r"涉密信息不上网", r"以公开为常态",
    )
)
_SPLIT = re.compile(r"[。;!?\n]+")
_LEAD = re.compile(r"^(?:\([一二三四五六七八九十]+\)|[一二三四五六七八九十]+[、是]|\d+[.、])")


def sentences(body: str) -> list[str]:
    """Comparable sentences: NFKC, no spaces or numbering, digits as #."""
    out = []
    for piece in _SPLIT.split(flat(body)):
        s = _LEAD.sub("", "".join(piece.split()))
        s = re.sub(r"\d+", "#", s)
        if len(s) >= Y5_MIN_SENTENCE:
            out.append(s)
    return out


def _generated_sentences(report: Report) -> set[str]:
    try:
        texts = generate(report)
    except NarrativeError:
        return set()
    return {s for body in texts.values() for s in sentences(body)}


def repeated_share(report: Report, last: Report) -> tuple[float, int, int, list[str]]:
    """(share, repeated sentences, considered characters, slots with repeats) of 一/五 against last year's."""
    ignore = _generated_sentences(report) | _generated_sentences(last)
    keys = [s.key for s in OVERVIEW + PROBLEMS]
    previous = [s for k in keys for s in sentences(last.text.get(k, ""))]
    exact = set(previous)
    total = repeated = count = 0
    slots = []
    for key in keys:
        for s in sentences(report.text.get(key, "")):
            if s in ignore or any(p.search(s) for p in BOILERPLATE):
                continue
            total += len(s)
            if s in exact or any(
                SequenceMatcher(None, s, p).quick_ratio() >= Y5_SIMILAR and SequenceMatcher(None, s, p).ratio() >= Y5_SIMILAR
                for p in previous
            ):
                repeated += len(s)
                count += 1
                if key not in slots:
                    slots.append(key)
    return (repeated / total if total else 0.0), count, total, slots


def check_repeated(report: Report, last: Report | None) -> Iterable[Finding]:
    """Y5: 一/五 (near-)identical to last year's report; the format's accountability clause names 内容雷同 (docs/format.md §5.3)."""
    if last is None or not has_text(report) or not has_text(last):
        return
    share, count, _, slots = repeated_share(report, last)
    if share < Y5_NOTE:
        return
    severity = Severity.WARNING if share >= Y5_WARN else Severity.INFO
    where = "、".join(f"「{SLOTS[k].label}」" for k in slots)
    yield finding(
        "Y5", f"总体情况和问题改进部分有{share:.0%}的文字与上年度报告相同或几乎相同（{count}句，不计格式规定的固定表述），"
        f"主要在{where}；文字应反映本年度的实际工作，部分考核对雷同超过50%的报告扣分",
        (_slot_ref(report, OVERVIEW[0].key),), severity=severity, expected=Y5_WARN, actual=round(share, 3),
    )


def _bigrams(s: str) -> set[str]:
    return {s[i : i + 2] for i in range(len(s) - 1)}


def check_follow_up(report: Report, last: Report | None) -> Iterable[Finding]:
    """Y6: 五 should say what became of the problems last year's report listed (docs/format.md §5.3)."""
    if last is None or not has_text(report) or not report.text_read(*(s.key for s in PROBLEMS)):
        return
    problems = [p for p in problems_of(last) if len(p) >= 4]
    if not problems:
        return
    now = _bigrams(flat("".join(report.text.get(s.key, "") for s in PROBLEMS)))
    open_items = [p for p in problems if len(_bigrams(flat(p)) & now) < 0.5 * len(_bigrams(flat(p)))]
    if len(open_items) == len(problems):
        listed = "；".join(f"“{_quote(p, 24)}”" for p in problems[:3])
        yield finding(
            "Y6", f"“{F2021.section_headings[4]}”没有说明上年度报告提出的问题（{listed}）的整改情况；"
            "可用 nianbao text --last-year 生成逐条整改的提纲",
            (_slot_ref(report, "problems.improvements"),),
        )


TEXT_CHECKS = [
    check_fee_sentence,
    check_fee_notices,
    check_written,
    check_numbers,
    check_fee_amount,
    check_aspects,
    check_government_items,
    check_place_words,
    check_placeholders,
    check_substance,
]
# These compare with last year's report; the rest need the report alone.
CROSS_YEAR_TEXT_CHECKS = [check_repeated, check_follow_up]

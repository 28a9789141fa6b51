"""The report around the tables: the six headings, the title (unit name, year) and the text sections.

    >>> text = "峰灵镇人民政府2023年政府信息公开工作年度报告\\n一、总体情况\\n……"
    >>> title_meta(text, find_headings(Compact(text), text))[:2]
    ('峰灵镇人民政府', 2023)

Headings come from the format's ``section_headings`` (``F2021``: published reports are read in the 2021 format) and the variants real reports
print (``F2021.heading_variants``, docs/format.md §2.3); an unlisted near-miss
("四、政府信息公开行政法复议、行政诉讼情况") is accepted by similarity, with a
note. Section text fills ``text_slots``: 一 split at （一）…（五）, 五 at
（一）（二）, 六 whole.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from ..formats import F2021
from ..schema import LEVELS, normalise
from .compact import Compact, printed

# A heading starts a line, or (in text flattened onto one line) follows a sentence or a number.
_HEADING_BEFORE = set("。；;！？!?：:|") | set("0123456789")
SIMILAR_HEADING = 0.8


@dataclass(frozen=True)
class Heading:
    index: int  # into F2021.section_headings
    start: int  # in the original text
    end: int
    printed: str
    official: bool  # printed exactly as F2021 (after normalisation)


def _starts_heading(text: str, i: int) -> bool:
    j = i - 1
    while j >= 0 and text[j] in " \t\u3000":
        j -= 1
    return j < 0 or text[j] == "\n" or text[j] in _HEADING_BEFORE or j < i - 1


def find_headings(c: Compact, text: str) -> list[Heading | None]:
    """Each of the six headings where it is printed (in order), or None when it is missing."""
    found: list[Heading | None] = [None] * len(F2021.section_headings)
    pos = 0
    for k, official in enumerate(F2021.section_headings):
        forms = [normalise(official)] + [normalise(v) for v in F2021.heading_variants[k]]
        best: tuple[int, int, bool] | None = None
        for n, form in enumerate(forms):
            i = c.find(form, pos)
            while i >= 0 and not _starts_heading(text, c.start(i)):
                i = c.find(form, i + 1)
            if i >= 0 and (best is None or i < best[0]):
                best = (i, i + len(form), n == 0)
        if best is not None:
            i, j, exact = best
            found[k] = Heading(k, c.start(i), c.end(j), printed(c.original(i, j)), exact)
            pos = j
    # Near-misses between the headings that were found.
    for k in range(len(F2021.section_headings)):
        if found[k] is not None:
            continue
        lo = max((h.end for h in found[:k] if h), default=0)
        hi = min((h.start for h in found[k + 1 :] if h), default=len(text))
        hit = _similar_heading(c, text, k, c.at(lo), c.at(hi))
        if hit is not None:
            found[k] = hit
    return found


def _similar_heading(c: Compact, text: str, k: int, lo: int, hi: int) -> Heading | None:
    """A heading printed near one of its known forms: a misprint, or a variant cut short (…及整改措)."""
    forms = [normalise(f) for f in (F2021.section_headings[k], *F2021.heading_variants[k])]
    number = forms[0][:2]  # "四,"
    best: tuple[float, int, int] | None = None
    i = c.find(number, lo, hi)
    while i >= 0:
        if _starts_heading(text, c.start(i)):
            for form in forms:
                for length in range(len(form) - 4, len(form) + 5):
                    candidate = c.s[i : i + length]
                    ratio = difflib.SequenceMatcher(None, candidate, form).ratio()
                    if ratio >= SIMILAR_HEADING and (best is None or ratio > best[0]):
                        best = (ratio, i, i + length)
        i = c.find(number, i + 1, hi)
    if best is None:
        return None
    _, i, j = best
    return Heading(k, c.start(i), c.end(j), printed(c.original(i, j)), False)


def section_spans(headings: list[Heading | None], length: int) -> list[tuple[int, int] | None]:
    """(start, end) of each section's body in the original text: heading end to the next heading."""
    spans: list[tuple[int, int] | None] = []
    for k, h in enumerate(headings):
        if h is None:
            spans.append(None)
            continue
        following = [g.start for g in headings[k + 1 :] if g is not None]
        spans.append((h.end, min(following, default=length)))
    return spans


# --- title -------------------------------------------------------------------

_NAME = r"[\u4e00-\u9fff（）()·]{2,40}?"
_TITLE_NAME_FIRST = re.compile(rf"(?P<name>{_NAME})\s*(?P<year>(?:19|20)\d\d)\s*年\s*度?\s*(?:政府信息公开|政务公开|信息公开)")
_TITLE_YEAR_FIRST = re.compile(rf"(?P<year>(?:19|20)\d\d)\s*年\s*度?\s*(?P<name>{_NAME})\s*(?:政府信息公开|政务公开)工作")
_BODY_YEAR = (
    re.compile(r"(?P<year>(?:19|20)\d\d)\s*年\s*1\s*月\s*1\s*日"),  # 统计期限自2024年1月1日起
    re.compile(r"(?P<year>(?:19|20)\d\d)\s*年\s*度?\s*政府信息公开(?:工作)?(?:年度)?(?:报告|情况)"),
)
# Verbs of an opening sentence that names the report: 现公布…, 编制…, 现将…报告如下, 由…编制.
_PUBLISHES = re.compile(r"(?:公布|发布|编制|现将)")
_COMPILED_BY = re.compile(rf"由(?P<name>{_NAME})(?:[（(]以下简称[^）)]{{1,10}}[）)])?编制")
_NOT_A_NAME = ("我", "本")  # 编制我单位2021年…报告: the unit does not name itself
TITLE_LINE_MAX = 60  # a title is a short line; body sentences mentioning the report are not titles
TITLE_WRAP = 30  # a line this short may be the first half of a title wrapped over two lines
_TITLE_PREFIX = re.compile(r"^.*?(?:标\s*题|名\s*称)\s*[:：]\s*")


def title_meta(text: str, headings: list[Heading | None]) -> tuple[str, int | None, str]:
    """(unit name, year, the title line as printed) from the lines before 一、总体情况."""
    head_end = headings[0].start if headings[0] else min(len(text), 3000)
    lines = [_TITLE_PREFIX.sub("", ln.strip()) for ln in text[:head_end].split("\n") if ln.strip()]
    for i, line in enumerate(lines):
        candidates = [line]
        if i + 1 < len(lines) and len(line) <= TITLE_WRAP:
            candidates.append(line + lines[i + 1])  # a title wrapped over two lines, anywhere
        for cand in candidates:
            if len(cand) > TITLE_LINE_MAX:
                continue
            m = _TITLE_NAME_FIRST.search(cand) or _TITLE_YEAR_FIRST.search(cand)
            if m:
                # "现公布北票市长皋乡人民政府2024年度…": the unit follows the verb.
                name = _PUBLISHES.split(m.group("name"))[-1]
                return name, int(m.group("year")), cand
    year = next((int(m.group("year")) for p in _BODY_YEAR if (m := p.search(text[: head_end + 2000]))), None)
    # An opening sentence that names the report: "现公布北票市长皋乡人民政府2024年度政府信息公开工作年度报告",
    # "编制万源市玉带乡2024年…报告", "由上海市经济和信息化委员会（以下简称我委）编制".
    for line in lines:
        for m in _PUBLISHES.finditer(line):
            rest = line[m.end() :]
            t = _TITLE_NAME_FIRST.match(rest) or _TITLE_YEAR_FIRST.match(rest)
            if t and not t.group("name").startswith(_NOT_A_NAME):
                return t.group("name"), int(t.group("year")), ""
        by = _COMPILED_BY.search(line)
        if by and year and not by.group("name").startswith(_NOT_A_NAME):
            return by.group("name"), year, ""
    return "", year, ""


_MUNICIPALITIES = ("北京市", "天津市", "上海市", "重庆市")
# The 机关层级 a name decides (docs/format.md §7.2), checked in this order: a 市辖区 ends in 区人民政府, a
# 直辖市 in 市人民政府. A name that is only the place (a title "2022年上海市…报告", "熊官屯镇2023年…") counts.
_LEVEL_SUFFIXES = (
    ("乡镇/街道", ("镇人民政府", "乡人民政府", "街道办事处", "镇政府", "乡政府", "苏木人民政府", "镇", "乡", "街道", "苏木")),
    ("省级政府", ("省人民政府", "自治区人民政府", *(m + "人民政府" for m in _MUNICIPALITIES), *_MUNICIPALITIES)),
    ("县级政府", ("县人民政府", "旗人民政府", "区人民政府", "县政府", "区政府", "县", "旗")),
)
# A county's department: the name opens with the county (示例县市场监督管理局, 平武县统计局).
_COUNTY_DEPARTMENT = re.compile(r"^[\u4e00-\u9fff]{1,8}?(?:县|旗)(?!人民政府$).*(?:局|委员会|办公室|中心)$")
# How a report's own text names its unit (docs/format.md §7.2): 我镇 says a town. Words a county or city
# department also uses of the place it serves (我县, 全市) decide nothing, and they overrule the town words.
_SELF_TOWN = re.compile(r"(?:我|本|全)(?:镇|乡|街道)(?![压守镇村土亲音])")
_SELF_OTHER = re.compile(r"(?:我|本)(?:县|市|区|局|委|办|厅)(?![场民域级别])")


def level_from_name(name: str) -> str:
    """The 机关层级 when the name alone decides it (a town, a county, a province, a county's department); else ""."""
    for level, suffixes in _LEVEL_SUFFIXES:
        if name.endswith(suffixes) and level in LEVELS:
            return level
    return "县级部门" if _COUNTY_DEPARTMENT.match(name) else ""


def level_from_text(text: str) -> tuple[str, str]:
    """(机关层级, the words it rests on) when the report calls itself a town (我镇, 本街道) and nothing else; else ("", "")."""
    town = _SELF_TOWN.findall(text)
    if not town or _SELF_OTHER.search(text):
        return "", ""
    words = list(dict.fromkeys(town))
    return "乡镇/街道", "、".join(f"“{w}”" for w in words[:3]) + (f"（{len(town)}处）" if len(town) > 1 else "")


# --- text sections ---------------------------------------------------------------

_SENTENCE_END = tuple("。！？；：!?;:")
_MARKER = re.compile(r"^[（(][一二三四五六七八九十]{1,2}[）)]|^[一二三四五六七八九十]{1,2}、")
_NUMERALS = "一二三四五六七八九十"
SUBHEADING_MAX = 30


def is_wrapped(text: str) -> bool:
    """Lines broken by a page width (PDF text): most long lines stop mid-sentence."""
    long_lines = [ln.strip() for ln in text.split("\n") if len(ln.strip()) >= 15]
    if len(long_lines) < 4:
        return False
    open_ended = sum(1 for ln in long_lines if not ln.endswith(_SENTENCE_END))
    return open_ended / len(long_lines) >= 0.5


def paragraphs(text: str, wrapped: bool) -> list[str]:
    lines = [ln.strip() for ln in text.split("\n") if ln.strip()]
    if not wrapped:
        return lines
    out: list[str] = []
    for line in lines:
        if out and not out[-1].endswith(_SENTENCE_END) and not _MARKER.match(line) and not _is_subheading(out[-1]):
            out[-1] += line
        else:
            out.append(line)
    return out


def _is_subheading(line: str) -> bool:
    """（一）存在的主要问题: a numbered line too short to be a wrapped paragraph's first line."""
    return bool(_MARKER.match(line)) and len(line) <= SUBHEADING_MAX and "。" not in line


def _split_at_markers(text: str, count: int) -> list[int] | None:
    """Positions of （一）（二）… at paragraph or sentence starts, in order; None unless （一）（二） are there."""
    positions: list[int] = []
    pos = 0
    for n in range(count):
        pattern = re.compile(rf"[（(]{_NUMERALS[n]}[）)]")
        m = pattern.search(text, pos)
        while m and not _starts_heading(text, m.start()):
            m = pattern.search(text, m.end())
        if not m:
            break
        positions.append(m.start())
        pos = m.end()
    return positions if len(positions) >= 2 else None


def _slot_text(part: str) -> str:
    """A sub-part's text; a sub-heading standing alone on its line (（一）存在的主要问题) is dropped,
    a paragraph that merely opens with its number (（一）严格执行……。) is kept whole."""
    lines = [ln.strip() for ln in part.split("\n") if ln.strip()]
    if len(lines) > 1 and _is_subheading(lines[0]):
        lines = lines[1:]
    return "\n".join(lines)


def section_texts(text: str, spans: list[tuple[int, int] | None], wrapped: bool) -> dict[str, str]:
    """Fill the text slots from sections 一, 五 and 六."""
    out: dict[str, str] = {}
    by_section: dict[int, list] = {}
    for slot in F2021.text_slots:
        by_section.setdefault(slot.section, []).append(slot)
    for section, slots in by_section.items():
        span = spans[section]
        if span is None:
            continue
        body = "\n".join(paragraphs(text[span[0] : span[1]], wrapped))
        numbered = [s for s in slots if s.heading]
        intro = [s for s in slots if not s.heading]
        cuts = _split_at_markers(body, len(numbered)) if numbered else None
        if cuts is None:
            target = (intro or numbered)[0]
            if body.strip():
                out[target.key] = _slot_text(body)
            continue
        if intro and body[: cuts[0]].strip():
            out[intro[0].key] = _slot_text(body[: cuts[0]])
        elif not intro and body[: cuts[0]].strip():
            cuts[0] = 0  # words before （一） belong to the first part when there is no intro slot
        for n, start in enumerate(cuts):
            end = cuts[n + 1] if n + 1 < len(cuts) else len(body)
            part = _slot_text(body[start:end])
            if part:
                out[numbered[n].key] = part
    return out

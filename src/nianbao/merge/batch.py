"""The reduce step: records → units (who counts, who is missing, which file wins) → one DataFrame.

    batch = assemble(records, roster=roster, year=2024)
    batch.frame.loc[:, ["unit", "status", "t3.new.total"]]

Numeric rules run here, once, over the whole frame (rules.evaluate_frame):
the same declarations ``check.check`` runs on one report; with last year's
reports, the cross-year text checks (Y5, Y6) run per unit; and every unit's
findings are put in order by ``check.combine``, so a unit's findings in a merge
are exactly those of ``nianbao check`` (``--last-year``) on its file — and the
one rule only a merge can apply: H2, each unit against the others of its level
(peers.compare, over the same frame).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import PurePosixPath
from typing import Any

from ..check import combine, cross_year_findings
from ..formats import DEFAULT, cell_map, held
from ..report import Finding, Severity, Verdict, count_by_severity
from ..rules import evaluate_frame, format_checks
from ..schema import LEVELS, Format, may_be_own_report
from .files import Skipped
from .lastyear import LastYear
from .lower import VIA, Covered
from .peers import Peers, compare
from .roster import Match, Roster, RosterEntry, name_key
from .worker import SUMMARY_LEVEL, Record

# 报送情况 categories, in the order the sheet lists them.
MISSING = "未报送"
UNREADABLE = "无法读取"
WRONG_YEAR = "年度不符"
DUPLICATE = "重复报送"
UNKNOWN = "名单外单位"
FUZZY = "名称近似匹配"
NO_LAST_YEAR = "无上年数据"
LOWER = "下级汇总表"  # the level below's 汇总 counted as one input: how many units it stands for
SEVERAL = "多单位文件"  # a unit from a sheet or a row of a file that holds several (which one, how it was named)
SKIPPED = "已跳过"
CATEGORIES = (MISSING, UNREADABLE, WRONG_YEAR, DUPLICATE, UNKNOWN, FUZZY, NO_LAST_YEAR, LOWER, SEVERAL, SKIPPED)
# The same categories as programs see them (merge --json): English, stable.
CATEGORY_CODES = {
    MISSING: "missing", UNREADABLE: "unreadable", WRONG_YEAR: "wrong_year", DUPLICATE: "duplicate",
    UNKNOWN: "not_on_roster", FUZZY: "fuzzy_match", NO_LAST_YEAR: "no_last_year", LOWER: "lower_summary",
    SEVERAL: "multi_unit_file", SKIPPED: "skipped",
}
# What a lower 汇总's 报送情况 says that the level above lists too (with the 汇总 it came through): who did
# not report or could not be read or counted, and how units were matched; not what was skipped in its inbox.
CARRIED_CATEGORIES = (MISSING, UNREADABLE, WRONG_YEAR, DUPLICATE, UNKNOWN, FUZZY, LOWER)

# What became of each input file (来源 sheet).
USED, NOT_USED = "已汇总", "未采用"
# What became of each unit on the roster: exactly one of these (they add up to the roster).
COUNTED = "计入汇总"
ROSTER_STATES = (COUNTED, UNREADABLE, WRONG_YEAR, MISSING)

GOVERNMENT_KEY = "gov"  # every report marked 本级人民政府年度报告 is one unit: counted once


@dataclass(frozen=True)
class Submission:
    """One row of 报送情况."""

    category: str
    unit: str
    file: str = ""
    note: str = ""
    via: str = ""  # the lower 汇总(s) a carried row came through: 甲县汇总.xlsx › 某镇汇总.xlsx


@dataclass
class Unit:
    key: str
    record: Record
    name: str  # as the unit wrote it (or the file name when it wrote none)
    roster: RosterEntry | None = None
    match: Match | None = None
    findings: list[Finding] = field(default_factory=list)

    @property
    def readable(self) -> bool:
        return self.record.readable

    @property
    def display(self) -> str:
        return self.roster.name if self.roster else self.name

    @property
    def status(self) -> Verdict:
        return Verdict.of(self.findings) if self.readable else Verdict.UNREADABLE

    @property
    def own_report(self) -> bool:
        """The 本级人民政府年度报告 (see ``identity``)."""
        return self.key == GOVERNMENT_KEY


@dataclass
class Batch:
    """Everything a merge found: the units (output order), the frame, and what the county must chase."""

    year: int | None
    units: list[Unit]
    frame: Any  # pandas.DataFrame, index = unit key
    records: list[Record]
    submissions: list[Submission]
    outcome: dict[str, str]  # record.where -> 已汇总 / 未采用（why）/ 无法读取
    skipped: list[Skipped] = field(default_factory=list)
    roster: Roster | None = None
    last_year: bool = False
    roster_states: dict[int, str] = field(default_factory=dict)  # roster entry order -> one of ROSTER_STATES
    peers: Peers = field(default_factory=Peers)  # H2: the units against the others of their level
    format: Format = DEFAULT  # the format of the frame's cells and of the totals (merge_format)

    @property
    def counted(self) -> list[Unit]:
        return [u for u in self.units if u.readable]

    @property
    def unreadable(self) -> list[Unit]:
        return [u for u in self.units if not u.readable]

    def findings(self) -> list[tuple[Unit, Finding]]:
        return [(u, f) for u in self.units for f in u.findings]

    def headline(self) -> str:
        """"汇总2024年度：计入4个单位（通过3个、有错误1个），另有1个文件无法读取": the first line the
        command and the button say. The statuses in brackets add up to the units counted."""
        status = Counter(u.status for u in self.counted)
        year = f"{self.year}年度" if self.year else "年度未填写"
        parts = "、".join(f"{s.label}{status[s]}个" for s in Verdict if status[s])
        lower = [u for u in self.counted if u.record.merge_output]
        if lower:  # the level below's 汇总s stand for their units; the statuses are of the reports read
            direct = len(self.counted) - len(lower)
            within = sum(u.record.units for u in lower)
            text = (f"汇总{year}：计入下级汇总表{len(lower)}个（共含{within}个单位）" + (f"和单位报告{direct}个" if direct else "")
                    + f"，合计{within + direct}个单位；{len(self.counted)}份报告中{parts}")
        else:
            text = f"汇总{year}：计入{len(self.counted)}个单位（{parts}）" if self.counted else f"汇总{year}：没有可计入的单位"
        return text + (f"，另有{len(self.unreadable)}个文件无法读取" if self.unreadable else "")

    def covered(self) -> list[Covered]:
        """Every unit the totals count, with the lower 汇总s it came through and its unknown cells: what the
        merge workbook keeps (lower.COVERS_SHEET) for the level above."""
        import numpy as np

        out = []
        cell_ids = self.format.cell_ids
        unknown_at = np.isnan(self.frame[list(cell_ids)].to_numpy(dtype=float)) if len(self.frame) else None
        for i, u in enumerate(self.units):
            if not u.readable:
                continue
            if u.record.merge_output:
                out += [replace(c, via=u.record.where + (VIA + c.via if c.via else "")) for c in u.record.covers]
            else:
                unknown = tuple(cell_ids[j] for j in np.flatnonzero(unknown_at[i])) if unknown_at is not None else ()
                meta = u.record.meta
                out.append(Covered(u.display, meta.name, meta.level, meta.government_own, "", unknown))
        return out

    def incomplete(self) -> dict[str, list[str]]:
        """Cell id → the units inside lower 汇总s whose cell was unknown there (their totals lack it: H1)."""
        out: dict[str, list[str]] = {}
        for u in self.counted:
            for c in u.record.covers:
                for cid in c.unknown:
                    out.setdefault(cid, []).append(f"{u.display}的{c.unit}")
        return out

    def roster_line(self) -> str:
        """"名单20个单位：计入汇总15个、无法读取1个、年度不符1个、未报送3个；名单外单位计入汇总1个": every
        roster unit in exactly one state, so the parts add up to the roster (issue 9 #20)."""
        if self.roster is None:
            return ""
        states = Counter(self.roster_states.values())
        parts = "、".join(f"{s}{states[s]}个" for s in ROSTER_STATES if states[s])
        text = f"名单{len(self.roster_states)}个单位：{parts}"
        off = Counter(u.readable for u in self.units if u.roster is None)
        extra = [f"计入汇总{off[True]}个"] * bool(off[True]) + [f"无法读取{off[False]}个（文件名不在名单中）"] * bool(off[False])
        return text + ("；名单外单位" + "、".join(extra) if extra else "")


def _stem(record: Record) -> str:
    """The name a unit goes by when it wrote none: its file's, and the part of the file it is in."""
    stem = PurePosixPath(record.relative).stem
    return f"{stem}（{record.part}）" if record.part else stem


def unit_name(record: Record) -> str:
    return record.meta.name or _stem(record)


def identity(name: str, government_own: bool | None, level: str, roster: Roster | None) -> tuple[str, Match | None]:
    """The key two files of the same unit share (with the roster match that gave it).

    A report marked 本级人民政府年度报告 is the government's own (counted once, under GOVERNMENT_KEY)
    only where it comes from a government above the township: by the roster's 机关层级 for the unit
    when the roster gives one, else by the report's own. A 镇人民政府 that answered 是 stays itself.
    """
    match = roster.match(name) if roster is not None else None
    entry = roster.entries[match.index] if roster is not None and match is not None and match.index is not None else None
    if government_own and may_be_own_report(entry.level if entry is not None and entry.level in LEVELS else level):
        return GOVERNMENT_KEY, match
    if match is not None and match.index is not None:
        return f"roster:{match.index:06d}", match
    if level == SUMMARY_LEVEL:  # the level below's 汇总, named by its area: never one of the units
        return "summary:" + name_key(name), match
    return "name:" + name_key(name), match


def merge_format(records: list[Record]) -> Format:
    """The format of a merge: the one most readable reports are in (the default on a tie or with none).
    A report in another format is counted in this one's cells (formats.cell_map); a cell it has no
    counterpart for is unknown, and the total says so (H1)."""
    formats = Counter(r.format.id for r in records if r.readable)
    if not formats:
        return DEFAULT
    most = max(formats.values())
    tied = [f for f, n in formats.items() if n == most]
    return DEFAULT if DEFAULT.id in tied else held(tied[0])


def merge_year(records: list[Record], year: int | None = None) -> int | None:
    """The year being merged: as given, else the year most reports state (the later one on a tie)."""
    if year is not None:
        return year
    years = Counter(r.meta.year for r in records if r.readable and r.meta.year)
    if not years:
        return None
    return max(years.items(), key=lambda kv: (kv[1], kv[0]))[0]


def _when(ts: float, precise: bool = False) -> str:
    import datetime as dt

    text = dt.datetime.fromtimestamp(ts).strftime("%Y-%m-%d %H:%M:%S.%f" if precise else "%Y-%m-%d %H:%M:%S")
    return text[:-3] if precise else text


def _pick(records: list[Record]) -> tuple[Record, list[tuple[Record, str]]]:
    """Of several files for one unit and year, the later-modified one; the others with why not."""
    ordered = sorted(records, key=lambda r: (r.mtime, r.relative, r.index))
    used = ordered[-1]
    rest = []
    for r in ordered[:-1]:
        if r.relative == used.relative:  # two rows (sheets) of one file: an online form keeps each submission
            why = f"同一文件中靠后的「{used.part}」（表格中靠后的通常是较晚的提交）"
            why = f"采用{why}" if r.values != used.values else f"与{why}数字完全相同，只计一次"
        elif r.sha256 == used.sha256:
            why = f"与「{used.where}」内容完全相同，只计一次"
        elif r.mtime == used.mtime:
            why = f"修改时间与「{used.where}」相同，按文件路径顺序采用后者"
        else:
            precise = _when(r.mtime) == _when(used.mtime)  # within one second: show the milliseconds that decided
            why = f"采用修改时间较晚的「{used.where}」（{_when(used.mtime, precise)}），本文件修改于{_when(r.mtime, precise)}"
        rest.append((r, why))
    return used, rest


def assemble(
    records: list[Record],
    roster: Roster | None = None,
    year: int | None = None,
    last: LastYear | None = None,
    skipped: list[Skipped] | None = None,
) -> Batch:
    """Decide which file counts for which unit, build the frame and run the rules.

    ``last`` is last year's units (lastyear.read_last_year), keyed as this year's.
    """
    year = merge_year(records, year)
    submissions = [Submission(SKIPPED, "", s.relative, s.reason) for s in skipped or ()]
    outcome: dict[str, str] = {}
    groups: dict[str, list[Record]] = {}
    matches: dict[str, Match | None] = {}
    unreadable: list[Unit] = []
    wrong_year: list[tuple[Record, Match | None]] = []
    earlier = _earlier_outputs(records)
    for r in records:
        submissions += [Submission(SKIPPED, "", f"{r.relative}（{part}）", why) for part, why in r.passed_over]
        if r.where in earlier:
            outcome[r.where] = f"{NOT_USED}：以前的汇总结果"
            submissions.append(Submission(SKIPPED, "", r.where, earlier[r.where]))
            continue
        if r.error_kind == "NoReportData":  # a CSV in the inbox that is no table of units (a contact list)
            outcome[r.where] = f"{NOT_USED}：不是年报数据"
            submissions.append(Submission(SKIPPED, "", r.where, r.error or ""))
            continue
        if not r.readable:
            outcome[r.where] = UNREADABLE
            name = unit_name(r)
            _, match = identity(name, False, "", roster)
            unit = Unit("file:" + r.where, r, name, match=match)
            if roster is not None and match is not None and match.index is not None:
                unit.roster = roster.entries[match.index]
            unreadable.append(unit)
            continue
        key, match = identity(unit_name(r), r.meta.government_own, r.meta.level, roster)
        matches[r.where] = match
        if year is not None and r.meta.year is not None and r.meta.year != year:
            outcome[r.where] = f"{NOT_USED}：{r.meta.year}年度"
            wrong_year.append((r, match))
            continue
        groups.setdefault(key, []).append(r)

    units: list[Unit] = []
    for key, group in groups.items():
        used, rest = _pick(group)
        match = matches[used.where]
        if key == GOVERNMENT_KEY and (match is None or match.index is None):
            # The government's own report may come under the office's name; take any file's roster match.
            match = next((m for r in group if (m := matches[r.where]) is not None and m.index is not None), match)
        unit = Unit(key, used, unit_name(used), match=match)
        if roster is not None and match is not None and match.index is not None:
            unit.roster = roster.entries[match.index]
        units.append(unit)
        outcome[used.where] = USED
        for r, why in rest:
            outcome[r.where] = f"{NOT_USED}：重复"
            what = "均标记为本级人民政府年度报告，只计一次；" if key == GOVERNMENT_KEY else ""
            submissions.append(Submission(DUPLICATE, unit.display, r.where, what + why))

    units = _order(_counted_once(units, outcome, submissions)) + _order(unreadable)
    submissions += _parts_submissions(records, units) + _lower_submissions(units)
    named = {m.index for g in groups.values() for r in g if (m := matches[r.where]) is not None and m.index is not None}
    if roster is not None:  # a roster unit counted inside a lower 汇总 is counted
        named |= {m.index for u in units if u.readable for c in u.record.covers
                  if (m := roster.match(c.unit)).index is not None}
    states = _roster_states(units, roster, named, wrong_year)
    _roster_submissions(units, roster, records, matches, wrong_year, states, submissions, year)
    fmt = merge_format(records)
    frame = _frame(units, fmt)
    peers = _run_rules(units, frame, last.in_format(fmt) if last is not None else None, fmt)
    _fill_status(units, frame)
    if last is not None:
        have = set(last.frame.index)
        for u in units:
            if u.readable and u.key not in have:
                submissions.append(Submission(NO_LAST_YEAR, u.display, u.record.where, "上年数据中没有找到本单位，未做跨年度校验（Y1–Y3、Y7）"))
    submissions.sort(key=lambda s: CATEGORIES.index(s.category))
    for r in records:
        outcome.setdefault(r.where, USED)
    return Batch(year, units, frame, records, submissions, outcome, list(skipped or []), roster, last is not None, states, peers, fmt)


def _earlier_outputs(records: list[Record]) -> dict[str, str]:
    """The merge workbooks among the inputs that are an earlier merge of these same files (this inbox's last
    run, left beside the unit files), each with why: not the level below's 汇总, never counted.

    Told apart by what they count: a 汇总 at least half of whose units also came as their own files in this
    merge was made from them; counting it would count them twice, or let an old run stand for the files
    as they are now. A county's 汇总 in a city's inbox counts units whose files are not there (one or two
    that also reported directly are counted once: ``_counted_once``); and where the inbox holds units of
    another area (the city's own departments) or other 汇总s of units it does not count (the other
    counties'), even a county 汇总 sent together with all its units' files is the level below's: counted
    once, its units' files said. This run's own output
    file is passed over before reading (files.discover)."""
    own = {name_key(unit_name(r)) for r in records if r.readable and not r.merge_output}
    out = {}
    for r in records:
        if not (r.merge_output and r.readable and r.covers):
            continue
        names = {k for c in r.covers for k in (name_key(c.name), name_key(c.unit))}
        hits = sum(1 for c in r.covers if {name_key(c.name), name_key(c.unit)} & own)
        if 2 * hits < len(r.covers):
            continue
        others = [o for o in records if o is not r and o.readable and name_key(unit_name(o)) not in names]
        if any(_outside(o.meta.region, r.meta.region) or _apart(o, names) for o in others):
            continue
        out[r.where] = (f"以前汇总本批文件的结果（nianbao merge 的输出）：它计入的{len(r.covers)}个单位中有{hits}个的文件"
                        "就在本次输入中，不是下级汇总表，未计入")
    return out


def _apart(other: Record, names: set[str]) -> bool:
    """Whether ``other`` is a 汇总 most of whose units a 汇总 counting ``names`` does not count (another
    county's; a township's 汇总 in a county inbox is counted by the county's last run)."""
    if not other.merge_output:
        return False
    left = sum(1 for c in other.covers if not {name_key(c.name), name_key(c.unit)} & names)
    return 2 * left > len(other.covers)


def _outside(region: str, area: str) -> bool:
    """Whether ``region`` is stated and lies outside ``area`` (某省某市 and 某省某市丙县 lie outside 某省某市乙县;
    某省某市乙县城关镇 and 乙县 lie within it). Unknown either way: not outside."""
    r, a = name_key(region), name_key(area)
    return bool(r and a) and a not in r and not a.endswith(r)


def _counted_once(units: list[Unit], outcome: dict[str, str], out: list[Submission]) -> list[Unit]:
    """A unit a lower 汇总 counts that also came as its own file: counted in the 汇总, its file not again.
    A unit two lower 汇总s both count is said (neither total can be taken apart without its numbers)."""
    within: dict[str, Unit] = {}
    for s in (u for u in units if u.record.merge_output):
        for c in s.record.covers:
            keys = {k for k in (name_key(c.name), name_key(c.unit)) if k}
            other = next((within[k] for k in keys if k in within and within[k] is not s), None)
            if other is not None:
                out.append(Submission(DUPLICATE, c.unit, s.record.where,
                                      f"同时含在下级汇总表「{other.record.where}」和「{s.record.where}」中：两个汇总数都计入了它，"
                                      "合计中重复计算；请与两地核实，由其中一个去掉后重新汇总"))
            within.update(dict.fromkeys(keys, s))
    kept: list[Unit] = []
    for u in units:
        lower = None if u.record.merge_output else within.get(name_key(u.name)) or within.get(name_key(u.display))
        if lower is None:
            kept.append(u)
            continue
        outcome[u.record.where] = f"{NOT_USED}：已含在下级汇总表中"
        out.append(Submission(DUPLICATE, u.display, u.record.where,
                              f"已含在下级汇总表「{lower.record.where}」中（{lower.display}的汇总计入了本单位），本文件未计入，只计一次"))
    return kept


def _lower_submissions(units: list[Unit]) -> list[Submission]:
    """Each lower 汇总 counted: how many units it stands for; then its own 报送情况, marked with where it came from."""
    out = []
    for u in units:
        r = u.record
        if not (r.merge_output and r.readable):
            continue
        levels = Counter(c.level or "层级未填" for c in r.covers)
        shown = "、".join(f"{lv}{n}个" for lv, n in sorted(levels.items()))
        out.append(Submission(LOWER, u.display, r.where, f"下级汇总表，计入{len(r.covers)}个单位（{shown}）"
                              + (f"；其报送情况{len(r.carried)}项列在本表（见“来自”）" if r.carried else "")))
        out += [Submission(c.category, c.unit, c.file, c.note, r.where + (VIA + c.via if c.via else "")) for c in r.carried]
    return out


def _parts_submissions(records: list[Record], units: list[Unit]) -> list[Submission]:
    """报送情况 of the files that hold several units: which unit came from which sheet or row, and how a flat
    table's columns were read (every column accounted for: matched, or listed as read into nothing)."""
    from ..workbook.flat import column_summary

    shown = {u.record.where: u.display for u in units}
    out = []
    for r in records:
        if r.columns:
            out.append(Submission(SEVERAL, "", r.relative, column_summary(r.columns)))
        if r.part:
            out.append(Submission(SEVERAL, shown.get(r.where, unit_name(r)), r.where, r.origin))
    return out


def _order(units: list[Unit]) -> list[Unit]:
    """Roster order first, then the rest by name; the file path breaks ties."""
    return sorted(
        units,
        key=lambda u: (u.roster is None, u.roster.order if u.roster else 0, u.display, u.record.relative, u.record.index),
    )


def _roster_states(
    units: list[Unit], roster: Roster | None, named: set[int], wrong_year: list[tuple[Record, Match | None]]
) -> dict[int, str]:
    """Each roster unit's one state. Counted: a file counted for it, or a duplicate naming it (the
    government's report filed by its office); a unit whose only file is of another year is 年度不符,
    not 未报送 as well (issue 9 #13)."""
    if roster is None:
        return {}
    counted = named | {u.roster.order for u in units if u.readable and u.roster is not None}
    unreadable = {u.roster.order for u in units if not u.readable and u.roster is not None}
    other_year = {m.index for _, m in wrong_year if m is not None and m.index is not None}
    states = {}
    for e in roster.entries:
        if e in roster.duplicates:
            continue
        states[e.order] = (COUNTED if e.order in counted else UNREADABLE if e.order in unreadable
                           else WRONG_YEAR if e.order in other_year else MISSING)
    return states


def _roster_submissions(
    units: list[Unit],
    roster: Roster | None,
    records: list[Record],
    matches: dict[str, Match | None],
    wrong_year: list[tuple[Record, Match | None]],
    states: dict[int, str],
    out: list[Submission],
    year: int | None,
) -> None:
    def on_roster(m: Match | None) -> RosterEntry | None:
        return roster.entries[m.index] if roster is not None and m is not None and m.index is not None else None

    for u in units:
        if not u.readable:
            out.append(Submission(UNREADABLE, u.display, u.record.where, u.record.error or ""))
    for r, m in wrong_year:
        entry = on_roster(m)
        out.append(Submission(WRONG_YEAR, entry.name if entry else unit_name(r), r.where,
                              f"报告年度为{r.meta.year}年，本次汇总{year}年度，未计入"))
    if roster is None:
        return
    for r in records:
        m = matches.get(r.where)
        if m is not None and m.index is not None and not m.exact:
            out.append(
                Submission(FUZZY, roster.entries[m.index].name, r.where, f"报告中的名称「{unit_name(r)}」按名单「{roster.entries[m.index].name}」匹配：{m.how}")
            )
    for u in units:
        if not u.readable and u.match is not None and u.match.index is not None and not u.match.exact:
            out.append(Submission(FUZZY, u.display, u.record.where, f"文件名「{u.name}」按名单「{u.display}」匹配：{u.match.how}"))
    for e in roster.entries:
        if states.get(e.order) == MISSING:
            out.append(Submission(MISSING, e.name, "", "名单中的单位没有报送（没有找到该单位的文件）"))
    for u in units:
        if u.readable and u.roster is None:
            m = u.match
            if m is not None and m.candidates:
                maybe = "、".join(roster.entries[i].name for i in m.candidates)
                note = f"名称「{u.name}」与名单中多个单位相近（{maybe}），无法确定；已计入汇总，请核对名称"
            else:
                note = f"名称「{u.name}」不在名单中；已计入汇总，请核对名单或名称"
            out.append(Submission(UNKNOWN, u.name, u.record.where, note))
    for e in roster.duplicates:
        out.append(Submission(SKIPPED, e.name, roster.source, "名单中重复列出的单位，只计一次"))


def _frame(units: list[Unit], fmt: Format):
    import numpy as np
    import pandas as pd

    n = len(units)
    values = np.full((n, len(fmt.cell_ids)), np.nan)
    for i, u in enumerate(units):
        if u.readable:
            numbers = np.frombuffer(u.record.values, dtype=float)
            values[i] = numbers if u.record.format is fmt else in_cells_of(numbers, u.record.format, fmt)
    meta = {
        "unit": [u.display for u in units],
        "meta.name": [u.record.meta.name for u in units],
        "meta.level": [u.record.meta.level or None for u in units],
        "meta.region": [u.record.meta.region for u in units],
        "meta.year": pd.array([u.record.meta.year for u in units], dtype="Int64"),
        "meta.government_own": [u.record.meta.government_own for u in units],
        "roster.order": pd.array([u.roster.order if u.roster else None for u in units], dtype="Int64"),
        "roster.name": [u.roster.name if u.roster else "" for u in units],
        "roster.code": [u.roster.code if u.roster else "" for u in units],
        "match": [_match_label(u) for u in units],
        "file": [u.record.where for u in units],
    }
    index = pd.Index([u.key for u in units], name="key")
    head = pd.DataFrame(meta, index=index)
    body = pd.DataFrame(values, index=index, columns=list(fmt.cell_ids))
    frame = pd.concat([head, body], axis=1)
    frame.attrs["format"] = fmt.id  # what summarise adds up (and a program reading the frame can ask)
    return frame


def in_cells_of(numbers: Any, source: Format, target: Format) -> Any:
    """A row of numbers in ``source``'s cell order as the cells of ``target`` (formats.cell_map): a cell
    that is a sum adds its parts; one with no counterpart, or an unknown part, is NaN."""
    import numpy as np

    at = {cid: k for k, cid in enumerate(source.cell_ids)}
    mapping = cell_map(source.id, target.id)
    out = np.full(len(target.cell_ids), np.nan)
    for j, cid in enumerate(target.cell_ids):
        parts = mapping.get(cid)
        if parts:
            out[j] = sum(numbers[at[p]] for p in parts)
    return out


def _match_label(u: Unit) -> str:
    if u.match is None:
        return ""
    if u.match.index is None:
        return "名单外"
    return "精确" if u.match.exact else "近似"


def blank_cells(units: list[Unit], frame, fmt: Format):
    """True where a unit left the cell blank (Record.shown keeps None for those): plausibility rules take them as unknown."""
    import numpy as np
    import pandas as pd

    column = {cid: k for k, cid in enumerate(fmt.cell_ids)}
    mask = np.zeros((len(units), len(fmt.cell_ids)), dtype=bool)
    for i, u in enumerate(units):
        for cid, shown in u.record.shown.items():
            if shown is None and cid in column:
                mask[i, column[cid]] = True
    return pd.DataFrame(mask, index=frame.index, columns=list(fmt.cell_ids))


def _run_rules(units: list[Unit], frame, last: LastYear | None, fmt: Format) -> Peers:
    readable = [u for u in units if u.readable]
    by_key = {u.key: u for u in readable}
    numeric: dict[str, list[Finding]] = {u.key: [] for u in readable}
    peers = Peers()
    if readable:
        sub = frame.loc[[u.key for u in readable]]
        aligned = last.frame.reindex(sub.index) if last is not None else None
        last_blanks = last.blanks.reindex(sub.index, fill_value=False) if last is not None and last.blanks is not None else None
        blanks = blank_cells(readable, sub, fmt)

        def address(key: str, cid: str) -> str:
            return by_key[key].record.address(cid)

        found = evaluate_frame(sub, aligned, address=address, checks=format_checks(fmt), blanks=blanks, last_blanks=last_blanks)
        peers = compare(sub, blanks, address)
        for key, finding in [*found, *peers.findings]:
            numeric[key].append(finding)
    for u in readable:
        last_report = last.reports.get(u.key) if last is not None and u.record.text else None
        cross_year = cross_year_findings(u.record.report(), last_report) if last_report is not None else []
        u.findings = combine(u.record.reading, numeric[u.key], u.record.text_findings, cross_year, u.record.acknowledged,
                             u.record.format)
    return peers


def _fill_status(units: list[Unit], frame) -> None:
    counts = [count_by_severity(u.findings) for u in units]
    frame["status"] = [u.status for u in units]
    frame["errors"] = [c[Severity.ERROR] for c in counts]
    frame["warnings"] = [c[Severity.WARNING] for c in counts]
    frame["infos"] = [c[Severity.INFO] for c in counts]
    frame["unread"] = [c[Severity.UNREAD] for c in counts]
    frame["acknowledged"] = [sum(1 for f in u.findings if f.acknowledged) for u in units]
    frame["counted"] = [u.readable for u in units]

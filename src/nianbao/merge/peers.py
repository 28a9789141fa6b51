"""H2: each unit's main totals against the other units of its 机关层级, once over the merge frame.

    peers = compare(frame, blanks, address)      # frame: the readable units, one row each
    peers.findings                               # [(unit key, Finding H2)], a hint each
    peers.notes()                                # ["「县级政府」1个单位……少于10个，未做同级比较"]

The totals are rules.KEY_TOTALS (新收, 办结, 行政许可, 行政处罚, 行政强制, 复议, 诉讼: the ones Y7 follows
across years). For every level with at least MIN_UNITS units that report a total, the band is
median ± max(Z · 1.4826 · MAD, log MIN_FACTOR) on log(1 + x) — numpy over each level's column, no loop over
units (docs/format.md §5.6 H2 says why each constant is what it is):

* log(1 + x): counts are skewed (a town with 3 applications and one with 300 are both ordinary); what a
  clerk gets wrong is the order of magnitude (a digit too many, 元 for 件, the whole system's cases).
* median and MAD, not mean and standard deviation: one wrong entry of 447,228 would inflate the
  standard deviation enough to hide itself; the median and MAD ignore up to half the units being odd.
* Z = 3.5: the modified z-score beyond which Iglewicz and Hoaglin call a value an outlier.
* MIN_FACTOR = 10: where most units report the same value (复议 0 at most townships) the MAD is 0;
  nothing within a factor of 10 of the median (of 1 + x) is called out of line.
* Low only where the band's low end is at least CLEAR: 1 application where most have a few dozen is
  no sign of a digit lost; 45 行政许可 where most have two thousand is.

A unit that reports 0 or leaves the total blank while at least ZERO_SHARE of the others of its level
report CLEAR or more gets a hint of its own. Unknown values (text, unread) are in no statistic and
get no finding; a blank is in no statistic either (空白不等于0), but is what the zero hint is about.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..report import CellRef, Finding, format_number
from ..rules import KEY_TOTALS, KeyTotal, finding
from ..schema import LEVELS

MIN_UNITS = 10  # units of a level reporting a total, below which the level's median and MAD mean little
Z = 3.5
MAD_TO_SD = 1.4826  # the MAD of normal data times this is its standard deviation
MIN_FACTOR = 10
ZERO_SHARE = 0.9  # "nearly all the others": where more than one in ten report 0, 0 is an ordinary answer
CLEAR = 3  # "clearly non-zero": a count a unit does not reach by chance

HIGH, LOW, ZERO, BLANK = "偏高", "偏低", "为0", "空白"


@dataclass(frozen=True)
class Band:
    """The usual range of one total among the units of one level."""

    level: str
    total: KeyTotal
    units: int  # units of the level whose total is known
    median: float
    low: float
    high: float
    marked: dict[str, int] = field(default_factory=dict)  # HIGH/LOW/ZERO/BLANK -> units

    @property
    def compared(self) -> bool:
        return self.units >= MIN_UNITS

    @property
    def range_text(self) -> str:
        """The whole numbers inside the band: what is outside it is out of line."""
        return f"{math.ceil(self.low - 1e-9)}至{math.floor(self.high + 1e-9)}"


@dataclass
class Peers:
    """What the comparison found: hints per unit, each level's bands, the levels too small to compare."""

    findings: list[tuple[Any, Finding]] = field(default_factory=list)  # (unit key, H2)
    bands: list[Band] = field(default_factory=list)  # every (level, total) with a known value, levels in LEVELS order
    levels: dict[str, int] = field(default_factory=dict)  # level -> readable units, in LEVELS order
    unlevelled: int = 0  # units whose 机关层级 is blank or not one of LEVELS
    marks: dict[tuple[Any, str], str] = field(default_factory=dict)  # (unit key, total key) -> HIGH/LOW/ZERO/BLANK

    def notes(self) -> list[str]:
        """What was not compared, in words: said on the 图表 sheet and in 问题清单."""
        small = [f"「{lv}」{n}个单位" for lv, n in self.levels.items() if n < MIN_UNITS]
        out = []
        if small:
            out.append(f"{'、'.join(small)}，少于{MIN_UNITS}个，未做同级比较")
        thin = [f"「{b.level}」的{b.total.name}" for b in self.bands if not b.compared and self.levels[b.level] >= MIN_UNITS]
        if thin:
            out.append(f"{'、'.join(thin)}能读取的单位少于{MIN_UNITS}个，未做同级比较")
        if self.unlevelled:
            out.append(f"{self.unlevelled}个单位的机关层级未填或不在列表中，未做同级比较")
        return out


def _count(v: float) -> str:
    return format_number(round(v))


def compare(frame: Any, blanks: Any, address: Callable[[Any, str], str]) -> Peers:
    """H2 over ``frame`` (readable units: ``meta.level`` and a float column per cell id, NaN unknown, blank 0)
    with ``blanks`` (bool, same index: True where the unit left the cell blank). numpy over each level's
    column of each total (at most 9 × 7 of them), never a loop over units."""
    import numpy as np

    levels = frame["meta.level"].to_numpy(object)
    present = [lv for lv in LEVELS if (levels == lv).any()]
    members = {lv: levels == lv for lv in present}
    peers = Peers(levels={lv: int(m.sum()) for lv, m in members.items()},
                  unlevelled=len(levels) - sum(int(m.sum()) for m in members.values()))
    picked: list[tuple[int, int, Band, str, int, int]] = []  # (row, total's order, band, mark, units ≥ CLEAR, others)
    sums: dict[str, Any] = {}
    for t_order, total in enumerate(KEY_TOTALS):
        cells = list(total.cells)
        x = sums[total.key] = frame[cells].to_numpy(dtype=float).sum(axis=1)  # NaN when any part is unknown
        blank = blanks[cells].to_numpy(dtype=bool).any(axis=1)
        with np.errstate(invalid="ignore"):
            known = ~np.isnan(x) & ~blank & (x >= 0)  # a negative count is N1's error, no statistic
        for lv, rows in members.items():
            mine = rows & known
            n = int(mine.sum())
            if not n:
                continue
            logs = np.log1p(x[mine])
            centre = float(np.median(logs))
            half = max(Z * MAD_TO_SD * float(np.median(np.abs(logs - centre))), math.log(MIN_FACTOR))
            with np.errstate(invalid="ignore"):
                value_log = np.log1p(np.where(mine, x, 0.0))
                high = mine & (x > 0) & (value_log > centre + half)
                low = mine & (x > 0) & (value_log < centre - half) & (math.expm1(centre - half) >= CLEAR)
            clear = int((x[mine] >= CLEAR).sum())
            others = n - mine.astype(int)  # per row: the level's known units but the row's own
            zero = (rows & ((known & (x == 0)) | blank)) & (clear >= ZERO_SHARE * others) & (others > 0)
            marks = {HIGH: high, LOW: low, ZERO: zero & ~blank, BLANK: zero & blank}
            if n < MIN_UNITS:
                marks = {m: np.zeros_like(rows) for m in marks}
            band = Band(lv, total, n, float(np.median(x[mine])), max(0.0, math.expm1(centre - half)),
                        math.expm1(centre + half), {m: int(mask.sum()) for m, mask in marks.items()})
            peers.bands.append(band)
            for mark, mask in marks.items():
                picked += [(i, t_order, band, mark, clear, int(others[i])) for i in np.flatnonzero(mask).tolist()]
    index = list(frame.index)
    for i, _, band, mark, clear_n, others_n in sorted(picked, key=lambda p: (p[0], p[1])):
        key, total = index[i], band.total
        value = float(sums[total.key][i])
        refs = [CellRef(c, address(key, c)) for c in total.cells]
        peers.marks[(key, total.key)] = mark
        peers.findings.append((key, _finding(total, band, mark, value, refs, clear_n, others_n)))
    return peers


def _finding(total: KeyTotal, band: Band, mark: str, value: float, cells: list[CellRef], clear: int, others: int) -> Finding:
    if mark in (HIGH, LOW):
        usual = f"本级可比的{band.units}个单位中位数为{_count(band.median)}件，通常在{band.range_text}件之间"
        side, why = ("高", "多写了数位或填入了其他口径的数字") if mark == HIGH else ("低", "漏填或少写了数位")
        text = f"{total.where}为{_count(value)}件，远{side}于同为「{band.level}」的其他单位（{usual}）；请核实是否{why}"
    else:
        said, ask = ("空白", "是否漏填；确实没有发生的请填0") if mark == BLANK else ("为0", "是否漏填")
        text = (f"{total.where}{said}，而同为「{band.level}」的其他{others}个单位中有{clear}个不少于{CLEAR}件"
                f"（中位数为{_count(band.median)}件）；请核实{ask}")
    return finding("H2", text, cells, expected=band.median, actual=None if mark == BLANK else value)

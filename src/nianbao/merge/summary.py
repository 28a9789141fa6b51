"""summarise(frame) -> Report: the county totals, as a Report in the statutory cells.

    >>> from nianbao.merge import gather
    >>> total = summarise(gather(["收件箱"]).frame, year=2024)
    >>> total.values["t3.new.total"], total.meta.year
    (36, 2024)

The totals are in the format of the merge (the frame's ``attrs["format"]``).
How a cell aggregates is the format's ``CellSpec.aggregate``: flows ("sum")
add up; stock fields ("stock", 现行有效件数) are added too, but they are a
sum of levels, and the 汇总 sheet says so (``stock_note``). A unit whose cell
is unknown (text that is not a number, a formula with no saved result) adds
nothing, and the total carries an H1 finding naming how many units are
missing from it: an incomplete total is never shown as if it were complete.

``Layout.summary_addresses`` (workbook/layout.py) is where each total sits on the 汇总
sheet; the writer places the tables there, the summary's findings point there,
and the reader finds them there.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from ..formats import DEFAULT, held
from ..report import CellRef, Finding, Report, UnitMeta
from ..rules import evaluate, finding
from ..schema import LEVELS, Format
from ..workbook.layout import layout_of
from .batch import DUPLICATE, UNKNOWN, UNREADABLE, WRONG_YEAR, Batch

SUMMARY_NAME = "汇总"

# How the totals of each kind of cell are formed (CellSpec.aggregate). Both add up over units;
# a stock's sum is a different thing from the county's own stock, and the 汇总 sheet says so.
AGGREGATES = {"sum": "各单位之和", "stock": "各单位之和（存量指标）"}


def stock_note(fmt: Format) -> str:
    """What the 汇总 sheet says of the stock cells' totals (a sum of levels, not the area's own stock)."""
    unknown = {c.aggregate for c in fmt.cells.values()} - set(AGGREGATES)
    if unknown:  # a new kind of aggregation in a format must be taught here, not silently summed
        raise ValueError(f"summary: unknown CellSpec.aggregate {sorted(unknown)} in format {fmt.id}")
    stocks = [spec for spec in fmt.cells.values() if spec.aggregate == "stock"]
    where = "、".join(dict.fromkeys(f"{spec.table}「{spec.column.label}」" for spec in stocks))
    return (
        f"说明：{where}是存量指标，本表数字为各单位该项之和"
        "（按单位相加；联合发文等可能被多个单位重复计数），不是全县（市、区）的现行有效文件总数。"
    )


def _total(values: Any, kind: str) -> int | float:
    total = float(values.sum())
    if kind == "count":
        return round(total)
    # Amounts in 万元: drop binary noise (0.1 + 0.2), keep far more places than anyone types.
    return round(total, 6)


def summarise(frame: Any, year: int | None = None, name: str | None = None, region: str = "",
              incomplete: dict[str, list[str]] | None = None, units: int | None = None,
              fmt: Format | None = None) -> Report:
    """The totals of the counted units of ``frame`` (a merge frame, or any frame with cell-id columns), in
    ``fmt`` (by default the frame's format, ``frame.attrs["format"]``, else the default format).

    ``incomplete`` names, per cell, the units inside lower 汇总s whose cell was unknown there: their totals
    lack it, so this one does too (H1 carries up). ``units`` is how many units the rows stand for (a lower
    汇总's row stands for all of its), when not one a row.
    """
    fmt = fmt or held(frame.attrs.get("format", DEFAULT.id))
    addresses = layout_of(fmt).summary_addresses
    rows = frame[frame["counted"].astype(bool)] if "counted" in frame else frame
    meta = UnitMeta(name=name or f"{region}{SUMMARY_NAME}", region=region, year=year, format=fmt.id, summary=True)
    report = Report(meta=meta)
    everyone = len(rows) if units is None else units
    for cid, spec in fmt.cells.items():
        col = rows[cid].astype(float)
        known = col.notna()
        report.values[cid] = _total(col[known], spec.kind)
        report.addresses[cid] = addresses[cid]
        missing = int((~known).sum())
        names = (list(map(str, rows.loc[~known, "unit"])) if "unit" in rows else [""] * missing) if missing else []
        names += (incomplete or {}).get(cid, [])
        if names:
            shown = "、".join(n for n in names[:5] if n)
            more = f"等{len(names)}个单位" if len(names) > 5 else ""
            report.findings.append(
                finding(
                    "H1",
                    f"{spec.label}的汇总数不完整：{shown}{more}的该项无法读取，未计入（已计入{everyone - len(names)}个单位）",
                    (CellRef(cid, addresses[cid]),),
                    actual=report.values[cid],
                )
            )
    return report


def check_summary(summary: Report) -> list[Finding]:
    """What is wrong with the totals: incomplete cells, then every rule the sums break."""
    return list(summary.findings) + evaluate(summary)


def coverage(batch: Batch, summary: Report) -> str:
    """The sentence that says what the totals cover: which units, which year, what was left out.

    Every count in it adds up: units by level to the units counted; the roster's states to the roster.
    """
    counted = batch.counted
    covered = batch.covered()
    levels = Counter(c.level or "层级未填" for c in covered)
    order = list(LEVELS)
    by_level = "、".join(f"{lv}{n}个" for lv, n in sorted(levels.items(), key=lambda kv: (order.index(kv[0]) if kv[0] in order else len(order), kv[0])))
    year = f"{batch.year}年度" if batch.year else "年度未填写的"
    parts = [f"汇总范围：{year}报告，计入{len(covered)}个单位（{by_level}）" if counted else f"汇总范围：{year}报告，没有可计入的单位"]
    lower = [u for u in counted if u.record.merge_output]
    if lower:
        each = "、".join(f"{u.display}{u.record.units}个" for u in lower[:5]) + ("等" if len(lower) > 5 else "")
        parts.append(f"其中{len(lower)}个下级汇总表共含{sum(u.record.units for u in lower)}个单位（{each}）")
    gov = [u for u in counted if u.own_report]
    if gov:
        parts.append(f"含本级人民政府年度报告「{gov[0].display}」，只计一次")
    cats = Counter(s.category for s in batch.submissions if not s.via)  # this level's files, not the ones below
    if cats[UNKNOWN]:
        parts.append(f"含名单外单位{cats[UNKNOWN]}个")
    left = [f"{c}{cats[c]}个" for c in (UNREADABLE, WRONG_YEAR, DUPLICATE) if cats[c]]
    if left:
        parts.append("未计入的文件：" + "、".join(left))
    if batch.roster is not None:
        parts.append(batch.roster_line())
    return "；".join(parts) + ("（详见「报送情况」）" if left or batch.roster is not None else "") + "。"

"""County aggregation: many unit workbooks → one DataFrame → totals, checks and a merge workbook.

    >>> from nianbao.merge import collect, summarise, merge
    >>> frame = collect(["收件箱/"])
    >>> frame["unit"].tolist(), frame["t3.new.total"].tolist()
    (['巫溪县峰灵镇人民政府', '示例县市场监督管理局'], [0.0, 36.0])
    >>> frame.loc[frame["status"] == "errors", "unit"].tolist()
    ['示例县市场监督管理局']
    >>> summarise(frame, year=2024).values["t3.new.total"]
    36
    >>> result = merge(["收件箱/"], "汇总.xlsx", roster="名单.xlsx")
    >>> result.batch.headline()
    '汇总2024年度：计入2个单位（有警告1个、有错误1个）'

A map over files (worker.read_all: one process per core, each file read by the
foundation reader) and a reduce (assemble: who counts, who is missing, the
numeric rules once over the whole frame). ``nianbao merge`` is ``merge``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..parts import ColumnMap
from ..report import Finding, Report
from .batch import Batch, assemble
from .files import discover
from .roster import Roster, read_roster
from .summary import check_summary, summarise
from .worker import Record, read_all, record_from_report

__all__ = ["MergeResult", "Record", "Roster", "collect", "gather", "merge", "merge_records", "read_roster",
           "record_from_report", "summarise"]

Progress = Callable[[int], None]
MERGE_NAME = "汇总.xlsx"


def _roster(roster: Roster | str | Path | None) -> Roster | None:
    if roster is None or isinstance(roster, Roster):
        return roster
    return read_roster(roster)


def gather(
    paths: Iterable[str | Path],
    *,
    output: str | Path | None = None,
    roster: Roster | str | Path | None = None,
    last_year: str | Path | Iterable[str | Path] | None = None,
    year: int | None = None,
    workers: int | None = None,
    progress: Callable[[int], Progress] | None = None,
    skip: Mapping[str | Path, str] | None = None,
    columns: ColumnMap | str | Path | None = None,
) -> Batch:
    """Read every input and assemble the batch (no output written).

    ``progress(total)`` is called once with the number of files and returns a
    callback advanced by one per file read. ``skip`` maps files that are not
    reports to the reason 报送情况 lists them under 已跳过 with. ``columns``
    says how flat tables' headers map to cells (a ``--columns`` file, or the
    mapping flat.read_column_map reads from one).
    """
    passed = dict(skip or {})
    if isinstance(roster, (str, Path)):
        passed.setdefault(roster, "应报送单位名单（--roster），不是单位的报告")
    if isinstance(columns, (str, Path)):
        from ..workbook.flat import read_column_map

        passed.setdefault(columns, "列对应表（--columns），不是单位的报告")
        columns = read_column_map(columns)
    roster = _roster(roster)
    items, skipped = discover(paths, output, passed)
    advance = progress(len(items)) if progress else None
    records = read_all(items, workers, advance, columns=columns)
    last = None
    if last_year is not None:
        from .batch import merge_year
        from .lastyear import read_last_year

        lasts = [last_year] if isinstance(last_year, (str, Path)) else list(last_year)
        last = read_last_year([Path(p) for p in lasts], roster, merge_year(records, year), workers)
    return assemble(records, roster=roster, year=year, last=last, skipped=skipped)


def collect(paths: Iterable[str | Path], **options: Any) -> Any:
    """One row per unit (meta, every cell id as a float column, status, finding counts): for analysts.

    Options as ``gather`` (roster, last_year, year, workers).
    """
    return gather(paths, **options).frame


@dataclass
class MergeResult:
    batch: Batch
    summary: Report
    summary_findings: list[Finding]
    output: Path | None


def _region(batch: Batch) -> str:
    """The area the totals are of: the region most units state. Over lower 汇总s (a city's counties) a
    county's region is the level below: the region of the units reported here directly, else the area
    the lower 汇总s share (重庆市巫溪县 and 重庆市云阳县 → 重庆市), else none."""
    import os
    import re
    from collections import Counter

    def most(regions: Counter[str]) -> str:
        return max(regions.items(), key=lambda kv: (kv[1], kv[0]))[0] if regions else ""

    direct = Counter(u.record.meta.region for u in batch.counted if u.record.meta.region and not u.record.merge_output)
    lower = {u.record.meta.region for u in batch.counted if u.record.meta.region and u.record.merge_output}
    if not lower or direct:
        return most(direct)
    m = re.match(r"^.*[省市州盟县区旗]", os.path.commonprefix(sorted(lower))) if len(lower) > 1 else None
    return m.group(0) if m else ""


def _target(paths: list[Path], output: str | Path, roster: Any, last_year: Any, columns: Any = None) -> Path:
    """The merge workbook's file: never one the merge reads (an earlier merge output in the inbox may be replaced)."""
    from ..outputs import WORKBOOK, Source, target
    from .worker import is_merge_output

    inputs = [Source(p, "输入文件" if p.is_file() else "输入文件夹", replaceable=is_merge_output) for p in paths]
    if isinstance(roster, (str, Path)):
        inputs.append(Source(roster, "应报送单位名单"))
    if isinstance(columns, (str, Path)):
        inputs.append(Source(columns, "列对应表"))
    lasts = [] if last_year is None else [last_year] if isinstance(last_year, (str, Path)) else list(last_year)
    inputs += [Source(p, "上年度数据") for p in lasts]
    return target(output, WORKBOOK, inputs, name=MERGE_NAME)


def merge(
    paths: Iterable[str | Path],
    output: str | Path | None,
    **options: Any,
) -> MergeResult:
    """nianbao merge: gather, summarise, check the totals and write the merge workbook to ``output``.

    Refuses (OutputError) to write over one of its inputs; an ``output`` folder gets 汇总.xlsx inside.
    ``region`` is the area the totals are of (else the one the units state, ``_region``).
    """
    inputs = [Path(p) for p in paths]
    region = options.pop("region", None)
    if output is not None:
        output = _target(inputs, output, options.get("roster"), options.get("last_year"), options.get("columns"))
    return _finish(gather(inputs, output=output, **options), output, region)


def merge_records(
    records: Iterable[Record],
    output: str | Path | None,
    *,
    roster: Roster | str | Path | None = None,
    year: int | None = None,
    last_year: Iterable[Record] | None = None,
    region: str | None = None,
) -> MergeResult:
    """``merge`` of reports already read: the same batch, totals, checks and workbook, from Records.

        >>> rec = record_from_report(report, Record("峰灵镇/年报.xlsx", "峰灵镇/年报.xlsx"))
        >>> merge_records([rec], "汇总.xlsx", year=2023).batch.headline()
        '汇总2023年度：计入1个单位（有警告1个）'

    A portal that stored each unit's Report merges them without re-reading a
    workbook; given the same reports with the same file facts (relative name,
    size, time, SHA-256), the workbook is the one ``merge`` writes of the files.
    ``last_year`` is last year's records (for Y1–Y3 and Y7, and Y5/Y6 where they hold text), as ``--last-year`` a folder.
    """
    from .lastyear import last_year_from_records

    if output is not None:
        output = _target([], output, roster, None)
    records, roster = list(records), _roster(roster)
    last = None
    if last_year is not None:
        from .batch import merge_year

        last = last_year_from_records(list(last_year), roster, merge_year(records, year))
    return _finish(assemble(records, roster=roster, year=year, last=last), output, region)


def _finish(batch: Batch, output: str | Path | None, region: str | None = None) -> MergeResult:
    region = (region or "").strip() or _region(batch)
    summary = summarise(batch.frame, year=batch.year, region=region, incomplete=batch.incomplete(),
                        units=sum(u.record.units for u in batch.counted), fmt=batch.format)
    findings = check_summary(summary)
    if output is not None:
        from .write import write_merge

        write_merge(batch, summary, findings, Path(output))
    return MergeResult(batch, summary, findings, Path(output) if output is not None else None)

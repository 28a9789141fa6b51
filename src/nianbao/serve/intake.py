"""An upload, judged before it becomes a version: read by the library, and of the right unit and year.

    >>> report = accept(staged_path, expected=Expected("峰灵镇人民政府", 2024, roster, 0))   # doctest: +SKIP

Every refusal is a ``Rejected`` whose message is a complete Chinese sentence
for the clerk; nothing here raises anything else for a bad file. The reading
and its bounds are the library's (workbook.read checks the zip package's
declared sizes and each sheet's extent before parsing, so a zip bomb is
refused from its directory); the upload's own size is checked before it is
written (submissions.receive).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..errors import SourceError
from ..formats import F2019
from ..merge.roster import Roster
from ..report import Report


class Rejected(Exception):
    """The upload is refused; ``str(e)`` is the Chinese message shown in the page."""


@dataclass(frozen=True)
class Expected:
    """Whose upload it is: the link's unit and the portal's year (None in --local: anything goes)."""

    name: str
    year: int
    roster: Roster  # every active unit of the portal, to tell "another unit" from a typo
    index: int  # this unit's entry in ``roster``


def size_limit_message(size: int, limit: int) -> str:
    return f"文件太大（{_mb(size)}），超过了{_mb(limit)}的上限；年报工作簿一般只有几十KB，请确认选对了文件（不要包含图片或其他工作表）"


def _mb(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB" if n >= 1024 * 1024 else f"{max(1, round(n / 1024))} KB"


def read(path: Path) -> Report:
    """The library's guarded reader (a child process: a native abort or a runaway file is that upload's
    problem only), with every failure turned into a Rejected."""
    from ..sources import read_report_isolated

    try:
        return read_report_isolated(path)
    except SourceError as e:
        raise Rejected(e.message) from e


def verify(report: Report, expected: Expected | None) -> None:
    """Refuse a 2019-format workbook, and one whose 单位信息 names another unit or year."""
    if report.meta.format == F2019.id:
        reason = next((f.message for f in report.findings if f.rule in ("Y4", "V1")), "这是2019年格式的工作簿")
        raise Rejected(reason + "。请下载本页的模板重新填报")
    if expected is None:
        return
    name, year = report.meta.name.strip(), report.meta.year
    if not name:
        raise Rejected(f"「单位信息」中的机关名称是空的；请填写“{expected.name}”，或使用本页下载的模板")
    match = expected.roster.match(name)
    if match.index != expected.index:
        other = expected.roster.entries[match.index].name if match.index is not None else None
        who = f"是另一个单位「{other}」的报告" if other else "与本单位不符"
        raise Rejected(f"工作簿「单位信息」中的机关名称为“{name}”，{who}；本链接属于「{expected.name}」。请上传本单位的报告")
    if year is None:
        raise Rejected(f"「单位信息」中的报告年度是空的；请填写{expected.year}，或使用本页下载的模板")
    if year != expected.year:
        raise Rejected(f"工作簿的报告年度为{year}年，本次报送的是{expected.year}年度的报告；请上传{expected.year}年度的报告")


def accept(path: Path, expected: Expected | None) -> Report:
    """Read ``path`` and verify it; raises Rejected with the reason otherwise."""
    report = read(path)
    verify(report, expected)
    return report

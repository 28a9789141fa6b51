"""The county's views of the year: the status of every unit, the 汇总 and the zip of what was handed in.

    >>> result = write_summary(2024, Path("汇总.xlsx"))   # doctest: +SKIP

The 汇总 is the merge library's own (merge.merge_records) over the stored
Reports of the units whose latest version is 已报送 or 已确认: no workbook is
read again. Each is named "<unit>/<file name>" with its upload time, size
and SHA-256, so it is the workbook ``nianbao merge`` writes of the same files
laid out one folder per unit with those times.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from ..merge import MergeResult, Record, merge_records, record_from_report
from ..merge.roster import Roster, RosterEntry
from .models import Acknowledgement, Submission, Unit
from .present import safe_file_name
from .states import Status
from .submissions import effective_report

COUNTED = [Status.SUBMITTED.value, Status.CONFIRMED.value]


def active_units() -> list[Unit]:
    return list(Unit.objects.filter(retired=False).order_by("order", "id"))


def roster(units: list[Unit] | None = None) -> Roster:
    """The portal's active units as the merge library's roster, in roster order."""
    units = active_units() if units is None else units
    return Roster([RosterEntry(i, u.name, u.level, u.code) for i, u in enumerate(units)], "门户单位名单")


def latest_by_unit(year: int, fields: tuple[str, ...] = ()) -> dict[int, Submission]:
    """Each unit's latest version of ``year`` (one query; the report JSON only when asked for)."""
    base = ("id", "unit_id", "year", "version", "uploaded_at", "file_name", "state", "errors", "warnings", "infos",
            "blob", "size")
    out: dict[int, Submission] = {}
    for sub in Submission.objects.filter(year=year).order_by("unit_id", "version").only(*base, *fields):
        out[sub.unit_id] = sub
    return out


def member_name(unit: Unit, sub: Submission) -> str:
    """How a handed-in file is named in the 汇总 and the zip: one folder per unit."""
    return f"{safe_file_name(unit.name, '单位')}/{safe_file_name(sub.file_name)}"


def _records(items: list[tuple[Unit, Submission]]) -> list[Record]:
    """The merge library's records of these versions, from their stored Reports (page 已核实 included)."""
    page: dict[int, dict[str, str]] = {}
    ids = [sub.pk for _, sub in items]
    for sid, key, reason in Acknowledgement.objects.filter(submission_id__in=ids).values_list("submission_id", "key", "reason"):
        page.setdefault(sid, {})[key] = reason
    out = []
    for unit, sub in items:
        name = member_name(unit, sub)
        facts = Record(name, name, sub.size, sub.uploaded_at.timestamp(), sub.blob)
        out.append(record_from_report(effective_report(sub, page.get(sub.pk, {})), facts))
    return out


def counted(year: int, units: list[Unit] | None = None) -> list[tuple[Unit, Submission]]:
    units = active_units() if units is None else units
    latest = latest_by_unit(year, ("report",))
    return [(u, latest[u.pk]) for u in units if u.pk in latest and latest[u.pk].state in COUNTED]


def merged(year: int, output: Path | None) -> MergeResult:
    """The merge of every counted unit (with last year's counted reports for Y1–Y3 and Y7, when there are any)."""
    units = active_units()
    this = _records(counted(year, units))
    last = _records(counted(year - 1, units))
    return merge_records(this, output, roster=roster(units), year=year, last_year=last or None)


def write_summary(year: int, output: Path) -> MergeResult:
    return merged(year, output)


def write_zip(year: int, output: Path, store) -> int:
    """Every counted unit's current file, original bytes, one folder per unit; returns how many."""
    items = counted(year)
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as z:
        for unit, sub in items:
            info = zipfile.ZipInfo(member_name(unit, sub), date_time=sub.uploaded_at.astimezone().timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, store.read(sub.blob))
    return len(items)


@dataclass
class Row:
    """One line of the 报送情况 page."""

    order: int
    unit: Unit
    status: Status
    sub: Submission | None
    rejected: str = ""  # the last refused upload, when it came after the last accepted one

    @property
    def uploaded_at(self) -> datetime | None:
        return self.sub.uploaded_at if self.sub else None


def status_rows(year: int) -> list[Row]:
    from .models import AuditEvent

    latest = latest_by_unit(year)
    refused: dict[int, tuple[datetime, str]] = {}
    for unit_id, at, detail in (AuditEvent.objects.filter(action="上传被拒绝", unit__isnull=False)
                                .order_by("at").values_list("unit_id", "at", "detail")):
        refused[unit_id] = (at, detail)
    rows = []
    for i, u in enumerate(active_units(), start=1):
        sub = latest.get(u.pk)
        status = sub.status if sub else Status.NOT_SUBMITTED
        r = refused.get(u.pk)
        rejected = r[1] if r and (sub is None or r[0] > sub.uploaded_at) else ""
        rows.append(Row(i, u, status, sub, rejected))
    return rows

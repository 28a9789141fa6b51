"""Helpers for the portal's tests: units with links, real workbooks to upload, uploads through the client."""

from __future__ import annotations

import io
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from unitbooks import REGION, YEAR, one_application
from workbooks import WRITTEN

from nianbao.report import Report
from nianbao.workbook.build import write_report

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def make_unit(name: str, level: str = "县级部门", order: int = 0):
    from nianbao.serve import links
    from nianbao.serve.models import Unit

    unit = Unit.objects.create(name=name, level=level, order=order)
    return unit, links.issue(unit)


def set_year(year: int = YEAR, title: str = "示例县"):
    from nianbao.serve.store import portal

    p = portal()
    p.year, p.title = year, title
    p.save()
    return p


def book_bytes(tmp: Path, name: str, numbers: dict | None = None, *, level: str = "县级部门", year: int | None = YEAR,
               raw: dict | None = None, text: dict | None = None, file: str = "年报.xlsx") -> bytes:
    """A real workbook written by the template builder: every cell 0 except ``numbers``, with the text of
    workbooks.WRITTEN unless ``text`` is given (a report without text is not finished: S12)."""
    report = Report.from_numbers(numbers if numbers is not None else one_application(), name=name, level=level,
                                 year=year, region=REGION)
    for cid, typed in (raw or {}).items():
        report.values[cid] = None
        report.raw[cid] = typed
    report.text.update(WRITTEN if text is None else text)
    path = tmp / file
    write_report(report, path)
    return path.read_bytes()


def upload(client, token: str | None, data: bytes, name: str = "年报.xlsx", htmx: bool = True):
    base = f"/u/{token}/" if token else "/"
    headers = {"HX-Request": "true"} if htmx else {}
    return client.post(base + "upload", {"file": SimpleUploadedFile(name, data, XLSX)}, headers=headers)


def sheet_rows(data: bytes, sheet: str) -> list[list]:
    import python_calamine

    book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    return book.get_sheet_by_name(sheet).to_python()

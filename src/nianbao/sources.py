"""read_report(path) -> Report, whatever kind of file holds the report.

    >>> read_report("单位.xlsx")   # doctest: +SKIP

Readers register by file suffix in READERS; a workbook reader handles the
Excel family (and explains .xls / .et files it cannot read).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from .errors import UnsupportedSource, source
from .report import Report


def _workbook(path: Path) -> Report:
    from .workbook.read import read_workbook

    return read_workbook(path)


def _published(path: Path) -> Report:
    # Imported only for these suffixes: checking an .xlsx never loads lxml, python-docx or pdfium.
    from .importers import import_report

    return import_report(path)


def _report_json(path: Path) -> Report:
    from .importers.load import read_report_json

    return read_report_json(path)


READERS: dict[str, Callable[[Path], Report]] = {
    ".xlsx": _workbook,
    ".xlsm": _workbook,
    ".xls": _workbook,  # recognised and refused with advice (LegacyXls)
    ".et": _workbook,
    # Published reports (nianbao import): a saved page, copied text, Word, PDF.
    ".html": _published,
    ".htm": _published,
    ".shtml": _published,
    ".txt": _published,
    ".docx": _published,
    ".pdf": _published,
    ".json": _report_json,  # a Report saved by `nianbao import --json` (an archive of past years)
}


def read_report(path: str | Path) -> Report:
    """Read one input into a Report; raises errors.SourceError when the file cannot be used."""
    path = Path(path)
    reader = READERS.get(path.suffix.lower())
    if reader is None:
        with source(path):
            kinds = "、".join(sorted(READERS))
            raise UnsupportedSource(f"不支持“{path.suffix or '无扩展名'}”文件；可读取的类型：{kinds}")
    return reader(path)

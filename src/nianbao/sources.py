"""read_report(path) -> Report, whatever kind of file holds the report.

    >>> read_report("单位.xlsx").meta.name
    '巫溪县峰灵镇人民政府'
    >>> read_report("峰灵镇2023年报.txt").values == read_report("单位.xlsx").values
    True

Readers register by file suffix: READERS for workbooks and a saved Report, and
the importer's loaders (importers.load.LOADERS: a saved page, copied text, Word,
PDF) for published reports — a new importer is one entry there
(docs/architecture.md, "add an importer"). A workbook reader handles the Excel
family (and explains .xls / .et files it cannot read).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TypeVar

from .errors import ReaderFailed, SourceError, UnsupportedSource, source
from .parts import ColumnMap, Parts
from .report import Report

T = TypeVar("T")


def _workbook(path: Path) -> Report:
    from .workbook.read import read_workbook

    return read_workbook(path)


def _published(path: Path, last: Report | None = None) -> Report:
    # Imported only for these suffixes: checking an .xlsx never loads lxml, python-docx or pdfium.
    from .importers import import_report

    return import_report(path, last=last)


def _report_json(path: Path) -> Report:
    from .importers.load import read_report_json

    return read_report_json(path)


# The Excel family: .xls is old binary Excel, read by calamine (what it cannot read is refused with advice);
# .et is WPS's, read where calamine can; .ods is OpenDocument (LibreOffice, WPS can save it).
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".et", ".ods")
LOCK_PREFIX = "~$"  # Excel/WPS lock file of a workbook that is open somewhere: no report
LOCK_REASON = "Excel/WPS锁定文件（工作簿正在别处打开），不是报告"

READERS: dict[str, Callable[[Path], Report]] = {
    **dict.fromkeys(WORKBOOK_SUFFIXES, _workbook),
    ".json": _report_json,  # a Report saved by `nianbao import --json` (an archive of past years)
}


def _published_suffixes() -> tuple[str, ...]:
    # Asked only for a suffix READERS lacks: checking an .xlsx never imports the importers.
    from .importers.load import LOADERS

    return tuple(LOADERS)


def reader_for(suffix: str) -> Callable[[Path], Report] | None:
    """The reader of a file with this suffix (lower case), or None."""
    return READERS.get(suffix) or (_published if suffix in _published_suffixes() else None)


def read_report(path: str | Path, last: Report | None = None) -> Report:
    """Read one input into a Report; raises errors.SourceError when the file cannot be used. ``last``
    (last year's report) helps a published report's importer read digits that ran together."""
    path = Path(path)
    if path.is_dir():
        with source(path):
            raise UnsupportedSource("这是一个文件夹，不是年报文件；汇总文件夹中的全部工作簿请用 nianbao merge 文件夹，"
                                    "逐个校验请用 nianbao check 文件夹/*.xlsx")
    reader = reader_for(path.suffix.lower())
    if reader is None:
        with source(path):
            kinds = "、".join(sorted((*READERS, *_published_suffixes())))
            raise UnsupportedSource(f"不支持“{path.suffix or '无扩展名'}”文件；可读取的类型：{kinds}")
    return _published(path, last) if reader is _published and last is not None else reader(path)


# What a fork server imports once for read_report_isolated (the readers are imported lazily): the
# workbook reader, which is what a threaded caller (the web portal) reads.
ISOLATED_PRELOAD = ("nianbao.workbook.read",)


def read_report_isolated(
    path: str | Path, timeout: float | None = None, memory: int | None = None, last: Report | None = None
) -> Report:
    """``read_report`` in a child process: what the CLI, the Excel add-in and the web portal call on a file
    they were handed.

        >>> read_report_isolated("单位.xlsx").meta.year
        2023

    Reading is bounded before parsing (sizes, a sheet's extent), so a hostile file is normally refused
    with a SourceError like any other. This guards against what is left: a native abort in a reader
    library, memory exhaustion, a file that reads for ever. Such a file raises ReaderFailed, naming the
    file and what happened, and the caller carries on. In a process running threads (a web server) the
    child comes from a fork server instead of a fork. Where workers cannot be forked (Windows) it
    reads in this process. ``timeout`` (seconds) and ``memory`` (bytes the reader may add) default to
    isolate.TIMEOUT and isolate.MEMORY.
    """
    path = Path(path)
    return _isolated(partial(read_report, last=last) if last is not None else read_report, path, timeout, memory)


def read_parts(path: str | Path, columns: ColumnMap | None = None, last: Report | None = None) -> Parts:
    """The units ``path`` holds (raises errors.SourceError when the file cannot be used at all).

    A workbook is one unit, several (sub-unit sheets; a flat table) or a merge's 汇总; a .csv is a flat
    table; any other report file is one unit. ``columns`` overrides how a flat table's headers are matched
    (``--columns``; flat.read_column_map); ``last`` (last year's report) helps a published report's importer.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        from .workbook.flat import read_flat_csv

        return read_flat_csv(path, columns)
    if suffix in WORKBOOK_SUFFIXES:
        from .workbook.units import read_book

        return read_book(path, columns)
    return Parts.one(read_report(path, last))


def read_parts_isolated(
    path: str | Path, timeout: float | None = None, memory: int | None = None, last: Report | None = None,
    columns: ColumnMap | None = None,
) -> Parts:
    """The units of one file (``read_parts``: sub-unit sheets, a flat table's rows, or the file as one), read
    in a child process as ``read_report_isolated`` reads a report. ``last`` helps a published report's importer."""
    return _isolated(partial(read_parts, columns=columns, last=last), Path(path), timeout, memory,
                     ISOLATED_PRELOAD + ("nianbao.workbook.units", "nianbao.workbook.flat"))


def _isolated(read: Callable[[Path], T], path: Path, timeout: float | None, memory: int | None,
              preload: tuple[str, ...] = ISOLATED_PRELOAD) -> T:
    from .isolate import MEMORY, TIMEOUT, Died, Raised, call_isolated, can_isolate

    if not can_isolate():
        return read(path)
    result = call_isolated(read, path, timeout=timeout or TIMEOUT, memory=memory or MEMORY, preload=preload)
    with source(path):
        if isinstance(result, Died):
            raise ReaderFailed(f"{result.reason}；文件可能已损坏或含有超出合理范围的内容，请在Excel中打开检查后另存再试")
        if isinstance(result, Raised):
            if isinstance(result.error, SourceError):
                raise result.error
            if isinstance(result.error, KeyboardInterrupt):
                raise result.error
            raise ReaderFailed(f"读取时出现意外错误（{type(result.error).__name__}: {result.error}）")
    return result

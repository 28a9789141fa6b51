"""What an Office file holds, judged by its bytes — shared by the workbook reader and the Word importer.

An OOXML file (.xlsx, .docx) and an OpenDocument file (.ods) are zip packages;
an old binary file (.xls, .doc, .et, .wps) and a password-protected OOXML file
are OLE compound files.

A package is bounded before any parser sees it: its central directory states
each part's uncompressed size, and the zip readers (Python's and calamine's)
stop at that size, so checking the declared sizes bounds what parsing can
allocate. A report workbook is tens of KB; a county's merge workbook of
10,000 units about 60 MB.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from .errors import SourceError, TooLarge

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

MAX_PART_BYTES = 128 << 20
MAX_PACKAGE_BYTES = 256 << 20
MAX_PARTS = 5_000


def megabytes(n: int) -> str:
    return f"{n / (1 << 20):,.0f} MB" if n >= 1 << 20 else f"{n / 1024:,.0f} KB"


def open_package(path: Path, corrupt: SourceError) -> zipfile.ZipFile:
    """The zip package at ``path``, open, once its declared sizes are known to be those of a report.

    Raises ``corrupt`` when it is damaged or was cut short, TooLarge when the parts it declares are beyond
    any report (a zip bomb, or not a report). The caller closes it."""
    try:
        z = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError) as e:  # ValueError: a negative or absurd offset
        raise corrupt from e
    try:
        _check_sizes(z.infolist())
    except TooLarge:
        z.close()
        raise
    return z


def package_parts(path: Path, corrupt: SourceError) -> set[str]:
    """The part names of a zip package, bounded as ``open_package``."""
    with open_package(path, corrupt) as z:
        return set(z.namelist())


def _check_sizes(infos: list[zipfile.ZipInfo]) -> None:
    if len(infos) > MAX_PARTS:
        raise TooLarge(f"压缩包内有{len(infos):,}个部件，远超任何年报文件（上限{MAX_PARTS:,}个）；可能已损坏或不是年报，未读取")
    biggest = max(infos, key=lambda i: i.file_size, default=None)
    total = sum(i.file_size for i in infos)
    if biggest is not None and biggest.file_size > MAX_PART_BYTES:
        raise TooLarge(
            f"文件中的部件「{biggest.filename}」解压后有{megabytes(biggest.file_size)}，"
            f"超出年报文件的合理大小（每个部件上限{megabytes(MAX_PART_BYTES)}）；可能已损坏或是恶意构造的文件，未读取"
        )
    if total > MAX_PACKAGE_BYTES:
        raise TooLarge(
            f"文件解压后共有{megabytes(total)}，超出年报文件的合理大小（上限{megabytes(MAX_PACKAGE_BYTES)}）；"
            "可能已损坏或是恶意构造的文件，未读取"
        )

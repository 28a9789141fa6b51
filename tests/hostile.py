"""Hostile workbooks for the reliability tests: the real template, with one part of its zip changed.

    far = patch_sheet(workbook(tmp / "a.xlsx"), "表三", add_cells('<c r="XFD1048576"><v>1</v></c>'))

Everything is generated small at test time (a whitespace bomb is a few hundred KB that declares more
than the reader allows); no bomb is checked in.
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from pathlib import Path

from nianbao.workbook.read import _sheet_part

Change = Callable[[bytes], "bytes | None"]  # None drops the part


def patch_part(path: Path, part: str, change: Change, out: Path | None = None) -> Path:
    """Rewrite ``part`` of the package at ``path`` (in place, or into ``out``)."""
    out = out or path
    with zipfile.ZipFile(path) as src:
        entries = [(i, src.read(i.filename)) for i in src.infolist()]
    tmp = out.with_name(out.name + ".tmp")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as dst:
        for info, data in entries:
            if info.filename == part:
                data = change(data)
                if data is None:
                    continue
            dst.writestr(info.filename, data)
    tmp.replace(out)
    return out


def sheet_part(path: Path, sheet: str) -> str:
    with zipfile.ZipFile(path) as z:
        return _sheet_part(z, sheet)


def patch_sheet(path: Path, sheet: str, change: Change, out: Path | None = None) -> Path:
    return patch_part(path, sheet_part(path, sheet), change, out)


def add_cells(xml: str, row: str | None = None) -> Change:
    """Append a row holding ``xml`` (cells) at the end of the sheet's data."""
    def change(data: bytes) -> bytes:
        r = f' r="{row}"' if row else ""
        return data.replace(b"</sheetData>", f"<row{r}>{xml}</row></sheetData>".encode())
    return change


def replace_cell(ref: str, xml: str) -> Change:
    """Replace the cell ``ref`` (as the template writes it) by ``xml``."""
    import re

    def change(data: bytes) -> bytes:
        new, n = re.subn(rb'<c r="%s"[^>]*?(?:/>|>.*?</c>)' % ref.encode(), xml.encode(), data, count=1)
        assert n == 1, ref
        return new
    return change


def whitespace_bomb(path: Path, sheet: str, megabytes: int) -> Path:
    """The sheet's XML padded with ``megabytes`` MB of spaces: a small file declaring a huge part."""
    part = sheet_part(path, sheet)
    with zipfile.ZipFile(path) as src:
        entries = [(i.filename, src.read(i.filename)) for i in src.infolist()]
    tmp = path.with_name(path.name + ".tmp")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as dst:
        for name, data in entries:
            if name != part:
                dst.writestr(name, data)
                continue
            head, tail = data.split(b"<sheetData>", 1)
            with dst.open(name, "w", force_zip64=True) as w:
                w.write(head + b"<sheetData>")
                chunk = b" " * (1 << 20)
                for _ in range(megabytes):
                    w.write(chunk)
                w.write(tail)
    tmp.replace(path)
    return path

"""Where an output may go: never over a file the job reads, with the suffix of its kind, into a folder when given one.

    >>> Path("发布").mkdir()
    >>> target("发布/", DOCX, [Source("单位.xlsx", "原文件")], name="单位.docx")
    PosixPath('发布/单位.docx')
    >>> target("单位.xlsx", WORKBOOK, [Source("单位.xlsx", "原文件")])
    Traceback (most recent call last):
    nianbao.errors.OutputError: 单位.xlsx：输出文件不能覆盖原文件（单位.xlsx）：原文件不会被改动，请换一个输出文件名

Every command that writes asks here, with every input it reads (the report, last
year's report, the roster, the inbox), so ``export x.xlsx --html x.xlsx`` or
``merge -o 名单.xlsx --roster 名单.xlsx`` is refused before anything is read or
written. A path that is an existing folder gets the command's usual file name
inside it; a suffix that does not match the kind (``--pdf 年报.docx``) is
refused, since the file would not open in the program its name promises.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from .errors import OutputError
from .safetext import visible


@dataclass(frozen=True)
class Kind:
    label: str  # what the file is, in the message: "Word文档"
    suffixes: tuple[str, ...]


WORKBOOK = Kind("Excel工作簿", (".xlsx",))
DOCX = Kind("Word文档", (".docx",))
HTML = Kind("网页", (".html", ".htm"))
PDF = Kind("PDF文件", (".pdf",))
JSON = Kind("JSON文件", (".json",))


def workbook_like(path: str | Path) -> Kind:
    """A workbook written from the one at ``path`` keeps its type: VBA saved under .xlsx would not open in Excel."""
    suffix = Path(path).suffix.lower()
    return Kind(f"Excel工作簿（与原文件一样为{suffix}）", (suffix,)) if suffix == ".xlsm" else WORKBOOK


@dataclass(frozen=True)
class Source:
    """A file or folder the job reads; ``replaceable`` says which files inside a folder may be written over
    (a merge's inbox holds its earlier output, which the merge skips)."""

    path: str | Path
    label: str  # "原文件", "应报送单位名单", …
    replaceable: Callable[[Path], bool] | None = None


def same_file(a: str | Path, b: str | Path) -> bool:
    """The same file on disk: also through links, ``..`` and, where the file system ignores it, letter case."""
    try:
        return os.path.samefile(a, b)
    except OSError:  # one of them does not exist (or cannot be examined): compare the resolved names
        return Path(a).resolve() == Path(b).resolve()


def target(path: str | Path, kind: Kind, inputs: Iterable[Source] = (), *, name: str | None = None) -> Path:
    """The file to write for ``path`` (``path/name`` when ``path`` is a folder), or OutputError saying why not."""
    path = Path(path)
    if path.is_dir():
        if name is None:
            raise OutputError(f"这是一个文件夹；请写出{kind.label}的文件名（以{'或'.join(kind.suffixes)}结尾）", path)
        path = path / name
    if path.suffix.lower() not in kind.suffixes:
        shown = f"“{path.suffix}”" if path.suffix else "没有扩展名"
        raise OutputError(f"{kind.label}的文件名应以{'或'.join(kind.suffixes)}结尾（现为{shown}），否则打开时会出错；请改正文件名", path)
    if path.exists():
        for source in inputs:
            if _overwrites(path, source):
                inside = "中的文件" if Path(source.path).is_dir() else ""
                raise OutputError(f"输出文件不能覆盖{source.label}（{visible(str(source.path))}）{inside}：原文件不会被改动，请换一个输出文件名", path)
    return path


def _overwrites(path: Path, source: Source) -> bool:
    folder = Path(source.path)
    if not folder.is_dir():
        return same_file(path, folder)
    inside = folder.resolve() in path.resolve().parents
    return inside and not (source.replaceable is not None and source.replaceable(path))

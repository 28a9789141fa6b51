"""Which files a merge reads: folders searched recursively, lock files and the output skipped.

    >>> inputs, skipped = discover([Path("收件箱")], output=Path("收件箱/汇总.xlsx"))
    >>> [i.relative for i in inputs], skipped
    (['峰灵镇.xlsx', '市场监管局.xlsx'], [])

A folder is searched for the Excel family (.xlsx .xlsm, and .xls/.et so that
an old-format file becomes a row saying how to fix it, not silence) and CSV
files (a flat table of one row per unit; one that holds no report data is
listed as passed over, as is the roster or column map given); every
other file in it is listed as passed over, with why (a unit that sent a PDF
or a zip must not look like one that sent nothing). Files named on the
command line are taken whatever their suffix: the reader says what it cannot
read.

The inbox is untrusted: links are not followed out of the folder given (each
is listed with where it points), a link loop is listed, not a crash, and a
name that is not UTF-8 (a zip made on Chinese Windows, unpacked on Linux) is
shown escaped.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from ..errors import FileMissing, shown_name
from ..sources import LOCK_PREFIX, LOCK_REASON, WORKBOOK_SUFFIXES

# Read from a folder: the Excel family, and CSV files (a flat table of one row per unit; parts.py).
INPUT_SUFFIXES = (*WORKBOOK_SUFFIXES, ".csv")
# Why a file of another kind in the inbox was not read (the rest: NOT_A_WORKBOOK).
OTHER_KINDS = {
    ".xlsb": "Excel二进制工作簿（.xlsb）无法读取；请在Excel中另存为“Excel工作簿（*.xlsx）”",
    ".zip": "压缩包：请解压后再汇总",
    ".rar": "压缩包：请解压后再汇总",
    ".7z": "压缩包：请解压后再汇总",
    ".pdf": "已发布的年报（PDF），汇总只读取单位填报的工作簿；可用 nianbao check 单独校验",
    ".docx": "已发布的年报（Word），汇总只读取单位填报的工作簿；可用 nianbao check 单独校验",
    ".doc": "旧版Word文件，汇总只读取单位填报的工作簿",
    ".html": "已发布的年报（网页），汇总只读取单位填报的工作簿；可用 nianbao check 单独校验",
    ".htm": "已发布的年报（网页），汇总只读取单位填报的工作簿；可用 nianbao check 单独校验",
}
NOT_A_WORKBOOK = "不是年报工作簿，未读取"


@dataclass(frozen=True)
class Input:
    path: Path  # absolute
    relative: str  # as shown to people: relative to the folder given, or the name given

    def __lt__(self, other: Input) -> bool:
        return (self.relative, str(self.path)) < (other.relative, str(other.path))


@dataclass(frozen=True)
class Skipped:
    relative: str
    reason: str


def _skip_reason(path: Path, resolved: Path, output: Path | None, skip: Mapping[Path, str]) -> str | None:
    name = path.name
    if name.startswith(LOCK_PREFIX):
        return LOCK_REASON
    if name.startswith("."):
        # Hidden files include the temporary file of an interrupted save (atomic.py writes ".nianbao-*").
        return "隐藏文件或未完成保存的临时文件"
    if output is not None and resolved == output:
        return "本次汇总的输出文件"
    return skip.get(resolved)


def _inside(target: Path, folder: Path) -> bool:
    return target == folder or folder in target.parents


def _link_reason(path: Path, folder: Path) -> str | None:
    """Why a symbolic link is not followed, or None for a link to a file inside the folder."""
    try:
        target = path.resolve(strict=True)
    except (OSError, RuntimeError):  # RuntimeError: a link loop (Python < 3.13)
        return "链接无法打开（循环链接或目标不存在），未读取"
    if not _inside(target, folder):
        return f"链接指向输入文件夹以外（{shown_name(str(target))}），未读取"
    if target.is_dir():
        return "文件夹链接，未跟随（其内容在原位置读取）"
    return None


def discover(
    paths: Iterable[str | Path], output: str | Path | None = None, skip: Mapping[str | Path, str] | None = None
) -> tuple[list[Input], list[Skipped]]:
    """Every input file under ``paths`` (sorted, each once) and what was passed over, with why.

    ``skip`` names files the caller knows are not reports, each with the reason
    to list (the Excel button's own 汇总设置 workbook inside the folder it merges).

    Raises FileMissing for a path that does not exist: a mistyped folder must not
    look like a county where nobody reported.
    """
    out = Path(output).resolve() if output is not None else None
    passed_over = {Path(p).resolve(): reason for p, reason in (skip or {}).items()}
    found: dict[Path, Input] = {}
    skipped: list[Skipped] = []
    given_paths = [Path(p) for p in paths]
    # With several folders, "甲.xlsx" may sit in two of them: name each by its folder too.
    several = sum(1 for p in given_paths if p.is_dir()) > 1 or (len(given_paths) > 1 and any(p.is_dir() for p in given_paths))
    shown: set[str] = set()
    for given in given_paths:
        if not given.exists():
            raise FileMissing("文件或文件夹不存在，请检查路径", shown_name(str(given)))
        candidates: list[tuple[Path, str, Path | None]]  # (path, as shown, its real path when found by walking)
        if given.is_file():
            candidates = [(given, shown_name(given.name), None)]
        else:
            candidates = []
            folder = given.resolve()
            prefix = f"{shown_name(folder.name)}/" if several else ""
            for root, dirs, files in os.walk(given):
                here = Path(root)
                for d in sorted(dirs):
                    rel = prefix + shown_name((here / d).relative_to(given).as_posix())
                    if d.startswith("."):
                        skipped.append(Skipped(rel + "/", "隐藏文件夹，未读取"))
                    elif (here / d).is_symlink():  # os.walk does not follow it; say so
                        skipped.append(Skipped(rel + "/", _link_reason(here / d, folder) or "文件夹链接，未跟随"))
                dirs[:] = sorted(d for d in dirs if not d.startswith(".") and not (here / d).is_symlink())
                below = folder / here.relative_to(given)  # os.walk follows no link: the real folder
                for name in sorted(files):
                    p = here / name
                    rel = prefix + shown_name(p.relative_to(given).as_posix())
                    link = p.is_symlink()
                    why = _link_reason(p, folder) if link else None
                    suffix = Path(name).suffix.lower()
                    if why is None and suffix not in INPUT_SUFFIXES and not name.startswith((".", LOCK_PREFIX)):
                        why = OTHER_KINDS.get(suffix, NOT_A_WORKBOOK)
                    if why:
                        skipped.append(Skipped(rel, why))
                    else:
                        candidates.append((p, rel, None if link else below / name))
        candidates.sort(key=lambda c: c[2] is None)  # a file itself before a link to it
        for p, relative, real in candidates:
            resolved = real or p.resolve()
            reason = _skip_reason(p, resolved, out, passed_over)
            if reason:
                skipped.append(Skipped(relative, reason))
                continue
            if resolved in found:
                skipped.append(Skipped(relative, f"与「{found[resolved].relative}」是同一个文件（链接或重复给出），只读取一次"))
                continue
            if relative in shown:  # two different files shown alike: the full path tells them apart
                relative = shown_name(resolved.as_posix())
            shown.add(relative)
            found[resolved] = Input(resolved, relative)
    return sorted(found.values()), sorted(skipped, key=lambda s: s.relative)

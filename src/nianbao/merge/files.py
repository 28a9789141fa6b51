"""Which files a merge reads: folders searched recursively, lock files and the output skipped.

    >>> inputs = discover([Path("收件箱")], output=Path("收件箱/汇总.xlsx"))   # doctest: +SKIP
    >>> inputs[0].relative                                                     # doctest: +SKIP
    '乡镇/峰灵镇.xlsx'

A folder is searched for the Excel family only (.xlsx .xlsm, and .xls/.et so
that an old-format file becomes a row saying how to fix it, not silence).
Files named on the command line are taken whatever their suffix: the reader
says what it cannot read.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from ..errors import FileMissing

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".et")
LOCK_PREFIX = "~$"  # Excel/WPS lock file of a workbook that is open somewhere


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


def _skip_reason(path: Path, output: Path | None, skip: Mapping[Path, str]) -> str | None:
    name = path.name
    if name.startswith(LOCK_PREFIX):
        return "Excel/WPS锁定文件（工作簿正在别处打开），不是报告"
    if name.startswith("."):
        # Hidden files include the temporary file of an interrupted save (atomic.py writes ".nianbao-*").
        return "隐藏文件或未完成保存的临时文件"
    if output is not None and path.resolve() == output:
        return "本次汇总的输出文件"
    return skip.get(path.resolve())


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
            raise FileMissing("文件或文件夹不存在，请检查路径", given)
        if given.is_file():
            candidates = [(given, given.name)]
        else:
            candidates = []
            for root, dirs, files in os.walk(given):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(files):
                    if Path(name).suffix.lower() in WORKBOOK_SUFFIXES:
                        p = Path(root) / name
                        rel = p.relative_to(given).as_posix()
                        candidates.append((p, f"{given.resolve().name}/{rel}" if several else rel))
        for p, relative in candidates:
            reason = _skip_reason(p, out, passed_over)
            if reason:
                skipped.append(Skipped(relative, reason))
                continue
            resolved = p.resolve()
            if resolved in found:
                continue
            if relative in shown:  # two different files shown alike: the full path tells them apart
                relative = resolved.as_posix()
            shown.add(relative)
            found[resolved] = Input(resolved, relative)
    return sorted(found.values()), sorted(skipped, key=lambda s: s.relative)

"""Write outputs all-or-nothing: a temp file beside the target, renamed into place at the end.

An interrupted run (Ctrl-C, a crash, a full disk) leaves the previous file, or
none, never half a workbook.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .errors import OutputError


@contextmanager
def atomic_path(path: str | Path) -> Iterator[Path]:
    """Yield a temporary path; on success it replaces ``path``."""
    target = Path(path)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".nianbao-", suffix=target.suffix, dir=target.parent)
    except OSError as e:
        raise OutputError(f"无法在“{target.parent}”写入文件：{e.strerror}", target) from e
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        try:
            os.replace(tmp_path, target)
        except PermissionError as e:
            # On Windows a file open in Word, Excel or a browser cannot be replaced.
            raise OutputError(f"无法覆盖这个文件（{e.strerror}）；如果它正在Word、浏览器等程序中打开，请先关闭后再试", target) from e
    except BaseException:
        tmp_path.unlink(missing_ok=True)
        raise


def save_workbook(workbook, path: str | Path) -> Path:
    """Save an openpyxl workbook atomically."""
    with atomic_path(path) as tmp:
        workbook.save(tmp)
    return Path(path)


def write_text(path: str | Path, text: str) -> Path:
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return Path(path)

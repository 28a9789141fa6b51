"""Write outputs all-or-nothing: a temp file beside the target, renamed into place at the end.

An interrupted run (Ctrl-C, a crash, a full disk) leaves the previous file, or
none, never half a workbook. The file gets the permissions a file saved by any
other program would get (0666 less the umask: readable by the shared folder or
the web server that publishes it), and a file replaced keeps its own.
"""

from __future__ import annotations

import errno
import os
import re
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .errors import OutputError, os_reason


def _umask() -> int:
    # Read once, while the process is still single-threaded: os.umask can only be read by setting it.
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


UMASK = _umask()


def _mode(target: Path) -> int:
    """The mode ``target`` should have: its own when it exists, else what a newly created file gets."""
    try:
        return stat.S_IMODE(target.stat().st_mode)
    except OSError:
        return 0o666 & ~UMASK


def io_failure(error: BaseException) -> OSError | None:
    """The OSError behind a writer's failure, if that is what it was: openpyxl's XML writer (lxml) says
    "IO_EFBIG" in a SerialisationError, XlsxWriter wraps the OSError in a FileCreateError."""
    seen: BaseException | None = error
    while seen is not None:
        if isinstance(seen, OSError):
            return seen
        code = re.search(r"\bIO_(E[A-Z]+)\b", str(seen)) if type(seen).__name__ == "SerialisationError" else None
        if code and isinstance(getattr(errno, code.group(1), None), int):
            number = getattr(errno, code.group(1))
            return OSError(number, os.strerror(number))
        seen = seen.__cause__ or seen.__context__
    return None


@contextmanager
def atomic_path(path: str | Path) -> Iterator[Path]:
    """Yield a temporary path; on success it replaces ``path``. An OSError while writing becomes an OutputError."""
    target = Path(path)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".nianbao-", suffix=target.suffix, dir=target.parent)
    except OSError as e:
        raise OutputError(f"无法在“{target.parent}”写入文件（{os_reason(e)}）", target) from e
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        try:
            yield tmp_path
            os.chmod(tmp_path, _mode(target))
        except Exception as e:
            failure = io_failure(e)
            if failure is None:
                raise
            raise OutputError(f"文件没有写成（{os_reason(failure)}）；原有的文件（如有）保持不变", target) from e
        try:
            os.replace(tmp_path, target)
        except PermissionError as e:
            # On Windows a file open in Word, Excel or a browser cannot be replaced.
            raise OutputError(f"无法覆盖这个文件（{e.strerror}）；如果它正在Word、浏览器等程序中打开，请先关闭后再试", target) from e
        except OSError as e:
            raise OutputError(f"文件没有写成（{os_reason(e)}）；原有的文件（如有）保持不变", target) from e
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

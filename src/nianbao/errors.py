"""Exceptions: a file that cannot be used at all. Bad *data* is never raised; it becomes Findings.

    NianbaoError                  anything nianbao refuses to do, with a Chinese message
    ├── SourceError               an input file that cannot be read as a report
    │   ├── FileMissing           no such file
    │   ├── EmptyFile             0 bytes (often a copy that was interrupted)
    │   ├── NotAWorkbook          not an .xlsx at all (a .docx, a picture, a renamed file…)
    │   ├── LegacyXls             an old binary .xls / .et file: save it as .xlsx
    │   ├── EncryptedWorkbook     protected with an opening password
    │   ├── CorruptWorkbook       a damaged or half-written .xlsx (or one damaged part of it)
    │   ├── TooLarge              far larger than any report (declared sizes, a cell at XFD1048576…): refused before parsing
    │   ├── ReaderFailed          the reader died or was stopped on this file (native abort, out of memory, time limit)
    │   ├── UnsupportedSource     a file type nianbao does not read
    │   ├── NotADocument          a published-report file that is not what its name says (.docx that is not Word…)
    │   ├── CorruptDocument       a damaged or password-protected Word / PDF file
    │   ├── NoTextLayer           a PDF with no text layer (a scan): nothing to read without OCR
    │   └── NotAReport            readable text, but no annual report in it (no title, headings or tables)
    └── OutputError               an output that cannot be written where asked

``source(path)`` stamps the file onto any SourceError raised inside it, so the
message always names the file.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .safetext import visible


def shown_name(name: str | Path) -> str:
    """A file name as people and workbooks can show it: bytes that are not UTF-8 (a name from a zip
    made on Chinese Windows, unpacked on Linux) escaped as \\xd2\\xd7, never passed on raw."""
    return os.fsencode(str(name)).decode("utf-8", "backslashreplace")


class NianbaoError(Exception):
    """Base class; ``str(e)`` is a complete Chinese sentence for the user."""

    def __init__(self, message: str, path: str | Path | None = None):
        super().__init__(message)
        self.message = message
        self.path = shown_name(path) if path is not None else None

    def __str__(self) -> str:
        # A file name is the user's: its control characters are shown, not obeyed (safetext.visible).
        return f"{visible(self.path)}：{self.message}" if self.path else self.message


class SourceError(NianbaoError):
    """An input file that cannot be read as a report."""


class FileMissing(SourceError):
    """The path does not exist."""


class EmptyFile(SourceError):
    """The file has 0 bytes."""


class NotAWorkbook(SourceError):
    """The file is not an Excel .xlsx workbook."""


class LegacyXls(SourceError):
    """An old binary Excel (.xls) or WPS (.et) file."""


class EncryptedWorkbook(SourceError):
    """The workbook is protected with an opening password."""


class CorruptWorkbook(SourceError):
    """The .xlsx is damaged or was not written completely."""


class TooLarge(SourceError):
    """The file, a part inside it, or a sheet's extent is far beyond any annual report.

    Refused before the parser sees it: a 20 KB zip can declare gigabytes, and
    one cell at XFD1048576 makes a dense reader allocate hundreds of GB."""


class ReaderFailed(SourceError):
    """Reading this file crashed or was stopped (native abort, out of memory, killed, time limit).

    Raised by the isolated readers (``sources.read_report_isolated``, the merge
    pool), which read in a child process so that such a file is one message,
    never the end of the command."""


class UnsupportedSource(SourceError):
    """nianbao does not read this kind of file."""


class NotADocument(SourceError):
    """A published-report file that is not what its suffix says."""


class CorruptDocument(SourceError):
    """A damaged, half-written or password-protected Word or PDF file."""


class NoTextLayer(SourceError):
    """A PDF whose pages carry no text (a scan or pictures)."""


class NotAReport(SourceError):
    """Text that holds no annual report: no title, no section heading, no statutory table."""


class NoReportData(NotAReport):
    """A table none of whose column headers names a statutory cell (a contact list, a roster): no unit's data."""


class OutputError(NianbaoError):
    """An output file cannot be written where asked."""


@contextmanager
def source(path: str | Path) -> Iterator[None]:
    """Attach ``path`` to any SourceError raised inside the block."""
    try:
        yield
    except SourceError as e:
        if e.path is None:
            e.path = shown_name(path)
        raise


_OS_REASONS = {
    errno.ENOSPC: "磁盘空间已满",
    getattr(errno, "EDQUOT", errno.ENOSPC): "磁盘空间已满（超出配额）",
    errno.EFBIG: "文件超过了系统允许的大小（或磁盘空间已满）",
    errno.EACCES: "没有权限",
    errno.EPERM: "没有权限",
    errno.EROFS: "磁盘或文件夹是只读的",
    errno.EISDIR: "这是一个文件夹",
    errno.ENOTDIR: "路径中有一段不是文件夹",
    errno.ENOENT: "文件夹不存在",
    errno.ENAMETOOLONG: "文件名太长",
    errno.EIO: "读写磁盘时出错",
}


def os_reason(error: OSError) -> str:
    """Why the system refused, in Chinese: "磁盘空间已满" for ENOSPC."""
    return _OS_REASONS.get(error.errno, error.strerror or type(error).__name__)


def save_traceback(error: BaseException, name: str) -> str | None:
    """Keep the details of an unexpected error in a new log file in the temp folder ("nianbao-error.log" →
    nianbao-error-k3j9x.log); its path, or None if it cannot be written.

    A new file each time (created exclusively): a shared temp folder on a server may hold a link planted under a
    fixed name, and two runs that fail at once keep both their details.
    """
    import tempfile
    import traceback

    stem, dot, suffix = name.rpartition(".")
    try:
        fd, log = tempfile.mkstemp(prefix=f"{stem or suffix}-", suffix=f"{dot}{suffix}" if stem else "")
        with open(fd, "w", encoding="utf-8") as out:
            out.write("".join(traceback.format_exception(error)))
    except OSError:
        return None
    return log

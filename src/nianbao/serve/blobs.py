"""Every uploaded byte, content-addressed and write-once: DATA_DIR/blobs/ab/abcdef….

    >>> store = MemoryBlobStore()
    >>> staged = store.stage([b"PK\\x03\\x04"])
    >>> sha = store.commit(staged)
    >>> store.read(sha)
    b'PK\\x03\\x04'

The order of writes (DESIGN §5): the upload goes to a temp file, is fsynced
and checked; only an accepted file is renamed into ``blobs/`` (same bytes,
same name, so a retry is harmless) and its directory fsynced; only then does
the caller commit the database row, and only then answer. A crash in
between leaves an orphan blob or a stray temp file, never a row without its
bytes. A file name a user typed is never part of any path here.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

SHA256_LENGTH = 64


@dataclass
class Staged:
    """An upload on disk, fsynced, not yet in the store."""

    path: Path  # a temp file with a fixed suffix: the user's file name is not used
    sha256: str
    size: int


def _valid(sha: str) -> str:
    if len(sha) != SHA256_LENGTH or any(c not in "0123456789abcdef" for c in sha):
        raise ValueError(f"not a SHA-256: {sha!r}")
    return sha


def _fsync_dir(path: Path) -> None:
    if os.name == "nt":  # Windows cannot open a directory; NTFS journals the rename itself
        return
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_temp(chunks: Iterable[bytes], folder: str | Path | None) -> Staged:
    fd, name = tempfile.mkstemp(prefix=".upload-", suffix=".xlsx", dir=folder)
    digest, size = hashlib.sha256(), 0
    try:
        with os.fdopen(fd, "wb") as f:
            for chunk in chunks:
                digest.update(chunk)
                size += len(chunk)
                f.write(chunk)
            f.flush()
            os.fsync(f.fileno())
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise
    return Staged(Path(name), digest.hexdigest(), size)


@contextmanager
def _blob_file(store, sha: str) -> Iterator[Path]:
    """A private copy of the blob named ….xlsx, for the library's readers and writers (they go by suffix)."""
    folder = Path(tempfile.mkdtemp(prefix="nianbao-blob-"))
    try:
        p = folder / "workbook.xlsx"
        p.write_bytes(store.read(sha))
        yield p
    finally:
        shutil.rmtree(folder, ignore_errors=True)


class BlobStore:
    """Blobs as files under ``root/blobs``; staging under ``root/tmp`` (same disk, so rename is atomic)."""

    def __init__(self, root: str | Path):
        self.root = Path(root)
        self.blobs = self.root / "blobs"
        self.tmp = self.root / "tmp"
        self.blobs.mkdir(parents=True, exist_ok=True)
        self.tmp.mkdir(parents=True, exist_ok=True)

    def stage(self, chunks: Iterable[bytes]) -> Staged:
        return _write_temp(chunks, self.tmp)

    def blob_path(self, sha: str) -> Path:
        sha = _valid(sha)
        return self.blobs / sha[:2] / sha

    def commit(self, staged: Staged) -> str:
        """Move a staged file into the store; returns its SHA-256. Durable when this returns."""
        target = self.blob_path(staged.sha256)
        target.parent.mkdir(exist_ok=True)
        if target.exists():
            staged.path.unlink(missing_ok=True)  # the same bytes are already there
        else:
            os.replace(staged.path, target)
            _fsync_dir(target.parent)
        _fsync_dir(self.blobs)
        return staged.sha256

    def discard(self, staged: Staged) -> None:
        staged.path.unlink(missing_ok=True)

    def exists(self, sha: str) -> bool:
        return self.blob_path(sha).is_file()

    def read(self, sha: str) -> bytes:
        return self.blob_path(sha).read_bytes()

    path = _blob_file

    def clean_tmp(self) -> int:
        """Remove temp files a crash left behind (at start-up, before serving); returns how many."""
        n = 0
        for p in self.tmp.glob(".upload-*"):
            p.unlink(missing_ok=True)
            n += 1
        return n


class MemoryBlobStore:
    """The same interface in memory, for ``nianbao serve --local``: nothing outlives the process."""

    def __init__(self) -> None:
        self._data: dict[str, bytes] = {}
        self._lock = threading.Lock()

    def stage(self, chunks: Iterable[bytes]) -> Staged:
        return _write_temp(chunks, None)

    def commit(self, staged: Staged) -> str:
        data = staged.path.read_bytes()
        staged.path.unlink(missing_ok=True)
        with self._lock:
            self._data[staged.sha256] = data
        return staged.sha256

    def discard(self, staged: Staged) -> None:
        staged.path.unlink(missing_ok=True)

    def exists(self, sha: str) -> bool:
        return sha in self._data

    def read(self, sha: str) -> bytes:
        return self._data[_valid(sha)]

    path = _blob_file

    def clean_tmp(self) -> int:
        return 0

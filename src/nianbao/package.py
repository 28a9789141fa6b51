"""What an Office file holds, judged by its bytes — shared by the workbook reader and the Word importer.

An OOXML file (.xlsx, .docx) is a zip package; an old binary file (.xls, .doc, .et, .wps) and a
password-protected OOXML file are OLE compound files.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from .errors import SourceError

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def package_parts(path: Path, corrupt: SourceError) -> set[str]:
    """The part names of a zip package; ``corrupt`` is raised when it is damaged or was cut short."""
    try:
        with zipfile.ZipFile(path) as z:
            return set(z.namelist())
    except (zipfile.BadZipFile, OSError) as e:
        raise corrupt from e

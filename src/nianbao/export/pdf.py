"""DOCX → PDF with LibreOffice headless, when it is installed.

    >>> docx_to_pdf("年报.docx", "年报.pdf")   # doctest: +SKIP
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from ..atomic import atomic_path
from ..errors import NianbaoError

TIMEOUT = 300  # seconds; a first start of LibreOffice builds its profile, which is slow on a busy machine


class ToolMissing(NianbaoError):
    """A program nianbao drives (LibreOffice) is not installed."""


class ConversionFailed(NianbaoError):
    """LibreOffice ran but did not produce the PDF."""


def soffice() -> str:
    path = shutil.which("soffice") or shutil.which("libreoffice")
    if path is None:
        raise ToolMissing(
            "生成PDF需要LibreOffice，本机未安装。请安装LibreOffice（Debian/Ubuntu：apt-get install libreoffice-writer；"
            "Windows/macOS：从官网安装）后重试，或用Word、WPS打开导出的.docx文件另存为PDF"
        )
    return path


def docx_to_pdf(docx: str | Path, pdf: str | Path) -> Path:
    """Convert with a private LibreOffice profile (so a running LibreOffice or a parallel run does not block it)."""
    docx, pdf = Path(docx), Path(pdf)
    program = soffice()
    with tempfile.TemporaryDirectory(prefix="nianbao-lo-") as tmp:
        tmp_path = Path(tmp)
        try:
            done = subprocess.run(
                [program, f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless", "--norestore",
                 "--convert-to", "pdf", "--outdir", str(tmp_path / "out"), str(docx)],
                capture_output=True, text=True, timeout=TIMEOUT, check=False,
            )
        except subprocess.TimeoutExpired as e:
            raise ConversionFailed(f"LibreOffice转换PDF超过{TIMEOUT}秒未完成", docx) from e
        produced = tmp_path / "out" / (docx.stem + ".pdf")
        if done.returncode != 0 or not produced.exists():
            detail = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["无输出"]
            raise ConversionFailed(f"LibreOffice未能生成PDF（{detail[0]}）", docx)
        with atomic_path(pdf) as target:
            shutil.copyfile(produced, target)
    return pdf

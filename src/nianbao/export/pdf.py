"""DOCX → PDF with LibreOffice headless, when it is installed.

    >>> from nianbao.export.docx import write_docx
    >>> docx_to_pdf(write_docx(report, "年报.docx"), "年报.pdf").read_bytes()[:5]
    b'%PDF-'
    >>> all(w.startswith("本机没有公文字体") for w in font_warnings("年报.pdf"))  # [] where the 公文 fonts are installed
    True

The 公文 fonts (仿宋_GB2312, 方正小标宋简体 …) are on few machines outside
government offices; LibreOffice then draws the text in whatever CJK font it
finds. The PDF is still Simplified Chinese (the document says zh-CN), but it is
not the official typeface, so the user is told which fonts were missing and
which ones the PDF uses instead.
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


def missing_fonts() -> list[str]:
    """The 公文 fonts the Word document names that fontconfig (LibreOffice's font source on Linux) lacks.
    [] where there is no fontconfig (Windows, macOS): nothing can be said there."""
    from .docx import OFFICIAL_FONTS

    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return []
    try:
        listed = subprocess.run([fc_list, ":", "family"], capture_output=True, text=True, timeout=60, check=False).stdout
    except (OSError, subprocess.TimeoutExpired):
        return []
    installed = {name.strip() for line in listed.splitlines() for name in line.split(",")}
    return [font for font in OFFICIAL_FONTS if font not in installed]


def embedded_fonts(pdf: str | Path) -> list[str]:
    """The fonts a PDF's pages use, by name without the subset prefix: "NotoSerifCJKsc-Regular"."""
    import pdfplumber
    from pdfminer.pdftypes import resolve1

    names = set()
    with pdfplumber.open(str(pdf)) as document:
        for page in document.pages:
            fonts = resolve1(resolve1(page.page_obj.resources or {}).get("Font")) or {}
            for ref in fonts.values():
                base = resolve1(ref).get("BaseFont")
                if base is not None:
                    names.add(getattr(base, "name", str(base)).split("+", 1)[-1])
    return sorted(names)


def font_warnings(pdf: str | Path) -> list[str]:
    """What to tell the user about the fonts of a PDF just made here: the missing 公文 fonts and the stand-ins."""
    missing = missing_fonts()
    if not missing:
        return []
    try:
        used = "、".join(embedded_fonts(pdf)) or "其他字体"
    except Exception:  # a PDF pdfminer cannot read: the warning still names what is missing
        used = "其他字体"
    return [(
        f"本机没有公文字体{'、'.join(missing)}，PDF中改用{used}显示（仍为简体中文字形，但不是公文规定的字体）；"
        "正式发布的PDF请在装有这些字体的电脑上生成，或用Word、WPS打开导出的.docx另存为PDF"
    )]

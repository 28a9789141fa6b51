"""Build the Excel add-in addin/nianbao.xlam on any OS, from checked-in sources.

    build_addin(Path("addin"), Path("addin/nianbao.xlam"))

The starting point is the ribbon add-in that the pinned xlwings wheel ships
(xlwings/quickstart_addin_ribbon.xlam, BSD-licensed): its VBA project holds the
xlwings module (RunPython) and one small ribbon module, and its _VBA_PROJECT
stream marks the project for recompilation from source. The build replaces two
things and copies the rest byte for byte:

* the ribbon XML, ``customUI/customUI.xml`` in the zip, by addin/customUI.xml;
* the ribbon module's source, by addin/RibbonMyAddin.bas with its one
  ``NIANBAO_VERSION`` replaced by nianbao.__version__ (each button passes it to
  nianbao.excel.dispatch, which refuses an add-in built for another version): MS-OVBA compressed
  (ovba.py) into the module's OLE stream named in the ``dir`` stream, after the
  stream's (ignored) performance cache. olefile rewrites a stream only at its
  old length, so the source is encoded to exactly the length it replaces.

Zip entries carry a fixed timestamp, so the same sources give the same bytes.
"""

from __future__ import annotations

import re
import struct
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from .atomic import atomic_path
from .errors import NianbaoError
from .ovba import OvbaError, compress, decompress

TEMPLATE = "quickstart_addin_ribbon.xlam"  # in the xlwings package
MODULE = "RibbonMyAddin"  # the ribbon module of that add-in, whose source we replace
CUSTOM_UI_PART = "customUI/customUI.xml"
VBA_PART = "xl/vbaProject.bin"
SOURCES = ("customUI.xml", f"{MODULE}.bas")
VERSION_MARK = b"NIANBAO_VERSION"  # in the .bas: where the build writes the version
ZIP_TIME = (1980, 1, 1, 0, 0, 0)

_MODULE_NAME, _STREAM_NAME, _OFFSET, _PROJECT_VERSION = 0x19, 0x1A, 0x31, 0x09


class AddinError(NianbaoError):
    """The add-in cannot be built from these sources."""


@dataclass(frozen=True)
class ModuleEntry:
    name: str
    stream: str  # the OLE stream under VBA/
    offset: int  # where the compressed source starts in that stream


def template_path() -> Path:
    """The quickstart ribbon add-in inside the installed xlwings."""
    from importlib.util import find_spec

    spec = find_spec("xlwings")
    if spec is None or not spec.submodule_search_locations:
        raise AddinError("没有安装xlwings：请在源代码目录运行 pip install -e '.[test]' 后再生成加载项")
    return Path(next(iter(spec.submodule_search_locations))) / TEMPLATE


def modules(dir_stream: bytes) -> list[ModuleEntry]:
    """The modules a decompressed ``dir`` stream lists ([MS-OVBA] 2.3.4.2), in order."""
    out, i = [], 0
    name = stream = None
    while i + 6 <= len(dir_stream):
        record, size = struct.unpack_from("<HI", dir_stream, i)
        if record == _PROJECT_VERSION:  # its size field is a constant 4 followed by 6 bytes of data
            size = 6
        data = dir_stream[i + 6 : i + 6 + size]
        if record == _MODULE_NAME:
            name = data.decode("latin-1")
        elif record == _STREAM_NAME:
            stream = data.decode("latin-1")
        elif record == _OFFSET and name is not None and stream is not None:
            out.append(ModuleEntry(name, stream, struct.unpack("<I", data)[0]))
            name = stream = None
        i += 6 + size
    return out


def module_source(vba_project: Path, module: str) -> bytes:
    """The source of ``module`` in a vbaProject.bin, decompressed."""
    import olefile

    with olefile.OleFileIO(str(vba_project)) as ole:
        entry = _entry(ole, module)
        return decompress(ole.openstream(f"VBA/{entry.stream}").read()[entry.offset :])


def _entry(ole, module: str) -> ModuleEntry:
    found = [m for m in modules(decompress(ole.openstream("VBA/dir").read())) if m.name == module]
    if not found:
        raise AddinError(f"模板加载项中没有VBA模块“{module}”：xlwings版本是否改变了快速入门加载项？")
    return found[0]


def replace_module(vba_project: Path, module: str, source: bytes) -> None:
    """Rewrite ``module``'s source in the vbaProject.bin file in place, keeping the stream's length."""
    import olefile

    with olefile.OleFileIO(str(vba_project), write_mode=True) as ole:
        entry = _entry(ole, module)
        path = f"VBA/{entry.stream}"
        old = ole.openstream(path).read()
        try:
            text = compress(source, size=len(old) - entry.offset)
        except OvbaError as e:
            raise AddinError(
                f"{module}.bas 太长，无法放入模板加载项中该模块的位置（{len(old) - entry.offset}字节）：{e}"
            ) from e
        ole.write_stream(path, old[: entry.offset] + text)
    if module_source(vba_project, module) != source:
        raise AddinError(f"写入后读回的{module}模块源代码与{module}.bas不一致")


def read_sources(source_dir: Path, version: str | None = None) -> tuple[bytes, bytes]:
    """customUI.xml and the ribbon module's .bas with ``version`` (default: this nianbao's) written in,
    checked: ASCII VBA, the version mark once, callbacks that exist."""
    from defusedxml import ElementTree

    from . import __version__

    missing = [n for n in SOURCES if not (source_dir / n).is_file()]
    if missing:
        raise AddinError(f"{source_dir} 中缺少：{'、'.join(missing)}")
    ui = (source_dir / "customUI.xml").read_bytes()
    bas = (source_dir / f"{MODULE}.bas").read_bytes()
    try:
        bas.decode("ascii")
    except UnicodeDecodeError as e:
        raise AddinError(f"{MODULE}.bas 必须只含ASCII字符（中文放在customUI.xml和Python中）：第{e.start}字节") from e
    bas = bas.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")  # VBA stores CRLF, whatever git checked out
    if bas.count(VERSION_MARK) != 1:
        raise AddinError(f"{MODULE}.bas 中应有且只有一处 {VERSION_MARK.decode()}（生成时写入nianbao的版本号）")
    bas = bas.replace(VERSION_MARK, (version or __version__).encode("ascii"))
    if not bas.startswith(f'Attribute VB_Name = "{MODULE}"\r\n'.encode()):
        raise AddinError(f'{MODULE}.bas 的第一行必须是 Attribute VB_Name = "{MODULE}"')
    try:
        root = ElementTree.fromstring(ui)
    except ElementTree.ParseError as e:
        raise AddinError(f"customUI.xml 不是格式正确的XML：{e}") from e
    subs = set(re.findall(rb"^\s*(?:Public\s+)?Sub\s+(\w+)", bas, re.M | re.I))
    for element in root.iter():
        action = element.get("onAction")
        if action is None:
            continue
        module, _, sub = action.rpartition(".")
        if module not in ("", MODULE) or sub.encode() not in subs:
            raise AddinError(f"customUI.xml 的 onAction=\"{action}\" 在 {MODULE}.bas 中没有对应的 Sub")
    return ui, bas


def build_addin(source_dir: Path, out: Path, template: Path | None = None, version: str | None = None) -> Path:
    """Write the add-in built from ``source_dir`` (customUI.xml, RibbonMyAddin.bas) for nianbao ``version``
    (default: this one) to ``out``, atomically."""
    ui, bas = read_sources(source_dir, version)
    template = template or template_path()
    if not template.is_file():
        raise AddinError(f"找不到xlwings的快速入门加载项：{template}")
    with zipfile.ZipFile(template) as z, tempfile.TemporaryDirectory() as tmp:
        vba = Path(tmp) / "vbaProject.bin"
        vba.write_bytes(z.read(VBA_PART))
        replace_module(vba, MODULE, bas)
        parts = {CUSTOM_UI_PART: ui, VBA_PART: vba.read_bytes()}
        with atomic_path(out) as target, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as dst:
            for info in z.infolist():
                entry = zipfile.ZipInfo(info.filename, ZIP_TIME)
                entry.compress_type = zipfile.ZIP_DEFLATED
                dst.writestr(entry, parts.get(info.filename, z.read(info.filename)))
    return out

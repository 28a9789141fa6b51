r"""An offline installation bundle for 64-bit Windows, built on any OS.

    bundle_windows(Path("dist/nianbao-0.1.0-windows"), source=Path("."))

    nianbao-0.1.0-windows\
        安装.bat       finds a supported 64-bit Python, installs nianbao[excel] from wheels\ with
                       pip --no-index, then runs nianbao addin install; /quiet for roll-out
        卸载.bat
        说明.txt
        nianbao.xlam   the add-in, as the nianbao wheel carries it (for installing by hand)
        wheels\        the nianbao wheel and every dependency of nianbao[excel] as a win_amd64
                       wheel, for each supported CPython

The requirements are resolved *for Windows* by ``uv pip compile --python-platform
x86_64-pc-windows-msvc --python-version 3.X``: ``pip download --platform win_amd64`` evaluates
environment markers for the machine it runs on, so on Linux it silently drops the Windows-only
dependencies (pywin32, without which xlwings cannot start in Excel). pip then downloads exactly
those pins as win_amd64 wheels (``--no-deps``: nothing left for it to evaluate). Before the bundle
is moved into place, uv resolves nianbao[excel] again for every version from wheels\ alone
(``--no-index``), so a bundle that cannot install offline is never written.

The .bat files are GBK with CRLF line ends: cmd.exe reads a batch file in the console's code page,
936 (GBK) on Chinese Windows, and ``chcp 65001`` would change the console for the rest of its
session. Their commands are ASCII and every Chinese character encodes to bytes >= 0x80, so on a
console of any other code page only the echoed text is garbled, never a command.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from .atomic import atomic_path
from .errors import NianbaoError
from .xlstart import ADDIN_NAME

# xlwings 0.37.8 (the excel extra's pin) requires Python >= 3.11; each of these has win_amd64
# wheels of every dependency. A later Python joins the list once its wheels exist (the build says
# which package has none).
PYTHONS = ("3.11", "3.12", "3.13", "3.14", "3.15")
UV_PLATFORM, PIP_PLATFORM = "x86_64-pc-windows-msvc", "win_amd64"
EXTRA = "excel"
BATCH_ENCODING = "gbk"
FILES = {"install.bat": "安装.bat", "uninstall.bat": "卸载.bat", "readme.txt": "说明.txt"}
WHEELS = "wheels"
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;]+)$")


class BundleError(NianbaoError):
    """The Windows bundle cannot be built (no uv, no network, a wheel missing for a Windows Python…)."""


@dataclass(frozen=True)
class Bundle:
    folder: Path
    version: str
    pins: dict[str, list[str]]  # Python version -> "name==version" lines resolved for Windows
    zip: Path | None

    @property
    def wheels(self) -> list[Path]:
        return sorted((self.folder / WHEELS).glob("*.whl"))


def bundle_windows(
    out: Path | None = None,
    source: Path | None = None,
    wheel: Path | None = None,
    pythons: tuple[str, ...] = PYTHONS,
    index_url: str | None = None,
    make_zip: bool = False,
    progress=lambda message: None,
) -> Bundle:
    """Build the bundle into the folder ``out`` (default dist/nianbao-VERSION-windows) from the nianbao
    ``wheel`` given, or the one built from the checkout ``source``; with ``make_zip`` also ``out``.zip.
    A previous bundle at ``out`` is replaced; any other existing folder is refused."""
    uv = find_uv()
    if out is not None and out.exists() and not is_bundle(out):
        raise BundleError(f"{out} 已存在，而且不是以前生成的安装包：请换一个文件夹名，或先移走它")
    parent = out.parent if out is not None else Path("dist")
    parent.mkdir(parents=True, exist_ok=True)
    # Assembled beside its destination and renamed into place: an interrupted build leaves no half bundle.
    with tempfile.TemporaryDirectory(prefix=".nianbao-bundle-", dir=parent) as scratch:
        work, wheels = Path(scratch, "bundle"), Path(scratch, "bundle", WHEELS)
        wheels.mkdir(parents=True)
        if wheel is None:
            progress(f"构建nianbao的wheel：{source}")
            wheel = build_wheel(uv, source or Path("."), Path(scratch, "build"), index_url)
        version = wheel_version(wheel)
        out = out or parent / f"nianbao-{version}-windows"
        if out.exists() and not is_bundle(out):
            raise BundleError(f"{out} 已存在，而且不是以前生成的安装包：请用 -o 指定另一个文件夹")
        shutil.copyfile(wheel, wheels / wheel.name)
        (work / ADDIN_NAME).write_bytes(packaged_addin_of(wheel))
        pins: dict[str, list[str]] = {}
        for python in pythons:
            progress(f"Python {python}：按Windows解析nianbao[{EXTRA}]的依赖并下载win_amd64 wheel")
            pins[python] = resolve(uv, python, version, wheels, index_url=index_url)
            download(python, [p for p in pins[python] if not p.startswith("nianbao==")], wheels, index_url)
        for python in pythons:
            progress(f"Python {python}：只用 {WHEELS} 文件夹（--no-index）检查能否离线安装")
            offline = resolve(uv, python, version, wheels, offline=True)
            if offline != pins[python]:
                raise BundleError(f"Python {python}：离线解析的结果与联网解析不同：{sorted(set(offline) ^ set(pins[python]))}")
        write_scripts(work, version, wheel.name, pythons)
        if out.exists():
            shutil.rmtree(out)
        work.rename(out)
    archive = zip_folder(out) if make_zip else None
    return Bundle(out, version, pins, archive)


def is_bundle(folder: Path) -> bool:
    return folder.is_dir() and (folder / FILES["install.bat"]).is_file() and (folder / WHEELS).is_dir()


def find_uv() -> str:
    """The uv executable: from the uv package (pip install uv) or PATH."""
    try:
        from uv import find_uv_bin

        return find_uv_bin()
    except (ImportError, FileNotFoundError):
        pass
    found = shutil.which("uv")
    if found is None:
        raise BundleError("生成安装包需要 uv（按Windows解析依赖）：请运行 pip install uv，或在源代码目录运行 pip install -e '.[test]'")
    return found


def run(command: list[str], what: str, stdin: str | None = None) -> str:
    """Run a build tool; its own (English) error output goes into the message."""
    result = subprocess.run(command, input=stdin, check=False, capture_output=True, text=True, encoding="utf-8", errors="replace")
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip()
        raise BundleError(f"{what}失败：\n{detail[-3000:]}")
    return result.stdout


def build_wheel(uv: str, source: Path, into: Path, index_url: str | None) -> Path:
    """nianbao's wheel from a checkout, built as a release is: sdist, then the wheel from the sdist, into ``into``
    (a temporary folder of the caller's, which keeps the wheel)."""
    if not (source / "pyproject.toml").is_file():
        raise BundleError(f"{source} 不是nianbao的源代码目录（没有pyproject.toml）：请在源代码目录运行，或用 --wheel 指定nianbao的wheel文件")
    run([uv, "build", "--no-python-downloads", "--out-dir", str(into), *index(index_url), str(source)], "构建nianbao的wheel")
    built = sorted(into.glob("nianbao-*.whl"))
    if len(built) != 1:
        raise BundleError(f"构建nianbao的wheel后没有找到唯一的 nianbao-*.whl：{[p.name for p in built]}")
    return built[0]


def wheel_version(wheel: Path) -> str:
    parts = wheel.name.split("-")
    if not wheel.is_file() or wheel.suffix != ".whl" or parts[0] != "nianbao" or len(parts) < 5:
        raise BundleError(f"{wheel} 不是nianbao的wheel文件（应形如 nianbao-0.1.0-py3-none-any.whl）")
    return parts[1]


def packaged_addin_of(wheel: Path) -> bytes:
    """The add-in inside the wheel: the bundle's nianbao.xlam is that very file."""
    member = f"nianbao/addin/{ADDIN_NAME}"
    try:
        with zipfile.ZipFile(wheel) as z:
            return z.read(member)
    except (KeyError, zipfile.BadZipFile) as e:
        raise BundleError(f"{wheel} 中没有加载项 {member}：请用 uv build 或 python -m build 从源代码目录重新构建") from e


def index(index_url: str | None) -> list[str]:
    return ["--index-url", index_url] if index_url else []


def resolve(uv: str, python: str, version: str, find_links: Path, index_url: str | None = None, offline: bool = False) -> list[str]:
    """nianbao[excel]==version resolved for 64-bit Windows CPython ``python``, wheels only: ["name==version", …]."""
    where = ["--no-index"] if offline else index(index_url)
    out = run(
        [uv, "pip", "compile", "-", "--quiet", "--no-python-downloads", "--no-header", "--no-annotate",
         "--python-platform", UV_PLATFORM, "--python-version", python, "--only-binary", ":all:",
         "--find-links", str(find_links), *where],
        f"按Windows（Python {python}）解析nianbao[{EXTRA}]的依赖" + ("（只用安装包中的wheel）" if offline else ""),
        stdin=f"nianbao[{EXTRA}]=={version}\n",
    )
    pins = sorted(line.strip() for line in out.splitlines() if line.strip() and not line.lstrip().startswith("#"))
    odd = [p for p in pins if not PIN.match(p)]
    if odd:
        raise BundleError(f"解析结果中有无法识别的行：{odd}")
    return pins


def download(python: str, pins: list[str], into: Path, index_url: str | None) -> None:
    """Exactly these pins as wheels for 64-bit Windows CPython ``python`` (pip: --no-deps, so no markers to misread)."""
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False, encoding="utf-8") as f:
        f.write("\n".join(pins) + "\n")
    try:
        run([sys.executable, "-m", "pip", "download", "--quiet", "--disable-pip-version-check", "--no-deps",
             "--only-binary=:all:", "--platform", PIP_PLATFORM, "--python-version", python, "--implementation", "cp",
             "--abi", "cp" + python.replace(".", ""), "--dest", str(into), *index(index_url), "-r", f.name],
            f"下载Python {python}的win_amd64 wheel")
    finally:
        Path(f.name).unlink()


def render(name: str, **context) -> str:
    from jinja2 import Environment, PackageLoader, StrictUndefined

    env = Environment(loader=PackageLoader("nianbao", "bundle_files"), keep_trailing_newline=True,
                      undefined=StrictUndefined, autoescape=False)
    return env.get_template(name).render(**context)


def batch_bytes(text: str, name: str) -> bytes:
    """A batch file as cmd.exe on Chinese Windows reads it: GBK, CRLF; Chinese characters only where no byte
    of theirs can be taken for an ASCII character (a GBK trail byte can be | or ^) on another code page."""
    unsafe = sorted({c for c in text if ord(c) > 127 and any(b < 0x80 for b in c.encode(BATCH_ENCODING, errors="replace"))})
    if unsafe:
        raise BundleError(f"{name} 中有在其他代码页下会被当成命令字符的文字：{''.join(unsafe)}")
    return text.replace("\r\n", "\n").replace("\n", "\r\n").encode(BATCH_ENCODING)


def write_scripts(folder: Path, version: str, wheel: str, pythons: tuple[str, ...]) -> None:
    """安装.bat, 卸载.bat (GBK, CRLF) and 说明.txt (UTF-8 with BOM: every Notepad reads it) into the bundle."""
    newest_first = sorted(pythons, key=lambda v: tuple(map(int, v.split("."))), reverse=True)
    tuples = ",".join(f"({v.replace('.', ',')})" for v in newest_first)
    common = {
        "version": version, "wheel": wheel, "requirement": f"nianbao[{EXTRA}]=={version}",
        "launcher_versions": " ".join(newest_first), "folder_names": " ".join(f"Python{v.replace('.', '')}" for v in newest_first),
        "pythons": "、".join(reversed(newest_first)),
        "range": newest_first[0] if len(newest_first) == 1 else f"{newest_first[-1]} 至 {newest_first[0]}",
    }
    probes = {
        "install.bat": f"import struct,sys;sys.exit(not(struct.calcsize('P')==8 and sys.version_info[:2] in [{tuples}]))",
        "uninstall.bat": "import nianbao",
    }
    for template, name in FILES.items():
        text = render(template, probe=probes.get(template, ""), **common)
        data = batch_bytes(text, name) if name.endswith(".bat") else "\ufeff".encode() + text.replace("\n", "\r\n").encode("utf-8")
        (folder / name).write_bytes(data)


def zip_folder(folder: Path) -> Path:
    """``folder``.zip with the folder as its one top entry (names in UTF-8, flagged as such), written atomically.
    Wheels and the add-in are zip files already: stored as they are, not compressed again."""
    target = folder.with_name(folder.name + ".zip")
    with atomic_path(target) as tmp, zipfile.ZipFile(tmp, "w") as z:
        for path in sorted(folder.rglob("*")):
            packed = path.suffix in (".whl", ".xlam")
            z.write(path, Path(folder.name, path.relative_to(folder)).as_posix(),
                    compress_type=zipfile.ZIP_STORED if packed else zipfile.ZIP_DEFLATED)
    return target

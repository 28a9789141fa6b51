r"""Put the add-in where Excel loads it for the current user, as ``xlwings addin install`` does.

    install_addin()      # nianbao.xlam into Excel's startup folder; the add-in told which Python to run
    remove_addin()
    packaged_addin()     # the nianbao.xlam that came with this nianbao

xlwings asks Excel for ``Application.StartupPath`` (starting a hidden Excel when none runs)
and copies its add-in there; on macOS it also copies the AppleScript that RunPython calls.
Starting Excel from a roll-out script is not wanted, and StartupPath is the same fixed
folder in every Excel since 2007, so it is computed here:

    Windows  %APPDATA%\Microsoft\Excel\XLSTART
    macOS    ~/Library/Group Containers/UBF8T346G9.Office/User Content.localized/Startup.localized/Excel,
             plus ~/Library/Application Scripts/com.microsoft.Excel/xlwings-<version>.applescript

XLSTART is a trusted location by default, so the macros run without a prompt; a copy made by
Python carries no "downloaded from the internet" mark, so nothing needs unblocking.

The add-in's xlwings VBA reads the Python to start from a config file named after the
quickstart add-in's project, "myaddin" (Windows %USERPROFILE%\.myaddin\myaddin.conf, macOS
the sandbox home's myaddin.conf), else runs ``python`` from PATH — on a fresh Windows the
Microsoft Store's stub. install_addin writes the interpreter nianbao runs in there, so the
buttons run the Python that has nianbao and xlwings.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from .atomic import atomic_path
from .errors import NianbaoError, OutputError

ADDIN_NAME = "nianbao.xlam"
WINDOWS, MACOS = "win32", "darwin"
MAC_OFFICE = ("Library", "Group Containers", "UBF8T346G9.Office", "User Content.localized", "Startup.localized", "Excel")
MAC_SCRIPTS = ("Library", "Application Scripts", "com.microsoft.Excel")
MAC_SANDBOX_HOME = ("Library", "Containers", "com.microsoft.Excel", "Data")
CONFIG = "myaddin"  # PROJECT_NAME in the add-in's xlwings module
INTERPRETER_KEY = {WINDOWS: "INTERPRETER_WIN", MACOS: "INTERPRETER_MAC"}


class AddinInstallError(NianbaoError):
    """The add-in cannot be installed or removed here (no Excel, Excel running, xlwings missing…)."""


class NoExcel(AddinInstallError):
    """This computer has no Microsoft Excel to install the add-in into."""


@dataclass(frozen=True)
class Target:
    """Where the add-in goes for the current user on one platform."""

    platform: str
    folder: Path  # Excel's startup folder
    config: Path  # the add-in's xlwings config file
    scripts: Path | None  # macOS: where RunPython's AppleScript must be

    @property
    def addin(self) -> Path:
        return self.folder / ADDIN_NAME


def packaged_addin() -> Path:
    """The add-in that came with this nianbao: nianbao/addin/nianbao.xlam in an installed wheel; in a
    source checkout (``pip install -e``) the checked-in build addin/nianbao.xlam, which the wheel copies."""
    here = Path(__file__).resolve().parent
    checkout = here.parent.parent
    candidates = [here / "addin" / ADDIN_NAME]
    if (checkout / "pyproject.toml").is_file():
        candidates.append(checkout / "addin" / ADDIN_NAME)
    for path in candidates:
        if path.is_file():
            return path
    raise AddinInstallError(
        f"这个nianbao安装中没有加载项文件（{candidates[0]}）：请用安装包中的 安装.bat 或 nianbao 的 .whl 文件重新安装"
    )


def target(platform: str | None = None, environ: Mapping[str, str] | None = None) -> Target:
    """The current user's folders for ``platform`` (default: this computer), from ``environ`` (default: os.environ)."""
    platform = platform or sys.platform
    environ = os.environ if environ is None else environ
    if platform == WINDOWS:
        appdata, profile = environ.get("APPDATA"), environ.get("USERPROFILE")
        if not appdata or not profile:
            raise AddinInstallError("没有找到当前用户的 APPDATA / USERPROFILE 文件夹：请以使用 Excel 的用户身份登录后运行")
        folder = Path(appdata, "Microsoft", "Excel", "XLSTART")
        return Target(platform, folder, Path(profile, f".{CONFIG}", f"{CONFIG}.conf"), None)
    if platform == MACOS:
        home = environ.get("HOME")
        if not home:
            raise AddinInstallError("没有找到当前用户的主文件夹（HOME）")
        return Target(platform, Path(home, *MAC_OFFICE), Path(home, *MAC_SANDBOX_HOME, f"{CONFIG}.conf"), Path(home, *MAC_SCRIPTS))
    raise NoExcel(
        "本电脑不是 Windows 或 macOS，没有 Microsoft Excel，不能使用加载项。"
        "请使用命令行（nianbao check、text、merge、export），WPS 用户同样如此"
    )


def excel_installed(platform: str | None = None, environ: Mapping[str, str] | None = None) -> bool:
    """Whether Microsoft Excel is installed (WPS does not count: it cannot run the add-in)."""
    platform = platform or sys.platform
    environ = os.environ if environ is None else environ
    if platform == MACOS:
        homes = [Path("/Applications")] + ([Path(environ["HOME"], "Applications")] if environ.get("HOME") else [])
        return any((folder / "Microsoft Excel.app").is_dir() for folder in homes)
    if platform == WINDOWS:
        return _excel_registered() or bool(environ.get("APPDATA") and Path(environ["APPDATA"], "Microsoft", "Excel").is_dir())
    return False


def _excel_registered() -> bool:
    """Excel's App Paths key, which every Office installer (MSI, Click-to-Run, 32- or 64-bit) writes."""
    if sys.platform != "win32":  # winreg exists on Windows only (and mypy checks this branch as such)
        return False
    import winreg

    key = r"SOFTWARE\Microsoft\Windows\CurrentVersion\App Paths\excel.exe"
    for root, view in ((winreg.HKEY_LOCAL_MACHINE, winreg.KEY_WOW64_64KEY), (winreg.HKEY_LOCAL_MACHINE, winreg.KEY_WOW64_32KEY),
                       (winreg.HKEY_CURRENT_USER, 0)):
        try:
            winreg.CloseKey(winreg.OpenKey(root, key, 0, winreg.KEY_READ | view))
            return True
        except OSError:
            continue
    return False


def interpreter(platform: str | None = None, executable: str | None = None) -> str:
    """The Python the buttons should start: this one; on Windows its windowless pythonw.exe (as xlwings advises)."""
    platform = platform or sys.platform
    path = Path(executable or sys.executable)
    if platform == WINDOWS and path.name.lower() == "python.exe" and (path.parent / "pythonw.exe").is_file():
        return str(path.parent / "pythonw.exe")
    return str(path)


def config_encoding(platform: str | None = None) -> str:
    """VBA's ``Input #`` reads the config in the ANSI code page (GBK on Chinese Windows), not UTF-8."""
    return "mbcs" if (platform or sys.platform) == WINDOWS else "utf-8"


@dataclass(frozen=True)
class Installed:
    addin: Path
    config: Path
    interpreter: str
    script: Path | None  # macOS: the AppleScript copied for RunPython


def install_addin(
    source: Path | None = None,
    platform: str | None = None,
    environ: Mapping[str, str] | None = None,
    executable: str | None = None,
    encoding: str | None = None,
) -> Installed:
    """Copy the add-in into the current user's Excel startup folder and point its config at this Python.

    The copy replaces an earlier nianbao.xlam there (an upgrade) atomically; other files in the
    folder and other settings in the config file are kept.
    """
    platform = platform or sys.platform
    where = target(platform, environ)
    if not excel_installed(platform, environ):
        raise NoExcel(
            "本电脑没有找到 Microsoft Excel，加载项无法安装（WPS 表格不能运行加载项）。"
            "命令行已经可以使用：nianbao check、text、merge、export"
        )
    check_xlwings(required_xlwings())
    source = source or packaged_addin()
    script = None
    try:
        with atomic_path(where.addin) as tmp:
            shutil.copyfile(source, tmp)
        if where.scripts is not None:  # macOS: RunPython runs through xlwings' AppleScript
            applescript = xlwings_applescript()
            script = where.scripts / applescript.name
            with atomic_path(script) as tmp:
                shutil.copyfile(applescript, tmp)
        python = interpreter(platform, executable)
        set_config(where.config, INTERPRETER_KEY[platform], python, encoding or config_encoding(platform))
    except (PermissionError, OutputError) as e:  # Windows: Excel holds the loaded add-in open
        raise AddinInstallError(
            f"无法写入 {where.addin.parent}（{e}）：请先关闭 Excel（任务管理器中也不应再有 EXCEL.EXE），再运行一次"
        ) from e
    except UnicodeEncodeError as e:
        raise AddinInstallError(
            f"Python 的路径（{executable or sys.executable}）含有本机编码无法表示的字符，加载项读不出来：请把 Python 安装到只含英文字母和数字的文件夹"
        ) from e
    return Installed(where.addin, where.config, python, script)


def remove_addin(platform: str | None = None, environ: Mapping[str, str] | None = None,
                 executable: str | None = None, encoding: str | None = None) -> list[Path]:
    """Remove nianbao.xlam from the startup folder and the interpreter line install_addin wrote; returns what was removed.

    A config line that names another Python (set by hand) is left, and so is every other file.
    """
    platform = platform or sys.platform
    where = target(platform, environ)
    removed = []
    try:
        if where.addin.is_file():
            where.addin.unlink()
            removed.append(where.addin)
        if unset_config(where.config, INTERPRETER_KEY[platform], interpreter(platform, executable), encoding or config_encoding(platform)):
            removed.append(where.config)
    except PermissionError as e:
        raise AddinInstallError(f"无法删除 {e.filename or where.addin}：请先关闭 Excel，再运行一次") from e
    return removed


def xlwings_applescript() -> Path:
    """The AppleScript the installed xlwings ships for RunPython on macOS."""
    import importlib.util

    spec = importlib.util.find_spec("xlwings")
    if spec is None or not spec.submodule_search_locations:
        raise AddinInstallError(missing_xlwings())
    folder = Path(next(iter(spec.submodule_search_locations)))
    found = sorted(folder.glob("xlwings-*.applescript"))
    if not found:
        raise AddinInstallError(f"xlwings 中没有 RunPython 所需的 AppleScript（{folder}）")
    return found[-1]


def missing_xlwings() -> str:
    return "还没有安装 xlwings，加载项的按钮无法运行：请用安装包中的 安装.bat 安装（它会一并安装 xlwings），或在源代码目录运行 pip install \".[excel]\""


def check_xlwings(required: str | None) -> None:
    """The add-in's VBA comes from one exact xlwings; the Python side must be that version."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        found = version("xlwings")
    except PackageNotFoundError:
        raise AddinInstallError(missing_xlwings()) from None
    if required and found != required:
        raise AddinInstallError(
            f"加载项需要 xlwings {required}，本电脑安装的是 {found}：请用安装包中的 安装.bat 重新安装（会换成 {required}）"
        )


def required_xlwings() -> str | None:
    """The xlwings version the excel extra pins (pyproject.toml), as the installed metadata records it."""
    from importlib.metadata import PackageNotFoundError, requires

    try:
        wanted = requires("nianbao") or []
    except PackageNotFoundError:
        return None
    for requirement in wanted:
        match = re.match(r"xlwings\s*==\s*([\w.]+)", requirement)
        if match:
            return match.group(1)
    return None


# --- the xlwings config file: lines of "KEY","VALUE" as VBA's Write # writes them -------------


def _config_entry(line: str) -> tuple[str, str]:
    key, _, value = line.partition(",")
    return key.strip().strip('"').upper(), value.strip().strip('"')


def set_config(path: Path, key: str, value: str, encoding: str) -> None:
    """Set ``key`` in the config file, keeping its other lines; CRLF, as VBA writes it."""
    lines = [line for line in _read_config(path, encoding) if _config_entry(line)[0] != key.upper()]
    _write_config(path, lines + [f'"{key}","{value}"'], encoding)


def unset_config(path: Path, key: str, value: str, encoding: str) -> bool:
    """Remove ``key`` where it holds ``value``; the file goes when nothing else is left in it."""
    lines = _read_config(path, encoding)
    kept = [line for line in lines if _config_entry(line) != (key.upper(), value)]
    if kept == lines:
        return False
    if any(line.strip() for line in kept):
        _write_config(path, kept, encoding)
    else:
        path.unlink()
        if path.parent.name == f".{CONFIG}" and not any(path.parent.iterdir()):
            path.parent.rmdir()  # Windows: the folder held this file alone
    return True


# surrogateescape: bytes that are not text in this encoding go back out unchanged
def _read_config(path: Path, encoding: str) -> list[str]:
    if not path.is_file():
        return []
    return path.read_bytes().decode(encoding, errors="surrogateescape").splitlines()


def _write_config(path: Path, lines: list[str], encoding: str) -> None:
    data = "".join(line + "\r\n" for line in lines).encode(encoding, errors="surrogateescape")
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)

"""安装.bat and 卸载.bat run by a real cmd.exe: Wine's, in a Chinese (code page 936) Windows locale.

No Windows Python runs here, so the Pythons the scripts look for are stand-ins: Windows launcher
executables (distlib's t64.exe, which pip vendors) whose shebang runs a small batch file that logs
its arguments and answers as the real thing would — a py launcher that knows one version, a
python.exe in the installer's default folder, the Microsoft Store's python.exe stub (exit 9009).
What is real is everything the county's PC does with the scripts: cmd.exe reading GBK with CRLF,
the labels, calls, loops, quoting of a Chinese folder, exit codes.
"""

from __future__ import annotations

import io
import os
import subprocess
import zipfile
from pathlib import Path

import pip
import pytest
from conftest import require_tool

from nianbao.bundle import PYTHONS, write_scripts

VERSION = "0.1.0"
BUNDLE = f"年报\\nianbao-{VERSION}-windows"  # under C:\, a Chinese folder as a clerk's desktop would be
LAUNCHER = Path(pip.__file__).parent / "_vendor" / "distlib" / "t64.exe"

# Stand-ins. %1 is the launcher's own path; a py launcher's %2 is the version it is asked for.
PY_LAUNCHER = r"""@echo off
echo %*>>C:\stub\log.txt
if not "%2"=="-%STUB_PYTHON%-64" exit /b 103
if "%3"=="-c" (echo C:\Python\python.exe& exit /b 0)
if "%4"=="pip" exit /b %STUB_PIP%
if "%4"=="nianbao" exit /b %STUB_NIANBAO%
exit /b 9
"""
PYTHON_EXE = r"""@echo off
echo %*>>C:\stub\log.txt
if "%2"=="-c" (echo C:\fake\Local\Programs\Python\Python313\python.exe& exit /b 0)
if "%3"=="pip" exit /b %STUB_PIP%
if "%3"=="nianbao" exit /b %STUB_NIANBAO%
exit /b 9
"""
STORE_STUB = r"""@echo off
echo %*>>C:\stub\log.txt
echo Python was not found; run without arguments to install from the Microsoft Store 1>&2
exit /b 9009
"""


def crlf(text: str) -> bytes:
    return text.replace("\n", "\r\n").encode("gbk")


def stand_in(drive_c: Path, exe: str, script: str, windows_script: str) -> None:
    """C:\\``exe``: a Windows launcher that runs ``cmd /c <windows_script> <its path> <its arguments>``."""
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("__main__.py", "")
    path = drive_c / exe.replace("\\", "/")
    path.parent.mkdir(parents=True, exist_ok=True)
    shebang = f"#!C:\\windows\\system32\\cmd.exe /c {windows_script}\n".encode()
    path.write_bytes(LAUNCHER.read_bytes() + shebang + archive.getvalue())
    (drive_c / windows_script[3:].replace("\\", "/")).write_bytes(crlf(script))


@pytest.fixture(scope="session")
def wine(tmp_path_factory):
    """A Wine prefix in a Chinese locale (code page 936), with the stand-in Pythons in C:\\stub."""
    wine = require_tool("wine")
    locales = subprocess.run(["locale", "-a"], capture_output=True, text=True, check=False).stdout.lower()
    if "zh_cn.utf8" not in locales:
        message = "the zh_CN.UTF-8 locale is missing (localedef -i zh_CN -f UTF-8 zh_CN.UTF-8)"
        if os.environ.get("NIANBAO_REQUIRE_TOOLS") == "1":
            pytest.fail(message)
        pytest.skip(message)
    prefix = tmp_path_factory.mktemp("wine")
    # zh_CN: Wine's ANSI and OEM code pages become 936, as on a Chinese Windows; no Mono/Gecko prompts
    env = {**os.environ, "WINEPREFIX": str(prefix), "WINEDEBUG": "-all", "LC_ALL": "zh_CN.UTF-8",
           "WINEDLLOVERRIDES": "mscoree,mshtml="}
    subprocess.run([wine, "cmd", "/c", "exit"], env=env, capture_output=True, timeout=600, check=True)
    # one wineserver for all the runs (each would otherwise start its own, seconds apiece); ended below
    server = subprocess.Popen(["wineserver", "--foreground", "--persistent"], env=env)
    drive_c = prefix / "drive_c"
    stand_in(drive_c, r"stub\launcher\py.exe", PY_LAUNCHER, r"C:\stub\py.bat")
    stand_in(drive_c, r"fake\Local\Programs\Python\Python313\python.exe", PYTHON_EXE, r"C:\stub\python.bat")
    stand_in(drive_c, r"stub\store\python.exe", STORE_STUB, r"C:\stub\store.bat")
    folder = drive_c / BUNDLE.replace("\\", "/")
    (folder / "wheels").mkdir(parents=True)
    (folder / "wheels" / f"nianbao-{VERSION}-py3-none-any.whl").write_bytes(b"PK")
    write_scripts(folder, VERSION, f"nianbao-{VERSION}-py3-none-any.whl", PYTHONS)
    yield wine, drive_c, env
    subprocess.run(["wineserver", "--kill"], env=env, check=False)  # this prefix's server and its services
    server.wait(timeout=60)


def run(wine, script: str, path: str = r"C:\stub\launcher", args: str = "/quiet", python: str = "3.13",
        pip_code: int = 0, nianbao_code: int = 0) -> tuple[int, str, list[str]]:
    """Run C:\\<bundle>\\<script> from a clean PATH; returns its exit code, what it showed, and the stand-ins' log."""
    wine, drive_c, env = wine
    (drive_c / "stub" / "log.txt").unlink(missing_ok=True)
    runner = drive_c / "stub" / "run.bat"
    runner.write_bytes(crlf(
        "@echo off\n"
        f"set PATH={path};C:\\windows\\system32;C:\\windows\n"
        "set LOCALAPPDATA=C:\\fake\\Local\n"
        f'"C:\\{BUNDLE}\\{script}" {args}\n'  # not "call": Wine's call turns every exit code but 0 into 1
    ))
    env = {**env, "STUB_PYTHON": python, "STUB_PIP": str(pip_code), "STUB_NIANBAO": str(nianbao_code)}
    out = drive_c / "stub" / "shown.txt"
    with out.open("wb") as stdout:  # a file, not a pipe: Wine's background services would hold a pipe open
        code = subprocess.run([wine, "cmd", "/c", r"C:\stub\run.bat"], env=env, stdout=stdout, stderr=subprocess.DEVNULL,
                              timeout=300, check=False).returncode
    shown = out.read_bytes().decode("gbk", errors="replace").replace("\r\n", "\n")
    log = drive_c / "stub" / "log.txt"
    calls = log.read_bytes().decode("gbk").replace('\\"', '"').splitlines() if log.exists() else []
    return code, shown, [" ".join(c.split()[1:]) for c in calls]  # without the stand-in's own path


PROBE = "-c \"import struct,sys;sys.exit(not(struct.calcsize('P')==8 and sys.version_info[:2] in [(3,15),(3,14),(3,13),(3,12),(3,11)]))\""
PIP = f'-m pip install --no-index --find-links "C:\\{BUNDLE}\\wheels" --no-warn-script-location "nianbao[excel]=={VERSION}"'


def test_install_finds_the_py_launchers_python_installs_offline_then_the_addin(wine):
    code, shown, calls = run(wine, "安装.bat")
    assert code == 0
    assert calls == [
        f"-3.15-64 {PROBE}", f"-3.14-64 {PROBE}", f"-3.13-64 {PROBE}",  # newest first, until one answers
        '-3.13-64 -c "import sys;print(sys.executable)"',
        f"-3.13-64 {PIP}",
        "-3.13-64 -m nianbao addin install",
    ]
    assert shown.startswith(f"nianbao（政府信息公开工作年度报告工具）{VERSION} 离线安装\n")
    assert "使用的 Python：C:\\Python\\python.exe\n" in shown
    assert "安装完成。请重新启动 Excel，功能区会出现“政务公开年报”选项卡。\n命令行用法：py -3.13-64 -m nianbao --help\n" in shown
    assert "pause" not in shown.lower() and "请按任意键" not in shown  # /quiet: nothing waits for a key


def test_install_without_the_launcher_uses_the_installers_folder_and_quotes_it(wine):
    code, shown, calls = run(wine, "安装.bat", path=r"C:\stub\nothing")
    exe = r'"C:\fake\Local\Programs\Python\Python313\python.exe"'
    assert code == 0
    assert calls[-2:] == [PIP, "-m nianbao addin install"]
    assert f"命令行用法：{exe} -m nianbao --help" in shown


def test_no_suitable_python_says_which_and_where_to_get_it(wine):
    drive_c = wine[1]
    folder = drive_c / "fake" / "Local" / "Programs" / "Python" / "Python313"
    folder.rename(folder.with_name("Python310"))  # an unsupported version's folder is not searched
    try:
        code, shown, calls = run(wine, "安装.bat", path=r"C:\stub\launcher;C:\stub\store", python="3.10")
    finally:
        folder.with_name("Python310").rename(folder)
    assert code == 1
    assert calls[-1] == PROBE  # the Store's python.exe was asked, answered 9009, and was passed over
    assert "没有找到可以使用的 Python。需要 64 位的 Python 3.11 至 3.15，而且要先装好 Python 再运行本程序。" in shown
    assert "https://www.python.org/downloads/windows/" in shown
    assert not [c for c in calls if "-m " in c]  # nothing installed


@pytest.mark.parametrize("nianbao_code, exit_code, says", [
    (1, 2, "nianbao 命令行已安装；本电脑没有 Microsoft Excel，所以没有安装加载项。"),
    (2, 1, "nianbao 已安装，但加载项没有装好（原因见上一行）。请关闭 Excel 后再运行一次本程序。"),
])
def test_addin_outcomes_become_the_rollout_exit_codes(wine, nianbao_code, exit_code, says):
    code, shown, _calls = run(wine, "安装.bat", nianbao_code=nianbao_code)
    assert code == exit_code
    assert says in shown


def test_a_failed_pip_stops_before_the_addin(wine):
    code, shown, calls = run(wine, "安装.bat", pip_code=1)
    assert code == 1
    assert calls[-1] == f"-3.13-64 {PIP}"
    assert "安装软件包没有成功（原因见上面的英文信息）" in shown


def test_run_inside_the_zip_says_extract_first(wine):
    drive_c = wine[1]
    wheels = drive_c / BUNDLE.replace("\\", "/") / "wheels"
    wheels.rename(wheels.with_name("wheels-away"))  # Explorer runs a .bat from a zip alone, without its folder
    try:
        code, shown, calls = run(wine, "安装.bat")
    finally:
        wheels.with_name("wheels-away").rename(wheels)
    assert code == 1 and calls == []
    assert "没有找到本程序旁边的 wheels 文件夹。请先把压缩包全部解压" in shown


def test_uninstall_removes_the_addin_then_the_packages_from_the_python_that_has_them(wine):
    code, shown, calls = run(wine, "卸载.bat")
    assert code == 0
    assert calls == [
        '-3.15-64 -c "import nianbao"', '-3.14-64 -c "import nianbao"', '-3.13-64 -c "import nianbao"',
        '-3.13-64 -c "import sys;print(sys.executable)"',
        "-3.13-64 -m nianbao addin remove",
        "-3.13-64 -m pip uninstall -y nianbao xlwings",
    ]
    assert "已卸载。请重新启动 Excel。" in shown

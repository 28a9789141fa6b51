"""Installing the add-in for the current user (nianbao.xlstart): real files under a fake APPDATA / HOME."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from nianbao import __version__
from nianbao.cli import main
from nianbao.xlstart import (
    ADDIN_NAME,
    AddinInstallError,
    NoExcel,
    install_addin,
    packaged_addin,
    remove_addin,
    required_xlwings,
    target,
)

REPO = Path(__file__).parent.parent
XLAM = REPO / "addin" / ADDIN_NAME
MAC_STARTUP = "Library/Group Containers/UBF8T346G9.Office/User Content.localized/Startup.localized/Excel"


@pytest.fixture()
def windows(tmp_path):
    """A Windows user's environment whose Excel has run once (Excel made %APPDATA%\\Microsoft\\Excel)."""
    appdata, profile = tmp_path / "Roaming", tmp_path / "张三"
    (appdata / "Microsoft" / "Excel").mkdir(parents=True)
    profile.mkdir()
    python = tmp_path / "Python312"
    python.mkdir()
    for name in ("python.exe", "pythonw.exe"):
        (python / name).write_bytes(b"MZ")
    return {"APPDATA": str(appdata), "USERPROFILE": str(profile)}, python


def test_the_packaged_addin_is_the_checked_in_build():
    assert packaged_addin().read_bytes() == XLAM.read_bytes()


def test_windows_target_is_xlstart_under_appdata(windows):
    env, _python = windows
    where = target("win32", env)
    assert where.folder == Path(env["APPDATA"], "Microsoft", "Excel", "XLSTART")
    assert where.addin == where.folder / "nianbao.xlam"
    assert where.config == Path(env["USERPROFILE"], ".myaddin", "myaddin.conf")
    assert where.scripts is None


def test_macos_target_is_the_office_startup_folder_and_applescripts(tmp_path):
    where = target("darwin", {"HOME": str(tmp_path)})
    assert where.folder == tmp_path / MAC_STARTUP
    assert where.scripts == tmp_path / "Library/Application Scripts/com.microsoft.Excel"
    assert where.config == tmp_path / "Library/Containers/com.microsoft.Excel/Data/myaddin.conf"


def test_install_on_windows_copies_the_addin_and_points_it_at_this_python(windows):
    env, python = windows
    done = install_addin(platform="win32", environ=env, executable=str(python / "python.exe"), encoding="gbk")
    xlstart = Path(env["APPDATA"], "Microsoft", "Excel", "XLSTART")
    assert done.addin == xlstart / "nianbao.xlam"
    assert done.addin.read_bytes() == XLAM.read_bytes()
    assert [p.name for p in xlstart.iterdir()] == ["nianbao.xlam"]  # no temporary file left behind
    # VBA's Input # reads the ANSI code page (GBK on Chinese Windows): a user folder named 张三 must survive
    assert done.interpreter == str(python / "pythonw.exe")
    assert done.config.read_bytes() == f'"INTERPRETER_WIN","{python / "pythonw.exe"}"\r\n'.encode("gbk")
    assert done.script is None


def test_install_keeps_other_settings_and_replaces_an_earlier_addin(windows):
    env, python = windows
    where = target("win32", env)
    where.folder.mkdir(parents=True)
    (where.folder / "PERSONAL.XLSB").write_bytes(b"the clerk's macros")
    where.addin.write_bytes(b"an add-in of an older nianbao")
    where.config.parent.mkdir()
    where.config.write_bytes('"USE UDF SERVER","True"\r\n"INTERPRETER_WIN","C:\\旧\\pythonw.exe"\r\n'.encode("gbk"))
    install_addin(platform="win32", environ=env, executable=str(python / "python.exe"), encoding="gbk")
    assert where.addin.read_bytes() == XLAM.read_bytes()
    assert (where.folder / "PERSONAL.XLSB").read_bytes() == b"the clerk's macros"
    assert where.config.read_bytes().decode("gbk").splitlines() == [
        '"USE UDF SERVER","True"', f'"INTERPRETER_WIN","{python / "pythonw.exe"}"',
    ]


def test_remove_takes_away_only_what_install_put_there(windows):
    env, python = windows
    exe = str(python / "python.exe")
    where = target("win32", env)
    install_addin(platform="win32", environ=env, executable=exe, encoding="gbk")
    (where.folder / "PERSONAL.XLSB").write_bytes(b"macros")
    assert remove_addin(platform="win32", environ=env, executable=exe, encoding="gbk") == [where.addin, where.config]
    assert [p.name for p in where.folder.iterdir()] == ["PERSONAL.XLSB"]
    assert not where.config.parent.exists()  # .myaddin held nothing else
    assert remove_addin(platform="win32", environ=env, executable=exe, encoding="gbk") == []  # twice is harmless


def test_remove_keeps_a_config_that_names_another_python(windows):
    env, python = windows
    where = target("win32", env)
    install_addin(platform="win32", environ=env, executable=str(python / "python.exe"), encoding="gbk")
    where.config.write_bytes(b'"INTERPRETER_WIN","D:\\Python313\\pythonw.exe"\r\n"SHOW CONSOLE","True"\r\n')
    assert remove_addin(platform="win32", environ=env, executable=str(python / "python.exe"), encoding="gbk") == [where.addin]
    assert where.config.read_bytes() == b'"INTERPRETER_WIN","D:\\Python313\\pythonw.exe"\r\n"SHOW CONSOLE","True"\r\n'


def test_install_on_macos_also_copies_xlwings_applescript(tmp_path):
    import xlwings

    home = tmp_path / "home"
    (home / "Applications" / "Microsoft Excel.app").mkdir(parents=True)
    done = install_addin(platform="darwin", environ={"HOME": str(home)}, executable="/usr/local/bin/python3.12")
    assert done.addin == home / MAC_STARTUP / "nianbao.xlam"
    assert done.addin.read_bytes() == XLAM.read_bytes()
    script = home / "Library/Application Scripts/com.microsoft.Excel" / f"xlwings-{xlwings.__version__}.applescript"
    assert done.script == script and script.read_bytes() == (Path(xlwings.__file__).parent / script.name).read_bytes()
    assert done.config.read_bytes() == b'"INTERPRETER_MAC","/usr/local/bin/python3.12"\r\n'


def test_no_excel_is_said_plainly(tmp_path):
    env = {"APPDATA": str(tmp_path / "Roaming"), "USERPROFILE": str(tmp_path / "u")}
    with pytest.raises(NoExcel, match="本电脑没有找到 Microsoft Excel，加载项无法安装（WPS 表格不能运行加载项）"):
        install_addin(platform="win32", environ=env)
    assert not (tmp_path / "Roaming").exists()
    with pytest.raises(NoExcel, match="本电脑没有找到 Microsoft Excel"):
        install_addin(platform="darwin", environ={"HOME": str(tmp_path)})
    with pytest.raises(NoExcel, match="本电脑不是 Windows 或 macOS，没有 Microsoft Excel，不能使用加载项"):
        install_addin(platform="linux", environ={"HOME": str(tmp_path)})


def test_a_user_without_appdata_is_told(tmp_path):
    with pytest.raises(AddinInstallError, match="没有找到当前用户的 APPDATA"):
        target("win32", {"USERPROFILE": str(tmp_path)})


def test_the_excel_extra_pins_the_xlwings_the_addin_was_built_from():
    import xlwings

    assert required_xlwings() == xlwings.__version__ == "0.37.8"


# --- the commands on this computer (Linux: no Excel) -----------------------------------------------


def test_cli_path_prints_the_packaged_addin():
    result = CliRunner().invoke(main, ["addin", "path"])
    assert result.exit_code == 0
    assert Path(result.output.strip()).read_bytes() == XLAM.read_bytes()


@pytest.mark.skipif(sys.platform in ("win32", "darwin"), reason="this computer may have Excel")
@pytest.mark.parametrize("command", ["install", "remove"])
def test_cli_without_excel_says_so_and_exits_1(command):
    result = CliRunner().invoke(main, ["addin", command])
    assert result.exit_code == 1
    assert result.output.startswith("错误：本电脑不是 Windows 或 macOS，没有 Microsoft Excel，不能使用加载项。请使用命令行")


def test_version_is_the_packages():
    from importlib.metadata import version

    assert version("nianbao") == __version__

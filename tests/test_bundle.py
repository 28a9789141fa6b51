"""The offline Windows bundle (nianbao.bundle): complete for Windows, resolved with Windows' markers.

The bundle is built once per session from this checkout, with the package index (it downloads every
dependency as a win_amd64 wheel); CI reaches the index. Only where the index cannot be reached are
those tests skipped, and they say so.
"""

from __future__ import annotations

import os
import re
import subprocess
import urllib.request
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from nianbao import __version__
from nianbao.bundle import PYTHONS, UV_PLATFORM, BundleError, batch_bytes, find_uv, wheel_version, write_scripts
from nianbao.cli import main

REPO = Path(__file__).parent.parent
INDEX = os.environ.get("UV_DEFAULT_INDEX") or os.environ.get("UV_INDEX_URL") or "https://pypi.org/simple"


def index_unreachable() -> str | None:
    """Why the package index cannot be reached, or None when it can."""
    try:
        with urllib.request.urlopen(f"{INDEX.rstrip('/')}/pywin32/", timeout=20) as response:
            response.read(1)
    except OSError as e:
        return f"the package index {INDEX} cannot be reached ({e}); the bundle needs it to download the Windows wheels"
    return None


@pytest.fixture(scope="session")
def bundle(tmp_path_factory) -> Path:
    reason = index_unreachable()
    if reason:
        pytest.skip(reason)
    folder = tmp_path_factory.mktemp("bundle") / f"nianbao-{__version__}-windows"
    result = CliRunner().invoke(main, ["bundle", "windows", "--source", str(REPO), "-o", str(folder), "--zip"])
    assert result.exit_code == 0, result.output
    assert f"已生成 nianbao {__version__} 的Windows离线安装包：{folder}" in result.output
    return folder


def resolve_offline(folder: Path, python: str) -> list[str]:
    """nianbao[excel] resolved for 64-bit Windows CPython ``python`` from the bundle's wheels alone."""
    result = subprocess.run(
        [find_uv(), "pip", "compile", "-", "--quiet", "--no-python-downloads", "--no-header", "--no-annotate",
         "--python-platform", UV_PLATFORM, "--python-version", python, "--no-index", "--find-links", str(folder / "wheels")],
        input="nianbao[excel]\n", capture_output=True, text=True, check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.split()


@pytest.mark.parametrize("python", PYTHONS)
def test_bundle_installs_nianbao_excel_on_windows_from_its_own_wheels(bundle, python):
    pins = resolve_offline(bundle, python)
    names = {pin.split("==")[0] for pin in pins}
    assert f"nianbao=={__version__}" in pins and "xlwings==0.37.8" in pins
    assert "pywin32" in names  # xlwings needs it on Windows: markers evaluated for Windows, not for this Linux
    assert {"pandas", "numpy", "lxml", "python-calamine", "openpyxl", "click", "rich"} <= names


def test_bundle_holds_only_wheels_for_64_bit_windows(bundle):
    tags = {re.match(r".+-([^-]+-[^-]+-[^-]+)\.whl$", p.name).group(1) for p in (bundle / "wheels").iterdir()}
    assert tags and all(tag.endswith(("-any", "-win_amd64")) for tag in tags), tags
    cp = {m.group(1) for tag in tags if (m := re.match(r"cp(3\d+)-cp3\d+-win_amd64", tag))}
    assert cp == {python.replace(".", "") for python in PYTHONS}


def test_bundle_addin_is_the_checked_in_build_and_scripts_name_this_version(bundle):
    assert (bundle / "nianbao.xlam").read_bytes() == (REPO / "addin" / "nianbao.xlam").read_bytes()
    install = (bundle / "安装.bat").read_bytes().decode("gbk")
    assert f'"nianbao[excel]=={__version__}"' in install
    assert f'if not exist "%HERE%wheels\\nianbao-{__version__}-py3-none-any.whl" goto not_extracted' in install


def test_bundle_zip_has_the_folder_with_utf8_names(bundle):
    with zipfile.ZipFile(bundle.with_name(bundle.name + ".zip")) as z:
        infos = {i.filename: i for i in z.infolist()}
        assert z.read(f"{bundle.name}/安装.bat") == (bundle / "安装.bat").read_bytes()
    assert infos[f"{bundle.name}/卸载.bat"].flag_bits & 0x800  # the UTF-8 name flag
    assert {name.split("/")[0] for name in infos} == {bundle.name}


# --- the scripts, without the network ------------------------------------------------------------


@pytest.fixture()
def scripts(tmp_path) -> Path:
    write_scripts(tmp_path, "0.1.0", "nianbao-0.1.0-py3-none-any.whl", PYTHONS)
    return tmp_path


@pytest.mark.parametrize("name", ["安装.bat", "卸载.bat"])
def test_batch_files_are_gbk_with_crlf_and_ascii_commands(scripts, name):
    data = (scripts / name).read_bytes()
    assert b"\n" not in data.replace(b"\r\n", b"")  # CRLF only: cmd.exe misreads labels in LF files
    text = data.decode("gbk")
    assert not text.startswith("\ufeff")  # a BOM would make the first line an unknown command
    for line in text.split("\r\n"):
        if not line.lstrip().lower().startswith(("echo ", "rem ")):
            assert line.isascii(), line  # Chinese only in what is shown, never in what runs
    # every Chinese character's GBK bytes are >= 0x80: on another code page no byte turns into | or ^
    assert all(b >= 0x80 for c in text if not c.isascii() for b in c.encode("gbk"))


def test_install_bat_installs_offline_then_the_addin(scripts):
    text = (scripts / "安装.bat").read_bytes().decode("gbk")
    assert '%PY% -m pip install --no-index --find-links "%HERE%wheels" --no-warn-script-location "nianbao[excel]==0.1.0"' in text
    assert "%PY% -m nianbao addin install\r\nif errorlevel 2 goto addin_failed\r\nif errorlevel 1 goto no_excel\r\n" in text
    assert "for %%V in (3.15 3.14 3.13 3.12 3.11) do call :probe py -%%V-64" in text
    assert "sys.version_info[:2] in [(3,15),(3,14),(3,13),(3,12),(3,11)]" in text and "struct.calcsize('P')==8" in text
    assert 'if /i "%~1"=="/quiet" set "QUIET=1"' in text and "if defined QUIET exit /b %RC%" in text
    assert "需要 64 位的 Python 3.11 至 3.15" in text


def test_uninstall_bat_removes_the_addin_and_the_packages(scripts):
    text = (scripts / "卸载.bat").read_bytes().decode("gbk")
    assert "%PY% -m nianbao addin remove\r\n%PY% -m pip uninstall -y nianbao xlwings\r\n" in text
    assert '-c "import nianbao"' in text


def test_readme_is_utf8_with_bom_for_notepad(scripts):
    data = (scripts / "说明.txt").read_bytes()
    assert data.startswith("\ufeff".encode()) and b"\n" not in data.replace(b"\r\n", b"")
    assert "需要 64 位 Python 3.11 至 3.15（本安装包带有 Python 3.11、3.12、3.13、3.14、3.15 所需的全部软件包）" in data.decode("utf-8-sig")


def test_a_character_that_could_become_a_command_is_refused():
    with pytest.raises(BundleError, match="会被当成命令字符的文字：–"):
        batch_bytes("echo 3.11–3.15\n", "安装.bat")  # GBK A8 43: 0x43 is "C" on any other code page


def test_a_wheel_that_is_not_nianbaos_is_refused(tmp_path):
    other = tmp_path / "pandas-2.2.0-cp312-cp312-win_amd64.whl"
    other.write_bytes(b"PK")
    with pytest.raises(BundleError, match="不是nianbao的wheel文件"):
        wheel_version(other)


def test_cli_refuses_an_unknown_python_and_an_existing_folder(tmp_path):
    result = CliRunner().invoke(main, ["bundle", "windows", "--python", "3.9", "-o", str(tmp_path / "b")])
    assert result.exit_code == 2
    assert result.output.startswith("错误：不支持的Python版本：3.9（支持：3.11、3.12、3.13、3.14、3.15）")
    (tmp_path / "报表").mkdir()
    (tmp_path / "报表" / "峰灵镇.xlsx").write_bytes(b"a clerk's file")
    result = CliRunner().invoke(main, ["bundle", "windows", "-o", str(tmp_path / "报表")])
    assert result.exit_code == 2
    assert "已存在，而且不是以前生成的安装包" in result.output
    assert (tmp_path / "报表" / "峰灵镇.xlsx").read_bytes() == b"a clerk's file"


def test_a_bundle_for_one_python_names_just_that_one(tmp_path):
    write_scripts(tmp_path, "0.1.0", "nianbao-0.1.0-py3-none-any.whl", ("3.13",))
    install = (tmp_path / "安装.bat").read_bytes().decode("gbk")
    assert "需要 64 位的 Python 3.13，而且要先装好 Python 再运行本程序。" in install
    assert "for %%V in (3.13) do call :probe py -%%V-64" in install
    assert "sys.version_info[:2] in [(3,13)]" in install
    assert "需要 64 位 Python 3.13（本安装包带有 Python 3.13 所需的全部软件包）" in (tmp_path / "说明.txt").read_text(encoding="utf-8-sig")

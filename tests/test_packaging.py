"""The package as a release builds it: sdist, then the wheel from the sdist (uv build, as the Windows bundle does).

Built without build isolation, from the setuptools the test extra installs, so this needs no network.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

from nianbao import __version__
from nianbao.bundle import find_uv

REPO = Path(__file__).parent.parent
XLAM = REPO / "addin" / "nianbao.xlam"


@pytest.fixture(scope="module")
def dist(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    result = subprocess.run(
        [find_uv(), "build", "--no-build-isolation", "--no-python-downloads", "--python", sys.executable, "--out-dir", str(out), str(REPO)],
        capture_output=True, text=True, check=False,
    )
    assert result.returncode == 0, result.stderr
    return out


def test_the_wheel_carries_the_checked_in_addin_byte_for_byte(dist):
    with zipfile.ZipFile(dist / f"nianbao-{__version__}-py3-none-any.whl") as z:
        assert z.read("nianbao/addin/nianbao.xlam") == XLAM.read_bytes()
        names = set(z.namelist())
    assert {"nianbao/py.typed", "nianbao/bundle_files/install.bat", "nianbao/bundle_files/find_python.bat"} <= names
    assert not [n for n in names if n.startswith("addin/")]  # only inside the package


def test_the_sdist_carries_the_addin_the_wheel_is_built_from(dist):
    with tarfile.open(dist / f"nianbao-{__version__}.tar.gz") as t:
        member = t.extractfile(f"nianbao-{__version__}/addin/nianbao.xlam")
        assert member.read() == XLAM.read_bytes()


def test_the_wheel_metadata_has_the_license_and_the_version(dist):
    with zipfile.ZipFile(dist / f"nianbao-{__version__}-py3-none-any.whl") as z:
        metadata = z.read(f"nianbao-{__version__}.dist-info/METADATA").decode()
    assert f"\nVersion: {__version__}\n" in metadata
    assert "\nLicense-Expression: MIT\n" in metadata
    assert 'Requires-Dist: xlwings==0.37.8; extra == "excel"' in metadata


def test_installed_from_the_wheel_addin_path_is_the_packaged_copy(dist, tmp_path):
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-index", "--target", str(target),
                    str(dist / f"nianbao-{__version__}-py3-none-any.whl")], check=True)
    # the wheel's nianbao first on the path, ahead of this checkout's editable install
    env = {**os.environ, "PYTHONPATH": str(target)}
    out = subprocess.run([sys.executable, "-m", "nianbao", "addin", "path"], capture_output=True, text=True, env=env, check=True)
    path = Path(out.stdout.strip())
    assert path == target / "nianbao" / "addin" / "nianbao.xlam"
    assert path.read_bytes() == XLAM.read_bytes()

"""Shared fixtures: real system tools (LibreOffice, Chromium) and the bundled examples."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
REPO = Path(__file__).parent.parent
REQUIRE_TOOLS = os.environ.get("NIANBAO_REQUIRE_TOOLS") == "1"


def require_tool(name: str) -> str:
    """Path of a system program; skip without it, except in CI (NIANBAO_REQUIRE_TOOLS=1) where it must exist."""
    path = shutil.which(name)
    if path is None:
        if REQUIRE_TOOLS:
            pytest.fail(f"{name} is required (NIANBAO_REQUIRE_TOOLS=1) but not on PATH")
        pytest.skip(f"{name} not installed")
    return path


@pytest.fixture(scope="session")
def soffice() -> str:
    return require_tool("soffice")


@pytest.fixture(scope="session")
def chromium() -> str:
    return require_tool("chromium")


def libreoffice_convert(soffice: str, src: Path, fmt: str, outdir: Path, profile: Path, infilter: str | None = None) -> Path:
    """Convert ``src`` with LibreOffice headless; returns the output file. A private profile keeps
    parallel runs from fighting over the user installation. ``infilter`` names the import filter
    where LibreOffice does not detect the type itself (e.g. an .xlam add-in)."""
    outdir.mkdir(parents=True, exist_ok=True)
    result = subprocess.run(
        [soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
         *([f"--infilter={infilter}"] if infilter else []),
         "--convert-to", fmt, "--outdir", str(outdir), str(src)],
        capture_output=True, text=True, timeout=180, check=False,
    )
    out = outdir / (src.stem + "." + fmt.split(":")[0])
    if result.returncode != 0 or not out.exists():
        raise AssertionError(f"LibreOffice failed on {src}: {result.stdout}\n{result.stderr}")
    return out


@pytest.fixture()
def convert(soffice, tmp_path_factory):
    profile = tmp_path_factory.mktemp("lo-profile")

    def run(src: Path, fmt: str, outdir: Path | None = None, infilter: str | None = None) -> Path:
        return libreoffice_convert(soffice, src, fmt, outdir or tmp_path_factory.mktemp("lo-out"), profile, infilter)

    return run


@pytest.fixture(scope="session")
def examples_dir(tmp_path_factory) -> Path:
    """The bundled examples written fresh into a temporary folder."""
    from nianbao.examples import write_examples

    folder = tmp_path_factory.mktemp("examples")
    write_examples(folder)
    return folder


CORPUS = FIXTURES / "corpus"
_T2_ROWS = {"regulations": "rules", "normative_documents": "normative"}
_T2_COLUMNS = {"made": "issued", "repealed": "repealed", "in_force": "in_force"}
_T2_SINGLE = {"licensing": "t2.licensing.decisions", "punishment": "t2.punishment.decisions",
              "coercion": "t2.coercion.decisions", "fees_wan_yuan": "t2.fees.amount"}


def corpus_expected(name: str) -> dict[str, float | int | None]:
    """The transcribed numbers of a corpus report (``001``), keyed by cell id (corpus/README.md layout)."""
    import json

    from nianbao.formats import F2021

    data = json.loads((CORPUS / f"{name}.json").read_text(encoding="utf-8"))
    out: dict[str, float | int | None] = {}
    for row, cols in _T2_ROWS.items():
        for col, key in _T2_COLUMNS.items():
            out[f"t2.{cols}.{key}"] = data["t2"][row][col]
    for key, cid in _T2_SINGLE.items():
        out[cid] = data["t2"][key]
    t3 = F2021.tables["t3"].sections[0]
    for row, values in zip(t3.row_leaves, data["t3"]):
        for col, value in zip(t3.column_leaves, values):
            out[f"t3.{row.key}.{col.key}"] = value
    out.update(zip(F2021.table_cells("t4"), data["t4"]))
    return out


# --- nianbao serve: Django configured once for the test session ------------------------------------------


def pytest_configure(config):
    """Settings for the portal's tests (pytest-django then makes a test database per session).

    NIANBAO_TEST_DATABASE_URL=postgresql://… runs them against PostgreSQL; SQLite otherwise.
    """
    try:
        import django  # noqa: F401
    except ImportError:  # installed without the serve extra: its tests cannot run
        return
    import tempfile

    from nianbao.serve.settings import configure

    data_dir = Path(tempfile.mkdtemp(prefix="nianbao-serve-test-"))
    configure(data_dir, database=os.environ.get("NIANBAO_TEST_DATABASE_URL") or None)
    config._nianbao_data_dir = data_dir


def pytest_unconfigure(config):
    data_dir = getattr(config, "_nianbao_data_dir", None)
    if data_dir is not None:
        shutil.rmtree(data_dir, ignore_errors=True)


@pytest.fixture()
def t2099():
    """tests/testformat.py's made-up format (表三 with one more applicant column), registered while the test runs."""
    from testformat import T2099

    from nianbao.formats import register, unregister

    register(T2099)
    try:
        yield T2099
    finally:
        unregister(T2099.id)

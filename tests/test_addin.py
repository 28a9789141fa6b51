"""The built add-in addin/nianbao.xlam: rebuilt from its sources, read back by olevba and LibreOffice."""

from __future__ import annotations

import re
import shutil
import zipfile
from importlib.metadata import version
from pathlib import Path

import pytest
from click.testing import CliRunner
from defusedxml import ElementTree
from oletools.olevba import VBA_Parser

from nianbao import __version__, excel
from nianbao.cli import main
from nianbao.xlam import CUSTOM_UI_PART, MODULE, VERSION_MARK, AddinError, build_addin, template_path

ADDIN = Path(__file__).parent.parent / "addin"
XLAM = ADDIN / "nianbao.xlam"
NS = "{http://schemas.microsoft.com/office/2006/01/customui}"


def macros(path: Path) -> dict[str, bytes]:
    """Module name → source, as olevba reads it (CRLF kept)."""
    parser = VBA_Parser(str(path))
    try:
        return {name.rsplit(".", 1)[0]: code.encode("latin-1") if isinstance(code, str) else code
                for _f, _s, name, code in parser.extract_all_macros()}
    finally:
        parser.close()


def custom_ui(path: Path = XLAM):
    with zipfile.ZipFile(path) as z:
        return ElementTree.fromstring(z.read(CUSTOM_UI_PART))


def buttons(root) -> list:
    return list(root.iter(f"{NS}button"))


def crlf(data: bytes) -> bytes:
    return data.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")


def test_checked_in_addin_is_the_build_of_its_sources(tmp_path):
    out = build_addin(ADDIN, tmp_path / "nianbao.xlam")
    assert out.read_bytes() == XLAM.read_bytes(), "run: nianbao addin build"


def test_addin_is_a_macro_enabled_addin_package():
    with zipfile.ZipFile(XLAM) as z:
        assert z.testzip() is None
        types = z.read("[Content_Types].xml").decode()
        assert "application/vnd.ms-excel.addin.macroEnabled.main+xml" in types
        assert 'Target="customUI/customUI.xml"' in z.read("_rels/.rels").decode()
        with zipfile.ZipFile(template_path()) as t:
            assert z.namelist() == t.namelist()
            for name in z.namelist():
                if name not in (CUSTOM_UI_PART, "xl/vbaProject.bin"):
                    assert z.read(name) == t.read(name), name


def test_ribbon_tab_and_chinese_labels():
    root = custom_ui()
    tab = root.find(f"{NS}ribbon/{NS}tabs/{NS}tab")
    assert tab.get("label") == excel.TITLE == "政务公开年报"
    assert [(b.get("tag"), b.get("label")) for b in buttons(root)] == [("check", "校验"), ("text", "生成文字"), ("merge", "汇总"), ("export", "导出")]


def test_every_on_action_names_a_sub_of_the_ribbon_module():
    source = macros(XLAM)[MODULE].decode("ascii")
    subs = set(re.findall(r"^Sub (\w+)\(control As IRibbonControl\)", source, re.M))
    actions = {b.get("onAction") for b in buttons(custom_ui())}
    assert actions == {f"{MODULE}.OnButton"} and subs == {"OnButton"}


def test_every_tag_has_a_python_button_and_every_button_a_tag():
    assert {b.get("tag") for b in buttons(custom_ui())} == set(excel.BUTTONS)


def test_module_source_read_back_equals_the_bas_file_with_the_version_written_in():
    bas = crlf((ADDIN / f"{MODULE}.bas").read_bytes())
    assert macros(XLAM)[MODULE] == bas.replace(VERSION_MARK, __version__.encode())


def test_every_button_passes_the_version_the_addin_was_built_for():
    source = macros(XLAM)[MODULE].decode("ascii")
    assert re.findall(r"x\.dispatch\('\" & control\.Tag & \"', '([^']*)'\)", source) == [__version__]


def test_a_build_for_another_version_differs_only_in_that_version(tmp_path):
    other = build_addin(ADDIN, tmp_path / "other.xlam", version="0.2.0")
    assert macros(other)[MODULE] == macros(XLAM)[MODULE].replace(f"'{__version__}'".encode(), b"'0.2.0'")


def test_other_modules_are_the_templates_own():
    built, original = macros(XLAM), macros(template_path())
    assert set(built) == set(original) == {"ThisWorkbook", "Dictionary", MODULE, "Sheet2", "xlwings"}
    for name in original:
        if name != MODULE:
            assert built[name] == original[name], name


def test_xlwings_vba_version_is_the_pinned_xlwings():
    pinned = set(re.findall(r'"xlwings==([^"]+)"', (ADDIN.parent / "pyproject.toml").read_text(encoding="utf-8")))
    vba = macros(XLAM)["xlwings"].decode("latin-1")
    found = re.search(r'XLWINGS_VERSION As String = "([^"]+)"', vba).group(1)
    assert pinned == {found} == {version("xlwings")}


def test_vba_is_ascii():
    (ADDIN / f"{MODULE}.bas").read_bytes().decode("ascii")


@pytest.mark.libreoffice
def test_libreoffice_opens_the_addin_and_lists_its_modules(convert):
    ods = convert(XLAM, "ods", infilter="Calc MS Excel 2007 VBA XML")
    with zipfile.ZipFile(ods) as z:
        library = z.read("Basic/MyAddin/script-lb.xml").decode()
        ribbon = z.read(f"Basic/MyAddin/{MODULE}.xml").decode()
    assert re.findall(r'library:element library:name="(\w+)"', library) == [
        "Dictionary", MODULE, "Sheet2", "ThisWorkbook", "xlwings",
    ]
    assert "Sub OnButton(control As IRibbonControl)" in ribbon
    assert f"x.dispatch(&apos;&quot; &amp; control.Tag &amp; &quot;&apos;, &apos;{__version__}&apos;)" in ribbon


# --- the build refuses what would not work ---------------------------------------------------


def sources(tmp_path: Path, bas: bytes | None = None, ui: str | None = None) -> Path:
    folder = tmp_path / "src"
    shutil.copytree(ADDIN, folder, ignore=shutil.ignore_patterns("*.xlam", "*.md"))
    if bas is not None:
        (folder / f"{MODULE}.bas").write_bytes(bas)
    if ui is not None:
        (folder / "customUI.xml").write_text(ui, encoding="utf-8")
    return folder


def test_build_refuses_non_ascii_vba(tmp_path):
    bas = (ADDIN / f"{MODULE}.bas").read_bytes().replace(b"Every button", "每个按钮".encode())
    with pytest.raises(AddinError, match="必须只含ASCII字符"):
        build_addin(sources(tmp_path, bas=bas), tmp_path / "x.xlam")


@pytest.mark.parametrize("bas", [
    b'Attribute VB_Name = "RibbonMyAddin"\r\nSub OnButton(control As IRibbonControl)\r\n    RunPython "x"\r\nEnd Sub\r\n',
    (ADDIN / f"{MODULE}.bas").read_bytes().replace(b"' Every", b"' NIANBAO_VERSION: every"),
])
def test_build_refuses_a_module_without_exactly_one_version_mark(tmp_path, bas):
    with pytest.raises(AddinError, match="应有且只有一处 NIANBAO_VERSION"):
        build_addin(sources(tmp_path, bas=bas), tmp_path / "x.xlam")


def test_build_refuses_an_on_action_without_its_sub(tmp_path):
    ui = (ADDIN / "customUI.xml").read_text(encoding="utf-8").replace("OnButton", "OnClick")
    with pytest.raises(AddinError, match='onAction="RibbonMyAddin.OnClick"'):
        build_addin(sources(tmp_path, ui=ui), tmp_path / "x.xlam")
    assert not (tmp_path / "x.xlam").exists()


def test_build_refuses_a_module_too_long_for_its_slot(tmp_path):
    bas = (ADDIN / f"{MODULE}.bas").read_bytes() + b"' " + bytes(range(65, 91)) * 20 + b"\r\n"
    with pytest.raises(AddinError, match="太长.*216字节"):
        build_addin(sources(tmp_path, bas=bas), tmp_path / "x.xlam")


def test_cli_builds_the_addin(tmp_path):
    out = tmp_path / "nianbao.xlam"
    result = CliRunner().invoke(main, ["addin", "build", "--source", str(ADDIN), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"已生成加载项：{out}")
    assert out.read_bytes() == XLAM.read_bytes()


def test_cli_names_missing_sources(tmp_path):
    result = CliRunner().invoke(main, ["addin", "build", "--source", str(tmp_path), "-o", str(tmp_path / "x.xlam")])
    assert result.exit_code == 2
    assert f"{tmp_path} 中缺少：customUI.xml、RibbonMyAddin.bas" in result.output

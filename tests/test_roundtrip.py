"""What `nianbao export` publishes, `nianbao import` reads back to the same Report (issue 6)."""

from __future__ import annotations

import pytest
from conftest import REPO, require_tool

from nianbao.examples import EXAMPLES
from nianbao.export import export
from nianbao.formats import F2021
from nianbao.importers import import_report
from nianbao.report import State
from nianbao.workbook.read import read_workbook

EXAMPLES_DIR = REPO / "template" / "examples"


def same_report(imported, original):
    """Every number, every not-a-number state and every text slot agree."""
    assert {c: imported.values[c] for c in F2021.cell_ids} == {c: original.values[c] for c in F2021.cell_ids}
    blank_or_na = (State.BLANK, State.NOT_APPLICABLE)
    assert {c: s for c, s in imported.states.items() if s in blank_or_na} == {
        c: s for c, s in original.states.items() if s in blank_or_na
    }
    assert imported.text == original.text
    assert (imported.meta.name, imported.meta.year) == (original.meta.name, original.meta.year)


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda e: e.file)
@pytest.mark.parametrize("kind", ["docx", "html"])
def test_exported_report_imports_to_the_same_report(tmp_path, example, kind):
    source = EXAMPLES_DIR / example.file
    original = read_workbook(source)
    out = tmp_path / f"年报.{kind}"
    export(source, allow_errors=True, **{kind: out})
    same_report(import_report(out), original)


def test_exported_pdf_imports_to_the_same_report(tmp_path):
    require_tool("soffice")
    source = EXAMPLES_DIR / "巫溪县峰灵镇人民政府-2023.xlsx"
    export(source, pdf=tmp_path / "年报.pdf")
    same_report(import_report(tmp_path / "年报.pdf"), read_workbook(source))

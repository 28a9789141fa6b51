"""Real published reports with transcribed numbers, typed into the template, check as their notes describe."""

from __future__ import annotations

import json

import pytest
from conftest import FIXTURES
from workbooks import workbook

from nianbao.check import check
from nianbao.formats import F2021
from nianbao.report import Report, findings_table
from nianbao.workbook.read import read_workbook

CORPUS = FIXTURES / "corpus"
LEVELS = {"city": "市级政府", "county": "县级政府", "township": "乡镇/街道", "department": "县级部门"}
T3 = F2021.tables["t3"].sections[0]
T4 = F2021.tables["t4"].sections[0]


def transcribed(name: str) -> Report:
    """The corpus JSON as a Report (layout described in tests/fixtures/corpus/README.md)."""
    d = json.loads((CORPUS / f"{name}.json").read_text(encoding="utf-8"))
    n = {}
    for key, row in (("regulations", "rules"), ("normative_documents", "normative")):
        for src, col in (("made", "issued"), ("repealed", "repealed"), ("in_force", "in_force")):
            n[f"t2.{row}.{col}"] = d["t2"][key][src]
    n["t2.licensing.decisions"] = d["t2"]["licensing"]
    n["t2.punishment.decisions"] = d["t2"]["punishment"]
    n["t2.coercion.decisions"] = d["t2"]["coercion"]
    n["t2.fees.amount"] = d["t2"]["fees_wan_yuan"]
    for row, values in zip(T3.row_leaves, d["t3"]):
        for col, v in zip(T3.column_leaves, values):
            n[f"t3.{row.key}.{col.key}"] = v
    for col, v in zip(T4.column_leaves, d["t4"]):
        n[f"t4.{col.key}"] = v
    return Report.from_numbers(n, name=d["unit"], year=d["year"], level=LEVELS[d["level"]])


# The notes list no broken identity for these three (errors_found is empty). 004 prints its fee
# with six decimals (24252.311082 万元): exact to the 分, not flagged (docs/format.md §5.1 N2, issue 12).
# Only the numbers are typed in, so each report's text is missing (S12).
NO_TEXT = ("S12", "warning", "文字!B3")
EXPECTED = {
    "001": [NO_TEXT],
    "004": [NO_TEXT],
    "005": [NO_TEXT],
}


@pytest.mark.parametrize("name", list(EXPECTED))
def test_corpus_report_typed_into_the_template_checks_as_described(tmp_path, name):
    source = transcribed(name)
    assert json.loads((CORPUS / f"{name}.json").read_text(encoding="utf-8"))["errors_found"] == []
    r = read_workbook(workbook(tmp_path / f"{name}.xlsx", base=source))
    assert {cid: r.values[cid] for cid in source.values} == source.values
    assert findings_table(check(r)) == EXPECTED[name]

"""The versioned JSON of check, merge and import: real outputs valid against the schema files in the package."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from conftest import CORPUS, FIXTURES
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from unitbooks import one_application, unit_book

from nianbao.cli import main
from nianbao.examples import EXAMPLES
from nianbao.json_output import OUTPUT_SCHEMA, OUTPUT_VERSION, schema
from nianbao.merge.batch import CATEGORIES, CATEGORY_CODES
from nianbao.report import REPORT_SCHEMA, REPORT_VERSION, Report, Verdict
from nianbao.sources import read_report

REGISTRY = Registry().with_resources(
    (s["$id"], Resource.from_contents(s)) for s in (schema("output"), schema("report"))
)


def valid(document: dict, name: str = "output") -> dict:
    Draft202012Validator(schema(name), registry=REGISTRY).validate(document)
    return document


def run(*args) -> tuple[int, dict]:
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, json.loads(result.output)


def test_the_schema_files_are_valid_schemas_with_the_ids_the_outputs_name():
    for name, identifier in (("output", OUTPUT_SCHEMA), ("report", REPORT_SCHEMA)):
        Draft202012Validator.check_schema(schema(name))
        assert schema(name)["$id"] == identifier


def test_check_json_of_every_kind_of_file(examples_dir, tmp_path):
    (tmp_path / "~$单位.xlsx").write_bytes(b"\x05Excel")  # the lock file of a workbook open in Excel
    files = [examples_dir / e.file for e in EXAMPLES] + [
        FIXTURES / "import" / "digits-ambiguous.txt", tmp_path / "没有.xlsx", tmp_path / "~$单位.xlsx",
    ]
    code, doc = run("check", *files, "--json")
    assert code == 2
    assert (doc["$schema"], doc["version"], doc["command"]) == (OUTPUT_SCHEMA, OUTPUT_VERSION, "check")
    assert [(f["status"], f["status_label"]) for f in valid(doc)["files"]] == [
        ("warnings", "有警告"), ("errors", "有错误"), ("incomplete", "部分未读取"), ("unreadable", "无法读取"),
        ("skipped", "已跳过"),
    ]
    unread = doc["files"][2]
    assert unread["counts"] == {"error": 0, "warning": 0, "info": 2, "unread": 1, "acknowledged": 0}
    assert [(f["rule"], f["severity"]) for f in unread["findings"] if f["severity"] == "unread"] == [("D2", "unread")]
    assert doc["files"][3]["error_kind"] == "FileMissing"


def test_import_json_has_one_shape_for_one_file_and_for_several(tmp_path):
    (tmp_path / "scan.pdf").write_bytes((FIXTURES / "import" / "scanned.pdf").read_bytes())
    code, one = run("import", CORPUS / "001.txt", "--json")
    assert code == 0 and [f["file"] for f in valid(one)["files"]] == [str(CORPUS / "001.txt")]
    code, several = run("import", CORPUS / "001.txt", CORPUS / "004.txt", tmp_path / "scan.pdf", "--json")
    assert code == 2
    assert [(f["status"], f.get("error_kind")) for f in valid(several)["files"]] == [
        ("passed", None), ("incomplete", None), ("unreadable", "NoTextLayer"),
    ]
    assert several["files"][0] == one["files"][0]
    assert Report.from_dict(several["files"][1]["report"]).values["t2.normative.issued"] is None  # the D2 cell


def test_merge_json_lists_units_with_their_findings_submissions_and_files(tmp_path):
    inbox = tmp_path / "in"
    unit_book(inbox / "甲.xlsx", "示例县甲局", {**one_application(), "t3.total.total": 2})
    unit_book(inbox / "乙.xlsx", "示例县乙局", one_application(), year=2023)
    (inbox / "坏.xlsx").write_bytes(b"")
    roster = tmp_path / "名单.csv"
    roster.write_text("单位名称\n示例县甲局\n示例县丙局\n", encoding="utf-8")
    code, doc = run("merge", inbox, "-o", tmp_path / "汇总.xlsx", "--roster", roster, "--json")
    assert code == 2
    valid(doc)
    assert [(u["unit"], u["status"], u["counts"]["error"]) for u in doc["units"]] == [
        ("示例县甲局", "errors", 3), ("坏", "unreadable", 0),
    ]
    assert [f["rule"] for f in doc["units"][0]["findings"]] == ["T3-V", "T3-H", "T3-ID"]
    assert doc["units"][0]["findings"][2]["message"].endswith("（可能由表三!J28的列合计错误、行合计错误引起，请先改正该处）")
    assert {s["category"] for s in doc["submissions"]} == {"missing", "unreadable", "wrong_year"}
    assert [(f["file"], f["outcome"], f["outcome_label"]) for f in doc["files"]] == [
        ("乙.xlsx", "not_used", "未采用：2023年度"), ("坏.xlsx", "unreadable", "无法读取"), ("甲.xlsx", "used", "已汇总"),
    ]


def test_every_submission_category_has_a_code_for_programs():
    assert set(CATEGORY_CODES) == set(CATEGORIES)
    assert set(CATEGORY_CODES.values()) == set(
        schema("output")["$defs"]["merge"]["properties"]["submissions"]["items"]["properties"]["category"]["enum"]
    )
    assert [v.value for v in Verdict] == schema("output")["$defs"]["status"]["enum"]


@pytest.mark.parametrize("source", ["example", "imported", "old"])
def test_a_saved_report_is_versioned_and_valid(examples_dir, source):
    if source == "example":
        report = read_report(examples_dir / EXAMPLES[1].file)
    elif source == "imported":
        report = read_report(CORPUS / "004.txt")
    else:  # what nianbao saved before its JSON had a version reads as version 1
        saved = Report.empty(name="某局", year=2023).to_dict()
        del saved["$schema"], saved["version"]
        report = Report.from_dict(saved)
    saved = valid(report.to_dict(), "report")
    assert (saved["$schema"], saved["version"]) == (REPORT_SCHEMA, REPORT_VERSION)
    assert Report.from_json(report.to_json()).to_dict() == saved


def test_a_report_saved_by_a_newer_nianbao_is_refused_in_plain_words(tmp_path):
    newer = Report.empty(name="某局", year=2023).to_dict() | {"version": REPORT_VERSION + 1}
    path = tmp_path / "2023.json"
    path.write_text(json.dumps(newer, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(ValueError):
        Report.from_dict(newer)
    result = CliRunner().invoke(main, ["check", str(path)])
    assert result.exit_code == 2 and "由更新版本的nianbao保存（格式版本2）" in result.output


def test_what_import_json_prints_is_a_report_check_reads(tmp_path):
    _, doc = run("import", CORPUS / "001.txt", "--json")
    saved = tmp_path / "001.json"
    saved.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    assert read_report(saved).to_dict() == Report.from_dict(doc["files"][0]["report"]).to_dict()

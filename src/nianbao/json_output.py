"""Versioned JSON for programs: what ``check --json``, ``merge --json`` and ``import --json`` print.

    >>> from nianbao.report import Report
    >>> doc = document("check", [file_result("单位.xlsx", Report.empty(), [])])
    >>> doc["version"], doc["command"], doc["files"][0]["status"], doc["files"][0]["status_label"]
    (1, 'check', 'passed', '通过')

One envelope for the three commands, the same shape whatever the number of
files: ``{"$schema", "version", "command", "files": [...]}`` (merge adds the
units, 报送情况 and the totals). Values programs compare are English
(``"status": "errors"``); the Chinese words for people sit beside them
(``"status_label": "有错误"``). The shape is the JSON Schema shipped in the
package (data/schema/output-1.schema.json, ``schema("output")``), documented
in docs/json.md. Removing or renaming a field, or changing what it means,
raises OUTPUT_VERSION; adding one does not.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from importlib import resources
from typing import TYPE_CHECKING, Any

from .report import REPORT_SCHEMA, Finding, Report, Severity, Verdict, count_by_severity

if TYPE_CHECKING:
    from .errors import SourceError
    from .merge import MergeResult
    from .parts import Column

OUTPUT_VERSION = 1
OUTPUT_SCHEMA = "urn:nianbao:schema:output:1"
SCHEMA_FILES = {"output": "output-1.schema.json", "report": "report-1.schema.json"}
SCHEMAS = {"output": OUTPUT_SCHEMA, "report": REPORT_SCHEMA}  # name -> $id


def schema(name: str = "output") -> dict[str, Any]:
    """The JSON Schema ``name`` ("output" or "report") as shipped in the package."""
    text = (resources.files("nianbao") / "data" / "schema" / SCHEMA_FILES[name]).read_text(encoding="utf-8")
    return json.loads(text)


def counts(findings: list[Finding]) -> dict[str, int]:
    """{"error": n, "warning": n, "info": n, "unread": n, "acknowledged": n}: what is open, by severity."""
    by = count_by_severity(findings)
    return {s.value: by[s] for s in Severity} | {"acknowledged": sum(1 for f in findings if f.acknowledged)}


def _status(verdict: Verdict) -> dict[str, str]:
    return {"status": verdict.value, "status_label": verdict.label}


def file_result(path: str, report: Report, findings: list[Finding], *, with_report: bool = False,
                part: str = "") -> dict[str, Any]:
    """One file that was read: its status, details, counts and findings (and the whole Report, for import).
    ``part`` says which unit of a file that holds several (工作表「办公室」, 第5行)."""
    out: dict[str, Any] = {
        "file": path,
        **({"part": part} if part else {}),
        **_status(Verdict.of(findings)),
        "meta": {k: v for k, v in asdict(report.meta).items() if k != "source"},
        "counts": counts(findings),
        "findings": [f.to_dict() for f in findings],
    }
    if with_report:
        out["report"] = report.to_dict()
    return out


def unreadable_file(path: str, error: SourceError) -> dict[str, Any]:
    """One file that could not be used at all, with the reason in Chinese and the error's kind."""
    return {"file": path, **_status(Verdict.UNREADABLE), "error": error.message, "error_kind": type(error).__name__}


def unreadable_part(path: str, part: str, error: str) -> dict[str, Any]:
    """A unit of a file that holds several, which cannot be used (a 明细 row of a unit unreadable there)."""
    return {"file": path, "part": part, **_status(Verdict.UNREADABLE), "error": error, "error_kind": "UnitUnreadable"}


def skipped_file(path: str, reason: str, part: str = "") -> dict[str, Any]:
    """A file passed over on purpose (Excel's ~$ lock file), or a part of one that holds no unit, with the reason."""
    return {"file": path, **({"part": part} if part else {}), "status": "skipped", "status_label": "已跳过", "reason": reason}


def document(command: str, files: list[dict[str, Any]], **more: Any) -> dict[str, Any]:
    return {"$schema": OUTPUT_SCHEMA, "version": OUTPUT_VERSION, "command": command, "files": files, **more}


def _category(label: str) -> str:
    from .merge.batch import CATEGORY_CODES

    return CATEGORY_CODES[label]


def _outcome(label: str) -> str:
    from .merge.batch import NOT_USED, UNREADABLE, USED

    if label == USED:
        return "used"
    if label == UNREADABLE:
        return "unreadable"
    if label.startswith(NOT_USED):
        return "not_used"
    raise ValueError(f"unknown outcome {label!r}")


def columns(cols: list[Column]) -> list[dict[str, Any]]:
    """A flat table's column matching: each column's header and the cell or unit detail it was read into."""
    return [{"sheet": c.sheet, "column": c.letter, "header": c.header, "cell": c.cell, "field": c.field, "how": c.how}
            for c in cols]


def merge_document(result: MergeResult) -> dict[str, Any]:
    """``nianbao merge --json``: every input file, every unit with its findings, 报送情况 and the totals."""
    batch = result.batch
    units = []
    for u in batch.units:
        match = None
        if u.match is not None:
            match = "exact" if u.match.exact else ("fuzzy" if u.match.index is not None else "none")
        units.append({
            "unit": u.display, "name": u.record.meta.name, "file": u.record.relative, "part": u.record.part, **_status(u.status),
            "roster": u.roster.name if u.roster else None, "match": match,
            "counts": counts(u.findings), "findings": [f.to_dict() for f in u.findings], "error": u.record.error,
        })
    files = []
    for r in batch.records:
        label = batch.outcome.get(r.where, "")
        entry: dict[str, Any] = {"file": r.relative, "part": r.part, "outcome": _outcome(label), "outcome_label": label, "sha256": r.sha256}
        if r.columns:
            entry["columns"] = columns(r.columns)
        if r.merge_output and r.readable:
            entry["units"] = r.units
        files.append(entry)
    return document(
        "merge", files,
        output=str(result.output) if result.output else None,
        year=batch.year,
        headline=batch.headline(),
        units=units,
        submissions=[
            {"category": _category(s.category), "category_label": s.category, "unit": s.unit, "file": s.file, "note": s.note,
             "via": s.via}
            for s in batch.submissions
        ],
        summary={"values": result.summary.values, "findings": [f.to_dict() for f in result.summary_findings]},
    )


def dumps(doc: dict[str, Any]) -> str:
    return json.dumps(doc, ensure_ascii=False, indent=1)

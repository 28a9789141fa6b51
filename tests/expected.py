"""What a careful reviewer says of each published report in tests/fixtures: the numbers it prints, and
the findings that are true of it — declared by hand in ``NAME.expected.json`` next to the fixture.

    >>> [e.name for e in load_all() if e.name.startswith("001")]          # doctest: +SKIP
    ['001.txt']

Read by tests/test_expected.py (the tool must say exactly this) and benchmarks/bench_findings.py (which
counts findings right / wrong and cells read / unread / wrong, the figures of docs/import.md §质量).

``NAME.expected.json`` (NAME is the fixture's file name, e.g. ``001.txt.expected.json``):

* ``kind``: ``real`` (a published report as stored), ``derived`` (a real report changed on purpose to
  show one difficulty) or ``made-up`` (invented text in the shape real reports have);
* ``about``: one line on what the fixture is;
* ``cells``: the numbers as printed. A base — ``{"transcribed": "001.json"}`` (a corpus transcription,
  tests/fixtures/corpus/README.md layout), ``{"example": 0}`` (the bundled example's report),
  ``{"zero": true}`` (every cell 0), or nothing (no cell printed) — then ``values`` to override single
  cells and ``absent`` (cell-id prefixes the fixture does not print). A value is a number, ``""`` (a cell
  printed blank), ``"/"`` (printed as not applicable), ``{"words": "无"}`` (printed words) or ``null``
  (not printed at all: cut off, or a table the format of that year does not have);
* ``last_year`` (optional): a fixture checked as the ``--last-year`` report;
* ``import`` (optional): ``name`` / ``year`` / ``level`` given on the command line;
* ``findings``: every finding the report deserves, ``{"rule", "cell", "why"}``, where ``cell`` is the id
  of the finding's first cell and ``why`` says in one line why it is true.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).parent / "fixtures"
SUFFIX = ".expected.json"
TOOL_LIMITS = ("D2",)  # what the tool could not read; never the report's own error (issue 12 item 6)


@dataclass
class Expected:
    path: Path  # the fixture
    kind: str
    about: str
    cells: dict[str, Any]  # cid -> number | "" | "/" | {"words": …} | None (not printed)
    findings: list[tuple[str, str, str]]  # rule, first cell id, why
    last_year: Path | None = None
    options: dict[str, Any] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return str(self.path.relative_to(FIXTURES))


def _base_cells(spec: dict[str, Any], folder: Path) -> dict[str, Any]:
    from nianbao.formats import F2021

    if "transcribed" in spec:
        return _transcribed(folder / spec["transcribed"])
    if "example" in spec:
        return _example(int(spec["example"]))
    if spec.get("zero"):
        return dict.fromkeys(F2021.cell_ids, 0)
    return dict.fromkeys(F2021.cell_ids)


def _transcribed(path: Path) -> dict[str, Any]:
    from nianbao.formats import F2021

    data = json.loads(path.read_text(encoding="utf-8"))
    out: dict[str, Any] = {}
    for src, row in (("regulations", "rules"), ("normative_documents", "normative")):
        for col, key in (("made", "issued"), ("repealed", "repealed"), ("in_force", "in_force")):
            out[f"t2.{row}.{key}"] = data["t2"][src][col]
    for src, cid in (("licensing", "t2.licensing.decisions"), ("punishment", "t2.punishment.decisions"),
                     ("coercion", "t2.coercion.decisions"), ("fees_wan_yuan", "t2.fees.amount")):
        out[cid] = data["t2"][src]
    t3 = F2021.tables["t3"].sections[0]
    for row, values in zip(t3.row_leaves, data["t3"]):
        for col, v in zip(t3.column_leaves, values):
            out[f"t3.{row.key}.{col.key}"] = v
    out.update(zip(F2021.table_cells("t4"), data["t4"]))
    return out


def _example(index: int) -> dict[str, Any]:
    from nianbao.examples import EXAMPLES
    from nianbao.formats import F2021
    from nianbao.report import State

    report = EXAMPLES[index].report
    out: dict[str, Any] = {}
    for cid in F2021.cell_ids:
        state = report.state(cid)
        if state is State.BLANK:
            out[cid] = ""
        elif state is State.NOT_APPLICABLE:
            out[cid] = "/"
        elif state is State.TEXT:
            out[cid] = {"words": report.raw[cid]}
        else:
            out[cid] = report.values[cid]
    return out


def load(spec_path: Path) -> Expected:
    spec = json.loads(spec_path.read_text(encoding="utf-8"))
    folder = spec_path.parent
    cells_spec = spec.get("cells", {})
    cells = _base_cells(cells_spec, folder)
    for prefix in cells_spec.get("absent", ()):
        cells.update({c: None for c in cells if c.startswith(prefix)})
    cells.update(cells_spec.get("values", {}))
    findings = [(f["rule"], f["cell"], f["why"]) for f in spec.get("findings", ())]
    last = folder / spec["last_year"] if spec.get("last_year") else None
    fixture = spec_path.with_name(spec_path.name.removesuffix(SUFFIX))
    return Expected(fixture, spec["kind"], spec.get("about", ""), cells, findings, last, spec.get("import", {}))


def load_all() -> list[Expected]:
    return [load(p) for p in sorted(FIXTURES.rglob("*" + SUFFIX))]


# --- comparing what the tool says ------------------------------------------------------------------


@dataclass
class Outcome:
    expected: Expected
    read: int = 0  # printed cells read as printed
    unread: list[str] = field(default_factory=list)  # printed cells the tool left unread
    wrong: list[str] = field(default_factory=list)  # cells read as something the report does not print
    absent: int = 0  # cells the fixture does not print (correctly left unread)
    right: list[Any] = field(default_factory=list)  # findings that are true
    false: list[Any] = field(default_factory=list)  # findings that are not
    missed: list[tuple[str, str, str]] = field(default_factory=list)
    limits_as_errors: int = 0  # tool limits given as the report's errors


def _cell_outcome(report: Any, cid: str, want: Any) -> str:
    """"read", "unread", "wrong" or "absent" for one cell."""
    from nianbao.report import State

    got, state = report.values.get(cid), report.state(cid)
    unknown = got is None and state is State.TEXT and cid not in report.raw
    if want is None:
        return "absent" if unknown else "wrong"
    if unknown or (got is None and state is State.TEXT and not isinstance(want, dict)):
        return "unread"  # no number (never read, or read as words): nothing was invented
    if isinstance(want, dict):
        ok = state is State.TEXT and report.raw.get(cid) == want["words"]
    elif want == "":
        ok = got is None and state is State.BLANK
    elif want == "/":
        ok = got is None and state is State.NOT_APPLICABLE
    else:
        ok = got is not None and abs(float(got) - float(want)) < 1e-9
    return "read" if ok else "wrong"


def run(expected: Expected) -> tuple[Any, list[Any]]:
    """Import the fixture (and its last year) and check it as `nianbao check --last-year` would."""
    from nianbao.check import check
    from nianbao.importers import import_report
    from nianbao.sources import read_report

    last = read_report(expected.last_year) if expected.last_year else None
    try:
        report = import_report(expected.path, **expected.options, last=last)
    except TypeError:  # a version from before issue 12, whose importer took no last year
        report = import_report(expected.path, **expected.options)
    return report, check(report, last)


def compare(expected: Expected) -> Outcome:
    from nianbao.report import Severity

    report, findings = run(expected)
    out = Outcome(expected)
    for cid, want in expected.cells.items():
        kind = _cell_outcome(report, cid, want)
        if kind == "read":
            out.read += 1
        elif kind == "absent":
            out.absent += 1
        else:
            (out.unread if kind == "unread" else out.wrong).append(cid)
    wanted = Counter((rule, cell) for rule, cell, _ in expected.findings)
    for f in findings:
        key = (f.rule, f.cells[0].id if f.cells else "")
        if wanted[key] > 0:
            wanted[key] -= 1
            out.right.append(f)
        else:
            out.false.append(f)
        if f.rule in TOOL_LIMITS and f.severity is Severity.ERROR:
            out.limits_as_errors += 1
    for rule, cell, why in expected.findings:
        if wanted[(rule, cell)] > 0:
            wanted[(rule, cell)] -= 1
            out.missed.append((rule, cell, why))
    return out

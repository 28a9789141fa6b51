"""Findings people can trust: right / wrong findings and read / unread / wrong cells on every published
report in tests/fixtures that has hand-checked values (issue 12).

    python benchmarks/bench_findings.py [--quiet]

Each fixture's numbers and the findings it deserves are declared by hand in NAME.expected.json next to
it (tests/expected.py says how). Every fixture is imported and checked as `nianbao check` would (with
its last year where declared); a finding is right when the declaration lists it (same rule, same first
cell), wrong otherwise, missed when declared but not given. A printed cell is read (as printed), unread
(no number, no guess) or wrong (a number the report does not print — the one thing that must never
happen). Totals are given for the real reports, the derived ones (a real report changed on purpose) and
the made-up ones (invented text in the shapes real reports have).

To measure an older version on the same fixtures, point PYTHONPATH at its src:
``PYTHONPATH=/path/to/old/src python benchmarks/bench_findings.py``.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from expected import Outcome, compare, load_all

KINDS = ("real", "derived", "made-up")


def _finding(f) -> str:
    cell = f.cells[0].id if f.cells else "—"
    return f"{f.rule:<6}{f.severity.value:<8}{cell:<40}{f.message[:90]}"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quiet", action="store_true", help="totals only")
    args = parser.parse_args()
    outcomes: list[Outcome] = [compare(e) for e in load_all()]

    print(f"{'fixture':<44}{'kind':<9}{'read':>6}{'unread':>7}{'wrong':>6}{'absent':>7} | {'right':>5}{'wrong':>6}{'missed':>7}")
    for o in outcomes:
        print(f"{o.expected.name:<44}{o.expected.kind:<9}{o.read:>6}{len(o.unread):>7}{len(o.wrong):>6}{o.absent:>7}"
              f" | {len(o.right):>5}{len(o.false):>6}{len(o.missed):>7}")
        if args.quiet:
            continue
        for cid in o.wrong:
            print(f"    WRONG CELL {cid}")
        for f in o.false:
            print(f"    wrong  {_finding(f)}")
        for rule, cell, why in o.missed:
            print(f"    missed {rule:<6}{'':<8}{cell:<40}{why[:90]}")

    print()
    print(f"{'totals':<24}{'files':>6}{'read':>7}{'unread':>7}{'wrong':>6} | {'right':>6}{'wrong':>6}{'missed':>7}"
          f"{'limits as errors':>18}")
    for kind in (*KINDS, "all"):
        group = [o for o in outcomes if kind in (o.expected.kind, "all")]
        if not group:
            continue
        print(f"{kind:<24}{len(group):>6}{sum(o.read for o in group):>7}{sum(len(o.unread) for o in group):>7}"
              f"{sum(len(o.wrong) for o in group):>6} | {sum(len(o.right) for o in group):>6}"
              f"{sum(len(o.false) for o in group):>6}{sum(len(o.missed) for o in group):>7}"
              f"{sum(o.limits_as_errors for o in group):>18}")
    by_rule = Counter(f.rule for o in outcomes for f in o.false)
    print("wrong findings by rule: " + (", ".join(f"{r} {n}" for r, n in by_rule.most_common()) or "none"))


if __name__ == "__main__":
    main()

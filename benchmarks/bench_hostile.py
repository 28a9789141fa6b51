"""The long run of the reliability property (issue 9, "What must hold"): many more hostile workbooks than the
suite's short run, with the time each check and merge took.

    python benchmarks/bench_hostile.py [--checks 500] [--merges 100]

Same generator and promises as tests/test_properties.py (tests/hostile_props.py): never a traceback, never
a hang, exit codes 0/1/2 as documented, every file accounted for, totals equal to the readable units'
values. Prints how many examples ran and the median and slowest wall time of one check / one merge.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from hostile_props import NAMES, assert_check_holds, assert_merge_holds, hostile_books
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--checks", type=int, default=500)
    ap.add_argument("--merges", type=int, default=100)
    args = ap.parse_args()
    check_times: list[float] = []
    merge_times: list[float] = []

    @settings(max_examples=args.checks, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(book=hostile_books())
    def checks(book):
        with tempfile.TemporaryDirectory() as tmp:
            t = time.perf_counter()
            assert_check_holds(book, Path(tmp))
            check_times.append(time.perf_counter() - t)

    @settings(max_examples=args.merges, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(books=st.lists(st.sampled_from(NAMES), min_size=1, max_size=len(NAMES), unique=True).flatmap(
        lambda names: st.tuples(*[hostile_books(name) for name in names])))
    def merges(books):
        with tempfile.TemporaryDirectory() as tmp:
            t = time.perf_counter()
            assert_merge_holds(list(books), Path(tmp), Path(tmp) / "汇总.xlsx")
            merge_times.append(time.perf_counter() - t)

    checks()
    merges()
    load = os.getloadavg()[0]
    for label, times in (("check (one hostile workbook)", check_times), ("merge (a folder of 1–8)", merge_times)):
        print(f"{label:<32} {len(times):>5} examples  median {statistics.median(times):.3f} s  slowest {max(times):.3f} s")
    print(f"all promises held; load average {load:.1f} on {os.cpu_count()} CPUs")


if __name__ == "__main__":
    main()

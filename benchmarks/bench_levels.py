"""Benchmark: a province merging its counties' 汇总 workbooks, against merging as many unit workbooks.

    python benchmarks/bench_levels.py                          # 100 counties × 100 units
    python benchmarks/bench_levels.py --counties 100 --units 100 --repeat 3

Issue 13: "a province of 100 counties × 100 units merges from county 汇总s as fast
as 100 files". It makes, in a temporary folder:

* ``counties/``: one 汇总 workbook per county, each the merge of ``--units`` units
  with random but consistent numbers (made with ``merge_records`` from reports in
  memory, as the portal makes its 汇总: no unit file is written);
* ``units/``: as many ordinary unit workbooks as there are counties;

then times ``nianbao merge`` of each folder end to end as a subprocess (process
start and imports included; medians over --repeat runs, the two alternating so
that both see the same load), and prints the ratio. Peak memory as
bench_merge.py measures it (process tree, an upper bound).
"""

from __future__ import annotations

import argparse
import hashlib
import random
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from bench_merge import YEAR, Generator, consistent_numbers, load, timed_merge  # the script's folder is on sys.path

from nianbao.merge import Record, merge_records, record_from_report
from nianbao.report import Report


def counties(folder: Path, n: int, units: int, seed: int = 13) -> None:
    """``n`` county 汇总 workbooks of ``units`` units each."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    for c in range(n):
        region = f"某省第{c + 1:03d}县"
        records = []
        for u in range(units):
            name = f"{region}第{u + 1:03d}{'局' if u % 3 == 0 else '镇人民政府'}"
            level = "县级部门" if u % 3 == 0 else "乡镇/街道"
            report = Report.from_numbers(consistent_numbers(rng), name=name, level=level, year=YEAR, region=region)
            facts = Record(f"{name}.xlsx", f"{name}.xlsx", 20_000, 1_700_000_000.0, hashlib.sha256(name.encode()).hexdigest())
            records.append(record_from_report(report, facts))
        merge_records(records, folder / f"{region}汇总.xlsx", year=YEAR)


def unit_files(folder: Path, n: int, seed: int = 13) -> None:
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    gen = Generator(folder.parent)
    for i in range(n):
        name = f"某省某县第{i + 1:05d}局"
        gen.write(folder / f"{name}.xlsx", name, "县级部门", YEAR, consistent_numbers(rng))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--counties", type=int, default=100)
    ap.add_argument("--units", type=int, default=100, help="units per county")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    root = Path(tempfile.mkdtemp(prefix="nianbao-levels-"))
    try:
        t = time.perf_counter()
        counties(root / "counties", args.counties, args.units)
        unit_files(root / "units", args.counties)
        print(f"generated {args.counties} county 汇总s of {args.units} units and {args.counties} unit files "
              f"in {time.perf_counter() - t:.1f}s", flush=True)
        times: dict[str, list[float]] = {"counties": [], "units": []}
        peaks: dict[str, int] = {"counties": 0, "units": 0}
        for i in range(args.repeat):
            for kind in ("counties", "units"):
                elapsed, peak = timed_merge(root / kind, root / f"{kind}-{i}.xlsx")
                times[kind].append(elapsed)
                peaks[kind] = max(peaks[kind], peak)
                print(f"  {kind}: {elapsed:.2f}s", flush=True)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    c, u = statistics.median(times["counties"]), statistics.median(times["units"])
    print()
    print(f"nianbao merge, a province from its counties — {load()}")
    print(f"{'input':<44} {'files':>6} {'units':>7} {'median s':>9} {'peak MB':>8}")
    print(f"{f'{args.counties} county 汇总s of {args.units} units':<44} {args.counties:>6} {args.counties * args.units:>7} "
          f"{c:>9.2f} {peaks['counties'] / 2**20:>8.0f}")
    print(f"{f'{args.counties} unit workbooks':<44} {args.counties:>6} {args.counties:>7} {u:>9.2f} {peaks['units'] / 2**20:>8.0f}")
    print(f"ratio (county 汇总s / unit workbooks): {c / u:.2f}")


if __name__ == "__main__":
    main()

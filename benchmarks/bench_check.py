"""Reading and checking one filled workbook: in-process median and the whole `nianbao check` process.

    python benchmarks/bench_check.py [--repeat 200]

Targets (issue 2): read + check median ≤ 5 ms in-process; `nianbao check` on one file ≤ 0.5 s as a
whole process. Baseline in the same run: openpyxl `load_workbook` of the same file (what a script
without calamine would pay just to open it).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from timing import median_ms

from nianbao.check import check
from nianbao.examples import write_examples
from nianbao.workbook.read import read_workbook


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=200)
    parser.add_argument("--process-repeat", type=int, default=15)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="nianbao-bench-"))
    paths = write_examples(folder)

    import openpyxl

    print(f"{'workbook':<34}{'read+check ms':>15}{'openpyxl load ms':>18}{'ratio':>8}{'process s':>11}")
    for path in paths:
        ours = median_ms(lambda p=path: check(read_workbook(p)), args.repeat)
        base = median_ms(lambda p=path: openpyxl.load_workbook(p), max(args.repeat // 10, 5))
        cmd = [sys.executable, "-m", "nianbao", "check", str(path)]
        proc = []
        for _ in range(args.process_repeat):
            t = time.perf_counter()
            subprocess.run(cmd, capture_output=True, check=False)
            proc.append(time.perf_counter() - t)
        print(f"{path.name:<34}{ours:>15.2f}{base:>18.1f}{base / ours:>7.0f}×{statistics.median(proc):>11.3f}")
    t = time.perf_counter()
    subprocess.run([sys.executable, "-c", "pass"], capture_output=True, check=False)
    print(f"(python interpreter start alone: {time.perf_counter() - t:.3f} s)")


if __name__ == "__main__":
    main()

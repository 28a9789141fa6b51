"""Benchmark: what one click on the Excel ribbon costs in Python.

    python benchmarks/bench_excel.py              # 7 runs of each measurement
    python benchmarks/bench_excel.py --repeat 15

On Windows every click (RunPython without "Use UDF Server") starts a new Python
process that imports xlwings, imports nianbao.excel and runs the button. This
script measures, as medians over --repeat runs, each against a bare interpreter
start (``python -c pass``) timed in the same way:

* the import of nianbao.excel, by ``python -X importtime`` (own, cumulative), and
  that it loads no pandas/numpy/openpyxl/xlwings (target: ≤ 150 ms);
* the import of xlwings with pandas installed, and with pandas and numpy blocked
  (what xlwings' own import of pandas adds to every click);
* the compute of 校验 on the example workbook with deliberate mistakes: reading
  the sheets' values (as xlwings hands them over) into a Report, checking,
  planning the marks and the 校验结果 rows (target: ≤ 50 ms), cold (in a fresh
  process, lazy imports included, as on a click) and warm (in this process);
* a whole cold click without the Excel round trips (process start, imports,
  compute): what "Use UDF Server" saves, since it keeps one Python process
  (Excel's COM server) alive and pays only the warm compute after the first click.

The COM calls a click makes in desktop Excel (a bulk read per sheet, one fill per
run of marked cells, one write of 校验结果, one hyperlink per finding) cannot be
timed on Linux. With XLWINGS_LICENSE_KEY set (xlwings' remote engine,
noncommercial use), the whole button through the xlwings API is timed too.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PY = sys.executable
BLOCK = "import sys; sys.modules['pandas'] = None; sys.modules['numpy'] = None; "


def run(code: str, env: dict | None = None, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([PY, "-c", code], capture_output=True, text=True, env=env, input=stdin, check=True, encoding="utf-8")


def wall(code: str, repeat: int, stdin: str | None = None) -> float:
    """Median wall time (ms) of a fresh ``python -c code``."""
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        run(code, stdin=stdin)
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


def importtime(code: str, module: str, repeat: int) -> float:
    """Median cumulative import time (ms) of ``module`` reported by -X importtime."""
    times = []
    for _ in range(repeat):
        err = subprocess.run([PY, "-X", "importtime", "-c", code], capture_output=True, text=True, check=True).stderr
        line = next(l for l in err.splitlines() if re.search(rf"\|\s*{re.escape(module)}$", l))
        times.append(int(line.split("|")[1]) / 1000)
    return statistics.median(times)


def example_grids(folder: Path) -> tuple[Path, dict]:
    import python_calamine

    from nianbao.examples import write_examples

    path = next(p for p in write_examples(folder) if "示例县" in p.name)
    book = python_calamine.CalamineWorkbook.from_path(str(path))
    # As xlwings hands values over: None for an empty cell, floats for numbers.
    grids = {
        name: [[None if v == "" else float(v) if isinstance(v, int) else v for v in row]
               for row in book.get_sheet_by_name(name).to_python(skip_empty_area=False)]
        for name in book.sheet_names
    }
    return path, grids


COLD_COMPUTE = (
    "import json, sys, time\n"
    "from nianbao.excel import check_plan\n"
    "grids = json.loads(sys.stdin.read())\n"
    "t = time.perf_counter()\n"
    "plan = check_plan(grids, 'example.xlsx')\n"
    "print((time.perf_counter() - t) * 1000, len(plan.findings), len(plan.colours))\n"
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    n = args.repeat
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f}, median of {n}\n")

    base = wall("pass", n)
    print(f"bare interpreter start (python -c pass)           {base:7.1f} ms   (baseline)")

    own = importtime("import nianbao.excel", "nianbao.excel", n)
    loaded = run("import sys, nianbao.excel; print(sorted(m for m in ('pandas','numpy','openpyxl','xlwings') if m in sys.modules))").stdout.strip()
    print(f"import nianbao.excel (own, -X importtime)         {own:7.1f} ms   target ≤ 150; heavy modules loaded: {loaded}")

    with_pd = importtime("import xlwings", "xlwings", n)
    has_pandas = run("import importlib.util as u; print(bool(u.find_spec('pandas')))").stdout.strip() == "True"
    without_pd = importtime(BLOCK + "import xlwings", "xlwings", n)
    label = "pandas installed)        " if has_pandas else "pandas NOT installed here)"
    print(f"import xlwings ({label}         {with_pd:7.1f} ms")
    print(f"import xlwings (pandas, numpy blocked)            {without_pd:7.1f} ms   pandas costs {with_pd - without_pd:.1f} ms per click")

    with tempfile.TemporaryDirectory() as tmp:
        path, grids = example_grids(Path(tmp))
        payload = json.dumps(grids, ensure_ascii=False, default=str)
        cold = statistics.median(float(run(COLD_COMPUTE, stdin=payload).stdout.split()[0]) for _ in range(n))
        from nianbao.excel import check_plan

        check_plan(grids, str(path))
        warm_times = []
        for _ in range(max(n, 20)):
            t = time.perf_counter()
            plan = check_plan(grids, str(path))
            warm_times.append((time.perf_counter() - t) * 1000)
        warm = statistics.median(warm_times)
        print(f"校验 compute, cold (fresh process, lazy imports)   {cold:7.1f} ms   target ≤ 50; "
              f"{len(plan.findings)} findings, {len(plan.colours)} cells to colour, {len(plan.rows)} result rows")
        print(f"校验 compute, warm (same process)                  {warm:7.1f} ms")

        click = wall("import xlwings\n" + COLD_COMPUTE, n, stdin=payload)
        print(f"cold click without Excel I/O (start+imports+校验) {click:7.1f} ms   = {click / base:.1f}× bare start")
        print(f"\"Use UDF Server\" would save per click ≈ {click - warm:.0f} ms "
              f"(process start {base:.0f} + xlwings {with_pd:.0f} + nianbao and lazy imports), after the first click")

        if os.environ.get("XLWINGS_LICENSE_KEY"):
            sys.path.insert(0, str(Path(__file__).parent.parent / "tests"))
            from remote_excel import open_book, payload as book_payload

            from nianbao import excel

            data = book_payload(path)
            times = []
            for _ in range(max(n, 10)):
                book = open_book(data)
                t = time.perf_counter()
                excel.check_button(book)
                times.append((time.perf_counter() - t) * 1000)
            print(f"校验 button via xlwings remote engine (warm)        {statistics.median(times):7.1f} ms   "
                  f"{len(book.json()['actions'])} actions")


if __name__ == "__main__":
    main()

"""Benchmark: ways to write the 明细 sheet (N units × 211 columns), to choose by measuring.

    python benchmarks/bench_detail_writer.py --sizes 1000 10000

Times, as medians, writing the same rows (11 text/count columns + 200 numbers)
with openpyxl (normal and write-only), XlsxWriter (normal and constant_memory)
and the path nianbao takes (XlsxWriter for the header, data rows spliced in
as plain XML: merge.write.RowSplice), each in a fresh process so that peak
memory (ru_maxrss) is the writer's own.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

WRITERS = ("openpyxl", "openpyxl-write-only", "xlsxwriter", "xlsxwriter-constant-memory", "nianbao-splice")

CHILD = r'''
import json, random, resource, sys, time
from pathlib import Path
writer, n, out = sys.argv[1], int(sys.argv[2]), Path(sys.argv[3])
rng = random.Random(n)
header = ["单位", "状态"] + [f"c{i}" for i in range(209)]
rows = [[f"示例县第{i:05d}局", "通过", 0, 0, 0, "县级部门", 2024, "", f"示例县第{i:05d}局", "", f"部门/{i}.xlsx"]
        + [rng.randint(0, 30) for _ in range(200)] for i in range(n)]
start = time.perf_counter()
if writer.startswith("openpyxl"):
    from openpyxl import Workbook
    wb = Workbook(write_only=writer.endswith("write-only"))
    ws = wb.create_sheet("明细") if writer.endswith("write-only") else wb.active
    ws.append(header)
    for row in rows:
        ws.append(row)
    wb.save(out)
elif writer.startswith("xlsxwriter"):
    import xlsxwriter
    wb = xlsxwriter.Workbook(str(out), {"constant_memory": writer.endswith("constant-memory")})
    ws = wb.add_worksheet("明细")
    ws.write_row(0, 0, header)
    for r, row in enumerate(rows, 1):
        ws.write_row(r, 0, row)
    ws.autofilter(0, 0, n, len(header) - 1)
    wb.close()
else:
    import xlsxwriter
    from nianbao.merge.write import RowSplice
    wb = xlsxwriter.Workbook(str(out))
    ws = wb.add_worksheet("明细")
    ws.write_row(0, 0, header)
    ws.autofilter(0, 0, n, len(header) - 1)
    wb.close()
    RowSplice("明细", 1, n, len(header) - 1, iter(rows)).apply(out)
elapsed = time.perf_counter() - start
print(json.dumps({"seconds": elapsed, "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
'''


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    table = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.sizes:
            for writer in WRITERS:
                runs = []
                for i in range(args.repeat):
                    out = Path(tmp) / f"{writer}-{n}-{i}.xlsx"
                    res = subprocess.run([sys.executable, "-c", CHILD, writer, str(n), str(out)],
                                         capture_output=True, text=True, check=True)
                    runs.append(json.loads(res.stdout))
                    out.unlink()
                table.append((n, writer, statistics.median(r["seconds"] for r in runs), max(r["peak_mb"] for r in runs)))
                print(f"N={n} {writer}: {table[-1][2]:.2f}s", flush=True)
    base = {n: s for n, w, s, _ in table if w == "openpyxl"}
    print(f"\n{'N':>6}  {'writer':<28} {'median s':>8} {'vs openpyxl':>11} {'peak MB':>8}")
    for n, writer, seconds, peak in table:
        print(f"{n:>6}  {writer:<28} {seconds:>8.2f} {base[n] / seconds:>10.1f}× {peak:>8.0f}")
    print("peak MB = the whole child process, its rows included (the same for every writer); "
          "the splice holds the sheet XML in memory while compressing it.")


if __name__ == "__main__":
    main()

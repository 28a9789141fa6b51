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
* the compute of 生成文字 (reading the book, generating all nine slots, planning
  the writes) on the same example with its 文字 sheet emptied, and of 导出 (reading,
  checking, writing the .docx and .html) on the example without errors, cold and
  warm, with the heavy modules each cold path loads.
* 汇总 on a small folder (--merge-units unit workbooks generated as in
  bench_merge.py, a few percent faulty, and a roster) named on a 汇总设置 sheet:
  reading the settings, merging in one process and writing the new summary
  workbook, cold and warm, against ``nianbao merge`` of the same folder as a
  subprocess (end to end, its default process pool) in the same run.

The COM calls a click makes in desktop Excel (a bulk read per sheet, one fill per
run of marked cells, one write of 校验结果, one hyperlink per finding, one write per
run of generated slots) cannot be timed on Linux. With XLWINGS_LICENSE_KEY set
(xlwings' remote engine, noncommercial use), each whole button through the xlwings
API is timed too.
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


def book_grids(path: Path) -> dict:
    """The workbook's sheets as xlwings hands them over: None for an empty cell, floats for numbers."""
    import python_calamine

    book = python_calamine.CalamineWorkbook.from_path(str(path))
    return {
        name: [[None if v == "" else float(v) if isinstance(v, int) else v for v in row]
               for row in book.get_sheet_by_name(name).to_python(skip_empty_area=False)]
        for name in book.sheet_names
    }


def example_paths(folder: Path) -> tuple[Path, Path]:
    """(the example with deliberate mistakes, the example without errors), written into ``folder``."""
    from nianbao.examples import write_examples

    paths = write_examples(folder)
    return next(p for p in paths if "示例县" in p.name), next(p for p in paths if "峰灵镇" in p.name)


def without_text(grids: dict) -> dict:
    """The grids with every slot of the 文字 sheet emptied: 生成文字 fills all nine."""
    from nianbao.formats import F2021
    from nianbao.schema import TEXT_SHEET
    from nianbao.workbook.layout import TEXT_MARK_COL, TEXT_VALUE_COL, layout_of

    rows = [list(r) for r in grids[TEXT_SHEET]]
    for r in layout_of(F2021).text_rows.values():
        rows[r - 1][TEXT_VALUE_COL - 1:TEXT_MARK_COL] = [None] * (TEXT_MARK_COL - TEXT_VALUE_COL + 1)
    return {**grids, TEXT_SHEET: rows}


COLD_COMPUTE = (
    "import json, sys, time\n"
    "from nianbao.excel import check_plan\n"
    "grids = json.loads(sys.stdin.read())\n"
    "t = time.perf_counter()\n"
    "plan = check_plan(grids, 'example.xlsx')\n"
    "print((time.perf_counter() - t) * 1000, len(plan.findings), len(plan.colours))\n"
)
# The compute of 生成文字 and of 导出 in a fresh process; prints ms and the heavy modules it loaded.
COLD_BUTTON = (
    "import json, sys, time\n"
    "from nianbao import excel\n"
    "from bench_excel import {name} as compute\n"
    "args = json.loads(sys.stdin.read())\n"
    "t = time.perf_counter()\n"
    "compute(*args)\n"
    "ms = (time.perf_counter() - t) * 1000\n"
    "print(ms, sorted(m for m in ('pandas', 'numpy', 'openpyxl', 'xlwings') if m in sys.modules))\n"
)


def text_compute(grids: dict, source: str):
    """生成文字 without Excel: everything the button computes before its writes."""
    from nianbao.excel import text_plan

    return text_plan(grids, source)


def export_compute(grids: dict, source: str, folder: str):
    """导出 without Excel: read the book's grids, check, write the .docx and .html into ``folder``."""
    from nianbao.excel import read_open_book
    from nianbao.export import beside, export_report

    out = Path(folder) / Path(source).stem
    return export_report(read_open_book(grids, source), source, beside(out))


def merge_compute(grids: dict, workbook: str) -> None:
    """汇总 without Excel: the button's plan, merge and alert; the output is removed so every run sees the same folder."""
    from nianbao.excel import merge_books, merge_message, merge_plan

    plan = merge_plan(grids, Path(workbook))
    merge_message(merge_books(plan), plan)
    plan.output.unlink()


def merge_folder(folder: Path, units: int) -> tuple[dict, Path]:
    """``units`` unit workbooks in folder/收件箱 with 名单.csv beside it, and the grids of a book holding a
    汇总设置 sheet that names them; returns (grids, where that book is saved)."""
    import openpyxl
    from bench_merge import generate

    from nianbao.schema import MERGE_SETTINGS_SHEET
    from nianbao.workbook.layout import merge_settings_values

    generate(folder / "收件箱", units)
    rows = merge_settings_values({"folder": "收件箱", "roster": "名单.csv"})
    wb = openpyxl.Workbook()
    wb.active.title = MERGE_SETTINGS_SHEET
    for row in rows:
        wb.active.append(row)
    wb.save(folder / "汇总设置.xlsx")
    return {MERGE_SETTINGS_SHEET: rows}, folder / "汇总设置.xlsx"


def cli_merge(folder: Path, repeat: int) -> float:
    """Median ms of ``nianbao merge`` of folder/收件箱 with its roster, as a subprocess."""
    exe = Path(sys.executable).parent / "nianbao"
    cmd = [str(exe) if exe.exists() else "nianbao", "merge", str(folder / "收件箱"), "-o", str(folder / "cli.xlsx"),
           "--roster", str(folder / "名单.csv")]
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        subprocess.run(cmd, capture_output=True, check=False)
        times.append((time.perf_counter() - t) * 1000)
    (folder / "cli.xlsx").unlink()
    return statistics.median(times)


def cold(name: str, args: list, repeat: int) -> tuple[float, str]:
    """Median ms of ``name``(*args) in fresh processes (lazy imports included), and the heavy modules it loaded."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(Path(__file__).parent), os.environ.get("PYTHONPATH", "")])}
    code = COLD_BUTTON.format(name=name)
    payload = json.dumps(args, ensure_ascii=False, default=str)
    runs = [run(code, env=env, stdin=payload).stdout.split(" ", 1) for _ in range(repeat)]
    return statistics.median(float(r[0]) for r in runs), runs[-1][1].strip()


def warm(fn, repeat: int) -> float:
    fn()
    times = []
    for _ in range(max(repeat, 20)):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--merge-units", type=int, default=50, help="unit workbooks in the folder 汇总 merges")
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
        path, clean_path = example_paths(Path(tmp))
        grids = book_grids(path)
        payload = json.dumps(grids, ensure_ascii=False, default=str)
        cold_check = statistics.median(float(run(COLD_COMPUTE, stdin=payload).stdout.split()[0]) for _ in range(n))
        from nianbao.excel import check_plan

        warm_check = warm(lambda: check_plan(grids, str(path)), n)
        plan = check_plan(grids, str(path))
        print(f"校验 compute, cold (fresh process, lazy imports)   {cold_check:7.1f} ms   target ≤ 50; "
              f"{len(plan.findings)} findings, {len(plan.colours)} cells to colour, {len(plan.rows)} result rows")
        print(f"校验 compute, warm (same process)                  {warm_check:7.1f} ms")

        click = wall("import xlwings\n" + COLD_COMPUTE, n, stdin=payload)
        print(f"cold click without Excel I/O (start+imports+校验) {click:7.1f} ms   = {click / base:.1f}× bare start")
        print(f"\"Use UDF Server\" would save per click ≈ {click - warm_check:.0f} ms "
              f"(process start {base:.0f} + xlwings {with_pd:.0f} + nianbao and lazy imports), after the first click")

        empty = without_text(grids)
        text_cold, text_loaded = cold("text_compute", [empty, str(path)], n)
        text_warm = warm(lambda: text_compute(empty, str(path)), n)
        writes = text_compute(empty, str(path)).writes
        print(f"生成文字 compute, cold (fresh process, lazy imports) {text_cold:7.1f} ms   "
              f"{sum(len(rows) for _, rows in writes)} slots in {len(writes)} write(s); heavy modules loaded: {text_loaded}")
        print(f"生成文字 compute, warm (same process)                {text_warm:7.1f} ms   = {text_warm / warm_check:.1f}× warm 校验")

        clean = book_grids(clean_path)
        out = Path(tmp) / "导出"
        out.mkdir()
        export_cold, export_loaded = cold("export_compute", [clean, str(clean_path), str(out)], n)
        export_warm = warm(lambda: export_compute(clean, str(clean_path), str(out)), n)
        sizes = ", ".join(f"{p.suffix} {p.stat().st_size // 1024} KB" for p in sorted(out.iterdir()))
        print(f"导出 compute+write, cold (fresh process)          {export_cold:7.1f} ms   {sizes}; heavy modules loaded: {export_loaded}")
        print(f"导出 compute+write, warm (same process)           {export_warm:7.1f} ms   = {export_warm / warm_check:.1f}× warm 校验")

        merge_dir = Path(tmp) / "汇总"
        merge_grids, settings_book = merge_folder(merge_dir, args.merge_units)
        merge_cold, merge_loaded = cold("merge_compute", [merge_grids, str(settings_book)], n)
        merge_warm = warm(lambda: merge_compute(merge_grids, str(settings_book)), min(n, 5))
        cli = cli_merge(merge_dir, n)
        files = sum(1 for p in (merge_dir / "收件箱").rglob("*") if p.is_file())
        print(f"汇总 merge+write, cold (fresh process)            {merge_cold:7.1f} ms   {files} files, one process; "
              f"heavy modules loaded: {merge_loaded}")
        print(f"汇总 merge+write, warm (same process)             {merge_warm:7.1f} ms")
        print(f"nianbao merge of the same folder (subprocess)     {cli:7.1f} ms   button cold compute = {merge_cold / cli:.2f}× the command")

        if os.environ.get("XLWINGS_LICENSE_KEY"):
            sys.path.insert(0, str(Path(__file__).parent.parent / "tests"))
            from remote_excel import open_book
            from remote_excel import payload as book_payload

            from nianbao import excel

            def remote(tag: str, data: dict) -> tuple[float, int]:
                times = []
                for _ in range(max(n, 10)):
                    book = open_book(data)
                    t = time.perf_counter()
                    excel.BUTTONS[tag](book)
                    times.append((time.perf_counter() - t) * 1000)
                return statistics.median(times), len(book.json()["actions"])

            data = book_payload(path)
            blank = {**data, "sheets": [{**sheet, "values": empty[sheet["name"]]} for sheet in data["sheets"]]}
            for label, tag, book_data in (
                ("校验", "check", data),
                ("生成文字", "text", blank),
                ("导出", "export", book_payload(clean_path, str(clean_path))),
                ("汇总", "merge", book_payload(settings_book, str(settings_book))),
            ):
                ms, actions = remote(tag, book_data)
                print(f"{label} button via xlwings remote engine (warm){' ' * (10 - 2 * len(label))}{ms:7.1f} ms   {actions} actions")

if __name__ == "__main__":
    main()

"""Benchmark: nianbao merge of N unit workbooks against a naive openpyxl + pandas baseline.

    python benchmarks/bench_merge.py                       # N = 100, 1000, 10000
    python benchmarks/bench_merge.py --sizes 100 1000 --repeat 3

For each N it generates N unit workbooks from the template with random but
consistent numbers, plus a few percent of faulty files (arithmetic errors,
"12件", zero-byte, half-written, old .xls, duplicates, another year, a lock
file), then times, as medians over --repeat runs:

* ``nianbao merge`` end to end as a subprocess (process start and imports included);
* ``nianbao.merge.merge`` in-process (imports excluded);
* the baseline: openpyxl ``load_workbook`` of every file + a pandas sum. Above
  --baseline-sample files it is timed on a random sample and extrapolated
  linearly (printed with "~").

Peak memory: the merge subprocess's process tree (parent + pool workers),
sampled from /proc every 20 ms; workers are forked, so the sum of their
resident sets counts shared pages more than once and is an upper bound.

Generating the inputs writes one filled template with openpyxl and patches the
sheet XML per unit (zipfile), so 10,000 files take seconds, not minutes.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from collections.abc import Sequence
from pathlib import Path

from nianbao.formats import F2021
from nianbao.report import Report
from nianbao.schema import find_node
from nianbao.workbook.build import write_report
from nianbao.workbook.layout import META_VALUE_COL, a1, layout_of
from nianbao.workbook.read import _sheet_part

FAULTS = ("arith", "text", "empty", "truncated", "xls", "duplicate", "year", "lock")
T3_COLUMNS = [c.key for c in F2021.tables["t3"].sections[0].column_leaves if c.key != "total"]
T3_RESULTS = [n.key for n in find_node(F2021.tables["t3"].sections[0].rows, "results").leaves() if n.key != "total"]
YEAR = 2024


# --- generating inputs -------------------------------------------------------------------


def consistent_numbers(rng: random.Random, makes_rules: bool = False) -> dict[str, float]:
    """Random numbers that pass every table rule (T3-ID/V/H/NEG, T4-S, P2)."""
    v = dict.fromkeys(F2021.cell_ids, 0)
    for c in T3_COLUMNS:
        busy = rng.random() < (0.6 if c == "natural_person" else 0.15)
        new = rng.randint(1, 30) if busy else 0
        carried = rng.randint(0, 2) if busy else 0
        forward = rng.randint(0, min(2, new + carried))
        v[f"t3.new.{c}"], v[f"t3.carried_over.{c}"], v[f"t3.carried_forward.{c}"] = new, carried, forward
        done = new + carried - forward
        v[f"t3.total.{c}"] = done
        for _ in range(done):
            key = rng.choice(T3_RESULTS[:3] + T3_RESULTS)  # disclosure more often than any refusal
            v[f"t3.{key}.{c}"] += 1
    for row in [n.key for n in F2021.tables["t3"].sections[0].row_leaves]:
        v[f"t3.{row}.total"] = sum(v[f"t3.{row}.{c}"] for c in T3_COLUMNS)
    for g in ("review", "direct", "after_review"):
        parts = [rng.choice((0, 0, 0, 1, 2)) for _ in range(4)]
        for k, n in zip(("upheld", "corrected", "other", "pending"), parts):
            v[f"t4.{g}.{k}"] = n
        v[f"t4.{g}.total"] = sum(parts)
    for row in ("rules", "normative"):
        if row == "rules" and not makes_rules:
            continue
        issued = rng.randint(0, 8)
        v[f"t2.{row}.issued"], v[f"t2.{row}.repealed"] = issued, rng.randint(0, 3)
        v[f"t2.{row}.in_force"] = issued + rng.randint(0, 60)
    v["t2.licensing.decisions"] = rng.randint(0, 500)
    v["t2.punishment.decisions"] = rng.randint(0, 200)
    v["t2.coercion.decisions"] = rng.randint(0, 20)
    v["t2.fees.amount"] = round(rng.random() * 50, 2)
    return v


class Generator:
    """Patch one filled template per unit: numbers into the table sheets, name and year into 单位信息."""

    _ZERO = re.compile(r'<c r="([A-Z]+[0-9]+)"((?: s="[0-9]+")?) t="n"><v>0</v></c>')

    def __init__(self, workdir: Path):
        base = workdir / "base.xlsx"
        write_report(Report.from_numbers({}, name="BASE", level="乡镇/街道", year=YEAR, region="某省示例县"), base)
        with zipfile.ZipFile(base) as z:
            self.members = [(i, z.read(i.filename)) for i in z.infolist()]
            self.parts = {t.sheet: _sheet_part(z, t.sheet) for t in F2021.tables.values()}
            self.meta_part = _sheet_part(z, "单位信息")
        self.by_part: dict[str, dict[str, str]] = {}
        for cid, address in layout_of(F2021).addresses.items():
            sheet, cell = address.split("!")
            self.by_part.setdefault(self.parts[sheet], {})[cell] = cid

    def write(self, path: Path, name: str, level: str, year: int, values: dict[str, object]) -> None:
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as out:
            for info, data in self.members:
                if info.filename in self.by_part:
                    cells = self.by_part[info.filename]
                    data = self._ZERO.sub(lambda m, cells=cells: self._cell(m, cells, values), data.decode()).encode()
                elif info.filename == self.meta_part:
                    text = data.decode()
                    text = self._replace_meta(text, "name", name)
                    text = self._replace_meta(text, "level", level)
                    text = text.replace(f"<v>{YEAR}</v>", f"<v>{year}</v>", 1)
                    data = text.encode()
                out.writestr(info.filename, data)

    @staticmethod
    def _cell(m: re.Match, cells: dict[str, str], values: dict[str, object]) -> str:
        cid = cells.get(m.group(1))
        v = values.get(cid, 0) if cid else 0
        if isinstance(v, str):
            return f'<c r="{m.group(1)}"{m.group(2)} t="inlineStr"><is><t>{v}</t></is></c>'
        return f'<c r="{m.group(1)}"{m.group(2)} t="n"><v>{v}</v></c>'

    @staticmethod
    def _replace_meta(xml: str, key: str, value: str) -> str:
        address = a1(layout_of(F2021).meta_rows[key], META_VALUE_COL)
        return re.sub(rf'(<c r="{address}"[^>]*><is><t>)[^<]*(</t>)', lambda m: m.group(1) + value + m.group(2), xml, count=1)


def generate(folder: Path, n: int, seed: int = 2024, fault_rate: float = 0.03) -> dict[str, int]:
    """N unit workbooks (some faulty) and 名单.csv in ``folder``; returns how many of each fault."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    gen = Generator(folder.parent)
    names, faults = [], dict.fromkeys(FAULTS, 0)
    for i in range(n):
        level = "县级部门" if i % 3 == 0 else "乡镇/街道"
        name = f"示例县第{i + 1:05d}{'局' if level == '县级部门' else '镇人民政府'}"
        names.append((name, level))
        sub = folder / ("部门" if level == "县级部门" else "乡镇") / f"{i // 500:02d}"
        sub.mkdir(parents=True, exist_ok=True)
        path = sub / f"{name}.xlsx"
        values: dict[str, object] = consistent_numbers(rng)
        year = YEAR
        fault = rng.choice(FAULTS) if rng.random() < fault_rate else None
        if fault == "arith":
            values["t3.disclosed.total"] = values["t3.disclosed.total"] + 1
        elif fault == "text":
            values["t3.new.natural_person"] = f"{values['t3.new.natural_person']}件" if rng.random() < 0.5 else "十二"
        elif fault == "year":
            year = YEAR - 1
        gen.write(path, name, level, year, values)
        if fault == "empty":
            path.write_bytes(b"")
        elif fault == "truncated":
            data = path.read_bytes()
            path.write_bytes(data[: len(data) // 2])
        elif fault == "xls":
            path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 4096)
        elif fault == "duplicate":
            copy = sub / f"{name}（修改稿）.xlsx"
            gen.write(copy, name, level, year, consistent_numbers(rng))
            os.utime(copy, (time.time() + 60, time.time() + 60))
        elif fault == "lock":
            (sub / f"~${name}.xlsx").write_bytes(b"\0" * 165)
        if fault:
            faults[fault] += 1
    with open(folder.parent / "名单.csv", "w", encoding="utf-8-sig") as f:
        f.write("单位名称,机关层级\n")
        for name, level in names + [("示例县未报送甲局", "县级部门"), ("示例县未报送乙镇人民政府", "乡镇/街道")]:
            f.write(f"{name},{level}\n")
    return faults


# --- timing ----------------------------------------------------------------------------------


def tree_rss(pid: int) -> int:
    """Resident set of ``pid`` and all its descendants, in bytes (Linux /proc)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    ppid = int(f.read().rsplit(")", 1)[1].split()[1])
                children.setdefault(ppid, []).append(int(entry))
            except (OSError, ValueError, IndexError):
                continue
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            with open(f"/proc/{p}/statm") as f:
                total += int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
        except OSError:
            pass
        todo += children.get(p, [])
    return total


def run_cli(folder: Path, out: Path, roster: Path, workers: int | None) -> tuple[float, int]:
    args = ["--roster", str(roster)] + (["--workers", str(workers)] if workers else [])
    return timed_merge(folder, out, args)


def timed_merge(folder: Path, out: Path, args: Sequence[str] = ()) -> tuple[float, int]:
    """``nianbao merge FOLDER -o OUT --json ARGS`` as a process: seconds, and the process tree's peak RSS."""
    exe = Path(sys.executable).parent / "nianbao"
    cmd = [str(exe) if exe.exists() else "nianbao", "merge", str(folder), "-o", str(out), "--json", *args]
    peak = 0
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, tree_rss(proc.pid))
            time.sleep(0.02)

    t = threading.Thread(target=sample)
    t.start()
    _, err = proc.communicate()
    elapsed = time.perf_counter() - start
    done.set()
    t.join()
    if proc.returncode not in (0, 1, 2) or not out.exists():
        raise SystemExit(f"nianbao merge failed ({proc.returncode}): {err.decode()[-2000:]}")
    return elapsed, peak


def run_inprocess(folder: Path, out: Path, roster: Path, workers: int | None) -> float:
    from nianbao.merge import merge

    start = time.perf_counter()
    merge([folder], out, roster=roster, workers=workers)
    return time.perf_counter() - start


def baseline(paths: list[Path]) -> float:
    """What a script writer would do: openpyxl per file, values by address, pandas sum."""
    import openpyxl
    import pandas as pd

    where = {cid: layout_of(F2021).addresses[cid].split("!") for cid in F2021.cell_ids}
    start = time.perf_counter()
    rows = []
    for p in paths:
        try:
            wb = openpyxl.load_workbook(p, data_only=True)
        except Exception:  # noqa: S112 -- the naive baseline passes over a bad file, as the merge does
            continue
        row = {}
        for cid, (sheet, cell) in where.items():
            v = wb[sheet][cell].value
            row[cid] = v if isinstance(v, (int, float)) else 0
        rows.append(row)
    pd.DataFrame(rows).sum()
    return time.perf_counter() - start


def load() -> str:
    try:
        one, five, _ = os.getloadavg()
        return f"load average {one:.2f} / {five:.2f} (1/5 min), {os.cpu_count()} CPUs"
    except OSError:
        return ""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[100, 1000, 10000])
    ap.add_argument("--repeat", type=int, default=3, help="runs per size for the median (sizes ≥ 10000 run once)")
    ap.add_argument("--baseline-sample", type=int, default=1200, help="above this many files the baseline is sampled")
    ap.add_argument("--workers", type=int, default=None)
    ap.add_argument("--keep", type=Path, help="generate into this folder and keep it")
    args = ap.parse_args()
    results = []
    root = Path(tempfile.mkdtemp(prefix="nianbao-bench-")) if args.keep is None else args.keep
    try:
        for n in args.sizes:
            work = root / f"n{n}"
            folder = work / "收件箱"
            if work.exists():
                shutil.rmtree(work)
            t = time.perf_counter()
            faults = generate(folder, n)
            gen_time = time.perf_counter() - t
            roster = work / "名单.csv"
            files = sorted(p for p in folder.rglob("*.xlsx") if not p.name.startswith("~$"))
            print(f"N={n}: generated {len(files)} files in {gen_time:.1f}s; faults {faults}", flush=True)
            repeat = 1 if n >= 10000 else args.repeat
            cli, peaks, inproc = [], [], []
            for i in range(repeat):
                elapsed, peak = run_cli(folder, work / f"汇总-{i}.xlsx", roster, args.workers)
                cli.append(elapsed)
                peaks.append(peak)
                inproc.append(run_inprocess(folder, work / f"汇总-in-{i}.xlsx", roster, args.workers))
            sample = files if len(files) <= args.baseline_sample else random.Random(1).sample(files, args.baseline_sample)
            base = baseline(sample) * len(files) / len(sample)
            results.append((n, len(files), statistics.median(cli), statistics.median(inproc), base,
                            len(sample) < len(files), max(peaks), repeat))
            print(f"  merge {statistics.median(cli):.2f}s (cli)  {statistics.median(inproc):.2f}s (in-process)  "
                  f"baseline {'~' if len(sample) < len(files) else ''}{base:.1f}s", flush=True)
    finally:
        if args.keep is None:
            shutil.rmtree(root, ignore_errors=True)
    print()
    print(f"nianbao merge benchmark — {load()}, workers={args.workers or 'all CPUs'}")
    print(f"{'N':>6} {'files':>6} {'runs':>4} {'merge cli s':>11} {'in-proc s':>9} {'baseline s':>11} {'cli ×':>7} {'peak MB':>8}")
    for n, files, cli, inproc, base, sampled, peak, repeat in results:
        b = f"{'~' if sampled else ''}{base:.1f}"
        print(f"{n:>6} {files:>6} {repeat:>4} {cli:>11.2f} {inproc:>9.2f} {b:>11} {base / cli:>7.1f} {peak / 2**20:>8.0f}")
    print("~ = baseline timed on a random sample and extrapolated; peak MB = parent + workers (upper bound).")


if __name__ == "__main__":
    main()

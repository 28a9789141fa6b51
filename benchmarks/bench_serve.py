"""nianbao serve under load, on loopback against the real waitress server (not a timed test).

    python benchmarks/bench_serve.py            # 300 units × 2 versions in about a minute; 汇总 of 1,000
    python benchmarks/bench_serve.py --units 50 --summary 200   # a quick run

1. Load: ``nianbao serve`` in a subprocess with N units and their links; concurrent clients (one browser-like
   session per unit: page, CSRF token, multipart upload) send each unit's two versions, paced so that all
   uploads fall within about a minute. Every answer must be 200 with the unit's own version in it; afterwards
   every stored file's SHA-256 must be what its client sent, under its own unit. Prints p50/p95/max of
   upload-and-check (the POST until the findings page is back).
2. 汇总: 1,000 units whose latest version is 已报送, stored as the portal stores them (Report JSON), then the
   汇总 workbook built as the download builds it (collect.write_summary); median of 3.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))

from serverctl import YEAR, Portal, unit_name


def _numbers(i: int, v: int) -> dict:
    n = 1 + (i % 7)
    return {
        "t3.new.natural_person": n, "t3.new.total": n, "t3.disclosed.natural_person": n, "t3.disclosed.total": n,
        "t3.total.natural_person": n, "t3.total.total": n, "t2.licensing.decisions": 1000 * v + i,
    }


def _write_books(folder: Path, units: int) -> dict[tuple[int, int], Path]:
    from nianbao.report import Report
    from nianbao.workbook.build import build_template, fill_workbook

    out = {}
    for i in range(units):
        for v in range(2):
            path = folder / f"{i}-{v}.xlsx"
            wb = build_template()
            fill_workbook(wb, Report.from_numbers(_numbers(i, v), name=unit_name(i), level="县级部门", year=YEAR,
                                                  region="示例县"))
            wb.save(path)
            out[i, v] = path
    return out


def tree_cpu(root: int) -> float:
    """CPU seconds used by a process and all its descendants, living and reaped (Linux /proc)."""
    tick = os.sysconf("SC_CLK_TCK")
    stats = {}
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                fields = (d / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            stats[int(d.name)] = (int(fields[1]), sum(int(x) for x in fields[11:15]))  # ppid; utime stime cutime cstime
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        total += stats.get(pid, (0, 0))[1]
        todo += [c for c, (ppid, _) in stats.items() if ppid == pid]
    return total / tick


def load(units: int, seconds: float) -> dict:
    with tempfile.TemporaryDirectory(prefix="bench-serve-") as tmp:
        tmp = Path(tmp)
        t = time.perf_counter()
        books = _write_books(tmp, units)
        print(f"  {len(books)} workbooks written in {time.perf_counter() - t:.1f} s", flush=True)
        sent = {k: p.read_bytes() for k, p in books.items()}
        with Portal(tmp / "data", units=units) as portal:
            latencies: list[float] = []
            failures: list[str] = []
            lock = threading.Lock()
            start = time.perf_counter() + 1.0
            gap = seconds / (2 * units)  # every unit's first version in the first half, the second in the second

            def clerk(i: int) -> None:
                client = portal.client()
                for v in range(2):
                    due = start + (v * units + i) * gap
                    time.sleep(max(0.0, due - time.perf_counter()))
                    if v == 0:
                        client.get(f"/u/{portal.tokens[i]}/")
                    t0 = time.perf_counter()
                    status, body = client.post_file(f"/u/{portal.tokens[i]}/upload", sent[i, v], f"{unit_name(i)}-{v + 1}.xlsx")
                    elapsed = time.perf_counter() - t0
                    ok = status == 200 and f"第{v + 1}版 · {unit_name(i)}-{v + 1}.xlsx".encode() in body
                    with lock:
                        latencies.append(elapsed)
                        if not ok:
                            failures.append(f"{unit_name(i)} v{v + 1}: HTTP {status}")

            t = time.perf_counter()
            cpu = tree_cpu(portal.proc.pid)
            with ThreadPoolExecutor(max_workers=units) as pool:
                list(pool.map(clerk, range(units)))
            wall = time.perf_counter() - t
            cpu = tree_cpu(portal.proc.pid) - cpu
            stored = portal.verify()
        expected = {(unit_name(i), hashlib.sha256(sent[i, v]).hexdigest(), v + 1) for i, v in sent}
        got = {(r["unit"], r["sha256"], r["version"]) for r in stored}
        lat = sorted(latencies)
        return {
            "uploads": len(lat), "wall_s": round(wall, 1), "errors": failures,
            "stored_ok": got == expected and all(r["intact"] for r in stored),
            "p50_ms": round(statistics.median(lat) * 1000), "p95_ms": round(lat[int(0.95 * (len(lat) - 1))] * 1000),
            "max_ms": round(lat[-1] * 1000),
            "server_cpu_ms": round(cpu / len(lat) * 1000),
        }


def summary(n: int) -> dict:
    out = subprocess.run([sys.executable, __file__, "summary-worker", "--summary", str(n)], capture_output=True,
                         text=True, check=False, timeout=1800)
    if out.returncode != 0:
        raise SystemExit(out.stderr)
    return json.loads(out.stdout.strip().splitlines()[-1])


def _summary_worker(n: int) -> None:
    """In its own process (Django is configured once per process): store n submitted units, time the 汇总."""
    from nianbao.serve.server import prepare

    with tempfile.TemporaryDirectory(prefix="bench-sum-") as tmp:
        prepare(Path(tmp) / "data")
        from django.db import transaction
        from django.utils import timezone

        from nianbao.check import check
        from nianbao.report import Report
        from nianbao.serve import collect
        from nianbao.serve.models import Submission, Unit
        from nianbao.serve.submissions import _set_findings

        t = time.perf_counter()
        with transaction.atomic():
            for i in range(n):
                unit = Unit.objects.create(name=unit_name(i), level="县级部门", order=i)
                report = Report.from_numbers(_numbers(i, 1), name=unit.name, level="县级部门", year=YEAR, region="示例县")
                sub = Submission(unit=unit, year=YEAR, version=1, blob=hashlib.sha256(unit.name.encode()).hexdigest(),
                                 file_name=f"{unit.name}.xlsx", size=20_000, uploaded_at=timezone.now(),
                                 report=report.to_json(indent=None), state="已报送")
                _set_findings(sub, check(report))
                sub.save()
        stored = time.perf_counter() - t
        times = []
        for k in range(3):
            t = time.perf_counter()
            if os.environ.get("BENCH_PROFILE") and k == 2:
                import cProfile
                import pstats

                with cProfile.Profile() as prof:
                    result = collect.write_summary(YEAR, Path(tmp) / f"汇总{k}.xlsx")
                pstats.Stats(prof, stream=sys.stderr).sort_stats("cumulative").print_stats(30)
            else:
                result = collect.write_summary(YEAR, Path(tmp) / f"汇总{k}.xlsx")
            times.append(time.perf_counter() - t)
        assert len(result.batch.counted) == n
        print(json.dumps({"units": n, "store_s": round(stored, 1), "summary_median_s": round(statistics.median(times), 2),
                          "summary_runs_s": [round(x, 2) for x in times]}))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", nargs="?", default="all", choices=["all", "load", "summary", "summary-worker"])
    parser.add_argument("--units", type=int, default=300)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--summary", type=int, default=1000)
    args = parser.parse_args()
    if args.mode == "summary-worker":
        _summary_worker(args.summary)
        return
    print(f"machine: {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}")
    if args.mode in ("all", "load"):
        print(f"load: {args.units} units × 2 versions within about {args.seconds:.0f} s", flush=True)
        r = load(args.units, args.seconds)
        print(f"  {r['uploads']} uploads in {r['wall_s']} s; errors: {len(r['errors'])}; stored byte for byte under "
              f"their own unit: {'yes' if r['stored_ok'] else 'NO'}")
        print(f"  upload-and-check: p50 {r['p50_ms']} ms, p95 {r['p95_ms']} ms, max {r['max_ms']} ms (target p95 ≤ 1500 ms)")
        print(f"  server CPU per upload (the server and its reader processes, page visits included): {r['server_cpu_ms']} ms "
              f"→ about {2000 // max(1, r['server_cpu_ms'])} uploads/s on 2 idle cores")
        for e in r["errors"][:10]:
            print("   ", e)
    if args.mode in ("all", "summary"):
        r = summary(args.summary)
        print(f"汇总 of {r['units']} stored submissions: median {r['summary_median_s']} s {r['summary_runs_s']} "
              f"(target ≤ 3 s)")
    print(f"load after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()

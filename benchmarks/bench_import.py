"""Accuracy of `nianbao import` on the real published reports in tests/fixtures/corpus/.

    python benchmarks/bench_import.py

For each report with transcribed numbers (001, 004, 005 .json; the seed, all 0)
prints cells read correctly / expected, cells left unread (never guessed) and
cells read wrongly, then the reading findings. For the cut-off reports (008–030)
prints the tables reported missing, and the title metadata against the corpus
header. Ends with the import time per report (median of 5 runs).
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from conftest import CORPUS, FIXTURES, corpus_expected

from nianbao.formats import F2021
from nianbao.importers import import_report, missing_tables
from nianbao.report import format_number


def header(path: Path) -> dict[str, str]:
    out = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() == "---":
            break
        key, _, value = line.partition(":")
        out[key.strip()] = value.strip()
    return out


def accuracy(path: Path, expected: dict[str, float | int | None]) -> tuple[int, int, int, list[str]]:
    report = import_report(path)
    correct = unread = 0
    wrong: list[str] = []
    for cid in F2021.cell_ids:
        want, got = expected.get(cid), report.values.get(cid)
        if got is None:
            unread += 1
        elif want is not None and abs(float(got) - float(want)) < 1e-9:
            correct += 1
        else:
            wrong.append(f"{cid}: read {format_number(got)}, transcribed {format_number(want)}")
    return correct, unread, len(wrong), wrong


def main() -> None:
    print("== reports with transcribed numbers")
    total_correct = total_expected = 0
    complete = {"seed-fengling-2023": dict.fromkeys(F2021.cell_ids, 0)}
    complete.update({name: corpus_expected(name) for name in ("001", "004", "005")})
    for name, expected in complete.items():
        path = CORPUS / f"{name}.txt"
        correct, unread, n_wrong, wrong = accuracy(path, expected)
        total_correct += correct
        total_expected += len(F2021.cell_ids)
        print(f"{name:<20} correct {correct}/{len(F2021.cell_ids)}  unread {unread}  wrong {n_wrong}")
        for w in wrong:
            print("    WRONG", w)
        for f in import_report(path).findings:
            print(f"    {f.rule:<5} {f.severity.label} {f.address or '—'}  {f.message[:110]}")
    print(f"{'all':<20} correct {total_correct}/{total_expected} ({100 * total_correct / total_expected:.1f}%)")

    print("\n== cut-off reports: reported incomplete, never zeros")
    incomplete = 0
    for path in sorted(CORPUS.glob("0*.txt")):
        head = header(path)
        if head.get("complete") != "no":
            continue
        report = import_report(path)
        missing = missing_tables(report)
        read = sum(1 for v in report.values.values() if v is not None)
        incomplete += bool(missing)
        name_ok = "=" if report.meta.name == head["unit"] else ("≈" if report.meta.name and report.meta.name in head["unit"] else "≠")
        year_ok = "=" if str(report.meta.year) == head["year"] else "≠"
        print(
            f"{path.stem}  missing {'、'.join(missing) or 'NONE':<12} cells read {read:>3}  "
            f"name {name_ok} {report.meta.name or '—'} (header {head['unit']})  year {year_ok} {report.meta.year}"
        )
    n_cut = sum(1 for p in CORPUS.glob("0*.txt") if header(p).get("complete") == "no")
    print(f"reported incomplete: {incomplete}/{n_cut}")

    print("\n== speed (median of 5 imports; the first import of a kind also loads its library)")
    sources = [CORPUS / f"{name}.txt" for name in ("seed-fengling-2023", "001", "004", "005")]
    sources += [FIXTURES / "import" / name for name in
                ("huaian-2024-tables.html", "huaian-2024-flat.html", "huaian-2024.docx", "huaian-2024.pdf")]
    for path in sources:
        times = []
        for _ in range(5):
            t = time.perf_counter()
            import_report(path)
            times.append(time.perf_counter() - t)
        print(f"{path.name:<26} {1000 * statistics.median(times):7.1f} ms")


if __name__ == "__main__":
    main()

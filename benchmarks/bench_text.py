"""Narrative text, text checks and export: in-process medians, each against a baseline in the same run.

    python benchmarks/bench_text.py [--repeat 200]

Baselines: the numeric rules alone (rules.evaluate) for the checks, python-docx
saving an empty document for the Word export, and a bare Jinja render for the HTML.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from timing import median_ms

from nianbao.check import REPORT_CHECKS, check
from nianbao.examples import EXAMPLES
from nianbao.export.docx import write_docx
from nianbao.export.html import render_html
from nianbao.narrative import generate
from nianbao.report import Report
from nianbao.rules import evaluate
from nianbao.textcheck import TEXT_CHECKS


def row(name: str, ours: float, base: float, base_name: str) -> None:
    print(f"{name:<40}{ours:>10.3f}{base:>10.3f}  {ours / base:>6.1f}×  ({base_name})")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=200)
    args = parser.parse_args()
    n = args.repeat
    fengling = EXAMPLES[0].report
    last = Report.from_dict(fengling.to_dict()).with_meta(year=2022)
    this = Report.from_dict(fengling.to_dict()).with_meta(year=2023)
    folder = Path(tempfile.mkdtemp(prefix="nianbao-bench-text-"))

    print(f"{'':<40}{'ms':>10}{'base ms':>10}  {'ratio':>7}")
    numeric = median_ms(lambda: evaluate(this), n)
    row("check() incl. text checks", median_ms(lambda: check(this), n), numeric, "rules.evaluate alone")
    row("text checks alone", median_ms(lambda: [list(c(this, None)) for c in TEXT_CHECKS], n), numeric, "rules.evaluate alone")
    row("check(last=…) incl. Y5/Y6", median_ms(lambda: check(this, last), n), numeric, "rules.evaluate alone")
    row("narrative.generate (9 slots)", median_ms(lambda: generate(this), n), numeric, "rules.evaluate alone")

    import docx
    import jinja2

    empty = median_ms(lambda: docx.Document().save(str(folder / "empty.docx")), max(n // 10, 5))
    row("export.docx.write_docx", median_ms(lambda: write_docx(this, folder / "r.docx"), max(n // 10, 5)), empty,
        "python-docx: save an empty document")
    bare = jinja2.Template("{% for p in ps %}<p>{{ p }}</p>{% endfor %}")
    paragraphs = list(this.text.values())
    base_html = median_ms(lambda: bare.render(ps=paragraphs), n)
    row("export.html.render_html", median_ms(lambda: render_html(this), n), base_html, "bare Jinja render of the text")
    print(f"(REPORT_CHECKS: {len(REPORT_CHECKS)} functions, of which {len(TEXT_CHECKS)} text checks)")


if __name__ == "__main__":
    main()

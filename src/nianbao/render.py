"""Findings for people (a terminal report in Chinese) and for programs (JSON)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from .report import Finding, Report, Severity, count_by_severity, format_number

_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}


def verdict(findings: Iterable[Finding]) -> str:
    counts = count_by_severity(findings)
    if counts[Severity.ERROR]:
        return "有错误"
    if counts[Severity.WARNING]:
        return "有警告"
    return "通过"


def counts_line(findings: list[Finding]) -> str:
    counts = count_by_severity(findings)
    acknowledged = sum(1 for f in findings if f.acknowledged)
    text = f"{counts[Severity.ERROR]}个错误、{counts[Severity.WARNING]}个警告、{counts[Severity.INFO]}个提示"
    return text + (f"、{acknowledged}个已核实" if acknowledged else "")


def shown(text: object) -> str:
    """User text (a file or unit name, a message quoting a cell) inside a rich console line: markup
    escaped, control characters and line feeds shown as pictures, so it stays on its line and cannot
    restyle it or fake another ("结论：通过")."""
    from rich.markup import escape

    from .safetext import visible

    return escape(visible(str(text)))


def print_report(console: Any, path: str, report: Report, findings: list[Finding]) -> None:
    """A readable report: who, then findings grouped by severity, each with its cell."""
    meta = report.meta
    who = meta.name or "（未填写机关名称）"
    year = f" {meta.year}年" if meta.year else ""
    console.print(f"[bold]{shown(who)}{year}[/bold]  [dim]{shown(path)}[/dim]")
    groups = [(s.label, _STYLE[s], [f for f in findings if f.severity is s and not f.acknowledged]) for s in Severity]
    groups.append(("已核实", "green", [f for f in findings if f.acknowledged]))
    for label, style, items in groups:
        if not items:
            continue
        console.print(f"  [{style}]{label}（{len(items)}）[/{style}]")
        for f in items:
            where = f.address or "—"
            line = f"    {shown(where):<12} {f.rule:<6} {shown(f.message)}"
            if f.acknowledged:
                line += f" [green]核实说明：{shown(f.acknowledged)}[/green]"
            console.print(line, soft_wrap=True)
    tone = "bold red" if verdict(findings) == "有错误" else ("yellow" if verdict(findings) == "有警告" else "bold green")
    console.print(f"  [{tone}]结论：{verdict(findings)}[/{tone}]（{counts_line(findings)}）\n")


def file_result(path: str, report: Report, findings: list[Finding]) -> dict[str, Any]:
    counts = count_by_severity(findings)
    return {
        "file": path,
        "status": verdict(findings),
        "meta": {k: v for k, v in report.to_dict()["meta"].items() if k != "source"},
        "counts": {s.value: counts[s] for s in Severity} | {"acknowledged": sum(1 for f in findings if f.acknowledged)},
        "findings": [f.to_dict() for f in findings],
    }


def to_json(results: list[dict[str, Any]]) -> str:
    return json.dumps({"files": results}, ensure_ascii=False, indent=1)


__all__ = ["counts_line", "file_result", "format_number", "print_report", "shown", "to_json", "verdict"]

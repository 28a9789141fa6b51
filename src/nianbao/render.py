"""Findings for people: a terminal report in Chinese. (For programs: json_output.)"""

from __future__ import annotations

from typing import Any

from .report import Finding, Report, Severity, Verdict, counts_line, format_number

_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan", Severity.UNREAD: "magenta"}
_TONE = {Verdict.ERRORS: "bold red", Verdict.INCOMPLETE: "magenta", Verdict.WARNINGS: "yellow", Verdict.PASSED: "bold green"}
# Said beside the 未读取 group: these are not the report's errors.
UNREAD_NOTE = "本工具未能读取的内容，不计为报告的错误；请对照原件核对"


def shown(text: object) -> str:
    """User text (a file or unit name, a message quoting a cell) inside a rich console line: markup
    escaped, control characters and line feeds shown as pictures, so it stays on its line and cannot
    restyle it or fake another ("结论：通过")."""
    from rich.markup import escape

    from .safetext import visible

    return escape(visible(str(text)))


def print_report(console: Any, path: str, report: Report, findings: list[Finding]) -> None:
    """A readable report: who, then findings grouped by severity, each with its cell; 未读取 apart."""
    meta = report.meta
    who = meta.name or "（未填写机关名称）"
    year = f" {meta.year}年" if meta.year else ""
    console.print(f"[bold]{shown(who)}{year}[/bold]  [dim]{shown(path)}[/dim]")
    groups = [(s.label, _STYLE[s], [f for f in findings if f.severity is s and not f.acknowledged]) for s in Severity]
    groups.append(("已核实", "green", [f for f in findings if f.acknowledged]))
    for label, style, items in groups:
        if not items:
            continue
        note = f"[dim]：{UNREAD_NOTE}[/dim]" if label == Severity.UNREAD.label else ""
        console.print(f"  [{style}]{label}（{len(items)}）[/{style}]{note}")
        for f in items:
            where = f.address or "—"
            line = f"    {shown(where):<12} {f.rule:<6} {shown(f.message)}"
            if f.acknowledged:
                line += f" [green]核实说明：{shown(f.acknowledged)}[/green]"
            console.print(line, soft_wrap=True)
    verdict = Verdict.of(findings)
    tone = _TONE[verdict]
    console.print(f"  [{tone}]结论：{verdict.label}[/{tone}]（{counts_line(findings)}）\n")


__all__ = ["counts_line", "format_number", "print_report", "shown"]

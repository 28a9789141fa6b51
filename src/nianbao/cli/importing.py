"""nianbao import SOURCE... : importers.import_report + write the template filled (or the Report JSON)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from rich.markup import escape

from ..errors import NianbaoError, SourceError
from . import EXIT_FINDINGS, EXIT_OK, EXIT_UNUSABLE, console, fail, main


def _level_choices() -> list[str]:
    from ..schema import LEVELS

    return list(LEVELS)


@main.command("import")
@click.argument("sources", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("-o", "--output", type=click.Path(path_type=Path),
              help="输出文件（.xlsx 为填好的模板，.json 为报告数据）；多个来源时为输出文件夹。默认写在来源文件旁，扩展名改为 .xlsx。")
@click.option("--json", "as_json", is_flag=True, help="把报告数据（JSON）打印到标准输出，不写文件。")
@click.option("--name", help="机关名称（代替从标题识别的名称）。")
@click.option("--year", type=int, help="报告年度（代替从标题识别的年度）。")
@click.option("--level", type=click.Choice(_level_choices()), help="机关层级（用于规章、收费金额等按层级的校验）。")
def import_command(sources: tuple[Path, ...], output: Path | None, as_json: bool,
                   name: str | None, year: int | None, level: str | None) -> None:
    """导入已发布的年度报告（网页 .html、复制的文字 .txt、Word .docx、PDF），转为年报模板或JSON。

    每个数字都记下它在原文中的位置（表名、行标签、列标题），文本截断、数字连在一起、
    缺少标题等情况逐条说明；缺失的内容不会当作0。
    """
    from ..render import print_report
    from ..report import Severity

    if len(sources) > 1 and (name or year):
        fail("--name、--year 只能用于一个来源文件；多个文件请分别导入", EXIT_FINDINGS)
    out, err = console(), console(stderr=True)
    code, results = EXIT_OK, []
    for path in sources:
        try:
            report = _read(path, name, year, level)
        except SourceError as e:
            code = EXIT_UNUSABLE
            results.append({"file": str(path), "error": e.message})
            if not as_json:
                err.print(f"[bold red]无法导入[/bold red] {escape(str(path))}：{escape(e.message)}")
            continue
        if any(f.severity is Severity.ERROR for f in report.findings) and code == EXIT_OK:
            code = EXIT_FINDINGS
        if as_json:
            results.append({"file": str(path), "report": report.to_dict()})
            continue
        target = _target(path, output, len(sources))
        try:
            _write(report, target)
        except NianbaoError as e:
            fail(str(e), EXIT_FINDINGS)
        print_report(out, str(path), report, report.findings)
        read = sum(1 for v in report.values.values() if v is not None)
        out.print(f"  读取{read}/{len(report.values)}个数 → {escape(str(target))}\n")
    if as_json:
        payload = results[0].get("report", results[0]) if len(sources) == 1 else {"files": results}
        click.echo(json.dumps(payload, ensure_ascii=False, indent=1))
    sys.exit(code)


def _read(path: Path, name: str | None, year: int | None, level: str | None):
    """A published report through the importer; a workbook (or saved JSON) through its own reader."""
    from ..importers import SUFFIXES, import_report
    from ..sources import read_report

    if path.suffix.lower() in SUFFIXES:
        return import_report(path, name=name, year=year, level=level)
    report = read_report(path)
    changes = {k: v for k, v in (("name", name), ("year", year), ("level", level)) if v}
    return report.with_meta(**changes) if changes else report


def _target(path: Path, output: Path | None, count: int) -> Path:
    if output is None:
        target = path.with_suffix(".xlsx")
    elif count > 1:
        target = output / (path.stem + ".xlsx")
    else:
        target = output
    if target.resolve() == path.resolve():
        fail(f"{target}：输出文件不能与来源文件相同，请用 -o 指定其他文件名", EXIT_FINDINGS)
    return target


def _write(report, target: Path) -> None:
    from ..atomic import write_text
    from ..importers import for_template
    from ..workbook.build import write_report

    if target.suffix.lower() == ".json":
        write_text(target, report.to_json())
    else:
        write_report(for_template(report), target)

"""nianbao import SOURCE... : importers.import_report + write the template filled (or the Report JSON)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..errors import NianbaoError, SourceError
from . import EXIT_HELP, EXIT_OK, EXIT_UNUSABLE, console, exit_code, fail, main, shown


def _level_choices() -> list[str]:
    from ..schema import LEVELS

    return list(LEVELS)


@main.command("import", epilog=EXIT_HELP)
@click.argument("sources", nargs=-1, required=True, type=click.Path(path_type=Path), metavar="来源文件...")
@click.option("-o", "--output", type=click.Path(path_type=Path),
              help="输出文件（.xlsx 为填好的模板，.json 为报告数据）；多个来源或给出文件夹时为输出文件夹。默认写在来源文件旁，扩展名改为 .xlsx。")
@click.option("--json", "as_json", is_flag=True, help="把报告数据（JSON，格式见 docs/json.md）打印到标准输出，不写文件。")
@click.option("--name", help="机关名称（代替从标题识别的名称）。")
@click.option("--year", type=int, metavar="年份", help="报告年度（代替从标题识别的年度）。")
@click.option("--level", type=click.Choice(_level_choices()), help="机关层级（用于规章、收费金额等按层级的校验）。")
def import_command(sources: tuple[Path, ...], output: Path | None, as_json: bool,
                   name: str | None, year: int | None, level: str | None) -> None:
    """导入已发布的年度报告（网页 .html、复制的文字 .txt、Word .docx、PDF），转为年报模板或JSON。

    每个数字都记下它在原文中的位置（表名、行标签、列标题），文本截断、数字连在一起、
    缺少标题等情况逐条说明；缺失的内容不会当作0。
    """
    from ..json_output import document, dumps, file_result, unreadable_file
    from ..render import print_report
    from ..report import Verdict

    if len(sources) > 1 and (name or year):
        fail("--name、--year 只能用于一个来源文件；多个文件请分别导入", EXIT_UNUSABLE)
    out, err = console(), console(stderr=True)
    code, results = EXIT_OK, []
    for path in sources:
        try:
            report = _read(path, name, year, level)
        except SourceError as e:
            code = max(code, exit_code(Verdict.UNREADABLE))
            results.append(unreadable_file(str(path), e))
            if not as_json:
                err.print(f"[bold red]无法导入[/bold red] {shown(path)}：{shown(e.message)}")
            continue
        code = max(code, exit_code(Verdict.of(report.findings)))
        if as_json:
            results.append(file_result(str(path), report, report.findings, with_report=True))
            continue
        try:
            target = _write(report, _target(path, output, len(sources), sources))
        except NianbaoError as e:
            fail(str(e), EXIT_UNUSABLE)
        print_report(out, str(path), report, report.findings)
        read = sum(1 for v in report.values.values() if v is not None)
        out.print(f"  读取{read}/{len(report.values)}个数 → {shown(target)}\n")
    if as_json:
        click.echo(dumps(document("import", results)))
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


def _target(path: Path, output: Path | None, count: int, sources: tuple[Path, ...]) -> Path:
    """Where the imported report goes: beside the source as .xlsx, the file -o names, or inside the folder it names."""
    from ..errors import OutputError, os_reason
    from ..outputs import WORKBOOK, Kind, Source, target

    if output is None:
        output = path.with_suffix(".xlsx")
    elif count > 1:
        try:
            output.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise OutputError(f"导入多个来源时 -o 应为文件夹（{os_reason(e)}）", output) from e
    kind = Kind("导入结果（Excel工作簿或JSON文件）", WORKBOOK.suffixes + (".json",))
    return target(output, kind, [Source(s, "来源文件") for s in sources], name=path.stem + ".xlsx")


def _write(report, target: Path) -> Path:
    from ..atomic import write_text
    from ..importers import for_template
    from ..workbook.build import write_report

    if target.suffix.lower() == ".json":
        return write_text(target, report.to_json())
    return write_report(for_template(report), target)

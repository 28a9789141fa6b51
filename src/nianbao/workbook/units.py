"""A workbook → the units it holds: one (the template, a merge's 汇总), one a sheet, or one a row.

    >>> parts = read_book(Path("某局各科室.xlsx"))              # doctest: +SKIP
    >>> [(p.part, p.report.meta.name) for p in parts.parts]      # doctest: +SKIP
    [('工作表「办公室」', '某县某局办公室'), ('工作表「执法大队」', '某县某局执法大队')]

Which shape a workbook has, in this order:

1. A merge's output (its hidden marker says so), or a workbook with the
   template's sheets (表二/表三/表四, 单位信息): one unit, read as always.
2. Sub-unit sheets: two or more sheets on each of which the label search
   (locate.py) finds 表三 — the three tables stacked as the 汇总 sheet prints
   them, or side by side. Each sheet is one unit, named by its title row
   (“某局办公室2024年政府信息公开工作年度报告”) or else by the sheet's name, its
   findings at ``sheet!cell``. A sheet named or titled 合计/汇总 is the
   workbook's own total: compared with the sum of the others, not counted. A
   sheet with no table is listed with why.
3. A flat table (flat.py): sheets whose header row names cells; one unit a row.
4. Anything else: one unit, read as always (its findings say what is missing).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

from ..errors import source
from ..formats import DEFAULT
from ..headers import flat, is_label
from ..locate import Grid, Located, locate_table
from ..parts import FLAT, SHEETS, ColumnMap, Part, Parts
from ..report import CellRef, Report, State, UnitMeta
from ..rules import finding
from ..schema import MARKER_SHEET, META_SHEET, RESULTS_SHEET, TEXT_SHEET
from .flat import read_flat, total_note
from .layout import META_VALUE_COL, layout_of
from .read import HiddenValue, Sheets, Where, labelled_values, open_workbook, read_cells, read_grids, typo_findings

# Sheets that belong to the template around its tables: never a sub-unit.
RESERVED = {META_SHEET, TEXT_SHEET, RESULTS_SHEET, MARKER_SHEET, *(t.sheet for t in DEFAULT.tables.values())}
_TOTAL_SHEET = re.compile(r"(?:合计|总计|小计|汇总)(?:表)?$|^汇总")
_YEAR = re.compile(r"((?:19|20)\d\d)年度?")
# What a title says around the unit's name.
_NAME_LEAD = re.compile(r"^(?:填报单位|报送单位|单位名称|机关名称|单位)[:：]?")
_NAME_TAIL = re.compile(r"(?:政府信息公开.*|年度报告.*|统计表|报表|数据表?|情况表)$")
_CORNERS = {flat(s.corner) for t in DEFAULT.tables.values() for s in t.sections if s.corner}


def read_book(path: Path, columns: ColumnMap | None = None) -> Parts:
    """The units of the workbook at ``path`` (see the module docstring)."""
    with source(path), open_workbook(path) as book:
        return book_parts(book, str(path), book.hidden_value, columns)


def book_parts(grids: Mapping[str, Grid], source_name: str = "", hidden: HiddenValue | None = None,
               columns: ColumnMap | None = None) -> Parts:
    """``read_book`` of grids (``{sheet: rows}``), as read.read_grids reads them."""
    names = list(grids)
    if MARKER_SHEET in names or META_SHEET in names or any(t.sheet in names for t in DEFAULT.tables.values()):
        return Parts.one(read_grids(grids, source_name, hidden))  # the template, or a merge's 汇总
    sheets = Sheets(grids, hidden)
    candidates = [n for n in names if n not in RESERVED]
    located = {n: _tables(sheets, n) for n in candidates}
    # Sheets of 表三 tell a workbook of sub-units from one unit's tables spread over sheets of other names.
    found = {n: tables for n, tables in located.items() if tables["t3"] is not None}
    totals = [n for n in found if _is_total(n, _title(sheets.rows(n), found[n]))]
    if len(found) - len(totals) >= 2 or (found and totals and len(found) > len(totals)):
        # Among them, a sheet whose 表二 or 表四 is found but not its 表三 (a label mistyped) is a unit too:
        # its 表三 unread, never a report passed over.
        found |= {n: tables for n, tables in located.items() if any(t is not None for t in tables.values())}
        return _sub_units(sheets, candidates, found, totals)
    if not found:
        flats = _flat_tables(sheets, candidates, columns, hidden)
        if flats is not None:
            return flats
    return Parts.one(read_grids(_Cached(sheets), source_name, hidden))


class _Cached(Mapping[str, Grid]):
    """The sheets already read, for read_grids (a workbook is read once)."""

    def __init__(self, sheets: Sheets):
        self.sheets = sheets

    def __getitem__(self, name: str) -> Grid:
        return self.sheets.rows(name)

    def __iter__(self):
        return iter(self.sheets.names)

    def __len__(self) -> int:
        return len(self.sheets.names)


def _tables(sheets: Sheets, name: str) -> dict[str, Located | None]:
    index = sheets.index(name)
    return {key: locate_table(index, table) for key, table in DEFAULT.tables.items()}


def _title(grid: Grid, located: dict[str, Located | None]) -> str:
    """The first text above the tables that is no label of the format: the sheet's title."""
    first = min((r for loc in located.values() if loc is not None for r, _ in loc.positions.values()), default=len(grid))
    for row in grid[:first]:
        for v in row:
            if isinstance(v, str) and v.strip() and not is_label(v) and flat(v) not in _CORNERS:
                return v.strip()
    return ""


def _is_total(sheet: str, title: str) -> bool:
    return bool(_TOTAL_SHEET.search(flat(sheet)) or (title and _TOTAL_SHEET.search(flat(_YEAR.sub("", title)))))


def unit_name(title: str) -> str:
    """A unit's name in a sheet's title: “某局办公室2024年政府信息公开工作年度报告” → 某局办公室.

        >>> unit_name("填报单位：某县某局办公室"), unit_name("某县某局办公室2024年度政府信息公开工作年度报告统计表")
        ('某县某局办公室', '某县某局办公室')
    """
    text = _NAME_LEAD.sub("", "".join(title.split()))
    text = _YEAR.sub("", text)
    return _NAME_TAIL.sub("", text).strip("：:（）() ")


def _sheet_meta(sheets: Sheets, name: str, title: str) -> tuple[UnitMeta, str]:
    """The unit's details on its sheet: labelled 机关名称 … if the sheet has them, else its title or name."""
    labels = {f.key: f.label for f in DEFAULT.meta_fields if f.key in ("name", "level", "region", "year")}
    values = {k: str(v).strip() for k, v in labelled_values(sheets, name, layout_of(DEFAULT).meta_rows, labels, META_VALUE_COL).items() if v}
    meta = UnitMeta(level=values.get("level", ""), region=values.get("region", ""))
    if values.get("name"):
        meta.name, how = values["name"], "名称取自工作表中的“机关名称”"
    elif title and unit_name(title):
        meta.name, how = unit_name(title), f"名称取自标题「{title}」"
    else:
        meta.name, how = name, "名称取自工作表名称"
    m = re.search(r"(19|20)\d\d", values.get("year", "")) or _YEAR.search(title)
    meta.year = int(m.group(0)[:4]) if m else None
    return meta, how


def _sheet_report(sheets: Sheets, name: str, located: dict[str, Located | None], meta: UnitMeta) -> Report:
    report = Report(meta=meta, unread_text=DEFAULT.text_keys)  # a sheet of tables: no text was asked for
    for key, table in DEFAULT.tables.items():
        loc = located[key]
        if loc is None:
            for cid in DEFAULT.table_cells(key):
                report.values[cid] = None
                report.states[cid] = State.TEXT
            report.findings.append(finding(
                "C1", f"工作表「{name}」中没有找到{table.name}（{table.heading}）：按标签查找不到该表的行和列",
                (CellRef(f"table:{key}", f"{name}!A1"),)))
            continue
        report.findings.extend(typo_findings(name, loc.typos))
        read_cells(sheets, layout_of(DEFAULT), table, Where(name, loc.positions, False, False), report)
    return report


def _sub_units(sheets: Sheets, candidates: list[str], found: dict[str, dict[str, Located | None]], totals: list[str]) -> Parts:
    parts = Parts([], SHEETS)
    for name in candidates:
        if name not in found:
            parts.skipped.append((f"工作表「{name}」", "没有年报表格（按标签找不到表二、表三、表四），不是单位的报告"))
            continue
        title = _title(sheets.rows(name), found[name])
        if name in totals:
            continue
        meta, how = _sheet_meta(sheets, name, title)
        parts.parts.append(Part(f"工作表「{name}」", _sheet_report(sheets, name, found[name], meta), f"工作表「{name}」，{how}"))
    units = [p.report for p in parts.parts if p.report is not None]
    for name in totals:
        total = _sheet_report(sheets, name, found[name], UnitMeta())
        parts.skipped.append((f"工作表「{name}」", f"合计表，不是单位，未计入；{total_note(total, units)}"))
    return parts


def _flat_tables(sheets: Sheets, candidates: list[str], columns: ColumnMap | None, hidden: HiddenValue | None) -> Parts | None:
    tables = {}
    for name in candidates:
        found = read_flat(sheets.rows(name), name, columns, hidden, f"「{name}」" if len(candidates) > 1 else "")
        if found is not None:
            tables[name] = found
    if not tables:
        return None
    parts = Parts([], FLAT)
    for name in candidates:
        if name not in tables:
            parts.skipped.append((f"工作表「{name}」", "没有年报数据（没有一列的表头与年报单元格对应）"))
            continue
        parts.parts += tables[name].parts
        parts.skipped += tables[name].skipped
        parts.columns += tables[name].columns
    return parts

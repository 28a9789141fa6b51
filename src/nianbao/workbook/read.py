"""Workbook → Report. Fast by layout (python-calamine), verified by labels; found by labels otherwise.

    >>> report = read_workbook("单位.xlsx")
    >>> report.values["t3.new.total"], report.addresses["t3.new.total"]
    (0, '表三!J5')

The reading itself works on grids, ``{sheet name: rows of values from A1}``:
``read_grids`` takes any such mapping, so the Excel add-in reads the open book
(through xlwings) with exactly the code that reads files (through calamine).

Nothing in a workbook makes this raise except a file that is not a usable
.xlsx at all (errors.SourceError); every oddity of content becomes a Finding
at its cell.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import final

import python_calamine

from ..cells import blank_row, parse_cell, plain_text
from ..errors import (
    CorruptWorkbook,
    EmptyFile,
    EncryptedWorkbook,
    FileMissing,
    LegacyXls,
    NotAWorkbook,
    TooLarge,
    source,
)
from ..formats import DEFAULT, F2019, FORMATS, readable
from ..grid import table_grid
from ..locate import (
    Grid,
    LabelIndex,
    Located,
    Typo,
    f2019_reasons,
    locate_table,
    old_format_finding,
    verify_layout,
)
from ..package import MAX_PACKAGE_BYTES, OLE_MAGIC, megabytes, open_package
from ..report import CellRef, Finding, Report, State, UnitMeta, format_number
from ..rules import finding
from ..schema import (
    MARKER_SHEET,
    MERGE_MARKER,
    META_SHEET,
    RESULTS_SHEET,
    TEXT_SHEET,
    Format,
    TableSpec,
    normalise,
)
from .annotate import ACK_CHOICE, read_result_rows
from .layout import (
    META_VALUE_COL,
    TEXT_VALUE_COL,
    Layout,
    a1,
    layout_of,
)
from .sheetxml import MAX_COLS, MAX_ROWS, SMALL, SheetPart, SheetXmlError, ods_extents, sheet_parts

_ENCRYPTION_STREAM = "EncryptionInfo".encode("utf-16-le")
HiddenValue = Callable[[str, int, int], "tuple[str, str] | None"]


# --- opening ------------------------------------------------------------------

# The dense block calamine builds from A1 to a sheet's last value (32 bytes a cell, then one Python
# object each). A report sheet is about 30 × 16; a county merge of 10,000 units has 明细 of 2.2 million.
MAX_SHEET_CELLS = 5_000_000
# A workbook of one sheet per unit holds a township's villages or a department's offices: tens, not thousands.
MAX_SHEETS = 1_000

_CORRUPT = "文件已损坏或没有写完整（可能下载、复制或保存时中断）；请重新获取原文件"


def open_workbook(path: Path) -> WorkbookFile:
    """Open ``path`` for reading, or raise the SourceError that says why it cannot be used.

    Reads .xlsx/.xlsm, OpenDocument .ods and old binary .xls (what calamine reads). Bounded before
    anything is parsed: the package's declared sizes (package.py), and each sheet's extent before
    calamine is asked for it (WorkbookFile)."""
    if not path.exists():
        raise FileMissing("文件不存在，请检查路径和文件名")
    if path.is_dir():
        raise NotAWorkbook("这是一个文件夹，不是Excel文件")
    size = path.stat().st_size
    if size == 0:
        raise EmptyFile("文件是空的（0字节），可能复制、下载或保存没有完成；请重新获取原文件")
    with path.open("rb") as f:
        head = f.read(8)
    if head == OLE_MAGIC:
        if _ENCRYPTION_STREAM in path.read_bytes():
            raise EncryptedWorkbook(_ENCRYPTED)
        if size > MAX_PACKAGE_BYTES:
            raise TooLarge(f"文件有{megabytes(size)}，超出年报工作簿的合理大小（上限{megabytes(MAX_PACKAGE_BYTES)}），未读取")
        return WorkbookFile(path, "xls")
    if not head.startswith(b"PK"):
        raise NotAWorkbook("不是Excel工作簿（.xlsx）文件；如果是从网页或其他软件导出的，请在Excel中另存为.xlsx")
    package = open_package(path, CorruptWorkbook(_CORRUPT))
    names = set(package.namelist())
    if "xl/workbook.xml" in names:
        return WorkbookFile(path, "xlsx", package)
    if "content.xml" in names and _ods_mimetype(package):
        return WorkbookFile(path, "ods", package)
    package.close()
    raise NotAWorkbook("这是一个压缩包或其他Office文件（如Word文档），不是Excel工作簿")


_ENCRYPTED = (
    "工作簿设置了打开密码，无法读取。请在Excel中打开，"
    "依次点击“文件→信息→保护工作簿→用密码进行加密”，清空密码并保存后再试"
)
_ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"


def _ods_mimetype(package: zipfile.ZipFile) -> bool:
    try:
        return package.read("mimetype").strip() == _ODS_MIMETYPE if "mimetype" in package.namelist() else True
    except (zipfile.BadZipFile, OSError, KeyError, zlib.error):
        return False


def _calamine(path: Path, kind: str) -> python_calamine.CalamineWorkbook:
    try:
        str(path).encode("utf-8")
        by_content = kind != "xlsx"  # an .xls saved under another name: calamine goes by the suffix, a file object by content
    except UnicodeEncodeError:  # a name in GBK bytes (a zip from Chinese Windows): calamine takes only UTF-8 paths
        by_content = True
    if by_content:
        with path.open("rb") as f:
            return python_calamine.CalamineWorkbook.from_filelike(f)
    return python_calamine.CalamineWorkbook.from_path(str(path))


def _calamine_failure(e: BaseException) -> str:
    return f"{type(e).__name__}：{str(e)[:200]}" if str(e) else type(e).__name__


@final
class WorkbookFile(Mapping[str, Grid]):
    """A workbook file's worksheets (.xlsx, .ods, .xls) as ``{sheet name: rows from A1}``, each sheet bounded before calamine reads it.

        >>> with open_workbook(Path("单位.xlsx")) as book:
        ...     rows = book["表三"]
        >>> rows[4][:2]
        ['一、本年新收政府信息公开申请数量', '']

    A sheet whose values reach further than MAX_SHEET_CELLS from A1 raises
    TooLarge; a damaged sheet (malformed XML, a missing part, a shared string
    that is not there) raises CorruptWorkbook: a damaged part never reads as an
    empty sheet. ``hidden_value(name, row, col)`` tells what a cell calamine
    shows as blank holds: an Excel error value, a formula without a saved result.
    """

    def __init__(self, path: Path, kind: str = "xlsx", package: zipfile.ZipFile | None = None):
        self.path, self.kind = path, kind  # "xlsx" (also .xlsm), "ods", "xls"
        self.zip = package  # opened and bounded by open_workbook (package.open_package)
        self.parts: dict[str, str] = {}
        self.extents: dict[str, tuple[int, int]] = {}  # .ods: checked before calamine, which reads all at open
        self._parts: dict[str, SheetPart] = {}
        if self.zip is not None:
            try:
                if kind == "xlsx":
                    self.parts = sheet_parts(self.zip)
                else:
                    self.extents = ods_extents(self.zip.read("content.xml"))
            except (zipfile.BadZipFile, OSError, KeyError, SheetXmlError, UnicodeDecodeError, zlib.error) as e:
                self._close_zip()
                raise CorruptWorkbook(f"工作簿的目录部分已损坏，无法读取；{_CORRUPT}") from e
            for name, (rows, cols) in self.extents.items():
                self._refuse_extent(name, rows, cols)
        try:
            self.book = _calamine(path, kind)
            metadata = self.book.sheets_metadata
        except (KeyboardInterrupt, SystemExit):
            self._close_zip()
            raise
        except BaseException as e:  # calamine raises several unrelated types, and Rust panics (BaseException)
            self._close_zip()
            if kind == "xls":
                if "password" in str(e).lower() or "encrypt" in str(e).lower():
                    raise EncryptedWorkbook(_ENCRYPTED) from e
                raise LegacyXls(
                    "这是旧版Excel（.xls）或WPS表格（.et）文件，其中的格式无法读取（可能已损坏或是不支持的版本）。"
                    "请在Excel或WPS中打开，另存为“Excel工作簿（*.xlsx）”后再试"
                ) from e
            raise CorruptWorkbook(f"工作簿内容已损坏，无法读取（{_calamine_failure(e)}）；请在Excel中打开并另存后再试") from e
        # Chart and macro sheets hold no cells; asking calamine for one as a grid fails.
        self.names = [m.name for m in metadata if m.typ == python_calamine.SheetTypeEnum.WorkSheet]
        if len(metadata) > MAX_SHEETS:
            self.close()
            raise TooLarge(f"工作簿有{len(metadata):,}个工作表，超出年报工作簿的合理范围（上限{MAX_SHEETS:,}个），未读取；"
                           "请把各单位的报告分成几个工作簿，或每个单位一个文件")

    def _close_zip(self) -> None:
        if self.zip is not None:
            self.zip.close()

    def part(self, name: str) -> SheetPart:
        """The sheet's XML (read once): its extent, and what calamine shows blank but is not."""
        if name not in self._parts:
            part = self.parts.get(name)
            try:
                if part is None or self.zip is None:
                    raise KeyError(name)
                self._parts[name] = SheetPart(self.zip.read(part))
            except (KeyError, zipfile.BadZipFile, OSError, EOFError, zlib.error) as e:
                raise CorruptWorkbook(f"工作表「{name}」的内容缺失或已损坏，无法读取；请在Excel中打开并另存后再试") from e
        return self._parts[name]

    def _bound(self, name: str) -> None:
        if self.kind != "xlsx":
            # .ods: checked at open. .xls: the format itself stops at IV65536 (a dense block of 0.5 GB at
            # worst, which the isolated readers' memory cap contains).
            return
        part = self.part(name)
        try:
            if part.small() and SMALL[0] * SMALL[1] <= MAX_SHEET_CELLS:  # a report's sheet, known from one pass
                return
            rows, cols = part.extent()
            if rows * cols > MAX_SHEET_CELLS or rows > MAX_ROWS or cols > MAX_COLS:
                rows, cols = part.exact_extent()  # only cells holding a value count
        except SheetXmlError as e:
            raise CorruptWorkbook(f"工作表「{name}」已损坏（XML格式错误：{e}），无法读取；请在Excel中打开并另存后再试") from e
        self._refuse_extent(name, rows, cols)

    @staticmethod
    def _refuse_extent(name: str, rows: int, cols: int) -> None:
        if rows > MAX_ROWS or cols > MAX_COLS:
            raise CorruptWorkbook(
                f"工作表「{name}」中有超出Excel行列范围的单元格（第{rows:,}行、第{cols:,}列），"
                "文件已损坏或不是Excel写出的；未读取"
            )
        if rows * cols > MAX_SHEET_CELLS:
            raise TooLarge(
                f"工作表「{name}」的内容一直延伸到{a1(rows, cols)}单元格，从A1到这里共{rows * cols:,}个单元格，"
                f"超出年报工作簿的合理范围（上限{MAX_SHEET_CELLS:,}个），无法安全读取。可能是极远处有内容"
                "（有的加载项会在那里保存数据；在Excel中按Ctrl+End可找到），请删除多余的行列后另存再试"
            )

    def hidden_value(self, name: str, row: int, col: int) -> tuple[str, str] | None:
        """What a cell calamine shows blank holds: an error value, a formula without a saved result, or nothing
        (known for .xlsx; an .ods and an .xls store a formula's result with it)."""
        if self.kind != "xlsx":
            return None
        try:
            return self.part(name).hidden_value(row, col)
        except SheetXmlError as e:
            raise CorruptWorkbook(f"工作表「{name}」已损坏（XML格式错误：{e}），无法读取；请在Excel中打开并另存后再试") from e

    def __getitem__(self, name: str) -> Grid:
        if name not in self.names:
            raise KeyError(name)
        self._bound(name)
        try:
            return self.book.get_sheet_by_name(name).to_python(skip_empty_area=False)
        except (KeyboardInterrupt, SystemExit):
            raise
        except BaseException as e:  # a damaged part must not read as an empty sheet
            raise CorruptWorkbook(
                f"工作表「{name}」已损坏，无法读取（{_calamine_failure(e)}）；请在Excel中打开并另存后再试"
            ) from e

    def __iter__(self) -> Iterator[str]:
        return iter(self.names)

    def __len__(self) -> int:
        return len(self.names)

    def close(self) -> None:
        self.book.close()
        self._close_zip()

    def __enter__(self) -> WorkbookFile:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class Sheets:
    """The workbook's sheets as grids of values (rows from A1), read once each, on demand."""

    def __init__(self, grids: Mapping[str, Grid], hidden: HiddenValue | None = None):
        self.grids = grids
        self.names = list(grids)
        self._hidden = hidden
        self._rows: dict[str, Grid] = {}
        self._indexes: dict[tuple[str, str], LabelIndex] = {}

    def rows(self, name: str) -> Grid:
        if name not in self._rows:
            self._rows[name] = self.grids[name]
        return self._rows[name]

    def index(self, name: str, fmt: Format = DEFAULT) -> LabelIndex:
        """The sheet's labels, with ``fmt``'s known typos found under their official labels."""
        key = (name, fmt.id)
        if key not in self._indexes:
            self._indexes[key] = LabelIndex(self.rows(name), fmt)
        return self._indexes[key]

    def hidden_value(self, name: str, row: int, col: int) -> tuple[str, str] | None:
        """What a blank cell holds that the grid does not show (an error value, a formula with no saved
        result); nothing where the grids come from a live spreadsheet, which calculates every formula."""
        return self._hidden(name, row, col) if self._hidden else None


def _sheet_part(z: zipfile.ZipFile, name: str) -> str | None:
    """The part holding sheet ``name`` (for writers that patch a sheet's XML)."""
    return sheet_parts(z).get(name)


# --- tables ---------------------------------------------------------------------


def typo_findings(sheet: str, typos: list[Typo]) -> list[Finding]:
    return [
        finding(
            "S4", f"{sheet}!{a1(t.row + 1, t.col + 1)}的标签「{t.found}」与国家格式不一致，应为「{t.official}」",
            (CellRef(f"label:{t.official}", f"{sheet}!{a1(t.row + 1, t.col + 1)}"),),
        )
        for t in typos
    ]


@dataclass(frozen=True)
class Where:
    """Where one table's cells are: the sheet, each cell's (row, column) from 0, and how it was found."""

    sheet: str
    positions: dict[str, tuple[int, int]]
    default_place: bool  # on its own sheet at the template position: the template's addresses hold
    verified: bool  # every label where the template puts it (else found by label search)


def _find_table(sheets: Sheets, layout: Layout, table: TableSpec, summary: bool, out: list[Finding]) -> Where | None:
    """Where the table's cells are: the template position if its labels are there, else by label search.

    The template position of a merge output's totals is on its 汇总 sheet (Layout.table_origin). What
    the search notices (typos, L1, subtotal rows) goes to ``out``.
    """
    fmt = layout.format
    sheet, top, left = layout.table_origin(table.key, summary=summary)
    if sheet in sheets.names:
        ok, typos = verify_layout(sheets.rows(sheet), table, top - 1, left - 1, fmt)
        if ok:
            out.extend(typo_findings(sheet, typos))
            positions = {p.cell: (top - 1 + p.row, left - 1 + p.col) for p in table_grid(table) if p.cell}
            return Where(sheet, positions, sheet == table.sheet, True)
    candidates = ([table.sheet] if table.sheet in sheets.names else []) + [
        n for n in sheets.names if n not in (table.sheet, TEXT_SHEET, RESULTS_SHEET, MARKER_SHEET)
    ]
    for name in candidates:
        found = locate_table(sheets.index(name, fmt), table)
        if found is None:
            continue
        out.extend(typo_findings(name, found.typos))
        where = "在模板位置" if name == table.sheet else f"不在「{table.sheet}」工作表，在「{name}」"
        out.append(
            finding(
                "L1",
                f"{table.name}{where}的标签与模板不完全一致（可能插入了行、改动了表样或粘贴到了其他工作表），"
                "已按标签查找并读取；请核对单元格位置",
                (CellRef(f"table:{table.key}", f"{name}!A1"),),
            )
        )
        out.extend(_subtotal_findings(sheets.rows(name), name, found))
        return Where(name, found.positions, False, False)
    return None


def _subtotal_findings(grid: Grid, sheet: str, found: Located) -> list[Finding]:
    out = []
    for group, r in found.subtotals:
        leaves = [n.key for n in group.leaves()]
        for col in ("total",):
            c = found.positions[f"t3.{leaves[0]}.{col}"][1]
            value = grid[r][c]
            parts = [grid[found.positions[f"t3.{k}.{col}"][0]][c] for k in leaves]
            numeric = [p for p in parts if isinstance(p, (int, float))]
            total = sum(numeric)
            same = isinstance(value, (int, float)) and value == total
            tail = "，与各项之和一致" if same else f"，但各项之和为{format_number(total)}"
            out.append(
                finding(
                    "T3-SUB",
                    f"表三有国家格式中没有的小计行「{group.label}」（{sheet}!{a1(r + 1, c + 1)}={format_number(value) if isinstance(value, (int, float)) else value}）"
                    f"{tail}；请删除小计行，按国家格式填报",
                    (CellRef(f"subtotal:{group.key}", f"{sheet}!{a1(r + 1, c + 1)}"),),
                )
            )
    return out


def read_cells(sheets: Sheets, layout: Layout, table: TableSpec, where: Where, report: Report) -> None:
    """Read the table's cells at ``where.positions`` (cell id → 0-based row, column) into ``report``,
    with a finding at each cell that is not a plain number. Cells without a position are left to the
    caller (a flat table may lack a column)."""
    cells = layout.format.cells
    sheet, positions = where.sheet, where.positions
    grid = sheets.rows(sheet)
    blanks: dict[str, list[str]] = {}
    cids = [cid for cid in layout.format.table_cells(table.key) if cid in positions]
    for cid in cids:
        r, c = positions[cid]
        value = grid[r][c] if r < len(grid) and c < len(grid[r]) else None
        address = layout.addresses[cid] if where.default_place else f"{sheet}!{a1(r + 1, c + 1)}"
        report.addresses[cid] = address
        spec = cells[cid]
        parsed = parse_cell(value, spec)
        if parsed.state is State.BLANK:
            # calamine shows an error value and a formula without a saved result as blank: the XML says which.
            hidden = sheets.hidden_value(sheet, r + 1, c + 1)
            if hidden and hidden[0] == "error":
                parsed = parse_cell(hidden[1], spec)
            elif hidden:
                report.values[cid] = None
                report.states[cid] = State.FORMULA
                report.findings.append(
                    finding(
                        "N5", f"{spec.label}是公式但没有保存计算结果，无法读取；请在Excel或WPS中打开、确认数字后保存，再校验",
                        (CellRef(cid, address),),
                    )
                )
                continue
            else:
                blanks.setdefault(spec.row.key or "", []).append(cid)
        report.values[cid] = parsed.number
        if parsed.state is not State.NUMBER:
            report.states[cid] = parsed.state
        if parsed.raw is not None:
            report.raw[cid] = parsed.raw
        if parsed.issue and not (parsed.state is State.BLANK):
            report.findings.append(parsed.issue.at(CellRef(cid, address), spec))
    n_blank = sum(len(v) for v in blanks.values())
    if n_blank == len(cids):
        report.findings.append(
            finding("C1", f"{table.name}全部空白，尚未填写；没有发生的事项请填0", tuple(report.ref(c) for c in cids))
        )
        return
    for row_cells in blanks.values():
        first = cells[row_cells[0]]
        where_text = f"{table.name}「{first.row_path[-1]}」行" if first.row_path else table.name
        span = report.addresses[row_cells[0]] + (
            "—" + report.addresses[row_cells[-1]].split("!")[1] if len(row_cells) > 1 else ""
        )
        report.findings.append(blank_row(where_text, [report.ref(c) for c in row_cells], span))


def _missing_table(fmt: Format, table: TableSpec, report: Report) -> None:
    for cid in fmt.table_cells(table.key):
        report.values[cid] = None
        report.states[cid] = State.TEXT  # unknown: no number may be assumed
    report.findings.append(
        finding(
            "C1", f"没有找到{table.name}（{table.heading}）：既不在「{table.sheet}」工作表的模板位置，也无法按标签找到",
            (CellRef(f"table:{table.key}", ""),),
        )
    )


# --- details, text, acknowledgements ------------------------------------------------


def labelled_cells(
    sheets: Sheets, sheet: str, rows: dict[str, int], labels: dict[str, str], col: int
) -> dict[str, tuple[int, int, object]]:
    """(row, column, value), 1-based, beside each label: by the template's rows when the labels are
    there, else by searching the labels (a workbook of an earlier template, or with rows moved)."""
    grid = sheets.rows(sheet) if sheet in sheets.names else []
    out: dict[str, tuple[int, int, object]] = {}
    missing = []
    for key, label in labels.items():
        r = rows[key] - 1
        found = grid[r][0] if r < len(grid) and grid[r] else None
        if isinstance(found, str) and normalise(found) == normalise(label):
            out[key] = (r + 1, col, grid[r][col - 1] if col - 1 < len(grid[r]) else None)
        else:
            missing.append(key)
    if missing and grid:
        index = sheets.index(sheet)
        for key in missing:
            hits = index.find(labels[key])
            if hits:
                r, c = hits[0]
                at = next((i for i in range(c + 1, len(grid[r])) if grid[r][i] not in ("", None)), c + 1)
                out[key] = (r + 1, at + 1, grid[r][at] if at < len(grid[r]) else None)
    return out


def labelled_values(sheets: Sheets, sheet: str, rows: dict[str, int], labels: dict[str, str], col: int) -> dict[str, object]:
    """Values beside labels (see ``labelled_cells``)."""
    return {key: value for key, (_, _, value) in labelled_cells(sheets, sheet, rows, labels, col).items()}


def _read_meta(sheets: Sheets, layout: Layout, report: Report) -> None:
    fields, rows = layout.format.meta_fields, layout.meta_rows
    labels = {f.key: f.label for f in fields}
    values = labelled_values(sheets, META_SHEET, rows, labels, META_VALUE_COL)
    former = {f.key: old for f in fields if f.key not in values for old in f.former_labels}
    if former:  # a workbook made from an earlier template
        values.update(labelled_values(sheets, META_SHEET, rows, former, META_VALUE_COL))
    meta = report.meta
    for f in fields:
        report.addresses[f"meta.{f.key}"] = f"{META_SHEET}!{a1(rows[f.key], META_VALUE_COL)}"
    for key in ("name", "level", "region", "contact", "phone"):
        v = values.get(key)
        setattr(meta, key, plain_text(v))
    year = values.get("year")
    m = re.search(r"(19|20)\d\d", plain_text(year))
    meta.year = int(m.group(0)) if m else None
    meta.government_own = {"是": True, "否": False}.get(plain_text(values.get("government_own")))
    missing = [f for f in fields if f.key in ("name", "level", "year") and not getattr(meta, f.key)]
    if missing:
        report.findings.append(
            finding(
                "M1", f"「{META_SHEET}」未填写：{'、'.join(f.label for f in missing)}",
                tuple(CellRef(f"meta.{f.key}", f"{META_SHEET}!B{rows[f.key]}") for f in missing),
            )
        )
    elif meta.level and meta.level not in {c for f in fields for c in f.choices}:
        report.findings.append(
            finding("M1", f"机关层级「{meta.level}」不在列表中，请从下拉列表选择", (CellRef("meta.level", f"{META_SHEET}!B{rows['level']}"),))
        )


def _read_text(sheets: Sheets, layout: Layout, report: Report) -> None:
    if TEXT_SHEET not in sheets.names:
        return
    labels = {s.key: s.label for s in layout.format.text_slots}
    for key, row in layout.text_rows.items():
        report.addresses[f"text.{key}"] = f"{TEXT_SHEET}!{a1(row, TEXT_VALUE_COL)}"
    for key, (row, col, value) in labelled_cells(sheets, TEXT_SHEET, layout.text_rows, labels, TEXT_VALUE_COL).items():
        # Where the slot is: a workbook of an earlier template has 五 and 六 a row higher.
        report.addresses[f"text.{key}"] = f"{TEXT_SHEET}!{a1(row, col)}"
        text = plain_text(value)
        if text:
            report.text[key] = text


def _read_acknowledgements(sheets: Sheets, report: Report) -> None:
    if RESULTS_SHEET not in sheets.names:
        return
    for row in read_result_rows(sheets.rows(RESULTS_SHEET)):
        if row.key and row.acknowledged == ACK_CHOICE:
            report.acknowledged[row.key] = row.reason


def _marker(sheets: Sheets) -> dict[str, str]:
    """The hidden marker sheet's rows as key → value (format, template_version; a merge output's kind …)."""
    if MARKER_SHEET not in sheets.names:
        return {}
    return {str(row[0]): plain_text(row[1]) for row in sheets.rows(MARKER_SHEET) if len(row) > 1 and row[0]}


def _read_summary_meta(marker: dict[str, str], report: Report) -> None:
    """A merge output states what its totals are of in its marker: it has no 单位信息 sheet to fill."""
    meta = report.meta
    meta.summary = True
    meta.name, meta.region = marker.get("name", ""), marker.get("region", "")
    m = re.fullmatch(r"(19|20)\d\d", marker.get("year", ""))
    meta.year = int(m.group(0)) if m else None


def _old_format(sheets: Sheets, report: Report) -> bool:
    reasons: list[str] = []
    for name in sheets.names:
        if name in (TEXT_SHEET, RESULTS_SHEET, MARKER_SHEET):
            continue
        reasons += [r for r in f2019_reasons(sheets.index(name)) if r not in reasons]
    if not reasons:
        return False
    report.meta.format = F2019.id
    report.findings.append(
        old_format_finding(reasons, report.meta.year, "该工作簿", "请改用新模板（nianbao template）重新填报")
    )
    return True


TablePlaces = dict[str, "Where | None"]


def _recognise(sheets: Sheets, marker: dict[str, str], summary: bool) -> tuple[Layout, TablePlaces, list[Finding]]:
    """The format the workbook is in, where its tables are, and what finding them noticed.

    The format its hidden marker names, when nianbao knows it; else, of the formats nianbao reads,
    the first whose tables all sit where its template puts them, else the one whose tables are found
    most completely by label (the one with more cells on a tie: a format that adds a column to
    another reads a workbook the other's labels also find).
    """
    marked = FORMATS.get(marker.get("format", ""))
    candidates = [marked] if marked is not None and marked.readable else list(readable())
    best: tuple[tuple[bool, int, int], Layout, TablePlaces, list[Finding]] | None = None
    for fmt in candidates:
        layout = layout_of(fmt)
        found: list[Finding] = []
        located = {t.key: _find_table(sheets, layout, t, summary, found) for t in fmt.tables.values()}
        places = [w for w in located.values() if w is not None]
        exact = len(places) == len(located) and all(w.verified for w in places)
        score = (exact, len(places), len(fmt.cell_ids))
        if best is None or score > best[0]:
            best = (score, layout, located, found)
        if exact:
            break
    assert best is not None  # the default format is always registered
    return best[1], best[2], best[3]


def read_grids(grids: Mapping[str, Grid], source: str = "", hidden: HiddenValue | None = None) -> Report:
    """Read a workbook given as ``{sheet name: rows of values from A1}`` into a Report.

        >>> with open_workbook(Path("单位.xlsx")) as book:
        ...     grids = {name: book[name] for name in book}
        >>> read_grids(grids, "单位.xlsx").values == read_workbook("单位.xlsx").values
        True

    ``grids`` may be lazy (a Mapping that reads a sheet when it is asked for);
    ``hidden(sheet, row, col)`` says what a blank cell holds that the grid does
    not show (an error value, a formula without a saved result), where the
    grids come from a file that can have them. The report is in the format
    the workbook is recognised as (``_recognise``).
    """
    sheets = Sheets(grids, hidden)
    marker = _marker(sheets)
    summary = marker.get(MERGE_MARKER[0]) == MERGE_MARKER[1]
    layout, located, found = _recognise(sheets, marker, summary)
    fmt = layout.format
    report = Report(meta=UnitMeta(source=source, format=fmt.id))
    if summary:
        _read_summary_meta(marker, report)
    else:
        _read_meta(sheets, layout, report)
    report.findings.extend(found)
    if any(v is None for v in located.values()) and _old_format(sheets, report):
        report.values = {}
        report.states = dict.fromkeys(fmt.cells, State.TEXT)
        report.findings = [f for f in report.findings if f.rule in ("Y4", "V1")]
        return report
    for table in fmt.tables.values():
        where = located[table.key]
        if where is None:
            _missing_table(fmt, table, report)
        else:
            read_cells(sheets, layout, table, where, report)
    _read_text(sheets, layout, report)
    _read_acknowledgements(sheets, report)
    return report


def read_workbook(path: str | Path) -> Report:
    """Read a filled workbook (the template, or any sheet holding the tables) into a Report."""
    path = Path(path)
    with source(path), open_workbook(path) as book:
        return read_grids(book, str(path), book.hidden_value)

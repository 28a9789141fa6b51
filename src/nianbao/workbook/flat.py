"""Flat tables: one row per unit, one column per statutory cell, found by header text, never by position.

    >>> parts = read_flat_csv(Path("表单导出.csv"))               # doctest: +SKIP
    >>> [(c.letter, c.header, c.cell) for c in parts.columns][:2]  # doctest: +SKIP
    [('A', '单位名称', None), ('B', '表二-规章-本年制发件数', 't2.rules.issued')]

What an online form (金山表单, 问卷星, 腾讯文档) exports, and the 明细 sheet of
a merge: a header of one to three rows (the 明细's table / row / column rows,
a header cell merged across the columns below it), then one unit a row.

* The header is the window of up to three rows, among the first rows, whose
  columns name the most cells and unit details (headers.match_header; upper
  header rows carried right across blank cells, as a merged cell is read). A
  row of cell ids (the 明细's hidden first row) names its columns exactly.
* A column names a cell only by its header. A header that fits several cells,
  one that fits none, two columns naming one cell: listed in ``columns``
  with why, and read into no cell. A cell no column names is unread (C1,
  未读取) in every row: never 0.
* Each row with a unit name or a number is a unit; a 合计/总计 row is not one
  (it is compared with the sum of the rows and listed); a row with neither
  is listed. Empty rows are passed over.

Each unit's cells are read by the same code as a workbook's (read.read_cells):
"12件", "十二", blanks and formulas without a result get the same findings, at
``sheet!cell`` of the row (a CSV's one sheet is named by its file, as Excel
names it). The file has no text; nothing is said of text it never had.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from ..cells import plain_text
from ..errors import EmptyFile, FileMissing, NoReportData, NotAWorkbook, SourceError, TooLarge, source
from ..formats import DEFAULT
from ..headers import FIELD_HEADERS, flat, header_text, is_label, match_header
from ..locate import Grid
from ..package import megabytes
from ..parts import FLAT, Column, ColumnMap, Part, Parts
from ..report import CellRef, Report, Severity, State, UnitMeta, format_number
from ..rules import finding
from .layout import column_letter, layout_of
from .read import HiddenValue, Sheets, Where, read_cells

MAX_CSV_BYTES = 50 << 20  # a county's 10,000 units × 230 columns is about 10 MB
MAX_CSV_CELLS = 5_000_000  # as a worksheet's extent (read.MAX_SHEET_CELLS)
HEADER_SCAN = 30  # rows searched for the header
MAX_HEADER_ROWS = 3
MAX_FLAT_COLUMNS = 1_000  # a flat table of every cell and unit details is about 230 columns
# A row that is the table's own total, not a unit.
_TOTAL_ROW = re.compile(r"^(?:全[省市县区镇乡]?|本[级县市区])?(?:合计|总计|小计|汇总|总数)$")
_YEAR = re.compile(r"((?:19|20)\d\d)年")
_PLAIN_NUMBER = re.compile(r"-?\d{1,15}(?:\.\d{1,15})?\Z")

# Why a column is (not) read into a cell (Column.how).
BY_HEADER, BY_MAP, UNMATCHED, AMBIGUOUS, DOUBLE, IGNORED = "按表头", "按对应表", "未对应", "多义", "重复", "忽略"
NO_HEADER = "没有表头（或表头是没有保存计算结果的公式）"
DETAIL_ONLY = "status"  # a 明细 column that says what an earlier merge made of the unit


# --- reading a CSV --------------------------------------------------------------------------------


def csv_rows(path: Path, what: str = "表格", numbers: bool = True) -> list[list[object]]:
    """The rows of a CSV file saved by Excel or WPS (UTF-8 with or without BOM, or GBK), bounded before parsing;
    plain numbers as numbers, unless ``numbers`` is false (a roster's unit code "007" stays "007")."""
    if not path.exists():
        raise FileMissing(f"{what}文件不存在，请检查路径")
    size = path.stat().st_size
    if size == 0:
        raise EmptyFile(f"{what}文件是空的（0字节）")
    if size > MAX_CSV_BYTES:
        raise TooLarge(f"{what}文件有{megabytes(size)}，超出合理大小（上限{megabytes(MAX_CSV_BYTES)}），未读取")
    data = path.read_bytes()
    if data.startswith((b"PK", b"\xd0\xcf\x11\xe0")):
        raise NotAWorkbook("这是Excel工作簿，不是CSV文件；请把扩展名改为.xlsx（或.xls）后再试")
    # Excel and WPS on Chinese Windows save CSV as GB18030 (GBK) unless told to save "CSV UTF-8".
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise NotAWorkbook(f"{what}文件的编码无法识别；请在Excel中另存为“CSV UTF-8（逗号分隔）”后再试")
    if "\x00" in text:
        raise NotAWorkbook(f"{what}文件中有二进制内容，不是CSV文件")
    first = text.split("\n", 1)[0]
    delimiter = "\t" if first.count("\t") > first.count(",") else ","
    rows: list[list[object]] = []
    cells = 0
    try:
        for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
            cells += len(row)
            if cells > MAX_CSV_CELLS:
                raise TooLarge(f"{what}文件超过{MAX_CSV_CELLS:,}个单元格，超出合理范围，未读取")
            # A plain number is a number, as a spreadsheet opening the file reads it (parse_cell reads "3" and 3.0
            # alike; the number takes its quick path). Anything else stays text, for parse_cell to judge.
            rows.append([float(v) if numbers and _PLAIN_NUMBER.match(v) else v for v in row])
    except csv.Error as e:  # a field longer than csv.field_size_limit, a stray NUL
        raise NotAWorkbook(f"{what}文件第{len(rows) + 1}行无法按CSV读取（{e}）；请在Excel中打开后另存为CSV再试") from e
    return rows


def read_flat_csv(path: Path, columns: ColumnMap | None = None) -> Parts:
    """A CSV file as a flat table (its one sheet named by the file, as Excel names it)."""
    with source(path):
        rows = csv_rows(path)
        found = read_flat(rows, path.stem, columns)
        if found is None:
            raise NoReportData(
                "CSV文件中没有找到年报数据：没有一列的表头与年报表格的单元格对应（如“表三-（一）予以公开-自然人”）。"
                "如果表头是别的写法，请用 --columns 对应表.csv 指定每列对应的单元格编号（见 docs/merge.md）"
            )
        return found


def read_column_map(path: str | Path) -> dict[str, str]:
    """``--columns MAP.csv``: a header per row and what it is (a cell id, a 单位信息 label, or 忽略/blank).

        表头,单元格编号
        新收申请（个人）,t3.new.natural_person
        填报单位,机关名称
        提交时间,忽略

    Keys are headers as compared (headers.flat). Raises SourceError naming the row that is wrong.
    """
    path = Path(path)
    with source(path):
        if path.suffix.lower() == ".csv":
            rows = csv_rows(path, "对应表")
        else:
            from .read import open_workbook

            with open_workbook(path) as book:
                rows = [list(r) for r in book[book.names[0]]] if book.names else []
        out: dict[str, str] = {}
        for n, row in enumerate(rows, start=1):
            header, target = (plain_text(row[0]) if row else ""), (plain_text(row[1]) if len(row) > 1 else "")
            if not header or (n == 1 and flat(header) in (flat("表头"), flat("列"), flat("列名"))):
                continue
            if target in DEFAULT.cells:
                out[flat(header)] = target
            elif target in ("", "忽略", "-", "—", "不读取"):
                out[flat(header)] = ""
            elif (m := match_header(target)).field is not None:
                out[flat(header)] = m.field
            elif (m := match_header(target)).cell is not None:
                out[flat(header)] = m.cell
            else:
                raise SourceError(
                    f"对应表第{n}行：「{target}」不是单元格编号（如 t3.new.natural_person，见 docs/format.md §3）、"
                    "单位信息的项目（机关名称、机关层级、报告年度……），也不是“忽略”"
                )
        if not out:
            raise SourceError("对应表中没有内容；每行写一个表头和它对应的单元格编号，如“新收申请（个人）,t3.new.natural_person”")
        return out


# --- the header ---------------------------------------------------------------------------------------


def _text(v: object) -> str:
    if v is None or isinstance(v, bool):
        return ""
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return str(v).strip()


def _headers(grid: Grid, top: int, bottom: int, width: int) -> list[tuple[str, str]]:
    """Each column's header over rows top..bottom: (stacked, own). Stacked carries an upper row's text
    right across blank cells (a merged header cell) until a row above it starts anew; own is the column's
    own cells only."""
    out = []
    carry = [""] * (bottom - top + 1)
    for c in range(width):
        fresh = False
        stacked, own = [], []
        for i, r in enumerate(range(top, bottom + 1)):
            row = grid[r]
            v = _text(row[c]) if c < len(row) else ""
            if v:
                carry[i], fresh = v, True
                own.append(v)
            elif fresh or r == bottom:
                carry[i] = ""
            stacked.append(carry[i])
        out.append((header_text(stacked), header_text(own)))
    return out


def _match(stacked: str, own: str, columns: ColumnMap | None):
    """(cell, field, how, candidates) of one column's header."""
    if columns is not None:
        for text in (stacked, own):
            key = flat(text)
            if key in columns:
                target = columns[key]
                if not target:
                    return None, None, IGNORED, ()
                return (target, None, BY_MAP, ()) if target in DEFAULT.cells else (None, target, BY_MAP, ())
    m = match_header(stacked)
    if not m.matched and own != stacked:
        alone = match_header(own)
        if alone.matched:
            m = alone
    if m.matched:
        return m.cell, m.field, BY_HEADER, ()
    return None, None, AMBIGUOUS if m.candidates else UNMATCHED, m.candidates


def _columns(grid: Grid, top: int, bottom: int, width: int, columns: ColumnMap | None) -> list[Column]:
    out: list[Column] = []
    for c, (stacked, own) in enumerate(_headers(grid, top, bottom, width)):
        if not stacked:
            continue
        cell, fld, how, candidates = _match(stacked, own, columns)
        out.append(Column(c, column_letter(c + 1), stacked, cell, fld, how, candidates))
    # Two columns naming one cell: neither is read (which one holds the unit's number is a guess).
    seen: dict[str, list[int]] = {}
    for i, col in enumerate(out):
        if col.cell:
            seen.setdefault(col.cell, []).append(i)
    for idxs in (v for v in seen.values() if len(v) > 1):
        letters = "、".join(out[i].letter for i in idxs)
        for i in idxs:
            col = out[i]
            out[i] = Column(col.index, col.letter, col.header, None, None, f"{DOUBLE}（{letters}列都对应{DEFAULT.cells[col.cell or ''].label}）",
                            (col.cell or "",))
    return out


def _score(cols: list[Column]) -> int:
    return len({c.cell for c in cols if c.cell}) + len({c.field for c in cols if c.field})


def find_header(grid: Grid, columns: ColumnMap | None = None) -> tuple[int, int, list[Column]] | None:
    """(first header row, last header row, columns) of a flat table in ``grid``, or None when no header
    row names a cell."""
    width = min(max((len(r) for r in grid[: HEADER_SCAN + MAX_HEADER_ROWS]), default=0), MAX_FLAT_COLUMNS)
    best: tuple[int, int, int, list[Column]] | None = None
    for bottom in range(min(HEADER_SCAN, len(grid))):
        if not any(_text(v) for v in grid[bottom][:width]):
            continue
        for height in range(1, MAX_HEADER_ROWS + 1):
            top = bottom - height + 1
            if top < 0:
                break
            cols = _columns(grid, top, bottom, width, columns)
            score = _score(cols)
            # The best window; on a tie the later one (nearest the data), then the shorter (a title row over
            # the header names nothing, and would only be carried into every header).
            if score and (best is None or score > best[0] or (score == best[0] and bottom > best[2])):
                best = (score, top, bottom, cols)
    if best is None or not any(c.cell for c in best[3]):
        return None
    return best[1], best[2], best[3]


def _header_like(row: Sequence[object], cols: list[Column]) -> bool:
    """A further header row under the header (the 明细's label rows under its row of ids): only labels, no number."""
    values = [row[c.index] for c in cols if c.cell and c.index < len(row) and _text(row[c.index])]
    if not values or any(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values):
        return False
    return all(is_label(v) for v in values)


# --- the rows -----------------------------------------------------------------------------------------


def _year_above(grid: Grid, top: int) -> int | None:
    """A year the title over the header states (“2024年政府信息公开年度报告数据”)."""
    for row in grid[:top]:
        for v in row:
            m = _YEAR.search(_text(v))
            if m:
                return int(m.group(1))
    return None


def _meta(row: Sequence[object], fields: dict[str, list[int]], year: int | None) -> UnitMeta:
    def get(key: str) -> str:
        for c in fields.get(key, ()):
            if c < len(row) and (v := plain_text(row[c])):
                return v
        return ""

    meta = UnitMeta(name=get("name") or get("roster_name"), level=get("level"), region=get("region"),
                    contact=get("contact"), phone=get("phone"))
    m = re.search(r"(19|20)\d\d", get("year"))
    meta.year = int(m.group(0)) if m else year
    meta.government_own = {"是": True, "否": False}.get(get("government_own"))
    return meta


def _row_report(sheets: Sheets, sheet: str, r: int, cols: list[Column], meta: UnitMeta) -> Report:
    report = Report(meta=meta, unread_text=DEFAULT.text_keys)  # a table of numbers: no text was asked for
    where = {c.cell: c.index for c in cols if c.cell}
    for table in DEFAULT.tables.values():
        positions = {cid: (r, where[cid]) for cid in DEFAULT.table_cells(table.key) if cid in where}
        if positions:
            read_cells(sheets, layout_of(DEFAULT), table, Where(sheet, positions, False, False), report)
        missing = [cid for cid in DEFAULT.table_cells(table.key) if cid not in where]
        for cid in missing:
            report.values[cid] = None
            report.states[cid] = State.TEXT  # unknown: no number may be assumed
        if missing:
            shown = "、".join(DEFAULT.cells[c].label for c in missing[:3]) + (f"等{len(missing)}个" if len(missing) > 3 else "")
            report.findings.append(finding(
                "C1", f"表格中没有{shown}单元格的列，未读取（没有当作0）；请在表格中补上这些列，或用 --columns 指定对应关系",
                tuple(CellRef(c, "") for c in missing), severity=Severity.UNREAD,
            ))
    if not meta.name:
        report.findings.append(finding("M1", f"「{sheet}」第{r + 1}行没有填写单位名称", (CellRef("meta.name", f"{sheet}!A{r + 1}"),)))
    return report


def total_note(total: Report, units: list[Report]) -> str:
    """Whether a table's own total (a 合计 row or sheet) equals the sum of its units, cell by cell."""
    diffs = []
    for cid, value in total.values.items():
        if value is None:
            continue
        s = round(sum(n for u in units if (n := u.number(cid)) is not None), 6)
        if abs(s - value) > 1e-6:
            diffs.append(f"{total.address(cid) or cid}合计{format_number(value)}、各单位之和{format_number(s)}")
    if not diffs:
        return "与各单位之和一致"
    more = f"等{len(diffs)}处" if len(diffs) > 3 else ""
    return f"与各单位之和不一致（{'；'.join(diffs[:3])}{more}），请核对"


def read_flat(grid: Grid, sheet: str, columns: ColumnMap | None = None, hidden: HiddenValue | None = None,
              label: str = "") -> Parts | None:
    """A flat table on one sheet: a part per unit row; None when no header names a cell.

    ``label`` prefixes each row's part ("「表单」第5行") when the workbook has other sheets.
    """
    header = find_header(grid, columns)
    if header is None:
        return None
    top, bottom, cols = header
    cols = [replace(c, sheet=sheet) for c in cols]
    sheets = Sheets({sheet: grid}, hidden)
    fields: dict[str, list[int]] = {}
    for c in cols:
        if c.field:
            fields.setdefault(c.field, []).append(c.index)
    for found in fields.values():  # the most telling header first: 报告中的机关名称 before 单位
        found.sort(key=lambda i: _field_rank(next(c.header for c in cols if c.index == i)))
    cell_cols = [c for c in cols if c.cell]
    year = _year_above(grid, top)
    parts, skipped = Parts([], FLAT, columns=cols), []
    totals: list[int] = []
    start = bottom + 1
    while start < len(grid) and _header_like(grid[start], cols):
        start += 1
    width = max((c.index for c in cols), default=0) + 1
    for r in range(start, len(grid)):
        row = grid[r]
        if not any(_text(v) for v in row[:MAX_FLAT_COLUMNS]):
            continue
        where = f"{label}第{r + 1}行"
        meta = _meta(row, fields, year)
        has_values = any(c.index < len(row) and _text(row[c.index]) for c in cell_cols)
        if meta.name and _TOTAL_ROW.match(flat(meta.name)):
            totals.append(r)
            continue
        if not meta.name and not has_values:
            text = "".join(_text(v) for v in row[:width])[:30]
            skipped.append((where, f"没有单位名称，也没有数字，不是单位的数据（「{text}」）"))
            continue
        status = next((plain_text(row[i]) for i in fields.get(DETAIL_ONLY, ()) if i < len(row)), "")
        if status == "无法读取" and not has_values:
            parts.parts.append(Part(where, Report(meta=meta), f"表格{where}", error="该单位在原汇总中无法读取，表格中没有它的数字"))
            continue
        report = _row_report(sheets, sheet, r, cols, meta)
        parts.parts.append(Part(where, report, f"表格{where}", row=r + 1))
    # A column with numbers under no header (a header left blank, or a formula never calculated): said, not read.
    headed = {c.index for c in cols}
    data = grid[start:]
    for i in range(min(max((len(r) for r in data), default=0), MAX_FLAT_COLUMNS)):
        if i not in headed and any(i < len(r) and _text(r[i]) for r in data):
            parts.columns.append(Column(i, column_letter(i + 1), "", how=NO_HEADER, sheet=sheet))
    parts.columns.sort(key=lambda col: col.index)
    units = [p.report for p in parts.parts if p.report is not None]
    for r in totals:
        total = _row_report(sheets, sheet, r, cols, UnitMeta(name="合计"))
        skipped.append((f"{label}第{r + 1}行", f"合计行，不是单位，未计入；{total_note(total, units)}"))
    if any(len(row) > MAX_FLAT_COLUMNS for row in grid):
        skipped.append((label or sheet, f"表格超过{MAX_FLAT_COLUMNS:,}列，第{MAX_FLAT_COLUMNS + 1:,}列以后未读取"))
    parts.skipped = skipped
    return parts


def _field_rank(header: str) -> int:
    key = flat(header)
    for words in FIELD_HEADERS.values():
        for i, w in enumerate(words):
            if flat(w) == key:
                return i
    return len(FIELD_HEADERS)


def unmatched(cols: list[Column]) -> list[Column]:
    """The columns read into nothing (not ignored on purpose)."""
    return [c for c in cols if not c.cell and not c.field and c.how != IGNORED]


def unread_cells(cols: list[Column]) -> list[str]:
    """The cells no column names."""
    named = {c.cell for c in cols if c.cell}
    return [cid for cid in DEFAULT.cell_ids if cid not in named]


def column_summary(cols: list[Column]) -> str:
    """One sentence on how a flat table's columns were read, for 报送情况: what was matched, what not."""
    sheets = list(dict.fromkeys(c.sheet for c in cols))
    cells = [c for c in cols if c.cell]
    fields = [c for c in cols if c.field]
    by_map = sum(1 for c in cols if c.how == BY_MAP)
    parts = [f"表格（{'、'.join(f'「{s}」' for s in sheets)}）按表头对应了{len(cells) + len(fields)}列："
             f"单元格{len(cells)}列、单位信息{len(fields)}列" + (f"（其中按对应表{by_map}列）" if by_map else "")]
    left = unmatched(cols)
    if left:
        shown = "、".join(f"{c.letter}「{c.header}」（{c.how}" + (f"，像是{DEFAULT.cells[near].label}" if (near := _near(c, cols)) else "")
                         + "）" for c in left[:10])
        parts.append(f"{len(left)}列没有读取：{shown}" + (f"等{len(left)}列" if len(left) > 10 else ""))
    ignored = [c for c in cols if c.how == IGNORED]
    if ignored:
        parts.append(f"按对应表忽略{len(ignored)}列")
    missing = unread_cells(cols)
    if missing:
        shown = "、".join(DEFAULT.cells[c].label for c in missing[:5])
        parts.append(f"{len(missing)}个单元格没有对应的列（各单位的该项未读取）：{shown}" + (f"等{len(missing)}个" if len(missing) > 5 else ""))
    return "；".join(parts)


NEAREST_SHOWN = 30  # unmatched columns looked up by spelling (a form's own columns are many, and none is near)


def _near(col: Column, cols: list[Column]) -> str | None:
    """The cell an unmatched column's header nearly spells (headers.nearest), if no other column names it."""
    from ..headers import nearest

    if col.how != UNMATCHED or col not in unmatched(cols)[:NEAREST_SHOWN]:
        return None
    cell = nearest(col.header)
    return cell if cell and not any(c.cell == cell for c in cols) else None


def _csv_line(*values: str) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="").writerow(values)
    return out.getvalue()


def mapping_lines(cols: list[Column]) -> list[str]:
    """The column matching, one line a column, for a person to check (``merge`` and ``check`` print it)."""
    from ..headers import FIELD_LABELS

    lines = []
    several = len({c.sheet for c in cols}) > 1
    for c in cols:
        where = f"{c.sheet}!{c.letter}" if several else c.letter
        if c.cell:
            to = f"{c.cell}  {DEFAULT.cells[c.cell].label}"
        elif c.field:
            to = FIELD_LABELS.get(c.field, c.field)
        elif c.candidates and c.how == AMBIGUOUS:
            to = f"（未读取：可能是{len(c.candidates)}个单元格之一，如{DEFAULT.cells[c.candidates[0]].label}；请写全表、行、列）"
        elif c.how == UNMATCHED and (near := _near(c, cols)):
            to = (f"（未读取：未对应。像是{near}  {DEFAULT.cells[near].label}（表头可能写错了字），"
                  f"如果是，在 --columns 对应表中写一行：{_csv_line(c.header, near)}）")
        else:
            to = f"（未读取：{c.how}）"
        lines.append(f"{where}「{c.header}」→ {to}" + (f"（{BY_MAP}）" if c.how == BY_MAP else ""))
    return lines


def flat_header(cid: str) -> str:
    """A cell's column header as a flat table writes it: 表三-（三）不予公开-1.属于国家秘密-自然人."""
    spec = DEFAULT.cells[cid]
    return "-".join([spec.table, *spec.row_path[-2:], *spec.column_path])


def write_flat(reports: list[Report], path: Path, encoding: str = "utf-8-sig") -> Path:
    """A flat table (CSV) of ``reports``, one row each under a header naming every cell (flat_header):
    the shape of an online form's export, for the demo and the tests."""
    from ..atomic import atomic_path

    rows: list[list[object]] = [["单位名称", "机关层级", "所属地区", "报告年度", *map(flat_header, DEFAULT.cell_ids)]]
    for r in reports:
        cells = [r.raw.get(cid, r.values.get(cid) if r.state(cid) is State.NUMBER else "") for cid in DEFAULT.cell_ids]
        rows.append([r.meta.name, r.meta.level, r.meta.region, r.meta.year or "", *cells])
    with atomic_path(path) as tmp, open(tmp, "w", encoding=encoding, newline="") as f:
        csv.writer(f).writerows([["" if v is None else v for v in row] for row in rows])
    return path

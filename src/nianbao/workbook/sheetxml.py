"""What a worksheet's XML holds that calamine does not say, found in one linear pass (expat).

    >>> scan = scan_sheet(b'<worksheet><sheetData><row r="5"><c r="D5" t="e"><f>1/0</f><v>#DIV/0!</v></c>'
    ...                   b'<c r="E5"><f>1+1</f></c></row></sheetData></worksheet>')
    >>> scan.rows, scan.cols, scan.errors, scan.unsaved_formulas
    (5, 4, {(5, 4): '#DIV/0!'}, {(5, 5)})

- ``rows``/``cols``: the last row and column holding a value. calamine turns a
  sheet into one dense block from A1 to there (32 bytes a cell), so one value
  at XFD1048576 asks for 550 GB: the reader refuses such a sheet before
  calamine sees it.
- ``unsaved_formulas``: formulas with no saved result (calamine shows them blank).
- ``errors``: cells holding an Excel error value (#REF!, #DIV/0!, #N/A…);
  calamine shows them blank too.

Elements are matched by local name, so a namespace prefix (``<x:c>``) and any
attribute order read alike. A DTD is refused (Excel never writes one; it is
how entity bombs come), and malformed XML raises ``SheetXmlError``.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from dataclasses import dataclass, field
from xml.parsers import expat

MAX_ROWS, MAX_COLS = 1_048_576, 16_384  # Excel's own limits (XFD1048576)


class SheetXmlError(ValueError):
    """The part is not well-formed worksheet XML (the message says where, in English)."""


@dataclass
class SheetScan:
    rows: int = 0
    cols: int = 0
    unsaved_formulas: set[tuple[int, int]] = field(default_factory=set)  # (row, col), 1-based
    errors: dict[tuple[int, int], str] = field(default_factory=dict)

    @property
    def cells(self) -> int:
        """How many cells the dense block from A1 to the last value holds."""
        return self.rows * self.cols


def column_number(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + (ord(ch) - 64)
    return n


def parse_reference(ref: str) -> tuple[int, int] | None:
    """"D5" → (5, 4); None for what is not a cell reference. Out-of-range references (ZZZZZZZ5,
    A2000000000) keep their size, capped just past Excel's limits, so they are refused, not wrapped."""
    i = 0
    n = len(ref)
    while i < n and "A" <= ref[i].upper() <= "Z":
        i += 1
    letters, digits = ref[:i].upper(), ref[i:]
    if not letters or not digits.isdigit() or not digits.isascii():
        return None
    col = column_number(letters) if len(letters) <= 10 else 26**10
    row = int(digits) if len(digits) <= 15 else 10**15
    return row, col


def _refuse_dtd(*_args: object) -> None:
    raise SheetXmlError("DTD in a worksheet part")


def scan_sheet(data: bytes) -> SheetScan:
    """One pass over a worksheet part (``xl/worksheets/sheetN.xml``); raises SheetXmlError when it is malformed."""
    scanner = _Scanner()
    parser = expat.ParserCreate(namespace_separator="}")
    parser.buffer_text = True
    parser.StartElementHandler = scanner.start
    parser.EndElementHandler = scanner.end
    parser.CharacterDataHandler = scanner.chars
    parser.StartDoctypeDeclHandler = _refuse_dtd
    parser.EntityDeclHandler = _refuse_dtd
    try:
        parser.Parse(data, True)
    except expat.ExpatError as e:
        raise SheetXmlError(str(e)) from None
    return scanner.scan


class _Scanner:
    """Places cells as calamine does: by their reference, else one after the previous cell or row."""

    def __init__(self) -> None:
        self.scan = SheetScan()
        self.row = self.col = 0
        self.in_cell = self.in_value = False
        self.pos = (0, 0)
        self.type: str | None = None
        self.has_formula = self.has_inline = False
        self.text: list[str] = []

    def start(self, name: str, attrs: dict[str, str]) -> None:
        local = name[name.rfind("}") + 1 :]
        if local == "c":
            ref = attrs.get("r")
            pos = parse_reference(ref) if ref else None
            self.row, self.col = pos if pos is not None else (self.row or 1, self.col + 1)
            self.pos, self.type = (self.row, self.col), attrs.get("t")
            self.in_cell, self.has_formula, self.has_inline = True, False, False
            self.text.clear()
        elif not self.in_cell:
            if local == "row":
                r = attrs.get("r")
                self.row = int(r) if r and r.isdigit() and r.isascii() and len(r) <= 15 else self.row + 1
                self.col = 0
        elif local == "v":
            self.in_value = True
        elif local == "f":
            self.has_formula = True
        elif local == "is":
            self.has_inline = True

    def end(self, name: str) -> None:
        local = name[name.rfind("}") + 1 :]
        if local == "v":
            self.in_value = False
        elif local == "c" and self.in_cell:
            self.in_cell = False
            value = "".join(self.text).strip()
            scan, (row, col) = self.scan, self.pos
            if value or self.has_inline:
                scan.rows, scan.cols = max(scan.rows, row), max(scan.cols, col)
            if self.has_formula and not value:
                scan.unsaved_formulas.add(self.pos)
            elif self.type == "e" and value:
                scan.errors[self.pos] = value

    def chars(self, data: str) -> None:
        if self.in_value:
            self.text.append(data)


# A cell tag exactly as Excel, WPS, LibreOffice and the Python writers write it: the reference first,
# then only attributes that are not "r" (calamine takes the LAST "r" of a tag, so a second one could
# move the cell anywhere). Each pattern scans at most to the end of one tag from each "<", so the
# work is linear whatever the part holds.
_PLAIN_CELL = re.compile(rb'<c r="([A-Z]{1,3})([0-9]{1,7})"(?: (?:s|t|cm|vm|ph)="[^"<>]*")*\s*(/?)>')
_ANY_CELL = re.compile(rb"<c[\s/>]")
_PREFIXED_CELL = re.compile(rb"<[A-Za-z_][\w.\-]*:c[\s/>]")
_VALUE = re.compile(rb"<v>([^<]*)</v>")
# A cell tag that is not plain, or that reaches past Z99999: where none is found, every value is within
# A1:Z99999 (2.6 million cells, within the reader's MAX_SHEET_CELLS) with no per-cell work at all.
SMALL = (99_999, 26)  # the farthest (row, column) ``SheetPart.small`` vouches for: Z99999
_NOT_SMALL = re.compile(rb'<c(?=[\s/>])(?! r="[A-Z][0-9]{1,5}"(?: (?:s|t|cm|vm|ph)="[^"<>]*")*\s*/?>)')
_ERROR_TYPE = re.compile(rb'\st="e"')


class SheetPart:
    """One worksheet part: how far its values reach, and what calamine shows blank but is not.

        >>> part = SheetPart(b'<worksheet><sheetData><row r="5"><c r="D5" t="e"><v>#REF!</v></c>'
        ...                  b'<c r="E5" s="2"><f>1+1</f></c></row></sheetData></worksheet>')
        >>> part.extent(), part.exact_extent(), part.hidden_value(5, 4), part.hidden_value(5, 5), part.hidden_value(5, 6)
        ((5, 5), (5, 4), ('error', '#REF!'), ('formula', ''), None)

    Where every cell tag is plain (as every spreadsheet program writes them), the answers come from a
    few linear regular-expression passes in C, a tenth of a full parse: a report is read in
    milliseconds. Anything else (a prefix, another attribute order, a cell without its reference)
    gets the full parse, ``scan_sheet``, which reads them all alike.
    """

    def __init__(self, data: bytes):
        self.data = data
        self._refs: list[tuple[bytes, bytes, bytes]] | None = None
        self._scan: SheetScan | None = None
        self._index: dict[tuple[int, int], tuple[re.Match[bytes], int]] | None = None
        self._small: bool | None = None

    def small(self) -> bool:
        """Whether every cell tag is plain and within A1:Z99999 (SMALL): one pass, no cell looked at one by
        one. A report's sheets are; anything else asks ``extent``."""
        if self._small is None:
            self._small = not (_NOT_SMALL.search(self.data) or (b":c" in self.data and _PREFIXED_CELL.search(self.data)))
        return self._small

    @property
    def plain(self) -> bool:
        if self._refs is None:
            refs = _PLAIN_CELL.findall(self.data)
            odd = len(refs) != len(_ANY_CELL.findall(self.data)) or (b":c" in self.data and _PREFIXED_CELL.search(self.data))
            self._refs = [] if odd else refs
            self._odd = bool(odd)
        return not self._odd

    def scan(self) -> SheetScan:
        if self._scan is None:
            self._scan = scan_sheet(self.data)
        return self._scan

    def extent(self) -> tuple[int, int]:
        """(last row, last column) reached: from plain tags an upper bound (cells holding nothing count
        too), else exact (``exact_extent``)."""
        if not self.plain:
            return self.scan().rows, self.scan().cols
        if not self._refs:
            return 0, 0
        # Distinct rows and column letters first: a sheet has hundreds of cells but a few dozen of each.
        rows = max(map(int, {r for _, r, _ in self._refs}))
        letters = max({c for c, _, _ in self._refs}, key=lambda c: (len(c), c))
        return rows, column_number(letters.decode("ascii"))

    def _cells(self) -> dict[tuple[int, int], tuple[re.Match[bytes], int]]:
        """Each plain cell tag by position (the last one wins, as in calamine), with where the next begins."""
        if self._index is None:
            tags = list(_PLAIN_CELL.finditer(self.data))
            stops = [m.start() for m in tags[1:]] + [len(self.data)]
            self._index = {
                (int(m.group(2)), column_number(m.group(1).decode("ascii"))): (m, stop) for m, stop in zip(tags, stops)
            }
        return self._index

    def exact_extent(self) -> tuple[int, int]:
        """(last row, last column) holding a value, as calamine will see it: a full parse."""
        return self.scan().rows, self.scan().cols

    def hidden_value(self, row: int, col: int) -> tuple[str, str] | None:
        """For a cell calamine shows blank: ("error", "#REF!") for an Excel error value, ("formula", "")
        for a formula with no saved result, None when it is truly blank."""
        if not self.plain:
            scan = self.scan()
            if (row, col) in scan.errors:
                return "error", scan.errors[(row, col)]
            return ("formula", "") if (row, col) in scan.unsaved_formulas else None
        found = self._cells().get((row, col))
        if found is None:
            return None
        tag, stop = found
        if tag.group(3):  # <c …/>: no content
            return None
        # The content ends at "</c>", and at the latest where the next cell starts: each lookup reads
        # only its own cell, so all of them together read the part once.
        end = self.data.find(b"</c>", tag.end(), stop)
        content = self.data[tag.end() : end if end >= 0 else stop]
        value = _VALUE.search(content)
        text = value.group(1).decode("utf-8", "replace").strip() if value else ""
        if _ERROR_TYPE.search(tag.group(0)) and text:
            return "error", text
        if b"<f" in content and not text:
            return "formula", ""
        return None


# --- which part holds which sheet ----------------------------------------------------------


def elements(data: bytes, local: str) -> list[dict[str, str]]:
    """The attributes (by local name) of every element named ``local`` in an XML part."""
    found: list[dict[str, str]] = []
    parser = expat.ParserCreate(namespace_separator="}")

    def start(name: str, attrs: dict[str, str]) -> None:
        if name[name.rfind("}") + 1 :] == local:
            found.append({k[k.rfind("}") + 1 :]: v for k, v in attrs.items()})

    parser.StartElementHandler = start
    parser.StartDoctypeDeclHandler = _refuse_dtd
    parser.EntityDeclHandler = _refuse_dtd
    try:
        parser.Parse(data, True)
    except expat.ExpatError as e:
        raise SheetXmlError(str(e)) from None
    return found


def sheet_parts(z: zipfile.ZipFile) -> dict[str, str]:
    """``{sheet name: part name}`` from xl/workbook.xml and its relationships (any prefix, any attribute order)."""
    sheets = elements(z.read("xl/workbook.xml"), "sheet")
    rels = {r.get("Id"): r.get("Target", "") for r in elements(z.read("xl/_rels/workbook.xml.rels"), "Relationship")}
    out: dict[str, str] = {}
    for sheet in sheets:
        target = rels.get(sheet.get("id"))
        if sheet.get("name") is not None and target:
            part = target.lstrip("/") if target.startswith("/") else posixpath.normpath("xl/" + target)
            out[sheet["name"]] = part
    return out


# --- OpenDocument (.ods) ------------------------------------------------------------------------------

_TABLE_NS = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_OFFICE_NS = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"


def _repeat(attrs: dict[str, str], name: str) -> int:
    value = attrs.get(f"{_TABLE_NS}}}{name}", "1")
    return int(value) if value.isdigit() and value.isascii() and len(value) <= 12 else 10**12


def ods_extents(content: bytes) -> dict[str, tuple[int, int]]:
    """``{sheet name: (last row, last column)}`` holding a value in an .ods ``content.xml``, repeats counted.

    calamine reads every sheet of an .ods when it opens it, expanding repeated cells (one element can
    stand for a million rows), so the extents are checked before calamine is called at all.
    """
    scanner = _OdsScanner()
    parser = expat.ParserCreate(namespace_separator="}")
    parser.StartElementHandler = scanner.start
    parser.EndElementHandler = scanner.end
    parser.StartDoctypeDeclHandler = _refuse_dtd
    parser.EntityDeclHandler = _refuse_dtd
    try:
        parser.Parse(content, True)
    except expat.ExpatError as e:
        raise SheetXmlError(str(e)) from None
    return scanner.extents


class _OdsScanner:
    def __init__(self) -> None:
        self.extents: dict[str, tuple[int, int]] = {}
        self.sheet = ""
        self.row = self.col = 0
        self.rows_repeated = 1
        self.in_cell = self.valued = False
        self.first = self.cols = 0

    def start(self, name: str, attrs: dict[str, str]) -> None:
        if self.in_cell:  # text or anything inside a cell: it holds something
            self.valued = True
            return
        local = name[name.rfind("}") + 1 :]
        if local == "table":
            self.sheet, self.row = attrs.get(f"{_TABLE_NS}}}name", ""), 0
            self.extents.setdefault(self.sheet, (0, 0))
        elif local == "table-row":
            self.rows_repeated, self.col = _repeat(attrs, "number-rows-repeated"), 0
        elif local in ("table-cell", "covered-table-cell"):
            self.cols = _repeat(attrs, "number-columns-repeated")
            self.first, self.col = self.col + 1, self.col + self.cols
            self.in_cell, self.valued = True, f"{_OFFICE_NS}}}value-type" in attrs

    def end(self, name: str) -> None:
        local = name[name.rfind("}") + 1 :]
        if self.in_cell and local in ("table-cell", "covered-table-cell"):
            self.in_cell = False
            if self.valued:
                rows, cols = self.extents.get(self.sheet, (0, 0))
                self.extents[self.sheet] = (max(rows, self.row + self.rows_repeated), max(cols, self.first + self.cols - 1))
        elif not self.in_cell and local == "table-row":
            self.row += self.rows_repeated

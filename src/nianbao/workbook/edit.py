"""Changing a unit's workbook with openpyxl: open it for writing, write user text as text.

    wb = open_for_writing(path, "生成标注副本")       # a damaged or hostile part: CorruptWorkbook, in Chinese
    put_text(ws["G2"], "=HYPERLINK(\\"http://…\\")")   # a string in the cell, never a live formula

openpyxl turns any string that starts with "=" into a formula, and refuses
control characters that XML cannot hold. Every string nianbao writes into a
workbook with openpyxl that a person typed (a 核实说明, a unit name, a finding
quoting a cell, the text of the 文字 sheet) goes through ``put_text``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..errors import CorruptWorkbook, source
from ..safetext import clean

# What spreadsheet programs read as the start of a formula when the cell is edited and confirmed.
FORMULA_STARTS = ("=", "+", "-", "@")


def put_text(cell: Any, value: object) -> None:
    """Write ``value`` into an openpyxl cell; a string is stored as a string (and stays one when edited in Excel)."""
    if not isinstance(value, str):
        cell.value = value
        return
    text = clean(value)
    cell.value = text
    if text:
        cell.data_type = "s"
        if text.startswith(FORMULA_STARTS):
            cell.quotePrefix = True


def open_for_writing(path: str | Path, purpose: str, keep_vba: bool = False):
    """The workbook at ``path`` loaded with openpyxl to write into; CorruptWorkbook if it cannot be.
    ``keep_vba`` keeps an .xlsm's macros, for an output that is an .xlsm too."""
    import openpyxl

    path = Path(path)
    with source(path):
        try:
            return openpyxl.load_workbook(path, keep_vba=keep_vba and path.suffix.lower() == ".xlsm")
        except Exception as e:  # openpyxl raises many unrelated types for damaged parts, wrapping defusedxml's
            raise CorruptWorkbook(f"工作簿无法用于{purpose}（{_why(e)}）；请在Excel中打开并另存后再试") from e


def _why(error: BaseException) -> str:
    """What openpyxl could not read, in words where it is known: defusedxml's refusal comes as the cause."""
    seen: BaseException | None = error
    while seen is not None:
        if type(seen).__module__.startswith("defusedxml"):
            return "部件中含有Excel不会写出的DTD或实体声明，可能被改动过"
        seen = seen.__cause__ or seen.__context__
    return f"部件已损坏：{type(error).__name__}"

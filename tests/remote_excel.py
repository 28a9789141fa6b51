"""Run the add-in's buttons on Linux with real xlwings objects: xlwings' remote engine.

    book = open_book(payload(path))        # an xlwings Book, as a client would send it
    excel.run("check", book)               # the button, with the book as its caller
    out = replay(book.json()["actions"], path, tmp / "after.xlsx")   # what Excel would show

The remote engine is xlwings PRO, free under PolyForm Noncommercial 1.0.0 (which
covers government institutions); the key is set here, for the tests only. The
users' runtime path (RunPython in desktop Excel) stays on BSD xlwings.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path
from typing import Any

os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")

import openpyxl
import xlwings as xw
from openpyxl.styles import PatternFill
from openpyxl.worksheet.hyperlink import Hyperlink

if "remote" not in [engine.name for engine in xw.engines]:
    raise RuntimeError("xlwings was imported before XLWINGS_LICENSE_KEY was set: the remote engine is missing")


def _json_value(v: Any) -> Any:
    # What the VBA client sends: numbers, strings, booleans, null for empty, ISO dates.
    if isinstance(v, (dt.datetime, dt.date)):
        return v.isoformat() + ("" if isinstance(v, dt.datetime) else "T00:00:00") + ".000Z"
    if isinstance(v, dt.time):
        return v.isoformat()
    return v


def payload(path: Path, name: str | None = None) -> dict:
    """The JSON a client sends for the workbook at ``path``: every sheet's values from A1, names, book info."""
    wb = openpyxl.load_workbook(path, data_only=True)
    sheets = []
    for ws in wb.worksheets:
        rows = [
            [_json_value(v) for v in row]
            for row in ws.iter_rows(min_row=1, min_col=1, max_row=ws.max_row, max_col=ws.max_column, values_only=True)
        ]
        sheets.append({"name": ws.title, "values": rows, "pictures": [], "tables": []})
    names = []
    for dn in wb.defined_names.values():
        for title, ref in dn.destinations:
            names.append(_name(dn.name, wb.sheetnames.index(title), ref, None))
    for i, ws in enumerate(wb.worksheets):
        if ws.print_area:
            names.append(_name("Print_Area", i, ws.print_area.split("!")[-1], ws.title))
    return json.loads(json.dumps({
        "client": "VBA",
        "version": xw.__version__,
        "book": {"name": name or path.name, "active_sheet_index": wb.index(wb.active), "selection": "A1"},
        "names": names,
        "sheets": sheets,
    }))


def _name(name: str, sheet_index: int, ref: str, scope: str | None) -> dict:
    return {
        "name": name if scope is None else f"'{scope}'!{name}",
        "sheet_index": sheet_index,
        "address": ref.replace("$", ""),
        "book_scope": scope is None,
        "scope_sheet_name": scope,
        "scope_sheet_index": None if scope is None else sheet_index,
    }


def open_book(data: dict, app=None):
    """An xlwings Book on the remote engine; each call without ``app`` opens a new App
    (the remote engine sends alerts to the App's last-opened book)."""
    if app is None:
        app = xw.engines["remote"].apps.add(add_book=False)
    return app.books.open(json=data)


def replay(actions: list[dict], src: Path, dst: Path) -> dict:
    """Apply the remote engine's actions to an openpyxl copy of ``src`` saved as ``dst``, as a client
    would apply them to the open book. Returns {"alerts": [...], "active": sheet name}."""
    wb = openpyxl.load_workbook(src)
    alerts = []
    for a in actions:
        func = a["func"]
        ws = wb.worksheets[a["sheet_position"]] if a["sheet_position"] is not None else None
        if func == "setValues":
            for r, row in enumerate(a["values"]):
                for c, v in enumerate(row):
                    cell = ws.cell(a["start_row"] + r + 1, a["start_column"] + c + 1)
                    if isinstance(v, str) and v.startswith("'"):
                        # As Excel reads typing: a leading apostrophe makes the rest text, kept as the cell's prefix.
                        cell.value, cell.data_type, cell.quotePrefix = v[1:], "s", True
                    else:
                        cell.value = None if v == "" else v  # openpyxl, like Excel, makes "=…" a formula
        elif func == "setRangeColor":
            colour = a["args"][0]
            fill = PatternFill(fill_type=None) if colour is None else PatternFill("solid", start_color="FF" + colour[1:].upper(), end_color="FF" + colour[1:].upper())
            for r in range(a["row_count"]):
                for c in range(a["column_count"]):
                    ws.cell(a["start_row"] + r + 1, a["start_column"] + c + 1).fill = fill
        elif func == "addSheet":
            ix, name = a["args"]
            wb.create_sheet(name, ix)
            wb.active = ix  # as Excel does with a sheet it adds
        elif func == "sheetClear":
            ix, title = wb.worksheets.index(ws), ws.title
            wb.remove(ws)
            wb.create_sheet(title, ix)
        elif func == "addHyperlink":
            address, text, _tip = a["args"]
            cell = ws.cell(a["start_row"] + 1, a["start_column"] + 1)
            assert address.startswith("#"), address
            cell.hyperlink = Hyperlink(ref=cell.coordinate, location=address[1:], display=text)
        elif func == "activateSheet":
            wb.active = a["args"][0]
        elif func == "alert":
            alerts.append({"prompt": a["args"][0], "title": a["args"][1], "mode": a["args"][3]})
        else:
            raise AssertionError(f"the button used an action the test does not replay: {func}")
    wb.save(dst)
    return {"alerts": alerts, "active": wb.active.title}


def fill(ws, ref: str) -> str | None:
    """A cell's solid fill as "FFRRGGBB", or None."""
    f = ws[ref].fill
    return f.start_color.rgb if f is not None and f.fill_type == "solid" else None

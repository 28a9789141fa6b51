"""The template's colours as ARGB hex, with no spreadsheet library behind them.

style.py builds openpyxl fills from these; the Excel add-in (excel.py) paints
the same colours through xlwings without paying for an openpyxl import on
every click.
"""

INPUT_COLOR = "FFFFF2CC"  # pale yellow: a cell the unit fills in
LABEL_COLOR = "FFDDEBF7"  # pale blue: printed headers
MARK_COLOR = "FFFF9999"  # red: a cell the checker found wrong
CHECK_COLOR = "FFFFC7CE"  # light red: a live check that fails


def rgb(argb: str) -> str:
    """"FFFF9999" → "#FF9999", the form xlwings takes."""
    return "#" + argb[-6:]

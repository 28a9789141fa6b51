"""Colours and fonts of the template, shared by the builder and the annotator."""

from __future__ import annotations

from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

from .colors import CHECK_COLOR, INPUT_COLOR, LABEL_COLOR, MARK_COLOR

FONT_NAME = "宋体"

INPUT_FILL = PatternFill("solid", start_color=INPUT_COLOR, end_color=INPUT_COLOR)
LABEL_FILL = PatternFill("solid", start_color=LABEL_COLOR, end_color=LABEL_COLOR)
MARK_FILL = PatternFill("solid", start_color=MARK_COLOR, end_color=MARK_COLOR)
CHECK_FILL = PatternFill("solid", start_color=CHECK_COLOR, end_color=CHECK_COLOR)
NO_FILL = PatternFill(fill_type=None)

_thin = Side(style="thin", color="FF000000")
BORDER = Border(left=_thin, right=_thin, top=_thin, bottom=_thin)

TITLE_FONT = Font(name=FONT_NAME, size=14, bold=True)
HEADER_FONT = Font(name=FONT_NAME, size=10, bold=True)
BODY_FONT = Font(name=FONT_NAME, size=10)
CHECK_FONT = Font(name=FONT_NAME, size=9, color="FFC00000")
NOTE_FONT = Font(name=FONT_NAME, size=9, color="FF595959")
LINK_FONT = Font(name=FONT_NAME, size=10, color="FF0563C1", underline="single")

CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)
VERTICAL = Alignment(horizontal="center", vertical="center", wrap_text=True, text_rotation=255)
TEXT_BLOCK = Alignment(horizontal="left", vertical="top", wrap_text=True)
ONE_LINE = Alignment(horizontal="left", vertical="center")  # runs on into the empty cells to its right

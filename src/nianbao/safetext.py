"""Text that came from a user, made safe for where it goes: a terminal, a document, a workbook cell.

    >>> visible("峰灵镇\\x1b[2K\\r结论：通过")
    '峰灵镇␛[2K␍结论：通过'
    >>> clean("第一行\\x0b第二行\\x00")
    '第一行\\n第二行'

A unit name, a file name or a cell's text may hold control characters: ESC
sequences that move a terminal's cursor and so can fake a line such as
"结论：通过", a Word soft line break (vertical tab) pasted into Excel, NUL.
On a terminal each is shown as its Unicode control picture (one character
for one, so nothing else moves); in XML (Word, web pages, workbooks), where
most of them are illegal, line and page breaks become line breaks and the
rest is dropped.
"""

from __future__ import annotations

import re

# C0 controls (but tab and line feed), DEL, and the C1 range: U+2400 + code is the control picture of a C0
# control (␛ for ESC), U+2421 ␡ for DEL; C1 controls have no picture and show as the replacement character.
_PICTURES = {c: 0x2400 + c for c in range(0x20) if chr(c) not in "\t\n"} | {0x7F: 0x2421}
_PICTURES |= dict.fromkeys(range(128, 160), 65533)
# Bidirectional overrides and isolates reorder what follows them on screen ("通过" shown where "未通过" is).
_PICTURES |= dict.fromkeys((*range(8234, 8239), *range(8294, 8298)), 65533)
_LINE_BREAKS = {0x0A: 0x2424}  # ␤: a line feed inside one name or file name is also a way to start a fake line

# Breaks a clerk meant (Word's soft line break, a page break, Unicode line/paragraph separators) and CR LF.
_BREAKS = re.compile("\r\n|[\r\x0b\x0c\u2028\u2029\x85]")
# What XML 1.0 cannot hold, plus the controls no document wants (DEL, C1).
_ILLEGAL = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def visible(text: str, *, one_line: bool = True) -> str:
    """``text`` for a terminal: every control character shown as a picture; with ``one_line`` also line feeds.
    Bytes of a file name that are not UTF-8 (kept by Python as surrogates) are shown escaped, \\xd2."""
    table = _PICTURES | _LINE_BREAKS if one_line else _PICTURES
    return _printable(text).translate(table)


def _printable(text: str) -> str:
    if not any("\ud800" <= ch <= "\udfff" for ch in text):
        return text
    try:
        return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    except UnicodeEncodeError:  # a lone surrogate that stands for no byte
        return text.encode("utf-8", "backslashreplace").decode("utf-8")


def clean(text: str) -> str:
    """``text`` for XML (a .docx, a web page, a workbook cell): breaks as "\\n", other control characters dropped."""
    return _ILLEGAL.sub("", _BREAKS.sub("\n", text))

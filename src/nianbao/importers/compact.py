"""Published text made comparable with the schema's labels, keeping the way back to the original.

    >>> c = Compact("2、申请人逾期未按收费通知要求交纳\\n费用")
    >>> c.s
    '2.申请人逾期未按收费通知要求缴纳费用'
    >>> c.original(0, len(c.s))
    '2、申请人逾期未按收费通知要求交纳\\n费用'

``Compact(text).s`` is what ``schema.normalise`` makes of a label, applied to a
whole document: full-width forms folded, whitespace, table bars and quotes
dropped, item numbers unified, the spelling variants of docs/format.md §3.5 mapped. A
label found in ``s`` by plain ``str.find`` is mapped back to the characters as
printed, however the page broke them (``商业 企业``, a label wrapped over three
PDF lines). A test keeps this equal to ``normalise`` on every label.
"""

from __future__ import annotations

import unicodedata

from ..schema import SPELLINGS, YEAR_NOTE

# The same characters schema.normalise drops, plus the bars of flattened tables.
_DROPPED = set("“”\"'‘’『』「」|｜")
_CLOSING = set("”\"'’』」")


class Compact:
    def __init__(self, text: str):
        self.text = text
        chars: list[str] = []
        pos: list[int] = []
        for i, ch in enumerate(text):
            for c in unicodedata.normalize("NFKC", ch):
                if c.isspace() or c in _DROPPED:
                    continue
                chars.append(c)
                pos.append(i)
        # Item numbers: "1、" "1，" "1．" all read "1." (labels carry digits only in their number).
        for i in range(1, len(chars)):
            if chars[i] in "、,." and chars[i - 1].isdigit():
                chars[i] = "."
        s = "".join(chars)
        if YEAR_NOTE.search(s):
            keep = [True] * len(s)
            for m in YEAR_NOTE.finditer(s):
                keep[m.start() : m.end()] = [False] * (m.end() - m.start())
            chars = [ch for ch, k in zip(chars, keep) if k]
            pos = [p for p, k in zip(pos, keep) if k]
            s = "".join(chars)
        for variant, official in SPELLINGS:
            if variant not in s:
                continue
            out_chars: list[str] = []
            out_pos: list[int] = []
            i = 0
            while i < len(s):
                if s.startswith(variant, i):
                    out_chars.extend(official)
                    out_pos.extend(pos[i : i + len(official)])
                    i += len(variant)
                else:
                    out_chars.append(s[i])
                    out_pos.append(pos[i])
                    i += 1
            s, pos = "".join(out_chars), out_pos
        self.s = s
        self.pos = pos

    def __len__(self) -> int:
        return len(self.s)

    def find(self, needle: str, start: int = 0, end: int | None = None) -> int:
        return self.s.find(needle, start, len(self.s) if end is None else end)

    def at(self, original_index: int) -> int:
        """The first compact index at or after an index into the original text."""
        lo, hi = 0, len(self.pos)
        while lo < hi:
            mid = (lo + hi) // 2
            if self.pos[mid] < original_index:
                lo = mid + 1
            else:
                hi = mid
        return lo

    def start(self, i: int) -> int:
        """Original index of compact position ``i`` (the text's end past the last)."""
        return self.pos[i] if i < len(self.pos) else len(self.text)

    def end(self, i: int) -> int:
        """Original index just after compact span ending at ``i`` (exclusive)."""
        return self.pos[i - 1] + 1 if i > 0 else 0

    def original(self, i: int, j: int) -> str:
        """The printed text behind compact span [i, j), with the closing quotes that follow it
        (dropped from ``s``, but part of a label such as 3.危及“三安全一稳定”)."""
        if j <= i:
            return ""
        end = self.end(j)
        while end < len(self.text) and self.text[end] in _CLOSING:
            end += 1
        return self.text[self.start(i) : end]


def printed(text: str) -> str:
    """A printed label as one line: line breaks and spaces inside it removed."""
    return "".join(text.split())

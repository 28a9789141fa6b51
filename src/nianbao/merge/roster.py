"""The roster (名单) of units a county expects, and matching unit names to it.

    >>> roster = Roster.from_names(["巫溪县峰灵镇人民政府", "巫溪县市场监督管理局"])
    >>> m = roster.match("峰灵镇")
    >>> roster.entries[m.index].name, m.exact, m.how
    ('巫溪县峰灵镇人民政府', False, '名称一个包含另一个（地区前缀不同）')

A roster is a workbook (first sheet) or CSV with a header row naming the
columns 单位名称 (required), 机关层级 and 代码 (optional); without a
recognisable header the first column is taken as the names.

Names match when they are equal after ``name_key`` (full-width letters,
spaces and punctuation ignored); otherwise the forms people actually use are
tried, strongest first, and every such match is reported:

1. the same once brackets are dropped and the ending is in its short form (NAME_ENDINGS:
   峰灵镇 / 峰灵镇人民政府, 双江街道 / 双江街道办事处);
2. one name ends with the other (区域前缀: 峰灵镇 / 巫溪县峰灵镇人民政府);
3. an abbreviation: the characters of the shorter (3 or more) appear in order
   in the longer, which ends with the same character (县市场监管局 /
   巫溪县市场监督管理局, 人社局 / 人力资源和社会保障局).

A match must be unique at the strongest step that finds one; a name that fits
several roster units is not matched, and the candidates are named instead.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from ..errors import SourceError, UnsupportedSource, source
from ..workbook.flat import csv_rows

NAME_HEADERS = ("单位名称", "机关名称", "名称", "单位", "报送单位")
LEVEL_HEADERS = ("机关层级", "层级", "单位层级", "级别")
CODE_HEADERS = ("代码", "单位代码", "编码", "统一社会信用代码", "编号")

_PUNCT = re.compile(r"[\s\u3000·・.,，、;；:：\"'“”‘’()（）\[\]【】<>《》-]")
_BRACKETED = re.compile(r"[（(][^）)]*[）)]")
# Endings one unit's name is written with and without (the roster says 双江街道办事处, the clerk
# 双江街道): each long form and the short form it stands for, the first that fits is used.
# 镇人民政府 / 乡人民政府 shorten to 镇 / 乡 by the 人民政府 row; 县X局 / X局 differ by a region
# prefix, which the second fuzzy step allows.
NAME_ENDINGS = (
    ("街道办事处", "街道"),
    ("街道办", "街道"),
    ("委员会", "委"),
    ("办公室", "办"),
    ("人民政府", ""),
    ("政府", ""),
)


def name_key(name: str) -> str:
    """Two spellings of one name compare equal: full-width forms, spaces and punctuation ignored."""
    return _PUNCT.sub("", unicodedata.normalize("NFKC", str(name)))


def short_key(name: str) -> str:
    """The key without bracketed notes, its ending in the short form (NAME_ENDINGS).

    >>> short_key("云阳县双江街道办事处") == short_key("云阳县双江街道")
    True
    """
    s = name_key(_BRACKETED.sub("", unicodedata.normalize("NFKC", str(name))))
    for long, short in NAME_ENDINGS:
        if s.endswith(long) and len(s) > len(long):
            return s[: -len(long)] + short
    return s


def _is_subsequence(short: str, long: str) -> bool:
    it = iter(long)
    return all(ch in it for ch in short)


@dataclass(frozen=True)
class RosterEntry:
    order: int  # 0-based position in the roster: the order of the output
    name: str
    level: str = ""
    code: str = ""


@dataclass(frozen=True)
class Match:
    index: int | None  # roster entry, or None
    exact: bool = False
    how: str = ""  # for a fuzzy match, what made the names the same
    candidates: tuple[int, ...] = ()  # when the name fits several entries


FUZZY_STEPS = (
    "去掉括号内容、统一“人民政府”“街道办事处”等后缀后一致",
    "名称一个包含另一个（地区前缀不同）",
    "简称与全称（字序一致，末字相同）",
)


class Roster:
    def __init__(self, entries: list[RosterEntry], source: str = ""):
        self.entries = entries
        self.source = source
        self._exact: dict[str, int] = {}
        self._short: dict[str, list[int]] = {}
        self.duplicates: list[RosterEntry] = []
        for e in entries:
            k = name_key(e.name)
            if k in self._exact:
                self.duplicates.append(e)
                continue
            self._exact[k] = e.order
            self._short.setdefault(short_key(e.name), []).append(e.order)

    @classmethod
    def from_names(cls, names: list[str]) -> Roster:
        return cls([RosterEntry(i, n) for i, n in enumerate(names)])

    def __len__(self) -> int:
        return len(self.entries)

    def match(self, name: str) -> Match:
        """The roster entry ``name`` refers to (see the module docstring for the steps)."""
        if not name:
            return Match(None)
        k = name_key(name)
        if k in self._exact:
            return Match(self._exact[k], exact=True)
        s = short_key(name)
        if not s:
            return Match(None)
        steps = (
            lambda rs: rs == s,
            lambda rs: len(min(rs, s, key=len)) >= 2 and (rs.endswith(s) or s.endswith(rs)),
            lambda rs: len(min(rs, s, key=len)) >= 3
            and rs[-1] == s[-1]
            and (_is_subsequence(s, rs) or _is_subsequence(rs, s)),
        )
        for how, fits in zip(FUZZY_STEPS, steps):
            hits = sorted({i for rs, idx in self._short.items() if fits(rs) for i in idx})
            if len(hits) == 1:
                return Match(hits[0], how=how)
            if len(hits) > 1:
                return Match(None, candidates=tuple(hits))
        return Match(None)


def _column(cells: list[str], headers: tuple[str, ...]) -> int | None:
    return next((cells.index(h) for h in headers if h in cells), None)


def _find_header(rows: list[list[object]]) -> tuple[int, int, int | None, int | None]:
    """(header row, name col, level col, code col); header row -1 when there is none."""
    for r, row in enumerate(rows[:20]):
        cells = [name_key(v) if isinstance(v, str) else "" for v in row]
        name = _column(cells, NAME_HEADERS)
        if name is not None:
            return r, name, _column(cells, LEVEL_HEADERS), _column(cells, CODE_HEADERS)
    return -1, 0, None, None


def _rows_from_workbook(path: Path) -> list[list[object]]:
    from ..workbook.read import open_workbook

    with open_workbook(path) as book:
        return [list(row) for row in book[book.names[0]]] if book.names else []


def _text(v: object) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return str(v).strip()


def _cell(row: list[object], c: int | None) -> str:
    return _text(row[c]) if c is not None and c < len(row) else ""


def read_roster(path: str | Path) -> Roster:
    """Read a roster workbook or CSV; raises SourceError (with the file named) when it cannot."""
    path = Path(path)
    with source(path):
        suffix = path.suffix.lower()
        if suffix == ".csv":
            rows = csv_rows(path, "名单", numbers=False)
        elif suffix in (".xlsx", ".xlsm", ".xls", ".et"):
            rows = _rows_from_workbook(path)
        else:
            raise UnsupportedSource("名单应为Excel工作簿（.xlsx）或CSV文件")
        header, name_col, level_col, code_col = _find_header(rows)
        entries: list[RosterEntry] = []
        for row in rows[header + 1 :]:
            name = _cell(row, name_col)
            if name:
                entries.append(RosterEntry(len(entries), name, _cell(row, level_col), _cell(row, code_col)))
        if not entries:
            raise SourceError("名单中没有找到单位名称；第一行应为表头（如“单位名称、机关层级、代码”），其下每行一个单位")
        return Roster(entries, str(path))

"""Numbers the report's own text states for a table cell: "集中公开现行有效行政规范性文件698件".

    >>> stated_values("现行有效行政规范性文件698件，本年度制发的规范性文件88件。", "行政规范性文件",
    ...               ["本年制发件数", "本年废止件数", "现行有效件数"])
    {2: 698, 0: 88}

Used only to choose among the splits of digits that ran together in a row that
has no identity to decide it (表二): a split is kept when it is the only one
that agrees with every number the text states for that row (the way the
transcriber of corpus 005 read 8855698 as 88|55|698).
"""

from __future__ import annotations

import re

ROW_TAIL = 5  # "规范性文件": the text often drops a row label's qualifier (行政…)
_CLAUSE = re.compile(r"[。；;，,！？!?\n]")
_AFFIXES = re.compile(r"^本年度?|(?:件数|数量)$|[（(].*?[）)]")


def column_keyword(label: str) -> str:
    """本年制发件数 → 制发, 现行有效件数 → 现行有效, 本年处理决定数量 → 处理决定."""
    return _AFFIXES.sub("", label) or label


def stated_values(text: str, row_label: str, column_labels: list[str]) -> dict[int, int]:
    """Column index → the number the text states for it (clauses naming the row, one column and "N件")."""
    tail = row_label[-ROW_TAIL:]
    keywords = [column_keyword(c) for c in column_labels]
    number = re.compile(re.escape(tail) + r"\s*(\d+)\s*件")
    out: dict[int, int] = {}
    for clause in _CLAUSE.split(text):
        m = number.search(clause)
        if not m:
            continue
        named = [k for k, word in enumerate(keywords) if word in clause[: m.start()]]
        if len(named) == 1:
            out.setdefault(named[0], int(m.group(1)))
    return out

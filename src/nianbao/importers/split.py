"""Digits that ran together when a table was flattened (``640020470``): the only split, or none.

    >>> list(digit_splits("1200", 3))
    [('1', '20', '0'), ('12', '0', '0')]

A row printed as one run of digits has many possible splits into its cells.
``resolve`` keeps a row's split only when exactly one split is consistent with
the table's identities — the error-level equations of ``rules.format_checks``
that lie within the table (表三 每行/每列, 表四 总计) — across all rows at once.
Nothing here knows a sum by hand; a table whose printed numbers break an identity
simply has no consistent split, and its run-together rows stay unread.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from ..formats import F2021
from ..report import Severity
from ..rules import Check, format_checks

MAX_CANDIDATES = 20_000  # per row; beyond this a row is reported unreadable, not searched
MAX_NODES = 500_000  # search steps for a whole table


def _digits(raw: str) -> str:
    return unicodedata.normalize("NFKC", raw)


def splittable(raw: str) -> bool:
    """A bare run of digits (no sign, decimal point, unit or separator) that may hold several cells."""
    t = _digits(raw)
    return len(t) >= 2 and t.isdigit() and t.isascii()


@lru_cache(maxsize=4096)
def _splits(digits: str, k: int) -> tuple[tuple[str, ...], ...]:
    if k == 1:
        return ((digits,),) if digits == "0" or not digits.startswith("0") else ()
    out = []
    first_lengths = [1] if digits.startswith("0") else range(1, len(digits) - k + 2)
    for n in first_lengths:
        for rest in _splits(digits[n:], k - 1):
            out.append((digits[:n],) + rest)
    return tuple(out)


def digit_splits(raw: str, k: int) -> Iterator[tuple[str, ...]]:
    """Every way to cut a digit run into ``k`` numbers written without leading zeros."""
    yield from _splits(_digits(raw), k)


def row_splits(tokens: Sequence[str], n: int) -> list[tuple[str, ...]] | None:
    """Every reading of a row's tokens as exactly ``n`` cells; None when there are too many to try."""
    results: list[tuple[str, ...]] = []

    def walk(i: int, need: int, acc: tuple[str, ...]) -> bool:
        if i == len(tokens):
            if need == 0:
                results.append(acc)
            return len(results) <= MAX_CANDIDATES
        remaining = len(tokens) - i - 1
        if not splittable(tokens[i]):
            return walk(i + 1, need - 1, acc + (tokens[i],)) if need >= 1 else True
        for k in range(1, need - remaining + 1):
            for parts in _splits(_digits(tokens[i]), k):
                if not walk(i + 1, need - k, acc + parts):
                    return False
        return True

    if not walk(0, n, ()):
        return None
    return results


def table_identities(cells: set[str]) -> list[Check]:
    """The error-level equations that lie wholly within ``cells`` (one table, this year)."""
    return [
        c for c in format_checks(F2021)  # published reports are read in the 2021 format
        if c.severity is Severity.ERROR and not c.needs_last and c.cells and set(c.cells) <= cells
        and not any(t.cell.startswith("meta.") for t in c.terms)
    ]


@dataclass
class Outcome:
    """What the table's identities say about each run-together row."""

    chosen: dict[str, tuple[str, ...]] = field(default_factory=dict)  # row -> its only consistent split
    ambiguous: dict[str, int] = field(default_factory=dict)  # row -> number of consistent splits
    impossible: list[str] = field(default_factory=list)  # rows with no split consistent with the identities
    gave_up: bool = False  # too many possibilities to search


def resolve(
    candidates: dict[str, list[tuple[str, ...]]],
    row_cells: dict[str, tuple[str, ...]],
    fixed: dict[str, float | None],
    numbers: Callable[[str], float | None],
) -> Outcome:
    """Choose one split per row so that every identity holds; keep a row's split only when all
    consistent choices agree on it.

    ``candidates``: row -> its possible splits (raw cell texts); ``row_cells``: row -> its cell ids;
    ``fixed``: every other cell of the table that was read (None = unknown); ``numbers``: raw -> number.
    """
    table_cells = set(fixed) | {c for r in candidates for c in row_cells[r]}
    known = {c for c, v in fixed.items() if v is not None} | {c for r in candidates for c in row_cells[r]}
    checks = [c for c in table_identities(table_cells) if set(c.cells) <= known]
    values: dict[str, float | None] = dict(fixed)

    def g(cell: str, last: bool) -> float | None:
        return values.get(cell)

    def broken(check: Check) -> bool:
        return all(g(t.cell, False) is not None for t in check.terms) and bool(check.fails(g))

    # Each row alone first: identities within a row (表三 总计=各列之和, 表四 总计) prune its splits.
    local: dict[str, list[tuple[str, ...]]] = {}
    for row, splits in candidates.items():
        cells = set(row_cells[row])
        own = [c for c in checks if set(c.cells) & cells and set(c.cells) <= cells | {k for k, v in fixed.items() if v is not None}]
        kept = []
        for split in splits:
            values.update(zip(row_cells[row], (numbers(p) for p in split)))
            if not any(broken(c) for c in own):
                kept.append(split)
        local[row] = kept
        for cid in row_cells[row]:
            values.pop(cid, None)
    out = Outcome()
    order = sorted(local, key=lambda r: len(local[r]))
    assigned: set[str] = {k for k, v in fixed.items() if v is not None}
    completes: list[list[Check]] = []
    for row in order:
        before = set(assigned)
        assigned |= set(row_cells[row])
        completes.append([c for c in checks if set(c.cells) <= assigned and not set(c.cells) <= before])
    seen: dict[str, set[int]] = {r: set() for r in order}
    nodes = 0
    solutions = 0

    def search(i: int, picks: list[int]) -> bool:
        nonlocal nodes, solutions
        if i == len(order):
            solutions += 1
            for r, p in zip(order, picks):
                seen[r].add(p)
            # Once every row has shown two consistent splits nothing more can be learnt.
            return not all(len(seen[r]) > 1 for r in order)
        row = order[i]
        for p, split in enumerate(local[row]):
            nodes += 1
            if nodes > MAX_NODES:
                out.gave_up = True
                return False
            values.update(zip(row_cells[row], (numbers(x) for x in split)))
            if not any(broken(c) for c in completes[i]) and not search(i + 1, picks + [p]):
                return False
        for cid in row_cells[row]:
            values.pop(cid, None)
        return True

    if any(not local[r] for r in order):
        # A row with no split satisfying its own identities: the printed row is inconsistent.
        out.impossible = [r for r in order if not local[r]]
        for r in order:
            if local[r] and len(local[r]) == 1:
                out.chosen[r] = local[r][0]
            elif local[r]:
                out.ambiguous[r] = len(local[r])
        return out
    search(0, [])
    for r in order:
        if out.gave_up:
            if len(local[r]) == 1:
                out.chosen[r] = local[r][0]
            else:
                out.ambiguous[r] = len(local[r])
        elif solutions == 0:
            if len(local[r]) == 1:
                out.chosen[r] = local[r][0]
            else:
                out.impossible.append(r)
        elif len(seen[r]) == 1:
            out.chosen[r] = local[r][next(iter(seen[r]))]
        else:
            out.ambiguous[r] = len(seen[r])
    return out

"""The national formats nianbao knows, by id: a registry of ``schema.Format`` values.

    >>> get_format("F2021") is F2021 is DEFAULT
    True
    >>> held("F2019") is F2021      # a 2019-format report's numbers are held in 2021-format cells
    True
    >>> cell_map("F2021", "F2021")["t3.new.total"]
    ('t3.new.total',)

``DEFAULT`` is the format new templates are made in. A Report says which format
it is in (``UnitMeta.format``); the reader recognises it (workbook/read.py); the
rules, grid and layout are built per format and cached by format id. A new
format is one more module declaring a Format, registered here (docs/architecture.md,
"add a format"); ``cell_map`` carries last year's numbers across a change of format.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from itertools import pairwise

from ..schema import Format
from .f2019 import F2019
from .f2021 import F2021

__all__ = ["DEFAULT", "F2019", "F2021", "FORMATS", "UnknownFormat", "cell_map", "get_format", "held", "register",
           "unregister"]

FORMATS: dict[str, Format] = {}
DEFAULT = F2021


class UnknownFormat(KeyError):
    """No format of this id is registered."""


def register(fmt: Format) -> Format:
    """Make ``fmt`` known by its id (to the reader's recognition, ``get_format``, ``held``)."""
    if FORMATS.get(fmt.id, fmt) is not fmt:
        raise ValueError(f"format id {fmt.id!r} is already registered: an id is never reused")
    if fmt.read_as and not get_format(fmt.read_as).readable:
        raise ValueError(f"format {fmt.id!r} is read as {fmt.read_as!r}, which has no tables")
    FORMATS[fmt.id] = fmt
    return fmt


def unregister(format_id: str) -> None:
    """Forget a format (a test's own); the default cannot be forgotten."""
    if format_id == DEFAULT.id:
        raise ValueError("the default format stays registered")
    FORMATS.pop(format_id, None)


def get_format(format_id: str) -> Format:
    try:
        return FORMATS[format_id]
    except KeyError:
        raise UnknownFormat(format_id) from None


def held(format_id: str) -> Format:
    """The format whose cells hold a report said to be in ``format_id``: that format; for one only
    recognised, the format it is read as; for an id this nianbao does not know, the default."""
    fmt = FORMATS.get(format_id, DEFAULT)
    return FORMATS[fmt.read_as] if fmt.read_as else fmt


def readable() -> tuple[Format, ...]:
    """The formats reports can be read in, in the order they were registered."""
    return tuple(f for f in FORMATS.values() if f.readable)


def recognised() -> tuple[Format, ...]:
    """The formats only recognised (by their fingerprints), such as the 2019 one."""
    return tuple(f for f in FORMATS.values() if f.fingerprints)


def _lineage(fmt: Format) -> Iterator[Format]:
    """``fmt`` and the formats before it, newest first, as far as they are registered and readable."""
    seen = set()
    while fmt.readable and fmt.id not in seen:
        seen.add(fmt.id)
        yield fmt
        if fmt.previous not in FORMATS:
            return
        fmt = held(fmt.previous)


def _step(fmt: Format, before: Format) -> dict[str, tuple[str, ...]]:
    """Each cell of ``fmt`` as a sum of cells of ``before``, the format it replaced."""
    out = {}
    for cid in fmt.cell_ids:
        parts = fmt.from_previous.get(cid, (cid,) if cid in before.cells else ())
        if parts:
            out[cid] = tuple(parts)
    return out


@cache
def cell_map(from_id: str, to_id: str) -> dict[str, tuple[str, ...]]:
    """For each cell of format ``to_id``, the cells of ``from_id`` whose sum it is; a cell with no
    counterpart is left out. Follows the ``previous`` links (and back, where a cell maps to exactly
    one cell); formats not in one line share the cells of the same id."""
    source, target = held(from_id), held(to_id)
    if source is target:
        return {cid: (cid,) for cid in target.cell_ids}
    forward = list(_lineage(target))
    if source in forward:
        mapping: dict[str, tuple[str, ...]] = {cid: (cid,) for cid in target.cell_ids}
        for newer, older in pairwise(forward):
            if newer is source:
                break
            step = _step(newer, older)
            mapping = {cid: tuple(p for part in parts for p in step[part]) for cid, parts in mapping.items()
                       if all(part in step for part in parts)}
        return {cid: parts for cid, parts in mapping.items() if parts}
    backward = list(_lineage(source))
    if target in backward:
        there = cell_map(to_id, from_id)  # the source's cells in the target's
        ones = [(cid, parts[0]) for cid, parts in there.items() if len(parts) == 1]
        counts: dict[str, int] = {}
        for _, old in ones:
            counts[old] = counts.get(old, 0) + 1
        return {old: (cid,) for cid, old in ones if counts[old] == 1}
    return {cid: (cid,) for cid in target.cell_ids if cid in source.cells}


register(F2021)
register(F2019)

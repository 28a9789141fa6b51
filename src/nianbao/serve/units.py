"""The county's list of units: loaded from the same roster file ``nianbao merge --roster`` reads.

    >>> load_roster(Path("名单.xlsx"))   # doctest: +SKIP
    RosterLoad(added=['巫溪县峰灵镇人民政府', …], updated=[], retired=[])
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max

from ..merge.roster import name_key, read_roster
from ..schema import LEVELS
from .models import Unit

FORMULA_START = ("=", "+", "-", "@")


def clean_name(name: str) -> str:
    """A unit name as it may be stored: not empty, not formula-looking (it is written into workbooks)."""
    name = " ".join(str(name or "").split())
    if not name:
        raise ValidationError("单位名称不能为空")
    if name.startswith(FORMULA_START):
        raise ValidationError(f"单位名称“{name}”以 = + - @ 开头，会被表格软件当作公式；请去掉开头的符号")
    if len(name) > 200:
        raise ValidationError("单位名称太长（最多200个字）")
    return name


def clean_level(level: str) -> str:
    level = str(level or "").strip()
    if level and level not in LEVELS:
        raise ValidationError(f"机关层级“{level}”不是以下之一：{'、'.join(LEVELS)}")
    return level


def _same_name(a: str, b: str) -> bool:
    return name_key(a) == name_key(b)


def _check_unique(name: str, except_pk: int | None = None) -> None:
    for u in Unit.objects.exclude(pk=except_pk).only("name"):
        if _same_name(u.name, name):
            raise ValidationError(f"已有单位“{u.name}”，与“{name}”是同一名称")


@dataclass
class RosterLoad:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    retired: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def load_roster(path: Path) -> RosterLoad:
    """Add the roster's units, update level/code/order of known ones, retire those no longer listed.

    Raises the library's SourceError when the file cannot be read as a roster.
    """
    roster = read_roster(path)
    result = RosterLoad()
    with transaction.atomic():
        existing = {name_key(u.name): u for u in Unit.objects.all()}
        seen = set()
        for entry in roster.entries:
            key = name_key(entry.name)
            if key in seen:
                result.problems.append(f"“{entry.name}”在名单中重复，只保留一次")
                continue
            seen.add(key)
            try:
                name = clean_name(entry.name)
            except ValidationError as e:
                result.problems.append(f"第{entry.order + 1}个单位：{e.messages[0]}，未添加")
                continue
            try:
                level = clean_level(entry.level)
            except ValidationError as e:
                level = ""
                result.problems.append(f"“{name}”：{e.messages[0]}；层级暂不填写，可在单位列表中修改")
            unit = existing.get(key)
            if unit is None:
                Unit.objects.create(name=name, level=level, code=entry.code, order=entry.order)
                result.added.append(name)
            else:
                unit.level, unit.code, unit.order, unit.retired = level or unit.level, entry.code or unit.code, entry.order, False
                unit.save()
                result.updated.append(unit.name)
        for key, unit in existing.items():
            if key not in seen and not unit.retired:
                unit.retired = True
                unit.save(update_fields=["retired"])
                result.retired.append(unit.name)
    return result


def add_unit(name: str, level: str = "", code: str = "") -> Unit:
    name, level = clean_name(name), clean_level(level)
    _check_unique(name)
    order = (Unit.objects.aggregate(m=Max("order"))["m"] or 0) + 1
    return Unit.objects.create(name=name, level=level, code=code.strip(), order=order)


def rename_unit(unit: Unit, name: str, level: str | None = None) -> Unit:
    name = clean_name(name)
    _check_unique(name, unit.pk)
    unit.name = name
    if level is not None:
        unit.level = clean_level(level)
    unit.save()
    return unit


def set_retired(unit: Unit, retired: bool) -> Unit:
    unit.retired = retired
    unit.save(update_fields=["retired"])
    return unit

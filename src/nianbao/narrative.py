"""Narrative text from the numbers: Report → the text of each slot of sections 一、五、六 (pure).

    >>> from nianbao.report import Report
    >>> r = Report.from_numbers({}, name="某镇人民政府", level="乡镇/街道", year=2024)
    >>> generate(r)["overview.on_request"].splitlines()[0]
    '本年度未收到政府信息公开申请，无上年结转的政府信息公开申请。'

The sentences come from Jinja2 templates, one file per text slot
(``text_templates/<slot>.j2``); a county copies them
(``copy_text_templates``), edits its copies and points ``templates=`` (``--templates``)
at the folder. A slot the folder lacks falls back to the built-in file.

Generated text is recognisable: the 文字 sheet's hidden column C (生成标记)
holds a hash of the text nianbao wrote (``mark``). On a rerun a slot whose text
still matches its mark was not edited and is regenerated from the current
numbers; text without a matching mark is the clerk's and is kept unless
``force`` (``plan``). Writing the text into a workbook is textsheet.py's.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from .errors import NianbaoError
from .formats import F2021
from .formats.f2021 import T4_OUTCOMES
from .report import Number, Report, format_number
from .safetext import clean
from .schema import LEVELS, TextSlot, find_node

# The built-in templates are written for the 2021 format's rows and columns (F2021, and formats built on
# it): the groups they name come from there; the report's own cells and slots are asked of its format.

MARK_PREFIX = "nianbao:"
# Something the clerk must still write or check, e.g. 【请填写：整改措施和成效】; textcheck flags any left (S11).
PLACEHOLDER = re.compile(r"【请(?:填写|核对)[^】]*】")
# The first line of each text written from tables with errors: the numbers in it may be wrong. It goes
# when the text is generated again from corrected tables (the text is still nianbao's, so it is updated).
ERRORS_NOTE = "【请核对：本栏文字是按有错误的表格生成的，其中的数字可能不对；改正表格后请重新生成文字】"
TEXT_TEMPLATES = "text_templates"  # the built-in text templates (not the Excel template, not export's page)
TEXT_TEMPLATE_SUFFIX = ".j2"

ACTIONS = {
    "filled": "已填写（原为空）",
    "updated": "已按新数字更新",
    "unchanged": "未变",
    "kept": "保留原文（非本工具生成或已修改）",
    "replaced": "已替换（--force）",
}


class NarrativeError(NianbaoError):
    """The text cannot be generated: numbers unknown, or a template is broken."""


class TextTemplateError(NarrativeError):
    """A narrative template (a county's copy) cannot be used: not the report's fault."""


# --- the numbers, as templates see them ------------------------------------------

_CN_DIGITS = "零一二三四五六七八九"


def chinese_ordinal(i: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十: numbering of 一是、二是…"""
    if i < 10:
        return _CN_DIGITS[i]
    tens, ones = divmod(i, 10)
    return ("" if tens == 1 else _CN_DIGITS[tens]) + "十" + (_CN_DIGITS[ones] if ones else "")


def _plain_label(label: str) -> str:
    """（二）部分公开（区分处理的…） → 部分公开; 1.属于国家秘密 → 属于国家秘密."""
    label = re.sub(r"^（[一二三四五六七八九十]+）|^[一二三四五六七八九十]+、|^\d+\.", "", label)
    return re.sub(r"（[^）]*）$", "", label)


@dataclass(frozen=True)
class Counted:
    """A labelled number, printed by templates as {{ x.label }}{{ x.n }}件."""

    label: str
    n: Number

    def __str__(self) -> str:
        return f"{self.label}{format_number(self.n)}件"


def _t3_results() -> tuple[tuple[str, tuple[str, ...]], ...]:
    """The six result groups of 表三 三、 as (plain label, leaf row keys)."""
    results = find_node(F2021.tables["t3"].sections[0].rows, "results")
    return tuple(
        (_plain_label(node.label), tuple(n.key for n in node.leaves()))
        for node in results.children
        if node.key != "total"
    )


T3_RESULTS = _t3_results()
_APPLICANTS = F2021.tables["t3"].sections[0].columns
_NATURAL_PERSON = find_node(_APPLICANTS, "natural_person")
_ORG = find_node(_APPLICANTS, "organisation")


def context(report: Report, last: Report | None = None) -> dict[str, Any]:
    """What a narrative template may use; documented in docs/text.md.

    Raises NarrativeError when a table is missing or left entirely blank, or
    a number the sentences state is unknown (text in a cell, a formula
    without a saved result).
    """
    empty = [f.message for f in report.findings if f.rule == "C1"]
    if empty:
        # Blank counts as 0 in the rules, but a table nobody filled would become "本年度未收到…".
        raise NarrativeError("；".join(empty) + "。请先填写表格，再生成文字")
    cells = report.format.cells
    unknown = [cid for cid in cells if report.number(cid) is None]
    if unknown:
        where = "、".join(report.address(c) or cells[c].label for c in unknown[:5])
        more = f"等{len(unknown)}个单元格" if len(unknown) > 5 else ""
        raise NarrativeError(
            f"{where}{more}不是可读取的数字，无法据此生成文字；请先改正（nianbao check 可列出所有问题）"
        )
    # Every number is known here (checked above): None would have raised.
    n: dict[str, Number] = {cid: report.number(cid) or 0 for cid in cells}
    meta = report.meta
    level = LEVELS.get(meta.level)

    def row(key: str) -> dict[str, Number]:
        return {c.split(".")[-1]: n[c] for c in cells if c.startswith(f"t2.{key}.")}

    applicants = [Counted(_NATURAL_PERSON.label, n["t3.new.natural_person"])]
    organisation_parts = [Counted(l.label, n[f"t3.new.{l.key}"]) for l in _ORG.leaves()]
    results = [Counted(label, sum(n[f"t3.{k}.total"] for k in keys)) for label, keys in T3_RESULTS]
    review = {key: n[f"t4.review.{key}"] for _, key in T4_OUTCOMES}
    review_parts = [Counted(label, n[f"t4.review.{key}"]) for label, key in T4_OUTCOMES if key != "total"]
    litigation = [
        Counted(group.label, n[f"t4.{group.key}.total"])
        for top in F2021.tables["t4"].sections[0].columns if not top.key for group in top.children
    ]
    decisions = [
        Counted(cells[f"t2.{key}.decisions"].row.label, n[f"t2.{key}.decisions"])
        for key in ("licensing", "punishment", "coercion")
    ]
    return {
        "name": meta.name or "本机关",
        "year": meta.year or "",
        "this_year": f"{meta.year}年" if meta.year else "本年度",
        "level": meta.level,
        "region": meta.region,
        "is_government": bool(level and level.is_government),
        "makes_rules": bool(level and level.makes_rules),
        "n": n,
        # 表二
        "rules": row("rules"),
        "normative": row("normative"),
        "decisions": decisions,
        "decisions_made": [d for d in decisions if d.n],
        "decisions_none": [d for d in decisions if not d.n],
        "fees": n["t2.fees.amount"],
        # 表三
        "received": n["t3.new.total"],
        "carried_over": n["t3.carried_over.total"],
        "handled": n["t3.total.total"],
        "carried_forward": n["t3.carried_forward.total"],
        "natural_person": n["t3.new.natural_person"],
        "organisations": sum(p.n for p in organisation_parts),
        "organisation_parts": [p for p in organisation_parts if p.n],
        "applicants": applicants,
        "results": [r for r in results if r.n],
        "unpaid": n["t3.other_unpaid.total"],
        # 表四
        "review": review,
        "review_parts": [p for p in review_parts if p.n],
        "litigation_total": sum(p.n for p in litigation),
        "litigation_parts": [p for p in litigation if p.n],
        # 五: last year's problems, to follow up
        "last_problems": problems_of(last) if last is not None else [],
        "last_year": (last.meta.year if last is not None else None) or "",
    }


_ITEM_START = re.compile(r"(?:^|(?<=[。；;\n]))\s*(?:[一二三四五六七八九十]+是|（[一二三四五六七八九十]+）|\([一二三四五六七八九十]+\)|\d+[.、．])")


def problems_of(report: Report) -> list[str]:
    """Last year's listed problems, one short phrase each: "一是部分信息公开不够及时。部分科室…" → "部分信息公开不够及时"."""
    body = PLACEHOLDER.sub("", report.text.get("problems.issues", "")).strip()
    if not body:
        return []
    starts = [m.start() for m in _ITEM_START.finditer(body)]
    pieces = [body[a:b] for a, b in zip(starts, starts[1:] + [len(body)])] if starts else re.split(r"\n+", body)
    items = []
    for piece in pieces:
        piece = _ITEM_START.sub("", piece.strip(), count=1).strip()
        first = re.split(r"[。；;\n]", piece, maxsplit=1)[0].strip(" ，,:：")
        if first:
            items.append(first)
    return items


# --- templates ---------------------------------------------------------------------


@lru_cache(maxsize=8)
def _environment(templates: Path | None):
    """One Jinja environment per template folder: Y5 renders the built-in text for every report it checks."""
    import jinja2

    loaders: list[jinja2.BaseLoader] = []
    if templates is not None:
        loaders.append(jinja2.FileSystemLoader(str(templates), encoding="utf-8"))
    loaders.append(jinja2.PackageLoader("nianbao", TEXT_TEMPLATES))
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        undefined=jinja2.StrictUndefined,  # a misspelt name in a county's copy must fail, not print nothing
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,
    )
    env.filters["num"] = format_number
    env.filters["ordinal"] = chinese_ordinal
    env.filters["counted"] = lambda items: [str(i) for i in items]
    env.filters["labels"] = lambda items: [i.label for i in items]
    return env


def tidy(rendered: str) -> str:
    """Template output → text: a blank line separates paragraphs; line breaks inside one are dropped.

    Chinese needs no spaces between lines, so a template may wrap a long
    sentence over several lines.
    """
    paragraphs = re.split(r"\n\s*\n", clean(rendered).strip())  # a unit name may carry control characters
    out = ["".join(line.strip() for line in p.splitlines()) for p in paragraphs]
    return "\n".join(p for p in out if p)


def generate(report: Report, last: Report | None = None, templates: str | Path | None = None) -> dict[str, str]:
    """The text of every slot, rendered from the templates for ``report``'s numbers."""
    import jinja2

    folder = Path(templates) if templates is not None else None
    if folder is not None and not folder.is_dir():
        raise TextTemplateError(f"模板文件夹“{folder}”不存在")
    env = _environment(folder)
    ctx = context(report, last)
    out = {}
    for slot in report.format.text_slots:
        name = slot.key + TEXT_TEMPLATE_SUFFIX
        try:
            out[slot.key] = tidy(env.get_template(name).render(ctx))
        except jinja2.TemplateSyntaxError as e:
            raise TextTemplateError(f"文字模板“{e.filename or name}”第{e.lineno}行有语法错误：{e.message}") from e
        except jinja2.UndefinedError as e:
            raise TextTemplateError(f"文字模板“{name}”使用了不存在的变量：{e.message}（可用变量见 docs/text.md）") from e
        except jinja2.TemplateError as e:
            raise TextTemplateError(f"文字模板“{name}”无法生成：{e}") from e
    return out


def copy_text_templates(folder: str | Path) -> list[Path]:
    """Copy the built-in templates into ``folder`` for a county to edit; existing files are kept."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for entry in resources.files("nianbao").joinpath(TEXT_TEMPLATES).iterdir():
        if entry.name.endswith(TEXT_TEMPLATE_SUFFIX):
            target = folder / entry.name
            if not target.exists():
                target.write_text(entry.read_text(encoding="utf-8"), encoding="utf-8")
                written.append(target)
    return sorted(written)


# --- marks and the decision per slot -----------------------------------------------


def mark(body: str) -> str:
    """The generation mark of a text: written to column C beside text nianbao wrote."""
    canonical = body.replace("\r\n", "\n").strip()
    return MARK_PREFIX + hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:16]


def is_generated(body: str | None, slot_mark: str | None) -> bool:
    """True when ``body`` is exactly what nianbao wrote (the clerk has not edited it)."""
    return bool(body) and bool(slot_mark) and mark(body or "") == slot_mark


@dataclass(frozen=True)
class SlotChange:
    key: str
    label: str
    action: str  # a key of ACTIONS
    before: str
    after: str

    @property
    def action_label(self) -> str:
        return ACTIONS[self.action]

    @property
    def written(self) -> bool:
        return self.action in ("filled", "updated", "replaced")


def plan(
    current: dict[str, tuple[str, str | None]], generated: dict[str, str], force: bool = False,
    slots: tuple[TextSlot, ...] = F2021.text_slots,
) -> list[SlotChange]:
    """What to do with each slot, given its (text, mark) now and the freshly generated text.

    Empty → filled; nianbao's own unedited text → updated (or unchanged);
    anything else is the clerk's → kept, or replaced with ``force``.
    """
    changes = []
    for slot in slots:
        before, slot_mark = current.get(slot.key, ("", None))
        new = generated[slot.key]
        if not before.strip():
            action = "filled"
        elif is_generated(before, slot_mark):
            action = "unchanged" if before.strip() == new else "updated"
        elif force:
            action = "replaced"
        else:
            action = "kept"
        changes.append(SlotChange(slot.key, slot.label, action, before, before if action in ("kept", "unchanged") else new))
    return changes

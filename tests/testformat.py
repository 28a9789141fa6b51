"""A made-up format for tests: the 2021 format with one more applicant column in 表三 (个体工商户, under
法人或其他组织), as a next national format might add one. Declared here, registered only while a test
that asks for it runs (conftest's ``t2099`` fixture), so every part of nianbao is seen to follow a format it has
never been told about: template, reader, rules, merge, export, and last year across the change.
"""

from __future__ import annotations

from dataclasses import replace

from nianbao.formats import F2021
from nianbao.schema import Node, leaf

NEW_COLUMN = leaf("个体工商户", "sole_trader")


def _with_sole_traders(node: Node) -> Node:
    if node.key == "organisation":
        parts = list(node.children)
        return replace(node, children=(*parts[:-1], NEW_COLUMN, parts[-1]))  # before 其他
    return replace(node, children=tuple(_with_sole_traders(c) for c in node.children))


def _t3():
    t3 = F2021.tables["t3"]
    (section,) = t3.sections
    return replace(t3, sections=(replace(section, columns=tuple(_with_sole_traders(c) for c in section.columns)),))


T2099 = replace(
    F2021,
    id="T2099",
    name="测试用格式（表三增加「个体工商户」列）",
    template_version="2099.1",
    tables={**F2021.tables, "t3": _t3()},
    previous="F2021",
    from_previous={},
)

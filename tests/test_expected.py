"""Every published report in tests/fixtures with hand-checked values (NAME.expected.json, see tests/expected.py)
is read without a single wrong number."""

from __future__ import annotations

import pytest
from expected import Expected, compare, load_all

from nianbao.formats import F2021
from nianbao.rules import RULES

ALL = load_all()


def test_every_declaration_names_known_rules_and_cells():
    assert len(ALL) >= 45
    for e in ALL:
        assert e.path.exists(), e.name
        assert e.kind in ("real", "derived", "made-up"), e.name
        assert set(e.cells) == set(F2021.cell_ids), e.name
        assert all(rule in RULES and why for rule, _, why in e.findings), e.name


@pytest.mark.parametrize("expected", ALL, ids=[e.name for e in ALL])
def test_no_cell_is_read_as_a_number_the_report_does_not_print(expected: Expected):
    assert compare(expected).wrong == []


@pytest.mark.parametrize("expected", ALL, ids=[e.name for e in ALL])
def test_each_report_gets_exactly_the_findings_it_deserves(expected: Expected):
    """No false alarm, nothing missed: the checker says what a careful reviewer said by hand (issue 12)."""
    outcome = compare(expected)
    false = [(f.rule, f.cells[0].id if f.cells else "", f.message) for f in outcome.false]
    assert (false, outcome.missed) == ([], [])

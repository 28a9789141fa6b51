"""Issue 12: findings people can trust on real reports — one test per class of false finding or unread row,
each on a made-up report in the shape real ones have (tests/fixtures/shapes, made by make_shapes.py)."""

from __future__ import annotations

import pytest
from conftest import FIXTURES

from nianbao.cells import parse_cell
from nianbao.check import check
from nianbao.importers import import_report
from nianbao.schema import CELLS

SHAPES = FIXTURES / "shapes"


def rules_at(findings) -> list[tuple[str, str]]:
    return [(f.rule, f.cells[0].id if f.cells else "") for f in findings]


# --- class 3: six decimals in 万元 are exact to the 分 ------------------------------------------------------


def test_a_fee_with_six_decimals_is_read_exactly_and_not_flagged():
    report = import_report(SHAPES / "fee-six-decimals.txt")
    assert report.values["t2.fees.amount"] == 12.088667
    assert check(report) == []


@pytest.mark.parametrize("amount, decimals", [(5949.088667, None), (0.000001, None), (12.0886671, 7), (1.2345678, 7)])
def test_n2_warns_only_past_six_decimals(amount, decimals):
    issue = parse_cell(amount, CELLS["t2.fees.amount"]).issue
    if decimals is None:
        assert issue is None
    else:
        assert (issue.rule, issue.severity.value) == ("N2", "warning")
        assert issue.message == (f"收费金额{amount!r}万元有{decimals}位小数；单位是万元，6位小数已精确到分，"
                                 "请确认是否把元直接除以10000填入")

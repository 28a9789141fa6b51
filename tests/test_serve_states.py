"""The submission state machine on its own: every allowed move, every refused one."""

from __future__ import annotations

import pytest

from nianbao.report import CellRef, Finding, Severity
from nianbao.serve.states import CHECKING, TRANSITIONS, Event, Status, TransitionRefused, allowed, checked_status

ERROR = Finding("T3-H", Severity.ERROR, "差1", (CellRef("t3.new.total", "表三!J5"),))
WARNING = Finding("N3", Severity.WARNING, "空白", (CellRef("t3.new.research", "表三!F5"),))
INFO = Finding("P5", Severity.INFO, "提示")


@pytest.mark.parametrize("findings, status", [
    ([], Status.READY),
    ([INFO], Status.READY),
    ([WARNING], Status.WARNINGS),
    ([WARNING.__class__(**{**WARNING.__dict__, "acknowledged": "已说明"})], Status.READY),
    ([WARNING, ERROR], Status.FAILED),
])
def test_checked_status_follows_the_findings(findings, status):
    assert checked_status(findings) is status


def test_the_path_of_a_report_through_the_year():
    s = Status.NOT_SUBMITTED
    s = s.after(Event.UPLOAD, checked_status([ERROR]))
    assert s is Status.FAILED
    s = s.after(Event.UPLOAD, checked_status([WARNING]))
    assert s is Status.WARNINGS
    s = s.after(Event.SUBMIT)
    assert s is Status.SUBMITTED
    s = s.after(Event.RETURN)
    assert s is Status.RETURNED
    s = s.after(Event.UPLOAD, checked_status([]))
    assert s is Status.READY
    s = s.after(Event.SUBMIT).after(Event.CONFIRM)
    assert s is Status.CONFIRMED
    assert s.counted and not Status.READY.counted


# Every (state, event) pair: allowed exactly where TRANSITIONS says, refused with a Chinese reason elsewhere.
EXPECTED = {
    Event.UPLOAD: {Status.NOT_SUBMITTED, Status.FAILED, Status.WARNINGS, Status.READY, Status.SUBMITTED, Status.RETURNED},
    Event.ACKNOWLEDGE: {Status.FAILED, Status.WARNINGS, Status.READY, Status.RETURNED},
    Event.SUBMIT: {Status.WARNINGS, Status.READY},
    Event.RETURN: {Status.SUBMITTED, Status.CONFIRMED},
    Event.CONFIRM: {Status.SUBMITTED},
}


@pytest.mark.parametrize("event", list(Event))
@pytest.mark.parametrize("status", list(Status))
def test_every_state_and_event(status, event):
    checked = Status.READY if TRANSITIONS[event][1] is None else None
    if status in EXPECTED[event]:
        assert allowed(status, event)
        assert status.after(event, checked) is (TRANSITIONS[event][1] or Status.READY)
    else:
        assert not allowed(status, event)
        with pytest.raises(TransitionRefused) as e:
            status.after(event, checked)
        assert any("\u4e00" <= ch <= "\u9fff" for ch in str(e.value))


def test_an_upload_needs_its_checked_status():
    with pytest.raises(ValueError):
        Status.NOT_SUBMITTED.after(Event.UPLOAD)
    with pytest.raises(ValueError):
        Status.NOT_SUBMITTED.after(Event.UPLOAD, Status.SUBMITTED)
    assert set(CHECKING) == {Status.FAILED, Status.WARNINGS, Status.READY}

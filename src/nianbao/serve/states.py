"""The one state machine of a unit's submission for the year: states, events, allowed transitions.

    >>> Status.NOT_SUBMITTED.after(Event.UPLOAD, checked=Status.FAILED)
    <Status.FAILED: '校验未通过'>
    >>> Status.READY.after(Event.SUBMIT)
    <Status.SUBMITTED: '已报送'>

A unit's state is its latest version's state (or 未报送 when it has none).
An upload (and a change to what the clerk marked 已核实) lands on the state
its findings give, ``checked_status``; everything else moves only along
``TRANSITIONS``. Nothing in this module knows about Django.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import Enum

from ..report import Finding, Severity


class Status(str, Enum):
    NOT_SUBMITTED = "未报送"
    FAILED = "校验未通过"  # the latest version has errors: it cannot be submitted
    WARNINGS = "有警告待核实"  # no errors; warnings not yet marked 已核实 (it can be submitted)
    READY = "待提交"  # no errors and no open warnings, not yet submitted
    SUBMITTED = "已报送"
    RETURNED = "已退回"  # the county sent it back with a comment
    CONFIRMED = "已确认"

    @property
    def label(self) -> str:
        return self.value

    @property
    def counted(self) -> bool:
        """Whether this version goes into the county's 汇总."""
        return self in (Status.SUBMITTED, Status.CONFIRMED)

    def after(self, event: Event, checked: Status | None = None) -> Status:
        """The state ``event`` leads to; raises TransitionRefused when it is not allowed from here.

        UPLOAD and ACKNOWLEDGE need ``checked``: the version's checked_status.
        """
        starts, target = TRANSITIONS[event]
        if self not in starts:
            raise TransitionRefused(REFUSALS[event])
        if target is None:
            if checked not in CHECKING:
                raise ValueError(f"{event.value} needs the checked status, one of {[s.value for s in CHECKING]}")
            return checked
        return target


class Event(str, Enum):
    UPLOAD = "upload"  # a new version (re-upload included) was checked
    ACKNOWLEDGE = "acknowledge"  # the clerk marked (or unmarked) a warning 已核实
    SUBMIT = "submit"  # the clerk hands it in
    RETURN = "return"  # the county sends it back (退回) with a comment
    CONFIRM = "confirm"  # the county accepts it (确认)


CHECKING = (Status.FAILED, Status.WARNINGS, Status.READY)

# For each event, the states it may start from; UPLOAD and ACKNOWLEDGE land on checked_status(findings),
# the others on the one state given here.
TRANSITIONS: dict[Event, tuple[tuple[Status, ...], Status | None]] = {
    # A confirmed report is closed: the county returns it first if it is to change.
    Event.UPLOAD: ((Status.NOT_SUBMITTED, *CHECKING, Status.SUBMITTED, Status.RETURNED), None),
    # After a return the clerk may explain a warning instead of uploading again.
    Event.ACKNOWLEDGE: ((*CHECKING, Status.RETURNED), None),
    Event.SUBMIT: ((Status.WARNINGS, Status.READY), Status.SUBMITTED),
    Event.RETURN: ((Status.SUBMITTED, Status.CONFIRMED), Status.RETURNED),
    Event.CONFIRM: ((Status.SUBMITTED,), Status.CONFIRMED),
}

REFUSALS = {
    Event.UPLOAD: "本单位的报告已被确认，不能再上传；如需修改，请联系县（市、区）政务公开工作机构退回",
    Event.ACKNOWLEDGE: "报告已提交，不能再修改核实说明；如需修改，请重新上传",
    Event.SUBMIT: "只有校验没有错误的报告才能提交",
    Event.RETURN: "只能退回已报送或已确认的报告",
    Event.CONFIRM: "只能确认已报送的报告",
}


class TransitionRefused(Exception):
    """The event is not allowed in the current state; ``str(e)`` says why in Chinese."""


def checked_status(findings: Iterable[Finding]) -> Status:
    """Where a checked version stands: errors → 校验未通过; open warnings → 有警告待核实; else 待提交."""
    findings = list(findings)
    if any(f.severity is Severity.ERROR for f in findings):
        return Status.FAILED
    if any(f.severity is Severity.WARNING and not f.acknowledged for f in findings):
        return Status.WARNINGS
    return Status.READY


def allowed(status: Status, event: Event) -> bool:
    return status in TRANSITIONS[event][0]

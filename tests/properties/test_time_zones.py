"""Property tests for time zones: naive, aware and mixed times through every public rule.

What users found: a log mixing naive and aware datetimes made ``escalate``,
``replay`` and ``metrics`` fail with a raw ``TypeError``. Whatever the mix, the
rules either normalise the times or raise a ``GovModelError``; never a builtin.
"""

import contextlib
import datetime as dt
import zoneinfo
from collections.abc import Callable

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from govmodel import (
    DEFAULT_POLICY,
    Case,
    CaseEvent,
    Category,
    GovModelError,
    Reported,
    Routed,
    Scope,
    Structure,
    escalate,
    examples,
    metrics,
    replay,
    route,
)
from govmodel.cases import iter_case_events
from govmodel.interop.open311 import to_requests
from govmodel.strategies import event_logs

XINHE = examples.load("xinhe")
DOOR = Case(
    id="case:door",
    category=Category.REPAIR,
    place="building:wanda-3",
    reported_at=dt.datetime(2025, 9, 30, 17),
    scope=Scope.BUILDING,
)
ZONES: list[dt.tzinfo | None] = [
    None,
    DEFAULT_POLICY.time_zone,
    dt.UTC,
    dt.timezone(dt.timedelta(hours=-5)),
    zoneinfo.ZoneInfo("Europe/Berlin"),
]

Shift = Callable[[dt.datetime], dt.datetime]


def _in(zone: dt.tzinfo | None) -> Shift:
    """Times made naive or aware in ``zone``, reading naive times in the policy's zone."""

    def shift(moment: dt.datetime) -> dt.datetime:
        if zone is None:
            return moment
        return DEFAULT_POLICY.aware(moment).astimezone(zone)

    return shift


def _retimed(event: CaseEvent, shift: Shift) -> CaseEvent:
    if isinstance(event, Reported):
        case = attrs.evolve(event.case, reported_at=shift(event.case.reported_at))
        return attrs.evolve(event, case=case, at=shift(event.at))
    if isinstance(event, Routed):
        routing = attrs.evolve(event.routing, due=shift(event.routing.due))
        return attrs.evolve(event, routing=routing, at=shift(event.at))
    return attrs.evolve(event, at=shift(event.at))


@st.composite
def mixed_logs(draw: st.DrawFn) -> tuple[Structure, tuple[CaseEvent, ...], dt.datetime]:
    """A valid log whose cases, and sometimes whose events within a case, differ in zone."""
    log = draw(event_logs(XINHE, max_cases=4))
    per_case = draw(st.booleans())
    zones: dict[str, dt.tzinfo | None] = {}
    out: list[CaseEvent] = []
    for event in log:
        if per_case:
            zone = zones.setdefault(event.case_id, draw(st.sampled_from(ZONES)))
        else:
            zone = draw(st.sampled_from(ZONES))
        out.append(_retimed(event, _in(zone)))
    now = max(DEFAULT_POLICY.aware(e.at) for e in log) + dt.timedelta(hours=1)
    return XINHE, tuple(out), _in(draw(st.sampled_from(ZONES)))(now.replace(tzinfo=None))


def _only_govmodel_errors(call: Callable[[], object]) -> None:
    with contextlib.suppress(GovModelError):
        call()


@settings(max_examples=20)  # each example routes, replays, escalates, measures and exports
@given(mixed_logs())
def test_rules_never_raise_a_builtin_error(
    drawn: tuple[Structure, tuple[CaseEvent, ...], dt.datetime],
) -> None:
    """route, replay, escalate, metrics and the Open311 export, on any mix of zones."""
    structure, log, now = drawn
    recent = [e.case for e in log if isinstance(e, Reported)]
    for case in recent:
        _only_govmodel_errors(lambda case=case: route(structure, case))  # type: ignore[misc]
    for _, events in iter_case_events(log):
        try:
            state = replay(events)
        except GovModelError:
            continue
        _only_govmodel_errors(lambda: escalate(structure, state, now=now, recent=recent))  # noqa: B023
    _only_govmodel_errors(lambda: metrics(log, now=now))
    _only_govmodel_errors(lambda: to_requests(log, structure=structure, now=now))


@settings(max_examples=20)
@given(event_logs(XINHE, max_cases=3), st.sampled_from(ZONES[1:]))
def test_one_zone_per_case_changes_nothing(log: tuple[CaseEvent, ...], zone: dt.tzinfo) -> None:
    """The same log in any zone, case by case, measures as the naive log does."""
    shifted = tuple(_retimed(event, _in(zone)) for event in log)
    now = max(e.at for e in log) + dt.timedelta(days=1)
    assert metrics(shifted, now=now) == metrics(log, now=now)
    assert metrics(shifted, now=_in(zone)(now)) == metrics(log, now=now)


@settings(max_examples=20)
@given(event_logs(XINHE, max_cases=3))
def test_open311_always_writes_offsets(log: tuple[CaseEvent, ...]) -> None:
    """Without ``tz=``, every date-time of the export has the policy's offset."""
    for request in to_requests(log, structure=XINHE):
        stamps = [request["requested_datetime"], request["updated_datetime"]]
        stamps += [note["datetime"] for note in request["notes"]]
        if request["expected_datetime"] is not None:
            stamps.append(request["expected_datetime"])
        for stamp in stamps:
            assert stamp.endswith("+08:00"), stamp


@pytest.mark.parametrize("zone", ZONES[1:], ids=str)
def test_due_keeps_the_zone_it_counts_from(zone: dt.tzinfo) -> None:
    """An aware report gives an aware due time in its zone: the same moment as the naive one."""
    naive = dt.datetime(2025, 9, 30, 17)
    local = route(XINHE, attrs.evolve(DOOR, reported_at=naive))
    aware = route(XINHE, attrs.evolve(DOOR, reported_at=_in(zone)(naive)))
    assert aware.due.tzinfo is zone
    assert aware.due == DEFAULT_POLICY.aware(local.due)

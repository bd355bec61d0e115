"""Tests for `govmodel.rules.checking`: every problem of an event log, at its event.

The reported bugs each have a test here (a log that replayed, and was measured,
without a word); property tests hold the logs of `strategies.event_logs` to
having no problem and find each kind of tampering at the event tampered with.
The simulator's logs are held to it in `tests/test_simulation.py`.
"""

import datetime as dt
from collections.abc import Callable
from typing import Any

import attrs
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

import govmodel
from govmodel import (
    BACK_OFFICE,
    Accepted,
    Action,
    Case,
    CaseEvent,
    CaseState,
    Category,
    Closed,
    EventLogError,
    InteropErrorGroup,
    LogProblem,
    LogProblemKind,
    Reopened,
    Reported,
    Resolved,
    Revisited,
    Routed,
    Scope,
    Structure,
    advance,
    can,
    check_log,
    examples,
    replay,
    route,
)
from govmodel.cases import PERSONAL_FIELDS
from govmodel.interop.open311 import events_from_requests, from_requests, to_requests
from govmodel.strategies import event_logs, structures

XINHE = examples.load("xinhe")
SHAGANGWAN = examples.load("shagangwan")
T = dt.datetime(2025, 5, 6, 9)
HOUR = dt.timedelta(hours=1)
DAY = dt.timedelta(days=1)
CST = dt.timezone(dt.timedelta(hours=8))


def found(problems: tuple[LogProblem, ...]) -> list[tuple[int, str]]:
    return [(p.index, p.kind.value) for p in problems]


def door() -> Case:
    return Case(
        id="case:door",
        category=Category.REPAIR,
        place="building:wanda-3",
        reported_at=T,
        scope=Scope.BUILDING,
        receiver="post:grid-wanda-b-worker",
        reporter="居民李",
        contact="13812345678",
        description="3号楼2单元门关不上",
    )


def door_log() -> list[CaseEvent]:
    """A Xinhe repair as the rules have it: 诚信行物业 handles, its owner visits and closes."""
    case = door()
    routing = route(XINHE, case)
    owner = "post:grid-wanda-b-worker"
    assert (routing.handler, routing.owner) == ("pm:cxh", owner)
    return [
        Reported(case=case, at=T),
        Routed(case_id=case.id, at=T, routing=routing),
        Accepted(case_id=case.id, at=T + HOUR / 3, actor="pm:cxh"),
        Resolved(case_id=case.id, at=T + 5 * HOUR, actor="pm:cxh"),
        Revisited(case_id=case.id, at=T + 2 * DAY, actor=owner, satisfied=True),
        Closed(case_id=case.id, at=T + 2 * DAY + HOUR, actor=owner),
    ]


def kaisa_log(actor: str) -> list[CaseEvent]:
    """A repair at 佳兆业二期 (Shagangwan), resolved, revisited and closed by ``actor``."""
    case = Case(
        id="case:kaisa",
        category=Category.REPAIR,
        place="compound:kaisa-2",
        reported_at=T,
        scope=Scope.COMPOUND,
    )
    routing = route(SHAGANGWAN, case)
    assert routing.handler == "pm:kaisa"
    return [
        Reported(case=case, at=T),
        Routed(case_id=case.id, at=T, routing=routing),
        Accepted(case_id=case.id, at=T + HOUR, actor="pm:kaisa"),
        Resolved(case_id=case.id, at=T + 5 * HOUR, actor=actor),
        Revisited(case_id=case.id, at=T + DAY, actor=actor, satisfied=True),
        Closed(case_id=case.id, at=T + DAY + HOUR, actor=actor),
    ]


class TestReportedBugs:
    """Each log was accepted, replayed and measured before check_log; now each is found."""

    def test_unknown_actor_accepts(self) -> None:
        """Accepted(actor="nobody:at-all") is an unknown actor at its index."""
        log = door_log()
        log[2] = Accepted(case_id="case:door", at=T + HOUR, actor="nobody:at-all")
        problems = check_log(XINHE, log)
        assert found(problems) == [(2, "unknown-actor")]
        assert problems[0].case_id == "case:door"
        assert '"nobody:at-all"' in problems[0].message

    def test_company_serving_another_compound(self) -> None:
        """东原物业 resolves, revisits and closes a case of 佳兆业二期: no right to any of it.

        Without the check the case closes with 100 % satisfaction.
        """
        log = kaisa_log("pm:dongyuan")
        assert govmodel.metrics(log, now=T + 2 * DAY).satisfaction_rate == 1.0
        assert found(check_log(SHAGANGWAN, log)) == [
            (3, "no-right"),
            (4, "no-right"),
            (5, "no-right"),
        ]
        with pytest.raises(EventLogError) as info:
            govmodel.metrics(log, now=T + 2 * DAY, structure=SHAGANGWAN)
        assert info.value.location == "events[3]"
        assert info.value.message.endswith("(and 2 more: govmodel.check_log lists every one)")
        assert check_log(SHAGANGWAN, kaisa_log("pm:kaisa")) == ()

    def test_another_places_routing(self) -> None:
        """A Routed carrying the routing of a case at another building is not the rules'."""
        other = Case(
            id="case:other",
            category=Category.NOISE,
            place="building:wanda-1",
            reported_at=T,
            scope=Scope.BUILDING,
        )
        log = door_log()
        log[1] = Routed(case_id="case:door", at=T, routing=route(XINHE, other))
        problems = check_log(XINHE, log)
        assert found(problems)[0] == (1, "unexpected-routing")
        assert "that the rules do not give" in problems[0].message

    def test_report_dated_after_its_case(self) -> None:
        """Reported(at=report + 3 days) disagrees with its case: found, and refused downstream."""
        log = door_log()
        late = T + 3 * DAY
        log = [
            Reported(case=door(), at=late),
            *(attrs.evolve(e, at=e.at + 3 * DAY) for e in log[1:]),
        ]
        assert found(check_log(XINHE, log)) == [(0, "report-time")]
        assert check_log(XINHE, log)[0].message == (
            "reported at 2025-05-09 09:00:00, but the case says it was reported at "
            "2025-05-06 09:00:00"
        )
        with pytest.raises(EventLogError, match=r"^events\[0\]: reported at 2025-05-09"):
            govmodel.metrics(log, now=late + 5 * DAY, structure=XINHE)
        exported = to_requests(log, structure=XINHE, include_personal=True, for_actor=BACK_OFFICE)
        with pytest.raises(InteropErrorGroup) as info:
            from_requests(exported, structure=XINHE, tz=CST)
        assert [p.location for p in info.value.problems] == ["requests[0].notes[0]"]
        with pytest.raises(InteropErrorGroup) as info:
            events_from_requests(exported, structure=XINHE, tz=CST)
        assert [p.location for p in info.value.problems] == ["requests[0].notes[0]"]
        # Without the structure, the importers still read it as before.
        assert from_requests(exported, tz=CST) == (door(),)

    @pytest.mark.parametrize("which", ["closed", "reopened"])
    def test_no_audit_trail(self, which: str) -> None:
        """A closing or reopening that names no one is a missing actor."""
        log = door_log()
        if which == "closed":
            log[5] = Closed(case_id="case:door", at=log[5].at, actor=None)
        else:
            owner, at = "post:grid-wanda-b-worker", log[4].at
            log[4] = Revisited(case_id="case:door", at=at, actor=owner, satisfied=False)
            log[5] = Reopened(case_id="case:door", at=at, actor=None, reason="门还是坏的")
        problems = check_log(XINHE, log)
        assert found(problems) == [(5, "missing-actor")]
        assert "门还是坏的" not in problems[0].message

    def test_equal_times_cannot_bypass_the_visit(self) -> None:
        """The bypass at equal times is an invalid transition at the closing."""
        log = door_log()
        t3 = log[4].at
        owner = "post:grid-wanda-b-worker"
        log[4:] = [
            Revisited(case_id="case:door", at=t3, actor=owner, satisfied=False),
            Reopened(case_id="case:door", at=t3, actor=owner, reason="again"),
            Resolved(case_id="case:door", at=t3, actor="pm:cxh"),
            Closed(case_id="case:door", at=t3, actor=owner),
        ]
        assert found(check_log(XINHE, log)) == [(7, "invalid-transition")]


class TestCheckLog:
    def test_a_log_of_the_rules_has_none(self) -> None:
        """The door's log as the rules make it has no problem."""
        assert check_log(XINHE, door_log()) == ()

    def test_rights_at_the_events_moment(self) -> None:
        """A person acts through the posts held at the event, not on the report day."""
        ended = tuple(
            attrs.evolve(a, end=dt.date(2025, 5, 7)) if a.person == "person:steward-1" else a
            for a in XINHE.appointments()
        )
        s = XINHE.evolve(appointments=ended)
        log = door_log()
        log[3] = Resolved(case_id="case:door", at=T + 5 * HOUR, actor="person:steward-1")
        assert check_log(s, log) == ()
        log[3] = Resolved(case_id="case:door", at=T + 1 * DAY + 20 * HOUR, actor="person:steward-1")
        problems = check_log(s, log)
        assert found(problems) == [(3, "no-right")]
        assert "person:steward-1" not in problems[0].message
        assert problems[0].message.startswith("a person of the structure may not resolve")

    def test_first_contact_accepts_without_handling(self) -> None:
        """The owner takes a case up (首接负责) but may not resolve it."""
        log = door_log()
        owner = "post:grid-wanda-b-worker"
        log[2] = Accepted(case_id="case:door", at=T + HOUR, actor=owner)
        assert check_log(XINHE, log) == ()
        log[3] = Resolved(case_id="case:door", at=T + 5 * HOUR, actor=owner)
        assert found(check_log(XINHE, log)) == [(3, "no-right")]

    def test_rights_before_any_routing(self) -> None:
        """A log that never routed is judged on the routing route gives the case."""
        log = [e for e in door_log() if not isinstance(e, Routed)]
        assert check_log(XINHE, log) == ()
        log[2] = Resolved(case_id="case:door", at=T + 5 * HOUR, actor="mediation:xinhexin")
        assert found(check_log(XINHE, log)) == [(2, "no-right")]

    def test_escalation_is_the_rules(self) -> None:
        """An overdue case escalated by escalate passes; the same one a day later does not."""
        log = door_log()[:3]
        late = log[1].routing.due + HOUR  # type: ignore[union-attr]
        higher = govmodel.escalate(XINHE, replay(log), now=late)
        assert higher is not None
        good = [*log, Routed(case_id="case:door", at=late, routing=higher)]
        assert check_log(XINHE, good) == ()
        moved = attrs.evolve(higher, due=higher.due + DAY)
        problems = check_log(XINHE, [*log, Routed(case_id="case:door", at=late, routing=moved)])
        assert found(problems) == [(3, "unexpected-routing")]
        assert problems[0].message.endswith(f"and the escalation due at {late} in due")

    def test_reason_is_not_compared(self) -> None:
        """A routing's reason is words: a routing differing only there is still the rules'."""
        log = door_log()
        routed = log[1]
        assert isinstance(routed, Routed)
        log[1] = Routed(
            case_id="case:door", at=T, routing=attrs.evolve(routed.routing, reason="reworded")
        )
        assert check_log(XINHE, log) == ()

    def test_unknown_place_and_receiver(self) -> None:
        """A place and a receiver the structure lacks are found; the rest is still checked."""
        case = attrs.evolve(door(), place="building:nowhere", receiver="post:ghost")
        log: list[CaseEvent] = [
            Reported(case=case, at=T),
            Accepted(case_id=case.id, at=T, actor="post:ghost"),
            Resolved(case_id=case.id, at=T + HOUR, actor="pm:cxh"),
        ]
        assert found(check_log(XINHE, log)) == [
            (0, "unknown-place"),
            (0, "unknown-actor"),
            (1, "unknown-actor"),
        ]

    @pytest.mark.parametrize("receiver", ["post:ghost", "grid:wanda", "meeting:1+3+n"])
    def test_receiver_route_cannot_take(self, receiver: str) -> None:
        """A receiver that route refuses (unknown, a grid, a meeting) is found, never raised."""
        log = door_log()
        log[0] = Reported(case=attrs.evolve(door(), receiver=receiver), at=T)
        log[3] = Resolved(case_id="case:door", at=T + 5 * HOUR, actor="mediation:xinhexin")
        assert found(check_log(XINHE, log)) == [(0, "unknown-actor")]

    def test_refused_events_are_skipped(self) -> None:
        """An event the lifecycle refuses is reported, and the case goes on without it."""
        log = door_log()
        log.insert(3, Closed(case_id="case:door", at=T + 2 * HOUR, actor="pm:cxh"))
        log.insert(0, Accepted(case_id="case:door", at=T, actor="pm:cxh"))
        problems = check_log(XINHE, log)
        assert found(problems) == [(0, "invalid-transition"), (4, "invalid-transition")]
        assert "only a resolved case is closed" in problems[1].message

    def test_interleaved_cases(self) -> None:
        """Indices are those of the whole log, whatever the cases' interleaving."""
        kaisa = kaisa_log("pm:dongyuan")
        mixed = [e for pair in zip(door_log(), kaisa, strict=True) for e in pair]
        problems = check_log(SHAGANGWAN, mixed)
        # The door is not of Shagangwan: its place is unknown, and its actors too.
        assert (0, "unknown-place") in found(problems)
        assert [(i, k) for i, k in found(problems) if i % 2] == [
            (7, "no-right"),
            (9, "no-right"),
            (11, "no-right"),
        ]

    def test_not_an_event(self) -> None:
        """Something that is not an event is a TypeError naming its index."""
        with pytest.raises(TypeError, match=r"^events\[1\]: expected one of the CaseEvent"):
            check_log(XINHE, [door_log()[0], "closed"])  # type: ignore[list-item]

    def test_reads_any_iterable_once(self) -> None:
        """A generator is read once, and gives what the list gives."""
        log = door_log()
        log[2] = Accepted(case_id="case:door", at=T + HOUR, actor="nobody:at-all")
        assert check_log(XINHE, iter(log)) == check_log(XINHE, log)

    def test_problem_repr_and_str(self) -> None:
        """A problem prints as its location and message; its repr holds no personal value."""
        log = door_log()
        log[0] = Reported(case=door(), at=T - DAY)
        (problem,) = check_log(XINHE, log)
        assert str(problem) == f"events[0]: {problem.message}"
        for value in (door().reporter, door().contact, door().description):
            assert value is not None
            assert value not in repr(problem)
        assert problem == LogProblem(
            index=0, case_id="case:door", kind=LogProblemKind.REPORT_TIME, message=problem.message
        )


# -- properties -------------------------------------------------------------------


def small() -> st.SearchStrategy[Structure]:
    return structures(max_communities=2, max_compounds=2, max_buildings=2)


def structures_and_logs() -> st.SearchStrategy[tuple[Structure, tuple[CaseEvent, ...]]]:
    return (small() | st.sampled_from([XINHE, SHAGANGWAN])).flatmap(
        lambda s: st.tuples(st.just(s), event_logs(s, max_cases=4))
    )


def states_before(log: list[CaseEvent]) -> list[CaseState | None]:
    """The state of each event's case just before it."""
    states: dict[str, CaseState] = {}
    before: list[CaseState | None] = []
    for event in log:
        state = states.get(event.case_id)
        before.append(state)
        states[event.case_id] = advance(state, event)
    return before


_ACTING = (Accepted, Resolved, Revisited, Reopened, Closed)
_NEEDED = {
    Accepted: (Action.ACT, Action.CLOSE),
    Resolved: (Action.ACT,),
    Revisited: (Action.REVISIT,),
    Reopened: (Action.CLOSE,),
    Closed: (Action.CLOSE,),
}


def tamper(
    kind: str, s: Structure, log: list[CaseEvent], draw: Callable[[st.SearchStrategy[Any]], Any]
) -> tuple[int, LogProblemKind] | None:
    """Tamper with one event of ``log`` in place; where and what check_log must find."""
    before = states_before(log)
    if kind == "report-time":
        i = draw(st.sampled_from([i for i, e in enumerate(log) if isinstance(e, Reported)]))
        event = log[i]
        assert isinstance(event, Reported)
        log[i] = Reported(
            case=event.case, at=event.at - draw(st.integers(1, 10**6)) * dt.timedelta(seconds=1)
        )
        return i, LogProblemKind.REPORT_TIME
    if kind == "routing":
        i = draw(st.sampled_from([i for i, e in enumerate(log) if isinstance(e, Routed)]))
        event = log[i]
        assert isinstance(event, Routed)
        shift = draw(st.sampled_from([DAY, -HOUR, dt.timedelta(microseconds=1)]))
        log[i] = Routed(
            case_id=event.case_id,
            at=event.at,
            routing=attrs.evolve(event.routing, due=event.routing.due + shift),
        )
        return i, LogProblemKind.UNEXPECTED_ROUTING
    acting = [i for i, e in enumerate(log) if isinstance(e, _ACTING)]
    if not acting:
        return None
    i = draw(st.sampled_from(acting))
    event = log[i]
    assert isinstance(event, _ACTING)
    if kind == "unknown-actor":
        log[i] = attrs.evolve(event, actor=draw(st.sampled_from(["nobody:at-all", "pm:elsewhere"])))
        return i, LogProblemKind.UNKNOWN_ACTOR
    if kind == "missing-actor":
        if not isinstance(event, Closed | Reopened):
            return None
        log[i] = attrs.evolve(event, actor=None)
        return i, LogProblemKind.MISSING_ACTOR
    # no-right: an actor of the structure who may do none of what the event needs
    state = before[i]
    assert state is not None
    subject: Case | CaseState = state if state.routing is not None else state.case
    candidates = [b.id for b in s.bodies()] + [p.id for p in s.posts()]
    actor = draw(st.sampled_from(candidates))
    assume(not any(can(s, actor, a, subject, at=event.at) for a in _NEEDED[type(event)]))
    log[i] = attrs.evolve(event, actor=actor)
    return i, LogProblemKind.NO_RIGHT


class TestProperties:
    @given(structures_and_logs())
    def test_event_logs_have_no_problem(
        self, drawn: tuple[Structure, tuple[CaseEvent, ...]]
    ) -> None:
        """Every log of strategies.event_logs holds together against its structure."""
        s, log = drawn
        assert check_log(s, log) == ()

    @given(
        structures_and_logs(),
        st.sampled_from(["report-time", "routing", "unknown-actor", "missing-actor", "no-right"]),
        st.data(),
    )
    def test_tampering_found_at_its_index(
        self,
        drawn: tuple[Structure, tuple[CaseEvent, ...]],
        kind: str,
        data: st.DataObject,
    ) -> None:
        """Each kind of tampering is found at the event tampered with, and nothing before it.

        An actor or a report tampered with is the only problem; a routing
        tampered with may make the escalations after it differ too.
        """
        s, original = drawn
        log = list(original)
        where = tamper(kind, s, log, data.draw)
        assume(where is not None)
        assert where is not None
        index, expected = where
        problems = check_log(s, log)
        assert problems
        assert (problems[0].index, problems[0].kind) == (index, expected)
        if kind != "routing":
            assert found(problems) == [(index, expected.value)]

    @given(structures_and_logs(), st.data())
    def test_messages_hold_no_personal_data(
        self, drawn: tuple[Structure, tuple[CaseEvent, ...]], data: st.DataObject
    ) -> None:
        """Whoever acts and whenever a case is reported, no personal value is in a message."""
        s, original = drawn
        anyone = [*s.graph.nodes, "nobody:at-all"]
        log: list[CaseEvent] = []
        for event in original:
            changed: CaseEvent = event
            if isinstance(event, _ACTING) and data.draw(st.booleans()):
                changed = attrs.evolve(event, actor=data.draw(st.sampled_from(anyone)))
            elif isinstance(event, Reported) and data.draw(st.booleans()):
                changed = Reported(case=event.case, at=event.at - HOUR)
            log.append(changed)
        personal = {
            value
            for event in log
            if isinstance(event, Reported)
            for value in (getattr(event.case, f) for f in PERSONAL_FIELDS)
            if isinstance(value, str) and value
        } | {e.reason for e in log if isinstance(e, Reopened) and e.reason}
        people = {p.id for p in s.people()}
        for problem in check_log(s, log):
            for value in personal | people:
                assert value not in problem.message
                assert value not in repr(problem)

"""Property tests of `govmodel.rules._fast_checking`: the fast path is ``check_log``.

A store checks each append with ``_check_fast``, which folds a case's events in a
draft and finds an actor's right without finding every part it plays. Whatever
the log — the rules' own, or one with events dropped, repeated, swapped, moved in
time, given another actor or case, another routing, an unknown place, or times
with a UTC offset — and however it is split into appends, each append continuing
the states the ones before it left:

- ``_check_fast`` gives exactly what the readable ``_check`` gives: the same
  problems (index, case, kind and message) in the same order, and the same state
  for every case;
- appended as a store appends (a refused append leaves the log as it was), what
  it flags in an append is exactly what ``check_log`` flags in those events on
  the whole log with them at its end.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import attrs
from hypothesis import given
from hypothesis import strategies as st

from govmodel import (
    DEFAULT_POLICY,
    Accepted,
    Case,
    CaseEvent,
    CaseState,
    Closed,
    Policy,
    Reopened,
    Reported,
    Resolved,
    Revisited,
    Routed,
    Structure,
    check_log,
    examples,
    route,
)
from govmodel.rules._fast_checking import _check_fast
from govmodel.rules.access import _serving
from govmodel.rules.checking import _check
from govmodel.strategies import event_logs, structures

EXAMPLES = {name: examples.load(name) for name in ("xinhe", "shagangwan", "zhuanqiao")}
CST = dt.timezone(dt.timedelta(hours=8))
_ACTING = (Accepted, Resolved, Revisited, Reopened, Closed)


def _structures() -> st.SearchStrategy[Structure]:
    return st.sampled_from(sorted(EXAMPLES)).map(EXAMPLES.__getitem__) | structures(
        max_communities=2, max_compounds=2, max_buildings=2
    )


def _aware(moment: dt.datetime) -> dt.datetime:
    return moment.replace(tzinfo=CST)


def _all_aware(log: list[CaseEvent]) -> list[CaseEvent]:
    """The log with every time of it given the policy's offset (+08:00)."""
    out: list[CaseEvent] = []
    for event in log:
        if isinstance(event, Reported):
            case = attrs.evolve(event.case, reported_at=_aware(event.case.reported_at))
            out.append(Reported(case=case, at=_aware(event.at)))
        elif isinstance(event, Routed):
            routing = attrs.evolve(event.routing, due=_aware(event.routing.due))
            out.append(Routed(case_id=event.case_id, at=_aware(event.at), routing=routing))
        elif isinstance(event, Revisited):
            out.append(attrs.evolve(event, at=_aware(event.at)))
        else:
            out.append(attrs.evolve(event, at=_aware(event.at)))
    return out


def _near(structure: Structure, log: list[CaseEvent]) -> list[str]:
    """Those who play a part in a case of the log, and the people who may hold their posts.

    Their rights decide: most often they play a part that gives another right than
    an event needs (a serving company, a supervisor, a summoned department).
    """
    return sorted(
        {p.id for p in structure.people()}
        | {
            node
            for e in log
            if isinstance(e, Routed)
            for node in (
                e.routing.handler,
                e.routing.owner,
                e.routing.convener,
                e.routing.supervisor,
                *e.routing.co_handlers,
                *e.routing.summoned,
            )
            if node is not None
        }
        | {e.case.receiver for e in log if isinstance(e, Reported) if e.case.receiver}
        | {
            body
            for e in log
            if isinstance(e, Reported) and e.case.place in structure
            for body in _serving(structure, e.case.place)
        }
    )


def _spoil(
    structure: Structure, log: list[CaseEvent], draw: Callable[[st.SearchStrategy[Any]], Any]
) -> list[CaseEvent]:
    """The log with a few of its events spoiled, each in one of many ways."""
    out = list(log)
    actors = sorted(
        [b.id for b in structure.bodies()][:8]
        + [p.id for p in structure.posts()][:8]
        + [p.id for p in structure.people()][:6]
        + ["nobody:at-all"]
    )
    near = _near(structure, log)
    places = [*sorted(p.id for p in structure.places())[:6], "nowhere:at-all"]
    ids = [*sorted({e.case_id for e in log}), "case:other"]
    for _ in range(draw(st.integers(0, 4))):
        if not out:
            break
        i = draw(st.integers(0, len(out) - 1))
        event = out[i]
        how = draw(
            st.sampled_from(
                ["drop", "repeat", "swap", "time", "aware", "actor", "case", "routing", "report"]
            )
        )
        if how == "drop":
            del out[i]
        elif how == "repeat":
            out.insert(i, event)
        elif how == "swap" and i + 1 < len(out):
            out[i], out[i + 1] = out[i + 1], out[i]
        elif how == "time":
            shift = dt.timedelta(hours=draw(st.integers(-99, 99)))
            if isinstance(event, Reported):
                out[i] = Reported(case=event.case, at=event.at + shift)
            else:
                out[i] = attrs.evolve(event, at=event.at + shift)
        elif how == "aware" and not isinstance(event, Reported):
            out[i] = attrs.evolve(event, at=_aware(event.at))
        elif how == "actor" and isinstance(event, _ACTING):
            if isinstance(event, Closed | Reopened) and draw(st.booleans()):
                out[i] = attrs.evolve(event, actor=None)
            else:
                pool = near if near and draw(st.integers(0, 3)) else actors
                out[i] = attrs.evolve(event, actor=draw(st.sampled_from(pool)))
        elif how == "case" and not isinstance(event, Reported):
            out[i] = attrs.evolve(event, case_id=draw(st.sampled_from(ids)))
        elif how == "routing" and isinstance(event, Routed):
            others = [e.routing for e in out if isinstance(e, Routed)]
            routing = draw(st.sampled_from(others))
            if draw(st.booleans()):
                routing = attrs.evolve(routing, reason="another reason")
            out[i] = attrs.evolve(event, routing=routing)
        elif how == "report" and isinstance(event, Reported):
            case = event.case
            change = draw(st.sampled_from(["place", "receiver", "at"]))
            if change == "place":
                case = attrs.evolve(case, place=draw(st.sampled_from(places)))
            elif change == "receiver":
                case = attrs.evolve(case, receiver=draw(st.sampled_from(actors)))
            else:
                case = attrs.evolve(case, reported_at=case.reported_at - dt.timedelta(hours=1))
            out[i] = Reported(case=case, at=event.at)
    return out


@st.composite
def _logs(draw: Callable[[st.SearchStrategy[Any]], Any]) -> tuple[Structure, list[CaseEvent]]:
    structure = draw(_structures())
    log = list(draw(event_logs(structure, max_cases=5)))
    if draw(st.integers(0, 4)) == 0:
        log = _all_aware(log)
    if draw(st.booleans()):
        log = _spoil(structure, log, draw)
    return structure, log


def _splits(
    draw: Callable[[st.SearchStrategy[Any]], Any], log: list[CaseEvent]
) -> list[list[CaseEvent]]:
    """The log cut into consecutive appends of any sizes."""
    out = []
    start = 0
    while start < len(log):
        size = draw(st.integers(1, 8))
        out.append(log[start : start + size])
        start += size
    return out


_POLICIES = st.sampled_from([DEFAULT_POLICY, attrs.evolve(DEFAULT_POLICY, require_revisit=False)])


@given(_logs(), _POLICIES, st.data())
def test_the_fast_check_is_the_check_for_any_split(
    drawn: tuple[Structure, list[CaseEvent]], policy: Policy, data: st.DataObject
) -> None:
    """Append by append, the same problems, in order and in words, and the same states."""
    structure, log = drawn
    states: dict[str, CaseState] = {}
    reported: list[Case] = []
    for chunk in _splits(data.draw, log):
        before = {e.case_id: states[e.case_id] for e in chunk if e.case_id in states}
        want = _check(structure, chunk, policy=policy, states=before, recent=reported)
        got = _check_fast(structure, chunk, policy=policy, states=before, recent=reported)
        assert got[0] == want[0]
        assert got[1] == want[1]
        states.update(want[1])
        reported += [e.case for e in chunk if isinstance(e, Reported)]


@given(
    _structures().flatmap(lambda s: st.tuples(st.just(s), event_logs(s, max_cases=5))), st.data()
)
def test_any_actor_of_the_cases_has_the_rights_the_rules_give(
    drawn: tuple[Structure, tuple[CaseEvent, ...]], data: st.DataObject
) -> None:
    """Each acting event done by anyone with a part in the log's cases: the same problems.

    Whether an actor may do what an event needs is where the fast check differs
    most from the rules' way: it asks only of the parts that give the right.
    """
    structure, original = drawn
    near = _near(structure, list(original))
    log: list[CaseEvent] = []
    for event in original:
        if isinstance(event, _ACTING) and data.draw(st.booleans()):
            log.append(attrs.evolve(event, actor=data.draw(st.sampled_from(near))))
        else:
            log.append(event)
    states: dict[str, CaseState] = {}
    for chunk in _splits(data.draw, log):
        before = {e.case_id: states[e.case_id] for e in chunk if e.case_id in states}
        want = _check(structure, chunk, states=before)
        assert _check_fast(structure, chunk, states=before) == want
        states.update(want[1])


@given(_logs(), _POLICIES, st.data())
def test_an_append_is_flagged_as_check_log_flags_it_on_the_whole_log(
    drawn: tuple[Structure, list[CaseEvent]], policy: Policy, data: st.DataObject
) -> None:
    """As a store appends: each append flagged exactly where ``check_log`` flags it.

    The appends the fast check refuses are left out of the log, as a store leaves
    them out; those it takes are the log the next ones continue.
    """
    structure, log = drawn
    kept: list[CaseEvent] = []
    states: dict[str, CaseState] = {}
    for chunk in _splits(data.draw, log):
        before = {e.case_id: states[e.case_id] for e in chunk if e.case_id in states}
        reported = [e.case for e in kept if isinstance(e, Reported)]
        problems, after = _check_fast(
            structure, chunk, policy=policy, states=before, recent=reported
        )
        whole = [
            attrs.evolve(p, index=p.index - len(kept))
            for p in check_log(structure, kept + chunk, policy=policy)
        ]
        assert list(problems) == whole
        if not problems:
            kept += chunk
            states.update(after)


def test_a_person_acts_through_the_posts_held_on_the_day() -> None:
    """A person's right is judged on each event's day: not before their first day in post.

    Xinhe's steward takes up the micro-grid worker's post on 2025-01-01: the same
    person accepting two cases, on the eve and two days later, in either order of
    the log, is refused on the eve only.
    """
    s = EXAMPLES["xinhe"]
    eve = dt.datetime(2024, 12, 31, 9)
    reports: list[CaseEvent] = []
    for case_id in ("c1", "c2"):
        case = Case(
            id=case_id,
            category="repair",
            place="building:wanda-1",
            reported_at=eve,
            scope="building",
        )
        reports += [
            Reported(case=case, at=eve),
            Routed(case_id=case_id, at=eve, routing=route(s, case)),
        ]
    on_the_eve = Accepted(case_id="c1", at=eve + dt.timedelta(hours=1), actor="person:steward-1")
    in_post = Accepted(case_id="c2", at=eve + dt.timedelta(days=2), actor="person:steward-1")
    for log in ([*reports, on_the_eve, in_post], [*reports, in_post, on_the_eve]):
        fast = _check_fast(s, log)
        assert fast == _check(s, log)
        assert [(p.index, p.case_id, p.kind.value) for p in fast[0]] == [
            (log.index(on_the_eve), "c1", "no-right")
        ]

"""Tests for `govmodel.rules.reference`: the fast rules give what the readable ones give.

``govmodel.route``, ``govmodel.escalate`` and ``govmodel.presence`` are an optimisation of
the reference module; every test here states that they agree, field for field, on generated
structures, on every place of the bundled examples and on synthetic towns.
"""

import datetime as dt
import functools
import random
from collections.abc import Callable, Sequence
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

import govmodel
from govmodel import (
    DEFAULT_POLICY,
    Accepted,
    Case,
    CaseEvent,
    CaseState,
    Category,
    Domain,
    Policy,
    Reopened,
    Reported,
    Resolved,
    Revisited,
    Routed,
    Scope,
    Structure,
    UnknownNodeError,
    Urgency,
    advance,
    examples,
    replay,
)
from govmodel.rules import reference
from govmodel.strategies import cases, structures
from govmodel.synth import Shares, generate, preset

DOOR = Case(
    id="case:door",
    category=Category.REPAIR,
    place="building:wanda-3",
    reported_at=dt.datetime(2025, 5, 6, 9),
    scope=Scope.BUILDING,
)


@attrs.frozen
class Check:
    """A case's state when ``escalate`` looks at it: at ``now``, with ``recent`` reports."""

    state: CaseState
    now: dt.datetime
    recent: tuple[Case, ...] = ()


def assert_escalations_agree(
    s: Structure, checks: Sequence[Check], policy: Policy = DEFAULT_POLICY
) -> None:
    for check in checks:
        fast = govmodel.escalate(s, check.state, now=check.now, policy=policy, recent=check.recent)
        readable = reference.escalate(
            s, check.state, now=check.now, policy=policy, recent=check.recent
        )
        if fast != readable:
            raise AssertionError(disagreement("escalate", s, check, fast, readable))


def assert_routes_agree(s: Structure, case: Case, policy: Policy = DEFAULT_POLICY) -> None:
    fast, readable = govmodel.route(s, case, policy=policy), reference.route(s, case, policy=policy)
    if fast != readable:
        raise AssertionError(disagreement("route", s, case, fast, readable))
    day = case.reported_at.date()
    assert govmodel.presence(s, case.place, at=day, policy=policy) == reference.presence(
        s, case.place, at=day, policy=policy
    )


def disagreement(rule: str, s: Structure, subject: object, fast: object, readable: object) -> str:
    """Where the fast path and the reference part, and the structure to rebuild it from.

    A generated structure is small, so its whole spec is shown (``govmodel.loads`` reads it
    back); a bundled or generated town is named.
    """
    lines = [
        f"{rule}: the fast path (govmodel.{rule}) and the reference disagree",
        f"on {subject!r}",
    ]
    record: Any = type(fast)  # an attrs class, as attrs.has says; mypy cannot narrow it
    if attrs.has(record) and attrs.has(type(readable)):
        for field in attrs.fields(record):
            a, b = getattr(fast, field.name), getattr(readable, field.name)
            if a != b:
                lines.append(f"  {field.name}: fast {a!r}, reference {b!r}")
    else:
        lines.append(f"  fast {fast!r}, reference {readable!r}")
    if s.graph.number_of_nodes() <= 80:
        lines.append("structure (govmodel.loads(text, format='json') rebuilds it):")
        lines.append(govmodel.dumps(s, format="json"))
    else:
        lines.append(f"structure: {s!r}")
    return "\n".join(lines)


# -- the histories escalate is checked on --------------------------------------------------


Draw = Callable[[st.SearchStrategy[Any]], Any]
_FOUND = st.lists(st.sampled_from(list(Domain)), max_size=2, unique=True).map(tuple)


def history(
    draw: Draw, s: Structure, case: Case, *, policy: Policy = DEFAULT_POLICY
) -> list[Check]:
    """A case's life, to check ``escalate`` after every step.

    Overdue at some tier, not yet due, recurring, resolved and revisited (a domain found
    or not), reopened (with new domains or not); each escalation followed, or not, by the
    case routed again.
    """
    t = case.reported_at
    first = govmodel.route(s, case, policy=policy)
    events: list[CaseEvent] = [
        Reported(case=case, at=t),
        Routed(case_id=case.id, at=t, routing=first),
    ]
    state = replay(events)
    checks: list[Check] = []
    for _ in range(draw(st.integers(1, 4))):
        routing = state.routing
        assert routing is not None
        recent: tuple[Case, ...] = ()
        move = draw(st.sampled_from(["overdue", "early", "recurring", "revisited", "reopened"]))
        if move == "overdue":
            now = max(t, routing.due) + dt.timedelta(minutes=draw(st.integers(1, 10_000)))
        elif move == "early":
            now = t + dt.timedelta(minutes=draw(st.integers(0, 600)))
        elif move == "recurring":
            now = t + dt.timedelta(minutes=draw(st.integers(0, 600)))
            days = draw(st.lists(st.integers(0, 45), min_size=1, max_size=4))
            recent = tuple(
                Case(
                    id=f"{case.id}:before-{n}",
                    category=case.category if draw(st.booleans()) else Category.NOISE,
                    place=case.place,
                    reported_at=case.reported_at - dt.timedelta(days=d, minutes=1),
                )
                for n, d in enumerate(days)
            )
        else:
            actor = routing.handler or routing.owner or "nobody"
            if state.accepted_at is None:
                state = advance(state, Accepted(case_id=case.id, at=t, actor=actor))
            t += dt.timedelta(hours=draw(st.integers(0, 72)))
            state = advance(state, Resolved(case_id=case.id, at=t, actor=actor))
            t += dt.timedelta(days=draw(st.integers(0, 9)))
            found = draw(_FOUND)
            satisfied = draw(st.booleans())
            state = advance(
                state,
                Revisited(case_id=case.id, at=t, actor=actor, satisfied=satisfied, found=found),
            )
            if move == "reopened":
                reason = draw(st.sampled_from(["", "not settled"]))
                domains = draw(_FOUND)
                state = advance(
                    state,
                    Reopened(case_id=case.id, at=t, actor="post:a", reason=reason, domains=domains),
                )
            now = t
        checks.append(Check(state, now, recent))
        again = govmodel.escalate(s, state, now=now, policy=policy, recent=recent)
        if move == "revisited":
            break  # a resolved case waits to be reopened or closed
        if again is not None and draw(st.booleans()):
            t = now
            state = advance(state, Routed(case_id=case.id, at=t, routing=again))
    return checks


def structures_with_cases() -> st.SearchStrategy[tuple[Structure, Case]]:
    return structures().flatmap(lambda s: st.tuples(st.just(s), cases(s)))


@st.composite
def policies(draw: Draw) -> Policy:
    """The default policy with other meeting domains, recurrence rule and deliberation time."""
    meeting_domains = draw(st.frozensets(st.sampled_from(list(Domain)), max_size=4))
    return attrs.evolve(
        DEFAULT_POLICY,
        meeting_domains=meeting_domains,
        recurrence_threshold=draw(st.integers(1, 3)),
        recurrence_window=dt.timedelta(days=draw(st.integers(1, 40))),
        deliberation_limit=dt.timedelta(days=draw(st.integers(1, 90))),
    )


# -- generated structures ----------------------------------------------------------------------


_POLICIES = st.just(DEFAULT_POLICY) | policies()


class TestRoute:
    @given(structures_with_cases(), _POLICIES)
    def test_fast_route_is_the_reference(
        self, pair: tuple[Structure, Case], policy: Policy
    ) -> None:
        """govmodel.route gives the reference's routing, reason included, under any policy."""
        s, case = pair
        assert govmodel.route(s, case, policy=policy) == reference.route(s, case, policy=policy)

    @pytest.mark.parametrize(
        "case",
        [
            attrs.evolve(DOOR, place="compound:nowhere"),
            attrs.evolve(DOOR, receiver="nobody:known"),
            attrs.evolve(DOOR, receiver="grid:wanda-a"),  # a grid is no first contact
        ],
        ids=["place", "receiver", "grid as receiver"],
    )
    def test_same_errors(self, case: Case) -> None:
        """An unknown place or first contact raises the same UnknownNodeError from both."""
        s = examples.load("xinhe")
        with pytest.raises(UnknownNodeError) as fast:
            govmodel.route(s, case)
        with pytest.raises(UnknownNodeError) as readable:
            reference.route(s, case)
        assert str(fast.value) == str(readable.value)

    def test_does_not_cache(self) -> None:
        """The reference keeps no routing tables: it works everything out per call."""
        s = govmodel.load(govmodel.to_dict(examples.load("xinhe")))
        reference.route(s, DOOR)
        assert s.memo("routing", dict) == {}


class TestEscalate:
    @given(structures_with_cases(), _POLICIES, st.data())
    def test_fast_escalate_is_the_reference(
        self, pair: tuple[Structure, Case], policy: Policy, data: st.DataObject
    ) -> None:
        """govmodel.escalate answers as the reference does at every step of a case's life."""
        s, case = pair
        assert_escalations_agree(s, history(data.draw, s, case, policy=policy), policy)


class TestPresence:
    @given(structures_with_cases(), _POLICIES)
    def test_fast_presence_is_the_reference(
        self, pair: tuple[Structure, Case], policy: Policy
    ) -> None:
        """govmodel.presence lists the reference's tiers, actors and domains, on the day."""
        s, case = pair
        day = case.reported_at.date()
        assert govmodel.presence(s, case.place, at=day, policy=policy) == reference.presence(
            s, case.place, at=day, policy=policy
        )


# -- the bundled examples, every place ---------------------------------------------------------


def sampled_cases(s: Structure, place: str, n: int, rng: random.Random) -> list[Case]:
    """Cases at ``place`` on days when posts change hands.

    Any category, scope and urgency, some with their own domains, some with a first contact.
    """
    contacts = [p.id for p in s.posts()] + [b.id for b in s.bodies()]
    first = dt.datetime(2024, 6, 1)
    out: list[Case] = []
    for i in range(n):
        domains = None
        if rng.random() < 0.2:
            domains = tuple(rng.sample(list(Domain), rng.randint(1, 3)))
        out.append(
            Case(
                id=f"case:{place}:{i}",
                category=rng.choice(list(Category)),
                place=place,
                reported_at=first + dt.timedelta(days=rng.randrange(950), hours=rng.randrange(24)),
                scope=rng.choice(list(Scope)),
                urgency=rng.choice(list(Urgency)),
                domains=domains,
                receiver=rng.choice(contacts) if rng.random() < 0.3 else None,
            )
        )
    return out


def climbs(s: Structure, case: Case, rng: random.Random) -> list[Check]:
    """The case overdue at every tier up to the street, then reopened with a found domain."""
    t = case.reported_at
    routing = govmodel.route(s, case)
    state = replay([Reported(case=case, at=t), Routed(case_id=case.id, at=t, routing=routing)])
    checks: list[Check] = []
    while True:
        assert state.routing is not None
        now = state.routing.due + dt.timedelta(minutes=1)
        checks.append(Check(state, now))
        step = govmodel.escalate(s, state, now=now)
        if step is None:
            break
        state = advance(state, Routed(case_id=case.id, at=now, routing=step))
    actor = state.routing.handler or "nobody"
    found = (rng.choice(list(Domain)),)
    for event in (
        Accepted(case_id=case.id, at=now, actor=actor),
        Resolved(case_id=case.id, at=now, actor=actor),
        Revisited(case_id=case.id, at=now, actor=actor, satisfied=True, found=found),
        Reopened(
            case_id=case.id, at=now, actor="post:a", reason="found on the visit", domains=found
        ),
    ):
        state = advance(state, event)
    checks.append(Check(state, now))
    return checks


@pytest.mark.parametrize("name", examples.names())
def test_examples_every_place(name: str) -> None:
    """At every place of a bundled example, route, presence and escalate are the reference's.

    For sampled cases, climbing to the street and reopened at the end.
    """
    s = examples.load(name)
    rng = random.Random(name)
    for place in s.places():
        for case in sampled_cases(s, place.id, 12, rng):
            assert_routes_agree(s, case)
            assert_escalations_agree(s, climbs(s, case, rng))


# -- synthetic towns ---------------------------------------------------------------------------


_SHARES = st.builds(
    Shares,
    **{field.name: st.sampled_from([0.0, 0.5, 1.0]) for field in attrs.fields(Shares)},
)


@st.composite
def towns_with_cases(draw: Draw) -> tuple[Structure, Case]:
    """A small generated street, of any shares of bodies, and a case at one of its places."""
    s = generate(
        communities_per_street=(1, 2),
        compounds_per_community=(1, 3),
        buildings_per_compound=(1, 3),
        units_per_building=(1, 2),
        shares=draw(_SHARES),
        seed=draw(st.integers(0, 10_000)),
    )
    return s, draw(cases(s))


@functools.cache
def district() -> Structure:
    return preset("district", seed=1)


class TestSynth:
    @given(towns_with_cases(), st.data())
    def test_generated_streets(self, pair: tuple[Structure, Case], data: st.DataObject) -> None:
        """On generated streets of any shares, route, presence and escalate agree."""
        s, case = pair
        assert_routes_agree(s, case)
        assert_escalations_agree(s, history(data.draw, s, case))

    def test_district_preset(self) -> None:
        """On sampled places of the district preset, route and escalate agree."""
        s = district()
        rng = random.Random(20261122)
        for place in rng.sample(s.places(), 40):
            for case in sampled_cases(s, place.id, 3, rng):
                assert_routes_agree(s, case)
                assert_escalations_agree(s, climbs(s, case, rng))

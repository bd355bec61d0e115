"""Tests for `govmodel.rules.escalation`: escalate and recurrences."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from govmodel import (
    DEFAULT_POLICY,
    Accepted,
    Case,
    CaseState,
    Category,
    Domain,
    Procedure,
    Reopened,
    Reported,
    Resolved,
    Revisited,
    Routed,
    Scope,
    Structure,
    Tier,
    advance,
    escalate,
    examples,
    ladder,
    replay,
    route,
)
from govmodel.rules import reference
from govmodel.rules.escalation import recurrences
from govmodel.strategies import cases, structures

T = dt.datetime(2025, 5, 6, 9, 0)
MINUTE = dt.timedelta(minutes=1)


def routed(s: Structure, case: Case) -> CaseState:
    r = route(s, case)
    return replay(
        [
            Reported(case=case, at=case.reported_at),
            Routed(case_id=case.id, at=case.reported_at, routing=r),
        ]
    )


@pytest.fixture
def xinhe() -> Structure:
    return examples.load("xinhe")


def noise(place: str = "building:wanda-1", at: dt.datetime = T, case_id: str = "c") -> Case:
    return Case(
        id=case_id, category=Category.NOISE, place=place, reported_at=at, scope=Scope.BUILDING
    )


class TestTriggers:
    def test_nothing_due(self, xinhe: Structure) -> None:
        """Before the due time, with nothing found and no recurrence, nothing happens."""
        state = routed(xinhe, noise())
        assert state.routing is not None
        assert escalate(xinhe, state, now=state.routing.due) is None

    def test_overdue(self, xinhe: Structure) -> None:
        """A case overdue at the micro-grid moves up to the compound, owner unchanged."""
        state = routed(xinhe, noise())
        assert state.routing is not None
        nxt = escalate(xinhe, state, now=state.routing.due + MINUTE)
        assert nxt is not None
        assert nxt.tier is Tier.COMPOUND
        assert nxt.owner == state.routing.owner
        assert nxt.reason.startswith("overdue since")
        # Due Wednesday 17:00, escalated at 17:01: three working days from Thursday on.
        assert (state.routing.due, nxt.due) == (
            dt.datetime(2025, 5, 7, 17, 0),
            dt.datetime(2025, 5, 12, 17, 0),
        )

    def test_reopened(self, xinhe: Structure) -> None:
        """Reopened after an unsatisfied return visit: the next tier up takes it."""
        case = noise()
        state = routed(xinhe, case)
        assert state.routing is not None
        handler = state.routing.handler or ""
        for event in (
            Accepted(case_id="c", at=T, actor=handler),
            Resolved(case_id="c", at=T + dt.timedelta(hours=2), actor=handler),
            Revisited(case_id="c", at=T + dt.timedelta(days=1), actor=handler, satisfied=False),
            Reopened(
                case_id="c", at=T + dt.timedelta(days=1), actor="post:a", reason="still noisy"
            ),
        ):
            state = advance(state, event)
        nxt = escalate(xinhe, state, now=T + dt.timedelta(days=1))
        assert nxt is not None
        assert nxt.tier is Tier.COMPOUND
        # The reopening's reason is a resident's words: the routing refers to it only.
        assert nxt.reason.startswith("reopened (reason kept with the case); ")
        assert "still noisy" not in nxt.reason
        # Once routed again, the reopening no longer triggers.
        state = advance(state, Routed(case_id="c", at=T + dt.timedelta(days=1), routing=nxt))
        assert escalate(xinhe, state, now=T + dt.timedelta(days=1)) is None

    def test_new_domain(self, xinhe: Structure) -> None:
        """A latent problem found on a return visit re-routes to a tier that holds it."""
        case = noise()
        state = routed(xinhe, case)
        assert state.routing is not None
        handler = state.routing.handler or ""
        for event in (
            Accepted(case_id="c", at=T, actor=handler),
            Resolved(case_id="c", at=T + dt.timedelta(hours=2), actor=handler),
            Revisited(
                case_id="c",
                at=T + dt.timedelta(days=1),
                actor=handler,
                satisfied=True,
                found=(Domain.PROPERTY_SERVICE,),
            ),
            Reopened(
                case_id="c", at=T + dt.timedelta(days=1), actor="post:a", reason="a latent leak"
            ),
        ):
            state = advance(state, event)
        nxt = escalate(xinhe, state, now=T + dt.timedelta(days=1))
        assert nxt is not None
        assert nxt.tier is Tier.COMPOUND
        assert "pm:cxh" in nxt.actors
        assert nxt.reason.startswith("newly found property_service")

    def test_recurrence(self, xinhe: Structure) -> None:
        """The third report of one matter at one place in 30 days escalates once."""
        earlier = [noise(at=T - dt.timedelta(days=d), case_id=f"e{d}") for d in (3, 20)]
        state = routed(xinhe, noise())
        nxt = escalate(xinhe, state, now=T, recent=earlier)
        assert nxt is not None
        assert nxt.tier is Tier.COMPOUND
        assert nxt.reason.startswith("reported twice before in 30 days")
        state = advance(state, Routed(case_id="c", at=T, routing=nxt))
        assert escalate(xinhe, state, now=T, recent=earlier) is None

    def test_recurrence_below_threshold(self, xinhe: Structure) -> None:
        """One earlier report, or reports outside the window, do not escalate."""
        state = routed(xinhe, noise())
        assert (
            escalate(xinhe, state, now=T, recent=[noise(at=T - dt.timedelta(days=3), case_id="e")])
            is None
        )
        old = [noise(at=T - dt.timedelta(days=d), case_id=f"e{d}") for d in (31, 40)]
        assert escalate(xinhe, state, now=T, recent=old) is None

    def test_resolved_and_closed_cases_rest(self, xinhe: Structure) -> None:
        """A resolved case waits for its return visit: no escalation."""
        state = routed(xinhe, noise())
        assert state.routing is not None
        handler = state.routing.handler or ""
        state = advance(state, Accepted(case_id="c", at=T, actor=handler))
        state = advance(state, Resolved(case_id="c", at=T, actor=handler))
        assert escalate(xinhe, state, now=T + dt.timedelta(days=30)) is None

    def test_unrouted_case(self, xinhe: Structure) -> None:
        """A case that was never routed has nothing to escalate: route it first."""
        state = replay([Reported(case=noise(), at=T)])
        assert escalate(xinhe, state, now=T + dt.timedelta(days=30)) is None

    def test_street_is_the_top(self, xinhe: Structure) -> None:
        """At street tier an overdue case has nowhere higher to go."""
        case = Case(
            id="c",
            category=Category.ROADS,
            place="compound:wanda",
            reported_at=T,
            scope=Scope.COMPOUND,
        )
        state = routed(xinhe, case)
        assert state.routing is not None
        assert state.routing.tier is Tier.STREET
        assert escalate(xinhe, state, now=T + dt.timedelta(days=60)) is None


class TestProperties:
    @given(structures().flatmap(lambda s: st.tuples(st.just(s), cases(s))))
    def test_monotone_and_terminates(self, pair: tuple[Structure, Case]) -> None:
        """Overdue again and again, a case climbs to street within len(ladder) + 1 steps.

        Every step raises the tier, but for a referral, which becomes a whistle order at
        its own tier.
        """
        s, case = pair
        state = routed(s, case)
        steps = ladder(s, case.place)
        seen = []
        for _ in range(len(steps) + 2):
            assert state.routing is not None
            seen.append(state.routing.tier)
            now = state.routing.due + MINUTE
            nxt = escalate(s, state, now=now)
            if nxt is None:
                break
            if state.routing.procedure is Procedure.REFERRAL:
                assert nxt.tier >= state.routing.tier
                assert nxt.procedure is not Procedure.REFERRAL
            else:
                assert nxt.tier > state.routing.tier
            state = advance(state, Routed(case_id=case.id, at=now, routing=nxt))
        assert seen[-1] is Tier.STREET
        assert len(seen) <= len(steps) + 1
        assert seen == sorted(seen)

    @given(
        structures().flatmap(lambda s: st.tuples(st.just(s), cases(s))),
        st.sampled_from(list(Domain)),
    )
    def test_new_domain_never_lowers(self, pair: tuple[Structure, Case], found: Domain) -> None:
        """Re-routing for a newly found domain keeps or raises the tier, and covers the domain."""
        s, case = pair
        state = routed(s, case)
        assert state.routing is not None
        first = state.routing
        handler = first.handler or "x"
        for event in (
            Accepted(case_id=case.id, at=case.reported_at, actor=handler),
            Resolved(case_id=case.id, at=case.reported_at, actor=handler),
            Reopened(
                case_id=case.id,
                at=case.reported_at,
                actor="post:a",
                reason="found",
                domains=(found,),
            ),
        ):
            state = advance(state, event)
        nxt = escalate(s, state, now=case.reported_at)
        if found in first.domains:
            # Nothing new: a plain reopening moves one tier up (or nothing at street),
            # except a reopened referral, which becomes a whistle order at its tier
            # (docs/routing.md, referrals).
            if first.procedure is Procedure.REFERRAL and nxt is not None:
                assert nxt.procedure is Procedure.WHISTLE
                assert nxt.tier >= first.tier
            else:
                assert nxt is None or nxt.tier > first.tier
        else:
            assert nxt is not None
            assert nxt.tier >= first.tier
            assert found in nxt.domains

    @given(
        structures().flatmap(lambda s: st.tuples(st.just(s), cases(s))),
        st.text(alphabet="王李张楼室号漏水还没修好 0123456789", min_size=1, max_size=20),
    )
    def test_reopen_reason_never_in_the_routing(
        self, pair: tuple[Structure, Case], reason: str
    ) -> None:
        """A reopening's reason (personal data) never enters a routing's reason, fast or reference.

        The routing's reason is shown to every party to the case, the summoned
        departments included, and to every Open311 export: it says the case was
        reopened and that the reason is kept with the case.
        """
        s, case = pair
        state = routed(s, case)
        first = state.routing
        assert first is not None
        handler = first.handler or "x"
        secret = f"《{reason}》"  # bracketed, so it cannot be a chance substring of the text
        for event in (
            Accepted(case_id=case.id, at=case.reported_at, actor=handler),
            Resolved(case_id=case.id, at=case.reported_at, actor=handler),
            Reopened(case_id=case.id, at=case.reported_at, actor=handler, reason=secret),
        ):
            state = advance(state, event)
        for rules in (escalate, reference.escalate):
            nxt = rules(s, state, now=case.reported_at)
            if nxt is None:
                assert first.tier is Tier.STREET
                continue
            assert secret not in nxt.reason
            assert "reopened (reason kept with the case); " in nxt.reason


class TestRecurrences:
    def test_counts_window_and_place(self) -> None:
        """Only earlier cases of the same category and place inside the window count."""
        base = noise()
        others = [
            noise(at=T - dt.timedelta(days=1), case_id="a"),
            noise(place="building:wanda-2", at=T - dt.timedelta(days=1), case_id="b"),
            Case(
                id="d",
                category=Category.REPAIR,
                place="building:wanda-1",
                reported_at=T - dt.timedelta(days=1),
            ),
            noise(at=T + dt.timedelta(days=1), case_id="later"),
            noise(at=T - dt.timedelta(days=30), case_id="edge"),
        ]
        assert recurrences(base, others) == 2


class TestTimeZones:
    """What users found: mixing naive and aware times raised a raw TypeError."""

    def test_aware_now_against_a_naive_due(self, xinhe: Structure) -> None:
        """A naive due time is a local time of the policy's zone when ``now`` is aware."""
        state = routed(xinhe, noise())
        assert state.routing is not None
        due = state.routing.due.replace(tzinfo=DEFAULT_POLICY.time_zone)
        assert escalate(xinhe, state, now=due.astimezone(dt.UTC)) is None
        later = escalate(xinhe, state, now=(due + MINUTE).astimezone(dt.UTC))
        assert later is not None
        assert later.tier > state.routing.tier
        assert later.due.tzinfo is dt.UTC

    def test_recurrences_across_kinds(self) -> None:
        """Earlier cases with aware times count like their local naive times."""
        case = noise(at=T)
        zone = DEFAULT_POLICY.time_zone
        earlier = [
            noise(
                at=(T - dt.timedelta(days=d)).replace(tzinfo=zone).astimezone(dt.UTC),
                case_id=f"e{d}",
            )
            for d in (1, 5, 45)
        ]
        assert recurrences(case, [case, *earlier]) == 2

"""The simulator's mechanisms: each does what docs/simulation.md says; its switch removes it."""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs
import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import govmodel
from govmodel import Channel, examples, synth
from govmodel.model import Frequency, Meeting
from govmodel.simulation import (
    Mechanism,
    Scenario,
    SimulationResult,
    Staffing,
    simulate,
    variants,
)
from govmodel.simulation._mechanisms import (
    handoff_factor,
    next_sitting,
    satisfaction_probability,
)
from govmodel.strategies import structures

XINHE = examples.load("xinhe")
DAY = dt.date(2025, 6, 1)
QUARTER = Scenario(days=90)


class TestStaffing:
    @settings(max_examples=30, deadline=None)
    @given(structures(max_communities=2, max_compounds=2, max_buildings=2), st.integers(1, 5))
    def test_capacity_is_at_least_one_and_sharing_never_adds(
        self, s: govmodel.Structure, caseload: int
    ) -> None:
        """Every handler works on at least one case; sharing a person's time never adds any."""
        shared = Staffing(s, Scenario(capacity=caseload), DAY)
        alone = Staffing(s, Scenario(capacity=caseload, off={Mechanism.SHARED_TIME}), DAY)
        for owner in [p.id for p in s.posts()] + [b.id for b in s.bodies()]:
            assert 1 <= shared.capacity(owner) <= alone.capacity(owner)

    def test_a_cross_appointed_person_splits_their_caseload(self) -> None:
        """Xinhe's steward holds a company post and a micro-grid post: half of 3 cases each."""
        assert Staffing(XINHE, Scenario(), DAY).capacity("post:grid-wanda-a-worker") == 2
        split = variants(XINHE)["no_cross_appointments"]
        assert Staffing(split, Scenario(), DAY).capacity("post:grid-wanda-a-worker") == 3

    def test_offices_scale_with_the_households_they_cover(self) -> None:
        lianhua = examples.load("lianhua")
        small = Staffing(lianhua, Scenario(office_households=10_000), DAY).capacity("so:lianhua")
        large = Staffing(lianhua, Scenario(office_households=350), DAY).capacity("so:lianhua")
        flat = Scenario(off={Mechanism.STAFFING_SCALE})
        assert Staffing(lianhua, flat, DAY).capacity("so:lianhua") == 3 < small < large

    def test_the_vanguard_post_is_held_from_april(self) -> None:
        assert not Staffing(XINHE, Scenario(), dt.date(2025, 3, 1)).holds("post:cxh-vanguard")
        assert Staffing(XINHE, Scenario(), DAY).holds("post:cxh-vanguard")


class TestRules:
    @given(st.booleans(), st.booleans(), st.booleans(), st.floats(0, 1), st.floats(0, 1))
    def test_handoff_factor(
        self, same: bool, shared: bool, joined: bool, person: float, meeting: float
    ) -> None:
        f = handoff_factor(
            same_unit=same,
            shared_person=shared,
            joined=joined,
            person_factor=person,
            meeting_factor=meeting,
        )
        assert 0.0 <= f <= 1.0
        if same:
            assert f == 0.0
        elif not shared and not joined:
            assert f == 1.0
        else:
            assert f <= (person if shared else meeting)

    @given(
        st.sampled_from(list(Frequency)),
        st.none() | st.integers(1, 31),
        st.datetimes(dt.datetime(2024, 1, 1), dt.datetime(2027, 12, 1)),
        st.integers(0, 6),
        st.integers(0, 10),
    )
    def test_next_sitting_is_later_and_on_its_day(
        self,
        frequency: Frequency,
        day: int | None,
        after: dt.datetime,
        weekday: int,
        adhoc: int,
    ) -> None:
        meeting = Meeting(id="m", convener="c", frequency=frequency, day_of_month=day)
        sitting = next_sitting(
            meeting,
            after,
            policy=govmodel.DEFAULT_POLICY,
            monthly_day=15,
            weekly_day=weekday,
            adhoc_days=adhoc,
        )
        assert sitting.time() == dt.time(9)
        if frequency is Frequency.WEEKLY:
            assert after < sitting <= after + dt.timedelta(days=7)
            assert sitting.weekday() == weekday
        elif frequency is Frequency.MONTHLY:
            assert after < sitting <= after + dt.timedelta(days=32)
            assert (
                sitting.day == day
                or (day is None and sitting.day == 15)
                or sitting.day < (day or 15)
            )
        elif frequency is Frequency.AS_NEEDED:
            assert sitting.date() >= after.date()
            if adhoc:
                assert govmodel.DEFAULT_POLICY.calendar.is_working_day(sitting.date())

    @given(
        st.floats(0.01, 0.99),
        st.booleans(),
        st.integers(0, 3),
        st.integers(0, 3),
        st.booleans(),
        st.booleans(),
        st.booleans(),
    )
    def test_satisfaction_falls_with_each_trouble(
        self,
        base: float,
        late: bool,
        escalations: int,
        reopenings: int,
        continuity: bool,
        hotline: bool,
        rejected: bool,
    ) -> None:
        kw = {
            "late_penalty": 1.5,
            "escalation_penalty": 0.5,
            "reopen_penalty": 1.0,
            "continuity_bonus": 0.5,
            "hotline_penalty": 1.0,
            "rejected_penalty": 1.0,
        }
        p = satisfaction_probability(
            base=base,
            late=late,
            escalations=escalations,
            reopenings=reopenings,
            continuity=continuity,
            hotline=hotline,
            rejected=rejected,
            **kw,
        )
        worse = satisfaction_probability(
            base=base,
            late=True,
            escalations=escalations + 1,
            reopenings=reopenings,
            continuity=continuity,
            hotline=hotline,
            rejected=rejected,
            **kw,
        )
        assert 0.0 < worse < p < 1.0
        plain = satisfaction_probability(
            base=base,
            late=False,
            escalations=0,
            reopenings=0,
            continuity=False,
            hotline=False,
            rejected=False,
            **kw,
        )
        assert plain == pytest.approx(base)


class TestSwitches:
    """Each mechanism shows in a simulated quarter, and switching it off removes it."""

    def test_latent_problems(self) -> None:
        on = simulate(XINHE, QUARTER, seed=1)
        off = simulate(XINHE, attrs.evolve(QUARTER, off={Mechanism.LATENT}), seed=1)
        assert on.metrics.findings > 0 == off.metrics.findings
        found = [e for e in on.events if isinstance(e, govmodel.Revisited) and e.found]
        assert len(found) == on.metrics.findings

    def test_the_front_desk(self) -> None:
        year = Scenario()
        on = simulate(XINHE, year, seed=1)
        assert on.front_desk > 0
        desk = [
            e
            for e in on.events
            if isinstance(e, govmodel.Resolved) and e.actor == "post:cxh-vanguard"
        ]
        assert desk
        assert all(e.at >= dt.datetime(2025, 4, 1) for e in desk)
        off = simulate(XINHE, attrs.evolve(year, off={Mechanism.FRONT_DESK}), seed=1)
        assert off.front_desk == 0

    def test_the_hotline_loop(self) -> None:
        slow = Scenario(days=90, response_hours_without_grid=200.0, response_hours=60.0)
        on = simulate(XINHE, slow, seed=3)
        assert on.hotline > 0
        back = [
            e.case
            for e in on.events
            if isinstance(e, govmodel.Reported) and e.case.channel is Channel.HOTLINE
        ]
        assert back
        assert on.hotline_metrics.reported == len(back)
        off = simulate(XINHE, attrs.evolve(slow, off={Mechanism.HOTLINE_LOOP}), seed=3)
        assert off.hotline_metrics.reported == 0

    def test_arrivals_follow_the_hours_of_the_day(self) -> None:
        lianhua = examples.load("lianhua")
        hours = [o.reported_at.hour for o in simulate(lianhua, QUARTER, seed=1).outcomes]
        night = sum(h in (1, 2, 3, 4) for h in hours) / len(hours)
        assert night < 0.03  # profile weight 0.4 of 24.9
        flat = attrs.evolve(QUARTER, off={Mechanism.ARRIVAL_PROFILE})
        hours = [o.reported_at.hour for o in simulate(lianhua, flat, seed=1).outcomes]
        assert sum(h in (1, 2, 3, 4) for h in hours) / len(hours) > 0.12

    def test_warm_up_leaves_its_cases_out(self) -> None:
        warm = Scenario(days=60, warmup_days=30)
        result = simulate(XINHE, warm, seed=4)
        assert all(o.reported_at >= warm.start for o in result.outcomes)
        assert result.metrics == govmodel.metrics(result.events, now=warm.end)

    def test_ballots_that_miss_the_quorum_do_not_settle(self) -> None:
        """With a fifth of the owners voting, no art. 278 deliberation is settled by its vote."""

        def settled_by_vote(result: SimulationResult) -> int:
            routings: dict[str, list[govmodel.Routing]] = {}
            for e in result.events:
                if isinstance(e, govmodel.Routed):
                    routings.setdefault(e.case_id, []).append(e.routing)
            return sum(
                1
                for o in result.outcomes
                if o.outcome == "resolved"
                and len(routings[o.case_id]) == 1
                and routings[o.case_id][0].rule == "civil_code_278"
            )

        assert settled_by_vote(simulate(XINHE, Scenario(), seed=5)) > 0
        assert settled_by_vote(simulate(XINHE, Scenario(turnout=0.2), seed=5)) == 0
        unvoted = Scenario(turnout=0.2, off={Mechanism.BALLOTS})
        assert settled_by_vote(simulate(XINHE, unvoted, seed=5)) > 0


@pytest.mark.parametrize(
    "structure", [examples.load("lianhua"), synth.generate(seed=1)], ids=["lianhua", "district"]
)
def test_no_sink_saturates_under_the_default_scenario(structure: govmodel.Structure) -> None:
    """The open backlog in December is at most 1.5 times March's: no sink by construction."""
    result = simulate(structure, seed=0)
    march, december = result.backlog([dt.datetime(2025, 4, 1), dt.datetime(2025, 12, 31)])
    assert december <= 1.5 * march


def test_every_offered_ablation_of_xinhe_moves_an_outcome() -> None:
    """Over 30 paired seeds, each variant moves an outcome by more than its 95 % interval.

    The outcomes: the Kaplan-Meier median and restricted mean of the hours to
    resolution (open cases counted), on time with open cases, satisfaction, the
    share settled at the street office, escalations and the December backlog.
    Satisfaction differs between variants too.
    """
    seeds = range(30)
    december = [dt.datetime(2025, 12, 31)]

    def outcomes(s: govmodel.Structure) -> np.ndarray[Any, np.dtype[np.float64]]:
        rows = []
        for k in seeds:
            r = simulate(s, seed=k)
            m = r.metrics
            km = r.time_to_resolution
            rows.append(
                [
                    km.median or 0.0,
                    km.restricted_mean(720.0) or 0.0,
                    r.on_time.rate or 0.0,
                    m.satisfaction_rate or 0.0,
                    m.contained.get(govmodel.Tier.STREET, 0) / max(1, m.resolved),
                    r.escalations,
                    r.backlog(december)[0],
                ]
            )
        return np.array(rows, dtype=float)

    found = variants(XINHE)
    base = outcomes(found["baseline"])
    moved = {}
    for name, structure in found.items():
        if name == "baseline":
            continue
        d = outcomes(structure) - base
        half = 1.96 * d.std(axis=0, ddof=1) / np.sqrt(len(d))
        moved[name] = np.abs(d.mean(axis=0)) > half
    assert moved
    assert all(m.any() for m in moved.values()), moved
    assert any(m[3] for m in moved.values()), "satisfaction moves with no variant"


class TestWorkingTime:
    @settings(max_examples=300, deadline=None)
    @example(t=(24 + 9) * 3_600_000_000, hours=8.0, zone=None)  # 2 Jan, opening, a full day
    @example(t=(24 + 17) * 3_600_000_000, hours=1.0, zone=None)  # 2 Jan, at closing
    @example(t=(27 * 24 + 16) * 3_600_000_000, hours=40.0, zone=None)  # into the Spring Festival
    @given(
        st.integers(0, 200 * 24 * 3_600_000_000),
        st.floats(0.01, 500.0),
        st.sampled_from([None, dt.UTC]),
    )
    def test_after_working_is_the_policys_deadline(
        self, t: int, hours: float, zone: dt.tzinfo | None
    ) -> None:
        """The ledger's working-hours step is Policy.deadline with a TimeLimit in working hours."""
        from govmodel.rules.calendar import TimeLimit
        from govmodel.simulation.engine import _Arrivals, _Draws, _Ledger

        scenario = Scenario(days=365, start=dt.datetime(2025, 1, 1, tzinfo=zone))
        ledger = _Ledger(
            XINHE,
            scenario,
            govmodel.DEFAULT_POLICY,
            _Arrivals([], [], [], [], []),
            _Draws(np.random.SeedSequence(0)),
        )
        got = ledger.after_working(t, hours)
        at = scenario.start + dt.timedelta(microseconds=t)
        want = govmodel.DEFAULT_POLICY.deadline(at, TimeLimit(hours, "working_hours"))
        want_us = (want - scenario.start) // dt.timedelta(microseconds=1)
        if want_us > ledger.end_us:
            assert got > ledger.end_us
        else:
            assert got == want_us


class TestCapacityUntil:
    @settings(max_examples=60, deadline=None)
    @example(hour=24 * 89, name="post:cxh-vanguard", zone=None)  # the day before April
    @given(
        st.integers(0, 364 * 24),
        st.sampled_from(
            sorted([p.id for p in XINHE.posts()] + [b.id for b in XINHE.bodies()] + ["street"])
        ),
        st.sampled_from([None, dt.UTC]),
    )
    def test_a_capacity_holds_until_the_staffing_changes(
        self, hour: int, name: str, zone: dt.tzinfo | None
    ) -> None:
        """The event loop reads a handler's capacity once per staffing, for as long as it holds.

        Xinhe's staffing changes on 1 April (the vanguard post is held from then).
        """
        from govmodel.simulation.engine import _Arrivals, _Draws, _Ledger

        scenario = Scenario(days=365, start=dt.datetime(2025, 1, 1, tzinfo=zone))
        ledger = _Ledger(
            XINHE,
            scenario,
            govmodel.DEFAULT_POLICY,
            _Arrivals([], [], [], [], []),
            _Draws(np.random.SeedSequence(0)),
        )
        assert len(ledger.epoch_days) > 1
        t = hour * 3_600_000_000 + 1_234
        capacity, until = ledger.capacity_until(name, t)
        assert until > t
        for moment in (t, (t + until) // 2, until - 1):
            if moment <= ledger.end_us:
                assert ledger.capacity(name, moment) == capacity
        # It holds exactly as long as the day's staffing: to the next change, or past the end.
        assert ledger.staffing(min(until - 1, ledger.end_us)) is ledger.staffing(t)
        if until <= ledger.end_us:
            assert ledger.staffing(until) is not ledger.staffing(until - 1)
        else:
            assert until == ledger.end_us + 1
            assert ledger.staffing(ledger.end_us) is ledger.staffing(t)


class TestHoursUs:
    @settings(max_examples=500, deadline=None)
    @example(hours=2.875e-08)  # what is left after the whole microseconds is exactly one half
    @example(hours=3.6805555555555555e-08)
    @example(hours=0.0)
    @example(hours=7.0)
    @given(st.floats(0.0, 1e6, allow_nan=False) | st.floats(0.0, 1e-6, allow_nan=False))
    def test_hours_in_microseconds_are_timedeltas(self, hours: float) -> None:
        """The working-time step converts hours as timedelta does, to the microsecond."""
        from govmodel.simulation.engine import _hours_us

        assert _hours_us(hours) == dt.timedelta(hours=hours) // dt.timedelta(microseconds=1)

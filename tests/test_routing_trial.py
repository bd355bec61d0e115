"""Tests for `govmodel.rules.routing` on the trial community, and its order-free properties.

``tests/data/trial.json`` is the community a trial of govmodel described (和平社区, not one of
the five bundled examples): a titled compound with an owners' committee, a property company and
a party branch meeting three-in-one (``compound:a``); an old no-title compound with a
self-management committee and no property company (``compound:b``); a titled compound with a
property company but no owners' committee (``compound:c``); police, fire and power departments
at the street. Each test of ``TestTrial`` is one finding of the trial, which the rules got wrong
before.
"""

import datetime as dt
import random
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import govmodel
from govmodel import (
    Accepted,
    Case,
    CaseEvent,
    Category,
    Channel,
    Domain,
    PlaceKind,
    Procedure,
    Reported,
    Routed,
    Scope,
    Structure,
    Tier,
    Urgency,
    escalate,
    examples,
    presence,
    replay,
    route,
    validate,
)
from govmodel.strategies import cases, structures

TRIAL = govmodel.load(Path(__file__).parent / "data" / "trial.json")
T = dt.datetime(2025, 5, 6, 9, 0)


def case(category: Category, place: str, **kw: Any) -> Case:
    return Case(id="case:trial", category=category, place=place, reported_at=T, **kw)


def without(s: Structure, *bodies: str) -> Structure:
    """``s`` without some bodies, their ties, and the meetings they sit in."""
    return s.evolve(
        bodies=[b for b in s.bodies() if b.id not in bodies],
        ties=[t for t in s.ties() if t.source not in bodies and t.target not in bodies],
        meetings=[m for m in s.meetings() if not {m.convener, *m.members} & set(bodies)],
    )


def overdue(s: Structure, c: Case) -> govmodel.Routing | None:
    """The escalation of ``c`` a minute after its first routing's due time."""
    first = route(s, c)
    state = replay([Reported(case=c, at=T), Routed(case_id=c.id, at=T, routing=first)])
    return escalate(s, state, now=first.due + dt.timedelta(minutes=1))


class TestTrial:
    def test_emergency_is_dispatched_at_once(self) -> None:
        """A gas smell goes to the power department at once, the grid worker beside it.

        Due in 2 hours (12345: life or property), not at the street in 12.
        """
        r = route(TRIAL, case(Category.UTILITIES, "building:a-1", urgency=Urgency.EMERGENCY))
        assert (r.tier, r.procedure, r.handler) == (Tier.WHISTLE, Procedure.EMERGENCY, "dept:power")
        assert r.co_handlers == ("post:a1-worker",)
        assert r.summoned == ("dept:power",)
        assert r.due == T + dt.timedelta(hours=2)

    def test_emergency_with_fire_dispatches_both(self) -> None:
        """With fire_safety too, fire and power are dispatched together, not whistled."""
        gas = case(
            Category.UTILITIES,
            "building:a-1",
            urgency=Urgency.EMERGENCY,
            domains=(Domain.UTILITIES, Domain.FIRE_SAFETY),
        )
        r = route(TRIAL, gas)
        assert r.procedure is Procedure.EMERGENCY
        assert set(r.summoned) == {"dept:fire", "dept:power"}
        assert r.due == T + dt.timedelta(hours=2)

    def test_overdue_emergency_goes_straight_to_the_street(self) -> None:
        """Overdue, or nobody on the spot within 30 minutes, an emergency goes to the street."""
        gas = case(Category.UTILITIES, "building:a-1", urgency=Urgency.EMERGENCY)
        later = overdue(TRIAL, gas)
        assert later is not None
        assert (later.tier, later.procedure, later.handler) == (
            Tier.STREET,
            Procedure.EMERGENCY,
            "so:heping",
        )
        first = route(TRIAL, gas)
        state = replay([Reported(case=gas, at=T), Routed(case_id=gas.id, at=T, routing=first)])
        assert escalate(TRIAL, state, now=T + dt.timedelta(minutes=29)) is None
        unanswered = escalate(TRIAL, state, now=T + dt.timedelta(minutes=31))
        assert unanswered is not None
        assert unanswered.tier is Tier.STREET
        assert unanswered.reason.startswith("nobody on the spot since 2025-05-06 09:30")
        answered = replay(
            [
                Reported(case=gas, at=T),
                Routed(case_id=gas.id, at=T, routing=first),
                Accepted(case_id=gas.id, at=T + dt.timedelta(minutes=20), actor="dept:power"),
            ]
        )
        assert escalate(TRIAL, answered, now=T + dt.timedelta(minutes=31)) is None

    def test_single_department_is_referred(self) -> None:
        """A hukou transfer taken at the window is referred to the police.

        The residents' committee stays owner; due in 7 working days (Tuesday 6 May to
        Thursday 15 May at the close), not whistled for 15.
        """
        hukou = case(
            Category.RESIDENCY, "community:heping", channel=Channel.WALK_IN, receiver="rc:heping"
        )
        r = route(TRIAL, hukou)
        assert (r.tier, r.procedure, r.handler, r.owner) == (
            Tier.WHISTLE,
            Procedure.REFERRAL,
            "dept:police",
            "rc:heping",
        )
        assert (r.summoned, r.convener, r.co_handlers) == ((), None, ())
        assert r.due == dt.datetime(2025, 5, 15, 17)
        power = route(TRIAL, case(Category.UTILITIES, "building:a-2"))
        assert (power.procedure, power.handler) == (Procedure.REFERRAL, "dept:power")

    def test_overdue_referral_becomes_a_whistle_order(self) -> None:
        """A referral running past its due is long-running: the party committee whistles."""
        later = overdue(TRIAL, case(Category.RESIDENCY, "building:a-1"))
        assert later is not None
        assert (later.tier, later.procedure, later.convener, later.summoned) == (
            Tier.WHISTLE,
            Procedure.WHISTLE,
            "party:heping",
            ("dept:police",),
        )

    def test_street_keeps_the_departments(self) -> None:
        """A whistle order still overdue goes to the street office with its department summoned.

        The street is the hub that coordinates departments (接诉即办): the police, summoned
        at the whistle, are not dropped when the street answers as the last resort.
        """
        c = case(Category.RESIDENCY, "building:a-1")
        first = route(TRIAL, c)
        log: list[CaseEvent] = [Reported(case=c, at=T), Routed(case_id=c.id, at=T, routing=first)]
        whistle = escalate(TRIAL, replay(log), now=first.due + dt.timedelta(minutes=1))
        assert whistle is not None
        at = first.due + dt.timedelta(minutes=1)
        log.append(Routed(case_id=c.id, at=at, routing=whistle))
        street = escalate(TRIAL, replay(log), now=whistle.due + dt.timedelta(minutes=1))
        assert street is not None
        assert (street.tier, street.procedure, street.summoned) == (
            Tier.STREET,
            Procedure.TRANSFER,
            ("dept:police",),
        )
        assert "dept:police summoned" in street.reason

    def test_supervisor_from_ties_and_fallback(self) -> None:
        """The owners' committee supervises the property company; else the residents'."""
        complaint = route(TRIAL, case(Category.SERVICE_QUALITY, "compound:a", scope=Scope.COMPOUND))
        assert complaint.supervisor == "oc:a"
        repair = route(TRIAL, case(Category.REPAIR, "building:a-1"))
        assert (repair.handler, repair.supervisor) == ("pm:a", "oc:a")
        at_c = route(TRIAL, case(Category.SERVICE_QUALITY, "compound:c", scope=Scope.COMPOUND))
        assert at_c.supervisor == "rc:heping"

    @pytest.mark.parametrize(
        ("category", "domains"),
        [
            (Category.LEAK, (Domain.PROPERTY_SERVICE, Domain.NEIGHBOUR_DISPUTE)),
            (Category.REPAIR, (Domain.PROPERTY_SERVICE,)),  # a broken streetlight
            (Category.SANITATION, (Domain.PROPERTY_SERVICE,)),  # piled-up garbage
        ],
    )
    def test_no_title_no_company_stays_in_the_community(
        self, category: Category, domains: tuple[Domain, ...]
    ) -> None:
        """In the no-title compound without a company, the self-management committee acts.

        Nothing falls to the street, and the leak keeps its neighbour dispute.
        """
        r = route(TRIAL, case(category, "building:b-1", scope=Scope.BUILDING))
        assert r.tier is Tier.COMPOUND
        assert "smc:b" in r.actors
        assert r.domains == domains

    def test_residents_committee_stands_in(self) -> None:
        """Without the self-management committee either, the residents' committee stands in."""
        r = route(without(TRIAL, "smc:b"), case(Category.REPAIR, "building:b-1"))
        assert (r.tier, r.handler) == (Tier.COMMUNITY, "rc:heping")

    def test_validate_names_street_only_compounds(self) -> None:
        """validate warns where nobody below the street could act on property matters."""
        assert not [v for v in validate(TRIAL) if v.code == "compound.street-only"]
        s = without(TRIAL, "smc:b", "rc:heping")
        found = [v for v in validate(s) if v.code == "compound.street-only"]
        # Without the residents' committee, compound:c has nobody to organise its owners'
        # decisions either.
        assert [v.nodes for v in found] == [("compound:b",), ("compound:c",)]
        assert "repair" in found[0].message
        assert "sanitation" in found[0].message
        assert "common_facility" in found[1].message
        assert "repair" not in found[1].message

    def test_validate_households_of_children(self) -> None:
        """validate warns when a place's children count more households than it does."""
        assert not [v for v in validate(TRIAL) if v.code == "place.households-exceed"]
        places = [
            attrs.evolve(p, households=50) if p.id == "compound:c" else p for p in TRIAL.places()
        ]
        found = [v for v in validate(TRIAL.evolve(places=places)) if v.code.startswith("place.")]
        assert [v.code for v in found] == ["place.households-exceed"]
        assert found[0].nodes == ("compound:c", "building:c-1", "building:c-2")

    def test_elevator_without_owners_committee(self) -> None:
        """An elevator in a titled compound without an owners' committee.

        The residents' committee organises the owners' decision under art. 278, not the street.
        """
        r = route(TRIAL, case(Category.COMMON_FACILITY, "compound:c", scope=Scope.COMPOUND))
        assert (r.tier, r.procedure, r.handler, r.rule) == (
            Tier.COMMUNITY,
            Procedure.DELIBERATION,
            "rc:heping",
            "civil_code_278",
        )
        assert r.co_handlers == ("pm:c",)

    def test_handler_does_not_depend_on_list_order(self) -> None:
        """Shuffled lists route a noise report to the same handler: the grid worker."""
        noise = case(Category.NOISE, "building:a-1")
        expected = route(TRIAL, noise)
        assert expected.handler == "post:a1-worker"
        for seed in range(5):
            assert route(shuffled(TRIAL, random.Random(seed)), noise) == expected

    def test_compound_and_building_see_one_compound_tier(self) -> None:
        """The same parking dispute routes alike at the compound and at one of its buildings."""
        at_compound = route(TRIAL, case(Category.PARKING, "compound:c", scope=Scope.COMPOUND))
        at_building = route(TRIAL, case(Category.PARKING, "building:c-1", scope=Scope.COMPOUND))
        assert at_compound.tier is at_building.tier is Tier.COMPOUND
        assert (at_compound.handler, at_compound.co_handlers) == (
            at_building.handler,
            at_building.co_handlers,
        )

    def test_overdue_whistle_reason(self) -> None:
        """An overdue whistle order's reason says no tier from the whistle up settled it."""
        later = overdue(TRIAL, case(Category.FIRE_LANE, "compound:a", scope=Scope.COMPOUND))
        assert later is not None
        assert later.tier is Tier.STREET
        assert "no tier from whistle up" in later.reason

    @pytest.mark.parametrize(
        ("place", "forum", "rule"),
        [
            ("compound:b", "meeting:four-party-b", "consultation"),
            ("compound:a", "meeting:three-in-one-a", "civil_code_278"),
        ],
    )
    def test_whistle_keeps_the_forum(self, place: str, forum: str, rule: str) -> None:
        """An owners' decision that also needs the police keeps its forum and rule."""
        both = case(
            Category.PROPERTY_FEES,
            place,
            scope=Scope.COMPOUND,
            domains=(Domain.OWNERS_DECISION, Domain.PUBLIC_SECURITY),
        )
        r = route(TRIAL, both)
        assert (r.procedure, r.forum, r.rule) == (Procedure.WHISTLE, forum, rule)
        alone = route(TRIAL, attrs.evolve(both, domains=(Domain.OWNERS_DECISION,)))
        assert (alone.forum, alone.rule) == (forum, rule)


# -- order-free and place-consistent ------------------------------------------------------


def shuffled(s: Structure, rng: random.Random) -> Structure:
    """The same structure with every list of its spec in another order."""

    def mix(value: Any) -> Any:
        if isinstance(value, list):
            items = [mix(v) for v in value]
            rng.shuffle(items)
            return items
        if isinstance(value, dict):
            return {k: mix(v) for k, v in value.items()}
        return value

    return govmodel.load(mix(govmodel.to_dict(s)))


@st.composite
def shuffled_pairs(draw: st.DrawFn) -> tuple[Structure, Structure, Case]:
    s = draw(structures())
    return s, shuffled(s, random.Random(draw(st.integers(0, 2**32)))), draw(cases(s))


class TestOrderFree:
    @given(shuffled_pairs())
    def test_shuffled_spec_routes_alike(self, triple: tuple[Structure, Structure, Case]) -> None:
        """Permuting every list of a spec leaves every routing unchanged."""
        s, mixed, c = triple
        assert route(mixed, c) == route(s, c)

    @pytest.mark.parametrize("name", [*examples.names(), "trial"])
    def test_shuffled_examples_route_alike(self, name: str) -> None:
        """On the bundled examples and the trial, a shuffled spec routes every place alike."""
        s = TRIAL if name == "trial" else examples.load(name)
        rng = random.Random(name)
        mixed = shuffled(s, rng)
        for place in s.places():
            for category in Category:
                for urgency in (Urgency.ROUTINE, Urgency.EMERGENCY):
                    c = case(category, place.id, scope=Scope.COMPOUND, urgency=urgency)
                    assert route(mixed, c) == route(s, c), (place.id, category)


class TestConsistentTiers:
    @settings(max_examples=60, deadline=None)
    @given(st.data())
    def test_compound_tier_is_the_compounds(self, data: st.DataObject) -> None:
        """Every place inside a compound sees the compound's own compound tier.

        A case settled there routes alike from the compound or any place inside it.
        """
        s = data.draw(structures())
        day = data.draw(st.dates(dt.date(2024, 1, 1), dt.date(2026, 12, 31)))
        for compound in s.places(kind=PlaceKind.COMPOUND):
            mine = {p.tier: set(p.actors) for p in presence(s, compound.id, at=day)}
            for place in s.places():
                if place.id == compound.id or s.enclosing(place.id, "compound") != compound:
                    continue
                theirs = {p.tier: set(p.actors) for p in presence(s, place.id, at=day)}
                assert theirs[Tier.COMPOUND] == mine[Tier.COMPOUND], place.id
                c = data.draw(cases(s))
                at = dt.datetime.combine(day, dt.time(9))
                # Not an emergency: its first co-handler is the grid worker of the place.
                here = attrs.evolve(
                    c, place=compound.id, reported_at=at, receiver=None, urgency=Urgency.ROUTINE
                )
                there = attrs.evolve(here, place=place.id)
                a, b = route(s, here), route(s, there)
                if a.tier is b.tier is Tier.COMPOUND:
                    assert (a.procedure, a.handler, a.co_handlers) == (
                        b.procedure,
                        b.handler,
                        b.co_handlers,
                    )

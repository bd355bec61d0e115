"""Tests for `govmodel.rules.routing`: route, ladder and presence."""

import datetime as dt

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

import govmodel
from govmodel import (
    DEFAULT_POLICY,
    Body,
    BodyKind,
    Case,
    Category,
    Channel,
    Domain,
    Meeting,
    Policy,
    Post,
    Procedure,
    Routing,
    Scope,
    Structure,
    Tier,
    UnknownNodeError,
    Urgency,
    examples,
    ladder,
    presence,
    route,
)
from govmodel.rules import reference
from govmodel.rules.routing import required_domains
from govmodel.strategies import cases, structures

T = dt.datetime(2025, 5, 6, 9, 0)


def case_at(place: str, category: Category, scope: Scope = Scope.BUILDING, **kw: object) -> Case:
    return Case(id="c", category=category, place=place, reported_at=T, scope=scope, **kw)  # type: ignore[arg-type]


def actor_domains(
    s: Structure, actor: str, routing: Routing, policy: Policy, place: str | None = None
) -> frozenset[Domain]:
    """The domains an actor of a routing holds under a policy, at ``place``.

    Where no property company serves the place's compound, its self-management committee
    organises repairs, else the residents' committee stands in; a body organising an
    owners' decision holds it.
    """
    record = s.node(actor)
    if isinstance(record, Post):
        return policy.role_domains.get(record.role, frozenset())
    if isinstance(record, Body):
        held = (
            frozenset(record.domains)
            if record.domains is not None
            else policy.body_domains.get(record.kind, frozenset())
        )
        compound = s.enclosing(place, "compound") if place is not None else None
        if compound is not None:
            own = (*s.serving(compound.id), *s.answering_for(compound.id))
            kinds = {b.kind for b in own}
            if BodyKind.PROPERTY_COMPANY not in kinds and (
                record.kind is BodyKind.SELF_MANAGEMENT_COMMITTEE
                or (
                    record.kind is BodyKind.RESIDENTS_COMMITTEE
                    and BodyKind.SELF_MANAGEMENT_COMMITTEE not in kinds
                )
            ):
                held |= {Domain.PROPERTY_SERVICE}
        organisers = (BodyKind.RESIDENTS_COMMITTEE, BodyKind.SELF_MANAGEMENT_COMMITTEE)
        if routing.rule is not None and (
            routing.handler == actor
            or actor in routing.co_handlers[:1]
            or record.kind in organisers
        ):
            held |= {Domain.OWNERS_DECISION}
        return held
    if isinstance(record, Meeting):
        # A standing joint meeting settles residents' common affairs (难事联办);
        # the forum of a consultation stands for the households' decision.
        held = policy.meeting_domains
        if routing.rule == "consultation" and routing.forum == actor:
            held = held | {Domain.OWNERS_DECISION}
        return held
    return frozenset()


def structures_with_cases() -> st.SearchStrategy[tuple[Structure, Case]]:
    return structures().flatmap(lambda s: st.tuples(st.just(s), cases(s)))


class TestRouteProperties:
    @given(structures_with_cases())
    def test_total_and_deterministic(self, pair: tuple[Structure, Case]) -> None:
        """route gives a routing for every case, the same one on a fresh copy of the structure."""
        s, case = pair
        first = route(s, case)
        assert route(s, case) == first
        assert route(govmodel.load(govmodel.to_dict(s)), case) == first
        assert first.ladder[-1] is Tier.STREET
        assert first.tier in first.ladder

    @given(structures_with_cases())
    def test_lowest_covering_tier(self, pair: tuple[Structure, Case]) -> None:
        """No tier below the chosen one reaches the scope and holds the required domains.

        Who is present at each tier comes from the reference rules, not from the tables
        route itself reads. An emergency that a department holds part of is dispatched to
        it whatever the grid tiers hold (接诉即办).
        """
        s, case = pair
        r = route(s, case)
        need = required_domains(case)
        if r.procedure is Procedure.EMERGENCY and r.summoned:
            return
        for p in reference.presence(s, case.place, at=case.reported_at.date()):
            if p.tier >= r.tier or p.tier in (Tier.WHISTLE, Tier.STREET):
                continue
            assert not (p.reach >= case.scope and need <= p.domains), p

    @given(structures_with_cases())
    def test_actors_hold_domains_and_answer_for_place(self, pair: tuple[Structure, Case]) -> None:
        """Handler, co-handlers and summoned hold the required domains and are at the place."""
        s, case = pair
        r = route(s, case)
        need = required_domains(case)
        tiers = presence(s, case.place, at=case.reported_at.date())
        present = {a for p in tiers if p.tier <= r.tier for a in p.actors}
        held: set[Domain] = set()
        for actor in r.actors:
            assert actor in present, (actor, r)
            held |= actor_domains(s, actor, r, DEFAULT_POLICY, case.place)
        if r.rule == "consultation" and r.forum is not None:
            held.add(Domain.OWNERS_DECISION)  # the households decide, consulted in the forum
        if r.handler is not None:
            assert need <= held, (need, held, r)

    @given(structures_with_cases())
    def test_due_and_owner(self, pair: tuple[Structure, Case]) -> None:
        """Due comes from the policy's limit for tier and urgency; the receiver owns the case."""
        s, case = pair
        r = route(s, case)
        due = DEFAULT_POLICY.due(r.tier, case.urgency, case.reported_at)
        if r.procedure is Procedure.DELIBERATION:
            floor = DEFAULT_POLICY.deadline(case.reported_at, DEFAULT_POLICY.deliberation_limit)
            due = max(due, floor)
        elif r.procedure is Procedure.REFERRAL:
            cap = DEFAULT_POLICY.deadline(case.reported_at, DEFAULT_POLICY.referral_limit)
            due = min(due, cap)
        assert r.due == due
        if case.receiver is not None:
            assert r.owner == case.receiver
        assert r.reason

    @given(structures_with_cases())
    def test_beyond_goes_to_street(self, pair: tuple[Structure, Case]) -> None:
        """A matter reaching beyond the community goes to the street office.

        Not an emergency: that is dispatched to the departments whatever its scope.
        """
        s, case = pair
        r = route(s, attrs.evolve(case, scope=Scope.BEYOND, urgency=Urgency.ROUTINE))
        assert r.tier is Tier.STREET
        assert r.handler == "so:s"

    @given(structures_with_cases())
    def test_does_not_mutate(self, pair: tuple[Structure, Case]) -> None:
        """route changes neither the structure nor the case."""
        s, case = pair
        before = (govmodel.to_dict(s), case)
        route(s, case)
        assert (govmodel.to_dict(s), case) == before


class TestRouteXinhe:
    @pytest.fixture
    def s(self) -> Structure:
        return examples.load("xinhe")

    def test_micro_grid_on_the_spot(self, s: Structure) -> None:
        """小事不出楼栋: a noise complaint in a building is settled in its micro-grid."""
        r = route(s, case_at("building:wanda-1", Category.NOISE))
        assert (r.tier, r.procedure, r.handler) == (
            Tier.MICRO_GRID,
            Procedure.ON_THE_SPOT,
            "post:grid-wanda-a-worker",
        )
        assert r.owner == "post:grid-wanda-a-worker"

    def test_scope_lifts_tier(self, s: Structure) -> None:
        """The same matter at compound scope is beyond the micro-grid's reach."""
        r = route(s, case_at("building:wanda-1", Category.NOISE, Scope.COMPOUND))
        assert r.tier is Tier.COMPOUND

    def test_transfer_to_property(self, s: Structure) -> None:
        """快速转: a repair goes to the property company at compound tier."""
        r = route(s, case_at("building:wanda-1", Category.REPAIR))
        assert (r.tier, r.procedure, r.handler) == (Tier.COMPOUND, Procedure.TRANSFER, "pm:cxh")
        assert r.owner == "post:grid-wanda-a-worker"

    def test_mediation(self, s: Structure) -> None:
        """A neighbour dispute needing legal advice goes to the 心合心 mediation room."""
        c = case_at(
            "building:wanda-2",
            Category.LEAK,
            Scope.COMMUNITY,
            domains=(Domain.NEIGHBOUR_DISPUTE, Domain.LEGAL),
        )
        r = route(s, c)
        assert (r.tier, r.procedure, r.handler) == (
            Tier.COMMUNITY,
            Procedure.MEDIATION,
            "mediation:xinhexin",
        )

    def test_whistle(self, s: Structure) -> None:
        """红色吹哨单: a blocked fire lane summons the fire brigade; the party committee calls."""
        r = route(s, case_at("compound:wanda", Category.FIRE_LANE, Scope.COMPOUND))
        assert (r.tier, r.procedure) == (Tier.WHISTLE, Procedure.WHISTLE)
        assert r.handler == "dept:fire"
        assert r.summoned == ("dept:fire",)
        assert r.convener == "party:xinhe"
        assert r.co_handlers == ("pm:cxh",)

    def test_deliberation_civil_code(self, s: Structure) -> None:
        """A common-facility change with an owners' committee is decided under art. 278."""
        r = route(s, case_at("compound:wanda", Category.COMMON_FACILITY, Scope.COMPOUND))
        assert (r.tier, r.procedure, r.handler, r.rule) == (
            Tier.COMPOUND,
            Procedure.DELIBERATION,
            "oc:wanda",
            "civil_code_278",
        )

    def test_walk_in_on_the_spot(self, s: Structure) -> None:
        """现场能办的马上办: a first contact holding every domain handles it on the spot."""
        c = case_at(
            "community:xinhe",
            Category.INQUIRY,
            Scope.COMMUNITY,
            channel=Channel.WALK_IN,
            receiver="rc:xinhe",
        )
        r = route(s, c)
        assert (r.procedure, r.handler, r.owner) == (Procedure.ON_THE_SPOT, "rc:xinhe", "rc:xinhe")

    def test_street_last_resort(self, s: Structure) -> None:
        """属地兜底: a road matter no one in Xinhe holds goes to the street office."""
        r = route(s, case_at("compound:wanda", Category.ROADS, Scope.COMPOUND))
        assert (r.tier, r.handler) == (Tier.STREET, "so:xinhua")
        assert "no one in the community holds urban_management" in r.reason

    def test_vacant_post_is_absent(self, s: Structure) -> None:
        """Before anyone holds a grid post, the grids settle nothing.

        Xinhe's grid posts are held from 2025-01-01; earlier, the dispute goes to the
        community, whose bodies are always present.
        """
        early = Case(
            id="c",
            category=Category.NOISE,
            place="building:wanda-1",
            reported_at=dt.datetime(2024, 12, 1),
            scope=Scope.BUILDING,
        )
        r = route(s, early)
        assert (r.tier, r.procedure) == (Tier.COMMUNITY, Procedure.MEDIATION)
        assert r.owner == r.handler  # no grid worker in post yet to own it

    def test_unknown_place(self, s: Structure) -> None:
        """A case at an unknown place raises UnknownNodeError."""
        with pytest.raises(UnknownNodeError):
            route(s, case_at("building:nowhere", Category.NOISE))


class TestRouteZhuanqiao:
    def test_consultation_through_four_party_meeting(self) -> None:
        """No-title compound: a fee change is decided by consulting households (征询)."""
        s = examples.load("zhuanqiao")
        r = route(s, case_at("compound:dongbei", Category.PROPERTY_FEES, Scope.COMPOUND))
        assert r.procedure is Procedure.DELIBERATION
        assert r.rule == "consultation"
        assert r.handler is not None
        assert s.body(r.handler).kind.value == "self_management_committee"
        assert r.forum is not None
        assert isinstance(s.node(r.forum), Meeting)

    def test_whole_compound_micro_grid(self) -> None:
        """A micro-grid covering a whole compound settles compound-scope matters (西门拥堵)."""
        s = examples.load("zhuanqiao")
        r = route(s, case_at("compound:jiahe", Category.ACCESS, Scope.COMPOUND))
        assert (r.tier, r.procedure) == (Tier.MICRO_GRID, Procedure.ON_THE_SPOT)
        assert r.handler is not None
        assert s.post(r.handler).within == "grid:jiahe-micro"


class TestLadder:
    def test_building(self) -> None:
        """A building's ladder climbs micro-grid, compound, community, whistle, street."""
        assert ladder(examples.load("xinhe"), "building:wanda-1") == tuple(Tier)

    def test_community(self) -> None:
        """A community place has no micro-grid or compound tier."""
        assert ladder(examples.load("xinhe"), "community:xinhe") == (
            Tier.COMMUNITY,
            Tier.WHISTLE,
            Tier.STREET,
        )

    @given(structures())
    def test_always_ends_at_street(self, s: Structure) -> None:
        """Every place's ladder is increasing and ends at street."""
        for place in s.places():
            steps = ladder(s, place.id)
            assert steps[-1] is Tier.STREET
            assert list(steps) == sorted(steps)
            assert len(set(steps)) == len(steps)


class TestPresence:
    def test_tiers_match_ladder(self) -> None:
        """presence lists exactly the tiers of the ladder."""
        s = examples.load("xinhe")
        tiers = presence(s, "building:wanda-3", at=T.date())
        assert tuple(p.tier for p in tiers) == ladder(s, "building:wanda-3")
        assert tiers[-1].actors == ("so:xinhua",)

    def test_higher_tiers_include_lower(self) -> None:
        """难事联办: the community tier can call on the compound's property company."""
        tiers = presence(examples.load("xinhe"), "building:wanda-3", at=T.date())
        community = next(p for p in tiers if p.tier is Tier.COMMUNITY)
        assert "pm:cxh" in community.actors
        assert Domain.PROPERTY_SERVICE in community.domains


class TestRouteInput:
    def test_unknown_receiver(self) -> None:
        """A receiver that is not a post, body or person of the structure is refused."""
        s = examples.load("xinhe")
        for receiver in ("nobody", "compound:wanda"):
            with pytest.raises(UnknownNodeError):
                route(s, case_at("building:wanda-1", Category.NOISE, receiver=receiver))


class TestDueOnTheCalendar:
    """What users found: due times were wall-clock, landing in the National Day holiday."""

    REPORTED = dt.datetime(2025, 9, 30, 17, 0)  # Tuesday, the eve of the 1–8 October holiday

    def test_routine_repair_is_due_after_the_holiday(self) -> None:
        """A compound repair is due on Saturday 11 October (worked, 调休), not 3 October."""
        s = examples.load("xinhe")
        door = Case(
            id="c",
            category=Category.REPAIR,
            place="building:wanda-3",
            reported_at=self.REPORTED,
            scope=Scope.BUILDING,
        )
        r = route(s, door)
        assert r.tier is Tier.COMPOUND
        assert r.due == dt.datetime(2025, 10, 11, 17, 0)
        assert r.due == reference.route(s, door).due

    def test_every_routine_due_is_a_working_time(self) -> None:
        """No routine due time falls on a day off (deliberations count calendar days)."""
        s = examples.load("xinhe")
        calendar = DEFAULT_POLICY.calendar
        for category in Category:
            for scope in Scope:
                case = Case(
                    id="c",
                    category=category,
                    place="building:wanda-3",
                    reported_at=self.REPORTED,
                    scope=scope,
                )
                r = route(s, case)
                if r.procedure is Procedure.DELIBERATION:
                    continue
                due = r.due
                assert calendar.is_working_day(due.date()), (category, scope, due)
                assert due > dt.datetime(2025, 10, 8, 23, 59)

    def test_emergencies_run_round_the_clock(self) -> None:
        """An emergency keeps its hours through the holiday."""
        s = examples.load("xinhe")
        leak = Case(
            id="c",
            category=Category.LEAK,
            place="building:wanda-3",
            reported_at=self.REPORTED,
            scope=Scope.BUILDING,
            urgency="emergency",
        )
        assert route(s, leak).due - self.REPORTED <= dt.timedelta(hours=12)

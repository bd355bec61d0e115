"""Tests for the tables behind `route` and `escalate`: caching and sharing change nothing.

`route` keeps its tables on the structure, shares plans between places of one shape and
fills them with each place's ids, and keeps what each place was routed to. These tests
check that none of that shows: a case routes the same on a fresh structure as on one that
has routed other cases, with shapes shared or not, in any order; and so does an escalation.
"""

import datetime as dt
import pickle

import attrs
from hypothesis import given
from hypothesis import strategies as st

from govmodel import (
    DEFAULT_POLICY,
    Appointment,
    Body,
    BodyKind,
    Case,
    CaseEvent,
    CaseState,
    Category,
    Domain,
    Grid,
    GridLevel,
    Person,
    Place,
    PlaceKind,
    Post,
    Procedure,
    Reopened,
    Reported,
    Resolved,
    Revisited,
    Role,
    Routed,
    Routing,
    Scope,
    Structure,
    Tier,
    Urgency,
    escalate,
    presence,
    replay,
    route,
)
from govmodel.cases import Accepted
from govmodel.rules import reference
from govmodel.rules.routing import tables_for
from govmodel.rules.routing._fast_routing import (
    _routing_by_draft,
    _routing_by_slots,
    new_routing,
    routing_by_constructor,
)
from govmodel.rules.routing._tables import Tables
from govmodel.strategies import cases, structures

T = dt.datetime(2025, 5, 6, 9, 0)


def copy(s: Structure, *, share: bool = True) -> Structure:
    """The same structure as a new object, with no tables yet (and shapes unshared if asked)."""
    fresh = Structure(name=s.name, name_zh=s.name_zh, **s.records())
    tables_for(fresh, DEFAULT_POLICY, share=share)
    return fresh


def structures_with_case_lists() -> st.SearchStrategy[tuple[Structure, list[Case]]]:
    return structures(max_compounds=3, max_buildings=4).flatmap(
        lambda s: st.tuples(st.just(s), st.lists(cases(s), min_size=1, max_size=25))
    )


def states(
    s: Structure, case: Case, found: tuple[Domain, ...]
) -> list[tuple[CaseState, dt.datetime]]:
    """The case overdue, and reopened after a visit that found ``found``."""
    first = route(s, case)
    t = case.reported_at
    reported: list[CaseEvent] = [
        Reported(case=case, at=t),
        Routed(case_id=case.id, at=t, routing=first),
    ]
    actor = first.handler or "nobody"
    later = t + dt.timedelta(days=3)
    reopened = [
        *reported,
        Accepted(case_id=case.id, at=t, actor=actor),
        Resolved(case_id=case.id, at=t + dt.timedelta(hours=2), actor=actor),
        Revisited(case_id=case.id, at=later, actor=actor, satisfied=False, found=found),
        Reopened(case_id=case.id, at=later, actor="post:a", reason="again", domains=found),
    ]
    return [(replay(reported), first.due + dt.timedelta(minutes=1)), (replay(reopened), later)]


class TestCaching:
    @given(structures_with_case_lists())
    def test_fresh_equals_warm(self, pair: tuple[Structure, list[Case]]) -> None:
        """A case routes the same on a fresh structure as after other cases, in any order."""
        s, batch = pair
        forward = [route(s, case) for case in batch]
        backward = copy(s)
        assert [route(backward, case) for case in reversed(batch)] == forward[::-1]
        for case, expected in zip(batch[:3], forward, strict=False):
            assert route(copy(s), case) == expected

    @given(structures_with_case_lists())
    def test_sharing_is_exact(self, pair: tuple[Structure, list[Case]]) -> None:
        """Plans shared by the places of a shape give what each place's own plans give."""
        s, batch = pair
        unshared = copy(s, share=False)
        for case in batch:
            assert route(s, case) == route(unshared, case)
            day = case.reported_at.date()
            assert presence(s, case.place, at=day) == presence(unshared, case.place, at=day)

    @given(structures_with_case_lists(), st.lists(st.sampled_from(list(Domain)), max_size=2))
    def test_escalations_fresh_warm_shared(
        self, pair: tuple[Structure, list[Case]], found: list[Domain]
    ) -> None:
        """Escalations, overdue or reopened with a new domain, agree whatever the tables."""
        s, batch = pair
        unshared = copy(s, share=False)
        for case in batch:
            for state, now in states(s, case, tuple(found)):
                expected = escalate(copy(s), state, now=now)
                assert escalate(s, state, now=now) == expected
                assert escalate(unshared, state, now=now) == expected


def street_of_alike_buildings(n: int) -> Structure:
    """A compound of ``n`` buildings, alike but for their ids and their workers' terms.

    Building i's worker holds the post from day i of 2025; every third one left after a
    year; the fourth building's post is vacant.
    """
    places = [
        Place(id="street:s", kind=PlaceKind.STREET),
        Place(id="community:c", kind=PlaceKind.COMMUNITY, parent="street:s"),
        Place(id="compound:a", kind=PlaceKind.COMPOUND, parent="community:c"),
    ]
    grids = [
        Grid(id="grid:c", level=GridLevel.COMMUNITY, covers=("community:c",)),
        Grid(id="grid:a", level=GridLevel.COMPOUND, parent="grid:c", covers=("compound:a",)),
    ]
    people = [Person(id="person:lead")]
    posts = [Post(id="post:lead", role=Role.GRID_LEADER, within="grid:a")]
    appointments = [Appointment(person="person:lead", post="post:lead", start=dt.date(2024, 1, 1))]
    for i in range(n):
        places.append(Place(id=f"building:{i}", kind=PlaceKind.BUILDING, parent="compound:a"))
        places.append(Place(id=f"unit:{i}-1", kind=PlaceKind.UNIT, parent=f"building:{i}"))
        grids.append(
            Grid(id=f"grid:{i}", level=GridLevel.MICRO, parent="grid:a", covers=(f"building:{i}",))
        )
        posts.append(Post(id=f"post:{i}", role=Role.MICRO_GRID_WORKER, within=f"grid:{i}"))
        if i != 3:
            start = dt.date(2025, 1, 1) + dt.timedelta(days=i)
            end = start + dt.timedelta(days=365) if i % 3 == 0 else None
            people.append(Person(id=f"person:{i}"))
            appointments.append(
                Appointment(person=f"person:{i}", post=f"post:{i}", start=start, end=end)
            )
    bodies = [
        Body(id="so:s", kind=BodyKind.STREET_OFFICE, jurisdiction=("street:s",)),
        Body(id="party:c", kind=BodyKind.PARTY_COMMITTEE, jurisdiction=("community:c",)),
        Body(id="rc:c", kind=BodyKind.RESIDENTS_COMMITTEE, jurisdiction=("community:c",)),
        Body(id="pm:a", kind=BodyKind.PROPERTY_COMPANY, serves=("compound:a",)),
        Body(id="oc:a", kind=BodyKind.OWNERS_COMMITTEE, jurisdiction=("compound:a",)),
        Body(
            id="dept:fire",
            kind=BodyKind.DEPARTMENT,
            domains=(Domain.FIRE_SAFETY,),
            jurisdiction=("street:s",),
        ),
    ]
    return Structure(
        name="alike",
        places=places,
        grids=grids,
        bodies=bodies,
        people=people,
        posts=posts,
        appointments=appointments,
    )


ALIKE = street_of_alike_buildings(12)


class TestShapes:
    def test_alike_buildings_share_a_shape(self) -> None:
        """Buildings of one compound share the part above their micro-grid and one shape.

        The compound tier names every micro-grid post of the compound; each building's
        micro-grid part names its own posts by its own slots all the same, so the
        buildings differ only in their ids, not in which of the compound's posts is
        theirs.
        """
        s = copy(ALIKE)
        for i in range(12):
            route(s, Case(id="c", category=Category.NOISE, place=f"building:{i}", reported_at=T))
        index = tables_for(s, DEFAULT_POLICY)
        tables = [index.places[f"building:{i}"] for i in range(12)]
        assert len({id(t.second) for t in tables}) == 1
        assert all(t.first.ids == (f"grid:{i}", f"post:{i}") for i, t in enumerate(tables))
        assert all(t.inner for t in tables)
        assert len({id(t.shape) for t in tables}) == 1
        assert len({t.ids for t in tables}) == 12
        assert index.place("unit:5-1") is tables[5]

    @given(
        cases(
            ALIKE,
            reported_at=st.datetimes(dt.datetime(2024, 12, 1), dt.datetime(2026, 3, 1)),
        )
    )
    def test_alike_buildings_route_as_their_own(self, case: Case) -> None:
        """On any day, before, during or after a worker's term, sharing changes nothing."""
        expected = route(copy(ALIKE, share=False), case)
        assert route(ALIKE, case) == expected
        if case.receiver is None:
            building = case.place.removeprefix("unit:").split("-")[0]
            if case.place.startswith(("building:", "unit:")) and building.isdigit():
                worker = f"post:{building}"
                present = any(
                    a.active(case.reported_at.date())
                    for a in ALIKE.appointments()
                    if a.post == worker
                )
                if present and expected.tier is Tier.MICRO_GRID:
                    assert expected.owner == worker

    def test_an_emergency_crew_names_each_post_once(self) -> None:
        """A post that both parts of a building name is in an emergency's crew once.

        With no grid leader at the compound, the first building's worker is the one the
        compound tier calls on for a neighbour dispute, and the worker on the spot too:
        the building's shape names them by two slots, the routing by one id.
        """
        s = street_of_alike_buildings(5)
        s = s.evolve(
            posts=[p for p in s.posts() if p.id != "post:lead"],
            appointments=[a for a in s.appointments() if a.post != "post:lead"],
        )
        for category in Category:
            for scope in Scope:
                for i in range(5):
                    case = Case(
                        id="e",
                        category=category,
                        place=f"building:{i}",
                        reported_at=T,
                        scope=scope,
                        urgency=Urgency.EMERGENCY,
                    )
                    assert route(s, case) == reference.route(s, case)
        leak = Case(
            id="e",
            category=Category.LEAK,
            place="building:0",
            reported_at=T,
            scope=Scope.HOUSEHOLD,
            urgency=Urgency.EMERGENCY,
        )
        routing = route(s, leak)
        assert (routing.tier, routing.handler) == (Tier.COMPOUND, "pm:a")
        assert routing.co_handlers == ("post:0",)

    def test_units_route_as_their_building(self) -> None:
        """A unit nothing answers for alone routes as its building."""
        for i in (0, 3, 7):
            for category in (Category.NOISE, Category.REPAIR, Category.FIRE_LANE):
                at_unit = Case(id="u", category=category, place=f"unit:{i}-1", reported_at=T)
                at_building = attrs.evolve(at_unit, place=f"building:{i}")
                assert route(ALIKE, at_unit) == route(ALIKE, at_building)

    def test_vacant_and_ended_terms(self) -> None:
        """A worker routes a noise before their term ends, the compound after."""
        s = ALIKE
        noise = Case(
            id="c",
            category=Category.NOISE,
            place="building:6",
            reported_at=dt.datetime(2025, 6, 1),
            scope=Scope.BUILDING,
        )
        assert (route(s, noise).tier, route(s, noise).handler) == (Tier.MICRO_GRID, "post:6")
        after = attrs.evolve(noise, reported_at=dt.datetime(2026, 2, 1))
        assert route(s, after).tier is Tier.COMPOUND
        vacant = attrs.evolve(noise, place="building:3")
        assert route(s, vacant).tier is Tier.COMPOUND
        assert route(s, vacant).procedure is Procedure.TRANSFER


# Four of these hold the same domains but come in a different order as owners.
MICRO_ROLES = [
    Role.MICRO_GRID_WORKER,
    Role.GRID_WORKER,
    Role.BUILDING_GROUP_LEADER,
    Role.PARTY_SECOND_LEADER,
    Role.BUILDING_STEWARD,
    Role.RED_PROPERTY_SPECIALIST,
]
TERMS = st.tuples(
    st.dates(dt.date(2024, 6, 1), dt.date(2026, 6, 1)),
    st.none() | st.none() | st.integers(0, 400),
)


@st.composite
def varied_streets(draw: st.DrawFn) -> Structure:
    """A compound of buildings whose micro-grids differ in the order of their posts and terms.

    Some units have a grid or a department of their own; some buildings have none.
    """
    s = street_of_alike_buildings(0)
    places, grids, posts = list(s.places()), list(s.grids()), list(s.posts())
    people, appointments, bodies = list(s.people()), list(s.appointments()), list(s.bodies())
    # The buildings' posts: one list of roles, in another order in each micro-grid.
    roles = draw(st.lists(st.sampled_from(MICRO_ROLES), min_size=1, max_size=3))
    for i in range(draw(st.integers(2, 6))):
        building = f"building:{i}"
        places.append(Place(id=building, kind=PlaceKind.BUILDING, parent="compound:a"))
        unit = f"unit:{i}-1"
        places.append(Place(id=unit, kind=PlaceKind.UNIT, parent=building))
        if draw(st.integers(0, 5)):
            grids.append(
                Grid(id=f"grid:{i}", level=GridLevel.MICRO, parent="grid:a", covers=(building,))
            )
            for j, role in enumerate(draw(st.permutations(roles))):
                post = f"post:{i}-{j}"
                posts.append(Post(id=post, role=role, within=f"grid:{i}"))
                for k, (start, days) in enumerate(draw(st.lists(TERMS, min_size=1, max_size=2))):
                    person = f"person:{i}-{j}-{k}"
                    end = None if days is None else start + dt.timedelta(days=days)
                    people.append(Person(id=person))
                    appointments.append(Appointment(person=person, post=post, start=start, end=end))
        if draw(st.integers(0, 4)) == 0:
            bodies.append(
                Body(
                    id=f"dept:{i}",
                    kind=BodyKind.DEPARTMENT,
                    domains=(draw(st.sampled_from(list(Domain))),),
                    jurisdiction=(draw(st.sampled_from([building, unit])),),
                )
            )
    return Structure(
        name="varied",
        places=places,
        grids=grids,
        bodies=bodies,
        people=people,
        posts=posts,
        appointments=appointments,
    )


def streets_with_case_lists() -> st.SearchStrategy[tuple[Structure, list[Case]]]:
    """A varied street and cases mostly at its buildings and units, mostly with no receiver."""
    moments = st.datetimes(dt.datetime(2024, 5, 1), dt.datetime(2027, 6, 1))

    def at_homes(s: Structure) -> st.SearchStrategy[Case]:
        homes = [p.id for p in s.places() if p.kind in (PlaceKind.BUILDING, PlaceKind.UNIT)]
        return st.tuples(cases(s, reported_at=moments), st.sampled_from(homes), st.booleans()).map(
            lambda t: attrs.evolve(t[0], place=t[1], receiver=t[0].receiver if t[2] else None)
        )

    return varied_streets().flatmap(
        lambda s: st.tuples(
            st.just(s),
            st.lists(cases(s, reported_at=moments) | at_homes(s), min_size=1, max_size=30),
        )
    )


class TestVariedStreets:
    def test_owner_order_is_part_of_the_shape(self) -> None:
        """Micro-grids whose posts hold alike but own cases in another order do not mix."""
        s = street_of_alike_buildings(2)
        start = dt.date(2024, 1, 1)
        s = s.evolve(
            posts=(
                *s.posts(),
                Post(id="post:0-leader", role=Role.BUILDING_GROUP_LEADER, within="grid:0"),
                Post(id="post:1-leader", role=Role.BUILDING_GROUP_LEADER, within="grid:1"),
            ),
            people=(*s.people(), Person(id="person:l0"), Person(id="person:l1")),
            appointments=(
                *s.appointments(),
                Appointment(person="person:l0", post="post:0-leader", start=start),
                Appointment(person="person:l1", post="post:1-leader", start=start),
            ),
        )
        # Building 0's grid lists its worker first, building 1's its group leader first.
        s = s.evolve(posts=sorted(s.posts(), key=lambda p: p.id != "post:1-leader"))
        shared, unshared = copy(s), copy(s, share=False)
        for place in ("building:0", "building:1"):
            repair = Case(id="c", category=Category.REPAIR, place=place, reported_at=T)
            owner = route(shared, repair).owner
            assert owner == route(unshared, repair).owner
            assert owner == f"post:{place[-1]}"

    @given(streets_with_case_lists())
    def test_sharing_is_exact(self, pair: tuple[Structure, list[Case]]) -> None:
        """Buildings sharing a shape route as each would on its own, on any day."""
        s, batch = pair
        unshared = copy(s, share=False)
        for case in batch:
            assert route(s, case) == route(unshared, case)
        for case in reversed(batch):
            for state, now in states(s, case, (Domain.LEGAL,)):
                assert escalate(s, state, now=now) == escalate(unshared, state, now=now)


class TestContexts:
    @given(structures(max_compounds=3, max_buildings=3))
    def test_contexts_are_the_structure_queries(self, s: Structure) -> None:
        """What a place takes from above it equals the structure's own queries."""
        contexts = Tables(s, DEFAULT_POLICY).contexts
        for place in s.places():
            ctx = contexts.context(place)
            direct = contexts.direct_context(place)
            assert ctx == direct
            assert ctx.lineage == s.ancestors(place.id)
            assert ctx.chain == s.grid_chain(place.id)
            if place.id in contexts.covering:
                assert contexts.grid_chain(place.id) == s.grid_chain(place.id)


class TestCheapRouting:
    @given(
        st.sampled_from(list(Tier)),
        st.sampled_from(list(Procedure)),
        st.none() | st.text(max_size=5),
        st.none() | st.text(max_size=5),
        st.datetimes(),
        st.lists(st.text(max_size=3), max_size=3).map(tuple),
        st.sampled_from([None, "civil_code_278", "consultation"]),
    )
    def test_equals_the_constructor(
        self,
        tier: Tier,
        procedure: Procedure,
        handler: str | None,
        owner: str | None,
        due: dt.datetime,
        names: tuple[str, ...],
        rule: str | None,
    ) -> None:
        """The Routing route builds by setting slots equals the one its constructor builds."""
        values = (
            tier,
            procedure,
            handler,
            owner,
            due,
            names,
            names[:1],
            owner,
            (tier, Tier.STREET),
            "why",
            (Domain.LEGAL,),
            handler,
            rule,
        )
        slow = routing_by_constructor(*values)
        by_slots = _routing_by_slots()
        assert by_slots is not None
        for make in (new_routing, _routing_by_draft, by_slots):
            fast = make(*values)
            assert type(fast) is Routing
            assert fast == slow
            assert hash(fast) == hash(slow)
            assert repr(fast) == repr(slow)
            assert attrs.asdict(fast) == attrs.asdict(slow)
            assert pickle.loads(pickle.dumps(fast)) == slow

    def test_the_draft_is_the_way_taken(self) -> None:
        """route builds its Routing from a draft: Routing's layout still allows it."""
        assert new_routing is _routing_by_draft

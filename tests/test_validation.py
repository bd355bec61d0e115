"""Tests for `govmodel.validation`: every whole-structure rule, each able to fail."""

import datetime as dt
from typing import Any, TypeVar

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from govmodel import Severity, Structure, Violation, examples, validate
from govmodel.model import (
    Appointment,
    Body,
    BodyKind,
    Grid,
    GridLevel,
    Meeting,
    Person,
    Place,
    PlaceKind,
    Post,
    Role,
    Tie,
    TieKind,
)
from govmodel.strategies import structures
from govmodel.validation import locate

R = TypeVar("R", Place, Grid, Body, Post, Meeting)


@pytest.fixture
def xinhe() -> Structure:
    return examples.load("xinhe")


def codes(s: Structure) -> set[str]:
    return {v.code for v in validate(s)}


def replace(records: tuple[R, ...], record_id: str, **changes: Any) -> list[R]:
    """The records, with the one of id `record_id` changed."""
    return [attrs.evolve(r, **changes) if r.id == record_id else r for r in records]


class TestClean:
    @pytest.mark.parametrize("name", examples.names())
    def test_examples_clean(self, name: str) -> None:
        """Every bundled community validates with no error.

        Shagangwan's article names no owners' committee: its three compounds warn.
        """
        found = validate(examples.load(name))
        assert all(v.severity is Severity.WARNING for v in found)
        expected = 3 if name == "shagangwan" else 0
        assert [v.code for v in found] == ["compound.no-owners-committee"] * expected

    @given(structures())
    def test_generated_structures_clean(self, s: Structure) -> None:
        """Every generated structure validates clean."""
        assert validate(s) == ()


class TestPlaces:
    def test_orphan(self, xinhe: Structure) -> None:
        """A compound must sit in a community."""
        s = xinhe.evolve(places=replace(xinhe.places(), "compound:wanda", parent=None))
        assert "place.orphan" in codes(s)

    def test_parent_kind(self, xinhe: Structure) -> None:
        """A compound inside a building is reported."""
        extra = Place(id="compound:odd", kind=PlaceKind.COMPOUND, parent="building:wanda-1")
        s = xinhe.evolve(places=(*xinhe.places(), extra))
        found = [v for v in validate(s) if v.code == "place.parent-kind"]
        assert [v.nodes for v in found] == [("compound:odd", "building:wanda-1")]

    def test_cycle(self, xinhe: Structure) -> None:
        """Places that contain each other are reported once as a cycle."""
        s = xinhe.evolve(
            places=replace(
                xinhe.places(), "street:xinhua", kind=PlaceKind.COMMUNITY, parent="community:xinhe"
            )
        )
        cycles = [v for v in validate(s) if v.code == "place.cycle"]
        assert len(cycles) == 1
        assert set(cycles[0].nodes) == {"street:xinhua", "community:xinhe"}


class TestGrids:
    def test_none(self) -> None:
        """A community with no grid at all is one warning."""
        s = Structure(
            places=[Place(id="community:a", kind=PlaceKind.COMMUNITY)],
            bodies=[
                Body(id="party:a", kind=BodyKind.PARTY_COMMITTEE, jurisdiction=("community:a",)),
                Body(id="rc:a", kind=BodyKind.RESIDENTS_COMMITTEE, jurisdiction=("community:a",)),
            ],
            ties=[Tie(kind=TieKind.LEADS, source="party:a", target="rc:a")],
        )
        (v,) = validate(s)
        assert (v.code, v.severity) == ("grid.none", Severity.WARNING)

    def test_micro_grid_without_posts(self, xinhe: Structure) -> None:
        """A micro-grid of homes with nobody in it is a warning naming the grid."""
        gone = {p.id for p in xinhe.posts_in("grid:wanda-b")}
        s = xinhe.evolve(
            posts=[p for p in xinhe.posts() if p.id not in gone],
            appointments=[a for a in xinhe.appointments() if a.post not in gone],
        )
        found = [v for v in validate(s) if v.code == "grid.no-posts"]
        assert [(v.severity, v.nodes) for v in found] == [(Severity.WARNING, ("grid:wanda-b",))]
        assert "grid.no-posts" not in codes(xinhe)

    def test_gap_building(self, xinhe: Structure) -> None:
        """Every building is in a micro-grid (横到边)."""
        s = xinhe.evolve(grids=replace(xinhe.grids(), "grid:wanda-b", covers=("building:wanda-3",)))
        gaps = [v for v in validate(s) if v.code == "grid.gap"]
        assert [v.nodes for v in gaps] == [("building:wanda-4",)]

    def test_gap_compound(self, xinhe: Structure) -> None:
        """Every compound is in a compound grid."""
        extra = Place(id="compound:new", kind=PlaceKind.COMPOUND, parent="community:xinhe")
        s = xinhe.evolve(places=(*xinhe.places(), extra))
        assert any(v.code == "grid.gap" and v.nodes == ("compound:new",) for v in validate(s))

    def test_overlap(self, xinhe: Structure) -> None:
        """No building is in two micro-grids."""
        s = xinhe.evolve(
            grids=replace(
                xinhe.grids(),
                "grid:wanda-b",
                covers=("building:wanda-2", "building:wanda-3", "building:wanda-4"),
            )
        )
        overlaps = [v for v in validate(s) if v.code == "grid.overlap"]
        assert [v.nodes[0] for v in overlaps] == ["building:wanda-2"]

    def test_whole_compound_micro_grid_overlapping_building_grid(self, xinhe: Structure) -> None:
        """A micro-grid over a whole compound overlaps micro-grids over its buildings."""
        extra = Grid(
            id="grid:whole", level=GridLevel.MICRO, parent="grid:wanda", covers=("compound:wanda",)
        )
        s = xinhe.evolve(grids=(*xinhe.grids(), extra))
        assert {v.nodes[0] for v in validate(s) if v.code == "grid.overlap"} == {
            f"building:wanda-{i}" for i in range(1, 5)
        }

    def test_parent_level(self, xinhe: Structure) -> None:
        """A micro-grid's parent is a compound grid."""
        s = xinhe.evolve(grids=replace(xinhe.grids(), "grid:wanda-a", parent="grid:xinhe"))
        assert "grid.parent-level" in codes(s)
        s = xinhe.evolve(grids=replace(xinhe.grids(), "grid:wanda-a", parent=None))
        assert "grid.parent-level" in codes(s)

    def test_covers_kind(self, xinhe: Structure) -> None:
        """A compound grid covers compounds, not buildings."""
        s = xinhe.evolve(
            grids=replace(
                xinhe.grids(), "grid:wanda", covers=("compound:wanda", "building:wanda-1")
            )
        )
        assert "grid.covers-kind" in codes(s)

    def test_empty(self, xinhe: Structure) -> None:
        """A grid covers at least one place."""
        extra = Grid(id="grid:empty", level=GridLevel.MICRO, parent="grid:wanda")
        assert "grid.empty" in codes(xinhe.evolve(grids=(*xinhe.grids(), extra)))

    def test_tree_mismatch(self, xinhe: Structure) -> None:
        """A micro-grid's buildings lie inside its parent grid's compound (纵到底)."""
        places = (
            *xinhe.places(),
            Place(
                id="compound:other", kind=PlaceKind.COMPOUND, parent="community:xinhe", title=False
            ),
            Place(id="building:other-1", kind=PlaceKind.BUILDING, parent="compound:other"),
        )
        grids = (
            *xinhe.grids(),
            Grid(
                id="grid:other",
                level=GridLevel.COMPOUND,
                parent="grid:xinhe",
                covers=("compound:other",),
            ),
            # Parent is Wanda's grid, but the building is in the other compound.
            Grid(
                id="grid:other-m",
                level=GridLevel.MICRO,
                parent="grid:wanda",
                covers=("building:other-1",),
            ),
        )
        found = [
            v
            for v in validate(xinhe.evolve(places=places, grids=grids))
            if v.code == "grid.tree-mismatch"
        ]
        assert [v.nodes for v in found] == [("grid:other-m", "building:other-1", "grid:wanda")]


class TestBodies:
    def test_community_without_party(self, xinhe: Structure) -> None:
        """Every community has a party committee or branch."""
        s = xinhe.evolve(bodies=replace(xinhe.bodies(), "party:xinhe", jurisdiction=()))
        assert "community.no-party-organisation" in codes(s)

    def test_party_branch_is_enough(self, xinhe: Structure) -> None:
        """A party branch answering for the community satisfies the rule (Zhuanqiao)."""
        s = xinhe.evolve(bodies=replace(xinhe.bodies(), "party:xinhe", kind=BodyKind.PARTY_BRANCH))
        assert "community.no-party-organisation" not in codes(s)

    def test_community_without_residents_committee(self, xinhe: Structure) -> None:
        """Every community has a residents' committee."""
        s = xinhe.evolve(bodies=replace(xinhe.bodies(), "rc:xinhe", jurisdiction=()))
        assert "community.no-residents-committee" in codes(s)

    def test_titled_compound_without_owners_committee(self, xinhe: Structure) -> None:
        """A titled compound without an owners' committee is a warning."""
        s = xinhe.evolve(bodies=replace(xinhe.bodies(), "oc:wanda", jurisdiction=()))
        (v,) = [v for v in validate(s) if v.code == "compound.no-owners-committee"]
        assert v.severity is Severity.WARNING

    def test_no_title_compound_without_self_management(self, xinhe: Structure) -> None:
        """A no-title compound needs a self-management committee instead (warning)."""
        s = xinhe.evolve(places=replace(xinhe.places(), "compound:wanda", title=False))
        found = {v.code: v.severity for v in validate(s)}
        assert found == {"compound.no-self-management-committee": Severity.WARNING}

    def test_non_residential_compound_needs_no_committee(self, xinhe: Structure) -> None:
        """Office buildings (non-residential) need no owners' committee."""
        s = xinhe.evolve(
            places=replace(xinhe.places(), "compound:wanda", residential=False),
            bodies=replace(xinhe.bodies(), "oc:wanda", jurisdiction=()),
        )
        assert "compound.no-owners-committee" not in codes(s)

    def test_property_company_serves_something(self, xinhe: Structure) -> None:
        """A property company serves at least one compound."""
        s = xinhe.evolve(bodies=replace(xinhe.bodies(), "pm:cxh", serves=()))
        assert "body.serves-nothing" in codes(s)

    def test_serves_kind(self, xinhe: Structure) -> None:
        """A service contract covers compounds or buildings, not communities."""
        s = xinhe.evolve(bodies=replace(xinhe.bodies(), "pm:cxh", serves=("community:xinhe",)))
        assert "body.serves-kind" in codes(s)

    def test_grid_only_for_party_branches(self, xinhe: Structure) -> None:
        """Only party branches and groups are built on grids."""
        s = xinhe.evolve(bodies=replace(xinhe.bodies(), "rc:xinhe", grid="grid:xinhe"))
        assert "body.grid-kind" in codes(s)

    def test_parent_same_hierarchy(self, xinhe: Structure) -> None:
        """A body's parent is in its own hierarchy; leadership is a tie."""
        s = xinhe.evolve(bodies=replace(xinhe.bodies(), "rc:xinhe", parent="party:xinhe"))
        assert "body.parent-kind" in codes(s)

    def test_leadership_gap(self, xinhe: Structure) -> None:
        """A committee no party organisation leads or is embedded in is a warning."""
        ties = [t for t in xinhe.ties() if not (t.target == "rc:xinhe" and t.kind is TieKind.LEADS)]
        found = [
            v for v in validate(xinhe.evolve(ties=ties)) if v.code == "body.no-party-leadership"
        ]
        assert [(v.nodes, v.severity) for v in found] == [(("rc:xinhe",), Severity.WARNING)]

    def test_embedding_counts_as_leadership(self, xinhe: Structure) -> None:
        """A party organisation embedded in a company fills the leadership gap."""
        ties = [t for t in xinhe.ties() if not (t.target == "pm:cxh" and t.kind is TieKind.LEADS)]
        bodies = (
            *xinhe.bodies(),
            Body(id="party:cxh", kind=BodyKind.PARTY_BRANCH, parent="party:xinhe"),
        )
        ties.append(Tie(kind=TieKind.EMBEDDED_IN, source="party:cxh", target="pm:cxh"))
        assert codes(xinhe.evolve(bodies=bodies, ties=ties)) == set()


class TestPosts:
    def test_over_held(self, xinhe: Structure) -> None:
        """A grid leader post (one seat) is not held by two people at once."""
        extra = Appointment(
            person="person:rc-member", post="post:grid-xinhe-leader", start=dt.date(2025, 3, 1)
        )
        found = list(validate(xinhe.evolve(appointments=(*xinhe.appointments(), extra))))
        assert [(v.code, v.nodes) for v in found] == [
            ("post.over-held", ("post:grid-xinhe-leader", "person:rc-member", "person:secretary"))
        ]
        assert "2025-03-01" in found[0].message

    def test_successive_holders_allowed(self, xinhe: Structure) -> None:
        """One holder after another is no violation."""
        appointments = [
            attrs.evolve(a, end=dt.date(2025, 2, 28)) if a.post == "post:grid-xinhe-leader" else a
            for a in xinhe.appointments()
        ]
        appointments.append(
            Appointment(
                person="person:rc-member", post="post:grid-xinhe-leader", start=dt.date(2025, 3, 1)
            )
        )
        assert validate(xinhe.evolve(appointments=appointments)) == ()

    def test_seats_respected(self, xinhe: Structure) -> None:
        """Three mediators share the three seats of one post; a fourth is too many."""
        extra = Appointment(
            person="person:adviser-1", post="post:xinhexin-mediator", start=dt.date(2025, 1, 1)
        )
        assert "post.over-held" in codes(xinhe.evolve(appointments=(*xinhe.appointments(), extra)))

    def test_held_twice(self, xinhe: Structure) -> None:
        """The same person appointed twice to a post over the same days is reported."""
        posts = replace(xinhe.posts(), "post:grid-xinhe-leader", seats=2)
        extra = Appointment(
            person="person:secretary", post="post:grid-xinhe-leader", start=dt.date(2025, 5, 1)
        )
        s = xinhe.evolve(posts=posts, appointments=(*xinhe.appointments(), extra))
        assert codes(s) == {"post.held-twice"}


def _over_held_by_brute_force(
    appointments: list[Appointment], seats: int
) -> tuple[dt.date, list[str]] | None:
    # Every start day in order, every appointment checked on each.
    for day in sorted({a.start for a in appointments}):
        holding = [a for a in appointments if a.active(day)]
        if len(holding) > seats:
            return day, sorted({a.person for a in holding})
    return None


spans = st.tuples(
    st.sampled_from(["p1", "p2", "p3", "p4"]),
    st.integers(0, 60),
    st.one_of(st.none(), st.integers(0, 30)),
).map(
    lambda t: Appointment(
        person=t[0],
        post="post:chair",
        start=dt.date(2025, 1, 1) + dt.timedelta(days=t[1]),
        end=None if t[2] is None else dt.date(2025, 1, 1) + dt.timedelta(days=t[1] + t[2]),
    )
)


class TestPostsAgainstBruteForce:
    """The sweep over sorted days finds what checking every day against every holder finds."""

    @given(st.lists(spans, max_size=12), st.integers(1, 3))
    def test_over_held_and_held_twice(self, appointments: list[Appointment], seats: int) -> None:
        """Same first over-held day and holders; held-twice exactly for overlapping pairs."""
        s = Structure(
            places=[Place(id="community:a", kind=PlaceKind.COMMUNITY)],
            bodies=[
                Body(id="rc:a", kind=BodyKind.RESIDENTS_COMMITTEE, jurisdiction=("community:a",))
            ],
            people=[Person(id=f"p{i}") for i in range(1, 5)],
            posts=[Post(id="post:chair", role=Role.MEMBER, within="rc:a", seats=seats)],
            appointments=appointments,
        )
        found = [v for v in validate(s) if v.code.startswith("post.")]
        over = [v for v in found if v.code == "post.over-held"]
        expected = _over_held_by_brute_force(appointments, seats)
        if expected is None:
            assert over == []
        else:
            day, people = expected
            assert [v.nodes for v in over] == [("post:chair", *people)]
            assert day.isoformat() in over[0].message
        twice = {v.nodes[1] for v in found if v.code == "post.held-twice"}
        overlapping = {
            a.person
            for i, a in enumerate(appointments)
            for b in appointments[i + 1 :]
            if a.person == b.person and a.overlaps(b)
        }
        assert twice == overlapping


class TestLongChains:
    def test_long_cycle_reported_once(self) -> None:
        """A long cycle of places is one violation, listed from where the walk entered it."""
        n = 2_000
        places = [
            Place(id=f"p{i}", kind=PlaceKind.COMMUNITY, parent=f"p{(i + 1) % n}") for i in range(n)
        ]
        cycles = [v for v in validate(Structure(places=places)) if v.code == "place.cycle"]
        assert len(cycles) == 1
        assert cycles[0].nodes[:3] == ("p0", "p1", "p2")
        assert len(cycles[0].nodes) == n

    def test_locate_every_violation(self, xinhe: Structure) -> None:
        """locate() answers from one table per structure, for every violation."""
        s = xinhe.evolve(
            places=replace(xinhe.places(), "compound:wanda", parent=None),
            bodies=replace(xinhe.bodies(), "oc:wanda", jurisdiction=()),
        )
        located = {v.code: locate(s, v) for v in validate(s)}
        index = [p.id for p in s.places()].index("compound:wanda")
        assert located["place.orphan"] == f"places[{index}]"


class TestTiesAndMeetings:
    @pytest.mark.parametrize(
        ("kind", "source", "target"),
        [
            (TieKind.LEADS, "rc:xinhe", "oc:wanda"),
            (TieKind.EMBEDDED_IN, "rc:xinhe", "pm:cxh"),
            (TieKind.EMBEDDED_IN, "party:xinhe", "party:other"),
            (TieKind.SUPERVISES, "dept:fire", "pm:cxh"),
        ],
    )
    def test_tie_kinds(self, xinhe: Structure, kind: TieKind, source: str, target: str) -> None:
        """Ties join the right kinds of body."""
        bodies = (*xinhe.bodies(), Body(id="party:other", kind=BodyKind.PARTY_BRANCH))
        s = xinhe.evolve(
            bodies=bodies, ties=(*xinhe.ties(), Tie(kind=kind, source=source, target=target))
        )
        assert "tie.kinds" in codes(s)

    def test_meeting_convener_kind(self, xinhe: Structure) -> None:
        """A department does not convene a standing meeting."""
        meeting = Meeting(id="meeting:x", convener="dept:fire", members=("rc:xinhe",))
        assert "meeting.convener-kind" in codes(xinhe.evolve(meetings=(*xinhe.meetings(), meeting)))

    def test_meeting_empty(self, xinhe: Structure) -> None:
        """A meeting has members."""
        meeting = Meeting(id="meeting:x", convener="party:xinhe")
        assert "meeting.empty" in codes(xinhe.evolve(meetings=(*xinhe.meetings(), meeting)))

    def test_post_member_allowed(self, xinhe: Structure) -> None:
        """Posts may sit in meetings (building-group leaders in four-party meetings)."""
        meeting = Meeting(
            id="meeting:x", convener="party:xinhe", members=("post:grid-wanda-a-worker",)
        )
        assert validate(xinhe.evolve(meetings=(*xinhe.meetings(), meeting))) == ()


class TestOrderAndLocation:
    def test_errors_before_warnings(self, xinhe: Structure) -> None:
        """Errors come first, then warnings."""
        s = xinhe.evolve(
            bodies=replace(xinhe.bodies(), "oc:wanda", jurisdiction=()),
            places=replace(xinhe.places(), "compound:wanda", parent=None),
        )
        severities = [v.severity for v in validate(s)]
        assert severities == sorted(severities, key=lambda x: x is Severity.WARNING)
        assert Severity.WARNING in severities
        assert Severity.ERROR in severities

    def test_locate(self, xinhe: Structure) -> None:
        """locate() points at the record of a violation's first node."""
        v = Violation(code="x", severity=Severity.ERROR, message="m", nodes=("post:cxh-steward",))
        assert (
            locate(xinhe, v) == f"posts[{[p.id for p in xinhe.posts()].index('post:cxh-steward')}]"
        )
        assert locate(xinhe, Violation(code="x", severity=Severity.ERROR, message="m")) == ""

    def test_post_record_untouched(self) -> None:
        """Validation never changes the structure it reads."""
        s = examples.load("xinhe")
        before = s.records()
        validate(s)
        assert s.records() == before


class TestBodyCycles:
    def test_cycle(self, xinhe: Structure) -> None:
        """Two bodies that are each other's parent are a cycle."""
        first = replace(xinhe.bodies(), "rc:xinhe", parent="team:volunteer-mediators")
        bodies = replace(tuple(first), "team:volunteer-mediators", parent="rc:xinhe")
        found = [v for v in validate(xinhe.evolve(bodies=bodies)) if v.code == "body.cycle"]
        assert {v.nodes[0] for v in found} == {"rc:xinhe", "team:volunteer-mediators"}

    def test_self_parent(self, xinhe: Structure) -> None:
        """A body that is its own parent is a cycle."""
        bodies = replace(xinhe.bodies(), "rc:xinhe", parent="rc:xinhe")
        assert "body.cycle" in codes(xinhe.evolve(bodies=bodies))

"""Tests for `govmodel.structure`: the graph and its typed queries."""

import copy
import datetime as dt
import inspect
import pickle
from collections.abc import Callable
from typing import Any

import attrs
import networkx as nx
import pytest
from hypothesis import given

import govmodel
from govmodel import Relation, SpecError, Structure, UnknownNodeError, examples
from govmodel.model import (
    Appointment,
    Body,
    BodyKind,
    GridLevel,
    Person,
    Place,
    PlaceKind,
    Post,
    Role,
    Tie,
    TieKind,
)
from govmodel.strategies import structures
from govmodel.structure import (
    _REFERENCES,
    _TYPE_OF_LIST,
    SPEC_FIELD,
    _node_index,
    _references_hold,
    reference_problems,
)

DAY = dt.date(2025, 6, 1)


@pytest.fixture
def xinhe() -> Structure:
    return examples.load("xinhe")


class TestGraph:
    def test_frozen(self, xinhe: Structure) -> None:
        """The graph cannot be changed behind the structure's back."""
        assert nx.is_frozen(xinhe.graph)
        with pytest.raises(nx.NetworkXError):
            xinhe.graph.add_node("x")

    def test_node_attribute_obj_is_the_record(self, xinhe: Structure) -> None:
        """Node attribute "obj" holds the domain record of that id."""
        for node_id, data in xinhe.graph.nodes(data=True):
            assert data["obj"].id == node_id
            assert xinhe.node(node_id) is data["obj"]

    def test_edge_keys_are_relations(self, xinhe: Structure) -> None:
        """Every edge key is a `Relation`."""
        keys = {key for _, _, key in xinhe.graph.edges(keys=True)}
        assert keys <= set(Relation)
        assert {Relation.CONTAINS, Relation.COVERS, Relation.HOLDS, Relation.POST_IN} <= keys

    def test_edges_follow_records(self, xinhe: Structure) -> None:
        """Place parents, grid coverage, services, ties, posts and meetings are edges."""
        g = xinhe.graph
        assert g.has_edge("compound:wanda", "building:wanda-1", key=Relation.CONTAINS)
        assert g.has_edge("grid:wanda-a", "building:wanda-1", key=Relation.COVERS)
        assert g.has_edge("grid:wanda", "grid:wanda-a", key=Relation.PARENT_OF)
        assert g.has_edge("pm:cxh", "compound:wanda", key=Relation.SERVES)
        assert g.has_edge("party:xinhe", "community:xinhe", key=Relation.ANSWERS_FOR)
        assert g.has_edge("party:xinhe", "pm:cxh", key=Relation.PARTNERS)
        assert g.has_edge("oc:wanda", "pm:cxh", key=Relation.SUPERVISES)
        assert g.has_edge("post:xinhexin-mediator", "mediation:xinhexin", key=Relation.POST_IN)
        assert g.has_edge("person:steward-1", "post:cxh-steward", key=Relation.HOLDS)
        assert g.has_edge("rc:xinhe", "meeting:1+3+n", key=Relation.MEMBER_OF)
        assert g.has_edge("party:xinhe", "meeting:1+3+n", key=Relation.CONVENES)

    @given(structures())
    def test_every_record_reference_is_an_edge(self, s: Structure) -> None:
        """The graph has one node per node record and an edge for each reference."""
        records = s.records()
        node_count = sum(
            len(records[n]) for n in ("places", "grids", "bodies", "people", "posts", "meetings")
        )
        assert s.graph.number_of_nodes() == node_count
        for place in s.places():
            if place.parent is not None:
                assert s.graph.has_edge(place.parent, place.id, key=Relation.CONTAINS)
        for appointment in s.appointments():
            data = s.graph.get_edge_data(appointment.person, appointment.post, key=Relation.HOLDS)
            assert appointment in data["appointments"]


def _graph_by_networkx_calls(s: Structure) -> "nx.MultiDiGraph[str]":
    """The graph of ``s`` made the plain way, with add_node and add_edge."""
    records = s.records()
    g: nx.MultiDiGraph[str] = nx.MultiDiGraph()
    lists = {"places": "place", "grids": "grid", "bodies": "body", "people": "person"}
    for list_name, node_type in {**lists, "posts": "post", "meetings": "meeting"}.items():
        for record in records[list_name]:
            g.add_node(record.id, obj=record, type=node_type)
    for place in s.places():
        if place.parent is not None:
            g.add_edge(place.parent, place.id, key=Relation.CONTAINS)
    for grid in s.grids():
        if grid.parent is not None:
            g.add_edge(grid.parent, grid.id, key=Relation.PARENT_OF)
        for place_id in grid.covers:
            g.add_edge(grid.id, place_id, key=Relation.COVERS)
    for body in s.bodies():
        if body.parent is not None:
            g.add_edge(body.parent, body.id, key=Relation.PARENT_OF)
        if body.grid is not None:
            g.add_edge(body.id, body.grid, key=Relation.EMBEDDED_IN)
        for place_id in body.serves:
            g.add_edge(body.id, place_id, key=Relation.SERVES)
        for place_id in body.jurisdiction:
            g.add_edge(body.id, place_id, key=Relation.ANSWERS_FOR)
    for tie in s.ties():
        g.add_edge(tie.source, tie.target, key=Relation.of_tie(tie.kind), obj=tie)
    for post in s.posts():
        g.add_edge(post.id, post.within, key=Relation.POST_IN)
    held: dict[tuple[str, str], list[Appointment]] = {}
    for appointment in s.appointments():
        held.setdefault((appointment.person, appointment.post), []).append(appointment)
    for (person, post_id), spans in held.items():
        g.add_edge(person, post_id, key=Relation.HOLDS, appointments=tuple(spans))
    for meeting in s.meetings():
        g.add_edge(meeting.convener, meeting.id, key=Relation.CONVENES)
        for member in meeting.members:
            g.add_edge(member, meeting.id, key=Relation.MEMBER_OF)
        if meeting.place is not None:
            g.add_edge(meeting.id, meeting.place, key=Relation.ANSWERS_FOR)
    return g


class TestGraphConstruction:
    """The graph is written straight into networkx's dictionaries, for speed."""

    @staticmethod
    def assert_same(s: Structure) -> None:
        expected = _graph_by_networkx_calls(s)
        g = s.graph
        assert list(g.nodes(data=True)) == list(expected.nodes(data=True))
        assert list(g.edges(keys=True, data=True)) == list(expected.edges(keys=True, data=True))
        assert list(g.in_edges(keys=True)) == list(expected.in_edges(keys=True))
        for node in expected:
            for neighbour, keys in expected.pred[node].items():
                assert g.pred[node][neighbour] == keys
                # One key dictionary per pair, shared by both directions, as networkx keeps it.
                assert g._pred[node][neighbour] is g._succ[neighbour][node]

    @pytest.mark.parametrize("name", examples.names())
    def test_examples_as_networkx_makes_them(self, name: str) -> None:
        """Each bundled graph equals add_node/add_edge's, nodes and edges in the same order."""
        self.assert_same(examples.load(name))

    @given(structures())
    def test_generated_as_networkx_makes_them(self, s: Structure) -> None:
        """So does every generated structure's."""
        self.assert_same(s)

    def test_shared_pairs_keep_every_key(self) -> None:
        """A pair joined by two relations (serves and answers for) keeps both edges."""
        s = Structure(
            places=[
                Place(id="community:a", kind=PlaceKind.COMMUNITY),
                Place(id="compound:a", kind=PlaceKind.COMPOUND, parent="community:a"),
            ],
            bodies=[
                Body(
                    id="pm:a",
                    kind=BodyKind.PROPERTY_COMPANY,
                    serves=("compound:a",),
                    jurisdiction=("compound:a",),
                )
            ],
        )
        assert set(s.graph["pm:a"]["compound:a"]) == {Relation.SERVES, Relation.ANSWERS_FOR}
        self.assert_same(s)


class TestQueries:
    def test_unknown_id(self, xinhe: Structure) -> None:
        """Unknown ids raise UnknownNodeError, a LookupError, naming the id."""
        with pytest.raises(UnknownNodeError, match='no node "nope"') as info:
            xinhe.node("nope")
        assert isinstance(info.value, LookupError)
        assert info.value.node_id == "nope"

    def test_typed_lookup_of_wrong_type(self, xinhe: Structure) -> None:
        """Asking for a place by a body's id is an unknown place."""
        with pytest.raises(UnknownNodeError, match="places"):
            xinhe.place("pm:cxh")

    @pytest.mark.parametrize(
        "query",
        [
            "ancestors",
            "children",
            "grid_of",
            "grid_chain",
            "serving",
            "answering_for",
            "meetings_for",
        ],
    )
    def test_place_queries_reject_unknown(self, xinhe: Structure, query: str) -> None:
        """Every place query raises UnknownNodeError for an unknown place."""
        with pytest.raises(UnknownNodeError):
            getattr(xinhe, query)("place:none")

    def test_filters(self, xinhe: Structure) -> None:
        """Kind, level and role filters accept enum members or their values."""
        assert xinhe.places(kind="building") == xinhe.places(kind=PlaceKind.BUILDING)
        assert len(xinhe.places(kind="building")) == 4
        assert [g.id for g in xinhe.grids(level=GridLevel.COMPOUND)] == ["grid:wanda"]
        assert [b.id for b in xinhe.bodies(kind="owners_committee")] == ["oc:wanda"]
        assert len(xinhe.posts(role=Role.GRID_LEADER)) == 2
        with pytest.raises(ValueError, match="palace"):
            xinhe.places(kind="palace")

    @given(structures())
    def test_filters_match_a_scan(self, s: Structure) -> None:
        """Each filter, answered from a table made once, lists what a scan finds, in order."""
        for kind in PlaceKind:
            assert s.places(kind=kind) == tuple(p for p in s.places() if p.kind is kind)
        for body_kind in BodyKind:
            assert s.bodies(kind=body_kind) == tuple(b for b in s.bodies() if b.kind is body_kind)
        for level in GridLevel:
            assert s.grids(level=level) == tuple(g for g in s.grids() if g.level is level)
        for role in Role:
            assert s.posts(role=role) == tuple(p for p in s.posts() if p.role is role)
        for tie_kind in TieKind:
            assert s.ties(kind=tie_kind) == tuple(t for t in s.ties() if t.kind is tie_kind)
        assert s.places(kind="unit") is s.places(kind=PlaceKind.UNIT)

    def test_ancestors_nearest_first(self, xinhe: Structure) -> None:
        """Ancestors run from the parent to the root."""
        assert [p.id for p in xinhe.ancestors("building:wanda-3")] == [
            "compound:wanda",
            "community:xinhe",
            "street:xinhua",
        ]
        assert xinhe.ancestors("street:xinhua") == ()

    def test_grid_of_and_chain(self, xinhe: Structure) -> None:
        """A building's grid is its micro-grid; a compound's its compound grid."""
        assert xinhe.grid_of("building:wanda-3").id == "grid:wanda-b"  # type: ignore[union-attr]
        assert xinhe.grid_of("compound:wanda").id == "grid:wanda"  # type: ignore[union-attr]
        assert [g.id for g in xinhe.grid_chain("building:wanda-3")] == [
            "grid:wanda-b",
            "grid:wanda",
            "grid:xinhe",
        ]

    @given(structures())
    def test_grid_of_units_is_their_buildings(self, s: Structure) -> None:
        """A unit lies in its building's micro-grid (units are never covered alone)."""
        for unit in s.places(kind=PlaceKind.UNIT):
            assert unit.parent is not None
            assert s.grid_of(unit.id) == s.grid_of(unit.parent)
            grid = s.grid_of(unit.id)
            assert grid is not None
            assert grid.level is GridLevel.MICRO

    def test_holders_respect_dates(self) -> None:
        """holders(at=) and posts_of(at=) see only appointments in force that day."""
        s = Structure(
            name="dates",
            places=[Place(id="community:a", kind=PlaceKind.COMMUNITY)],
            bodies=[
                Body(id="rc:a", kind=BodyKind.RESIDENTS_COMMITTEE, jurisdiction=("community:a",))
            ],
            people=[Person(id="p1"), Person(id="p2")],
            posts=[Post(id="post:chair", role=Role.MEMBER, within="rc:a")],
            appointments=[
                Appointment(
                    person="p1",
                    post="post:chair",
                    start=dt.date(2020, 1, 1),
                    end=dt.date(2022, 12, 31),
                ),
                Appointment(person="p2", post="post:chair", start=dt.date(2023, 1, 1)),
            ],
        )
        assert [p.id for p in s.holders("post:chair", at=dt.date(2021, 5, 1))] == ["p1"]
        assert [p.id for p in s.holders("post:chair", at=dt.date(2024, 5, 1))] == ["p2"]
        assert [p.id for p in s.holders("post:chair")] == ["p1", "p2"]
        assert s.posts_of("p1", at=dt.date(2024, 1, 1)) == ()
        assert [p.id for p in s.posts_of("p1")] == ["post:chair"]

    def test_cross_appointment(self, xinhe: Structure) -> None:
        """A steward holds a property post and a grid post at once (兼任)."""
        roles = {p.role for p in xinhe.posts_of("person:steward-1", at=DAY)}
        assert roles == {Role.BUILDING_STEWARD, Role.GRID_WORKER}

    def test_members_counts_each_person_once(self, xinhe: Structure) -> None:
        """members() lists the people holding any post in a body, once each."""
        assert len(xinhe.members("mediation:xinhexin", at=DAY)) == 5

    def test_serving_and_answering(self, xinhe: Structure) -> None:
        """Service contracts and jurisdiction are separate questions."""
        assert [b.id for b in xinhe.serving("compound:wanda")] == ["pm:cxh"]
        assert {b.id for b in xinhe.answering_for("community:xinhe")} >= {"party:xinhe", "rc:xinhe"}
        assert [m.id for m in xinhe.meetings_for("community:xinhe")] == ["meeting:1+3+n"]

    def test_enclosing(self, xinhe: Structure) -> None:
        """enclosing() finds the place of a kind at or above a place."""
        assert xinhe.enclosing("compound:wanda", "compound").id == "compound:wanda"  # type: ignore[union-attr]
        assert xinhe.enclosing("community:xinhe", "compound") is None


class TestConstruction:
    def test_dangling_reference(self) -> None:
        """Building a structure with a dangling reference raises SpecError."""
        with pytest.raises(SpecError) as info:
            Structure(
                places=[Place(id="compound:x", kind=PlaceKind.COMPOUND, parent="community:none")]
            )
        assert [str(p) for p in info.value.problems] == [
            'places[0].parent: no place "community:none"'
        ]

    def test_duplicate_tie(self) -> None:
        """The same tie declared twice is reported with both positions."""
        bodies = [
            Body(id="party:a", kind=BodyKind.PARTY_COMMITTEE),
            Body(id="rc:a", kind=BodyKind.RESIDENTS_COMMITTEE),
        ]
        tie = Tie(kind=TieKind.LEADS, source="party:a", target="rc:a")
        with pytest.raises(SpecError) as info:
            Structure(bodies=bodies, ties=[tie, tie])
        (problem,) = info.value.problems
        assert problem.location == "ties[1]"
        assert "already declared at ties[0]" in problem.message

    def test_immutable(self, xinhe: Structure) -> None:
        """Attributes of a structure cannot be set or deleted."""
        with pytest.raises(AttributeError, match="immutable"):
            xinhe.name = "other"
        with pytest.raises(AttributeError, match="immutable"):
            del xinhe.name

    def test_evolve_rejects_unknown_field(self, xinhe: Structure) -> None:
        """evolve() names the fields it accepts."""
        with pytest.raises(TypeError, match="unknown field"):
            xinhe.evolve(rooms=())


def _broken(field: tuple[str, str], kind: str) -> tuple[dict[str, Any], str]:
    """Lianhua's records with one reference of ``field`` broken, and where it now is.

    ``kind`` is ``"dangling"`` (an id of no node) or ``"wrong"`` (the id of a
    node of a type the reference may not name).
    """
    list_name, name = field
    records: dict[str, Any] = {
        key: list(value) for key, value in examples.load("lianhua").records().items()
    }
    allowed = _REFERENCES[field]
    if kind == "dangling":
        bad = "nowhere:at-all"
    else:
        other = next(n for n, t in _TYPE_OF_LIST.items() if t not in allowed and records[n])
        bad = records[other][0].id
    index, record = next((i, r) for i, r in enumerate(records[list_name]) if getattr(r, name))
    value = getattr(record, name)
    where = f"{list_name}[{index}].{SPEC_FIELD.get(name, name)}"
    if isinstance(value, tuple):
        value, where = (bad, *value[1:]), where + "[0]"
    else:
        value = bad
    records[list_name][index] = attrs.evolve(record, **{name: value})
    return records, where


class TestReferences:
    """The quick reference check agrees with reference_problems on every kind of reference."""

    def test_intact_records_hold(self) -> None:
        """A loadable structure's records pass the quick check with no problems."""
        records = {k: list(v) for k, v in examples.load("lianhua").records().items()}
        by_id = _node_index(records)
        assert by_id is not None
        assert _references_hold(records, by_id)
        assert reference_problems(records) == []

    def test_check_written_from_table(self) -> None:
        """The quick check is written from _REFERENCES, and its source can be read."""
        source = inspect.getsource(_references_hold)
        for list_name, field in _REFERENCES:
            assert f"records[{list_name!r}]" in source
            assert f"r.{field}" in source

    @pytest.mark.parametrize("kind", ["dangling", "wrong"])
    @pytest.mark.parametrize("field", sorted(_REFERENCES))
    def test_each_broken_reference_caught(self, field: tuple[str, str], kind: str) -> None:
        """A dangling or wrong-type reference fails the quick check; Structure() says why.

        The check runs for every (list, field) of _REFERENCES, and the problems
        raised are exactly those reference_problems finds.
        """
        records, where = _broken(field, kind)
        by_id = _node_index(records)
        assert by_id is not None
        assert not _references_hold(records, by_id)
        expected = reference_problems(records)
        code = "dangling-reference" if kind == "dangling" else "wrong-reference"
        assert [(p.location, p.code) for p in expected] == [(where, code)]
        with pytest.raises(SpecError) as info:
            Structure(name="broken", **records)
        assert [str(p) for p in info.value.problems] == [str(p) for p in expected]


class TestEquality:
    def test_order_does_not_matter(self, xinhe: Structure) -> None:
        """Equality and hash are by content, not by record order."""
        shuffled = xinhe.evolve(places=tuple(reversed(xinhe.places())))
        assert shuffled == xinhe
        assert hash(shuffled) == hash(xinhe)

    def test_equal_before_and_after_hashing(self, xinhe: Structure) -> None:
        """Equality needs no earlier hash; the identity made on first use is kept."""
        copy = Structure(name=xinhe.name, name_zh=xinhe.name_zh, **xinhe.records())
        assert copy == xinhe
        assert hash(copy) == hash(xinhe) == hash(copy)
        assert copy is not xinhe

    def test_content_matters(self, xinhe: Structure) -> None:
        """A structure with one record less is a different structure."""
        assert xinhe.evolve(meetings=()) != xinhe
        assert xinhe.evolve(name="other") != xinhe
        assert xinhe != "xinhe"

    @given(structures())
    def test_pickle_round_trip(self, s: Structure) -> None:
        """Structures survive pickling (they travel to worker processes)."""
        assert pickle.loads(pickle.dumps(s)) == s

    @given(structures())
    def test_to_dict_round_trip(self, s: Structure) -> None:
        """load(to_dict(s)) == s."""
        assert govmodel.load(govmodel.to_dict(s)) == s


class TestWholeCompoundMicroGrid:
    def test_chain_starts_at_the_micro_grid(self) -> None:
        """A compound that is one micro-grid (Zhuanqiao) has its micro-grid as its grid."""
        s = examples.load("zhuanqiao")
        assert [g.id for g in s.grid_chain("compound:dongbei")] == [
            "grid:dongbei-micro",
            "grid:dongbei",
            "grid:zhuanqiao",
        ]


class TestDeepImmutability:
    """The graph's attribute dictionaries cannot be changed by a caller."""

    @pytest.mark.parametrize(
        "change",
        [
            lambda g: g.nodes["pm:cxh"].__setitem__("type", "x"),
            lambda g: g.nodes["pm:cxh"].update(obj=None),
            lambda g: g.nodes["pm:cxh"].pop("obj"),
            lambda g: g.edges["party:xinhe", "pm:cxh", Relation.LEADS].__setitem__("a", 1),
            lambda g: g.edges["grid:wanda", "compound:wanda", Relation.COVERS].clear(),
            lambda g: g.graph.__setitem__("name", "x"),
        ],
    )
    def test_cached_example_refuses_changes(self, change: Callable[[Any], object]) -> None:
        """examples.load hands out one cached structure: no caller can change its graph's data.

        Before, graph.nodes[n] was a plain dict that any caller could change under
        every other holder of the cached structure.
        """
        graph = examples.load("xinhe").graph
        with pytest.raises(TypeError, match="frozen"):
            change(graph)
        assert examples.load("xinhe").graph.nodes["pm:cxh"]["type"] == "body"

    def test_copies_are_plain(self) -> None:
        """A copy of the graph (copy, to_undirected, deepcopy, pickle) may be changed."""
        graph = examples.load("xinhe").graph
        for other in (graph.copy(), graph.to_undirected(), copy.deepcopy(graph)):
            other.nodes["pm:cxh"]["note"] = "mine"
            assert "note" not in graph.nodes["pm:cxh"]
        assert type(pickle.loads(pickle.dumps(graph.nodes["pm:cxh"]))) is dict

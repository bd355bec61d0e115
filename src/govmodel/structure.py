"""The structure of one or more communities as one frozen networkx graph.

A ``Structure`` is built from the records of ``govmodel.model``. It keeps
the records (so it can be written back as a spec) and a frozen
``networkx.MultiDiGraph`` whose nodes are the ids of places, grids, bodies,
people, posts and meetings (node attribute ``"obj"`` holds the record, ``"type"``
its record type) and whose edge keys are ``Relation`` values.

Examples
--------
>>> from govmodel import examples, Relation
>>> s = examples.load("xinhe")
>>> s.node("community:xinhe").name_zh
'新河社区'
>>> s.graph.has_edge("party:xinhe", "meeting:1+3+n", key=Relation.CONVENES)
True
"""

from __future__ import annotations

import datetime as dt
import linecache
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from copy import deepcopy
from enum import StrEnum
from typing import Any, TypeVar

import attrs
import networkx as nx

from govmodel._gc import paused
from govmodel.errors import SpecError, SpecProblem, UnknownNodeError
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

__all__ = ["NodeRecord", "Relation", "Structure", "reference_problems"]

NodeRecord = Place | Grid | Body | Person | Post | Meeting
"""The records that are nodes of the graph (appointments and ties are edges)."""

_R = TypeVar("_R", Place, Grid, Body, Person, Post, Meeting)
_T = TypeVar("_T")


class Relation(StrEnum):
    """Edge keys of the structure graph.

    Examples
    --------
    >>> Relation("contains") is Relation.CONTAINS
    True
    >>> Relation.of_tie(TieKind.GUIDES)
    <Relation.GUIDES: 'guides'>
    """

    CONTAINS = "contains"  # place -> place inside it
    PARENT_OF = "parent_of"  # grid -> child grid; body -> body below it
    COVERS = "covers"  # grid -> place
    SERVES = "serves"  # property company -> compound, by contract
    ANSWERS_FOR = "answers_for"  # body or meeting -> place in its jurisdiction
    LEADS = "leads"
    GUIDES = "guides"
    SUPERVISES = "supervises"
    EMBEDDED_IN = "embedded_in"  # party organisation -> body or grid it sits in
    PARTNERS = "partners"
    PAIRED = "paired"
    POST_IN = "post_in"  # post -> body or grid
    HOLDS = "holds"  # person -> post
    MEMBER_OF = "member_of"  # body or post -> meeting
    CONVENES = "convenes"  # body -> meeting

    @classmethod
    def of_tie(cls, kind: TieKind) -> Relation:
        """The relation a tie of ``kind`` becomes in the graph."""
        return cls(kind.value)


_LISTS = ("places", "grids", "bodies", "people", "posts", "appointments", "ties", "meetings")
_NODE_LISTS = ("places", "grids", "bodies", "people", "posts", "meetings")
_TYPE_OF_LIST = {
    "places": "place",
    "grids": "grid",
    "bodies": "body",
    "people": "person",
    "posts": "post",
    "meetings": "meeting",
}
# (list, field) -> the record types a reference may name.
_REFERENCES: dict[tuple[str, str], frozenset[str]] = {
    ("places", "parent"): frozenset({"place"}),
    ("grids", "parent"): frozenset({"grid"}),
    ("grids", "covers"): frozenset({"place"}),
    ("bodies", "parent"): frozenset({"body"}),
    ("bodies", "grid"): frozenset({"grid"}),
    ("bodies", "serves"): frozenset({"place"}),
    ("bodies", "jurisdiction"): frozenset({"place"}),
    ("posts", "within"): frozenset({"body", "grid"}),
    ("appointments", "person"): frozenset({"person"}),
    ("appointments", "post"): frozenset({"post"}),
    ("ties", "source"): frozenset({"body"}),
    ("ties", "target"): frozenset({"body"}),
    ("meetings", "convener"): frozenset({"body"}),
    ("meetings", "members"): frozenset({"body", "post"}),
    ("meetings", "place"): frozenset({"place"}),
}
# Field names as a spec writes them, where they differ from the attribute.
SPEC_FIELD = {"within": "in"}


def _describe(types: frozenset[str]) -> str:
    return " or ".join(sorted(types))


def reference_problems(
    records: Mapping[str, Sequence[Any]],
) -> list[SpecProblem]:
    """Duplicate ids and dangling references among spec records.

    Parameters
    ----------
    records
        Lists of records keyed by spec list name (``"places"``, ``"bodies"``, …).
        A list may hold ``None`` where a record could not be read at all; its
        index is kept so locations stay right. Records may also be partial
        stand-ins whose unreadable fields are ``None``.

    Returns
    -------
    list of SpecProblem
        With locations such as ``places[3].parent``, in spec order.

    Examples
    --------
    >>> from govmodel.model import Place, PlaceKind
    >>> places = [Place(id="c", kind=PlaceKind.COMMUNITY),
    ...           Place(id="x", kind=PlaceKind.COMPOUND, parent="nowhere")]
    >>> [str(p) for p in reference_problems({"places": places})]
    ['places[1].parent: no place "nowhere"']
    """
    problems: list[SpecProblem] = []
    known: dict[str, str] = {}
    first_seen: dict[str, str] = {}
    for list_name in _NODE_LISTS:
        for index, record in enumerate(records.get(list_name, ())):
            if record is None or record.id is None:
                continue
            where = f"{list_name}[{index}].id"
            if record.id in first_seen:
                problems.append(
                    SpecProblem(
                        where,
                        "duplicate-id",
                        f'id "{record.id}" is already used at {first_seen[record.id]}',
                    )
                )
                continue
            first_seen[record.id] = where
            known[record.id] = _TYPE_OF_LIST[list_name]
    for (list_name, field), allowed in _REFERENCES.items():
        for index, record in enumerate(records.get(list_name, ())):
            if record is None:
                continue
            value = getattr(record, field)
            spec_field = SPEC_FIELD.get(field, field)
            values = value if isinstance(value, tuple) else (value,)
            for position, ref in enumerate(values):
                if ref is None:
                    continue
                where = f"{list_name}[{index}].{spec_field}"
                if isinstance(value, tuple):
                    where += f"[{position}]"
                found = known.get(ref)
                if found is None:
                    problems.append(
                        SpecProblem(where, "dangling-reference", f'no {_describe(allowed)} "{ref}"')
                    )
                elif found not in allowed:
                    problems.append(
                        SpecProblem(
                            where,
                            "wrong-reference",
                            f'expected a {_describe(allowed)}, found the {found} "{ref}"',
                        )
                    )
    problems.sort(key=lambda p: _location_order(p.location))
    return problems


def _location_order(location: str) -> tuple[int, int, str]:
    head, _, rest = location.partition("[")
    index, _, tail = rest.partition("]")
    list_order = _LISTS.index(head) if head in _LISTS else len(_LISTS)
    return (list_order, int(index) if index.isdigit() else -1, tail)


class Structure:
    """One or more communities: records plus a frozen graph and typed queries.

    Build one with ``govmodel.load`` from a spec, or directly from records.
    Dangling references and duplicate ids raise ``govmodel.SpecError``;
    everything else is checked by ``govmodel.validate``.

    Two structures are equal when they hold the same records, whatever their
    order, so ``load(to_dict(s)) == s``.

    Examples
    --------
    >>> from govmodel.model import Place, PlaceKind
    >>> s = Structure(name="tiny", places=[Place(id="community:a", kind=PlaceKind.COMMUNITY)])
    >>> [p.id for p in s.places()]
    ['community:a']
    >>> s == Structure(name="tiny", places=[Place(id="community:a", kind=PlaceKind.COMMUNITY)])
    True
    """

    __slots__ = (
        "_by_id",
        "_children",
        "_content",
        "_covering",
        "_graph",
        "_hash",
        "_holds",
        "_index",
        "_memo",
        "_posts_held",
        "_records",
        "name",
        "name_zh",
    )

    name: str
    name_zh: str
    _by_id: dict[str, NodeRecord]
    _children: dict[str, tuple[str, ...]]
    _content: tuple[object, ...] | None
    _covering: dict[str, str]
    _graph: nx.MultiDiGraph[str]
    _hash: int
    _holds: dict[str, tuple[Appointment, ...]]
    _index: dict[str, dict[str, tuple[str, ...]]]
    _memo: dict[str, Any]
    _posts_held: dict[str, tuple[Appointment, ...]]
    _records: dict[str, tuple[Any, ...]]

    def __init__(
        self,
        *,
        name: str = "",
        name_zh: str = "",
        places: Iterable[Place] = (),
        grids: Iterable[Grid] = (),
        bodies: Iterable[Body] = (),
        people: Iterable[Person] = (),
        posts: Iterable[Post] = (),
        appointments: Iterable[Appointment] = (),
        ties: Iterable[Tie] = (),
        meetings: Iterable[Meeting] = (),
    ) -> None:
        with paused():
            self._build(
                name,
                name_zh,
                {
                    "places": tuple(places),
                    "grids": tuple(grids),
                    "bodies": tuple(bodies),
                    "people": tuple(people),
                    "posts": tuple(posts),
                    "appointments": tuple(appointments),
                    "ties": tuple(ties),
                    "meetings": tuple(meetings),
                },
            )

    def _build(self, name: str, name_zh: str, records: dict[str, tuple[Any, ...]]) -> None:
        # The quick checks pass for every sound structure; only when one fails
        # are the located problems worked out, by the slower full checks.
        by_id = _node_index(records)
        if by_id is None or not _references_hold(records, by_id) or not _ties_unique(records):
            problems = reference_problems(records)
            problems += _duplicate_edges(records)
            if problems:
                raise SpecError(f"cannot build the structure {name!r}", problems)
            by_id = {r.id: r for n in _NODE_LISTS for r in records[n]}
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "name_zh", name_zh)
        object.__setattr__(self, "_records", records)
        object.__setattr__(self, "_by_id", by_id)
        object.__setattr__(self, "_graph", _build_graph(records))
        # Equality needs every record hashed into sets: made on the first
        # comparison, not here, since most structures are never compared.
        object.__setattr__(self, "_content", None)
        object.__setattr__(self, "_hash", 0)
        object.__setattr__(self, "_memo", {})
        self._build_indexes()

    def __setattr__(self, key: str, value: object) -> None:
        raise AttributeError(f"a Structure is immutable: cannot set {key!r}")

    def __delattr__(self, key: str) -> None:
        raise AttributeError(f"a Structure is immutable: cannot delete {key!r}")

    def memo(self, key: str, factory: Callable[[], _T]) -> _T:
        """Storage for tables derived from the structure, made once on first use.

        The structure is immutable, so whatever is derived from it stays
        valid; govmodel's rules keep their routing tables here. Not part of
        equality, hashing or pickling.

        Examples
        --------
        >>> from govmodel import examples
        >>> s = examples.load("xinhe")
        >>> s.memo("place count", lambda: len(s.places()))
        7
        """
        if key not in self._memo:
            self._memo[key] = factory()
        value: _T = self._memo[key]
        return value

    def records(self) -> dict[str, tuple[Any, ...]]:
        """Every record list, keyed by spec list name, in spec order.

        Examples
        --------
        >>> from govmodel import examples
        >>> list(examples.load("xinhe").records())
        ['places', 'grids', 'bodies', 'people', 'posts', 'appointments', 'ties', 'meetings']
        """
        return dict(self._records)

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, (self.name, self.name_zh, self._records))

    def _identity(self) -> tuple[int, tuple[object, ...]]:
        content = self._content
        if content is None:
            content = (
                self.name,
                self.name_zh,
                *(frozenset(self._records[n]) for n in _LISTS),
            )
            object.__setattr__(self, "_content", content)
            object.__setattr__(self, "_hash", hash(content))
        return self._hash, content

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Structure):
            return NotImplemented
        if self is other:
            return True
        mine, theirs = self._identity(), other._identity()
        return mine[0] == theirs[0] and mine[1] == theirs[1]

    def __hash__(self) -> int:
        return self._identity()[0]

    def __repr__(self) -> str:
        counts = ", ".join(f"{len(self._records[n])} {n}" for n in _LISTS)
        return f"<Structure {self.name!r}: {counts}>"

    def evolve(self, **changes: Any) -> Structure:
        """A new structure with some record lists (or names) replaced.

        Examples
        --------
        >>> from govmodel import examples
        >>> s = examples.load("xinhe")
        >>> t = s.evolve(meetings=())
        >>> len(t.meetings()), len(s.meetings()) > 0
        (0, True)
        """
        fields: dict[str, Any] = {"name": self.name, "name_zh": self.name_zh, **self._records}
        unknown = set(changes) - set(fields)
        if unknown:
            raise TypeError(
                f"evolve: unknown field(s) {sorted(unknown)}; expected some of {sorted(fields)}"
            )
        fields.update(changes)
        return Structure(**fields)

    # -- the graph ---------------------------------------------------------

    @property
    def graph(self) -> nx.MultiDiGraph[str]:
        """The frozen graph: node attribute ``"obj"``, edge key ``Relation``."""
        return self._graph

    # -- typed queries -----------------------------------------------------

    def __contains__(self, node_id: object) -> bool:
        return node_id in self._by_id

    def node(self, node_id: str) -> NodeRecord:
        """The record with id ``node_id``.

        Raises
        ------
        UnknownNodeError
            When no node has that id.

        Examples
        --------
        >>> from govmodel import examples
        >>> examples.load("xinhe").node("pm:cxh").kind
        <BodyKind.PROPERTY_COMPANY: 'property_company'>
        """
        try:
            return self._by_id[node_id]
        except KeyError:
            raise UnknownNodeError(
                node_id, f"the structure {self.name!r}".replace("'", '"')
            ) from None

    def _typed(self, node_id: str, cls: type[_R]) -> _R:
        record = self.node(node_id)
        if not isinstance(record, cls):
            raise UnknownNodeError(
                node_id, f'the {cls.__name__.lower()}s of the structure "{self.name}"'
            )
        return record

    def place(self, place_id: str) -> Place:
        """The place ``place_id`` (``UnknownNodeError`` if it is not a place)."""
        return self._typed(place_id, Place)

    def body(self, body_id: str) -> Body:
        """The body ``body_id`` (``UnknownNodeError`` if it is not a body)."""
        return self._typed(body_id, Body)

    def grid(self, grid_id: str) -> Grid:
        """The grid ``grid_id`` (``UnknownNodeError`` if it is not a grid)."""
        return self._typed(grid_id, Grid)

    def post(self, post_id: str) -> Post:
        """The post ``post_id`` (``UnknownNodeError`` if it is not a post)."""
        return self._typed(post_id, Post)

    def person(self, person_id: str) -> Person:
        """The person ``person_id`` (``UnknownNodeError`` if not a person)."""
        return self._typed(person_id, Person)

    def meeting(self, meeting_id: str) -> Meeting:
        """The meeting ``meeting_id`` (``UnknownNodeError`` if not a meeting)."""
        return self._typed(meeting_id, Meeting)

    def places(self, kind: PlaceKind | str | None = None) -> tuple[Place, ...]:
        """The places, in spec order, optionally of one kind.

        Examples
        --------
        >>> from govmodel import examples
        >>> len(examples.load("zhuanqiao").places(kind="compound"))
        3
        """
        if kind is None:
            places: tuple[Place, ...] = self._records["places"]
            return places
        return self._grouped("places", "kind").get(PlaceKind(kind), ())

    def _record_list(self, list_name: str) -> tuple[Any, ...]:
        return self._records[list_name]

    def _grouped(self, list_name: str, attribute: str) -> dict[Any, tuple[Any, ...]]:
        # The records of one list by kind (level, role): made once per structure, so
        # asking for the buildings of a city does not scan every place each time.
        def group() -> dict[Any, tuple[Any, ...]]:
            groups: dict[Any, list[Any]] = {}
            for record in self._records[list_name]:
                groups.setdefault(getattr(record, attribute), []).append(record)
            return {value: tuple(records) for value, records in groups.items()}

        return self.memo(f"structure.{list_name} by {attribute}", group)

    def bodies(self, kind: BodyKind | str | None = None) -> tuple[Body, ...]:
        """The bodies, in spec order, optionally of one kind.

        Examples
        --------
        >>> from govmodel import examples
        >>> [b.id for b in examples.load("xinhe").bodies(kind="mediation_room")]
        ['mediation:xinhexin']
        """
        if kind is None:
            bodies: tuple[Body, ...] = self._record_list("bodies")
            return bodies
        return self._grouped("bodies", "kind").get(BodyKind(kind), ())

    def grids(self, level: GridLevel | str | None = None) -> tuple[Grid, ...]:
        """The grids, in spec order, optionally of one level.

        Examples
        --------
        >>> from govmodel import examples
        >>> len(examples.load("chengxi").grids(level="micro"))
        38
        """
        if level is None:
            grids: tuple[Grid, ...] = self._record_list("grids")
            return grids
        return self._grouped("grids", "level").get(GridLevel(level), ())

    def posts(self, role: Role | str | None = None) -> tuple[Post, ...]:
        """The posts, in spec order, optionally of one role.

        Examples
        --------
        >>> from govmodel import examples
        >>> len(examples.load("xinhe").posts(role="mediator"))
        1
        """
        if role is None:
            posts: tuple[Post, ...] = self._record_list("posts")
            return posts
        return self._grouped("posts", "role").get(Role(role), ())

    def people(self) -> tuple[Person, ...]:
        """The people, in spec order."""
        people: tuple[Person, ...] = self._record_list("people")
        return people

    def appointments(self) -> tuple[Appointment, ...]:
        """The appointments, in spec order."""
        appointments: tuple[Appointment, ...] = self._record_list("appointments")
        return appointments

    def meetings(self) -> tuple[Meeting, ...]:
        """The standing meetings, in spec order."""
        meetings: tuple[Meeting, ...] = self._record_list("meetings")
        return meetings

    def children(self, place_id: str) -> tuple[Place, ...]:
        """The places directly inside ``place_id``, in spec order.

        Examples
        --------
        >>> from govmodel import examples
        >>> [p.id for p in examples.load("xinhe").children("community:xinhe")][:1]
        ['compound:wanda']
        """
        self.place(place_id)
        return tuple(self.place(c) for c in self._children.get(place_id, ()))

    def ancestors(self, place_id: str) -> tuple[Place, ...]:
        """The places containing ``place_id``, nearest first.

        Examples
        --------
        >>> from govmodel import examples
        >>> [p.kind.value for p in examples.load("xinhe").ancestors("building:wanda-1")]
        ['compound', 'community', 'street']
        """
        place = self.place(place_id)
        chain: list[Place] = []
        seen = {place_id}
        while place.parent is not None and place.parent not in seen:
            seen.add(place.parent)
            place = self.place(place.parent)
            chain.append(place)
        return tuple(chain)

    def enclosing(self, place_id: str, kind: PlaceKind | str) -> Place | None:
        """The place of ``kind`` that is ``place_id`` or contains it, if any.

        Examples
        --------
        >>> from govmodel import examples
        >>> examples.load("xinhe").enclosing("building:wanda-1", "community").id
        'community:xinhe'
        """
        wanted = PlaceKind(kind)
        place = self.place(place_id)
        for candidate in (place, *self.ancestors(place_id)):
            if candidate.kind is wanted:
                return candidate
        return None

    def grid_of(self, place_id: str) -> Grid | None:
        """The smallest grid covering ``place_id`` or the nearest place containing it.

        Examples
        --------
        >>> from govmodel import examples
        >>> examples.load("xinhe").grid_of("building:wanda-1").level
        <GridLevel.MICRO: 'micro'>
        >>> examples.load("xinhe").grid_of("street:xinhua") is None
        True
        """
        chain = self.grid_chain(place_id)
        return chain[0] if chain else None

    def grid_chain(self, place_id: str) -> tuple[Grid, ...]:
        """The grids over ``place_id``, smallest first (micro, compound, community).

        Examples
        --------
        >>> from govmodel import examples
        >>> [g.level.value for g in examples.load("xinhe").grid_chain("building:wanda-1")]
        ['micro', 'compound', 'community']
        """
        place = self.place(place_id)
        for candidate in (place, *self.ancestors(place_id)):
            grid_id = self._covering.get(candidate.id)
            if grid_id is not None:
                chain = [self.grid(grid_id)]
                seen = {grid_id}
                while chain[-1].parent is not None and chain[-1].parent not in seen:
                    seen.add(chain[-1].parent)
                    chain.append(self.grid(chain[-1].parent))
                return tuple(chain)
        return ()

    def holders(self, post_id: str, at: dt.date | None = None) -> tuple[Person, ...]:
        """The people holding ``post_id`` on day ``at`` (ever, when ``at`` is None).

        Examples
        --------
        >>> import datetime as dt
        >>> from govmodel import examples
        >>> s = examples.load("xinhe")
        >>> len(s.holders("post:xinhexin-mediator", at=dt.date(2025, 6, 1)))
        3
        """
        self.post(post_id)
        if isinstance(at, dt.datetime):
            at = at.date()
        seen: dict[str, None] = {}
        for appointment in self._holds.get(post_id, ()):
            if at is None or appointment.active(at):
                seen.setdefault(appointment.person)
        return tuple(self.person(p) for p in seen)

    def posts_of(self, person_id: str, at: dt.date | None = None) -> tuple[Post, ...]:
        """The posts ``person_id`` holds on day ``at`` (ever, when ``at`` is None).

        Examples
        --------
        >>> import datetime as dt
        >>> from govmodel import examples
        >>> s = examples.load("chengxi")
        >>> sorted(p.role.value for p in s.posts_of("person:rc-director", at=dt.date(2025, 6, 1)))
        ['grid_leader', 'member', 'property_supervisor', 'secretary']
        """
        self.person(person_id)
        if isinstance(at, dt.datetime):
            at = at.date()
        seen: dict[str, None] = {}
        for appointment in self._posts_held.get(person_id, ()):
            if at is None or appointment.active(at):
                seen.setdefault(appointment.post)
        return tuple(self.post(p) for p in seen)

    def appointments_of(self, post_id: str) -> tuple[Appointment, ...]:
        """Every appointment to ``post_id``, in spec order."""
        self.post(post_id)
        return self._holds.get(post_id, ())

    def posts_in(self, owner_id: str) -> tuple[Post, ...]:
        """The posts of a body or grid, in spec order.

        Examples
        --------
        >>> from govmodel import examples
        >>> [p.role.value for p in examples.load("zhuanqiao").posts_in("grid:dongbei-micro")]
        ['building_group_leader', 'party_second_leader', 'red_property_specialist']
        """
        self.node(owner_id)
        return tuple(self.post(p) for p in self._index["posts_in"].get(owner_id, ()))

    def members(self, body_id: str, at: dt.date | None = None) -> tuple[Person, ...]:
        """The people holding posts in ``body_id`` on day ``at``, each once.

        Examples
        --------
        >>> from govmodel import examples
        >>> s = examples.load("zhuanqiao")
        >>> smc = s.bodies(kind="self_management_committee")[0]
        >>> people = s.members(smc.id)
        >>> len(people), sum(p.party_member for p in people)
        (5, 2)
        """
        seen: dict[str, Person] = {}
        for post in self.posts_in(body_id):
            for person in self.holders(post.id, at):
                seen.setdefault(person.id, person)
        return tuple(seen.values())

    def ties(self, kind: TieKind | str | None = None) -> tuple[Tie, ...]:
        """The declared ties, optionally of one kind."""
        if kind is None:
            ties: tuple[Tie, ...] = self._record_list("ties")
            return ties
        return self._grouped("ties", "kind").get(TieKind(kind), ())

    def ties_of(self, body_id: str, kind: TieKind | str | None = None) -> tuple[Tie, ...]:
        """The declared ties from or to ``body_id``, in spec order, optionally of one kind.

        Examples
        --------
        >>> from govmodel import examples
        >>> s = examples.load("zhuanqiao")
        >>> [(t.kind.value, t.source) for t in s.ties_of("party:telecom-east")]
        [('embedded_in', 'party:telecom-east'), ('paired', 'party:zhuanqiao')]
        >>> [t.target for t in s.ties_of("party:zhuanqiao", kind="partners")]
        ['partner:donor-enterprises']
        """
        self.body(body_id)

        def by_body() -> dict[str, tuple[Tie, ...]]:
            touching: dict[str, list[Tie]] = defaultdict(list)
            for tie in self._record_list("ties"):
                for end in dict.fromkeys((tie.source, tie.target)):
                    touching[end].append(tie)
            return {body: tuple(ties) for body, ties in touching.items()}

        ties = self.memo("structure.ties by body", by_body).get(body_id, ())
        if kind is None:
            return ties
        wanted = TieKind(kind)
        return tuple(t for t in ties if t.kind is wanted)

    def serving(self, place_id: str) -> tuple[Body, ...]:
        """The bodies that serve ``place_id`` by contract (property companies)."""
        self.place(place_id)
        return tuple(self.body(b) for b in self._index["served_by"].get(place_id, ()))

    def answering_for(self, place_id: str) -> tuple[Body, ...]:
        """The bodies whose jurisdiction names ``place_id`` itself."""
        self.place(place_id)
        return tuple(self.body(b) for b in self._index["answered_by"].get(place_id, ()))

    def meetings_for(self, place_id: str) -> tuple[Meeting, ...]:
        """The standing meetings that take up the matters of ``place_id`` itself."""
        self.place(place_id)
        return tuple(self.meeting(m) for m in self._index["meetings_for"].get(place_id, ()))

    # -- internals ---------------------------------------------------------

    def _build_indexes(self) -> None:
        by_id = self._by_id
        children: dict[str, list[str]] = defaultdict(list)
        for place in self._record_list("places"):
            if place.parent is not None:
                children[place.parent].append(place.id)
        object.__setattr__(self, "_children", {k: tuple(v) for k, v in children.items()})
        covering: dict[str, str] = {}
        # The smallest grid over a place is its grid: a micro-grid that covers a
        # whole compound comes before the compound's general grid. Within one
        # level the first grid wins; overlaps are reported by validate().
        for level in (GridLevel.MICRO, GridLevel.COMPOUND, GridLevel.COMMUNITY):
            for grid in self._record_list("grids"):
                if grid.level is level:
                    for place_id in grid.covers:
                        covering.setdefault(place_id, grid.id)
        object.__setattr__(self, "_covering", covering)
        holds: dict[str, list[Appointment]] = defaultdict(list)
        posts_held: dict[str, list[Appointment]] = defaultdict(list)
        for appointment in self._record_list("appointments"):
            holds[appointment.post].append(appointment)
            posts_held[appointment.person].append(appointment)
        object.__setattr__(self, "_holds", {k: tuple(v) for k, v in holds.items()})
        object.__setattr__(self, "_posts_held", {k: tuple(v) for k, v in posts_held.items()})
        index: dict[str, dict[str, list[str]]] = {
            "posts_in": defaultdict(list),
            "served_by": defaultdict(list),
            "answered_by": defaultdict(list),
            "meetings_for": defaultdict(list),
        }
        for post in self._record_list("posts"):
            index["posts_in"][post.within].append(post.id)
        for body in self._record_list("bodies"):
            for place_id in body.serves:
                index["served_by"][place_id].append(body.id)
            for place_id in body.jurisdiction:
                index["answered_by"][place_id].append(body.id)
        for meeting in self._record_list("meetings"):
            target = meeting.place or _convener_place(meeting, by_id)
            if target is not None:
                index["meetings_for"][target].append(meeting.id)
        object.__setattr__(
            self, "_index", {k: {kk: tuple(vv) for kk, vv in v.items()} for k, v in index.items()}
        )


def _convener_place(meeting: Meeting, by_id: Mapping[str, NodeRecord]) -> str | None:
    convener = by_id.get(meeting.convener)
    if isinstance(convener, Body) and len(convener.jurisdiction) == 1:
        return convener.jurisdiction[0]
    return None


def _rebuild(name: str, name_zh: str, records: dict[str, tuple[Any, ...]]) -> Structure:
    return Structure(name=name, name_zh=name_zh, **records)


def _duplicate_edges(records: Mapping[str, Sequence[Any]]) -> list[SpecProblem]:
    problems: list[SpecProblem] = []
    seen: dict[tuple[str, str, TieKind], int] = {}
    for index, tie in enumerate(records.get("ties", ())):
        key = (tie.source, tie.target, tie.kind)
        if key in seen:
            problems.append(
                SpecProblem(
                    f"ties[{index}]",
                    "duplicate-tie",
                    f'the {tie.kind.value} tie from "{tie.source}" to "{tie.target}" '
                    f"is already declared at ties[{seen[key]}]",
                )
            )
        else:
            seen[key] = index
    return problems


_NODE_TYPES: dict[str, type[Any]] = {
    "places": Place,
    "grids": Grid,
    "bodies": Body,
    "people": Person,
    "posts": Post,
    "meetings": Meeting,
}


def _node_index(records: Mapping[str, Sequence[Any]]) -> dict[str, NodeRecord] | None:
    """Every node record by id; ``None`` for a duplicate id or a record of another type."""
    by_id: dict[str, NodeRecord] = {}
    count = 0
    for list_name, cls in _NODE_TYPES.items():
        node_records = records[list_name]
        if not all(type(record) is cls for record in node_records):
            return None
        by_id.update({record.id: record for record in node_records})
        count += len(node_records)
    return by_id if len(by_id) == count else None


_EDGE_TYPES: dict[str, type[Any]] = {"appointments": Appointment, "ties": Tie}

_ReferencesCheck = Callable[[Mapping[str, Sequence[Any]], dict[str, NodeRecord]], bool]


def _compile_references_hold() -> _ReferencesCheck:
    """Write ``_references_hold`` from ``_REFERENCES``, as attrs writes ``__init__``.

    ``_REFERENCES`` is the one statement of which reference may name which
    record type. ``reference_problems`` reads it at run time; this turns it
    into the loops one would write by hand for ``Structure()``: one pass over
    each list, one dictionary look-up and one type test per reference. (A
    loop that read the table at run time took a fifth longer on a
    million-node structure.) A field whose default is ``()`` holds a tuple of
    ids, one whose default is ``None`` an id or nothing, any other a required
    id. The source goes into ``linecache``, so tracebacks show its lines.
    """
    record_types = {**_NODE_TYPES, **_EDGE_TYPES}
    class_of = {_TYPE_OF_LIST[name]: cls.__name__ for name, cls in _NODE_TYPES.items()}
    lines = [
        "def _references_hold(records, by_id):",
        '    """Whether every reference names a node of the right type (see _REFERENCES)."""',
        "    get = by_id.get",
    ]
    for list_name, cls in _EDGE_TYPES.items():
        lines.append(f"    if not all(type(r) is {cls.__name__} for r in records[{list_name!r}]):")
        lines.append("        return False")
    for list_name in _LISTS:
        fields = {field: types for (name, field), types in _REFERENCES.items() if name == list_name}
        if fields:
            lines.append(f"    for r in records[{list_name!r}]:")
        for field, types in fields.items():
            names = sorted(class_of[t] for t in types)
            if len(names) == 1:
                wrong = f"type(get(ref)) is not {names[0]}"
            else:
                wrong = f"type(get(ref)) not in ({', '.join(names)})"
            default = attrs.fields_dict(record_types[list_name])[field].default
            if default == ():
                lines.append(f"        for ref in r.{field}:")
                lines.append(f"            if {wrong}:")
                lines.append("                return False")
            else:
                guard = "ref is not None and " if default is None else ""
                lines.append(f"        ref = r.{field}")
                lines.append(f"        if {guard}{wrong}:")
                lines.append("            return False")
    lines.append("    return True")
    source = "".join(line + "\n" for line in lines)
    filename = "<govmodel.structure._references_hold>"
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    namespace: dict[str, Any] = {cls.__name__: cls for cls in record_types.values()}
    exec(compile(source, filename, "exec"), namespace)
    check: _ReferencesCheck = namespace["_references_hold"]
    return check


_references_hold = _compile_references_hold()
"""Whether every reference names a node of the right type: the quick check behind
``Structure()``; ``reference_problems`` says what is wrong when this fails."""


def _ties_unique(records: Mapping[str, Sequence[Any]]) -> bool:
    ties = records["ties"]
    return len({(t.source, t.target, t.kind) for t in ties}) == len(ties)


class _SealedDict(dict[str, Any]):
    """A dict that refuses every change: the attribute dictionaries of a structure's graph.

    Still a ``dict`` for networkx, which reads them as dicts. A copy, a deep
    copy or an unpickled one is a plain dict, so ``graph.copy()`` and
    ``graph.to_undirected()`` give graphs their caller may change.
    """

    __slots__ = ()

    def _refuse(self, *args: object, **kwargs: object) -> Any:
        raise TypeError(
            "a structure's graph is frozen: its attribute dictionaries cannot be changed "
            "(copy the graph with graph.copy() to change a copy)"
        )

    __setitem__ = __delitem__ = __ior__ = _refuse
    update = pop = popitem = clear = setdefault = _refuse

    def copy(self) -> dict[str, Any]:
        return dict(self)

    def __copy__(self) -> dict[str, Any]:
        return dict(self)

    def __deepcopy__(self, memo: dict[int, Any]) -> dict[str, Any]:
        return deepcopy(dict(self), memo)

    def __reduce__(self) -> tuple[Any, ...]:
        return (dict, (dict(self),))


_NO_DATA: Mapping[str, Any] = _SealedDict()


def _build_graph(records: Mapping[str, Sequence[Any]]) -> nx.MultiDiGraph[str]:
    """The frozen graph of the records.

    Written straight into networkx's adjacency dictionaries (``_node``,
    ``_succ``, ``_pred``) rather than through ``add_node`` and ``add_edge``,
    which check and clear caches on every call: the result is the graph those
    calls would make, node for node and edge for edge in the same order, made
    several times faster. The references were checked before, so every edge
    joins two nodes of the graph.
    """
    # nx.freeze refuses add_node and the like, but not a change to the
    # attribute dictionaries it hands out (graph.nodes[n], graph.edges[u, v, k],
    # graph.graph), which every holder of the structure shares, a cached
    # example's included: they are sealed dicts, written as such from the
    # start, and the many edges without data share one empty one.
    graph: nx.MultiDiGraph[str] = nx.MultiDiGraph()
    node_data: dict[str, Mapping[str, Any]] = graph._node
    succ: dict[str, dict[str, dict[Relation, Mapping[str, Any]]]] = graph._succ
    pred: dict[str, dict[str, dict[Relation, Mapping[str, Any]]]] = graph._pred
    empty = _NO_DATA
    for list_name in _NODE_LISTS:
        node_type = _TYPE_OF_LIST[list_name]
        node_records = records[list_name]
        node_data.update({r.id: _SealedDict({"obj": r, "type": node_type}) for r in node_records})
        succ.update({r.id: {} for r in node_records})
        pred.update({r.id: {} for r in node_records})

    def add(source: str, target: str, key: Relation, data: dict[str, Any]) -> None:
        # For relations that may join a pair of nodes already joined by another.
        keys = succ[source].get(target)
        if keys is None:
            keys = {}
            succ[source][target] = keys
            pred[target][source] = keys
        existing = keys.get(key)
        if existing is None:
            keys[key] = _SealedDict(data) if data else empty
        elif data:
            keys[key] = _SealedDict({**existing, **data})

    # Containment, grid parents and coverage, posts and holdings join each pair
    # of nodes once at most, so their edges are written without looking first.
    keys: dict[Relation, Mapping[str, Any]]
    contains, parent_of, covers = Relation.CONTAINS, Relation.PARENT_OF, Relation.COVERS
    for place in records["places"]:
        if place.parent is not None:
            keys = {contains: empty}
            succ[place.parent][place.id] = keys
            pred[place.id][place.parent] = keys
    for grid in records["grids"]:
        grid_id = grid.id
        if grid.parent is not None:
            keys = {parent_of: empty}
            succ[grid.parent][grid_id] = keys
            pred[grid_id][grid.parent] = keys
        grid_succ = succ[grid_id]
        for place_id in grid.covers:
            keys = {covers: empty}
            grid_succ[place_id] = keys
            pred[place_id][grid_id] = keys
    embedded_in, serves = Relation.EMBEDDED_IN, Relation.SERVES
    answers_for = Relation.ANSWERS_FOR
    for body in records["bodies"]:
        if body.parent is not None:
            add(body.parent, body.id, parent_of, {})
        if body.grid is not None:
            keys = {embedded_in: empty}
            succ[body.id][body.grid] = keys
            pred[body.grid][body.id] = keys
        for place_id in body.serves:
            add(body.id, place_id, serves, {})
        for place_id in body.jurisdiction:
            add(body.id, place_id, answers_for, {})
    for tie in records["ties"]:
        add(tie.source, tie.target, Relation.of_tie(tie.kind), {"obj": tie})
    post_in = Relation.POST_IN
    for post in records["posts"]:
        keys = {post_in: empty}
        succ[post.id][post.within] = keys
        pred[post.within][post.id] = keys
    held: dict[tuple[str, str], list[Appointment]] = {}
    for appointment in records["appointments"]:
        pair = (appointment.person, appointment.post)
        spans = held.get(pair)
        if spans is None:
            held[pair] = [appointment]
        else:
            spans.append(appointment)
    holds = Relation.HOLDS
    for (person, post_id), appointments in held.items():
        keys = {holds: _SealedDict({"appointments": tuple(appointments)})}
        succ[person][post_id] = keys
        pred[post_id][person] = keys
    convenes, member_of = Relation.CONVENES, Relation.MEMBER_OF
    for meeting in records["meetings"]:
        meeting_id = meeting.id
        add(meeting.convener, meeting_id, convenes, {})
        for member in meeting.members:
            add(member, meeting_id, member_of, {})
        if meeting.place is not None:
            keys = {answers_for: empty}
            succ[meeting_id][meeting.place] = keys
            pred[meeting.place][meeting_id] = keys
    graph.graph = _SealedDict(graph.graph)
    return nx.freeze(graph)

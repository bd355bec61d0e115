"""Structure analysis: measures of a coordination design, with networkx underneath.

Pure functions of a structure (and, for people in post, a day):

* ``party_coverage`` — the share of grassroots bodies a party organisation
  leads or is embedded in (党建引领 reaching every body);
* ``party_member_share`` — the share of party members among a body's members
  (Lianhua's owners'-committee functional branch: 85.71 %);
* ``cross_appointment_index`` — the share of people in post who hold more
  than one post (兼任, 交叉任职);
* ``span_of_control`` — children per grid at each grid level;
* ``grid_staff_per_household`` — people holding grid posts per household;
* ``party_betweenness`` — betweenness centrality of each party organisation in
  the coordination graph (bodies, posts and meetings, linked by ties, posts,
  meeting seats and convening): how much coordination passes through the core.

Examples
--------
>>> from govmodel import examples
>>> s = examples.load("lianhua")
>>> branch = next(b for b in s.bodies(kind="party_branch") if "functional" in b.name.lower())
>>> oc = next(t.target for t in s.ties(kind="embedded_in") if t.source == branch.id)
>>> round(100 * party_member_share(s, oc), 2)
85.71
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

import networkx as nx

from govmodel.model import BodyKind, GridLevel, PlaceKind, TieKind
from govmodel.structure import Relation, Structure

__all__ = [
    "cross_appointment_index",
    "grid_staff_per_household",
    "party_betweenness",
    "party_coverage",
    "party_member_share",
    "span_of_control",
]

_GRASSROOTS = frozenset(
    {
        BodyKind.RESIDENTS_COMMITTEE,
        BodyKind.OWNERS_COMMITTEE,
        BodyKind.SELF_MANAGEMENT_COMMITTEE,
        BodyKind.PROPERTY_COMPANY,
        BodyKind.MEDIATION_ROOM,
        BodyKind.VOLUNTEER_TEAM,
    }
)


def party_coverage(structure: Structure) -> float | None:
    """The share of grassroots bodies led by, or embedding, a party organisation.

    Grassroots bodies: residents', owners' and self-management committees,
    property companies, mediation rooms and volunteer teams. ``None`` when
    there are none.

    Examples
    --------
    >>> from govmodel import examples
    >>> party_coverage(examples.load("xinhe"))
    1.0
    """
    bodies = [b for b in structure.bodies() if b.kind in _GRASSROOTS]
    if not bodies:
        return None
    reached = {
        t.target
        for t in structure.ties()
        if t.kind in (TieKind.LEADS, TieKind.EMBEDDED_IN) and structure.body(t.source).kind.is_party
    }
    return sum(1 for b in bodies if b.id in reached) / len(bodies)


def party_member_share(
    structure: Structure, body_id: str, *, at: dt.date | None = None
) -> float | None:
    """The share of party members among the people holding posts in a body.

    ``None`` when the body has no members (on day ``at``, if given).

    Examples
    --------
    >>> from govmodel import examples
    >>> s = examples.load("zhuanqiao")
    >>> smc = s.bodies(kind="self_management_committee")[0]
    >>> party_member_share(s, smc.id)
    0.4
    """
    structure.body(body_id)
    members = structure.members(body_id, at)
    if not members:
        return None
    return sum(1 for p in members if p.party_member) / len(members)


def cross_appointment_index(structure: Structure, *, at: dt.date | None = None) -> float | None:
    """The share of people in post who hold two posts or more (on day ``at``).

    Examples
    --------
    >>> from govmodel import examples
    >>> cross_appointment_index(examples.load("xinhe"))
    0.4
    """
    counts = [len(structure.posts_of(p.id, at)) for p in structure.people()]
    in_post = [c for c in counts if c > 0]
    if not in_post:
        return None
    return sum(1 for c in in_post if c > 1) / len(in_post)


def span_of_control(structure: Structure) -> dict[GridLevel, float]:
    """Mean number of children per grid, by level.

    A community grid's children are its compound grids, a compound grid's its
    micro-grids, a micro-grid's the buildings it covers (a whole-compound
    micro-grid counts the compound's buildings, at least one). Levels without
    grids are left out.

    Examples
    --------
    >>> from govmodel import GridLevel, examples
    >>> span_of_control(examples.load("xinhe"))[GridLevel.MICRO]
    2.0
    """
    children: dict[str, int] = defaultdict(int)
    for grid in structure.grids():
        if grid.parent is not None:
            children[grid.parent] += 1
    out: dict[GridLevel, float] = {}
    for level in GridLevel:
        grids = structure.grids(level=level)
        if not grids:
            continue
        if level is GridLevel.MICRO:
            sizes = []
            for grid in grids:
                size = 0
                for place_id in grid.covers:
                    place = structure.place(place_id)
                    if place.kind is PlaceKind.COMPOUND:
                        size += max(
                            1,
                            sum(
                                1
                                for c in structure.children(place_id)
                                if c.kind is PlaceKind.BUILDING
                            ),
                        )
                    else:
                        size += 1
                sizes.append(size)
        else:
            sizes = [children[g.id] for g in grids]
        out[level] = sum(sizes) / len(sizes)
    return out


def grid_staff_per_household(structure: Structure, *, at: dt.date | None = None) -> float | None:
    """People holding grid posts per household (``None`` if no household is known).

    Households are summed over compounds, or over communities where no
    compound gives a figure.

    Examples
    --------
    >>> import attrs
    >>> from govmodel import examples
    >>> s = examples.load("xinhe")
    >>> grid_staff_per_household(s) is None  # the article gives no household count
    True
    >>> sized = s.evolve(places=[attrs.evolve(p, households=800) if p.kind.value == "compound"
    ...                          else p for p in s.places()])
    >>> grid_staff_per_household(sized)
    0.005
    """
    households = sum(p.households or 0 for p in structure.places(kind=PlaceKind.COMPOUND))
    if not households:
        households = sum(p.households or 0 for p in structure.places(kind=PlaceKind.COMMUNITY))
    if not households:
        return None
    grids = {g.id for g in structure.grids()}
    staff = {
        person.id
        for post in structure.posts()
        if post.within in grids
        for person in structure.holders(post.id, at)
    }
    return len(staff) / households


_COORDINATION = frozenset(
    {
        Relation.LEADS,
        Relation.GUIDES,
        Relation.SUPERVISES,
        Relation.EMBEDDED_IN,
        Relation.PARTNERS,
        Relation.PAIRED,
        Relation.PARENT_OF,
        Relation.POST_IN,
        Relation.HOLDS,
        Relation.MEMBER_OF,
        Relation.CONVENES,
    }
)


def party_betweenness(structure: Structure) -> dict[str, float]:
    """Betweenness centrality of each party organisation in the coordination graph.

    The coordination graph is the undirected graph of bodies, grids, posts,
    people and meetings joined by leadership, guidance, supervision,
    embedding, partnership, hierarchy, posts, appointments, meeting seats and
    convening (places are left out). Normalised as networkx does.

    Examples
    --------
    >>> from govmodel import examples
    >>> scores = party_betweenness(examples.load("xinhe"))
    >>> max(scores, key=scores.__getitem__)
    'party:xinhe'
    """
    graph: nx.Graph[str] = nx.Graph()
    for source, target, key in structure.graph.edges(keys=True):
        if key in _COORDINATION:
            graph.add_edge(source, target)
    party = [b.id for b in structure.bodies() if b.kind.is_party]
    for body_id in party:
        graph.add_node(body_id)
    scores = nx.betweenness_centrality(graph, normalized=True)
    return {body_id: float(scores.get(body_id, 0.0)) for body_id in party}

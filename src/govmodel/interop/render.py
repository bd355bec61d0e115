"""Organisation charts: Mermaid text, Graphviz DOT, and SVG/PNG through Graphviz.

A chart draws the place tree (street → community → compound → building),
the grid tree with its posts, the bodies, their leadership, supervision and
partnership ties, standing meetings, and the people who hold two or more
posts (cross-appointments, 兼任), highlighted in amber with thick amber
``holds`` edges. Each street, community and compound is a cluster (a Mermaid
subgraph), which stands for the ``contains`` edges inside it; a body is drawn
inside the cluster of the places it serves or answers for (so
``answers_for`` edges are not drawn), a grid inside the cluster of the
places it covers, a post beside its body or grid, a person beside their
posts. A post that no drawn person holds is a line of its body's or grid's
label rather than a node of its own (38 micro-grid worker posts would
otherwise double Chengxi's chart). Labels give ``name_zh`` above the English
name; people are shown by id.

``to_mermaid`` gives text that GitHub and MkDocs (Material, with the
``mermaid`` fence of ``pymdownx.superfences``) render; ``to_dot`` gives
Graphviz DOT in a CJK font (``FONT``) so Chinese names render; ``render``
runs Graphviz's ``dot`` program to write SVG or PNG.

Options shared by all three:

``focus``
    A place id (usually a community or a compound): draw that place, the
    places inside it, and what is inside it or answers for it — its grids,
    the bodies that serve or answer for it, their posts, people and meetings.
    The bodies outside that lead, guide, supervise or partner them are drawn
    too, dashed, in their own clusters.
``layer``
    ``"party"``: party organisations, their posts, and the bodies and grids
    their ties (leads, guides, embedded in, …) reach; ``"grid"``: the grid
    tree, its posts and the places it covers; ``"bodies"``: every body and
    standing meeting, their ties and posts. What a layer draws only for
    context is dashed. ``None`` draws everything.
``people``
    ``"cross"`` (the default) draws the people holding two or more posts,
    ``"all"`` every holder of a drawn post, ``"none"`` nobody.
``include_personal``
    People are shown by their id unless this is ``True``; then by name, for
    a named ``reader``.
``reader``, ``at``
    Who the names are for, required with ``include_personal``:
    ``BACK_OFFICE``, or a body, grid, post or person of the structure — a
    person holding a post at ``at`` (see
    ``govmodel.rules.access.check_reader``).

Examples
--------
>>> from govmodel import examples
>>> from govmodel.interop.render import to_dot, to_mermaid
>>> s = examples.load("xinhe")
>>> print(to_mermaid(s).splitlines()[3])
flowchart LR
>>> "万达华府" in to_mermaid(s, focus="compound:wanda")
True
>>> dot = to_dot(s, layer="party")
>>> dot.startswith("digraph"), 'fontname="Noto Sans CJK SC,' in dot
(True, True)
"""

from __future__ import annotations

import html
import json
import os
import shutil
import subprocess
import textwrap
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Literal, get_args

import attrs

from govmodel.errors import GovModelError, InteropError, UnknownNodeError
from govmodel.model import Body, BodyKind, Grid, Meeting, Person, Place, PlaceKind, Post, Role
from govmodel.rules.access import Moment, Reader, check_reader
from govmodel.structure import NodeRecord, Relation, Structure
from govmodel.validation import _cycles

__all__ = [
    "FONT",
    "GraphvizError",
    "GraphvizNotFoundError",
    "Layer",
    "People",
    "render",
    "to_dot",
    "to_mermaid",
]

Layer = Literal["party", "grid", "bodies"]
"""One layer of the structure to draw alone."""

People = Literal["cross", "all", "none"]
"""Which people to draw: the cross-appointed, every holder, or nobody."""

ImageFormat = Literal["svg", "png"]

FONT = "Noto Sans CJK SC"
"""The font of DOT charts; Debian's ``fonts-noto-cjk`` package provides it."""

# Fallbacks after FONT, for Graphviz (through Pango) and for browsers showing
# the SVG on a machine without it: the same Source Han design, then the usual
# system CJK fonts of macOS and Windows.
_FONTNAME = f"{FONT},Source Han Sans SC,PingFang SC,Microsoft YaHei,sans-serif"

_LAYERS: tuple[str, ...] = get_args(Layer)
_PEOPLE: tuple[str, ...] = get_args(People)
_FORMATS: tuple[str, ...] = get_args(ImageFormat)


class GraphvizNotFoundError(GovModelError, FileNotFoundError):
    """Graphviz's ``dot`` program, needed to draw SVG or PNG, was not found.

    Examples
    --------
    >>> print(GraphvizNotFoundError("dot"))  # doctest: +NORMALIZE_WHITESPACE
    drawing an org chart as SVG or PNG needs Graphviz's "dot" program, which
    was not found (looked for "dot"): install Graphviz (Debian and Ubuntu:
    apt-get install graphviz fonts-noto-cjk; macOS: brew install graphviz;
    others: https://graphviz.org/download/) or pass dot="/path/to/dot";
    to_mermaid() and to_dot() need no program
    """

    def __init__(self, program: str) -> None:
        self.program = program
        super().__init__(
            f'drawing an org chart as SVG or PNG needs Graphviz\'s "dot" program, which was '
            f'not found (looked for "{program}"): install Graphviz (Debian and Ubuntu: '
            "apt-get install graphviz fonts-noto-cjk; macOS: brew install graphviz; "
            'others: https://graphviz.org/download/) or pass dot="/path/to/dot"; '
            "to_mermaid() and to_dot() need no program"
        )

    def __str__(self) -> str:
        return str(self.args[0])

    def __reduce__(self) -> tuple[type[GraphvizNotFoundError], tuple[str]]:
        return (type(self), (self.program,))


class GraphvizError(GovModelError, RuntimeError):
    """Graphviz's ``dot`` program ran and failed; the message carries what it said.

    Examples
    --------
    >>> print(GraphvizError("/usr/bin/dot", "Error: syntax error in line 1"))
    /usr/bin/dot failed: Error: syntax error in line 1
    """

    def __init__(self, program: str, message: str) -> None:
        self.program = program
        self.message = message
        super().__init__(f"{program} failed: {message}")

    def __reduce__(self) -> tuple[type[GraphvizError], tuple[str, str]]:
        return (type(self), (self.program, self.message))


# -- what is drawn ----------------------------------------------------------

_ROLE_ZH = {
    Role.GRID_LEADER: "网格长",
    Role.GRID_WORKER: "网格员",
    Role.MICRO_GRID_WORKER: "微网格员",
    Role.BUILDING_STEWARD: "楼栋管家",
    Role.BUILDING_GROUP_LEADER: "楼组长",
    Role.PARTY_SECOND_LEADER: "党员第二楼组长",
    Role.RED_PROPERTY_SPECIALIST: "红色物业专员",
    Role.INFORMATION_OFFICER: "信息员",
    Role.PROPERTY_SUPERVISOR: "物业服务监督员",
    Role.VANGUARD_POST: "党员先锋岗",
    Role.MEDIATOR: "调解员",
    Role.LEGAL_ADVISER: "法律顾问",
    Role.PARTY_INSTRUCTOR: "党建指导员",
    Role.SECRETARY: "书记",
    Role.MEMBER: "委员",
}

# Drawing categories: fill, border, font size (points), DOT shape.
_STYLE: dict[str, tuple[str, str, int, str]] = {
    "street": ("#e0e0e0", "#616161", 12, "box"),
    "community": ("#efe6d2", "#8d6e63", 12, "box"),
    "compound": ("#f7f1e3", "#8d6e63", 11, "box"),
    "building": ("#fbf8f1", "#a1887f", 8, "box"),
    "grid": ("#e8f5e9", "#2e7d32", 9, "box"),
    "micro": ("#f1f8f1", "#2e7d32", 8, "box"),
    "party": ("#fdecea", "#c62828", 10, "box"),
    "committee": ("#e3f2fd", "#1565c0", 10, "box"),
    "company": ("#fff3e0", "#ef6c00", 10, "box"),
    "government": ("#ede7f6", "#5e35b1", 10, "box"),
    "partner": ("#e0f2f1", "#00796b", 10, "box"),
    "meeting": ("#f3e5f5", "#8e24aa", 9, "box"),
    "post": ("#ffffff", "#9e9e9e", 8, "note"),
    "person": ("#ffffff", "#757575", 8, "ellipse"),
    "cross": ("#ffca28", "#e65100", 9, "ellipse"),
}
_BODY_CATEGORY = {
    BodyKind.PARTY_WORKING_COMMITTEE: "party",
    BodyKind.PARTY_COMMITTEE: "party",
    BodyKind.PARTY_BRANCH: "party",
    BodyKind.PARTY_GROUP: "party",
    BodyKind.RESIDENTS_COMMITTEE: "committee",
    BodyKind.OWNERS_COMMITTEE: "committee",
    BodyKind.SELF_MANAGEMENT_COMMITTEE: "committee",
    BodyKind.PROPERTY_COMPANY: "company",
    BodyKind.DEPARTMENT: "government",
    BodyKind.STREET_OFFICE: "government",
    BodyKind.PARTNER_UNIT: "partner",
    BodyKind.MEDIATION_ROOM: "partner",
    BodyKind.VOLUNTEER_TEAM: "partner",
}

# Edge styles: colour, DOT style, pen width, DOT arrowhead, Mermaid link.
_EDGE: dict[str, tuple[str, str, float, str, str]] = {
    "contains": ("#a1887f", "solid", 1.0, "none", "---"),
    "grid": ("#2e7d32", "solid", 1.0, "none", "---"),
    "covers": ("#2e7d32", "dotted", 1.0, "normal", "-.->"),
    "body_parent": ("#757575", "dashed", 1.0, "normal", "-.->"),
    "serves": ("#ef6c00", "solid", 1.2, "normal", "-->"),
    "leads": ("#c62828", "solid", 1.6, "normal", "==>"),
    "guides": ("#c62828", "dashed", 1.4, "normal", "-.->"),
    "embedded_in": ("#c62828", "dotted", 1.6, "odiamond", "-.->"),
    "supervises": ("#1565c0", "solid", 1.6, "normal", "==>"),
    "partners": ("#00796b", "dashed", 1.2, "none", "-.-"),
    "paired": ("#00796b", "dashed", 1.2, "none", "-.-"),
    "post_in": ("#bdbdbd", "solid", 0.8, "none", "---"),
    "holds": ("#9e9e9e", "solid", 0.8, "none", "---"),
    "cross": ("#e65100", "solid", 2.2, "none", "---"),
    "member_of": ("#8e24aa", "dashed", 0.8, "none", "-.-"),
    "convenes": ("#8e24aa", "solid", 1.2, "normal", "-->"),
}
_TIE_LABEL = {
    Relation.LEADS: "leads",
    Relation.GUIDES: "guides",
    Relation.SUPERVISES: "supervises",
    Relation.EMBEDDED_IN: "embedded in",
    Relation.PARTNERS: "partners",
    Relation.PAIRED: "paired",
}
_TIES = frozenset(_TIE_LABEL)
# Relations drawn as placement, not as edges: a body sits in the cluster of
# the places it answers for.
_NOT_DRAWN = frozenset({Relation.ANSWERS_FOR})
_CLUSTER_KINDS = frozenset({PlaceKind.STREET, PlaceKind.COMMUNITY, PlaceKind.COMPOUND})


@attrs.frozen
class _Text:
    """A label: main lines (the Chinese name, or the only name) and smaller lines."""

    main: tuple[str, ...]
    sub: tuple[str, ...] = ()

    def flat(self) -> str:
        return " ".join((*self.main, *self.sub))


@attrs.frozen
class _Node:
    id: str
    category: str
    text: _Text
    cluster: str | None
    context: bool = False
    # Posts shown inside the node's label rather than as nodes of their own.
    posts: tuple[str, ...] = ()


@attrs.frozen
class _Edge:
    source: str
    target: str
    style: str
    label: str = ""
    # Draw the edge from target to source so that what it points at sits to
    # the left (a post beside its body, a person beside their posts).
    backward: bool = False


@attrs.frozen
class _Chart:
    title: tuple[str, ...]
    nodes: tuple[_Node, ...]
    edges: tuple[_Edge, ...]
    # cluster place id -> (parent cluster or None, label, place node drawn)
    clusters: dict[str, tuple[str | None, _Text, bool]]


def _wrap(text: str, width: int) -> list[str]:
    if not text:
        return []
    wide = sum(1 for ch in text if ord(ch) > 0x2E7F)
    # CJK characters are twice as wide as Latin ones.
    limit = max(6, width // 2) if wide > len(text) / 2 else width
    return textwrap.wrap(text, limit, break_long_words=True) or [text]


def _names(zh: str, en: str, fallback: str) -> _Text:
    if not zh:
        return _Text(tuple(_wrap(en, 26)) or (fallback,))
    return _Text(tuple(_wrap(zh, 24)), tuple(_wrap(en, 28)) if en and en != zh else ())


class _Scene:
    """Everything needed to decide what goes where, computed once per chart."""

    def __init__(self, structure: Structure, *, people: str, include_personal: bool) -> None:
        self.s = structure
        self.people = people
        self.include_personal = include_personal
        self.home_cache: dict[str, str | None] = {}
        self.cross = frozenset(
            p.id for p in structure.people() if len(structure.posts_of(p.id)) > 1
        )
        self.embedded_in: dict[str, str] = {}
        for tie in structure.ties("embedded_in"):
            self.embedded_in.setdefault(tie.source, tie.target)

    # -- places and homes --

    def chain(self, place_id: str) -> list[str]:
        return [place_id, *(p.id for p in self.s.ancestors(place_id))]

    def common(self, places: Iterable[str | None]) -> str | None:
        """The smallest place containing all of ``places`` (None: none does)."""
        result: str | None = None
        first = True
        for place in places:
            if place is None:
                return None
            if first:
                result, first = place, False
                continue
            if result is None:
                return None
            ours = set(self.chain(result))
            result = next((p for p in self.chain(place) if p in ours), None)
        return result

    def home(self, node_id: str, seen: frozenset[str] = frozenset()) -> str | None:
        """The smallest place a node belongs to."""
        if node_id in self.home_cache:
            return self.home_cache[node_id]
        if node_id in seen:
            return None
        seen = seen | {node_id}
        record = self.s.node(node_id)
        result: str | None
        if isinstance(record, Place):
            result = record.id
        elif isinstance(record, Grid):
            result = self.common(record.covers) if record.covers else None
        elif isinstance(record, Body):
            places = (*record.serves, *record.jurisdiction)
            if places:
                result = self.common(places)
            elif record.grid is not None:
                result = self.home(record.grid, seen)
            elif record.id in self.embedded_in:
                result = self.home(self.embedded_in[record.id], seen)
            elif record.parent is not None:
                result = self.home(record.parent, seen)
            else:
                result = None
        elif isinstance(record, Post):
            result = self.home(record.within, seen)
        elif isinstance(record, Person):
            result = self.common(self.home(p.id, seen) for p in self.s.posts_of(record.id))
        else:
            result = record.place if record.place is not None else self.home(record.convener, seen)
        self.home_cache[node_id] = result
        return result

    def cluster_of(self, place_id: str | None) -> str | None:
        """The community or compound cluster a place is drawn in."""
        if place_id is None:
            return None
        for candidate in self.chain(place_id):
            if self.s.place(candidate).kind in _CLUSTER_KINDS:
                return candidate
        return None

    @staticmethod
    def answers_for(record: NodeRecord, places: set[str]) -> bool:
        """Whether a grid covers, a body serves or answers for, a meeting takes up a place."""
        if isinstance(record, Grid):
            return not places.isdisjoint(record.covers)
        if isinstance(record, Body):
            return not places.isdisjoint((*record.serves, *record.jurisdiction))
        return isinstance(record, Meeting) and record.place in places

    def inside(self, place_id: str) -> set[str]:
        found = {place_id}
        todo = [place_id]
        while todo:
            for child in self.s.children(todo.pop()):
                if child.id not in found:
                    found.add(child.id)
                    todo.append(child.id)
        return found

    # -- labels --

    def category(self, record: NodeRecord) -> str:
        if isinstance(record, Place):
            return {PlaceKind.UNIT: "building"}.get(record.kind, record.kind.value)
        if isinstance(record, Grid):
            return "micro" if record.level.value == "micro" else "grid"
        if isinstance(record, Body):
            return _BODY_CATEGORY[record.kind]
        if isinstance(record, Meeting):
            return "meeting"
        if isinstance(record, Post):
            return "post"
        return "cross" if record.id in self.cross else "person"

    def text(self, record: NodeRecord) -> _Text:
        if isinstance(record, Person):
            name = (
                _names(record.name_zh, record.name, record.id)
                if self.include_personal
                else _Text((record.id,))
            )
            if record.id in self.cross:
                posts = len(self.s.posts_of(record.id))
                name = _Text(name.main, (*name.sub, f"兼任 {posts} posts"))
            return name
        if isinstance(record, Post):
            zh = record.name_zh or _ROLE_ZH[record.role]
            en = record.name or record.role.value.replace("_", " ").capitalize()
            seats = f" ×{record.seats}" if record.seats > 1 else ""
            return _Text((zh + seats,), tuple(_wrap(en, 26)))
        return _names(record.name_zh, record.name, record.id)


def _check(structure: Structure, focus: str | None, layer: str | None, people: str) -> None:
    if focus is not None:
        try:
            structure.place(focus)
        except UnknownNodeError:
            raise UnknownNodeError(
                focus, f'the places of the structure "{structure.name}"', what="place to focus on"
            ) from None
    if layer is not None and layer not in _LAYERS:
        raise InteropError(
            "layer", f'expected one of "party", "grid", "bodies" or None, found {layer!r}'
        )
    if people not in _PEOPLE:
        raise InteropError("people", f'expected "cross", "all" or "none", found {people!r}')
    # A chart is drawn by walking the place and body trees: a cycle (which
    # govmodel.load refuses, but load(..., validate=False) lets through) has no
    # picture, and is refused here rather than walked forever.
    for what, records in (("places", structure.places()), ("bodies", structure.bodies())):
        for cycle in _cycles({record.id: record.parent for record in records}):
            raise InteropError(
                what,
                f"expected {what} that form a tree, found a cycle: "
                + " → ".join([*cycle, cycle[0]]),
            )


def _chart(
    structure: Structure,
    *,
    focus: str | None,
    layer: str | None,
    people: str,
    include_personal: bool,
) -> _Chart:
    _check(structure, focus, layer, people)
    scene = _Scene(structure, people=people, include_personal=include_personal)
    graph = structure.graph
    order = {node_id: index for index, node_id in enumerate(graph.nodes)}

    # 1. The nodes in scope: everything, or what is inside the focus place.
    if focus is None:
        scope = set(graph.nodes)
    else:
        places = scene.inside(focus)
        scope = set(places)
        for node_id, data in graph.nodes(data=True):
            if scene.home(node_id) in places or scene.answers_for(data["obj"], places):
                scope.add(node_id)

    # 2. The core of the layer, and what its ties reach as context.
    def typed(cls: type[object]) -> set[str]:
        return {n for n in scope if isinstance(graph.nodes[n]["obj"], cls)}

    context: set[str] = set()
    if layer is None:
        core = {n for n in scope if not isinstance(graph.nodes[n]["obj"], Post | Person)}
    elif layer == "party":
        core = {n for n in typed(Body) if structure.body(n).kind.is_party}
        # A party organisation outside the focus that leads a body inside it
        # belongs to the focus's party layer too.
        for n in typed(Body):
            for source, _, key in graph.in_edges(n, keys=True):
                if key in _TIES and structure.body(source).kind.is_party:
                    core.add(source)
        for n in core:
            for _, target, key in graph.out_edges(n, keys=True):
                if key in _TIES and (n in scope or target in scope):
                    context.add(target)
    elif layer == "grid":
        core = typed(Grid)
        for n in core:
            context.update(structure.grid(n).covers)
    else:
        core = typed(Body) | typed(Meeting)
    # Who leads, guides, supervises or partners a drawn body is drawn too.
    for n in list(core):
        if isinstance(graph.nodes[n]["obj"], Body):
            for source, _, key in graph.in_edges(n, keys=True):
                if key in _TIES and source not in core:
                    context.add(source)
        if isinstance(graph.nodes[n]["obj"], Meeting):
            context.add(structure.meeting(n).convener)
    context -= core
    drawn = core | context

    # 3. Posts of drawn bodies and grids; the people who hold them.
    posts = {post.id for post in structure.posts() if post.within in drawn and post.within in scope}
    holders: set[str] = set()
    held: set[str] = set()
    if people != "none":
        for post in posts:
            for person in structure.holders(post):
                if people == "all" or person.id in scene.cross:
                    holders.add(person.id)
                    held.add(post)
    # A post no drawn person holds is a line in its body's or grid's label:
    # 38 micro-grid worker posts would otherwise double Chengxi's chart.
    folded: dict[str, list[str]] = {}
    for post in sorted(posts - held, key=order.__getitem__):
        folded.setdefault(structure.post(post).within, []).append(
            scene.text(structure.post(post)).flat()
        )
    drawn |= held | holders

    # 4. Clusters and nodes; what lies outside the focus is drawn dashed.
    outside = set() if focus is None else {n for n in drawn if n not in scope}
    clusters: dict[str, tuple[str | None, _Text, bool]] = {}

    def add_cluster(place_id: str) -> None:
        if place_id in clusters:
            return
        place = structure.place(place_id)
        parent = scene.cluster_of(place.parent) if place.parent is not None else None
        if parent is not None:
            add_cluster(parent)
        clusters[place_id] = (parent, _names(place.name_zh, place.name, place.id), False)

    nodes: list[_Node] = []
    for node_id in sorted(drawn, key=order.__getitem__):
        record = graph.nodes[node_id]["obj"]
        cluster = scene.cluster_of(scene.home(node_id))
        if cluster is not None:
            add_cluster(cluster)
        nodes.append(
            _Node(
                id=node_id,
                category=scene.category(record),
                text=scene.text(record),
                posts=tuple(folded.get(node_id, ())),
                cluster=cluster,
                context=node_id in outside or (node_id in context and layer is not None),
            )
        )
    # A cluster holding nothing but its own place is just that place.
    while True:
        members: dict[str, list[str]] = {}
        for node in nodes:
            if node.cluster is not None:
                members.setdefault(node.cluster, []).append(node.id)
        for parent, _, _ in clusters.values():
            if parent is not None:
                members.setdefault(parent, []).append("")
        lone = {c for c in clusters if members.get(c, []) == [c]}
        if not lone:
            break
        nodes = [
            attrs.evolve(node, cluster=clusters[node.id][0]) if node.id in lone else node
            for node in nodes
        ]
        for cluster in lone:
            del clusters[cluster]
    for node in nodes:
        if node.id in clusters and node.cluster == node.id:
            parent, label, _ = clusters[node.id]
            clusters[node.id] = (parent, label, True)

    # 5. Edges between drawn nodes.
    drawn_in = {node.id: node.cluster for node in nodes}

    def chart_clusters(node_id: str) -> set[str]:
        found: set[str] = set()
        cluster = drawn_in[node_id]
        while cluster is not None and cluster not in found:
            found.add(cluster)
            cluster = clusters[cluster][0]
        return found

    edges: list[_Edge] = []
    for source, target, key in graph.edges(keys=True):
        if source not in drawn or target not in drawn or key in _NOT_DRAWN:
            continue
        if key is Relation.CONTAINS and source in chart_clusters(target):
            continue  # the cluster shows it
        edges.append(_edge(structure, scene, source, target, Relation(key)))

    title = _names(structure.name_zh, structure.name, "govmodel").main
    title += _names(structure.name_zh, structure.name, "govmodel").sub
    detail = []
    if focus is not None:
        place = structure.place(focus)
        detail.append(_names(place.name_zh, place.name, place.id).flat())
    if layer is not None:
        detail.append(_LAYER_TITLE[layer])
    if detail:
        title = (*title, " · ".join(detail))
    return _Chart(
        title=title,
        nodes=tuple(nodes),
        edges=tuple(sorted(edges, key=lambda e: _EDGE_ORDER.get(e.style, 99))),
        clusters=clusters,
    )


_LAYER_TITLE = {
    "party": "党组织 party organisations",
    "grid": "网格 grids",
    "bodies": "组织 bodies",
}


# Structural edges first, so layout ranks follow the trees.
_EDGE_ORDER = {name: index for index, name in enumerate(_EDGE)}


def _edge(structure: Structure, scene: _Scene, source: str, target: str, key: Relation) -> _Edge:
    if key is Relation.CONTAINS:
        return _Edge(source, target, "contains")
    if key is Relation.PARENT_OF:
        kind = "grid" if isinstance(structure.node(source), Grid) else "body_parent"
        return _Edge(source, target, kind)
    if key is Relation.EMBEDDED_IN and isinstance(structure.node(target), Grid):
        return _Edge(source, target, "embedded_in", "embedded in", backward=True)
    if key in _TIE_LABEL:
        backward = key is Relation.EMBEDDED_IN
        return _Edge(source, target, key.value, _TIE_LABEL[key], backward=backward)
    if key is Relation.POST_IN:
        return _Edge(source, target, "post_in", backward=True)
    if key is Relation.HOLDS:
        return _Edge(source, target, "cross" if source in scene.cross else "holds", backward=True)
    if key is Relation.MEMBER_OF:
        return _Edge(source, target, "member_of")
    return _Edge(source, target, key.value)  # covers, serves, convenes


def _children(chart: _Chart) -> dict[str | None, list[str]]:
    children: dict[str | None, list[str]] = {}
    for cluster, (parent, _, _) in chart.clusters.items():
        children.setdefault(parent, []).append(cluster)
    return children


# -- Mermaid ------------------------------------------------------------------

_MERMAID_SHAPE = {
    "street": ('["', '"]'),
    "community": ('["', '"]'),
    "compound": ('["', '"]'),
    "building": ('["', '"]'),
    "grid": ('(["', '"])'),
    "micro": ('(["', '"])'),
    "meeting": ('{{"', '"}}'),
    "post": ('>"', '"]'),
    "person": ('(["', '"])'),
    "cross": ('(["', '"])'),
}


def _mermaid_text(text: str) -> str:
    # Mermaid's entity codes; "#" first, as the others use it.
    for char, code in (("#", "#35;"), ('"', "#quot;"), ("<", "#lt;"), (">", "#gt;")):
        text = text.replace(char, code)
    return text.replace("&", "#amp;").replace("`", "#96;")


def to_mermaid(
    structure: Structure,
    *,
    focus: str | None = None,
    layer: Layer | None = None,
    people: People = "cross",
    include_personal: bool = False,
    reader: Reader | None = None,
    at: Moment | None = None,
) -> str:
    """The organisation chart as a Mermaid flowchart.

    Node ids are ``n0``, ``n1``, …, each preceded by a ``%%`` comment naming
    its record id; communities and compounds are subgraphs. Ties carry their
    kind as a label; colours follow the DOT chart (see the module
    documentation and ``to_dot``).

    Parameters
    ----------
    structure
        The structure to draw.
    focus, layer, people, include_personal, reader, at
        See the module documentation.

    Raises
    ------
    UnknownNodeError
        When ``focus`` names no place.
    InteropError
        When ``layer`` or ``people`` is not one of its values.

    Examples
    --------
    >>> from govmodel import examples
    >>> text = to_mermaid(examples.load("zhuanqiao"), focus="compound:dongbei")
    >>> for line in text.splitlines()[:8]:
    ...     print(line)
    ---
    title: "砖桥居民区 · Zhuanqiao residents' area · 洞北小区 Dongbei compound"
    ---
    flowchart LR
        subgraph s0 ["洞泾镇 Dongjing town"]
            %% so:dongjing
            n3("洞泾镇政府<br/>Dongjing town government"):::government_context
            subgraph s1 ["砖桥居民区 Zhuanqiao residents' area"]
    >>> for line in text.splitlines():
    ...     if "supervises" in line:
    ...         print(line)
        n3 ==>|supervises| n5
        n6 ==>|supervises| n5
    >>> "compound:jiahe" in text
    False
    """
    check_reader(structure, reader, include_personal=include_personal, at=at, where="to_mermaid")
    chart = _chart(
        structure, focus=focus, layer=layer, people=people, include_personal=include_personal
    )
    ids = {node.id: f"n{index}" for index, node in enumerate(chart.nodes)}
    cluster_ids = {cluster: f"s{index}" for index, cluster in enumerate(chart.clusters)}
    by_cluster: dict[str | None, list[_Node]] = {}
    for node in chart.nodes:
        by_cluster.setdefault(node.cluster, []).append(node)
    children = _children(chart)
    # A JSON string is a YAML string: the front matter title needs no other quoting.
    title = json.dumps(" · ".join(chart.title), ensure_ascii=False)
    out = ["---", f"title: {title}", "---", "flowchart LR"]

    def emit(cluster: str | None, depth: int) -> None:
        pad = "    " * depth
        for node in by_cluster.get(cluster, []):
            opening, closing = _MERMAID_SHAPE.get(node.category, ('("', '")'))
            lines = (*node.text.main, *node.text.sub, *node.posts)
            label = "<br/>".join(_mermaid_text(line) for line in lines)
            css = node.category + ("_context" if node.context else "")
            out.append(f"{pad}%% {node.id}")
            out.append(f"{pad}{ids[node.id]}{opening}{label}{closing}:::{css}")
        for child in children.get(cluster, []):
            _, text, has_node = chart.clusters[child]
            label = " " if has_node else text.flat()
            out.append(f'{pad}subgraph {cluster_ids[child]} ["{_mermaid_text(label)}"]')
            emit(child, depth + 1)
            out.append(f"{pad}end")

    emit(None, 1)
    link_styles: dict[str, list[int]] = {}
    for index, edge in enumerate(chart.edges):
        source, target = ids[edge.source], ids[edge.target]
        arrow = _EDGE[edge.style][4]
        if edge.backward and not arrow.endswith(">"):
            # An undirected link may be written either way; this way round
            # puts a post after its body and a person after their posts.
            source, target = target, source
        label = f"|{_mermaid_text(edge.label)}|" if edge.label else ""
        out.append(f"    {source} {arrow}{label} {target}")
        link_styles.setdefault(edge.style, []).append(index)
    used = {(node.category, node.context) for node in chart.nodes}
    for category, (fill, stroke, size, _) in _STYLE.items():
        border = "2px" if category == "cross" else "1px"
        if (category, False) in used:
            out.append(
                f"    classDef {category} fill:{fill},stroke:{stroke},stroke-width:{border},"
                f"font-size:{size + 3}px"
            )
        if (category, True) in used:
            out.append(
                f"    classDef {category}_context fill:{fill},stroke:{stroke},"
                f"stroke-dasharray:4 3,font-size:{size + 3}px"
            )
    for style, indices in link_styles.items():
        colour, dash, width, _, _ = _EDGE[style]
        extra = ",stroke-dasharray:4 3" if dash != "solid" else ""
        out.append(
            f"    linkStyle {','.join(map(str, indices))} stroke:{colour},"
            f"stroke-width:{width:g}px{extra}"
        )
    return "\n".join(out) + "\n"


# -- DOT ------------------------------------------------------------------------


def _dot_id(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


# Graphviz reads an HTML label as XML 1.0, which cannot hold C0 control characters
# (but tab, LF and CR), U+FFFE, U+FFFF or lone surrogates, not even as character
# references: a control character is drawn as its Control Pictures symbol (U+2400 + code,
# "␁" for U+0001), the others as U+FFFD, so the name stays legible and the chart draws.
_NOT_XML = {code: 0x2400 + code for code in range(0x20) if code not in (0x09, 0x0A, 0x0D)} | {
    0xFFFE: 0xFFFD,
    0xFFFF: 0xFFFD,
    **dict.fromkeys(range(0xD800, 0xE000), 0xFFFD),
}


def _html(text: str) -> str:
    # Graphviz's HTML-label lexer trips on a bare "]" (and "[") in text: use
    # character references for them too.
    text = text.translate(_NOT_XML)
    return html.escape(text, quote=True).replace("[", "&#91;").replace("]", "&#93;")


def _rows(cells: Iterable[tuple[int, str, str]]) -> str:
    # One table row per line: <br/> between lines of different sizes lets
    # CJK lines overlap at small sizes.
    # Graphviz refuses a <font> with nothing in it, and takes white space for nothing: a
    # blank line is drawn as a no-break space.
    rows = "".join(
        f'<tr><td><font point-size="{size}" color="{colour}">'
        f"{_html(text) if text.strip() else '&#160;'}</font></td></tr>"
        for size, colour, text in cells
    )
    return f'<table border="0" cellborder="0" cellspacing="0" cellpadding="0">{rows}</table>'


def _dot_label(node: _Node) -> str:
    size = _STYLE[node.category][2]
    cells = [(size, "#000000", line) for line in node.text.main]
    cells += [(max(size - 2, 7), "#424242", line) for line in node.text.sub]
    cells += [(7, "#6d4c41", line) for line in node.posts]
    return f"<{_rows(cells)}>"


_LEGEND_NODES = {
    "community": "地点 place",
    "party": "党组织 party organisation",
    "committee": "居委会、业委会、自管会 committees",
    "company": "物业公司 property company",
    "government": "街道、职能部门 street office, departments",
    "partner": "共建单位、调解室、队伍 partners, mediation, teams",
    "meeting": "联席会议 standing meeting",
    "grid": "网格 grid",
    "post": "岗位 post",
    "cross": "兼任 person holding 2+ posts",
}
_LEGEND_EDGES = {
    "contains": "包含 contains",
    "grid": "上级网格 grid above grid",
    "body_parent": "上级组织 body above body",
    "leads": "引领 leads",
    "guides": "指导 guides",
    "embedded_in": "嵌入 embedded in",
    "supervises": "监督 supervises",
    "partners": "共建 partners",
    "paired": "结对 paired",
    "serves": "服务 serves (contract)",
    "covers": "覆盖 grid covers",
    "convenes": "召集 convenes",
    "member_of": "参会 sits in",
    "post_in": "岗位 post in",
    "holds": "任职 holds",
    "cross": "兼任 holds (cross-appointment)",
}
_STROKE = {"solid": "━━━", "dashed": "╍╍╍", "dotted": "┉┉┉"}


def _dot_legend(chart: _Chart) -> str:
    categories = {node.category for node in chart.nodes}
    styles = {edge.style for edge in chart.edges}
    kinds = []
    for category, text in _LEGEND_NODES.items():
        places = {"street", "community", "compound", "building"}
        if (
            category in categories
            or (category == "grid" and "micro" in categories)
            or (category == "community" and places & categories)
        ):
            fill, border, _, _ = _STYLE[category]
            kinds.append(
                f'<td bgcolor="{fill}" color="{border}" border="1" width="20" height="9"'
                ' fixedsize="true"></td>'
                f'<td align="left"><font point-size="8">{_html(text)}</font></td>'
            )
    lines = []
    for style, text in _LEGEND_EDGES.items():
        if style in styles:
            colour, dash, _, _, _ = _EDGE[style]
            lines.append(
                f'<td><font point-size="8" color="{colour}">{_STROKE[dash]}</font></td>'
                f'<td align="left"><font point-size="8">{_html(text)}</font></td>'
            )
    if not kinds and not lines:
        return ""
    empty = "<td></td><td></td>"
    rows = [
        "<tr>"
        + (kinds[i] if i < len(kinds) else empty)
        + (lines[i] if i < len(lines) else empty)
        + "</tr>"
        for i in range(max(len(kinds), len(lines)))
    ]
    return (
        '<table border="0" cellborder="0" cellspacing="1" cellpadding="1">'
        + "".join(rows)
        + "</table>"
    )


def _dot_lines(chart: _Chart) -> Iterator[str]:
    title = _rows((16 if i == 0 else 12, "#000000", line) for i, line in enumerate(chart.title))
    legend = _dot_legend(chart)
    label = (
        '<table border="0" cellborder="0" cellspacing="4" cellpadding="0">'
        f'<tr><td align="left">{title}</td></tr>'
        f'<tr><td align="left">{legend}</td></tr></table>'
    )
    yield "digraph orgchart {"
    yield (
        f'    graph [fontname="{_FONTNAME}", rankdir=LR, newrank=true, nodesep=0.12,'
        f" ranksep=0.35, labelloc=t, labeljust=l, label=<{label}>, pad=0.2]"
    )
    yield (
        f'    node [fontname="{_FONTNAME}", shape=box, style="rounded,filled", margin="0.08,0.03",'
        " height=0.3, width=0.4, penwidth=1]"
    )
    yield f'    edge [fontname="{_FONTNAME}", fontsize=7, arrowsize=0.6]'
    by_cluster: dict[str | None, list[_Node]] = {}
    for node in chart.nodes:
        by_cluster.setdefault(node.cluster, []).append(node)
    children = _children(chart)

    def emit(cluster: str | None, depth: int) -> Iterator[str]:
        pad = "    " * depth
        for node in reversed(by_cluster.get(cluster, [])):
            fill, border, _, shape = _STYLE[node.category]
            style = "rounded,filled" if shape == "box" else "filled"
            if node.category == "meeting":
                style = "filled,diagonals"
            if node.context:
                style += ",dashed"
            width = 2 if node.category == "cross" else 1
            yield (
                f"{pad}{_dot_id(node.id)} [label={_dot_label(node)}, shape={shape},"
                f' style="{style}", fillcolor="{fill}", color="{border}", penwidth={width}]'
            )
        for child in children.get(cluster, []):
            _, text, has_node = chart.clusters[child]
            yield f"{pad}subgraph {_dot_id('cluster_' + child)} {{"
            label = "" if has_node else "<br/>".join(map(_html, (*text.main, *text.sub)))
            background = ("#fcfcfc", "#fffdf7", "#fff7e8")[min(depth, 3) - 1]
            yield (
                f'{pad}    graph [label=<{label}>, style="rounded,filled", color="#bcaaa4",'
                f' fillcolor="{background}", fontsize=10, margin=8]'
            )
            yield from emit(child, depth + 1)
            yield f"{pad}}}"

    yield from emit(None, 1)
    for edge in reversed(chart.edges):
        colour, dash, width, arrowhead, _ = _EDGE[edge.style]
        source, target = edge.source, edge.target
        attributes = [f'color="{colour}"', f"style={dash}", f"penwidth={width:g}"]
        if edge.backward:
            source, target = target, source
            attributes += ["dir=back", f"arrowtail={arrowhead}"]
        else:
            attributes.append(f"arrowhead={arrowhead}")
        if edge.style in _LOOSE:
            # Supervision and partnership run sideways between bodies; letting
            # them set ranks would pull the trees out of shape.
            attributes.append("constraint=false")
        yield f"    {_dot_id(source)} -> {_dot_id(target)} [{', '.join(attributes)}]"
    yield "}"


_LOOSE = frozenset({"supervises", "partners", "paired", "member_of"})


def to_dot(
    structure: Structure,
    *,
    focus: str | None = None,
    layer: Layer | None = None,
    people: People = "cross",
    include_personal: bool = False,
    reader: Reader | None = None,
    at: Moment | None = None,
) -> str:
    """The organisation chart as Graphviz DOT.

    Nodes are the records' ids; labels give ``name_zh`` above the English
    name, set in ``FONT`` so Chinese renders. Colours: party organisations
    red, committees blue, property companies orange, street office and
    departments violet, partners, mediation rooms and teams teal, grids
    green, places brown, meetings purple; cross-appointed people amber with
    thick amber ``holds`` edges. Ties: leads solid red, guides dashed red,
    embedded in dotted red, supervises blue, partners and paired teal.

    Parameters
    ----------
    structure
        The structure to draw.
    focus, layer, people, include_personal, reader, at
        See the module documentation.

    Raises
    ------
    UnknownNodeError
        When ``focus`` names no place.
    InteropError
        When ``layer`` or ``people`` is not one of its values.

    Examples
    --------
    >>> from govmodel import examples
    >>> dot = to_dot(examples.load("xinhe"), focus="compound:wanda", layer="grid")
    >>> print(dot.splitlines()[0])
    digraph orgchart {
    >>> for line in dot.splitlines():
    ...     if "subgraph" in line:
    ...         print(line.strip())
    subgraph "cluster_street:xinhua" {
    subgraph "cluster_community:xinhe" {
    subgraph "cluster_compound:wanda" {
    >>> for line in dot.splitlines():
    ...     if '-> "person:' in line:
    ...         print(line.strip())
    "post:grid-wanda-b-worker" -> "person:steward-2" [color="#e65100", style=solid, ...]
    "post:grid-wanda-a-worker" -> "person:steward-1" [color="#e65100", style=solid, ...]
    "post:grid-wanda-leader" -> "person:rc-member" [color="#e65100", style=solid, ...]
    >>> to_dot(examples.load("xinhe"), layer="people")
    Traceback (most recent call last):
    ...
    govmodel.errors.InteropError: layer: expected one of "party", "grid", "bodies" or None, ...
    """
    check_reader(structure, reader, include_personal=include_personal, at=at, where="to_dot")
    chart = _chart(
        structure, focus=focus, layer=layer, people=people, include_personal=include_personal
    )
    return "\n".join(_dot_lines(chart)) + "\n"


# -- SVG and PNG ------------------------------------------------------------------


def _program(dot: str) -> str:
    if os.sep in dot or (os.altsep is not None and os.altsep in dot):
        if os.path.isfile(dot) and os.access(dot, os.X_OK):
            return dot
        raise GraphvizNotFoundError(dot)
    found = shutil.which(dot)
    if found is None:
        raise GraphvizNotFoundError(dot)
    return found


def render(
    structure: Structure,
    path: str | os.PathLike[str],
    *,
    format: ImageFormat = "svg",
    focus: str | None = None,
    layer: Layer | None = None,
    people: People = "cross",
    include_personal: bool = False,
    reader: Reader | None = None,
    at: Moment | None = None,
    dot: str = "dot",
    timeout: float = 120,
) -> Path:
    """Draw the organisation chart to an SVG or PNG file with Graphviz.

    Parameters
    ----------
    structure
        The structure to draw.
    path
        The file to write.
    format
        ``"svg"`` or ``"png"``.
    focus, layer, people, include_personal, reader, at
        See the module documentation.
    dot
        The Graphviz ``dot`` program: a name looked up on ``PATH`` or a path.
    timeout
        Seconds to wait for Graphviz.

    Returns
    -------
    pathlib.Path
        ``path``.

    Raises
    ------
    GraphvizNotFoundError
        When the ``dot`` program is not found (a ``FileNotFoundError`` too),
        with how to install it.
    GraphvizError
        When Graphviz fails or times out, with what it said.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from govmodel import examples
    >>> s = examples.load("xinhe")
    >>> render(s, "chart.svg", dot="/nonexistent/dot")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    govmodel.interop.render.GraphvizNotFoundError: ... needs Graphviz's "dot" program, ...
    """
    if format not in _FORMATS:
        raise InteropError("format", f'expected "svg" or "png", found {format!r}')
    check_reader(structure, reader, include_personal=include_personal, at=at, where="render")
    text = to_dot(
        structure,
        focus=focus,
        layer=layer,
        people=people,
        include_personal=include_personal,
        reader=reader,
        at=at,
    )
    program = _program(dot)
    target = Path(path)
    command = [program, f"-T{format}", "-o", str(target)]
    if format == "png":
        command.insert(1, "-Gdpi=128")
    try:
        result = subprocess.run(
            command,
            input=text.encode("utf-8"),
            capture_output=True,
            timeout=timeout,
            check=False,
        )
    except FileNotFoundError:
        raise GraphvizNotFoundError(dot) from None
    except subprocess.TimeoutExpired:
        raise GraphvizError(program, f"no result after {timeout:g} seconds") from None
    except OSError as err:
        raise GraphvizError(program, f"could not run: {err}") from None
    if result.returncode != 0:
        message = result.stderr.decode("utf-8", "replace").strip() or f"exit {result.returncode}"
        raise GraphvizError(program, message)
    return target

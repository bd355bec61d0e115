"""Variants: ablated structures for comparing coordination designs.

``variants(structure)`` returns the structure itself (``"baseline"``) and one
new structure per ablation, each still free of validation errors:

``no_owners_committee``
    Owners' committees removed (what a compound loses without 业委会).
``no_compound_party_branch``
    Party branches that answer for a single compound removed, with the
    meetings they convene (three-in-one without its branch).
``no_cross_appointments``
    Every person keeps one post; their other posts go to new people (no 兼任).
``grid_levels_merged``
    Micro-grids folded into their compound grids (a two-level grid).
``no_mediation_room``
    Mediation rooms removed.
``no_standing_meeting``
    Every standing joint meeting removed.

Examples
--------
>>> from govmodel import examples, validate, Severity
>>> found = variants(examples.load("xinhe"))
>>> for name in sorted(found):
...     print(name)
baseline
grid_levels_merged
no_compound_party_branch
no_cross_appointments
no_mediation_room
no_owners_committee
no_standing_meeting
>>> all(v.severity is Severity.WARNING for s in found.values() for v in validate(s))
True
"""

from __future__ import annotations

from collections.abc import Callable, Collection

import attrs

from govmodel.model import BodyKind, Grid, GridLevel, Person, PlaceKind
from govmodel.structure import Structure

__all__ = ["ABLATIONS", "variants", "without_bodies"]


def without_bodies(structure: Structure, body_ids: Collection[str], *, name: str = "") -> Structure:
    """``structure`` without some bodies and everything that hangs on them.

    Ties touching them, their posts and those posts' appointments, the
    meetings they convene, and their seats in other meetings go; a body whose
    parent goes loses its parent.

    Examples
    --------
    >>> from govmodel import examples
    >>> s = without_bodies(examples.load("xinhe"), {"mediation:xinhexin"})
    >>> "mediation:xinhexin" in s, "post:xinhexin-mediator" in s
    (False, False)
    """
    gone = set(body_ids)
    posts = [p for p in structure.posts() if p.within not in gone]
    kept_posts = {p.id for p in posts}
    dropped_posts = {p.id for p in structure.posts()} - kept_posts
    meetings = [
        attrs.evolve(
            m,
            members=tuple(x for x in m.members if x not in gone and x not in dropped_posts),
        )
        for m in structure.meetings()
        if m.convener not in gone
    ]
    meetings = [m for m in meetings if m.members]
    return structure.evolve(
        name=name or structure.name,
        bodies=[
            attrs.evolve(b, parent=None) if b.parent in gone else b
            for b in structure.bodies()
            if b.id not in gone
        ],
        ties=[t for t in structure.ties() if t.source not in gone and t.target not in gone],
        posts=posts,
        appointments=[a for a in structure.appointments() if a.post in kept_posts],
        meetings=meetings,
    )


def _no_owners_committee(s: Structure) -> Structure:
    return without_bodies(s, {b.id for b in s.bodies(kind=BodyKind.OWNERS_COMMITTEE)})


def _no_compound_branch(s: Structure) -> Structure:
    compounds = {p.id for p in s.places(kind=PlaceKind.COMPOUND)}
    branches = {
        b.id
        for b in s.bodies(kind=BodyKind.PARTY_BRANCH)
        if b.jurisdiction and set(b.jurisdiction) <= compounds
    }
    return without_bodies(s, branches)


def _no_mediation_room(s: Structure) -> Structure:
    return without_bodies(s, {b.id for b in s.bodies(kind=BodyKind.MEDIATION_ROOM)})


def _no_standing_meeting(s: Structure) -> Structure:
    return s.evolve(meetings=())


def _no_cross_appointments(s: Structure) -> Structure:
    people = list(s.people())
    appointments = []
    kept: dict[str, str] = {}  # person -> the one post they keep
    for appointment in s.appointments():
        first = kept.setdefault(appointment.person, appointment.post)
        if first == appointment.post:
            appointments.append(appointment)
            continue
        # Another post of someone already in post: a new person takes it.
        person = s.person(appointment.person)
        stand_in = f"{appointment.person}#{appointment.post}"
        if stand_in not in {p.id for p in people}:
            people.append(Person(id=stand_in, party_member=person.party_member))
        appointments.append(attrs.evolve(appointment, person=stand_in))
    return s.evolve(people=people, appointments=appointments)


def _grid_levels_merged(s: Structure) -> Structure:
    """Fold the micro level into the compound level.

    Micro-grid posts move to their compound grid. Each compound keeps one
    micro-grid covering it whole, with no post, so every building still lies
    in the three-level coverage that validation asks for; the micro tier then
    has no one in it and cases start at the compound.
    """
    micro = {g.id: g for g in s.grids(level=GridLevel.MICRO)}
    if not micro:
        return s
    parent_of = {g.id: g.parent for g in micro.values()}
    grids = [g for g in s.grids() if g.id not in micro]
    merged_parents = sorted({p for p in parent_of.values() if p is not None})
    for parent in merged_parents:
        compound_grid = s.grid(parent)
        grids.append(
            Grid(
                id=f"{parent}#merged",
                level=GridLevel.MICRO,
                parent=parent,
                covers=tuple(
                    c for c in compound_grid.covers if s.place(c).kind is PlaceKind.COMPOUND
                ),
                name="merged micro-grid",
            )
        )
    posts = [
        attrs.evolve(p, within=parent_of[p.within] or p.within) if p.within in micro else p
        for p in s.posts()
    ]
    bodies = [
        attrs.evolve(b, grid=parent_of[b.grid] or b.grid) if b.grid in micro else b
        for b in s.bodies()
    ]
    return s.evolve(grids=grids, posts=posts, bodies=bodies)


ABLATIONS: dict[str, Callable[[Structure], Structure]] = {
    "no_owners_committee": _no_owners_committee,
    "no_compound_party_branch": _no_compound_branch,
    "no_cross_appointments": _no_cross_appointments,
    "grid_levels_merged": _grid_levels_merged,
    "no_mediation_room": _no_mediation_room,
    "no_standing_meeting": _no_standing_meeting,
}
"""Each ablation by name: a function from a structure to its variant."""


def variants(structure: Structure) -> dict[str, Structure]:
    """The structure (``"baseline"``) and each of its ablations, by name.

    Examples
    --------
    >>> from govmodel import examples
    >>> v = variants(examples.load("zhuanqiao"))
    >>> len(v["no_cross_appointments"].people()) > len(v["baseline"].people())
    True
    """
    out = {"baseline": structure}
    for name, ablate in ABLATIONS.items():
        out[name] = ablate(structure)
    return out

"""Variants: ablated structures for comparing coordination designs.

``variants(structure)`` returns the structure itself (``"baseline"``) and one
new structure per ablation that changes it, each still free of validation
errors. An ablation that would leave the structure as it is (Xinhe has no
party branch of a single compound, Lianhua no micro-grid) is not offered: it
is listed in ``left_out`` with the reason, since a comparison with a copy of
the baseline could only show noise. Each ablation removes one mechanism:

``no_owners_committee``
    Owners' committees (业委会) removed, with their posts, ties and meeting
    seats: the compound loses owners' decisions and supervision.
``no_compound_party_branch``
    Party branches that answer for a single compound removed, with the
    meetings they convene: three-in-one without its branch.
``no_cross_appointments``
    Every person keeps one post; their other posts go to new people: no
    兼任, no person who carries a matter between two bodies.
``grid_levels_merged``
    Micro-grids folded into their compound grids: a two-level grid, in which
    cases start at the compound.
``no_mediation_room``
    Mediation rooms (调解室) removed: disputes lose the mediation procedure.
``no_standing_meeting``
    Every standing joint meeting removed ("1+3+N", three-in-one, four-party):
    collective matters lose their forum.

``variants(structure, combine=2)`` adds every pair of ablations, named like
``"no_owners_committee+no_standing_meeting"``, so that interactions show;
``ablate(structure, names)`` makes any one set.

Examples
--------
>>> from govmodel import examples, validate, Severity
>>> found = variants(examples.load("xinhe"))
>>> for name in found:
...     print(name)
baseline
no_owners_committee
no_cross_appointments
grid_levels_merged
no_mediation_room
no_standing_meeting
>>> found.left_out["no_compound_party_branch"]
'leaves the structure unchanged: no party branch answers for a single compound'
>>> all(v.severity is Severity.WARNING for s in found.values() for v in validate(s))
True
"""

from __future__ import annotations

import contextlib
import itertools
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping

import attrs

from govmodel._frozenmap import FrozenMap
from govmodel._strict import quoted, short_repr
from govmodel.errors import GovModelError
from govmodel.model import BodyKind, Grid, GridLevel, Person, PlaceKind
from govmodel.structure import Structure

__all__ = ["ABLATIONS", "VariantError", "Variants", "ablate", "variants", "without_bodies"]


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
    """Owners' committees (业委会) removed, with their posts, ties and meeting seats.

    Mechanism: the owners' own body goes. The compound loses the
    ``owners_decision`` and ``supervision`` domains the committee held, so
    facility and fee matters go to a deliberation the community convenes
    instead, and the committee's seats in joint meetings are empty.
    """
    return without_bodies(s, {b.id for b in s.bodies(kind=BodyKind.OWNERS_COMMITTEE)})


def _no_compound_branch(s: Structure) -> Structure:
    """Party branches that answer for a single compound removed, with the meetings they convene.

    Mechanism: party leadership at the compound. A branch holds no domain of
    its own in the rules, so what goes is its leadership ties and the joint
    meetings it convenes (three-in-one without its branch).
    """
    compounds = {p.id for p in s.places(kind=PlaceKind.COMPOUND)}
    branches = {
        b.id
        for b in s.bodies(kind=BodyKind.PARTY_BRANCH)
        if b.jurisdiction and set(b.jurisdiction) <= compounds
    }
    return without_bodies(s, branches)


def _no_mediation_room(s: Structure) -> Structure:
    """Mediation rooms (调解室) removed, with their mediators and legal advisers.

    Mechanism: the community's own forum for disputes. Disputes lose the
    ``mediation`` procedure; one that needs legal help goes to the street.
    """
    return without_bodies(s, {b.id for b in s.bodies(kind=BodyKind.MEDIATION_ROOM)})


def _no_standing_meeting(s: Structure) -> Structure:
    """Every standing joint meeting removed ("1+3+N", three-in-one, four-party, ...).

    Mechanism: the regular sitting that joins several bodies. Collective
    matters lose their forum and go up to whoever can still convene them.
    """
    return s.evolve(meetings=())


def _no_cross_appointments(s: Structure) -> Structure:
    """Every person keeps one post (their first); a new person takes each other post.

    Mechanism: cross-appointment (兼任, 交叉任职), one person who carries
    information and authority between two bodies. Every post keeps its
    holders' count, and each stand-in keeps the party membership of the
    person they replace, so only the overlap of people goes.
    """
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
    """Micro-grids folded into their compound grids: a two-level grid.

    Mechanism: the building micro-grid (微网格), the tier that settles small
    matters on the spot. Micro-grid posts move to their compound grid. Each
    compound keeps one micro-grid covering it whole, with no post, so every
    building still lies in the three-level coverage that validation asks for;
    the micro tier then has no one in it and cases start at the compound.
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
"""Each ablation by name: a function from a structure to its variant.

Combined names list their ablations in this order, joined by ``+``.
"""

_UNCHANGED_BECAUSE = {
    "no_owners_committee": "it has no owners' committee",
    "no_compound_party_branch": "no party branch answers for a single compound",
    "no_cross_appointments": "nobody holds two posts",
    "grid_levels_merged": "it has no micro-grid",
    "no_mediation_room": "it has no mediation room",
    "no_standing_meeting": "it has no standing meeting",
}
"""Why each ablation leaves a structure unchanged: exactly when this holds."""

# Removals first, cross-appointments last: a stand-in is made only for a post
# that is still there, so no stand-in is left without a post. Every other pair
# of ablations commutes (tests/test_variants.py checks which).
_APPLIED_IN = (
    "no_owners_committee",
    "no_compound_party_branch",
    "grid_levels_merged",
    "no_mediation_room",
    "no_standing_meeting",
    "no_cross_appointments",
)


class VariantError(GovModelError, KeyError):
    """A variant that is not offered, or an ablation that does not exist.

    A ``KeyError`` too, so a ``Variants`` mapping answers ``in`` and ``get``
    as a dict does. The message says whether the name is unknown or was left
    out, and why.

    Examples
    --------
    >>> from govmodel import examples
    >>> try:
    ...     variants(examples.load("lianhua"))["grid_levels_merged"]
    ... except VariantError as err:
    ...     print(err)
    "grid_levels_merged" is left out for Lianhua street, as it leaves the structure unchanged: ...
    >>> ablate(examples.load("lianhua"), ["no_owners"])
    Traceback (most recent call last):
    ...
    govmodel.simulation._variants.VariantError: unknown ablation "no_owners"; expected some of ...
    """

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message

    def __reduce__(self) -> tuple[type[VariantError], tuple[str]]:
        return (type(self), (self.message,))


def _shown(name: object) -> str:
    """A name as a message shows it: quoted when it is a string, else its short repr."""
    return quoted(name) if isinstance(name, str) else short_repr(name)


def _names(names: str | Iterable[str]) -> tuple[str, ...]:
    """Ablation names in the order of ``ABLATIONS``, from a list or a ``+``-joined name."""
    if isinstance(names, str):
        names = names.split("+") if names else []
    listed = list(names)
    unknown = [n for n in listed if n not in ABLATIONS]
    if unknown:
        raise VariantError(
            f"unknown ablation {_shown(unknown[0])}; expected some of {', '.join(ABLATIONS)}"
        )
    return tuple(n for n in ABLATIONS if n in listed)


def ablate(structure: Structure, names: str | Iterable[str]) -> Structure:
    """``structure`` with several ablations applied together.

    The ablations are applied in one fixed order, whatever the order of
    ``names``: bodies, grids and meetings first, cross-appointments last, so
    that a stand-in is made only for a post that is still there. A name may
    come twice; it is applied once. ``ablate(s, [])`` is ``s``.

    Parameters
    ----------
    structure
        The structure to ablate.
    names
        Names of ``ABLATIONS``, as a list or joined by ``+``
        (``"no_owners_committee+no_standing_meeting"``).

    Raises
    ------
    VariantError
        A name that is not one of ``ABLATIONS``.

    Examples
    --------
    >>> from govmodel import examples
    >>> s = ablate(examples.load("xinhe"), "no_standing_meeting+no_owners_committee")
    >>> s.meetings(), s.bodies(kind="owners_committee")
    ((), ())
    >>> s == ablate(examples.load("xinhe"), ["no_owners_committee", "no_standing_meeting"])
    True
    """
    wanted = set(_names(names))
    for name in _APPLIED_IN:
        if name in wanted:
            structure = ABLATIONS[name](structure)
    return structure


class Variants(Mapping[str, Structure]):
    """The variants of a structure by name, and the ablations left out with the reason.

    A read-only mapping: ``"baseline"`` first, then every single ablation
    that changes the structure, then every combination, in the order of
    ``ABLATIONS``. Looking up a name that was left out raises a
    ``VariantError`` that gives the reason. A combined name may list its
    ablations in any order.

    Attributes
    ----------
    left_out
        Each ablation or combination not offered, with why: a single ablation
        that leaves the structure unchanged, a combination that gives the same
        structure as a smaller set of its ablations.

    Examples
    --------
    >>> from govmodel import examples
    >>> found = variants(examples.load("zhuanqiao"))
    >>> "no_owners_committee" in found, found.get("no_owners_committee") is None
    (False, True)
    >>> dict(found.left_out)["no_owners_committee"]
    "leaves the structure unchanged: it has no owners' committee"
    """

    __slots__ = ("_offered", "_structure", "left_out")

    def __init__(
        self, structure: Structure, offered: Mapping[str, Structure], left_out: Mapping[str, str]
    ) -> None:
        self._structure = structure
        self._offered = dict(offered)
        self.left_out: FrozenMap[str, str] = FrozenMap(left_out)

    def __getitem__(self, name: str) -> Structure:
        if isinstance(name, str) and "+" in name:
            with contextlib.suppress(VariantError):  # an unknown part: not offered, said below
                name = "+".join(_names(name))
        try:
            return self._offered[name]
        except KeyError:
            pass
        if name in self.left_out:
            raise VariantError(
                f"{_shown(name)} is left out for {self._structure.name}, "
                f"as it {self.left_out[name]}"
            )
        raise VariantError(
            f"no variant {_shown(name)} of {self._structure.name}; "
            f"expected one of {', '.join(self._offered)}"
        )

    def __iter__(self) -> Iterator[str]:
        return iter(self._offered)

    def __len__(self) -> int:
        return len(self._offered)

    def __repr__(self) -> str:
        return (
            f"<Variants of {quoted(self._structure.name)}: {len(self)} offered, "
            f"{len(self.left_out)} left out>"
        )


def variants(structure: Structure, *, combine: int = 1) -> Variants:
    """The structure (``"baseline"``) and each ablation that changes it, by name.

    Parameters
    ----------
    structure
        The structure to ablate.
    combine
        The most ablations applied together: 1 (the default) for single
        ablations only, 2 to add every pair, up to ``len(ABLATIONS)``. A
        combination is named by its ablations in the order of ``ABLATIONS``,
        joined by ``+``, and made by ``ablate``.

    Returns
    -------
    Variants
        A read-only mapping from name to structure. An ablation that leaves
        the structure unchanged, and a combination that gives the same
        structure as a smaller set of its ablations (the baseline included),
        is not offered; ``left_out`` names each with the reason.

    Raises
    ------
    ValueError
        ``combine`` not an integer from 1 to ``len(ABLATIONS)``.

    Examples
    --------
    >>> from govmodel import examples
    >>> v = variants(examples.load("zhuanqiao"))
    >>> len(v["no_cross_appointments"].people()) > len(v["baseline"].people())
    True
    >>> both = variants(examples.load("xinhe"), combine=2)
    >>> "no_owners_committee+no_standing_meeting" in both
    True
    >>> both.left_out["no_compound_party_branch+no_standing_meeting"]
    'gives the same structure as "no_standing_meeting"'
    """
    if type(combine) is not int or not 1 <= combine <= len(ABLATIONS):
        raise ValueError(
            f"combine: expected an integer from 1 to {len(ABLATIONS)}, found {short_repr(combine)}"
        )
    made: dict[tuple[str, ...], Structure] = {(): structure}
    offered: dict[str, Structure] = {"baseline": structure}
    left_out: dict[str, str] = {}
    for size in range(1, combine + 1):
        for names in itertools.combinations(ABLATIONS, size):
            # One more ablation on a set already made: the order of _APPLIED_IN
            # puts last the one applied last.
            last = max(names, key=_APPLIED_IN.index)
            rest = tuple(n for n in names if n != last)
            made[names] = ABLATIONS[last](made[rest])
            name = "+".join(names)
            same = _same_as_smaller(names, made)
            if same is None:
                offered[name] = made[names]
            elif size == 1:
                left_out[name] = f"leaves the structure unchanged: {_UNCHANGED_BECAUSE[name]}"
            else:
                left_out[name] = f'gives the same structure as "{"+".join(same) or "baseline"}"'
    return Variants(structure, offered, left_out)


def _same_as_smaller(
    names: tuple[str, ...], made: Mapping[tuple[str, ...], Structure]
) -> tuple[str, ...] | None:
    """The smallest proper subset of ``names`` whose structure equals theirs, if any."""
    mine = made[names]
    for size in range(len(names)):
        for subset in itertools.combinations(names, size):
            if made[subset] == mine:
                return subset
    return None

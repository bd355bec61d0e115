"""Whole-structure checks: what no single record can see alone.

``validate`` returns every ``Violation`` at once. Errors make
``govmodel.load`` raise; warnings describe gaps a real community may well
have (a titled compound still without an owners' committee) and are only
returned.

Examples
--------
>>> from govmodel import examples, validate
>>> validate(examples.load("xinhe"))
()
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Iterator
from enum import StrEnum

import attrs

from govmodel._gc import paused
from govmodel.model import (
    Appointment,
    Body,
    BodyKind,
    Domain,
    GridLevel,
    Place,
    PlaceKind,
    TieKind,
    Tier,
)
from govmodel.structure import Structure

__all__ = ["Severity", "Violation", "locate", "validate"]


class Severity(StrEnum):
    """How serious a violation is: errors stop ``govmodel.load``, warnings do not.

    Examples
    --------
    >>> Severity("warning") is Severity.WARNING
    True
    """

    ERROR = "error"
    WARNING = "warning"


@attrs.frozen(kw_only=True)
class Violation:
    """One problem of a structure.

    Parameters
    ----------
    code
        Stable dotted code, e.g. ``grid.overlap``; ``docs/validation.md`` lists them.
    severity
        ``Severity``.
    message
        What was expected and what was found, in plain words.
    nodes
        The ids of the records involved, the main one first.
    record
        Where in the spec the record that breaks the rule stands, when that
        record has no id of its own: a tie (``ties[5]``) or an appointment
        (``appointments[2]``); ``None`` when the first of ``nodes`` is that record.

    Examples
    --------
    >>> v = Violation(code="grid.gap", severity=Severity.ERROR,
    ...               message='building "b" is in no micro-grid', nodes=("b",))
    >>> str(v)
    'error grid.gap: building "b" is in no micro-grid'
    """

    code: str
    severity: Severity
    message: str
    nodes: tuple[str, ...] = ()
    record: str | None = None

    def __str__(self) -> str:
        return f"{self.severity.value} {self.code}: {self.message}"


# Which place kinds may contain which.
_PARENT_KINDS: dict[PlaceKind, frozenset[PlaceKind]] = {
    PlaceKind.STREET: frozenset(),
    PlaceKind.COMMUNITY: frozenset({PlaceKind.STREET}),
    PlaceKind.COMPOUND: frozenset({PlaceKind.COMMUNITY}),
    PlaceKind.BUILDING: frozenset({PlaceKind.COMPOUND, PlaceKind.COMMUNITY}),
    PlaceKind.UNIT: frozenset({PlaceKind.BUILDING}),
}
_ROOT_KINDS = frozenset({PlaceKind.STREET, PlaceKind.COMMUNITY})
_GRID_PARENT: dict[GridLevel, GridLevel | None] = {
    GridLevel.COMMUNITY: None,
    GridLevel.COMPOUND: GridLevel.COMMUNITY,
    GridLevel.MICRO: GridLevel.COMPOUND,
}
_GRID_COVERS: dict[GridLevel, frozenset[PlaceKind]] = {
    GridLevel.COMMUNITY: frozenset({PlaceKind.COMMUNITY}),
    GridLevel.COMPOUND: frozenset({PlaceKind.COMPOUND}),
    # A micro-grid covers buildings, or a whole compound that is one micro-grid.
    GridLevel.MICRO: frozenset({PlaceKind.BUILDING, PlaceKind.COMPOUND}),
}
_LED_KINDS = frozenset(
    {
        BodyKind.RESIDENTS_COMMITTEE,
        BodyKind.OWNERS_COMMITTEE,
        BodyKind.SELF_MANAGEMENT_COMMITTEE,
        BodyKind.PROPERTY_COMPANY,
        BodyKind.MEDIATION_ROOM,
        BodyKind.VOLUNTEER_TEAM,
    }
)
_SUPERVISORS = frozenset(
    {
        BodyKind.OWNERS_COMMITTEE,
        BodyKind.SELF_MANAGEMENT_COMMITTEE,
        BodyKind.RESIDENTS_COMMITTEE,
        BodyKind.PARTY_WORKING_COMMITTEE,
        BodyKind.PARTY_COMMITTEE,
        BodyKind.PARTY_BRANCH,
        BodyKind.STREET_OFFICE,
    }
)
_CONVENERS = frozenset(
    {
        BodyKind.PARTY_WORKING_COMMITTEE,
        BodyKind.PARTY_COMMITTEE,
        BodyKind.PARTY_BRANCH,
        BodyKind.RESIDENTS_COMMITTEE,
        BodyKind.OWNERS_COMMITTEE,
        BodyKind.STREET_OFFICE,
    }
)


def validate(structure: Structure) -> tuple[Violation, ...]:
    """Every violation of the structure's whole-graph rules, errors first.

    The rules: the place hierarchy is a tree with sensible parent kinds; each
    grid level covers its places completely and without overlap (横到边、纵到底)
    and the grid tree agrees with place containment; every community has a
    party organisation and a residents' committee; a titled compound without
    an owners' committee, or a no-title compound without a self-management
    committee, is a warning; a property company serves at least one compound;
    a post is never held by more people at once than it has seats; ties and
    meetings refer to the right kinds of body; a body that no party
    organisation leads or is embedded in is a warning; so are children whose
    households add up to more than their parent's, and a compound where
    nobody below the street can act on some categories of request.

    Examples
    --------
    >>> from govmodel import examples
    >>> s = examples.load("xinhe")
    >>> no_grids = s.evolve(grids=(), bodies=[b for b in s.bodies() if b.grid is None],
    ...     posts=[p for p in s.posts() if not p.within.startswith("grid:")],
    ...     appointments=[a for a in s.appointments() if not a.post.startswith("post:grid")])
    >>> [v.code for v in validate(no_grids)]
    ['grid.none']
    """
    with paused():
        # Looked up by id throughout; made once per call, each a pass over its list.
        places = {place.id: place for place in structure.places()}
        bodies = {body.id: body for body in structure.bodies()}
        found = [
            *_places(structure, places),
            *_grids(structure, places),
            *_bodies(structure, places, bodies),
            *_posts(structure),
            *_ties(structure, bodies),
            *_meetings(structure, bodies),
            *_households(structure, places),
            *_street_only(structure, places),
        ]
    return tuple(sorted(found, key=lambda v: v.severity is not Severity.ERROR))


def _households(s: Structure, places: dict[str, Place]) -> Iterator[Violation]:
    """Children whose household counts add up to more than their parent's."""
    counted: dict[str, list[Place]] = defaultdict(list)
    for place in places.values():
        if place.parent is not None and place.households is not None:
            counted[place.parent].append(place)
    for parent_id, children in counted.items():
        parent = places[parent_id]
        total = sum(child.households or 0 for child in children)
        if parent.households is not None and total > parent.households:
            yield _warning(
                "place.households-exceed",
                f'the places inside {parent.kind.value} "{parent.id}" count {total} households; '
                f"expected at most its own {parent.households}",
                parent.id,
                *(child.id for child in children),
            )


# The domains a compound and its community settle themselves (小事不出楼栋、大事不出社区);
# the others belong to departments or to a mediation room, which a spec may leave out.
_COMMUNITY_MATTERS = frozenset(
    {
        Domain.PROPERTY_SERVICE,
        Domain.NEIGHBOUR_DISPUTE,
        Domain.RESIDENT_AFFAIRS,
        Domain.SUPERVISION,
        Domain.OWNERS_DECISION,
    }
)


def _street_only(s: Structure, places: dict[str, Place]) -> Iterator[Violation]:
    """Compounds where only the street can act on some community matters.

    The categories whose default domains are all community matters (property service,
    neighbour disputes, resident affairs, supervision, owners' decisions), and that no one
    below the street holds at the compound: what routing sees there under the default
    policy, on the day the last appointment starts.
    """
    # Imported here: the rules sit above the spec layer that loads and validates.
    from govmodel.rules.policy import DEFAULT_POLICY
    from govmodel.rules.routing import Tables, presence_in

    compounds = [p for p in places.values() if p.kind is PlaceKind.COMPOUND and p.residential]
    if not compounds:
        return
    day = max((a.start for a in s.appointments()), default=dt.date(2000, 1, 1))
    # Tables of validation's own: the structure keeps none from a validation.
    tables = Tables(s, DEFAULT_POLICY)
    for compound in compounds:
        held: set[Domain] = set()
        for tier in presence_in(tables, compound.id, day):
            if tier.tier is not Tier.STREET:
                held |= tier.domains
        missing = [
            category.value
            for category, domains in DEFAULT_POLICY.category_domains.items()
            if domains <= _COMMUNITY_MATTERS and not domains <= held
        ]
        if missing:
            yield _warning(
                "compound.street-only",
                f'compound "{compound.id}": nobody below the street can act on '
                f"{', '.join(missing)}; expected someone in the compound, the community or "
                "a department to hold their domains",
                compound.id,
            )


def _error(code: str, message: str, *nodes: str, record: str | None = None) -> Violation:
    return Violation(
        code=code, severity=Severity.ERROR, message=message, nodes=nodes, record=record
    )


def _warning(code: str, message: str, *nodes: str) -> Violation:
    return Violation(code=code, severity=Severity.WARNING, message=message, nodes=nodes)


def _places(s: Structure, places: dict[str, Place]) -> Iterator[Violation]:
    for place in places.values():
        if place.parent is None:
            if place.kind not in _ROOT_KINDS:
                yield _error(
                    "place.orphan",
                    f'{place.kind.value} "{place.id}" has no parent; only a street or a '
                    "community may stand at the top",
                    place.id,
                )
            continue
        parent = places[place.parent]
        if parent.kind not in _PARENT_KINDS[place.kind]:
            allowed = " or ".join(sorted(k.value for k in _PARENT_KINDS[place.kind])) or "nothing"
            yield _error(
                "place.parent-kind",
                f'{place.kind.value} "{place.id}" is inside the {parent.kind.value} '
                f'"{parent.id}"; expected its parent to be a {allowed}',
                place.id,
                parent.id,
            )
    # Cycles: follow parents; a chain that returns to a place on it is a cycle.
    # Each place is walked once: a walk stops at a place an earlier walk passed,
    # whose chain is already known to end at a root or in a cycle found then
    # (each place has one parent, so cycles never share a place).
    parents = {place_id: place.parent for place_id, place in places.items()}
    for cycle in _cycles(parents):
        yield _error(
            "place.cycle",
            "places contain each other in a cycle: " + " → ".join([*cycle, cycle[0]]),
            *cycle,
        )


def _cycles(parents: dict[str, str | None]) -> Iterator[list[str]]:
    """The cycles of a parent map, each from where the first walk entered it.

    Walks start from each id in the map's order; linear in the number of ids.
    """
    walked: set[str] = set()
    for start in parents:
        if start in walked:
            continue
        path: dict[str, None] = {start: None}
        current = parents[start]
        while current is not None and current not in walked and current not in path:
            path[current] = None
            current = parents[current]
        if current is not None and current in path:
            ids = list(path)
            yield ids[ids.index(current) :]
        walked.update(path)


def _grids(s: Structure, places: dict[str, Place]) -> Iterator[Violation]:
    grids = s.grids()
    if not grids:
        if s.places(kind=PlaceKind.COMMUNITY):
            yield _warning(
                "grid.none",
                "no grid is declared: routing cannot use the micro-grid and compound tiers",
            )
        return
    grids_by_id = {grid.id: grid for grid in grids}
    covered: dict[GridLevel, dict[str, list[str]]] = {level: {} for level in GridLevel}
    for grid in grids:
        expected_parent = _GRID_PARENT[grid.level]
        if grid.parent is None:
            if expected_parent is not None:
                yield _error(
                    "grid.parent-level",
                    f'{grid.level.value} grid "{grid.id}" has no parent; expected a '
                    f"{expected_parent.value} grid",
                    grid.id,
                )
        else:
            parent = grids_by_id[grid.parent]
            if parent.level is not expected_parent:
                wanted = f"a {expected_parent.value} grid" if expected_parent else "no parent"
                yield _error(
                    "grid.parent-level",
                    f'{grid.level.value} grid "{grid.id}" sits under the {parent.level.value} '
                    f'grid "{parent.id}"; expected {wanted}',
                    grid.id,
                    parent.id,
                )
        allowed_kinds = _GRID_COVERS[grid.level]
        level_covered = covered[grid.level]
        for place_id in grid.covers:
            place = places[place_id]
            if place.kind not in allowed_kinds:
                allowed = " or ".join(sorted(k.value for k in allowed_kinds))
                yield _error(
                    "grid.covers-kind",
                    f'{grid.level.value} grid "{grid.id}" covers the {place.kind.value} '
                    f'"{place.id}"; expected a {allowed}',
                    grid.id,
                    place.id,
                )
                continue
            owners = level_covered.get(place_id)
            if owners is None:
                level_covered[place_id] = [grid.id]
            else:
                owners.append(grid.id)
        if not grid.covers:
            yield _error("grid.empty", f'grid "{grid.id}" covers no place', grid.id)
        elif (
            grid.level is GridLevel.MICRO
            and any(places[p].residential for p in grid.covers if p in places)
            and not s.posts_in(grid.id)
        ):
            yield _warning(
                "grid.no-posts",
                f'micro-grid "{grid.id}" has no post: routing finds nobody there and skips '
                "its tier; expected a micro-grid worker or building-group leader",
                grid.id,
            )
    # 横到边: every place of a level's kind is covered exactly once.
    for level, kind in (
        (GridLevel.COMMUNITY, PlaceKind.COMMUNITY),
        (GridLevel.COMPOUND, PlaceKind.COMPOUND),
    ):
        for place in s.places(kind=kind):
            owners = covered[level].get(place.id, [])
            if not owners:
                yield _error(
                    "grid.gap",
                    f'{kind.value} "{place.id}" is in no {level.value} grid',
                    place.id,
                )
            elif len(owners) > 1:
                yield _error(
                    "grid.overlap",
                    f'{kind.value} "{place.id}" is in {len(owners)} {level.value} grids: '
                    + ", ".join(owners),
                    place.id,
                    *owners,
                )
    micro = covered[GridLevel.MICRO]
    for building in s.places(kind=PlaceKind.BUILDING):
        owners = list(micro.get(building.id, []))
        compound = _enclosing_compound(building, places)
        if compound is not None:
            owners += micro.get(compound, [])
        if not owners:
            yield _error("grid.gap", f'building "{building.id}" is in no micro-grid', building.id)
        elif len(owners) > 1:
            yield _error(
                "grid.overlap",
                f'building "{building.id}" is in {len(owners)} micro-grids: ' + ", ".join(owners),
                building.id,
                *owners,
            )
    for place_id, owners in micro.items():
        place = places[place_id]
        if place.kind is PlaceKind.COMPOUND and len(owners) > 1:
            yield _error(
                "grid.overlap",
                f'compound "{place_id}" is in {len(owners)} micro-grids: ' + ", ".join(owners),
                place_id,
                *owners,
            )
    # 纵到底: what a grid covers lies inside what its parent grid covers.
    parent_covers: dict[str, frozenset[str]] = {}
    for grid in grids:
        if grid.parent is None:
            continue
        parent = grids_by_id[grid.parent]
        if parent.level is not _GRID_PARENT[grid.level]:
            continue
        parent_places = parent_covers.get(parent.id)
        if parent_places is None:
            parent_places = parent_covers[parent.id] = frozenset(parent.covers)
        for place_id in grid.covers:
            if not _inside(place_id, parent_places, places):
                yield _error(
                    "grid.tree-mismatch",
                    f'grid "{grid.id}" covers "{place_id}", which lies outside every place '
                    f'its parent grid "{parent.id}" covers',
                    grid.id,
                    place_id,
                    parent.id,
                )


def _enclosing_compound(place: Place, places: dict[str, Place]) -> str | None:
    """The id of the nearest compound containing ``place`` (as ``Structure.enclosing``)."""
    seen = {place.id}
    current = place
    while current.parent is not None and current.parent not in seen:
        seen.add(current.parent)
        current = places[current.parent]
        if current.kind is PlaceKind.COMPOUND:
            return current.id
    return None


def _inside(place_id: str, targets: frozenset[str], places: dict[str, Place]) -> bool:
    """Whether ``place_id`` or a place containing it is one of ``targets``."""
    if place_id in targets:
        return True
    seen = {place_id}
    parent = places[place_id].parent
    while parent is not None and parent not in seen:
        if parent in targets:
            return True
        seen.add(parent)
        parent = places[parent].parent
    return False


def _bodies(s: Structure, places: dict[str, Place], bodies: dict[str, Body]) -> Iterator[Violation]:
    answering: dict[str, set[BodyKind]] = defaultdict(set)
    for body in bodies.values():
        for place_id in body.jurisdiction:
            answering[place_id].add(body.kind)
        for place_id in body.serves:
            answering[place_id].add(body.kind)
    for community in s.places(kind=PlaceKind.COMMUNITY):
        kinds = answering[community.id]
        if not kinds & {BodyKind.PARTY_COMMITTEE, BodyKind.PARTY_BRANCH}:
            yield _error(
                "community.no-party-organisation",
                f'community "{community.id}" has no party committee or branch answering for it',
                community.id,
            )
        if BodyKind.RESIDENTS_COMMITTEE not in kinds:
            yield _error(
                "community.no-residents-committee",
                f'community "{community.id}" has no residents\' committee answering for it',
                community.id,
            )
    for compound in s.places(kind=PlaceKind.COMPOUND):
        if not compound.residential:
            continue
        kinds = answering[compound.id]
        if compound.title and BodyKind.OWNERS_COMMITTEE not in kinds:
            yield _warning(
                "compound.no-owners-committee",
                f'compound "{compound.id}" has a property title but no owners\' committee',
                compound.id,
            )
        if not compound.title and BodyKind.SELF_MANAGEMENT_COMMITTEE not in kinds:
            yield _warning(
                "compound.no-self-management-committee",
                f'no-title compound "{compound.id}" has no self-management committee',
                compound.id,
            )
    party_reach: set[str] = set()
    for tie in s.ties():
        if tie.kind in (TieKind.LEADS, TieKind.EMBEDDED_IN) and bodies[tie.source].kind.is_party:
            party_reach.add(tie.target)
    # Bodies on a cycle of parents; each of them reports the cycle from itself.
    parents = {body_id: body.parent for body_id, body in bodies.items()}
    on_cycle = {body_id for cycle in _cycles(parents) for body_id in cycle}
    for body in bodies.values():
        if body.kind is BodyKind.PROPERTY_COMPANY and not body.serves:
            yield _error(
                "body.serves-nothing",
                f'property company "{body.id}" serves no compound',
                body.id,
            )
        for place_id in body.serves:
            kind = places[place_id].kind
            if kind not in (PlaceKind.COMPOUND, PlaceKind.BUILDING):
                yield _error(
                    "body.serves-kind",
                    f'"{body.id}" serves the {kind.value} "{place_id}"; a service contract '
                    "covers compounds or buildings",
                    body.id,
                    place_id,
                )
        if body.grid is not None and body.kind not in (BodyKind.PARTY_BRANCH, BodyKind.PARTY_GROUP):
            yield _error(
                "body.grid-kind",
                f'{body.kind.value} "{body.id}" is built on grid "{body.grid}"; only party '
                "branches and groups are",
                body.id,
                body.grid,
            )
        if body.parent is not None:
            parent = bodies[body.parent]
            if parent.kind.is_party != body.kind.is_party:
                yield _error(
                    "body.parent-kind",
                    f'{body.kind.value} "{body.id}" sits under the {parent.kind.value} '
                    f'"{parent.id}"; a body\'s parent belongs to the same hierarchy '
                    "(party under party, others under others; use a tie for leadership)",
                    body.id,
                    parent.id,
                )
        if body.id in on_cycle:
            lineage = [body.id]
            current = bodies[body.id]
            while current.parent is not None and current.parent != body.id:
                lineage.append(current.parent)
                current = bodies[current.parent]
            yield _error(
                "body.cycle",
                "bodies sit under each other in a cycle: " + " → ".join([*lineage, body.id]),
                *lineage,
            )
        if body.kind in _LED_KINDS and body.id not in party_reach:
            yield _warning(
                "body.no-party-leadership",
                f'{body.kind.value} "{body.id}" is neither led by nor embeds a party organisation',
                body.id,
            )


def _posts(s: Structure) -> Iterator[Violation]:
    by_post: dict[str, list[Appointment]] = {}
    by_pair: dict[tuple[str, str], list[Appointment]] = {}
    # Equal appointments are one record to attrs; identity tells them apart.
    index_of: dict[int, int] = {}
    for index, appointment in enumerate(s.appointments()):
        index_of[id(appointment)] = index
        by_post.setdefault(appointment.post, []).append(appointment)
        by_pair.setdefault((appointment.person, appointment.post), []).append(appointment)
    for post in s.posts():
        appointments = by_post.get(post.id, [])
        if len(appointments) <= post.seats:
            continue
        day = _first_over_held_day(appointments, post.seats)
        if day is not None:
            holding = [a for a in appointments if a.active(day)]
            people = ", ".join(sorted({a.person for a in holding}))
            seats = f"{post.seats} seat{'s' if post.seats != 1 else ''}"
            # The appointment that broke the rule: the last listed of those
            # begun that day, which took the seat that was not there.
            breaking = max(index_of[id(a)] for a in holding if a.start == day)
            yield _error(
                "post.over-held",
                f'post "{post.id}" has {seats} but {len(holding)} holders on '
                f"{day.isoformat()}: {people}",
                post.id,
                *sorted({a.person for a in holding}),
                record=f"appointments[{breaking}]",
            )
    for (person_id, post_id), spans in by_pair.items():
        if len(spans) > 1 and _any_overlap(spans):
            yield _error(
                "post.held-twice",
                f'"{person_id}" is appointed to "{post_id}" twice over the same days',
                post_id,
                person_id,
                record=f"appointments[{index_of[id(spans[-1])]}]",
            )


def _first_over_held_day(appointments: list[Appointment], seats: int) -> dt.date | None:
    """The first day on which more than ``seats`` appointments are in force, if any.

    The most holders at once is reached on some appointment's first day; the
    count on a day is the appointments begun by then less those ended before.
    """
    starts = sorted(a.start for a in appointments)
    ends = sorted(a.end for a in appointments if a.end is not None)
    for day in sorted(set(starts)):
        if bisect_right(starts, day) - bisect_left(ends, day) > seats:
            return day
    return None


def _any_overlap(spans: list[Appointment]) -> bool:
    """Whether two of the appointments share a day (sorted by start, one pass)."""
    ordered = sorted(spans, key=lambda a: a.start)
    latest_end = ordered[0].end or dt.date.max
    for span in ordered[1:]:
        if span.start <= latest_end:
            return True
        latest_end = max(latest_end, span.end or dt.date.max)
    return False


def _ties(s: Structure, bodies: dict[str, Body]) -> Iterator[Violation]:
    for index, tie in enumerate(s.ties()):
        source = bodies[tie.source]
        target = bodies[tie.target]
        problem: str | None = None
        if tie.kind is TieKind.LEADS and not source.kind.is_party:
            problem = "only a party organisation leads"
        elif tie.kind is TieKind.EMBEDDED_IN and not source.kind.is_party:
            problem = "only a party organisation is embedded in a body"
        elif tie.kind is TieKind.EMBEDDED_IN and target.kind.is_party:
            problem = "a party organisation is embedded in a body that is not itself one"
        elif tie.kind is TieKind.SUPERVISES and source.kind not in _SUPERVISORS:
            problem = "supervisors are committees, party organisations or the street office"
        if problem is not None:
            yield _error(
                "tie.kinds",
                f'{tie.kind.value} tie from the {source.kind.value} "{source.id}" to the '
                f'{target.kind.value} "{target.id}": {problem}',
                source.id,
                target.id,
                record=f"ties[{index}]",
            )


def _meetings(s: Structure, bodies: dict[str, Body]) -> Iterator[Violation]:
    for meeting in s.meetings():
        convener = bodies[meeting.convener]
        if convener.kind not in _CONVENERS:
            yield _error(
                "meeting.convener-kind",
                f'meeting "{meeting.id}" is convened by the {convener.kind.value} '
                f'"{convener.id}"; expected a party organisation, a committee or the street office',
                meeting.id,
                convener.id,
            )
        if not meeting.members:
            yield _error("meeting.empty", f'meeting "{meeting.id}" has no members', meeting.id)


def locate(structure: Structure, violation: Violation) -> str:
    """Where in the spec a violation's main record stands, e.g. ``grids[4]``.

    The record that breaks the rule: a tie or an appointment when the
    violation names one (``Violation.record``), else the record of its first
    node.

    Examples
    --------
    >>> from govmodel import examples
    >>> s = examples.load("xinhe")
    >>> locate(s, Violation(code="x", severity=Severity.ERROR, message="",
    ...                     nodes=("community:xinhe",)))
    'places[1]'
    """
    if violation.record is not None:
        return violation.record
    if not violation.nodes:
        return ""
    locations = structure.memo("validation.locations", lambda: _locations(structure))
    return locations.get(violation.nodes[0], "")


def _locations(structure: Structure) -> dict[str, str]:
    # The first record of each id, as a spec lists them.
    found: dict[str, str] = {}
    for list_name, records in structure.records().items():
        for index, record in enumerate(records):
            record_id = getattr(record, "id", None)
            if isinstance(record_id, str) and record_id not in found:
                found[record_id] = f"{list_name}[{index}]"
    return found

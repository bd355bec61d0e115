"""Hypothesis strategies for property-testing code that uses govmodel.

The same strategies govmodel tests itself with. ``structures`` always
generates valid structures (``validate`` returns nothing for them);
``corrupted_specs`` generates specs with known defects, for testing error
handling. Importing this module needs Hypothesis (the ``test`` extra).

``structures`` is registered for ``govmodel.Structure`` through
Hypothesis' ``hypothesis`` entry point, so ``st.from_type(Structure)`` works
once govmodel is installed.

Examples
--------
>>> from hypothesis import given, settings
>>> import govmodel
>>> from govmodel.strategies import structures
>>> @settings(max_examples=5)
... @given(structures(max_communities=1))
... def test_round_trip(s):
...     assert govmodel.load(govmodel.to_dict(s)) == s
>>> test_round_trip()
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import attrs

from govmodel.errors import MissingExtraError

try:
    from hypothesis import strategies as st
    from hypothesis.errors import InvalidArgument
except ImportError:  # pragma: no cover - exercised only without the test extra
    raise MissingExtraError("Hypothesis", "test", "govmodel.strategies") from None

from govmodel.cases import (
    Accepted,
    Case,
    CaseEvent,
    Closed,
    Reopened,
    Reported,
    Resolved,
    Revisited,
    Routed,
    Routing,
    advance,
    replay,
)
from govmodel.model import (
    Appointment,
    Body,
    BodyKind,
    Category,
    Channel,
    Domain,
    Frequency,
    Grid,
    GridLevel,
    Meeting,
    Person,
    Place,
    PlaceKind,
    Post,
    Role,
    Scope,
    Status,
    Tie,
    TieKind,
    Urgency,
)
from govmodel.rules import escalate, route
from govmodel.spec import to_dict
from govmodel.structure import Structure

__all__ = [
    "HARD_CHARACTERS",
    "CorruptedSpec",
    "Defect",
    "cases",
    "corrupted_specs",
    "event_logs",
    "structures",
]

# Text as residents and clerks type it, hard characters included, so the
# formats' tests meet them: control characters (NUL, CR, DEL, NEL), line and
# paragraph separators, format characters (BOM, zero-width joiner),
# non-characters (U+FFFE, U+FFFF), private-use and unassigned code points.
# Lone surrogates are left out: no format govmodel writes can hold one, and
# every loader refuses them.
HARD_CHARACTERS = (
    "\x00\x01\x08\t\n\x0b\x0c\r\x1b\x1f\x7f\x85\xa0"
    "\u2028\u2029\u200d\ufeff\ue000\ufffe\uffff\U0010ffff"
)
"""Characters ``structures`` mixes into names: each format must keep them or refuse them."""
_PLAIN = st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=10)
# Half the names carry a hard character at some place: drawn on its own, so each
# of them turns up as often as the others (an alphabet would favour the first).
_TEXT = _PLAIN | st.builds(
    lambda text, hard, at: text[:at] + hard + text[at:],
    _PLAIN,
    st.sampled_from(HARD_CHARACTERS),
    st.integers(0, 10),
)
_DAYS = st.dates(min_value=dt.date(2015, 1, 1), max_value=dt.date(2030, 12, 31))
_DEPARTMENT_DOMAINS = (
    Domain.PUBLIC_SECURITY,
    Domain.FIRE_SAFETY,
    Domain.HOUSING,
    Domain.URBAN_MANAGEMENT,
    Domain.UTILITIES,
)


def _check_bounds(name: str, low: int, high: int, floor: int) -> None:
    for bound, value in (("min", low), ("max", high)):
        if isinstance(value, bool) or not isinstance(value, int):
            raise InvalidArgument(f"{bound}_{name}={value!r}: expected an integer")
    if low < floor:
        raise InvalidArgument(f"min_{name}={low}: expected {floor} or more")
    if high < low:
        raise InvalidArgument(f"max_{name}={high}: expected at least min_{name}={low}")


class _Builder:
    """Collects records while a structure is drawn; ids are unique by construction."""

    def __init__(self, draw: Callable[[st.SearchStrategy[Any]], Any]) -> None:
        self.draw = draw
        self.places: list[Place] = []
        self.grids: list[Grid] = []
        self.bodies: list[Body] = []
        self.people: list[Person] = []
        self.posts: list[Post] = []
        self.appointments: list[Appointment] = []
        self.ties: list[Tie] = []
        self.meetings: list[Meeting] = []

    def names(self) -> dict[str, Any]:
        return {"name": self.draw(_TEXT), "name_zh": self.draw(_TEXT)}

    def person(self, person_id: str) -> str:
        self.people.append(
            Person(id=person_id, party_member=self.draw(st.booleans()), **self.names())
        )
        return person_id

    def post(self, post_id: str, role: Role, within: str, holders: list[str]) -> str:
        seats = max(1, len(holders)) + self.draw(st.integers(0, 1))
        self.posts.append(Post(id=post_id, role=role, within=within, seats=seats, **self.names()))
        for person_id in holders:
            start = self.draw(_DAYS)
            end = self.draw(st.none() | st.dates(min_value=start, max_value=dt.date(2031, 12, 31)))
            self.appointments.append(
                Appointment(person=person_id, post=post_id, start=start, end=end)
            )
        return post_id

    def lead(self, party_id: str, body_id: str) -> None:
        kind = self.draw(st.sampled_from([TieKind.LEADS, TieKind.EMBEDDED_IN]))
        self.ties.append(Tie(kind=kind, source=party_id, target=body_id))

    def structure(self) -> Structure:
        return Structure(
            name=self.draw(_TEXT),
            name_zh=self.draw(_TEXT),
            places=self.places,
            grids=self.grids,
            bodies=self.bodies,
            people=self.people,
            posts=self.posts,
            appointments=self.appointments,
            ties=self.ties,
            meetings=self.meetings,
        )


def structures(
    *,
    min_communities: int = 1,
    max_communities: int = 2,
    min_compounds: int = 1,
    max_compounds: int = 3,
    min_buildings: int = 0,
    max_buildings: int = 3,
) -> st.SearchStrategy[Structure]:
    """Valid structures: one street with communities, compounds and buildings.

    Every generated structure passes ``govmodel.validate`` with no
    violation: complete, non-overlapping grids on three levels, a party
    committee and residents' committee per community, an owners' committee for
    each titled compound and a self-management committee for each no-title one,
    property companies serving compounds, party leadership of every body, and
    cross-appointments of people to several posts. Departments, mediation
    rooms and standing meetings appear in some structures and not others.

    Parameters
    ----------
    min_communities, max_communities
        Communities in the street (at least 1).
    min_compounds, max_compounds
        Compounds per community (at least 0).
    min_buildings, max_buildings
        Buildings per compound (at least 0).

    Examples
    --------
    >>> from hypothesis import given, settings
    >>> from govmodel import validate
    >>> @settings(max_examples=5)
    ... @given(structures(max_compounds=2))
    ... def test_valid(s):
    ...     assert validate(s) == ()
    >>> test_valid()
    >>> structures(min_compounds=3, max_compounds=2).example()
    Traceback (most recent call last):
    ...
    hypothesis.errors.InvalidArgument: max_compounds=2: expected at least min_compounds=3
    """
    _check_bounds("communities", min_communities, max_communities, 1)
    _check_bounds("compounds", min_compounds, max_compounds, 0)
    _check_bounds("buildings", min_buildings, max_buildings, 0)

    @st.composite
    def draw_structure(draw: Callable[[st.SearchStrategy[Any]], Any]) -> Structure:
        b = _Builder(draw)
        street = "street:s"
        b.places.append(Place(id=street, kind=PlaceKind.STREET, **b.names()))
        b.bodies.append(
            Body(id="so:s", kind=BodyKind.STREET_OFFICE, jurisdiction=(street,), **b.names())
        )
        departments = draw(st.lists(st.sampled_from(_DEPARTMENT_DOMAINS), unique=True, max_size=3))
        for domain in departments:
            b.bodies.append(
                Body(
                    id=f"dept:{domain.value}",
                    kind=BodyKind.DEPARTMENT,
                    domains=(domain,),
                    jurisdiction=(street,),
                    **b.names(),
                )
            )
        n_communities = draw(st.integers(min_communities, max_communities))
        for c in range(n_communities):
            _community(b, c, street, min_compounds, max_compounds, min_buildings, max_buildings)
        return b.structure()

    return draw_structure()


def _community(
    b: _Builder,
    c: int,
    street: str,
    min_compounds: int,
    max_compounds: int,
    min_buildings: int,
    max_buildings: int,
) -> None:
    draw = b.draw
    community = f"community:c{c}"
    b.places.append(
        Place(
            id=community,
            kind=PlaceKind.COMMUNITY,
            parent=street,
            # At least what its compounds can count (validation: place.households-exceed).
            households=draw(
                st.none() | st.integers(max_compounds * 5_000, 20_000 + max_compounds * 5_000)
            ),
            **b.names(),
        )
    )
    party = f"party:c{c}"
    rc = f"rc:c{c}"
    # A community's party organisation is a committee, or a branch in small ones.
    party_kind = draw(st.sampled_from([BodyKind.PARTY_COMMITTEE, BodyKind.PARTY_BRANCH]))
    b.bodies.append(Body(id=party, kind=party_kind, jurisdiction=(community,), **b.names()))
    b.bodies.append(
        Body(id=rc, kind=BodyKind.RESIDENTS_COMMITTEE, jurisdiction=(community,), **b.names())
    )
    b.lead(party, rc)
    community_grid = f"grid:c{c}"
    b.grids.append(
        Grid(id=community_grid, level=GridLevel.COMMUNITY, covers=(community,), **b.names())
    )
    secretary = b.person(f"person:c{c}-secretary")
    b.post(f"post:c{c}-secretary", Role.SECRETARY, party, [secretary])
    # 两委交叉任职: the secretary is also a residents' committee member and
    # the community grid leader.
    b.post(f"post:c{c}-rc-member", Role.MEMBER, rc, [secretary] if draw(st.booleans()) else [])
    b.post(f"post:c{c}-grid-leader", Role.GRID_LEADER, community_grid, [secretary])
    if draw(st.booleans()):
        room = f"mediation:c{c}"
        b.bodies.append(
            Body(id=room, kind=BodyKind.MEDIATION_ROOM, jurisdiction=(community,), **b.names())
        )
        b.lead(party, room)
        mediators = [b.person(f"person:c{c}-mediator-{i}") for i in range(draw(st.integers(1, 3)))]
        b.post(f"post:c{c}-mediator", Role.MEDIATOR, room, mediators)
    companies: list[str] = []
    compound_bodies: list[str] = []
    n_compounds = draw(st.integers(min_compounds, max_compounds))
    for k in range(n_compounds):
        compound = f"compound:c{c}-{k}"
        titled = draw(st.booleans())
        b.places.append(
            Place(
                id=compound,
                kind=PlaceKind.COMPOUND,
                parent=community,
                households=draw(st.none() | st.integers(0, 5_000)),
                title=titled,
                old=draw(st.booleans()),
                **b.names(),
            )
        )
        compound_grid = f"grid:c{c}-{k}"
        b.grids.append(
            Grid(
                id=compound_grid,
                level=GridLevel.COMPOUND,
                parent=community_grid,
                covers=(compound,),
                **b.names(),
            )
        )
        committee = f"{'oc' if titled else 'smc'}:c{c}-{k}"
        kind = BodyKind.OWNERS_COMMITTEE if titled else BodyKind.SELF_MANAGEMENT_COMMITTEE
        b.bodies.append(Body(id=committee, kind=kind, jurisdiction=(compound,), **b.names()))
        b.lead(party, committee)
        compound_bodies.append(committee)
        # A company serves one compound or several; reuse an existing one at times.
        if companies and draw(st.booleans()):
            company = draw(st.sampled_from(companies))
            index = next(i for i, body in enumerate(b.bodies) if body.id == company)
            b.bodies[index] = attrs.evolve(
                b.bodies[index], serves=(*b.bodies[index].serves, compound)
            )
        else:
            company = f"pm:c{c}-{k}"
            companies.append(company)
            b.bodies.append(
                Body(id=company, kind=BodyKind.PROPERTY_COMPANY, serves=(compound,), **b.names())
            )
            b.lead(party, company)
            b.ties.append(Tie(kind=TieKind.SUPERVISES, source=committee, target=company))
        worker = b.person(f"person:c{c}-{k}-worker")
        b.post(f"post:c{c}-{k}-grid-worker", Role.GRID_WORKER, compound_grid, [worker])
        steward = b.person(f"person:c{c}-{k}-steward")
        b.post(f"post:c{c}-{k}-steward", Role.BUILDING_STEWARD, company, [steward])
        if draw(st.booleans()):
            # 网格长兼任物业服务监督员; 物业管家兼任网格员.
            b.post(f"post:c{c}-{k}-supervisor", Role.PROPERTY_SUPERVISOR, compound_grid, [steward])
        if draw(st.booleans()):
            members = [committee, company]
            b.meetings.append(
                Meeting(
                    id=f"meeting:c{c}-{k}",
                    convener=party,
                    members=tuple(members),
                    place=compound,
                    frequency=draw(st.sampled_from(list(Frequency))),
                    **b.names(),
                )
            )
        _buildings(b, c, k, compound, compound_grid, min_buildings, max_buildings)
    if compound_bodies and draw(st.booleans()):
        b.meetings.append(
            Meeting(
                id=f"meeting:c{c}",
                convener=party,
                members=(rc, *companies, *compound_bodies),
                place=community,
                frequency=Frequency.MONTHLY,
                day_of_month=draw(st.none() | st.integers(1, 28)),
                **b.names(),
            )
        )


def _buildings(
    b: _Builder,
    c: int,
    k: int,
    compound: str,
    compound_grid: str,
    min_buildings: int,
    max_buildings: int,
) -> None:
    draw = b.draw
    n_buildings = draw(st.integers(min_buildings, max_buildings))
    buildings = [f"building:c{c}-{k}-{i}" for i in range(n_buildings)]
    for building in buildings:
        b.places.append(Place(id=building, kind=PlaceKind.BUILDING, parent=compound, **b.names()))
        for u in range(draw(st.integers(0, 2))):
            b.places.append(
                Place(id=f"{building}-u{u}", kind=PlaceKind.UNIT, parent=building, **b.names())
            )
    # Split the buildings into consecutive micro-grids, each with its worker.
    start = 0
    m = 0
    while start < len(buildings):
        size = draw(st.integers(1, len(buildings) - start))
        grid_id = f"grid:c{c}-{k}-m{m}"
        b.grids.append(
            Grid(
                id=grid_id,
                level=GridLevel.MICRO,
                parent=compound_grid,
                covers=tuple(buildings[start : start + size]),
                **b.names(),
            )
        )
        worker = b.person(f"person:c{c}-{k}-m{m}")
        b.post(f"post:c{c}-{k}-m{m}", Role.MICRO_GRID_WORKER, grid_id, [worker])
        start += size
        m += 1


# -- corrupted specs -----------------------------------------------------------


@attrs.frozen
class Defect:
    """One defect injected into a spec: where, and the problem code expected there.

    Examples
    --------
    >>> Defect("places[0].kind", "unknown-value").code
    'unknown-value'
    """

    location: str
    code: str


@attrs.frozen
class CorruptedSpec:
    """A spec mapping with defects injected, and the list of those defects."""

    spec: dict[str, Any]
    defects: tuple[Defect, ...]


Corruption = Callable[[dict[str, Any], int], None]


def _corruptions() -> list[tuple[str, str, str, Corruption]]:
    """(list, field, code, how to corrupt record i) for each kind of defect."""

    def delete(field: str) -> Corruption:
        def corrupt(record: dict[str, Any], _: int) -> None:
            record.pop(field, None)

        return corrupt

    def put(field: str, value: Any) -> Corruption:
        def corrupt(record: dict[str, Any], i: int) -> None:
            record[field] = value(i) if callable(value) else value

        return corrupt

    return [
        ("places", "kind", "missing-key", delete("kind")),
        ("places", "kind", "unknown-value", put("kind", "palace")),
        ("places", "households", "wrong-type", put("households", "many")),
        ("places", "colour", "unknown-key", put("colour", "red")),
        ("places", "parent", "dangling-reference", put("parent", lambda i: f"place:missing-{i}")),
        ("grids", "level", "unknown-value", put("level", "galaxy")),
        ("grids", "covers", "wrong-type", put("covers", "not-a-list")),
        ("bodies", "kind", "unknown-value", put("kind", "guild")),
        ("bodies", "serves[0]", "dangling-reference", put("serves", lambda i: [f"place:gone-{i}"])),
        ("people", "party_member", "wrong-type", put("party_member", "yes")),
        ("posts", "role", "unknown-value", put("role", "emperor")),
        ("posts", "in", "dangling-reference", put("in", lambda i: f"body:gone-{i}")),
        ("appointments", "start", "bad-date", put("start", "2025-02-30")),
        ("appointments", "person", "missing-key", delete("person")),
        ("ties", "kind", "unknown-value", put("kind", "loves")),
        ("meetings", "convener", "dangling-reference", put("convener", lambda i: f"body:gone-{i}")),
    ]


def corrupted_specs(
    *,
    min_defects: int = 1,
    max_defects: int = 3,
    structures: st.SearchStrategy[Structure] | None = None,
) -> st.SearchStrategy[CorruptedSpec]:
    """Valid specs with defects injected, each defect at its own record.

    The defects: a missing key, an unknown key, a value of the wrong type, an
    unknown kind, role or level, a dangling reference, a bad date, a duplicate
    id, and an unknown top-level key. Loading the spec must raise
    ``govmodel.SpecError`` with a problem at each defect's location with
    the defect's code (and possibly more problems that follow from them).

    Parameters
    ----------
    min_defects, max_defects
        How many defects to inject (at least 1).
    structures
        Where the valid specs come from; ``structures`` by default.

    Examples
    --------
    >>> from hypothesis import given, settings
    >>> import govmodel
    >>> @settings(max_examples=5)
    ... @given(corrupted_specs())
    ... def test_reported(case):
    ...     try:
    ...         govmodel.load(case.spec)
    ...     except govmodel.SpecError as err:
    ...         found = {(p.location, p.code) for p in err.problems}
    ...         assert all((d.location, d.code) in found for d in case.defects)
    ...     else:
    ...         raise AssertionError("loaded a corrupted spec")
    >>> test_reported()
    """
    _check_bounds("defects", min_defects, max_defects, 1)
    source = structures if structures is not None else _default_structures()

    @st.composite
    def draw_corrupted(draw: Callable[[st.SearchStrategy[Any]], Any]) -> CorruptedSpec:
        spec = to_dict(draw(source))
        # One defect per record, so every defect is reported on its own.
        by_record: dict[tuple[str, int], list[tuple[str, str, Corruption]]] = {}
        for list_name, field, code, corrupt in _corruptions():
            for index in range(len(spec.get(list_name, []))):
                by_record.setdefault((list_name, index), []).append((field, code, corrupt))
        targets: list[tuple[str, int] | str] = [*by_record, "top-level", "duplicate-id"]
        n = draw(st.integers(min_defects, min(max_defects, len(targets))))
        chosen = draw(st.lists(st.sampled_from(targets), min_size=n, max_size=n, unique=True))
        defects: list[Defect] = []
        for target in chosen:
            if target == "top-level":
                spec["colour"] = "red"
                defects.append(Defect("colour", "unknown-key"))
            elif target == "duplicate-id":
                people = spec.setdefault("people", [])
                if not people:
                    people.append({"id": "person:twin"})
                people.append({"id": people[0]["id"]})
                defects.append(Defect(f"people[{len(people) - 1}].id", "duplicate-id"))
            else:
                assert isinstance(target, tuple)
                list_name, index = target
                field, code, corrupt = draw(st.sampled_from(by_record[target]))
                corrupt(spec[list_name][index], index)
                defects.append(Defect(f"{list_name}[{index}].{field}", code))
        return CorruptedSpec(spec=spec, defects=tuple(defects))

    return draw_corrupted()


def _default_structures() -> st.SearchStrategy[Structure]:
    return structures(max_communities=2, max_compounds=2, max_buildings=2)


# -- cases and event logs ------------------------------------------------------

# Personal data that looks like personal data: a resident's name, an address.
_NAMES = st.text(alphabet="王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗", min_size=1, max_size=2).map(
    lambda s: "居民" + s
)
_DESCRIPTIONS = st.builds(
    lambda building, flat, what: f"{building}号楼{flat}室：{what}",
    st.integers(1, 40),
    st.integers(101, 3202),
    st.sampled_from(["漏水", "噪音", "电梯故障", "停车纠纷", "宠物扰民"]),
)
_MOMENTS = st.datetimes(min_value=dt.datetime(2024, 1, 1), max_value=dt.datetime(2027, 12, 31))


def cases(
    structure: Structure,
    *,
    ids: st.SearchStrategy[str] | None = None,
    reported_at: st.SearchStrategy[dt.datetime] | None = None,
) -> st.SearchStrategy[Case]:
    """Cases at the places of ``structure``: any category, channel, scope and urgency.

    Some cases override their category's domains, some name a receiver (a
    post or body of the structure) and some carry personal data.

    Parameters
    ----------
    structure
        Where the cases happen.
    ids
        Case ids; ``"case:<n>"`` by default.
    reported_at
        Report times; 2024–2027 by default.

    Examples
    --------
    >>> from hypothesis import given, settings
    >>> from govmodel import examples, route
    >>> s = examples.load("xinhe")
    >>> @settings(max_examples=10)
    ... @given(cases(s))
    ... def test_route_is_total(case):
    ...     assert route(s, case).ladder[-1].value == "street"
    >>> test_route_is_total()
    """
    if not isinstance(structure, Structure):
        raise InvalidArgument(
            f"cases(structure): expected a govmodel Structure, found {type(structure).__name__}"
        )
    places = [p.id for p in structure.places()]
    if not places:
        raise InvalidArgument("cases(structure): the structure has no place")
    actors = [b.id for b in structure.bodies()] + [p.id for p in structure.posts()]
    id_strategy = ids if ids is not None else st.integers(0, 10**6).map(lambda n: f"case:{n}")
    time_strategy = reported_at if reported_at is not None else _MOMENTS
    return st.builds(
        Case,
        id=id_strategy,
        category=st.sampled_from(list(Category)),
        place=st.sampled_from(places),
        reported_at=time_strategy,
        channel=st.sampled_from(list(Channel)),
        scope=st.sampled_from(list(Scope)),
        urgency=st.sampled_from(list(Urgency)),
        domains=st.none()
        | st.lists(st.sampled_from(list(Domain)), min_size=1, max_size=3, unique=True).map(tuple),
        receiver=st.none() | st.sampled_from(actors) if actors else st.none(),
        reporter=st.none() | _NAMES,
        contact=st.none() | st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True),
        description=st.just("") | _DESCRIPTIONS,
    )


def event_logs(
    structure: Structure, *, min_cases: int = 1, max_cases: int = 5
) -> st.SearchStrategy[tuple[CaseEvent, ...]]:
    """Valid event logs of several cases, routed and escalated by govmodel's rules.

    Each case is reported and routed; most are accepted, some escalate when
    overdue, most are resolved and revisited, some are reopened and
    escalated, and those revisited are closed. Cases are interleaved by
    time; each case's events are in order. Every log replays without error
    under the default policy, and ``govmodel.check_log`` finds no problem in
    it: every routing is ``route``'s or ``escalate``'s, the handler of the
    routing in force accepts and resolves, and the owner (the handler where
    there is none) revisits, reopens and closes.

    Examples
    --------
    >>> from hypothesis import given, settings
    >>> from govmodel import examples, replay
    >>> from govmodel.cases import iter_case_events
    >>> s = examples.load("xinhe")
    >>> @settings(max_examples=10)
    ... @given(event_logs(s, max_cases=3))
    ... def test_replays(log):
    ...     for _, events in iter_case_events(log):
    ...         replay(events)
    >>> test_replays()
    """
    _check_bounds("cases", min_cases, max_cases, 1)

    @st.composite
    def draw_log(draw: Callable[[st.SearchStrategy[Any]], Any]) -> tuple[CaseEvent, ...]:
        n = draw(st.integers(min_cases, max_cases))
        log: list[tuple[dt.datetime, int, CaseEvent]] = []
        for number in range(n):
            case = draw(cases(structure, ids=st.just(f"case:{number}")))
            events = _lifecycle(draw, structure, case, route, escalate)
            log += [(event.at, number, event) for event in events]
        log.sort(key=lambda item: (item[0], item[1]))
        return tuple(event for _, _, event in log)

    return draw_log()


def _lifecycle(
    draw: Callable[[st.SearchStrategy[Any]], Any],
    structure: Structure,
    case: Case,
    route: Callable[..., Routing],
    escalate: Callable[..., Routing | None],
) -> list[CaseEvent]:
    def later(t: dt.datetime, max_hours: int = 72) -> dt.datetime:
        return t + dt.timedelta(minutes=draw(st.integers(0, max_hours * 60)))

    t = case.reported_at
    routing = route(structure, case)
    events: list[CaseEvent] = [
        Reported(case=case, at=t),
        Routed(case_id=case.id, at=t, routing=routing),
    ]
    state = replay(events)
    # The handler takes the case up; without one (a street-tier routing in a
    # structure with no street office), its first contact does.
    taker = routing.handler or routing.owner
    if taker is None or (not draw(st.booleans()) and draw(st.booleans())):
        return events  # never answered
    t = later(t, 30)
    events.append(Accepted(case_id=case.id, at=t, actor=taker))
    state = advance(state, events[-1])
    rounds = draw(st.integers(0, 2))
    for _ in range(rounds + 1):
        if draw(st.booleans()):
            # Let the routing run out, then escalate.
            current = state.routing
            assert current is not None
            t = max(t, current.due) + dt.timedelta(minutes=1)
            nxt = escalate(structure, state, now=t)
            if nxt is not None:
                events.append(Routed(case_id=case.id, at=t, routing=nxt))
                state = advance(state, events[-1])
        current = state.routing
        assert current is not None
        if current.handler is None or (not draw(st.booleans()) and draw(st.booleans())):
            return events  # still open: nobody in the structure handles it
        t = later(t)
        events.append(Resolved(case_id=case.id, at=t, actor=current.handler))
        state = advance(state, events[-1])
        if draw(st.integers(0, 4)) == 0:
            return events  # resolved, not yet revisited
        t = later(t, 240)
        satisfied = draw(st.booleans())
        # The first contact follows the case to its return visit (首接负责).
        visitor = current.owner or current.handler
        events.append(Revisited(case_id=case.id, at=t, actor=visitor, satisfied=satisfied))
        state = advance(state, events[-1])
        if satisfied or draw(st.booleans()):
            break
        events.append(
            Reopened(case_id=case.id, at=t, actor=visitor, reason="the resident was not satisfied")
        )
        state = advance(state, events[-1])
        nxt = escalate(structure, state, now=t)
        if nxt is not None:
            events.append(Routed(case_id=case.id, at=t, routing=nxt))
            state = advance(state, events[-1])
    if state.status is Status.RESOLVED and state.revisited_since_resolved is not None:
        closer = state.routing.owner or state.routing.handler if state.routing else None
        if closer is not None:
            events.append(Closed(case_id=case.id, at=later(t, 24), actor=closer))
    return events

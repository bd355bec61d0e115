"""Synthetic structures of any size: a district, a city, a megacity.

``generate`` draws a valid structure from a seed: streets, each with its
street office, party working committee and departments; communities, each
with its two committees (party committee and residents' committee), a
community grid, and some with a mediation room, volunteer teams, a partner
unit and a fixed-day chamber meeting; compounds, residential or office,
titled or without a property title (无产证), old or not, each with its
compound grid, its property company, its owners' or self-management committee
and sometimes a compound party branch, a grid party group and a three-in-one
or four-party meeting; buildings, each its own micro-grid (楼栋微网格) with
its micro-grid worker or service group; and units with their households.
People hold posts with the cross-appointments (兼任) the source articles
describe: the party secretary leads the community grid, two-committee members
lead the compound grids and supervise the property service, property stewards
serve as grid workers or information officers.

The structures are synthetic: no place, body or person in them exists. Where
a share can be read off the five bundled communities (``govmodel.examples``)
it is, and ``Shares`` names the figures; the other shares are stated there as
modelling assumptions. ``docs/synth.md`` explains every choice.

Everything is drawn from ``numpy.random.SeedSequence(seed)``, one stream per
street: the same arguments give the same structure, record for record, and a
structure with more streets begins with the streets of a smaller one.

Examples
--------
>>> from govmodel import synth, validate
>>> s = synth.generate(streets=1, communities_per_street=2, seed=7)
>>> validate(s)
()
>>> [p.id for p in s.places(kind="community")]
['community:s0-c0', 'community:s0-c1']
>>> s == synth.generate(streets=1, communities_per_street=2, seed=7)
True
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from math import ceil
from numbers import Integral
from types import MappingProxyType
from typing import Any

import attrs
import numpy as np

from govmodel._gc import paused
from govmodel.errors import GovModelError
from govmodel.model import (
    Appointment,
    Body,
    BodyKind,
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
    Tie,
    TieKind,
)
from govmodel.structure import Structure

__all__ = [
    "PRESETS",
    "START",
    "Shape",
    "Shares",
    "Size",
    "SynthError",
    "generate",
    "preset",
    "residential_compounds",
]

START = dt.date(2025, 1, 1)
"""The day every generated appointment starts: the modelling date of the bundled examples."""


class SynthError(GovModelError, ValueError):
    """An argument that no structure can be generated from, named with its field.

    Examples
    --------
    >>> generate(streets=-1)
    Traceback (most recent call last):
    ...
    govmodel.synth.SynthError: streets: expected a count of 0 or more, found -1
    >>> preset("town")
    Traceback (most recent call last):
    ...
    govmodel.synth.SynthError: preset: unknown preset "town"; expected one of district, city, ...
    """


Size = int | tuple[int, int]
"""A count, or an inclusive ``(low, high)`` range each count is drawn from."""


def _size(value: object) -> object:
    """``value`` as an inclusive ``(low, high)`` range when it is a size; else unchanged.

    Whatever is not a size is left for ``_check_size``, which knows the field.
    """
    if isinstance(value, list):
        value = tuple(value)
    if _is_count(value):
        return (value, value)
    return value


def _is_count(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _check_size(_inst: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not (isinstance(value, tuple) and len(value) == 2 and all(_is_count(v) for v in value)):
        raise SynthError(
            f"{attribute.name}: expected a count or a (low, high) pair of counts, found {value!r}"
        )
    low, high = value
    if low < 0:
        found = low if low == high else value
        raise SynthError(f"{attribute.name}: expected a count of 0 or more, found {found}")
    if high < low:
        raise SynthError(
            f"{attribute.name}: expected a range (low, high) with low <= high, found {value}"
        )


def _check_streets(_inst: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, int) or isinstance(value, bool):
        raise SynthError(f"{attribute.name}: expected a whole number, found {value!r}")
    if value < 0:
        raise SynthError(f"{attribute.name}: expected a count of 0 or more, found {value}")


@attrs.frozen(kw_only=True)
class Shape:
    """How many of each place a generated structure has.

    Each size is a count or an inclusive ``(low, high)`` range; a range is
    drawn from anew for each street, community, compound and building.

    Parameters
    ----------
    streets
        Streets (街道) side by side; each has its own offices and departments.
    communities_per_street
        Communities (社区) in each street.
    compounds_per_community
        Compounds (小区) in each community.
    buildings_per_compound
        Buildings (楼栋) in each residential compound; office compounds have
        one to three. A compound without buildings is one micro-grid.
    units_per_building
        Units (单元) in each residential building.
    households_per_unit
        Households (户) in each unit. The default, 12 to 36, is six to eighteen
        floors of two flats: a modelling assumption that gives compounds of some
        hundreds to a couple of thousand households, as 市政大院's 1,100.

    Examples
    --------
    >>> Shape(streets=2, buildings_per_compound=10).buildings_per_compound
    (10, 10)
    >>> Shape(units_per_building=(3, 1))
    Traceback (most recent call last):
    ...
    govmodel.synth.SynthError: units_per_building: expected a range (low, high) with low <= ...
    """

    streets: int = attrs.field(default=1, validator=_check_streets)
    # Written out (not made by a helper) so type checkers see what the converter takes.
    communities_per_street: tuple[int, int] = attrs.field(
        default=(4, 6), converter=_size, validator=_check_size
    )
    compounds_per_community: tuple[int, int] = attrs.field(
        default=(3, 7), converter=_size, validator=_check_size
    )
    buildings_per_compound: tuple[int, int] = attrs.field(
        default=(4, 24), converter=_size, validator=_check_size
    )
    units_per_building: tuple[int, int] = attrs.field(
        default=(1, 4), converter=_size, validator=_check_size
    )
    households_per_unit: tuple[int, int] = attrs.field(
        default=(12, 36), converter=_size, validator=_check_size
    )


def _share(_inst: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if (
        not isinstance(value, int | float)
        or isinstance(value, bool)
        or not 0.0 <= float(value) <= 1.0
    ):
        raise SynthError(f"shares.{attribute.name}: expected a share from 0 to 1, found {value!r}")


def _share_field(default: float) -> Any:
    return attrs.field(default=default, validator=_share)


@attrs.frozen(kw_only=True)
class Shares:
    """The shares a generated structure is drawn with.

    Figures from the five bundled communities (``govmodel.examples``) are
    given as counts; the rest are modelling assumptions, said so.

    Parameters
    ----------
    no_title
        Residential compounds without a property title (无产证): 3 of the 27
        bundled residential compounds (Zhuanqiao's three).
    old
        Residential compounds that are old (老旧小区): 14 of 27 bundled (all in
        Lianhua, where Jinghua reports 85 % of its compounds old).
    office
        Compounds that are office buildings, not residential: 6 of the 33
        bundled compounds (Jinghua's office buildings).
    owners_committee
        Titled residential compounds with an owners' committee. The bundle has
        21 of 24 (Shagangwan's article names none for its three); the default
        1 gives every titled compound one, so that generated structures
        validate without a warning. Below 1, each compound left without one is
        a ``compound.no-owners-committee`` warning.
    self_management
        No-title residential compounds with a self-management committee: 3 of 3
        bundled (Zhuanqiao's one committee answers for all three). Below 1, the
        others are ``compound.no-self-management-committee`` warnings.
    shared_company
        Compounds served by the same property company as the compound before
        them in their community: 2 of 33 bundled (31 companies; Zhuanqiao's one
        company serves three compounds).
    company_branch
        Property companies with a party organisation embedded in them: 3 of 31
        bundled (Chengxi's three companies).
    compound_branch
        Residential compounds with a compound party branch (小区党支部): 15 of
        27 bundled (Lianhua's fifteen).
    three_in_one
        Compounds with a branch, an owners' committee and a company whose three
        meet as a standing three-in-one meeting (三位一体): 10 of Lianhua's 15
        compounds with a branch.
    grid_party_group
        Compound grids carrying a party group (网格党小组): 12 of the 19 bundled
        compound grids (Chengxi's three and Lianhua's nine).
    mediation_room
        Communities with a mediation room (3 mediators, 2 legal advisers): 1 of
        the 8 bundled communities (Xinhe).
    volunteer_team
        Communities with a volunteer team that the residents' committee formed:
        3 of 8 bundled (Shagangwan, Xinhe, Lianhua's Meifu).
    partner_unit
        Communities paired with a co-building partner unit (共驻共建): 3 of 8
        bundled (Shagangwan, Chengxi, Zhuanqiao).
    chamber
        Communities whose residents' committee, companies and departments meet
        on a fixed day each month (the 10th or the 15th): 2 of 8 bundled
        (Chengxi, Shagangwan).
    secretary_leads_grid
        Community grids led by the party secretary; the others by a
        residents' committee member: 2 of the 3 bundled community grid
        leaders (Xinhe, Chengxi; Shagangwan's is a committee cadre).
    leader_supervises
        Compound grid leaders (always two-committee members, 4 of 4 bundled) who
        also serve as property service supervisors: 3 of 4 bundled (Chengxi).
    steward_grid_worker
        Building stewards who also serve as grid workers (网格+物业 双责); the
        others serve as information officers and are party members: 5 of the 8
        bundled stewards (Shagangwan's three, Xinhe's two; Chengxi's three
        are information officers).
    party_member
        Residents holding a grid or committee post who are party members: 2 of
        the 5 members of Zhuanqiao's self-management committee.

    Examples
    --------
    >>> Shares().no_title == 3 / 27
    True
    >>> Shares(old=1.5)
    Traceback (most recent call last):
    ...
    govmodel.synth.SynthError: shares.old: expected a share from 0 to 1, found 1.5
    """

    no_title: float = _share_field(3 / 27)
    old: float = _share_field(14 / 27)
    office: float = _share_field(6 / 33)
    owners_committee: float = _share_field(1.0)
    self_management: float = _share_field(1.0)
    shared_company: float = _share_field(2 / 33)
    company_branch: float = _share_field(3 / 31)
    compound_branch: float = _share_field(15 / 27)
    three_in_one: float = _share_field(10 / 15)
    grid_party_group: float = _share_field(12 / 19)
    mediation_room: float = _share_field(1 / 8)
    volunteer_team: float = _share_field(3 / 8)
    partner_unit: float = _share_field(3 / 8)
    chamber: float = _share_field(2 / 8)
    secretary_leads_grid: float = _share_field(2 / 3)
    leader_supervises: float = _share_field(3 / 4)
    steward_grid_worker: float = _share_field(5 / 8)
    party_member: float = _share_field(2 / 5)


PRESETS: Mapping[str, Shape] = MappingProxyType(
    {
        # About 10,000 graph nodes: four streets of a district.
        "district": Shape(streets=4),
        # About 100,000 nodes: forty streets.
        "city": Shape(streets=40),
        # About 1,000,000 nodes: four hundred streets.
        "megacity": Shape(streets=400),
    }
)
"""The named shapes ``preset`` generates, smallest first (about 10⁴, 10⁵ and 10⁶ nodes)."""

# Modelling assumptions the bundled communities give no figure for.
_OFFICE_BUILDINGS = (1, 3)
_COMMUNITY_GRID_WORKERS = (1, 2)
_COMMITTEE_MEMBERS = (3, 5)  # besides the secretary, on each of the two committees
_OWNERS_COMMITTEE_SEATS = (5, 7)  # Lianhua's 怡枫园 committee has 7 members
_SELF_MANAGEMENT_SEATS = 5  # Zhuanqiao: 5 residents
_STEWARD_EVERY = 12  # one building steward per 12 buildings of a compound, at least one
_DEPARTMENTS: tuple[tuple[str, Domain, str], ...] = (
    ("police", Domain.PUBLIC_SECURITY, "派出所"),
    ("fire", Domain.FIRE_SAFETY, "消防队"),
    ("housing", Domain.HOUSING, "住建所"),
    ("urban", Domain.URBAN_MANAGEMENT, "城管中队"),
    ("utilities", Domain.UTILITIES, "供电所"),
)
# Departments that sit in a community's fixed-day chamber (Chengxi: police, housing, fire).
_CHAMBER_DEPARTMENTS = ("police", "housing", "fire")


def generate(
    *,
    streets: int = 1,
    communities_per_street: Size = (4, 6),
    compounds_per_community: Size = (3, 7),
    buildings_per_compound: Size = (4, 24),
    units_per_building: Size = (1, 4),
    households_per_unit: Size = (12, 36),
    shares: Shares | None = None,
    seed: int = 0,
    name: str = "",
) -> Structure:
    """A synthetic structure of the given shape, drawn from ``seed``.

    Parameters
    ----------
    streets
        How many streets (a count).
    communities_per_street, compounds_per_community, buildings_per_compound
        The sizes (see ``Shape``): each a count or an inclusive ``(low, high)``
        range.
    units_per_building, households_per_unit
        Likewise.
    shares
        The shares of compounds, bodies and cross-appointments (``Shares()``
        when not given).
    seed
        A whole number of 0 or more; equal seeds give equal structures.
    name
        The structure's name; by default it says the structure is synthetic
        and gives its seed.

    Raises
    ------
    SynthError
        For a negative size, a range whose low end is above its high end, a
        share outside 0 to 1, or a seed that is not a whole number of 0 or more.

    Examples
    --------
    >>> s = generate(streets=2, communities_per_street=1, compounds_per_community=3,
    ...              buildings_per_compound=(2, 4), seed=1)
    >>> s.name
    'Synthetic structure (seed 1)'
    >>> len(s.places(kind="street")), len(s.places(kind="compound"))
    (2, 6)
    >>> from govmodel import validate
    >>> validate(s)
    ()
    >>> generate(buildings_per_compound="many")
    Traceback (most recent call last):
    ...
    govmodel.synth.SynthError: buildings_per_compound: expected a count or a (low, high) pair ...
    """
    shape = Shape(
        streets=streets,
        communities_per_street=communities_per_street,
        compounds_per_community=compounds_per_community,
        buildings_per_compound=buildings_per_compound,
        units_per_building=units_per_building,
        households_per_unit=households_per_unit,
    )
    return _generate(shape, shares=shares, seed=seed, name=name)


def preset(name: str, *, seed: int = 0, shares: Shares | None = None) -> Structure:
    """The synthetic structure of the preset ``name`` (see ``PRESETS``).

    Parameters
    ----------
    name
        ``"district"`` (about 10,000 graph nodes), ``"city"`` (about 100,000)
        or ``"megacity"`` (about 1,000,000).
    seed
        A whole number of 0 or more; equal seeds give equal structures.
    shares
        As for ``generate``.

    Raises
    ------
    SynthError
        For an unknown preset (the message lists the known ones) or a bad seed.

    Examples
    --------
    >>> s = preset("district", seed=3)
    >>> s.name
    'Synthetic district (seed 3)'
    >>> 9_000 < s.graph.number_of_nodes() < 12_000
    True
    >>> sorted(PRESETS)
    ['city', 'district', 'megacity']
    """
    shape = PRESETS.get(name) if isinstance(name, str) else None
    if shape is None:
        raise SynthError(f'preset: unknown preset "{name}"; expected one of {", ".join(PRESETS)}')
    return _generate(shape, shares=shares, seed=seed, name=f"Synthetic {name} (seed {seed})")


def residential_compounds(structure: Structure) -> tuple[Place, ...]:
    """The residential compounds that record households, in spec order.

    What a study draws residents' requests over: weigh each compound by its
    ``households``, then a building or unit inside it by theirs. Works on
    any structure, synthetic or not.

    Examples
    --------
    >>> s = generate(communities_per_street=1, compounds_per_community=4, seed=2)
    >>> compounds = residential_compounds(s)
    >>> all(c.residential and c.households for c in compounds)
    True
    >>> c = compounds[0]
    >>> c.households == sum(b.households or 0 for b in s.children(c.id))
    True
    """
    return tuple(
        place
        for place in structure.places(kind=PlaceKind.COMPOUND)
        if place.residential and place.households
    )


def _generate(shape: Shape, *, shares: object, seed: object, name: object) -> Structure:
    # Checked here, not trusted from the annotations: the arguments come from users.
    # numpy's integers are whole numbers too (a seed may come from a SeedSequence).
    if isinstance(seed, bool) or not isinstance(seed, Integral) or int(seed) < 0:
        raise SynthError(f"seed: expected a whole number of 0 or more, found {seed!r}")
    if not isinstance(name, str):
        raise SynthError(f"name: expected a string, found {name!r}")
    if shares is None:
        shares = Shares()
    elif not isinstance(shares, Shares):
        raise SynthError(f"shares: expected a govmodel.synth.Shares, found {shares!r}")
    builder = _Builder(shares)
    with paused():
        for index in range(shape.streets):
            builder.street(index, shape, _Draws(int(seed), index))
        return Structure(
            name=name or f"Synthetic structure (seed {int(seed)})",
            places=builder.places,
            grids=builder.grids,
            bodies=builder.bodies,
            people=builder.people,
            posts=builder.posts,
            appointments=builder.appointments,
            ties=builder.ties,
            meetings=builder.meetings,
        )


class _Draws:
    """Uniform draws from one street's numpy stream, handed out one at a time.

    Drawn in blocks: a numpy call per draw would cost more than the record
    the draw decides.
    """

    _BLOCK = 4096

    def __init__(self, seed: int, street: int) -> None:
        sequence = np.random.SeedSequence(seed, spawn_key=(street,))
        self._rng = np.random.default_rng(sequence)
        self._block: Iterator[float] = iter(())

    def random(self) -> float:
        for value in self._block:
            return value
        self._block = iter(self._rng.random(self._BLOCK).tolist())
        return next(self._block)

    def chance(self, share: float) -> bool:
        return self.random() < share

    def between(self, bounds: tuple[int, int]) -> int:
        low, high = bounds
        if low == high:
            return low
        return min(high, low + int(self.random() * (high - low + 1)))


class _Builder:
    """The record lists of a structure, filled street by street."""

    def __init__(self, shares: Shares) -> None:
        self.shares = shares
        self.places: list[Place] = []
        self.grids: list[Grid] = []
        self.bodies: list[Body] = []
        self.people: list[Person] = []
        self.posts: list[Post] = []
        self.appointments: list[Appointment] = []
        self.ties: list[Tie] = []
        self.meetings: list[Meeting] = []

    # -- people and posts ------------------------------------------------

    def person(self, person_id: str, draws: _Draws, *, party: bool | None = None) -> str:
        member = draws.chance(self.shares.party_member) if party is None else party
        self.people.append(Person(id=person_id, party_member=member))
        return person_id

    def post(self, post_id: str, role: Role, within: str, holders: list[str]) -> str:
        self.posts.append(Post(id=post_id, role=role, within=within, seats=max(1, len(holders))))
        for holder in holders:
            self.appointments.append(Appointment(person=holder, post=post_id, start=START))
        return post_id

    def tie(self, kind: TieKind, source: str, target: str) -> None:
        self.ties.append(Tie(kind=kind, source=source, target=target))

    # -- places ----------------------------------------------------------

    def street(self, index: int, shape: Shape, draws: _Draws) -> None:
        key = f"s{index}"
        street = f"street:{key}"
        self.places.append(
            Place(
                id=street, kind=PlaceKind.STREET, name=f"Street {index}", name_zh=f"第{index}街道"
            )
        )
        working_committee = f"pwc:{key}"
        office = f"so:{key}"
        self.bodies.append(
            Body(id=working_committee, kind=BodyKind.PARTY_WORKING_COMMITTEE, jurisdiction=[street])
        )
        self.bodies.append(Body(id=office, kind=BodyKind.STREET_OFFICE, jurisdiction=[street]))
        for label, domain, name_zh in _DEPARTMENTS:
            self.bodies.append(
                Body(
                    id=f"dept:{key}-{label}",
                    kind=BodyKind.DEPARTMENT,
                    domains=[domain],
                    jurisdiction=[street],
                    name_zh=name_zh,
                )
            )
        supervised: set[str] = set()
        for c in range(draws.between(shape.communities_per_street)):
            self.community(
                f"{key}-c{c}", street, working_committee, office, shape, draws, supervised
            )

    def community(
        self,
        key: str,
        street: str,
        working_committee: str,
        office: str,
        shape: Shape,
        draws: _Draws,
        supervised: set[str],
    ) -> None:
        shares = self.shares
        community = f"community:{key}"
        self.places.append(Place(id=community, kind=PlaceKind.COMMUNITY, parent=street))
        party = f"party:{key}"
        rc = f"rc:{key}"
        self.bodies.append(
            Body(
                id=party,
                kind=BodyKind.PARTY_COMMITTEE,
                parent=working_committee,
                jurisdiction=[community],
            )
        )
        self.bodies.append(Body(id=rc, kind=BodyKind.RESIDENTS_COMMITTEE, jurisdiction=[community]))
        self.tie(TieKind.LEADS, party, rc)
        # The two committees (两委): a secretary and party members on the party
        # committee, members on the residents' committee, the first of whom
        # also sits on the party committee (交叉任职).
        secretary = self.person(f"person:{key}-secretary", draws, party=True)
        self.post(f"post:{key}-secretary", Role.SECRETARY, party, [secretary])
        rc_members = [
            self.person(f"person:{key}-rc{i}", draws, party=True if i == 0 else None)
            for i in range(draws.between(_COMMITTEE_MEMBERS))
        ]
        party_members = [
            self.person(f"person:{key}-pc{i}", draws, party=True)
            for i in range(draws.between(_COMMITTEE_MEMBERS) - 1)
        ]
        self.post(f"post:{key}-party-member", Role.MEMBER, party, [rc_members[0], *party_members])
        self.post(f"post:{key}-rc-member", Role.MEMBER, rc, rc_members)
        community_grid = f"grid:{key}"
        self.grids.append(Grid(id=community_grid, level=GridLevel.COMMUNITY, covers=[community]))
        leader = secretary if draws.chance(shares.secretary_leads_grid) else rc_members[-1]
        self.post(f"post:{key}-grid-leader", Role.GRID_LEADER, community_grid, [leader])
        workers = [
            self.person(f"person:{key}-gw{i}", draws)
            for i in range(draws.between(_COMMUNITY_GRID_WORKERS))
        ]
        self.post(f"post:{key}-grid-worker", Role.GRID_WORKER, community_grid, workers)
        joint: list[str] = [rc]
        if draws.chance(shares.mediation_room):
            room = f"mediation:{key}"
            self.bodies.append(
                Body(id=room, kind=BodyKind.MEDIATION_ROOM, jurisdiction=[community])
            )
            self.tie(TieKind.LEADS, party, room)
            mediators = [self.person(f"person:{key}-mediator{i}", draws) for i in range(3)]
            self.post(f"post:{key}-mediator", Role.MEDIATOR, room, mediators)
            advisers = [self.person(f"person:{key}-lawyer{i}", draws) for i in range(2)]
            self.post(f"post:{key}-legal-adviser", Role.LEGAL_ADVISER, room, advisers)
        if draws.chance(shares.volunteer_team):
            team = f"team:{key}"
            self.bodies.append(
                Body(id=team, kind=BodyKind.VOLUNTEER_TEAM, parent=rc, jurisdiction=[community])
            )
            self.tie(TieKind.LEADS, party, team)
            joint.append(team)
        if draws.chance(shares.partner_unit):
            partner = f"partner:{key}"
            self.bodies.append(
                Body(
                    id=partner,
                    kind=BodyKind.PARTNER_UNIT,
                    domains=[Domain.UTILITIES],
                    jurisdiction=[community],
                    name="Co-building telecom branch",
                )
            )
            self.tie(TieKind.PARTNERS, party, partner)
        served: dict[str, list[str]] = {}
        grid_leaders = rc_members[:-1] or rc_members
        previous: tuple[str, bool] | None = None
        for k in range(draws.between(shape.compounds_per_community)):
            previous = self.compound(
                _Compound(
                    key=f"{key}-k{k}",
                    community=community,
                    party=party,
                    community_grid=community_grid,
                    office=office,
                    grid_leader=grid_leaders[k % len(grid_leaders)],
                ),
                previous,
                served,
                joint,
                shape,
                draws,
                supervised,
            )
        companies = list(served)
        for company, compounds in served.items():
            self.bodies.append(Body(id=company, kind=BodyKind.PROPERTY_COMPANY, serves=compounds))
            self.tie(TieKind.LEADS, party, company)
        # The "1+3+N" joint meeting: the residents' committee, owners' committees,
        # teams and companies, convened monthly by the party committee (Xinhe).
        self.meetings.append(
            Meeting(
                id=f"meeting:{key}-1+3+n",
                convener=party,
                members=[*joint, *companies],
                place=community,
                frequency=Frequency.MONTHLY,
                name="1+3+N joint meeting",
            )
        )
        if companies and draws.chance(shares.chamber):
            street_key = street.removeprefix("street:")
            departments = [f"dept:{street_key}-{d}" for d in _CHAMBER_DEPARTMENTS]
            self.meetings.append(
                Meeting(
                    id=f"meeting:{key}-chamber",
                    convener=party,
                    members=[rc, *companies, *departments],
                    place=community,
                    frequency=Frequency.MONTHLY,
                    day_of_month=10 if draws.chance(0.5) else 15,
                    name="Red property chamber",
                    name_zh="红色物业议事厅",
                )
            )

    def compound(
        self,
        at: _Compound,
        previous: tuple[str, bool] | None,
        served: dict[str, list[str]],
        joint: list[str],
        shape: Shape,
        draws: _Draws,
        supervised: set[str],
    ) -> tuple[str, bool]:
        """One compound; returns its property company and whether it is residential."""
        shares = self.shares
        key = at.key
        compound = f"compound:{key}"
        residential = not draws.chance(shares.office)
        title = not residential or not draws.chance(shares.no_title)
        old = residential and draws.chance(shares.old)
        # Units and their households are drawn first: the compound's record,
        # which comes before its buildings, carries their total.
        if residential:
            buildings = [
                [
                    draws.between(shape.households_per_unit)
                    for _ in range(draws.between(shape.units_per_building))
                ]
                for _ in range(draws.between(shape.buildings_per_compound))
            ]
        else:
            buildings = [[] for _ in range(draws.between(_OFFICE_BUILDINGS))]
        households = sum(sum(units) for units in buildings)
        self.places.append(
            Place(
                id=compound,
                kind=PlaceKind.COMPOUND,
                parent=at.community,
                households=households or None,
                title=title,
                old=old,
                residential=residential,
            )
        )
        compound_grid = f"grid:{key}"
        self.grids.append(
            Grid(
                id=compound_grid,
                level=GridLevel.COMPOUND,
                parent=at.community_grid,
                covers=[compound],
            )
        )
        micro_grids: list[str] = []
        for b, units in enumerate(buildings):
            building = f"building:{key}-b{b}"
            self.places.append(
                Place(
                    id=building,
                    kind=PlaceKind.BUILDING,
                    parent=compound,
                    households=sum(units) or None,
                )
            )
            for u, count in enumerate(units):
                self.places.append(
                    Place(
                        id=f"unit:{key}-b{b}-u{u}",
                        kind=PlaceKind.UNIT,
                        parent=building,
                        households=count,
                    )
                )
            if residential:
                micro = f"grid:{key}-b{b}"
                self.grids.append(
                    Grid(id=micro, level=GridLevel.MICRO, parent=compound_grid, covers=[building])
                )
                micro_grids.append(micro)
        if not micro_grids:
            # An office compound, or one without buildings, is one micro-grid (Zhuanqiao).
            micro = f"grid:{key}-m"
            self.grids.append(
                Grid(id=micro, level=GridLevel.MICRO, parent=compound_grid, covers=[compound])
            )
            if residential:
                micro_grids.append(micro)

        # The property company: now and then the one of the compound before.
        if (
            previous is not None
            and previous[1] == residential
            and draws.chance(shares.shared_company)
        ):
            company = previous[0]
            served[company].append(compound)
        else:
            company = f"pm:{key}"
            served[company] = [compound]
            if draws.chance(shares.company_branch):
                organisation = f"party:{key}-pm"
                self.bodies.append(
                    Body(id=organisation, kind=BodyKind.PARTY_BRANCH, parent=at.party)
                )
                self.tie(TieKind.EMBEDDED_IN, organisation, company)

        # A two-committee member leads the compound grid (Chengxi, Xinhe), and
        # often supervises the property service there too (Chengxi).
        self.post(f"post:{key}-grid-leader", Role.GRID_LEADER, compound_grid, [at.grid_leader])
        if draws.chance(shares.leader_supervises):
            self.post(
                f"post:{key}-supervisor", Role.PROPERTY_SUPERVISOR, compound_grid, [at.grid_leader]
            )
        if draws.chance(shares.grid_party_group):
            self.bodies.append(
                Body(
                    id=f"group:{key}",
                    kind=BodyKind.PARTY_GROUP,
                    parent=at.party,
                    grid=compound_grid,
                )
            )
        if not residential:
            # An office compound: the company's steward is also its grid worker.
            steward = self.person(f"person:{key}-steward", draws)
            self.post(f"post:{key}-steward", Role.BUILDING_STEWARD, company, [steward])
            self.post(f"post:{key}-grid-worker", Role.GRID_WORKER, compound_grid, [steward])
            return company, residential

        branch: str | None = None
        if draws.chance(shares.compound_branch):
            branch = f"branch:{key}"
            self.bodies.append(
                Body(
                    id=branch,
                    kind=BodyKind.PARTY_BRANCH,
                    parent=at.party,
                    jurisdiction=[compound],
                )
            )
            branch_secretary = self.person(f"person:{key}-branch-secretary", draws, party=True)
            self.post(f"post:{key}-branch-secretary", Role.SECRETARY, branch, [branch_secretary])
        if title:
            self._titled(at, company, branch, compound_grid, micro_grids, joint, draws)
        else:
            self._no_title(at, company, branch, compound_grid, micro_grids, draws, supervised)
        return company, residential

    def _titled(
        self,
        at: _Compound,
        company: str,
        branch: str | None,
        compound_grid: str,
        micro_grids: list[str],
        joint: list[str],
        draws: _Draws,
    ) -> None:
        shares = self.shares
        key = at.key
        compound = f"compound:{key}"
        # Building stewards of the company (楼栋管家): most also serve as grid
        # workers (Shagangwan, Xinhe), the others, party members, as grid
        # information officers (Chengxi).
        grid_workers: list[str] = []
        officers: list[str] = []
        for i in range(max(1, ceil(len(micro_grids) / _STEWARD_EVERY))):
            as_worker = draws.chance(shares.steward_grid_worker)
            steward = self.person(
                f"person:{key}-steward{i}", draws, party=None if as_worker else True
            )
            (grid_workers if as_worker else officers).append(steward)
        self.post(f"post:{key}-steward", Role.BUILDING_STEWARD, company, [*grid_workers, *officers])
        if not grid_workers:
            grid_workers = [self.person(f"person:{key}-grid-worker", draws)]
        self.post(f"post:{key}-grid-worker", Role.GRID_WORKER, compound_grid, grid_workers)
        if officers:
            self.post(f"post:{key}-officer", Role.INFORMATION_OFFICER, compound_grid, officers)
        for micro in micro_grids:
            cell = micro.removeprefix("grid:")
            worker = self.person(f"person:{cell}-worker", draws)
            self.post(f"post:{cell}-worker", Role.MICRO_GRID_WORKER, micro, [worker])
        if not draws.chance(shares.owners_committee):
            return
        committee = f"oc:{key}"
        self.bodies.append(
            Body(id=committee, kind=BodyKind.OWNERS_COMMITTEE, jurisdiction=[compound])
        )
        members = [
            self.person(f"person:{key}-owner{i}", draws)
            for i in range(draws.between(_OWNERS_COMMITTEE_SEATS))
        ]
        self.post(f"post:{key}-owners", Role.MEMBER, committee, members)
        self.tie(TieKind.LEADS, at.party, committee)
        self.tie(TieKind.SUPERVISES, committee, company)
        joint.append(committee)
        if branch is not None:
            self.tie(TieKind.GUIDES, branch, committee)
            if draws.chance(shares.three_in_one):
                # 三位一体: the branch, the owners' committee and the company (Lianhua).
                self.meetings.append(
                    Meeting(
                        id=f"meeting:{key}-three-in-one",
                        convener=branch,
                        members=[committee, company],
                        place=compound,
                        name="Three-in-one meeting",
                        name_zh="三位一体联席会议",
                    )
                )

    def _no_title(
        self,
        at: _Compound,
        company: str,
        branch: str | None,
        compound_grid: str,
        micro_grids: list[str],
        draws: _Draws,
        supervised: set[str],
    ) -> None:
        shares = self.shares
        key = at.key
        compound = f"compound:{key}"
        worker = self.person(f"person:{key}-grid-worker", draws)
        self.post(f"post:{key}-grid-worker", Role.GRID_WORKER, compound_grid, [worker])
        # Each micro-grid has a service group (Zhuanqiao): a building-group
        # leader, a party-member second leader and a red property specialist
        # from the company's staff.
        group_leaders: list[str] = []
        specialists: list[str] = []
        for micro in micro_grids:
            cell = micro.removeprefix("grid:")
            leader = self.person(f"person:{cell}-leader", draws)
            group_leaders.append(
                self.post(f"post:{cell}-leader", Role.BUILDING_GROUP_LEADER, micro, [leader])
            )
            second = self.person(f"person:{cell}-second", draws, party=True)
            self.post(f"post:{cell}-second", Role.PARTY_SECOND_LEADER, micro, [second])
            specialist = self.person(f"person:{cell}-specialist", draws)
            self.post(f"post:{cell}-specialist", Role.RED_PROPERTY_SPECIALIST, micro, [specialist])
            specialists.append(specialist)
        if specialists:
            self.post(f"post:{key}-staff", Role.MEMBER, company, specialists)
        # The street pays the company of a no-title compound and supervises it.
        if company not in supervised:
            supervised.add(company)
            self.tie(TieKind.SUPERVISES, at.office, company)
        members: list[str] = [company]
        if draws.chance(shares.self_management):
            committee = f"smc:{key}"
            self.bodies.append(
                Body(id=committee, kind=BodyKind.SELF_MANAGEMENT_COMMITTEE, jurisdiction=[compound])
            )
            # Five residents, two of them party members (Zhuanqiao).
            residents = [
                self.person(f"person:{key}-smc{i}", draws, party=i < 2)
                for i in range(_SELF_MANAGEMENT_SEATS)
            ]
            self.post(f"post:{key}-smc", Role.MEMBER, committee, residents)
            self.tie(TieKind.LEADS, at.party, committee)
            self.tie(TieKind.SUPERVISES, committee, company)
            members.append(committee)
        # The four-party meeting consults the households on owners' matters.
        self.meetings.append(
            Meeting(
                id=f"meeting:{key}-four-party",
                convener=branch or at.party,
                members=[*members, *group_leaders],
                place=compound,
                name="Four-party deliberation",
                name_zh="四方议事",
            )
        )


@attrs.frozen(kw_only=True)
class _Compound:
    """Where a compound sits, and who leads its grid."""

    key: str
    community: str
    party: str
    community_grid: str
    office: str
    grid_leader: str

"""Deterministic generated structures and case streams for the benchmarks.

One street with a street office and a few departments; under it communities, each with a
party committee, a residents' committee, a community grid and its grid leader, and (some) a
mediation room; compounds with a compound grid, an owners' committee (titled) or a
self-management committee and a standing three-in-one meeting (no-title), property companies
of which some serve several compounds; buildings, each a micro-grid with a micro-grid worker
(open-ended appointment, some workers holding several grid posts); and units.

Everything is drawn from one ``random.Random(seed)``: the same seed and scale give the same
structure and the same cases, record for record.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from typing import TypeVar

from govmodel import (
    DEFAULT_POLICY,
    Appointment,
    Body,
    BodyKind,
    Case,
    Category,
    Channel,
    Domain,
    Grid,
    GridLevel,
    Meeting,
    Person,
    Place,
    PlaceKind,
    Post,
    Role,
    Scope,
    Structure,
    Tie,
    TieKind,
    Urgency,
)

__all__ = ["Town", "build_town", "generate_cases"]

_T = TypeVar("_T")

# Shape at scale 1.0: 25 communities x 20 compounds x 24-60 buildings x 2-6 units,
# about 21,000 buildings and 84,000 units: 105,000 places or so.
COMMUNITIES = 25
COMPOUNDS_PER_COMMUNITY = 20
BUILDINGS_PER_COMPOUND = (24, 60)
UNITS_PER_BUILDING = (2, 6)
NO_TITLE_SHARE = 0.20
START = dt.date(2025, 1, 1)
FIRST_DAY = dt.datetime(2026, 1, 5)
DAYS = 300

# What residents ask about, roughly as the source articles weigh it: repairs, sanitation
# and neighbour quarrels first; owners' decisions, whistle matters and the street rarer.
CATEGORY_WEIGHTS: dict[Category, float] = {
    Category.REPAIR: 18,
    Category.SANITATION: 10,
    Category.GREENING: 4,
    Category.LEAK: 8,
    Category.NOISE: 9,
    Category.PARKING: 7,
    Category.PETS: 4,
    Category.NEIGHBOUR_DISPUTE: 6,
    Category.FAMILY_DISPUTE: 3,
    Category.COMMON_FACILITY: 3,
    Category.PROPERTY_FEES: 2,
    Category.SERVICE_QUALITY: 5,
    Category.ACCESS: 3,
    Category.FIRE_LANE: 3,
    Category.UTILITIES: 3,
    Category.SECURITY: 3,
    Category.EXTERNAL_NUISANCE: 1,
    Category.RESIDENCY: 2,
    Category.ROADS: 2,
    Category.INQUIRY: 8,
}
URGENCY_WEIGHTS: dict[Urgency, float] = {
    Urgency.ROUTINE: 85,
    Urgency.URGENT: 12,
    Urgency.EMERGENCY: 3,
}
# Where a case is reported: mostly at a unit or a building.
PLACE_KIND_WEIGHTS: dict[PlaceKind, float] = {
    PlaceKind.UNIT: 55,
    PlaceKind.BUILDING: 30,
    PlaceKind.COMPOUND: 11,
    PlaceKind.COMMUNITY: 4,
}
# The scope of a case, given the kind of its place (a few reach beyond the community).
SCOPE_WEIGHTS: dict[PlaceKind, dict[Scope, float]] = {
    PlaceKind.UNIT: {Scope.HOUSEHOLD: 84, Scope.BUILDING: 15, Scope.BEYOND: 1},
    PlaceKind.BUILDING: {Scope.BUILDING: 70, Scope.HOUSEHOLD: 29, Scope.BEYOND: 1},
    PlaceKind.COMPOUND: {Scope.COMPOUND: 88, Scope.BUILDING: 10, Scope.BEYOND: 2},
    PlaceKind.COMMUNITY: {Scope.COMMUNITY: 88, Scope.COMPOUND: 8, Scope.BEYOND: 4},
}
RECEIVER_SHARE = 0.05
EXTRA_DOMAINS_SHARE = 0.02

DEPARTMENTS: tuple[tuple[str, Domain], ...] = (
    ("dept:fire", Domain.FIRE_SAFETY),
    ("dept:police", Domain.PUBLIC_SECURITY),
    ("dept:housing", Domain.HOUSING),
    ("dept:utilities", Domain.UTILITIES),
)


@dataclass
class Town:
    """A generated structure and what the case generator needs to draw cases over it.

    ``weights`` give each compound's share of the cases (a few busy, old compounds report
    much more than the rest); ``receivers`` the first contacts a resident meets at a place
    (the building's micro-grid worker, the compound's property company, the residents'
    committee); a unit's receivers are its building's.
    """

    structure: Structure
    communities: list[str] = field(default_factory=list)
    compounds: list[str] = field(default_factory=list)
    compound_weights: list[float] = field(default_factory=list)
    community_of: dict[str, int] = field(default_factory=dict)
    buildings_of: dict[str, list[str]] = field(default_factory=dict)
    units_of: dict[str, list[str]] = field(default_factory=dict)
    receivers: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def place_count(self) -> int:
        return len(self.structure.places())


def build_town(scale: float = 1.0, seed: int = 20261122) -> Town:
    """The generated structure: ``round(25 * scale)`` communities of the shape above."""
    rng = random.Random(seed)
    n_communities = max(1, round(COMMUNITIES * scale))
    places: list[Place] = []
    grids: list[Grid] = []
    bodies: list[Body] = []
    people: list[Person] = []
    posts: list[Post] = []
    appointments: list[Appointment] = []
    ties: list[Tie] = []
    meetings: list[Meeting] = []
    town_communities: list[str] = []
    town_compounds: list[str] = []
    compound_weights: list[float] = []
    community_of: dict[str, int] = {}
    buildings_of: dict[str, list[str]] = {}
    units_of: dict[str, list[str]] = {}
    receivers: dict[str, tuple[str, ...]] = {}

    def person(person_id: str, *, party_member: bool = False) -> str:
        people.append(Person(id=person_id, party_member=party_member))
        return person_id

    def post(post_id: str, role: Role, within: str, *holders: str, seats: int = 1) -> str:
        posts.append(Post(id=post_id, role=role, within=within, seats=seats))
        for holder in holders:
            appointments.append(Appointment(person=holder, post=post_id, start=START))
        return post_id

    street = "street:s"
    places.append(Place(id=street, kind=PlaceKind.STREET, name="Generated street"))
    bodies.append(Body(id="pwc:s", kind=BodyKind.PARTY_WORKING_COMMITTEE, jurisdiction=[street]))
    bodies.append(Body(id="so:s", kind=BodyKind.STREET_OFFICE, jurisdiction=[street]))
    for dept_id, domain in DEPARTMENTS:
        bodies.append(
            Body(id=dept_id, kind=BodyKind.DEPARTMENT, domains=[domain], jurisdiction=[street])
        )
    # Urban management answers for half the communities only: roads elsewhere go to the street.
    urban: list[str] = []

    for k in range(n_communities):
        c = f"c{k:02d}"
        community = f"community:{c}"
        places.append(Place(id=community, kind=PlaceKind.COMMUNITY, parent=street))
        town_communities.append(community)
        if k % 2 == 0:
            urban.append(community)
        party = f"party:{c}"
        rc = f"rc:{c}"
        bodies.append(Body(id=party, kind=BodyKind.PARTY_COMMITTEE, jurisdiction=[community]))
        bodies.append(Body(id=rc, kind=BodyKind.RESIDENTS_COMMITTEE, jurisdiction=[community]))
        ties.append(Tie(kind=TieKind.LEADS, source=party, target=rc))
        secretary = person(f"person:{c}-secretary", party_member=True)
        post(f"post:{c}-secretary", Role.SECRETARY, party, secretary)
        rc_director = person(f"person:{c}-rc-director", party_member=True)
        post(f"post:{c}-rc-director", Role.MEMBER, rc, rc_director)
        if rng.random() < 0.7:
            room = f"mediation:{c}"
            bodies.append(Body(id=room, kind=BodyKind.MEDIATION_ROOM, jurisdiction=[community]))
            ties.append(Tie(kind=TieKind.LEADS, source=party, target=room))
            mediators = [person(f"person:{c}-mediator-{i}") for i in range(2)]
            post(f"post:{c}-mediator", Role.MEDIATOR, room, *mediators, seats=3)
            if rng.random() < 0.5:
                lawyer = person(f"person:{c}-lawyer")
                post(f"post:{c}-legal-adviser", Role.LEGAL_ADVISER, room, lawyer)
        if rng.random() < 0.4:
            team = f"team:{c}-volunteers"
            bodies.append(Body(id=team, kind=BodyKind.VOLUNTEER_TEAM, jurisdiction=[community]))
            ties.append(Tie(kind=TieKind.LEADS, source=party, target=team))
        community_grid = f"grid:{c}"
        grids.append(Grid(id=community_grid, level=GridLevel.COMMUNITY, covers=[community]))
        # The party secretary leads the community grid (a cross-appointment).
        leader_post = post(f"post:{c}-grid-leader", Role.GRID_LEADER, community_grid, secretary)
        community_worker = person(f"person:{c}-grid-worker")
        post(f"post:{c}-grid-worker", Role.GRID_WORKER, community_grid, community_worker)
        receivers[community] = (rc, rc, leader_post)

        companies: list[tuple[str, list[str]]] = []
        community_members: list[str] = [rc]
        four_party: list[str] = []
        for j in range(COMPOUNDS_PER_COMMUNITY):
            cj = f"{c}-{j:02d}"
            compound = f"compound:{cj}"
            title = rng.random() >= NO_TITLE_SHARE
            places.append(
                Place(
                    id=compound,
                    kind=PlaceKind.COMPOUND,
                    parent=community,
                    title=title,
                    old=not title or rng.random() < 0.3,
                    households=rng.randrange(300, 3000),
                )
            )
            town_compounds.append(compound)
            community_of[compound] = k
            # Busy compounds report far more than quiet ones (old, no-title ones most).
            weight = rng.lognormvariate(0.0, 0.8) * (1.5 if not title else 1.0)
            compound_weights.append(weight)
            compound_grid = f"grid:{cj}"
            grids.append(
                Grid(
                    id=compound_grid,
                    level=GridLevel.COMPOUND,
                    parent=community_grid,
                    covers=[compound],
                )
            )
            # Property company: titled compounds always have one, no-title ones half the time;
            # a company often serves several compounds of the community.
            company: str | None = None
            if title or rng.random() < 0.5:
                if companies and len(companies[-1][1]) < 4 and rng.random() < 0.4:
                    company = companies[-1][0]
                    companies[-1][1].append(compound)
                else:
                    company = f"pm:{cj}"
                    companies.append((company, [compound]))
            committee: str
            if title:
                committee = f"oc:{cj}"
                bodies.append(
                    Body(id=committee, kind=BodyKind.OWNERS_COMMITTEE, jurisdiction=[compound])
                )
                if len(community_members) < 6:
                    community_members.append(committee)
            else:
                committee = f"smc:{cj}"
                bodies.append(
                    Body(
                        id=committee,
                        kind=BodyKind.SELF_MANAGEMENT_COMMITTEE,
                        jurisdiction=[compound],
                    )
                )
                # The standing three-in-one meeting consults the households.
                members = [committee, rc, *((company,) if company else ())]
                meetings.append(
                    Meeting(
                        id=f"meeting:{cj}-three-in-one",
                        convener=party,
                        members=members,
                        place=compound,
                    )
                )
                if rng.random() < 0.5:
                    four_party.append(committee)
            ties.append(Tie(kind=TieKind.LEADS, source=party, target=committee))
            if rng.random() < 0.3:
                branch = f"branch:{cj}"
                bodies.append(
                    Body(
                        id=branch,
                        kind=BodyKind.PARTY_BRANCH,
                        parent=party,
                        jurisdiction=[compound],
                    )
                )
                if company is not None and company == f"pm:{cj}":
                    ties.append(Tie(kind=TieKind.EMBEDDED_IN, source=branch, target=company))
            compound_receivers: list[str] = [committee]
            if company is not None:
                compound_receivers += [company, company]

            n_buildings = rng.randint(*BUILDINGS_PER_COMPOUND)
            compound_buildings: list[str] = []
            previous_worker: str | None = None
            first_worker: str | None = None
            for b in range(n_buildings):
                cjb = f"{cj}-{b:02d}"
                building = f"building:{cjb}"
                places.append(Place(id=building, kind=PlaceKind.BUILDING, parent=compound))
                compound_buildings.append(building)
                micro = f"grid:{cjb}"
                grids.append(
                    Grid(id=micro, level=GridLevel.MICRO, parent=compound_grid, covers=[building])
                )
                # One worker in seven looks after the next building too (兼任).
                if previous_worker is not None and rng.random() < 0.15:
                    worker = previous_worker
                else:
                    worker = person(f"person:{cjb}-worker", party_member=rng.random() < 0.3)
                first_worker = first_worker or worker
                previous_worker = worker
                worker_post = post(f"post:{cjb}-mgw", Role.MICRO_GRID_WORKER, micro, worker)
                building_receivers = [worker_post, worker_post, worker_post]
                if company is not None and rng.random() < 0.2:
                    steward = person(f"person:{cjb}-steward")
                    post(f"post:{cjb}-steward", Role.BUILDING_STEWARD, micro, steward)
                    building_receivers.append(company)
                if rng.random() < 0.1:
                    second = person(f"person:{cjb}-second-leader", party_member=True)
                    post(f"post:{cjb}-second-leader", Role.PARTY_SECOND_LEADER, micro, second)
                receivers[building] = tuple(building_receivers)
                units = [f"unit:{cjb}-{u}" for u in range(rng.randint(*UNITS_PER_BUILDING))]
                for unit in units:
                    places.append(Place(id=unit, kind=PlaceKind.UNIT, parent=building))
                units_of[building] = units
            buildings_of[compound] = compound_buildings
            # Half the compound grid workers are also the first building's micro-grid worker.
            if first_worker is not None and rng.random() < 0.5:
                grid_worker = first_worker
            else:
                grid_worker = person(f"person:{cj}-grid-worker")
            compound_receivers.append(
                post(f"post:{cj}-grid-worker", Role.GRID_WORKER, compound_grid, grid_worker)
            )
            if rng.random() < 0.3:
                supervisor = person(f"person:{cj}-supervisor")
                post(f"post:{cj}-supervisor", Role.PROPERTY_SUPERVISOR, compound_grid, supervisor)
            receivers[compound] = tuple(compound_receivers)

        for company, served in companies:
            bodies.append(Body(id=company, kind=BodyKind.PROPERTY_COMPANY, serves=served))
            ties.append(Tie(kind=TieKind.LEADS, source=party, target=company))
            if len(community_members) < 9:
                community_members.append(company)
        # The community's 1+3+N meeting; some self-management committees sit in it too
        # (a four-party meeting for the whole area).
        meetings.append(
            Meeting(
                id=f"meeting:{c}-1+3+n",
                convener=party,
                members=[*community_members, *four_party],
                place=community,
            )
        )

    bodies.append(
        Body(
            id="dept:urban",
            kind=BodyKind.DEPARTMENT,
            domains=[Domain.URBAN_MANAGEMENT],
            jurisdiction=urban,
        )
    )
    structure = Structure(
        name="Generated street",
        places=places,
        grids=grids,
        bodies=bodies,
        people=people,
        posts=posts,
        appointments=appointments,
        ties=ties,
        meetings=meetings,
    )
    return Town(
        structure=structure,
        communities=town_communities,
        compounds=town_compounds,
        compound_weights=compound_weights,
        community_of=community_of,
        buildings_of=buildings_of,
        units_of=units_of,
        receivers=receivers,
    )


def _draw(rng: random.Random, weights: dict[_T, float], n: int) -> list[_T]:
    return rng.choices(list(weights), weights=list(weights.values()), k=n)


def generate_cases(town: Town, n: int, *, seed: int, prefix: str = "case") -> list[Case]:
    """``n`` cases over the town's places, deterministic in ``seed``.

    Places: a compound by its weight, then a unit, building, the compound itself or its
    community by ``PLACE_KIND_WEIGHTS``; scopes by ``SCOPE_WEIGHTS``; categories and
    urgencies by their weights; 5 % taken by a first contact (``receiver``); 2 % with a
    domain found on top of the category's (``domains``).
    """
    rng = random.Random(seed)
    compounds = rng.choices(town.compounds, weights=town.compound_weights, k=n)
    kinds = _draw(rng, PLACE_KIND_WEIGHTS, n)
    categories = _draw(rng, CATEGORY_WEIGHTS, n)
    urgencies = _draw(rng, URGENCY_WEIGHTS, n)
    channels = list(Channel)
    extra = list(Domain)
    cases: list[Case] = []
    for i in range(n):
        compound = compounds[i]
        kind = kinds[i]
        if kind is PlaceKind.COMMUNITY:
            place = town.communities[town.community_of[compound]]
            contacts = town.receivers[place]
        elif kind is PlaceKind.COMPOUND:
            place = compound
            contacts = town.receivers[place]
        else:
            building = rng.choice(town.buildings_of[compound])
            contacts = town.receivers[building]
            place = building if kind is PlaceKind.BUILDING else rng.choice(town.units_of[building])
        scope_weights = SCOPE_WEIGHTS[kind]
        scope = rng.choices(list(scope_weights), weights=list(scope_weights.values()))[0]
        receiver = rng.choice(contacts) if rng.random() < RECEIVER_SHARE else None
        category = categories[i]
        domains: tuple[Domain, ...] | None = None
        if rng.random() < EXTRA_DOMAINS_SHARE:
            found = {*DEFAULT_POLICY.category_domains[category], rng.choice(extra)}
            domains = tuple(d for d in extra if d in found)
        reported_at = FIRST_DAY + dt.timedelta(
            days=rng.randrange(DAYS), hours=rng.randrange(7, 22), minutes=rng.randrange(60)
        )
        cases.append(
            Case(
                id=f"{prefix}:{i}",
                category=category,
                place=place,
                reported_at=reported_at,
                channel=rng.choice(channels),
                scope=scope,
                urgency=urgencies[i],
                domains=domains,
                receiver=receiver,
            )
        )
    return cases

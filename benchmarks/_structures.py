"""Deterministic generated structures and case streams for the benchmarks.

The structure is one street of ``govmodel.synth`` (see ``docs/synth.md``): a street office,
party working committee and departments; communities with their two committees, grids and
joint meetings; compounds (residential or office, titled or not) with their grids,
property companies, owners' or self-management committees and meetings; buildings, each a
micro-grid, and units with their households. ``build_town`` adds what the case generator
needs to draw cases over it.

The structure is drawn from ``numpy.random.SeedSequence(seed)`` by ``govmodel.synth``, the
case weights and cases from ``random.Random(seed)``: the same seed and scale give the same
structure and the same cases, record for record.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from typing import TypeVar

from govmodel import (
    DEFAULT_POLICY,
    BodyKind,
    Case,
    Category,
    Channel,
    Domain,
    GridLevel,
    PlaceKind,
    Role,
    Scope,
    Structure,
    Urgency,
    synth,
)

__all__ = ["Town", "build_town", "generate_cases"]

_T = TypeVar("_T")

# Shape at scale 1.0: 25 communities x 24 compounds (18 % of them offices) x 24-60 buildings
# x 2-6 units: about 104,000 places. Six to fourteen households a unit give a residential
# compound some 1,700 households on average, as the street generated here before had, so the
# simulation benchmark's workload stays what it was.
COMMUNITIES = 25
COMPOUNDS_PER_COMMUNITY = 24
BUILDINGS_PER_COMPOUND = (24, 60)
UNITS_PER_BUILDING = (2, 6)
HOUSEHOLDS_PER_UNIT = (6, 14)
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


@dataclass
class Town:
    """A generated structure and what the case generator needs to draw cases over it.

    ``compounds`` are the residential compounds (``synth.residential_compounds``);
    ``weights`` give each its share of the cases (a few busy compounds report much more
    than the rest, no-title ones most); ``receivers`` the first contacts a resident meets
    at a place (the posts of the building's micro-grid and its property company; the
    compound's committee, company and grid workers; the residents' committee and the
    community grid leader); a unit's receivers are its building's.
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
    """One ``govmodel.synth`` street of ``round(25 * scale)`` communities of the shape above."""
    s = synth.generate(
        streets=1,
        communities_per_street=max(1, round(COMMUNITIES * scale)),
        compounds_per_community=COMPOUNDS_PER_COMMUNITY,
        buildings_per_compound=BUILDINGS_PER_COMPOUND,
        units_per_building=UNITS_PER_BUILDING,
        households_per_unit=HOUSEHOLDS_PER_UNIT,
        seed=seed,
        name="Generated street",
    )
    rng = random.Random(seed)
    communities = [p.id for p in s.places(kind=PlaceKind.COMMUNITY)]
    index_of = {community: k for k, community in enumerate(communities)}
    town = Town(structure=s, communities=communities)
    for community in communities:
        grid = s.grid_of(community)
        leaders = [p.id for p in s.posts_in(grid.id) if p.role is Role.GRID_LEADER] if grid else []
        committees = [
            b.id for b in s.answering_for(community) if b.kind is BodyKind.RESIDENTS_COMMITTEE
        ]
        town.receivers[community] = (*committees, *committees, *leaders)
    for compound in synth.residential_compounds(s):
        assert compound.parent is not None
        town.compounds.append(compound.id)
        town.community_of[compound.id] = index_of[compound.parent]
        # Busy compounds report far more than quiet ones (no-title ones most).
        weight = rng.lognormvariate(0.0, 0.8) * (1.5 if not compound.title else 1.0)
        town.compound_weights.append(weight)
        companies = [b.id for b in s.serving(compound.id)]
        committees = [
            b.id
            for b in s.answering_for(compound.id)
            if b.kind in (BodyKind.OWNERS_COMMITTEE, BodyKind.SELF_MANAGEMENT_COMMITTEE)
        ]
        chain = s.grid_chain(compound.id)
        grid_workers = [
            p.id
            for g in chain
            if g.level is GridLevel.COMPOUND
            for p in s.posts_in(g.id)
            if p.role is Role.GRID_WORKER
        ]
        town.receivers[compound.id] = (*committees, *companies, *companies, *grid_workers)
        buildings = [p.id for p in s.children(compound.id)]
        town.buildings_of[compound.id] = buildings
        for building in buildings:
            town.units_of[building] = [p.id for p in s.children(building)]
            micro = s.grid_of(building)
            posts = [p.id for p in s.posts_in(micro.id)] if micro else []
            town.receivers[building] = (*posts, *posts, *companies)
    return town


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

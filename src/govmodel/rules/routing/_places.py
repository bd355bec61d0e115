"""What a place takes from the places above it: lineage, grids, community, departments.

Each is a query on the structure (``ancestors``, ``grid_chain``,
``answering_for``); :class:`Contexts` answers them for a place from its
parent's answers, so a street of many buildings walks each place's lineage once.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

from govmodel.model import Body, BodyKind, Grid, GridLevel, Place, PlaceKind
from govmodel.rules.routing._tiers import DEPARTMENT_KINDS
from govmodel.structure import Structure

__all__ = ["Context", "Contexts"]


class Context(NamedTuple):
    """What a place takes from the places above it (each a query on the structure)."""

    place: Place
    lineage: tuple[Place, ...]  # structure.ancestors(place)
    chain: tuple[Grid, ...]  # structure.grid_chain(place)
    community: Place | None  # the first community of the place and its lineage
    compound: Place | None  # the first compound
    departments: tuple[Body, ...]  # the departments and partner units answering, nearest first
    office: Body | None  # the nearest street office
    department_ids: tuple[str, ...]


class Contexts:
    """The contexts of the places of one structure, each derived once from its parent's."""

    def __init__(
        self, structure: Structure, answering_for: Callable[[str], tuple[Body, ...]]
    ) -> None:
        self.structure = structure
        # structure.answering_for, memoised (the tier builder's).
        self.answering_for = answering_for
        s = structure
        # The grid of each place a grid covers: the smallest, then the first in spec
        # order (as Structure.grid_chain has it).
        self.covering: dict[str, str] = {}
        for level in (GridLevel.MICRO, GridLevel.COMPOUND, GridLevel.COMMUNITY):
            for grid in s.grids(level=level):
                for place_id in grid.covers:
                    self.covering.setdefault(place_id, grid.id)
        self.chains: dict[str, tuple[Grid, ...]] = {}
        self.answered = frozenset(p for body in s.bodies() for p in body.jurisdiction)
        self.contexts: dict[str, Context] = {}

    def context(self, place: Place) -> Context:
        """What a place takes from the places above it, derived from its parent's."""
        ctx = self.contexts.get(place.id)
        if ctx is not None:
            return ctx
        # The places up to the nearest one with a context (or the top), nearest first.
        path = [place]
        seen = {place.id}
        above: Context | None = None
        node = place
        while node.parent is not None:
            above = self.contexts.get(node.parent)
            if above is not None or node.parent in seen:
                break
            node = self.structure.place(node.parent)
            path.append(node)
            seen.add(node.id)
        made = above
        for here in reversed(path):
            if (
                above is None
                or here.parent != above.place.id
                or any(p.id == here.id for p in above.lineage)
            ):
                made = self.direct_context(here)
            else:
                made = self.derived_context(here, above)
            # Kept for the places above the one asked for, whose children come next;
            # a building's is made again should one of its units need it.
            if here is not place:
                self.contexts[here.id] = made
            above = made
        assert made is not None
        return made

    def direct_context(self, place: Place) -> Context:
        s = self.structure
        lineage = s.ancestors(place.id)
        line = (place, *lineage)
        departments = tuple(
            b for p in line for b in self.answering_for(p.id) if b.kind in DEPARTMENT_KINDS
        )
        office = next(
            (b for p in line for b in self.answering_for(p.id) if b.kind is BodyKind.STREET_OFFICE),
            None,
        )
        return Context(
            place,
            lineage,
            s.grid_chain(place.id),
            next((p for p in line if p.kind is PlaceKind.COMMUNITY), None),
            next((p for p in line if p.kind is PlaceKind.COMPOUND), None),
            departments,
            office,
            tuple(b.id for b in departments),
        )

    def derived_context(self, place: Place, parent: Context) -> Context:
        # The parent's lineage, departments and street office, with the place's own first.
        own = self.answering_for(place.id) if place.id in self.answered else ()
        departments = parent.departments
        department_ids = parent.department_ids
        office = parent.office
        if own:
            departments = (
                *(b for b in own if b.kind in DEPARTMENT_KINDS),
                *parent.departments,
            )
            department_ids = tuple(b.id for b in departments)
            office = next((b for b in own if b.kind is BodyKind.STREET_OFFICE), office)
        return Context(
            place,
            (parent.place, *parent.lineage),
            self.grid_chain(place.id) if place.id in self.covering else parent.chain,
            place if place.kind is PlaceKind.COMMUNITY else parent.community,
            place if place.kind is PlaceKind.COMPOUND else parent.compound,
            departments,
            office,
            department_ids,
        )

    def grid_chain(self, place_id: str) -> tuple[Grid, ...]:
        """``structure.grid_chain`` of a place a grid covers, the grids above kept."""
        grid = self.structure.grid(self.covering[place_id])
        if grid.parent is None:
            return (grid,)
        above = self.chains.get(grid.parent)
        if above is None:
            above = self.chains[grid.parent] = self.walk(grid.parent)
        if any(g.id == grid.id for g in above):  # a cycle of grids
            return self.walk(grid.id)
        return (grid, *above)

    def walk(self, grid_id: str) -> tuple[Grid, ...]:
        # The grid and its parents, up to the top or the first one seen again.
        chain = [self.structure.grid(grid_id)]
        seen = {grid_id}
        while chain[-1].parent is not None and chain[-1].parent not in seen:
            seen.add(chain[-1].parent)
            chain.append(self.structure.grid(chain[-1].parent))
        return tuple(chain)

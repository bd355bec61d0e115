"""The routing tables of a structure under a policy, and the one way to get them.

:func:`tables_for` gives the tables of a structure and a policy, built once
and kept on the structure (``structure.memo("routing")``), with a shortcut for
the pair used last. :class:`Tables` holds them, built lazily a place at a time:
each place's :class:`~govmodel.rules.routing._shapes.PlaceTable`, the shapes
and their plans, and what each place was routed to so far.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable, Iterable, Mapping
from typing import Any

from govmodel.errors import UnknownNodeError
from govmodel.model import (
    Body,
    Category,
    Domain,
    Grid,
    GridLevel,
    Person,
    PlaceKind,
    Post,
    Procedure,
    Role,
    Scope,
    Tier,
    Urgency,
)
from govmodel.rules.calendar import TimeLimit
from govmodel.rules.policy import Policy
from govmodel.rules.routing._domains import to_mask
from govmodel.rules.routing._places import Context, Contexts
from govmodel.rules.routing._rules import make_plan
from govmodel.rules.routing._shapes import (
    NO_PART,
    Consts,
    Deadline,
    Entry,
    Filled,
    Part,
    PlaceTable,
    Shape,
    Source,
    fill,
    numbered,
    token,
    vacant,
)
from govmodel.rules.routing._tiers import OWNER_RANK, TierBuilder, TierRecord
from govmodel.structure import Structure

__all__ = ["Tables", "tables_for"]


class Tables:
    """Routing tables of one structure under one policy, built lazily per place."""

    def __init__(self, structure: Structure, policy: Policy, *, share: bool = True) -> None:
        self.structure = structure
        self.policy = policy
        # Whether places of one shape share plans (False only to test that sharing is exact).
        self.share = share
        self.places: dict[str, PlaceTable] = {}
        self.shapes: dict[Hashable, Shape] = {}
        self.part_keys: dict[Hashable, int] = {}
        self.micro_parts: dict[str, Part] = {}
        self.upper_parts: dict[Hashable, Part] = {}
        self.needs: dict[Category, int] = {
            category: to_mask(domains) for category, domains in policy.category_domains.items()
        }
        self.masks: dict[Hashable, int] = {}
        self.consts: list[Consts] = []
        self.filled: dict[tuple[int, int], Filled] = {}
        self.time_limits: dict[tuple[Tier, bool], Mapping[Urgency, Deadline]] = {}
        self.receivers: set[str] = set()
        self.role_masks: dict[Role, int] = {}
        self.tiers = TierBuilder(structure, policy)
        self.contexts = Contexts(structure, self.tiers.answering_for)
        self.conveners: dict[str, str] = {m.id: m.convener for m in structure.meetings()}
        # A unit is handled as the place it is in, unless something answers for it
        # alone or a grid covers it.
        self.shares: dict[str, str] = {
            p.id: p.parent
            for p in structure.places()
            if p.kind is PlaceKind.UNIT
            and p.parent is not None
            and p.id not in self.contexts.answered
            and p.id not in self.contexts.covering
        }

    # -- small look-ups ------------------------------------------------------

    def mask_of(self, domains: Iterable[Domain]) -> int:
        """The bit set of some domains (a case's, a routing's), memoised by their tuple."""
        masks: dict[Any, int] = self.masks
        try:
            mask = masks.get(domains)
        except TypeError:  # a list
            return to_mask(domains)
        if mask is None:
            mask = masks[domains] = to_mask(domains)
        return mask

    def limits(self, tier: Tier, procedure: Procedure) -> Mapping[Urgency, Deadline]:
        """The due time by urgency at a tier, as functions of the routing's time.

        A deliberation gets at least the policy's ``deliberation_limit``.
        """
        deliberation = procedure is Procedure.DELIBERATION
        limits = self.time_limits.get((tier, deliberation))
        if limits is None:
            policy = self.policy
            limits = self.time_limits[tier, deliberation] = {
                urgency: _deadline(policy, limit, deliberation)
                for urgency, limit in policy.time_limits[tier].items()
            }
        return limits

    def check_receiver(self, receiver: str) -> None:
        if not isinstance(self.structure.node(receiver), Body | Post | Person):
            raise UnknownNodeError(receiver, "the posts, bodies and people of the structure")
        self.receivers.add(receiver)

    # -- places --------------------------------------------------------------

    def micro_part(self, grid: Grid) -> Part:
        """The part of a micro-grid: the grid at slot 0, its posts from slot 1 on."""
        part = self.micro_parts.get(grid.id)
        if part is not None:
            return part
        s = self.structure
        reach = Scope.BUILDING
        for place_id in grid.covers:
            if s.place(place_id).kind is PlaceKind.COMPOUND:
                reach = Scope.COMPOUND
        posts = s.posts_in(grid.id)
        role_masks = self.role_masks
        ids = [grid.id]
        masks = []
        held = []
        stable_from = dt.date.min
        for post in posts:
            ids.append(post.id)
            mask = role_masks.get(post.role)
            if mask is None:
                mask = role_masks[post.role] = to_mask(self.policy.role_domains.get(post.role, ()))
            masks.append(mask)
            appointments = s.appointments_of(post.id)
            held.append(appointments)
            for a in appointments:
                if a.start > stable_from:
                    stable_from = a.start
                if a.end is not None and a.end < dt.date.max and a.end >= stable_from:
                    stable_from = a.end + dt.timedelta(days=1)
        absent = 0
        for n, appointments in enumerate(held, 1):
            if not any(a.active(stable_from) for a in appointments):
                absent |= 1 << n
        owners = sorted(
            (n for n, p in enumerate(posts) if p.role in OWNER_RANK),
            key=lambda n: OWNER_RANK[posts[n].role],
        )
        # What numbered() would say of the micro-grid tier and its owner candidates.
        key = ("micro", reach, tuple(masks), tuple(owners))
        part = self.micro_parts[grid.id] = Part(
            self.part_keys.setdefault(key, len(self.part_keys)),
            tuple(ids),
            None,
            (),
            stable_from,
            absent,
            grid.id,
            None,
            None,
        )
        return part

    def source_of(self, part: Part) -> Source:
        """The tiers a part stands for, with ids."""
        if part.source is not None:
            return part.source
        grid = part.grid
        if grid is None:  # pragma: no cover - every part has one or the other
            raise AssertionError("a part with neither tiers nor grid")
        return ((self.tiers.micro_tier(grid),), None, None, None, self.tiers.owners_in(grid))

    def absent_on(self, table: PlaceTable, day: dt.date) -> int:
        """The slots of the place's posts that nobody holds on ``day``, as a bit set."""
        if day >= table.stable_from:
            return table.stable_absent
        absent = 0
        for part, offset in table.parts():
            posts = part.posts
            if posts is None:
                posts = tuple(
                    (n + 1, tuple((a.start, a.end) for a in self.structure.appointments_of(p.id)))
                    for n, p in enumerate(self.structure.posts_in(part.grid or ""))
                )
            absent |= vacant(posts, day) << offset
        return absent

    def place(self, place_id: str) -> PlaceTable:
        table = self.places.get(place_id)
        if table is not None:
            return table
        parent = self.shares.get(place_id)
        if parent is not None:
            table = self.places[place_id] = self.places.get(parent) or self.place(parent)
            return table
        place = self.structure.place(place_id)
        ctx = self.contexts.context(place)
        chain = ctx.chain
        community = ctx.community
        compound = ctx.compound
        if chain and chain[0].level is GridLevel.MICRO:
            # The usual case: a micro-grid tier of the place's own, and the rest shared
            # with the compound's other places.
            micro = self.micro_part(chain[0])
            key = (
                compound.id if compound is not None else None,
                community.id if community is not None else None,
                ctx.department_ids,
                ctx.office.id if ctx.office is not None else None,
                tuple([grid.id for grid in chain[1:]]),
            )
            rest = self.upper_parts.get(key)
            if rest is None:
                rest = self.upper_parts[key] = self.upper_part(ctx, chain[1:])
            if (
                rest is not NO_PART
                and rest.slots is not None
                and not any(node in rest.slots for node in micro.ids)
            ):
                return self.store(place_id, (micro.key, rest.key), micro, rest)
        by_level = {grid.level: grid.id for grid in chain}
        upper = self.upper_tiers(ctx, by_level)
        micro_id = by_level.get(GridLevel.MICRO)
        if micro_id is not None:
            upper = (self.tiers.micro_tier(micro_id), *upper)
        owners = tuple(a for grid in chain for a in self.tiers.owners_in(grid.id))
        whole = numbered(
            (
                upper,
                self.tiers.whistle_tier(ctx.departments, community),
                self.tiers.street_tier(ctx.office),
                self.tiers.convener_of(community),
                owners,
            ),
            self.conveners,
            self.part_keys,
        )
        return self.store(place_id, (whole.key,), whole, None)

    def upper_tiers(
        self, ctx: Context, by_level: Mapping[GridLevel, str]
    ) -> tuple[TierRecord, ...]:
        """The compound and community tiers of a place."""
        upper: list[TierRecord] = []
        if ctx.compound is not None:
            upper.append(self.tiers.compound_tier(ctx.compound, by_level.get(GridLevel.COMPOUND)))
        if ctx.community is not None:
            upper.append(
                self.tiers.community_tier(
                    ctx.community, by_level.get(GridLevel.COMMUNITY), ctx.compound
                )
            )
        return tuple(upper)

    def upper_part(self, ctx: Context, upper_chain: tuple[Grid, ...]) -> Part:
        """What a place under a micro-grid shares with the compound's other places.

        ``NO_PART`` when the micro-grid is not the place's only one (a micro-grid
        inside a micro-grid): such a place is numbered whole.
        """
        by_level = {grid.level: grid.id for grid in upper_chain}
        if GridLevel.MICRO in by_level:
            return NO_PART
        owners = tuple(a for grid in upper_chain for a in self.tiers.owners_in(grid.id))
        source = (
            self.upper_tiers(ctx, by_level),
            self.tiers.whistle_tier(ctx.departments, ctx.community),
            self.tiers.street_tier(ctx.office),
            self.tiers.convener_of(ctx.community),
            owners,
        )
        return numbered(source, self.conveners, self.part_keys)

    def store(
        self, place_id: str, key: tuple[int, ...], first: Part, second: Part | None
    ) -> PlaceTable:
        shape_key: Hashable = key if self.share else (place_id, key)
        shape = self.shapes.get(shape_key)
        if shape is None:
            parts = ((first, 0),) if second is None else ((first, 0), (second, len(first.ids)))
            shape = self.shapes[shape_key] = Shape(
                parts, [self.source_of(part) for part, _ in parts]
            )
        table = self.places[place_id] = PlaceTable(shape, first, second)
        return table

    # -- routings ------------------------------------------------------------

    def entry(
        self,
        table: PlaceTable,
        need: int,
        scope: Scope,
        receiver: str | None,
        day: dt.date,
        min_tier: Tier | None,
    ) -> Entry:
        """What ``table``'s place routes a case like this to, filled with its ids."""
        absent = table.stable_absent if day >= table.stable_from else self.absent_on(table, day)
        shape = table.shape
        slot = None
        if receiver is not None:
            # The first contact counts only if it can handle the case alone (马上办).
            slot = table.slot(receiver)
            if slot is not None and need & ~shape.masks.get(slot, 0):
                slot = None
        key = (need, scope, slot, absent, min_tier)
        plan = shape.plans.get(key)
        if plan is None:
            plan = shape.plans[key] = make_plan(
                self,
                shape,
                need,
                scope,
                None if slot is None else token(slot),
                absent,
                min_tier,
            )
        ids = table.ids
        if plan.shared:
            # The plan names only ids of the part the place shares with the rest of
            # its compound: so does what it is filled with.
            shared = (plan.number, id(table.second))
            filled = self.filled.get(shared)
            if filled is None:
                filled = self.filled[shared] = fill(plan, ids)
        else:
            filled = fill(plan, ids)
        if receiver is not None:
            owner: str | None = receiver
        elif plan.owner is not None:
            owner = ids[plan.owner]
        else:
            owner = filled[1]
        return (*filled, owner)


# The tables used last: route() and escalate() mostly ask for the same pair
# again, and this spares them the look-up on the structure.
_LAST: list[Tables] = []


def _deadline(policy: Policy, limit: TimeLimit, deliberation: bool) -> Deadline:
    if deliberation:
        floor = policy.deliberation_limit
        return lambda at: max(policy.deadline(at, limit), policy.deadline(at, floor))
    elapsed = limit.elapsed
    if elapsed is not None:
        # Most limits run round the clock: a plain addition, for naive times.
        return lambda at: at + elapsed if at.tzinfo is None else policy.deadline(at, limit)
    return lambda at: policy.deadline(at, limit)


def tables_for(structure: Structure, policy: Policy, *, share: bool = True) -> Tables:
    """The routing tables of ``structure`` under ``policy``: one object per pair, kept.

    The tables are kept on the structure, one per policy: both are immutable, so
    the tables never go stale. ``share=False`` makes places of one shape keep
    their own plans; it counts only when the tables are first made (tests use
    it to check that sharing changes nothing).

    Examples
    --------
    >>> from govmodel import DEFAULT_POLICY, examples
    >>> s = examples.load("xinhe")
    >>> tables = tables_for(s, DEFAULT_POLICY)
    >>> tables_for(s, DEFAULT_POLICY) is tables
    True
    >>> tables.place("building:wanda-1").ladder[0]
    <Tier.MICRO_GRID: 'micro_grid'>
    """
    if _LAST:
        last = _LAST[0]
        if last.structure is structure and last.policy is policy:
            return last
    # Keyed by the policy's identity and holding it, so a freed policy's id
    # cannot be mistaken for another's.
    cache: dict[int, tuple[Policy, Tables]] = structure.memo("routing", dict)
    entry = cache.get(id(policy))
    if entry is not None and entry[0] is policy:
        tables = entry[1]
    else:
        tables = Tables(structure, policy, share=share)
        cache[id(policy)] = (policy, tables)
    _LAST[:] = [tables]
    return tables

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
    BodyKind,
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
    TieKind,
    Tier,
    Urgency,
)
from govmodel.rules.calendar import LimitUnit, TimeLimit
from govmodel.rules.policy import Policy
from govmodel.rules.routing._domains import SUPERVISION, to_mask
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
    Settled,
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
        # What a plan that names only a compound's shared part is filled with there, and
        # its supervisor, by plan and part.
        self.filled: dict[tuple[int, int], tuple[Part, Filled, str | None]] = {}
        # What the places of a compound route above their micro-grid, where the
        # compound's tier names their micro-grids' posts.
        self.above: dict[Hashable, tuple[Part, Filled, str | None]] = {}
        # The same for the cases route() keys by one int (no first contact, posts
        # settled), by the compound's shared part: each place of it holds the dict.
        self.uppers: dict[int, tuple[Part, dict[int, Settled]]] = {}
        self.time_limits: dict[tuple[Tier, Procedure], Mapping[Urgency, Deadline]] = {}
        # The bodies a supervisor may be needed for: property companies and those that a
        # supervises tie names; the supervisors found, by subject and place.
        self.supervised = frozenset(
            b.id for b in structure.bodies(kind=BodyKind.PROPERTY_COMPANY)
        ) | frozenset(t.target for t in structure.ties(kind=TieKind.SUPERVISES))
        self.supervisors: dict[tuple[str, tuple[str | None, str | None]], str | None] = {}
        self.locals: dict[
            tuple[str | None, str | None], tuple[frozenset[str], str | None, str | None]
        ] = {}
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
        """The due time by urgency at a tier for a procedure, as functions of the routing's time.

        A deliberation's at least ``deliberation_limit`` away, a referral's at
        most ``referral_limit``.
        """
        limits = self.time_limits.get((tier, procedure))
        if limits is None:
            policy = self.policy
            limits = self.time_limits[tier, procedure] = {
                urgency: _deadline(policy, limit, procedure)
                for urgency, limit in policy.time_limits[tier].items()
            }
        return limits

    def supervisor(
        self,
        where: tuple[str | None, str | None],
        handler: str | None,
        co_handlers: Iterable[str],
        need: int,
    ) -> str | None:
        """Who supervises the handler at a place and confirms the fix.

        The handler's supervisor, else the first co-handler's that has one. ``where``
        is the place's compound and community; the rule is
        ``govmodel.rules.reference``'s.
        """
        supervised = self.supervised
        subject = handler if handler is not None and handler in supervised else None
        if subject is None:
            subject = next((a for a in co_handlers if a in supervised), None)
        if subject is None:
            if not need & SUPERVISION:
                return None
            subject = self.local(where)[1]
            if subject is None:
                return None
        key = (subject, where)
        if key in self.supervisors:
            return self.supervisors[key]
        local, _company, fallback = self.local(where)
        tied = self.tiers.supervisors.get(subject, ())
        chosen = next((b for b in tied if b in local), None)
        if chosen is None:
            if self.structure.body(subject).kind is BodyKind.PROPERTY_COMPANY and fallback:
                chosen = fallback
            elif tied:
                chosen = tied[0]
        self.supervisors[key] = chosen
        return chosen

    def local(
        self, where: tuple[str | None, str | None]
    ) -> tuple[frozenset[str], str | None, str | None]:
        """A place's local bodies, its compound's property company, and its fallback supervisor.

        The local bodies are the compound's and the community's; the fallback
        supervises the company where no tie names a local body.
        """
        found = self.locals.get(where)
        if found is None:
            compound_id, community_id = where
            s = self.structure
            own = self.tiers.own_bodies(s.place(compound_id)) if compound_id else ()
            answering = self.tiers.answering_for(community_id) if community_id else ()
            company = next((b.id for b in own if b.kind is BodyKind.PROPERTY_COMPANY), None)
            fallback = next(
                (
                    b.id
                    for kind in (BodyKind.OWNERS_COMMITTEE, BodyKind.SELF_MANAGEMENT_COMMITTEE)
                    for b in own
                    if b.kind is kind
                ),
                None,
            ) or next((b.id for b in answering if b.kind is BodyKind.RESIDENTS_COMMITTEE), None)
            found = self.locals[where] = (
                frozenset(b.id for b in (*own, *answering)),
                company,
                fallback,
            )
        return found

    def check_receiver(self, receiver: str) -> None:
        if not isinstance(self.structure.node(receiver), Body | Post | Person):
            raise UnknownNodeError(receiver, "the posts, bodies and people of the structure")
        self.receivers.add(receiver)

    # -- places --------------------------------------------------------------

    def micro_part(self, grid: Grid) -> Part:
        """The part of a micro-grid: the grid at slot 0, its posts from slot 1 on.

        The posts are in the order of precedence, as the micro-grid tier lists them:
        micro-grids whose posts hold alike, one for one, have equal keys.
        """
        part = self.micro_parts.get(grid.id)
        if part is not None:
            return part
        s = self.structure
        reach = Scope.BUILDING
        for place_id in grid.covers:
            if s.place(place_id).kind is PlaceKind.COMPOUND:
                reach = Scope.COMPOUND
        posts = self.tiers.posts_of(grid.id)
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
        # The owner candidates, in the order owners_in gives them (precedence).
        owners = [n for n, p in enumerate(posts) if p.role in OWNER_RANK]
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
                    for n, p in enumerate(self.tiers.posts_of(part.grid or ""))
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
            if rest is not NO_PART and rest.slots is not None:
                slots = rest.slots
                named = [node in slots for node in micro.ids[1:]]
                if micro.ids[0] not in slots and (all(named) or not any(named)):
                    # The micro-grid part names its own posts by its own slots, also
                    # where the compound's tier names them too (it names every
                    # micro-grid post of the compound, whichever of its places a case
                    # names): buildings alike share a shape, whichever of the
                    # compound's micro-grids is theirs.
                    inner = bool(named) and all(named)
                    return self.store(
                        place_id, (micro.key, rest.key, inner), micro, rest, ctx, inner=inner
                    )
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
        return self.store(place_id, (whole.key,), whole, None, ctx)

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
        self,
        place_id: str,
        key: tuple[int | bool, ...],
        first: Part,
        second: Part | None,
        ctx: Context,
        *,
        inner: bool = False,
    ) -> PlaceTable:
        shape_key: Hashable = key if self.share else (place_id, key)
        shape = self.shapes.get(shape_key)
        if shape is None:
            parts = ((first, 0),) if second is None else ((first, 0), (second, len(first.ids)))
            shape = self.shapes[shape_key] = Shape(
                parts, [self.source_of(part) for part, _ in parts]
            )
        where = (
            ctx.compound.id if ctx.compound is not None else None,
            ctx.community.id if ctx.community is not None else None,
        )
        table = self.places[place_id] = PlaceTable(shape, first, second, where, inner)
        if inner and second is not None:
            kept = self.uppers.get(id(second))
            if kept is None or kept[0] is not second:
                kept = self.uppers[id(second)] = (second, {})
            table.upper = kept[1]
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
        emergency: bool = False,
        key: int | None = None,
    ) -> Entry:
        """What ``table``'s place routes a case like this to, filled with its ids.

        ``key`` is route()'s key of a case with no first contact once the posts are
        settled: what the places of a compound route alike is kept by it too.
        """
        stable = day >= table.stable_from
        absent = table.stable_absent if stable else self.absent_on(table, day)
        shape = table.shape
        slot = None
        if receiver is not None:
            # The first contact counts only if it can handle the case alone (马上办).
            slot = table.slot(receiver)
            if slot is not None and need & ~shape.masks.get(slot, 0):
                slot = None
        second = table.second
        above: Hashable = None
        if second is not None and not emergency and table.inner:
            # The micro-grid's posts are the compound's: when the micro-grid does not
            # take the case, every place of the compound routes it alike (the
            # compound tier is the same for all of them), up to the owner.
            micro = shape.grid_tiers[0]
            if (
                _SCOPE_RANK[micro.reach] < _SCOPE_RANK[scope]
                or (min_tier is not None and min_tier is not Tier.MICRO_GRID)
                or need & ~micro.actors_on(absent)[1]
            ):
                vacant_above = absent >> len(table.first.ids)
                above = (id(second), need, scope, receiver, vacant_above, min_tier)
                found = self.above.get(above)
                if found is not None and found[0] is second:
                    _, filled, supervisor = found
                    return (
                        *filled,
                        self._owner(table, filled, receiver, stable, absent),
                        supervisor,
                    )
        plan_key = (need, scope, slot, absent, min_tier, emergency)
        plan = shape.plans.get(plan_key)
        if plan is None:
            plan = shape.plans[plan_key] = make_plan(
                self,
                shape,
                need,
                scope,
                None if slot is None else token(slot),
                absent,
                min_tier,
                emergency=emergency,
            )
        if plan.shared and second is not None:
            # The plan names only ids of the part the place shares with the rest of
            # its compound (whose places have one compound and community): so does
            # what it is filled with, and so does its supervisor.
            shared = (plan.number, id(second))
            kept = self.filled.get(shared)
            if kept is None or kept[0] is not second:
                filled = fill(plan, table.ids)
                kept = self.filled[shared] = (
                    second,
                    filled,
                    self.supervisor(table.where, filled[1], filled[2], need),
                )
            _, filled, supervisor = kept
            if above is not None:
                self.above[above] = kept
            upper = table.upper
            if upper is not None and key is not None and above is not None:
                upper[key] = (*filled, supervisor)
        else:
            filled = fill(plan, table.ids)
            supervisor = self.supervisor(table.where, filled[1], filled[2], need)
        return (*filled, self._owner(table, filled, receiver, stable, absent), supervisor)

    def settled(
        self, table: PlaceTable, need: int, scope: Scope, day: dt.date, emergency: bool, key: int
    ) -> Settled:
        """What a place routes a case with no first contact to, its posts settled.

        That is, the entry but its owner; ``key`` is route()'s key of the case.
        Where the compound's tier names the place's micro-grid posts and the
        micro-grid does not take the case, the compound's places keep one tuple.
        """
        upper = table.upper
        alike = (
            upper is not None
            and not emergency
            and (_SCOPE_RANK[scope] > table.micro_reach or bool(need & ~table.micro_mask))
        )
        if alike and upper is not None:
            found = upper.get(key)
            if found is not None:
                return found
        entry = self.entry(table, need, scope, None, day, None, emergency, key)
        if alike and upper is not None:
            found = upper.get(key)
            if found is not None:
                return found
        return entry[:7] + entry[8:]

    def _owner(
        self, table: PlaceTable, filled: Filled, receiver: str | None, stable: bool, absent: int
    ) -> str | None:
        """Who owns a case (首接负责制).

        The first contact, else the first owner candidate present (the smallest grid's
        first), else the handler.
        """
        if receiver is not None:
            return receiver
        if stable:
            owner = table.stable_owner
        else:
            slot = next((n for n in table.shape.owners if not absent >> n & 1), None)
            owner = table.ids[slot] if slot is not None else None
        return owner if owner is not None else filled[1]


_SCOPE_RANK = {scope: scope.rank for scope in Scope}

# The tables used last: route() and escalate() mostly ask for the same pair
# again, and this spares them the look-up on the structure.
_LAST: list[Tables] = []


def _deadline(policy: Policy, limit: TimeLimit, procedure: Procedure) -> Deadline:
    """The due time of a routing made at a moment, for a tier's limit and a procedure."""
    due = _counted(policy, limit)
    if procedure is Procedure.DELIBERATION:
        floor = _counted(policy, policy.deliberation_limit)
        return lambda at: max(due(at), floor(at))
    if procedure is Procedure.REFERRAL:
        cap = _counted(policy, policy.referral_limit)
        return lambda at: min(due(at), cap(at))
    return due


def _counted(policy: Policy, limit: TimeLimit) -> Deadline:
    """``policy.deadline`` for one limit, with the answers that depend on the day kept."""
    elapsed = limit.elapsed
    if elapsed is not None:
        # Most limits run round the clock: a plain addition, for naive times.
        return lambda at: at + elapsed if at.tzinfo is None else policy.deadline(at, limit)
    if limit.unit is not LimitUnit.WORKING_DAYS:
        return lambda at: policy.deadline(at, limit)
    # Working days end at the close of a day that depends only on the day a
    # naive time falls on: one look-up per day rather than a walk on the calendar.
    by_day: dict[dt.date, dt.datetime] = {}

    def due(at: dt.datetime) -> dt.datetime:
        if at.tzinfo is not None:
            return policy.deadline(at, limit)
        day = at.date()
        found = by_day.get(day)
        if found is None:
            found = by_day[day] = policy.deadline(at, limit)
        return found

    return due


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

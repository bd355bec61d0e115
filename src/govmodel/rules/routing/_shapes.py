"""Parts, shapes and plans: places that differ only in their ids share one routing.

A place's tables are made of *parts*: the micro-grid tier of the place, which
each building has of its own, and everything above it (compound, community,
whistle, street, convener, the owners of the upper grids), which every
building of a compound shares. A part numbers the ids it names, in order of
first mention, and describes itself with those numbers (slots) in place of the
ids: its ``key``. Two parts with equal keys differ only in their ids.

A place's *shape* is the key of its parts together, and its ids are the
parts' ids end to end. Every place of one shape routes a case alike up to the
ids: the shape routes the case once, on tables whose ids are tokens standing
for slots (the slot's number between two NUL characters, :func:`token`), into a
*plan*; a place fills the plan with its own ids (:func:`fill`), the tokens
inside the plan's reason text too.

The compound tier names every micro-grid post of its compound, so a building's
own posts are named by both its parts. Its micro-grid part still numbers them
by its own slots (the grid, then its posts in the order of precedence): the
shape does not depend on where they sit among the compound's posts, and the
buildings of a compound share one shape when their micro-grids are alike. What
the two slots of one post could change is taken care of where it shows: a
cover never picks the second (see :class:`Shape`), an emergency's crew is kept
once by id in :func:`fill`, and ``presence`` names each actor once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from typing import NamedTuple

from govmodel.model import Domain, Procedure, Tier, Urgency
from govmodel.rules.routing._tiers import (
    Actor,
    Deliberation,
    Periods,
    TierRecord,
    cumulative,
    settled_from,
)

__all__ = [
    "NO_PART",
    "Consts",
    "Deadline",
    "Entry",
    "Filled",
    "Part",
    "PlaceTable",
    "Plan",
    "Settled",
    "Shape",
    "Source",
    "fill",
    "numbered",
    "slot_of",
    "token",
    "vacant",
]


def token(slot: int) -> str:
    """The token that stands for the id at ``slot`` in a shape's tables and plans."""
    return f"\x00{slot}\x00"


def slot_of(symbol: str) -> int:
    """The slot a token stands for."""
    return int(symbol[1:-1])


# The tiers, whistle, street, convener and owner candidates a part stands for.
Source = tuple[
    tuple[TierRecord, ...],
    "TierRecord | None",
    "TierRecord | None",
    "str | None",
    tuple[Actor, ...],
]


class Part(NamedTuple):
    """Some tiers of a place, with their ids numbered (see above).

    A micro-grid's part keeps only the grid's id (``grid``): its tiers and its
    posts' appointment periods are built again from the structure when needed.
    Other parts keep their tiers (``source``) and their posts' slots and
    periods (``posts``). Every building has a micro-grid part of its own, so
    those hold nothing the garbage collector has to follow.
    """

    key: int  # the number of the part's description: equal descriptions, equal numbers
    ids: tuple[str, ...]
    slots: Mapping[str, int] | None  # slot by id, for parts with many ids
    meetings: tuple[tuple[str, str], ...]  # standing meetings among the ids, with conveners
    stable_from: dt.date  # from this day on no appointment of the part starts or ends
    stable_absent: int  # the slots of the posts vacant from then on, as a bit set
    grid: str | None
    source: Source | None
    posts: tuple[tuple[int, Periods], ...] | None

    def slot(self, node: str) -> int | None:
        if self.slots is not None:
            return self.slots.get(node)
        return self.ids.index(node) if node in self.ids else None


# Stands for "no part shared by a compound's places" in the tables' caches.
NO_PART = Part(-1, (), None, (), dt.date.min, 0, None, None, None)


def vacant(posts: Iterable[tuple[int, Periods]], day: dt.date) -> int:
    """The bit set of the posts that nobody holds on ``day``."""
    absent = 0
    for number, periods in posts:
        if not any(start <= day and (end is None or day <= end) for start, end in periods):
            absent |= 1 << number
    return absent


def numbered(source: Source, conveners: Mapping[str, str], keys: dict[Hashable, int]) -> Part:
    """A part of any tiers, numbering their ids in order of first mention."""
    tiers, whistle, street, convener, owners = source
    slots: dict[str, int] = {}
    posts: dict[int, Periods] = {}

    def slot(node: str | None) -> int | None:
        if node is None:
            return None
        number = slots.get(node)
        if number is None:
            number = slots[node] = len(slots)
        return number

    def actors(group: Iterable[Actor]) -> tuple[tuple[int | None, int, bool], ...]:
        out = []
        for actor in group:
            number = slot(actor.id)
            out.append((number, actor.mask, actor.is_post))
            if actor.is_post and number is not None:
                posts.setdefault(number, actor.periods)
        return tuple(out)

    def tier_key(tier: TierRecord | None) -> Hashable:
        if tier is None:
            return None
        d = tier.deliberation
        deliberation = (
            None
            if d is None
            else (
                slot(d.handler),
                d.rule,
                slot(d.forum),
                slot(d.convener),
                tuple(slot(h) for h in d.helpers),
            )
        )
        return (
            tier.tier,
            tier.reach,
            slot(tier.anchor),
            actors(tier.actors),
            slot(tier.mediation_room),
            deliberation,
        )

    tier_keys = tuple(tier_key(t) for t in tiers)
    whistle_key = tier_key(whistle)
    street_key = tier_key(street)
    convener_slot = slot(convener)
    owner_keys = actors(owners)
    # A standing meeting among the actors may be the forum of a joint
    # handling, and its convener then convenes: name both.
    meetings = tuple((node, conveners[node]) for node in list(slots) if node in conveners)
    meeting_keys = tuple((slot(m), slot(c)) for m, c in meetings)
    key = ("tiers", tier_keys, whistle_key, street_key, convener_slot, owner_keys, meeting_keys)
    stable_from = max((settled_from(periods) for periods in posts.values()), default=dt.date.min)
    return Part(
        keys.setdefault(key, len(keys)),
        tuple(slots),
        slots,
        meetings,
        stable_from,
        vacant(posts.items(), stable_from),
        None,
        source,
        tuple(posts.items()),
    )


class Plan:
    """How every place of a shape routes one kind of case: slots in place of ids.

    What does not depend on the place (tier, procedure, ladder, domains, rule,
    time limits) is kept once, in the tables' ``consts`` at ``number``.
    """

    __slots__ = (
        "co_handlers",
        "convener",
        "distinct",
        "forum",
        "handler",
        "number",
        "owner",
        "shared",
        "summoned",
        "text_slots",
        "texts",
    )

    def __init__(
        self,
        number: int,
        handler: int | None,
        co_handlers: tuple[int, ...],
        summoned: tuple[int, ...],
        convener: int | None,
        forum: int | None,
        texts: tuple[str, ...],
        text_slots: tuple[int, ...],
        owner: int | None,
        split: int | None,
        distinct: bool = False,
    ) -> None:
        self.number = number
        self.handler = handler
        self.co_handlers = co_handlers
        self.summoned = summoned
        self.convener = convener
        self.forum = forum
        # The reason, cut where ids go: literal, slot, literal, slot, ..., literal.
        self.texts = texts
        self.text_slots = text_slots
        # The first owner candidate present (route's owner when the case has no receiver).
        self.owner = owner
        # Whether every id the plan names but the owner is in the place's second
        # part, which the places of a compound share.
        named = (
            *((handler,) if handler is not None else ()),
            *co_handlers,
            *summoned,
            *((convener,) if convener is not None else ()),
            *((forum,) if forum is not None else ()),
            *text_slots,
        )
        self.shared = split is not None and all(n >= split for n in named)
        # Whether the co-handlers are a crew that names each actor once and not the
        # handler (an emergency's): one actor may have a token in each part.
        self.distinct = distinct


# When a routing made at a time is due (the policy's time limit, counted on its calendar).
Deadline = Callable[[dt.datetime], dt.datetime]

# A plan's constants: tier, procedure, ladder, domains, rule and due times by urgency.
Consts = tuple[
    Tier,
    Procedure,
    tuple[Tier, ...],
    tuple[Domain, ...],
    "str | None",
    Mapping[Urgency, Deadline],
]


class Shape:
    """The tables of every place of one shape, with tokens for ids, and their plans."""

    __slots__ = (
        "convener",
        "conveners",
        "grid_tiers",
        "ladder",
        "masks",
        "owners",
        "plans",
        "split",
        "street",
        "whistle",
    )

    def __init__(self, parts: Sequence[tuple[Part, int]], sources: Sequence[Source]) -> None:
        """The shape of ``parts`` (each with its offset), ``sources`` the tiers each stands for."""
        # Where the second part's slots begin, if there is one.
        self.split = parts[1][1] if len(parts) > 1 else None
        # Each part names its tiers' ids by its own slots. An id may be in both parts (a
        # building's micro-grid posts are also at its compound's tier): it then has a
        # token in each, and every tier names it by its own part's.
        placed: list[tuple[Source, dict[str, tuple[str, int]]]] = []
        for source, (part, offset) in zip(sources, parts, strict=True):
            tokens = {
                node: (token(offset + number), offset + number)
                for number, node in enumerate(part.ids)
            }
            placed.append((source, tokens))

        def name(node: str | None, tokens: Mapping[str, tuple[str, int]]) -> str | None:
            return None if node is None else tokens[node][0]

        def actor(a: Actor, tokens: Mapping[str, tuple[str, int]]) -> Actor:
            symbol, number = tokens[a.id]
            return Actor(symbol, a.mask, (), a.is_post, number)

        def tier(t: TierRecord, tokens: Mapping[str, tuple[str, int]]) -> TierRecord:
            d = t.deliberation
            deliberation = (
                None
                if d is None
                else Deliberation(
                    tokens[d.handler][0],
                    d.rule,
                    name(d.forum, tokens),
                    name(d.convener, tokens),
                    tuple(tokens[h][0] for h in d.helpers),
                )
            )
            return TierRecord(
                t.tier,
                t.reach,
                name(t.anchor, tokens),
                tuple(actor(a, tokens) for a in t.actors),
                t.mask,
                name(t.mediation_room, tokens),
                deliberation,
            )

        # An actor named in both parts comes twice in a tier that takes the tiers below
        # it: first as the upper part names it, then as the lower one does. The second
        # holds what the first holds and is vacant when it is, so a cover never picks
        # it; only an emergency's crew can name one actor by both tokens, and
        # :func:`fill` keeps such a crew's ids once.
        self.grid_tiers = cumulative([tier(t, tk) for (tiers, *_), tk in placed for t in tiers])
        whistle = next(((w, tk) for (_, w, _, _, _), tk in placed if w is not None), None)
        street = next(((s, tk) for (_, _, s, _, _), tk in placed if s is not None), None)
        if street is None:  # pragma: no cover - every place has a street tier
            raise AssertionError("a place without a street tier")
        self.whistle = tier(*whistle) if whistle is not None else None
        self.street = tier(*street)
        self.convener = next((name(c, tk) for (_, _, _, c, _), tk in placed if c is not None), None)
        self.owners = tuple(tk[a.id][1] for (*_, owners), tk in placed for a in owners)
        self.conveners = {
            tk[m][0]: tk[c][0]
            for (p, _), (_, tk) in zip(parts, placed, strict=True)
            for m, c in p.meetings
        }
        # What each actor holds, by slot (the most it holds at any tier).
        self.masks: dict[int, int] = {}
        for t in (*self.grid_tiers, *((self.whistle,) if self.whistle else ()), self.street):
            for a in t.actors:
                self.masks[a.slot] = self.masks.get(a.slot, 0) | a.mask
        self.ladder = (
            tuple(t.tier for t in self.grid_tiers)
            + ((Tier.WHISTLE,) if self.whistle else ())
            + (Tier.STREET,)
        )
        self.plans: dict[Hashable, Plan] = {}


# What a place keeps per kind of case: the number of the plan's constants and
# the fields of the Routing that name ids, with the owner route() gives and the
# supervisor. Only
# strings, tuples of strings and an int: the garbage collector soon stops
# tracking such tuples, however many places keep them.
Entry = tuple[
    int,
    "str | None",
    "tuple[str, ...]",
    "tuple[str, ...]",
    "str | None",
    str,
    "str | None",
    "str | None",
    "str | None",
]


# An entry but its owner and supervisor.
Filled = tuple[
    int, "str | None", "tuple[str, ...]", "tuple[str, ...]", "str | None", str, "str | None"
]

# An entry but its owner: what a place keeps for a case with no first contact once
# its posts are settled, whose owner is the place's (``PlaceTable.stable_owner``,
# else the handler). The places of a compound keep one such tuple for what they
# route alike above their micro-grids.
Settled = tuple[
    int,
    "str | None",
    "tuple[str, ...]",
    "tuple[str, ...]",
    "str | None",
    str,
    "str | None",
    "str | None",
]


class PlaceTable(dict[int, Settled]):
    """A place's routing tables: its shape, its ids, and its routings so far.

    The table is itself the dictionary of the place's routings of cases with
    no first contact once its posts are settled, by route()'s one-int key;
    ``others`` holds the rest, by tuple.
    """

    __slots__ = (
        "first",
        "ids",
        "inner",
        "micro_mask",
        "micro_reach",
        "others",
        "second",
        "shape",
        "stable_absent",
        "stable_from",
        "stable_owner",
        "upper",
        "where",
    )

    def __init__(
        self,
        shape: Shape,
        first: Part,
        second: Part | None,
        where: tuple[str | None, str | None] = (None, None),
        inner: bool = False,
    ) -> None:
        super().__init__()
        self.others: dict[Hashable, Entry] = {}
        self.shape = shape
        # Whether the second part names every post of the first (a building's micro-grid
        # posts at its compound's tier): then what the place routes above its micro-grid
        # is what every place of the compound routes.
        self.inner = inner
        # The place's compound and community (the supervisor depends on them).
        self.where = where
        self.first = first
        self.second = second
        if second is None:
            self.ids = first.ids
            self.stable_from = first.stable_from
            self.stable_absent = first.stable_absent
        else:
            self.ids = first.ids + second.ids
            # From this day on no appointment starts or ends: who is present,
            # and so every routing, no longer depends on the day.
            self.stable_from = max(first.stable_from, second.stable_from)
            self.stable_absent = first.stable_absent | second.stable_absent << len(first.ids)
        # The first owner candidate present once the posts are settled (the owner of a
        # case with no first contact, unless there is none: then the handler).
        self.stable_owner = next(
            (self.ids[n] for n in shape.owners if not self.stable_absent >> n & 1), None
        )
        # For a place whose second part names its micro-grid's posts: the routings of
        # its compound above the micro-grid, shared by the compound's places (set by the
        # tables), and the micro-grid's reach (a rank) and what its posts hold once the
        # posts are settled, to tell the cases the micro-grid takes from the others.
        self.upper: dict[int, Settled] | None = None
        micro = shape.grid_tiers[0] if shape.grid_tiers else None
        self.micro_reach = micro.reach.rank if micro is not None else -1
        self.micro_mask = micro.actors_on(self.stable_absent)[1] if micro is not None else 0

    @property
    def ladder(self) -> tuple[Tier, ...]:
        return self.shape.ladder

    def parts(self) -> tuple[tuple[Part, int], ...]:
        if self.second is None:
            return ((self.first, 0),)
        return ((self.first, 0), (self.second, len(self.first.ids)))

    def slot(self, node: str) -> int | None:
        number = self.first.slot(node)
        if number is None and self.second is not None:
            number = self.second.slot(node)
            if number is not None:
                number += len(self.first.ids)
        return number

    def name(self, symbol: str | None) -> str | None:
        """The id a shape's token stands for at this place."""
        return None if symbol is None else self.ids[int(symbol[1:-1])]


def fill(plan: Plan, ids: tuple[str, ...]) -> Filled:
    """A plan's slots replaced by a place's ids."""
    texts = plan.texts
    if plan.text_slots:
        pieces = [texts[0]]
        for number, text in zip(plan.text_slots, texts[1:], strict=True):
            pieces.append(ids[number])
            pieces.append(text)
        reason = "".join(pieces)
    else:
        reason = texts[0]
    handler = None if plan.handler is None else ids[plan.handler]
    co_handlers: tuple[str, ...] = ()
    if plan.co_handlers:
        co_handlers = tuple([ids[n] for n in plan.co_handlers])
        if plan.distinct:
            co_handlers = tuple([a for a in dict.fromkeys(co_handlers) if a != handler])
    return (
        plan.number,
        handler,
        co_handlers,
        tuple([ids[n] for n in plan.summoned]) if plan.summoned else (),
        None if plan.convener is None else ids[plan.convener],
        reason,
        None if plan.forum is None else ids[plan.forum],
    )

"""Routing: who handles a new case, at which tier, and how.

:func:`route` implements the contract of ``docs/routing.md``:

1. locate the place, its grid chain and who is present at each tier
   (:func:`presence`);
2. choose the lowest tier among micro-grid < compound < community whose reach
   covers the case's scope and whose actors together hold the required
   domains — 小事不出楼栋、大事不出社区;
3. domains that only departments hold go to the ``whistle`` tier: the
   community party organisation convenes and blows the whistle, the matching
   departments are summoned (街乡吹哨、部门报到);
4. owners' decisions are deliberated: under Civil Code art. 278 where an owners'
   committee exists, by consultation through a standing meeting where a
   self-management committee stands in for one (no-title compounds);
5. a neighbour dispute at community tier with a mediation room is mediated;
   a matter settled in the micro-grid, or by a first contact who holds every
   domain it needs, is handled on the spot (马上办); anything else is
   transferred (快速转);
6. what the community cannot settle goes to the street office (属地兜底);
7. the first contact owns the case until its return visit (首接负责制).

The tables behind it are built once per structure and policy, a place at a
time on first use, and cached on the structure. Places whose tables differ
only in the ids of their actors (every building of a city has its own
micro-grid worker) share one *shape*, and a case is routed once per shape
and kind of case; each place then fills in its own ids. Routing a case
costs a few dictionary look-ups, whatever the size of the structure.

Examples
--------
>>> import datetime as dt
>>> from govmodel import Case, Category, Scope, examples, route
>>> s = examples.load("xinhe")
>>> case = Case(id="c1", category=Category.FIRE_LANE, place="compound:wanda",
...             reported_at=dt.datetime(2025, 5, 6, 9), scope=Scope.COMPOUND)
>>> r = route(s, case)
>>> r.tier, r.procedure, r.summoned, r.convener
(<Tier.WHISTLE: 'whistle'>, <Procedure.WHISTLE: 'whistle'>, ('dept:fire',), 'party:xinhe')
"""

from __future__ import annotations

import datetime as dt
import types
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from typing import Any, NamedTuple

import attrs

from govmodel.cases import Case, Routing
from govmodel.errors import UnknownNodeError
from govmodel.model import (
    Body,
    BodyKind,
    Category,
    Domain,
    Grid,
    GridLevel,
    Meeting,
    Person,
    Place,
    PlaceKind,
    Post,
    Procedure,
    Role,
    Scope,
    TieKind,
    Tier,
    Urgency,
)
from govmodel.rules.policy import DEFAULT_POLICY, Policy
from govmodel.structure import Structure

__all__ = ["Presence", "ladder", "presence", "required_domains", "route"]

_BIT = {domain: 1 << i for i, domain in enumerate(Domain)}
_GRID_TIERS = (Tier.MICRO_GRID, Tier.COMPOUND, Tier.COMMUNITY)
_OWNER_ROLES = (
    Role.MICRO_GRID_WORKER,
    Role.GRID_WORKER,
    Role.BUILDING_GROUP_LEADER,
    Role.PARTY_SECOND_LEADER,
    Role.GRID_LEADER,
)
_OWNER_RANK = {role: rank for rank, role in enumerate(_OWNER_ROLES)}
_ALL_DOMAINS = frozenset(Domain)
_DEPARTMENT_KINDS = (BodyKind.DEPARTMENT, BodyKind.PARTNER_UNIT)
_PARTY_KINDS = (BodyKind.PARTY_COMMITTEE, BodyKind.PARTY_BRANCH)


def _mask(domains: Iterable[Domain]) -> int:
    out = 0
    for domain in domains:
        out |= _BIT[domain]
    return out


_DOMAINS_OF: dict[int, tuple[Domain, ...]] = {}


def _domains_of(mask: int) -> tuple[Domain, ...]:
    domains = _DOMAINS_OF.get(mask)
    if domains is None:
        domains = tuple(d for d, bit in _BIT.items() if mask & bit)
        _DOMAINS_OF[mask] = domains
    return domains


_NAMES: dict[int, str] = {}


def _names(mask: int) -> str:
    names = _NAMES.get(mask)
    if names is None:
        names = _NAMES[mask] = ", ".join(d.value for d in _domains_of(mask))
    return names


# Every tier reaches at least a building, so a household matter routes as a
# building matter does: the routing tables see one scope for both. A case's
# key in a place's table is one int where it can be: its domains and scope.
_SCOPE_OF = {scope: max(scope, Scope.BUILDING) for scope in Scope}
_SCOPE_KEY = {scope: (_SCOPE_OF[scope].rank + 1) << len(_BIT) for scope in Scope}


# -- a cheap Routing ---------------------------------------------------------------
#
# Routing is a frozen, slotted attrs class. route() makes one per call, and its
# generated __init__ (13 fields, 4 converters) is a third of the cost of a routed
# case. Every value route() passes is already in its final form (tuples, members),
# so setting the slots directly gives an equal object for half the price. The
# shortcut is taken only if Routing still has exactly these slots and no
# validators or post-init hook, and if it builds a Routing equal to the one the
# constructor builds; otherwise route() calls the constructor.

_ROUTING_FIELDS = (
    "tier",
    "procedure",
    "handler",
    "owner",
    "due",
    "co_handlers",
    "summoned",
    "convener",
    "ladder",
    "reason",
    "domains",
    "forum",
    "rule",
)


def _routing_by_constructor(
    tier: Tier,
    procedure: Procedure,
    handler: str | None,
    owner: str | None,
    due: dt.datetime,
    co_handlers: tuple[str, ...],
    summoned: tuple[str, ...],
    convener: str | None,
    ladder: tuple[Tier, ...],
    reason: str,
    domains: tuple[Domain, ...],
    forum: str | None,
    rule: str | None,
) -> Routing:
    return Routing(
        tier=tier,
        procedure=procedure,
        handler=handler,
        owner=owner,
        due=due,
        co_handlers=co_handlers,
        summoned=summoned,
        convener=convener,
        ladder=ladder,
        reason=reason,
        domains=domains,
        forum=forum,
        rule=rule,
    )


def _routing_by_slots() -> Callable[..., Routing] | None:
    fields = attrs.fields(Routing)
    if tuple(f.name for f in fields) != _ROUTING_FIELDS:
        return None
    if any(f.validator is not None for f in fields) or hasattr(Routing, "__attrs_post_init__"):
        return None
    descriptors = [Routing.__dict__.get(name) for name in _ROUTING_FIELDS]
    if not all(isinstance(d, types.MemberDescriptorType) for d in descriptors):
        return None
    (
        set_tier,
        set_procedure,
        set_handler,
        set_owner,
        set_due,
        set_co_handlers,
        set_summoned,
        set_convener,
        set_ladder,
        set_reason,
        set_domains,
        set_forum,
        set_rule,
    ) = (d.__set__ for d in descriptors)  # type: ignore[union-attr]
    new = object.__new__

    def make(
        tier: Tier,
        procedure: Procedure,
        handler: str | None,
        owner: str | None,
        due: dt.datetime,
        co_handlers: tuple[str, ...],
        summoned: tuple[str, ...],
        convener: str | None,
        ladder: tuple[Tier, ...],
        reason: str,
        domains: tuple[Domain, ...],
        forum: str | None,
        rule: str | None,
    ) -> Routing:
        r: Routing = new(Routing)
        set_tier(r, tier)
        set_procedure(r, procedure)
        set_handler(r, handler)
        set_owner(r, owner)
        set_due(r, due)
        set_co_handlers(r, co_handlers)
        set_summoned(r, summoned)
        set_convener(r, convener)
        set_ladder(r, ladder)
        set_reason(r, reason)
        set_domains(r, domains)
        set_forum(r, forum)
        set_rule(r, rule)
        return r

    probe = (
        Tier.COMPOUND,
        Procedure.DELIBERATION,
        "h",
        "o",
        dt.datetime(2025, 1, 1),
        ("c",),
        ("s",),
        "v",
        (Tier.COMPOUND, Tier.STREET),
        "why",
        (Domain.OWNERS_DECISION,),
        "f",
        "civil_code_278",
    )
    try:
        if make(*probe) != _routing_by_constructor(*probe):
            return None
    except (TypeError, ValueError, AttributeError):  # pragma: no cover - a changed Routing
        return None
    return make


_new_routing: Callable[..., Routing] = _routing_by_slots() or _routing_by_constructor


@attrs.frozen(kw_only=True)
class Presence:
    """Who is present at one tier for a place, and what they can settle together.

    Parameters
    ----------
    tier
        The tier.
    reach
        The largest scope the tier can settle (building, compound, community;
        ``beyond`` for the street).
    actors
        Post and body ids present, in a stable order.
    domains
        The union of their domains.
    anchor
        The grid (grid tiers) or place the tier stands on.

    Examples
    --------
    >>> import datetime as dt
    >>> from govmodel import examples
    >>> tiers = presence(examples.load("xinhe"), "building:wanda-1", at=dt.date(2025, 6, 1))
    >>> for p in tiers:
    ...     print(p.tier.value, p.reach.value)
    micro_grid building
    compound compound
    community community
    whistle community
    street beyond
    """

    tier: Tier
    reach: Scope
    actors: tuple[str, ...]
    domains: frozenset[Domain]
    anchor: str | None = None


_Periods = tuple[tuple[dt.date, dt.date | None], ...]


@attrs.frozen
class _Actor:
    """A post, body or meeting at a tier, with the domains it holds as a bit set.

    In a place's tables ``id`` is the record's id and ``periods`` holds the
    appointments of a post. In a shape's tables ``id`` is a token that stands
    for ``slot``, a position in the ids of each place of that shape.
    """

    id: str
    mask: int
    # Appointment periods of the post's holders; () for bodies and meetings (always present).
    periods: _Periods = ()
    is_post: bool = False
    slot: int = -1


@attrs.frozen
class _Deliberation:
    """How owners decide at a tier: who organises it, under which rule, where."""

    handler: str
    rule: str  # "civil_code_278" or "consultation"
    forum: str | None
    convener: str | None
    helpers: tuple[str, ...]  # the compound's other bodies sitting in the forum


@attrs.frozen
class _Tier:
    tier: Tier
    reach: Scope
    anchor: str | None
    actors: tuple[_Actor, ...]
    mask: int
    mediation_room: str | None = None
    deliberation: _Deliberation | None = None

    def actors_on(self, absent: int) -> tuple[tuple[_Actor, ...], int]:
        """The actors present and what they hold, ``absent`` the bit set of vacant slots.

        Only for a shape's tiers, whose actors have slots.
        """
        if not absent:
            return self.actors, self.mask
        present = tuple(a for a in self.actors if not absent >> a.slot & 1)
        mask = 0
        for actor in present:
            mask |= actor.mask
        return present, mask


def _make_tier(
    tier: Tier,
    reach: Scope,
    anchor: str | None,
    actors: Iterable[_Actor],
    *,
    mediation_room: str | None = None,
    deliberation: _Deliberation | None = None,
) -> _Tier:
    unique: dict[str, _Actor] = {}
    for actor in actors:
        unique.setdefault(actor.id, actor)
    chosen = tuple(unique.values())
    mask = 0
    for actor in chosen:
        mask |= actor.mask
    return _Tier(tier, reach, anchor, chosen, mask, mediation_room, deliberation)


def _cumulative(tiers: Sequence[_Tier]) -> tuple[_Tier, ...]:
    """Each tier with the actors of the tiers below it (难事联办).

    A higher tier convenes everyone beneath it: the community can call on a
    compound's property company. Its own actors come first, so they are
    preferred as handlers.
    """
    out: list[_Tier] = []
    below: list[_Actor] = []
    deliberation = None
    for tier in tiers:
        deliberation = tier.deliberation or deliberation
        out.append(
            _make_tier(
                tier.tier,
                tier.reach,
                tier.anchor,
                [*tier.actors, *below],
                mediation_room=tier.mediation_room,
                deliberation=deliberation,
            )
        )
        below = [*tier.actors, *below]
    return tuple(out)


def _changes(periods: _Periods) -> dt.date:
    """The first day from which a post's presence never changes again."""
    last = dt.date.min
    for start, end in periods:
        last = max(last, start)
        if end is not None and end < dt.date.max:
            last = max(last, end + dt.timedelta(days=1))
    return last


# -- parts, shapes and places ------------------------------------------------------
#
# A place's tables are made of *parts*: the micro-grid tier of the place, which
# each building has of its own, and everything above it (compound, community,
# whistle, street, convener, the owners of the upper grids), which every
# building of a compound shares. A part numbers the ids it names, in order of
# first mention, and describes itself with those numbers (slots) in place of the
# ids: its ``key``. Two parts with equal keys differ only in their ids.
#
# A place's *shape* is the key of its parts together, and its ids are the
# parts' ids end to end. Every place of one shape routes a case alike up to the
# ids: the shape routes the case once, on tables whose ids are tokens standing
# for slots, into a *plan*; a place fills the plan with its own ids.


def _token(slot: int) -> str:
    return f"\x00{slot}\x00"


# The tiers, whistle, street, convener and owner candidates a part stands for.
_Source = tuple[tuple[_Tier, ...], "_Tier | None", "_Tier | None", "str | None", tuple[_Actor, ...]]


class _Part(NamedTuple):
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
    source: _Source | None
    posts: tuple[tuple[int, _Periods], ...] | None

    def slot(self, node: str) -> int | None:
        if self.slots is not None:
            return self.slots.get(node)
        return self.ids.index(node) if node in self.ids else None


# Stands for "no part shared by a compound's places" in the index's caches.
_NO_PART = _Part(-1, (), None, (), dt.date.min, 0, None, None, None)


def _absent(posts: Iterable[tuple[int, _Periods]], day: dt.date) -> int:
    """The bit set of the posts that nobody holds on ``day``."""
    absent = 0
    for number, periods in posts:
        if not any(start <= day and (end is None or day <= end) for start, end in periods):
            absent |= 1 << number
    return absent


def _numbered(source: _Source, conveners: Mapping[str, str], keys: dict[Hashable, int]) -> _Part:
    """A part of any tiers, numbering their ids in order of first mention."""
    tiers, whistle, street, convener, owners = source
    slots: dict[str, int] = {}
    posts: dict[int, _Periods] = {}

    def slot(node: str | None) -> int | None:
        if node is None:
            return None
        number = slots.get(node)
        if number is None:
            number = slots[node] = len(slots)
        return number

    def actors(group: Iterable[_Actor]) -> tuple[tuple[int | None, int, bool], ...]:
        out = []
        for actor in group:
            number = slot(actor.id)
            out.append((number, actor.mask, actor.is_post))
            if actor.is_post and number is not None:
                posts.setdefault(number, actor.periods)
        return tuple(out)

    def tier_key(tier: _Tier | None) -> Hashable:
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
    stable_from = max((_changes(periods) for periods in posts.values()), default=dt.date.min)
    return _Part(
        keys.setdefault(key, len(keys)),
        tuple(slots),
        slots,
        meetings,
        stable_from,
        _absent(posts.items(), stable_from),
        None,
        source,
        tuple(posts.items()),
    )


class _Plan:
    """How every place of a shape routes one kind of case: slots in place of ids.

    What does not depend on the place (tier, procedure, ladder, domains, rule,
    time limits) is kept once, in the index's ``consts`` at ``number``.
    """

    __slots__ = (
        "co_handlers",
        "convener",
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


# A plan's constants: tier, procedure, ladder, domains, rule and time limits by urgency.
_Consts = tuple[
    Tier,
    Procedure,
    tuple[Tier, ...],
    tuple[Domain, ...],
    "str | None",
    Mapping[Urgency, dt.timedelta],
]


class _Shape:
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

    def __init__(self, index: _Index, parts: Sequence[tuple[_Part, int]]) -> None:
        sources = [(index.source_of(part), offset) for part, offset in parts]
        # Where the second part's slots begin, if there is one.
        self.split = parts[1][1] if len(parts) > 1 else None
        token: dict[str, tuple[str, int]] = {}
        for part, offset in parts:
            for number, node in enumerate(part.ids):
                token[node] = (_token(offset + number), offset + number)

        def name(node: str | None) -> str | None:
            return None if node is None else token[node][0]

        def actor(a: _Actor) -> _Actor:
            symbol, number = token[a.id]
            return _Actor(symbol, a.mask, (), a.is_post, number)

        def tier(t: _Tier) -> _Tier:
            d = t.deliberation
            deliberation = (
                None
                if d is None
                else _Deliberation(
                    token[d.handler][0],
                    d.rule,
                    name(d.forum),
                    name(d.convener),
                    tuple(token[h][0] for h in d.helpers),
                )
            )
            return _Tier(
                t.tier,
                t.reach,
                name(t.anchor),
                tuple(actor(a) for a in t.actors),
                t.mask,
                name(t.mediation_room),
                deliberation,
            )

        self.grid_tiers = _cumulative([tier(t) for (tiers, *_), _ in sources for t in tiers])
        whistle = next((w for (_, w, _, _, _), _ in sources if w is not None), None)
        street = next((s for (_, _, s, _, _), _ in sources if s is not None), None)
        if street is None:  # pragma: no cover - every place has a street tier
            raise AssertionError("a place without a street tier")
        self.whistle = tier(whistle) if whistle is not None else None
        self.street = tier(street)
        self.convener = next((name(c) for (_, _, _, c, _), _ in sources if c is not None), None)
        self.owners = tuple(token[a.id][1] for (*_, owners), _ in sources for a in owners)
        self.conveners = {token[m][0]: token[c][0] for p, _ in parts for m, c in p.meetings}
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
        self.plans: dict[Hashable, _Plan] = {}


# What a place keeps per kind of case: the number of the plan's constants and
# the fields of the Routing that name ids, with the owner route() gives. Only
# strings, tuples of strings and an int: the garbage collector soon stops
# tracking such tuples, however many places keep them.
_Entry = tuple[
    int,
    "str | None",
    "tuple[str, ...]",
    "tuple[str, ...]",
    "str | None",
    str,
    "str | None",
    "str | None",
]


# An entry but its owner.
_Filled = tuple[
    int, "str | None", "tuple[str, ...]", "tuple[str, ...]", "str | None", str, "str | None"
]


class _PlaceTable(dict[object, _Entry]):
    """A place's routing tables: its shape, its ids, and its routings so far.

    The table is itself the dictionary of the place's routings, by kind of
    case: one object per place for the garbage collector to follow.
    """

    __slots__ = ("first", "ids", "second", "shape", "stable_absent", "stable_from")

    def __init__(self, shape: _Shape, first: _Part, second: _Part | None) -> None:
        super().__init__()
        self.shape = shape
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

    @property
    def ladder(self) -> tuple[Tier, ...]:
        return self.shape.ladder

    def parts(self) -> tuple[tuple[_Part, int], ...]:
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


_NO_WHISTLE = object()


class _Context(NamedTuple):
    """What a place takes from the places above it (each a query on the structure)."""

    place: Place
    lineage: tuple[Place, ...]  # structure.ancestors(place)
    chain: tuple[Grid, ...]  # structure.grid_chain(place)
    community: Place | None  # the first community of the place and its lineage
    compound: Place | None  # the first compound
    departments: tuple[Body, ...]  # the departments and partner units answering, nearest first
    office: Body | None  # the nearest street office
    department_ids: tuple[str, ...]


class _Index:
    """Routing tables of one structure under one policy, built lazily per place."""

    def __init__(self, structure: Structure, policy: Policy, *, share: bool = True) -> None:
        self.structure = structure
        self.policy = policy
        # Whether places of one shape share plans (False only to test that sharing is exact).
        self.share = share
        self.places: dict[str, _PlaceTable] = {}
        self.shapes: dict[Hashable, _Shape] = {}
        self.part_keys: dict[Hashable, int] = {}
        self.micro_parts: dict[str, _Part] = {}
        self.upper_parts: dict[Hashable, _Part] = {}
        self.grid_tiers: dict[str, _Tier] = {}
        self.compound_tiers: dict[tuple[str, str | None], _Tier] = {}
        self.community_tiers: dict[tuple[str, str | None], _Tier] = {}
        self.whistles: dict[tuple[str, ...], _Tier] = {}
        self.whistle_of: dict[Hashable, object] = {}
        self.streets: dict[str | None, _Tier] = {}
        self.conveners_of: dict[str, str | None] = {}
        self.answering: dict[str, tuple[Body, ...]] = {}
        self.owner_actors: dict[str, tuple[_Actor, ...]] = {}
        self.post_actors: dict[str, _Actor] = {}
        self.needs: dict[Category, int] = {
            category: _mask(domains) for category, domains in policy.category_domains.items()
        }
        self.masks: dict[Hashable, int] = {}
        self.consts: list[_Consts] = []
        self.filled: dict[tuple[int, int], _Filled] = {}
        self.time_limits: dict[tuple[Tier, bool], Mapping[Urgency, dt.timedelta]] = {}
        self.receivers: set[str] = set()
        self.posts_in: dict[str, tuple[Post, ...]] = {}
        self.body_masks: dict[str, int] = {}
        self.role_masks: dict[Role, int] = {}
        s = structure
        self.led_by_party: dict[str, str] = {}
        for tie in s.ties():
            if tie.kind in (TieKind.LEADS, TieKind.EMBEDDED_IN):
                self.led_by_party.setdefault(tie.target, tie.source)
        self.embedded_in: dict[str, list[str]] = {}
        for tie in s.ties():
            if tie.kind is TieKind.EMBEDDED_IN:
                self.embedded_in.setdefault(tie.source, []).append(tie.target)
        self.partners: dict[str, list[str]] = {}
        for tie in s.ties():
            if tie.kind in (TieKind.PARTNERS, TieKind.PAIRED):
                self.partners.setdefault(tie.source, []).append(tie.target)
                self.partners.setdefault(tie.target, []).append(tie.source)
        self.meeting_mask = _mask(policy.meeting_domains)
        self.conveners: dict[str, str] = {m.id: m.convener for m in s.meetings()}
        self.meetings_with: dict[str, list[Meeting]] = {}
        for meeting in s.meetings():
            for member in (meeting.convener, *meeting.members):
                self.meetings_with.setdefault(member, []).append(meeting)
        # The grid of each place a grid covers: the smallest, then the first in spec
        # order (as Structure.grid_chain has it).
        self.covering: dict[str, str] = {}
        for level in (GridLevel.MICRO, GridLevel.COMPOUND, GridLevel.COMMUNITY):
            for grid in s.grids(level=level):
                for place_id in grid.covers:
                    self.covering.setdefault(place_id, grid.id)
        self.chains: dict[str, tuple[Grid, ...]] = {}
        self.answered = frozenset(p for body in s.bodies() for p in body.jurisdiction)
        # A unit is handled as the place it is in, unless something answers for it
        # alone or a grid covers it.
        self.shares: dict[str, str] = {
            p.id: p.parent
            for p in s.places()
            if p.kind is PlaceKind.UNIT
            and p.parent is not None
            and p.id not in self.answered
            and p.id not in self.covering
        }
        self.contexts: dict[str, _Context] = {}

    # -- small look-ups ------------------------------------------------------

    def mask_of(self, domains: Iterable[Domain]) -> int:
        """The bit set of some domains (a case's, a routing's), memoised by their tuple."""
        masks: dict[Any, int] = self.masks
        try:
            mask = masks.get(domains)
        except TypeError:  # a list
            return _mask(domains)
        if mask is None:
            mask = masks[domains] = _mask(domains)
        return mask

    def limits(self, tier: Tier, procedure: Procedure) -> Mapping[Urgency, dt.timedelta]:
        """The time limits by urgency at a tier (a deliberation's at least the policy's)."""
        deliberation = procedure is Procedure.DELIBERATION
        limits = self.time_limits.get((tier, deliberation))
        if limits is None:
            policy = self.policy
            limits = self.time_limits[tier, deliberation] = {
                urgency: max(policy.deliberation_limit, limit) if deliberation else limit
                for urgency, limit in policy.time_limits[tier].items()
            }
        return limits

    def check_receiver(self, receiver: str) -> None:
        if not isinstance(self.structure.node(receiver), Body | Post | Person):
            raise UnknownNodeError(receiver, "the posts, bodies and people of the structure")
        self.receivers.add(receiver)

    def answering_for(self, place_id: str) -> tuple[Body, ...]:
        bodies = self.answering.get(place_id)
        if bodies is None:
            bodies = self.answering[place_id] = self.structure.answering_for(place_id)
        return bodies

    # -- actors --------------------------------------------------------------

    def body_mask(self, body: Body) -> int:
        mask = self.body_masks.get(body.id)
        if mask is None:
            if body.domains is not None:
                mask = _mask(body.domains)
            else:
                mask = _mask(self.policy.body_domains.get(body.kind, ()))
            self.body_masks[body.id] = mask
        return mask

    def post_actor(self, post: Post) -> _Actor:
        actor = self.post_actors.get(post.id)
        if actor is None:
            periods = tuple((a.start, a.end) for a in self.structure.appointments_of(post.id))
            mask = _mask(self.policy.role_domains.get(post.role, ()))
            actor = self.post_actors[post.id] = _Actor(post.id, mask, periods, is_post=True)
        return actor

    def posts_of(self, owner: str) -> tuple[Post, ...]:
        posts = self.posts_in.get(owner)
        if posts is None:
            posts = self.structure.posts_in(owner)
            self.posts_in[owner] = posts
        return posts

    def owners_in(self, grid_id: str) -> tuple[_Actor, ...]:
        """The posts of a grid that may own a case, in order of preference."""
        owners = self.owner_actors.get(grid_id)
        if owners is None:
            posts = sorted(
                (p for p in self.posts_of(grid_id) if p.role in _OWNER_RANK),
                key=lambda p: _OWNER_RANK[p.role],
            )
            owners = self.owner_actors[grid_id] = tuple(self.post_actor(p) for p in posts)
        return owners

    # -- tiers ---------------------------------------------------------------

    def micro_tier(self, grid_id: str) -> _Tier:
        cached = self.grid_tiers.get(grid_id)
        if cached is None:
            grid = self.structure.grid(grid_id)
            kinds = {self.structure.place(p).kind for p in grid.covers}
            reach = Scope.COMPOUND if PlaceKind.COMPOUND in kinds else Scope.BUILDING
            actors = [self.post_actor(p) for p in self.posts_of(grid_id)]
            cached = _make_tier(Tier.MICRO_GRID, reach, grid_id, actors)
            self.grid_tiers[grid_id] = cached
        return cached

    def compound_tier(self, compound: Place, grid_id: str | None) -> _Tier:
        key = (compound.id, grid_id)
        cached = self.compound_tiers.get(key)
        if cached is not None:
            return cached
        s = self.structure
        actors: list[_Actor] = []
        if grid_id is not None:
            actors += [self.post_actor(p) for p in self.posts_of(grid_id)]
        bodies = (*s.serving(compound.id), *self.answering_for(compound.id))
        owners_committee = next((b for b in bodies if b.kind is BodyKind.OWNERS_COMMITTEE), None)
        smc = next((b for b in bodies if b.kind is BodyKind.SELF_MANAGEMENT_COMMITTEE), None)
        for body in bodies:
            actors.append(_Actor(body.id, self.body_mask(body)))
        meetings = list(s.meetings_for(compound.id))
        deliberation = None
        own = [b.id for b in bodies]
        if owners_committee is not None:
            forum = meetings[0] if meetings else None
            convener = forum.convener if forum else self.led_by_party.get(owners_committee.id)
            helpers = (
                [m for m in forum.members if m in own]
                if forum
                else [b.id for b in s.serving(compound.id)]
            )
            deliberation = _Deliberation(
                owners_committee.id,
                "civil_code_278",
                forum.id if forum else None,
                convener,
                tuple(h for h in helpers if h != owners_committee.id),
            )
        else:
            consulting = self.consultation_meeting(compound, own, at_compound=True)
            if consulting is not None:
                deliberation = self.consultation(consulting, smc, own)
                actors.append(
                    _Actor(consulting.id, _BIT[Domain.OWNERS_DECISION] | self.meeting_mask)
                )
                meetings = [m for m in meetings if m.id != consulting.id]
        for meeting in meetings:
            actors.append(_Actor(meeting.id, self.meeting_mask))
        tier = _make_tier(
            Tier.COMPOUND, Scope.COMPOUND, compound.id, actors, deliberation=deliberation
        )
        self.compound_tiers[key] = tier
        return tier

    def consultation_meeting(
        self, compound: Place, own: Sequence[str], *, at_compound: bool
    ) -> Meeting | None:
        """The standing meeting that consults a compound's households (征询).

        For a compound with no owners' committee.
        One the compound's own bodies (its self-management committee, its
        property company) sit in: for the compound itself at compound tier;
        any other at community tier (Zhuanqiao's four-party meeting,
        Shagangwan's 15th-of-month meeting).
        """
        for body_id in own:
            for meeting in self.meetings_with.get(body_id, ()):
                for_compound = meeting.place == compound.id
                if for_compound == at_compound:
                    return meeting
        return None

    def consultation(self, forum: Meeting, smc: Body | None, own: Sequence[str]) -> _Deliberation:
        # The self-management committee organises it where there is one;
        # otherwise whoever convenes the forum (Shagangwan: 居委联合物业).
        handler = smc.id if smc is not None else forum.convener
        helpers = tuple(m for m in forum.members if m in own and m != handler)
        return _Deliberation(handler, "consultation", forum.id, forum.convener, helpers)

    def community_tier(
        self, community: Place, grid_id: str | None, compound: Place | None
    ) -> _Tier:
        key = (community.id, grid_id if compound is None else f"{grid_id}|{compound.id}")
        cached = self.community_tiers.get(key)
        if cached is not None:
            return cached
        s = self.structure
        actors: list[_Actor] = []
        if grid_id is not None:
            actors += [self.post_actor(p) for p in self.posts_of(grid_id)]
        room: str | None = None
        for body in self.answering_for(community.id):
            actors.append(_Actor(body.id, self.body_mask(body)))
            if body.kind is BodyKind.MEDIATION_ROOM and room is None:
                room = body.id
            # Posts inside community bodies (mediators, legal advisers) are present too.
            actors += [self.post_actor(p) for p in self.posts_of(body.id)]
        deliberation = None
        consulting: Meeting | None = None
        if compound is not None:
            bodies = (*s.serving(compound.id), *self.answering_for(compound.id))
            if not any(b.kind is BodyKind.OWNERS_COMMITTEE for b in bodies):
                own = [b.id for b in bodies]
                smc = next(
                    (b for b in bodies if b.kind is BodyKind.SELF_MANAGEMENT_COMMITTEE), None
                )
                consulting = self.consultation_meeting(compound, own, at_compound=False)
                if consulting is not None:
                    deliberation = self.consultation(consulting, smc, own)
                    actors.append(
                        _Actor(consulting.id, _BIT[Domain.OWNERS_DECISION] | self.meeting_mask)
                    )
        for meeting in s.meetings_for(community.id):
            if consulting is None or meeting.id != consulting.id:
                actors.append(_Actor(meeting.id, self.meeting_mask))
        tier = _make_tier(
            Tier.COMMUNITY,
            Scope.COMMUNITY,
            community.id,
            actors,
            mediation_room=room,
            deliberation=deliberation,
        )
        self.community_tiers[key] = tier
        return tier

    def whistle_tier(self, departments: tuple[Body, ...], community: Place | None) -> _Tier | None:
        # Departments answer for the place through their jurisdiction, the
        # nearest place of the lineage first.
        key = (tuple(b.id for b in departments), community.id if community else None)
        cached = self.whistle_of.get(key)
        if cached is None:
            cached = self.whistle_of[key] = self.make_whistle(departments, community)
        return cached if isinstance(cached, _Tier) else None

    def make_whistle(self, departments: Sequence[Body], community: Place | None) -> object:
        s = self.structure
        actors: list[_Actor] = []
        seen: set[str] = set()
        for body in departments:
            if body.id not in seen:
                seen.add(body.id)
                actors.append(_Actor(body.id, self.body_mask(body)))
        if community is not None:
            # Partner units paired with the community's bodies answer for it too.
            for body in self.answering_for(community.id):
                for partner_id in self.partners.get(body.id, ()):
                    # A paired party branch brings the unit it is embedded in
                    # (Zhuanqiao's pairing with the telecom company's branch).
                    for unit_id in (partner_id, *self.embedded_in.get(partner_id, ())):
                        unit = s.body(unit_id)
                        if unit.kind is BodyKind.PARTNER_UNIT and unit.id not in seen:
                            seen.add(unit.id)
                            actors.append(_Actor(unit.id, self.body_mask(unit)))
        if not actors:
            return _NO_WHISTLE
        # Places under the same departments share one whistle tier.
        key = tuple(a.id for a in actors)
        tier = self.whistles.get(key)
        if tier is None:
            tier = self.whistles[key] = _make_tier(Tier.WHISTLE, Scope.COMMUNITY, None, actors)
        return tier

    def street_tier(self, office: Body | None) -> _Tier:
        key = office.id if office is not None else None
        tier = self.streets.get(key)
        if tier is None:
            actors = [_Actor(office.id, _mask(_ALL_DOMAINS))] if office is not None else []
            tier = self.streets[key] = _make_tier(Tier.STREET, Scope.BEYOND, key, actors)
        return tier

    def convener_of(self, community: Place | None) -> str | None:
        """The party committee, or else party branch, that answers for the community."""
        if community is None:
            return None
        if community.id not in self.conveners_of:
            party = [b for b in self.answering_for(community.id) if b.kind in _PARTY_KINDS]
            party.sort(key=lambda b: b.kind is not BodyKind.PARTY_COMMITTEE)
            self.conveners_of[community.id] = party[0].id if party else None
        return self.conveners_of[community.id]

    # -- places --------------------------------------------------------------

    def micro_part(self, grid: Grid) -> _Part:
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
                mask = role_masks[post.role] = _mask(self.policy.role_domains.get(post.role, ()))
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
            (n for n, p in enumerate(posts) if p.role in _OWNER_RANK),
            key=lambda n: _OWNER_RANK[posts[n].role],
        )
        # What _numbered would say of the micro-grid tier and its owner candidates.
        key = ("micro", reach, tuple(masks), tuple(owners))
        part = self.micro_parts[grid.id] = _Part(
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

    def source_of(self, part: _Part) -> _Source:
        """The tiers a part stands for, with ids."""
        if part.source is not None:
            return part.source
        grid = part.grid
        if grid is None:  # pragma: no cover - every part has one or the other
            raise AssertionError("a part with neither tiers nor grid")
        return ((self.micro_tier(grid),), None, None, None, self.owners_in(grid))

    def absent_on(self, table: _PlaceTable, day: dt.date) -> int:
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
            absent |= _absent(posts, day) << offset
        return absent

    def context(self, place: Place) -> _Context:
        """What a place takes from the places above it, derived from its parent's."""
        ctx = self.contexts.get(place.id)
        if ctx is not None:
            return ctx
        # The places up to the nearest one with a context (or the top), nearest first.
        path = [place]
        seen = {place.id}
        above: _Context | None = None
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

    def direct_context(self, place: Place) -> _Context:
        s = self.structure
        lineage = s.ancestors(place.id)
        line = (place, *lineage)
        departments = tuple(
            b for p in line for b in self.answering_for(p.id) if b.kind in _DEPARTMENT_KINDS
        )
        office = next(
            (b for p in line for b in self.answering_for(p.id) if b.kind is BodyKind.STREET_OFFICE),
            None,
        )
        return _Context(
            place,
            lineage,
            s.grid_chain(place.id),
            next((p for p in line if p.kind is PlaceKind.COMMUNITY), None),
            next((p for p in line if p.kind is PlaceKind.COMPOUND), None),
            departments,
            office,
            tuple(b.id for b in departments),
        )

    def derived_context(self, place: Place, parent: _Context) -> _Context:
        # The parent's lineage, departments and street office, with the place's own first.
        own = self.answering_for(place.id) if place.id in self.answered else ()
        departments = parent.departments
        department_ids = parent.department_ids
        office = parent.office
        if own:
            departments = (
                *(b for b in own if b.kind in _DEPARTMENT_KINDS),
                *parent.departments,
            )
            department_ids = tuple(b.id for b in departments)
            office = next((b for b in own if b.kind is BodyKind.STREET_OFFICE), office)
        return _Context(
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

    def place(self, place_id: str) -> _PlaceTable:
        table = self.places.get(place_id)
        if table is not None:
            return table
        parent = self.shares.get(place_id)
        if parent is not None:
            table = self.places[place_id] = self.places.get(parent) or self.place(parent)
            return table
        place = self.structure.place(place_id)
        ctx = self.context(place)
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
                rest is not _NO_PART
                and rest.slots is not None
                and not any(node in rest.slots for node in micro.ids)
            ):
                return self.store(place_id, (micro.key, rest.key), micro, rest)
        by_level = {grid.level: grid.id for grid in chain}
        upper = self.upper_tiers(ctx, by_level)
        micro_id = by_level.get(GridLevel.MICRO)
        if micro_id is not None:
            upper = (self.micro_tier(micro_id), *upper)
        owners = tuple(a for grid in chain for a in self.owners_in(grid.id))
        whole = _numbered(
            (
                upper,
                self.whistle_tier(ctx.departments, community),
                self.street_tier(ctx.office),
                self.convener_of(community),
                owners,
            ),
            self.conveners,
            self.part_keys,
        )
        return self.store(place_id, (whole.key,), whole, None)

    def upper_tiers(self, ctx: _Context, by_level: Mapping[GridLevel, str]) -> tuple[_Tier, ...]:
        """The compound and community tiers of a place."""
        upper: list[_Tier] = []
        if ctx.compound is not None:
            upper.append(self.compound_tier(ctx.compound, by_level.get(GridLevel.COMPOUND)))
        if ctx.community is not None:
            upper.append(
                self.community_tier(ctx.community, by_level.get(GridLevel.COMMUNITY), ctx.compound)
            )
        return tuple(upper)

    def upper_part(self, ctx: _Context, upper_chain: tuple[Grid, ...]) -> _Part:
        """What a place under a micro-grid shares with the compound's other places.

        ``_NO_PART`` when the micro-grid is not the place's only one (a micro-grid
        inside a micro-grid): such a place is numbered whole.
        """
        by_level = {grid.level: grid.id for grid in upper_chain}
        if GridLevel.MICRO in by_level:
            return _NO_PART
        owners = tuple(a for grid in upper_chain for a in self.owners_in(grid.id))
        source = (
            self.upper_tiers(ctx, by_level),
            self.whistle_tier(ctx.departments, ctx.community),
            self.street_tier(ctx.office),
            self.convener_of(ctx.community),
            owners,
        )
        return _numbered(source, self.conveners, self.part_keys)

    def store(
        self, place_id: str, key: tuple[int, ...], first: _Part, second: _Part | None
    ) -> _PlaceTable:
        shape_key: Hashable = key if self.share else (place_id, key)
        shape = self.shapes.get(shape_key)
        if shape is None:
            parts = ((first, 0),) if second is None else ((first, 0), (second, len(first.ids)))
            shape = self.shapes[shape_key] = _Shape(self, parts)
        table = self.places[place_id] = _PlaceTable(shape, first, second)
        return table

    # -- routings ------------------------------------------------------------

    def entry(
        self,
        table: _PlaceTable,
        need: int,
        scope: Scope,
        receiver: str | None,
        day: dt.date,
        min_tier: Tier | None,
    ) -> _Entry:
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
            plan = shape.plans[key] = _plan(
                self,
                shape,
                need,
                scope,
                None if slot is None else _token(slot),
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
                filled = self.filled[shared] = _fill(plan, ids)
        else:
            filled = _fill(plan, ids)
        if receiver is not None:
            owner: str | None = receiver
        elif plan.owner is not None:
            owner = ids[plan.owner]
        else:
            owner = filled[1]
        return (*filled, owner)


def _fill(plan: _Plan, ids: tuple[str, ...]) -> _Filled:
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
    return (
        plan.number,
        None if plan.handler is None else ids[plan.handler],
        tuple([ids[n] for n in plan.co_handlers]) if plan.co_handlers else (),
        tuple([ids[n] for n in plan.summoned]) if plan.summoned else (),
        None if plan.convener is None else ids[plan.convener],
        reason,
        None if plan.forum is None else ids[plan.forum],
    )


_LAST: list[_Index] = []


def _index(structure: Structure, policy: Policy) -> _Index:
    if _LAST:
        last = _LAST[0]
        if last.structure is structure and last.policy is policy:
            return last
    index = _lookup_index(structure, policy)
    _LAST[:] = [index]
    return index


def _lookup_index(structure: Structure, policy: Policy, *, share: bool = True) -> _Index:
    # One index per (structure, policy) pair, kept on the structure: both are
    # immutable, so the tables never go stale. Keyed by the policy's identity
    # and holding it, so a freed policy's id cannot be mistaken for another's.
    cache: dict[int, tuple[Policy, _Index]] = structure.memo("routing", dict)
    entry = cache.get(id(policy))
    if entry is not None and entry[0] is policy:
        index: _Index = entry[1]
        return index
    index = _Index(structure, policy, share=share)
    cache[id(policy)] = (policy, index)
    return index


def required_domains(case: Case, *, policy: Policy = DEFAULT_POLICY) -> frozenset[Domain]:
    """The domains a case needs: its own ``domains``, else its category's default.

    Examples
    --------
    >>> import datetime as dt
    >>> from govmodel import Case, Category
    >>> case = Case(id="c", category=Category.NOISE, place="p", reported_at=dt.datetime(2025, 1, 1))
    >>> sorted(d.value for d in required_domains(case))
    ['neighbour_dispute']
    """
    if case.domains:
        return frozenset(case.domains)
    return policy.category_domains[case.category]


def presence(
    structure: Structure, place_id: str, *, at: dt.date, policy: Policy = DEFAULT_POLICY
) -> tuple[Presence, ...]:
    """Who is present at each tier of a place's ladder on day ``at``.

    Raises
    ------
    UnknownNodeError
        When ``place_id`` is not a place of the structure.

    Examples
    --------
    >>> import datetime as dt
    >>> from govmodel import examples
    >>> tiers = presence(examples.load("xinhe"), "building:wanda-1", at=dt.date(2025, 6, 1))
    >>> tiers[0].actors, sorted(d.value for d in tiers[0].domains)
    (('post:grid-wanda-a-worker',), ['neighbour_dispute', 'resident_affairs'])
    """
    index = _index(structure, policy)
    table = index.place(place_id)
    shape = table.shape
    absent = index.absent_on(table, at)
    ids = table.ids
    out: list[Presence] = []
    for tier in (*shape.grid_tiers, *((shape.whistle,) if shape.whistle else ()), shape.street):
        actors, mask = tier.actors_on(absent)
        out.append(
            Presence(
                tier=tier.tier,
                reach=tier.reach,
                actors=tuple(ids[a.slot] for a in actors),
                domains=frozenset(_domains_of(mask)),
                anchor=table.name(tier.anchor),
            )
        )
    return tuple(out)


def ladder(
    structure: Structure, place_id: str, *, policy: Policy = DEFAULT_POLICY
) -> tuple[Tier, ...]:
    """The escalation ladder of a place: its tiers, lowest first, ending at ``street``.

    Examples
    --------
    >>> from govmodel import examples
    >>> [t.value for t in ladder(examples.load("xinhe"), "building:wanda-2")]
    ['micro_grid', 'compound', 'community', 'whistle', 'street']
    >>> [t.value for t in ladder(examples.load("xinhe"), "community:xinhe")]
    ['community', 'whistle', 'street']
    """
    return _index(structure, policy).place(place_id).ladder


def route(structure: Structure, case: Case, *, policy: Policy = DEFAULT_POLICY) -> Routing:
    """Who handles a new case, at which tier, how, by when, and why.

    Total and deterministic on a valid structure: every case gets a routing,
    the same one every time.

    Raises
    ------
    UnknownNodeError
        When the case's place is not a place of the structure.

    Examples
    --------
    >>> import datetime as dt
    >>> from govmodel import Case, Category, Channel, Scope, examples
    >>> s = examples.load("xinhe")
    >>> walk_in = Case(id="c2", category=Category.INQUIRY, place="community:xinhe",
    ...                reported_at=dt.datetime(2025, 5, 6, 10), channel=Channel.WALK_IN,
    ...                receiver="rc:xinhe")
    >>> r = route(s, walk_in)
    >>> r.tier, r.procedure, r.handler
    (<Tier.COMMUNITY: 'community'>, <Procedure.ON_THE_SPOT: 'on_the_spot'>, 'rc:xinhe')
    >>> print(r.reason)  # doctest: +NORMALIZE_WHITESPACE
    community tier: rc:xinhe, the first contact, holds resident_affairs:
    handled on the spot (马上办)
    """
    index = _LAST[0] if _LAST else None
    if index is None or index.structure is not structure or index.policy is not policy:
        index = _index(structure, policy)
    table = index.places.get(case.place)
    if table is None:
        table = index.place(case.place)
    domains = case.domains
    need = index.mask_of(domains) if domains else index.needs[case.category]
    at = case.reported_at
    day = at.date()
    receiver = case.receiver
    # Cases alike in everything that matters route alike: the place keeps what
    # the first of them was routed to, and each case adds its due time. Most
    # cases have no receiver and come when the place's posts are settled: their
    # key is one int.
    key: object
    if receiver is None and day >= table.stable_from:
        key = need | _SCOPE_KEY[case.scope]
    else:
        if receiver is not None and receiver not in index.receivers:
            index.check_receiver(receiver)
        key = (need, _SCOPE_OF[case.scope], receiver, None if day >= table.stable_from else day)
    entry = table.get(key)
    if entry is None:
        scope = _SCOPE_OF[case.scope]
        entry = table[key] = index.entry(table, need, scope, receiver, day, None)
    number, handler, co_handlers, summoned, convener, reason, forum, owner = entry
    tier, procedure, tiers, covered, rule, limits = index.consts[number]
    return _new_routing(
        tier,
        procedure,
        handler,
        owner,
        at + limits[case.urgency],
        co_handlers,
        summoned,
        convener,
        tiers,
        reason,
        covered,
        forum,
        rule,
    )


def _reroute(
    index: _Index,
    case: Case,
    need: int,
    *,
    min_tier: Tier,
    at: dt.datetime,
    owner: str | None,
    note: str,
) -> Routing:
    """Route ``case`` again at ``at`` from ``min_tier`` up (for escalate)."""
    table = index.places.get(case.place)
    if table is None:
        table = index.place(case.place)
    receiver = case.receiver
    day = at.date()
    scope = _SCOPE_OF[case.scope]
    key = (need, scope, receiver, None if day >= table.stable_from else day, min_tier)
    entry = table.get(key)
    if entry is None:
        entry = table[key] = index.entry(table, need, scope, receiver, day, min_tier)
    number, handler, co_handlers, summoned, convener, reason, forum, _ = entry
    tier, procedure, tiers, covered, rule, limits = index.consts[number]
    return _new_routing(
        tier,
        procedure,
        handler,
        owner if owner is not None else handler,
        at + limits[case.urgency],
        co_handlers,
        summoned,
        convener,
        tiers,
        note + reason,
        covered,
        forum,
        rule,
    )


def _cover(actors: Sequence[_Actor], need: int) -> list[_Actor]:
    """Greedy cover: the actor holding most of what is still needed, first in order on ties."""
    chosen: list[_Actor] = []
    remaining = need
    while remaining:
        best: _Actor | None = None
        best_count = 0
        for actor in actors:
            count = (actor.mask & remaining).bit_count()
            if count > best_count:
                best, best_count = actor, count
        if best is None:
            break
        chosen.append(best)
        remaining &= ~best.mask
    return chosen


def _slot(symbol: str) -> int:
    return int(symbol[1:-1])


def _plan(
    index: _Index,
    shape: _Shape,
    need: int,
    scope: Scope,
    receiver: str | None,
    absent: int,
    min_tier: Tier | None,
) -> _Plan:
    """Route a kind of case on a shape's tables (ids are tokens there).

    ``receiver`` is the token of the case's first contact when it is one of the
    place's actors, ``absent`` the bit set of the vacant posts on the day.
    """
    domains = _domains_of(need)
    owner = next((n for n in shape.owners if not absent >> n & 1), None)

    def finish(
        tier: Tier,
        procedure: Procedure,
        handler: str | None,
        reason: str,
        *,
        co_handlers: tuple[str, ...] = (),
        summoned: tuple[str, ...] = (),
        convener: str | None = None,
        forum: str | None = None,
        rule: str | None = None,
    ) -> _Plan:
        pieces = reason.split("\x00")
        index.consts.append(
            (tier, procedure, shape.ladder, domains, rule, index.limits(tier, procedure))
        )
        return _Plan(
            len(index.consts) - 1,
            None if handler is None else _slot(handler),
            tuple(_slot(a) for a in co_handlers),
            tuple(_slot(a) for a in summoned),
            None if convener is None else _slot(convener),
            None if forum is None else _slot(forum),
            tuple(pieces[0::2]),
            tuple(int(n) for n in pieces[1::2]),
            owner,
            shape.split,
        )

    if scope is not Scope.BEYOND:
        for tier in shape.grid_tiers:
            if min_tier is not None and tier.tier < min_tier:
                continue
            if tier.reach < scope:
                continue
            actors, mask = tier.actors_on(absent)
            if need & ~mask:
                continue
            return _at_grid_tier(shape, tier, actors, need, receiver, finish)
        # Whistle: what is left over is held by departments.
        whistle = shape.whistle
        if whistle is not None and (min_tier is None or min_tier <= Tier.WHISTLE):
            community = shape.grid_tiers[-1] if shape.grid_tiers else None
            community_actors, community_mask = (
                community.actors_on(absent)
                if community and community.tier is Tier.COMMUNITY
                else ((), 0)
            )
            dept_actors, dept_mask = whistle.actors_on(absent)
            dept_need = need & ~community_mask
            if dept_need and not (need & ~(community_mask | dept_mask)):
                # The whistle summons the departments the matter needs: the
                # fewest that together hold it, the one holding most leading.
                summoned = _cover(dept_actors, dept_need)
                lead = summoned[0]
                helpers = _cover(community_actors, need & ~dept_mask)
                verb = "is" if dept_need.bit_count() == 1 else "are"
                reason = (
                    f"whistle: {_names(dept_need)} {verb} held only by departments; "
                    f"{shape.convener or 'the community'} blows the whistle and "
                    f"{', '.join(a.id for a in summoned)} "
                    f"{'reports' if len(summoned) == 1 else 'report'} (街乡吹哨、部门报到)"
                )
                return finish(
                    Tier.WHISTLE,
                    Procedure.WHISTLE,
                    lead.id,
                    reason,
                    co_handlers=tuple(a.id for a in helpers),
                    summoned=tuple(a.id for a in summoned),
                    convener=shape.convener,
                )
    handler = shape.street.anchor
    if scope is Scope.BEYOND:
        why = "the matter reaches beyond the community"
    elif min_tier is not None and min_tier > Tier.MICRO_GRID:
        why = f"no tier from {min_tier.value} up in the community settles {_names(need)}"
    else:
        why = f"no one in the community holds {_names(need)}"
    reason = f"street: {why}; {handler or 'the street'} answers as the last resort (属地兜底)"
    return finish(Tier.STREET, Procedure.TRANSFER, handler, reason, convener=shape.convener)


_LABEL = {Tier.MICRO_GRID: "micro-grid", Tier.COMPOUND: "compound", Tier.COMMUNITY: "community"}
_OWNERS_DECISION = _BIT[Domain.OWNERS_DECISION]
_NEIGHBOUR_DISPUTE = _BIT[Domain.NEIGHBOUR_DISPUTE]


def _at_grid_tier(
    shape: _Shape,
    tier: _Tier,
    actors: tuple[_Actor, ...],
    need: int,
    receiver_id: str | None,
    done: Callable[..., _Plan],
) -> _Plan:
    label = _LABEL[tier.tier]
    where = f"{label} {tier.anchor}" if tier.anchor else label
    deliberation = tier.deliberation
    if need & _OWNERS_DECISION and deliberation is not None:
        committee = deliberation.handler
        present = {a.id for a in actors}
        helpers = [h for h in deliberation.helpers if h in present]
        held = _mask_of(actors, committee) | _OWNERS_DECISION
        for helper in helpers:
            held |= _mask_of(actors, helper)
        others = [a for a in actors if a.id != committee and a.id not in helpers]
        helpers += [a.id for a in _cover(others, need & ~held)]
        if deliberation.rule == "civil_code_278":
            how = f"the owners decide under Civil Code art. 278, organised by {committee}"
        else:
            how = (
                f"the households are consulted through {deliberation.forum}, "
                f"organised by {committee} (no owners' committee)"
            )
        reason = f"{where}: owners_decision — {how} (调研—座谈—征询)"
        return done(
            tier.tier,
            Procedure.DELIBERATION,
            committee,
            reason,
            co_handlers=tuple(helpers),
            forum=deliberation.forum,
            convener=deliberation.convener,
            rule=deliberation.rule,
        )
    if tier.tier is Tier.COMMUNITY and need & _NEIGHBOUR_DISPUTE and tier.mediation_room:
        room = tier.mediation_room
        aides = _cover([a for a in actors if a.id != room], need & ~_mask_of(actors, room))
        reason = f"{where}: a neighbour dispute goes to the mediation room {room} (大事不出社区)"
        return done(
            tier.tier, Procedure.MEDIATION, room, reason, co_handlers=tuple(a.id for a in aides)
        )
    receiver = None
    if receiver_id is not None:
        receiver = next((a for a in actors if a.id == receiver_id), None)
    if receiver is not None and not need & ~receiver.mask:
        reason = (
            f"{label} tier: {receiver.id}, the first contact, holds {_names(need)}: "
            "handled on the spot (马上办)"
        )
        return done(tier.tier, Procedure.ON_THE_SPOT, receiver.id, reason)
    team = _cover(actors, need)
    handler, crew = team[0], team[1:]
    # A standing joint meeting in the team (难事联办) is the forum, and its
    # convener leads the joint handling (Lianhua: 深业花园党支部牵头).
    forum = next((a.id for a in team if a.id in shape.conveners), None)
    joint = {"forum": forum, "convener": shape.conveners[forum]} if forum else {}
    if tier.tier is Tier.MICRO_GRID:
        reason = (
            f"{where} reaches {tier.reach.value} scope and holds {_names(need)}: "
            "settled on the spot in the micro-grid (小事不出楼栋)"
        )
        procedure = Procedure.ON_THE_SPOT
    else:
        reason = (
            f"{where} is the lowest tier holding {_names(need)}: "
            f"transferred to {handler.id} (快速转)"
        )
        procedure = Procedure.TRANSFER
    if forum is not None:
        reason += f", jointly through {forum} (难事联办)"
    return done(
        tier.tier, procedure, handler.id, reason, co_handlers=tuple(a.id for a in crew), **joint
    )


def _mask_of(actors: Sequence[_Actor], actor_id: str) -> int:
    for actor in actors:
        if actor.id == actor_id:
            return actor.mask
    return 0

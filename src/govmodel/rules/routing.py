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

The tables behind it are built once per structure and policy and cached on
the structure, so routing a case costs a few dictionary look-ups.

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
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import attrs

from govmodel.cases import Case, Routing
from govmodel.errors import UnknownNodeError
from govmodel.model import (
    Body,
    BodyKind,
    Category,
    Domain,
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
_ALL_DOMAINS = frozenset(Domain)


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


@attrs.frozen
class _Actor:
    id: str
    mask: int
    # Appointment periods of the post's holders; () for bodies and meetings (always present).
    periods: tuple[tuple[dt.date, dt.date | None], ...] = ()
    is_post: bool = False

    def present(self, day: dt.date) -> bool:
        if not self.is_post:
            return True
        return any(start <= day and (end is None or day <= end) for start, end in self.periods)


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
    # From this day on every post of the tier is held without end: the mask
    # above is the tier's mask on any such day.
    stable_from: dt.date | None
    mediation_room: str | None = None
    deliberation: _Deliberation | None = None

    def actors_on(self, day: dt.date) -> tuple[tuple[_Actor, ...], int]:
        if self.stable_from is not None and day >= self.stable_from:
            return self.actors, self.mask
        present = tuple(a for a in self.actors if a.present(day))
        mask = 0
        for actor in present:
            mask |= actor.mask
        return present, mask


@attrs.frozen
class _PlaceTable:
    grid_tiers: tuple[_Tier, ...]
    whistle: _Tier | None
    street: _Tier
    convener: str | None
    owner_candidates: tuple[_Actor, ...]
    ladder: tuple[Tier, ...]
    # Places with the same tiers, convener and owners route alike: they share
    # this number, which keys the routing templates.
    signature: int
    # From this day on nothing in the table depends on the day (no post
    # appointment starts or ends later); None when some appointment ends.
    stable_from: dt.date | None


class _Index:
    """Routing tables of one structure under one policy, built lazily per place."""

    def __init__(self, structure: Structure, policy: Policy) -> None:
        self.structure = structure
        self.policy = policy
        self.places: dict[str, _PlaceTable] = {}
        self.grid_tiers: dict[str, _Tier] = {}
        self.compound_tiers: dict[tuple[str, str | None], _Tier] = {}
        self.community_tiers: dict[tuple[str, str | None], _Tier] = {}
        self.cumulatives: dict[tuple[int, ...], list[_Tier]] = {}
        self.signatures: dict[tuple[object, ...], int] = {}
        self.whistles: dict[tuple[str, ...], _Tier] = {}
        self.streets: dict[str | None, _Tier] = {}
        self.templates: dict[tuple[object, ...], Routing] = {}
        self.needs: dict[Category, int] = {
            category: _mask(domains) for category, domains in policy.category_domains.items()
        }
        self.posts_in: dict[str, tuple[Post, ...]] = {}
        self.body_masks: dict[str, int] = {}
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
        periods = tuple((a.start, a.end) for a in self.structure.appointments_of(post.id))
        mask = _mask(self.policy.role_domains.get(post.role, ()))
        return _Actor(post.id, mask, periods, is_post=True)

    def posts_of(self, owner: str) -> tuple[Post, ...]:
        posts = self.posts_in.get(owner)
        if posts is None:
            posts = self.structure.posts_in(owner)
            self.posts_in[owner] = posts
        return posts

    def make_tier(
        self,
        tier: Tier,
        reach: Scope,
        anchor: str | None,
        actors: Sequence[_Actor],
        *,
        mediation_room: str | None = None,
        deliberation: _Deliberation | None = None,
    ) -> _Tier:
        unique: dict[str, _Actor] = {}
        for actor in actors:
            unique.setdefault(actor.id, actor)
        chosen = tuple(unique.values())
        mask = 0
        stable: dt.date | None = dt.date.min
        for actor in chosen:
            mask |= actor.mask
            if actor.is_post:
                open_ended = [start for start, end in actor.periods if end is None]
                if not open_ended or any(end is not None for _, end in actor.periods):
                    stable = None
                elif stable is not None:
                    stable = max(stable, min(open_ended))
        return _Tier(tier, reach, anchor, chosen, mask, stable, mediation_room, deliberation)

    # -- tiers ---------------------------------------------------------------

    def micro_tier(self, grid_id: str) -> _Tier:
        cached = self.grid_tiers.get(grid_id)
        if cached is None:
            grid = self.structure.grid(grid_id)
            kinds = {self.structure.place(p).kind for p in grid.covers}
            reach = Scope.COMPOUND if PlaceKind.COMPOUND in kinds else Scope.BUILDING
            actors = [self.post_actor(p) for p in self.posts_of(grid_id)]
            cached = self.make_tier(Tier.MICRO_GRID, reach, grid_id, actors)
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
        bodies = (*s.serving(compound.id), *s.answering_for(compound.id))
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
        tier = self.make_tier(
            Tier.COMPOUND, Scope.COMPOUND, compound.id, actors, deliberation=deliberation
        )
        self.compound_tiers[key] = tier
        return tier

    def cumulative(self, tiers: list[_Tier]) -> list[_Tier]:
        """Each tier with the actors of the tiers below it (难事联办).

        A higher tier convenes everyone beneath it: the community can call on
        a compound's property company. Its own actors come first, so they are
        preferred as handlers.
        """
        key = tuple(id(t) for t in tiers)
        cached = self.cumulatives.get(key)
        if cached is not None:
            return cached
        out: list[_Tier] = []
        below: list[_Actor] = []
        deliberation = None
        for tier in tiers:
            deliberation = tier.deliberation or deliberation
            out.append(
                self.make_tier(
                    tier.tier,
                    tier.reach,
                    tier.anchor,
                    [*tier.actors, *below],
                    mediation_room=tier.mediation_room,
                    deliberation=deliberation,
                )
            )
            below = [*tier.actors, *below]
        self.cumulatives[key] = out
        return out

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
        for body in s.answering_for(community.id):
            actors.append(_Actor(body.id, self.body_mask(body)))
            if body.kind is BodyKind.MEDIATION_ROOM and room is None:
                room = body.id
            # Posts inside community bodies (mediators, legal advisers) are present too.
            actors += [self.post_actor(p) for p in self.posts_of(body.id)]
        deliberation = None
        consulting: Meeting | None = None
        if compound is not None:
            bodies = (*s.serving(compound.id), *s.answering_for(compound.id))
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
        tier = self.make_tier(
            Tier.COMMUNITY,
            Scope.COMMUNITY,
            community.id,
            actors,
            mediation_room=room,
            deliberation=deliberation,
        )
        self.community_tiers[key] = tier
        return tier

    def whistle_tier(
        self, place: Place, lineage: tuple[Place, ...], community: Place | None
    ) -> _Tier | None:
        # Departments answer for the place through their jurisdiction; the
        # nearest place of the lineage with departments decides.
        s = self.structure
        actors: list[_Actor] = []
        seen: set[str] = set()
        for candidate in (place, *lineage):
            for body in s.answering_for(candidate.id):
                if (
                    body.kind in (BodyKind.DEPARTMENT, BodyKind.PARTNER_UNIT)
                    and body.id not in seen
                ):
                    seen.add(body.id)
                    actors.append(_Actor(body.id, self.body_mask(body)))
        if community is not None:
            # Partner units paired with the community's bodies answer for it too.
            for body in s.answering_for(community.id):
                for partner_id in self.partners.get(body.id, ()):
                    # A paired party branch brings the unit it is embedded in
                    # (Zhuanqiao's pairing with the telecom company's branch).
                    for unit_id in (partner_id, *self.embedded_in.get(partner_id, ())):
                        unit = s.body(unit_id)
                        if unit.kind is BodyKind.PARTNER_UNIT and unit.id not in seen:
                            seen.add(unit.id)
                            actors.append(_Actor(unit.id, self.body_mask(unit)))
        if not actors:
            return None
        # Places under the same departments share one whistle tier object, so
        # they share routing templates too.
        key = tuple(a.id for a in actors)
        tier = self.whistles.get(key)
        if tier is None:
            tier = self.whistles[key] = self.make_tier(Tier.WHISTLE, Scope.COMMUNITY, None, actors)
        return tier

    def street_tier(self, place: Place, lineage: tuple[Place, ...]) -> _Tier:
        s = self.structure
        office: Body | None = None
        for candidate in (place, *lineage):
            office = next(
                (b for b in s.answering_for(candidate.id) if b.kind is BodyKind.STREET_OFFICE), None
            )
            if office is not None:
                break
        key = office.id if office is not None else None
        tier = self.streets.get(key)
        if tier is None:
            actors = [_Actor(office.id, _mask(_ALL_DOMAINS))] if office is not None else []
            tier = self.streets[key] = self.make_tier(Tier.STREET, Scope.BEYOND, key, actors)
        return tier

    def place(self, place_id: str) -> _PlaceTable:
        table = self.places.get(place_id)
        if table is not None:
            return table
        s = self.structure
        place = s.place(place_id)
        if (
            place.kind is PlaceKind.UNIT
            and place.parent is not None
            and not s.answering_for(place_id)
            and place_id not in s.memo("covered places", lambda: _covered(s))
        ):
            # A unit is handled as its building is, unless something answers for it alone.
            table = self.place(place.parent)
            self.places[place_id] = table
            return table
        lineage = s.ancestors(place_id)
        chain = s.grid_chain(place_id)
        by_level = {grid.level: grid.id for grid in chain}
        community = next((p for p in (place, *lineage) if p.kind is PlaceKind.COMMUNITY), None)
        compound = next((p for p in (place, *lineage) if p.kind is PlaceKind.COMPOUND), None)
        tiers: list[_Tier] = []
        if GridLevel.MICRO in by_level:
            tiers.append(self.micro_tier(by_level[GridLevel.MICRO]))
        if compound is not None:
            tiers.append(self.compound_tier(compound, by_level.get(GridLevel.COMPOUND)))
        if community is not None:
            tiers.append(
                self.community_tier(community, by_level.get(GridLevel.COMMUNITY), compound)
            )
        tiers = self.cumulative(tiers)
        whistle = self.whistle_tier(place, lineage, community)
        street = self.street_tier(place, lineage)
        convener = None
        if community is not None:
            party = [
                b
                for b in s.answering_for(community.id)
                if b.kind in (BodyKind.PARTY_COMMITTEE, BodyKind.PARTY_BRANCH)
            ]
            party.sort(key=lambda b: b.kind is not BodyKind.PARTY_COMMITTEE)
            convener = party[0].id if party else None
        owners: list[_Actor] = []
        for grid in chain:
            posts = sorted(
                (p for p in self.posts_of(grid.id) if p.role in _OWNER_ROLES),
                key=lambda p: _OWNER_ROLES.index(p.role),
            )
            owners += [self.post_actor(p) for p in posts]
        ladder_tiers = (
            tuple(t.tier for t in tiers) + ((Tier.WHISTLE,) if whistle else ()) + (Tier.STREET,)
        )
        all_tiers = [*tiers, *((whistle,) if whistle else ()), street]
        parts: list[object] = [id(t) for t in all_tiers]
        parts += [convener, *(a.id for a in owners)]
        signature = self.signatures.setdefault(tuple(parts), len(self.signatures))
        stable: dt.date | None = dt.date.min
        for tier in all_tiers:
            if tier.stable_from is None or stable is None:
                stable = None
            else:
                stable = max(stable, tier.stable_from)
        for actor in owners:
            if stable is not None:
                stable = _stable_from(actor, stable)
        table = _PlaceTable(
            tuple(tiers), whistle, street, convener, tuple(owners), ladder_tiers, signature, stable
        )
        self.places[place_id] = table
        return table


def _covered(structure: Structure) -> frozenset[str]:
    return frozenset(p for grid in structure.grids() for p in grid.covers)


def _stable_from(actor: _Actor, since: dt.date) -> dt.date | None:
    if not actor.is_post:
        return since
    if any(end is not None for _, end in actor.periods) or not actor.periods:
        return None
    return max(since, min(start for start, _ in actor.periods))


_LAST: list[_Index] = []


def _index(structure: Structure, policy: Policy) -> _Index:
    if _LAST:
        last = _LAST[0]
        if last.structure is structure and last.policy is policy:
            return last
    index = _lookup_index(structure, policy)
    _LAST[:] = [index]
    return index


def _lookup_index(structure: Structure, policy: Policy) -> _Index:
    # One index per (structure, policy) pair, kept on the structure: both are
    # immutable, so the tables never go stale. Keyed by the policy's identity
    # and holding it, so a freed policy's id cannot be mistaken for another's.
    cache: dict[int, tuple[Policy, _Index]] = structure.memo("routing", dict)
    entry = cache.get(id(policy))
    if entry is not None and entry[0] is policy:
        index: _Index = entry[1]
        return index
    index = _Index(structure, policy)
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
    table = _index(structure, policy).place(place_id)
    out: list[Presence] = []
    for tier in (*table.grid_tiers, *((table.whistle,) if table.whistle else ()), table.street):
        actors, mask = tier.actors_on(at)
        out.append(
            Presence(
                tier=tier.tier,
                reach=tier.reach,
                actors=tuple(a.id for a in actors),
                domains=frozenset(_domains_of(mask)),
                anchor=tier.anchor,
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
    index = _index(structure, policy)
    table = index.places.get(case.place) or index.place(case.place)
    if case.receiver is not None and not isinstance(
        structure.node(case.receiver), Body | Post | Person
    ):
        raise UnknownNodeError(case.receiver, "the posts, bodies and people of the structure")
    need = _mask(case.domains) if case.domains else index.needs[case.category]
    at = case.reported_at
    day = at.date()
    stable = table.stable_from
    # Cases alike in everything that matters route alike: reuse the routing
    # worked out for the first of them, with this case's due time.
    key = (
        table.signature,
        need,
        case.scope,
        case.receiver,
        None if stable is not None and day >= stable else day,
    )
    r = index.templates.get(key)
    if r is None:
        required = frozenset(_domains_of(need))
        owner = _owner(table, case)
        first = _route(index, table, case, required, min_tier=None, at=at, owner=owner)
        index.templates[key] = first
        return first
    limit = policy.time_limits[r.tier][case.urgency]
    if r.procedure is Procedure.DELIBERATION and limit < policy.deliberation_limit:
        limit = policy.deliberation_limit
    return Routing(
        tier=r.tier,
        procedure=r.procedure,
        handler=r.handler,
        owner=r.owner,
        due=at + limit,
        co_handlers=r.co_handlers,
        summoned=r.summoned,
        convener=r.convener,
        ladder=r.ladder,
        reason=r.reason,
        domains=r.domains,
        forum=r.forum,
        rule=r.rule,
    )


def _owner(table: _PlaceTable, case: Case) -> str | None:
    if case.receiver is not None:
        return case.receiver
    day = case.reported_at.date()
    for actor in table.owner_candidates:
        if actor.present(day):
            return actor.id
    return None


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


def _names(mask: int) -> str:
    return ", ".join(d.value for d in _domains_of(mask))


def _route(
    index: _Index,
    table: _PlaceTable,
    case: Case,
    required: frozenset[Domain],
    *,
    min_tier: Tier | None,
    at: dt.datetime,
    owner: str | None,
    note: str = "",
) -> Routing:
    policy = index.policy
    need = _mask(required)
    day = at.date()
    domains = _domains_of(need)
    common: dict[str, Any] = {"ladder": table.ladder, "domains": domains}

    def finish(
        tier: Tier, procedure: Procedure, handler: str | None, reason: str, **extra: Any
    ) -> Routing:
        return Routing(
            tier=tier,
            procedure=procedure,
            handler=handler,
            owner=owner if owner is not None else handler,
            due=(
                at + max(policy.deliberation_limit, policy.time_limits[tier][case.urgency])
                if procedure is Procedure.DELIBERATION
                else policy.due(tier, case.urgency, at)
            ),
            reason=note + reason,
            **common,
            **extra,
        )

    if case.scope is not Scope.BEYOND:
        for tier in table.grid_tiers:
            if min_tier is not None and tier.tier < min_tier:
                continue
            if tier.reach < case.scope:
                continue
            actors, mask = tier.actors_on(day)
            if need & ~mask:
                continue
            return _at_grid_tier(index, tier, actors, need, case, finish)
        # Whistle: what is left over is held by departments.
        whistle = table.whistle
        if whistle is not None and (min_tier is None or min_tier <= Tier.WHISTLE):
            community = table.grid_tiers[-1] if table.grid_tiers else None
            community_actors, community_mask = (
                community.actors_on(day)
                if community and community.tier is Tier.COMMUNITY
                else ((), 0)
            )
            dept_actors, dept_mask = whistle.actors_on(day)
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
                    f"{table.convener or 'the community'} blows the whistle and "
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
                    convener=table.convener,
                )
    street = table.street
    handler = street.anchor
    if case.scope is Scope.BEYOND:
        why = "the matter reaches beyond the community"
    elif min_tier is not None and min_tier > Tier.MICRO_GRID:
        why = f"no tier from {min_tier.value} up in the community settles {_names(need)}"
    else:
        why = f"no one in the community holds {_names(need)}"
    reason = f"street: {why}; {handler or 'the street'} answers as the last resort (属地兜底)"
    return finish(Tier.STREET, Procedure.TRANSFER, handler, reason, convener=table.convener)


_LABEL = {Tier.MICRO_GRID: "micro-grid", Tier.COMPOUND: "compound", Tier.COMMUNITY: "community"}
_OWNERS_DECISION = _BIT[Domain.OWNERS_DECISION]
_NEIGHBOUR_DISPUTE = _BIT[Domain.NEIGHBOUR_DISPUTE]


def _at_grid_tier(
    index: _Index,
    tier: _Tier,
    actors: tuple[_Actor, ...],
    need: int,
    case: Case,
    done: Callable[..., Routing],
) -> Routing:
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
    if case.receiver is not None:
        receiver = next((a for a in actors if a.id == case.receiver), None)
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
    forum = next((a.id for a in team if a.id in index.conveners), None)
    joint = {"forum": forum, "convener": index.conveners[forum]} if forum else {}
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

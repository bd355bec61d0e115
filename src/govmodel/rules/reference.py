"""The routing and escalation rules, written to be read: the specification in code.

:func:`route` and :func:`escalate` here give exactly what :func:`govmodel.route`
and :func:`govmodel.escalate` give, the same ``Routing`` field for field, reason
included, on every structure, case and policy. They are the rules of
``docs/routing.md`` in the order that page states them, each step commented with
the rule it implements, computed from the structure's public queries
(``place``, ``ancestors``, ``enclosing``, ``grid_chain``, ``posts_in``,
``holders``, ``serving``, ``answering_for``, ``meetings_for``, ``meetings``,
``ties_of``) on every call: no caches, no bit sets, no shared plans.

``govmodel.route`` and ``govmodel.escalate`` are an optimisation of this module.
They build tables once per structure and policy, share them between places of
one shape and keep what each kind of case was routed to; none of that may
change an answer, and ``tests/test_reference.py`` proves the two equal over
generated structures, the bundled examples and synthetic towns. When the two
disagree, this module says what the rules are. It is slow: use it to read, to
test and to check, not to route many cases.

:func:`presence` is step 1 of routing on its own: who is present at each tier
of a place's ladder on a day, as :func:`govmodel.presence` gives it.

Read :func:`route` first. It follows the seven steps of "How ``route``
decides": ``_ladder`` is step 1 (the tiers of the place, who is present at
each, with the helpers above it building one tier each), ``_decide`` steps 2
to 4 (which tier), ``_at_grid_tier`` and ``_at_whistle_tier`` steps 5 and 6
(which procedure, which handler and helpers), ``_at_street`` step 4's last
resort, and ``_routing`` step 7 (owner and due time). :func:`escalate` checks
its four triggers in order and hands the case back to ``_decide`` from the
tier to start at.

Examples
--------
A fire lane blocked at 万达华府 in Xinhe needs ``fire_safety``, which only the
fire department holds, so the party committee blows the whistle:

>>> import datetime as dt
>>> from govmodel import Case, Category, Scope, examples
>>> from govmodel.rules import reference
>>> xinhe = examples.load("xinhe")
>>> lane = Case(id="case:lane", category=Category.FIRE_LANE, place="compound:wanda",
...             reported_at=dt.datetime(2025, 5, 6, 9), scope=Scope.COMPOUND)
>>> r = reference.route(xinhe, lane)
>>> r.tier.value, r.procedure.value, r.handler, r.summoned, r.convener
('whistle', 'whistle', 'dept:fire', ('dept:fire',), 'party:xinhe')
>>> import govmodel
>>> r == govmodel.route(xinhe, lane)
True
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from typing import TypeVar

import attrs

from govmodel.cases import Case, CaseState, Routing
from govmodel.errors import UnknownNodeError
from govmodel.model import (
    Body,
    BodyKind,
    Domain,
    Grid,
    GridLevel,
    Meeting,
    Person,
    Place,
    PlaceKind,
    Post,
    Procedure,
    Scope,
    Status,
    TieKind,
    Tier,
    Urgency,
)
from govmodel.rules.policy import DEFAULT_POLICY, Policy
from govmodel.rules.precedence import ROLE_ORDER, precedence
from govmodel.rules.routing import Presence
from govmodel.structure import Structure

__all__ = ["escalate", "presence", "route"]

_Node = TypeVar("_Node", Post, Body, Meeting, Grid)

# The grid posts that may own a case without a first contact, in order of preference:
# the first five of the order of precedence.
_OWNER_ROLES = ROLE_ORDER[:5]
_DEPARTMENT_KINDS = (BodyKind.DEPARTMENT, BodyKind.PARTNER_UNIT)
_PARTY_KINDS = (BodyKind.PARTY_COMMITTEE, BodyKind.PARTY_BRANCH)
_LABEL = {Tier.MICRO_GRID: "micro-grid", Tier.COMPOUND: "compound", Tier.COMMUNITY: "community"}
_NO_FORUM_HELPERS = (BodyKind.SELF_MANAGEMENT_COMMITTEE, BodyKind.PROPERTY_COMPANY)
_CIVIL_CODE_278 = "civil_code_278"
_CONSULTATION = "consultation"
_NOTHING: frozenset[Domain] = frozenset()


# -- who is present, and what they hold ---------------------------------------------------


@attrs.frozen
class _Actor:
    """A post, body or standing meeting at a tier, and the domains it holds there."""

    id: str
    domains: frozenset[Domain]
    convener: str | None = None  # a standing meeting's convener; None for posts and bodies


@attrs.frozen
class _Deliberation:
    """How the owners decide at a tier: who organises it, under which rule, where."""

    handler: str
    rule: str
    forum: str | None
    convener: str | None
    helpers: tuple[str, ...]  # the compound's other bodies that take part


@attrs.frozen
class _Tier:
    """One tier of a place's ladder on one day."""

    tier: Tier
    reach: Scope
    anchor: str | None  # the micro-grid, compound or community; the street office
    actors: tuple[_Actor, ...]  # present, each once, in order of preference
    mediation_room: str | None = None
    deliberation: _Deliberation | None = None

    @property
    def domains(self) -> frozenset[Domain]:
        return frozenset().union(*(actor.domains for actor in self.actors))


@attrs.frozen
class _Ladder:
    """Everything about a place on a day that routing reads."""

    grid_tiers: tuple[_Tier, ...]  # micro_grid, compound, community: those the place has
    whistle: _Tier | None
    street: _Tier
    convener: str | None  # the party organisation that answers for the community
    grid_owner: str | None  # who owns a case that has no first contact
    local_bodies: tuple[str, ...] = ()  # the compound's own bodies and the community's
    company: str | None = None  # the compound's property company
    fallback_supervisor: str | None = None  # who supervises it without a supervises tie

    @property
    def tiers(self) -> tuple[Tier, ...]:
        whistle = (Tier.WHISTLE,) if self.whistle is not None else ()
        return (*(t.tier for t in self.grid_tiers), *whistle, Tier.STREET)


def _ordered(nodes: Iterable[_Node]) -> list[_Node]:
    """Posts, bodies or meetings in the order of precedence (rank, then id), each once.

    Never in the order of the spec's lists: a shuffled spec routes alike.
    """
    unique = {node.id: node for node in nodes}
    return sorted(unique.values(), key=precedence)


def _is_held(structure: Structure, post: Post, day: dt.date) -> bool:
    """A post is present only on the days someone holds it."""
    return bool(structure.holders(post.id, at=day))


def _post_actors(
    structure: Structure, owners: Iterable[str], day: dt.date, policy: Policy
) -> list[_Actor]:
    """The posts of some grids or bodies held on the day, with their role's domains."""
    posts = _ordered(post for owner in owners for post in structure.posts_in(owner))
    return [
        _Actor(post.id, policy.role_domains.get(post.role, _NOTHING))
        for post in posts
        if _is_held(structure, post, day)
    ]


def _body_actor(body: Body, policy: Policy, *, also: frozenset[Domain] = _NOTHING) -> _Actor:
    """A body holds the domains its record declares, else those of its kind.

    ``also``: what it holds where it stands in for someone missing.
    """
    if body.domains is not None:
        return _Actor(body.id, frozenset(body.domains) | also)
    return _Actor(body.id, policy.body_domains.get(body.kind, _NOTHING) | also)


def _meeting_actor(meeting: Meeting, policy: Policy, *, consults: bool = False) -> _Actor:
    """A standing meeting: it settles common affairs.

    The forum of a consultation also stands for the households' decision.
    """
    domains = policy.meeting_domains | ({Domain.OWNERS_DECISION} if consults else set())
    return _Actor(meeting.id, frozenset(domains), meeting.convener)


def _each_once(actors: Iterable[_Actor]) -> tuple[_Actor, ...]:
    """The actors, each id at its first mention."""
    seen: dict[str, _Actor] = {}
    for actor in actors:
        seen.setdefault(actor.id, actor)
    return tuple(seen.values())


def _own_bodies(structure: Structure, compound: Place) -> list[Body]:
    """The bodies of a compound: those serving it by contract or answering for it."""
    return _ordered((*structure.serving(compound.id), *structure.answering_for(compound.id)))


def _first_of_kind(bodies: Iterable[Body], kind: BodyKind) -> Body | None:
    """The first body of ``kind`` in the order of precedence."""
    return next((b for b in _ordered(bodies) if b.kind is kind), None)


def _meetings_with(structure: Structure, body_id: str) -> list[Meeting]:
    """The standing meetings a body convenes or sits in, by id."""
    return _ordered(
        meeting
        for meeting in structure.meetings()
        if body_id == meeting.convener or body_id in meeting.members
    )


def _leader_of(structure: Structure, body_id: str) -> str | None:
    """The organisation that leads the body or is embedded in it (the first in precedence)."""
    leaders = [
        structure.body(tie.source)
        for tie in structure.ties_of(body_id)
        if tie.kind in (TieKind.LEADS, TieKind.EMBEDDED_IN) and tie.target == body_id
    ]
    return _ordered(leaders)[0].id if leaders else None


def _supervisors_of(structure: Structure, body_id: str) -> list[str]:
    """The bodies that a ``supervises`` tie names over ``body_id``, in precedence."""
    return [
        body.id
        for body in _ordered(
            structure.body(tie.source)
            for tie in structure.ties_of(body_id, kind=TieKind.SUPERVISES)
            if tie.target == body_id
        )
    ]


def _consultation_forum(
    structure: Structure, compound: Place, own: Sequence[Body], *, at_compound: bool
) -> Meeting | None:
    """The standing meeting that consults a compound's households (征询).

    The first (by id) that the first of the compound's own bodies sitting in one sits in,
    held for the compound itself (compound tier) or for a wider area (community tier).
    """
    for body in own:
        for meeting in _meetings_with(structure, body.id):
            if (meeting.place == compound.id) is at_compound:
                return meeting
    return None


def _consultation(forum: Meeting, smc: Body | None, own: Sequence[Body]) -> _Deliberation:
    """A consultation through ``forum``, and who organises it.

    The self-management committee organises it where there is one, otherwise whoever
    convenes the forum. The compound's bodies in the forum help.
    """
    handler = smc.id if smc is not None else forum.convener
    helpers = tuple(b.id for b in own if b.id in forum.members and b.id != handler)
    return _Deliberation(handler, _CONSULTATION, forum.id, forum.convener, helpers)


def _has_company(bodies: Iterable[Body]) -> bool:
    return any(b.kind is BodyKind.PROPERTY_COMPANY for b in bodies)


def _micro_grids_of(structure: Structure, compound: Place) -> list[Grid]:
    """The micro-grids covering the compound or places inside it."""
    grids: list[Grid] = []
    places = [compound]
    while places:
        place = places.pop()
        places.extend(structure.children(place.id))
        grids += [
            grid
            for grid in structure.grid_chain(place.id)
            if grid.level is GridLevel.MICRO and place.id in grid.covers
        ]
    return _ordered(grids)


def _micro_grid_tier(structure: Structure, grid: Grid, day: dt.date, policy: Policy) -> _Tier:
    """The posts of the micro-grid; it reaches a compound when it covers a whole one."""
    covers_compound = any(structure.place(p).kind is PlaceKind.COMPOUND for p in grid.covers)
    reach = Scope.COMPOUND if covers_compound else Scope.BUILDING
    actors = _post_actors(structure, [grid.id], day, policy)
    return _Tier(Tier.MICRO_GRID, reach, grid.id, _each_once(actors))


def _compound_tier(
    structure: Structure, compound: Place, grid: Grid | None, day: dt.date, policy: Policy
) -> _Tier:
    """The compound tier: the same actors for the compound and every place inside it.

    In order: the compound grid's posts; the compound's bodies; its standing meetings; the
    posts of every micro-grid of the compound.
    """
    actors = _post_actors(structure, [grid.id], day, policy) if grid is not None else []
    bodies = _own_bodies(structure, compound)
    # A compound no property company serves: its self-management committee organises the
    # repairs (Zhuanqiao: the 自管会, with the street's subsidised company or paid repairs).
    stands_in = frozenset() if _has_company(bodies) else frozenset({Domain.PROPERTY_SERVICE})
    for body in bodies:
        also = stands_in if body.kind is BodyKind.SELF_MANAGEMENT_COMMITTEE else _NOTHING
        actors.append(_body_actor(body, policy, also=also))
    meetings = _ordered(structure.meetings_for(compound.id))
    deliberation: _Deliberation | None = None
    owners_committee = _first_of_kind(bodies, BodyKind.OWNERS_COMMITTEE)
    if owners_committee is not None:
        # Where there is an owners' committee the owners decide under Civil Code art. 278,
        # organised by the committee. The compound's first meeting is the forum, its
        # convener convenes and the compound's bodies in it help; without a meeting, the
        # party organisation leading the committee convenes and the property companies help.
        forum = meetings[0] if meetings else None
        convener: str | None
        if forum is not None:
            convener = forum.convener
            helpers = [b.id for b in bodies if b.id in forum.members]
        else:
            convener = _leader_of(structure, owners_committee.id)
            helpers = [b.id for b in bodies if b.kind is BodyKind.PROPERTY_COMPANY]
        deliberation = _Deliberation(
            owners_committee.id,
            _CIVIL_CODE_278,
            forum.id if forum is not None else None,
            convener,
            tuple(h for h in helpers if h != owners_committee.id),
        )
    else:
        # Without one, the households are consulted through a meeting held for the compound
        # that its own bodies sit in, which keeps the decision at compound tier.
        forum = _consultation_forum(structure, compound, bodies, at_compound=True)
        if forum is not None:
            smc = _first_of_kind(bodies, BodyKind.SELF_MANAGEMENT_COMMITTEE)
            deliberation = _consultation(forum, smc, bodies)
            actors.append(_meeting_actor(forum, policy, consults=True))
    actors += [_meeting_actor(m, policy) for m in meetings]
    # The micro-grids' posts stand with the compound whichever of its places the case names.
    micro = [g.id for g in _micro_grids_of(structure, compound)]
    actors += _post_actors(structure, micro, day, policy)
    return _Tier(
        Tier.COMPOUND, Scope.COMPOUND, compound.id, _each_once(actors), deliberation=deliberation
    )


def _community_tier(
    structure: Structure,
    community: Place,
    grid: Grid | None,
    compound: Place | None,
    day: dt.date,
    policy: Policy,
) -> _Tier:
    """The community tier's own actors.

    In order: the community grid's posts; the bodies answering for the community; the
    posts inside those bodies; the standing meetings of the community.
    """
    actors = _post_actors(structure, [grid.id], day, policy) if grid is not None else []
    bodies = _ordered(structure.answering_for(community.id))
    rc = _first_of_kind(bodies, BodyKind.RESIDENTS_COMMITTEE)
    room = _first_of_kind(bodies, BodyKind.MEDIATION_ROOM)
    rc_also: set[Domain] = set()
    deliberation: _Deliberation | None = None
    consulting: Meeting | None = None
    if compound is not None:
        own = _own_bodies(structure, compound)
        # 社区兜底: where no property company serves the compound and no self-management
        # committee organises its repairs, the residents' committee stands in.
        if (
            not _has_company(own)
            and _first_of_kind(own, BodyKind.SELF_MANAGEMENT_COMMITTEE) is None
        ):
            rc_also.add(Domain.PROPERTY_SERVICE)
        if _first_of_kind(own, BodyKind.OWNERS_COMMITTEE) is None:
            # A compound without an owners' committee may be consulted through a meeting of
            # the wider area that its own bodies sit in: the decision goes up to the community.
            consulting = _consultation_forum(structure, compound, own, at_compound=False)
            smc = _first_of_kind(own, BodyKind.SELF_MANAGEMENT_COMMITTEE)
            if consulting is not None:
                deliberation = _consultation(consulting, smc, own)
            elif rc is not None and (
                _consultation_forum(structure, compound, own, at_compound=True) is None
            ):
                # No forum at all: the residents' committee organises the owners' decision,
                # under art. 278 where the compound has titles, by consultation where not
                # (Civil Code art. 277: the residents' committee guides and assists).
                rule = _CIVIL_CODE_278 if compound.title else _CONSULTATION
                # The compound's self-management committee and property company help.
                helpers = tuple(b.id for b in own if b.kind in _NO_FORUM_HELPERS)
                convener = _party_convener(structure, community)
                deliberation = _Deliberation(rc.id, rule, None, convener, helpers)
                rc_also.add(Domain.OWNERS_DECISION)
    for body in bodies:
        also = frozenset(rc_also) if rc is not None and body.id == rc.id else _NOTHING
        actors.append(_body_actor(body, policy, also=also))
    # Mediators and legal advisers are present with their body.
    actors += _post_actors(structure, [b.id for b in bodies], day, policy)
    if consulting is not None:
        actors.append(_meeting_actor(consulting, policy, consults=True))
    actors += [_meeting_actor(m, policy) for m in _ordered(structure.meetings_for(community.id))]
    return _Tier(
        Tier.COMMUNITY,
        Scope.COMMUNITY,
        community.id,
        _each_once(actors),
        mediation_room=room.id if room is not None else None,
        deliberation=deliberation,
    )


def _with_those_below(tiers: Sequence[_Tier]) -> tuple[_Tier, ...]:
    """Each grid tier with the actors of the tiers below it, its own first (难事联办).

    A tier without a deliberation of its own takes the one below: a compound's owners
    decide at the community tier as they do at the compound's.
    """
    out: list[_Tier] = []
    below: list[_Actor] = []
    deliberation: _Deliberation | None = None
    for tier in tiers:
        deliberation = tier.deliberation or deliberation
        actors = _each_once([*tier.actors, *below])
        out.append(attrs.evolve(tier, actors=actors, deliberation=deliberation))
        below = [*tier.actors, *below]
    return tuple(out)


def _partners_of(structure: Structure, body_id: str) -> Iterator[str]:
    """The bodies joined to ``body_id`` by a ``partners`` or ``paired`` tie, either way."""
    for tie in structure.ties_of(body_id):
        if tie.kind in (TieKind.PARTNERS, TieKind.PAIRED):
            if tie.source == body_id:
                yield tie.target
            if tie.target == body_id:
                yield tie.source


def _embedding_units(structure: Structure, body_id: str) -> Iterator[str]:
    """The bodies a party branch is embedded in (``embedded_in`` ties)."""
    for tie in structure.ties_of(body_id, kind=TieKind.EMBEDDED_IN):
        if tie.source == body_id:
            yield tie.target


def _whistle_tier(
    structure: Structure, lineage: Sequence[Place], community: Place | None, policy: Policy
) -> _Tier | None:
    """The departments and partner units that answer for the place, or ``None``.

    Those whose jurisdiction holds the place or a place containing it, and partner units
    tied to a body answering for the community, directly or through a party branch
    embedded in them; in the order of precedence.
    """
    units = [
        body
        for place in lineage
        for body in structure.answering_for(place.id)
        if body.kind in _DEPARTMENT_KINDS
    ]
    if community is not None:
        for body in structure.answering_for(community.id):
            for partner_id in _partners_of(structure, body.id):
                for unit_id in (partner_id, *_embedding_units(structure, partner_id)):
                    unit = structure.body(unit_id)
                    if unit.kind is BodyKind.PARTNER_UNIT:
                        units.append(unit)
    if not units:
        return None
    actors = [_body_actor(unit, policy) for unit in _ordered(units)]
    return _Tier(Tier.WHISTLE, Scope.COMMUNITY, None, tuple(actors))


def _street_tier(structure: Structure, lineage: Sequence[Place]) -> _Tier:
    """The nearest street office answering for the place, holding every domain."""
    for place in lineage:
        offices = [b for b in structure.answering_for(place.id) if b.kind is BodyKind.STREET_OFFICE]
        if offices:
            office = _ordered(offices)[0]
            return _Tier(
                Tier.STREET, Scope.BEYOND, office.id, (_Actor(office.id, frozenset(Domain)),)
            )
    return _Tier(Tier.STREET, Scope.BEYOND, None, ())


def _party_convener(structure: Structure, community: Place | None) -> str | None:
    """The party committee answering for the community, else its party branch."""
    if community is None:
        return None
    party = [b for b in structure.answering_for(community.id) if b.kind in _PARTY_KINDS]
    return _ordered(party)[0].id if party else None


def _grid_owner(structure: Structure, chain: Sequence[Grid], day: dt.date) -> str | None:
    """Who owns a case that has no first contact (首接负责制).

    A post of the smallest grid held on the day, in the order of precedence (micro-grid
    worker, grid worker, building-group leader, party second leader, grid leader); the
    next grid up when the smallest has none.
    """
    for grid in chain:
        for post in _ordered(structure.posts_in(grid.id)):
            if post.role in _OWNER_ROLES and _is_held(structure, post, day):
                return post.id
    return None


def _is_covered(structure: Structure, place: Place) -> bool:
    """Whether a grid covers the place itself, not only a place containing it."""
    grid = structure.grid_of(place.id)
    return grid is not None and place.id in grid.covers


def _fallback_supervisor(
    structure: Structure, compound: Place | None, community: Place | None
) -> str | None:
    """Who supervises a property company that no ``supervises`` tie names.

    The compound's owners' committee, else its self-management committee (seed 003: it
    scores the company each quarter), else the community's residents' committee
    (物业服务监督).
    """
    own = _own_bodies(structure, compound) if compound is not None else []
    for kind in (BodyKind.OWNERS_COMMITTEE, BodyKind.SELF_MANAGEMENT_COMMITTEE):
        body = _first_of_kind(own, kind)
        if body is not None:
            return body.id
    if community is not None:
        rc = _first_of_kind(structure.answering_for(community.id), BodyKind.RESIDENTS_COMMITTEE)
        if rc is not None:
            return rc.id
    return None


def _ladder(structure: Structure, place_id: str, day: dt.date, policy: Policy) -> _Ladder:
    """Step 1: locate the place, its grid chain and who is present at each tier on the day."""
    place = structure.place(place_id)
    # A unit is handled as the place it is in, unless something answers for it alone or a
    # grid covers it.
    while (
        place.kind is PlaceKind.UNIT
        and place.parent is not None
        and not structure.answering_for(place.id)
        and not _is_covered(structure, place)
    ):
        place = structure.place(place.parent)
    lineage = (place, *structure.ancestors(place.id))
    chain = structure.grid_chain(place.id)
    # Should the chain hold two grids of a level (a micro-grid inside a micro-grid), the
    # larger one stands for that level.
    grid_at = {grid.level: grid for grid in chain}
    compound = structure.enclosing(place.id, PlaceKind.COMPOUND)
    community = structure.enclosing(place.id, PlaceKind.COMMUNITY)
    # A place has only the tiers it stands under.
    own: list[_Tier] = []
    micro = grid_at.get(GridLevel.MICRO)
    if micro is not None:
        own.append(_micro_grid_tier(structure, micro, day, policy))
    if compound is not None:
        own.append(
            _compound_tier(structure, compound, grid_at.get(GridLevel.COMPOUND), day, policy)
        )
    if community is not None:
        community_grid = grid_at.get(GridLevel.COMMUNITY)
        own.append(_community_tier(structure, community, community_grid, compound, day, policy))
    compound_bodies = _own_bodies(structure, compound) if compound is not None else []
    community_bodies = structure.answering_for(community.id) if community is not None else ()
    company = next((b for b in compound_bodies if b.kind is BodyKind.PROPERTY_COMPANY), None)
    return _Ladder(
        grid_tiers=_with_those_below(own),
        whistle=_whistle_tier(structure, lineage, community, policy),
        street=_street_tier(structure, lineage),
        convener=_party_convener(structure, community),
        grid_owner=_grid_owner(structure, chain, day),
        local_bodies=tuple(b.id for b in (*compound_bodies, *community_bodies)),
        company=company.id if company is not None else None,
        fallback_supervisor=_fallback_supervisor(structure, compound, community),
    )


# -- choosing the tier, the procedure and the people -------------------------------------------


@attrs.frozen
class _Decision:
    """What the rules choose, before the owner and the due time are added."""

    tier: Tier
    procedure: Procedure
    handler: str | None
    reason: str
    co_handlers: tuple[str, ...] = ()
    summoned: tuple[str, ...] = ()
    convener: str | None = None
    forum: str | None = None
    rule: str | None = None


def _required(case: Case, policy: Policy) -> frozenset[Domain]:
    """A case needs the domains it lists itself, else those of its category."""
    if case.domains:
        return frozenset(case.domains)
    return policy.category_domains[case.category]


def _names(domains: Iterable[Domain]) -> str:
    """Domains as a reason names them: in the order of ``Domain``."""
    wanted = set(domains)
    return ", ".join(d.value for d in Domain if d in wanted)


def _cover(actors: Sequence[_Actor], need: frozenset[Domain]) -> list[_Actor]:
    """Greedy cover of ``need``.

    The actor holding most of what is still needed, the first in order on ties, until
    nothing is left or nobody holds what is.
    """
    chosen: list[_Actor] = []
    remaining = set(need)
    while remaining:
        best = max(actors, key=lambda a: len(a.domains & remaining), default=None)
        if best is None or not best.domains & remaining:
            break
        chosen.append(best)
        remaining -= best.domains
    return chosen


def _held_by(actors: Sequence[_Actor], actor_id: str) -> frozenset[Domain]:
    return next((a.domains for a in actors if a.id == actor_id), _NOTHING)


def _decide(
    case: Case, need: frozenset[Domain], ladder: _Ladder, *, start: Tier | None
) -> _Decision:
    """Steps 2 to 6: the tier, from ``start`` up when escalating, then how and by whom."""
    # An emergency is dispatched at once to whoever holds it, never tier by tier (接诉即办).
    if case.urgency is Urgency.EMERGENCY:
        return _emergency(case, need, ladder, start)
    if case.scope is not Scope.BEYOND:
        # Step 2: the lowest of micro_grid < compound < community whose reach covers the
        # case's scope and whose actors together hold every required domain
        # (小事不出楼栋、大事不出社区).
        for tier in ladder.grid_tiers:
            if start is not None and tier.tier < start:
                continue
            if tier.reach >= case.scope and need <= tier.domains:
                return _at_grid_tier(case, need, tier)
        # Step 3: no grid tier does; the whistle tier, when the community and the
        # departments together hold everything needed (街乡吹哨、部门报到). A new case
        # that one department settles alone is referred to it instead (转办); an
        # escalation (overdue, reopened, recurring, a domain found) is whistled.
        if ladder.whistle is not None and (start is None or start <= Tier.WHISTLE):
            whistle = _at_whistle_tier(need, ladder, ladder.whistle, refer=start is None)
            if whistle is not None:
                return whistle
    # Step 4: otherwise, or when the scope is beyond the community, the street (属地兜底).
    return _at_street(case, need, ladder, start)


def _emergency(
    case: Case, need: frozenset[Domain], ladder: _Ladder, start: Tier | None
) -> _Decision:
    """An emergency: dispatched at once, with the grid worker on the spot (接诉即办).

    1. Departments that hold part of it are dispatched, the one holding most leading, at
       the whistle tier, when they and the community together hold everything; the
       community's actors cover the rest.
    2. When no department holds any of it, the service that holds it at the lowest grid
       tier reaching the scope (the property company's repairs, say) is dispatched.
    3. Otherwise, and whenever it is escalated, the street office's command centre
       dispatches, with the departments that hold part of it.

    The grid worker on the spot (the post that owns a case without a first contact) is
    the first co-handler.
    """
    worker = ladder.grid_owner
    units = ladder.whistle.actors if ladder.whistle is not None else ()
    dispatched = _cover(units, need)
    held = frozenset().union(*(a.domains for a in dispatched))
    top = ladder.grid_tiers[-1] if ladder.grid_tiers else None
    top_actors = top.actors if top is not None else ()
    top_domains = top.domains if top is not None else _NOTHING
    beside = f", {worker} on the spot" if worker is not None else ""

    def crew(
        handler: str | None, others: Iterable[_Actor], *, on_spot: str | None = worker
    ) -> tuple[str, ...]:
        ids = [on_spot, *(a.id for a in others)]
        return tuple(a for a in dict.fromkeys(ids) if a is not None and a != handler)

    if dispatched and (start is None or start <= Tier.WHISTLE) and need <= held | top_domains:
        lead = dispatched[0].id
        rest = _cover(top_actors, need - held)
        names = ", ".join(a.id for a in dispatched)
        forum, convener, rule = _joint(rest, need - held, top)
        return _Decision(
            Tier.WHISTLE,
            Procedure.EMERGENCY,
            lead,
            f"emergency ({_names(need)}): {names} dispatched at once{beside} (接诉即办、吹哨报到)",
            co_handlers=crew(lead, rest),
            summoned=tuple(a.id for a in dispatched),
            convener=convener,
            forum=forum,
            rule=rule,
        )
    if not dispatched and case.scope is not Scope.BEYOND:
        for tier in ladder.grid_tiers:
            if start is not None and tier.tier < start:
                continue
            if tier.reach >= case.scope and need <= tier.domains:
                handler, *others = _cover(tier.actors, need)
                where = f"{_LABEL[tier.tier]} {tier.anchor}" if tier.anchor else _LABEL[tier.tier]
                forum, convener, rule = _joint([handler, *others], need, tier)
                # The grid worker joins when present at the tier (a grid leader of the
                # community is not, at the compound).
                spot = worker if worker in {a.id for a in tier.actors} else None
                near = f", {spot} on the spot" if spot is not None else ""
                return _Decision(
                    tier.tier,
                    Procedure.EMERGENCY,
                    handler.id,
                    f"emergency ({_names(need)}): {handler.id} of the {where} dispatched at "
                    f"once{near} (接诉即办)",
                    co_handlers=crew(handler.id, others, on_spot=spot),
                    convener=convener,
                    forum=forum,
                    rule=rule,
                )
    office = ladder.street.anchor
    with_units = f" with {', '.join(a.id for a in dispatched)}" if dispatched else ""
    return _Decision(
        Tier.STREET,
        Procedure.EMERGENCY,
        office,
        f"emergency ({_names(need)}): {office or 'the street'} dispatches{with_units}"
        f"{beside} (属地兜底)",
        co_handlers=crew(office, ()),
        summoned=tuple(a.id for a in dispatched),
    )


def _at_grid_tier(case: Case, need: frozenset[Domain], tier: _Tier) -> _Decision:
    """Steps 5 and 6 at a grid tier: the procedure, the handler and who helps."""
    actors = tier.actors
    label = _LABEL[tier.tier]
    where = f"{label} {tier.anchor}" if tier.anchor else label
    # Deliberation: an owners' decision goes to whoever organises it at the tier; the
    # compound's bodies taking part help, and others cover what is still missing
    # (调研—座谈—征询).
    deliberation = tier.deliberation
    if Domain.OWNERS_DECISION in need and deliberation is not None:
        committee = deliberation.handler
        present = {a.id for a in actors}
        helpers = [h for h in deliberation.helpers if h in present]
        held = {Domain.OWNERS_DECISION, *_held_by(actors, committee)}
        for helper in helpers:
            held |= _held_by(actors, helper)
        others = [a for a in actors if a.id != committee and a.id not in helpers]
        helpers += [a.id for a in _cover(others, need - held)]
        if deliberation.rule == _CIVIL_CODE_278:
            how = f"the owners decide under Civil Code art. 278, organised by {committee}"
        else:
            through = (
                f"through {deliberation.forum}"
                if deliberation.forum
                else "without a standing meeting"
            )
            how = (
                f"the households are consulted {through}, "
                f"organised by {committee} (no owners' committee)"
            )
        return _Decision(
            tier.tier,
            Procedure.DELIBERATION,
            committee,
            f"{where}: owners_decision — {how} (调研—座谈—征询)",
            co_handlers=tuple(helpers),
            convener=deliberation.convener,
            forum=deliberation.forum,
            rule=deliberation.rule,
        )
    # Mediation: a neighbour dispute at a community with a mediation room goes to the room;
    # others cover what it lacks (大事不出社区).
    room = tier.mediation_room
    if tier.tier is Tier.COMMUNITY and Domain.NEIGHBOUR_DISPUTE in need and room is not None:
        aides = _cover([a for a in actors if a.id != room], need - _held_by(actors, room))
        return _Decision(
            tier.tier,
            Procedure.MEDIATION,
            room,
            f"{where}: a neighbour dispute goes to the mediation room {room} (大事不出社区)",
            co_handlers=tuple(a.id for a in aides),
        )
    # On the spot by the first contact, when it is at the tier and alone holds every domain
    # the case needs (马上办).
    receiver = next((a for a in actors if a.id == case.receiver), None)
    if receiver is not None and need <= receiver.domains:
        reason = (
            f"{label} tier: {receiver.id}, the first contact, holds {_names(need)}: "
            "handled on the spot (马上办)"
        )
        return _Decision(tier.tier, Procedure.ON_THE_SPOT, receiver.id, reason)
    # Step 6: the handler holds most of what is needed (the first in order on ties), and
    # co-handlers cover the rest.
    handler, *crew = _cover(actors, need)
    # In the micro-grid the case is settled on the spot (小事不出楼栋); anywhere else it is
    # transferred to the handler (快速转).
    if tier.tier is Tier.MICRO_GRID:
        procedure = Procedure.ON_THE_SPOT
        reason = (
            f"{where} reaches {tier.reach.value} scope and holds {_names(need)}: "
            "settled on the spot in the micro-grid (小事不出楼栋)"
        )
    else:
        procedure = Procedure.TRANSFER
        reason = (
            f"{where} is the lowest tier holding {_names(need)}: "
            f"transferred to {handler.id} (快速转)"
        )
    # A standing meeting among them is the forum of a joint handling, and its convener
    # convenes (难事联办).
    meeting = next((a for a in (handler, *crew) if a.convener is not None), None)
    if meeting is None:
        return _Decision(
            tier.tier, procedure, handler.id, reason, co_handlers=tuple(a.id for a in crew)
        )
    return _Decision(
        tier.tier,
        procedure,
        handler.id,
        f"{reason}, jointly through {meeting.id} (难事联办)",
        co_handlers=tuple(a.id for a in crew),
        convener=meeting.convener,
        forum=meeting.id,
    )


def _joint(
    crew: Sequence[_Actor], need: frozenset[Domain], tier: _Tier | None
) -> tuple[str | None, str | None, str | None]:
    """The forum, convener and rule of an emergency's crew.

    A standing meeting among them is the forum and its convener convenes; an owners'
    decision keeps the tier's forum, convener and rule.
    """
    meeting = next((a for a in crew if a.convener is not None), None)
    forum = meeting.id if meeting is not None else None
    convener = meeting.convener if meeting is not None else None
    deliberation = tier.deliberation if tier is not None else None
    if Domain.OWNERS_DECISION in need and deliberation is not None:
        return deliberation.forum, deliberation.convener, deliberation.rule
    return forum, convener, None


def _at_whistle_tier(
    need: frozenset[Domain], ladder: _Ladder, whistle: _Tier, *, refer: bool
) -> _Decision | None:
    """Step 3: a referral to one department, or a whistle order that summons several.

    Only when the departments hold what the community lacks, and the two together hold
    everything. The fewest departments that hold what is left are chosen, greedily, the
    one holding most leading. When ``refer`` and that one department holds everything
    needed, the case is referred to it (转办 / 派单): no whistle, no co-handlers, and the
    first contact stays the owner who follows it up (首接负责). Otherwise the party
    organisation blows the whistle (红色吹哨单: several departments, or departments with
    the community), co-handlers from the community tier cover what the departments lack,
    and an owners' decision keeps its organiser, forum and rule.
    """
    top = ladder.grid_tiers[-1] if ladder.grid_tiers else None
    community = top if top is not None and top.tier is Tier.COMMUNITY else None
    community_actors = community.actors if community is not None else ()
    community_domains = community.domains if community is not None else _NOTHING
    lacking = need - community_domains
    if not lacking or not need <= community_domains | whistle.domains:
        return None
    summoned = _cover(whistle.actors, lacking)
    lead = summoned[0]
    if refer and len(summoned) == 1 and need <= lead.domains:
        verb = "is" if len(need) == 1 else "are"
        return _Decision(
            Tier.WHISTLE,
            Procedure.REFERRAL,
            lead.id,
            f"referral: {_names(need)} {verb} for {lead.id} alone: referred to it, the first "
            "contact follows it up (转办、首接负责)",
        )
    left = need - whistle.domains
    deliberation = community.deliberation if community is not None else None
    forum: str | None = None
    rule: str | None = None
    if Domain.OWNERS_DECISION in left and deliberation is not None:
        # The owners' part is decided as at the community tier: organised by the same body,
        # in the same forum, under the same rule.
        present = {a.id for a in community_actors}
        helpers = [
            deliberation.handler,
            *(h for h in deliberation.helpers if h in present),
        ]
        held = {Domain.OWNERS_DECISION}
        for helper in helpers:
            held |= _held_by(community_actors, helper)
        others = [a for a in community_actors if a.id not in helpers]
        helpers += [a.id for a in _cover(others, left - held)]
        forum, rule = deliberation.forum, deliberation.rule
    else:
        crew = _cover(community_actors, left)
        helpers = [a.id for a in crew]
        # A standing meeting among them is the forum of the joint handling (难事联办).
        forum = next((a.id for a in crew if a.convener is not None), None)
    verb = "is" if len(lacking) == 1 else "are"
    reports = "reports" if len(summoned) == 1 else "report"
    reason = (
        f"whistle: {_names(lacking)} {verb} held only by departments; "
        f"{ladder.convener or 'the community'} blows the whistle and "
        f"{', '.join(a.id for a in summoned)} {reports} (街乡吹哨、部门报到)"
    )
    return _Decision(
        Tier.WHISTLE,
        Procedure.WHISTLE,
        lead.id,
        reason,
        co_handlers=tuple(helpers),
        summoned=tuple(a.id for a in summoned),
        convener=ladder.convener,
        forum=forum,
        rule=rule,
    )


def _at_street(
    case: Case, need: frozenset[Domain], ladder: _Ladder, start: Tier | None
) -> _Decision:
    """Step 4: the street office answers as the last resort (属地兜底); the reason says why."""
    handler = ladder.street.anchor
    if case.scope is Scope.BEYOND:
        why = "the matter reaches beyond the community"
    elif start is not None and start > Tier.MICRO_GRID:
        # Escalated from the whistle tier or above: the whistle is the last tier tried.
        tried = min(start, Tier.WHISTLE).value
        why = f"no tier from {tried} up in the community settles {_names(need)}"
    else:
        why = f"no one in the community holds {_names(need)}"
    # The street office coordinates the departments that hold part of the matter: they
    # are summoned with it, as they were at the whistle (接诉即办: the street is the hub).
    units = ladder.whistle.actors if ladder.whistle is not None else ()
    summoned = tuple(a.id for a in _cover(units, need))
    with_units = f", {', '.join(summoned)} summoned" if summoned else ""
    reason = (
        f"street: {why}; {handler or 'the street'} answers as the last resort{with_units} "
        "(属地兜底)"
    )
    return _Decision(
        Tier.STREET,
        Procedure.TRANSFER,
        handler,
        reason,
        summoned=summoned,
        convener=ladder.convener,
    )


def _supervisor(
    structure: Structure, ladder: _Ladder, decision: _Decision, need: frozenset[Domain]
) -> str | None:
    """Who supervises the handler and confirms the fix at the return visit.

    The subject is the first of the handler and co-handlers that is a property company or
    that a ``supervises`` tie names; else, for a complaint about property service (it needs
    ``supervision``), the compound's property company. Its supervisor is the first, in
    precedence, of its ``supervises`` ties from the compound's or community's own bodies;
    else, for a property company, the compound's owners' committee, self-management
    committee or the community's residents' committee; else any body a tie names.
    """
    subject: str | None = None
    for actor in (decision.handler, *decision.co_handlers):
        if actor is None:
            continue
        node = structure.node(actor)
        if isinstance(node, Body) and (
            node.kind is BodyKind.PROPERTY_COMPANY or _supervisors_of(structure, actor)
        ):
            subject = actor
            break
    if subject is None and Domain.SUPERVISION in need:
        subject = ladder.company
    if subject is None:
        return None
    tied = _supervisors_of(structure, subject)
    local = [b for b in tied if b in ladder.local_bodies]
    if local:
        return local[0]
    if structure.body(subject).kind is BodyKind.PROPERTY_COMPANY and ladder.fallback_supervisor:
        return ladder.fallback_supervisor
    return tied[0] if tied else None


def _routing(
    structure: Structure,
    case: Case,
    need: frozenset[Domain],
    ladder: _Ladder,
    decision: _Decision,
    *,
    at: dt.datetime,
    owner: str | None,
    note: str,
    policy: Policy,
) -> Routing:
    """Step 7: the routing, with its owner, due time and supervisor.

    Owned by ``owner`` (else by the handler), due by the policy's time limit for the tier
    and urgency from ``at``, counted by ``policy.deadline``: a deliberation's limit is at
    least ``policy.deliberation_limit``, a referral's at most ``policy.referral_limit``.
    An emergency's is the tier's limit for urgency ``emergency`` (2 hours at every tier,
    by default).
    """
    due = policy.due(decision.tier, case.urgency, at)
    if decision.procedure is Procedure.DELIBERATION:
        due = max(due, policy.deadline(at, policy.deliberation_limit))
    elif decision.procedure is Procedure.REFERRAL:
        due = min(due, policy.deadline(at, policy.referral_limit))
    return Routing(
        tier=decision.tier,
        procedure=decision.procedure,
        handler=decision.handler,
        owner=owner if owner is not None else decision.handler,
        due=due,
        co_handlers=decision.co_handlers,
        summoned=decision.summoned,
        convener=decision.convener,
        ladder=ladder.tiers,
        reason=note + decision.reason,
        domains=tuple(d for d in Domain if d in need),
        forum=decision.forum,
        rule=decision.rule,
        supervisor=_supervisor(structure, ladder, decision, need),
    )


# -- the public rules --------------------------------------------------------------------------


def presence(
    structure: Structure, place_id: str, *, at: dt.date, policy: Policy = DEFAULT_POLICY
) -> tuple[Presence, ...]:
    """Who is present at each tier of a place's ladder on day ``at``: step 1 of routing.

    The same as :func:`govmodel.presence`.

    Raises
    ------
    UnknownNodeError
        When ``place_id`` is not a place of the structure.

    Examples
    --------
    >>> import datetime as dt
    >>> from govmodel import examples
    >>> tiers = presence(examples.load("xinhe"), "building:wanda-3", at=dt.date(2025, 5, 6))
    >>> [(p.tier.value, p.anchor) for p in tiers]  # doctest: +NORMALIZE_WHITESPACE
    [('micro_grid', 'grid:wanda-b'), ('compound', 'compound:wanda'),
     ('community', 'community:xinhe'), ('whistle', None), ('street', 'so:xinhua')]
    >>> tiers[0].actors
    ('post:grid-wanda-b-worker',)
    """
    ladder = _ladder(structure, place_id, at, policy)
    whistle = (ladder.whistle,) if ladder.whistle is not None else ()
    return tuple(
        Presence(
            tier=tier.tier,
            reach=tier.reach,
            actors=tuple(a.id for a in tier.actors),
            domains=tier.domains,
            anchor=tier.anchor,
        )
        for tier in (*ladder.grid_tiers, *whistle, ladder.street)
    )


def route(structure: Structure, case: Case, *, policy: Policy = DEFAULT_POLICY) -> Routing:
    """Who handles a new case, at which tier, how, by when, and why: the rules, readable.

    The same ``Routing`` as :func:`govmodel.route`, worked out from the structure on every
    call.

    Raises
    ------
    UnknownNodeError
        When the case's place is not a place of the structure, or its first contact
        (``receiver``) is not a post, body or person of it.

    Examples
    --------
    >>> import datetime as dt
    >>> from govmodel import Case, Category, Scope, examples
    >>> xinhe = examples.load("xinhe")
    >>> lane = Case(id="case:lane", category=Category.FIRE_LANE, place="compound:wanda",
    ...             reported_at=dt.datetime(2025, 5, 6, 9), scope=Scope.COMPOUND)
    >>> r = route(xinhe, lane)
    >>> r.handler, r.co_handlers, r.owner
    ('dept:fire', ('pm:cxh',), 'post:grid-wanda-leader')
    >>> print(r.reason)  # doctest: +NORMALIZE_WHITESPACE
    whistle: fire_safety is held only by departments; party:xinhe blows the whistle and
    dept:fire reports (街乡吹哨、部门报到)
    """
    # Step 1: the place, its grid chain and who is present on the report day.
    ladder = _ladder(structure, case.place, case.reported_at.date(), policy)
    if case.receiver is not None:
        _check_receiver(structure, case.receiver)
    need = _required(case, policy)
    decision = _decide(case, need, ladder, start=None)
    # Step 7: the first contact owns the case; without one, a grid post held on the report
    # day, else the handler (首接负责制).
    owner = case.receiver if case.receiver is not None else ladder.grid_owner
    return _routing(
        structure,
        case,
        need,
        ladder,
        decision,
        at=case.reported_at,
        owner=owner,
        note="",
        policy=policy,
    )


def _check_receiver(structure: Structure, receiver: str) -> None:
    if not isinstance(structure.node(receiver), Body | Post | Person):
        raise UnknownNodeError(receiver, "the posts, bodies and people of the structure")


def escalate(
    structure: Structure,
    state: CaseState,
    *,
    now: dt.datetime,
    policy: Policy = DEFAULT_POLICY,
    recent: Sequence[Case] = (),
) -> Routing | None:
    """The next routing for a case that needs one, or ``None``: the rules, readable.

    The same as :func:`govmodel.escalate`: its four triggers in the order of
    ``docs/routing.md``, then the case routed again by the rules of :func:`route`.

    Examples
    --------
    The fire lane at 万达华府, still blocked a minute after its due time, goes from the
    whistle to the street office:

    >>> import datetime as dt
    >>> from govmodel import Case, Category, Reported, Routed, Scope, examples, replay
    >>> xinhe = examples.load("xinhe")
    >>> t = dt.datetime(2025, 5, 6, 9)
    >>> lane = Case(id="case:lane", category=Category.FIRE_LANE, place="compound:wanda",
    ...             reported_at=t, scope=Scope.COMPOUND)
    >>> first = route(xinhe, lane)
    >>> state = replay([Reported(case=lane, at=t), Routed(case_id=lane.id, at=t, routing=first)])
    >>> escalate(xinhe, state, now=t + dt.timedelta(hours=1)) is None
    True
    >>> later = escalate(xinhe, state, now=first.due + dt.timedelta(minutes=1))
    >>> later.tier.value, later.handler, later.owner
    ('street', 'so:xinhua', 'post:grid-wanda-leader')
    >>> print(later.reason)  # doctest: +NORMALIZE_WHITESPACE
    overdue since 2025-05-27 17:00; street: no tier from whistle up in the community settles
    property_service, fire_safety; so:xinhua answers as the last resort, dept:fire summoned
    (属地兜底)
    """
    # Nothing is due for a case that is resolved or closed, or that has no routing yet.
    routing = state.routing
    if state.status in (Status.RESOLVED, Status.CLOSED) or routing is None:
        return None
    case = state.case
    need = _required(case, policy) | frozenset(state.extra_domains)
    # The first contact stays the owner when the case moves (首接负责制).
    owner = state.routings[0].owner if state.routings else routing.owner
    start: Tier
    # 1. A newly found domain that the current routing does not cover: routed again for all
    #    its domains, from its current tier.
    missing = need - frozenset(routing.domains)
    if missing:
        found = ", ".join(sorted(d.value for d in missing))
        note = f"newly found {found}, which the {routing.tier.value} routing lacks; "
        start = routing.tier
    # Nothing else moves a case past the street.
    elif routing.tier is Tier.STREET:
        return None
    else:
        # 2. Reopened and not routed again since; 3. overdue; 4. recurring while the case
        #    has its first routing. Each routes the case again from the tier above; a
        #    referral becomes a whistle order at its own tier (seed 002: long-running
        #    matters), and an emergency goes straight to the street, never tier by tier.
        if routing.procedure is Procedure.EMERGENCY:
            start = Tier.STREET
        elif routing.procedure is Procedure.REFERRAL:
            start = Tier.WHISTLE
        else:
            start = tuple(Tier)[routing.tier.rank + 1]
        report_by = policy.deadline(case.reported_at, policy.emergency_report_limit)
        if state.status is Status.REOPENED:
            # The reopening's reason is personal data (a resident's words): the routing's
            # reason, which every party to the case sees, only refers to it.
            note = "reopened (reason kept with the case); " if state.reopen_reason else "reopened; "
        elif policy.aware(now) > policy.aware(routing.due):  # naive times are local times
            note = f"overdue since {routing.due.isoformat(sep=' ', timespec='minutes')}; "
        elif (
            routing.procedure is Procedure.EMERGENCY
            and state.accepted_at is None
            and policy.aware(now) > policy.aware(report_by)
        ):
            # Nobody reported on the spot in time (吹哨报到: within about 30 minutes).
            note = f"nobody on the spot since {report_by.isoformat(sep=' ', timespec='minutes')}; "
        else:
            count = _earlier_reports(case, recent, policy) if len(state.routings) == 1 else 0
            if count < policy.recurrence_threshold:
                return None
            days = policy.recurrence_window.days
            note = f"reported {_times(count)} before in {days} days at this place; "
    # Routed again at ``now``, like a new case, from ``start`` up; the due time counts from now.
    ladder = _ladder(structure, case.place, now.date(), policy)
    decision = _decide(case, need, ladder, start=start)
    return _routing(
        structure, case, need, ladder, decision, at=now, owner=owner, note=note, policy=policy
    )


def _earlier_reports(case: Case, recent: Sequence[Case], policy: Policy) -> int:
    """The other cases of the same category and place in the window before this one."""
    end = policy.aware(case.reported_at)  # naive times are local times of the policy's zone
    start = end - policy.recurrence_window
    return sum(
        1
        for other in recent
        if other.id != case.id
        and other.place == case.place
        and other.category is case.category
        and start <= policy.aware(other.reported_at) < end
    )


def _times(count: int) -> str:
    """``once``, ``twice`` or ``N times``."""
    return {1: "once", 2: "twice"}.get(count, f"{count} times")

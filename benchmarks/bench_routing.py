"""Throughput of ``govmodel.route`` and ``govmodel.escalate`` against naive baselines.

Run from the project root::

    .venv/bin/python benchmarks/bench_routing.py

It builds a generated street of 100,000+ places (``_structures.py``), checks it with
``govmodel.validate``, checks that ``naive_route`` and ``naive_escalate`` below give exactly
what ``route`` and ``escalate`` give (on the bundled examples and on samples of the generated
cases), then, in each of ``--rounds`` rounds, times on one core:

- cold: ``route`` on a fresh structure (no cached tables) over the first batch of cases,
  building the tables as it goes;
- warm: ``route`` on the same structure over a fresh batch from the same distribution;
- repeat: the warm batch again (an upper bound, not a target);
- naive: ``naive_route`` over a smaller batch;
- escalate: ``escalate`` on the warm structure over a fresh batch of cases, each routed and
  then checked a minute after its due time (as the simulator checks overdue cases), and
  ``naive_escalate`` over a part of them;

and prints each round, the best of the rounds, the ratios against the naive baselines, and
whether the targets (200,000 routes/s on one core, 20 times the naive baseline) are met.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import os
import platform
import random
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from _machine import cpu_model, load_average, pin_to_one_core
from _structures import Town, build_town, generate_cases

import govmodel
from govmodel import (
    DEFAULT_POLICY,
    Accepted,
    Body,
    BodyKind,
    Case,
    CaseState,
    Category,
    Domain,
    Grid,
    GridLevel,
    Meeting,
    Place,
    PlaceKind,
    Policy,
    Post,
    Procedure,
    Relation,
    Reopened,
    Reported,
    Resolved,
    Revisited,
    Role,
    Routed,
    Routing,
    Scope,
    Status,
    Structure,
    Tier,
    UnknownNodeError,
    Urgency,
    replay,
)

TARGET_ROUTES_PER_SECOND = 200_000
TARGET_RATIO = 20.0

# -- the naive baseline ------------------------------------------------------------------------
#
# What a user would write from docs/design.md ("Routing and escalation") with nothing but
# ``structure.graph``: on every call, walk from the case's place up its containment and grid
# chains, collect who is present at each tier on the day by following edges (bodies that serve
# or answer for a place, posts in grids and bodies, holders' appointments on ``holds`` edges,
# meetings), then pick the lowest tier whose actors cover what the case needs. No caches, no
# precomputed tables; domains are sets. It makes the same choices as ``govmodel.route`` (greedy
# cover order, cumulative tiers, consultation meetings, whistle rules, reasons), so the two can
# be checked for equality before they are timed.

_LEVEL_ORDER = {GridLevel.MICRO: 0, GridLevel.COMPOUND: 1, GridLevel.COMMUNITY: 2}
_OWNER_ROLES = (
    Role.MICRO_GRID_WORKER,
    Role.GRID_WORKER,
    Role.BUILDING_GROUP_LEADER,
    Role.PARTY_SECOND_LEADER,
    Role.GRID_LEADER,
)
_LABEL = {Tier.MICRO_GRID: "micro-grid", Tier.COMPOUND: "compound", Tier.COMMUNITY: "community"}
_DEPARTMENT_KINDS = (BodyKind.DEPARTMENT, BodyKind.PARTNER_UNIT)
_PARTY_KINDS = (BodyKind.PARTY_COMMITTEE, BodyKind.PARTY_BRANCH)
_EMPTY: frozenset[Domain] = frozenset()


@dataclass(frozen=True)
class NaiveActor:
    id: str
    domains: frozenset[Domain]
    convener: str | None = None  # set for a standing meeting: who convenes it


@dataclass(frozen=True)
class Deliberation:
    handler: str
    rule: str
    forum: str | None
    convener: str | None
    helpers: tuple[str, ...]


@dataclass
class NaiveTier:
    tier: Tier
    reach: Scope
    anchor: str | None
    actors: list[NaiveActor]  # present on the day, each id once, in order of preference
    mediation_room: str | None = None
    deliberation: Deliberation | None = None

    @property
    def domains(self) -> frozenset[Domain]:
        out: set[Domain] = set()
        for actor in self.actors:
            out |= actor.domains
        return frozenset(out)


def _obj(g: Any, node: str) -> Any:
    return g.nodes[node]["obj"]


def _preds(g: Any, node: str, *relations: Relation) -> list[str]:
    """The nodes with an edge of one of ``relations`` into ``node``, in graph order."""
    found = (u for u, _, key in g.in_edges(node, keys=True) if key in relations)
    return list(dict.fromkeys(found))


def _succs(g: Any, node: str, *relations: Relation) -> list[str]:
    """The nodes ``node`` has an edge of one of ``relations`` to, in graph order."""
    found = (v for _, v, key in g.out_edges(node, keys=True) if key in relations)
    return list(dict.fromkeys(found))


def _parent(g: Any, node: str, relation: Relation) -> str | None:
    parents = _preds(g, node, relation)
    return parents[0] if parents else None


def _answering(g: Any, place_id: str) -> list[Body]:
    """The bodies whose jurisdiction names the place (meetings also answer for places)."""
    out: list[Body] = []
    for u in _preds(g, place_id, Relation.ANSWERS_FOR):
        record = _obj(g, u)
        if isinstance(record, Body):
            out.append(record)
    return out


def _serving(g: Any, place_id: str) -> list[Body]:
    return [_obj(g, u) for u in _preds(g, place_id, Relation.SERVES)]


def _meetings_for(g: Any, place_id: str) -> list[Meeting]:
    """Meetings naming the place, then meetings of a convener that answers for it alone."""
    out: list[Meeting] = []
    for u in _preds(g, place_id, Relation.ANSWERS_FOR):
        record = _obj(g, u)
        if isinstance(record, Meeting):
            out.append(record)
    for body in _answering(g, place_id):
        if len(_succs(g, body.id, Relation.ANSWERS_FOR)) != 1:
            continue
        for m in _succs(g, body.id, Relation.CONVENES):
            meeting: Meeting = _obj(g, m)
            if meeting.place is None:
                out.append(meeting)
    return out


def _meetings_with(g: Any, body_id: str) -> list[Meeting]:
    return [_obj(g, m) for m in _succs(g, body_id, Relation.CONVENES, Relation.MEMBER_OF)]


def _present(g: Any, post_id: str, day: dt.date) -> bool:
    """Whether someone holds the post on the day (appointments ride on ``holds`` edges)."""
    for _, _, key, held in g.in_edges(post_id, keys=True, data="appointments"):
        if key == Relation.HOLDS and any(a.active(day) for a in held):
            return True
    return False


def _posts_in(g: Any, owner_id: str) -> list[Post]:
    return [_obj(g, p) for p in _preds(g, owner_id, Relation.POST_IN)]


def _post_actors(g: Any, owner_id: str, day: dt.date, policy: Policy) -> list[NaiveActor]:
    return [
        NaiveActor(post.id, policy.role_domains.get(post.role, _EMPTY))
        for post in _posts_in(g, owner_id)
        if _present(g, post.id, day)
    ]


def _body_actor(body: Body, policy: Policy) -> NaiveActor:
    if body.domains is not None:
        return NaiveActor(body.id, frozenset(body.domains))
    return NaiveActor(body.id, policy.body_domains.get(body.kind, _EMPTY))


def _unique(actors: Iterable[NaiveActor]) -> list[NaiveActor]:
    seen: set[str] = set()
    out: list[NaiveActor] = []
    for actor in actors:
        if actor.id not in seen:
            seen.add(actor.id)
            out.append(actor)
    return out


def _meeting_actor(meeting: Meeting, domains: frozenset[Domain]) -> NaiveActor:
    return NaiveActor(meeting.id, domains, meeting.convener)


def _consultation_forum(
    g: Any, compound: Place, own: Sequence[str], *, at_compound: bool
) -> Meeting | None:
    """A meeting one of the compound's own bodies sits in: for the compound, or any other."""
    for body_id in own:
        for meeting in _meetings_with(g, body_id):
            if (meeting.place == compound.id) is at_compound:
                return meeting
    return None


def _consultation(forum: Meeting, smc: Body | None, own: Sequence[str]) -> Deliberation:
    handler = smc.id if smc is not None else forum.convener
    helpers = tuple(m for m in forum.members if m in own and m != handler)
    return Deliberation(handler, "consultation", forum.id, forum.convener, helpers)


def _micro_tier(g: Any, grid: Grid, day: dt.date, policy: Policy) -> NaiveTier:
    kinds = {_obj(g, p).kind for p in _succs(g, grid.id, Relation.COVERS)}
    reach = Scope.COMPOUND if PlaceKind.COMPOUND in kinds else Scope.BUILDING
    actors = _post_actors(g, grid.id, day, policy)
    return NaiveTier(Tier.MICRO_GRID, reach, grid.id, _unique(actors))


def _compound_tier(
    g: Any, compound: Place, grid: Grid | None, day: dt.date, policy: Policy
) -> NaiveTier:
    actors = _post_actors(g, grid.id, day, policy) if grid is not None else []
    bodies = [*_serving(g, compound.id), *_answering(g, compound.id)]
    owners_committee = next((b for b in bodies if b.kind is BodyKind.OWNERS_COMMITTEE), None)
    smc = next((b for b in bodies if b.kind is BodyKind.SELF_MANAGEMENT_COMMITTEE), None)
    actors += [_body_actor(b, policy) for b in bodies]
    own = [b.id for b in bodies]
    meetings = _meetings_for(g, compound.id)
    deliberation: Deliberation | None = None
    if owners_committee is not None:
        forum = meetings[0] if meetings else None
        convener: str | None
        if forum is not None:
            convener = forum.convener
            helpers = [m for m in forum.members if m in own]
        else:
            leaders = _preds(g, owners_committee.id, Relation.LEADS, Relation.EMBEDDED_IN)
            convener = leaders[0] if leaders else None
            helpers = [b.id for b in _serving(g, compound.id)]
        deliberation = Deliberation(
            owners_committee.id,
            "civil_code_278",
            forum.id if forum else None,
            convener,
            tuple(h for h in helpers if h != owners_committee.id),
        )
    else:
        consulting = _consultation_forum(g, compound, own, at_compound=True)
        if consulting is not None:
            deliberation = _consultation(consulting, smc, own)
            actors.append(
                _meeting_actor(consulting, policy.meeting_domains | {Domain.OWNERS_DECISION})
            )
    actors += [_meeting_actor(m, policy.meeting_domains) for m in meetings]
    return NaiveTier(
        Tier.COMPOUND, Scope.COMPOUND, compound.id, _unique(actors), deliberation=deliberation
    )


def _community_tier(
    g: Any,
    community: Place,
    grid: Grid | None,
    compound: Place | None,
    day: dt.date,
    policy: Policy,
) -> NaiveTier:
    actors = _post_actors(g, grid.id, day, policy) if grid is not None else []
    room: str | None = None
    for body in _answering(g, community.id):
        actors.append(_body_actor(body, policy))
        if body.kind is BodyKind.MEDIATION_ROOM and room is None:
            room = body.id
        actors += _post_actors(g, body.id, day, policy)
    deliberation: Deliberation | None = None
    if compound is not None:
        bodies = [*_serving(g, compound.id), *_answering(g, compound.id)]
        if not any(b.kind is BodyKind.OWNERS_COMMITTEE for b in bodies):
            own = [b.id for b in bodies]
            smc = next((b for b in bodies if b.kind is BodyKind.SELF_MANAGEMENT_COMMITTEE), None)
            consulting = _consultation_forum(g, compound, own, at_compound=False)
            if consulting is not None:
                deliberation = _consultation(consulting, smc, own)
                actors.append(
                    _meeting_actor(consulting, policy.meeting_domains | {Domain.OWNERS_DECISION})
                )
    actors += [_meeting_actor(m, policy.meeting_domains) for m in _meetings_for(g, community.id)]
    return NaiveTier(
        Tier.COMMUNITY,
        Scope.COMMUNITY,
        community.id,
        _unique(actors),
        mediation_room=room,
        deliberation=deliberation,
    )


def _whistle_tier(
    g: Any, places: Sequence[Place], community: Place | None, policy: Policy
) -> NaiveTier | None:
    actors: list[NaiveActor] = []
    for candidate in places:
        actors += [
            _body_actor(b, policy)
            for b in _answering(g, candidate.id)
            if b.kind in _DEPARTMENT_KINDS
        ]
    if community is not None:
        for body in _answering(g, community.id):
            for partner_id in [
                *_succs(g, body.id, Relation.PARTNERS, Relation.PAIRED),
                *_preds(g, body.id, Relation.PARTNERS, Relation.PAIRED),
            ]:
                partner: Body = _obj(g, partner_id)
                if partner.kind is BodyKind.PARTNER_UNIT:
                    actors.append(_body_actor(partner, policy))
    if not actors:
        return None
    return NaiveTier(Tier.WHISTLE, Scope.COMMUNITY, None, _unique(actors))


def _cover(actors: Sequence[NaiveActor], need: frozenset[Domain]) -> list[NaiveActor]:
    chosen: list[NaiveActor] = []
    remaining = set(need)
    while remaining:
        best: NaiveActor | None = None
        best_count = 0
        for actor in actors:
            count = len(actor.domains & remaining)
            if count > best_count:
                best, best_count = actor, count
        if best is None:
            break
        chosen.append(best)
        remaining -= best.domains
    return chosen


def _names(domains: Iterable[Domain]) -> str:
    wanted = set(domains)
    return ", ".join(d.value for d in Domain if d in wanted)


def _domains_of(actors: Sequence[NaiveActor], actor_id: str) -> frozenset[Domain]:
    return next((a.domains for a in actors if a.id == actor_id), _EMPTY)


def naive_route(structure: Structure, case: Case, *, policy: Policy = DEFAULT_POLICY) -> Routing:
    """``govmodel.route`` recomputed from ``structure.graph`` on every call."""
    need = frozenset(case.domains) if case.domains else policy.category_domains[case.category]
    return _naive_routing(structure, case, need, at=case.reported_at, policy=policy)


_FIRST_CONTACT = "first contact"  # owner: the receiver, else a grid post held on the day


def _naive_routing(
    structure: Structure,
    case: Case,
    need: frozenset[Domain],
    *,
    at: dt.datetime,
    policy: Policy,
    min_tier: Tier | None = None,
    owner: str | None = _FIRST_CONTACT,
    note: str = "",
) -> Routing:
    """Route ``case`` for ``need`` at ``at``, from ``min_tier`` up (escalation) or from the
    bottom, owned by ``owner`` (else by the handler)."""
    g = structure.graph
    if case.place not in g or not isinstance(_obj(g, case.place), Place):
        raise UnknownNodeError(case.place, f'the places of the structure "{structure.name}"')
    place: Place = _obj(g, case.place)
    day = at.date()
    # A unit is handled as its building, unless something answers for it or a grid covers it.
    while (
        place.kind is PlaceKind.UNIT
        and (parent := _parent(g, place.id, Relation.CONTAINS)) is not None
        and not _answering(g, place.id)
        and not _preds(g, place.id, Relation.COVERS)
    ):
        place = _obj(g, parent)

    lineage: list[Place] = []
    seen = {place.id}
    current = _parent(g, place.id, Relation.CONTAINS)
    while current is not None and current not in seen:
        seen.add(current)
        lineage.append(_obj(g, current))
        current = _parent(g, current, Relation.CONTAINS)
    places = [place, *lineage]

    chain: list[Grid] = []
    for candidate in places:
        covering: list[Grid] = [_obj(g, u) for u in _preds(g, candidate.id, Relation.COVERS)]
        if covering:
            chain = [min(covering, key=lambda grid: _LEVEL_ORDER[grid.level])]
            grid_seen = {chain[0].id}
            up = _parent(g, chain[0].id, Relation.PARENT_OF)
            while up is not None and up not in grid_seen:
                grid_seen.add(up)
                chain.append(_obj(g, up))
                up = _parent(g, up, Relation.PARENT_OF)
            break
    by_level = {grid.level: grid for grid in chain}
    community = next((p for p in places if p.kind is PlaceKind.COMMUNITY), None)
    compound = next((p for p in places if p.kind is PlaceKind.COMPOUND), None)

    own: list[NaiveTier] = []
    if GridLevel.MICRO in by_level:
        own.append(_micro_tier(g, by_level[GridLevel.MICRO], day, policy))
    if compound is not None:
        own.append(_compound_tier(g, compound, by_level.get(GridLevel.COMPOUND), day, policy))
    if community is not None:
        own.append(
            _community_tier(g, community, by_level.get(GridLevel.COMMUNITY), compound, day, policy)
        )
    # A higher tier convenes everyone beneath it (难事联办), its own actors first.
    tiers: list[NaiveTier] = []
    below: list[NaiveActor] = []
    deliberation: Deliberation | None = None
    for tier in own:
        deliberation = tier.deliberation or deliberation
        tiers.append(
            NaiveTier(
                tier.tier,
                tier.reach,
                tier.anchor,
                _unique([*tier.actors, *below]),
                mediation_room=tier.mediation_room,
                deliberation=deliberation,
            )
        )
        below = [*tier.actors, *below]
    whistle = _whistle_tier(g, places, community, policy)
    office = None
    for candidate in places:
        office = next(
            (b for b in _answering(g, candidate.id) if b.kind is BodyKind.STREET_OFFICE), None
        )
        if office is not None:
            break
    convener = None
    if community is not None:
        party = [b for b in _answering(g, community.id) if b.kind in _PARTY_KINDS]
        party.sort(key=lambda b: b.kind is not BodyKind.PARTY_COMMITTEE)
        convener = party[0].id if party else None
    ladder = (
        *(t.tier for t in tiers),
        *((Tier.WHISTLE,) if whistle else ()),
        Tier.STREET,
    )

    if owner is _FIRST_CONTACT:
        owner = case.receiver
        if owner is None:
            for grid in chain:
                candidates = sorted(
                    (p for p in _posts_in(g, grid.id) if p.role in _OWNER_ROLES),
                    key=lambda p: _OWNER_ROLES.index(p.role),
                )
                owner = next((p.id for p in candidates if _present(g, p.id, day)), None)
                if owner is not None:
                    break

    domains = tuple(d for d in Domain if d in need)

    def finish(
        tier: Tier, procedure: Procedure, handler: str | None, reason: str, **extra: Any
    ) -> Routing:
        if procedure is Procedure.DELIBERATION:
            limit = max(policy.deliberation_limit, policy.time_limits[tier][case.urgency])
            due = at + limit
        else:
            due = policy.due(tier, case.urgency, at)
        return Routing(
            tier=tier,
            procedure=procedure,
            handler=handler,
            owner=owner if owner is not None else handler,
            due=due,
            reason=note + reason,
            ladder=ladder,
            domains=domains,
            **extra,
        )

    if case.scope is not Scope.BEYOND:
        for tier in tiers:
            if min_tier is not None and tier.tier < min_tier:
                continue
            if tier.reach < case.scope or not need <= tier.domains:
                continue
            return _naive_at_grid_tier(tier, need, case, finish)
        if whistle is not None and (min_tier is None or min_tier <= Tier.WHISTLE):
            last = tiers[-1] if tiers and tiers[-1].tier is Tier.COMMUNITY else None
            community_actors = last.actors if last is not None else []
            community_domains = last.domains if last is not None else _EMPTY
            dept_domains = whistle.domains
            dept_need = need - community_domains
            if dept_need and need <= community_domains | dept_domains:
                # The fewest departments that together hold what is left, the one holding
                # most leading.
                summoned = _cover(whistle.actors, dept_need)
                lead = summoned[0]
                helpers = _cover(community_actors, need - dept_domains)
                verb = "is" if len(dept_need) == 1 else "are"
                reason = (
                    f"whistle: {_names(dept_need)} {verb} held only by departments; "
                    f"{convener or 'the community'} blows the whistle and "
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
                    convener=convener,
                )
    handler = office.id if office is not None else None
    if case.scope is Scope.BEYOND:
        why = "the matter reaches beyond the community"
    elif min_tier is not None and min_tier > Tier.MICRO_GRID:
        why = f"no tier from {min_tier.value} up in the community settles {_names(need)}"
    else:
        why = f"no one in the community holds {_names(need)}"
    reason = f"street: {why}; {handler or 'the street'} answers as the last resort (属地兜底)"
    return finish(Tier.STREET, Procedure.TRANSFER, handler, reason, convener=convener)


def _naive_at_grid_tier(
    tier: NaiveTier, need: frozenset[Domain], case: Case, done: Callable[..., Routing]
) -> Routing:
    actors = tier.actors
    label = _LABEL[tier.tier]
    where = f"{label} {tier.anchor}" if tier.anchor else label
    deliberation = tier.deliberation
    if Domain.OWNERS_DECISION in need and deliberation is not None:
        committee = deliberation.handler
        present = {a.id for a in actors}
        helpers = [h for h in deliberation.helpers if h in present]
        held = {Domain.OWNERS_DECISION, *_domains_of(actors, committee)}
        for helper in helpers:
            held |= _domains_of(actors, helper)
        others = [a for a in actors if a.id != committee and a.id not in helpers]
        helpers += [a.id for a in _cover(others, need - held)]
        if deliberation.rule == "civil_code_278":
            how = f"the owners decide under Civil Code art. 278, organised by {committee}"
        else:
            how = (
                f"the households are consulted through {deliberation.forum}, "
                f"organised by {committee} (no owners' committee)"
            )
        return done(
            tier.tier,
            Procedure.DELIBERATION,
            committee,
            f"{where}: owners_decision — {how} (调研—座谈—征询)",
            co_handlers=tuple(helpers),
            forum=deliberation.forum,
            convener=deliberation.convener,
            rule=deliberation.rule,
        )
    room = tier.mediation_room
    if tier.tier is Tier.COMMUNITY and Domain.NEIGHBOUR_DISPUTE in need and room:
        aides = _cover([a for a in actors if a.id != room], need - _domains_of(actors, room))
        return done(
            tier.tier,
            Procedure.MEDIATION,
            room,
            f"{where}: a neighbour dispute goes to the mediation room {room} (大事不出社区)",
            co_handlers=tuple(a.id for a in aides),
        )
    receiver = next((a for a in actors if a.id == case.receiver), None)
    if receiver is not None and need <= receiver.domains:
        reason = (
            f"{label} tier: {receiver.id}, the first contact, holds {_names(need)}: "
            "handled on the spot (马上办)"
        )
        return done(tier.tier, Procedure.ON_THE_SPOT, receiver.id, reason)
    team = _cover(actors, need)
    handler, crew = team[0], team[1:]
    # A standing meeting in the team is the forum of a joint handling (难事联办), its convener
    # leading.
    meeting = next((a for a in team if a.convener is not None), None)
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
    joint: dict[str, str | None] = {}
    if meeting is not None:
        reason += f", jointly through {meeting.id} (难事联办)"
        joint = {"forum": meeting.id, "convener": meeting.convener}
    return done(
        tier.tier, procedure, handler.id, reason, co_handlers=tuple(a.id for a in crew), **joint
    )


_NEXT_TIER = {tier: tuple(Tier)[tier.rank + 1] for tier in tuple(Tier)[:-1]}


def naive_escalate(
    structure: Structure,
    state: CaseState,
    *,
    now: dt.datetime,
    policy: Policy = DEFAULT_POLICY,
    recent: Sequence[Case] = (),
) -> Routing | None:
    """``govmodel.escalate`` written from docs/routing.md ("Escalation") over ``naive_route``.

    Its four triggers in order (a newly found domain, reopened, overdue, recurring), then
    the case routed again from the graph, from its own tier (a found domain) or the next.
    """
    if state.status in (Status.RESOLVED, Status.CLOSED) or state.routing is None:
        return None
    routing = state.routing
    case = state.case
    need = frozenset(case.domains) if case.domains else policy.category_domains[case.category]
    need |= frozenset(state.extra_domains)
    owner = state.routings[0].owner if state.routings else routing.owner
    missing = need - frozenset(routing.domains)
    if missing:
        found = ", ".join(sorted(d.value for d in missing))
        note = f"newly found {found}, which the {routing.tier.value} routing lacks; "
        return _naive_routing(
            structure,
            case,
            need,
            at=now,
            policy=policy,
            min_tier=routing.tier,
            owner=owner,
            note=note,
        )
    if routing.tier is Tier.STREET:
        return None
    if state.status is Status.REOPENED:
        note = f"reopened ({state.reopen_reason}); " if state.reopen_reason else "reopened; "
    elif now > routing.due:
        note = f"overdue since {routing.due.isoformat(sep=' ', timespec='minutes')}; "
    else:
        start = case.reported_at - policy.recurrence_window
        count = 0
        if len(state.routings) == 1:
            count = sum(
                1
                for other in recent
                if other.id != case.id
                and other.place == case.place
                and other.category is case.category
                and start <= other.reported_at < case.reported_at
            )
        if count < policy.recurrence_threshold:
            return None
        note = (
            f"reported {count} times before in {policy.recurrence_window.days} days at this place; "
        )
    return _naive_routing(
        structure,
        case,
        need,
        at=now,
        policy=policy,
        min_tier=_NEXT_TIER[routing.tier],
        owner=owner,
        note=note,
    )


# -- checks --------------------------------------------------------------------------------------


def example_cases(structure: Structure, n: int, *, seed: int) -> list[Case]:
    """Cases over every kind of place of a bundled example, on days when posts change hands."""
    rng = random.Random(seed)
    places = [p.id for p in structure.places()]
    contacts = [p.id for p in structure.posts()] + [b.id for b in structure.bodies()]
    first = dt.datetime(2024, 6, 1)
    cases: list[Case] = []
    for i in range(n):
        domains = None
        if rng.random() < 0.1:
            domains = tuple(rng.sample(list(Domain), rng.randint(1, 3)))
        cases.append(
            Case(
                id=f"example:{i}",
                category=rng.choice(list(Category)),
                place=rng.choice(places),
                reported_at=first + dt.timedelta(days=rng.randrange(950), hours=rng.randrange(24)),
                scope=rng.choice(list(Scope)),
                urgency=rng.choice(list(Urgency)),
                domains=domains,
                receiver=rng.choice(contacts) if rng.random() < 0.3 else None,
            )
        )
    return cases


def check_agreement(structure: Structure, cases: Sequence[Case]) -> int:
    for case in cases:
        fast = govmodel.route(structure, case)
        slow = naive_route(structure, case)
        if fast != slow:
            raise AssertionError(
                f"naive and fast disagree on {case}:\n  fast:  {fast}\n  naive: {slow}"
            )
    return len(cases)


@dataclass(frozen=True)
class Check:
    """A case's state when ``escalate`` looks at it: at ``now``, with ``recent`` reports."""

    state: CaseState
    now: dt.datetime
    recent: tuple[Case, ...] = ()


def overdue(structure: Structure, cases: Sequence[Case]) -> list[Check]:
    """Each case routed, then checked a minute after its due time, as the simulator does."""
    checks: list[Check] = []
    for case in cases:
        first = govmodel.route(structure, case)
        t = case.reported_at
        state = replay([Reported(case=case, at=t), Routed(case_id=case.id, at=t, routing=first)])
        checks.append(Check(state, first.due + dt.timedelta(minutes=1)))
    return checks


def escalation_checks(structure: Structure, cases: Sequence[Case], *, seed: int) -> list[Check]:
    """Every trigger of ``escalate``: overdue, reopened (some after a visit found a new
    domain), recurring, not yet due; and a second escalation after the first."""
    rng = random.Random(seed)
    checks: list[Check] = []
    for case in cases:
        first = govmodel.route(structure, case)
        t = case.reported_at
        events: list[Any] = [
            Reported(case=case, at=t),
            Routed(case_id=case.id, at=t, routing=first),
        ]
        draw = rng.random()
        recent: tuple[Case, ...] = ()
        if draw < 0.4:
            now = first.due + dt.timedelta(minutes=rng.choice((1, 600, 6000)))
        elif draw < 0.7:
            actor = first.handler or first.owner or "nobody"
            found = (rng.choice(list(Domain)),) if rng.random() < 0.5 else ()
            now = t + dt.timedelta(days=2)
            events += [
                Accepted(case_id=case.id, at=t, actor=actor),
                Resolved(case_id=case.id, at=t + dt.timedelta(hours=5), actor=actor),
                Revisited(case_id=case.id, at=now, actor=actor, satisfied=False, found=found),
                Reopened(case_id=case.id, at=now, reason="not settled", domains=found),
            ]
        elif draw < 0.9:
            now = t + dt.timedelta(hours=1)
            recent = tuple(
                Case(
                    id=f"{case.id}:before-{days}",
                    category=case.category,
                    place=case.place,
                    reported_at=t - dt.timedelta(days=days),
                )
                for days in rng.sample((2, 5, 9, 20, 40), rng.randint(1, 3))
            )
        else:
            now = t + dt.timedelta(minutes=30)
        state = replay(events)
        checks.append(Check(state, now, recent))
        again = govmodel.escalate(structure, state, now=now, recent=recent)
        if again is not None:
            later = again.due + dt.timedelta(minutes=1)
            state = replay([*events, Routed(case_id=case.id, at=now, routing=again)])
            checks.append(Check(state, later))
    return checks


def check_escalations(structure: Structure, checks: Sequence[Check]) -> int:
    for check in checks:
        fast = govmodel.escalate(structure, check.state, now=check.now, recent=check.recent)
        slow = naive_escalate(structure, check.state, now=check.now, recent=check.recent)
        if fast != slow:
            raise AssertionError(
                f"naive and fast escalations disagree on {check}:\n  fast:  {fast}\n  naive: {slow}"
            )
    return len(checks)


# -- timing --------------------------------------------------------------------------------------


def timed(
    route: Callable[[Structure, Case], Routing], s: Structure, cases: Sequence[Case]
) -> float:
    """Routes per second over ``cases``, after a garbage collection."""
    gc.collect()
    start = time.perf_counter()
    for case in cases:
        route(s, case)
    elapsed = time.perf_counter() - start
    return len(cases) / elapsed


def timed_escalations(
    escalate: Callable[..., Routing | None], s: Structure, checks: Sequence[Check]
) -> float:
    """Escalation checks per second over ``checks``, after a garbage collection."""
    gc.collect()
    start = time.perf_counter()
    for check in checks:
        escalate(s, check.state, now=check.now)
    elapsed = time.perf_counter() - start
    return len(checks) / elapsed


def routing_tables(structure: Structure) -> dict[str, int] | None:
    """What ``route`` has cached on the structure (diagnostic only): place tables, shapes,
    plans, and the routings the places keep.

    This reads ``route``'s private cache, so it answers ``None`` if that cache changes
    shape.
    """
    cache: dict[int, Any] = structure.memo("routing", dict)
    entry = cache.get(id(DEFAULT_POLICY))
    index: Any = entry[1] if isinstance(entry, tuple) else None
    try:
        tables = {id(t): t for t in index.places.values()}.values()
        return {
            "tables": len(tables),
            "shapes": len(index.shapes),
            "plans": sum(len(shape.plans) for shape in index.shapes.values()),
            "routings": sum(len(t) for t in tables),
        }
    except (AttributeError, TypeError):
        return None


@dataclass
class Round:
    """One round of timings: routes or escalations per second, and the tables made."""

    cold: float
    warm: float
    repeat: float
    naive: float
    escalate: float
    naive_escalate: float
    after_cold: dict[str, int] | None
    after_warm: dict[str, int] | None
    load: str


def one_round(
    s: Structure,
    cold_cases: Sequence[Case],
    warm_cases: Sequence[Case],
    naive_cases: Sequence[Case],
    escalation_cases: Sequence[Case],
    naive_escalations: int,
) -> Round:
    # Cold: a fresh structure object, so every routing table is built during the pass.
    fresh = Structure(name=s.name, name_zh=s.name_zh, **s.records())
    assert fresh == s
    cold = timed(govmodel.route, fresh, cold_cases)
    after_cold = routing_tables(fresh)
    # Warm: the same structure, its tables built by the cold pass, a fresh batch of cases.
    warm = timed(govmodel.route, fresh, warm_cases)
    after_warm = routing_tables(fresh)
    # Repeat: the warm batch again, every routing already kept (an upper bound, not a target).
    repeat = timed(govmodel.route, fresh, warm_cases)
    naive = timed(naive_route, s, naive_cases)
    # Escalate: a fresh batch routed on the warm structure, each checked a minute after its
    # due time, as the simulator checks overdue cases.
    checks = overdue(fresh, escalation_cases)
    escalate = timed_escalations(govmodel.escalate, fresh, checks)
    naive_escalate_rate = timed_escalations(naive_escalate, s, checks[:naive_escalations])
    return Round(
        cold,
        warm,
        repeat,
        naive,
        escalate,
        naive_escalate_rate,
        after_cold,
        after_warm,
        load_average(),
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--places-scale",
        type=float,
        default=1.0,
        help="scale of the generated street: 1.0 is 25 communities, about 105,000 places",
    )
    parser.add_argument("--cases", type=int, default=300_000, help="cases per fast batch")
    parser.add_argument("--naive-cases", type=int, default=20_000, help="cases for the naive")
    parser.add_argument(
        "--verify-cases", type=int, default=5_000, help="generated cases checked for agreement"
    )
    parser.add_argument(
        "--escalations", type=int, default=100_000, help="overdue cases for escalate"
    )
    parser.add_argument(
        "--naive-escalations", type=int, default=5_000, help="overdue cases for the naive"
    )
    parser.add_argument("--rounds", type=int, default=3, help="timed rounds; the best counts")
    parser.add_argument("--seed", type=int, default=20261122)
    parser.add_argument("--cpu", type=int, default=0, help="the core to pin the process to")
    args = parser.parse_args(argv)
    if args.verify_cases > args.naive_cases:
        parser.error("--verify-cases must not exceed --naive-cases")
    if args.naive_escalations > args.escalations:
        parser.error("--naive-escalations must not exceed --escalations")

    pinned = pin_to_one_core(args.cpu)
    print(
        f"python {platform.python_version()} on {platform.system()} {platform.machine()}, "
        f"{cpu_model()}, {os.cpu_count()} cpus, {pinned}"
    )
    print(f"load average at start: {load_average()}")

    start = time.perf_counter()
    town: Town = build_town(args.places_scale, args.seed)
    s = town.structure
    built = time.perf_counter() - start
    print(f"structure: {s!r} ({built:.1f} s to build)")
    print(
        f"graph: {s.graph.number_of_nodes():,} nodes, {s.graph.number_of_edges():,} edges; "
        f"{town.place_count:,} places"
    )
    problems = govmodel.validate(s)
    assert problems == (), problems[:5]
    print("validate: no problems")

    cold_cases = generate_cases(town, args.cases, seed=args.seed + 1, prefix="cold")
    warm_cases = generate_cases(town, args.cases, seed=args.seed + 2, prefix="warm")
    naive_cases = generate_cases(town, args.naive_cases, seed=args.seed + 3, prefix="naive")
    escalation_cases = generate_cases(town, args.escalations, seed=args.seed + 4, prefix="overdue")

    checked = escalations = 0
    for name in govmodel.examples.names():
        example = govmodel.examples.load(name)
        cases = example_cases(example, 1_000, seed=args.seed)
        checked += check_agreement(example, cases)
        escalations += check_escalations(example, escalation_checks(example, cases, seed=args.seed))
    print(f"naive and fast agree on {checked:,} cases over the five bundled examples")
    print(f"naive and fast agree on {escalations:,} escalation checks over the examples")
    agreed = check_agreement(s, naive_cases[: args.verify_cases])
    print(f"naive and fast agree on {agreed:,} cases")
    sample = naive_cases[: args.verify_cases // 5]
    agreed = check_escalations(s, escalation_checks(s, sample, seed=args.seed))
    print(f"naive and fast agree on {agreed:,} escalation checks")

    rounds: list[Round] = []
    print()
    print(
        f"{'round':<7}{'cold':>10}{'warm':>10}{'repeat':>10}{'naive':>8}"
        f"{'escalate':>10}{'naive':>8}   load average after"
    )
    for number in range(1, args.rounds + 1):
        r = one_round(
            s, cold_cases, warm_cases, naive_cases, escalation_cases, args.naive_escalations
        )
        rounds.append(r)
        print(
            f"{number:<7}{r.cold:>10,.0f}{r.warm:>10,.0f}{r.repeat:>10,.0f}{r.naive:>8,.0f}"
            f"{r.escalate:>10,.0f}{r.naive_escalate:>8,.0f}   {r.load}"
        )
    best = Round(
        max(r.cold for r in rounds),
        max(r.warm for r in rounds),
        max(r.repeat for r in rounds),
        max(r.naive for r in rounds),
        max(r.escalate for r in rounds),
        max(r.naive_escalate for r in rounds),
        rounds[0].after_cold,
        rounds[0].after_warm,
        load_average(),
    )

    print()
    print(f"best of {len(rounds)} (each against the best naive rate):")
    print(f"{'pass':<10}{'checks':>10}{'per second':>14}{'x naive':>10}")
    for label, n, rate, naive in (
        ("cold", args.cases, best.cold, best.naive),
        ("warm", args.cases, best.warm, best.naive),
        ("repeat", args.cases, best.repeat, best.naive),
        ("naive", args.naive_cases, best.naive, best.naive),
        ("escalate", args.escalations, best.escalate, best.naive_escalate),
        ("naive", args.naive_escalations, best.naive_escalate, best.naive_escalate),
    ):
        print(f"{label:<10}{n:>10,}{rate:>14,.0f}{rate / naive:>10.1f}")
    print("(routes per second, then escalations of overdue cases per second;")
    print(" repeat: the warm batch again, every routing kept by its place; not a target)")
    for label, tables in (("cold", best.after_cold), ("warm", best.after_warm)):
        if tables is not None:
            print(
                f"after the {label} pass: {tables['tables']:,} place tables, "
                f"{tables['shapes']:,} shapes, {tables['plans']:,} plans, "
                f"{tables['routings']:,} routings kept by places"
            )
    print()
    ok = True
    for label, rate in (("warm", best.warm), ("cold", best.cold)):
        met = rate >= TARGET_ROUTES_PER_SECOND
        ratio_met = rate / best.naive >= TARGET_RATIO
        ok = ok and met and ratio_met
        print(
            f"target {TARGET_ROUTES_PER_SECOND:,} routes/s, {label}: "
            f"{'MET' if met else 'NOT MET'} ({rate:,.0f})"
        )
        print(
            f"target {TARGET_RATIO:.0f}x naive, {label}: "
            f"{'MET' if ratio_met else 'NOT MET'} ({rate / best.naive:.1f}x)"
        )
    print("all targets met" if ok else "some targets NOT met")
    print(f"load average at end: {load_average()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

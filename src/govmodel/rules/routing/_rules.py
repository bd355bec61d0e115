"""The rules of routing, as ``docs/routing.md`` states them, on a shape's tables.

:func:`make_plan` chooses the tier (the lowest grid tier that reaches the
case's scope and holds what it needs, else the whistle, else the street), the
procedure, the handler and co-handlers (a greedy cover of the domains needed),
and writes the reason. It works on a shape's tables, whose ids are tokens, so
its plan holds for every place of the shape.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from govmodel.model import Procedure, Scope, Tier
from govmodel.rules.routing._domains import NEIGHBOUR_DISPUTE, OWNERS_DECISION, domains_of, names
from govmodel.rules.routing._shapes import Plan, Shape, slot_of, token
from govmodel.rules.routing._tiers import Actor, TierRecord

if TYPE_CHECKING:  # the tables call make_plan, which only appends to them
    from govmodel.rules.routing._tables import Tables

__all__ = ["make_plan"]


def _cover(actors: Sequence[Actor], need: int) -> list[Actor]:
    """Greedy cover: the actor holding most of what is still needed, first in order on ties."""
    chosen: list[Actor] = []
    remaining = need
    while remaining:
        best: Actor | None = None
        best_count = 0
        # An actor holding all that is still needed is the best there can be, and
        # the first such one wins the tie: the rest need not be looked at (a compound
        # tier lists every micro-grid post of the compound).
        full = remaining.bit_count()
        for actor in actors:
            count = (actor.mask & remaining).bit_count()
            if count > best_count:
                best, best_count = actor, count
                if count == full:
                    break
        if best is None:
            break
        chosen.append(best)
        remaining &= ~best.mask
    return chosen


def make_plan(
    tables: Tables,
    shape: Shape,
    need: int,
    scope: Scope,
    receiver: str | None,
    absent: int,
    min_tier: Tier | None,
    *,
    emergency: bool = False,
) -> Plan:
    """Route a kind of case on a shape's tables (ids are tokens there).

    ``receiver`` is the token of the case's first contact when it is one of the
    place's actors, ``absent`` the bit set of the vacant posts on the day.
    """
    domains = domains_of(need)
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
    ) -> Plan:
        pieces = reason.split("\x00")
        tables.consts.append(
            (tier, procedure, shape.ladder, domains, rule, tables.limits(tier, procedure))
        )
        return Plan(
            len(tables.consts) - 1,
            None if handler is None else slot_of(handler),
            tuple(slot_of(a) for a in co_handlers),
            tuple(slot_of(a) for a in summoned),
            None if convener is None else slot_of(convener),
            None if forum is None else slot_of(forum),
            tuple(pieces[0::2]),
            tuple(int(n) for n in pieces[1::2]),
            owner,
            shape.split,
            distinct=procedure is Procedure.EMERGENCY,
        )

    if emergency:
        return _emergency(shape, need, scope, absent, min_tier, owner, finish)
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
            is_community = community is not None and community.tier is Tier.COMMUNITY
            community_actors, community_mask = (
                community.actors_on(absent) if community is not None and is_community else ((), 0)
            )
            dept_actors, dept_mask = whistle.actors_on(absent)
            dept_need = need & ~community_mask
            if dept_need and not (need & ~(community_mask | dept_mask)):
                # The departments the matter needs: the fewest that together
                # hold it, the one holding most leading.
                summoned = _cover(dept_actors, dept_need)
                lead = summoned[0]
                if min_tier is None and len(summoned) == 1 and not need & ~lead.mask:
                    # One department settles it alone: referred (转办 / 派单).
                    verb = "is" if need.bit_count() == 1 else "are"
                    reason = (
                        f"referral: {names(need)} {verb} for {lead.id} alone: referred to it, "
                        "the first contact follows it up (转办、首接负责)"
                    )
                    return finish(Tier.WHISTLE, Procedure.REFERRAL, lead.id, reason)
                left = need & ~dept_mask
                deliberation = community.deliberation if community and is_community else None
                forum: str | None = None
                rule: str | None = None
                if left & OWNERS_DECISION and deliberation is not None:
                    present = {a.id for a in community_actors}
                    helpers = [
                        deliberation.handler,
                        *(h for h in deliberation.helpers if h in present),
                    ]
                    held = OWNERS_DECISION
                    for helper in helpers:
                        held |= _mask_of(community_actors, helper)
                    others = [a for a in community_actors if a.id not in helpers]
                    helpers += [a.id for a in _cover(others, left & ~held)]
                    forum, rule = deliberation.forum, deliberation.rule
                else:
                    crew = _cover(community_actors, left)
                    helpers = [a.id for a in crew]
                    forum = next((a.id for a in crew if a.id in shape.conveners), None)
                verb = "is" if dept_need.bit_count() == 1 else "are"
                reason = (
                    f"whistle: {names(dept_need)} {verb} held only by departments; "
                    f"{shape.convener or 'the community'} blows the whistle and "
                    f"{', '.join(a.id for a in summoned)} "
                    f"{'reports' if len(summoned) == 1 else 'report'} (街乡吹哨、部门报到)"
                )
                return finish(
                    Tier.WHISTLE,
                    Procedure.WHISTLE,
                    lead.id,
                    reason,
                    co_handlers=tuple(helpers),
                    summoned=tuple(a.id for a in summoned),
                    convener=shape.convener,
                    forum=forum,
                    rule=rule,
                )
    handler = shape.street.anchor
    if scope is Scope.BEYOND:
        why = "the matter reaches beyond the community"
    elif min_tier is not None and min_tier > Tier.MICRO_GRID:
        tried = min(min_tier, Tier.WHISTLE).value
        why = f"no tier from {tried} up in the community settles {names(need)}"
    else:
        why = f"no one in the community holds {names(need)}"
    # The departments holding part of the matter are summoned with the street office.
    units = shape.whistle.actors_on(absent)[0] if shape.whistle is not None else ()
    called = tuple(a.id for a in _cover(units, need))
    with_units = f", {', '.join(called)} summoned" if called else ""
    reason = (
        f"street: {why}; {handler or 'the street'} answers as the last resort{with_units} "
        "(属地兜底)"
    )
    return finish(
        Tier.STREET,
        Procedure.TRANSFER,
        handler,
        reason,
        summoned=called,
        convener=shape.convener,
    )


def _emergency(
    shape: Shape,
    need: int,
    scope: Scope,
    absent: int,
    min_tier: Tier | None,
    owner: int | None,
    finish: Callable[..., Plan],
) -> Plan:
    """An emergency: dispatched at once, with the grid worker on the spot (接诉即办)."""
    worker = None if owner is None else token(owner)
    units = shape.whistle.actors_on(absent)[0] if shape.whistle is not None else ()
    dispatched = _cover(units, need)
    held = 0
    for actor in dispatched:
        held |= actor.mask
    top = shape.grid_tiers[-1] if shape.grid_tiers else None
    top_actors, top_mask = top.actors_on(absent) if top is not None else ((), 0)
    beside = f", {worker} on the spot" if worker is not None else ""

    def crew(
        handler: str | None, others: Sequence[Actor], *, on_spot: str | None = worker
    ) -> tuple[str, ...]:
        ids = [on_spot, *(a.id for a in others)]
        return tuple(a for a in dict.fromkeys(ids) if a is not None and a != handler)

    def joint(
        team: Sequence[Actor], wanted: int, tier: TierRecord | None
    ) -> tuple[str | None, str | None, str | None]:
        forum = next((a.id for a in team if a.id in shape.conveners), None)
        convener = shape.conveners[forum] if forum is not None else None
        deliberation = tier.deliberation if tier is not None else None
        if wanted & OWNERS_DECISION and deliberation is not None:
            return deliberation.forum, deliberation.convener, deliberation.rule
        return forum, convener, None

    if (
        dispatched
        and (min_tier is None or min_tier <= Tier.WHISTLE)
        and not need & ~(held | top_mask)
    ):
        lead = dispatched[0].id
        rest = _cover(top_actors, need & ~held)
        units_named = ", ".join(a.id for a in dispatched)
        forum, convener, rule = joint(rest, need & ~held, top)
        return finish(
            Tier.WHISTLE,
            Procedure.EMERGENCY,
            lead,
            f"emergency ({names(need)}): {units_named} dispatched at once{beside} "
            "(接诉即办、吹哨报到)",
            co_handlers=crew(lead, rest),
            summoned=tuple(a.id for a in dispatched),
            convener=convener,
            forum=forum,
            rule=rule,
        )
    if not dispatched and scope is not Scope.BEYOND:
        for tier in shape.grid_tiers:
            if min_tier is not None and tier.tier < min_tier:
                continue
            if tier.reach < scope:
                continue
            actors, mask = tier.actors_on(absent)
            if need & ~mask:
                continue
            handler, *others = _cover(actors, need)
            label = _LABEL[tier.tier]
            where = f"{label} {tier.anchor}" if tier.anchor else label
            forum, convener, rule = joint([handler, *others], need, tier)
            spot = worker if worker in {a.id for a in actors} else None
            near = f", {spot} on the spot" if spot is not None else ""
            return finish(
                tier.tier,
                Procedure.EMERGENCY,
                handler.id,
                f"emergency ({names(need)}): {handler.id} of the {where} dispatched at "
                f"once{near} (接诉即办)",
                co_handlers=crew(handler.id, others, on_spot=spot),
                convener=convener,
                forum=forum,
                rule=rule,
            )
    office = shape.street.anchor
    with_units = f" with {', '.join(a.id for a in dispatched)}" if dispatched else ""
    return finish(
        Tier.STREET,
        Procedure.EMERGENCY,
        office,
        f"emergency ({names(need)}): {office or 'the street'} dispatches{with_units}"
        f"{beside} (属地兜底)",
        co_handlers=crew(office, ()),
        summoned=tuple(a.id for a in dispatched),
    )


_LABEL = {Tier.MICRO_GRID: "micro-grid", Tier.COMPOUND: "compound", Tier.COMMUNITY: "community"}


def _at_grid_tier(
    shape: Shape,
    tier: TierRecord,
    actors: tuple[Actor, ...],
    need: int,
    receiver_id: str | None,
    done: Callable[..., Plan],
) -> Plan:
    label = _LABEL[tier.tier]
    where = f"{label} {tier.anchor}" if tier.anchor else label
    deliberation = tier.deliberation
    if need & OWNERS_DECISION and deliberation is not None:
        committee = deliberation.handler
        present = {a.id for a in actors}
        helpers = [h for h in deliberation.helpers if h in present]
        held = _mask_of(actors, committee) | OWNERS_DECISION
        for helper in helpers:
            held |= _mask_of(actors, helper)
        others = [a for a in actors if a.id != committee and a.id not in helpers]
        helpers += [a.id for a in _cover(others, need & ~held)]
        if deliberation.rule == "civil_code_278":
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
    if tier.tier is Tier.COMMUNITY and need & NEIGHBOUR_DISPUTE and tier.mediation_room:
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
            f"{label} tier: {receiver.id}, the first contact, holds {names(need)}: "
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
            f"{where} reaches {tier.reach.value} scope and holds {names(need)}: "
            "settled on the spot in the micro-grid (小事不出楼栋)"
        )
        procedure = Procedure.ON_THE_SPOT
    else:
        reason = (
            f"{where} is the lowest tier holding {names(need)}: "
            f"transferred to {handler.id} (快速转)"
        )
        procedure = Procedure.TRANSFER
    if forum is not None:
        reason += f", jointly through {forum} (难事联办)"
    return done(
        tier.tier, procedure, handler.id, reason, co_handlers=tuple(a.id for a in crew), **joint
    )


def _mask_of(actors: Sequence[Actor], actor_id: str) -> int:
    for actor in actors:
        if actor.id == actor_id:
            return actor.mask
    return 0

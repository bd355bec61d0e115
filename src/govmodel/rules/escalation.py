"""Escalation: the next step for a case its current tier is not settling.

:func:`escalate` fires on four things, checked in this order:

1. a **newly found domain** the current routing lacks (a return visit or a
   reopening found a latent problem): the case is routed again from its
   current tier upward;
2. a case **reopened** (after an unsatisfied return visit, or for any reason
   its ``Reopened`` event gives) and not yet routed again — the new
   routing's ``reason`` says it was reopened and that the reason is kept
   with the case, never the reason's words, which are personal data;
3. a case **overdue** at its current tier;
4. a **recurring** matter: the same category reported at the same place at
   least ``policy.recurrence_threshold`` times in ``policy.recurrence_window``
   before this case (escalated once, beyond its first routing).

For 2–4 the case moves to the lowest tier above its current one that can
settle it; the street office is the last resort. A referral becomes a whistle
order at its own tier (a matter that recurs or runs overdue after a referral),
and an emergency goes straight to the street, never tier by tier; an emergency
that nobody reported on the spot for within ``policy.emergency_report_limit``
of its report counts as overdue. Escalation never lowers the
tier, and from any routing it reaches ``street`` in at most ``len(ladder)``
steps; at ``street`` it returns ``None``. The first contact stays the owner
(首接负责制).

Examples
--------
>>> import datetime as dt
>>> from govmodel import Case, Category, Reported, Routed, Scope, escalate, examples, replay, route
>>> s = examples.load("xinhe")
>>> t = dt.datetime(2025, 5, 6, 9)
>>> case = Case(id="c", category=Category.NOISE, place="building:wanda-1", reported_at=t,
...             scope=Scope.BUILDING)
>>> first = route(s, case)
>>> state = replay([Reported(case=case, at=t), Routed(case_id="c", at=t, routing=first)])
>>> escalate(s, state, now=t + dt.timedelta(hours=1)) is None   # not yet due
True
>>> later = escalate(s, state, now=first.due + dt.timedelta(minutes=1))
>>> first.tier.value, later.tier.value, later.procedure.value
('micro_grid', 'compound', 'transfer')
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from govmodel.cases import Case, CaseState, Routing
from govmodel.model import Domain, Procedure, Status, Tier
from govmodel.rules.policy import DEFAULT_POLICY, Policy
from govmodel.rules.routing import domains_of, reroute, tables_for
from govmodel.structure import Structure

__all__ = ["escalate", "recurrences"]

_NEXT = {tier: tuple(Tier)[tier.rank + 1] for tier in tuple(Tier)[:-1]}


def _after(a: dt.datetime, b: dt.datetime, policy: Policy) -> bool:
    """``a > b``; naive and aware times compare as local times of the policy's zone."""
    if (a.tzinfo is None) is not (b.tzinfo is None):
        return policy.aware(a) > policy.aware(b)
    return a > b


def recurrences(case: Case, recent: Sequence[Case], *, policy: Policy = DEFAULT_POLICY) -> int:
    """How many earlier cases of the same category and place fall in the window.

    Examples
    --------
    >>> import datetime as dt
    >>> from govmodel import Case, Category
    >>> t = dt.datetime(2025, 5, 6)
    >>> cases = [Case(id=f"c{d}", category=Category.NOISE, place="b",
    ...               reported_at=t - dt.timedelta(days=d)) for d in (0, 3, 10, 45)]
    >>> recurrences(cases[0], cases)
    2
    """
    end = case.reported_at
    start = end - policy.recurrence_window
    count = 0
    for other in recent:
        if other.id == case.id or other.place != case.place or other.category is not case.category:
            continue
        at = other.reported_at
        if (at.tzinfo is None) is not (end.tzinfo is None):
            # Naive and aware times compare as local times of the policy's zone.
            at, start, end = policy.aware(at), policy.aware(start), policy.aware(end)
        count += start <= at < end
    return count


def escalate(
    structure: Structure,
    state: CaseState,
    *,
    now: dt.datetime,
    policy: Policy = DEFAULT_POLICY,
    recent: Sequence[Case] = (),
) -> Routing | None:
    """The next routing for a case that needs one, or ``None`` when nothing is due.

    Parameters
    ----------
    structure
        The structure the case lives in.
    state
        The case's current state (from :func:`govmodel.replay`).
    now
        The time of the check; the new routing's due time counts from it.
    policy
        Time limits, recurrence window and threshold.
    recent
        Other cases reported before this one, for the recurrence rule.

    Examples
    --------
    >>> import datetime as dt
    >>> from govmodel import (Case, Category, Reported, Resolved, Revisited, Reopened, Routed,
    ...                       Accepted, Scope, examples, replay, route)
    >>> s = examples.load("xinhe")
    >>> t = dt.datetime(2025, 5, 6, 9)
    >>> case = Case(id="c", category=Category.REPAIR, place="building:wanda-3", reported_at=t,
    ...             scope=Scope.BUILDING)
    >>> r = route(s, case)
    >>> state = replay([
    ...     Reported(case=case, at=t), Routed(case_id="c", at=t, routing=r),
    ...     Accepted(case_id="c", at=t, actor=r.handler),
    ...     Resolved(case_id="c", at=t + dt.timedelta(hours=5), actor=r.handler),
    ...     Revisited(case_id="c", at=t + dt.timedelta(days=2), actor=r.owner, satisfied=False),
    ...     Reopened(case_id="c", at=t + dt.timedelta(days=2), actor=r.owner,
    ...              reason="the door still sticks")])
    >>> again = escalate(s, state, now=t + dt.timedelta(days=2))
    >>> r.tier.value, again.tier.value
    ('compound', 'community')
    >>> again.reason.startswith("reopened (reason kept with the case); ")
    True
    >>> "the door still sticks" in again.reason  # a resident's words: personal data
    False
    """
    if state.status in (Status.RESOLVED, Status.CLOSED) or state.routing is None:
        return None
    return _next_routing(
        structure,
        state.case,
        state.routing,
        status=state.status,
        now=now,
        policy=policy,
        owner=state.routings[0].owner if state.routings else state.routing.owner,
        found=state.extra_domains,
        reason_kept=bool(state.reopen_reason),
        accepted=state.accepted_at is not None,
        first_routing=len(state.routings) == 1,
        recent=recent,
    )


def _next_routing(
    structure: Structure,
    case: Case,
    routing: Routing,
    *,
    status: Status,
    now: dt.datetime,
    policy: Policy,
    owner: str | None,
    found: tuple[Domain, ...],
    reason_kept: bool,
    accepted: bool,
    first_routing: bool,
    recent: Sequence[Case],
) -> Routing | None:
    """:func:`escalate` of an open, routed case, from the facts of its state it reads.

    ``owner`` is the first routing's owner, ``found`` the state's
    ``extra_domains``, ``reason_kept`` whether the last reopening gave a
    reason, ``accepted`` whether the case was accepted, ``first_routing``
    whether the routing in force is the first. The simulator keeps these
    facts as it goes instead of folding a state for every check; a property
    test holds them to the folded state at every check of simulated runs.
    """
    tables = tables_for(structure, policy)
    # Domains as bit sets: what the case needs now, and what its routing covers.
    need = tables.mask_of(case.domains) if case.domains else tables.needs[case.category]
    if found:
        need |= tables.mask_of(found)
    missing = need & ~tables.mask_of(routing.domains)
    if missing:
        names = ", ".join(sorted(d.value for d in domains_of(missing)))
        return reroute(
            tables,
            case,
            need,
            min_tier=routing.tier,
            at=now,
            owner=owner,
            note=f"newly found {names}, which the {routing.tier.value} routing lacks; ",
        )
    if routing.tier is Tier.STREET:
        return None
    procedure = routing.procedure
    if status is Status.REOPENED:
        # The reason is often a resident's words: personal data, which a
        # routing's reason (shown to every party to the case) refers to only.
        note = "reopened (reason kept with the case); " if reason_kept else "reopened; "
    elif _after(now, routing.due, policy):
        note = f"overdue since {routing.due.isoformat(sep=' ', timespec='minutes')}; "
    elif (
        procedure is Procedure.EMERGENCY
        and not accepted
        and _after(
            now,
            report_by := policy.deadline(case.reported_at, policy.emergency_report_limit),
            policy,
        )
    ):
        note = f"nobody on the spot since {report_by.isoformat(sep=' ', timespec='minutes')}; "
    else:
        count = recurrences(case, recent, policy=policy) if first_routing else 0
        if count < policy.recurrence_threshold:
            return None
        days = policy.recurrence_window.days
        note = f"reported {_times(count)} before in {days} days at this place; "
    # An emergency goes straight to the street; a referral becomes a whistle order.
    if procedure is Procedure.EMERGENCY:
        start = Tier.STREET
    elif procedure is Procedure.REFERRAL:
        start = Tier.WHISTLE
    else:
        start = _NEXT[routing.tier]
    return reroute(tables, case, need, min_tier=start, at=now, owner=owner, note=note)


def _times(count: int) -> str:
    """``once``, ``twice`` or ``N times``."""
    return {1: "once", 2: "twice"}.get(count, f"{count} times")

"""Building a :class:`~govmodel.cases.Routing` fast, checked against its constructor.

Routing is a frozen, slotted attrs class. route() makes one per call, and its
generated __init__ (14 fields, 4 converters) is a third of the cost of a routed
case. Every value route() passes is already in its final form (tuples, members),
so setting the slots directly gives an equal object for half the price. The
shortcut is taken only if Routing still has exactly these slots and no
validators or post-init hook, and if it builds a Routing equal to the one the
constructor builds (checked here, at import); otherwise :data:`new_routing` is
the constructor.
"""

from __future__ import annotations

import datetime as dt
import types
from collections.abc import Callable

import attrs

from govmodel.cases import Routing
from govmodel.model import Domain, Procedure, Tier

__all__ = ["new_routing", "routing_by_constructor"]

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
    "supervisor",
)


def routing_by_constructor(
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
    supervisor: str | None = None,
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
        supervisor=supervisor,
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
        set_supervisor,
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
        supervisor: str | None = None,
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
        set_supervisor(r, supervisor)
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
        "oc",
    )
    try:
        if make(*probe) != routing_by_constructor(*probe):
            return None
    except (TypeError, ValueError, AttributeError):  # pragma: no cover - a changed Routing
        return None
    return make


# The fast way when it builds the same Routing, else the constructor.
new_routing: Callable[..., Routing] = _routing_by_slots() or routing_by_constructor

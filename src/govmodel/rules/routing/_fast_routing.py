"""Building a :class:`~govmodel.cases.Routing` fast, checked against its constructor.

Routing is a frozen, slotted attrs class. route() makes one per call, and its
generated __init__ (14 fields, 4 converters, each slot set through
``object.__setattr__``) was a third of the cost of a routed case. Every value
route() passes is already in its final form (tuples, members), so the
constructor's work can be skipped, in one of two ways:

- a *draft*: an instance of a plain class with Routing's slots, in the same
  order, whose slots Python sets as fast as it sets any attribute, and which
  then becomes a Routing (``__class__`` assignment, allowed between classes
  whose instances have the same layout: Routing keeps no weak-reference slot
  for this);
- else Routing's slots set one by one through their descriptors (twice as slow
  as the draft, half the price of the constructor).

Each is taken only if Routing still has exactly these fields, as its slots,
with no validators or post-init hook, and if it builds a Routing equal to the
one the constructor builds (checked here, at import); otherwise
:data:`new_routing` is the constructor.
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


class _Draft:
    """A Routing in the making: Routing's slots, in its order, on a plain class."""

    __slots__ = _ROUTING_FIELDS

    tier: Tier
    procedure: Procedure
    handler: str | None
    owner: str | None
    due: dt.datetime
    co_handlers: tuple[str, ...]
    summoned: tuple[str, ...]
    convener: str | None
    ladder: tuple[Tier, ...]
    reason: str
    domains: tuple[Domain, ...]
    forum: str | None
    rule: str | None
    supervisor: str | None


def _routing_by_draft(
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
    r = _new(_Draft)
    r.tier = tier
    r.procedure = procedure
    r.handler = handler
    r.owner = owner
    r.due = due
    r.co_handlers = co_handlers
    r.summoned = summoned
    r.convener = convener
    r.ladder = ladder
    r.reason = reason
    r.domains = domains
    r.forum = forum
    r.rule = rule
    r.supervisor = supervisor
    r.__class__ = Routing  # type: ignore[assignment]
    return r  # type: ignore[return-value]


_new = object.__new__


def _routing_by_slots() -> Callable[..., Routing] | None:
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
        r: Routing = _new(Routing)
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

    return make


_PROBE = (
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


def _cheapest() -> Callable[..., Routing]:
    """The cheapest way that builds what the constructor builds."""
    fields = attrs.fields(Routing)
    if tuple(f.name for f in fields) != _ROUTING_FIELDS:
        return routing_by_constructor
    if any(f.validator is not None for f in fields) or hasattr(Routing, "__attrs_post_init__"):
        return routing_by_constructor
    expected = routing_by_constructor(*_PROBE)
    ways: list[Callable[..., Routing] | None] = []
    if getattr(Routing, "__slots__", None) == _ROUTING_FIELDS:
        ways.append(_routing_by_draft)
    ways.append(_routing_by_slots())
    for make in ways:
        if make is None:
            continue
        try:
            built = make(*_PROBE)
        except (TypeError, ValueError, AttributeError):  # pragma: no cover - a changed Routing
            continue
        if type(built) is Routing and built == expected and hash(built) == hash(expected):
            return make
    return routing_by_constructor  # pragma: no cover - a changed Routing


# The fastest way that builds the same Routing, else the constructor.
new_routing: Callable[..., Routing] = _cheapest()

"""Cases and their lifecycle, as an event-sourced state machine.

A ``Case`` is a resident's request (诉求). What happens to it is a log of
events — ``Reported``, ``Accepted``, ``Routed``,
``Resolved``, ``Revisited``, ``Reopened``, ``Closed`` —
and its ``CaseState`` is the fold of those events with ``advance``.
An impossible order raises ``InvalidTransition`` naming the case, the
state and the event.

Event logs read and write as JSON Lines (``dumps_events``,
``loads_events``), exactly round-tripping. A log may open with a header
line, a JSON object with the key ``"govmodel_log"`` and no ``"event"``
(``govmodel simulate -o`` writes the run's provenance there):
``loads_events`` passes over it and ``log_header`` reads it.

Examples
--------
>>> import datetime as dt
>>> from govmodel import Case, Category, Reported, Accepted, replay
>>> t = dt.datetime(2025, 5, 6, 9, 0)
>>> case = Case(id="case:1", category=Category.REPAIR, place="building:wanda-1",
...             reported_at=t)
>>> state = replay([Reported(case=case, at=t),
...                 Accepted(case_id="case:1", at=t, actor="post:grid-wanda-a-worker")])
>>> state.status
<Status.ACCEPTED: 'accepted'>
"""

from __future__ import annotations

import datetime as dt
import json
import operator
from collections.abc import Iterable, Iterator
from enum import StrEnum
from typing import Any, TypeVar

import attrs
import cattrs
from cattrs.strategies import configure_tagged_union
from cattrs.v import format_exception

from govmodel._fields import list_to_tuple
from govmodel._reading import ReadProblem, read_json
from govmodel._strict import configure_converter as configure_strict
from govmodel._strict import show, surrogate_at
from govmodel.errors import EventLogError, GovModelError, RecordError
from govmodel.model import (
    Category,
    Channel,
    Domain,
    Procedure,
    Scope,
    Status,
    Tier,
    Urgency,
)

__all__ = [
    "PERSONAL_FIELDS",
    "Accepted",
    "Case",
    "CaseEvent",
    "CaseState",
    "Closed",
    "InvalidTransition",
    "Reopened",
    "Reported",
    "Resolved",
    "Revisited",
    "Routed",
    "Routing",
    "advance",
    "dumps_events",
    "iter_case_events",
    "loads_events",
    "log_header",
    "replay",
]


E = TypeVar("E", bound=StrEnum)


class InvalidTransition(GovModelError, ValueError):  # noqa: N818 - the design's name
    """An event that cannot follow the case's current state.

    Examples
    --------
    >>> import datetime as dt
    >>> from govmodel import Resolved, advance
    >>> advance(None, Resolved(case_id="case:9", at=dt.datetime(2025, 1, 1), actor="x"))
    Traceback (most recent call last):
    ...
    govmodel.cases.InvalidTransition: case "case:9" (not yet reported): cannot apply resolved: ...
    """

    def __init__(self, case_id: str, state: str, event: str, why: str) -> None:
        self.case_id = case_id
        self.state = state
        self.event = event
        super().__init__(f'case "{case_id}" ({state}): cannot apply {event}: {why}')


def _to_member(enum: type[E], field: str, value: object) -> E:
    """A member of ``enum`` from itself or its value, else an error naming the field."""
    if isinstance(value, enum):
        return value
    if isinstance(value, str):
        try:
            return enum(value)
        except ValueError:
            pass
    choices = ", ".join(str(m.value) for m in enum)
    raise RecordError(
        field, f"unknown {field.replace('_', ' ')} {_shown(value)}; expected one of {choices}"
    )


def _category(value: Category | str) -> Category:
    return _to_member(Category, "category", value)


def _channel(value: Channel | str) -> Channel:
    return _to_member(Channel, "channel", value)


def _scope(value: Scope | str) -> Scope:
    return _to_member(Scope, "scope", value)


def _urgency(value: Urgency | str) -> Urgency:
    return _to_member(Urgency, "urgency", value)


def _shown(value: object) -> str:
    return f'"{value}"' if isinstance(value, str) else repr(value)


def _case_id(_inst: object, _attribute: attrs.Attribute[str], value: object) -> None:
    if not isinstance(value, str) or not value.strip():
        raise RecordError("id", f"expected a non-empty string, found {value!r}")


def _place_id(_inst: object, _attribute: attrs.Attribute[str], value: object) -> None:
    if not isinstance(value, str) or not value.strip():
        raise RecordError("place", f"expected a place id, a non-empty string, found {value!r}")


def _actor_id(_inst: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None and (not isinstance(value, str) or not value.strip()):
        raise RecordError(
            attribute.name, f"expected an id, a non-empty string, or None, found {value!r}"
        )


def _personal_text(_inst: object, attribute: attrs.Attribute[Any], value: object) -> None:
    # Personal data: the message names the field and the kind of value, never the value.
    if value is not None and not isinstance(value, str):
        raise RecordError(
            attribute.name, f"expected a string or None, found {type(value).__name__}"
        )
    if value is not None and surrogate_at(value) is not None:
        raise RecordError(attribute.name, _SURROGATE)


def _description(value: object) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise RecordError("description", f"expected a string, found {type(value).__name__}")
    if surrogate_at(value) is not None:
        raise RecordError("description", _SURROGATE)
    return value


_SURROGATE = "expected text UTF-8 can hold, found a lone surrogate"


_YEARS = (1900, 9000)
"""The years a case's times fall in: every deadline counted from them is a date Python holds."""


def _moment(field: str, value: object) -> None:
    if not isinstance(value, dt.datetime):
        raise RecordError(field, f"expected a datetime.datetime, found {value!r}")
    if not _YEARS[0] <= value.year <= _YEARS[1]:
        raise RecordError(
            field,
            f"expected a time in the years {_YEARS[0]}–{_YEARS[1]}, found the year {value.year}",
        )


def _domain_tuple(value: object) -> tuple[Domain, ...] | None:
    """Any iterable of domains (members or their values), stored sorted and without repeats.

    Sorted in the vocabulary's order, so that equal sets of domains make equal,
    equally hashed cases and the same JSON. No domains at all means none given:
    the category's.
    """
    if value is None:
        return None
    if isinstance(value, str | bytes) or not isinstance(value, Iterable):
        raise RecordError("domains", f"expected an iterable of domains, found {value!r}")
    try:
        members = {_to_member(Domain, "domain", item) for item in value}
    except RecordError as err:
        raise RecordError("domains", err.message) from None
    return tuple(d for d in Domain if d in members) or None


def _kind(value: object) -> str:
    """What a value is, never the value itself: for fields that may hold personal data."""
    return "None" if value is None else f"a {type(value).__name__}"


# Events check their fields once each, inline: simulations build hundreds of
# thousands of them, so each check is one call and a few isinstance tests.


def _check_event(case_id: object, at: object) -> None:
    if not isinstance(case_id, str) or not case_id or case_id.isspace():
        raise RecordError("case_id", f"expected a non-empty string, found {_shown(case_id)}")
    _moment("at", at)


def _check_acting(case_id: object, at: object, actor: object) -> None:
    """The fields every event with an actor has: ``None`` is not an actor here."""
    if not isinstance(case_id, str) or not case_id or case_id.isspace():
        raise RecordError("case_id", f"expected a non-empty string, found {_shown(case_id)}")
    _moment("at", at)
    if not isinstance(actor, str) or not actor or actor.isspace():
        raise RecordError(
            "actor", f"expected the id of a body, post or person, found {_shown(actor)}"
        )


def _domains_in_order(field: str, value: object) -> tuple[Domain, ...]:
    """A tuple of domains (members or their values), in the order given, else a RecordError."""
    if value == ():
        return ()  # the common case: nothing found
    if isinstance(value, str | bytes) or not isinstance(value, Iterable):
        raise RecordError(field, f"expected an iterable of domains, found {_shown(value)}")
    try:
        return tuple(_to_member(Domain, "domain", item) for item in value)
    except RecordError as err:
        raise RecordError(field, err.message) from None


def _found(value: Iterable[Domain | str]) -> tuple[Domain, ...]:
    return _domains_in_order("found", value)


def _new_domains(value: Iterable[Domain | str]) -> tuple[Domain, ...]:
    return _domains_in_order("domains", value)


def _kind_check(field: str, value: object, cls: type[Any]) -> None:
    if not isinstance(value, cls):
        raise RecordError(field, f"expected a {cls.__name__}, found {_kind(value)}")


def _hidden(value: object) -> str:
    """How a repr shows a personal value: that there is one, never what it is."""
    return "<personal>" if value else repr(value)


PERSONAL_FIELDS = ("reporter", "contact", "description")
"""Fields of a ``Case`` that hold personal data: who reported it, how to reach
them, and the free text, which often names a flat or a person."""


@attrs.frozen(kw_only=True)
class Case:
    """A resident's request.

    Parameters
    ----------
    id
        Unique id of the case.
    category
        What the request is about; the policy maps it to domains.
    place
        The id of the place concerned (a unit, building, compound, community).
    reported_at
        When it was reported.
    channel
        How it came in (window, WeChat group, patrol, hotline, …).
    scope
        How far the matter reaches (household … beyond).
    urgency
        Routine, urgent or emergency.
    domains
        Overrides the category's default domains when given: any iterable of
        domains or their names, stored sorted; empty means not given.
    receiver
        Who took it first (a post or body id): the first-contact owner.
    reporter, contact
        Personal data: who reported it and how to reach them.
    description
        Free text; treated as personal data, since it often holds an address.
        ``None`` is stored as ``""``.

    Notes
    -----
    The repr shows ``<personal>`` for a personal field that holds a value, so
    that a case printed in a log or a traceback never gives it away.

    Examples
    --------
    >>> import datetime as dt
    >>> c = Case(id="c", category=Category.NOISE, place="building:1",
    ...          reported_at=dt.datetime(2025, 1, 1), scope=Scope.BUILDING)
    >>> c.scope, c.urgency
    (<Scope.BUILDING: 'building'>, <Urgency.ROUTINE: 'routine'>)
    >>> import attrs
    >>> "Ms Li" in repr(attrs.evolve(c, reporter="Ms Li")), repr(c).endswith("description='')")
    (False, True)
    """

    id: str = attrs.field(validator=_case_id)
    category: Category = attrs.field(converter=_category)
    place: str = attrs.field(validator=_place_id)
    reported_at: dt.datetime = attrs.field(validator=lambda i, a, v: _moment(a.name, v))
    channel: Channel = attrs.field(default=Channel.WALK_IN, converter=_channel)
    scope: Scope = attrs.field(default=Scope.HOUSEHOLD, converter=_scope)
    urgency: Urgency = attrs.field(default=Urgency.ROUTINE, converter=_urgency)
    domains: tuple[Domain, ...] | None = attrs.field(default=None, converter=_domain_tuple)
    receiver: str | None = attrs.field(default=None, validator=_actor_id)
    # Personal data: a repr says whether there is any, never what it is.
    reporter: str | None = attrs.field(default=None, validator=_personal_text, repr=_hidden)
    contact: str | None = attrs.field(default=None, validator=_personal_text, repr=_hidden)
    description: str = attrs.field(default="", converter=_description, repr=_hidden)


# No weak-reference slot: route() makes one Routing per case and builds it the cheap way
# (govmodel.rules.routing._fast_routing), which needs a layout without one.
@attrs.frozen(kw_only=True, weakref_slot=False)
class Routing:
    """Who handles a case, and how: the answer of ``govmodel.route``.

    Parameters
    ----------
    tier
        Where the case is handled.
    procedure
        How: on the spot, transfer, mediation, deliberation, whistle,
        emergency or referral.
    handler
        The post or body that handles it (``None`` only at street tier in a
        structure without a street office).
    co_handlers
        Others (posts, bodies, or a standing meeting taking the matter up
        jointly) who hold the domains the handler lacks.
    summoned
        Departments summoned by a whistle order (吹哨报到).
    convener
        The party organisation that convenes the meeting or blows the whistle.
    owner
        The first contact, accountable until the return visit (首接负责制).
    due
        When the case must be resolved at this tier.
    ladder
        The tiers this place can escalate through, lowest first.
    reason
        One line a person can read.
    domains
        The domains the routing covers.
    forum
        The standing meeting that deliberates, when there is one.
    rule
        For deliberations: ``"civil_code_278"`` or ``"consultation"``.
    supervisor
        The body that supervises the handler (the owners' committee over the
        property company, else the self-management committee, else the
        residents' committee) and confirms the fix at the return visit.

    Examples
    --------
    >>> import datetime as dt
    >>> r = Routing(tier=Tier.MICRO_GRID, procedure=Procedure.ON_THE_SPOT, handler="post:a",
    ...             owner="post:a", due=dt.datetime(2025, 1, 2))
    >>> r.tier < Tier.STREET
    True
    """

    tier: Tier
    procedure: Procedure
    handler: str | None
    owner: str | None
    due: dt.datetime
    co_handlers: tuple[str, ...] = attrs.field(default=(), converter=list_to_tuple)
    summoned: tuple[str, ...] = attrs.field(default=(), converter=list_to_tuple)
    convener: str | None = None
    ladder: tuple[Tier, ...] = attrs.field(default=(), converter=list_to_tuple)
    reason: str = ""
    domains: tuple[Domain, ...] = attrs.field(default=(), converter=list_to_tuple)
    forum: str | None = None
    rule: str | None = None
    supervisor: str | None = None

    @property
    def actors(self) -> tuple[str, ...]:
        """The handler, co-handlers and summoned departments, in that order."""
        head = (self.handler,) if self.handler is not None else ()
        return (*head, *self.co_handlers, *self.summoned)


# -- events --------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class Reported:
    """A case is reported (登记).

    Examples
    --------
    >>> import datetime as dt
    >>> t = dt.datetime(2025, 1, 1)
    >>> Reported(case=Case(id="c", category=Category.REPAIR, place="p", reported_at=t),
    ...          at=t).case_id
    'c'
    """

    case: Case
    at: dt.datetime

    def __attrs_post_init__(self) -> None:
        _kind_check("case", self.case, Case)
        if not isinstance(self.at, dt.datetime):
            raise RecordError("at", f"expected a datetime.datetime, found {self.at!r}")

    @property
    def case_id(self) -> str:
        """The id of the case."""
        return self.case.id


@attrs.frozen(kw_only=True)
class Accepted:
    """Someone takes the case up: the response (响应).

    Examples
    --------
    >>> import datetime as dt
    >>> Accepted(case_id="c", at=dt.datetime(2025, 1, 1), actor="post:a").actor
    'post:a'
    """

    case_id: str
    at: dt.datetime
    actor: str

    def __attrs_post_init__(self) -> None:
        _check_acting(self.case_id, self.at, self.actor)


@attrs.frozen(kw_only=True)
class Routed:
    """The case gets a routing: the first one, a transfer, or an escalation.

    Examples
    --------
    >>> import datetime as dt
    >>> t = dt.datetime(2025, 1, 1)
    >>> r = Routing(tier=Tier.COMMUNITY, procedure=Procedure.MEDIATION,
    ...             handler="mediation:x", owner="post:a", due=t)
    >>> Routed(case_id="c", at=t, routing=r).routing.procedure
    <Procedure.MEDIATION: 'mediation'>
    """

    case_id: str
    at: dt.datetime
    routing: Routing

    def __attrs_post_init__(self) -> None:
        _check_event(self.case_id, self.at)
        _kind_check("routing", self.routing, Routing)


@attrs.frozen(kw_only=True)
class Resolved:
    """The handler reports the matter settled.

    Examples
    --------
    >>> import datetime as dt
    >>> Resolved(case_id="c", at=dt.datetime(2025, 1, 1), actor="pm:x").actor
    'pm:x'
    """

    case_id: str
    at: dt.datetime
    actor: str

    def __attrs_post_init__(self) -> None:
        _check_acting(self.case_id, self.at, self.actor)


@attrs.frozen(kw_only=True)
class Revisited:
    """A return visit (回访) and whether the resident was satisfied.

    ``found`` lists domains of a latent problem the visit uncovered.

    Examples
    --------
    >>> import datetime as dt
    >>> Revisited(case_id="c", at=dt.datetime(2025, 1, 1), actor="post:a",
    ...           satisfied=True).satisfied
    True
    """

    case_id: str
    at: dt.datetime
    actor: str
    satisfied: bool
    found: tuple[Domain, ...] = attrs.field(default=(), converter=_found)

    def __attrs_post_init__(self) -> None:
        _check_acting(self.case_id, self.at, self.actor)
        if not isinstance(self.satisfied, bool):
            raise RecordError(
                "satisfied", f"expected True or False, found {_shown(self.satisfied)}"
            )


@attrs.frozen(kw_only=True)
class Reopened:
    """The case is opened again (after an unsatisfied visit or a latent problem).

    ``actor`` is who reopened it; ``None`` only in a log written before
    reopenings recorded who did it (``govmodel.check_log`` flags it).
    ``reason`` is free text, personal data like a case's description.
    ``domains`` lists newly required domains, if the reopening found any.

    Examples
    --------
    >>> import datetime as dt
    >>> Reopened(case_id="c", at=dt.datetime(2025, 1, 1), actor="post:a",
    ...          reason="leak came back").reason
    'leak came back'
    """

    case_id: str
    at: dt.datetime
    actor: str | None
    reason: str = attrs.field(repr=_hidden)
    domains: tuple[Domain, ...] = attrs.field(default=(), converter=_new_domains)

    def __attrs_post_init__(self) -> None:
        if self.actor is None:
            _check_event(self.case_id, self.at)
        else:
            _check_acting(self.case_id, self.at, self.actor)
        # Free text is personal data: a message names its kind, never its value.
        if not isinstance(self.reason, str):
            raise RecordError("reason", f"expected a string, found {_kind(self.reason)}")
        if surrogate_at(self.reason) is not None:
            raise RecordError("reason", _SURROGATE)


@attrs.frozen(kw_only=True)
class Closed:
    """The case is closed (办结).

    ``actor`` is who closed it; ``None`` only in a log written before
    closings recorded who did it (``govmodel.check_log`` flags it).

    Examples
    --------
    >>> import datetime as dt
    >>> Closed(case_id="c", at=dt.datetime(2025, 1, 1), actor="post:a").actor
    'post:a'
    """

    case_id: str
    at: dt.datetime
    actor: str | None

    def __attrs_post_init__(self) -> None:
        if self.actor is None:
            _check_event(self.case_id, self.at)
        else:
            _check_acting(self.case_id, self.at, self.actor)


CaseEvent = Reported | Accepted | Routed | Resolved | Revisited | Reopened | Closed
"""Any lifecycle event."""

_EVENT_TYPES: tuple[type[Any], ...] = (
    Reported,
    Accepted,
    Routed,
    Resolved,
    Revisited,
    Reopened,
    Closed,
)
_EVENT_NAME = {cls: cls.__name__.lower() for cls in _EVENT_TYPES}


# -- state -----------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class CaseState:
    """Where a case stands: the fold of its events.

    Parameters
    ----------
    case
        The case as reported.
    status
        The current ``govmodel.Status``.
    routing
        The routing in force, if any.
    routings
        Every routing so far, oldest first.
    accepted_at, resolved_at, closed_at
        When the case was first accepted, last resolved, closed.
    resolved_by
        Who last resolved it.
    revisits
        Every return visit, oldest first.
    visits_since_resolved
        The return visits that came after the last resolution in the log: a
        visit at the same moment as a resolution but before it in the log
        was a visit to the resolution before.
    reopened
        How many times it was reopened.
    reopen_reason
        Why it was last reopened.
    extra_domains
        Domains found after the report (by revisits or reopenings).
    updated_at
        The time of the last event.
    events
        How many events were applied.

    Examples
    --------
    >>> import datetime as dt
    >>> t = dt.datetime(2025, 1, 1)
    >>> s = advance(None, Reported(case=Case(id="c", category=Category.REPAIR, place="p",
    ...                                       reported_at=t), at=t))
    >>> s.status, s.routing
    (<Status.REPORTED: 'reported'>, None)
    """

    case: Case
    status: Status
    routing: Routing | None = None
    routings: tuple[Routing, ...] = ()
    accepted_at: dt.datetime | None = None
    resolved_at: dt.datetime | None = None
    resolved_by: str | None = None
    closed_at: dt.datetime | None = None
    revisits: tuple[Revisited, ...] = ()
    visits_since_resolved: int = 0
    reopened: int = 0
    reopen_reason: str | None = attrs.field(default=None, repr=_hidden)
    extra_domains: tuple[Domain, ...] = ()
    updated_at: dt.datetime
    events: int = 1

    @property
    def revisited_since_resolved(self) -> Revisited | None:
        """The latest return visit after the latest resolution in the log, if any.

        Order in the log decides, not the time alone: a visit and a resolution
        may carry the same moment.
        """
        return self.revisits[-1] if self.visits_since_resolved else None

    @property
    def open(self) -> bool:
        """Whether the case still needs handling (not resolved, not closed)."""
        return self.status not in (Status.RESOLVED, Status.CLOSED)


def _replace(state: CaseState, **changes: Any) -> CaseState:
    # The lifecycle's hot path: a plain constructor call, several times
    # faster than attrs.evolve's introspection (simulations fold millions).
    get = changes.get
    return CaseState(
        case=state.case,
        status=get("status", state.status),
        routing=get("routing", state.routing),
        routings=get("routings", state.routings),
        accepted_at=get("accepted_at", state.accepted_at),
        resolved_at=get("resolved_at", state.resolved_at),
        resolved_by=get("resolved_by", state.resolved_by),
        closed_at=get("closed_at", state.closed_at),
        revisits=get("revisits", state.revisits),
        visits_since_resolved=get("visits_since_resolved", state.visits_since_resolved),
        reopened=get("reopened", state.reopened),
        reopen_reason=get("reopen_reason", state.reopen_reason),
        extra_domains=get("extra_domains", state.extra_domains),
        updated_at=changes["updated_at"],
        events=changes["events"],
    )


def _state_name(state: CaseState | None) -> str:
    return "not yet reported" if state is None else state.status.value


def advance(
    state: CaseState | None, event: CaseEvent, *, require_revisit: bool = True
) -> CaseState:
    """Apply one event to a case's state; ``None`` is the state before the report.

    Parameters
    ----------
    state
        The current state, or ``None`` before the first event.
    event
        The next event.
    require_revisit
        Refuse to close a resolved case without a return visit since its last
        resolution (一案一回访); ``Policy.require_revisit`` holds the default.

    Raises
    ------
    InvalidTransition
        For an event of another case, an event earlier than the last one, an
        event whose time has a UTC offset when the case's earlier times have
        none (or the reverse), or an event the current status does not allow.

    Examples
    --------
    >>> import datetime as dt
    >>> t = dt.datetime(2025, 1, 1)
    >>> s = advance(None, Reported(case=Case(id="c", category=Category.REPAIR, place="p",
    ...                                       reported_at=t), at=t))
    >>> s = advance(s, Accepted(case_id="c", at=t, actor="post:a"))
    >>> s = advance(s, Resolved(case_id="c", at=t, actor="post:a"))
    >>> advance(s, Closed(case_id="c", at=t, actor="post:a"))
    Traceback (most recent call last):
    ...
    govmodel.cases.InvalidTransition: case "c" (resolved): cannot apply closed: no return visit ...
    """
    name = _EVENT_NAME.get(type(event))
    if name is None:
        raise TypeError(
            f"event: expected one of the CaseEvent classes, found {type(event).__name__}"
        )
    if state is None:
        if not isinstance(event, Reported):
            raise InvalidTransition(
                event.case_id, "not yet reported", name, 'the first event of a case is "reported"'
            )
        return CaseState(case=event.case, status=Status.REPORTED, updated_at=event.at)
    case_id = state.case.id

    def refuse(why: str) -> InvalidTransition:
        return InvalidTransition(case_id, _state_name(state), name, why)

    if event.case_id != case_id:
        raise refuse(f'the event belongs to case "{event.case_id}"')
    if (event.at.tzinfo is None) is not (state.updated_at.tzinfo is None):
        has, lacks = ("has a", "do not") if event.at.tzinfo is not None else ("has no", "do")
        raise refuse(
            f"its time {event.at.isoformat()} {has} UTC offset and the case's earlier "
            f"times {lacks}; give every time of a case with an offset, or none"
        )
    if event.at < state.updated_at:
        raise refuse(
            f"it happens at {event.at.isoformat()}, before the last event "
            f"at {state.updated_at.isoformat()}"
        )
    status = state.status
    common: dict[str, Any] = {"updated_at": event.at, "events": state.events + 1}
    if status is Status.CLOSED:
        raise refuse("the case is closed")
    if isinstance(event, Reported):
        raise refuse("the case is already reported")
    if isinstance(event, Accepted):
        if state.accepted_at is not None:
            raise refuse(f"it was already accepted at {state.accepted_at.isoformat()}")
        next_status = Status.IN_PROGRESS if state.routing is not None else Status.ACCEPTED
        return _replace(state, status=next_status, accepted_at=event.at, **common)
    if isinstance(event, Routed):
        if status is Status.RESOLVED:
            raise refuse("a resolved case is reopened before it is routed again")
        next_status = Status.REPORTED if state.accepted_at is None else Status.IN_PROGRESS
        if status is Status.REOPENED:
            next_status = Status.IN_PROGRESS
        return _replace(
            state,
            status=next_status,
            routing=event.routing,
            routings=(*state.routings, event.routing),
            **common,
        )
    if isinstance(event, Resolved):
        if state.accepted_at is None:
            raise refuse("nobody has accepted it yet")
        if status is Status.RESOLVED:
            raise refuse("it is already resolved")
        return _replace(
            state,
            status=Status.RESOLVED,
            resolved_at=event.at,
            resolved_by=event.actor,
            visits_since_resolved=0,
            **common,
        )
    if isinstance(event, Revisited):
        if status is not Status.RESOLVED:
            raise refuse("a return visit follows a resolution")
        extra = tuple(dict.fromkeys((*state.extra_domains, *event.found)))
        return _replace(
            state,
            revisits=(*state.revisits, event),
            visits_since_resolved=state.visits_since_resolved + 1,
            extra_domains=extra,
            **common,
        )
    if isinstance(event, Reopened):
        if status is not Status.RESOLVED:
            raise refuse("only a resolved case is reopened")
        extra = tuple(dict.fromkeys((*state.extra_domains, *event.domains)))
        return _replace(
            state,
            status=Status.REOPENED,
            reopened=state.reopened + 1,
            reopen_reason=event.reason,
            extra_domains=extra,
            **common,
        )
    # Closed
    if status is not Status.RESOLVED:
        raise refuse("only a resolved case is closed")
    if require_revisit and state.revisited_since_resolved is None:
        raise refuse("no return visit since it was resolved (一案一回访)")
    return _replace(state, status=Status.CLOSED, closed_at=event.at, **common)


def replay(events: Iterable[CaseEvent], *, require_revisit: bool = True) -> CaseState:
    """Fold a case's events with ``advance``.

    Raises
    ------
    InvalidTransition
        For an impossible order, or when there is no event at all.

    Examples
    --------
    >>> replay([])
    Traceback (most recent call last):
    ...
    govmodel.cases.InvalidTransition: case "?" (not yet reported): cannot apply nothing: ...
    """
    state: CaseState | None = None
    for event in events:
        state = advance(state, event, require_revisit=require_revisit)
    if state is None:
        raise InvalidTransition("?", "not yet reported", "nothing", "there is no event to replay")
    return state


# -- JSON Lines -----------------------------------------------------------------


def _make_converter() -> cattrs.Converter:
    converter = cattrs.Converter(omit_if_default=True, forbid_extra_keys=True)
    # The same strict hooks as specs: "no" never becomes True, 5 never "5".
    configure_strict(converter)
    # A StrEnum member's value, read without the enum's descriptor: every event has some.
    converter.register_unstructure_hook(StrEnum, operator.attrgetter("_value_"))
    converter.register_unstructure_hook(dt.datetime, dt.datetime.isoformat)
    converter.register_structure_hook(dt.datetime, _parse_datetime)
    converter.register_unstructure_hook(tuple, list)
    configure_tagged_union(
        CaseEvent,
        converter,
        tag_generator=lambda cls: _EVENT_NAME[cls],
        tag_name="event",
    )
    return converter


def _parse_datetime(value: object, _: type[Any]) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value
    if not isinstance(value, str):
        raise TypeError(f"expected an ISO date-time string, found {show(value)}")
    try:
        return dt.datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(f"expected an ISO date-time string, found {show(value)}") from None


_CONVERTER: cattrs.Converter | None = None

# What ``json.dumps(..., ensure_ascii=False)`` uses, made once rather than on every call.
_JSON = json.JSONEncoder(ensure_ascii=False)


def _converter() -> cattrs.Converter:
    global _CONVERTER  # noqa: PLW0603 - built once, on first use, not at import
    if _CONVERTER is None:
        _CONVERTER = _make_converter()
    return _CONVERTER


def dumps_events(events: Iterable[CaseEvent]) -> str:
    """The events as JSON Lines: one JSON object per line, tagged by ``"event"``.

    Examples
    --------
    >>> import datetime as dt
    >>> print(dumps_events([Closed(case_id="c", at=dt.datetime(2025, 1, 1, 9), actor="post:a")]),
    ...       end="")
    {"case_id": "c", "at": "2025-01-01T09:00:00", "actor": "post:a", "event": "closed"}
    """
    unstructure = _converter().unstructure
    encode = _JSON.encode
    return "".join(encode(unstructure(event, CaseEvent)) + "\n" for event in events)


def loads_events(text: str) -> tuple[CaseEvent, ...]:
    """Read events from JSON Lines; blank lines are skipped.

    A ``closed`` or ``reopened`` line without an ``actor`` (as logs written
    before closings and reopenings recorded who did them are) reads with
    ``actor=None``; ``govmodel.check_log`` flags such events.

    Raises
    ------
    EventLogError
        Located at the line (``line 3``), saying what is wrong with it: text
        that is not JSON, a key repeated in one object, an integer of more than
        4300 digits, nesting deeper than 100, or an object that is no event.
        The message never quotes a personal field (a case's reporter, contact
        or description, a reopening's reason): it names the field and what was
        expected.

    Examples
    --------
    >>> import datetime as dt
    >>> events = (Closed(case_id="c", at=dt.datetime(2025, 1, 1, 9), actor="post:a"),)
    >>> loads_events(dumps_events(events)) == events
    True
    >>> loads_events('{"event": "closed", "case_id": "c", "at": "2025-01-01T09:00:00"}')
    (Closed(case_id='c', at=datetime.datetime(2025, 1, 1, 9, 0), actor=None),)
    >>> loads_events('{"event": "closed"}')
    Traceback (most recent call last):
    ...
    govmodel.errors.EventLogError: line 1: not a closed event: missing case_id, at
    """
    if not isinstance(text, str):
        raise EventLogError(
            "text", f"expected the log as a str of JSON Lines, found {type(text).__name__}"
        )
    converter = _converter()
    out: list[CaseEvent] = []
    first = True
    # Split on "\n" only: JSON text may hold U+2028 and its kin unescaped.
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            data = read_json(line)
        except ReadProblem as err:
            raise EventLogError(f"line {number}", f"not valid JSON: {err.message}") from None
        if first and _is_header(data):
            first = False
            continue
        first = False
        if isinstance(data, dict) and data.get("event") in _ACTOR_ADDED and "actor" not in data:
            # Written before closings and reopenings recorded who did them.
            data["actor"] = None
        try:
            out.append(converter.structure(data, CaseEvent))  # type: ignore[arg-type]
        except Exception as err:  # noqa: BLE001 - any failure becomes a located message
            raise EventLogError(f"line {number}", _describe_failure(data, err)) from None
    return tuple(out)


LOG_HEADER_KEY = "govmodel_log"
"""The key that marks the header line of an event log (its value: the header's version, 1)."""


def _is_header(data: object) -> bool:
    return isinstance(data, dict) and LOG_HEADER_KEY in data and "event" not in data


def log_header(text: str) -> dict[str, Any] | None:
    r"""The header of an event log in JSON Lines, if its first line is one; else ``None``.

    A header is a JSON object with the key ``"govmodel_log"`` and no
    ``"event"``: ``govmodel simulate -o`` writes the run's provenance there
    (structure, its sha256, the policy's sha256, seed, days, govmodel
    version, ``run_key``). ``loads_events`` passes over it.

    Raises
    ------
    EventLogError
        ``text`` not a str, or a first line that is not JSON.

    Examples
    --------
    >>> text = '{"govmodel_log": 1, "seed_entropy": "2"}\n'
    >>> log_header(text)
    {'govmodel_log': 1, 'seed_entropy': '2'}
    >>> loads_events(text), log_header('{"event": "closed"}')
    ((), None)
    """
    if not isinstance(text, str):
        raise EventLogError(
            "text", f"expected the log as a str of JSON Lines, found {type(text).__name__}"
        )
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            data = read_json(line)
        except ReadProblem as err:
            raise EventLogError(f"line {number}", f"not valid JSON: {err.message}") from None
        return data if _is_header(data) else None  # type: ignore[return-value]
    return None


# Events that gained their actor in v0.2; older logs lack it.
_ACTOR_ADDED = ("closed", "reopened")


def _personal_values(data: dict[Any, Any]) -> list[str]:
    """The personal strings of one event object.

    A case's reporter, contact and description, a reopening's reason.
    """
    found: list[object] = [data.get("reason")]
    case = data.get("case")
    if isinstance(case, dict):
        found += [case.get(name) for name in PERSONAL_FIELDS]
    return [value for value in found if isinstance(value, str) and value]


def _describe_failure(data: object, err: Exception) -> str:
    if not isinstance(data, dict):
        return "expected a JSON object"
    detail = _failure_detail(data, err)
    if any(value in detail for value in _personal_values(data)):
        # A message never quotes personal data, even where a check echoed it.
        return f"not a valid {data.get('event')} event: a field holds a value of the wrong kind"
    return detail


def _format_exception(exc: BaseException, type_: type | None) -> str:
    """What cattrs says of one failure; a record's own refusal in its own words."""
    if isinstance(exc, RecordError):
        return f"invalid value ({exc.message})"
    return format_exception(exc, type_)


def _failure_detail(data: dict[Any, Any], err: Exception) -> str:
    tag = data.get("event")
    if not isinstance(tag, str) or tag not in _EVENT_NAME.values():
        shown = show(tag)
        if isinstance(tag, str):
            shown = repr(tag if len(tag) <= 60 else tag[:60] + "…")
        return f"unknown event {shown}; expected one of {', '.join(_EVENT_NAME.values())}"
    cls = next(c for c, n in _EVENT_NAME.items() if n == tag)
    missing = [
        f.name for f in attrs.fields(cls) if f.default is attrs.NOTHING and f.name not in data
    ]
    if missing:
        article = "an" if tag[0] in "aeiou" else "a"
        return f"not {article} {tag} event: missing {', '.join(missing)}"
    messages = (
        cattrs.transform_error(err, format_exception=_format_exception)
        if isinstance(err, cattrs.BaseValidationError)
        else []
    )
    detail = "; ".join(messages) if messages else str(err)
    return f"not a valid {tag} event: {detail}"


def iter_case_events(events: Iterable[CaseEvent]) -> Iterator[tuple[str, list[CaseEvent]]]:
    """Group a mixed log by case, keeping each case's order and first appearance.

    Examples
    --------
    >>> import datetime as dt
    >>> t = dt.datetime(2025, 1, 1)
    >>> log = [Closed(case_id=c, at=t, actor="post:a") for c in ("a", "b", "a")]
    >>> [(cid, len(evs)) for cid, evs in iter_case_events(log)]
    [('a', 2), ('b', 1)]
    """
    groups: dict[str, list[CaseEvent]] = {}
    for event in events:
        groups.setdefault(event.case_id, []).append(event)
    yield from groups.items()


for _event_class in (Case, Routing, *_EVENT_TYPES, CaseState):
    attrs.resolve_types(_event_class)
del _event_class

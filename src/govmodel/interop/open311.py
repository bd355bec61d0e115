"""Open311 GeoReport v2: govmodel's categories as services, its cases as service requests.

`GeoReport v2 <https://wiki.open311.org/GeoReport_v2/>`_ is the open standard
of city 311 systems for non-emergency requests. This module speaks its JSON:

* :func:`services` — the *GET Service List* response: one service per
  ``govmodel.Category``;
* :func:`to_requests` — the *GET Service Requests* response: one service
  request per case of an event log, as the case stands after its events;
* :func:`from_requests` — cases back from service requests, with an
  :class:`govmodel.errors.InteropErrorGroup` naming the place
  (``requests[3].service_code``) of everything that cannot be mapped;
* :func:`events_from_requests` — each request's whole lifecycle back as
  events, from its ``notes``: what :func:`to_requests` wrote, read back;
* :func:`dumps_requests` / :func:`loads_requests` — JSON text.

Where govmodel knows more than GeoReport's fields hold, it follows the two
extensions the Open311 wiki documents (*GeoReport v2 Extensions*, as
implemented by Chicago, Boston and San Francisco): an ``extended_attributes``
object on each request — the channel, scope, urgency and domains of the case,
govmodel's own ``status``, the ``tier``, ``procedure`` and the parts of its
routing — and a ``notes`` array, the update history, one note per lifecycle
event (``datetime``, ``type`` — ``opened``, ``activity`` or ``closed`` —,
``summary``, ``status``, ``description`` and the note's own
``extended_attributes``).

Personal data — the case's ``reporter``, ``contact`` and ``description``, the
names and ids of people, the free-text reason of a reopening — appear only when asked
for with ``include_personal=True`` for a named reader (``for_actor``): an actor
allowed to ``view_personal`` at the moment of the export, or ``BACK_OFFICE``
(see ``govmodel.rules.access``); the reporter and contact then go in
GeoReport's *POST Service Request* fields ``last_name``, ``phone`` or
``email``. Asked for without a reader, they are refused
(``govmodel.ReaderRequired``).

Examples
--------
>>> import datetime as dt
>>> from govmodel import Case, Category, Reported, Routed, Scope, examples, route
>>> s = examples.load("xinhe")
>>> t = dt.datetime(2025, 6, 3, 8, 30)
>>> case = Case(id="case:1", category=Category.FIRE_LANE, place="compound:wanda",
...             reported_at=t, scope=Scope.COMPOUND, reporter="Ms Li")
>>> log = [Reported(case=case, at=t), Routed(case_id="case:1", at=t, routing=route(s, case))]
>>> [request] = to_requests(log, structure=s)
>>> request["status"], request["agency_responsible"], request["expected_datetime"]
('open', 'Fire brigade (消防队)', '2025-06-24T17:00:00+08:00')
>>> "Ms Li" in dumps_requests([request])
False
>>> from govmodel import DEFAULT_POLICY
>>> shanghai = DEFAULT_POLICY.time_zone
>>> from govmodel import BACK_OFFICE
>>> full = to_requests(log, structure=s, for_actor=BACK_OFFICE, include_personal=True)
>>> from_requests(full, tz=shanghai) == (case,)
True
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from enum import StrEnum
from typing import Any, Literal, Required, TypedDict, TypeVar

import attrs

from govmodel._reading import ReadProblem, read_json
from govmodel._strict import NO_SURROGATES, digits, kind_of, quoted, surrogate_at
from govmodel.cases import (
    Accepted,
    Case,
    CaseEvent,
    CaseState,
    Closed,
    InvalidTransition,
    Reopened,
    Reported,
    Resolved,
    Revisited,
    Routed,
    Routing,
    advance,
    iter_case_events,
)
from govmodel.errors import InteropError, InteropErrorGroup
from govmodel.model import (
    Body,
    Category,
    Channel,
    Domain,
    Grid,
    Person,
    Place,
    Post,
    Procedure,
    Scope,
    Status,
    Tier,
    Urgency,
)
from govmodel.rules.access import (
    Action,
    Moment,
    Reader,
    ReaderRequired,
    can,
    check_reader,
)
from govmodel.rules.checking import check_log
from govmodel.rules.policy import DEFAULT_POLICY, Policy
from govmodel.structure import Structure

__all__ = [
    "ExtendedAttributes",
    "Note",
    "NoteAttributes",
    "Service",
    "ServiceRequest",
    "dumps_requests",
    "events_from_requests",
    "from_requests",
    "loads_requests",
    "services",
    "to_requests",
]

_E = TypeVar("_E", bound=StrEnum)
_T = TypeVar("_T")


# -- the JSON shapes -----------------------------------------------------------


class Service(TypedDict):
    """One service of the *GET Service List* response."""

    service_code: str
    service_name: str
    description: str
    metadata: bool
    type: Literal["realtime", "batch", "blackbox"]
    keywords: str
    group: str


class NoteAttributes(TypedDict, total=False):
    """The details of one note, by event: who acted, where it was routed, the visit.

    A ``routed`` note holds the whole routing (``tier``, ``procedure``,
    ``handler``, ``due``, ``owner``, ``co_handlers``, ``summoned``,
    ``convener``, ``ladder``, ``domains``, ``forum``, ``rule`` and its
    ``reason``), people's ids only with personal data; a ``reopened`` note its
    ``domains`` and, with personal data, its ``reason``. So
    :func:`events_from_requests` can read the lifecycle back.
    """

    actor: str
    tier: str
    procedure: str
    handler: str
    due: str
    owner: str
    co_handlers: list[str]
    summoned: list[str]
    convener: str
    ladder: list[str]
    forum: str
    rule: str
    supervisor: str
    satisfied: bool
    found: list[str]
    domains: list[str]
    reason: str


class Note(TypedDict):
    """One entry of a request's ``notes``: one lifecycle event."""

    datetime: str
    type: Literal["opened", "activity", "closed"]
    summary: str
    status: str
    description: str
    extended_attributes: NoteAttributes


class ExtendedAttributes(TypedDict, total=False):
    """What govmodel knows beyond GeoReport's fields.

    ``channel``, ``scope``, ``urgency``, ``domains`` and ``receiver`` belong to
    the case and are read back by :func:`from_requests`; the others describe
    where the case stands and are derived from its events.
    """

    channel: Required[str]
    scope: Required[str]
    urgency: Required[str]
    domains: list[str]
    receiver: str
    status: str
    reopened: int
    tier: str
    procedure: str
    handler: str
    co_handlers: list[str]
    summoned: list[str]
    convener: str
    owner: str
    supervisor: str
    overdue: bool
    revisit: str


class ServiceRequest(TypedDict, total=False):
    """One service request of the *GET Service Requests* response.

    Every GeoReport field is present, ``None`` (JSON ``null``) when unknown;
    the *POST Service Request* fields ``first_name``, ``last_name``, ``email``
    and ``phone`` are present only in exports with personal data.
    """

    service_request_id: Required[str]
    status: Required[Literal["open", "closed"]]
    status_notes: Required[str | None]
    service_name: Required[str]
    service_code: Required[str]
    description: Required[str | None]
    agency_responsible: Required[str | None]
    service_notice: Required[str | None]
    requested_datetime: Required[str]
    updated_datetime: Required[str]
    expected_datetime: Required[str | None]
    address: Required[str]
    address_id: Required[str]
    zipcode: Required[None]
    lat: Required[None]
    long: Required[None]
    media_url: Required[None]
    first_name: str | None
    last_name: str | None
    email: str | None
    phone: str | None
    extended_attributes: Required[ExtendedAttributes]
    notes: Required[list[Note]]


# -- services ------------------------------------------------------------------

# English names for the service list; the Chinese terms are those of the articles.
_SERVICE_TEXT: dict[Category, tuple[str, str]] = {
    Category.REPAIR: (
        "Repairs to common facilities",
        "Lifts, doors, lights and pipes of a building or compound (设施维护).",
    ),
    Category.SANITATION: ("Sanitation", "Rubbish and cleaning of common areas (环境卫生)."),
    Category.GREENING: ("Greening", "Trees, lawns and planting of a compound (绿化)."),
    Category.LEAK: ("Water leak", "A leak between floors or from common parts (漏水)."),
    Category.NOISE: ("Noise from neighbours", "Noise disturbing residents (噪音扰民)."),
    Category.PARKING: ("Parking dispute", "A dispute over parking spaces (停车争议)."),
    Category.PETS: ("Pets", "Pets and their keeping in a compound (宠物管理)."),
    Category.NEIGHBOUR_DISPUTE: ("Neighbour dispute", "A dispute between neighbours (邻里矛盾)."),
    Category.FAMILY_DISPUTE: ("Family dispute", "A dispute within a family (家庭矛盾)."),
    Category.COMMON_FACILITY: (
        "Change to common facilities",
        "Lifts to add, chargers, gates: the owners decide (加装电梯, 充电桩, 出入口).",
    ),
    Category.PROPERTY_FEES: (
        "Property fees",
        "A change to property or parking fees: the owners decide (收费调整).",
    ),
    Category.SERVICE_QUALITY: (
        "Property service complaint",
        "A complaint about the property company's service (物业服务质量).",
    ),
    Category.ACCESS: (
        "Gates and access",
        "Congested gates, people and cars mixed (出入口拥堵, 人车混行).",
    ),
    Category.FIRE_LANE: (
        "Blocked fire lane",
        "A fire lane occupied by cars or goods (占用消防通道).",
    ),
    Category.UTILITIES: (
        "Utilities",
        "Electricity meters, wiring and telecoms (电表加装, 改电路).",
    ),
    Category.SECURITY: (
        "Security incident",
        "Damaged vehicles, lost property (车辆损毁, 物品丢失).",
    ),
    Category.EXTERNAL_NUISANCE: (
        "Nuisance from outside the community",
        "A nuisance whose source lies outside the community (直升机扰民).",
    ),
    Category.RESIDENCY: ("Household registration", "Moving a household registration (迁户口)."),
    Category.ROADS: ("Roads and manhole covers", "Roads, paths and manhole covers (道路, 井盖)."),
    Category.INQUIRY: ("Inquiry", "A question about policies or services (咨询)."),
}


def _service_name(category: Category) -> str:
    text = _SERVICE_TEXT.get(category)
    return text[0] if text else category.value.replace("_", " ").capitalize()


def services(*, policy: Policy = DEFAULT_POLICY) -> list[Service]:
    """The *GET Service List* response: one service per ``govmodel.Category``.

    ``service_code`` is the category's value, ``keywords`` the domains the
    policy requires for it (comma separated, as GeoReport writes keywords) and
    ``group`` the first of them. Every service is ``realtime``: a case has its
    id as soon as it is reported.

    Parameters
    ----------
    policy
        Maps each category to its domains.

    Examples
    --------
    >>> from govmodel import Category
    >>> fire_lane = services()[list(Category).index(Category.FIRE_LANE)]
    >>> fire_lane["service_code"], fire_lane["service_name"]
    ('fire_lane', 'Blocked fire lane')
    >>> fire_lane["keywords"], fire_lane["group"], fire_lane["type"]
    ('property_service, fire_safety', 'property_service', 'realtime')
    """
    out: list[Service] = []
    for category in Category:
        domains = [d.value for d in Domain if d in policy.category_domains[category]]
        text = _SERVICE_TEXT.get(category)
        out.append(
            {
                "service_code": category.value,
                "service_name": _service_name(category),
                "description": text[1] if text else "",
                "metadata": False,
                "type": "realtime",
                "keywords": ", ".join(domains),
                "group": domains[0] if domains else "",
            }
        )
    return out


# -- export --------------------------------------------------------------------


def _when(moment: dt.datetime, tz: dt.tzinfo | None) -> str:
    if tz is not None and moment.tzinfo is None:
        moment = moment.replace(tzinfo=tz)
    return moment.isoformat()


def _after(a: dt.datetime, b: dt.datetime, tz: dt.tzinfo) -> bool:
    """``a > b``; a naive time meeting an aware one is a local time of ``tz``."""
    if (a.tzinfo is None) is not (b.tzinfo is None):
        a, b = (t.replace(tzinfo=tz) if t.tzinfo is None else t for t in (a, b))
    return a > b


def _label(structure: Structure, node_id: str, *, personal: bool) -> str | None:
    """A readable name for a record: ``name (name_zh)``, either, or a readable stand-in.

    A record without a name is named by what it is: a post by its role and
    the body or grid it is in (``Grid leader of Jinxiu grid``), anything else
    by its kind and the end of its id (``Building wanda-3``), never by its raw
    id. People's names and ids are personal data: ``None`` unless ``personal``.
    """
    if node_id not in structure:
        return node_id
    record = structure.node(node_id)
    if isinstance(record, Person) and not personal:
        return None
    names = [n for n in (record.name, record.name_zh) if n]
    if len(names) == 2 and names[0] != names[1]:
        return f"{names[0]} ({names[1]})"
    if names:
        return names[0]
    if isinstance(record, Post):
        role = record.role.value.replace("_", " ").capitalize()
        within = _label(structure, record.within, personal=personal)
        return f"{role} of {within}" if within else role
    kind = getattr(record, "kind", None) or getattr(record, "level", None)
    what = str(kind.value) if kind is not None else type(record).__name__.lower()
    if isinstance(record, Grid):
        what = f"{what} grid"
    local = node_id.split(":", 1)[-1]
    return f"{what.replace('_', ' ').capitalize()} {local}"


def _address(structure: Structure, place: Place) -> str:
    # GeoReport: "from most specific to most general geographic unit".
    chain = (place, *structure.ancestors(place.id))
    return ", ".join(_label(structure, p.id, personal=False) or p.id for p in chain)


def _open_or_closed(status: Status) -> Literal["open", "closed"]:
    # GeoReport: "open: it has been reported; closed: it has been resolved".
    return "closed" if status in (Status.RESOLVED, Status.CLOSED) else "open"


_REVISITS = ("awaiting", "done", "skipped")


def _revisit(state: CaseState) -> str | None:
    """The return visit (一案一回访) of a resolved case: awaiting, done, or skipped.

    GeoReport's ``closed`` means resolved, so a case resolved but not yet
    visited is ``closed`` there: this says whether the visit is still owed.
    """
    if state.status not in (Status.RESOLVED, Status.CLOSED):
        return None
    if state.revisited_since_resolved is not None:
        return "done"
    return "awaiting" if state.status is Status.RESOLVED else "skipped"


def _values(items: Iterable[StrEnum]) -> list[str]:
    return [item.value for item in items]


def _note(
    structure: Structure,
    event: CaseEvent,
    state: CaseState,
    previous: CaseState | None,
    *,
    personal: bool,
    withheld: Sequence[str],
    tz: dt.tzinfo,
) -> Note:
    details: NoteAttributes = {}
    kind: Literal["opened", "activity", "closed"] = "activity"

    def who(actor: str) -> str:
        name = _label(structure, actor, personal=personal)
        if name is not None:
            details["actor"] = actor
        return f" by {name}" if name is not None else ""

    if isinstance(event, Reported):
        kind, summary = "opened", "reported"
        text = f"Reported via {event.case.channel.value.replace('_', '-')}"
    elif isinstance(event, Routed):
        summary = "routed"
        routing = event.routing
        before = previous.routing if previous is not None else None
        verb = "Routed"
        if before is not None:
            verb = "Escalated" if routing.tier > before.tier else "Re-routed"
        handler = (
            _label(structure, routing.handler, personal=personal)
            if routing.handler is not None
            else None
        )
        tier = routing.tier.value.replace("_", " ")
        text = f"{verb} to the {tier} tier ({routing.procedure.value})"
        if handler is not None:
            text += f", handled by {handler}"
        details["tier"] = routing.tier.value
        details["procedure"] = routing.procedure.value
        details["due"] = _when(routing.due, tz)
        if routing.handler is not None and handler is not None:
            details["handler"] = routing.handler
        if routing.owner is not None and _shown(structure, routing.owner, personal=personal):
            details["owner"] = routing.owner
        co_handlers = [a for a in routing.co_handlers if _shown(structure, a, personal=personal)]
        if co_handlers:
            details["co_handlers"] = co_handlers
        summoned = [a for a in routing.summoned if _shown(structure, a, personal=personal)]
        if summoned:
            details["summoned"] = summoned
        if routing.convener is not None and _shown(structure, routing.convener, personal=personal):
            details["convener"] = routing.convener
        if routing.ladder:
            details["ladder"] = _values(routing.ladder)
        if routing.domains:
            details["domains"] = _values(routing.domains)
        if routing.forum is not None:
            details["forum"] = routing.forum
        if routing.rule is not None:
            details["rule"] = routing.rule
        if routing.supervisor is not None and _shown(
            structure, routing.supervisor, personal=personal
        ):
            details["supervisor"] = routing.supervisor
        if routing.reason:
            details["reason"] = _withhold(routing.reason, withheld)
    elif isinstance(event, Accepted):
        summary = "accepted"
        text = "Accepted" + who(event.actor)
    elif isinstance(event, Resolved):
        kind, summary = "closed", "resolved"
        text = "Resolved" + who(event.actor)
    elif isinstance(event, Revisited):
        summary = "revisited"
        text = "Return visit" + who(event.actor)
        text += ": satisfied" if event.satisfied else ": not satisfied"
        details["satisfied"] = event.satisfied
        if event.found:
            details["found"] = _values(event.found)
            text += f"; found {', '.join(details['found'])}"
    elif isinstance(event, Reopened):
        kind, summary = "opened", "reopened"
        text = "Reopened" + ("" if event.actor is None else who(event.actor))
        # A reopening's reason is free text, often a resident's words.
        if personal and event.reason:
            details["reason"] = event.reason
            text += f": {event.reason}"
        if event.domains:
            details["domains"] = _values(event.domains)
            text += f" (needs {', '.join(details['domains'])})"
    else:
        assert isinstance(event, Closed)
        kind, summary = "closed", "closed"
        text = "Closed" + ("" if event.actor is None else who(event.actor))
    return {
        "datetime": _when(event.at, tz),
        "type": kind,
        "summary": summary,
        "status": state.status.value,
        "description": text,
        "extended_attributes": details,
    }


_WITHHELD = "(personal data withheld)"


def _personal_values(events: Sequence[CaseEvent]) -> tuple[str, ...]:
    """The personal values of one case's events, longest first: what no reason may quote."""
    values: set[str] = set()
    for event in events:
        if isinstance(event, Reported):
            case = event.case
            values.update(v for v in (case.reporter, case.contact, case.description) if v)
        elif isinstance(event, Reopened):
            values.add(event.reason)
    return tuple(sorted((v for v in values if v.strip()), key=lambda v: (-len(v), v)))


def _withhold(reason: str, values: Sequence[str]) -> str:
    """A routing's reason without the case's personal values.

    govmodel's rules no longer quote a reopening's reason in a routing's, but
    a log recorded by an earlier version may: its routings are exported with
    the quotation replaced, so an old log leaks nothing either.
    """
    for value in values:
        if value in reason:
            reason = reason.replace(f"reopened ({value})", "reopened (reason kept with the case)")
            reason = reason.replace(value, _WITHHELD)
    return reason


def _shown(structure: Structure, node_id: str, *, personal: bool) -> bool:
    """Whether an id may be written: people's ids only with personal data."""
    return personal or node_id not in structure or not isinstance(structure.node(node_id), Person)


def _routing_attributes(
    structure: Structure, routing: Routing, attributes: ExtendedAttributes, *, personal: bool
) -> None:
    attributes["tier"] = routing.tier.value
    attributes["procedure"] = routing.procedure.value
    if routing.handler is not None and _shown(structure, routing.handler, personal=personal):
        attributes["handler"] = routing.handler
    co_handlers = [a for a in routing.co_handlers if _shown(structure, a, personal=personal)]
    if co_handlers:
        attributes["co_handlers"] = co_handlers
    summoned = [a for a in routing.summoned if _shown(structure, a, personal=personal)]
    if summoned:
        attributes["summoned"] = summoned
    if routing.convener is not None and _shown(structure, routing.convener, personal=personal):
        attributes["convener"] = routing.convener
    if routing.owner is not None and _shown(structure, routing.owner, personal=personal):
        attributes["owner"] = routing.owner
    if routing.supervisor is not None and _shown(structure, routing.supervisor, personal=personal):
        attributes["supervisor"] = routing.supervisor


def _fold(events: Sequence[CaseEvent], policy: Policy) -> list[CaseState]:
    """The state after each event of one case."""
    states: list[CaseState] = []
    for event in events:
        states.append(
            advance(states[-1] if states else None, event, require_revisit=policy.require_revisit)
        )
    return states


def _place(structure: Structure, case: Case, where: str) -> Place:
    if case.place not in structure or not isinstance(structure.node(case.place), Place):
        raise InteropError(
            f"{where}.case.place",
            f'expected a place of the structure "{structure.name}", found "{case.place}"',
        )
    return structure.place(case.place)


def _request(
    structure: Structure,
    events: Sequence[CaseEvent],
    states: Sequence[CaseState],
    *,
    where: str,
    personal: bool,
    now: dt.datetime | None,
    tz: dt.tzinfo,
) -> ServiceRequest:
    withheld = () if personal else _personal_values(events)
    notes = [
        _note(
            structure,
            event,
            state,
            states[i - 1] if i else None,
            personal=personal,
            withheld=withheld,
            tz=tz,
        )
        for i, (event, state) in enumerate(zip(events, states, strict=True))
    ]
    state = states[-1]
    case = state.case
    place = _place(structure, case, where)
    routing = state.routing
    agency = (
        _label(structure, routing.handler, personal=personal)
        if routing is not None and routing.handler is not None
        else None
    )
    attributes: ExtendedAttributes = {
        "channel": case.channel.value,
        "scope": case.scope.value,
        "urgency": case.urgency.value,
    }
    if case.domains is not None:
        attributes["domains"] = _values(case.domains)
    if case.receiver is not None and _shown(structure, case.receiver, personal=personal):
        attributes["receiver"] = case.receiver
    attributes["status"] = state.status.value
    attributes["reopened"] = state.reopened
    revisit = _revisit(state)
    if revisit is not None:
        attributes["revisit"] = revisit
    if routing is not None:
        _routing_attributes(structure, routing, attributes, personal=personal)
        if now is not None:
            attributes["overdue"] = state.open and _after(now, routing.due, tz)
    request: ServiceRequest = {
        "service_request_id": case.id,
        "status": _open_or_closed(state.status),
        "status_notes": notes[-1]["description"],
        "service_name": _service_name(case.category),
        "service_code": case.category.value,
        "description": (case.description or None) if personal else None,
        "agency_responsible": agency,
        "service_notice": (
            (_withhold(routing.reason, withheld) or None) if routing is not None else None
        ),
        "requested_datetime": _when(case.reported_at, tz),
        "updated_datetime": _when(state.updated_at, tz),
        "expected_datetime": _when(routing.due, tz) if routing is not None else None,
        "address": _address(structure, place),
        "address_id": place.id,
        "zipcode": None,
        "lat": None,
        "long": None,
        "media_url": None,
        "extended_attributes": attributes,
        "notes": notes,
    }
    if personal:
        contact = case.contact
        email = contact is not None and "@" in contact
        request["first_name"] = None
        request["last_name"] = case.reporter
        request["email"] = contact if email else None
        request["phone"] = None if email else contact
    return request


def to_requests(
    events: Iterable[CaseEvent],
    *,
    structure: Structure,
    now: dt.datetime | None = None,
    at: Moment | None = None,
    policy: Policy = DEFAULT_POLICY,
    for_actor: Reader | None = None,
    include_personal: bool = False,
    tz: dt.tzinfo | None = None,
) -> list[ServiceRequest]:
    """The *GET Service Requests* response for the cases of an event log.

    One request per case, in the order the cases first appear, each as it
    stands after its events: ``status`` is ``open`` until the case is resolved
    and ``closed`` once it is resolved or closed (GeoReport: "closed: it has
    been resolved"), govmodel's own status is ``extended_attributes.status``
    and, once resolved, ``extended_attributes.revisit`` says whether its
    return visit is ``awaiting``, ``done`` or was ``skipped`` (closed without
    one, where the policy allows);
    ``agency_responsible`` names the handler of the routing in force,
    ``expected_datetime`` is its due time, ``service_notice`` its reason;
    ``address`` names the place and the places containing it, most specific
    first, and ``address_id`` is the place's id; ``notes`` holds one note per
    event, oldest first.

    Parameters
    ----------
    events
        A log of one or more cases (any order across cases, each case's own
        events in order), as ``govmodel.simulate`` or ``event_logs`` make.
    structure
        The structure the cases happen in: it names places and handlers.
    now
        When given, the log as it stood at ``now``: later events are left out,
        and ``extended_attributes.overdue`` says whether an open case is past
        its due time.
    at
        The moment ``for_actor``'s access is judged at (a date-time, or a
        day): by default ``now``, else the log's latest event — one moment
        for every case of the export, never a case's report day. A person
        reads through the posts held then: a former grid worker sees
        nothing from the day after the appointment ended.
    policy
        The policy the log was made under (``require_revisit``, access).
    for_actor
        The reader: a body, grid, post or person of the structure, which
        leaves out the cases it may not ``view`` and their personal data
        unless it may ``view_personal``; or ``BACK_OFFICE``, a trusted
        back-office job that sees every case. Required with
        ``include_personal``.
    include_personal
        Add the personal data, for ``for_actor``: ``description``, the
        reporter as ``last_name``, the contact as ``phone`` (``email`` when
        it holds an ``@``), people's names and ids, and reopening reasons.
        Without it, ``description`` is ``None`` and no personal value
        appears anywhere — not even quoted in a routing's reason by a log
        recorded before govmodel 0.2.
    tz
        The time zone of the log's naive date-times, ``policy.time_zone``
        when not given: every date-time is written with its offset, as
        GeoReport requires (``from_requests(..., tz=tz)`` reads them back
        naive).

    Returns
    -------
    list of ServiceRequest
        Plain JSON-ready dictionaries.

    Raises
    ------
    InteropError
        When a case's place is not a place of ``structure``.
    govmodel.InvalidTransition
        When a case's events do not replay.
    govmodel.UnknownNodeError
        When ``for_actor`` is not a body, post or person of ``structure``.
    govmodel.ReaderRequired
        When ``include_personal`` is asked for without ``for_actor``.

    Examples
    --------
    >>> import datetime as dt
    >>> from govmodel import Accepted, Case, Category, Reported, Resolved, Scope, examples
    >>> s = examples.load("xinhe")
    >>> t = dt.datetime(2025, 5, 6, 9)
    >>> case = Case(id="case:7", category=Category.REPAIR, place="building:wanda-1",
    ...             reported_at=t, scope=Scope.BUILDING, contact="13800000000",
    ...             receiver="post:grid-wanda-a-worker")
    >>> log = [Reported(case=case, at=t),
    ...        Accepted(case_id="case:7", at=t, actor="pm:cxh"),
    ...        Resolved(case_id="case:7", at=t + dt.timedelta(hours=3), actor="pm:cxh")]
    >>> [r] = to_requests(log, structure=s, tz=dt.timezone(dt.timedelta(hours=8)))
    >>> r["status"], r["extended_attributes"]["status"], r["updated_datetime"]
    ('closed', 'resolved', '2025-05-06T12:00:00+08:00')
    >>> r["extended_attributes"]["revisit"]  # resolved: closed for GeoReport, visit owed
    'awaiting'
    >>> r["address"]
    'Building 1, Wanda Huafu (万达华府), Xinhe community (新河社区), Xinhua street (新华街道)'
    >>> [(n["type"], n["description"]) for n in r["notes"]]  # doctest: +NORMALIZE_WHITESPACE
    [('opened', 'Reported via walk-in'),
     ('activity', 'Accepted by Chengxinhang property (Wanda Huafu) (万达华府诚信行物业)'),
     ('closed', 'Resolved by Chengxinhang property (Wanda Huafu) (万达华府诚信行物业)')]
    >>> to_requests(log, structure=s, for_actor="mediation:xinhexin")  # not its case
    []
    >>> [r] = to_requests(log, structure=s, for_actor="post:grid-wanda-a-worker",
    ...                   include_personal=True)  # the case's owner (首接负责)
    >>> r["phone"]
    '13800000000'
    >>> [r] = to_requests(log, structure=s, for_actor="person:steward-1", include_personal=True)
    >>> r["phone"]  # who holds that post, at the log's last event
    '13800000000'
    >>> to_requests(log, structure=s, for_actor="person:steward-1", include_personal=True,
    ...             at=dt.datetime(2024, 12, 31, 9))  # before the appointment began
    []
    >>> to_requests(log, structure=s, include_personal=True)  # for nobody in particular
    Traceback (most recent call last):
    ...
    govmodel.rules.access.ReaderRequired: to_requests: personal data need a reader: name an \
actor of the structure (for_actor=...), or BACK_OFFICE for a trusted back-office job
    """
    if include_personal and for_actor is None:
        raise ReaderRequired("to_requests")
    # Whoever is named must be an actor of the structure, personal data or not.
    check_reader(structure, for_actor, include_personal=False, where="for_actor")
    log = list(events)
    if tz is None:
        tz = policy.time_zone
    first: dict[str, int] = {}
    for index, event in enumerate(log):
        first.setdefault(event.case_id, index)
    if now is not None:
        log = [event for event in log if not _after(event.at, now, tz)]
    moment = _access_moment(at, now, log, tz)
    out: list[ServiceRequest] = []
    for case_id, case_events in iter_case_events(log):
        states = _fold(case_events, policy)
        state = states[-1]
        personal = include_personal
        if isinstance(for_actor, str):
            _place(structure, state.case, f"events[{first[case_id]}]")
            if not can(structure, for_actor, Action.VIEW, state, at=moment, policy=policy):
                continue
            personal = personal and can(
                structure, for_actor, Action.VIEW_PERSONAL, state, at=moment, policy=policy
            )
        out.append(
            _request(
                structure,
                case_events,
                states,
                where=f"events[{first[case_id]}]",
                personal=personal,
                now=now,
                tz=tz,
            )
        )
    return out


def _access_moment(
    at: Moment | None, now: dt.datetime | None, log: Sequence[CaseEvent], tz: dt.tzinfo
) -> Moment | None:
    """When access is judged: ``at``, else ``now``, else the log's latest event.

    A naive date-time is a local time of ``tz``, the log's own zone.
    """
    if at is None:
        at = now
    if at is None and log:
        at = max((event.at for event in log), key=lambda t: t if t.tzinfo else t.replace(tzinfo=tz))
    if isinstance(at, dt.datetime) and at.tzinfo is None:
        return at.replace(tzinfo=tz)
    return at


# -- import --------------------------------------------------------------------


def _show(value: object) -> str:
    """A value as a message names it: short, printable, never an unbounded number."""
    if isinstance(value, str):
        return quoted(value)
    if isinstance(value, int) and not isinstance(value, bool):
        count = digits(value)
        return int.__repr__(value) if count <= 20 else f"an integer of {count:,} digits"
    if value is None or isinstance(value, bool | float):
        return json.dumps(value)
    if isinstance(value, Mapping):
        return "an object"
    return "a list" if isinstance(value, list | tuple) else f"a {type(value).__name__}"


# Fields that hold personal data: who reported, how to reach them, the free
# text. A message about them names the field and the kind of value, never the value.
_PERSONAL = frozenset({"first_name", "last_name", "phone", "email", "description", "reason"})


def _key(key: object) -> str:
    """A key as a location names it."""
    return quoted(key)[1:-1] if isinstance(key, str) else f"<{_show(key)}>"


def _empty(value: object) -> bool:
    return value is None or value == "" or value == [] or value == {}


def _text(data: Mapping[str, object], key: str, where: str) -> str | None:
    value = data.get(key)
    shown = kind_of(value) if key in _PERSONAL else _show(value)
    if value is None:
        return value
    if isinstance(value, str):
        if value.isascii() or surrogate_at(value) is None:
            return value
        raise InteropError(f"{where}.{key}", f"expected {NO_SURROGATES}, found {shown}")
    raise InteropError(f"{where}.{key}", f"expected a string or null, found {shown}")


def _member(enum: type[_E], value: object, where: str) -> _E:
    choices = [m.value for m in enum]
    if isinstance(value, str) and value in choices:
        return enum(value)
    listed = ", ".join(f'"{c}"' for c in choices)
    raise InteropError(where, f"expected one of {listed}; found {_show(value)}")


def _moment(value: object, where: str, tz: dt.tzinfo | None) -> dt.datetime:
    expected = "expected an ISO 8601 date-time such as 2025-06-03T08:30:00+08:00"
    if not isinstance(value, str):
        raise InteropError(where, f"{expected}, found {_show(value)}")
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        raise InteropError(where, f"{expected}, found {_show(value)}") from None
    if tz is not None and moment.tzinfo is not None:
        try:
            moment = moment.astimezone(tz).replace(tzinfo=None)
        except (OverflowError, ValueError):
            raise InteropError(
                where,
                f"expected a date-time that stays within the years 1 to 9999 in {tz}, "
                f"found {_show(value)}",
            ) from None
    return moment


# Fields of a request, by what becomes of them on import.
_CASE_FIELDS = frozenset(
    {
        "service_request_id",
        "service_code",
        "requested_datetime",
        "address_id",
        "description",
        "first_name",
        "last_name",
        "email",
        "phone",
        "extended_attributes",
    }
)
# Derived from the event log on export; checked for their type, not kept.
_STATE_FIELDS = frozenset(
    {
        "status",
        "status_notes",
        "service_name",
        "agency_responsible",
        "service_notice",
        "updated_datetime",
        "expected_datetime",
        "address",
        "address_string",
        "notes",
    }
)
# GeoReport fields a govmodel case has no place for: accepted only when empty.
_NO_PLACE = {
    "zipcode": "postal codes",
    "lat": "coordinates",
    "long": "coordinates",
    "media_url": "media",
    "device_id": "device ids",
    "account_id": "user accounts",
    "attribute": "service-definition attributes",
    "attributes": "service-definition attributes",
    "jurisdiction_id": "jurisdictions",
    "token": "tokens",
}
_ACTORS = (Body, Post, Person, Grid)
_CASE_EXTENSIONS = frozenset({"channel", "scope", "urgency", "domains", "receiver"})
_STATE_EXTENSIONS = frozenset(
    {
        "status",
        "reopened",
        "tier",
        "procedure",
        "handler",
        "co_handlers",
        "summoned",
        "convener",
        "owner",
        "supervisor",
        "overdue",
        "revisit",
    }
)


def _request_id(data: Mapping[str, object], where: str) -> str:
    value = data.get("service_request_id")
    # GeoReport's own examples write ids as numbers.
    if isinstance(value, int) and not isinstance(value, bool) and digits(value) <= 30:
        return str(value)
    if isinstance(value, str) and value and (value.isascii() or surrogate_at(value) is None):
        return value
    raise InteropError(
        f"{where}.service_request_id",
        f"expected a non-empty id, found {'nothing' if value is None else _show(value)}",
    )


def _extensions(
    data: Mapping[str, object], where: str, structure: Structure | None
) -> dict[str, Any]:
    raw = data.get("extended_attributes")
    where = f"{where}.extended_attributes"
    if raw is None:
        return {}
    if not isinstance(raw, Mapping):
        raise InteropError(where, f"expected an object, found {_show(raw)}")
    for key in raw:
        if key not in _CASE_EXTENSIONS and key not in _STATE_EXTENSIONS:
            known = ", ".join(sorted(_CASE_EXTENSIONS | _STATE_EXTENSIONS))
            raise InteropError(
                f"{where}.{_key(key)}",
                f"expected one of the attributes {known}; found {_show(key)}",
            )
    fields: dict[str, Any] = {}
    for key, enum in (("channel", Channel), ("scope", Scope), ("urgency", Urgency)):
        if raw.get(key) is not None:
            fields[key] = _member(enum, raw[key], f"{where}.{key}")
    domains = raw.get("domains")
    if domains is not None:
        if not isinstance(domains, list):
            raise InteropError(
                f"{where}.domains", f"expected a list of domains, found {_show(domains)}"
            )
        fields["domains"] = tuple(
            _member(Domain, d, f"{where}.domains[{i}]") for i, d in enumerate(domains)
        )
    receiver = _text(raw, "receiver", where)
    if receiver is not None:
        if structure is not None and not (
            receiver in structure and isinstance(structure.node(receiver), _ACTORS)
        ):
            raise InteropError(
                f"{where}.receiver",
                f'expected a body, post or person of the structure "{structure.name}", '
                f'found "{receiver}"',
            )
        fields["receiver"] = receiver
    for key, enum_type in (("status", Status), ("tier", Tier), ("procedure", Procedure)):
        if raw.get(key) is not None:
            _member(enum_type, raw[key], f"{where}.{key}")
    revisit = raw.get("revisit")
    if revisit is not None and revisit not in _REVISITS:
        listed = ", ".join(f'"{r}"' for r in _REVISITS)
        raise InteropError(f"{where}.revisit", f"expected one of {listed}; found {_show(revisit)}")
    return fields


def _check_state(data: Mapping[str, object], where: str, tz: dt.tzinfo | None) -> None:
    status = data.get("status")
    if status is not None and status not in ("open", "closed"):
        raise InteropError(f"{where}.status", f'expected "open" or "closed", found {_show(status)}')
    extended = data.get("extended_attributes")
    own = extended.get("status") if isinstance(extended, Mapping) else None
    # An unknown extended status is the extensions' problem, reported there.
    if isinstance(status, str) and isinstance(own, str) and own in set(Status):
        wanted = _open_or_closed(Status(own))
        if status != wanted:
            raise InteropError(
                f"{where}.status",
                f'expected "{wanted}" for the extended status "{own}", found "{status}"',
            )
    for key in ("status_notes", "service_name", "agency_responsible", "service_notice", "address"):
        _text(data, key, where)
    _text(data, "address_string", where)
    for key in ("updated_datetime", "expected_datetime"):
        if data.get(key) is not None:
            _moment(data[key], f"{where}.{key}", tz)
    notes = data.get("notes")
    if notes is not None and not (
        isinstance(notes, list) and all(isinstance(n, Mapping) for n in notes)
    ):
        raise InteropError(f"{where}.notes", f"expected a list of objects, found {_show(notes)}")


def _reporter(data: Mapping[str, object], where: str) -> str | None:
    first = _text(data, "first_name", where)
    last = _text(data, "last_name", where)
    if first is not None and last is not None:
        return f"{first} {last}"
    return last if last is not None else first


def _contact(data: Mapping[str, object], where: str) -> str | None:
    phone = _text(data, "phone", where)
    email = _text(data, "email", where)
    if phone is not None and email is not None:
        raise InteropError(
            f"{where}.email", "a case has one contact: expected a phone or an email, found both"
        )
    return phone if phone is not None else email


def _case(
    data: object,
    where: str,
    structure: Structure | None,
    tz: dt.tzinfo | None,
    problems: list[InteropError],
) -> Case | None:
    """The case of one request, or ``None`` with every problem found added to ``problems``."""
    if not isinstance(data, Mapping):
        problems.append(
            InteropError(where, f"expected a service request object, found {_show(data)}")
        )
        return None
    found = len(problems)

    def attempt(check: Callable[[], _T]) -> _T | None:
        try:
            return check()
        except InteropError as err:
            problems.append(err)
            return None

    for key in data:
        if key in _NO_PLACE:
            if not _empty(data[key]):
                problems.append(
                    InteropError(
                        f"{where}.{key}",
                        f"a govmodel case has no {_NO_PLACE[key]}: expected null, "
                        f"found {_show(data[key])}",
                    )
                )
        elif key not in _CASE_FIELDS and key not in _STATE_FIELDS:
            problems.append(
                InteropError(
                    f"{where}.{_key(key)}",
                    f"expected a field of a GeoReport v2 service request, found {_show(key)}",
                )
            )
    case_id = attempt(lambda: _request_id(data, where))
    category = attempt(lambda: _member(Category, data.get("service_code"), f"{where}.service_code"))
    reported_at: dt.datetime | None = None
    if "requested_datetime" not in data:
        problems.append(
            InteropError(
                f"{where}.requested_datetime",
                "expected the date-time of the report, found nothing",
            )
        )
    else:
        reported_at = attempt(
            lambda: _moment(data["requested_datetime"], f"{where}.requested_datetime", tz)
        )
    place = data.get("address_id")
    if not isinstance(place, str) or not place or surrogate_at(place) is not None:
        problems.append(
            InteropError(
                f"{where}.address_id",
                f"expected the id of a govmodel place, found "
                f"{'nothing' if place is None else _show(place)}",
            )
        )
    elif structure is not None and not (
        place in structure and isinstance(structure.node(place), Place)
    ):
        problems.append(
            InteropError(
                f"{where}.address_id",
                f'expected a place of the structure "{structure.name}", found {_show(place)}',
            )
        )
    extensions = attempt(lambda: _extensions(data, where, structure))
    attempt(lambda: _check_state(data, where, tz))
    description = attempt(lambda: _text(data, "description", where))
    reporter = attempt(lambda: _reporter(data, where))
    contact = attempt(lambda: _contact(data, where))
    if len(problems) > found:
        return None
    assert case_id is not None
    assert category is not None
    assert reported_at is not None
    assert isinstance(place, str)
    case = Case(
        id=case_id,
        category=category,
        place=place,
        reported_at=reported_at,
        reporter=reporter,
        contact=contact,
        description=description or "",
    )
    return attrs.evolve(case, **extensions) if extensions else case


def _cases(
    requests: Iterable[object],
    structure: Structure | None,
    tz: dt.tzinfo | None,
    problems: list[InteropError],
) -> list[tuple[int, Mapping[str, object], Case]]:
    """Each request that maps to a case, with its index; the problems of the others."""
    if isinstance(requests, Mapping | str | bytes) or not isinstance(requests, Iterable):
        raise InteropErrorGroup(
            "requests",
            [
                InteropError(
                    "requests", f"expected a list of service requests, found {_show(requests)}"
                )
            ],
        )
    out: list[tuple[int, Mapping[str, object], Case]] = []
    seen: dict[str, int] = {}
    for index, data in enumerate(requests):
        where = f"requests[{index}]"
        case = _case(data, where, structure, tz, problems)
        if case is None:
            continue
        assert isinstance(data, Mapping)
        if case.id in seen:
            problems.append(
                InteropError(
                    f"{where}.service_request_id",
                    f'expected a unique id, found "{case.id}" again '
                    f"(first at requests[{seen[case.id]}])",
                )
            )
            continue
        seen[case.id] = index
        out.append((index, data, case))
    return out


def from_requests(
    requests: Iterable[object],
    *,
    structure: Structure | None = None,
    tz: dt.tzinfo | None = None,
) -> tuple[Case, ...]:
    """Cases from GeoReport v2 service requests, one per request, in order.

    ``service_request_id`` → ``id``, ``service_code`` → ``category``,
    ``requested_datetime`` → ``reported_at``, ``address_id`` → ``place``,
    ``extended_attributes`` ``channel``, ``scope``, ``urgency``, ``domains``,
    ``receiver`` → the same fields (the defaults of ``Case`` when absent);
    ``description``, ``last_name`` (``first_name last_name`` when both are
    given) and ``phone`` or ``email`` → ``description``, ``reporter`` and
    ``contact``. What an export derives from the event log (``status``,
    ``notes``, ``agency_responsible``, the due time, the address text, the
    routing attributes) is checked and not kept: it is the event log's to say.

    Parameters
    ----------
    requests
        Service requests as JSON-like mappings (:func:`to_requests`,
        :func:`loads_requests`).
    structure
        When given, every place and receiver must be one of its records, and
        each case's report is checked with ``govmodel.check_log``: a
        ``reported`` note must carry the request's ``requested_datetime``.
    tz
        When given, date-times with an offset are converted to this zone and
        returned naive — the inverse of ``to_requests(..., tz=tz)``.

    Raises
    ------
    InteropErrorGroup
        Every request field that cannot be mapped, each an ``InteropError``
        with its location (``requests[3].service_code``) and what was
        expected and found: a missing or duplicate id, an unknown service code, channel, scope,
        urgency or domain, a date-time that is not ISO 8601, a place missing
        or not in ``structure``, both a phone and an email, a value in a field
        a case has no place for (``lat``, ``long``, ``zipcode``,
        ``media_url``, ...), an unknown field; with ``structure``, a report
        whose note disagrees with the request on when it was made.

    Examples
    --------
    >>> [case] = from_requests([{"service_request_id": 638344, "service_code": "leak",
    ...                          "requested_datetime": "2025-06-03T08:30:00",
    ...                          "address_id": "building:wanda-1", "phone": "13800000000"}])
    >>> case.id, case.category.value, case.contact
    ('638344', 'leak', '13800000000')
    >>> from govmodel import examples
    >>> try:
    ...     from_requests([{"service_request_id": "1", "service_code": "pothole"},
    ...                    {"service_request_id": "2", "service_code": "leak",
    ...                     "requested_datetime": "2025-06-03T08:30:00+08:00",
    ...                     "address_id": "building:nowhere"}], structure=examples.load("xinhe"))
    ... except InteropErrorGroup as err:
    ...     for problem in err.problems:
    ...         print(problem)  # doctest: +ELLIPSIS
    requests[0].service_code: expected one of "repair", ...; found "pothole"
    requests[0].requested_datetime: expected the date-time of the report, found nothing
    requests[0].address_id: expected the id of a govmodel place, found nothing
    requests[1].address_id: expected a place of the structure "Xinhe community", found ...
    """
    problems: list[InteropError] = []
    cases = _cases(requests, structure, tz, problems)
    if structure is not None:
        _check_reports(cases, structure, tz, problems)
    if problems:
        raise InteropErrorGroup("requests", problems)
    return tuple(case for _, _, case in cases)


def _check_reports(
    cases: Sequence[tuple[int, Mapping[str, object], Case]],
    structure: Structure,
    tz: dt.tzinfo | None,
    problems: list[InteropError],
) -> None:
    """Each case's report as its request's notes give it, checked with ``check_log``."""
    reports: list[Reported] = []
    where: list[str] = []
    for index, data, case in cases:
        at, here = case.reported_at, f"requests[{index}]"
        notes = data.get("notes") or []
        assert isinstance(notes, list)
        for i, note in enumerate(notes):
            if isinstance(note, Mapping) and note.get("summary") == "reported":
                here = f"requests[{index}].notes[{i}]"
                try:
                    at = _moment(note.get("datetime"), f"{here}.datetime", tz)
                except InteropError as err:
                    problems.append(err)
                break
        reports.append(Reported(case=case, at=at))
        where.append(here)
    problems += [InteropError(where[p.index], p.message) for p in check_log(structure, reports)]


def _ids(value: object, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise InteropError(where, f"expected a list of ids, found {_show(value)}")
    return tuple(value)


def _note_event(
    case: Case, note: Mapping[str, object], where: str, tz: dt.tzinfo | None
) -> CaseEvent:
    """The lifecycle event one note of :func:`to_requests` stands for."""
    summary = note.get("summary")
    at = _moment(note.get("datetime"), f"{where}.datetime", tz)
    raw = note.get("extended_attributes")
    if raw is None:
        raw = {}
    if not isinstance(raw, Mapping):
        raise InteropError(
            f"{where}.extended_attributes", f"expected an object, found {_show(raw)}"
        )
    details: Mapping[str, object] = raw
    here = f"{where}.extended_attributes"

    def actor() -> str:
        value = details.get("actor")
        if isinstance(value, str) and value:
            return value
        raise InteropError(
            f"{here}.actor",
            "expected the id of who acted, found nothing (an export without personal data "
            "leaves people out)",
        )

    def closing_actor() -> str | None:
        # Exports written before closings and reopenings named who did them
        # have no actor there: read as None, which check_log flags.
        return None if details.get("actor") is None else actor()

    def domains(key: str) -> tuple[Domain, ...]:
        value = details.get(key)
        if value is None:
            return ()
        if not isinstance(value, list):
            raise InteropError(f"{here}.{key}", f"expected a list of domains, found {_show(value)}")
        return tuple(_member(Domain, d, f"{here}.{key}[{i}]") for i, d in enumerate(value))

    if summary == "reported":
        return Reported(case=case, at=at)
    if summary == "routed":
        reason = details.get("reason", "")
        ladder = details.get("ladder") or []
        if not isinstance(ladder, list):
            raise InteropError(f"{here}.ladder", f"expected a list of tiers, found {_show(ladder)}")
        routing = Routing(
            tier=_member(Tier, details.get("tier"), f"{here}.tier"),
            procedure=_member(Procedure, details.get("procedure"), f"{here}.procedure"),
            handler=_text(details, "handler", here),
            owner=_text(details, "owner", here),
            due=_moment(details.get("due"), f"{here}.due", tz),
            co_handlers=_ids(details.get("co_handlers"), f"{here}.co_handlers"),
            summoned=_ids(details.get("summoned"), f"{here}.summoned"),
            convener=_text(details, "convener", here),
            ladder=tuple(_member(Tier, t, f"{here}.ladder[{i}]") for i, t in enumerate(ladder)),
            reason=reason if isinstance(reason, str) else _show(reason),
            domains=domains("domains"),
            forum=_text(details, "forum", here),
            rule=_text(details, "rule", here),
            supervisor=_text(details, "supervisor", here),
        )
        return Routed(case_id=case.id, at=at, routing=routing)
    if summary == "accepted":
        return Accepted(case_id=case.id, at=at, actor=actor())
    if summary == "resolved":
        return Resolved(case_id=case.id, at=at, actor=actor())
    if summary == "revisited":
        satisfied = details.get("satisfied")
        if not isinstance(satisfied, bool):
            raise InteropError(
                f"{here}.satisfied", f"expected true or false, found {_show(satisfied)}"
            )
        return Revisited(
            case_id=case.id, at=at, actor=actor(), satisfied=satisfied, found=domains("found")
        )
    if summary == "reopened":
        reason = _text(details, "reason", here) or ""
        return Reopened(
            case_id=case.id,
            at=at,
            actor=closing_actor(),
            reason=reason,
            domains=domains("domains"),
        )
    if summary == "closed":
        return Closed(case_id=case.id, at=at, actor=closing_actor())
    kinds = ", ".join(f'"{k}"' for k in _EVENT_SUMMARIES)
    raise InteropError(f"{where}.summary", f"expected one of {kinds}; found {_show(summary)}")


_EVENT_SUMMARIES = ("reported", "routed", "accepted", "resolved", "revisited", "reopened", "closed")


def events_from_requests(
    requests: Iterable[object],
    *,
    structure: Structure | None = None,
    policy: Policy = DEFAULT_POLICY,
    tz: dt.tzinfo | None = None,
) -> tuple[CaseEvent, ...]:
    """Each request's lifecycle as events, read back from its ``notes``.

    The inverse of :func:`to_requests`: every note becomes the event it was
    written from (``reported``, ``routed``, ``accepted``, ``resolved``,
    ``revisited``, ``reopened``, ``closed``), the case of each request is
    read as :func:`from_requests` reads it, and the events of each case are
    replayed with ``advance`` under ``policy``. A request without notes gives
    its report alone. The events come request by request, each case's in
    order. An export without personal data leaves people's ids out, so its
    notes of what a person did cannot be read back: they are problems.

    A ``closed`` or ``reopened`` note without an actor (as exports written
    before closings and reopenings named theirs) reads with ``actor=None``.

    Parameters
    ----------
    requests, tz
        As for :func:`from_requests`.
    structure
        When given, every place and receiver must be one of its records, and
        the lifecycle of each request read without a problem is checked with
        ``govmodel.check_log``: who acted, what was routed, when it was
        reported.
    policy
        The policy the log was made under: whether closing needs a return
        visit (``require_revisit``), and the rules ``check_log`` applies.

    Raises
    ------
    InteropErrorGroup
        Every problem at once: those :func:`from_requests` finds, a note that
        names no event or lacks what its event needs
        (``requests[2].notes[3].extended_attributes.actor``), an order of
        notes the lifecycle refuses, and with ``structure`` each problem
        ``check_log`` finds, located at its note.

    Examples
    --------
    >>> import datetime as dt
    >>> from govmodel import Accepted, Case, Category, Reported, Resolved, examples
    >>> s = examples.load("xinhe")
    >>> t = dt.datetime(2025, 5, 6, 9)
    >>> case = Case(id="case:7", category=Category.REPAIR, place="building:wanda-1",
    ...             reported_at=t)
    >>> log = (Reported(case=case, at=t), Accepted(case_id="case:7", at=t, actor="pm:cxh"),
    ...        Resolved(case_id="case:7", at=t + dt.timedelta(hours=3), actor="pm:cxh"))
    >>> shanghai = dt.timezone(dt.timedelta(hours=8))   # the export's offsets, read back naive
    >>> events_from_requests(to_requests(log, structure=s), structure=s, tz=shanghai) == log
    True
    """
    problems: list[InteropError] = []
    out: list[CaseEvent] = []
    # Where each event of ``out`` was read, and the requests read without a problem.
    read_at: list[str] = []
    clean: set[str] = set()
    for index, data, case in _cases(requests, structure, tz, problems):
        notes = data.get("notes") or []
        assert isinstance(notes, list)
        found = len(problems)
        if not notes:
            out.append(Reported(case=case, at=case.reported_at))
            read_at.append(f"requests[{index}]")
            clean.add(case.id)
            continue
        state: CaseState | None = None
        for i, note in enumerate(notes):
            where = f"requests[{index}].notes[{i}]"
            try:
                event = _note_event(case, note, where, tz)
            except InteropError as err:
                problems.append(err)
                continue
            try:
                state = advance(state, event, require_revisit=policy.require_revisit)
            except InvalidTransition as err:
                problems.append(InteropError(where, str(err)))
                continue
            except TypeError:
                # One date-time with an offset and the one before it without:
                # Python cannot order them.
                problems.append(
                    InteropError(
                        f"{where}.datetime",
                        "expected the date-times of one request all with an offset or all "
                        "without, found both",
                    )
                )
                continue
            out.append(event)
            read_at.append(where)
        if len(problems) == found:
            clean.add(case.id)
    if structure is not None:
        # A request read with a problem is left out: what is missing from it
        # would show as problems of its own.
        kept = [(e, w) for e, w in zip(out, read_at, strict=True) if e.case_id in clean]
        found_in_log = check_log(structure, [e for e, _ in kept], policy=policy)
        problems += [InteropError(kept[p.index][1], p.message) for p in found_in_log]
    if problems:
        raise InteropErrorGroup("requests", problems)
    return tuple(out)


# -- JSON text -----------------------------------------------------------------


def dumps_requests(
    requests: Iterable[ServiceRequest] | Iterable[Service], *, indent: int | None = None
) -> str:
    """Service requests (or services) as JSON text, UTF-8 characters kept as they are.

    Examples
    --------
    >>> dumps_requests(services())[:60]
    '[{"service_code": "repair", "service_name": "Repairs to comm'
    """
    return json.dumps(list(requests), ensure_ascii=False, indent=indent)


def loads_requests(text: str) -> list[dict[str, object]]:
    """Service requests from JSON text: an array of objects, for :func:`from_requests`.

    Raises
    ------
    InteropError
        When the text is not JSON (a key repeated in one object, an integer
        of more than 4300 digits and nesting deeper than 100 included), or
        not an array of objects.

    Examples
    --------
    >>> loads_requests('[{"service_request_id": "c1"}]')
    [{'service_request_id': 'c1'}]
    >>> loads_requests('{"service_request_id": "c1"}')
    Traceback (most recent call last):
    ...
    govmodel.errors.InteropError: requests: expected an array of service requests, found an object
    """
    if not isinstance(text, str):
        raise InteropError("requests", f"expected JSON text (str), found {_show(text)}")
    try:
        data = read_json(text)
    except ReadProblem as err:
        at = "" if err.line is None else f" at line {err.line}"
        raise InteropError(
            "requests", f"expected JSON, found an error{at}: {err.message}"
        ) from None
    if not isinstance(data, list):
        found = "an object" if isinstance(data, dict) else _show(data)
        raise InteropError("requests", f"expected an array of service requests, found {found}")
    for index, item in enumerate(data):
        if not isinstance(item, dict):
            raise InteropError(f"requests[{index}]", f"expected an object, found {_show(item)}")
    return data

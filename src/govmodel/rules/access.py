"""Access control: who may see or act on a case, and redaction of personal data.

A case carries personal data — who reported it, how to reach them, the
free-text description, which often holds an address or a name, and the
reasons given when it was reopened. The rules:

=========================================  ====  =============  ===  =====  =======
reader's part in the case                  view  view_personal  act  close  revisit
=========================================  ====  =============  ===  =====  =======
owner (first contact, 首接负责)              yes   yes            no   yes    yes
handler                                    yes   yes            yes  yes    yes
co-handler                                 yes   yes            yes  no     no
convener (blows the whistle, calls the     yes   yes            yes  no     no
meeting)
summoned department (not the handler)      yes   no             yes  no     no
supervisor (confirms the fix, 物业服务监督)    yes   yes            no   no     yes
property company serving the compound      yes   no             no   no     no
back office (``BACK_OFFICE``)              yes   yes            no   no     no
everyone else                              no    no             no   no     no
=========================================  ====  =============  ===  =====  =======

An actor is a body, a post, a person, or a standing meeting that a routing
names (as its handler or owner, deviation 15); a person acts through the posts
they hold at the moment access is judged, and through the bodies and grids
those posts belong to. That moment is ``at`` where given, otherwise the
case's latest event (a ``CaseState``'s ``updated_at``; a bare ``Case`` is a
case just reported, so its report). Appointments end at the close of their
``end`` day: a former holder loses access the day after, and the new holder
gains it on their first day.

Parts come from the routing in force — a ``CaseState``'s current routing, and
the owner from its first — and, for a case no routing has been recorded
for yet (a bare ``Case``, or a state of its report alone), from the routing
``route`` gives it: so ``can`` answers the same for a ``Case`` and for its
state up to its first routing, at the same moment.

``BACK_OFFICE`` stands for a trusted back-office job (a migration, a data
protection export) that reads every case whole and acts on none. Every
function that can hand out personal data needs a reader — an actor of the
structure or ``BACK_OFFICE`` — and refuses with ``ReaderRequired`` when
asked for personal data for nobody in particular.

Examples
--------
>>> import datetime as dt
>>> from govmodel import Case, Category, Scope, examples
>>> s = examples.load("shagangwan")
>>> case = Case(id="c", category=Category.EXTERNAL_NUISANCE, place="compound:kaisa-2",
...             scope=Scope.COMPOUND, reported_at=dt.datetime(2025, 5, 6, 9),
...             reporter="Ms Li", contact="13800000000", description="helicopters at night")
>>> can(s, "dept:police", "view_personal", case)  # the handler of the whistle order
True
>>> can(s, "partner:changbang", "view", case), can(s, "partner:changbang", "view_personal", case)
(True, False)
>>> redact(case, for_actor="partner:changbang", structure=s).contact is None
True
>>> can(s, "pm:dongyuan", "view", case)  # serves another compound
False
>>> redact(case, for_actor=BACK_OFFICE, structure=s) == case
True
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any, ClassVar, Final, TypeAlias, final

import attrs

from govmodel.cases import PERSONAL_FIELDS, Case, CaseState, Routing
from govmodel.errors import GovModelError, UnknownNodeError
from govmodel.model import Body, Grid, Meeting, Person, PlaceKind, Post
from govmodel.rules.policy import DEFAULT_POLICY, Policy
from govmodel.rules.routing import route
from govmodel.structure import Structure

__all__ = [
    "BACK_OFFICE",
    "AccessDenied",
    "Action",
    "BackOffice",
    "Moment",
    "Reader",
    "ReaderRequired",
    "can",
    "check_reader",
    "parts",
    "redact",
    "strip_personal",
]


@final
class BackOffice:
    """A trusted back-office job that may read all personal data: the reader ``BACK_OFFICE``.

    For jobs no actor of a structure stands behind — a database migration,
    an export for a data-protection request, a backup — pass ``BACK_OFFICE``
    where a reader is asked for (``for_actor=``, ``reader=``). It may
    ``view`` and ``view_personal`` every case, and may not act on, close or
    revisit any. There is one: ``BackOffice()`` is ``BACK_OFFICE``, and it
    pickles and copies as itself. Give it only to code that runs on behalf
    of the data controller; govmodel cannot tell who is calling (see
    ``docs/access.md``, the threat model).

    Examples
    --------
    >>> BACK_OFFICE
    BACK_OFFICE
    >>> BackOffice() is BACK_OFFICE
    True
    >>> import pickle
    >>> pickle.loads(pickle.dumps(BACK_OFFICE)) is BACK_OFFICE
    True
    """

    __slots__ = ()
    _one: ClassVar[BackOffice | None] = None

    def __new__(cls) -> BackOffice:
        """The one instance, ``BACK_OFFICE``."""
        if cls._one is None:
            cls._one = super().__new__(cls)
        return cls._one

    def __repr__(self) -> str:
        return "BACK_OFFICE"

    def __reduce__(self) -> str:
        # Pickled by name: unpickling gives the module's one instance.
        return "BACK_OFFICE"


BACK_OFFICE: Final = BackOffice()
"""The reader of trusted back-office jobs: every case whole, no action (see ``BackOffice``)."""

Reader: TypeAlias = str | BackOffice
"""Who personal data are shown to: the id of an actor of the structure, or ``BACK_OFFICE``."""

Moment: TypeAlias = dt.datetime | dt.date
"""When access is judged: a date-time (a naive one is local to ``Policy.time_zone``), or a day."""


class Action(StrEnum):
    """What an actor may want to do with a case.

    Examples
    --------
    >>> [a.value for a in Action]
    ['view', 'view_personal', 'act', 'close', 'revisit']
    """

    VIEW = "view"
    VIEW_PERSONAL = "view_personal"
    ACT = "act"
    CLOSE = "close"
    REVISIT = "revisit"


class AccessDenied(GovModelError, PermissionError):  # noqa: N818 - reads as the event it is
    """A reader asked for what it may not see.

    ``actor`` is the reader's id; ``case_id`` the case, when the refusal is
    about one. The message names ids only, never a personal value.

    Examples
    --------
    >>> raise AccessDenied("pm:x", "case:1")
    Traceback (most recent call last):
    ...
    govmodel.rules.access.AccessDenied: "pm:x" may not view case "case:1"
    >>> raise AccessDenied("person:li", message="holds no post on 2025-06-01")
    Traceback (most recent call last):
    ...
    govmodel.rules.access.AccessDenied: "person:li" holds no post on 2025-06-01
    """

    def __init__(
        self, actor: str, case_id: str | None = None, *, message: str | None = None
    ) -> None:
        self.actor = actor
        self.case_id = case_id
        self.detail = message
        if message is None:
            message = f'may not view case "{case_id}"' if case_id is not None else "may not read"
        super().__init__(f'"{actor}" {message}')

    def __reduce__(self) -> tuple[Any, ...]:
        return (_access_denied, (self.actor, self.case_id, self.detail))


def _access_denied(actor: str, case_id: str | None, message: str | None) -> AccessDenied:
    return AccessDenied(actor, case_id, message=message)


class ReaderRequired(GovModelError, ValueError):  # noqa: N818 - reads as what is missing
    """Personal data were asked for without naming who reads them.

    Every function that can hand out personal data (``redact``, the
    exporters of ``govmodel.interop`` with ``include_personal=True``, the
    command line's ``--include-personal``) needs a reader: the id of an
    actor of the structure, or ``BACK_OFFICE`` for a trusted back-office job.
    Asking without one is refused rather than answered for everybody or
    silently stripped.

    Examples
    --------
    >>> raise ReaderRequired("to_requests")
    Traceback (most recent call last):
    ...
    govmodel.rules.access.ReaderRequired: to_requests: personal data need a reader: \
name an actor of the structure (for_actor=...), or BACK_OFFICE for a trusted back-office job
    """

    def __init__(self, where: str, *, parameter: str = "for_actor", detail: str = "") -> None:
        self.where = where
        self.parameter = parameter
        text = detail or (
            f"personal data need a reader: name an actor of the structure ({parameter}=...), "
            "or BACK_OFFICE for a trusted back-office job"
        )
        super().__init__(f"{where}: {text}")

    def __reduce__(self) -> tuple[Any, ...]:
        return (_reader_required, (self.where, self.parameter, self.args[0]))


def _reader_required(where: str, parameter: str, message: str) -> ReaderRequired:
    error = ReaderRequired(where, parameter=parameter)
    error.args = (message,)
    return error


_RIGHTS: dict[str, frozenset[Action]] = {
    # The first contact owns the case — follows it, revisits and closes it —
    # but acts on it only as its handler: receiving a request gives no
    # competence over a place or a matter one does not answer for.
    "owner": frozenset({Action.VIEW, Action.VIEW_PERSONAL, Action.CLOSE, Action.REVISIT}),
    "handler": frozenset(Action),
    "co_handler": frozenset({Action.VIEW, Action.VIEW_PERSONAL, Action.ACT}),
    "convener": frozenset({Action.VIEW, Action.VIEW_PERSONAL, Action.ACT}),
    "summoned": frozenset({Action.VIEW, Action.ACT}),
    # The body that supervises the handler (the owners' committee over the property
    # company) confirms the fix at the return visit: it sees the case and calls the
    # resident, and acts on nothing itself.
    "supervisor": frozenset({Action.VIEW, Action.VIEW_PERSONAL, Action.REVISIT}),
    "serving": frozenset({Action.VIEW}),
    # A trusted job reads every case whole and does nothing with it.
    "back_office": frozenset({Action.VIEW, Action.VIEW_PERSONAL}),
}

_ACTOR_KINDS = (Body, Post, Person, Grid)


def _day(moment: Moment, policy: Policy) -> dt.date:
    """The day a moment falls on, in the policy's time zone (a naive time is local)."""
    if isinstance(moment, dt.datetime):
        if moment.tzinfo is not None:
            return moment.astimezone(policy.time_zone).date()
        return moment.date()
    return moment


def _moment_of(case: Case | CaseState, at: Moment | None) -> Moment:
    """``at``, or the case's latest event: a state's last update, a bare case's report."""
    if at is not None:
        return at
    return case.updated_at if isinstance(case, CaseState) else case.reported_at


def _identities(structure: Structure, actor: str, day: dt.date) -> set[str]:
    """The ids an actor stands for: itself, and for a person its posts and their owners."""
    record = structure.node(actor)
    if isinstance(record, Person):
        posts = structure.posts_of(actor, at=day)
        return {actor, *(p.id for p in posts), *(p.within for p in posts)}
    if isinstance(record, Post):
        return {actor, record.within}
    if isinstance(record, Body | Grid | Meeting):
        # A standing meeting a routing names as its handler acts as itself (难事联办).
        return {actor}
    raise UnknownNodeError(actor, "the actors (bodies, posts, people) of the structure")


def _routings(
    structure: Structure, case: Case | CaseState, policy: Policy
) -> tuple[Case, Routing | None, Routing | None]:
    """The case, the routing in force and the first routing.

    Until a routing is recorded — a bare case, or a state of its report
    alone — both are the routing ``route`` gives the case.
    """
    if isinstance(case, CaseState) and case.routing is not None:
        first = case.routings[0] if case.routings else case.routing
        return case.case, case.routing, first
    bare = case.case if isinstance(case, CaseState) else case
    routing = route(structure, bare, policy=policy)
    return bare, routing, routing


def check_reader(
    structure: Structure,
    reader: Reader | None,
    *,
    include_personal: bool,
    at: Moment | None = None,
    where: str = "reader",
    parameter: str = "reader",
    policy: Policy = DEFAULT_POLICY,
) -> None:
    """Refuse personal data for nobody in particular, or for a reader who is no actor.

    The rule of the structure exporters (Popolo, node-link, GraphML, the
    charts), whose personal data are people's names: with
    ``include_personal=True`` the ``reader`` must be ``BACK_OFFICE``, a
    body, grid or post of the structure, or a person holding a post at
    ``at`` (required for a person: a person reads through the posts they
    hold then). A ``reader`` given without personal data must still be an
    actor of the structure, so a mistyped id is not passed over.

    Parameters
    ----------
    structure
        The structure being exported.
    reader
        Who reads: an actor's id, ``BACK_OFFICE``, or ``None``.
    include_personal
        Whether personal data were asked for.
    at
        The moment a person reader is judged at.
    where, parameter
        The function and parameter an error names.
    policy
        Its time zone reads an aware ``at``.

    Raises
    ------
    ReaderRequired
        Personal data asked for without a reader, or for a person without ``at``.
    UnknownNodeError
        When ``reader`` is not a body, grid, post or person of the structure.
    AccessDenied
        When a person reader holds no post at ``at``.

    Examples
    --------
    >>> import datetime as dt
    >>> from govmodel import examples
    >>> s = examples.load("xinhe")
    >>> check_reader(s, BACK_OFFICE, include_personal=True)
    >>> check_reader(s, "rc:xinhe", include_personal=True)
    >>> check_reader(s, "person:steward-1", include_personal=True, at=dt.date(2025, 6, 1))
    >>> check_reader(s, None, include_personal=True, where="to_popolo")
    Traceback (most recent call last):
    ...
    govmodel.rules.access.ReaderRequired: to_popolo: personal data need a reader: name an actor \
of the structure (reader=...), or BACK_OFFICE for a trusted back-office job
    >>> check_reader(s, "person:steward-1", include_personal=True, at=dt.date(2024, 6, 1))
    Traceback (most recent call last):
    ...
    govmodel.rules.access.AccessDenied: "person:steward-1" holds no post on 2024-06-01, so may \
not read personal data
    """
    if reader is None:
        if include_personal:
            raise ReaderRequired(where, parameter=parameter)
        return
    if isinstance(reader, BackOffice):
        return
    record = structure.node(reader) if reader in structure else None
    if not isinstance(record, _ACTOR_KINDS):
        raise UnknownNodeError(reader, "the actors (bodies, posts, people) of the structure")
    if not include_personal or not isinstance(record, Person):
        return
    if at is None:
        raise ReaderRequired(
            where,
            parameter=parameter,
            detail=f'"{reader}" is a person, who reads through the posts they hold: '
            "give the moment (at=...)",
        )
    day = _day(at, policy)
    if not structure.posts_of(reader, at=day):
        raise AccessDenied(
            reader, message=f"holds no post on {day.isoformat()}, so may not read personal data"
        )


def parts(
    structure: Structure,
    actor: Reader,
    case: Case | CaseState,
    *,
    at: Moment | None = None,
    policy: Policy = DEFAULT_POLICY,
) -> frozenset[str]:
    """The parts a reader plays in a case at a moment.

    Any of owner, handler, co_handler, convener, summoned, supervisor, serving; for
    ``BACK_OFFICE``, back_office.

    Parameters
    ----------
    structure
        The structure the case lives in.
    actor
        A body, grid, post or person of the structure, or ``BACK_OFFICE``.
    case
        The case, or its state: parts follow its routing in force (see the
        module documentation for a case not yet routed).
    at
        The moment (a date-time, or a day): a person plays the parts of the
        posts held then. Default: the case's latest event.
    policy
        Routes a case not yet routed; its time zone reads an aware ``at``.

    Raises
    ------
    UnknownNodeError
        When ``actor`` is not a body, post or person of the structure.

    Examples
    --------
    >>> import datetime as dt
    >>> from govmodel import Case, Category, Scope, examples
    >>> s = examples.load("xinhe")
    >>> case = Case(id="c", category=Category.REPAIR, place="building:wanda-1",
    ...             reported_at=dt.datetime(2025, 5, 6, 9), scope=Scope.BUILDING)
    >>> sorted(parts(s, "pm:cxh", case))
    ['handler', 'serving']
    >>> sorted(parts(s, "person:steward-1", case))  # a steward, and the micro-grid's worker
    ['handler', 'owner', 'serving']
    >>> sorted(parts(s, "person:steward-1", case, at=dt.datetime(2024, 12, 31, 9)))  # not yet
    []
    >>> parts(s, BACK_OFFICE, case)
    frozenset({'back_office'})
    """
    if isinstance(actor, BackOffice):
        return frozenset({"back_office"})
    bare, routing, first = _routings(structure, case, policy)
    ids = _identities(structure, actor, _day(_moment_of(case, at), policy))
    found: set[str] = set()
    if first is not None and first.owner in ids:
        found.add("owner")
    if bare.receiver is not None and bare.receiver in ids:
        found.add("owner")
    if routing is not None:
        if routing.handler in ids:
            found.add("handler")
        if ids & set(routing.co_handlers):
            found.add("co_handler")
        if routing.convener in ids:
            found.add("convener")
        if ids & set(routing.summoned):
            found.add("summoned")
        if routing.supervisor in ids:
            found.add("supervisor")
    if ids & _serving(structure, bare.place):
        found.add("serving")
    return frozenset(found)


def _serving(structure: Structure, place: str) -> frozenset[str]:
    """The bodies serving the compound that is or holds ``place``: none outside one.

    Kept in the structure's memo, by place: every read and every checked
    event asks it.
    """
    table: dict[str, frozenset[str]] = structure.memo("access.serving by place", dict)
    found = table.get(place)
    if found is None:
        compound = structure.enclosing(place, PlaceKind.COMPOUND) if place in structure else None
        found = (
            frozenset()
            if compound is None
            else frozenset(b.id for b in structure.serving(compound.id))
        )
        table[place] = found
    return found


def can(
    structure: Structure,
    actor: Reader,
    action: Action | str,
    case: Case | CaseState,
    *,
    at: Moment | None = None,
    policy: Policy = DEFAULT_POLICY,
) -> bool:
    """Whether ``actor`` may do ``action`` with ``case`` at a moment.

    The moment is ``at`` (a date-time, naive ones local to
    ``policy.time_zone``, or a day), else the case's latest event: never
    the day it was reported, unless that is its latest event. See
    ``parts`` for the parameters.

    Examples
    --------
    >>> import datetime as dt
    >>> from govmodel import Case, Category, Scope, examples
    >>> s = examples.load("xinhe")
    >>> case = Case(id="c", category=Category.REPAIR, place="building:wanda-1",
    ...             reported_at=dt.datetime(2025, 5, 6, 9), scope=Scope.BUILDING)
    >>> can(s, "pm:cxh", "close", case), can(s, "mediation:xinhexin", "view", case)
    (True, False)
    >>> can(s, BACK_OFFICE, "view_personal", case), can(s, BACK_OFFICE, "close", case)
    (True, False)
    """
    try:
        wanted = Action(action)
    except ValueError:
        choices = ", ".join(a.value for a in Action)
        raise ValueError(f"action: expected one of {choices}, found {action!r}") from None
    return any(wanted in _RIGHTS[p] for p in parts(structure, actor, case, at=at, policy=policy))


def redact(
    case: Case | CaseState,
    *,
    for_actor: Reader | None,
    structure: Structure,
    at: Moment | None = None,
    policy: Policy = DEFAULT_POLICY,
) -> Case:
    """The case as ``for_actor`` may see it at a moment: without personal data unless allowed.

    Personal data are the fields of ``govmodel.cases.PERSONAL_FIELDS``:
    ``reporter``, ``contact`` and the free-text ``description``.
    ``for_actor`` is required: an actor of the structure, or ``BACK_OFFICE``
    (which sees every case whole); ``None`` is refused. ``at`` is as for
    ``can``.

    Raises
    ------
    AccessDenied
        When the actor may not view the case at all.
    ReaderRequired
        When ``for_actor`` is ``None``.

    Examples
    --------
    >>> import datetime as dt
    >>> from govmodel import Case, Category, Scope, examples
    >>> s = examples.load("xinhe")
    >>> case = Case(id="c", category=Category.REPAIR, place="building:wanda-1",
    ...             scope=Scope.BUILDING, reported_at=dt.datetime(2025, 5, 6, 9),
    ...             reporter="Ms Li", contact="13800000000")
    >>> redact(case, for_actor="pm:cxh", structure=s).reporter
    'Ms Li'
    >>> redact(case, for_actor="party:xinhe", structure=s)
    Traceback (most recent call last):
    ...
    govmodel.rules.access.AccessDenied: "party:xinhe" may not view case "c"
    """
    bare = case.case if isinstance(case, CaseState) else case
    if for_actor is None:
        raise ReaderRequired("redact")
    if not can(structure, for_actor, Action.VIEW, case, at=at, policy=policy):
        assert isinstance(for_actor, str)
        raise AccessDenied(for_actor, bare.id)
    if can(structure, for_actor, Action.VIEW_PERSONAL, case, at=at, policy=policy):
        return bare
    return strip_personal(bare)


def strip_personal(case: Case) -> Case:
    """The case without any personal data.

    Examples
    --------
    >>> import datetime as dt
    >>> from govmodel import Case, Category
    >>> c = Case(id="c", category=Category.NOISE, place="p", reported_at=dt.datetime(2025, 1, 1),
    ...          reporter="Ms Li", description="flat 301")
    >>> strip_personal(c).reporter, strip_personal(c).description
    (None, '')
    """
    blank: dict[str, Any] = {"reporter": None, "contact": None, "description": ""}
    return attrs.evolve(case, **{field: blank[field] for field in PERSONAL_FIELDS})

"""Access control: who may see or act on a case, and redaction of personal data.

A case carries personal data — who reported it, how to reach them, and the
free-text description, which often holds an address or a name. The rules:

=========================================  ====  =============  ===  =====  =======
actor's part in the case                   view  view_personal  act  close  revisit
=========================================  ====  =============  ===  =====  =======
owner (first contact, 首接负责)              yes   yes            no   yes    yes
handler                                    yes   yes            yes  yes    yes
co-handler                                 yes   yes            yes  no     no
convener (blows the whistle, calls the     yes   yes            yes  no     no
meeting)
summoned department (not the handler)      yes   no             yes  no     no
property company serving the compound      yes   no             no   no     no
everyone else                              no    no             no   no     no
=========================================  ====  =============  ===  =====  =======

An actor is a body, a post, a person, or a standing meeting that a routing
names (as its handler or owner, deviation 15); a person acts through the posts
they hold on the day (``at``, the case's report day by default) and through
the bodies and grids those posts belong to. Parts come from the routing in
force — a ``CaseState``'s current routing, or for a bare ``Case`` the routing
``route`` gives it — and the owner from the first routing.

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
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

import attrs

from govmodel.cases import PERSONAL_FIELDS, Case, CaseState, Routing
from govmodel.errors import GovModelError, UnknownNodeError
from govmodel.model import Body, Grid, Meeting, Person, PlaceKind, Post
from govmodel.rules.policy import DEFAULT_POLICY, Policy
from govmodel.rules.routing import route
from govmodel.structure import Structure

__all__ = ["AccessDenied", "Action", "can", "parts", "redact", "strip_personal"]


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
    """An actor asked for a case it may not see.

    Examples
    --------
    >>> raise AccessDenied("pm:x", "case:1")
    Traceback (most recent call last):
    ...
    govmodel.rules.access.AccessDenied: "pm:x" may not view case "case:1"
    """

    def __init__(self, actor: str, case_id: str) -> None:
        self.actor = actor
        self.case_id = case_id
        super().__init__(f'"{actor}" may not view case "{case_id}"')


_RIGHTS: dict[str, frozenset[Action]] = {
    # The first contact owns the case — follows it, revisits and closes it —
    # but acts on it only as its handler: receiving a request gives no
    # competence over a place or a matter one does not answer for.
    "owner": frozenset({Action.VIEW, Action.VIEW_PERSONAL, Action.CLOSE, Action.REVISIT}),
    "handler": frozenset(Action),
    "co_handler": frozenset({Action.VIEW, Action.VIEW_PERSONAL, Action.ACT}),
    "convener": frozenset({Action.VIEW, Action.VIEW_PERSONAL, Action.ACT}),
    "summoned": frozenset({Action.VIEW, Action.ACT}),
    "serving": frozenset({Action.VIEW}),
}


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
    if isinstance(case, CaseState):
        first = case.routings[0] if case.routings else None
        return case.case, case.routing, first
    routing = route(structure, case, policy=policy)
    return case, routing, routing


def parts(
    structure: Structure,
    actor: str,
    case: Case | CaseState,
    *,
    at: dt.date | None = None,
    policy: Policy = DEFAULT_POLICY,
) -> frozenset[str]:
    """The parts an actor plays in a case.

    Any of owner, handler, co_handler, convener, summoned, serving.

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
    """
    bare, routing, first = _routings(structure, case, policy)
    day = at if at is not None else bare.reported_at.date()
    ids = _identities(structure, actor, day)
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
    compound = (
        structure.enclosing(bare.place, PlaceKind.COMPOUND) if bare.place in structure else None
    )
    if compound is not None:
        serving = {b.id for b in structure.serving(compound.id)}
        if ids & serving:
            found.add("serving")
    return frozenset(found)


def can(
    structure: Structure,
    actor: str,
    action: Action | str,
    case: Case | CaseState,
    *,
    at: dt.date | None = None,
    policy: Policy = DEFAULT_POLICY,
) -> bool:
    """Whether ``actor`` may do ``action`` with ``case``.

    Examples
    --------
    >>> import datetime as dt
    >>> from govmodel import Case, Category, Scope, examples
    >>> s = examples.load("xinhe")
    >>> case = Case(id="c", category=Category.REPAIR, place="building:wanda-1",
    ...             reported_at=dt.datetime(2025, 5, 6, 9), scope=Scope.BUILDING)
    >>> can(s, "pm:cxh", "close", case), can(s, "mediation:xinhexin", "view", case)
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
    for_actor: str,
    structure: Structure,
    at: dt.date | None = None,
    policy: Policy = DEFAULT_POLICY,
) -> Case:
    """The case as ``for_actor`` may see it: without personal data unless allowed.

    Personal data are the fields of ``govmodel.cases.PERSONAL_FIELDS``:
    ``reporter``, ``contact`` and the free-text ``description``.

    Raises
    ------
    AccessDenied
        When the actor may not view the case at all.

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
    if not can(structure, for_actor, Action.VIEW, case, at=at, policy=policy):
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

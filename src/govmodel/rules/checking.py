"""Checking an event log against a structure: who acted, what was routed, when.

``advance`` knows the lifecycle's order but nothing of the structure, so a log
that replays may still be one the rules could never have written: a property
company serving another compound resolving a case, a routing to another
place's handler, a report dated three days after the case says it was made.
:func:`check_log` reads a log against its structure and the rules and returns
**every** problem at once, each a :class:`LogProblem` with the index of its
event in the log.

What each event is checked for, against its case's state just before it:

===============  ==========================================================
event            problems it can have
===============  ==========================================================
``Reported``     ``unknown-place``: the case's place is no place of the
                 structure; ``unknown-actor``: its receiver is no body, post
                 or person; ``report-time``: ``at`` differs from the case's
                 ``reported_at``
``Routed``       ``unexpected-routing``: the routing is neither ``route``'s
                 answer for the case nor what ``escalate`` gives for the
                 state before it at the event's time (compared field by
                 field, all but ``reason``)
``Accepted``     ``unknown-actor``; ``no-right``: the actor may neither act
                 on the case nor close it (the first contact takes a case up
                 without handling it, 首接负责)
``Resolved``     ``unknown-actor``; ``no-right``: may not act on it
``Revisited``    ``unknown-actor``; ``no-right``: may not revisit it
``Reopened``,    ``missing-actor``: no actor recorded (a log written before
``Closed``       closings and reopenings named theirs); ``unknown-actor``;
                 ``no-right``: may not close it (reopening is the decision
                 not to close)
any              ``invalid-transition``: the lifecycle refuses it
                 (``advance``); the event is then skipped, so the rest of
                 the case is still checked
===============  ==========================================================

A routing's ``reason`` is left out of the comparison: it is the decision put
in words, and writes times as the log had them (an Open311 import read
without ``tz=`` gives them an offset) and a reopening's reason (personal data,
which an export may leave out). Every field that decides who handles the case,
how and by when must be the rules'.

Rights are those of :func:`govmodel.rules.access.can`, judged at the event's
moment (``at=event.at``: a person acts through the posts held then) on the
state before the event; before a case has a routing, on the routing ``route``
gives it. An escalation is judged with ``recent`` = the cases the log reports,
so a recurrence escalation is recognised when the log holds the earlier
reports that made it recur.

Messages name ids, tiers and times, never personal data: no reporter,
contact, description or reason, and no person's id (a person is "a person of
the structure").

Examples
--------
>>> import datetime as dt
>>> from govmodel import Accepted, Case, Category, Reported, Routed, Scope, examples, route
>>> s = examples.load("xinhe")
>>> t = dt.datetime(2025, 5, 6, 9)
>>> case = Case(id="c", category=Category.REPAIR, place="building:wanda-1", reported_at=t,
...             scope=Scope.BUILDING)
>>> log = [Reported(case=case, at=t), Routed(case_id="c", at=t, routing=route(s, case)),
...        Accepted(case_id="c", at=t, actor="pm:cxh")]
>>> check_log(s, log)
()
>>> for problem in check_log(s, [*log[:2], Accepted(case_id="c", at=t, actor="nobody:at-all")]):
...     print(problem.kind.value, problem)
unknown-actor events[2]: actor "nobody:at-all" is not a body, post, person or meeting of ...
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from enum import StrEnum
from typing import TypeVar

import attrs

from govmodel._strict import quoted
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
)
from govmodel.model import Body, Category, Grid, Meeting, Person, Place, Post
from govmodel.rules.access import _RIGHTS, Action, parts
from govmodel.rules.escalation import escalate
from govmodel.rules.policy import DEFAULT_POLICY, Policy
from govmodel.rules.routing import route
from govmodel.structure import Structure

__all__ = ["LogProblem", "LogProblemKind", "check_log"]


class LogProblemKind(StrEnum):
    """The kinds of problem :func:`check_log` finds.

    Examples
    --------
    >>> [kind.value for kind in LogProblemKind][:3]
    ['invalid-transition', 'unknown-place', 'unknown-actor']
    """

    INVALID_TRANSITION = "invalid-transition"
    UNKNOWN_PLACE = "unknown-place"
    UNKNOWN_ACTOR = "unknown-actor"
    MISSING_ACTOR = "missing-actor"
    NO_RIGHT = "no-right"
    UNEXPECTED_ROUTING = "unexpected-routing"
    REPORT_TIME = "report-time"


@attrs.frozen(kw_only=True)
class LogProblem:
    """One problem of an event log: where, which case, what kind, and why.

    Parameters
    ----------
    index
        The index of the event in the log (``events[3]`` is the fourth).
    case_id
        The case the event belongs to.
    kind
        What kind of problem it is.
    message
        Why, in a line; never a personal value.

    Examples
    --------
    >>> p = LogProblem(index=3, case_id="c", kind=LogProblemKind.MISSING_ACTOR,
    ...                message="closed with no actor recorded")
    >>> print(p)
    events[3]: closed with no actor recorded
    >>> p.kind == "missing-actor"
    True
    """

    index: int
    case_id: str
    kind: LogProblemKind
    message: str

    def __str__(self) -> str:
        return f"events[{self.index}]: {self.message}"


_ACTORS = (Body, Post, Person, Grid, Meeting)
# Who may receive a case: route takes a body, post or person as its first contact.
_RECEIVERS = (Body, Post, Person)

# What each event needs of its actor (any one of the actions), in words.
_NEEDS: dict[type, tuple[tuple[Action, ...], str, str]] = {
    Accepted: ((Action.ACT, Action.CLOSE), "accept", "accepting needs the right to act or close"),
    Resolved: ((Action.ACT,), "resolve", "resolving needs the right to act"),
    Revisited: ((Action.REVISIT,), "revisit", "revisiting needs the right to revisit"),
    Reopened: ((Action.CLOSE,), "reopen", "reopening needs the right to close"),
    Closed: ((Action.CLOSE,), "close", "closing needs the right to close"),
}


def _moment(at: dt.datetime) -> str:
    return at.isoformat(sep=" ")


class _Checker:
    """The state of one check: each case's state, route's answers, the reports."""

    def __init__(self, structure: Structure, events: Sequence[CaseEvent], policy: Policy) -> None:
        self.structure = structure
        self.policy = policy
        self.states: dict[str, CaseState] = {}
        self.first: dict[str, Routing] = {}
        # The cases the log reports, by place and category: escalate's ``recent``.
        self.reports: dict[tuple[str, Category], list[Case]] = {}
        for event in events:
            if isinstance(event, Reported):
                case = event.case
                self.reports.setdefault((case.place, case.category), []).append(case)
        self.problems: list[LogProblem] = []

    def add(self, index: int, event: CaseEvent, kind: LogProblemKind, message: str) -> None:
        self.problems.append(
            LogProblem(index=index, case_id=event.case_id, kind=kind, message=message)
        )

    def is_actor(self, node_id: str) -> bool:
        return node_id in self.structure and isinstance(self.structure.node(node_id), _ACTORS)

    def placed(self, case: Case) -> bool:
        place = case.place
        return place in self.structure and isinstance(self.structure.node(place), Place)

    def received(self, case: Case) -> bool:
        receiver = case.receiver
        return receiver is None or (
            receiver in self.structure and isinstance(self.structure.node(receiver), _RECEIVERS)
        )

    def routable(self, case: Case) -> bool:
        """Whether ``route`` takes the case: its place and receiver are the structure's."""
        return self.placed(case) and self.received(case)

    def who(self, actor: str) -> str:
        """An actor as a message names it: people by what they are, not by id."""
        if isinstance(self.structure.node(actor), Person):
            return "a person of the structure"
        return quoted(actor)

    def unknown(self, actor: str) -> str:
        name = quoted(self.structure.name)
        return f"actor {quoted(actor)} is not a body, post, person or meeting of {name}"

    # -- each kind of event ------------------------------------------------------

    def reported(self, index: int, event: Reported) -> None:
        case = event.case
        if not self.placed(case):
            self.add(
                index,
                event,
                LogProblemKind.UNKNOWN_PLACE,
                f"the case's place {quoted(case.place)} is not a place of "
                f"{quoted(self.structure.name)}",
            )
        if case.receiver is not None and not self.received(case):
            self.add(
                index,
                event,
                LogProblemKind.UNKNOWN_ACTOR,
                f"the case's receiver {quoted(case.receiver)} is not a body, post or person of "
                f"{quoted(self.structure.name)}",
            )
        if event.at != case.reported_at:
            self.add(
                index,
                event,
                LogProblemKind.REPORT_TIME,
                f"reported at {_moment(event.at)}, but the case says it was reported at "
                f"{_moment(case.reported_at)}",
            )

    def routed(self, index: int, event: Routed, state: CaseState) -> None:
        case = state.case
        first = self.first.get(case.id)
        if first is None:
            first = self.first[case.id] = route(self.structure, case, policy=self.policy)
        routing = event.routing
        if not _differences(routing, first):
            return
        recent = self.reports.get((case.place, case.category), ())
        due = escalate(self.structure, state, now=event.at, policy=self.policy, recent=recent)
        if due is not None and not _differences(routing, due):
            return
        where = f"a routing to the {routing.tier.value} tier ({routing.procedure.value})"
        why = f"route's answer for the case differs in {_differences(routing, first)}"
        when = _moment(event.at)
        if due is None:
            why += f", and no escalation was due at {when}"
        else:
            why += f", and the escalation due at {when} in {_differences(routing, due)}"
        self.add(
            index,
            event,
            LogProblemKind.UNEXPECTED_ROUTING,
            f"{where} that the rules do not give: {why}",
        )

    def acted(
        self,
        index: int,
        event: Accepted | Resolved | Revisited | Reopened | Closed,
        state: CaseState | None,
    ) -> None:
        actions, verb, right = _NEEDS[type(event)]
        actor = event.actor
        if actor is None:
            self.add(
                index,
                event,
                LogProblemKind.MISSING_ACTOR,
                f"{type(event).__name__.lower()} with no actor: who did it is not recorded "
                "(as in logs written before closings and reopenings named their actor)",
            )
            return
        if not self.is_actor(actor):
            self.add(index, event, LogProblemKind.UNKNOWN_ACTOR, self.unknown(actor))
            return
        if state is None or not self.routable(state.case):
            return  # the transition, or the case's place or receiver, is the problem
        subject: Case | CaseState = state if state.routing is not None else state.case
        structure, policy, at = self.structure, self.policy, event.at
        # ``can`` for each action, with the parts the actor plays found once.
        found = parts(structure, actor, subject, at=at, policy=policy)
        if any(a in _RIGHTS[p] for p in found for a in actions):
            return
        played = sorted(found)
        as_ = (
            f"which none of its parts ({', '.join(played)}) gives"
            if played
            else "and it plays no part in the case"
        )
        self.add(
            index,
            event,
            LogProblemKind.NO_RIGHT,
            f"{self.who(actor)} may not {verb} case {quoted(state.case.id)} at {_moment(at)}: "
            f"{right}, {as_}",
        )

    def check(self, index: int, event: CaseEvent) -> None:
        state = self.states.get(event.case_id)
        if isinstance(event, Reported):
            self.reported(index, event)
        elif isinstance(event, Routed):
            if state is not None and self.routable(state.case):
                self.routed(index, event, state)
        else:
            self.acted(index, event, state)
        try:
            self.states[event.case_id] = advance(
                state, event, require_revisit=self.policy.require_revisit
            )
        except InvalidTransition as err:
            self.add(index, event, LogProblemKind.INVALID_TRANSITION, str(err))


# Every field of a routing but its reason, the decision put in words.
_DECIDING = tuple(field.name for field in attrs.fields(Routing) if field.name != "reason")


def _differences(given: Routing, expected: Routing) -> str:
    """The deciding fields in which two routings differ, by name ("" when none)."""
    if given == expected:
        return ""
    names = [name for name in _DECIDING if getattr(given, name) != getattr(expected, name)]
    return ", ".join(names)


_EVENT_TYPES = (Reported, Accepted, Routed, Resolved, Revisited, Reopened, Closed)


def check_log(
    structure: Structure,
    events: Iterable[CaseEvent],
    *,
    policy: Policy = DEFAULT_POLICY,
    states: Mapping[str, CaseState] | None = None,
    recent: Iterable[Case] = (),
) -> tuple[LogProblem, ...]:
    """Every problem of an event log against a structure and the rules, in log order.

    See the module docstring for what is checked. A log the simulator or
    ``govmodel.strategies.event_logs`` wrote has none.

    Parameters
    ----------
    structure
        The structure the log's cases happen in.
    events
        Lifecycle events of any number of cases, interleaved in any order
        across cases; a case's own events in its order. Read once.
    policy
        The policy the log was made under: routing, escalation, access and
        whether closing needs a return visit (``require_revisit``).
    states
        For a log that continues cases already under way (new events for a
        store, say): each such case's state before the log, by case id. The
        first routing of such a state is ``route``'s answer it was checked
        against.
    recent
        Cases reported before the log, outside it, that an escalation for
        recurrence counts (``escalate``'s ``recent``).

    Returns
    -------
    tuple of LogProblem
        Empty when the log holds together; otherwise each problem with the
        index of its event, in the order of the log (an event may have more
        than one).

    Raises
    ------
    TypeError
        For something that is not an event.

    Examples
    --------
    A property company serving another compound resolves and revisits a case
    at 佳兆业二期 (Shagangwan), a report is dated three days after its case, and
    the closing names no one:

    >>> import datetime as dt
    >>> from govmodel import (Accepted, Case, Category, Closed, Reported, Resolved, Revisited,
    ...                       Routed, Scope, examples, route)
    >>> s = examples.load("shagangwan")
    >>> t = dt.datetime(2025, 5, 6, 9)
    >>> case = Case(id="c", category=Category.REPAIR, place="compound:kaisa-2", reported_at=t,
    ...             scope=Scope.COMPOUND)
    >>> hour = dt.timedelta(hours=1)
    >>> log = [Reported(case=case, at=t + 72 * hour),
    ...        Routed(case_id="c", at=t + 72 * hour, routing=route(s, case)),
    ...        Accepted(case_id="c", at=t + 73 * hour, actor="pm:kaisa"),
    ...        Resolved(case_id="c", at=t + 75 * hour, actor="pm:dongyuan"),
    ...        Revisited(case_id="c", at=t + 80 * hour, actor="pm:dongyuan", satisfied=True),
    ...        Closed(case_id="c", at=t + 81 * hour, actor=None)]
    >>> for problem in check_log(s, log):
    ...     print(problem.index, problem.kind.value)
    0 report-time
    3 no-right
    4 no-right
    5 missing-actor
    >>> print(check_log(s, log)[1].message)  # doctest: +NORMALIZE_WHITESPACE
    "pm:dongyuan" may not resolve case "c" at 2025-05-09 12:00:00: resolving needs the right
    to act, and it plays no part in the case
    """
    problems, _ = _check(structure, events, policy=policy, states=states, recent=recent)
    return problems


_C = TypeVar("_C", bound="_Checker")


def _check(
    structure: Structure,
    events: Iterable[CaseEvent],
    *,
    policy: Policy = DEFAULT_POLICY,
    states: Mapping[str, CaseState] | None = None,
    recent: Iterable[Case] = (),
) -> tuple[tuple[LogProblem, ...], dict[str, CaseState]]:
    """``check_log``, and each case's state after the events it accepted.

    What a store uses, so that it does not replay the events a second time:
    the states are the cases' where no problem was found.
    """
    checker = _checked(_Checker, structure, events, policy, states, recent)
    return tuple(checker.problems), checker.states


def _checked(
    kind: type[_C],
    structure: Structure,
    events: Iterable[CaseEvent],
    policy: Policy,
    states: Mapping[str, CaseState] | None,
    recent: Iterable[Case],
) -> _C:
    """A checker of ``kind`` run over ``events``, continuing ``states`` after ``recent`` reports."""
    log = list(events)
    for index, event in enumerate(log):
        if not isinstance(event, _EVENT_TYPES):
            raise TypeError(
                f"events[{index}]: expected one of the CaseEvent classes, "
                f"found {type(event).__name__}"
            )
    checker = kind(structure, log, policy)
    for case_id, state in (states or {}).items():
        checker.states[case_id] = state
        if state.routings:
            checker.first[case_id] = state.routings[0]
    for case in recent:
        checker.reports.setdefault((case.place, case.category), []).insert(0, case)
    for index, event in enumerate(log):
        checker.check(index, event)
    return checker

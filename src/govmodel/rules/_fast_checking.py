"""``check_log``'s checks, continued over a store's appends, without their repeated work.

A store checks each append's events against the states of their cases
(``govmodel.rules.checking._check``): for every event, ``advance`` builds the
case's next state, and the access rules find the parts its actor plays. Most
events of a case's life are clean, and most of that work is the same from one
event to the next — the case's place and receiver are checked again, the parts
of the same routing found again, a state built that the next event replaces.

:class:`_FastChecker` reads the same log and gives the same problems, in the
same order and with the same messages, and the same states. It takes a short
way only where it can tell the event is clean:

- a case's state is kept as a *draft*, its fields set in place as ``advance``
  would set them, and made a ``CaseState`` only where a rule reads one (an
  escalation checked against ``escalate``, any event with a problem) and once
  at the end;
- the right to act is found by asking, of the parts that give it, whether the
  actor plays one (the handler first), for the ids it stands for at the moment
  (kept by actor, and by day for a person), instead of finding every part;
- the place and receiver are judged once per case, a routing equal to
  ``route``'s answer is accepted at once.

Any event the short way cannot pass — one ``advance`` would refuse, an actor
who is unknown or has no right, a case not yet routed or not routable, a
report with anything amiss, an escalation that is not ``route``'s answer — is
checked by ``_Checker``'s own methods on the state the draft stands for, so
every problem is found and worded by the readable rules.
``tests/properties/test_fast_checking.py`` holds the two equal on generated
logs, spoiled and not, split into any sequence of appends.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence

from govmodel.cases import (
    Accepted,
    Case,
    CaseEvent,
    CaseState,
    Closed,
    Reopened,
    Reported,
    Resolved,
    Revisited,
    Routed,
    Routing,
)
from govmodel.model import Person, Status
from govmodel.rules.access import _RIGHTS, Action, _day, _identities, _serving
from govmodel.rules.checking import _NEEDS, LogProblem, _checked, _Checker
from govmodel.rules.policy import DEFAULT_POLICY, Policy
from govmodel.rules.routing import route
from govmodel.structure import Structure

__all__: list[str] = []

_RESOLVED = Status.RESOLVED
_CLOSED = Status.CLOSED
_REOPENED = Status.REOPENED
_REPORTED = Status.REPORTED
_IN_PROGRESS = Status.IN_PROGRESS
_ACCEPTED = Status.ACCEPTED

# What each kind of acting event needs, any one of: the actions of ``_NEEDS``.
_WANTS: dict[type, tuple[Action, ...]] = {kind: need[0] for kind, need in _NEEDS.items()}


class _Draft:
    """A case's state while its events are folded: ``CaseState``'s fields, set in place.

    ``state`` is the ``CaseState`` the fields stand for, while none has changed
    since it was made; ``routable`` whether ``route`` takes the case (``None``
    until asked for).
    """

    __slots__ = (
        "accepted_at",
        "case",
        "closed_at",
        "events",
        "extra_domains",
        "reopen_reason",
        "reopened",
        "resolved_at",
        "resolved_by",
        "revisits",
        "routable",
        "routing",
        "routings",
        "state",
        "status",
        "updated_at",
        "visits_since_resolved",
    )

    def __init__(self, state: CaseState) -> None:
        self.case = state.case
        self.status = state.status
        self.routing = state.routing
        self.routings = state.routings
        self.accepted_at = state.accepted_at
        self.resolved_at = state.resolved_at
        self.resolved_by = state.resolved_by
        self.closed_at = state.closed_at
        self.revisits = state.revisits
        self.visits_since_resolved = state.visits_since_resolved
        self.reopened = state.reopened
        self.reopen_reason = state.reopen_reason
        self.extra_domains = state.extra_domains
        self.updated_at = state.updated_at
        self.events = state.events
        self.state: CaseState | None = state
        self.routable: bool | None = None

    @classmethod
    def reported(cls, case: Case, at: dt.datetime) -> _Draft:
        """The draft of ``advance``'s state for a case's report: ``CaseState``'s defaults."""
        draft = cls.__new__(cls)
        draft.case = case
        draft.status = _REPORTED
        draft.routing = None
        draft.routings = ()
        draft.accepted_at = None
        draft.resolved_at = None
        draft.resolved_by = None
        draft.closed_at = None
        draft.revisits = ()
        draft.visits_since_resolved = 0
        draft.reopened = 0
        draft.reopen_reason = None
        draft.extra_domains = ()
        draft.updated_at = at
        draft.events = 1
        draft.state = None
        draft.routable = None
        return draft

    def made(self) -> CaseState:
        """The ``CaseState`` the draft stands for."""
        state = self.state
        if state is None:
            state = self.state = CaseState(
                case=self.case,
                status=self.status,
                routing=self.routing,
                routings=self.routings,
                accepted_at=self.accepted_at,
                resolved_at=self.resolved_at,
                resolved_by=self.resolved_by,
                closed_at=self.closed_at,
                revisits=self.revisits,
                visits_since_resolved=self.visits_since_resolved,
                reopened=self.reopened,
                reopen_reason=self.reopen_reason,
                extra_domains=self.extra_domains,
                updated_at=self.updated_at,
                events=self.events,
            )
        return state

    def follows(self, event: CaseEvent, kind: type, require_revisit: bool) -> bool:
        """Whether ``advance`` takes the event from this state (then the draft is its result).

        ``advance``'s conditions, in its order; on ``False`` nothing has changed.
        """
        at = event.at
        updated = self.updated_at
        if event.case_id != self.case.id:
            return False
        if (at.tzinfo is None) is not (updated.tzinfo is None) or at < updated:
            return False
        status = self.status
        if status is _CLOSED:
            return False
        if kind is Accepted:
            if self.accepted_at is not None:
                return False
            self.status = _IN_PROGRESS if self.routing is not None else _ACCEPTED
            self.accepted_at = at
        elif kind is Routed:
            if status is _RESOLVED:
                return False
            if status is _REOPENED or self.accepted_at is not None:
                self.status = _IN_PROGRESS
            else:
                self.status = _REPORTED
            routing: Routing = event.routing  # type: ignore[union-attr]
            self.routing = routing
            self.routings = (*self.routings, routing)
        elif kind is Resolved:
            if self.accepted_at is None or status is _RESOLVED:
                return False
            self.status = _RESOLVED
            self.resolved_at = at
            self.resolved_by = event.actor  # type: ignore[union-attr]
            self.visits_since_resolved = 0
        elif kind is Revisited:
            if status is not _RESOLVED:
                return False
            found = event.found  # type: ignore[union-attr]
            self.revisits = (*self.revisits, event)  # type: ignore[arg-type]
            self.visits_since_resolved += 1
            self.extra_domains = tuple(dict.fromkeys((*self.extra_domains, *found)))
        elif kind is Reopened:
            if status is not _RESOLVED:
                return False
            self.status = _REOPENED
            self.reopened += 1
            self.reopen_reason = event.reason  # type: ignore[union-attr]
            domains = event.domains  # type: ignore[union-attr]
            self.extra_domains = tuple(dict.fromkeys((*self.extra_domains, *domains)))
        elif kind is Closed:
            if status is not _RESOLVED:
                return False
            # ``revisited_since_resolved``, as ``advance`` reads it.
            revisit = self.revisits[-1] if self.visits_since_resolved else None
            if require_revisit and revisit is None:
                return False
            self.status = _CLOSED
            self.closed_at = at
        else:
            return False  # a second report
        self.updated_at = at
        self.events += 1
        self.state = None
        return True


def _plays(
    part: str,
    ids: frozenset[str],
    structure: Structure,
    case: Case,
    routing: Routing,
    first: Routing,
) -> bool:
    """Whether an actor standing for ``ids`` plays ``part`` in the case: ``parts``, one part."""
    if part == "owner":
        return first.owner in ids or case.receiver in ids
    if part == "handler":
        return routing.handler in ids
    if part == "co_handler":
        return not ids.isdisjoint(routing.co_handlers)
    if part == "convener":
        return routing.convener in ids
    if part == "summoned":
        return not ids.isdisjoint(routing.summoned)
    if part == "supervisor":
        return routing.supervisor in ids
    if part == "serving":
        return not ids.isdisjoint(_serving(structure, case.place))
    # ``back_office`` acts on nothing; a part not named here leaves it to the readable checks.
    return False


# For each kind of acting event, the parts that give one of the actions it needs (the
# owner's first: after the handler, the commonest actor), and whether the handler's does.
_GIVING: dict[type, tuple[str, ...]] = {
    kind: tuple(
        sorted(
            (part for part, rights in _RIGHTS.items() if any(a in rights for a in actions)),
            key=lambda part: (part != "owner", part),
        )
    )
    for kind, actions in _WANTS.items()
}
_BY_HANDLER = {kind: "handler" in parts for kind, parts in _GIVING.items()}


class _FastChecker(_Checker):
    """``_Checker``'s checks, with a short way for the events it can tell are clean."""

    def __init__(self, structure: Structure, events: Sequence[CaseEvent], policy: Policy) -> None:
        super().__init__(structure, events, policy)
        self.drafts: dict[str, _Draft | None] = {}
        self.require_revisit = policy.require_revisit
        # By node id: whether it is an actor; the ids an actor stands for (a person's by day).
        self.actors: dict[str, bool] = {}
        self.people: set[str] = set()
        self.ids: dict[str, frozenset[str]] = {}
        self.ids_on: dict[tuple[str, dt.date], frozenset[str]] = {}
        self.places: dict[str, bool] = {}
        self.receivers: dict[str | None, bool] = {None: True}

    # -- what the short way looks up -------------------------------------------------

    def draft(self, case_id: str) -> _Draft | None:
        """The case's draft, made from its state the first time; ``None`` before its report."""
        try:
            return self.drafts[case_id]
        except KeyError:
            state = self.states.get(case_id)
            found = self.drafts[case_id] = None if state is None else _Draft(state)
            return found

    def placed(self, case: Case) -> bool:
        known = self.places.get(case.place)
        if known is None:
            known = self.places[case.place] = super().placed(case)
        return known

    def received(self, case: Case) -> bool:
        known = self.receivers.get(case.receiver)
        if known is None:
            known = self.receivers[case.receiver] = super().received(case)
        return known

    def is_actor(self, node_id: str) -> bool:
        known = self.actors.get(node_id)
        if known is None:
            known = self.actors[node_id] = super().is_actor(node_id)
            if known and isinstance(self.structure.node(node_id), Person):
                self.people.add(node_id)
        return known

    def stands_for(self, actor: str, at: dt.datetime) -> frozenset[str]:
        """``_identities`` of a known actor on the day of ``at``, as the access rules find it."""
        if actor not in self.people:
            found = self.ids.get(actor)
            if found is None:
                day = _day(at, self.policy)
                found = self.ids[actor] = frozenset(_identities(self.structure, actor, day))
            return found
        day = _day(at, self.policy)
        found = self.ids_on.get((actor, day))
        if found is None:
            found = self.ids_on[actor, day] = frozenset(_identities(self.structure, actor, day))
        return found

    def may(self, draft: _Draft, event: CaseEvent, kind: type) -> bool:
        """Whether the event's actor surely has a right it needs: ``acted`` finds no problem."""
        actor: str | None = event.actor  # type: ignore[union-attr]
        routing = draft.routing
        if actor is None or routing is None or not self.is_actor(actor):
            return False
        if draft.routable is None:
            draft.routable = self.routable(draft.case)
        if not draft.routable:
            return False
        ids = self.stands_for(actor, event.at)
        if routing.handler in ids and _BY_HANDLER[kind]:
            return True  # the commonest
        first = draft.routings[0] if draft.routings else routing
        structure, case = self.structure, draft.case
        return any(_plays(part, ids, structure, case, routing, first) for part in _GIVING[kind])

    # -- each event ----------------------------------------------------------------

    def check(self, index: int, event: CaseEvent) -> None:
        kind = type(event)
        case_id = event.case_id
        draft = self.draft(case_id)
        if draft is None:
            if kind is Reported:
                assert isinstance(event, Reported)
                case = event.case
                if not (self.placed(case) and self.received(case) and event.at == case.reported_at):
                    self.reported(index, event)
                self.drafts[case_id] = _Draft.reported(case, event.at)
                return
            self.slowly(index, event, None)
            return
        if kind not in _STEPS:
            self.slowly(index, event, draft)
            return
        if kind is Routed:
            assert isinstance(event, Routed)
            if draft.routable is None:
                draft.routable = self.routable(draft.case)
            # Only a routing that is not ``route``'s answer is checked on the state before it.
            state = None
            if draft.routable:
                first = self.first.get(case_id)
                if first is None:
                    first = self.first[case_id] = route(
                        self.structure, draft.case, policy=self.policy
                    )
                if event.routing != first:
                    state = draft.made()
            if not draft.follows(event, kind, self.require_revisit):
                self.slowly(index, event, draft)
            elif state is not None:
                self.routed(index, event, state)
            return
        if self.may(draft, event, kind):
            if not draft.follows(event, kind, self.require_revisit):
                self.slowly(index, event, draft)
            return
        state = draft.made()
        if not draft.follows(event, kind, self.require_revisit):
            self.slowly(index, event, draft)
            return
        self.acted(index, event, state)  # type: ignore[arg-type]

    def slowly(self, index: int, event: CaseEvent, draft: _Draft | None) -> None:
        """Check and fold the event with ``_Checker``'s own methods, from the draft's state."""
        case_id = event.case_id
        if draft is not None:
            self.states[case_id] = draft.made()
        super().check(index, event)
        state = self.states.get(case_id)
        if draft is not None and state is draft.state:
            return  # refused: the case stays where it was
        self.drafts[case_id] = None if state is None else _Draft(state)

    def finish(self) -> dict[str, CaseState]:
        """Every case's state after the log: the drafts made states, the others as given."""
        states = self.states
        for case_id, draft in self.drafts.items():
            if draft is not None:
                states[case_id] = draft.made()
        return states


_STEPS = frozenset({Accepted, Routed, Resolved, Revisited, Reopened, Closed})


def _check_fast(
    structure: Structure,
    events: Iterable[CaseEvent],
    *,
    policy: Policy = DEFAULT_POLICY,
    states: Mapping[str, CaseState] | None = None,
    recent: Iterable[Case] = (),
) -> tuple[tuple[LogProblem, ...], dict[str, CaseState]]:
    """``govmodel.rules.checking._check``, the same problems and states, faster."""
    checker = _checked(_FastChecker, structure, events, policy, states, recent)
    return tuple(checker.problems), checker.finish()

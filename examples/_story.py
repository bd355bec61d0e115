"""Shared helpers of the story scripts: build a case's event log step by step, and tell it.

A story is one case of a source article followed from the report to the close:
``Plot`` builds its log with the library's own rules (``route``, ``escalate``,
``advance``), refusing an impossible order as it goes; ``tell`` prints it in
plain language, naming every actor by the record of the community's structure.

Each story also carries ``Check`` lines: what the article says about who handled
the matter, and whether the model's routing agrees. A check that does not hold
is printed as a difference, not hidden: the stories never bend the article to
the model.
"""

from __future__ import annotations

import datetime as dt
import textwrap
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction

from govmodel import (
    CIVIL_CODE_278,
    Accepted,
    Ballot,
    Case,
    CaseEvent,
    CaseState,
    CivilCode278,
    Closed,
    Consultation,
    Decision,
    Domain,
    GovModelError,
    Meeting,
    Post,
    Reopened,
    Reported,
    Resolved,
    Revisited,
    Role,
    Routed,
    Routing,
    Structure,
    Vote,
    advance,
    escalate,
    replay,
    route,
)

__all__ = [
    "Check",
    "Plot",
    "Step",
    "Story",
    "cast_ballots",
    "label",
    "members_of",
    "pending_note",
    "rule_named",
    "say",
    "tell",
]

WIDTH = 100
INDENT = " " * 18  # under the time stamp

_ROLE_NAMES: dict[Role, str] = {
    Role.GRID_LEADER: "grid leader 网格长",
    Role.GRID_WORKER: "grid worker 网格员",
    Role.MICRO_GRID_WORKER: "micro-grid worker 微网格员",
    Role.BUILDING_STEWARD: "building steward 楼栋管家",
    Role.BUILDING_GROUP_LEADER: "building-group leader 楼组长",
    Role.PARTY_SECOND_LEADER: "party-member second building-group leader 党员第二楼组长",
    Role.RED_PROPERTY_SPECIALIST: "red property specialist 红色物业专员",
    Role.INFORMATION_OFFICER: "information officer 信息员",
    Role.PROPERTY_SUPERVISOR: "property service supervisor 物业服务监督员",
    Role.VANGUARD_POST: "party vanguard post 党员先锋岗",
    Role.MEDIATOR: "mediator 调解员",
    Role.LEGAL_ADVISER: "legal adviser 法律顾问",
    Role.PARTY_INSTRUCTOR: "party-building instructor 党建指导员",
    Role.SECRETARY: "secretary 书记",
    Role.MEMBER: "member 成员",
}


# -- records -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    """One moment of a story: an event of the case's log, or a narrated action."""

    at: dt.datetime
    text: str
    event: CaseEvent | None = None


@dataclass(frozen=True)
class Check:
    """What the article says, and whether the model agrees."""

    claim: str
    holds: bool


@dataclass(frozen=True)
class Story:
    """A case of an article, from the report to the close.

    ``events`` is the case's log; ``decision`` what the owners or households
    decided, for deliberations.
    """

    title: str
    source: str
    structure: Structure
    steps: tuple[Step, ...]
    decision: Decision | None = None
    checks: tuple[Check, ...] = ()
    notes: tuple[str, ...] = ()

    @property
    def events(self) -> tuple[CaseEvent, ...]:
        """The case's event log, in order."""
        return tuple(step.event for step in self.steps if step.event is not None)

    @property
    def case(self) -> Case:
        """The case as reported."""
        first = self.events[0]
        if not isinstance(first, Reported):
            raise TypeError(f"a story starts with a report, not {type(first).__name__}")
        return first.case

    @property
    def routings(self) -> tuple[Routing, ...]:
        """Every routing of the case, the first one first."""
        return tuple(e.routing for e in self.events if isinstance(e, Routed))

    @property
    def routing(self) -> Routing:
        """The first routing: what ``route`` gave for the report."""
        return self.routings[0]

    @property
    def state(self) -> CaseState:
        """The case's state after the whole log (``replay``)."""
        return replay(self.events)


# -- building a story --------------------------------------------------------------------


class Plot:
    """Builds a story's log one event at a time, with the library's rules.

    Every event goes through ``advance`` as it is added, so an impossible order
    (closing without a return visit, an event earlier than the last one) fails
    where it is written.
    """

    def __init__(self, structure: Structure, case: Case, text: str) -> None:
        self.structure = structure
        event = Reported(case=case, at=case.reported_at)
        self._state = advance(None, event)
        self._steps: list[Step] = [Step(case.reported_at, text, event)]

    @property
    def state(self) -> CaseState:
        """The case's state so far."""
        return self._state

    def _check_time(self, at: dt.datetime) -> None:
        last = self._steps[-1].at
        if at < last:
            raise ValueError(f"{at.isoformat()} comes before the last step, {last.isoformat()}")

    def _add(self, text: str, event: CaseEvent) -> None:
        self._check_time(event.at)
        self._state = advance(self._state, event)
        self._steps.append(Step(event.at, text, event))

    def note(self, at: dt.datetime, text: str) -> None:
        """Something that happens without changing the case's status."""
        self._check_time(at)
        self._steps.append(Step(at, text))

    def route(self, at: dt.datetime, text: str = "") -> Routing:
        """Route the case with ``govmodel.route`` and log the routing."""
        routing = route(self.structure, self._state.case)
        self._add(text, Routed(case_id=self._state.case.id, at=at, routing=routing))
        return routing

    def escalate(self, at: dt.datetime, text: str = "") -> Routing | None:
        """Ask ``govmodel.escalate`` for the next routing; log it if there is one."""
        routing = escalate(self.structure, self._state, now=at)
        if routing is not None:
            self._add(text, Routed(case_id=self._state.case.id, at=at, routing=routing))
        return routing

    def would_escalate(self, at: dt.datetime) -> Routing | None:
        """What ``govmodel.escalate`` would give at ``at``, without logging it."""
        return escalate(self.structure, self._state, now=at)

    def accept(self, at: dt.datetime, actor: str, text: str = "") -> None:
        """Someone takes the case up (响应)."""
        self._add(text, Accepted(case_id=self._state.case.id, at=at, actor=actor))

    def resolve(self, at: dt.datetime, actor: str, text: str = "") -> None:
        """The matter is settled."""
        self._add(text, Resolved(case_id=self._state.case.id, at=at, actor=actor))

    def revisit(
        self,
        at: dt.datetime,
        actor: str,
        *,
        satisfied: bool,
        text: str = "",
        found: Iterable[Domain] = (),
    ) -> None:
        """The return visit (回访), and any latent problem it found."""
        event = Revisited(
            case_id=self._state.case.id, at=at, actor=actor, satisfied=satisfied, found=tuple(found)
        )
        self._add(text, event)

    def reopen(
        self,
        at: dt.datetime,
        actor: str,
        reason: str,
        *,
        text: str = "",
        domains: Iterable[Domain] = (),
    ) -> None:
        """The case is opened again, by whoever made the return visit."""
        event = Reopened(
            case_id=self._state.case.id,
            at=at,
            actor=actor,
            reason=reason,
            domains=tuple(domains),
        )
        self._add(text, event)

    def close(self, at: dt.datetime, actor: str, text: str = "") -> None:
        """The case is closed (办结), by whoever made the return visit."""
        self._add(text, Closed(case_id=self._state.case.id, at=at, actor=actor))

    def story(
        self,
        *,
        title: str,
        source: str,
        decision: Decision | None = None,
        checks: Sequence[Check] = (),
        notes: Sequence[str] = (),
    ) -> Story:
        """The finished story."""
        return Story(
            title=title,
            source=source,
            structure=self.structure,
            steps=tuple(self._steps),
            decision=decision,
            checks=tuple(checks),
            notes=tuple(notes),
        )


# -- decisions ---------------------------------------------------------------------------

Rule = CivilCode278 | Consultation
"""The decision rules ``govmodel.decide`` knows."""


def rule_named(routing: Routing, *, participation: Fraction | None = None) -> Rule:
    """The decision rule a deliberation's routing names.

    ``participation`` is the share of households that must answer a
    consultation; the articles give none, so a caller must choose it.
    """
    if routing.rule == CIVIL_CODE_278.name:
        return CIVIL_CODE_278
    if routing.rule == Consultation.name:
        if participation is None:
            raise ValueError("a consultation needs the share of households that must answer")
        return Consultation(participation=participation)
    raise ValueError(f"the routing names no decision rule (procedure {routing.procedure.value})")


def cast_ballots(
    prefix: str,
    *,
    for_: int,
    against: int,
    abstain: int,
    area: Callable[[int], int] = lambda _: 0,
) -> tuple[Ballot, ...]:
    """Ballots numbered ``prefix:0000``…: ``for_`` FOR, then AGAINST, then ABSTAIN.

    ``area(i)`` gives the exclusive area of the i-th owner (0 for a
    consultation, which counts households only).
    """
    votes = [Vote.FOR] * for_ + [Vote.AGAINST] * against + [Vote.ABSTAIN] * abstain
    return tuple(
        Ballot(owner=f"{prefix}:{i:04d}", area=area(i), vote=vote) for i, vote in enumerate(votes)
    )


def pending_note(at: dt.datetime, pending: Routing | None, *, keeper: str) -> tuple[str, ...]:
    """A note on what ``escalate`` would do to a deliberation still under way, if anything."""
    if pending is None:
        return ()
    return (
        f"escalate() on {at:%Y-%m-%d}, while the deliberation is under way, would move the case "
        f"to {pending.tier.value} tier, {pending.procedure.value} to {pending.handler}: "
        f"{pending.reason}. The story does not log it: the article keeps the matter with "
        f"{keeper}.",
    )


# -- telling -----------------------------------------------------------------------------


def label(structure: Structure, node_id: str | None) -> str:
    """A node by its names and id: ``佳兆业物业 Kaisa property (pm:kaisa)``."""
    if node_id is None:
        return "nobody"
    try:
        record = structure.node(node_id)
    except GovModelError:
        return node_id
    if isinstance(record, Post):
        name = record.name_zh or _ROLE_NAMES.get(record.role, record.role.value)
        where = structure.node(record.within)
        where_name = where.name_zh or where.name or where.id
        return f"{name}, {where_name} ({node_id})"
    names = " ".join(n for n in (record.name_zh, record.name) if n)
    return f"{names} ({node_id})" if names else node_id


def holders(structure: Structure, post_id: str, day: dt.date) -> str:
    """Who holds a post on ``day``, and what else they hold (兼任), in words."""
    try:
        structure.post(post_id)
    except GovModelError:
        return ""
    parts = []
    for person in structure.holders(post_id, day):
        others = [p for p in structure.posts_of(person.id, day) if p.id != post_id]
        also = "; also " + ", ".join(label(structure, p.id) for p in others) if others else ""
        parts.append(f"{person.id}{also}")
    return " | ".join(parts)


def _when(at: dt.datetime) -> str:
    return at.strftime("%Y-%m-%d %H:%M")


def _para(text: str, first: str, rest: str | None = None) -> str:
    """``text`` filled to the page, after ``first``, continued under ``rest`` (or its width)."""
    return textwrap.fill(
        text,
        width=WIDTH,
        initial_indent=first,
        subsequent_indent=" " * len(first) if rest is None else rest,
        break_on_hyphens=False,
        break_long_words=False,
    )


def say(text: str, first: str = "") -> None:
    """Print ``text`` filled to the page after ``first``, continued under it."""
    print(_para(text, first))


def _ids(structure: Structure, ids: Iterable[str]) -> str:
    return "; ".join(label(structure, i) for i in ids) or "none"


def describe_routing(structure: Structure, routing: Routing, day: dt.date) -> list[str]:
    """The lines that tell a routing: tier, procedure, who, by when, and why.

    The first line is the headline; the others are ``key: value`` lines.
    """
    rows: list[tuple[str, str]] = [("handler", label(structure, routing.handler))]
    if routing.handler is not None and (held := holders(structure, routing.handler, day)):
        rows.append(("", f"held by {held}"))
    if routing.co_handlers:
        rows.append(("co-handlers", _ids(structure, routing.co_handlers)))
    if routing.summoned:
        rows.append(("summoned", f"{_ids(structure, routing.summoned)} (吹哨报到)"))
    if routing.convener is not None:
        rows.append(("convener", label(structure, routing.convener)))
    if routing.forum is not None:
        rows.append(("forum", label(structure, routing.forum)))
    if routing.rule is not None:
        rows.append(("rule", routing.rule))
    rows.append(("owner", f"{label(structure, routing.owner)}, the first contact (首接负责)"))
    rows.append(("due", _when(routing.due)))
    rows.append(("why", routing.reason))
    head = f"{routing.tier.value} tier, {routing.procedure.value}"
    return [head, *(f"{key + ':' if key else '':<13}{value}" for key, value in rows)]


def _event_lines(story: Story, event: CaseEvent, routed_before: int) -> tuple[str, list[str]]:
    """The event's headline word and text, and its detail lines."""
    s = story.structure
    if isinstance(event, Reported):
        case = event.case
        details = [
            f"scope {case.scope.value}, {case.urgency.value}, via {case.channel.value}",
            f"first contact: {label(s, case.receiver)}",
        ]
        if case.domains:
            details.append("domains: " + ", ".join(d.value for d in case.domains))
        return f"REPORTED   {case.category.value} at {label(s, case.place)} [{case.id}]", details
    if isinstance(event, Routed):
        word = "ROUTED" if routed_before == 0 else "ESCALATED"
        head, *rest = describe_routing(s, event.routing, event.at.date())
        return f"{word:<11}{head}", rest
    if isinstance(event, Accepted):
        return f"ACCEPTED   by {label(s, event.actor)}", []
    if isinstance(event, Resolved):
        return f"RESOLVED   by {label(s, event.actor)}", []
    if isinstance(event, Revisited):
        verdict = "satisfied" if event.satisfied else "NOT satisfied"
        line = f"REVISITED  by {label(s, event.actor)}: {verdict}"
        if event.found:
            line += "; found " + ", ".join(d.value for d in event.found)
        return line, []
    if isinstance(event, Reopened):
        line = f"REOPENED   {event.reason}"
        if event.domains:
            line += " (needs " + ", ".join(d.value for d in event.domains) + ")"
        return line, []
    return "CLOSED", []


def tell(story: Story) -> None:
    """Print a story in plain language."""
    rule = "-" * WIDTH
    print("=" * WIDTH)
    print(story.title)
    print(f"source: {story.source}")
    print(rule)
    routed = 0
    for step in story.steps:
        when = f"{_when(step.at)}  "
        if step.event is None:
            print(_para(step.text, when + "· "))
            continue
        head, details = _event_lines(story, step.event, routed)
        if isinstance(step.event, Routed):
            routed += 1
        print(_para(head, when, INDENT + " " * 11))
        for line in details:
            print(_para(line, INDENT + " " * 11, INDENT + " " * 24))
        if step.text:
            print(_para(step.text, INDENT + " " * 11))
    if story.decision is not None:
        print(rule)
        print("decision record:")
        print(textwrap.indent(story.decision.summary(), "  "))
    if story.checks:
        print(rule)
        print("the article and the model:")
        for check in story.checks:
            mark = "agrees " if check.holds else "DIFFERS"
            print(_para(check.claim, f"  [{mark}] "))
    if story.notes:
        print(rule)
        for note in story.notes:
            print(_para(note, "  note: "))
    state = story.state
    print(rule)
    print(
        f"final status: {state.status.value}; {len(story.events)} events; "
        f"{len(story.routings)} routing(s); revisits: {len(state.revisits)}; "
        f"reopened: {state.reopened}"
    )
    if state.resolved_at is not None and state.routing is not None:
        late = state.resolved_at - state.routing.due
        if late <= dt.timedelta(0):
            print("resolved within the time limit of the routing in force")
        else:
            print(
                _para(
                    f"resolved {_duration(late)} after the due of the routing in force "
                    f"({_when(state.routing.due)}); the story logs no escalation for it",
                    "",
                    "",
                )
            )


def _duration(delta: dt.timedelta) -> str:
    if delta >= dt.timedelta(days=2):
        return f"{delta.days} days"
    hours = round(delta.total_seconds() / 3600)
    return f"{hours} hours"


def members_of(structure: Structure, meeting_id: str) -> str:
    """A standing meeting's convener and members, in words."""
    meeting: Meeting = structure.meeting(meeting_id)
    return f"{label(structure, meeting.convener)} convenes; members: " + _ids(
        structure, meeting.members
    )

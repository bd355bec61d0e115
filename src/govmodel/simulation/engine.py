"""The simulator: a year of requests through a structure, event by event.

``simulate(structure, scenario, *, seed)`` is a discrete-event simulation. Its
rules are govmodel's own — every case is routed by :func:`govmodel.route`,
escalated by :func:`govmodel.escalate` and moved through its lifecycle by
:func:`govmodel.advance`; the simulator only decides *when* things happen and
*whether* a resident is satisfied, drawing every random number from the one
generator made from ``seed``. Handlers (posts and bodies) work on at most
``scenario.capacity`` cases at once; the rest wait in a first-come queue.

What happens to a case:

1. It arrives (Poisson arrivals per compound and category; a share found by
   patrols first) and is reported and routed at once.
2. Its first contact takes it up after an exponential delay. If that is later
   than the policy's response limit, the resident may turn to the 12345
   hotline instead: the case *escapes* and leaves the community's channels.
3. It waits for its handler, is handled (lognormal time per tier) and resolved.
4. If still unresolved at its due time, it is escalated and moves to the new
   handler's queue.
5. A return visit follows; an unsatisfied resident's case may be reopened and
   escalated, otherwise it is closed.

Every case ends the period in exactly one of three outcomes: ``resolved``
(resolved or closed), ``open``, or ``escaped``.

Examples
--------
>>> from govmodel import examples
>>> from govmodel.simulation import Scenario, simulate
>>> result = simulate(examples.load("xinhe"), Scenario(days=60), seed=2)
>>> result == simulate(examples.load("xinhe"), Scenario(days=60), seed=2)
True
>>> sum(result.outcome_counts.values()) == len(result.outcomes)
True
"""

from __future__ import annotations

import datetime as dt
import heapq
from collections import deque

import attrs
import numpy as np

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
    advance,
)
from govmodel.errors import GovModelError
from govmodel.metrics import Metrics, metrics
from govmodel.model import Category, Channel, PlaceKind, Scope, Status
from govmodel.rules.escalation import escalate
from govmodel.rules.policy import DEFAULT_POLICY, Policy
from govmodel.rules.routing import route
from govmodel.simulation.scenario import Scenario
from govmodel.structure import Structure

__all__ = ["CaseOutcome", "SimulationResult", "simulate"]

Seed = int | np.random.SeedSequence | np.random.Generator

_ARRIVE, _ACCEPT, _ESCAPE, _DONE, _DUE, _REVISIT = range(6)
_MINUTE = 1.0 / 60.0


@attrs.frozen(kw_only=True)
class CaseOutcome:
    """How one simulated case ended the period.

    Examples
    --------
    >>> import datetime as dt
    >>> CaseOutcome(case_id="case:0", category="noise", place="building:1",
    ...             outcome="open", tier="micro_grid", reported_at=dt.datetime(2025, 1, 1),
    ...             hours_to_resolution=None, escalations=0, reopened=0).outcome
    'open'
    """

    case_id: str
    category: str
    place: str
    outcome: str
    tier: str | None
    reported_at: dt.datetime
    hours_to_resolution: float | None
    escalations: int
    reopened: int


@attrs.frozen(kw_only=True, eq=True)
class SimulationResult:
    """What a simulation produced.

    Parameters
    ----------
    events
        The whole event log, in time order.
    outcomes
        One per arrived case, in arrival order.
    metrics
        ``govmodel.metrics`` of the log at the end of the period.
    hotline
        Cases that escaped to the 12345 hotline.
    seed
        The entropy of the seed sequence used, to rerun it.

    Examples
    --------
    >>> from govmodel import examples
    >>> from govmodel.simulation import Scenario, simulate
    >>> r = simulate(examples.load("zhuanqiao"), Scenario(days=30), seed=1)
    >>> r.hotline == r.outcome_counts["escaped"]
    True
    """

    events: tuple[CaseEvent, ...] = attrs.field(repr=False)
    outcomes: tuple[CaseOutcome, ...] = attrs.field(repr=False)
    metrics: Metrics
    hotline: int
    seed: int | tuple[int, ...]

    @property
    def outcome_counts(self) -> dict[str, int]:
        """Cases per outcome: resolved, open, escaped."""
        counts = {"resolved": 0, "open": 0, "escaped": 0}
        for outcome in self.outcomes:
            counts[outcome.outcome] += 1
        return counts


def _generator(seed: Seed) -> tuple[np.random.Generator, int | tuple[int, ...]]:
    if isinstance(seed, bool) or not isinstance(
        seed, int | np.random.SeedSequence | np.random.Generator
    ):
        raise GovModelError(
            f"seed: expected an int of 0 or more, a SeedSequence or a Generator, found {seed!r}"
        )
    if isinstance(seed, int) and seed < 0:
        raise GovModelError(f"seed: expected an int of 0 or more, found {seed}")
    if isinstance(seed, np.random.Generator):
        entropy = seed.bit_generator.seed_seq.entropy  # type: ignore[attr-defined]
        return seed, entropy
    sequence = seed if isinstance(seed, np.random.SeedSequence) else np.random.SeedSequence(seed)
    entropy = sequence.entropy
    if isinstance(entropy, int):
        key: int | tuple[int, ...] = entropy
    else:
        key = tuple(int(x) for x in entropy)  # type: ignore[union-attr]
    if sequence.spawn_key:
        key = (key, *sequence.spawn_key) if isinstance(key, int) else (*key, *sequence.spawn_key)
    return np.random.Generator(np.random.PCG64(sequence)), key


class _Handler:
    __slots__ = ("busy", "capacity", "waiting")

    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self.busy = 0
        self.waiting: deque[tuple[int, int]] = deque()


@attrs.define
class _Live:
    state: CaseState
    version: int = 0
    handler: str | None = None
    in_service: bool = False
    escalations: int = 0
    escaped: bool = False


def _places_and_weights(
    structure: Structure, scenario: Scenario
) -> list[tuple[str, list[str], float]]:
    """Each residential compound with its buildings and households.

    A structure without compounds falls back to its communities.
    """
    out: list[tuple[str, list[str], float]] = []
    for compound in structure.places(kind=PlaceKind.COMPOUND):
        if not compound.residential:
            continue
        households = compound.households or scenario.households_if_unknown
        buildings = [p.id for p in structure.children(compound.id) if p.kind is PlaceKind.BUILDING]
        out.append((compound.id, buildings, float(households)))
    if not out:
        for community in structure.places(kind=PlaceKind.COMMUNITY):
            households = community.households or scenario.households_if_unknown
            out.append((community.id, [], float(households)))
    return out


def simulate(
    structure: Structure,
    scenario: Scenario | None = None,
    *,
    seed: Seed,
    policy: Policy = DEFAULT_POLICY,
) -> SimulationResult:
    """Simulate ``scenario`` over ``structure``; the same seed gives the same log.

    Parameters
    ----------
    structure
        Where the requests happen.
    scenario
        The assumptions; ``Scenario()`` (calibrated to Xinhe) by default.
    seed
        An int, a ``numpy.random.SeedSequence`` (e.g. spawned for a sweep) or
        a ``numpy.random.Generator``. All randomness comes from it.
    policy
        The rules' policy.

    Examples
    --------
    >>> from govmodel import examples
    >>> from govmodel.simulation import Scenario, simulate
    >>> r = simulate(examples.load("xinhe"), seed=2)
    >>> 150 <= len(r.outcomes) <= 210
    True
    """
    scenario = scenario if scenario is not None else Scenario()
    rng, key = _generator(seed)
    start = scenario.start
    horizon = scenario.days * 24.0
    response_limit = policy.response_limit.total_seconds() / 3600.0

    # -- arrivals -------------------------------------------------------------
    categories = list(scenario.rates)
    rates = np.array([scenario.rates[c] for c in categories], dtype=float)
    arrivals: list[tuple[float, int, str]] = []
    for compound, buildings, households in _places_and_weights(structure, scenario):
        expected = rates * households * scenario.days / 365.0
        counts = rng.poisson(expected)
        for index, count in enumerate(counts):
            if not count:
                continue
            times = rng.uniform(0.0, horizon, size=int(count))
            category = categories[index]
            scope = scenario.scopes[category]
            for t in times:
                if buildings and scope <= Scope.BUILDING:
                    place = buildings[int(rng.integers(len(buildings)))]
                else:
                    place = compound
                arrivals.append((float(t), index, place))
    arrivals.sort()
    channel_names = list(scenario.channels)
    channel_p = np.array([scenario.channels[c] for c in channel_names])
    urgency_names = list(scenario.urgency)
    urgency_p = np.array([scenario.urgency[u] for u in urgency_names])

    recent: dict[tuple[str, Category], deque[Case]] = {}
    grids = {g.id for g in structure.grids()}
    grid_posts = {p.id for p in structure.posts() if p.within in grids}
    events: list[CaseEvent] = []
    live: list[_Live] = []
    cases: list[Case] = []
    handlers: dict[str, _Handler] = {}
    queue: list[tuple[float, int, int, int, int]] = []  # (time, seq, kind, case, version)
    seq = 0

    def push(t: float, kind: int, case_index: int, version: int = 0) -> None:
        nonlocal seq
        seq += 1
        heapq.heappush(queue, (t, seq, kind, case_index, version))

    def when(t: float) -> dt.datetime:
        return start + dt.timedelta(hours=t)

    def hours(moment: dt.datetime) -> float:
        return (moment - start).total_seconds() / 3600.0

    def record(case_index: int, event: CaseEvent) -> None:
        entry = live[case_index]
        entry.state = advance(entry.state, event, require_revisit=policy.require_revisit)
        events.append(event)

    def handler_of(routing: Routing) -> str:
        return routing.handler or "street"

    def enqueue(case_index: int, t: float) -> None:
        entry = live[case_index]
        routing = entry.state.routing
        assert routing is not None
        name = handler_of(routing)
        entry.handler = name
        entry.in_service = False
        worker = handlers.get(name)
        if worker is None:
            worker = handlers[name] = _Handler(scenario.capacity)
        worker.waiting.append((case_index, entry.version))
        # The case is overdue just after its due time (escalate wants now > due);
        # a due time already past is checked at once.
        push(max(t, hours(routing.due) + _MINUTE), _DUE, case_index, entry.version)
        serve(name, t)

    def serve(name: str, t: float) -> None:
        worker = handlers[name]
        while worker.busy < worker.capacity and worker.waiting:
            case_index, version = worker.waiting.popleft()
            entry = live[case_index]
            if entry.version != version or entry.escaped:
                continue
            worker.busy += 1
            entry.in_service = True
            routing = entry.state.routing
            assert routing is not None
            mean = scenario.handling_hours[routing.tier]
            sigma = scenario.handling_sigma
            duration = float(rng.lognormal(np.log(mean) - sigma * sigma / 2.0, sigma))
            push(t + duration, _DONE, case_index, version)

    def release(case_index: int, t: float) -> None:
        entry = live[case_index]
        if entry.in_service and entry.handler is not None:
            handlers[entry.handler].busy -= 1
            entry.in_service = False
            serve(entry.handler, t)

    def reroute(case_index: int, t: float, routing: Routing) -> None:
        entry = live[case_index]
        release(case_index, t)
        entry.version += 1
        entry.escalations += 1
        record(case_index, Routed(case_id=cases[case_index].id, at=when(t), routing=routing))
        if entry.state.accepted_at is not None:
            enqueue(case_index, t)

    for t, index, place in arrivals:
        push(t, _ARRIVE, len(cases))
        channel = channel_names[int(rng.choice(len(channel_names), p=channel_p))]
        if rng.random() < scenario.proactive:
            channel = Channel.PATROL
        urgency = urgency_names[int(rng.choice(len(urgency_names), p=urgency_p))]
        category = categories[index]
        cases.append(
            Case(
                id=f"case:{len(cases)}",
                category=category,
                place=place,
                reported_at=when(t),
                channel=channel,
                scope=scenario.scopes[category],
                urgency=urgency,
            )
        )

    while queue:
        t, _, kind, case_index, version = heapq.heappop(queue)
        if t > horizon:
            break
        case = cases[case_index]
        if kind == _ARRIVE:
            at = case.reported_at
            first = route(structure, case, policy=policy)
            report = Reported(case=case, at=at)
            state = advance(None, report)
            live.append(_Live(state))
            events.append(report)
            record(case_index, Routed(case_id=case.id, at=at, routing=first))
            # A matter reported again and again at one place escalates at once.
            earlier = recent.setdefault((case.place, case.category), deque())
            while earlier and earlier[0].reported_at < at - policy.recurrence_window:
                earlier.popleft()
            if len(earlier) >= policy.recurrence_threshold:
                nxt = escalate(
                    structure, live[case_index].state, now=at, policy=policy, recent=earlier
                )
                if nxt is not None:
                    record(case_index, Routed(case_id=case.id, at=at, routing=nxt))
                    live[case_index].escalations += 1
            earlier.append(case)
            # A grid worker who owns the case answers fast; an office slowly.
            mean = (
                scenario.response_hours
                if first.owner in grid_posts
                else scenario.response_hours_without_grid
            )
            delay = 0.0 if case.channel is Channel.PATROL else float(rng.exponential(mean))
            if delay > response_limit and rng.random() < scenario.hotline:
                push(t + response_limit, _ESCAPE, case_index)
            else:
                push(t + delay, _ACCEPT, case_index)
            continue
        entry = live[case_index]
        if entry.escaped:
            continue
        if kind == _ESCAPE:
            entry.escaped = True
            continue
        if kind == _ACCEPT:
            routing = entry.state.routing
            assert routing is not None
            actor = routing.owner or handler_of(routing)
            record(case_index, Accepted(case_id=case.id, at=when(t), actor=actor))
            enqueue(case_index, t)
            continue
        if version != entry.version:
            continue  # a superseded handling, due check or visit
        if kind == _DONE:
            routing = entry.state.routing
            assert routing is not None
            release(case_index, t)
            record(case_index, Resolved(case_id=case.id, at=when(t), actor=handler_of(routing)))
            push(t + float(rng.exponential(scenario.revisit_hours)), _REVISIT, case_index, version)
        elif kind == _DUE:
            if entry.state.status is Status.RESOLVED or entry.state.status is Status.CLOSED:
                continue
            nxt = escalate(structure, entry.state, now=when(t), policy=policy)
            if nxt is not None:
                reroute(case_index, t, nxt)
        elif kind == _REVISIT:
            if entry.state.status is not Status.RESOLVED:
                continue
            routing = entry.state.routing
            assert routing is not None
            satisfied = bool(rng.random() < scenario.satisfaction)
            actor = routing.owner or handler_of(routing)
            record(
                case_index, Revisited(case_id=case.id, at=when(t), actor=actor, satisfied=satisfied)
            )
            if (
                not satisfied
                and entry.state.reopened < scenario.max_reopens
                and rng.random() < scenario.reopen
            ):
                record(
                    case_index,
                    Reopened(case_id=case.id, at=when(t), reason="the resident was not satisfied"),
                )
                entry.version += 1
                nxt = escalate(structure, entry.state, now=when(t), policy=policy)
                if nxt is not None:
                    reroute(case_index, t, nxt)
                else:
                    enqueue(case_index, t)
            else:
                record(case_index, Closed(case_id=case.id, at=when(t)))

    end = scenario.end
    outcomes = tuple(_outcome(cases[i], entry) for i, entry in enumerate(live))
    return SimulationResult(
        events=tuple(events),
        outcomes=outcomes,
        metrics=metrics(events, now=end, policy=policy),
        hotline=sum(1 for entry in live if entry.escaped),
        seed=key,
    )


def _outcome(case: Case, entry: _Live) -> CaseOutcome:
    state = entry.state
    if entry.escaped:
        outcome = "escaped"
    elif state.status in (Status.RESOLVED, Status.CLOSED):
        outcome = "resolved"
    else:
        outcome = "open"
    hours_taken = None
    if outcome == "resolved" and state.resolved_at is not None:
        hours_taken = (state.resolved_at - case.reported_at).total_seconds() / 3600.0
    return CaseOutcome(
        case_id=case.id,
        category=case.category.value,
        place=case.place,
        outcome=outcome,
        tier=state.routing.tier.value if state.routing is not None else None,
        reported_at=case.reported_at,
        hours_to_resolution=hours_taken,
        escalations=entry.escalations,
        reopened=state.reopened,
    )

"""The simulator: a year of requests through a structure, event by event.

``simulate(structure, scenario, *, seed)`` is a discrete-event simulation. Its
rules are govmodel's own — every case is routed by :func:`govmodel.route` and
escalated by :func:`govmodel.escalate`, and :func:`govmodel.advance` builds the
state every call to ``escalate`` reads; the simulator only decides *when*
things happen and *whether* a resident is satisfied, drawing every random
number from the one generator made from ``seed``. Handlers (posts and bodies)
work on at most ``scenario.capacity`` cases at once; the rest wait in a
first-come queue.

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

How it stays fast
    The clock counts whole microseconds (the resolution of ``datetime``), so
    every comparison the simulator makes is exactly the one the rules and
    ``metrics`` make on the datetimes. While it runs, the simulator keeps a
    compact log — one tuple per lifecycle event — and builds event objects and
    ``CaseState`` s only where a rule reads them: a case's state is folded with
    ``advance`` from its own events just before ``escalate`` looks at it. The
    full event log (``SimulationResult.events``) and the per-case outcomes are
    built from the compact log the first time they are asked for. The metrics
    need no event objects: as it records each event, the simulator books it
    (``simulation/_books.py``: acceptance, resolutions, visits, status in
    ``Status`` terms), and at the end each case's books go through the very
    ``case_facts`` and ``count`` that ``metrics`` uses, so they always equal
    ``metrics(result.events, now=scenario.end)`` (property tests hold the books
    to it, on simulated logs and on any valid log).

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
import math
from collections import deque
from collections.abc import Callable
from functools import cached_property
from typing import Any

import attrs
import numpy as np

from govmodel._gc import paused
from govmodel._metrics import Metrics
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
from govmodel.model import Category, Channel, PlaceKind, Procedure, Scope, Status
from govmodel.rules.escalation import escalate
from govmodel.rules.policy import DEFAULT_POLICY, Policy
from govmodel.rules.routing import route
from govmodel.simulation._books import Books
from govmodel.simulation.scenario import Scenario
from govmodel.structure import Structure

__all__ = ["CaseOutcome", "SimulationResult", "simulate"]

Seed = int | np.random.SeedSequence | np.random.Generator

_ONE_US = dt.timedelta(microseconds=1)
_HOUR_US = 3_600_000_000
_MINUTE_US = 60_000_000
_REOPEN_REASON = "the resident was not satisfied"

# Scheduled happenings (the heap); arrivals come from their own sorted list.
_ACCEPT, _ESCAPE, _HANDLED, _DUE, _REVISIT = range(5)
# Lifecycle events of the compact log.
_REPORTED, _ROUTED, _ACCEPTED, _RESOLVED, _REVISITED, _REOPENED, _CLOSED = range(7)
_UNSATISFIED = 7  # a return visit that found the resident not satisfied
# Resolved or closed: no longer open (``CaseState.open``), an outcome of "resolved".
_SETTLED = (Status.RESOLVED, Status.CLOSED)

# A compact event is three entries of its case's flat log: kind, microseconds
# from the start, payload. The payload is the Routing of a routed event and the
# actor of any other event but the report. Flat lists of
# plain values keep the run from making a container object per event, which
# the cyclic garbage collector would have to traverse when the run ends.


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
class _Run:
    """What one run leaves behind: its cases, their compact logs and final standing.

    Each case's log is flat (kind, time, payload, kind, time, payload, ...);
    ``order`` lists the case of each event in the order the events happened;
    the other sequences have one entry per case. The lists are the
    simulator's own, handed over when the run ends and never changed again.
    """

    start: dt.datetime
    cases: list[Case]
    logs: list[list[Any]]
    order: list[int]
    routing: list[Routing | None]
    status: list[Status]
    escaped: list[bool]
    escalations: list[int]
    reopened: list[int]
    arrived_us: list[int]
    resolved_us: list[int | None]


@attrs.frozen(kw_only=True, eq=False)
class SimulationResult:
    """What a simulation produced.

    The event log and the outcomes are built from the run's compact log the
    first time they are read; the metrics, hotline and outcome counts are
    ready at once. Two results are equal when their runs are.

    Attributes
    ----------
    metrics
        ``govmodel.metrics`` of the log at the end of the period.
    hotline
        Cases that escaped to the 12345 hotline.
    seed
        The entropy (and spawn key) of the seed sequence used, to rerun it.
    events
        The whole event log, in time order.
    outcomes
        One per arrived case, in arrival order.

    Examples
    --------
    >>> from govmodel import examples
    >>> from govmodel.simulation import Scenario, simulate
    >>> r = simulate(examples.load("zhuanqiao"), Scenario(days=30), seed=1)
    >>> r.hotline == r.outcome_counts["escaped"]
    True
    >>> len(r.outcomes) == r.metrics.reported == len(r.hours_to_resolution) + r.outcome_counts[
    ...     "open"] + r.outcome_counts["escaped"]
    True
    """

    metrics: Metrics
    hotline: int
    seed: int | tuple[int, ...]
    _run: _Run = attrs.field(repr=False, alias="run")

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, SimulationResult):
            return NotImplemented
        return (self.metrics, self.hotline, self.seed, self._run) == (
            other.metrics,
            other.hotline,
            other.seed,
            other._run,
        )

    def __hash__(self) -> int:
        return hash((self.metrics, self.hotline, self.seed))

    @cached_property
    def events(self) -> tuple[CaseEvent, ...]:
        """The whole event log, in the order things happened."""
        run = self._run
        cases, logs, start = run.cases, run.logs, run.start
        at = [0] * len(cases)
        made = []
        for i in run.order:
            k = at[i]
            log = logs[i]
            made.append(_event(cases[i], start, log[k], log[k + 1], log[k + 2]))
            at[i] = k + 3
        return tuple(made)

    @cached_property
    def outcomes(self) -> tuple[CaseOutcome, ...]:
        """One ``CaseOutcome`` per arrived case, in arrival order."""
        run = self._run
        out = []
        for i, case in enumerate(run.cases):
            routing = run.routing[i]
            outcome = _OUTCOME_NAMES[_outcome_code(run, i)]
            hours = None
            if outcome == "resolved":
                hours = _taken_us(run, i) * _ONE_US / dt.timedelta(hours=1)
            out.append(
                CaseOutcome(
                    case_id=case.id,
                    category=case.category.value,
                    place=case.place,
                    outcome=outcome,
                    tier=routing.tier.value if routing is not None else None,
                    reported_at=case.reported_at,
                    hours_to_resolution=hours,
                    escalations=run.escalations[i],
                    reopened=run.reopened[i],
                )
            )
        return tuple(out)

    @cached_property
    def outcome_counts(self) -> dict[str, int]:
        """Cases per outcome: resolved, open, escaped."""
        counts = [0, 0, 0]
        run = self._run
        for i in range(len(run.cases)):
            counts[_outcome_code(run, i)] += 1
        return dict(zip(_OUTCOME_NAMES, counts, strict=True))

    @cached_property
    def hours_to_resolution(self) -> np.ndarray[Any, np.dtype[np.float64]]:
        """Hours from report to last resolution of each resolved case, in arrival order.

        The same numbers as the outcomes' ``hours_to_resolution``, without
        building the outcomes.
        """
        run = self._run
        taken = [_taken_us(run, i) for i in range(len(run.cases)) if _outcome_code(run, i) == 0]
        # timedelta / timedelta(hours=1) divides exact microseconds; so does this.
        return np.array(taken, dtype=np.int64) / np.float64(_HOUR_US)

    @property
    def escalations(self) -> int:
        """Escalations over all cases."""
        return sum(self._run.escalations)


_OUTCOME_NAMES = ("resolved", "open", "escaped")


def _outcome_code(run: _Run, i: int) -> int:
    if run.escaped[i]:
        return 2
    return 0 if run.status[i] in _SETTLED else 1


def _taken_us(run: _Run, i: int) -> int:
    """Microseconds from the report of a resolved case to its last resolution."""
    resolved = run.resolved_us[i]
    assert resolved is not None
    return resolved - run.arrived_us[i]


def _event(case: Case, start: dt.datetime, kind: int, t: int, payload: Any) -> CaseEvent:
    """The event object of one compact record."""
    at = start + t * _ONE_US
    if kind == _REPORTED:
        return Reported(case=case, at=case.reported_at)
    if kind == _ROUTED:
        return Routed(case_id=case.id, at=at, routing=payload)
    if kind == _ACCEPTED:
        return Accepted(case_id=case.id, at=at, actor=payload)
    if kind == _RESOLVED:
        return Resolved(case_id=case.id, at=at, actor=payload)
    if kind in (_REVISITED, _UNSATISFIED):
        return Revisited(case_id=case.id, at=at, actor=payload, satisfied=kind == _REVISITED)
    if kind == _REOPENED:
        return Reopened(case_id=case.id, at=at, actor=payload, reason=_REOPEN_REASON)
    return Closed(case_id=case.id, at=at, actor=payload)


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


class _Draws:
    """Random numbers drawn from the run's generator in blocks, used in event order.

    Drawing one number at a time from NumPy costs far more than the number;
    a block at a time costs almost nothing, and since the simulation asks for
    numbers in the same order every time, the same seed still gives the same
    run.
    """

    __slots__ = (
        "_exponential",
        "_i_exponential",
        "_i_normal",
        "_i_uniform",
        "_normal",
        "_rng",
        "_uniform",
        "block",
    )

    def __init__(self, rng: np.random.Generator, block: int = 4096) -> None:
        self._rng = rng
        self.block = block
        self._normal: list[float] = []
        self._exponential: list[float] = []
        self._uniform: list[float] = []
        self._i_normal = self._i_exponential = self._i_uniform = 0

    def normal(self) -> float:
        """A standard normal number."""
        i = self._i_normal
        if i == len(self._normal):
            self._normal = self._rng.standard_normal(self.block).tolist()
            i = 0
        self._i_normal = i + 1
        return self._normal[i]

    def exponential(self) -> float:
        """An exponential number of mean 1."""
        i = self._i_exponential
        if i == len(self._exponential):
            self._exponential = self._rng.standard_exponential(self.block).tolist()
            i = 0
        self._i_exponential = i + 1
        return self._exponential[i]

    def uniform(self) -> float:
        """A uniform number in [0, 1)."""
        i = self._i_uniform
        if i == len(self._uniform):
            self._uniform = self._rng.random(self.block).tolist()
            i = 0
        self._i_uniform = i + 1
        return self._uniform[i]


@attrs.frozen
class _Arrivals:
    """Every case of the period, in arrival order, with the draws made for it at arrival."""

    times: list[int]  # microseconds from the start
    cases: list[Case]
    response: list[float]  # exponential of mean 1, scaled by the response time
    hotline: list[float]  # uniform, compared with the hotline share


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


def _draw_arrivals(structure: Structure, scenario: Scenario, rng: np.random.Generator) -> _Arrivals:
    """Draw the period's cases, all at once: counts, times, places, channels, urgencies."""
    start = scenario.start
    horizon = (scenario.end - start) // _ONE_US
    places = _places_and_weights(structure, scenario)
    categories = list(scenario.rates)
    rates = np.array([scenario.rates[c] for c in categories], dtype=float)
    households = np.array([weight for _, _, weight in places], dtype=float)
    counts = rng.poisson(np.outer(households, rates) * (scenario.days / 365.0))
    total = int(counts.sum())
    flat = counts.ravel()
    where = np.repeat(np.arange(flat.size), flat)
    place_of = where // len(categories)
    category_of = where % len(categories)
    times = np.floor(rng.random(total) * horizon).astype(np.int64)
    pick = rng.random(total)
    channel_names = list(scenario.channels)
    channel_of = rng.choice(
        len(channel_names), size=total, p=[scenario.channels[c] for c in channel_names]
    )
    patrol = rng.random(total) < scenario.proactive
    urgency_names = list(scenario.urgency)
    urgency_of = rng.choice(
        len(urgency_names), size=total, p=[scenario.urgency[u] for u in urgency_names]
    )
    response = rng.standard_exponential(total)
    hotline = rng.random(total)

    order = np.argsort(times, kind="stable")
    times = times[order]
    moments: list[dt.datetime]
    if start.tzinfo is None:
        stamps = np.datetime64(start, "us") + times.astype("timedelta64[us]")
        moments = stamps.astype(object).tolist()
    else:
        moments = [start + int(t) * _ONE_US for t in times]
    scopes = [scenario.scopes[c] for c in categories]
    building_scope = [scope <= Scope.BUILDING for scope in scopes]
    channels = [*channel_names, Channel.PATROL]
    channel_of = np.where(patrol, len(channel_names), channel_of)
    cases: list[Case] = []
    for n, (index, where_at, pick_at, channel, urgency, at) in enumerate(
        zip(
            category_of[order].tolist(),
            place_of[order].tolist(),
            pick[order].tolist(),
            channel_of[order].tolist(),
            urgency_of[order].tolist(),
            moments,
            strict=True,
        )
    ):
        compound, buildings, _ = places[where_at]
        if buildings and building_scope[index]:
            place = buildings[int(pick_at * len(buildings))]
        else:
            place = compound
        cases.append(
            Case(
                id=f"case:{n}",
                category=categories[index],
                place=place,
                reported_at=at,
                channel=channels[channel],
                scope=scopes[index],
                urgency=urgency_names[urgency],
            )
        )
    return _Arrivals(
        times=times.tolist(),
        cases=cases,
        response=response[order].tolist(),
        hotline=hotline[order].tolist(),
    )


class _Handler:
    __slots__ = ("busy", "capacity", "waiting")

    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self.busy = 0
        self.waiting: deque[tuple[int, int]] = deque()


class _Ledger:
    """The simulator's ledger: each case's compact log, its books and what it is waiting for.

    Shared by the engine's event loop and by any other scheduler of the same
    process (the SimPy model of the simulation benchmark uses it too), so that
    they record, consult the rules and count the metrics in the same way.
    """

    def __init__(
        self,
        structure: Structure,
        scenario: Scenario,
        policy: Policy,
        arrivals: _Arrivals,
    ) -> None:
        self.structure = structure
        self.scenario = scenario
        self.policy = policy
        self.start = scenario.start
        self.end_us = (scenario.end - scenario.start) // _ONE_US
        # The response limit as microseconds when it runs round the clock (the
        # default); a limit in working time is counted case by case.
        elapsed = policy.response_limit.elapsed
        self.response_limit_us = None if elapsed is None else elapsed // _ONE_US
        self.window_us = policy.recurrence_window // _ONE_US
        self.arrivals = arrivals
        n = len(arrivals.cases)
        self.cases = arrivals.cases
        self.logs: list[list[Any]] = [[] for _ in range(n)]
        self.order: list[int] = []
        self.routing: list[Routing | None] = [None] * n
        self.due_us: list[int] = [0] * n
        self.books = books = Books(arrivals.times)
        # Where each case stands, and its reopenings, as the books keep them.
        self.status = books.status
        self.reopened = books.reopenings
        self.escalations: list[int] = [0] * n
        self.escaped: list[bool] = [False] * n
        self.states: list[CaseState | None] = [None] * n
        self.applied: list[int] = [0] * n
        self.recent: dict[tuple[str, Category], deque[tuple[int, Case]]] = {}
        grids = {g.id for g in structure.grids()}
        self.grid_posts = frozenset(p.id for p in structure.posts() if p.within in grids)

    # -- recording --------------------------------------------------------------

    def record(self, i: int, kind: int, t: int, payload: Any = None) -> None:
        self.order.append(i)
        self.logs[i] += (kind, t, payload)

    def set_routing(self, i: int, t: int, routing: Routing) -> None:
        self.record(i, _ROUTED, t, routing)
        self.routing[i] = routing
        due = self.due_us[i] = (routing.due - self.start) // _ONE_US
        self.books.routed(i, routing.tier, due)

    def when(self, t: int) -> dt.datetime:
        return self.start + t * _ONE_US

    def state_of(self, i: int) -> CaseState:
        """The case's state, folded with ``advance`` from its events (only the new ones)."""
        state = self.states[i]
        log = self.logs[i]
        case = self.cases[i]
        require = self.policy.require_revisit
        start = self.start
        for k in range(self.applied[i], len(log), 3):
            event = _event(case, start, log[k], log[k + 1], log[k + 2])
            state = advance(state, event, require_revisit=require)
        assert state is not None
        self.states[i] = state
        self.applied[i] = len(log)
        return state

    # -- the steps of a case's process --------------------------------------------

    def arrive(self, i: int) -> int:
        """Report and route case ``i``; returns when its first contact takes it up (or -1).

        A return of ``-1 - t`` means the case escapes to the hotline at ``t``.
        """
        case = self.cases[i]
        t = self.arrivals.times[i]
        first = route(self.structure, case, policy=self.policy)
        self.record(i, _REPORTED, t)
        self.set_routing(i, t, first)
        # A matter reported again and again at one place escalates at once.
        key = (case.place, case.category)
        earlier = self.recent.get(key)
        if earlier is None:
            earlier = self.recent[key] = deque()
        cutoff = t - self.window_us
        while earlier and earlier[0][0] < cutoff:
            earlier.popleft()
        if len(earlier) >= self.policy.recurrence_threshold:
            nxt = escalate(
                self.structure,
                self.state_of(i),
                now=case.reported_at,
                policy=self.policy,
                recent=[c for _, c in earlier],
            )
            if nxt is not None:
                self.set_routing(i, t, nxt)
                self.escalations[i] += 1
        earlier.append((t, case))
        # A grid worker who owns the case answers fast; an office slowly.
        if case.channel is Channel.PATROL:
            return t
        scenario = self.scenario
        mean = (
            scenario.response_hours
            if first.owner in self.grid_posts
            else scenario.response_hours_without_grid
        )
        delay = int(self.arrivals.response[i] * mean * _HOUR_US)
        due = self.response_due(t)
        if t + delay > due and self.arrivals.hotline[i] < scenario.hotline:
            return -1 - due
        return t + delay

    def response_due(self, t: int) -> int:
        """When a case reported at ``t`` must be accepted, in microseconds from the start."""
        limit = self.response_limit_us
        if limit is not None:
            return t + limit
        due = self.policy.deadline(self.start + t * _ONE_US, self.policy.response_limit)
        return (due - self.start) // _ONE_US

    def accept(self, i: int, t: int) -> None:
        routing = self.routing[i]
        assert routing is not None
        self.record(i, _ACCEPTED, t, routing.owner or routing.handler or "street")
        self.books.accepted(i, t)

    def resolve(self, i: int, t: int, actor: str) -> None:
        self.record(i, _RESOLVED, t, actor)
        self.books.resolved(i, t)

    def is_accepted(self, i: int) -> bool:
        return self.books.accepted_us[i] is not None

    def report_check(self, i: int) -> int:
        """When to look whether anyone reported on the spot of emergency ``i`` in time."""
        case = self.cases[i]
        by = self.policy.deadline(case.reported_at, self.policy.emergency_report_limit)
        return (by - self.start) // _ONE_US + _MINUTE_US

    def overdue(self, i: int, t: int) -> Routing | None:
        """The due check: the next routing of a case not resolved by its due time."""
        if self.status[i] in _SETTLED:
            return None
        return escalate(self.structure, self.state_of(i), now=self.when(t), policy=self.policy)

    def escalated(self, i: int, t: int, routing: Routing) -> None:
        self.escalations[i] += 1
        self.set_routing(i, t, routing)

    def revisit(self, i: int, t: int, draws: _Draws) -> tuple[bool, Routing | None]:
        """The return visit: ``(reopened, next routing)``; a case not reopened is closed."""
        routing = self.routing[i]
        assert routing is not None
        scenario = self.scenario
        satisfied = draws.uniform() < scenario.satisfaction
        actor = routing.owner or routing.handler or "street"
        self.record(i, _REVISITED if satisfied else _UNSATISFIED, t, actor)
        books = self.books
        books.revisited(i, t, satisfied=satisfied)
        if (
            not satisfied
            and self.reopened[i] < scenario.max_reopens
            and draws.uniform() < scenario.reopen
        ):
            # Whoever visited decides: reopened, or closed (一案一回访).
            self.record(i, _REOPENED, t, actor)
            books.reopened(i)
            nxt = escalate(self.structure, self.state_of(i), now=self.when(t), policy=self.policy)
            return True, nxt
        self.record(i, _CLOSED, t, actor)
        books.closed(i)
        return False, None

    # -- the result -----------------------------------------------------------------

    def metrics(self) -> Metrics:
        """The counts ``govmodel.metrics`` makes of the log at the end of the period."""
        limit = self.response_limit_us
        return self.books.metrics(
            now=self.end_us, response_limit=self.response_due if limit is None else limit
        )

    def result(self, key: int | tuple[int, ...]) -> SimulationResult:
        run = _Run(
            start=self.start,
            cases=self.cases,
            logs=self.logs,
            order=self.order,
            routing=self.routing,
            status=self.status,
            escaped=self.escaped,
            escalations=self.escalations,
            reopened=self.reopened,
            arrived_us=self.arrivals.times,
            resolved_us=self.books.resolved_us,
        )
        return SimulationResult(
            metrics=self.metrics(), hotline=sum(self.escaped), seed=key, run=run
        )


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
    # The run allocates millions of small objects and frees none of them until
    # it ends; the cyclic collector would traverse them again and again (half
    # the run's time) to find nothing, so it waits until the run is over.
    with paused():
        ledger = _Ledger(structure, scenario, policy, _draw_arrivals(structure, scenario, rng))
        _run(ledger, _Draws(rng))
        return ledger.result(key)


def _run(ledger: _Ledger, draws: _Draws) -> None:
    """The event loop: arrivals in order, everything else from a heap."""
    scenario = ledger.scenario
    capacity = scenario.capacity
    sigma = scenario.handling_sigma
    log_mean = {
        tier: math.log(hours) - sigma * sigma / 2.0
        for tier, hours in scenario.handling_hours.items()
    }
    revisit_us = scenario.revisit_hours * _HOUR_US
    end = ledger.end_us
    arrival_times = ledger.arrivals.times
    n = len(arrival_times)
    routing_of = ledger.routing
    due_of = ledger.due_us
    escaped = ledger.escaped
    version = [0] * n
    handler_of: list[str] = [""] * n
    in_service = [False] * n
    done_at = [0] * n
    handlers: dict[str, _Handler] = {}
    heap: list[tuple[int, int, int, int, int]] = []  # (time, seq, kind, case, version)
    push: Callable[[list[tuple[int, int, int, int, int]], tuple[int, int, int, int, int]], None]
    push = heapq.heappush
    pop = heapq.heappop
    exp = math.exp
    normal = draws.normal
    seq = 0

    def serve(name: str, t: int) -> None:
        nonlocal seq
        worker = handlers[name]
        waiting = worker.waiting
        while worker.busy < worker.capacity and waiting:
            i, v = waiting.popleft()
            if version[i] != v or escaped[i]:
                continue
            worker.busy += 1
            in_service[i] = True
            routing = routing_of[i]
            assert routing is not None
            finish = t + int(exp(log_mean[routing.tier] + sigma * normal()) * _HOUR_US)
            done_at[i] = finish
            seq += 1
            push(heap, (finish, seq, _HANDLED, i, v))

    def enqueue(i: int, t: int) -> None:
        nonlocal seq
        routing = routing_of[i]
        assert routing is not None
        name = routing.handler or "street"
        handler_of[i] = name
        in_service[i] = False
        worker = handlers.get(name)
        if worker is None:
            worker = handlers[name] = _Handler(capacity)
        v = version[i]
        worker.waiting.append((i, v))
        serve(name, t)
        # The case is overdue just after its due time (escalate wants now > due);
        # a due time already past is checked at once. A case already being
        # handled that will be done before then needs no check.
        check = max(t, due_of[i] + _MINUTE_US)
        if not (in_service[i] and done_at[i] < check):
            seq += 1
            push(heap, (check, seq, _DUE, i, v))

    def release(i: int, t: int) -> None:
        if in_service[i]:
            name = handler_of[i]
            handlers[name].busy -= 1
            in_service[i] = False
            serve(name, t)

    def reroute(i: int, t: int, routing: Routing) -> None:
        release(i, t)
        version[i] += 1
        ledger.escalated(i, t, routing)
        if ledger.is_accepted(i):
            enqueue(i, t)

    a = 0
    while True:
        if a < n and (not heap or arrival_times[a] <= heap[0][0]):
            i = a
            a += 1
            taken_up = ledger.arrive(i)
            seq += 1
            if taken_up < 0:
                push(heap, (-1 - taken_up, seq, _ESCAPE, i, 0))
            else:
                push(heap, (taken_up, seq, _ACCEPT, i, 0))
            first = ledger.routing[i]
            if first is not None and first.procedure is Procedure.EMERGENCY:
                # An emergency nobody is on the spot for within the report limit goes to
                # the street (escalate decides; this is when it looks).
                seq += 1
                push(heap, (ledger.report_check(i), seq, _DUE, i, 0))
            continue
        if not heap:
            break
        t, _, kind, i, v = pop(heap)
        if t > end:
            break
        if escaped[i]:
            continue
        if kind == _ACCEPT:
            ledger.accept(i, t)
            enqueue(i, t)
            continue
        if kind == _ESCAPE:
            escaped[i] = True
            continue
        if v != version[i]:
            continue  # a superseded handling, due check or visit
        if kind == _HANDLED:
            release(i, t)
            ledger.resolve(i, t, handler_of[i])
            seq += 1
            push(heap, (t + int(draws.exponential() * revisit_us), seq, _REVISIT, i, v))
        elif kind == _DUE:
            nxt = ledger.overdue(i, t)
            if nxt is not None:
                reroute(i, t, nxt)
        elif kind == _REVISIT:
            if ledger.status[i] is not Status.RESOLVED:
                continue
            again, nxt = ledger.revisit(i, t, draws)
            if again:
                version[i] += 1
                if nxt is not None:
                    reroute(i, t, nxt)
                else:
                    enqueue(i, t)

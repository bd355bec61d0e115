"""Simulated cases per second: ``govmodel.simulate`` against an equivalent SimPy model.

Run from the project root (SimPy is a benchmark-only dependency: ``pip install -e '.[bench]'``)::

    .venv/bin/python benchmarks/bench_simulation.py            # about 70 s on an idle core
    .venv/bin/python benchmarks/bench_simulation.py --profile  # and where the time goes (+40 s)

Sizes: ``--scale`` (of the street), ``--days`` (of the simulated period), ``--repeat`` (timed
runs of each model), ``--seed``, ``--warmup-days`` and ``--cpu`` (the core to pin to).

It builds a generated street (``_structures.py``; ``--scale 0.4`` is 10 communities, 200
compounds with their households, about 42,000 places and 58,000 cases in a simulated year),
checks it with ``govmodel.validate``, and then, on one core, in the same run:

- govmodel: ``govmodel.simulation.simulate(structure, Scenario(days=...), seed=...)``, its own
  heap-based event loop driving ``route``, ``escalate``, ``advance`` and ``metrics``;
- SimPy: ``simulate_simpy`` below, the same process per case written with SimPy processes,
  timeouts and one ``simpy.Resource`` per handler, calling the same rules.

Both draw the same arrivals (the same draws in the same order, so the very same cases), then
differ only in the order later random numbers are consumed. Before it reports any speed, the
benchmark checks that both models did the same work: identical cases, and share resolved and
containment shares within ``TOLERANCE`` (absolute) of each other. It prints the cases per second
of each run (best of ``--repeat``, runs interleaved so a busy machine slows both alike), the
ratio, and whether the targets of ``docs/performance.md`` are met: ``TARGET_CASES_PER_SECOND`` on
one core and ``TARGET_RATIO`` times the SimPy model's rate. The SimPy model mirrors the engine
as of commit 93d0b9ec (overdue checks a minute after the due time, recurring matters escalated
on arrival); when the engine's process changes, the share check fails until it is mirrored.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import gc
import os
import platform
import pstats
import sys
import time
from collections import deque
from collections.abc import Callable, Generator, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import simpy
from _structures import build_town

import govmodel
import govmodel.simulation.engine as engine_module
from govmodel import (
    DEFAULT_POLICY,
    Accepted,
    Case,
    CaseEvent,
    CaseState,
    Category,
    Channel,
    Closed,
    PlaceKind,
    Policy,
    Reopened,
    Reported,
    Resolved,
    Revisited,
    Routed,
    Routing,
    Scope,
    Status,
    Structure,
    Tier,
    advance,
    escalate,
    metrics,
    route,
)
from govmodel.simulation import CaseOutcome, Scenario, SimulationResult, simulate

TARGET_CASES_PER_SECOND = 100_000
TARGET_RATIO = 2.0
# The two models consume random numbers in different orders, so their shares differ by chance
# (and by which case a busy handler takes first). At the default size (58,000 cases) the
# seed-to-seed standard deviation of govmodel's shares is at most 0.3 points (5 seeds: resolved
# 0.1, micro_grid 0.3, compound 0.2, community 0.1), so the difference of two independent runs
# has one of about 0.4 points: 2 points (absolute) is five of those, and well below what a
# difference of behaviour makes (checking overdue cases at their due time rather than a minute
# after, which escalate reads as not yet overdue, moves the share resolved by 4.6 points).
TOLERANCE = 0.02
# The engine checks a case for being overdue one minute after its due time (escalate wants
# now > due), or at once when that is already past; so does the SimPy model.
_MINUTE = 1.0 / 60.0

# -- the SimPy model ---------------------------------------------------------------------------
#
# The process of ``govmodel.simulation.engine`` per case, written as a SimPy process:
# arrival -> route (govmodel.route) -> Reported, Routed -> a matter reported again and again at
# the place escalates at once (govmodel.escalate with the recent cases) -> response delay (or
# escape to the hotline) -> Accepted -> a request to the handler's simpy.Resource (capacity
# ``scenario.capacity``) raced against the due time -> handling (lognormal per tier), raced
# against the due time -> Resolved -> return visit -> Revisited -> Reopened (escalated with
# govmodel.escalate, back to a handler's queue) or Closed. Just after the due time, a case not
# yet resolved is checked with govmodel.escalate; a new routing moves it (Routed) to the new
# handler's queue. Every event is applied with govmodel.advance and logged; at the end
# govmodel.metrics measures the log, as in the engine.


def _arrivals(
    structure: Structure, scenario: Scenario, rng: np.random.Generator
) -> tuple[list[float], list[Case]]:
    """The arrival times and cases, drawn exactly as ``simulate`` draws them.

    The same draws in the same order from the same generator, so both models see the same
    cases; the draws after these (delays, handling times, visits) are consumed in different
    orders by the two models.
    """
    start = scenario.start
    horizon = scenario.days * 24.0
    places: list[tuple[str, list[str], float]] = []
    for compound in structure.places(kind=PlaceKind.COMPOUND):
        if not compound.residential:
            continue
        households = compound.households or scenario.households_if_unknown
        buildings = [p.id for p in structure.children(compound.id) if p.kind is PlaceKind.BUILDING]
        places.append((compound.id, buildings, float(households)))
    if not places:
        for community in structure.places(kind=PlaceKind.COMMUNITY):
            households = community.households or scenario.households_if_unknown
            places.append((community.id, [], float(households)))
    categories = list(scenario.rates)
    rates = np.array([scenario.rates[c] for c in categories], dtype=float)
    arrivals: list[tuple[float, int, str]] = []
    for compound_id, buildings, weight in places:
        counts = rng.poisson(rates * weight * scenario.days / 365.0)
        for index, count in enumerate(counts):
            if not count:
                continue
            times = rng.uniform(0.0, horizon, size=int(count))
            scope = scenario.scopes[categories[index]]
            for t in times:
                if buildings and scope <= Scope.BUILDING:
                    place = buildings[int(rng.integers(len(buildings)))]
                else:
                    place = compound_id
                arrivals.append((float(t), index, place))
    arrivals.sort()
    channel_names = list(scenario.channels)
    channel_p = np.array([scenario.channels[c] for c in channel_names])
    urgency_names = list(scenario.urgency)
    urgency_p = np.array([scenario.urgency[u] for u in urgency_names])
    times_out: list[float] = []
    cases: list[Case] = []
    for t, index, place in arrivals:
        channel = channel_names[int(rng.choice(len(channel_names), p=channel_p))]
        if rng.random() < scenario.proactive:
            channel = Channel.PATROL
        urgency = urgency_names[int(rng.choice(len(urgency_names), p=urgency_p))]
        category = categories[index]
        times_out.append(t)
        cases.append(
            Case(
                id=f"case:{len(cases)}",
                category=category,
                place=place,
                reported_at=start + dt.timedelta(hours=t),
                channel=channel,
                scope=scenario.scopes[category],
                urgency=urgency,
            )
        )
    return times_out, cases


class _CaseEntry:
    """One case's state in the SimPy model."""

    __slots__ = ("escalations", "escaped", "state")

    def __init__(self, state: CaseState) -> None:
        self.state = state
        self.escalations = 0
        self.escaped = False


_Process = Generator[simpy.Event, Any, None]


class SimPyModel:
    """The engine's process per case as SimPy processes; ``run()`` gives a ``SimulationResult``."""

    def __init__(
        self,
        structure: Structure,
        scenario: Scenario,
        *,
        seed: int,
        policy: Policy = DEFAULT_POLICY,
    ) -> None:
        self.structure = structure
        self.scenario = scenario
        self.policy = policy
        self.seed = seed
        self.rng = np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed)))
        self.start = scenario.start
        self.response_limit = policy.response_limit.total_seconds() / 3600.0
        grids = {g.id for g in structure.grids()}
        self.grid_posts = {p.id for p in structure.posts() if p.within in grids}
        self.env = simpy.Environment()
        self.resources: dict[str, simpy.Resource] = {}
        self.events: list[CaseEvent] = []
        self.entries: list[_CaseEntry | None] = []
        self.times: list[float] = []
        self.cases: list[Case] = []
        self.recent: dict[tuple[str, Category], deque[Case]] = {}

    # -- helpers, as in the engine -------------------------------------------------------------

    def when(self, t: float) -> dt.datetime:
        return self.start + dt.timedelta(hours=t)

    def hours(self, moment: dt.datetime) -> float:
        return (moment - self.start).total_seconds() / 3600.0

    def record(self, entry: _CaseEntry, event: CaseEvent) -> None:
        entry.state = advance(entry.state, event, require_revisit=self.policy.require_revisit)
        self.events.append(event)

    @staticmethod
    def handler_of(routing: Routing) -> str:
        return routing.handler or "street"

    def resource(self, name: str) -> simpy.Resource:
        res = self.resources.get(name)
        if res is None:
            res = self.resources[name] = simpy.Resource(self.env, capacity=self.scenario.capacity)
        return res

    def due_check(self, entry: _CaseEntry, due_at: float) -> Routing | None:
        # The engine checks at due_at itself (its heap pops the due event at exactly that
        # hour); so does this model, whatever float rounding did to env.now.
        if entry.state.status is Status.RESOLVED or entry.state.status is Status.CLOSED:
            return None
        return escalate(self.structure, entry.state, now=self.when(due_at), policy=self.policy)

    def reroute(self, entry: _CaseEntry, case: Case, routing: Routing, at: dt.datetime) -> None:
        entry.escalations += 1
        self.record(entry, Routed(case_id=case.id, at=at, routing=routing))

    # -- processes ------------------------------------------------------------------------------

    def work(self, entry: _CaseEntry, case: Case) -> _Process:
        """Queue at the handler, be handled, race both against the due time; until resolved."""
        env = self.env
        scenario = self.scenario
        while True:
            routing = entry.state.routing
            assert routing is not None
            resource = self.resource(self.handler_of(routing))
            request = resource.request()
            due_at = max(env.now, self.hours(routing.due) + _MINUTE)
            due = env.timeout(due_at - env.now)
            yield request | due
            due_pending = True
            if due.processed:  # due while waiting (or at the very moment it was served)
                due_pending = False
                nxt = self.due_check(entry, due_at)
                if nxt is not None:
                    if request.triggered:
                        resource.release(request)
                    else:
                        request.cancel()
                    self.reroute(entry, case, nxt, self.when(due_at))
                    continue
                yield request
            mean = scenario.handling_hours[routing.tier]
            sigma = scenario.handling_sigma
            duration = float(self.rng.lognormal(np.log(mean) - sigma * sigma / 2.0, sigma))
            done = env.timeout(duration)
            if due_pending:
                yield done | due
                if not done.processed:  # due while being handled
                    nxt = self.due_check(entry, due_at)
                    if nxt is not None:
                        resource.release(request)
                        self.reroute(entry, case, nxt, self.when(due_at))
                        continue
                    yield done
            else:
                yield done
            resource.release(request)
            self.record(
                entry,
                Resolved(case_id=case.id, at=self.when(env.now), actor=self.handler_of(routing)),
            )
            return

    def case_process(self, index: int) -> _Process:
        env = self.env
        scenario = self.scenario
        rng = self.rng
        case = self.cases[index]
        yield env.timeout(self.times[index])
        at = case.reported_at
        first = route(self.structure, case, policy=self.policy)
        entry = _CaseEntry(advance(None, Reported(case=case, at=at)))
        self.entries[index] = entry
        self.events.append(Reported(case=case, at=at))
        self.record(entry, Routed(case_id=case.id, at=at, routing=first))
        # A matter reported again and again at one place escalates at once.
        earlier = self.recent.setdefault((case.place, case.category), deque())
        while earlier and earlier[0].reported_at < at - self.policy.recurrence_window:
            earlier.popleft()
        if len(earlier) >= self.policy.recurrence_threshold:
            nxt = escalate(self.structure, entry.state, now=at, policy=self.policy, recent=earlier)
            if nxt is not None:
                self.reroute(entry, case, nxt, at)
        earlier.append(case)
        mean = (
            scenario.response_hours
            if first.owner in self.grid_posts
            else scenario.response_hours_without_grid
        )
        delay = 0.0 if case.channel is Channel.PATROL else float(rng.exponential(mean))
        if delay > self.response_limit and rng.random() < scenario.hotline:
            yield env.timeout(self.response_limit)
            entry.escaped = True
            return
        yield env.timeout(delay)
        routing = entry.state.routing
        assert routing is not None
        actor = routing.owner or self.handler_of(routing)
        self.record(entry, Accepted(case_id=case.id, at=self.when(env.now), actor=actor))
        while True:
            yield from self.work(entry, case)
            yield env.timeout(float(rng.exponential(scenario.revisit_hours)))
            routing = entry.state.routing
            assert routing is not None
            satisfied = bool(rng.random() < scenario.satisfaction)
            now = self.when(env.now)
            actor = routing.owner or self.handler_of(routing)
            self.record(entry, Revisited(case_id=case.id, at=now, actor=actor, satisfied=satisfied))
            if (
                not satisfied
                and entry.state.reopened < scenario.max_reopens
                and rng.random() < scenario.reopen
            ):
                self.record(
                    entry,
                    Reopened(case_id=case.id, at=now, reason="the resident was not satisfied"),
                )
                nxt = escalate(self.structure, entry.state, now=now, policy=self.policy)
                if nxt is not None:
                    self.reroute(entry, case, nxt, now)
                continue  # back to the (new) handler's queue
            self.record(entry, Closed(case_id=case.id, at=now))
            return

    def run(self) -> SimulationResult:
        self.times, self.cases = _arrivals(self.structure, self.scenario, self.rng)
        self.entries = [None] * len(self.cases)
        # Every arrival is scheduled up front, as the engine pushes every arrival on its heap;
        # a process starts with a timeout to its arrival, so env.now is exactly that time.
        for index in range(len(self.cases)):
            self.env.process(self.case_process(index))
        self.env.run(until=self.scenario.days * 24.0)
        outcomes = tuple(
            _outcome(self.cases[i], entry)
            for i, entry in enumerate(self.entries)
            if entry is not None
        )
        return SimulationResult(
            events=tuple(self.events),
            outcomes=outcomes,
            metrics=metrics(self.events, now=self.scenario.end, policy=self.policy),
            hotline=sum(1 for e in self.entries if e is not None and e.escaped),
            seed=self.seed,
        )


def _outcome(case: Case, entry: _CaseEntry) -> CaseOutcome:
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


def simulate_simpy(structure: Structure, scenario: Scenario, *, seed: int) -> SimulationResult:
    """The SimPy model's answer to ``simulate(structure, scenario, seed=seed)``."""
    return SimPyModel(structure, scenario, seed=seed).run()


# -- checks -------------------------------------------------------------------------------------


@dataclass
class Calls:
    """Calls to the rules made by one run, counted by wrapping the names the models call."""

    route: int = 0
    escalate: int = 0
    advance: int = 0


@contextmanager
def counting(module: Any) -> Iterator[Calls]:
    """Count the calls ``module`` makes to ``route``, ``escalate`` and ``advance``."""
    calls = Calls()
    saved = {name: getattr(module, name) for name in ("route", "escalate", "advance")}

    def wrap(name: str) -> Callable[..., Any]:
        inner = saved[name]

        def counted(*args: Any, **kwargs: Any) -> Any:
            setattr(calls, name, getattr(calls, name) + 1)
            return inner(*args, **kwargs)

        return counted

    try:
        for name in saved:
            setattr(module, name, wrap(name))
        yield calls
    finally:
        for name, function in saved.items():
            setattr(module, name, function)


def shares(result: SimulationResult) -> dict[str, float]:
    """Share resolved (of all cases) and containment share per tier (of resolved cases)."""
    n = len(result.outcomes)
    out = {"resolved": result.outcome_counts["resolved"] / n if n else 0.0}
    containment = result.metrics.containment or {}
    for tier in Tier:
        out[f"contained at {tier.value}"] = float(containment.get(tier, 0.0))
    return out


def compare(ours: SimulationResult, theirs: SimulationResult) -> list[tuple[str, float, float]]:
    """The shares of both; raises when the cases differ or a share is off by more than TOLERANCE."""
    same_cases = [(o.case_id, o.category, o.place, o.reported_at) for o in ours.outcomes] == [
        (o.case_id, o.category, o.place, o.reported_at) for o in theirs.outcomes
    ]
    if not same_cases:
        raise AssertionError(
            f"the models simulated different cases ({len(ours.outcomes):,} against "
            f"{len(theirs.outcomes):,}): the comparison would not be fair"
        )
    a, b = shares(ours), shares(theirs)
    rows = [(name, a[name], b[name]) for name in a]
    off = [f"{name}: {x:.4f} against {y:.4f}" for name, x, y in rows if abs(x - y) > TOLERANCE]
    if off:
        raise AssertionError(
            f"the models disagree by more than {TOLERANCE:.0%} (absolute): " + "; ".join(off)
        )
    return rows


# -- timing -------------------------------------------------------------------------------------


def timed(run: Callable[[], SimulationResult]) -> tuple[float, SimulationResult]:
    """Seconds of one run, after a garbage collection."""
    gc.collect()
    start = time.perf_counter()
    result = run()
    return time.perf_counter() - start, result


def pin_to_one_core(cpu: int) -> str:
    try:
        os.sched_setaffinity(0, {cpu})
    except (AttributeError, OSError) as err:
        return f"not pinned ({err.__class__.__name__})"
    return f"pinned to cpu {cpu}"


def load_average() -> str:
    try:
        one, five, _ = os.getloadavg()
    except (AttributeError, OSError):
        return "unknown"
    return f"{one:.2f} (1 min), {five:.2f} (5 min)"


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


# -- profile ------------------------------------------------------------------------------------
#
# cProfile sees Python functions, not the numpy Generator's Cython methods: their time is
# counted as the own time of whoever draws. So three parts are also timed apart, without the
# profiler: drawing the arrivals as ``simulate`` does, routing every case again (warm tables),
# and ``metrics`` over the log.

_Key = tuple[str, int, str]
_Row = tuple[str, int, float]


def _find(stats: dict[_Key, Any], path_end: str, name: str) -> _Key | None:
    for key in stats:
        if key[0].endswith(path_end) and key[2] == name:
            return key
    return None


def _inclusive(
    stats: dict[_Key, Any], key: _Key | None, *, callers_in: str | None = None
) -> tuple[int, float]:
    """Calls and cumulative seconds of ``key``, only from callers in a file if given."""
    if key is None:
        return 0, 0.0
    _cc, nc, _tt, ct, callers = stats[key]
    if callers_in is None:
        return nc, ct
    calls, seconds = 0, 0.0
    for caller, (_ccc, cnc, _ctt, cct) in callers.items():
        if caller[0].endswith(callers_in):
            calls += cnc
            seconds += cct
    return calls, seconds


def _profiled(run: Callable[[], SimulationResult]) -> tuple[pstats.Stats, float]:
    profiler = cProfile.Profile()
    gc.collect()
    start = time.perf_counter()
    profiler.enable()
    run()
    profiler.disable()
    return pstats.Stats(profiler), time.perf_counter() - start


def _rows(stats: dict[_Key, Any], model_file: str, total: float) -> list[_Row]:
    """Inclusive seconds of the rules and the other parts, called from ``model_file``."""
    routing, escalation = "rules/routing.py", "rules/escalation.py"
    route_calls, route_s = _inclusive(stats, _find(stats, routing, "route"), callers_in=model_file)
    private_route = _find(stats, routing, "_route")
    miss_calls, miss_s = _inclusive(stats, private_route, callers_in=routing)
    esc_calls, esc_s = _inclusive(
        stats, _find(stats, escalation, "escalate"), callers_in=model_file
    )
    esc_route_calls, esc_route_s = _inclusive(stats, private_route, callers_in=escalation)
    adv_key = _find(stats, "govmodel/cases.py", "advance")
    adv_calls, adv_s = _inclusive(stats, adv_key, callers_in=model_file)
    adv_m_calls, adv_m_s = _inclusive(stats, adv_key, callers_in="govmodel/metrics.py")
    state_calls, state_s = 0, 0.0
    metrics_s = _inclusive(stats, _find(stats, "govmodel/metrics.py", "metrics"))[1]
    outcome_calls, outcome_s = _inclusive(stats, _find(stats, model_file, "_outcome"))
    # Cases and event records the model builds itself (Reported, Routed, ...): attrs __init__.
    records_calls, records_s = 0, 0.0
    for key, (_cc, nc, tt, _ct, callers) in stats.items():
        if not key[0].startswith("<attrs generated"):
            continue
        if key[0].endswith("govmodel.cases.CaseState>"):
            state_calls, state_s = nc, tt
        elif "govmodel.cases." in key[0]:
            for caller, (_ccc, cnc, _ctt, cct) in callers.items():
                if caller[0].endswith(model_file):
                    records_calls += cnc
                    records_s += cct
    heap_calls = sum(stats[k][1] for k in stats if k[0] == "~" and "_heapq." in k[2])
    heap_s = sum(stats[k][2] for k in stats if k[0] == "~" and "_heapq." in k[2])
    simpy_calls = sum(v[1] for k, v in stats.items() if "/simpy/" in k[0])
    simpy_s = sum(v[2] for k, v in stats.items() if "/simpy/" in k[0])
    rows: list[_Row] = [
        ("route", route_calls, route_s),
        ("  of which: template misses (_route)", miss_calls, miss_s),
        ("escalate", esc_calls, esc_s),
        ("  of which: routing again (_route)", esc_route_calls, esc_route_s),
        ("advance, in the loop", adv_calls, adv_s),
        ("metrics", 1, metrics_s),
        ("  of which: advance (replaying the log)", adv_m_calls, adv_m_s),
        ("(advance, both: CaseState.__init__ own time)", state_calls, state_s),
        ("cases and events built by the loop (attrs)", records_calls, records_s),
        ("outcomes (_outcome)", outcome_calls, outcome_s),
    ]
    counted = route_s + esc_s + adv_s + metrics_s + outcome_s + records_s
    if heap_calls:
        rows.append(("heapq push/pop (own time)", heap_calls, heap_s))
        counted += heap_s
    if simpy_calls:
        rows.append(("simpy kernel, events, resources (own time)", simpy_calls, simpy_s))
        counted += simpy_s
    rows.append(("the loop itself: the rest", 0, total - counted))
    # The loop's own functions, by own time (numpy draws land in whoever draws).
    own = sorted(
        ((key[2], v[1], v[2]) for key, v in stats.items() if key[0].endswith(model_file)),
        key=lambda row: -row[2],
    )
    rows += [(f"  of which: {name} (own time)", calls, s) for name, calls, s in own[:4]]
    return rows


def _count(calls: int) -> str:
    return f"{calls:,}" if calls else ""


def profile_models(
    structure: Structure, scenario: Scenario, seed: int, best: float, top: int
) -> None:
    """Time parts of govmodel's run apart, then profile one run of each model."""
    gc.collect()
    start = time.perf_counter()
    _times, cases = _arrivals(structure, scenario, np.random.Generator(np.random.PCG64(seed)))
    arrivals_s = time.perf_counter() - start
    n = len(cases)
    gc.collect()
    start = time.perf_counter()
    for case in cases:
        route(structure, case)
    route_s = time.perf_counter() - start
    result = simulate(structure, scenario, seed=seed)
    gc.collect()
    start = time.perf_counter()
    metrics(result.events, now=scenario.end)
    metrics_s = time.perf_counter() - start
    events = len(result.events)
    del result
    print()
    print(f"parts of govmodel's run timed apart (no profiler; best run {best:.2f} s):")
    for label, seconds in (
        ("arrivals: draws and Case records, as simulate makes them", arrivals_s),
        ("route, every case again (warm tables)", route_s),
        (f"metrics over the log ({events:,} events)", metrics_s),
    ):
        print(
            f"  {label:<58}{seconds:>6.2f} s{seconds / best:>5.0%}{seconds / n * 1e6:>7.1f} us/case"
        )

    ours, ours_total = _profiled(lambda: simulate(structure, scenario, seed=seed))
    theirs, theirs_total = _profiled(lambda: simulate_simpy(structure, scenario, seed=seed))
    ours_rows = _rows(ours.stats, "govmodel/simulation/engine.py", ours_total)  # type: ignore[attr-defined]
    theirs_rows = _rows(theirs.stats, "bench_simulation.py", theirs_total)  # type: ignore[attr-defined]
    print(
        f"profile (cProfile; under the profiler: govmodel {ours_total:.2f} s, "
        f"simpy {theirs_total:.2f} s); inclusive seconds unless marked, share of the run:"
    )
    print(
        f"{'govmodel':<48}{'calls':>10}{'s':>7}{'share':>6}{'us/case':>8}"
        f"{'simpy calls':>12}{'s':>7}{'share':>6}"
    )
    theirs_by = {label: (calls, s) for label, calls, s in theirs_rows}
    for label, calls, seconds in ours_rows:
        other = theirs_by.get(label)
        theirs_text = (
            f"{_count(other[0]):>12}{other[1]:>7.2f}{other[1] / theirs_total:>6.0%}"
            if other is not None
            else ""
        )
        print(
            f"{label:<48}{_count(calls):>10}{seconds:>7.2f}{seconds / ours_total:>6.0%}"
            f"{seconds / n * 1e6:>8.1f}{theirs_text}"
        )
    ours_labels = {label for label, _, _ in ours_rows}
    print("simpy only")
    for label, calls, seconds in theirs_rows:
        if label not in ours_labels:
            share = seconds / theirs_total
            print(f"{label:<48}{'':>31}{_count(calls):>12}{seconds:>7.2f}{share:>6.0%}")
    by = {label: calls for label, calls, _ in ours_rows}
    route_calls, miss_calls = by["route"], by["  of which: template misses (_route)"]
    print(
        f"govmodel per case: {route_calls / n:.2f} route, {by['escalate'] / n:.2f} escalate, "
        f"{by['advance, in the loop'] / n:.2f} advance in the loop and as many again in "
        f"metrics; {miss_calls:,} of {route_calls:,} route calls "
        f"({miss_calls / max(route_calls, 1):.0%}) missed the routing template cache"
    )
    print(f"\ngovmodel, top {top} functions by own time:")
    ours.sort_stats("tottime").print_stats(top)


# -- main ---------------------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--days", type=int, default=365, help="length of the simulated period")
    parser.add_argument(
        "--scale",
        type=float,
        default=0.4,
        help="scale of the generated street: 0.4 is 10 communities, ~58,000 cases a year",
    )
    parser.add_argument("--repeat", type=int, default=3, help="timed runs of each model")
    parser.add_argument("--seed", type=int, default=20261122)
    parser.add_argument("--warmup-days", type=int, default=30, help="days of the warm-up runs")
    parser.add_argument("--cpu", type=int, default=0, help="the core to pin the process to")
    parser.add_argument("--profile", action="store_true", help="profile one run of each model")
    parser.add_argument("--profile-top", type=int, default=20, help="functions listed")
    args = parser.parse_args(argv)
    if args.repeat < 1 or args.days < 1 or args.warmup_days < 1:
        parser.error("--repeat, --days and --warmup-days must be at least 1")

    pinned = pin_to_one_core(args.cpu)
    print(
        f"python {platform.python_version()} on {platform.system()} {platform.machine()}, "
        f"{cpu_model()}, {os.cpu_count()} cpus, {pinned}; simpy {simpy.__version__}"
    )
    print(f"load average at start: {load_average()}")

    start = time.perf_counter()
    town = build_town(args.scale, args.seed)
    s = town.structure
    built = time.perf_counter() - start
    problems = govmodel.validate(s)
    assert problems == (), problems[:5]
    compounds = s.places(kind=PlaceKind.COMPOUND)
    households = sum(p.households or 0 for p in compounds)
    print(
        f"structure: {s!r} ({built:.1f} s to build); validate: no problems; "
        f"{town.place_count:,} places, {len(town.communities)} communities, "
        f"{len(compounds)} compounds, {households:,} households, {len(s.posts()):,} posts, "
        f"{len(s.bodies()):,} bodies"
    )

    scenario = Scenario(days=args.days)
    warmup = Scenario(days=min(args.warmup_days, args.days))
    this_module = sys.modules[__name__]

    # Warm-up: one short run of each, on the same structure (route's tables are cached on it),
    # counting the calls each model makes to the rules.
    with counting(engine_module) as ours_calls:
        ours_warm = simulate(s, warmup, seed=args.seed)
    with counting(this_module) as theirs_calls:
        theirs_warm = simulate_simpy(s, warmup, seed=args.seed)
    print(f"warm-up ({warmup.days} days, {len(ours_warm.outcomes):,} cases), calls per case:")
    for label, calls, n in (
        ("govmodel", ours_calls, len(ours_warm.outcomes)),
        ("simpy", theirs_calls, len(theirs_warm.outcomes)),
    ):
        print(
            f"  {label:<9} route {calls.route / n:.3f}, escalate {calls.escalate / n:.3f}, "
            f"advance {calls.advance / n:.3f} (in the loop; metrics replays the log in both)"
        )
    del ours_warm, theirs_warm

    ours_times: list[float] = []
    theirs_times: list[float] = []
    ours_result: SimulationResult | None = None
    theirs_result: SimulationResult | None = None
    print(f"timed runs ({scenario.days} days, seed {args.seed}), interleaved:")
    for i in range(args.repeat):
        seconds, result = timed(lambda: simulate(s, scenario, seed=args.seed))
        ours_times.append(seconds)
        cases = len(result.outcomes)
        print(f"  run {i + 1} govmodel {seconds:7.2f} s  {cases / seconds:>10,.0f} cases/s")
        ours_result = ours_result or result
        seconds, result = timed(lambda: simulate_simpy(s, scenario, seed=args.seed))
        theirs_times.append(seconds)
        print(f"  run {i + 1} simpy    {seconds:7.2f} s  {cases / seconds:>10,.0f} cases/s")
        theirs_result = theirs_result or result
        del result
    assert ours_result is not None
    assert theirs_result is not None

    cases = len(ours_result.outcomes)
    rows = compare(ours_result, theirs_result)
    print()
    print(
        f"same work: the same {cases:,} cases; events {len(ours_result.events):,} (govmodel), "
        f"{len(theirs_result.events):,} (simpy); escalations "
        f"{sum(o.escalations for o in ours_result.outcomes):,} / "
        f"{sum(o.escalations for o in theirs_result.outcomes):,}; reopenings "
        f"{ours_result.metrics.reopenings:,} / {theirs_result.metrics.reopenings:,}; escaped "
        f"{ours_result.hotline:,} / {theirs_result.hotline:,}"
    )
    print(f"{'share':<28}{'govmodel':>10}{'simpy':>10}{'diff':>9}   (tolerance {TOLERANCE})")
    for name, a, b in rows:
        print(f"{name:<28}{a:>10.4f}{b:>10.4f}{a - b:>+9.4f}")
    if cases < 50_000:
        print(f"note: only {cases:,} cases; the recorded figures use 50,000 or more")

    ours_rate = cases / min(ours_times)
    theirs_rate = cases / min(theirs_times)
    ratio = ours_rate / theirs_rate
    print()
    print(f"{'model':<10}{'best s':>9}{'cases/s':>12}{'x simpy':>9}")
    print(f"{'govmodel':<10}{min(ours_times):>9.2f}{ours_rate:>12,.0f}{ratio:>9.2f}")
    print(f"{'simpy':<10}{min(theirs_times):>9.2f}{theirs_rate:>12,.0f}{1.0:>9.2f}")
    print()
    met = ours_rate >= TARGET_CASES_PER_SECOND
    ratio_met = ratio >= TARGET_RATIO
    print(
        f"target {TARGET_CASES_PER_SECOND:,} cases/s on one core: "
        f"{'MET' if met else 'NOT MET'} ({ours_rate:,.0f})"
    )
    print(
        f"target {TARGET_RATIO:.0f}x the SimPy model: "
        f"{'MET' if ratio_met else 'NOT MET'} ({ratio:.2f}x)"
    )
    print("all targets met" if met and ratio_met else "some targets NOT met")
    print(f"load average at end: {load_average()}")
    del ours_result, theirs_result

    if args.profile:
        profile_models(s, scenario, args.seed, min(ours_times), args.profile_top)
    return 0


if __name__ == "__main__":
    sys.exit(main())

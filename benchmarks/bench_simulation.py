"""Simulated cases per second: ``govmodel.simulate`` against an equivalent SimPy model.

Run from the project root (SimPy is a benchmark-only dependency: ``pip install -e '.[bench]'``)::

    .venv/bin/python benchmarks/bench_simulation.py            # several minutes
    .venv/bin/python benchmarks/bench_simulation.py --profile  # and where the time goes

Sizes: ``--scale`` (of the street), ``--days`` (of the simulated period), ``--repeat`` (timed
runs of each model), ``--seed``, ``--warmup-days`` and ``--cpu`` (the core to pin to).

It builds a generated street (``_structures.py``; ``--scale 0.4`` is 10 communities, 240
compounds with their households, about 40,000 places and 130,000 cases in a simulated year),
checks it with ``govmodel.validate``, and then, on one core, in the same run:

- govmodel: ``govmodel.simulation.simulate(structure, Scenario(days=...), seed=...)``, its own
  heap-based event loop driving ``route`` and ``escalate`` (on the facts of a case's state)
  and counting the metrics;
- SimPy: ``simulate_simpy`` below, the same process per case written with SimPy processes,
  timeouts and one ``simpy.Resource`` per handler, keeping its books in the engine's own ledger
  (so it makes the same calls to the rules and counts the metrics the same way).

Both draw the same arrivals (the engine's ``_draw_arrivals``: the very same cases), then differ
only in the order later random numbers are consumed; so the cases made during the run (12345
work orders dispatched back after an escape, latent problems found at return visits) may differ
in number. Before it reports any speed, the benchmark checks that both models did the same work:
identical drawn cases, and share resolved and containment shares within ``TOLERANCE``
(absolute) of each other. It prints the cases per second of each run (each model's own cases,
best of ``--repeat``, runs interleaved so a busy machine slows both alike), the ratio, and
whether the target of ``docs/performance.md`` is met: ``TARGET_RATIO`` times the SimPy model's
rate. It also times building the full event log (``result.events``), which both models leave to
the first reader.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import os
import platform
import pstats
import statistics
import sys
import time
from collections.abc import Callable, Generator, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import simpy
from _machine import cpu_model, load_average, pin_to_one_core
from _structures import build_town

import govmodel
import govmodel.simulation.engine as engine_module
from govmodel import (
    DEFAULT_POLICY,
    Case,
    Channel,
    PlaceKind,
    Policy,
    Procedure,
    Reported,
    Routing,
    Status,
    Structure,
    Tier,
    metrics,
    route,
)
from govmodel._gc import paused
from govmodel.simulation import Scenario, SimulationResult, simulate

# The one target: govmodel at least twice the SimPy model's rate (docs/performance.md).
TARGET_RATIO = 2.0
# The two models consume random numbers in different orders, so their shares differ by chance
# (and by which case a busy handler takes first). At the default size (58,000 cases) the
# seed-to-seed standard deviation of govmodel's shares is at most 0.3 points (5 seeds: resolved
# 0.1, micro_grid 0.3, compound 0.2, community 0.1), so the difference of two independent runs
# has one of about 0.4 points: 2 points (absolute) is five of those, and well below what a
# difference of behaviour makes (checking overdue cases at their due time rather than a minute
# after, which escalate reads as not yet overdue, moves the share resolved by 4.6 points).
TOLERANCE = 0.02
# The engine's clock counts microseconds; it checks a case for being overdue one minute after
# its due time (escalate wants now > due), or at once when that is already past; so does the
# SimPy model.
_HOUR_US = 3_600_000_000
_MINUTE_US = 60_000_000

# -- the SimPy model ---------------------------------------------------------------------------
#
# The process of ``govmodel.simulation.engine`` per case (``_run``, the reference), written as
# SimPy processes. It keeps its books in the engine's own ledger (``_Ledger``: the compact log,
# the calls to route and escalate, the mechanisms, the metrics) and draws from the
# engine's ``_Draws``, so the two models differ only in how they schedule: the engine with one
# heap, plain queues and version numbers, this model with SimPy processes, timeouts, interrupts
# and one ``simpy.Resource`` per handler.
#
# A case's process: arrival -> ledger.arrive (route; a matter reported again and again at the
# place escalates at once; a property desk may settle it; the response delay, or an escape to
# the hotline, whose 12345 work order, ledger.hotline_dispatch, comes back as a new case) ->
# ledger.accept -> placed: ledger.wait_until (a meeting's sitting, a handoff), then a request to
# the resource of ledger.queue_of (the desk, else the handler) -> handling until
# ledger.handling_until (working hours) -> ledger.decided (owners' ballot: quorum not met, back
# to the next sitting once, then it waits for its due check; rejected noted) -> ledger.resolve ->
# return visit -> ledger.revisit (a latent problem found becomes a new case; reopened: escalated
# or placed again; else closed).
#
# The due check of each placement (a minute after the due time, or at once when that is past:
# ledger.overdue), and the report check of an emergency (at ledger.report_check), are watcher
# processes: a watcher whose check finds a new routing interrupts the case's process, which
# leaves its queue or its handler (the request's ``with`` releases it) and is placed again at the
# new handler. The engine's version numbers say which checks still count; the model keeps the
# same numbers (a new placement, a reopening or a rerouting makes the earlier checks void).
#
# Capacity: each handler's ``simpy.Resource`` is made, on the first case it gets, with
# ``ledger.capacity(name, now)``, the staffing of that day. A simpy.Resource cannot change its
# capacity, so the model refuses a structure whose staffing changes during the period (an
# appointment starting or ending after its first day): the generated street of ``_structures.py``
# appoints everyone from the first day, for good, so its capacities hold all period.


_Process = Generator[simpy.Event, Any, None]


def _routing(interrupt: simpy.Interrupt) -> Routing:
    """The new routing a check's interrupt carries."""
    cause = interrupt.cause
    assert isinstance(cause, Routing)
    return cause


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
        rng, sequence = engine_module._generator(seed)
        self.key = engine_module._seed_key(seed)
        arrivals = engine_module._draw_arrivals(structure, scenario, rng, policy)
        self.drawn = len(arrivals.cases)
        self.draws = engine_module._Draws(sequence)
        self.ledger = engine_module._Ledger(structure, scenario, policy, arrivals, self.draws)
        if len(self.ledger.epoch_days) > 1:
            raise ValueError(
                "staffing changes during the period (an appointment starts or ends): "
                "the SimPy model's resources keep the capacity they were made with"
            )
        self.revisit_us = int(scenario.revisit_hours * _HOUR_US)
        self.env = simpy.Environment()
        self.resources: dict[str, simpy.Resource] = {}
        # Per case, as in the engine's loop: which checks still count, and whose queue it is in.
        self.version = [0] * self.drawn
        self.handler_of: list[str | None] = [None] * self.drawn
        self.processes: list[simpy.Process] = []

    def resource(self, name: str) -> simpy.Resource:
        res = self.resources.get(name)
        if res is None:
            capacity = self.ledger.capacity(name, int(self.env.now))
            res = self.resources[name] = simpy.Resource(self.env, capacity=capacity)
        return res

    # -- the checks ---------------------------------------------------------------------------

    def watch(self, i: int, at: int, v: int) -> _Process:
        """The due check (or an emergency's report check) at ``at``, while version ``v`` holds."""
        yield self.env.timeout(at - self.env.now)
        if self.version[i] != v or self.ledger.escaped[i]:
            return  # superseded
        nxt = self.ledger.overdue(i, at)
        if nxt is not None:
            self.version[i] += 1  # the checks of this placement no longer count
            self.processes[i].interrupt(nxt)

    def check(self, i: int, at: int) -> None:
        self.env.process(self.watch(i, at, self.version[i]))

    # -- a case's process -----------------------------------------------------------------------

    def case_process(self, i: int) -> _Process:
        """A drawn case: it arrives at its time."""
        yield self.env.timeout(self.ledger.arrivals.times[i] - self.env.now)
        yield from self.lifecycle(i)

    def spawned(self, case: Case, at: int, key: tuple[int, ...]) -> _Process:
        """A case made during the run (a hotline dispatch, a latent problem), reported at ``at``."""
        yield self.env.timeout(at - self.env.now)
        j = self.ledger.add_case(case, at, key, latent=case.channel is Channel.VISIT)
        self.version.append(0)
        self.handler_of.append(None)
        process = self.env.active_process
        assert process is not None
        self.processes.append(process)
        yield from self.lifecycle(j)

    def spawn(self, case: Case, at: int, key: tuple[int, ...]) -> None:
        self.env.process(self.spawned(case, at, key))

    def until(self, i: int, at: int) -> _Process:
        """Wait until ``at`` before acceptance; a report check may reroute the case meanwhile."""
        timeout = self.env.timeout(at - self.env.now)
        while True:
            try:
                yield timeout
                return
            except simpy.Interrupt as interrupt:
                self.ledger.escalated(i, int(self.env.now), _routing(interrupt))

    def lifecycle(self, i: int) -> _Process:
        env = self.env
        ledger = self.ledger
        taken_up = ledger.arrive(i)
        routing = ledger.routing[i]
        if routing is not None and routing.procedure is Procedure.EMERGENCY:
            self.check(i, ledger.report_check(i))
        if taken_up < 0:
            at = -1 - taken_up
            yield from self.until(i, at)
            ledger.escaped[i] = True
            back = ledger.hotline_dispatch(i, at)
            if back is not None:
                self.spawn(*back)
            return
        yield from self.until(i, taken_up)
        ledger.accept(i, int(env.now))
        while True:
            yield from self.work(i)
            yield env.timeout(int(self.draws.exponential(i) * self.revisit_us))
            if ledger.status[i] is not Status.RESOLVED:
                return
            t = int(env.now)
            again, nxt, found = ledger.revisit(i, t)
            if found is not None:
                self.spawn(found[0], t, found[1])
            if not again:
                return
            self.version[i] += 1
            if nxt is not None:
                self.version[i] += 1
                ledger.escalated(i, t, nxt)
            # placed again, at the (new) handler

    def work(self, i: int) -> _Process:
        """Placed, queued, handled (and decided) until resolved; rerouted by its checks."""
        env = self.env
        ledger = self.ledger
        draws = self.draws
        while True:
            t = int(env.now)
            previous = self.handler_of[i]
            if previous is None:
                previous = ledger.first_owner[i]
            until = ledger.wait_until(i, t, previous)
            if until > t:
                self.handler_of[i] = None
            self.check(i, max(t, ledger.due_us[i] + _MINUTE_US))
            try:
                if until > t:
                    yield env.timeout(until - t)
                name = self.handler_of[i] = ledger.queue_of(i)
                with self.resource(name).request() as request:
                    yield request
                    now = int(env.now)
                    yield env.timeout(ledger.handling_until(i, now, draws.normal(i)) - now)
                decision = ledger.decided(i)
                if decision is not None and not decision[0]:
                    # Too few took part: to the meeting's next sitting, once; then the case
                    # waits for its due check (escalate decides).
                    ledger.rounds[i] += 1
                    if ledger.rounds[i] < 2:
                        self.version[i] += 1
                        continue
                    yield env.event()  # only a check's interrupt moves it on
            except simpy.Interrupt as interrupt:
                ledger.escalated(i, int(env.now), _routing(interrupt))
                continue
            if decision is not None:
                ledger.rejected[i] = not decision[1]
            ledger.resolve(i, int(env.now), name)
            return

    def run(self) -> SimulationResult:
        # As in simulate: no cyclic garbage collection while the run allocates.
        with paused():
            # Every drawn arrival is scheduled up front; a process starts with a timeout to its
            # arrival, so env.now is exactly that time (whole microseconds, as in the engine).
            self.processes = [
                self.env.process(self.case_process(i)) for i in range(len(self.ledger.cases))
            ]
            # The engine handles everything up to and at the end of the period.
            self.env.run(until=self.ledger.end_us + 1)
            return engine_module._assemble([self.ledger.part()], self.key)


def simulate_simpy(structure: Structure, scenario: Scenario, *, seed: int) -> SimulationResult:
    """The SimPy model's answer to ``simulate(structure, scenario, seed=seed)``."""
    return SimPyModel(structure, scenario, seed=seed).run()


# -- checks -------------------------------------------------------------------------------------


@dataclass
class Calls:
    """Calls to the rules made by one run, counted by wrapping the names the models call."""

    route: int = 0
    escalate: int = 0


@contextmanager
def counting(module: Any) -> Iterator[Calls]:
    """Count the calls ``module`` makes to ``route`` and to escalate's rule (``_next_routing``)."""
    calls = Calls()
    names = {"route": "route", "_next_routing": "escalate"}
    saved = {name: getattr(module, name) for name in names}

    def wrap(name: str) -> Callable[..., Any]:
        inner = saved[name]

        def counted(*args: Any, **kwargs: Any) -> Any:
            setattr(calls, names[name], getattr(calls, names[name]) + 1)
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


def drawn_cases(result: SimulationResult, drawn: int) -> list[tuple[str, str, str, Any]]:
    """The cases of ``result`` drawn before the run (ids ``case:<n>``, n below ``drawn``).

    Cases made during the run (hotline dispatches, latent problems) have ids made from the
    case they came from (``case:7/12345``, ``case:7/visit1``).
    """
    return [
        (o.case_id, o.category, o.place, o.reported_at)
        for o in result.outcomes
        if "/" not in o.case_id and int(o.case_id.rpartition(":")[2]) < drawn
    ]


def compare(
    ours: SimulationResult, theirs: SimulationResult, drawn: int
) -> list[tuple[str, float, float]]:
    """The shares of both; raises when the drawn cases differ or a share is off by > TOLERANCE."""
    a_cases, b_cases = drawn_cases(ours, drawn), drawn_cases(theirs, drawn)
    if a_cases != b_cases:
        raise AssertionError(
            f"the models simulated different drawn cases ({len(a_cases):,} against "
            f"{len(b_cases):,}): the comparison would not be fair"
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


# -- profile ------------------------------------------------------------------------------------
#
# cProfile sees Python functions, not the numpy Generator's C methods: their time is counted as
# the own time of whoever draws. So some parts are also timed apart, without the profiler.


def _profiled(run: Callable[[], SimulationResult]) -> tuple[pstats.Stats, float]:
    profiler = cProfile.Profile()
    gc.collect()
    start = time.perf_counter()
    profiler.enable()
    run()
    profiler.disable()
    return pstats.Stats(profiler), time.perf_counter() - start


def _shares(stats: pstats.Stats, total: float) -> list[tuple[str, int, float]]:
    """Inclusive seconds of the rules and the parts both models share."""
    table: dict[Any, Any] = stats.stats  # type: ignore[attr-defined]
    wanted = (
        ("route", "rules/routing/__init__.py", "route"),
        ("escalate (its rule, on the ledger's facts)", "rules/escalation.py", "_next_routing"),
        ("drawing the arrivals and their Case records", "engine.py", "_draw_arrivals"),
        ("metrics from the ledger (count)", "govmodel/_metrics.py", "count"),
    )
    rows = []
    for label, path_end, name in wanted:
        calls, seconds = 0, 0.0
        for key, (_cc, nc, _tt, ct, _callers) in table.items():
            if key[0].endswith(path_end) and key[2] == name:
                calls, seconds = nc, ct
        rows.append((label, calls, seconds))
    heap = sum(v[2] for k, v in table.items() if k[0] == "~" and "_heapq." in k[2])
    simpy_s = sum(v[2] for k, v in table.items() if "/simpy/" in k[0])
    rows.append(("heapq push/pop (own time)", 0, heap))
    rows.append(("simpy kernel, events, resources (own time)", 0, simpy_s))
    rows.append(("everything", 0, total))
    return rows


def profile_models(
    structure: Structure, scenario: Scenario, seed: int, best: float, top: int
) -> None:
    """Time parts of govmodel's run apart, then profile one run of each model."""
    result = simulate(structure, scenario, seed=seed)
    n = len(result.outcomes)
    gc.collect()
    start = time.perf_counter()
    events = result.events
    events_s = time.perf_counter() - start
    start = time.perf_counter()
    measured = metrics(events, now=scenario.end)
    metrics_s = time.perf_counter() - start
    assert measured == result.metrics
    reported = [e.case for e in events if isinstance(e, Reported)]
    start = time.perf_counter()
    for case in reported:
        route(structure, case)
    route_s = time.perf_counter() - start
    del result, events, reported
    print()
    print(f"parts timed apart (no profiler; best run of simulate {best:.2f} s):")
    for label, seconds in (
        ("route, every case again (warm tables)", route_s),
        ("building the full event log (result.events), on demand", events_s),
        ("govmodel.metrics over that log (equal to result.metrics)", metrics_s),
    ):
        print(f"  {label:<58}{seconds:>6.2f} s{seconds / n * 1e6:>7.1f} us/case")

    ours, ours_total = _profiled(lambda: simulate(structure, scenario, seed=seed))
    theirs, theirs_total = _profiled(lambda: simulate_simpy(structure, scenario, seed=seed))
    print(
        f"profile (cProfile; under the profiler: govmodel {ours_total:.2f} s, "
        f"simpy {theirs_total:.2f} s); inclusive seconds unless marked:"
    )
    print(
        f"{'':<46}{'govmodel calls':>15}{'s':>7}{'share':>6}{'simpy calls':>13}{'s':>7}{'share':>6}"
    )
    for (label, calls, seconds), (_, their_calls, their_s) in zip(
        _shares(ours, ours_total), _shares(theirs, theirs_total), strict=True
    ):
        print(
            f"{label:<46}{_count(calls):>15}{seconds:>7.2f}{seconds / ours_total:>6.0%}"
            f"{_count(their_calls):>13}{their_s:>7.2f}{their_s / theirs_total:>6.0%}"
        )
    print(f"\ngovmodel, top {top} functions by own time:")
    ours.sort_stats("tottime").print_stats(top)


def _count(calls: int) -> str:
    return f"{calls:,}" if calls else ""


# -- main ---------------------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--days", type=int, default=365, help="length of the simulated period")
    parser.add_argument(
        "--scale",
        type=float,
        default=0.4,
        help="scale of the generated street: 0.4 is 10 communities, ~130,000 cases a year",
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

    # Warm-up: one short run of each, on the same structure (route's tables are cached on it),
    # counting the calls each model makes to the rules.
    with counting(engine_module) as ours_calls:
        ours_warm = simulate(s, warmup, seed=args.seed)
    with counting(engine_module) as theirs_calls:
        theirs_warm = simulate_simpy(s, warmup, seed=args.seed)
    print(f"warm-up ({warmup.days} days, {len(ours_warm.outcomes):,} cases), calls per case:")
    for label, calls, n in (
        ("govmodel", ours_calls, len(ours_warm.outcomes)),
        ("simpy", theirs_calls, len(theirs_warm.outcomes)),
    ):
        print(f"  {label:<9} route {calls.route / n:.3f}, escalate {calls.escalate / n:.3f}")
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
        cases = len(result.outcomes)
        print(f"  run {i + 1} simpy    {seconds:7.2f} s  {cases / seconds:>10,.0f} cases/s")
        theirs_result = theirs_result or result
        del result
    assert ours_result is not None
    assert theirs_result is not None

    # The cases drawn before the run: the same for both (the engine's _draw_arrivals).
    rng, _ = engine_module._generator(args.seed)
    drawn = len(engine_module._draw_arrivals(s, scenario, rng, DEFAULT_POLICY).cases)
    ours_cases = len(ours_result.outcomes)
    theirs_cases = len(theirs_result.outcomes)
    rows = compare(ours_result, theirs_result, drawn)
    print()
    print(
        f"same work: the same {len(drawn_cases(ours_result, drawn)):,} drawn cases; with those "
        f"made during the run (hotline dispatches, latent problems) {ours_cases:,} (govmodel), "
        f"{theirs_cases:,} (simpy); events {len(ours_result.events):,} / "
        f"{len(theirs_result.events):,}; escalations "
        f"{sum(o.escalations for o in ours_result.outcomes):,} / "
        f"{sum(o.escalations for o in theirs_result.outcomes):,}; reopenings "
        f"{ours_result.metrics.reopenings:,} / {theirs_result.metrics.reopenings:,}; escaped "
        f"{ours_result.hotline:,} / {theirs_result.hotline:,}; settled at a property desk "
        f"{ours_result.front_desk:,} / {theirs_result.front_desk:,}"
    )
    print(f"{'share':<28}{'govmodel':>10}{'simpy':>10}{'diff':>9}   (tolerance {TOLERANCE})")
    for name, a, b in rows:
        print(f"{name:<28}{a:>10.4f}{b:>10.4f}{a - b:>+9.4f}")
    if ours_cases < 50_000:
        print(f"note: only {ours_cases:,} cases; the recorded figures use 50,000 or more")

    ours_rate = ours_cases / min(ours_times)
    theirs_rate = theirs_cases / min(theirs_times)
    ratio = ours_rate / theirs_rate
    print()
    print(f"{'model':<10}{'cases':>9}{'best s':>9}{'cases/s':>12}{'x simpy':>9}")
    print(
        f"{'govmodel':<10}{ours_cases:>9,}{min(ours_times):>9.2f}{ours_rate:>12,.0f}{ratio:>9.2f}"
    )
    print(
        f"{'simpy':<10}{theirs_cases:>9,}{min(theirs_times):>9.2f}{theirs_rate:>12,.0f}{1.0:>9.2f}"
    )
    # Each pair of interleaved runs met the same machine: their ratios show how much of the
    # best-of ratio a quiet moment for one model made.
    pairs = [
        (ours_cases / mine) / (theirs_cases / their)
        for mine, their in zip(ours_times, theirs_times, strict=True)
    ]
    print(
        "run by run: "
        + ", ".join(f"{r:.2f}" for r in pairs)
        + f" (median {statistics.median(pairs):.2f})"
    )
    print()
    print(
        f"target {TARGET_RATIO:.0f}x the SimPy model (best against best): "
        f"{'MET' if ratio >= TARGET_RATIO else 'NOT MET'} ({ratio:.2f}x)"
    )
    print(f"load average at end: {load_average()}")
    del ours_result, theirs_result

    if args.profile:
        profile_models(s, scenario, args.seed, min(ours_times), args.profile_top)
    return 0


if __name__ == "__main__":
    sys.exit(main())

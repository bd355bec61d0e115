"""Throughput of ``govmodel.route`` and ``govmodel.escalate`` against naive baselines.

Run from the project root::

    .venv/bin/python benchmarks/bench_routing.py

It builds a generated street of 100,000+ places (``_structures.py``), checks it with
``govmodel.validate``, checks that the naive baselines ``naive_route`` and ``naive_escalate``
(the reference rules of ``govmodel.rules.reference``) give exactly what ``route`` and
``escalate`` give (on the bundled examples and on samples of the generated cases), then, in
each of ``--rounds`` rounds, times on one core:

- cold: ``route`` on a fresh structure (no cached tables) over the first batch of cases,
  building the tables as it goes;
- warm: ``route`` on the same structure over a fresh batch from the same distribution;
- repeat: the warm batch again (an upper bound, not a target);
- naive: ``naive_route`` over a smaller batch;
- escalate: ``escalate`` on the warm structure over a fresh batch of cases, each routed and
  then checked a minute after its due time (as the simulator checks overdue cases), and
  ``naive_escalate`` over a part of them;

and prints each round, the best of the rounds, the ratios against the naive baselines, and
whether the targets (200,000 routes/s on one core, 20 times the naive baseline) are met.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import os
import platform
import random
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from _machine import cpu_model, load_average, pin_to_one_core
from _structures import Town, build_town, generate_cases

import govmodel
from govmodel import (
    DEFAULT_POLICY,
    Accepted,
    Case,
    CaseState,
    Category,
    Domain,
    Reopened,
    Reported,
    Resolved,
    Revisited,
    Routed,
    Routing,
    Scope,
    Structure,
    Urgency,
    replay,
)
from govmodel.rules import reference

TARGET_ROUTES_PER_SECOND = 200_000
TARGET_RATIO = 20.0

# -- the naive baseline ------------------------------------------------------------------------
#
# The naive baseline is ``govmodel.rules.reference``: the rules of docs/routing.md written to
# be read, recomputed from the structure's queries on every call, with no caches, no tables and
# domains as sets. It is what a user would write from the documentation, and the fast path must
# give exactly what it gives, so the two are checked for equality before they are timed.

naive_route = reference.route
naive_escalate = reference.escalate


# -- checks --------------------------------------------------------------------------------------


def example_cases(structure: Structure, n: int, *, seed: int) -> list[Case]:
    """Cases over every kind of place of a bundled example, on days when posts change hands."""
    rng = random.Random(seed)
    places = [p.id for p in structure.places()]
    contacts = [p.id for p in structure.posts()] + [b.id for b in structure.bodies()]
    first = dt.datetime(2024, 6, 1)
    cases: list[Case] = []
    for i in range(n):
        domains = None
        if rng.random() < 0.1:
            domains = tuple(rng.sample(list(Domain), rng.randint(1, 3)))
        cases.append(
            Case(
                id=f"example:{i}",
                category=rng.choice(list(Category)),
                place=rng.choice(places),
                reported_at=first + dt.timedelta(days=rng.randrange(950), hours=rng.randrange(24)),
                scope=rng.choice(list(Scope)),
                urgency=rng.choice(list(Urgency)),
                domains=domains,
                receiver=rng.choice(contacts) if rng.random() < 0.3 else None,
            )
        )
    return cases


def check_agreement(structure: Structure, cases: Sequence[Case]) -> int:
    for case in cases:
        fast = govmodel.route(structure, case)
        slow = naive_route(structure, case)
        if fast != slow:
            raise AssertionError(
                f"naive and fast disagree on {case}:\n  fast:  {fast}\n  naive: {slow}"
            )
    return len(cases)


@dataclass(frozen=True)
class Check:
    """A case's state when ``escalate`` looks at it: at ``now``, with ``recent`` reports."""

    state: CaseState
    now: dt.datetime
    recent: tuple[Case, ...] = ()


def overdue(structure: Structure, cases: Sequence[Case]) -> list[Check]:
    """Each case routed, then checked a minute after its due time, as the simulator does."""
    checks: list[Check] = []
    for case in cases:
        first = govmodel.route(structure, case)
        t = case.reported_at
        state = replay([Reported(case=case, at=t), Routed(case_id=case.id, at=t, routing=first)])
        checks.append(Check(state, first.due + dt.timedelta(minutes=1)))
    return checks


def escalation_checks(structure: Structure, cases: Sequence[Case], *, seed: int) -> list[Check]:
    """Every trigger of ``escalate``: overdue, reopened (some after a visit found a new
    domain), recurring, not yet due; and a second escalation after the first."""
    rng = random.Random(seed)
    checks: list[Check] = []
    for case in cases:
        first = govmodel.route(structure, case)
        t = case.reported_at
        events: list[Any] = [
            Reported(case=case, at=t),
            Routed(case_id=case.id, at=t, routing=first),
        ]
        draw = rng.random()
        recent: tuple[Case, ...] = ()
        if draw < 0.4:
            now = first.due + dt.timedelta(minutes=rng.choice((1, 600, 6000)))
        elif draw < 0.7:
            actor = first.handler or first.owner or "nobody"
            found = (rng.choice(list(Domain)),) if rng.random() < 0.5 else ()
            now = t + dt.timedelta(days=2)
            events += [
                Accepted(case_id=case.id, at=t, actor=actor),
                Resolved(case_id=case.id, at=t + dt.timedelta(hours=5), actor=actor),
                Revisited(case_id=case.id, at=now, actor=actor, satisfied=False, found=found),
                Reopened(case_id=case.id, at=now, actor=actor, reason="not settled", domains=found),
            ]
        elif draw < 0.9:
            now = t + dt.timedelta(hours=1)
            recent = tuple(
                Case(
                    id=f"{case.id}:before-{days}",
                    category=case.category,
                    place=case.place,
                    reported_at=t - dt.timedelta(days=days),
                )
                for days in rng.sample((2, 5, 9, 20, 40), rng.randint(1, 3))
            )
        else:
            now = t + dt.timedelta(minutes=30)
        state = replay(events)
        checks.append(Check(state, now, recent))
        again = govmodel.escalate(structure, state, now=now, recent=recent)
        if again is not None:
            later = again.due + dt.timedelta(minutes=1)
            state = replay([*events, Routed(case_id=case.id, at=now, routing=again)])
            checks.append(Check(state, later))
    return checks


def check_escalations(structure: Structure, checks: Sequence[Check]) -> int:
    for check in checks:
        fast = govmodel.escalate(structure, check.state, now=check.now, recent=check.recent)
        slow = naive_escalate(structure, check.state, now=check.now, recent=check.recent)
        if fast != slow:
            raise AssertionError(
                f"naive and fast escalations disagree on {check}:\n  fast:  {fast}\n  naive: {slow}"
            )
    return len(checks)


# -- timing --------------------------------------------------------------------------------------


def timed(
    route: Callable[[Structure, Case], Routing], s: Structure, cases: Sequence[Case]
) -> float:
    """Routes per second over ``cases``, after a garbage collection."""
    gc.collect()
    start = time.perf_counter()
    for case in cases:
        route(s, case)
    elapsed = time.perf_counter() - start
    return len(cases) / elapsed


def timed_escalations(
    escalate: Callable[..., Routing | None], s: Structure, checks: Sequence[Check]
) -> float:
    """Escalation checks per second over ``checks``, after a garbage collection."""
    gc.collect()
    start = time.perf_counter()
    for check in checks:
        escalate(s, check.state, now=check.now)
    elapsed = time.perf_counter() - start
    return len(checks) / elapsed


def routing_tables(structure: Structure) -> dict[str, int] | None:
    """What ``route`` has cached on the structure (diagnostic only): place tables, shapes,
    plans, and the routings the places keep.

    This reads ``route``'s private cache, so it answers ``None`` if that cache changes
    shape.
    """
    cache: dict[int, Any] = structure.memo("routing", dict)
    entry = cache.get(id(DEFAULT_POLICY))
    index: Any = entry[1] if isinstance(entry, tuple) else None
    try:
        tables = {id(t): t for t in index.places.values()}.values()
        return {
            "tables": len(tables),
            "shapes": len(index.shapes),
            "plans": sum(len(shape.plans) for shape in index.shapes.values()),
            "routings": sum(len(t) + len(getattr(t, "others", ())) for t in tables),
        }
    except (AttributeError, TypeError):
        return None


@dataclass
class Round:
    """One round of timings: routes or escalations per second, and the tables made."""

    cold: float
    warm: float
    repeat: float
    naive: float
    escalate: float
    naive_escalate: float
    after_cold: dict[str, int] | None
    after_warm: dict[str, int] | None
    load: str


def one_round(
    s: Structure,
    cold_cases: Sequence[Case],
    warm_cases: Sequence[Case],
    naive_cases: Sequence[Case],
    escalation_cases: Sequence[Case],
    naive_escalations: int,
) -> Round:
    # Cold: a fresh structure object, so every routing table is built during the pass.
    fresh = Structure(name=s.name, name_zh=s.name_zh, **s.records())
    assert fresh == s
    cold = timed(govmodel.route, fresh, cold_cases)
    after_cold = routing_tables(fresh)
    # Warm: the same structure, its tables built by the cold pass, a fresh batch of cases.
    warm = timed(govmodel.route, fresh, warm_cases)
    after_warm = routing_tables(fresh)
    # Repeat: the warm batch again, every routing already kept (an upper bound, not a target).
    repeat = timed(govmodel.route, fresh, warm_cases)
    naive = timed(naive_route, s, naive_cases)
    # Escalate: a fresh batch routed on the warm structure, each checked a minute after its
    # due time, as the simulator checks overdue cases.
    checks = overdue(fresh, escalation_cases)
    escalate = timed_escalations(govmodel.escalate, fresh, checks)
    naive_escalate_rate = timed_escalations(naive_escalate, s, checks[:naive_escalations])
    return Round(
        cold,
        warm,
        repeat,
        naive,
        escalate,
        naive_escalate_rate,
        after_cold,
        after_warm,
        load_average(),
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--places-scale",
        type=float,
        default=1.0,
        help="scale of the generated street: 1.0 is 25 communities, about 105,000 places",
    )
    parser.add_argument("--cases", type=int, default=300_000, help="cases per fast batch")
    parser.add_argument("--naive-cases", type=int, default=20_000, help="cases for the naive")
    parser.add_argument(
        "--verify-cases", type=int, default=5_000, help="generated cases checked for agreement"
    )
    parser.add_argument(
        "--escalations", type=int, default=100_000, help="overdue cases for escalate"
    )
    parser.add_argument(
        "--naive-escalations", type=int, default=5_000, help="overdue cases for the naive"
    )
    parser.add_argument("--rounds", type=int, default=3, help="timed rounds; the best counts")
    parser.add_argument("--seed", type=int, default=20261122)
    parser.add_argument("--cpu", type=int, default=0, help="the core to pin the process to")
    args = parser.parse_args(argv)
    if args.verify_cases > args.naive_cases:
        parser.error("--verify-cases must not exceed --naive-cases")
    if args.naive_escalations > args.escalations:
        parser.error("--naive-escalations must not exceed --escalations")

    pinned = pin_to_one_core(args.cpu)
    print(
        f"python {platform.python_version()} on {platform.system()} {platform.machine()}, "
        f"{cpu_model()}, {os.cpu_count()} cpus, {pinned}"
    )
    print(f"load average at start: {load_average()}")

    start = time.perf_counter()
    town: Town = build_town(args.places_scale, args.seed)
    s = town.structure
    built = time.perf_counter() - start
    print(f"structure: {s!r} ({built:.1f} s to build)")
    print(
        f"graph: {s.graph.number_of_nodes():,} nodes, {s.graph.number_of_edges():,} edges; "
        f"{town.place_count:,} places"
    )
    problems = govmodel.validate(s)
    assert problems == (), problems[:5]
    print("validate: no problems")

    cold_cases = generate_cases(town, args.cases, seed=args.seed + 1, prefix="cold")
    warm_cases = generate_cases(town, args.cases, seed=args.seed + 2, prefix="warm")
    naive_cases = generate_cases(town, args.naive_cases, seed=args.seed + 3, prefix="naive")
    escalation_cases = generate_cases(town, args.escalations, seed=args.seed + 4, prefix="overdue")

    checked = escalations = 0
    for name in govmodel.examples.names():
        example = govmodel.examples.load(name)
        cases = example_cases(example, 1_000, seed=args.seed)
        checked += check_agreement(example, cases)
        escalations += check_escalations(example, escalation_checks(example, cases, seed=args.seed))
    print(f"naive and fast agree on {checked:,} cases over the five bundled examples")
    print(f"naive and fast agree on {escalations:,} escalation checks over the examples")
    agreed = check_agreement(s, naive_cases[: args.verify_cases])
    print(f"naive and fast agree on {agreed:,} cases")
    sample = naive_cases[: args.verify_cases // 5]
    agreed = check_escalations(s, escalation_checks(s, sample, seed=args.seed))
    print(f"naive and fast agree on {agreed:,} escalation checks")

    rounds: list[Round] = []
    print()
    print(
        f"{'round':<7}{'cold':>10}{'warm':>10}{'repeat':>10}{'naive':>8}"
        f"{'escalate':>10}{'naive':>8}   load average after"
    )
    for number in range(1, args.rounds + 1):
        r = one_round(
            s, cold_cases, warm_cases, naive_cases, escalation_cases, args.naive_escalations
        )
        rounds.append(r)
        print(
            f"{number:<7}{r.cold:>10,.0f}{r.warm:>10,.0f}{r.repeat:>10,.0f}{r.naive:>8,.0f}"
            f"{r.escalate:>10,.0f}{r.naive_escalate:>8,.0f}   {r.load}"
        )
    best = Round(
        max(r.cold for r in rounds),
        max(r.warm for r in rounds),
        max(r.repeat for r in rounds),
        max(r.naive for r in rounds),
        max(r.escalate for r in rounds),
        max(r.naive_escalate for r in rounds),
        rounds[0].after_cold,
        rounds[0].after_warm,
        load_average(),
    )

    print()
    print(f"best of {len(rounds)} (each against the best naive rate):")
    print(f"{'pass':<10}{'checks':>10}{'per second':>14}{'x naive':>10}")
    for label, n, rate, naive in (
        ("cold", args.cases, best.cold, best.naive),
        ("warm", args.cases, best.warm, best.naive),
        ("repeat", args.cases, best.repeat, best.naive),
        ("naive", args.naive_cases, best.naive, best.naive),
        ("escalate", args.escalations, best.escalate, best.naive_escalate),
        ("naive", args.naive_escalations, best.naive_escalate, best.naive_escalate),
    ):
        print(f"{label:<10}{n:>10,}{rate:>14,.0f}{rate / naive:>10.1f}")
    print("(routes per second, then escalations of overdue cases per second;")
    print(" repeat: the warm batch again, every routing kept by its place; not a target)")
    for label, tables in (("cold", best.after_cold), ("warm", best.after_warm)):
        if tables is not None:
            print(
                f"after the {label} pass: {tables['tables']:,} place tables, "
                f"{tables['shapes']:,} shapes, {tables['plans']:,} plans, "
                f"{tables['routings']:,} routings kept by places"
            )
    print()
    ok = True
    for label, rate in (("warm", best.warm), ("cold", best.cold)):
        met = rate >= TARGET_ROUTES_PER_SECOND
        ratio_met = rate / best.naive >= TARGET_RATIO
        ok = ok and met and ratio_met
        print(
            f"target {TARGET_ROUTES_PER_SECOND:,} routes/s, {label}: "
            f"{'MET' if met else 'NOT MET'} ({rate:,.0f})"
        )
        print(
            f"target {TARGET_RATIO:.0f}x naive, {label}: "
            f"{'MET' if ratio_met else 'NOT MET'} ({rate / best.naive:.1f}x)"
        )
    print("all targets met" if ok else "some targets NOT met")
    print(f"load average at end: {load_average()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

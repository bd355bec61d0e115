"""Appending a simulated year to a case store, and querying it, on SQLite and PostgreSQL.

Run from the project root::

    .venv/bin/python benchmarks/bench_store.py                       # 1 million cases
    .venv/bin/python benchmarks/bench_store.py --cases 100000        # a quicker look
    GOVMODEL_POSTGRES_DSN=postgresql://... .venv/bin/python benchmarks/bench_store.py

The events are a year of the ``district`` preset of ``govmodel.synth`` simulated under the
default scenario, copied under new case ids until there are ``--cases`` cases (the copies
keep the times, places and routings of the originals). They are appended in time order in
batches of about ``--batch`` events (``append_many``: one transaction a batch, each case of
the batch at the version the loader knows). Then, on the full store:

* the overdue query: the first page (100 cases) of ``cases(overdue_at=...)`` at the end of
  the year, and the same query with ``status`` and ``place`` filters;
* reading a case's state (``state``, through the access rules) for random cases.

Targets (issue 15): 20,000 events/s appended on one core, an overdue page in under 50 ms, a
state in under 1 ms. The baseline measured in the same run is appending the same events one
case per transaction (``append``) for the first batch's cases: the ratio shows what batching
buys. PostgreSQL runs when ``GOVMODEL_POSTGRES_DSN`` is set (``.ci/postgres`` prints one); its
server's time is not on the pinned core, so its events/s counts the client's core only.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator, Sequence
from pathlib import Path

import attrs
from _machine import cpu_model, load_average, pin_to_one_core

from govmodel import CaseEvent, Reported, Routed, Structure, synth
from govmodel.simulation import Scenario, simulate
from govmodel.store import Append, PostgresStore, SQLiteStore, Store


def year(seed: int) -> tuple[Structure, list[CaseEvent]]:
    city = synth.preset("district", seed=seed)
    result = simulate(city, Scenario(), seed=seed)
    return city, list(result.events)


def copies(events: list[CaseEvent], cases: int) -> list[CaseEvent]:
    """The year's events, copied under new case ids until there are ``cases`` cases."""
    per_copy = len({e.case_id for e in events})
    rounds = -(-cases // per_copy)
    out: list[tuple[dt.datetime, int, CaseEvent]] = []
    kept: set[str] = set()
    for k in range(rounds):
        for event in events:
            new_id = f"{event.case_id}#{k}"
            if new_id not in kept:
                if len(kept) >= cases:
                    continue
                kept.add(new_id)
            if isinstance(event, Reported):
                copy: CaseEvent = attrs.evolve(event, case=attrs.evolve(event.case, id=new_id))
            else:
                copy = attrs.evolve(event, case_id=new_id)
            out.append((event.at, k, copy))
    out.sort(key=lambda item: (item[0], item[1]))
    return [event for _, _, event in out]


def batches(events: list[CaseEvent], size: int) -> Iterator[list[Append]]:
    versions: dict[str, int] = {}
    for start in range(0, len(events), size):
        groups: dict[str, list[CaseEvent]] = {}
        for event in events[start : start + size]:
            groups.setdefault(event.case_id, []).append(event)
        appends = []
        for case_id, group in groups.items():
            before = versions.get(case_id, 0)
            appends.append(Append(case_id=case_id, events=group, expected_version=before))
            versions[case_id] = before + len(group)
        yield appends


def median_ms(times: list[float]) -> str:
    p90 = sorted(times)[int(len(times) * 0.9)]
    return f"{statistics.median(times) * 1000:.3f} ms (p90 {p90 * 1000:.3f})"


def measure(name: str, store: Store, city: Structure, events: list[CaseEvent], batch: int,
            seed: int) -> None:
    print(f"\n== {name}")
    # The baseline: the first batch's cases, one append (one transaction) per case.
    first = next(batches(events, batch))
    start = time.perf_counter()
    for item in first:
        store.append(item.case_id, item.events, expected_version=0, structure=city)
    single = sum(len(a.events) for a in first) / (time.perf_counter() - start)
    print(f"baseline, one case per append: {single:,.0f} events/s ({len(first)} cases)")
    # The batched load of everything, those cases renamed out of the way.
    rest = [e for e in events if e.case_id not in {a.case_id for a in first}]
    start = time.perf_counter()
    count = 0
    for appends in batches(rest, batch):
        store.append_many(appends, structure=city)
        count += sum(len(a.events) for a in appends)
    took = time.perf_counter() - start
    rate = count / took
    print(f"appended {count:,} events in batches of ~{batch:,} in {took:.1f} s: "
          f"{rate:,.0f} events/s (target 20,000; {rate / single:.1f}x the baseline)")
    end = max(e.at for e in events)
    # Overdue: the first page at the end of the year, and filtered.
    for label, filters in (
        ("overdue_at", {}),
        ("overdue_at + status", {"status": ["reported", "accepted", "in_progress"]}),
    ):
        times = []
        for _ in range(20):
            start = time.perf_counter()
            page = store.cases(reader=_any_reader(city), structure=city, at=end,
                               overdue_at=end, limit=100, **filters)  # type: ignore[arg-type]
            times.append(time.perf_counter() - start)
        print(f"{label}: first page of 100 in {median_ms(times)}, "
              f"{len(page.items)} visible (target < 50 ms)")
    # Reading one case's state, by its handler.
    rng = random.Random(seed)
    handlers = {e.case_id: e.routing.handler for e in events if isinstance(e, Routed)}
    sample = rng.sample(sorted(handlers), 1000)
    times = []
    for case_id in sample:
        handler = handlers[case_id]
        if handler is None:
            continue
        start = time.perf_counter()
        store.state(case_id, reader=handler, structure=city, at=end)
        times.append(time.perf_counter() - start)
    print(f"state of one case: {median_ms(times)} (target < 1 ms), {len(times)} cases")


def _any_reader(city: Structure) -> str:
    """A reader who sees many cases: the first street office."""
    return next(b.id for b in city.bodies(kind="street_office"))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--batch", type=int, default=10_000, help="events per transaction")
    parser.add_argument("--seed", type=int, default=20261207)
    parser.add_argument("--cpu", type=int, default=0, help="the core to pin the process to")
    parser.add_argument("--only", choices=["sqlite", "postgres"], default=None)
    args = parser.parse_args(argv)
    pinned = pin_to_one_core(args.cpu)
    print(f"python {platform.python_version()} on {platform.machine()} ({cpu_model()}), {pinned}")
    print(f"load average at start: {load_average()}")
    start = time.perf_counter()
    city, events = year(args.seed)
    print(f"simulated a year of the district preset: {len(events):,} events of "
          f"{len({e.case_id for e in events}):,} cases in {time.perf_counter() - start:.1f} s")
    events = copies(events, args.cases)
    print(f"copied to {len({e.case_id for e in events}):,} cases, {len(events):,} events")
    if args.only in (None, "sqlite"):
        with tempfile.TemporaryDirectory() as folder, SQLiteStore(Path(folder) / "b.db") as s:
            measure("SQLite (a file, WAL, synchronous=FULL)", s, city, events, args.batch,
                    args.seed)
    dsn = os.environ.get("GOVMODEL_POSTGRES_DSN")
    if args.only in (None, "postgres"):
        if not dsn:
            print("\n== PostgreSQL: skipped, GOVMODEL_POSTGRES_DSN is not set")
        else:
            schema = f"bench_{uuid.uuid4().hex[:12]}"
            with PostgresStore(dsn, schema=schema) as p:
                try:
                    measure("PostgreSQL (local server)", p, city, events, args.batch, args.seed)
                finally:
                    import psycopg

                    with psycopg.connect(dsn, autocommit=True) as conn:
                        conn.execute(f'DROP SCHEMA "{schema}" CASCADE')
    return 0


if __name__ == "__main__":
    sys.exit(main())

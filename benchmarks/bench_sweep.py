"""Sweep scaling: the same sweep on 1 and 2 workers, on a ProcessPoolExecutor and on Dask.

Run from the project root (Dask is the ``dask`` extra; ``pip install -e '.[bench,dask]'``)::

    .venv/bin/python benchmarks/bench_sweep.py          # about a minute and a half

Sizes: ``--runs`` (runs in the sweep), ``--days`` (of each run), ``--scale`` (of the generated
street each run simulates), ``--repeat`` (timed sweeps of each configuration).

Each configuration runs ``govmodel.simulation.sweep`` over the same runs (one generated street,
``--runs`` seeds spawned from one root) and must give the very same rows as the serial sweep
in this process, which the benchmark checks before it reports any time. The executors are
started, and every worker has imported govmodel and run one small simulation, before the
clock starts: what is timed is the sweep, not the start of a cluster. It prints the runs per
second of each configuration, best of ``--repeat``, and the speed-up of 2 workers over 1 for
each executor against ``TARGET_SPEEDUP``.
"""

from __future__ import annotations

import argparse
import importlib
import os
import platform
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor
from contextlib import contextmanager
from typing import Any

from _machine import load_average
from _structures import build_town

from govmodel.simulation import Run, Scenario, simulate, sweep

TARGET_SPEEDUP = 1.7

Row = dict[str, Any]


def _warm(_: int) -> int:
    """Import govmodel and run one small simulation in a worker."""
    from govmodel import examples

    return len(simulate(examples.load("xinhe"), Scenario(days=5), seed=0).outcomes)


@contextmanager
def process_pool(workers: int) -> Iterator[Executor]:
    with ProcessPoolExecutor(workers) as pool:
        list(pool.map(_warm, range(4 * workers)))
        yield pool


@contextmanager
def dask_cluster(workers: int) -> Iterator[Executor]:
    distributed: Any = importlib.import_module("distributed")
    with (
        distributed.LocalCluster(
            n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        client.wait_for_workers(workers)
        client.run(_warm, 0)
        yield client.get_executor()


def timed_sweep(
    runs: Sequence[Run], executor: Executor | None, seed: int
) -> tuple[float, list[Row]]:
    start = time.perf_counter()
    rows = list(sweep(runs, executor=executor, seed=seed))
    return time.perf_counter() - start, rows


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=12, help="runs in the sweep")
    parser.add_argument("--days", type=int, default=365, help="days of each run")
    parser.add_argument("--scale", type=float, default=0.05, help="scale of the generated street")
    parser.add_argument("--repeat", type=int, default=2, help="timed sweeps of each configuration")
    parser.add_argument("--seed", type=int, default=20261122)
    parser.add_argument("--no-dask", action="store_true", help="skip the Dask LocalCluster")
    args = parser.parse_args(argv)
    if min(args.runs, args.days, args.repeat) < 1:
        parser.error("--runs, --days and --repeat must be at least 1")

    print(f"python {platform.python_version()} on {platform.machine()}, {os.cpu_count()} cpus")
    print(f"load average at start: {load_average()}")
    town = build_town(args.scale, args.seed)
    scenario = Scenario(days=args.days)
    runs = [Run(structure=town.structure, scenario=scenario, label="street")] * args.runs
    _, serial = timed_sweep(runs, None, args.seed)
    cases = sum(int(row["cases"]) for row in serial)
    print(
        f"sweep: {args.runs} runs of {args.days} days over {town.structure!r}; "
        f"{cases:,} cases in all"
    )

    configurations: list[tuple[str, Callable[[int], Any]]] = [("process pool", process_pool)]
    if not args.no_dask:
        try:
            import distributed  # noqa: F401
        except ImportError:
            print("Dask is not installed (the dask extra): its rows are skipped")
        else:
            configurations.append(("dask LocalCluster", dask_cluster))

    results: dict[tuple[str, int], float] = {}
    for name, make in configurations:
        for workers in (1, 2):
            with make(workers) as executor:
                best = float("inf")
                for _ in range(args.repeat):
                    seconds, rows = timed_sweep(runs, executor, args.seed)
                    if rows != serial:
                        raise AssertionError(f"{name} with {workers} workers gave other rows")
                    best = min(best, seconds)
            results[name, workers] = best
            print(
                f"  {name:<18} {workers} worker{'s' if workers > 1 else ' '} "
                f"{best:7.2f} s {args.runs / best:7.2f} runs/s {cases / best:>10,.0f} cases/s"
            )

    print()
    met = True
    for name, _ in configurations:
        speedup = results[name, 1] / results[name, 2]
        ok = speedup >= TARGET_SPEEDUP
        met = met and ok
        print(
            f"{name}: 2 workers {speedup:.2f}x as fast as 1 "
            f"(target {TARGET_SPEEDUP}x: {'MET' if ok else 'NOT MET'}); rows identical to serial"
        )
    print("all targets met" if met else "some targets NOT met")
    print(f"load average at end: {load_average()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

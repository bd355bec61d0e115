"""One big run split by street: a ``city`` year on 1 and on 2 worker processes.

Run from the project root::

    .venv/bin/python benchmarks/bench_split.py                 # a city year: about 20 minutes
    .venv/bin/python benchmarks/bench_split.py --days 30       # a city month: a few minutes

Sizes: ``--preset`` (a ``govmodel.synth`` preset), ``--days`` (of the run), ``--repeat`` (timed
runs of each configuration).

It times ``simulate_parts`` — one task per independent street, merged into one result — on a
``ProcessPoolExecutor`` of 1 worker and of 2 workers, and checks that both give the result of
the 1-worker run (equal events, outcomes and metrics) before it reports any time. The pools are
started, and every worker has imported govmodel and run a small simulation, before the clock
starts. It prints the seconds of each, best of ``--repeat``, and the speed-up of 2 workers over
1 against ``TARGET_SPEEDUP``.
"""

from __future__ import annotations

import argparse
import platform
import sys
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor
from contextlib import contextmanager

from _machine import cpu_model, load_average

from govmodel import examples, synth
from govmodel.simulation import (
    Scenario,
    SimulationResult,
    independent_parts,
    simulate,
    simulate_parts,
)

TARGET_SPEEDUP = 1.7


def _warm(_: int) -> int:
    """Import govmodel and run one small simulation in a worker."""
    return len(simulate(examples.load("xinhe"), Scenario(days=5), seed=0).outcomes)


@contextmanager
def process_pool(workers: int) -> Iterator[Executor]:
    with ProcessPoolExecutor(workers) as pool:
        list(pool.map(_warm, range(2 * workers)))
        yield pool


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--preset", default="city", choices=sorted(synth.PRESETS))
    parser.add_argument("--days", type=int, default=365, help="length of the simulated period")
    parser.add_argument("--repeat", type=int, default=1, help="timed runs of each configuration")
    parser.add_argument("--seed", type=int, default=20261207)
    args = parser.parse_args(argv)

    print(f"python {platform.python_version()} on {cpu_model()}")
    print(f"load average at start: {load_average()}")
    start = time.perf_counter()
    structure = synth.preset(args.preset, seed=0)
    parts = independent_parts(structure)
    print(
        f"structure: {args.preset} preset, {len(parts)} independent parts "
        f"({time.perf_counter() - start:.1f} s to build)"
    )
    scenario = Scenario(days=args.days)

    best: dict[int, float] = {}
    reference: SimulationResult | None = None
    for workers in (1, 2):
        with process_pool(workers) as pool:
            for k in range(args.repeat):
                start = time.perf_counter()
                result = simulate_parts(structure, scenario, seed=args.seed, executor=pool)
                seconds = time.perf_counter() - start
                best[workers] = min(best.get(workers, seconds), seconds)
                cases = len(result.outcomes)
                print(
                    f"  {workers} worker{'s' if workers > 1 else ' '} run {k + 1}: "
                    f"{seconds:8.1f} s  {cases:>11,} cases  {cases / seconds:>9,.0f} cases/s"
                )
                if reference is None:
                    reference = result
                elif result != reference:
                    raise AssertionError(f"{workers} workers gave another result than 1 worker")
                del result
    speedup = best[1] / best[2]
    print()
    print(f"{'workers':<9}{'best s':>9}{'speed-up':>10}")
    print(f"{1:<9}{best[1]:>9.1f}{1.0:>10.2f}")
    print(f"{2:<9}{best[2]:>9.1f}{speedup:>10.2f}")
    print()
    print(
        f"target {TARGET_SPEEDUP}x on 2 workers: "
        f"{'MET' if speedup >= TARGET_SPEEDUP else 'NOT MET'} ({speedup:.2f}x)"
    )
    print(f"load average at end: {load_average()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Experiment runner overhead: run_experiment against a bare simulate loop over the same runs.

Run from the project root::

    .venv/bin/python benchmarks/bench_experiment.py      # about a minute

Sizes: ``--seeds`` (per ablation set), ``--days`` (of each run), ``--repeat`` (timed rounds).

The experiment is Xinhe, the baseline and two ablation sets, a grid of two street handling
times, ``--seeds`` seeds, a year each, written to CSV. Three loops over the very same runs
(``Experiment.runs()``, listed before the clock starts) are timed in turn, serially in this
process pinned to one core, best of ``--repeat`` rounds each:

- *bare*: ``simulate`` of each run and nothing else;
- *rows*: ``simulate`` and ``run_row`` of each run, what ``sweep`` does;
- *experiment*: ``run_experiment`` into a fresh directory: the runs made lazily, their hashes
  and ``run_key``, the rows with their provenance, each written and flushed to ``rows.csv``.

It checks that the experiment's rows hold the measures of the bare loop, then prints the time
per run of each, and the experiment's overhead against the bare loop (the figure
docs/performance.md records, against ``TARGET_OVERHEAD``) and against the rows loop.
"""

from __future__ import annotations

import argparse
import os
import platform
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from _machine import cpu_model, load_average, pin_to_one_core

from govmodel.simulation import (
    ExperimentRun,
    load_experiment,
    read_rows,
    run_experiment,
    run_row,
    simulate,
)

TARGET_OVERHEAD = 0.10


def bare(runs: Sequence[ExperimentRun]) -> list[int]:
    """Simulate each run; nothing else."""
    return [
        simulate(
            run.structure,
            run.scenario,
            seed=np.random.SeedSequence(run.seed_entropy, spawn_key=run.spawn_key),
            policy=run.policy,
        ).metrics.reported
        for run in runs
    ]


def rows(runs: Sequence[ExperimentRun]) -> int:
    """Simulate each run and make its sweep row, as ``sweep`` does."""
    for run in runs:
        result = simulate(
            run.structure,
            run.scenario,
            seed=np.random.SeedSequence(run.seed_entropy, spawn_key=run.spawn_key),
            policy=run.policy,
        )
        run_row(result, days=run.scenario.days)
    return len(runs)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--seeds", type=int, default=6, help="seeds per ablation set")
    parser.add_argument("--days", type=int, default=365, help="days of each run")
    parser.add_argument("--repeat", type=int, default=3, help="timed rounds of each loop")
    args = parser.parse_args(argv)
    if min(args.seeds, args.days, args.repeat) < 1:
        parser.error("--seeds, --days and --repeat must be at least 1")

    print(f"python {platform.python_version()} on {platform.machine()}, {cpu_model()}")
    print(f"{os.cpu_count()} cpus, {pin_to_one_core(0)}; load average: {load_average()}")
    experiment = load_experiment(
        {
            "structures": ["xinhe"],
            "ablations": ["baseline", "no_mediation_room", "grid_levels_merged"],
            "seeds": args.seeds,
            "scenario": {"days": args.days},
            "grid": {"scenario": {"handling_hours": {"street": [24, 60]}}},
        }
    )
    runs = list(experiment.runs())
    reported = bare(runs[:2])  # warm: imports, routing tables
    print(f"experiment: {len(runs)} runs of {args.days} days over Xinhe")

    timings: dict[str, float] = {
        "bare": float("inf"),
        "rows": float("inf"),
        "experiment": float("inf"),
    }
    with tempfile.TemporaryDirectory() as directory:
        for round_ in range(args.repeat):
            start = time.perf_counter()
            reported = bare(runs)
            timings["bare"] = min(timings["bare"], time.perf_counter() - start)

            start = time.perf_counter()
            rows(runs)
            timings["rows"] = min(timings["rows"], time.perf_counter() - start)

            out = Path(directory) / f"round-{round_}"
            start = time.perf_counter()
            run_experiment(experiment, out)
            timings["experiment"] = min(timings["experiment"], time.perf_counter() - start)
            written = read_rows(out)
            if [int(row["cases"]) for row in written] != reported:
                raise AssertionError("the experiment's rows differ from the bare loop's runs")

    for name, seconds in timings.items():
        print(f"{name:<11} {1000 * seconds / len(runs):8.2f} ms per run  ({seconds:.2f} s)")
    overhead = timings["experiment"] / timings["bare"] - 1
    own = timings["experiment"] / timings["rows"] - 1
    verdict = "meets" if overhead <= TARGET_OVERHEAD else "misses"
    print(
        f"experiment / bare: {1 + overhead:.3f} ({100 * overhead:+.1f} % overhead; "
        f"{verdict} the target of {100 * TARGET_OVERHEAD:.0f} %)"
    )
    print(f"experiment / rows: {1 + own:.3f} ({100 * own:+.1f} %: provenance, hashes, writing)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

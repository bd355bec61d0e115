"""A year of 12345-scale volume over a synthetic city, extrapolated from a measured slice.

Run from the project root::

    .venv/bin/python benchmarks/bench_volume.py          # a few minutes on an idle core

Beijing's 12345 hotline took about 11 million requests in 2020. This benchmark asks how long
govmodel takes to simulate a year of ``--requests`` (10 million by default) over the ``city``
preset of ``govmodel.synth``. A whole year at that volume in one run would keep ten million
cases' logs in memory (some kilobytes each: more than this machine's 24 GiB), so it simulates a
slice of ``--days`` at the yearly rate and extrapolates from the measured cases per second; a
researcher would split such a year into months, each its own run of a sweep.

The scenario is the default one (calibrated to Xinhe) with every category's rate multiplied
by ``k`` so that the city's households make ``--requests`` a year, and every handler's
capacity multiplied by the same ``k`` (rounded), so that handlers are as busy as in the
calibrated default rather than buried. Both choices are printed. The baseline measured in the
same run is a whole year of the same city at the calibrated volume (``k = 1``): the ratio shows
how the rate holds up under load. A first day at the high volume (another seed) is run and timed
first, so the measured slice runs with the routing tables built, as most of a year would. The
slice's cases are also routed again with ``govmodel.route`` alone (warm tables);
``bench_routing.py`` has routing's naive baseline.
"""

from __future__ import annotations

import argparse
import gc
import platform
import resource
import sys
import time
from collections.abc import Sequence

import attrs
from _machine import load_average, pin_to_one_core

from govmodel import Reported, route, synth, validate
from govmodel.simulation import Scenario, simulate

# Beijing 12345, 2020: about 11 million requests; the default rounds it down.
DEFAULT_REQUESTS = 10_000_000


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--preset", default="city", help="the govmodel.synth preset")
    parser.add_argument("--requests", type=int, default=DEFAULT_REQUESTS, help="a year's volume")
    parser.add_argument("--days", type=int, default=3, help="days of the measured slice")
    parser.add_argument("--seed", type=int, default=20261122)
    parser.add_argument("--cpu", type=int, default=0, help="the core to pin the process to")
    args = parser.parse_args(argv)
    if args.requests < 1 or args.days < 1:
        parser.error("--requests and --days must be at least 1")

    pinned = pin_to_one_core(args.cpu)
    print(f"python {platform.python_version()} on {platform.machine()}, {pinned}")
    print(f"load average at start: {load_average()}")
    start = time.perf_counter()
    city = synth.preset(args.preset, seed=args.seed)
    built = time.perf_counter() - start
    errors = [v for v in validate(city) if v.severity == "error"]
    assert not errors, errors[:5]
    default = Scenario()
    compounds = synth.residential_compounds(city)
    households = sum(c.households or default.households_if_unknown for c in compounds)
    k = args.requests / (default.requests_per_household * households)
    print(
        f"{args.preset}: {city!r} ({built:.1f} s to build); {len(compounds):,} residential "
        f"compounds, {households:,} households"
    )
    print(
        f"scenario: default rates x {k:.1f} (a year would bring {args.requests:,} requests), "
        f"handler capacity {default.capacity} x {k:.1f} = {max(1, round(default.capacity * k))}"
    )

    loud = Scenario(
        days=args.days,
        rates={c: rate * k for c, rate in default.rates.items()},
        capacity=max(1, round(default.capacity * k)),
    )
    # A first day (another seed) builds the routing tables a year of this volume would build in
    # its first days; the measured slice then runs as the rest of the year would.
    gc.collect()
    t0 = time.perf_counter()
    first = simulate(city, attrs.evolve(loud, days=1), seed=args.seed + 1)
    first_s = time.perf_counter() - t0
    print(
        f"first day (tables built on the way): {first.metrics.reported:,} cases in "
        f"{first_s:.1f} s = {first.metrics.reported / first_s:,.0f} cases/s"
    )
    del first
    gc.collect()
    t0 = time.perf_counter()
    result = simulate(city, loud, seed=args.seed)
    seconds = time.perf_counter() - t0
    cases = result.metrics.reported
    rate = cases / seconds
    m = result.metrics
    print(
        f"slice: {args.days} days, {cases:,} cases in {seconds:.1f} s = {rate:,.0f} cases/s; "
        f"{result.escalations:,} escalations, {result.outcome_counts['resolved']:,} resolved, "
        f"response rate {m.response_rate:.3f}"
    )

    # The baseline: the same city at its calibrated volume, for a whole year.
    gc.collect()
    t0 = time.perf_counter()
    base_result = simulate(city, default, seed=args.seed)
    base_s = time.perf_counter() - t0
    base_cases = base_result.metrics.reported
    del base_result
    print(
        f"baseline (calibrated volume, a year): {base_cases:,} cases in {base_s:.1f} s = "
        f"{base_cases / base_s:,.0f} cases/s; at 12345 volume: {rate / (base_cases / base_s):.2f}x"
    )
    cases_list = [e.case for e in result.events if isinstance(e, Reported)]
    del result
    gc.collect()
    t0 = time.perf_counter()
    for case in cases_list:
        route(city, case)
    routed = time.perf_counter() - t0
    year = args.requests / rate
    print(f"route alone over the slice's cases (warm): {len(cases_list) / routed:,.0f} routes/s")
    print(
        f"a year of {args.requests:,} requests, extrapolated: {year:,.0f} s "
        f"({year / 3600:.1f} h) on one core"
    )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory of this process: {peak:,.0f} MiB")
    print(f"load average at end: {load_average()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Cost of building, validating and round-tripping synthetic structures of every size.

Run from the project root::

    .venv/bin/python benchmarks/bench_build.py

For each preset of ``govmodel.synth`` (district, city, megacity: about 10^4, 10^5 and 10^6
graph nodes) it starts a fresh Python process pinned to one core, so each peak of memory is
that preset's alone, and measures there:

- generate: ``synth.preset(name, seed=...)``, drawing the records and building the
  ``Structure`` (what a study does first);
- build: ``Structure(**records)`` again from the same records (building alone);
- validate: ``govmodel.validate`` on it (asserting no error);
- peak memory: the process's peak resident set (``ru_maxrss``) after generate and validate,
  less the peak after the imports, per graph node;
- the baseline: the bare networkx ``MultiDiGraph`` with the same nodes and edges (and their
  attribute dictionaries), built with ``add_nodes_from`` and ``add_edges_from`` and frozen,
  as networkx's own bulk calls make it;
- for district and city, the spec round trip through JSON text, ``dumps`` then ``loads``
  (which validates), against the previous code path for writing
  (``json.dumps(to_dict(s), ensure_ascii=False, indent=2)``) and plain ``json.loads`` for
  reading.

Each preset runs ``--repeat`` times (each in its own process); times are the best of the
runs, memory the highest. It prints every figure with its ratio to the baseline of the same
run, the cost per node of each preset (linear growth keeps it flat), and whether the
megacity meets its targets: generate and validate in at most 60 s, at most 3 GiB at peak.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import resource
import subprocess
import sys
import time
from collections.abc import Sequence
from typing import Any

import networkx as nx
from _machine import cpu_model, load_average, pin_to_one_core

import govmodel
from govmodel import Severity, Structure, synth

TARGET_SECONDS = 60.0
TARGET_PEAK_MIB = 3 * 1024
ROUND_TRIP_PRESETS = ("district", "city")


def peak_mib() -> float:
    # Linux reports ru_maxrss in KiB.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


CPU_SECONDS: dict[str, float] = {}


def timed(action: Any, *args: Any, label: str = "", **kwargs: Any) -> tuple[float, Any]:
    """Wall-clock seconds of ``action``; its CPU seconds go to ``CPU_SECONDS[label]``.

    CPU time is what this process alone spent: on a machine others share, it shows how much
    of the wall-clock time was waiting for the core.
    """
    start, cpu = time.perf_counter(), time.process_time()
    result = action(*args, **kwargs)
    if label:
        CPU_SECONDS[label] = time.process_time() - cpu
    return time.perf_counter() - start, result


def measure(name: str, seed: int) -> dict[str, Any]:
    """Every figure of one preset, in this (fresh) process."""
    at_start = peak_mib()
    generate, s = timed(synth.preset, name, seed=seed, label="generate")
    # One full collection over the new objects: the collector's own cost, which would
    # otherwise land in whatever runs next (here, validate).
    collect, _ = timed(gc.collect, label="collect")
    validating, violations = timed(govmodel.validate, s, label="validate")
    peak = peak_mib()
    errors = [v for v in violations if v.severity is Severity.ERROR]
    assert not errors, errors[:5]
    figures: dict[str, Any] = {
        "preset": name,
        "nodes": s.graph.number_of_nodes(),
        "edges": s.graph.number_of_edges(),
        "records": sum(len(r) for r in s.records().values()),
        "warnings": len(violations),
        "generate_s": generate,
        "collect_s": collect,
        "validate_s": validating,
        "peak_mib": peak,
        "imports_mib": at_start,
    }
    records = s.records()
    structure_name = s.name
    nodes = list(s.graph.nodes(data=True))
    edges = list(s.graph.edges(keys=True, data=True))
    del s
    gc.collect()
    figures["build_s"], rebuilt = timed(Structure, name=structure_name, label="build", **records)
    figures["networkx_s"], graph = timed(bare_graph, nodes, edges, label="networkx")
    assert graph.number_of_edges() == rebuilt.graph.number_of_edges()
    del graph
    gc.collect()
    gc.disable()
    figures["networkx_nogc_s"], graph = timed(bare_graph, nodes, edges, label="networkx_nogc")
    gc.enable()
    del graph, nodes, edges
    gc.collect()
    if name in ROUND_TRIP_PRESETS:
        text = govmodel.dumps(rebuilt, format="json")
        assert previous_dumps(rebuilt) == text
        assert govmodel.loads(text, format="json") == rebuilt
        figures["spec_mb"] = len(text.encode()) / 1e6
        gc.collect()
        # Each the better of two, after the untimed round above made cattrs' converters.
        for key, action, args, kwargs in (
            ("dumps", govmodel.dumps, (rebuilt,), {"format": "json"}),
            ("json_dumps", previous_dumps, (rebuilt,), {}),
            ("loads", govmodel.loads, (text,), {"format": "json"}),
            ("json_loads", json.loads, (text,), {}),
        ):
            walls, cpus = [], []
            for _ in range(2):
                wall, result = timed(action, *args, label=key, **kwargs)
                del result
                gc.collect()
                walls.append(wall)
                cpus.append(CPU_SECONDS[key])
            figures[f"{key}_s"] = min(walls)
            CPU_SECONDS[key] = min(cpus)
    figures.update({f"{label}_cpu": seconds for label, seconds in CPU_SECONDS.items()})
    return figures


def previous_dumps(structure: Structure) -> str:
    """How dumps(format="json") wrote the same text before: the standard library, indented."""
    return json.dumps(govmodel.to_dict(structure), ensure_ascii=False, indent=2) + "\n"


def bare_graph(nodes: list[Any], edges: list[Any]) -> nx.MultiDiGraph[str]:
    """The graph alone, as networkx's bulk calls build it from the same nodes and edges."""
    graph: nx.MultiDiGraph[str] = nx.MultiDiGraph()
    graph.add_nodes_from(nodes)
    graph.add_edges_from(edges)
    return nx.freeze(graph)


def run_child(name: str, seed: int, cpu: int) -> dict[str, Any]:
    command = [sys.executable, __file__, "--child", name, "--seed", str(seed), "--cpu", str(cpu)]
    done = subprocess.run(command, check=True, capture_output=True, text=True)
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def best(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """Times: the best run's; memory: the highest; counts: the same in every run."""
    out = dict(runs[0])
    for key in out:
        if key.endswith(("_s", "_cpu")):
            out[key] = min(r[key] for r in runs)
        elif key.endswith("_mib"):
            out[key] = max(r[key] for r in runs)
    return out


def report(results: list[dict[str, Any]]) -> bool:
    print()
    print(
        f"{'preset':<10}{'nodes':>11}{'edges':>11}{'generate s':>12}{'build s':>9}"
        f"{'validate s':>12}{'gc s':>7}{'peak MiB':>10}{'B/node':>8}"
    )
    for r in results:
        net = (r["peak_mib"] - r["imports_mib"]) * 1024 * 1024 / r["nodes"]
        r["bytes_per_node"] = net
        print(
            f"{r['preset']:<10}{r['nodes']:>11,}{r['edges']:>11,}{r['generate_s']:>12.2f}"
            f"{r['build_s']:>9.2f}{r['validate_s']:>12.2f}{r['collect_s']:>7.2f}"
            f"{r['peak_mib']:>10,.0f}{net:>8,.0f}"
        )
    print(
        "(generate: draw the records and build the Structure; build: Structure() from the same "
        "records; gc s: one full gc.collect() after generate; peak: the process's peak resident "
        "memory after generate and validate; B/node: that peak less the peak after the imports, "
        "per node)"
    )
    print()
    print("against the bare networkx graph of the same nodes and edges (add_nodes_from, ")
    print("add_edges_from, freeze), with the garbage collector on as usual and paused:")
    print(
        f"{'preset':<10}{'networkx s':>12}{'paused s':>10}{'build/nx':>10}{'build/paused':>14}"
        f"{'validate/nx':>13}"
    )
    for r in results:
        print(
            f"{r['preset']:<10}{r['networkx_s']:>12.2f}{r['networkx_nogc_s']:>10.2f}"
            f"{r['build_s'] / r['networkx_s']:>10.2f}{r['build_s'] / r['networkx_nogc_s']:>14.2f}"
            f"{r['validate_s'] / r['networkx_s']:>13.2f}"
        )
    trips = [r for r in results if "dumps_s" in r]
    if trips:
        print()
        print(
            f"{'preset':<10}{'spec MB':>9}{'dumps s':>9}{'json.dumps s':>14}{'x faster':>10}"
            f"{'loads s':>9}{'json.loads s':>14}{'loads/parse':>13}"
        )
        for r in trips:
            print(
                f"{r['preset']:<10}{r['spec_mb']:>9.1f}{r['dumps_s']:>9.2f}"
                f"{r['json_dumps_s']:>14.2f}{r['json_dumps_s'] / r['dumps_s']:>10.2f}"
                f"{r['loads_s']:>9.2f}{r['json_loads_s']:>14.2f}"
                f"{r['loads_s'] / r['json_loads_s']:>13.1f}"
            )
        print(
            "(JSON text; dumps against the previous code path, json.dumps(to_dict(s), indent=2), "
            "which writes the same text; loads, which also validates, against parsing alone)"
        )
    print()
    print("CPU microseconds per node (flat when a cost grows linearly with size):")
    print(
        f"{'preset':<10}{'generate':>10}{'build':>8}{'validate':>10}{'gc':>6}{'networkx':>10}"
        f"{'paused':>8}{'dumps':>8}{'loads':>8}{'cpu/wall':>10}"
    )
    for r in results:
        n = r["nodes"] / 1e6
        trip = (
            f"{r['dumps_cpu'] / n:>8.2f}{r['loads_cpu'] / n:>8.2f}"
            if "dumps_cpu" in r
            else f"{'':>8}{'':>8}"
        )
        busy = (r["generate_cpu"] + r["validate_cpu"]) / (r["generate_s"] + r["validate_s"])
        print(
            f"{r['preset']:<10}{r['generate_cpu'] / n:>10.2f}{r['build_cpu'] / n:>8.2f}"
            f"{r['validate_cpu'] / n:>10.2f}{r['collect_cpu'] / n:>6.2f}"
            f"{r['networkx_cpu'] / n:>10.2f}{r['networkx_nogc_cpu'] / n:>8.2f}{trip}"
            f"{busy:>10.2f}"
        )
    print(
        "(cpu/wall: CPU time over wall-clock time of generate and validate; well below 1, "
        "the core was shared)"
    )
    ok = True
    for r in results:
        if r["preset"] != "megacity":
            continue
        total = r["generate_s"] + r["collect_s"] + r["validate_s"]
        fast = total <= TARGET_SECONDS
        small = r["peak_mib"] <= TARGET_PEAK_MIB
        ok = fast and small
        print()
        print(
            f"target megacity generated and validated in <= {TARGET_SECONDS:.0f} s: "
            f"{'MET' if fast else 'NOT MET'} ({total:.1f} s with the collection)"
        )
        print(
            f"target megacity peak memory <= {TARGET_PEAK_MIB:,} MiB: "
            f"{'MET' if small else 'NOT MET'} ({r['peak_mib']:,.0f} MiB, "
            f"{r['bytes_per_node']:,.0f} bytes per node)"
        )
    return ok


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--presets",
        nargs="+",
        default=list(synth.PRESETS),
        choices=list(synth.PRESETS),
        help="which presets to measure (default: all)",
    )
    parser.add_argument("--seed", type=int, default=0, help="the seed of every preset (0)")
    parser.add_argument("--repeat", type=int, default=3, help="fresh processes per preset (3)")
    parser.add_argument("--cpu", type=int, default=0, help="the core to pin the processes to")
    parser.add_argument("--child", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    pinned = pin_to_one_core(args.cpu)
    if args.child is not None:
        print(json.dumps(measure(args.child, args.seed)))
        return 0

    print(
        f"python {platform.python_version()} on {platform.system()} {platform.machine()}, "
        f"{cpu_model()}, {os.cpu_count()} cpus, {pinned}; networkx {nx.__version__}"
    )
    print(f"load average at start: {load_average()}")
    results = []
    for name in args.presets:
        runs = []
        for run in range(args.repeat):
            figures = run_child(name, args.seed, args.cpu)
            runs.append(figures)
            print(
                f"  {name} run {run + 1}: {figures['nodes']:,} nodes, generate "
                f"{figures['generate_s']:.2f} s, validate {figures['validate_s']:.2f} s "
                f"({figures['warnings']} warnings), "
                f"peak {figures['peak_mib']:,.0f} MiB; load average {load_average()}"
            )
        results.append(best(runs))
    ok = report(results)
    print(f"load average at end: {load_average()}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

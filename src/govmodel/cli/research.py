"""The research commands of ``govmodel``: ``simulate``, ``sweep`` and ``experiment``.

``govmodel simulate SPEC`` simulates a period of requests over one structure
and prints its figures; ``govmodel sweep CONFIG`` runs many structures,
variants and seeds and prints a summary table; ``govmodel experiment FILE
-o DIR`` runs an experiment file (``govmodel.simulation.experiment``) and
streams its rows, with their provenance, to a directory it can resume.

A sweep is described by a TOML file::

    seed = 0                      # root of the spawned per-run seeds
    seeds = 10                    # runs per structure and variant
    structures = ["xinhe", "zhuanqiao"]   # bundled names or spec paths
    variants = ["baseline", "no_owners_committee"]   # or true for all of them
    out = "rows.jsonl"            # optional: .jsonl or .csv
    [scenario]                    # optional: Scenario fields to change
    days = 365
    hotline = 0.5

Examples
--------
>>> from govmodel.cli import main
>>> main(["simulate", "xinhe", "--days", "30", "--seed", "1"])  # doctest: +ELLIPSIS
Xinhe community: 30 days simulated (seed 1)
cases: ... resolved, ... still open, ... escaped to the 12345 hotline
measure                    rate      count
...
0
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import io
import json
import re
import signal
import sys
import threading
import tomllib
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import Executor, ProcessPoolExecutor
from pathlib import Path
from typing import Any, TextIO

import attrs

from govmodel import examples
from govmodel._strict import MAX_INT_DIGITS, quoted, show
from govmodel.cases import LOG_HEADER_KEY, dumps_events
from govmodel.cli._common import (
    Commands,
    UsageError,
    add_command,
    excerpt,
    fail,
    output_suffix,
    policy_from,
    refuse,
    save_figure,
    structure_from,
)
from govmodel.errors import GovModelError, MissingExtraError
from govmodel.simulation import (
    ABLATIONS,
    ExperimentSummary,
    Run,
    Scenario,
    ScenarioError,
    SimulationResult,
    VariantError,
    load_experiment,
    provenance,
    run_experiment,
    simulate,
    sweep,
    variants,
    write_csv,
    write_jsonl,
)
from govmodel.simulation.intervals import mean_and_interval
from govmodel.structure import Structure

__all__ = [
    "MAX_RUNS",
    "MAX_SEEDS",
    "add_commands",
    "experiment_command",
    "load_sweep",
    "simulate_command",
    "sweep_command",
]


def add_commands(commands: Commands) -> None:
    """Add ``simulate``, ``sweep`` and ``experiment`` to the ``govmodel`` parser.

    Examples
    --------
    >>> import argparse
    >>> parser = argparse.ArgumentParser()
    >>> add_commands(parser.add_subparsers(dest="command"))
    >>> parser.parse_args(["sweep", "study.toml"]).run is sweep_command
    True
    """
    simulation = add_command(
        commands,
        "simulate",
        help="simulate a period of requests over a structure",
        description="Simulate requests over a structure with the default scenario "
        "(calibrated to Xinhe) and print the figures; -o writes the event log.",
        examples=[
            "govmodel simulate xinhe --days 30 --seed 1",
            "govmodel simulate zhuanqiao --days 60 -o log.jsonl --json",
        ],
    )
    simulation.add_argument("spec", metavar="SPEC", help="a spec file or a bundled example name")
    simulation.add_argument("--days", type=int, default=365, help="length of the period (365)")
    simulation.add_argument("--seed", type=int, default=2, help="the random seed (2)")
    simulation.add_argument(
        "--policy", default=None, metavar="FILE.toml", help="the policy (default: the default)"
    )
    simulation.add_argument(
        "-o",
        "--output",
        default=None,
        metavar="FILE.jsonl",
        help="write the event log as JSON Lines",
    )
    simulation.add_argument("--png", default=None, metavar="FILE.png", help="draw the overview")
    simulation.add_argument("--json", action="store_true", help="print the figures as JSON")
    simulation.set_defaults(run=simulate_command)
    sweeping = add_command(
        commands,
        "sweep",
        help="run many structures, variants and seeds",
        description="Run a sweep described by a TOML file (structures, variants, seeds, "
        "scenario) and print a summary table; rows stream to -o (.jsonl or .csv), which "
        "overrides the config's out.",
        examples=[
            "printf 'seeds = 2\\n[scenario]\\ndays = 30\\n' > study.toml",
            "govmodel sweep study.toml -o rows.jsonl",
            "govmodel sweep study.toml --workers 2 --json",
        ],
    )
    sweeping.add_argument("config", metavar="CONFIG", help="the sweep's TOML file")
    sweeping.add_argument(
        "--workers",
        type=int,
        default=0,
        help="worker processes on this machine (0: run serially)",
    )
    sweeping.add_argument(
        "--scheduler",
        default=None,
        metavar="ADDRESS",
        help="a Dask scheduler address, e.g. tcp://10.0.0.5:8786 (needs govmodel[dask]); "
        "not with --workers",
    )
    sweeping.add_argument(
        "-o", "--output", default=None, metavar="FILE", help="where the rows go (.jsonl or .csv)"
    )
    sweeping.add_argument("--png", default=None, metavar="FILE.png", help="draw the comparison")
    sweeping.add_argument("--json", action="store_true", help="print the summary as JSON")
    sweeping.set_defaults(run=sweep_command)
    experimenting = add_command(
        commands,
        "experiment",
        help="run an experiment file, with provenance, resumably",
        description="Run the experiment a TOML file describes (structures, ablation sets, "
        "scenario and policy values, seeds, reporters; see docs/experiments.md), streaming "
        "each finished row with its provenance to DIR; --resume skips the runs already there.",
        examples=[
            'printf \'seeds = 2\\nablations = ["baseline", "no_mediation_room"]\\n'
            "[scenario]\\ndays = 20\\n' > study.toml",
            "govmodel experiment study.toml -o results",
            "govmodel experiment study.toml -o results --resume --workers 2",
        ],
    )
    experimenting.add_argument("file", metavar="FILE", help="the experiment's TOML file")
    experimenting.add_argument(
        "-o",
        "--output",
        required=True,
        metavar="DIR",
        help="the output directory (made when missing)",
    )
    experimenting.add_argument(
        "--workers",
        type=int,
        default=0,
        help="worker processes on this machine (0: run serially)",
    )
    experimenting.add_argument(
        "--scheduler",
        default=None,
        metavar="ADDRESS",
        help="a Dask scheduler address, e.g. tcp://10.0.0.5:8786 (needs govmodel[dask]); "
        "not with --workers",
    )
    experimenting.add_argument(
        "--resume",
        action="store_true",
        help="skip the runs whose rows DIR already holds (by run_key)",
    )
    experimenting.set_defaults(run=experiment_command)


def simulate_command(args: argparse.Namespace, *, out: TextIO) -> int:
    """``govmodel simulate SPEC``: one simulated period, its figures, optionally its log."""
    if not 1 <= args.days <= 36_500:
        raise UsageError(f"--days: expected 1 to 36500 (a century), found {args.days}")
    structure = structure_from(args.spec)
    policy = policy_from(args.policy)
    result = simulate(structure, Scenario(days=args.days), seed=args.seed, policy=policy)
    if args.output:
        header = {LOG_HEADER_KEY: 1, **_log_provenance(structure, args)}
        Path(args.output).write_text(
            json.dumps(header, ensure_ascii=False) + "\n" + dumps_events(result.events),
            encoding="utf-8",
        )
    counts = result.outcome_counts
    if args.json:
        from govmodel.cli.logs import figures

        data = {
            "structure": structure.name,
            "days": args.days,
            "seed": args.seed,
            "outcomes": dict(counts),
            "hotline": result.hotline,
            "figures": figures(result.metrics),
            "log": args.output,
        }
        print(json.dumps(data, ensure_ascii=False, indent=2), file=out)
        if args.png:
            return _overview(result, structure.name, args, io.StringIO())
        return 0
    print(f"{structure.name}: {args.days} days simulated (seed {args.seed})", file=out)
    print(
        f"cases: {len(result.outcomes)} reported, {counts['resolved']} resolved, "
        f"{counts['open']} still open, {counts['escaped']} escaped to the 12345 hotline",
        file=out,
    )
    print(result.metrics.table(), file=out)
    if args.output:
        print(f"event log written to {args.output} ({len(result.events)} events)", file=out)
    if args.png:
        return _overview(result, structure.name, args, out)
    return 0


def _log_provenance(structure: Structure, args: argparse.Namespace) -> dict[str, Any]:
    """The provenance of a ``simulate`` run, as an experiment's row would hold it."""
    label = (
        args.spec
        if args.spec in examples.names() and not Path(args.spec).exists()
        else (Path(args.spec).stem)
    )
    settings = None
    if args.policy is not None:
        settings = tomllib.loads(Path(args.policy).read_text(encoding="utf-8"))
    return provenance(
        structure, label=label, seed=args.seed, scenario={"days": args.days}, policy=settings
    )


def _overview(result: SimulationResult, name: str, args: argparse.Namespace, out: TextIO) -> int:
    try:
        from govmodel.simulation.plots import overview

        save_figure(overview(result, title=f"{name}, seed {args.seed}"), args.png, out)
    except MissingExtraError as err:
        return fail(str(err), out)
    return 0


MAX_SEEDS = 10_000
"""The most seeds a sweep file may ask for: runs are listed before they start."""

MAX_RUNS = 100_000
"""The most runs (structures × variants × seeds) a sweep file may describe."""


def load_sweep(path: str | Path) -> tuple[list[Run], dict[str, Any]]:
    r"""The runs of a sweep file, and its settings (``seed``, ``out``).

    Raises
    ------
    GovModelError
        With the key and what was expected, for anything that cannot be read:
        ``seeds`` runs from 1 to ``MAX_SEEDS`` (10,000), and the runs of the
        file number at most ``MAX_RUNS`` (100,000).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> with tempfile.TemporaryDirectory() as d:
    ...     path = pathlib.Path(d) / "sweep.toml"
    ...     _ = path.write_text('seeds = 2\nstructures = ["xinhe"]\nvariants = ["baseline"]\n'
    ...                         '[scenario]\ndays = 30\n')
    ...     runs, settings = load_sweep(path)
    >>> len(runs), runs[0].label, runs[0].scenario.days, settings["seed"]
    (2, 'xinhe/baseline', 30, 0)
    """
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as err:
        raise GovModelError(f"{path}: cannot read the file: {err.strerror or err}") from None
    except UnicodeDecodeError as err:
        raise GovModelError(f"{path}: expected UTF-8 text: {err.reason}") from None
    except tomllib.TOMLDecodeError as err:
        raise GovModelError(f"{path}: not valid TOML: {err}") from None
    except RecursionError:
        raise GovModelError(f"{path}: not valid TOML: nested too deeply") from None
    except ValueError:
        # A NUL in the path, or an integer of more than 4300 digits.
        raise GovModelError(
            f"{path}: cannot read: expected a path without NUL and integers of at most "
            f"{MAX_INT_DIGITS} digits"
        ) from None
    problems = _sweep_problems(data)
    if problems:
        if len(problems) == 1:
            raise GovModelError(f"{path}: {problems[0]}")
        listed = "".join(f"\n  {problem}" for problem in problems)
        raise GovModelError(f"{path}: {len(problems)} problems{listed}")
    seeds = data.get("seeds", 1)
    seed = data.get("seed", 0)
    names = data.get("structures", ["xinhe"])
    wanted = data.get("variants", ["baseline"])
    try:
        scenario = Scenario(**data.get("scenario", {}))
    except (ValueError, TypeError) as err:
        raise GovModelError(f"{path}: scenario: {err}") from None
    runs: list[Run] = []
    for name in names:
        spec = name
        if name not in ("shagangwan", "chengxi", "xinhe", "zhuanqiao", "lianhua"):
            try:
                spec = str((path.parent / name).resolve())
            except (OSError, ValueError):
                raise GovModelError(f"{path}: structures: cannot find {show(name)}") from None
        structure = structure_from(spec)
        short = Path(name).stem
        if wanted is True:
            # Every variant offered for this structure: those that change it.
            found = variants(structure)
            chosen = list(found.items())
        else:
            combine = max([len(v.split("+")) for v in wanted if v != "baseline"], default=1)
            found = variants(structure, combine=combine)
            try:
                chosen = [(_canonical(v), found[v]) for v in wanted]
            except VariantError as err:
                raise GovModelError(
                    f"{path}: variants: {err}; variants = true takes only those offered"
                ) from None
        for variant, ablated in chosen:
            for _ in range(seeds):
                runs.append(Run(structure=ablated, scenario=scenario, label=f"{short}/{variant}"))
    out = data.get("out")
    if out is not None and (not isinstance(out, str) or "\0" in out):
        raise GovModelError(f"{path}: out: expected a file name without NUL, found {show(out)}")
    settings = {"seed": seed, "out": str(path.parent / out) if out else None}
    return runs, settings


def _canonical(variant: str) -> str:
    """A variant's name with its ablations in the order of ``ABLATIONS``.

    Examples
    --------
    >>> _canonical("no_standing_meeting+no_owners_committee")
    'no_owners_committee+no_standing_meeting'
    """
    parts = variant.split("+")
    return "+".join(a for a in ABLATIONS if a in parts) if variant != "baseline" else variant


def _sweep_problems(data: dict[str, Any]) -> list[str]:
    """Every problem of a sweep file's keys and values, so one reading reports them all.

    Examples
    --------
    >>> for problem in _sweep_problems({"seeds": "two", "bogus": 1}):
    ...     print(problem)
    unknown key "bogus"; expected some of out, scenario, seed, seeds, structures, variants
    seeds: expected an integer of 1 or more, at most 10,000, found ...
    """
    problems: list[str] = []
    known = {"seed", "seeds", "structures", "variants", "out", "scenario"}
    problems += [
        f'unknown key "{key}"; expected some of {", ".join(sorted(known))}'
        for key in sorted(set(data) - known)
    ]
    seeds = data.get("seeds", 1)
    if type(seeds) is not int or not 1 <= seeds <= MAX_SEEDS:
        problems.append(
            f"seeds: expected an integer of 1 or more, at most {MAX_SEEDS:,}, found {show(seeds)}"
        )
    seed = data.get("seed", 0)
    if type(seed) is not int or not 0 <= seed < 2**128:
        problems.append(f"seed: expected an integer from 0 to 2**128 - 1, found {show(seed)}")
    names = data.get("structures", ["xinhe"])
    if not isinstance(names, list) or not names or not all(isinstance(n, str) for n in names):
        problems.append("structures: expected a list of example names or spec paths")
        names = None
    wanted = data.get("variants", ["baseline"])
    if wanted is True:
        wanted = ["baseline", *ABLATIONS]
    if not isinstance(wanted, list) or not all(isinstance(v, str) for v in wanted):
        problems.append("variants: expected true or a list of variant names")
        wanted = None
    else:
        choices = ", ".join(["baseline", *ABLATIONS])
        problems += [
            f"variants: unknown variant {quoted(variant)}; expected one of {choices}, "
            "or ablations joined by +"
            for variant in wanted
            if variant != "baseline"
            and (
                not set(variant.split("+")) <= set(ABLATIONS)
                or len(set(variant.split("+"))) != len(variant.split("+"))
            )
        ]
    overrides = data.get("scenario", {})
    if not isinstance(overrides, dict):
        problems.append("scenario: expected a table of Scenario fields")
        overrides = {}
    # Mappings keyed by enums and the start moment are not set from a study file;
    # every other field is, and Scenario itself says what each one takes.
    fixed = {"rates", "scopes", "handling_hours", "channels", "urgency", "category_hours", "start"}
    settable = [f.name for f in attrs.fields(Scenario) if f.name not in fixed]
    for key, value in overrides.items():
        if key not in settable:
            problems.append(
                f"scenario.{key}: not a Scenario field a study file sets; expected one of "
                + ", ".join(settable)
            )
            continue
        try:
            Scenario(**{key: value})
        except ScenarioError as err:
            problems.append(f"scenario.{err}")
    if (
        names is not None
        and wanted is not None
        and type(seeds) is int
        and len(names) * len(wanted) * seeds > MAX_RUNS
    ):
        problems.append(
            f"expected at most {MAX_RUNS:,} runs (structures × variants × seeds), "
            f"found {len(names) * len(wanted) * seeds:,}"
        )
    return problems


def _on_tty() -> bool:
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):  # replaced or closed
        return False


def _progress(total: int, out: TextIO) -> tuple[Callable[[int], None], Callable[[], None]]:
    """A progress bar on stderr: tqdm when installed, else a plain counter."""
    try:
        from tqdm import tqdm
    except ImportError:
        step = max(1, total // 10)

        def tick(done: int) -> None:
            if done % step == 0 or done == total:
                print(f"  {done}/{total} runs", file=sys.stderr)

        return tick, lambda: None
    # A bar only for a person watching: not for a few runs, nor into a file or a pipe.
    bar = tqdm(total=total, unit="run", file=sys.stderr, disable=total < 10 or not _on_tty())

    def update(done: int) -> None:
        bar.update(done - bar.n)

    return update, bar.close


# A scheduler address: an optional protocol, a host (or a bracketed IPv6
# address) and a port; checked before Dask sees it, whose own parse error is
# a traceback.
_ADDRESS = re.compile(r"(?:[a-z]+://)?(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9_.-]+):\d{1,5}")
_CONNECT_SECONDS = "10s"


def _check_executor_options(args: argparse.Namespace) -> None:
    """Refuse ``--workers`` with ``--scheduler``, a negative count, or a malformed address."""
    if args.scheduler and args.workers:
        raise refuse("--workers: not with --scheduler (the cluster's workers run the sweep)")
    if args.workers < 0:
        raise UsageError(f"--workers: expected 0 or more, found {args.workers}")
    if args.scheduler and not _ADDRESS.fullmatch(args.scheduler):
        raise UsageError(
            "--scheduler: expected a Dask scheduler address like tcp://10.0.0.5:8786, "
            f"found {excerpt(args.scheduler)}"
        )


def _open_executor(args: argparse.Namespace) -> tuple[Executor | None, Any, str | None]:
    """The executor ``--workers`` or ``--scheduler`` asks for, the Dask client, or why not.

    ``(None, None, None)`` runs serially in this process; a problem (no
    ``distributed``, a scheduler out of reach) comes back as its message.
    """
    if args.scheduler:
        try:
            from distributed import Client
        except ImportError:
            return None, None, str(MissingExtraError("distributed", "dask", "--scheduler"))
        try:
            client = Client(args.scheduler, timeout=_CONNECT_SECONDS)  # type: ignore[no-untyped-call]
        except (OSError, TimeoutError) as err:
            return (
                None,
                None,
                f"--scheduler: cannot reach the Dask scheduler at {args.scheduler}: "
                f"{excerpt(str(err) or type(err).__name__)}",
            )
        return client.get_executor(pure=False), client, None  # type: ignore[no-untyped-call]
    if args.workers > 0:
        return ProcessPoolExecutor(args.workers), None, None
    return None, None, None


def _close_executor(executor: Executor | None, client: Any) -> None:
    """Shut down a process pool the command made, and close its Dask client."""
    if isinstance(executor, ProcessPoolExecutor):
        executor.shutdown()
    if client is not None:
        client.close()


def experiment_command(args: argparse.Namespace, *, out: TextIO) -> int:
    """``govmodel experiment FILE -o DIR``: run an experiment, streaming its rows to DIR."""
    _check_executor_options(args)
    if "\0" in args.output:
        raise UsageError("-o: expected a directory name without NUL")
    experiment = load_experiment(args.file)
    executor, client, problem = _open_executor(args)
    if problem is not None:
        return fail(problem, out)
    try:
        tick, close = _progress(experiment.count(), out)
        started = dt.datetime.now()
        try:
            with _terminate_as_interrupt():
                summary = run_experiment(
                    experiment, args.output, executor=executor, resume=args.resume, progress=tick
                )
        except KeyboardInterrupt:
            # The rows written are complete and flushed; the runs in flight are dropped.
            if isinstance(executor, ProcessPoolExecutor):
                executor.shutdown(wait=True, cancel_futures=True)
            return fail(
                f"interrupted; the finished rows are kept in {excerpt(args.output)}, and "
                "--resume runs the rest",
                out,
                status=INTERRUPTED,
            )
        finally:
            close()
        seconds = (dt.datetime.now() - started).total_seconds()
    finally:
        _close_executor(executor, client)
    _print_experiment(experiment.name, summary, seconds, out)
    return 0


# The status of a command stopped by Ctrl-C or SIGTERM, as a shell reports SIGINT.
INTERRUPTED = 130


@contextlib.contextmanager
def _terminate_as_interrupt() -> Iterator[None]:
    """SIGTERM (a batch scheduler's stop) ends the block as Ctrl-C does, so workers are stopped.

    Only in the main thread, where Python can take signals; elsewhere nothing changes.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(_signum: int, _frame: object) -> None:
        raise KeyboardInterrupt

    before = signal.signal(signal.SIGTERM, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, before)


def _print_experiment(name: str, summary: ExperimentSummary, seconds: float, out: TextIO) -> None:
    kept = f", {summary.skipped} already in the output" if summary.skipped else ""
    print(f"{name}: {summary.ran} runs in {seconds:.1f} s{kept} ({summary.runs} in all)", file=out)
    print(f"rows: {summary.rows}", file=out)
    if summary.series is not None:
        print(f"series: {summary.series}", file=out)


def sweep_command(args: argparse.Namespace, *, out: TextIO) -> int:
    """``govmodel sweep CONFIG``: run a sweep, stream its rows, print a summary."""
    _check_executor_options(args)
    output_suffix(args.output, (".jsonl", ".csv"), what="the rows")
    runs, settings = load_sweep(args.config)
    target = args.output or settings["out"]
    executor, client, problem = _open_executor(args)
    if problem is not None:
        return fail(problem, out)
    try:
        tick, close = _progress(len(runs), out)
        rows: list[dict[str, Any]] = []

        def collect() -> Iterator[dict[str, Any]]:
            for row in sweep(runs, executor=executor, seed=settings["seed"], progress=tick):
                rows.append(_summary_fields(row))
                yield row

        started = dt.datetime.now()
        if target and "\0" in target:
            return fail("-o: expected a file name without NUL", out)
        if target:
            with open(target, "w", encoding="utf-8", newline="") as stream:
                writer = write_csv if target.endswith(".csv") else write_jsonl
                count = writer(collect(), stream)
        else:
            count = sum(1 for _ in collect())
        close()
        seconds = (dt.datetime.now() - started).total_seconds()
    finally:
        _close_executor(executor, client)
    # The rows are written by now; without scipy the summary names the extra it needs.
    try:
        if args.json:
            data = {"runs": count, "seconds": seconds, "rows": target, "summary": _summary(rows)}
            print(json.dumps(data, ensure_ascii=False, indent=2), file=out)
        else:
            print(
                f"{count} runs in {seconds:.1f} s"
                + (f"; rows written to {target}" if target else ""),
                file=out,
            )
            _print_summary(rows, out)
    except MissingExtraError as err:
        return fail(str(err), out)
    if args.png:
        try:
            from govmodel.simulation.plots import compare

            save_figure(compare(rows), args.png, out)
        except MissingExtraError as err:
            return fail(str(err), out)
    return 0


_SUMMARY = ("resolution_rate", "on_time_rate", "mean_hours_to_resolution", "hotline")


def _summary_fields(row: Mapping[str, Any]) -> dict[str, Any]:
    # Only what the summary and the picture need is kept, so memory stays small.
    return {"label": row["label"], **{k: row[k] for k in _SUMMARY}}


def _mean_and_half(values: list[float]) -> tuple[float, float | None]:
    """The mean and the half-width of its 95 % t-interval; no interval for a single run."""
    if len(values) < 2:
        return values[0], None
    return mean_and_interval(values)


def _summary(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per label, the runs and each field's mean and half-width of the 95 % t-interval.

    The half-width is ``None`` for a label with a single run, which has no interval.
    """
    found = []
    for label in dict.fromkeys(r["label"] for r in rows):
        group = [r for r in rows if r["label"] == label]
        entry: dict[str, Any] = {"label": label, "runs": len(group)}
        for field in _SUMMARY:
            values = [float(r[field]) for r in group if r[field] is not None]
            if values:
                mean, half = _mean_and_half(values)
                entry[field] = {"mean": mean, "half_width": half}
            else:
                entry[field] = None
        found.append(entry)
    return found


def _print_summary(rows: list[dict[str, Any]], out: TextIO) -> None:
    labels = list(dict.fromkeys(r["label"] for r in rows))
    if not labels:
        return
    width = max(len(label) for label in labels) + 2
    header = (
        f"{'variant':<{width}}{'runs':>5}  {'resolution':>16}  {'on time':>16}  "
        f"{'mean hours':>14}  {'hotline':>12}"
    )
    print(header, file=out)
    single = interval = False
    for label in labels:
        group = [r for r in rows if r["label"] == label]
        cells = []
        for field in _SUMMARY:
            values = [float(r[field]) for r in group if r[field] is not None]
            if not values:
                cells.append("n/a")
                continue
            mean, half = _mean_and_half(values)
            single = single or half is None
            interval = interval or half is not None
            scale, unit = (100.0, "%") if field.endswith("_rate") else (1.0, "")
            cell = f"{scale * mean:.1f}{unit}"
            cells.append(cell if half is None else f"{cell} ± {scale * half:.1f}")
        line = (
            f"{label:<{width}}{len(group):>5}  {cells[0]:>16}  {cells[1]:>16}  "
            f"{cells[2]:>14}  {cells[3]:>12}"
        )
        print(line, file=out)
    if interval:
        print("(mean over seeds ± half-width of the 95 % t-interval)", file=out)
    if single:
        print(
            "(a value without ± comes from a single run, which has no interval: "
            "set seeds = 2 or more)",
            file=out,
        )

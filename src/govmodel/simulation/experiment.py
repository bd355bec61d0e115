r"""Experiments: one TOML file names every run of a study, and its rows carry their provenance.

``load_experiment(path)`` reads an experiment file (``docs/experiments.md``
describes every key) into an ``Experiment``: structures (bundled examples,
spec files, synthetic presets), ablation sets, scenario and policy values —
fixed, crossed as grids, or sampled by a Latin hypercube over ranges, nested
fields included (``handling_hours.street``) — seeds, reporters and the
output format. ``Experiment.runs()`` yields its runs lazily: a file with
``seeds = 100000000`` starts at once and holds one run at a time.

``run_experiment(experiment, out)`` runs them on any executor (through the
same windowed loop as ``sweep``) and appends each finished row to the output
directory at once, so an interrupted experiment loses no finished row;
``resume=True`` skips the runs whose ``run_key`` is already there and gives,
after an interrupt, exactly the rows of an uninterrupted run.

The contract of a row: the parameters that identify the run (``structure``,
``ablation``, ``seed_entropy``, ``spawn_key``, a column per scenario or
policy value the file sets, such as ``scenario.handling_hours.street``, the
sha256 of the structure's canonical spec JSON and of the policy's settings)
and ``run_key``, a hash of exactly those; then ``govmodel_version``, the
columns of a sweep row (``ROW_FIELDS``) and the reporters' columns.
``run_key(row)`` recomputes the key from a row, read back from CSV or not.

Seeds: ``seeds = N`` gives run *k* the seed ``SeedSequence(seed,
spawn_key=(k,))`` — the *k*-th seed ``sweep`` would spawn from ``seed`` —
and ``seeds = [3, 7]`` the seeds 3 and 7, as ``Run(seed=3)`` does. Every
structure, ablation and parameter point runs with each seed, seed by seed,
so a variant and its baseline of one seed pair (``paired``), and an
interrupted experiment holds whole seeds.

Examples
--------
>>> import pathlib, tempfile
>>> from govmodel.simulation import load_experiment, run_experiment
>>> with tempfile.TemporaryDirectory() as d:
...     path = pathlib.Path(d) / "study.toml"
...     _ = path.write_text('structures = ["zhuanqiao"]\n'
...                         'ablations = ["baseline", "grid_levels_merged"]\n'
...                         'seeds = 2\n'
...                         '[scenario]\ndays = 20\n'
...                         '[grid.scenario]\nhandling_hours.street = [24, 60]\n')
...     experiment = load_experiment(path)
...     summary = run_experiment(experiment, pathlib.Path(d) / "out")
...     rows = read_rows(pathlib.Path(d) / "out")
>>> experiment.count(), summary.ran, len(rows)
(8, 8, 8)
>>> rows[1]["ablation"], rows[1]["scenario.handling_hours.street"], rows[1]["spawn_key"]
('baseline', '60', '0:0')
>>> all(run_key(row) == row["run_key"] for row in rows)
True
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import hashlib
import importlib
import itertools
import json
import math
import os
import tomllib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Executor
from enum import Enum
from importlib import metadata
from pathlib import Path
from typing import Any

import attrs
import numpy as np

from govmodel._strict import MAX_INT_DIGITS, quoted, show
from govmodel.errors import GovModelError, MissingExtraError, SpecError, _LocatedError
from govmodel.examples import load as load_example
from govmodel.examples import names as example_names
from govmodel.model import Tier
from govmodel.rules.policy import DEFAULT_POLICY, Policy, load_policy
from govmodel.simulation._sweep import (
    ROW_FIELDS,
    _Packed,
    _stream,
    _unpack,
    run_row,
)
from govmodel.simulation._variants import ABLATIONS, VariantError, ablate, variants
from govmodel.simulation.engine import SimulationResult, simulate
from govmodel.simulation.scenario import Scenario, ScenarioError
from govmodel.spec import load, to_dict
from govmodel.structure import Structure
from govmodel.synth import preset

__all__ = [
    "IDENTIFYING",
    "REPORTERS",
    "SERIES_FIELDS",
    "Experiment",
    "ExperimentError",
    "ExperimentRun",
    "ExperimentSummary",
    "escalations_by_tier",
    "load_experiment",
    "open_backlog",
    "provenance",
    "read_rows",
    "read_series",
    "run_experiment",
    "run_key",
]

Row = dict[str, Any]
Reporter = Callable[[SimulationResult], Mapping[str, Any]]


class ExperimentError(_LocatedError, ValueError):
    """An experiment file, or an experiment's output, that cannot be used, named with where.

    ``location`` is the key path in the file (``grid.scenario.hotline[2]``,
    ``structures[1].spec``) or the output (``out``); the message says what
    was expected and what was found. Reading a file puts the file's name in
    front.

    Examples
    --------
    >>> print(ExperimentError("seeds", "expected a count of 1 or more, found 0"))
    seeds: expected a count of 1 or more, found 0
    >>> isinstance(ExperimentError("seeds", "x"), ValueError)
    True
    """


# -- Reporters ---------------------------------------------------------------------

_RANK = {tier: rank for rank, tier in enumerate(Tier)}


def escalations_by_tier(result: SimulationResult) -> dict[str, int]:
    """How often a case was raised to each tier above the micro-grid.

    A routing of a case to a higher tier than its routing in force counts
    once for that higher tier (``escalations_to_street`` and so on), so
    escalations that skip tiers are counted where they land.

    Examples
    --------
    >>> from govmodel import examples
    >>> from govmodel.simulation import Scenario, simulate
    >>> r = simulate(examples.load("xinhe"), Scenario(days=60), seed=2)
    >>> counts = escalations_by_tier(r)
    >>> sorted(counts)[:2], all(n >= 0 for n in counts.values())
    (['escalations_to_community', 'escalations_to_compound'], True)
    """
    from govmodel.cases import Routed

    counts: dict[Tier, int] = {tier: 0 for tier in Tier if tier is not Tier.MICRO_GRID}
    current: dict[str, Tier] = {}
    for event in result.events:
        if not isinstance(event, Routed):
            continue
        tier = event.routing.tier
        before = current.get(event.case_id)
        if before is not None and _RANK[tier] > _RANK[before]:
            counts[tier] += 1
        current[event.case_id] = tier
    return {f"escalations_to_{tier.value}": n for tier, n in counts.items()}


def _month_starts(start: dt.datetime, end: dt.datetime) -> list[dt.datetime]:
    """``start``, then the first moment of each calendar month after it, up to ``end``."""
    moments = [start]
    year, month = start.year, start.month
    while True:
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        moment = start.replace(
            year=year, month=month, day=1, hour=0, minute=0, second=0, microsecond=0
        )
        if moment >= end:
            return moments
        moments.append(moment)


def _period_end(result: SimulationResult) -> tuple[dt.datetime, dt.datetime]:
    run = result._run
    start: dt.datetime = run.start
    return start, start + dt.timedelta(microseconds=run.end_us)


def open_backlog(result: SimulationResult) -> dict[str, float | int]:
    """The open backlog: at the end, at its largest month end, and over month ends on average.

    The backlog is the cases reported and neither settled nor escaped
    (``SimulationResult.backlog``), counted at the end of each calendar month
    of the period (and at the period's end).

    Examples
    --------
    >>> from govmodel import examples
    >>> from govmodel.simulation import Scenario, simulate
    >>> r = simulate(examples.load("xinhe"), Scenario(days=90), seed=2)
    >>> b = open_backlog(r)
    >>> list(b), b["backlog_end"] <= b["backlog_peak"]
    (['backlog_end', 'backlog_peak', 'backlog_mean'], True)
    """
    start, end = _period_end(result)
    ends = [*_month_starts(start, end)[1:], end]
    counts = result.backlog(ends)
    return {
        "backlog_end": counts[-1],
        "backlog_peak": max(counts),
        "backlog_mean": math.fsum(counts) / len(counts),
    }


REPORTERS: dict[str, Reporter] = {
    "escalations_by_tier": escalations_by_tier,
    "open_backlog": open_backlog,
}
"""The built-in reporters by the name an experiment file gives them.

Any other reporter is named ``"module:function"``: a picklable function of a
``SimulationResult`` that returns a mapping of column names to plain values
(``None``, bool, int, float or str), importable in every worker.
"""

SERIES_FIELDS = ("run_key", "period", "measure", "value")
"""The columns of the per-period series, in long form."""

_SERIES_MEASURES = ("reported", "resolved", "backlog")


def _monthly(result: SimulationResult, key: str) -> list[Row]:
    """Per calendar month: cases reported, cases last resolved, and the backlog at its end."""
    start, end = _period_end(result)
    starts = _month_starts(start, end)
    bounds = [*starts[1:], end]
    reported = [0] * len(starts)
    resolved = [0] * len(starts)

    def month_of(moment: dt.datetime) -> int | None:
        if not start <= moment < end:
            return None
        low, high = 0, len(bounds)
        while low < high:
            middle = (low + high) // 2
            if moment < bounds[middle]:
                high = middle
            else:
                low = middle + 1
        return low

    for outcome in result.outcomes:
        m = month_of(outcome.reported_at)
        if m is not None:
            reported[m] += 1
        if outcome.hours_to_resolution is not None:
            done = outcome.reported_at + dt.timedelta(hours=outcome.hours_to_resolution)
            m = month_of(done)
            if m is not None:
                resolved[m] += 1
    backlog = result.backlog(bounds)
    rows: list[Row] = []
    for m, moment in enumerate(starts):
        period = moment.strftime("%Y-%m")
        for measure, value in zip(
            _SERIES_MEASURES, (reported[m], resolved[m], backlog[m]), strict=True
        ):
            rows.append({"run_key": key, "period": period, "measure": measure, "value": value})
    return rows


# -- Values, cells and keys ----------------------------------------------------------


def _json_default(value: object) -> object:
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, set | frozenset):
        return sorted(_cell(v) for v in value)
    raise TypeError(type(value).__name__)


def _canonical(value: object) -> str:
    """``value`` as canonical JSON: sorted keys, no spaces, dates in ISO 8601."""
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_json_default
    )


def _cell(value: object) -> str:
    """The text of a value as a CSV cell holds it (and as ``run_key`` hashes it)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool | int | float):
        return repr(value) if isinstance(value, float) else str(value)
    if isinstance(value, np.generic):
        return _cell(value.item())
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    return _canonical(value)


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _structure_digest(structure: Structure) -> str:
    """The sha256 of a structure's canonical spec JSON (``to_dict``, sorted keys)."""
    return _sha256(_canonical(to_dict(structure)))


IDENTIFYING = (
    "structure",
    "structure_sha256",
    "ablation",
    "policy_sha256",
    "seed_entropy",
    "spawn_key",
)
"""The columns that identify a run, besides every ``scenario.*`` and ``policy.*`` column.

``run_key`` hashes exactly these; the govmodel version is not among them, so
an experiment resumed under a newer govmodel keeps its finished rows (the
``govmodel_version`` column tells them apart).
"""


def run_key(row: Mapping[str, Any]) -> str:
    """The key of the run a row comes from: a hash of the parameters that identify it.

    The sha256 (first 32 hex digits) of the canonical JSON of the
    ``IDENTIFYING`` columns and every ``scenario.*`` and ``policy.*``
    column, each as the text a CSV cell holds, so a row read back from CSV
    or Parquet gives the same key as the row the run made.

    Raises
    ------
    ExperimentError
        A row that is not a mapping, or lacks an identifying column.

    Examples
    --------
    >>> row = {"structure": "xinhe", "structure_sha256": "ab", "ablation": "baseline",
    ...        "policy_sha256": "cd", "seed_entropy": "0", "spawn_key": "0:1",
    ...        "scenario.hotline": 0.5}
    >>> run_key(row) == run_key({**row, "scenario.hotline": "0.5", "cases": 12})
    True
    >>> run_key(row) == run_key({**row, "scenario.hotline": 0.6})
    False
    >>> run_key({"structure": "xinhe"})
    Traceback (most recent call last):
    ...
    govmodel.simulation.experiment.ExperimentError: row: expected the column structure_sha256, ...
    """
    if not isinstance(row, Mapping):
        raise ExperimentError("row", f"expected a mapping of columns, found {show(row)}")
    identity: dict[str, str] = {}
    for name in IDENTIFYING:
        if name not in row:
            raise ExperimentError(
                "row", f"expected the column {name}, which identifies a run; found none"
            )
        identity[name] = _cell(row[name])
    for name, value in row.items():
        if isinstance(name, str) and name.startswith(("scenario.", "policy.")):
            identity[name] = _cell(value)
    return _sha256(_canonical(identity))[:32]


def provenance(
    structure: Structure,
    *,
    label: str,
    seed: int,
    scenario: Mapping[str, Any] | None = None,
    policy: Mapping[str, Any] | None = None,
) -> Row:
    """The identifying columns, ``run_key`` and govmodel version of one run seeded with an int.

    What an experiment's row holds besides its measures, for a run of
    ``structure`` (the baseline) with ``seed``, the scenario values
    ``scenario`` (by field; mapping fields by key) and the policy settings
    ``policy`` (``load_policy``'s keys; ``None`` for the default policy):
    ``govmodel simulate -o`` writes it as the header of the event log. The
    ``run_key`` is that of the same run in an experiment with
    ``structures = [label]``, ``seeds = [seed]`` and these scenario values.

    Examples
    --------
    >>> from govmodel import examples
    >>> p = provenance(examples.load("xinhe"), label="xinhe", seed=2, scenario={"days": 30})
    >>> p["spawn_key"], p["scenario.days"], p["run_key"] == run_key(p)
    ('2', 30, True)
    >>> e = load_experiment({"structures": ["xinhe"], "seeds": [2], "scenario": {"days": 30}})
    >>> next(e.runs()).key == p["run_key"]
    True
    """
    parameters = tuple(
        (_column(("scenario", *path)), value)
        for path, value in _leaves(scenario or {}, (), into_lists=False)
    )
    run = ExperimentRun(
        structure_label=label,
        structure=structure,
        ablation="baseline",
        scenario=_DEFAULT_SCENARIO,
        seed_entropy=seed,
        parameters=parameters,
        structure_sha256=_structure_digest(structure),
        policy_sha256=_sha256(_canonical(dict(policy or {}))),
    )
    row = run.head()
    row["structure_name"] = structure.name
    row["govmodel_version"] = _version()
    return row


# -- The file ----------------------------------------------------------------------

_KEYS = (
    "ablations",
    "baseline",
    "format",
    "grid",
    "name",
    "policy",
    "reporters",
    "sample",
    "scenario",
    "seed",
    "seeds",
    "series",
    "structures",
)
_FORMATS = ("csv", "parquet")
_SERIES = ("monthly",)
MAX_SAMPLES = 100_000
_MAX_SEED = 2**128
_MAX_COUNT = 2**32

_DEFAULT_SCENARIO = Scenario()
_SCENARIO_FIELDS = {f.name for f in attrs.fields(Scenario)}
_MAPPING_FIELDS = {
    name: type(next(iter(getattr(_DEFAULT_SCENARIO, name))))
    for name in _SCENARIO_FIELDS
    if isinstance(getattr(_DEFAULT_SCENARIO, name), Mapping)
}

# A parameter: the path of its column (("scenario", "handling_hours", "street")).
Path_ = tuple[str, ...]


def _column(path: Path_) -> str:
    return ".".join(path)


def _where(section: str, path: Path_) -> str:
    return ".".join((section, *path[1:])) if section else _column(path)


@attrs.frozen(kw_only=True)
class ExperimentRun:
    """One run of an experiment: what to simulate, and the row's identifying columns.

    Attributes
    ----------
    structure_label, structure
        The structure's name in the file, and the structure with its ablations.
    ablation
        ``"baseline"`` or the ablations applied, joined by ``+``.
    scenario, policy
        What the run simulates under.
    seed_entropy, spawn_key
        The run's ``numpy.random.SeedSequence(seed_entropy, spawn_key=spawn_key)``.
    parameters
        Each value the file sets, by its column (``scenario.hotline``), in file order.
    structure_sha256, policy_sha256
        The hashes of the structure's canonical spec JSON and of the policy's settings.

    Examples
    --------
    >>> from govmodel import examples
    >>> run = ExperimentRun(structure_label="xinhe", structure=examples.load("xinhe"),
    ...                     ablation="baseline", scenario=Scenario(days=10),
    ...                     seed_entropy=0, spawn_key=(3,), structure_sha256="ab",
    ...                     policy_sha256="cd")
    >>> run.head()["spawn_key"], run.head()["run_key"] == run.key
    ('0:3', True)
    """

    structure_label: str
    structure: Structure = attrs.field(eq=False, repr=False)
    ablation: str
    scenario: Scenario
    policy: Policy = attrs.field(default=DEFAULT_POLICY, repr=False)
    seed_entropy: int
    spawn_key: tuple[int, ...] = ()
    parameters: tuple[tuple[str, Any], ...] = ()
    structure_sha256: str = attrs.field(repr=False)
    policy_sha256: str = attrs.field(repr=False)

    def head(self) -> Row:
        """The identifying columns of the run's row, its ``run_key`` first."""
        row: Row = {
            "run_key": "",
            "label": f"{self.structure_label}/{self.ablation}",
            "structure": self.structure_label,
            "ablation": self.ablation,
            "seed_entropy": str(self.seed_entropy),
            "spawn_key": (
                f"{self.seed_entropy}:" + ".".join(str(k) for k in self.spawn_key)
                if self.spawn_key
                else str(self.seed_entropy)
            ),
        }
        for column, value in self.parameters:
            row[column] = value if isinstance(value, bool | int | float | str) else _cell(value)
        row["structure_sha256"] = self.structure_sha256
        row["policy_sha256"] = self.policy_sha256
        row["run_key"] = run_key(row)
        return row

    @property
    def key(self) -> str:
        """The run's ``run_key``."""
        return str(self.head()["run_key"])


@attrs.frozen(kw_only=True)
class _Structure:
    label: str
    structure: Structure = attrs.field(eq=False, repr=False)


@attrs.frozen(kw_only=True)
class Experiment:
    """A study read from an experiment file: every run it names, made on demand.

    Build one with ``load_experiment``. ``runs()`` yields the runs lazily,
    seed by seed; ``count()`` says how many there are without making them.

    Attributes
    ----------
    name
        The experiment's name (the file's stem unless ``name`` is set).
    variants
        Per structure label, the ablation sets it runs with their structures.
    fixed
        The scenario and policy values every run shares, by column.
    grid
        The values crossed, by column.
    sample
        The columns sampled and their ranges, with ``samples`` points drawn
        by a Latin hypercube from ``sample_seed``.
    seed, seeds
        The root entropy and the seed count, or the seeds listed.
    baseline
        The ablation every other is compared with (``"baseline"``).
    reporters
        The reporters' names, as the file gives them.
    format
        ``"csv"`` or ``"parquet"``.
    series
        ``"monthly"`` for a per-period series beside the rows, else ``None``.
    """

    name: str
    source: str = ""
    variants: tuple[tuple[str, tuple[tuple[str, Structure, str], ...]], ...] = attrs.field(
        eq=False, repr=False
    )
    fixed: tuple[tuple[str, Any], ...] = ()
    grid: tuple[tuple[str, tuple[Any, ...]], ...] = ()
    sample: tuple[tuple[str, float, float, bool], ...] = ()
    samples: int = 0
    sample_seed: int = 0
    policy_base: Mapping[str, Any] = attrs.field(factory=dict, eq=False, repr=False)
    seed: int = 0
    seeds: int | tuple[int, ...] = 1
    baseline: str = "baseline"
    reporters: tuple[str, ...] = ()
    format: str = "csv"
    series: str | None = None

    def count(self) -> int:
        """How many runs the experiment has.

        Examples
        --------
        >>> e = load_experiment({"structures": ["xinhe", "lianhua"], "seeds": 10**8,
        ...                      "grid": {"scenario": {"hotline": [0.3, 0.5]}}})
        >>> e.count()
        400000000
        """
        seeds = self.seeds if isinstance(self.seeds, int) else len(self.seeds)
        points = math.prod(len(values) for _, values in self.grid)
        if self.sample:
            points *= self.samples
        return seeds * points * sum(len(sets) for _, sets in self.variants)

    def _seeds(self) -> Iterator[tuple[int, tuple[int, ...]]]:
        if isinstance(self.seeds, int):
            for k in range(self.seeds):
                yield self.seed, (k,)
        else:
            for value in self.seeds:
                yield value, ()

    def _points(self) -> Iterator[tuple[tuple[str, Any], ...]]:
        axes = [[(column, v) for v in values] for column, values in self.grid]
        drawn = _latin_hypercube(self.sample, self.samples, self.sample_seed)
        for point in itertools.product(*axes):
            for sampled in drawn:
                yield point + sampled

    def runs(self) -> Iterator[ExperimentRun]:
        """Every run, lazily: by seed, then structure, ablation set and parameter point.

        Raises
        ------
        ExperimentError
            A combination of values that makes no scenario or policy (each
            value alone was checked when the file was read), named with the
            values.

        Examples
        --------
        >>> e = load_experiment({"structures": ["zhuanqiao"], "seeds": 10**8,
        ...                      "scenario": {"days": 10}})
        >>> runs = e.runs()
        >>> [next(runs).spawn_key for _ in range(3)]
        [(0,), (1,), (2,)]
        """
        # The scenario and policy of a point, kept for the next seeds; keyed by canonical
        # JSON, since a value may be a list or a table, and emptied when it grows large.
        built: dict[str, tuple[Scenario, Policy, str]] = {}

        def build(point: tuple[tuple[str, Any], ...]) -> tuple[Scenario, Policy, str]:
            key = _canonical(point)
            found = built.get(key)
            if found is None:
                if len(built) >= 256:
                    built.clear()
                found = built[key] = self._build(point)
            return found

        for entropy, spawn_key in self._seeds():
            for label, sets in self.variants:
                for ablation, structure, digest in sets:
                    for point in self._points():
                        scenario, policy, policy_digest = build(point)
                        yield ExperimentRun(
                            structure_label=label,
                            structure=structure,
                            ablation=ablation,
                            scenario=scenario,
                            policy=policy,
                            seed_entropy=entropy,
                            spawn_key=spawn_key,
                            parameters=self.fixed + point,
                            structure_sha256=digest,
                            policy_sha256=policy_digest,
                        )

    def _build(self, point: tuple[tuple[str, Any], ...]) -> tuple[Scenario, Policy, str]:
        values = [(tuple(column.split(".")), value) for column, value in self.fixed + point]
        where = ", ".join(f"{column} = {_cell(value)}" for column, value in point) or "the values"
        try:
            scenario = _scenario([(p, v) for p, v in values if p[0] == "scenario"])
            mapping = _policy_mapping(
                self.policy_base, [(p, v) for p, v in values if p[0] == "policy"]
            )
            policy = DEFAULT_POLICY if not mapping else load_policy(mapping)
        except (ScenarioError, SpecError, _PathError) as err:
            raise ExperimentError(where, _message(err)) from None
        return scenario, policy, _sha256(_canonical(mapping))


def _latin_hypercube(
    ranges: Sequence[tuple[str, float, float, bool]], n: int, seed: int
) -> list[tuple[tuple[str, Any], ...]]:
    """``n`` points of a Latin hypercube over ``ranges`` (one empty point without ranges)."""
    if not ranges:
        return [()]
    try:
        from scipy.stats import qmc
    except ImportError:
        raise MissingExtraError("scipy", "stats", "Latin hypercube samples") from None
    generator = np.random.default_rng(seed)
    try:
        sampler = qmc.LatinHypercube(d=len(ranges), rng=generator)
    except TypeError:  # scipy before 1.15 names it seed
        sampler = qmc.LatinHypercube(d=len(ranges), seed=generator)
    unit = sampler.random(n)
    points = []
    for row in unit:
        point: list[tuple[str, Any]] = []
        for (column, low, high, whole), u in zip(ranges, row, strict=True):
            if whole:
                value: Any = min(int(high), int(low) + int(u * (int(high) - int(low) + 1)))
            else:
                value = float(low + u * (high - low))
            point.append((column, value))
        points.append(tuple(point))
    return points


class _PathError(Exception):
    """A parameter path that names no field; becomes an ``ExperimentError``."""


def _message(err: BaseException) -> str:
    if isinstance(err, SpecError):
        return "; ".join(
            f"{p.location}: {p.message}" if p.location else p.message for p in err.problems
        )
    return str(err)


def _scenario(values: Iterable[tuple[Path_, Any]]) -> Scenario:
    """The scenario with these values set; a mapping field's keys override its defaults."""
    kwargs: dict[str, Any] = {}
    for path, value in values:
        name = path[1]
        if name in _MAPPING_FIELDS and (len(path) == 3 or isinstance(value, Mapping)):
            merged = kwargs.setdefault(name, dict(getattr(_DEFAULT_SCENARIO, name)))
            enum = _MAPPING_FIELDS[name]
            items = [(path[2], value)] if len(path) == 3 else list(value.items())
            for key, item in items:
                try:
                    merged[enum(key)] = item
                except ValueError:
                    choices = ", ".join(m.value for m in enum)
                    raise _PathError(
                        f"{_column(path[:2])}: expected keys among {choices}, found {show(key)}"
                    ) from None
        else:
            kwargs[name] = value
    try:
        return Scenario(**kwargs)
    except TypeError as err:
        raise _PathError(str(err)) from None


def _policy_mapping(base: Mapping[str, Any], values: Iterable[tuple[Path_, Any]]) -> dict[str, Any]:
    """``base`` with each value set at its path (a copy, nested tables copied as they change)."""
    out: dict[str, Any] = _deep_copy(base)
    for path, value in values:
        table = out
        for part in path[1:-1]:
            inner = table.get(part)
            if not isinstance(inner, dict):
                inner = table[part] = {}
            table = inner
        table[path[-1]] = value
    return out


def _deep_copy(value: Mapping[str, Any]) -> dict[str, Any]:
    return {k: _deep_copy(v) if isinstance(v, Mapping) else v for k, v in value.items()}


def _leaves(
    table: Mapping[str, Any], prefix: Path_, *, into_lists: bool
) -> Iterator[tuple[Path_, Any]]:
    """Each leaf of nested tables with its path; a list is a leaf."""
    for key, value in table.items():
        if isinstance(value, dict) and (into_lists or value):
            yield from _leaves(value, (*prefix, key), into_lists=into_lists)
        else:
            yield (*prefix, key), value


def _alike(values: list[Any]) -> tuple[Any, ...]:
    """Grid values, whole numbers made floats when the list holds a float too.

    A column then has one type (``24.0`` and ``60.5``, never ``24`` and
    ``60.5``), in CSV cells, Parquet and ``run_key`` alike.
    """
    numbers = [v for v in values if isinstance(v, int | float) and not isinstance(v, bool)]
    if any(isinstance(v, float) for v in numbers) and len(numbers) == len(values):
        return tuple(float(v) for v in values)
    return tuple(values)


class _Reader:
    """Reads an experiment file's data, collecting every problem at once."""

    def __init__(self, data: Mapping[str, Any], base: Path) -> None:
        self.data = data
        self.base = base
        self.problems: list[ExperimentError] = []
        self.policy_fixed: list[tuple[str, Any]] = []

    def problem(self, location: str, message: str) -> None:
        self.problems.append(ExperimentError(location, message))

    def check_keys(self, table: Mapping[str, Any], known: Sequence[str], where: str) -> None:
        for key in table:
            if key not in known:
                self.problem(
                    f"{where}.{key}" if where else str(key),
                    f"unknown key; expected some of {', '.join(known)}",
                )

    # Each part returns None (after noting the problem) when it cannot be read.

    def whole(self, key: str, default: int, low: int, high: int) -> int | None:
        value = self.data.get(key, default)
        if type(value) is not int or not low <= value < high:
            self.problem(
                key, f"expected a whole number from {low} to {high - 1:,}, found {show(value)}"
            )
            return None
        return value

    def seeds(self) -> int | tuple[int, ...] | None:
        value = self.data.get("seeds", 1)
        if type(value) is int:
            if not 1 <= value <= _MAX_COUNT:
                self.problem(
                    "seeds",
                    f"expected a count from 1 to {_MAX_COUNT:,} or a list of "
                    f"seeds, found {show(value)}",
                )
                return None
            return value
        if isinstance(value, list) and value:
            for i, seed in enumerate(value):
                if type(seed) is not int or not 0 <= seed < _MAX_SEED:
                    self.problem(
                        f"seeds[{i}]", f"expected a seed from 0 to 2**128 - 1, found {show(seed)}"
                    )
                    return None
            if len(set(value)) != len(value):
                self.problem("seeds", "expected each seed once, found one listed twice")
                return None
            return tuple(value)
        self.problem(
            "seeds", f"expected a count of 1 or more or a list of seeds, found {show(value)}"
        )
        return None

    def text(self, key: str, default: str, choices: Sequence[str] | None = None) -> str | None:
        value = self.data.get(key, default)
        if not isinstance(value, str) or (choices is not None and value not in choices):
            wanted = f"one of {', '.join(choices)}" if choices else "a string"
            self.problem(key, f"expected {wanted}, found {show(value)}")
            return None
        return value

    def structures(self) -> list[_Structure]:
        listed = self.data.get("structures", ["xinhe"])
        if not isinstance(listed, list) or not listed:
            self.problem(
                "structures",
                f"expected a list of example names, spec files or tables, found {show(listed)}",
            )
            return []
        found: list[_Structure] = []
        for i, entry in enumerate(listed):
            made = self.structure(f"structures[{i}]", entry)
            if made is None:
                continue
            if any(s.label == made.label for s in found):
                self.problem(
                    f"structures[{i}]",
                    f"a second structure labelled {quoted(made.label)}; give each a label",
                )
                continue
            found.append(made)
        return found

    def structure(self, where: str, entry: object) -> _Structure | None:
        if isinstance(entry, str):
            entry = {"example": entry} if entry in example_names() else {"spec": entry}
        if not isinstance(entry, dict):
            self.problem(
                where, f"expected an example name, a spec file or a table, found {show(entry)}"
            )
            return None
        kinds = [k for k in ("example", "spec", "preset") if k in entry]
        if len(kinds) != 1:
            self.problem(
                where,
                f"expected exactly one of example, spec, preset; found "
                f"{', '.join(kinds) or 'none'}",
            )
            return None
        kind = kinds[0]
        known = {
            "example": ("example", "label"),
            "spec": ("spec", "label"),
            "preset": ("preset", "seed", "label"),
        }[kind]
        before = len(self.problems)
        self.check_keys(entry, known, where)
        if len(self.problems) > before:
            return None
        value = entry[kind]
        label = entry.get("label")
        if label is not None and (not isinstance(label, str) or not label):
            self.problem(f"{where}.label", f"expected a name, found {show(label)}")
            return None
        if not isinstance(value, str) or not value or "\0" in value:
            self.problem(f"{where}.{kind}", f"expected a name, found {show(value)}")
            return None
        try:
            if kind == "example":
                if value not in example_names():
                    self.problem(
                        f"{where}.example",
                        f"no bundled example {quoted(value)}; "
                        f"expected one of {', '.join(example_names())}",
                    )
                    return None
                return _Structure(label=label or value, structure=load_example(value))
            if kind == "spec":
                path = self.base / value
                if path.suffix not in (".toml", ".json", ".yaml", ".yml") or not path.is_file():
                    self.problem(
                        f"{where}.spec",
                        f"expected a spec file (.toml, .json, .yaml) "
                        f"beside the experiment file or an example name"
                        f" ({', '.join(example_names())}), found "
                        f"{quoted(value)}",
                    )
                    return None
                return _Structure(label=label or path.stem, structure=load(path))
            seed = entry.get("seed", 0)
            if type(seed) is not int or not 0 <= seed < 2**63:
                self.problem(
                    f"{where}.seed", f"expected a whole number of 0 or more, found {show(seed)}"
                )
                return None
            return _Structure(label=label or f"{value}-{seed}", structure=preset(value, seed=seed))
        except GovModelError as err:
            self.problem(f"{where}.{kind}", _message(err))
        except OSError as err:
            self.problem(f"{where}.{kind}", f"cannot read the file: {err.strerror or err}")
        return None

    def ablations(
        self, structures: Sequence[_Structure]
    ) -> list[tuple[str, tuple[tuple[str, Structure, str], ...]]]:
        wanted = self.data.get("ablations", ["baseline"])
        out = []
        if wanted is True:
            wanted = {"combine": 1}
        if isinstance(wanted, dict):
            self.check_keys(wanted, ("combine",), "ablations")
            k = wanted.get("combine")
            if type(k) is not int or not 1 <= k <= len(ABLATIONS):
                self.problem(
                    "ablations.combine",
                    f"expected a whole number from 1 to {len(ABLATIONS)}, found {show(k)}",
                )
                return []
            for s in structures:
                found = variants(s.structure, combine=k)
                out.append((s.label, tuple((n, v, _structure_digest(v)) for n, v in found.items())))
            return out
        if not isinstance(wanted, list) or not wanted:
            self.problem(
                "ablations",
                f"expected a list of ablation sets, true, or {{combine = k}}; found {show(wanted)}",
            )
            return []
        sets: list[tuple[str, ...]] = []
        for i, entry in enumerate(wanted):
            names = [entry] if isinstance(entry, str) else entry
            if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
                self.problem(
                    f"ablations[{i}]",
                    f"expected an ablation name or a list of them, found {show(entry)}",
                )
                continue
            parts = [p for n in names for p in n.split("+")]
            if parts in (["baseline"], [], [""]):
                sets.append(())
                continue
            unknown = [p for p in parts if p not in ABLATIONS]
            if unknown:
                self.problem(
                    f"ablations[{i}]",
                    f"unknown ablation {show(unknown[0])}; "
                    f"expected baseline or some of "
                    f"{', '.join(ABLATIONS)}",
                )
                continue
            chosen = tuple(n for n in ABLATIONS if n in parts)
            if chosen in sets:
                self.problem(
                    f"ablations[{i}]",
                    f"the set {quoted('+'.join(chosen) or 'baseline')} is listed twice",
                )
                continue
            sets.append(chosen)
        for s in structures:
            made = []
            for chosen in sets:
                try:
                    variant = ablate(s.structure, chosen)
                except VariantError as err:  # pragma: no cover - the names were checked above
                    self.problem("ablations", str(err))
                    return []
                made.append(("+".join(chosen) or "baseline", variant, _structure_digest(variant)))
            out.append((s.label, tuple(made)))
        return out

    def policy_base(self) -> dict[str, Any] | None:
        value = self.data.get("policy", {})
        if isinstance(value, str):
            path = self.base / value
            try:
                data = tomllib.loads(path.read_text(encoding="utf-8"))
            except OSError as err:
                self.problem(
                    "policy", f"cannot read the policy file {quoted(value)}: {err.strerror or err}"
                )
                return None
            except (UnicodeDecodeError, tomllib.TOMLDecodeError, RecursionError, ValueError) as e:
                self.problem(
                    "policy",
                    f"the policy file {quoted(value)} is not valid TOML: {type(e).__name__}",
                )
                return None
            where = f"policy ({value})"
        elif isinstance(value, dict):
            data, where = value, "policy"
        else:
            self.problem(
                "policy",
                f"expected a policy file or a table of policy settings, found {show(value)}",
            )
            return None
        try:
            load_policy(data)
        except SpecError as err:
            self.problem(where, _message(err))
            return None
        if isinstance(value, dict):
            # A table's settings are parameters like the scenario's: a column each.
            self.policy_fixed = [
                (_column(path), leaf) for path, leaf in _leaves(data, ("policy",), into_lists=False)
            ]
            return {}
        return data

    def values(
        self,
    ) -> tuple[
        list[tuple[str, Any]],
        list[tuple[str, tuple[Any, ...]]],
        list[tuple[str, float, float, bool]],
        int,
        int,
    ]:
        fixed: list[tuple[str, Any]] = list(self.policy_fixed)
        for section in ("scenario",):
            table = self.data.get(section, {})
            if not isinstance(table, dict):
                self.problem(section, f"expected a table of Scenario fields, found {show(table)}")
                continue
            for path, value in _leaves(table, (section,), into_lists=False):
                if self.parameter(_column(path), path):
                    fixed.append((_column(path), value))
        grid: list[tuple[str, tuple[Any, ...]]] = []
        table = self.data.get("grid", {})
        if not isinstance(table, dict):
            self.problem(
                "grid", f"expected a table with scenario and policy tables, found {show(table)}"
            )
            table = {}
        self.check_keys(table, ("policy", "scenario"), "grid")
        for section in ("scenario", "policy"):
            inner = table.get(section, {})
            if not isinstance(inner, dict):
                self.problem(f"grid.{section}", f"expected a table, found {show(inner)}")
                continue
            for path, values in _leaves(inner, (section,), into_lists=True):
                where = _where(f"grid.{section}", path)
                if not self.parameter(where, path):
                    continue
                if not isinstance(values, list) or not values:
                    self.problem(where, f"expected a list of values to cross, found {show(values)}")
                    continue
                grid.append((_column(path), _alike(values)))
        sample: list[tuple[str, float, float, bool]] = []
        table = self.data.get("sample", {})
        if not isinstance(table, dict):
            self.problem(
                "sample", f"expected a table (n, seed, scenario, policy), found {show(table)}"
            )
            table = {}
        self.check_keys(table, ("n", "policy", "scenario", "seed"), "sample")
        for section in ("scenario", "policy"):
            inner = table.get(section, {})
            if not isinstance(inner, dict):
                self.problem(f"sample.{section}", f"expected a table, found {show(inner)}")
                continue
            for path, bounds in _leaves(inner, (section,), into_lists=True):
                where = _where(f"sample.{section}", path)
                if not self.parameter(where, path):
                    continue
                if (
                    not isinstance(bounds, list)
                    or len(bounds) != 2
                    or not all(
                        isinstance(b, int | float) and not isinstance(b, bool) and math.isfinite(b)
                        for b in bounds
                    )
                    or not bounds[0] < bounds[1]
                ):
                    self.problem(
                        where,
                        f"expected a range [low, high] of two finite numbers, "
                        f"low below high, found {show(bounds)}",
                    )
                    continue
                whole = all(type(b) is int for b in bounds)
                sample.append((_column(path), float(bounds[0]), float(bounds[1]), whole))
        if sample:
            try:
                import scipy.stats.qmc  # noqa: F401 - needed when the runs are made
            except ImportError:
                raise MissingExtraError("scipy", "stats", "Latin hypercube samples") from None
        n = table.get("n", 0 if not sample else None)
        samples = 0
        if sample or "n" in table:
            if type(n) is not int or not 1 <= n <= MAX_SAMPLES:
                self.problem(
                    "sample.n",
                    f"expected the number of points, 1 to {MAX_SAMPLES:,}, found {show(n)}",
                )
            else:
                samples = n
        sample_seed = table.get("seed", 0)
        if type(sample_seed) is not int or not 0 <= sample_seed < _MAX_SEED:
            self.problem(
                "sample.seed", f"expected a seed from 0 to 2**128 - 1, found {show(sample_seed)}"
            )
            sample_seed = 0
        columns = [c for c, _ in fixed] + [c for c, _ in grid] + [c for c, *_ in sample]
        for column in sorted({c for c in columns if columns.count(c) > 1}):
            self.problem(column, "set more than once (fixed, grid, sample): expected one of them")
        return fixed, grid, sample, samples, sample_seed

    def parameter(self, where: str, path: Path_) -> bool:
        """Whether ``path`` names a value a run can take; notes the problem if not."""
        if path[0] == "policy":
            return True
        name = path[1]
        if name not in _SCENARIO_FIELDS:
            self.problem(
                where,
                f"not a Scenario field; expected one of {', '.join(sorted(_SCENARIO_FIELDS))}",
            )
            return False
        if len(path) > 3 or (len(path) == 3 and name not in _MAPPING_FIELDS):
            self.problem(where, f"{name} has no fields of its own to set")
            return False
        return True

    def check_values(self, experiment: Experiment) -> None:
        """Each value alone, on top of the fixed ones, must make a scenario and a policy."""
        try:
            experiment._build(())
        except ExperimentError as err:
            self.problem("scenario", err.message)
            return
        for column, values in experiment.grid:
            for i, value in enumerate(values):
                try:
                    experiment._build(((column, value),))
                except ExperimentError as err:
                    self.problem(f"grid.{column}[{i}]", err.message)
        for column, low, high, whole in experiment.sample:
            for i, value in enumerate((low, high)):
                try:
                    experiment._build(((column, int(value) if whole else value),))
                except ExperimentError as err:
                    self.problem(f"sample.{column}[{i}]", err.message)

    def reporters(self) -> tuple[str, ...]:
        value = self.data.get("reporters", [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.problem("reporters", f"expected a list of reporter names, found {show(value)}")
            return ()
        for i, name in enumerate(value):
            try:
                _reporter(name)
            except ExperimentError as err:
                self.problem(f"reporters[{i}]", err.message)
        if len(set(value)) != len(value):
            self.problem("reporters", "expected each reporter once, found one listed twice")
        return tuple(value)


def _reporter(name: str) -> Reporter:
    """The reporter a file names: a built-in one, or ``module:function``."""
    if name in REPORTERS:
        return REPORTERS[name]
    module, colon, attribute = name.partition(":")
    if not colon or not module or not attribute:
        raise ExperimentError(
            "reporters",
            f"expected a built-in reporter ({', '.join(REPORTERS)}) or module:function, "
            f"found {quoted(name)}",
        )
    try:
        found = importlib.import_module(module)
    except Exception as err:  # noqa: BLE001 - any import failure of a user's module is named
        raise ExperimentError(
            "reporters",
            f"expected an importable module:function, found {quoted(name)}, whose module "
            f"cannot be imported ({type(err).__name__}: {err})",
        ) from None
    function = getattr(found, attribute, None)
    if not callable(function):
        raise ExperimentError(
            "reporters",
            f"expected a function {quoted(attribute)} in {quoted(module)}, found "
            f"{show(function) if function is not None else 'none'}",
        )
    reporter: Reporter = function
    return reporter


def _read_file(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as err:
        raise ExperimentError(str(path), f"cannot read the file: {err.strerror or err}") from None
    except UnicodeDecodeError as err:
        raise ExperimentError(str(path), f"expected UTF-8 text: {err.reason}") from None
    except tomllib.TOMLDecodeError as err:
        raise ExperimentError(str(path), f"not valid TOML: {err}") from None
    except RecursionError:
        raise ExperimentError(str(path), "not valid TOML: nested too deeply") from None
    except ValueError:
        raise ExperimentError(
            str(path),
            f"cannot read: expected a path without NUL and integers of at most "
            f"{MAX_INT_DIGITS} digits",
        ) from None


def load_experiment(source: str | os.PathLike[str] | Mapping[str, Any]) -> Experiment:
    """The experiment an experiment file (TOML) or a mapping of its keys describes.

    Spec and policy files are read relative to the experiment file (to the
    working directory for a mapping). Every problem is found at once.

    Raises
    ------
    ExperimentError
        For a file that cannot be read, or any key with a problem: the
        message names the key path, what was expected and what was found
        (``grid.scenario.hotline[1]: ...``), one problem per line.
    MissingExtraError
        A Latin hypercube sample without scipy (``govmodel[stats]``).

    Examples
    --------
    >>> e = load_experiment({"structures": ["xinhe"], "seeds": [1, 2],
    ...                      "ablations": [["no_owners_committee", "no_mediation_room"]],
    ...                      "scenario": {"days": 30, "handling_hours": {"street": 60}}})
    >>> e.count(), e.fixed
    (2, (('scenario.days', 30), ('scenario.handling_hours.street', 60)))
    >>> next(e.runs()).ablation
    'no_owners_committee+no_mediation_room'
    >>> load_experiment({"seeds": 0, "colour": "red"})
    Traceback (most recent call last):
    ...
    govmodel.simulation.experiment.ExperimentError: experiment: 2 problems
      colour: unknown key; expected some of ablations, baseline, format, grid, ...
      seeds: expected a count from 1 to 4,294,967,296 or a list of seeds, found the integer 0
    >>> load_experiment({"grid": {"scenario": {"hotline": [0.5, 2]}}})
    Traceback (most recent call last):
    ...
    govmodel.simulation.experiment.ExperimentError: experiment: grid.scenario.hotline[1]: ...
    """
    if isinstance(source, Mapping):
        data: Any = source
        base = Path.cwd()
        name = "experiment"
        where = "experiment"
    elif isinstance(source, str | os.PathLike):
        path = Path(source)
        data = _read_file(path)
        base = path.parent
        name = path.stem
        where = str(path)
    else:
        raise ExperimentError(
            "", f"expected an experiment file or a mapping, found {type(source).__name__}"
        )
    reader = _Reader(data, base)
    reader.check_keys(data, _KEYS, "")
    seed = reader.whole("seed", 0, 0, _MAX_SEED)
    seeds = reader.seeds()
    title = reader.text("name", name)
    baseline = reader.text("baseline", "baseline")
    fmt = reader.text("format", "csv", _FORMATS)
    series = data.get("series", False)
    if series is not False and series not in _SERIES:
        reader.problem(
            "series", f"expected false or one of {', '.join(_SERIES)}, found {show(series)}"
        )
        series = False
    reporters = reader.reporters()
    policy_base = reader.policy_base()
    fixed, grid, sample, samples, sample_seed = reader.values()
    structures = reader.structures()
    made = reader.ablations(structures) if structures else []
    if not reader.problems:
        experiment = Experiment(
            name=title or name,
            source=where,
            variants=tuple(made),
            fixed=tuple(fixed),
            grid=tuple(grid),
            sample=tuple(sample),
            samples=samples,
            sample_seed=sample_seed,
            policy_base=policy_base or {},
            seed=seed or 0,
            seeds=seeds or 1,
            baseline=baseline or "baseline",
            reporters=reporters,
            format=fmt or "csv",
            series=series or None,
        )
        reader.check_values(experiment)
        if (
            not reader.problems
            and "baseline" in data
            and baseline not in {a for _, sets in made for a, *_ in sets}
        ):
            reader.problem(
                "baseline", f"expected one of the ablation sets run, found {quoted(str(baseline))}"
            )
        if not reader.problems:
            return experiment
    problems = reader.problems
    if len(problems) == 1:
        raise ExperimentError(f"{where}: {problems[0].location}", problems[0].message)
    listed = "".join(f"\n  {p}" for p in problems)
    raise ExperimentError(where, f"{len(problems)} problems{listed}")


# -- Running ---------------------------------------------------------------------------

_Task = tuple[
    Structure | _Packed, Scenario, Policy, int, tuple[int, ...], Row, tuple[str, ...], bool
]


def _perform(task: _Task) -> tuple[Row, list[Row]]:
    """Run one task in a worker: its row and its series rows."""
    shipped, scenario, policy, entropy, spawn_key, head, reporters, series = task
    structure = _unpack(shipped) if isinstance(shipped, _Packed) else shipped
    sequence = np.random.SeedSequence(entropy, spawn_key=spawn_key)
    result = simulate(structure, scenario, seed=sequence, policy=policy)
    base = run_row(result, days=scenario.days, spawn_key=head["spawn_key"])
    row: Row = dict(head)
    row["structure_name"] = structure.name
    row["govmodel_version"] = _version()
    for name in ROW_FIELDS:
        if name not in row:
            row[name] = base[name]
    for i, name in enumerate(reporters):
        try:
            extra = _reporter(name)(result)
        except GovModelError:
            raise
        except Exception as err:  # noqa: BLE001 - a user's reporter: its failure is named
            raise ExperimentError(
                f"reporters[{i}]", f"{name} raised {type(err).__name__}: {err}"
            ) from None
        if not isinstance(extra, Mapping):
            raise ExperimentError(
                f"reporters[{i}]", f"{name}: expected a mapping of columns, found {show(extra)}"
            )
        for column, value in extra.items():
            if not isinstance(column, str) or column in row:
                raise ExperimentError(
                    f"reporters[{i}]",
                    f"{name}: expected new column names, found {show(column)}",
                )
            plain = value.item() if isinstance(value, np.generic) else value
            if plain is not None and not isinstance(plain, bool | int | float | str):
                raise ExperimentError(
                    f"reporters[{i}]",
                    f"{name}: expected plain values (None, bool, int, float, str), "
                    f"found {show(value)} in {column}",
                )
            row[column] = plain
    rows = _monthly(result, head["run_key"]) if series else []
    return row, rows


@functools.cache
def _version() -> str:
    """The installed govmodel's version, as ``govmodel --version`` gives it."""
    try:
        return metadata.version("govmodel")
    except metadata.PackageNotFoundError:  # pragma: no cover - a checkout not installed
        return "unknown (not installed)"


@attrs.frozen(kw_only=True)
class ExperimentSummary:
    """What ``run_experiment`` did.

    Attributes
    ----------
    runs
        The runs of the experiment.
    ran
        The runs simulated by this call.
    skipped
        The runs left out because their row was already in the output.
    rows, series
        Where the rows and the per-period series (``None`` without) are.
    """

    runs: int
    ran: int
    skipped: int
    rows: str
    series: str | None


def _tasks(
    experiment: Experiment, done: set[str], executor: Executor | None, skipped: list[int]
) -> Iterator[_Task]:
    packed: dict[int, tuple[Structure, _Packed]] = {}
    for run in experiment.runs():
        head = run.head()
        if head["run_key"] in done:
            skipped[0] += 1
            continue
        shipped: Structure | _Packed = run.structure
        if executor is not None:
            entry = packed.get(id(run.structure))
            if entry is None:
                entry = packed[id(run.structure)] = (run.structure, _Packed.of(run.structure))
            shipped = entry[1]
        yield (
            shipped,
            run.scenario,
            run.policy,
            run.seed_entropy,
            run.spawn_key,
            head,
            experiment.reporters,
            experiment.series is not None,
        )


def run_experiment(
    experiment: Experiment,
    out: str | os.PathLike[str],
    *,
    executor: Executor | None = None,
    resume: bool = False,
    progress: Callable[[int], None] | None = None,
    window: int | None = None,
) -> ExperimentSummary:
    """Run an experiment, appending each finished row to ``out`` at once.

    ``out`` is a directory: ``rows.csv`` (or ``rows.parquet/``, a Parquet
    dataset) holds a row per run, in run order, each written and flushed as
    its run finishes; ``series.csv`` (or ``series.parquet/``) the per-period
    series when the experiment asks for one. The rows are the same whatever
    the executor or the number of workers.

    Parameters
    ----------
    experiment
        What to run (``load_experiment``).
    out
        The output directory; made when missing.
    executor
        Where to run; serially in this process when ``None``. A Dask
        ``Client.get_executor()`` works as for ``sweep``.
    resume
        Skip the runs whose ``run_key`` is already in ``out``: after an
        interrupt, the rows end up exactly those of an uninterrupted run.
        Without it, ``out`` must hold no rows.
    progress
        Called after each run with the number of runs done, those found in
        the output included: a count up to ``experiment.count()``.
    window
        How many runs may be in flight at once (as for ``sweep``).

    Raises
    ------
    ExperimentError
        ``out`` holds rows and ``resume`` is false, or its rows are not an
        experiment's; a reporter that fails, or a combination of values that
        makes no scenario (every row finished before is kept).
    MissingExtraError
        Parquet output without pyarrow (``govmodel[parquet]``).

    Examples
    --------
    >>> import tempfile
    >>> e = load_experiment({"structures": ["zhuanqiao"], "seeds": 2,
    ...                      "scenario": {"days": 15}, "reporters": ["open_backlog"],
    ...                      "series": "monthly"})
    >>> with tempfile.TemporaryDirectory() as d:
    ...     first = run_experiment(e, d)
    ...     again = run_experiment(e, d, resume=True)
    ...     rows, series = read_rows(d), read_series(d)
    >>> first.ran, again.ran, again.skipped, len(rows), "backlog_end" in rows[0]
    (2, 0, 2, 2, True)
    >>> sorted({s["measure"] for s in series}), len(series)
    (['backlog', 'reported', 'resolved'], 6)
    """
    directory = Path(out)
    tables = _tables(directory, experiment.format, series=experiment.series is not None)
    rows_table, series_table = tables
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise ExperimentError("out", f"cannot make the directory: {err.strerror or err}") from None
    done = rows_table.keys()
    if done and not resume:
        raise ExperimentError(
            "out",
            f"{rows_table.path} holds {len(done)} rows already; resume (--resume) to add the runs "
            "missing, or choose another directory",
        )
    design = _design(experiment)
    if done:
        _check_same_design(directory, design)
    if series_table is not None:
        series_table.keep(done)
    _write_description(directory, experiment, design)
    skipped = [0]
    tasks = _tasks(experiment, done, executor, skipped)
    limit = window if window is not None else max(2, 4 * (os.cpu_count() or 1))
    ran = 0
    try:
        # The runs found in the output count as done, so a bar over all the runs is right.
        counted = None if progress is None else (lambda n: progress(skipped[0] + n))
        for row, series_rows in _stream(
            tasks, _perform, executor=executor, window=limit, progress=counted
        ):
            if series_table is not None:
                series_table.append(series_rows)
            rows_table.append([row])
            ran += 1
    finally:
        rows_table.close()
        if series_table is not None:
            series_table.close()
    return ExperimentSummary(
        runs=experiment.count(),
        ran=ran,
        skipped=skipped[0],
        rows=str(rows_table.path),
        series=str(series_table.path) if series_table is not None else None,
    )


def _design(experiment: Experiment) -> str:
    """A digest of what decides an experiment's runs, but its name, file and number of seeds.

    More seeds extend an experiment: resuming with them adds their runs.
    """
    structures = [
        [label, [[name, digest] for name, _, digest in sets]] for label, sets in experiment.variants
    ]
    return _sha256(
        _canonical(
            {
                "structures": structures,
                "fixed": experiment.fixed,
                "grid": experiment.grid,
                "sample": [experiment.sample, experiment.samples, experiment.sample_seed],
                "policy": experiment.policy_base,
                "seed": experiment.seed,
                "reporters": experiment.reporters,
                "format": experiment.format,
                "series": experiment.series,
            }
        )
    )


def _check_same_design(directory: Path, design: str) -> None:
    """Refuse to resume into a directory whose rows another experiment made.

    Rows without an ``experiment.json`` beside them are taken as they are.
    """
    path = directory / "experiment.json"
    if not path.exists():
        return
    try:
        found = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        found = None
    if not isinstance(found, dict) or found.get("design") != design:
        raise ExperimentError(
            "out",
            f"{directory} holds the rows of another experiment (its experiment.json describes "
            "other structures, ablations, values or outputs): resume only the experiment that "
            "wrote them (more seeds may be added), or choose another directory",
        )


def _write_description(directory: Path, experiment: Experiment, design: str) -> None:
    """``experiment.json``: what made the rows, for the reader of the directory."""
    description = {
        "design": design,
        "name": experiment.name,
        "source": experiment.source,
        "govmodel_version": _version(),
        "runs": experiment.count(),
        "baseline": experiment.baseline,
        "format": experiment.format,
        "series": experiment.series,
        "reporters": list(experiment.reporters),
    }
    (directory / "experiment.json").write_text(
        json.dumps(description, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )


# -- Output tables -------------------------------------------------------------------


class _Table:
    """An append-only table of rows on disk whose every appended row survives an interrupt."""

    path: Path

    def keys(self) -> set[str]:
        raise NotImplementedError

    def keep(self, keys: set[str]) -> None:
        """Drop the rows whose ``run_key`` is not in ``keys`` (runs without their row)."""
        raise NotImplementedError

    def append(self, rows: list[Row]) -> None:
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError


def _tables(directory: Path, fmt: str, *, series: bool) -> tuple[_Table, _Table | None]:
    if fmt == "parquet":
        _pyarrow()
        return _ParquetTable(directory / "rows.parquet"), (
            _ParquetTable(directory / "series.parquet") if series else None
        )
    return _CsvTable(directory / "rows.csv"), (
        _CsvTable(directory / "series.csv", columns=SERIES_FIELDS) if series else None
    )


# RFC 4180's line end: the csv module quotes a cell holding a character of the
# line end, so with "\r\n" a cell holding either "\r" or "\n" reads back whole.
_LINE_END = "\r\n"


class _CsvTable(_Table):
    """A CSV file: the header from the first row, then one flushed line per row.

    A line cut short by an interrupt (no newline at its end) is removed before
    more rows are appended.
    """

    def __init__(self, path: Path, columns: Sequence[str] | None = None) -> None:
        self.path = path
        self.columns: list[str] | None = list(columns) if columns is not None else None
        self.stream: Any = None

    def _repair(self) -> None:
        if not self.path.exists():
            return
        data = self.path.read_bytes()
        if data and not data.endswith(b"\n"):
            with open(self.path, "r+b") as f:
                f.truncate(data.rfind(b"\n") + 1)

    def _records(self) -> list[dict[str, str]]:
        self._repair()
        if not self.path.exists():
            return []
        with open(self.path, encoding="utf-8", newline="") as f:
            reader = csv.DictReader(f)
            records = list(reader)
            if reader.fieldnames is not None:
                self.columns = list(reader.fieldnames)
        return records

    def keys(self) -> set[str]:
        records = self._records()
        if records and (self.columns is None or "run_key" not in self.columns):
            raise ExperimentError("out", f"{self.path} holds rows without a run_key column")
        return {r["run_key"] for r in records}

    def keep(self, keys: set[str]) -> None:
        records = self._records()
        kept = [r for r in records if r.get("run_key") in keys]
        if len(kept) == len(records):
            return
        temporary = self.path.with_suffix(".tmp")
        with open(temporary, "w", encoding="utf-8", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=self.columns or [], lineterminator=_LINE_END)
            writer.writeheader()
            writer.writerows(kept)
        temporary.replace(self.path)

    def append(self, rows: list[Row]) -> None:
        if not rows:
            return
        if self.stream is None:
            self._repair()
            fresh = not self.path.exists() or self.path.stat().st_size == 0
            if not fresh and self.columns is None:
                self._records()
            self.stream = open(self.path, "a", encoding="utf-8", newline="")  # noqa: SIM115
            if fresh:
                if self.columns is None:
                    self.columns = list(rows[0])
                csv.writer(self.stream, lineterminator=_LINE_END).writerow(self.columns)
        columns = self.columns or []
        writer = csv.writer(self.stream, lineterminator=_LINE_END)
        for row in rows:
            if list(row) != columns:
                raise ExperimentError(
                    "out",
                    f"a row with the columns {', '.join(row)}, where {self.path} has "
                    f"{', '.join(columns)}; the output holds another experiment's rows",
                )
            writer.writerow([_cell(row[c]) for c in columns])
        self.stream.flush()

    def close(self) -> None:
        if self.stream is not None:
            self.stream.close()
            self.stream = None


def _pyarrow() -> Any:
    try:
        import pyarrow
        import pyarrow.parquet
    except ImportError:
        raise MissingExtraError("pyarrow", "parquet", "Parquet output") from None
    return pyarrow


class _ParquetTable(_Table):
    """A Parquet dataset: a directory of part files, and a journal of the rows since the last.

    Each row goes to ``journal.jsonl`` at once (flushed); every
    ``batch`` rows, and at the end, the journal becomes the next part file
    (written aside, then renamed) and is emptied. A journal left by an
    interrupt becomes a part when the table is opened again.
    """

    batch = 512

    def __init__(self, path: Path) -> None:
        self.path = path
        self.journal = path / "journal.jsonl"
        self.pending: list[Row] = []
        self.stream: Any = None
        self.schema: Any = None

    def _parts(self) -> list[Path]:
        return sorted(self.path.glob("part-*.parquet"))

    def _journal_rows(self) -> list[Row]:
        if not self.journal.exists():
            return []
        rows = []
        for line in self.journal.read_text(encoding="utf-8").split("\n"):
            try:
                rows.append(json.loads(line))
            except ValueError:
                continue  # a line cut short by an interrupt: its run is run again
        return rows

    def _flush_journal(self) -> None:
        rows = self._journal_rows()
        if rows:
            self._write_part(rows)
        if self.journal.exists():
            self.journal.unlink()

    def _write_part(self, rows: list[Row]) -> None:
        pyarrow = _pyarrow()
        parts = self._parts()
        if self.schema is None:
            self.schema = pyarrow.parquet.read_schema(parts[0]) if parts else _schema(pyarrow, rows)
        try:
            table = pyarrow.Table.from_pylist(rows, schema=self.schema)
        except (pyarrow.ArrowInvalid, pyarrow.ArrowTypeError, TypeError, ValueError) as err:
            raise ExperimentError(
                "out",
                f"a row whose values do not fit the types of the columns of {self.path} "
                f"(a column keeps the type of its first values): {err}",
            ) from None
        index = len(parts)
        target = self.path / f"part-{index:06d}.parquet"
        temporary = self.path / f".part-{index:06d}.tmp"
        pyarrow.parquet.write_table(table, temporary)
        temporary.replace(target)

    def keys(self) -> set[str]:
        if not self.path.exists():
            return set()
        self._flush_journal()
        pyarrow = _pyarrow()
        found: set[str] = set()
        for part in self._parts():
            found.update(
                pyarrow.parquet.read_table(part, columns=["run_key"])["run_key"].to_pylist()
            )
        return found

    def keep(self, keys: set[str]) -> None:
        if not self.path.exists():
            return
        self._flush_journal()
        pyarrow = _pyarrow()
        for part in self._parts():
            table = pyarrow.parquet.read_table(part)
            rows = table.to_pylist()
            kept = [r for r in rows if r["run_key"] in keys]
            if len(kept) != len(rows):
                temporary = part.with_suffix(".tmp")
                pyarrow.parquet.write_table(
                    table.filter(pyarrow.array([r["run_key"] in keys for r in rows])), temporary
                )
                temporary.replace(part)

    def append(self, rows: list[Row]) -> None:
        if self.stream is None:
            self.path.mkdir(parents=True, exist_ok=True)
            self._flush_journal()
            self.stream = open(self.journal, "a", encoding="utf-8")  # noqa: SIM115
        for row in rows:
            self.stream.write(json.dumps(row, ensure_ascii=False) + "\n")
        self.stream.flush()
        self.pending.extend(rows)
        if len(self.pending) >= self.batch:
            self._cut()

    def _cut(self) -> None:
        self.stream.close()
        self.stream = None
        self._write_part(self.pending)
        self.journal.unlink()
        self.pending = []

    def close(self) -> None:
        if self.stream is not None:
            if self.pending:
                self._cut()
            else:
                self.stream.close()
                self.stream = None

    def read(self) -> list[Row]:
        """Every row: the parts', then the journal's."""
        pyarrow = _pyarrow()
        rows: list[Row] = []
        for part in self._parts():
            rows.extend(pyarrow.parquet.read_table(part).to_pylist())
        rows.extend(self._journal_rows())
        return rows


def _schema(pyarrow: Any, rows: list[Row]) -> Any:
    """The types of the columns, from the first rows written: string, bool, int64 or float64.

    A column of whole numbers is int64; one with a float, or with no value at
    all in these rows, float64, since a measure with no value is a float's NaN.
    Every later part keeps these types.
    """
    fields = []
    for column in rows[0]:
        values = [r[column] for r in rows if r.get(column) is not None]
        if column in _TEXT_COLUMNS or any(isinstance(v, str) for v in values):
            kind = pyarrow.string()
        elif values and all(isinstance(v, bool) for v in values):
            kind = pyarrow.bool_()
        elif values and all(isinstance(v, int) for v in values) and column not in _FLOAT_COLUMNS:
            kind = pyarrow.int64()
        else:
            kind = pyarrow.float64()
        fields.append(pyarrow.field(column, kind))
    return pyarrow.schema(fields)


_TEXT_COLUMNS = frozenset(
    {
        "run_key",
        "label",
        "structure",
        "ablation",
        "seed_entropy",
        "spawn_key",
        "structure_name",
        "structure_sha256",
        "policy_sha256",
        "govmodel_version",
        "period",
        "measure",
    }
)
_FLOAT_COLUMNS = frozenset(
    name
    for name in ROW_FIELDS
    if name.endswith(("_rate", "_hours")) or name.startswith("contained_")
) | {"backlog_mean"}


def read_rows(out: str | os.PathLike[str]) -> list[dict[str, Any]]:
    """The rows of an experiment's output directory, in the order written.

    CSV cells come back as text (empty for a missing value); Parquet values
    with their types.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as d:
    ...     read_rows(d)
    []
    """
    directory = Path(out)
    if (directory / "rows.parquet").exists():
        return _ParquetTable(directory / "rows.parquet").read()
    path = directory / "rows.csv"
    if not path.exists():
        return []
    return [dict(r) for r in _CsvTable(path)._records()]


def read_series(out: str | os.PathLike[str]) -> list[dict[str, Any]]:
    """The per-period series of an experiment's output directory, in long form.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as d:
    ...     read_series(d)
    []
    """
    directory = Path(out)
    if (directory / "series.parquet").exists():
        return _ParquetTable(directory / "series.parquet").read()
    path = directory / "series.csv"
    if not path.exists():
        return []
    return [dict(r) for r in _CsvTable(path)._records()]

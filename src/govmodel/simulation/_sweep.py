"""Sweeps: many (structure, scenario, seed) runs on any executor, as tidy rows.

``sweep(runs, executor=None, seed=0)`` runs each ``Run`` through
``simulate`` and yields one row per run — a flat mapping of plain values —
in the order of the runs. Seeds come from one ``numpy.random.SeedSequence``:
a run without its own seed gets the next child spawned from the sweep's root,
in run order, and the row records it, so the rows are the same whatever the
executor or the number of workers.

Executors: ``None`` runs serially in this process; any
``concurrent.futures.Executor`` works (``ProcessPoolExecutor``, or a Dask
cluster's ``Client.get_executor()``, given ``pure=False`` so every run really
runs — govmodel passes it for Dask executors). At most ``window`` runs are in
flight at once, so memory does not grow with the number of runs. An executor
given by the caller is never shut down.

Examples
--------
>>> from govmodel import examples
>>> from govmodel.simulation import Run, Scenario, sweep
>>> s = examples.load("xinhe")
>>> rows = list(sweep([Run(structure=s, scenario=Scenario(days=30), label="xinhe")] * 2))
>>> [row["label"] for row in rows], rows[0]["spawn_key"] != rows[1]["spawn_key"]
(['xinhe', 'xinhe'], True)
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import pickle
import threading
from collections import OrderedDict, deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import Executor, Future
from typing import Any, TextIO, TypeVar

import attrs
import numpy as np

from govmodel.errors import MissingExtraError
from govmodel.model import Tier
from govmodel.rules.policy import DEFAULT_POLICY, Policy
from govmodel.simulation.engine import SimulationResult, simulate
from govmodel.simulation.scenario import Scenario
from govmodel.structure import Structure

__all__ = ["ROW_FIELDS", "Run", "rows_to_frame", "run_row", "sweep", "write_csv", "write_jsonl"]

Row = dict[str, Any]
_P = TypeVar("_P")
_R = TypeVar("_R")


@attrs.frozen(kw_only=True)
class Run:
    """One simulation to run in a sweep.

    Parameters
    ----------
    structure
        The structure (or a variant of it).
    scenario
        The assumptions; ``Scenario()`` by default.
    seed
        An int for this run alone; ``None`` to take the next seed spawned from
        the sweep's root sequence.
    label
        A name carried into the row (e.g. the variant's name).
    policy
        The rules' policy.

    Examples
    --------
    >>> from govmodel import examples
    >>> Run(structure=examples.load("xinhe"), label="baseline").label
    'baseline'
    """

    structure: Structure
    scenario: Scenario = attrs.field(factory=Scenario)
    seed: int | None = None
    label: str = ""
    policy: Policy = DEFAULT_POLICY


ROW_FIELDS = (
    "label",
    "structure",
    "seed_entropy",
    "spawn_key",
    "days",
    "cases",
    "resolved",
    "open",
    "escaped",
    "hotline",
    "response_rate",
    "resolution_rate",
    "satisfaction_rate",
    "on_time_rate",
    "revisit_coverage",
    "reopen_rate",
    *(f"contained_{tier.value}" for tier in Tier),
    "mean_hours_to_resolution",
    "median_hours_to_resolution",
    "p90_hours_to_resolution",
    "escalations",
    "km_median_hours",
    "restricted_mean_hours",
    "on_time_with_open_rate",
    "hotline_dispatched",
    "hotline_resolution_rate",
    "hotline_satisfaction_rate",
    "front_desk",
    "latent_found",
)
"""The columns of a sweep row, in order."""


def run_row(
    result: SimulationResult,
    *,
    label: str = "",
    structure: str = "",
    days: int,
    spawn_key: str = "",
) -> Row:
    """The tidy row of one simulation result.

    Examples
    --------
    >>> from govmodel import examples
    >>> from govmodel.simulation import Scenario, simulate
    >>> r = simulate(examples.load("xinhe"), Scenario(days=30), seed=3)
    >>> row = run_row(r, label="x", days=30)
    >>> list(row) == list(ROW_FIELDS), row["cases"] == len(r.outcomes)
    (True, True)
    """
    m = result.metrics
    counts = result.outcome_counts
    hours = result.hours_to_resolution
    containment = m.containment
    entropy = result.seed if isinstance(result.seed, int) else result.seed[0]
    row: Row = {
        "label": label,
        "structure": structure,
        "seed_entropy": str(entropy),
        "spawn_key": spawn_key,
        "days": days,
        "cases": result.metrics.reported,
        "resolved": counts["resolved"],
        "open": counts["open"],
        "escaped": counts["escaped"],
        "hotline": result.hotline,
        "response_rate": m.response_rate,
        "resolution_rate": m.resolution_rate,
        "satisfaction_rate": m.satisfaction_rate,
        "on_time_rate": m.on_time_rate,
        "revisit_coverage": m.revisit_coverage,
        "reopen_rate": m.reopen_rate,
    }
    for tier in Tier:
        row[f"contained_{tier.value}"] = containment[tier] if containment is not None else None
    row["mean_hours_to_resolution"] = float(hours.mean()) if hours.size else None
    row["median_hours_to_resolution"] = float(np.median(hours)) if hours.size else None
    row["p90_hours_to_resolution"] = float(np.quantile(hours, 0.9)) if hours.size else None
    row["escalations"] = result.escalations
    # Time counting open cases: Kaplan-Meier over the period (open cases censored at
    # its end), and on time with the open cases already past due counted late.
    km = result.time_to_resolution
    row["km_median_hours"] = km.median
    row["restricted_mean_hours"] = km.restricted_mean(days * 24.0)
    row["on_time_with_open_rate"] = result.on_time.rate
    hotline = result.hotline_metrics
    row["hotline_dispatched"] = hotline.reported
    row["hotline_resolution_rate"] = hotline.resolution_rate
    row["hotline_satisfaction_rate"] = hotline.satisfaction_rate
    row["front_desk"] = result.front_desk
    row["latent_found"] = m.findings
    return row


@attrs.frozen(eq=False)
class _Packed:
    """A structure pickled once per sweep and unpickled once per worker.

    Sending the ``Structure`` with every run would pickle it again for each
    run in the sweep's own process, and each run would start with a fresh
    copy whose routing tables are not built yet. A packed structure is
    pickled once; a worker keeps the last few it unpacked, tables and all.
    """

    digest: str
    data: bytes

    @classmethod
    def of(cls, structure: Structure) -> _Packed:
        data = pickle.dumps(structure, protocol=pickle.HIGHEST_PROTOCOL)
        return cls(hashlib.blake2b(data, digest_size=16).hexdigest(), data)


_UNPACKED: OrderedDict[str, Structure] = OrderedDict()
_UNPACKED_LOCK = threading.Lock()
_KEEP_UNPACKED = 4


def _unpack(packed: _Packed) -> Structure:
    with _UNPACKED_LOCK:
        kept = _UNPACKED.get(packed.digest)
        if kept is not None:
            _UNPACKED.move_to_end(packed.digest)
            return kept
    structure: Structure = pickle.loads(packed.data)
    with _UNPACKED_LOCK:
        _UNPACKED[packed.digest] = structure
        while len(_UNPACKED) > _KEEP_UNPACKED:
            _UNPACKED.popitem(last=False)
    return structure


_Payload = tuple[Structure | _Packed, Scenario, Policy, str, np.random.SeedSequence, str]


def _execute(payload: _Payload) -> Row:
    shipped, scenario, policy, label, sequence, spawn_key = payload
    structure = _unpack(shipped) if isinstance(shipped, _Packed) else shipped
    result = simulate(structure, scenario, seed=sequence, policy=policy)
    return run_row(
        result,
        label=label,
        structure=structure.name,
        days=scenario.days,
        spawn_key=spawn_key,
    )


def _is_dask(executor: Executor) -> bool:
    return type(executor).__module__.startswith("distributed")


def sweep(
    runs: Iterable[Run],
    *,
    executor: Executor | None = None,
    seed: int = 0,
    window: int | None = None,
    progress: Callable[[int], None] | None = None,
) -> Iterator[Row]:
    """Run every ``Run`` and yield its row, in run order.

    Parameters
    ----------
    runs
        The runs; any iterable, consumed lazily.
    executor
        Where to run them; serially in this process when ``None``.
    seed
        The entropy of the root ``SeedSequence`` the runs' seeds are spawned
        from.
    window
        How many runs may be in flight at once (default: 4 per CPU of this
        machine); rows stream out as the earliest finishes.
    progress
        Called with the number of rows yielded so far, after each row.

    Examples
    --------
    >>> from concurrent.futures import ThreadPoolExecutor
    >>> from govmodel import examples
    >>> from govmodel.simulation import Run, Scenario, sweep
    >>> runs = [Run(structure=examples.load("zhuanqiao"), scenario=Scenario(days=20))] * 3
    >>> serial = list(sweep(runs, seed=5))
    >>> with ThreadPoolExecutor(2) as pool:
    ...     threaded = list(sweep(runs, seed=5, executor=pool))
    >>> serial == threaded
    True
    """
    root = np.random.SeedSequence(seed)
    limit = window if window is not None else max(2, 4 * (os.cpu_count() or 1))
    if limit < 1:
        raise ValueError(f"window: expected 1 or more, found {limit}")

    # Each structure is packed once (by identity) when the runs go to other workers.
    packed: dict[int, tuple[Structure, _Packed]] = {}

    def ship(structure: Structure) -> Structure | _Packed:
        if executor is None:
            return structure
        entry = packed.get(id(structure))
        if entry is None:
            entry = packed[id(structure)] = (structure, _Packed.of(structure))
        return entry[1]

    def payloads() -> Iterator[_Payload]:
        for run in runs:
            if not isinstance(run, Run):
                raise TypeError(f"runs: expected Run objects, found {type(run).__name__}")
            if run.seed is None:
                (sequence,) = root.spawn(1)
                key = f"{seed}:" + ".".join(str(k) for k in sequence.spawn_key)
            else:
                sequence = np.random.SeedSequence(run.seed)
                key = str(run.seed)
            yield ship(run.structure), run.scenario, run.policy, run.label, sequence, key

    yield from _stream(payloads(), _execute, executor=executor, window=limit, progress=progress)


def _stream(
    payloads: Iterable[_P],
    work: Callable[[_P], _R],
    *,
    executor: Executor | None,
    window: int,
    progress: Callable[[int], None] | None,
) -> Iterator[_R]:
    """``work`` of each payload, in payload order, with at most ``window`` in flight.

    The loop both ``sweep`` and the experiment runner stream their runs
    through: serial when ``executor`` is ``None``; ``pure=False`` for Dask so
    that every submission really runs; ``progress`` called with the count so
    far after each result.
    """
    done = 0
    if executor is None:
        for payload in payloads:
            yield work(payload)
            done += 1
            if progress is not None:
                progress(done)
        return
    extra: dict[str, Any] = {"pure": False} if _is_dask(executor) else {}
    pending: deque[Future[_R]] = deque()
    source = iter(payloads)
    exhausted = False
    while True:
        while not exhausted and len(pending) < window:
            try:
                payload = next(source)
            except StopIteration:
                exhausted = True
                break
            pending.append(executor.submit(work, payload, **extra))
        if not pending:
            return
        result = pending.popleft().result()
        yield result
        done += 1
        if progress is not None:
            progress(done)


def _plain(value: Any) -> Any:
    return "" if value is None else value


def write_jsonl(rows: Iterable[Mapping[str, Any]], out: TextIO) -> int:
    """Write rows as JSON Lines, one per line, as they come; return how many.

    Examples
    --------
    >>> import io
    >>> buffer = io.StringIO()
    >>> write_jsonl([{"label": "a", "cases": 3}], buffer)
    1
    >>> buffer.getvalue().splitlines()
    ['{"label": "a", "cases": 3}']
    """
    count = 0
    for row in rows:
        out.write(json.dumps(dict(row), ensure_ascii=False) + "\n")
        count += 1
    return count


def write_csv(rows: Iterable[Mapping[str, Any]], out: TextIO) -> int:
    """Write rows as CSV with the columns of ``ROW_FIELDS``; return how many.

    Missing values are written as empty cells.

    Examples
    --------
    >>> import io
    >>> buffer = io.StringIO()
    >>> write_csv([{"label": "a", "cases": 3}], buffer)
    1
    >>> buffer.getvalue().splitlines()[1].startswith("a,,,,,3")
    True
    """
    writer = csv.DictWriter(
        out, fieldnames=list(ROW_FIELDS), extrasaction="raise", lineterminator="\n"
    )
    writer.writeheader()
    count = 0
    for row in rows:
        writer.writerow({key: _plain(row.get(key)) for key in ROW_FIELDS})
        count += 1
    return count


def rows_to_frame(rows: Iterable[Mapping[str, Any]]) -> Any:
    """The rows as a pandas ``DataFrame`` (needs pandas).

    Examples
    --------
    >>> frame = rows_to_frame([{"label": "a", "cases": 3}])
    >>> list(frame.columns)[:2], int(frame["cases"].iloc[0])
    (['label', 'structure'], 3)
    """
    try:
        import pandas as pd
    except ImportError:
        raise MissingExtraError("pandas", "pandas", "a DataFrame of sweep rows") from None
    return pd.DataFrame([dict(r) for r in rows], columns=list(ROW_FIELDS))

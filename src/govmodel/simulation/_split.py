"""One run spread over an executor: the independent parts of a structure, a task each.

Streets that share no place, body, post, person or meeting never exchange a
case: each is routed, handled and escalated by its own people. So a run of
the whole structure is the union of runs of its parts, provided each part
draws what it draws in the whole run — which the simulator guarantees: every
arrival is drawn as for the whole structure and each case draws from a stream
of its own (common random numbers, see ``simulate``). ``simulate_parts`` runs
each part as a task on any ``concurrent.futures.Executor`` (a Dask cluster's
``Client.get_executor()`` included) and merges the parts into the very result
``simulate`` gives for the same seed: the same events, outcomes and metrics.

Examples
--------
>>> from govmodel import synth
>>> from govmodel.simulation import Scenario, independent_parts, simulate, simulate_parts
>>> s = synth.preset("district", seed=1)
>>> len(independent_parts(s))
4
>>> scenario = Scenario(days=7, warmup_days=0)
>>> simulate_parts(s, scenario, seed=3) == simulate(s, scenario, seed=3)
True
"""

from __future__ import annotations

from collections.abc import Iterable
from concurrent.futures import Executor

import networkx as nx
import numpy as np

from govmodel._gc import paused
from govmodel.errors import GovModelError
from govmodel.model import Body, BodyKind
from govmodel.rules.policy import DEFAULT_POLICY, Policy
from govmodel.simulation._sweep import _is_dask, _Packed, _unpack
from govmodel.simulation.engine import (
    SimulationResult,
    _assemble,
    _Part,
    _places_and_weights,
    _seed_key,
    _simulate_part,
)
from govmodel.simulation.scenario import Scenario
from govmodel.structure import Structure

__all__ = ["independent_parts", "simulate_parts"]


def independent_parts(structure: Structure) -> tuple[frozenset[str], ...]:
    """The places requests arrive at, grouped into parts that never exchange a case.

    Two places belong to one part when the structure's graph joins them (a
    parent place, a body's jurisdiction, a post, a person holding posts in
    both, a tie, a meeting). A part must also have a street office of its
    own: cases that rise above the community where there is none go to the
    simulator's one stand-in street, so all such places form a single part.

    Parameters
    ----------
    structure
        The structure to split.

    Returns
    -------
    tuple of frozenset of str
        The residential compounds (or, in a structure without compounds, the
        communities) of each part, parts in the order of their first place.

    Examples
    --------
    >>> from govmodel import examples, synth
    >>> [len(p) for p in independent_parts(synth.preset("district", seed=1))]
    [25, 24, 12, 17]
    >>> len(independent_parts(examples.load("xinhe")))
    1
    """
    arriving = [place for place, _, _ in _places_and_weights(structure, Scenario())]
    graph = structure.graph
    part_of: dict[str, int] = {}
    own_office: list[bool] = []
    for nodes in nx.weakly_connected_components(graph):
        k = len(own_office)
        records = (graph.nodes[node]["obj"] for node in nodes)
        own_office.append(
            any(isinstance(r, Body) and r.kind is BodyKind.STREET_OFFICE for r in records)
        )
        for node in nodes:
            part_of[node] = k
    groups: dict[int, list[str]] = {}
    for place in arriving:
        k = part_of[place]
        groups.setdefault(k if own_office[k] else -1, []).append(place)
    return tuple(frozenset(places) for places in groups.values())


_Task = tuple[Structure | _Packed, Scenario, Policy, int | np.random.SeedSequence, frozenset[str]]


def _simulate_task(task: _Task) -> _Part:
    shipped, scenario, policy, seed, within = task
    structure = _unpack(shipped) if isinstance(shipped, _Packed) else shipped
    return _simulate_part(structure, scenario, seed, policy, within)


def simulate_parts(
    structure: Structure,
    scenario: Scenario | None = None,
    *,
    seed: int | np.random.SeedSequence,
    policy: Policy = DEFAULT_POLICY,
    executor: Executor | None = None,
    parts: Iterable[frozenset[str]] | None = None,
) -> SimulationResult:
    """``simulate``, one independent part of the structure per task; the same result.

    Parameters
    ----------
    structure, scenario, policy
        As for ``simulate``.
    seed
        An int or a ``numpy.random.SeedSequence`` (not a ``Generator``: the
        tasks cannot share one generator's state).
    executor
        Any ``concurrent.futures.Executor`` (a ``ProcessPoolExecutor``, a Dask
        ``Client.get_executor()``); ``None`` runs the parts one after another
        in this process. The executor is never shut down.
    parts
        The parts to run, a task each; ``independent_parts(structure)`` by
        default. Parts must not share a place, and together they must hold
        every place of ``independent_parts``: a part of the structure left
        out would leave its cases out.

    Returns
    -------
    SimulationResult
        Equal to ``simulate(structure, scenario, seed=seed, policy=policy)``.

    Raises
    ------
    GovModelError
        For a ``Generator`` seed, or parts that cut across a part of
        ``independent_parts`` or leave one out.

    Examples
    --------
    >>> from concurrent.futures import ThreadPoolExecutor
    >>> from govmodel import synth
    >>> from govmodel.simulation import Scenario, simulate
    >>> s = synth.preset("district", seed=2)
    >>> scenario = Scenario(days=5, warmup_days=0)
    >>> with ThreadPoolExecutor(2) as pool:
    ...     split = simulate_parts(s, scenario, seed=1, executor=pool)
    >>> split.events == simulate(s, scenario, seed=1).events
    True
    """
    if isinstance(seed, bool) or not isinstance(seed, int | np.random.SeedSequence):
        raise GovModelError(
            f"seed: expected an int of 0 or more or a SeedSequence, found {type(seed).__name__}"
            " (the parts of a run cannot share one Generator's state)"
        )
    scenario = scenario if scenario is not None else Scenario()
    found = independent_parts(structure)
    chosen = found if parts is None else tuple(frozenset(p) for p in parts)
    if chosen != found:
        _check_parts(chosen, found)
    if executor is None or len(chosen) == 1:
        done = [_simulate_part(structure, scenario, seed, policy, within) for within in chosen]
    else:
        shipped = _Packed.of(structure)
        extra = {"pure": False} if _is_dask(executor) else {}
        futures = [
            executor.submit(_simulate_task, (shipped, scenario, policy, seed, within), **extra)
            for within in chosen
        ]
        done = [future.result() for future in futures]
    with paused():  # as in simulate: assembling allocates a great deal, and frees nothing
        return _assemble(done, _seed_key(seed))


def _check_parts(chosen: tuple[frozenset[str], ...], found: tuple[frozenset[str], ...]) -> None:
    """Refuse parts that cut an independent part, overlap, or leave a place out."""
    seen: dict[str, int] = {}
    for k, part in enumerate(chosen):
        for place in part:
            if place in seen:
                raise GovModelError(f"parts[{k}]: place {place!r} is also in parts[{seen[place]}]")
            seen[place] = k
    for part in found:
        missing = sorted(place for place in part if place not in seen)
        if missing:
            raise GovModelError(f"parts: no part holds place {missing[0]!r}")
        holders = {seen[place] for place in part}
        if len(holders) > 1:
            raise GovModelError(
                f"parts: places {', '.join(repr(p) for p in sorted(part)[:2])}, ... share people"
                f" or bodies, so one part must hold them all; they are in parts {sorted(holders)}"
            )
    unknown = sorted(set(seen) - {place for part in found for place in part})
    if unknown:
        raise GovModelError(f"parts: {unknown[0]!r} is not a place requests arrive at")

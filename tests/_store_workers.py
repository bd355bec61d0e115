"""What other processes do to a store in the concurrency tests.

``race`` runs in a ``multiprocessing`` process (spawned, so that nothing of
the test process is shared); run as a module, this file appends batches of
cases and says ``ack N`` after each, until it is killed.
"""

from __future__ import annotations

import datetime as dt
import sys
from typing import Any

import attrs

from govmodel import (
    Accepted,
    Case,
    CaseEvent,
    ConcurrencyError,
    Reported,
    Resolved,
    Routed,
    Structure,
    examples,
    route,
)
from govmodel.store import Append
from tests._stores import Spec, open_store

T = dt.datetime(2025, 5, 6, 9)


def report(structure: Structure, case_id: str) -> list[CaseEvent]:
    """A repair at a Xinhe building, reported and routed."""
    case = Case(
        id=case_id,
        category="repair",
        place="building:wanda-1",
        reported_at=T,
        scope="building",
        reporter="Ms Li",
    )
    routing = route(structure, case)
    return [Reported(case=case, at=T), Routed(case_id=case_id, at=T, routing=routing)]


def reroute(structure: Structure, case_id: str, tag: str) -> Routed:
    """A routing again, tagged in its reason so that the test can find it."""
    case = Case(id=case_id, category="repair", place="building:wanda-1", reported_at=T)
    routing = attrs.evolve(route(structure, case), reason=tag)
    return Routed(case_id=case_id, at=T, routing=routing)


def race(spec: Spec, me: str, rounds: int, cases: int, barrier: Any, out: Any) -> None:
    """Race another process: first in lock step, then freely, retrying on conflicts.

    In lock step both read the same version before either appends, so one
    of them must meet a ``ConcurrencyError``; freely, each retries until
    its event is in, so none is lost.
    """
    structure = examples.load("xinhe")
    store = open_store(spec)
    stepped = []
    for r in range(rounds):
        barrier.wait()
        version = store.version("case:race")
        barrier.wait()
        events = (
            report(structure, "case:race")
            if version == 0
            else [reroute(structure, "case:race", f"{me} step {r}")]
        )
        try:
            store.append("case:race", events, expected_version=version, structure=structure)
            stepped.append("ok")
        except ConcurrencyError:
            stepped.append("conflict")
    acknowledged = []
    conflicts = 0
    for n in range(cases * 10):
        case_id = f"case:free-{n % cases}"
        tag = f"{me} free {n}"
        while True:
            version = store.version(case_id)
            events = (
                [*report(structure, case_id), reroute(structure, case_id, tag)]
                if version == 0
                else [reroute(structure, case_id, tag)]
            )
            try:
                store.append(case_id, events, expected_version=version, structure=structure)
            except ConcurrencyError:
                conflicts += 1
                continue
            acknowledged.append(tag)
            break
    store.close()
    out.put((me, stepped, acknowledged, conflicts))


def lifecycle(structure: Structure, case_id: str) -> list[CaseEvent]:
    """A case reported, routed, accepted and resolved: four events."""
    events = report(structure, case_id)
    routed = events[1]
    assert isinstance(routed, Routed)
    handler = routed.routing.handler
    assert handler is not None
    later = T + dt.timedelta(hours=2)
    return [
        *events,
        Accepted(case_id=case_id, at=later, actor=handler),
        Resolved(case_id=case_id, at=later, actor=handler),
    ]


def append_until_killed(spec: Spec, batch: int) -> None:
    """Append batches of new cases, saying ``ack N`` once batch N is committed."""
    structure = examples.load("xinhe")
    store = open_store(spec)
    number = 0
    while True:
        appends = [
            Append(
                case_id=f"case:{number}-{i}",
                events=lifecycle(structure, f"case:{number}-{i}"),
                expected_version=0,
            )
            for i in range(batch)
        ]
        store.append_many(appends, structure=structure)
        print(f"ack {number}", flush=True)
        number += 1


if __name__ == "__main__":
    kind, where, schema, size = sys.argv[1:]
    append_until_killed((kind, where, schema), int(size))

"""Property tests of the case stores, on SQLite and PostgreSQL.

Any valid log, appended in any batching, reads back as ``replay`` folds it,
as each reader may see it; exported and imported again, it reads the same.
"""

from __future__ import annotations

import io
from typing import Any

import attrs
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from govmodel import (
    AccessDenied,
    CaseEvent,
    CaseState,
    Structure,
    can,
    check_log,
    examples,
    redact,
    replay,
)
from govmodel.cases import iter_case_events
from govmodel.store import Append, Store
from govmodel.strategies import event_logs
from tests._stores import KINDS, new_store, postgres_dsn

STRUCTURES = {name: examples.load(name) for name in ("xinhe", "shagangwan", "zhuanqiao")}


def _known(structure: Structure, log: tuple[CaseEvent, ...]) -> bool:
    """Whether the rules could have written the log on the structure (a store refuses others)."""
    return not check_log(structure, log)


def _append_in_batches(store: Store, structure: Structure, log: Any, draw: Any) -> None:
    pending: dict[str, list[CaseEvent]] = {}

    def flush(case_ids: list[str]) -> None:
        appends = [
            Append(case_id=c, events=pending.pop(c), expected_version=store.version(c))
            for c in case_ids
        ]
        if len(appends) == 1:
            (one,) = appends
            store.append(
                one.case_id, one.events, expected_version=one.expected_version, structure=structure
            )
        elif appends:
            store.append_many(appends, structure=structure)

    for event in log:
        pending.setdefault(event.case_id, []).append(event)
        choice = draw(st.sampled_from(["wait", "case", "all"]))
        if choice == "case":
            flush([event.case_id])
        elif choice == "all":
            flush(list(pending))
    flush(list(pending))


def _readers(state: CaseState) -> set[str]:
    found = {state.case.receiver, state.routing.handler if state.routing else None}
    if state.routings:
        found.add(state.routings[0].owner)
    return {r for r in found if r is not None}


def _expected(structure: Structure, state: CaseState, reader: str) -> CaseState | None:
    day = state.updated_at.date()
    try:
        case = redact(state, for_actor=reader, structure=structure, at=day)
    except AccessDenied:
        return None
    if can(structure, reader, "view_personal", state, at=day):
        return state
    return attrs.evolve(state, case=case, reopen_reason=None)


@pytest.mark.parametrize("kind", KINDS)
@settings(max_examples=20)  # each example makes a store of its own
@given(data=st.data())
def test_any_batching_reads_back_as_replay(kind: str, data: st.DataObject) -> None:
    if kind == "postgres":
        postgres_dsn()
    name = data.draw(st.sampled_from(sorted(STRUCTURES)))
    structure = STRUCTURES[name]
    log = data.draw(event_logs(structure, max_cases=4))
    assume(_known(structure, log))
    with new_store(kind) as store:
        _append_in_batches(store, structure, log, data.draw)
        for case_id, events in iter_case_events(log):
            assert store.version(case_id) == len(events)
            state = replay(events)
            for reader in _readers(state):
                want = _expected(structure, state, reader)
                at = state.updated_at
                if want is None:
                    with pytest.raises(AccessDenied):
                        store.state(case_id, reader=reader, structure=structure, at=at)
                    continue
                assert store.state(case_id, reader=reader, structure=structure, at=at) == want


@pytest.mark.parametrize("kind", KINDS)
@settings(max_examples=15)
@given(data=st.data())
def test_export_then_import_reads_the_same(kind: str, data: st.DataObject) -> None:
    if kind == "postgres":
        postgres_dsn()
    structure = STRUCTURES["xinhe"]
    log = data.draw(event_logs(structure, max_cases=4))
    assume(_known(structure, log))
    reader = data.draw(st.sampled_from(["pm:cxh", "post:grid-wanda-a-worker", "rc:xinhe"]))
    with new_store(kind) as store, new_store(kind) as copy:
        _append_in_batches(store, structure, log, data.draw)
        at = max(event.at for event in log)
        out = io.StringIO()
        written = store.export_events(out, reader=reader, structure=structure, at=at)
        assert copy.import_events(io.StringIO(out.getvalue()), structure=structure) == written
        for case_id, _ in iter_case_events(log):
            try:
                want = store.events(case_id, reader=reader, structure=structure, at=at)
            except AccessDenied:
                assert copy.version(case_id) == 0
                continue
            assert copy.events(case_id, reader=reader, structure=structure, at=at) == want

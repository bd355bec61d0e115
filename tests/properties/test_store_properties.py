"""Property tests of the case stores, on SQLite and PostgreSQL.

Any valid log, appended in any batching, reads back as ``replay`` folds it,
as each reader may see it; exported and imported again, it reads the same.
"""

from __future__ import annotations

import datetime as dt
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
    RejectedEventsError,
    Reported,
    Structure,
    can,
    check_log,
    examples,
    redact,
    replay,
)
from govmodel.cases import iter_case_events
from govmodel.rules.access import strip_personal
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


def _spoil(structure: Structure, log: tuple[CaseEvent, ...], draw: Any) -> list[CaseEvent]:
    """The log with a few events dropped, or given another actor, or moved in time."""
    out = list(log)
    actors = sorted([b.id for b in structure.bodies()][:6] + [p.id for p in structure.posts()][:6])
    for _ in range(draw(st.integers(0, 3))):
        if not out:
            break
        i = draw(st.integers(0, len(out) - 1))
        how = draw(st.sampled_from(["drop", "actor", "time"]))
        event = out[i]
        if how == "drop":
            del out[i]
        elif how == "actor" and hasattr(event, "actor"):
            out[i] = attrs.evolve(event, actor=draw(st.sampled_from(actors)))
        elif how == "time" and not isinstance(event, Reported):
            out[i] = attrs.evolve(event, at=event.at - dt.timedelta(hours=draw(st.integers(1, 99))))
    return out


@pytest.mark.parametrize("kind", KINDS)
@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_refuses_what_check_log_flags_on_the_whole_log(kind: str, data: st.DataObject) -> None:
    """A store refuses exactly what ``check_log`` flags on its whole log with the new events.

    The store checks only the new events, against the cases' stored states, and counts
    the stored cases for recurrence; appended in batches, with some events spoiled, each
    batch is refused when, and only when, the whole log flags one of its events.
    """
    if kind == "postgres":
        postgres_dsn()
    structure = STRUCTURES[data.draw(st.sampled_from(sorted(STRUCTURES)))]
    log = _spoil(structure, data.draw(event_logs(structure, max_cases=5)), data.draw)
    kept: list[CaseEvent] = []  # the store's whole log, in the order appended
    with new_store(kind) as store:
        start = 0
        while start < len(log):
            size = data.draw(st.integers(1, 6))
            batch = log[start : start + size]
            start += size
            flagged = any(p.index >= len(kept) for p in check_log(structure, kept + batch))
            groups = {e.case_id: [x for x in batch if x.case_id == e.case_id] for e in batch}
            appends = [
                Append(case_id=c, events=e, expected_version=store.version(c))
                for c, e in groups.items()
            ]
            try:
                store.append_many(appends, structure=structure)
            except RejectedEventsError:
                assert flagged
                assert all(store.version(a.case_id) == a.expected_version for a in appends)
            else:
                assert not flagged
                kept += batch


@pytest.mark.parametrize("kind", KINDS)
@settings(max_examples=20, deadline=None)
@given(data=st.data())
def test_queries_leave_out_exactly_what_a_reader_may_not_view(
    kind: str, data: st.DataObject
) -> None:
    """``cases`` and ``export_events`` give exactly the cases ``can`` lets the reader view.

    A query judges a routed case on its stored JSON before decoding it (a reader who
    plays no part in it gets nothing decoded); what it leaves out and what it gives
    are still the access rules' answer at that moment, for any actor of the structure.
    """
    if kind == "postgres":
        postgres_dsn()
    structure = STRUCTURES[data.draw(st.sampled_from(sorted(STRUCTURES)))]
    log = data.draw(event_logs(structure, max_cases=5))
    assume(_known(structure, log))
    actors = [
        *(b.id for b in structure.bodies()),
        *(p.id for p in structure.posts()),
        *(p.id for p in structure.people()),
    ]
    reader = data.draw(st.sampled_from(sorted(actors)))
    at = data.draw(st.sampled_from(sorted({event.at for event in log})))
    cases = dict(iter_case_events(log))
    with new_store(kind) as store:
        store.append_many(
            [Append(case_id=c, events=e, expected_version=0) for c, e in cases.items()],
            structure=structure,
        )
        states = sorted(
            (replay(events) for events in cases.values()),
            key=lambda s: (s.case.reported_at, s.case.id),
        )
        want = [w for w in (_seen(structure, s, reader, at) for s in states) if w is not None]
        page = store.cases(reader=reader, structure=structure, at=at, limit=100)
        assert list(page.items) == want
        out = io.StringIO()
        written = store.export_events(out, reader=reader, structure=structure, at=at)
        assert written == sum(len(cases[w.case.id]) for w in want)


def _seen(structure: Structure, state: CaseState, reader: str, at: dt.datetime) -> CaseState | None:
    """The state as ``reader`` may see it on the day of ``at``; ``None`` if it may not view it."""
    day = at.date()
    if not can(structure, reader, "view", state, at=day):
        return None
    if can(structure, reader, "view_personal", state, at=day):
        return state
    return attrs.evolve(state, case=strip_personal(state.case), reopen_reason=None)

"""Tests of the case stores, each against SQLite on a temporary file and PostgreSQL.

The ``store``, ``store_spec`` and ``store_kind`` fixtures (tests/conftest.py)
give each test both kinds; see tests/_stores.py for how PostgreSQL is found.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import multiprocessing
import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from govmodel import (
    BACK_OFFICE,
    DEFAULT_POLICY,
    Accepted,
    AccessDenied,
    Case,
    CaseEvent,
    Closed,
    ConcurrencyError,
    GovModelError,
    MissingExtraError,
    RejectedEventsError,
    Reopened,
    Reported,
    Resolved,
    Revisited,
    Routed,
    Status,
    StoreArgumentError,
    StoreError,
    Tier,
    UnknownNodeError,
    check_log,
    escalate,
    examples,
    metrics,
    replay,
    route,
)
from govmodel.rules.access import parts
from govmodel.store import Append, SQLiteStore, Store, tick
from tests import _store_workers as workers
from tests._stores import Spec, open_store

ROOT = Path(__file__).resolve().parent.parent
XINHE = examples.load("xinhe")
T = dt.datetime(2025, 5, 6, 9)


def reported(
    case_id: str,
    *,
    place: str = "building:wanda-1",
    at: dt.datetime = T,
    category: str = "repair",
    **fields: object,
) -> list[CaseEvent]:
    """A case reported and routed in Xinhe."""
    case = Case(
        id=case_id,
        category=category,
        place=place,
        reported_at=at,
        scope="building",
        **fields,  # type: ignore[arg-type]
    )
    return [Reported(case=case, at=at), Routed(case_id=case_id, at=at, routing=route(XINHE, case))]


def add(store: Store, events: list[CaseEvent]) -> int:
    case_id = events[0].case_id
    return store.append(case_id, events, expected_version=store.version(case_id), structure=XINHE)


class TestAppend:
    def test_versions_count_events(self, store: Store) -> None:
        assert store.version("case:1") == 0
        assert store.append("case:1", reported("case:1"), expected_version=0, structure=XINHE) == 2
        assert store.version("case:1") == 2

    def test_stale_version_refused_and_nothing_appended(self, store: Store) -> None:
        add(store, reported("case:1"))
        accepted = Accepted(case_id="case:1", at=T, actor="pm:cxh")
        with pytest.raises(ConcurrencyError) as info:
            store.append("case:1", [accepted], expected_version=1, structure=XINHE)
        assert (info.value.case_id, info.value.expected, info.value.actual) == ("case:1", 1, 2)
        with pytest.raises(ConcurrencyError):
            store.append("case:1", reported("case:1"), expected_version=0, structure=XINHE)
        assert store.version("case:1") == 2

    def test_events_that_do_not_replay_are_refused(self, store: Store) -> None:
        add(store, reported("case:1"))
        with pytest.raises(RejectedEventsError) as info:
            store.append(
                "case:1",
                [Closed(case_id="case:1", at=T, actor="post:grid-wanda-a-worker")],
                expected_version=2,
                structure=XINHE,
            )
        assert info.value.problems[0].startswith('events[0]: case "case:1" (reported)')
        assert store.version("case:1") == 2
        with pytest.raises(RejectedEventsError, match="the first event of a case"):
            store.append(
                "case:2",
                [Accepted(case_id="case:2", at=T, actor="pm:cxh")],
                expected_version=0,
                structure=XINHE,
            )

    def test_unknown_places_actors_and_other_cases_refused(self, store: Store) -> None:
        nowhere = Case(id="case:1", category="repair", place="building:nowhere", reported_at=T)
        with pytest.raises(RejectedEventsError) as info:
            store.append(
                "case:1", [Reported(case=nowhere, at=T)], expected_version=0, structure=XINHE
            )
        assert 'place "building:nowhere" is not a place of' in str(info.value)
        add(store, reported("case:1"))
        with pytest.raises(RejectedEventsError) as info:
            store.append(
                "case:1",
                [
                    Accepted(case_id="case:1", at=T, actor="pm:ghost"),
                    Accepted(case_id="case:2", at=T, actor="pm:cxh"),
                ],
                expected_version=2,
                structure=XINHE,
            )
        assert info.value.problems[:2] == (
            'events[0]: actor "pm:ghost" is not a body, post, person or meeting of '
            '"Xinhe community"',
            'events[1]: belongs to case "case:2"',
        )
        assert store.version("case:1") == 2

    def test_refusals_never_quote_personal_data(self, store: Store) -> None:
        events = reported("case:1", reporter="Ms Li", contact="13800000000", description="flat 301")
        add(store, events)
        with pytest.raises(RejectedEventsError) as info:
            add(store, events)
        assert not any(value in str(info.value) for value in ("Ms Li", "1380", "flat 301"))

    def test_many_is_all_or_nothing(self, store: Store) -> None:
        good = Append(case_id="case:1", events=reported("case:1"), expected_version=0)
        bad = Append(case_id="case:2", events=reported("case:2"), expected_version=3)
        with pytest.raises(ConcurrencyError):
            store.append_many([good, bad], structure=XINHE)
        assert store.version("case:1") == 0
        assert store.append_many([good], structure=XINHE) == (2,)
        with pytest.raises(ValueError, match="each case may appear once"):
            store.append_many([good, good], structure=XINHE)
        assert store.append_many([], structure=XINHE) == ()

    def test_no_events_for_a_new_case(self, store: Store) -> None:
        with pytest.raises(RejectedEventsError, match="no events"):
            store.append("case:1", [], expected_version=0, structure=XINHE)

    def test_no_events_for_a_stored_case(self, store: Store) -> None:
        """An empty append is refused for a stored case too, not taken as nothing to do."""
        add(store, reported("case:1"))
        with pytest.raises(RejectedEventsError, match="no events to append"):
            store.append("case:1", [], expected_version=2, structure=XINHE)
        with pytest.raises(RejectedEventsError, match="no events to append"):
            store.append_many(
                [Append(case_id="case:1", events=(), expected_version=2)], structure=XINHE
            )
        assert store.version("case:1") == 2

    def test_concurrency_error_says_which_way(self, store: Store) -> None:
        """Behind the store: someone appended first; ahead of it: a version never read."""
        add(store, reported("case:1"))
        accepted = [Accepted(case_id="case:1", at=T, actor="pm:cxh")]
        with pytest.raises(ConcurrencyError, match="someone else appended to it first"):
            store.append("case:1", accepted, expected_version=1, structure=XINHE)
        with pytest.raises(ConcurrencyError) as info:
            store.append("case:1", accepted, expected_version=5, structure=XINHE)
        assert "someone else" not in str(info.value)
        assert "holds fewer of its events than expected" in str(info.value)
        assert (info.value.expected, info.value.actual) == (5, 2)


PERSONAL_EVENT = {"reporter": "Ms Li", "contact": "13800000000", "description": "flat 301"}


def _wrong_calls(store: Store) -> list[tuple[str, Callable[[], object]]]:
    """Store calls with an argument of the wrong type or value, and the argument named."""
    events = reported("case:1")
    out, text = io.StringIO(), io.StringIO("")
    # Typed Any: these calls are wrong on purpose, as an untyped caller makes them.
    s: Any = store
    tick_: Any = tick
    add_: Any = functools.partial(s.append, "case:1")
    read = {"reader": "pm:cxh", "structure": XINHE, "at": T}
    one = Append(case_id="case:1", events=events, expected_version=0)
    return [
        ("expected_version", lambda: add_(events, expected_version="3", structure=XINHE)),
        ("expected_version", lambda: add_(events, expected_version=True, structure=XINHE)),
        ("expected_version", lambda: add_(events, expected_version=-1, structure=XINHE)),
        ("events", lambda: add_(events[0], expected_version=0, structure=XINHE)),
        ("events", lambda: add_("reported", expected_version=0, structure=XINHE)),
        ("events", lambda: add_(PERSONAL_EVENT, expected_version=0, structure=XINHE)),
        ("events[0]", lambda: add_([PERSONAL_EVENT], expected_version=0, structure=XINHE)),
        ("structure", lambda: add_(events, expected_version=0, structure=None)),
        ("structure", lambda: add_(events, expected_version=0, structure="xinhe")),
        ("case_id", lambda: s.append(1, events, expected_version=0, structure=XINHE)),
        ("case_id", lambda: s.version(1)),
        ("case_id", lambda: s.state(1, **read)),
        ("case_id", lambda: s.events(1, **read)),
        ("structure", lambda: s.state("case:1", reader="pm:cxh", structure=None, at=T)),
        ("appends", lambda: s.append_many(one, structure=XINHE)),
        ("appends[0]", lambda: s.append_many([events], structure=XINHE)),
        ("after", lambda: s.cases(**read, after=5)),
        ("handler", lambda: s.cases(**read, handler=5)),
        ("limit", lambda: s.cases(**read, limit=True)),
        ("status", lambda: s.cases(**read, status=5)),
        ("since", lambda: s.metrics(since=T, until=T - dt.timedelta(days=1))),
        ("until", lambda: s.metrics(since=T, until="2025-05-07")),
        ("out", lambda: s.export_events("out.jsonl", **read)),
        ("out", lambda: s.export_events(io.BytesIO(), **read)),
        ("structure", lambda: s.export_events(out, reader="pm:cxh", structure=None, at=T)),
        ("source", lambda: s.import_events("cases.jsonl", structure=XINHE)),
        ("source", lambda: s.import_events(io.BytesIO(b"{}"), structure=XINHE)),
        ("structure", lambda: s.import_events(text, structure=None)),
        ("store", lambda: tick_(XINHE, store, T)),
        ("structure", lambda: tick_(store, T, XINHE)),
        ("now", lambda: tick_(store, XINHE, "2025-05-06T09:00")),
        ("batch", lambda: tick_(store, XINHE, T, batch=0)),
    ]


class TestArguments:
    """A store called with arguments it cannot take: a StoreArgumentError naming the argument."""

    def test_every_wrong_call_names_its_argument(self, store: Store) -> None:
        add(store, reported("case:2", reporter="Ms Li", contact="13800000000"))
        for name, call in _wrong_calls(store):
            with pytest.raises(StoreArgumentError) as info:
                call()
            err = info.value
            assert err.location == name, (name, str(err))
            assert isinstance(err, TypeError)
            assert isinstance(err, ValueError)
            assert isinstance(err, GovModelError)
            assert not isinstance(err, StoreError)
            assert "expected" in err.message, str(err)
            for value in PERSONAL_EVENT.values():
                assert value not in str(err)
        # Nothing was appended by any of them, and the store still works.
        assert store.version("case:1") == 0
        assert store.version("case:2") == 2

    def test_sqlite_and_postgres_refuse_the_same_case_ids(self, store: Store) -> None:
        """A case id that is not a str is refused before the database sees it, on both."""
        add(store, reported("case:5"))
        for case_id in (5, None, b"case:5", ["case:5"]):
            with pytest.raises(StoreArgumentError, match=r"^case_id: expected a case id"):
                store.version(case_id)  # type: ignore[arg-type]
        with pytest.raises(StoreArgumentError, match=r"^case_id"):
            Append(case_id=5, events=(), expected_version=0)

    def test_constructors(self, tmp_path: Path) -> None:
        from govmodel.store import PostgresStore

        pg: Any = PostgresStore
        lite: Any = SQLiteStore
        db = tmp_path / "a.db"
        calls: list[tuple[Callable[[], object], str, str]] = [
            (lambda: pg(5432), "dsn", "found an int"),
            (lambda: pg("postgresql://x/y", schema=""), "schema", "an empty str"),
            (lambda: pg("postgresql://x/y", timeout=0), "timeout", "more than 0"),
            (lambda: lite(db, timeout=-1), "timeout", "more than 0"),
            (lambda: lite(db, timeout=float("nan")), "timeout", "nan"),
            (lambda: lite(db, timeout="5"), "timeout", "found a str"),
            (lambda: lite(5), "path", "found an int"),
            (lambda: lite("sqlite:///x.db"), "path", "such as 'x.db', found a sqlite: URL"),
        ]
        for call, name, words in calls:
            with pytest.raises(StoreArgumentError) as info:
                call()
            assert info.value.location == name
            assert words in info.value.message
        assert not db.exists()
        assert not Path("x.db").exists()


class TestRecurrence:
    """An escalation for recurrence at report time, appended as a simulation writes it."""

    def _third(self) -> tuple[list[CaseEvent], list[CaseEvent]]:
        """Two noise cases at a place, and a third whose report escalates at once."""
        earlier = [
            reported(f"case:{i}", at=T + dt.timedelta(hours=i), category="noise") for i in range(2)
        ]
        third = reported("case:2", at=T + dt.timedelta(hours=2), category="noise")
        state = replay(third)
        cases = [events[0].case for events in earlier if isinstance(events[0], Reported)]
        routing = escalate(XINHE, state, now=state.updated_at, recent=cases)
        assert routing is not None
        third.append(Routed(case_id="case:2", at=state.updated_at, routing=routing))
        return [e for events in earlier for e in events], third

    @pytest.mark.parametrize("how", ["one by one", "one batch", "earlier stored"])
    def test_counts_stored_and_batched_cases(self, store: Store, how: str) -> None:
        earlier, third = self._third()
        assert not check_log(XINHE, earlier + third)
        groups = {
            e.case_id: [x for x in earlier + third if x.case_id == e.case_id]
            for e in earlier + third
        }
        if how == "one by one":
            for events in groups.values():
                add(store, events)
        elif how == "one batch":
            store.append_many(
                [Append(case_id=c, events=e, expected_version=0) for c, e in groups.items()],
                structure=XINHE,
            )
        else:
            store.append_many(
                [
                    Append(case_id=c, events=e, expected_version=0)
                    for c, e in groups.items()
                    if c != "case:2"
                ],
                structure=XINHE,
            )
            add(store, third)
        assert store.version("case:2") == 3

    def test_refused_without_the_earlier_cases(self, store: Store) -> None:
        earlier, third = self._third()
        add(store, [e for e in earlier if e.case_id == "case:0"])
        with pytest.raises(RejectedEventsError) as info:
            add(store, third)
        assert "no escalation was due" in info.value.problems[0]


class TestRead:
    def test_state_and_events_through_the_access_rules(self, store: Store) -> None:
        events = reported("case:1", reporter="Ms Li", receiver="post:grid-wanda-a-worker")
        events += [
            Accepted(case_id="case:1", at=T, actor="pm:cxh"),
            Resolved(case_id="case:1", at=T, actor="pm:cxh"),
            Revisited(case_id="case:1", at=T, actor="post:grid-wanda-a-worker", satisfied=False),
            Reopened(
                case_id="case:1",
                at=T,
                actor="post:grid-wanda-a-worker",
                reason="Ms Li says it still sticks",
            ),
        ]
        add(store, events)
        owner = store.state("case:1", reader="post:grid-wanda-a-worker", structure=XINHE, at=T)
        assert owner == replay(events)
        assert store.events("case:1", reader="pm:cxh", structure=XINHE, at=T) == tuple(events)
        # The micro-grid's leader may not view the case at all.
        with pytest.raises(AccessDenied):
            store.state("case:1", reader="mediation:xinhexin", structure=XINHE, at=T)
        with pytest.raises(AccessDenied):
            store.events("case:1", reader="mediation:xinhexin", structure=XINHE, at=T)

    def test_without_personal_rights_personal_data_are_removed(self, store: Store) -> None:
        """The property company serving the compound sees a noise case, not who reported it."""
        events = reported(
            "case:1",
            category="noise",
            reporter="Ms Li",
            contact="138",
            receiver="post:grid-wanda-a-worker",
        )
        handler = events[1].routing.handler  # type: ignore[union-attr]
        assert handler is not None
        events += [
            Accepted(case_id="case:1", at=T, actor=handler),
            Resolved(case_id="case:1", at=T, actor=handler),
            Revisited(case_id="case:1", at=T, actor="post:grid-wanda-a-worker", satisfied=False),
            Reopened(
                case_id="case:1",
                at=T,
                actor="post:grid-wanda-a-worker",
                reason="Ms Li says it is still loud",
            ),
        ]
        add(store, events)
        assert parts(
            XINHE, "pm:cxh", store.state("case:1", reader=BACK_OFFICE, structure=XINHE, at=T)
        ) == {"serving"}
        state = store.state("case:1", reader="pm:cxh", structure=XINHE, at=T)
        assert (state.case.reporter, state.case.contact, state.reopen_reason) == (None, None, None)
        seen = store.events("case:1", reader="pm:cxh", structure=XINHE, at=T)
        assert "Ms Li" not in repr(seen)
        assert "138" not in repr(seen)

    def test_unknown_case_and_reader(self, store: Store) -> None:
        with pytest.raises(StoreError, match='no case "case:1"'):
            store.state("case:1", reader="pm:cxh", structure=XINHE, at=T)
        add(store, reported("case:1"))
        with pytest.raises(UnknownNodeError):
            store.state("case:1", reader="pm:ghost", structure=XINHE, at=T)

    def test_reopened_store_keeps_everything(self, store_spec: Spec) -> None:
        first = open_store(store_spec)
        add(first, reported("case:1"))
        first.close()
        with open_store(store_spec) as again:
            assert again.version("case:1") == 2


def _fill(store: Store) -> dict[str, list[CaseEvent]]:
    """Cases across Xinhe, two days apart, some accepted and resolved."""
    places = ["building:wanda-1", "building:wanda-2", "building:wanda-3", "compound:wanda"]
    logs = {}
    for i in range(12):
        at = T + dt.timedelta(days=2 * i)
        events = reported(
            f"case:{i:02}",
            place=places[i % 4],
            at=at,
            category=("repair", "noise", "parking")[i % 3],
            receiver="post:grid-wanda-a-worker",
        )
        routed = events[1]
        assert isinstance(routed, Routed)
        handler = routed.routing.handler
        assert handler is not None
        if i % 2:
            events.append(Accepted(case_id=f"case:{i:02}", at=at, actor=handler))
        if i % 4 == 3:
            events.append(Resolved(case_id=f"case:{i:02}", at=at, actor=handler))
        add(store, events)
        logs[f"case:{i:02}"] = events
    return logs


def _ids(store: Store, **filters: object) -> list[str]:
    """Every case id the queries give, page by page."""
    found: list[str] = []
    after = None
    while True:
        page = store.cases(
            reader="post:grid-wanda-a-worker",
            structure=XINHE,
            at=T,
            limit=5,
            after=after,
            **filters,  # type: ignore[arg-type]
        )
        found += [state.case.id for state in page.items]
        if page.after is None:
            return found
        after = page.after


class TestQueries:
    def test_filters_match_replay(self, store: Store) -> None:
        logs = _fill(store)
        states = {case_id: replay(events) for case_id, events in logs.items()}

        def expect(keep: object) -> list[str]:
            return sorted(c for c, s in states.items() if keep(s))  # type: ignore[operator]

        assert _ids(store) == sorted(states)
        assert _ids(store, status=["resolved"]) == expect(lambda s: s.status is Status.RESOLVED)
        assert _ids(store, status=[Status.REPORTED, "in_progress"]) == expect(
            lambda s: s.status in (Status.REPORTED, Status.IN_PROGRESS)
        )
        assert _ids(store, category=["noise"]) == expect(lambda s: s.case.category == "noise")
        assert _ids(store, tier=["compound"]) == expect(lambda s: s.routing.tier == "compound")
        assert _ids(store, handler="pm:cxh") == expect(lambda s: s.routing.handler == "pm:cxh")
        assert _ids(store, place="building:wanda-1") == expect(
            lambda s: s.case.place == "building:wanda-1"
        )
        assert _ids(store, place="compound:wanda") == sorted(states)
        assert _ids(store, place="community:xinhe") == sorted(states)
        start, end = T + dt.timedelta(days=4), T + dt.timedelta(days=10)
        assert _ids(store, reported_from=start, reported_until=end) == expect(
            lambda s: start <= s.case.reported_at < end
        )
        assert _ids(store, category="repair", place="building:wanda-1") == expect(
            lambda s: s.case.category == "repair" and s.case.place == "building:wanda-1"
        )

    def test_overdue_at_a_moment(self, store: Store) -> None:
        logs = _fill(store)
        for days in (0, 3, 10, 40):
            now = T + dt.timedelta(days=days)
            want = [
                c
                for c, events in logs.items()
                if (s := replay(events)).open and s.routing is not None and s.routing.due < now
            ]
            due = {c: replay(logs[c]).routing.due for c in want}  # type: ignore[union-attr]
            assert _ids(store, overdue_at=now) == sorted(want, key=lambda c: (due[c], c))

    def test_overdue_counts_working_days(self, store: Store) -> None:
        """Routed on the eve of the National Day holiday, a case is not overdue during it."""
        eve = dt.datetime(2025, 9, 30, 17)
        add(store, reported("case:holiday", at=eve))
        due = store.state("case:holiday", reader="pm:cxh", structure=XINHE, at=eve).routing.due  # type: ignore[union-attr]
        assert due == DEFAULT_POLICY.due(Tier.COMPOUND, "routine", eve)  # type: ignore[arg-type]
        assert due > dt.datetime(2025, 10, 8)
        assert _ids(store, overdue_at=dt.datetime(2025, 10, 7)) == []
        assert _ids(store, overdue_at=due + dt.timedelta(minutes=1)) == ["case:holiday"]

    def test_aware_and_naive_times_meet_on_one_time_line(self, store: Store) -> None:
        add(store, reported("case:local", at=T))
        utc = T.replace(tzinfo=dt.timezone(dt.timedelta(hours=8))).astimezone(dt.UTC)
        assert _ids(store, reported_from=utc, reported_until=utc + dt.timedelta(seconds=1)) == [
            "case:local"
        ]

    def test_pages_are_keyset(self, store: Store) -> None:
        """A case appended between two pages, before the first page's end, does not shift them."""
        _fill(store)
        page = store.cases(reader="pm:cxh", structure=XINHE, at=T, limit=4)
        add(store, reported("case:00a", at=T))
        rest = store.cases(reader="pm:cxh", structure=XINHE, at=T, limit=100, after=page.after)
        assert [s.case.id for s in page.items] + [s.case.id for s in rest.items] == [
            f"case:{i:02}" for i in range(12)
        ]

    def test_readers_see_only_what_they_may(self, store: Store) -> None:
        _fill(store)
        assert _ids(store) != []
        page = store.cases(reader="mediation:xinhexin", structure=XINHE, at=T)
        assert page.items == ()

    def test_bad_queries_are_govmodel_errors(self, store: Store) -> None:
        _fill(store)
        with pytest.raises(UnknownNodeError):
            _ids(store, place="building:nowhere")
        with pytest.raises(ValueError, match="unknown status 'lost'"):
            _ids(store, status=["lost"])
        with pytest.raises(ValueError, match="limit"):
            store.cases(reader="pm:cxh", structure=XINHE, at=T, limit=0)
        page = store.cases(reader="pm:cxh", structure=XINHE, at=T, limit=2)
        assert page.after is not None
        with pytest.raises(StoreError, match="not where a page of this query ended"):
            store.cases(reader="pm:cxh", structure=XINHE, at=T, overdue_at=T, after=page.after)
        with pytest.raises(StoreError):
            store.cases(reader="pm:cxh", structure=XINHE, at=T, after="nonsense")
        with pytest.raises(TypeError, match="overdue_at"):
            store.cases(reader="pm:cxh", structure=XINHE, at=T, overdue_at="today")  # type: ignore[arg-type]


class TestMetricsAndExport:
    def test_metrics_over_a_window(self, store: Store) -> None:
        logs = _fill(store)
        since, until = T + dt.timedelta(days=3), T + dt.timedelta(days=15)
        window = [e for events in logs.values() if since <= events[0].at < until for e in events]
        assert store.metrics(since=since, until=until) == metrics(window, now=until)
        assert store.metrics(since=until, until=until).reported == 0

    def test_export_import_round_trip(self, store: Store, store_kind: str) -> None:
        logs = _fill(store)
        out = io.StringIO()
        reader = "post:grid-wanda-a-worker"
        written = store.export_events(out, reader=reader, structure=XINHE, at=T)
        assert written == sum(len(events) for events in logs.values())
        from tests._stores import new_store

        with new_store(store_kind) as copy:
            assert copy.import_events(io.StringIO(out.getvalue()), structure=XINHE) == written
            for case_id in logs:
                assert copy.events(case_id, reader=reader, structure=XINHE, at=T) == store.events(
                    case_id, reader=reader, structure=XINHE, at=T
                )
            with pytest.raises(ConcurrencyError):
                copy.import_events(io.StringIO(out.getvalue()), structure=XINHE)
            with pytest.raises(GovModelError, match="line 1"):
                copy.import_events(io.StringIO("not json\n"), structure=XINHE)


class TestSchema:
    def test_newer_tables_refused(self, store_spec: Spec) -> None:
        store = open_store(store_spec)
        with store._write() as cur:
            cur.execute(store._sql("UPDATE meta SET value = '99' WHERE key = 'schema_version'"))
        store.close()
        with pytest.raises(StoreError, match="version 99, newer than 2"):
            open_store(store_spec)

    def test_version_1_tables_migrate(self, store_spec: Spec) -> None:
        """A store made by the first version gains the overdue-by-status index, cases intact."""
        store = open_store(store_spec)
        assert add(store, reported("case:1")) == 2
        with store._write() as cur:
            cur.execute(store._sql("DROP INDEX cases_overdue_status"))
            cur.execute(store._sql("UPDATE meta SET value = '1' WHERE key = 'schema_version'"))
        store.close()
        again = open_store(store_spec)
        assert again.schema_version == 2
        assert again.version("case:1") == 2
        with again._write() as cur:  # the index is back: dropping it works
            cur.execute(again._sql("DROP INDEX cases_overdue_status"))
        again.close()

    def test_another_time_zone_refused(self, store_spec: Spec) -> None:
        open_store(store_spec).close()
        utc = attrs.evolve(DEFAULT_POLICY, time_zone="UTC")
        with pytest.raises(StoreError, match="keeps its times in Asia/Shanghai"):
            open_store(store_spec, policy=utc)

    def test_not_a_database(self, tmp_path: Path) -> None:
        path = tmp_path / "cases.db"
        path.write_text("hello, this is no database" * 100)
        with pytest.raises(StoreError, match="file is not a database"):
            SQLiteStore(path)

    def test_postgres_without_psycopg(self, monkeypatch: pytest.MonkeyPatch) -> None:
        from govmodel.store import PostgresStore

        monkeypatch.setitem(sys.modules, "psycopg", None)
        with pytest.raises(MissingExtraError, match=r"pip install 'govmodel\[postgres\]'"):
            PostgresStore("postgresql://localhost/none")


class TestTick:
    def test_escalates_due_cases_once(self, store: Store) -> None:
        logs = _fill(store)
        now = T + dt.timedelta(days=40)
        expected = sorted(
            c
            for c, events in logs.items()
            if (s := replay(events)).open
            and s.routing.due < now  # type: ignore[union-attr]
            and s.routing.tier is not Tier.STREET  # type: ignore[union-attr]
        )
        assert sorted(tick(store, XINHE, now)) == expected
        assert tick(store, XINHE, now) == ()
        for case_id in expected:
            assert store.version(case_id) == len(logs[case_id]) + 1

    def test_reopened_case_escalates_at_once(self, store: Store) -> None:
        events = reported("case:1", receiver="post:grid-wanda-a-worker")
        later = T + dt.timedelta(hours=3)
        events += [
            Accepted(case_id="case:1", at=T, actor="pm:cxh"),
            Resolved(case_id="case:1", at=later, actor="pm:cxh"),
            Revisited(
                case_id="case:1", at=later, actor="post:grid-wanda-a-worker", satisfied=False
            ),
            Reopened(
                case_id="case:1", at=later, actor="post:grid-wanda-a-worker", reason="still sticks"
            ),
        ]
        add(store, events)
        assert tick(store, XINHE, T + dt.timedelta(hours=2)) == ()  # before the reopening
        assert tick(store, XINHE, later) == ("case:1",)
        state = store.state("case:1", reader="post:grid-wanda-a-worker", structure=XINHE, at=later)
        assert state.status is Status.IN_PROGRESS
        assert state.routing is not None
        assert state.routing.tier is Tier.COMMUNITY

    def test_recurring_matter_escalates_once(self, store: Store) -> None:
        for i in range(3):
            add(store, reported(f"case:{i}", at=T + dt.timedelta(hours=i), category="noise"))
        assert tick(store, XINHE, T + dt.timedelta(hours=3)) == ("case:2",)
        assert tick(store, XINHE, T + dt.timedelta(hours=3)) == ()

    def test_recurrence_reason_counts_every_earlier_case(self, store: Store) -> None:
        for i in range(5):
            add(store, reported(f"case:{i}", at=T + dt.timedelta(hours=i), category="noise"))
        assert tick(store, XINHE, T + dt.timedelta(hours=5)) == ("case:2", "case:3", "case:4")
        state = store.state("case:4", reader=BACK_OFFICE, structure=XINHE, at=T)
        assert state.routing is not None
        assert "reported 4 times before in " in state.routing.reason

    def test_aware_tick_on_naive_cases(self, store: Store) -> None:
        add(store, reported("case:1"))
        now = (T + dt.timedelta(days=30)).replace(tzinfo=DEFAULT_POLICY.time_zone)
        assert tick(store, XINHE, now.astimezone(dt.UTC)) == ("case:1",)
        events = store.events("case:1", reader="pm:cxh", structure=XINHE, at=T)
        assert events[-1].at == T + dt.timedelta(days=30)

    def test_two_workers_tick_at_once(self, store_spec: Spec) -> None:
        with open_store(store_spec) as store:
            logs = _fill(store)
        now = T + dt.timedelta(days=40)
        ctx = multiprocessing.get_context("spawn")
        with ctx.Pool(2) as pool:
            results = pool.starmap(_tick_in_process, [(store_spec, now)] * 2)
        escalated = [case_id for ids in results for case_id in ids]
        assert len(escalated) == len(set(escalated)) > 0
        with open_store(store_spec) as store:
            for case_id in escalated:
                assert store.version(case_id) == len(logs[case_id]) + 1


def _tick_in_process(spec: Spec, now: dt.datetime) -> tuple[str, ...]:
    with open_store(spec) as store:
        return tick(store, XINHE, now, batch=2)


class TestConcurrency:
    def test_two_processes_lose_nothing_and_see_races(self, store_spec: Spec) -> None:
        ctx = multiprocessing.get_context("spawn")
        barrier = ctx.Barrier(2)
        out = ctx.Queue()
        rounds, cases = 6, 3
        processes = [
            ctx.Process(target=workers.race, args=(store_spec, me, rounds, cases, barrier, out))
            for me in ("a", "b")
        ]
        for p in processes:
            p.start()
        results = [out.get(timeout=300) for _ in processes]
        for p in processes:
            p.join(timeout=60)
            assert p.exitcode == 0
        # In lock step, each round exactly one of the two appends and the other is refused.
        for r in range(rounds):
            assert sorted(stepped[r] for _, stepped, _, _ in results) == ["conflict", "ok"]
        with open_store(store_spec) as store:
            assert store.version("case:race") == 2 + rounds - 1
            acknowledged = [tag for _, _, tags, _ in results for tag in tags]
            assert len(acknowledged) == 2 * cases * 10
            found = []
            for n in range(cases):
                events = store.events(f"case:free-{n}", reader="pm:cxh", structure=XINHE, at=T)
                assert store.version(f"case:free-{n}") == len(events)
                found += [e.routing.reason for e in events[2:] if isinstance(e, Routed)]
            assert sorted(found) == sorted(acknowledged)

    def test_each_store_checks_against_what_the_other_appended(self, store_spec: Spec) -> None:
        """Two stores on one database, each holding the case's state it last saw.

        A store keeps decoded states by case and version, and checks an append
        against the state of the version the database holds: never against one
        it kept from before another store appended.
        """
        with open_store(store_spec) as a, open_store(store_spec) as b:
            log = reported("case:1")
            add(a, log)
            handler = route(XINHE, log[0].case).handler  # type: ignore[union-attr]
            assert handler is not None
            b.state("case:1", reader=handler, structure=XINHE, at=T)  # b keeps version 2
            accepted = Accepted(case_id="case:1", at=T, actor=handler)
            assert a.append("case:1", [accepted], expected_version=2, structure=XINHE) == 3
            resolved = Resolved(case_id="case:1", at=T + dt.timedelta(hours=1), actor=handler)
            with pytest.raises(ConcurrencyError):
                b.append("case:1", [resolved], expected_version=2, structure=XINHE)
            # Resolving follows a's acceptance, which b's kept state (version 2) lacks.
            assert b.append("case:1", [resolved], expected_version=3, structure=XINHE) == 4
            # a kept version 3, not yet resolved: the database's version 4 is.
            again = Resolved(case_id="case:1", at=T + dt.timedelta(hours=2), actor=handler)
            with pytest.raises(RejectedEventsError, match="already resolved"):
                a.append_many(
                    [Append(case_id="case:1", events=[again], expected_version=4)],
                    structure=XINHE,
                )
            want = replay([*log, accepted, resolved])
            for store in (a, b):
                assert store.version("case:1") == 4
                assert store.state("case:1", reader=BACK_OFFICE, structure=XINHE, at=T) == want

    def test_killed_during_an_append(self, store_spec: Spec) -> None:
        """SIGKILL mid-append: no partial batch, no acknowledged batch lost."""
        open_store(store_spec).close()
        rng = random.Random(15)
        for attempt in range(3):
            child = subprocess.Popen(
                [sys.executable, "-m", "tests._store_workers", *store_spec, "200"],
                cwd=ROOT,
                stdout=subprocess.PIPE,
                text=True,
                env={**os.environ, "PYTHONPATH": str(ROOT)},
            )
            assert child.stdout is not None
            acks = []
            for line in child.stdout:
                acks.append(int(line.split()[1]))
                if len(acks) == 2 + attempt:
                    break
            time.sleep(rng.uniform(0, 0.05))
            os.kill(child.pid, signal.SIGKILL)
            child.wait()
            child.stdout.close()
            with open_store(store_spec) as store:
                for number in acks:
                    for i in (0, 199):
                        assert store.version(f"case:{number}-{i}") == 4
                # Nothing partial: every batch is all there or not at all. The child
                # may have committed batches since the last ack read here (an append
                # can take less than the wait before the kill): those are in whole,
                # then the one killed is in (if it committed) or out whole, and none
                # after it is in.
                killed = acks[-1] + 1
                versions = {store.version(f"case:{killed}-{i}") for i in range(200)}
                while versions == {4}:
                    killed += 1
                    versions = {store.version(f"case:{killed}-{i}") for i in range(200)}
                assert versions == {0}
                assert store.version(f"case:{killed + 1}-0") == 0
            # The next attempt starts its batches over: a new store for it.
            from tests._stores import drop

            drop(store_spec)
            if store_spec[0] == "sqlite":
                for suffix in ("", "-wal", "-shm"):
                    Path(store_spec[1] + suffix).unlink(missing_ok=True)


class TestConnectionLost:
    """PostgreSQL: a store whose connection was lost connects again on its next call."""

    def test_reconnects_after_its_backend_is_terminated(self) -> None:
        import psycopg

        from govmodel.store import PostgresStore
        from tests._stores import new_store, postgres_dsn

        dsn = postgres_dsn()
        with new_store("postgres") as store:
            assert isinstance(store, PostgresStore)
            assert add(store, reported("case:1")) == 2
            for step in range(3):
                conn = store._conn
                with psycopg.connect(dsn, autocommit=True) as other:
                    other.execute("SELECT pg_terminate_backend(%s)", (conn.info.backend_pid,))
                # The call that meets the lost connection fails, as a StoreError saying so
                # (an append met there is not retried: it may have committed) ...
                if step == 1:
                    call = functools.partial(
                        store.append,
                        "case:1",
                        [Accepted(case_id="case:1", at=T, actor="pm:cxh")],
                        expected_version=2,
                        structure=XINHE,
                    )
                else:
                    call = functools.partial(store.version, "case:1")
                with pytest.raises(StoreError, match="connection to the server was lost"):
                    call()
                # ... and the next one connects again: reads and appends work.
                assert store.version("case:1") == 2
                assert store._conn is not conn
            assert add(store, reported("case:2")) == 2
            assert tick(store, XINHE, T + dt.timedelta(days=30)) == ("case:1", "case:2")
            state = store.state("case:1", reader="pm:cxh", structure=XINHE, at=T)
            assert state.events == 3
        with pytest.raises(StoreError, match="the PostgreSQL store is closed"):
            store.version("case:1")


def test_postgres_update_arrays_are_of_the_columns_types() -> None:
    """PostgreSQL: a batch's updates cast each column's array to the column's own type."""
    import psycopg

    from govmodel.store import PostgresStore
    from govmodel.store._postgres import _TYPES
    from tests._stores import new_store, postgres_dsn

    dsn = postgres_dsn()
    with new_store("postgres") as store:
        assert isinstance(store, PostgresStore)
        with psycopg.connect(dsn) as conn:
            rows = conn.execute(
                "SELECT column_name, data_type FROM information_schema.columns"
                " WHERE table_schema = %s AND table_name = 'cases'",
                (store._schema,),
            ).fetchall()
    columns: dict[str, str] = dict(rows)
    assert set(_TYPES) == set(columns) - {"category", "place", "reported_key"}
    assert {name: columns[name] for name in _TYPES} == _TYPES


@settings(max_examples=60, deadline=None)
@given(
    secret=st.text(alphabet="abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789", min_size=8),
    shape=st.sampled_from(
        [
            "postgresql://govmodel:{s} x@127.0.0.1:1/govmodel",  # a space
            "postgresql://govmodel:{s}%ZZ@127.0.0.1:1/govmodel",  # a bad escape
            "govmodel:{s}@127.0.0.1:1/govmodel",  # neither a URI nor key=value
            "postgresql://govmodel:pw@127.0.0.1:1/govmodel?sslmode={s}",
            "host=127.0.0.1 port=1 password={s} sslmode={s}",
            "host=127.0.0.1 port=1 password='{s}",  # an unclosed quote
            "postgresql://govmodel:{s}@127.0.0.1:1/govmodel?nosuch=1",
            "postgresql://govmodel:{s}@127.0.0.1:1/govmodel",  # no server there
        ]
    ),
)
def test_a_dsn_is_never_quoted_in_the_store_s_errors(secret: str, shape: str) -> None:
    """Whatever is wrong with a DSN, PostgresStore's error quotes none of its secrets."""
    pytest.importorskip("psycopg")
    from govmodel.errors import StoreError
    from govmodel.store import PostgresStore

    dsn = shape.format(s=secret)
    with pytest.raises(StoreError, match="cannot connect to the PostgreSQL store") as caught:
        PostgresStore(dsn)
    assert secret not in str(caught.value)


def test_a_closed_store_says_it_is_closed(store_spec: Spec) -> None:
    """Both stores, closed, refuse every call with a StoreError saying so."""
    from govmodel.errors import StoreError

    store = open_store(store_spec)
    store.close()
    for call in (
        lambda: store.version("case:1"),
        lambda: store.state("case:1", reader=BACK_OFFICE, structure=XINHE, at=T),
        lambda: add(store, reported("case:1")),
    ):
        with pytest.raises(StoreError, match=r"store .*is closed"):
            call()


def test_sqlite_store_in_a_missing_folder(tmp_path: Path) -> None:
    from govmodel.errors import StoreError

    with pytest.raises(StoreError, match=r"its folder .* does not exist"):
        SQLiteStore(tmp_path / "none" / "cases.db")

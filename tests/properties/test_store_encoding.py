"""Tests for `govmodel.store._encoding`: the store's hand-built JSON is the converter's.

The store writes events and states with ``Encoder``, which builds by hand what
the case log's cattrs converter writes and keeps the text of the records a case's
states share. Whatever the records hold — any text, any time zone, every field
given or left at its default — the text must be the converter's, byte for byte,
however often the same records come back.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import attrs
from hypothesis import given, settings
from hypothesis import strategies as st

from govmodel import (
    Accepted,
    Case,
    CaseEvent,
    CaseState,
    Closed,
    Reopened,
    Reported,
    Resolved,
    Revisited,
    Routed,
    Routing,
    advance,
    dumps_events,
    examples,
)
from govmodel.cases import _JSON, _converter
from govmodel.model import Domain, Procedure, Status, Tier
from govmodel.store._encoding import FAST, Encoder
from govmodel.strategies import cases, event_logs

XINHE = examples.load("xinhe")

_TEXTS = st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=12)
_IDS = _TEXTS.filter(lambda s: s.strip() != "")
_ZONES = st.sampled_from(
    [None, dt.UTC, dt.timezone(dt.timedelta(hours=8)), dt.timezone(dt.timedelta(hours=-3.5))]
)
_MOMENTS = st.builds(
    lambda t, zone: t.replace(tzinfo=zone),
    st.datetimes(min_value=dt.datetime(1990, 1, 1), max_value=dt.datetime(2100, 1, 1)),
    _ZONES,
)
_DOMAINS = st.lists(st.sampled_from(list(Domain)), max_size=3).map(tuple)


def _routings() -> st.SearchStrategy[Routing]:
    maybe_id = st.none() | _IDS
    return st.builds(
        Routing,
        tier=st.sampled_from(list(Tier)),
        procedure=st.sampled_from(list(Procedure)),
        handler=maybe_id,
        owner=maybe_id,
        due=_MOMENTS,
        co_handlers=st.lists(_IDS, max_size=2).map(tuple),
        summoned=st.lists(_IDS, max_size=2).map(tuple),
        convener=maybe_id,
        ladder=st.lists(st.sampled_from(list(Tier)), max_size=3).map(tuple),
        reason=_TEXTS,
        domains=_DOMAINS,
        forum=maybe_id,
        rule=maybe_id,
        supervisor=maybe_id,
    )


@st.composite
def _cases(draw: Any) -> Case:
    case: Case = draw(cases(XINHE, ids=_IDS, reported_at=_MOMENTS))
    return attrs.evolve(
        case,
        reporter=draw(st.none() | _TEXTS),
        contact=draw(st.none() | _TEXTS),
        description=draw(_TEXTS),
    )


def _events(case: Case, routings: st.SearchStrategy[Routing]) -> st.SearchStrategy[CaseEvent]:
    cid = st.just(case.id)
    return st.one_of(
        st.builds(Reported, case=st.just(case), at=_MOMENTS),
        st.builds(Routed, case_id=cid, at=_MOMENTS, routing=routings),
        st.builds(Accepted, case_id=cid, at=_MOMENTS, actor=_IDS),
        st.builds(Resolved, case_id=cid, at=_MOMENTS, actor=_IDS),
        st.builds(
            Revisited, case_id=cid, at=_MOMENTS, actor=_IDS, satisfied=st.booleans(), found=_DOMAINS
        ),
        st.builds(
            Reopened,
            case_id=cid,
            at=_MOMENTS,
            actor=st.none() | _IDS,
            reason=_TEXTS,
            domains=_DOMAINS,
        ),
        st.builds(Closed, case_id=cid, at=_MOMENTS, actor=st.none() | _IDS),
    )


@st.composite
def _histories(draw: Any) -> tuple[list[CaseEvent], list[CaseState]]:
    """Events and states of one case that share their records, as an append's do."""
    case = draw(_cases())
    pool = draw(st.lists(_routings(), min_size=1, max_size=3))
    routings = st.sampled_from(pool)
    events = draw(st.lists(_events(case, routings), max_size=6))
    revisits = [e for e in events if isinstance(e, Revisited)]
    states = []
    for _ in range(draw(st.integers(1, 4))):
        chosen = draw(st.lists(st.sampled_from(pool), max_size=3)).copy()
        states.append(
            CaseState(
                case=case,
                status=draw(st.sampled_from(list(Status))),
                routing=draw(st.none() | st.sampled_from(pool)),
                routings=tuple(chosen),
                accepted_at=draw(st.none() | _MOMENTS),
                resolved_at=draw(st.none() | _MOMENTS),
                resolved_by=draw(st.none() | _IDS),
                closed_at=draw(st.none() | _MOMENTS),
                revisits=tuple(draw(st.lists(st.sampled_from(revisits), max_size=2)))
                if revisits
                else (),
                visits_since_resolved=draw(st.integers(0, 3)),
                reopened=draw(st.integers(0, 3)),
                reopen_reason=draw(st.none() | _TEXTS),
                extra_domains=draw(_DOMAINS),
                updated_at=draw(_MOMENTS),
                events=draw(st.integers(1, 40)),
            )
        )
    return events, states


def _converted(state: CaseState) -> str:
    return _JSON.encode(_converter().unstructure(state, CaseState))


def test_the_fast_encoding_is_in_use() -> None:
    """The records have the fields the encoder writes: the store does not fall back."""
    assert FAST


@settings(max_examples=200)
@given(history=_histories())
def test_events_and_states_are_the_converters_text(
    history: tuple[list[CaseEvent], list[CaseState]],
) -> None:
    """Any events and states, their records shared and met again: the converter's text."""
    events, states = history
    encoder = Encoder(size=4)  # small, so that texts are also dropped and made again
    for _ in range(2):
        assert "".join(line + "\n" for line in encoder.events(events)) == dumps_events(events)
        for state in states:
            assert encoder.state(state) == _converted(state)


@settings(max_examples=30)
@given(log=event_logs(XINHE, max_cases=4))
def test_a_logs_states_version_by_version(log: tuple[CaseEvent, ...]) -> None:
    """A valid log's events, and each case's state after each of them, as an append writes them."""
    encoder = Encoder()
    assert "".join(line + "\n" for line in encoder.events(log)) == dumps_events(log)
    states: dict[str, CaseState] = {}
    for event in log:
        state = states[event.case_id] = advance(states.get(event.case_id), event)
        text = encoder.state(state)
        assert text == _converted(state)
        assert _converter().structure(json.loads(text), CaseState) == state

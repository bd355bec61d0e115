"""How a store writes events and states as JSON: the converter's text, built by hand.

The readable encoding is the case log's own converter (``govmodel.cases``):
``dumps_events`` for events and ``_converter().unstructure`` for a state, each
value unstructured through cattrs' generated hooks and its tagged union, then
written by ``json``. An append writes every new event and the new state of
every case it touches; the converter's dispatch, and writing again the case,
routings and return visits that a case's state carries unchanged from one
append to the next, were about a third of an append's time. ``Encoder``
writes each record's fields directly, in the converter's key order (the fields
without a default first, then those that differ from their default), and keeps
the text of the records that states share, so that a state is its few changing
fields joined to texts already written. The text is the converter's, byte for
byte: ``tests/properties/test_store_encoding.py`` pins it.

The encoder knows each record's fields by name. A record that gained, lost or
changed the default of a field would be written wrongly, so the fields are
compared with the ones written here when the module is imported, and where
they differ the encoder uses the converter (``FAST`` is then false, which a
test asserts it is not).
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
from collections.abc import Callable, Iterable
from typing import Any

import attrs

from govmodel.cases import (
    _EVENT_NAME,
    _JSON,
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
    _converter,
)
from govmodel.model import Channel, Scope, Urgency

__all__ = ["FAST", "Encoder"]

# How the encoder of ``_JSON`` (``ensure_ascii=False``) writes a string.
_quote = json.encoder.encode_basestring


def _encoder_of(encoder: json.JSONEncoder) -> Callable[[Any], str]:
    """``encoder.encode`` for the dicts the store writes, without its cost per call.

    ``JSONEncoder.encode`` makes a new C encoder, and a table of the containers
    met (to refuse a cycle), for each value; the store's records hold no cycle.
    The C encoder made once, with the same settings, writes the same text, and
    where Python has none (``c_make_encoder`` is ``None``) ``encode`` is used.
    """
    make = getattr(json.encoder, "c_make_encoder", None)
    indent: object = encoder.indent  # None, though typeshed's JSONEncoder says it never is
    if make is None or indent is not None:
        return encoder.encode
    strings = json.encoder.encode_basestring_ascii if encoder.ensure_ascii else _quote
    chunks = make(
        None,
        encoder.default,
        strings,
        encoder.indent,
        encoder.key_separator,
        encoder.item_separator,
        encoder.sort_keys,
        encoder.skipkeys,
        encoder.allow_nan,
    )
    return lambda value: "".join(chunks(value, 0))


_dumps = _encoder_of(_JSON)


def _case(c: Case) -> dict[str, Any]:
    d: dict[str, Any] = {
        "id": c.id,
        "category": c.category._value_,
        "place": c.place,
        "reported_at": c.reported_at.isoformat(),
    }
    if c.channel is not Channel.WALK_IN:
        d["channel"] = c.channel._value_
    if c.scope is not Scope.HOUSEHOLD:
        d["scope"] = c.scope._value_
    if c.urgency is not Urgency.ROUTINE:
        d["urgency"] = c.urgency._value_
    if c.domains is not None:
        d["domains"] = [x._value_ for x in c.domains]
    if c.receiver is not None:
        d["receiver"] = c.receiver
    if c.reporter is not None:
        d["reporter"] = c.reporter
    if c.contact is not None:
        d["contact"] = c.contact
    if c.description != "":
        d["description"] = c.description
    return d


def _routing(r: Routing) -> dict[str, Any]:
    d: dict[str, Any] = {
        "tier": r.tier._value_,
        "procedure": r.procedure._value_,
        "handler": r.handler,
        "owner": r.owner,
        "due": r.due.isoformat(),
    }
    if r.co_handlers:
        d["co_handlers"] = list(r.co_handlers)
    if r.summoned:
        d["summoned"] = list(r.summoned)
    if r.convener is not None:
        d["convener"] = r.convener
    if r.ladder:
        d["ladder"] = [x._value_ for x in r.ladder]
    if r.reason != "":
        d["reason"] = r.reason
    if r.domains:
        d["domains"] = [x._value_ for x in r.domains]
    if r.forum is not None:
        d["forum"] = r.forum
    if r.rule is not None:
        d["rule"] = r.rule
    if r.supervisor is not None:
        d["supervisor"] = r.supervisor
    return d


def _revisited(e: Revisited) -> dict[str, Any]:
    d: dict[str, Any] = {
        "case_id": e.case_id,
        "at": e.at.isoformat(),
        "actor": e.actor,
        "satisfied": e.satisfied,
    }
    if e.found:
        d["found"] = [x._value_ for x in e.found]
    return d


# The fields written above, each with its default ("-" for none), in the records' order.
_WRITTEN: dict[type, tuple[tuple[str, object], ...]] = {
    Case: (
        ("id", "-"),
        ("category", "-"),
        ("place", "-"),
        ("reported_at", "-"),
        ("channel", Channel.WALK_IN),
        ("scope", Scope.HOUSEHOLD),
        ("urgency", Urgency.ROUTINE),
        ("domains", None),
        ("receiver", None),
        ("reporter", None),
        ("contact", None),
        ("description", ""),
    ),
    Routing: (
        ("tier", "-"),
        ("procedure", "-"),
        ("handler", "-"),
        ("owner", "-"),
        ("due", "-"),
        ("co_handlers", ()),
        ("summoned", ()),
        ("convener", None),
        ("ladder", ()),
        ("reason", ""),
        ("domains", ()),
        ("forum", None),
        ("rule", None),
        ("supervisor", None),
    ),
    CaseState: (
        ("case", "-"),
        ("status", "-"),
        ("routing", None),
        ("routings", ()),
        ("accepted_at", None),
        ("resolved_at", None),
        ("resolved_by", None),
        ("closed_at", None),
        ("revisits", ()),
        ("visits_since_resolved", 0),
        ("reopened", 0),
        ("reopen_reason", None),
        ("extra_domains", ()),
        ("updated_at", "-"),
        ("events", 1),
    ),
    Reported: (("case", "-"), ("at", "-")),
    Accepted: (("case_id", "-"), ("at", "-"), ("actor", "-")),
    Routed: (("case_id", "-"), ("at", "-"), ("routing", "-")),
    Resolved: (("case_id", "-"), ("at", "-"), ("actor", "-")),
    Revisited: (
        ("case_id", "-"),
        ("at", "-"),
        ("actor", "-"),
        ("satisfied", "-"),
        ("found", ()),
    ),
    Reopened: (
        ("case_id", "-"),
        ("at", "-"),
        ("actor", "-"),
        ("reason", "-"),
        ("domains", ()),
    ),
    Closed: (("case_id", "-"), ("at", "-"), ("actor", "-")),
}


def _fields_as_written() -> bool:
    """Whether every record still has exactly the fields and defaults written above."""
    for cls, written in _WRITTEN.items():
        found = tuple(
            (f.name, "-" if f.default is attrs.NOTHING else f.default) for f in attrs.fields(cls)
        )
        if found != written:
            return False
    return True


FAST = _fields_as_written()
"""Whether the hand-built encoding is in use (the records have the fields it writes)."""


def _acted(e: Accepted | Resolved | Reopened | Closed) -> dict[str, Any]:
    d: dict[str, Any] = {"case_id": e.case_id, "at": e.at.isoformat(), "actor": e.actor}
    if isinstance(e, Reopened):
        d["reason"] = e.reason
        if e.domains:
            d["domains"] = [x._value_ for x in e.domains]
    return d


# The events written as their case id, time and actor alone, by the name the log gives them.
_ACTED = {kind: _EVENT_NAME[kind] for kind in (Accepted, Resolved, Closed)}


def _forget_oldest(cache: dict[Any, Any]) -> None:
    """Drop the oldest quarter of a cache kept in the order its entries came.

    Examples
    --------
    >>> cache = {i: str(i) for i in range(8)}
    >>> _forget_oldest(cache)
    >>> list(cache)
    [2, 3, 4, 5, 6, 7]
    """
    for old in list(itertools.islice(cache, len(cache) // 4)):
        del cache[old]


class Encoder:
    """Writes a store's events and states, keeping the text of the records they share.

    A case's state holds its case, every routing and every return visit so far,
    and most of them are the same objects, unchanged, each time the case appears
    in an append (``advance`` carries them over; a ``Routed`` event's routing
    is the state's new one), and so are its times (each an event's ``at``).
    Their JSON text is kept by object, with the object itself so that its id is
    never another's, and a state is written by joining the kept texts and its
    few changing fields; an event is written from the same texts (a return
    visit's, which its state keeps too). A store has one encoder; the most
    recently made ``size`` texts of records, and of times, are kept.

    Examples
    --------
    >>> import datetime as dt
    >>> from govmodel import Closed
    >>> Encoder().events([Closed(case_id="c", at=dt.datetime(2025, 1, 1, 9), actor="post:a")])
    ['{"case_id": "c", "at": "2025-01-01T09:00:00", "actor": "post:a", "event": "closed"}']
    """

    def __init__(self, size: int = 60_000) -> None:
        self._size = size
        self._texts: dict[int, tuple[object, str]] = {}
        self._moments: dict[int, tuple[dt.datetime, str]] = {}

    def _moment(self, moment: dt.datetime) -> str:
        """A time as the converter writes it (ISO 8601, quoted), kept by object like a record.

        A state's times are its events' own (``advance`` keeps each event's
        ``at``): written for the event, they are met again in the state.
        """
        hit = self._moments.get(id(moment))
        if hit is not None and hit[0] is moment:
            return hit[1]
        text = _quote(moment.isoformat())
        moments = self._moments
        moments[id(moment)] = (moment, text)
        if len(moments) > self._size:
            _forget_oldest(moments)
        return text

    def _kept(self, record: Any, build: Callable[[Any], dict[str, Any]]) -> str:
        hit = self._texts.get(id(record))
        if hit is not None and hit[0] is record:
            return hit[1]
        text = _dumps(build(record))
        texts = self._texts
        texts[id(record)] = (record, text)
        if len(texts) > self._size:
            _forget_oldest(texts)
        return text

    def events(self, events: Iterable[CaseEvent]) -> list[str]:
        """Each event as one JSON Lines line (without its line break), as ``dumps_events``."""
        if not FAST:
            unstructure = _converter().unstructure
            return [_JSON.encode(unstructure(e, CaseEvent)) for e in events]
        out = []
        kept, moment = self._kept, self._moment
        for e in events:
            kind = type(e)
            if kind is Routed:
                out.append(
                    f'{{"case_id": {_quote(e.case_id)}, "at": {moment(e.at)}, '
                    f'"routing": {kept(e.routing, _routing)}, "event": "routed"}}'  # type: ignore[union-attr]
                )
            elif kind is Reported:
                out.append(
                    f'{{"case": {kept(e.case, _case)}, "at": {moment(e.at)}, '  # type: ignore[union-attr]
                    '"event": "reported"}'
                )
            elif kind is Revisited:
                # The visit as a state keeps it, and the event's name last.
                out.append(f'{kept(e, _revisited)[:-1]}, "event": "revisited"}}')
            elif kind in _ACTED:
                actor = e.actor  # type: ignore[union-attr]
                out.append(
                    f'{{"case_id": {_quote(e.case_id)}, "at": {moment(e.at)}, '
                    f'"actor": {"null" if actor is None else _quote(actor)}, '
                    f'"event": "{_ACTED[kind]}"}}'
                )
            else:
                out.append(self._event(e))
        return out

    def _event(self, e: CaseEvent) -> str:
        """Any event as one line, through its record's dict (a reopening, with its reason)."""
        kept = self._kept
        if isinstance(e, Routed):
            return (
                f'{{"case_id": {_quote(e.case_id)}, "at": {_quote(e.at.isoformat())}, '
                f'"routing": {kept(e.routing, _routing)}, "event": "routed"}}'
            )
        if isinstance(e, Reported):
            return (
                f'{{"case": {kept(e.case, _case)}, "at": {_quote(e.at.isoformat())}, '
                '"event": "reported"}'
            )
        d = _revisited(e) if isinstance(e, Revisited) else _acted(e)
        d["event"] = _EVENT_NAME[type(e)]
        return _dumps(d)

    def state(self, s: CaseState) -> str:
        """A case's state as the store keeps it: the converter's dict, as JSON."""
        if not FAST:
            return _JSON.encode(_converter().unstructure(s, CaseState))
        kept, moment = self._kept, self._moment
        parts = [
            f'{{"case": {kept(s.case, _case)}, "status": {_quote(s.status._value_)}, '
            f'"updated_at": {moment(s.updated_at)}'
        ]
        add = parts.append
        if s.routing is not None:
            add(f', "routing": {kept(s.routing, _routing)}')
        if s.routings:
            add(f', "routings": [{", ".join([kept(r, _routing) for r in s.routings])}]')
        if s.accepted_at is not None:
            add(f', "accepted_at": {moment(s.accepted_at)}')
        if s.resolved_at is not None:
            add(f', "resolved_at": {moment(s.resolved_at)}')
        if s.resolved_by is not None:
            add(f', "resolved_by": {_quote(s.resolved_by)}')
        if s.closed_at is not None:
            add(f', "closed_at": {moment(s.closed_at)}')
        if s.revisits:
            add(f', "revisits": [{", ".join([kept(v, _revisited) for v in s.revisits])}]')
        if s.visits_since_resolved != 0:
            add(f', "visits_since_resolved": {int.__repr__(s.visits_since_resolved)}')
        if s.reopened != 0:
            add(f', "reopened": {int.__repr__(s.reopened)}')
        if s.reopen_reason is not None:
            add(f', "reopen_reason": {_quote(s.reopen_reason)}')
        if s.extra_domains:
            add(f', "extra_domains": {_dumps([x._value_ for x in s.extra_domains])}')
        if s.events != 1:
            add(f', "events": {int.__repr__(s.events)}')
        add("}")
        return "".join(parts)

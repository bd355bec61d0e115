"""What every case store shares: the protocol, the checks, the projection and the SQL.

A store holds an append-only log of lifecycle events, one row per event,
numbered per case from 1 (the case's *version* is its number of events), and
beside it one row per case: the case's current state and the columns the
queries filter on (the *projection*). Both change in the same transaction.

``_SQLStore`` holds everything but the dialect: the two databases differ in
their placeholders, how a list is passed, how a row is locked, their
column types and their errors, and each implementation says only that.
"""

from __future__ import annotations

import bisect
import datetime as dt
import io
import json
import math
import os
import zoneinfo
from collections.abc import Callable, Iterable, Mapping, Sequence
from contextlib import AbstractContextManager
from typing import IO, Any, Protocol, Self, runtime_checkable

import attrs

from govmodel._gc import paused
from govmodel._metrics import Metrics, metrics
from govmodel.cases import (
    _EVENT_TYPES,
    Case,
    CaseEvent,
    CaseState,
    Reopened,
    Reported,
    Routed,
    _converter,
    dumps_events,
    iter_case_events,
    loads_events,
)
from govmodel.errors import (
    ConcurrencyError,
    GovModelError,
    RejectedEventsError,
    StoreArgumentError,
    StoreError,
)
from govmodel.model import Category, Status, Tier
from govmodel.rules._fast_checking import _check_fast
from govmodel.rules.access import (
    AccessDenied,
    Action,
    _identities,
    _serving,
    can,
    redact,
    strip_personal,
)
from govmodel.rules.access import Reader as AccessReader
from govmodel.rules.policy import Policy
from govmodel.rules.routing import required_domains
from govmodel.store._encoding import Encoder, _forget_oldest
from govmodel.structure import Structure

__all__ = ["SCHEMA_VERSION", "Append", "Page", "Reader", "Store"]

SCHEMA_VERSION = 2
"""The version of the tables a store of this govmodel writes; older ones are migrated."""

Reader = AccessReader
"""Who reads: a body, post or person of the structure, judged by the access rules, or
``BACK_OFFICE`` for a trusted back-office job."""

_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_NAIVE_EPOCH = dt.datetime(1970, 1, 1)
_MICROSECOND = dt.timedelta(microseconds=1)
# How many decoded states a store keeps, the most recently used: enough for
# the cases open at once at a million cases a year (with 20,000, a quarter of
# the states such a load appended to had to be decoded again), small enough to
# stay in memory.
_CACHED_STATES = 60_000
# A limit no window of cases reaches: every earlier case of a place, in SQL both dialects take.
_EVERY = 2**62
_OPEN = frozenset(s for s in Status if s not in (Status.RESOLVED, Status.CLOSED))


def _kind(value: object) -> str:
    """What a value is, by its type alone: messages never quote a value that may be personal."""
    if value is None:
        return "None"
    name = type(value).__name__
    return f"{'an' if name[:1] in 'aeiouAEIOU' else 'a'} {name}"


def _event_tuple(events: Iterable[CaseEvent]) -> tuple[CaseEvent, ...]:
    if isinstance(events, _EVENT_TYPES):
        raise StoreArgumentError(
            "events",
            f"expected a list of events, found one {type(events).__name__} event: "
            "pass it in a list, [event]",
        )
    if isinstance(events, str | bytes | Mapping) or not isinstance(events, Iterable):
        raise StoreArgumentError("events", f"expected a list of events, found {_kind(events)}")
    found = tuple(events)
    for index, event in enumerate(found):
        if not isinstance(event, _EVENT_TYPES):
            raise StoreArgumentError(
                f"events[{index}]",
                f"expected an event (Reported, Accepted, Routed, ...), found {_kind(event)}",
            )
    return found


def _case_id(value: object, name: str = "case_id") -> str:
    if not isinstance(value, str):
        raise StoreArgumentError(name, f"expected a case id (a str), found {_kind(value)}")
    return value


def _expected_version(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise StoreArgumentError(
            "expected_version",
            f"expected the case's version the events follow, a whole number (int) of 0 "
            f"or more, found {_kind(value)}",
        )
    if value < 0:
        raise StoreArgumentError("expected_version", f"expected 0 or more, found {value}")
    return value


def _check_structure(value: object) -> Structure:
    if not isinstance(value, Structure):
        raise StoreArgumentError(
            "structure",
            f"expected a govmodel.Structure (govmodel.load or govmodel.examples.load), "
            f"found {_kind(value)}",
        )
    return value


@attrs.frozen(kw_only=True)
class Append:
    """One case's new events, for :meth:`Store.append_many`.

    Parameters
    ----------
    case_id
        The case the events belong to.
    events
        Its next events, in order.
    expected_version
        The case's version the events follow: 0 for a new case, else the
        number of events the store holds for it.

    Examples
    --------
    >>> Append(case_id="case:1", events=[], expected_version=0).events
    ()
    """

    case_id: str = attrs.field(converter=_case_id)
    events: tuple[CaseEvent, ...] = attrs.field(converter=_event_tuple)
    expected_version: int = attrs.field(converter=_expected_version)


@attrs.frozen(kw_only=True)
class Page:
    """One page of a query: the cases, and where the next page starts.

    Parameters
    ----------
    items
        The cases' states, as the reader may see them.
    after
        Pass it as ``after=`` to the same query for the next page; ``None``
        on the last page.

    Examples
    --------
    >>> Page(items=(), after=None).items
    ()
    """

    items: tuple[CaseState, ...]
    after: str | None


@runtime_checkable
class Store(Protocol):
    """What a case store offers; ``SQLiteStore`` and ``PostgresStore`` implement it.

    Every method that returns a case, a state or an event takes the
    ``reader`` it is for and the moment ``at`` its access is judged at, and
    returns it as ``govmodel.redact`` lets that reader see it; cases the
    reader may not view are left out of queries and refused by ``state`` and
    ``events`` (``AccessDenied``). Methods that return no personal data
    (``version``, ``metrics``, the ids ``tick`` escalates) take no reader.

    Examples
    --------
    >>> from govmodel.store import SQLiteStore
    >>> isinstance(SQLiteStore(":memory:"), Store)
    True
    """

    @property
    def policy(self) -> Policy:
        """The policy the store reads its cases under."""

    @property
    def schema_version(self) -> int:
        """The version of the store's tables."""

    def version(self, case_id: str) -> int:
        """The number of events the store holds for a case: 0 when it holds none."""

    def append(
        self,
        case_id: str,
        events: Iterable[CaseEvent],
        *,
        expected_version: int,
        structure: Structure,
    ) -> int:
        """Append a case's next events in one transaction; its new version."""

    def append_many(self, appends: Iterable[Append], *, structure: Structure) -> tuple[int, ...]:
        """Append several cases' events in one transaction; their new versions."""

    def state(
        self, case_id: str, *, reader: Reader, structure: Structure, at: dt.datetime
    ) -> CaseState:
        """One case's current state, as ``reader`` may see it at ``at``."""

    def events(
        self, case_id: str, *, reader: Reader, structure: Structure, at: dt.datetime
    ) -> tuple[CaseEvent, ...]:
        """One case's events, oldest first, as ``reader`` may see them at ``at``."""

    def cases(
        self,
        *,
        reader: Reader,
        structure: Structure,
        at: dt.datetime,
        status: Iterable[Status | str] | None = None,
        category: Iterable[Category | str] | None = None,
        place: str | None = None,
        handler: str | None = None,
        tier: Iterable[Tier | str] | None = None,
        reported_from: dt.datetime | None = None,
        reported_until: dt.datetime | None = None,
        overdue_at: dt.datetime | None = None,
        limit: int = 100,
        after: str | None = None,
    ) -> Page:
        """The cases that match every filter given, a page at a time."""

    def metrics(self, *, since: dt.datetime, until: dt.datetime) -> Metrics:
        """The metrics of the cases reported in ``[since, until)``, as they stood at ``until``."""

    def export_events(
        self, out: IO[str], *, reader: Reader, structure: Structure, at: dt.datetime
    ) -> int:
        """Write the events ``reader`` may see as JSON Lines; how many were written."""

    def import_events(self, source: IO[str], *, structure: Structure) -> int:
        """Append the new cases of a JSON Lines log in one transaction; how many events."""

    def close(self) -> None:
        """Close the connection to the database."""

    def _due_for_tick(
        self, now: dt.datetime, *, after: str | None, limit: int
    ) -> tuple[list[tuple[int, CaseState, bool]], str | None]:
        """Unredacted states that may escalate at ``now``, for ``tick`` alone."""

    def _recent(self, state: CaseState) -> list[Case]:
        """The earlier cases of a case's place and category in the recurrence window."""


# -- encoding ---------------------------------------------------------------------


def _instant_of(moment: dt.datetime, policy: Policy) -> int:
    """A moment as whole microseconds since 1970 UTC; naive ones are local to the policy.

    The rule; ``_instant`` is its fast path.
    """
    return (policy.aware(moment) - _EPOCH) // _MICROSECOND


# The time zones that find a moment's offset from its wall time and fold alone, and
# read them from a naive moment as from the same moment made aware in the zone.
_WALL_ZONES = (zoneinfo.ZoneInfo, dt.timezone)


def _instant(moment: dt.datetime, policy: Policy) -> int:
    """``_instant_of``, without making the aware moment for a naive one.

    An append asks this of every event and several times of each case's state.
    A naive moment in such a zone is its wall time less the zone's offset at it;
    ``tests/properties/test_store_instants.py`` holds the two equal.
    """
    if moment.tzinfo is None:
        zone = policy.time_zone
        if type(zone) in _WALL_ZONES and type(moment) is dt.datetime:
            offset = zone.utcoffset(moment)
            if offset is not None:
                return (moment - _NAIVE_EPOCH - offset) // _MICROSECOND
        moment = moment.replace(tzinfo=zone)
    return (moment - _EPOCH) // _MICROSECOND


def _decode_events(bodies: Iterable[str]) -> tuple[CaseEvent, ...]:
    return loads_events("\n".join(bodies))


def _decode_state(text: str) -> CaseState:
    return _state_of(json.loads(text))


def _state_of(data: Any) -> CaseState:
    state: CaseState = _converter().structure(data, CaseState)
    return state


# -- checks ---------------------------------------------------------------------


def _check_batch(
    structure: Structure,
    batch: Sequence[Append],
    before: Mapping[str, CaseState],
    *,
    policy: Policy,
    recent: Callable[[Sequence[Case]], Iterable[Case]],
) -> tuple[dict[str, CaseState], dict[str, list[str]]]:
    """The new state of each case of a batch, and every problem of its events, by case.

    Each event must belong to its case, and the batch's events must be what
    the rules could have written after the cases' earlier ones: one
    ``govmodel.check_log`` over all of them, continuing each case's state
    (``before``), as it would run on the store's whole log with these events
    at its end. ``recent`` gives, for the cases whose second routing the batch
    holds (the one routing an escalation for recurrence may be), the stored
    cases that recurrence counts; the batch's own reports are counted by
    ``check_log`` itself. The check is ``check_log``'s fast path
    (``govmodel.rules._fast_checking``), which finds the same problems and
    states.
    """
    found: dict[str, list[tuple[int, str]]] = {}
    log: list[CaseEvent] = []
    where: list[tuple[str, int]] = []
    asks: list[Case] = []
    for item in batch:
        state = before.get(item.case_id)
        if not item.events and state is None:
            found[item.case_id] = [(0, "no events to append")]
        prior = 0 if state is None else len(state.routings)
        case = None if state is None else state.case
        routed = 0
        for index, event in enumerate(item.events):
            if event.case_id != item.case_id:
                message = f'events[{index}]: belongs to case "{event.case_id}"'
                found.setdefault(item.case_id, []).append((index, message))
                continue
            log.append(event)
            where.append((item.case_id, index))
            if isinstance(event, Routed):
                routed += 1
            elif case is None and isinstance(event, Reported):
                case = event.case
        if case is not None and prior <= 1 and prior + routed >= 2:
            asks.append(case)
    problems, states = _check_fast(
        structure,
        log,
        policy=policy,
        states=before,
        recent=recent(asks) if asks else (),
    )
    for problem in problems:
        case_id, index = where[problem.index]
        found.setdefault(case_id, []).append((index, f"events[{index}]: {problem.message}"))
    if found:
        return {}, {
            case_id: [message for _, message in sorted(messages, key=lambda f: f[0])]
            for case_id, messages in found.items()
        }
    return {item.case_id: states[item.case_id] for item in batch if item.events}, {}


# -- the projection ----------------------------------------------------------------


def _wake(state: CaseState, recurring: bool, policy: Policy) -> int | None:
    """The first instant at which ``escalate`` may fire for the case, if any.

    A case needs ``tick`` at once when it is reopened, when its routing lacks
    a domain it needs, or when it recurs while still on its first routing;
    otherwise once its routing is past due, except at the street tier, the
    last. ``None`` for a case that is resolved, closed or not yet routed.
    """
    routing = state.routing
    if not state.open or routing is None:
        return None
    now = _instant(state.updated_at, policy)
    need = required_domains(state.case, policy=policy) | set(state.extra_domains)
    if need - set(routing.domains):
        return now
    if routing.tier is Tier.STREET:
        return None
    if state.status is Status.REOPENED or (recurring and len(state.routings) == 1):
        return now
    return _instant(routing.due, policy) + 1


def _projection(
    state: CaseState, recurring: bool, policy: Policy, encoder: Encoder
) -> tuple[Any, ...]:
    """The projection row of a case, in the order of ``_CASE_COLUMNS``."""
    routing = state.routing
    return (
        state.case.id,
        state.events,
        state.status.value,
        state.case.category.value,
        state.case.place,
        _instant(state.case.reported_at, policy),
        None if routing is None else routing.tier.value,
        None if routing is None else routing.handler,
        None if routing is None else _instant(routing.due, policy),
        int(state.status in _OPEN),
        _wake(state, recurring, policy),
        int(recurring),
        _instant(state.updated_at, policy),
        encoder.state(state),
    )


_CASE_COLUMNS = (
    "case_id",
    "version",
    "status",
    "category",
    "place",
    "reported_key",
    "tier",
    "handler",
    "due_key",
    "open",
    "wake_key",
    "recurring",
    "updated_key",
    "state",
)

# The projection's columns an event may change: all but the case's report.
_CHANGING = tuple(
    c for c in _CASE_COLUMNS if c not in ("case_id", "category", "place", "reported_key")
)
_CHANGING_AT = tuple(_CASE_COLUMNS.index(c) for c in _CHANGING)
_AT_VERSION = _CHANGING.index("version")
_AT_STATE = _CHANGING.index("state")
_AT_RECURRING = _CHANGING.index("recurring")


# The indexes every dialect makes: one per filter, each ending in the
# order its pages are read in, so a page is a range of one index.
_INDEXES = (
    "CREATE INDEX cases_reported ON cases (reported_key, case_id)",
    "CREATE INDEX cases_status ON cases (status, reported_key, case_id)",
    "CREATE INDEX cases_category ON cases (category, reported_key, case_id)",
    "CREATE INDEX cases_place ON cases (place, category, reported_key, case_id)",
    "CREATE INDEX cases_handler ON cases (handler, reported_key, case_id)",
    "CREATE INDEX cases_tier ON cases (tier, reported_key, case_id)",
    "CREATE INDEX cases_overdue ON cases (due_key, case_id) WHERE open = 1",
    "CREATE INDEX cases_wake ON cases (wake_key, case_id) WHERE wake_key IS NOT NULL",
)

# Version 2: the overdue cases of one status, in due order, are one range of an
# index (a desk asking for its overdue reopened cases no longer scans every open
# case in due order to find them).
_OVERDUE_BY_STATUS = (
    "CREATE INDEX cases_overdue_status ON cases (status, due_key, case_id) WHERE open = 1",
)


# -- reading, for a reader ---------------------------------------------------------


def _day(at: dt.datetime, policy: Policy) -> dt.date:
    """The day ``at`` falls on where the community is: the day access is judged on."""
    if at.tzinfo is None:
        return at.date()
    return at.astimezone(policy.time_zone).date()


def _personal(
    state: CaseState, reader: Reader, structure: Structure, at: dt.datetime, policy: Policy
) -> bool:
    """Whether ``reader`` may see the case's personal data; ``AccessDenied`` if not even view."""
    day = _day(at, policy)
    redact(state, for_actor=reader, structure=structure, at=day, policy=policy)
    return can(structure, reader, Action.VIEW_PERSONAL, state, at=day, policy=policy)


def _named(data: Mapping[str, Any]) -> set[str | None] | None:
    """The ids a stored state (its JSON, read) names in the parts that let a reader view it.

    The owner (the first routing's, or the case's receiver) and the routing in
    force's handler, co-handlers, convener, summoned departments and
    supervisor: the parts of the access rules but serving, which goes by
    place. ``None`` for a state without a routing, whose parts come from
    ``route``.
    """
    routing = data.get("routing")
    if routing is None:
        return None
    routings = data.get("routings")
    first = routings[0] if routings else routing
    return {
        first["owner"],
        data["case"].get("receiver"),
        routing["handler"],
        routing.get("convener"),
        routing.get("supervisor"),
        *routing.get("co_handlers", ()),
        *routing.get("summoned", ()),
    }


class _Viewing:
    """Whether a reader may view a stored case, judged on its JSON before it is decoded.

    A reader who plays no part in a case may not view it: its state is left
    undecoded, personal data and all. Every part gives the right to view, and
    each is an id the state names (``_named``) or a body serving its place, so
    the reader is left out exactly when none of the ids it stands for at the
    moment (itself, and a person's posts and their bodies) is one of them.
    ``BACK_OFFICE`` views everything, and a case not yet routed is judged on
    its decoded state, as are all cases the reader may view.
    """

    def __init__(self, reader: Reader, structure: Structure, at: dt.datetime, policy: Policy):
        self._reader = reader
        self._structure = structure
        self._day = _day(at, policy)
        self._ids: set[str] | None = None

    def excludes(self, data: Mapping[str, Any]) -> bool:
        """Whether the reader surely may not view the case whose state ``data`` is."""
        reader = self._reader
        if not isinstance(reader, str):
            return False
        named = _named(data)
        if named is None:
            return False
        if self._ids is None:
            # As the access rules find them, and with their error for an unknown reader.
            self._ids = _identities(self._structure, reader, self._day)
        ids = self._ids
        return ids.isdisjoint(named) and ids.isdisjoint(
            _serving(self._structure, data["case"]["place"])
        )


def _visible_state(state: CaseState, personal: bool) -> CaseState:
    if personal:
        return state
    return attrs.evolve(state, case=strip_personal(state.case), reopen_reason=None)


def _visible_event(event: CaseEvent, personal: bool) -> CaseEvent:
    if personal:
        return event
    if isinstance(event, Reported):
        return attrs.evolve(event, case=strip_personal(event.case))
    if isinstance(event, Reopened):
        return attrs.evolve(event, reason="")
    return event


def _check_moment(name: str, value: object) -> dt.datetime:
    if not isinstance(value, dt.datetime):
        raise StoreArgumentError(name, f"expected a datetime.datetime, found {_kind(value)}")
    return value


def _members(name: str, enum: Any, values: Iterable[Any] | None) -> list[str] | None:
    if values is None:
        return None
    if isinstance(values, str):
        values = [values]
    if not isinstance(values, Iterable) or isinstance(values, bytes | Mapping):
        raise StoreArgumentError(
            name, f"expected a list of {enum.__name__} members or values, found {_kind(values)}"
        )
    out = []
    choices = ", ".join(m.value for m in enum)
    for value in values:
        if not isinstance(value, str):
            raise StoreArgumentError(
                name, f"expected {enum.__name__} members or their values, found {_kind(value)}"
            )
        try:
            out.append(enum(value).value)
        except ValueError:
            raise StoreArgumentError(
                name, f"unknown {name} {value[:60]!r}; expected one of {choices}"
            ) from None
    return out


def _check_timeout(value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise StoreArgumentError("timeout", f"expected a number of seconds, found {_kind(value)}")
    if not math.isfinite(value) or value <= 0:
        raise StoreArgumentError(
            "timeout", f"expected a number of seconds more than 0, found {value:g}"
        )
    return float(value)


def _check_file(name: str, value: object, method: str) -> None:
    """A file open as text for ``method`` (read or write); a path or a binary file is refused."""
    mode = "r" if method == "read" else "w"
    example = f"open(path, {mode!r}, encoding='utf-8') or io.StringIO()"
    if isinstance(value, str | bytes | os.PathLike):
        raise StoreArgumentError(
            name, f"expected a file open as text, such as {example}, found a path ({_kind(value)})"
        )
    if isinstance(value, io.RawIOBase | io.BufferedIOBase) or not callable(
        getattr(value, method, None)
    ):
        raise StoreArgumentError(
            name, f"expected a file open as text, such as {example}, found {_kind(value)}"
        )


def _within(structure: Structure, place: str) -> list[str]:
    """A place and every place inside it."""
    structure.place(place)  # UnknownNodeError for anything but a place
    found, todo = [place], [place]
    while todo:
        for child in structure.children(todo.pop()):
            found.append(child.id)
            todo.append(child.id)
    return found


def _cursor(kind: str, key: int, case_id: str) -> str:
    return f"{kind}{key}:{case_id}"


def _parse_cursor(kind: str, after: str) -> tuple[int, str]:
    head, sep, case_id = after.partition(":")
    try:
        if not sep or head[:1] != kind:
            raise ValueError
        return int(head[1:]), case_id
    except ValueError:
        raise StoreError(f"after: {after[:60]!r} is not where a page of this query ended") from None


# -- the shared implementation ----------------------------------------------------------


class _SQLStore:
    """A store over a DB-API connection; subclasses give the dialect."""

    # The dialect, given by each subclass.
    _name: str
    _migrations: tuple[tuple[str, ...], ...]

    def __init__(self, *, policy: Policy) -> None:
        if not isinstance(policy, Policy):
            raise TypeError(f"policy: expected a govmodel.Policy, found {type(policy).__name__}")
        self._policy = policy
        # Decoded states by case, with the version they are the state at: a
        # committed version's state never changes, so one found at the
        # version the row holds is that row's state, whoever appended it.
        self._states: dict[str, tuple[int, CaseState]] = {}
        self._encoder = Encoder()
        self._version = self._migrate()

    # -- what each dialect gives --------------------------------------------------

    def _write(self) -> AbstractContextManager[Any]:
        """A transaction that may write, holding the locks appends need; yields a cursor."""
        raise NotImplementedError

    def _read(self) -> AbstractContextManager[Any]:
        """A transaction that reads one consistent snapshot; yields a cursor."""
        raise NotImplementedError

    def _read_one(self) -> AbstractContextManager[Any]:
        """A cursor for a read of one statement."""
        return self._read()

    def _sql(self, text: str) -> str:
        """The dialect's SQL for ``text``, written with ``?`` placeholders."""
        return text

    def _in(self, column: str, values: Sequence[str]) -> tuple[str, Any]:
        """A condition ``column`` is one of ``values``, and its one parameter."""
        raise NotImplementedError

    _lock_rows = ""

    def _insert(
        self, cur: Any, table: str, columns: Sequence[str], rows: list[tuple[Any, ...]]
    ) -> None:
        """Insert rows into a table, in the dialect's fastest way."""
        marks = ", ".join("?" for _ in columns)
        cur.executemany(
            self._sql(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"), rows
        )

    def _update(self, cur: Any, columns: Sequence[str], rows: list[tuple[Any, ...]]) -> None:
        """Set ``columns`` of the cases rows name: each row the columns' values, then its id."""
        sets = ", ".join(f"{column} = ?" for column in columns)
        cur.executemany(self._sql(f"UPDATE cases SET {sets} WHERE case_id = ?"), rows)

    def _latest(
        self, cur: Any, asks: Sequence[tuple[str, str, int, int]], limit: int
    ) -> Iterable[tuple[str, str, str, int]]:
        """The latest ``limit`` cases of each (place, category, start, end), by report time.

        Each case reported in ``[start, end)`` at the place in the category,
        as its id, place, category and report key; a case may come more than
        once.
        """
        for place, category, start, end in asks:
            cur.execute(
                self._sql(
                    "SELECT case_id, reported_key FROM cases WHERE place = ? AND category = ? "
                    "AND reported_key >= ? AND reported_key < ? "
                    "ORDER BY reported_key DESC, case_id DESC LIMIT ?"
                ),
                (place, category, start, end, limit),
            )
            for case_id, key in cur.fetchall():
                yield case_id, place, category, key

    def _fail(self, doing: str, err: Exception) -> GovModelError:
        """The govmodel error for a database error met while ``doing``."""
        raise NotImplementedError

    def _errors(self) -> tuple[type[Exception], ...]:
        raise NotImplementedError

    def _is_conflict(self, err: Exception) -> bool:
        """Whether ``err`` says a unique key was taken: a race another append won."""
        raise NotImplementedError

    def _close(self) -> None:
        raise NotImplementedError

    def _prepare(self, cur: Any) -> None:
        """What the dialect does first when it prepares its tables."""

    # -- schema ---------------------------------------------------------------

    def _migrate(self) -> int:
        zone = str(self._policy.time_zone)
        try:
            with self._write() as cur:
                self._prepare(cur)
                cur.execute(
                    self._sql("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)")
                )
                cur.execute(self._sql("SELECT key, value FROM meta"))
                meta = dict(cur.fetchall())
                version = int(meta.get("schema_version", 0))
                if version > SCHEMA_VERSION:
                    raise StoreError(
                        f"the {self._name} store's tables are at version {version}, newer than "
                        f"{SCHEMA_VERSION}, the newest this govmodel knows: upgrade govmodel"
                    )
                stored_zone = meta.get("time_zone")
                if stored_zone is not None and stored_zone != zone:
                    raise StoreError(
                        f"the {self._name} store keeps its times in {stored_zone}, "
                        f"and the policy's time zone is {zone}: open it with a policy of "
                        f"time zone {stored_zone}"
                    )
                for step in self._migrations[version:]:
                    for statement in step:
                        cur.execute(self._sql(statement))
                upsert = (
                    "INSERT INTO meta (key, value) VALUES (?, ?) "
                    "ON CONFLICT (key) DO UPDATE SET value = excluded.value"
                )
                cur.execute(self._sql(upsert), ("schema_version", str(SCHEMA_VERSION)))
                cur.execute(self._sql(upsert), ("time_zone", zone))
        except self._errors() as err:
            raise self._fail("prepare its tables", err) from err
        return SCHEMA_VERSION

    # -- the public surface ----------------------------------------------------

    @property
    def policy(self) -> Policy:
        """The policy the store reads its cases under.

        Its time zone places naive times on the time line for the queries, and
        is kept in the store: a store opened with another time zone is refused.

        Examples
        --------
        >>> from govmodel.store import SQLiteStore
        >>> SQLiteStore(":memory:").policy
        Policy(<default>)
        """
        return self._policy

    @property
    def schema_version(self) -> int:
        """The version of the store's tables (``govmodel.store.SCHEMA_VERSION``).

        Examples
        --------
        >>> from govmodel.store import SQLiteStore
        >>> SQLiteStore(":memory:").schema_version
        2
        """
        return self._version

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the connection to the database; the store cannot be used after.

        Examples
        --------
        >>> from govmodel.store import SQLiteStore
        >>> with SQLiteStore(":memory:") as store:
        ...     store.version("case:1")
        0
        """
        self._close()

    def version(self, case_id: str) -> int:
        """The number of events the store holds for a case: 0 when it holds none.

        What ``append`` expects as ``expected_version`` next. No reader is
        needed: a version says nothing of the case.

        Examples
        --------
        >>> from govmodel.store import SQLiteStore
        >>> SQLiteStore(":memory:").version("case:1")
        0
        """
        _case_id(case_id)
        try:
            with self._read_one() as cur:
                cur.execute(self._sql("SELECT version FROM cases WHERE case_id = ?"), (case_id,))
                row = cur.fetchone()
        except self._errors() as err:
            raise self._fail("read a case's version", err) from err
        return 0 if row is None else int(row[0])

    def append(
        self,
        case_id: str,
        events: Iterable[CaseEvent],
        *,
        expected_version: int,
        structure: Structure,
    ) -> int:
        """Append a case's next events in one transaction; its new version.

        Parameters
        ----------
        case_id
            The case.
        events
            Its next events, in order: for a new case, starting with its
            ``Reported``.
        expected_version
            The version the events follow (0 for a new case): the version
            the caller read. Another version means someone else appended
            first.
        structure
            The structure the case lives in: its places and actors must be
            in it.

        Returns
        -------
        int
            The case's version after the append.

        Raises
        ------
        ConcurrencyError
            When the case is not at ``expected_version``. Nothing is appended.
        RejectedEventsError
            When the events do not follow the case's log (``advance`` refuses
            one), belong to another case, or name a place or actor the
            structure does not hold. Nothing is appended.

        Examples
        --------
        >>> import datetime as dt
        >>> from govmodel import Accepted, Case, Reported, examples
        >>> from govmodel.store import SQLiteStore
        >>> s = examples.load("xinhe")
        >>> t = dt.datetime(2025, 5, 6, 9)
        >>> case = Case(id="case:1", category="repair", place="building:wanda-1", reported_at=t)
        >>> store = SQLiteStore(":memory:")
        >>> store.append("case:1", [Reported(case=case, at=t)], expected_version=0, structure=s)
        1
        >>> late = Accepted(case_id="case:1", at=t, actor="pm:cxh")
        >>> store.append("case:1", [late], expected_version=0, structure=s)
        Traceback (most recent call last):
        ...
        govmodel.errors.ConcurrencyError: case "case:1" is at version 1, not 0: ...
        >>> store.append("case:1", [late], expected_version=1, structure=s)
        2
        """
        (version,) = self.append_many(
            [
                Append(
                    case_id=case_id, events=_event_tuple(events), expected_version=expected_version
                )
            ],
            structure=structure,
        )
        return version

    def append_many(self, appends: Iterable[Append], *, structure: Structure) -> tuple[int, ...]:
        """Append several cases' events in one transaction; their new versions.

        All or nothing: a stale version or a refused event anywhere appends
        nothing. What a loader or a simulation uses to append many cases at
        once; each case may appear once.

        Raises
        ------
        ConcurrencyError, RejectedEventsError
            As ``append``, for the first case that has one.

        Examples
        --------
        >>> import datetime as dt
        >>> from govmodel import Case, Reported, examples
        >>> from govmodel.store import Append, SQLiteStore
        >>> s = examples.load("xinhe")
        >>> t = dt.datetime(2025, 5, 6, 9)
        >>> def report(i):
        ...     case = Case(id=f"case:{i}", category="noise", place="building:wanda-1",
        ...                 reported_at=t)
        ...     return Append(case_id=case.id, events=[Reported(case=case, at=t)],
        ...                   expected_version=0)
        >>> SQLiteStore(":memory:").append_many([report(1), report(2)], structure=s)
        (1, 1)
        """
        if isinstance(appends, Append) or not isinstance(appends, Iterable):
            raise StoreArgumentError(
                "appends", f"expected a list of Append records, found {_kind(appends)}"
            )
        batch = list(appends)
        for index, item in enumerate(batch):
            if not isinstance(item, Append):
                raise StoreArgumentError(
                    f"appends[{index}]", f"expected an Append record, found {_kind(item)}"
                )
        _check_structure(structure)
        ids = [item.case_id for item in batch]
        if len(set(ids)) != len(ids):
            twice = sorted({i for i in ids if ids.count(i) > 1})
            raise StoreArgumentError(
                "appends", f"each case may appear once, found {', '.join(twice)} twice"
            )
        for item in batch:
            if not item.events:
                # Refused, new case or not: an append that appends nothing is a mistake.
                raise RejectedEventsError(item.case_id, ["no events to append: give one or more"])
        if not batch:
            return ()
        # An append makes several objects an event (states, rows, texts) that live only
        # until it returns or until the state cache lets them go: with the collector
        # running, a load of a year in a process that holds the year's events walked
        # all of them again every few batches (6 % of a load's time at 100,000 cases,
        # more the more the process holds). Reference counting frees them as usual.
        with paused():
            try:
                with self._write() as cur:
                    after = self._append_in(cur, batch, structure)
            except self._errors() as err:
                if self._is_conflict(err):
                    # Two appends made the same new case at once: the other won.
                    raise self._lost_race(batch) from err
                raise self._fail("append events", err) from err
            # Committed: the new states are the cases' at their new versions.
            for state in after.values():
                self._remember(state.case.id, state.events, state)
        return tuple(item.expected_version + len(item.events) for item in batch)

    def _lost_race(self, batch: list[Append]) -> GovModelError:
        for item in batch:
            actual = self.version(item.case_id)
            if actual != item.expected_version:
                return ConcurrencyError(item.case_id, expected=item.expected_version, actual=actual)
        return StoreError("an append lost a race to another one; read the cases again")

    def _append_in(
        self, cur: Any, batch: list[Append], structure: Structure
    ) -> dict[str, CaseState]:
        """Check and write a batch; the new state of every case it changed."""
        policy = self._policy
        condition, parameter = self._in("case_id", [item.case_id for item in batch])
        cur.execute(
            self._sql(
                f"SELECT case_id, {', '.join(_CHANGING)} FROM cases WHERE {condition}"
                f"{self._lock_rows}"
            ),
            (parameter,),
        )
        # Each stored case's row as it stands, in the columns an append may change.
        held = {row[0]: row[1:] for row in cur.fetchall()}
        before: dict[str, CaseState] = {}
        recurring: dict[str, bool] = {}
        for item in batch:
            stored = held.get(item.case_id)
            version = 0 if stored is None else stored[_AT_VERSION]
            if version != item.expected_version:
                raise ConcurrencyError(
                    item.case_id, expected=item.expected_version, actual=int(version)
                )
            if stored is not None:
                before[item.case_id] = self._cached_state(
                    item.case_id, int(version), stored[_AT_STATE]
                )
                recurring[item.case_id] = bool(stored[_AT_RECURRING])
        after, problems = _check_batch(
            structure,
            batch,
            before,
            policy=policy,
            recent=lambda asks: self._recent_cases(cur, asks),
        )
        for item in batch:
            if item.case_id in problems:
                raise RejectedEventsError(item.case_id, problems[item.case_id])
        event_rows: list[tuple[Any, ...]] = []
        bodies = iter(self._encoder.events(e for item in batch for e in item.events))
        for item in batch:
            version = item.expected_version
            for offset, event in enumerate(item.events, start=1):
                event_rows.append(
                    (
                        item.case_id,
                        version + offset,
                        type(event).__name__.lower(),
                        _instant(event.at, policy),
                        next(bodies),
                    )
                )
        new_cases = [state for case_id, state in after.items() if case_id not in before]
        for case_id in self._recurring(cur, new_cases):
            recurring[case_id] = True
        case_rows = [
            _projection(state, recurring.get(case_id, False), policy, self._encoder)
            for case_id, state in after.items()
        ]
        self._insert(cur, "events", ("case_id", "version", "kind", "at_key", "body"), event_rows)
        # New cases are inserted; a stored case's row is updated in the columns
        # whose values the append changes, so that the indexes of the others (its
        # report's time, place and category always; its handler and tier unless it
        # is routed again; ...) are left alone: the row ends as a whole update
        # would leave it. One statement for each set of columns changed.
        inserts = [row for row in case_rows if row[0] not in before]
        updates: dict[tuple[int, ...], list[tuple[Any, ...]]] = {}
        for row in case_rows:
            stored = held.get(row[0])
            if stored is not None:
                changed = tuple(j for j, i in enumerate(_CHANGING_AT) if row[i] != stored[j])
                updates.setdefault(changed, []).append(
                    (*(row[_CHANGING_AT[j]] for j in changed), row[0])
                )
        if inserts:
            self._insert(cur, "cases", _CASE_COLUMNS, inserts)
        for changed, rows in updates.items():
            self._update(cur, [_CHANGING[j] for j in changed], rows)
        return after

    def _recent_cases(self, cur: Any, asks: Sequence[Case], *, every: bool = False) -> list[Case]:
        """The stored cases of each case's place and category in the recurrence window before it.

        ``escalate``'s recurrence rule reads of them only their id, place,
        category and report time: the projection's columns give these from
        the place index, without decoding a state. Each case once.

        The rule asks only whether a case's window holds the policy's
        threshold of earlier cases (the count itself is only written in the
        routing's reason, which the check does not compare), so for each case
        the latest ``recurrence_threshold`` of them are enough: where there
        are more, the check counts at least that many and decides the same.
        A busy place's window may hold hundreds. ``every``: all of them, for
        an escalation being made, whose reason gives the count.
        """
        policy = self._policy
        window = policy.recurrence_window // _MICROSECOND
        spans = []
        categories = {}
        for case in asks:
            end = _instant(case.reported_at, policy)
            spans.append((case.place, case.category.value, end - window, end))
            categories[case.category.value] = case.category
        latest = self._latest(cur, spans, _EVERY if every else policy.recurrence_threshold)
        found: dict[str, Case] = {}
        for case_id, place, category, key in latest:
            if case_id not in found:
                found[case_id] = Case(
                    id=case_id,
                    category=categories[category],
                    place=place,
                    reported_at=_EPOCH + int(key) * _MICROSECOND,
                )
        return list(found.values())

    def _recurring(self, cur: Any, new_cases: list[CaseState]) -> set[str]:
        """The new cases whose place and category recur (``escalate``'s recurrence rule).

        Counted once, when a case is reported: the earlier cases of its place
        and category in the policy's window, in the store or earlier in the
        same append.
        """
        policy = self._policy
        window = policy.recurrence_window // _MICROSECOND
        asks = []
        for state in new_cases:
            end = _instant(state.case.reported_at, policy)
            asks.append((state.case.id, state.case.place, state.case.category.value, end))
        if not asks:
            return set()
        counts = self._count_recent(cur, asks, window)
        # The new cases alongside, by place and category, their report times sorted.
        alongside: dict[tuple[str, str], list[int]] = {}
        for _, place, category, end in asks:
            alongside.setdefault((place, category), []).append(end)
        for keys in alongside.values():
            keys.sort()
        found = set()
        for case_id, place, category, end in asks:
            keys = alongside[place, category]
            earlier = bisect.bisect_left(keys, end) - bisect.bisect_left(keys, end - window)
            if counts.get(case_id, 0) + earlier >= policy.recurrence_threshold:
                found.add(case_id)
        return found

    def _count_recent(
        self, cur: Any, asks: list[tuple[str, str, str, int]], window: int
    ) -> dict[str, int]:
        """For each (case, place, category, end): the stored cases in ``[end - window, end)``."""
        raise NotImplementedError

    def _load(self, cur: Any, case_id: str) -> CaseState:
        cur.execute(self._sql("SELECT version, state FROM cases WHERE case_id = ?"), (case_id,))
        row = cur.fetchone()
        if row is None:
            raise StoreError(f'no case "{case_id}" in the store')
        return self._cached_state(case_id, int(row[0]), row[1])

    def _cached_state(self, case_id: str, version: int, text: str) -> CaseState:
        """The state a committed row holds at ``version``: from the cache, or decoded."""
        hit = self._states.get(case_id)
        if hit is not None and hit[0] == version:
            return hit[1]
        state = _decode_state(text)
        self._remember(case_id, version, state)
        return state

    def _remember(self, case_id: str, version: int, state: CaseState) -> None:
        states = self._states
        states.pop(case_id, None)
        states[case_id] = (version, state)
        if len(states) > _CACHED_STATES:
            _forget_oldest(states)

    def state(
        self, case_id: str, *, reader: Reader, structure: Structure, at: dt.datetime
    ) -> CaseState:
        """One case's current state, as ``reader`` may see it at ``at``.

        Raises
        ------
        StoreError
            When the store holds no such case.
        AccessDenied
            When ``reader`` may not view the case.

        Examples
        --------
        >>> import datetime as dt
        >>> from govmodel import Case, Reported, examples, route, Routed
        >>> from govmodel.store import SQLiteStore
        >>> s = examples.load("xinhe")
        >>> t = dt.datetime(2025, 5, 6, 9)
        >>> case = Case(id="case:1", category="repair", place="building:wanda-1",
        ...             reported_at=t, scope="building", reporter="Ms Li")
        >>> store = SQLiteStore(":memory:")
        >>> store.append("case:1", [Reported(case=case, at=t),
        ...                         Routed(case_id="case:1", at=t, routing=route(s, case))],
        ...              expected_version=0, structure=s)
        2
        >>> store.state("case:1", reader="pm:cxh", structure=s, at=t).case.reporter
        'Ms Li'
        >>> store.state("case:1", reader="party:xinhe", structure=s, at=t)
        Traceback (most recent call last):
        ...
        govmodel.rules.access.AccessDenied: "party:xinhe" may not view case "case:1"
        """
        _case_id(case_id)
        _check_structure(structure)
        _check_moment("at", at)
        try:
            with self._read_one() as cur:
                state = self._load(cur, case_id)
        except self._errors() as err:
            raise self._fail("read a case", err) from err
        personal = _personal(state, reader, structure, at, self._policy)
        return _visible_state(state, personal)

    def events(
        self, case_id: str, *, reader: Reader, structure: Structure, at: dt.datetime
    ) -> tuple[CaseEvent, ...]:
        """One case's events, oldest first, as ``reader`` may see them at ``at``.

        Without the right to view personal data, the case of ``Reported`` has
        none, and the reason of ``Reopened`` is blank.

        Raises
        ------
        StoreError
            When the store holds no such case.
        AccessDenied
            When ``reader`` may not view the case.

        Examples
        --------
        >>> import datetime as dt
        >>> from govmodel import Case, Reported, examples
        >>> from govmodel.store import SQLiteStore
        >>> s = examples.load("xinhe")
        >>> t = dt.datetime(2025, 5, 6, 9)
        >>> case = Case(id="case:1", category="noise", place="building:wanda-1",
        ...             reported_at=t, receiver="post:grid-wanda-a-worker",
        ...             contact="13800000000")
        >>> store = SQLiteStore(":memory:")
        >>> store.append("case:1", [Reported(case=case, at=t)], expected_version=0, structure=s)
        1
        >>> [e.case.contact for e in store.events("case:1", reader="post:grid-wanda-a-worker",
        ...                                       structure=s, at=t)]
        ['13800000000']
        >>> [e.case.contact for e in store.events("case:1", reader="pm:cxh", structure=s, at=t)]
        [None]
        """
        _case_id(case_id)
        _check_structure(structure)
        _check_moment("at", at)
        try:
            with self._read() as cur:
                state = self._load(cur, case_id)
                cur.execute(
                    self._sql("SELECT body FROM events WHERE case_id = ? ORDER BY version"),
                    (case_id,),
                )
                bodies = [row[0] for row in cur.fetchall()]
        except self._errors() as err:
            raise self._fail("read a case's events", err) from err
        personal = _personal(state, reader, structure, at, self._policy)
        return tuple(_visible_event(e, personal) for e in _decode_events(bodies))

    def cases(
        self,
        *,
        reader: Reader,
        structure: Structure,
        at: dt.datetime,
        status: Iterable[Status | str] | None = None,
        category: Iterable[Category | str] | None = None,
        place: str | None = None,
        handler: str | None = None,
        tier: Iterable[Tier | str] | None = None,
        reported_from: dt.datetime | None = None,
        reported_until: dt.datetime | None = None,
        overdue_at: dt.datetime | None = None,
        limit: int = 100,
        after: str | None = None,
    ) -> Page:
        """The cases that match every filter given, a page at a time.

        Pages follow the order of report (then case id), or, with
        ``overdue_at``, the order of due time, most overdue first. Each page
        starts where the one before ended (keyset pagination), so pages stay
        right while cases are appended.

        Parameters
        ----------
        reader, structure, at
            Who reads, in which structure, and when: cases the reader may not
            view are left out (a page may then hold fewer than ``limit``), and
            personal data it may not see are removed.
        status, category, tier
            Any of these (members or their values).
        place
            A place of the structure: its cases and those of every place
            inside it.
        handler
            The handler of the routing in force.
        reported_from, reported_until
            Reported at or after ``reported_from`` and before
            ``reported_until``.
        overdue_at
            Open (not resolved, not closed) and past the due time of the
            routing in force at this moment. Due times come from the policy's
            working calendar when the case was routed (``Routing.due``); a
            reopened case stays overdue until it is routed again.
        limit
            The most cases a page holds (1 to 10,000).
        after
            The ``after`` of the previous page.

        Examples
        --------
        >>> import datetime as dt
        >>> from govmodel import Case, Reported, Routed, examples, route
        >>> from govmodel.store import SQLiteStore
        >>> s = examples.load("xinhe")
        >>> t = dt.datetime(2025, 5, 6, 9)
        >>> store = SQLiteStore(":memory:")
        >>> for i, place in enumerate(["building:wanda-1", "building:wanda-2", "compound:wanda"]):
        ...     case = Case(id=f"case:{i}", category="repair", place=place, reported_at=t,
        ...                 scope="building", receiver="pm:cxh")
        ...     _ = store.append(case.id, [Reported(case=case, at=t),
        ...                                Routed(case_id=case.id, at=t, routing=route(s, case))],
        ...                      expected_version=0, structure=s)
        >>> page = store.cases(reader="pm:cxh", structure=s, at=t, place="compound:wanda",
        ...                    limit=2)
        >>> [c.case.id for c in page.items]
        ['case:0', 'case:1']
        >>> rest = store.cases(reader="pm:cxh", structure=s, at=t, place="compound:wanda",
        ...                    limit=2, after=page.after)
        >>> [c.case.id for c in rest.items], rest.after
        (['case:2'], None)
        >>> late = t + dt.timedelta(days=30)
        >>> [c.case.id for c in store.cases(reader="pm:cxh", structure=s, at=late,
        ...                                 overdue_at=late).items]
        ['case:0', 'case:1', 'case:2']
        """
        _check_structure(structure)
        _check_moment("at", at)
        if isinstance(limit, bool) or not isinstance(limit, int):
            raise StoreArgumentError(
                "limit", f"expected an int from 1 to 10000, found {_kind(limit)}"
            )
        if not 1 <= limit <= 10_000:
            raise StoreArgumentError("limit", f"expected 1 to 10000, found {limit}")
        given: tuple[tuple[str, object], ...] = (
            ("place", place),
            ("handler", handler),
            ("after", after),
        )
        for name, value in given:
            if value is not None and not isinstance(value, str):
                what = "the after of a previous page" if name == "after" else "an id"
                raise StoreArgumentError(name, f"expected {what} (a str), found {_kind(value)}")
        policy = self._policy
        where: list[str] = []
        params: list[Any] = []
        for column, values in (
            ("status", _members("status", Status, status)),
            ("category", _members("category", Category, category)),
            ("tier", _members("tier", Tier, tier)),
        ):
            if values is not None:
                condition, parameter = self._in(column, values)
                where.append(condition)
                params.append(parameter)
        if place is not None:
            condition, parameter = self._in("place", _within(structure, place))
            where.append(condition)
            params.append(parameter)
        if handler is not None:
            where.append("handler = ?")
            params.append(handler)
        if reported_from is not None:
            where.append("reported_key >= ?")
            params.append(_instant(_check_moment("reported_from", reported_from), policy))
        if reported_until is not None:
            where.append("reported_key < ?")
            params.append(_instant(_check_moment("reported_until", reported_until), policy))
        if overdue_at is None:
            kind, key = "r", "reported_key"
        else:
            kind, key = "d", "due_key"
            where.append("open = 1 AND due_key < ?")
            params.append(_instant(_check_moment("overdue_at", overdue_at), policy))
        if after is not None:
            last_key, last_id = _parse_cursor(kind, after)
            where.append(f"({key} > ? OR ({key} = ? AND case_id > ?))")
            params += [last_key, last_key, last_id]
        sql = (
            f"SELECT {key}, case_id, state FROM cases"
            + (" WHERE " + " AND ".join(where) if where else "")
            + f" ORDER BY {key}, case_id LIMIT ?"
        )
        params.append(limit)
        try:
            with self._read_one() as cur:
                cur.execute(self._sql(sql), params)
                rows = cur.fetchall()
        except self._errors() as err:
            raise self._fail("query cases", err) from err
        items = []
        viewing = _Viewing(reader, structure, at, policy)
        for _, _, text in rows:
            data = json.loads(text)
            if viewing.excludes(data):
                continue
            state = _state_of(data)
            try:
                personal = _personal(state, reader, structure, at, policy)
            except AccessDenied:
                continue
            items.append(_visible_state(state, personal))
        last = _cursor(kind, rows[-1][0], rows[-1][1]) if len(rows) == limit else None
        return Page(items=tuple(items), after=last)

    def metrics(self, *, since: dt.datetime, until: dt.datetime) -> Metrics:
        """The metrics of the cases reported in ``[since, until)``, as they stood at ``until``.

        ``govmodel.metrics`` over those cases' events under the store's
        policy: events after ``until`` are not counted. No reader is needed:
        metrics hold counts, never a case.

        Examples
        --------
        >>> import datetime as dt
        >>> from govmodel import Accepted, Case, Reported, examples
        >>> from govmodel.store import SQLiteStore
        >>> s = examples.load("xinhe")
        >>> t = dt.datetime(2025, 5, 6, 9)
        >>> store = SQLiteStore(":memory:")
        >>> case = Case(id="case:1", category="repair", place="building:wanda-1", reported_at=t)
        >>> store.append("case:1", [Reported(case=case, at=t),
        ...                         Accepted(case_id="case:1", at=t, actor="pm:cxh")],
        ...              expected_version=0, structure=s)
        2
        >>> m = store.metrics(since=t, until=t + dt.timedelta(days=1))
        >>> m.reported, m.response_rate
        (1, 1.0)
        """
        policy = self._policy
        low = _instant(_check_moment("since", since), policy)
        high = _instant(_check_moment("until", until), policy)
        if low > high:
            raise StoreArgumentError(
                "since",
                f"expected a moment at or before until ({until.isoformat()}), "
                f"found {since.isoformat()}",
            )
        try:
            with self._read_one() as cur:
                cur.execute(
                    self._sql(
                        "SELECT e.body FROM cases c JOIN events e ON e.case_id = c.case_id "
                        "WHERE c.reported_key >= ? AND c.reported_key < ? AND e.at_key <= ? "
                        "ORDER BY e.case_id, e.version"
                    ),
                    (low, high, high),
                )
                bodies = [row[0] for row in cur.fetchall()]
        except self._errors() as err:
            raise self._fail("read events for metrics", err) from err
        return metrics(_decode_events(bodies), now=until, policy=policy)

    def export_events(
        self, out: IO[str], *, reader: Reader, structure: Structure, at: dt.datetime
    ) -> int:
        """Write the events ``reader`` may see as JSON Lines; how many were written.

        Case by case in the order of report, each case's events in order: a
        log ``govmodel.loads_events`` and ``import_events`` read. Cases the
        reader may not view are left out, and personal data it may not see
        are removed, as ``events`` does.

        Examples
        --------
        >>> import datetime as dt, io
        >>> from govmodel import Case, Reported, examples
        >>> from govmodel.store import SQLiteStore
        >>> s = examples.load("xinhe")
        >>> t = dt.datetime(2025, 5, 6, 9)
        >>> store = SQLiteStore(":memory:")
        >>> case = Case(id="case:1", category="repair", place="building:wanda-1", reported_at=t,
        ...             scope="building")
        >>> store.append("case:1", [Reported(case=case, at=t)], expected_version=0, structure=s)
        1
        >>> out = io.StringIO()
        >>> store.export_events(out, reader="pm:cxh", structure=s, at=t)
        1
        >>> print(out.getvalue()[:60])
        {"case": {"id": "case:1", "category": "repair", "place": "bu
        """
        _check_file("out", out, "write")
        _check_structure(structure)
        _check_moment("at", at)
        written = 0
        after: tuple[int, str] | None = None
        viewing = _Viewing(reader, structure, at, self._policy)
        while True:
            try:
                with self._read() as cur:
                    chunk = self._export_chunk(cur, after)
            except self._errors() as err:
                raise self._fail("export events", err) from err
            if not chunk:
                return written
            for key, case_id, data, bodies in chunk:
                after = (key, case_id)
                if viewing.excludes(data):
                    continue
                state = _state_of(data)
                try:
                    personal = _personal(state, reader, structure, at, self._policy)
                except AccessDenied:
                    continue
                events = [_visible_event(e, personal) for e in _decode_events(bodies)]
                out.write(dumps_events(events))
                written += len(events)

    def _export_chunk(
        self, cur: Any, after: tuple[int, str] | None, size: int = 1000
    ) -> list[tuple[int, str, Any, list[str]]]:
        if after is None:
            cur.execute(
                self._sql(
                    "SELECT reported_key, case_id, state FROM cases "
                    "ORDER BY reported_key, case_id LIMIT ?"
                ),
                (size,),
            )
        else:
            cur.execute(
                self._sql(
                    "SELECT reported_key, case_id, state FROM cases "
                    "WHERE reported_key > ? OR (reported_key = ? AND case_id > ?) "
                    "ORDER BY reported_key, case_id LIMIT ?"
                ),
                (after[0], after[0], after[1], size),
            )
        cases = cur.fetchall()
        if not cases:
            return []
        condition, parameter = self._in("case_id", [row[1] for row in cases])
        cur.execute(
            self._sql(f"SELECT case_id, body FROM events WHERE {condition} ORDER BY version"),
            (parameter,),
        )
        bodies: dict[str, list[str]] = {}
        for case_id, body in cur.fetchall():
            bodies.setdefault(case_id, []).append(body)
        return [(key, cid, json.loads(text), bodies[cid]) for key, cid, text in cases]

    def import_events(self, source: IO[str], *, structure: Structure) -> int:
        """Append the cases of a JSON Lines log in one transaction; how many events.

        Each case of the log is new to the store and appended whole, as
        ``append_many`` would; all or nothing.

        Raises
        ------
        GovModelError
            When the text is not an event log (naming the line).
        ConcurrencyError
            When the store already holds one of the log's cases.
        RejectedEventsError
            When a case's events do not follow one another or name what the
            structure does not hold.

        Examples
        --------
        >>> import datetime as dt, io
        >>> from govmodel import Case, Reported, dumps_events, examples
        >>> from govmodel.store import SQLiteStore
        >>> s = examples.load("xinhe")
        >>> t = dt.datetime(2025, 5, 6, 9)
        >>> case = Case(id="case:1", category="repair", place="building:wanda-1", reported_at=t)
        >>> text = dumps_events([Reported(case=case, at=t)])
        >>> store = SQLiteStore(":memory:")
        >>> store.import_events(io.StringIO(text), structure=s)
        1
        >>> store.version("case:1")
        1
        """
        _check_file("source", source, "read")
        _check_structure(structure)
        text = source.read()
        if not isinstance(text, str):
            raise StoreArgumentError(
                "source", f"expected a file open as text, found one that reads {_kind(text)}"
            )
        events = loads_events(text)
        batch = [
            Append(case_id=case_id, events=_event_tuple(group), expected_version=0)
            for case_id, group in iter_case_events(events)
        ]
        self.append_many(batch, structure=structure)
        return len(events)

    # -- for tick -----------------------------------------------------------------

    def _due_for_tick(
        self, now: dt.datetime, *, after: str | None, limit: int
    ) -> tuple[list[tuple[int, CaseState, bool]], str | None]:
        key = _instant(now, self._policy)
        where = "wake_key IS NOT NULL AND wake_key <= ? AND updated_key <= ?"
        params: list[Any] = [key, key]
        if after is not None:
            last_key, last_id = _parse_cursor("w", after)
            where += " AND (wake_key > ? OR (wake_key = ? AND case_id > ?))"
            params += [last_key, last_key, last_id]
        params.append(limit)
        try:
            with self._read_one() as cur:
                cur.execute(
                    self._sql(
                        "SELECT wake_key, case_id, version, state, recurring FROM cases "
                        f"WHERE {where} ORDER BY wake_key, case_id LIMIT ?"
                    ),
                    params,
                )
                rows = cur.fetchall()
        except self._errors() as err:
            raise self._fail("find the cases due for escalation", err) from err
        found = [(int(v), _decode_state(text), bool(r)) for _, _, v, text, r in rows]
        last = _cursor("w", rows[-1][0], rows[-1][1]) if len(rows) == limit else None
        return found, last

    def _recent(self, state: CaseState) -> list[Case]:
        """The earlier cases of a case's place and category in the recurrence window, all."""
        try:
            with self._read_one() as cur:
                return self._recent_cases(cur, [state.case], every=True)
        except self._errors() as err:
            raise self._fail("read recent cases", err) from err

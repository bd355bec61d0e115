"""An Open311 GeoReport v2 endpoint over a structure and a case store.

``govmodel serve SPEC --store URL`` runs :func:`app` with uvicorn; this module
is the server itself, a Starlette application (the ``server`` extra:
``pip install 'govmodel[server]'``):

=========================  ============================================================
``GET /services.json``     the service list: one service per category
``GET /services/C.json``   the definition of service ``C`` (it has no attributes)
``GET /requests.json``     the requests, filtered and a page at a time
``GET /requests/ID.json``  one request
``POST /requests.json``    report a request (``api_key`` required): it is routed and
                           its ``Reported`` and ``Routed`` events appended to the store
                           (with an escalation when it recurs at its place)
=========================  ============================================================

Every answer is JSON. An error is GeoReport's list of ``{"code": ...,
"description": ...}`` with the HTTP status of its code: 400 for bad input,
403 for a missing or unknown ``api_key`` where one is needed (or a POST to a
server started without keys), 404 for an unknown service, request or path,
405 for a method a path does not take, 415 for a POST whose body is not a
form, 503 when the store cannot be read or written. No message quotes a personal value
or an API key.

An API key stands for an actor of the structure, or ``BACK_OFFICE`` (a keys
file, :func:`load_keys`). A request without a key gets the public view of
every case, without personal data; a key's actor gets, in addition, the
personal data of the cases it may ``view_personal`` at that moment (the
store's reads for that reader and ``govmodel.rules.access``).

The server is the one place in govmodel that reads the clock, in
:func:`clock`; every rule, read and append is given that moment. ``tick``
runs in the server, at its start and then every ``tick_seconds``.

Examples
--------
>>> from starlette.testclient import TestClient
>>> from govmodel import examples
>>> with TestClient(app(examples.load("xinhe"), "sqlite:///:memory:")) as client:
...     response = client.get("/services.json")
>>> response.status_code, response.json()[0]["service_code"]
(200, 'repair')
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import functools
import logging
import re
import threading
import tomllib
import uuid
from collections.abc import AsyncIterator, Callable, Mapping
from pathlib import Path
from typing import Any, TypeVar

from govmodel.cases import Case, CaseEvent, Reported, Routed, replay
from govmodel.errors import GovModelError, MissingExtraError, StoreError
from govmodel.interop.open311 import ServiceRequest, services, to_requests
from govmodel.model import Body, Category, Channel, Place, Post, Status
from govmodel.rules.access import BACK_OFFICE, AccessDenied, Reader, check_reader
from govmodel.rules.policy import DEFAULT_POLICY, Policy
from govmodel.rules.routing import route
from govmodel.store import Page, PostgresStore, SQLiteStore, Store, tick
from govmodel.store._tick import _escalation
from govmodel.structure import Structure

try:
    from starlette.applications import Starlette
    from starlette.concurrency import run_in_threadpool
    from starlette.datastructures import FormData, QueryParams
    from starlette.exceptions import HTTPException
    from starlette.requests import Request
    from starlette.responses import JSONResponse, Response
    from starlette.routing import Route
except ImportError:  # pragma: no cover - the server extra is part of the test extra
    raise MissingExtraError("Starlette", "server", "govmodel serve") from None

__all__ = [
    "DEFAULT_PAGE_SIZE",
    "MAX_FIELDS",
    "MAX_FIELD_BYTES",
    "MAX_PAGE_SIZE",
    "MAX_TEXT",
    "KeysError",
    "app",
    "clock",
    "load_keys",
    "open_store",
]

DEFAULT_PAGE_SIZE = 100
"""How many requests a page of ``GET /requests.json`` holds when ``page_size`` is not given."""

MAX_PAGE_SIZE = 1000
"""The largest ``page_size``."""

MAX_TEXT = 4000
"""The most characters a text field of ``POST /requests.json`` may hold."""

MAX_FIELD_BYTES = 1024 * 1024
"""The most bytes one field of a ``POST /requests.json`` body may hold, as sent (1 MB)."""

MAX_FIELDS = 1000
"""The most fields a ``POST /requests.json`` body may hold."""

_FORMS = ("application/x-www-form-urlencoded", "multipart/form-data")
# C0 control characters but tab, line feed and carriage return: no text field holds them.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")

_log = logging.getLogger("govmodel.server")

_T = TypeVar("_T")

_OPEN = tuple(s for s in Status if s not in (Status.RESOLVED, Status.CLOSED))
_STATUSES = {"open": _OPEN, "closed": (Status.RESOLVED, Status.CLOSED)}
_MOMENT = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")


class KeysError(GovModelError, ValueError):
    """A keys file that cannot be used; the message never quotes a key.

    Examples
    --------
    >>> raise KeysError("keys.toml: entry 1: expected an actor id or back_office = true")
    Traceback (most recent call last):
    ...
    govmodel.server.KeysError: keys.toml: entry 1: expected an actor id or back_office = true
    """


def clock(policy: Policy = DEFAULT_POLICY) -> dt.datetime:
    """Now, in the policy's time zone: the one reading of the clock in govmodel.

    Examples
    --------
    >>> clock().utcoffset()
    datetime.timedelta(seconds=28800)
    """
    return dt.datetime.now(policy.time_zone)


def load_keys(path: str | Path, structure: Structure) -> dict[str, Reader]:
    r"""The API keys of a keys file: each key and the reader it stands for.

    The file is TOML with one table, ``keys``: each key is either an actor
    of the structure (a body, grid, post or person id) or ``{ back_office =
    true }``, a trusted back-office job that reads every case whole::

        [keys]
        "a-long-random-key" = "post:grid-wanda-a-worker"
        "another-long-key" = { back_office = true }

    Raises
    ------
    KeysError
        For a file that is not UTF-8 TOML with such a table, or entries with
        a key that is empty or an id that is not an actor of the structure:
        every such entry is listed, named by its position, never by the key.
    OSError
        When the file cannot be read.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from govmodel import examples
    >>> xinhe = examples.load("xinhe")
    >>> with tempfile.TemporaryDirectory() as d:
    ...     path = pathlib.Path(d) / "keys.toml"
    ...     _ = path.write_text('[keys]\n"k1" = "pm:cxh"\n"k2" = { back_office = true }\n'
    ...                         '"k3" = "pm:ghost"\n')
    ...     load_keys(path, xinhe)
    Traceback (most recent call last):
    ...
    govmodel.server.KeysError: keys.toml: entry 3: "pm:ghost" is not an actor (a body, post or
    person) of the structure
    >>> with tempfile.TemporaryDirectory() as d:
    ...     path = pathlib.Path(d) / "keys.toml"
    ...     _ = path.write_text('[keys]\n"k1" = "pm:cxh"\n"k2" = { back_office = true }\n')
    ...     load_keys(path, xinhe)
    {'k1': 'pm:cxh', 'k2': BACK_OFFICE}
    """
    name = Path(path).name
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except UnicodeDecodeError as err:
        raise KeysError(f"{name}: expected UTF-8 text: {err.reason} at byte {err.start}") from None
    except tomllib.TOMLDecodeError as err:
        raise KeysError(f"{name}: not TOML: {err}") from None
    table = data.get("keys")
    if not isinstance(table, dict) or set(data) != {"keys"}:
        raise KeysError(f"{name}: expected one table, [keys], of API keys")
    out: dict[str, Reader] = {}
    problems: list[str] = []
    for number, (key, value) in enumerate(table.items(), start=1):
        where = f"entry {number}"
        if not key.strip():
            problems.append(f"{where}: an API key must not be empty")
        elif isinstance(value, dict) and value == {"back_office": True}:
            out[key] = BACK_OFFICE
        elif isinstance(value, str):
            try:
                check_reader(structure, value, include_personal=False)
            except GovModelError:
                problems.append(
                    f'{where}: "{value[:60]}" is not an actor (a body, post or person) '
                    "of the structure"
                )
            else:
                out[key] = value
        else:
            problems.append(f"{where}: expected an actor id or {{ back_office = true }}")
    if len(problems) == 1:
        raise KeysError(f"{name}: {problems[0]}")
    if problems:
        listed = "".join(f"\n  {problem}" for problem in problems)
        raise KeysError(f"{name}: cannot use the API keys ({len(problems)} problems):{listed}")
    return out


def open_store(url: str, *, policy: Policy = DEFAULT_POLICY, schema: str = "govmodel") -> Store:
    """The store at ``url``: ``sqlite:///PATH`` or a ``postgresql://`` DSN.

    ``sqlite:///cases.db`` is the file ``cases.db`` in the working directory,
    ``sqlite:////var/lib/govmodel/cases.db`` an absolute path. A PostgreSQL
    store lives in ``schema`` of the DSN's database.

    Raises
    ------
    StoreError
        For any other URL (never quoted: a DSN may hold a password), or a
        store that cannot be opened.

    Examples
    --------
    >>> open_store("sqlite:///:memory:").version("case:1")
    0
    >>> open_store("mysql://user:secret@db/cases")
    Traceback (most recent call last):
    ...
    govmodel.errors.StoreError: --store: expected sqlite:///PATH or a postgresql:// DSN
    """
    if url.startswith("sqlite:///") and len(url) > len("sqlite:///"):
        return SQLiteStore(url[len("sqlite:///") :], policy=policy)
    if url.startswith(("postgresql://", "postgres://")):
        return PostgresStore(url, schema=schema, policy=policy)
    raise StoreError("--store: expected sqlite:///PATH or a postgresql:// DSN")


# -- errors -----------------------------------------------------------------------


def _error(status: int, description: str) -> JSONResponse:
    return JSONResponse([{"code": status, "description": description}], status_code=status)


async def _http_error(_request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    return _error(exc.status_code, exc.detail)


async def _store_error(_request: Request, exc: Exception) -> Response:
    _log.error("the case store failed: %s", exc)
    return _error(503, "the case store cannot be reached; try again later")


def _bad(description: str) -> HTTPException:
    return HTTPException(400, description)


def _excerpt(value: str) -> str:
    return repr(value if len(value) <= 40 else value[:40] + "…")


# -- reading parameters -----------------------------------------------------------


def _reader(keys: Mapping[str, Reader], key: str | None, *, required: bool) -> Reader | None:
    if key is None or key == "":
        if required:
            raise HTTPException(403, "api_key: an API key is required to report a request")
        return None
    reader = keys.get(key)
    if reader is None:
        raise HTTPException(403, "api_key: not a key of this server")
    return reader


def _one(params: QueryParams | FormData, name: str) -> str | None:
    values = params.getlist(name)
    if not values:
        return None
    if len(values) > 1:
        raise _bad(f"{name}: given {len(values)} times; give it once")
    value = values[0]
    if not isinstance(value, str):
        raise _bad(f"{name}: expected text, found a file")
    control = _CONTROL.search(value)
    if control is not None:
        raise _bad(
            f"{name}: must not hold the control character U+{ord(control.group()):04X}; "
            "of the control characters only tab, line feed and carriage return are taken"
        )
    return value


def _list(params: QueryParams, name: str) -> list[str] | None:
    value = _one(params, name)
    if value is None or not value.strip():
        return None
    return [part.strip() for part in value.split(",") if part.strip()]


def _categories(codes: list[str] | None) -> list[Category] | None:
    if codes is None:
        return None
    known = {c.value: c for c in Category}
    for code in codes:
        if code not in known:
            raise _bad(f"service_code: unknown service code {_excerpt(code)}")
    return [known[code] for code in codes]


def _statuses(values: list[str] | None) -> list[Status] | None:
    if values is None:
        return None
    out: list[Status] = []
    for value in values:
        if value not in _STATUSES:
            raise _bad(f"status: expected open or closed, found {_excerpt(value)}")
        out += _STATUSES[value]
    return out


def _date(params: QueryParams, name: str, policy: Policy) -> dt.datetime | None:
    text = _one(params, name)
    if text is None or text == "":
        return None
    try:
        if not _MOMENT.match(text):
            raise ValueError(text)
        moment = dt.datetime.fromisoformat(text)
        if not 1900 <= moment.year <= 9000:
            raise ValueError(text)
        policy.aware(moment).astimezone(dt.UTC)
    except (ValueError, OverflowError):
        # A "+" sent as is in a query string arrives as a space.
        hint = " (send its '+' as %2B)" if " " in text else ""
        raise _bad(
            f"{name}: expected a date and a time like 2025-05-06T09:00:00+08:00, "
            f"found {_excerpt(text)}{hint}"
        ) from None
    return moment


def _page_size(params: QueryParams) -> int:
    text = _one(params, "page_size")
    if text is None:
        return DEFAULT_PAGE_SIZE
    if not text.isascii() or not text.isdigit() or not 1 <= int(text) <= MAX_PAGE_SIZE:
        raise _bad(f"page_size: expected a whole number from 1 to {MAX_PAGE_SIZE}")
    return int(text)


# -- the application --------------------------------------------------------------


class _Server:
    """What every endpoint shares: the structure, the store, the keys, the clock."""

    def __init__(
        self,
        structure: Structure,
        url: str,
        *,
        schema: str,
        keys: Mapping[str, Reader],
        policy: Policy,
        now: Callable[[], dt.datetime],
        tick_seconds: float | None,
    ) -> None:
        self.structure = structure
        self.url = url
        self.schema = schema
        self.keys = dict(keys)
        self.policy = policy
        self.now = now
        self.tick_seconds = tick_seconds
        self._store: Store | None = None
        # The store is one connection: its calls run in worker threads, one at a time.
        self._lock = threading.Lock()

    @property
    def store(self) -> Store:
        if self._store is None:  # pragma: no cover - the lifespan opens it first
            raise StoreError("the case store is not open")
        return self._store

    async def _run(self, work: Callable[[], _T]) -> _T:
        """``work`` (which uses the store) in a worker thread, so the event loop never waits.

        The store's calls block on the database; run in the event loop's thread
        they would stall every other request meanwhile. One at a time, under a
        lock: the store holds one connection.
        """

        def locked() -> _T:
            with self._lock:
                return work()

        return await run_in_threadpool(locked)

    @contextlib.asynccontextmanager
    async def lifespan(self, _app: Starlette) -> AsyncIterator[None]:
        # Opened here, used in worker threads (``_run``), one call at a time.
        self._store = await run_in_threadpool(
            open_store, self.url, policy=self.policy, schema=self.schema
        )
        task = asyncio.create_task(self._ticking()) if self.tick_seconds else None
        try:
            yield
        finally:
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            store, self._store = self._store, None
            await self._run(store.close)

    async def _ticking(self) -> None:
        assert self.tick_seconds
        while True:
            try:
                escalated = await self._run(
                    functools.partial(tick, self.store, self.structure, self.now())
                )
            except Exception as err:  # noqa: BLE001 - a failed tick must not stop the next
                # The kind of error only: a message could quote a stored value.
                _log.warning("tick failed (%s); trying again later", type(err).__name__)
            else:
                if escalated:
                    _log.info("tick escalated %d case(s)", len(escalated))
            await asyncio.sleep(self.tick_seconds)

    def view(self, case_id: str, reader: Reader | None, now: dt.datetime) -> ServiceRequest:
        """A case as a service request: with the personal data ``reader`` may see."""
        store, structure, policy = self.store, self.structure, self.policy
        if reader is not None:
            try:
                events = store.events(case_id, reader=reader, structure=structure, at=now)
            except AccessDenied:
                pass
            else:
                mine = to_requests(
                    events,
                    structure=structure,
                    now=now,
                    at=now,
                    policy=policy,
                    for_actor=reader,
                    include_personal=True,
                )
                if mine:
                    return mine[0]
        # The public view: read whole, written without any personal value.
        events = store.events(case_id, reader=BACK_OFFICE, structure=structure, at=now)
        return to_requests(events, structure=structure, now=now, policy=policy)[0]

    async def service_list(self, request: Request) -> Response:
        return JSONResponse(services(policy=self.policy))

    async def service_definition(self, request: Request) -> Response:
        code = request.path_params["code"]
        if code not in {c.value for c in Category}:
            raise HTTPException(404, f"no service {_excerpt(code)}")
        return JSONResponse({"service_code": code, "attributes": []})

    async def one_request(self, request: Request) -> Response:
        now = self.now()
        reader = _reader(self.keys, _one(request.query_params, "api_key"), required=False)
        case_id = request.path_params["id"]

        def work() -> list[ServiceRequest]:
            if self.store.version(case_id) == 0:
                raise HTTPException(404, f"no request {_excerpt(case_id)}")
            return [self.view(case_id, reader, now)]

        return JSONResponse(await self._run(work))

    async def requests(self, request: Request) -> Response:
        if request.method == "POST":
            return await self.report(request)
        now = self.now()
        params = request.query_params
        reader = _reader(self.keys, _one(params, "api_key"), required=False)
        size = _page_size(params)
        ids = _list(params, "service_request_id")
        if ids is not None:
            # GeoReport: the ids override every other filter.
            if len(ids) > size:
                raise _bad(f"service_request_id: at most page_size ({size}) ids")
            return JSONResponse(
                await self._run(
                    lambda: [self.view(i, reader, now) for i in ids if self.store.version(i) > 0]
                )
            )
        category = _categories(_list(params, "service_code"))
        status = _statuses(_list(params, "status"))
        start = _date(params, "start_date", self.policy)
        end = _date(params, "end_date", self.policy)
        if start and end and self.policy.aware(start) > self.policy.aware(end):
            raise _bad("start_date: expected a moment at or before end_date")
        after = _one(params, "after") or None

        def work() -> tuple[list[ServiceRequest], str | None]:
            page = self.read_page(now, status, category, start, end, size, after)
            return [self.view(state.case.id, reader, now) for state in page.items], page.after

        found, following_after = await self._run(work)
        headers = {}
        if following_after is not None:
            following = request.url.include_query_params(after=following_after)
            headers["Link"] = f'<{following}>; rel="next"'
        return JSONResponse(found, headers=headers)

    def read_page(
        self,
        now: dt.datetime,
        status: list[Status] | None,
        category: list[Category] | None,
        start: dt.datetime | None,
        end: dt.datetime | None,
        size: int,
        after: str | None,
    ) -> Page:
        """A page of the store's cases for ``GET /requests.json``, whole (``BACK_OFFICE``)."""
        try:
            return self.store.cases(
                reader=BACK_OFFICE,
                structure=self.structure,
                at=now,
                status=status,
                category=category,
                reported_from=start,
                reported_until=end,
                limit=size,
                after=after,
            )
        except (StoreError, ValueError, OverflowError):
            if after is None:
                raise
            raise _bad("after: not where a page of this query ended") from None

    async def _form(self, request: Request) -> FormData:
        """The body of a POST as a form; 415 or 400 in GeoReport's format when it is not one."""
        kind = request.headers.get("content-type", "").partition(";")[0].strip().lower()
        if kind not in _FORMS:
            found = _excerpt(kind) if kind else "no content type"
            raise HTTPException(
                415,
                "body: expected a form (application/x-www-form-urlencoded or "
                f"multipart/form-data), found {found}",
            )
        try:
            return await request.form(max_fields=MAX_FIELDS, max_part_size=MAX_FIELD_BYTES)
        except HTTPException as err:
            # Starlette's own words, said as this server says its errors.
            said = str(err.detail)
            if "exceeded maximum size" in said:
                raise _bad(
                    f"body: a field holds more than {MAX_FIELD_BYTES // 1024} KB, "
                    "the most one field may hold"
                ) from None
            if "Too many fields" in said:
                raise _bad(f"body: more than {MAX_FIELDS} fields, the most a form holds") from None
            if "Too many files" in said:
                raise _bad("body: too many files; a request's fields are text") from None
            raise _bad(f"body: not a well-formed {kind} form: {said.rstrip('.')}") from None

    async def report(self, request: Request) -> Response:
        now = self.now()
        if not self.keys:
            raise HTTPException(
                403,
                "api_key: this server takes no reports: it was started without API keys "
                "(govmodel serve --keys)",
            )
        form = await self._form(request)
        in_form = _one(form, "api_key")
        in_query = _one(request.query_params, "api_key")
        if in_form is not None and in_query is not None:
            raise _bad("api_key: given in both the query string and the body; give it once")
        reader = _reader(self.keys, in_form if in_form is not None else in_query, required=True)
        text = {
            name: _one(form, name)
            for name in (
                "service_code",
                "address_id",
                "description",
                "first_name",
                "last_name",
                "phone",
                "email",
            )
        }
        for name, value in text.items():
            if value is not None and len(value) > MAX_TEXT:
                raise _bad(f"{name}: longer than {MAX_TEXT} characters")
        code = text["service_code"]
        if not code:
            raise _bad("service_code: required")
        [category] = _categories([code]) or []
        place = text["address_id"]
        if not place:
            raise _bad(
                "address_id: required: the id of a place of this community "
                "(lat, long and address_string are not read)"
            )
        if place not in self.structure or not isinstance(self.structure.node(place), Place):
            raise _bad(f"address_id: no place {_excerpt(place)} in this community")
        names = [(text[n] or "").strip() for n in ("first_name", "last_name")]
        receiver = None
        if isinstance(reader, str) and isinstance(self.structure.node(reader), Post | Body):
            receiver = reader
        case = Case(
            id=f"case:{uuid.uuid4().hex}",
            category=category,
            place=place,
            reported_at=now,
            channel=Channel.HOTLINE,
            receiver=receiver,
            reporter=" ".join(n for n in names if n) or None,
            contact=(text["phone"] or "").strip() or (text["email"] or "").strip() or None,
            description=text["description"] or "",
        )

        def work() -> list[CaseEvent]:
            routing = route(self.structure, case, policy=self.policy)
            events: list[CaseEvent] = [
                Reported(case=case, at=now),
                Routed(case_id=case.id, at=now, routing=routing),
            ]
            # A report that recurs at its place is escalated at once, in the same
            # append, as tick would escalate it a moment later: the answer gives the
            # routing the request has.
            state = replay(events)
            escalated = _escalation(self.store, self.structure, state, now, True, self.policy)
            if escalated is not None:
                events.append(escalated)
            self.store.append(case.id, events, expected_version=0, structure=self.structure)
            return events

        events = await self._run(work)
        [public] = to_requests(events, structure=self.structure, now=now, policy=self.policy)
        answer = {
            "service_request_id": case.id,
            "service_notice": public["service_notice"],
            "account_id": None,
            "expected_datetime": public["expected_datetime"],
        }
        return JSONResponse([answer], status_code=201)


def app(
    structure: Structure,
    store: str,
    *,
    schema: str = "govmodel",
    keys: Mapping[str, Reader] | None = None,
    policy: Policy = DEFAULT_POLICY,
    now: Callable[[], dt.datetime] | None = None,
    tick_seconds: float | None = None,
) -> Starlette:
    """The Open311 GeoReport v2 application over ``structure`` and the store at ``store``.

    Parameters
    ----------
    structure
        The community the requests happen in: its places are the
        ``address_id`` of requests, its actors those of the keys.
    store
        The store's URL (:func:`open_store`), opened when the application
        starts and closed when it stops.
    schema
        The schema of a PostgreSQL store.
    keys
        API key → reader (:func:`load_keys`); none by default, so nothing can
        be reported.
    policy
        The policy requests are routed and read under (its working calendar
        counts due times).
    now
        The clock: ``clock(policy)`` by default; tests pass a fixed moment.
    tick_seconds
        Run ``tick`` when the application starts and every so many seconds
        while it runs; ``None`` never.

    Examples
    --------
    >>> import datetime as dt
    >>> from starlette.testclient import TestClient
    >>> from govmodel import examples
    >>> xinhe = examples.load("xinhe")
    >>> moment = dt.datetime(2025, 5, 6, 9, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    >>> server = app(xinhe, "sqlite:///:memory:", keys={"k1": "post:grid-wanda-a-worker"},
    ...              now=lambda: moment)
    >>> with TestClient(server) as client:
    ...     made = client.post("/requests.json", data={
    ...         "api_key": "k1", "service_code": "repair", "address_id": "building:wanda-1",
    ...         "last_name": "Li", "phone": "13800000000"})
    ...     [answer] = made.json()
    ...     public = client.get(f"/requests/{answer['service_request_id']}.json").json()
    ...     mine = client.get(f"/requests/{answer['service_request_id']}.json",
    ...                       params={"api_key": "k1"}).json()
    ...     wrong = client.get("/requests.json", params={"status": "lost"})
    >>> made.status_code, answer["expected_datetime"]
    (201, '2025-05-09T17:00:00+08:00')
    >>> "phone" in public[0], mine[0]["phone"]
    (False, '13800000000')
    >>> wrong.status_code, wrong.json()
    (400, [{'code': 400, 'description': "status: expected open or closed, found 'lost'"}])
    """
    server = _Server(
        structure,
        store,
        schema=schema,
        keys=keys or {},
        policy=policy,
        now=now or (lambda: clock(policy)),
        tick_seconds=tick_seconds,
    )
    routes = [
        Route("/services.json", server.service_list, methods=["GET"]),
        Route("/services/{code}.json", server.service_definition, methods=["GET"]),
        Route("/requests.json", server.requests, methods=["GET", "POST"]),
        Route("/requests/{id}.json", server.one_request, methods=["GET"]),
    ]
    handlers: dict[Any, Any] = {HTTPException: _http_error, StoreError: _store_error}
    return Starlette(routes=routes, exception_handlers=handlers, lifespan=server.lifespan)

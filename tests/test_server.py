"""The Open311 server in process: every endpoint through the ASGI application, on each store.

``tests/test_server_process.py`` starts the real server with uvicorn and talks to it
over HTTP; these tests call the application directly (Starlette's TestClient), on
SQLite and on PostgreSQL, and fuzz its parameters with Hypothesis.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.testclient import TestClient

from govmodel import BACK_OFFICE, examples
from govmodel.errors import StoreError
from govmodel.rules.access import Reader
from govmodel.server import (
    MAX_FIELD_BYTES,
    MAX_FIELDS,
    MAX_PAGE_SIZE,
    KeysError,
    app,
    load_keys,
    open_store,
)
from govmodel.store import Store
from tests._stores import Spec

XINHE = examples.load("xinhe")
CST = dt.timezone(dt.timedelta(hours=8))
T = dt.datetime(2025, 5, 6, 9, tzinfo=CST)
KEYS: dict[str, Reader] = {
    "k-owner": "post:grid-wanda-a-worker",  # takes the cases it reports: their owner
    "k-pm": "pm:cxh",  # the property company: the handler of repairs in its compound
    "k-mediation": "mediation:xinhexin",  # no part in these cases
    "k-office": BACK_OFFICE,
    "k-person": "person:steward-1",  # holds post:grid-wanda-a-worker from 2025-01-01
}
PERSONAL = ("Li", "Wei", "13800000000", "The unit door of flat 301 sticks")
FORM = {
    "api_key": "k-owner",
    "service_code": "repair",
    "address_id": "building:wanda-1",
    "description": "The unit door of flat 301 sticks",
    "first_name": "Wei",
    "last_name": "Li",
    "phone": "13800000000",
}


def store_url(spec: Spec) -> tuple[str, str]:
    """The ``--store`` URL and schema of a test store."""
    kind, where, schema = spec
    if kind == "sqlite":
        return f"sqlite:///{where}", "govmodel"
    return where, schema


class Clock:
    """A clock the tests move."""

    def __init__(self, now: dt.datetime) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock(T)


@pytest.fixture
def client(store_spec: Spec, clock: Clock) -> Iterator[TestClient]:
    url, schema = store_url(store_spec)
    with TestClient(app(XINHE, url, schema=schema, keys=KEYS, now=clock)) as client:
        yield client


def report(client: TestClient, **changes: str) -> str:
    response = client.post("/requests.json", data={**FORM, **changes})
    assert response.status_code == 201, response.text
    [answer] = response.json()
    return str(answer["service_request_id"])


def assert_error(response: object, status: int, words: str) -> None:
    from httpx2 import Response

    assert isinstance(response, Response)
    assert response.status_code == status, response.text
    [error] = response.json()
    assert error["code"] == status
    assert words in error["description"], error
    for value in PERSONAL:
        assert value not in error["description"]


class TestServices:
    def test_list(self, client: TestClient) -> None:
        response = client.get("/services.json")
        assert response.status_code == 200
        assert response.headers["content-type"] == "application/json"
        codes = [s["service_code"] for s in response.json()]
        assert "repair" in codes
        assert "fire_lane" in codes

    def test_definition(self, client: TestClient) -> None:
        response = client.get("/services/fire_lane.json")
        assert response.json() == {"service_code": "fire_lane", "attributes": []}

    def test_unknown_service(self, client: TestClient) -> None:
        assert_error(client.get("/services/nosuch.json"), 404, "no service 'nosuch'")

    def test_unknown_path_and_method(self, client: TestClient) -> None:
        assert_error(client.get("/services.xml"), 404, "Not Found")
        assert_error(client.delete("/requests.json"), 405, "Method Not Allowed")


class TestReport:
    def test_routed_and_stored(self, client: TestClient) -> None:
        response = client.post("/requests.json", data=FORM)
        assert response.status_code == 201
        [answer] = response.json()
        assert answer["service_request_id"].startswith("case:")
        assert answer["expected_datetime"] == "2025-05-09T17:00:00+08:00"
        assert answer["service_notice"]
        [request] = client.get(f"/requests/{answer['service_request_id']}.json").json()
        assert request["status"] == "open"
        assert request["address_id"] == "building:wanda-1"
        assert request["requested_datetime"] == "2025-05-06T09:00:00+08:00"
        assert [n["type"] for n in request["notes"]] == ["opened", "activity"]
        assert request["extended_attributes"]["channel"] == "hotline"

    def test_a_repeat_report_is_answered_with_its_escalation(
        self, client: TestClient, store_spec: Spec, clock: Clock
    ) -> None:
        """A report that recurs at its place is escalated in its own append, not by a later tick."""
        from govmodel.store import tick
        from tests._stores import open_store

        answers = []
        for minutes in range(3):
            clock.now = T + dt.timedelta(minutes=minutes)
            response = client.post("/requests.json", data=FORM)
            assert response.status_code == 201, response.text
            answers.append(response.json()[0])
        read = [client.get(f"/requests/{a['service_request_id']}.json").json()[0] for a in answers]
        # The first two keep their routing; the third, the policy's second repeat, is
        # escalated at once: its answer is what reading it gives.
        assert [len(r["notes"]) for r in read] == [2, 2, 3]
        tiers = [r["extended_attributes"]["tier"] for r in read]
        assert tiers[0] == tiers[1] != tiers[2]
        for answer, request in zip(answers, read, strict=True):
            assert answer["expected_datetime"] == request["expected_datetime"]
        assert answers[2]["service_notice"] != answers[0]["service_notice"]
        # A tick at that moment has nothing left to do.
        with open_store(store_spec) as store:
            assert tick(store, XINHE, clock.now) == ()

    @pytest.mark.parametrize(
        ("changes", "status", "words"),
        [
            ({"api_key": ""}, 403, "an API key is required"),
            ({"api_key": "k-nosuch"}, 403, "not a key of this server"),
            ({"service_code": ""}, 400, "service_code: required"),
            ({"service_code": "nosie"}, 400, "unknown service code 'nosie'"),
            ({"address_id": ""}, 400, "address_id: required"),
            ({"address_id": "building:nowhere"}, 400, "no place 'building:nowhere'"),
            ({"address_id": "pm:cxh"}, 400, "no place 'pm:cxh'"),
            ({"description": "x" * 5000}, 400, "description: longer than 4000"),
            ({"last_name": "Li\x00"}, 400, "last_name: must not hold the control character U+0000"),
            ({"description": "door\x1b[2J"}, 400, "description: must not hold the control "),
            ({"first_name": "Xiu\x7fying\x08"}, 400, "first_name: must not hold the control "),
        ],
    )
    def test_refused(
        self, client: TestClient, changes: dict[str, str], status: int, words: str
    ) -> None:
        assert_error(client.post("/requests.json", data={**FORM, **changes}), status, words)
        assert client.get("/requests.json").json() == []

    def test_no_key_field(self, client: TestClient) -> None:
        form = {k: v for k, v in FORM.items() if k != "api_key"}
        assert_error(client.post("/requests.json", data=form), 403, "API key is required")

    def test_repeated_field(self, client: TestClient) -> None:
        response = client.post(
            "/requests.json",
            content="api_key=k-owner&service_code=repair&service_code=noise",
            headers={"content-type": "application/x-www-form-urlencoded"},
        )
        assert_error(response, 400, "service_code: given 2 times")

    def test_json_body_is_not_read(self, client: TestClient) -> None:
        assert_error(
            client.post("/requests.json", json=FORM),
            415,
            "body: expected a form (application/x-www-form-urlencoded or multipart/form-data), "
            "found 'application/json'",
        )
        assert_error(
            client.post("/requests.json", content=b"api_key=k-owner"), 415, "found no content type"
        )
        assert client.get("/requests.json").json() == []

    def test_broken_multipart(self, client: TestClient) -> None:
        for content_type in ("multipart/form-data", "multipart/form-data; boundary=zz"):
            response = client.post(
                "/requests.json",
                content=b"--zz\r\nContent-Disposition: form-data\r\n\r\nx\r\n--zz--\r\n",
                headers={"content-type": content_type},
            )
            assert_error(response, 400, "body: not a well-formed multipart/form-data form: ")
        assert client.get("/requests.json").json() == []

    def test_form_limits_in_the_servers_words(self, client: TestClient) -> None:
        """Starlette's limits (1 MB a field, 1000 fields) answered as the server's own errors."""
        big = {**FORM, "description": "x" * (MAX_FIELD_BYTES + 1)}
        assert_error(
            client.post("/requests.json", data=big),
            400,
            "body: a field holds more than 1024 KB, the most one field may hold",
        )
        big_multipart = client.post("/requests.json", data=big, files={"f": ("", b"")})
        assert_error(big_multipart, 400, "body: a field holds more than 1024 KB")
        many = "&".join(f"f{i}=1" for i in range(MAX_FIELDS + 1))
        response = client.post(
            "/requests.json",
            content=f"api_key=k-owner&{many}",
            headers={"content-type": "application/x-www-form-urlencoded"},
        )
        assert_error(response, 400, "body: more than 1000 fields, the most a form holds")

    def test_text_keeps_tabs_and_line_breaks(self, client: TestClient) -> None:
        case_id = report(client, description="Door sticks\r\n\tflat 301")
        [mine] = client.get(f"/requests/{case_id}.json", params={"api_key": "k-owner"}).json()
        assert mine["description"] == "Door sticks\r\n\tflat 301"

    def test_api_key_in_the_query_string(self, client: TestClient) -> None:
        form = {k: v for k, v in FORM.items() if k != "api_key"}
        response = client.post("/requests.json", params={"api_key": "k-owner"}, data=form)
        assert response.status_code == 201, response.text
        twice = client.post("/requests.json", params={"api_key": "k-owner"}, data=FORM)
        assert_error(twice, 400, "api_key: given in both the query string and the body")
        nosuch = client.post("/requests.json", params={"api_key": "k-nosuch"}, data=form)
        assert_error(nosuch, 403, "not a key of this server")

    def test_server_without_keys_takes_no_reports(self, store_spec: Spec, clock: Clock) -> None:
        url, schema = store_url(store_spec)
        with TestClient(app(XINHE, url, schema=schema, now=clock)) as bare:
            assert_error(
                bare.post("/requests.json", data=FORM),
                403,
                "api_key: this server takes no reports: it was started without API keys",
            )
            assert bare.get("/requests.json").json() == []

    def test_email_when_no_phone(self, client: TestClient) -> None:
        case_id = report(client, phone="", email="li@example.org")
        [mine] = client.get(f"/requests/{case_id}.json", params={"api_key": "k-owner"}).json()
        assert (mine["email"], mine["phone"], mine["last_name"]) == (
            "li@example.org",
            None,
            "Wei Li",
        )


class TestPersonalData:
    @pytest.mark.parametrize(
        ("key", "personal"),
        [
            (None, False),
            ("k-owner", True),
            ("k-office", True),
            ("k-pm", True),
            ("k-mediation", False),
        ],
    )
    def test_by_key(self, client: TestClient, key: str | None, personal: bool) -> None:
        case_id = report(client)
        params = {"api_key": key} if key else {}
        for response in (
            client.get(f"/requests/{case_id}.json", params=params),
            client.get("/requests.json", params=params),
            client.get("/requests.json", params={**params, "service_request_id": case_id}),
        ):
            [request] = response.json()
            text = response.text
            if personal:
                assert request["phone"] == "13800000000"
                assert request["description"] == FORM["description"]
            else:
                assert "phone" not in request
                assert request["description"] is None
                for value in PERSONAL:
                    assert value not in text

    def test_a_person_reads_through_the_post_held(self, client: TestClient) -> None:
        """A key of a person: the personal data of the cases of the post held at that moment."""
        case_id = report(client)
        [request] = client.get(f"/requests/{case_id}.json", params={"api_key": "k-person"}).json()
        assert request["phone"] == "13800000000"

    def test_bad_key_on_read(self, client: TestClient) -> None:
        assert_error(client.get("/requests.json", params={"api_key": "nosuch"}), 403, "not a key")


class TestRequests:
    def test_filters(self, client: TestClient, clock: Clock) -> None:
        door = report(client)
        clock.now = T + dt.timedelta(hours=2)
        noise = report(client, service_code="noise", address_id="building:wanda-2")

        def ids(**params: str) -> list[str]:
            response = client.get("/requests.json", params=params)
            assert response.status_code == 200, response.text
            return [r["service_request_id"] for r in response.json()]

        assert ids() == [door, noise]
        assert ids(service_code="noise") == [noise]
        assert ids(service_code="noise,repair") == [door, noise]
        assert ids(status="open") == [door, noise]
        assert ids(status="closed") == []
        assert ids(start_date="2025-05-06T10:00:00+08:00") == [noise]
        assert ids(end_date="2025-05-06T10:00:00+08:00") == [door]
        assert ids(start_date="2025-05-06T03:00:00Z", end_date="2025-05-06T03:30:00Z") == [noise]
        assert ids(start_date="2025-05-06T10:00") == [noise]  # local to the policy's zone
        assert ids(service_request_id=f"{noise},case:nosuch,{door}") == [noise, door]
        assert ids(jurisdiction_id="xinhe") == [door, noise]  # accepted, and not read

    @pytest.mark.parametrize(
        ("params", "words"),
        [
            ({"service_code": "nosie"}, "unknown service code 'nosie'"),
            ({"status": "lost"}, "status: expected open or closed, found 'lost'"),
            ({"start_date": "2025-05-06"}, "start_date: expected a date and a time"),
            ({"start_date": "2025-05-06T09:00:00 08:00"}, "(send its '+' as %2B)"),
            ({"end_date": "yesterday"}, "end_date: expected a date and a time"),
            ({"end_date": "0001-01-01T00:00"}, "end_date: expected a date and a time"),
            (
                {"start_date": "2025-05-07T00:00", "end_date": "2025-05-06T00:00"},
                "start_date: expected a moment at or before end_date",
            ),
            (
                {"start_date": "2025-05-06T09:00+08:00", "end_date": "2025-05-06T00:30Z"},
                "start_date: expected a moment at or before end_date",
            ),
            ({"page_size": "0"}, "page_size: expected a whole number from 1 to 1000"),
            ({"page_size": str(MAX_PAGE_SIZE + 1)}, "page_size: expected a whole number"),
            ({"page_size": "²"}, "page_size: expected a whole number"),
            ({"after": "nosuch"}, "after: not where a page of this query ended"),
        ],
    )
    def test_refused(self, client: TestClient, params: dict[str, str], words: str) -> None:
        assert_error(client.get("/requests.json", params=params), 400, words)

    def test_pages(self, client: TestClient, clock: Clock) -> None:
        made = []
        for minutes in range(5):
            clock.now = T + dt.timedelta(minutes=minutes)
            made.append(report(client))
        seen: list[str] = []
        url = "/requests.json?page_size=2&service_code=repair"
        pages = 0
        while url:
            response = client.get(url)
            pages += 1
            seen += [r["service_request_id"] for r in response.json()]
            link = response.links.get("next")
            url = link["url"] if link else ""
            if pages == 1:
                # A request reported between two pages is neither repeated nor skipped.
                clock.now = T + dt.timedelta(minutes=10)
                made.append(report(client))
        assert seen == made
        # Keyset pages: a full page leads on, so the last of 3 full pages leads to an empty one.
        assert pages == 4
        assert response.json() == []
        assert "page_size=2" in response.request.url.query.decode()

    def test_cursor_beyond_any_number(self, client: TestClient) -> None:
        """A cursor past every number a store keeps: refused, or nothing after it; never 500."""
        response = client.get("/requests.json", params={"after": "r99999999999999999999999:c"})
        assert response.status_code in (200, 400)
        if response.status_code == 200:
            assert response.json() == []

    def test_too_many_ids(self, client: TestClient) -> None:
        ids = ",".join(f"case:{i}" for i in range(3))
        params = {"service_request_id": ids, "page_size": "2"}
        assert_error(client.get("/requests.json", params=params), 400, "at most page_size (2)")

    def test_unknown_request(self, client: TestClient) -> None:
        assert_error(client.get("/requests/case:nosuch.json"), 404, "no request 'case:nosuch'")


class TestTick:
    def test_escalates_on_start_and_on_schedule(self, store_spec: Spec, clock: Clock) -> None:
        url, schema = store_url(store_spec)
        with TestClient(app(XINHE, url, schema=schema, keys=KEYS, now=clock)) as client:
            case_id = report(client)
            [before] = client.get(f"/requests/{case_id}.json").json()
        clock.now = T + dt.timedelta(days=10)
        ticking = app(XINHE, url, schema=schema, keys=KEYS, now=clock, tick_seconds=0.05)
        with TestClient(ticking) as client:
            after = before
            deadline = time.monotonic() + 10
            while after["expected_datetime"] == before["expected_datetime"]:
                assert time.monotonic() < deadline, "tick did not run"
                time.sleep(0.05)
                [after] = client.get(f"/requests/{case_id}.json").json()
        tiers = (before["extended_attributes"]["tier"], after["extended_attributes"]["tier"])
        assert tiers[0] != tiers[1]
        assert [n["type"] for n in after["notes"]] == ["opened", "activity", "activity"]


class TestNotBlocking:
    """The store's calls run in worker threads: the event loop never waits on the database."""

    def test_store_calls_leave_the_event_loop(
        self, store_spec: Spec, clock: Clock, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        from govmodel.store._base import _SQLStore

        on_loop: list[bool] = []
        for name in ("append_many", "version", "events", "cases"):
            method = getattr(_SQLStore, name)

            def spy(self: Store, *args: object, _method: Any = method, **kwargs: object) -> Any:
                try:
                    asyncio.get_running_loop()
                except RuntimeError:
                    on_loop.append(False)
                else:
                    on_loop.append(True)
                return _method(self, *args, **kwargs)

            monkeypatch.setattr(_SQLStore, name, spy)
        url, schema = store_url(store_spec)
        with TestClient(app(XINHE, url, schema=schema, keys=KEYS, now=clock)) as client:
            case_id = report(client)
            assert client.get(f"/requests/{case_id}.json").status_code == 200
            assert client.get("/requests.json").status_code == 200
            assert client.get(f"/requests.json?service_request_id={case_id}").status_code == 200
        assert on_loop
        assert not any(on_loop)


class TestKeysFile:
    def write(self, tmp_path: Path, text: str) -> Path:
        path = tmp_path / "keys.toml"
        path.write_text(text, encoding="utf-8")
        return path

    def test_reads(self, tmp_path: Path) -> None:
        path = self.write(
            tmp_path, '[keys]\n"s3cret-1" = "pm:cxh"\n"s3cret-2" = { back_office = true }\n'
        )
        assert load_keys(path, XINHE) == {"s3cret-1": "pm:cxh", "s3cret-2": BACK_OFFICE}

    @pytest.mark.parametrize(
        ("text", "words"),
        [
            ('"s3cret" = "pm:cxh"\n', "expected one table, [keys]"),
            ('[keys]\n"s3cret" = "pm:cxh"\n[other]\n', "expected one table, [keys]"),
            ('[keys]\n"s3cret" = 3\n', "entry 1: expected an actor id"),
            ('[keys]\n"s3cret" = { back_office = false }\n', "entry 1: expected an actor id"),
            (
                '[keys]\n"ok" = "pm:cxh"\n"s3cret" = "pm:ghost"\n',
                'entry 2: "pm:ghost" is not an actor (a body, post or person) of the structure',
            ),
            (
                '[keys]\n"s3cret" = "building:wanda-1"\n',
                'entry 1: "building:wanda-1" is not an actor (a body, post or person)',
            ),
            ('[keys]\n"  " = "pm:cxh"\n', "entry 1: an API key must not be empty"),
            ("[keys\n", "not TOML"),
        ],
    )
    def test_refused(self, tmp_path: Path, text: str, words: str) -> None:
        with pytest.raises(KeysError, match=r"^keys\.toml: ") as err:
            load_keys(self.write(tmp_path, text), XINHE)
        assert words in str(err.value)
        assert "s3cret" not in str(err.value)

    def test_every_problem_listed(self, tmp_path: Path) -> None:
        """Several bad entries: each is named, as a spec's problems are, never by its key."""
        text = (
            '[keys]\n"ok" = "pm:cxh"\n"s3cret-1" = "pm:ghost"\n"  " = "pm:cxh"\n'
            '"s3cret-2" = 3\n"s3cret-3" = "building:wanda-1"\n'
        )
        with pytest.raises(KeysError) as err:
            load_keys(self.write(tmp_path, text), XINHE)
        assert str(err.value).splitlines() == [
            "keys.toml: cannot use the API keys (4 problems):",
            '  entry 2: "pm:ghost" is not an actor (a body, post or person) of the structure',
            "  entry 3: an API key must not be empty",
            "  entry 4: expected an actor id or { back_office = true }",
            '  entry 5: "building:wanda-1" is not an actor (a body, post or person) of the '
            "structure",
        ]
        assert "s3cret" not in str(err.value)

    def test_not_utf8_names_the_file(self, tmp_path: Path) -> None:
        path = tmp_path / "keys.toml"
        path.write_bytes(b'[keys]\n"k" = "\xff"\n')
        with pytest.raises(KeysError, match=r"^keys\.toml: expected UTF-8 text: invalid start"):
            load_keys(path, XINHE)


class TestOpenStore:
    @pytest.mark.parametrize(
        "url", ["mysql://user:s3cret@db/cases", "sqlite:///", "sqlite://cases.db", "cases.db"]
    )
    def test_refused_without_quoting(self, url: str) -> None:
        with pytest.raises(StoreError, match="expected sqlite:///PATH") as err:
            open_store(url)
        assert "s3cret" not in str(err.value)

    def test_sqlite_path(self, tmp_path: Path) -> None:
        store: Store = open_store(f"sqlite:///{tmp_path / 'cases.db'}")
        store.close()
        assert (tmp_path / "cases.db").exists()


# -- fuzzing ---------------------------------------------------------------------------------

_FIELDS = [
    *FORM,
    "lat",
    "long",
    "address_string",
    "service_request_id",
    "status",
    "start_date",
    "end_date",
    "page_size",
    "after",
    "jurisdiction_id",
]
_VALUES = st.one_of(
    st.text(max_size=30),
    st.sampled_from(
        [
            "k-owner",
            "k-office",
            "repair",
            "noise",
            "building:wanda-1",
            "compound:wanda",
            "open",
            "closed",
            "2025-05-06T09:00",
            "9999-12-31T23:59-23:59",
            "0",
            "1000",
            "r1:case:1",
            "o-5:x",
            "",
            " ",
            ",",
        ]
    ),
)
_PARAMS = st.lists(st.tuples(st.sampled_from(_FIELDS) | st.text(max_size=10), _VALUES), max_size=8)


@pytest.fixture(scope="module")
def fuzz_client() -> Iterator[TestClient]:
    with TestClient(app(XINHE, "sqlite:///:memory:", keys=KEYS, now=lambda: T)) as client:
        yield client


def _answered(response: object, statuses: set[int]) -> None:
    from httpx2 import Response

    assert isinstance(response, Response)
    assert response.status_code in statuses, response.text
    body = response.json()
    if response.status_code >= 400:
        [error] = body
        assert set(error) == {"code", "description"}
        assert error["code"] == response.status_code


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(params=_PARAMS)
def test_fuzz_post(fuzz_client: TestClient, params: list[tuple[str, str]]) -> None:
    """Any form posted gets a GeoReport answer: 201 or an error in its list format, never 500."""
    response = fuzz_client.post(
        "/requests.json",
        content=urlencode(params),
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    _answered(response, {201, 400, 403})


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    params=_PARAMS,
    path=st.sampled_from(
        ["/requests.json", "/requests/case:1.json", "/services.json", "/services/repair.json"]
    ),
)
def test_fuzz_get(fuzz_client: TestClient, params: list[tuple[str, str]], path: str) -> None:
    """Any query parameters get an answer: 200 or an error in GeoReport's format, never 500."""
    _answered(fuzz_client.get(path, params=urlencode(params)), {200, 400, 403, 404})


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    body=st.binary(max_size=200),
    kind=st.sampled_from(
        [
            "application/x-www-form-urlencoded",
            "multipart/form-data; boundary=xyz",
            "multipart/form-data",
            "application/json",
            "text/plain",
        ]
    ),
)
def test_fuzz_body(fuzz_client: TestClient, body: bytes, kind: str) -> None:
    """Any bytes posted as any content type: an answer, never 500."""
    response = fuzz_client.post("/requests.json", content=body, headers={"content-type": kind})
    _answered(
        response, {201, 400, 403} if kind.startswith(("multipart/", "application/x")) else {415}
    )

"""The Open311 server as users run it: ``govmodel serve`` in a process, talked to with httpx.

Each test starts uvicorn on 127.0.0.1 on a free port, on SQLite and on PostgreSQL
(``GOVMODEL_POSTGRES_DSN``), and stops it with SIGINT, as Ctrl-C does.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from tests._stores import Spec, postgres_dsn

ROOT = Path(__file__).resolve().parent.parent
KEYS = """\
[keys]
"k-owner-7f3a" = "post:grid-wanda-a-worker"
"k-mediation-2b9c" = "mediation:xinhexin"
"k-office-51d0" = { back_office = true }
"""
FORM = {
    "api_key": "k-owner-7f3a",
    "service_code": "repair",
    "address_id": "building:wanda-1",
    "description": "The unit door of flat 301 sticks",
    "last_name": "Li",
    "phone": "13800000000",
}
PERSONAL = ("13800000000", "flat 301", '"Li"')
SERVE = [sys.executable, "-m", "govmodel.cli", "serve", "xinhe"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def store_args(spec: Spec) -> list[str]:
    kind, where, schema = spec
    if kind == "sqlite":
        return ["--store", f"sqlite:///{where}"]
    return ["--store", where, "--schema", schema]


@contextmanager
def serving(spec: Spec, keys: Path, *extra: str) -> Iterator[httpx.Client]:
    """``govmodel serve xinhe`` on a free port, and a client for it; stopped with SIGINT."""
    port = free_port()
    command = [sys.executable, "-m", "govmodel.cli", "serve", "xinhe", *store_args(spec)]
    command += ["--keys", str(keys), "--host", "127.0.0.1", "--port", str(port), *extra]
    process = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    base = f"http://127.0.0.1:{port}"
    try:
        with httpx.Client(base_url=base, timeout=10) as client:
            deadline = time.monotonic() + 30
            while True:
                assert process.poll() is None, process.stdout.read() if process.stdout else ""
                try:
                    client.get("/services.json")
                    break
                except httpx.TransportError:
                    assert time.monotonic() < deadline, "the server did not start"
                    time.sleep(0.1)
            yield client
    finally:
        process.send_signal(signal.SIGINT)
        try:
            output, _ = process.communicate(timeout=20)
        except subprocess.TimeoutExpired:  # pragma: no cover - a server that hangs
            process.kill()
            output, _ = process.communicate()
            raise
    assert process.returncode == 0, output
    for value in (*PERSONAL, "k-owner-7f3a", "k-office-51d0"):
        assert value not in output  # no log line quotes a personal value or a key


@pytest.fixture
def keys(tmp_path: Path) -> Path:
    path = tmp_path / "keys.toml"
    path.write_text(KEYS, encoding="utf-8")
    return path


def error(response: httpx.Response, status: int) -> str:
    assert response.status_code == status, response.text
    [found] = response.json()
    assert found["code"] == status
    return str(found["description"])


def test_every_endpoint(store_spec: Spec, keys: Path) -> None:
    with serving(store_spec, keys) as client:
        services = client.get("/services.json")
        assert services.status_code == 200
        assert client.get("/services/repair.json").json() == {
            "service_code": "repair",
            "attributes": [],
        }
        assert "no service" in error(client.get("/services/nosuch.json"), 404)

        made = []
        for code, place in [
            ("repair", "building:wanda-1"),
            ("noise", "building:wanda-2"),
            ("repair", "building:wanda-2"),
        ]:
            response = client.post(
                "/requests.json", data={**FORM, "service_code": code, "address_id": place}
            )
            assert response.status_code == 201, response.text
            [answer] = response.json()
            assert answer["expected_datetime"]
            assert answer["service_notice"]
            made.append(answer["service_request_id"])

        # Errors: bad input, keys.
        assert "api_key" in error(client.post("/requests.json", data={**FORM, "api_key": ""}), 403)
        assert "not a key" in error(
            client.post("/requests.json", data={**FORM, "api_key": "nosuch"}), 403
        )
        assert "unknown service code" in error(
            client.post("/requests.json", data={**FORM, "service_code": "x"}), 400
        )
        assert "status" in error(client.get("/requests.json", params={"status": "x"}), 400)
        assert "no request" in error(client.get("/requests/case:nosuch.json"), 404)
        assert error(client.put("/requests.json"), 405)

        # Filters.
        def ids(**params: str) -> list[str]:
            response = client.get("/requests.json", params=params)
            assert response.status_code == 200, response.text
            return [r["service_request_id"] for r in response.json()]

        assert ids() == made
        assert ids(service_code="repair") == [made[0], made[2]]
        assert ids(status="open") == made
        assert ids(status="closed") == []
        assert ids(service_request_id=made[1]) == [made[1]]
        assert ids(end_date="2000-01-01T00:00:00+08:00") == []
        assert ids(start_date="2000-01-01T00:00:00+08:00") == made

        # Pages: page_size and the next page's link.
        seen: list[str] = []
        url: str | None = "/requests.json?page_size=2"
        while url:
            page = client.get(url)
            seen += [r["service_request_id"] for r in page.json()]
            url = page.links.get("next", {}).get("url")
        assert seen == made

        # Personal data: the owner's key and the back office see them; no key, or an
        # actor with no part in the case, get the public view.
        for key, personal in [
            (None, False),
            ("k-mediation-2b9c", False),
            ("k-owner-7f3a", True),
            ("k-office-51d0", True),
        ]:
            params = {"api_key": key} if key else {}
            for response in (
                client.get(f"/requests/{made[0]}.json", params=params),
                client.get("/requests.json", params=params),
            ):
                assert response.status_code == 200
                request = response.json()[0]
                if personal:
                    assert request["phone"] == "13800000000"
                    assert request["last_name"] == "Li"
                else:
                    assert "phone" not in request
                    for value in PERSONAL:
                        assert value not in response.text


def test_restart_loses_nothing(store_spec: Spec, keys: Path) -> None:
    """Stop the server, start it again on the same store: the same requests, whole."""
    with serving(store_spec, keys) as client:
        # Three places, so that none recurs and the tick at the start has nothing to do.
        made = [
            client.post("/requests.json", data={**FORM, "address_id": place}).json()[0][
                "service_request_id"
            ]
            for place in ("building:wanda-1", "building:wanda-2", "building:wanda-3")
        ]
        before = client.get("/requests.json", params={"api_key": "k-office-51d0"}).json()
    with serving(store_spec, keys) as client:
        after = client.get("/requests.json", params={"api_key": "k-office-51d0"}).json()
        assert [r["service_request_id"] for r in after] == made
        assert after == before
        assert after[0]["phone"] == "13800000000"
        response = client.post("/requests.json", data=FORM)
        assert response.status_code == 201


def test_refuses_to_start(tmp_path: Path, keys: Path) -> None:
    """A store URL, a keys file or an address that cannot be used: one error line, no server."""
    bad_keys = tmp_path / "bad.toml"
    bad_keys.write_text('[keys]\n"s3cret" = "pm:ghost"\n', encoding="utf-8")
    many_bad = tmp_path / "many.toml"
    many_bad.write_text(
        '[keys]\n"s3cret" = "pm:ghost"\n"s3cret-2" = "building:wanda-1"\n', encoding="utf-8"
    )
    not_utf8 = tmp_path / "latin.toml"
    not_utf8.write_bytes(b'[keys]\n"s3cret" = "\xe9"\n')
    sqlite = ["--store", f"sqlite:///{tmp_path / 'c.db'}"]
    dsn = os.environ.get("GOVMODEL_POSTGRES_DSN") or "postgresql://u:s3cret@127.0.0.1:1/x"
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = str(taken.getsockname()[1])
        for argv, status, words in [
            (["--store", "mysql://u:s3cret@db/x"], 1, "--store: expected sqlite:///PATH"),
            ([*sqlite, "--keys", str(bad_keys)], 1, '"pm:ghost" is not an actor'),
            ([*sqlite, "--keys", str(many_bad)], 1, "(2 problems):\n  entry 1: "),
            ([*sqlite, "--keys", str(not_utf8)], 1, "latin.toml: expected UTF-8 text"),
            ([*sqlite, "--keys", str(tmp_path / "none.toml")], 1, "--keys: cannot read "),
            (["--store", "postgresql://u:s3cret x@db/x"], 1, "the DSN is neither a libpq"),
            ([*sqlite, "--port", "70000"], 2, "--port"),
            ([*sqlite, "--tick-seconds", "0"], 2, "--tick-seconds"),
            (["--store", dsn, "--schema", "", "--check"], 2, "--schema: expected the name"),
            ([*sqlite, "--schema", "cases"], 2, "--schema: a SQLite store has no schemas"),
            ([*sqlite, "--port", port], 1, f"--port: cannot listen on 127.0.0.1:{port}: "),
            ([*sqlite, "--host", "no-such-host.invalid"], 1, "--host: cannot resolve"),
        ]:
            result = subprocess.run(
                [sys.executable, "-m", "govmodel.cli", "serve", "xinhe", *argv],
                capture_output=True,
                text=True,
                check=False,
                cwd=ROOT,
                timeout=60,
            )
            assert result.returncode == status, (argv, result.stdout, result.stderr)
            assert result.stdout.startswith("govmodel: error: "), result.stdout
            assert words in result.stdout
            assert "Traceback" not in result.stderr, result.stderr
            assert result.stderr == "", result.stderr
            assert "s3cret" not in result.stdout + result.stderr
            if "\n  entry" not in words:
                assert result.stdout.count("\n") == 1, result.stdout  # one line


def test_check_counts_keys(tmp_path: Path, keys: Path) -> None:
    """--check opens the store (making its tables) and counts the keys, in good English."""
    one = tmp_path / "one.toml"
    one.write_text('[keys]\n"k-1" = "pm:cxh"\n', encoding="utf-8")
    for path, counted in [(one, "(1 API key)"), (keys, "(3 API keys)")]:
        result = subprocess.run(
            [*SERVE, "--store", f"sqlite:///{tmp_path / 'c.db'}", "--keys", str(path), "--check"],
            capture_output=True,
            text=True,
            check=False,
            cwd=ROOT,
            timeout=60,
        )
        assert result.returncode == 0, result.stdout
        assert counted in result.stdout
    assert (tmp_path / "c.db").exists()


def test_reconnects_after_the_database_drops_it(keys: Path) -> None:
    """PostgreSQL: the server's backend terminated; one request may fail (503), then all work.

    PostgreSQL only: a SQLite store has no connection to lose.
    """
    postgres_dsn()  # skips without a server, fails so in CI
    import uuid

    import psycopg

    from tests._stores import new_spec

    with new_spec("postgres") as (kind, dsn, schema):
        name = f"govmodel-test-{uuid.uuid4().hex[:12]}"
        tagged = f"{dsn}{'&' if '?' in dsn else '?'}application_name={name}"
        with serving((kind, tagged, schema), keys) as client:
            made = client.post("/requests.json", data=FORM)
            assert made.status_code == 201, made.text
            case_id = made.json()[0]["service_request_id"]
            for _ in range(2):
                with psycopg.connect(dsn, autocommit=True) as other:
                    ended = other.execute(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        "WHERE application_name = %s",
                        (name,),
                    ).fetchall()
                assert ended == [(True,)]
                first = client.get(f"/requests/{case_id}.json")
                assert first.status_code in (200, 503), first.text
                if first.status_code == 503:
                    assert "try again later" in error(first, 503)
                again = client.get(f"/requests/{case_id}.json")
                assert again.status_code == 200, again.text
                assert again.json()[0]["service_request_id"] == case_id
                response = client.post("/requests.json", data=FORM)
                assert response.status_code == 201, response.text
            assert len(client.get("/requests.json").json()) == 3

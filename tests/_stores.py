"""Real stores for the tests: SQLite on a temporary file and PostgreSQL for real.

Every store test runs against both. PostgreSQL comes from the DSN in
``GOVMODEL_POSTGRES_DSN`` (``.ci/postgres`` installs and starts a server and
prints one); each store gets a schema of its own, dropped afterwards. Without
the variable the PostgreSQL half is skipped with a message, except in CI
(``CI`` set), where it fails: CI always runs it.

A store is named by a *spec*, a tuple of plain values, so that other
processes (``tests._store_workers``) can open the same store.
"""

from __future__ import annotations

import os
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from govmodel.store import PostgresStore, SQLiteStore

KINDS = ("sqlite", "postgres")
DSN_VARIABLE = "GOVMODEL_POSTGRES_DSN"

Spec = tuple[str, str, str]


def postgres_dsn(what: str = "the store's tests against PostgreSQL") -> str:
    """The DSN of the tests' PostgreSQL server; skips (fails in CI) without one."""
    dsn = os.environ.get(DSN_VARIABLE)
    if dsn:
        return dsn
    message = (
        f"{DSN_VARIABLE} is not set, so {what} did not run; "
        f'as root, `export {DSN_VARIABLE}="$(bash .ci/postgres)"` installs, starts and names one'
    )
    if os.environ.get("CI"):
        pytest.fail(message + " (CI must run them)")
    pytest.skip(message)


def open_store(spec: Spec, **options: Any) -> SQLiteStore | PostgresStore:
    """Open the store a spec names (another connection to the same store)."""
    kind, where, schema = spec
    if kind == "sqlite":
        return SQLiteStore(where, **options)
    return PostgresStore(where, schema=schema, **options)


def drop(spec: Spec) -> None:
    """Remove what a PostgreSQL spec made (a SQLite file goes with its folder)."""
    kind, dsn, schema = spec
    if kind != "postgres":
        return
    import psycopg
    from psycopg import sql

    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(schema)))


@contextmanager
def new_spec(kind: str) -> Iterator[Spec]:
    """A spec for an empty store of a kind, cleaned up afterwards."""
    if kind == "sqlite":
        with tempfile.TemporaryDirectory() as folder:
            yield ("sqlite", str(Path(folder) / "cases.db"), "")
        return
    spec = ("postgres", postgres_dsn(), f"test_{uuid.uuid4().hex[:16]}")
    try:
        yield spec
    finally:
        drop(spec)


@contextmanager
def new_store(kind: str, **options: Any) -> Iterator[SQLiteStore | PostgresStore]:
    """An empty store of a kind, closed and cleaned up afterwards."""
    with new_spec(kind) as spec:
        store = open_store(spec, **options)
        try:
            yield store
        finally:
            store.close()

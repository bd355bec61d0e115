"""``SQLiteStore``: a case store in one SQLite file, from Python's standard library.

The file is in WAL mode, so readers never wait for the writer and a reader
sees the store as the last committed append left it. Appends take the write
lock when they begin (``BEGIN IMMEDIATE``), so two processes appending to
the same file queue for it (for up to ``timeout`` seconds) and each checks
the case's version once it holds the lock. Commits are synchronous
(``synchronous = FULL``): an append that returned is on disk, and a process
killed during an append leaves the file as it was before it.

Examples
--------
>>> import datetime as dt, tempfile, pathlib
>>> from govmodel import Case, Reported, examples
>>> s = examples.load("xinhe")
>>> t = dt.datetime(2025, 5, 6, 9)
>>> case = Case(id="case:1", category="repair", place="building:wanda-1", reported_at=t)
>>> with tempfile.TemporaryDirectory() as folder:
...     path = pathlib.Path(folder) / "cases.db"
...     with SQLiteStore(path) as store:
...         store.append("case:1", [Reported(case=case, at=t)], expected_version=0, structure=s)
...     with SQLiteStore(path) as again:
...         again.version("case:1")
1
1
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from govmodel.errors import GovModelError, StoreArgumentError, StoreError
from govmodel.rules.policy import DEFAULT_POLICY, Policy
from govmodel.store._base import (
    _INDEXES,
    _OVERDUE_BY_STATUS,
    _check_timeout,
    _kind,
    _SQLStore,
)

__all__ = ["SQLiteStore"]

# The most memory a store's connection keeps pages in, in KiB.
_CACHE_KIB = 65_536

_TABLES = (
    "CREATE TABLE events ("
    " seq INTEGER PRIMARY KEY,"
    " case_id TEXT NOT NULL,"
    " version INTEGER NOT NULL,"
    " kind TEXT NOT NULL,"
    " at_key INTEGER NOT NULL,"
    " body TEXT NOT NULL,"
    " UNIQUE (case_id, version))",
    "CREATE TABLE cases ("
    " case_id TEXT PRIMARY KEY,"
    " version INTEGER NOT NULL,"
    " status TEXT NOT NULL,"
    " category TEXT NOT NULL,"
    " place TEXT NOT NULL,"
    " reported_key INTEGER NOT NULL,"
    " tier TEXT,"
    " handler TEXT,"
    " due_key INTEGER,"
    " open INTEGER NOT NULL,"
    " wake_key INTEGER,"
    " recurring INTEGER NOT NULL,"
    " updated_key INTEGER NOT NULL,"
    " state TEXT NOT NULL)",
    *_INDEXES,
)


class SQLiteStore(_SQLStore):
    """A case store in one SQLite file (or ``":memory:"``).

    Parameters
    ----------
    path
        The database file; made, with its tables, when it does not exist.
        ``":memory:"`` keeps the store in memory, for one connection.
    policy
        The policy the store reads its cases under; its time zone is kept in
        the file, and a file is refused under a policy of another zone.
    timeout
        How many seconds an append waits for another process's append to
        finish before it gives up with a ``StoreError``.

    Raises
    ------
    StoreError
        When the file cannot be opened, is not a store, or holds tables newer
        than this govmodel knows.

    Examples
    --------
    >>> store = SQLiteStore(":memory:")
    >>> store.schema_version, store.version("case:1")
    (2, 0)
    """

    _name = "SQLite"
    _migrations = (_TABLES, _OVERDUE_BY_STATUS)

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        policy: Policy = DEFAULT_POLICY,
        timeout: float = 30.0,
    ) -> None:
        if not isinstance(path, str | os.PathLike):
            raise StoreArgumentError(
                "path", f"expected the path of a SQLite file (a str or a Path), found {_kind(path)}"
            )
        self._path = os.fspath(path)
        if not isinstance(self._path, str):
            raise StoreArgumentError("path", "expected a path as text, found bytes")
        if self._path.startswith("sqlite:"):
            plain = self._path.removeprefix("sqlite:").removeprefix("///") or "cases.db"
            raise StoreArgumentError(
                "path",
                f"expected a plain file path, such as {plain!r}, found a sqlite: URL; "
                "URLs are what the command line's --store takes",
            )
        timeout = _check_timeout(timeout)
        try:
            # A store may be handed from thread to thread (a server runs its calls in
            # worker threads), one call at a time: its user keeps them apart.
            self._conn = sqlite3.connect(
                self._path, isolation_level=None, timeout=timeout, check_same_thread=False
            )
            self._conn.execute("PRAGMA journal_mode = WAL")
            self._conn.execute("PRAGMA synchronous = FULL")
            # 64 MiB of pages rather than SQLite's 2 MiB: at a million cases an append
            # updates a row and its indexes' entries for every case it touches, and the
            # pages met again stay in the connection instead of being read again.
            self._conn.execute(f"PRAGMA cache_size = -{_CACHE_KIB}")
        except sqlite3.Error as err:
            folder = os.path.dirname(os.path.abspath(self._path))
            if self._path != ":memory:" and not os.path.isdir(folder):
                raise StoreError(
                    f"cannot open the SQLite store {self._path}: its folder {folder} does not "
                    "exist (the store makes its file, not the folders above it)"
                ) from None
            raise StoreError(f"cannot open the SQLite store {self._path}: {err}") from err
        try:
            super().__init__(policy=policy)
        except BaseException:
            self._conn.close()
            raise

    def __repr__(self) -> str:
        return f"SQLiteStore({self._path!r})"

    @contextmanager
    def _transaction(self, begin: str) -> Iterator[Any]:
        if self._closed:
            raise StoreError(f"the SQLite store {self._path} is closed")
        cur = self._conn.cursor()
        cur.execute(begin)
        try:
            yield cur
        except BaseException:
            if self._conn.in_transaction:
                self._conn.rollback()
            raise
        else:
            self._conn.commit()
        finally:
            cur.close()

    def _write(self) -> Any:
        return self._transaction("BEGIN IMMEDIATE")

    def _read(self) -> Any:
        return self._transaction("BEGIN")

    def _in(self, column: str, values: Sequence[str]) -> tuple[str, Any]:
        return f"{column} IN (SELECT value FROM json_each(?))", json.dumps(list(values))

    def _count_recent(
        self, cur: Any, asks: list[tuple[str, str, str, int]], window: int
    ) -> dict[str, int]:
        counts = {}
        for case_id, place, category, end in asks:
            cur.execute(
                "SELECT count(*) FROM cases WHERE place = ? AND category = ? "
                "AND reported_key >= ? AND reported_key < ?",
                (place, category, end - window, end),
            )
            counts[case_id] = int(cur.fetchone()[0])
        return counts

    def _errors(self) -> tuple[type[Exception], ...]:
        return (sqlite3.Error,)

    def _is_conflict(self, err: Exception) -> bool:
        return isinstance(err, sqlite3.IntegrityError) and "UNIQUE" in str(err)

    def _fail(self, doing: str, err: Exception) -> GovModelError:
        if isinstance(err, sqlite3.OperationalError) and "locked" in str(err):
            return StoreError(
                f"the SQLite store {self._path} could not {doing}: another process held "
                "it locked for longer than the timeout"
            )
        return StoreError(f"the SQLite store {self._path} could not {doing}: {err}")

    _closed = False

    def _close(self) -> None:
        self._closed = True
        self._conn.close()

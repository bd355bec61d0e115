"""``PostgresStore``: a case store in a PostgreSQL database, through psycopg 3.

Needs the ``postgres`` extra (``pip install 'govmodel[postgres]'``); psycopg
is imported only when a ``PostgresStore`` is made, and its absence is a
``MissingExtraError`` saying what to install.

The store's tables live in one schema of the database (``govmodel`` unless
told), made with them on first use. Appends lock the rows of their cases
(``SELECT ... FOR UPDATE``) and check each case's version once they hold the
lock; two appends making the same new case meet on the events' unique key,
and the later one is a ``ConcurrencyError``. Every append is one
transaction, committed before it returns.

Examples
--------
Without a server, the class is still there to name; making one connects:

>>> PostgresStore.__name__
'PostgresStore'
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from govmodel.errors import GovModelError, MissingExtraError, StoreArgumentError, StoreError
from govmodel.rules.policy import DEFAULT_POLICY, Policy
from govmodel.store._base import (
    _INDEXES,
    _OVERDUE_BY_STATUS,
    _check_timeout,
    _kind,
    _SQLStore,
)

if TYPE_CHECKING:
    import psycopg

__all__ = ["PostgresStore"]

_TABLES = (
    "CREATE TABLE events ("
    " seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,"
    " case_id TEXT NOT NULL,"
    " version INTEGER NOT NULL,"
    " kind TEXT NOT NULL,"
    " at_key BIGINT NOT NULL,"
    " body TEXT NOT NULL,"
    " UNIQUE (case_id, version))",
    "CREATE TABLE cases ("
    " case_id TEXT PRIMARY KEY,"
    " version INTEGER NOT NULL,"
    " status TEXT NOT NULL,"
    " category TEXT NOT NULL,"
    " place TEXT NOT NULL,"
    " reported_key BIGINT NOT NULL,"
    " tier TEXT,"
    " handler TEXT,"
    " due_key BIGINT,"
    " open INTEGER NOT NULL,"
    " wake_key BIGINT,"
    " recurring INTEGER NOT NULL,"
    " updated_key BIGINT NOT NULL,"
    " state TEXT NOT NULL)",
    *_INDEXES,
)

# The SQL type of each column of the cases table, for the arrays of a batch's updates.
_TYPES = {
    "case_id": "text",
    "version": "integer",
    "status": "text",
    "tier": "text",
    "handler": "text",
    "due_key": "bigint",
    "open": "integer",
    "wake_key": "bigint",
    "recurring": "integer",
    "updated_key": "bigint",
    "state": "text",
}


def _psycopg() -> Any:
    try:
        import psycopg
    except ImportError:
        raise MissingExtraError("psycopg", "postgres", "govmodel.store.PostgresStore") from None
    return psycopg


class PostgresStore(_SQLStore):
    """A case store in a PostgreSQL database.

    Parameters
    ----------
    dsn
        Where the database is: a libpq connection string or URI
        (``"postgresql://user:password@host:5432/db"``).
    schema
        The schema of the database that holds the store's tables, made when
        missing: several stores can share one database.
    policy
        The policy the store reads its cases under; its time zone is kept in
        the store, and a store is refused under a policy of another zone.
    timeout
        How many seconds an append waits for another one's row locks before
        it gives up with a ``StoreError``.

    Raises
    ------
    MissingExtraError
        When psycopg is not installed.
    StoreError
        When the server cannot be reached or refuses, or holds tables newer
        than this govmodel knows. The message never quotes the DSN, which
        may hold a password.

    Examples
    --------
    >>> PostgresStore("postgresql://nobody@127.0.0.1:1/none")  # no server listens there
    Traceback (most recent call last):
    ...
    govmodel.errors.StoreError: cannot connect to the PostgreSQL store: ...
    """

    _name = "PostgreSQL"
    _migrations = (_TABLES, _OVERDUE_BY_STATUS)
    _lock_rows = " FOR UPDATE"

    def __init__(
        self,
        dsn: str,
        *,
        schema: str = "govmodel",
        policy: Policy = DEFAULT_POLICY,
        timeout: float = 30.0,
    ) -> None:
        if not isinstance(dsn, str | os.PathLike):
            raise StoreArgumentError(
                "dsn",
                "expected a libpq connection string or URI such as "
                f"'postgresql://user@host:5432/db' (a str), found {_kind(dsn)}",
            )
        if not isinstance(schema, str) or not schema:
            found = "an empty str" if isinstance(schema, str) else _kind(schema)
            raise StoreArgumentError("schema", f"expected the name of a schema, found {found}")
        self._timeout = _check_timeout(timeout)
        pg = _psycopg()
        self._pg = pg
        self._schema = schema
        self._dsn = os.fspath(dsn)
        self._closed = False
        self._conn: psycopg.Connection[Any] = self._connect()
        try:
            super().__init__(policy=policy)
        except pg.Error as err:
            self._conn.close()
            raise StoreError(f"cannot open the PostgreSQL store: {_said(err)}") from err
        except BaseException:
            self._conn.close()
            raise

    def _connect(self) -> psycopg.Connection[Any]:
        """A new connection, in the store's schema and with its lock timeout."""
        pg = self._pg
        try:
            given = pg.conninfo.conninfo_to_dict(self._dsn)
        except pg.Error:
            # libpq's words would quote the DSN, password and all.
            raise StoreError(
                "cannot connect to the PostgreSQL store: the DSN is neither a libpq "
                "connection string ('host=... dbname=...') nor a URI "
                "('postgresql://user:password@host:5432/db') that libpq can read (its text "
                "is not shown: it may hold a password)"
            ) from None
        try:
            conn: psycopg.Connection[Any] = pg.connect(
                self._dsn, autocommit=True, connect_timeout=10
            )
        except pg.Error as err:
            raise StoreError(
                f"cannot connect to the PostgreSQL store: {_said_of_dsn(err, given)}"
            ) from None
        try:
            name = pg.sql.Identifier(self._schema)
            conn.execute(pg.sql.SQL("SET search_path TO {}").format(name))
            # At least a millisecond: 0 would mean no limit at all.
            conn.execute(f"SET lock_timeout = {max(1, int(self._timeout * 1000))}")
        except pg.Error as err:
            conn.close()
            raise StoreError(f"cannot open the PostgreSQL store: {_said(err)}") from err
        return conn

    def __repr__(self) -> str:
        return f"PostgresStore(<dsn>, schema={self._schema!r})"

    def _connection(self) -> psycopg.Connection[Any]:
        if self._closed:
            raise StoreError("the PostgreSQL store is closed")
        if self._conn.closed:
            # The connection was lost since the last call (the server restarted, the
            # backend was terminated, the network dropped): this call starts afresh
            # on a new one. The call that met the loss failed, and is not retried:
            # a write may have committed without its answer arriving.
            self._conn = self._connect()
        return self._conn

    @contextmanager
    def _transaction(self) -> Iterator[Any]:
        conn = self._connection()
        with conn.transaction(), conn.cursor() as cur:
            yield cur

    def _write(self) -> Any:
        return self._transaction()

    def _read(self) -> Any:
        return self._transaction()

    def _read_one(self) -> Any:
        # One statement is atomic on its own: no BEGIN and COMMIT, two round trips fewer.
        return self._connection().cursor()

    def _sql(self, text: str) -> str:
        return text.replace("?", "%s")

    def _prepare(self, cur: Any) -> None:
        # Two stores opened at once on a new schema: one makes it, the other waits.
        cur.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", ("govmodel:" + self._schema,))
        sql = self._pg.sql
        cur.execute(sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(sql.Identifier(self._schema)))

    def _insert(
        self, cur: Any, table: str, columns: Sequence[str], rows: list[tuple[Any, ...]]
    ) -> None:
        # COPY: one stream of rows instead of a statement per row.
        sql = self._pg.sql
        statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
            sql.Identifier(table), sql.SQL(", ").join(map(sql.Identifier, columns))
        )
        with cur.copy(statement) as copy:
            for row in rows:
                copy.write_row(row)

    def _update(self, cur: Any, columns: Sequence[str], rows: list[tuple[Any, ...]]) -> None:
        # One statement whatever the rows: each column's values go as one array.
        arrays = [list(column) for column in zip(*rows, strict=True)]
        names = [*columns, "case_id"]
        cur.execute(
            f"UPDATE cases SET {', '.join(f'{c} = v.{c}' for c in columns)}"
            f" FROM unnest({', '.join(f'%b::{_TYPES[c]}[]' for c in names)})"
            f" AS v({', '.join(names)}) WHERE cases.case_id = v.case_id",
            arrays,
        )

    def _latest(
        self, cur: Any, asks: Sequence[tuple[str, str, int, int]], limit: int
    ) -> Iterable[tuple[str, str, str, int]]:
        # One statement for every ask: a lateral join reads each one's range of
        # the place index.
        places, categories, starts, ends = (list(column) for column in zip(*asks, strict=True))
        cur.execute(
            "SELECT c.case_id, a.place, a.category, c.reported_key"
            " FROM unnest(%b::text[], %b::text[], %b::bigint[], %b::bigint[])"
            " AS a(place, category, start_key, end_key),"
            " LATERAL (SELECT case_id, reported_key FROM cases"
            " WHERE place = a.place AND category = a.category"
            " AND reported_key >= a.start_key AND reported_key < a.end_key"
            " ORDER BY reported_key DESC, case_id DESC LIMIT %s) AS c",
            (places, categories, starts, ends, limit),
        )
        rows: list[tuple[str, str, str, int]] = cur.fetchall()
        return rows

    def _in(self, column: str, values: Sequence[str]) -> tuple[str, Any]:
        return f"{column} = ANY(%b::text[])", list(values)

    def _count_recent(
        self, cur: Any, asks: list[tuple[str, str, str, int]], window: int
    ) -> dict[str, int]:
        ids, places, categories, ends = (list(column) for column in zip(*asks, strict=True))
        cur.execute(
            "SELECT a.case_id, (SELECT count(*) FROM cases c WHERE c.place = a.place"
            " AND c.category = a.category AND c.reported_key >= a.k - %s"
            " AND c.reported_key < a.k)"
            " FROM unnest(%b::text[], %b::text[], %b::text[], %b::bigint[])"
            " AS a(case_id, place, category, k)",
            (window, ids, places, categories, ends),
        )
        return {case_id: int(n) for case_id, n in cur.fetchall()}

    def _errors(self) -> tuple[type[Exception], ...]:
        return (self._pg.Error,)

    def _is_conflict(self, err: Exception) -> bool:
        errors = self._pg.errors
        return isinstance(err, errors.UniqueViolation | errors.SerializationFailure)

    def _fail(self, doing: str, err: Exception) -> GovModelError:
        if isinstance(err, self._pg.errors.LockNotAvailable):
            return StoreError(
                f"the PostgreSQL store could not {doing}: another append held its cases "
                "locked for longer than the timeout"
            )
        if self._conn.closed:
            return StoreError(
                f"the PostgreSQL store could not {doing}: the connection to the server was "
                f"lost ({_said(err)}); the next call connects again"
            )
        return StoreError(f"the PostgreSQL store could not {doing}: {_said(err)}")

    def _close(self) -> None:
        self._closed = True
        self._conn.close()


# The parts of a DSN a connection's error may quote: where the server is, and who asks.
_SHOWN = frozenset({"host", "hostaddr", "port", "dbname", "user"})


def _said_of_dsn(err: Exception, given: dict[str, Any]) -> str:
    """``_said(err)``, unless it quotes a part of the DSN that may be a secret.

    Examples
    --------
    >>> class Refused(Exception):
    ...     pass
    >>> _said_of_dsn(Refused('invalid sslmode value: "pw-123"'), {"sslmode": "pw-123"})
    "the DSN's options were refused (libpq's words are not shown: they quote the DSN)"
    >>> _said_of_dsn(Refused('database "none" does not exist'), {"dbname": "none"})
    'database "none" does not exist'
    """
    text = _said(err)
    hidden = [str(v) for k, v in given.items() if k not in _SHOWN and v is not None and str(v)]
    if any(value in text for value in hidden):
        return "the DSN's options were refused (libpq's words are not shown: they quote the DSN)"
    return text


def _said(err: Exception) -> str:
    """The server's or driver's own words, first line only (its details may quote values)."""
    diag = getattr(err, "diag", None)
    primary = getattr(diag, "message_primary", None)
    text = primary or str(err) or type(err).__name__
    return text.strip().splitlines()[0]

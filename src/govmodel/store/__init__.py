"""Case stores: the event log of many cases in a database, with queries.

A store keeps every lifecycle event of its cases, one row per event, and
never changes or deletes one. Each case has a *version*, the number of
events it holds; ``append`` adds a case's next events in one transaction,
only if the case is still at the version the caller read
(``ConcurrencyError`` otherwise), and only if they follow the case's earlier
events and name places and actors of the structure (``RejectedEventsError``).
The same transaction keeps each case's current state, from which the
queries read: cases by status, category, place (and every place inside it),
handler, tier, report time and overdue at a moment, a page at a time.

``SQLiteStore`` keeps a store in one SQLite file, ``PostgresStore`` in a
PostgreSQL database (the ``postgres`` extra). ``tick`` appends the
escalations due at a moment, once.

Personal data are stored as given and read only through the access rules:
every read that returns a case names its ``reader`` and the moment ``at``.

Examples
--------
>>> import datetime as dt
>>> from govmodel import Case, Reported, Routed, examples, route
>>> s = examples.load("xinhe")
>>> t = dt.datetime(2025, 5, 6, 9)
>>> case = Case(id="case:1", category="repair", place="building:wanda-1", reported_at=t,
...             scope="building", reporter="Ms Li")
>>> store = SQLiteStore(":memory:")
>>> store.append("case:1", [Reported(case=case, at=t),
...                         Routed(case_id="case:1", at=t, routing=route(s, case))],
...              expected_version=0, structure=s)
2
>>> later = t + dt.timedelta(days=5)
>>> tick(store, s, later)
('case:1',)
>>> tick(store, s, later)
()
>>> store.state("case:1", reader="pm:cxh", structure=s, at=later).routing.tier
<Tier.COMMUNITY: 'community'>
"""

from govmodel.errors import (
    ConcurrencyError,
    RejectedEventsError,
    StoreArgumentError,
    StoreError,
)
from govmodel.store._base import SCHEMA_VERSION, Append, Page, Reader, Store
from govmodel.store._postgres import PostgresStore
from govmodel.store._sqlite import SQLiteStore
from govmodel.store._tick import tick

__all__ = [
    "SCHEMA_VERSION",
    "Append",
    "ConcurrencyError",
    "Page",
    "PostgresStore",
    "Reader",
    "RejectedEventsError",
    "SQLiteStore",
    "Store",
    "StoreArgumentError",
    "StoreError",
    "tick",
]

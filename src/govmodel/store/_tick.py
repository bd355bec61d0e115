"""``tick``: append the escalations due at a moment, each once."""

from __future__ import annotations

import datetime as dt

from govmodel.cases import Case, CaseState, Routed, Routing
from govmodel.errors import ConcurrencyError, StoreArgumentError
from govmodel.rules.escalation import escalate
from govmodel.rules.policy import Policy
from govmodel.store._base import (
    Store,
    _check_moment,
    _check_structure,
    _kind,
    _SQLStore,
)
from govmodel.structure import Structure

__all__ = ["tick"]


def _like(now: dt.datetime, reference: dt.datetime, policy: Policy) -> dt.datetime:
    """``now`` as the same kind of time as ``reference``: naive, or with an offset.

    A case's events are all of one kind (``advance`` refuses a mix), so the
    escalation is written as the case's times are.
    """
    if (now.tzinfo is None) is (reference.tzinfo is None):
        return now
    if now.tzinfo is None:
        return policy.aware(now).astimezone(reference.tzinfo)
    return now.astimezone(policy.time_zone).replace(tzinfo=None)


def _progress(old: Routing | None, new: Routing) -> bool:
    """Whether a new routing changes anything: a tier, a domain or an actor."""
    return old is None or (
        new.tier is not old.tier or set(new.domains) != set(old.domains) or new.actors != old.actors
    )


def tick(
    store: Store, structure: Structure, now: dt.datetime, *, batch: int = 500
) -> tuple[str, ...]:
    """Append the escalations due at ``now``: one ``Routed`` per case that needs one.

    For every case ``govmodel.escalate`` would move on at ``now`` — overdue
    at its tier, reopened, lacking a domain it was found to need, or
    recurring at its place while on its first routing — ``tick`` appends a
    ``Routed`` event at ``now`` with the new routing, under the store's
    policy.

    Idempotent: a second tick at the same ``now`` finds nothing due, since
    each new routing's due time counts from ``now``. Safe when several
    workers tick at once: each escalation is appended against the version the
    worker read, so when two race for a case one appends and the other meets
    a ``ConcurrencyError`` and leaves the case. A case that another append
    changed meanwhile is left to the next tick.

    Parameters
    ----------
    store
        The store of the cases.
    structure
        The structure they live in: escalation routes in it.
    now
        The moment of the tick; naive times are local times of the store's
        policy. Cases whose last event is later are left alone.
    batch
        How many cases are read at a time.

    Returns
    -------
    tuple of str
        The ids of the cases escalated, in the order they were. Ids only:
        reading the cases needs a reader.

    Examples
    --------
    >>> import datetime as dt
    >>> from govmodel import Case, Reported, Routed, examples, route
    >>> from govmodel.store import SQLiteStore
    >>> s = examples.load("xinhe")
    >>> t = dt.datetime(2025, 5, 6, 9)
    >>> case = Case(id="case:1", category="noise", place="building:wanda-1", reported_at=t,
    ...             scope="building")
    >>> store = SQLiteStore(":memory:")
    >>> store.append("case:1", [Reported(case=case, at=t),
    ...                         Routed(case_id="case:1", at=t, routing=route(s, case))],
    ...              expected_version=0, structure=s)
    2
    >>> tick(store, s, t + dt.timedelta(hours=1))   # not yet due
    ()
    >>> tick(store, s, t + dt.timedelta(days=3)), tick(store, s, t + dt.timedelta(days=3))
    (('case:1',), ())
    >>> store.version("case:1")
    3
    """
    # Checked in the order of the parameters, so that arguments given in the
    # wrong order are named at the first one out of place.
    if not isinstance(store, _SQLStore | Store):
        raise StoreArgumentError(
            "store",
            f"expected a case store (SQLiteStore, PostgresStore), found {_kind(store)}; "
            "tick takes (store, structure, now)",
        )
    _check_structure(structure)
    _check_moment("now", now)
    if isinstance(batch, bool) or not isinstance(batch, int) or batch < 1:
        raise StoreArgumentError("batch", f"expected an int of 1 or more, found {batch!r}")
    policy = store.policy
    escalated: list[str] = []
    after: str | None = None
    while True:
        found, after = store._due_for_tick(now, after=after, limit=batch)
        for version, state, recurring in found:
            if _escalate_one(store, structure, now, version, state, recurring, policy):
                escalated.append(state.case.id)
        if after is None:
            return tuple(escalated)


def _escalate_one(
    store: Store,
    structure: Structure,
    now: dt.datetime,
    version: int,
    state: CaseState,
    recurring: bool,
    policy: Policy,
) -> bool:
    at = _like(now, state.updated_at, policy)
    if at < state.updated_at:
        return False
    event = _escalation(store, structure, state, at, recurring, policy)
    if event is None:
        return False
    try:
        store.append(state.case.id, [event], expected_version=version, structure=structure)
    except ConcurrencyError:
        return False
    return True


def _escalation(
    store: Store,
    structure: Structure,
    state: CaseState,
    at: dt.datetime,
    recurring: bool,
    policy: Policy,
) -> Routed | None:
    """The ``Routed`` that ``escalate`` appends to a case at ``at``, if it changes anything.

    ``recurring``: whether the case may recur at its place; the store's
    earlier cases of its place and category are then read for ``escalate``'s
    recurrence rule, while the case is on its first routing. ``tick`` knows it
    from the case's row; the server asks it of every new report, so that a
    report escalated for recurrence is answered with its escalated routing.
    """
    recent: tuple[Case, ...] = ()
    if recurring and len(state.routings) == 1:
        recent = tuple(store._recent(state))
    routing = escalate(structure, state, now=at, policy=policy, recent=recent)
    if routing is None or not _progress(state.routing, routing):
        return None
    return Routed(case_id=state.case.id, at=at, routing=routing)

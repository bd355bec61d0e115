"""The simulator's books: what ``metrics`` counts of each case, kept as a run goes.

A run must not build an event object per event to be measured, so the
simulator books each lifecycle event as it records it: when the case was
accepted and resolved, whether a return visit followed its last
resolution, the routing in force at that resolution, its status, and how
many resolutions, visits and reopenings it had. At the end of the run
``Books.metrics`` hands each case to ``case_facts`` and adds the facts up
with ``count``, the very functions ``metrics`` uses, so the simulator has
no definitions of its own.

Times are whole microseconds from the start of the run. The status follows
``advance``: the books are a fast path beside the fold, and
``TestTheBooks`` pins them to ``metrics`` over simulated logs and over the
logs of ``govmodel.strategies.event_logs``.

Examples
--------
>>> from govmodel.model import Status, Tier
>>> books = Books([0])
>>> books.routed(0, Tier.MICRO_GRID, 10)
>>> books.accepted(0, 2)
>>> books.resolved(0, 5)
>>> books.revisited(0, 6, satisfied=True)
>>> books.closed(0)
>>> m = books.metrics(now=20, response_limit=4)
>>> m.response_rate, m.on_time_rate, m.resolution_rate, m.closed
(1.0, 1.0, 1.0, 1)
"""

from __future__ import annotations

from collections.abc import Callable

from govmodel._metrics import CaseFacts, Metrics, case_facts, count
from govmodel.model import Status, Tier

__all__ = ["Books"]

_REPORTED, _ACCEPTED, _IN_PROGRESS = Status.REPORTED, Status.ACCEPTED, Status.IN_PROGRESS
_RESOLVED, _REOPENED, _CLOSED = Status.RESOLVED, Status.REOPENED, Status.CLOSED


class Books:
    """One entry per case in each list, booked event by event, in the order of the case's events.

    Parameters
    ----------
    reported_us
        When each case was reported.

    Examples
    --------
    >>> books = Books([0, 3])
    >>> books.accepted(1, 30)
    >>> books.status[1].value, books.metrics(now=40, response_limit=24).accepted_in_time
    ('accepted', 0)
    """

    __slots__ = (
        "accepted_us",
        "due_us",
        "findings",
        "reopenings",
        "reported_us",
        "resolutions",
        "resolved_due_us",
        "resolved_tier",
        "resolved_us",
        "revisits",
        "satisfied",
        "status",
        "tier",
        "visited",
    )

    def __init__(self, reported_us: list[int]) -> None:
        n = len(reported_us)
        self.reported_us = reported_us
        self.status: list[Status] = [_REPORTED] * n
        self.accepted_us: list[int | None] = [None] * n
        # The routing in force: its tier and due.
        self.tier: list[Tier | None] = [None] * n
        self.due_us: list[int | None] = [None] * n
        # The last resolution, and the routing in force at it.
        self.resolved_us: list[int | None] = [None] * n
        self.resolved_tier: list[Tier | None] = [None] * n
        self.resolved_due_us: list[int | None] = [None] * n
        # Whether a return visit followed the last resolution, in the order booked.
        self.visited = [False] * n
        self.resolutions = [0] * n
        self.revisits = [0] * n
        self.satisfied = [0] * n
        self.findings = [0] * n
        self.reopenings = [0] * n

    def add(self) -> None:
        """Book one more case, reported at the last time of ``reported_us``.

        The caller appends the report time to ``reported_us`` (the list is
        shared with the simulator's arrivals).

        Examples
        --------
        >>> reported = [0]
        >>> books = Books(reported)
        >>> reported.append(5)
        >>> books.add()
        >>> len(books.status)
        2
        """
        self.status.append(_REPORTED)
        for nothing in (
            self.accepted_us,
            self.tier,
            self.due_us,
            self.resolved_us,
            self.resolved_tier,
            self.resolved_due_us,
        ):
            nothing.append(None)
        self.visited.append(False)
        for zero in (self.resolutions, self.revisits, self.satisfied, self.findings):
            zero.append(0)
        self.reopenings.append(0)

    def routed(self, i: int, tier: Tier, due_us: int) -> None:
        """Case ``i`` gets a routing: a first one, an escalation, or one after a reopening."""
        self.tier[i] = tier
        self.due_us[i] = due_us
        self.status[i] = _REPORTED if self.accepted_us[i] is None else _IN_PROGRESS

    def accepted(self, i: int, t: int) -> None:
        """Case ``i`` is taken up."""
        self.accepted_us[i] = t
        self.status[i] = _ACCEPTED if self.tier[i] is None else _IN_PROGRESS

    def resolved(self, i: int, t: int) -> None:
        """Case ``i`` is resolved under the routing in force, if any."""
        self.status[i] = _RESOLVED
        self.resolved_us[i] = t
        self.resolved_tier[i] = self.tier[i]
        self.resolved_due_us[i] = self.due_us[i]
        self.visited[i] = False
        self.resolutions[i] += 1

    def revisited(self, i: int, t: int, *, satisfied: bool, found: bool = False) -> None:
        """Case ``i`` has a return visit; ``found``: it uncovered a latent problem."""
        self.visited[i] = True
        self.revisits[i] += 1
        self.satisfied[i] += satisfied
        self.findings[i] += found

    def reopened(self, i: int) -> None:
        """Case ``i`` is reopened."""
        self.status[i] = _REOPENED
        self.reopenings[i] += 1

    def closed(self, i: int) -> None:
        """Case ``i`` is closed."""
        self.status[i] = _CLOSED

    def facts(self, *, now: int, response_limit: int | Callable[[int], int]) -> list[CaseFacts]:
        """Each case's ``case_facts`` at ``now``, every booked event being at or before it.

        ``response_limit`` is added to each report time, or, when the policy's
        limit counts working time, maps a report time to its deadline.

        Examples
        --------
        >>> Books([0]).facts(now=1, response_limit=24)[0].awaiting_response
        True
        """
        facts = case_facts
        deadline_of = response_limit if callable(response_limit) else None
        step = 0 if callable(response_limit) else response_limit
        return [
            facts(
                deadline=reported + step if deadline_of is None else deadline_of(reported),
                now=now,
                accepted_at=accepted,
                status=status,
                resolved_at=resolved,
                resolved_tier=tier,
                resolved_due=due,
                visited=visited,
                resolutions=resolutions,
                revisits=revisits,
                satisfied=satisfied,
                findings=findings,
                reopenings=reopenings,
            )
            for (
                reported,
                accepted,
                status,
                resolved,
                tier,
                due,
                visited,
                resolutions,
                revisits,
                satisfied,
                findings,
                reopenings,
            ) in zip(
                self.reported_us,
                self.accepted_us,
                self.status,
                self.resolved_us,
                self.resolved_tier,
                self.resolved_due_us,
                self.visited,
                self.resolutions,
                self.revisits,
                self.satisfied,
                self.findings,
                self.reopenings,
                strict=True,
            )
        ]

    def metrics(self, *, now: int, response_limit: int | Callable[[int], int]) -> Metrics:
        """What ``govmodel.metrics`` gives of the booked events at ``now``.

        Examples
        --------
        >>> Books([0, 1]).metrics(now=2, response_limit=24).awaiting_response
        2
        """
        return count(self.facts(now=now, response_limit=response_limit))

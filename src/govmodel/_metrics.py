"""Measures over an event log: how well a community answers its residents.

``metrics(events, now=..., policy=...)`` reads a log of lifecycle events
(``govmodel.cases``) as it stood at the observation time ``now`` and returns a
frozen ``Metrics``: the raw counts, so that runs can be pooled (``m1 + m2``),
and the rates the source articles report, computed from those counts.

Reading the log
    Events later than ``now`` are ignored (an event *at* ``now`` counts). The
    remaining events are grouped by case (``iter_case_events``) and each case's
    events are folded with ``advance`` under ``policy.require_revisit``; an
    impossible order raises ``InvalidTransition``. Cases may be interleaved in
    any order; within a case the log must be in order. A case counts from its
    ``Reported`` event, and its report time is that event's ``at``. Given a
    ``structure``, the events read are first checked against it with
    ``govmodel.check_log``, and the first problem raises ``EventLogError``.

The definitions (every rate is ``None`` when its denominator is 0)
    ``response_rate`` = ``accepted_in_time / (reported - awaiting_response)``.
    A case is answered in time when its ``Accepted`` event comes at most
    ``policy.response_limit`` after its report, counted by ``Policy.deadline``
    (on the working calendar when the limit is in working time) — exactly at
    the limit still counts. A case not yet accepted whose limit has not run out
    at ``now`` (``now < deadline``) is *awaiting a response*: neither answered nor
    failed, it is left out of the denominator. Accepted late, or not accepted
    when the limit has run out, is a failure.

    ``resolution_rate`` = ``settled / reported``: the cases whose status at
    ``now`` is resolved or closed (resolved and not reopened since).

    ``satisfaction_rate`` = ``satisfied / revisits``, counting every return
    visit (a case may be visited more than once).

    ``on_time_rate`` = ``on_time / (resolved - unrouted)``. A *resolved* case
    is one resolved at least once by ``now``; every per-case measure below
    looks at its **last** resolution, the one that settled it or was last
    undone. It is on time when made no later than the ``due`` of the routing in
    force at that moment (exactly at the due counts). A resolution made with no
    routing in force has no due: the case counts as ``unrouted`` and is left
    out of the on-time and containment measures.

    ``revisit_coverage`` = ``revisited / resolved``: resolved cases with a
    return visit after their last resolution in the log (一案一回访). A visit
    at the same moment as the resolution counts when it follows it in the
    log: one before it was a visit to an earlier resolution.

    ``reopen_rate`` = ``reopened / resolved``: resolved cases reopened at least
    once. ``resolutions`` and ``reopenings`` keep the event counts as well.

    ``containment`` = ``contained[tier] / (resolved - unrouted)`` for each of the
    five tiers (zero where none): the tier of the routing in force at the last
    resolution — "小事不出楼栋、大事不出社区" reads as the share at
    ``micro_grid``, ``compound`` and ``community``. ``None`` when no case was
    resolved under a routing; otherwise the shares sum to 1.

The articles' figures
    Xinhe (新河社区) reports 180 requests with 100 % response and at least 98 %
    resolution: ``reported == 180``, ``response_rate == 1.0`` and
    ``resolution_rate >= 0.98`` (at least 177 settled). Its 230 return visits
    found 15 latent disputes: ``revisits == 230`` and ``findings == 15`` (visits
    whose ``found`` is not empty). There are more visits than requests, which
    is why satisfaction and findings count visits while revisit coverage counts
    cases.

Examples
--------
A Xinhe-like log: 180 requests answered within the hour, 177 settled by the
micro-grid and closed after a return visit, 53 of them visited twice, 15
visits finding a latent dispute; 3 cases are still being handled.

>>> import datetime as dt
>>> from govmodel.cases import (Accepted, Case, Closed, Reported, Resolved, Revisited,
...                             Routed, Routing)
>>> from govmodel.model import Category, Domain, Procedure, Tier
>>> t, hour = dt.datetime(2025, 5, 6, 9), dt.timedelta(hours=1)
>>> log = []
>>> for i in range(180):
...     case = Case(id=f"case:{i}", category=Category.REPAIR, place="building:1",
...                 reported_at=t)
...     routing = Routing(tier=Tier.MICRO_GRID, procedure=Procedure.ON_THE_SPOT,
...                       handler="post:a", owner="post:a", due=t + 24 * hour)
...     log += [Reported(case=case, at=t), Routed(case_id=case.id, at=t, routing=routing),
...             Accepted(case_id=case.id, at=t + hour, actor="post:a")]
...     if i < 177:
...         found = (Domain.NEIGHBOUR_DISPUTE,) if i < 15 else ()
...         log += [Resolved(case_id=case.id, at=t + 5 * hour, actor="post:a")]
...         log += [Revisited(case_id=case.id, at=t + 6 * hour, actor="post:a",
...                           satisfied=True, found=found)]
...         if i >= 177 - 53:
...             log += [Revisited(case_id=case.id, at=t + 6 * hour, actor="post:a",
...                               satisfied=True)]
...         log += [Closed(case_id=case.id, at=t + 7 * hour, actor="post:a")]
>>> m = metrics(log, now=t + 48 * hour)
>>> m.reported, m.response_rate, round(m.resolution_rate, 3), m.revisits, m.findings
(180, 1.0, 0.983, 230, 15)
>>> m.containment[Tier.MICRO_GRID]
1.0
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Mapping
from operator import itemgetter
from typing import NamedTuple, TypeVar, get_args

import attrs

from govmodel._frozenmap import FrozenMap
from govmodel._text import percent
from govmodel.cases import (
    CaseEvent,
    CaseState,
    Reopened,
    Reported,
    Resolved,
    Revisited,
    Routing,
    advance,
    iter_case_events,
)
from govmodel.errors import EventLogError
from govmodel.model import Status, Tier
from govmodel.rules.checking import check_log
from govmodel.rules.policy import DEFAULT_POLICY, Policy
from govmodel.structure import Structure

__all__ = ["Metrics", "metrics"]

_EVENT_TYPES: tuple[type, ...] = get_args(CaseEvent)
_COUNT = attrs.validators.and_(attrs.validators.instance_of(int), attrs.validators.ge(0))


def _tier_counts(value: Mapping[Tier, int] | None) -> FrozenMap[Tier, int]:
    """Every tier, lowest first, with zero where the mapping has none."""
    value = {} if value is None else value
    unknown = [key for key in value if not isinstance(key, Tier)]
    if unknown:
        raise ValueError(f"contained: expected Tier keys, found {unknown[0]!r}")
    return FrozenMap({tier: value.get(tier, 0) for tier in sorted(Tier)})


def _validate_tier_counts(
    _: object, attribute: attrs.Attribute[FrozenMap[Tier, int]], value: FrozenMap[Tier, int]
) -> None:
    for tier, count in value.items():
        if not isinstance(count, int) or count < 0:
            raise ValueError(
                f"{attribute.name}[{tier.value}]: expected a count >= 0, found {count!r}"
            )


def _rate(numerator: int, denominator: int) -> float | None:
    return None if denominator == 0 else numerator / denominator


@attrs.frozen(kw_only=True)
class Metrics:
    """The counts of an event log at one moment, and the rates made of them.

    Every count defaults to 0, so ``Metrics()`` is the measure of an empty log.
    The rates are properties computed from the counts (see the module
    docstring for the exact definitions); each is ``None`` when its
    denominator is 0. Adding two ``Metrics`` pools their counts, which is how
    runs of a sweep are aggregated (their cases must be distinct).

    Parameters
    ----------
    reported
        Cases reported by ``now``.
    accepted
        Cases accepted by ``now``, in time or not.
    accepted_in_time
        Cases accepted at most ``policy.response_limit`` after their report.
    awaiting_response
        Cases not yet accepted whose response limit has not run out at ``now``.
    settled
        Cases whose status at ``now`` is resolved or closed.
    closed
        Cases closed (办结) by ``now``.
    resolved
        Cases resolved at least once by ``now``.
    resolutions
        ``Resolved`` events (a reopened case may be resolved again).
    on_time
        Resolved cases whose last resolution met the due of the routing in force.
    unrouted
        Resolved cases with no routing in force at their last resolution.
    contained
        Resolved cases per tier of the routing in force at their last
        resolution; every tier is present, lowest first.
    revisited
        Resolved cases with a return visit after their last resolution in the log.
    revisits
        Return visits (``Revisited`` events).
    satisfied
        Return visits that found the resident satisfied.
    findings
        Return visits that uncovered a latent problem (non-empty ``found``).
    reopened
        Cases reopened at least once.
    reopenings
        ``Reopened`` events.

    Raises
    ------
    ValueError
        For a negative count, or counts no event log can produce (more
        satisfied visits than visits, contained and unrouted cases that do not
        add up to the resolved ones, ...).

    Examples
    --------
    >>> from govmodel.model import Tier
    >>> m = Metrics(reported=4, accepted=4, accepted_in_time=3, settled=2, resolved=2,
    ...             resolutions=2, on_time=2, contained={Tier.COMPOUND: 2}, revisited=1,
    ...             revisits=1, satisfied=1)
    >>> m.response_rate, m.resolution_rate, m.reopen_rate, m.containment[Tier.COMPOUND]
    (0.75, 0.5, 0.0, 1.0)
    >>> Metrics().response_rate is None
    True
    >>> (m + m).reported
    8
    """

    reported: int = attrs.field(default=0, validator=_COUNT)
    accepted: int = attrs.field(default=0, validator=_COUNT)
    accepted_in_time: int = attrs.field(default=0, validator=_COUNT)
    awaiting_response: int = attrs.field(default=0, validator=_COUNT)
    settled: int = attrs.field(default=0, validator=_COUNT)
    closed: int = attrs.field(default=0, validator=_COUNT)
    resolved: int = attrs.field(default=0, validator=_COUNT)
    resolutions: int = attrs.field(default=0, validator=_COUNT)
    on_time: int = attrs.field(default=0, validator=_COUNT)
    unrouted: int = attrs.field(default=0, validator=_COUNT)
    contained: FrozenMap[Tier, int] = attrs.field(
        default=None, converter=_tier_counts, validator=_validate_tier_counts
    )
    revisited: int = attrs.field(default=0, validator=_COUNT)
    revisits: int = attrs.field(default=0, validator=_COUNT)
    satisfied: int = attrs.field(default=0, validator=_COUNT)
    findings: int = attrs.field(default=0, validator=_COUNT)
    reopened: int = attrs.field(default=0, validator=_COUNT)
    reopenings: int = attrs.field(default=0, validator=_COUNT)

    def __attrs_post_init__(self) -> None:
        # The bounds that keep every rate in [0, 1]; an event log always meets them.
        bounds = (
            ("accepted", self.accepted, "reported", self.reported),
            ("accepted_in_time", self.accepted_in_time, "accepted", self.accepted),
            (
                "accepted + awaiting_response",
                self.accepted + self.awaiting_response,
                "reported",
                self.reported,
            ),
            ("resolved", self.resolved, "accepted", self.accepted),
            ("settled", self.settled, "resolved", self.resolved),
            ("closed", self.closed, "settled", self.settled),
            ("resolved", self.resolved, "resolutions", self.resolutions),
            ("reopenings", self.reopenings, "resolutions", self.resolutions),
            ("reopened", self.reopened, "resolved", self.resolved),
            ("reopened", self.reopened, "reopenings", self.reopenings),
            ("revisited", self.revisited, "resolved", self.resolved),
            ("revisited", self.revisited, "revisits", self.revisits),
            ("satisfied", self.satisfied, "revisits", self.revisits),
            ("findings", self.findings, "revisits", self.revisits),
            ("on_time", self.on_time, "resolved - unrouted", self.resolved - self.unrouted),
        )
        for name, value, bound_name, bound in bounds:
            if value > bound:
                raise ValueError(f"{name}: expected at most {bound_name} ({bound}), found {value}")
        routed = sum(self.contained.values())
        if routed + self.unrouted != self.resolved:
            raise ValueError(
                f"contained + unrouted: expected resolved ({self.resolved}), "
                f"found {routed} + {self.unrouted}"
            )

    def __add__(self, other: Metrics) -> Metrics:
        """Pool the counts of two logs of distinct cases."""
        if not isinstance(other, Metrics):
            return NotImplemented
        counts = {
            field.name: getattr(self, field.name) + getattr(other, field.name)
            for field in attrs.fields(Metrics)
            if field.name != "contained"
        }
        contained = {tier: self.contained[tier] + other.contained[tier] for tier in Tier}
        return Metrics(contained=contained, **counts)

    @property
    def response_rate(self) -> float | None:
        """Cases answered in time / cases whose response is decided at ``now``.

        Examples
        --------
        >>> Metrics(reported=3, accepted=1, accepted_in_time=1, awaiting_response=1).response_rate
        0.5
        """
        return _rate(self.accepted_in_time, self.reported - self.awaiting_response)

    @property
    def resolution_rate(self) -> float | None:
        """Cases resolved or closed at ``now`` (not reopened) / cases reported.

        Examples
        --------
        >>> from govmodel.model import Tier
        >>> Metrics(reported=4, accepted=1, resolved=1, resolutions=1, settled=1,
        ...         contained={Tier.STREET: 1}).resolution_rate
        0.25
        """
        return _rate(self.settled, self.reported)

    @property
    def satisfaction_rate(self) -> float | None:
        """Satisfied return visits / return visits.

        Examples
        --------
        >>> Metrics(revisits=4, satisfied=3).satisfaction_rate
        0.75
        """
        return _rate(self.satisfied, self.revisits)

    @property
    def on_time_rate(self) -> float | None:
        """Resolved cases last resolved by their due / resolved cases under a routing.

        Examples
        --------
        >>> from govmodel.model import Tier
        >>> Metrics(reported=2, accepted=2, resolved=2, resolutions=2, on_time=1,
        ...         contained={Tier.COMMUNITY: 2}).on_time_rate
        0.5
        """
        return _rate(self.on_time, self.resolved - self.unrouted)

    @property
    def revisit_coverage(self) -> float | None:
        """Resolved cases visited since their last resolution / resolved cases.

        Examples
        --------
        >>> Metrics(reported=2, accepted=2, resolved=2, resolutions=2, unrouted=2,
        ...         revisited=1, revisits=1).revisit_coverage
        0.5
        """
        return _rate(self.revisited, self.resolved)

    @property
    def reopen_rate(self) -> float | None:
        """Cases reopened at least once / cases resolved at least once.

        Examples
        --------
        >>> Metrics(reported=2, accepted=2, resolved=2, resolutions=3, unrouted=2,
        ...         reopened=1, reopenings=1).reopen_rate
        0.5
        """
        return _rate(self.reopened, self.resolved)

    @property
    def containment(self) -> Mapping[Tier, float] | None:
        """Share of the cases resolved under a routing, per tier of their last routing.

        Every tier is present, lowest first; ``None`` when no case was resolved
        under a routing.

        Examples
        --------
        >>> from govmodel.model import Tier
        >>> m = Metrics(reported=4, accepted=4, resolved=4, resolutions=4,
        ...             contained={Tier.MICRO_GRID: 3, Tier.STREET: 1})
        >>> {tier.value: share for tier, share in m.containment.items()}
        {'micro_grid': 0.75, 'compound': 0.0, 'community': 0.0, 'whistle': 0.0, 'street': 0.25}
        >>> Metrics().containment is None
        True
        """
        routed = self.resolved - self.unrouted
        if routed == 0:
            return None
        return FrozenMap({tier: count / routed for tier, count in self.contained.items()})

    def table(self) -> str:
        """A plain-text table of the rates, as percentages to one decimal, and their counts.

        A rate whose denominator is 0 shows as ``n/a``.

        Examples
        --------
        >>> from govmodel.model import Tier
        >>> m = Metrics(reported=3, accepted=3, accepted_in_time=3, settled=2, closed=2,
        ...             resolved=2, resolutions=2, on_time=1, contained={Tier.MICRO_GRID: 2},
        ...             revisited=2, revisits=3, satisfied=2, findings=1)
        >>> print(m.table())
        measure                     rate    count
        response rate             100.0%    3 / 3
        resolution rate            66.7%    2 / 3
        satisfaction rate          66.7%    2 / 3
        on-time rate               50.0%    1 / 2
        revisit coverage          100.0%    2 / 2
        reopen rate                 0.0%    0 / 2
        contained at micro_grid   100.0%    2 / 2
        contained at compound       0.0%    0 / 2
        contained at community      0.0%    0 / 2
        contained at whistle        0.0%    0 / 2
        contained at street         0.0%    0 / 2
        resolved unrouted                       0
        latent problems found               1 / 3
        >>> print(Metrics().table().splitlines()[1])
        response rate                n/a    0 / 0
        """
        routed = self.resolved - self.unrouted
        decided = self.reported - self.awaiting_response
        rows: list[tuple[str, float | str | None, str]] = [
            ("response rate", self.response_rate, f"{self.accepted_in_time} / {decided}"),
            ("resolution rate", self.resolution_rate, f"{self.settled} / {self.reported}"),
            ("satisfaction rate", self.satisfaction_rate, f"{self.satisfied} / {self.revisits}"),
            ("on-time rate", self.on_time_rate, f"{self.on_time} / {routed}"),
            ("revisit coverage", self.revisit_coverage, f"{self.revisited} / {self.resolved}"),
            ("reopen rate", self.reopen_rate, f"{self.reopened} / {self.resolved}"),
        ]
        shares = self.containment
        for tier, count in self.contained.items():
            share = None if shares is None else shares[tier]
            rows.append((f"contained at {tier.value}", share, f"{count} / {routed}"))
        rows.append(("resolved unrouted", "", str(self.unrouted)))
        rows.append(("latent problems found", "", f"{self.findings} / {self.revisits}"))
        cells = [("measure", "rate", "count")] + [
            (label, rate if isinstance(rate, str) else percent(rate), count)
            for label, rate, count in rows
        ]
        widths = [max(len(row[column]) for row in cells) for column in range(3)]
        return "\n".join(
            f"{label:<{widths[0]}}  {rate:>{widths[1]}}  {count:>{widths[2]}}".rstrip()
            for label, rate, count in cells
        )


# The definitions above, case by case. ``metrics`` folds each case of a log
# with ``advance`` and the simulator keeps its books while it runs; both hand
# what they know of a case to ``case_facts`` and add the facts up with
# ``count``, so there is one counting path for both.


class CaseFacts(NamedTuple):
    """What ``metrics`` counts of one reported case at the observation time.

    A ``NamedTuple`` rather than an attrs class: the simulator makes one per
    case at the end of every run (58,000 in a year of a street), and ``count``
    adds them up column by column.

    Examples
    --------
    >>> from govmodel.model import Status, Tier
    >>> facts = case_facts(deadline=24, now=100, accepted_at=2, status=Status.CLOSED,
    ...                    resolved_at=5, resolved_tier=Tier.COMPOUND, resolved_due=48,
    ...                    visited=True, resolutions=1, revisits=1, satisfied=1, findings=0,
    ...                    reopenings=0)
    >>> facts.accepted_in_time, facts.on_time, facts.contained, facts.revisited
    (True, True, <Tier.COMPOUND: 'compound'>, True)
    """

    accepted: bool
    accepted_in_time: bool
    awaiting_response: bool
    settled: bool
    closed: bool
    resolved: bool
    resolutions: int
    on_time: bool
    unrouted: bool
    # The tier the case counts as contained at: of the routing in force at its
    # last resolution; None when it is not resolved, or resolved unrouted.
    contained: Tier | None
    revisited: bool
    revisits: int
    satisfied: int
    findings: int
    reopened: bool
    reopenings: int


_Moment = TypeVar("_Moment", dt.datetime, int)
# Read once: looking a member up on its enum costs more than the comparison.
_RESOLVED, _CLOSED = Status.RESOLVED, Status.CLOSED
_new_facts = CaseFacts._make
_CONTAINED = CaseFacts._fields.index("contained")


def case_facts(
    *,
    deadline: _Moment,
    now: _Moment,
    accepted_at: _Moment | None,
    status: Status,
    resolved_at: _Moment | None,
    resolved_tier: Tier | None,
    resolved_due: _Moment | None,
    visited: bool,
    resolutions: int,
    revisits: int,
    satisfied: int,
    findings: int,
    reopenings: int,
) -> CaseFacts:
    """The facts of one case, from where it stands at ``now`` (see the module docstring).

    The moments are datetimes (``metrics``) or whole microseconds from one
    start (the simulator's books), all of one kind. Every event of the case
    given is at or before ``now``.

    Parameters
    ----------
    deadline
        The end of the case's response limit: ``policy.response_limit`` counted
        from its report (``Policy.deadline``).
    now
        The observation time.
    accepted_at
        When it was accepted, if it was.
    status
        Its status at ``now``.
    resolved_at
        When it was last resolved, if it was.
    resolved_tier, resolved_due
        The tier and due of the routing in force at its last resolution; ``None``
        when no routing was in force (or it was never resolved).
    visited
        Whether a return visit follows its last resolution in its log.
    resolutions, revisits, satisfied, findings, reopenings
        Its ``Resolved`` events, ``Revisited`` events, visits that found the
        resident satisfied, visits that found a latent problem, ``Reopened``
        events.

    Examples
    --------
    A case reported at 0 and not yet answered at 10, with 24 to answer in:

    >>> from govmodel.model import Status
    >>> facts = case_facts(deadline=24, now=10, accepted_at=None, status=Status.REPORTED,
    ...                    resolved_at=None, resolved_tier=None, resolved_due=None,
    ...                    visited=False, resolutions=0, revisits=0, satisfied=0,
    ...                    findings=0, reopenings=0)
    >>> facts.awaiting_response, facts.resolved, facts.unrouted
    (True, False, False)
    """
    accepted = accepted_at is not None
    resolved = resolved_at is not None
    routed = resolved_due is not None and resolved
    # Positional, in the order of the fields: the simulator calls this once per case.
    return _new_facts(
        (
            accepted,
            accepted_at is not None and accepted_at <= deadline,  # accepted_in_time
            not accepted and now < deadline,  # awaiting_response
            status is _RESOLVED or status is _CLOSED,  # settled
            status is _CLOSED,  # closed
            resolved,
            resolutions,
            # on_time
            resolved_at is not None and resolved_due is not None and resolved_at <= resolved_due,
            resolved and not routed,  # unrouted
            resolved_tier if routed else None,  # contained
            resolved and visited,  # revisited
            revisits,
            satisfied,
            findings,
            resolved and reopenings > 0,  # reopened
            reopenings,
        )
    )


def count(facts: Iterable[CaseFacts]) -> Metrics:
    """Add up the facts of distinct cases: their ``Metrics``.

    Examples
    --------
    >>> from govmodel.model import Status
    >>> waiting = case_facts(deadline=24, now=10, accepted_at=None, status=Status.REPORTED,
    ...                      resolved_at=None, resolved_tier=None, resolved_due=None,
    ...                      visited=False, resolutions=0, revisits=0, satisfied=0,
    ...                      findings=0, reopenings=0)
    >>> m = count([waiting, waiting])
    >>> m.reported, m.awaiting_response, m.response_rate
    (2, 2, None)
    >>> count([]) == Metrics()
    True
    """
    rows = list(facts)
    counts = {
        name: sum(map(itemgetter(k), rows))  # sum() of bools is an int, as Metrics wants
        for k, name in enumerate(CaseFacts._fields)
        if name != "contained"
    }
    tiers = Counter(map(itemgetter(_CONTAINED), rows))
    contained = {tier: cases for tier, cases in tiers.items() if tier is not None}
    return Metrics(reported=len(rows), contained=contained, **counts)


def _before(a: dt.datetime, b: dt.datetime, policy: Policy) -> bool:
    """``a < b``; a naive and an aware time compare as local times of the policy's zone."""
    if (a.tzinfo is None) is not (b.tzinfo is None):
        return policy.aware(a) < policy.aware(b)
    return a < b


def _observed(
    events: Iterable[CaseEvent], now: dt.datetime, policy: Policy
) -> tuple[list[CaseEvent], list[int]]:
    """The events at or before ``now``, in the order given, and their indices in ``events``."""
    kept: list[CaseEvent] = []
    indices: list[int] = []
    for index, event in enumerate(events):
        if not isinstance(event, _EVENT_TYPES):
            raise TypeError(
                f"events[{index}]: expected one of the CaseEvent classes, "
                f"found {type(event).__name__}"
            )
        if not _before(now, event.at, policy):
            kept.append(event)
            indices.append(index)
    return kept, indices


def _checked(
    events: list[CaseEvent], indices: list[int], structure: Structure, policy: Policy
) -> None:
    """Raise at the first problem ``check_log`` finds in the events measured."""
    problems = check_log(structure, events, policy=policy)
    if problems:
        first = problems[0]
        more = len(problems) - 1
        note = f" (and {more} more: govmodel.check_log lists every one)" if more else ""
        raise EventLogError(f"events[{indices[first.index]}]", first.message + note)


def _facts_of_case(events: list[CaseEvent], *, now: dt.datetime, policy: Policy) -> CaseFacts:
    """Fold one case's events with ``advance`` and say what they show."""
    state: CaseState | None = None
    reported_at: dt.datetime | None = None
    last_routing: Routing | None = None
    resolutions = revisits = satisfied = findings = reopenings = 0
    for event in events:
        state = advance(state, event, require_revisit=policy.require_revisit)
        if isinstance(event, Reported):
            reported_at = event.at
        elif isinstance(event, Resolved):
            resolutions += 1
            last_routing = state.routing
        elif isinstance(event, Revisited):
            revisits += 1
            satisfied += event.satisfied
            findings += bool(event.found)
        elif isinstance(event, Reopened):
            reopenings += 1
    # advance refuses any first event but Reported, and the groups are never empty.
    assert state is not None
    assert reported_at is not None
    deadline = policy.deadline(reported_at, policy.response_limit)
    accepted_at, resolved_at = state.accepted_at, state.resolved_at
    resolved_due = None if last_routing is None else last_routing.due
    given = (accepted_at, resolved_at, resolved_due)
    kinds = {m.tzinfo is None for m in (deadline, now, *given) if m is not None}
    if len(kinds) > 1:
        # Naive and aware times meet: read the naive ones in the policy's zone.
        aware = policy.aware
        deadline, now = aware(deadline), aware(now)
        accepted_at, resolved_at, resolved_due = (None if m is None else aware(m) for m in given)
    return case_facts(
        deadline=deadline,
        now=now,
        accepted_at=accepted_at,
        status=state.status,
        resolved_at=resolved_at,
        resolved_tier=None if last_routing is None else last_routing.tier,
        resolved_due=resolved_due,
        visited=state.visits_since_resolved > 0,
        resolutions=resolutions,
        revisits=revisits,
        satisfied=satisfied,
        findings=findings,
        reopenings=reopenings,
    )


def metrics(
    events: Iterable[CaseEvent],
    *,
    now: dt.datetime,
    policy: Policy = DEFAULT_POLICY,
    structure: Structure | None = None,
) -> Metrics:
    """Measure an event log as it stood at ``now``.

    A pure function: it never reads the clock and never changes ``events``.
    The definitions are in the module docstring.

    Parameters
    ----------
    events
        Lifecycle events of any number of cases, interleaved in any order across
        cases but in order within each case. Read once.
    now
        The observation time: later events are ignored; a case whose response
        limit has not run out at ``now`` may still be answered in time.
    policy
        Gives ``response_limit`` and ``require_revisit``.
    structure
        When given, the events measured (those up to ``now``) are first
        checked against it with ``govmodel.check_log``: figures are only
        made of a log whose actors had the right to act, whose routings are
        the rules' and whose reports agree with their cases.

    Returns
    -------
    Metrics
        The counts and rates.

    Raises
    ------
    InvalidTransition
        When a case's events (up to ``now``) are in an impossible order.
    EventLogError
        With ``structure``: located at the first problem ``check_log`` finds
        (``events[3]``), whose message it gives.
    TypeError
        For something that is not an event.

    Notes
    -----
    Naive and timezone-aware times may be mixed across cases and with
    ``now``: where they meet, a naive time is read as a local time of
    ``policy.time_zone``.

    Examples
    --------
    >>> import datetime as dt
    >>> from govmodel.cases import Accepted, Case, Reported, Resolved
    >>> from govmodel.model import Category
    >>> t = dt.datetime(2025, 5, 6, 9)
    >>> def report(case_id):
    ...     case = Case(id=case_id, category=Category.NOISE, place="building:1",
    ...                 reported_at=t)
    ...     return Reported(case=case, at=t)
    >>> log = [report("a"), report("b"), report("c"),
    ...        Accepted(case_id="a", at=t + dt.timedelta(hours=2), actor="post:w"),
    ...        Accepted(case_id="b", at=t + dt.timedelta(hours=30), actor="post:w"),
    ...        Resolved(case_id="a", at=t + dt.timedelta(hours=3), actor="post:w")]
    >>> m = metrics(log, now=t + dt.timedelta(hours=48))
    >>> m.reported, m.accepted_in_time, m.response_rate, m.unrouted, m.on_time_rate
    (3, 1, 0.3333333333333333, 1, None)

    At ``now`` = 4 hours, case "b" is not yet accepted, but may still be in time:

    >>> early = metrics(log, now=t + dt.timedelta(hours=4))
    >>> early.awaiting_response, early.response_rate
    (2, 1.0)

    Against a structure, the log must hold together first:

    >>> from govmodel import examples
    >>> metrics(log, now=t + dt.timedelta(hours=48), structure=examples.load("xinhe"))
    Traceback (most recent call last):
    ...
    govmodel.errors.EventLogError: events[0]: the case's place "building:1" is not a place of ...
    """
    if not isinstance(now, dt.datetime):
        raise TypeError(f"now: expected a datetime, found {type(now).__name__}")
    observed, indices = _observed(events, now, policy)
    if structure is not None:
        _checked(observed, indices, structure, policy)
    return count(
        _facts_of_case(case_events, now=now, policy=policy)
        for _, case_events in iter_case_events(observed)
    )

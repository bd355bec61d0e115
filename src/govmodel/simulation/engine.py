"""The simulator: a year of requests through a structure, event by event.

``simulate(structure, scenario, *, seed)`` is a discrete-event simulation. Its
rules are govmodel's own — every case is routed by :func:`govmodel.route` and
escalated by :func:`govmodel.escalate`, reading the facts of the case's state
that :func:`govmodel.advance` would fold; the simulator only decides *when*
things happen and *whether* a resident is satisfied, drawing every random
number from the one generator made from ``seed``. Handlers (posts and bodies)
work on at most ``scenario.capacity`` cases at once; the rest wait in a
first-come queue.

What happens to a case:

1. It arrives (Poisson arrivals per compound and category; a share found by
   patrols first) and is reported and routed at once.
2. Its first contact takes it up after an exponential delay. If that is later
   than the policy's response limit, the resident may turn to the 12345
   hotline instead: the case *escapes* and leaves the community's channels.
3. It waits for its handler, is handled (lognormal time per tier) and resolved.
4. If still unresolved at its due time, it is escalated and moves to the new
   handler's queue.
5. A return visit follows; an unsatisfied resident's case may be reopened and
   escalated, otherwise it is closed.

Every case ends the period in exactly one of three outcomes: ``resolved``
(resolved or closed), ``open``, or ``escaped``.

How it stays fast
    The clock counts whole microseconds (the resolution of ``datetime``), so
    every comparison the simulator makes is exactly the one the rules and
    ``metrics`` make on the datetimes. While it runs, the simulator keeps a
    compact log — three entries per lifecycle event — and builds no event
    objects or ``CaseState`` s while it runs: ``escalate`` reads the facts of a
    state it needs (status, routings, acceptance, reopenings, domains found)
    from the ledger, which keeps them as it records (a property test folds the
    state with ``advance`` at every check and holds the two equal). The
    full event log (``SimulationResult.events``) and the per-case outcomes are
    built from the compact log the first time they are asked for. The metrics
    need no event objects: as it records each event, the simulator books it
    (``simulation/_books.py``: acceptance, resolutions, visits, status in
    ``Status`` terms), and at the end each case's books go through the very
    ``case_facts`` and ``count`` that ``metrics`` uses, so they always equal
    ``metrics(result.events, now=scenario.end)`` (property tests hold the books
    to it, on simulated logs and on any valid log).

Examples
--------
>>> from govmodel import examples
>>> from govmodel.simulation import Scenario, simulate
>>> result = simulate(examples.load("xinhe"), Scenario(days=60), seed=2)
>>> result == simulate(examples.load("xinhe"), Scenario(days=60), seed=2)
True
>>> sum(result.outcome_counts.values()) == len(result.outcomes)
True
"""

from __future__ import annotations

import datetime as dt
import heapq
import itertools
import math
from bisect import bisect_right
from collections import deque
from collections.abc import Callable
from fractions import Fraction
from functools import cached_property
from typing import Any

import attrs
import numpy as np

from govmodel._gc import paused
from govmodel._metrics import Metrics, count
from govmodel.cases import (
    Accepted,
    Case,
    CaseEvent,
    Closed,
    Reopened,
    Reported,
    Resolved,
    Revisited,
    Routed,
    Routing,
)
from govmodel.errors import GovModelError
from govmodel.model import (
    Category,
    Channel,
    Domain,
    Matter,
    Meeting,
    PlaceKind,
    Procedure,
    Scope,
    Status,
    Tier,
    Vote,
)
from govmodel.rules.calendar import LimitUnit, TimeLimit
from govmodel.rules.decisions import (
    CIVIL_CODE_278,
    Ballot,
    Consultation,
    Electorate,
    outcome_by_counts,
)
from govmodel.rules.escalation import _next_routing
from govmodel.rules.policy import DEFAULT_POLICY, Policy
from govmodel.rules.routing import route
from govmodel.simulation._books import Books
from govmodel.simulation._mechanisms import (
    Staffing,
    front_desk_posts,
    handoff_factor,
    next_sitting,
    satisfaction_probability,
)
from govmodel.simulation.scenario import DISPUTES, Mechanism, Scenario
from govmodel.simulation.survival import (
    KaplanMeier,
    OnTime,
    backlog,
    kaplan_meier,
    on_time_with_open,
)
from govmodel.structure import Structure

__all__ = ["CaseOutcome", "SimulationResult", "simulate"]

Seed = int | np.random.SeedSequence | np.random.Generator

_ONE_US = dt.timedelta(microseconds=1)
_HOUR_US = 3_600_000_000
_DAY_US = 24 * _HOUR_US
_MINUTE_US = 60_000_000
_REOPEN_REASON = "the resident was not satisfied"

# Scheduled happenings (the heap); arrivals come from their own sorted list.
_ACCEPT, _ESCAPE, _HANDLED, _DUE, _REVISIT, _JOIN, _SPAWN = range(7)
# A heap entry is ``time << _SEQ_BITS | number``: happenings of one time in the order they
# were scheduled (a run schedules far fewer than 2**40 of them).
_SEQ_BITS = 40
_SEQ_MASK = (1 << _SEQ_BITS) - 1
# Lifecycle events of the compact log.
_REPORTED, _ROUTED, _ACCEPTED, _RESOLVED, _REVISITED, _REOPENED, _CLOSED = range(7)
_UNSATISFIED = 7  # a return visit that found the resident not satisfied
# Resolved or closed: no longer open (``CaseState.open``), an outcome of "resolved".
_SETTLED = (Status.RESOLVED, Status.CLOSED)

# A compact event is three entries of its case's flat log: kind, microseconds
# from the start, payload. The payload is the Routing of a routed event and the
# actor of any other event but the report. Flat lists of
# plain values keep the run from making a container object per event, which
# the cyclic garbage collector would have to traverse when the run ends.


@attrs.frozen(kw_only=True)
class CaseOutcome:
    """How one simulated case ended the period.

    Examples
    --------
    >>> import datetime as dt
    >>> CaseOutcome(case_id="case:0", category="noise", place="building:1",
    ...             outcome="open", tier="micro_grid", reported_at=dt.datetime(2025, 1, 1),
    ...             hours_to_resolution=None, escalations=0, reopened=0).outcome
    'open'
    """

    case_id: str
    category: str
    place: str
    outcome: str
    tier: str | None
    reported_at: dt.datetime
    hours_to_resolution: float | None
    escalations: int
    reopened: int


@attrs.frozen(kw_only=True, eq=True)
class _Run:
    """What one run leaves behind: its cases, their compact logs and final standing.

    Each case's log is flat (kind, time, payload, kind, time, payload, ...);
    ``order`` lists the case of each event in the order the run met them
    (so runs compare by ``event_order`` instead); the other sequences have one
    entry per case, in report order (``_canonical``). The lists are the
    simulator's own, handed over when the run ends and never changed again.
    """

    start: dt.datetime
    cases: list[Case]
    logs: list[list[Any]]
    order: list[int] = attrs.field(eq=False)
    routing: list[Routing | None]
    status: list[Status]
    escaped: list[bool]
    escalations: list[int]
    reopened: list[int]
    arrived_us: list[int]
    resolved_us: list[int | None]
    due_us: list[int]
    end_us: int


@attrs.frozen(kw_only=True, eq=False)
class SimulationResult:
    """What a simulation produced.

    The event log and the outcomes are built from the run's compact log the
    first time they are read; the metrics, hotline and outcome counts are
    ready at once. Two results are equal when their runs are.

    Attributes
    ----------
    metrics
        ``govmodel.metrics`` of the log at the end of the period.
    hotline
        Cases that escaped to the 12345 hotline.
    hotline_metrics
        The metrics of the cases the hotline dispatched back to the street
        and community (``HOTLINE_LOOP``): the hotline's own response,
        resolution and satisfaction rates, apart from the community's.
    front_desk
        Cases settled on the spot at a property desk by a party vanguard post
        (``FRONT_DESK``).
    seed
        The entropy (and spawn key) of the seed sequence used, to rerun it.
    events
        The whole event log, in time order.
    outcomes
        One per arrived case, in arrival order.

    Examples
    --------
    >>> from govmodel import examples
    >>> from govmodel.simulation import Scenario, simulate
    >>> r = simulate(examples.load("zhuanqiao"), Scenario(days=30), seed=1)
    >>> r.hotline == r.outcome_counts["escaped"]
    True
    >>> len(r.outcomes) == r.metrics.reported == len(r.hours_to_resolution) + r.outcome_counts[
    ...     "open"] + r.outcome_counts["escaped"]
    True
    """

    metrics: Metrics
    hotline: int
    hotline_metrics: Metrics
    front_desk: int
    seed: int | tuple[int, ...]
    _run: _Run = attrs.field(repr=False, alias="run")

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, SimulationResult):
            return NotImplemented
        return (self.metrics, self.hotline, self.seed, self._run) == (
            other.metrics,
            other.hotline,
            other.seed,
            other._run,
        ) and self._event_order == other._event_order

    @cached_property
    def _event_order(self) -> list[int]:
        """The case of each event, events in time order and, at one moment, in report order.

        A case's own events keep the order they happened in. The order depends
        on the run's events alone, not on how a run interleaved its cases, so
        a run and the merge of its parts give the same log.
        """
        run = self._run
        logs = run.logs
        at = [0] * len(logs)
        timed = []
        for i in run.order:
            k = at[i]
            timed.append((logs[i][k + 1], i))
            at[i] = k + 3
        timed.sort()
        return [i for _, i in timed]

    def __hash__(self) -> int:
        return hash((self.metrics, self.hotline, self.seed))

    @cached_property
    def events(self) -> tuple[CaseEvent, ...]:
        """The whole event log, in time order.

        Events of one moment come in the order their cases were reported; a
        case's own events in the order they happened.
        """
        run = self._run
        cases, logs, start = run.cases, run.logs, run.start
        at = [0] * len(cases)
        made = []
        for i in self._event_order:
            k = at[i]
            log = logs[i]
            made.append(_event(cases[i], start, log[k], log[k + 1], log[k + 2]))
            at[i] = k + 3
        return tuple(made)

    @cached_property
    def outcomes(self) -> tuple[CaseOutcome, ...]:
        """One ``CaseOutcome`` per arrived case, in arrival order."""
        run = self._run
        out = []
        for i in range(len(run.cases)):
            case = run.cases[i]
            routing = run.routing[i]
            outcome = _OUTCOME_NAMES[_outcome_code(run, i)]
            hours = None
            if outcome == "resolved":
                hours = _taken_us(run, i) * _ONE_US / dt.timedelta(hours=1)
            out.append(
                CaseOutcome(
                    case_id=case.id,
                    category=case.category.value,
                    place=case.place,
                    outcome=outcome,
                    tier=routing.tier.value if routing is not None else None,
                    reported_at=case.reported_at,
                    hours_to_resolution=hours,
                    escalations=run.escalations[i],
                    reopened=run.reopened[i],
                )
            )
        return tuple(out)

    @cached_property
    def outcome_counts(self) -> dict[str, int]:
        """Cases per outcome: resolved, open, escaped."""
        counts = [0, 0, 0]
        run = self._run
        for i in range(len(run.cases)):
            counts[_outcome_code(run, i)] += 1
        return dict(zip(_OUTCOME_NAMES, counts, strict=True))

    @cached_property
    def hours_to_resolution(self) -> np.ndarray[Any, np.dtype[np.float64]]:
        """Hours from report to last resolution of each resolved case, in arrival order.

        The same numbers as the outcomes' ``hours_to_resolution``, without
        building the outcomes.
        """
        run = self._run
        taken = [_taken_us(run, i) for i in range(len(run.cases)) if _outcome_code(run, i) == 0]
        # timedelta / timedelta(hours=1) divides exact microseconds; so does this.
        return np.array(taken, dtype=np.int64) / np.float64(_HOUR_US)

    @property
    def escalations(self) -> int:
        """Escalations over all cases."""
        return sum(self._run.escalations)

    @cached_property
    def time_to_resolution(self) -> KaplanMeier:
        """Hours from report to resolution, counting the cases still open at the end.

        A Kaplan–Meier estimate: a case open at the end of the period is
        censored there, so a structure that leaves hard cases open does not
        look faster for it; escaped cases left the community's channels and
        are not counted. ``.median`` and ``.restricted_mean(horizon)`` are the
        measures that ``hours_to_resolution`` (resolved cases only) cannot give.

        Examples
        --------
        >>> from govmodel import examples
        >>> from govmodel.simulation import Scenario, simulate
        >>> r = simulate(examples.load("xinhe"), Scenario(days=60), seed=2)
        >>> km = r.time_to_resolution
        >>> km.cases == r.outcome_counts["resolved"] + r.outcome_counts["open"]
        True
        """
        run = self._run
        durations: list[float] = []
        resolved: list[bool] = []
        for i in range(len(run.cases)):
            code = _outcome_code(run, i)
            if code == 2:
                continue
            end = _taken_us(run, i) if code == 0 else run.end_us - run.arrived_us[i]
            durations.append(end / _HOUR_US)
            resolved.append(code == 0)
        return kaplan_meier(np.array(durations, dtype=float), np.array(resolved, dtype=bool))

    @cached_property
    def on_time(self) -> OnTime:
        """On time at the end of the period, counting open cases already past due as late.

        ``metrics.on_time_rate`` judges resolved cases only, so a structure
        that leaves its late cases open would look punctual; this does not.

        Examples
        --------
        >>> from govmodel import examples
        >>> from govmodel.simulation import Scenario, simulate
        >>> r = simulate(examples.load("xinhe"), Scenario(days=60), seed=2)
        >>> r.on_time.rate <= r.metrics.on_time_rate + 1e-12
        True
        """
        run = self._run
        kept = [i for i in range(len(run.cases)) if not run.escaped[i]]
        return on_time_with_open(
            _settled_us(run, kept),
            np.array([run.due_us[i] for i in kept], dtype=float),
            now=run.end_us,
        )

    def backlog(self, at: list[dt.datetime]) -> list[int]:
        """The cases open (reported, not settled, not escaped) at each moment of ``at``.

        Examples
        --------
        >>> import datetime as dt
        >>> from govmodel import examples
        >>> from govmodel.simulation import Scenario, simulate
        >>> r = simulate(examples.load("xinhe"), Scenario(days=60), seed=2)
        >>> r.backlog([dt.datetime(2025, 1, 1), dt.datetime(2025, 3, 2)])[0]
        0
        """
        run = self._run
        kept = [i for i in range(len(run.cases)) if not run.escaped[i]]
        arrived = np.array([run.arrived_us[i] for i in kept], dtype=float)
        moments = [(moment - run.start) // _ONE_US for moment in at]
        return [int(n) for n in backlog(arrived, _settled_us(run, kept), moments)]


_OUTCOME_NAMES = ("resolved", "open", "escaped")


def _settled_us(run: _Run, kept: list[int]) -> np.ndarray[Any, np.dtype[np.float64]]:
    """When each case of ``kept`` was settled, NaN for one still open: as ``survival`` reads it."""
    resolved, status = run.resolved_us, run.status
    return np.array([resolved[i] if status[i] in _SETTLED else math.nan for i in kept], dtype=float)


def _outcome_code(run: _Run, i: int) -> int:
    if run.escaped[i]:
        return 2
    return 0 if run.status[i] in _SETTLED else 1


def _taken_us(run: _Run, i: int) -> int:
    """Microseconds from the report of a resolved case to its last resolution."""
    resolved = run.resolved_us[i]
    assert resolved is not None
    return resolved - run.arrived_us[i]


def _event(case: Case, start: dt.datetime, kind: int, t: int, payload: Any) -> CaseEvent:
    """The event object of one compact record."""
    at = start + t * _ONE_US
    if kind == _REPORTED:
        return Reported(case=case, at=case.reported_at)
    if kind == _ROUTED:
        return Routed(case_id=case.id, at=at, routing=payload)
    if kind == _ACCEPTED:
        return Accepted(case_id=case.id, at=at, actor=payload)
    if kind == _RESOLVED:
        return Resolved(case_id=case.id, at=at, actor=payload)
    if kind in (_REVISITED, _UNSATISFIED):
        found: tuple[Any, ...] = ()
        if isinstance(payload, tuple):
            payload, found = payload
        return Revisited(
            case_id=case.id, at=at, actor=payload, satisfied=kind == _REVISITED, found=found
        )
    if kind == _REOPENED:
        return Reopened(case_id=case.id, at=at, actor=payload, reason=_REOPEN_REASON)
    return Closed(case_id=case.id, at=at, actor=payload)


def _hours_us(hours: float) -> int:
    """``timedelta(hours=hours) // timedelta(microseconds=1)`` for ``hours`` of 0 or more.

    The same steps as ``timedelta``'s constructor, without making a
    ``timedelta``: whole hours exactly, the fraction's microseconds, and what
    is left rounded half to even on the total (a property test holds the two
    equal).

    Examples
    --------
    >>> _hours_us(1.5), _hours_us(2.0)
    (5400000000, 7200000000)
    """
    fraction, whole = math.modf(hours)
    total = int(whole) * _HOUR_US
    if fraction == 0.0:
        return total
    fraction, whole = math.modf(fraction * _HOUR_US)
    total += int(whole)
    rounded = round(fraction)
    if abs(rounded - fraction) == 0.5:
        odd = total & 1
        rounded = 2 * round((fraction + odd) * 0.5) - odd
    return total + rounded


def _generator(seed: Seed) -> tuple[np.random.Generator, np.random.SeedSequence]:
    """The generator of the arrivals, and the seed sequence the cases' own streams come from."""
    if isinstance(seed, bool) or not isinstance(
        seed, int | np.random.SeedSequence | np.random.Generator
    ):
        raise GovModelError(
            f"seed: expected an int of 0 or more, a SeedSequence or a Generator, found {seed!r}"
        )
    if isinstance(seed, int) and seed < 0:
        raise GovModelError(f"seed: expected an int of 0 or more, found {seed}")
    if isinstance(seed, np.random.Generator):
        made = seed.bit_generator.seed_seq
        if not isinstance(made, np.random.SeedSequence):
            raise GovModelError("seed: expected a Generator made from a SeedSequence")
        return seed, made
    sequence = seed if isinstance(seed, np.random.SeedSequence) else np.random.SeedSequence(seed)
    return np.random.Generator(np.random.PCG64(sequence)), sequence


def _seed_key(seed: Seed) -> int | tuple[int, ...]:
    """The entropy (and spawn key) of the seed's sequence: what reruns it."""
    if isinstance(seed, np.random.Generator):
        return seed.bit_generator.seed_seq.entropy  # type: ignore[attr-defined, no-any-return]
    sequence = seed if isinstance(seed, np.random.SeedSequence) else np.random.SeedSequence(seed)
    entropy = sequence.entropy
    if isinstance(entropy, int):
        key: int | tuple[int, ...] = entropy
    else:
        key = tuple(int(x) for x in entropy)  # type: ignore[union-attr]
    if sequence.spawn_key:
        key = (key, *sequence.spawn_key) if isinstance(key, int) else (*key, *sequence.spawn_key)
    return key


# The sub-streams of a run's seed sequence (its spawn key, extended): the
# arrivals come from the sequence itself, each case's own numbers from these.
_STREAM_ARRIVED, _STREAM_MADE, _STREAM_MORE = 1, 2, 3
# A case's made-during-the-run key starts with how it was made.
_MADE_HOTLINE, _MADE_LATENT = 1, 2


class _Draws:
    """Each case's own random numbers: common random numbers across variants.

    Case ``i`` draws from a stream of its own, derived from the run's seed
    sequence and the case's *key* — its number among the period's arrivals
    (``(0, n)``), or, for a case made during the run, how it was made and from
    which case (a hotline work order ``(1, *parent)``, a latent problem found
    at visit ``r`` ``(2, r, *parent)``). So the draws of a case do not depend
    on what happens to other cases: a case that a variant leaves alone gets
    the same draws, and the same history, under every variant of one seed,
    and a street simulated alone draws what it draws in the whole run.

    Drawing one number at a time from NumPy costs far more than the number:
    the arrivals' numbers are made a block of cases at a time
    (``BLOCK`` × ``WIDTH`` uniforms), a case made during the run gets its own
    ``WIDTH``, and a case that needs more gets ``WIDTH`` more from a stream
    keyed by how many it has used.
    """

    BLOCK = 1024
    WIDTH = 12

    __slots__ = ("_blocks", "_entropy", "_spawn", "keys", "rows", "used")

    def __init__(self, sequence: np.random.SeedSequence) -> None:
        self._entropy = sequence.entropy
        self._spawn = tuple(sequence.spawn_key)
        self._blocks: dict[int, list[list[float]]] = {}
        self.keys: list[tuple[int, ...]] = []
        self.rows: list[list[float] | None] = []
        self.used: list[int] = []

    def add(self, key: tuple[int, ...]) -> None:
        """Give the next case (by index) the stream of ``key``."""
        self.keys.append(key)
        self.rows.append(None)
        self.used.append(0)

    def _uniforms(self, *key: int, size: int | tuple[int, int]) -> Any:
        sequence = np.random.SeedSequence(self._entropy, spawn_key=(*self._spawn, *key))
        return np.random.Generator(np.random.PCG64(sequence)).random(size)

    def _row(self, i: int) -> list[float]:
        key = self.keys[i]
        width = self.WIDTH
        if key[0] == 0:
            block, at = divmod(key[1], self.BLOCK)
            rows = self._blocks.get(block)
            if rows is None:
                rows = self._blocks[block] = self._uniforms(
                    _STREAM_ARRIVED, block, size=(self.BLOCK, width)
                ).tolist()
            row: list[float] = rows[at]
        else:
            row = self._uniforms(_STREAM_MADE, *key, size=width).tolist()
        self.rows[i] = row
        return row

    def uniform(self, i: int) -> float:
        """Case ``i``'s next uniform number in [0, 1)."""
        row = self.rows[i]
        if row is None:
            row = self._row(i)
        k = self.used[i]
        if k == len(row):
            row += self._uniforms(_STREAM_MORE, k, *self.keys[i], size=self.WIDTH).tolist()
        self.used[i] = k + 1
        return row[k]

    def exponential(self, i: int) -> float:
        """Case ``i``'s next exponential number of mean 1."""
        return -math.log1p(-self.uniform(i))

    def normal(self, i: int) -> float:
        """Case ``i``'s next standard normal number (Box–Muller, from two uniforms)."""
        radius = math.sqrt(-2.0 * math.log1p(-self.uniform(i)))
        return radius * math.cos(2.0 * math.pi * self.uniform(i))

    def generator(self, i: int) -> np.random.Generator:
        """A generator seeded from case ``i``'s next number, for draws such as a binomial."""
        return np.random.Generator(np.random.PCG64(int(self.uniform(i) * 2**53)))


@attrs.frozen
class _Arrivals:
    """Every case of the period, in arrival order, with the draws made for it at arrival."""

    times: list[int]  # microseconds from the start
    cases: list[Case]
    response: list[float]  # exponential of mean 1, scaled by the response time
    hotline: list[float]  # uniform, compared with the hotline share
    numbers: list[int]  # each case's number among all the period's arrivals


def _places_and_weights(
    structure: Structure, scenario: Scenario
) -> list[tuple[str, list[str], float]]:
    """Each residential compound with its buildings and households.

    A structure without compounds falls back to its communities.
    """
    out: list[tuple[str, list[str], float]] = []
    for compound in structure.places(kind=PlaceKind.COMPOUND):
        if not compound.residential:
            continue
        households = compound.households or scenario.households_if_unknown
        buildings = [p.id for p in structure.children(compound.id) if p.kind is PlaceKind.BUILDING]
        out.append((compound.id, buildings, float(households)))
    if not out:
        for community in structure.places(kind=PlaceKind.COMMUNITY):
            households = community.households or scenario.households_if_unknown
            out.append((community.id, [], float(households)))
    return out


def _slot_weights(
    scenario: Scenario, policy: Policy, start: dt.datetime, days: int
) -> np.ndarray[Any, np.dtype[np.float64]]:
    """The weight of each hour of the period: hour of day times day of week, holidays as Sundays."""
    hours = np.array(scenario.arrival_hours, dtype=float)
    weekday = np.array(scenario.arrival_days, dtype=float)
    calendar = policy.calendar
    first = start.date()
    by_day = np.empty(days + 1, dtype=float)
    for d in range(days + 1):
        day = first + dt.timedelta(days=d)
        w = day.weekday()
        if w < 5 and not calendar.is_working_day(day):
            by_day[d] = weekday[6]  # a holiday weighs as a Sunday
        else:
            by_day[d] = weekday[w]
    # Hour slots start at the period's start hour: shift the hour profile to it.
    shift = start.hour
    profile = np.roll(hours, -shift)
    return np.outer(by_day, profile).ravel()


def _draw_arrivals(
    structure: Structure,
    scenario: Scenario,
    rng: np.random.Generator,
    policy: Policy,
    within: frozenset[str] | None = None,
) -> _Arrivals:
    """Draw the period's cases, all at once: counts, times, places, channels, urgencies.

    The period runs from ``warmup_days`` before ``scenario.start`` to its end.
    With ``ARRIVAL_PROFILE`` on, times follow the hour-of-day and day-of-week
    weights (holidays as Sundays); otherwise they are uniform.

    With ``within`` (compound ids), every arrival is drawn as for the whole
    structure but only those of these compounds are kept, with their numbers
    among all: a part of a structure simulated alone gets the very cases it
    gets in the whole run.
    """
    days = scenario.days + scenario.warmup_days
    start = scenario.start - dt.timedelta(days=scenario.warmup_days)
    horizon = days * 24 * _HOUR_US
    places = _places_and_weights(structure, scenario)
    categories = list(scenario.rates)
    rates = np.array([scenario.rates[c] for c in categories], dtype=float)
    households = np.array([weight for _, _, weight in places], dtype=float)
    counts = rng.poisson(np.outer(households, rates) * (days / 365.0))
    total = int(counts.sum())
    flat = counts.ravel()
    where = np.repeat(np.arange(flat.size), flat)
    place_of = where // len(categories)
    category_of = where % len(categories)
    if Mechanism.ARRIVAL_PROFILE in scenario.off:
        times = np.floor(rng.random(total) * horizon).astype(np.int64)
    else:
        weights = _slot_weights(scenario, policy, start, days)[: days * 24]
        cumulative = np.cumsum(weights)
        slot = np.searchsorted(cumulative, rng.random(total) * cumulative[-1], side="right")
        slot = np.minimum(slot, days * 24 - 1)
        times = slot.astype(np.int64) * _HOUR_US + np.floor(rng.random(total) * _HOUR_US).astype(
            np.int64
        )
    pick = rng.random(total)
    channel_names = list(scenario.channels)
    channel_of = rng.choice(
        len(channel_names), size=total, p=[scenario.channels[c] for c in channel_names]
    )
    patrol = rng.random(total) < scenario.proactive
    urgency_names = list(scenario.urgency)
    urgency_of = rng.choice(
        len(urgency_names), size=total, p=[scenario.urgency[u] for u in urgency_names]
    )
    response = rng.standard_exponential(total)
    hotline = rng.random(total)

    order = np.argsort(times, kind="stable")
    numbers = np.arange(total)
    if within is not None:
        keep = np.array([compound in within for compound, _, _ in places], dtype=bool)
        chosen = keep[place_of[order]]
        order = order[chosen]
        numbers = numbers[chosen]
    times = times[order]
    moments: list[dt.datetime]
    if start.tzinfo is None:
        stamps = np.datetime64(start, "us") + times.astype("timedelta64[us]")
        moments = stamps.astype(object).tolist()
    else:
        moments = [start + int(t) * _ONE_US for t in times]
    scopes = [scenario.scopes[c] for c in categories]
    building_scope = [scope <= Scope.BUILDING for scope in scopes]
    channels = [*channel_names, Channel.PATROL]
    channel_of = np.where(patrol, len(channel_names), channel_of)
    cases: list[Case] = []
    for n, index, where_at, pick_at, channel, urgency, at in zip(
        numbers.tolist(),
        category_of[order].tolist(),
        place_of[order].tolist(),
        pick[order].tolist(),
        channel_of[order].tolist(),
        urgency_of[order].tolist(),
        moments,
        strict=True,
    ):
        compound, buildings, _ = places[where_at]
        if buildings and building_scope[index]:
            place = buildings[int(pick_at * len(buildings))]
        else:
            place = compound
        cases.append(
            Case(
                id=f"case:{n}",
                category=categories[index],
                place=place,
                reported_at=at,
                channel=channels[channel],
                scope=scopes[index],
                urgency=urgency_names[urgency],
            )
        )
    return _Arrivals(
        times=times.tolist(),
        cases=cases,
        response=response[order].tolist(),
        hotline=hotline[order].tolist(),
        numbers=numbers.tolist(),
    )


class _Handler:
    """A handler's queue, the cases it works on, and its capacity until the staffing changes."""

    __slots__ = ("busy", "capacity", "until", "waiting")

    def __init__(self) -> None:
        self.busy = 0
        self.waiting: deque[tuple[int, int]] = deque()
        self.capacity = 0
        self.until = -1  # the capacity holds before this time: none found yet


# What a party vanguard post at a property desk settles early (seed 002: "在居民咨询、
# 纠纷初期疏导中发挥前哨作用"): inquiries and disputes brought to the desk. A return visit
# of a dispute may uncover a latent one (Xinhe: 15 in 230 visits).
_INCIPIENT = DISPUTES | {Category.INQUIRY}
_DESK_CHANNELS = frozenset({Channel.WALK_IN, Channel.PHONE, Channel.WECHAT})
# The art. 278 matter an owners' decision on a category decides.
_MATTERS: dict[Category, Matter] = {
    Category.COMMON_FACILITY: Matter.USE_MAINTENANCE_FUND,
    Category.PARKING: Matter.CHANGE_COMMON_USE,
    Category.ACCESS: Matter.CHANGE_COMMON_USE,
    Category.PROPERTY_FEES: Matter.HIRE_MANAGER,
}
_CONSULTATION = Consultation(participation=Fraction(2, 3))


class _Ledger:
    """The simulator's ledger: each case's compact log, its books and what it is waiting for.

    Shared by the engine's event loop and by any other scheduler of the same
    process (the SimPy model of the simulation benchmark uses it too), so that
    they record, consult the rules and the mechanisms, and count the metrics
    in the same way.
    """

    def __init__(
        self,
        structure: Structure,
        scenario: Scenario,
        policy: Policy,
        arrivals: _Arrivals,
        draws: _Draws,
    ) -> None:
        self.structure = structure
        self.scenario = scenario
        self.policy = policy
        self.off = scenario.off
        self.start = scenario.start - dt.timedelta(days=scenario.warmup_days)
        self.end_us = (scenario.end - self.start) // _ONE_US
        self.warm_us = scenario.warmup_days * 24 * _HOUR_US
        # The response limit as microseconds when it runs round the clock (the
        # default); a limit in working time is counted case by case.
        elapsed = policy.response_limit.elapsed
        self.response_limit_us = None if elapsed is None else elapsed // _ONE_US
        self.window_us = policy.recurrence_window // _ONE_US
        self.arrivals = arrivals
        self.draws = draws
        for number in arrivals.numbers:
            draws.add((0, number))
        n = len(arrivals.cases)
        self.cases = arrivals.cases
        self.logs: list[list[Any]] = [[] for _ in range(n)]
        self.order: list[int] = []
        self.routing: list[Routing | None] = [None] * n
        self.due_us: list[int] = [0] * n
        self.books = books = Books(arrivals.times)
        # Where each case stands, and its reopenings, as the books keep them.
        self.status = books.status
        self.reopened = books.reopenings
        self.escalations: list[int] = [0] * n
        self.escaped: list[bool] = [False] * n
        # The domains each case's return visits found (a state's ``extra_domains``).
        self.found: list[tuple[Domain, ...]] = [()] * n
        self.desk: list[str | None] = [None] * n
        self.first_owner: list[str | None] = [None] * n
        self.resolver: list[str] = [""] * n
        self.rejected: list[bool] = [False] * n
        self.rounds: list[int] = [0] * n
        self.recent: dict[tuple[str, Category], deque[tuple[int, Case]]] = {}
        grids = {g.id for g in structure.grids()}
        self.grid_posts = frozenset(p.id for p in structure.posts() if p.within in grids)
        self.meetings = {m.id: m for m in structure.meetings()}
        self.front = front_desk_posts(structure)
        self.compound_of: dict[str, tuple[str, int]] = {}
        for compound, buildings, households in _places_and_weights(structure, scenario):
            for place in (compound, *buildings):
                self.compound_of[place] = (compound, int(households))
        # Staffing changes only where an appointment starts or ends.
        first = self.start.date()
        last = (self.start + self.end_us * _ONE_US).date()
        changes = {first}
        for appointment in structure.appointments():
            for day in (appointment.start, appointment.end):
                if day is not None and first < day <= last:
                    changes.add(day)
        self.epoch_days = sorted(d.toordinal() for d in changes)
        self.epochs: dict[int, Staffing] = {}
        self.by_day: dict[int, Staffing] = {}
        # The working hours of each day of the run, made as the run reaches it.
        self.windows: list[tuple[int, int] | None] = []
        opening, closing = policy.calendar.hours
        self.opening_us = (dt.datetime.combine(dt.date.min, opening) - dt.datetime.min) // _ONE_US
        self.closing_us = (dt.datetime.combine(dt.date.min, closing) - dt.datetime.min) // _ONE_US
        moment = self.start
        self.midnight_us = (
            dt.datetime.combine(moment.date(), moment.time())
            - dt.datetime.combine(moment.date(), dt.time())
        ) // _ONE_US
        # (staffing, source, target) -> the share of the handoff delay (``handoff``)
        self.factors: dict[tuple[int, str, str], float] = {}
        # (staffing, source's unit, target's unit) -> the same share
        self.unit_factors: dict[tuple[int, str, str], float] = {}
        # (staffing, unit) -> the standing meetings that seat it or its people's bodies
        self.reached: dict[tuple[int, str], frozenset[int]] = {}
        # Each household's area, exact, as a ballot would hold it.
        self.area = Ballot(owner="-", area=scenario.area_per_household, vote=Vote.FOR).area
        # Each seat (a body or post) -> the standing meetings, by position, it sits in.
        self.seats: dict[str, list[int]] = {}
        for k, meeting in enumerate(structure.meetings()):
            for seat in {meeting.convener, *meeting.members}:
                self.seats.setdefault(seat, []).append(k)
        sigma = scenario.handling_sigma
        self.log_mean = {
            tier: math.log(hours) - sigma * sigma / 2.0
            for tier, hours in scenario.handling_hours.items()
        }
        self.category_hours = dict(scenario.category_hours)
        # (late, escalations, reopenings, continuity, hotline, rejected) -> satisfaction chance
        self.chances: dict[tuple[bool, int, int, bool, bool, bool], float] = {}
        self.front_desk = 0
        self.warmed = False

    # -- cases made during the run ------------------------------------------------

    def add_case(self, case: Case, t: int, key: tuple[int, ...], *, latent: bool) -> int:
        """Add a case reported at ``t`` (a hotline dispatch, a latent problem); its index.

        ``key`` names the case's random stream (see ``_Draws``). A latent
        problem is found by a worker and taken up at once; a hotline work order
        is taken up after its own response delay, and never escapes again.
        """
        arrivals = self.arrivals
        arrivals.cases.append(case)
        arrivals.times.append(t)
        arrivals.numbers.append(-1)
        self.draws.add(key)
        i = len(self.cases) - 1
        arrivals.response.append(0.0 if latent else self.draws.exponential(i))
        arrivals.hotline.append(1.0)
        self.logs.append([])
        self.routing.append(None)
        self.due_us.append(0)
        self.escalations.append(0)
        self.escaped.append(False)
        self.found.append(())
        self.desk.append(None)
        self.first_owner.append(None)
        self.resolver.append("")
        self.rejected.append(False)
        self.rounds.append(0)
        self.books.add()
        return i

    # -- recording --------------------------------------------------------------

    def record(self, i: int, kind: int, t: int, payload: Any = None) -> None:
        self.order.append(i)
        self.logs[i] += (kind, t, payload)

    def set_routing(self, i: int, t: int, routing: Routing) -> None:
        self.record(i, _ROUTED, t, routing)
        self.routing[i] = routing
        due = self.due_us[i] = (routing.due - self.start) // _ONE_US
        self.books.routed(i, routing.tier, due)

    def when(self, t: int) -> dt.datetime:
        return self.start + t * _ONE_US

    def escalation(
        self, i: int, now: dt.datetime, recent: list[Case] | None = None
    ) -> Routing | None:
        """``escalate`` of case ``i`` at ``now``, from the facts the ledger keeps.

        What ``escalate`` reads of the case's state — its status, routings,
        acceptance, reopenings and the domains its visits found — the ledger
        already holds, so no state is folded for it; a property test folds
        the state with ``advance`` at every call and holds the two to the same
        facts and the same answer.
        """
        routing = self.routing[i]
        status = self.status[i]
        if routing is None or status in _SETTLED:
            return None
        return _next_routing(
            self.structure,
            self.cases[i],
            routing,
            status=status,
            now=now,
            policy=self.policy,
            owner=self.first_owner[i],
            found=self.found[i],
            reason_kept=self.reopened[i] > 0,
            accepted=self.books.accepted_us[i] is not None,
            first_routing=self.escalations[i] == 0,
            recent=recent or (),
        )

    # -- people and time -------------------------------------------------------------

    def staffing(self, t: int) -> Staffing:
        """Who works where on the day of ``t``."""
        # Days counted from the start's midnight, so that a day's staffing is
        # looked up once (``t`` is read many times a day).
        index = (t + self.midnight_us) // _DAY_US
        found = self.by_day.get(index)
        if found is None:
            found = self.by_day[index] = self._staffing_on(
                (self.start + t * _ONE_US).date().toordinal()
            )
        return found

    def _staffing_on(self, day: int) -> Staffing:
        """Who works where on the day whose ordinal is ``day``."""
        k = bisect_right(self.epoch_days, day) - 1
        found = self.epochs.get(k)
        if found is None:
            found = self.epochs[k] = Staffing(
                self.structure, self.scenario, dt.date.fromordinal(self.epoch_days[max(k, 0)])
            )
        return found

    def capacity(self, name: str, t: int) -> int:
        """Cases handler ``name`` works on at once at ``t``."""
        return self.staffing(t).capacity(name)

    def capacity_until(self, name: str, t: int) -> tuple[int, int]:
        """``capacity(name, t)``, and the time it holds until: the next change of staffing."""
        day = (self.start + t * _ONE_US).date().toordinal()
        k = bisect_right(self.epoch_days, day)
        if k == len(self.epoch_days):
            until = self.end_us + 1
        else:
            midnight = dt.datetime.combine(dt.date.fromordinal(self.epoch_days[k]), dt.time())
            until = (midnight.replace(tzinfo=self.start.tzinfo) - self.start) // _ONE_US
        return self.capacity(name, t), until

    def after_working(self, t: int, hours: float) -> int:
        """``t`` plus ``hours`` of working time (round the clock with WORKING_HOURS off)."""
        if hours <= 0:
            return t
        # Working time never runs faster than the clock: what would end after the
        # period ends after it, whatever the calendar (and never overflows a date).
        if t + hours * _HOUR_US > self.end_us:
            return self.end_us + 1
        if Mechanism.WORKING_HOURS in self.off:
            return t + int(hours * _HOUR_US)
        if self.start.tzinfo is None:
            return self._add_working(t, _hours_us(hours))
        end = self.policy.deadline(self.when(t), TimeLimit(hours, LimitUnit.WORKING_HOURS))
        return (end - self.start) // _ONE_US

    def _window(self, d: int) -> tuple[int, int] | None:
        """Day ``d`` of the run's working hours, in microseconds from the start (None: no work)."""
        windows = self.windows
        while len(windows) <= d:
            k = len(windows)
            day = self.start.date() + dt.timedelta(days=k)
            if self.policy.calendar.is_working_day(day):
                midnight = k * _DAY_US - self.midnight_us
                windows.append((midnight + self.opening_us, midnight + self.closing_us))
            else:
                windows.append(None)
        return windows[d]

    def _add_working(self, t: int, left: int) -> int:
        """``t`` plus ``left`` microseconds of working time, for a naive start.

        What ``Calendar._add_working_hours`` does (so ``Policy.deadline`` with a
        limit in working hours: a property test holds them equal), on whole
        microseconds and the run's table of working days instead of datetimes.
        """
        d = (t + self.midnight_us) // _DAY_US
        window = self._window(d)
        if window is None or t >= window[1]:
            d += 1
            while (window := self._window(d)) is None:
                d += 1
            start = window[0]
        else:
            start = max(t, window[0])
        while True:
            available = window[1] - start
            if left <= available:
                return start + left
            left -= available
            d += 1
            while (window := self._window(d)) is None:
                d += 1
            start = window[0]

    def queue_of(self, i: int) -> str:
        """Whose queue case ``i`` waits in: the desk that settles it, else its handler."""
        desk = self.desk[i]
        if desk is not None:
            return desk
        routing = self.routing[i]
        assert routing is not None
        return routing.handler or "street"

    def joined(self, staffing: Staffing, a: str, b: str) -> bool:
        """Whether a standing meeting seats both units, or bodies where their people sit."""
        return not self.meetings_reaching(staffing, a).isdisjoint(
            self.meetings_reaching(staffing, b)
        )

    def meetings_reaching(self, staffing: Staffing, unit: str) -> frozenset[int]:
        """The standing meetings (by position) that seat ``unit`` or a body its people sit in."""
        key = (id(staffing), unit)
        found = self.reached.get(key)
        if found is None:
            seats = self.seats
            found = self.reached[key] = frozenset(
                k for seat in staffing.reach(unit) for k in seats.get(seat, ())
            )
        return found

    def handoff(self, t: int, source: str, target: str) -> float:
        """The share of the coordination delay a handoff from ``source`` to ``target`` costs."""
        staffing = self.staffing(t)
        # The factor depends on the day's staffing and the two handlers alone: worked out
        # once per pair and staffing (a case is handed over some ten thousand times a month).
        key = (id(staffing), source, target)
        found = self.factors.get(key)
        if found is None:
            # ... and on the handlers' units alone: many handlers share a unit.
            a, b = staffing.unit(source), staffing.unit(target)
            units = (id(staffing), a, b)
            found = self.unit_factors.get(units)
            if found is None:
                scenario = self.scenario
                found = self.unit_factors[units] = handoff_factor(
                    same_unit=a == b,
                    shared_person=bool(staffing.people_of(a) & staffing.people_of(b)),
                    joined=self.joined(staffing, a, b),
                    person_factor=scenario.handoff_person,
                    meeting_factor=scenario.handoff_meeting,
                )
            self.factors[key] = found
        return found

    def wait_until(self, i: int, t: int, previous: str | None) -> int:
        """When case ``i``, placed at ``t`` coming from ``previous``, joins its handler's queue.

        It waits for the sitting of the meeting that takes it up (``MEETINGS``)
        and for the handoff from whoever had it, and from each co-handler
        (``HANDOFFS``). An emergency and a whistle order wait for nothing:
        departments report at the whistle (吹哨报到).
        """
        routing = self.routing[i]
        assert routing is not None
        if routing.procedure in (Procedure.EMERGENCY, Procedure.WHISTLE):
            return t
        scenario = self.scenario
        until = t
        meeting = None
        if Mechanism.MEETINGS not in self.off and self.desk[i] is None:
            meeting = self.meetings.get(routing.forum or "")
            if meeting is None:
                for other in routing.co_handlers:
                    meeting = self.meetings.get(other)
                    if meeting is not None:
                        break
            if meeting is None and routing.procedure is Procedure.DELIBERATION:
                meeting = Meeting(id="ad hoc", convener=routing.convener or routing.handler or "")
            if meeting is not None:
                sitting = next_sitting(
                    meeting,
                    self.when(t),
                    policy=self.policy,
                    monthly_day=scenario.meeting_day,
                    weekly_day=scenario.meeting_weekday,
                    adhoc_days=scenario.adhoc_days,
                )
                until = (sitting - self.start) // _ONE_US
        if Mechanism.HANDOFFS not in self.off and scenario.handoff_hours > 0:
            name = self.queue_of(i)
            factor = 0.0 if previous is None else self.handoff(t, previous, name)
            if meeting is None:
                for other in routing.co_handlers:
                    if other not in self.meetings:
                        factor = max(factor, self.handoff(t, other, name))
            if factor > 0:
                hours = self.draws.exponential(i) * scenario.handoff_hours * factor
                until = max(until, self.after_working(t, hours))
        return until

    def handling_until(self, i: int, t: int, normal: float) -> int:
        """When the handler, starting at ``t``, is done with case ``i``."""
        routing = self.routing[i]
        assert routing is not None
        scenario = self.scenario
        tier = Tier.MICRO_GRID if self.desk[i] is not None else routing.tier
        hours = math.exp(self.log_mean[tier] + scenario.handling_sigma * normal)
        hours *= self.category_hours[self.cases[i].category]
        if routing.procedure is Procedure.EMERGENCY:
            return t + int(hours * _HOUR_US)
        return self.after_working(t, hours)

    # -- the steps of a case's process --------------------------------------------

    def arrive(self, i: int) -> int:
        """Report and route case ``i``; returns when its first contact takes it up (or -1).

        A return of ``-1 - t`` means the case escapes to the hotline at ``t``.
        """
        case = self.cases[i]
        t = self.arrivals.times[i]
        first = route(self.structure, case, policy=self.policy)
        self.record(i, _REPORTED, t)
        self.set_routing(i, t, first)
        self.first_owner[i] = first.owner
        # A matter reported again and again at one place escalates at once. The
        # reports of the warm-up are left out of the log, so they do not count:
        # the log must show why each case escalated.
        if self.warm_us and t >= self.warm_us and not self.warmed:
            self.recent.clear()
            self.warmed = True
        key = (case.place, case.category)
        earlier = self.recent.get(key)
        if earlier is None:
            earlier = self.recent[key] = deque()
        cutoff = t - self.window_us
        while earlier and earlier[0][0] < cutoff:
            earlier.popleft()
        if len(earlier) >= self.policy.recurrence_threshold:
            nxt = self.escalation(i, case.reported_at, [c for _, c in earlier])
            if nxt is not None:
                self.set_routing(i, t, nxt)
                self.escalations[i] += 1
        earlier.append((t, case))
        scenario = self.scenario
        # An incipient matter brought to a property desk where a party vanguard
        # post is staffed that day is settled there on the spot.
        if (
            Mechanism.FRONT_DESK not in self.off
            and case.category in _INCIPIENT
            and case.channel in _DESK_CHANNELS
            and self.escalations[i] == 0
        ):
            compound = self.compound_of.get(case.place)
            posts = self.front.get(compound[0]) if compound is not None else None
            routing = self.routing[i]
            assert routing is not None
            staffing = self.staffing(t)
            # The post acts for its company: only where the routing gives the
            # company a part in the case, as handler or co-handler (the access
            # rules give its posts the right to act then).
            companies = {staffing.unit(p) for p in posts or ()}
            if posts and any(
                staffing.unit(h) in companies for h in (routing.handler or "", *routing.co_handlers)
            ):
                held = [p for p in posts if staffing.holds(p)]
                if held and self.draws.uniform(i) < scenario.front_desk:
                    self.desk[i] = held[0]
                    self.front_desk += 1
                    return t
        if case.channel is Channel.PATROL or self.arrivals.response[i] == 0.0:
            return t  # found by a worker (a patrol, a return visit): taken up at once
        # A grid worker who owns the case answers fast; an office slowly.
        mean = (
            scenario.response_hours
            if first.owner in self.grid_posts
            else scenario.response_hours_without_grid
        )
        delay = int(self.arrivals.response[i] * mean * _HOUR_US)
        due = self.response_due(t)
        if (
            t + delay > due
            and case.channel is not Channel.HOTLINE
            and self.arrivals.hotline[i] < scenario.hotline
        ):
            return -1 - due
        return t + delay

    def response_due(self, t: int) -> int:
        """When a case reported at ``t`` must be accepted, in microseconds from the start."""
        limit = self.response_limit_us
        if limit is not None:
            return t + limit
        due = self.policy.deadline(self.start + t * _ONE_US, self.policy.response_limit)
        return (due - self.start) // _ONE_US

    def accept(self, i: int, t: int) -> None:
        routing = self.routing[i]
        assert routing is not None
        actor = self.desk[i] or routing.owner or routing.handler or "street"
        self.record(i, _ACCEPTED, t, actor)
        self.books.accepted(i, t)

    def decided(self, i: int) -> tuple[bool, bool] | None:
        """``(quorum met, approved)`` of the owners' decision a deliberation of case ``i`` ends in.

        Each household of the compound takes part with probability
        ``turnout`` and votes for with probability ``support`` (``BALLOTS``);
        the rule the routing names (art. 278 or a consultation) decides, through
        ``outcome_by_counts``, which a property test holds equal to ``decide``
        over the same ballots. ``None`` where no vote is taken.
        """
        routing = self.routing[i]
        assert routing is not None
        if routing.rule is None or Mechanism.BALLOTS in self.off or self.desk[i] is not None:
            return None
        scenario = self.scenario
        case = self.cases[i]
        compound = self.compound_of.get(case.place)
        owners = compound[1] if compound is not None else scenario.households_if_unknown
        generator = self.draws.generator(i)
        voting = int(generator.binomial(owners, scenario.turnout))
        yes = int(generator.binomial(voting, scenario.support))
        consultation = routing.rule != "civil_code_278"
        area = 0 if consultation else self.area
        return outcome_by_counts(
            for_owners=yes,
            against_owners=voting - yes,
            abstain_owners=0,
            area=area,
            matter=_MATTERS.get(case.category, Matter.OTHER_MAJOR),
            eligible=Electorate(owners=owners, area=owners * area),
            rule=_CONSULTATION if consultation else CIVIL_CODE_278,
        )

    def resolve(self, i: int, t: int, actor: str) -> None:
        self.record(i, _RESOLVED, t, actor)
        self.books.resolved(i, t)
        self.resolver[i] = actor

    def is_accepted(self, i: int) -> bool:
        return self.books.accepted_us[i] is not None

    def report_check(self, i: int) -> int:
        """When to look whether anyone reported on the spot of emergency ``i`` in time."""
        case = self.cases[i]
        by = self.policy.deadline(case.reported_at, self.policy.emergency_report_limit)
        return (by - self.start) // _ONE_US + _MINUTE_US

    def overdue(self, i: int, t: int) -> Routing | None:
        """The due check: the next routing of a case not resolved by its due time."""
        if self.status[i] in _SETTLED:
            return None
        return self.escalation(i, self.when(t))

    def escalated(self, i: int, t: int, routing: Routing) -> None:
        self.escalations[i] += 1
        self.desk[i] = None
        self.set_routing(i, t, routing)

    def satisfaction(self, i: int) -> float:
        """The chance the return visit of case ``i`` finds the resident satisfied."""
        scenario = self.scenario
        if Mechanism.SATISFACTION in self.off:
            return scenario.satisfaction
        books = self.books
        resolved, due = books.resolved_us[i], books.resolved_due_us[i]
        facts = (
            resolved is not None and due is not None and resolved > due,
            self.escalations[i],
            self.reopened[i],
            self.resolver[i] == (self.first_owner[i] or ""),
            self.cases[i].channel is Channel.HOTLINE,
            self.rejected[i],
        )
        # A handful of distinct facts recur all year: each chance is worked out once.
        found = self.chances.get(facts)
        if found is None:
            late, escalations, reopenings, continuity, hotline, rejected = facts
            found = self.chances[facts] = satisfaction_probability(
                base=scenario.satisfaction,
                late=late,
                escalations=escalations,
                reopenings=reopenings,
                continuity=continuity,
                hotline=hotline,
                rejected=rejected,
                late_penalty=scenario.late_penalty,
                escalation_penalty=scenario.escalation_penalty,
                reopen_penalty=scenario.reopen_penalty,
                continuity_bonus=scenario.continuity_bonus,
                hotline_penalty=scenario.hotline_penalty,
                rejected_penalty=scenario.rejected_penalty,
            )
        return found

    def revisit(
        self, i: int, t: int
    ) -> tuple[bool, Routing | None, tuple[Case, tuple[int, ...]] | None]:
        """The return visit: ``(reopened, next routing, latent case)``; one not reopened is closed.

        A visit to a settled dispute may uncover a latent one (``LATENT``): it
        is booked as found and becomes a new case, taken up at once. The new
        case comes with the key of its random stream; its id is the visited
        case's and the visit's, ``case:7/visit1``.
        """
        routing = self.routing[i]
        assert routing is not None
        scenario = self.scenario
        draws = self.draws
        satisfied = draws.uniform(i) < self.satisfaction(i)
        # The supervisor confirms the fix at the visit; the first contact closes
        # or reopens (首接负责).
        visitor = routing.supervisor or routing.owner or routing.handler or "street"
        actor = routing.owner or routing.handler or "street"
        case = self.cases[i]
        latent: tuple[Case, tuple[int, ...]] | None = None
        payload: Any = visitor
        if (
            Mechanism.LATENT not in self.off
            and case.category in DISPUTES
            and draws.uniform(i) < scenario.latent
        ):
            domains = routing.domains[:1]
            if domains:
                payload = (visitor, domains)
                self.found[i] = tuple(dict.fromkeys((*self.found[i], *domains)))
                visit = self.books.revisits[i] + 1
                latent = (
                    attrs.evolve(
                        case,
                        id=f"{case.id}/visit{visit}",
                        reported_at=self.when(t),
                        channel=Channel.VISIT,
                    ),
                    (_MADE_LATENT, visit, *draws.keys[i]),
                )
        self.record(i, _REVISITED if satisfied else _UNSATISFIED, t, payload)
        books = self.books
        books.revisited(i, t, satisfied=satisfied, found=latent is not None)
        if (
            not satisfied
            and self.reopened[i] < scenario.max_reopens
            and draws.uniform(i) < scenario.reopen
        ):
            # Whoever visited decides: reopened, or closed (一案一回访).
            self.record(i, _REOPENED, t, actor)
            books.reopened(i)
            self.desk[i] = None
            nxt = self.escalation(i, self.when(t))
            return True, nxt, latent
        self.record(i, _CLOSED, t, actor)
        books.closed(i)
        return False, None, latent

    def hotline_dispatch(self, i: int, t: int) -> tuple[Case, int, tuple[int, ...]] | None:
        """The 12345 work order an escaped case ``i`` comes back as, when, and its stream's key.

        The hotline signs and dispatches it to the street and the community
        within ``hotline_dispatch_hours`` working hours (接诉即办: the first
        unit that receives it leads); it is then routed like any case. Its id
        is the escaped case's with ``/12345`` (``HOTLINE_LOOP``).
        """
        if Mechanism.HOTLINE_LOOP in self.off:
            return None
        at = self.after_working(t, self.scenario.hotline_dispatch_hours)
        if at > self.end_us:
            return None
        escaped = self.cases[i]
        case = attrs.evolve(
            escaped,
            id=f"{escaped.id}/12345",
            reported_at=self.when(at),
            channel=Channel.HOTLINE,
        )
        return case, at, (_MADE_HOTLINE, *self.draws.keys[i])

    # -- the result -----------------------------------------------------------------

    def kept(self) -> list[int]:
        """The cases of the period itself: reported after the warm-up."""
        warm = self.warm_us
        times = self.arrivals.times
        if warm == 0:
            return list(range(len(self.cases)))
        return [i for i in range(len(self.cases)) if times[i] >= warm]

    def facts(self) -> list[Any]:
        limit = self.response_limit_us
        return self.books.facts(
            now=self.end_us, response_limit=self.response_due if limit is None else limit
        )

    def part(self) -> _Part:
        """What the run leaves behind, for the cases of the period (see ``_assemble``)."""
        kept = self.kept()
        facts = self.facts()
        if len(kept) == len(self.cases):
            order = self.order

            def pick(values: list[Any]) -> list[Any]:
                return values
        else:
            index = [-1] * len(self.cases)
            for k, i in enumerate(kept):
                index[i] = k
            order = [k for k in map(index.__getitem__, self.order) if k >= 0]

            def pick(values: list[Any]) -> list[Any]:
                return [values[i] for i in kept]

        return _Part(
            start=self.start,
            end_us=self.end_us,
            keys=pick(self.draws.keys),
            cases=pick(self.cases),
            logs=pick(self.logs),
            order=order,
            routing=pick(self.routing),
            status=pick(self.status),
            escaped=pick(self.escaped),
            escalations=pick(self.escalations),
            reopened=pick(self.reopened),
            arrived_us=pick(self.arrivals.times),
            resolved_us=pick(self.books.resolved_us),
            due_us=pick(self.due_us),
            facts=pick(facts),
            desk=[d is not None for d in pick(self.desk)],
        )


@attrs.frozen(kw_only=True)
class _Part:
    """The cases one ledger ran, with their logs, books and facts, in the ledger's order.

    ``order`` lists the case of each event in the order the events happened
    (indexes into the lists); the other lists have one entry per case.
    """

    start: dt.datetime
    end_us: int
    keys: list[tuple[int, ...]]
    cases: list[Case]
    logs: list[list[Any]]
    order: list[int]
    routing: list[Routing | None]
    status: list[Status]
    escaped: list[bool]
    escalations: list[int]
    reopened: list[int]
    arrived_us: list[int]
    resolved_us: list[int | None]
    due_us: list[int]
    facts: list[Any]
    desk: list[bool]


def _canonical(times: list[int], keys: list[tuple[int, ...]]) -> list[int]:
    """The cases' indexes in report order: by time, then by the keys of their streams.

    Drawn cases come in the order of their numbers (``(0, n)``: already by
    time), each case made during the run after every drawn case reported at
    the same moment. The order depends on the cases alone, never on the order
    a run made them in, so a run and the merge of its parts agree.
    """
    drawn = [i for i, key in enumerate(keys) if key[0] == 0]
    made = sorted(
        (i for i, key in enumerate(keys) if key[0] != 0), key=lambda i: (times[i], keys[i])
    )
    if len(drawn) > 1 and any(keys[a][1] > keys[b][1] for a, b in itertools.pairwise(drawn)):
        numbers = np.array([keys[i][1] for i in drawn], dtype=np.int64)
        drawn = [drawn[k] for k in np.argsort(numbers, kind="stable").tolist()]
    if not made:
        return drawn
    at = np.searchsorted(
        np.array([times[i] for i in drawn], dtype=np.int64),
        np.array([times[i] for i in made], dtype=np.int64),
        side="right",
    ).tolist()
    out: list[int] = []
    previous = 0
    for position, i in zip(at, made, strict=True):
        out += drawn[previous:position]
        out.append(i)
        previous = position
    out += drawn[previous:]
    return out


def _assemble(parts: list[_Part], seed: int | tuple[int, ...]) -> SimulationResult:
    """One result from the parts of a run, its cases in report order (``_canonical``)."""
    first = parts[0]
    if len(parts) == 1:
        whole = first
    else:
        offsets = list(itertools.accumulate((len(p.cases) for p in parts), initial=0))

        def joined(name: str) -> list[Any]:
            return [value for p in parts for value in getattr(p, name)]

        whole = _Part(
            start=first.start,
            end_us=first.end_us,
            keys=joined("keys"),
            cases=joined("cases"),
            logs=joined("logs"),
            order=[i + offset for p, offset in zip(parts, offsets, strict=False) for i in p.order],
            routing=joined("routing"),
            status=joined("status"),
            escaped=joined("escaped"),
            escalations=joined("escalations"),
            reopened=joined("reopened"),
            arrived_us=joined("arrived_us"),
            resolved_us=joined("resolved_us"),
            due_us=joined("due_us"),
            facts=joined("facts"),
            desk=joined("desk"),
        )
    ranked = _canonical(whole.arrived_us, whole.keys)
    if any(k != i for k, i in enumerate(ranked)):
        index = [0] * len(ranked)
        for k, i in enumerate(ranked):
            index[i] = k
        order = [index[i] for i in whole.order]

        def pick(values: list[Any]) -> list[Any]:
            return [values[i] for i in ranked]
    else:
        order = whole.order

        def pick(values: list[Any]) -> list[Any]:
            return values

    cases = pick(whole.cases)
    facts = pick(whole.facts)
    run = _Run(
        start=whole.start,
        cases=cases,
        logs=pick(whole.logs),
        order=order,
        routing=pick(whole.routing),
        status=pick(whole.status),
        escaped=pick(whole.escaped),
        escalations=pick(whole.escalations),
        reopened=pick(whole.reopened),
        arrived_us=pick(whole.arrived_us),
        resolved_us=pick(whole.resolved_us),
        due_us=pick(whole.due_us),
        end_us=whole.end_us,
    )
    hotline_facts = [f for f, c in zip(facts, cases, strict=True) if c.channel is Channel.HOTLINE]
    return SimulationResult(
        metrics=count(facts),
        hotline=sum(run.escaped),
        hotline_metrics=count(hotline_facts),
        front_desk=sum(whole.desk),
        seed=seed,
        run=run,
    )


def simulate(
    structure: Structure,
    scenario: Scenario | None = None,
    *,
    seed: Seed,
    policy: Policy = DEFAULT_POLICY,
) -> SimulationResult:
    """Simulate ``scenario`` over ``structure``; the same seed gives the same log.

    Parameters
    ----------
    structure
        Where the requests happen.
    scenario
        The assumptions; ``Scenario()`` (calibrated to Xinhe) by default.
    seed
        An int, a ``numpy.random.SeedSequence`` (e.g. spawned for a sweep) or
        a ``numpy.random.Generator``. All randomness comes from it.
    policy
        The rules' policy.

    Examples
    --------
    >>> from govmodel import examples
    >>> from govmodel.simulation import Scenario, simulate
    >>> r = simulate(examples.load("xinhe"), seed=2)
    >>> 300 <= len(r.outcomes) <= 500
    True
    """
    scenario = scenario if scenario is not None else Scenario()
    # Assembling the result allocates too: the collector waits until it is done.
    with paused():
        return _assemble([_simulate_part(structure, scenario, seed, policy, None)], _seed_key(seed))


def _simulate_part(
    structure: Structure,
    scenario: Scenario,
    seed: Seed,
    policy: Policy,
    within: frozenset[str] | None,
) -> _Part:
    """Run the cases of the compounds ``within`` (all with ``None``) as in a run of the whole."""
    rng, sequence = _generator(seed)
    # The run allocates millions of small objects and frees none of them until
    # it ends; the cyclic collector would traverse them again and again (half
    # the run's time) to find nothing, so it waits until the run is over.
    with paused():
        arrivals = _draw_arrivals(structure, scenario, rng, policy, within)
        ledger = _Ledger(structure, scenario, policy, arrivals, _Draws(sequence))
        _run(ledger)
        return ledger.part()


def _run(ledger: _Ledger) -> None:
    """The event loop: arrivals in order, everything else from a heap."""
    revisit_us = ledger.scenario.revisit_hours * _HOUR_US
    end = ledger.end_us
    arrival_times = ledger.arrivals.times
    n = len(arrival_times)
    routing_of = ledger.routing
    due_of = ledger.due_us
    escaped = ledger.escaped
    version = [0] * n
    handler_of: list[str | None] = [None] * n
    in_service = [False] * n
    handlers: dict[str, _Handler] = {}
    # Cases made during the run (with their streams' keys), by their index in the heap entry.
    pending: list[tuple[Case, tuple[int, ...]]] = []
    # The heap holds one int per happening, its time and its number in the order things
    # were scheduled (``time << _SEQ_BITS | number``); what happens, to which case, under
    # which version, is ``slots[number]``. Ints compare several times faster than tuples.
    heap: list[int] = []
    slots: list[tuple[int, int, int] | None] = []
    push: Callable[[list[int], int], None] = heapq.heappush
    schedule = slots.append
    pop = heapq.heappop
    draws = ledger.draws
    normal = draws.normal
    exponential = draws.exponential

    def serve(name: str, t: int) -> None:
        worker = handlers[name]
        waiting = worker.waiting
        if t >= worker.until:
            # The day's staffing changed (or this is the handler's first case).
            worker.capacity, worker.until = ledger.capacity_until(name, t)
        capacity = worker.capacity
        while worker.busy < capacity and waiting:
            i, v = waiting.popleft()
            if version[i] != v or escaped[i]:
                continue
            worker.busy += 1
            in_service[i] = True
            push(heap, ledger.handling_until(i, t, normal(i)) << _SEQ_BITS | len(slots))
            schedule((_HANDLED, i, v))

    def join(i: int, t: int) -> None:
        """Case ``i`` joins its handler's queue."""
        name = ledger.queue_of(i)
        handler_of[i] = name
        in_service[i] = False
        worker = handlers.get(name)
        if worker is None:
            worker = handlers[name] = _Handler()
        worker.waiting.append((i, version[i]))
        serve(name, t)

    def place(i: int, t: int) -> None:
        """Case ``i`` goes to its handler: after any wait, and with a due check."""
        v = version[i]
        previous = handler_of[i] if handler_of[i] is not None else ledger.first_owner[i]
        until = ledger.wait_until(i, t, previous)
        if until <= t:
            join(i, t)
        else:
            handler_of[i] = None
            in_service[i] = False
            push(heap, until << _SEQ_BITS | len(slots))
            schedule((_JOIN, i, v))
        # The case is overdue just after its due time (escalate wants now > due);
        # a due time already past is checked at once.
        push(heap, max(t, due_of[i] + _MINUTE_US) << _SEQ_BITS | len(slots))
        schedule((_DUE, i, v))

    def release(i: int, t: int) -> None:
        if in_service[i]:
            name = handler_of[i]
            assert name is not None
            handlers[name].busy -= 1
            in_service[i] = False
            serve(name, t)

    def reroute(i: int, t: int, routing: Routing) -> None:
        release(i, t)
        version[i] += 1
        ledger.escalated(i, t, routing)
        if ledger.is_accepted(i):
            place(i, t)

    def arrived(i: int) -> None:
        taken_up = ledger.arrive(i)
        if taken_up < 0:
            push(heap, (-1 - taken_up) << _SEQ_BITS | len(slots))
            schedule((_ESCAPE, i, 0))
        else:
            push(heap, taken_up << _SEQ_BITS | len(slots))
            schedule((_ACCEPT, i, 0))
        first = routing_of[i]
        if first is not None and first.procedure is Procedure.EMERGENCY:
            # An emergency nobody is on the spot for within the report limit goes to
            # the street (escalate decides; this is when it looks).
            push(heap, ledger.report_check(i) << _SEQ_BITS | len(slots))
            schedule((_DUE, i, 0))

    def spawn(case: Case, t: int, key: tuple[int, ...]) -> None:
        pending.append((case, key))
        push(heap, t << _SEQ_BITS | len(slots))
        schedule((_SPAWN, len(pending) - 1, 0))

    a = 0
    while True:
        if a < n and (not heap or arrival_times[a] <= heap[0] >> _SEQ_BITS):
            i = a
            a += 1
            arrived(i)
            continue
        if not heap:
            break
        entry = pop(heap)
        t = entry >> _SEQ_BITS
        number = entry & _SEQ_MASK
        what = slots[number]
        assert what is not None
        slots[number] = None  # done with
        kind, i, v = what
        if t > end:
            break
        if kind == _SPAWN:
            case, key = pending[i]
            j = ledger.add_case(case, t, key, latent=case.channel is Channel.VISIT)
            version.append(0)
            handler_of.append(None)
            in_service.append(False)
            arrived(j)
            continue
        if escaped[i]:
            continue
        if kind == _ACCEPT:
            ledger.accept(i, t)
            place(i, t)
            continue
        if kind == _ESCAPE:
            escaped[i] = True
            back = ledger.hotline_dispatch(i, t)
            if back is not None:
                spawn(*back)
            continue
        if v != version[i]:
            continue  # a superseded handling, due check, join or visit
        if kind == _JOIN:
            join(i, t)
        elif kind == _HANDLED:
            release(i, t)
            decision = ledger.decided(i)
            if decision is not None and not decision[0]:
                # Too few took part: the matter goes to the meeting's next sitting,
                # once; then it waits for its due check (escalate decides).
                ledger.rounds[i] += 1
                if ledger.rounds[i] < 2:
                    version[i] += 1
                    place(i, t)
                continue
            if decision is not None:
                ledger.rejected[i] = not decision[1]
            name = handler_of[i]
            assert name is not None
            ledger.resolve(i, t, name)
            push(heap, (t + int(exponential(i) * revisit_us)) << _SEQ_BITS | len(slots))
            schedule((_REVISIT, i, v))
        elif kind == _DUE:
            nxt = ledger.overdue(i, t)
            if nxt is not None:
                reroute(i, t, nxt)
        elif kind == _REVISIT:
            if ledger.status[i] is not Status.RESOLVED:
                continue
            again, nxt, found = ledger.revisit(i, t)
            if found is not None:
                spawn(found[0], t, found[1])
            if again:
                version[i] += 1
                if nxt is not None:
                    reroute(i, t, nxt)
                else:
                    place(i, t)

"""Time metrics that count open cases: Kaplan–Meier, the open backlog, on-time with open cases.

A period ends with some cases still open. Counting resolved cases only makes
a slow structure look fast: the cases it has not settled are left out of its
mean time, and the more it leaves open the better it looks. The functions
here count every case:

``kaplan_meier(durations, resolved)``
    The Kaplan–Meier estimate of the share of cases still open after each
    time. A resolved case gives its time to resolution; an open one is
    *right-censored* at the end of the period: it was open at least that
    long. ``median`` and ``restricted_mean(horizon)`` read the time to
    resolution off the curve; ``interval`` and ``median_interval`` give
    Greenwood's 95 % intervals.
``backlog(arrived, settled, at)``
    How many cases were open at each moment of ``at``.
``on_time_with_open(settled, due, *, now)``
    The on-time share, counting a case still open after its due time as late.

Units
-----
Every function takes plain numbers, never datetimes, and does not care about
the unit as long as all its arguments share one: hours for durations (as
``CaseOutcome.hours_to_resolution``), or whole microseconds from the start of
the run for moments (the simulator's own clock). Numbers are read as 64-bit
floats, which hold whole microseconds exactly for 285 years. A case never
settled has ``None`` or NaN as its settlement time; anywhere else NaN, an
infinity, a boolean or a string is refused with a ``SurvivalError`` that
says where (``durations[3]: ...``).

The functions are pure: they never change their arguments and never read the
clock.

Examples
--------
Five cases of a period: three resolved after 2, 5 and 9 hours, two still
open when the period ended, 4 and 12 hours after they were reported.

>>> km = kaplan_meier([2, 4, 5, 9, 12], [True, False, True, True, False])
>>> km.times, km.survival
((2.0, 5.0, 9.0), (0.8, 0.5333333333333334, 0.2666666666666667))
>>> km.median, km.restricted_mean(12)
(9.0, 7.333333333333334)
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from typing import TypeAlias

import attrs
import numpy as np
from numpy.typing import NDArray

from govmodel._strict import short_repr
from govmodel.errors import _LocatedError

__all__ = [
    "KaplanMeier",
    "OnTime",
    "SurvivalError",
    "backlog",
    "kaplan_meier",
    "on_time_with_open",
]

Numbers: TypeAlias = Sequence[float] | Sequence[float | None] | NDArray[np.number]
"""What the functions take as times: a sequence of numbers or a numeric numpy array."""

_HALF = 0.5 + 1e-12
"""The median's threshold: 0.5, with room for the rounding of a product of fractions
(3/4 x 2/3 may come out a hair above 0.5)."""


class SurvivalError(_LocatedError, ValueError):
    """Input a time metric cannot be computed from, named with where it is.

    ``location`` is the argument, with the index of the first bad value
    (``durations[3]``); the message says what was expected and what was found.

    Examples
    --------
    >>> try:
    ...     kaplan_meier([1.5, -2.0], [True, True])
    ... except SurvivalError as err:
    ...     print(err)
    durations[1]: expected a number of 0 or more, found -2.0
    >>> try:
    ...     kaplan_meier([1.5, 2.0], [True])
    ... except ValueError as err:                 # a ValueError too
    ...     print(err)
    resolved: expected 2 values, one per duration, found 1
    """


def _numbers(
    name: str, values: object, *, missing: bool = False, at_least: float | None = None
) -> NDArray[np.float64]:
    """``values`` as a 1-D float array, or a ``SurvivalError`` at the first bad value.

    With ``missing``, ``None`` and NaN are kept (as NaN): a time that never came.
    """
    if isinstance(values, str | bytes) or not hasattr(values, "__len__"):
        raise SurvivalError(name, f"expected a sequence of numbers, found {short_repr(values)}")
    array = np.asarray(values, dtype=object) if not isinstance(values, np.ndarray) else values
    if array.ndim != 1:
        raise SurvivalError(name, f"expected a flat sequence of numbers, found {array.ndim} axes")
    if array.dtype.kind in "iuf":
        out = array.astype(np.float64)
    else:
        out = np.empty(len(array), dtype=np.float64)
        for i, value in enumerate(array.tolist()):
            if value is None and missing:
                out[i] = math.nan
            elif isinstance(value, bool | np.bool_) or not isinstance(
                value, int | float | np.integer | np.floating
            ):
                expected = "a number or None" if missing else "a number"
                raise SurvivalError(
                    f"{name}[{i}]", f"expected {expected}, found {short_repr(value)}"
                )
            else:
                try:
                    out[i] = value
                except OverflowError:
                    raise SurvivalError(
                        f"{name}[{i}]", f"expected a finite number, found {short_repr(value)}"
                    ) from None
    bad = ~np.isfinite(out) & ~(np.isnan(out) if missing else False)
    if bad.any():
        i = int(np.argmax(bad))
        raise SurvivalError(f"{name}[{i}]", f"expected a finite number, found {float(out[i])!r}")
    if at_least is not None:
        low = out < at_least
        if low.any():
            i = int(np.argmax(low))
            raise SurvivalError(
                f"{name}[{i}]",
                f"expected a number of {at_least:g} or more, found {float(out[i])!r}",
            )
    return out


def _same_length(name: str, values: NDArray[np.generic], n: int, per: str) -> None:
    if len(values) != n:
        raise SurvivalError(name, f"expected {n} values, one per {per}, found {len(values)}")


def _real(name: str, value: object) -> float:
    """``value`` when it is a finite real number (not a boolean), else raise."""
    if isinstance(value, bool) or not isinstance(value, int | float | np.integer | np.floating):
        raise SurvivalError(name, f"expected a number, found {short_repr(value)}")
    number = float(value)
    if not math.isfinite(number):
        raise SurvivalError(name, f"expected a finite number, found {number!r}")
    return number


def _z(confidence: object) -> float:
    """The standard normal quantile of a two-sided ``confidence`` level."""
    level = _real("confidence", confidence)
    if not 0 < level < 1:
        raise SurvivalError("confidence", f"expected a number between 0 and 1, found {level!r}")
    return statistics.NormalDist().inv_cdf(0.5 + level / 2)


@attrs.frozen(kw_only=True)
class KaplanMeier:
    """The Kaplan–Meier estimate of the share of cases still open after each time.

    Built by :func:`kaplan_meier`. The curve is a step function: 1 before the
    first resolution, ``survival[i]`` from ``times[i]`` (included) to the next
    time. Censoring never moves it; it only shrinks the number at risk.

    Attributes
    ----------
    times
        The distinct times at which cases were resolved, in increasing order.
    survival
        The estimated share of cases still open just after each time.
    at_risk
        The cases still open just before each time: resolved at or after it,
        or censored at or after it (a case censored at the very time of a
        resolution counts as at risk, as is usual).
    resolved
        The cases resolved at each time.
    cases
        How many cases the estimate was made from.
    longest
        The longest duration observed, resolved or not (``None`` without cases):
        beyond it, the data say nothing.

    Examples
    --------
    >>> km = kaplan_meier([1, 2, 2, 3], [True, True, False, True])
    >>> km.at_risk, km.resolved, km.survival
    ((4, 3, 1), (1, 1, 1), (0.75, 0.5, 0.0))
    """

    times: tuple[float, ...]
    survival: tuple[float, ...]
    at_risk: tuple[int, ...]
    resolved: tuple[int, ...]
    cases: int
    longest: float | None

    def survival_at(self, t: float) -> float:
        """The estimated share of cases still open after ``t`` (resolutions at ``t`` included).

        Beyond the longest duration observed the curve holds its last value.

        Examples
        --------
        >>> km = kaplan_meier([1, 2, 2, 3], [True, True, False, True])
        >>> km.survival_at(0.5), km.survival_at(2), km.survival_at(2.5)
        (1.0, 0.5, 0.5)
        """
        moment = _real("t", t)
        i = int(np.searchsorted(np.asarray(self.times), moment, side="right"))
        return 1.0 if i == 0 else self.survival[i - 1]

    @property
    def median(self) -> float | None:
        """The median time to resolution: the first time the curve falls to 0.5 or below.

        ``None`` when it never does, because more than half the cases were
        still open at the last resolution (or there are no cases): the median
        is then not known, only that it lies beyond the data. Without
        censoring this is the lower median of the durations,
        ``numpy.quantile(durations, 0.5, method="inverted_cdf")``: of an even
        number of durations, the lower of the two middle ones, not their mean.

        Examples
        --------
        >>> kaplan_meier([3, 1, 4, 2], [True] * 4).median
        2.0
        >>> print(kaplan_meier([1, 2, 3, 4], [True, False, False, False]).median)
        None
        """
        for t, s in zip(self.times, self.survival, strict=True):
            if s <= _HALF:
                return t
        return None

    def restricted_mean(self, horizon: float) -> float | None:
        """The mean time to resolution, counting no case for longer than ``horizon``.

        The area under the curve from 0 to ``horizon``: every case that takes
        longer, or is still open, counts as ``horizon``. Unlike a mean over
        the resolved cases only, it grows when cases are left open. Beyond the
        longest duration observed the curve holds its last value, so cases
        still open there are counted as open until ``horizon``. Use the length
        of the period, or a due time, as the horizon, and the same horizon
        for every structure compared. ``None`` without cases.

        Examples
        --------
        >>> km = kaplan_meier([2, 4, 6], [True, True, True])
        >>> km.restricted_mean(10), km.restricted_mean(3)
        (4.0, 2.666666666666667)
        >>> kaplan_meier([2, 4, 6], [True, False, False]).restricted_mean(10)
        7.333333333333334
        """
        limit = _real("horizon", horizon)
        if limit < 0:
            raise SurvivalError("horizon", f"expected a number of 0 or more, found {limit!r}")
        if self.cases == 0:
            return None
        times = np.asarray(self.times, dtype=np.float64)
        inside = times < limit
        edges = np.concatenate(([0.0], times[inside], [limit]))
        heights = np.concatenate(([1.0], np.asarray(self.survival, dtype=np.float64)[inside]))
        return float(np.sum(np.diff(edges) * heights))

    def interval(self, *, confidence: float = 0.95) -> tuple[tuple[float, ...], tuple[float, ...]]:
        """Pointwise intervals of ``survival``: (lower bounds, upper bounds), one per time.

        Greenwood's variance on the log-log scale, which keeps the bounds
        within 0 and 1: with ``V`` Greenwood's sum of
        ``resolved / (at_risk * (at_risk - resolved))`` up to a time and ``S``
        the curve there, the bounds are ``S ** exp(±z * sqrt(V) / log S)``.
        Where the curve is 0 (every case at risk was resolved) the interval is
        undefined and both bounds are NaN.

        Examples
        --------
        >>> low, high = kaplan_meier([1, 2, 3, 4, 5], [True] * 5).interval()
        >>> [round(x, 3) for x in low], [round(x, 3) for x in high]
        ([0.204, 0.126, 0.052, 0.008, nan], [0.969, 0.882, 0.753, 0.582, nan])
        """
        z = _z(confidence)
        at_risk = np.asarray(self.at_risk, dtype=np.float64)
        resolved = np.asarray(self.resolved, dtype=np.float64)
        survival = np.asarray(self.survival, dtype=np.float64)
        with np.errstate(divide="ignore", invalid="ignore"):
            greenwood = np.cumsum(resolved / (at_risk * (at_risk - resolved)))
            spread = z * np.sqrt(greenwood) / np.log(survival)
            low = survival ** np.exp(-spread)
            high = survival ** np.exp(spread)
        undefined = survival <= 0
        low[undefined] = np.nan
        high[undefined] = np.nan
        return tuple(low.tolist()), tuple(high.tolist())

    def median_interval(self, *, confidence: float = 0.95) -> tuple[float | None, float | None]:
        """An interval for the median: the times the pointwise interval first reaches 0.5.

        Brookmeyer and Crowley's construction, the times at which the
        pointwise interval holds 0.5: the lower bound is the first time the
        lower bound of :meth:`interval` falls to 0.5 or below, the upper bound
        the first time its upper bound does. Where the curve is 0
        both bounds count as 0. A bound is ``None`` when that never happens
        within the data: the median may lie beyond them.

        Examples
        --------
        >>> km = kaplan_meier(list(range(1, 21)), [True] * 20)
        >>> km.median, km.median_interval()
        (10.0, (5.0, 15.0))
        """
        low, high = self.interval(confidence=confidence)

        def first(bounds: tuple[float, ...]) -> float | None:
            for t, b in zip(self.times, bounds, strict=True):
                if math.isnan(b) or b <= _HALF:
                    return t
            return None

        return first(low), first(high)


def kaplan_meier(durations: Numbers, resolved: Sequence[bool] | NDArray[np.bool_]) -> KaplanMeier:
    """The Kaplan–Meier estimate from each case's duration and whether it was resolved.

    Parameters
    ----------
    durations
        Each case's time to resolution when resolved; when still open at the
        end of the period, the time from its report to that end. Numbers of 0
        or more, in one unit (hours, say).
    resolved
        ``True`` for a resolved case, ``False`` for a case still open (right-
        censored): one per duration. Booleans only; ``1`` and ``0`` are refused
        so that a list of durations passed by mistake is not read as flags.

    Returns
    -------
    KaplanMeier
        The curve, with its median, restricted mean and intervals.

    Raises
    ------
    SurvivalError
        A duration that is negative, NaN, infinite or not a number; a flag
        that is not a boolean; ``resolved`` of another length.

    Examples
    --------
    >>> km = kaplan_meier([5.0, 1.0, 3.0, 3.0], [True, True, False, True])
    >>> km.times, km.survival, km.cases, km.longest
    ((1.0, 3.0, 5.0), (0.75, 0.5, 0.0), 4, 5.0)
    >>> kaplan_meier([], []).median is None
    True
    """
    times = _numbers("durations", durations, at_least=0)
    flags = _flags("resolved", resolved, len(times))
    n = len(times)
    ordered = np.sort(times)
    event_times, counts = np.unique(times[flags], return_counts=True)
    at_risk = n - np.searchsorted(ordered, event_times, side="left")
    survival = np.cumprod(1.0 - counts / at_risk)
    return KaplanMeier(
        times=tuple(event_times.tolist()),
        survival=tuple(survival.tolist()),
        at_risk=tuple(int(x) for x in at_risk),
        resolved=tuple(int(x) for x in counts),
        cases=n,
        longest=float(ordered[-1]) if n else None,
    )


def _flags(name: str, values: object, n: int) -> NDArray[np.bool_]:
    """``values`` as a 1-D boolean array of length ``n``, or a ``SurvivalError``."""
    if isinstance(values, str | bytes) or not hasattr(values, "__len__"):
        raise SurvivalError(name, f"expected a sequence of booleans, found {short_repr(values)}")
    array = values if isinstance(values, np.ndarray) else np.asarray(values, dtype=object)
    if array.ndim != 1:
        raise SurvivalError(name, f"expected a flat sequence of booleans, found {array.ndim} axes")
    _same_length(name, array, n, "duration")
    if array.dtype.kind == "b":
        return array.astype(np.bool_)
    for i, value in enumerate(array.tolist()):
        if not isinstance(value, bool):
            raise SurvivalError(
                f"{name}[{i}]", f"expected true or false, found {short_repr(value)}"
            )
    return array.astype(np.bool_)


def backlog(arrived: Numbers, settled: Numbers, at: Numbers) -> NDArray[np.int64]:
    """How many cases were open at each moment of ``at``.

    A case is open from its arrival (included) to its settlement (excluded):
    a case that arrives at a moment counts at that moment, one settled at a
    moment no longer does.

    Parameters
    ----------
    arrived
        When each case arrived.
    settled
        When each case was settled (resolved or closed for good), one per
        case; ``None`` or NaN for a case never settled. No earlier than its
        arrival.
    at
        The moments to count at, in any order.

    Returns
    -------
    numpy.ndarray
        The open cases at each moment of ``at``, as 64-bit integers.

    Raises
    ------
    SurvivalError
        A time that is NaN (other than a settlement), infinite or not a
        number; ``settled`` of another length than ``arrived``; a settlement
        before its arrival.

    Examples
    --------
    Three cases: one from 0 to 5, one from 2 and never settled, one from 3 to 4.

    >>> backlog([0, 2, 3], [5, None, 4], at=[0, 1, 2, 3, 4, 5, 10])
    array([1, 1, 2, 3, 2, 1, 1])
    """
    start = _numbers("arrived", arrived)
    end = _numbers("settled", settled, missing=True)
    moments = _numbers("at", at)
    _same_length("settled", end, len(start), "arrival")
    early = end < start  # NaN compares False: a case never settled is never early
    if early.any():
        i = int(np.argmax(early))
        raise SurvivalError(
            f"settled[{i}]",
            f"expected a time no earlier than arrived[{i}] ({float(start[i])!r}), "
            f"found {float(end[i])!r}",
        )
    # Every case settled by a moment arrived by it too, so the open cases are
    # those arrived by then less those settled by then.
    arrivals = np.searchsorted(np.sort(start), moments, side="right")
    ends = np.sort(end[~np.isnan(end)])
    settlements = np.searchsorted(ends, moments, side="right")
    return (arrivals - settlements).astype(np.int64)


@attrs.frozen(kw_only=True)
class OnTime:
    """The cases of an on-time share that counts open cases, sorted by where they stand.

    Built by :func:`on_time_with_open`. The counts add up, so runs pool with
    ``+`` and the rate is recomputed from the pooled counts.

    Attributes
    ----------
    on_time
        Settled by ``now``, no later than their due time (exactly at it counts).
    late
        Settled by ``now``, after their due time.
    overdue
        Still open at ``now`` and already past their due time: late, whatever
        happens next.
    pending
        Still open at ``now`` and not yet due: not known yet, left out.
    without_due
        Cases with no due time (never routed): left out.

    Examples
    --------
    >>> OnTime(on_time=8, late=1, overdue=1, pending=5, without_due=0).rate
    0.8
    """

    on_time: int = 0
    late: int = 0
    overdue: int = 0
    pending: int = 0
    without_due: int = 0

    @property
    def rate(self) -> float | None:
        """``on_time / (on_time + late + overdue)``; ``None`` when that is ``0 / 0``.

        Examples
        --------
        >>> print(OnTime(pending=3).rate)
        None
        """
        judged = self.on_time + self.late + self.overdue
        return self.on_time / judged if judged else None

    def __add__(self, other: OnTime) -> OnTime:
        """The counts of two sets of distinct cases, pooled.

        Examples
        --------
        >>> (OnTime(on_time=3, late=1) + OnTime(on_time=1, overdue=3)).rate
        0.5
        """
        if not isinstance(other, OnTime):
            return NotImplemented
        return OnTime(
            on_time=self.on_time + other.on_time,
            late=self.late + other.late,
            overdue=self.overdue + other.overdue,
            pending=self.pending + other.pending,
            without_due=self.without_due + other.without_due,
        )


def on_time_with_open(settled: Numbers, due: Numbers, *, now: float) -> OnTime:
    """The on-time share at ``now``, counting open cases already past due as late.

    ``govmodel.metrics``' ``on_time_rate`` judges resolved cases only, so a
    structure that leaves its hardest cases open looks punctual. Here a case
    still open at ``now`` whose due time has passed (``due < now``) is late
    already; one not yet due is left out, since it may still be on time.

    Parameters
    ----------
    settled
        When each case was settled; ``None`` or NaN if it was not. A
        settlement after ``now`` counts as open at ``now``.
    due
        Each case's due time; ``None`` or NaN for a case without one.
    now
        The moment to judge at, such as the end of the period.

    Returns
    -------
    OnTime
        The counts, and their ``rate``.

    Raises
    ------
    SurvivalError
        A time that is infinite or not a number; ``due`` of another length
        than ``settled``; a ``now`` that is not a finite number.

    Examples
    --------
    Due at 10: settled at 8 (on time), at 12 (late); open at 15 (overdue);
    and one more due at 20, open at 15 (pending).

    >>> result = on_time_with_open([8, 12, None, None], [10, 10, 10, 20], now=15)
    >>> result
    OnTime(on_time=1, late=1, overdue=1, pending=1, without_due=0)
    >>> result.rate
    0.3333333333333333
    """
    end = _numbers("settled", settled, missing=True)
    limit = _numbers("due", due, missing=True)
    moment = _real("now", now)
    _same_length("due", limit, len(end), "settlement")
    has_due = ~np.isnan(limit)
    done = end <= moment  # NaN compares False: never settled is open
    return OnTime(
        on_time=int(np.count_nonzero(has_due & done & (end <= limit))),
        late=int(np.count_nonzero(has_due & done & (end > limit))),
        overdue=int(np.count_nonzero(has_due & ~done & (limit < moment))),
        pending=int(np.count_nonzero(has_due & ~done & (limit >= moment))),
        without_due=int(np.count_nonzero(~has_due)),
    )

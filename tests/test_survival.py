"""Tests for `govmodel.simulation.survival`: time metrics that count the cases still open.

The Kaplan–Meier estimate is pinned to an independent implementation,
``scipy.stats.ecdf`` over ``scipy.stats.CensoredData``: the curve at every
observed time and between them, Greenwood's log-log interval, and the area
under the curve. The open backlog and the on-time counts are pinned to a
brute-force count, case by case.
"""

from __future__ import annotations

import itertools
import math
import pickle
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from scipy import stats

from govmodel import GovModelError
from govmodel.simulation import (
    KaplanMeier,
    OnTime,
    SurvivalError,
    backlog,
    kaplan_meier,
    on_time_with_open,
)

# Durations drawn from a few whole hours make ties, between resolutions and
# between a resolution and a censoring; free floats make the rest.
durations_st = st.one_of(
    st.integers(min_value=0, max_value=12).map(float),
    st.floats(min_value=0, max_value=1e6, allow_nan=False, allow_infinity=False),
)


@st.composite
def samples(draw: st.DrawFn, *, min_size: int = 0) -> tuple[list[float], list[bool]]:
    """Durations and resolved flags, one per case."""
    durations = draw(st.lists(durations_st, min_size=min_size, max_size=40))
    flags = draw(st.lists(st.booleans(), min_size=len(durations), max_size=len(durations)))
    return durations, flags


@contextmanager
def quiet() -> Iterator[None]:
    """SciPy warns where an interval is undefined; the tests compare NaN with NaN there."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        yield


def scipy_sf(durations: list[float], flags: list[bool]) -> Any:  # SciPy ships no types
    d = np.asarray(durations)
    f = np.asarray(flags, dtype=bool)
    with quiet():
        return stats.ecdf(stats.CensoredData(uncensored=d[f], right=d[~f]))


class TestKaplanMeier:
    @given(samples(min_size=1))
    def test_curve_is_scipys(self, sample: tuple[list[float], list[bool]]) -> None:
        """At every observed time, between them and beyond, the curve is SciPy's."""
        durations, flags = sample
        km = kaplan_meier(durations, flags)
        reference = scipy_sf(durations, flags).sf
        points = sorted(set(durations))
        between = [(a + b) / 2 for a, b in itertools.pairwise(points)]
        probes = [0.0, *points, *between, points[-1] + 1]
        expected = reference.evaluate(np.asarray(probes))
        found = [km.survival_at(t) for t in probes]
        np.testing.assert_allclose(found, expected, rtol=1e-12, atol=1e-15)

    @given(samples(min_size=1))
    def test_interval_is_scipys_log_log(self, sample: tuple[list[float], list[bool]]) -> None:
        """Greenwood's log-log interval at each resolution time is SciPy's."""
        durations, flags = sample
        assume(any(flags))
        km = kaplan_meier(durations, flags)
        reference = scipy_sf(durations, flags).sf
        with quiet():
            band = reference.confidence_interval(confidence_level=0.9, method="log-log")
        times = np.asarray(km.times)
        low, high = km.interval(confidence=0.9)
        np.testing.assert_allclose(low, band.low.evaluate(times), rtol=1e-9, equal_nan=True)
        np.testing.assert_allclose(high, band.high.evaluate(times), rtol=1e-9, equal_nan=True)

    @given(samples(min_size=1), st.floats(min_value=0, max_value=2e6))
    def test_restricted_mean_is_area_under_scipys_curve(
        self, sample: tuple[list[float], list[bool]], horizon: float
    ) -> None:
        """The restricted mean is the area under SciPy's curve, held at its last value."""
        durations, flags = sample
        km = kaplan_meier(durations, flags)
        reference = scipy_sf(durations, flags).sf
        steps = [t for t in np.unique(durations) if t < horizon]
        edges = [0.0, *steps, horizon]
        heights = [1.0, *reference.evaluate(np.asarray(steps))]
        area = sum(
            (b - a) * h for (a, b), h in zip(itertools.pairwise(edges), heights, strict=True)
        )
        found = km.restricted_mean(horizon)
        assert found is not None
        assert found == pytest.approx(area, rel=1e-9, abs=1e-6)

    @given(st.lists(durations_st, min_size=1, max_size=40))
    def test_median_without_censoring(self, durations: list[float]) -> None:
        """With every case resolved, the median is the lower median of the durations."""
        km = kaplan_meier(durations, [True] * len(durations))
        assert km.median == np.quantile(durations, 0.5, method="inverted_cdf")

    @given(st.lists(durations_st, min_size=1, max_size=40), st.floats(0, 1e6))
    def test_restricted_mean_without_censoring(self, durations: list[float], extra: float) -> None:
        """With every case resolved, the mean of durations cut at the horizon; beyond, the mean."""
        km = kaplan_meier(durations, [True] * len(durations))
        longest = max(durations)
        assert km.restricted_mean(longest + extra) == pytest.approx(np.mean(durations), rel=1e-9)
        horizon = longest / 2
        cut = np.minimum(durations, horizon)
        assert km.restricted_mean(horizon) == pytest.approx(np.mean(cut), rel=1e-9, abs=1e-9)

    @given(samples())
    def test_shape(self, sample: tuple[list[float], list[bool]]) -> None:
        """Times increase, the curve falls, counts hold together, the median lies on the curve."""
        durations, flags = sample
        km = kaplan_meier(durations, flags)
        assert list(km.times) == sorted(set(km.times))
        assert list(km.survival) == sorted(km.survival, reverse=True)
        assert all(0 <= s < 1 for s in km.survival)
        assert sum(km.resolved) == sum(flags)
        assert all(0 < d <= n for d, n in zip(km.resolved, km.at_risk, strict=True))
        assert km.cases == len(durations)
        if km.median is not None:
            assert km.survival_at(km.median) <= 0.5 + 1e-12
            assert km.survival_at(np.nextafter(km.median, -math.inf)) > 0.5

    @given(samples(min_size=1))
    def test_median_interval_holds_the_median(self, sample: tuple[list[float], list[bool]]) -> None:
        """The median's interval holds the median: no later below it, no earlier above."""
        durations, flags = sample
        km = kaplan_meier(durations, flags)
        low, high = km.median_interval()
        if km.median is None:
            assert high is None
        else:
            assert low is not None
            assert low <= km.median
            assert high is None or high >= km.median

    def test_censoring_lengthens_the_restricted_mean(self) -> None:
        """Leaving the slowest cases open gives a longer restricted mean, not a shorter one."""
        durations = [1.0, 2.0, 3.0, 40.0, 50.0]
        resolved = kaplan_meier(durations, [True] * 5).restricted_mean(60)
        open_ = kaplan_meier(durations, [True, True, True, False, False]).restricted_mean(60)
        assert resolved is not None
        assert open_ is not None
        assert open_ > resolved
        assert np.mean(durations[:3]) < resolved

    def test_no_cases(self) -> None:
        """Without cases there is no curve, no median and no mean."""
        km = kaplan_meier([], [])
        assert (km.times, km.cases, km.longest, km.median) == ((), 0, None, None)
        assert km.restricted_mean(10) is None
        assert km.median_interval() == (None, None)

    def test_all_open(self) -> None:
        """With no case resolved the curve stays at 1: no median, the mean is the horizon."""
        km = kaplan_meier([3.0, 5.0], [False, False])
        assert km.median is None
        assert km.restricted_mean(8) == 8

    def test_numpy_input(self) -> None:
        """NumPy arrays of integers, floats and booleans are read as lists are."""
        km = kaplan_meier(np.array([1, 2, 3]), np.array([True, False, True]))
        assert km == kaplan_meier([1.0, 2.0, 3.0], [True, False, True])
        assert isinstance(km, KaplanMeier)

    def test_frozen_and_pickled(self) -> None:
        """The result is immutable, equal to itself after pickling."""
        km = kaplan_meier([1.0, 2.0], [True, False])
        assert pickle.loads(pickle.dumps(km)) == km
        with pytest.raises(AttributeError):
            km.cases = 3  # type: ignore[misc]

    @pytest.mark.parametrize(
        ("durations", "resolved", "message"),
        [
            (
                [1.0, math.nan],
                [True, True],
                r"^durations\[1\]: expected a finite number, found nan$",
            ),
            (
                [1.0, math.inf],
                [True, True],
                r"^durations\[1\]: expected a finite number, found inf",
            ),
            ([-1.0], [True], r"^durations\[0\]: expected a number of 0 or more, found -1.0$"),
            ([1.0, None], [True, True], r"^durations\[1\]: expected a number, found None$"),
            (["1"], [True], r"^durations\[0\]: expected a number, found '1'$"),
            ([True], [True], r"^durations\[0\]: expected a number, found True$"),
            (3.0, [True], r"^durations: expected a sequence of numbers, found 3.0$"),
            ([[1.0]], [True], r"^durations: expected a flat sequence of numbers, found 2 axes$"),
            ([1.0, 2.0], [True], r"^resolved: expected 2 values, one per duration, found 1$"),
            ([1.0], [1], r"^resolved\[0\]: expected true or false, found 1$"),
            ([1.0], "y", r"^resolved: expected a sequence of booleans, found 'y'$"),
        ],
    )
    def test_bad_input(self, durations: object, resolved: object, message: str) -> None:
        """Bad input raises a SurvivalError that says where and what."""
        with pytest.raises(SurvivalError, match=message):
            kaplan_meier(durations, resolved)  # type: ignore[arg-type]

    def test_bad_horizon_and_confidence(self) -> None:
        """A negative or NaN horizon and a confidence outside (0, 1) are refused."""
        km = kaplan_meier([1.0], [True])
        with pytest.raises(SurvivalError, match=r"^horizon: expected a number of 0 or more"):
            km.restricted_mean(-1)
        with pytest.raises(SurvivalError, match=r"^horizon: expected a finite number, found nan"):
            km.restricted_mean(math.nan)
        with pytest.raises(SurvivalError, match=r"^confidence: expected a number between 0 and 1"):
            km.interval(confidence=1.0)

    def test_error_tree(self) -> None:
        """SurvivalError is a GovModelError and a ValueError, and pickles with its parts."""
        err = SurvivalError("durations[3]", "expected a finite number, found nan")
        assert isinstance(err, GovModelError)
        assert isinstance(err, ValueError)
        again = pickle.loads(pickle.dumps(err))
        assert (type(again), again.location, str(again)) == (type(err), err.location, str(err))


@st.composite
def histories(draw: st.DrawFn) -> tuple[list[float], list[float | None], list[float]]:
    """Arrivals, settlements (some never) and moments to count at, on a grid that makes ties."""
    n = draw(st.integers(min_value=0, max_value=30))
    arrived = draw(st.lists(st.integers(-5, 20).map(float), min_size=n, max_size=n))
    settled: list[float | None] = [
        None if draw(st.booleans()) else a + draw(st.integers(0, 10)) for a in arrived
    ]
    at = draw(st.lists(st.integers(-6, 32).map(float), max_size=20))
    return arrived, settled, at


class TestBacklog:
    @given(histories())
    def test_brute_force(
        self, history: tuple[list[float], list[float | None], list[float]]
    ) -> None:
        """At each moment, the cases arrived by then and not settled by then, counted one by one."""
        arrived, settled, at = history
        expected = [
            sum(1 for a, s in zip(arrived, settled, strict=True) if a <= t and (s is None or t < s))
            for t in at
        ]
        assert backlog(arrived, settled, at).tolist() == expected

    @given(histories())
    def test_nan_is_none(
        self, history: tuple[list[float], list[float | None], list[float]]
    ) -> None:
        """NaN and None both mean never settled."""
        arrived, settled, at = history
        as_nan = np.array([math.nan if s is None else s for s in settled], dtype=np.float64)
        assert backlog(arrived, as_nan, at).tolist() == backlog(arrived, settled, at).tolist()

    def test_microseconds(self) -> None:
        """Whole microseconds of a year are counted exactly, as 64-bit integers."""
        year = 366 * 24 * 3600 * 10**6
        counts = backlog(np.array([0, year - 1]), np.array([year, year]), [year - 1, year])
        assert counts.dtype == np.int64
        assert counts.tolist() == [2, 0]

    @pytest.mark.parametrize(
        ("arrived", "settled", "at", "message"),
        [
            ([1.0], [0.5], [1.0], r"^settled\[0\]: expected a time no earlier than arrived\[0\]"),
            ([1.0], [2.0, 3.0], [1.0], r"^settled: expected 1 values, one per arrival, found 2$"),
            ([math.nan], [None], [1.0], r"^arrived\[0\]: expected a finite number, found nan$"),
            ([1.0], [None], [math.nan], r"^at\[0\]: expected a finite number, found nan$"),
            ([1.0], [math.inf], [1.0], r"^settled\[0\]: expected a finite number, found inf$"),
            ([1.0], ["x"], [1.0], r"^settled\[0\]: expected a number or None, found 'x'$"),
        ],
    )
    def test_bad_input(self, arrived: object, settled: object, at: object, message: str) -> None:
        """Bad input raises a SurvivalError that says where and what."""
        with pytest.raises(SurvivalError, match=message):
            backlog(arrived, settled, at)  # type: ignore[arg-type]


@st.composite
def judgements(draw: st.DrawFn) -> tuple[list[float | None], list[float | None], float]:
    """Settlements and due times (some missing) and a moment, on a grid that makes ties."""
    n = draw(st.integers(min_value=0, max_value=30))
    maybe = st.one_of(st.none(), st.integers(0, 20).map(float))
    settled = draw(st.lists(maybe, min_size=n, max_size=n))
    due = draw(st.lists(maybe, min_size=n, max_size=n))
    now = draw(st.integers(0, 20).map(float))
    return settled, due, now


class TestOnTimeWithOpen:
    @given(judgements())
    def test_brute_force(
        self, judged: tuple[list[float | None], list[float | None], float]
    ) -> None:
        """Each case lands where a case-by-case reading puts it, and every case lands once."""
        settled, due, now = judged
        counts = dict.fromkeys(("on_time", "late", "overdue", "pending", "without_due"), 0)
        for s, d in zip(settled, due, strict=True):
            if d is None:
                counts["without_due"] += 1
            elif s is not None and s <= now:
                counts["on_time" if s <= d else "late"] += 1
            else:
                counts["overdue" if d < now else "pending"] += 1
        assert on_time_with_open(settled, due, now=now) == OnTime(**counts)

    @given(judgements(), judgements())
    def test_pooling(
        self,
        a: tuple[list[float | None], list[float | None], float],
        b: tuple[list[float | None], list[float | None], float],
    ) -> None:
        """Counts of two sets of cases judged at the same moment add up to the counts of both."""
        now = a[2]
        both = on_time_with_open(a[0] + b[0], a[1] + b[1], now=now)
        assert both == on_time_with_open(a[0], a[1], now=now) + on_time_with_open(
            b[0], b[1], now=now
        )

    def test_open_past_due_lowers_the_rate(self) -> None:
        """A structure that leaves late cases open no longer looks punctual."""
        result = on_time_with_open([1.0, 2.0, None, None], [5.0, 5.0, 5.0, 5.0], now=10)
        assert result.rate == 0.5
        assert on_time_with_open([1.0, 2.0], [5.0, 5.0], now=10).rate == 1.0

    def test_exactly_at_due(self) -> None:
        """Settled exactly at the due is on time; open exactly at the due is not late yet."""
        assert on_time_with_open([5.0, None], [5.0, 5.0], now=5) == OnTime(on_time=1, pending=1)

    def test_nothing_judged(self) -> None:
        """With no case judged the rate is None."""
        assert on_time_with_open([], [], now=0).rate is None

    @pytest.mark.parametrize(
        ("settled", "due", "now", "message"),
        [
            ([1.0], [1.0, 2.0], 0.0, r"^due: expected 1 values, one per settlement, found 2$"),
            ([1.0], [1.0], math.nan, r"^now: expected a finite number, found nan$"),
            ([1.0], [1.0], "now", r"^now: expected a number, found 'now'$"),
            ([1.0], [-math.inf], 1.0, r"^due\[0\]: expected a finite number, found -inf$"),
        ],
    )
    def test_bad_input(self, settled: object, due: object, now: object, message: str) -> None:
        """Bad input raises a SurvivalError that says where and what."""
        with pytest.raises(SurvivalError, match=message):
            on_time_with_open(settled, due, now=now)  # type: ignore[arg-type]

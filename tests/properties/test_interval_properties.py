"""Property tests for `govmodel.simulation.intervals`: pinned to scipy's own t-tests."""

import math
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from scipy import stats

from govmodel.simulation import IntervalError, mean_and_interval, paired

values = st.lists(
    st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False),
    min_size=2,
    max_size=40,
)
confidences = st.sampled_from([0.5, 0.8, 0.9, 0.95, 0.99])


@given(values, confidences)
def test_interval_is_scipys_t_interval(xs: list[float], confidence: float) -> None:
    """mean ± half-width is scipy's t.interval around the mean, with the standard error of sem."""
    mean, half = mean_and_interval(xs, confidence=confidence)
    assert mean == pytest.approx(np.mean(xs), rel=1e-9, abs=1e-6)
    sem = float(stats.sem(xs))
    assume(sem > 1e-6)
    low, high = stats.t.interval(confidence, len(xs) - 1, loc=mean, scale=sem)
    assert (mean - half, mean + half) == pytest.approx((low, high), rel=1e-7, abs=1e-6)


@given(values)
def test_interval_is_a_one_sample_t_test(xs: list[float]) -> None:
    """The interval is the 95 % confidence interval of scipy's one-sample t-test."""
    assume(float(np.std(xs)) > 1e-3)
    mean, half = mean_and_interval(xs)
    ci = stats.ttest_1samp(xs, 0.0).confidence_interval(0.95)
    assert (mean - half, mean + half) == pytest.approx((ci.low, ci.high), rel=1e-7, abs=1e-6)


@given(values, st.floats(min_value=-1e3, max_value=1e3), st.floats(min_value=0.01, max_value=100))
def test_interval_moves_and_scales_with_the_values(xs: list[float], shift: float, k: float) -> None:
    """Shifting the values moves the mean only; scaling them scales the half-width."""
    mean, half = mean_and_interval(xs)
    moved = mean_and_interval([x * k + shift for x in xs])
    assert moved[0] == pytest.approx(mean * k + shift, rel=1e-7, abs=1e-3)
    assert moved[1] == pytest.approx(half * k, rel=1e-6, abs=1e-3)


@given(st.floats(min_value=-1e6, max_value=1e6, allow_nan=False))
def test_one_value_has_no_interval(x: float) -> None:
    """One value is always refused: its spread, and so any interval, is unknown."""
    with pytest.raises(IntervalError, match="found 1"):
        mean_and_interval([x])


small = st.integers(min_value=-50, max_value=50).map(float)


@st.composite
def common_seed_rows(draw: st.DrawFn) -> tuple[list[dict[str, Any]], dict[str, dict[int, float]]]:
    """Rows of a baseline and 1-3 variants over the same 2-8 seeds, in a shuffled order."""
    labels = [
        "baseline",
        *draw(st.lists(st.sampled_from("abcdef"), min_size=1, max_size=3, unique=True)),
    ]
    seeds = draw(st.lists(st.integers(0, 10**6), min_size=2, max_size=8, unique=True))
    table = {label: {seed: draw(small) for seed in seeds} for label in labels}
    rows = [
        {"label": label, "seed_entropy": str(seed), "spawn_key": str(seed), "x": value}
        for label, by_seed in table.items()
        for seed, value in by_seed.items()
    ]
    return draw(st.permutations(rows)), table


@given(common_seed_rows())
def test_paired_is_scipys_paired_t_test(
    drawn: tuple[list[dict[str, Any]], dict[str, dict[int, float]]],
) -> None:
    """Each variant's result is scipy's paired t-test of its values against the baseline's."""
    rows, table = drawn
    found = paired(rows, "x")
    assert list(found) == list(dict.fromkeys(r["label"] for r in rows if r["label"] != "baseline"))
    base = table["baseline"]
    for label, d in found.items():
        seeds = list(base)
        a = np.array([table[label][s] for s in seeds])
        b = np.array([base[s] for s in seeds])
        diffs = a - b
        assert d.n == len(seeds)
        assert d.mean == pytest.approx(float(diffs.mean()), abs=1e-9)
        sd = float(diffs.std(ddof=1))
        if sd == 0:
            assert (d.half_width, d.effect_size) == (0.0, None)
            continue
        ci = stats.ttest_rel(a, b).confidence_interval(0.95)
        assert (d.low, d.high) == pytest.approx((ci.low, ci.high), rel=1e-9, abs=1e-9)
        assert d.effect_size == pytest.approx(float(diffs.mean()) / sd, rel=1e-9, abs=1e-9)


@given(common_seed_rows())
def test_paired_rows_and_frame_agree(
    drawn: tuple[list[dict[str, Any]], dict[str, dict[int, float]]],
) -> None:
    """A DataFrame of the rows gives the same result as the rows themselves."""
    rows, _ = drawn
    assert paired(pd.DataFrame(rows), "x") == paired(rows, "x")


@given(common_seed_rows(), st.data())
def test_a_row_without_its_pair_is_refused(
    drawn: tuple[list[dict[str, Any]], dict[str, dict[int, float]]], data: st.DataObject
) -> None:
    """Take any one row away and its partner is unpaired: an error naming the partner's row."""
    rows, _ = drawn
    gone = data.draw(st.integers(0, len(rows) - 1))
    left = rows[:gone] + rows[gone + 1 :]
    labels = {r["label"] for r in left}
    assume("baseline" in labels and len(labels) > 1)
    with pytest.raises(IntervalError, match=r"^rows\[\d+\]: no (baseline )?row") as info:
        paired(left, "x")
    where = int(info.value.location[5:-1])
    assert left[where]["seed_entropy"] == rows[gone]["seed_entropy"]


@given(common_seed_rows())
def test_baseline_against_itself_reversed(
    drawn: tuple[list[dict[str, Any]], dict[str, dict[int, float]]],
) -> None:
    """Swapping baseline and variant negates the mean and the effect size, and keeps the width."""
    rows, table = drawn
    variant = next(label for label in table if label != "baseline")
    forward = paired(rows, "x")[variant]
    backward = paired(rows, "x", baseline=variant)["baseline"]
    assert backward.mean == pytest.approx(-forward.mean, abs=1e-9)
    assert backward.half_width == pytest.approx(forward.half_width, abs=1e-9)
    if forward.effect_size is None:
        assert backward.effect_size is None
    else:
        assert backward.effect_size == pytest.approx(-forward.effect_size, abs=1e-9)
    assert not math.isnan(forward.half_width)

"""Tests for `govmodel.simulation.intervals`: t-intervals and paired differences."""

import builtins
import math
from typing import Any

import numpy as np
import pandas as pd
import pytest

from govmodel import MissingExtraError
from govmodel.simulation import (
    IntervalError,
    PairedDifference,
    Run,
    Scenario,
    mean_and_interval,
    paired,
    plots,
    rows_to_frame,
    sweep,
    variants,
)
from govmodel.simulation import intervals as intervals_module


def rows_of(table: dict[str, list[Any]], *, seeds: list[int] | None = None) -> list[Any]:
    """Rows as a common-seed sweep records them: label, seed_entropy, spawn_key, x."""
    found = []
    for label, values in table.items():
        for seed, value in zip(seeds or range(len(values)), values, strict=True):
            found.append(
                {"label": label, "seed_entropy": str(seed), "spawn_key": str(seed), "x": value}
            )
    return found


class TestMeanAndInterval:
    @pytest.mark.parametrize(
        ("n", "t"), [(2, 12.7062), (3, 4.3027), (5, 2.7764), (10, 2.2622), (30, 2.0452)]
    )
    def test_student_t_quantiles(self, n: int, t: float) -> None:
        """The half-width is t(n-1) x s / sqrt(n), with the t of the printed tables."""
        values = [float(i % 2) for i in range(n)]
        mean, half = mean_and_interval(values)
        s = float(np.std(values, ddof=1))
        assert mean == pytest.approx(np.mean(values))
        assert half == pytest.approx(t * s / math.sqrt(n), rel=1e-4)

    def test_two_values_are_wider_than_normal(self) -> None:
        """With 2 values the t-interval is 6.5 times the normal one: the small-sample case."""
        _, half = mean_and_interval([0.9, 1.0])
        normal = 1.96 * float(np.std([0.9, 1.0], ddof=1)) / math.sqrt(2)
        assert half / normal == pytest.approx(12.7062 / 1.96, rel=1e-4)

    @pytest.mark.parametrize("values", [[], [0.9], np.array([4.0])])
    def test_fewer_than_two_values_refused(self, values: Any) -> None:
        """One value has no spread, so no interval: an error, never a zero half-width."""
        with pytest.raises(IntervalError, match=r"^values: expected 2 or more values"):
            mean_and_interval(values)

    def test_is_a_value_error(self) -> None:
        """Code that catches ValueError catches it too."""
        with pytest.raises(ValueError, match="found 1"):
            mean_and_interval([1.0])

    @pytest.mark.parametrize(
        ("values", "location"),
        [
            ([1.0, math.nan], r"values\[1\]: expected a finite number"),
            ([1.0, "2"], r"values\[1\]: expected a number"),
            ([True, 2.0], r"values\[0\]: expected a number"),
            ("12", r"values: expected numbers"),
        ],
    )
    def test_bad_values_named(self, values: Any, location: str) -> None:
        """A value that is not a finite number is named by its index."""
        with pytest.raises(IntervalError, match=location):
            mean_and_interval(values)

    @pytest.mark.parametrize("confidence", [0, 1, 1.5, -0.1, "0.95", True, math.nan])
    def test_confidence_between_zero_and_one(self, confidence: Any) -> None:
        """Confidence is a number strictly between 0 and 1."""
        with pytest.raises(IntervalError, match=r"^confidence: expected a number between 0 and 1"):
            mean_and_interval([1.0, 2.0], confidence=confidence)

    def test_higher_confidence_is_wider(self) -> None:
        """A 99 % interval is wider than a 95 % one, which is wider than a 90 % one."""
        values = [1.0, 3.0, 2.0, 5.0]
        halves = [mean_and_interval(values, confidence=c)[1] for c in (0.9, 0.95, 0.99)]
        assert halves == sorted(halves)
        assert len(set(halves)) == 3

    def test_numpy_values(self) -> None:
        """A numpy array and numpy scalars are numbers."""
        assert mean_and_interval(np.array([1, 2, 3])) == mean_and_interval([1.0, 2.0, 3.0])

    def test_plots_gives_the_same_function(self) -> None:
        """Callers that import mean_and_interval from plots get the t-interval."""
        assert plots.mean_and_interval is mean_and_interval

    def test_without_scipy(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """Without scipy the message names the stats extra."""
        real_import = builtins.__import__

        def fake_import(name: str, *args: Any, **kwargs: Any) -> Any:
            if name.startswith("scipy"):
                raise ImportError(name)
            return real_import(name, *args, **kwargs)

        monkeypatch.setattr(builtins, "__import__", fake_import)
        intervals_module._t_quantile.cache_clear()
        try:
            with pytest.raises(MissingExtraError, match=r"govmodel\[stats\]"):
                mean_and_interval([1.0, 2.0, 3.5])
        finally:
            intervals_module._t_quantile.cache_clear()


class TestPaired:
    def test_differences_by_seed(self) -> None:
        """Each variant row is paired with the baseline row of its seed, whatever the order."""
        rows = rows_of({"baseline": [10, 12, 9, 11], "slow": [13, 14, 13, 14]})
        rows.reverse()
        d = paired(rows, "x")["slow"]
        assert (d.variant, d.baseline, d.field, d.n) == ("slow", "baseline", "x", 4)
        assert d.mean == pytest.approx(3.0)
        mean, half = mean_and_interval([3.0, 2.0, 4.0, 3.0])
        assert (d.mean, d.half_width) == pytest.approx((mean, half))
        assert d.effect_size == pytest.approx(3.0 / float(np.std([3, 2, 4, 3], ddof=1)))
        assert d.low < d.mean < d.high
        assert d.clear_of_zero

    def test_every_variant_in_first_seen_order(self) -> None:
        """One result per variant besides the baseline, in the order the rows name them."""
        rows = rows_of({"b": [1, 2], "baseline": [1, 1], "a": [3, 2]})
        assert list(paired(rows, "x")) == ["b", "a"]

    def test_chosen_baseline_and_confidence(self) -> None:
        """Any label can be the baseline; confidence sets the interval's coverage."""
        rows = rows_of({"baseline": [1, 2, 4], "other": [0, 0, 1]})
        d = paired(rows, "x", baseline="other", confidence=0.9)
        assert list(d) == ["baseline"]
        assert d["baseline"].mean == pytest.approx(2.0)
        assert d["baseline"].confidence == 0.9

    def test_no_spread_no_effect_size(self) -> None:
        """Differences that do not vary have a zero-width interval and no d_z."""
        d = paired(rows_of({"baseline": [1, 2, 3], "same": [1, 2, 3]}), "x")["same"]
        assert (d.mean, d.half_width, d.effect_size) == (0.0, 0.0, None)
        assert not d.clear_of_zero
        assert mean_and_interval([0.1, 0.1, 0.1]) == (0.1, 0.0)  # not a rounding's spread

    def test_missing_values_leave_their_pair_out(self) -> None:
        """A pair with the field missing on either side is left out of n."""
        rows = rows_of({"baseline": [1, None, 3, 4], "v": [2, 5, math.nan, 6]})
        d = paired(rows, "x")["v"]
        assert d.n == 2
        assert d.mean == pytest.approx(1.5)

    def test_dataframe_gives_the_same(self) -> None:
        """A pandas DataFrame of the rows gives the same differences as the rows."""
        rows = rows_of({"baseline": [1, None, 3, 4], "v": [2, 5, 3.5, 7]})
        assert paired(pd.DataFrame(rows), "x") == paired(rows, "x")

    def test_paired_sweep_rows(self) -> None:
        """Rows of a common-seed sweep pair up, as rows and as rows_to_frame gives them."""
        from govmodel import examples

        found = variants(examples.load("zhuanqiao"))
        runs = [
            Run(structure=found[name], scenario=Scenario(days=15), seed=seed, label=name)
            for name in ("baseline", "grid_levels_merged")
            for seed in range(3)
        ]
        rows = list(sweep(runs))
        d = paired(rows, "contained_micro_grid")["grid_levels_merged"]
        assert d.n == 3
        assert d.mean < 0
        assert paired(rows_to_frame(rows), "contained_micro_grid") == paired(
            rows, "contained_micro_grid"
        )

    def test_spawned_seeds_are_refused(self) -> None:
        """Rows of spawned seeds (independent samples) are unpaired: refused with the remedy."""
        from govmodel import examples

        s = examples.load("zhuanqiao")
        runs = [Run(structure=s, scenario=Scenario(days=5), label=name) for name in "ab"] * 2
        rows = list(sweep(runs, seed=3))
        with pytest.raises(IntervalError, match=r"Run\(seed=\.\.\.\)") as info:
            paired(rows, "cases", baseline="a")
        assert info.value.location == "rows[1]"
        assert 'spawn_key "3:1"' in str(info.value)

    @pytest.mark.parametrize(
        ("rows", "message"),
        [
            (rows_of({"baseline": [1, 2]}), "^rows: expected rows of a variant besides"),
            (rows_of({"base": [1, 2], "v": [1, 2]}), '^baseline: no row labelled "baseline"'),
            (
                rows_of({"baseline": [1, 2, 3], "v": [1, 2]}),
                r'^rows\[2\]: no row of "v" with seed_entropy "2", spawn_key "2" to pair with',
            ),
            (
                rows_of({"baseline": [1, 2], "v": [1, 2, 3]}),
                r'^rows\[4\]: no baseline row with seed_entropy "2"',
            ),
            (
                rows_of({"baseline": [1, 2], "v": [1, 2]}, seeds=[0, 0]),
                r"^rows\[1\]: a second row of \"baseline\" .*\(the first is rows\[0\]\)",
            ),
            (
                rows_of({"baseline": [1, 2], "v": [1, None]}),
                '^rows: expected 2 or more pairs with x for "v", found 1',
            ),
            (rows_of({"baseline": [1], "v": [2]}), "found 1$"),
            (rows_of({"baseline": [1, "2"], "v": [1, 2]}), r"^rows\[1\]\.x: expected a number"),
            ([{"label": "baseline", "x": 1}], r"^rows\[0\]\.seed_entropy: expected a value"),
            ([["baseline", 1]], r"^rows\[0\]: expected a row \(a mapping\)"),
            ({"label": "baseline"}, "^rows: expected sweep rows or a DataFrame"),
        ],
    )
    def test_refused_clearly(self, rows: Any, message: str) -> None:
        """Unpaired rows, duplicates, fewer than 2 pairs and bad values are named where."""
        with pytest.raises(IntervalError, match=message):
            paired(rows, "x")

    def test_by_must_name_fields(self) -> None:
        """by is a sequence of field names, not one string."""
        with pytest.raises(IntervalError, match=r"^by: expected one or more field names"):
            paired(rows_of({"baseline": [1, 2], "v": [1, 2]}), "x", by="seed_entropy")


class TestPairedDifference:
    def test_ends_and_zero(self) -> None:
        """low and high are mean ∓ half-width; an interval reaching 0 is not clear of it."""
        d = PairedDifference(
            variant="v",
            baseline="b",
            field="x",
            n=3,
            mean=-1.0,
            half_width=1.5,
            confidence=0.95,
            effect_size=-0.8,
        )
        assert (d.low, d.high, d.clear_of_zero) == (-2.5, 0.5, False)


def two_field_rows() -> list[dict[str, Any]]:
    """Rows of a baseline and two variants over four seeds, with a count and a rate."""
    found = []
    table = {
        "baseline": ([10, 12, 9, 11], [0.90, 0.85, 0.88, 0.86]),
        "slow": ([13, 14, 13, 14], [0.80, 0.78, 0.82, 0.79]),
        "same": ([10, 13, 9, 10], [0.90, 0.86, 0.87, 0.86]),
    }
    for label, (hours, rates) in table.items():
        for seed, (h, r) in enumerate(zip(hours, rates, strict=True)):
            found.append(
                {
                    "label": label,
                    "seed_entropy": str(seed),
                    "spawn_key": str(seed),
                    "hours": h,
                    "on_time_rate": r,
                }
            )
    return found


class TestPairedTable:
    def test_each_variant_each_field_as_paired_gives(self) -> None:
        """The table holds paired()'s result for every variant and field, variant by variant."""
        rows = two_field_rows()
        table = intervals_module.paired_table(rows, ["hours", "on_time_rate"])
        assert [(d.variant, d.field) for d in table] == [
            ("slow", "hours"),
            ("slow", "on_time_rate"),
            ("same", "hours"),
            ("same", "on_time_rate"),
        ]
        assert table[0] == paired(rows, "hours")["slow"]
        assert table[3] == paired(rows, "on_time_rate")["same"]

    @pytest.mark.parametrize("fields", [[], "hours", [3]])
    def test_fields_must_be_names(self, fields: Any) -> None:
        """No field, a bare string or a non-name is refused."""
        with pytest.raises(IntervalError, match=r"^fields: expected one or more field names"):
            intervals_module.paired_table(two_field_rows(), fields)

    def test_refusals_of_paired_pass_through(self) -> None:
        """A field missing from every row is refused as paired refuses it."""
        with pytest.raises(IntervalError, match="expected 2 or more pairs"):
            intervals_module.paired_table(two_field_rows(), ["hours", "nothing"])


class TestTableText:
    def test_cells_marks_and_percentage_points(self) -> None:
        """Cells are mean ± half-width, * where clear of 0, rates scaled to points."""
        table = intervals_module.paired_table(two_field_rows(), ["hours", "on_time_rate"])
        text = intervals_module.table_text(table)
        lines = text.splitlines()
        assert lines[0].split() == ["variant", "hours", "on_time_rate"]
        slow = table[0]
        assert lines[1].startswith("slow")
        assert f"{slow.mean:+.1f} ± {slow.half_width:.1f} *" in lines[1]
        rate = table[1]
        assert f"{100 * rate.mean:+.1f} ± {100 * rate.half_width:.1f}" in lines[1]
        same = table[2]
        assert not same.clear_of_zero
        assert "*" not in lines[2]
        assert "over 4 pairs of runs" in text
        assert "on_time_rate in percentage points" in text

    def test_percent_chosen_by_the_caller(self) -> None:
        """percent=() shows every field as it is."""
        table = intervals_module.paired_table(two_field_rows(), ["on_time_rate"])
        text = intervals_module.table_text(table, percent=())
        assert f"{table[0].mean:+.1f}" in text.splitlines()[1]
        assert "percentage points" not in text

    @pytest.mark.parametrize("bad", [[], [1, 2], "x"])
    def test_needs_differences(self, bad: Any) -> None:
        """Anything but PairedDifferences is refused."""
        with pytest.raises(IntervalError, match=r"^differences: expected one or more"):
            intervals_module.table_text(bad)


def test_effects_plot_marks_clear_differences() -> None:
    """plots.effects draws a panel per field, a dot per variant, filled where clear of 0."""
    table = intervals_module.paired_table(two_field_rows(), ["hours", "on_time_rate"])
    figure = plots.effects(table)
    assert [ax.get_title() for ax in figure.axes] == ["hours", "on_time_rate"]
    assert [t.get_text() for t in figure.axes[0].get_yticklabels()] == ["slow", "same"]
    faces = [ln.get_markerfacecolor() for ln in figure.axes[0].lines if ln.get_marker() == "o"]
    assert faces[0] != "white"
    assert faces[1] == "white"

"""Tests for `govmodel.simulation.plots`: pictures of runs and sweeps."""

import builtins
from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt
import pytest

from govmodel import MissingExtraError, examples
from govmodel.simulation import Scenario, simulate
from govmodel.simulation.plots import compare, containment, hotline, mean_and_interval, overview


@pytest.fixture(scope="module")
def result() -> Any:
    return simulate(examples.load("xinhe"), Scenario(days=120), seed=2)


def test_overview_writes_png(result: Any, tmp_path: Path) -> None:
    """The overview saves as a PNG with two panels."""
    figure = overview(result, title="Xinhe")
    path = tmp_path / "x.png"
    figure.savefig(path)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert len(figure.axes) == 2


def test_containment_bars_match_metrics(result: Any) -> None:
    """The bars are the containment shares, in percent, tier by tier."""
    figure = containment(result)
    heights = [bar.get_height() for bar in figure.axes[0].patches]
    shares = result.metrics.containment
    assert heights == pytest.approx([100 * v for v in shares.values()])


def test_compare_one_panel_per_field() -> None:
    """compare draws one panel per field, labels on the shared axis."""
    rows = [{"label": "a", "hotline": 1, "resolution_rate": 0.9}] * 2
    figure = compare(rows, fields=["hotline", "resolution_rate"])
    assert len(figure.axes) == 2
    assert figure.axes[1].get_title() == "resolution rate (%)"


def test_compare_takes_a_dataframe() -> None:
    """compare draws a DataFrame of rows as it draws the rows, missing cells left out."""
    import pandas as pd

    rows = [
        {"label": "a", "hotline": 1, "on_time_rate": 0.9},
        {"label": "a", "hotline": 3, "on_time_rate": None},
        {"label": "a", "hotline": 2, "on_time_rate": 0.8},
        {"label": "b", "hotline": 4, "on_time_rate": 0.7},
        {"label": "b", "hotline": 6, "on_time_rate": 0.5},
    ]

    def drawn(figure: Any) -> list[float]:
        widths = [float(bar.get_width()) for ax in figure.axes for bar in ax.patches]
        plt.close(figure)
        return widths

    fields = ["hotline", "on_time_rate"]
    assert drawn(compare(pd.DataFrame(rows), fields=fields)) == drawn(compare(rows, fields=fields))
    assert drawn(compare(rows, fields=fields)) == pytest.approx([2.0, 5.0, 85.0, 60.0])


def test_compare_whiskers_are_t_intervals() -> None:
    """The whiskers are the t-intervals; a variant with one run has none."""
    rows = [{"label": label, "hotline": h} for label, h in [("a", 1), ("a", 3), ("b", 2)]]
    figure = compare(rows, fields=["hotline"])
    whiskers = [line for line in figure.axes[0].collections if len(line.get_segments()) == 2]
    (segments,) = [w.get_segments() for w in whiskers]
    lows_highs = [(float(s[0][0]), float(s[1][0])) for s in segments]
    _, half = mean_and_interval([1, 3])
    assert lows_highs[0] == pytest.approx((2 - half, 2 + half))
    assert lows_highs[1] == pytest.approx((2.0, 2.0))
    plt.close(figure)


def test_hotline_intervals() -> None:
    """Hotline bars carry the mean over seeds."""
    figure = hotline([{"label": "a", "hotline": 2}, {"label": "a", "hotline": 4}])
    assert [bar.get_height() for bar in figure.axes[0].patches] == [3.0]


def test_interval_needs_values() -> None:
    """An interval of nothing, or of one value, is an error, not a zero."""
    with pytest.raises(ValueError, match="expected 2 or more values"):
        mean_and_interval([])


def test_without_matplotlib(monkeypatch: pytest.MonkeyPatch, result: Any) -> None:
    """Without matplotlib the message names the extra to install."""
    real_import = builtins.__import__

    def fake_import(name: str, *args: Any, **kwargs: Any) -> Any:
        if name.startswith("matplotlib"):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", fake_import)
    with pytest.raises(MissingExtraError, match=r"govmodel\[plot\]"):
        overview(result)

"""Pictures of simulations and sweeps (matplotlib, through the ``plot`` extra).

Every function returns a matplotlib ``Figure`` and draws nothing on screen;
save it with ``figure.savefig(path)``. matplotlib is imported when a picture
is asked for, with a clear message when it is missing.

``compare`` and ``hotline`` draw the mean over seeds of each variant with the
Student-t 95 % interval of ``govmodel.simulation.intervals`` (which needs
scipy, the ``stats`` extra); a variant with a single run is drawn without a
whisker, since one run has no interval. ``mean_and_interval`` is
``govmodel.simulation.intervals.mean_and_interval``, importable from here too.

Examples
--------
>>> from govmodel import examples
>>> from govmodel.simulation import Scenario, simulate
>>> from govmodel.simulation.plots import overview
>>> figure = overview(simulate(examples.load("xinhe"), Scenario(days=90), seed=2))
>>> len(figure.axes)
2
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from math import isnan
from typing import TYPE_CHECKING, Any

from govmodel.errors import MissingExtraError
from govmodel.model import Tier
from govmodel.simulation.engine import SimulationResult
from govmodel.simulation.intervals import (
    IntervalError,
    PairedDifference,
    _records,
    is_share,
    mean_and_interval,
)

if TYPE_CHECKING:
    import pandas

__all__ = [
    "compare",
    "containment",
    "effects",
    "hotline",
    "mean_and_interval",
    "overview",
    "resolution_times",
]

_TIER_LABELS = {
    Tier.MICRO_GRID: "micro-grid",
    Tier.COMPOUND: "compound",
    Tier.COMMUNITY: "community",
    Tier.WHISTLE: "whistle",
    Tier.STREET: "street",
}
_COLOURS = ("#b2182b", "#ef8a62", "#fddbc7", "#67a9cf", "#2166ac")


def _pyplot() -> Any:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        raise MissingExtraError("matplotlib", "plot", "drawing pictures") from None
    return plt


def _figure(
    *shape: int, width: float = 10.0, height: float = 4.2, **options: Any
) -> tuple[Any, Any]:
    plt = _pyplot()
    figure, axes = plt.subplots(*shape, figsize=(width, height), layout="constrained", **options)
    return figure, axes


def _draw_containment(ax: Any, result: SimulationResult) -> None:
    shares = result.metrics.containment or dict.fromkeys(Tier, 0.0)
    tiers = list(Tier)
    values = [100 * shares[t] for t in tiers]
    bars = ax.bar([_TIER_LABELS[t] for t in tiers], values, color=_COLOURS)
    for bar, value in zip(bars, values, strict=True):
        ax.annotate(
            f"{value:.1f}%",
            (bar.get_x() + bar.get_width() / 2, bar.get_height()),
            ha="center",
            va="bottom",
            fontsize=9,
            xytext=(0, 2),
            textcoords="offset points",
        )
    ax.set_ylabel("share of resolved cases (%)")
    ax.set_ylim(0, max([*values, 1.0]) * 1.18)
    ax.set_title("Where cases were settled (containment by tier)")
    ax.spines[["top", "right"]].set_visible(False)


def _draw_times(ax: Any, result: SimulationResult) -> None:
    hours = sorted(
        o.hours_to_resolution for o in result.outcomes if o.hours_to_resolution is not None
    )
    if not hours:
        ax.text(0.5, 0.5, "no case resolved", ha="center", va="center", transform=ax.transAxes)
        return
    low = max(min(hours), 0.1)
    high = max(hours) * 1.05
    edges = [low * (high / low) ** (i / 30) for i in range(31)]
    ax.hist(hours, bins=edges, color="#2166ac", alpha=0.85)
    ax.set_xscale("log")
    ticks = [t for t in (1, 4, 24, 72, 168, 720, 2160) if low <= t <= high]
    labels = {
        1: "1 h",
        4: "4 h",
        24: "1 day",
        72: "3 days",
        168: "1 week",
        720: "30 days",
        2160: "90 days",
    }
    ax.set_xticks(ticks, [labels[t] for t in ticks])
    median = hours[len(hours) // 2]
    ax.axvline(median, color="#b2182b", linestyle="--", linewidth=1.2)
    ax.annotate(
        f"median {median:.0f} h",
        (median, ax.get_ylim()[1] * 0.92),
        xytext=(4, 0),
        textcoords="offset points",
        color="#b2182b",
        fontsize=9,
    )
    ax.set_xlabel("time from report to resolution")
    ax.set_ylabel("cases")
    ax.yaxis.get_major_locator().set_params(integer=True)
    ax.set_title("Time to resolution")
    ax.spines[["top", "right"]].set_visible(False)


def containment(result: SimulationResult) -> Any:
    """Bar chart: the share of resolved cases settled at each tier.

    Examples
    --------
    >>> from govmodel import examples
    >>> from govmodel.simulation import Scenario, simulate
    >>> fig = containment(simulate(examples.load("xinhe"), Scenario(days=60), seed=1))
    >>> fig.axes[0].get_title()
    'Where cases were settled (containment by tier)'
    """
    figure, ax = _figure(1, 1, width=6.0)
    _draw_containment(ax, result)
    return figure


def resolution_times(result: SimulationResult) -> Any:
    """Histogram (log time axis) of the hours from report to resolution.

    Examples
    --------
    >>> from govmodel import examples
    >>> from govmodel.simulation import Scenario, simulate
    >>> fig = resolution_times(simulate(examples.load("xinhe"), Scenario(days=60), seed=1))
    >>> fig.axes[0].get_xlabel()
    'time from report to resolution'
    """
    figure, ax = _figure(1, 1, width=6.0)
    _draw_times(ax, result)
    return figure


def overview(result: SimulationResult, *, title: str = "") -> Any:
    """Containment by tier beside the time to resolution, in one figure.

    Examples
    --------
    >>> from govmodel import examples
    >>> from govmodel.simulation import Scenario, simulate
    >>> fig = overview(simulate(examples.load("xinhe"), Scenario(days=60), seed=1), title="x")
    >>> fig.get_suptitle()
    'x'
    """
    figure, (left, right) = _figure(1, 2, width=12.0)
    _draw_containment(left, result)
    _draw_times(right, result)
    if title:
        figure.suptitle(title)
    return figure


def _grouped(rows: Iterable[Mapping[str, Any]], field: str) -> dict[str, list[float]]:
    groups: dict[str, list[float]] = defaultdict(list)
    for row in rows:
        value = row.get(field)
        if value is not None and value != "" and not (isinstance(value, float) and isnan(value)):
            groups[str(row.get("label", ""))].append(float(value))
    return dict(groups)


def _stats(values: Sequence[float]) -> tuple[float, float]:
    """The mean and the t-interval's half-width; 0 (no whisker) for a single run."""
    if len(values) < 2:
        return values[0], 0.0
    return mean_and_interval(values)


def compare(
    rows: Iterable[Mapping[str, Any]] | pandas.DataFrame,
    *,
    fields: Sequence[str] = (
        "resolution_rate",
        "on_time_rate",
        "mean_hours_to_resolution",
        "hotline",
    ),
) -> Any:
    """Variants side by side: the mean over seeds of each field, with 95 % t-intervals.

    ``rows`` are sweep rows, or a pandas ``DataFrame`` of them (``rows_to_frame``);
    variants are told apart by their ``label``. Missing values are left out. The
    whiskers are the Student-t 95 % intervals of the means
    (``mean_and_interval``); a variant with a single value has none.

    Examples
    --------
    >>> rows = [{"label": "a", "hotline": 3}, {"label": "a", "hotline": 5},
    ...         {"label": "b", "hotline": 1}, {"label": "b", "hotline": 2}]
    >>> fig = compare(rows, fields=["hotline"])
    >>> [t.get_text() for t in fig.axes[0].get_yticklabels()]
    ['a', 'b']
    >>> [float(bar.get_width()) for bar in fig.axes[0].patches]     # the means
    [4.0, 1.5]

    A ``DataFrame`` of the same rows draws the same:

    >>> import pandas as pd
    >>> fig = compare(pd.DataFrame(rows), fields=["hotline"])
    >>> [float(bar.get_width()) for bar in fig.axes[0].patches]
    [4.0, 1.5]
    """
    rows = _records(rows)
    fields = list(fields)
    groups_count = len({str(r.get("label", "")) for r in rows})
    figure, axes = _figure(
        1,
        len(fields),
        width=2.5 + 3.2 * len(fields),
        height=1.2 + 0.45 * max(groups_count, 2),
        sharey=True,
        squeeze=False,
    )
    axes = list(axes[0])
    for ax, field in zip(axes, fields, strict=True):
        groups = _grouped(rows, field)
        labels = list(groups)
        stats = [_stats(groups[label]) for label in labels]
        scale = 100.0 if field.endswith("_rate") else 1.0
        means = [m * scale for m, _ in stats]
        errors = [h * scale for _, h in stats]
        ax.barh(labels, means, xerr=errors, color="#67a9cf", ecolor="#333333", capsize=3)
        unit = " (%)" if scale == 100.0 else ""
        ax.set_title(field.replace("_", " ") + unit, fontsize=10)
        ax.spines[["top", "right"]].set_visible(False)
    axes[0].invert_yaxis()
    figure.suptitle("Variants compared: mean over seeds with 95 % t-intervals")
    return figure


def hotline(rows: Iterable[Mapping[str, Any]] | pandas.DataFrame) -> Any:
    """Bar chart: cases escaping to the 12345 hotline per variant, with 95 % t-intervals.

    ``rows`` are sweep rows or a pandas ``DataFrame`` of them, as for ``compare``.

    Examples
    --------
    >>> fig = hotline([{"label": "a", "hotline": 3}, {"label": "a", "hotline": 5}])
    >>> fig.axes[0].get_ylabel()
    'cases going to the 12345 hotline'
    """
    groups = _grouped(_records(rows), "hotline")
    labels = list(groups)
    stats = [_stats(groups[label]) for label in labels]
    figure, ax = _figure(1, 1, width=max(5.0, 1.4 * len(labels)))
    ax.bar(labels, [m for m, _ in stats], yerr=[h for _, h in stats], color="#ef8a62", capsize=3)
    ax.set_ylabel("cases going to the 12345 hotline")
    ax.set_title("Hotline volume")
    ax.tick_params(axis="x", labelrotation=20)
    ax.spines[["top", "right"]].set_visible(False)
    return figure


def effects(differences: Iterable[PairedDifference], *, title: str = "") -> Any:
    """Paired differences from the baseline: a panel per field, a line per variant.

    Each variant's mean difference is a dot with its t-interval as a whisker,
    filled where the interval leaves out 0; a vertical line marks no effect.
    Shares (``intervals.is_share``) are drawn in percentage points. The differences
    come from ``paired`` or ``paired_table``.

    Examples
    --------
    >>> d = PairedDifference(variant="merged", baseline="baseline", field="escalations", n=30,
    ...                      mean=-25.4, half_width=2.8, confidence=0.95, effect_size=-3.2)
    >>> fig = effects([d])
    >>> fig.axes[0].get_title(), [t.get_text() for t in fig.axes[0].get_yticklabels()]
    ('escalations', ['merged'])
    """
    found = list(differences)
    if not found or not all(isinstance(d, PairedDifference) for d in found):
        raise IntervalError("differences", "expected one or more PairedDifference")
    fields = list(dict.fromkeys(d.field for d in found))
    variants = list(dict.fromkeys(d.variant for d in found))
    figure, axes = _figure(
        1,
        len(fields),
        width=2.8 + 2.6 * len(fields),
        height=1.2 + 0.4 * max(len(variants), 2),
        sharey=True,
        squeeze=False,
    )
    panels = list(axes[0])
    for ax, field in zip(panels, fields, strict=True):
        scale = 100.0 if is_share(field) else 1.0
        for y, variant in enumerate(variants):
            d = next((x for x in found if x.variant == variant and x.field == field), None)
            if d is None:
                continue
            ax.errorbar(
                scale * d.mean,
                y,
                xerr=scale * d.half_width,
                fmt="o",
                color="#2166ac",
                markerfacecolor="#2166ac" if d.clear_of_zero else "white",
                capsize=3,
            )
        ax.axvline(0.0, color="#999999", linewidth=0.8)
        ax.set_title(field, fontsize=10)
        if scale == 100.0:
            ax.set_xlabel("percentage points", fontsize=8)
        ax.spines[["top", "right"]].set_visible(False)
    panels[0].set_yticks(range(len(variants)), variants)
    panels[0].invert_yaxis()
    level = found[0].confidence
    default = (
        f"Differences from {found[0].baseline}, paired by seed ({100 * level:g} % t-intervals)"
    )
    figure.suptitle(title or default)
    return figure

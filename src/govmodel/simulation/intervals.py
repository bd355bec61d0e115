"""Intervals over seeds: Student-t intervals of means and of paired differences.

A sweep gives a few seeds per variant, and a few is where a normal
approximation misleads: with 2 seeds the 95 % t-interval is 6.5 times as
wide as ``1.96 × standard error``, with 4 seeds 1.6 times, with 30 seeds
1.04 times. The functions here use Student's t with ``n - 1`` degrees of
freedom at every ``n``, and refuse fewer than 2 values, where the spread,
and so any interval, is unknown.

``mean_and_interval(values, *, confidence=0.95)``
    The mean of ``values`` and the half-width of its t-interval.
``paired_table(rows, fields, ...)`` and ``table_text(differences)``
    ``paired`` for several fields at once, and the differences as a table of
    variants by fields, ready for a paper (``plots.effects`` draws them).
``paired(rows, field, *, baseline="baseline", by=("seed_entropy", "spawn_key"), ...)``
    For each variant, the differences from the baseline in ``field``, run by
    run of the same seed, and their mean, t-interval and effect size
    (Cohen's d_z). Rows of one seed share their ``seed_entropy`` and
    ``spawn_key``: a ``Run(seed=7)`` records ``"7"`` in both. Rows whose seeds
    ``sweep`` spawned have a different ``spawn_key`` each and never pair: they
    are independent samples.

The t quantile comes from ``scipy.stats.t`` (the ``stats`` extra, also in
``research``), imported when an interval is first asked for; without scipy
the functions raise ``MissingExtraError`` naming the extra. Rows are sweep
rows (mappings, as ``sweep`` yields them) or a pandas ``DataFrame`` of them
(as ``rows_to_frame`` makes). Bad input raises ``IntervalError`` naming where.

Examples
--------
Two variants over the same four seeds: the variant is slower by 3, 2, 4 and
3 hours.

>>> rows = [{"label": label, "seed_entropy": str(seed), "spawn_key": str(seed), "hours": h}
...         for label, hours in [("baseline", [10, 12, 9, 11]), ("slow", [13, 14, 13, 14])]
...         for seed, h in enumerate(hours)]
>>> d = paired(rows, "hours")["slow"]
>>> d.n, d.mean, round(d.half_width, 3), round(d.effect_size, 3)
(4, 3.0, 1.299, 3.674)
>>> mean, half = mean_and_interval([10, 12, 9, 11])     # the baseline alone, unpaired
>>> mean, round(half, 3)
(10.5, 2.054)
"""

from __future__ import annotations

import functools
import math
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import attrs

from govmodel._strict import quoted, short_repr
from govmodel.errors import MissingExtraError, _LocatedError

if TYPE_CHECKING:
    import pandas

__all__ = [
    "IntervalError",
    "PairedDifference",
    "is_share",
    "mean_and_interval",
    "paired",
    "paired_table",
    "table_text",
]


class IntervalError(_LocatedError, ValueError):
    """Input an interval cannot be computed from, named with where it is.

    ``location`` is the argument or the row (``values``, ``rows[3].seed_entropy``,
    ``baseline``); the message says what was expected and what was found.

    Examples
    --------
    >>> try:
    ...     mean_and_interval([0.9])
    ... except IntervalError as err:
    ...     print(err)
    values: expected 2 or more values for an interval, found 1
    >>> isinstance(IntervalError("values", "x"), ValueError)   # a ValueError too
    True
    """


@functools.lru_cache(maxsize=256)
def _t_quantile(confidence: float, df: int) -> float:
    """The two-sided ``confidence`` quantile of Student's t with ``df`` degrees of freedom."""
    try:
        from scipy.stats import t
    except ImportError:
        raise MissingExtraError("scipy", "stats", "t-intervals") from None
    return float(t.ppf((1.0 + confidence) / 2.0, df))


def _check_confidence(confidence: object) -> float:
    if (
        isinstance(confidence, bool)
        or not isinstance(confidence, int | float)
        or not 0.0 < confidence < 1.0
    ):
        raise IntervalError(
            "confidence", f"expected a number between 0 and 1, found {short_repr(confidence)}"
        )
    return float(confidence)


def _number(location: str, value: object) -> float:
    # numpy scalars are numbers too, without importing numpy here
    kind = getattr(getattr(value, "dtype", None), "kind", "")
    if isinstance(value, bool) or not (isinstance(value, int | float) or kind in ("i", "u", "f")):
        raise IntervalError(location, f"expected a number, found {short_repr(value)}")
    number = float(value)  # type: ignore[arg-type]
    if not math.isfinite(number):
        raise IntervalError(location, f"expected a finite number, found {number!r}")
    return number


def _spread(numbers: Sequence[float]) -> tuple[float, float]:
    """The mean and the sample standard deviation (``n - 1``) of two or more numbers."""
    n = len(numbers)
    if min(numbers) == max(numbers):
        # Exactly no spread, which the rounding of the mean would hide (0.1 three times).
        return numbers[0], 0.0
    mean = math.fsum(numbers) / n
    variance = math.fsum((x - mean) ** 2 for x in numbers) / (n - 1)
    return mean, math.sqrt(variance)


def mean_and_interval(values: Iterable[float], *, confidence: float = 0.95) -> tuple[float, float]:
    """The mean of ``values`` and the half-width of its Student-t confidence interval.

    The interval is ``mean ± t × s / √n``, where ``s`` is the sample standard
    deviation and ``t`` the two-sided ``confidence`` quantile of Student's t
    with ``n - 1`` degrees of freedom: right for small samples of roughly
    normal values, such as a measure's means over a few seeds.

    Parameters
    ----------
    values
        Two or more finite numbers (a sequence or a numpy array).
    confidence
        The interval's coverage, between 0 and 1.

    Returns
    -------
    tuple of float
        ``(mean, half_width)``.

    Raises
    ------
    IntervalError
        Fewer than 2 values (one value has no spread, so no interval), a value
        that is not a finite number, or a confidence outside (0, 1).
    MissingExtraError
        scipy, which gives the t quantile, is not installed (``govmodel[stats]``).

    Examples
    --------
    >>> mean_and_interval([1.0, 2.0, 3.0])
    (2.0, 2.4841...)
    >>> mean_and_interval([1.0, 2.0, 3.0], confidence=0.9)
    (2.0, 1.6858...)
    >>> mean_and_interval([4.0])
    Traceback (most recent call last):
    ...
    govmodel.simulation.intervals.IntervalError: values: expected 2 or more values ..., found 1
    """
    level = _check_confidence(confidence)
    if isinstance(values, str | bytes | Mapping):
        raise IntervalError("values", f"expected numbers, found {short_repr(values)}")
    numbers = [_number(f"values[{i}]", v) for i, v in enumerate(values)]
    if len(numbers) < 2:
        raise IntervalError(
            "values", f"expected 2 or more values for an interval, found {len(numbers)}"
        )
    mean, sd = _spread(numbers)
    return mean, _t_quantile(level, len(numbers) - 1) * sd / math.sqrt(len(numbers))


@attrs.frozen(kw_only=True)
class PairedDifference:
    """A variant's differences from the baseline in one field, paired by seed.

    Attributes
    ----------
    variant, baseline
        The labels compared; each difference is *variant minus baseline*.
    field
        The row field compared.
    n
        The pairs (seeds) the differences come from.
    mean
        The mean difference.
    half_width
        The half-width of the mean difference's Student-t interval.
    confidence
        The interval's coverage.
    effect_size
        Cohen's d_z: the mean difference over the standard deviation of the
        differences; ``None`` when the differences do not vary, where it is
        undefined.

    Examples
    --------
    >>> d = PairedDifference(variant="v", baseline="b", field="hotline", n=4, mean=2.0,
    ...                      half_width=1.5, confidence=0.95, effect_size=2.1)
    >>> d.low, d.high, d.clear_of_zero
    (0.5, 3.5, True)
    """

    variant: str
    baseline: str
    field: str
    n: int
    mean: float
    half_width: float
    confidence: float
    effect_size: float | None

    @property
    def low(self) -> float:
        """The interval's lower end."""
        return self.mean - self.half_width

    @property
    def high(self) -> float:
        """The interval's upper end."""
        return self.mean + self.half_width

    @property
    def clear_of_zero(self) -> bool:
        """Whether the interval leaves out 0: a difference the seeds resolve."""
        return self.low > 0 or self.high < 0


def _records(rows: object) -> list[Mapping[str, Any]]:
    """Sweep rows as a list of mappings, from mappings or from a pandas ``DataFrame``.

    A DataFrame's missing cells (NaN, ``None``) become ``None``, as ``sweep`` writes them.
    """
    if type(rows).__module__.partition(".")[0] == "pandas" and hasattr(rows, "to_dict"):
        frame: Any = rows
        records: list[dict[str, Any]] = (
            frame.astype(object).where(frame.notna(), None).to_dict("records")
        )
        return [{str(key): value for key, value in record.items()} for record in records]
    if isinstance(rows, str | bytes | Mapping) or not isinstance(rows, Iterable):
        raise IntervalError(
            "rows", f"expected sweep rows or a DataFrame of them, found {short_repr(rows)}"
        )
    found = list(rows)
    for i, row in enumerate(found):
        if not isinstance(row, Mapping):
            raise IntervalError(
                f"rows[{i}]", f"expected a row (a mapping), found {short_repr(row)}"
            )
    return found


def _missing(value: object) -> bool:
    return value is None or value == "" or (isinstance(value, float) and math.isnan(value))


def _describe(by: Sequence[str], key: tuple[str, ...]) -> str:
    return ", ".join(f"{name} {quoted(str(value))}" for name, value in zip(by, key, strict=True))


def paired(
    rows: Iterable[Mapping[str, Any]] | pandas.DataFrame,
    field: str,
    *,
    baseline: str = "baseline",
    by: Sequence[str] = ("seed_entropy", "spawn_key"),
    label: str = "label",
    confidence: float = 0.95,
) -> dict[str, PairedDifference]:
    """Each variant's differences from the baseline in ``field``, paired by seed.

    Every row of a variant is paired with the baseline's row of the same seed
    (the same values of the ``by`` fields), and the difference *variant minus
    baseline* is taken pair by pair. Differences of runs that share their
    requests (common random numbers, ``Run(seed=...)``) leave out the noise the
    two runs share, so their interval is narrower than the two means'
    intervals suggest.

    Parameters
    ----------
    rows
        Sweep rows (mappings) or a pandas ``DataFrame`` of them.
    field
        The row field to compare, such as ``"on_time_rate"``.
    baseline
        The label of the rows every variant is compared with.
    by
        The fields that name a seed. ``sweep`` rows of one seed share
        ``seed_entropy`` and ``spawn_key``; add ``"structure"`` when the rows
        hold more than one structure under one label.
    label
        The field that names the variant.
    confidence
        The coverage of the intervals, between 0 and 1.

    Returns
    -------
    dict of str to PairedDifference
        One entry per variant other than the baseline, in the order the rows
        first name them. A pair with ``field`` missing (``None``, empty or NaN)
        on either side is left out, and ``n`` counts the pairs used.

    Raises
    ------
    IntervalError
        No row of the baseline or of any other variant; a row without a
        ``label`` or a ``by`` field, or whose ``field`` is not a number; two
        rows of one variant and seed; a row of a variant with no baseline row
        of its seed, or the other way round (unpaired rows, such as rows of
        seeds ``sweep`` spawned); fewer than 2 pairs for a variant.
    MissingExtraError
        scipy is not installed (``govmodel[stats]``).

    Examples
    --------
    >>> rows = [{"label": label, "seed_entropy": str(s), "spawn_key": str(s), "open": o}
    ...         for label, opened in [("baseline", [3, 5, 4]), ("merged", [6, 7, 7])]
    ...         for s, o in enumerate(opened)]
    >>> d = paired(rows, "open")["merged"]
    >>> d.variant, d.baseline, d.n, d.mean, round(d.half_width, 2), round(d.effect_size, 2)
    ('merged', 'baseline', 3, 2.666..., 1.43, 4.62)

    Rows whose seeds ``sweep`` spawned (one ``spawn_key`` per run) are
    independent samples and are refused:

    >>> rows[3] = {**rows[3], "spawn_key": "2025:3"}
    >>> paired(rows, "open")
    Traceback (most recent call last):
    ...
    govmodel.simulation.intervals.IntervalError: rows[3]: no baseline row with ... "2025:3"; ...
    """
    level = _check_confidence(confidence)
    if isinstance(by, str) or not by or not all(isinstance(name, str) for name in by):
        raise IntervalError("by", f"expected one or more field names, found {short_repr(by)}")
    by = tuple(by)
    records = _records(rows)
    # Per label: seed key -> (row index, value or None when missing)
    groups: dict[str, dict[tuple[str, ...], tuple[int, float | None]]] = {}
    for i, row in enumerate(records):
        for name in (label, *by):
            if name not in row or _missing(row[name]):
                raise IntervalError(f"rows[{i}].{name}", "expected a value, found none")
        name = str(row[label])
        key = tuple(str(row[b]) for b in by)
        value = row.get(field)
        number = None if _missing(value) else _number(f"rows[{i}].{field}", value)
        seen = groups.setdefault(name, {})
        if key in seen:
            raise IntervalError(
                f"rows[{i}]",
                f"a second row of {quoted(name)} with {_describe(by, key)} (the first is "
                f"rows[{seen[key][0]}]); expected one row per variant and seed",
            )
        seen[key] = (i, number)
    if baseline not in groups:
        found = ", ".join(quoted(n) for n in groups) or "no rows"
        raise IntervalError("baseline", f"no row labelled {quoted(baseline)}; found {found}")
    if len(groups) < 2:
        raise IntervalError(
            "rows", f"expected rows of a variant besides {quoted(baseline)}, found none"
        )
    base = groups[baseline]
    hint = (
        "paired differences need the same seeds for every variant, as Run(seed=...) gives; "
        "spawned seeds are independent samples"
    )
    results: dict[str, PairedDifference] = {}
    for name, group in groups.items():
        if name == baseline:
            continue
        for key, (i, _) in group.items():
            if key not in base:
                raise IntervalError(
                    f"rows[{i}]", f"no baseline row with {_describe(by, key)}; {hint}"
                )
        for key, (i, _) in base.items():
            if key not in group:
                raise IntervalError(
                    f"rows[{i}]",
                    f"no row of {quoted(name)} with {_describe(by, key)} to pair with; {hint}",
                )
        differences = []
        for key, (_, value) in group.items():
            other = base[key][1]
            if value is not None and other is not None:
                differences.append(value - other)
        if len(differences) < 2:
            raise IntervalError(
                "rows",
                f"expected 2 or more pairs with {field} for {quoted(name)}, "
                f"found {len(differences)}",
            )
        mean, half = mean_and_interval(differences, confidence=level)
        _, sd = _spread(differences)
        results[name] = PairedDifference(
            variant=name,
            baseline=baseline,
            field=field,
            n=len(differences),
            mean=mean,
            half_width=half,
            confidence=level,
            effect_size=mean / sd if sd > 0 else None,
        )
    return results


def is_share(field: str) -> bool:
    """Whether a row field is a share between 0 and 1: a ``*_rate`` or a ``contained_*`` field.

    Tables and figures show shares in percentage points.

    Examples
    --------
    >>> is_share("on_time_rate"), is_share("contained_street"), is_share("escalations")
    (True, True, False)
    """
    return field.endswith("_rate") or field.startswith("contained_")


def paired_table(
    rows: Iterable[Mapping[str, Any]] | pandas.DataFrame,
    fields: Sequence[str],
    *,
    baseline: str = "baseline",
    by: Sequence[str] = ("seed_entropy", "spawn_key"),
    label: str = "label",
    confidence: float = 0.95,
) -> list[PairedDifference]:
    """``paired`` for each of ``fields``: every variant's differences, variant by variant.

    Parameters
    ----------
    rows, baseline, by, label, confidence
        As for ``paired``.
    fields
        The row fields to compare, in the order of the table's columns.

    Returns
    -------
    list of PairedDifference
        For each variant (in the order the rows first name them), one per
        field, in the order of ``fields``.

    Raises
    ------
    IntervalError
        No field, or anything ``paired`` refuses.

    Examples
    --------
    >>> rows = [{"label": label, "seed_entropy": str(s), "spawn_key": str(s), "open": o,
    ...          "on_time_rate": r}
    ...         for label, opened, rates in [("baseline", [3, 5, 4], [0.9, 0.8, 0.85]),
    ...                                       ("merged", [6, 7, 7], [0.8, 0.8, 0.8])]
    ...         for s, (o, r) in enumerate(zip(opened, rates))]
    >>> [(d.variant, d.field) for d in paired_table(rows, ["open", "on_time_rate"])]
    [('merged', 'open'), ('merged', 'on_time_rate')]
    """
    if isinstance(fields, str) or not fields or not all(isinstance(f, str) for f in fields):
        raise IntervalError(
            "fields", f"expected one or more field names, found {short_repr(fields)}"
        )
    records = _records(rows)
    columns = [
        paired(records, field, baseline=baseline, by=by, label=label, confidence=confidence)
        for field in fields
    ]
    return [column[variant] for variant in columns[0] for column in columns]


def table_text(
    differences: Iterable[PairedDifference], *, percent: Iterable[str] | None = None
) -> str:
    """Paired differences as a text table: a line per variant, a column per field.

    Each cell is the mean difference (variant minus baseline) ± the half-width
    of its interval, marked ``*`` where the interval leaves out 0; a last line
    says what the cells are. Fields named in ``percent`` (by default the
    shares: those ending in ``_rate`` and the ``contained_*`` shares) are shown
    in percentage points.

    Examples
    --------
    >>> d = PairedDifference(variant="merged", baseline="baseline", field="on_time_rate", n=30,
    ...                      mean=-0.021, half_width=0.008, confidence=0.95, effect_size=-0.9)
    >>> e = PairedDifference(variant="merged", baseline="baseline", field="escalations", n=30,
    ...                      mean=-25.4, half_width=2.8, confidence=0.95, effect_size=-3.2)
    >>> print(table_text([d, e]))
    variant           on_time_rate     escalations
    merged             -2.1 ± 0.8 *   -25.4 ± 2.8 *
    (variant minus baseline over 30 pairs of runs; ± half-width of the 95 % t-interval;
    * the interval leaves out 0; on_time_rate in percentage points)
    """
    found = list(differences)
    if not found or not all(isinstance(d, PairedDifference) for d in found):
        raise IntervalError(
            "differences", f"expected one or more PairedDifference, found {short_repr(found)}"
        )
    fields = list(dict.fromkeys(d.field for d in found))
    variants = list(dict.fromkeys(d.variant for d in found))
    shown = {f for f in fields if is_share(f)} if percent is None else set(percent)
    cell = {(d.variant, d.field): d for d in found}

    def text(d: PairedDifference | None) -> str:
        if d is None:
            return ""
        scale = 100.0 if d.field in shown else 1.0
        mark = " *" if d.clear_of_zero else "  "
        # Adding 0.0 turns a mean that rounds to -0.0 into 0.0.
        return f"{round(scale * d.mean, 1) + 0.0:+.1f} ± {scale * d.half_width:.1f}{mark}"

    cells = {key: text(d) for key, d in cell.items()}
    width = max(len(v) for v in (*variants, "variant")) + 2
    widths = {f: max(len(f), *(len(cells.get((v, f), "")) for v in variants)) + 2 for f in fields}
    lines = ["variant".ljust(width) + "".join(f.rjust(widths[f]) for f in fields)]
    for v in variants:
        lines.append(
            (
                v.ljust(width) + "".join(cells.get((v, f), "").rjust(widths[f]) for f in fields)
            ).rstrip()
        )
    counts = sorted({d.n for d in found})
    pairs = f"{counts[0]}" if len(counts) == 1 else f"{counts[0]} to {counts[-1]}"
    levels = sorted({d.confidence for d in found})
    level = ", ".join(f"{100 * c:g} %" for c in levels)
    note = (
        f"(variant minus baseline over {pairs} pairs of runs; ± half-width of the "
        f"{level} t-interval;\n* the interval leaves out 0"
    )
    if shown & set(fields):
        note += f"; {', '.join(f for f in fields if f in shown)} in percentage points"
    lines.append(note + ")")
    return "\n".join(lines)

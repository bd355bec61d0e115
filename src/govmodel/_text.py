"""Small text helpers the reports of govmodel share."""

from __future__ import annotations

__all__ = ["percent"]


def percent(rate: float | None) -> str:
    """A rate as a percentage with one decimal, or ``n/a`` where nothing was counted.

    Examples
    --------
    >>> percent(0.9834), percent(1.0), percent(None)
    ('98.3%', '100.0%', 'n/a')
    """
    return "n/a" if rate is None else f"{rate * 100:.1f}%"

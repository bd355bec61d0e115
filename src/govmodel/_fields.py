"""Field converters shared by the record modules (``model``, ``cases``)."""

from __future__ import annotations

from typing import Any

__all__ = ["list_to_tuple"]


def list_to_tuple(value: Any) -> Any:
    """A list as a tuple; anything else unchanged.

    Lists from a caller become tuples so records stay hashable and immutable;
    anything else is left for the type checks of the spec loader and of the
    records themselves.

    Examples
    --------
    >>> list_to_tuple(["a", "b"]), list_to_tuple(("a",)), list_to_tuple(None)
    (('a', 'b'), ('a',), None)
    """
    return tuple(value) if isinstance(value, list) else value

"""Pausing Python's cyclic garbage collector while a large structure is built.

Building a structure allocates millions of small containers (records, the
dictionaries of the networkx graph, index tuples) that all stay alive. Each
allocation counts towards the collector's thresholds, so the collector runs
over and over during the build, every older-generation pass walking every
object made so far, and finds nothing to free: on a structure of a few hundred
thousand nodes that was two thirds of the build time. Reference counting still
frees everything as usual while the collector is paused; it is restarted as it
was found, even when the build raises.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["paused"]


@contextmanager
def paused() -> Iterator[None]:
    """Pause the cyclic garbage collector for the ``with`` block.

    Nested uses are safe: only the outermost one that found the collector
    running restarts it.

    Examples
    --------
    >>> import gc
    >>> with paused():
    ...     gc.isenabled()
    False
    >>> gc.isenabled()
    True
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()

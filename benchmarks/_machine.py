"""What every benchmark says about the machine it ran on, and how it pins itself to a core."""

from __future__ import annotations

import os
import platform
from pathlib import Path

__all__ = ["cpu_model", "load_average", "pin_to_one_core"]


def pin_to_one_core(cpu: int) -> str:
    """Pin this process to ``cpu``; say whether it worked."""
    try:
        os.sched_setaffinity(0, {cpu})
    except (AttributeError, OSError) as err:
        return f"not pinned ({err.__class__.__name__})"
    return f"pinned to cpu {cpu}"


def load_average() -> str:
    """The 1- and 5-minute load averages, to print beside the figures."""
    try:
        one, five, _ = os.getloadavg()
    except (AttributeError, OSError):
        return "unknown"
    return f"{one:.2f} (1 min), {five:.2f} (5 min)"


def cpu_model() -> str:
    """The processor's model name, from /proc/cpuinfo where there is one."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"

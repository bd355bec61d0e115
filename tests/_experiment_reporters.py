"""Reporters the experiment tests name in their files, as ``tests._experiment_reporters:...``."""

import os

from govmodel.simulation import SimulationResult

FAIL_ON = "GOVMODEL_TEST_FAIL_ON_SEED"
"""The environment variable naming the seed (``"0.2"``: entropy 0, spawn key 2) to fail on."""


def fragile(result: SimulationResult) -> dict[str, int]:
    """The cases reported, or an error for the seed ``FAIL_ON`` names: an interrupt mid-way."""
    seed = result.seed if isinstance(result.seed, tuple) else (result.seed,)
    if os.environ.get(FAIL_ON) == ".".join(str(part) for part in seed):
        raise RuntimeError("interrupted on purpose")
    return {"reported_again": result.metrics.reported}


def not_a_mapping(result: SimulationResult) -> list[int]:
    """A reporter that breaks the contract: a list, not a mapping of columns."""
    return [result.metrics.reported]

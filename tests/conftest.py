"""Shared test configuration: one Hypothesis settings profile for CI."""

import os

from hypothesis import HealthCheck, settings

# CI runs a fixed, derandomised set of examples so a red build can be replayed;
# local runs draw fresh examples each time.
settings.register_profile(
    "ci",
    max_examples=60,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("dev", max_examples=60, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))

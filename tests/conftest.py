"""Shared test configuration: one Hypothesis settings profile for CI, and the stores."""

import os
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, settings

from govmodel.store import Store
from tests._stores import KINDS, Spec, new_spec, open_store, postgres_dsn

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


# -- the stores: every store test runs on SQLite and on PostgreSQL ------------------


@pytest.fixture(params=KINDS)
def store_kind(request: pytest.FixtureRequest) -> str:
    """The store to test on: sqlite, or postgres (skipped without a server, failed so in CI)."""
    kind: str = request.param
    if kind == "postgres":
        postgres_dsn()
    return kind


@pytest.fixture
def store_spec(store_kind: str) -> Iterator[Spec]:
    """A spec naming an empty store of each kind."""
    with new_spec(store_kind) as spec:
        yield spec


@pytest.fixture
def store(store_spec: Spec) -> Iterator[Store]:
    """An empty store of each kind: SQLite on a temporary file, PostgreSQL in its own schema."""
    opened = open_store(store_spec)
    try:
        yield opened
    finally:
        opened.close()


# -- the console examples of the documentation -------------------------------------------


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--regen-console",
        action="store_true",
        help="write the outputs the documentation's console examples print back into the pages",
    )

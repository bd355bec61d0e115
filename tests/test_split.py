"""Tests for `govmodel.simulation._split` and the per-case random streams it rests on."""

from __future__ import annotations

import datetime as dt
from concurrent.futures import ProcessPoolExecutor
from functools import cache

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from govmodel import examples, synth
from govmodel.errors import GovModelError
from govmodel.simulation import (
    Scenario,
    ablate,
    independent_parts,
    simulate,
    simulate_parts,
    without_bodies,
)
from govmodel.simulation.engine import _Draws
from govmodel.structure import Structure

SHORT = Scenario(days=20, warmup_days=5)


@cache
def district(seed: int, streets: int = 3) -> Structure:
    """A small generated district: streets of two communities of a few small compounds."""
    return synth.generate(
        streets=streets,
        communities_per_street=(1, 2),
        compounds_per_community=(1, 3),
        buildings_per_compound=(1, 4),
        units_per_building=(1, 2),
        seed=seed,
    )


def histories(result: object, cases: set[str]) -> dict[str, list[object]]:
    """Each named case's events, in order."""
    found: dict[str, list[object]] = {c: [] for c in cases}
    for event in result.events:  # type: ignore[attr-defined]
        case_id = event.case.id if hasattr(event, "case") else event.case_id
        if case_id in found:
            found[case_id].append(event)
    return found


class TestDraws:
    """Each case draws from a stream of its own."""

    @given(
        st.lists(st.integers(0, 5000), min_size=1, max_size=6, unique=True),
        st.lists(st.integers(0, 5), max_size=40),
        st.integers(0, 2**32 - 1),
    )
    def test_a_cases_numbers_do_not_depend_on_other_cases(
        self, numbers: list[int], interleaving: list[int], seed: int
    ) -> None:
        """Case n's k-th number is the same whatever other cases draw before and between."""
        mixed = _Draws(np.random.SeedSequence(seed))
        for n in numbers:
            mixed.add((0, n))
        got = []
        for k in interleaving:
            if 0 < k < len(numbers):
                mixed.uniform(k)
            else:
                got.append(mixed.uniform(0))
        got += [mixed.uniform(0) for _ in range(30)]
        alone = _Draws(np.random.SeedSequence(seed))
        alone.add((0, numbers[0]))
        expected = [alone.uniform(0) for _ in got]
        assert got == expected

    @given(st.integers(0, 2**32 - 1))
    def test_streams_of_different_cases_differ(self, seed: int) -> None:
        """A drawn case, a case made from it and another drawn case start differently."""
        draws = _Draws(np.random.SeedSequence(seed))
        for key in [(0, 0), (1, 0, 0), (0, 1), (2, 1, 0, 0)]:
            draws.add(key)
        firsts = [draws.uniform(i) for i in range(4)]
        assert len(set(firsts)) == 4

    @given(st.integers(0, 2**32 - 1))
    def test_numbers_lie_in_their_ranges(self, seed: int) -> None:
        """Uniforms in [0, 1), exponentials of 0 or more, finite normals."""
        draws = _Draws(np.random.SeedSequence(seed))
        draws.add((0, 3))
        for _ in range(40):
            assert 0.0 <= draws.uniform(0) < 1.0
            assert draws.exponential(0) >= 0.0
            assert np.isfinite(draws.normal(0))


class TestCommonRandomNumbers:
    """A case a variant does not touch has the same history under every variant."""

    @settings(max_examples=8, deadline=None)
    @given(st.integers(0, 50), st.integers(0, 10_000))
    def test_a_change_in_one_street_leaves_the_others_alone(
        self, structure_seed: int, seed: int
    ) -> None:
        """Removing a body from one street changes no case of the other streets."""
        s = district(structure_seed)
        parts = independent_parts(s)
        first = parts[0]
        street = s.enclosing(sorted(first)[0], "street")
        assert street is not None
        # The first street's residents' committees: every case there meets one sooner or later.
        bodies = [
            b.id
            for b in s.bodies()
            if b.kind == "residents_committee"
            and any(s.enclosing(p, "street") == street for p in b.jurisdiction)
        ]
        variant = without_bodies(s, bodies[:1], name="variant")
        base = simulate(s, SHORT, seed=seed)
        changed = simulate(variant, SHORT, seed=seed)
        others = {o.case_id for o in base.outcomes if s.enclosing(o.place, "street") != street}
        assert others
        assert histories(base, others) == histories(changed, others)

    def test_cases_outside_the_ablated_element_keep_their_draws_in_xinhe(self) -> None:
        """Under no_mediation_room, cases no mediation could reach keep their resolution times.

        Repairs and inquiries of Xinhe never go to the mediation room; with
        per-case streams their handling draws no longer shift with the
        disputes around them (the v0.1 shared stream gave 6 of 56 of them
        other times under the variant).
        """
        xinhe = examples.load("xinhe")
        variant = ablate(xinhe, "no_mediation_room")
        scenario = Scenario(capacity=1000, off=frozenset({"staffing_scale"}))
        base = {o.case_id: o for o in simulate(xinhe, scenario, seed=0).outcomes}
        other = {o.case_id: o for o in simulate(variant, scenario, seed=0).outcomes}
        kept = [c for c, o in base.items() if o.category in ("repair", "inquiry")]
        same = [c for c in kept if base[c] == other.get(c)]
        assert len(kept) > 20
        assert len(same) == len(kept)


class TestIndependentParts:
    """The parts of a structure that never exchange a case."""

    def test_a_generated_district_splits_by_street(self) -> None:
        """Each street of a generated district is a part, holding that street's compounds."""
        s = district(1, streets=4)
        parts = independent_parts(s)
        assert len(parts) == 4
        for part in parts:
            streets = {s.enclosing(p, "street") for p in part}
            assert len(streets) == 1

    def test_a_community_without_a_street_office_is_one_part(self) -> None:
        """Xinhe (no street office of its own) is a single part."""
        parts = independent_parts(examples.load("xinhe"))
        assert len(parts) == 1

    def test_parts_without_their_own_street_office_go_together(self) -> None:
        """Streets whose offices are removed share the stand-in street: one part."""
        s = district(2, streets=3)
        offices = [b.id for b in s.bodies("street_office")]
        merged = without_bodies(s, offices[:2])
        assert len(independent_parts(merged)) == 2


class TestSimulateParts:
    """One run, a part per task, equals the run in one process."""

    @settings(max_examples=6, deadline=None)
    @given(st.integers(0, 200), st.integers(0, 10_000), st.booleans())
    def test_merged_parts_equal_the_whole_run(
        self, structure_seed: int, seed: int, warm: bool
    ) -> None:
        """Events, outcomes and metrics of the merged parts are those of one run."""
        s = district(structure_seed)
        scenario = Scenario(days=30, warmup_days=7 if warm else 0)
        whole = simulate(s, scenario, seed=seed)
        split = simulate_parts(s, scenario, seed=seed)
        assert split.events == whole.events
        assert split.outcomes == whole.outcomes
        assert split.metrics == whole.metrics
        assert split.hotline_metrics == whole.hotline_metrics
        assert split == whole

    def test_on_a_process_pool(self) -> None:
        """Parts run in two processes give the same result."""
        s = district(5, streets=4)
        with ProcessPoolExecutor(2) as pool:
            split = simulate_parts(s, SHORT, seed=11, executor=pool)
        assert split == simulate(s, SHORT, seed=11)

    @pytest.mark.filterwarnings("ignore::DeprecationWarning")
    @pytest.mark.filterwarnings("ignore::ResourceWarning")
    @pytest.mark.filterwarnings("ignore::UserWarning")
    def test_on_a_dask_cluster(self) -> None:
        """Parts run on a real distributed.LocalCluster give the same result."""
        distributed = pytest.importorskip("distributed")
        s = district(5, streets=4)
        with (
            distributed.LocalCluster(
                n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
            ) as cluster,
            distributed.Client(cluster) as client,
        ):
            split = simulate_parts(s, SHORT, seed=12, executor=client.get_executor())
        assert split == simulate(s, SHORT, seed=12)

    def test_parts_chosen_by_the_caller(self) -> None:
        """Parts that group whole independent parts give the same result."""
        s = district(6, streets=4)
        found = independent_parts(s)
        grouped = [found[0] | found[1], found[2] | found[3]]
        assert simulate_parts(s, SHORT, seed=2, parts=grouped) == simulate(s, SHORT, seed=2)

    def test_parts_that_cut_a_street_are_refused(self) -> None:
        """A part holding half of a street's compounds is refused, naming the places."""
        s = district(7, streets=2)
        first, second = independent_parts(s)
        if len(first) < 2:
            first, second = second, first
        half = sorted(first)
        with pytest.raises(GovModelError, match="one part must hold them all"):
            simulate_parts(
                s, SHORT, seed=1, parts=[frozenset(half[:1]), frozenset(half[1:]) | second]
            )

    def test_missing_and_overlapping_parts_are_refused(self) -> None:
        """A place in no part, or in two, is refused."""
        s = district(8, streets=2)
        first, second = independent_parts(s)
        with pytest.raises(GovModelError, match="no part holds"):
            simulate_parts(s, SHORT, seed=1, parts=[first])
        with pytest.raises(GovModelError, match="is also in"):
            simulate_parts(s, SHORT, seed=1, parts=[first, second, first])

    def test_a_generator_seed_is_refused(self) -> None:
        """A Generator cannot be shared by tasks: a clear error."""
        with pytest.raises(GovModelError, match="cannot share one Generator"):
            simulate_parts(district(1), SHORT, seed=np.random.default_rng(1))  # type: ignore[arg-type]

    def test_time_zone_aware_runs_merge_too(self) -> None:
        """A period in a time zone splits and merges the same way."""
        s = district(9, streets=2)
        scenario = Scenario(days=15, warmup_days=0, start=dt.datetime(2025, 3, 1, tzinfo=dt.UTC))
        assert simulate_parts(s, scenario, seed=4) == simulate(s, scenario, seed=4)

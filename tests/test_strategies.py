"""Tests for `govmodel.strategies`: the strategies users test with."""

import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from govmodel import PlaceKind, Structure
from govmodel.strategies import CorruptedSpec, corrupted_specs, structures


class TestStructures:
    @given(
        structures(
            min_communities=2,
            max_communities=2,
            min_compounds=1,
            max_compounds=1,
            min_buildings=2,
            max_buildings=2,
        )
    )
    def test_bounds_respected(self, s: Structure) -> None:
        """Exactly the requested numbers of communities, compounds and buildings."""
        assert len(s.places(kind=PlaceKind.COMMUNITY)) == 2
        assert len(s.places(kind=PlaceKind.COMPOUND)) == 2
        assert len(s.places(kind=PlaceKind.BUILDING)) == 4

    @given(st.from_type(Structure))
    def test_registered_for_structure(self, s: Structure) -> None:
        """The hypothesis entry point registers structures() for Structure."""
        assert isinstance(s, Structure)
        assert s.places(kind=PlaceKind.STREET)

    @pytest.mark.parametrize(
        "kwargs",
        [
            {"min_communities": 0},
            {"min_compounds": -1},
            {"min_buildings": 3, "max_buildings": 2},
            {"max_communities": 0},
        ],
    )
    def test_invalid_arguments(self, kwargs: dict[str, int]) -> None:
        """Impossible bounds raise InvalidArgument at once."""
        with pytest.raises(InvalidArgument):
            structures(**kwargs)

    @given(structures(max_communities=1, max_compounds=3, max_buildings=3))
    def test_cross_appointments_occur(self, s: Structure) -> None:
        """The community secretary always holds the party post and leads the grid (兼任)."""
        secretary = next(p for p in s.people() if p.id.endswith("-secretary"))
        assert len(s.posts_of(secretary.id)) >= 2


class TestCorruptedSpecs:
    def test_invalid_arguments(self) -> None:
        """At least one defect is injected."""
        with pytest.raises(InvalidArgument):
            corrupted_specs(min_defects=0)

    @given(corrupted_specs(min_defects=2, max_defects=3))
    def test_defect_count_and_distinct_places(self, case: CorruptedSpec) -> None:
        """Between min and max defects are injected, each at its own record."""
        records = {d.location.split(".")[0] for d in case.defects}
        assert len(records) == len(case.defects)
        assert 2 <= len(case.defects) <= 3


class TestArgumentTypes:
    def test_non_integer_bounds(self) -> None:
        """Bounds that are not integers raise InvalidArgument."""
        with pytest.raises(InvalidArgument, match="expected an integer"):
            structures(min_compounds="a")  # type: ignore[arg-type]

    def test_cases_needs_a_structure(self) -> None:
        """cases() of something that is not a structure raises InvalidArgument."""
        from govmodel.strategies import cases

        with pytest.raises(InvalidArgument, match="expected a govmodel Structure"):
            cases("xinhe")  # type: ignore[arg-type]

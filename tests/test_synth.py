"""Tests for `govmodel.synth`: synthetic structures of any size."""

from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

import govmodel
from govmodel import BodyKind, PlaceKind, Role, Severity, Structure, examples, synth, validate
from govmodel.synth import PRESETS, Shape, Shares, SynthError, generate, preset

sizes = st.one_of(
    st.integers(0, 3),
    st.tuples(st.integers(0, 2), st.integers(0, 2)).map(lambda t: (t[0], t[0] + t[1])),
)
seeds = st.integers(0, 2**63)


@st.composite
def shapes(draw: st.DrawFn) -> dict[str, Any]:
    return {
        "streets": draw(st.integers(0, 2)),
        "communities_per_street": draw(sizes),
        "compounds_per_community": draw(sizes),
        "buildings_per_compound": draw(sizes),
        "units_per_building": draw(sizes),
        "households_per_unit": draw(sizes),
    }


shares = st.builds(Shares, **{f.name: st.floats(0, 1) for f in attrs.fields(Shares)})

# Big enough that two seeds drawing the same structure is out of the question.
MEDIUM: dict[str, Any] = {
    "communities_per_street": 2,
    "compounds_per_community": 3,
    "buildings_per_compound": 3,
    "units_per_building": 2,
}


class TestGenerate:
    @given(shapes(), seeds)
    def test_any_shape_and_seed_validates_clean(self, shape: dict[str, Any], seed: int) -> None:
        """Every size and seed gives a structure with no violation at all."""
        assert validate(generate(**shape, seed=seed)) == ()

    @given(shapes(), seeds, shares)
    def test_any_shares_give_no_error(self, shape: dict[str, Any], seed: int, s: Shares) -> None:
        """With any shares, no error; warnings only for compounds lacking their committee.

        Exactly the residential compounds without the committee their title calls for.
        """
        structure = generate(**shape, seed=seed, shares=s)
        found = validate(structure)
        assert all(v.severity is Severity.WARNING for v in found)
        committees = {
            place_id
            for b in structure.bodies()
            if b.kind in (BodyKind.OWNERS_COMMITTEE, BodyKind.SELF_MANAGEMENT_COMMITTEE)
            for place_id in b.jurisdiction
        }
        lacking = {
            c.id
            for c in structure.places(kind=PlaceKind.COMPOUND)
            if c.residential and c.id not in committees
        }
        assert {v.nodes[0] for v in found} == lacking
        assert {v.code for v in found} <= {
            "compound.no-owners-committee",
            "compound.no-self-management-committee",
        }

    @given(shapes(), seeds)
    def test_same_seed_same_structure(self, shape: dict[str, Any], seed: int) -> None:
        """The same arguments give the same records in the same order."""
        first, second = generate(**shape, seed=seed), generate(**shape, seed=seed)
        assert first == second
        assert first.records() == second.records()

    @given(seeds, seeds)
    def test_different_seeds_differ(self, a: int, b: int) -> None:
        """Two seeds give two different structures."""
        if a != b:
            assert generate(**MEDIUM, seed=a) != generate(**MEDIUM, seed=b)

    @given(shapes(), seeds)
    def test_spec_round_trip(self, shape: dict[str, Any], seed: int) -> None:
        """A generated structure survives its spec, as a mapping and as JSON and TOML text."""
        s = generate(**shape, seed=seed)
        assert govmodel.load(govmodel.to_dict(s)) == s
        for fmt in ("json", "toml"):
            assert govmodel.loads(govmodel.dumps(s, format=fmt), format=fmt) == s

    @given(st.integers(0, 3), st.integers(1, 2), seeds)
    def test_more_streets_keep_the_first(self, streets: int, more: int, seed: int) -> None:
        """A structure with more streets begins with the records of one with fewer."""
        small = generate(streets=streets, **MEDIUM, seed=seed)
        large = generate(streets=streets + more, **MEDIUM, seed=seed)
        for list_name, records in small.records().items():
            assert set(records) <= set(large.records()[list_name])

    def test_shape_counts(self) -> None:
        """Fixed sizes give exactly that many places of each kind."""
        s = generate(
            streets=2,
            communities_per_street=3,
            compounds_per_community=2,
            buildings_per_compound=4,
            units_per_building=2,
            shares=Shares(office=0.0),
        )
        counts = {kind: len(s.places(kind=kind)) for kind in PlaceKind}
        assert counts == {
            PlaceKind.STREET: 2,
            PlaceKind.COMMUNITY: 6,
            PlaceKind.COMPOUND: 12,
            PlaceKind.BUILDING: 48,
            PlaceKind.UNIT: 96,
        }

    def test_zero_streets_is_empty(self) -> None:
        """No street, no record."""
        s = generate(streets=0)
        assert all(records == () for records in s.records().values())

    def test_compound_without_buildings_is_one_micro_grid(self) -> None:
        """A compound with no buildings is covered whole by one micro-grid (as Zhuanqiao)."""
        s = generate(communities_per_street=1, compounds_per_community=3, buildings_per_compound=0)
        for compound in s.places(kind=PlaceKind.COMPOUND):
            grid = s.grid_of(compound.id)
            assert grid is not None
            assert grid.covers == (compound.id,)

    def test_households_add_up(self) -> None:
        """Units carry households; buildings and compounds carry their totals."""
        s = generate(communities_per_street=2, seed=5)
        for compound in synth.residential_compounds(s):
            buildings = s.children(compound.id)
            assert compound.households == sum(b.households or 0 for b in buildings)
            for building in buildings:
                units = s.children(building.id)
                assert building.households == (sum(u.households or 0 for u in units) or None)

    def test_cross_appointments(self) -> None:
        """Two-committee members lead the grids; stewards serve the grid too (兼任)."""
        s = preset("district", seed=0)
        leaders = list(s.posts(role=Role.GRID_LEADER))
        committee_posts = {
            post.id
            for body in s.bodies()
            if body.kind in (BodyKind.PARTY_COMMITTEE, BodyKind.RESIDENTS_COMMITTEE)
            for post in s.posts_in(body.id)
        }
        for leader in leaders:
            (person,) = s.holders(leader.id)
            assert {p.id for p in s.posts_of(person.id)} & committee_posts
        for steward in s.posts(role=Role.BUILDING_STEWARD):
            for person in s.holders(steward.id):
                assert len(s.posts_of(person.id)) == 2


class TestShares:
    def test_district_draws_near_its_shares(self) -> None:
        """Over a district, the drawn shares are near those declared (seeded, so exact)."""
        s = preset("district", seed=0)
        compounds = s.places(kind=PlaceKind.COMPOUND)
        residential = [c for c in compounds if c.residential]
        d = Shares()
        assert abs(1 - len(residential) / len(compounds) - d.office) < 0.08
        assert abs(sum(not c.title for c in residential) / len(residential) - d.no_title) < 0.08
        assert abs(sum(c.old for c in residential) / len(residential) - d.old) < 0.08

    @pytest.mark.parametrize("name", [f.name for f in attrs.fields(Shares)])
    @pytest.mark.parametrize("value", [-0.1, 1.01, "half", True, None])
    def test_out_of_range(self, name: str, value: object) -> None:
        """A share must be a number from 0 to 1; the error names the share."""
        with pytest.raises(SynthError, match=rf"^shares\.{name}: expected a share from 0 to 1"):
            Shares(**{name: value})  # type: ignore[arg-type]

    def test_shares_must_be_shares(self) -> None:
        """Passing something else as shares is a SynthError, not an AttributeError."""
        with pytest.raises(SynthError, match=r"shares: expected a govmodel\.synth\.Shares"):
            generate(shares={"old": 0.5})  # type: ignore[arg-type]


class TestArguments:
    @pytest.mark.parametrize(
        ("field", "value", "message"),
        [
            ("streets", -1, "streets: expected a count of 0 or more, found -1"),
            ("streets", 1.5, "streets: expected a whole number, found 1.5"),
            ("streets", True, "streets: expected a whole number, found True"),
            (
                "communities_per_street",
                -2,
                "communities_per_street: expected a count of 0 or more, found -2",
            ),
            (
                "compounds_per_community",
                (-1, 3),
                "compounds_per_community: expected a count of 0 or more, found (-1, 3)",
            ),
            (
                "buildings_per_compound",
                (5, 2),
                "buildings_per_compound: expected a range (low, high) with low <= high, "
                "found (5, 2)",
            ),
            (
                "units_per_building",
                "two",
                "units_per_building: expected a count or a (low, high) pair of counts, found 'two'",
            ),
            (
                "units_per_building",
                (1, 2, 3),
                "units_per_building: expected a count or a (low, high) pair of counts, "
                "found (1, 2, 3)",
            ),
        ],
    )
    def test_bad_size(self, field: str, value: object, message: str) -> None:
        """Bad sizes raise SynthError (a ValueError) saying what was expected and found."""
        with pytest.raises(SynthError) as info:
            generate(**{field: value})  # type: ignore[arg-type]
        assert str(info.value) == message
        assert isinstance(info.value, ValueError)
        assert isinstance(info.value, govmodel.GovModelError)

    @pytest.mark.parametrize("seed", [-1, 1.0, "7", None, False])
    def test_bad_seed(self, seed: object) -> None:
        """The seed is a whole number of 0 or more."""
        with pytest.raises(SynthError, match="seed: expected a whole number of 0 or more"):
            generate(seed=seed)  # type: ignore[arg-type]

    def test_lists_are_ranges(self) -> None:
        """A two-item list is a range, as a spec-minded caller may write it."""
        assert Shape(units_per_building=[1, 3]).units_per_building == (1, 3)


class TestPresets:
    def test_unknown_lists_the_known(self) -> None:
        """An unknown preset names every known one."""
        with pytest.raises(SynthError) as info:
            preset("village")
        assert str(info.value) == (
            'preset: unknown preset "village"; expected one of district, city, megacity'
        )

    def test_sizes_grow_tenfold(self) -> None:
        """Each preset has ten times the streets of the one before, the same street shape."""
        district, city, megacity = PRESETS["district"], PRESETS["city"], PRESETS["megacity"]
        assert city.streets == 10 * district.streets
        assert megacity.streets == 10 * city.streets
        assert attrs.evolve(district, streets=0) == attrs.evolve(megacity, streets=0)

    def test_district(self) -> None:
        """The district preset is about 10,000 nodes and validates with no violation."""
        s = preset("district", seed=1)
        assert 8_000 < s.graph.number_of_nodes() < 13_000
        assert validate(s) == ()
        assert s.name == "Synthetic district (seed 1)"

    def test_presets_are_read_only(self) -> None:
        """PRESETS cannot be changed by accident."""
        with pytest.raises(TypeError):
            PRESETS["town"] = Shape()  # type: ignore[index]


class TestResidentialCompounds:
    def test_bundled(self) -> None:
        """Of the bundled communities, only Lianhua records households (市政大院's 1,100)."""
        found = {
            name: [c.id for c in synth.residential_compounds(examples.load(name))]
            for name in examples.names()
        }
        assert found == {
            "shagangwan": [],
            "chengxi": [],
            "xinhe": [],
            "zhuanqiao": [],
            "lianhua": ["compound:shizheng-dayuan"],
        }

    def test_offices_left_out(self) -> None:
        """Office compounds and compounds without buildings record no households."""
        s = generate(communities_per_street=3, seed=4)
        kept = set(synth.residential_compounds(s))
        for compound in s.places(kind=PlaceKind.COMPOUND):
            assert (compound in kept) == (compound.residential and bool(compound.households))


def test_reexported() -> None:
    """The module is reachable as govmodel.synth."""
    assert govmodel.synth is synth
    assert isinstance(generate(streets=0), Structure)

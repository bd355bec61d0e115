"""Tests for `govmodel.simulation._variants`: each ablation, valid and doing what it says.

Property tests run over the bundled communities and generated structures:
every variant offered differs from the baseline and has no validation error,
every ablation left out really leaves the structure as it was (or as a
smaller set of ablations left it), and the ablations that should commute do.
"""

import itertools
import pickle

import pytest
from hypothesis import given
from hypothesis import strategies as st

from govmodel import BodyKind, GovModelError, GridLevel, Severity, Structure, examples, validate
from govmodel.simulation import (
    ABLATIONS,
    VariantError,
    Variants,
    ablate,
    variants,
    without_bodies,
)
from govmodel.simulation._variants import _APPLIED_IN
from govmodel.strategies import structures


class TestVariants:
    @pytest.mark.parametrize("name", examples.names())
    def test_examples_stay_valid(self, name: str) -> None:
        """Every ablation of every bundled community has no validation error."""
        for label, s in variants(examples.load(name)).items():
            errors = [v for v in validate(s) if v.severity is Severity.ERROR]
            assert errors == [], label

    @given(structures())
    def test_generated_stay_valid(self, s: Structure) -> None:
        """Ablations of any valid structure have no validation error."""
        for label, v in variants(s).items():
            assert [x for x in validate(v) if x.severity is Severity.ERROR] == [], label

    def test_names(self) -> None:
        """The baseline and the six ablations of the design, in their order, where they apply."""
        assert list(ABLATIONS) == [
            "no_owners_committee",
            "no_compound_party_branch",
            "no_cross_appointments",
            "grid_levels_merged",
            "no_mediation_room",
            "no_standing_meeting",
        ]
        found = variants(examples.load("xinhe"))
        assert list(found) == [
            "baseline",
            *(n for n in ABLATIONS if n != "no_compound_party_branch"),
        ]
        assert list(found.left_out) == ["no_compound_party_branch"]
        assert set(_APPLIED_IN) == set(ABLATIONS)

    def test_no_owners_committee(self) -> None:
        """Owners' committees and what hangs on them go."""
        v = variants(examples.load("lianhua"))["no_owners_committee"]
        assert v.bodies(kind=BodyKind.OWNERS_COMMITTEE) == ()
        assert all(not m.startswith("oc:") for meeting in v.meetings() for m in meeting.members)

    def test_no_compound_party_branch(self) -> None:
        """Branches answering for one compound go, with the meetings they convene."""
        s = examples.load("lianhua")
        v = variants(s)["no_compound_party_branch"]
        gone = {b.id for b in s.bodies()} - {b.id for b in v.bodies()}
        assert gone
        assert all(m.convener not in gone for m in v.meetings())
        assert len(v.meetings()) < len(s.meetings())

    @pytest.mark.parametrize("name", examples.names())
    def test_no_cross_appointments(self, name: str) -> None:
        """Every person holds one post; every post keeps its holders' count."""
        s = examples.load(name)
        v = ABLATIONS["no_cross_appointments"](s)
        assert all(len(v.posts_of(p.id)) <= 1 for p in v.people())
        assert len(v.appointments()) == len(s.appointments())

    def test_grid_levels_merged(self) -> None:
        """No post is left in a micro-grid; micro posts move to their compound grid."""
        s = examples.load("chengxi")
        v = variants(s)["grid_levels_merged"]
        micro = {g.id for g in v.grids(level=GridLevel.MICRO)}
        assert not any(p.within in micro for p in v.posts())
        assert len(v.posts()) == len(s.posts())
        assert len(micro) == len(s.grids(level=GridLevel.COMPOUND))

    def test_no_mediation_room_and_meetings(self) -> None:
        """Mediation rooms and their posts go; no standing meeting is left."""
        found = variants(examples.load("xinhe"))
        assert found["no_mediation_room"].bodies(kind=BodyKind.MEDIATION_ROOM) == ()
        assert found["no_standing_meeting"].meetings() == ()

    def test_without_bodies_drops_dependants(self) -> None:
        """Removing a body removes its ties, posts, appointments and meeting seats."""
        s = without_bodies(examples.load("xinhe"), {"pm:cxh"})
        assert "pm:cxh" not in s
        assert all("pm:cxh" not in (t.source, t.target) for t in s.ties())
        assert all(p.within != "pm:cxh" for p in s.posts())
        assert all("pm:cxh" not in m.members for m in s.meetings())


# Pairs of ablations applied in either order give the same structure, except
# undoing cross-appointments beside a removal of bodies: undone first, it may
# leave a stand-in whose only post went with its body (Lianhua's owners'
# committees), which is why `ablate` undoes cross-appointments last.
REMOVE_BODIES = {"no_owners_committee", "no_compound_party_branch", "no_mediation_room"}
COMMUTING = [
    (a, b)
    for a, b in itertools.combinations(ABLATIONS, 2)
    if not ("no_cross_appointments" in (a, b) and {a, b} & REMOVE_BODIES)
]


def _errors(s: Structure) -> list[str]:
    return [f"{v.code}: {v.message}" for v in validate(s) if v.severity is Severity.ERROR]


class TestWhatIsOffered:
    @pytest.mark.parametrize("name", examples.names())
    def test_examples(self, name: str) -> None:
        """Offered variants change the structure and are valid; those left out are as said.

        Single or combined: each left out equals the baseline, or the smaller
        set of ablations its reason names.
        """
        s = examples.load(name)
        found = variants(s, combine=len(ABLATIONS))
        self.check(s, found)

    @given(structures(), st.integers(min_value=1, max_value=3))
    def test_generated(self, s: Structure, combine: int) -> None:
        """The same holds of generated structures, up to three ablations together."""
        self.check(s, variants(s, combine=combine))

    @staticmethod
    def check(s: Structure, found: Variants) -> None:
        assert next(iter(found)) == "baseline"
        assert found["baseline"] is s
        assert not set(found) & set(found.left_out)
        for label, v in found.items():
            if label != "baseline":
                assert v != s, label
                assert v == ablate(s, label), label
            assert _errors(v) == [], label
        for label, reason in found.left_out.items():
            parts = label.split("+")
            if len(parts) == 1:
                assert ablate(s, label) == s
                assert reason.startswith("leaves the structure unchanged: ")
            else:
                same = reason.removeprefix('gives the same structure as "').removesuffix('"')
                smaller = [] if same == "baseline" else same.split("+")
                assert set(smaller) < set(parts), label
                assert ablate(s, label) == ablate(s, smaller), label

    def test_lianhua_grid_levels_merged_is_not_offered(self) -> None:
        """Lianhua has no micro-grid, so merging the grid levels is not offered, and says why."""
        found = variants(examples.load("lianhua"))
        assert "grid_levels_merged" not in found
        assert found.get("grid_levels_merged") is None
        assert found.left_out["grid_levels_merged"] == (
            "leaves the structure unchanged: it has no micro-grid"
        )
        with pytest.raises(VariantError, match=r'^"grid_levels_merged" is left out for Lianhua'):
            found["grid_levels_merged"]

    def test_every_ablation_accounted_for(self) -> None:
        """Every set of ablations up to `combine` is either offered or left out, exactly once."""
        found = variants(examples.load("zhuanqiao"), combine=3)
        names = ["+".join(c) for k in (1, 2, 3) for c in itertools.combinations(ABLATIONS, k)]
        assert sorted([*found, *found.left_out]) == sorted(["baseline", *names])

    def test_interaction_is_offered(self) -> None:
        """Xinhe's owners' committee and standing meeting are offered apart and together."""
        found = variants(examples.load("xinhe"), combine=2)
        both = found["no_owners_committee+no_standing_meeting"]
        assert both.meetings() == ()
        assert both.bodies(kind=BodyKind.OWNERS_COMMITTEE) == ()
        assert found["no_standing_meeting+no_owners_committee"] is both

    def test_left_out_combination_names_the_smaller_set(self) -> None:
        """Xinhe has no compound branch, so each pair with it is the other ablation alone."""
        left_out = variants(examples.load("xinhe"), combine=2).left_out
        assert left_out["no_compound_party_branch+no_mediation_room"] == (
            'gives the same structure as "no_mediation_room"'
        )

    @pytest.mark.parametrize("combine", [0, 7, 1.5, True, "2"])
    def test_bad_combine(self, combine: object) -> None:
        """combine is an integer from 1 to the number of ablations."""
        with pytest.raises(ValueError, match=r"^combine: expected an integer from 1 to 6"):
            variants(examples.load("xinhe"), combine=combine)  # type: ignore[arg-type]


class TestAblate:
    @given(structures(), st.sampled_from(COMMUTING))
    def test_removals_commute(self, s: Structure, pair: tuple[str, str]) -> None:
        """Two ablations that should commute give one structure in either order."""
        first, second = (ABLATIONS[n] for n in pair)
        assert second(first(s)) == first(second(s))

    @pytest.mark.parametrize("name", examples.names())
    @pytest.mark.parametrize("pair", COMMUTING, ids="+".join)
    def test_removals_commute_in_examples(self, name: str, pair: tuple[str, str]) -> None:
        """The same, on every bundled community."""
        s = examples.load(name)
        first, second = (ABLATIONS[n] for n in pair)
        assert second(first(s)) == first(second(s))

    @given(structures(), st.lists(st.sampled_from(list(ABLATIONS)), max_size=6))
    def test_order_and_repeats_do_not_matter(self, s: Structure, names: list[str]) -> None:
        """`ablate` takes a set: any order, any repeats, a list or a +-joined name."""
        once = ablate(s, sorted(set(names)))
        assert ablate(s, names) == once
        assert ablate(s, list(reversed(names))) == once
        assert ablate(s, "+".join(names)) == once

    def test_cross_appointments_undone_last(self) -> None:
        """No stand-in is left without a post when bodies go in the same variant."""
        s = ablate(examples.load("xinhe"), ["no_cross_appointments", "no_owners_committee"])
        holders = {a.person for a in s.appointments()}
        assert all(p.id in holders for p in s.people() if "#" in p.id)

    def test_nothing_to_ablate(self) -> None:
        """No ablation is the structure itself."""
        s = examples.load("xinhe")
        assert ablate(s, []) is s
        assert ablate(s, "") is s

    def test_unknown(self) -> None:
        """An unknown ablation is a VariantError, a GovModelError and a KeyError."""
        with pytest.raises(VariantError, match=r'^unknown ablation "no_owners"; expected some of '):
            ablate(examples.load("xinhe"), ["no_owners"])
        with pytest.raises(KeyError):
            ablate(examples.load("xinhe"), "baseline")


class TestVariantsMapping:
    def test_reads_like_a_dict(self) -> None:
        """Lookups, `in`, `get`, iteration and length behave as a dict of the offered names."""
        found = variants(examples.load("zhuanqiao"))
        assert dict(found) == {name: found[name] for name in found}
        assert len(found) == len(list(found))
        assert "nonsense" not in found
        assert found.get("nonsense") is None
        assert repr(found) == '<Variants of "Zhuanqiao residents\' area": 4 offered, 3 left out>'

    def test_read_only(self) -> None:
        """Neither the variants nor the reasons can be changed."""
        found = variants(examples.load("zhuanqiao"))
        with pytest.raises(TypeError):
            found["x"] = found["baseline"]  # type: ignore[index]
        with pytest.raises(TypeError):
            found.left_out["x"] = "y"  # type: ignore[index]

    def test_unknown_name(self) -> None:
        """An unknown name lists the names offered."""
        with pytest.raises(
            VariantError, match=r'^no variant "magic" of .*; expected one of baseline'
        ):
            variants(examples.load("xinhe"))["magic"]

    def test_error_tree_and_pickle(self) -> None:
        """VariantError is a GovModelError and a KeyError whose message prints as it reads."""
        err = VariantError('no variant "x" of Xinhe community')
        assert isinstance(err, GovModelError)
        assert isinstance(err, KeyError)
        assert str(err) == 'no variant "x" of Xinhe community'
        again = pickle.loads(pickle.dumps(err))
        assert (type(again), str(again)) == (VariantError, str(err))

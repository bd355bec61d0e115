"""Tests for `govmodel.analysis`: measures of a structure, checked on the articles."""

import attrs
from hypothesis import given

from govmodel import GridLevel, Structure, examples
from govmodel.analysis import (
    cross_appointment_index,
    grid_staff_per_household,
    party_betweenness,
    party_coverage,
    party_member_share,
    span_of_control,
)
from govmodel.simulation import variants
from govmodel.strategies import structures


class TestArticleFigures:
    def test_lianhua_functional_branch(self) -> None:
        """业委会中党员人数占比达到85.71% (Lianhua)."""
        s = examples.load("lianhua")
        oc = next(
            t.target
            for t in s.ties(kind="embedded_in")
            if "functional" in s.body(t.source).name.lower()
        )
        share = party_member_share(s, oc)
        assert share is not None
        assert round(100 * share, 2) == 85.71

    def test_zhuanqiao_self_management(self) -> None:
        """红色自管会: 5 residents, 2 of them party members (Zhuanqiao)."""
        s = examples.load("zhuanqiao")
        smc = s.bodies(kind="self_management_committee")[0]
        assert party_member_share(s, smc.id) == 0.4

    def test_chengxi_cross_appointments(self) -> None:
        """Chengxi's cross-appointments show in the index; removing them zeroes it."""
        s = examples.load("chengxi")
        index = cross_appointment_index(s)
        assert index is not None
        assert index > 0
        assert cross_appointment_index(variants(s)["no_cross_appointments"]) == 0.0

    def test_chengxi_micro_span(self) -> None:
        """Each of Chengxi's 38 micro-grids covers one building."""
        assert span_of_control(examples.load("chengxi"))[GridLevel.MICRO] == 1.0

    def test_party_is_central(self) -> None:
        """The community party committee is the most central party organisation (一核)."""
        scores = party_betweenness(examples.load("xinhe"))
        assert max(scores, key=scores.__getitem__) == "party:xinhe"
        assert scores["party:xinhe"] > 0

    def test_coverage_drops_without_leadership(self) -> None:
        """Removing the party's ties to bodies lowers party coverage."""
        s = examples.load("xinhe")
        assert party_coverage(s) == 1.0
        bare = s.evolve(ties=[t for t in s.ties() if t.kind.value != "leads"])
        assert party_coverage(bare) == 0.0

    def test_staff_per_household_needs_households(self) -> None:
        """Without any household figure the measure is undefined."""
        s = examples.load("xinhe")
        assert grid_staff_per_household(s) is None
        sized = s.evolve(
            places=[
                attrs.evolve(p, households=1000) if p.id == "compound:wanda" else p
                for p in s.places()
            ]
        )
        # The secretary, a residents' committee member and two stewards hold grid posts.
        assert grid_staff_per_household(sized) == 4 / 1000


class TestProperties:
    @given(structures())
    def test_shares_in_unit_interval(self, s: Structure) -> None:
        """Coverage, shares and the index are None or between 0 and 1."""
        values = [party_coverage(s), cross_appointment_index(s)]
        values += [party_member_share(s, b.id) for b in s.bodies()]
        values += list(party_betweenness(s).values())
        assert all(v is None or 0.0 <= v <= 1.0 for v in values)

    @given(structures())
    def test_generated_cover_everything(self, s: Structure) -> None:
        """Generated structures lead every grassroots body, so coverage is 1."""
        assert party_coverage(s) == 1.0
        assert all(v >= 0 for v in span_of_control(s).values())

"""Tests for `govmodel.simulation._variants`: each ablation, valid and doing what it says."""

import pytest
from hypothesis import given

from govmodel import BodyKind, GridLevel, Severity, Structure, examples, validate
from govmodel.simulation import ABLATIONS, variants, without_bodies
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
        """The baseline and the six ablations of the design."""
        assert list(variants(examples.load("xinhe"))) == ["baseline", *ABLATIONS]
        assert set(ABLATIONS) == {
            "no_owners_committee",
            "no_compound_party_branch",
            "no_cross_appointments",
            "grid_levels_merged",
            "no_mediation_room",
            "no_standing_meeting",
        }

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
        v = variants(s)["no_cross_appointments"]
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

"""Tests for `govmodel.rules.policy`: the default policy and loading policies."""

import datetime as dt
import pickle
from pathlib import Path

import attrs
import pytest

from govmodel import (
    DEFAULT_POLICY,
    BodyKind,
    Category,
    Domain,
    Policy,
    Role,
    SpecError,
    Tier,
    Urgency,
    load_policy,
)


class TestDefaultPolicy:
    def test_every_category_has_domains(self) -> None:
        """Every category maps to at least one domain."""
        for category in Category:
            assert DEFAULT_POLICY.category_domains[category]

    def test_limits_grow_with_tier_and_shrink_with_urgency(self) -> None:
        """Higher tiers get more time; more urgent cases less."""
        limits = DEFAULT_POLICY.time_limits
        for urgency in Urgency:
            row = [limits[tier][urgency] for tier in Tier]
            assert row == sorted(row)
        for tier in Tier:
            column = [limits[tier][u] for u in Urgency]
            assert column == sorted(column, reverse=True)

    def test_design_competences(self) -> None:
        """The default competences are those of the design contract."""
        assert DEFAULT_POLICY.role_domains[Role.BUILDING_STEWARD] == {Domain.PROPERTY_SERVICE}
        assert Domain.SUPERVISION in DEFAULT_POLICY.role_domains[Role.GRID_LEADER]
        assert DEFAULT_POLICY.body_domains[BodyKind.OWNERS_COMMITTEE] == {
            Domain.OWNERS_DECISION,
            Domain.SUPERVISION,
        }
        assert DEFAULT_POLICY.body_domains[BodyKind.STREET_OFFICE] == frozenset(Domain)
        assert BodyKind.PARTY_COMMITTEE not in DEFAULT_POLICY.body_domains

    def test_xinhe_figures(self) -> None:
        """24-hour answers (Xinhe's WeChat groups) and a revisit before closing (一案一回访)."""
        assert DEFAULT_POLICY.response_limit == dt.timedelta(hours=24)
        assert DEFAULT_POLICY.require_revisit is True

    def test_frozen_and_picklable(self) -> None:
        """A policy cannot be changed in place and travels to worker processes."""
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            DEFAULT_POLICY.require_revisit = False  # type: ignore[misc]
        with pytest.raises(TypeError):
            DEFAULT_POLICY.category_domains[Category.NOISE] = frozenset()  # type: ignore[index]
        assert pickle.loads(pickle.dumps(DEFAULT_POLICY)) == DEFAULT_POLICY
        assert hash(DEFAULT_POLICY) == hash(attrs.evolve(DEFAULT_POLICY))

    def test_incomplete_policy_rejected(self) -> None:
        """A policy must map every category and every tier and urgency."""
        categories = dict(DEFAULT_POLICY.category_domains)
        del categories[Category.NOISE]
        with pytest.raises(ValueError, match="no domains for noise"):
            attrs.evolve(DEFAULT_POLICY, category_domains=categories)
        limits = {t: dict(v) for t, v in DEFAULT_POLICY.time_limits.items()}
        del limits[Tier.STREET][Urgency.URGENT]
        with pytest.raises(ValueError, match=r"time_limits\.street: no limit for urgency urgent"):
            attrs.evolve(DEFAULT_POLICY, time_limits=limits)


class TestRepr:
    def test_default_is_short(self) -> None:
        """The default policy's repr is one short word, not hundreds of entries."""
        assert repr(DEFAULT_POLICY) == "Policy(<default>)"

    def test_signatures_stay_readable(self) -> None:
        """help() of a rule that takes policy= shows a one-line signature."""
        import inspect

        from govmodel import route

        assert str(inspect.signature(route)).endswith(
            "*, policy: 'Policy' = Policy(<default>)) -> 'Routing'"
        )

    def test_only_what_differs(self) -> None:
        """A changed policy lists the fields that differ, long values as <changed>."""
        changed = attrs.evolve(DEFAULT_POLICY, require_revisit=False, recurrence_threshold=4)
        assert repr(changed) == "Policy(<default>, recurrence_threshold=4, require_revisit=False)"
        noisy = load_policy({"time_limits_hours": {"micro_grid": {"routine": 12}}})
        assert repr(noisy) == "Policy(<default>, time_limits=<changed>)"


class TestLoadPolicy:
    def test_overrides_only_given_keys(self, tmp_path: Path) -> None:
        """A TOML file changes what it names and keeps the rest of the base policy."""
        path = tmp_path / "policy.toml"
        path.write_text(
            "require_revisit = false\nresponse_limit_hours = 2\n"
            "[category_domains]\nnoise = ['neighbour_dispute', 'public_security']\n"
            "[time_limits_hours.street]\nroutine = 240\n",
            encoding="utf-8",
        )
        p = load_policy(path)
        assert p.require_revisit is False
        assert p.response_limit == dt.timedelta(hours=2)
        assert p.category_domains[Category.NOISE] == {
            Domain.NEIGHBOUR_DISPUTE,
            Domain.PUBLIC_SECURITY,
        }
        assert p.time_limits[Tier.STREET][Urgency.ROUTINE] == dt.timedelta(days=10)
        assert (
            p.time_limits[Tier.STREET][Urgency.URGENT]
            == DEFAULT_POLICY.time_limits[Tier.STREET][Urgency.URGENT]
        )
        assert (
            p.category_domains[Category.REPAIR] == DEFAULT_POLICY.category_domains[Category.REPAIR]
        )
        assert isinstance(p, Policy)

    def test_every_problem_reported(self) -> None:
        """All problems of a policy come back at once, each located."""
        with pytest.raises(SpecError) as info:
            load_policy(
                {
                    "colour": "red",
                    "role_domains": {"emperor": ["legal"]},
                    "body_domains": {"mediation_room": "legal"},
                    "time_limits_hours": {"street": {"routine": -1, "someday": 3}},
                    "recurrence_threshold": 0,
                    "require_revisit": "yes",
                }
            )
        assert [p.location for p in info.value.problems] == [
            "colour",
            "role_domains.emperor",
            "body_domains.mediation_room",
            "time_limits_hours.street.routine",
            "time_limits_hours.street.someday",
            "recurrence_threshold",
            "require_revisit",
        ]

    def test_file_problems(self, tmp_path: Path) -> None:
        """A missing or unparseable file is a SpecError, not a traceback."""
        with pytest.raises(SpecError, match="cannot load"):
            load_policy(tmp_path / "none.toml")
        bad = tmp_path / "bad.toml"
        bad.write_text("require_revisit = ", encoding="utf-8")
        with pytest.raises(SpecError) as info:
            load_policy(bad)
        assert info.value.problems[0].code == "syntax"

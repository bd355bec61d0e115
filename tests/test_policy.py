"""Tests for `govmodel.rules.policy`: the default policy and loading policies."""

import datetime as dt
import pickle
from pathlib import Path

import attrs
import pytest

from govmodel import (
    CHINA_CALENDAR,
    DEFAULT_POLICY,
    BodyKind,
    Calendar,
    Category,
    Domain,
    LimitUnit,
    Policy,
    Role,
    SpecError,
    Tier,
    TimeLimit,
    Urgency,
    load_policy,
)


class TestDefaultPolicy:
    def test_every_category_has_domains(self) -> None:
        """Every category maps to at least one domain."""
        for category in Category:
            assert DEFAULT_POLICY.category_domains[category]

    @pytest.mark.parametrize(
        "start",
        [dt.datetime(2025, 5, 6, 9), dt.datetime(2025, 9, 30, 17), dt.datetime(2026, 2, 13, 18)],
    )
    def test_limits_grow_with_tier_and_shrink_with_urgency(self, start: dt.datetime) -> None:
        """Higher tiers get more time; more urgent cases less, holidays or not."""
        for urgency in Urgency:
            row = [DEFAULT_POLICY.due(tier, urgency, start) for tier in Tier]
            assert row == sorted(row)
        for tier in Tier:
            column = [DEFAULT_POLICY.due(tier, u, start) for u in Urgency]
            assert column == sorted(column, reverse=True)

    def test_units_follow_practice(self) -> None:
        """Routine limits count working days, as 12345 does; the others run round the clock."""
        limits = DEFAULT_POLICY.time_limits
        for tier in Tier:
            assert limits[tier][Urgency.ROUTINE].unit is LimitUnit.WORKING_DAYS
            assert limits[tier][Urgency.URGENT].unit is LimitUnit.HOURS
            assert limits[tier][Urgency.EMERGENCY].unit is LimitUnit.HOURS
        assert limits[Tier.MICRO_GRID][Urgency.ROUTINE] == TimeLimit(1, "working_days")
        assert limits[Tier.COMMUNITY][Urgency.ROUTINE] == TimeLimit(7, "working_days")
        assert limits[Tier.WHISTLE][Urgency.ROUTINE] == TimeLimit(15, "working_days")
        assert limits[Tier.COMPOUND][Urgency.URGENT] == TimeLimit(24, "hours")
        assert limits[Tier.COMPOUND][Urgency.EMERGENCY] == TimeLimit(2, "hours")

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
        assert DEFAULT_POLICY.response_limit == TimeLimit(24, LimitUnit.HOURS)
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
        assert p.response_limit == TimeLimit(2, "hours")
        assert p.category_domains[Category.NOISE] == {
            Domain.NEIGHBOUR_DISPUTE,
            Domain.PUBLIC_SECURITY,
        }
        assert p.time_limits[Tier.STREET][Urgency.ROUTINE] == TimeLimit(240, "hours")
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


class TestDeadline:
    def test_timedelta_limits_still_accepted(self) -> None:
        """Limits given as timedeltas, as before units, are round-the-clock hours."""
        limits = {tier: dict.fromkeys(Urgency, dt.timedelta(hours=6)) for tier in Tier}
        p = attrs.evolve(DEFAULT_POLICY, time_limits=limits, response_limit=dt.timedelta(hours=1))
        assert p.time_limits[Tier.STREET][Urgency.ROUTINE] == TimeLimit(6, "hours")
        assert p.response_limit == TimeLimit(1, "hours")
        start = dt.datetime(2025, 9, 30, 17)
        assert p.due(Tier.STREET, Urgency.ROUTINE, start) == start + dt.timedelta(hours=6)
        assert p.deadline(start, dt.timedelta(hours=3)) == start + dt.timedelta(hours=3)

    def test_bad_limits_name_the_field(self) -> None:
        """A zero duration is refused with the field named."""
        with pytest.raises(ValueError, match="response_limit: expected a positive duration"):
            attrs.evolve(DEFAULT_POLICY, response_limit=dt.timedelta(0))

    def test_aware_times_keep_their_zone(self) -> None:
        """An aware start gives an aware deadline in its own zone, counted in Shanghai."""
        utc = dt.datetime(2025, 9, 30, 9, tzinfo=dt.UTC)  # 17:00 in Shanghai
        due = DEFAULT_POLICY.due(Tier.COMPOUND, Urgency.ROUTINE, utc)
        assert due.tzinfo is dt.UTC
        assert due == dt.datetime(2025, 10, 11, 17, tzinfo=DEFAULT_POLICY.time_zone)
        hours = DEFAULT_POLICY.due(Tier.COMPOUND, Urgency.URGENT, utc)
        assert hours - utc == dt.timedelta(hours=24)

    def test_time_zone_by_name(self) -> None:
        """A zone is given by its IANA name; an unknown one is refused."""
        p = attrs.evolve(DEFAULT_POLICY, time_zone="Asia/Urumqi")
        assert str(p.time_zone) == "Asia/Urumqi"
        with pytest.raises(ValueError, match="time_zone: expected an IANA time zone"):
            attrs.evolve(DEFAULT_POLICY, time_zone="Asia/Atlantis")

    def test_policy_with_calendar_pickles(self) -> None:
        """The calendar and zone travel with the policy to worker processes."""
        p = pickle.loads(pickle.dumps(DEFAULT_POLICY))
        assert p == DEFAULT_POLICY
        assert p.calendar == CHINA_CALENDAR
        assert hash(p) == hash(DEFAULT_POLICY)


class TestLoadPolicyTime:
    def test_limits_with_units(self) -> None:
        """time_limits take {amount, unit}; time_limits_hours still work beside them."""
        p = load_policy(
            {
                "time_limits": {"compound": {"routine": {"amount": 16, "unit": "working_hours"}}},
                "time_limits_hours": {"street": {"urgent": 48}},
                "response_limit": {"amount": 1, "unit": "working_days"},
                "deliberation_limit": {"amount": 30, "unit": "days"},
            }
        )
        assert p.time_limits[Tier.COMPOUND][Urgency.ROUTINE] == TimeLimit(16, "working_hours")
        assert p.time_limits[Tier.STREET][Urgency.URGENT] == TimeLimit(48, "hours")
        assert p.response_limit == TimeLimit(1, "working_days")
        assert p.deliberation_limit == TimeLimit(30, "days")

    def test_calendar_and_zone(self, tmp_path: Path) -> None:
        """A file gives its own calendar and zone; the years are those its lists span."""
        path = tmp_path / "policy.toml"
        path.write_text(
            'time_zone = "Asia/Urumqi"\n'
            "[calendar]\n"
            'weekend = ["friday", "saturday"]\n'
            'holidays = [2025-10-01, "2026-10-01"]\n'
            'hours = ["08:30", "17:30"]\n',
            encoding="utf-8",
        )
        p = load_policy(path)
        assert str(p.time_zone) == "Asia/Urumqi"
        assert p.calendar == Calendar(
            weekend=[4, 5],
            holidays=[dt.date(2025, 10, 1), dt.date(2026, 10, 1)],
            hours=(dt.time(8, 30), dt.time(17, 30)),
            years=(2025, 2026),
            name=CHINA_CALENDAR.name,
        )
        kept = load_policy({"calendar": {"hours": ["08:00", "16:00"]}})
        assert kept.calendar.holidays == CHINA_CALENDAR.holidays
        assert kept.calendar.years == CHINA_CALENDAR.years

    def test_every_time_problem_at_once(self) -> None:
        """Bad units, amounts, dates, hours, calendar keys and zones are each located."""
        with pytest.raises(SpecError) as info:
            load_policy(
                {
                    "time_limits": {
                        "compound": {
                            "routine": {"amount": 2, "unit": "weeks"},
                            "urgent": 24,
                        }
                    },
                    "response_limit": {"amount": 0, "unit": "hours"},
                    "calendar": {
                        "holidays": ["2025-13-01"],
                        "hours": ["nine", "five"],
                        "colour": "red",
                    },
                    "time_zone": "Mars/Olympus",
                }
            )
        found = {(p.location, p.code) for p in info.value.problems}
        assert found == {
            ("time_limits.compound.routine", "invalid-value"),
            ("time_limits.compound.urgent", "wrong-type"),
            ("response_limit", "invalid-value"),
            ("calendar.holidays[0]", "bad-date"),
            ("calendar.hours", "wrong-type"),
            ("calendar.colour", "unknown-key"),
            ("time_zone", "unknown-value"),
        }

    def test_calendar_checks_become_problems(self) -> None:
        """What the calendar refuses (a seven-day weekend) is a located problem too."""
        with pytest.raises(SpecError) as info:
            load_policy({"calendar": {"weekend": list(range(7))}})
        [problem] = info.value.problems
        assert (problem.location, problem.code) == ("calendar.weekend", "wrong-type")
        assert "with at least one working day" in problem.message

    def test_every_calendar_problem_at_once(self) -> None:
        """Bad years, hours, weekend and name come together, in words, beside other problems."""
        with pytest.raises(SpecError) as info:
            load_policy(
                {
                    "recurrence_threshold": 0,
                    "calendar": {
                        "years": [2025],
                        "hours": ["17:00", "09:00"],
                        "weekend": "sunday",
                        "name": 5,
                    },
                }
            )
        found = {p.location: p.message for p in info.value.problems}
        assert set(found) == {
            "recurrence_threshold",
            "calendar.years",
            "calendar.hours",
            "calendar.weekend",
            "calendar.name",
        }
        assert (
            found["calendar.years"] == "expected [first, last] years, first <= last, found [2025]"
        )
        assert found["calendar.hours"] == (
            "expected the opening before the closing, found 17:00 and 09:00"
        )
        assert "unpack" not in " ".join(found.values())

    def test_short_clock_times(self) -> None:
        """Opening and closing may be written 9:00 as well as 09:00."""
        p = load_policy({"calendar": {"hours": ["9:00", "17:30"]}})
        assert p.calendar.hours == (dt.time(9), dt.time(17, 30))

    def test_added_holiday_keeps_the_national_calendar(self) -> None:
        """add_holidays adds a local holiday; China's holidays, make-up days and years stay."""
        p = load_policy({"calendar": {"add_holidays": ["2025-05-13"]}})
        assert p.calendar.holidays == CHINA_CALENDAR.holidays | {dt.date(2025, 5, 13)}
        assert p.calendar.workdays == CHINA_CALENDAR.workdays
        assert p.calendar.years == CHINA_CALENDAR.years
        tuesday = dt.datetime(2025, 9, 30, 17)
        assert p.due(Tier.COMPOUND, Urgency.ROUTINE, tuesday) == dt.datetime(2025, 10, 11, 17)
        more = load_policy({"calendar": {"add_workdays": ["2025-10-08"]}})
        assert more.calendar.workdays == CHINA_CALENDAR.workdays | {dt.date(2025, 10, 8)}
        assert more.calendar.holidays == CHINA_CALENDAR.holidays - {dt.date(2025, 10, 8)}

    def test_given_holidays_replace_the_base_lists(self) -> None:
        """holidays replaces the base calendar's lists, as the policy page says."""
        p = load_policy({"calendar": {"holidays": ["2025-05-13"]}})
        assert p.calendar.holidays == {dt.date(2025, 5, 13)}
        assert p.calendar.workdays == frozenset()
        assert p.calendar.years == (2025, 2025)

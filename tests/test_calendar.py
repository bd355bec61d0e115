"""Tests for `govmodel.rules.calendar`: time limits, working calendars, the Chinese calendar."""

import datetime as dt
import pickle
import tomllib
from importlib import resources

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from govmodel import CHINA_CALENDAR, Calendar, CalendarError, GovModelError, LimitUnit, TimeLimit
from govmodel.rules.calendar import as_limit

# The State Council's notice for 2025 (国务院办公厅关于2025年部分节假日安排的通知).
NATIONAL_DAY_2025 = [dt.date(2025, 10, d) for d in range(1, 9)]
MADE_UP_2025 = [
    dt.date(2025, 1, 26),
    dt.date(2025, 2, 8),
    dt.date(2025, 4, 27),
    dt.date(2025, 9, 28),
    dt.date(2025, 10, 11),
]


class TestTimeLimit:
    def test_units_by_name(self) -> None:
        """A unit is given as a member or its name; the repr can be typed back."""
        limit = TimeLimit(3, "working_days")
        assert limit.unit is LimitUnit.WORKING_DAYS
        assert eval(repr(limit), {"TimeLimit": TimeLimit}) == limit

    @pytest.mark.parametrize("amount", [0, -1, float("nan"), float("inf"), True, "3"])
    def test_amount_must_be_positive_number(self, amount: object) -> None:
        """Zero, negatives, NaN, infinity, booleans and text are refused with the field named."""
        with pytest.raises(ValueError, match="amount"):
            TimeLimit(amount, LimitUnit.HOURS)

    def test_working_days_are_whole(self) -> None:
        """Working days come whole; 2.0 is read as 2."""
        with pytest.raises(ValueError, match="whole number of working days"):
            TimeLimit(1.5, LimitUnit.WORKING_DAYS)
        assert TimeLimit(2.0, LimitUnit.WORKING_DAYS).amount == 2

    def test_unknown_unit(self) -> None:
        """An unknown unit lists the units."""
        with pytest.raises(ValueError, match="working_days"):
            TimeLimit(1, "fortnights")

    def test_timedelta_is_hours(self) -> None:
        """A timedelta becomes round-the-clock hours; anything else is refused."""
        assert as_limit(dt.timedelta(days=1)) == TimeLimit(24, LimitUnit.HOURS)
        assert as_limit(dt.timedelta(minutes=90)).elapsed == dt.timedelta(minutes=90)
        with pytest.raises(ValueError, match="positive"):
            as_limit(dt.timedelta(0))
        with pytest.raises(ValueError, match="TimeLimit"):
            as_limit(3)  # type: ignore[arg-type]

    def test_text(self) -> None:
        """Limits read as people write them."""
        assert str(TimeLimit(1, "working_days")) == "1 working day"
        assert str(TimeLimit(1.5, "hours")) == "1.5 hours"

    def test_hashable_and_picklable(self) -> None:
        """Limits live in frozen policies that travel to worker processes."""
        limit = TimeLimit(4, LimitUnit.WORKING_HOURS)
        assert pickle.loads(pickle.dumps(limit)) == limit
        assert hash(limit) == hash(TimeLimit(4, "working_hours"))


class TestChinaCalendar:
    def test_national_day_2025(self) -> None:
        """1–8 October 2025 are off; 28 September and 11 October are worked (调休)."""
        for day in NATIONAL_DAY_2025:
            assert not CHINA_CALENDAR.is_working_day(day), day
        for day in MADE_UP_2025:
            assert day.weekday() >= 5
            assert CHINA_CALENDAR.is_working_day(day), day

    def test_every_notice_is_well_formed(self) -> None:
        """Each year of the data file has its notice, periods in order, make-up days on weekends."""
        text = resources.files("govmodel.rules").joinpath("holidays_cn.toml").read_text("utf-8")
        notices = tomllib.loads(text)["notice"]
        assert [n["year"] for n in notices] == list(range(2020, 2027))
        for notice in notices:
            assert str(notice["year"]) in notice["title"]
            ends = [p["off"][1] for p in notice["periods"]]
            assert ends == sorted(ends)
            for period in notice["periods"]:
                first, last = period["off"]
                assert first <= last
                assert (last - first).days < 10
                for day in period.get("work", ()):
                    assert day.weekday() >= 5, day

    def test_coverage(self) -> None:
        """The bundled notices are for 2020–2026; past them the calendar counts weekends only."""
        assert CHINA_CALENDAR.years == (2020, 2026)
        assert CHINA_CALENDAR.covers(dt.date(2020, 1, 1))
        assert not CHINA_CALENDAR.covers(dt.date(2027, 1, 1))
        assert CHINA_CALENDAR.is_working_day(dt.date(2027, 1, 1))  # a Friday
        assert not CHINA_CALENDAR.is_working_day(dt.date(2027, 1, 2))  # a Saturday

    def test_strict_past_coverage(self) -> None:
        """A strict calendar refuses a day past its years with a govmodel error, not a builtin."""
        strict = attrs.evolve(CHINA_CALENDAR, strict=True)
        with pytest.raises(CalendarError, match="2027-01-01") as info:
            strict.deadline(dt.datetime(2026, 12, 31, 9), TimeLimit(1, "working_days"))
        assert isinstance(info.value, GovModelError)
        assert isinstance(info.value, LookupError)
        assert strict.is_working_day(dt.date(2026, 12, 31))


class TestCalendar:
    def test_checks(self) -> None:
        """A week with no working day, hours closing before they open, a day both off and worked."""
        with pytest.raises(ValueError, match="weekend"):
            Calendar(weekend=range(7))
        with pytest.raises(ValueError, match="weekend"):
            Calendar(weekend=["caturday"])
        with pytest.raises(ValueError, match="hours"):
            Calendar(hours=(dt.time(17), dt.time(9)))
        day = dt.date(2025, 10, 1)
        with pytest.raises(ValueError, match="2025-10-01"):
            Calendar(holidays=[day], workdays=[day])
        with pytest.raises(ValueError, match="dates"):
            Calendar(holidays=[dt.datetime(2025, 10, 1)])

    def test_weekend_by_name_or_number(self) -> None:
        """Names and date.weekday() numbers say the same."""
        assert Calendar(weekend=["friday", "Saturday"]) == Calendar(weekend=[4, 5])

    def test_working_days_count_from_the_next_day(self) -> None:
        """The first day is not counted; the limit ends at closing (Civil Code arts. 201, 203)."""
        one = TimeLimit(1, "working_days")
        monday_morning = dt.datetime(2025, 5, 12, 8)
        assert CHINA_CALENDAR.deadline(monday_morning, one) == dt.datetime(2025, 5, 13, 17)
        saturday = dt.datetime(2025, 5, 17, 12)
        assert CHINA_CALENDAR.deadline(saturday, one) == dt.datetime(2025, 5, 19, 17)

    def test_working_hours(self) -> None:
        """Working hours run from opening to closing, skip nights, weekends and holidays."""
        two = TimeLimit(2, "working_hours")
        assert CHINA_CALENDAR.deadline(dt.datetime(2025, 5, 12, 7), two) == dt.datetime(
            2025, 5, 12, 11
        )
        assert CHINA_CALENDAR.deadline(dt.datetime(2025, 5, 12, 16), two) == dt.datetime(
            2025, 5, 13, 10
        )
        # Exactly a day's hours from the opening end at the closing, not the next morning.
        eight = TimeLimit(8, "working_hours")
        assert CHINA_CALENDAR.deadline(dt.datetime(2025, 5, 12, 9), eight) == dt.datetime(
            2025, 5, 12, 17
        )
        assert CHINA_CALENDAR.deadline(dt.datetime(2025, 9, 30, 16), two) == dt.datetime(
            2025, 10, 9, 10
        )


# -- properties ------------------------------------------------------------------

_STARTS = st.datetimes(min_value=dt.datetime(2019, 6, 1), max_value=dt.datetime(2027, 6, 30))
_CALENDARS = st.sampled_from(
    [
        CHINA_CALENDAR,
        Calendar(),
        Calendar(weekend=["friday", "saturday"], hours=(dt.time(8, 30), dt.time(12))),
    ]
)


@st.composite
def _limits(draw: st.DrawFn) -> TimeLimit:
    unit = draw(st.sampled_from(LimitUnit))
    if unit is LimitUnit.WORKING_DAYS:
        return TimeLimit(draw(st.integers(1, 30)), unit)
    return TimeLimit(draw(st.integers(1, 24 * 20)) / 4, unit)


def _is_working_time(calendar: Calendar, moment: dt.datetime) -> bool:
    opening, closing = calendar.hours
    return calendar.is_working_day(moment.date()) and opening <= moment.time() <= closing


class TestDeadlineProperties:
    @given(_CALENDARS, _STARTS, st.integers(0, 10**6), _limits())
    def test_monotone_in_start(
        self, calendar: Calendar, start: dt.datetime, minutes: int, limit: TimeLimit
    ) -> None:
        """A later start never gives an earlier deadline."""
        later = start + dt.timedelta(minutes=minutes)
        assert calendar.deadline(later, limit) >= calendar.deadline(start, limit)

    @given(_CALENDARS, _STARTS, _limits(), st.integers(1, 40))
    def test_monotone_in_limit(
        self, calendar: Calendar, start: dt.datetime, limit: TimeLimit, more: int
    ) -> None:
        """A longer limit of the same unit never ends earlier."""
        longer = TimeLimit(limit.amount + more, limit.unit)
        assert calendar.deadline(start, longer) >= calendar.deadline(start, limit)

    @given(_CALENDARS, _STARTS, _limits())
    def test_never_before_the_start(
        self, calendar: Calendar, start: dt.datetime, limit: TimeLimit
    ) -> None:
        """A limit ends after it starts."""
        assert calendar.deadline(start, limit) > start

    @given(_CALENDARS, _STARTS, _limits())
    def test_working_units_end_at_a_working_time(
        self, calendar: Calendar, start: dt.datetime, limit: TimeLimit
    ) -> None:
        """Working days and hours end on a working day, between opening and closing."""
        end = calendar.deadline(start, limit)
        if limit.unit.is_working:
            assert _is_working_time(calendar, end)
        if limit.unit is LimitUnit.WORKING_DAYS:
            assert end.time() == calendar.hours[1]

    @given(_CALENDARS, _STARTS, st.integers(1, 30))
    def test_working_days_agree_with_counting_day_by_day(
        self, calendar: Calendar, start: dt.datetime, n: int
    ) -> None:
        """N working days end on the N-th day after the start that a plain count finds worked."""
        day, counted = start.date(), 0
        while counted < n:
            day += dt.timedelta(days=1)
            off = day in calendar.holidays or (
                day.weekday() in calendar.weekend and day not in calendar.workdays
            )
            counted += not off
        end = calendar.deadline(start, TimeLimit(n, LimitUnit.WORKING_DAYS))
        assert end == dt.datetime.combine(day, calendar.hours[1])

    @given(_CALENDARS, _STARTS, st.integers(1, 120))
    def test_working_hours_agree_with_counting_minute_by_minute(
        self, calendar: Calendar, start: dt.datetime, quarters: int
    ) -> None:
        """N working hours hold exactly N hours of working time, counted minute by minute."""
        start = start.replace(second=0, microsecond=0)
        end = calendar.deadline(start, TimeLimit(quarters / 4, LimitUnit.WORKING_HOURS))
        opening, closing = calendar.hours
        minute = dt.timedelta(minutes=1)
        worked = 0
        moment = start
        while moment < end:
            clock = moment.time()
            worked += calendar.is_working_day(moment.date()) and opening <= clock < closing
            moment += minute
        assert worked == quarters * 15

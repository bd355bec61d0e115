"""Working calendars and time limits: how a limit of practice becomes a due time.

A :class:`TimeLimit` is an amount and a :class:`LimitUnit`: round-the-clock
``hours`` or ``days``, or ``working_hours`` and ``working_days`` counted on a
:class:`Calendar` (weekends, public holidays, make-up working days and working
hours). :data:`CHINA_CALENDAR` is the calendar of mainland China from the
State Council's annual notices, bundled with govmodel for the years in
:attr:`Calendar.years`.

Working days are counted as the Civil Code counts periods (arts. 201 and 203):
the day a period starts is not counted, and a period ends when business stops
on its last day — here the close of working hours on the last working day.

Examples
--------
A repair taken on Tuesday 30 September 2025 at 17:00, with three working days:
1–8 October are off, Thursday 9 and Friday 10 October are the first two
working days and Saturday 11 October, a make-up working day (调休), the third.

>>> import datetime as dt
>>> three = TimeLimit(3, LimitUnit.WORKING_DAYS)
>>> CHINA_CALENDAR.deadline(dt.datetime(2025, 9, 30, 17), three)
datetime.datetime(2025, 10, 11, 17, 0)
>>> str(three)
'3 working days'
"""

from __future__ import annotations

import datetime as dt
import functools
import importlib.resources
import tomllib
from collections.abc import Iterable
from enum import StrEnum
from typing import Any

import attrs

from govmodel._strict import short_repr as _r
from govmodel.errors import CalendarError

__all__ = [
    "CHINA_CALENDAR",
    "Calendar",
    "LimitUnit",
    "TimeLimit",
    "as_limit",
]


class LimitUnit(StrEnum):
    """What a time limit counts.

    ``hours`` and ``days`` run round the clock (emergencies, urgent matters,
    deliberations); ``working_hours`` and ``working_days`` count only the
    working time of the policy's calendar.

    Examples
    --------
    >>> LimitUnit("working_days").is_working
    True
    """

    HOURS = "hours"
    DAYS = "days"
    WORKING_HOURS = "working_hours"
    WORKING_DAYS = "working_days"

    @property
    def is_working(self) -> bool:
        """Whether the unit counts working time only."""
        return self in (LimitUnit.WORKING_HOURS, LimitUnit.WORKING_DAYS)


_SINGULAR = {
    LimitUnit.HOURS: "hour",
    LimitUnit.DAYS: "day",
    LimitUnit.WORKING_HOURS: "working hour",
    LimitUnit.WORKING_DAYS: "working day",
}


def _amount(value: object) -> int | float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"amount: expected a positive number, found {_r(value)}")
    if not value > 0 or value == float("inf"):
        raise ValueError(f"amount: expected a positive number, found {_r(value)}")
    return int(value) if isinstance(value, float) and value.is_integer() else value


def _unit(value: str) -> LimitUnit:
    try:
        return LimitUnit(value)
    except ValueError:
        choices = ", ".join(u.value for u in LimitUnit)
        raise ValueError(f"unit: expected one of {choices}, found {_r(value)}") from None


# The longest limit of each unit: a century, so that every deadline is a date Python holds.
_MOST = {
    LimitUnit.HOURS: 876_600,
    LimitUnit.DAYS: 36_525,
    LimitUnit.WORKING_HOURS: 876_600,
    LimitUnit.WORKING_DAYS: 36_525,
}


@attrs.frozen(repr=False)
class TimeLimit:
    """A time limit: an amount of round-the-clock or working time.

    Parameters
    ----------
    amount
        How much, a positive number; whole for ``working_days``.
    unit
        A :class:`LimitUnit` or its name.

    Examples
    --------
    >>> TimeLimit(1, "working_days")
    TimeLimit(1, 'working_days')
    >>> TimeLimit(1.5, LimitUnit.HOURS).elapsed
    datetime.timedelta(seconds=5400)
    >>> TimeLimit(0.5, LimitUnit.WORKING_DAYS)
    Traceback (most recent call last):
    ...
    ValueError: amount: expected a whole number of working days, found 0.5
    """

    amount: int | float = attrs.field(converter=_amount)
    unit: LimitUnit = attrs.field(converter=_unit)
    # Round-the-clock limits are a plain timedelta, computed once: routing adds
    # them to every case.
    _elapsed: dt.timedelta | None = attrs.field(init=False, eq=False, hash=False)

    def __attrs_post_init__(self) -> None:
        most = _MOST[self.unit]
        if self.amount > most:
            raise ValueError(
                f"amount: expected at most {most} {self.unit.value} (a century), "
                f"found {_r(self.amount)}"
            )
        if self.unit is LimitUnit.WORKING_DAYS and not isinstance(self.amount, int):
            raise ValueError(
                f"amount: expected a whole number of working days, found {self.amount}"
            )
        elapsed = None
        if self.unit is LimitUnit.HOURS:
            elapsed = dt.timedelta(hours=self.amount)
        elif self.unit is LimitUnit.DAYS:
            elapsed = dt.timedelta(days=self.amount)
        object.__setattr__(self, "_elapsed", elapsed)

    @property
    def elapsed(self) -> dt.timedelta | None:
        """The limit as a ``timedelta`` when it runs round the clock, else ``None``."""
        return self._elapsed

    @classmethod
    def from_timedelta(cls, value: dt.timedelta) -> TimeLimit:
        """A ``timedelta`` as round-the-clock hours (what limits were before units).

        Examples
        --------
        >>> TimeLimit.from_timedelta(dt.timedelta(days=2))
        TimeLimit(48, 'hours')
        """
        if value <= dt.timedelta(0):
            raise ValueError(f"expected a positive duration, found {value}")
        return cls(value / dt.timedelta(hours=1), LimitUnit.HOURS)

    def __repr__(self) -> str:
        return f"TimeLimit({_r(self.amount)}, {_r(self.unit.value)})"

    def __str__(self) -> str:
        word = _SINGULAR[self.unit]
        return f"{self.amount:g} {word}{'' if self.amount == 1 else 's'}"


def as_limit(value: TimeLimit | dt.timedelta) -> TimeLimit:
    """A time limit; a ``timedelta`` is read as round-the-clock hours.

    Examples
    --------
    >>> as_limit(dt.timedelta(hours=4)), as_limit(TimeLimit(2, "working_days"))
    (TimeLimit(4, 'hours'), TimeLimit(2, 'working_days'))
    """
    if isinstance(value, TimeLimit):
        return value
    if isinstance(value, dt.timedelta):
        return TimeLimit.from_timedelta(value)
    raise ValueError(f"expected a TimeLimit or a datetime.timedelta, found {_r(value)}")


_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def _weekend(value: Iterable[int | str]) -> frozenset[int]:
    days: set[int] = set()
    for day in value:
        if isinstance(day, str) and day.lower() in _WEEKDAYS:
            days.add(_WEEKDAYS.index(day.lower()))
        elif isinstance(day, int) and not isinstance(day, bool) and 0 <= day <= 6:
            days.add(day)
        else:
            raise ValueError(
                f"weekend: expected day names ({', '.join(_WEEKDAYS)}) or numbers 0–6 "
                f"(Monday is 0), found {_r(day)}"
            )
    if len(days) == 7:
        raise ValueError("weekend: expected at least one working weekday, found all seven")
    return frozenset(days)


def _dates(value: Iterable[dt.date]) -> frozenset[dt.date]:
    out = frozenset(value)
    for day in out:
        if not isinstance(day, dt.date) or isinstance(day, dt.datetime):
            raise ValueError(f"expected dates (datetime.date), found {_r(day)}")
    return out


def _hours(value: tuple[dt.time, dt.time]) -> tuple[dt.time, dt.time]:
    pair = tuple(value)
    if len(pair) != 2:
        raise ValueError(f"hours: expected (opening, closing), found {len(pair)} values")
    opening, closing = pair
    if not all(isinstance(t, dt.time) and t.tzinfo is None for t in (opening, closing)):
        raise ValueError(f"hours: expected two local datetime.time values, found {_r(value)}")
    if not opening < closing:
        raise ValueError(
            "hours: expected the opening before the closing, found "
            f"{opening.isoformat('minutes')} and {closing.isoformat('minutes')}"
        )
    return (opening, closing)


def _years(value: tuple[int, int] | None) -> tuple[int, int] | None:
    if value is None:
        return None
    pair = tuple(value)
    if len(pair) != 2:
        raise ValueError(f"years: expected (first, last), found {len(pair)} values")
    first, last = pair
    if not (isinstance(first, int) and isinstance(last, int) and first <= last):
        raise ValueError(f"years: expected (first, last) with first <= last, found {_r(value)}")
    return (first, last)


@attrs.frozen(kw_only=True, cache_hash=True)
class Calendar:
    """Which days are worked, and when: weekends, holidays, make-up days, hours.

    A day is a working day when it is a make-up working day (``workdays``),
    or when it is neither a public holiday (``holidays``) nor a weekend day.
    Past ``years`` the calendar knows no holidays: it counts weekends only,
    or raises :class:`CalendarError` when ``strict``.

    Parameters
    ----------
    weekend
        The weekdays off, ``datetime.date.weekday()`` numbers (Monday is 0) or
        lower-case English names; Saturday and Sunday by default.
    holidays
        Public holidays: days off that would otherwise be worked.
    workdays
        Make-up working days (调休): weekend days worked.
    hours
        The opening and closing of the working day, local times.
    years
        The first and last year the holidays are known for; ``None`` when the
        lists are complete for every year (a calendar of weekends only).
    strict
        Raise :class:`CalendarError` for a day past ``years`` instead of
        counting weekends only.
    name
        What the calendar is, for people.

    Examples
    --------
    >>> import datetime as dt
    >>> national_day = dt.date(2025, 10, 1)
    >>> Calendar().is_working_day(national_day), CHINA_CALENDAR.is_working_day(national_day)
    (True, False)
    >>> CHINA_CALENDAR.is_working_day(dt.date(2025, 10, 11))   # a Saturday worked (调休)
    True
    """

    weekend: frozenset[int] = attrs.field(default=frozenset({5, 6}), converter=_weekend)
    holidays: frozenset[dt.date] = attrs.field(default=frozenset(), converter=_dates)
    workdays: frozenset[dt.date] = attrs.field(default=frozenset(), converter=_dates)
    hours: tuple[dt.time, dt.time] = attrs.field(
        default=(dt.time(9), dt.time(17)), converter=_hours
    )
    years: tuple[int, int] | None = attrs.field(default=None, converter=_years)
    strict: bool = False
    name: str = ""

    def __attrs_post_init__(self) -> None:
        both = self.holidays & self.workdays
        if both:
            listed = ", ".join(sorted(d.isoformat() for d in both))
            raise ValueError(f"holidays and workdays: a day cannot be both, found {listed}")

    def covers(self, day: dt.date) -> bool:
        """Whether the calendar knows the public holidays of ``day``'s year.

        Examples
        --------
        >>> import datetime as dt
        >>> CHINA_CALENDAR.covers(dt.date(2026, 12, 31)), CHINA_CALENDAR.covers(dt.date(2027, 1, 1))
        (True, False)
        """
        return self.years is None or self.years[0] <= day.year <= self.years[1]

    def is_working_day(self, day: dt.date) -> bool:
        """Whether ``day`` is worked.

        Raises
        ------
        CalendarError
            For a day past ``years`` on a ``strict`` calendar.

        Examples
        --------
        >>> import datetime as dt
        >>> CHINA_CALENDAR.is_working_day(dt.date(2025, 9, 28))   # Sunday, worked (调休)
        True
        """
        if day in self.workdays:
            return True
        if day in self.holidays:
            return False
        if self.strict and self.years is not None and not self.covers(day):
            first, last = self.years
            raise CalendarError(
                f"{day.isoformat()}: the calendar knows public holidays for {first}–{last} only"
            )
        return day.weekday() not in self.weekend

    def deadline(self, at: dt.datetime, limit: TimeLimit) -> dt.datetime:
        """When ``limit``, started at the local time ``at``, runs out.

        ``at`` and the result are naive local times (``Policy.deadline``
        converts aware times). Round-the-clock units add their duration;
        ``working_days`` end at the closing time of the N-th working day after
        the day of ``at``; ``working_hours`` count the time between opening and
        closing on working days.

        Examples
        --------
        >>> import datetime as dt
        >>> friday = dt.datetime(2025, 5, 9, 15)
        >>> CHINA_CALENDAR.deadline(friday, TimeLimit(4, "working_hours"))
        datetime.datetime(2025, 5, 12, 11, 0)
        >>> CHINA_CALENDAR.deadline(friday, TimeLimit(1, "working_days"))
        datetime.datetime(2025, 5, 12, 17, 0)
        >>> CHINA_CALENDAR.deadline(friday, TimeLimit(4, "hours"))
        datetime.datetime(2025, 5, 9, 19, 0)
        """
        elapsed = limit.elapsed
        if elapsed is not None:
            return at + elapsed
        if limit.unit is LimitUnit.WORKING_DAYS:
            day = _nth_working_day(self, at.date(), int(limit.amount))
            return dt.datetime.combine(day, self.hours[1])
        return self._add_working_hours(at, dt.timedelta(hours=limit.amount))

    def _add_working_hours(self, at: dt.datetime, left: dt.timedelta) -> dt.datetime:
        opening, closing = self.hours
        day = at.date()
        clock = at.time()
        if not self.is_working_day(day) or clock >= closing:
            day = _next_working_day(self, day)
            clock = opening
        elif clock < opening:
            clock = opening
        while True:
            start = dt.datetime.combine(day, clock)
            available = dt.datetime.combine(day, closing) - start
            if left <= available:
                return start + left
            left -= available
            day = _next_working_day(self, day)
            clock = opening


def _next_working_day(calendar: Calendar, day: dt.date) -> dt.date:
    day += _ONE_DAY
    while not calendar.is_working_day(day):
        day += _ONE_DAY
    return day


@functools.lru_cache(maxsize=8192)
def _nth_working_day(calendar: Calendar, day: dt.date, n: int) -> dt.date:
    # Memoised: a simulation asks for the same few days again and again.
    for _ in range(n):
        day = _next_working_day(calendar, day)
    return day


_ONE_DAY = dt.timedelta(days=1)


def _china_calendar() -> Calendar:
    text = (
        importlib.resources.files("govmodel.rules")
        .joinpath("holidays_cn.toml")
        .read_text(encoding="utf-8")
    )
    data: dict[str, Any] = tomllib.loads(text)
    holidays: set[dt.date] = set()
    workdays: set[dt.date] = set()
    years = [notice["year"] for notice in data["notice"]]
    for notice in data["notice"]:
        for period in notice["periods"]:
            first, last = period["off"]
            day = first
            while day <= last:
                holidays.add(day)
                day += _ONE_DAY
            workdays.update(period.get("work", ()))
    return Calendar(
        holidays=frozenset(holidays),
        workdays=frozenset(workdays),
        years=(min(years), max(years)),
        name=f"mainland China, State Council notices {min(years)}–{max(years)}",
    )


CHINA_CALENDAR = _china_calendar()
"""Mainland China's working calendar: Saturday and Sunday off, the public
holidays and make-up working days of the State Council's notices for
2020–2026 (``govmodel/rules/holidays_cn.toml``), working hours 09:00–17:00;
weekends only past 2026."""

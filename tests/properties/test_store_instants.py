"""Property tests of the store's instants: ``_instant`` is the rule ``_instant_of``.

A store keeps every time as whole microseconds since 1970 UTC, a naive time read
in the policy's time zone (``Policy.aware``). ``_instant`` finds a naive time's
offset without making the aware time; for any moment, naive or aware, in a gap or
an overlap of a zone with summer time (either fold), under any time zone a policy
may have, it gives what the rule gives.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

import attrs
from hypothesis import given
from hypothesis import strategies as st

from govmodel import DEFAULT_POLICY, Policy
from govmodel.store._base import _instant, _instant_of


class _Half(dt.tzinfo):
    """A zone of another kind than the standard library's: half an hour ahead of UTC."""

    def utcoffset(self, moment: dt.datetime | None) -> dt.timedelta:
        return dt.timedelta(minutes=30)

    def dst(self, moment: dt.datetime | None) -> dt.timedelta:
        return dt.timedelta(0)

    def tzname(self, moment: dt.datetime | None) -> str:
        return "+00:30"


_ZONES = [
    zoneinfo.ZoneInfo("Asia/Shanghai"),  # summer time 1986-1991
    zoneinfo.ZoneInfo("America/New_York"),
    zoneinfo.ZoneInfo("Europe/London"),
    zoneinfo.ZoneInfo("Australia/Lord_Howe"),  # a half-hour change
    dt.UTC,
    dt.timezone(dt.timedelta(hours=5, minutes=30)),
    dt.timezone(-dt.timedelta(hours=3, minutes=30)),
]
_POLICIES = st.sampled_from(
    [DEFAULT_POLICY, *(attrs.evolve(DEFAULT_POLICY, time_zone=zone) for zone in _ZONES)]
)
_SHANGHAI, _NEW_YORK, _LONDON, _LORD_HOWE = _ZONES[:4]
# Wall times where the clocks of those zones were put forward or back.
_CHANGES = [
    (_SHANGHAI, dt.datetime(1986, 5, 4, 2)),
    (_SHANGHAI, dt.datetime(1991, 9, 15, 1)),
    (_NEW_YORK, dt.datetime(2021, 3, 14, 2)),
    (_NEW_YORK, dt.datetime(2021, 11, 7, 1)),
    (_LONDON, dt.datetime(2021, 3, 28, 1)),
    (_LONDON, dt.datetime(2021, 10, 31, 1)),
    (_LORD_HOWE, dt.datetime(2021, 4, 4, 1, 30)),
    (_LORD_HOWE, dt.datetime(2021, 10, 3, 2)),
]
_NAIVE = st.builds(
    lambda moment, fold: moment.replace(fold=fold),
    st.datetimes(min_value=dt.datetime(1900, 1, 1), max_value=dt.datetime(2100, 1, 1)),
    st.integers(0, 1),
)
_MOMENTS = _NAIVE | st.builds(
    lambda moment, zone: moment.replace(tzinfo=zone),
    _NAIVE,
    st.sampled_from([*_ZONES, _Half()]),
)


@given(_MOMENTS, _POLICIES)
def test_an_instant_is_the_rules(moment: dt.datetime, policy: Policy) -> None:
    assert _instant(moment, policy) == _instant_of(moment, policy)


@given(st.sampled_from(_CHANGES), st.integers(-90, 90), st.integers(0, 1), st.booleans())
def test_near_a_change_of_the_clocks(
    change: tuple[dt.tzinfo, dt.datetime], minutes: int, fold: int, aware: bool
) -> None:
    """In the hour the clocks skip or repeat, and around it, either fold, naive or aware."""
    zone, wall = change
    moment = (wall + dt.timedelta(minutes=minutes)).replace(fold=fold)
    if aware:
        moment = moment.replace(tzinfo=zone)
    policy = attrs.evolve(DEFAULT_POLICY, time_zone=zone)
    assert _instant(moment, policy) == _instant_of(moment, policy)


@given(_NAIVE)
def test_a_zone_of_another_kind_takes_the_rules_way(moment: dt.datetime) -> None:
    policy = attrs.evolve(DEFAULT_POLICY, time_zone=_Half())
    assert _instant(moment, policy) == _instant_of(moment, policy)

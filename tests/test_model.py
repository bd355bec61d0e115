"""Tests for `govmodel.model`: each record checks what it can see alone."""

import datetime as dt

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from govmodel.model import (
    Appointment,
    Body,
    BodyKind,
    Domain,
    Grid,
    GridLevel,
    Meeting,
    Place,
    PlaceKind,
    Post,
    Role,
    Tie,
    TieKind,
)


class TestPlace:
    def test_negative_households_rejected(self) -> None:
        """A place cannot have fewer than zero households."""
        with pytest.raises(ValueError, match="households: expected a count of 0 or more, found -3"):
            Place(id="compound:x", kind=PlaceKind.COMPOUND, households=-3)

    def test_negative_residents_rejected(self) -> None:
        """Nor fewer than zero residents."""
        with pytest.raises(ValueError, match="residents"):
            Place(id="community:x", kind=PlaceKind.COMMUNITY, residents=-1)

    def test_blank_id_rejected(self) -> None:
        """An id must say something."""
        with pytest.raises(ValueError, match="non-empty id"):
            Place(id="  ", kind=PlaceKind.COMMUNITY)

    def test_frozen(self) -> None:
        """Records are immutable; change means `attrs.evolve`."""
        place = Place(id="community:x", kind=PlaceKind.COMMUNITY)
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            place.households = 3  # type: ignore[misc]
        assert attrs.evolve(place, households=3).households == 3
        assert place.households is None

    def test_defaults_describe_an_ordinary_compound(self) -> None:
        """By default a compound is titled, not old, residential."""
        place = Place(id="compound:x", kind=PlaceKind.COMPOUND)
        assert (place.title, place.old, place.residential) == (True, False, True)


class TestGrid:
    def test_covers_listed_twice_rejected(self) -> None:
        """A grid cannot list the same place twice."""
        with pytest.raises(ValueError, match='"b" is listed twice'):
            Grid(id="g", level=GridLevel.MICRO, covers=("b", "b"))

    def test_list_becomes_tuple(self) -> None:
        """Lists given by a caller are stored as tuples, keeping records hashable."""
        grid = Grid(id="g", level=GridLevel.MICRO, covers=["a", "b"])
        assert grid.covers == ("a", "b")
        assert hash(grid) == hash(Grid(id="g", level=GridLevel.MICRO, covers=("a", "b")))


class TestBody:
    @pytest.mark.parametrize("kind", [BodyKind.DEPARTMENT, BodyKind.PARTNER_UNIT])
    def test_declared_domains_required(self, kind: BodyKind) -> None:
        """Departments and partner units answer only for the domains they declare."""
        with pytest.raises(ValueError, match="must declare the domains"):
            Body(id="d", kind=kind)
        with pytest.raises(ValueError, match="an empty list"):
            Body(id="d", kind=kind, domains=())

    def test_domain_listed_twice_rejected(self) -> None:
        """A domain is declared once."""
        with pytest.raises(ValueError, match="listed twice"):
            Body(id="d", kind=BodyKind.DEPARTMENT, domains=(Domain.HOUSING, Domain.HOUSING))

    def test_party_kinds(self) -> None:
        """Exactly the four party kinds are party organisations."""
        party = {k for k in BodyKind if k.is_party}
        assert party == {
            BodyKind.PARTY_WORKING_COMMITTEE,
            BodyKind.PARTY_COMMITTEE,
            BodyKind.PARTY_BRANCH,
            BodyKind.PARTY_GROUP,
        }


class TestPost:
    def test_zero_seats_rejected(self) -> None:
        """A post has at least one seat."""
        with pytest.raises(ValueError, match="seats: expected 1 or more, found 0"):
            Post(id="p", role=Role.MEDIATOR, within="room", seats=0)


class TestAppointment:
    @given(st.dates(), st.dates())
    def test_end_not_before_start(self, start: dt.date, end: dt.date) -> None:
        """An appointment exists exactly when it does not end before it starts."""
        if end < start:
            with pytest.raises(ValueError, match="expected a day on or after start"):
                Appointment(person="p", post="q", start=start, end=end)
        else:
            appointment = Appointment(person="p", post="q", start=start, end=end)
            assert appointment.active(start)
            assert appointment.active(end)

    @given(st.dates(), st.none() | st.integers(0, 1000), st.dates())
    def test_active_means_within_the_days(
        self, start: dt.date, length: int | None, day: dt.date
    ) -> None:
        """`active(day)` holds exactly for start <= day <= end (no end: forever)."""
        end = None
        if length is not None:
            try:
                end = start + dt.timedelta(days=length)
            except OverflowError:
                end = dt.date.max
        appointment = Appointment(person="p", post="q", start=start, end=end)
        assert appointment.active(day) == (start <= day and (end is None or day <= end))

    @given(st.dates(), st.dates(), st.dates(), st.dates())
    def test_overlap_is_symmetric_and_matches_days(
        self, a: dt.date, b: dt.date, c: dt.date, d: dt.date
    ) -> None:
        """Two appointments overlap exactly when some day is active in both."""
        (s1, e1), (s2, e2) = sorted((a, b)), sorted((c, d))
        first = Appointment(person="p", post="q", start=s1, end=e1)
        second = Appointment(person="r", post="q", start=s2, end=e2)
        assert first.overlaps(second) == second.overlaps(first)
        shared = max(s1, s2) <= min(e1, e2)
        assert first.overlaps(second) == shared


class TestTie:
    def test_self_tie_rejected(self) -> None:
        """A tie joins two different bodies."""
        with pytest.raises(ValueError, match="two different bodies"):
            Tie(kind=TieKind.LEADS, source="a", target="a")


class TestMeeting:
    @pytest.mark.parametrize("day", [0, 32])
    def test_day_of_month_in_range(self, day: int) -> None:
        """A fixed monthly day is a day of a month."""
        with pytest.raises(ValueError, match="expected a day from 1 to 31"):
            Meeting(id="m", convener="c", day_of_month=day)

    def test_member_listed_twice_rejected(self) -> None:
        """A member sits in a meeting once."""
        with pytest.raises(ValueError, match="listed twice"):
            Meeting(id="m", convener="c", members=("a", "a"))

"""Tests for `govmodel.model`: each record checks what it can see alone."""

import datetime as dt
import itertools
import pickle
from enum import StrEnum

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
    Scope,
    Tie,
    TieKind,
    Tier,
)

ORDERED = [Scope, Tier]


class TestOrderedVocabularies:
    """Scope and Tier: ordered as declared, otherwise plain StrEnums."""

    @pytest.mark.parametrize("enum", ORDERED)
    def test_rank_is_declared_position(self, enum: type[Scope | Tier]) -> None:
        """rank counts from 0 in the order the members are declared."""
        assert [member.rank for member in enum] == list(range(len(enum)))

    @pytest.mark.parametrize("enum", ORDERED)
    def test_comparisons_follow_rank(self, enum: type[Scope | Tier]) -> None:
        """<, <=, >, >= agree with rank for every pair, not with the alphabet."""
        for a, b in itertools.product(enum, repeat=2):
            assert (a < b, a <= b, a > b, a >= b) == (
                a.rank < b.rank,
                a.rank <= b.rank,
                a.rank > b.rank,
                a.rank >= b.rank,
            )
        backwards = list(enum)[::-1]
        assert sorted(backwards) == list(enum)
        assert max(enum) is list(enum)[-1]

    def test_declared_orders(self) -> None:
        """The orders the design states: household to beyond, micro-grid to street."""
        assert Scope.HOUSEHOLD < Scope.BUILDING < Scope.COMPOUND < Scope.COMMUNITY < Scope.BEYOND
        assert Tier.MICRO_GRID < Tier.COMPOUND < Tier.COMMUNITY < Tier.WHISTLE < Tier.STREET

    def test_same_value_keeps_own_rank(self) -> None:
        """Members of two vocabularies with one value are ranked each in its own order."""
        assert str(Scope.COMPOUND) == str(Tier.COMPOUND)
        assert (Scope.COMPOUND.rank, Tier.COMPOUND.rank) == (2, 1)
        assert (Scope.COMMUNITY.rank, Tier.COMMUNITY.rank) == (3, 2)

    def test_vocabularies_do_not_compare(self) -> None:
        """A Scope and a Tier cannot be ordered against each other."""
        with pytest.raises(TypeError, match="'<' not supported between instances of"):
            _ = Scope.COMPOUND < Tier.STREET
        with pytest.raises(TypeError):
            _ = Tier.STREET >= Scope.HOUSEHOLD

    @pytest.mark.parametrize("enum", ORDERED)
    def test_still_a_str_enum(self, enum: type[Scope | Tier]) -> None:
        """Values, str(), equality, hashing and lookup by value are those of StrEnum."""
        assert issubclass(enum, StrEnum)
        for member in enum:
            assert isinstance(member, str)
            assert str(member) == member.value
            assert member == member.value
            assert enum(member.value) is member
            assert {member: 1}[enum(member.value)] == 1
            assert hash(member) == hash(enum(member.value))

    @pytest.mark.parametrize("enum", ORDERED)
    def test_pickle_round_trip(self, enum: type[Scope | Tier]) -> None:
        """A pickled member comes back as the same member, with its rank."""
        for member in enum:
            for protocol in range(pickle.HIGHEST_PROTOCOL + 1):
                again = pickle.loads(pickle.dumps(member, protocol=protocol))
                assert again is member
                assert again.rank == member.rank


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

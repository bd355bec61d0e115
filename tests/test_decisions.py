"""Tests for `govmodel.rules.decisions`: quorum and majorities of owners' decisions.

The bounds of Civil Code art. 278 are tested exactly, by area and by headcount
separately: 以上 ("at least") includes the bound, 过半数 ("more than half") does
not. The property tests state what holds for every valid input, including the
one monotonicity that the rule guarantees (a new vote FOR never undoes an
approval) and the ones it does not (a vote AGAINST can complete the quorum).
"""

import math
import pickle
from decimal import Decimal
from fractions import Fraction
from typing import NamedTuple

import attrs
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from govmodel.errors import DecisionError, GovModelError
from govmodel.model import Matter, Vote
from govmodel.rules.decisions import (
    CIVIL_CODE_278,
    Ballot,
    CivilCode278,
    Consultation,
    Decision,
    Electorate,
    Rule,
    decide,
    outcome_by_counts,
)

FOR, AGAINST, ABSTAIN = Vote.FOR, Vote.AGAINST, Vote.ABSTAIN
AreaLike = int | float | Decimal | Fraction

SPECIAL = [m for m in Matter if m.special]
ORDINARY = [m for m in Matter if not m.special]


def ballots(*votes: tuple[AreaLike, Vote], prefix: str = "owner") -> list[Ballot]:
    """One ballot per (area, vote), the owners named ``owner:0``, ``owner:1`` and so on."""
    return [Ballot(owner=f"{prefix}:{i}", area=a, vote=v) for i, (a, v) in enumerate(votes)]


def everyone(*votes: tuple[AreaLike, Vote]) -> tuple[list[Ballot], Electorate]:
    """Ballots and an electorate in which every owner votes: the quorum is met."""
    cast = ballots(*votes)
    return cast, Electorate(owners=len(cast), area=sum((b.area for b in cast), Fraction(0)))


class TestBallot:
    def test_float_area_read_through_its_decimal_string(self) -> None:
        """66.67 means 6667/100, not the binary float nearest to it."""
        assert Ballot(owner="a", area=66.67, vote=FOR).area == Fraction(6667, 100)

    @pytest.mark.parametrize(
        ("area", "exact"),
        [
            (90, Fraction(90)),
            (Decimal("88.25"), Fraction(353, 4)),
            (Fraction(1, 3), Fraction(1, 3)),
            (0.1, Fraction(1, 10)),
            (0, Fraction(0)),
        ],
    )
    def test_area_stored_exactly(self, area: AreaLike, exact: Fraction) -> None:
        """ints, Decimals, Fractions and floats all become exact Fractions."""
        assert Ballot(owner="a", area=area, vote=FOR).area == exact

    def test_vote_value_accepted(self) -> None:
        """A vote may be given by its value, as in a spec or a form."""
        assert Ballot(owner="a", area=1, vote="abstain").vote is ABSTAIN

    @pytest.mark.parametrize("area", [-1, Decimal("-0.01"), -0.5, Fraction(-1, 3)])
    def test_negative_area_rejected(self, area: AreaLike) -> None:
        """No owner holds less than nothing."""
        with pytest.raises(DecisionError, match=r"^area: expected an area of 0 or more, found -"):
            Ballot(owner="a", area=area, vote=FOR)

    @pytest.mark.parametrize(
        ("area", "message"),
        [
            (math.nan, "expected a finite area, found nan"),
            (math.inf, "expected a finite area, found inf"),
            (Decimal("NaN"), "expected a finite area, found Decimal('NaN')"),
            (
                "80",
                "expected a number (int, Decimal, Fraction or float) for the area, found str '80'",
            ),
            (True, "expected a number for the area, found True"),
            (None, "for the area, found NoneType None"),
        ],
    )
    def test_unreadable_area_rejected(self, area: object, message: str) -> None:
        """An area that is not a finite number is refused, saying what was found."""
        with pytest.raises(DecisionError, match=r"^area: ") as info:
            Ballot(owner="a", area=area, vote=FOR)  # type: ignore[arg-type]
        assert str(info.value).endswith(message)

    @pytest.mark.parametrize("vote", ["yes", "For", 1, None])
    def test_unknown_vote_rejected(self, vote: object) -> None:
        """Only for, against and abstain are votes."""
        with pytest.raises(
            DecisionError,
            match=r"^vote: expected one of 'for', 'against', 'abstain', found ",
        ):
            Ballot(owner="a", area=1, vote=vote)  # type: ignore[arg-type]

    @pytest.mark.parametrize("owner", ["", "   ", 7])
    def test_blank_owner_rejected(self, owner: object) -> None:
        """A ballot says whose it is."""
        with pytest.raises(DecisionError, match=r"^owner: expected a non-empty owner id"):
            Ballot(owner=owner, area=1, vote=FOR)  # type: ignore[arg-type]

    def test_frozen(self) -> None:
        """A cast ballot cannot be changed."""
        ballot = Ballot(owner="a", area=1, vote=FOR)
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            ballot.vote = AGAINST  # type: ignore[misc]


class TestElectorate:
    @pytest.mark.parametrize("owners", [0, -3])
    def test_no_owners_rejected(self, owners: int) -> None:
        """An electorate has at least one owner."""
        with pytest.raises(
            DecisionError, match=rf"^owners: expected 1 or more owners, found {owners}$"
        ):
            Electorate(owners=owners, area=100)

    @pytest.mark.parametrize("owners", [2.5, True, "10"])
    def test_owners_must_be_a_whole_number(self, owners: object) -> None:
        """Owners are counted, not measured."""
        with pytest.raises(DecisionError, match=r"^owners: expected a whole number of owners"):
            Electorate(owners=owners, area=100)  # type: ignore[arg-type]

    def test_negative_area_rejected(self) -> None:
        """The eligible area cannot be negative."""
        with pytest.raises(DecisionError, match=r"^area: expected an area of 0 or more, found -5"):
            Electorate(owners=3, area=-5)

    def test_zero_area_allowed_for_consultations(self) -> None:
        """A zero area is a valid electorate: a consultation counts households only."""
        assert Electorate(owners=100, area=0).area == 0


class TestCivilCode278:
    def test_thresholds_of_the_civil_code(self) -> None:
        """Quorum 2/3, items 6–8 3/4, other items more than 1/2."""
        assert (CIVIL_CODE_278.quorum, CIVIL_CODE_278.special_majority) == (
            Fraction(2, 3),
            Fraction(3, 4),
        )
        assert CIVIL_CODE_278.ordinary_majority == Fraction(1, 2)
        assert CivilCode278() == CIVIL_CODE_278
        assert CIVIL_CODE_278.name == "civil_code_278"

    def test_special_items_are_six_to_eight(self) -> None:
        """The special majority applies to raising funds, rebuilding, changing common use."""
        assert SPECIAL == [Matter.RAISE_MAINTENANCE_FUND, Matter.REBUILD, Matter.CHANGE_COMMON_USE]

    @pytest.mark.parametrize("field", ["quorum", "special_majority", "ordinary_majority"])
    @pytest.mark.parametrize("value", [0, -1, Fraction(5, 4)])
    def test_threshold_outside_zero_one_rejected(self, field: str, value: Fraction) -> None:
        """A threshold is a share above 0 and at most 1."""
        with pytest.raises(DecisionError, match=rf"^{field}: expected a share above 0"):
            CivilCode278(**{field: value})


class TestConsultation:
    def test_participation_required(self) -> None:
        """A consultation has no default participation: the meeting must set one."""
        with pytest.raises(TypeError, match="participation"):
            Consultation()  # type: ignore[call-arg]

    def test_majority_defaults_to_half(self) -> None:
        """By default the answers approving must be more than half."""
        rule = Consultation(participation=Fraction(2, 3))
        assert (rule.majority, rule.name) == (Fraction(1, 2), "consultation")

    @pytest.mark.parametrize("field", ["participation", "majority"])
    @pytest.mark.parametrize("value", [0, Decimal("-0.5"), Fraction(3, 2), 1.01])
    def test_share_outside_zero_one_rejected(self, field: str, value: AreaLike) -> None:
        """Both parameters are shares above 0 and at most 1."""
        kwargs: dict[str, AreaLike] = {"participation": Fraction(1, 2), field: value}
        with pytest.raises(DecisionError, match=rf"^{field}: expected a share above 0"):
            Consultation(**kwargs)

    def test_whole_is_a_valid_share(self) -> None:
        """1 is allowed: every household must answer."""
        assert Consultation(participation=1).participation == 1

    def test_share_as_string_rejected(self) -> None:
        """Shares are numbers; a string such as "2/3" is refused, not parsed."""
        with pytest.raises(
            DecisionError,
            match=r"^participation: expected a number \(int, Decimal, Fraction or float\)",
        ):
            Consultation(participation="2/3")  # type: ignore[arg-type]


class TestDecideQuorum:
    """Participants must hold at least 2/3 of the area AND be at least 2/3 of the owners."""

    @pytest.mark.parametrize("matter", [Matter.HIRE_MANAGER, Matter.REBUILD])
    def test_exactly_two_thirds_meets_quorum(self, matter: Matter) -> None:
        """2 of 3 owners holding 200 of 300 m² is exactly 2/3 of each: 以上 includes it."""
        d = decide(
            ballots((100, FOR), (100, FOR)),
            matter=matter,
            eligible=Electorate(owners=3, area=300),
        )
        assert 3 * d.participating_owners == 2 * d.eligible.owners
        assert d.participating_area is not None
        assert 3 * d.participating_area == 2 * d.eligible.area
        assert d.quorum_met
        assert d.approved

    @pytest.mark.parametrize("matter", [Matter.HIRE_MANAGER, Matter.REBUILD])
    def test_area_just_below_two_thirds_fails(self, matter: Matter) -> None:
        """Headcount exactly 2/3 but area 199.99 of 300 m²: the quorum fails by area alone."""
        d = decide(
            ballots((100, FOR), (Decimal("99.99"), FOR)),
            matter=matter,
            eligible=Electorate(owners=3, area=300),
        )
        assert not d.quorum_met
        assert not d.approved
        assert "quorum not met (area short)" in d.reason

    @pytest.mark.parametrize("matter", [Matter.HIRE_MANAGER, Matter.REBUILD])
    def test_headcount_just_below_two_thirds_fails(self, matter: Matter) -> None:
        """199 of 300 owners holding all the area: the quorum fails by headcount alone."""
        eligible = Electorate(owners=300, area=1000)
        met = decide(ballots(*[(5, FOR)] * 200), matter=matter, eligible=eligible)
        short = decide(ballots(*[(5, FOR)] * 199), matter=matter, eligible=eligible)
        assert met.quorum_met
        assert met.approved
        assert not short.quorum_met
        assert not short.approved
        assert "quorum not met (owners short)" in short.reason

    def test_float_areas_compared_exactly(self) -> None:
        """69.31 + 131.17 m² is exactly 2/3 of 300.72 m², though binary floats say less."""
        assert not 3 * (69.31 + 131.17) >= 2 * 300.72  # what a float rule would conclude
        d = decide(
            ballots((69.31, FOR), (131.17, FOR)),
            matter=Matter.HIRE_MANAGER,
            eligible=Electorate(owners=3, area=300.72),
        )
        assert d.quorum_met
        assert d.approved

    def test_floats_mean_their_decimal_strings(self) -> None:
        """66.67 of 100 m² meets 2/3 (200.01 ≥ 200); 66.66 does not."""
        eligible = Electorate(owners=3, area=100.0)
        met = decide(ballots((33.34, FOR), (33.33, FOR)), matter=Matter.REBUILD, eligible=eligible)
        short = decide(
            ballots((33.33, FOR), (33.33, FOR)), matter=Matter.REBUILD, eligible=eligible
        )
        assert (met.quorum_met, short.quorum_met) == (True, False)

    def test_nobody_voting_is_rejected(self) -> None:
        """With no ballot there is no quorum and nothing is approved."""
        d = decide([], matter=Matter.REBUILD, eligible=Electorate(owners=10, area=900))
        assert (d.quorum_met, d.majority_met, d.approved) == (False, False, False)
        assert d.reason.endswith("majority not met — nobody took part")


class TestDecideSpecialMajority:
    """Items 6–8 need at least 3/4 of the participating area AND owners."""

    @pytest.mark.parametrize("matter", SPECIAL)
    def test_exactly_three_quarters_passes(self, matter: Matter) -> None:
        """3 of 4 owners holding 300 of 400 m²: exactly 3/4 of each passes (以上)."""
        cast, eligible = everyone((100, FOR), (100, FOR), (100, FOR), (100, AGAINST))
        d = decide(cast, matter=matter, eligible=eligible)
        assert (d.majority, d.majority_strict) == (Fraction(3, 4), False)
        assert d.approved

    @pytest.mark.parametrize("matter", SPECIAL)
    def test_area_just_below_three_quarters_fails(self, matter: Matter) -> None:
        """Headcount exactly 3/4 but 299.99 of 400 m²: rejected by area alone."""
        cast, eligible = everyone(
            (100, FOR), (100, FOR), (Decimal("99.99"), FOR), (Decimal("100.01"), AGAINST)
        )
        d = decide(cast, matter=matter, eligible=eligible)
        assert d.quorum_met
        assert not d.approved
        assert "majority not met (area short)" in d.reason

    @pytest.mark.parametrize("matter", SPECIAL)
    def test_headcount_just_below_three_quarters_fails(self, matter: Matter) -> None:
        """749 of 1,000 owners (holding most of the area) is rejected; 750 passes."""
        met, eligible = everyone(*[(10, FOR)] * 750, *[(1, AGAINST)] * 250)
        short, short_eligible = everyone(*[(10, FOR)] * 749, *[(1, AGAINST)] * 251)
        assert decide(met, matter=matter, eligible=eligible).approved
        d = decide(short, matter=matter, eligible=short_eligible)
        assert d.for_area is not None
        assert d.participating_area is not None
        assert 4 * d.for_area >= 3 * d.participating_area
        assert not d.approved
        assert "majority not met (owners short)" in d.reason

    @pytest.mark.parametrize("matter", list(Matter))
    def test_special_threshold_only_for_items_six_to_eight(self, matter: Matter) -> None:
        """2 of 3 owners and 2/3 of the area pass an ordinary item but not a special one."""
        cast, eligible = everyone((100, FOR), (100, FOR), (100, AGAINST))
        assert decide(cast, matter=matter, eligible=eligible).approved is not matter.special


class TestDecideOrdinaryMajority:
    """Items 1–5 and 9 need more than half (过半数) of the participating area AND owners."""

    @pytest.mark.parametrize("matter", ORDINARY)
    def test_exactly_half_fails(self, matter: Matter) -> None:
        """2 of 4 owners holding 200 of 400 m² is not more than half: rejected."""
        cast, eligible = everyone((100, FOR), (100, FOR), (100, AGAINST), (100, AGAINST))
        d = decide(cast, matter=matter, eligible=eligible)
        assert (d.majority, d.majority_strict) == (Fraction(1, 2), True)
        assert d.quorum_met
        assert not d.approved
        assert "majority not met (owners and area short)" in d.reason

    @pytest.mark.parametrize("matter", ORDINARY)
    def test_just_above_half_passes(self, matter: Matter) -> None:
        """3 of 5 owners holding 250.01 of 500 m²: just more than half of each passes."""
        cast, eligible = everyone(
            (100, FOR),
            (100, FOR),
            (Decimal("50.01"), FOR),
            (150, AGAINST),
            (Decimal("99.99"), AGAINST),
        )
        assert decide(cast, matter=matter, eligible=eligible).approved

    @pytest.mark.parametrize("matter", ORDINARY)
    def test_headcount_exactly_half_fails_despite_area(self, matter: Matter) -> None:
        """2 of 4 owners holding 400 of 500 m²: the area is there, the headcount is not."""
        cast, eligible = everyone((200, FOR), (200, FOR), (50, AGAINST), (50, AGAINST))
        d = decide(cast, matter=matter, eligible=eligible)
        assert not d.approved
        assert "majority not met (owners short)" in d.reason

    @pytest.mark.parametrize("matter", ORDINARY)
    def test_area_exactly_half_fails_despite_headcount(self, matter: Matter) -> None:
        """3 of 4 owners holding 200 of 400 m²: the headcount is there, the area is not."""
        cast, eligible = everyone((50, FOR), (50, FOR), (100, FOR), (200, AGAINST))
        d = decide(cast, matter=matter, eligible=eligible)
        assert not d.approved
        assert "majority not met (area short)" in d.reason

    @pytest.mark.parametrize("matter", ORDINARY)
    def test_one_owner_more_than_half_passes(self, matter: Matter) -> None:
        """501 of 1,000 equal owners is more than half; 500 is not."""
        passes, eligible = everyone(*[(80, FOR)] * 501, *[(80, AGAINST)] * 499)
        fails, _ = everyone(*[(80, FOR)] * 500, *[(80, AGAINST)] * 500)
        assert decide(passes, matter=matter, eligible=eligible).approved
        assert not decide(fails, matter=matter, eligible=eligible).approved


class TestDecideAbstentions:
    @pytest.mark.parametrize("matter", [Matter.HIRE_MANAGER, Matter.REBUILD])
    def test_abstentions_count_toward_quorum(self, matter: Matter) -> None:
        """4 for + 2 abstaining of 9 owners meet the quorum; the 4 alone would not."""
        eligible = Electorate(owners=9, area=900)
        with_abstentions = decide(
            ballots(*[(100, FOR)] * 4, *[(100, ABSTAIN)] * 2), matter=matter, eligible=eligible
        )
        without = decide(ballots(*[(100, FOR)] * 4), matter=matter, eligible=eligible)
        assert with_abstentions.quorum_met
        assert with_abstentions.participating_owners == 6
        assert with_abstentions.abstain_owners == 2
        assert with_abstentions.abstain_area == 200
        assert not without.quorum_met

    def test_abstentions_do_not_approve(self) -> None:
        """2 for, 1 against, 1 abstaining is exactly half for: rejected."""
        cast, eligible = everyone((100, FOR), (100, FOR), (100, AGAINST), (100, ABSTAIN))
        d = decide(cast, matter=Matter.HIRE_MANAGER, eligible=eligible)
        assert d.quorum_met
        assert not d.approved

    def test_abstaining_is_not_staying_away(self) -> None:
        """The same owner staying away instead of abstaining lets the matter pass.

        With 4 owners, 3 participants still meet the quorum, and 2 of 3 is more
        than half; an abstention stays in the base and makes it exactly half.
        """
        eligible = Electorate(owners=4, area=400)
        away = decide(
            ballots((100, FOR), (100, FOR), (100, AGAINST)),
            matter=Matter.HIRE_MANAGER,
            eligible=eligible,
        )
        abstaining = decide(
            ballots((100, FOR), (100, FOR), (100, AGAINST), (100, ABSTAIN)),
            matter=Matter.HIRE_MANAGER,
            eligible=eligible,
        )
        assert (away.approved, abstaining.approved) == (True, False)

    def test_all_abstaining_is_rejected(self) -> None:
        """Everyone abstaining meets the quorum and approves nothing."""
        cast, eligible = everyone((100, ABSTAIN), (100, ABSTAIN))
        d = decide(cast, matter=Matter.RAISE_MAINTENANCE_FUND, eligible=eligible)
        assert (d.quorum_met, d.approved) == (True, False)


class TestDecideConsultation:
    """Households answering at least `participation`; approvals more than `majority` of answers."""

    RULE = Consultation(participation=Fraction(2, 3))
    CONSULTED = Electorate(owners=99, area=0)

    def answers(self, approve: int, oppose: int, abstain: int = 0) -> list[Ballot]:
        votes = [(0, FOR)] * approve + [(0, AGAINST)] * oppose + [(0, ABSTAIN)] * abstain
        return ballots(*votes, prefix="household")

    def test_participation_exactly_at_threshold_passes(self) -> None:
        """66 answers of 99 households is exactly 2/3: enough."""
        d = decide(
            self.answers(34, 32),
            matter=Matter.CHANGE_COMMON_USE,
            eligible=self.CONSULTED,
            rule=self.RULE,
        )
        assert (d.quorum_met, d.approved) == (True, True)
        assert d.quorum == Fraction(2, 3)

    def test_participation_just_below_threshold_fails(self) -> None:
        """65 answers of 99 households is less than 2/3."""
        d = decide(
            self.answers(34, 31),
            matter=Matter.CHANGE_COMMON_USE,
            eligible=self.CONSULTED,
            rule=self.RULE,
        )
        assert (d.quorum_met, d.approved) == (False, False)

    def test_approvals_exactly_half_fail(self) -> None:
        """33 approvals of 66 answers is not more than half."""
        d = decide(
            self.answers(33, 33),
            matter=Matter.CHANGE_COMMON_USE,
            eligible=self.CONSULTED,
            rule=self.RULE,
        )
        assert d.quorum_met
        assert not d.approved
        assert (d.majority, d.majority_strict) == (Fraction(1, 2), True)

    def test_abstaining_answers_count_but_do_not_approve(self) -> None:
        """33 approve, 30 oppose, 3 abstain: 66 answers, and 33 is exactly half of them."""
        d = decide(
            self.answers(33, 30, 3),
            matter=Matter.CHANGE_COMMON_USE,
            eligible=self.CONSULTED,
            rule=self.RULE,
        )
        assert (d.participating_owners, d.quorum_met, d.approved) == (66, True, False)

    def test_custom_majority_is_strict(self) -> None:
        """Under a 2/3 majority, exactly 2/3 of the answers fails and one more passes."""
        rule = Consultation(participation=Fraction(1, 2), majority=Fraction(2, 3))
        eligible = Electorate(owners=10, area=0)
        at = decide(self.answers(6, 3), matter=Matter.OTHER_MAJOR, eligible=eligible, rule=rule)
        above = decide(self.answers(7, 3), matter=Matter.OTHER_MAJOR, eligible=eligible, rule=rule)
        assert (at.approved, above.approved) == (False, True)

    def test_area_ignored(self) -> None:
        """Areas are neither counted nor checked: households are counted."""
        big = ballots((5000, FOR), (1, FOR), (1, AGAINST), prefix="household")
        d = decide(
            big,
            matter=Matter.CHANGE_COMMON_USE,
            eligible=Electorate(owners=3, area=0),
            rule=self.RULE,
        )
        assert d.approved
        assert (d.participating_area, d.for_area, d.against_area, d.abstain_area) == (
            None,
            None,
            None,
            None,
        )
        assert "m²" not in d.reason

    def test_same_rule_for_every_matter(self) -> None:
        """A consultation has one threshold whatever the matter."""
        results = {
            decide(
                self.answers(34, 32),
                matter=m,
                eligible=self.CONSULTED,
                rule=self.RULE,
            ).approved
            for m in Matter
        }
        assert results == {True}


class TestDecideErrors:
    """Bad input raises DecisionError saying where, what was expected and what was found."""

    def test_error_is_a_value_error(self) -> None:
        """DecisionError is a GovModelError and a ValueError, and pickles with its location."""
        err = DecisionError("ballots[3]", "expected a Ballot, found int 5")
        assert isinstance(err, GovModelError)
        assert isinstance(err, ValueError)
        copy = pickle.loads(pickle.dumps(err))
        assert (copy.location, copy.message, str(copy)) == (err.location, err.message, str(err))

    def test_owner_voting_twice(self) -> None:
        """An owner has one ballot; the error names both places."""
        cast = [*ballots((90, FOR), (80, AGAINST)), Ballot(owner="owner:0", area=90, vote=AGAINST)]
        with pytest.raises(DecisionError) as info:
            decide(cast, matter=Matter.REBUILD, eligible=Electorate(owners=5, area=500))
        assert info.value.location == "ballots[2]"
        assert str(info.value) == (
            'ballots[2]: expected one ballot per owner, found a second ballot from "owner:0" '
            "(the first is ballots[0])"
        )

    def test_owner_answering_twice_in_a_consultation(self) -> None:
        """A household answers once in a consultation too."""
        cast = [Ballot(owner="h", area=0, vote=FOR), Ballot(owner="h", area=0, vote=FOR)]
        with pytest.raises(DecisionError, match=r"^ballots\[1\]: expected one ballot per owner"):
            decide(
                cast,
                matter=Matter.OTHER_MAJOR,
                eligible=Electorate(owners=5, area=0),
                rule=Consultation(participation=Fraction(1, 2)),
            )

    def test_more_participants_than_eligible(self) -> None:
        """There cannot be more ballots than owners."""
        with pytest.raises(DecisionError) as info:
            decide(
                ballots(*[(10, FOR)] * 4),
                matter=Matter.HIRE_MANAGER,
                eligible=Electorate(owners=3, area=100),
            )
        assert str(info.value) == (
            "ballots: expected at most 3 participating owners (eligible.owners), found 4"
        )

    def test_more_answers_than_households(self) -> None:
        """Nor more answers than households consulted."""
        with pytest.raises(DecisionError, match="at most 2 participating households"):
            decide(
                ballots(*[(0, FOR)] * 3),
                matter=Matter.OTHER_MAJOR,
                eligible=Electorate(owners=2, area=0),
                rule=Consultation(participation=1),
            )

    def test_participating_area_above_eligible(self) -> None:
        """Participants cannot hold more than the whole area."""
        with pytest.raises(DecisionError) as info:
            decide(
                ballots((60, FOR), (Decimal("50.5"), FOR)),
                matter=Matter.HIRE_MANAGER,
                eligible=Electorate(owners=3, area=100),
            )
        assert str(info.value) == (
            "ballots: expected a participating area of at most 100 (eligible.area), found 110.5"
        )

    def test_zero_eligible_area_under_article_278(self) -> None:
        """Art. 278 counts area, so the eligible area must be positive."""
        with pytest.raises(DecisionError, match=r"^eligible\.area: expected a positive total area"):
            decide(
                ballots((0, FOR)),
                matter=Matter.HIRE_MANAGER,
                eligible=Electorate(owners=3, area=0),
            )

    def test_zero_ballot_area_under_article_278(self) -> None:
        """Under art. 278 every owner holds some area; 0 means it was not recorded."""
        with pytest.raises(DecisionError) as info:
            decide(
                ballots((80, FOR), (0, FOR)),
                matter=Matter.HIRE_MANAGER,
                eligible=Electorate(owners=3, area=300),
            )
        assert info.value.location == "ballots[1]"
        assert 'expected a positive area for owner "owner:1"' in str(info.value)
        assert str(info.value).endswith("found 0")

    @pytest.mark.parametrize("bad", [("owner:1", 80, "for"), 5, None])
    def test_not_a_ballot(self, bad: object) -> None:
        """Every element of ballots must be a Ballot; the error gives its index."""
        cast: list[object] = [Ballot(owner="owner:0", area=80, vote=FOR), bad]
        with pytest.raises(DecisionError, match=r"^ballots\[1\]: expected a Ballot, found "):
            decide(cast, matter=Matter.REBUILD, eligible=Electorate(owners=3, area=300))  # type: ignore[arg-type]

    def test_single_ballot_instead_of_a_list(self) -> None:
        """A lone Ballot is not a list of ballots."""
        with pytest.raises(DecisionError, match=r"^ballots: expected an iterable of Ballot"):
            decide(
                Ballot(owner="a", area=1, vote=FOR),  # type: ignore[arg-type]
                matter=Matter.REBUILD,
                eligible=Electorate(owners=3, area=300),
            )

    def test_unknown_matter(self) -> None:
        """The matter must be one of the nine items."""
        with pytest.raises(DecisionError, match=r"^matter: expected one of the nine matters"):
            decide([], matter="elevator", eligible=Electorate(owners=3, area=300))  # type: ignore[arg-type]

    def test_matter_by_value(self) -> None:
        """A matter may be given by its value."""
        d = decide([], matter="rebuild", eligible=Electorate(owners=3, area=300))  # type: ignore[arg-type]
        assert d.matter is Matter.REBUILD

    def test_unknown_rule(self) -> None:
        """Only the rules decide knows are accepted."""
        with pytest.raises(DecisionError, match=r"^rule: expected CivilCode278 or Consultation"):
            decide(
                [],
                matter=Matter.REBUILD,
                eligible=Electorate(owners=3, area=300),
                rule="majority",  # type: ignore[arg-type]
            )

    def test_electorate_required(self) -> None:
        """The electorate must be an Electorate."""
        with pytest.raises(DecisionError, match=r"^eligible: expected an Electorate, found int"):
            decide([], matter=Matter.REBUILD, eligible=100)  # type: ignore[arg-type]


class TestDecision:
    def test_record_recomputes_to_itself(self) -> None:
        """A decision recomputed from its own record is the same decision."""
        cast, eligible = everyone((90, FOR), (85.5, AGAINST), (Fraction(201, 2), ABSTAIN))
        d = decide(cast, matter=Matter.REBUILD, eligible=eligible, motion="two lifts")
        again = decide(
            d.ballots, matter=d.matter, eligible=d.eligible, rule=d.rule, motion=d.motion
        )
        assert again == d

    def test_ballots_kept_in_owner_order(self) -> None:
        """The record keeps the ballots, ordered by owner."""
        cast = [
            Ballot(owner="room:3", area=1, vote=FOR),
            Ballot(owner="room:1", area=1, vote=AGAINST),
            Ballot(owner="room:2", area=1, vote=FOR),
        ]
        d = decide(cast, matter=Matter.HIRE_MANAGER, eligible=Electorate(owners=3, area=3))
        assert [b.owner for b in d.ballots] == ["room:1", "room:2", "room:3"]
        assert "ballots" not in repr(d)

    def test_keeps_rule_and_thresholds(self) -> None:
        """The rule object and the thresholds applied are on the record as Fractions."""
        rule = CivilCode278(quorum=Fraction(3, 4))
        d = decide(
            ballots((1, FOR)),
            matter=Matter.USE_MAINTENANCE_FUND,
            eligible=Electorate(owners=1, area=1),
            rule=rule,
        )
        assert d.rule is rule
        assert (d.quorum, d.majority, d.majority_strict) == (Fraction(3, 4), Fraction(1, 2), True)

    def test_summary_has_every_count(self) -> None:
        """The printed record states the verdict, the rule, the electorate and every count."""
        cast = ballots((100, FOR), (100, FOR), (100, FOR), (100, ABSTAIN))
        d = decide(
            cast,
            matter=Matter.REBUILD,
            eligible=Electorate(owners=6, area=600),
            motion="Install a lift in unit 2",
        )
        text = str(d)
        assert text == d.summary()
        assert text.splitlines()[0] == "APPROVED — item 7 (rebuild)"
        for line in [
            "motion:        Install a lift in unit 2",
            "eligible:      6 owners, 600 m²",
            "participating: 4 owners (66.7 %), 400 m² (66.7 %)",
            "abstain:       1 owner (25.0 %), 100 m² (25.0 %)",
            "quorum:        at least 2/3 of the eligible — met",
            "majority:      at least 3/4 of the participating — met",
            "ballots:       4 on record",
        ]:
            assert line in text.splitlines()

    def test_reason_states_the_numbers(self) -> None:
        """The reason is one line with counts, percentages and thresholds."""
        cast = ballots(*[(80, FOR)] * 1050, *[(80, AGAINST)] * 50)
        d = decide(cast, matter=Matter.HIRE_MANAGER, eligible=Electorate(owners=1120, area=89_600))
        assert "\n" not in d.reason
        assert d.reason.startswith("approved (item 4 hire_manager, civil_code_278): quorum met")
        assert "participation 1,100 of 1,120 owners (98.2 %)" in d.reason
        assert "88,000 of 89,600 m² (98.2 %)" in d.reason
        assert "for 1,050 of 1,100 participating owners (95.5 %)" in d.reason
        assert "more than 1/2 of each needed" in d.reason

    def test_frozen(self) -> None:
        """A decision on record cannot be altered."""
        d = decide([], matter=Matter.REBUILD, eligible=Electorate(owners=1, area=1))
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            d.approved = True  # type: ignore[misc]


# -- property tests ---------------------------------------------------------------------

AREAS: st.SearchStrategy[AreaLike] = st.one_of(
    st.integers(min_value=1, max_value=300),
    st.decimals(min_value=Decimal("0.01"), max_value=Decimal(300), places=2),
    st.fractions(min_value=Fraction(1, 12), max_value=Fraction(300), max_denominator=12),
    st.floats(min_value=0.01, max_value=300.0, allow_nan=False, allow_infinity=False),
)
SHARES = st.one_of(
    st.sampled_from([Fraction(1, 2), Fraction(2, 3), Fraction(3, 4), Fraction(1)]),
    st.fractions(min_value=Fraction(1, 10), max_value=Fraction(1), max_denominator=10),
)
RULES: st.SearchStrategy[Rule] = st.one_of(
    st.just(CIVIL_CODE_278),
    st.builds(Consultation, participation=SHARES, majority=SHARES),
)


class Election(NamedTuple):
    ballots: list[Ballot]
    matter: Matter
    eligible: Electorate
    rule: Rule
    newcomer: Ballot


@st.composite
def elections(draw: st.DrawFn, *, max_ballots: int = 12) -> Election:
    """A valid election, with room in the electorate for one more owner (``newcomer``).

    Equal areas, and absent owners and area of exactly half the participants'
    (room for the newcomer included), are drawn often, so that shares land
    exactly on 1/2, 2/3 and 3/4.
    """
    # FOR drawn more often than the others, so that approvals are common enough
    # for the monotonicity properties to bite.
    votes = draw(st.lists(st.sampled_from([FOR, FOR, FOR, AGAINST, ABSTAIN]), max_size=max_ballots))
    if draw(st.booleans()):
        areas = [draw(AREAS)] * len(votes)
    else:
        areas = draw(st.lists(AREAS, min_size=len(votes), max_size=len(votes)))
    cast = [
        Ballot(owner=f"owner:{i}", area=a, vote=v)
        for i, (a, v) in enumerate(zip(areas, votes, strict=True))
    ]
    newcomer = Ballot(owner="owner:new", area=draw(AREAS), vote=FOR)
    total = sum((b.area for b in cast), Fraction(0))
    at_two_thirds = total / 2 - newcomer.area  # absent area putting participation at 2/3
    absent_area = draw(
        st.one_of(
            st.sampled_from(
                [x for x in (at_two_thirds, at_two_thirds - Fraction(1, 100)) if x >= 0]
                or [Fraction(0)]
            ),
            st.fractions(min_value=Fraction(0), max_value=Fraction(2000), max_denominator=12),
        )
    )
    absent_owners = draw(
        st.one_of(st.sampled_from([0, max(0, len(cast) // 2 - 1)]), st.integers(0, 8))
    )
    eligible = Electorate(
        owners=len(cast) + absent_owners + 1,
        area=total + absent_area + newcomer.area,
    )
    return Election(cast, draw(st.sampled_from(Matter)), eligible, draw(RULES), newcomer)


def run(e: Election, cast: list[Ballot] | None = None) -> Decision:
    return decide(
        e.ballots if cast is None else cast, matter=e.matter, eligible=e.eligible, rule=e.rule
    )


def reference(e: Election) -> tuple[bool, bool]:
    """(quorum met, approved) by integer cross-multiplication, independently of decide."""
    values = [b.area for b in e.ballots] + [e.eligible.area]
    scale = math.lcm(*(v.denominator for v in values))

    def whole(x: Fraction) -> int:
        return int(x * scale)

    n = len(e.ballots)
    n_for = sum(b.vote is FOR for b in e.ballots)
    if isinstance(e.rule, CivilCode278):  # the strategy draws only CIVIL_CODE_278
        a = sum(whole(b.area) for b in e.ballots)
        a_for = sum(whole(b.area) for b in e.ballots if b.vote is FOR)
        total = whole(e.eligible.area)
        quorum = 3 * n >= 2 * e.eligible.owners and 3 * a >= 2 * total
        if e.matter.item in (6, 7, 8):
            majority = 4 * n_for >= 3 * n and 4 * a_for >= 3 * a
        else:
            majority = 2 * n_for > n and 2 * a_for > a
        return quorum, quorum and n > 0 and majority
    assert isinstance(e.rule, Consultation)
    p, m = e.rule.participation, e.rule.majority
    quorum = n * p.denominator >= p.numerator * e.eligible.owners
    majority = n_for * m.denominator > m.numerator * n
    return quorum, quorum and majority


class TestDecideProperties:
    @given(elections())
    def test_matches_integer_reference(self, e: Election) -> None:
        """quorum_met and approved equal an integer cross-multiplication of the rule."""
        d = run(e)
        assert (d.quorum_met, d.approved) == reference(e)

    @given(elections())
    def test_never_mutates_inputs(self, e: Election) -> None:
        """Deciding leaves the ballot list, its ballots, the electorate and the rule as they are."""
        cast = list(e.ballots)
        snapshot = [attrs.asdict(b) for b in cast]
        eligible, rule = attrs.evolve(e.eligible), attrs.evolve(e.rule)
        run(e, cast)
        assert cast == e.ballots
        assert all(a is b for a, b in zip(cast, e.ballots, strict=True))
        assert [attrs.asdict(b) for b in cast] == snapshot
        assert (e.eligible, e.rule) == (eligible, rule)

    @given(elections(), st.data())
    def test_invariant_to_ballot_order(self, e: Election, data: st.DataObject) -> None:
        """Counting the same ballots in any order gives the same decision, record included."""
        shuffled = data.draw(st.permutations(e.ballots))
        assert run(e, shuffled) == run(e)

    @given(elections())
    def test_approved_implies_quorum(self, e: Election) -> None:
        """Nothing passes without the quorum: approved == quorum_met and majority_met."""
        d = run(e)
        assert d.approved == (d.quorum_met and d.majority_met)
        assert not d.approved or d.quorum_met

    @given(elections())
    def test_counts_add_up(self, e: Election) -> None:
        """For, against and abstain add up to the participants, by headcount and by area."""
        d = run(e)
        assert d.for_owners + d.against_owners + d.abstain_owners == d.participating_owners
        assert d.participating_owners == len(e.ballots)
        if isinstance(e.rule, CivilCode278):
            assert d.for_area is not None
            assert d.against_area is not None
            assert d.abstain_area is not None
            assert d.for_area + d.against_area + d.abstain_area == d.participating_area
            assert d.participating_area == sum((b.area for b in e.ballots), Fraction(0))
        else:
            assert d.participating_area is None

    @given(elections())
    def test_new_vote_for_never_undoes_approval(self, e: Election) -> None:
        """Adding a FOR ballot from a new owner never turns approved into rejected.

        Precisely: for every valid election and every owner not yet voting, if
        the election with that owner voting FOR is still valid, then quorum met
        before ⇒ quorum met after (participation only grows), and approved
        before ⇒ approved after. For a majority share m ≤ 1 and a new area (or
        headcount) a ≥ 0, F ≥ m·P implies F + a ≥ m·(P + a), because
        a·(1 − m) ≥ 0; likewise with >. This holds by area and by headcount
        separately, under art. 278 and under any consultation. The converse
        does not hold (a FOR vote can make a matter pass), and nothing like it
        holds for AGAINST or ABSTAIN ballots: see the two tests that follow.
        """
        before = run(e)
        after = run(e, [*e.ballots, e.newcomer])
        assert after.for_owners == before.for_owners + 1
        assert not before.quorum_met or after.quorum_met
        assert not before.majority_met or after.majority_met
        assert not before.approved or after.approved

    @given(elections(), st.data())
    def test_switching_to_for_never_undoes_approval(self, e: Election, data: st.DataObject) -> None:
        """An owner changing an AGAINST or ABSTAIN ballot to FOR never turns approved into rejected.

        Participation is unchanged, so the quorum is; approvals grow by that
        owner's headcount and area while the base stays the same.
        """
        assume(any(b.vote is not FOR for b in e.ballots))
        i = data.draw(st.sampled_from([i for i, b in enumerate(e.ballots) if b.vote is not FOR]))
        switched = list(e.ballots)
        switched[i] = attrs.evolve(switched[i], vote=FOR)
        before, after = run(e), run(e, switched)
        assert after.quorum_met == before.quorum_met
        assert not before.approved or after.approved

    def test_vote_against_can_complete_the_quorum(self) -> None:
        """Not monotone: one more AGAINST ballot can turn a rejected matter into an approved one.

        5 of 9 owners vote FOR: no quorum. A sixth owner who comes to vote
        AGAINST completes the quorum, and 5 of 6 still approve (the quorum
        paradox: an opponent does better by staying away).
        """
        eligible = Electorate(owners=9, area=900)
        five = ballots(*[(100, FOR)] * 5)
        before = decide(five, matter=Matter.REBUILD, eligible=eligible)
        after = decide(
            [*five, Ballot(owner="owner:late", area=100, vote=AGAINST)],
            matter=Matter.REBUILD,
            eligible=eligible,
        )
        assert (before.approved, after.approved) == (False, True)

    @pytest.mark.parametrize("vote", [AGAINST, ABSTAIN])
    def test_vote_against_or_abstain_can_undo_approval(self, vote: Vote) -> None:
        """Nor the other way: one more AGAINST or ABSTAIN ballot can turn approved into rejected."""
        eligible = Electorate(owners=4, area=400)
        three = ballots((100, FOR), (100, FOR), (100, AGAINST))
        before = decide(three, matter=Matter.HIRE_MANAGER, eligible=eligible)
        after = decide(
            [*three, Ballot(owner="owner:late", area=100, vote=vote)],
            matter=Matter.HIRE_MANAGER,
            eligible=eligible,
        )
        assert (before.approved, after.approved) == (True, False)

    @given(elections())
    def test_record_recomputes_to_itself(self, e: Election) -> None:
        """Any decision recomputed from its record is equal to it."""
        d = run(e)
        assert decide(d.ballots, matter=d.matter, eligible=d.eligible, rule=d.rule) == d

    @given(st.floats(min_value=0, max_value=1e6, allow_nan=False))
    def test_float_area_is_its_decimal_string(self, x: float) -> None:
        """A float area is the number its repr shows, exactly."""
        assert Ballot(owner="a", area=x, vote=FOR).area == Fraction(Decimal(repr(x)))


# -- the source articles ----------------------------------------------------------------


class TestDecideSeedCommunities:
    def test_lianhua_elevators_under_article_278(self) -> None:
        """Lianhua, 市政大院 compound: the elevator plan passes under art. 278, item 7.

        The article reports that the plan was publicised to the compound's
        1,100-odd households (1100多家住户), that 22 elevators were applied for
        and all 22 installed, with no complaint. It gives no vote count: the
        areas and the split below (1,030 of 1,100 owners taking part, 900 for,
        60 against, 70 abstaining) are illustrative. Adding elevators alters the
        building (改建, item 7), so the special majority of 3/4 applies.
        """
        areas = [55 + 10 * (i % 5) for i in range(1100)]  # 55–95 m² flats, illustrative
        votes = [FOR] * 900 + [AGAINST] * 60 + [ABSTAIN] * 70
        cast = [
            Ballot(owner=f"shizheng-dayuan:{i:04d}", area=areas[i], vote=votes[i])
            for i in range(len(votes))
        ]
        eligible = Electorate(owners=1100, area=sum(areas))
        d = decide(
            cast,
            matter=Matter.REBUILD,
            eligible=eligible,
            motion="Install elevators in the 22 units that applied, to one standard",
        )
        assert d.approved
        assert (d.quorum, d.majority, d.majority_strict) == (Fraction(2, 3), Fraction(3, 4), False)
        assert "participation 1,030 of 1,100 owners (93.6 %)" in d.reason
        assert "for 900 of 1,030 participating owners (87.4 %)" in d.reason

    def test_lianhua_each_unit_decides_its_elevator(self) -> None:
        """Each of the 22 elevators, decided by the owners of its own unit, passes.

        An elevator is usually decided by the owners of the unit it serves. The
        article reports 22 of 22 installed; the unit of 18 flats and its split
        (14 for, 2 ground-floor owners against, 1 abstaining, 1 away) are
        illustrative.
        """
        unit = ballots(*[(70, FOR)] * 14, *[(70, AGAINST)] * 2, (70, ABSTAIN))
        decisions = [
            decide(unit, matter=Matter.REBUILD, eligible=Electorate(owners=18, area=18 * 70))
            for _ in range(22)
        ]
        assert sum(d.approved for d in decisions) == 22

    def test_zhuanqiao_parking_consultation(self) -> None:
        """Zhuanqiao, 洞北 compound: 100 households consulted on parking, a dispute settled.

        The compound has no property title and no owners' assembly, so the
        four-party meeting consulted 100 households and cut free temporary
        parking from 2 hours to 30 minutes, with 54 spaces reserved to owners
        first. Months later a resident questioned the parking fee; the
        consultation record was retrieved and the misunderstanding dissolved.
        The article gives neither the threshold nor the split: a 2/3
        participation threshold and 92 answers (71 for, 15 against, 6
        abstaining) are illustrative.
        """
        answers = ballots(
            *[(0, FOR)] * 71, *[(0, AGAINST)] * 15, *[(0, ABSTAIN)] * 6, prefix="dongbei"
        )
        rule = Consultation(participation=Fraction(2, 3))
        d = decide(
            answers,
            matter=Matter.CHANGE_COMMON_USE,
            eligible=Electorate(owners=100, area=0),
            rule=rule,
            motion="Free temporary parking from 2 hours to 30 minutes; 54 spaces owners first",
        )
        assert d.approved
        assert "participation 92 of 100 households (92.0 %)" in d.reason
        assert "for 71 of 92 participating households (77.2 %)" in d.reason
        # Months later: the record, retrieved, recomputes to the same verdict and counts.
        retrieved = decide(
            d.ballots, matter=d.matter, eligible=d.eligible, rule=d.rule, motion=d.motion
        )
        assert retrieved == d
        assert "motion:        Free temporary parking from 2 hours to 30 minutes" in d.summary()


class TestOutcomeByCounts:
    """The simulator's fast path gives decide's quorum and approval."""

    @given(
        st.integers(0, 60),
        st.integers(0, 60),
        st.integers(0, 60),
        st.integers(0, 40),
        st.one_of(st.integers(1, 500), st.fractions(Fraction(1, 10), Fraction(500))),
        st.sampled_from(list(Matter)),
        st.sampled_from(
            [
                CIVIL_CODE_278,
                Consultation(participation=Fraction(2, 3)),
                Consultation(participation=Fraction(1, 2), majority=Fraction(2, 3)),
            ]
        ),
    )
    def test_equals_decide_over_the_same_ballots(
        self,
        yes: int,
        no: int,
        abstain: int,
        absent: int,
        area: int | Fraction,
        matter: Matter,
        rule: Rule,
    ) -> None:
        """For every count of for, against and abstaining owners of one area, as decide says."""
        by_area = not isinstance(rule, Consultation)
        each = area if by_area else 0
        votes = [FOR] * yes + [AGAINST] * no + [ABSTAIN] * abstain
        given_ballots = [
            Ballot(owner=f"o{k}", area=each, vote=vote) for k, vote in enumerate(votes)
        ]
        owners = len(votes) + absent
        assume(owners > 0)
        eligible = Electorate(owners=owners, area=owners * each)
        d = decide(given_ballots, matter=matter, eligible=eligible, rule=rule)
        fast = outcome_by_counts(
            for_owners=yes,
            against_owners=no,
            abstain_owners=abstain,
            area=each,
            matter=matter,
            eligible=eligible,
            rule=rule,
        )
        assert fast == (d.quorum_met, d.approved)

    @given(st.integers(0, 20), st.integers(0, 20), st.integers(1, 200), st.integers(1, 200))
    def test_an_eligible_area_apart_from_the_ballots(
        self, yes: int, no: int, owners_extra: int, eligible_area: int
    ) -> None:
        """The area quorum is judged against the eligible area given, as decide does."""
        votes = [FOR] * yes + [AGAINST] * no
        given_ballots = [Ballot(owner=f"o{k}", area=1, vote=v) for k, v in enumerate(votes)]
        eligible = Electorate(owners=len(votes) + owners_extra, area=max(eligible_area, len(votes)))
        d = decide(given_ballots, matter=Matter.HIRE_MANAGER, eligible=eligible)
        fast = outcome_by_counts(
            for_owners=yes,
            against_owners=no,
            abstain_owners=0,
            area=1,
            matter=Matter.HIRE_MANAGER,
            eligible=eligible,
        )
        assert fast == (d.quorum_met, d.approved)

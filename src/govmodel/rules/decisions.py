"""Owners' collective decisions: quorum and majorities by area and by headcount.

Owners decide their common affairs together (业主共同决定). Civil Code art. 278
(《民法典》第二百七十八条) sets the rule for the nine matters of ``Matter``:

- **quorum**: the owners taking part hold at least two thirds of the exclusive
  area (专有部分面积占比三分之二以上) *and* are at least two thirds of the owners
  (人数占比三分之二以上);
- items 6–8 (raising maintenance funds, rebuilding, changing the use of common
  parts) pass with at least three quarters of the participating area *and* of
  the participating owners (参与表决专有部分面积四分之三以上 … 人数四分之三以上);
- every other item passes with more than half of both (过半数).

以上 includes the bound; 过半数 is strictly more than half. An owner who
abstains takes part: the abstention counts toward the quorum and toward the base
of the majority, but does not approve.

A compound without a property title (无产证) has no owners' assembly. Its
standing meeting (four-party, three-in-one) consults the households instead
(征询), under a ``Consultation`` rule that counts households only.

Every comparison is exact, in ``fractions.Fraction``: "participating area at
least 2/3 of the eligible area" is ``3 * participating >= 2 * eligible``, never
a float comparison. Floats are read through their decimal string, so ``66.67``
means 66.67. The ``Decision`` keeps the ballots, every count, the rule and the
thresholds applied, so the record can settle a later dispute and can be
recomputed from itself.

Examples
--------
>>> from govmodel.model import Matter, Vote
>>> from govmodel.rules.decisions import Ballot, Electorate, decide
>>> ballots = [Ballot(owner=f"room:{i}", area=90, vote=Vote.FOR) for i in range(5)]
>>> ballots.append(Ballot(owner="room:5", area=90, vote=Vote.AGAINST))
>>> d = decide(ballots, matter=Matter.HIRE_MANAGER, eligible=Electorate(owners=9, area=810))
>>> d.quorum_met, d.approved
(True, True)
>>> print(d.reason)
approved (item 4 hire_manager, civil_code_278): quorum met — participation 6 of 9 owners
(66.7 %) and 540 of 810 m² (66.7 %), at least 2/3 of each needed; majority met — for 5 of 6
participating owners (83.3 %) and 450 of 540 m² (83.3 %), more than 1/2 of each needed
"""

from __future__ import annotations

import numbers
from collections import Counter
from collections.abc import Iterable
from decimal import Decimal
from fractions import Fraction
from typing import Any, ClassVar, NamedTuple, TypeAlias

import attrs

from govmodel._strict import digits as _digits
from govmodel.errors import DecisionError
from govmodel.model import Matter, Vote

__all__ = [
    "CIVIL_CODE_278",
    "Ballot",
    "CivilCode278",
    "Consultation",
    "Decision",
    "Electorate",
    "Rule",
    "decide",
    "outcome_by_counts",
]

Number: TypeAlias = int | float | Decimal | Fraction
"""What an area or a share may be given as; it is stored as an exact ``Fraction``."""


# -- exact numbers ---------------------------------------------------------------------


_LARGEST = 10**15
"""The largest area or count ``decide`` takes: 10^15 square metres is more than
the land of the Earth, and bounds keep every number printable in a reason."""
_MOST_PLACES = 400
"""The most decimal places (or digits of a fraction's denominator) an area may have:
every float (the smallest is 5e-324) is read exactly."""


def _shown(value: object) -> str:
    """A value as a message names it: short, and never a crash for a huge number."""
    if isinstance(value, int) and not isinstance(value, bool):
        count = _digits(value)
        return repr(value) if count <= 20 else f"an integer of {count:,} digits"
    try:
        text = repr(value)
    except Exception:  # noqa: BLE001 - a broken __repr__ still gets a message
        return f"a {type(value).__name__}"
    return text if len(text) <= 80 else text[:80] + "…"


def _exact(value: object, where: str, what: str) -> Fraction:
    """``value`` as an exact Fraction; floats through their shortest decimal string."""
    if isinstance(value, bool):
        # bool is an int to Python, but True square metres is a bug in the caller.
        raise DecisionError(where, f"expected a number for the {what}, found {_shown(value)}")
    if isinstance(value, Fraction):
        return _bounded(value, value, where, what)
    if isinstance(value, numbers.Integral):
        return _bounded(Fraction(int(value)), value, where, what)
    decimal: Decimal | None = None
    if isinstance(value, float):
        # repr of a float is the shortest string that reads back as it, so 66.67
        # becomes 6667/100 and not the binary neighbour 66.670000000000001705...
        decimal = Decimal(str(value))
    elif isinstance(value, Decimal):
        decimal = value
    if decimal is None:
        raise DecisionError(
            where,
            f"expected a number (int, Decimal, Fraction or float) for the {what}, "
            f"found {type(value).__name__} {_shown(value)}",
        )
    if not decimal.is_finite():
        raise DecisionError(where, f"expected a finite {what}, found {_shown(value)}")
    exponent = decimal.as_tuple().exponent
    if decimal and (
        decimal.adjusted() > 15 or (isinstance(exponent, int) and exponent < -_MOST_PLACES)
    ):
        raise DecisionError(
            where,
            f"expected at most 10^15 for the {what}, with at most {_MOST_PLACES} decimal "
            f"places, found {_shown(value)}",
        )
    return _bounded(Fraction(decimal), value, where, what)


def _bounded(exact: Fraction, value: object, where: str, what: str) -> Fraction:
    if abs(exact) > _LARGEST or exact.denominator > 10**_MOST_PLACES:
        raise DecisionError(
            where,
            f"expected at most 10^15 for the {what}, with a denominator of at most "
            f"{_MOST_PLACES} digits, found {_shown(value)}",
        )
    return exact


def _area(value: Number) -> Fraction:
    area = _exact(value, "area", "area")
    if area < 0:
        raise DecisionError(
            "area", f"expected an area of 0 or more, found {_number(area, exact=True)}"
        )
    return area


def _share(value: Number, where: str) -> Fraction:
    share = _exact(value, where, "share")
    if not 0 < share <= 1:
        raise DecisionError(where, f"expected a share above 0 and at most 1, found {share}")
    return share


def _quorum(value: Number) -> Fraction:
    return _share(value, "quorum")


def _special_majority(value: Number) -> Fraction:
    return _share(value, "special_majority")


def _ordinary_majority(value: Number) -> Fraction:
    return _share(value, "ordinary_majority")


def _participation(value: Number) -> Fraction:
    return _share(value, "participation")


def _majority(value: Number) -> Fraction:
    return _share(value, "majority")


def _owners(value: int) -> int:
    return _count(value)


def _count(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise DecisionError(
            "owners",
            f"expected a whole number of owners, found {type(value).__name__} {_shown(value)}",
        )
    count = int(value)
    if count < 1:
        raise DecisionError("owners", f"expected 1 or more owners, found {_shown(count)}")
    if count > _LARGEST:
        raise DecisionError("owners", f"expected at most 10^15 owners, found {_shown(count)}")
    return count


def _vote(value: Vote | str) -> Vote:
    try:
        return Vote(value)
    except (ValueError, TypeError):
        choices = ", ".join(repr(v.value) for v in Vote)
        raise DecisionError("vote", f"expected one of {choices}, found {_shown(value)}") from None


def _owner(_inst: object, _attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, str) or not value.strip():
        raise DecisionError("owner", f"expected a non-empty owner id, found {_shown(value)}")


# -- records ---------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class Ballot:
    """One owner's vote, with the exclusive area the owner holds (专有部分面积).

    Parameters
    ----------
    owner
        The owner's id, unique among the ballots of one decision (one owner,
        one ballot, however many flats the owner holds: their areas add up).
    area
        The exclusive floor area the owner holds, in square metres; an int,
        ``Decimal``, ``Fraction`` or float (read through its decimal string),
        stored as an exact ``Fraction``. Ignored by a ``Consultation``, where it
        may be 0.
    vote
        ``Vote.FOR``, ``Vote.AGAINST`` or ``Vote.ABSTAIN`` (or their values).

    Examples
    --------
    >>> from govmodel.model import Vote
    >>> b = Ballot(owner="room:3-201", area=66.67, vote="for")
    >>> b.area, b.vote
    (Fraction(6667, 100), <Vote.FOR: 'for'>)
    >>> Ballot(owner="room:3-202", area=-1, vote=Vote.FOR)
    Traceback (most recent call last):
    ...
    govmodel.errors.DecisionError: area: expected an area of 0 or more, found -1
    >>> Ballot(owner="room:3-203", area=80, vote="yes")
    Traceback (most recent call last):
    ...
    govmodel.errors.DecisionError: vote: expected one of 'for', 'against', 'abstain', found 'yes'
    """

    owner: str = attrs.field(validator=_owner)
    area: Fraction = attrs.field(converter=_area)
    vote: Vote = attrs.field(converter=_vote)


@attrs.frozen(kw_only=True)
class Electorate:
    """Everyone entitled to decide: the owners of the building(s) concerned.

    Parameters
    ----------
    owners
        How many owners (业主人数) there are; 1 or more. For a ``Consultation``:
        how many households were consulted.
    area
        The total exclusive area they hold (专有部分总面积), exact as for
        ``Ballot.area``. It must be positive under art. 278; a ``Consultation``
        ignores it and accepts 0.

    Examples
    --------
    >>> Electorate(owners=1100, area=Fraction(165_000)).area
    Fraction(165000, 1)
    >>> Electorate(owners=0, area=100)
    Traceback (most recent call last):
    ...
    govmodel.errors.DecisionError: owners: expected 1 or more owners, found 0
    """

    owners: int = attrs.field(converter=_owners)
    area: Fraction = attrs.field(converter=_area)


@attrs.frozen(kw_only=True)
class CivilCode278:
    """The rule of Civil Code art. 278 for an owners' assembly (业主大会).

    Quorum and majority are both counted twice, by area and by headcount, and
    both counts must reach the threshold.

    Parameters
    ----------
    quorum
        The share of the eligible area *and* of the eligible owners that must
        take part; the bound is included (三分之二以上). Default 2/3.
    special_majority
        For items 6–8: the share of the participating area *and* of the
        participating owners that must approve; the bound is included
        (四分之三以上). Default 3/4.
    ordinary_majority
        For every other item: approvals must be *strictly more* than this share
        of the participating area and of the participating owners (过半数).
        Default 1/2.

    Examples
    --------
    >>> CivilCode278().name
    'civil_code_278'
    >>> CIVIL_CODE_278.quorum, CIVIL_CODE_278.special_majority
    (Fraction(2, 3), Fraction(3, 4))
    """

    name: ClassVar[str] = "civil_code_278"

    quorum: Fraction = attrs.field(default=Fraction(2, 3), converter=_quorum)
    special_majority: Fraction = attrs.field(default=Fraction(3, 4), converter=_special_majority)
    ordinary_majority: Fraction = attrs.field(default=Fraction(1, 2), converter=_ordinary_majority)

    def describe(self) -> str:
        """The rule and its parameters in one line.

        Examples
        --------
        >>> print(CIVIL_CODE_278.describe())
        civil_code_278: participation at least 2/3 of area and of owners; items 6–8 at least 3/4,
        other items more than 1/2, of participating area and of participating owners
        """
        return (
            f"{self.name}: participation at least {self.quorum} of area and of owners; "
            f"items 6–8 at least {self.special_majority}, other items more than "
            f"{self.ordinary_majority}, of participating area and of participating owners"
        )


CIVIL_CODE_278 = CivilCode278()
"""The default rule of ``decide``: art. 278 with the thresholds of the Civil Code."""


@attrs.frozen(kw_only=True)
class Consultation:
    """Consultation of households (征询) through a standing meeting.

    For compounds without a property title and without an owners' committee,
    where no owners' assembly can vote under art. 278: the four-party or
    three-in-one meeting asks the households (调研—座谈—征询). Only households
    are counted; areas are ignored.

    Parameters
    ----------
    participation
        The share of the households consulted that must answer; the bound is
        included. Required: the articles give no figure, and a meeting must
        decide its own before it consults. Pass a ``Fraction`` (``Fraction(2,
        3)``), not the float ``0.667``.
    majority
        Approvals must be *strictly more* than this share of the answers.
        Default 1/2 (过半数).

    Examples
    --------
    >>> Consultation(participation=Fraction(2, 3))
    Consultation(participation=Fraction(2, 3), majority=Fraction(1, 2))
    >>> Consultation(participation=0)
    Traceback (most recent call last):
    ...
    govmodel.errors.DecisionError: participation: expected a share above 0 and at most 1, found 0
    """

    name: ClassVar[str] = "consultation"

    participation: Fraction = attrs.field(converter=_participation)
    majority: Fraction = attrs.field(default=Fraction(1, 2), converter=_majority)

    def describe(self) -> str:
        """The rule and its parameters in one line.

        Examples
        --------
        >>> print(Consultation(participation=Fraction(2, 3)).describe())
        consultation: answers from at least 2/3 of the households consulted; approvals more than
        1/2 of the answers
        """
        return (
            f"{self.name}: answers from at least {self.participation} of the households "
            f"consulted; approvals more than {self.majority} of the answers"
        )


Rule: TypeAlias = CivilCode278 | Consultation
"""The rules ``decide`` knows: ``CivilCode278`` or ``Consultation``."""


@attrs.frozen(kw_only=True)
class Decision:
    """The record of one collective decision: every count, the rule, the verdict.

    Built by ``decide``. It keeps what a later dispute needs (Zhuanqiao: months
    after a parking consultation, the record was retrieved and a fee dispute
    dissolved): the ballots, the electorate, the counts by headcount and by
    area, the thresholds applied and why the matter passed or failed.
    ``decide(d.ballots, matter=d.matter, eligible=d.eligible, rule=d.rule,
    motion=d.motion) == d``.

    Parameters
    ----------
    matter, rule, eligible, motion
        As given to ``decide``.
    ballots
        The ballots, ordered by owner (so that the record does not depend on
        the order they were counted in).
    participating_owners, for_owners, against_owners, abstain_owners
        Headcounts (households under a consultation).
    participating_area, for_area, against_area, abstain_area
        Exclusive areas; ``None`` when the rule does not count area.
    quorum
        The share of the electorate that had to take part, bound included.
    majority, majority_strict
        The share of the participants that had to approve; strictly more than
        it when ``majority_strict``, at least it otherwise.
    quorum_met, majority_met
        Whether each test was met. ``majority_met`` is ``False`` when nobody took
        part.
    approved
        ``quorum_met and majority_met``: the matter passed.
    reason
        One line with the numbers, for people.

    Examples
    --------
    >>> from govmodel.model import Matter, Vote
    >>> ballots = [Ballot(owner=f"room:{i}", area=100, vote=Vote.FOR) for i in range(3)]
    >>> ballots.append(Ballot(owner="room:3", area=100, vote=Vote.ABSTAIN))
    >>> d = decide(ballots, matter=Matter.REBUILD, eligible=Electorate(owners=6, area=600))
    >>> d.for_owners, d.abstain_owners, d.participating_area
    (3, 1, Fraction(400, 1))
    >>> d.majority, d.majority_strict, d.approved
    (Fraction(3, 4), False, True)
    >>> print(d)
    APPROVED — item 7 (rebuild)
    rule:          civil_code_278: participation at least 2/3 of area and of owners; items 6–8
                   at least 3/4, other items more than 1/2, of participating area and of
                   participating owners
    eligible:      6 owners, 600 m²
    participating: 4 owners (66.7 %), 400 m² (66.7 %)
    for:           3 owners (75.0 %), 300 m² (75.0 %)
    against:       0 owners (0.0 %), 0 m² (0.0 %)
    abstain:       1 owner (25.0 %), 100 m² (25.0 %)
    quorum:        at least 2/3 of the eligible — met
    majority:      at least 3/4 of the participating — met
    ballots:       4 on record
    """

    matter: Matter
    rule: Rule
    eligible: Electorate
    motion: str = ""
    ballots: tuple[Ballot, ...] = attrs.field(repr=False)
    participating_owners: int
    for_owners: int
    against_owners: int
    abstain_owners: int
    participating_area: Fraction | None
    for_area: Fraction | None
    against_area: Fraction | None
    abstain_area: Fraction | None
    quorum: Fraction
    majority: Fraction
    majority_strict: bool
    quorum_met: bool
    majority_met: bool
    approved: bool
    reason: str

    def summary(self) -> str:
        """The record as a few aligned lines, for printing or filing.

        Shares of for, against and abstain are of the participants.
        """
        unit = "owners" if self.participating_area is not None else "households"
        lines = [
            f"{'APPROVED' if self.approved else 'REJECTED'} — item {self.matter.item} "
            f"({self.matter.value})"
        ]
        if self.motion:
            lines.append(f"motion:        {self.motion}")
        lines.append(f"rule:          {self.rule.describe()}")
        eligible = _counted(self.eligible.owners, unit)
        if self.participating_area is not None:
            eligible += f", {_number(self.eligible.area)} m²"
        lines.append(f"eligible:      {eligible}")
        rows = [
            ("participating", self.participating_owners, self.participating_area, "eligible"),
            ("for", self.for_owners, self.for_area, "participating"),
            ("against", self.against_owners, self.against_area, "participating"),
            ("abstain", self.abstain_owners, self.abstain_area, "participating"),
        ]
        for label, owners, area, base in rows:
            owners_base = self.eligible.owners if base == "eligible" else self.participating_owners
            text = f"{_counted(owners, unit)} ({_percent(owners, owners_base)})"
            if area is not None and self.participating_area is not None:
                area_base = self.eligible.area if base == "eligible" else self.participating_area
                text += f", {_number(area)} m² ({_percent(area, area_base)})"
            lines.append(f"{label + ':':<15}{text}")
        lines.append(
            f"quorum:        at least {self.quorum} of the eligible — "
            f"{'met' if self.quorum_met else 'not met'}"
        )
        lines.append(
            f"majority:      {'more than' if self.majority_strict else 'at least'} "
            f"{self.majority} of the participating — "
            f"{'met' if self.majority_met else 'not met'}"
        )
        lines.append(f"ballots:       {len(self.ballots):,} on record")
        return "\n".join(_wrap(line) for line in lines)

    def __str__(self) -> str:
        return self.summary()


# -- the rule --------------------------------------------------------------------------


class _Thresholds(NamedTuple):
    quorum: Fraction
    majority: Fraction
    strict: bool
    by_area: bool


def _thresholds(rule: Rule, matter: Matter) -> _Thresholds:
    if isinstance(rule, Consultation):
        return _Thresholds(rule.participation, rule.majority, strict=True, by_area=False)
    if matter.special:
        return _Thresholds(rule.quorum, rule.special_majority, strict=False, by_area=True)
    return _Thresholds(rule.quorum, rule.ordinary_majority, strict=True, by_area=True)


def _reaches(part: Fraction | int, whole: Fraction | int, share: Fraction, *, strict: bool) -> bool:
    """Whether ``part`` is at least (or, if strict, more than) ``share`` of ``whole``.

    Exact: ``share * whole`` is a Fraction, so ``3 * part >= 2 * whole`` for 2/3.
    """
    bound = share * whole
    return part > bound if strict else part >= bound


def decide(
    ballots: Iterable[Ballot],
    *,
    matter: Matter,
    eligible: Electorate,
    rule: Rule = CIVIL_CODE_278,
    motion: str = "",
) -> Decision:
    """Decide a matter from the owners' ballots.

    Parameters
    ----------
    ballots
        One ``Ballot`` per participating owner (or, under a ``Consultation``,
        per household that answered). Owners who did not vote have no ballot;
        an abstention is a ballot.
    matter
        Which of the nine matters of art. 278 is decided; items 6–8 need the
        special majority.
    eligible
        All the owners entitled to vote, and their total area.
    rule
        ``CIVIL_CODE_278`` (default) or a ``Consultation`` for compounds
        without an owners' assembly.
    motion
        What was proposed, in words, kept on the record (optional).

    Returns
    -------
    Decision
        Every count, the thresholds applied, ``quorum_met``, ``approved`` and a
        one-line ``reason``.

    Raises
    ------
    DecisionError
        A ballot that is not a ``Ballot``, an owner with two ballots, more
        ballots than eligible owners, a participating area above the eligible
        area or a zero area under art. 278, an unknown matter or rule. Each
        message names where (``ballots[3]``), what was expected and what was
        found.

    Examples
    --------
    Exactly half of the participants is not more than half (过半数):

    >>> from govmodel.model import Matter, Vote
    >>> ballots = [Ballot(owner="a", area=80, vote=Vote.FOR),
    ...            Ballot(owner="b", area=80, vote=Vote.AGAINST)]
    >>> d = decide(ballots, matter=Matter.HIRE_MANAGER, eligible=Electorate(owners=3, area=240))
    >>> d.quorum_met, d.approved
    (True, False)

    A consultation counts households only:

    >>> answers = [Ballot(owner=f"household:{i}", area=0, vote=Vote.FOR) for i in range(34)]
    >>> answers += [Ballot(owner=f"household:{i}", area=0, vote=Vote.AGAINST)
    ...             for i in range(34, 66)]
    >>> d = decide(answers, matter=Matter.CHANGE_COMMON_USE,
    ...            eligible=Electorate(owners=99, area=0),
    ...            rule=Consultation(participation=Fraction(2, 3)))
    >>> d.approved, d.participating_area
    (True, None)
    >>> d.reason
    'approved (item 8 change_common_use, consultation): quorum met — participation 66 of 99 ...'
    """
    matter = _check_matter(matter)
    if not isinstance(eligible, Electorate):
        raise DecisionError(
            "eligible",
            f"expected an Electorate, found {type(eligible).__name__} {_shown(eligible)}",
        )
    if not isinstance(rule, CivilCode278 | Consultation):
        raise DecisionError(
            "rule",
            f"expected CivilCode278 or Consultation, found {type(rule).__name__} {_shown(rule)}",
        )
    if not isinstance(motion, str):
        raise DecisionError("motion", f"expected a str, found {type(motion).__name__}")
    if isinstance(ballots, str | bytes | Ballot) or not isinstance(ballots, Iterable):
        raise DecisionError(
            "ballots", f"expected an iterable of Ballot, found {type(ballots).__name__}"
        )
    limits = _thresholds(rule, matter)
    unit = "owners" if limits.by_area else "households"
    if limits.by_area and eligible.area == 0:
        raise DecisionError(
            "eligible.area",
            f"expected a positive total area under {rule.name}, which counts area, found 0",
        )

    given = tuple(ballots)
    by_area = limits.by_area
    # Every ballot a Ballot, one per owner, a positive area where area counts:
    # checked at once when all is well, and ballot by ballot, to name the first
    # problem, when it is not.
    if not all(type(b) is Ballot for b in given):
        _check_ballots(given, by_area=by_area, rule=rule)
    seen = {id(b.area): b.area for b in given}
    if len({b.owner for b in given}) != len(given) or (by_area and not all(seen.values())):
        _check_ballots(given, by_area=by_area, rule=rule)
    # Tallied by vote and area object; the exact sums come after, once per
    # distinct area (a Fraction addition, or even a Fraction hash, per ballot
    # costs more than the rest of the count). Equal areas in distinct objects are
    # tallied apart and still summed exactly.
    tally = Counter((b.vote, id(b.area)) for b in given)
    if len(given) > eligible.owners:
        raise DecisionError(
            "ballots",
            f"expected at most {eligible.owners:,} participating {unit} (eligible.owners), "
            f"found {len(given):,}",
        )

    owners = dict.fromkeys(Vote, 0)
    area = {vote: Fraction(0) for vote in Vote}
    for (vote, ident), n in tally.items():
        owners[vote] += n
        area[vote] += seen[ident] * n
    participating_owners = len(given)
    participating_area = sum(area.values(), Fraction(0))
    if limits.by_area and participating_area > eligible.area:
        raise DecisionError(
            "ballots",
            f"expected a participating area of at most {_number(eligible.area, exact=True)} "
            f"(eligible.area), found {_number(participating_area, exact=True)}",
        )

    quorum_by = {
        "owners": _reaches(participating_owners, eligible.owners, limits.quorum, strict=False)
    }
    majority_by = {
        "owners": _reaches(
            owners[Vote.FOR], participating_owners, limits.majority, strict=limits.strict
        )
    }
    if limits.by_area:
        quorum_by["area"] = _reaches(participating_area, eligible.area, limits.quorum, strict=False)
        majority_by["area"] = _reaches(
            area[Vote.FOR], participating_area, limits.majority, strict=limits.strict
        )
    quorum_met = all(quorum_by.values())
    # With nobody taking part there is nothing to approve, even under an
    # inclusive bound (0 >= 3/4 * 0).
    majority_met = participating_owners > 0 and all(majority_by.values())
    approved = quorum_met and majority_met

    reason = _reason(
        matter=matter,
        rule=rule,
        limits=limits,
        eligible=eligible,
        participating=(participating_owners, participating_area),
        approving=(owners[Vote.FOR], area[Vote.FOR]),
        quorum_by=quorum_by,
        majority_by=majority_by,
        approved=approved,
    )
    return Decision(
        matter=matter,
        rule=rule,
        eligible=eligible,
        motion=motion,
        ballots=tuple(sorted(given, key=lambda b: b.owner)),
        participating_owners=participating_owners,
        for_owners=owners[Vote.FOR],
        against_owners=owners[Vote.AGAINST],
        abstain_owners=owners[Vote.ABSTAIN],
        participating_area=participating_area if by_area else None,
        for_area=area[Vote.FOR] if by_area else None,
        against_area=area[Vote.AGAINST] if by_area else None,
        abstain_area=area[Vote.ABSTAIN] if by_area else None,
        quorum=limits.quorum,
        majority=limits.majority,
        majority_strict=limits.strict,
        quorum_met=quorum_met,
        majority_met=majority_met,
        approved=approved,
        reason=reason,
    )


def outcome_by_counts(
    *,
    for_owners: int,
    against_owners: int,
    abstain_owners: int,
    area: Fraction | int,
    matter: Matter,
    eligible: Electorate,
    rule: Rule = CIVIL_CODE_278,
) -> tuple[bool, bool]:
    """``(quorum_met, approved)`` of ``decide`` over ballots of one ``area`` each, from counts.

    The fast path of ``decide`` for a caller that needs only the outcome —
    the simulator, which casts hundreds of ballots per deliberation. It
    applies ``decide``'s thresholds to the counts instead of tallying ballot
    objects; a property test holds it equal to ``decide`` over the same
    ballots. It checks nothing: the counts must describe ballots ``decide``
    accepts (no more than ``eligible.owners`` in all, and a positive area
    where the rule counts area).

    Examples
    --------
    >>> from govmodel.model import Matter
    >>> outcome_by_counts(for_owners=3, against_owners=0, abstain_owners=1, area=100,
    ...                   matter=Matter.REBUILD, eligible=Electorate(owners=6, area=600))
    (True, True)
    """
    limits = _thresholds(rule, matter)
    participating = for_owners + against_owners + abstain_owners
    quorum_met = _reaches(participating, eligible.owners, limits.quorum, strict=False)
    majority_met = participating > 0 and _reaches(
        for_owners, participating, limits.majority, strict=limits.strict
    )
    if limits.by_area:
        each = Fraction(area)
        quorum_met = quorum_met and _reaches(
            participating * each, eligible.area, limits.quorum, strict=False
        )
        majority_met = majority_met and _reaches(
            for_owners * each, participating * each, limits.majority, strict=limits.strict
        )
    return quorum_met, quorum_met and majority_met


def _check_ballots(given: tuple[Any, ...], *, by_area: bool, rule: Rule) -> None:
    """Raise for the first ballot that is not a Ballot, repeats an owner or lacks an area."""
    first: dict[str, int] = {}
    for i, ballot in enumerate(given):
        if not isinstance(ballot, Ballot):
            raise DecisionError(
                f"ballots[{i}]",
                f"expected a Ballot, found {type(ballot).__name__} {_shown(ballot)}",
            )
        if ballot.owner in first:
            raise DecisionError(
                f"ballots[{i}]",
                f'expected one ballot per owner, found a second ballot from "{ballot.owner}" '
                f"(the first is ballots[{first[ballot.owner]}])",
            )
        if by_area and not ballot.area:
            raise DecisionError(
                f"ballots[{i}]",
                f'expected a positive area for owner "{ballot.owner}" ({rule.name} counts '
                "area, and every owner holds some), found 0",
            )
        first[ballot.owner] = i


def _check_matter(matter: object) -> Matter:
    if isinstance(matter, Matter):
        return matter
    if isinstance(matter, str) and matter in {m.value for m in Matter}:
        return Matter(matter)
    choices = ", ".join(m.value for m in Matter)
    raise DecisionError(
        "matter",
        f"expected one of the nine matters of art. 278 ({choices}), found {_shown(matter)}",
    )


# -- words -----------------------------------------------------------------------------


def _reason(
    *,
    matter: Matter,
    rule: Rule,
    limits: _Thresholds,
    eligible: Electorate,
    participating: tuple[int, Fraction],
    approving: tuple[int, Fraction],
    quorum_by: dict[str, bool],
    majority_by: dict[str, bool],
    approved: bool,
) -> str:
    unit = "owners" if limits.by_area else "households"
    p_owners, p_area = participating
    f_owners, f_area = approving
    each = " of each" if limits.by_area else ""

    counted = f"{p_owners:,} of {eligible.owners:,} {unit} ({_percent(p_owners, eligible.owners)})"
    if limits.by_area:
        counted += (
            f" and {_number(p_area)} of {_number(eligible.area)} m² "
            f"({_percent(p_area, eligible.area)})"
        )
    quorum = (
        f"{_verdict('quorum', quorum_by, by_area=limits.by_area)} — participation {counted}, "
        f"at least {limits.quorum}{each} needed"
    )

    if p_owners == 0:
        majority = "majority not met — nobody took part"
    else:
        counted = f"{f_owners:,} of {p_owners:,} participating {unit} "
        counted += f"({_percent(f_owners, p_owners)})"
        if limits.by_area:
            counted += f" and {_number(f_area)} of {_number(p_area)} m² "
            counted += f"({_percent(f_area, p_area)})"
        bound = "more than" if limits.strict else "at least"
        majority = (
            f"{_verdict('majority', majority_by, by_area=limits.by_area)} — for {counted}, "
            f"{bound} {limits.majority}{each} needed"
        )
    verdict = "approved" if approved else "rejected"
    return f"{verdict} (item {matter.item} {matter.value}, {rule.name}): {quorum}; {majority}"


def _verdict(test: str, by: dict[str, bool], *, by_area: bool) -> str:
    if all(by.values()):
        return f"{test} met"
    if not by_area:
        return f"{test} not met"
    short = " and ".join(measure for measure, met in by.items() if not met)
    return f"{test} not met ({short} short)"


def _number(x: Fraction, *, exact: bool = False) -> str:
    """``x`` in decimal notation with thousands separators, exact when it terminates.

    Otherwise rounded to two places after ``≈``, or, if ``exact``, as a fraction.
    A sum of many fine fractions can grow long terms; it is rounded too.
    """
    if _digits(x.denominator) > 60 or _digits(x.numerator) > 90:
        return f"≈{float(x):,.2f}"
    if x.denominator == 1:
        return f"{x.numerator:,}"
    rest, places = x.denominator, 0
    for prime in (2, 5):
        count = 0
        while rest % prime == 0:
            rest //= prime
            count += 1
        places = max(places, count)
    if rest == 1:
        # A terminating decimal: write it out exactly.
        digits = x.numerator * (10**places // x.denominator)
        return f"{Decimal(f'{digits}E-{places}'):,f}"
    if exact:
        return str(x)
    approx = Decimal(x.numerator) / Decimal(x.denominator)
    return f"≈{approx:,.2f}"


def _counted(n: int, unit: str) -> str:
    """``n`` with thousands separators and its unit, singular for one: "1 owner"."""
    return f"{n:,} {unit.removesuffix('s') if n == 1 else unit}"


def _percent(part: Fraction | int, whole: Fraction | int) -> str:
    if whole == 0:
        return "–"
    share = Fraction(part) / Fraction(whole) * 100
    return f"{Decimal(share.numerator) / Decimal(share.denominator):.1f} %"


def _wrap(line: str, width: int = 92) -> str:
    """Wrap a summary line under its value column (15 characters in)."""
    if len(line) <= width:
        return line
    words = line.split(" ")
    out, current = [], ""
    for word in words:
        if current and len(current) + 1 + len(word) > width:
            out.append(current)
            current = " " * 15 + word
        else:
            current = f"{current} {word}" if current else word
    out.append(current)
    return "\n".join(out)

"""The simulator's mechanisms, each a pure function of the structure, the scenario and a moment.

The event loop (``engine.py``) decides *when* things happen; this module
says *how long* and *how many* from what the structure holds, so that each
effect of a structure on a simulated year has a mechanism with a name:

``Staffing``
    Who works where on a day. A handler's capacity is the caseload of the
    people holding its posts, each person's time shared across the posts
    they hold that day (``Mechanism.SHARED_TIME``); an office without named
    posts (a street office, a department) is staffed in proportion to the
    households it covers (``Mechanism.STAFFING_SCALE``).
``handoff_factor``
    How much of the coordination delay a handoff between two handlers costs:
    nothing within one body, less when one person sits in both bodies
    (cross-appointment, 交叉任职) or a standing meeting joins them
    (``Mechanism.HANDOFFS``).
``next_sitting``
    When a meeting next sits: its fixed day of the month, its cadence, or an
    ad-hoc sitting a few working days on (``Mechanism.MEETINGS``).
``satisfaction_probability``
    The chance a return visit finds the resident satisfied, from how the
    case went (``Mechanism.SATISFACTION``).

Examples
--------
>>> import datetime as dt
>>> from govmodel import examples
>>> from govmodel.simulation import Scenario
>>> xinhe = examples.load("xinhe")
>>> staff = Staffing(xinhe, Scenario(), dt.date(2025, 6, 1))
>>> staff.capacity("post:grid-wanda-a-worker"), staff.capacity("mediation:xinhexin")
(2, 15)
"""

from __future__ import annotations

import datetime as dt
import math

from govmodel.model import BodyKind, Frequency, Meeting, PlaceKind, Role
from govmodel.rules.policy import Policy
from govmodel.simulation.scenario import Mechanism, Scenario
from govmodel.structure import Structure

__all__ = [
    "Staffing",
    "front_desk_posts",
    "handoff_factor",
    "next_sitting",
    "satisfaction_probability",
]


# Bodies that are offices: they answer for what they cover and, without named
# posts, are staffed in proportion to its households.
_OFFICES = frozenset({BodyKind.STREET_OFFICE, BodyKind.DEPARTMENT})


class Staffing:
    """Who works at each handler on one day, and so how many cases it works on at once.

    A post's staff are the people holding it that day, and unnamed staff in
    the ``seats`` nobody holds (a spec that names nobody, or a vacancy).
    With ``SHARED_TIME`` a person holding *k* posts gives each of them 1/*k*
    of their caseload. A body's staff are the staff of its posts; a body
    without posts is one seat, or, with ``STAFFING_SCALE``, one seat per
    ``office_households`` households a street office or department covers
    and per ``community_households`` a residents' committee covers (at
    least one).

    Parameters
    ----------
    structure, scenario
        The structure and the scenario (``capacity``: cases one person works
        on at once; ``office_households``: households per member of staff of
        an office without named posts; ``off``: mechanisms switched off).
    day
        The day whose appointments count.

    Examples
    --------
    >>> import datetime as dt
    >>> from govmodel import examples
    >>> from govmodel.simulation import Mechanism, Scenario
    >>> s = examples.load("xinhe")
    >>> sorted(Staffing(s, Scenario(), dt.date(2025, 6, 1)).people_of("pm:cxh"))
    ['person:pm-party-member', 'person:steward-1', 'person:steward-2']
    >>> alone = Scenario(off={Mechanism.SHARED_TIME})
    >>> Staffing(s, alone, dt.date(2025, 6, 1)).capacity("post:grid-wanda-a-worker")
    3
    """

    def __init__(self, structure: Structure, scenario: Scenario, day: dt.date) -> None:
        self.day = day
        off = scenario.off
        shared = Mechanism.SHARED_TIME not in off
        scale = Mechanism.STAFFING_SCALE not in off
        caseload = scenario.capacity
        # Each post's holders that day; a post nobody holds has unnamed staff.
        holders: dict[str, tuple[str, ...]] = {}
        load: dict[str, int] = {}
        for post in structure.posts():
            people = tuple(p.id for p in structure.holders(post.id, at=day))
            holders[post.id] = people
            for person in people:
                load[person] = load.get(person, 0) + 1
        self._holders = holders
        seats: dict[str, float] = {}  # post -> seats of work, each ``caseload`` cases
        owners: dict[str, list[str]] = {}  # body or grid -> its posts
        for post in structure.posts():
            people = holders[post.id]
            named = sum(1.0 / load[p] if shared else 1.0 for p in people)
            # Seats the spec names nobody for are held by unnamed staff of the post.
            seats[post.id] = named + max(0, post.seats - len(people))
            owners.setdefault(post.within, []).append(post.id)
        self._posts_in = {k: tuple(v) for k, v in owners.items()}
        self._unit = {post.id: post.within for post in structure.posts()}
        self._reach: dict[str, frozenset[str]] = {}
        self._people: dict[str, frozenset[str]] = {}
        self._units_of: dict[str, set[str]] | None = None
        capacity: dict[str, int] = {}
        for post_id, n in seats.items():
            capacity[post_id] = max(1, round(caseload * n))
        households = _households_covered(structure, scenario.households_if_unknown)
        for body in structure.bodies():
            posts = owners.get(body.id, ())
            if posts:
                n = sum(seats[p] for p in posts)
            elif scale and body.kind in _OFFICES:
                n = max(1.0, math.ceil(households.get(body.id, 0) / scenario.office_households))
            elif scale and body.kind is BodyKind.RESIDENTS_COMMITTEE:
                n = max(1.0, math.ceil(households.get(body.id, 0) / scenario.community_households))
            else:
                n = 1.0
            capacity[body.id] = max(1, round(caseload * n))
        street = list(structure.bodies(kind=BodyKind.STREET_OFFICE))
        capacity["street"] = max([capacity[b.id] for b in street], default=caseload)
        self._capacity = capacity
        self._caseload = caseload

    def capacity(self, handler: str) -> int:
        """Cases ``handler`` (a post, a body, or ``"street"``) works on at once."""
        found = self._capacity.get(handler)
        return found if found is not None else self._caseload

    def people_of(self, unit: str) -> frozenset[str]:
        """The people holding a post of ``unit`` (a body or a grid) or ``unit`` itself (a post)."""
        found = self._people.get(unit)
        if found is None:
            if unit in self._holders:
                found = frozenset(self._holders[unit])
            else:
                found = frozenset(
                    p for post in self._posts_in.get(unit, ()) for p in self._holders[post]
                )
            self._people[unit] = found
        return found

    def unit(self, handler: str) -> str:
        """The body or grid ``handler`` belongs to: a post's owner, else the handler itself.

        Examples
        --------
        >>> import datetime as dt
        >>> from govmodel import examples
        >>> from govmodel.simulation import Scenario
        >>> staff = Staffing(examples.load("xinhe"), Scenario(), dt.date(2025, 6, 1))
        >>> staff.unit("post:cxh-steward"), staff.unit("pm:cxh"), staff.unit("street")
        ('pm:cxh', 'pm:cxh', 'street')
        """
        return self._unit.get(handler, handler)

    def reach(self, unit: str) -> frozenset[str]:
        """``unit`` and every body or grid where one of its people holds a post that day.

        Examples
        --------
        >>> import datetime as dt
        >>> from govmodel import examples
        >>> from govmodel.simulation import Scenario
        >>> staff = Staffing(examples.load("xinhe"), Scenario(), dt.date(2025, 6, 1))
        >>> sorted(staff.reach("grid:wanda"))
        ['grid:wanda', 'rc:xinhe']
        """
        found = self._reach.get(unit)
        if found is None:
            if self._units_of is None:
                # Each person's bodies and grids, indexed once: a street has thousands
                # of posts, and a scan of them per unit would cost more than the run.
                self._units_of = {}
                for post, holders in self._holders.items():
                    for person in holders:
                        self._units_of.setdefault(person, set()).add(self._unit[post])
            units = {unit}
            for person in self.people_of(unit):
                units.update(self._units_of.get(person, ()))
            found = self._reach[unit] = frozenset(units)
        return found

    def holds(self, post_id: str) -> bool:
        """Whether somebody holds ``post_id`` that day."""
        return bool(self._holders.get(post_id))


def _households_covered(structure: Structure, unknown: int) -> dict[str, int]:
    """Households of the residential compounds each body answers for or serves."""
    compounds = [c for c in structure.places(kind=PlaceKind.COMPOUND) if c.residential]
    inside: dict[str, list[tuple[str, int]]] = {}
    for compound in compounds:
        n = compound.households or unknown
        for place in (compound.id, *(a.id for a in structure.ancestors(compound.id))):
            inside.setdefault(place, []).append((compound.id, n))
    out: dict[str, int] = {}
    for body in structure.bodies():
        seen: dict[str, int] = {}
        for where in (*body.jurisdiction, *body.serves):
            for compound_id, n in inside.get(where, ()):
                seen[compound_id] = n
        out[body.id] = sum(seen.values())
    return out


def handoff_factor(
    *,
    same_unit: bool,
    shared_person: bool,
    joined: bool,
    person_factor: float,
    meeting_factor: float,
) -> float:
    """The share of the coordination delay a handoff costs.

    Nothing within one body or grid; ``person_factor`` when one person sits
    in both (cross-appointment carries the case across); ``meeting_factor``
    when a standing meeting joins them; the smaller of the two when both
    hold; the whole delay otherwise.

    Examples
    --------
    >>> handoff_factor(same_unit=False, shared_person=True, joined=True,
    ...                person_factor=0.25, meeting_factor=0.5)
    0.25
    >>> handoff_factor(same_unit=False, shared_person=False, joined=False,
    ...                person_factor=0.25, meeting_factor=0.5)
    1.0
    >>> handoff_factor(same_unit=True, shared_person=False, joined=False,
    ...                person_factor=0.25, meeting_factor=0.5)
    0.0
    """
    if same_unit:
        return 0.0
    factor = 1.0
    if shared_person:
        factor = min(factor, person_factor)
    if joined:
        factor = min(factor, meeting_factor)
    return factor


def next_sitting(
    meeting: Meeting,
    after: dt.datetime,
    *,
    policy: Policy,
    monthly_day: int,
    weekly_day: int,
    adhoc_days: int,
) -> dt.datetime:
    """When ``meeting`` next sits after ``after`` (at 09:00 on the day).

    A fixed day of the month (the 15th-of-month meeting) sits on that day,
    or on the month's last day when shorter; a monthly meeting without a
    fixed day sits on ``monthly_day``; a weekly one on ``weekly_day``
    (0 is Monday); a quarterly one on ``monthly_day`` of January, April,
    July and October; one that meets as needed is convened ``adhoc_days``
    working days on, by the policy's calendar.

    Examples
    --------
    >>> import datetime as dt
    >>> from govmodel import DEFAULT_POLICY
    >>> from govmodel.model import Frequency, Meeting
    >>> m = Meeting(id="m", convener="c", frequency=Frequency.MONTHLY, day_of_month=15)
    >>> next_sitting(m, dt.datetime(2025, 3, 20, 8), policy=DEFAULT_POLICY,
    ...              monthly_day=10, weekly_day=2, adhoc_days=3)
    datetime.datetime(2025, 4, 15, 9, 0)

    Three working days from 30 September 2025 are 9, 10 and 11 October: the
    National Day holiday runs to the 8th, and Saturday the 11th is worked:

    >>> adhoc = Meeting(id="a", convener="c")
    >>> next_sitting(adhoc, dt.datetime(2025, 9, 30, 8), policy=DEFAULT_POLICY,
    ...              monthly_day=10, weekly_day=2, adhoc_days=3)
    datetime.datetime(2025, 10, 11, 9, 0)
    """
    nine = dt.time(9, 0, tzinfo=after.tzinfo)
    if meeting.frequency is Frequency.WEEKLY:
        day = after.date()
        while True:
            moment = dt.datetime.combine(day, nine)
            if day.weekday() == weekly_day and moment > after:
                return moment
            day += dt.timedelta(days=1)
    if meeting.frequency in (Frequency.MONTHLY, Frequency.QUARTERLY):
        wanted = meeting.day_of_month or monthly_day
        year, month = after.year, after.month
        while True:
            if meeting.frequency is Frequency.MONTHLY or month in (1, 4, 7, 10):
                last = (dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)).day
                moment = dt.datetime.combine(dt.date(year, month, min(wanted, last)), nine)
                if moment > after:
                    return moment
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    calendar = policy.calendar
    day = after.date()
    counted = 0
    while counted < adhoc_days:
        day += dt.timedelta(days=1)
        counted += calendar.is_working_day(day)
    return dt.datetime.combine(day, nine)


def satisfaction_probability(
    *,
    base: float,
    late: bool,
    escalations: int,
    reopenings: int,
    continuity: bool,
    hotline: bool,
    rejected: bool,
    late_penalty: float,
    escalation_penalty: float,
    reopen_penalty: float,
    continuity_bonus: float,
    hotline_penalty: float,
    rejected_penalty: float,
) -> float:
    """The chance a return visit finds the resident satisfied.

    On the log-odds scale: ``base`` for a case resolved on time by a handler
    other than its first contact, without escalation or reopening; minus
    ``late_penalty`` when resolved after its due time, ``escalation_penalty``
    per escalation, ``reopen_penalty`` per reopening, ``hotline_penalty``
    for a case that came back from the 12345 hotline, ``rejected_penalty``
    when the owners decided against the matter; plus ``continuity_bonus``
    when the first contact handled it to the end (首接负责).

    Examples
    --------
    >>> kw = dict(late_penalty=1.5, escalation_penalty=0.5, reopen_penalty=1.0,
    ...           continuity_bonus=0.5, hotline_penalty=1.0, rejected_penalty=1.0)
    >>> round(satisfaction_probability(base=0.9, late=False, escalations=0, reopenings=0,
    ...       continuity=False, hotline=False, rejected=False, **kw), 3)
    0.9
    >>> round(satisfaction_probability(base=0.9, late=True, escalations=1, reopenings=0,
    ...       continuity=False, hotline=False, rejected=False, **kw), 3)
    0.549
    """
    if base <= 0.0 or base >= 1.0:
        return base
    logit = math.log(base / (1.0 - base))
    logit -= late_penalty * late
    logit -= escalation_penalty * escalations
    logit -= reopen_penalty * reopenings
    logit -= hotline_penalty * hotline
    logit -= rejected_penalty * rejected
    logit += continuity_bonus * continuity
    return 1.0 / (1.0 + math.exp(-logit))


def front_desk_posts(structure: Structure) -> dict[str, tuple[str, ...]]:
    """Each compound's party vanguard posts at the desk of a company serving it.

    Examples
    --------
    >>> from govmodel import examples
    >>> front_desk_posts(examples.load("xinhe"))
    {'compound:wanda': ('post:cxh-vanguard',)}
    """
    out: dict[str, list[str]] = {}
    vanguard = structure.posts(role=Role.VANGUARD_POST)
    for company in structure.bodies(kind=BodyKind.PROPERTY_COMPANY):
        posts = [p.id for p in vanguard if p.within == company.id]
        if not posts:
            continue
        for compound in company.serves:
            out.setdefault(compound, []).extend(posts)
    return {k: tuple(v) for k, v in out.items()}

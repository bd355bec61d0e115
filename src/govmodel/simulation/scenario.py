"""Scenarios: what a simulated year of residents' requests looks like.

``Scenario()`` with no arguments is the default scenario, calibrated to the
Xinhe community (seed 002): about 180 requests a year reach the community's
platforms, every one is answered and at least 98 % are resolved; 56 are
settled by whistle order; 230-odd return visits of disputes find 15 latent
ones; the vanguard post at the property desk settles 20-odd matters.
Each default below says where it comes
from; ``docs/simulation.md`` shows the calibration run.

Examples
--------
>>> from govmodel.simulation import Scenario
>>> s = Scenario()
>>> s.days, round(s.requests_per_household, 3)
(365, 0.405)
>>> Scenario(days=30).days
30
>>> Scenario(satisfaction=1.5)
Traceback (most recent call last):
...
govmodel.simulation.scenario.ScenarioError: satisfaction: expected a probability ... found 1.5
>>> Scenario(days=30.5)
Traceback (most recent call last):
...
govmodel.simulation.scenario.ScenarioError: days: expected a whole number (int), found 30.5 (float)
"""

from __future__ import annotations

import datetime as dt
import math
import numbers
from collections.abc import Mapping
from enum import StrEnum
from typing import Any

import attrs

from govmodel._frozenmap import FrozenMap
from govmodel._strict import digits, show
from govmodel.errors import GovModelError
from govmodel.model import Category, Channel, Scope, Tier, Urgency

__all__ = ["MAX_DAYS", "Mechanism", "Scenario", "ScenarioError"]


class Mechanism(StrEnum):
    """A mechanism of the simulator that can be switched off (``Scenario(off=...)``).

    Examples
    --------
    >>> Mechanism("handoffs") is Mechanism.HANDOFFS
    True
    """

    SHARED_TIME = "shared_time"
    """A person's caseload is shared across the posts they hold on the day."""
    STAFFING_SCALE = "staffing_scale"
    """Offices without named posts are staffed by the households they cover."""
    HANDOFFS = "handoffs"
    """A handoff between bodies costs a coordination delay."""
    MEETINGS = "meetings"
    """Deliberations and matters joined by a meeting wait for its sitting."""
    BALLOTS = "ballots"
    """Owners' decisions are decided with ``decide`` over simulated ballots."""
    WORKING_HOURS = "working_hours"
    """Offices handle cases in the policy calendar's working hours."""
    ARRIVAL_PROFILE = "arrival_profile"
    """Requests arrive by hour of day and day of week, fewer on holidays."""
    SATISFACTION = "satisfaction"
    """Satisfaction depends on how the case went (else a fixed probability)."""
    LATENT = "latent"
    """Return visits of disputes uncover latent problems that become cases."""
    HOTLINE_LOOP = "hotline_loop"
    """A case that escapes to 12345 comes back as a hotline dispatch."""
    FRONT_DESK = "front_desk"
    """A staffed party vanguard post at a property desk settles incipient matters."""


class ScenarioError(GovModelError, ValueError):
    """An impossible scenario assumption, named with its field.

    Examples
    --------
    >>> Scenario(capacity=0)
    Traceback (most recent call last):
    ...
    govmodel.simulation.scenario.ScenarioError: capacity: expected a positive number, found 0
    """


MAX_DAYS = 36_500
"""The longest period a scenario simulates: a century."""

_LARGEST = 1e9
"""The largest number a scenario's count, rate or hour field takes."""


def _real(name: str, value: object) -> float:
    """``value`` when it is a finite real number (not a boolean), else raise."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ScenarioError(f"{name}: expected a number, found {show(value)}")
    if isinstance(value, float) and not math.isfinite(value):
        raise ScenarioError(f"{name}: expected a finite number, found {show(value)}")
    if abs(value) > _LARGEST:
        raise ScenarioError(f"{name}: expected a number of at most 1e9, found {show(value)}")
    return value


def _probability(_inst: object, attribute: attrs.Attribute[Any], value: float) -> None:
    if not 0.0 <= _real(attribute.name, value) <= 1.0:
        raise ScenarioError(
            f"{attribute.name}: expected a probability between 0 and 1, found {value}"
        )


def _positive(_inst: object, attribute: attrs.Attribute[Any], value: float) -> None:
    if not _real(attribute.name, value) > 0:
        raise ScenarioError(f"{attribute.name}: expected a positive number, found {value}")


def _whole(low: int, high: int) -> Any:
    """A validator for an integer field from ``low`` to ``high``."""

    def check(_inst: object, attribute: attrs.Attribute[Any], value: object) -> None:
        # A float such as 30.0 or 2.5 would pass the comparisons and then be used
        # as a count of days or servers; bool is an int, but never a count.
        if isinstance(value, bool) or not isinstance(value, numbers.Integral):
            raise ScenarioError(
                f"{attribute.name}: expected a whole number (int), found {_short(value)}"
                f" ({type(value).__name__})"
            )
        value = int(value)
        found = int.__repr__(value) if digits(value) <= 20 else show(value)
        if value < low:
            wanted = "a positive number" if low == 1 else f"{low} or more"
            raise ScenarioError(f"{attribute.name}: expected {wanted}, found {found}")
        if value > high:
            raise ScenarioError(f"{attribute.name}: expected at most {high:,}, found {found}")

    return check


def _short(value: object) -> str:
    """``repr`` of a number or a string, cut after 60 characters; else its kind."""
    if not isinstance(value, float | str):
        return show(value)
    text = repr(value)
    return text if len(text) <= 60 else text[:60] + "…"


def _keys(name: str, value: object, enum: type[StrEnum]) -> Mapping[Any, Any]:
    """``value`` when it is a mapping keyed by members of ``enum`` (or their values)."""
    if not isinstance(value, Mapping):
        raise ScenarioError(f"{name}: expected a mapping by {enum.__name__}, found {show(value)}")
    members = {member.value for member in enum}
    for key in value:
        if not isinstance(key, str) or key not in members:
            choices = ", ".join(sorted(members))
            raise ScenarioError(f"{name}: expected keys among {choices}, found {show(key)}")
    return value


def _non_negative_map(
    _inst: object, attribute: attrs.Attribute[Any], value: Mapping[Any, float]
) -> None:
    enum = _KEY_TYPES[attribute.name]
    for key, rate in _keys(attribute.name, value, enum).items():
        if not _real(f"{attribute.name}.{key}", rate) >= 0:
            raise ScenarioError(f"{attribute.name}.{key}: expected 0 or more, found {rate}")


# Disputes (矛盾纠纷): what the mediation counts, the latent mechanism and Xinhe's
# article read as disputes.
DISPUTES = frozenset(
    {
        Category.NOISE,
        Category.PARKING,
        Category.PETS,
        Category.NEIGHBOUR_DISPUTE,
        Category.FAMILY_DISPUTE,
    }
)

# The channels a resident reports through. Patrols find matters (``proactive``),
# the hotline sends escaped cases back (``HOTLINE_LOOP``): neither is a share.
REPORTING = (Channel.WALK_IN, Channel.WECHAT, Channel.PHONE, Channel.VISIT, Channel.DIARY)


def _shares(_inst: object, attribute: attrs.Attribute[Any], value: Mapping[Any, float]) -> None:
    _non_negative_map(_inst, attribute, value)
    if attribute.name == "channels":
        for key in value:
            if key not in REPORTING:
                choices = ", ".join(c.value for c in REPORTING)
                raise ScenarioError(
                    f"channels: expected reporting channels ({choices}), found {show(key)}:"
                    " patrols come from proactive, the hotline from escaped cases"
                )
    total = sum(value.values())
    if abs(total - 1.0) > 1e-9:
        raise ScenarioError(f"{attribute.name}: expected shares summing to 1, found {total}")


def _scopes(_inst: object, attribute: attrs.Attribute[Any], value: Mapping[Any, Any]) -> None:
    for key, scope in _keys(attribute.name, value, Category).items():
        if not isinstance(scope, str) or scope not in {s.value for s in Scope}:
            raise ScenarioError(f"{attribute.name}.{key}: expected a Scope, found {show(scope)}")


def _hours(_inst: object, attribute: attrs.Attribute[Any], value: Mapping[Any, Any]) -> None:
    for key, hours in _keys(attribute.name, value, Tier).items():
        if not _real(f"{attribute.name}.{key}", hours) > 0:
            raise ScenarioError(f"{attribute.name}.{key}: expected a positive number")


def _moment(_inst: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, dt.datetime):
        raise ScenarioError(f"{attribute.name}: expected a datetime, found {show(value)}")


def _profile(length: int) -> Any:
    """A validator for a tuple of ``length`` weights, none negative, not all zero."""

    def check(_inst: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if not isinstance(value, tuple) or len(value) != length:
            raise ScenarioError(
                f"{attribute.name}: expected {length} weights, found {_short_seq(value)}"
            )
        for k, weight in enumerate(value):
            if not _real(f"{attribute.name}[{k}]", weight) >= 0:
                raise ScenarioError(f"{attribute.name}[{k}]: expected 0 or more, found {weight}")
        if not sum(value) > 0:
            raise ScenarioError(f"{attribute.name}: expected a weight above 0")

    return check


def _short_seq(value: object) -> str:
    if isinstance(value, tuple):
        return f"{len(value)}"
    return show(value)


def _as_tuple(value: Any) -> Any:
    if isinstance(value, list):
        return tuple(value)
    return value


def _mechanisms(value: Any) -> Any:
    if isinstance(value, str) or not isinstance(value, set | frozenset | list | tuple):
        raise ScenarioError(f"off: expected a set of Mechanism names, found {show(value)}")
    out = set()
    for name in value:
        if not isinstance(name, str) or name not in {m.value for m in Mechanism}:
            choices = ", ".join(m.value for m in Mechanism)
            raise ScenarioError(f"off: expected names among {choices}, found {show(name)}")
        out.add(Mechanism(name))
    return frozenset(out)


def _non_negative(_inst: object, attribute: attrs.Attribute[Any], value: float) -> None:
    if not _real(attribute.name, value) >= 0:
        raise ScenarioError(f"{attribute.name}: expected 0 or more, found {value}")


def _frozen(value: Any) -> Any:
    # Anything but a mapping is left for the field's validator to name.
    if isinstance(value, FrozenMap) or not isinstance(value, Mapping):
        return value
    return FrozenMap(value)


_KEY_TYPES: dict[str, type[StrEnum]] = {
    "rates": Category,
    "channels": Channel,
    "urgency": Urgency,
    "category_hours": Category,
}


# Requests per household per year by category. Xinhe's article counts 180
# requests a year through its channels; with govmodel's assumed 1,000
# households for a compound of unknown size that is 0.18 per household. The
# split over categories follows the matters the article lists: property
# service (the five daily checks: sanitation, hazards, facilities), disputes
# (parking, noise, family), the whistle-order matters (fire lanes, meters,
# leaks) and inquiries at the window. govmodel's choice, to revisit per city.
_RATES: dict[Category, float] = {
    Category.REPAIR: 0.030,
    Category.SANITATION: 0.015,
    Category.GREENING: 0.004,
    Category.LEAK: 0.010,
    Category.NOISE: 0.060,
    Category.PARKING: 0.060,
    Category.PETS: 0.020,
    Category.NEIGHBOUR_DISPUTE: 0.050,
    Category.FAMILY_DISPUTE: 0.015,
    Category.COMMON_FACILITY: 0.004,
    Category.PROPERTY_FEES: 0.002,
    Category.SERVICE_QUALITY: 0.005,
    Category.ACCESS: 0.003,
    Category.FIRE_LANE: 0.040,
    Category.UTILITIES: 0.030,
    Category.SECURITY: 0.003,
    Category.EXTERNAL_NUISANCE: 0.002,
    Category.RESIDENCY: 0.002,
    Category.ROADS: 0.002,
    Category.INQUIRY: 0.048,
}

# How far each category usually reaches: most requests concern one household
# or one building (a fire lane is blocked at a building); facilities, fees and
# access a compound.
_SCOPES: dict[Category, Scope] = {
    **dict.fromkeys(Category, Scope.HOUSEHOLD),
    Category.SANITATION: Scope.BUILDING,
    Category.LEAK: Scope.BUILDING,
    Category.GREENING: Scope.COMPOUND,
    Category.COMMON_FACILITY: Scope.COMPOUND,
    Category.PROPERTY_FEES: Scope.COMPOUND,
    Category.SERVICE_QUALITY: Scope.COMPOUND,
    Category.ACCESS: Scope.COMPOUND,
    Category.FIRE_LANE: Scope.BUILDING,
    Category.ROADS: Scope.COMMUNITY,
    Category.EXTERNAL_NUISANCE: Scope.COMMUNITY,
}

# Mean hours a handler spends on a case at each tier (lognormal around it), in
# working hours of the policy's calendar (round the clock for emergencies, or
# with Mechanism.WORKING_HOURS off). govmodel's choice, within what 12345
# practice allows: on the spot in the micro-grid in an hour or two ("马上办"),
# most of a working day at the compound, a day and a half in the community,
# four working days when departments are summoned (general matters are
# answered in about 7 days), three working days at the street office (complex
# matters in about 15 days).
_HANDLING_HOURS: dict[Tier, float] = {
    Tier.MICRO_GRID: 2.0,
    Tier.COMPOUND: 6.0,
    Tier.COMMUNITY: 12.0,
    Tier.WHISTLE: 32.0,
    Tier.STREET: 24.0,
}

# How much longer (or shorter) a category takes than its tier's mean.
# govmodel's choice: an inquiry is answered at the window in a fraction of the
# time; disputes need talks with both sides; leaks and utilities need a trade
# or a utility company; roads and external nuisances another authority.
_CATEGORY_HOURS: dict[Category, float] = {
    **dict.fromkeys(Category, 1.0),
    Category.INQUIRY: 0.25,
    Category.RESIDENCY: 0.5,
    Category.NOISE: 1.5,
    Category.NEIGHBOUR_DISPUTE: 2.0,
    Category.FAMILY_DISPUTE: 2.0,
    Category.PARKING: 1.5,
    Category.LEAK: 1.5,
    Category.UTILITIES: 1.5,
    Category.ROADS: 2.0,
    Category.EXTERNAL_NUISANCE: 2.0,
}

# Requests by hour of day (0-23) and day of week (Monday first): few at night,
# peaks in the morning and the early evening, fewer at weekends. govmodel's
# choice from the shape 12345 services publish (calls peak 9-11 and 19-21);
# no figure of the five articles.
_ARRIVAL_HOURS: tuple[float, ...] = (
    0.2, 0.1, 0.1, 0.1, 0.1, 0.2, 0.5, 1.0, 1.5, 2.0, 2.0, 1.8,
    1.2, 1.2, 1.6, 1.6, 1.5, 1.4, 1.4, 1.6, 1.6, 1.2, 0.8, 0.4,
)  # fmt: skip
_ARRIVAL_DAYS: tuple[float, ...] = (1.1, 1.0, 1.0, 1.0, 1.0, 0.8, 0.7)

# Channels (Xinhe: the registration window, the 49 WeChat groups answered
# round the clock, phone, door-to-door visits; patrols find some matters first).
_CHANNELS: dict[Channel, float] = {
    Channel.WALK_IN: 0.25,
    Channel.WECHAT: 0.45,
    Channel.PHONE: 0.15,
    Channel.VISIT: 0.10,
    Channel.DIARY: 0.05,
}

_URGENCY: dict[Urgency, float] = {
    Urgency.ROUTINE: 0.85,
    Urgency.URGENT: 0.13,
    Urgency.EMERGENCY: 0.02,
}


@attrs.frozen(kw_only=True)
class Scenario:
    """The assumptions of one simulated period.

    Every field is checked when the scenario is made: a value of the wrong
    type, a key that is no category, channel, urgency or tier, or a count out
    of range raises ``ScenarioError`` naming the field, never an error later
    in ``simulate``.

    Parameters
    ----------
    days
        Length of the period, 1 to ``MAX_DAYS`` (36,500: a century).
    start
        When it starts.
    rates
        Category → requests per household per year.
    households_if_unknown
        Households (1 to 1,000,000) assumed for a residential compound whose spec gives none
        (Xinhe's article gives none: 1,000 is govmodel's assumption).
    scopes
        Category → the scope its requests usually have.
    handling_hours, handling_sigma
        Mean hours of handling per tier, and the spread (sigma of the
        lognormal) around it.
    capacity
        Cases (1 to 1,000,000) one person works on at once. A handler's
        capacity is that of its staff (see ``Staffing``); more wait in its queue.
    response_hours
        Mean time to take a case up (exponential) when a grid worker owns it:
        Xinhe's groups answer round the clock, so two hours.
    response_hours_without_grid
        The same when no grid post owns the case and an office must answer:
        thirty hours, beyond the 24-hour response limit more often than not
        (govmodel's assumption; this is what grid variants change).
    hotline
        Probability that a resident not answered within the policy's
        response limit turns to the 12345 hotline instead (the case escapes).
    proactive
        Share of matters found by patrols before anyone complains (未诉先办):
        they are taken up at once.
    satisfaction
        Probability a return visit finds the resident satisfied.
    revisit_hours
        Mean hours from resolution to the return visit.
    reopen
        Probability an unsatisfied resident's case is reopened (else closed).
    max_reopens
        How many times one case may be reopened (0 to 100).
    channels, urgency
        Shares of the reporting channels and urgencies.
    off
        Mechanisms switched off (``Mechanism`` members or their names), to
        isolate each one's effect.
    warmup_days
        Days simulated before ``start`` so that the period begins in a
        running community; cases reported in them load the handlers but are
        left out of the result.
    category_hours
        Category → factor on its tier's handling time.
    office_households, community_households
        Households per member of staff of a street office or department, and
        of a residents' committee, without named posts (``STAFFING_SCALE``).
    handoff_hours
        Mean working hours a handoff between two bodies costs (``HANDOFFS``).
    handoff_person, handoff_meeting
        The share of it that remains when one person sits in both bodies, or
        a standing meeting joins them.
    meeting_day, meeting_weekday, adhoc_days
        When meetings without a fixed day sit: monthly (and quarterly) on
        ``meeting_day``, weekly on ``meeting_weekday`` (0 is Monday); a
        meeting held as needed ``adhoc_days`` working days on (``MEETINGS``).
    turnout, support, area_per_household
        Each owner's chance to take part in a vote and to vote for, and the
        area of a household, for the ballots of owners' decisions (``BALLOTS``).
    arrival_hours, arrival_days
        Weights of the hours of the day (24) and the days of the week (7,
        Monday first); holidays weigh as Sundays (``ARRIVAL_PROFILE``).
    late_penalty, escalation_penalty, reopen_penalty
        Log-odds subtracted from satisfaction when resolved late, per
        escalation and per reopening (``SATISFACTION``).
    continuity_bonus, hotline_penalty, rejected_penalty
        Log-odds added when the first contact handled the case to the end,
        and subtracted for a hotline dispatch or a matter the owners voted down.
    latent
        Probability that a return visit of a dispute uncovers a latent one
        (``LATENT``): Xinhe, 15 in 230 visits.
    hotline_dispatch_hours
        Working hours until 12345 dispatches an escaped case back to the
        street and community (``HOTLINE_LOOP``).
    front_desk
        Probability that an incipient matter (an inquiry or a dispute, walked
        in or phoned) of a compound whose company has a staffed party vanguard
        post, and a part in the routing, is settled at the desk on the spot
        (``FRONT_DESK``).

    Examples
    --------
    >>> from govmodel.model import Category
    >>> quiet = Scenario(rates={c: 0.0 for c in Category} | {Category.NOISE: 0.05})
    >>> quiet.requests_per_household
    0.05
    """

    days: int = attrs.field(default=365, validator=_whole(1, MAX_DAYS))
    start: dt.datetime = attrs.field(default=dt.datetime(2025, 1, 1), validator=_moment)
    rates: FrozenMap[Category, float] = attrs.field(
        factory=lambda: FrozenMap(_RATES), converter=_frozen, validator=_non_negative_map
    )
    households_if_unknown: int = attrs.field(default=1000, validator=_whole(1, 1_000_000))
    scopes: FrozenMap[Category, Scope] = attrs.field(
        factory=lambda: FrozenMap(_SCOPES), converter=_frozen, validator=_scopes
    )
    handling_hours: FrozenMap[Tier, float] = attrs.field(
        factory=lambda: FrozenMap(_HANDLING_HOURS), converter=_frozen, validator=_hours
    )
    handling_sigma: float = attrs.field(default=0.6, validator=_positive)
    capacity: int = attrs.field(default=3, validator=_whole(1, 1_000_000))
    response_hours: float = attrs.field(default=2.0, validator=_positive)
    response_hours_without_grid: float = attrs.field(default=30.0, validator=_positive)
    hotline: float = attrs.field(default=0.5, validator=_probability)
    proactive: float = attrs.field(default=0.1, validator=_probability)
    satisfaction: float = attrs.field(default=0.95, validator=_probability)
    revisit_hours: float = attrs.field(default=48.0, validator=_positive)
    reopen: float = attrs.field(default=0.5, validator=_probability)
    max_reopens: int = attrs.field(default=2, validator=_whole(0, 100))
    channels: FrozenMap[Channel, float] = attrs.field(
        factory=lambda: FrozenMap(_CHANNELS), converter=_frozen, validator=_shares
    )
    urgency: FrozenMap[Urgency, float] = attrs.field(
        factory=lambda: FrozenMap(_URGENCY), converter=_frozen, validator=_shares
    )
    off: frozenset[Mechanism] = attrs.field(factory=frozenset, converter=_mechanisms)
    warmup_days: int = attrs.field(default=0, validator=_whole(0, MAX_DAYS))
    category_hours: FrozenMap[Category, float] = attrs.field(
        factory=lambda: FrozenMap(_CATEGORY_HOURS), converter=_frozen, validator=_non_negative_map
    )
    office_households: float = attrs.field(default=350.0, validator=_positive)
    community_households: float = attrs.field(default=300.0, validator=_positive)
    handoff_hours: float = attrs.field(default=8.0, validator=_non_negative)
    handoff_person: float = attrs.field(default=0.25, validator=_probability)
    handoff_meeting: float = attrs.field(default=0.5, validator=_probability)
    meeting_day: int = attrs.field(default=15, validator=_whole(1, 31))
    meeting_weekday: int = attrs.field(default=4, validator=_whole(0, 6))
    adhoc_days: int = attrs.field(default=3, validator=_whole(0, 365))
    turnout: float = attrs.field(default=0.75, validator=_probability)
    support: float = attrs.field(default=0.7, validator=_probability)
    area_per_household: float = attrs.field(default=90.0, validator=_positive)
    arrival_hours: tuple[float, ...] = attrs.field(
        default=_ARRIVAL_HOURS, converter=_as_tuple, validator=_profile(24)
    )
    arrival_days: tuple[float, ...] = attrs.field(
        default=_ARRIVAL_DAYS, converter=_as_tuple, validator=_profile(7)
    )
    late_penalty: float = attrs.field(default=1.5, validator=_non_negative)
    escalation_penalty: float = attrs.field(default=1.0, validator=_non_negative)
    reopen_penalty: float = attrs.field(default=1.0, validator=_non_negative)
    continuity_bonus: float = attrs.field(default=0.5, validator=_non_negative)
    hotline_penalty: float = attrs.field(default=1.0, validator=_non_negative)
    rejected_penalty: float = attrs.field(default=1.0, validator=_non_negative)
    latent: float = attrs.field(default=0.065, validator=_probability)
    hotline_dispatch_hours: float = attrs.field(default=8.0, validator=_positive)
    front_desk: float = attrs.field(default=0.65, validator=_probability)

    def __attrs_post_init__(self) -> None:
        for name, what in (("rates", "rate"), ("scopes", "scope")):
            missing = [c.value for c in Category if c not in getattr(self, name)]
            if missing:
                raise ScenarioError(f"{name}: no {what} for {', '.join(missing)}")
        last = dt.datetime.max - dt.timedelta(days=int(self.days) + 1)
        if self.start.replace(tzinfo=None) > last:
            raise ScenarioError(
                f"start: expected a period that ends before the year 10000, "
                f"found {self.days} days from {self.start.isoformat()}"
            )
        missing = [t.value for t in Tier if t not in self.handling_hours]
        if missing:
            raise ScenarioError(f"handling_hours: no hours for {', '.join(missing)}")

    @property
    def requests_per_household(self) -> float:
        """Requests per household per year, all categories together."""
        return float(sum(self.rates.values()))

    @property
    def end(self) -> dt.datetime:
        """When the period ends."""
        return self.start + dt.timedelta(days=self.days)

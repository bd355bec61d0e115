"""The policy: every tunable of the rules in one frozen object.

:data:`DEFAULT_POLICY` is what govmodel assumes when nobody says otherwise;
each default below names where it comes from — an article (seeds 000–004), the
design contract, or a modelling choice of govmodel's that a user should
revisit for their own city. Policies load from TOML (:func:`load_policy`),
overriding only the keys a file gives.

Examples
--------
>>> from govmodel import DEFAULT_POLICY, Category, Tier, Urgency
>>> sorted(d.value for d in DEFAULT_POLICY.category_domains[Category.FIRE_LANE])
['fire_safety', 'property_service']
>>> DEFAULT_POLICY.time_limits[Tier.MICRO_GRID][Urgency.ROUTINE]
TimeLimit(1, 'working_days')
"""

from __future__ import annotations

import datetime as dt
import os
import re
import tomllib
import zoneinfo
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import attrs

from govmodel._frozenmap import FrozenMap
from govmodel._strict import short_repr as _r
from govmodel.errors import SpecError, SpecProblem
from govmodel.model import BodyKind, Category, Domain, Role, Tier, Urgency
from govmodel.rules.calendar import CHINA_CALENDAR, Calendar, LimitUnit, TimeLimit, as_limit

# FrozenMap lives in govmodel._frozenmap; the policy, which holds several, exports it too.


def _printable(text: str) -> str:
    """``text`` with any lone surrogate escaped as a backslash sequence, as UTF-8 can hold it."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


__all__ = ["DEFAULT_POLICY", "FrozenMap", "Policy", "load_policy"]


def _domains(*names: Domain) -> frozenset[Domain]:
    return frozenset(names)


D = Domain
_DAY = dt.timedelta(days=1)

# Category -> default domains. From the matters the articles name.
_CATEGORY_DOMAINS: dict[Category, frozenset[Domain]] = {
    # 设施维护, 环境卫生, 绿化 (Xinhe 五必查; Zhuanqiao greening): the property's work.
    Category.REPAIR: _domains(D.PROPERTY_SERVICE),
    Category.SANITATION: _domains(D.PROPERTY_SERVICE),
    Category.GREENING: _domains(D.PROPERTY_SERVICE),
    # 漏水 (Xinhe; Zhuanqiao common parts): a repair and, between flats, a dispute.
    Category.LEAK: _domains(D.PROPERTY_SERVICE, D.NEIGHBOUR_DISPUTE),
    # 噪音扰民, 停车争议, 家庭矛盾 (Xinhe mediation room).
    Category.NOISE: _domains(D.NEIGHBOUR_DISPUTE),
    Category.PARKING: _domains(D.NEIGHBOUR_DISPUTE, D.PROPERTY_SERVICE),
    Category.NEIGHBOUR_DISPUTE: _domains(D.NEIGHBOUR_DISPUTE),
    Category.FAMILY_DISPUTE: _domains(D.NEIGHBOUR_DISPUTE, D.LEGAL),
    # 宠物管理 (Shagangwan): residents' opinions plus the property's facilities.
    Category.PETS: _domains(D.RESIDENT_AFFAIRS, D.PROPERTY_SERVICE),
    # 加装电梯, 充电桩, 出入口 (Lianhua, Shagangwan): owners decide (art. 278).
    Category.COMMON_FACILITY: _domains(D.OWNERS_DECISION),
    # 停车收费调整 (Zhuanqiao): owners decide, by consultation where there is no committee.
    Category.PROPERTY_FEES: _domains(D.OWNERS_DECISION),
    # Complaints about the property company: its supervisor (owners' or self-management
    # committee) takes them up, and the company puts its service right (物业服务监督, seed 003).
    Category.SERVICE_QUALITY: _domains(D.SUPERVISION, D.PROPERTY_SERVICE),
    # 西门拥堵, 幼儿园接送 (Zhuanqiao, Lianhua): gates are the property's, people are residents.
    Category.ACCESS: _domains(D.PROPERTY_SERVICE, D.RESIDENT_AFFAIRS),
    # 占用消防通道 (Xinhe whistle orders): the fire brigade, with the property clearing it.
    Category.FIRE_LANE: _domains(D.FIRE_SAFETY, D.PROPERTY_SERVICE),
    # 电表加装, 改电路 (Xinhe, Zhuanqiao): the utilities.
    Category.UTILITIES: _domains(D.UTILITIES),
    # 车辆损毁、物品丢失 (Chengxi CCTV): the police.
    Category.SECURITY: _domains(D.PUBLIC_SECURITY),
    # 直升机扰民 (Shagangwan): a source outside the community; the police station
    # and the neighbouring village were contacted, for order and for the site.
    Category.EXTERNAL_NUISANCE: _domains(D.PUBLIC_SECURITY, D.URBAN_MANAGEMENT),
    # 迁户口 (Zhuanqiao): household registration is the police station's.
    Category.RESIDENCY: _domains(D.PUBLIC_SECURITY),
    # 无名道路、井盖 (Zhuanqiao): urban management.
    Category.ROADS: _domains(D.URBAN_MANAGEMENT),
    # 咨询 at the registration window (Xinhe): resident affairs.
    Category.INQUIRY: _domains(D.RESIDENT_AFFAIRS),
}

# Post role -> domains (design contract, "Default competences").
_WORKER = _domains(D.NEIGHBOUR_DISPUTE, D.RESIDENT_AFFAIRS)
_ROLE_DOMAINS: dict[Role, frozenset[Domain]] = {
    Role.BUILDING_STEWARD: _domains(D.PROPERTY_SERVICE),
    Role.RED_PROPERTY_SPECIALIST: _domains(D.PROPERTY_SERVICE),
    Role.MICRO_GRID_WORKER: _WORKER,
    Role.GRID_WORKER: _WORKER,
    Role.BUILDING_GROUP_LEADER: _WORKER,
    Role.PARTY_SECOND_LEADER: _WORKER,
    Role.GRID_LEADER: _WORKER | {D.SUPERVISION},
    Role.PROPERTY_SUPERVISOR: _WORKER | {D.SUPERVISION},
    Role.MEDIATOR: _domains(D.NEIGHBOUR_DISPUTE),
    Role.LEGAL_ADVISER: _domains(D.LEGAL),
}

# Body kind -> domains (design contract). Party organisations hold none of their
# own: they convene, lead and blow the whistle. Departments and partner units
# hold what their record declares; the street office holds every domain (属地兜底).
_BODY_DOMAINS: dict[BodyKind, frozenset[Domain]] = {
    BodyKind.PROPERTY_COMPANY: _domains(D.PROPERTY_SERVICE),
    BodyKind.OWNERS_COMMITTEE: _domains(D.OWNERS_DECISION, D.SUPERVISION),
    BodyKind.SELF_MANAGEMENT_COMMITTEE: _domains(D.SUPERVISION),
    BodyKind.RESIDENTS_COMMITTEE: _domains(D.RESIDENT_AFFAIRS, D.NEIGHBOUR_DISPUTE, D.SUPERVISION),
    BodyKind.MEDIATION_ROOM: _domains(D.NEIGHBOUR_DISPUTE, D.LEGAL),
    BodyKind.STREET_OFFICE: frozenset(Domain),
}

# Tier x urgency -> time to resolve. Routine matters count working days, as
# 12345 practice does (deadlines in working days: a work order is signed within
# 1 working day, general matters answered in about 7, complex ones in 15);
# urgent and emergency matters run round the clock (12345: water, power, gas
# and heating within 24 hours; a threat to life or property within 2 hours).
_WD = LimitUnit.WORKING_DAYS
_HOURS = LimitUnit.HOURS
_TIME_LIMITS: dict[Tier, dict[Urgency, TimeLimit]] = {
    # 马上办 at the building: by the end of the next working day, like a signed 12345 order.
    # Emergencies, at every tier: 12345's 2 hours, round the clock, for anything that
    # threatens life or property (emergencies proper go straight to 110 / 119 / 120).
    Tier.MICRO_GRID: {
        Urgency.ROUTINE: TimeLimit(1, _WD),
        Urgency.URGENT: TimeLimit(4, _HOURS),
        Urgency.EMERGENCY: TimeLimit(2, _HOURS),
    },
    # govmodel's choice between the building's one working day and the community's seven;
    # urgent: 12345's 24 hours.
    Tier.COMPOUND: {
        Urgency.ROUTINE: TimeLimit(3, _WD),
        Urgency.URGENT: TimeLimit(24, _HOURS),
        Urgency.EMERGENCY: TimeLimit(2, _HOURS),
    },
    # 12345 general matters: about 7 (working) days.
    Tier.COMMUNITY: {
        Urgency.ROUTINE: TimeLimit(7, _WD),
        Urgency.URGENT: TimeLimit(48, _HOURS),
        Urgency.EMERGENCY: TimeLimit(2, _HOURS),
    },
    # 12345 complex matters: 15 working days, with departments summoned (吹哨报到) ...
    Tier.WHISTLE: {
        Urgency.ROUTINE: TimeLimit(15, _WD),
        Urgency.URGENT: TimeLimit(72, _HOURS),
        Urgency.EMERGENCY: TimeLimit(2, _HOURS),
    },
    # ... or at the street, the last resort (属地兜底).
    Tier.STREET: {
        Urgency.ROUTINE: TimeLimit(15, _WD),
        Urgency.URGENT: TimeLimit(120, _HOURS),
        Urgency.EMERGENCY: TimeLimit(2, _HOURS),
    },
}


def _frozen_sets(value: Mapping[Any, Any]) -> FrozenMap[Any, frozenset[Domain]]:
    return FrozenMap({k: frozenset(v) for k, v in value.items()})


def _frozen_limits(
    value: Mapping[Tier, Mapping[Urgency, TimeLimit | dt.timedelta]],
) -> FrozenMap[Tier, FrozenMap[Urgency, TimeLimit]]:
    return FrozenMap(
        {
            tier: FrozenMap({urgency: as_limit(limit) for urgency, limit in limits.items()})
            for tier, limits in value.items()
        }
    )


def _zone(value: str | dt.tzinfo) -> dt.tzinfo:
    if isinstance(value, dt.tzinfo):
        return value
    try:
        return zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, TypeError):
        raise ValueError(
            f"time_zone: expected an IANA time zone name such as Asia/Shanghai, found {_r(value)}"
        ) from None


def _domain_set(value: Iterable[Domain]) -> frozenset[Domain]:
    return frozenset(value)


_SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def _positive(_inst: object, attribute: attrs.Attribute[Any], value: dt.timedelta) -> None:
    if value <= dt.timedelta(0):
        raise ValueError(f"{attribute.name}: expected a positive duration, found {value}")


def _named_limit(field: str, value: TimeLimit | dt.timedelta) -> TimeLimit:
    try:
        return as_limit(value)
    except ValueError as err:
        raise ValueError(f"{field}: {err}") from None


def _response_limit(value: TimeLimit | dt.timedelta) -> TimeLimit:
    return _named_limit("response_limit", value)


def _deliberation_limit(value: TimeLimit | dt.timedelta) -> TimeLimit:
    return _named_limit("deliberation_limit", value)


def _emergency_report_limit(value: TimeLimit | dt.timedelta) -> TimeLimit:
    return _named_limit("emergency_report_limit", value)


def _referral_limit(value: TimeLimit | dt.timedelta) -> TimeLimit:
    return _named_limit("referral_limit", value)


@attrs.frozen(kw_only=True, repr=False)
class Policy:
    """Every tunable of the routing, escalation and lifecycle rules.

    Parameters
    ----------
    category_domains
        Category → the domains a case of that category needs by default.
    role_domains
        Post role → the domains a holder of such a post can settle.
    body_domains
        Body kind → its default domains (a body's own ``domains`` override it).
    time_limits
        Tier → urgency → how long a case may take at that tier, a
        :class:`~govmodel.TimeLimit`; a ``timedelta`` is read as
        round-the-clock hours.
    response_limit
        How soon a case must be accepted to count as answered.
    recurrence_window, recurrence_threshold
        A case whose place and category were reported at least
        ``recurrence_threshold`` times in the ``recurrence_window`` before it
        escalates once beyond its first tier.
    require_revisit
        Whether a case may close only after a return visit (一案一回访).
    meeting_domains
        What a standing joint meeting settles when it takes a matter up
        (难事联办): residents' common affairs, by default.
    deliberation_limit
        How long owners' deliberations may take (调研—座谈—征询), at least.
    emergency_report_limit
        How soon the dispatched department or service must report on the spot
        (accept the case); an emergency not accepted by then goes to the street.
    referral_limit
        How long a ``referral`` to one department may run (its due time is at
        most the whistle tier's for the urgency); past it, it becomes a whistle
        order.
    calendar
        The working calendar that limits in working days and hours count on.
    time_zone
        Where the community is: naive datetimes are local times there, and
        the calendar's days and hours are read there. An IANA name or a
        ``tzinfo``.

    Examples
    --------
    >>> import attrs
    >>> from govmodel import DEFAULT_POLICY
    >>> relaxed = attrs.evolve(DEFAULT_POLICY, require_revisit=False)
    >>> relaxed.require_revisit, DEFAULT_POLICY.require_revisit
    (False, True)
    """

    category_domains: FrozenMap[Category, frozenset[Domain]] = attrs.field(converter=_frozen_sets)
    role_domains: FrozenMap[Role, frozenset[Domain]] = attrs.field(converter=_frozen_sets)
    body_domains: FrozenMap[BodyKind, frozenset[Domain]] = attrs.field(converter=_frozen_sets)
    time_limits: FrozenMap[Tier, FrozenMap[Urgency, TimeLimit]] = attrs.field(
        converter=_frozen_limits
    )
    response_limit: TimeLimit = attrs.field(converter=_response_limit)
    recurrence_window: dt.timedelta = attrs.field(validator=_positive)
    recurrence_threshold: int = 2
    require_revisit: bool = True
    meeting_domains: frozenset[Domain] = attrs.field(
        default=frozenset({Domain.RESIDENT_AFFAIRS}), converter=_domain_set
    )
    deliberation_limit: TimeLimit = attrs.field(
        default=TimeLimit(60, LimitUnit.DAYS), converter=_deliberation_limit
    )
    emergency_report_limit: TimeLimit = attrs.field(
        default=TimeLimit(0.5, LimitUnit.HOURS), converter=_emergency_report_limit
    )
    referral_limit: TimeLimit = attrs.field(
        default=TimeLimit(7, LimitUnit.WORKING_DAYS), converter=_referral_limit
    )
    calendar: Calendar = CHINA_CALENDAR
    time_zone: dt.tzinfo = attrs.field(default=_SHANGHAI, converter=_zone)

    def __attrs_post_init__(self) -> None:
        missing = [c.value for c in Category if c not in self.category_domains]
        if missing:
            raise ValueError(f"category_domains: no domains for {', '.join(missing)}")
        for tier in Tier:
            limits = self.time_limits.get(tier)
            if limits is None:
                raise ValueError(f"time_limits: no limits for tier {tier.value}")
            for urgency in Urgency:
                if urgency not in limits:
                    raise ValueError(
                        f"time_limits.{tier.value}: no limit for urgency {urgency.value}"
                    )
        if self.recurrence_threshold < 1:
            raise ValueError(
                f"recurrence_threshold: expected 1 or more, found {self.recurrence_threshold}"
            )

    def __repr__(self) -> str:
        """Short: ``Policy(<default>)``, then only what differs from the default.

        The whole policy is hundreds of entries; written out it would flood
        ``help()`` and every signature that takes ``policy=``. A field that
        differs is shown with its value when that is short, else as
        ``<changed>``.

        Examples
        --------
        >>> import attrs
        >>> from govmodel import DEFAULT_POLICY, load_policy
        >>> DEFAULT_POLICY
        Policy(<default>)
        >>> attrs.evolve(DEFAULT_POLICY, require_revisit=False)
        Policy(<default>, require_revisit=False)
        >>> load_policy({"category_domains": {"noise": ["legal"]}, "recurrence_threshold": 3})
        Policy(<default>, category_domains=<changed>, recurrence_threshold=3)
        """
        default = globals().get("DEFAULT_POLICY")
        if default is None:  # building the default itself
            return "Policy(<default>)"
        changed = []
        for field in attrs.fields(Policy):
            value = getattr(self, field.name)
            if value != getattr(default, field.name):
                shown = repr(value)
                changed.append(f"{field.name}={shown if len(shown) <= 40 else '<changed>'}")
        return "Policy(" + ", ".join(["<default>", *changed]) + ")"

    def due(self, tier: Tier, urgency: Urgency, at: dt.datetime) -> dt.datetime:
        """When a case taken up at ``at`` must be resolved at ``tier``.

        Examples
        --------
        >>> import datetime as dt
        >>> from govmodel import DEFAULT_POLICY, Tier, Urgency
        >>> DEFAULT_POLICY.due(Tier.COMPOUND, Urgency.ROUTINE, dt.datetime(2025, 9, 30, 17))
        datetime.datetime(2025, 10, 11, 17, 0)
        >>> DEFAULT_POLICY.due(Tier.COMPOUND, Urgency.EMERGENCY, dt.datetime(2025, 9, 30, 17))
        datetime.datetime(2025, 9, 30, 19, 0)
        """
        return self.deadline(at, self.time_limits[tier][urgency])

    def deadline(self, at: dt.datetime, limit: TimeLimit | dt.timedelta) -> dt.datetime:
        """When a time limit that starts at ``at`` runs out.

        Every due time of the rules goes through this one method, so the way
        limits are counted is decided in one place: round-the-clock limits
        add their duration, working days and hours count on ``calendar``. A
        ``timedelta`` counts as round-the-clock hours.

        A naive ``at`` is a local time in ``time_zone`` and gives a naive due
        time; an aware one gives a due time in ``at``'s own zone, its working
        days and hours read in ``time_zone``.

        Examples
        --------
        >>> import datetime as dt
        >>> from govmodel import DEFAULT_POLICY, TimeLimit
        >>> DEFAULT_POLICY.deadline(dt.datetime(2025, 1, 1, 9), dt.timedelta(hours=2))
        datetime.datetime(2025, 1, 1, 11, 0)
        >>> DEFAULT_POLICY.deadline(dt.datetime(2025, 9, 30, 17), TimeLimit(1, "working_days"))
        datetime.datetime(2025, 10, 9, 17, 0)
        >>> utc = dt.datetime(2025, 9, 30, 9, tzinfo=dt.timezone.utc)   # 17:00 in Shanghai
        >>> DEFAULT_POLICY.deadline(utc, TimeLimit(1, "working_days"))
        datetime.datetime(2025, 10, 9, 9, 0, tzinfo=datetime.timezone.utc)
        """
        if not isinstance(limit, TimeLimit):
            return at + limit
        elapsed = limit.elapsed
        zone = at.tzinfo
        if elapsed is not None:
            if zone is None or zone is dt.UTC:
                return at + elapsed
            # Elapsed time, not wall-clock time, where a zone changes its offset.
            return (at.astimezone(dt.UTC) + elapsed).astimezone(zone)
        if zone is None:
            return self.calendar.deadline(at, limit)
        local = at.astimezone(self.time_zone).replace(tzinfo=None)
        end = self.calendar.deadline(local, limit)
        return end.replace(tzinfo=self.time_zone).astimezone(zone)

    def aware(self, moment: dt.datetime) -> dt.datetime:
        """``moment`` with a zone: a naive one is read as a local time in ``time_zone``.

        What the rules use to compare times of different kinds, so that a log
        mixing naive and aware times never fails on a comparison.

        Examples
        --------
        >>> import datetime as dt
        >>> from govmodel import DEFAULT_POLICY
        >>> DEFAULT_POLICY.aware(dt.datetime(2025, 5, 6, 9)).isoformat()
        '2025-05-06T09:00:00+08:00'
        """
        if moment.tzinfo is None:
            return moment.replace(tzinfo=self.time_zone)
        return moment


DEFAULT_POLICY = Policy(
    category_domains=_CATEGORY_DOMAINS,
    role_domains=_ROLE_DOMAINS,
    body_domains=_BODY_DOMAINS,
    time_limits=_TIME_LIMITS,
    # Xinhe: property staff and grid workers answer in the 49 WeChat groups
    # "24小时在线响应": round the clock.
    response_limit=TimeLimit(24, LimitUnit.HOURS),
    # govmodel's choice: three reports of one matter at one place within 30 days
    # (the case and two before it) mean the first tier is not settling it.
    recurrence_window=30 * _DAY,
    recurrence_threshold=2,
    # Xinhe: 一案一回访 — every case gets a return visit before it is closed.
    require_revisit=True,
    # The joint meetings of the articles (1+3+N, three-in-one, four-party)
    # gather residents' representatives and settle common affairs: Lianhua's
    # 深业花园 branch led the owners' committee, the property and residents'
    # representatives to separate the kindergarten gate from the residents'.
    meeting_domains=frozenset({Domain.RESIDENT_AFFAIRS}),
    # govmodel's choice: research, forum and consultation take weeks (Zhuanqiao
    # held 28 meetings for 18 problems; Lianhua's elevators took months); they
    # run over holidays, so calendar days.
    deliberation_limit=TimeLimit(60, LimitUnit.DAYS),
    # 吹哨报到 (Pinggu 2017, Beijing 2018): summoned departments report on the
    # spot within about 30 minutes.
    emergency_report_limit=TimeLimit(0.5, LimitUnit.HOURS),
    # Beijing 12345 practice: general matters are answered in about 7 working
    # days (complex ones in 15). A referral (转办 / 派单) running longer is a
    # long-running matter, which seed 002 sends to a red whistle order.
    referral_limit=TimeLimit(7, LimitUnit.WORKING_DAYS),
    # The State Council's notices (调休) with a Monday-to-Friday week and the
    # 09:00-17:00 office day; see govmodel.rules.calendar.
    calendar=CHINA_CALENDAR,
    # The communities of the seeds are all in mainland China (UTC+8, no summer time).
    time_zone="Asia/Shanghai",
)
"""The default policy; each value's source is commented where it is defined."""


# -- loading -------------------------------------------------------------------

_TOP = (
    "category_domains",
    "role_domains",
    "body_domains",
    "time_limits",
    "time_limits_hours",
    "response_limit",
    "response_limit_hours",
    "recurrence_window_days",
    "recurrence_threshold",
    "require_revisit",
    "meeting_domains",
    "deliberation_limit",
    "deliberation_limit_days",
    "emergency_report_limit",
    "emergency_report_limit_minutes",
    "referral_limit",
    "referral_limit_working_days",
    "calendar",
    "time_zone",
)
_CALENDAR_KEYS = (
    "weekend",
    "holidays",
    "workdays",
    "add_holidays",
    "add_workdays",
    "hours",
    "years",
    "strict",
    "name",
)


def load_policy(
    source: str | os.PathLike[str] | Mapping[str, Any], *, base: Policy = DEFAULT_POLICY
) -> Policy:
    """A policy from a TOML file or mapping, overriding ``base`` key by key.

    Keys: ``category_domains`` (category → list of domains), ``role_domains``,
    ``body_domains``, ``time_limits`` (tier → urgency → ``{amount, unit}``),
    ``time_limits_hours`` (tier → urgency → hours), ``response_limit``
    (``{amount, unit}``) or ``response_limit_hours``,
    ``recurrence_window_days``, ``recurrence_threshold``, ``require_revisit``,
    ``meeting_domains``, ``deliberation_limit`` or ``deliberation_limit_days``,
    ``calendar`` (``weekend``, ``holidays``, ``workdays``, ``hours``,
    ``years``, ``strict``, ``name``), ``time_zone``, ``emergency_report_limit`` or
    ``emergency_report_limit_minutes``, ``referral_limit`` or
    ``referral_limit_working_days``. Every problem is
    reported at once in a :class:`govmodel.SpecError`; ``docs/policy.md``
    describes each key.

    Examples
    --------
    >>> from govmodel import Category, Domain, Tier, Urgency
    >>> p = load_policy({"category_domains": {"noise": ["neighbour_dispute", "legal"]},
    ...                  "time_limits_hours": {"micro_grid": {"routine": 12}}})
    >>> sorted(d.value for d in p.category_domains[Category.NOISE])
    ['legal', 'neighbour_dispute']
    >>> p.time_limits[Tier.MICRO_GRID][Urgency.ROUTINE]
    TimeLimit(12, 'hours')
    >>> q = load_policy({"time_limits": {"compound": {"routine": {"amount": 2,
    ...                                                           "unit": "working_days"}}},
    ...                  "calendar": {"hours": ["08:30", "17:30"]}})
    >>> q.time_limits[Tier.COMPOUND][Urgency.ROUTINE], q.calendar.hours[1]
    (TimeLimit(2, 'working_days'), datetime.time(17, 30))
    >>> load_policy({"category_domains": {"noise": ["quiet"]}, "colour": 1})
    Traceback (most recent call last):
    ...
    govmodel.errors.SpecError: policy: cannot load (2 problems):
      colour: unknown key "colour"
      category_domains.noise[0]: unknown domain "quiet"; expected one of ...
    """
    where = "policy"
    if isinstance(source, Mapping):
        data: Any = source
    elif isinstance(source, str | os.PathLike):
        path = Path(source)
        where = repr(str(path))[1:-1]  # printable, whatever the name holds
        data = _read_toml(path, where)
    else:
        raise SpecError(
            f"{where}: cannot load",
            [
                SpecProblem(
                    "",
                    "wrong-type",
                    f"expected a mapping or the path of a TOML file, found {type(source).__name__}",
                )
            ],
        )
    problems: list[SpecProblem] = []
    changes: dict[str, Any] = {}
    if not isinstance(data, Mapping):
        raise SpecError(
            f"{where}: cannot load",
            [SpecProblem("", "wrong-type", "expected a table of keys")],
        )
    for key in data:
        if key not in _TOP:
            problems.append(SpecProblem(str(key), "unknown-key", f'unknown key "{key}"'))
    for key, enum in (
        ("category_domains", Category),
        ("role_domains", Role),
        ("body_domains", BodyKind),
    ):
        if key in data:
            table = _table(data[key], key, problems)
            merged = dict(getattr(base, key))
            for name, value in table.items():
                member = _member(enum, name, f"{key}.{name}", key.split("_")[0], problems)
                domains = _domain_list(value, f"{key}.{name}", problems)
                if member is not None and domains is not None:
                    merged[member] = domains
            changes[key] = merged
    limits = {tier: dict(v) for tier, v in base.time_limits.items()}
    for key in ("time_limits_hours", "time_limits"):
        if key not in data:
            continue
        for tier_name, row in _table(data[key], key, problems).items():
            tier = _member(Tier, tier_name, f"{key}.{tier_name}", "tier", problems)
            for urgency_name, value in _table(row, f"{key}.{tier_name}", problems).items():
                where_u = f"{key}.{tier_name}.{urgency_name}"
                urgency = _member(Urgency, urgency_name, where_u, "urgency", problems)
                if key == "time_limits":
                    limit = _time_limit(value, where_u, problems)
                else:
                    hours = _positive_number(value, where_u, problems)
                    limit = None if hours is None else TimeLimit(hours, LimitUnit.HOURS)
                if tier is not None and urgency is not None and limit is not None:
                    limits[tier][urgency] = limit
        changes["time_limits"] = limits
    if "meeting_domains" in data:
        domains = _domain_list(data["meeting_domains"], "meeting_domains", problems)
        if domains is not None:
            changes["meeting_domains"] = domains
    for key, field, unit in (
        ("response_limit_hours", "response_limit", LimitUnit.HOURS),
        ("deliberation_limit_days", "deliberation_limit", LimitUnit.DAYS),
        ("referral_limit_working_days", "referral_limit", LimitUnit.WORKING_DAYS),
    ):
        if key in data:
            value = _positive_number(data[key], key, problems)
            if value is not None:
                try:
                    changes[field] = TimeLimit(value, unit)
                except ValueError as err:
                    problems.append(SpecProblem(key, "invalid-value", str(err)))
    for field in (
        "response_limit",
        "deliberation_limit",
        "emergency_report_limit",
        "referral_limit",
    ):
        if field in data:
            limit = _time_limit(data[field], field, problems)
            if limit is not None:
                changes[field] = limit
    if "emergency_report_limit_minutes" in data:
        key = "emergency_report_limit_minutes"
        minutes = _positive_number(data[key], key, problems)
        if minutes is not None:
            changes["emergency_report_limit"] = TimeLimit(minutes / 60, LimitUnit.HOURS)
    if "recurrence_window_days" in data:
        value = _positive_number(data["recurrence_window_days"], "recurrence_window_days", problems)
        if value is not None and value > 36_525:
            problems.append(
                SpecProblem(
                    "recurrence_window_days",
                    "invalid-value",
                    "expected at most 36525 days (a century)",
                )
            )
        elif value is not None:
            changes["recurrence_window"] = dt.timedelta(days=value)
    if "calendar" in data:
        calendar = _calendar(data["calendar"], base.calendar, problems)
        if calendar is not None:
            changes["calendar"] = calendar
    if "time_zone" in data:
        try:
            changes["time_zone"] = _zone(data["time_zone"])
        except ValueError:
            problems.append(
                SpecProblem(
                    "time_zone",
                    "unknown-value",
                    f"expected an IANA time zone name such as Asia/Shanghai, "
                    f"found {_r(data['time_zone'])}",
                )
            )
    if "recurrence_threshold" in data:
        value = data["recurrence_threshold"]
        if type(value) is not int or value < 1:
            problems.append(
                SpecProblem(
                    "recurrence_threshold",
                    "wrong-type",
                    f"expected an integer of 1 or more, found {_r(value)}",
                )
            )
        else:
            changes["recurrence_threshold"] = value
    if "require_revisit" in data:
        value = data["require_revisit"]
        if type(value) is not bool:
            problems.append(
                SpecProblem(
                    "require_revisit", "wrong-type", f"expected true or false, found {_r(value)}"
                )
            )
        else:
            changes["require_revisit"] = value
    if problems:
        # Keys are the file's own: a lone surrogate in one is shown escaped, so that
        # every message can be printed.
        raise SpecError(
            f"{where}: cannot load",
            [SpecProblem(_printable(p.location), p.code, _printable(p.message)) for p in problems],
        )
    return attrs.evolve(base, **changes)


def _table(value: object, where: str, problems: list[SpecProblem]) -> Mapping[str, Any]:
    if isinstance(value, Mapping):
        return value
    problems.append(SpecProblem(where, "wrong-type", f"expected a table, found {_r(value)}"))
    return {}


def _member(enum: Any, name: object, where: str, label: str, problems: list[SpecProblem]) -> Any:
    if isinstance(name, str):
        try:
            return enum(name)
        except ValueError:
            pass
    shown = f'"{name}"' if isinstance(name, str) and len(name) <= 60 else _r(name)
    choices = ", ".join(m.value for m in enum)
    problems.append(
        SpecProblem(where, "unknown-value", f"unknown {label} {shown}; expected one of {choices}")
    )
    return None


def _domain_list(
    value: object, where: str, problems: list[SpecProblem]
) -> frozenset[Domain] | None:
    if not isinstance(value, list):
        problems.append(
            SpecProblem(where, "wrong-type", f"expected a list of domains, found {_r(value)}")
        )
        return None
    out: set[Domain] = set()
    ok = True
    for index, name in enumerate(value):
        member = _member(Domain, name, f"{where}[{index}]", "domain", problems)
        if member is None:
            ok = False
        else:
            out.add(member)
    return frozenset(out) if ok else None


def _read_toml(path: Path, where: str) -> Any:
    """A policy file's TOML, or a ``SpecError`` saying why not: never a builtin error."""
    problem: SpecProblem
    try:
        return tomllib.loads(path.read_bytes().decode("utf-8"))
    except (OSError, ValueError) as err:  # ValueError: a NUL in the path, or one of the below
        if isinstance(err, tomllib.TOMLDecodeError):
            problem = SpecProblem("", "syntax", f"not valid TOML: {err}")
        elif isinstance(err, UnicodeDecodeError):
            problem = SpecProblem("", "syntax", f"not valid UTF-8 at byte {err.start}")
        elif isinstance(err, OSError):
            problem = SpecProblem("", "unreadable", f"cannot read the file: {err.strerror or err}")
        elif "\0" in str(path):
            problem = SpecProblem("", "unreadable", "cannot read the file: a NUL in its name")
        else:  # tomllib reads integers with int(), which refuses very long ones
            problem = SpecProblem("", "syntax", "not valid TOML: an integer far too long")
    except RecursionError:
        problem = SpecProblem("", "syntax", "not valid TOML: nested too deeply")
    raise SpecError(f"{where}: cannot load", [problem])


_MAX_NUMBER = 10**6


def _positive_number(value: object, where: str, problems: list[SpecProblem]) -> float | None:
    if type(value) in (int, float) and value > _MAX_NUMBER:  # type: ignore[operator]
        problems.append(
            SpecProblem(where, "invalid-value", f"expected a number of at most {_MAX_NUMBER}")
        )
        return None
    if type(value) not in (int, float) or not value > 0:  # type: ignore[operator]
        problems.append(
            SpecProblem(where, "wrong-type", f"expected a positive number, found {_r(value)}")
        )
        return None
    return float(value)  # type: ignore[arg-type]


def _time_limit(value: object, where: str, problems: list[SpecProblem]) -> TimeLimit | None:
    units = ", ".join(u.value for u in LimitUnit)
    if not isinstance(value, Mapping) or set(value) != {"amount", "unit"}:
        problems.append(
            SpecProblem(
                where,
                "wrong-type",
                f"expected a table {{amount = <number>, unit = <{units}>}}, found {_r(value)}",
            )
        )
        return None
    try:
        return TimeLimit(value["amount"], value["unit"])
    except ValueError as err:
        problems.append(SpecProblem(where, "invalid-value", str(err)))
        return None


def _calendar(value: object, base: Calendar, problems: list[SpecProblem]) -> Calendar | None:
    table = _table(value, "calendar", problems)
    changes: dict[str, Any] = {}
    ok = True
    for key, item in table.items():
        where = f"calendar.{key}"
        found: Any = None
        if key not in _CALENDAR_KEYS:
            problems.append(SpecProblem(where, "unknown-key", f'unknown key "{key}"'))
        elif key in ("holidays", "workdays", "add_holidays", "add_workdays"):
            found = _date_list(item, where, problems)
        elif key == "hours":
            found = _clock_pair(item, where, problems)
        elif key == "weekend":
            found = _weekdays(item, where, problems)
        elif key == "years":
            found = _year_pair(item, where, problems)
        elif key == "strict":
            if type(item) is bool:
                found = item
            else:
                problems.append(
                    SpecProblem(where, "wrong-type", f"expected true or false, found {_r(item)}")
                )
        elif type(item) is str:  # name
            found = item
        else:
            problems.append(
                SpecProblem(where, "wrong-type", f"expected a string, found {_r(item)}")
            )
        if found is None:
            ok = False
        else:
            changes[key] = found
    if not ok:
        return None
    added = {
        key: changes.pop(f"add_{key}")
        for key in ("holidays", "workdays")
        if f"add_{key}" in changes
    }
    if ("holidays" in changes or "workdays" in changes) and "years" not in changes:
        # The lists given replace the base calendar's: the years they span are the ones known.
        listed = [*changes.get("holidays", ()), *changes.get("workdays", ())]
        changes["years"] = (min(listed).year, max(listed).year) if listed else None
        if "holidays" not in changes:
            changes["holidays"] = frozenset()
        if "workdays" not in changes:
            changes["workdays"] = frozenset()
    for key, days in added.items():
        # Added days join the list in force (the file's, else the base calendar's) and
        # leave the other: an added working day is no longer a holiday.
        other = "workdays" if key == "holidays" else "holidays"
        changes[key] = changes.get(key, getattr(base, key)) | days
        changes[other] = changes.get(other, getattr(base, other)) - days
    try:
        return attrs.evolve(base, **changes)
    except (ValueError, TypeError) as err:
        problems.append(SpecProblem("calendar", "invalid-value", str(err)))
        return None


def _weekdays(
    value: object, where: str, problems: list[SpecProblem]
) -> tuple[str | int, ...] | None:
    names = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
    days = value if isinstance(value, list) else []
    ok = isinstance(value, list) and all(
        (isinstance(d, str) and d.lower() in names) or (type(d) is int and 0 <= d <= 6)
        for d in days
    )
    if not ok or len({str(d).lower() for d in days}) == 7:
        problems.append(
            SpecProblem(
                where,
                "wrong-type",
                f'expected a list of day names such as ["saturday", "sunday"], '
                f"with at least one working day, found {_r(value)}",
            )
        )
        return None
    return tuple(days)


def _year_pair(value: object, where: str, problems: list[SpecProblem]) -> tuple[int, int] | None:
    if (
        isinstance(value, list)
        and len(value) == 2
        and all(type(y) is int and 1 <= y <= 9999 for y in value)
        and value[0] <= value[1]
    ):
        return (value[0], value[1])
    problems.append(
        SpecProblem(
            where, "wrong-type", f"expected [first, last] years, first <= last, found {_r(value)}"
        )
    )
    return None


def _date_list(value: object, where: str, problems: list[SpecProblem]) -> frozenset[dt.date] | None:
    if not isinstance(value, list):
        problems.append(
            SpecProblem(where, "wrong-type", f"expected a list of dates, found {_r(value)}")
        )
        return None
    out: set[dt.date] = set()
    for index, item in enumerate(value):
        day: dt.date | None = None
        if isinstance(item, dt.date) and not isinstance(item, dt.datetime):
            day = item
        elif isinstance(item, str):
            try:
                day = dt.date.fromisoformat(item)
            except ValueError:
                day = None
        if day is None:
            problems.append(
                SpecProblem(
                    f"{where}[{index}]",
                    "bad-date",
                    f"expected a date (2025-10-01), found {_r(item)}",
                )
            )
            return None
        out.add(day)
    return frozenset(out)


_CLOCK = re.compile(r"(\d{1,2}):(\d{2})")


def _clock_pair(
    value: object, where: str, problems: list[SpecProblem]
) -> tuple[dt.time, dt.time] | None:
    times: list[dt.time] = []
    if isinstance(value, list) and len(value) == 2:
        for item in value:
            if isinstance(item, dt.time):
                times.append(item)
            elif isinstance(item, str) and (clock := _CLOCK.fullmatch(item)):
                hour, minute = int(clock[1]), int(clock[2])
                if hour < 24 and minute < 60:
                    times.append(dt.time(hour, minute))
    if len(times) != 2:
        problems.append(
            SpecProblem(
                where,
                "wrong-type",
                f'expected ["09:00", "17:00"] (opening, closing), found {_r(value)}',
            )
        )
        return None
    if not times[0] < times[1]:
        problems.append(
            SpecProblem(
                where,
                "invalid-value",
                "expected the opening before the closing, found "
                f"{times[0].isoformat('minutes')} and {times[1].isoformat('minutes')}",
            )
        )
        return None
    return (times[0], times[1])

"""The domain records of govmodel: frozen attrs classes and closed vocabularies.

Each record is one line of a spec (see ``docs/spec.md``). Records know nothing
of each other; how they refer to each other by id is checked by
``govmodel.validate`` and the spec loader. A record checks only what it can
see alone: no negative households, no appointment that ends before it starts,
no duplicates inside one of its lists.

Examples
--------
>>> from govmodel.model import Place, PlaceKind
>>> Place(id="compound:wanda", kind=PlaceKind.COMPOUND, parent="community:xinhe",
...       households=1100, name_zh="万达华府").households
1100
>>> Place(id="compound:x", kind=PlaceKind.COMPOUND, households=-1)
Traceback (most recent call last):
...
ValueError: households: expected a count of 0 or more, found -1
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from enum import StrEnum
from typing import Any, ClassVar

import attrs

from govmodel._fields import list_to_tuple

__all__ = [
    "Appointment",
    "Body",
    "BodyKind",
    "Category",
    "Channel",
    "Domain",
    "Frequency",
    "Grid",
    "GridLevel",
    "Matter",
    "Meeting",
    "Person",
    "Place",
    "PlaceKind",
    "Post",
    "Procedure",
    "Role",
    "Scope",
    "Status",
    "Tie",
    "TieKind",
    "Tier",
    "Urgency",
    "Vote",
]


class PlaceKind(StrEnum):
    """Kinds of place, from the largest down (街道 → 社区 → 小区 → 楼栋 → 单元).

    Examples
    --------
    >>> PlaceKind("compound") is PlaceKind.COMPOUND
    True
    >>> [k.value for k in PlaceKind]
    ['street', 'community', 'compound', 'building', 'unit']
    """

    STREET = "street"
    COMMUNITY = "community"
    COMPOUND = "compound"
    BUILDING = "building"
    UNIT = "unit"


class GridLevel(StrEnum):
    """The three grid levels (三级网格): 社区区域网格, 小区全科网格, 楼栋单元微网格.

    Examples
    --------
    >>> [g.value for g in GridLevel]
    ['community', 'compound', 'micro']
    """

    COMMUNITY = "community"
    COMPOUND = "compound"
    MICRO = "micro"


class BodyKind(StrEnum):
    """Kinds of organised body.

    Examples
    --------
    >>> BodyKind("owners_committee").name
    'OWNERS_COMMITTEE'
    >>> BodyKind.PARTY_BRANCH.is_party
    True
    >>> BodyKind.PROPERTY_COMPANY.is_party
    False
    """

    PARTY_WORKING_COMMITTEE = "party_working_committee"  # 街道党工委 / 镇党委
    PARTY_COMMITTEE = "party_committee"  # 社区党委
    PARTY_BRANCH = "party_branch"  # 党支部 (compound, grid, functional, in a company)
    PARTY_GROUP = "party_group"  # 党小组
    RESIDENTS_COMMITTEE = "residents_committee"  # 居委会
    OWNERS_COMMITTEE = "owners_committee"  # 业委会
    SELF_MANAGEMENT_COMMITTEE = "self_management_committee"  # 自管会
    PROPERTY_COMPANY = "property_company"  # 物业公司
    DEPARTMENT = "department"  # 职能部门
    PARTNER_UNIT = "partner_unit"  # 共驻共建单位, 结对单位, 红色合伙人
    MEDIATION_ROOM = "mediation_room"  # 调解室
    VOLUNTEER_TEAM = "volunteer_team"  # 自治队伍, 志愿调解队
    STREET_OFFICE = "street_office"  # 街道办事处

    @property
    def is_party(self) -> bool:
        """Whether bodies of this kind are party organisations."""
        return self in _PARTY_KINDS


_PARTY_KINDS = frozenset(
    {
        BodyKind.PARTY_WORKING_COMMITTEE,
        BodyKind.PARTY_COMMITTEE,
        BodyKind.PARTY_BRANCH,
        BodyKind.PARTY_GROUP,
    }
)


class Role(StrEnum):
    """Roles of posts (岗位). One person may hold several posts (兼任).

    Examples
    --------
    >>> Role("red_property_specialist").value
    'red_property_specialist'
    """

    GRID_LEADER = "grid_leader"  # 网格长
    GRID_WORKER = "grid_worker"  # 网格员
    MICRO_GRID_WORKER = "micro_grid_worker"  # 微网格员
    BUILDING_STEWARD = "building_steward"  # 楼栋管家
    BUILDING_GROUP_LEADER = "building_group_leader"  # 楼组长
    PARTY_SECOND_LEADER = "party_second_leader"  # 党员第二楼组长
    RED_PROPERTY_SPECIALIST = "red_property_specialist"  # 红色物业专员
    INFORMATION_OFFICER = "information_officer"  # 信息员
    PROPERTY_SUPERVISOR = "property_supervisor"  # 物业服务监督员
    VANGUARD_POST = "vanguard_post"  # 党员先锋岗
    MEDIATOR = "mediator"  # 调解员
    LEGAL_ADVISER = "legal_adviser"  # 法律顾问
    PARTY_INSTRUCTOR = "party_instructor"  # 党建指导员
    SECRETARY = "secretary"  # 书记
    MEMBER = "member"  # 委员 / 成员


class TieKind(StrEnum):
    """Kinds of declared tie between two bodies.

    Examples
    --------
    >>> TieKind("embedded_in").value
    'embedded_in'
    """

    LEADS = "leads"  # 引领
    GUIDES = "guides"  # 指导
    SUPERVISES = "supervises"  # 监督 / 评议
    EMBEDDED_IN = "embedded_in"  # 党组织嵌入
    PARTNERS = "partners"  # 红色合伙人, 共建
    PAIRED = "paired"  # 结对


class Domain(StrEnum):
    """Competences: what a body or a post can settle.

    Examples
    --------
    >>> Domain("fire_safety").value
    'fire_safety'
    """

    PROPERTY_SERVICE = "property_service"
    NEIGHBOUR_DISPUTE = "neighbour_dispute"
    OWNERS_DECISION = "owners_decision"
    SUPERVISION = "supervision"
    RESIDENT_AFFAIRS = "resident_affairs"
    PUBLIC_SECURITY = "public_security"
    FIRE_SAFETY = "fire_safety"
    HOUSING = "housing"
    URBAN_MANAGEMENT = "urban_management"
    UTILITIES = "utilities"
    LEGAL = "legal"


class Frequency(StrEnum):
    """How often a standing meeting sits.

    Examples
    --------
    >>> Frequency("monthly").value
    'monthly'
    """

    WEEKLY = "weekly"
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"
    AS_NEEDED = "as_needed"


class Category(StrEnum):
    """Categories of residents' requests (诉求); the policy maps each to domains.

    Examples
    --------
    >>> Category("fire_lane").value
    'fire_lane'
    """

    REPAIR = "repair"  # 设施维护: lifts, doors, lights, pipes
    SANITATION = "sanitation"  # 环境卫生
    GREENING = "greening"  # 绿化
    LEAK = "leak"  # 漏水, between floors or from common parts
    NOISE = "noise"  # 噪音扰民 between neighbours
    PARKING = "parking"  # 停车争议
    PETS = "pets"  # 宠物管理
    NEIGHBOUR_DISPUTE = "neighbour_dispute"  # 邻里矛盾
    FAMILY_DISPUTE = "family_dispute"  # 家庭矛盾
    COMMON_FACILITY = "common_facility"  # 加装电梯, 充电桩, 出入口: owners decide
    PROPERTY_FEES = "property_fees"  # 收费调整: owners decide
    SERVICE_QUALITY = "service_quality"  # complaints about the property company
    ACCESS = "access"  # 出入口拥堵, 人车混行
    FIRE_LANE = "fire_lane"  # 占用消防通道
    UTILITIES = "utilities"  # 电表加装, 改电路, telecom
    SECURITY = "security"  # 车辆损毁, 物品丢失
    EXTERNAL_NUISANCE = "external_nuisance"  # 直升机扰民: a source outside the community
    RESIDENCY = "residency"  # 迁户口
    ROADS = "roads"  # 道路, 井盖
    INQUIRY = "inquiry"  # 咨询, 政策


class Channel(StrEnum):
    """How a request reached the community.

    Examples
    --------
    >>> Channel("wechat").value
    'wechat'
    """

    WALK_IN = "walk_in"  # 诉求登记专窗
    PHONE = "phone"
    WECHAT = "wechat"  # 居民微信群
    PATROL = "patrol"  # 网格巡查, 五必查
    VISIT = "visit"  # 走访 / 入户
    DIARY = "diary"  # 民情日记
    HOTLINE = "hotline"  # 12345 热线
    MEETING = "meeting"  # raised at a standing meeting
    PROACTIVE = "proactive"  # 未诉先办: found before anyone asked


class _OrderedStrEnum(StrEnum):
    """A closed vocabulary whose members are ordered as they are declared.

    ``rank`` is a member's position, from 0 for the first declared; ``<``,
    ``<=``, ``>``, ``>=`` compare ranks, so ``max`` and ``sorted`` follow the
    declared order rather than the alphabet. Members of two different
    vocabularies do not compare (``TypeError``), even where their values are
    the same string. Values, equality, hashing and pickling are those of
    ``StrEnum``.
    """

    # Each subclass gets its own table in __init_subclass__: since Python 3.11
    # the members exist by then. Keyed per class, because members of two
    # vocabularies with the same value are equal strings (Scope.COMPOUND ==
    # Tier.COMPOUND) yet have different ranks.
    _ranks: ClassVar[Mapping[str, int]]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls._ranks = {member: rank for rank, member in enumerate(cls)}

    @property
    def rank(self) -> int:
        """Position in the declared order, from the first (0) to the last."""
        return self._ranks[self]

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, type(self)):
            return NotImplemented
        ranks = self._ranks
        return ranks[self] < ranks[other]

    def __le__(self, other: object) -> bool:
        if not isinstance(other, type(self)):
            return NotImplemented
        ranks = self._ranks
        return ranks[self] <= ranks[other]

    def __gt__(self, other: object) -> bool:
        if not isinstance(other, type(self)):
            return NotImplemented
        ranks = self._ranks
        return ranks[self] > ranks[other]

    def __ge__(self, other: object) -> bool:
        if not isinstance(other, type(self)):
            return NotImplemented
        ranks = self._ranks
        return ranks[self] >= ranks[other]


class Scope(_OrderedStrEnum):
    """How far a matter reaches: household < building < compound < community < beyond.

    ``rank`` is a scope's position in that order, from 0 (household) to 4
    (beyond); scopes compare by rank.

    Examples
    --------
    >>> Scope.BUILDING < Scope.COMMUNITY
    True
    >>> Scope.BEYOND.rank
    4
    """

    HOUSEHOLD = "household"
    BUILDING = "building"
    COMPOUND = "compound"
    COMMUNITY = "community"
    BEYOND = "beyond"


class Urgency(StrEnum):
    """How fast a request must be handled.

    Examples
    --------
    >>> [u.value for u in Urgency]
    ['routine', 'urgent', 'emergency']
    """

    ROUTINE = "routine"
    URGENT = "urgent"
    EMERGENCY = "emergency"


class Tier(_OrderedStrEnum):
    """Where a case is handled: micro_grid < compound < community < whistle < street.

    ``rank`` is a tier's position in that order, from 0 (micro_grid) to 4
    (street); tiers compare by rank.

    Examples
    --------
    >>> Tier.MICRO_GRID < Tier.WHISTLE < Tier.STREET
    True
    >>> max(Tier.COMPOUND, Tier.COMMUNITY)
    <Tier.COMMUNITY: 'community'>
    >>> Tier.STREET.rank
    4
    """

    MICRO_GRID = "micro_grid"
    COMPOUND = "compound"
    COMMUNITY = "community"
    WHISTLE = "whistle"
    STREET = "street"


class Procedure(StrEnum):
    """How a case is handled at its tier.

    Examples
    --------
    >>> Procedure("on_the_spot").value
    'on_the_spot'
    """

    ON_THE_SPOT = "on_the_spot"  # 现场能办的"马上办"
    TRANSFER = "transfer"  # 需协调的"快速转"
    MEDIATION = "mediation"  # 调解室
    DELIBERATION = "deliberation"  # 调研—座谈—征询, Civil Code art. 278
    WHISTLE = "whistle"  # 红色吹哨单: 街乡吹哨、部门报到
    EMERGENCY = "emergency"  # 接诉即办: straight to 110/119/120, the grid worker at once
    REFERRAL = "referral"  # 转办 / 派单: one department handles, the first contact follows up


class Status(StrEnum):
    """Where a case stands in its lifecycle.

    Examples
    --------
    >>> Status("closed").value
    'closed'
    """

    REPORTED = "reported"
    ACCEPTED = "accepted"
    IN_PROGRESS = "in_progress"
    RESOLVED = "resolved"
    REOPENED = "reopened"
    CLOSED = "closed"


class Matter(StrEnum):
    """The nine matters owners decide together (Civil Code art. 278, in order).

    Examples
    --------
    >>> Matter.REBUILD.item
    7
    >>> Matter.REBUILD.special
    True
    >>> Matter.HIRE_MANAGER.special
    False
    """

    RULES_OF_PROCEDURE = "rules_of_procedure"  # (一) 制定和修改业主大会议事规则
    MANAGEMENT_STATUTE = "management_statute"  # (二) 制定和修改管理规约
    ELECT_COMMITTEE = "elect_committee"  # (三) 选举业主委员会或者更换业主委员会成员
    HIRE_MANAGER = "hire_manager"  # (四) 选聘和解聘物业服务企业或者其他管理人
    USE_MAINTENANCE_FUND = "use_maintenance_fund"  # (五) 使用维修资金
    RAISE_MAINTENANCE_FUND = "raise_maintenance_fund"  # (六) 筹集维修资金
    REBUILD = "rebuild"  # (七) 改建、重建建筑物及其附属设施
    CHANGE_COMMON_USE = "change_common_use"  # (八) 改变共有部分的用途或者利用共有部分从事经营活动
    OTHER_MAJOR = "other_major"  # (九) 有关共有和共同管理权利的其他重大事项

    @property
    def item(self) -> int:
        """The item number in art. 278 (1–9)."""
        return tuple(Matter).index(self) + 1

    @property
    def special(self) -> bool:
        """Items 6–8 need three quarters; the others more than half."""
        return 6 <= self.item <= 8


class Vote(StrEnum):
    """An owner's vote on a matter.

    Examples
    --------
    >>> Vote("abstain").value
    'abstain'
    """

    FOR = "for"
    AGAINST = "against"
    ABSTAIN = "abstain"


def _count(_inst: object, attribute: attrs.Attribute[Any], value: int | None) -> None:
    if value is not None and value < 0:
        raise ValueError(f"{attribute.name}: expected a count of 0 or more, found {value}")


def _nonempty_id(_inst: object, attribute: attrs.Attribute[Any], value: str) -> None:
    if not value.strip():
        raise ValueError(f'{attribute.name}: expected a non-empty id, found "{value}"')


def _no_duplicates(
    _inst: object, attribute: attrs.Attribute[Any], value: tuple[Any, ...] | None
) -> None:
    if value is None:
        return
    seen: set[Any] = set()
    for item in value:
        if item in seen:
            raise ValueError(f'{attribute.name}: "{item}" is listed twice')
        seen.add(item)


@attrs.frozen(kw_only=True)
class Place:
    """A place: street, community, compound, building or unit.

    Parameters
    ----------
    id
        Unique id, e.g. ``"compound:wanda"``.
    kind
        The ``PlaceKind``.
    parent
        The id of the place that contains this one; ``None`` for a root.
    households, residents
        Counts where known (户数, 居民人数).
    title
        ``False`` for a no-title compound (无产证: no owners' committee, no
        property fee, no maintenance fund).
    old
        An old compound (老旧小区).
    residential
        ``False`` for office buildings and other non-residential compounds.

    Examples
    --------
    >>> Place(id="compound:dongbei", kind=PlaceKind.COMPOUND, title=False).title
    False
    """

    id: str = attrs.field(validator=_nonempty_id)
    kind: PlaceKind
    parent: str | None = None
    households: int | None = attrs.field(default=None, validator=_count)
    residents: int | None = attrs.field(default=None, validator=_count)
    title: bool = True
    old: bool = False
    residential: bool = True
    name: str = ""
    name_zh: str = ""


@attrs.frozen(kw_only=True)
class Grid:
    """A grid cell of one level covering places (网格).

    A community grid covers communities, a compound grid compounds, a micro-grid
    buildings, or a whole compound when the compound is one micro-grid.

    Examples
    --------
    >>> Grid(id="grid:a", level=GridLevel.MICRO, parent="grid:c",
    ...      covers=["building:1", "building:2"]).covers
    ('building:1', 'building:2')
    """

    id: str = attrs.field(validator=_nonempty_id)
    level: GridLevel
    parent: str | None = None
    covers: tuple[str, ...] = attrs.field(
        default=(), converter=list_to_tuple, validator=_no_duplicates
    )
    name: str = ""
    name_zh: str = ""


@attrs.frozen(kw_only=True)
class Body:
    """An organised body: party organisation, committee, company, department, team.

    Parameters
    ----------
    parent
        The body above it in its own hierarchy (a branch's party committee).
    grid
        For a grid party branch or group: the grid it is built on.
    serves
        Places served under contract (a property company's compounds).
    jurisdiction
        Places the body answers for.
    domains
        Overrides the kind's default competences; required for departments and
        partner units.

    Examples
    --------
    >>> from govmodel.model import Domain
    >>> b = Body(id="dept:fire", kind=BodyKind.DEPARTMENT,
    ...          domains=[Domain.FIRE_SAFETY], jurisdiction=["street:x"])
    >>> b.domains
    (<Domain.FIRE_SAFETY: 'fire_safety'>,)
    """

    id: str = attrs.field(validator=_nonempty_id)
    kind: BodyKind
    parent: str | None = None
    grid: str | None = None
    serves: tuple[str, ...] = attrs.field(
        default=(), converter=list_to_tuple, validator=_no_duplicates
    )
    jurisdiction: tuple[str, ...] = attrs.field(
        default=(), converter=list_to_tuple, validator=_no_duplicates
    )
    domains: tuple[Domain, ...] | None = attrs.field(default=None, converter=list_to_tuple)
    name: str = ""
    name_zh: str = ""

    @domains.validator
    def _check_domains(
        self,
        attribute: attrs.Attribute[tuple[Domain, ...] | None],
        value: tuple[Domain, ...] | None,
    ) -> None:
        _no_duplicates(self, attribute, value)
        if self.kind in _DECLARED_DOMAINS and not value:
            raise ValueError(
                f"domains: a {self.kind.value} must declare the domains it answers for, "
                f"found {'none' if value is None else 'an empty list'}"
            )


_DECLARED_DOMAINS = frozenset({BodyKind.DEPARTMENT, BodyKind.PARTNER_UNIT})


@attrs.frozen(kw_only=True)
class Person:
    """A person who holds posts. Names are personal data.

    Examples
    --------
    >>> Person(id="person:wang", party_member=True).party_member
    True
    """

    id: str = attrs.field(validator=_nonempty_id)
    party_member: bool = False
    name: str = ""
    name_zh: str = ""


@attrs.frozen(kw_only=True)
class Post:
    """A post (岗位) in a body or a grid.

    Parameters
    ----------
    within
        The body or grid the post belongs to; written ``in`` in a spec.
    seats
        How many people may hold the post at the same time (1 for a grid leader,
        3 for a mediation room's mediators).

    Examples
    --------
    >>> Post(id="post:l", role=Role.GRID_LEADER, within="grid:x").seats
    1
    """

    id: str = attrs.field(validator=_nonempty_id)
    role: Role
    within: str
    seats: int = attrs.field(default=1)
    name: str = ""
    name_zh: str = ""

    @seats.validator
    def _check_seats(self, _attribute: attrs.Attribute[int], value: int) -> None:
        if value < 1:
            raise ValueError(f"seats: expected 1 or more, found {value}")


@attrs.frozen(kw_only=True)
class Appointment:
    """A person holding a post from ``start`` until ``end`` (open if ``None``).

    ``end`` is the last day held. A person may hold many posts at once (兼任).

    Examples
    --------
    >>> import datetime as dt
    >>> a = Appointment(person="p", post="q", start=dt.date(2025, 1, 1))
    >>> a.active(dt.date(2030, 1, 1))
    True
    >>> Appointment(person="p", post="q", start=dt.date(2025, 1, 1),
    ...             end=dt.date(2024, 1, 1))
    Traceback (most recent call last):
    ...
    ValueError: end: expected a day on or after start 2025-01-01, found 2024-01-01
    """

    person: str = attrs.field(validator=_nonempty_id)
    post: str = attrs.field(validator=_nonempty_id)
    start: dt.date
    end: dt.date | None = attrs.field(default=None)

    @end.validator
    def _check_end(
        self, _attribute: attrs.Attribute[dt.date | None], value: dt.date | None
    ) -> None:
        if value is not None and value < self.start:
            raise ValueError(
                f"end: expected a day on or after start {self.start.isoformat()}, "
                f"found {value.isoformat()}"
            )

    def active(self, at: dt.date) -> bool:
        """Whether the appointment is in force on day ``at``."""
        return self.start <= at and (self.end is None or at <= self.end)

    def overlaps(self, other: Appointment) -> bool:
        """Whether two appointments share at least one day.

        Examples
        --------
        >>> import datetime as dt
        >>> a = Appointment(person="p", post="q", start=dt.date(2025, 1, 1),
        ...                 end=dt.date(2025, 6, 30))
        >>> b = Appointment(person="r", post="q", start=dt.date(2025, 7, 1))
        >>> a.overlaps(b)
        False
        """
        self_end = self.end or dt.date.max
        other_end = other.end or dt.date.max
        return self.start <= other_end and other.start <= self_end


@attrs.frozen(kw_only=True)
class Tie:
    """A declared tie between two bodies.

    Kinds: leads, guides, supervises, embedded in, partners, paired.

    Examples
    --------
    >>> Tie(kind=TieKind.SUPERVISES, source="smc:x", target="pm:x").kind.value
    'supervises'
    >>> Tie(kind=TieKind.LEADS, source="a", target="a")
    Traceback (most recent call last):
    ...
    ValueError: target: a tie needs two different bodies, found "a" twice
    """

    kind: TieKind
    source: str = attrs.field(validator=_nonempty_id)
    target: str = attrs.field(validator=_nonempty_id)
    start: dt.date | None = None
    name: str = ""
    name_zh: str = ""

    @target.validator
    def _check_target(self, _attribute: attrs.Attribute[str], value: str) -> None:
        if value == self.source:
            raise ValueError(f'target: a tie needs two different bodies, found "{value}" twice')


@attrs.frozen(kw_only=True)
class Meeting:
    """A standing joint meeting (联席会议): 1+3+N, three-in-one, four-party.

    Parameters
    ----------
    convener
        The body that convenes it (usually a party organisation).
    members
        Bodies and posts that sit in it.
    place
        The place whose matters it takes up (a compound for a three-in-one
        meeting); ``None`` means the convener's community.
    frequency, day_of_month
        When it sits (``day_of_month`` 1–31 for fixed-day monthly meetings).

    Examples
    --------
    >>> m = Meeting(id="meeting:15th", convener="rc:x", members=["pm:a"],
    ...             frequency=Frequency.MONTHLY, day_of_month=15)
    >>> m.day_of_month
    15
    >>> Meeting(id="m", convener="c", day_of_month=32)
    Traceback (most recent call last):
    ...
    ValueError: day_of_month: expected a day from 1 to 31, found 32
    """

    id: str = attrs.field(validator=_nonempty_id)
    convener: str
    members: tuple[str, ...] = attrs.field(
        default=(), converter=list_to_tuple, validator=_no_duplicates
    )
    place: str | None = None
    frequency: Frequency = Frequency.AS_NEEDED
    day_of_month: int | None = attrs.field(default=None)
    name: str = ""
    name_zh: str = ""

    @day_of_month.validator
    def _check_day(self, _attribute: attrs.Attribute[int | None], value: int | None) -> None:
        if value is not None and not 1 <= value <= 31:
            raise ValueError(f"day_of_month: expected a day from 1 to 31, found {value}")


# Field types are written as strings (``from __future__ import annotations``);
# resolve them once so converters and introspection see real types.
for _record in (Place, Grid, Body, Person, Post, Appointment, Tie, Meeting):
    attrs.resolve_types(_record)
del _record

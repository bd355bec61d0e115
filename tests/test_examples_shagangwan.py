"""Tests for the bundled example ``shagangwan`` (沙港湾居民区, seed 000).

Each test checks one fact of the source article against the loaded structure,
through the public API only.
"""

from __future__ import annotations

import datetime as dt

import pytest

from govmodel import (
    Body,
    BodyKind,
    Domain,
    Frequency,
    Grid,
    GridLevel,
    Meeting,
    Place,
    PlaceKind,
    Post,
    Relation,
    Role,
    Structure,
    TieKind,
    examples,
    validate,
)

MODELLING_DATE = dt.date(2025, 1, 1)

# compound -> the one property company the article says serves it
SERVED_BY = {
    "compound:kaisa-2": ("pm:kaisa", "佳兆业物业"),
    "compound:dongyuan": ("pm:dongyuan", "东原物业"),
    "compound:third": ("pm:dazhi", "大至物业"),
}
TEAMS = {
    "team:neighbour-guard": "邻里守护队",
    "team:vanguard": "社区先锋队",
    "team:culture": "舞彩邻治队",
}


@pytest.fixture(scope="module")
def s() -> Structure:
    return examples.load("shagangwan")


def _place(s: Structure, place_id: str) -> Place:
    node = s.node(place_id)
    assert isinstance(node, Place)
    return node


def _body(s: Structure, body_id: str) -> Body:
    node = s.node(body_id)
    assert isinstance(node, Body)
    return node


class TestLoads:
    def test_loads_and_validates_clean(self, s: Structure) -> None:
        """The example loads with no validation error.

        The only warnings say that the three compounds have no owners' committee:
        the article names none (it speaks of owners, 业主, and of consulting them).
        """
        assert [(v.code, v.nodes) for v in validate(s)] == [
            ("compound.no-owners-committee", (c,))
            for c in ("compound:kaisa-2", "compound:dongyuan", "compound:third")
        ]

    def test_names(self, s: Structure) -> None:
        """The example is the 沙港湾居民区 (Shagangwan residents' area)."""
        assert s.name_zh == "沙港湾居民区"
        assert [p.name_zh for p in s.places(kind=PlaceKind.COMMUNITY)] == ["沙港湾居民区"]

    def test_chinese_names_are_simplified(self, s: Structure) -> None:
        """Chinese names are in simplified characters.

        The article is in traditional ones (沙港灣 → 沙港湾, 東原 → 东原).
        """
        traditional = set("灣東區業隊鄰護會紅網長莊園")
        records: list[Place | Body | Grid | Post | Meeting] = [
            *s.places(),
            *s.bodies(),
            *s.grids(),
            *s.posts(),
            *s.meetings(),
        ]
        for record in records:
            assert not traditional & set(record.name_zh), record.id


class TestGoverningBodies:
    def test_party_organisation_and_residents_committee(self, s: Structure) -> None:
        """The area has its party organisation and its residents' committee.

        Both answer for the residents' area: 党组织 and 居委.
        """
        kinds = {b.kind for b in s.answering_for("community:shagangwan")}
        assert BodyKind.PARTY_BRANCH in kinds
        assert BodyKind.RESIDENTS_COMMITTEE in kinds
        assert _body(s, "rc:shagangwan").name_zh == "沙港湾居民区居委会"

    def test_party_leads_residents_committee(self, s: Structure) -> None:
        """The party organisation leads the residents' committee (党建引领)."""
        assert s.graph.has_edge("party:shagangwan", "rc:shagangwan", key=Relation.LEADS)


class TestCompoundsAndPropertyCompanies:
    def test_three_compounds(self, s: Structure) -> None:
        """The residents' area holds three compounds.

        佳兆业二期, 东原小区 and the one 大至物业 serves.
        """
        compounds = s.places(kind=PlaceKind.COMPOUND)
        assert {p.id for p in compounds} == set(SERVED_BY)
        assert all(p.parent == "community:shagangwan" for p in compounds)
        assert _place(s, "compound:kaisa-2").name_zh == "佳兆业二期"
        assert _place(s, "compound:dongyuan").name_zh == "东原小区"

    def test_three_property_companies(self, s: Structure) -> None:
        """Three property companies are named: 佳兆业物业, 东原物业, 大至物业."""
        companies = s.bodies(kind=BodyKind.PROPERTY_COMPANY)
        assert sorted(b.name_zh for b in companies) == sorted(zh for _, zh in SERVED_BY.values())

    @pytest.mark.parametrize(("compound", "company"), list(SERVED_BY.items()))
    def test_each_compound_served_by_its_company(
        self, s: Structure, compound: str, company: tuple[str, str]
    ) -> None:
        """Each compound is served by exactly its named property company (物业)."""
        company_id, company_zh = company
        served = s.serving(compound)
        assert [b.id for b in served] == [company_id]
        assert served[0].name_zh == company_zh
        assert _body(s, company_id).serves == (compound,)

    def test_party_leads_property_companies(self, s: Structure) -> None:
        """Property governance is led by party building (党建引领物业治理)."""
        for company_id, _ in SERVED_BY.values():
            assert s.graph.has_edge("party:shagangwan", company_id, key=Relation.LEADS)


class TestVolunteerTeams:
    def test_three_teams_with_chinese_names(self, s: Structure) -> None:
        """Three self-governance teams (三支自治队伍) with their Chinese names.

        邻里守护队, 社区先锋队, 舞彩邻治队.
        """
        teams = s.bodies(kind=BodyKind.VOLUNTEER_TEAM)
        assert {t.id: t.name_zh for t in teams} == TEAMS

    @pytest.mark.parametrize("team", sorted(TEAMS))
    def test_team_formed_by_residents_committee(self, s: Structure, team: str) -> None:
        """The residents' committee formed the teams (居委牵头组建): it is their parent."""
        assert _body(s, team).parent == "rc:shagangwan"
        assert s.graph.has_edge("rc:shagangwan", team, key=Relation.PARENT_OF)

    @pytest.mark.parametrize("team", sorted(TEAMS))
    def test_team_led_by_party(self, s: Structure, team: str) -> None:
        """The party organisation leads each team (党员带头、群众参与)."""
        leaders = {t.source for t in s.ties(kind=TieKind.LEADS) if t.target == team}
        assert leaders == {"party:shagangwan"}

    @pytest.mark.parametrize("team", sorted(TEAMS))
    def test_team_answers_for_residents_area(self, s: Structure, team: str) -> None:
        """The teams work across the whole residents' area (常态化穿梭小区)."""
        assert _body(s, team).jurisdiction == ("community:shagangwan",)


class TestRedPropertyMeeting:
    def test_monthly_on_the_15th(self, s: Structure) -> None:
        """The "红色物管" meeting sits on the 15th of every month (每月15日)."""
        meeting = s.meeting("meeting:red-property")
        assert meeting.frequency is Frequency.MONTHLY
        assert meeting.day_of_month == 15
        assert meeting.name_zh == "“红色物管”例会"

    def test_convened_by_residents_committee(self, s: Structure) -> None:
        """The residents' committee convenes it (居委牵头)."""
        assert s.meeting("meeting:red-property").convener == "rc:shagangwan"
        assert s.graph.has_edge("rc:shagangwan", "meeting:red-property", key=Relation.CONVENES)

    def test_members_are_property_companies_and_departments(self, s: Structure) -> None:
        """The property companies and the invited departments sit in it.

        物业主力, 邀请各相关部门共同参与.
        """
        members = set(s.meeting("meeting:red-property").members)
        companies = {b.id for b in s.bodies(kind=BodyKind.PROPERTY_COMPANY)}
        assert companies <= members
        assert "dept:police" in members
        assert members == companies | {"dept:police"}

    def test_takes_up_the_residents_area(self, s: Structure) -> None:
        """It handles the matters of the whole residents' area."""
        assert [m.id for m in s.meetings_for("community:shagangwan")] == ["meeting:red-property"]


class TestGridLinkage:
    def test_one_community_grid_and_a_grid_per_compound(self, s: Structure) -> None:
        """The community grid (社区网格) covers the area; each compound has its grid."""
        assert [g.covers for g in s.grids(level=GridLevel.COMMUNITY)] == [("community:shagangwan",)]
        covered = sorted(c for g in s.grids(level=GridLevel.COMPOUND) for c in g.covers)
        assert covered == sorted(SERVED_BY)

    def test_residents_committee_leads_the_grid(self, s: Structure) -> None:
        """The grid is led by the residents' committee (居委牵头): its cadre is grid leader."""
        (leader_post,) = s.posts_in("grid:shagangwan")
        assert leader_post.role is Role.GRID_LEADER
        (holder,) = s.holders(leader_post.id, at=MODELLING_DATE)
        roles = {(p.role, p.within) for p in s.posts_of(holder.id, at=MODELLING_DATE)}
        assert (Role.MEMBER, "rc:shagangwan") in roles

    @pytest.mark.parametrize(
        ("grid", "company"),
        [
            ("grid:kaisa-2", "pm:kaisa"),
            ("grid:dongyuan", "pm:dongyuan"),
            ("grid:third", "pm:dazhi"),
        ],
    )
    def test_property_staff_work_in_compound_grids(
        self, s: Structure, grid: str, company: str
    ) -> None:
        """The property companies are the grid's main force (物业主力).

        Each compound grid worker is a steward of that compound's company (cross-appointment).
        """
        (worker_post,) = s.posts_in(grid)
        (holder,) = s.holders(worker_post.id, at=MODELLING_DATE)
        assert {p.within for p in s.posts_of(holder.id, at=MODELLING_DATE)} == {grid, company}

    def test_police_station_for_public_security(self, s: Structure) -> None:
        """The police station (派出所) answers for public security.

        It was linked in through the grid over the helicopter noise.
        """
        police = _body(s, "dept:police")
        assert police.kind is BodyKind.DEPARTMENT
        assert police.name_zh == "派出所"
        assert police.domains == (Domain.PUBLIC_SECURITY,)

    def test_changbang_village(self, s: Structure) -> None:
        """长浜村 (Changbang village) helped adjust the flight times: a partner unit."""
        village = _body(s, "partner:changbang")
        assert village.kind is BodyKind.PARTNER_UNIT
        assert village.name_zh == "长浜村"
        assert village.domains == (Domain.URBAN_MANAGEMENT,)

    def test_park_management(self, s: Structure) -> None:
        """The unit in charge of 庄行公园 built the park entrance with the compound."""
        park = _body(s, "partner:zhuanghang-park")
        assert park.kind is BodyKind.PARTNER_UNIT
        assert park.name_zh == "庄行公园负责单位"
        assert park.domains == (Domain.URBAN_MANAGEMENT,)


class TestDongyuanPlatform:
    def test_three_party_platform(self, s: Structure) -> None:
        """A three-party platform (三方沟通平台) was set up in 东原小区.

        Residents' committee, property company and owners, for the pet problem; the
        neighbourhood guard (邻里守护队) helped set it up. Owners are not a body.
        """
        meeting = s.meeting("meeting:dongyuan-three-party")
        assert meeting.convener == "rc:shagangwan"
        assert set(meeting.members) == {"pm:dongyuan", "team:neighbour-guard"}
        assert meeting.place == "compound:dongyuan"

"""Tests for the bundled example ``zhuanqiao`` (砖桥居民区, seed 003).

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
COMPOUNDS = ("compound:jiahe", "compound:dongbei", "compound:third")
MICRO_GRIDS = {
    "grid:jiahe-micro": "compound:jiahe",
    "grid:dongbei-micro": "compound:dongbei",
    "grid:third-micro": "compound:third",
}
SERVICE_GROUP = [Role.BUILDING_GROUP_LEADER, Role.PARTY_SECOND_LEADER, Role.RED_PROPERTY_SPECIALIST]


@pytest.fixture(scope="module")
def s() -> Structure:
    return examples.load("zhuanqiao")


def _place(s: Structure, place_id: str) -> Place:
    node = s.node(place_id)
    assert isinstance(node, Place)
    return node


def _body(s: Structure, body_id: str) -> Body:
    node = s.node(body_id)
    assert isinstance(node, Body)
    return node


def _role_post(s: Structure, owner: str, role: Role) -> str:
    (post,) = [p for p in s.posts_in(owner) if p.role is role]
    return post.id


class TestLoads:
    def test_loads_and_validates_clean(self, s: Structure) -> None:
        """The example loads and has no validation error or warning."""
        assert validate(s) == ()

    def test_names(self, s: Structure) -> None:
        """The example is the 砖桥居民区 of 洞泾镇 (Dongjing town)."""
        assert s.name_zh == "砖桥居民区"
        community = _place(s, "community:zhuanqiao")
        assert community.name_zh == "砖桥居民区"
        assert _place(s, "street:dongjing").name_zh == "洞泾镇"
        assert [p.id for p in s.ancestors("community:zhuanqiao")] == ["street:dongjing"]

    def test_chinese_names_are_simplified(self, s: Structure) -> None:
        """Chinese names are in simplified characters.

        The article is in traditional ones (磚橋 → 砖桥, 洞涇 → 洞泾, 紅色自管會 → 红色自管会).
        """
        traditional = set("磚橋涇業會黨區組專員紅電東網樓")
        records: list[Place | Body | Grid | Post | Meeting] = [
            *s.places(),
            *s.bodies(),
            *s.grids(),
            *s.posts(),
            *s.meetings(),
        ]
        for record in records:
            assert not traditional & set(record.name_zh), record.id


class TestPlaces:
    def test_three_no_title_compounds(self, s: Structure) -> None:
        """The area has 3 no-title compounds (3个无产证小区)."""
        compounds = s.places(kind=PlaceKind.COMPOUND)
        assert {p.id for p in compounds} == set(COMPOUNDS)
        assert all(not p.title for p in compounds)
        assert all(p.parent == "community:zhuanqiao" for p in compounds)

    def test_named_compounds(self, s: Structure) -> None:
        """Two compounds are named: 嘉和景苑 (Jiahe Jingyuan) and 洞北小区 (Dongbei)."""
        assert _place(s, "compound:jiahe").name_zh == "嘉和景苑"
        assert _place(s, "compound:dongbei").name_zh == "洞北小区"

    def test_residents_total_on_community(self, s: Structure) -> None:
        """5,700 residents (5700名居民) live in the area; only the total is given."""
        assert _place(s, "community:zhuanqiao").residents == 5700
        assert all(p.residents is None for p in s.places(kind=PlaceKind.COMPOUND))


class TestPartyOrganisation:
    def test_branch_is_the_party_organisation(self, s: Structure) -> None:
        """The 砖桥居民区党支部 is the area's party organisation."""
        branch = _body(s, "party:zhuanqiao")
        assert branch.kind is BodyKind.PARTY_BRANCH
        assert branch.name_zh == "砖桥居民区党支部"
        assert branch in s.answering_for("community:zhuanqiao")

    def test_branch_has_a_secretary(self, s: Structure) -> None:
        """The branch has a secretary (党支部书记) who is a party member.

        The secretary is also a people's-congress deputy (人大代表).
        """
        post = _role_post(s, "party:zhuanqiao", Role.SECRETARY)
        (secretary,) = s.holders(post, at=MODELLING_DATE)
        assert secretary.party_member

    def test_town_party_committee_leads_branch(self, s: Structure) -> None:
        """The town party committee leads the branch (在镇党委领导下)."""
        town = _body(s, "party:dongjing")
        assert town.kind is BodyKind.PARTY_WORKING_COMMITTEE
        assert town.name_zh == "洞泾镇党委"
        assert s.graph.has_edge("party:dongjing", "party:zhuanqiao", key=Relation.LEADS)
        assert _body(s, "party:zhuanqiao").parent == "party:dongjing"

    def test_residents_committee(self, s: Structure) -> None:
        """The area has a residents' committee, led by the branch."""
        (rc,) = s.bodies(kind=BodyKind.RESIDENTS_COMMITTEE)
        assert rc in s.answering_for("community:zhuanqiao")
        assert s.graph.has_edge("party:zhuanqiao", rc.id, key=Relation.LEADS)

    def test_town_government(self, s: Structure) -> None:
        """The town government (洞泾镇政府) is the street office above the area."""
        (office,) = s.bodies(kind=BodyKind.STREET_OFFICE)
        assert office.name_zh == "洞泾镇政府"
        assert office.jurisdiction == ("street:dongjing",)


class TestPropertyCompany:
    def test_one_company_serves_all_three(self, s: Structure) -> None:
        """One property company manages the 3 compounds.

        The town hired it through project subsidies (以项目补贴方式招聘).
        """
        (company,) = s.bodies(kind=BodyKind.PROPERTY_COMPANY)
        assert set(company.serves) == set(COMPOUNDS)
        for compound in COMPOUNDS:
            assert s.serving(compound) == (company,)
        assert "项目补贴" in company.name_zh

    def test_town_government_hired_it(self, s: Structure) -> None:
        """The town government that hired the company oversees it."""
        assert s.graph.has_edge("so:dongjing", "pm:zhuanqiao", key=Relation.SUPERVISES)

    def test_branch_leads_company(self, s: Structure) -> None:
        """The branch leads the property company.

        It gathers the company into the governance front (治理"第一方阵").
        """
        assert s.graph.has_edge("party:zhuanqiao", "pm:zhuanqiao", key=Relation.LEADS)


class TestMicroGrids:
    def test_three_micro_grids(self, s: Structure) -> None:
        """The area is divided into 3 micro-grids (3个微网格), one per compound."""
        micro = s.grids(level=GridLevel.MICRO)
        assert {g.id: g.covers for g in micro} == {g: (c,) for g, c in MICRO_GRIDS.items()}

    @pytest.mark.parametrize("grid", sorted(MICRO_GRIDS))
    def test_service_group_posts(self, s: Structure, grid: str) -> None:
        """Each micro-grid has a three-post service group, in this order.

        Building-group leader + party-member second building-group leader + red
        property specialist (楼组长+党员第二楼组长+红色物业专员).
        """
        assert [p.role for p in s.posts_in(grid)] == SERVICE_GROUP

    @pytest.mark.parametrize("grid", sorted(MICRO_GRIDS))
    def test_service_group_is_three_people(self, s: Structure, grid: str) -> None:
        """Each post of the service group is held by one person."""
        holders = {h.id for p in s.posts_in(grid) for h in s.holders(p.id, at=MODELLING_DATE)}
        assert len(holders) == 3

    @pytest.mark.parametrize("grid", sorted(MICRO_GRIDS))
    def test_second_leader_is_party_member(self, s: Structure, grid: str) -> None:
        """The second building-group leader is a party member (党员第二楼组长)."""
        post = _role_post(s, grid, Role.PARTY_SECOND_LEADER)
        (holder,) = s.holders(post, at=MODELLING_DATE)
        assert holder.party_member

    @pytest.mark.parametrize("grid", sorted(MICRO_GRIDS))
    def test_red_specialist_works_for_property_company(self, s: Structure, grid: str) -> None:
        """The red property specialist (红色物业专员) is property-company staff.

        The same person serves the micro-grid (cross-appointment).
        """
        post = _role_post(s, grid, Role.RED_PROPERTY_SPECIALIST)
        (holder,) = s.holders(post, at=MODELLING_DATE)
        owners = {p.within for p in s.posts_of(holder.id, at=MODELLING_DATE)}
        assert owners == {grid, "pm:zhuanqiao"}

    def test_dongbei_posts_in_order(self, s: Structure) -> None:
        """洞北小区's micro-grid lists its three posts in the article's order."""
        roles = [p.role.value for p in s.posts_in("grid:dongbei-micro")]
        assert roles == ["building_group_leader", "party_second_leader", "red_property_specialist"]

    @pytest.mark.parametrize("grid", sorted(MICRO_GRIDS))
    def test_micro_grid_sits_in_the_three_level_grid(self, s: Structure, grid: str) -> None:
        """Each micro-grid sits under its compound's grid, under the community grid."""
        compound = MICRO_GRIDS[grid]
        (compound_grid,) = [g for g in s.grids(level=GridLevel.COMPOUND) if compound in g.covers]
        assert s.grid(grid).parent == compound_grid.id
        assert compound_grid.parent == "grid:zhuanqiao"
        assert s.grid("grid:zhuanqiao").covers == ("community:zhuanqiao",)


class TestSelfManagementCommittee:
    def test_red_smc_answers_for_the_compounds(self, s: Structure) -> None:
        """The red self-management committee (红色自管会) answers for the compounds.

        It stands in for the owners' committees the no-title compounds lack.
        """
        (smc,) = s.bodies(kind=BodyKind.SELF_MANAGEMENT_COMMITTEE)
        assert smc.name_zh == "红色自管会"
        for compound in COMPOUNDS:
            assert smc in s.answering_for(compound)
        assert s.bodies(kind=BodyKind.OWNERS_COMMITTEE) == ()

    def test_five_residents_two_party_members(self, s: Structure) -> None:
        """It has 5 residents, 2 of them party members (5名热心居民(含2名党员))."""
        members = s.members("smc:zhuanqiao")
        assert len(members) == 5
        assert sum(p.party_member for p in members) == 2

    def test_formed_under_the_branch(self, s: Structure) -> None:
        """The branch led its forming (黨支部牽頭組建)."""
        assert s.graph.has_edge("party:zhuanqiao", "smc:zhuanqiao", key=Relation.LEADS)

    def test_supervises_property_company(self, s: Structure) -> None:
        """It scores the property company every quarter (每季度给物业打分)."""
        ties = [t for t in s.ties(kind=TieKind.SUPERVISES) if t.source == "smc:zhuanqiao"]
        assert [t.target for t in ties] == ["pm:zhuanqiao"]

    def test_monthly_meeting(self, s: Structure) -> None:
        """It meets monthly and collects the compounds' problems (月例会)."""
        meeting = s.meeting("meeting:smc-monthly")
        assert meeting.frequency is Frequency.MONTHLY
        assert meeting.members == ("smc:zhuanqiao",)


class TestFourPartyMeeting:
    def test_convened_by_branch(self, s: Structure) -> None:
        """The four-party deliberation (四方议事) is convened by the party branch."""
        meeting = s.meeting("meeting:four-party")
        assert meeting.convener == "party:zhuanqiao"
        assert meeting.place == "community:zhuanqiao"

    def test_members(self, s: Structure) -> None:
        """Property company, self-management committee and group leaders sit in it.

        The four parties are 党支部+物业+自管会+楼组长; the branch sits as convener.
        """
        meeting = s.meeting("meeting:four-party")
        group_leaders = {p.id for p in s.posts(role=Role.BUILDING_GROUP_LEADER)}
        assert len(group_leaders) == 3
        assert set(meeting.members) == {"pm:zhuanqiao", "smc:zhuanqiao", *group_leaders}
        for member in meeting.members:
            assert s.graph.has_edge(member, meeting.id, key=Relation.MEMBER_OF)


class TestPartners:
    def test_paired_with_telecom_branch(self, s: Structure) -> None:
        """The branch is paired (结对) with the Songjiang Telecom branch.

        That is the 松江电信东部片区党支部 (eastern-area party branch).
        """
        telecom_branch = _body(s, "party:telecom-east")
        assert telecom_branch.kind is BodyKind.PARTY_BRANCH
        assert telecom_branch.name_zh == "松江电信东部片区党支部"
        pairs = {frozenset((t.source, t.target)) for t in s.ties(kind=TieKind.PAIRED)}
        assert pairs == {frozenset(("party:zhuanqiao", "party:telecom-east"))}

    def test_telecom_company(self, s: Structure) -> None:
        """The telecom company (松江电信) is a partner unit for utilities work.

        The paired branch sits in it; it fitted curtains on the refuse rooms.
        """
        telecom = _body(s, "partner:songjiang-telecom")
        assert telecom.kind is BodyKind.PARTNER_UNIT
        assert telecom.domains == (Domain.UTILITIES,)
        assert s.graph.has_edge(
            "party:telecom-east", "partner:songjiang-telecom", key=Relation.EMBEDDED_IN
        )

    def test_donor_enterprises(self, s: Structure) -> None:
        """Enterprises leaving for the Line 12 relocation donated plants (捐赠绿植)."""
        donors = _body(s, "partner:donor-enterprises")
        assert donors.kind is BodyKind.PARTNER_UNIT
        assert s.graph.has_edge("party:zhuanqiao", donors.id, key=Relation.PARTNERS)

    def test_repair_agency(self, s: Structure) -> None:
        """The property company works with a professional repair agency (专业维修机构)."""
        agency = _body(s, "partner:repair-agency")
        assert agency.domains == (Domain.PROPERTY_SERVICE,)
        assert s.graph.has_edge("pm:zhuanqiao", agency.id, key=Relation.PARTNERS)

    def test_departments_respond(self, s: Structure) -> None:
        """Departments respond to the branch (职能部门响应).

        Circuit changes (power supply) and household registration moves (police).
        """
        domains = {d for b in s.bodies(kind=BodyKind.DEPARTMENT) for d in b.domains or ()}
        assert domains == {Domain.UTILITIES, Domain.PUBLIC_SECURITY}

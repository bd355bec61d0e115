"""Tests for the bundled example ``lianhua``: 莲花街道, Futian, Shenzhen (seed 004).

Each test checks one fact of the source article on the loaded structure,
through the public API only.
"""

from __future__ import annotations

import datetime as dt

import pytest

from govmodel import (
    Body,
    BodyKind,
    Frequency,
    Meeting,
    Place,
    PlaceKind,
    Role,
    Structure,
    examples,
    validate,
)

# The modelling date: appointments start on 2025-01-01.
DAY = dt.date(2025, 6, 1)


@pytest.fixture(scope="module")
def s() -> Structure:
    return examples.load("lianhua")


def _place(s: Structure, name_zh: str) -> Place:
    (place,) = (p for p in s.places() if p.name_zh == name_zh)
    return place


def _body(s: Structure, name_zh: str) -> Body:
    (body,) = (b for b in s.bodies() if b.name_zh == name_zh)
    return body


def _three_in_one(s: Structure) -> list[Meeting]:
    return [m for m in s.meetings() if "三位一体" in m.name_zh]


def _only(bodies: tuple[Body, ...], kind: BodyKind) -> Body:
    (body,) = (b for b in bodies if b.kind is kind)
    return body


class TestLoads:
    def test_loads_and_validates(self, s: Structure) -> None:
        """The example loads and has no violation at all, errors or warnings."""
        assert validate(s) == ()

    def test_street_party_working_committee(self, s: Structure) -> None:
        """莲花街道党工委: the street party working committee answers for Lianhua street."""
        (street,) = s.places(kind=PlaceKind.STREET)
        assert street.name_zh == "莲花街道"
        (committee,) = s.bodies(kind=BodyKind.PARTY_WORKING_COMMITTEE)
        assert committee.name_zh == "莲花街道党工委"
        assert committee.jurisdiction == (street.id,)

    def test_named_communities(self, s: Structure) -> None:
        """The article names four communities: 狮岭, 景华, 福中 and 梅富."""
        names = {p.name_zh for p in s.places(kind=PlaceKind.COMMUNITY)}
        assert names == {"狮岭社区", "景华社区", "福中社区", "梅富社区"}
        (street,) = s.places(kind=PlaceKind.STREET)
        assert {p.id for p in s.children(street.id)} == {
            p.id for p in s.places(kind=PlaceKind.COMMUNITY)
        }


class TestStreetWideCounts:
    def test_15_compound_party_branches(self, s: Structure) -> None:
        """新成立小区党支部15个: 15 party branches each answer for one compound."""
        branches = [
            b
            for b in s.bodies(kind=BodyKind.PARTY_BRANCH)
            if len(b.jurisdiction) == 1 and s.place(b.jurisdiction[0]).kind is PlaceKind.COMPOUND
        ]
        assert len(branches) == 15
        assert len({b.jurisdiction[0] for b in branches}) == 15

    def test_9_grid_party_branches(self, s: Structure) -> None:
        """网格党支部9个: 9 party branches are built on grids, each on a different grid."""
        branches = [b for b in s.bodies(kind=BodyKind.PARTY_BRANCH) if b.grid is not None]
        assert len(branches) == 9
        assert len({b.grid for b in branches}) == 9
        grid_ids = {g.id for g in s.grids()}
        assert all(b.grid in grid_ids for b in branches)

    def test_12_three_in_one_meetings(self, s: Structure) -> None:
        """12个"三位一体"试点小区: 12 three-in-one joint meetings, each for its own compound.

        Each is convened by a party organisation and joins the compound's owners' committee
        and property company.
        """
        meetings = _three_in_one(s)
        assert len(meetings) == 12
        assert len({m.place for m in meetings}) == 12
        for meeting in meetings:
            assert meeting.place is not None
            assert s.place(meeting.place).kind is PlaceKind.COMPOUND
            assert s.body(meeting.convener).kind.is_party
            kinds = sorted(s.body(m).kind.value for m in meeting.members)
            assert kinds == ["owners_committee", "property_company"]
            oc, pm = sorted(meeting.members)
            assert meeting.place in s.body(oc).jurisdiction
            assert meeting.place in s.body(pm).serves


class TestShiling:
    def test_shizheng_dayuan_households(self, s: Structure) -> None:
        """市政大院 has 1100-odd households (1100多家住户): modelled as 1100, in 狮岭社区."""
        compound = _place(s, "市政大院")
        assert compound.households == 1100
        assert compound.parent is not None
        assert s.place(compound.parent).name_zh == "狮岭社区"

    def test_owners_committee_all_party_members(self, s: Structure) -> None:
        """市政大院 has an owners' committee all of whose members are party members."""
        compound = _place(s, "市政大院")
        oc = _only(s.answering_for(compound.id), BodyKind.OWNERS_COMMITTEE)
        members = s.members(oc.id, at=DAY)
        assert members
        assert all(p.party_member for p in members)

    def test_three_in_one_with_tianjian_retirees(self, s: Structure) -> None:
        """天健退休人员党委, the owners' committee and the property office meet jointly."""
        compound = _place(s, "市政大院")
        (meeting,) = (m for m in _three_in_one(s) if m.place == compound.id)
        convener = s.body(meeting.convener)
        assert convener.name_zh == "天健退休人员党委"
        assert convener.kind is BodyKind.PARTY_COMMITTEE
        office = _only(s.serving(compound.id), BodyKind.PROPERTY_COMPANY)
        assert office.name_zh == "市政大院物业管理处"
        oc = _only(s.answering_for(compound.id), BodyKind.OWNERS_COMMITTEE)
        assert set(meeting.members) == {oc.id, office.id}

    def test_elevator_working_group(self, s: Structure) -> None:
        """业委会牵头成立一个3-5人的加装电梯工作小组: the group has 3 to 5 members."""
        group = _body(s, "加装电梯工作小组")
        compound = _place(s, "市政大院")
        oc = _only(s.answering_for(compound.id), BodyKind.OWNERS_COMMITTEE)
        assert group.parent == oc.id
        assert 3 <= len(s.members(group.id, at=DAY)) <= 5
        assert all(p.seats <= 5 for p in s.posts_in(group.id))


class TestJinghua:
    def test_15_residential_compounds_and_6_office_buildings(self, s: Structure) -> None:
        """景华社区有住宅小区15个, 办公楼宇6个."""
        community = _place(s, "景华社区")
        compounds = [p for p in s.children(community.id) if p.kind is PlaceKind.COMPOUND]
        assert sum(p.residential for p in compounds) == 15
        assert sum(not p.residential for p in compounds) == 6

    def test_13_of_15_old(self, s: Structure) -> None:
        """老旧住宅小区占比高达85%: 13 of the 15 residential compounds are old (≈ 86.7 %)."""
        community = _place(s, "景华社区")
        residential = [
            p for p in s.children(community.id) if p.kind is PlaceKind.COMPOUND and p.residential
        ]
        old = sum(p.old for p in residential)
        assert (old, len(residential)) == (13, 15)
        # 13/15 is the whole count nearest the article's 85 %.
        assert min(range(16), key=lambda n: abs(n / 15 - 0.85)) == old

    def test_21_property_companies(self, s: Structure) -> None:
        """21家物业公司参与服务: 21 property companies serve Jinghua's compounds and buildings."""
        community = _place(s, "景华社区")
        companies = {
            b.id
            for p in s.children(community.id)
            if p.kind is PlaceKind.COMPOUND
            for b in s.serving(p.id)
        }
        assert len(companies) == 21

    def test_red_owners_committee_of_yifengyuan(self, s: Structure) -> None:
        """怡枫园 has its "red owners' committee" (红色业主委员会)."""
        compound = _place(s, "怡枫园")
        oc = _only(s.answering_for(compound.id), BodyKind.OWNERS_COMMITTEE)
        assert "红色业主委员会" in oc.name_zh

    def test_functional_branch_embedded_in_owners_committee(self, s: Structure) -> None:
        """业委会功能型党支部: the functional party branch is embedded in an owners' committee."""
        branch = _body(s, "业委会功能型党支部")
        assert branch.kind is BodyKind.PARTY_BRANCH
        assert branch.parent == _body(s, "景华社区党委").id
        (tie,) = (t for t in s.ties(kind="embedded_in") if t.source == branch.id)
        assert s.body(tie.target).kind is BodyKind.OWNERS_COMMITTEE

    def test_owners_committee_85_71_percent_party_members(self, s: Structure) -> None:
        """业委会中党员人数占比达到85.71%: 6 of its 7 members are party members."""
        branch = _body(s, "业委会功能型党支部")
        (tie,) = (t for t in s.ties(kind="embedded_in") if t.source == branch.id)
        members = s.members(tie.target, at=DAY)
        party = sum(p.party_member for p in members)
        assert (party, len(members)) == (6, 7)
        assert round(100 * party / len(members), 2) == 85.71

    def test_party_building_instructors(self, s: Structure) -> None:
        """The branch's party members act as party-building instructors (党建指导员)."""
        branch = _body(s, "业委会功能型党支部")
        roles = {p.role for p in s.posts_in(branch.id)}
        assert Role.PARTY_INSTRUCTOR in roles
        assert Role.VANGUARD_POST in roles
        instructors = [
            person
            for post in s.posts_in(branch.id)
            if post.role is Role.PARTY_INSTRUCTOR
            for person in s.holders(post.id, at=DAY)
        ]
        assert instructors
        assert all(p.party_member for p in instructors)


class TestFuzhong:
    def test_shenye_garden_branch_leads(self, s: Structure) -> None:
        """深业花园党支部牵头, 带领业委会和物业: the branch leads both bodies."""
        compound = _place(s, "深业花园")
        assert compound.parent is not None
        assert s.place(compound.parent).name_zh == "福中社区"
        branch = _body(s, "深业花园党支部")
        assert branch.jurisdiction == (compound.id,)
        led = {t.target for t in s.ties(kind="leads") if t.source == branch.id}
        oc = _only(s.answering_for(compound.id), BodyKind.OWNERS_COMMITTEE)
        pm = _only(s.serving(compound.id), BodyKind.PROPERTY_COMPANY)
        assert {oc.id, pm.id} <= led


class TestMeifu:
    def test_residents_party_branch(self, s: Structure) -> None:
        """梅富社区, the urban village (城中村), has a residents' party branch (居民党支部)."""
        community = _place(s, "梅富社区")
        branch = _body(s, "梅富社区居民党支部")
        assert branch.kind is BodyKind.PARTY_BRANCH
        assert branch.jurisdiction == (community.id,)

    def test_love_passbook(self, s: Structure) -> None:
        """The residents' branch runs the volunteer "love passbook" (志愿服务爱心存折)."""
        team = _body(s, "志愿服务爱心存折")
        assert team.kind is BodyKind.VOLUNTEER_TEAM
        branch = _body(s, "梅富社区居民党支部")
        assert any(t.source == branch.id and t.target == team.id for t in s.ties(kind="leads"))

    def test_friday_environment_day(self, s: Structure) -> None:
        """每周五设为"环境品质提升日": a weekly day convened by the residents' branch."""
        (meeting,) = (m for m in s.meetings() if m.name_zh == "环境品质提升日")
        assert meeting.frequency is Frequency.WEEKLY
        assert meeting.convener == _body(s, "梅富社区居民党支部").id
        assert _body(s, "志愿服务爱心存折").id in meeting.members

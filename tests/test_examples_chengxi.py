"""Tests for the bundled example ``chengxi``: 城西街道, Pingyao, Shanxi (seed 001).

Each test checks one fact of the source article on the loaded structure,
through the public API only.
"""

from __future__ import annotations

import datetime as dt

import pytest

from govmodel import Body, BodyKind, GridLevel, PlaceKind, Role, Structure, examples, validate

# The modelling date: appointments start on 2025-01-01.
DAY = dt.date(2025, 6, 1)


@pytest.fixture(scope="module")
def s() -> Structure:
    return examples.load("chengxi")


def _party_committee(s: Structure) -> Body:
    (committee,) = s.bodies(kind=BodyKind.PARTY_COMMITTEE)
    return committee


class TestLoads:
    def test_loads_and_validates(self, s: Structure) -> None:
        """The example loads and has no violation at all, errors or warnings."""
        assert validate(s) == ()

    def test_names(self, s: Structure) -> None:
        """The structure is Chengxi street (城西街道), with a street at the top."""
        assert s.name_zh == "城西街道"
        (street,) = s.places(kind=PlaceKind.STREET)
        assert street.name_zh == "城西街道"


class TestThreeLevelGrid:
    def test_three_levels(self, s: Structure) -> None:
        """The grid has the three levels 社区区域网格 + 小区全科网格 + 楼栋单元微网格."""
        assert len(s.grids(level=GridLevel.COMMUNITY)) == 1
        assert len(s.grids(level=GridLevel.COMPOUND)) >= 1
        assert len(s.grids(level=GridLevel.MICRO)) >= 1

    def test_38_micro_grids(self, s: Structure) -> None:
        """There are 38 micro-grids (楼栋单元微网格), one per micro-grid worker."""
        assert len(s.grids(level=GridLevel.MICRO)) == 38

    def test_38_distinct_micro_grid_workers(self, s: Structure) -> None:
        """38 micro-grid workers (38名微网格员), one in each micro-grid, all different people."""
        holders: list[str] = []
        for grid in s.grids(level=GridLevel.MICRO):
            posts = [p for p in s.posts_in(grid.id) if p.role is Role.MICRO_GRID_WORKER]
            assert len(posts) == 1, grid.id
            people = s.holders(posts[0].id, at=DAY)
            assert len(people) == 1, grid.id
            holders.append(people[0].id)
        assert len(holders) == len(set(holders)) == 38
        all_workers = {
            person.id
            for post in s.posts(role=Role.MICRO_GRID_WORKER)
            for person in s.holders(post.id, at=DAY)
        }
        assert all_workers == set(holders)

    def test_every_building_in_a_micro_grid(self, s: Structure) -> None:
        """横到边纵到底: each of the 38 buildings lies in exactly one micro-grid."""
        buildings = s.places(kind=PlaceKind.BUILDING)
        assert len(buildings) == 38
        covered = [pid for g in s.grids(level=GridLevel.MICRO) for pid in g.covers]
        assert sorted(covered) == sorted(b.id for b in buildings)
        for building in buildings:
            grid = s.grid_of(building.id)
            assert grid is not None
            assert grid.level is GridLevel.MICRO

    def test_grid_tree_mirrors_places(self, s: Structure) -> None:
        """纵到底: each micro-grid sits under the grid of the compound its building is in."""
        for grid in s.grids(level=GridLevel.MICRO):
            assert grid.parent is not None
            parent = s.grid(grid.parent)
            assert parent.level is GridLevel.COMPOUND
            for building_id in grid.covers:
                compound = s.enclosing(building_id, PlaceKind.COMPOUND)
                assert compound is not None
                assert compound.id in parent.covers


class TestThreeLevelPartyOrganisation:
    def test_community_party_committee(self, s: Structure) -> None:
        """Level 1 is the community party committee (社区党委), answering for the community."""
        committee = _party_committee(s)
        (community,) = s.places(kind=PlaceKind.COMMUNITY)
        assert committee.jurisdiction == (community.id,)

    def test_grid_party_groups_sit_on_grids(self, s: Structure) -> None:
        """Level 2: grid party groups (网格党小组) are built on grids, under the party committee."""
        groups = s.bodies(kind=BodyKind.PARTY_GROUP)
        assert groups
        committee = _party_committee(s)
        for group in groups:
            assert group.grid is not None
            assert group.grid in {g.id for g in s.grids()}
            assert group.parent == committee.id

    def test_each_property_company_embeds_a_party_organisation(self, s: Structure) -> None:
        """Level 3: a party organisation is embedded in each property company (物业企业党组织)."""
        companies = s.bodies(kind=BodyKind.PROPERTY_COMPANY)
        assert companies
        embedded = {t.target for t in s.ties(kind="embedded_in") if s.body(t.source).kind.is_party}
        for company in companies:
            assert company.id in embedded, company.id

    def test_property_companies_serve_every_compound(self, s: Structure) -> None:
        """The red property companies (红色物业) serve every compound."""
        for compound in s.places(kind=PlaceKind.COMPOUND):
            assert s.serving(compound.id), compound.id


class TestCrossAppointments:
    def test_rc_director_holds_four_posts(self, s: Structure) -> None:
        """书记兼主任: person:rc-director holds four posts at once (两委交叉任职).

        Party secretary, residents' committee member, leader of the community grid and
        property service supervisor.
        """
        posts = s.posts_of("person:rc-director", at=DAY)
        assert sorted(p.role.value for p in posts) == [
            "grid_leader",
            "member",
            "property_supervisor",
            "secretary",
        ]
        by_role = {p.role: p for p in posts}
        assert by_role[Role.SECRETARY].within == _party_committee(s).id
        assert s.body(by_role[Role.MEMBER].within).kind is BodyKind.RESIDENTS_COMMITTEE
        assert s.grid(by_role[Role.GRID_LEADER].within).level is GridLevel.COMMUNITY

    def test_grid_leaders_are_two_committee_members(self, s: Structure) -> None:
        """社区"两委"成员兼任网格长: every grid leader sits on the party or residents' committee."""
        two_committees = {BodyKind.PARTY_COMMITTEE, BodyKind.RESIDENTS_COMMITTEE}
        leaders = [p for post in s.posts(role=Role.GRID_LEADER) for p in s.holders(post.id, at=DAY)]
        assert leaders
        for leader in leaders:
            owners = [s.node(p.within) for p in s.posts_of(leader.id, at=DAY)]
            kinds = {b.kind for b in owners if isinstance(b, Body)}
            assert kinds & two_committees, leader.id

    def test_every_grid_leader_is_a_property_supervisor(self, s: Structure) -> None:
        """网格长兼任物业服务监督员: every grid leader also holds a property_supervisor post."""
        leader_posts = s.posts(role=Role.GRID_LEADER)
        assert len(leader_posts) == len(s.grids(level=GridLevel.COMMUNITY)) + len(
            s.grids(level=GridLevel.COMPOUND)
        )
        for post in leader_posts:
            (leader,) = s.holders(post.id, at=DAY)
            roles = {p.role for p in s.posts_of(leader.id, at=DAY)}
            assert Role.PROPERTY_SUPERVISOR in roles, leader.id

    def test_property_party_members_are_information_officers(self, s: Structure) -> None:
        """物业企业中的党员兼任网格信息员: information officers are party members of a company."""
        officers = [
            p for post in s.posts(role=Role.INFORMATION_OFFICER) for p in s.holders(post.id, at=DAY)
        ]
        assert officers
        for officer in officers:
            assert officer.party_member
            workplaces = {s.node(p.within) for p in s.posts_of(officer.id, at=DAY)}
            assert any(
                isinstance(b, Body) and b.kind is BodyKind.PROPERTY_COMPANY for b in workplaces
            ), officer.id


class TestGridWorkersAndStewards:
    def test_six_party_members(self, s: Structure) -> None:
        """6 party members hold the grid-worker (网格员) and building-steward (楼栋管家) posts.

        从热心居民、物业服务人员中分别选出6名党员担任网格员和"楼栋管家".
        """
        people = {
            person.id: person
            for role in (Role.GRID_WORKER, Role.BUILDING_STEWARD)
            for post in s.posts(role=role)
            for person in s.holders(post.id, at=DAY)
        }
        assert len(people) == 6
        assert all(p.party_member for p in people.values())

    def test_stewards_work_for_property_companies(self, s: Structure) -> None:
        """The building stewards (楼栋管家) are property service staff, posted in a company."""
        stewards = s.posts(role=Role.BUILDING_STEWARD)
        assert stewards
        for post in stewards:
            assert s.body(post.within).kind is BodyKind.PROPERTY_COMPANY


class TestRedPropertyChamber:
    def test_meets_on_the_tenth(self, s: Structure) -> None:
        """红色物业议事厅: the fixed deliberation day is the 10th of every month (每月10日)."""
        (meeting,) = (m for m in s.meetings() if m.name_zh == "红色物业议事厅")
        assert meeting.frequency.value == "monthly"
        assert meeting.day_of_month == 10
        assert meeting.convener == _party_committee(s).id

    def test_members(self, s: Structure) -> None:
        """The chamber joins the "社区居委会、物业服务企业、共驻共建单位" and three departments.

        The departments are the local police station (派出所), the housing bureau (住建局) and
        the fire brigade (消防队).
        """
        (meeting,) = (m for m in s.meetings() if m.name_zh == "红色物业议事厅")
        members = [s.node(m) for m in meeting.members]
        kinds = [m.kind for m in members if isinstance(m, Body)]
        assert BodyKind.RESIDENTS_COMMITTEE in kinds
        assert BodyKind.PARTNER_UNIT in kinds
        companies = {
            m.id for m in members if isinstance(m, Body) and m.kind is BodyKind.PROPERTY_COMPANY
        }
        assert companies == {b.id for b in s.bodies(kind=BodyKind.PROPERTY_COMPANY)}
        departments = {
            m.name_zh: m.domains
            for m in members
            if isinstance(m, Body) and m.kind is BodyKind.DEPARTMENT
        }
        assert departments == {
            "辖区派出所": ("public_security",),
            "住建局": ("housing",),
            "消防队": ("fire_safety",),
        }

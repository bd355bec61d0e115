"""Tests for `govmodel.rules.access`: who may see or act on a case."""

import datetime as dt
import json

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from govmodel import (
    DEFAULT_POLICY,
    AccessDenied,
    Action,
    Body,
    Case,
    Category,
    Post,
    Scope,
    Structure,
    UnknownNodeError,
    can,
    examples,
    presence,
    redact,
    replay,
    route,
)
from govmodel.cases import PERSONAL_FIELDS, Reported, Routed
from govmodel.rules.access import parts, strip_personal
from govmodel.rules.routing import required_domains
from govmodel.strategies import cases, structures

T = dt.datetime(2025, 5, 6, 9)


def actors(s: Structure) -> list[str]:
    return [b.id for b in s.bodies()] + [p.id for p in s.posts()] + [p.id for p in s.people()]


def scenarios() -> st.SearchStrategy[tuple[Structure, Case, str]]:
    return structures().flatmap(
        lambda s: st.tuples(st.just(s), cases(s), st.sampled_from(actors(s)))
    )


def identities(s: Structure, actor: str, day: dt.date) -> set[str]:
    record = s.node(actor)
    if isinstance(record, Post):
        return {actor, record.within}
    if isinstance(record, Body):
        return {actor}
    posts = s.posts_of(actor, at=day)
    return {actor, *(p.id for p in posts), *(p.within for p in posts)}


def domains_of(s: Structure, actor_id: str) -> frozenset[object]:
    record = s.node(actor_id)
    if isinstance(record, Post):
        return DEFAULT_POLICY.role_domains.get(record.role, frozenset())
    if isinstance(record, Body):
        if record.domains is not None:
            return frozenset(record.domains)
        return DEFAULT_POLICY.body_domains.get(record.kind, frozenset())
    return DEFAULT_POLICY.meeting_domains if record.__class__.__name__ == "Meeting" else frozenset()


class TestProperties:
    @given(scenarios())
    def test_act_only_for_place_or_domains(self, triple: tuple[Structure, Case, str]) -> None:
        """can never grants act to an actor answering for neither the place nor the domains."""
        s, case, actor = triple
        if not can(s, actor, Action.ACT, case):
            return
        day = case.reported_at.date()
        ids = identities(s, actor, day)
        present = {a for p in presence(s, case.place, at=day) for a in p.actors}
        need = required_domains(case)
        held = set().union(*(domains_of(s, i) for i in ids if i in s))
        answers_for_place = bool(ids & present) or any(
            s.node(i).__class__.__name__ == "Body"
            and case.place in {*s.body(i).jurisdiction, *s.body(i).serves}
            for i in ids
        )
        assert answers_for_place or bool(need & held), (actor, case)

    @given(scenarios())
    def test_no_personal_data_without_right(self, triple: tuple[Structure, Case, str]) -> None:
        """A view for an actor without view_personal holds none of the personal values."""
        s, case, actor = triple
        if not can(s, actor, Action.VIEW, case):
            with pytest.raises(AccessDenied):
                redact(case, for_actor=actor, structure=s)
            return
        seen = redact(case, for_actor=actor, structure=s)
        if can(s, actor, Action.VIEW_PERSONAL, case):
            assert seen == case
            return
        text = json.dumps(attrs.asdict(seen), default=str, ensure_ascii=False)
        for field in PERSONAL_FIELDS:
            value = getattr(case, field)
            if value:
                assert value not in text

    @given(scenarios())
    def test_rights_nest(self, triple: tuple[Structure, Case, str]) -> None:
        """Whoever may do anything may view; whoever may see personal data may view."""
        s, case, actor = triple
        allowed = {a for a in Action if can(s, actor, a, case)}
        if allowed:
            assert Action.VIEW in allowed


class TestParts:
    def test_xinhe_repair(self) -> None:
        """The handler may close; the first contact may revisit; others see nothing."""
        s = examples.load("xinhe")
        case = Case(
            id="c",
            category=Category.REPAIR,
            place="building:wanda-1",
            reported_at=T,
            scope=Scope.BUILDING,
        )
        assert can(s, "pm:cxh", "close", case)
        assert can(s, "post:grid-wanda-a-worker", "revisit", case)
        assert not can(s, "post:grid-wanda-a-worker", "close", case) or "owner" in parts(
            s, "post:grid-wanda-a-worker", case
        )
        assert not can(s, "mediation:xinhexin", "view", case)
        assert not can(s, "dept:fire", "view", case)

    def test_person_through_posts(self) -> None:
        """A person acts through the posts held that day: not before the appointment starts."""
        s = examples.load("xinhe")
        case = Case(
            id="c",
            category=Category.NOISE,
            place="building:wanda-1",
            reported_at=T,
            scope=Scope.BUILDING,
        )
        assert can(s, "person:steward-1", "act", case)
        early = attrs.evolve(case, reported_at=dt.datetime(2024, 6, 1))
        assert not can(s, "person:steward-1", "view_personal", early) or "serving" in parts(
            s, "person:steward-1", early
        )

    def test_summoned_but_not_handler(self) -> None:
        """A summoned unit that is not the handler sees the case without the contact."""
        s = examples.load("shagangwan")
        case = Case(
            id="c",
            category=Category.EXTERNAL_NUISANCE,
            place="compound:kaisa-2",
            reported_at=T,
            scope=Scope.COMPOUND,
            contact="13900000000",
        )
        assert parts(s, "partner:changbang", case) == {"summoned"}
        assert redact(case, for_actor="partner:changbang", structure=s).contact is None
        assert redact(case, for_actor="dept:police", structure=s).contact == "13900000000"

    def test_property_company_of_another_compound(self) -> None:
        """A property company sees cases in the compounds it serves, not elsewhere."""
        s = examples.load("shagangwan")
        case = Case(id="c", category=Category.NOISE, place="compound:dongyuan", reported_at=T)
        assert "serving" in parts(s, "pm:dongyuan", case)
        assert not can(s, "pm:kaisa", "view", case)

    def test_state_uses_current_routing(self) -> None:
        """With a case state, parts follow the routing in force, and the owner stays."""
        s = examples.load("xinhe")
        case = Case(
            id="c",
            category=Category.NOISE,
            place="building:wanda-1",
            reported_at=T,
            scope=Scope.BUILDING,
        )
        first = route(s, case)
        later = route(s, attrs.evolve(case, scope=Scope.COMMUNITY))
        state = replay(
            [
                Reported(case=case, at=T),
                Routed(case_id="c", at=T, routing=first),
                Routed(case_id="c", at=T, routing=later),
            ]
        )
        assert "handler" in parts(s, later.handler or "", state)
        assert "owner" in parts(s, first.owner or "", state)

    def test_standing_meeting_that_handles(self) -> None:
        """A three-in-one meeting a routing names as handler and owner may act and close."""
        s = examples.load("lianhua")
        case = Case(
            id="c",
            category=Category.NEIGHBOUR_DISPUTE,
            place="compound:jinghua-05",
            reported_at=T,
            scope=Scope.COMPOUND,
            domains=("resident_affairs",),
        )
        routing = route(s, case)
        meeting = "meeting:three-in-one-jinghua-05"
        assert (routing.handler, routing.owner) == (meeting, meeting)
        assert parts(s, meeting, case) == {"handler", "owner"}
        assert can(s, meeting, Action.ACT, case)
        assert can(s, meeting, Action.CLOSE, case)
        other = Case(
            id="d",
            category=Category.NEIGHBOUR_DISPUTE,
            place="compound:jinghua-04",
            reported_at=T,
            scope=Scope.COMPOUND,
            domains=("resident_affairs",),
        )
        assert not can(s, meeting, Action.VIEW, other)

    def test_unknown_actor(self) -> None:
        """An actor that is not in the structure is an UnknownNodeError."""
        s = examples.load("xinhe")
        case = Case(id="c", category=Category.NOISE, place="building:wanda-1", reported_at=T)
        with pytest.raises(UnknownNodeError):
            can(s, "nobody", "view", case)
        with pytest.raises(UnknownNodeError):
            can(s, "compound:wanda", "view", case)

    def test_strip_personal(self) -> None:
        """Stripping removes reporter, contact and description, nothing else."""
        case = Case(
            id="c",
            category=Category.NOISE,
            place="p",
            reported_at=T,
            reporter="居民王",
            contact="13800000000",
            description="3号楼",
        )
        stripped = strip_personal(case)
        assert (stripped.reporter, stripped.contact, stripped.description) == (None, None, "")
        assert (
            attrs.evolve(stripped, reporter="居民王", contact="13800000000", description="3号楼")
            == case
        )


def test_unknown_action() -> None:
    """An unknown action names the five there are."""
    s = examples.load("xinhe")
    case = Case(id="c", category=Category.NOISE, place="building:wanda-1", reported_at=T)
    with pytest.raises(
        ValueError, match="expected one of view, view_personal, act, close, revisit"
    ):
        can(s, "rc:xinhe", "bogus", case)

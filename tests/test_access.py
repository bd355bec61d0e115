"""Tests for `govmodel.rules.access`: who may see or act on a case."""

import copy
import datetime as dt
import json
import pickle
from collections.abc import Callable
from pathlib import Path

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from govmodel import (
    BACK_OFFICE,
    DEFAULT_POLICY,
    Accepted,
    AccessDenied,
    Action,
    Appointment,
    BackOffice,
    Body,
    Case,
    Category,
    Person,
    Post,
    ReaderRequired,
    Scope,
    Structure,
    UnknownNodeError,
    advance,
    can,
    escalate,
    examples,
    presence,
    redact,
    replay,
    route,
)
from govmodel.cases import PERSONAL_FIELDS, CaseState, Reported, Routed
from govmodel.rules.access import Reader, check_reader, parts, strip_personal
from govmodel.rules.routing import required_domains
from govmodel.strategies import cases, structures

T = dt.datetime(2025, 5, 6, 9)
SHANGHAI = DEFAULT_POLICY.time_zone


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
    def test_no_personal_text_in_routings(self, triple: tuple[Structure, Case, str]) -> None:
        """Neither route nor an escalation quotes a case's personal values in its reason."""
        s, case, _ = triple
        routing = route(s, case)
        state = replay(
            [
                Reported(case=case, at=case.reported_at),
                Routed(case_id=case.id, at=case.reported_at, routing=routing),
            ]
        )
        later = escalate(s, state, now=routing.due + dt.timedelta(minutes=1))
        for reason in (routing.reason, later.reason if later is not None else ""):
            for field in PERSONAL_FIELDS:
                value = getattr(case, field)
                if value:
                    assert value not in reason, field

    @given(scenarios())
    def test_rights_nest(self, triple: tuple[Structure, Case, str]) -> None:
        """Whoever may do anything may view; whoever may see personal data may view."""
        s, case, actor = triple
        allowed = {a for a in Action if can(s, actor, a, case)}
        if allowed:
            assert Action.VIEW in allowed


def handover(s: Structure, post_id: str, last_day: dt.date) -> Structure:
    """``s`` with ``person:old`` holding ``post_id`` until ``last_day``, ``person:new`` after."""
    records = s.records()
    posts = tuple(
        attrs.evolve(p, seats=p.seats + 2) if p.id == post_id else p for p in records["posts"]
    )
    return s.evolve(
        people=(*records["people"], Person(id="person:old"), Person(id="person:new")),
        posts=posts,
        appointments=(
            *records["appointments"],
            Appointment(person="person:old", post=post_id, start=dt.date(2000, 1, 1), end=last_day),
            Appointment(person="person:new", post=post_id, start=last_day + dt.timedelta(days=1)),
        ),
    )


@st.composite
def handovers(draw: st.DrawFn) -> tuple[Structure, Case, str, dt.date, dt.datetime]:
    """A structure whose post changes hands near a case's report, a case, and a moment.

    The post is often one the case's routing names, so that it plays a part; the
    moment falls on the two days either side of the handover.
    """
    s = draw(structures())
    case = draw(cases(s))
    routing = route(s, case)
    named = [
        a
        for a in (routing.owner, routing.handler, *routing.co_handlers, case.receiver)
        if a is not None and isinstance(s.node(a), Post)
    ]
    posts = [p.id for p in s.posts()]
    prefer_named = bool(named) and draw(st.booleans())
    post = draw(st.sampled_from(named if prefer_named else posts))
    last_day = case.reported_at.date() + dt.timedelta(days=draw(st.integers(-3, 30)))
    moment = dt.datetime.combine(
        last_day + dt.timedelta(days=draw(st.integers(-2, 2))),
        dt.time(draw(st.integers(0, 23)), draw(st.integers(0, 59))),
    )
    return handover(s, post, last_day), case, post, last_day, moment


def states_of(s: Structure, case: Case) -> tuple[CaseState, CaseState]:
    """The case as just reported, and once routed as ``route`` routes it."""
    reported = replay([Reported(case=case, at=case.reported_at)])
    routed = replay(
        [
            Reported(case=case, at=case.reported_at),
            Routed(case_id=case.id, at=case.reported_at, routing=route(s, case)),
        ]
    )
    return reported, routed


class TestInTime:
    @given(handovers(), st.booleans())
    def test_handover(
        self, drawn: tuple[Structure, Case, str, dt.date, dt.datetime], aware: bool
    ) -> None:
        """A holder plays the post's parts up to the end day; the next holder from the day after.

        The end day is inclusive; a naive moment is local, an aware one is read in the
        policy's time zone.
        """
        s, case, post, last_day, moment = drawn
        at = moment.replace(tzinfo=SHANGHAI).astimezone(dt.UTC) if aware else moment
        _, state = states_of(s, case)
        for judged in (case, state):
            through_post = parts(s, post, judged, at=at)
            old = parts(s, "person:old", judged, at=at)
            new = parts(s, "person:new", judged, at=at)
            if moment.date() <= last_day:
                assert (old, new) == (through_post, frozenset())
            else:
                assert (old, new) == (frozenset(), through_post)
            for action in Action:
                allowed = can(s, post, action, judged, at=at)
                assert can(s, "person:old", action, judged, at=at) is (
                    allowed and moment.date() <= last_day
                )
                assert can(s, "person:new", action, judged, at=at) is (
                    allowed and moment.date() > last_day
                )

    @given(handovers())
    def test_case_and_state_agree(
        self, drawn: tuple[Structure, Case, str, dt.date, dt.datetime]
    ) -> None:
        """A case, its state as reported and its state routed by route agree at any moment."""
        s, case, _, _, moment = drawn
        reported, routed = states_of(s, case)
        readers: list[Reader] = [*actors(s), BACK_OFFICE]
        for actor in readers:
            for action in Action:
                answer = can(s, actor, action, case, at=moment)
                assert can(s, actor, action, reported, at=moment) is answer, (actor, action)
                assert can(s, actor, action, routed, at=moment) is answer, (actor, action)

    def test_default_moment_is_the_latest_event(self) -> None:
        """Without at, a state is judged at its latest event, never its report day."""
        s = handover(examples.load("xinhe"), "post:grid-wanda-a-worker", dt.date(2025, 5, 10))
        case = Case(
            id="c",
            category=Category.NOISE,
            place="building:wanda-1",
            reported_at=T,
            scope=Scope.BUILDING,
        )
        _, state = states_of(s, case)
        assert "handler" in parts(s, "person:old", state)  # 6 May: still the grid worker
        later = advance(
            state, Accepted(case_id="c", at=dt.datetime(2025, 6, 1, 9), actor="person:new")
        )
        assert parts(s, "person:old", later) == frozenset()
        assert "handler" in parts(s, "person:new", later)
        assert redact(later, for_actor="person:new", structure=s) == case
        with pytest.raises(AccessDenied):
            redact(later, for_actor="person:old", structure=s)

    def test_unrouted_whistle_case(self) -> None:
        """The police answer alike for a bare case and for its state before any routing."""
        s = examples.load("shagangwan")
        case = Case(
            id="case:7",
            category=Category.EXTERNAL_NUISANCE,
            place="compound:kaisa-2",
            scope=Scope.COMPOUND,
            reported_at=T,
            contact="13912345678",
        )
        reported, _ = states_of(s, case)
        for action in ("view", "view_personal"):
            assert can(s, "dept:police", action, case)
            assert can(s, "dept:police", action, reported)
        assert redact(reported, for_actor="dept:police", structure=s).contact == "13912345678"


class TestBackOffice:
    def test_reads_everything_acts_on_nothing(self) -> None:
        """BACK_OFFICE may view every case whole, and may not act, close or revisit."""
        s = examples.load("xinhe")
        case = Case(
            id="c",
            category=Category.NOISE,
            place="building:wanda-1",
            reported_at=T,
            contact="13800000000",
        )
        assert parts(s, BACK_OFFICE, case) == {"back_office"}
        assert [a.value for a in Action if can(s, BACK_OFFICE, a, case)] == [
            "view",
            "view_personal",
        ]
        assert redact(case, for_actor=BACK_OFFICE, structure=s) == case

    def test_one_sentinel(self) -> None:
        """There is one BACK_OFFICE: constructed, copied or pickled, it is the same object."""
        assert BackOffice() is BACK_OFFICE
        assert copy.deepcopy(BACK_OFFICE) is BACK_OFFICE
        assert pickle.loads(pickle.dumps(BACK_OFFICE)) is BACK_OFFICE
        assert repr(BACK_OFFICE) == "BACK_OFFICE"
        assert BACK_OFFICE != "BACK_OFFICE"  # not a string an actor id could spell

    def test_redact_needs_a_reader(self) -> None:
        """redact refuses None instead of guessing a reader."""
        s = examples.load("xinhe")
        case = Case(id="c", category=Category.NOISE, place="building:wanda-1", reported_at=T)
        with pytest.raises(ReaderRequired, match="redact"):
            redact(case, for_actor=None, structure=s)

    def test_errors_pickle(self) -> None:
        """AccessDenied and ReaderRequired come back from pickling with their messages."""
        for error in (
            AccessDenied("pm:x", "case:1"),
            AccessDenied("person:x", message="holds no post on 2025-06-01"),
            ReaderRequired("to_popolo", parameter="reader"),
        ):
            again = pickle.loads(pickle.dumps(error))
            assert type(again) is type(error)
            assert str(again) == str(error)


class TestCheckReader:
    def test_structure_readers(self) -> None:
        """People's names need BACK_OFFICE, a body, grid or post, or a person holding a post."""
        s = handover(examples.load("xinhe"), "post:grid-wanda-a-worker", dt.date(2025, 5, 10))
        for reader in (BACK_OFFICE, "rc:xinhe", "grid:wanda-a", "post:cxh-steward"):
            check_reader(s, reader, include_personal=True)
        check_reader(s, "person:old", include_personal=True, at=dt.datetime(2025, 5, 10, 23))
        with pytest.raises(AccessDenied, match="holds no post on 2025-05-11"):
            check_reader(s, "person:old", include_personal=True, at=dt.datetime(2025, 5, 11))
        with pytest.raises(ReaderRequired, match="at="):
            check_reader(s, "person:old", include_personal=True)
        with pytest.raises(ReaderRequired, match="reader="):
            check_reader(s, None, include_personal=True)
        with pytest.raises(UnknownNodeError):
            check_reader(s, "compound:wanda", include_personal=False)
        check_reader(s, None, include_personal=False)
        check_reader(s, "person:old", include_personal=False)


def _structure_exports(tmp: Path) -> dict[str, Callable[..., object]]:
    """Every exporter of a structure, each taking ``(structure, **options)``."""
    from govmodel.interop import graph, popolo
    from govmodel.interop import render as charts

    return {
        "to_popolo": popolo.to_popolo,
        "dumps_popolo": popolo.dumps_popolo,
        "flat_graph": graph.flat_graph,
        "to_node_link": graph.to_node_link,
        "graphml_text": graph.graphml_text,
        "write_graphml": lambda s, **o: graph.write_graphml(s, tmp / "s.graphml", **o),
        "to_mermaid": lambda s, **o: charts.to_mermaid(s, people="all", **o),
        "to_dot": lambda s, **o: charts.to_dot(s, people="all", **o),
        "render": lambda s, **o: charts.render(s, tmp / "s.svg", dot="/nonexistent/dot", **o),
    }


STRUCTURE_EXPORTS = list(_structure_exports(Path()))


class TestStructureExports:
    """People's names in a structure export go to a named reader only, as a case's data do."""

    @pytest.mark.parametrize("name", STRUCTURE_EXPORTS)
    def test_names_need_a_reader(self, name: str, tmp_path: Path) -> None:
        """include_personal without a reader, or with a person and no moment, is refused."""
        s = handover(examples.load("xinhe"), "post:grid-wanda-a-worker", dt.date(2025, 5, 10))
        export = _structure_exports(tmp_path)[name]
        with pytest.raises(ReaderRequired, match=f"^{name}: .*reader="):
            export(s, include_personal=True)
        with pytest.raises(ReaderRequired, match="at="):
            export(s, include_personal=True, reader="person:old")
        with pytest.raises(AccessDenied, match="person:old"):
            export(s, include_personal=True, reader="person:old", at=dt.date(2025, 5, 11))
        with pytest.raises(UnknownNodeError):
            export(s, reader="person:nobody")
        assert not (tmp_path / "s.graphml").exists()  # refused before any file is opened

    @pytest.mark.parametrize("name", [n for n in STRUCTURE_EXPORTS if n != "render"])
    def test_names_for_a_reader(self, name: str, tmp_path: Path) -> None:
        """A body, a post, a current holder or BACK_OFFICE gets the names; nobody else does."""
        s = examples.load("zhuanqiao")
        records = s.records()
        person = records["people"][0]
        named = s.evolve(people=(attrs.evolve(person, name_zh="王秀英"), *records["people"][1:]))
        post = s.posts_of(person.id)[0].id
        holder_day = next(a.start for a in records["appointments"] if a.person == person.id)
        export = _structure_exports(tmp_path)[name]

        def text(**options: object) -> str:
            out = export(named, **options)
            if name == "write_graphml":
                return (tmp_path / "s.graphml").read_text(encoding="utf-8")
            if name == "flat_graph":
                return json.dumps(dict(out.nodes(data=True)), ensure_ascii=False)  # type: ignore[attr-defined]
            return out if isinstance(out, str) else json.dumps(out, ensure_ascii=False)

        assert "王秀英" not in text()
        assert "王秀英" not in text(reader=BACK_OFFICE)  # a reader alone asks for nothing
        for reader, at in (
            (BACK_OFFICE, None),
            (s.bodies()[0].id, None),
            (post, None),
            (person.id, holder_day),
        ):
            assert "王秀英" in text(include_personal=True, reader=reader, at=at), reader


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

    def test_supervisor_confirms_the_fix(self) -> None:
        """The supervisor sees the repair and may make the return visit, and no more.

        The owners' committee supervises the property company: it neither acts on the case
        nor closes it; a department that plays no part may do none of it.
        """
        s = examples.load("xinhe")
        case = Case(
            id="c",
            category=Category.REPAIR,
            place="building:wanda-1",
            reported_at=T,
            scope=Scope.BUILDING,
            contact="13800000000",
        )
        assert route(s, case).supervisor == "oc:wanda"
        assert "supervisor" in parts(s, "oc:wanda", case)
        assert [can(s, "oc:wanda", a, case) for a in Action] == [True, True, False, False, True]
        assert redact(case, for_actor="oc:wanda", structure=s).contact == "13800000000"
        assert not can(s, "dept:fire", "revisit", case)

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

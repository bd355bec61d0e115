"""Tests for `govmodel.interop.open311`: GeoReport v2 services and service requests."""

import datetime as dt
import json
from collections.abc import Callable, Sequence
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from govmodel import (
    BACK_OFFICE,
    DEFAULT_POLICY,
    Accepted,
    Appointment,
    Case,
    CaseEvent,
    Category,
    Channel,
    Closed,
    InvalidTransition,
    Person,
    Procedure,
    ReaderRequired,
    Reopened,
    Reported,
    Resolved,
    Revisited,
    Routed,
    Routing,
    Scope,
    Status,
    Structure,
    Tier,
    UnknownNodeError,
    Urgency,
    can,
    escalate,
    examples,
    replay,
    route,
)
from govmodel.cases import PERSONAL_FIELDS, advance, iter_case_events
from govmodel.errors import InteropError, InteropErrorGroup
from govmodel.interop.open311 import (
    ServiceRequest,
    dumps_requests,
    events_from_requests,
    from_requests,
    loads_requests,
    services,
    to_requests,
)
from govmodel.rules.access import strip_personal
from govmodel.rules.policy import load_policy
from govmodel.simulation import Scenario, simulate
from govmodel.strategies import event_logs, structures

XINHE = examples.load("xinhe")
T = dt.datetime(2025, 6, 3, 8, 30)
CST = dt.timezone(dt.timedelta(hours=8))

# The fields of GeoReport v2 GET Service Requests, and the POST fields for personal data.
GEOREPORT_FIELDS = {
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
}
POST_FIELDS = {"first_name", "last_name", "email", "phone"}
EXTENSIONS = {"extended_attributes", "notes"}
# The fields an export writes from the case alone (not from its later events).
CASE_FIELDS = (
    "service_request_id",
    "service_code",
    "service_name",
    "requested_datetime",
    "address",
    "address_id",
    "description",
    "first_name",
    "last_name",
    "email",
    "phone",
)
CASE_EXTENSIONS = ("channel", "scope", "urgency", "domains", "receiver")


def fire_lane_case(**changes: Any) -> Case:
    fields: dict[str, Any] = {
        "id": "xinhe:wanda-fire-lane",
        "category": Category.FIRE_LANE,
        "place": "compound:wanda",
        "reported_at": T,
        "channel": Channel.PATROL,
        "scope": Scope.COMPOUND,
        "urgency": Urgency.URGENT,
        "receiver": "post:grid-wanda-a-worker",
        "reporter": "居民王",
        "contact": "13912345678",
        "description": "万达华府3号楼门前消防通道被占",
    }
    fields.update(changes)
    return Case(**fields)


def fire_lane_log() -> tuple[Routing, list[CaseEvent]]:
    """The whistle case of Xinhe: reported, routed, accepted, resolved, revisited, closed."""
    case = fire_lane_case()
    routing = route(XINHE, case)
    log: list[CaseEvent] = [
        Reported(case=case, at=T),
        Routed(case_id=case.id, at=T + dt.timedelta(minutes=15), routing=routing),
        Accepted(case_id=case.id, at=T + dt.timedelta(hours=5), actor="dept:fire"),
        Resolved(case_id=case.id, at=dt.datetime(2025, 6, 4, 11, 30), actor="dept:fire"),
        Revisited(
            case_id=case.id,
            at=dt.datetime(2025, 6, 11, 8, 30),
            actor="post:grid-wanda-a-worker",
            satisfied=True,
        ),
        Closed(case_id=case.id, at=dt.datetime(2025, 6, 11, 9), actor="post:grid-wanda-a-worker"),
    ]
    return routing, log


def cases_of(log: Sequence[CaseEvent]) -> tuple[Case, ...]:
    """The cases of a log, in the order they were reported (each case begins with its report)."""
    return tuple(e.case for e in log if isinstance(e, Reported))


def without_personal(log: Sequence[CaseEvent]) -> list[CaseEvent]:
    """The log with no personal data: cases stripped, reopenings without their reasons."""
    return [
        Reported(case=strip_personal(e.case), at=e.at)
        if isinstance(e, Reported)
        else attrs.evolve(e, reason="")
        if isinstance(e, Reopened)
        else e
        for e in log
    ]


def personal_values(log: Sequence[CaseEvent]) -> set[str]:
    """The cases' reporters, contacts and descriptions, and the reasons of their reopenings."""
    reasons = {e.reason for e in log if isinstance(e, Reopened) and e.reason}
    return reasons | {
        value
        for case in cases_of(log)
        for value in (case.reporter, case.contact, case.description)
        if value
    }


def actors(s: Structure) -> list[str]:
    return [b.id for b in s.bodies()] + [p.id for p in s.posts()] + [p.id for p in s.people()]


def logs() -> st.SearchStrategy[tuple[Structure, tuple[CaseEvent, ...]]]:
    return structures(max_communities=2, max_compounds=2, max_buildings=2).flatmap(
        lambda s: st.tuples(st.just(s), event_logs(s, max_cases=4))
    )


class TestServices:
    def test_one_per_category(self) -> None:
        """Every category is a service, in enum order, its value the service code."""
        listed = services()
        assert [s["service_code"] for s in listed] == [c.value for c in Category]
        assert len({s["service_name"] for s in listed}) == len(Category)

    def test_georeport_fields(self) -> None:
        """Each service has exactly the GeoReport fields, realtime and without metadata."""
        for service in services():
            assert set(service) == {
                "service_code",
                "service_name",
                "description",
                "metadata",
                "type",
                "keywords",
                "group",
            }
            assert service["type"] == "realtime"
            assert service["metadata"] is False
            assert service["service_name"]
            assert service["description"]

    def test_keywords_are_the_policy_domains(self) -> None:
        """Keywords list the policy's domains for the category; the group is the first."""
        for policy in (DEFAULT_POLICY, load_policy({"category_domains": {"noise": ["legal"]}})):
            for service in services(policy=policy):
                domains = policy.category_domains[Category(service["service_code"])]
                keywords = service["keywords"].split(", ")
                assert set(keywords) == {d.value for d in domains}
                assert service["group"] == keywords[0]
        noise = services(policy=load_policy({"category_domains": {"noise": ["legal"]}}))
        assert noise[list(Category).index(Category.NOISE)]["keywords"] == "legal"


class TestToRequests:
    def test_fire_lane_fields(self) -> None:
        """The whistle case exports its handler, due time, address and routing."""
        routing, log = fire_lane_log()
        [request] = to_requests(log[:3], structure=XINHE)
        assert request["service_request_id"] == "xinhe:wanda-fire-lane"
        assert request["service_code"] == "fire_lane"
        assert request["service_name"] == "Blocked fire lane"
        assert request["agency_responsible"] == "Fire brigade (消防队)"
        assert request["expected_datetime"] == routing.due.replace(tzinfo=CST).isoformat()
        assert request["requested_datetime"] == T.replace(tzinfo=CST).isoformat()
        assert request["updated_datetime"] == log[2].at.replace(tzinfo=CST).isoformat()
        assert request["service_notice"] == routing.reason
        assert request["address_id"] == "compound:wanda"
        assert request["address"] == (
            "Wanda Huafu (万达华府), Xinhe community (新河社区), Xinhua street (新华街道)"
        )
        extended = request["extended_attributes"]
        assert extended["status"] == "in_progress"
        assert (extended["tier"], extended["procedure"]) == ("whistle", "whistle")
        assert extended["convener"] == "party:xinhe"
        assert extended["summoned"] == ["dept:fire"]
        assert extended["co_handlers"] == ["pm:cxh"]
        assert extended["owner"] == "post:grid-wanda-a-worker"
        assert (extended["channel"], extended["scope"], extended["urgency"]) == (
            "patrol",
            "compound",
            "urgent",
        )
        assert set(request) == GEOREPORT_FIELDS | EXTENSIONS

    def test_status_follows_the_lifecycle(self) -> None:
        """``open`` until the case is resolved, then ``closed``; the extended status replays."""
        _, log = fire_lane_log()
        expected = ["open", "open", "open", "closed", "closed", "closed"]
        for n in range(1, len(log) + 1):
            [request] = to_requests(log[:n], structure=XINHE)
            assert request["status"] == expected[n - 1]
            assert request["extended_attributes"]["status"] == replay(log[:n]).status.value
            assert request["status_notes"] == request["notes"][-1]["description"]

    def test_notes_are_the_history_in_order(self) -> None:
        """One note per event, in order, with its time and the status it left."""
        _, log = fire_lane_log()
        [request] = to_requests(log, structure=XINHE)
        notes = request["notes"]
        assert [n["summary"] for n in notes] == [
            "reported",
            "routed",
            "accepted",
            "resolved",
            "revisited",
            "closed",
        ]
        assert [n["type"] for n in notes] == [
            "opened",
            "activity",
            "activity",
            "closed",
            "activity",
            "closed",
        ]
        assert [n["datetime"] for n in notes] == [e.at.replace(tzinfo=CST).isoformat() for e in log]
        statuses = []
        state = None
        for event in log:
            state = advance(state, event)
            statuses.append(state.status.value)
        assert [n["status"] for n in notes] == statuses
        assert notes[1]["extended_attributes"]["handler"] == "dept:fire"
        assert notes[4]["extended_attributes"]["satisfied"] is True
        assert notes[3]["description"] == "Resolved by Fire brigade (消防队)"

    def test_escalation_and_reopening_notes(self) -> None:
        """An escalation says so; a reopening opens again, its reason only if personal."""
        case = fire_lane_case(category=Category.REPAIR, place="building:wanda-1")
        first = route(XINHE, case)
        log: list[CaseEvent] = [
            Reported(case=case, at=T),
            Routed(case_id=case.id, at=T, routing=first),
            Accepted(case_id=case.id, at=T, actor="pm:cxh"),
        ]
        late = first.due + dt.timedelta(minutes=1)
        higher = escalate(XINHE, replay(log), now=late)
        assert higher is not None
        log += [
            Routed(case_id=case.id, at=late, routing=higher),
            Resolved(case_id=case.id, at=late, actor="pm:cxh"),
            Revisited(case_id=case.id, at=late, actor="post:grid-wanda-a-worker", satisfied=False),
            Reopened(
                case_id=case.id, at=late, actor="post:grid-wanda-a-worker", reason="住户说又漏了"
            ),
        ]
        [plain] = to_requests(log, structure=XINHE)
        assert plain["notes"][3]["description"].startswith("Escalated to the ")
        assert plain["notes"][-1]["type"] == "opened"
        assert plain["status"] == "open"
        assert plain["extended_attributes"]["reopened"] == 1
        assert "住户说又漏了" not in dumps_requests([plain])
        [full] = to_requests(log, structure=XINHE, for_actor=BACK_OFFICE, include_personal=True)
        assert full["notes"][-1]["extended_attributes"]["reason"] == "住户说又漏了"

    def test_now_cuts_the_log(self) -> None:
        """With ``now``, later events and later cases are left out and overdue is flagged."""
        routing, log = fire_lane_log()
        other = fire_lane_case(id="later", reported_at=dt.datetime(2025, 7, 1))
        log = [*log, Reported(case=other, at=other.reported_at)]
        now = routing.due + dt.timedelta(hours=1)
        [request] = to_requests(log, structure=XINHE, now=now)
        assert [n["summary"] for n in request["notes"]][-1] == "resolved"
        assert request["updated_datetime"] == log[3].at.replace(tzinfo=CST).isoformat()
        before = T + dt.timedelta(hours=6)
        [early] = to_requests(log, structure=XINHE, now=before)
        assert early["extended_attributes"]["overdue"] is False
        [late] = to_requests(log[:3], structure=XINHE, now=now)
        assert late["extended_attributes"]["overdue"] is True
        assert "overdue" not in to_requests(log, structure=XINHE)[0]["extended_attributes"]

    def test_time_zone(self) -> None:
        """With ``tz`` date-times carry their offset; import with it gives the naive times."""
        _, log = fire_lane_log()
        [request] = to_requests(
            log, structure=XINHE, tz=CST, for_actor=BACK_OFFICE, include_personal=True
        )
        assert request["requested_datetime"] == "2025-06-03T08:30:00+08:00"
        assert all(n["datetime"].endswith("+08:00") for n in request["notes"])
        assert from_requests([request], tz=CST) == cases_of(log)
        utc = from_requests([request], tz=dt.UTC)[0].reported_at
        assert utc == dt.datetime(2025, 6, 3, 0, 30)

    def test_access_for_an_actor(self) -> None:
        """Cases an actor may not view are left out; personal data only with view_personal."""
        _, log = fire_lane_log()
        state = replay(log)
        for actor in actors(XINHE):
            exported = to_requests(log, structure=XINHE, for_actor=actor, include_personal=True)
            if not can(XINHE, actor, "view", state):
                assert exported == []
                continue
            [request] = exported
            personal = can(XINHE, actor, "view_personal", state)
            assert (request.get("phone") == "13912345678") is personal
            assert (request["description"] is not None) is personal

    def test_place_outside_the_structure(self) -> None:
        """A case whose place the structure lacks is an InteropError at its report."""
        _, log = fire_lane_log()
        stray = fire_lane_case(id="stray", place="compound:elsewhere")
        with pytest.raises(InteropError) as info:
            to_requests([*log, Reported(case=stray, at=T)], structure=XINHE)
        assert info.value.location == "events[6].case.place"
        assert '"compound:elsewhere"' in info.value.message

    def test_invalid_log(self) -> None:
        """A log that does not replay raises InvalidTransition."""
        _, log = fire_lane_log()
        with pytest.raises(InvalidTransition):
            to_requests(log[1:], structure=XINHE)


class TestRoundTrip:
    def test_hand_made_log(self) -> None:
        """The fire-lane case comes back whole, through JSON text too."""
        _, log = fire_lane_log()
        exported = to_requests(log, structure=XINHE, for_actor=BACK_OFFICE, include_personal=True)
        assert from_requests(exported, structure=XINHE, tz=CST) == cases_of(log)
        text = dumps_requests(exported, indent=2)
        assert from_requests(loads_requests(text), structure=XINHE, tz=CST) == cases_of(log)

    def test_simulated_log(self) -> None:
        """Every case of a 30-day Xinhe simulation comes back whole."""
        log = simulate(XINHE, Scenario(days=30), seed=1).events
        exported = to_requests(log, structure=XINHE, for_actor=BACK_OFFICE, include_personal=True)
        assert len(exported) == len(cases_of(log)) > 0
        assert from_requests(exported, structure=XINHE, tz=CST) == cases_of(log)
        again = from_requests(loads_requests(dumps_requests(exported)), structure=XINHE, tz=CST)
        assert again == cases_of(log)

    @given(logs())
    def test_any_log(self, drawn: tuple[Structure, tuple[CaseEvent, ...]]) -> None:
        """Any valid log's cases come back whole; their second export writes the same fields.

        The export is the one with personal data; the fields compared are those the
        export takes from the case (``CASE_FIELDS`` and ``CASE_EXTENSIONS``).
        """
        s, log = drawn
        exported = to_requests(log, structure=s, for_actor=BACK_OFFICE, include_personal=True)
        cases = from_requests(exported, structure=s, tz=CST)
        assert cases == cases_of(log)
        second = to_requests(
            [Reported(case=c, at=c.reported_at) for c in cases],
            structure=s,
            for_actor=BACK_OFFICE,
            include_personal=True,
        )
        for first, again in zip(exported, second, strict=True):
            for key in CASE_FIELDS:
                assert first.get(key) == again.get(key), key
            for key in CASE_EXTENSIONS:
                assert first["extended_attributes"].get(key) == again["extended_attributes"].get(
                    key
                ), key

    @given(logs())
    def test_without_personal_data(self, drawn: tuple[Structure, tuple[CaseEvent, ...]]) -> None:
        """Import of an export without personal data gives the cases stripped of it."""
        s, log = drawn
        cases = from_requests(to_requests(log, structure=s, tz=CST), structure=s, tz=CST)
        assert cases == tuple(strip_personal(c) for c in cases_of(log))


class TestLifecycle:
    """``events_from_requests``: what ``to_requests`` wrote, read back as the events."""

    @staticmethod
    def grouped(log: Sequence[CaseEvent]) -> list[CaseEvent]:
        return [e for _, events in iter_case_events(log) for e in events]

    def test_hand_made_log(self) -> None:
        """The fire-lane case's six events come back equal, through JSON text too."""
        _, log = fire_lane_log()
        text = dumps_requests(
            to_requests(log, structure=XINHE, for_actor=BACK_OFFICE, include_personal=True)
        )
        assert list(events_from_requests(loads_requests(text), structure=XINHE, tz=CST)) == log

    def test_simulated_log(self) -> None:
        """A simulated month comes back event for event; its second export is the first.

        Without personal data a reopening's reason (free text) is not exported, so
        only the export with it gives back the very events.
        """
        log = simulate(XINHE, Scenario(days=30), seed=1).events
        personal = to_requests(log, structure=XINHE, for_actor=BACK_OFFICE, include_personal=True)
        assert list(events_from_requests(personal, structure=XINHE, tz=CST)) == self.grouped(log)
        exported = to_requests(log, structure=XINHE)
        events = events_from_requests(exported, structure=XINHE)
        assert to_requests(events, structure=XINHE) == exported

    @given(logs())
    def test_any_log(self, drawn: tuple[Structure, tuple[CaseEvent, ...]]) -> None:
        """Any valid log comes back event for event from its export with personal data."""
        s, log = drawn
        exported = to_requests(log, structure=s, for_actor=BACK_OFFICE, include_personal=True)
        assert list(events_from_requests(exported, structure=s, tz=CST)) == self.grouped(log)

    def test_every_problem_with_its_index(self) -> None:
        """A note that names no event and one missing its actor are both listed, located."""
        _, log = fire_lane_log()
        [request] = json.loads(dumps_requests(to_requests(log, structure=XINHE)))
        del request["notes"][4]["extended_attributes"]["actor"]
        request["notes"][5]["summary"] = "lost"
        other = {**request, "service_request_id": "other", "service_code": "pothole"}
        with pytest.raises(InteropErrorGroup) as info:
            events_from_requests([request, other], structure=XINHE)
        assert [p.location for p in info.value.problems] == [
            "requests[1].service_code",
            "requests[0].notes[4].extended_attributes.actor",
            "requests[0].notes[5].summary",
        ]

    def test_closing_and_reopening_name_who(self) -> None:
        """A closing note says who closed, and its actor reads back; an old note reads as None."""
        _, log = fire_lane_log()
        [request] = json.loads(dumps_requests(to_requests(log, structure=XINHE)))
        closing = request["notes"][5]
        assert closing["description"].startswith("Closed by ")
        assert closing["extended_attributes"]["actor"] == "post:grid-wanda-a-worker"
        events = events_from_requests([request], structure=XINHE, tz=CST)
        assert events[5] == log[5]
        del closing["extended_attributes"]["actor"]
        old = events_from_requests([request], tz=CST)
        assert isinstance(old[5], Closed)
        assert old[5].actor is None
        with pytest.raises(InteropErrorGroup) as info:
            events_from_requests([request], structure=XINHE, tz=CST)
        [problem] = info.value.problems
        assert problem.location == "requests[0].notes[5]"
        assert problem.message.startswith("closed with no actor")

    def test_reopening_actor_round_trips(self) -> None:
        """A reopening's actor goes out and comes back, with or without personal data."""
        case = fire_lane_case(category=Category.REPAIR, place="building:wanda-1")
        routing = route(XINHE, case)
        owner = routing.owner
        assert owner is not None
        log: list[CaseEvent] = [
            Reported(case=case, at=T),
            Routed(case_id=case.id, at=T, routing=routing),
            Accepted(case_id=case.id, at=T, actor="pm:cxh"),
            Resolved(case_id=case.id, at=T + dt.timedelta(hours=3), actor="pm:cxh"),
            Revisited(case_id=case.id, at=T + dt.timedelta(days=1), actor=owner, satisfied=False),
            Reopened(case_id=case.id, at=T + dt.timedelta(days=1), actor=owner, reason="又坏了"),
        ]
        [request] = to_requests(log, structure=XINHE)
        assert request["notes"][5]["description"].startswith("Reopened by ")
        back = events_from_requests([request], structure=XINHE, tz=CST)
        assert isinstance(back[5], Reopened)
        assert back[5].actor == owner

    def test_checked_against_the_structure(self) -> None:
        """Given a structure, a lifecycle read without a problem is checked with check_log."""
        _, log = fire_lane_log()
        log[3] = Resolved(case_id=log[3].case_id, at=log[3].at, actor="mediation:xinhexin")
        [request] = json.loads(dumps_requests(to_requests(log, structure=XINHE)))
        assert len(events_from_requests([request], tz=CST)) == 6
        with pytest.raises(InteropErrorGroup) as info:
            events_from_requests([request], structure=XINHE, tz=CST)
        [problem] = info.value.problems
        assert problem.location == "requests[0].notes[3]"
        assert problem.message.startswith('"mediation:xinhexin" may not resolve case')

    def test_refused_order_is_a_problem(self) -> None:
        """Notes in an order the lifecycle refuses are a problem at the refused note."""
        _, log = fire_lane_log()
        [request] = json.loads(dumps_requests(to_requests(log, structure=XINHE)))
        request["notes"][1], request["notes"][2] = request["notes"][2], request["notes"][1]
        with pytest.raises(InteropErrorGroup) as info:
            events_from_requests([request], structure=XINHE)
        assert [p.location for p in info.value.problems] == ["requests[0].notes[2]"]


class TestWhatUsersFound:
    def test_every_bad_request_listed(self) -> None:
        """Import lists every problem of every request, not only the first."""
        _, log = fire_lane_log()
        [request] = json.loads(dumps_requests(to_requests(log, structure=XINHE)))
        bad = [
            {**request, "service_code": "pothole"},
            {**request, "service_request_id": "b", "lat": 31.2, "requested_datetime": "soon"},
        ]
        with pytest.raises(InteropErrorGroup) as info:
            from_requests(bad, structure=XINHE)
        assert [p.location for p in info.value.problems] == [
            "requests[0].service_code",
            "requests[1].lat",
            "requests[1].requested_datetime",
        ]

    def test_unnamed_handler_named_readably(self) -> None:
        """agency_responsible names an unnamed post by its role and grid, not its raw id."""
        s = examples.load("shagangwan")
        case = Case(id="c", category=Category.NOISE, place="compound:dongyuan", reported_at=T)
        routing = Routing(
            tier=Tier.COMPOUND,
            procedure=Procedure.ON_THE_SPOT,
            handler="post:grid-dongyuan-worker",
            owner="post:grid-dongyuan-worker",
            due=T + dt.timedelta(days=1),
        )
        [r] = to_requests(
            [Reported(case=case, at=T), Routed(case_id="c", at=T, routing=routing)], structure=s
        )
        assert r["agency_responsible"] == "Grid worker of Dongyuan compound grid"
        assert "post:" not in r["notes"][1]["description"]

    def test_awaiting_revisit_is_said(self) -> None:
        """Resolved is closed for GeoReport; the owed return visit is in extended attributes."""
        _, log = fire_lane_log()
        states = [to_requests(log[:n], structure=XINHE)[0] for n in (3, 4, 5, 6)]
        assert [(r["status"], r["extended_attributes"].get("revisit")) for r in states] == [
            ("open", None),
            ("closed", "awaiting"),
            ("closed", "done"),
            ("closed", "done"),
        ]

    def test_revisit_checked_on_import(self) -> None:
        """An unknown revisit state is a located problem."""
        _, log = fire_lane_log()
        [request] = json.loads(dumps_requests(to_requests(log, structure=XINHE)))
        request["extended_attributes"]["revisit"] = "maybe"
        with pytest.raises(InteropErrorGroup) as info:
            from_requests([request])
        [problem] = info.value.problems
        assert problem.location == "requests[0].extended_attributes.revisit"


class TestPersonalData:
    def test_default_export_has_none(self) -> None:
        """Without include_personal no personal value appears; the description is null."""
        _, log = fire_lane_log()
        exported = to_requests(log, structure=XINHE)
        text = dumps_requests(exported)
        for value in personal_values(log):
            assert value not in text
        assert exported[0]["description"] is None
        assert not POST_FIELDS & set(exported[0])

    def test_included_when_asked(self) -> None:
        """With include_personal for the back office, every personal value is exported."""
        _, log = fire_lane_log()
        [request] = to_requests(log, structure=XINHE, for_actor=BACK_OFFICE, include_personal=True)
        assert request["last_name"] == "居民王"
        assert request["phone"] == "13912345678"
        assert request["description"] == "万达华府3号楼门前消防通道被占"
        assert set(request) == GEOREPORT_FIELDS | POST_FIELDS | EXTENSIONS

    def test_email_contact(self) -> None:
        """A contact with an @ is an email and comes back as the contact."""
        case = fire_lane_case(contact="li@example.org")
        [request] = to_requests(
            [Reported(case=case, at=T)],
            structure=XINHE,
            for_actor=BACK_OFFICE,
            include_personal=True,
        )
        assert (request["email"], request["phone"]) == ("li@example.org", None)
        assert from_requests([request], tz=CST) == (case,)

    @given(logs(), st.data())
    def test_no_personal_values_for_any_actor(
        self, drawn: tuple[Structure, tuple[CaseEvent, ...]], data: st.DataObject
    ) -> None:
        """For any actor, an export without personal rights holds no personal value.

        The export without include_personal — and with it, for the cases where the
        actor may not view_personal — holds none of the cases' personal values anywhere
        in its JSON text, and equals the export of the log stripped of personal data.
        """
        s, log = drawn
        values = personal_values(log)
        stripped = without_personal(log)
        for actor in data.draw(st.lists(st.sampled_from(actors(s)), min_size=1, max_size=6)):
            plain = to_requests(log, structure=s, for_actor=actor)
            assert plain == to_requests(stripped, structure=s, for_actor=actor)
            texts = [dumps_requests(plain)]
            asked = to_requests(log, structure=s, for_actor=actor, include_personal=True)
            states = {cid: replay(events) for cid, events in iter_case_events(log)}
            # The export judges every case at one moment: the log's latest event.
            moment = max(event.at for event in log)
            allowed = {
                cid
                for cid, state in states.items()
                if can(s, actor, "view_personal", state, at=moment)
            }
            denied = [r for r in asked if r["service_request_id"] not in allowed]
            texts.append(dumps_requests(denied))
            baseline = dumps_requests(
                to_requests(stripped, structure=s, for_actor=BACK_OFFICE, include_personal=True)
            )
            for text in texts:
                for value in values:
                    # A value that the structure's own names happen to contain is not a leak.
                    if value not in baseline:
                        assert value not in text, (actor, value)
            for request in denied:
                assert not POST_FIELDS & set(request)
                assert request["description"] is None

    def test_people_only_with_personal_data(self) -> None:
        """A person who receives or acts on a case is named only in a personal export."""
        case = fire_lane_case(receiver="person:steward-1")
        log: list[CaseEvent] = [
            Reported(case=case, at=T),
            Accepted(case_id=case.id, at=T, actor="person:steward-1"),
        ]
        [plain] = to_requests(log, structure=XINHE)
        assert "person:" not in dumps_requests([plain])
        assert plain["notes"][1]["description"] == "Accepted"
        [full] = to_requests(log, structure=XINHE, for_actor=BACK_OFFICE, include_personal=True)
        assert full["extended_attributes"]["receiver"] == "person:steward-1"
        assert full["notes"][1]["extended_attributes"]["actor"] == "person:steward-1"
        assert from_requests([full], tz=CST) == (case,)

    def test_every_personal_field_is_covered(self) -> None:
        """The fields the export withholds are exactly the case's personal fields."""
        assert PERSONAL_FIELDS == ("reporter", "contact", "description")

    def test_reopen_reason_only_for_view_personal(self) -> None:
        """A reopening's reason is in no default export, and only for readers with view_personal.

        It used to be copied by escalate into the new routing's reason, which the export
        writes as service_notice for everyone, a serving company that may only view
        included.
        """
        case = fire_lane_case()
        reason = "3号楼张先生：车还停在通道上"
        log: list[CaseEvent] = fire_lane_log()[1][:-1]  # up to the visit, not closed
        visit = log[-1]
        assert isinstance(visit, Revisited)
        log[-1] = attrs.evolve(visit, satisfied=False)
        log.append(
            Reopened(
                case_id=case.id, at=dt.datetime(2025, 6, 11, 9), actor=visit.actor, reason=reason
            )
        )
        again = escalate(XINHE, replay(log), now=dt.datetime(2025, 6, 11, 9))
        assert again is not None
        log.append(Routed(case_id=case.id, at=dt.datetime(2025, 6, 11, 9), routing=again))
        state = replay(log)
        assert can(XINHE, "pm:cxh", "view", state)
        assert not can(XINHE, "pm:cxh", "view_personal", state)
        for exported in (
            to_requests(log, structure=XINHE),
            to_requests(log, structure=XINHE, for_actor="pm:cxh", include_personal=True),
        ):
            [request] = exported
            assert reason not in dumps_requests(exported)
            assert request["service_notice"] is not None
            assert request["service_notice"].startswith("reopened (reason kept with the case)")
        for reader in (BACK_OFFICE, "post:grid-wanda-a-worker"):
            [full] = to_requests(log, structure=XINHE, for_actor=reader, include_personal=True)
            [reopened] = [n for n in full["notes"] if n["summary"] == "reopened"]
            assert reopened["extended_attributes"]["reason"] == reason

    def test_old_routing_reason_withheld(self) -> None:
        """A routing recorded before 0.2, quoting a reopening's reason, is exported without it."""
        routing, log = fire_lane_log()
        reason = "张先生说还是被占"
        case_id = log[0].case_id
        visit = log[-2]
        assert isinstance(visit, Revisited)
        log = [*log[:-2], attrs.evolve(visit, satisfied=False)]
        log.append(
            Reopened(
                case_id=case_id, at=dt.datetime(2025, 6, 11, 9), actor=visit.actor, reason=reason
            )
        )
        quoting = attrs.evolve(
            routing,
            tier=Tier.STREET,
            reason=f"reopened ({reason}); street answers (居民王, 13912345678)",
        )
        log.append(Routed(case_id=case_id, at=dt.datetime(2025, 6, 11, 9), routing=quoting))
        [plain] = to_requests(log, structure=XINHE)
        text = dumps_requests([plain])
        for value in (reason, "居民王", "13912345678"):
            assert value not in text
        assert plain["service_notice"] == (
            "reopened (reason kept with the case); street answers "
            "((personal data withheld), (personal data withheld))"
        )
        [full] = to_requests(log, structure=XINHE, for_actor=BACK_OFFICE, include_personal=True)
        assert full["service_notice"] == quoting.reason

    def test_personal_data_need_a_reader(self) -> None:
        """include_personal without for_actor is refused, not answered with every contact."""
        _, log = fire_lane_log()
        with pytest.raises(ReaderRequired, match="for_actor"):
            to_requests(log, structure=XINHE, include_personal=True)
        with pytest.raises(UnknownNodeError):
            to_requests(log, structure=XINHE, for_actor="person:nobody")
        assert to_requests(log, structure=XINHE, for_actor=BACK_OFFICE) == to_requests(
            log, structure=XINHE
        )


def handed_over(day: dt.date) -> Structure:
    """Xinhe whose micro-grid worker of 万达 A is steward-1 until ``day``, then steward-3."""
    records = XINHE.records()
    appointments = [
        attrs.evolve(a, end=day)
        if (a.person, a.post) == ("person:steward-1", "post:grid-wanda-a-worker")
        else a
        for a in records["appointments"]
    ]
    appointments.append(
        Appointment(
            person="person:steward-3",
            post="post:grid-wanda-a-worker",
            start=day + dt.timedelta(days=1),
        )
    )
    return XINHE.evolve(
        people=(*records["people"], Person(id="person:steward-3")),
        appointments=tuple(appointments),
    )


def noise_log(s: Structure) -> list[CaseEvent]:
    """A neighbour's noise in building 1 of 万达, on 6 May: settled in its micro-grid."""
    case = fire_lane_case(
        id="c",
        category=Category.NOISE,
        place="building:wanda-1",
        scope=Scope.BUILDING,
        urgency=Urgency.ROUTINE,
        receiver=None,
        reported_at=dt.datetime(2025, 5, 6, 9),
    )
    routing = route(s, case)
    assert routing.handler == routing.owner == "post:grid-wanda-a-worker"
    return [
        Reported(case=case, at=case.reported_at),
        Routed(case_id="c", at=case.reported_at, routing=routing),
    ]


class TestAccessInTime:
    def test_former_holder_loses_contacts(self) -> None:
        """A grid worker whose appointment ended on 10 May sees no contact in June.

        The export used to judge access on the case's report day and ignore ``now``.
        """
        s = handed_over(dt.date(2025, 5, 10))
        log = noise_log(s)
        june = dt.datetime(2025, 6, 1, 9)
        for now in (june, None):  # at 1 June; at the log's last event (6 May)
            old = to_requests(
                log, structure=s, for_actor="person:steward-1", include_personal=True, now=now
            )
            new = to_requests(
                log, structure=s, for_actor="person:steward-3", include_personal=True, now=now
            )
            if now is None:  # 6 May: steward-1 is still the grid worker
                assert old[0]["phone"] == "13912345678"
                assert new == []
                continue
            # steward-1 is still a steward of the property company, which serves the compound:
            # the case without its personal data.
            assert [r["service_request_id"] for r in old] == ["c"]
            assert "13912345678" not in dumps_requests(old)
            assert new[0]["phone"] == "13912345678"

    @pytest.mark.parametrize(
        ("at", "old_sees", "new_sees"),
        [
            (dt.datetime(2025, 5, 10, 23, 59), True, False),  # the end day is inclusive
            (dt.datetime(2025, 5, 11, 0, 0), False, True),
            (dt.date(2025, 5, 10), True, False),  # a day still works
            # 16:00 UTC on 10 May is midnight of 11 May in Shanghai, the policy's zone
            (dt.datetime(2025, 5, 10, 15, 59, tzinfo=dt.UTC), True, False),
            (dt.datetime(2025, 5, 10, 16, 0, tzinfo=dt.UTC), False, True),
        ],
    )
    def test_at_the_handover(
        self, at: dt.datetime | dt.date, old_sees: bool, new_sees: bool
    ) -> None:
        """``at`` judges access for the export, whatever moment the log stands at."""
        s = handed_over(dt.date(2025, 5, 10))
        log = noise_log(s)
        for reader, sees in (("person:steward-1", old_sees), ("person:steward-3", new_sees)):
            text = dumps_requests(
                to_requests(log, structure=s, for_actor=reader, include_personal=True, at=at)
            )
            assert ("13912345678" in text) is sees, reader


def _set(path: str, value: object) -> Callable[[dict[str, Any]], None]:
    def change(request: dict[str, Any]) -> None:
        *head, last = path.split(".")
        target = request
        for key in head:
            target = target[key]
        target[last] = value

    return change


def _delete(key: str) -> Callable[[dict[str, Any]], None]:
    def change(request: dict[str, Any]) -> None:
        del request[key]

    return change


BAD: list[tuple[str, Callable[[dict[str, Any]], None], str]] = [
    ("missing id", _delete("service_request_id"), "service_request_id"),
    ("empty id", _set("service_request_id", ""), "service_request_id"),
    ("unknown service code", _set("service_code", "pothole"), "service_code"),
    ("no service code", _delete("service_code"), "service_code"),
    ("bad date-time", _set("requested_datetime", "yesterday"), "requested_datetime"),
    ("date-time as a number", _set("requested_datetime", 20250603), "requested_datetime"),
    ("no date-time", _delete("requested_datetime"), "requested_datetime"),
    ("no place", _delete("address_id"), "address_id"),
    ("place not in the structure", _set("address_id", "building:nowhere"), "address_id"),
    ("unknown channel", _set("extended_attributes.channel", "fax"), "extended_attributes.channel"),
    ("unknown scope", _set("extended_attributes.scope", "planet"), "extended_attributes.scope"),
    (
        "unknown domain",
        _set("extended_attributes.domains", ["fire_safety", "water"]),
        "extended_attributes.domains[1]",
    ),
    (
        "receiver not in the structure",
        _set("extended_attributes.receiver", "post:nobody"),
        "extended_attributes.receiver",
    ),
    ("unknown extension", _set("extended_attributes.colour", "red"), "extended_attributes.colour"),
    ("extensions not an object", _set("extended_attributes", [1]), "extended_attributes"),
    ("unknown status", _set("status", "pending"), "status"),
    ("status against extended status", _set("status", "open"), "status"),
    (
        "unknown extended status",
        _set("extended_attributes.status", "lost"),
        "extended_attributes.status",
    ),
    ("coordinates", _set("lat", 31.2), "lat"),
    ("media", _set("media_url", "http://example.org/a.jpg"), "media_url"),
    ("unknown field", _set("colour", "red"), "colour"),
    ("phone and email", _set("email", "li@example.org"), "email"),
    ("name not a string", _set("last_name", 3), "last_name"),
    ("description not a string", _set("description", ["a"]), "description"),
    ("notes not a list", _set("notes", "none"), "notes"),
    ("bad updated date-time", _set("updated_datetime", "soon"), "updated_datetime"),
]


class TestFromRequests:
    @staticmethod
    def exported() -> list[dict[str, Any]]:
        _, log = fire_lane_log()
        other = fire_lane_case(id="other")
        requests = to_requests(
            [Reported(case=other, at=T), *log],
            structure=XINHE,
            for_actor=BACK_OFFICE,
            include_personal=True,
        )
        loaded: list[dict[str, Any]] = json.loads(dumps_requests(requests))
        return loaded

    @pytest.mark.parametrize(("label", "change", "location"), BAD, ids=[b[0] for b in BAD])
    def test_unmappable_field(
        self, label: str, change: Callable[[dict[str, Any]], None], location: str
    ) -> None:
        """What cannot be mapped is an InteropError at its location, saying what's expected.

        It comes in the InteropErrorGroup of the import, alone: the rest maps.
        """
        requests = self.exported()
        change(requests[1])
        with pytest.raises(InteropErrorGroup) as info:
            from_requests(requests, structure=XINHE)
        [problem] = info.value.problems
        assert problem.location == f"requests[1].{location}", label
        assert "expected" in problem.message

    def test_request_not_an_object(self) -> None:
        """A request that is not an object is named by its index."""
        with pytest.raises(InteropErrorGroup) as info:
            from_requests([*self.exported(), "case"])
        assert [p.location for p in info.value.problems] == ["requests[2]"]

    def test_not_a_list(self) -> None:
        """A single object instead of a list is refused."""
        with pytest.raises(InteropError) as info:
            from_requests(self.exported()[0])
        assert info.value.location == "requests"

    def test_duplicate_id(self) -> None:
        """Two requests with one id are refused at the second."""
        requests = self.exported()
        requests[1]["service_request_id"] = requests[0]["service_request_id"]
        with pytest.raises(InteropError) as info:
            from_requests(requests)
        assert isinstance(info.value, InteropErrorGroup)
        [problem] = info.value.problems
        assert problem.location == "requests[1].service_request_id"
        assert "first at requests[0]" in problem.message

    def test_place_checked_only_with_a_structure(self) -> None:
        """Without a structure, any place id is taken as it is."""
        requests = self.exported()
        requests[0]["address_id"] = "building:nowhere"
        assert from_requests(requests)[0].place == "building:nowhere"

    def test_minimal_request(self) -> None:
        """Four required fields make a case with defaults; a numeric id becomes a string.

        GeoReport's own examples write ids as numbers.
        """
        [case] = from_requests(
            [
                {
                    "service_request_id": 638344,
                    "service_code": "roads",
                    "requested_datetime": "2025-06-03T08:30:00",
                    "address_id": "compound:wanda",
                    "lat": None,
                    "media_url": "",
                }
            ],
            structure=XINHE,
        )
        assert case == Case(
            id="638344",
            category=Category.ROADS,
            place="compound:wanda",
            reported_at=T,
        )

    def test_names_joined(self) -> None:
        """A given and a family name make one reporter, given name first."""
        [case] = from_requests(
            [
                {
                    "service_request_id": "1",
                    "service_code": "noise",
                    "requested_datetime": "2025-06-03T08:30:00Z",
                    "address_id": "building:wanda-1",
                    "first_name": "Mei",
                    "last_name": "Li",
                    "email": "li@example.org",
                }
            ]
        )
        assert (case.reporter, case.contact) == ("Mei Li", "li@example.org")
        assert case.reported_at == dt.datetime(2025, 6, 3, 8, 30, tzinfo=dt.UTC)

    def test_derived_fields_are_not_kept(self) -> None:
        """Changing what the export derives from events changes no case."""
        requests = self.exported()
        for request in requests:
            request["agency_responsible"] = "someone else"
            request["notes"] = []
            request["extended_attributes"]["tier"] = "street"
            request["address"] = "elsewhere"
        _, log = fire_lane_log()
        assert from_requests(requests, tz=CST)[1] == cases_of(log)[0]

    def test_status_values_are_checked(self) -> None:
        """Every govmodel status maps to the GeoReport status an export writes."""
        requests = self.exported()
        for status in Status:
            requests[1]["extended_attributes"]["status"] = status.value
            requests[1]["status"] = (
                "closed" if status in (Status.RESOLVED, Status.CLOSED) else "open"
            )
            from_requests(requests)


class TestJSONText:
    def test_loads_round_trip(self) -> None:
        """JSON text reads back to the same requests."""
        _, log = fire_lane_log()
        requests: list[ServiceRequest] = to_requests(log, structure=XINHE)
        assert loads_requests(dumps_requests(requests)) == requests

    def test_keeps_chinese(self) -> None:
        """Chinese names are written as they are, not escaped."""
        _, log = fire_lane_log()
        assert "万达华府" in dumps_requests(to_requests(log, structure=XINHE))

    @pytest.mark.parametrize(
        ("text", "location"),
        [("not json", "requests"), ('{"a": 1}', "requests"), ("[1]", "requests[0]")],
    )
    def test_bad_text(self, text: str, location: str) -> None:
        """Text that is not a JSON array of objects raises InteropError."""
        with pytest.raises(InteropError) as info:
            loads_requests(text)
        assert info.value.location == location

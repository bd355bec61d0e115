"""Tests for `govmodel.cases`: the lifecycle, replay and the JSON Lines log."""

import datetime as dt
import re
from collections.abc import Callable
from functools import reduce
from random import Random

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

import govmodel
from govmodel import (
    Accepted,
    Case,
    CaseEvent,
    CaseState,
    Category,
    Channel,
    Closed,
    Domain,
    EventLogError,
    GovModelError,
    InvalidTransition,
    Procedure,
    RecordError,
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
    Urgency,
    advance,
    dumps_events,
    examples,
    loads_events,
    replay,
)
from govmodel.cases import PERSONAL_FIELDS, iter_case_events
from govmodel.strategies import cases, event_logs, structures

T = dt.datetime(2025, 5, 6, 9, 0)
CASE = Case(id="c", category=Category.REPAIR, place="building:wanda-1", reported_at=T)
ROUTING = Routing(
    tier=Tier.COMPOUND,
    procedure=Procedure.TRANSFER,
    handler="pm:cxh",
    owner="post:a",
    due=T + dt.timedelta(days=3),
)


def at(hours: float) -> dt.datetime:
    return T + dt.timedelta(hours=hours)


def full_log() -> list[CaseEvent]:
    return [
        Reported(case=CASE, at=at(0)),
        Routed(case_id="c", at=at(0), routing=ROUTING),
        Accepted(case_id="c", at=at(1), actor="pm:cxh"),
        Resolved(case_id="c", at=at(5), actor="pm:cxh"),
        Revisited(case_id="c", at=at(30), actor="post:a", satisfied=True),
        Closed(case_id="c", at=at(31), actor="post:a"),
    ]


class TestAdvance:
    def test_full_lifecycle(self) -> None:
        """Report, route, accept, resolve, revisit, close: each step sets what it should."""
        state = replay(full_log())
        assert state.status is Status.CLOSED
        assert (state.accepted_at, state.resolved_at, state.closed_at) == (at(1), at(5), at(31))
        assert state.routing == ROUTING
        assert state.events == 6

    def test_first_event_must_be_report(self) -> None:
        """Resolving a case never reported is refused, naming case, state and event."""
        with pytest.raises(InvalidTransition) as info:
            advance(None, Resolved(case_id="c", at=T, actor="x"))
        err = info.value
        assert (err.case_id, err.state, err.event) == ("c", "not yet reported", "resolved")
        assert isinstance(err, ValueError)

    def test_close_needs_revisit(self) -> None:
        """一案一回访: closing without a return visit is refused when the policy requires one."""
        log = full_log()
        del log[4]
        with pytest.raises(InvalidTransition, match="no return visit"):
            replay(log)
        assert replay(log, require_revisit=False).status is Status.CLOSED

    def test_revisit_before_new_resolution_does_not_count(self) -> None:
        """After a reopening, the old return visit does not allow closing the new resolution."""
        log = [
            *full_log()[:5],
            Reopened(case_id="c", at=at(30), actor="post:a", reason="again"),
            Resolved(case_id="c", at=at(40), actor="pm:cxh"),
            Closed(case_id="c", at=at(41), actor="post:a"),
        ]
        with pytest.raises(InvalidTransition, match="no return visit"):
            replay(log)

    def test_other_case_event(self) -> None:
        """An event of another case is refused."""
        state = replay(full_log()[:2])
        with pytest.raises(InvalidTransition, match='belongs to case "d"'):
            advance(state, Accepted(case_id="d", at=at(1), actor="x"))

    def test_time_goes_forward(self) -> None:
        """An event earlier than the last one is refused."""
        state = replay(full_log()[:3])
        with pytest.raises(InvalidTransition, match="before the last event"):
            advance(state, Resolved(case_id="c", at=at(0.5), actor="x"))

    @pytest.mark.parametrize(
        ("prefix", "event", "why"),
        [
            (1, Reported(case=CASE, at=at(1)), "already reported"),
            (3, Accepted(case_id="c", at=at(2), actor="x"), "already accepted"),
            (2, Resolved(case_id="c", at=at(2), actor="x"), "nobody has accepted"),
            (
                3,
                Revisited(case_id="c", at=at(2), actor="x", satisfied=True),
                "follows a resolution",
            ),
            (
                3,
                Reopened(case_id="c", at=at(2), actor="post:a", reason="r"),
                "only a resolved case",
            ),
            (3, Closed(case_id="c", at=at(2), actor="post:a"), "only a resolved case is closed"),
            (4, Resolved(case_id="c", at=at(6), actor="x"), "already resolved"),
            (4, Routed(case_id="c", at=at(6), routing=ROUTING), "reopened before it is routed"),
            (6, Accepted(case_id="c", at=at(40), actor="x"), "the case is closed"),
        ],
    )
    def test_impossible_orders(self, prefix: int, event: CaseEvent, why: str) -> None:
        """Each impossible order is refused with a reason."""
        state = replay(full_log()[:prefix])
        with pytest.raises(InvalidTransition, match=why):
            advance(state, event)

    def test_reopen_and_reroute(self) -> None:
        """A reopened case is routed again and counts its reopenings."""
        log = [
            *full_log()[:5],
            Reopened(case_id="c", at=at(30), actor="post:a", reason="not fixed"),
            Routed(case_id="c", at=at(30), routing=ROUTING),
        ]
        state = replay(log)
        assert (state.status, state.reopened, len(state.routings)) == (Status.IN_PROGRESS, 1, 2)

    def test_does_not_mutate(self) -> None:
        """Advancing returns a new state and leaves the old one as it was."""
        state = replay(full_log()[:2])
        before = state
        advance(state, Accepted(case_id="c", at=at(1), actor="x"))
        assert state == before
        assert state.status is Status.REPORTED

    def test_not_an_event(self) -> None:
        """Something that is not an event is a TypeError."""
        with pytest.raises(TypeError, match="CaseEvent"):
            advance(None, "reported")  # type: ignore[arg-type]


def logs() -> st.SearchStrategy[tuple[Structure, tuple[CaseEvent, ...]]]:
    return structures(max_communities=1, max_compounds=2).flatmap(
        lambda s: st.tuples(st.just(s), event_logs(s, max_cases=4))
    )


class TestReplay:
    @given(logs())
    def test_replay_is_fold_of_advance(self, pair: tuple[Structure, tuple[CaseEvent, ...]]) -> None:
        """Replaying any generated case log equals folding advance over it."""
        _, log = pair
        for _, events in iter_case_events(log):
            folded = reduce(advance, events, None)
            assert replay(events) == folded

    def test_empty(self) -> None:
        """There is no state without events."""
        with pytest.raises(InvalidTransition, match="no event"):
            replay([])

    def test_xinhe_logs_replay(self) -> None:
        """Logs generated on a bundled example replay too."""
        s = examples.load("xinhe")

        @settings(max_examples=20)
        @given(event_logs(s))
        def check(log: tuple[CaseEvent, ...]) -> None:
            for _, events in iter_case_events(log):
                assert replay(events).case.place in {p.id for p in s.places()}

        check()


class TestJsonLines:
    @given(logs())
    def test_round_trip(self, pair: tuple[Structure, tuple[CaseEvent, ...]]) -> None:
        """Any generated log survives JSON Lines exactly."""
        _, log = pair
        assert loads_events(dumps_events(log)) == log

    def test_one_object_per_line(self) -> None:
        """Each event is one line, tagged by its kind."""
        text = dumps_events(full_log())
        lines = text.splitlines()
        assert len(lines) == 6
        assert [line.split('"event": "')[1].split('"')[0] for line in lines] == [
            "reported",
            "routed",
            "accepted",
            "resolved",
            "revisited",
            "closed",
        ]

    def test_timezone_kept(self) -> None:
        """Aware date-times keep their offset."""
        tz = dt.timezone(dt.timedelta(hours=8))
        event = Closed(case_id="c", at=dt.datetime(2025, 1, 1, 9, tzinfo=tz), actor="post:a")
        (back,) = loads_events(dumps_events([event]))
        assert back == event
        assert back.at.utcoffset() == dt.timedelta(hours=8)

    @pytest.mark.parametrize(
        ("line", "message"),
        [
            ("{not json", "line 1: not valid JSON"),
            ("[1]", "line 1: expected a JSON object"),
            ('{"event": "vanished", "case_id": "c"}', "unknown event 'vanished'"),
            ('{"event": "closed", "case_id": "c"}', "missing at"),
            ('{"event": "closed", "case_id": "c", "at": "yesterday"}', "not a valid closed event"),
        ],
    )
    def test_bad_lines(self, line: str, message: str) -> None:
        """A bad line is reported by number with what is wrong, as a GovModelError."""
        with pytest.raises(GovModelError, match=message):
            loads_events(line)

    def test_blank_lines_skipped(self) -> None:
        """Blank lines between events are ignored."""
        text = dumps_events(full_log()[:2])
        assert len(loads_events("\n" + text.replace("\n", "\n\n"))) == 2


class Lifecycle(RuleBasedStateMachine):
    """Drives advance with every kind of event against a small model of the lifecycle."""

    def __init__(self) -> None:
        super().__init__()
        self.state: CaseState | None = None
        self.model = "new"
        self.accepted = False
        self.routed = False
        self.revisited = False
        self.clock = T

    def tick(self) -> dt.datetime:
        self.clock += dt.timedelta(hours=1)
        return self.clock

    def attempt(self, event: CaseEvent, allowed: bool, then: str | None) -> None:
        if allowed:
            self.state = advance(self.state, event)
            if then is not None:
                self.model = then
        else:
            before = self.state
            with pytest.raises(InvalidTransition):
                advance(self.state, event)
            assert self.state == before

    @initialize()
    def report(self) -> None:
        self.attempt(Reported(case=CASE, at=self.clock), True, "reported")

    @rule()
    def accept(self) -> None:
        allowed = self.model not in ("closed",) and not self.accepted
        self.attempt(Accepted(case_id="c", at=self.tick(), actor="x"), allowed, None)
        if allowed:
            self.accepted = True
            self.model = "in_progress" if self.routed and self.model != "resolved" else self.model
            if self.model == "reported":
                self.model = "accepted"

    @rule()
    def route(self) -> None:
        allowed = self.model in ("reported", "accepted", "in_progress", "reopened")
        self.attempt(Routed(case_id="c", at=self.tick(), routing=ROUTING), allowed, None)
        if allowed:
            self.routed = True
            self.model = "in_progress" if self.accepted else "reported"

    @rule()
    def resolve(self) -> None:
        allowed = self.accepted and self.model in ("accepted", "in_progress", "reopened")
        self.attempt(Resolved(case_id="c", at=self.tick(), actor="x"), allowed, "resolved")
        if allowed:
            self.revisited = False

    @rule(satisfied=st.booleans())
    def revisit(self, satisfied: bool) -> None:
        allowed = self.model == "resolved"
        self.attempt(
            Revisited(case_id="c", at=self.tick(), actor="x", satisfied=satisfied), allowed, None
        )
        if allowed:
            self.revisited = True

    @rule()
    def reopen(self) -> None:
        allowed = self.model == "resolved"
        self.attempt(
            Reopened(case_id="c", at=self.tick(), actor="post:a", reason="again"),
            allowed,
            "reopened",
        )

    @rule()
    def close(self) -> None:
        allowed = self.model == "resolved" and self.revisited
        self.attempt(Closed(case_id="c", at=self.tick(), actor="post:a"), allowed, "closed")

    @invariant()
    def consistent(self) -> None:
        assert self.state is not None
        assert self.state.status.value == self.model
        assert (self.state.accepted_at is not None) == self.accepted
        if self.state.status is Status.CLOSED:
            assert self.state.revisited_since_resolved is not None


TestLifecycle = Lifecycle.TestCase


class TestRobustness:
    def test_events_read_strictly(self) -> None:
        """A satisfied flag of "no" is an error, not a satisfied visit."""
        line = (
            '{"event": "revisited", "at": "2025-01-01T00:00", "case_id": "c", '
            '"actor": "a", "satisfied": "no"}'
        )
        with pytest.raises(GovModelError, match="satisfied"):
            loads_events(line)

    @pytest.mark.parametrize(
        ("fields", "message"),
        [
            ('"case_id": "c", "satisfied": "no"', "expected bool @ $.satisfied"),
            ('"case_id": 5, "satisfied": true', "expected str @ $.case_id"),
        ],
    )
    def test_scalars_never_coerced(self, fields: str, message: str) -> None:
        """The spec's strict hooks read event logs: "no" is no bool, 5 no id."""
        line = f'{{"event": "revisited", "at": "2025-01-01T00:00", "actor": "a", {fields}}}'
        pattern = f"^line 1: not a valid revisited event: .*{re.escape(message)}$"
        with pytest.raises(GovModelError, match=pattern):
            loads_events(line)

    @pytest.mark.parametrize("category", ['"bogus"', "3"])
    def test_enums_take_only_their_values(self, category: str) -> None:
        """A category outside the vocabulary, or not a string, is refused."""
        line = (
            '{"event": "reported", "at": "2025-01-01T00:00", "case": {"id": "c", '
            f'"category": {category}, "place": "p", "reported_at": "2025-01-01T00:00"}}}}'
        )
        with pytest.raises(GovModelError, match=r"expected Category @ \$\.case\.category$"):
            loads_events(line)

    def test_lists_become_tuples(self) -> None:
        """Lists given to a routing or a case are stored as tuples, keeping them hashable."""
        routing = attrs.evolve(ROUTING, co_handlers=["post:a"], ladder=[Tier.MICRO_GRID])
        assert (routing.co_handlers, routing.ladder) == (("post:a",), (Tier.MICRO_GRID,))
        assert hash(routing) == hash(
            attrs.evolve(ROUTING, co_handlers=("post:a",), ladder=(Tier.MICRO_GRID,))
        )
        case = Case(id="c", category=Category.NOISE, place="p", reported_at=T, domains=["legal"])
        assert case.domains == (Domain.LEGAL,)
        assert Case(id="c", category=Category.NOISE, place="p", reported_at=T).domains is None

    def test_line_separators_in_text_survive(self) -> None:
        """Text holding U+2028 or U+0085 round-trips through JSON Lines."""
        case = Case(
            id="c",
            category=Category.NOISE,
            place="p",
            reported_at=T,
            description="flat 3\u2028room 2\x85end",
        )
        log = (Reported(case=case, at=T),)
        assert loads_events(dumps_events(log)) == log

    def test_case_fields_checked(self) -> None:
        """A category outside the vocabulary, or a date for a datetime, is refused."""
        with pytest.raises(
            RecordError, match='category: unknown category "bogus"; expected one of'
        ):
            Case(id="c", category="bogus", place="p", reported_at=T)
        with pytest.raises(RecordError, match="reported_at: expected a datetime"):
            Case(id="c", category=Category.NOISE, place="p", reported_at=T.date())  # type: ignore[arg-type]


class TestCaseConstruction:
    """What users found: domains as a frozenset, categories as strings, empty ids."""

    def test_domains_from_any_iterable(self) -> None:
        """A frozenset, a set, a generator or a list of domains is taken, members or values."""
        expected = (Domain.PROPERTY_SERVICE, Domain.NEIGHBOUR_DISPUTE)
        for domains in (
            frozenset({Domain.NEIGHBOUR_DISPUTE, Domain.PROPERTY_SERVICE}),
            {"neighbour_dispute", Domain.PROPERTY_SERVICE},
            (d for d in reversed(expected)),
            ["neighbour_dispute", "property_service", "neighbour_dispute"],
        ):
            case = Case(id="c", category="leak", place="p", reported_at=T, domains=domains)
            assert case.domains == expected

    @given(st.sets(st.sampled_from(Domain)), st.randoms())
    def test_domains_stored_sorted(self, domains: set[Domain], random: Random) -> None:
        """Any order of the same domains makes equal, equally hashed cases and the same JSON."""
        shuffled = list(domains)
        random.shuffle(shuffled)
        a = Case(id="c", category="leak", place="p", reported_at=T, domains=shuffled)
        b = Case(id="c", category="leak", place="p", reported_at=T, domains=frozenset(domains))
        assert a == b
        assert hash(a) == hash(b)
        assert a.domains == (tuple(d for d in Domain if d in domains) or None)
        log = (Reported(case=a, at=T),)
        assert dumps_events(log) == dumps_events((Reported(case=b, at=T),))
        assert loads_events(dumps_events(log)) == log

    @given(
        st.sampled_from(Category),
        st.sampled_from(Channel),
        st.sampled_from(Scope),
        st.sampled_from(Urgency),
    )
    def test_vocabulary_values_are_converted(
        self, category: Category, channel: Channel, scope: Scope, urgency: Urgency
    ) -> None:
        """Every value of the vocabulary, given as a string, becomes its member."""
        case = Case(
            id="c",
            category=category.value,
            place="p",
            reported_at=T,
            channel=channel.value,
            scope=scope.value,
            urgency=urgency.value,
        )
        assert (case.category, case.channel, case.scope, case.urgency) == (
            category,
            channel,
            scope,
            urgency,
        )
        assert type(case.category) is Category

    @pytest.mark.parametrize(
        ("field", "value"),
        [("category", "nosie"), ("channel", "fax"), ("scope", "planet"), ("urgency", 3)],
    )
    def test_unknown_values_name_the_field(self, field: str, value: object) -> None:
        """An unknown value names the field and the valid values, never the value refused."""
        fields: dict[str, object] = {"category": "noise", field: value}
        with pytest.raises(RecordError) as info:
            Case(id="c", place="p", reported_at=T, **fields)  # type: ignore[arg-type]
        err = info.value
        assert isinstance(err, GovModelError)
        assert isinstance(err, ValueError)
        assert err.location == field
        choices = err.message.split("expected one of ")[1].split(", ")
        assert str(value) not in choices

    def test_unknown_domain(self) -> None:
        """An unknown domain is named, with the domains, under the field domains."""
        with pytest.raises(RecordError, match=r'^domains: unknown domain "quiet"; expected one of'):
            Case(id="c", category="noise", place="p", reported_at=T, domains=["quiet"])
        with pytest.raises(RecordError, match=r"^domains: expected an iterable of domains"):
            Case(id="c", category="noise", place="p", reported_at=T, domains="legal")

    def test_no_domains_means_the_categorys(self) -> None:
        """An empty set of domains is not given: the case keeps its category's, in JSON too."""
        case = Case(id="c", category="noise", place="p", reported_at=T, domains=set())
        assert case.domains is None
        assert '"domains"' not in dumps_events((Reported(case=case, at=T),))

    @pytest.mark.parametrize("place", ["", " ", None, 5])
    def test_place_must_be_an_id(self, place: object) -> None:
        """A case names its place: an empty or missing place is refused, not routed later."""
        with pytest.raises(RecordError, match=r"^place: expected a place id"):
            Case(id="c", category="noise", place=place, reported_at=T)  # type: ignore[arg-type]

    def test_receiver_must_be_an_id(self) -> None:
        """A receiver is an id or None."""
        with pytest.raises(RecordError, match=r"^receiver: expected an id"):
            Case(id="c", category="noise", place="p", reported_at=T, receiver="")

    @pytest.mark.parametrize("field", ["reporter", "contact", "description"])
    def test_personal_fields_hold_text(self, field: str) -> None:
        """Personal fields take text only, and the refusal never shows the value."""
        fields: dict[str, object] = {field: 13912345678}
        with pytest.raises(RecordError) as info:
            Case(id="c", category="noise", place="p", reported_at=T, **fields)  # type: ignore[arg-type]
        assert info.value.location == field
        assert "13912345678" not in str(info.value)
        assert "found int" in str(info.value)

    def test_blank_description(self) -> None:
        """A description of None is the empty text, so the case writes and reads back."""
        case = Case(id="c", category="noise", place="p", reported_at=T, description=None)
        assert case.description == ""
        log = (Reported(case=case, at=T),)
        assert loads_events(dumps_events(log)) == log

    @pytest.mark.parametrize("case_id", ["", "   ", None])
    def test_empty_id_refused(self, case_id: object) -> None:
        """A case needs an id: an empty or blank one is refused."""
        with pytest.raises(RecordError, match=r"^id: expected a non-empty string"):
            Case(id=case_id, category="noise", place="p", reported_at=T)  # type: ignore[arg-type]


class TestTimeZones:
    def test_mixed_times_within_a_case(self) -> None:
        """An aware event after naive ones (or the reverse) is refused naming the event."""
        aware = at(1).replace(tzinfo=dt.UTC)
        with pytest.raises(InvalidTransition, match=r"accepted: its time .* has a UTC"):
            replay([Reported(case=CASE, at=at(0)), Accepted(case_id="c", at=aware, actor="a")])
        case = attrs.evolve(CASE, reported_at=aware)
        with pytest.raises(InvalidTransition, match=r"cannot apply accepted: .* has no UTC offset"):
            replay([Reported(case=case, at=aware), Accepted(case_id="c", at=at(2), actor="a")])

    def test_aware_log_replays(self) -> None:
        """A log whose times all have offsets, in different zones, replays in order."""
        utc = at(0).replace(tzinfo=dt.UTC)
        cst = (utc + dt.timedelta(hours=1)).astimezone(dt.timezone(dt.timedelta(hours=8)))
        state = replay(
            [
                Reported(case=attrs.evolve(CASE, reported_at=utc), at=utc),
                Accepted(case_id="c", at=cst, actor="a"),
            ]
        )
        assert state.accepted_at == cst


class TestEventConstruction:
    """Events check their own fields: what was reported as folding without error."""

    @pytest.mark.parametrize(
        ("build", "pattern"),
        [
            (
                lambda: Reported(case=None, at=T),  # type: ignore[arg-type]
                r"^case: expected a Case, found None$",
            ),
            (
                lambda: Routed(case_id="c", at=T, routing=None),  # type: ignore[arg-type]
                r"^routing: expected a Routing, found None$",
            ),
            (
                lambda: Revisited(
                    case_id="c", at=T, actor="post:a", satisfied=True, found=("not-a-domain",)
                ),
                r'^found: unknown domain "not-a-domain"; expected one of',
            ),
            (
                lambda: Reopened(case_id="c", at=T, actor="post:a", reason="r", domains=["quiet"]),
                r'^domains: unknown domain "quiet"',
            ),
            (lambda: Accepted(case_id="c", at=T, actor=""), r"^actor: expected the id of a body"),
            (
                lambda: Resolved(case_id="c", at=T, actor=None),  # type: ignore[arg-type]
                r"^actor: expected the id",
            ),
            (lambda: Closed(case_id="c", at=T, actor="  "), r"^actor: expected the id"),
            (lambda: Accepted(case_id="", at=T, actor="a"), r"^case_id: expected a non-empty"),
            (
                lambda: Closed(case_id=None, at=T, actor="a"),  # type: ignore[arg-type]
                r"^case_id: expected a non-empty",
            ),
            (
                lambda: Accepted(case_id="c", at=T.date(), actor="a"),  # type: ignore[arg-type]
                r"^at: expected a datetime",
            ),
            (
                lambda: Revisited(case_id="c", at=T, actor="a", satisfied="no"),  # type: ignore[arg-type]
                r'^satisfied: expected True or False, found "no"$',
            ),
            (
                lambda: Revisited(case_id="c", at=T, actor="a", satisfied=True, found="legal"),
                r"^found: expected an iterable of domains",
            ),
        ],
    )
    def test_bad_fields_refused(self, build: Callable[[], object], pattern: str) -> None:
        """A missing case or routing, an unknown domain, an empty actor or id is a RecordError."""
        with pytest.raises(RecordError, match=pattern):
            build()

    def test_reported_bugs_no_longer_fold(self) -> None:
        """Routed(routing=None), Reported(case=None), an unknown found: none reach advance."""
        state = replay(full_log()[:4])
        with pytest.raises(RecordError):
            advance(state, Routed(case_id="c", at=at(6), routing=None))  # type: ignore[arg-type]
        with pytest.raises(RecordError):
            advance(None, Reported(case=None, at=T))  # type: ignore[arg-type]
        with pytest.raises(RecordError):
            advance(
                state,
                Revisited(
                    case_id="c",
                    at=at(6),
                    actor="post:a",
                    satisfied=True,
                    found=("not-a-domain",),
                ),
            )

    def test_domains_given_as_values_become_members(self) -> None:
        """found and domains take the vocabulary's values, kept in the order given."""
        visit = Revisited(case_id="c", at=T, actor="a", satisfied=False, found=["legal", "housing"])
        assert visit.found == (Domain.LEGAL, Domain.HOUSING)
        reopening = Reopened(case_id="c", at=T, actor="a", reason="r", domains=iter(["legal"]))
        assert reopening.domains == (Domain.LEGAL,)

    def test_reason_never_echoed(self) -> None:
        """A reason of the wrong kind is named by its kind: reasons are personal data."""
        with pytest.raises(
            RecordError, match=r"^reason: expected a string, found a bytes$"
        ) as info:
            Reopened(case_id="c", at=T, actor="a", reason="住户王某".encode())  # type: ignore[arg-type]
        assert "住户" not in str(info.value)
        assert "\\x" not in str(info.value)

    def test_closing_and_reopening_name_their_actor(self) -> None:
        """Closed and Reopened need an actor: there is an audit trail of who closed or reopened."""
        with pytest.raises(TypeError, match="actor"):
            Closed(case_id="c", at=T)  # type: ignore[call-arg]
        with pytest.raises(TypeError, match="actor"):
            Reopened(case_id="c", at=T, reason="r")  # type: ignore[call-arg]
        for made in (
            Closed(case_id="c", at=T, actor="post:a"),
            Reopened(case_id="c", at=T, actor="post:a", reason="r"),
        ):
            assert made.actor == "post:a"
            assert '"actor": "post:a"' in dumps_events([made])
            assert loads_events(dumps_events([made])) == (made,)

    @pytest.mark.parametrize(
        "line",
        [
            '{"event": "closed", "case_id": "c", "at": "2025-05-06T09:00:00"}',
            '{"event": "reopened", "case_id": "c", "at": "2025-05-06T09:00:00", "reason": "r"}',
            '{"event": "closed", "case_id": "c", "at": "2025-05-06T09:00:00", "actor": null}',
        ],
    )
    def test_old_logs_load_without_actor(self, line: str) -> None:
        """A log written before closings named their actor loads, with actor None."""
        (event,) = loads_events(line)
        assert isinstance(event, Closed | Reopened)
        assert event.actor is None

    def test_other_events_still_need_their_actor(self) -> None:
        """Only closed and reopened lines may lack an actor; an accepted one may not."""
        with pytest.raises(GovModelError, match=r"^line 1: not an accepted event: missing actor$"):
            loads_events('{"event": "accepted", "case_id": "c", "at": "2025-05-06T09:00:00"}')


class TestVisitsInLogOrder:
    """A return visit counts only for a resolution before it in the log (一案一回访)."""

    def bypass(self) -> list[CaseEvent]:
        """The reported bypass: every event from the unsatisfied visit on at the same moment."""
        t2, t3 = at(5), at(30)
        return [
            *full_log()[:3],
            Resolved(case_id="c", at=t2, actor="pm:cxh"),
            Revisited(case_id="c", at=t3, actor="post:a", satisfied=False),
            Reopened(case_id="c", at=t3, actor="post:a", reason="again"),
            Resolved(case_id="c", at=t3, actor="pm:cxh"),
            Closed(case_id="c", at=t3, actor="post:a"),
        ]

    def test_equal_times_do_not_bypass_the_visit(self) -> None:
        """Resolved(t3) after Revisited(t3) has no visit: closing at t3 is refused."""
        with pytest.raises(InvalidTransition, match="no return visit"):
            replay(self.bypass())
        resolved = replay(self.bypass()[:-1])
        assert resolved.revisited_since_resolved is None
        assert resolved.visits_since_resolved == 0

    def test_metrics_count_no_coverage_for_it(self) -> None:
        """metrics does not count the earlier visit for the later resolution at the same time."""
        m = govmodel.metrics(self.bypass()[:-1], now=at(40))
        assert (m.resolved, m.revisited, m.revisit_coverage) == (1, 0, 0.0)

    def test_a_visit_at_the_resolution_time_after_it_counts(self) -> None:
        """A visit logged after the resolution counts even at the same moment."""
        log = [
            *self.bypass()[:-1],
            Revisited(case_id="c", at=at(30), actor="post:a", satisfied=True),
        ]
        state = replay([*log, Closed(case_id="c", at=at(30), actor="post:a")])
        assert state.status is Status.CLOSED
        assert govmodel.metrics(log, now=at(40)).revisit_coverage == 1.0


class TestLoaderErrors:
    """loads_events names the line in a located error, never quoting personal values."""

    @pytest.mark.parametrize(
        ("text", "location", "start"),
        [
            ("{not json", "line 1", "not valid JSON"),
            ('\n\n{"event": "closed"}', "line 3", "not a closed event: missing case_id, at"),
            ("[1]", "line 1", "expected a JSON object"),
        ],
    )
    def test_located(self, text: str, location: str, start: str) -> None:
        """The error is an EventLogError whose location is the line and message says what."""
        with pytest.raises(EventLogError) as info:
            loads_events(text)
        err = info.value
        assert (err.location, err.message.startswith(start)) == (location, True)
        assert isinstance(err, ValueError)
        assert isinstance(err, GovModelError)
        assert str(err) == f"{location}: {err.message}"

    def test_personal_values_not_echoed(self) -> None:
        """A wrong reason or description is never quoted in the error."""
        line = (
            '{"event": "reported", "at": "2025-01-01T00:00", "case": {"id": "c", '
            '"category": "noise", "place": "p", "reported_at": "2025-01-01T00:00", '
            '"description": "住户王某 3号楼", "reporter": 5}}'
        )
        with pytest.raises(EventLogError) as info:
            loads_events(line)
        assert "住户" not in str(info.value)


class TestPersonalDataInReprs:
    """A case, a reopening and a state print without the personal data they hold."""

    @given(st.data())
    def test_reprs_hold_no_personal_value(self, data: st.DataObject) -> None:
        """No reporter, contact, description or reason appears in any repr; None and "" do."""
        s = examples.load("xinhe")
        case = data.draw(cases(s))
        reason = data.draw(st.text().map(lambda r: "住户说" + r))
        reopened = Reopened(case_id=case.id, at=case.reported_at, actor="post:a", reason=reason)
        state = CaseState(
            case=case, status=Status.REOPENED, reopen_reason=reason, updated_at=case.reported_at
        )
        personal = [getattr(case, f) for f in PERSONAL_FIELDS] + [reason]
        for shown in (repr(case), repr(reopened), repr(state)):
            for value in personal:
                if value:
                    assert repr(value) not in shown
        assert ("reporter=None" in repr(case)) is (case.reporter is None)
        assert ("reporter=<personal>" in repr(case)) is (case.reporter is not None)


class TestLogHeader:
    def test_header_is_passed_over(self) -> None:
        """A log opening with a header reads the same events as without it."""
        from govmodel.cases import Closed, dumps_events, loads_events, log_header

        events = (Closed(case_id="c", at=dt.datetime(2025, 1, 1, 9), actor="post:a"),)
        text = '{"govmodel_log": 1, "run_key": "ab"}\n' + dumps_events(events)
        assert loads_events(text) == events
        assert log_header(text) == {"govmodel_log": 1, "run_key": "ab"}
        assert log_header(dumps_events(events)) is None

    def test_header_only_first(self) -> None:
        """A header-like line after the first is no header: it is an error, located."""
        from govmodel.cases import loads_events
        from govmodel.errors import EventLogError

        with pytest.raises(EventLogError, match="line 2"):
            loads_events('{"govmodel_log": 1}\n{"govmodel_log": 1}\n')

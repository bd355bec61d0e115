"""Tests for `govmodel.cli.logs`: the check, metrics and can commands."""

import datetime as dt
import io
import json
from pathlib import Path

import attrs
import pytest

from govmodel import (
    DEFAULT_POLICY,
    Accepted,
    Case,
    CaseEvent,
    Category,
    Closed,
    Reported,
    Resolved,
    Revisited,
    Routed,
    Scope,
    dumps_events,
    examples,
    loads_events,
    route,
)
from govmodel.cli import main
from govmodel.cli.logs import case_states, log_problems

T = dt.datetime(2025, 5, 6, 9)


def run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    status = main(list(argv), out=out)
    return status, out.getvalue()


@pytest.fixture(scope="module")
def log(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Thirty simulated days of Xinhe, as a JSON Lines log."""
    path = tmp_path_factory.mktemp("logs") / "log.jsonl"
    assert run("simulate", "xinhe", "--days", "30", "--seed", "1", "-o", str(path))[0] == 0
    return path


def _broken_log(tmp_path: Path) -> Path:
    case = Case(id="c", category=Category.NOISE, place="building:nowhere", reported_at=T)
    events: list[CaseEvent] = [
        Reported(case=case, at=T),
        Closed(case_id="c", at=T, actor="post:cxh-steward"),
        Accepted(case_id="c", at=T, actor="post:ghost"),
        Resolved(case_id="c", at=T - dt.timedelta(hours=1), actor="post:cxh-steward"),
    ]
    path = tmp_path / "broken.jsonl"
    path.write_text(dumps_events(events), encoding="utf-8")
    return path


class TestLogProblems:
    def test_every_problem_with_its_index(self, tmp_path: Path) -> None:
        """Every problem is listed, each at its event's index; a refused event is skipped."""
        from govmodel.cli._common import read_log

        problems = log_problems(examples.load("xinhe"), read_log(str(_broken_log(tmp_path))))
        assert [(p.location, p.code) for p in problems] == [
            ("events[0].case.place", "unknown-place"),
            ("events[1]", "invalid-transition"),
            ("events[2].actor", "unknown-actor"),
            ("events[3]", "invalid-transition"),
        ]

    def test_case_states_skip_refused_events(self) -> None:
        """Where a case stands ignores the events the lifecycle refused."""
        case = Case(id="c", category=Category.NOISE, place="building:wanda-1", reported_at=T)
        states = case_states([Reported(case=case, at=T), Closed(case_id="c", at=T, actor="post:a")])
        assert states["c"].status.value == "reported"


class TestCheck:
    def test_consistent_log(self, log: Path) -> None:
        """A simulated log is consistent: exit 0, and each case's status is listed."""
        status, text = run("check", "xinhe", str(log))
        assert status == 0
        assert text.startswith("log.jsonl: consistent (36 cases, ")
        assert "  case:0: closed since " in text

    def test_problems_exit_1(self, tmp_path: Path) -> None:
        """A broken log lists every problem with its event index and exits 1."""
        status, text = run("check", "xinhe", str(_broken_log(tmp_path)))
        assert status == 1
        lines = text.splitlines()
        assert lines[0] == "broken.jsonl: inconsistent (1 case, 4 events, 4 problems)"
        assert lines[1] == (
            '  unknown-place events[0].case.place: the case\'s place "building:nowhere" '
            'is not a place of "Xinhe community"'
        )
        assert lines[2].startswith('  invalid-transition events[1]: case "c" (reported)')

    def test_json(self, tmp_path: Path) -> None:
        """--json gives the cases and the problems as data."""
        status, text = run("check", "xinhe", str(_broken_log(tmp_path)), "--json")
        data = json.loads(text)
        assert status == 1
        assert data["consistent"] is False
        assert [c["id"] for c in data["cases"]] == ["c"]
        assert data["problems"][3]["location"] == "events[3]"

    def test_what_check_log_finds(self, tmp_path: Path) -> None:
        """check lists check_log's problems: each kind as its code, located at its field."""
        s = examples.load("shagangwan")
        case = Case(
            id="k",
            category=Category.REPAIR,
            place="compound:kaisa-2",
            reported_at=T,
            scope=Scope.COMPOUND,
        )
        ghost = attrs.evolve(case, id="g", receiver="post:ghost")
        other = Case(id="o", category=Category.NOISE, place="compound:dongyuan", reported_at=T)
        events: list[CaseEvent] = [
            Reported(case=case, at=T + dt.timedelta(days=3)),
            Routed(case_id="k", at=T + dt.timedelta(days=3), routing=route(s, other)),
            Accepted(case_id="k", at=T + dt.timedelta(days=3), actor="nobody:at-all"),
            Resolved(case_id="k", at=T + dt.timedelta(days=4), actor="pm:dongyuan"),
            Revisited(
                case_id="k", at=T + dt.timedelta(days=5), actor="pm:dongyuan", satisfied=True
            ),
            Closed(case_id="k", at=T + dt.timedelta(days=5), actor=None),
            Reported(case=ghost, at=T),
        ]
        path = tmp_path / "tampered.jsonl"
        path.write_text(dumps_events(events), encoding="utf-8")
        status, text = run("check", "shagangwan", str(path), "--json")
        assert status == 1
        assert [(p["location"], p["code"]) for p in json.loads(text)["problems"]] == [
            ("events[0].at", "report-time"),
            ("events[1].routing", "unexpected-routing"),
            ("events[2].actor", "unknown-actor"),
            ("events[3].actor", "no-right"),
            ("events[4].actor", "no-right"),
            ("events[5].actor", "missing-actor"),
            ("events[6].case.receiver", "unknown-actor"),
        ]

    def test_not_a_log(self, tmp_path: Path) -> None:
        """A file that is not an event log is one error line, exit 1."""
        path = tmp_path / "x.jsonl"
        path.write_text('{"event": "nothing"}\n', encoding="utf-8")
        status, text = run("check", "xinhe", str(path))
        assert status == 1
        assert text.startswith("govmodel: error: ")


class TestMetrics:
    def test_default_now_is_the_last_event(self, log: Path) -> None:
        """Without --now the log is measured at its last event."""
        status, text = run("metrics", str(log))
        assert status == 0
        assert text.startswith("log.jsonl at 2025-01-29 18:17: 36 cases reported")
        assert "response rate" in text

    def test_now_and_breakdowns(self, log: Path) -> None:
        """--now cuts the log; --by month and --by tier add the groups; the counts add up."""
        status, text = run(
            "metrics",
            str(log),
            "--now",
            "2025-01-20T00:00",
            "--by",
            "month",
            "--by",
            "tier",
            "--json",
        )
        assert status == 0
        data = json.loads(text)
        assert data["now"] == "2025-01-20T00:00:00"
        reported = data["overall"]["counts"]["reported"]
        assert list(data["by_month"]) == ["2025-01"]
        assert sum(g["counts"]["reported"] for g in data["by_tier"].values()) == reported

    def test_bare_date_refused(self, log: Path) -> None:
        """--now 2025-01-20 is refused (exit 2), not read as midnight."""
        status, text = run("metrics", str(log), "--now", "2025-01-20")
        assert status == 2
        assert "write 2025-01-20T00:00 for the start of that day" in text

    def test_offset_against_local_times(self, log: Path) -> None:
        """A --now with a UTC offset against a log of local times means that moment there."""
        status, text = run("metrics", str(log), "--now", "2025-01-19T16:00+00:00")
        assert status == 0
        assert (status, text) == run("metrics", str(log), "--now", "2025-01-20T00:00")

    def test_log_mixing_naive_and_aware_times(self, log: Path, tmp_path: Path) -> None:
        """Cases with and without offsets in one log: measured, never a builtin error.

        Naive times are local times of the policy's zone, so a case moved to UTC
        counts exactly as it did.
        """
        events = loads_events(log.read_text(encoding="utf-8"))
        first = events[0].case_id
        zone = DEFAULT_POLICY.time_zone

        def moved(event: CaseEvent) -> CaseEvent:
            if event.case_id != first:
                return event
            at = event.at.replace(tzinfo=zone).astimezone(dt.UTC)
            if isinstance(event, Reported):
                when = event.case.reported_at.replace(tzinfo=zone).astimezone(dt.UTC)
                return attrs.evolve(event, at=at, case=attrs.evolve(event.case, reported_at=when))
            return attrs.evolve(event, at=at)

        mixed = tmp_path / "mixed.jsonl"
        mixed.write_text(dumps_events([moved(e) for e in events]), encoding="utf-8")
        for mixed_now, plain_now in (
            ([], []),
            (["--now", "2025-01-20T00:00"], ["--now", "2025-01-20T00:00"]),
            (["--now", "2025-01-19T16:00+00:00"], ["--now", "2025-01-20T00:00"]),
        ):
            status, text = run("metrics", str(mixed), *mixed_now, "--json")
            assert status == 0, text
            plain = json.loads(run("metrics", str(log), *plain_now, "--json")[1])
            assert json.loads(text)["overall"] == plain["overall"]
        status, text = run("can", "xinhe", str(mixed), "pm:cxh", "view", first)
        assert status == 0, text


class TestCan:
    def test_yes_and_no(self, log: Path) -> None:
        """The answer is printed with the parts played; exit 0 either way."""
        assert run("can", "xinhe", str(log), "pm:cxh", "view", "case:0") == (
            0,
            "yes: pm:cxh may view case:0 (closed; as co_handler, serving)\n",
        )
        status, text = run("can", "xinhe", str(log), "party:xinhe", "view_personal", "case:0")
        assert (status, text.split(":")[0]) == (0, "no")

    def test_at_replays_to_that_moment(self, log: Path) -> None:
        """--at reads the case as it stood then."""
        status, text = run(
            "can",
            "xinhe",
            str(log),
            "pm:cxh",
            "act",
            "case:0",
            "--at",
            "2025-01-03T00:00",
            "--json",
        )
        assert status == 0
        assert json.loads(text)["status"] != "closed"

    @pytest.mark.parametrize(
        ("argv", "message"),
        [
            (["pm:cxh", "view", "case:nope"], 'CASE: no case "case:nope" in the log'),
            (["pm:ghost", "view", "case:0"], 'ACTOR: no body, post or person "pm:ghost"'),
            (["pm:cxh", "view", "case:0", "--at", "2024-01-01T00:00"], "--at: case"),
        ],
    )
    def test_unknown_ids_exit_1(self, log: Path, argv: list[str], message: str) -> None:
        """An actor or case the inputs do not hold is a problem of the input: exit 1."""
        status, text = run("can", "xinhe", str(log), *argv)
        assert status == 1
        assert text.startswith("govmodel: error: " + message)

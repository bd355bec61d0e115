"""The event-log commands of ``govmodel``: ``check``, ``metrics`` and ``can``.

``govmodel check SPEC LOG`` replays every case of a JSON Lines event log
against a structure, says where each case stands and lists every problem
with the index of its event; ``govmodel metrics LOG`` measures a log as it
stood at ``--now``, overall and by tier or month; ``govmodel can SPEC LOG
ACTOR ACTION CASE`` says whether an actor may do something with a case of
the log.

Examples
--------
>>> import io, tempfile, pathlib
>>> from govmodel.cli import main
>>> with tempfile.TemporaryDirectory() as d:
...     log = str(pathlib.Path(d) / "log.jsonl")
...     _ = main(["simulate", "xinhe", "--days", "20", "-o", log], out=io.StringIO())
...     main(["check", "xinhe", log])  # doctest: +ELLIPSIS
log.jsonl: consistent (... cases, ... events, 0 problems)
...
0
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, TextIO

import govmodel
from govmodel.cases import (
    CaseEvent,
    CaseState,
    InvalidTransition,
    Reported,
    Routed,
    advance,
    iter_case_events,
)
from govmodel.cli._common import (
    PROBLEMS,
    Commands,
    UsageError,
    add_command,
    brief,
    events_until,
    fail,
    last_moment,
    moment,
    moment_for_log,
    policy_from,
    read_log,
    structure_from,
)
from govmodel.errors import SpecProblem
from govmodel.model import Body, Grid, Person, Post
from govmodel.rules.access import Action, can, parts
from govmodel.rules.checking import LogProblemKind, check_log
from govmodel.rules.policy import DEFAULT_POLICY, Policy
from govmodel.structure import Structure

__all__ = [
    "add_commands",
    "can_command",
    "case_states",
    "check_command",
    "figures",
    "log_problems",
    "metrics_command",
]


def add_commands(commands: Commands) -> None:
    """Add ``check``, ``metrics`` and ``can`` to the ``govmodel`` parser.

    Examples
    --------
    >>> import argparse
    >>> parser = argparse.ArgumentParser()
    >>> add_commands(parser.add_subparsers(dest="command"))
    >>> parser.parse_args(["metrics", "log.jsonl"]).run is metrics_command
    True
    """
    checking = add_command(
        commands,
        "check",
        help="replay an event log: where each case stands, and every problem",
        description="Replay each case of a JSON Lines event log (- for standard input) "
        "against a structure, event by event, and list every problem with the index of "
        "its event (govmodel.check_log): an order the lifecycle does not allow, a place "
        "or actor the structure does not hold, a closing or reopening that names no one, "
        "an actor without the right to do what it did, a routing the rules do not give, "
        "a report dated otherwise than its case. Exit status 0 when there is none, "
        "1 otherwise.",
        examples=[
            "govmodel simulate xinhe --days 30 --seed 1 -o log.jsonl",
            "govmodel check xinhe log.jsonl",
            "govmodel check xinhe log.jsonl --json",
            "head -n 3 log.jsonl | govmodel check xinhe -",
        ],
    )
    checking.add_argument("spec", metavar="SPEC", help="a spec file or a bundled example name")
    checking.add_argument("log", metavar="LOG", help="the JSON Lines event log, or -")
    checking.add_argument(
        "--policy", default=None, metavar="FILE.toml", help="the policy (default: the default)"
    )
    checking.add_argument("--json", action="store_true", help="print the result as JSON")
    checking.set_defaults(run=check_command)
    measuring = add_command(
        commands,
        "metrics",
        help="measure an event log at a moment",
        description="Measure a JSON Lines event log (- for standard input) as it stood at "
        "--now: response, resolution, satisfaction, on-time, revisit and reopen rates and "
        "containment, overall and, with --by, by the tier of each case's routing or by the "
        "month of its report. Exit status 1 when the log cannot be replayed "
        "(govmodel check lists why).",
        examples=[
            "govmodel simulate xinhe --days 90 --seed 1 -o log.jsonl",
            "govmodel metrics log.jsonl --now 2025-04-01T00:00",
            "govmodel metrics log.jsonl --by month --by tier",
            "govmodel metrics log.jsonl --now 2025-03-01T00:00 --by month --json",
        ],
    )
    measuring.add_argument("log", metavar="LOG", help="the JSON Lines event log, or -")
    measuring.add_argument(
        "--now",
        default=None,
        metavar="YYYY-MM-DDTHH:MM",
        help="the observation time, a date and a time (default: the log's last event)",
    )
    measuring.add_argument(
        "--by",
        action="append",
        choices=["tier", "month"],
        default=[],
        help="also measure each tier of the routing in force, or each month of report "
        "(may be given twice)",
    )
    measuring.add_argument(
        "--policy", default=None, metavar="FILE.toml", help="the policy (default: the default)"
    )
    measuring.add_argument("--json", action="store_true", help="print the figures as JSON")
    measuring.set_defaults(run=metrics_command)
    asking = add_command(
        commands,
        "can",
        help="may this actor do this with this case?",
        description="Whether a body, post or person may view, view_personal, act on, close "
        "or revisit a case of an event log, as the case stood at --at (default: its last "
        "event), and the parts the actor plays in it then: a person plays those of the posts "
        "held at that moment. The answer is printed; the exit "
        "status is 0 whether it is yes or no, 1 when the actor or case is unknown.",
        examples=[
            "govmodel simulate xinhe --days 30 --seed 1 -o log.jsonl",
            "govmodel can xinhe log.jsonl pm:cxh view case:0",
            "govmodel can xinhe log.jsonl party:xinhe view_personal case:0 --json",
            "govmodel can xinhe log.jsonl post:cxh-steward close case:0 --at 2025-01-20T00:00",
        ],
    )
    asking.add_argument("spec", metavar="SPEC", help="a spec file or a bundled example name")
    asking.add_argument("log", metavar="LOG", help="the JSON Lines event log, or -")
    asking.add_argument("actor", metavar="ACTOR", help="a body, post or person id")
    asking.add_argument(
        "action",
        metavar="ACTION",
        choices=[a.value for a in Action],
        help="one of " + ", ".join(a.value for a in Action),
    )
    asking.add_argument("case", metavar="CASE", help="the case's id in the log")
    asking.add_argument(
        "--at",
        default=None,
        metavar="YYYY-MM-DDTHH:MM",
        help="the moment, a date and a time (default: the case's last event)",
    )
    asking.add_argument(
        "--policy", default=None, metavar="FILE.toml", help="the policy (default: the default)"
    )
    asking.add_argument("--json", action="store_true", help="print the answer as JSON")
    asking.set_defaults(run=can_command)


# -- check ----------------------------------------------------------------------


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'s' if n != 1 else ''}"


_ACTOR_KINDS = (Body, Post, Person, Grid)

# Where in its event each kind of problem lies, after ``events[i]``.
_FIELD = {
    LogProblemKind.INVALID_TRANSITION: "",
    LogProblemKind.UNKNOWN_PLACE: ".case.place",
    LogProblemKind.UNKNOWN_ACTOR: ".actor",
    LogProblemKind.MISSING_ACTOR: ".actor",
    LogProblemKind.NO_RIGHT: ".actor",
    LogProblemKind.UNEXPECTED_ROUTING: ".routing",
    LogProblemKind.REPORT_TIME: ".at",
}


def log_problems(
    structure: Structure, events: Sequence[CaseEvent], *, policy: Policy = DEFAULT_POLICY
) -> tuple[SpecProblem, ...]:
    """Every problem of an event log against a structure, located by event index.

    The problems of ``govmodel.check_log``, each located at its event and
    field (``events[3].actor``), with its kind as its code: an event the
    lifecycle refuses (``invalid-transition``, then skipped, so the rest of
    the case is still checked), a place or actor the structure does not hold
    (``unknown-place``, ``unknown-actor``), a closing or reopening that names
    no actor (``missing-actor``), an actor without the right to do what it
    did (``no-right``), a routing the rules do not give
    (``unexpected-routing``) and a report dated otherwise than its case
    (``report-time``).

    Examples
    --------
    >>> import datetime as dt
    >>> from govmodel import Case, Category, Closed, Reported, examples
    >>> t = dt.datetime(2025, 5, 6, 9)
    >>> case = Case(id="c", category=Category.NOISE, place="building:nowhere", reported_at=t)
    >>> for p in log_problems(examples.load("xinhe"), [Reported(case=case, at=t),
    ...                                                Closed(case_id="c", at=t, actor=None)]):
    ...     print(p.code, p)
    unknown-place events[0].case.place: the case's place "building:nowhere" is not a place of ...
    missing-actor events[1].actor: closed with no actor: who did it is not recorded ...
    invalid-transition events[1]: case "c" (reported): cannot apply closed: only a resolved ...
    """
    found = check_log(structure, events, policy=policy)
    problems = []
    for problem in found:
        field = _FIELD[problem.kind]
        if problem.kind is LogProblemKind.UNKNOWN_ACTOR and isinstance(
            events[problem.index], Reported
        ):
            field = ".case.receiver"
        problems.append(
            SpecProblem(f"events[{problem.index}]{field}", problem.kind.value, problem.message)
        )
    return tuple(problems)


def case_states(
    events: Iterable[CaseEvent], *, policy: Policy = DEFAULT_POLICY
) -> dict[str, CaseState]:
    """Where each case of a log stands after its events, skipping those refused.

    Examples
    --------
    >>> import datetime as dt
    >>> from govmodel import Accepted, Case, Category, Reported
    >>> t = dt.datetime(2025, 5, 6, 9)
    >>> case = Case(id="c", category=Category.NOISE, place="building:1", reported_at=t)
    >>> states = case_states([Reported(case=case, at=t),
    ...                       Accepted(case_id="c", at=t, actor="post:w")])
    >>> states["c"].status.value
    'accepted'
    """
    states: dict[str, CaseState] = {}
    for case_id, case_events in iter_case_events(events):
        state: CaseState | None = None
        for event in case_events:
            try:
                state = advance(state, event, require_revisit=policy.require_revisit)
            except InvalidTransition:
                continue
        if state is not None:
            states[case_id] = state
    return states


def check_command(args: argparse.Namespace, *, out: TextIO) -> int:
    """``govmodel check SPEC LOG``: where each case stands, and every problem of the log."""
    structure = structure_from(args.spec)
    policy = policy_from(args.policy)
    events = read_log(args.log)
    problems = log_problems(structure, events, policy=policy)
    states = case_states(events, policy=policy)
    name = "<stdin>" if args.log == "-" else Path(args.log).name
    if args.json:
        data = {
            "log": "<stdin>" if args.log == "-" else args.log,
            "consistent": not problems,
            "events": len(events),
            "cases": [
                {
                    "id": case_id,
                    "status": state.status.value,
                    "events": state.events,
                    "updated_at": state.updated_at.isoformat(),
                }
                for case_id, state in states.items()
            ],
            "problems": [
                {"location": p.location, "code": p.code, "message": brief(p.message)}
                for p in problems
            ],
        }
        print(json.dumps(data, ensure_ascii=False, indent=2), file=out)
    else:
        verdict = "inconsistent" if problems else "consistent"
        count = len(problems)
        print(
            f"{name}: {verdict} ({_count(len(states), 'case')}, {_count(len(events), 'event')}, "
            f"{_count(count, 'problem')})",
            file=out,
        )
        for problem in problems:
            print(f"  {problem.code} {brief(str(problem))}", file=out)
        for case_id, state in states.items():
            print(
                f"  {case_id}: {state.status.value} since "
                f"{state.updated_at.isoformat(sep=' ', timespec='minutes')}",
                file=out,
            )
    return PROBLEMS if problems else 0


# -- metrics --------------------------------------------------------------------


def figures(m: govmodel.Metrics) -> dict[str, Any]:
    """A ``Metrics`` as JSON-ready data: its counts, containment and rates.

    Examples
    --------
    >>> import govmodel
    >>> data = figures(govmodel.Metrics(reported=2, accepted=2, accepted_in_time=1))
    >>> data["counts"]["reported"], data["rates"]["response_rate"], data["containment"]
    (2, 0.5, None)
    """
    counts = {
        name: getattr(m, name)
        for name in (
            "reported",
            "accepted",
            "accepted_in_time",
            "awaiting_response",
            "settled",
            "closed",
            "resolved",
            "resolutions",
            "on_time",
            "unrouted",
            "revisited",
            "revisits",
            "satisfied",
            "findings",
            "reopened",
            "reopenings",
        )
    }
    rates = {
        name: getattr(m, name)
        for name in (
            "response_rate",
            "resolution_rate",
            "satisfaction_rate",
            "on_time_rate",
            "revisit_coverage",
            "reopen_rate",
        )
    }
    shares = m.containment
    return {
        "counts": counts,
        "contained": {tier.value: n for tier, n in m.contained.items()},
        "rates": rates,
        "containment": None if shares is None else {t.value: v for t, v in shares.items()},
    }


def _group_key(by: str, case_events: Sequence[CaseEvent], policy: Policy) -> str:
    if by == "month":
        first = case_events[0]
        return first.at.strftime("%Y-%m")
    tier = "unrouted"
    for event in case_events:
        if isinstance(event, Routed):
            tier = event.routing.tier.value
    return tier


def metrics_command(args: argparse.Namespace, *, out: TextIO) -> int:
    """``govmodel metrics LOG``: the figures of a log at ``--now``."""
    now = None if args.now is None else moment(args.now, "--now")
    policy = policy_from(args.policy)
    events = read_log(args.log)
    if now is None:
        if not events:
            raise UsageError("--now: the log is empty; give the observation time")
        now = last_moment(events, policy)
    now = moment_for_log(now, events, "--now", policy=policy)
    overall = govmodel.metrics(events, now=now, policy=policy)
    seen = events_until(events, now, policy)
    groups: dict[str, dict[str, govmodel.Metrics]] = {}
    for by in dict.fromkeys(args.by):
        keyed: dict[str, list[CaseEvent]] = {}
        for _, case_events in iter_case_events(seen):
            keyed.setdefault(_group_key(by, case_events, policy), []).extend(case_events)
        groups[by] = {
            key: govmodel.metrics(keyed[key], now=now, policy=policy) for key in sorted(keyed)
        }
    if args.json:
        data = {
            "now": now.isoformat(),
            "overall": figures(overall),
            **{
                f"by_{by}": {key: figures(m) for key, m in found.items()}
                for by, found in groups.items()
            },
        }
        print(json.dumps(data, ensure_ascii=False, indent=2), file=out)
        return 0
    name = "<stdin>" if args.log == "-" else Path(args.log).name
    print(
        f"{name} at {now.isoformat(sep=' ', timespec='minutes')}: "
        f"{_count(overall.reported, 'case')} reported",
        file=out,
    )
    print(overall.table(), file=out)
    for by, found in groups.items():
        for key, m in found.items():
            print("", file=out)
            print(f"{by} {key}: {_count(m.reported, 'case')} reported", file=out)
            print(m.table(), file=out)
    return 0


# -- can ------------------------------------------------------------------------


def can_command(args: argparse.Namespace, *, out: TextIO) -> int:
    """``govmodel can SPEC LOG ACTOR ACTION CASE``: may the actor do it, and why."""
    at = None if args.at is None else moment(args.at, "--at")
    structure = structure_from(args.spec)
    policy = policy_from(args.policy)
    events = [e for e in read_log(args.log) if e.case_id == args.case]
    if at is not None:
        at = moment_for_log(at, events, "--at", policy=policy)
    if not events:
        return fail(f'CASE: no case "{args.case}" in the log', out)
    if at is not None:
        events = events_until(events, at, policy)
        if not events:
            return fail(f'--at: case "{args.case}" was not yet reported at {at.isoformat()}', out)
    if args.actor not in structure or not isinstance(structure.node(args.actor), _ACTOR_KINDS):
        return fail(f'ACTOR: no body, post or person "{args.actor}" in {structure.name!r}', out)
    state: CaseState | None = None
    for event in events:
        state = advance(state, event, require_revisit=policy.require_revisit)
    assert state is not None
    when = at or state.updated_at  # a person acts through the posts held then
    allowed = can(structure, args.actor, args.action, state, at=when, policy=policy)
    played = sorted(parts(structure, args.actor, state, at=when, policy=policy))
    if args.json:
        data = {
            "actor": args.actor,
            "action": args.action,
            "case": args.case,
            "status": state.status.value,
            "at": when.isoformat(),
            "allowed": allowed,
            "parts": played,
        }
        print(json.dumps(data, ensure_ascii=False, indent=2), file=out)
        return 0
    verdict = "yes" if allowed else "no"
    may = "may" if allowed else "may not"
    as_ = f"as {', '.join(played)}" if played else "plays no part in it"
    print(
        f"{verdict}: {args.actor} {may} {args.action} {args.case} ({state.status.value}; {as_})",
        file=out,
    )
    return 0

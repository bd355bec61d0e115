"""The structure commands of ``govmodel``: ``validate``, ``describe`` and ``route``.

``govmodel validate PATH...`` checks spec files (``-``: standard input) and
lists every problem with its location; ``govmodel describe SPEC`` summarises a
structure; ``govmodel route SPEC --place ID --category C`` routes one case and
shows the ladder.

Examples
--------
>>> from govmodel import examples
>>> from govmodel.cli import main
>>> main(["validate", str(examples.path("xinhe"))])
xinhe.toml: valid (0 errors, 0 warnings)
0
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any, TextIO

from govmodel import examples
from govmodel.cases import Case
from govmodel.cli._common import (
    PROBLEMS,
    Commands,
    UsageError,
    add_command,
    brief,
    excerpt,
    fail,
    moment,
    policy_from,
    refuse,
    structure_from,
    unknown_spec,
)
from govmodel.errors import GovModelError, SpecError
from govmodel.model import (
    Body,
    BodyKind,
    Category,
    Channel,
    Domain,
    GridLevel,
    Person,
    Place,
    PlaceKind,
    Post,
    Scope,
    Urgency,
)
from govmodel.rules.routing import presence, route
from govmodel.spec import Format, load, loads
from govmodel.structure import Structure
from govmodel.validation import Severity, locate, validate

__all__ = [
    "add_commands",
    "describe",
    "describe_command",
    "route_command",
    "summary",
    "validate_command",
]


def add_commands(commands: Commands) -> None:
    """Add ``validate``, ``describe`` and ``route`` to the ``govmodel`` parser.

    Examples
    --------
    >>> import argparse
    >>> parser = argparse.ArgumentParser()
    >>> add_commands(parser.add_subparsers(dest="command"))
    >>> parser.parse_args(["describe"]).run is describe_command
    True
    """
    check = add_command(
        commands,
        "validate",
        help="check spec files and list every problem",
        description="Load specs (.toml, .json, .yaml, or a bundled example's name; - reads one "
        "from standard input, in the --format given) and list every problem with its location. "
        "Exit status 0 when no spec has an error (warnings are listed), 1 otherwise.",
        examples=[
            "govmodel validate xinhe",
            "govmodel synth district -o district.toml",
            "govmodel validate district.toml",
            "govmodel validate district.toml --json",
            "govmodel synth district | govmodel validate -",
            "govmodel synth district --seed 1 -o district.json",
            "cat district.json | govmodel validate - --format json",
        ],
    )
    check.add_argument(
        "paths",
        metavar="PATH",
        nargs="+",
        help="a spec file, a bundled example's name, or - for standard input",
    )
    check.add_argument(
        "--format",
        choices=["toml", "json", "yaml"],
        default=None,
        help="the format of the spec on standard input (default: toml); only with -",
    )
    check.add_argument("--json", action="store_true", help="print the result as JSON")
    check.set_defaults(run=validate_command)
    summary = add_command(
        commands,
        "describe",
        help="summarise a structure",
        description="Print a readable summary of a structure: places, grids by level, "
        "bodies by kind, posts, cross-appointments and standing meetings.",
        examples=["govmodel describe", "govmodel describe zhuanqiao --json"],
    )
    summary.add_argument(
        "spec",
        metavar="SPEC",
        nargs="?",
        default="xinhe",
        help="a spec file or a bundled example name (default: xinhe)",
    )
    summary.add_argument("--json", action="store_true", help="print the summary as JSON")
    summary.set_defaults(run=describe_command)
    routing = add_command(
        commands,
        "route",
        help="route one case and show the ladder",
        description="Route one case through a structure: tier, procedure, handler, "
        "co-handlers, summoned departments, owner, due time, the reason, and the "
        "place's escalation ladder with who is present at each tier.",
        examples=[
            "govmodel route xinhe --place compound:wanda --category fire_lane "
            "--scope compound --at 2025-05-06T09:00",
            "govmodel route xinhe --place building:wanda-2 --category leak --domains "
            "neighbour_dispute,legal --receiver rc:xinhe --at 2025-05-06T09:00 --json",
        ],
    )
    routing.add_argument("spec", metavar="SPEC", help="a spec file, or a bundled example name")
    routing.add_argument("--place", required=True, help="the id of the place concerned")
    routing.add_argument(
        "--category",
        required=True,
        choices=[c.value for c in Category],
        metavar="CATEGORY",
        help="what the request is about: " + ", ".join(c.value for c in Category),
    )
    routing.add_argument(
        "--scope",
        default=Scope.HOUSEHOLD.value,
        choices=[s.value for s in Scope],
        help="how far the matter reaches (default: household)",
    )
    routing.add_argument(
        "--urgency",
        default=Urgency.ROUTINE.value,
        choices=[u.value for u in Urgency],
        help="default: routine",
    )
    routing.add_argument(
        "--channel",
        default=Channel.WALK_IN.value,
        choices=[c.value for c in Channel],
        help="how the request came in (default: walk_in)",
    )
    routing.add_argument(
        "--domains",
        default=None,
        metavar="D1,D2",
        help="override the category's domains (comma-separated, at least one)",
    )
    routing.add_argument(
        "--receiver", default=None, metavar="ID", help="the post or body that took the case"
    )
    routing.add_argument("--id", default="case:cli", help="the case's id (default: case:cli)")
    routing.add_argument(
        "--at",
        default=None,
        metavar="YYYY-MM-DDTHH:MM",
        help="when it was reported, a date and a time (default: now, to the minute)",
    )
    routing.add_argument(
        "--policy", default=None, metavar="FILE.toml", help="the policy (default: the default)"
    )
    routing.add_argument("--json", action="store_true", help="print the routing as JSON")
    routing.set_defaults(run=route_command)


def validate_command(args: argparse.Namespace, *, out: TextIO) -> int:
    """``govmodel validate PATH...``: every problem of each spec; exit 1 on an error."""
    if args.format is not None and "-" not in args.paths:
        raise refuse("--format: only for a spec on standard input (PATH -)")
    if args.paths.count("-") > 1:
        raise refuse("PATH: standard input (-) can be read only once")
    results = [_validate(path, fmt=args.format or "toml") for path in args.paths]
    if args.json:
        data: object = results[0] if len(results) == 1 else results
        print(json.dumps(data, ensure_ascii=False, indent=2), file=out)
    else:
        for result in results:
            errors, warnings = result["errors"], result["warnings"]
            verdict = "valid" if result["valid"] else "invalid"
            name = Path(result["path"]).name
            print(
                f"{name}: {verdict} ({errors} error{'s' if errors != 1 else ''}, "
                f"{warnings} warning{'s' if warnings != 1 else ''})",
                file=out,
            )
            for row in result["problems"]:
                where = f"{row['location']}: " if row["location"] else ""
                print(f"  {row['severity']} {row['code']} {where}{row['message']}", file=out)
    return 0 if all(r["valid"] for r in results) else PROBLEMS


def _validate(path: str, *, fmt: Format) -> dict[str, Any]:
    rows: list[dict[str, Any]] = []
    try:
        if path == "-":
            structure = loads(sys.stdin.read(), format=fmt, where="<stdin>", validate=False)
        elif path in examples.names() and not Path(path).exists():
            structure = load(examples.path(path), validate=False)
        elif (problem := unknown_spec(path)) is not None:
            raise GovModelError(problem)
        else:
            structure = load(Path(path), validate=False)
    except SpecError as err:
        rows = [
            {
                "location": p.location,
                "code": p.code,
                "severity": "error",
                "message": brief(p.message) + _format_hint(path, fmt, p.location, p.code),
            }
            for p in err.problems
        ]
    except GovModelError as err:
        rows = [
            {"location": "", "code": "unreadable", "severity": "error", "message": brief(str(err))}
        ]
    else:
        rows = [
            {
                "location": locate(structure, v),
                "code": v.code,
                "severity": v.severity.value,
                "message": v.message,
                "nodes": list(v.nodes),
            }
            for v in validate(structure)
        ]
    errors = sum(1 for r in rows if r["severity"] == Severity.ERROR.value)
    return {
        "path": "<stdin>" if path == "-" else path,
        "valid": errors == 0,
        "errors": errors,
        "warnings": len(rows) - errors,
        "problems": rows,
    }


def _format_hint(path: str, fmt: Format, location: str, code: str) -> str:
    # Standard input has no file ending to tell its format: when it does not
    # read as a table of keys, the likeliest cause is the wrong --format.
    if path != "-" or location or code not in ("syntax", "wrong-type"):
        return ""
    others = " or ".join(f for f in ("toml", "json", "yaml") if f != fmt)
    return f" (standard input was read as {fmt.upper()}; if it is not, give --format {others})"


def _domains(text: str) -> tuple[Domain, ...]:
    names = [d.strip() for d in text.split(",") if d.strip()]
    choices = ", ".join(d.value for d in Domain)
    if not names:
        raise UsageError(f"--domains: expected one or more of {choices}, found {text!r}")
    known = {d.value for d in Domain}
    for name in names:
        if name not in known:
            raise UsageError(
                f"--domains: unknown domain {excerpt(name)}; expected one of {choices}"
            )
    return tuple(Domain(d) for d in names)


def _receiver_problem(structure: Structure, receiver: str) -> str | None:
    where = f"in {structure.name!r}"
    if receiver not in structure:
        return f'--receiver: no post or body "{receiver}" {where}'
    record = structure.node(receiver)
    if isinstance(record, Person):
        posts = ", ".join(p.id for p in structure.posts_of(receiver)) or "none"
        return (
            f'--receiver: "{receiver}" is a person; expected a post or body '
            f"(the posts this person holds: {posts})"
        )
    if not isinstance(record, Body | Post):
        return f'--receiver: "{receiver}" is not a post or body {where}'
    return None


def route_command(args: argparse.Namespace, *, out: TextIO) -> int:
    """``govmodel route SPEC --place ID --category C``: one case's routing and the ladder."""
    if args.at is None:
        at = dt.datetime.now().replace(second=0, microsecond=0)
    else:
        at = moment(args.at, "--at")
    domains = None if args.domains is None else _domains(args.domains)
    structure = structure_from(args.spec)
    policy = policy_from(args.policy)
    if args.place not in structure or not isinstance(structure.node(args.place), Place):
        return fail(f'--place: no place "{args.place}" in {structure.name!r}', out)
    if args.receiver is not None:
        problem = _receiver_problem(structure, args.receiver)
        if problem is not None:
            return fail(problem, out)
    case = Case(
        id=args.id,
        category=Category(args.category),
        place=args.place,
        reported_at=at,
        channel=Channel(args.channel),
        scope=Scope(args.scope),
        urgency=Urgency(args.urgency),
        domains=domains,
        receiver=args.receiver,
    )
    try:
        routing = route(structure, case, policy=policy)
    except OverflowError:
        # The due time of a case reported at the very end of the calendar.
        return fail(
            f"--at: expected a date-time whose deadlines fall before the year 10000, "
            f"found {args.at!r}",
            out,
        )
    tiers = presence(structure, args.place, at=at.date(), policy=policy)
    if args.json:
        data = {
            "case": {
                "id": case.id,
                "place": case.place,
                "category": case.category.value,
                "channel": case.channel.value,
                "scope": case.scope.value,
                "urgency": case.urgency.value,
                "domains": None if case.domains is None else [d.value for d in case.domains],
                "receiver": case.receiver,
                "reported_at": at.isoformat(),
            },
            "routing": {
                "tier": routing.tier.value,
                "procedure": routing.procedure.value,
                "handler": routing.handler,
                "co_handlers": list(routing.co_handlers),
                "summoned": list(routing.summoned),
                "convener": routing.convener,
                "owner": routing.owner,
                "due": routing.due.isoformat(),
                "domains": [d.value for d in routing.domains],
                "forum": routing.forum,
                "rule": routing.rule,
                "supervisor": routing.supervisor,
                "reason": routing.reason,
            },
            "ladder": [
                {
                    "tier": p.tier.value,
                    "reach": p.reach.value,
                    "actors": list(p.actors),
                    "domains": sorted(d.value for d in p.domains),
                }
                for p in tiers
            ],
        }
        print(json.dumps(data, ensure_ascii=False, indent=2), file=out)
        return 0
    print(
        f"{case.category.value} at {case.place} ({case.scope.value} scope, "
        f"{case.urgency.value}), reported {at.isoformat(sep=' ', timespec='minutes')}",
        file=out,
    )
    print(f"  tier:       {routing.tier.value}", file=out)
    print(f"  procedure:  {routing.procedure.value}", file=out)
    print(f"  handler:    {routing.handler}", file=out)
    for label, values in (("co-handlers", routing.co_handlers), ("summoned", routing.summoned)):
        if values:
            print(f"  {label + ':':<11} {', '.join(values)}", file=out)
    for label, value in (
        ("convener", routing.convener),
        ("forum", routing.forum),
        ("rule", routing.rule),
        ("supervisor", routing.supervisor),
    ):
        if value:
            print(f"  {label + ':':<11} {value}", file=out)
    print(f"  owner:      {routing.owner}", file=out)
    print(f"  due:        {routing.due.isoformat(sep=' ', timespec='minutes')}", file=out)
    print(f"  why:        {routing.reason}", file=out)
    print("Ladder:", file=out)
    for p in tiers:
        mark = "→" if p.tier is routing.tier else " "
        held = ", ".join(sorted(d.value for d in p.domains)) or "none"
        print(f" {mark} {p.tier.value:<10} reach {p.reach.value:<9} holds {held}", file=out)
    return 0


def describe_command(args: argparse.Namespace, *, out: TextIO) -> int:
    """``govmodel describe SPEC``: a readable summary of a structure."""
    structure = structure_from(args.spec)
    if args.json:
        print(json.dumps(summary(structure), ensure_ascii=False, indent=2), file=out)
    else:
        print(describe(structure), file=out)
    return 0


def summary(structure: Structure) -> dict[str, Any]:
    """What ``describe`` says of a structure, as JSON-ready data.

    Examples
    --------
    >>> from govmodel import examples
    >>> data = summary(examples.load("xinhe"))
    >>> data["places"], data["grids"]["micro"]
    ({'street': 1, 'community': 1, 'compound': 1, 'building': 4}, ['grid:wanda-a', 'grid:wanda-b'])
    >>> data["cross_appointments"]["person:steward-1"]
    ['post:cxh-steward', 'post:grid-wanda-a-worker']
    """
    place_counts = Counter(p.kind for p in structure.places())
    roles: dict[str, dict[str, int]] = {}
    for post in sorted(structure.posts(), key=lambda p: p.role.value):
        row = roles.setdefault(post.role.value, {"posts": 0, "holders": 0})
        row["posts"] += 1
        row["holders"] += len(structure.holders(post.id))
    return {
        "name": structure.name,
        "name_zh": structure.name_zh,
        "places": {k.value: place_counts[k] for k in PlaceKind if place_counts[k]},
        "households": sum(p.households or 0 for p in structure.places(kind=PlaceKind.COMPOUND)),
        "residents": sum(p.residents or 0 for p in structure.places()),
        "grids": {
            level.value: [g.id for g in structure.grids(level=level)]
            for level in GridLevel
            if structure.grids(level=level)
        },
        "bodies": {
            kind.value: [b.id for b in structure.bodies(kind=kind)]
            for kind in BodyKind
            if structure.bodies(kind=kind)
        },
        "roles": roles,
        "cross_appointments": {
            person.id: [p.id for p in structure.posts_of(person.id)]
            for person in structure.people()
            if len(structure.posts_of(person.id)) > 1
        },
        "meetings": [
            {
                "id": m.id,
                "frequency": m.frequency.value,
                "day_of_month": m.day_of_month,
                "convener": m.convener,
                "members": list(m.members),
            }
            for m in structure.meetings()
        ],
    }


def _label(record: Any) -> str:
    names = " / ".join(n for n in (record.name, record.name_zh) if n)
    return f"{record.id} ({names})" if names else record.id


def describe(structure: Structure) -> str:
    """A readable summary of a structure.

    Places, grids by level, bodies by kind, posts, cross-appointments and
    standing meetings.

    Examples
    --------
    >>> from govmodel import examples
    >>> print(describe(examples.load("xinhe")))  # doctest: +ELLIPSIS
    Xinhe community (新河社区)
    <BLANKLINE>
    Places: 1 street, 1 community, 1 compound, 4 buildings
    ...
    Standing meetings (1):
      meeting:1+3+n (1+3+N property joint meeting / ...), monthly, convened by party:xinhe
        members: rc:xinhe, pm:cxh, oc:wanda, team:volunteer-mediators
    """
    lines = [f"{structure.name} ({structure.name_zh})" if structure.name_zh else structure.name, ""]
    place_counts = Counter(p.kind for p in structure.places())
    lines.append(
        "Places: "
        + ", ".join(
            f"{place_counts[k]} {_plural(k.value, place_counts[k])}"
            for k in PlaceKind
            if place_counts[k]
        )
    )
    households = sum(p.households or 0 for p in structure.places(kind=PlaceKind.COMPOUND))
    residents = sum(p.residents or 0 for p in structure.places())
    if households or residents:
        lines.append(f"  households recorded: {households:,}; residents recorded: {residents:,}")
    lines.append("")
    lines.append("Grids (三级网格):")
    for level in GridLevel:
        grids = structure.grids(level=level)
        if grids:
            lines.append(f"  {level.value}: {len(grids)}")
            for grid in grids[:6]:
                lines.append(f"    {_label(grid)} covers {', '.join(grid.covers)}")
            if len(grids) > 6:
                lines.append(f"    … and {len(grids) - 6} more")
    lines.append("")
    lines.append("Bodies by kind:")
    for kind in BodyKind:
        bodies = structure.bodies(kind=kind)
        if bodies:
            lines.append(
                f"  {kind.value} ({len(bodies)}): "
                + "; ".join(_label(b) for b in bodies[:4])
                + ("; …" if len(bodies) > 4 else "")
            )
    lines.append("")
    role_counts = Counter(p.role for p in structure.posts())
    seats: Counter[str] = Counter()
    for post in structure.posts():
        seats[post.role.value] += len(structure.holders(post.id))
    lines.append(f"Posts ({len(structure.posts())}), people holding each role:")
    for role, count in sorted(role_counts.items(), key=lambda item: item[0].value):
        lines.append(
            f"  {role.value}: {count} post{'s' if count != 1 else ''}, "
            f"{seats[role.value]} holder{'s' if seats[role.value] != 1 else ''}"
        )
    lines.append("")
    crossed = [
        (person, structure.posts_of(person.id))
        for person in structure.people()
        if len(structure.posts_of(person.id)) > 1
    ]
    lines.append(f"Cross-appointments (兼任, {len(crossed)} people holding several posts):")
    for person, posts in crossed:
        where = ", ".join(f"{p.role.value} in {p.within}" for p in posts)
        lines.append(f"  {person.id}: {where}")
    lines.append("")
    lines.append(f"Standing meetings ({len(structure.meetings())}):")
    for meeting in structure.meetings():
        when = meeting.frequency.value
        if meeting.day_of_month is not None:
            when += f" on day {meeting.day_of_month}"
        lines.append(f"  {_label(meeting)}, {when}, convened by {meeting.convener}")
        lines.append(f"    members: {', '.join(meeting.members)}")
    return "\n".join(lines)


def _plural(word: str, count: int) -> str:
    if count == 1:
        return word
    return word[:-1] + "ies" if word.endswith("y") else word + "s"

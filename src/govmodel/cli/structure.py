"""The structure commands of ``govmodel``: ``validate``, ``route`` and ``describe``.

``govmodel validate PATH`` checks a spec file and lists every problem with its
location; ``govmodel route SPEC --place ID --category C`` routes one case and
shows the ladder; ``govmodel describe SPEC`` summarises a structure.

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
from collections import Counter
from pathlib import Path
from typing import Any, TextIO

from govmodel.cases import Case
from govmodel.cli._common import Commands, fail, structure_from
from govmodel.errors import GovModelError, SpecError
from govmodel.model import (
    Body,
    BodyKind,
    Category,
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
from govmodel.spec import load
from govmodel.structure import Structure
from govmodel.validation import Severity, locate, validate

__all__ = ["add_commands", "describe", "describe_command", "route_command", "validate_command"]


def add_commands(commands: Commands) -> None:
    """Add ``validate``, ``route`` and ``describe`` to the ``govmodel`` parser.

    Examples
    --------
    >>> import argparse
    >>> parser = argparse.ArgumentParser()
    >>> add_commands(parser.add_subparsers(dest="command"))
    >>> parser.parse_args(["describe"]).run is describe_command
    True
    """
    check = commands.add_parser(
        "validate",
        help="check a spec file and list every problem",
        description="Load a spec (.toml, .json, .yaml) and list every problem with its "
        "location. Exit status 0 when there is no error (warnings are listed), 1 otherwise.",
    )
    check.add_argument("path", metavar="PATH", help="the spec file")
    check.add_argument("--json", action="store_true", help="print the result as JSON")
    check.set_defaults(run=validate_command)
    routing = commands.add_parser(
        "route",
        help="route one case and show the ladder",
        description="Route one case through a structure: tier, procedure, handler, "
        "co-handlers, summoned departments, owner, due time, the reason, and the "
        "place's escalation ladder with who is present at each tier.",
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
        "--domains",
        default=None,
        metavar="D1,D2",
        help="override the category's domains (comma-separated)",
    )
    routing.add_argument("--receiver", default=None, help="the post or body that took the case")
    routing.add_argument(
        "--at",
        default=None,
        metavar="YYYY-MM-DDTHH:MM",
        help="when it was reported (default: now)",
    )
    routing.add_argument("--json", action="store_true", help="print the routing as JSON")
    routing.set_defaults(run=route_command)
    summary = commands.add_parser(
        "describe",
        help="summarise a structure",
        description="Print a readable summary of a structure: places, grids by level, "
        "bodies by kind, posts, cross-appointments and standing meetings.",
    )
    summary.add_argument(
        "spec",
        metavar="SPEC",
        nargs="?",
        default="xinhe",
        help="a spec file or a bundled example name (default: xinhe)",
    )
    summary.set_defaults(run=describe_command)


def validate_command(args: argparse.Namespace, *, out: TextIO) -> int:
    """``govmodel validate PATH``: every problem of a spec file; exit 1 on an error."""
    return _validate(Path(args.path), as_json=args.json, out=out)


def _validate(path: Path, *, as_json: bool, out: TextIO) -> int:
    rows: list[dict[str, Any]] = []
    try:
        structure = load(path, validate=False)
    except SpecError as err:
        rows = [
            {"location": p.location, "code": p.code, "severity": "error", "message": p.message}
            for p in err.problems
        ]
    except GovModelError as err:
        rows = [{"location": "", "code": "unreadable", "severity": "error", "message": str(err)}]
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
    warnings = len(rows) - errors
    if as_json:
        print(
            json.dumps(
                {
                    "path": str(path),
                    "valid": errors == 0,
                    "errors": errors,
                    "warnings": warnings,
                    "problems": rows,
                },
                ensure_ascii=False,
                indent=2,
            ),
            file=out,
        )
    else:
        verdict = "valid" if errors == 0 else "invalid"
        print(
            f"{path.name}: {verdict} ({errors} error{'s' if errors != 1 else ''}, "
            f"{warnings} warning{'s' if warnings != 1 else ''})",
            file=out,
        )
        for row in rows:
            where = f"{row['location']}: " if row["location"] else ""
            print(f"  {row['severity']} {row['code']} {where}{row['message']}", file=out)
    return 0 if errors == 0 else 1


def route_command(args: argparse.Namespace, *, out: TextIO) -> int:
    """``govmodel route SPEC --place ID --category C``: one case's routing and the ladder."""
    try:
        structure = structure_from(args.spec)
    except SpecError as err:
        return fail(str(err), out)
    if args.at is None:
        at = dt.datetime.now().replace(second=0, microsecond=0)
    else:
        try:
            at = dt.datetime.fromisoformat(args.at)
        except ValueError:
            return fail(f"--at: expected a date-time like 2025-05-06T09:00, found {args.at!r}", out)
    domains: tuple[Domain, ...] | None = None
    if args.domains:
        try:
            domains = tuple(Domain(d.strip()) for d in args.domains.split(",") if d.strip())
        except ValueError as err:
            choices = ", ".join(d.value for d in Domain)
            return fail(f"--domains: {err}; expected some of {choices}", out)
    if args.place not in structure or not isinstance(structure.node(args.place), Place):
        return fail(f'--place: no place "{args.place}" in {structure.name!r}', out)
    if args.receiver is not None and (
        args.receiver not in structure
        or not isinstance(structure.node(args.receiver), Body | Post | Person)
    ):
        return fail(f'--receiver: no post or body "{args.receiver}" in {structure.name!r}', out)
    case = Case(
        id="case:cli",
        category=Category(args.category),
        place=args.place,
        reported_at=at,
        scope=Scope(args.scope),
        urgency=Urgency(args.urgency),
        domains=domains,
        receiver=args.receiver,
    )
    try:
        routing = route(structure, case)
    except OverflowError:
        # The due time of a case reported at the very end of the calendar.
        return fail(
            f"--at: expected a date-time whose deadlines fall before the year 10000, "
            f"found {args.at!r}",
            out,
        )
    tiers = presence(structure, args.place, at=at.date())
    if args.json:
        data = {
            "case": {
                "place": case.place,
                "category": case.category.value,
                "scope": case.scope.value,
                "urgency": case.urgency.value,
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
    try:
        structure = structure_from(args.spec)
    except SpecError as err:
        return fail(str(err), out)
    print(describe(structure), file=out)
    return 0


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

"""The ``govmodel`` command.

``govmodel validate PATH`` checks a spec file and lists every problem with its
location; ``govmodel describe SPEC`` summarises a structure; ``govmodel route
SPEC --place ID --category C`` routes one case and shows the ladder;
``govmodel simulate`` and ``govmodel sweep`` run the research layer;
``govmodel synth PRESET`` writes the spec of a synthetic district, city or
megacity;
``govmodel render``, ``export`` and ``import`` speak other tools' formats; and
``govmodel demo`` simulates a year of the bundled Xinhe community beside the
article's figures. Run ``govmodel --help`` or ``govmodel COMMAND --help`` for options.

Examples
--------
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
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

from govmodel import examples, synth
from govmodel.cases import Case
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
from govmodel.spec import dump, dumps, load
from govmodel.structure import Structure
from govmodel.validation import Severity, locate, validate

__all__ = ["describe", "fail", "main", "structure_from"]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="govmodel",
        description="Model party-led grassroots governance: check specs, summarise structures.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    check = commands.add_parser(
        "validate",
        help="check a spec file and list every problem",
        description="Load a spec (.toml, .json, .yaml) and list every problem with its "
        "location. Exit status 0 when there is no error (warnings are listed), 1 otherwise.",
    )
    check.add_argument("path", metavar="PATH", help="the spec file")
    check.add_argument("--json", action="store_true", help="print the result as JSON")
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
    simulation = commands.add_parser(
        "simulate",
        help="simulate a period of requests over a structure",
        description="Simulate requests over a structure with the default scenario "
        "(calibrated to Xinhe) and print the figures.",
    )
    simulation.add_argument("spec", metavar="SPEC", help="a spec file or a bundled example name")
    simulation.add_argument("--days", type=int, default=365, help="length of the period (365)")
    simulation.add_argument("--seed", type=int, default=2, help="the random seed (2)")
    simulation.add_argument(
        "--out", default=None, metavar="FILE.jsonl", help="write the event log as JSON Lines"
    )
    simulation.add_argument("--png", default=None, metavar="FILE.png", help="draw the overview")
    sweeping = commands.add_parser(
        "sweep",
        help="run many structures, variants and seeds",
        description="Run a sweep described by a TOML file (structures, variants, seeds, "
        "scenario) and print a summary table; rows stream to --out (.jsonl or .csv).",
    )
    sweeping.add_argument("config", metavar="CONFIG", help="the sweep's TOML file")
    sweeping.add_argument(
        "--workers",
        type=int,
        default=0,
        help="worker processes on this machine (0: run serially)",
    )
    sweeping.add_argument(
        "--scheduler",
        default=None,
        metavar="ADDRESS",
        help="a Dask scheduler address, e.g. tcp://10.0.0.5:8786 (needs govmodel[dask])",
    )
    sweeping.add_argument("--out", default=None, help="where the rows go (.jsonl or .csv)")
    sweeping.add_argument("--png", default=None, metavar="FILE.png", help="draw the comparison")
    synthetic = commands.add_parser(
        "synth",
        help="write the spec of a synthetic district, city or megacity",
        description="Generate a synthetic structure of a preset size (district: about 10,000 "
        "graph nodes, city: about 100,000, megacity: about 1,000,000) and write its spec. "
        "The structure is made up: no place, body or person in it exists.",
    )
    synthetic.add_argument("preset", metavar="PRESET", help="the size: " + ", ".join(synth.PRESETS))
    synthetic.add_argument("--seed", type=int, default=0, help="the random seed (0)")
    synthetic.add_argument(
        "-o",
        "--out",
        default=None,
        metavar="FILE",
        help="where to write the spec (.toml, .json, .yaml); default: TOML to standard output",
    )
    from govmodel import interop_cli

    interop_cli.add_commands(commands)
    demo = commands.add_parser(
        "demo",
        help="a simulated year of the bundled Xinhe community beside the article's figures",
        description="Simulate a year of the bundled Xinhe community with the default "
        "scenario, print the simulated figures beside the article's, and draw "
        "containment and time-to-resolution to a PNG.",
    )
    demo.add_argument(
        "--example",
        default="xinhe",
        choices=examples.names(),
        help="which bundled community (default: xinhe)",
    )
    demo.add_argument("--seed", type=int, default=2, help="the random seed (2: seed 002)")
    demo.add_argument(
        "--png",
        default="govmodel-demo.png",
        metavar="FILE.png",
        help="where to draw the picture (default: govmodel-demo.png)",
    )
    return parser


def main(argv: Sequence[str] | None = None, *, out: TextIO | None = None) -> int:
    """Run the ``govmodel`` command with ``argv``; return the exit status.

    Examples
    --------
    >>> main(["describe", "xinhe"]) == 0  # doctest: +ELLIPSIS
    Xinhe community (新河社区)
    ...
    True
    """
    stream = out if out is not None else sys.stdout
    args = _parser().parse_args(argv)
    for option in ("png",):
        value = getattr(args, option, None)
        if value and not str(value).lower().endswith(".png"):
            return fail(f"--{option}: expected a file name ending in .png, found {value!r}", stream)
    if getattr(args, "seed", 0) is not None and getattr(args, "seed", 0) < 0:
        return fail(f"--seed: expected 0 or more, found {args.seed}", stream)
    try:
        return _dispatch(args, stream)
    except BrokenPipeError:
        # The reader went away (``govmodel ... | head``): nothing more to say.
        return 0
    except UnicodeDecodeError as err:
        return fail(f"expected UTF-8 text: {err.reason} at byte {err.start}", stream)
    except OSError as err:
        where = f" {err.filename}" if err.filename else ""
        return fail(f"cannot read or write{where}: {err.strerror or err}", stream)


def _dispatch(args: argparse.Namespace, stream: TextIO) -> int:
    if args.command == "validate":
        return _validate(Path(args.path), as_json=args.json, out=stream)
    if args.command == "route":
        return _route(args, out=stream)
    if args.command == "describe":
        try:
            structure = structure_from(args.spec)
        except SpecError as err:
            return fail(str(err), stream)
        print(describe(structure), file=stream)
        return 0
    if args.command == "synth":
        return _synth(args, out=stream)
    if args.command in ("render", "export", "import"):
        from govmodel import interop_cli

        handlers = {
            "render": interop_cli.render_command,
            "export": interop_cli.export_command,
            "import": interop_cli.import_command,
        }
        return handlers[args.command](args, out=stream)
    if args.command in ("simulate", "sweep", "demo"):
        from govmodel import research_cli

        handler = {
            "simulate": research_cli.simulate_command,
            "sweep": research_cli.sweep_command,
            "demo": research_cli.demo_command,
        }[args.command]
        return handler(args, out=stream)
    raise AssertionError(f"unhandled command {args.command!r}")  # pragma: no cover


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


def _synth(args: argparse.Namespace, *, out: TextIO) -> int:
    if args.out is not None and Path(args.out).suffix.lower() not in _SPEC_SUFFIXES:
        return fail(
            f"--out: expected a file ending in .toml, .json, .yaml or .yml, found {args.out!r}",
            out,
        )
    try:
        structure = synth.preset(args.preset, seed=args.seed)
    except synth.SynthError as err:
        return fail(str(err), out)
    if args.out is None:
        out.write(dumps(structure, format="toml"))
        return 0
    dump(structure, args.out)
    nodes = structure.graph.number_of_nodes()
    print(f"{args.out}: wrote {structure.name}, {nodes:,} nodes", file=out)
    return 0


_SPEC_SUFFIXES = (".toml", ".json", ".yaml", ".yml")


def structure_from(spec: str) -> Structure:
    """A bundled example by name, or the structure of a spec file.

    Examples
    --------
    >>> structure_from("xinhe").name
    'Xinhe community'
    """
    if spec in examples.names() and not Path(spec).exists():
        return examples.load(spec)
    return load(spec)


def fail(message: str, out: TextIO) -> int:
    """Print one error line for the command and return exit status 1.

    Examples
    --------
    >>> import sys
    >>> fail("oops", sys.stdout)
    govmodel: error: oops
    1
    """
    print(f"govmodel: error: {message}", file=out)
    return 1


def _route(args: argparse.Namespace, *, out: TextIO) -> int:
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
    routing = route(structure, case)
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


def _label(record: Any) -> str:
    names = " / ".join(n for n in (record.name, record.name_zh) if n)
    return f"{record.id} ({names})" if names else record.id


def describe(structure: Structure) -> str:
    """A readable summary of a structure.

    Places, grids by level, bodies by kind, posts, cross-appointments and
    standing meetings.

    Examples
    --------
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


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())

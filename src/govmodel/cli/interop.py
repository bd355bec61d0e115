"""The interoperability commands of ``govmodel``: ``render``, ``export`` and ``import``.

Each command loads its exporter or importer when it runs, so the other
commands start without them.

Examples
--------
>>> from govmodel.cli import main
>>> main(["render", "xinhe", "--format", "mermaid", "--layer", "party"])  # doctest: +ELLIPSIS
---
title: "新河社区 · Xinhe community · 党组织 party organisations"
---
flowchart ...
0
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any, TextIO

from govmodel.cases import Reported, dumps_events, loads_events
from govmodel.cli._common import (
    SPEC_SUFFIXES,
    Commands,
    UsageError,
    add_command,
    fail,
    moment,
    moment_for_log,
    output_suffix,
    policy_from,
    refuse,
    structure_from,
)
from govmodel.cli.structure import describe
from govmodel.errors import GovModelError
from govmodel.model import Body, Grid, Person, Post
from govmodel.rules.access import BACK_OFFICE, AccessDenied, Reader
from govmodel.spec import dump
from govmodel.structure import Structure
from govmodel.validation import Severity, locate, validate

__all__ = ["add_commands", "export_command", "import_command", "render_command"]


def add_commands(commands: Commands) -> None:
    """Add ``render``, ``export`` and ``import`` to the ``govmodel`` parser.

    Examples
    --------
    >>> import argparse
    >>> parser = argparse.ArgumentParser()
    >>> add_commands(parser.add_subparsers(dest="command"))
    >>> parser.parse_args(["export", "xinhe", "--to", "popolo"]).to
    'popolo'
    """
    render = add_command(
        commands,
        "render",
        help="draw the organisation chart",
        description="Draw a structure's organisation chart as Mermaid or Graphviz DOT text, "
        "or as SVG/PNG through Graphviz's dot program (Debian package: graphviz). People "
        "appear by id; by name only with --include-personal, for a reader named with "
        "--for-actor (a person with --at, when it holds a post) or --back-office.",
        examples=[
            "govmodel render xinhe --layer party",
            "govmodel render zhuanqiao --format dot --focus compound:dongbei -o dongbei.dot",
            "govmodel render xinhe --include-personal --for-actor rc:xinhe",
        ],
    )
    render.add_argument("spec", metavar="SPEC", help="a spec file or a bundled example name")
    render.add_argument(
        "--format",
        default="mermaid",
        choices=["mermaid", "dot", "svg", "png"],
        help="output format (default: mermaid)",
    )
    render.add_argument(
        "--focus", default=None, metavar="ID", help="draw one community or compound"
    )
    render.add_argument(
        "--layer", default=None, choices=["party", "grid", "bodies"], help="draw one layer"
    )
    render.add_argument("-o", "--output", default=None, metavar="FILE", help="where to write it")
    _add_reader_options(render, what="people's names")
    render.set_defaults(run=render_command)
    export = add_command(
        commands,
        "export",
        help="export a structure (or an event log) to another format",
        description="Export to Popolo JSON, GraphML, networkx node-link JSON, or Open311 "
        "GeoReport v2 (services, or service requests with --events). No personal data "
        "unless --include-personal, which needs a reader: --for-actor ID (judged at --at) "
        "or --back-office for a trusted back-office job. --events, --now and --policy are "
        "for open311 service requests only, and are refused elsewhere.",
        examples=[
            "govmodel export xinhe --to popolo -o xinhe.popolo.json",
            "govmodel export xinhe --to graphml -o xinhe.graphml",
            "govmodel export xinhe --to open311",
            "govmodel simulate xinhe --days 30 --seed 1 -o log.jsonl",
            "govmodel export xinhe --to open311 --events log.jsonl -o requests.json",
            "govmodel export xinhe --to open311 --events log.jsonl --for-actor pm:cxh "
            "--now 2025-01-15T00:00",
            "govmodel export xinhe --to open311 --events log.jsonl --include-personal "
            "--for-actor person:steward-1 --at 2025-01-20T09:00",
            "govmodel export xinhe --to popolo --include-personal --back-office -o names.json",
        ],
    )
    export.add_argument("spec", metavar="SPEC", help="a spec file or a bundled example name")
    export.add_argument(
        "--to",
        required=True,
        choices=["popolo", "graphml", "node-link", "open311"],
        help="the target format",
    )
    export.add_argument(
        "--events",
        default=None,
        metavar="LOG.jsonl",
        help="for open311: the event log to turn into service requests",
    )
    export.add_argument(
        "--now",
        default=None,
        metavar="YYYY-MM-DDTHH:MM",
        help="for open311 --events: the requests as they stood then (default: the whole log)",
    )
    export.add_argument(
        "--policy",
        default=None,
        metavar="FILE.toml",
        help="for open311: the policy (default: the default)",
    )
    _add_reader_options(export, what="personal data")
    export.add_argument("-o", "--output", default=None, metavar="FILE", help="where to write it")
    export.set_defaults(run=export_command)
    importing = add_command(
        commands,
        "import",
        help="import Popolo JSON or Open311 requests",
        description="Read Popolo JSON into a structure (written as a spec with -o, else "
        "summarised), or Open311 service requests into cases (written as a JSON Lines log "
        "with -o, else counted): their reports, or with --lifecycle every event their notes "
        "record. Exit status 1 when the file has problems: every one is listed, with its "
        "request's index.",
        examples=[
            "govmodel export xinhe --to popolo -o xinhe.popolo.json",
            "govmodel import popolo xinhe.popolo.json -o xinhe.toml",
            "govmodel simulate xinhe --days 30 --seed 1 -o log.jsonl",
            "govmodel export xinhe --to open311 --events log.jsonl -o requests.json",
            "govmodel import open311 requests.json --spec xinhe -o reports.jsonl",
            "govmodel import open311 requests.json --spec xinhe --lifecycle -o again.jsonl",
            "govmodel check xinhe again.jsonl",
            "govmodel import open311 requests.json --json",
        ],
    )
    importing.add_argument(
        "kind", metavar="KIND", choices=["popolo", "open311"], help="popolo or open311"
    )
    importing.add_argument("file", metavar="FILE", help="the file to read")
    importing.add_argument(
        "--spec",
        default=None,
        metavar="SPEC",
        help="for open311: the structure whose places the requests name",
    )
    importing.add_argument(
        "--lifecycle",
        action="store_true",
        help="for open311: read each request's notes back as its events (status, notes "
        "and their times), not only its report",
    )
    importing.add_argument("-o", "--output", default=None, metavar="FILE", help="where to write")
    importing.add_argument("--json", action="store_true", help="print the result as JSON")
    importing.set_defaults(run=import_command)


def _add_reader_options(command: argparse.ArgumentParser, *, what: str) -> None:
    """``--include-personal`` and who reads it: ``--for-actor ID`` (``--at``), ``--back-office``."""
    command.add_argument(
        "--include-personal",
        action="store_true",
        help=f"include {what}, for the reader --for-actor or --back-office names",
    )
    readers = command.add_mutually_exclusive_group()
    readers.add_argument(
        "--for-actor",
        default=None,
        metavar="ID",
        help="the reader: a body, post or person of the spec (for open311 --events, also "
        "only the cases it may see)",
    )
    readers.add_argument(
        "--back-office",
        action="store_true",
        help="the reader is a trusted back-office job, which may read all personal data",
    )
    command.add_argument(
        "--at",
        default=None,
        metavar="YYYY-MM-DDTHH:MM",
        help="with --for-actor: the moment its access is judged at (a person reads through "
        "the posts held then)",
    )


def _reader_usage(args: argparse.Namespace) -> None:
    """Refuse --include-personal for nobody in particular, and reader options that mean nothing."""
    if args.include_personal and args.for_actor is None and not args.back_office:
        raise refuse(
            "--include-personal: name who reads the personal data: --for-actor ID, or "
            "--back-office for a trusted back-office job"
        )
    if args.back_office and not args.include_personal:
        raise refuse("--back-office: only with --include-personal (it names who reads them)")
    if args.at is not None and args.for_actor is None:
        raise refuse("--at: only with --for-actor (the moment its access is judged at)")


def _actor_problem(structure: Structure, actor: str) -> str | None:
    if actor not in structure or not isinstance(structure.node(actor), _ACTORS):
        return f'--for-actor: no body, post or person "{actor}" in {structure.name!r}'
    return None


def _structure_reader(
    args: argparse.Namespace, structure: Structure, at: dt.datetime | None
) -> tuple[Reader | None, str | None]:
    """The reader of people's names in a structure export, or the problem with it."""
    if args.back_office:
        return BACK_OFFICE, None
    if args.for_actor is None:
        return None, None
    problem = _actor_problem(structure, args.for_actor)
    if problem is not None:
        return None, problem
    if isinstance(structure.node(args.for_actor), Person) and at is None:
        # Whether it holds a post then is the exporter's to judge (AccessDenied).
        return None, (
            f'--for-actor: "{args.for_actor}" is a person, who reads through the posts '
            "held at a moment: give --at"
        )
    return args.for_actor, None


def _emit(text: str, output: str | None, out: TextIO, what: str) -> None:
    if output is None:
        out.write(text if text.endswith("\n") else text + "\n")
    else:
        Path(output).write_text(text, encoding="utf-8")
        print(f"{what} written to {output}", file=out)


# What ``export -o`` may be called for each --to.
_EXPORT_SUFFIXES = {
    "popolo": (".json",),
    "graphml": (".graphml", ".xml"),
    "node-link": (".json",),
    "open311": (".json",),
}

# Who --for-actor may name: whoever can be granted access to a case.
_ACTORS = (Body, Post, Person, Grid)

# What ``render -o`` may be called for each --format.
_CHART_SUFFIXES = {
    "mermaid": (".mmd", ".mermaid", ".md"),
    "dot": (".dot", ".gv"),
    "svg": (".svg",),
    "png": (".png",),
}


def render_command(args: argparse.Namespace, *, out: TextIO) -> int:
    """``govmodel render SPEC``: the organisation chart as text or a picture."""
    from govmodel.interop import render as charts

    if args.for_actor is not None and not args.include_personal:
        raise refuse(
            "--for-actor: only with --include-personal (it names who reads people's names)"
        )
    _reader_usage(args)
    output_suffix(args.output, _CHART_SUFFIXES[args.format], what=f"--format {args.format}")
    at = None if args.at is None else moment(args.at, "--at")
    try:
        structure = structure_from(args.spec)
        reader, problem = _structure_reader(args, structure, at)
        if problem is not None:
            return fail(problem, out)
        options: dict[str, Any] = {
            "focus": args.focus,
            "layer": args.layer,
            "include_personal": args.include_personal,
            "reader": reader,
            "at": at,
        }
        if args.format == "mermaid":
            _emit(charts.to_mermaid(structure, **options), args.output, out, "Mermaid chart")
        elif args.format == "dot":
            _emit(charts.to_dot(structure, **options), args.output, out, "DOT chart")
        else:
            target = args.output or f"{Path(args.spec).stem}-orgchart.{args.format}"
            path = charts.render(structure, target, format=args.format, **options)
            print(f"{args.format.upper()} chart written to {path}", file=out)
    except UsageError:
        raise
    except AccessDenied as err:
        return fail(f"--for-actor: {err}", out)
    except GovModelError as err:
        return fail(str(err), out)
    return 0


def export_command(args: argparse.Namespace, *, out: TextIO) -> int:
    """``govmodel export SPEC --to FORMAT``: a structure or a log in another format."""
    if args.to != "open311":
        for flag, value in (("--events", args.events), ("--policy", args.policy)):
            if value is not None:
                raise refuse(f"{flag}: only with --to open311")
    if args.events is None:
        if args.now is not None:
            raise refuse("--now: only with --to open311 --events LOG")
        if args.to == "open311":
            if args.include_personal:
                raise refuse("--include-personal: the services list holds no personal data")
            if args.for_actor is not None:
                raise refuse("--for-actor: only with --to open311 --events LOG")
        elif args.for_actor is not None and not args.include_personal:
            raise refuse(
                f"--for-actor: with --to {args.to}, only with --include-personal (it names "
                "who reads people's names)"
            )
    _reader_usage(args)
    output_suffix(args.output, _EXPORT_SUFFIXES[args.to], what=f"--to {args.to}")
    now = None if args.now is None else moment(args.now, "--now")
    at = None if args.at is None else moment(args.at, "--at")
    try:
        structure = structure_from(args.spec)
        personal = args.include_personal
        if args.to != "open311":
            reader, problem = _structure_reader(args, structure, at)
            if problem is not None:
                return fail(problem, out)
            options: dict[str, Any] = {"include_personal": personal, "reader": reader, "at": at}
        if args.to == "popolo":
            from govmodel.interop.popolo import dumps_popolo

            _emit(dumps_popolo(structure, **options), args.output, out, "Popolo")
        elif args.to == "graphml":
            from govmodel.interop.graph import graphml_text

            _emit(graphml_text(structure, **options), args.output, out, "GraphML")
        elif args.to == "node-link":
            from govmodel.interop.graph import to_node_link

            text = json.dumps(to_node_link(structure, **options), ensure_ascii=False, indent=2)
            _emit(text, args.output, out, "node-link JSON")
        else:
            from govmodel.interop.open311 import dumps_requests, services, to_requests

            policy = policy_from(args.policy)
            if args.events is None:
                text = json.dumps(services(policy=policy), ensure_ascii=False, indent=2)
                _emit(text, args.output, out, "Open311 services")
            else:
                try:
                    if args.events == "-":
                        log_text = sys.stdin.read()
                    else:
                        log_text = Path(args.events).read_text(encoding="utf-8")
                except OSError as err:
                    return fail(f"--events: cannot read {args.events}: {err.strerror}", out)
                events = loads_events(log_text)
                for_actor: Reader | None = BACK_OFFICE if args.back_office else args.for_actor
                if args.for_actor is not None:
                    problem = _actor_problem(structure, args.for_actor)
                    if problem is not None:
                        return fail(problem, out)
                if now is not None:
                    now = moment_for_log(now, events, "--now", policy=policy)
                if at is not None:
                    at = moment_for_log(at, events, "--at", policy=policy)
                requests = to_requests(
                    events,
                    structure=structure,
                    now=now,
                    at=at,
                    policy=policy,
                    for_actor=for_actor,
                    include_personal=personal,
                )
                _emit(dumps_requests(requests, indent=2), args.output, out, "Open311 requests")
    except UsageError:
        raise
    except AccessDenied as err:
        return fail(f"--for-actor: {err}", out)
    except GovModelError as err:
        return fail(str(err), out)
    return 0


def import_command(args: argparse.Namespace, *, out: TextIO) -> int:
    """``govmodel import KIND FILE``: Popolo into a spec, Open311 requests into cases."""
    if args.kind == "popolo" and args.spec is not None:
        raise refuse("--spec: only with open311 (a Popolo file holds its own structure)")
    if args.kind == "popolo" and args.json:
        raise refuse("--json: only with open311 (Popolo is imported as a spec or a summary)")
    if args.kind == "popolo" and args.lifecycle:
        raise refuse("--lifecycle: only with open311 (Popolo holds no cases)")
    if args.kind == "open311":
        output_suffix(args.output, (".jsonl",), what="the event log")
    try:
        text = Path(args.file).read_text(encoding="utf-8")
    except OSError as err:
        return fail(f"cannot read {args.file}: {err.strerror}", out)
    except UnicodeDecodeError as err:
        return fail(f"cannot read {args.file}: expected UTF-8 text: {err.reason}", out)
    except ValueError:
        return fail(f"cannot read {args.file!r}: expected a path without NUL characters", out)
    try:
        if args.kind == "popolo":
            from govmodel.interop.popolo import loads_popolo

            structure = loads_popolo(text)
            errors = [v for v in validate(structure) if v.severity is Severity.ERROR]
            if errors:
                lines = [f"{locate(structure, v) or '-'}: {v.message}" for v in errors]
                return fail("the imported structure is not valid:\n  " + "\n  ".join(lines), out)
            if args.output:
                if Path(args.output).suffix.lower() not in SPEC_SUFFIXES:
                    return fail(
                        f"-o: expected a spec file ending in .toml, .json, .yaml or .yml, "
                        f"found {args.output!r}",
                        out,
                    )
                dump(structure, args.output)
                print(f"spec written to {args.output}", file=out)
            else:
                print(describe(structure), file=out)
        else:
            from govmodel.interop.open311 import (
                events_from_requests,
                from_requests,
                loads_requests,
            )

            where = structure_from(args.spec) if args.spec else None
            requests = loads_requests(text)
            if args.lifecycle:
                events = events_from_requests(requests, structure=where)
            else:
                events = tuple(
                    Reported(case=c, at=c.reported_at)
                    for c in from_requests(requests, structure=where)
                )
            cases = list(dict.fromkeys(e.case_id for e in events))
            what = "events" if args.lifecycle else "reports"
            if args.output:
                Path(args.output).write_text(dumps_events(events), encoding="utf-8")
            if args.json:
                data = {"cases": cases, "events": len(events), "log": args.output}
                print(json.dumps(data, ensure_ascii=False, indent=2), file=out)
            elif args.output:
                print(
                    f"{len(cases)} cases written to {args.output} as {len(events)} {what}",
                    file=out,
                )
            else:
                print(f"{len(cases)} cases read ({len(events)} {what})", file=out)
    except UsageError:
        raise
    except GovModelError as err:
        return fail(str(err), out)
    return 0

"""The ``govmodel`` command.

``govmodel validate PATH`` checks a spec file and lists every problem with its
location; ``govmodel describe SPEC`` summarises a structure; ``govmodel route
SPEC --place ID --category C`` routes one case and shows the ladder;
``govmodel check SPEC LOG`` replays an event log and lists its problems;
``govmodel metrics LOG`` measures a log at a moment; ``govmodel can SPEC LOG
ACTOR ACTION CASE`` says whether an actor may do something with a case;
``govmodel simulate`` and ``govmodel sweep`` run the research layer;
``govmodel synth PRESET`` writes the spec of a synthetic district, city or
megacity;
``govmodel render``, ``export`` and ``import`` speak other tools' formats;
``govmodel serve SPEC --store URL`` serves an Open311 GeoReport v2 endpoint over a
case store; and ``govmodel demo`` simulates a year of the bundled Xinhe community beside the
article's figures. Run ``govmodel --help`` or ``govmodel COMMAND --help`` for options
and examples; ``govmodel --version`` prints the installed version.

Every command exits with 0 when all is well, 1 when its input has problems and
2 for a usage error (``govmodel.cli._common`` states the rule, and the rule
for ``--at`` and ``--now``).

Each family of commands is a module of this package with an
``add_commands(commands)`` that adds its sub-parsers and sets each one's
handler as ``run``: ``govmodel.cli.structure`` (validate, describe, route),
``govmodel.cli.logs`` (check, metrics, can), ``govmodel.cli.research``
(simulate, sweep), ``govmodel.cli.synth``,
``govmodel.cli.interop`` (render, export, import), ``govmodel.cli.serve`` and
``govmodel.cli.demo``.
``main`` builds the parser from the families, in that order, and calls the
chosen command's ``run``. What the families share is in
``govmodel.cli._common``; they never import this package back.

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
import sys
from collections.abc import Sequence
from importlib import metadata
from typing import TextIO

from govmodel.cli import demo, interop, logs, research, serve, structure, synth
from govmodel.cli._common import (
    USAGE,
    Handler,
    HelpFormatter,
    UsageError,
    fail,
    option_problem,
    structure_from,
)
from govmodel.cli.structure import describe
from govmodel.errors import GovModelError

__all__ = ["describe", "fail", "main", "parser", "structure_from"]

# In this order in ``govmodel --help``.
_FAMILIES = (structure, logs, research, synth, interop, serve, demo)

_EPILOG = """\
exit status: 0 when all is well, 1 when the input has problems (an invalid spec or
log, an id it does not hold, a file that cannot be read), 2 for a usage error.
Every --at and --now takes a date and a time (2025-05-06T09:00); a bare date is refused.
Run govmodel COMMAND --help for a command's options and examples."""


def _version() -> str:
    try:
        return metadata.version("govmodel")
    except metadata.PackageNotFoundError:  # pragma: no cover - a checkout not installed
        return "unknown (not installed)"


def parser() -> argparse.ArgumentParser:
    """The parser of the ``govmodel`` command, with every command's sub-parser.

    Examples
    --------
    >>> sorted(parser()._subparsers._group_actions[0].choices)  # doctest: +NORMALIZE_WHITESPACE
    ['can', 'check', 'demo', 'describe', 'experiment', 'export', 'import', 'metrics', 'render',
     'route', 'serve', 'simulate', 'sweep', 'synth', 'validate']
    """
    parser = argparse.ArgumentParser(
        prog="govmodel",
        description="Model party-led grassroots governance: check specs and event logs, "
        "route cases, measure, simulate, and speak other tools' formats.",
        epilog=_EPILOG,
        formatter_class=HelpFormatter,
        allow_abbrev=False,
    )
    parser.add_argument(
        "--version", action="version", version=f"govmodel {_version()}", help="print the version"
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for family in _FAMILIES:
        family.add_commands(commands)
    return parser


def main(argv: Sequence[str] | None = None, *, out: TextIO | None = None) -> int:
    """Run the ``govmodel`` command with ``argv``; return the exit status.

    Parameters
    ----------
    argv
        The arguments after ``govmodel``; default: those of the process.
    out
        Where the command prints; default: standard output.

    Examples
    --------
    >>> main(["describe", "xinhe"]) == 0  # doctest: +ELLIPSIS
    Xinhe community (新河社区)
    ...
    True
    """
    stream = out if out is not None else sys.stdout
    args = parser().parse_args(argv)
    problem = option_problem(args)
    if problem is not None:
        return fail(problem, stream, status=USAGE)
    run: Handler = args.run
    try:
        return run(args, out=stream)
    except UsageError as err:
        return fail(str(err), stream, status=USAGE)
    except GovModelError as err:
        return fail(str(err), stream)
    except BrokenPipeError:
        # The reader went away (``govmodel ... | head``): nothing more to say.
        return 0
    except UnicodeDecodeError as err:
        return fail(f"expected UTF-8 text: {err.reason} at byte {err.start}", stream)
    except OSError as err:
        where = f" {err.filename}" if err.filename else ""
        return fail(f"cannot read or write{where}: {err.strerror or err}", stream)

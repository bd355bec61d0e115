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

Each family of commands is a module of this package with an
``add_commands(commands)`` that adds its sub-parsers and sets each one's
handler as ``run``: ``govmodel.cli.structure`` (validate, route, describe),
``govmodel.cli.research`` (simulate, sweep), ``govmodel.cli.synth``,
``govmodel.cli.interop`` (render, export, import) and ``govmodel.cli.demo``.
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
from typing import TextIO

from govmodel.cli import demo, interop, research, structure, synth
from govmodel.cli._common import Handler, fail, option_problem, structure_from
from govmodel.cli.structure import describe
from govmodel.errors import GovModelError

__all__ = ["describe", "fail", "main", "structure_from"]

# In this order in ``govmodel --help``.
_FAMILIES = (structure, research, synth, interop, demo)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="govmodel",
        description="Model party-led grassroots governance: check specs, summarise structures.",
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
    args = _parser().parse_args(argv)
    problem = option_problem(args)
    if problem is not None:
        return fail(problem, stream)
    run: Handler = args.run
    try:
        return run(args, out=stream)
    except BrokenPipeError:
        # The reader went away (``govmodel ... | head``): nothing more to say.
        return 0
    except GovModelError as err:
        # Commands report their own errors; this keeps any other one a message.
        return fail(str(err), stream)
    except UnicodeDecodeError as err:
        return fail(f"expected UTF-8 text: {err.reason} at byte {err.start}", stream)
    except OSError as err:
        where = f" {err.filename}" if err.filename else ""
        return fail(f"cannot read or write{where}: {err.strerror or err}", stream)

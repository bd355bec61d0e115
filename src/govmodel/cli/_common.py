"""What every command family of ``govmodel`` shares.

How a command reports an error (``fail``), how it reads its ``SPEC`` argument
(``structure_from``), the checks of options that several commands take
(``option_problem``), and the shape of a command handler (``Handler``). The
command families import these from here, never from the package
``govmodel.cli``: that imports the families, and must not be imported back.

Examples
--------
>>> import sys
>>> from govmodel.cli._common import fail
>>> fail("oops", sys.stdout)
govmodel: error: oops
1
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any, Protocol, TextIO, TypeAlias

from govmodel import examples
from govmodel.spec import load
from govmodel.structure import Structure

__all__ = [
    "SPEC_SUFFIXES",
    "Commands",
    "Handler",
    "fail",
    "option_problem",
    "save_figure",
    "structure_from",
]

Commands: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"
"""The ``COMMAND`` sub-parsers of ``govmodel``, to which each family adds its commands."""

SPEC_SUFFIXES = (".toml", ".json", ".yaml", ".yml")
"""The file endings a spec can be written to."""


class Handler(Protocol):
    """What runs a command: the parsed arguments in, the exit status out.

    Each family sets its handlers as ``run`` on its sub-parsers, and
    ``govmodel.cli.main`` calls ``args.run(args, out=out)``.
    """

    def __call__(self, args: argparse.Namespace, *, out: TextIO) -> int:
        """Run the command, print to ``out``, return the exit status."""


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


def option_problem(args: argparse.Namespace) -> str | None:
    """What is wrong with the options several commands share (``--png``, ``--seed``), if anything.

    Checked for every command before it runs, so each command states the same
    problem in the same words.

    Examples
    --------
    >>> import argparse
    >>> option_problem(argparse.Namespace(png="year.svg", seed=2))
    "--png: expected a file name ending in .png, found 'year.svg'"
    >>> option_problem(argparse.Namespace(seed=-1))
    '--seed: expected 0 or more, found -1'
    >>> option_problem(argparse.Namespace(spec="xinhe")) is None
    True
    """
    png = getattr(args, "png", None)
    if png and not str(png).lower().endswith(".png"):
        return f"--png: expected a file name ending in .png, found {png!r}"
    seed = getattr(args, "seed", None)
    if seed is not None and seed < 0:
        return f"--seed: expected 0 or more, found {seed}"
    return None


def save_figure(figure: Any, path: str, out: TextIO) -> None:
    """Save a matplotlib figure as a PNG and say where."""
    figure.savefig(path, dpi=120)
    print(f"picture written to {path}", file=out)

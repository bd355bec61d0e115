"""The ``synth`` command of ``govmodel``: the spec of a synthetic district, city or megacity.

Examples
--------
>>> import tempfile, pathlib
>>> from govmodel.cli import main
>>> with tempfile.TemporaryDirectory() as d:
...     main(["synth", "district", "-o", str(pathlib.Path(d) / "district.toml")])
... # doctest: +ELLIPSIS
/.../district.toml: wrote ..., ... nodes
0
"""

from __future__ import annotations

import argparse
from typing import TextIO

from govmodel import synth
from govmodel.cli._common import SPEC_SUFFIXES, Commands, add_command, output_suffix
from govmodel.spec import dump, dumps

__all__ = ["add_commands", "synth_command"]


def add_commands(commands: Commands) -> None:
    """Add ``synth`` to the ``govmodel`` parser.

    Examples
    --------
    >>> import argparse
    >>> parser = argparse.ArgumentParser()
    >>> add_commands(parser.add_subparsers(dest="command"))
    >>> parser.parse_args(["synth", "city"]).seed
    0
    """
    synthetic = add_command(
        commands,
        "synth",
        help="write the spec of a synthetic district, city or megacity",
        description="Generate a synthetic structure of a preset size (district: about 10,000 "
        "graph nodes, city: about 100,000, megacity: about 1,000,000) and write its spec. "
        "The structure is made up: no place, body or person in it exists.",
        examples=[
            "govmodel synth district --seed 3 -o district.json",
            "govmodel synth district | head -n 3",
        ],
    )
    synthetic.add_argument(
        "preset",
        metavar="PRESET",
        choices=list(synth.PRESETS),
        help="the size: " + ", ".join(synth.PRESETS),
    )
    synthetic.add_argument("--seed", type=int, default=0, help="the random seed (0)")
    synthetic.add_argument(
        "-o",
        "--output",
        default=None,
        metavar="FILE",
        help="where to write the spec (.toml, .json, .yaml); default: TOML to standard output",
    )
    synthetic.set_defaults(run=synth_command)


def synth_command(args: argparse.Namespace, *, out: TextIO) -> int:
    """``govmodel synth PRESET``: write the spec of a synthetic structure of that size."""
    output_suffix(args.output, SPEC_SUFFIXES)
    structure = synth.preset(args.preset, seed=args.seed)
    if args.output is None:
        out.write(dumps(structure, format="toml"))
        return 0
    dump(structure, args.output)
    nodes = structure.graph.number_of_nodes()
    print(f"{args.output}: wrote {structure.name}, {nodes:,} nodes", file=out)
    return 0

"""The ``demo`` command of ``govmodel``: a simulated year beside the article's figures.

``govmodel demo`` simulates a year of a bundled community (Xinhe unless
``--example`` says otherwise) with the default scenario, prints the simulated
figures beside those its article reports, and draws containment and
time-to-resolution to a PNG. It is the first thing to run after installing.

Examples
--------
>>> import tempfile, pathlib
>>> from govmodel.cli import main
>>> with tempfile.TemporaryDirectory() as d:
...     main(["demo", "--png", str(pathlib.Path(d) / "year.png")])  # doctest: +ELLIPSIS
Xinhe community (新河社区): one simulated year, default scenario, seed 2
...
requests through the platforms ...   about 180
...
0
"""

from __future__ import annotations

import argparse
import io
import json
from typing import TextIO

from govmodel import examples
from govmodel._text import percent
from govmodel.cli._common import Commands, add_command, save_figure, structure_from
from govmodel.errors import MissingExtraError
from govmodel.simulation import Scenario, SimulationResult, simulate
from govmodel.simulation.calibration import ARTICLE, xinhe_figures

__all__ = ["add_commands", "demo_command"]

# What the Xinhe article (seed 002) reports for a year, in words, beside the
# figures ``govmodel.simulation.calibration`` counts as the article counts them
# (its ``ARTICLE`` holds them as numbers, for --json).
XINHE_WORDS = {
    "requests": "about 180",
    "response_rate": "100 %",
    "resolution_rate": "98 % or more",
    "whistle_orders": "56",
    "dispute_revisits": "about 230",
    "latent_found": "15",
    "front_desk": "20-odd",
}
_XINHE_LABELS = {
    "requests": "requests through the platforms",
    "response_rate": "  response rate",
    "resolution_rate": "  resolution rate",
    "whistle_orders": "red whistle orders",
    "dispute_revisits": "return visits of disputes",
    "latent_found": "  latent disputes found",
    "front_desk": "settled at the property desk",
}


def add_commands(commands: Commands) -> None:
    """Add ``demo`` to the ``govmodel`` parser.

    Examples
    --------
    >>> import argparse
    >>> parser = argparse.ArgumentParser()
    >>> add_commands(parser.add_subparsers(dest="command"))
    >>> parser.parse_args(["demo"]).png
    'govmodel-demo.png'
    """
    demo = add_command(
        commands,
        "demo",
        help="a simulated year of the bundled Xinhe community beside the article's figures",
        description="Simulate a year of the bundled Xinhe community with the default "
        "scenario, print the simulated figures beside the article's, and draw "
        "containment and time-to-resolution to a PNG.",
        examples=["govmodel demo --png year.png", "govmodel demo --example zhuanqiao --json"],
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
    demo.add_argument(
        "--json", action="store_true", help="print the figures as JSON (the picture is drawn too)"
    )
    demo.set_defaults(run=demo_command)


def demo_command(args: argparse.Namespace, *, out: TextIO) -> int:
    """``govmodel demo``: a year of a bundled community beside its article's figures."""
    structure = structure_from(args.example)
    result = simulate(structure, Scenario(), seed=args.seed)
    m = result.metrics
    xinhe = args.example == "xinhe"
    counted = xinhe_figures(result) if xinhe else {}
    figures: dict[str, float | int | None] = {
        "cases": len(result.outcomes),
        "response_rate": m.response_rate,
        "resolution_rate": m.resolution_rate,
        "revisit_coverage": m.revisit_coverage,
        "satisfaction_rate": m.satisfaction_rate,
        "on_time_rate": m.on_time_rate,
        "reopen_rate": m.reopen_rate,
        "hotline": result.hotline,
    }
    containment = m.containment or {}
    for tier, share in containment.items():
        figures[f"contained_at_{tier.value}"] = share
    if args.json:
        # Only JSON on standard output, so another tool can read it whole.
        article = {k: v for k, v in ARTICLE.items() if k in XINHE_WORDS} if xinhe else {}
        data = {
            "structure": structure.name,
            "seed": args.seed,
            "figures": figures,
            "as_the_article_counts": {
                k: int(v) if not k.endswith("_rate") else v
                for k, v in counted.items()
                if k in XINHE_WORDS
            },
            "article": article,
        }
        print(json.dumps(data, ensure_ascii=False, indent=2), file=out)
        return _picture(result, structure.name, args, io.StringIO())
    name = f"{structure.name} ({structure.name_zh})" if structure.name_zh else structure.name
    print(f"{name}: one simulated year, default scenario, seed {args.seed}", file=out)
    counts = {k: len(v) for k, v in structure.records().items()}
    print(
        "structure: " + ", ".join(f"{n} {k}" for k, n in counts.items() if n),
        file=out,
    )
    print("", file=out)
    rows: list[tuple[str, str, str]] = []
    if xinhe:
        # The article's figures, each counted as the article counts it
        # (docs/simulation.md, "Calibration to Xinhe").
        for key, words in XINHE_WORDS.items():
            value = counted[key]
            shown = percent(value) if key.endswith("_rate") else str(int(value))
            rows.append((_XINHE_LABELS[key], shown, words))
        rows.append(("", "", ""))
    rows += [
        ("all cases", str(len(result.outcomes)), ""),
        ("response rate", percent(m.response_rate), ""),
        ("resolution rate", percent(m.resolution_rate), ""),
        (
            "revisit coverage",
            percent(m.revisit_coverage),
            "every case (一案一回访)" if xinhe else "",
        ),
        ("satisfaction rate", percent(m.satisfaction_rate), ""),
        ("on-time rate", percent(m.on_time_rate), ""),
        ("reopen rate", percent(m.reopen_rate), ""),
        ("escaped to the 12345 hotline", str(result.hotline), ""),
    ]
    for tier, share in containment.items():
        rows.append((f"contained at {tier.value}", percent(share), ""))
    header = ("measure", "simulated", "article" if xinhe else "")
    width = max(len(r[0]) for r in rows) + 2
    print(f"{header[0]:<{width}}{header[1]:>10}   {header[2]}".rstrip(), file=out)
    for label, simulated, reported in rows:
        print(f"{label:<{width}}{simulated:>10}   {reported}".rstrip(), file=out)
    return _picture(result, structure.name, args, out)


def _picture(result: SimulationResult, name: str, args: argparse.Namespace, out: TextIO) -> int:
    try:
        from govmodel.simulation.plots import overview

        title = f"{name}: one simulated year (seed {args.seed})"
        save_figure(overview(result, title=title), args.png, out)
    except MissingExtraError as err:
        print(f"no picture: {err}", file=out)
    return 0

"""MkDocs hook: the tutorial's figure, drawn at build time from the tutorial's own files.

Registered in ``mkdocs.yml`` under ``hooks:``. ``docs/tutorial-elements.md`` shows an
experiment file and an analysis script, each in a fenced block marked
``<!-- console: file: NAME -->`` (the console tests write the same blocks to files and run
them). ``on_files`` writes those blocks to a temporary directory, runs the experiment there
with ``run_experiment`` and the script with ``runpy``, and adds the ``effects.png`` the script
draws to the site as ``img/xinhe-elements.png``. So the figure always shows what the page's
own file and script give with the model being documented; nothing is written into ``docs/``.
A failure to draw it is logged as a warning, which ``mkdocs build --strict`` turns into a
failed build.
"""

from __future__ import annotations

import contextlib
import io
import logging
import os
import re
import runpy
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from govmodel.simulation import load_experiment, run_experiment

if TYPE_CHECKING:  # mkdocs is only there when the docs are built
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files

__all__ = ["FIGURE", "PAGE", "on_files"]

PAGE = "tutorial-elements.md"
"""The page whose files draw the figure."""

FIGURE = "img/xinhe-elements.png"
"""Where the figure lands, relative to the docs (and site) directory."""

log = logging.getLogger(f"mkdocs.hooks.{__name__}")

_FILE_BLOCK = re.compile(
    r"^<!-- console: file: (?P<name>\S+) -->\n```\S*\n(?P<body>.*?)^```$", re.M | re.S
)


def on_files(files: Files, *, config: MkDocsConfig) -> Files:
    """Run the page's experiment and script, and add the figure they draw to the site."""
    from mkdocs.structure.files import File

    page = Path(config.docs_dir) / PAGE
    blocks = {m["name"]: m["body"] for m in _FILE_BLOCK.finditer(page.read_text("utf-8"))}
    here = Path.cwd()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            for name, body in blocks.items():
                (Path(tmp) / name).write_text(body, encoding="utf-8")
            os.chdir(tmp)
            experiment = next(name for name in blocks if name.endswith(".toml"))
            run_experiment(load_experiment(experiment), "elements")
            with contextlib.redirect_stdout(io.StringIO()):
                runpy.run_path("analyse.py", run_name="__main__")
            content = (Path(tmp) / "effects.png").read_bytes()
    except Exception as err:  # any failure must fail a strict build, with its reason
        log.warning("the figure of %s was not drawn: %s: %s", PAGE, type(err).__name__, err)
        return files
    finally:
        os.chdir(here)
    files.append(File.generated(config, FIGURE, content=content))
    return files

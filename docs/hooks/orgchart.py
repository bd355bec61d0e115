"""MkDocs hook: the organisation chart of the Xinhe community, drawn at build time.

Registered in ``mkdocs.yml`` under ``hooks:``. A page shows the chart with the
image link

    ![Organisation chart of the Xinhe community](img/xinhe-orgchart.svg)

(relative to the page, as every MkDocs link). When Graphviz's ``dot``
program is on ``PATH``, ``on_files`` renders the chart to SVG and adds it to
the site as a generated file, so ``site/img/xinhe-orgchart.svg`` exists and
the link checks under ``mkdocs build --strict``; nothing is written into
``docs/``. When ``dot`` is missing or fails, ``on_page_markdown`` replaces
that image link with the chart as a Mermaid fence, which the Material theme
draws in the browser, and the build still passes.
"""

from __future__ import annotations

import logging
import re
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from govmodel import examples
from govmodel.errors import GovModelError
from govmodel.interop.render import render, to_mermaid

if TYPE_CHECKING:  # mkdocs is only there when the docs are built
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files
    from mkdocs.structure.pages import Page

__all__ = ["CHART", "EXAMPLE", "on_files", "on_page_markdown"]

EXAMPLE = "xinhe"
"""The bundled community the docs draw."""

CHART = f"img/{EXAMPLE}-orgchart.svg"
"""Where the chart lands, relative to the docs (and site) directory."""

log = logging.getLogger(f"mkdocs.hooks.{__name__}")

# The image link to the chart, written from any page depth.
_LINK = re.compile(r"!\[[^\]\n]*\]\((?:\.\./|\./)*" + re.escape(CHART) + r"\)")
# Whether this build has the SVG; reset by every on_files (mkdocs serve rebuilds).
_state = {"drawn": False}


def on_files(files: Files, *, config: MkDocsConfig) -> Files:
    """Render the chart to SVG and add it to the site, when ``dot`` is there."""
    from mkdocs.structure.files import File

    _state["drawn"] = False
    structure = examples.load(EXAMPLE)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "chart.svg"
        try:
            render(structure, path, format="svg")
        except GovModelError as err:
            # info, not warning: --strict turns warnings into a failed build,
            # and the Mermaid fallback still shows the chart.
            log.info("org chart drawn with Mermaid instead of Graphviz: %s", err)
            return files
        content = path.read_bytes()
    files.append(File.generated(config, CHART, content=content))
    _state["drawn"] = True
    return files


def on_page_markdown(markdown: str, *, page: Page, config: MkDocsConfig, **_: Any) -> str:
    """Without the SVG, show the chart as a Mermaid fence where the page links it."""
    if _state["drawn"] or not _LINK.search(markdown):
        return markdown
    fence = "```mermaid\n" + to_mermaid(examples.load(EXAMPLE)) + "```"
    return _LINK.sub(lambda _match: fence, markdown)

"""Tests that the documentation keeps step with the code."""

import argparse
import importlib
import re
from pathlib import Path

import pytest

from tests._console import PAGES, matches, read_page, rewrite, run_page

ROOT = Path(__file__).resolve().parent.parent
API = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
SECTIONS = re.findall(r"^::: (\S+)\n    options:\n      members: \[(.*?)\]", API, re.M)


def test_api_page_lists_modules() -> None:
    """The API page documents every public module of the package."""
    documented = {module for module, _ in SECTIONS}
    package = ROOT / "src" / "govmodel"
    modules = {
        "govmodel." + ".".join(p.relative_to(package).with_suffix("").parts)
        for p in package.rglob("*.py")
        if not p.name.startswith("_")
    }
    assert modules <= documented


@pytest.mark.parametrize(("module", "members"), SECTIONS)
def test_api_members_are_all(module: str, members: str) -> None:
    """Each module's member list on the API page is exactly its __all__."""
    listed = [m.strip() for m in members.split(",") if m.strip()]
    assert listed == list(importlib.import_module(module).__all__)


# -- The command line page ------------------------------------------------------

CLI = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")


def _cli_commands() -> dict[str, argparse.ArgumentParser]:
    from govmodel.cli import parser

    action = parser()._subparsers._group_actions[0]  # type: ignore[union-attr]
    assert isinstance(action, argparse._SubParsersAction)
    return dict(action.choices)


def _cli_sections() -> dict[str, str]:
    parts = re.split(r"^## govmodel (\S+)\n", CLI, flags=re.M)
    return dict(zip(parts[1::2], parts[2::2], strict=True))


def _documented_names(section: str) -> set[str]:
    """The options and arguments named in the first column of a section's tables."""
    names: set[str] = set()
    for row in re.findall(r"^\| (`[^|]*`) \|", section, flags=re.M):
        names |= {cell.split()[0] for cell in re.findall(r"`([^`]+)`", row)}
    return names


def _parser_names(command: argparse.ArgumentParser) -> set[str]:
    names: set[str] = set()
    for action in command._actions:
        if isinstance(action, argparse._HelpAction):
            continue
        names |= set(action.option_strings) if action.option_strings else {str(action.metavar)}
    return names


def test_cli_page_has_every_command() -> None:
    """docs/cli.md has a section for each command of the parser, and for no other."""
    assert set(_cli_sections()) == set(_cli_commands())


@pytest.mark.parametrize("name", sorted(_cli_commands()))
def test_cli_page_has_every_option(name: str) -> None:
    """A command's section documents each of its options and arguments, and no other."""
    assert _documented_names(_cli_sections()[name]) == _parser_names(_cli_commands()[name])


# -- Console examples -----------------------------------------------------------


def _console_pages() -> list[Path]:
    return [page for page in PAGES if read_page(page).runs]


@pytest.mark.parametrize("page", _console_pages(), ids=lambda p: p.name)
def test_console_examples(page: Path, request: pytest.FixtureRequest) -> None:
    """Each console example of a page runs, in order, with the output and status shown.

    The examples of a page run one after another in one empty directory holding the files of
    ``tests/data/console``, so a command sees the files the commands before it wrote;
    ``export NAME=VALUE`` sets a variable for the commands after it, as in a shell session.
    ``...`` in an output stands for any text (times, paths), whitespace is compared as
    doctest's NORMALIZE_WHITESPACE does, and ``echo $?`` shows the status of the command
    before it. A command continues on the next line after a trailing backslash.

    A line just above a fenced block, invisible on the site, may mark it::

        <!-- console: not run: WHY -->    the block cannot run here (it installs from the
                                          package index, needs root, runs for half an hour)
        <!-- console: file: NAME -->      (on any block, e.g. ```toml) its text is written to
                                          NAME in the directory before the first command runs
        <!-- console: OPTION; OPTION -->  options of a block that runs:

    ``needs: SERVICE, ...`` names services the test provides. A page's services start before
    its first block and stop after its last, and the page's commands and outputs get the
    service's values in place of the page's own:

    - ``postgres``: the PostgreSQL server of ``GOVMODEL_POSTGRES_DSN`` in place of the DSN
      ``postgresql://govmodel:PASSWORD@db.example.org:5432/govmodel``, the schema ``govmodel``
      emptied before and after (the page is skipped without the variable, and fails in CI);
    - ``dask-cluster``: a Dask scheduler with two one-thread worker processes on 127.0.0.1 in
      place of ``tcp://10.0.0.5:8786``;
    - ``port N``: a free port of 127.0.0.1 in place of ``127.0.0.1:N`` and ``--port N``.

    ``serves``: each command of the block runs until it stops or has printed what the page
    shows under it; one still running then serves the page's later blocks, and is stopped
    with SIGINT (Ctrl-C) after the last.

    ``varies: KIND, ...``: values of these kinds differ from run to run: ``case-id``
    (``case:`` and 32 hex digits), ``date-time`` (ISO 8601) and ``cursor`` (a page cursor of
    the store). In an output such a value matches any value of its shape, the same one each
    time it appears; once found, the page's value stands for the value found in the page's
    later commands and outputs (so the id a report printed is the id read back after it).

    After a change of the model, ``pytest tests/test_docs.py -k console --regen-console``
    writes the outputs found back into the pages (CONTRIBUTING.md).
    """
    run_page(page, regenerate=request.config.getoption("regen_console"))


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_console_markers(page: Path) -> None:
    """A page's console markers are the tests' own, and a block not run says why."""
    for block in read_page(page).blocks:  # raises PageError on a marker it does not know
        assert block.not_run != "", f"{page.name} line {block.line}: say why it is not run"


class TestConsoleRewrite:
    """``--regen-console`` keeps what still matches and writes the rest as found."""

    def test_keeps_matching_lines_and_writes_changed_ones(self) -> None:
        """A line that still matches keeps its '...'; a changed figure is written as found."""
        page = "2 runs in ... s\nxinhe/baseline  2  75.1%\n(mean)\n"
        found = "2 runs in 3.2 s\nxinhe/baseline  2  76.0%\nxinhe/other  2  1.0%\n(mean)\n"
        assert rewrite(page, found, (), {}) == (
            "2 runs in ... s\nxinhe/baseline  2  76.0%\nxinhe/other  2  1.0%\n(mean)\n",
            [],
        )

    def test_a_changed_line_beside_a_gap_is_replaced(self) -> None:
        """A '...' line does not swallow the line that changed next to it."""
        page = "HTTP/1.1 200 OK\nlink: <a>\n...\n"
        found = "HTTP/1.1 200 OK\nlink: <b>\ncontent-type: x\n"
        assert rewrite(page, found, (), {}) == ("HTTP/1.1 200 OK\nlink: <b>\n...\n", [])

    def test_times_are_written_as_ellipsis(self) -> None:
        """A progress bar's times and a sweep's duration are never written as literal text."""
        found = "100%|##| 60/60 [00:21<00:00,  2.81run/s]\n60 runs in 23.1 s; rows written\n"
        assert (
            rewrite("", found, (), {})[0]
            == "100%|##| 60/60 [...]\n60 runs in ... s; rows written\n"
        )

    def test_lost_abbreviations_are_named(self) -> None:
        """A line the page abbreviated that no longer matches is reported by its index."""
        assert rewrite("a\nb ... c\n", "a\nd\n", (), {}) == ("a\nd\n", [1])


class TestConsoleMatches:
    """Outputs compare as doctest's ELLIPSIS and NORMALIZE_WHITESPACE, plus varying values."""

    ID = "case:" + "a" * 32
    OTHER = "case:" + "b" * 32

    def test_ellipsis_and_whitespace(self) -> None:
        assert matches("a ... d\n  e\n", "a b c d e", (), {})
        assert not matches("a ... d", "a d x", (), {})

    def test_a_varying_value_is_learned(self) -> None:
        """The page's id matches any id, the same one each time, and stands for it later."""
        known: dict[str, str] = {}
        assert matches(
            f"[{self.ID}, {self.ID}]", f"[{self.OTHER}, {self.OTHER}]", ("case-id",), known
        )
        assert known == {self.ID: self.OTHER}
        assert not matches(self.ID, "case:" + "c" * 32, ("case-id",), known)

    def test_the_same_value_stands_for_the_same_value(self) -> None:
        assert not matches(f"{self.ID} {self.ID}", f"{self.ID} {self.OTHER}", ("case-id",), {})

    def test_without_varies_a_value_is_literal(self) -> None:
        assert not matches(self.ID, self.OTHER, (), {})

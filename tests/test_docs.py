"""Tests that the documentation keeps step with the code."""

import argparse
import doctest
import importlib
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

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

CONSOLE_FILES = ROOT / "tests" / "data" / "console"
PAGES = [*sorted((ROOT / "docs").glob("*.md")), ROOT / "README.md"]
_BLOCK = re.compile(r"(<!-- console: not run: [^>]*-->\n)?```console\n(.*?)```", re.S)


def _console_blocks(page: Path) -> list[str]:
    """The console blocks of a page that are meant to run (not marked ``not run``)."""
    text = page.read_text(encoding="utf-8")
    return [body for mark, body in _BLOCK.findall(text) if not mark]


def _steps(block: str) -> list[tuple[str, str]]:
    """Each ``$ command`` of a block with the output written under it."""
    steps: list[tuple[str, str]] = []
    for line in block.splitlines():
        if line.startswith("$ "):
            steps.append((line[2:], ""))
        else:
            command, expected = steps[-1]
            steps[-1] = (command, expected + line + "\n")
    return steps


@pytest.mark.parametrize("page", [p for p in PAGES if _console_blocks(p)], ids=lambda p: p.name)
def test_console_examples(page: Path, tmp_path: Path) -> None:
    """Each console example of a page runs, in order, with the output and status shown.

    The examples run in an empty directory holding the files of
    ``tests/data/console``; ``...`` in an output stands for any text, and
    ``echo $?`` shows the status of the command before it. A block that cannot
    run here is marked ``<!-- console: not run: why -->``.
    """
    for name in CONSOLE_FILES.iterdir():
        shutil.copy(name, tmp_path / name.name)
    bin_dir = Path(sys.executable).parent
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}", "COLUMNS": "100"}
    checker = doctest.OutputChecker()
    flags = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
    status = 0
    for block in _console_blocks(page):
        for command, expected in _steps(block):
            if command == "echo $?":
                found = f"{status}\n"
            else:
                result = subprocess.run(
                    ["bash", "-c", command],
                    stdout=subprocess.PIPE,
                    stderr=subprocess.STDOUT,
                    text=True,
                    check=False,
                    cwd=tmp_path,
                    env=env,
                )
                status, found = result.returncode, result.stdout
            assert checker.check_output(expected, found, flags), (command, expected, found)

"""Tests of the ``govmodel`` command as a user runs it: a process, its output, its exit status.

Every command is driven through the installed entry point (``python -m
govmodel.cli``, the same ``main`` as the ``govmodel`` script), every example
of every ``--help`` runs, and each thing users found wrong is pinned here.
"""

import argparse
import json
import os
import shlex
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest

from govmodel import examples
from govmodel.cli import parser

BIN = Path(sys.executable).parent
PATH = f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"
XINHE_AT = ["--place", "compound:wanda", "--category", "noise", "--at", "2025-05-06T09:00"]


def govmodel(
    *argv: str, cwd: Path | None = None, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    """Run ``govmodel ARGV`` in a process, as a user does."""
    return subprocess.run(
        [sys.executable, "-m", "govmodel.cli", *argv],
        capture_output=True,
        text=True,
        check=False,
        cwd=cwd,
        input=stdin,
        env={**os.environ, "PATH": PATH},
    )


def _commands() -> dict[str, argparse.ArgumentParser]:
    action = parser()._subparsers._group_actions[0]  # type: ignore[union-attr]
    assert isinstance(action, argparse._SubParsersAction)
    return dict(action.choices)


COMMANDS = _commands()


def _examples(command: argparse.ArgumentParser) -> list[str]:
    return [
        line.strip()[2:]
        for line in (command.epilog or "").splitlines()
        if line.strip().startswith("$ ")
    ]


class TestHelpExamples:
    @pytest.mark.parametrize("name", sorted(COMMANDS))
    def test_every_command_has_examples(self, name: str) -> None:
        """Each command's --help ends with examples, each a govmodel command line."""
        found = _examples(COMMANDS[name])
        assert any(line.startswith(f"govmodel {name}") for line in found)

    @pytest.mark.parametrize("name", sorted(COMMANDS))
    def test_examples_run(self, name: str, tmp_path: Path) -> None:
        """The examples of a command's --help run, in order, in an empty directory: exit 0."""
        for line in _examples(COMMANDS[name]):
            result = subprocess.run(
                ["bash", "-o", "pipefail", "-c", line],
                capture_output=True,
                text=True,
                check=False,
                cwd=tmp_path,
                env={**os.environ, "PATH": PATH, "MPLBACKEND": "Agg"},
            )
            assert result.returncode == 0, (line, result.stdout[-2000:], result.stderr[-2000:])


class TestExitStatus:
    """0 ok, 1 problems in the input, 2 usage error: for every command, through a process."""

    @pytest.mark.parametrize(
        ("argv", "status"),
        [
            (["--version"], 0),
            (["frobnicate"], 2),
            (["validate", str(examples.path("xinhe"))], 0),
            (["validate", "no-such.toml"], 1),
            (["validate", str(examples.path("xinhe")), "--format", "json"], 2),
            (["describe", "xinhe", "--json"], 0),
            (["describe", "no-such.toml"], 1),
            (["route", "xinhe", *XINHE_AT], 0),
            (["route", "xinhe", *XINHE_AT[:4], "--at", "2025-05-06"], 2),
            (["route", "xinhe", "--place", "compound:nowhere", "--category", "noise"], 1),
            (["route", "xinhe", *XINHE_AT, "--category", "gossip"], 2),
            (["check", "xinhe", "no-such.jsonl"], 1),
            (["check", "xinhe"], 2),
            (["metrics", "no-such.jsonl"], 1),
            (["metrics", "log.jsonl", "--by", "week"], 2),
            (["can", "xinhe", "log.jsonl", "pm:cxh", "dance", "case:0"], 2),
            (["can", "xinhe", "no-such.jsonl", "pm:cxh", "view", "case:0"], 1),
            (["simulate", "xinhe", "--days", "0"], 2),
            (["simulate", "no-such.toml", "--days", "3"], 1),
            (["sweep", "no-such.toml"], 1),
            (["sweep", "x.toml", "--workers", "2", "--scheduler", "tcp://h:1"], 2),
            (["render", "xinhe", "--focus", "compound:nowhere"], 1),
            (["render", "xinhe", "--format", "gif"], 2),
            (["export", "xinhe", "--to", "node-link"], 0),
            (["export", "xinhe", "--to", "popolo", "--events", "log.jsonl"], 2),
            (["import", "open311", "no-such.json"], 1),
            (["import", "popolo", "x.json", "--spec", "xinhe"], 2),
            (["synth", "district", "-o", "x.txt"], 2),
            (["synth", "town"], 2),
            (["demo", "--seed", "-1"], 2),
        ],
    )
    def test_status(self, argv: list[str], status: int, tmp_path: Path) -> None:
        """The command exits with the documented status."""
        result = govmodel(*argv, cwd=tmp_path)
        assert result.returncode == status, result.stdout + result.stderr

    def test_version_from_the_package_metadata(self) -> None:
        """govmodel --version prints the installed distribution's version."""
        result = govmodel("--version")
        assert result.stdout == f"govmodel {metadata.version('govmodel')}\n"


class TestWhatUsersFound:
    """Each thing users found wrong with the command line, as it behaves now."""

    def test_missing_jobs_exist(self) -> None:
        """metrics, check, can and --version are commands now."""
        assert {"metrics", "check", "can"} <= set(COMMANDS)
        assert govmodel("--version").returncode == 0

    def test_describe_json(self) -> None:
        """describe --json prints the summary as data."""
        data = json.loads(govmodel("describe", "zhuanqiao", "--json").stdout)
        assert data["name_zh"] == "砖桥居民区"
        assert "micro" in data["grids"]

    def test_validate_reads_standard_input(self) -> None:
        """validate - reads a spec on standard input (TOML unless --format says otherwise)."""
        text = examples.path("xinhe").read_text(encoding="utf-8")
        result = govmodel("validate", "-", stdin=text)
        assert (result.returncode, result.stdout) == (
            0,
            "<stdin>: valid (0 errors, 0 warnings)\n",
        )
        broken = govmodel("validate", "-", "--format", "json", "--json", stdin='{"places": 1}')
        assert broken.returncode == 1
        assert json.loads(broken.stdout)["path"] == "<stdin>"

    def test_route_at_bare_date_is_refused(self) -> None:
        """route --at 2025-05-06 is refused with the rule, not read as midnight."""
        result = govmodel("route", "xinhe", *XINHE_AT[:4], "--at", "2025-05-06")
        assert result.returncode == 2
        assert "write 2025-05-06T00:00 for the start of that day" in result.stdout

    def test_empty_domains_refused(self) -> None:
        """--domains "" is refused, not ignored."""
        result = govmodel("route", "xinhe", *XINHE_AT, "--domains", "")
        assert result.returncode == 2
        assert "--domains: expected one or more of" in result.stdout

    def test_receiver_person_refused(self) -> None:
        """A person as --receiver is refused, and the message names the posts to use."""
        result = govmodel("route", "xinhe", *XINHE_AT, "--receiver", "person:steward-1")
        assert result.returncode == 1
        assert result.stdout == (
            'govmodel: error: --receiver: "person:steward-1" is a person; expected a post or '
            "body (the posts this person holds: post:cxh-steward, post:grid-wanda-a-worker)\n"
        )

    @pytest.mark.parametrize(
        ("argv", "message"),
        [
            (["--to", "popolo", "--events", "log.jsonl"], "--events: only with --to open311"),
            (["--to", "open311", "--for-actor", "pm:cxh"], "--for-actor: only with --to open311"),
            (["--to", "graphml", "--policy", "p.toml"], "--policy: only with --to open311"),
            (["--to", "open311", "--now", "2025-01-01T00:00"], "--now: only with --to open311"),
            (
                ["--to", "popolo", "--for-actor", "rc:xinhe"],
                "--for-actor: with --to popolo, only with --include-personal",
            ),
            (["--to", "graphml", "--back-office"], "--back-office: only with --include-personal"),
            (
                [
                    "--to",
                    "popolo",
                    "--include-personal",
                    "--back-office",
                    "--at",
                    "2025-01-01T00:00",
                ],
                "--at: only with --for-actor",
            ),
            (["--to", "node-link", "--include-personal"], "--include-personal: name who reads"),
        ],
    )
    def test_export_refuses_meaningless_flags(self, argv: list[str], message: str) -> None:
        """export refuses a flag that would be ignored: exit 2."""
        result = govmodel("export", "xinhe", *argv)
        assert result.returncode == 2
        assert result.stdout.startswith(f"govmodel: error: {message}")

    @pytest.mark.parametrize(
        "command", [["export", "xinhe", "--to", "popolo"], ["render", "xinhe"]]
    )
    def test_one_reader(self, command: list[str]) -> None:
        """--for-actor and --back-office name the reader: never both (argparse's exit 2)."""
        result = govmodel(
            *command, "--include-personal", "--for-actor", "rc:xinhe", "--back-office"
        )
        assert result.returncode == 2
        assert "argument --back-office: not allowed with argument --for-actor" in result.stderr

    @pytest.mark.parametrize("name", sorted(COMMANDS))
    def test_one_output_flag(self, name: str) -> None:
        """Wherever a command writes a file, its flag is -o/--output; --out is no option."""
        strings = {s for a in COMMANDS[name]._actions for s in a.option_strings}
        assert "--out" not in strings
        if "-o" in strings or "--output" in strings:
            assert {"-o", "--output"} <= strings

    def test_out_is_not_guessed(self, tmp_path: Path) -> None:
        """--out is refused (no abbreviations), so no flag is silently taken for another."""
        result = govmodel("synth", "district", "--out", str(tmp_path / "d.toml"))
        assert result.returncode == 2

    def test_unknown_preset_and_bad_category_agree(self) -> None:
        """An unknown preset exits 2, as a bad --category does."""
        assert govmodel("synth", "town").returncode == 2
        assert govmodel("route", "xinhe", *XINHE_AT, "--category", "gossip").returncode == 2

    def test_route_json_keeps_the_whole_case(self) -> None:
        """route --json's case holds the receiver, domains, channel and id given."""
        result = govmodel(
            "route",
            "xinhe",
            *XINHE_AT,
            "--receiver",
            "rc:xinhe",
            "--domains",
            "legal",
            "--channel",
            "wechat",
            "--id",
            "case:7",
            "--json",
        )
        case = json.loads(result.stdout)["case"]
        assert (case["id"], case["receiver"], case["domains"], case["channel"]) == (
            "case:7",
            "rc:xinhe",
            ["legal"],
            "wechat",
        )

    def test_route_policy(self, tmp_path: Path) -> None:
        """route --policy reads a policy file: a longer routine limit moves the due time."""
        policy = tmp_path / "policy.toml"
        policy.write_text("[time_limits_hours.compound]\nroutine = 240\n", encoding="utf-8")
        argv = ["route", "xinhe", "--place", "building:wanda-1", "--category", "repair"]
        argv += ["--scope", "building", "--at", "2025-05-06T09:00", "--json"]
        plain = json.loads(govmodel(*argv).stdout)["routing"]
        slow = json.loads(govmodel(*argv, "--policy", str(policy)).stdout)["routing"]
        assert plain["tier"] == slow["tier"] == "compound"
        assert slow["due"] == "2025-05-16T09:00:00" != plain["due"]

    def test_bad_policy_file(self, tmp_path: Path) -> None:
        """A policy file with problems lists them and exits 1."""
        policy = tmp_path / "policy.toml"
        policy.write_text("colour = 1\n", encoding="utf-8")
        result = govmodel("route", "xinhe", *XINHE_AT, "--policy", str(policy))
        assert result.returncode == 1
        assert "colour" in result.stdout


def test_examples_are_shell_lines() -> None:
    """Each example is one shell line that shlex can split (no stray quotes)."""
    for command in COMMANDS.values():
        for line in _examples(command):
            assert shlex.split(line)


def _naive_log(tmp_path: Path) -> Path:
    """A log of Xinhe, times without a UTC offset, from ``simulate``."""
    log = tmp_path / "log.jsonl"
    result = govmodel("simulate", "xinhe", "--days", "30", "--seed", "1", "-o", str(log))
    assert result.returncode == 0, result.stdout + result.stderr
    return log


def _clean(result: subprocess.CompletedProcess[str], status: int) -> str:
    """The command exited with ``status``, one error line at most, and no traceback."""
    assert result.returncode == status, result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    return result.stdout + result.stderr


class TestTrial16:
    """What a newcomer's sixteenth trial of the command line found."""

    @pytest.mark.parametrize(
        "argv",
        [
            ["can", "xinhe", "LOG", "pm:cxh", "view", "case:3", "--at", "2025-01-08T20:00+08:00"],
            [
                "export",
                "xinhe",
                "--to",
                "open311",
                "--events",
                "LOG",
                "--now",
                "2025-01-10T00:00+08:00",
            ],
            ["metrics", "LOG", "--now", "2025-01-10T00:00+08:00"],
        ],
    )
    def test_offset_against_a_naive_log(self, argv: list[str], tmp_path: Path) -> None:
        """An --at/--now with an offset against a log of local times is read as local time.

        The same moment without its offset gives the same answer.
        """
        log = str(_naive_log(tmp_path))
        aware = _clean(govmodel(*[log if a == "LOG" else a for a in argv]), 0)
        local = [log if a == "LOG" else a.removesuffix("+08:00") for a in argv]
        assert aware == _clean(govmodel(*local), 0)

    @pytest.mark.parametrize(
        ("argv", "message"),
        [
            (
                ["sweep", "study.toml", "--scheduler", "notanaddress"],
                "--scheduler: expected a Dask scheduler address like tcp://10.0.0.5:8786, "
                "found 'notanaddress'",
            ),
            (
                ["sweep", "study.toml", "-o", "rows.xml"],
                "-o: expected a file ending in .jsonl or .csv for the rows, found 'rows.xml'",
            ),
            (
                ["render", "xinhe", "-o", "chart.png"],
                "-o: expected a file ending in .mmd, .mermaid or .md for --format mermaid, "
                "found 'chart.png'",
            ),
            (
                ["export", "xinhe", "--to", "graphml", "-o", "x.png"],
                "-o: expected a file ending in .graphml or .xml for --to graphml, found 'x.png'",
            ),
            (
                ["import", "open311", "requests.json", "-o", "r.txt"],
                "-o: expected a file ending in .jsonl for the event log, found 'r.txt'",
            ),
            (
                ["synth", "district", "-o", "d.xml"],
                "-o: expected a file ending in .toml, .json, .yaml or .yml, found 'd.xml'",
            ),
            (
                ["route", "xinhe", *XINHE_AT, "--domains", "legal,bogus"],
                "--domains: unknown domain 'bogus'; expected one of ",
            ),
        ],
    )
    def test_usage_errors_in_one_line(self, argv: list[str], message: str, tmp_path: Path) -> None:
        """A malformed scheduler address, a wrong -o ending, an unknown domain: one line, exit 2."""
        text = _clean(govmodel(*argv, cwd=tmp_path), 2)
        assert text.startswith(f"govmodel: error: {message}")
        assert text.count("\n") == 1

    def test_demo_json_is_only_json(self, tmp_path: Path) -> None:
        """demo --json prints one JSON object: numbers, rates as fractions, snake_case keys."""
        result = govmodel("demo", "--json", "--png", str(tmp_path / "d.png"))
        data = json.loads(_clean(result, 0))
        figures, article = data["figures"], data["article"]
        counted = data["as_the_article_counts"]
        assert isinstance(figures["cases"], int)
        assert isinstance(counted["requests"], int)
        assert sorted(counted) == sorted(article)
        assert all(v is None or 0 <= v <= 1 for k, v in figures.items() if k.endswith("_rate"))
        assert article["resolution_rate"] == 0.98
        assert all(k.isidentifier() and k.islower() for k in [*figures, *article])

    def test_wrong_format_on_standard_input(self) -> None:
        """A spec read in the wrong --format: a short excerpt of it, and a hint to --format."""
        spec = govmodel("synth", "district").stdout
        result = govmodel("validate", "-", "--format", "yaml", stdin=spec)
        out = _clean(result, 1)
        assert len(out) < 400
        assert "…" in out
        assert "give --format toml or json" in out

    def test_for_actor_unknown(self, tmp_path: Path) -> None:
        """export --for-actor names an actor the spec lacks: prefixed as route --receiver is."""
        log = str(_naive_log(tmp_path))
        argv = ["export", "xinhe", "--to", "open311", "--events", log, "--for-actor", "pm:nobody"]
        text = _clean(govmodel(*argv), 1)
        assert text == (
            'govmodel: error: --for-actor: no body, post or person "pm:nobody" '
            "in 'Xinhe community'\n"
        )

    @pytest.mark.parametrize("argv", [["validate", "nosuch"], ["describe", "nosuch"]])
    def test_unknown_example_name(self, argv: list[str], tmp_path: Path) -> None:
        """A name with no spec ending that is neither a file nor an example: the examples listed."""
        text = _clean(govmodel(*argv, cwd=tmp_path), 1)
        assert "no file or bundled example named 'nosuch' (examples: shagangwan," in text

    def test_sweep_unknown_example_name(self, tmp_path: Path) -> None:
        """A sweep file's structures name an example that does not exist: the examples listed."""
        (tmp_path / "study.toml").write_text('structures = ["nosuch"]\n', encoding="utf-8")
        text = _clean(govmodel("sweep", "study.toml", cwd=tmp_path), 1)
        assert "no file or bundled example named 'nosuch' (examples: " in text

    @pytest.mark.parametrize(
        "argv",
        [
            ["describe", "-"],
            ["route", "-", "--place", "compound:wanda", "--category", "noise"],
            ["render", "-"],
            ["export", "-", "--to", "popolo"],
            ["simulate", "-", "--days", "3"],
        ],
    )
    def test_spec_from_standard_input_only_for_validate(self, argv: list[str]) -> None:
        """A SPEC of - outside validate: one line saying only validate reads it, exit 2."""
        text = _clean(govmodel(*argv, stdin=""), 2)
        assert text == (
            "govmodel: error: SPEC: standard input (-) is read only by govmodel validate; "
            "give a spec file or a bundled example's name\n"
        )

    def test_export_events_from_standard_input(self, tmp_path: Path) -> None:
        """export --events - reads the log from standard input, as every LOG does."""
        log = _naive_log(tmp_path).read_text(encoding="utf-8")
        result = govmodel("export", "xinhe", "--to", "open311", "--events", "-", stdin=log)
        assert json.loads(_clean(result, 0))

    def test_demo_picture_not_written(self) -> None:
        """demo --png into a folder that does not exist: one line, exit 1, as the page says."""
        _clean(govmodel("demo", "--png", "/nonexistent/x.png"), 1)

    def test_missing_argument_as_documented(self) -> None:
        """A missing argument: argparse's usage, then one error line, exit 2, as the page says."""
        text = _clean(govmodel("can", "xinhe"), 2)
        assert text.startswith("usage: govmodel can")
        assert text.splitlines()[-1].startswith("govmodel can: error: ")
        assert "command's usage, which may take several lines, comes first" in _page()

    @pytest.mark.parametrize(
        "said",
        [
            "1 when the picture cannot be written",
            "The answer is about permission only",
            "reopen reasons are left out without it",
            "Only `validate` reads a spec from standard input",
            "a time without an offset is a local time of the policy's zone",
        ],
    )
    def test_the_page_says(self, said: str) -> None:
        """docs/cli.md states what the trial found unsaid: exits, can's scope, what export drops."""
        assert said in _page()


def _page() -> str:
    """docs/cli.md with its lines joined, so a phrase can be found across a line break."""
    text = (Path(__file__).parent.parent / "docs" / "cli.md").read_text(encoding="utf-8")
    return " ".join(text.split())


def test_unreachable_scheduler(tmp_path: Path) -> None:
    """A well-formed scheduler address nobody answers at: one line saying so, exit 1."""
    pytest.importorskip("distributed")
    (tmp_path / "study.toml").write_text('structures = ["xinhe"]\n', encoding="utf-8")
    result = govmodel("sweep", "study.toml", "--scheduler", "tcp://127.0.0.1:1", cwd=tmp_path)
    assert "--scheduler: cannot reach the Dask scheduler at tcp://127.0.0.1:1" in _clean(result, 1)


def test_check_quotes_a_short_excerpt(tmp_path: Path) -> None:
    """check names a long unknown place by its first 60 characters, not whole."""
    # The first line is the log's provenance header; the first event follows it.
    event = json.loads(_naive_log(tmp_path).read_text(encoding="utf-8").splitlines()[1])
    event["case"]["place"] = "x" * 500
    log = tmp_path / "long.jsonl"
    log.write_text(json.dumps(event) + "\n", encoding="utf-8")
    text = _clean(govmodel("check", "xinhe", str(log)), 1)
    assert f'the case\'s place "{"x" * 60}…"' in text
    assert "x" * 61 not in text

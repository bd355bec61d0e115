"""What every command family of ``govmodel`` shares.

How a command reports an error (``fail``, ``UsageError``), how it reads its
``SPEC``, ``LOG``, ``--policy`` and ``--at``/``--now`` arguments
(``structure_from``, ``read_log``, ``policy_from``, ``moment``), how it adds
a sub-parser with its examples (``add_command``), the checks of options that
several commands take (``option_problem``), and the shape of a command handler
(``Handler``). The command families import these from here, never from the
package ``govmodel.cli``: that imports the families, and must not be imported
back.

The exit status of every command
    ``0`` when the job is done and the input holds no problem; ``1`` when the
    input has problems (a spec or log that is not valid, an id it does not
    hold, a file that cannot be read or written); ``2`` for a usage error:
    what was typed is wrong whatever the files say (an unknown option or
    choice, a malformed value, a combination of options that means nothing).

Dates and times
    Every ``--at`` and ``--now`` takes a date and a time,
    ``YYYY-MM-DDTHH:MM`` (a space for the ``T``, seconds and a UTC offset
    are allowed). A bare date is refused: it would silently mean midnight.

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
import datetime as dt
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol, TextIO, TypeAlias

from govmodel import examples
from govmodel.cases import _YEARS, CaseEvent, loads_events
from govmodel.errors import GovModelError
from govmodel.rules.policy import DEFAULT_POLICY, Policy, load_policy
from govmodel.spec import load
from govmodel.structure import Structure

__all__ = [
    "PROBLEMS",
    "SPEC_SUFFIXES",
    "USAGE",
    "Commands",
    "Handler",
    "HelpFormatter",
    "UsageError",
    "add_command",
    "brief",
    "events_until",
    "excerpt",
    "fail",
    "last_moment",
    "moment",
    "moment_for_log",
    "option_problem",
    "output_suffix",
    "policy_from",
    "read_log",
    "refuse",
    "save_figure",
    "structure_from",
    "unknown_spec",
]

PROBLEMS = 1
"""The exit status when the input has problems."""

USAGE = 2
"""The exit status of a usage error, as argparse gives for its own."""

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


class UsageError(GovModelError, ValueError):
    """What was typed means nothing, whatever the files say: exit status 2.

    Examples
    --------
    >>> raise UsageError("--events: only with --to open311")
    Traceback (most recent call last):
    ...
    govmodel.cli._common.UsageError: --events: only with --to open311
    """


def add_command(
    commands: Commands,
    name: str,
    *,
    help: str,
    description: str,
    examples: Sequence[str],
) -> argparse.ArgumentParser:
    """Add the sub-parser of a command, with its examples as the epilog of ``--help``.

    Each example is one shell line without the prompt; a line starting with
    ``#`` is a comment. The examples are run by the test suite, in order, in
    an empty directory, so each command's list makes the files it reads.

    Examples
    --------
    >>> parser = argparse.ArgumentParser(prog="govmodel")
    >>> commands = parser.add_subparsers()
    >>> sub = add_command(commands, "hello", help="greet", description="Greet.",
    ...                   examples=["govmodel hello"])
    >>> print(sub.epilog)
    examples:
      $ govmodel hello
    """
    # Abbreviated options are refused (allow_abbrev=False): an option the
    # command does not have, such as --out, is an error, not a guess.
    lines = ["examples:"]
    lines += [f"  {line}" if line.startswith("#") else f"  $ {line}" for line in examples]
    return commands.add_parser(
        name,
        help=help,
        description=description,
        epilog="\n".join(lines),
        formatter_class=HelpFormatter,
        allow_abbrev=False,
    )


class HelpFormatter(argparse.HelpFormatter):
    """Wraps one-paragraph text (a description) but keeps text of several lines as written.

    So a command's description is filled to the terminal, and its examples
    (the epilog) keep one command a line.
    """

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        if "\n" in text:
            return "".join(indent + line for line in text.splitlines(keepends=True))
        return super()._fill_text(text, width, indent)


def refuse(message: str) -> UsageError:
    """The usage error for options that mean nothing together (raise it).

    Examples
    --------
    >>> refuse("--for-actor: only with --events")
    UsageError('--for-actor: only with --events')
    """
    return UsageError(message)


_MOMENT = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def moment(text: str, flag: str) -> dt.datetime:
    """The date-time of an ``--at`` or ``--now`` option.

    A date and a time, ``YYYY-MM-DDTHH:MM`` (a space for the ``T``; seconds
    and a UTC offset allowed). A bare date is refused rather than read as
    midnight.

    Raises
    ------
    UsageError
        For anything else, saying what was expected.

    Examples
    --------
    >>> moment("2025-05-06T09:00", "--at")
    datetime.datetime(2025, 5, 6, 9, 0)
    >>> moment("2025-05-06 09:00+08:00", "--now").utcoffset()
    datetime.timedelta(seconds=28800)
    >>> moment("2025-05-06", "--at")
    Traceback (most recent call last):
    ...
    govmodel.cli._common.UsageError: --at: expected a date and a time like 2025-05-06T09:00, \
found the date '2025-05-06' alone; write 2025-05-06T00:00 for the start of that day
    """
    if _DAY.fullmatch(text):
        raise UsageError(
            f"{flag}: expected a date and a time like 2025-05-06T09:00, found the date "
            f"{text!r} alone; write {text}T00:00 for the start of that day"
        )
    try:
        if not _MOMENT.match(text):
            raise ValueError(text)
        when = dt.datetime.fromisoformat(text)
    except ValueError:
        raise UsageError(
            f"{flag}: expected a date and a time like 2025-05-06T09:00, found {text!r}"
        ) from None
    first, last = _YEARS
    if not first <= when.year <= last:
        raise UsageError(
            f"{flag}: expected a time in the years {first}–{last}, found the year {when.year}"
        )
    return when


def moment_for_log(
    when: dt.datetime,
    events: Sequence[CaseEvent],
    flag: str,
    *,
    policy: Policy = DEFAULT_POLICY,
) -> dt.datetime:
    """``when`` in the kind of time the log ``events`` is written in.

    A log of naive times (local times of the policy's zone) gets a naive
    ``when``: an aware one is converted to local time. A log with a UTC offset
    anywhere, even one that mixes both kinds, gets an aware ``when``: a naive
    one is read as a local time of the policy's zone, as the rules read the
    log's naive times.

    Examples
    --------
    >>> moment_for_log(dt.datetime(2025, 1, 8, 20), (), "--at")
    datetime.datetime(2025, 1, 8, 20, 0)
    >>> utc = dt.datetime(2025, 1, 8, 12, tzinfo=dt.timezone.utc)
    >>> moment_for_log(utc, (), "--at")  # 20:00 in Shanghai
    datetime.datetime(2025, 1, 8, 20, 0)
    """
    naive_log = all(e.at.tzinfo is None for e in events)
    if naive_log:
        if when.tzinfo is None:
            return when
        return when.astimezone(policy.time_zone).replace(tzinfo=None)
    return policy.aware(when)


def events_until(
    events: Sequence[CaseEvent], until: dt.datetime, policy: Policy
) -> list[CaseEvent]:
    """The events at or before ``until``; naive and aware times compare as the rules compare them.

    Examples
    --------
    >>> events_until((), dt.datetime(2025, 1, 8, 20), DEFAULT_POLICY)
    []
    """
    limit = policy.aware(until)
    return [e for e in events if policy.aware(e.at) <= limit]


def last_moment(events: Sequence[CaseEvent], policy: Policy) -> dt.datetime:
    """The time of the log's latest event, aware when any of its times is.

    Examples
    --------
    >>> from govmodel import Accepted
    >>> log = [Accepted(case_id="c", at=dt.datetime(2025, 1, 8, 20), actor="rc:x"),
    ...        Accepted(case_id="d", at=dt.datetime(2025, 1, 8, 13, tzinfo=dt.timezone.utc),
    ...                 actor="rc:x")]
    >>> last_moment(log, DEFAULT_POLICY).isoformat()
    '2025-01-08T13:00:00+00:00'
    """
    latest = max(events, key=lambda e: policy.aware(e.at)).at
    return moment_for_log(latest, events, "--now", policy=policy)


def read_log(path: str) -> tuple[CaseEvent, ...]:
    """The events of a JSON Lines log file; ``-`` reads standard input.

    Raises
    ------
    GovModelError
        For a line that is not an event, with its line number.
    OSError
        When the file cannot be read.

    Examples
    --------
    >>> read_log("no-such-log.jsonl")
    Traceback (most recent call last):
    ...
    FileNotFoundError: [Errno 2] No such file or directory: 'no-such-log.jsonl'
    """
    text = sys.stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8")
    return loads_events(text)


def policy_from(path: str | None) -> Policy:
    """The policy of a ``--policy`` file (``govmodel.load_policy``), else the default.

    Examples
    --------
    >>> policy_from(None) is DEFAULT_POLICY
    True
    """
    return DEFAULT_POLICY if path is None else load_policy(path)


EXCERPT_CHARS = 60
"""The most characters of a found value that a message quotes."""


def excerpt(value: str, *, limit: int = EXCERPT_CHARS) -> str:
    """``value`` quoted for a message, cut to ``limit`` characters with "…".

    A message says what was found, but never echoes a whole file.

    Examples
    --------
    >>> excerpt("nosuch")
    "'nosuch'"
    >>> excerpt("x" * 100, limit=5)
    "'xxxxx…'"
    """
    return repr(value if len(value) <= limit else value[:limit] + "…")


# A double-quoted value (as ``show`` names a string), on one line. Every one
# is matched in turn, short ones too, so the quotes stay paired; single
# quotes are left alone, as an apostrophe would unpair them.
_QUOTED = re.compile(r'"(?:[^"\\\n]|\\.)*"')


def brief(message: str) -> str:
    """``message`` with each double-quoted value longer than 60 characters cut short with "…".

    What a spec or log holds is named in messages, so a whole file read as
    one string would otherwise be echoed back.

    Examples
    --------
    >>> brief('found the string "' + "x" * 100 + '" here')
    'found the string "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx…" here'
    >>> brief('expected one of "repair", "noise", found "x"')
    'expected one of "repair", "noise", found "x"'
    """

    def cut(match: re.Match[str]) -> str:
        inner = match.group(0)[1:-1]
        return match.group(0) if len(inner) <= EXCERPT_CHARS else f'"{inner[:EXCERPT_CHARS]}…"'

    return _QUOTED.sub(cut, message)


def fail(message: str, out: TextIO, *, status: int = PROBLEMS) -> int:
    """Print one error line for the command and return ``status`` (1: problems in the input).

    Examples
    --------
    >>> import sys
    >>> fail("oops", sys.stdout)
    govmodel: error: oops
    1
    """
    print(f"govmodel: error: {brief(message)}", file=out)
    return status


def structure_from(spec: str) -> Structure:
    """A bundled example by name, or the structure of a spec file.

    Raises
    ------
    UsageError
        For ``-``: only ``validate`` reads a spec from standard input.
    GovModelError
        For a name that is neither a file nor a bundled example, or a spec
        with problems.

    Examples
    --------
    >>> structure_from("xinhe").name
    'Xinhe community'
    """
    if spec == "-":
        # Only validate reads a spec from standard input: it alone has a
        # --format to say how to read it (render's --format is its output).
        raise UsageError(
            "SPEC: standard input (-) is read only by govmodel validate; "
            "give a spec file or a bundled example's name"
        )
    if spec in examples.names() and not Path(spec).exists():
        return examples.load(spec)
    problem = unknown_spec(spec)
    if problem is not None:
        raise GovModelError(problem)
    return load(spec)


def unknown_spec(spec: str) -> str | None:
    """What to say when ``spec`` is neither a file nor an example's name, if so.

    A name without a spec file's ending that is not there was most likely
    meant as a bundled example's name, so the message lists them, rather than
    asking for a ``.toml`` file.

    Examples
    --------
    >>> unknown_spec("nosuch")
    "no file or bundled example named 'nosuch' (examples: shagangwan, chengxi, xinhe, \
zhuanqiao, lianhua)"
    >>> unknown_spec("xinhe") is None
    True
    """
    path = Path(spec)
    if spec in examples.names() or path.suffix.lower() in SPEC_SUFFIXES or path.exists():
        return None
    return (
        f"no file or bundled example named {excerpt(path.name)} "
        f"(examples: {', '.join(examples.names())})"
    )


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


def output_suffix(output: str | None, suffixes: Sequence[str], *, what: str = "") -> None:
    """Refuse an ``-o`` file whose ending does not match what the command writes.

    A usage error (exit status 2), the same for every command that writes a
    file: ``synth -o d.xml`` and ``render --format mermaid -o chart.png`` alike.

    Examples
    --------
    >>> output_suffix("d.toml", SPEC_SUFFIXES)
    >>> output_suffix("chart.png", (".mmd", ".md"), what="a Mermaid chart")
    Traceback (most recent call last):
    ...
    govmodel.cli._common.UsageError: -o: expected a file ending in .mmd or .md for a Mermaid \
chart, found 'chart.png'
    """
    if output is None or Path(output).suffix.lower() in suffixes:
        return
    endings = ", ".join(suffixes[:-1]) + " or " + suffixes[-1] if len(suffixes) > 1 else suffixes[0]
    purpose = f" for {what}" if what else ""
    raise UsageError(f"-o: expected a file ending in {endings}{purpose}, found {excerpt(output)}")


def save_figure(figure: Any, path: str, out: TextIO) -> None:
    """Save a matplotlib figure as a PNG and say where."""
    figure.savefig(path, dpi=120)
    print(f"picture written to {path}", file=out)

"""The console examples of the documentation: read them, run them, compare or rewrite them.

``tests/test_docs.py`` describes the format of a page's examples and their markers; this
module reads a page into its blocks, runs them in order in one directory with the services
they need, and compares each output with the page's, or, to regenerate the page after the
model changed, writes what was found back into it.
"""

from __future__ import annotations

import difflib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from functools import cache
from pathlib import Path

import attrs
import pytest

ROOT = Path(__file__).resolve().parent.parent
CONSOLE_FILES = ROOT / "tests" / "data" / "console"
PAGES = (*sorted((ROOT / "docs").glob("*.md")), ROOT / "README.md")
REGENERATE = ".venv/bin/pytest tests/test_docs.py -k console --regen-console"

# The values the pages show in place of the ones a service gives the test.
PAGE_DSN = "postgresql://govmodel:PASSWORD@db.example.org:5432/govmodel"
PAGE_SCHEDULER = "tcp://10.0.0.5:8786"
# The schema the civic-app page's store uses (the default of `govmodel serve`).
PAGE_SCHEMA = "govmodel"

# How long a command may take; the slowest, the tutorial's sweep, takes 10 to 30 seconds.
TIMEOUT = 300

# Values that differ from run to run, for a block marked ``varies: KIND, ...``.
VARYING = {
    "case-id": r"case:[0-9a-f]{32}",
    "cursor": r"r\d+%3Acase%3A[0-9a-f]{32}",
    "date-time": r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:[+-]\d\d:\d\d)?",
}

# Times a rewritten output shows as "...": a progress bar's, and how long a sweep took.
_TIMES = (
    (re.compile(r"\[\d+:\d\d<[^\]]*\]"), "[...]"),
    (re.compile(r"\bin \d+(?:\.\d+)? s\b"), "in ... s"),
)

_FENCE = re.compile(
    r"(?:^<!-- console: (?P<mark>[^\n]*?) -->\n)?^```(?P<lang>\S*)\n(?P<body>.*?)^```$",
    re.M | re.S,
)
_EXPORT = re.compile(r"export (\w+)=(.*)", re.S)


class PageError(ValueError):
    """A console block or marker the tests cannot read."""


@attrs.frozen(kw_only=True)
class Step:
    """One ``$ command`` of a block and the output the page shows under it."""

    source: str  # the command's lines as written, "$ " and continuation lines included
    expected: str
    line: int  # the line of the page the command starts on

    @property
    def command(self) -> str:
        """The command as bash runs it (continued lines kept: bash joins them)."""
        return self.source[2:]


@attrs.frozen(kw_only=True)
class Block:
    """A console block of a page and its marker."""

    start: int  # offset of the body in the page
    end: int
    line: int
    steps: tuple[Step, ...]
    not_run: str | None = None
    needs: tuple[str, ...] = ()
    varies: tuple[str, ...] = ()
    serves: bool = False


@attrs.frozen(kw_only=True)
class Page:
    """A page's console blocks, and the files its other blocks give them."""

    path: Path
    text: str
    blocks: tuple[Block, ...]
    files: tuple[tuple[str, str], ...]

    @property
    def name(self) -> str:
        return str(self.path.relative_to(ROOT))

    @property
    def runs(self) -> tuple[Block, ...]:
        """The blocks that run (not marked ``not run``)."""
        return tuple(b for b in self.blocks if b.not_run is None)

    @property
    def needs(self) -> tuple[str, ...]:
        """The services of the page, in the order its blocks first name them."""
        return tuple(dict.fromkeys(n for b in self.runs for n in b.needs))


def _steps(body: str, first_line: int, page: str) -> tuple[Step, ...]:
    steps: list[list[str | int]] = []  # source, expected, line
    continued = False
    for number, line in enumerate(body.splitlines(keepends=True), start=first_line):
        if continued:
            steps[-1][0] = f"{steps[-1][0]}{line}"
        elif line.startswith("$ "):
            steps.append([line, "", number])
        elif steps:
            steps[-1][1] = f"{steps[-1][1]}{line}"
        else:
            raise PageError(f"{page} line {number}: expected a '$ command', found {line!r}")
        continued = line.rstrip("\n").endswith("\\") and not steps[-1][1]
    return tuple(
        Step(source=str(source), expected=str(expected), line=int(line))
        for source, expected, line in steps
    )


def _marker(mark: str, where: str) -> dict[str, str]:
    options: dict[str, str] = {}
    if mark.startswith("not run:"):  # the reason may hold any text
        return {"not run": mark.partition(":")[2].strip()}
    for option in mark.split(";"):
        key, _, value = (part.strip() for part in option.partition(":"))
        if key not in {"file", "needs", "varies", "serves"}:
            raise PageError(f"{where}: no console marker option {key!r}")
        options[key] = value
    return options


def read_page(path: Path) -> Page:
    """The console blocks and files of a page, its markers checked."""
    text = path.read_text(encoding="utf-8")
    blocks: list[Block] = []
    files: list[tuple[str, str]] = []
    for fence in _FENCE.finditer(text):
        line = text.count("\n", 0, fence.start("lang")) + 1
        where = f"{path.name} line {line}"
        options = _marker(fence["mark"], where) if fence["mark"] is not None else {}
        if "file" in options:
            if set(options) != {"file"} or not options["file"]:
                raise PageError(f"{where}: a 'file: NAME' block takes no other option")
            files.append((options["file"], fence["body"]))
            continue
        if fence["lang"] != "console":
            if options:
                raise PageError(f"{where}: console markers belong on console blocks")
            continue
        needs = tuple(n.strip() for n in options.get("needs", "").split(",") if n.strip())
        varies = tuple(v.strip() for v in options.get("varies", "").split(",") if v.strip())
        for name in needs:
            if name not in SERVICES and not re.fullmatch(r"port \d+", name):
                raise PageError(f"{where}: no service {name!r} (known: {', '.join(SERVICES)})")
        for kind in varies:
            if kind not in VARYING:
                raise PageError(f"{where}: no varying kind {kind!r} (known: {', '.join(VARYING)})")
        blocks.append(
            Block(
                start=fence.start("body"),
                end=fence.end("body"),
                line=line,
                steps=() if "not run" in options else _steps(fence["body"], line + 1, path.name),
                not_run=options.get("not run"),
                needs=needs,
                varies=varies,
                serves="serves" in options,
            )
        )
    return Page(path=path, text=text, blocks=tuple(blocks), files=tuple(files))


# -- comparing an output with the page's -------------------------------------------------


def _as_shown(text: str) -> str:
    """Output as a terminal shows it: a carriage return starts its line again (progress bars)."""
    lines = text.replace("\r\n", "\n").split("\n")
    return "\n".join(line.rpartition("\r")[2] for line in lines)


def _normal(text: str) -> str:
    """Whitespace as doctest's NORMALIZE_WHITESPACE compares it."""
    return " ".join(text.split())


@cache
def _tokens(kinds: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile("|".join([r"\.\.\.", *(VARYING[k] for k in kinds)]))


def _compile(
    expected: str, kinds: tuple[str, ...], known: dict[str, str]
) -> tuple[re.Pattern[str], dict[str, str]]:
    """A pattern for an output, and the page's varying values it captures, by group name.

    ``...`` matches any text; a varying value of the page matches any value of its shape, the
    same value each time it appears, or, once the page learned the value it stands for, that.
    """
    text = _normal(expected)
    parts: list[str] = []
    groups: dict[str, str] = {}  # the page's value -> its group
    position = 0
    for token in _tokens(kinds).finditer(text):
        parts.append(re.escape(text[position : token.start()]))
        position = token.end()
        value = token.group()
        if value == "...":
            parts.append(".*?")
        elif value in known:
            parts.append(re.escape(known[value]))
        elif value in groups:
            parts.append(f"(?P={groups[value]})")
        else:
            groups[value] = f"v{len(groups)}"
            shape = next(VARYING[k] for k in kinds if re.fullmatch(VARYING[k], value))
            parts.append(f"(?P<{groups[value]}>{shape})")
    parts.append(re.escape(text[position:]))
    return re.compile("".join(parts), re.S), groups


def matches(expected: str, found: str, kinds: tuple[str, ...], known: dict[str, str]) -> bool:
    """Whether an output is the page's; the varying values it shows are learned in ``known``."""
    pattern, groups = _compile(expected, kinds, known)
    match = pattern.fullmatch(_normal(found))
    if match is None:
        return False
    known.update({value: match[name] for value, name in groups.items()})
    return True


def rewrite(
    expected: str, found: str, kinds: tuple[str, ...], known: dict[str, str]
) -> tuple[str, list[int]]:
    """The page's output for what was found, keeping the page's lines that still match.

    ``found`` holds the page's values in place of those found for them (``Run.back``); a
    varying value of the page first seen here is learned in ``known``.

    Lines are aligned so that as many found lines as possible keep the page's line (with its
    ``...`` and its varying values); a line that is only ``...`` stands for any number of
    lines. The rest are written as found, with the times of ``_TIMES`` as ``...``. Returns the
    new output and the indexes of the page's abbreviated lines (``...`` or a varying value)
    that no longer match anything.
    """
    page = expected.splitlines()
    lines = [line.rstrip() for line in found.splitlines()]
    gap = [_normal(line) == "..." for line in page]
    patterns = [_compile(line, kinds, {})[0] for line in page]
    n, m = len(page), len(lines)
    # The cheapest alignment of page[i:] with lines[j:]: a line of the page kept (0), a found
    # line left to a "..." line (1), a line of the page replaced by a found one, a found line
    # written or a line of the page dropped (100 each). The small cost of a gap's line makes
    # a changed line next to a gap a replacement rather than a line lost into the gap.
    cost = [[0] * (m + 1) for _ in range(n + 1)]
    step = [[""] * (m + 1) for _ in range(n + 1)]
    for i in range(n, -1, -1):
        for j in range(m, -1, -1):
            options: list[tuple[int, str]] = []
            if i < n and j < m and gap[i]:
                options.append((1 + cost[i][j + 1], "absorb"))
            if i < n and j < m and not gap[i] and patterns[i].fullmatch(_normal(lines[j])):
                options.append((cost[i + 1][j + 1], "keep"))
            if i < n:
                options.append(((0 if gap[i] else 100) + cost[i + 1][j], "drop"))
            if i < n and j < m and not gap[i]:
                options.append((100 + cost[i + 1][j + 1], "replace"))
            if j < m:
                options.append((100 + cost[i][j + 1], "write"))
            if options:
                cost[i][j], step[i][j] = min(options, key=lambda option: option[0])
    out: list[str] = []
    lost: list[int] = []
    i = j = 0
    while i < n or j < m:
        match step[i][j]:
            case "absorb":
                j += 1
            case "keep":
                pattern, groups = _compile(page[i], kinds, {})
                found_line = pattern.fullmatch(_normal(lines[j]))
                assert found_line is not None
                for value, name in groups.items():
                    if found_line[name] != value:
                        known.setdefault(value, found_line[name])
                out.append(page[i])
                i, j = i + 1, j + 1
            case "write":
                out.append(_untimed(lines[j]))
                j += 1
            case "drop" if gap[i]:
                out.append(page[i])
                i += 1
            case _:  # dropped or replaced
                if _tokens(kinds).search(page[i]):
                    lost.append(i)
                if step[i][j] == "replace":
                    out.append(_untimed(lines[j]))
                    j += 1
                i += 1
    return "".join(f"{line}\n" for line in out), lost


def _untimed(line: str) -> str:
    for pattern, shown in _TIMES:
        line = pattern.sub(shown, line)
    return line


def diff(expected: str, found: str) -> str:
    """A unified diff of the page's output and the one found."""
    lines = difflib.unified_diff(
        expected.splitlines(keepends=True),
        found.splitlines(keepends=True),
        "the page shows",
        "the command printed",
    )
    return "".join(line if line.endswith("\n") else line + "\n" for line in lines)


# -- the services a block may need -------------------------------------------------------


def free_port() -> int:
    """A TCP port of 127.0.0.1 that nothing listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _stop(process: subprocess.Popen[str] | subprocess.Popen[bytes], *, wait: float = 20) -> None:
    """Stop a process and its children as Ctrl-C does, or harder when that does not do it."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGINT)
    try:
        process.wait(timeout=wait)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


@contextmanager
def _postgres(_: Path) -> Iterator[dict[str, str]]:
    """The tests' PostgreSQL server in place of the page's, its schema emptied before and after.

    The page's commands use the store's default schema, so two runs of the page at once (in
    two checkouts sharing the server) take turns, under an advisory lock.
    """
    import psycopg
    from psycopg import sql

    from tests._stores import postgres_dsn

    dsn = postgres_dsn("the console examples of a page that needs a PostgreSQL server")
    drop = sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(PAGE_SCHEMA))
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("SELECT pg_advisory_lock(hashtext('govmodel docs: the civic-app page'))")
        conn.execute(drop)
        try:
            yield {PAGE_DSN: dsn}
        finally:
            conn.execute(drop)


@contextmanager
def _dask_cluster(folder: Path) -> Iterator[dict[str, str]]:
    """A Dask scheduler and two one-thread worker processes on free ports, as dask.md has."""
    from distributed import Client

    dask = str(Path(sys.executable).parent / "dask")
    address = f"tcp://127.0.0.1:{free_port()}"
    host, port = address.removeprefix("tcp://").split(":")
    log = (folder / "dask.log").open("w", encoding="utf-8")

    def start(*args: str) -> subprocess.Popen[str]:
        return subprocess.Popen(
            [dask, *args],
            cwd=folder,
            stdout=log,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )

    with ExitStack() as stack:
        stack.callback(log.close)
        scheduler = start("scheduler", "--host", host, "--port", port, "--no-dashboard")
        stack.callback(_stop, scheduler)
        workers = start("worker", address, "--nworkers", "2", "--nthreads", "1", "--no-dashboard")
        stack.callback(_stop, workers)
        try:
            with Client(address, timeout="60s") as client:  # type: ignore[no-untyped-call]
                client.wait_for_workers(2, timeout=120)
        except (OSError, TimeoutError) as error:
            log.flush()
            pytest.fail(f"the Dask cluster did not start ({error}):\n{_tail(folder / 'dask.log')}")
        yield {PAGE_SCHEDULER: address}


def _tail(path: Path) -> str:
    return "\n".join(path.read_text(encoding="utf-8").splitlines()[-30:])


@contextmanager
def _port(number: str) -> Iterator[dict[str, str]]:
    port = str(free_port())
    yield {f"127.0.0.1:{number}": f"127.0.0.1:{port}", f"--port {number}": f"--port {port}"}


SERVICES = {"postgres": _postgres, "dask-cluster": _dask_cluster}


@contextmanager
def services(page: Page, folder: Path) -> Iterator[dict[str, str]]:
    """The services a page's blocks need, and what each stands in for: the page's value -> ours."""
    with ExitStack() as stack:
        replace: dict[str, str] = {}
        for name in page.needs:
            if name.startswith("port "):
                replace |= stack.enter_context(_port(name.removeprefix("port ")))
            else:
                replace |= stack.enter_context(SERVICES[name](folder))
        yield replace


# -- running a page ------------------------------------------------------------------------


@attrs.define
class _Output:
    """What a process prints, read as it comes."""

    process: subprocess.Popen[bytes]
    data: bytes = b""
    reader: threading.Thread | None = None

    def __attrs_post_init__(self) -> None:
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def close(self) -> None:
        """Stop the process if it still runs, and read what it printed to the end."""
        _stop(self.process)
        assert self.reader is not None
        assert self.process.stdout is not None
        self.reader.join(timeout=10)
        self.process.stdout.close()

    def _read(self) -> None:
        stream = self.process.stdout
        assert stream is not None
        while chunk := stream.read1(4096):  # type: ignore[attr-defined]
            self.data += chunk

    @property
    def text(self) -> str:
        return _decode(self.data)


def _decode(data: bytes) -> str:
    # Read as bytes, not as text: text mode would turn a progress bar's carriage returns
    # into line feeds.
    return data.decode("utf-8", errors="replace")


@attrs.define
class Failure:
    """A command whose output or status is not the page's."""

    page: str
    step: Step
    expected: str
    found: str

    def __str__(self) -> str:
        return (
            f"{self.page}, line {self.step.line}: the output of\n    {self.step.source.strip()}\n"
            f"is not what the page shows ('...' stands for any text):\n"
            f"{diff(self.expected, self.found)}"
            f"If the model changed on purpose, rewrite the pages' outputs with\n    {REGENERATE}\n"
            f"and read the diff before committing it (CONTRIBUTING.md)."
        )


@attrs.define
class Run:
    """One page's examples run in order in one directory, with its services' values."""

    page: Page
    folder: Path
    replace: dict[str, str]  # the page's value -> the one here
    regenerate: bool = False
    known: dict[str, str] = attrs.field(factory=dict)  # a varying value of the page -> found
    env: dict[str, str] = attrs.field(factory=dict)
    serving: list[_Output] = attrs.field(factory=list)
    status: int = 0
    outputs: dict[tuple[int, int], str] = attrs.field(factory=dict)  # (block, step) -> new
    lost: list[str] = attrs.field(factory=list)

    def __attrs_post_init__(self) -> None:
        for path in CONSOLE_FILES.iterdir():
            shutil.copy(path, self.folder / path.name)
        for name, text in self.page.files:
            (self.folder / name).write_text(text, encoding="utf-8")
        bin_dir = Path(sys.executable).parent
        self.env = {
            **os.environ,
            "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
            "COLUMNS": "100",
            # At a terminal Python writes each line as it is printed; in a pipe it would hold
            # them back, and a server's first line would come after uvicorn's.
            "PYTHONUNBUFFERED": "1",
        }

    def served(self, text: str) -> str:
        """The page's text with the values of this run's services in place of the page's."""
        for page_value, value in self.replace.items():
            text = text.replace(page_value, value)
        return text

    def here(self, text: str) -> str:
        """A command of the page with this run's values: the services' and those found."""
        for page_value, value in self.known.items():
            text = text.replace(page_value, value)
        return self.served(text)

    def back(self, text: str) -> str:
        """Found text with the page's values in place of this run's (services' and found)."""
        for page_value, value in {**self.replace, **self.known}.items():
            text = text.replace(value, page_value)
        return text

    def run(self) -> Failure | None:
        """Run every block; the first failure, or, regenerating, none (outputs are kept)."""
        try:
            for b, block in enumerate(self.page.runs):
                for s, step in enumerate(block.steps):
                    failure = self._step(block, step)
                    if failure is None:
                        continue
                    if not self.regenerate:
                        return failure
                    new, lost = rewrite(
                        step.expected, self.back(failure.found), block.varies, self.known
                    )
                    self.outputs[(b, s)] = new
                    if lost:
                        self.lost.append(step.source.strip())
        finally:
            for output in reversed(self.serving):
                output.close()
        return None

    def _step(self, block: Block, step: Step) -> Failure | None:
        command = self.here(step.command)
        expected = self.served(step.expected)
        export = _EXPORT.fullmatch(command.strip())
        if command.strip() == "echo $?":
            found = f"{self.status}\n"
        elif export:
            found = self._export(command, export[1])
        else:
            process = subprocess.Popen(
                ["bash", "-c", command],
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                cwd=self.folder,
                env=self.env,
                start_new_session=True,
            )
            if block.serves:
                found = self._until_shown(process, expected, block.varies)
            else:
                try:
                    found = _decode(process.communicate(timeout=TIMEOUT)[0])
                except subprocess.TimeoutExpired:
                    _stop(process)
                    found = _decode(process.communicate()[0])
                    found += f"\n(stopped after {TIMEOUT} s)\n"
                self.status = process.returncode
        found = _as_shown(found)
        if matches(expected, found, block.varies, self.known):
            return None
        return Failure(page=self.page.name, step=step, expected=expected, found=found)

    def _export(self, command: str, name: str) -> str:
        """Keep a variable the page exports for its later commands, as a shell session does."""
        result = subprocess.run(
            ["bash", "-c", f'{command}\nprintf %s "${name}"'],
            capture_output=True,
            text=True,
            check=False,
            cwd=self.folder,
            env=self.env,
        )
        self.status = result.returncode
        self.env[name] = result.stdout
        return result.stderr

    def _until_shown(
        self, process: subprocess.Popen[bytes], expected: str, kinds: tuple[str, ...]
    ) -> str:
        """Wait until a serving command has printed what the page shows, or has stopped."""
        output = _Output(process)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if process.poll() is not None:
                output.close()
                self.status = process.returncode
                return output.text
            if matches(expected, output.text, kinds, dict(self.known)):
                self.serving.append(output)
                self.status = 0
                return output.text
            time.sleep(0.1)
        self.serving.append(output)
        return output.text + "\n(still not shown after 60 s)\n"

    def rewritten(self) -> str:
        """The page with the outputs found in place of those that differed."""
        text = self.page.text
        for b, block in reversed(list(enumerate(self.page.runs))):
            if not any((b, s) in self.outputs for s in range(len(block.steps))):
                continue
            body = "".join(
                step.source + self.outputs.get((b, s), step.expected)
                for s, step in enumerate(block.steps)
            )
            text = text[: block.start] + body + text[block.end :]
        return text


def run_page(path: Path, *, regenerate: bool = False) -> None:
    """Run a page's console examples; fail on the first that differs, or rewrite the page."""
    page = read_page(path)
    with tempfile.TemporaryDirectory(prefix="govmodel-console-") as name:
        folder = Path(name)
        (folder / "services").mkdir()
        (folder / "page").mkdir()
        with services(page, folder / "services") as replace:
            run = Run(page=page, folder=folder / "page", replace=replace, regenerate=regenerate)
            failure = run.run()
    if failure is not None:
        pytest.fail(str(failure), pytrace=False)
    if regenerate:
        text = run.rewritten()
        if text != page.text:
            path.write_text(text, encoding="utf-8")
        if run.lost:
            pytest.fail(
                f"rewrote {page.name}, but in the outputs of these commands some abbreviated "
                f"lines ('...' or a varying value) no longer matched and were replaced by the "
                f"lines found: shorten them again, or put back the page's sample values, by "
                f"hand\n    " + "\n    ".join(run.lost),
                pytrace=False,
            )

"""The ``serve`` command of ``govmodel``: an Open311 GeoReport v2 endpoint (``govmodel.server``).

The server needs the ``server`` extra (Starlette and uvicorn); both are
imported only when the command runs, so the other commands work without them.

Examples
--------
>>> import tempfile, pathlib
>>> from govmodel.cli import main
>>> with tempfile.TemporaryDirectory() as d:
...     main(["serve", "xinhe", "--store", f"sqlite:///{d}/cases.db", "--check"])
... # doctest: +ELLIPSIS
serve: Xinhe community, the store sqlite:///.../cases.db (0 API keys): ready to serve
0
"""

from __future__ import annotations

import argparse
import contextlib
import socket
from typing import TextIO

from govmodel.cli._common import Commands, UsageError, add_command, policy_from, structure_from
from govmodel.errors import GovModelError, MissingExtraError

__all__ = ["add_commands", "serve_command"]


def add_commands(commands: Commands) -> None:
    """Add ``serve`` to the ``govmodel`` parser.

    Examples
    --------
    >>> import argparse
    >>> parser = argparse.ArgumentParser()
    >>> add_commands(parser.add_subparsers(dest="command"))
    >>> args = parser.parse_args(["serve", "xinhe", "--store", "sqlite:///cases.db"])
    >>> args.host, args.port, args.tick_seconds
    ('127.0.0.1', 8000, 60.0)
    """
    serve = add_command(
        commands,
        "serve",
        help="serve an Open311 GeoReport v2 endpoint over a structure and a case store",
        description="Serve the structure's requests over HTTP as Open311 GeoReport v2 (JSON): "
        "the service list, the requests with their filters a page at a time, one request, "
        "and POST to report one, which is routed and stored. Runs until stopped (Ctrl-C). "
        "Needs the server extra: pip install 'govmodel[server]'.",
        examples=[
            "govmodel serve xinhe --store sqlite:///cases.db --check",
            "# then: govmodel serve xinhe --store sqlite:///cases.db --keys keys.toml --port 8311",
        ],
    )
    serve.add_argument("spec", metavar="SPEC", help="the structure: a spec file or an example")
    serve.add_argument(
        "--store",
        required=True,
        metavar="URL",
        help="the case store: sqlite:///PATH (sqlite:////ABSOLUTE/PATH) or a postgresql:// DSN",
    )
    serve.add_argument(
        "--schema",
        default=None,
        metavar="NAME",
        help="the schema of a PostgreSQL store (govmodel); refused with a SQLite store",
    )
    serve.add_argument(
        "--keys",
        default=None,
        metavar="FILE",
        help="the API keys: a TOML file, [keys] with key = actor id or { back_office = true }; "
        "default: none, so the endpoint is read-only and public",
    )
    serve.add_argument(
        "--policy",
        default=None,
        metavar="FILE",
        help="the policy requests are routed and read under (a TOML policy file); "
        "default: the built-in policy",
    )
    serve.add_argument("--host", default="127.0.0.1", help="the address to listen on (127.0.0.1)")
    serve.add_argument("--port", type=int, default=8000, help="the port to listen on (8000)")
    serve.add_argument(
        "--tick-seconds",
        type=float,
        default=60.0,
        metavar="SECONDS",
        help="run tick (escalate what is due) at the start and every so many seconds (60)",
    )
    serve.add_argument(
        "--check",
        action="store_true",
        help="open the store (making its tables when it is new) and read the keys, say whether "
        "all is ready, and exit without serving",
    )
    serve.set_defaults(run=serve_command)


def serve_command(args: argparse.Namespace, *, out: TextIO) -> int:
    """``govmodel serve SPEC --store URL``: serve the Open311 endpoint until stopped."""
    if not 0 <= args.port <= 65535:
        raise UsageError(f"--port: expected 0 to 65535, found {args.port}")
    if not args.tick_seconds > 0:
        raise UsageError(f"--tick-seconds: expected more than 0, found {args.tick_seconds:g}")
    if args.schema is not None and args.store.startswith("sqlite:"):
        raise UsageError("--schema: a SQLite store has no schemas; give it with a PostgreSQL store")
    if args.schema is not None and not args.schema.strip():
        raise UsageError("--schema: expected the name of a schema, found an empty one")
    schema = "govmodel" if args.schema is None else args.schema
    from govmodel import server  # the server extra, only when serving

    structure = structure_from(args.spec)
    policy = policy_from(args.policy)
    try:
        keys = server.load_keys(args.keys, structure) if args.keys else {}
    except OSError as err:
        raise ServeError(f"--keys: cannot read {args.keys}: {err.strerror or err}") from None
    # Open the store once here, so a wrong URL is one error line, not a failed start.
    server.open_store(args.store, policy=policy, schema=schema).close()
    shown = args.store if args.store.startswith("sqlite:") else "at the DSN given"
    if args.check:
        counted = f"{len(keys)} API key{'' if len(keys) == 1 else 's'}"
        print(f"serve: {structure.name}, the store {shown} ({counted}): ready to serve", file=out)
        return 0
    try:
        import uvicorn
    except ImportError:  # pragma: no cover - the server extra is part of the test extra
        raise MissingExtraError("uvicorn", "server", "govmodel serve") from None

    # Bound here, so that a port in use or a host that does not resolve is one error
    # line (exit status 1) rather than uvicorn's log line and its own exit status.
    sock = _listen(args.host, args.port)
    application = server.app(
        structure,
        args.store,
        schema=schema,
        keys=keys,
        policy=policy,
        tick_seconds=args.tick_seconds,
    )
    print(
        f"serve: {structure.name} on http://{args.host}:{args.port} (Ctrl-C stops)",
        file=out,
        flush=True,
    )
    # No access log: its lines would carry the query strings, API keys included.
    config = uvicorn.Config(application, host=args.host, port=args.port, access_log=False)
    served = uvicorn.Server(config)
    # uvicorn raises the stopping signal again once it has shut down: Ctrl-C ends here.
    with sock, contextlib.suppress(KeyboardInterrupt):
        served.run(sockets=[sock])
    if not served.started:
        raise ServeError("the server did not start (its log above says why)")
    return 0


class ServeError(GovModelError):
    """What stops ``govmodel serve`` from listening: one error line, exit status 1."""


def _listen(host: str, port: int) -> socket.socket:
    """A socket bound to ``host`` and ``port``, as uvicorn binds one; ``ServeError`` if not.

    Examples
    --------
    >>> _listen("no-such-host.invalid", 8000)
    Traceback (most recent call last):
    ...
    govmodel.cli.serve.ServeError: --host: cannot resolve 'no-such-host.invalid': ...
    >>> with _listen("127.0.0.1", 0) as first:
    ...     first.listen()
    ...     _listen("127.0.0.1", first.getsockname()[1])
    Traceback (most recent call last):
    ...
    govmodel.cli.serve.ServeError: --port: cannot listen on 127.0.0.1:...: ...
    """
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except (socket.gaierror, UnicodeError) as err:
        reason = err.strerror if isinstance(err, socket.gaierror) else "not a host name"
        raise ServeError(f"--host: cannot resolve {host!r}: {reason}") from None
    family, kind, proto, _, address = found[0]
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
    except OSError as err:
        sock.close()
        shown = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
        raise ServeError(
            f"--port: cannot listen on {shown}: {err.strerror or err}".rstrip()
        ) from None
    sock.set_inheritable(True)
    return sock

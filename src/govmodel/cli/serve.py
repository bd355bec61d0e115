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
from typing import TextIO

from govmodel.cli._common import Commands, UsageError, add_command, policy_from, structure_from
from govmodel.errors import MissingExtraError

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
        default="govmodel",
        metavar="NAME",
        help="the schema of a PostgreSQL store (govmodel)",
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
        help="open the store and read the keys, say whether all is ready, and exit without serving",
    )
    serve.set_defaults(run=serve_command)


def serve_command(args: argparse.Namespace, *, out: TextIO) -> int:
    """``govmodel serve SPEC --store URL``: serve the Open311 endpoint until stopped."""
    if not 0 <= args.port <= 65535:
        raise UsageError(f"--port: expected 0 to 65535, found {args.port}")
    if not args.tick_seconds > 0:
        raise UsageError(f"--tick-seconds: expected more than 0, found {args.tick_seconds:g}")
    from govmodel import server  # the server extra, only when serving

    structure = structure_from(args.spec)
    policy = policy_from(args.policy)
    keys = server.load_keys(args.keys, structure) if args.keys else {}
    # Open the store once here, so a wrong URL is one error line, not a failed start.
    server.open_store(args.store, policy=policy, schema=args.schema).close()
    shown = args.store if args.store.startswith("sqlite:") else "at the DSN given"
    if args.check:
        print(
            f"serve: {structure.name}, the store {shown} ({len(keys)} API keys): ready to serve",
            file=out,
        )
        return 0
    try:
        import uvicorn
    except ImportError:  # pragma: no cover - the server extra is part of the test extra
        raise MissingExtraError("uvicorn", "server", "govmodel serve") from None

    application = server.app(
        structure,
        args.store,
        schema=args.schema,
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
    uvicorn.run(application, host=args.host, port=args.port, access_log=False)
    return 0

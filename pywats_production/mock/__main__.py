"""``python -m pywats_production.mock``: serve the contract mock."""

from __future__ import annotations

import argparse
import socket
import sys
from collections.abc import Sequence
from typing import NoReturn, TextIO

import yaml

from pywats_production.cli._exit import ExitCode

from . import create_app, serve
from ._app import DEFAULT_ERROR_STYLE, SERVER_VERSION
from ._contract import version_parts
from ._domain import ERROR_STYLES
from ._store import SeedError

LOG_LEVELS = ("critical", "error", "warning", "info", "debug", "trace")

_EPILOG = """\
seeds: 'demo' (three products, a serial-number pool, three processes), 'empty', or a YAML
or JSON file with the structure of POST /_mock/seed (the package holds one:
pywats_production/mock/seeds/example.yaml).

admin API (JSON, same token): POST /_mock/reset {"seed": ...}, POST /_mock/seed {"units":
[...]}, POST /_mock/process-results {...}, GET /_mock/state, GET /_mock/serial-numbers/TYPE,
GET|POST|DELETE /_mock/faults. From Python: pywats_production.mock.MockAdmin
(python -m pydoc pywats_production.mock.MockAdmin).

exit status: 0 stopped cleanly (Ctrl-C, SIGTERM), 2 bad option or unusable seed (nothing
served), 11 cannot listen on HOST:PORT (port in use, no permission, not an address of
this machine)."""


class _Parser(argparse.ArgumentParser):
    """Usage errors as one line and exit status 2, like ``wats-production``."""

    def error(self, message: str) -> NoReturn:
        self.exit(ExitCode.USAGE, f"{self.prog}: usage: {message} (see --help)\n")


def _port(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a port number: {text!r}") from None
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"port must be 0 to 65535, got {value}")
    return value


def _version(text: str) -> str:
    if not text.strip():
        raise argparse.ArgumentTypeError("the server version must not be blank")
    try:
        version_parts(text)  # operations are served by version: it must compare
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    return text.strip()


def build_parser(prog: str = "python -m pywats_production.mock") -> argparse.ArgumentParser:
    """Return the parser of the mock's command line (also ``wats-production mock``).

    Args:
        prog: the program name shown in help and errors.

    Returns:
        The parser.

    Example:
        >>> build_parser().parse_args(["--port", "0"]).port
        0

    """
    parser = _Parser(
        prog=prog,
        description="Serve the contract mock of the WATS Production API over HTTP.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--host", default="127.0.0.1", help="interface to bind (default: 127.0.0.1)"
    )
    parser.add_argument(
        "--port", type=_port, default=8765, help="port, 0 for any free one (default: 8765)"
    )
    parser.add_argument(
        "--seed",
        default="demo",
        help="initial data: demo, empty, or a YAML/JSON file (default: demo)",
    )
    parser.add_argument(
        "--token",
        default=None,
        help="require 'Authorization: Basic TOKEN' (default: no authentication)",
    )
    parser.add_argument(
        "--no-strict",
        action="store_true",
        help="do not validate responses against the spec (default: validate)",
    )
    parser.add_argument(
        "--server-version",
        type=_version,
        default=SERVER_VERSION,
        help=f"what GET /api/App/Version answers; operations newer than it answer 404, "
        f"e.g. 2025.3.9.824 serves only the published ones (default: {SERVER_VERSION})",
    )
    parser.add_argument(
        "--error-style",
        type=str.lower,
        choices=ERROR_STYLES,
        default=DEFAULT_ERROR_STYLE,
        help="error bodies: text, the bare message as a real server sends it; webapi, "
        '{"Message": ...}; problem, problem+json with a code (default: text)',
    )
    parser.add_argument(
        "--log-level",
        default="warning",
        type=str.lower,
        choices=LOG_LEVELS,
        help="uvicorn's log level (default: warning)",
    )
    return parser


def _can_listen(host: str, port: int) -> str | None:
    # uvicorn reports a failed bind through its log and sys.exit(3); checking first gives
    # one clear message and the documented status instead.
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:
        return f"cannot resolve {host!r}: {getattr(exc, 'strerror', None) or exc}"
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(address)
        except OSError as exc:
            return f"cannot listen on {host}:{port}: {exc.strerror or exc}"
    return None


def main(
    argv: Sequence[str] | None = None,
    *,
    prog: str = "python -m pywats_production.mock",
    err: TextIO | None = None,
) -> int:
    """Parse the command line, serve until SIGINT/SIGTERM, and return the exit status.

    Args:
        argv: Arguments (``sys.argv[1:]`` when None).
        prog: the program name shown in help and errors.
        err: where errors go (``sys.stderr`` when None).

    Returns:
        0 after a clean stop, 2 for a bad option or seed, 11 when the address cannot be
        listened on (``--help`` and usage errors exit through ``SystemExit``).

    """
    err = sys.stderr if err is None else err
    args = build_parser(prog).parse_args(argv)
    try:
        app = create_app(
            seed=args.seed,
            token=args.token,
            strict=not args.no_strict,
            server_version=args.server_version,
            error_style=args.error_style,
        )
    except FileNotFoundError:
        known = "demo, empty" if args.seed.lower() not in ("demo", "empty") else "demo or empty"
        err.write(f"{prog}: usage: --seed {args.seed!r}: no such seed ({known}) and no such file\n")
        return ExitCode.USAGE
    except (
        OSError,
        UnicodeError,
        ValueError,
        TypeError,
        KeyError,
        SeedError,
        yaml.YAMLError,
    ) as exc:
        reason = getattr(exc, "strerror", None) or " ".join(str(exc).split())[:300]
        err.write(f"{prog}: usage: --seed {args.seed}: cannot use it: {reason}\n")
        return ExitCode.USAGE
    problem = _can_listen(args.host, args.port)
    if problem is not None:
        err.write(f"{prog}: cannot listen: {problem}\n")
        return ExitCode.CANNOT_LISTEN
    try:
        code = serve(app, args.host, args.port, log_level=args.log_level)
    except SystemExit:  # uvicorn's own exit when it could not start after all
        code = 1
    return ExitCode.OK if code == 0 else ExitCode.CANNOT_LISTEN


if __name__ == "__main__":
    sys.exit(main())

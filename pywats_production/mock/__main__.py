"""``python -m pywats_production.mock``: serve the contract mock."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from . import create_app, serve
from ._app import DEFAULT_ERROR_STYLE, SERVER_VERSION
from ._domain import ERROR_STYLES


def main(argv: Sequence[str] | None = None) -> int:
    """Parse the command line, serve until SIGINT/SIGTERM, and return the exit status.

    Args:
        argv: Arguments (``sys.argv[1:]`` when None).

    Returns:
        0 after a clean stop.

    """
    parser = argparse.ArgumentParser(
        prog="python -m pywats_production.mock",
        description="Contract mock of the WATS Production API (see docs/mock.md).",
    )
    parser.add_argument("--host", default="127.0.0.1", help="interface to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8765, help="port (0: any free port)")
    parser.add_argument("--seed", default="demo", help="demo (default), empty, or a YAML/JSON file")
    parser.add_argument("--token", default=None, help="require Authorization: Basic TOKEN")
    parser.add_argument(
        "--no-strict", action="store_true", help="do not validate responses against the spec"
    )
    parser.add_argument(
        "--server-version",
        default=SERVER_VERSION,
        help=f"what GET /api/App/Version answers (default {SERVER_VERSION})",
    )
    parser.add_argument(
        "--error-style",
        choices=ERROR_STYLES,
        default=DEFAULT_ERROR_STYLE,
        help="error bodies: text (the bare message, default), webapi ({Message}), problem",
    )
    parser.add_argument("--log-level", default="warning", help="uvicorn log level")
    args = parser.parse_args(argv)
    app = create_app(
        seed=args.seed,
        token=args.token,
        strict=not args.no_strict,
        server_version=args.server_version,
        error_style=args.error_style,
    )
    return serve(app, args.host, args.port, log_level=args.log_level)


if __name__ == "__main__":
    sys.exit(main())

"""``python -m pywats_production.mock``: serve the contract mock."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from . import SERVER_VERSION, create_app, serve


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
    parser.add_argument("--log-level", default="warning", help="uvicorn log level")
    parser.add_argument(
        "--server-version",
        default=SERVER_VERSION,
        metavar="VERSION",
        help=(
            f"the WATS server version to act as (default {SERVER_VERSION}); operations newer "
            "than it answer 404, e.g. 2025.3.9.824 serves only the published ones"
        ),
    )
    args = parser.parse_args(argv)
    try:
        app = create_app(
            seed=args.seed,
            token=args.token,
            strict=not args.no_strict,
            server_version=args.server_version,
        )
    except ValueError as exc:
        parser.error(str(exc))
    return serve(app, args.host, args.port, log_level=args.log_level)


if __name__ == "__main__":
    sys.exit(main())

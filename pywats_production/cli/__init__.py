"""``wats-production``: the command line of pywats-production.

Subcommands: ``demo`` (the factory story on the embedded contract mock), ``mock`` (serve
the contract mock), ``verify`` and ``pin`` (check a cassette, pin a server version), and,
against a server given by ``--base-url``/``--token`` or ``WATS_BASE_URL``/``WATS_AUTH_TOKEN``:
``unit``, ``serials``, ``assembly``, ``changes``, ``internal`` (the opt-in internal API),
``version``, ``capture``. Human-readable output by default, ``--json`` for scripts; errors are
one line on stderr and a distinct exit status (:class:`ExitCode`).

Built on :mod:`argparse`: the standard library is enough for this command set, and the
CLI then adds no dependency and no import cost to the SDK.

Example:
    >>> main(["unit", "get", "SN0001", "PCBA-100", "--base-url", "https://wats.example.com"])
    ... # doctest: +SKIP

"""

from __future__ import annotations

import argparse
import contextlib
import logging
import math
import os
import sys
from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, BinaryIO, NoReturn, TextIO

from pywats_production.cli._exit import (
    EXIT_STATUS_HELP,
    CliError,
    ExitCode,
    exit_code_for,
    label_for,
)
from pywats_production.errors import AmbiguousOutcomeError, WatsConnectionError, WatsError

if TYPE_CHECKING:
    from pywats_production import ProductionService
    from pywats_production.cli._commands import Context

__all__ = ["CliError", "ExitCode", "build_parser", "main", "run"]

PROG = "wats-production"

_SERVER_HELP = """\
server: --base-url URL or WATS_BASE_URL; token: --token TOKEN or WATS_AUTH_TOKEN (base64 of
user:password, sent as 'Authorization: Basic TOKEN'; prefer the variable: arguments are
visible to other users of the machine); pins of verified server versions: WATS_PINS."""

_EPILOG = f"{_SERVER_HELP}\n\n{EXIT_STATUS_HELP}"

# Defaults of the connection options. They are declared with SUPPRESS so that an option
# given before the subcommand is not overwritten by the subcommand's default.
_DEFAULTS: Mapping[str, object] = {
    "base_url": None,
    "token": None,
    "json": False,
    "timeout": 30.0,
    "retries": 4,
    "insecure": False,
    "ca_bundle": None,
    "verbose": 0,
}
# The options that choose and reach a server (the demo has its own, embedded one).
_CONNECTION = ("base_url", "token", "timeout", "retries", "insecure", "ca_bundle")


class _Parser(argparse.ArgumentParser):
    """argparse with one-line usage errors: ``wats-production: usage: ... (see --help)``."""

    def error(self, message: str) -> NoReturn:
        self.exit(ExitCode.USAGE, f"{PROG}: usage: {message} (see '{self.prog} --help')\n")


def _common(*, connection: bool = True) -> _Parser:
    common = _Parser(add_help=False)
    group = common.add_argument_group("connection and output" if connection else "output")
    if connection:
        group.add_argument(
            "--base-url",
            default=argparse.SUPPRESS,
            metavar="URL",
            help="server root URL (default: $WATS_BASE_URL)",
        )
        group.add_argument(
            "--token",
            default=argparse.SUPPRESS,
            metavar="TOKEN",
            help="Basic token (default: $WATS_AUTH_TOKEN, else none); never printed",
        )
    group.add_argument(
        "--json",
        action="store_true",
        default=argparse.SUPPRESS,
        help="print one JSON document on stdout (default: text)",
    )
    if connection:
        group.add_argument(
            "--timeout",
            type=float,
            default=argparse.SUPPRESS,
            metavar="SECONDS",
            help="seconds to wait for an answer (default: 30)",
        )
        group.add_argument(
            "--retries",
            type=int,
            default=argparse.SUPPRESS,
            metavar="N",
            help="attempts per request, the first included; 1 = no retry (default: 4)",
        )
        group.add_argument(
            "--ca-bundle",
            default=argparse.SUPPRESS,
            metavar="PATH",
            help="PEM file of CA certificates to verify the server with (default: the system's)",
        )
        group.add_argument(
            "--insecure",
            action="store_true",
            default=argparse.SUPPRESS,
            help="do not verify the server's TLS certificate, not for production (default: verify)",
        )
    group.add_argument(
        "-v",
        "--verbose",
        action="count",
        default=argparse.SUPPRESS,
        help="log on stderr: -v one line per request (INFO), -vv every attempt (DEBUG) "
        "(default: errors only)",
    )
    return common


def build_parser() -> argparse.ArgumentParser:
    """Build the argument parser of ``wats-production``.

    To add a command: add its parser here with ``leaf(...)`` (give every argument a
    help text that states its default), its branch in ``_dispatch``, and its rows in the
    bad-input table of ``tests/cli/test_cli_bad_input.py`` (a test fails until it has
    them).

    Returns:
        The parser; ``parse_args`` sets ``handler`` to the command's name.

    Example:
        >>> build_parser().parse_args(["unit", "get", "SN1", "PCBA-100"]).handler
        'unit_get'

    """
    common = _common()
    output_only = _common(connection=False)
    parser = _Parser(
        prog=PROG,
        description="Command line of pywats-production, the typed SDK of the WATS Production API.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        parents=[common],
    )
    from pywats_production import __version__

    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    def leaf(
        group: argparse._SubParsersAction[_Parser],
        name: str,
        handler: str,
        help_text: str,
        *,
        epilog: str = _EPILOG,
        parent: _Parser = common,
    ) -> argparse.ArgumentParser:
        sub = group.add_parser(
            name,
            help=help_text,
            description=help_text,
            parents=[parent],
            epilog=epilog,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        sub.set_defaults(handler=handler)
        return sub

    def group_of(name: str, help_text: str, dest: str) -> argparse._SubParsersAction[_Parser]:
        sub = commands.add_parser(
            name,
            help=help_text,
            description=help_text,
            epilog=EXIT_STATUS_HELP,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        return sub.add_subparsers(dest=dest, metavar="ACTION", required=True)

    def sn_pn(sub: argparse.ArgumentParser) -> None:
        sub.add_argument("serial_number", metavar="SN", help="the unit's serial number")
        sub.add_argument("part_number", metavar="PN", help="the unit's part number")

    demo = leaf(
        commands,
        "demo",
        "demo",
        "run the factory demo on the embedded contract mock (no server: it takes no "
        "--base-url or --token)",
        epilog=EXIT_STATUS_HELP,
        parent=output_only,
    )
    demo.add_argument(
        "--units",
        type=int,
        default=10,
        metavar="N",
        help="boxes to build, each from one board and one power supply, 1 to 33333 (default: 10)",
    )
    demo.add_argument(
        "--sockets",
        action="store_true",
        help="serve the mock on a loopback port instead of in-process (default: in-process)",
    )

    mock = commands.add_parser(
        "mock",
        help="serve the contract mock (see 'mock --help': --host, --port (default 8765), "
        "--seed, --token, --no-strict, --log-level)",
        add_help=False,
        prefix_chars="\x00",  # every argument goes to the mock's own parser
    )
    mock.add_argument("mock_args", nargs=argparse.REMAINDER)
    mock.set_defaults(handler="mock")

    unit = group_of("unit", "create, read and move units", "unit_command")
    get = leaf(unit, "get", "unit_get", "show a unit with its phase, process and sub-units")
    sn_pn(get)
    create = leaf(
        unit,
        "create",
        "unit_create",
        "create a unit (PUT Units) and show it; refused (exit 4) if it exists already",
    )
    sn_pn(create)
    create.add_argument("--revision", metavar="REV", default=None, help="revision (default: none)")
    create.add_argument(
        "--phase",
        default=None,
        help="initial phase, a name or number, e.g. 'Under production' (default: the server's)",
    )
    create.add_argument("--batch", default=None, help="batch number (default: none)")
    create.add_argument("--location", default=None, help="current location (default: none)")
    phase = leaf(unit, "set-phase", "unit_set_phase", "set a unit's phase (name or number)")
    sn_pn(phase)
    phase.add_argument("phase", metavar="PHASE", help="e.g. 'Under production', FINALIZED, 16")
    query = leaf(
        unit,
        "query",
        "unit_query",
        "find units by batch, phase, part number, sub-unit ... (server 2026.3 or newer)",
    )
    for flag, help_text in (
        ("--serial-number", "the serial number equals this"),
        ("--part-number", "the part number equals this"),
        ("--revision", "the revision equals this"),
        ("--batch-number", "the batch number equals this"),
        ("--phase", "the phase is this (a name or number)"),
        ("--process-code", "the current process code is this"),
        ("--current-location", "the current location equals this"),
        ("--serial-date-from", "serial date at or after this ISO 8601 time (naive = UTC)"),
        ("--serial-date-to", "serial date at or before this ISO 8601 time (naive = UTC)"),
        ("--has-sub-unit-part-number", "some direct sub-unit has this part number"),
    ):
        query.add_argument(flag, default=None, help=f"{help_text} (default: any)")
    query.add_argument(
        "--filter",
        default=None,
        metavar="ODATA",
        help="a raw OData $filter, ANDed with the rest (default: none)",
    )
    query.add_argument(
        "--top",
        type=int,
        default=None,
        metavar="N",
        help="most units, 1 to 1000 (default: the server's, 100)",
    )
    query.add_argument(
        "--orderby",
        default=None,
        metavar="ORDER",
        help="OData sort order, e.g. 'serialDate desc' (default: the server's order)",
    )
    query.add_argument(
        "--all",
        dest="all_pages",
        action="store_true",
        help="every matching unit, in keyset pages; not with --top or --orderby "
        "(default: one page)",
    )
    query.add_argument(
        "--page-size",
        type=int,
        default=100,
        metavar="N",
        help="with --all: units per request, 1 to 1000 (default: 100)",
    )
    process = leaf(unit, "set-process", "unit_set_process", "set a unit's current process")
    sn_pn(process)
    process.add_argument("process", metavar="PROCESS", help="the process name, e.g. FCT")

    serials = group_of("serials", "serial-number pools", "serials_command")
    leaf(serials, "types", "serials_types", "list the serial-number types")
    take = leaf(
        serials,
        "take",
        "serials_take",
        "take N free numbers from a pool and print them, one a line; without --partial, "
        "nothing is taken when fewer than N are free (exit 12)",
    )
    take.add_argument("type_name", metavar="TYPE", help="the serial-number type, e.g. SerialNumber")
    take.add_argument("quantity", type=int, metavar="N", help="how many numbers, at least 1")
    take.add_argument(
        "--ref-sn", default=None, help="reference serial number to record (default: none)"
    )
    take.add_argument(
        "--ref-pn", default=None, help="reference part number to record (default: none)"
    )
    take.add_argument("--station", default=None, help="station name to record (default: none)")
    take.add_argument(
        "--in-sequence",
        action="store_true",
        help="one contiguous run of N, or nothing (default: any free numbers)",
    )
    take.add_argument(
        "--partial",
        action="store_true",
        help="accept fewer than N when fewer are free; exit 12 only when none was "
        "(default: all N or nothing)",
    )
    take.add_argument("--format", default="XML", help="wire format: XML or CSV (default: XML)")
    export = leaf(serials, "export", "serials_export", "export a type's numbers (CSV or XML)")
    export.add_argument("type_name", metavar="TYPE", help="the serial-number type")
    export.add_argument("--format", default="CSV", help="CSV or XML (default: CSV)")
    export.add_argument(
        "-o", "--output", default=None, metavar="FILE", help="file to write (default: stdout)"
    )
    upload = leaf(serials, "upload", "serials_upload", "add numbers from a CSV or XML file")
    upload.add_argument("type_name", metavar="TYPE", help="the serial-number type")
    upload.add_argument("file", metavar="FILE", help="the file ('-': standard input)")
    upload.add_argument(
        "--format", default=None, help="CSV or XML (default: from the file name, else CSV)"
    )

    assembly = group_of("assembly", "box build", "assembly_command")
    for name, handler, text in (
        ("add", "assembly_add", "link a child unit to a parent"),
        ("remove", "assembly_remove", "remove a parent/child link"),
    ):
        sub = leaf(assembly, name, handler, text)
        for arg, what in (
            ("PARENT_SN", "the parent's serial number"),
            ("PARENT_PN", "the parent's part number"),
            ("CHILD_SN", "the child's serial number"),
            ("CHILD_PN", "the child's part number"),
        ):
            sub.add_argument(arg.lower(), metavar=arg, help=what)
        if name == "add":
            sub.add_argument(
                "--check-pn",
                default=None,
                help="validate against this part number (default: the parent's box build)",
            )
            sub.add_argument(
                "--check-rev",
                default=None,
                help="... and this revision (default: the parent's box build)",
            )
    check = leaf(
        assembly,
        "check",
        "assembly_check",
        "compare a parent's children with its box build (exit 9 when they do not match)",
    )
    check.add_argument("parent_sn", metavar="PARENT_SN", help="the parent's serial number")
    check.add_argument("parent_pn", metavar="PARENT_PN", help="the parent's part number")

    changes = group_of("changes", "the unit-changes feed", "changes_command")
    consume = leaf(
        changes,
        "consume",
        "changes_consume",
        "run CMD for each pending change (JSON on stdin, WATS_CHANGE_* variables); "
        "acknowledge it only when CMD exits 0",
    )
    consume.add_argument(
        "--exec",
        dest="exec_command",
        required=True,
        metavar="CMD",
        help="the command, split like a shell would, run without one (required)",
    )
    consume.add_argument(
        "--max-count",
        type=int,
        default=100,
        metavar="N",
        help="changes read per request (default: 100)",
    )
    consume.add_argument(
        "--limit", type=int, default=None, metavar="N", help="stop after N changes (default: all)"
    )

    internal = commands.add_parser(
        "internal",
        help="the server's internal API (routes that may change without notice)",
    ).add_subparsers(dest="internal_command", metavar="ACTION", required=True)
    leaf(internal, "phases", "internal_phases", "list the unit phases the server knows")
    for name, handler, text in (
        ("history", "internal_history", "show every phase and process a unit has had"),
        ("hierarchy", "internal_hierarchy", "show a unit with its children as a tree"),
    ):
        sub = leaf(internal, name, handler, text)
        sub.add_argument("serial_number", metavar="SN", help="the unit's serial number")
        sub.add_argument("part_number", metavar="PN", help="the unit's part number")
    stats = leaf(
        internal,
        "serial-stats",
        "internal_serial_stats",
        "free, reserved and taken numbers per serial-number type",
    )
    stats.add_argument(
        "type_name",
        nargs="?",
        default=None,
        metavar="TYPE",
        help="only this serial-number type (default: every type)",
    )
    leaf(commands, "version", "version", "the server's version and compatibility")

    from pywats_production.cli._contract import add_parsers

    add_parsers(leaf, commands, output_only, EXIT_STATUS_HELP)
    return parser


def _option(args: argparse.Namespace, name: str) -> object:
    return getattr(args, name, _DEFAULTS[name])


def _text(args: argparse.Namespace, name: str) -> str:
    return str(getattr(args, name))


def _optional(args: argparse.Namespace, name: str) -> str | None:
    value = getattr(args, name, None)
    return None if value is None else str(value)


@contextlib.contextmanager
def _sdk_logging(verbosity: int, err: TextIO) -> Iterator[None]:
    # The CLI prints its own one-line error; the SDK's failure records would repeat it
    # through logging's last-resort handler. They show with -v. Restored afterwards so
    # that an embedding program (or a test run) keeps its own logging set-up.
    logger = logging.getLogger("pywats_production")
    saved = (logger.level, logger.propagate, list(logger.handlers))
    handler: logging.Handler
    if verbosity > 0:
        handler = logging.StreamHandler(err)
        handler.setFormatter(logging.Formatter(f"{PROG}: %(levelname)s %(message)s"))
        logger.setLevel(logging.DEBUG if verbosity > 1 else logging.INFO)
    else:
        handler = logging.NullHandler()
    logger.handlers = [handler]
    logger.propagate = False
    try:
        yield
    finally:
        logger.setLevel(saved[0])
        logger.propagate = saved[1]
        logger.handlers = saved[2]


def _connection(
    args: argparse.Namespace, environ: Mapping[str, str], err: TextIO
) -> tuple[str, str | None, float, int, bool | str]:
    """Return base URL, token, timeout, retries and TLS verification from options/env."""
    base_url = _option(args, "base_url") or environ.get("WATS_BASE_URL", "").strip()
    if not base_url:
        raise CliError("no server: give --base-url URL or set WATS_BASE_URL")
    token = _option(args, "token") or environ.get("WATS_AUTH_TOKEN") or None
    retries = _option(args, "retries")
    timeout = _option(args, "timeout")
    assert isinstance(retries, int)  # argparse type=int
    assert isinstance(timeout, float | int)  # argparse type=float
    if retries < 1:
        raise CliError(f"--retries must be at least 1, got {retries}")
    if not math.isfinite(timeout) or timeout <= 0:
        raise CliError(f"--timeout must be a positive number of seconds, got {timeout:g}")
    verify: bool | str = True
    ca_bundle = _option(args, "ca_bundle")
    if ca_bundle:
        verify = str(ca_bundle)
        if not os.path.isfile(verify):
            raise CliError(f"--ca-bundle: no such file: {verify}")
    if _option(args, "insecure"):
        if ca_bundle:
            raise CliError("--insecure and --ca-bundle contradict each other: give one")
        err.write(f"{PROG}: warning: TLS certificate verification is off (--insecure)\n")
        verify = False
    return str(base_url), str(token) if token else None, float(timeout), retries, verify


def _service(
    args: argparse.Namespace, environ: Mapping[str, str], err: TextIO, *, internal: bool = False
) -> ProductionService:
    from pywats_production import ProductionService, RetryPolicy

    base_url, token, timeout, retries, verify = _connection(args, environ, err)
    pins = [p for p in environ.get("WATS_PINS", "").split(os.pathsep) if p.strip()]
    return ProductionService(
        base_url,
        token,
        timeout=timeout,
        verify=verify,
        retry=RetryPolicy(max_attempts=retries, deadline=max(60.0, timeout * retries)),
        pins=pins,
        internal=internal,
    )


def _check_server(service: ProductionService, failure: WatsError) -> None:
    """Raise WRONG_SERVER when a 404 or unreadable answer came from something not WATS.

    A wrong path in the base URL (``https://host/wats`` for ``https://host``) makes every
    route 404: without this check that would read as "no such unit". One request, only on
    that failure path: the version endpoint every WATS server has.
    """
    from pywats_production import RetryPolicy
    from pywats_production.errors import NotFoundError, WatsResponseError

    try:
        service.server_version(retry=RetryPolicy.never())
    except (NotFoundError, WatsResponseError) as probe:
        status = getattr(probe, "status", None)
        answer = f"answered {status}" if status is not None else "gave no version"
        raise CliError(
            f"{service.config.base_url} is not the root of a WATS API: GET /api/App/Version "
            f"{answer} (check the path of --base-url / WATS_BASE_URL; the first failure "
            f"was: {failure})",
            ExitCode.WRONG_SERVER,
        ) from failure
    except WatsError:
        return  # the version probe failed otherwise: report the first failure as it is


def _dispatch(
    args: argparse.Namespace,
    *,
    out: TextIO,
    err: TextIO,
    environ: Mapping[str, str],
    binary_in: BinaryIO | None,
    binary_out: BinaryIO | None,
) -> ExitCode:
    handler = _text(args, "handler")
    as_json = bool(_option(args, "json"))
    if handler == "demo":
        from pywats_production.cli._demo import run_demo

        given = [f"--{n.replace('_', '-')}" for n in _CONNECTION if hasattr(args, n)]
        if given:
            raise CliError(
                f"demo runs on its own embedded contract mock and takes no {', '.join(given)}; "
                "to try the commands against a server, see 'wats-production --help'"
            )
        return run_demo(int(args.units), out=out, err=err, json=as_json, sockets=bool(args.sockets))
    if handler in ("capture", "verify", "pin"):
        from pywats_production.cli import _contract

        if handler == "verify":
            return _contract.run_verify(args, out=out, err=err, as_json=as_json)
        if handler == "pin":
            return _contract.run_pin(args, out=out, err=err, as_json=as_json)
        base_url, token, timeout, _, verify = _connection(args, environ, err)
        return _contract.run_capture(
            args,
            base_url=base_url,
            token=token,
            timeout=timeout,
            verify=verify,
            out=out,
            err=err,
            as_json=as_json,
        )
    if handler.startswith("internal_"):
        return _dispatch_internal(args, handler, out=out, err=err, environ=environ)
    from pywats_production.errors import NotFoundError, WatsResponseError

    with _service(args, environ, err) as service:
        try:
            return _command(
                handler, args, service, out, err, as_json, environ, binary_in, binary_out
            )
        except (NotFoundError, WatsResponseError) as exc:
            _check_server(service, exc)
            raise


def _command(
    handler: str,
    args: argparse.Namespace,
    service: ProductionService,
    out: TextIO,
    err: TextIO,
    as_json: bool,
    environ: Mapping[str, str],
    binary_in: BinaryIO | None,
    binary_out: BinaryIO | None,
) -> ExitCode:
    from pywats_production.cli import _commands as c

    ctx = c.Context(service, out, err, as_json, binary_out=binary_out, binary_in=binary_in)
    if handler == "unit_get":
        return c.unit_get(ctx, _text(args, "serial_number"), _text(args, "part_number"))
    if handler == "unit_create":
        return c.unit_create(
            ctx,
            _text(args, "serial_number"),
            _text(args, "part_number"),
            revision=_optional(args, "revision"),
            phase=_optional(args, "phase"),
            batch_number=_optional(args, "batch"),
            location=_optional(args, "location"),
        )
    if handler == "unit_query":
        fields = {
            name: _optional(args, name)
            for name in (
                "serial_number",
                "part_number",
                "revision",
                "batch_number",
                "phase",
                "process_code",
                "current_location",
                "serial_date_from",
                "serial_date_to",
                "has_sub_unit_part_number",
            )
        }
        if args.all_pages and (args.top is not None or args.orderby is not None):
            raise CliError("--all pages in key order: leave out --top and --orderby")
        return c.unit_query(
            ctx,
            _optional(args, "filter"),
            top=args.top,
            orderby=_optional(args, "orderby"),
            all_pages=bool(args.all_pages),
            page_size=int(args.page_size),
            fields=fields,
        )
    if handler == "unit_set_phase":
        return c.unit_set_phase(
            ctx, _text(args, "serial_number"), _text(args, "part_number"), _text(args, "phase")
        )
    if handler == "unit_set_process":
        return c.unit_set_process(
            ctx,
            _text(args, "serial_number"),
            _text(args, "part_number"),
            _text(args, "process"),
        )
    if handler == "serials_types":
        return c.serials_types(ctx)
    if handler == "serials_take":
        return c.serials_take(
            ctx,
            _text(args, "type_name"),
            int(args.quantity),
            ref_serial_number=_optional(args, "ref_sn"),
            ref_part_number=_optional(args, "ref_pn"),
            station_name=_optional(args, "station"),
            only_in_sequence=bool(args.in_sequence),
            partial=bool(args.partial),
            wire_format=_text(args, "format"),
        )
    if handler == "serials_export":
        return c.serials_export(
            ctx,
            _text(args, "type_name"),
            wire_format=_text(args, "format"),
            output=_optional(args, "output"),
        )
    if handler == "serials_upload":
        return c.serials_upload(
            ctx,
            _text(args, "type_name"),
            _text(args, "file"),
            wire_format=_optional(args, "format"),
        )
    if handler in ("assembly_add", "assembly_remove"):
        parent = (_text(args, "parent_sn"), _text(args, "parent_pn"))
        child = (_text(args, "child_sn"), _text(args, "child_pn"))
        if handler == "assembly_remove":
            return c.assembly_remove(ctx, *parent, *child)
        return c.assembly_add(
            ctx,
            *parent,
            *child,
            check_part_number=_optional(args, "check_pn"),
            check_revision=_optional(args, "check_rev"),
        )
    if handler == "assembly_check":
        return c.assembly_check(ctx, _text(args, "parent_sn"), _text(args, "parent_pn"))
    if handler == "changes_consume":
        max_count = int(args.max_count)
        limit = None if args.limit is None else int(args.limit)
        if max_count < 1:
            raise CliError(f"--max-count must be at least 1, got {max_count}")
        if limit is not None and limit < 1:
            raise CliError(f"--limit must be at least 1, got {limit}")
        return c.changes_consume(
            ctx,
            _text(args, "exec_command"),
            max_count=max_count,
            limit=limit,
            environ=environ,
        )
    if handler == "version":
        return c.version(ctx)
    raise CliError(f"unknown command {handler!r}")  # pragma: no cover - argparse guards


def _dispatch_internal(
    args: argparse.Namespace,
    handler: str,
    *,
    out: TextIO,
    err: TextIO,
    environ: Mapping[str, str],
) -> ExitCode:
    import warnings

    from pywats_production.cli import _commands as c
    from pywats_production.errors import NotFoundError, WatsResponseError

    as_json = bool(_option(args, "json"))
    with (
        _service(args, environ, err, internal=True) as service,
        warnings.catch_warnings(record=True) as caught,
    ):
        # The version gate's warning becomes one line on stderr, never a Python warning,
        # and after the error line when the command fails (the error comes first).
        warnings.simplefilter("always")
        ctx = c.Context(service, out, err, as_json)
        try:
            try:
                code = _internal_command(handler, args, ctx)
            except (NotFoundError, WatsResponseError) as exc:
                _check_server(service, exc)
                raise
        except (WatsError, CliError) as exc:
            _report_error(exc, err)
            code = exit_code_for(exc)
        for warning in caught:
            err.write(f"{PROG}: warning: {warning.message}\n")
        return code


def _internal_command(handler: str, args: argparse.Namespace, ctx: Context) -> ExitCode:
    from pywats_production.cli import _commands as c

    if handler == "internal_phases":
        return c.internal_phases(ctx)
    if handler == "internal_history":
        return c.internal_history(ctx, _text(args, "serial_number"), _text(args, "part_number"))
    if handler == "internal_hierarchy":
        return c.internal_hierarchy(ctx, _text(args, "serial_number"), _text(args, "part_number"))
    return c.internal_serial_stats(ctx, _optional(args, "type_name"))


def _report_error(exc: BaseException, err: TextIO) -> None:
    err.write(f"{PROG}: {label_for(exc)}: {exc}\n")
    if isinstance(exc, WatsConnectionError):
        err.write(f"{PROG}: hint: check --base-url / WATS_BASE_URL and that the server is up\n")
    if isinstance(exc, AmbiguousOutcomeError):
        for key, value in exc.details.items():
            err.write(f"  {key}: {value}\n")
        if exc.recovered:
            err.write(f"  recovered so far: {', '.join(exc.recovered)}\n")


def _run_mock(arguments: Sequence[str], err: TextIO) -> int:
    try:
        from pywats_production.mock.__main__ import main as mock_main
    except ImportError as exc:  # the mock extra is not installed
        err.write(
            f"{PROG}: error: the mock needs the 'mock' extra "
            f'(pip install "pywats-production[mock]"): {exc}\n'
        )
        return ExitCode.ERROR
    try:
        with contextlib.redirect_stderr(err):
            return mock_main(list(arguments), prog=f"{PROG} mock", err=err)
    except SystemExit as exc:  # the mock's own --help or usage error
        return int(exc.code) if isinstance(exc.code, int) else ExitCode.USAGE


def run(
    argv: Sequence[str] | None = None,
    *,
    out: TextIO | None = None,
    err: TextIO | None = None,
    environ: Mapping[str, str] | None = None,
    binary_in: BinaryIO | None = None,
    binary_out: BinaryIO | None = None,
) -> int:
    """Run ``wats-production`` with explicit streams and environment (what tests call).

    Never raises for any input: every failure is one line on ``err`` and an exit status.

    Args:
        argv: the arguments (``sys.argv[1:]`` when None).
        out: standard output (``sys.stdout`` when None).
        err: standard error (``sys.stderr`` when None).
        environ: the environment (``os.environ`` when None).
        binary_in: binary standard input (for ``serials upload TYPE -``).
        binary_out: binary standard output (for ``serials export``); when None, the
            export is written to ``out`` as UTF-8 text.

    Returns:
        The exit status (see :class:`ExitCode`).

    """
    out = sys.stdout if out is None else out
    err = sys.stderr if err is None else err
    environ = os.environ if environ is None else environ
    arguments = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    try:
        # argparse prints help and usage errors on sys.stdout/sys.stderr itself.
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            args = parser.parse_args(arguments)
    except SystemExit as exc:  # --help, --version, or a usage error (already printed)
        return int(exc.code) if isinstance(exc.code, int) else ExitCode.USAGE
    if args.handler == "mock":
        with contextlib.redirect_stdout(out):
            return _run_mock(args.mock_args, err)
    verbosity = _option(args, "verbose")
    level = int(verbosity) if isinstance(verbosity, int) else 0
    try:
        with _sdk_logging(level, err):
            return int(
                _dispatch(
                    args,
                    out=out,
                    err=err,
                    environ=environ,
                    binary_in=binary_in,
                    binary_out=binary_out,
                )
            )
    except (WatsError, CliError) as exc:
        _report_error(exc, err)
        return int(exit_code_for(exc))
    except KeyboardInterrupt:
        err.write(f"{PROG}: interrupted\n")
        return 130
    except BrokenPipeError:
        raise  # main() handles the reader that left
    except Exception as exc:  # a bug of ours: still one line, never a traceback
        err.write(
            f"{PROG}: error: unexpected {type(exc).__name__}: {exc} (a bug: please report "
            "it with the command line; -vv shows the traceback)\n"
        )
        if level > 1:
            import traceback

            traceback.print_exception(exc, file=err)
        return ExitCode.ERROR


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``wats-production`` console script.

    Args:
        argv: the arguments (``sys.argv[1:]`` when None).

    Returns:
        The exit status (the console script exits with it).

    Example:
        >>> main(["--version"])  # doctest: +SKIP
        wats-production 0.1.0

    """
    stdin = getattr(sys.stdin, "buffer", None)
    stdout = getattr(sys.stdout, "buffer", None)
    try:
        return run(argv, binary_in=stdin, binary_out=stdout)
    except BrokenPipeError:
        # `wats-production serials take ... | head`: the reader left; not an error of ours.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return int(ExitCode.ERROR)

"""The commands of ``wats-production`` that talk to a server (real or the mock)."""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, TextIO

import attrs

from pywats_production import compat
from pywats_production._validate import require_quantity
from pywats_production.cli._exit import CliError, ExitCode
from pywats_production.cli._output import dump_json, format_table, to_jsonable
from pywats_production.internal_models import InternalUnit
from pywats_production.models import ChildUnitCheck, Unit, UnitChange
from pywats_production.phase import UnitPhase
from pywats_production.serials import normalize_format, parse_export

if TYPE_CHECKING:
    from pywats_production import ProductionService

__all__ = [
    "Context",
    "assembly_add",
    "assembly_check",
    "assembly_remove",
    "changes_consume",
    "serials_export",
    "serials_take",
    "serials_types",
    "serials_upload",
    "unit_create",
    "unit_get",
    "unit_query",
    "unit_set_phase",
    "unit_set_process",
    "version",
]


@attrs.define
class Context:
    """What a command needs: the service, the streams, and the output mode.

    Attributes:
        service: the SDK service bound to the server.
        out: standard output (results).
        err: standard error (messages, progress).
        json: print one JSON document on ``out`` instead of text.
        binary_out: a binary standard output for file contents (export).
        binary_in: a binary standard input (upload from ``-``).

    """

    service: ProductionService
    out: TextIO
    err: TextIO
    json: bool = False
    binary_out: BinaryIO | None = None
    binary_in: BinaryIO | None = None

    def emit(self, document: object, text: str) -> None:
        """Print ``document`` as JSON in JSON mode, else ``text`` (if not empty)."""
        if self.json:
            dump_json(document, self.out)
        elif text:
            self.out.write(text if text.endswith("\n") else text + "\n")


def _phase_text(phase: UnitPhase | None) -> str:
    return "-" if phase is None else f"{phase.label} ({int(phase)})"


def _pairs(pairs: list[tuple[str, object]]) -> str:
    width = max(len(k) for k, _ in pairs)
    return "\n".join(f"{k.ljust(width)}  {'-' if v is None else v}" for k, v in pairs)


# ----------------------------------------------------------------------------- unit


def _unit_text(unit: Unit) -> str:
    product = unit.product.name if unit.product is not None else None
    pairs: list[tuple[str, object]] = [
        ("serial number", unit.serial_number),
        ("part number", unit.part_number),
        ("revision", unit.revision),
        ("product", product),
        ("phase", _phase_text(unit.phase)),
        ("process code", unit.process_code),
        ("parent", unit.parent_serial_number or None),
        ("batch", unit.batch_number),
        ("serial date", unit.serial_date.isoformat() if unit.serial_date else None),
        ("location", unit.current_location),
        ("sub-units", len(unit.sub_units)),
    ]
    text = _pairs(pairs)
    if unit.sub_units:
        rows = [
            [u.serial_number, u.part_number, u.revision, _phase_text(u.phase)]
            for u in unit.sub_units
        ]
        text += "\n\n" + format_table(["serial number", "part number", "rev", "phase"], rows)
    return text


def unit_get(ctx: Context, serial_number: str, part_number: str) -> ExitCode:
    """Show a unit (``unit get SN PN``)."""
    unit = ctx.service.get_unit(serial_number, part_number)
    ctx.emit(unit, _unit_text(unit))
    return ExitCode.OK


def unit_query(
    ctx: Context,
    filter_text: str | None,
    *,
    top: int | None,
    orderby: str | None,
    all_pages: bool,
    page_size: int,
    fields: Mapping[str, str | None],
) -> ExitCode:
    """Find units (``unit query [--part-number PN] [--phase PHASE] ... [--all]``)."""
    given = {name: value for name, value in fields.items() if value is not None}
    if all_pages:
        units = list(ctx.service.iter_units(filter_text, page_size=page_size, **given))  # type: ignore[arg-type]
    else:
        units = ctx.service.query_units(filter_text, top=top, orderby=orderby, **given)  # type: ignore[arg-type]
    rows = [
        [
            u.serial_number,
            u.part_number,
            u.revision or "-",
            _phase_text(u.phase),
            u.batch_number or "-",
            u.current_location or "-",
        ]
        for u in units
    ]
    text = format_table(["serial number", "part number", "rev", "phase", "batch", "location"], rows)
    count = f"{len(units)} unit{'s' * (len(units) != 1)}"
    ctx.emit(units, f"{text}\n\n{count}" if units else f"no unit matches ({count})")
    return ExitCode.OK


def unit_create(
    ctx: Context,
    serial_number: str,
    part_number: str,
    *,
    revision: str | None,
    phase: str | None,
    batch_number: str | None,
    location: str | None,
) -> ExitCode:
    """Create a unit and show it as the server has it (``unit create SN PN``).

    Refused (:attr:`ExitCode.REFUSED`) when the unit exists already: PUT Units would
    overwrite it, which ``create`` must not do.
    """
    from pywats_production.errors import NotFoundError

    parsed = UnitPhase.parse(phase) if phase is not None else None
    unit = Unit(
        serial_number=serial_number,
        part_number=part_number,
        revision=revision,
        phase=parsed,
        batch_number=batch_number,
        current_location=location,
    )
    try:
        ctx.service.get_unit(serial_number, part_number)
    except NotFoundError:
        pass
    else:
        raise CliError(
            f"unit {serial_number!r} / {part_number!r} exists already; nothing was changed "
            "(unit set-phase / set-process change it)",
            ExitCode.REFUSED,
        )
    ctx.service.save_units([unit])
    created = ctx.service.get_unit(serial_number, part_number)
    if not ctx.json:
        ctx.err.write(f"created {serial_number} {part_number}\n")
    ctx.emit(created, _unit_text(created))
    return ExitCode.OK


def unit_set_phase(ctx: Context, serial_number: str, part_number: str, phase: str) -> ExitCode:
    """Set a unit's phase, by name or number (``unit set-phase SN PN PHASE``)."""
    parsed = UnitPhase.parse(phase)
    ctx.service.set_unit_phase(serial_number, part_number, parsed)
    ctx.emit(
        {
            "serial_number": serial_number,
            "part_number": part_number,
            "phase": int(parsed),
            "phase_name": parsed.label,
        },
        f"{serial_number} {part_number}: phase set to {_phase_text(parsed)}",
    )
    return ExitCode.OK


def unit_set_process(
    ctx: Context, serial_number: str, part_number: str, process_name: str
) -> ExitCode:
    """Set a unit's current process by name (``unit set-process SN PN PROCESS``)."""
    ctx.service.set_unit_process(serial_number, part_number, process_name)
    ctx.emit(
        {"serial_number": serial_number, "part_number": part_number, "process": process_name},
        f"{serial_number} {part_number}: process set to {process_name}",
    )
    return ExitCode.OK


# -------------------------------------------------------------------------- serials


def serials_types(ctx: Context) -> ExitCode:
    """List the serial-number types (``serials types``)."""
    types = ctx.service.get_serial_number_types()
    rows = [
        [
            t.name,
            t.identifier_name or (int(t.identifier) if t.identifier is not None else None),
            t.format,
            t.regex,
            t.description,
        ]
        for t in types
    ]
    text = (
        format_table(["name", "identifier", "format", "regex", "description"], rows)
        if rows
        else "no serial-number types"
    )
    ctx.emit(types, text)
    return ExitCode.OK


def _free_count(ctx: Context, type_name: str) -> int | None:
    """Count a pool's free numbers from its export; None when the export does not say."""
    from pywats_production.errors import WatsResponseError

    data = ctx.service.export_serial_numbers(type_name, format="CSV")
    try:
        records = parse_export(data, "CSV")
    except WatsResponseError:
        return None  # an export layout the SDK cannot read: the take itself still works
    if any(r.taken is None for r in records):
        return None
    return sum(1 for r in records if not r.taken)


def serials_take(
    ctx: Context,
    type_name: str,
    quantity: int,
    *,
    ref_serial_number: str | None,
    ref_part_number: str | None,
    station_name: str | None,
    only_in_sequence: bool,
    partial: bool = False,
    wire_format: str,
) -> ExitCode:
    """Take numbers from a pool and print them, one a line (``serials take TYPE N``).

    Without ``partial``, the pool's free numbers are counted first (from its export) and
    nothing is taken when fewer than ``quantity`` are free. Numbers that were taken are
    always printed, even when fewer than asked (the pool emptied meanwhile): a number
    taken is never dropped. Exits :attr:`ExitCode.POOL_SHORT` when fewer than asked
    were taken (with ``partial``: when none was).
    """
    fmt = normalize_format(wire_format)
    require_quantity(quantity)
    if not partial and not only_in_sequence:
        # The server hands out what is left when fewer are free: check first, so that
        # `take TYPE 1000000000` does not drain the pool. (--in-sequence is all or
        # nothing on the server already.)
        free = _free_count(ctx, type_name)
        if free is not None and free < quantity:
            raise CliError(
                f"the pool of {type_name} has {free} free number(s), fewer than {quantity}; "
                "nothing was taken (--partial takes what is free)",
                ExitCode.POOL_SHORT,
            )
    numbers = ctx.service.take_serial_numbers(
        type_name,
        quantity,
        ref_serial_number=ref_serial_number,
        ref_part_number=ref_part_number,
        station_name=station_name,
        only_in_sequence=only_in_sequence,
        format=fmt,
    )
    ctx.emit({"type": type_name, "requested": quantity, "numbers": numbers}, "\n".join(numbers))
    if len(numbers) < quantity:
        ctx.err.write(
            f"wats-production: pool short: took {len(numbers)} of {quantity}: "
            f"the pool of {type_name} has no more free numbers\n"
        )
        if not numbers or not partial:
            return ExitCode.POOL_SHORT
    return ExitCode.OK


def serials_export(
    ctx: Context, type_name: str, *, wire_format: str, output: str | None
) -> ExitCode:
    """Write a type's export file to ``-o FILE`` or stdout (``serials export TYPE``)."""
    fmt = normalize_format(wire_format)
    data = ctx.service.export_serial_numbers(type_name, format=fmt)
    if output is not None and output != "-":
        try:
            Path(output).write_bytes(data)
        except OSError as exc:
            raise CliError(f"cannot write {output}: {exc.strerror or exc}") from exc
        records = parse_export(data, fmt) if ctx.json else None
        ctx.emit(
            {
                "type": type_name,
                "format": fmt,
                "file": output,
                "bytes": len(data),
                "count": len(records or ()),
            },
            "",
        )
        if not ctx.json:
            ctx.err.write(f"wrote {len(data)} bytes ({fmt}) to {output}\n")
        return ExitCode.OK
    if ctx.json:
        dump_json({"type": type_name, "format": fmt, "records": parse_export(data, fmt)}, ctx.out)
        return ExitCode.OK
    if ctx.binary_out is not None:
        ctx.out.flush()
        ctx.binary_out.write(data)
        ctx.binary_out.flush()
    else:
        ctx.out.write(data.decode("utf-8", "replace"))
    return ExitCode.OK


def _guess_format(path: str) -> str:
    return "XML" if path.lower().endswith(".xml") else "CSV"


def serials_upload(ctx: Context, type_name: str, path: str, *, wire_format: str | None) -> ExitCode:
    """Add numbers from a CSV or XML file, ``-`` for stdin (``serials upload TYPE FILE``)."""
    fmt = normalize_format(wire_format or _guess_format(path))
    if path == "-":
        if ctx.binary_in is None:
            raise CliError("no standard input to read the file from")
        data = ctx.binary_in.read()
    else:
        try:
            data = Path(path).read_bytes()
        except OSError as exc:
            raise CliError(f"cannot read {path}: {exc.strerror or exc}") from exc
    ctx.service.upload_serial_numbers(type_name, data, format=fmt)
    ctx.emit(
        {"type": type_name, "format": fmt, "bytes": len(data)},
        f"uploaded {len(data)} bytes ({fmt}) to {type_name}",
    )
    return ExitCode.OK


# ------------------------------------------------------------------------- assembly


def assembly_add(
    ctx: Context,
    parent_serial_number: str,
    parent_part_number: str,
    child_serial_number: str,
    child_part_number: str,
    *,
    check_part_number: str | None,
    check_revision: str | None,
) -> ExitCode:
    """``assembly add``: link a child unit to a parent."""
    ctx.service.add_child_unit(
        parent_serial_number,
        parent_part_number,
        child_serial_number,
        child_part_number,
        check_part_number=check_part_number,
        check_revision=check_revision,
    )
    ctx.emit(
        {
            "parent_serial_number": parent_serial_number,
            "parent_part_number": parent_part_number,
            "child_serial_number": child_serial_number,
            "child_part_number": child_part_number,
            "linked": True,
        },
        f"{child_serial_number} {child_part_number} is now a child of "
        f"{parent_serial_number} {parent_part_number}",
    )
    return ExitCode.OK


def assembly_remove(
    ctx: Context,
    parent_serial_number: str,
    parent_part_number: str,
    child_serial_number: str,
    child_part_number: str,
) -> ExitCode:
    """``assembly remove``: remove a parent/child link."""
    ctx.service.remove_child_unit(
        parent_serial_number, parent_part_number, child_serial_number, child_part_number
    )
    ctx.emit(
        {
            "parent_serial_number": parent_serial_number,
            "parent_part_number": parent_part_number,
            "child_serial_number": child_serial_number,
            "child_part_number": child_part_number,
            "linked": False,
        },
        f"{child_serial_number} {child_part_number} is no longer a child of "
        f"{parent_serial_number} {parent_part_number}",
    )
    return ExitCode.OK


def _check_text(check: ChildUnitCheck, serial_number: str, part_number: str) -> str:
    verdict = {True: "matches", False: "does NOT match", None: "unknown"}[check.is_valid]
    lines = [f"{serial_number} {part_number}: box build {verdict}"]
    if check.children:
        rows = [
            [
                c.serial_number,
                c.part_number,
                c.revision,
                {True: "ok", False: "invalid", None: "-"}[c.is_valid],
                c.message,
            ]
            for c in check.children
        ]
        lines += ["", format_table(["child", "part number", "rev", "valid", "message"], rows)]
    if check.requirements:
        rows2: list[list[object]] = [
            [r.part_number, r.revision, r.quantity, r.found] for r in check.requirements
        ]
        lines += ["", format_table(["required part", "rev", "quantity", "found"], rows2)]
    return "\n".join(lines)


def assembly_check(ctx: Context, parent_serial_number: str, parent_part_number: str) -> ExitCode:
    """``assembly check``: compare a parent's children with its box build.

    Exits with :attr:`ExitCode.CHECK_FAILED` when the server says they do not match.
    """
    check = ctx.service.check_child_units(parent_serial_number, parent_part_number)
    ctx.emit(check, _check_text(check, parent_serial_number, parent_part_number))
    return ExitCode.CHECK_FAILED if check.is_valid is False else ExitCode.OK


# -------------------------------------------------------------------------- changes


class _HandlerFailed(Exception):
    def __init__(self, change: UnitChange, message: str) -> None:
        super().__init__(message)
        self.change = change


def _change_env(change: UnitChange) -> dict[str, str]:
    env = {
        "WATS_CHANGE_ID": str(change.id),
        "WATS_CHANGE_SERIAL_NUMBER": change.unit_serial_number or "",
        "WATS_CHANGE_NEW_PARENT_SERIAL_NUMBER": change.new_parent_serial_number or "",
        "WATS_CHANGE_NEW_PART_NUMBER": change.new_part_number or "",
        "WATS_CHANGE_NEW_REVISION": change.new_revision or "",
        "WATS_CHANGE_NEW_PHASE": "" if change.new_phase is None else str(int(change.new_phase)),
        "WATS_CHANGE_NEW_PHASE_NAME": "" if change.new_phase is None else change.new_phase.label,
    }
    return env


def changes_consume(
    ctx: Context,
    command: str,
    *,
    max_count: int,
    limit: int | None,
    environ: Mapping[str, str] | None = None,
    runner: Callable[..., subprocess.CompletedProcess[bytes]] = subprocess.run,
) -> ExitCode:
    """Hand each pending change to CMD, oldest first (``changes consume --exec CMD``).

    CMD (split like a shell would, but run without one) gets the change as a JSON object
    on stdin and as ``WATS_CHANGE_*`` environment variables. A change is acknowledged
    (deleted) only after CMD exited 0. The first failure stops the run with
    :attr:`ExitCode.HANDLER_FAILED` and leaves that change pending.
    """
    try:
        argv = shlex.split(command)
    except ValueError as exc:
        raise CliError(f"--exec: {exc}") from exc
    if not argv:
        raise CliError("--exec needs a command")
    base_env = dict(os.environ if environ is None else environ)
    handled: list[int] = []
    # In JSON mode stdout carries one document: the command's own output goes to stderr.
    child_out = ctx.err if ctx.json else ctx.out

    def handle(change: UnitChange) -> None:
        document = json.dumps(to_jsonable(change), ensure_ascii=False).encode()
        ctx.out.flush()
        ctx.err.flush()
        try:
            result = runner(
                argv,
                input=document,
                env={**base_env, **_change_env(change)},
                stdout=_fileno_or_none(child_out),
                check=False,
            )
        except OSError as exc:
            raise _HandlerFailed(change, f"cannot run {argv[0]}: {exc.strerror or exc}") from exc
        if result.returncode != 0:
            raise _HandlerFailed(change, f"{argv[0]} exited with status {result.returncode}")
        handled.append(change.id)
        if not ctx.json:
            ctx.err.write(f"change {change.id} ({change.unit_serial_number}): handled\n")

    try:
        ctx.service.consume_unit_changes(handle, max_count=max_count, limit=limit)
    except _HandlerFailed as failure:
        ctx.emit(
            {"handled": handled, "failed": {"id": failure.change.id, "reason": str(failure)}},
            "",
        )
        ctx.err.write(
            f"wats-production: handler failed: change {failure.change.id} "
            f"({failure.change.unit_serial_number}): {failure}; the change stays pending\n"
        )
        return ExitCode.HANDLER_FAILED
    ctx.emit({"handled": handled, "failed": None}, "")
    if not ctx.json:
        ctx.err.write(f"{len(handled)} change(s) handled and acknowledged\n")
    return ExitCode.OK


# ------------------------------------------------------------------------- internal


def internal_phases(ctx: Context) -> ExitCode:
    """List the unit phases the server knows (``internal phases``)."""
    phases = ctx.service.internal.get_unit_phases()
    rows = [[int(p.phase), p.code, p.name, p.description] for p in phases]
    ctx.emit(phases, format_table(["id", "code", "name", "description"], rows))
    return ExitCode.OK


def internal_history(ctx: Context, serial_number: str, part_number: str) -> ExitCode:
    """Show a unit's state history, oldest first (``internal history SN PN``)."""
    history = ctx.service.internal.get_unit_state_history(serial_number, part_number)
    rows = [
        [s.at.isoformat() if s.at else None, _phase_text(s.phase), s.process]
        for s in history.states
    ]
    ctx.emit(history, format_table(["since", "phase", "process"], rows))
    return ExitCode.OK


def _tree_lines(unit: InternalUnit, depth: int = 0) -> list[str]:
    label = f"{unit.serial_number} {unit.part_number} rev {unit.revision or '-'}"
    lines = [f"{'  ' * depth}{label}  {_phase_text(unit.phase)}"]
    for child in unit.children:
        lines.extend(_tree_lines(child, depth + 1))
    return lines


def internal_hierarchy(ctx: Context, serial_number: str, part_number: str) -> ExitCode:
    """Show a unit with its children as an indented tree (``internal hierarchy SN PN``)."""
    tree = ctx.service.internal.get_unit_hierarchy(serial_number, part_number)
    ctx.emit(tree, "\n".join(_tree_lines(tree)))
    return ExitCode.OK


def internal_serial_stats(ctx: Context, type_name: str | None) -> ExitCode:
    """Show free, reserved and taken numbers per type (``internal serial-stats [TYPE]``)."""
    stats = ctx.service.internal.get_serial_number_statistics(type_name)
    rows = [[s.serial_number_type, s.total, s.free, s.reserved, s.taken] for s in stats]
    ctx.emit(stats, format_table(["type", "total", "free", "reserved", "taken"], rows))
    return ExitCode.OK


def _fileno_or_none(stream: TextIO) -> int | None:
    # A real stream is passed through to the child by descriptor; a StringIO (tests)
    # cannot be, so the child then inherits the process's own stdout.
    try:
        return stream.fileno()
    except (OSError, ValueError, AttributeError):
        return None


# -------------------------------------------------------------------------- version


def version(ctx: Context) -> ExitCode:
    """``version``: the server's version and whether the SDK's contract matches it."""
    from pywats_production import __version__

    server = ctx.service.server_version()
    report = compat.compare(server, pins=ctx.service.config.pins)
    ctx.emit(
        {
            "sdk_version": __version__,
            "server_version": server.text,
            "server_version_parts": list(server.parts),
            "compatibility": report.status.value,
            "reason": report.reason,
            "spec_version": report.spec_version,
            "spec_server_api_version": report.spec_server_api_version,
            "spec_sha256": report.spec_sha256,
        },
        _pairs(
            [
                ("server version", server.text),
                ("compatibility", f"{report.status.value}: {report.reason}"),
                ("sdk version", __version__),
                (
                    "contract",
                    f"WATS API {report.spec_version} (spec sha256 {report.spec_sha256[:16]})",
                ),
            ]
        ),
    )
    return ExitCode.OK


def stdout_binary() -> BinaryIO | None:
    """Return the process's binary stdout, when there is one."""
    buffer = getattr(sys.stdout, "buffer", None)
    return buffer if buffer is not None else None

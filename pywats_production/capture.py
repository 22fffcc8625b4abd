"""Capture: drive a real server through the SDK and record every exchange in a cassette.

``wats-production capture`` calls :func:`capture`. It reads by default: the server's
version and processes, the serial-number types, the changes feed (read, never
acknowledged), and for each unit named (``--serial``/``--part-number``, else the units the
feed lists) the unit, its verification grade and its box-build check, plus the serial
numbers taken for those references. With ``allow_writes`` and a scratch prefix it also
writes, and only under that prefix: a batch, two units (serials starting with the
prefix), their process and phases, a box built and unbuilt from them, numbers taken
with the units as reference (exported, listed and uploaded back unchanged), and it
acknowledges only the changes of units under the prefix.

Every exchange is recorded whatever the server answers: judging it is ``verify``'s job.
See :mod:`pywats_production.cassette` for the format and how secrets are kept out.
"""

from __future__ import annotations

import datetime as dt
import re
import ssl
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import attrs
import httpx

from .cassette import (
    REQUEST_HEADERS,
    RESPONSE_HEADERS,
    CassetteHeader,
    CassetteWriter,
    Exchange,
    Scrubber,
    make_body,
    match_operation,
    now_iso,
)
from .errors import (
    AuthenticationError,
    PermissionDeniedError,
    WatsConnectionError,
    WatsError,
    WatsInputError,
    sanitize_url,
)
from .models import ServerVersion

if TYPE_CHECKING:
    from ._sync_service import ProductionService
    from .models import SerialNumberRecord

__all__ = ["CaptureResult", "CaptureSettings", "RecordingTransport", "capture"]

T = TypeVar("T")
_PREFIX = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{2,31}$")


class RecordingTransport(httpx.BaseTransport):
    """An httpx transport that records each exchange it carries.

    Args:
        inner: the transport that really sends.
        scrub: removes the token from everything recorded.
        sink: receives each recorded :class:`~pywats_production.cassette.Exchange`.

    """

    def __init__(
        self, inner: httpx.BaseTransport, scrub: Scrubber, sink: Callable[[Exchange], None]
    ) -> None:
        self._inner = inner
        self._scrub = scrub
        self._sink = sink
        self._index = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        """Send ``request``, record it with its answer, and return the answer."""
        content = request.read()
        started = now_iso()
        t0 = time.perf_counter()
        response = self._inner.handle_request(request)
        try:
            raw = response.read()
        finally:
            response.close()
        elapsed = (time.perf_counter() - t0) * 1000
        answer = httpx.Response(
            response.status_code, headers=response.headers, content=raw, request=request
        )
        # Record the decoded body (a server may compress despite Accept-Encoding: identity).
        decoded = answer.content if "content-encoding" in response.headers else raw
        self._record(request, content, answer, decoded, started, elapsed)
        return httpx.Response(
            response.status_code,
            headers=response.headers,
            content=raw,
            request=request,
            extensions=response.extensions,
        )

    def _record(
        self,
        request: httpx.Request,
        content: bytes,
        response: httpx.Response,
        body: bytes,
        started: str,
        elapsed: float,
    ) -> None:
        scrub = self._scrub
        raw_path = request.url.raw_path.decode("ascii").split("?", 1)[0]
        operation, template, values = match_operation(request.method, raw_path)
        request_headers = {
            k.lower(): scrub.text(v)
            for k, v in request.headers.items()
            if k.lower() in REQUEST_HEADERS
        }
        response_headers = {
            k.lower(): scrub.text(v)
            for k, v in response.headers.items()
            if k.lower() in RESPONSE_HEADERS
        }
        exchange = Exchange(
            index=self._index,
            operation=operation,
            method=request.method,
            path=scrub.text(raw_path),
            path_template=template,
            path_values={k: scrub.text(v) for k, v in values.items()},
            query=tuple(
                (scrub.text(k), scrub.text(v)) for k, v in request.url.params.multi_items()
            ),
            request_headers=request_headers,
            request_body=make_body(content, request.headers.get("content-type"), scrub),
            status=response.status_code,
            response_headers=response_headers,
            response_body=make_body(body, response.headers.get("content-type"), scrub),
            started=started,
            elapsed_ms=elapsed,
        )
        self._index += 1
        self._sink(exchange)

    def close(self) -> None:
        """Close the inner transport."""
        self._inner.close()


@attrs.frozen(kw_only=True)
class CaptureSettings:
    """What to capture and how.

    Attributes:
        serials: serial numbers to read (paired with ``part_numbers`` by position; one
            part number applies to every serial).
        part_numbers: part numbers of those serials; extra ones are used as references.
        allow_writes: also write, under ``scratch_prefix`` only.
        scratch_prefix: the prefix of every serial number (and batch) the capture writes.
        serial_type: the pool to take numbers from (default: the first type listed).
        process: the process to set (default: the first test operation listed).
        box_parent: part number of a product whose box build holds ``box_child``.
        box_child: part number of the child product.
        revision: the revision of the units created.
        max_changes: changes read from the feed per request.

    """

    serials: tuple[str, ...] = ()
    part_numbers: tuple[str, ...] = ()
    allow_writes: bool = False
    scratch_prefix: str | None = None
    serial_type: str | None = None
    process: str | None = None
    box_parent: str | None = None
    box_child: str | None = None
    revision: str = "A"
    max_changes: int = 100

    def check(self) -> None:
        """Refuse inconsistent settings before anything is sent.

        Raises:
            WatsInputError: writes without a valid prefix, a prefix without writes,
                serials without part numbers, a bad count.

        """
        if self.allow_writes:
            if not self.scratch_prefix:
                raise WatsInputError(
                    "--allow-writes needs --scratch-prefix P: every serial number written "
                    "starts with P",
                    parameter="scratch_prefix",
                )
            if not _PREFIX.match(self.scratch_prefix):
                raise WatsInputError(
                    "the scratch prefix must be 3 to 32 letters, digits, '.', '_' or '-', "
                    f"starting with a letter or digit, not {self.scratch_prefix!r}",
                    parameter="scratch_prefix",
                )
            if not (self.box_parent or self.part_numbers):
                raise WatsInputError(
                    "--allow-writes needs the part numbers of the units it creates: "
                    "--box-parent-pn PN --box-child-pn PN (or --part-number PN)",
                    parameter="box_parent",
                )
        elif self.scratch_prefix:
            raise WatsInputError(
                "--scratch-prefix is only used with --allow-writes", parameter="scratch_prefix"
            )
        if self.serials and not self.part_numbers:
            raise WatsInputError(
                "give the part number of the serials: --part-number PN", parameter="part_number"
            )
        if len(self.part_numbers) > 1 and len(self.part_numbers) < len(self.serials):
            raise WatsInputError(
                "give one --part-number for all serials, or one per --serial",
                parameter="part_number",
            )
        for value in (*self.serials, *self.part_numbers):
            if not value.strip():
                raise WatsInputError("serial and part numbers must not be blank")
        if self.max_changes < 1:
            raise WatsInputError("max_changes must be at least 1", parameter="max_changes")

    def units(self) -> list[tuple[str, str]]:
        """Return the (serial, part number) pairs to read."""
        if not self.serials:
            return []
        if len(self.part_numbers) == 1:
            return [(sn, self.part_numbers[0]) for sn in self.serials]
        return list(zip(self.serials, self.part_numbers, strict=False))


@attrs.frozen(kw_only=True)
class CaptureResult:
    """What a capture did.

    Attributes:
        path: the cassette written.
        server_version: the version the server reported (None if unreadable).
        exchanges: exchanges recorded.
        operations: operations covered, sorted.
        failures: SDK calls that raised, as ``operation: error`` lines (recorded anyway).

    """

    path: Path
    server_version: str | None
    exchanges: int
    operations: tuple[str, ...]
    failures: tuple[str, ...]


def capture(
    base_url: str,
    token: str | None,
    out: str | Path,
    settings: CaptureSettings,
    *,
    timeout: float = 30.0,
    verify: bool | str | ssl.SSLContext = True,
    progress: Callable[[str], None] | None = None,
    transport: httpx.BaseTransport | None = None,
) -> CaptureResult:
    """Capture a server's answers to every operation the SDK knows into a cassette.

    Args:
        base_url: the server's root URL.
        token: the Basic token (used to authenticate, never written).
        out: the cassette file to write (replaced).
        settings: what to read and write (see :class:`CaptureSettings`).
        timeout: seconds per request.
        verify: TLS verification as for the services.
        progress: called with one line per exchange (None: silent).
        transport: the transport to send with (tests); a real HTTP transport by default.

    Returns:
        What was captured.

    Raises:
        WatsInputError: bad settings or base URL (nothing is sent).

    Example:
        >>> capture("https://wats.example.com", token, "wats.jsonl",  # doctest: +SKIP
        ...         CaptureSettings(serials=("SN0001",), part_numbers=("PCBA-100",)))

    """
    from . import ProductionService, RetryPolicy, __version__
    from ._config import _ssl_context, make_config
    from .compat import SPEC_INFO_VERSION, spec_sha256

    settings.check()
    # Validates the URL and token exactly as a service would, before anything is sent.
    config = make_config(
        base_url,
        token,
        timeout=timeout,
        verify=verify,
        retry=None,
        max_response_bytes=None,
        hooks=(),
        instrumentation=None,
        requests_per_minute=None,
        save_concurrency=1,
        pins=(),
    )
    scrub = Scrubber(token)
    pending: list[Exchange] = []
    writer: list[CassetteWriter] = []

    def sink(exchange: Exchange) -> None:
        if progress is not None:
            media = (exchange.content_type or "").split(";", 1)[0] or "no body"
            progress(
                f"[{exchange.index + 1}] {exchange.operation or '?'} {exchange.method} "
                f"{exchange.path} -> {exchange.status} {media} ({exchange.elapsed_ms:.0f} ms)"
            )
        if writer:
            writer[0].exchange(exchange)
        else:
            pending.append(exchange)

    inner = transport or httpx.HTTPTransport(verify=_ssl_context(config.verify))
    recording = RecordingTransport(inner, scrub, sink)
    client = httpx.Client(
        base_url=config.base_url,
        transport=recording,
        timeout=config.timeout,
        headers={"Accept-Encoding": "identity"},
        follow_redirects=False,
    )
    failures: list[str] = []
    path = Path(out)
    with (
        client,
        ProductionService(
            config.base_url,
            token,
            http_client=client,
            retry=RetryPolicy.never(),
            timeout=timeout,
            pins=(),
        ) as wats,
        path.open("w", encoding="utf-8", newline="\n") as stream,
    ):
        step = _Stepper(failures, progress)
        try:
            version = wats.server_version()
        except (WatsConnectionError, AuthenticationError, PermissionDeniedError):
            # No answer, or no right to ask: nothing worth a cassette.
            stream.close()
            path.unlink(missing_ok=True)
            raise
        except WatsError as exc:
            version = None
            failures.append(f"getServerVersion: {type(exc).__name__}: {exc}")
        header = CassetteHeader(
            server_version=scrub.text(version.text) if version is not None else None,
            sdk_version=__version__,
            spec_version=SPEC_INFO_VERSION,
            spec_sha256=spec_sha256(),
            base_url=scrub.text(sanitize_url(config.base_url)),
            recorded=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            mode="writes" if settings.allow_writes else "read-only",
            scratch_prefix=settings.scratch_prefix,
        )
        out_writer = CassetteWriter(stream, scrub)
        out_writer.header(header)
        for exchange in pending:
            out_writer.exchange(exchange)
        pending.clear()
        writer.append(out_writer)
        _read_only(wats, settings, step, version)
        if settings.allow_writes:
            _writes(wats, settings, step, version)
        count = out_writer.count
    from .cassette import read_cassette

    written = read_cassette(path)
    return CaptureResult(
        path=path,
        server_version=header.server_version,
        exchanges=count,
        operations=written.operations,
        failures=tuple(failures),
    )


class _Stepper:
    """Runs one SDK call of the capture: an error is noted, the capture goes on."""

    def __init__(self, failures: list[str], progress: Callable[[str], None] | None) -> None:
        self._failures = failures
        self._progress = progress

    def __call__(self, name: str, fn: Callable[[], T]) -> T | None:
        try:
            return fn()
        except WatsError as exc:
            # Recorded by the transport already: judging the answer is verify's job.
            self._failures.append(f"{name}: {type(exc).__name__}: {exc}")
            if self._progress is not None:
                self._progress(f"    {name}: the SDK raised {type(exc).__name__}: {exc}")
            return None


def supports(operation: str, version: ServerVersion | None) -> bool:
    """Return whether a server of ``version`` has ``operation`` (unknown version: try it).

    Example:
        >>> supports("queryUnits", ServerVersion.parse("2025.3.9.824"))
        False

    """
    from ._core import OPERATIONS

    op = OPERATIONS.get(operation)
    if op is None:
        return False
    if op.since is None or version is None or not version.parts:
        return True
    return tuple(version.parts[: len(op.since)]) >= op.since


def _read_only(
    wats: ProductionService,
    settings: CaptureSettings,
    step: _Stepper,
    version: ServerVersion | None,
) -> None:
    step("getProcesses", wats.get_processes)
    types = step("getSerialNumberTypes", wats.get_serial_number_types)
    changes = step("getUnitChanges", lambda: wats.get_unit_changes(settings.max_changes))
    units = settings.units()
    if not units and isinstance(changes, list):
        # No unit named: read the units the feed lists (a few are enough for shapes).
        seen: list[tuple[str, str]] = []
        for change in changes:
            sn, pn = change.unit_serial_number, change.new_part_number
            if sn and pn and (sn, pn) not in seen:
                seen.append((sn, pn))
        units = seen[:5]
    newer = supports("queryUnits", version)
    for sn, pn in units:
        step("getUnit", partial(wats.get_unit, sn, pn))
        if newer:
            step("queryUnits", partial(wats.query_units, serial_number=sn, top=10))
        step("getUnitVerification", partial(wats.verify_unit, sn, pn))
        step("checkChildUnits", partial(wats.check_child_units, sn, pn))
    names = [t.name for t in types or [] if t.name]
    references = sorted({pn for _, pn in units} | set(settings.part_numbers))
    since = dt.datetime.now(dt.UTC) - dt.timedelta(days=1)
    for name in names[:3]:
        records: list[SerialNumberRecord] = []
        for pn in references[:3]:
            found = step(
                "getSerialNumbersByReference",
                partial(wats.get_serial_numbers_by_reference, name, ref_part_number=pn),
            )
            records.extend(found or [])
        first = next((r for r in records if r.serial_number), None)
        if first is not None:
            sn = first.serial_number
            step(
                "getSerialNumbersByRange",
                partial(wats.get_serial_numbers_by_range, name, sn, sn),
            )
        # A day of the pool at most: an export of a whole pool can be large.
        for fmt in ("CSV", "XML"):
            step(
                "exportSerialNumbers",
                partial(wats.export_serial_numbers, name, format=fmt, start_date=since),
            )


def _writes(
    wats: ProductionService,
    settings: CaptureSettings,
    step: _Stepper,
    version: ServerVersion | None,
) -> None:
    from . import ProductionBatch, Unit, UnitPhase

    prefix = settings.scratch_prefix or ""
    run = dt.datetime.now(dt.UTC).strftime("%Y%m%d%H%M%S")
    batch = f"{prefix}B{run}"
    parent_pn = settings.box_parent or (settings.part_numbers[0] if settings.part_numbers else None)
    child_pn = settings.box_child or parent_pn
    assert parent_pn is not None  # CaptureSettings.check
    assert child_pn is not None
    parent = f"{prefix}{run}-P"
    child = f"{prefix}{run}-C"
    types = step("getSerialNumberTypes", wats.get_serial_number_types) or []
    type_name = settings.serial_type or next((t.name for t in types if t.name), None)
    processes = step("getProcesses", wats.get_processes) or []
    process = settings.process or next(
        (p.name for p in processes if p.name and p.is_test_operation is not False), None
    )

    step(
        "putBatches", lambda: wats.save_batches([ProductionBatch(batch_number=batch, batch_size=2)])
    )
    step(
        "putUnits",
        lambda: wats.save_units(
            [
                Unit(serial_number=parent, part_number=parent_pn, revision=settings.revision,
                     batch_number=batch, phase=UnitPhase.UNDER_PRODUCTION),
                Unit(serial_number=child, part_number=child_pn, revision=settings.revision,
                     batch_number=batch, phase=UnitPhase.UNDER_PRODUCTION),
            ]
        ),
    )  # fmt: skip
    if process is not None:
        step("setUnitProcess", lambda: wats.set_unit_process(child, child_pn, process))
    step("setUnitPhase", lambda: wats.set_unit_phase(child, child_pn, UnitPhase.FINALIZED))
    step("getUnit", lambda: wats.get_unit(parent, parent_pn))
    step("getUnit", lambda: wats.get_unit(child, child_pn))
    step("getUnitVerification", lambda: wats.verify_unit(child, child_pn))
    step("addChildUnit", lambda: wats.add_child_unit(parent, parent_pn, child, child_pn))
    step("checkChildUnits", lambda: wats.check_child_units(parent, parent_pn))
    step("getUnit", lambda: wats.get_unit(parent, parent_pn))
    step("removeChildUnit", lambda: wats.remove_child_unit(parent, parent_pn, child, child_pn))
    if supports("createUnit", version):
        # The one-unit operations of newer servers, on a third unit under the prefix.
        single = f"{prefix}{run}-S"
        revision = settings.revision
        step(
            "createUnit",
            lambda: wats.create_unit(
                Unit(serial_number=single, part_number=child_pn, revision=revision)
            ),
        )
        step(
            "updateUnit",
            lambda: wats.update_unit(
                Unit(
                    serial_number=single,
                    part_number=child_pn,
                    revision=revision,
                    current_location=f"{prefix}capture",
                )
            ),
        )
        step("setUnitTag", lambda: wats.set_unit_tag(single, child_pn, f"{prefix}tag", "1"))
        step("changeUnit", lambda: wats.change_unit(single, child_pn, child_pn, revision))
        step("queryUnits", lambda: wats.query_units(serial_number=single, top=10))
        step("deleteUnit", lambda: wats.delete_unit(single, child_pn))
    step("setUnitPhase", lambda: wats.set_unit_phase(parent, parent_pn, UnitPhase.FINALIZED))

    if type_name is not None:
        taken: list[str] = []
        for take_fmt in ("XML", "CSV"):
            numbers = step(
                "takeSerialNumbers",
                partial(
                    wats.take_serial_numbers,
                    type_name,
                    1,
                    ref_serial_number=parent,
                    ref_part_number=parent_pn,
                    format=take_fmt,
                ),
            )
            taken.extend(numbers or [])
        step(
            "getSerialNumbersByReference",
            lambda: wats.get_serial_numbers_by_reference(type_name, ref_serial_number=parent),
        )
        if taken:
            first, last = min(taken), max(taken)
            step(
                "getSerialNumbersByRange",
                lambda: wats.get_serial_numbers_by_range(type_name, first, last),
            )
            exported = step(
                "exportSerialNumbers",
                lambda: wats.export_serial_numbers(
                    type_name, format="CSV", start_address=first, end_address=last
                ),
            )
            step(
                "exportSerialNumbers",
                lambda: wats.export_serial_numbers(
                    type_name, format="XML", start_address=first, end_address=last
                ),
            )
            if exported:
                # Only the numbers this capture took, exactly as the server exported them.
                data = exported
                step(
                    "uploadSerialNumbers",
                    lambda: wats.upload_serial_numbers(type_name, data, format="CSV"),
                )

    changes = step("getUnitChanges", lambda: wats.get_unit_changes(settings.max_changes)) or []
    for change in changes:
        sn = change.unit_serial_number or ""
        if change.id is not None and sn.startswith(prefix):
            change_id = change.id
            step("deleteUnitChange", partial(wats.delete_unit_change, change_id))

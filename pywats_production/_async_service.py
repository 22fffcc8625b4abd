"""AsyncProductionService: the async Production API client.

This file is the source of truth for both services: ``scripts/unasync.py`` derives
``_sync_service.py`` (a true synchronous twin, no event loop) from it by plain text
rewriting, and a test fails when the two drift apart. Edit this file, then run
``python scripts/unasync.py``.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import operator
import ssl
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Sequence
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Self, TypeVar

import attrs
import httpx

from . import _calls
from ._calls import FileFormat
from ._config import ServiceConfig, check_token, env_settings, make_config
from ._core import (
    OPERATIONS,
    Call,
    CallState,
    Hook,
    Instrumentation,
    RetryStep,
    UnknownOutcome,
    too_large,
)
from ._drift import DriftMonitor
from ._recovery import Attribution, PendingTake, TakeLedger, attribute, plan_take, utcnow
from ._timing import RequestBudget, agather, anew_lock, aresolve, asleep
from ._transport import ERROR_BODY_CAP, BodyTooLarge, abounded, aread_capped, install_deadline
from .errors import (
    AmbiguousOutcomeError,
    ChildAlreadyHasParentError,
    InternalApiNotEnabledError,
    NotFoundError,
    NotLinkedError,
    ServerError,
    UnitExistsError,
    UnsupportedOperationError,
    WatsConnectionError,
    WatsError,
    WatsInputError,
    WatsResponseError,
    WatsTimeoutError,
)
from .models import (
    ChildUnitCheck,
    Process,
    ProductionBatch,
    SaveUnitsResult,
    SerialNumberRecord,
    SerialNumberType,
    SerialNumberUploadResult,
    ServerVersion,
    Unit,
    UnitChange,
    UnitVerificationGrade,
)
from .phase import UnitPhase
from .query import (
    DEFAULT_PAGE_SIZE,
    KEYSET_ORDER,
    after_key,
    require_orderby,
    require_top,
    unit_filter,
)
from .retry import RetryPolicy

if TYPE_CHECKING:
    from ._async_internal import AsyncInternalApi
    from .compat import CompatibilityReport

__all__ = ["AsyncProductionService"]

T = TypeVar("T")

logger = logging.getLogger("pywats_production")

#: Default number of units per PUT Units request.
DEFAULT_CHUNK_SIZE = 500
#: Default batch size when reading the unit-changes feed.
DEFAULT_MAX_COUNT = 100


# Never equal to a serial number (those cannot hold control characters).
_UNKNOWN_PARENT = "\x00unknown"


def _given_version(value: str | ServerVersion | None) -> ServerVersion | None:
    if value is None or isinstance(value, ServerVersion):
        if value is not None and not value.parts:
            raise WatsInputError(
                f"server_version {value.text!r} has no version number", parameter="server_version"
            )
        return value
    if not isinstance(value, str):
        raise TypeError(f"server_version must be str or ServerVersion, not {type(value).__name__}")
    parsed = ServerVersion.parse(value)
    if not parsed.parts:
        raise WatsInputError(
            f"server_version {value!r} has no version number (e.g. 2026.3.0)",
            parameter="server_version",
        )
    return parsed


def _log_read_back(operation: str, request_id: str, finding: str) -> None:
    logger.info(
        "%s: an attempt's outcome was unknown and the call failed; read-back: %s, so it "
        "succeeded (request %s)",
        operation,
        finding,
        request_id,
        extra={"wats_operation": operation, "wats_request_id": request_id, "wats_read_back": True},
    )


def _unknown_reason(unknown: UnknownOutcome) -> str:
    if unknown.status is not None:
        return f"server error {unknown.status}"
    if isinstance(unknown.cause, WatsTimeoutError):
        return "timed out"
    return "connection lost"


def _pending_reason(exc: BaseException) -> str:
    if not isinstance(exc, Exception):
        return "cancelled" if type(exc).__name__ == "CancelledError" else type(exc).__name__
    if isinstance(exc, WatsResponseError):
        return "unreadable answer"
    return type(exc).__name__


_UNIT_KEY = operator.itemgetter("serialNumber", "partNumber")
_SERIAL = operator.itemgetter("serialNumber")


def _chunks_disjoint(calls: Sequence[Call[SaveUnitsResult]]) -> bool:
    # A unit in two chunks in flight at once could be written in either order; when one
    # repeats across chunks they go one at a time, so its last occurrence wins, as it
    # would within one request.
    # First the common case, in C: no serial number repeats at all, so no unit does
    # (10,000 of them in under a millisecond); only a save where a serial number repeats
    # (the same serial under two products, or a unit given twice) pays for the exact test.
    serials: set[object] = set()
    sent = 0
    try:
        for call in calls:
            body = call.request["json"]
            serials.update(map(_SERIAL, body))
            sent += len(body)
    except (KeyError, TypeError):
        return False  # a body not built by to_wire: go one at a time, to be safe
    if len(serials) == sent:
        return True
    seen: set[tuple[object, object]] = set()
    for call in calls:
        keys = set(map(_UNIT_KEY, call.request["json"]))
        if not seen.isdisjoint(keys):
            return False
        seen |= keys
    return True


async def _read_answer(response: httpx.Response, limit: int) -> httpx.Response:
    # Every answer is read with a cap on its inflated size; an error answer is cut (its
    # start says what went wrong), a success past the cap is refused. The body is never a
    # local of the send loop: tracebacks that show locals would show it.
    error = response.status_code >= 400
    try:
        return _settled(
            response,
            await aread_capped(response, ERROR_BODY_CAP if error else limit, truncate=error),
        )
    except BodyTooLarge as exc:
        raise too_large(limit, exc.received, str(response.request.url)) from None
    except ValueError as exc:
        raise WatsResponseError(f"{response.request.url.path}: {exc}") from None


def _settled(response: httpx.Response, body: bytes) -> httpx.Response:
    """Return the answer as a read response (its body already inflated)."""
    if body is not _content_if_read(response):
        # What Response.read() would have stored. Set in place: building a new Response
        # costs as much as all the rest of the SDK's own work on a call.
        response._content = body
    return response


def _content_if_read(response: httpx.Response) -> bytes | None:
    return getattr(response, "_content", None)


class AsyncProductionService:
    """Async client of the WATS Production API.

    Every method validates its input before sending anything (bad input raises a
    :class:`~pywats_production.errors.WatsInputError`, a ``ValueError``), retries what
    is safe to retry (see ``docs/reliability.md``), and returns typed models.

    Args:
        base_url: the server's root URL, e.g. ``https://wats.example.com``.
        token: the token created in the WATS Control Panel -> Tokens, sent verbatim as
            ``Authorization: Basic <token>`` (username/password ended with server 2025.2:
            support:22271978608284); None for no auth. It must be one line of header-safe
            characters; bytes are decoded as ASCII.
        timeout: seconds, or an ``httpx.Timeout``; finite by default.
        verify: TLS verification: True, a CA bundle path, an ``ssl.SSLContext``, or
            False (logs a warning).
        http_client: an ``httpx.AsyncClient`` to use instead of the service's own (its
            base URL must point at the server; the service does not close it).
        retry: the default retry policy (per call: ``retry=`` on each method).
        max_response_bytes: cap on large answers (exports, takes, feeds).
        hooks: objects with ``on_request``/``on_response`` that see every attempt.
        instrumentation: operation-level instrumentation, e.g.
            :class:`pywats_production.otel.OpenTelemetryInstrumentation`.
        requests_per_minute: optional client-side request budget (off by default).
        save_concurrency: chunks of ``save_units`` in flight at once.
        server_version: the server's version (``"2026.3.0"``), when known: operations
            newer than it raise :class:`UnsupportedOperationError` without a request. Left
            out, it is read once from ``GET /api/App/Version`` at the first such call;
            a version that cannot be read lets the calls through.
        trust_env: whether the service's own client honours the proxy variables
            (``HTTPS_PROXY``, ``HTTP_PROXY``, ``ALL_PROXY``, ``NO_PROXY``): a proxy named
            there receives every request, the token included. False ignores them
            (see ``docs/reliability.md``).
        internal: enable :attr:`internal`, the internal API (``/api/internal/...``
            routes that may change without notice; see ``docs/internal-api.md``).
        strict: raise :class:`~pywats_production.errors.ContractDriftError` on any answer
            with a member, value or type the contract does not describe (for contract
            tests); by default such members are kept in ``extra`` and each kind of drift
            is reported once per service (log and hooks' ``on_drift``).
        pins: pin files (``wats-production pin``) of server versions verified with this
            SDK; ``check_compatibility()`` then answers MATCHES or DIFFERS by them.
            Default: the paths in ``WATS_PINS`` (``os.pathsep``-separated), if set.

    Raises:
        WatsInputError: any setting of the wrong kind or out of range (a token with a
            line break, ``timeout=nan``, a ``base_url`` with a query string, ...).

    Example:
        >>> async def main() -> None:
        ...     async with AsyncProductionService("https://wats.example.com", "dG9rZW4=") as wats:
        ...         unit = await wats.get_unit("SN0001", "PCBA-100")
        ...         print(unit.phase)

    """

    def __init__(
        self,
        base_url: str,
        token: str | bytes | None = None,
        *,
        timeout: float | httpx.Timeout | None = None,
        verify: bool | str | Path | ssl.SSLContext = True,
        http_client: httpx.AsyncClient | None = None,
        retry: RetryPolicy | None = None,
        max_response_bytes: int | None = None,
        hooks: Sequence[Hook] = (),
        instrumentation: Instrumentation | None = None,
        requests_per_minute: float | None = None,
        save_concurrency: int = 4,
        trust_env: bool = True,
        server_version: str | ServerVersion | None = None,
        internal: bool = False,
        strict: bool = False,
        pins: Sequence[str | Path] | None = None,
    ) -> None:
        try:
            secret = check_token(token)
        finally:
            # Out of this frame's locals: a traceback showing them must not show the token.
            token = None
        given = _given_version(server_version)
        self._server_version: ServerVersion | None = given
        self._version_known = given is not None
        self._version_lock = anew_lock()
        self._config = make_config(
            base_url,
            secret,
            timeout=timeout,
            verify=verify,
            retry=retry,
            max_response_bytes=max_response_bytes,
            hooks=hooks,
            instrumentation=instrumentation,
            requests_per_minute=requests_per_minute,
            save_concurrency=save_concurrency,
            trust_env=trust_env,
            strict=strict,
            pins=pins,
            internal=internal,
        )
        self._internal: AsyncInternalApi | None = None
        if self._config.internal:
            # Here: the internal wing (its models and calls) loads only for the services
            # that ask for it, not with `import pywats_production`.
            from ._async_internal import AsyncInternalApi

            self._internal = AsyncInternalApi(self)
        self._drift = DriftMonitor(self._config.strict, self._config.hooks)
        self._headers = self._config.headers()
        self._owns_client = http_client is None
        if http_client is None:
            # The service's own client carries the fixed headers itself: merging them into
            # every request instead would cost more than anything else the SDK adds.
            http_client = httpx.AsyncClient(**self._config.client_args(), headers=self._headers)  # type: ignore[arg-type]
            self._headers = {}
        install_deadline(http_client)
        self._client = http_client
        self._budget = (
            RequestBudget(self._config.requests_per_minute)
            if self._config.requests_per_minute
            else None
        )
        self._takes = TakeLedger()

    @classmethod
    def from_env(
        cls,
        *,
        timeout: float | httpx.Timeout | None = None,
        verify: bool | str | Path | ssl.SSLContext = True,
        http_client: httpx.AsyncClient | None = None,
        retry: RetryPolicy | None = None,
        max_response_bytes: int | None = None,
        hooks: Sequence[Hook] = (),
        instrumentation: Instrumentation | None = None,
        requests_per_minute: float | None = None,
        save_concurrency: int = 4,
        internal: bool = False,
    ) -> Self:
        """Build a service from ``WATS_BASE_URL`` and ``WATS_AUTH_TOKEN``.

        The keyword arguments are the constructor's (named here, so that a type checker
        checks them at the call).

        Args:
            timeout: seconds, or an ``httpx.Timeout``; finite by default.
            verify: TLS verification: True, a CA bundle path, an ``ssl.SSLContext``, or
                False (logs a warning).
            http_client: an ``httpx.AsyncClient`` to use instead of the service's own.
            retry: the default retry policy.
            max_response_bytes: cap on large answers (exports, takes, feeds).
            hooks: objects with ``on_request``/``on_response`` that see every attempt.
            instrumentation: operation-level instrumentation (OpenTelemetry).
            requests_per_minute: optional client-side request budget (off by default).
            save_concurrency: chunks of ``save_units`` in flight at once.
            internal: enable :attr:`internal`, the opt-in internal API.

        Returns:
            The service.

        Raises:
            WatsInputError: if ``WATS_BASE_URL`` is not set, or a bad argument.

        Example:
            >>> service = AsyncProductionService.from_env(timeout=10)  # doctest: +SKIP

        """
        base_url, token = env_settings()
        return cls(
            base_url,
            token,
            timeout=timeout,
            verify=verify,
            http_client=http_client,
            retry=retry,
            max_response_bytes=max_response_bytes,
            hooks=hooks,
            instrumentation=instrumentation,
            requests_per_minute=requests_per_minute,
            save_concurrency=save_concurrency,
            internal=internal,
        )

    @property
    def config(self) -> ServiceConfig:
        """The service's settings (the token is a :class:`~._config.Secret`)."""
        return self._config

    def __repr__(self) -> str:
        # getattr: a traceback showing locals may call this before __init__ finished.
        config = getattr(self, "_config", None)
        return f"{type(self).__name__}(base_url={config.base_url if config else None!r})"

    @property
    def internal(self) -> AsyncInternalApi:
        """The internal Production API (phases, history, hierarchy, serial-number pools).

        Raises:
            InternalApiNotEnabledError: the service was created without ``internal=True``.

        Example:
            >>> wats = AsyncProductionService("https://wats.example.com", internal=True)
            >>> type(wats.internal).__name__
            'AsyncInternalApi'

        """
        if self._internal is None:
            raise InternalApiNotEnabledError(
                "the internal API is off: create the service with internal=True to use "
                "service.internal. Its /api/internal/... routes are not part of the "
                "server's public contract and may change without notice, so the SDK "
                "offers them only on request (and warns on a server version they were "
                "not checked against)"
            )
        return self._internal

    async def close(self) -> None:
        """Close the service's own HTTP client (a client given to it is left open).

        Example:
            >>> await service.close()  # doctest: +SKIP

        """
        if self._owns_client:
            await self._client.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    # ------------------------------------------------------------------ the engine

    def _new_state(self, call: Call[T], retry: RetryPolicy | None) -> CallState[T]:
        if retry is not None and not isinstance(retry, RetryPolicy):
            raise WatsInputError(
                f"retry must be a RetryPolicy (e.g. RetryPolicy.never()), not {retry!r}",
                parameter="retry",
            )
        return CallState(
            call,
            retry or self._config.retry,
            self._config.hooks,
            self._config.instrumentation,
            self._headers,
            self._drift,
        )

    async def _run(
        self,
        call: Call[T],
        retry: RetryPolicy | None = None,
        *,
        state: CallState[T] | None = None,
    ) -> T:
        # A caller that must see the call's state afterwards (Take, assembly) passes its own.
        if state is None:
            state = self._new_state(call, retry)
        limit = self._config.max_response_bytes
        try:
            while True:
                if self._budget is not None:
                    wait = self._budget.reserve(state.remaining)
                    if wait is None:
                        # The next free slot lies past the deadline: fail now, not then.
                        raise state.out_of_time(
                            "the request budget has no slot before the deadline"
                        )
                    await asleep(wait)
                request = state.next_request(self._client)
                try:
                    async with abounded(state.remaining):
                        streamed = await self._client.send(request, stream=True)
                        try:
                            response = await _read_answer(streamed, limit)
                        finally:
                            await streamed.aclose()
                except httpx.HTTPError as exc:
                    step = state.failed(exc)
                else:
                    outcome = state.answered(response)
                    if not isinstance(outcome, RetryStep):
                        return outcome
                    step = outcome
                await asleep(step.delay)
        except BaseException as exc:
            state.escaped(exc)
            raise

    # ----------------------------------------------------------------------- units

    async def get_unit(
        self, serial_number: str, part_number: str, *, retry: RetryPolicy | None = None
    ) -> Unit:
        """Read one unit with its product, revision, tags and sub-units.

        Serial and part numbers may contain any character (``/``, ``#``, ``?``, ``%``,
        ``..``, spaces, non-ASCII): each is percent-encoded as one path segment.

        Args:
            serial_number: the unit's serial number.
            part_number: the unit's part number.
            retry: overrides the service's retry policy for this call.

        Returns:
            The unit, as the server has it now (no caching).

        Raises:
            WatsInputError: an empty or blank serial or part number (nothing is sent).
            NotFoundError: no such unit.
            WatsApiError: any other error answer; WatsConnectionError on transport failure.

        Example:
            >>> unit = await wats.get_unit("SN0001", "PCBA-100")  # doctest: +SKIP
            >>> unit.phase  # doctest: +SKIP
            <UnitPhase.UNDER_PRODUCTION: 2>

        """
        return await self._run(_calls.get_unit(serial_number, part_number), retry)

    async def save_units(
        self,
        units: Iterable[Unit],
        *,
        chunk_size: int = DEFAULT_CHUNK_SIZE,
        retry: RetryPolicy | None = None,
    ) -> SaveUnitsResult:
        """Add or update units, ``chunk_size`` per request.

        All units are validated before the first request is sent: a bad unit anywhere
        raises before anything is written. Chunks are upserts, so a retried chunk does
        not write twice. Read-only fields (phase name, tags, product, revision object,
        sub-units) and the parent (see :meth:`add_child_unit`) are not sent; a field
        that is None is left unchanged on the server. A unit given more than once is
        written in list order, so its last occurrence wins (its chunks are then sent one
        at a time).

        Args:
            units: the units to save.
            chunk_size: units per PUT request (10,000 units = 20 requests by default).
            retry: overrides the service's retry policy for each chunk.

        Returns:
            The merged result of all chunks (errors reported by the server, requests).

        Raises:
            WatsInputError: a unit without serial or part number, or a bad chunk_size.
            WatsApiError: a chunk was refused (chunks before it were saved; saving
                again is safe because chunks are upserts).

        Example:
            >>> unit = Unit(serial_number="SN1", part_number="PCBA-100", revision="A")
            >>> result = await wats.save_units([unit])  # doctest: +SKIP
            >>> result.error_count  # doctest: +SKIP
            0

        """
        calls = _calls.save_units_chunks(units, chunk_size)
        concurrency = self._config.save_concurrency if _chunks_disjoint(calls) else 1
        results = await self._run_all(calls, retry, concurrency)
        return SaveUnitsResult.merge(results)

    async def set_unit_phase(
        self,
        serial_number: str,
        part_number: str,
        phase: UnitPhase | int | str,
        *,
        retry: RetryPolicy | None = None,
    ) -> None:
        """Set a unit's phase.

        Args:
            serial_number: the unit's serial number.
            part_number: the unit's part number.
            phase: a :class:`UnitPhase`, its int value (unknown bits are kept), or a name
                in any common spelling ("Under production", "FINALIZED", "in_storage").
            retry: overrides the service's retry policy.

        Raises:
            InvalidPhaseError: an unknown phase name or an int out of range.
            WatsInputError: an empty serial or part number.
            NotFoundError: no such unit.

        Example:
            >>> await wats.set_unit_phase("SN1", "PCBA-100", UnitPhase.FINALIZED)  # doctest: +SKIP

        """
        await self._run(_calls.set_unit_phase(serial_number, part_number, phase), retry)

    async def set_unit_process(
        self,
        serial_number: str,
        part_number: str,
        process_name: str,
        *,
        retry: RetryPolicy | None = None,
    ) -> None:
        """Set a unit's current process, by process name (e.g. "FCT").

        Args:
            serial_number: the unit's serial number.
            part_number: the unit's part number.
            process_name: the process (test operation) name.
            retry: overrides the service's retry policy.

        Raises:
            WatsInputError: an empty argument.
            NotFoundError: no such unit. BadRequestError: unknown process.

        Example:
            >>> await wats.set_unit_process("SN1", "PCBA-100", "FCT")  # doctest: +SKIP

        """
        await self._run(_calls.set_unit_process(serial_number, part_number, process_name), retry)

    async def verify_unit(
        self,
        serial_number: str,
        part_number: str | None = None,
        *,
        retry: RetryPolicy | None = None,
    ) -> UnitVerificationGrade:
        """Grade a unit against its product's verification rules.

        Args:
            serial_number: the unit's serial number.
            part_number: the unit's part number (may be left out where serials are unique).
            retry: overrides the service's retry policy.

        Returns:
            The grade with one result per process.

        Raises:
            WatsInputError: an empty serial number. NotFoundError: no such unit.

        Example:
            >>> grade = await wats.verify_unit("SN1", "PCBA-100")  # doctest: +SKIP
            >>> grade.is_passing  # doctest: +SKIP
            True

        """
        return await self._run(_calls.verify_unit(serial_number, part_number), retry)

    async def is_unit_passing(
        self,
        serial_number: str,
        part_number: str | None = None,
        *,
        retry: RetryPolicy | None = None,
    ) -> bool:
        """Return whether the unit passes its verification rules.

        Args:
            serial_number: the unit's serial number.
            part_number: the unit's part number.
            retry: overrides the service's retry policy.

        Returns:
            ``verify_unit(...).is_passing``.

        Raises:
            See :meth:`verify_unit`.

        Example:
            >>> await wats.is_unit_passing("SN1", "PCBA-100")  # doctest: +SKIP
            True

        """
        grade = await self.verify_unit(serial_number, part_number, retry=retry)
        return grade.is_passing

    # ------------------------------------------- one-unit operations (server 2026.3)

    async def query_units(
        self,
        filter: str | None = None,
        *,
        top: int | None = None,
        orderby: str | None = None,
        serial_number: str | None = None,
        part_number: str | None = None,
        revision: str | None = None,
        batch_number: str | None = None,
        phase: UnitPhase | int | str | None = None,
        process_code: str | int | None = None,
        current_location: str | None = None,
        serial_date_from: dt.datetime | dt.date | str | None = None,
        serial_date_to: dt.datetime | dt.date | str | None = None,
        has_sub_unit_part_number: str | None = None,
        retry: RetryPolicy | None = None,
    ) -> list[Unit]:
        """Find units: one page of at most ``top`` (server 2026.3 or newer).

        The keyword fields build an OData filter where every value is quoted and escaped
        (see :func:`pywats_production.query.unit_filter`): a serial number holding ``'``
        matches exactly that serial number and never changes the filter's meaning.
        ``filter`` is a raw OData ``$filter`` for experts, combined with the fields by
        ``and``. For every matching unit across pages, use :meth:`iter_units`.

        Args:
            filter: raw OData filter, e.g. ``"startswith(serialNumber, 'SN-2026')"``.
            top: most units to return, 1 to 1000 (the server's default is 100).
            orderby: OData sort order, e.g. ``"serialDate desc"``.
            serial_number: the serial number equals this.
            part_number: the part number equals this.
            revision: the revision equals this.
            batch_number: the batch number equals this.
            phase: the phase is this (UnitPhase, number or name).
            process_code: the current process code is this.
            current_location: the current location equals this.
            serial_date_from: serial date at or after this (naive = UTC).
            serial_date_to: serial date at or before this (naive = UTC).
            has_sub_unit_part_number: some direct sub-unit has this part number.
            retry: overrides the service's retry policy.

        Returns:
            The matching units, in the server's order (or ``orderby``).

        Raises:
            WatsInputError: a bad value or ``top`` outside 1..1000 (nothing is sent).
            UnsupportedOperationError: the server is older than 2026.3 (nothing is sent
                to the query route).
            BadRequestError: the server refused the filter.

        Example:
            >>> units = await wats.query_units(part_number="PCBA-100", phase="Finalized",
            ...                                top=50)  # doctest: +SKIP

        """
        text = unit_filter(
            filter,
            serial_number=serial_number,
            part_number=part_number,
            revision=revision,
            batch_number=batch_number,
            phase=phase,
            process_code=process_code,
            current_location=current_location,
            serial_date_from=serial_date_from,
            serial_date_to=serial_date_to,
            has_sub_unit_part_number=has_sub_unit_part_number,
        )
        call = _calls.query_units(
            text,
            None if top is None else require_top(top),
            None if orderby is None else require_orderby(orderby),
        )
        await self._require("queryUnits", "query_units")
        return await self._run(call, retry)

    async def iter_units(
        self,
        filter: str | None = None,
        *,
        page_size: int = DEFAULT_PAGE_SIZE,
        serial_number: str | None = None,
        part_number: str | None = None,
        revision: str | None = None,
        batch_number: str | None = None,
        phase: UnitPhase | int | str | None = None,
        process_code: str | int | None = None,
        current_location: str | None = None,
        serial_date_from: dt.datetime | dt.date | str | None = None,
        serial_date_to: dt.datetime | dt.date | str | None = None,
        has_sub_unit_part_number: str | None = None,
        retry: RetryPolicy | None = None,
    ) -> AsyncIterator[Unit]:
        """Iterate over every matching unit, exactly once, in pages (server 2026.3+).

        Pages are read by key (keyset paging), never by position: sorted by serial number
        then part number, each page asks for the units after the last one seen. A unit
        added or removed while iterating therefore never makes another unit be skipped
        or repeated; an added unit is seen when it sorts after the current page. The
        filter arguments are those of :meth:`query_units`.

        Args:
            filter: raw OData filter, combined with the fields by ``and``.
            page_size: units per request, 1 to 1000.
            serial_number: see :meth:`query_units` (likewise the other fields).
            part_number: the part number equals this.
            revision: the revision equals this.
            batch_number: the batch number equals this.
            phase: the phase is this.
            process_code: the current process code is this.
            current_location: the current location equals this.
            serial_date_from: serial date at or after this.
            serial_date_to: serial date at or before this.
            has_sub_unit_part_number: some direct sub-unit has this part number.
            retry: overrides the service's retry policy for each page.

        Yields:
            Each matching unit once, in serial-number, part-number order.

        Raises:
            WatsInputError: a bad value or ``page_size`` (before any request).
            UnsupportedOperationError: the server is older than 2026.3.
            WatsResponseError: the server answered a unit of an earlier page again (it
                does not order or compare as the keyset needs); iteration stops rather
                than hand out a unit twice.

        Example:
            >>> async for unit in wats.iter_units(batch_number="B-7"):  # doctest: +SKIP
            ...     print(unit.serial_number)

        """
        size = require_top(page_size, "page_size")
        base = unit_filter(
            filter,
            serial_number=serial_number,
            part_number=part_number,
            revision=revision,
            batch_number=batch_number,
            phase=phase,
            process_code=process_code,
            current_location=current_location,
            serial_date_from=serial_date_from,
            serial_date_to=serial_date_to,
            has_sub_unit_part_number=has_sub_unit_part_number,
        )
        await self._require("queryUnits", "iter_units")
        previous: set[tuple[str, str]] = set()
        after: str | None = None
        while True:
            text = base if after is None else (f"({base}) and {after}" if base else after)
            page = await self._run(_calls.query_units(text, size, KEYSET_ORDER), retry)
            keys = [(u.serial_number, u.part_number) for u in page]
            if not previous.isdisjoint(keys) or len(set(keys)) != len(keys):
                raise WatsResponseError(
                    "unit query: a page repeated a unit already handed out; the server does "
                    "not order or compare units as keyset paging needs, stopping",
                    operation="queryUnits",
                )
            handed_out: set[tuple[str, str]] = set()
            for unit in page:
                yield unit
                handed_out.add((unit.serial_number, unit.part_number))
            if len(page) < size:
                return
            previous = handed_out
            after = after_key(*keys[-1])

    async def create_unit(self, unit: Unit, *, retry: RetryPolicy | None = None) -> None:
        """Create one unit (server 2026.3 or newer).

        Serial number, part number and revision are required; batch number, serial date,
        current location, xml data, phase and process code are sent when set. A unit is
        never created with a parent: link it afterwards with :meth:`add_child_unit`.
        When an attempt may have been applied (its answer was lost) and the replay is
        refused because the unit exists, the unit is read back: if it exists, the create
        is taken as done.

        Args:
            unit: the unit to create.
            retry: overrides the service's retry policy.

        Raises:
            WatsInputError: no serial, part number or revision, or a parent set (nothing
                is sent).
            UnsupportedOperationError: the server is older than 2026.3.
            UnitExistsError: a unit with that serial and part number exists.
            ParentNotAllowedError: the server refused a parent.

        Example:
            >>> await wats.create_unit(Unit(serial_number="SN1", part_number="PCBA-100",
            ...                             revision="A"))  # doctest: +SKIP

        """
        call = _calls.create_unit(unit)
        await self._require("createUnit", "create_unit")
        state = self._new_state(call, retry)
        try:
            await self._run(call, retry, state=state)
        except (UnitExistsError, WatsConnectionError, ServerError) as exc:
            if not state.any_in_doubt:
                raise
            try:
                await self.get_unit(unit.serial_number, unit.part_number, retry=retry)
            except WatsError:
                raise exc from None
            _log_read_back("createUnit", state.request_id, "the unit exists")

    async def update_unit(self, unit: Unit, *, retry: RetryPolicy | None = None) -> None:
        """Update one unit, found by serial and part number (server 2026.3 or newer).

        Revision, batch number (it must exist), serial date, current location and xml
        data are sent when set; fields that are None are kept by the server. The part
        number cannot change here (:meth:`change_unit`); phase and process have their own
        methods and are not sent.

        Args:
            unit: the unit with its new values.
            retry: overrides the service's retry policy.

        Raises:
            WatsInputError: no serial or part number (nothing is sent).
            UnsupportedOperationError: the server is older than 2026.3.
            NotFoundError: no such unit.
            PartNumberImmutableError: the serial number exists under another part number.

        Example:
            >>> unit = await wats.get_unit("SN1", "PCBA-100")  # doctest: +SKIP
            >>> unit.current_location = "Rework"  # doctest: +SKIP
            >>> await wats.update_unit(unit)  # doctest: +SKIP

        """
        call = _calls.update_unit(unit)
        await self._require("updateUnit", "update_unit")
        await self._run(call, retry)

    async def delete_unit(
        self, serial_number: str, part_number: str, *, retry: RetryPolicy | None = None
    ) -> None:
        """Delete one unit (server 2026.3 or newer); refused while it has child units.

        A 404 on a replay, after an attempt whose answer was lost, means the first
        attempt deleted it: that counts as done. A unit that was never there raises.

        Args:
            serial_number: the unit's serial number.
            part_number: the unit's part number.
            retry: overrides the service's retry policy.

        Raises:
            WatsInputError: an empty argument (nothing is sent).
            UnsupportedOperationError: the server is older than 2026.3.
            NotFoundError: no such unit.
            UnitHasChildrenError: the unit has children (remove them first).

        Example:
            >>> await wats.delete_unit("SN1", "PCBA-100")  # doctest: +SKIP

        """
        call = _calls.delete_unit(serial_number, part_number)
        await self._require("deleteUnit", "delete_unit")
        state = self._new_state(call, retry)
        try:
            await self._run(call, retry, state=state)
        except NotFoundError:
            if not state.any_in_doubt:
                raise
            _log_read_back("deleteUnit", state.request_id, "the unit is gone")

    async def change_unit(
        self,
        serial_number: str,
        part_number: str,
        new_part_number: str,
        new_revision: str,
        *,
        retry: RetryPolicy | None = None,
    ) -> None:
        """Give a unit another part number and revision (server 2026.3 or newer).

        When an attempt may have been applied and the call then fails (a replay finds
        no unit under the old part number), the unit is read back under the new one: if
        it is there with the new revision, the change is taken as done.

        Args:
            serial_number: the unit's serial number.
            part_number: its current part number.
            new_part_number: the new part number.
            new_revision: the new revision.
            retry: overrides the service's retry policy.

        Raises:
            WatsInputError: an empty argument (nothing is sent).
            UnsupportedOperationError: the server is older than 2026.3.
            NotFoundError: no such unit.
            UnitExistsError: a unit with the new part number exists.

        Example:
            >>> await wats.change_unit("SN1", "PCBA-100", "PCBA-200", "B")  # doctest: +SKIP

        """
        call = _calls.change_unit(serial_number, part_number, new_part_number, new_revision)
        await self._require("changeUnit", "change_unit")
        state = self._new_state(call, retry)
        try:
            await self._run(call, retry, state=state)
        except (NotFoundError, WatsConnectionError, ServerError) as exc:
            if not state.any_in_doubt:
                raise
            try:
                changed = await self.get_unit(serial_number, new_part_number, retry=retry)
            except WatsError:
                raise exc from None
            if changed.revision != new_revision:
                raise
            _log_read_back("changeUnit", state.request_id, "the unit has its new part number")

    async def set_unit_tag(
        self,
        serial_number: str,
        part_number: str,
        key: str,
        value: str,
        *,
        retry: RetryPolicy | None = None,
    ) -> None:
        """Add or update one tag of a unit (server 2026.3 or newer).

        Args:
            serial_number: the unit's serial number.
            part_number: the unit's part number.
            key: the tag's key.
            value: the tag's value (may be empty).
            retry: overrides the service's retry policy.

        Raises:
            WatsInputError: an empty serial, part number or key (nothing is sent).
            UnsupportedOperationError: the server is older than 2026.3.
            NotFoundError: no such unit.

        Example:
            >>> await wats.set_unit_tag("SN1", "PCBA-100", "Customer", "ACME")  # doctest: +SKIP

        """
        call = _calls.set_unit_tag(serial_number, part_number, key, value)
        await self._require("setUnitTag", "set_unit_tag")
        await self._run(call, retry)

    async def _require(self, operation: str, method: str) -> None:
        # Raise before anything is sent to the route of an operation the server lacks.
        minimum = OPERATIONS[operation].since
        if minimum is None:
            return
        version = await self._known_server_version()
        if version is None or not version.parts:
            return  # unreadable: the server itself decides
        if version.parts < minimum:
            raise UnsupportedOperationError(
                method, version.text, OPERATIONS[operation].since_text or ""
            )

    async def _known_server_version(self) -> ServerVersion | None:
        if self._version_known:
            return self._server_version
        async with self._version_lock:
            if not self._version_known:
                try:
                    self._server_version = await self._run(_calls.server_version())
                except WatsError as exc:
                    logger.info(
                        "server version could not be read (%s); operations of newer "
                        "servers are sent without a version check",
                        exc,
                        extra={"wats_operation": "getServerVersion"},
                    )
                    self._server_version = None
                self._version_known = True
        return self._server_version

    # -------------------------------------------------------------------- assembly

    async def add_child_unit(
        self,
        parent_serial_number: str,
        parent_part_number: str,
        child_serial_number: str,
        child_part_number: str,
        *,
        check_part_number: str | None = None,
        check_revision: str | None = None,
        retry: RetryPolicy | None = None,
    ) -> None:
        """Link a child unit to a parent (box build).

        Retried like any converging write. When an attempt may have been applied (its
        answer was lost, or a 5xx came) and the call then fails, because a replay was
        refused with "already has a parent" or because no attempt got a definite answer,
        the child is read back: when its parent is this parent, the link is made and
        this returns normally; otherwise the error is raised. Units are matched by serial
        number (a unit's record names its parent by serial number only).

        Args:
            parent_serial_number: the parent's serial number.
            parent_part_number: the parent's part number.
            child_serial_number: the child's serial number.
            child_part_number: the child's part number.
            check_part_number: validate the child against this part number instead of
                the parent's box build.
            check_revision: with ``check_part_number``, the revision to validate against.
            retry: overrides the service's retry policy.

        Raises:
            ChildAlreadyHasParentError, ChildNotFinalizedError, AssemblyLoopError,
            NotInBoxBuildError: the server's rules refused the link.
            NotFoundError: a unit does not exist.

        Example:
            >>> await wats.add_child_unit("BOX1", "BOX-900", "PCB1", "PCBA-100")  # doctest: +SKIP

        """
        call = _calls.add_child_unit(
            parent_serial_number,
            parent_part_number,
            child_serial_number,
            child_part_number,
            check_part_number,
            check_revision,
        )
        state = self._new_state(call, retry)
        try:
            await self._run(call, retry, state=state)
        except (ChildAlreadyHasParentError, WatsConnectionError, ServerError):
            # A refused replay, or no attempt with a definite answer: if an attempt may
            # have been applied, the link itself says whether the call succeeded.
            if not state.any_in_doubt:
                raise
            parent = await self._parent_of(child_serial_number, child_part_number, retry)
            if parent != parent_serial_number:
                raise
            _log_read_back("addChildUnit", state.request_id, "the link is made")

    async def remove_child_unit(
        self,
        parent_serial_number: str,
        parent_part_number: str,
        child_serial_number: str,
        child_part_number: str,
        *,
        retry: RetryPolicy | None = None,
    ) -> None:
        """Remove an existing parent/child link.

        Retried like any converging write. When an attempt may have been applied and the
        call then fails, because a replay was refused with "not linked" or because no
        attempt got a definite answer, the child is read back: when it is no longer a
        child of this parent, the link is gone and this returns normally; otherwise
        (or when the read-back fails) the error is raised.

        Args:
            parent_serial_number: the parent's serial number.
            parent_part_number: the parent's part number.
            child_serial_number: the child's serial number.
            child_part_number: the child's part number.
            retry: overrides the service's retry policy.

        Raises:
            NotLinkedError: the child is not linked to this parent.
            NotFoundError: a unit does not exist.

        Example:
            >>> await wats.remove_child_unit("B1", "BOX-900", "P1", "PCBA-100")  # doctest: +SKIP

        """
        call = _calls.remove_child_unit(
            parent_serial_number, parent_part_number, child_serial_number, child_part_number
        )
        state = self._new_state(call, retry)
        try:
            await self._run(call, retry, state=state)
        except (NotLinkedError, WatsConnectionError, ServerError):
            if not state.any_in_doubt:
                raise
            parent = await self._parent_of(child_serial_number, child_part_number, retry)
            if parent in (parent_serial_number, _UNKNOWN_PARENT):
                raise
            _log_read_back("removeChildUnit", state.request_id, "the link is gone")

    async def _parent_of(
        self, child_serial_number: str, child_part_number: str, retry: RetryPolicy | None
    ) -> str | None:
        # The read-back of an assembly write; a failing read-back leaves the decision to
        # the write's own error (the caller's except re-raises it).
        try:
            child = await self.get_unit(child_serial_number, child_part_number, retry=retry)
        except WatsError:
            return _UNKNOWN_PARENT
        return child.parent_serial_number or None

    async def check_child_units(
        self,
        parent_serial_number: str,
        parent_part_number: str,
        *,
        retry: RetryPolicy | None = None,
    ) -> ChildUnitCheck:
        """Compare a parent's direct children with its box build.

        Args:
            parent_serial_number: the parent's serial number.
            parent_part_number: the parent's part number.
            retry: overrides the service's retry policy.

        Returns:
            The typed result, with the server's raw payload kept in ``raw``.

        Raises:
            WatsInputError: an empty argument. NotFoundError: no such unit.

        Example:
            >>> check = await wats.check_child_units("BOX1", "BOX-900")  # doctest: +SKIP
            >>> check.is_valid  # doctest: +SKIP
            True

        """
        return await self._run(
            _calls.check_child_units(parent_serial_number, parent_part_number), retry
        )

    # --------------------------------------------------------------- serial numbers

    async def get_serial_number_types(
        self, *, retry: RetryPolicy | None = None
    ) -> list[SerialNumberType]:
        """List the serial-number types.

        Args:
            retry: overrides the service's retry policy.

        Returns:
            Every type with its name, format, regex and identifier.

        Example:
            >>> [t.name for t in await wats.get_serial_number_types()]  # doctest: +SKIP
            ['SerialNumber', 'MACAddress']

        """
        return await self._run(_calls.get_serial_number_types(), retry)

    async def take_serial_numbers(
        self,
        type_name: str,
        quantity: int,
        *,
        ref_serial_number: str | None = None,
        ref_part_number: str | None = None,
        station_name: str | None = None,
        only_in_sequence: bool = False,
        format: FileFormat = "XML",
        auto_reference: bool = True,
        retry: RetryPolicy | None = None,
    ) -> list[str]:
        """Take free numbers from a type's pool, at most once.

        Take is never replayed blindly: sending it again after a lost answer would take
        more numbers and lose the first ones. When an attempt's outcome is unknown
        (connection lost after sending, a timeout, a 5xx), the SDK looks the numbers up
        with ByReference and returns them. When the lookup shows that nothing was taken
        and the server itself answered (a 5xx other than 502/504), it takes again. Where
        it cannot be sure, it raises :class:`AmbiguousOutcomeError` (whose
        ``reconcile()`` repeats the lookup) and lists the take in :attr:`pending_takes`.
        A 429 refusal and a connection that could not be opened are retried like any
        call. See ``docs/reliability.md`` for what is guaranteed and the limits.

        Args:
            type_name: the serial-number type, e.g. ``"SerialNumber"``.
            quantity: how many (>= 1); fewer come back when fewer are free.
            ref_serial_number: reference serial recorded with the numbers.
            ref_part_number: reference part number recorded with the numbers.
            station_name: station recorded with the numbers.
            only_in_sequence: one contiguous run, or nothing.
            format: the wire format, "XML" (default) or "CSV".
            auto_reference: when neither reference is given, record the reference serial
                number ``pywats-<request id>`` so that a lost answer can be recovered
                exactly. False records no reference: a lost answer then cannot be
                recovered and raises :class:`AmbiguousOutcomeError`.
            retry: overrides the service's retry policy.

        Returns:
            The numbers taken, in pool order (possibly recovered after a lost answer).

        Raises:
            WatsInputError: bad type name, quantity < 1, unknown format.
            SequenceUnavailableError: no contiguous run long enough (nothing taken).
            NotFoundError: no such type.
            AmbiguousOutcomeError: the outcome could not be established; ``recovered``
                lists the numbers found so far and ``reconcile()`` looks again.
            WatsResponseError: the server said it took numbers but its answer cannot be
                read (UnsafeXmlError for a hostile document, ResponseTooLargeError): the
                take is then listed in :attr:`pending_takes`.

        Example:
            >>> await wats.take_serial_numbers("SerialNumber", 2)  # doctest: +SKIP
            ['SN00000001', 'SN00000002']

        """
        call = _calls.take_serial_numbers(
            type_name,
            quantity,
            ref_serial_number,
            ref_part_number,
            station_name,
            only_in_sequence,
            format,
        )
        params = call.request.get("params") or {}
        take = plan_take(
            type_name=type_name,
            quantity=quantity,
            ref_serial_number=params.get("refSN"),
            ref_part_number=params.get("refPN"),
            station_name=params.get("stationName"),
            only_in_sequence=only_in_sequence,
            auto_reference=auto_reference,
            request_id=uuid.uuid4().hex,
        )
        if take.auto_reference:
            call = _calls.take_serial_numbers(
                type_name,
                quantity,
                take.ref_serial_number,
                None,
                station_name,
                only_in_sequence,
                format,
            )
        handed: list[str] | None = None
        try:
            async with self._takes.ahold(take):
                # Bound on the line of the call itself: from the moment _take has returned,
                # an interrupt (Ctrl-C, a cancellation) before the caller has the numbers
                # lists the take as pending.
                handed = await self._take(call, take, retry)
                self._takes.delivered(take, handed)
            return handed
        except BaseException as exc:
            if handed is not None:
                self._takes.pend(attrs.evolve(take, ended=utcnow()), _pending_reason(exc))
            raise

    async def _take(
        self, call: Call[list[str]], take: PendingTake, retry: RetryPolicy | None
    ) -> list[str]:
        take = attrs.evolve(take, started=utcnow())
        state = self._new_state(call, retry)
        state.request_id = take.request_id
        recovering = settled = False
        try:
            while True:
                try:
                    numbers = await self._run(call, retry, state=state)
                except UnknownOutcome as unknown:
                    recovering = True
                    found = await self._recover_take(take, unknown, retry)
                    recovering = False
                    if found is not None:
                        return found
                    # The lookup proved that nothing was taken: take again, as the same
                    # call (request id, attempt count, deadline), if the policy allows.
                    following = self._retake_state(call, state, unknown)
                    if following is None:
                        settled = True
                        raise unknown.cause from None
                    state, delay = following
                    await asleep(delay)
                    continue
                # in_doubt stays set: until the caller's frame holds the numbers, an
                # interrupt must leave this take pending (take_serial_numbers settles it).
                return numbers
        except AmbiguousOutcomeError:
            raise
        except BaseException as exc:
            # Cancelled mid-flight, an unreadable answer, a failed lookup: whatever was
            # taken must stay findable.
            if not settled and (state.in_doubt or recovering):
                self._takes.pend(attrs.evolve(take, ended=utcnow()), _pending_reason(exc))
            raise

    def _retake_state(
        self, call: Call[list[str]], previous: CallState[list[str]], unknown: UnknownOutcome
    ) -> tuple[CallState[list[str]], float] | None:
        retry_after = getattr(unknown.cause, "retry_after", None)
        delay = previous.policy.delay(previous.attempts, retry_after)
        remaining = previous.remaining
        if delay is None or delay >= remaining:
            return None
        state = self._new_state(call, attrs.evolve(previous.policy, deadline=remaining - delay))
        state.request_id = previous.request_id
        state.attempts = previous.attempts
        return state, delay

    async def _recover_take(
        self, take: PendingTake, unknown: UnknownOutcome, retry: RetryPolicy | None
    ) -> list[str] | None:
        # Returns the numbers the lost attempt took, or None when it provably took none
        # and the server finished with it; raises AmbiguousOutcomeError otherwise.
        take = attrs.evolve(take, ended=utcnow())
        reason = _unknown_reason(unknown)
        try:
            records = await self._lookup_take(take, retry)
        except WatsError as exc:
            lost = Attribution((), False, f"the recovery lookup failed: {exc}")
            raise self._ambiguous(take, unknown, reason, lost, retry) from unknown.cause
        found = attribute(
            take, records, self._takes.excluded(take), shared=self._takes.shared(take)
        )
        if found.certain and found.numbers:
            self._takes.delivered(take, found.numbers)
            logger.warning(
                "takeSerialNumbers: %s after %d attempt(s); recovered %d number(s) "
                "through ByReference (request %s)",
                reason,
                unknown.attempts,
                len(found.numbers),
                take.request_id,
                extra={
                    "wats_operation": "takeSerialNumbers",
                    "wats_request_id": take.request_id,
                    "wats_attempt": unknown.attempts,
                    "wats_recovered": len(found.numbers),
                },
            )
            return list(found.numbers)
        if found.certain and unknown.server_finished:
            logger.info(
                "takeSerialNumbers: %s and nothing was taken; taking again (request %s)",
                reason,
                take.request_id,
                extra={"wats_operation": "takeSerialNumbers", "wats_request_id": take.request_id},
            )
            return None
        if found.certain:
            found = Attribution((), False, "nothing found, but the server may still be working")
        raise self._ambiguous(take, unknown, reason, found, retry) from unknown.cause

    async def _lookup_take(
        self, take: PendingTake, retry: RetryPolicy | None
    ) -> list[SerialNumberRecord]:
        # An SDK reference is unique: no time window, so no clock can hide a number.
        start, end = (None, None) if take.auto_reference else take.window
        return await self._run(
            _calls.get_serial_numbers_by_reference(
                take.type_name, take.ref_serial_number, take.ref_part_number, start, end
            ),
            retry,
        )

    def _ambiguous(
        self,
        take: PendingTake,
        unknown: UnknownOutcome,
        reason: str,
        found: Attribution,
        retry: RetryPolicy | None,
    ) -> AmbiguousOutcomeError:
        pending = self._takes.pend(attrs.evolve(take, recovered=found.numbers), reason)
        findable = take.ref_serial_number is not None or take.ref_part_number is not None
        return AmbiguousOutcomeError(
            f"takeSerialNumbers: outcome unknown after {unknown.attempts} attempt(s) "
            f"({reason}: {unknown.cause}); {found.why}; {len(found.numbers)} candidate "
            "number(s)" + ("; reconcile() looks again" if findable else ""),
            operation="takeSerialNumbers",
            request_id=take.request_id,
            attempts=unknown.attempts,
            recovered=found.numbers,
            details={**pending.details(), "why": found.why},
            cause=unknown.cause,
            areconciler=functools.partial(self._areconcile_numbers, pending, retry)
            if findable
            else None,
        )

    async def _areconcile_numbers(
        self, take: PendingTake, retry: RetryPolicy | None
    ) -> tuple[str, ...]:
        return (await self._settle_take(take, retry)).numbers

    async def _settle_take(self, take: PendingTake, retry: RetryPolicy | None) -> Attribution:
        async with self._takes.ahold(take):
            records = await self._lookup_take(take, retry)
            shared = self._takes.shared(take)
            found = attribute(take, records, self._takes.excluded(take), shared=shared)
            if shared:
                # Other pending takes with this key may own some of these: hand this
                # one at most what it asked for, leave the rest to their reconciliation.
                found = attrs.evolve(found, numbers=found.numbers[: take.quantity])
            self._takes.delivered(take, found.numbers)
            return found

    @property
    def pending_takes(self) -> tuple[PendingTake, ...]:
        """Takes that may have consumed numbers nobody received yet, oldest first.

        A take is listed when its caller was cancelled while it was in flight, when it
        raised :class:`AmbiguousOutcomeError`, or when the server's answer to it could
        not be read. Reconcile with :meth:`reconcile_takes` (or the error's
        ``reconcile()``) once the server has surely finished with it.

        Example:
            >>> for take in wats.pending_takes:  # doctest: +SKIP
            ...     print(take.type_name, take.request_id, take.reason)

        """
        return self._takes.pending

    async def reconcile_takes(self, *, retry: RetryPolicy | None = None) -> list[PendingTake]:
        """Look up the numbers of every pending take and hand them over.

        Each pending take is looked up through ByReference as after a lost answer; the
        numbers found now belong to the caller and the take leaves
        :attr:`pending_takes`. A take whose lookup fails stays pending (logged).

        Args:
            retry: overrides the service's retry policy for the lookups.

        Returns:
            The reconciled takes, each with ``recovered`` (its numbers) and ``certain``
            (False when another client's numbers could be among them, see
            ``docs/reliability.md``).

        Example:
            >>> for take in await wats.reconcile_takes():  # doctest: +SKIP
            ...     print(take.request_id, take.recovered)

        """
        settled: list[PendingTake] = []
        for take in self._takes.pending:
            if take.ref_serial_number is None and take.ref_part_number is None:
                # Recorded without any reference: nothing can find its numbers.
                self._takes.delivered(take, ())
                settled.append(attrs.evolve(take, recovered=(), certain=False))
                continue
            try:
                found = await self._settle_take(take, retry)
            except WatsError as exc:
                logger.warning(
                    "takeSerialNumbers: reconciling request %s failed: %s",
                    take.request_id,
                    exc,
                    extra={
                        "wats_operation": "takeSerialNumbers",
                        "wats_request_id": take.request_id,
                    },
                )
                continue
            settled.append(attrs.evolve(take, recovered=found.numbers, certain=found.certain))
        return settled

    async def get_serial_numbers_by_range(
        self,
        type_name: str,
        start_address: str,
        end_address: str,
        *,
        start_date: dt.datetime | None = None,
        end_date: dt.datetime | None = None,
        retry: RetryPolicy | None = None,
    ) -> list[SerialNumberRecord]:
        """List the numbers of a type between two addresses, with their state.

        Args:
            type_name: the serial-number type.
            start_address: first address (inclusive).
            end_address: last address (inclusive).
            start_date: only numbers taken at or after this time (naive = UTC).
            end_date: only numbers taken at or before this time (naive = UTC).
            retry: overrides the service's retry policy.

        Returns:
            One record per number.

        Raises:
            WatsInputError: an empty argument. NotFoundError: no such type.

        Example:
            >>> await wats.get_serial_numbers_by_range("T", "SN01", "SN09")  # doctest: +SKIP

        """
        return await self._run(
            _calls.get_serial_numbers_by_range(
                type_name, start_address, end_address, start_date, end_date
            ),
            retry,
        )

    async def get_serial_numbers_by_reference(
        self,
        type_name: str,
        *,
        ref_serial_number: str | None = None,
        ref_part_number: str | None = None,
        start_date: dt.datetime | None = None,
        end_date: dt.datetime | None = None,
        retry: RetryPolicy | None = None,
    ) -> list[SerialNumberRecord]:
        """List the numbers taken with a reference serial and/or part number.

        Args:
            type_name: the serial-number type.
            ref_serial_number: the reference serial number given to Take.
            ref_part_number: the reference part number given to Take.
            start_date: only numbers taken at or after this time (naive = UTC).
            end_date: only numbers taken at or before this time (naive = UTC).
            retry: overrides the service's retry policy.

        Returns:
            One record per number taken with that reference.

        Raises:
            WatsInputError: neither reference given, or an empty argument.

        Example:
            >>> await wats.get_serial_numbers_by_reference(  # doctest: +SKIP
            ...     "T", ref_part_number="P"
            ... )

        """
        return await self._run(
            _calls.get_serial_numbers_by_reference(
                type_name, ref_serial_number, ref_part_number, start_date, end_date
            ),
            retry,
        )

    async def export_serial_numbers(
        self,
        type_name: str,
        *,
        format: FileFormat = "CSV",
        start_address: str | None = None,
        end_address: str | None = None,
        start_date: dt.datetime | None = None,
        end_date: dt.datetime | None = None,
        retry: RetryPolicy | None = None,
    ) -> bytes:
        """Export a type's numbers as a CSV or XML file.

        The body is read with the service's ``max_response_bytes`` cap; parse it with
        :func:`pywats_production.serials.parse_export` or the streaming iterators.

        Args:
            type_name: the serial-number type.
            format: "CSV" (default) or "XML".
            start_address: first address to export.
            end_address: last address to export.
            start_date: only numbers taken at or after this time.
            end_date: only numbers taken at or before this time.
            retry: overrides the service's retry policy.

        Returns:
            The file's bytes.

        Raises:
            WatsInputError: bad argument. ResponseTooLargeError: over the cap.

        Example:
            >>> data = await wats.export_serial_numbers("SerialNumber")  # doctest: +SKIP

        """
        return await self._run(
            _calls.export_serial_numbers(
                type_name, format, start_address, end_address, start_date, end_date
            ),
            retry,
        )

    async def upload_serial_numbers(
        self,
        type_name: str,
        data: bytes | str,
        *,
        format: FileFormat = "CSV",
        retry: RetryPolicy | None = None,
    ) -> SerialNumberUploadResult:
        """Add numbers to a type's pool from a CSV or XML file (multipart upload).

        Args:
            type_name: the serial-number type.
            data: the file's content (see ``docs/wire-formats.md``).
            format: "CSV" (default) or "XML".
            retry: overrides the service's retry policy.

        Returns:
            The numbers the server reported as already existing (``existing``, empty when
            the answer is empty) and the raw answer.

        Raises:
            WatsInputError: empty data or bad format. NotFoundError: no such type.

        Example:
            >>> result = await wats.upload_serial_numbers("UnitSN", data)  # doctest: +SKIP
            >>> result.existing  # doctest: +SKIP
            ('SN0001',)

        """
        return await self._run(_calls.upload_serial_numbers(type_name, data, format), retry)

    # ---------------------------------------------------------- batches and changes

    async def save_batches(
        self, batches: Sequence[ProductionBatch], *, retry: RetryPolicy | None = None
    ) -> None:
        """Add or update production batches.

        Args:
            batches: the batches (batch number and size).
            retry: overrides the service's retry policy.

        Raises:
            WatsInputError: an empty list or a batch without number.

        Example:
            >>> await wats.save_batches([ProductionBatch(batch_number="B1")])  # doctest: +SKIP

        """
        await self._run(_calls.save_batches(batches), retry)

    async def get_unit_changes(
        self, max_count: int = DEFAULT_MAX_COUNT, *, retry: RetryPolicy | None = None
    ) -> list[UnitChange]:
        """Read pending unit changes, oldest first, without acknowledging them.

        Args:
            max_count: most changes to return (>= 1).
            retry: overrides the service's retry policy.

        Returns:
            The changes; each stays pending until :meth:`delete_unit_change`.

        Example:
            >>> changes = await wats.get_unit_changes(50)  # doctest: +SKIP

        """
        return await self._run(_calls.get_unit_changes(max_count), retry)

    async def delete_unit_change(self, change_id: int, *, retry: RetryPolicy | None = None) -> None:
        """Acknowledge (delete) a handled change. A change already gone counts as done.

        Args:
            change_id: the change's id.
            retry: overrides the service's retry policy.

        Raises:
            WatsInputError: an id that is not an int32.

        Example:
            >>> await wats.delete_unit_change(42)  # doctest: +SKIP

        """
        try:
            await self._run(_calls.delete_unit_change(change_id), retry)
        except NotFoundError:
            return

    async def consume_unit_changes(
        self,
        handler: Callable[[UnitChange], object] | Callable[[UnitChange], Awaitable[object]],
        *,
        max_count: int = DEFAULT_MAX_COUNT,
        limit: int | None = None,
    ) -> int:
        """Hand each pending change to ``handler``; delete it only after it returned.

        A change is acknowledged only once the handler has returned without raising,
        so a crash or an exception never loses a change: it is read again next time
        (handlers must therefore tolerate seeing a change twice). Stops when the feed
        is empty, after ``limit`` changes, or when the handler raises (the exception
        propagates; the changes handled before it stay deleted).

        Args:
            handler: called with each change (may be a coroutine function here).
            max_count: changes read per request.
            limit: stop after this many changes (None: until the feed is empty).

        Returns:
            The number of changes handled and deleted.

        Example:
            >>> handled = await wats.consume_unit_changes(print)  # doctest: +SKIP

        """
        handled = 0
        async for change in self.iter_unit_changes(max_count=max_count):
            await aresolve(handler(change))
            handled += 1
            if limit is not None and handled >= limit:
                await self.delete_unit_change(change.id)
                break
        return handled

    async def iter_unit_changes(
        self, *, max_count: int = DEFAULT_MAX_COUNT
    ) -> AsyncIterator[UnitChange]:
        """Iterate over pending changes; each is deleted when the loop asks for the next.

        A change is acknowledged only after the body of the loop finished for it: if
        the body raises or breaks, that change is not deleted and comes back next time.
        Iteration ends when the feed is empty.

        Args:
            max_count: changes read per request.

        Yields:
            Each pending change, oldest first.

        Raises:
            WatsResponseError: a change came back after it was deleted (the server did
                not remove it); iteration stops rather than loop forever.

        Example:
            >>> async for change in wats.iter_unit_changes():  # doctest: +SKIP
            ...     handle(change)

        """
        acknowledged: set[int] = set()
        while True:
            changes = await self.get_unit_changes(max_count)
            if not changes:
                return
            for change in changes:
                if change.id in acknowledged:
                    raise WatsResponseError(
                        f"unit change {change.id} is still pending after it was deleted: "
                        "the server did not remove it; stopping instead of looping",
                        operation="getUnitChanges",
                    )
                yield change
                await self.delete_unit_change(change.id)
                acknowledged.add(change.id)

    # --------------------------------------------------------------------- the app

    async def server_version(self, *, retry: RetryPolicy | None = None) -> ServerVersion:
        """Return the server's API version (GET /api/App/Version).

        Args:
            retry: overrides the service's retry policy.

        Returns:
            The version, its text kept as the server sent it.

        Example:
            >>> str(await wats.server_version())  # doctest: +SKIP
            '24.2.0'

        """
        return await self._run(_calls.server_version(), retry)

    async def get_processes(self, *, retry: RetryPolicy | None = None) -> list[Process]:
        """List the server's processes (test, repair and WIP operations).

        Args:
            retry: overrides the service's retry policy.

        Returns:
            The active test, repair and WIP processes, each with its code and name.

        Example:
            >>> [p.name for p in await wats.get_processes()]  # doctest: +SKIP
            ['ICT', 'FCT', 'Final test']

        """
        return await self._run(_calls.get_processes(), retry)

    async def is_connected(self) -> bool:
        """Return whether the server answers GET /api/App/Version (one attempt, no raise).

        An error answer (401 for a wrong token included) counts as not connected: the
        SDK cannot work with that server as configured.

        Returns:
            True when the version was read.

        Example:
            >>> await wats.is_connected()  # doctest: +SKIP
            True

        """
        try:
            await self.server_version(retry=RetryPolicy.never())
        except WatsError:
            return False
        return True

    async def check_compatibility(
        self,
        *,
        checked_versions: Iterable[str] | None = None,
        retry: RetryPolicy | None = None,
    ) -> CompatibilityReport:
        """Compare the server's version with what the SDK's pinned contract describes.

        Never raises for an unreachable or refusing server: the report then says UNKNOWN
        and why. The rule (API version, checked server versions) is in
        :mod:`pywats_production.compat`. With pins (``pins=`` or ``WATS_PINS``), a server
        version that a pin names answers MATCHES and any other DIFFERS, with the reason.

        Args:
            checked_versions: dotted server versions the contract has been checked against
                (default :data:`pywats_production.compat.CHECKED_SERVER_VERSIONS`).
            retry: overrides the service's retry policy for the version request.

        Returns:
            The report: ``status`` (MATCHES, DIFFERS, UNKNOWN), the server's raw version
            text, the contract's versions and spec sha256, and a one-line ``reason``.

        Raises:
            ValueError: a checked version that is not dotted numbers.

        Example:
            >>> report = await wats.check_compatibility(checked_versions=["24.2"])  # doctest: +SKIP
            >>> print(report)  # doctest: +SKIP
            matches: server '24.2.1', contract v1 (api v1, ...): server version 24.2.1 is ...

        """
        from . import compat

        try:
            version = await self.server_version(retry=retry)
        except WatsError as exc:
            report = compat.compare(
                None, checked_versions=checked_versions, error=exc, pins=self._config.pins
            )
            error: WatsError | None = exc
            version = None
        else:
            report = compat.compare(
                version, checked_versions=checked_versions, pins=self._config.pins
            )
            error = None
        if self._config.internal:
            # The internal surface is judged on its own: derived-for versions and pins.
            pinned = self._config.pinned_server_versions
            report = attrs.evolve(
                report, internal=compat.compare_internal(version, pinned=pinned, error=error)
            )
        return report

    # ------------------------------------------------------------------- internals

    async def _run_all(
        self, calls: Sequence[Call[T]], retry: RetryPolicy | None, concurrency: int
    ) -> list[T]:
        results: list[T] = []
        for index in range(0, len(calls), concurrency):
            group = calls[index : index + concurrency]
            results.extend(await agather([self._run(call, retry) for call in group]))
        return results

"""The core shared by the async and the sync service.

Everything here is free of I/O: the operation table, request building (through the
generated client's request builders), the retry state machine that decides after each
attempt, and the response checks. The two services only send requests and sleep, each in
its own way, so that they behave identically by construction.
"""

# ruff: noqa: E501
from __future__ import annotations

import email.utils
import importlib
import itertools
import logging
import os
import time
from collections.abc import Callable, Mapping, Sequence
from types import ModuleType
from typing import Any, Generic, Protocol, TypeVar

import attrs
import httpx

from ._drift import DRIFT_SCOPE, DriftMonitor
from .errors import (
    WatsApiError,
    WatsConnectionError,
    WatsError,
    WatsInputError,
    WatsResponseError,
    WatsTimeoutError,
    error_from_response,
    sanitize_url,
)
from .models import _CURRENT_OPERATION
from .observability import CallRecord, RequestInfo, ResponseInfo, capturing, record_call
from .retry import Reliability, RetryPolicy

__all__ = [
    "OPERATIONS",
    "Call",
    "CallState",
    "Instrumentation",
    "Operation",
    "RequestInfo",
    "ResponseInfo",
]

logger = logging.getLogger("pywats_production")

T = TypeVar("T")


@attrs.frozen
class Operation:
    """One operation of the pinned spec.

    Attributes:
        name: the operationId in spec/ (e.g. ``getUnit``).
        module: the generated module that builds its requests.
        method: HTTP method.
        path: path template, as in spec/ (used in logs and spans, never the real path).
        reliability: what a repeated request does (decides retries).
        large_body: the answer may be large (exports, takes, feeds): read it with a cap.
        since: the first server line that has the operation (``x-wats-since`` in spec/),
            e.g. (2026, 3); None for the operations of the published documents.

    """

    name: str
    module: str
    method: str
    path: str
    reliability: Reliability
    large_body: bool = False
    since: tuple[int, ...] | None = None

    @property
    def since_text(self) -> str | None:
        """The minimum server line as text (``"2026.3"``), or None."""
        return None if self.since is None else ".".join(str(p) for p in self.since)


def _op(
    name: str,
    module: str,
    method: str,
    path: str,
    rel: Reliability,
    large: bool = False,
    since: tuple[int, ...] | None = None,
) -> Operation:
    return Operation(name, module, method, path, rel, large, since)


#: The server line of the unit query and the one-unit operations (spec/: x-wats-since).
SINCE_2026_3: tuple[int, ...] = (2026, 3)


# One operation a line reads best as a table, hence the long lines below.
_P = "pywats_production_api.api.production."
_A = "pywats_production_api.api.app."
_PROD = "/api/Production/"
_I = "pywats_production_internal_api.api.internal."
_INT = "/api/internal/Production/"
_MES = "/api/internal/Mes/"
_SAFE = Reliability.SAFE
_UPSERT = Reliability.UPSERT
_CONV = Reliability.CONVERGES
_CHECK = Reliability.CONVERGES_CHECKED
_TAKE = Reliability.CONSUMES
OPERATIONS: Mapping[str, Operation] = {
    op.name: op
    for op in (
        _op("getUnit", _P + "get_unit", "GET", _PROD + "Unit/{serialNumber}/{partNumber}", _SAFE),
        _op("putUnits", _P + "put_units", "PUT", _PROD + "Units", _UPSERT),
        _op("setUnitPhase", _P + "set_unit_phase", "PUT", _PROD + "SetUnitPhase", _CONV),
        _op("setUnitProcess", _P + "set_unit_process", "PUT", _PROD + "SetUnitProcess", _CONV),
        _op("getUnitVerification", _P + "get_unit_verification", "GET", _PROD + "UnitVerification", _SAFE),
        _op("addChildUnit", _P + "add_child_unit", "POST", _PROD + "AddChildUnit", _CHECK),
        _op("removeChildUnit", _P + "remove_child_unit", "POST", _PROD + "RemoveChildUnit", _CHECK),
        _op("checkChildUnits", _P + "check_child_units", "GET", _PROD + "CheckChildUnits", _SAFE),
        _op("getSerialNumberTypes", _P + "get_serial_number_types", "GET", _PROD + "SerialNumbers/Types", _SAFE),
        _op("takeSerialNumbers", _P + "take_serial_numbers", "POST", _PROD + "SerialNumbers/Take", _TAKE, True),
        _op("getSerialNumbersByRange", _P + "get_serial_numbers_by_range", "GET", _PROD + "SerialNumbers/ByRange", _SAFE, True),
        _op("getSerialNumbersByReference", _P + "get_serial_numbers_by_reference", "GET", _PROD + "SerialNumbers/ByReference", _SAFE, True),
        _op("exportSerialNumbers", _P + "export_serial_numbers", "GET", _PROD + "SerialNumbers", _SAFE, True),
        _op("uploadSerialNumbers", _P + "upload_serial_numbers", "PUT", _PROD + "SerialNumbers", _UPSERT),
        _op("putBatches", _P + "put_batches", "PUT", _PROD + "Batches", _UPSERT),
        _op("getUnitChanges", _P + "get_unit_changes", "GET", _PROD + "Units/Changes", _SAFE, True),
        _op("deleteUnitChange", _P + "delete_unit_change", "DELETE", _PROD + "Units/Changes/{id}", _CONV),
        _op("getServerVersion", _A + "get_server_version", "GET", "/api/App/Version", _SAFE),
        _op("getProcesses", _A + "get_processes", "GET", "/api/App/Processes", _SAFE),
        _op("queryUnits", _P + "query_units", "GET", _PROD + "Unit/Query", _SAFE, False, SINCE_2026_3),
        _op("createUnit", _P + "create_unit", "POST", _PROD + "Unit", _CHECK, False, SINCE_2026_3),
        _op("updateUnit", _P + "update_unit", "PUT", _PROD + "Unit", _UPSERT, False, SINCE_2026_3),
        _op("deleteUnit", _P + "delete_unit", "DELETE", _PROD + "Unit", _CONV, False, SINCE_2026_3),
        _op("changeUnit", _P + "change_unit", "PUT", _PROD + "ChangeUnit", _CHECK, False, SINCE_2026_3),
        _op("setUnitTag", _P + "set_unit_tag", "PUT", _PROD + "UnitTag", _CONV, False, SINCE_2026_3),
        # The internal API (spec/production-internal-api.yaml), opt-in: service.internal.
        _op("internal.getUnitPhases", _I + "get_unit_phases", "GET", _MES + "GetUnitPhases", _SAFE),
        _op("internal.getUnitPhase", _I + "get_unit_phase", "GET", _INT + "GetUnitPhase", _SAFE),
        _op("internal.getUnitProcess", _I + "get_unit_process", "GET", _INT + "GetUnitProcess", _SAFE),
        _op("internal.getUnitStateHistory", _I + "get_unit_state_history", "GET", _INT + "GetUnitStateHistory", _SAFE),
        _op("internal.getUnitHierarchy", _I + "get_unit_hierarchy", "GET", _INT + "GetUnitHierarchy", _SAFE),
        _op("internal.getUnitInfo", _I + "get_unit_info", "GET", _INT + "GetUnitInfo", _SAFE),
        _op("internal.getUnitContents", _I + "get_unit_contents", "GET", _INT + "GetUnitContents", _SAFE),
        _op("internal.createUnit", _I + "create_unit", "POST", _INT + "CreateUnit", _CHECK),
        _op("internal.setUnitPhaseAndProcess", _I + "set_unit_phase_and_process", "GET", _INT + "SetUnitPhaseAndProcess", _CONV),
        _op("internal.addChildUnit", _I + "add_child_unit", "POST", _INT + "AddChildUnit", _CHECK),
        _op("internal.removeChildUnit", _I + "remove_child_unit", "POST", _INT + "RemoveChildUnit", _CHECK),
        _op("internal.removeAllChildUnits", _I + "remove_all_child_units", "POST", _INT + "RemoveAllChildUnits", _CONV),
        _op("internal.checkChildUnits", _I + "check_child_units", "GET", _INT + "CheckChildUnits", _SAFE),
        _op("internal.findSerialNumbers", _I + "find_serial_numbers", "GET", _INT + "SerialNumbers", _SAFE, True),
        _op("internal.countSerialNumbers", _I + "count_serial_numbers", "GET", _INT + "SerialNumbers/Count", _SAFE),
        _op("internal.getSerialNumberRanges", _I + "get_serial_number_ranges", "GET", _INT + "SerialNumbers/Ranges", _SAFE),
        _op("internal.getSerialNumberStatistics", _I + "get_serial_number_statistics", "GET", _INT + "SerialNumbers/Statistics", _SAFE),
        _op("internal.freeSerialNumbers", _I + "free_serial_numbers", "PUT", _INT + "SerialNumbers/Free", _CONV),
        _op("internal.reserveSerialNumbers", _I + "reserve_serial_numbers", "POST", _INT + "GetAndReserveNewSerialNumbers", _TAKE, True),
        _op("internal.getSites", _I + "get_sites", "GET", _INT + "GetSites", _SAFE),
        _op("internal.isConnected", _I + "is_connected", "GET", _INT + "isConnected", _SAFE),
    )
}  # fmt: skip

_modules: dict[str, ModuleType] = {}

# Request ids: a random prefix per process (renewed in a forked child) and a counter, in
# the 32 hex digits of a uuid4: as unique across stations and processes, at a tenth of
# uuid4's cost on every call.
_id_prefix = os.urandom(10).hex()
_id_counter = itertools.count(1)


def _renew_request_ids() -> None:
    global _id_prefix, _id_counter
    _id_prefix = os.urandom(10).hex()
    _id_counter = itertools.count(1)


if hasattr(os, "register_at_fork"):  # not on Windows, where there is no fork
    os.register_at_fork(after_in_child=_renew_request_ids)


def new_request_id() -> str:
    """Return a new ``X-Request-ID``: 32 hex digits, unique per call and per process."""
    return f"{_id_prefix}{next(_id_counter):012x}"


def _generated(module: str) -> ModuleType:
    # Generated endpoint modules load on first use, keeping `import pywats_production` light.
    mod = _modules.get(module)
    if mod is None:
        mod = importlib.import_module(module)
        _modules[module] = mod
    return mod


def build_kwargs(op: Operation, **params: object) -> dict[str, Any]:
    """Return the request arguments of ``op`` built by the generated client.

    The generated builder knows the spec's parameter names and percent-encodes path
    segments; its keys are ``method``, ``url`` and optionally ``params``, ``json``,
    ``files``, ``headers``.
    """
    result: dict[str, Any] = _generated(op.module).request_kwargs(**params)
    return result


@attrs.define(kw_only=True)
class Call(Generic[T]):
    """A prepared call: which operation, its request, how to read its answer.

    Attributes:
        op: the operation.
        request: arguments for ``httpx.Client.build_request``.
        parse: turns a successful response into the domain result.
        attributes: facts about the call for logs and spans (no secrets, no bodies).

    """

    op: Operation
    request: dict[str, Any]
    parse: Callable[[httpx.Response], T]
    attributes: dict[str, str | int | bool] = attrs.field(factory=dict)


def make_call(
    name: str,
    parse: Callable[[httpx.Response], T],
    *,
    json: object = None,
    attributes: dict[str, str | int | bool] | None = None,
    **params: object,
) -> Call[T]:
    """Build a :class:`Call` for operation ``name`` with the generated request builder.

    ``json``, when given, replaces the body built by the generated builder (the domain
    models serialise themselves; the builder is then asked only for method, URL and
    headers).
    """
    op = OPERATIONS[name]
    request = build_kwargs(op, **params)
    if json is not None:
        request["json"] = json
    return Call(op=op, request=request, parse=_named(name, parse), attributes=attributes or {})


def _named(name: str, parse: Callable[[httpx.Response], T]) -> Callable[[httpx.Response], T]:
    # Drifts reported while the answer is read name the operation (models.report_drift).
    # models.parsing() by hand: a generator-based context manager costs a microsecond
    # more on every answer of every call.
    def run(response: httpx.Response) -> T:
        token = _CURRENT_OPERATION.set(name)
        try:
            return parse(response)
        finally:
            _CURRENT_OPERATION.reset(token)

    return run


# --------------------------------------------------------------------------- observers


class Hook(Protocol):
    """A user hook seeing every request and response (see ``docs/observability.md``)."""

    def on_request(self, info: RequestInfo) -> None:
        """Observe an attempt before it is sent."""

    def on_response(self, info: ResponseInfo) -> None:
        """Observe an attempt's status or transport error."""


class OperationScope(Protocol):
    """Instrumentation of one domain call (a span, metrics), ended exactly once."""

    def attempt(self, info: ResponseInfo) -> None:
        """Record one finished attempt."""

    def end(self, error: BaseException | None, attempts: int) -> None:
        """End the call, with the error it raised if any."""


class Instrumentation(Protocol):
    """Starts an :class:`OperationScope` per domain call (OpenTelemetry plugs in here)."""

    def start(self, operation: str, attributes: Mapping[str, str | int | bool]) -> OperationScope:
        """Start instrumenting a call of ``operation``."""
        ...


# ------------------------------------------------------------------ the state machine


class RetryStep:
    __slots__ = ("delay",)

    def __init__(self, delay: float) -> None:
        self.delay = delay


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("retry-after")
    if value is None:
        return None
    try:
        seconds = float(value)
    except ValueError:
        pass
    else:
        # "nan" is no number of seconds: read it as unreadable, not as "no wait".
        return 1.0 if seconds != seconds else max(seconds, 0.0)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        # Unreadable: treat as "soon" rather than ignoring the server's request to wait.
        return 1.0
    if when.tzinfo is None:
        return 1.0
    return max(when.timestamp() - time.time(), 0.0)


def _sent(exc: httpx.HTTPError) -> bool:
    """Whether the request may have reached the server before ``exc``.

    Only failures to open a connection (refused, unreachable, TLS handshake, proxy), to
    get one from the pool, or the HTTP layer's refusal to write the request prove that
    nothing was sent; anything later may have reached
    the server, even if the error is a write error.
    """
    # LocalProtocolError: the HTTP layer refused to write the request (a header value
    # with a line break, say): it raises before the head goes out.
    return not isinstance(
        exc,
        httpx.ConnectError
        | httpx.ConnectTimeout
        | httpx.PoolTimeout
        | httpx.ProxyError
        | httpx.LocalProtocolError,
    )


# One-entry caches keyed by object identity: a client's base URL and timeout objects are
# the same on every call unless the caller replaces them.
_base_cache: tuple[object, str] = (None, "")
_longest_cache: tuple[object, float] = (None, 0.0)


def _base_text(base_url: httpx.URL) -> str:
    """Return the base URL as text without its trailing slash ("" if not joinable as text)."""
    global _base_cache
    cached, text = _base_cache
    if cached is base_url:
        return text
    text = str(base_url)
    text = "" if "?" in text or "#" in text else text.rstrip("/")
    _base_cache = (base_url, text)
    return text


def _longest(timeout: httpx.Timeout) -> float:
    """Return the longest of a timeout's parts (infinite when one is unbounded)."""
    global _longest_cache
    cached, longest = _longest_cache
    if cached is timeout:
        return longest
    parts = (timeout.connect, timeout.read, timeout.write, timeout.pool)
    longest = float("inf") if None in parts else max(p for p in parts if p is not None)
    _longest_cache = (timeout, longest)
    return longest


def _capped_timeout(timeout: httpx.Timeout, remaining: float) -> httpx.Timeout | None:
    """Return the client's timeout shortened to the remaining deadline (None: unchanged)."""
    limit = max(remaining, 0.001)
    parts = (timeout.connect, timeout.read, timeout.write, timeout.pool)
    if all(part is not None and part <= limit for part in parts):
        return None
    return httpx.Timeout(
        connect=limit if timeout.connect is None else min(timeout.connect, limit),
        read=limit if timeout.read is None else min(timeout.read, limit),
        write=limit if timeout.write is None else min(timeout.write, limit),
        pool=limit if timeout.pool is None else min(timeout.pool, limit),
    )


def _set_headers(headers: httpx.Headers, own: Mapping[str, str], keep_accept: bool) -> None:
    for name, value in own.items():
        if not (keep_accept and name == "Accept"):
            headers[name] = value


class UnknownOutcome(Exception):
    """Raised to the caller of a CONSUMES call when the outcome cannot be known.

    Attributes:
        cause: the error the attempt ended with (transport error or 5xx answer).
        attempts: attempts made so far.
        request_id: the call's request id.
        status: the HTTP status when the server answered (5xx), None when no answer came.

    """

    def __init__(
        self, cause: WatsError, attempts: int, request_id: str, status: int | None = None
    ) -> None:
        super().__init__(str(cause))
        self.cause = cause
        self.attempts = attempts
        self.request_id = request_id
        self.status = status

    @property
    def server_finished(self) -> bool:
        """Whether the server itself ended its handling of the request.

        True for a 5xx the server sent, except 502 and 504: those come from a gateway
        while the server behind it may still be working. A transport failure proves
        nothing either way.
        """
        return self.status is not None and self.status not in (502, 504)


class CallState(Generic[T]):
    """Decides, after each attempt of one call, whether to return, retry or raise.

    Both services drive it the same way::

        state = CallState(call, policy, ...)
        while True:
            request = state.next_request(client)
            try:
                response = send(request)
            except httpx.HTTPError as exc:
                step = state.failed(exc)
            else:
                step = state.answered(response)   # may raise, or return the result
            sleep(step.delay)
    """

    __slots__ = (
        "_deadline",
        "_drift",
        "_finished",
        "_headers",
        "_hooks",
        "_info",
        "_request",
        "_scope",
        "_sent_at",
        "_status",
        "any_in_doubt",
        "attempts",
        "call",
        "in_doubt",
        "policy",
        "request_id",
        "started",
    )

    def __init__(
        self,
        call: Call[T],
        policy: RetryPolicy,
        hooks: Sequence[Hook],
        instrumentation: Instrumentation | None,
        headers: Mapping[str, str] | None = None,
        drift: DriftMonitor | None = None,
    ) -> None:
        self.call = call
        self._drift = drift
        self._headers: Mapping[str, str] = headers or {}
        self.policy = policy
        self.request_id = new_request_id()
        self.attempts = 0
        self.started = time.monotonic()
        self._deadline = self.started + policy.deadline
        self._hooks = hooks
        # Built on demand: hooks, debug logs and errors need it, a plain success does not.
        self._info: RequestInfo | None = None
        self._request: httpx.Request | None = None
        self._sent_at = 0.0
        self._status: int | None = None
        self._finished = False
        # in_doubt: the latest attempt may have been applied and no result was read;
        # any_in_doubt: that was so for some attempt (a replay may then meet its effect).
        self.in_doubt = False
        self.any_in_doubt = False
        self._scope: OperationScope | None = None
        if instrumentation is not None:
            try:
                self._scope = instrumentation.start(call.op.name, call.attributes)
            except Exception:
                # An observer must never stop a production call.
                logger.exception("instrumentation failed to start %s", call.op.name)

    @property
    def remaining(self) -> float:
        """Seconds left until the call's deadline."""
        return self._deadline - time.monotonic()

    def next_request(self, client: httpx.Client | httpx.AsyncClient) -> httpx.Request:
        """Build the request of the next attempt (same request id on every attempt)."""
        self.attempts += 1
        request_args = self.call.request
        call_headers = request_args.get("headers")
        # No attempt may outlive the call's deadline, whatever the client's timeouts.
        timeout = client.timeout
        remaining = self._deadline - time.monotonic()
        capped = _capped_timeout(timeout, remaining) if _longest(timeout) > remaining else None
        url: str = request_args["url"]
        if url[:1] == "/":
            base = _base_text(client.base_url)
            if base:
                # The URL httpx's relative merge would give (base path + path), built as
                # text at a third of the cost: this runs on every attempt of every call.
                url = base + url
        try:
            request = client.build_request(
                request_args["method"],
                url,
                params=request_args.get("params"),
                json=request_args.get("json"),
                files=request_args.get("files"),
                headers=call_headers or None,
            )
        except (httpx.InvalidURL, UnicodeEncodeError, ValueError) as exc:
            # Arguments httpx cannot put in a request (a URL over 64 KiB, say): bad input,
            # and nothing was sent.
            raise WatsInputError(
                f"{self.call.op.name}: the request cannot be built from these arguments "
                f"({type(exc).__name__}: {str(exc)[:200]})"
            ) from None
        # The service's headers (auth, Accept, User-Agent: only there when the caller gave
        # its own http_client) win over the client's and the builder's, except the Accept
        # of an operation that answers a file (Take, Export: set in _calls). They are set
        # on the built request one by one (httpx merging a headers dict copies and
        # rescans every header, three times the cost), in a helper so that no local of
        # this frame holds the token (httpx's Headers repr masks Authorization).
        headers = request.headers
        _set_headers(headers, self._headers, call_headers is not None and "Accept" in call_headers)
        headers["X-Request-ID"] = self.request_id
        if capped is not None:
            request.extensions["timeout"] = capped.as_dict()
        self.in_doubt = True
        self._request = request
        self._info = None
        if self._hooks:
            info = self._current_info()
            for hook in self._hooks:
                try:
                    hook.on_request(info)
                except Exception:
                    logger.exception("hook %r failed in on_request", hook)
        self._sent_at = time.monotonic()
        return request

    def _current_info(self) -> RequestInfo:
        """Return the :class:`RequestInfo` of the latest attempt (built once, on first need)."""
        info = self._info
        if info is None:
            request = self._request
            assert request is not None, "no attempt was made"
            op = self.call.op
            info = self._info = RequestInfo(
                operation=op.name,
                method=op.method,
                path=op.path,
                url=str(request.url),
                attempt=self.attempts,
                request_id=self.request_id,
                attributes=self.call.attributes,
            )
        return info

    def _report(self, status: int | None, error: str | None, will_retry: bool) -> None:
        duration = time.monotonic() - self._sent_at
        self._status = status
        if not self._hooks and self._scope is None and not logger.isEnabledFor(logging.DEBUG):
            return  # nobody to tell: the common case, kept cheap
        info = self._current_info()
        if logger.isEnabledFor(logging.DEBUG):
            logger.debug(
                "%s %s -> %s in %.1f ms (attempt %d, request %s)",
                info.method,
                info.path,
                status if status is not None else error,
                duration * 1000,
                info.attempt,
                info.request_id,
                extra={
                    "wats_operation": info.operation,
                    "wats_method": info.method,
                    "wats_path": info.path,
                    "wats_status": status,
                    "wats_duration_ms": round(duration * 1000, 3),
                    "wats_attempt": info.attempt,
                    "wats_request_id": info.request_id,
                    "wats_error": error,
                },
            )
        if not self._hooks and self._scope is None:
            return
        response_info = ResponseInfo(
            request=info, status=status, duration=duration, error=error, will_retry=will_retry
        )
        for hook in self._hooks:
            try:
                hook.on_response(response_info)
            except Exception:
                # Raising here could lose an answer that consumed something (a Take).
                logger.exception("hook %r failed in on_response", hook)
        if self._scope is not None:
            try:
                self._scope.attempt(response_info)
            except Exception:
                logger.exception("instrumentation failed in attempt of %s", info.operation)

    def _wait_or_none(self, retry_after: float | None) -> float | None:
        delay = self.policy.delay(self.attempts, retry_after)
        if delay is None or delay >= self.remaining:
            return None
        return delay

    def failed(self, exc: httpx.HTTPError) -> RetryStep:
        """Handle a transport failure: return a retry step, or raise the typed error."""
        sent = _sent(exc)
        self.in_doubt = sent
        self.any_in_doubt = self.any_in_doubt or sent
        replayable = self.call.op.reliability.replayable or not sent
        delay = self._wait_or_none(None) if replayable else None
        self._report(None, type(exc).__name__, delay is not None)
        if delay is not None:
            return RetryStep(delay)
        info = self._current_info()
        cls = WatsTimeoutError if isinstance(exc, httpx.TimeoutException) else WatsConnectionError
        error = cls(
            f"{info.method} {info.path}: {type(exc).__name__}: {exc}",
            method=info.method,
            url=info.url,
            request_id=self.request_id,
            attempts=self.attempts,
            operation=info.operation,
            request_sent=sent,
        )
        error.__cause__ = exc
        if sent and not self.call.op.reliability.replayable:
            raise self._finish(UnknownOutcome(error, self.attempts, self.request_id, None))
        raise self._finish(error)

    def answered(self, response: httpx.Response) -> T | RetryStep:
        """Handle a read answer: return the parsed result, a retry step, or raise.

        The body is only read inside helpers that have returned before anything is raised:
        a traceback that shows locals (``capture_locals=True``) never shows what the
        server sent (which may echo the token).
        """
        status = response.status_code
        if status < 300:
            self._report(status, None, False)
            # Drift found by the models goes to the service's monitor (strict: raises).
            scope = DRIFT_SCOPE.set((self._drift, self.call.op.name)) if self._drift else None
            try:
                result = self.call.parse(response)
            except WatsError as exc:
                # in_doubt stays set: a Take that was applied but cannot be read.
                raise self._finish(exc) from None
            finally:
                if scope is not None:
                    DRIFT_SCOPE.reset(scope)
            if self.call.op.reliability.replayable:
                self.in_doubt = False
            # else (a Take): the caller clears in_doubt once the result is in its hands or
            # ledger, so an interrupt in between still leaves the numbers findable.
            self._finish(None)
            return result
        # A 5xx may come after the work was done; any other refusal means it was not.
        self.in_doubt = status >= 500
        self.any_in_doubt = self.any_in_doubt or self.in_doubt
        retry_after = _retry_after(response)
        delay: float | None = None
        if status in self.policy.retry_statuses and (
            self.call.op.reliability.replayable or status == 429
        ):
            # A 429 was refused before any work: safe to repeat even for Take.
            delay = self._wait_or_none(retry_after)
        self._report(status, None, delay is not None)
        if delay is not None:
            return RetryStep(delay)
        error = self._refusal(response, retry_after)
        if status >= 500 and not self.call.op.reliability.replayable:
            # The server may have taken numbers before failing.
            raise self._finish(UnknownOutcome(error, self.attempts, self.request_id, status))
        raise self._finish(error)

    def _refusal(self, response: httpx.Response, retry_after: float | None) -> WatsApiError:
        info = self._current_info()
        return error_from_response(
            status=response.status_code,
            method=info.method,
            url=info.url,
            body=response.content,
            content_type=response.headers.get("content-type"),
            request_id=self.request_id,
            attempts=self.attempts,
            operation=info.operation,
            retry_after=retry_after,
        )

    def out_of_time(self, why: str) -> BaseException:
        """End the call before its next attempt is sent: no time is left for it.

        Returns the error to raise: a :class:`WatsTimeoutError` that says the request was
        not sent, or an :class:`UnknownOutcome` when an earlier attempt of a call that
        cannot be replayed may have been applied.
        """
        op = self.call.op
        info = self._current_info() if self._request is not None else None
        error = WatsTimeoutError(
            f"{op.method} {op.path}: {why}",
            method=op.method,
            url=info.url if info else op.path,
            request_id=self.request_id,
            attempts=self.attempts,
            operation=op.name,
            request_sent=False,
        )
        if self.any_in_doubt and not op.reliability.replayable:
            return self._finish(UnknownOutcome(error, self.attempts, self.request_id, None))
        return self._finish(error)

    def _finish(self, error: BaseException | None) -> BaseException:
        """End the call once: log a failure, record it for capture_calls, end the scope."""
        if self._finished:
            return error if error is not None else RuntimeError("finished")
        self._finished = True
        op = self.call.op
        duration = time.monotonic() - self.started
        cause = error.cause if isinstance(error, UnknownOutcome) else error
        if isinstance(cause, WatsResponseError):
            # Parse failures and over-cap answers are raised below the call; give them its ids.
            if cause.request_id is None:
                cause.request_id = self.request_id
            if cause.operation is None:
                cause.operation = op.name
        if cause is not None and isinstance(error, Exception):
            info = self._current_info() if self._request is not None else None
            status = getattr(cause, "status", None)
            level = logging.WARNING if isinstance(cause, WatsApiError) else logging.ERROR
            if logger.isEnabledFor(level):
                logger.log(
                    level,
                    "%s failed after %d attempt(s): %s",
                    op.name,
                    self.attempts,
                    cause,
                    extra={
                        "wats_operation": op.name,
                        "wats_method": op.method,
                        "wats_path": op.path,
                        "wats_status": status if isinstance(status, int) else self._status,
                        "wats_attempt": self.attempts,
                        "wats_request_id": self.request_id,
                        "wats_duration_ms": round(duration * 1000, 3),
                        "wats_error": type(cause).__name__,
                        "wats_url": sanitize_url(info.url) if info else None,
                    },
                )
        elif cause is None and logger.isEnabledFor(logging.INFO):
            # One line per completed operation at INFO (what `wats-production -v` shows);
            # the per-attempt detail stays at DEBUG.
            logger.info(
                "%s -> %s in %.1f ms (%d attempt(s), request %s)",
                op.name,
                self._status,
                duration * 1000,
                self.attempts,
                self.request_id,
                extra={
                    "wats_operation": op.name,
                    "wats_method": op.method,
                    "wats_path": op.path,
                    "wats_status": self._status,
                    "wats_attempt": self.attempts,
                    "wats_request_id": self.request_id,
                    "wats_duration_ms": round(duration * 1000, 3),
                    "wats_error": None,
                },
            )
        if capturing():  # no record is built unless a capture_calls() block wants it
            record_call(
                CallRecord(
                    operation=op.name,
                    request_id=self.request_id,
                    attempts=self.attempts,
                    status=self._status,
                    duration=duration,
                    error=cause,
                )
            )
        if self._scope is not None:
            try:
                self._scope.end(error, self.attempts)
            except Exception:
                logger.exception("instrumentation failed to end %s", op.name)
        return error if error is not None else RuntimeError("finished")

    def cancelled(self, exc: BaseException) -> None:
        """End instrumentation when the caller cancels the call mid-flight."""
        self._finish(exc)

    def escaped(self, exc: BaseException) -> None:
        """End the call for an exception that left the send loop without passing here.

        That is an over-cap answer (ResponseTooLargeError), a failing parser, or a
        cancellation; errors that went through :meth:`failed`/:meth:`answered` already
        ended the call and are left alone.
        """
        self._finish(exc)


def too_large(limit: int, received: int, info_url: str) -> WatsError:
    """Return the error for a body over the configured cap."""
    from .errors import ResponseTooLargeError

    return ResponseTooLargeError(
        f"response body of {info_url} exceeds the cap of {limit} bytes",
        limit=limit,
        received=received,
    )

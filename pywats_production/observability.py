"""Seeing into the SDK: the call log, hook adapters and the logger's field names.

Three ways to watch what the SDK does, from the lightest to the richest (see
``docs/observability.md``):

- the stdlib logger ``pywats_production``: one DEBUG record per HTTP attempt and one
  WARNING/ERROR record per failed operation, with structured ``extra`` fields
  (:data:`LOG_FIELDS`);
- :func:`capture_calls`: a context manager collecting one :class:`CallRecord` per finished
  call (operation, request id, attempts, status, duration, error), which is how request ids
  and retry counts reach the caller without changing what the methods return;
- hooks (``hooks=`` on the services) that see every request and response, including
  retries; :func:`on_request` and :func:`on_response` turn plain functions into hooks.

OpenTelemetry spans and metrics live in :mod:`pywats_production.otel` (optional extra).
This module imports nothing beyond the standard library and attrs.
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable, Mapping
from types import TracebackType
from typing import TYPE_CHECKING, Final

import attrs

if TYPE_CHECKING:
    from ._drift import DriftInfo

__all__ = [
    "DRIFT_LOG_FIELDS",
    "LOG_FIELDS",
    "LOGGER_NAME",
    "CallRecord",
    "CallbackHook",
    "RequestInfo",
    "ResponseInfo",
    "capture_calls",
    "on_drift",
    "on_request",
    "on_response",
]

#: Name of the stdlib logger every record of the SDK goes to.
LOGGER_NAME: Final = "pywats_production"

#: The structured ``extra`` fields of the SDK's log records, and what each holds.
#: Attempt records (DEBUG) carry all but ``wats_url``; failure records (WARNING for an
#: error answer, ERROR for no answer or an unreadable one) carry all of them, with
#: ``wats_duration_ms`` covering the whole call and ``wats_attempt`` the number of attempts.
LOG_FIELDS: Final[dict[str, str]] = {
    "wats_operation": "operationId in spec/, e.g. getUnit",
    "wats_method": "HTTP method",
    "wats_path": "path template, e.g. /api/Production/Unit/{serialNumber}/{partNumber}",
    "wats_status": "HTTP status, or None when no answer came",
    "wats_duration_ms": "milliseconds (one attempt, or the whole call on failure records)",
    "wats_attempt": "attempt number from 1 (failure records: attempts made)",
    "wats_request_id": "the X-Request-ID sent, the same on every attempt of a call",
    "wats_error": "transport error or exception class name, or None",
    "wats_url": "failure records only: the URL without credentials (may hold serial numbers)",
}


#: The ``extra`` fields of a contract-drift record (WARNING, once per kind and service,
#: from a lenient service meeting a member, type or value the contract does not describe).
DRIFT_LOG_FIELDS: Final[dict[str, str]] = {
    "wats_operation": "operationId whose answer drifted",
    "wats_drift_kind": "member, type or value",
    "wats_drift_model": "the SDK model being read, e.g. Unit",
    "wats_drift_member": "the JSON member at fault",
}


@attrs.frozen(kw_only=True)
class RequestInfo:
    """What is about to be sent (given to hooks before every attempt).

    Attributes:
        operation: operationId in spec/.
        method: HTTP method.
        path: the path template (no serial numbers in it).
        url: the full URL of this attempt (may contain serial numbers; never a secret).
        attempt: attempt number, from 1.
        request_id: the ``X-Request-ID`` of the call, the same on every attempt.
        attributes: facts about the call (operation-specific, no secrets).

    """

    operation: str
    method: str
    path: str
    url: str
    attempt: int
    request_id: str
    attributes: Mapping[str, str | int | bool]


@attrs.frozen(kw_only=True)
class ResponseInfo:
    """What came back from one attempt (given to hooks after every attempt).

    Attributes:
        request: the request it answers.
        status: HTTP status, or None when the attempt failed in transport.
        duration: seconds from sending to the end of the response.
        error: the transport error's text when the attempt failed in transport.
        will_retry: whether the SDK will make another attempt.

    """

    request: RequestInfo
    status: int | None
    duration: float
    error: str | None
    will_retry: bool


@attrs.frozen(kw_only=True)
class CallRecord:
    """One finished SDK call (all its attempts), as collected by :func:`capture_calls`.

    A "call" is one HTTP operation: ``save_units`` of 10,000 units in chunks of 500 gives
    20 records, one per chunk.

    Attributes:
        operation: operationId in spec/ (``getUnit``, ``takeSerialNumbers``, ...).
        request_id: the ``X-Request-ID`` sent on every attempt (quote it to the server's
            administrators: it is how the call is found in server logs).
        attempts: HTTP attempts made (1 when nothing was retried).
        status: the last HTTP status received, or None when no answer came.
        duration: seconds from the start of the call to its end, retries and waits included.
        error: what the call raised, or None on success. For a Take whose outcome was
            unknown this is the cause (timeout, 5xx); the SDK then tries to recover.

    """

    operation: str
    request_id: str
    attempts: int
    status: int | None
    duration: float
    error: BaseException | None = None

    @property
    def ok(self) -> bool:
        """True when the call returned normally."""
        return self.error is None

    @property
    def retries(self) -> int:
        """Attempts beyond the first."""
        return max(self.attempts - 1, 0)


# Each active capture_calls() adds its list; a tuple so that nested captures and tasks
# created inside them (which copy the context) all see the same, immutable chain.
_SINKS: contextvars.ContextVar[tuple[list[CallRecord], ...]] = contextvars.ContextVar(
    "pywats_production_call_sinks", default=()
)


def record_call(record: CallRecord) -> None:
    """Append ``record`` to every active :func:`capture_calls` list (the core calls this)."""
    for sink in _SINKS.get():
        sink.append(record)


def capturing() -> bool:
    """Return whether a :func:`capture_calls` block is active in this context."""
    return bool(_SINKS.get())


class capture_calls:  # lower case: used like a function, `with capture_calls() as calls`
    """Collect a :class:`CallRecord` for every SDK call finished inside the block.

    Works with ``with`` and ``async with``, in sync and async code. The list is filled as
    calls finish. Calls made in asyncio tasks created inside the block are collected too
    (tasks copy the context); calls made in other threads are not, unless the thread
    runs in a copy of the context (``contextvars.copy_context().run``). Nested blocks each
    receive the calls made inside them.

    Example:
        >>> from pywats_production.observability import capture_calls
        >>> with capture_calls() as calls:  # doctest: +SKIP
        ...     wats.get_unit("SN0001", "PCBA-100")
        >>> calls[0].request_id, calls[0].attempts, calls[0].status  # doctest: +SKIP
        ('3f2a...', 1, 200)

    """

    __slots__ = ("_records", "_token")

    def __init__(self) -> None:
        self._records: list[CallRecord] = []
        self._token: contextvars.Token[tuple[list[CallRecord], ...]] | None = None

    def __enter__(self) -> list[CallRecord]:
        if self._token is not None:
            raise RuntimeError("capture_calls() is not reentrant; create a new one")
        self._token = _SINKS.set((*_SINKS.get(), self._records))
        return self._records

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        token, self._token = self._token, None
        if token is not None:
            _SINKS.reset(token)

    async def __aenter__(self) -> list[CallRecord]:
        return self.__enter__()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.__exit__(exc_type, exc, tb)


class CallbackHook:
    """A hook made of plain functions (either may be None).

    Args:
        request: called with a :class:`~pywats_production.RequestInfo` before each attempt.
        response: called with a :class:`~pywats_production.ResponseInfo` after each attempt.
        drift: called with a ``DriftInfo`` the first time a lenient service meets each kind
            of contract drift (a member, type or value the contract does not describe).

    Example:
        >>> hook = CallbackHook(response=lambda info: print(info.status))
        >>> # AsyncProductionService(url, token, hooks=[hook])

    """

    __slots__ = ("_drift", "_request", "_response")

    def __init__(
        self,
        request: Callable[[RequestInfo], object] | None = None,
        response: Callable[[ResponseInfo], object] | None = None,
        drift: Callable[[DriftInfo], object] | None = None,
    ) -> None:
        self._request = request
        self._response = response
        self._drift = drift

    def on_request(self, info: RequestInfo) -> None:
        """Pass ``info`` to the request function, if any."""
        if self._request is not None:
            self._request(info)

    def on_response(self, info: ResponseInfo) -> None:
        """Pass ``info`` to the response function, if any."""
        if self._response is not None:
            self._response(info)

    def on_drift(self, info: DriftInfo) -> None:
        """Pass ``info`` to the drift function, if any (once per kind of drift and service)."""
        if self._drift is not None:
            self._drift(info)

    def __repr__(self) -> str:
        return f"CallbackHook(request={self._request!r}, response={self._response!r})"


def on_request(fn: Callable[[RequestInfo], object]) -> CallbackHook:
    """Make a hook that calls ``fn`` before every attempt (retries included).

    Args:
        fn: receives a :class:`~pywats_production.RequestInfo`; its return value is ignored.

    Returns:
        A hook for the services' ``hooks=`` argument.

    Example:
        >>> from pywats_production import observability
        >>> hook = observability.on_request(lambda info: print(info.method, info.url))

    """
    return CallbackHook(request=fn)


def on_response(fn: Callable[[ResponseInfo], object]) -> CallbackHook:
    """Make a hook that calls ``fn`` after every attempt (retries included).

    Args:
        fn: receives a :class:`~pywats_production.ResponseInfo`; its return value is ignored.

    Returns:
        A hook for the services' ``hooks=`` argument.

    Example:
        >>> from pywats_production import observability
        >>> hook = observability.on_response(lambda info: print(info.status, info.duration))

    """
    return CallbackHook(response=fn)


def on_drift(fn: Callable[[DriftInfo], object]) -> CallbackHook:
    """Make a hook that calls ``fn`` once per kind of contract drift a service meets.

    A lenient service (the default) keeps members the contract does not describe in
    ``extra``; this is how a program learns that its server drifted from the contract.

    Args:
        fn: receives a :class:`~pywats_production._drift.DriftInfo` (operation, kind,
            model, member, detail).

    Returns:
        A hook for the services' ``hooks=`` argument.

    Example:
        >>> from pywats_production import observability
        >>> hook = observability.on_drift(lambda info: print(info.describe()))

    """
    return CallbackHook(drift=fn)

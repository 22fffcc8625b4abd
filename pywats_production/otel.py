"""OpenTelemetry spans and metrics for the SDK (optional extra ``otel``).

Install with ``pip install "pywats-production[otel]"`` and pass an instance to a service::

    from pywats_production import ProductionService
    from pywats_production.otel import OpenTelemetryInstrumentation

    wats = ProductionService(url, token, instrumentation=OpenTelemetryInstrumentation())

What it records (no secret ever: the token, the Authorization header and request bodies
are never read; serial numbers appear in no attribute or label):

- one span per domain operation, named ``wats.<operationId>`` (``wats.getUnit``), kind
  CLIENT, a child of the caller's current span and current itself while the call runs
  (HTTP spans of an httpx instrumentation nest under it). Attributes: ``wats.operation``,
  ``http.request.method``, ``url.template``, the call's facts as ``wats.<name>``
  (``wats.serial_number_type``, ``wats.quantity``, ``wats.units``, ``wats.format`` ...),
  ``wats.request_id``, ``server.address``/``server.port``, ``http.response.status_code``
  (of the last attempt), ``wats.attempts``; on failure ``error.type`` and an ERROR status.
  Each attempt is a span event ``wats.attempt`` (attempt, status or error, duration,
  whether the SDK retries);
- metrics, each with ``wats.operation`` (and ``error.type`` when the call failed):
  ``wats.client.calls`` (counter), ``wats.client.duration`` (histogram, seconds, the
  whole call), ``wats.client.retries`` (counter of repeated attempts) and
  ``wats.client.errors`` (counter of failed calls).

Importing ``pywats_production`` never imports this module or OpenTelemetry.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

try:
    from opentelemetry import context as otel_context
    from opentelemetry import metrics, trace
    from opentelemetry.trace import SpanKind, Status, StatusCode
except ImportError as exc:  # pragma: no cover - depends on the installation
    raise ImportError(
        'pywats_production.otel needs the otel extra: pip install "pywats-production[otel]"'
    ) from exc

from ._core import OPERATIONS, OperationScope, ResponseInfo, UnknownOutcome

if TYPE_CHECKING:
    from contextvars import Token

    from opentelemetry.context import Context
    from opentelemetry.metrics import MeterProvider
    from opentelemetry.trace import TracerProvider

__all__ = ["INSTRUMENTATION_NAME", "OpenTelemetryInstrumentation"]

#: The instrumentation scope name of the tracer and meter.
INSTRUMENTATION_NAME = "pywats_production"

_AttrValue = str | bool | int | float


def _version() -> str:
    from . import __version__

    return __version__


class OpenTelemetryInstrumentation:
    """Spans and metrics for every domain call (the services' ``instrumentation=``).

    Args:
        tracer_provider: where spans go (default: the global tracer provider).
        meter_provider: where metrics go (default: the global meter provider).

    Example:
        >>> from pywats_production.otel import OpenTelemetryInstrumentation
        >>> instrumentation = OpenTelemetryInstrumentation()
        >>> # ProductionService(url, token, instrumentation=instrumentation)

    """

    def __init__(
        self,
        tracer_provider: TracerProvider | None = None,
        meter_provider: MeterProvider | None = None,
    ) -> None:
        version = _version()
        self._tracer = trace.get_tracer(
            INSTRUMENTATION_NAME, version, tracer_provider=tracer_provider
        )
        meter = metrics.get_meter(INSTRUMENTATION_NAME, version, meter_provider=meter_provider)
        self._calls = meter.create_counter(
            "wats.client.calls", unit="{call}", description="WATS API calls made by the SDK"
        )
        self._duration = meter.create_histogram(
            "wats.client.duration",
            unit="s",
            description="Duration of WATS API calls, retries and waits included",
        )
        self._retries = meter.create_counter(
            "wats.client.retries",
            unit="{attempt}",
            description="Attempts repeated by the SDK's retry policy",
        )
        self._errors = meter.create_counter(
            "wats.client.errors", unit="{call}", description="WATS API calls that failed"
        )

    def start(self, operation: str, attributes: Mapping[str, str | int | bool]) -> OperationScope:
        """Start the span of one call of ``operation`` and make it current.

        Args:
            operation: the operationId (``getUnit``).
            attributes: the call's facts (no secrets), recorded as ``wats.<name>``.

        Returns:
            The scope the SDK reports attempts and the end of the call to.

        """
        return _Scope(self, operation, attributes)


class _Scope:
    __slots__ = ("_labels", "_owner", "_request_id_set", "_span", "_started", "_token")

    def __init__(
        self,
        owner: OpenTelemetryInstrumentation,
        operation: str,
        attributes: Mapping[str, str | int | bool],
    ) -> None:
        self._owner = owner
        self._started = time.monotonic()
        span_attributes: dict[str, _AttrValue] = {"wats.operation": operation}
        op = OPERATIONS.get(operation)
        if op is not None:
            span_attributes["http.request.method"] = op.method
            span_attributes["url.template"] = op.path
        for key, value in attributes.items():
            span_attributes[f"wats.{key}"] = value
        self._labels: dict[str, _AttrValue] = {"wats.operation": operation}
        self._span = owner._tracer.start_span(
            f"wats.{operation}", kind=SpanKind.CLIENT, attributes=span_attributes
        )
        self._request_id_set = False
        # Current while the call runs, so spans made below it (httpx instrumentation,
        # user hooks) nest under the operation; detached in end(), in the same context.
        self._token: Token[Context] = otel_context.attach(trace.set_span_in_context(self._span))

    def attempt(self, info: ResponseInfo) -> None:
        span = self._span
        request = info.request
        if not self._request_id_set:
            self._request_id_set = True
            span.set_attribute("wats.request_id", request.request_id)
            try:
                url = urlsplit(request.url)
                host, port = url.hostname, url.port
            except ValueError:
                host, port = None, None
            if host:
                span.set_attribute("server.address", host)
            if port:
                span.set_attribute("server.port", port)
        event: dict[str, _AttrValue] = {
            "wats.attempt": request.attempt,
            "wats.duration_ms": round(info.duration * 1000, 3),
            "wats.will_retry": info.will_retry,
        }
        if info.status is not None:
            span.set_attribute("http.response.status_code", info.status)
            event["http.response.status_code"] = info.status
        if info.error is not None:
            event["error.type"] = info.error
        span.add_event("wats.attempt", event)
        if info.will_retry:
            self._owner._retries.add(1, self._labels)

    def end(self, error: BaseException | None, attempts: int) -> None:
        span = self._span
        owner = self._owner
        labels = self._labels
        span.set_attribute("wats.attempts", attempts)
        if error is not None:
            unknown = isinstance(error, UnknownOutcome)
            cause = error.cause if isinstance(error, UnknownOutcome) else error
            error_type = type(cause).__name__
            labels = {**labels, "error.type": error_type}
            span.set_attribute("error.type", error_type)
            if unknown:
                span.set_attribute("wats.outcome_unknown", True)
            # The class and status only: a server's message text may quote anything.
            status = getattr(cause, "status", None)
            detail = f"{error_type} (HTTP {status})" if isinstance(status, int) else error_type
            span.set_status(Status(StatusCode.ERROR, detail))
            owner._errors.add(1, labels)
        owner._calls.add(1, labels)
        owner._duration.record(time.monotonic() - self._started, labels)
        span.end()
        # Never raises: OpenTelemetry logs a detach from a foreign context itself.
        otel_context.detach(self._token)

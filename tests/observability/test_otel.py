"""OpenTelemetry spans and metrics, read back with the SDK's in-memory exporters."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Iterator

import httpx
import pytest
from obshelpers import UNIT, Script, assert_no_secret, json_response

pytest.importorskip("opentelemetry.sdk")

from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import InMemoryMetricReader
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind, StatusCode

import pywats_production as wp
from pywats_production.otel import OpenTelemetryInstrumentation

pytestmark = pytest.mark.anyio

TAKE_XML = b'<SerialNumbers><SN id="SN00000001"/><SN id="SN00000002"/></SerialNumbers>'


class Otel:
    def __init__(self) -> None:
        self.exporter = InMemorySpanExporter()
        self.tracer_provider = TracerProvider()
        self.tracer_provider.add_span_processor(SimpleSpanProcessor(self.exporter))
        self.reader = InMemoryMetricReader()
        self.meter_provider = MeterProvider(metric_readers=[self.reader])
        self.instrumentation = OpenTelemetryInstrumentation(
            tracer_provider=self.tracer_provider, meter_provider=self.meter_provider
        )

    def spans(self, prefix: str = "wats.") -> list[ReadableSpan]:
        return [s for s in self.exporter.get_finished_spans() if s.name.startswith(prefix)]

    def points(self) -> dict[str, list[tuple[dict[str, object], object]]]:
        """Metric name -> [(attributes, value or histogram count)]."""
        data = self.reader.get_metrics_data()
        out: dict[str, list[tuple[dict[str, object], object]]] = {}
        for resource in data.resource_metrics if data else ():
            for scope in resource.scope_metrics:
                for metric in scope.metrics:
                    for point in metric.data.data_points:
                        value = getattr(point, "value", None)
                        if value is None:
                            value = point.count  # histogram
                        out.setdefault(metric.name, []).append((dict(point.attributes), value))
        return out


@pytest.fixture
def otel() -> Iterator[Otel]:
    o = Otel()
    yield o
    o.tracer_provider.shutdown()
    o.meter_provider.shutdown()


def test_span_per_operation_child_of_the_callers_span(
    script: Script, make_sync: Callable[..., wp.ProductionService], otel: Otel
) -> None:
    script.add(json_response(503), json_response(200, UNIT))
    service = make_sync(instrumentation=otel.instrumentation)
    tracer = otel.tracer_provider.get_tracer("app")
    with tracer.start_as_current_span("station.step") as parent:
        service.get_unit("SN1", "PCBA-100")

    (span,) = otel.spans()
    assert span.name == "wats.getUnit"
    assert span.kind is SpanKind.CLIENT
    assert span.parent is not None
    assert span.parent.span_id == parent.get_span_context().span_id
    assert span.context.trace_id == parent.get_span_context().trace_id
    attrs = dict(span.attributes or {})
    assert attrs["wats.operation"] == "getUnit"
    assert attrs["http.request.method"] == "GET"
    assert attrs["url.template"] == "/api/Production/Unit/{serialNumber}/{partNumber}"
    assert attrs["http.response.status_code"] == 200
    assert attrs["wats.attempts"] == 2
    assert attrs["wats.request_id"] == script.request_ids[0]
    assert attrs["server.address"] == "wats.example.com"
    assert "error.type" not in attrs
    assert span.status.status_code is StatusCode.UNSET
    events = [dict(e.attributes or {}) for e in span.events if e.name == "wats.attempt"]
    assert [e["wats.attempt"] for e in events] == [1, 2]
    assert [e["http.response.status_code"] for e in events] == [503, 200]
    assert [e["wats.will_retry"] for e in events] == [True, False]
    # The span stops being current when the call ends.
    with tracer.start_as_current_span("after") as after:
        pass
    assert after.parent is None


def test_metrics_calls_duration_retries(
    script: Script, make_sync: Callable[..., wp.ProductionService], otel: Otel
) -> None:
    script.add(json_response(503), json_response(200, UNIT), json_response(200, UNIT))
    service = make_sync(instrumentation=otel.instrumentation)
    service.get_unit("SN1", "PCBA-100")
    service.get_unit("SN2", "PCBA-100")
    points = otel.points()
    assert points["wats.client.calls"] == [({"wats.operation": "getUnit"}, 2)]
    assert points["wats.client.duration"] == [({"wats.operation": "getUnit"}, 2)]
    assert points["wats.client.retries"] == [({"wats.operation": "getUnit"}, 1)]
    assert "wats.client.errors" not in points


def test_errors_set_status_and_count_by_class(
    script: Script, make_sync: Callable[..., wp.ProductionService], otel: Otel
) -> None:
    script.add(json_response(404, {"title": "Not Found"}))
    script.add(*(httpx.ConnectError("refused") for _ in range(3)))
    service = make_sync(instrumentation=otel.instrumentation)
    with pytest.raises(wp.NotFoundError):
        service.get_unit("SN1", "PCBA-100")
    with pytest.raises(wp.WatsConnectionError):
        service.get_unit("SN2", "PCBA-100")

    not_found, refused = otel.spans()
    assert not_found.status.status_code is StatusCode.ERROR
    assert dict(not_found.attributes or {})["error.type"] == "NotFoundError"
    assert dict(not_found.attributes or {})["http.response.status_code"] == 404
    assert not_found.status.description == "NotFoundError (HTTP 404)"
    refused_attrs = dict(refused.attributes or {})
    assert refused_attrs["error.type"] == "WatsConnectionError"
    assert refused_attrs["wats.attempts"] == 3
    assert "http.response.status_code" not in refused_attrs
    errors = dict((p[0]["error.type"], p[1]) for p in otel.points()["wats.client.errors"])
    assert errors == {"NotFoundError": 1, "WatsConnectionError": 1}
    calls = otel.points()["wats.client.calls"]
    assert sum(v for _, v in calls) == 2  # type: ignore[misc]
    assert {a.get("error.type") for a, _ in calls} == {"NotFoundError", "WatsConnectionError"}


def test_take_span_has_type_and_quantity(
    script: Script, make_sync: Callable[..., wp.ProductionService], otel: Otel
) -> None:
    script.add(httpx.Response(200, content=TAKE_XML, headers={"content-type": "application/xml"}))
    make_sync(instrumentation=otel.instrumentation).take_serial_numbers(
        "SerialNumber", 2, ref_serial_number="REF-SN", station_name="ST1"
    )
    (span,) = otel.spans()
    attrs = dict(span.attributes or {})
    assert span.name == "wats.takeSerialNumbers"
    assert attrs["wats.serial_number_type"] == "SerialNumber"
    assert attrs["wats.quantity"] == 2
    assert attrs["http.request.method"] == "POST"
    assert attrs["url.template"] == "/api/Production/SerialNumbers/Take"


def test_unknown_take_outcome_is_marked(
    script: Script, make_sync: Callable[..., wp.ProductionService], otel: Otel
) -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/Take"):
            return json_response(500, {"title": "boom"})
        raise httpx.ConnectError("down")

    script.add(*([answer] * 20))
    with pytest.raises(wp.AmbiguousOutcomeError):
        make_sync(instrumentation=otel.instrumentation).take_serial_numbers("SerialNumber", 2)
    take = next(s for s in otel.spans() if s.name == "wats.takeSerialNumbers")
    attrs = dict(take.attributes or {})
    assert attrs["wats.outcome_unknown"] is True
    assert attrs["error.type"] == "ServerError"


async def test_async_spans_nest_per_task(
    script: Script, make_async: Callable[..., wp.AsyncProductionService], otel: Otel
) -> None:
    script.add(*(json_response(200, UNIT) for _ in range(3)))
    tracer = otel.tracer_provider.get_tracer("app")
    async with make_async(instrumentation=otel.instrumentation) as service:
        with tracer.start_as_current_span("batch") as parent:
            await asyncio.gather(*(service.get_unit(f"SN{i}", "PCBA-100") for i in range(3)))
    spans = otel.spans()
    assert len(spans) == 3
    parent_id = parent.get_span_context().span_id
    assert all(s.parent is not None and s.parent.span_id == parent_id for s in spans)
    assert {dict(s.attributes or {})["wats.request_id"] for s in spans} == set(script.request_ids)


def test_save_units_span_per_chunk(
    script: Script, make_sync: Callable[..., wp.ProductionService], otel: Otel
) -> None:
    script.add(json_response(200, {"errorCount": 0}), json_response(200, {"errorCount": 0}))
    units = [wp.Unit(serial_number=f"S{i}", part_number="P") for i in range(3)]
    make_sync(instrumentation=otel.instrumentation).save_units(units, chunk_size=2)
    assert [dict(s.attributes or {})["wats.units"] for s in otel.spans()] == [2, 1]


def test_no_secret_in_spans_or_metrics(
    script: Script, make_sync: Callable[..., wp.ProductionService], otel: Otel
) -> None:
    # A server quoting the credentials back: no span or metric carries server texts.
    echo = {"detail": "refused Basic dXNlcjpzZWNyZXQtcGFzcw== for user:secret-pass"}
    script.add(json_response(503), json_response(200, UNIT), json_response(401, echo))
    script.add(*(httpx.ReadTimeout("slow") for _ in range(3)))
    service = make_sync(instrumentation=otel.instrumentation)
    service.get_unit("SN1", "PCBA-100")
    with pytest.raises(wp.AuthenticationError):
        service.get_unit("SN1", "PCBA-100")
    with pytest.raises(wp.WatsTimeoutError):
        service.get_unit("SN1", "PCBA-100")
    spans = otel.exporter.get_finished_spans()
    assert len(spans) == 3
    for span in spans:
        assert_no_secret(span.to_json())
    data = otel.reader.get_metrics_data()
    assert data is not None
    assert_no_secret(data.to_json())
    assert_no_secret(json.dumps(otel.points(), default=str))
    assert script.requests[0].headers["Authorization"].endswith("dXNlcjpzZWNyZXQtcGFzcw==")

"""The generated layer (pywats_production_api) against httpx.MockTransport: parsing, headers, paths."""

from __future__ import annotations

import datetime
import hashlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import httpx
import pytest
from pywats_production_api import AuthenticatedClient, _meta, errors
from pywats_production_api.api.production import (
    delete_unit_change,
    export_serial_numbers,
    get_unit,
    put_batches,
    set_unit_phase,
    take_serial_numbers,
)
from pywats_production_api.models import (
    Problem,
    ProductionBatch,
    ProductRevision,
    SerialNumberFileFormat,
    TagChangeKind,
    Unit,
)
from pywats_production_api.types import File, Response

import pywats_production

SPEC_FILE = Path(__file__).resolve().parent.parent / "spec" / "production-api.yaml"
TOKEN = "dXNlcjpwYXNzd29yZA=="  # base64("user:password")
BASE = "https://wats.example"

Handler = Callable[[httpx.Request], httpx.Response]


class Recorder:
    """A MockTransport that answers with ``handler`` and keeps every request."""

    def __init__(self, handler: Handler) -> None:
        self.requests: list[httpx.Request] = []
        self._handler = handler
        self.transport = httpx.MockTransport(self._handle)

    def _handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return self._handler(request)


def _client(
    handler: Handler, *, raise_on_unexpected_status: bool = False
) -> tuple[AuthenticatedClient, Recorder]:
    recorder = Recorder(handler)
    client = AuthenticatedClient(
        base_url=BASE,
        token=TOKEN,
        httpx_args={"transport": recorder.transport},
        raise_on_unexpected_status=raise_on_unexpected_status,
    )
    return client, recorder


def _json(status: int, body: object, content_type: str = "application/json") -> Handler:
    return lambda request: httpx.Response(
        status, content=json.dumps(body).encode(), headers={"content-type": content_type}
    )


UNIT_WITH_NULLS = {
    "serialNumber": "SN-1",
    "partNumber": "PCBA-100",
    "revision": "A",
    "parentSerialNumber": None,
    "batchNumber": None,
    "serialDate": "2026-01-02T03:04:05Z",
    "currentLocation": None,
    "xmlData": None,
    "unitPhaseId": 4098,
    "unitPhase": "In production queue",
    "processCode": None,
    "tags": None,
    "productRevision": None,
    "product": None,
    "subUnits": [
        {
            "serialNumber": "SN-1-A",
            "partNumber": "CHILD-1",
            "product": None,
            "productRevision": {"revision": "B", "PartNumber": "CHILD-1", "tags": None},
            "tags": [{"key": "k", "value": "v", "change": 0}],
            "subUnits": [],
        }
    ],
}


def test_unit_with_null_nested_objects_and_sub_units_parses() -> None:
    client, recorder = _client(_json(200, UNIT_WITH_NULLS))
    unit = get_unit.sync(serial_number="SN-1", part_number="PCBA-100", client=client)
    assert isinstance(unit, Unit)
    assert unit.serial_number == "SN-1"
    assert unit.product is None
    assert unit.product_revision is None
    assert unit.tags is None
    assert unit.parent_serial_number is None
    assert unit.unit_phase_id == 4098
    assert isinstance(unit.serial_date, datetime.datetime)
    assert unit.serial_date.year == 2026
    assert isinstance(unit.sub_units, list)
    (child,) = unit.sub_units
    assert child.serial_number == "SN-1-A"
    assert child.product is None
    assert isinstance(child.product_revision, ProductRevision)
    assert child.product_revision.revision == "B"
    assert child.product_revision.part_number == "CHILD-1"
    assert isinstance(child.tags, list)
    assert child.tags[0].key == "k"
    assert child.tags[0].change == TagChangeKind.NONE
    assert child.sub_units == []
    assert [r.url.path for r in recorder.requests] == ["/api/Production/Unit/SN-1/PCBA-100"]


def test_unknown_fields_are_kept_in_additional_properties() -> None:
    body = {**UNIT_WITH_NULLS, "futureField": {"nested": [1, 2]}, "unitGuid": "x-1"}
    client, _ = _client(_json(200, body))
    unit = get_unit.sync(serial_number="SN-1", part_number="PCBA-100", client=client)
    assert isinstance(unit, Unit)
    assert unit.additional_properties == {"futureField": {"nested": [1, 2]}, "unitGuid": "x-1"}
    assert unit["futureField"] == {"nested": [1, 2]}
    # and they survive a round trip
    assert unit.to_dict()["unitGuid"] == "x-1"


@pytest.mark.parametrize(
    "call",
    [
        lambda c: set_unit_phase.sync_detailed(
            client=c, serial_number="SN-1", part_number="P", phase=16
        ),
        lambda c: delete_unit_change.sync_detailed(7, client=c),
        lambda c: put_batches.sync_detailed(
            client=c, body=[ProductionBatch(batch_number="B1", batch_size=10)]
        ),
    ],
    ids=["set_unit_phase", "delete_unit_change", "put_batches"],
)
def test_empty_200_is_fine_for_void_operations(
    call: Callable[[AuthenticatedClient], Response[Any]],
) -> None:
    client, recorder = _client(lambda request: httpx.Response(200, content=b""))
    response = call(client)
    assert response.status_code == 200
    assert response.parsed is None
    assert len(recorder.requests) == 1


def test_void_operation_requests_are_shaped_by_the_spec() -> None:
    client, recorder = _client(lambda request: httpx.Response(200))
    set_unit_phase.sync_detailed(client=client, serial_number="SN 1", part_number="P", phase=16)
    put_batches.sync_detailed(
        client=client, body=[ProductionBatch(batch_number="B1", batch_size=3)]
    )
    delete_unit_change.sync_detailed(42, client=client)
    phase, batches, delete = recorder.requests
    assert (phase.method, phase.url.path) == ("PUT", "/api/Production/SetUnitPhase")
    assert dict(phase.url.params) == {"serialNumber": "SN 1", "partNumber": "P", "phase": "16"}
    assert (batches.method, batches.url.path) == ("PUT", "/api/Production/Batches")
    assert batches.headers["content-type"] == "application/json"
    assert json.loads(batches.content) == [{"batchNumber": "B1", "batchSize": 3}]
    assert (delete.method, delete.url.path) == ("DELETE", "/api/Production/Units/Changes/42")


def test_take_answer_comes_back_as_text() -> None:
    xml = '<SerialNumbers><SN id="SN00000001"/><SN id="SN00000002"/></SerialNumbers>'
    client, recorder = _client(
        lambda request: httpx.Response(
            200, content=xml.encode(), headers={"content-type": "application/xml"}
        )
    )
    taken = take_serial_numbers.sync(
        client=client, serial_number_type="SerialNumber", quantity=2, ref_sn="PCBA-SN-1"
    )
    assert isinstance(taken, str)
    assert taken == xml
    (request,) = recorder.requests
    assert request.method == "POST"
    assert dict(request.url.params) == {
        "serialNumberType": "SerialNumber",
        "quantity": "2",
        "refSN": "PCBA-SN-1",
    }


def test_export_comes_back_as_bytes() -> None:
    csv = b"SerialNumber,Taken\r\nSN00000001,true\r\n\xef\xbb\xbf"
    client, recorder = _client(
        lambda request: httpx.Response(200, content=csv, headers={"content-type": "text/csv"})
    )
    exported = export_serial_numbers.sync(
        client=client, serial_number_type="SerialNumber", format_=SerialNumberFileFormat.CSV
    )
    assert isinstance(exported, File)
    assert exported.payload.read() == csv
    assert recorder.requests[0].url.params["format"] == "CSV"


def test_404_gives_a_problem() -> None:
    problem = {"title": "Not Found", "status": 404, "code": "unit_not_found", "extra": 1}
    client, _ = _client(_json(404, problem, "application/problem+json"))
    response = get_unit.sync_detailed(serial_number="nope", part_number="P", client=client)
    assert response.status_code == 404
    assert isinstance(response.parsed, Problem)
    assert response.parsed.code == "unit_not_found"
    assert response.parsed.status == 404
    assert response.parsed.additional_properties == {"extra": 1}


def test_undocumented_500_raises_unexpected_status() -> None:
    client, _ = _client(
        lambda request: httpx.Response(500, content=b"boom"), raise_on_unexpected_status=True
    )
    with pytest.raises(errors.UnexpectedStatus) as caught:
        get_unit.sync_detailed(serial_number="SN-1", part_number="P", client=client)
    assert caught.value.status_code == 500
    assert caught.value.content == b"boom"
    quiet, _ = _client(lambda request: httpx.Response(500, content=b"boom"))
    response = get_unit.sync_detailed(serial_number="SN-1", part_number="P", client=quiet)
    assert response.status_code == 500
    assert response.parsed is None


def test_request_headers() -> None:
    client, recorder = _client(_json(200, UNIT_WITH_NULLS))
    get_unit.sync(serial_number="SN-1", part_number="P", client=client)
    (request,) = recorder.requests
    assert request.headers["Authorization"] == f"Basic {TOKEN}"
    assert request.headers["Accept"] == "application/json"
    agent = request.headers["User-Agent"]
    assert pywats_production.__version__ in agent
    assert pywats_production.__version__ == _meta.SDK_VERSION
    spec_digest = hashlib.sha256(SPEC_FILE.read_bytes()).hexdigest()
    assert spec_digest[:16] in agent
    assert agent.startswith("pywats-production/")


@pytest.mark.parametrize(
    ("serial", "part"),
    [
        ("a/b", "c/d"),
        ("#frag", "?q=1"),
        ("100%", "%2F"),
        ("..", "."),
        ("with space", "é-ü"),
        ("../../api/App/Version", "x/../.."),
    ],
)
def test_path_segments_are_percent_encoded(serial: str, part: str) -> None:
    client, recorder = _client(_json(200, UNIT_WITH_NULLS))
    get_unit.sync(serial_number=serial, part_number=part, client=client)
    (request,) = recorder.requests
    raw = request.url.raw_path.decode("ascii")
    prefix = "/api/Production/Unit/"
    assert raw.startswith(prefix)
    rest = raw[len(prefix) :]
    assert "?" not in rest
    assert "#" not in rest
    segments = rest.split("/")
    assert len(segments) == 2, raw
    assert [unquote(s) for s in segments] == [serial, part]
    # no segment may be taken for a dot-segment by a server or proxy
    assert all("." not in s for s in segments), raw

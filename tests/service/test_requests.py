"""Every service method sends exactly the request the spec describes and parses the answer.

Runs each scenario against both services (sync and async) through httpx.MockTransport.
"""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
import json
from typing import Any
from urllib.parse import parse_qsl, unquote

import httpx
import pytest

import pywats_production as wp
from tests.recorder import Recorder
from tests.service.conftest import BASE, TOKEN

UNIT_JSON: dict[str, Any] = {
    "serialNumber": "SN/1#?%.. é",
    "partNumber": "PCBA-100",
    "revision": "A",
    "parentSerialNumber": None,
    "batchNumber": "B-7",
    "serialDate": "2026-11-26T05:00:00.1234567Z",
    "currentLocation": None,
    "xmlData": None,
    "unitPhaseId": 2,
    "unitPhase": "Under production",
    "processCode": "20",
    "tags": None,
    "productRevision": None,
    "product": None,
    "subUnits": [
        {"serialNumber": "CH1", "partNumber": "PSU-200", "unitPhaseId": 16, "subUnits": None}
    ],
    "futureField": {"x": 1},
}


def run(service: Any, name: str, *args: Any, **kwargs: Any) -> Any:
    """Call a method on either service and return its result."""
    result = getattr(service, name)(*args, **kwargs)
    if asyncio.iscoroutine(result):
        return asyncio.run(result)
    return result


@pytest.fixture(params=["sync", "async"])
def service(request: pytest.FixtureRequest) -> Any:
    return request.getfixturevalue(f"{request.param}_service")


def query(request: httpx.Request) -> dict[str, str]:
    return dict(parse_qsl(request.url.query.decode(), keep_blank_values=True))


def segments(request: httpx.Request) -> list[str]:
    return request.url.raw_path.decode().split("?")[0].split("/")


# ----------------------------------------------------------------------------- units


def test_get_unit_encodes_hostile_segments_and_parses(service: Any, recorder: Recorder) -> None:
    recorder.add(200, UNIT_JSON)
    unit = run(service, "get_unit", "SN/1#?%.. é", "PCBA-100")
    req = recorder.last
    assert req.method == "GET"
    segs = segments(req)
    assert segs[:4] == ["", "api", "Production", "Unit"]
    assert len(segs) == 6, segs
    assert unquote(segs[4]) == "SN/1#?%.. é"
    assert "/" not in segs[4] and "#" not in segs[4] and "?" not in segs[4]
    assert req.headers["authorization"] == f"Basic {TOKEN}"
    assert req.headers["accept"] == "application/json"
    assert req.headers["user-agent"].startswith("pywats-production/")
    assert len(req.headers["x-request-id"]) == 32
    assert unit.serial_number == "SN/1#?%.. é"
    assert unit.phase == wp.UnitPhase.UNDER_PRODUCTION
    assert unit.serial_date == dt.datetime(2026, 11, 26, 5, 0, 0, 123456, tzinfo=dt.UTC)
    assert unit.product is None and unit.tags == ()
    assert unit.sub_units[0].phase == wp.UnitPhase.FINALIZED
    assert unit.extra["futureField"] == {"x": 1}


def test_dot_segments_cannot_escape(service: Any, recorder: Recorder) -> None:
    recorder.add(200, {"serialNumber": "..", "partNumber": "."})
    run(service, "get_unit", "..", ".")
    assert segments(recorder.last)[4:] == ["%2E%2E", "%2E"]


def test_get_unit_404_raises_not_found(service: Any, recorder: Recorder) -> None:
    recorder.add(
        404,
        {"title": "Not Found", "detail": "unit not found", "code": "unit_not_found"},
        content_type="application/problem+json",
    )
    with pytest.raises(wp.NotFoundError) as info:
        run(service, "get_unit", "SN1", "PN1")
    err = info.value
    assert err.status == 404
    assert err.method == "GET"
    assert "unit not found" in str(err)
    assert err.request_id == recorder.last.headers["x-request-id"]
    assert TOKEN not in str(err) and TOKEN not in repr(err)
    assert len(recorder.requests) == 1  # a 404 is an answer, never retried


@pytest.mark.parametrize("bad", ["", "   ", "a\x00b", "\n"])
def test_bad_input_refused_before_sending(service: Any, recorder: Recorder, bad: str) -> None:
    with pytest.raises(wp.WatsInputError) as info:
        run(service, "get_unit", bad, "PN")
    assert info.value.parameter == "serial_number"
    assert isinstance(info.value, ValueError)
    assert recorder.requests == []


def test_save_units_chunks_and_sends_only_writable_fields(service: Any, recorder: Recorder) -> None:
    units = [
        wp.Unit(
            serial_number=f"SN{i}",
            part_number="PCBA-100",
            revision="A",
            phase=wp.UnitPhase.UNDER_PRODUCTION,
        )
        for i in range(5)
    ]
    for _ in range(3):
        recorder.add(200, {"errorCount": 0, "insertCount": 2})
    result = run(service, "save_units", units, chunk_size=2)
    assert len(recorder.requests) == 3
    bodies = [json.loads(r.content) for r in recorder.requests]
    assert [len(b) for b in bodies] == [2, 2, 1]
    sent = [u["serialNumber"] for b in bodies for u in b]
    assert sorted(sent) == [f"SN{i}" for i in range(5)]
    first = bodies[0][0]
    assert first["unitPhaseId"] == 2 and first["revision"] == "A"
    for forbidden in (
        "unitPhase",
        "tags",
        "product",
        "productRevision",
        "subUnits",
        "parentSerialNumber",
    ):
        assert forbidden not in first
    assert all(
        r.method == "PUT" and r.url.path == "/api/Production/Units" for r in recorder.requests
    )
    assert recorder.requests[0].headers["content-type"] == "application/json"
    assert result.error_count == 0
    assert result.units_sent == 5
    assert result.requests == 3


def test_save_units_validates_everything_first(service: Any, recorder: Recorder) -> None:
    units = [
        wp.Unit(serial_number="SN1", part_number="P"),
        wp.Unit(serial_number=" ", part_number="P"),
    ]
    with pytest.raises(wp.WatsInputError):
        run(service, "save_units", units)
    assert recorder.requests == []


def test_round_trip_get_modify_save(service: Any, recorder: Recorder) -> None:
    recorder.add(200, UNIT_JSON)
    unit = run(service, "get_unit", "SN/1#?%.. é", "PCBA-100")
    unit.revision = "B"
    recorder.add(200, {"errorCount": 0})
    run(service, "save_units", [unit])
    body = json.loads(recorder.last.content)[0]
    assert body["revision"] == "B"
    assert body["serialDate"].startswith("2026-11-26T05:00:00.123456")
    assert body["processCode"] == "20"
    assert body["batchNumber"] == "B-7"


@pytest.mark.parametrize(
    ("phase", "expected"),
    [
        (wp.UnitPhase.FINALIZED, "16"),
        (4098, "4098"),
        ("Under production", "2"),
        ("FINALIZED", "16"),
        ("in_storage", "1024"),
        (1 << 20, str(1 << 20)),
    ],
)
def test_set_unit_phase(service: Any, recorder: Recorder, phase: Any, expected: str) -> None:
    recorder.add(200)
    assert run(service, "set_unit_phase", "SN 1", "PN", phase) is None
    req = recorder.last
    assert req.method == "PUT" and req.url.path == "/api/Production/SetUnitPhase"
    assert query(req) == {"serialNumber": "SN 1", "partNumber": "PN", "phase": expected}


def test_set_unit_phase_bad_name(service: Any, recorder: Recorder) -> None:
    with pytest.raises(wp.InvalidPhaseError):
        run(service, "set_unit_phase", "SN", "PN", "Almost done")
    assert recorder.requests == []


def test_set_unit_process(service: Any, recorder: Recorder) -> None:
    recorder.add(200)
    run(service, "set_unit_process", "SN&x=1", "PN", "Final test")
    assert query(recorder.last) == {
        "serialNumber": "SN&x=1",
        "partNumber": "PN",
        "processName": "Final test",
    }


def test_verify_unit(service: Any, recorder: Recorder) -> None:
    grade = {
        "status": "Passed",
        "grade": "A",
        "allProcessesPassedLastRun": True,
        "noRepairs": True,
        "results": [
            {"processCode": 10, "processName": "ICT", "startUtc": None, "status": "Unknown"}
        ],
    }
    recorder.add(200, grade)
    result = run(service, "verify_unit", "SN1")
    assert query(recorder.last) == {"serialNumber": "SN1"}
    assert result.grade == "A" and result.results[0].start_utc is None
    recorder.add(200, grade)
    assert run(service, "is_unit_passing", "SN1", "PN1") is True
    assert query(recorder.last) == {"serialNumber": "SN1", "partNumber": "PN1"}


# -------------------------------------------------------------------------- assembly


def test_add_child_unit_query(service: Any, recorder: Recorder) -> None:
    recorder.add(200)
    run(service, "add_child_unit", "BOX 1", "BOX-900", "C/1", "PCBA-100")
    req = recorder.last
    assert req.method == "POST" and req.url.path == "/api/Production/AddChildUnit"
    assert query(req) == {
        "parentSerialNumber": "BOX 1",
        "parentPartNumber": "BOX-900",
        "childSerialNumber": "C/1",
        "childPartNumber": "PCBA-100",
    }
    recorder.add(200)
    run(service, "add_child_unit", "B", "P", "C", "Q", check_part_number="X", check_revision="Y")
    assert query(recorder.last)["checkPartNumber"] == "X"
    assert query(recorder.last)["checkRevision"] == "Y"


def test_add_child_unit_typed_refusal(service: Any, recorder: Recorder) -> None:
    recorder.add(
        409,
        {"detail": "child has a parent", "code": "child_has_parent"},
        content_type="application/problem+json",
    )
    with pytest.raises(wp.ChildAlreadyHasParentError) as info:
        run(service, "add_child_unit", "B", "P", "C", "Q")
    assert isinstance(info.value, wp.ConflictError)


def test_add_child_unit_replay_after_lost_answer_counts_as_success(
    service: Any, recorder: Recorder
) -> None:
    recorder.fail(httpx.ReadError("connection reset"))
    recorder.add(409, {"code": "child_has_parent"}, content_type="application/problem+json")
    recorder.add(200, {"serialNumber": "C", "partNumber": "Q", "parentSerialNumber": "B"})
    run(service, "add_child_unit", "B", "P", "C", "Q")
    assert [r.url.path for r in recorder.requests] == [
        "/api/Production/AddChildUnit",
        "/api/Production/AddChildUnit",
        "/api/Production/Unit/C/Q",
    ]


def test_remove_child_unit_and_check(service: Any, recorder: Recorder) -> None:
    recorder.add(200)
    run(service, "remove_child_unit", "B", "P", "C", "Q")
    assert recorder.last.url.path == "/api/Production/RemoveChildUnit"
    payload = {
        "isValid": False,
        "children": [{"serialNumber": "C", "isValid": False, "message": "phase"}],
        "requirements": [{"partNumber": "PSU-200", "revision": "A", "quantity": 1, "found": 0}],
        "vendorThing": 5,
    }
    recorder.add(200, payload)
    check = run(service, "check_child_units", "B", "P")
    assert query(recorder.last) == {"parentSerialNumber": "B", "parentPartNumber": "P"}
    assert check.is_valid is False
    assert check.requirements[0].found == 0
    assert check.raw == payload


# --------------------------------------------------------------------- serial numbers


def test_take_xml_and_csv(service: Any, recorder: Recorder) -> None:
    recorder.add(
        200,
        text='<SerialNumbers><SN id="SN1"/><SN id="SN2"/></SerialNumbers>',
        content_type="application/xml",
    )
    numbers = run(
        service,
        "take_serial_numbers",
        "SerialNumber",
        2,
        ref_serial_number="BOX1",
        station_name="ICT-1",
        only_in_sequence=True,
    )
    assert numbers == ["SN1", "SN2"]
    req = recorder.last
    assert req.method == "POST" and req.url.path == "/api/Production/SerialNumbers/Take"
    assert query(req) == {
        "serialNumberType": "SerialNumber",
        "quantity": "2",
        "refSN": "BOX1",
        "stationName": "ICT-1",
        "onlyInSequence": "true",
        "format": "XML",
    }
    recorder.add(200, text="SN3\nSN4\n", content_type="text/csv")
    assert run(service, "take_serial_numbers", "SerialNumber", 2, format="csv") == ["SN3", "SN4"]
    assert query(recorder.last)["format"] == "CSV"


@pytest.mark.parametrize(("qty", "fmt"), [(0, "XML"), (-1, "XML"), (1, "json")])
def test_take_bad_input(service: Any, recorder: Recorder, qty: int, fmt: str) -> None:
    with pytest.raises(wp.WatsInputError):
        run(service, "take_serial_numbers", "SerialNumber", qty, format=fmt)
    assert recorder.requests == []


def test_take_xml_bomb_refused(service: Any, recorder: Recorder) -> None:
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]>'
        '<SerialNumbers><SN id="&b;"/></SerialNumbers>'
    )
    recorder.add(200, text=bomb, content_type="application/xml")
    with pytest.raises(wp.UnsafeXmlError):
        run(service, "take_serial_numbers", "SerialNumber", 1)


def test_take_is_not_replayed_on_lost_answer(service: Any, recorder: Recorder) -> None:
    recorder.fail(httpx.ReadError("reset"))
    recorder.add(200, [])  # recovery lookup, if any, finds nothing
    recorder.add(200, [])
    with pytest.raises((wp.AmbiguousOutcomeError, wp.WatsConnectionError)):
        run(service, "take_serial_numbers", "SerialNumber", 1, ref_serial_number="R")
    takes = [r for r in recorder.requests if r.url.path.endswith("/Take")]
    assert len(takes) == 1


def test_take_retries_429_only(service: Any, recorder: Recorder) -> None:
    recorder.add(429, {"code": "rate_limited"}, headers={"Retry-After": "0"})
    recorder.add(200, text="SN1\n", content_type="text/csv")
    assert run(service, "take_serial_numbers", "T", 1, format="CSV") == ["SN1"]
    assert len(recorder.requests) == 2
    ids = {r.headers["x-request-id"] for r in recorder.requests}
    assert len(ids) == 1


def test_by_range_and_reference(service: Any, recorder: Recorder) -> None:
    records = [
        {
            "serialNumber": "SN1",
            "taken": True,
            "takenUtc": "2026-11-26T05:00:00Z",
            "refSN": "R",
            "refPN": None,
            "stationName": "S",
        }
    ]
    recorder.add(200, records)
    got = run(
        service,
        "get_serial_numbers_by_range",
        "T",
        "SN1",
        "SN9",
        start_date=dt.datetime(2026, 1, 1),
    )
    q = query(recorder.last)
    assert q["serialNumberType"] == "T" and q["startAddress"] == "SN1" and q["endAddress"] == "SN9"
    assert dt.datetime.fromisoformat(q["startDate"]) == dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    assert got[0].taken is True and got[0].ref_serial_number == "R"
    recorder.add(200, records)
    run(service, "get_serial_numbers_by_reference", "T", ref_part_number="PN")
    assert query(recorder.last) == {"serialNumberType": "T", "refPN": "PN"}
    with pytest.raises(wp.WatsInputError):
        run(service, "get_serial_numbers_by_reference", "T")


def test_export_and_upload(service: Any, recorder: Recorder) -> None:
    csv = b"SerialNumber,Taken,TakenUtc,RefSN,RefPN,StationName\nSN1,false,,,,\n"
    recorder.add(200, text=csv.decode(), content_type="text/csv")
    assert run(service, "export_serial_numbers", "T") == csv
    assert query(recorder.last) == {"serialNumberType": "T", "format": "CSV"}
    recorder.add(200)
    run(service, "upload_serial_numbers", "T", csv)
    req = recorder.last
    assert req.method == "PUT" and query(req) == {"serialNumberType": "T", "format": "CSV"}
    assert req.headers["content-type"].startswith("multipart/form-data")
    assert b'name="file"' in req.content and csv in req.content


def test_export_cap(recorder: Recorder) -> None:
    client = httpx.Client(transport=httpx.MockTransport(recorder), base_url=BASE)
    service = wp.ProductionService(BASE, TOKEN, http_client=client, max_response_bytes=100)
    recorder.add(200, text="x" * 1000, content_type="text/csv")
    with pytest.raises(wp.ResponseTooLargeError):
        service.export_serial_numbers("T")


# ------------------------------------------------------------------ batches, changes


def test_save_batches(service: Any, recorder: Recorder) -> None:
    recorder.add(200)
    run(service, "save_batches", [wp.ProductionBatch(batch_number="B1", batch_size=50)])
    assert json.loads(recorder.last.content) == [{"batchNumber": "B1", "batchSize": 50}]
    with pytest.raises(wp.WatsInputError):
        run(service, "save_batches", [])


def test_changes_get_and_delete(service: Any, recorder: Recorder) -> None:
    recorder.add(200, [{"id": 7, "unitSerialNumber": "SN1", "newUnitPhaseId": 16}])
    changes = run(service, "get_unit_changes", 5)
    assert query(recorder.last) == {"maxCount": "5"}
    assert changes[0].id == 7 and changes[0].new_phase == wp.UnitPhase.FINALIZED
    recorder.add(200)
    run(service, "delete_unit_change", 7)
    assert (
        recorder.last.method == "DELETE"
        and recorder.last.url.path == "/api/Production/Units/Changes/7"
    )
    recorder.add(404, {"code": "change_not_found"}, content_type="application/problem+json")
    run(service, "delete_unit_change", 7)  # already gone counts as done


def _feed(recorder: Recorder, ids: list[int]) -> None:
    pending = list(ids)

    def answer(request: httpx.Request) -> httpx.Response:
        if request.method == "GET":
            return httpx.Response(
                200, json=[{"id": i, "unitSerialNumber": f"S{i}"} for i in pending[:2]]
            )
        pending.remove(int(request.url.path.rsplit("/", 1)[1]))
        return httpx.Response(200)

    recorder.answers.extend([answer] * 50)


def test_consume_deletes_only_after_handler_returned(
    sync_service: wp.ProductionService, recorder: Recorder
) -> None:
    _feed(recorder, [1, 2, 3])
    seen: list[int] = []

    def handler(change: wp.UnitChange) -> None:
        seen.append(change.id)
        if change.id == 2:
            raise RuntimeError("handler crashed")

    with pytest.raises(RuntimeError):
        sync_service.consume_unit_changes(handler, max_count=2)
    deleted = [r.url.path for r in recorder.requests if r.method == "DELETE"]
    assert deleted == ["/api/Production/Units/Changes/1"]
    assert seen == [1, 2]
    assert sync_service.consume_unit_changes(lambda c: seen.append(c.id), max_count=2) == 2
    assert seen == [1, 2, 2, 3]


def test_async_iteration_acknowledges_after_body(
    async_service: wp.AsyncProductionService, recorder: Recorder
) -> None:
    _feed(recorder, [1, 2, 3])

    async def main() -> list[int]:
        got = []
        async for change in async_service.iter_unit_changes(max_count=2):
            got.append(change.id)
            if change.id == 2:
                break
        return got

    assert asyncio.run(main()) == [1, 2]
    deleted = [r.url.path.rsplit("/", 1)[1] for r in recorder.requests if r.method == "DELETE"]
    assert deleted == ["1"]


def test_async_consume_accepts_coroutine_handler(
    async_service: wp.AsyncProductionService, recorder: Recorder
) -> None:
    _feed(recorder, [1, 2, 3])
    seen: list[int] = []

    async def handler(change: wp.UnitChange) -> None:
        await asyncio.sleep(0)
        seen.append(change.id)

    assert asyncio.run(async_service.consume_unit_changes(handler)) == 3
    assert seen == [1, 2, 3]


# ------------------------------------------------------------------------ app, misc


def test_server_version_and_processes(service: Any, recorder: Recorder) -> None:
    recorder.add(200, "24.2.1.55")
    version = run(service, "server_version")
    assert str(version) == "24.2.1.55" and version.parts[:2] == (24, 2)
    recorder.add(
        200, [{"code": 10, "name": "ICT"}, {"code": 20, "name": "FCT", "isTestOperation": True}]
    )
    processes = run(service, "get_processes")
    assert [(p.code, p.name) for p in processes] == [(10, "ICT"), (20, "FCT")]


def test_retries_5xx_on_safe_reads_with_same_request_id(service: Any, recorder: Recorder) -> None:
    recorder.add(503)
    recorder.fail(httpx.ConnectError("refused"))
    recorder.add(200, UNIT_JSON)
    run(service, "get_unit", "SN", "PN")
    assert len(recorder.requests) == 3
    assert len({r.headers["x-request-id"] for r in recorder.requests}) == 1


def test_retry_exhaustion_reports_attempts(service: Any, recorder: Recorder) -> None:
    for _ in range(3):
        recorder.add(503, {"detail": "down"}, content_type="application/problem+json")
    with pytest.raises(wp.ServerError) as info:
        run(service, "get_unit", "SN", "PN")
    assert info.value.attempts == 3
    assert info.value.status == 503


def test_transport_error_is_typed(service: Any, recorder: Recorder) -> None:
    for _ in range(3):
        recorder.fail(httpx.ConnectError("refused"))
    with pytest.raises(wp.WatsConnectionError) as info:
        run(service, "get_unit", "SN", "PN")
    assert info.value.request_sent is False
    assert info.value.attempts == 3


def test_token_is_basic_and_never_shown() -> None:
    service = wp.ProductionService(BASE, TOKEN)
    assert (
        TOKEN not in repr(service)
        and TOKEN not in repr(service.config)
        and TOKEN not in str(service.config)
    )
    assert base64.b64decode(TOKEN) == b"user:secret-pass"
    service.close()


def test_from_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WATS_BASE_URL", "http://wats.local:8080/")
    monkeypatch.setenv("WATS_AUTH_TOKEN", "abc")
    service = wp.ProductionService.from_env()
    assert service.config.base_url == "http://wats.local:8080"
    assert service.config.token == wp.Secret("abc")
    service.close()
    monkeypatch.delenv("WATS_BASE_URL")
    with pytest.raises(wp.WatsInputError):
        wp.AsyncProductionService.from_env()


@pytest.mark.parametrize("url", ["", "ftp://x", "http://user:pw@host", "not a url"])
def test_bad_base_url(url: str) -> None:
    with pytest.raises(wp.WatsInputError):
        wp.ProductionService(url)


def test_verify_false_warns(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level("WARNING", logger="pywats_production"):
        wp.ProductionService(BASE, verify=False).close()
    assert "verification is OFF" in caplog.text

"""The SDK reads answers shaped like the evidence about real WATS servers (issue 11).

Each test is built from one fact of the project's evidence file, named with its source
(olreppe/pyWATS commit and path, or a support article), and failed on the SDK before.
"""

from __future__ import annotations

import datetime as dt
import json

import httpx
import pytest

from pywats_production import ProductionService
from pywats_production.models import (
    Drift,
    SaveUnitsResult,
    SerialNumberRecord,
    SerialNumberUploadResult,
    UnitVerificationGrade,
    add_drift_handler,
)
from pywats_production.phase import UnitPhase
from pywats_production.serials import parse_export, parse_take

# --- verification: UnitVerification.cs (pyWATS@6ec57fb csharp_code_TDM) -------------------


@pytest.mark.parametrize("status", ["ok", "Ok", "OK", "warning", "Warning", " WARNING "])
def test_verification_ok_or_warning_passes_in_any_case(status):
    grade = UnitVerificationGrade.from_json({"status": status, "grade": "A"})
    assert grade.is_passing
    assert grade.status == status  # the raw status is kept


@pytest.mark.parametrize("status", ["error", "Failed", "notOk", "", "unknown"])
def test_verification_other_statuses_do_not_pass(status):
    # Even with every last run passed: the status decides when there is one.
    grade = UnitVerificationGrade.from_json({"status": status, "allProcessesPassedLastRun": True})
    assert not grade.is_passing


# --- serial numbers: LocalSerialNumbers.xsd (pyWATS@6ec57fb), SerialNumberHandler.cs -------

VIRINCO_EXPORT = (
    b'<?xml version="1.0" encoding="utf-8"?>\n'
    b'<SerialNumbers requestType="Take" serialNumberType="UnitSN" siteName="Main">\n'
    b'  <SN id="SN0001" taken="2026-01-05T10:11:12.1234567Z" seq="1" refSN="P-1"'
    b' refPN="PCBA-100" refStn="ICT-01" lot="L7"/>\n'
    b'  <SN id="SN0002" seq="2"/>\n'
    b"</SerialNumbers>\n"
)


def test_export_xml_in_virinco_protocol():
    first, second = parse_export(VIRINCO_EXPORT, "XML")
    assert first == SerialNumberRecord(
        serial_number="SN0001",
        taken=True,
        taken_at=dt.datetime(2026, 1, 5, 10, 11, 12, 123456, tzinfo=dt.UTC),
        seq=1,
        ref_serial_number="P-1",
        ref_part_number="PCBA-100",
        station_name="ICT-01",
        extra={"lot": "L7"},
    )
    assert second.taken is None and second.seq == 2 and second.station_name is None


def test_by_reference_record_with_string_values_and_datetime_taken():
    record = SerialNumberRecord.from_json(
        {
            "serialNumber": "SN0001",
            "taken": "2026-01-05T10:11:12Z",
            "seq": "12",
            "refStn": "FCT-02",
            "refSN": "P-1",
            "site": "Main",
        }
    )
    assert record.taken is True
    assert record.taken_at == dt.datetime(2026, 1, 5, 10, 11, 12, tzinfo=dt.UTC)
    assert record.seq == 12
    assert record.station_name == "FCT-02"
    assert record.extra == {"site": "Main"}


@pytest.mark.parametrize(("value", "expected"), [(True, True), (False, False), ("false", False)])
def test_record_taken_as_boolean_still_reads(value, expected):
    assert SerialNumberRecord.from_json({"serialNumber": "A", "taken": value}).taken is expected


def test_record_odd_taken_is_kept_raw_and_reported():
    seen: list[Drift] = []
    remove = add_drift_handler(seen.append)
    try:
        record = SerialNumberRecord.from_json({"serialNumber": "A", "taken": 3, "seq": "x"})
    finally:
        remove()
    assert record.taken is None and record.seq is None
    assert record.extra == {"taken": 3, "seq": "x"}
    assert sorted(d.member for d in seen) == ["SerialNumberRecord.seq", "SerialNumberRecord.taken"]


# --- PUT Units answer: pyWATS@d7be43d PRODUCTION_TEST_STATUS.md (recorded from a server) ---


def test_save_units_result_reads_ok_count():
    result = SaveUnitsResult.from_json({"okCount": 1, "errorCount": 0, "errors": []})
    assert (result.ok_count, result.error_count, result.errors, result.ok) == (1, 0, (), True)
    assert result.extra == {}
    merged = SaveUnitsResult.merge([result, SaveUnitsResult.from_json({"okCount": 2})])
    assert merged.ok_count == 3
    partial = SaveUnitsResult.merge([result, SaveUnitsResult.from_json({})])
    assert partial.ok_count is None  # not every request said


# --- phases: Enums.cs enum Unit_Phase (pyWATS@6ec57fb) -----------------------------------

VIRINCO_PHASES = {
    "Unknown": 1,
    "Under_Production": 2,
    "Repair_Production": 4,
    "Repair_Service": 8,
    "Finalized": 16,
    "Scrapped": 32,
    "Extended_Test": 64,
    "Customization": 128,
    "Repaired": 256,
    "Missing": 512,
    "In_Storage": 1024,
    "Shipped": 2048,
    "Queued": 4096,
    "Under_Production_Q": 4098,
    "Repair_Production_Q": 4100,
    "Repair_Service_Q": 4104,
}


@pytest.mark.parametrize(("name", "value"), sorted(VIRINCO_PHASES.items()))
def test_phase_parse_accepts_virinco_enum_names(name, value):
    assert int(UnitPhase.parse(name)) == value


# --- Take answers: pyWATS@7a89a7b repository.py / client.py ------------------------------

TAKE_XML = '<SerialNumbers><SN id="SN1"/><SN id="SN2"/></SerialNumbers>'


def test_take_answer_xml_inside_a_json_string():
    assert parse_take(json.dumps(TAKE_XML).encode(), "XML") == ["SN1", "SN2"]
    assert parse_take(json.dumps("SN1\r\nSN2\r\n").encode(), "CSV") == ["SN1", "SN2"]


@pytest.mark.parametrize("declared", ["utf-16", "UTF-32", "no-such-codec"])
def test_take_answer_with_wrong_encoding_declaration(declared):
    body = f'<?xml version="1.0" encoding="{declared}"?>{TAKE_XML}'.encode()
    assert parse_take(body, "XML") == ["SN1", "SN2"]


def test_take_answer_declared_latin1_but_utf8_bytes():
    body = '<?xml version="1.0" encoding="iso-8859-1"?><SerialNumbers><SN id="Å1"/></SerialNumbers>'
    assert parse_take(body.encode("utf-8"), "XML") == ["Å1"]
    # The declaration is right: honoured.
    assert parse_take(body.encode("latin-1"), "XML") == ["Å1"]


def test_export_wrapped_in_json_string_streams_too():
    records = parse_export(json.dumps(VIRINCO_EXPORT.decode()).encode(), "XML")
    assert [r.serial_number for r in records] == ["SN0001", "SN0002"]


def _service(handler):
    client = httpx.Client(transport=httpx.MockTransport(handler), base_url="http://wats")
    return ProductionService(base_url="http://wats", token="dG9r", http_client=client)


@pytest.mark.parametrize(
    ("fmt", "accept", "body"),
    [
        ("XML", "application/xml", json.dumps(TAKE_XML)),
        ("CSV", "text/csv", "SN1\nSN2\n"),
    ],
)
def test_take_sends_accept_of_the_format_and_reads_answer(fmt, accept, body):
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, text=body, headers={"content-type": "application/json"})

    with _service(handler) as wats:
        assert wats.take_serial_numbers("UnitSN", 2, ref_serial_number="P", format=fmt) == [
            "SN1",
            "SN2",
        ]
        assert wats.pending_takes == ()
        wats.export_serial_numbers("UnitSN", format=fmt)
    assert [r.headers["accept"].split(",")[0] for r in seen] == [accept, accept]
    # Other operations still ask for JSON.
    assert seen[0].headers["authorization"] == "Basic dG9r"


# --- upload: SerialNumberHandler.cs UploadSerialNumbers (pyWATS@6ec57fb) ------------------


@pytest.mark.parametrize(
    ("answer", "existing"),
    [
        (b"", ()),
        (b"[]", ()),
        (b"null", ()),
        (b'["SN1","SN2"]', ("SN1", "SN2")),
        (b'[{"serialNumber":"SN3"}]', ("SN3",)),
        (b'<SerialNumbers><SN id="SN4"/></SerialNumbers>', ("SN4",)),
    ],
)
def test_upload_reports_existing_numbers(answer, existing):
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=answer)

    with _service(handler) as wats:
        result = wats.upload_serial_numbers("UnitSN", b"SN1\nSN2\n")
    assert isinstance(result, SerialNumberUploadResult)
    assert result.existing == existing


def test_file_accept_does_not_leak_to_other_operations():
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if request.url.path.endswith("/Take"):
            return httpx.Response(200, text=TAKE_XML)
        return httpx.Response(200, json={"serialNumber": "SN1", "partNumber": "P"})

    with _service(handler) as wats:
        wats.take_serial_numbers("UnitSN", 2, ref_serial_number="P")
        wats.get_unit("SN1", "P")
    assert seen[0].headers["accept"].startswith("application/xml")
    assert seen[1].headers["accept"] == "application/json"


def test_streamed_export_with_wrong_declaration_in_small_chunks():
    from pywats_production.serials import iter_export_xml

    body = (
        '<?xml version="1.0" encoding="utf-16"?>\n' + VIRINCO_EXPORT.decode().split("\n", 1)[1]
    ).encode()
    records = list(iter_export_xml(body[i : i + 7] for i in range(0, len(body), 7)))
    assert [(r.serial_number, r.station_name) for r in records] == [
        ("SN0001", "ICT-01"),
        ("SN0002", None),
    ]


def test_upload_answer_of_an_unknown_shape_is_kept_raw_and_reported():
    seen: list[Drift] = []
    remove = add_drift_handler(seen.append)
    try:
        result = SerialNumberUploadResult.from_answer(b'{"inserted": 2}')
    finally:
        remove()
    assert result.existing == ()
    assert result.raw == {"inserted": 2}
    assert [d.member for d in seen] == ["SerialNumberUpload"]

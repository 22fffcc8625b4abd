from __future__ import annotations

import copy
import datetime as dt
import json
import pickle
import time

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from pywats_production._json import EMPTY_MAP, FrozenJsonMap, parse_json
from pywats_production.errors import WatsResponseError
from pywats_production.models import (
    BoxBuildRequirement,
    ChildUnitCheck,
    ChildUnitCheckItem,
    Drift,
    Process,
    ProcessVerification,
    Product,
    ProductionBatch,
    ProductRevision,
    SaveUnitsResult,
    SerialNumberIdentifier,
    SerialNumberRecord,
    SerialNumberType,
    ServerVersion,
    TagChangeKind,
    Unit,
    UnitChange,
    UnitTag,
    UnitVerificationGrade,
    add_drift_handler,
    parse_wire_datetime,
    parsing,
)
from pywats_production.phase import UnitPhase

PRODUCT = {
    "productId": "8d0f6a3e-7b61-4a55-9a55-3d3f0d7c2a11",
    "nonSerial": False,
    "partNumber": "PCBA-100",
    "name": "Main board",
    "description": "The main board",
    "state": 1,
    "xmlData": None,
    "productCategoryId": None,
    "productCategoryName": "Boards",
    "revisions": [{"revision": "A", "PartNumber": "PCBA-100"}],
    "tags": [{"key": "family", "value": "X", "change": 0}],
}

UNIT = {
    "serialNumber": "SN0001",
    "partNumber": "PCBA-100",
    "revision": "A",
    "parentSerialNumber": "BOX-1",
    "batchNumber": "B-7",
    "serialDate": "2024-01-02T03:04:05.1234567Z",
    "currentLocation": "Line 1",
    "xmlData": "<x/>",
    "unitPhaseId": 4098,
    "unitPhase": "In production queue",
    "processCode": "10",
    "tags": [
        {"key": "Color", "value": "red", "change": 1},
        {"key": "Odd", "value": None, "change": 42},
    ],
    "productRevision": {
        "productRevisionId": "0b7b2c9e-1111-2222-3333-444455556666",
        "productId": "8d0f6a3e-7b61-4a55-9a55-3d3f0d7c2a11",
        "revision": "A",
        "name": "Rev A",
        "description": None,
        "state": 1,
        "xmlData": None,
        "PartNumber": "PCBA-100",
        "tags": [],
        "product": PRODUCT,
    },
    "product": PRODUCT,
    "subUnits": [{"serialNumber": "CHILD-1", "partNumber": "PSU-1", "unitPhaseId": 16}],
    "futureField": {"nested": [1, 2]},
}


# --- Unit ---------------------------------------------------------------------------------


def test_unit_from_json_reads_everything():
    unit = Unit.from_json(UNIT)
    assert unit.serial_number == "SN0001"
    assert unit.part_number == "PCBA-100"
    assert unit.revision == "A"
    assert unit.parent_serial_number == "BOX-1"
    assert unit.batch_number == "B-7"
    assert unit.serial_date == dt.datetime(2024, 1, 2, 3, 4, 5, 123456, tzinfo=dt.UTC)
    assert unit.current_location == "Line 1"
    assert unit.xml_data == "<x/>"
    assert unit.phase is UnitPhase.IN_PRODUCTION_QUEUE
    assert unit.phase_name == "In production queue"
    assert unit.process_code == "10"
    assert unit.tags[0] == UnitTag(key="Color", value="red", change=TagChangeKind.ADDED)
    assert unit.tags[1].change == 42
    assert not isinstance(unit.tags[1].change, TagChangeKind)
    assert unit.product_revision is not None
    assert unit.product_revision.part_number == "PCBA-100"
    assert unit.product_revision.product is not None
    assert unit.product_revision.product.name == "Main board"
    assert unit.product is not None
    assert unit.product.revisions[0].revision == "A"
    assert unit.product.tags[0].change is TagChangeKind.NONE
    assert unit.sub_units[0].serial_number == "CHILD-1"
    assert unit.sub_units[0].phase is UnitPhase.FINALIZED
    assert unit.extra == {"futureField": {"nested": [1, 2]}}


def test_unit_to_wire_sends_only_writable_fields():
    wire = Unit.from_json(UNIT).to_wire()
    assert wire == {
        "serialNumber": "SN0001",
        "partNumber": "PCBA-100",
        "revision": "A",
        "batchNumber": "B-7",
        "serialDate": "2024-01-02T03:04:05.123456+00:00",
        "currentLocation": "Line 1",
        "xmlData": "<x/>",
        "unitPhaseId": 4098,
        "processCode": "10",
    }
    json.dumps(wire)  # must be serialisable as is


def test_unit_to_wire_omits_none():
    unit = Unit(serial_number="SN1", part_number="P1", current_location=None, phase=UnitPhase(0))
    assert unit.to_wire() == {"serialNumber": "SN1", "partNumber": "P1", "unitPhaseId": 0}


def test_unit_minimal_and_nulls():
    unit = Unit.from_json({"serialNumber": "SN1", "tags": None, "subUnits": None, "product": None})
    assert unit.part_number == ""
    assert unit.tags == ()
    assert unit.sub_units == ()
    assert unit.product is None
    assert unit.extra is EMPTY_MAP
    empty = Unit.from_json({})
    assert empty.serial_number == ""
    assert empty.phase is None


def test_unit_process_code_int_kept():
    assert Unit.from_json({"serialNumber": "S", "processCode": 10}).process_code == 10
    assert Unit.from_json({"serialNumber": "S", "processCode": 10}).to_wire()["processCode"] == 10


def test_unit_unknown_phase_bits_survive_round_trip():
    unit = Unit.from_json({"serialNumber": "S", "partNumber": "P", "unitPhaseId": 16 | 1 << 20})
    assert int(unit.phase) == 16 | 1 << 20
    assert unit.to_wire()["unitPhaseId"] == 16 | 1 << 20


@pytest.mark.parametrize(
    ("data", "member"),
    [
        ({"serialNumber": 5}, "Unit.serialNumber"),
        ({"revision": ["A"]}, "Unit.revision"),
        ({"unitPhaseId": "16"}, "Unit.unitPhaseId"),
        ({"unitPhaseId": -1}, "Unit.unitPhaseId"),
        ({"unitPhaseId": True}, "Unit.unitPhaseId"),
        ({"unitPhaseId": 16.0}, "Unit.unitPhaseId"),
        ({"serialDate": 12345}, "Unit.serialDate"),
        ({"serialDate": "not a date"}, "Unit.serialDate"),
        ({"processCode": 1.5}, "Unit.processCode"),
        ({"processCode": [1]}, "Unit.processCode"),
        ({"tags": {"key": "x"}}, "Unit.tags"),
        ({"tags": ["x"]}, "Unit.tags"),
        ({"tags": [{"change": "added"}]}, "Tag.change"),
        ({"product": "PCBA"}, "Unit.product"),
        ({"product": {"state": "active"}}, "Product.state"),
        ({"productRevision": {"PartNumber": 1}}, "ProductRevision.PartNumber"),
        ({"subUnits": [{"serialNumber": 1}]}, "Unit.serialNumber"),
    ],
)
def test_unit_wrong_types_are_kept_raw_and_reported(data, member):
    """A member of an unexpected type never fails the read: it is None, kept raw in the
    ``extra`` of the model it belongs to, and reported once through the drift hook."""
    seen: list[Drift] = []
    remove = add_drift_handler(seen.append)
    try:
        with parsing("getUnit"):
            unit = Unit.from_json({"serialNumber": "SN1", "partNumber": "P1", **data})
    finally:
        remove()
    assert [d.member for d in seen] == [member]
    assert seen[0].operation == "getUnit"
    ((key, raw),) = data.items()
    holder: object = unit
    if member.split(".")[0] == "Unit" and key != "subUnits":
        assert unit.extra[key] == raw
    else:
        holder = {
            "tags": lambda: unit.tags[0],
            "product": lambda: unit.product,
            "productRevision": lambda: unit.product_revision,
            "subUnits": lambda: unit.sub_units[0],
        }[key]()
        inner_key, inner_raw = next(iter(raw[0].items() if isinstance(raw, list) else raw.items()))
        assert holder.extra[inner_key] == inner_raw  # type: ignore[attr-defined]


def test_drift_is_logged_once_per_kind(caplog):
    """The same drift (operation, member) is logged once, however often it comes."""
    caplog.set_level("WARNING", logger="pywats_production.drift")
    for _ in range(3):
        with parsing("driftOnceTest"):
            Unit.from_json({"serialNumber": "S", "partNumber": "P", "batchNumber": 7})
    logged = [r for r in caplog.records if "driftOnceTest" in r.getMessage()]
    assert len(logged) == 1
    assert "Unit.batchNumber" in logged[0].getMessage()


def test_drift_handler_can_fail_the_read():
    """A handler that raises (what a strict mode does) makes the read fail with its error."""

    def strict(drift: Drift) -> None:
        raise WatsResponseError(f"drift: {drift.member}", field=drift.member)

    remove = add_drift_handler(strict)
    try:
        with pytest.raises(WatsResponseError, match=r"Unit\.revision"):
            Unit.from_json({"serialNumber": "S", "partNumber": "P", "revision": 1})
    finally:
        remove()
    assert Unit.from_json({"serialNumber": "S", "partNumber": "P", "revision": 1}).revision is None


def test_from_json_refuses_non_object():
    with pytest.raises(WatsResponseError):
        Unit.from_json([1, 2])  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-01-02T03:04:05", dt.datetime(2024, 1, 2, 3, 4, 5)),
        ("2024-01-02T03:04:05Z", dt.datetime(2024, 1, 2, 3, 4, 5, tzinfo=dt.UTC)),
        (
            "2024-01-02T03:04:05+01:00",
            dt.datetime(2024, 1, 2, 3, 4, 5, tzinfo=dt.timezone(dt.timedelta(hours=1))),
        ),
        ("2024-01-02T03:04:05.1234567Z", dt.datetime(2024, 1, 2, 3, 4, 5, 123456, tzinfo=dt.UTC)),
        ("2024-01-02T03:04:05.1234567", dt.datetime(2024, 1, 2, 3, 4, 5, 123456)),
        (
            "2024-01-02T03:04:05.12-05:00",
            dt.datetime(2024, 1, 2, 3, 4, 5, 120000, tzinfo=dt.timezone(dt.timedelta(hours=-5))),
        ),
        ("0001-01-01T00:00:00", dt.datetime(1, 1, 1)),
        ("/Date(1700000000000)/", dt.datetime(2023, 11, 14, 22, 13, 20, tzinfo=dt.UTC)),
        ("", None),
    ],
)
def test_date_formats(text, expected):
    assert parse_wire_datetime(text) == expected
    value = Unit.from_json({"serialNumber": "S", "serialDate": text}).serial_date
    assert value == expected
    if expected is not None:
        assert (value.tzinfo is None) == (expected.tzinfo is None)


@pytest.mark.parametrize(
    "text",
    [
        "2024-01-02T03:04:05",
        "2024-01-02T03:04:05Z",
        "2024-01-02T03:04:05+01:00",
        "2024-01-02T03:04:05.1234567Z",
        "2024-01-02T03:04:05.1234567-08:00",
    ],
)
def test_get_modify_save_round_trip_keeps_the_date(text):
    unit = Unit.from_json({**UNIT, "serialDate": text})
    unit.current_location = "Line 2"
    unit.phase = UnitPhase.FINALIZED
    body = json.dumps([unit.to_wire()])  # what PUT Units sends; must not crash
    again = Unit.from_json(json.loads(body)[0])
    assert again.serial_date is not None and unit.serial_date is not None
    # A naive date goes back as UTC (the contract's date-time needs an offset).
    expected = unit.serial_date
    if expected.tzinfo is None:
        expected = expected.replace(tzinfo=dt.UTC)
    assert again.serial_date == expected
    assert again.serial_date.utcoffset() == expected.utcoffset()
    assert again.current_location == "Line 2"
    assert again.phase is UnitPhase.FINALIZED


_text = st.text(st.characters(exclude_categories=("Cs",)), max_size=20)
_opt_text = st.none() | _text
_dates = st.none() | st.datetimes(
    min_value=dt.datetime(1, 1, 1),
    max_value=dt.datetime(9999, 12, 31),
    timezones=st.none()
    | st.just(dt.UTC)
    | st.builds(lambda m: dt.timezone(dt.timedelta(minutes=m)), st.integers(-14 * 60, 14 * 60)),
)
_units = st.builds(
    Unit,
    serial_number=_text,
    part_number=_text,
    revision=_opt_text,
    batch_number=_opt_text,
    serial_date=_dates,
    current_location=_opt_text,
    xml_data=_opt_text,
    phase=st.none() | st.integers(0, 2**31 - 1).map(UnitPhase),
    process_code=st.none() | _text | st.integers(-(2**31), 2**31 - 1),
)


@given(_units)
def test_unit_wire_round_trip(unit):
    wire = json.loads(json.dumps(unit.to_wire()))
    if unit.serial_date is not None and unit.serial_date.tzinfo is None:
        # Naive dates are sent as UTC: that is the one deliberate change on the wire.
        unit = attrs.evolve(unit, serial_date=unit.serial_date.replace(tzinfo=dt.UTC))
    assert Unit.from_json(wire) == unit
    assert Unit.from_json(wire).to_wire() == unit.to_wire()


def test_unit_read_only_fields_not_in_round_trip():
    unit = Unit.from_json(UNIT)
    again = Unit.from_json(unit.to_wire())
    assert again.parent_serial_number is None
    assert again.tags == ()
    assert again.product is None
    assert again.extra == {}
    assert (
        attrs.evolve(
            unit,
            parent_serial_number=None,
            phase_name=None,
            tags=(),
            product_revision=None,
            product=None,
            sub_units=(),
            extra=EMPTY_MAP,
        )
        == again
    )


def test_extra_is_read_only_and_copyable():
    unit = Unit.from_json(UNIT)
    with pytest.raises(TypeError):
        unit.extra["x"] = 1  # type: ignore[index]
    assert isinstance(unit.extra, FrozenJsonMap)
    assert pickle.loads(pickle.dumps(unit)) == unit
    assert copy.deepcopy(unit) == unit
    assert "futureField" in repr(unit.extra)


def test_models_are_mutable_slotted_and_kw_only():
    unit = Unit(serial_number="S", part_number="P")
    unit.revision = "B"
    assert unit.revision == "B"
    with pytest.raises(AttributeError):
        unit.not_a_field = 1  # type: ignore[attr-defined]
    with pytest.raises(TypeError):
        Unit("S", "P")  # type: ignore[misc]


def test_from_json_is_fast_enough():
    body = json.dumps(UNIT).encode()
    start = time.perf_counter()
    for _ in range(2000):
        Unit.from_json(json.loads(body))
    elapsed = time.perf_counter() - start
    # ~40 us per nested unit on a slow CI core would still pass; a per-field
    # exception-driven parser or validators on every field would not.
    assert elapsed < 2000 * 200e-6


# --- other models -------------------------------------------------------------------------


def test_unit_change():
    change = UnitChange.from_json(
        {
            "id": 7,
            "unitSerialNumber": "SN1",
            "newParentSerialNumber": "",
            "newPartNumber": None,
            "newRevision": "B",
            "newUnitPhaseId": 16,
            "x": 1,
        }
    )
    assert change.id == 7
    assert change.new_parent_serial_number == ""
    assert change.new_part_number is None
    assert change.new_revision == "B"
    assert change.new_phase is UnitPhase.FINALIZED
    assert change.extra == {"x": 1}
    with pytest.raises(WatsResponseError) as info:
        UnitChange.from_json({"unitSerialNumber": "SN1"})
    assert info.value.field == "id"
    with pytest.raises(WatsResponseError):
        UnitChange.from_json({"id": "7"})


def test_production_batch():
    batch = ProductionBatch.from_json({"batchNumber": "B-1", "batchSize": 10, "note": "n"})
    assert batch == ProductionBatch(batch_number="B-1", batch_size=10, extra={"note": "n"})
    assert batch.to_wire() == {"batchNumber": "B-1", "batchSize": 10}
    assert ProductionBatch(batch_number="B-2").to_wire() == {"batchNumber": "B-2"}


def test_serial_number_type():
    t = SerialNumberType.from_json(
        {
            "name": "MAC",
            "description": "d",
            "format": "XX",
            "regEx": "^[0-9A-F]{12}$",
            "identifier": 1,
            "identifierName": "MAC address",
        }
    )
    assert t.identifier is SerialNumberIdentifier.MAC_ADDRESS
    assert t.regex == "^[0-9A-F]{12}$"
    assert t.identifier_name == "MAC address"
    future = SerialNumberType.from_json({"name": "X", "identifier": 9})
    assert future.identifier == 9
    assert not isinstance(future.identifier, SerialNumberIdentifier)


def test_serial_number_record():
    record = SerialNumberRecord.from_json(
        {
            "serialNumber": "SN1",
            "taken": True,
            "takenUtc": "2026-11-26T05:00:00Z",
            "refSN": "PCBA-SN-1",
            "refPN": "PCBA-100",
            "stationName": "ICT-01",
        }
    )
    assert record.taken is True
    assert record.taken_at == dt.datetime(2026, 11, 26, 5, tzinfo=dt.UTC)
    assert record.ref_serial_number == "PCBA-SN-1"
    assert record.to_wire() == {
        "serialNumber": "SN1",
        "taken": True,
        "takenUtc": "2026-11-26T05:00:00+00:00",
        "refSN": "PCBA-SN-1",
        "refPN": "PCBA-100",
        "stationName": "ICT-01",
    }
    assert SerialNumberRecord.from_json(record.to_wire()) == record


def test_serial_number_record_fallback_keys():
    record = SerialNumberRecord.from_json({"SN": "A1", "Other": 1})
    assert record.serial_number == "A1"
    assert record.extra == {"Other": 1}
    with pytest.raises(WatsResponseError):
        SerialNumberRecord.from_json({"taken": False})


def test_verification_grade():
    grade = UnitVerificationGrade.from_json(
        {
            "status": "Passed",
            "grade": "A",
            "allProcessesExecutedInCorrectOrder": True,
            "allProcessesPassedFirstRun": False,
            "allProcessesPassedAnyRun": True,
            "allProcessesPassedLastRun": True,
            "noRepairs": False,
            "results": [
                {
                    "processCode": 10,
                    "processName": "ICT",
                    "processIndex": 0,
                    "status": "Passed",
                    "startUtc": "2026-01-01T00:00:00Z",
                    "stationName": "S1",
                    "totalCount": 2,
                    "nonPassedCount": 1,
                    "repairCount": 0,
                },
                {"processCode": 20, "processName": "FCT", "status": "Unknown", "startUtc": None},
            ],
        }
    )
    assert grade.is_passing
    assert grade.all_processes_passed_first_run is False
    assert grade.results[0] == ProcessVerification(
        process_code=10,
        process_name="ICT",
        process_index=0,
        status="Passed",
        start_utc=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
        station_name="S1",
        total_count=2,
        non_passed_count=1,
        repair_count=0,
    )
    assert grade.results[1].start_utc is None


@pytest.mark.parametrize(
    ("data", "passing"),
    [
        ({"status": "Passed"}, True),
        ({"status": "passed "}, True),
        ({"status": "Failed", "allProcessesPassedLastRun": True}, False),
        ({"allProcessesPassedLastRun": True}, True),
        ({"allProcessesPassedLastRun": False}, False),
        ({}, False),
    ],
)
def test_is_passing(data, passing):
    assert UnitVerificationGrade.from_json(data).is_passing is passing


def test_child_unit_check_object():
    payload = {
        "isValid": False,
        "parentSerialNumber": "BOX-1",
        "parentPartNumber": "BOX",
        "children": [
            {
                "serialNumber": "C1",
                "partNumber": "PSU",
                "revision": "A",
                "unitPhaseId": 2,
                "isValid": False,
                "message": "not finalized",
            }
        ],
        "requirements": [{"partNumber": "PSU", "revision": "A*", "quantity": 2, "found": 1}],
        "serverNote": "n",
    }
    check = ChildUnitCheck.from_payload(payload)
    assert check.is_valid is False
    assert check.children == (
        ChildUnitCheckItem(
            serial_number="C1",
            part_number="PSU",
            revision="A",
            phase=UnitPhase.UNDER_PRODUCTION,
            is_valid=False,
            message="not finalized",
        ),
    )
    assert check.requirements == (
        BoxBuildRequirement(part_number="PSU", revision="A*", quantity=2, found=1),
    )
    assert check.raw == payload
    assert check.extra == {"serverNote": "n"}
    assert ChildUnitCheck.from_json(payload) == check


@pytest.mark.parametrize(
    ("payload", "is_valid", "children"),
    [
        (True, True, 0),
        (False, False, 0),
        ([{"serialNumber": "C1", "isValid": True}, "junk"], None, 1),
        ("OK", None, 0),
        (None, None, 0),
        (3, None, 0),
        ({"isValid": "yes", "children": 5}, None, 0),
    ],
)
def test_child_unit_check_any_shape(payload, is_valid, children):
    check = ChildUnitCheck.from_payload(payload)
    assert check.is_valid is is_valid
    assert len(check.children) == children
    assert check.raw == payload


def test_save_units_result_and_merge():
    one = SaveUnitsResult.from_json(
        {"errorCount": 1, "insertCount": 2, "updateCount": 0, "errors": ["SN3: bad"], "x": 1},
        units_sent=3,
    )
    assert one == SaveUnitsResult(
        error_count=1,
        insert_count=2,
        update_count=0,
        errors=("SN3: bad",),
        units_sent=3,
        requests=1,
        extra={"x": 1},
    )
    assert not one.ok
    two = SaveUnitsResult.from_json({"errorCount": 0, "insertCount": 5}, units_sent=5)
    merged = SaveUnitsResult.merge([one, two])
    assert merged.error_count == 1
    assert merged.insert_count == 7
    assert merged.update_count is None  # the second request did not say
    assert merged.errors == ("SN3: bad",)
    assert merged.units_sent == 8
    assert merged.requests == 2
    assert merged.extra == {"chunks": [{"x": 1}, {}]}
    assert SaveUnitsResult.merge([two]) == two
    assert SaveUnitsResult.merge([two]) is not two
    empty = SaveUnitsResult.merge([])
    assert (empty.error_count, empty.units_sent, empty.requests) == (0, 0, 0)


def test_save_units_result_lenient_errors():
    result = SaveUnitsResult.from_json({"errors": [{"serialNumber": "A", "message": "m"}, "b"]})
    assert result.error_count == 2
    assert result.errors == ('{"serialNumber":"A","message":"m"}', "b")
    assert SaveUnitsResult.from_json({}).ok
    drifted = SaveUnitsResult.from_json({"errorCount": "0", "okCount": 2})
    assert drifted.extra == {"errorCount": "0"}
    assert drifted.ok_count == 2


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        ("24.2.1.55", (24, 2, 1, 55)),
        ("WATS 2024.2", (2024, 2)),
        ('"23.1"', (23, 1)),
        ("v7", (7,)),
        ("unknown", ()),
    ],
)
def test_server_version(text, parts):
    version = ServerVersion.parse(text)
    assert version.parts == parts
    assert str(version) == text.strip('"')


def test_server_version_compare_and_payloads():
    assert ServerVersion.parse("24.2.1").at_least(24, 2)
    assert not ServerVersion.parse("24.1").at_least(24, 2)
    assert not ServerVersion.parse("none").at_least(1)
    assert ServerVersion.from_payload({"Version": "24.2"}).parts == (24, 2)
    assert ServerVersion.from_payload("24.2").parts == (24, 2)
    assert ServerVersion.from_payload(24.2).parts == (24, 2)
    with pytest.raises(WatsResponseError):
        ServerVersion.from_payload({"x": 1})


def test_process():
    process = Process.from_json(
        {
            "code": 10,
            "name": "ICT",
            "description": None,
            "isTestOperation": True,
            "isRepairOperation": False,
            "isWipOperation": False,
            "processIndex": 1,
            "state": 1,
        }
    )
    assert process == Process(
        code=10,
        name="ICT",
        is_test_operation=True,
        is_repair_operation=False,
        is_wip_operation=False,
        process_index=1,
        state=1,
    )
    with pytest.raises(WatsResponseError):
        Process.from_json({"name": "ICT"})


def test_product_and_revision_standalone():
    product = Product.from_json(PRODUCT)
    assert product.product_id == PRODUCT["productId"]
    assert product.non_serial is False
    revision = ProductRevision.from_json({"revision": "B", "partNumber": "P2"})
    assert revision.part_number == "P2"


def test_parse_json():
    assert parse_json(b'\xef\xbb\xbf{"a": 1}') == {"a": 1}
    assert parse_json('"x"') == "x"
    with pytest.raises(WatsResponseError, match="not valid JSON"):
        parse_json(b"<html>")


def test_frozen_map():
    m = FrozenJsonMap({"a": [1]})
    assert m == {"a": [1]}
    assert m == FrozenJsonMap({"a": [1]})
    assert m != {"a": [2]}
    assert "a" in m
    assert list(m) == ["a"]
    with pytest.raises(TypeError):
        hash(m)
    assert pickle.loads(pickle.dumps(m)) == m

"""The internal API's models and answer parsing: PascalCase wire, snake_case attributes,
unknown members kept, malformed answers refused with the SDK's typed error."""

from __future__ import annotations

import datetime as dt
from typing import Any

import httpx
import pytest

import pywats_production as wp
from pywats_production.errors import WatsResponseError
from pywats_production.internal_models import (
    ChildUnitCheckResult,
    InternalSerialNumber,
    InternalUnit,
    SerialNumberRange,
    Site,
    UnitContent,
    UnitPhaseDefinition,
    UnitStateHistory,
)
from pywats_production.phase import UnitPhase


def test_internal_unit_reads_pascal_case_and_keeps_unknown_members() -> None:
    unit = InternalUnit.from_json(
        {
            "SerialNumber": "BOX1",
            "PartNumber": "BOX-900",
            "UnitPhaseId": 16 | 8192,
            "SerialDate": "2026-11-26T05:00:00.1234567Z",
            "Children": [{"SerialNumber": "PCB1", "Children": [{"SerialNumber": "CHIP"}]}],
            "Settings": [{"Key": "x"}],
        }
    )
    assert unit.serial_number == "BOX1"
    assert int(unit.phase or 0) == 16 | 8192  # unknown bits survive
    assert unit.serial_date == dt.datetime(2026, 11, 26, 5, 0, 0, 123456, tzinfo=dt.UTC)
    assert [u.serial_number for u in unit.walk()] == ["BOX1", "PCB1", "CHIP"]
    assert unit.extra == {"Settings": [{"Key": "x"}]}


def test_wrong_member_types_drift_into_extra_and_required_ones_are_refused() -> None:
    from pywats_production.models import add_drift_handler

    seen: list[str] = []
    remove = add_drift_handler(lambda drift: seen.append(drift.member))
    try:
        unit = InternalUnit.from_json({"SerialNumber": "S", "UnitPhaseId": "sixteen"})
        content = UnitContent.from_json({"Units": {"not": "a list"}})
    finally:
        remove()
    assert (unit.serial_number, unit.phase) == ("S", None)
    assert unit.extra == {"UnitPhaseId": "sixteen"}  # kept raw, not lost
    assert content.units == ()
    assert content.extra == {"Units": {"not": "a list"}}
    assert seen == ["InternalUnit.UnitPhaseId", "UnitContent.Units"]
    with pytest.raises(WatsResponseError, match="UnitPhaseId"):
        UnitPhaseDefinition.from_json({"Name": "no id"})
    with pytest.raises(WatsResponseError, match="serialNumber"):
        InternalSerialNumber.from_json({"state": "Free"})
    with pytest.raises(WatsResponseError, match="readable"):
        UnitStateHistory.from_json({"processes": [1], "phases": [2], "dateTimes": [None]})


def test_history_zips_three_lists_and_refuses_uneven_ones() -> None:
    history = UnitStateHistory.from_json(
        {
            "processes": [None, "FCT"],
            "phases": [2, 16],
            "dateTimes": ["2026-01-01T00:00:00Z", "2026-01-02T00:00:00Z"],
        }
    )
    assert [(s.process, s.phase) for s in history.states] == [
        (None, UnitPhase.UNDER_PRODUCTION),
        ("FCT", UnitPhase.FINALIZED),
    ]
    assert history.current is not None and history.current.process == "FCT"
    assert UnitStateHistory.from_json({}).current is None
    with pytest.raises(WatsResponseError, match="differ in length"):
        UnitStateHistory.from_json({"processes": ["A"], "phases": [], "dateTimes": []})


def test_ranges_statistics_sites_and_checks() -> None:
    rng = SerialNumberRange.from_json({"type": "SN", "startAddress": "A", "reserved": 2})
    assert (rng.serial_number_type, rng.start_address, rng.reserved) == ("SN", "A", 2)
    assert rng.to_wire() == {"type": "SN", "startAddress": "A", "endAddress": None}
    assert Site.from_json({"Name": "Oslo", "Code": "OSL", "Gps": "59,10"}).extra == {"Gps": "59,10"}
    check = ChildUnitCheckResult.from_json(
        {"IsValid": False, "Children": [{"SerialNumber": "C1", "IsValid": False}]}
    )
    assert check.children[0].serial_number == "C1"


ANSWERS: list[tuple[str, tuple[Any, ...], bytes]] = [
    ("get_unit_phase", ("SN", "PN"), b'"not a number"'),
    ("get_unit_phase", ("SN", "PN"), b"{oops"),
    ("get_unit_process", ("SN", "PN"), b"42"),
    ("get_unit_state_history", ("SN", "PN"), b"[]"),
    ("get_unit_hierarchy", ("SN", "PN"), b"<html>"),
    ("get_unit_phases", (), b'{"UnitPhaseId": 1}'),
    ("is_connected", (), b'"maybe"'),
    ("count_serial_numbers", ("SN",), b"true"),
    ("reserve_serial_numbers", ("SN", 1), b'{"sn": 5}'),
    ("reserve_serial_numbers", ("SN", 1), b'{"sn": "<SerialNumbers><SN id=\\"A\\""}'),
    ("add_child_unit", ("B", "BP", "C", "CP"), b'{"x": 1}'),
]


@pytest.mark.parametrize(("method", "args", "body"), ANSWERS)
def test_unreadable_answers_raise_the_sdks_error(
    method: str, args: tuple[Any, ...], body: bytes
) -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/api/App/Version":
            return httpx.Response(200, json="2025.3.9.824")
        return httpx.Response(200, content=body, headers={"content-type": "application/json"})

    client = httpx.Client(
        transport=httpx.MockTransport(answer), base_url="https://wats.example.com"
    )
    service = wp.ProductionService("https://wats.example.com", http_client=client, internal=True)
    with pytest.raises(WatsResponseError):
        getattr(service.internal, method)(*args)


def test_message_answers_may_be_json_strings_or_bare_text() -> None:
    bodies = iter([(b'"Lagt til."', "application/json"), (b"Removed.\r\n", "text/plain")])

    def answer(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/api/App/Version":
            return httpx.Response(200, json="2025.3.9.824")
        body, ctype = next(bodies)
        return httpx.Response(200, content=body, headers={"content-type": ctype})

    client = httpx.Client(
        transport=httpx.MockTransport(answer), base_url="https://wats.example.com"
    )
    api = wp.ProductionService(
        "https://wats.example.com", http_client=client, internal=True
    ).internal
    assert api.add_child_unit("B", "BP", "C", "CP", culture_code="nb-NO") == "Lagt til."
    assert api.remove_child_unit("B", "BP", "C", "CP") == "Removed."


def test_a_server_within_the_derived_versions_gets_no_warning() -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/api/App/Version":
            return httpx.Response(200, json="2025.3.9.824")
        return httpx.Response(200, json=True)

    client = httpx.Client(
        transport=httpx.MockTransport(answer), base_url="https://wats.example.com"
    )
    api = wp.ProductionService(
        "https://wats.example.com", http_client=client, internal=True
    ).internal
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error", wp.WatsInternalApiWarning)
        assert api.is_connected() is True


def test_an_unreadable_version_warns_that_it_cannot_be_matched() -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/api/App/Version":
            return httpx.Response(500)
        return httpx.Response(200, json=True)

    client = httpx.Client(
        transport=httpx.MockTransport(answer), base_url="https://wats.example.com"
    )
    service = wp.ProductionService(
        "https://wats.example.com",
        http_client=client,
        internal=True,
        retry=wp.RetryPolicy(max_attempts=1),
    )
    with pytest.warns(wp.WatsInternalApiWarning, match="could not be read"):
        assert service.internal.is_connected() is True


def test_no_answer_to_the_version_read_defers_the_gate_without_warning() -> None:
    calls: list[str] = []

    def answer(request: httpx.Request) -> httpx.Response:
        calls.append(request.url.path)
        if request.url.path == "/api/App/Version" and calls.count("/api/App/Version") == 1:
            raise httpx.ConnectError("refused", request=request)
        if request.url.path == "/api/App/Version":
            return httpx.Response(200, json="2026.1.5.324")
        return httpx.Response(200, json=True)

    client = httpx.Client(
        transport=httpx.MockTransport(answer), base_url="https://wats.example.com"
    )
    service = wp.ProductionService(
        "https://wats.example.com",
        http_client=client,
        internal=True,
        retry=wp.RetryPolicy(max_attempts=1),
    )
    import warnings

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert service.internal.is_connected() is True  # no version yet: no warning
        assert not caught
        assert service.internal.is_connected() is True  # read now: 2026.1 is outside
    assert [str(w.message) for w in caught if w.category is wp.WatsInternalApiWarning] == [
        "internal API: server version 2026.1.5.324 is outside the versions the internal "
        "contract was derived for (2025.3) and no pin covers it; internal routes may change "
        "without notice"
    ]
    assert calls.count("/api/App/Version") == 2

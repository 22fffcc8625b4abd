"""The 2026.3 unit operations in the SDK: exact requests, version gating, typed refusals."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
from typing import Any
from urllib.parse import parse_qsl

import httpx
import pytest

import pywats_production as wp
from pywats_production import compat
from pywats_production._core import OPERATIONS
from pywats_production.spec_check import load_spec
from tests.recorder import Recorder
from tests.service.conftest import BASE, FAST, TOKEN

VERSION = "/api/App/Version"
QUERY = "/api/Production/Unit/Query"


def run(service: Any, name: str, *args: Any, **kwargs: Any) -> Any:
    result = getattr(service, name)(*args, **kwargs)
    if asyncio.iscoroutine(result):
        return asyncio.run(result)
    return result


def collect(service: Any, **kwargs: Any) -> list[wp.Unit]:
    iterator = service.iter_units(**kwargs)
    if hasattr(iterator, "__anext__"):

        async def drain() -> list[wp.Unit]:
            return [u async for u in iterator]

        return asyncio.run(drain())
    return list(iterator)


def make(recorder: Recorder, flavour: str, **kwargs: Any) -> Any:
    if flavour == "sync":
        client: Any = httpx.Client(transport=httpx.MockTransport(recorder), base_url=BASE)
        return wp.ProductionService(BASE, TOKEN, http_client=client, retry=FAST, **kwargs)
    client = httpx.AsyncClient(transport=httpx.MockTransport(recorder), base_url=BASE)
    return wp.AsyncProductionService(BASE, TOKEN, http_client=client, retry=FAST, **kwargs)


@pytest.fixture(params=["sync", "async"])
def flavour(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def params(request: httpx.Request) -> dict[str, str]:
    return dict(parse_qsl(request.url.query.decode(), keep_blank_values=True))


def unit_json(sn: str, pn: str = "P") -> dict[str, Any]:
    return {"serialNumber": sn, "partNumber": pn, "revision": "A", "unitPhaseId": 2}


# ------------------------------------------------------------------ the operation table


def test_every_spec_operation_is_in_the_table_with_its_minimum_version() -> None:
    spec = load_spec()
    found = {}
    for path, item in spec["paths"].items():  # type: ignore[union-attr]
        for method, op in item.items():
            found[op["operationId"]] = (method.upper(), path, op.get("x-wats-since"))
    # The internal operations are in the table too, checked against their own contract
    # (tests/test_spec_check_internal.py).
    public = {n for n in OPERATIONS if not n.startswith("internal.")}
    assert set(found) == public
    for name, (method, path, since) in found.items():
        op = OPERATIONS[name]
        assert (op.method, op.path) == (method, path), name
        assert op.since_text == since, name
    gated = sorted(n for n, op in OPERATIONS.items() if op.since is not None)
    assert gated == sorted(
        ["queryUnits", "createUnit", "updateUnit", "deleteUnit", "changeUnit", "setUnitTag"]
    )


# ------------------------------------------------------------------ version gating


METHODS: list[tuple[str, tuple[Any, ...], dict[str, Any]]] = [
    ("query_units", (), {"serial_number": "SN1"}),
    ("create_unit", (wp.Unit(serial_number="S", part_number="P", revision="A"),), {}),
    ("update_unit", (wp.Unit(serial_number="S", part_number="P"),), {}),
    ("delete_unit", ("S", "P"), {}),
    ("change_unit", ("S", "P", "Q", "B"), {}),
    ("set_unit_tag", ("S", "P", "k", "v"), {}),
]


@pytest.mark.parametrize(("method", "args", "kwargs"), METHODS)
def test_older_server_raises_without_a_request_to_the_route(
    flavour: str, method: str, args: tuple[Any, ...], kwargs: dict[str, Any]
) -> None:
    recorder = Recorder()
    recorder.add(200, "2025.3.9.824")
    service = make(recorder, flavour)
    with pytest.raises(wp.UnsupportedOperationError) as caught:
        run(service, method, *args, **kwargs)
    error = caught.value
    assert isinstance(error, wp.WatsError)
    assert (error.operation, error.server_version, error.minimum_version) == (
        method,
        "2025.3.9.824",
        "2026.3",
    )
    assert (
        str(error) == f"{method} needs a WATS server 2026.3 or newer; this server is 2025.3.9.824"
    )
    assert recorder.paths() == [VERSION]  # the version, and nothing else


def test_iter_units_on_an_older_server(flavour: str) -> None:
    recorder = Recorder()
    service = make(recorder, flavour, server_version="2026.2.1")
    with pytest.raises(wp.UnsupportedOperationError, match="iter_units needs a WATS server"):
        collect(service, part_number="P")
    assert recorder.requests == []


def test_version_is_read_once_per_service(flavour: str) -> None:
    recorder = Recorder()
    recorder.add(200, "2026.3.0")
    for _ in range(3):
        recorder.add(200, [unit_json("S1")])
    recorder.add(200)
    service = make(recorder, flavour)
    for _ in range(3):
        assert [u.serial_number for u in run(service, "query_units", part_number="P")] == ["S1"]
    run(service, "set_unit_tag", "S1", "P", "k", "v")
    assert recorder.paths() == [VERSION, QUERY, QUERY, QUERY, "/api/Production/UnitTag"]


def test_concurrent_first_calls_read_the_version_once() -> None:
    recorder = Recorder()
    recorder.add(200, "2026.3.0")
    for _ in range(5):
        recorder.add(200, [])
    service = make(recorder, "async")

    async def main() -> None:
        await asyncio.gather(*(service.query_units(part_number="P") for _ in range(5)))

    asyncio.run(main())
    assert recorder.paths().count(VERSION) == 1
    assert recorder.paths().count(QUERY) == 5


@pytest.mark.parametrize("given", ["2026.3.0", wp.ServerVersion.parse("2027.1.0")])
def test_given_server_version_is_not_read(flavour: str, given: Any) -> None:
    recorder = Recorder()
    recorder.add(200, [])
    service = make(recorder, flavour, server_version=given)
    assert run(service, "query_units", part_number="P") == []
    assert recorder.paths() == [QUERY]


def test_given_older_version_refuses_without_any_request(flavour: str) -> None:
    recorder = Recorder()
    service = make(recorder, flavour, server_version="2025.3.9.824")
    with pytest.raises(wp.UnsupportedOperationError):
        run(service, "delete_unit", "S", "P")
    assert recorder.requests == []
    # The published operations are not gated.
    recorder.add(200, unit_json("S"))
    assert run(service, "get_unit", "S", "P").serial_number == "S"


@pytest.mark.parametrize("bad", ["nightly", "", "v"])
def test_given_version_without_numbers_is_bad_input(bad: str) -> None:
    with pytest.raises(wp.WatsInputError, match="server_version"):
        wp.ProductionService(BASE, TOKEN, server_version=bad)


@pytest.mark.parametrize(
    "answer",
    [
        lambda: httpx.Response(500, json={"title": "boom"}),
        lambda: httpx.Response(401, json={"title": "no"}),
        lambda: httpx.Response(200, text="nightly build", headers={"content-type": "text/plain"}),
        lambda: httpx.Response(
            200, content=b"{not json", headers={"content-type": "application/json"}
        ),
        lambda: httpx.ConnectError("refused"),
    ],
    ids=["500", "401", "no-number", "bad-json", "connect-error"],
)
def test_unreadable_version_lets_the_call_through(
    flavour: str, answer: Any, caplog: pytest.LogCaptureFixture
) -> None:
    recorder = Recorder()
    sample = answer()
    retried = isinstance(sample, Exception) or sample.status_code == 500
    attempts = FAST.max_attempts if retried else 1
    for _ in range(attempts):
        made = answer()
        if isinstance(made, Exception):
            recorder.fail(made)
        else:
            recorder.answers.append(made)
    recorder.add(200, [unit_json("S1")])
    recorder.add(200, [])
    service = make(recorder, flavour)
    with caplog.at_level(logging.INFO, logger="pywats_production"):
        assert len(run(service, "query_units", part_number="P")) == 1
        assert run(service, "query_units", part_number="Q") == []
    # Read once: an unreadable version is not asked for again on the next call.
    assert recorder.paths().count(VERSION) == attempts
    assert recorder.paths()[-2:] == [QUERY, QUERY]


def test_check_compatibility_from_known_lines(flavour: str) -> None:
    recorder = Recorder()
    recorder.add(200, "2026.1.5.324")
    report = run(make(recorder, flavour), "check_compatibility")
    assert report.status is compat.Compatibility.DIFFERS
    assert "between the lines the SDK knows" in report.reason


# ------------------------------------------------------------------------ requests


def test_query_units_sends_an_escaped_filter_top_and_orderby(flavour: str) -> None:
    recorder = Recorder()
    recorder.add(200, [unit_json("O'Brien")])
    service = make(recorder, flavour, server_version="2026.3.0")
    units = run(
        service,
        "query_units",
        "startswith(revision, 'A')",
        top=50,
        orderby="serialDate desc",
        serial_number="O'Brien",
        part_number="PCB/1 & 2",
        phase="Finalized",
        process_code=20,
        serial_date_from=dt.datetime(2026, 1, 1, 1, 0, tzinfo=dt.timezone(dt.timedelta(hours=1))),
        serial_date_to=dt.date(2026, 2, 1),
        has_sub_unit_part_number="PSU'X",
    )
    assert [u.serial_number for u in units] == ["O'Brien"]
    assert isinstance(units[0], wp.Unit)
    sent = params(recorder.last)
    assert sent == {
        "$filter": "(startswith(revision, 'A')) and serialNumber eq 'O''Brien' and "
        "partNumber eq 'PCB/1 & 2' and unitPhaseId eq 16 and processCode eq '20' and "
        "serialDate ge 2026-01-01T00:00:00Z and serialDate le 2026-02-01T00:00:00Z and "
        "subUnits/any(s: s/partNumber eq 'PSU''X')",
        "$top": "50",
        "$orderby": "serialDate desc",
    }
    assert recorder.last.method == "GET"


def test_query_without_filter_sends_no_filter(flavour: str) -> None:
    recorder = Recorder()
    recorder.add(200, [])
    run(make(recorder, flavour, server_version="2026.3"), "query_units")
    assert params(recorder.last) == {}


@pytest.mark.parametrize(
    ("kwargs", "parameter"),
    [
        ({"top": 0}, "top"),
        ({"top": 1001}, "top"),
        ({"top": True}, "top"),
        ({"top": 10.0}, "top"),
        ({"orderby": "serialNumber; drop"}, "orderby"),
        ({"orderby": "color desc"}, "orderby"),
        ({"orderby": ""}, "orderby"),
        ({"serial_number": ""}, "serial_number"),
        ({"serial_number": "SN\n1"}, "serial_number"),
        ({"batch_number": "   "}, "batch_number"),
        ({"filter": "   "}, "filter"),
        ({"filter": "a\x00b"}, "filter"),
        ({"phase": "Exploded"}, None),
        ({"serial_date_from": "yesterday"}, "serial_date_from"),
        (
            {
                "serial_date_from": dt.datetime(2026, 2, 1),
                "serial_date_to": dt.datetime(2026, 1, 1),
            },
            "serial_date_from",
        ),
    ],
)
def test_bad_query_input_is_refused_before_anything_is_sent(
    flavour: str, kwargs: dict[str, Any], parameter: str | None
) -> None:
    recorder = Recorder()
    service = make(recorder, flavour)
    with pytest.raises(wp.WatsInputError) as caught:
        run(service, "query_units", **kwargs)
    if parameter is not None:
        assert caught.value.parameter == parameter
    assert recorder.requests == []  # not even the version


@pytest.mark.parametrize("size", [0, 1001, -5])
def test_bad_page_size_is_refused(flavour: str, size: int) -> None:
    recorder = Recorder()
    with pytest.raises(wp.WatsInputError, match="page_size"):
        collect(make(recorder, flavour), page_size=size)
    assert recorder.requests == []


def test_iter_units_pages_by_key(flavour: str) -> None:
    recorder = Recorder()
    recorder.add(200, [unit_json("A"), unit_json("B", "P1")])
    recorder.add(200, [unit_json("B", "P2"), unit_json("C'")])
    recorder.add(200, [unit_json("D")])
    service = make(recorder, flavour, server_version="2026.3.0")
    units = collect(service, page_size=2, batch_number="B1")
    assert [(u.serial_number, u.part_number) for u in units] == [
        ("A", "P"),
        ("B", "P1"),
        ("B", "P2"),
        ("C'", "P"),
        ("D", "P"),
    ]
    sent = [params(r) for r in recorder.requests]
    assert [s["$top"] for s in sent] == ["2", "2", "2"]
    assert {s["$orderby"] for s in sent} == {"serialNumber asc, partNumber asc"}
    assert sent[0]["$filter"] == "batchNumber eq 'B1'"
    assert sent[1]["$filter"] == (
        "(batchNumber eq 'B1') and "
        "(serialNumber gt 'B' or (serialNumber eq 'B' and partNumber gt 'P1'))"
    )
    assert sent[2]["$filter"].endswith(
        "(serialNumber gt 'C''' or (serialNumber eq 'C''' and partNumber gt 'P'))"
    )


def test_iter_units_stops_when_the_server_repeats_a_unit(flavour: str) -> None:
    recorder = Recorder()
    recorder.add(200, [unit_json("A"), unit_json("B")])
    recorder.add(200, [unit_json("B"), unit_json("C")])  # ignores the keyset condition
    service = make(recorder, flavour, server_version="2026.3.0")
    seen: list[str] = []

    def drain() -> None:
        iterator = service.iter_units(page_size=2)
        if hasattr(iterator, "__anext__"):

            async def drain_async() -> None:
                async for unit in iterator:
                    seen.append(unit.serial_number)

            asyncio.run(drain_async())
        else:
            for unit in iterator:
                seen.append(unit.serial_number)

    with pytest.raises(wp.WatsResponseError, match="repeated a unit"):
        drain()
    assert seen == ["A", "B"]


def test_create_unit_sends_the_writable_fields(flavour: str) -> None:
    recorder = Recorder()
    recorder.add(200)
    unit = wp.Unit(
        serial_number="SN/1",
        part_number="P",
        revision="A",
        batch_number="B",
        serial_date=dt.datetime(2026, 1, 1),
        phase=wp.UnitPhase.UNDER_PRODUCTION,
    )
    assert run(make(recorder, flavour, server_version="2026.3.0"), "create_unit", unit) is None
    request = recorder.last
    assert (request.method, request.url.path) == ("POST", "/api/Production/Unit")
    assert request.headers["content-type"] == "application/json"
    assert json.loads(request.content) == {
        "serialNumber": "SN/1",
        "partNumber": "P",
        "revision": "A",
        "batchNumber": "B",
        "serialDate": "2026-01-01T00:00:00+00:00",
        "unitPhaseId": 2,
    }


@pytest.mark.parametrize(
    ("unit", "parameter"),
    [
        (wp.Unit(serial_number="S", part_number="P"), "unit.revision"),
        (wp.Unit(serial_number="", part_number="P", revision="A"), "unit.serial_number"),
        (
            wp.Unit(serial_number="S", part_number="P", revision="A", parent_serial_number="B"),
            "unit.parent_serial_number",
        ),
        ("not a unit", "unit"),
    ],
)
def test_create_unit_bad_input(flavour: str, unit: Any, parameter: str) -> None:
    recorder = Recorder()
    with pytest.raises(wp.WatsInputError) as caught:
        run(make(recorder, flavour), "create_unit", unit)
    assert caught.value.parameter == parameter
    assert recorder.requests == []


def test_update_unit_leaves_phase_and_process_out(flavour: str) -> None:
    recorder = Recorder()
    recorder.add(200)
    unit = wp.Unit(
        serial_number="S", part_number="P", revision="B", phase=wp.UnitPhase.FINALIZED,
        process_code="20", current_location="Rework",
    )  # fmt: skip
    run(make(recorder, flavour, server_version="2026.3.0"), "update_unit", unit)
    assert (recorder.last.method, recorder.last.url.path) == ("PUT", "/api/Production/Unit")
    assert json.loads(recorder.last.content) == {
        "serialNumber": "S",
        "partNumber": "P",
        "revision": "B",
        "currentLocation": "Rework",
    }


def test_delete_change_and_tag_requests(flavour: str) -> None:
    recorder = Recorder()
    for _ in range(3):
        recorder.add(200)
    service = make(recorder, flavour, server_version="2026.3.0")
    run(service, "delete_unit", "S&1", "P")
    run(service, "change_unit", "S", "P", "Q", "B")
    run(service, "set_unit_tag", "S", "P", "Customer", "A'B&C")
    delete, change, tag = recorder.requests
    assert (delete.method, delete.url.path, params(delete)) == (
        "DELETE",
        "/api/Production/Unit",
        {"serialNumber": "S&1", "partNumber": "P"},
    )
    assert (change.method, change.url.path, params(change)) == (
        "PUT",
        "/api/Production/ChangeUnit",
        {"serialNumber": "S", "partNumber": "P", "newPartNumber": "Q", "newRevision": "B"},
    )
    assert (tag.method, tag.url.path, params(tag)) == (
        "PUT",
        "/api/Production/UnitTag",
        {"serialNumber": "S", "partNumber": "P", "key": "Customer", "value": "A'B&C"},
    )


# ------------------------------------------------------------------ typed refusals


@pytest.mark.parametrize(
    ("method", "args", "status", "body", "error"),
    [
        ("delete_unit", ("S", "P"), 409, {"code": "unit_has_children"}, wp.UnitHasChildrenError),
        ("delete_unit", ("S", "P"), 400, "Unit has child units attached", wp.UnitHasChildrenError),
        ("delete_unit", ("S", "P"), 404, {"title": "Not Found"}, wp.NotFoundError),
        (
            "create_unit",
            (wp.Unit(serial_number="S", part_number="P", revision="A"),),
            409,
            {"code": "unit_exists"},
            wp.UnitExistsError,
        ),
        (
            "create_unit",
            (wp.Unit(serial_number="S", part_number="P", revision="A"),),
            400,
            "ParentSerialNumber is not allowed here",
            wp.ParentNotAllowedError,
        ),
        (
            "update_unit",
            (wp.Unit(serial_number="S", part_number="P"),),
            400,
            {"code": "part_number_immutable"},
            wp.PartNumberImmutableError,
        ),
        (
            "update_unit",
            (wp.Unit(serial_number="S", part_number="P"),),
            400,
            "The part number cannot be changed",
            wp.PartNumberImmutableError,
        ),
        ("change_unit", ("S", "P", "Q", "B"), 409, {"code": "unit_exists"}, wp.UnitExistsError),
        ("set_unit_tag", ("S", "P", "k", "v"), 404, {"title": "Not Found"}, wp.NotFoundError),
    ],
)
def test_refusals_are_typed(
    flavour: str, method: str, args: tuple[Any, ...], status: int, body: Any, error: type
) -> None:
    recorder = Recorder()
    if isinstance(body, str):
        recorder.add(status, text=body)
    else:
        recorder.add(status, body, content_type="application/problem+json")
    with pytest.raises(error) as caught:
        run(make(recorder, flavour, server_version="2026.3.0"), method, *args)
    assert caught.value.status == status
    assert len(recorder.requests) == 1


def test_delete_replayed_after_a_lost_answer_counts_as_done(flavour: str) -> None:
    recorder = Recorder()
    recorder.fail(httpx.ReadError("connection lost after sending"))
    recorder.add(404, {"code": "unit_not_found"}, content_type="application/problem+json")
    run(make(recorder, flavour, server_version="2026.3.0"), "delete_unit", "S", "P")
    assert len(recorder.requests) == 2


def test_create_replayed_after_a_lost_answer_reads_back(flavour: str) -> None:
    recorder = Recorder()
    recorder.fail(httpx.ReadError("connection lost after sending"))
    recorder.add(409, {"code": "unit_exists"}, content_type="application/problem+json")
    recorder.add(200, unit_json("S"))
    unit = wp.Unit(serial_number="S", part_number="P", revision="A")
    run(make(recorder, flavour, server_version="2026.3.0"), "create_unit", unit)
    assert recorder.paths()[-1] == "/api/Production/Unit/S/P"


def test_create_refused_at_first_attempt_raises_without_read_back(flavour: str) -> None:
    recorder = Recorder()
    recorder.add(409, {"code": "unit_exists"}, content_type="application/problem+json")
    unit = wp.Unit(serial_number="S", part_number="P", revision="A")
    with pytest.raises(wp.UnitExistsError):
        run(make(recorder, flavour, server_version="2026.3.0"), "create_unit", unit)
    assert len(recorder.requests) == 1


@pytest.mark.parametrize(("revision", "done"), [("B", True), ("A", False)])
def test_change_replayed_after_a_lost_answer_reads_back(
    flavour: str, revision: str, done: bool
) -> None:
    recorder = Recorder()
    recorder.fail(httpx.ReadError("connection lost after sending"))
    recorder.add(404, {"code": "unit_not_found"}, content_type="application/problem+json")
    recorder.add(200, {**unit_json("S", "Q"), "revision": revision})
    service = make(recorder, flavour, server_version="2026.3.0")
    if done:
        run(service, "change_unit", "S", "P", "Q", "B")
    else:
        with pytest.raises(wp.NotFoundError):
            run(service, "change_unit", "S", "P", "Q", "B")
    assert recorder.paths()[-1] == "/api/Production/Unit/S/Q"


def test_unsupported_operation_error_pickles_with_its_fields() -> None:
    import pickle

    error = wp.UnsupportedOperationError("query_units", "2025.3.9.824", "2026.3")
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is wp.UnsupportedOperationError
    assert (copy.operation, copy.server_version, copy.minimum_version) == (
        "query_units",
        "2025.3.9.824",
        "2026.3",
    )
    assert str(copy) == str(error)
    assert "UnsupportedOperationError" in wp.__all__
    assert "UnsupportedOperationError" in wp.errors.__all__


@pytest.mark.parametrize(
    ("text", "line"),
    [("2026.3.0", "2026.3"), ("2025.3.9.824", "published"), ("2026.2", None), ("nightly", None)],
)
def test_known_line(text: str, line: str | None) -> None:
    found = compat.known_line(wp.ServerVersion.parse(text))
    assert (found.name if found else None) == line
    assert compat.known_line(None) is None

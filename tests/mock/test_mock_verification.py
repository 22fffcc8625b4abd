from __future__ import annotations

from typing import Any

import httpx
import pytest
from mockhelpers import problem_code, put_units

pytestmark = pytest.mark.anyio


async def result(
    api: httpx.AsyncClient,
    code: int,
    status: str,
    start: str,
    *,
    repaired: bool = False,
    station: str = "ST-1",
) -> None:
    response = await api.post(
        "/_mock/process-results",
        json={
            "serialNumber": "U1", "partNumber": "PCBA-100", "processCode": code, "status": status,
            "stationName": station, "startUtc": start, "repaired": repaired,
        },
    )  # fmt: skip
    assert response.status_code == 200, response.text


async def grade(api: httpx.AsyncClient) -> dict[str, Any]:
    response = await api.get(
        "/api/Production/UnitVerification", params={"serialNumber": "U1", "partNumber": "PCBA-100"}
    )
    assert response.status_code == 200, response.text
    value: dict[str, Any] = response.json()
    return value


@pytest.fixture(autouse=True)
async def unit(api: httpx.AsyncClient) -> None:
    await put_units(api, {"serialNumber": "U1", "partNumber": "PCBA-100", "revision": "A"})


async def test_nothing_run_is_unknown_f(api: httpx.AsyncClient) -> None:
    value = await grade(api)
    assert (value["status"], value["grade"]) == ("unknown", "F")
    assert [r["status"] for r in value["results"]] == ["Unknown"] * 3
    assert all(r["startUtc"] is None and r["totalCount"] == 0 for r in value["results"])


async def test_grade_a(api: httpx.AsyncClient) -> None:
    for i, code in enumerate((10, 20, 30)):
        await result(api, code, "Passed", f"2026-11-26T0{i}:00:00Z")
    value = await grade(api)
    assert (value["status"], value["grade"]) == ("ok", "A")
    assert all(
        value[k]
        for k in (
            "allProcessesExecutedInCorrectOrder",
            "allProcessesPassedFirstRun",
            "allProcessesPassedAnyRun",
            "allProcessesPassedLastRun",
            "noRepairs",
        )
    )
    first = value["results"][0]
    assert first == {
        "processCode": 10, "processName": "ICT", "processIndex": 0, "status": "Passed",
        "startUtc": "2026-11-26T00:00:00Z", "stationName": "ST-1", "totalCount": 1,
        "nonPassedCount": 0, "repairCount": 0,
    }  # fmt: skip


async def test_grade_b_after_a_repair(api: httpx.AsyncClient) -> None:
    await result(api, 10, "Failed", "2026-11-26T00:00:00Z")
    await result(api, 10, "Passed", "2026-11-26T00:30:00Z", repaired=True, station="ST-2")
    await result(api, 20, "Passed", "2026-11-26T01:00:00Z")
    await result(api, 30, "Passed", "2026-11-26T02:00:00Z")
    value = await grade(api)
    assert (value["status"], value["grade"]) == ("warning", "B")
    assert value["allProcessesPassedFirstRun"] is False
    assert value["noRepairs"] is False
    ict = value["results"][0]
    assert (ict["totalCount"], ict["nonPassedCount"], ict["repairCount"]) == (2, 1, 1)
    assert (ict["stationName"], ict["startUtc"]) == ("ST-2", "2026-11-26T00:30:00Z")


async def test_grade_b_out_of_order(api: httpx.AsyncClient) -> None:
    await result(api, 20, "Passed", "2026-11-26T00:00:00Z")
    await result(api, 10, "Passed", "2026-11-26T01:00:00Z")
    await result(api, 30, "Passed", "2026-11-26T02:00:00Z")
    value = await grade(api)
    assert value["allProcessesExecutedInCorrectOrder"] is False
    assert value["allProcessesPassedFirstRun"] is True
    assert value["grade"] == "B"


async def test_grade_c_and_failed(api: httpx.AsyncClient) -> None:
    await result(api, 10, "Passed", "2026-11-26T00:00:00Z")
    await result(api, 10, "Failed", "2026-11-26T00:10:00Z")
    await result(api, 20, "Passed", "2026-11-26T01:00:00Z")
    await result(api, 30, "Passed", "2026-11-26T02:00:00Z")
    value = await grade(api)
    assert (value["status"], value["grade"]) == ("error", "C")
    assert value["allProcessesPassedAnyRun"] is True
    assert value["allProcessesPassedLastRun"] is False


async def test_grade_f_and_unknown_when_partly_run(api: httpx.AsyncClient) -> None:
    await result(api, 10, "Passed", "2026-11-26T00:00:00Z")
    value = await grade(api)
    assert (value["status"], value["grade"]) == ("unknown", "F")
    await result(api, 20, "Failed", "2026-11-26T01:00:00Z")
    assert (await grade(api))["status"] == "error"


async def test_rule_of_the_product_orders_processes(api: httpx.AsyncClient) -> None:
    await api.post(
        "/_mock/seed",
        json={"verificationRules": [{"partNumber": "PCBA-100", "processes": [30, 10]}]},
    )
    await result(api, 30, "Passed", "2026-11-26T00:00:00Z")
    await result(api, 10, "Passed", "2026-11-26T01:00:00Z")
    value = await grade(api)
    assert [r["processCode"] for r in value["results"]] == [30, 10]
    assert [r["processIndex"] for r in value["results"]] == [0, 1]
    assert (value["grade"], value["allProcessesExecutedInCorrectOrder"]) == ("A", True)


async def test_lookup_by_serial_alone_and_unknown(api: httpx.AsyncClient) -> None:
    response = await api.get("/api/Production/UnitVerification", params={"serialNumber": "U1"})
    assert response.status_code == 200
    response = await api.get("/api/Production/UnitVerification", params={"serialNumber": "NOPE"})
    assert (response.status_code, problem_code(response)) == (404, "unit_not_found")


async def test_admin_refuses_bad_results(api: httpx.AsyncClient) -> None:
    bad = [
        {"serialNumber": "U1", "processCode": 10, "status": "Maybe"},
        {"serialNumber": "U1", "processCode": "10", "status": "Passed"},
        {"serialNumber": "U1", "processCode": 10, "status": "Passed", "startUtc": "noon"},
    ]
    for body in bad:
        assert (await api.post("/_mock/process-results", json=body)).status_code == 400
    response = await api.post(
        "/_mock/process-results", json={"serialNumber": "U1", "processCode": 99, "status": "Passed"}
    )
    assert problem_code(response) == "process_not_found"
    response = await api.post(
        "/_mock/process-results", json={"serialNumber": "X", "processCode": 10, "status": "Passed"}
    )
    assert response.status_code == 404

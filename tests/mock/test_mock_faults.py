from __future__ import annotations

import time

import httpx
import pytest
from mockhelpers import BASE, FakeClock

from pywats_production.mock import (
    MockAdmin,
    MockApp,
    MockAsyncTransport,
    MockSyncTransport,
    create_app,
    run_in_thread,
)

pytestmark = pytest.mark.anyio
VERSION = "/api/App/Version"


async def plan(api: httpx.AsyncClient, *rules: dict[str, object]) -> None:
    response = await api.post("/_mock/faults", json={"faults": list(rules)})
    assert response.status_code == 200, response.text


async def statuses(api: httpx.AsyncClient, n: int, url: str = VERSION) -> list[int]:
    return [(await api.get(url)).status_code for _ in range(n)]


async def test_status_on_chosen_calls(api: httpx.AsyncClient) -> None:
    await plan(
        api, {"kind": "status", "status": 503, "operation": "getServerVersion", "on_calls": [1, 3]}
    )
    assert await statuses(api, 4) == [503, 200, 503, 200]
    response = await api.get(VERSION)
    assert response.status_code == 200
    injected = (await api.get("/_mock/faults")).json()
    assert injected["counts"] == {"status": {"getServerVersion": 2}}
    assert [e["call"] for e in injected["log"]] == [1, 3]


async def test_status_body_is_a_problem(api: httpx.AsyncClient) -> None:
    await plan(api, {"kind": "status", "status": 502})
    response = await api.get("/api/Production/Unit/A/B")
    assert response.status_code == 502
    assert response.json()["code"] == "injected_fault"


async def test_every_and_times(api: httpx.AsyncClient) -> None:
    await plan(api, {"kind": "status", "status": 500, "every": 2, "times": 2})
    assert await statuses(api, 8) == [200, 500, 200, 500, 200, 200, 200, 200]


async def test_operation_filter(api: httpx.AsyncClient) -> None:
    await plan(api, {"kind": "status", "status": 503, "operation": "getProcesses"})
    assert await statuses(api, 2) == [200, 200]
    assert await statuses(api, 2, "/api/App/Processes") == [503, 503]


async def test_seeded_probability_is_reproducible(api: httpx.AsyncClient) -> None:
    rule = {"kind": "status", "status": 503, "probability": 0.3, "seed": 7}
    await plan(api, rule)
    first = await statuses(api, 40)
    await plan(api, rule)
    second = await statuses(api, 40)
    assert first == second
    assert 3 <= first.count(503) <= 25
    await plan(api, {**rule, "seed": 8})
    assert await statuses(api, 40) != first


async def test_rate_limit_has_retry_after(api: httpx.AsyncClient) -> None:
    await plan(api, {"kind": "rate_limit", "retry_after": 7, "on_calls": [1]})
    response = await api.get(VERSION)
    assert response.status_code == 429
    assert response.headers["retry-after"] == "7"
    assert response.json()["code"] == "rate_limited"
    assert (await api.get(VERSION)).status_code == 200


async def test_latency(api: httpx.AsyncClient) -> None:
    await plan(api, {"kind": "latency", "ms": 120, "on_calls": [1]})
    started = time.perf_counter()
    assert (await api.get(VERSION)).status_code == 200
    assert time.perf_counter() - started >= 0.11
    started = time.perf_counter()
    await api.get(VERSION)
    assert time.perf_counter() - started < 0.1


async def test_budget_per_client_per_minute(app: MockApp, clock: FakeClock) -> None:
    await_plan = {"kind": "budget", "per_minute": 3}
    app.faults.set_plan([await_plan])
    one = httpx.AsyncClient(
        transport=MockAsyncTransport(app), base_url=BASE, headers={"Authorization": "Basic one"}
    )
    two = httpx.AsyncClient(
        transport=MockAsyncTransport(app), base_url=BASE, headers={"Authorization": "Basic two"}
    )
    assert await statuses(one, 4) == [200, 200, 200, 429]
    assert await statuses(two, 3) == [200, 200, 200]  # its own budget
    clock.advance(45)
    response = await one.get(VERSION)
    assert response.status_code == 429
    assert response.headers["retry-after"] == "15"
    clock.advance(15)
    assert await statuses(one, 3) == [200, 200, 200]
    assert app.faults.report()["counts"] == {"budget": {"getServerVersion": 2}}


async def test_drop_before_leaves_state_unchanged(api: httpx.AsyncClient, app: MockApp) -> None:
    await plan(api, {"kind": "drop_before", "operation": "takeSerialNumbers", "on_calls": [1]})
    params = {"serialNumberType": "SerialNumber", "quantity": 5}
    with pytest.raises(
        httpx.RemoteProtocolError, match="Server disconnected without sending a response"
    ):
        await api.post("/api/Production/SerialNumbers/Take", params=params)
    assert app.store.pool_counts("SerialNumber").taken == 0
    assert (await api.post("/api/Production/SerialNumbers/Take", params=params)).status_code == 200


async def test_drop_after_commits_then_drops(api: httpx.AsyncClient, app: MockApp) -> None:
    await plan(api, {"kind": "drop_after", "operation": "takeSerialNumbers", "on_calls": [1]})
    params = {"serialNumberType": "SerialNumber", "quantity": 5, "refSN": "LOST"}
    with pytest.raises(httpx.RemoteProtocolError):
        await api.post("/api/Production/SerialNumbers/Take", params=params)
    assert app.store.pool_counts("SerialNumber").taken == 5
    recovered = await api.get(
        "/api/Production/SerialNumbers/ByReference",
        params={"serialNumberType": "SerialNumber", "refSN": "LOST"},
    )
    assert len(recovered.json()) == 5
    assert (await api.get("/_mock/faults")).json()["counts"] == {
        "drop_after": {"takeSerialNumbers": 1}
    }


def test_sync_transport_drops_like_a_socket() -> None:
    app = create_app()
    app.faults.set_plan([{"kind": "drop_before"}])
    with httpx.Client(transport=MockSyncTransport(app), base_url=BASE) as client:
        with pytest.raises(httpx.RemoteProtocolError, match="Server disconnected"):
            client.get(VERSION)
        app.faults.clear()
        assert client.get(VERSION).json() == "2026.3.0"


@pytest.mark.parametrize("kind", ["drop_before", "drop_after"])
def test_drops_over_real_sockets(kind: str) -> None:
    app = create_app()
    with run_in_thread(app) as url, httpx.Client(base_url=url) as client:
        admin = MockAdmin.for_url(url)
        admin.set_faults([{"kind": kind, "operation": "putUnits", "on_calls": [1]}])
        with pytest.raises(httpx.RemoteProtocolError):
            client.put("/api/Production/Units", json=[{"serialNumber": "S", "partNumber": "P"}])
        committed = client.get("/api/Production/Unit/S/P").status_code
        assert committed == (200 if kind == "drop_after" else 404)
        # the server survives and the next connection works
        assert (
            client.put(
                "/api/Production/Units", json=[{"serialNumber": "S2", "partNumber": "P"}]
            ).status_code
            == 200
        )
        report = admin.faults()
        assert report.count(kind, "putUnits") == 1
        assert report.log[0].kind == kind
        admin.close()
    assert app.violations == []


async def test_bad_plans_are_refused(api: httpx.AsyncClient) -> None:
    for rule in (
        {"kind": "explode"},
        {"kind": "status", "status": 404},
        {"kind": "budget"},
        {"kind": "status", "probability": 2},
        {"kind": "status", "colour": "red"},
        {"kind": "status", "every": 0},
    ):
        response = await api.post("/_mock/faults", json=[rule])
        assert response.status_code == 400, rule
    assert (await api.get("/_mock/faults")).json()["plan"] == []


async def test_delete_clears_plan_and_log(api: httpx.AsyncClient) -> None:
    await plan(api, {"kind": "status", "status": 503})
    await api.get(VERSION)
    cleared = (await api.delete("/_mock/faults")).json()
    assert cleared == {"plan": [], "log": [], "counts": {}}
    assert (await api.get(VERSION)).status_code == 200

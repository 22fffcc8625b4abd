from __future__ import annotations

import httpx
import pytest
from mockhelpers import problem_code, put_units

pytestmark = pytest.mark.anyio


async def changes(api: httpx.AsyncClient, max_count: int = 100) -> list[dict[str, object]]:
    response = await api.get("/api/Production/Units/Changes", params={"maxCount": max_count})
    assert response.status_code == 200, response.text
    result: list[dict[str, object]] = response.json()
    return result


def fields(change: dict[str, object]) -> dict[str, object]:
    return {k: v for k, v in change.items() if k != "id" and v is not None}


async def test_creation_counts_only_the_fields_it_sets(api: httpx.AsyncClient) -> None:
    await put_units(
        api,
        {"serialNumber": "S1", "partNumber": "PCBA-100"},
        {"serialNumber": "S2", "partNumber": "PCBA-100", "revision": "A", "unitPhaseId": 2},
    )
    feed = await changes(api)
    assert [fields(c) for c in feed] == [
        {"unitSerialNumber": "S1", "newPartNumber": "PCBA-100"},
        {
            "unitSerialNumber": "S2",
            "newPartNumber": "PCBA-100",
            "newRevision": "A",
            "newUnitPhaseId": 2,
        },
    ]
    assert feed[0]["newParentSerialNumber"] is None


async def test_only_changed_fields_and_no_op_writes_append_nothing(api: httpx.AsyncClient) -> None:
    await put_units(api, {"serialNumber": "S1", "partNumber": "PCBA-100", "revision": "A"})
    await put_units(
        api, {"serialNumber": "S1", "partNumber": "PCBA-100", "revision": "A", "batchNumber": "B"}
    )
    await api.put(
        "/api/Production/SetUnitPhase",
        params={"serialNumber": "S1", "partNumber": "PCBA-100", "phase": 1},
    )
    await api.put(
        "/api/Production/SetUnitProcess",
        params={"serialNumber": "S1", "partNumber": "PCBA-100", "processName": "ICT"},
    )
    assert len(await changes(api)) == 1
    await put_units(
        api, {"serialNumber": "S1", "partNumber": "PCBA-100", "revision": "B", "unitPhaseId": 1}
    )
    await api.put(
        "/api/Production/SetUnitPhase",
        params={"serialNumber": "S1", "partNumber": "PCBA-100", "phase": 16},
    )
    await api.put(
        "/api/Production/SetUnitPhase",
        params={"serialNumber": "S1", "partNumber": "PCBA-100", "phase": 16},
    )
    feed = await changes(api)
    assert [fields(c) for c in feed[1:]] == [
        {"unitSerialNumber": "S1", "newRevision": "B"},
        {"unitSerialNumber": "S1", "newUnitPhaseId": 16},
    ]


async def test_parent_link_and_removal_are_recorded(api: httpx.AsyncClient) -> None:
    await put_units(
        api,
        {"serialNumber": "BOX", "partNumber": "BOX-900", "revision": "A"},
        {"serialNumber": "PC", "partNumber": "PCBA-100", "revision": "A", "unitPhaseId": 16},
    )
    link = {"parentSerialNumber": "BOX", "childSerialNumber": "PC"}
    assert (await api.post("/api/Production/AddChildUnit", params=link)).status_code == 200
    assert (await api.post("/api/Production/RemoveChildUnit", params=link)).status_code == 200
    feed = await changes(api)
    assert [fields(c) for c in feed[2:]] == [
        {"unitSerialNumber": "PC", "newParentSerialNumber": "BOX"},
        {"unitSerialNumber": "PC", "newParentSerialNumber": ""},
    ]


async def test_ids_increase_oldest_first_until_deleted(api: httpx.AsyncClient) -> None:
    for i in range(5):
        await put_units(api, {"serialNumber": f"S{i}", "partNumber": "PCBA-100"})
    first = await changes(api, 2)
    assert [fields(c)["unitSerialNumber"] for c in first] == ["S0", "S1"]
    ids = [c["id"] for c in await changes(api)]
    assert ids == sorted(ids)
    assert len(set(ids)) == 5
    assert all(isinstance(i, int) and 0 < i < 2**31 for i in ids)
    assert (await changes(api, 2)) == first  # reading does not consume
    response = await api.delete(f"/api/Production/Units/Changes/{ids[0]}")
    assert response.status_code == 200
    assert response.content == b""
    assert [c["id"] for c in await changes(api, 1)] == [ids[1]]
    again = await api.delete(f"/api/Production/Units/Changes/{ids[0]}")
    assert again.status_code == 404
    assert problem_code(again) == "change_not_found"


async def test_max_count_below_one_is_400(api: httpx.AsyncClient) -> None:
    for value in (0, -3):
        response = await api.get("/api/Production/Units/Changes", params={"maxCount": value})
        assert response.status_code == 400
        assert response.json()["parameter"] == "maxCount"
        assert "maxCount" in response.json()["detail"]

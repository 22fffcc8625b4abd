from __future__ import annotations

from typing import Any

import httpx
import pytest
from mockhelpers import problem_code, put_units

pytestmark = pytest.mark.anyio


async def add(api: httpx.AsyncClient, **params: str) -> httpx.Response:
    return await api.post("/api/Production/AddChildUnit", params=params)


async def remove(api: httpx.AsyncClient, **params: str) -> httpx.Response:
    return await api.post("/api/Production/RemoveChildUnit", params=params)


async def check(api: httpx.AsyncClient, parent: str, part: str | None = None) -> dict[str, Any]:
    params = {"parentSerialNumber": parent}
    if part:
        params["parentPartNumber"] = part
    response = await api.get("/api/Production/CheckChildUnits", params=params)
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


@pytest.fixture
async def units(api: httpx.AsyncClient) -> None:
    await put_units(
        api,
        {"serialNumber": "BOX1", "partNumber": "BOX-900", "revision": "A"},
        {"serialNumber": "BOX2", "partNumber": "BOX-900", "revision": "A"},
        {"serialNumber": "PC1", "partNumber": "PCBA-100", "revision": "A", "unitPhaseId": 16},
        {"serialNumber": "PC2", "partNumber": "PCBA-100", "revision": "A", "unitPhaseId": 16},
        {"serialNumber": "PS1", "partNumber": "PSU-200", "revision": "A", "unitPhaseId": 2},
        {"serialNumber": "PCB", "partNumber": "PCBA-100", "revision": "B", "unitPhaseId": 16},
    )


@pytest.mark.usefixtures("units")
async def test_link_with_and_without_part_numbers(api: httpx.AsyncClient) -> None:
    response = await add(
        api,
        parentSerialNumber="BOX1",
        parentPartNumber="BOX-900",
        childSerialNumber="PC1",
        childPartNumber="PCBA-100",
    )
    assert response.status_code == 200
    assert response.content == b""
    unit = (await api.get("/api/Production/Unit/PC1/PCBA-100")).json()
    assert unit["parentSerialNumber"] == "BOX1"


@pytest.mark.usefixtures("units")
async def test_rules_in_order(api: httpx.AsyncClient) -> None:
    # 1. both units exist
    response = await add(api, parentSerialNumber="NOPE", childSerialNumber="PC1")
    assert (response.status_code, problem_code(response)) == (404, "unit_not_found")
    assert response.json()["parameter"] == "parentSerialNumber"
    response = await add(api, parentSerialNumber="BOX1", childSerialNumber="NOPE")
    assert (response.status_code, problem_code(response)) == (404, "unit_not_found")
    assert response.json()["parameter"] == "childSerialNumber"
    # 2. the child has no parent yet (also when linking again to the same parent)
    assert (await add(api, parentSerialNumber="BOX1", childSerialNumber="PC1")).status_code == 200
    for parent in ("BOX1", "BOX2"):
        response = await add(api, parentSerialNumber=parent, childSerialNumber="PC1")
        assert (response.status_code, problem_code(response)) == (409, "child_has_parent")
    # 3. no loop: a unit under itself or under its descendant
    await api.put(
        "/api/Production/SetUnitPhase",
        params={"serialNumber": "BOX1", "partNumber": "BOX-900", "phase": 16},
    )
    response = await add(
        api, parentSerialNumber="PC1", childSerialNumber="BOX1", checkPartNumber="BOX-900"
    )
    assert (response.status_code, problem_code(response)) == (409, "would_create_loop")
    response = await add(
        api, parentSerialNumber="BOX2", childSerialNumber="BOX2", checkPartNumber="BOX-900"
    )
    assert (response.status_code, problem_code(response)) == (409, "would_create_loop")
    # 4. box build: wrong revision, and a line already filled
    response = await add(api, parentSerialNumber="BOX2", childSerialNumber="PCB")
    assert (response.status_code, problem_code(response)) == (400, "not_in_box_build")
    assert (await add(api, parentSerialNumber="BOX2", childSerialNumber="PC2")).status_code == 200
    await put_units(
        api, {"serialNumber": "PC3", "partNumber": "PCBA-100", "revision": "A", "unitPhaseId": 16}
    )
    response = await add(api, parentSerialNumber="BOX2", childSerialNumber="PC3")
    assert (response.status_code, problem_code(response)) == (400, "not_in_box_build")
    assert "filled" in response.json()["detail"]
    # 5. the child must be Finalized (checked after the box build)
    response = await add(api, parentSerialNumber="BOX2", childSerialNumber="PS1")
    assert (response.status_code, problem_code(response)) == (409, "child_not_finalized")


@pytest.mark.usefixtures("units")
async def test_box_build_is_checked_before_phase(api: httpx.AsyncClient) -> None:
    await put_units(api, {"serialNumber": "X", "partNumber": "OTHER", "unitPhaseId": 2})
    response = await add(api, parentSerialNumber="BOX1", childSerialNumber="X")
    assert problem_code(response) == "not_in_box_build"


@pytest.mark.usefixtures("units")
async def test_check_part_number_and_revision_replace_the_box_build(api: httpx.AsyncClient) -> None:
    response = await add(
        api, parentSerialNumber="BOX1", childSerialNumber="PCB", checkPartNumber="PSU-200"
    )
    assert problem_code(response) == "not_in_box_build"
    response = await add(
        api,
        parentSerialNumber="BOX1",
        childSerialNumber="PCB",
        checkPartNumber="PCBA-100",
        checkRevision="A",
    )
    assert problem_code(response) == "not_in_box_build"
    response = await add(
        api,
        parentSerialNumber="BOX1",
        childSerialNumber="PCB",
        checkPartNumber="PCBA-100",
        checkRevision="*",
    )
    assert response.status_code == 200
    blank = await add(
        api,
        parentSerialNumber="BOX2",
        childSerialNumber="PC1",
        checkPartNumber="",
        checkRevision="",
    )
    assert blank.status_code == 200  # blank check fields fall back to the box build


async def test_revision_masks_in_box_build(api: httpx.AsyncClient) -> None:
    await api.post(
        "/_mock/seed",
        json={
            "products": [
                {
                    "partNumber": "KIT",
                    "revisions": [
                        {
                            "revision": "1",
                            "boxBuild": [{"partNumber": "PART", "revision": "B*", "quantity": 2}],
                        }
                    ],
                }
            ]
        },
    )
    await put_units(
        api,
        {"serialNumber": "K", "partNumber": "KIT", "revision": "1"},
        {"serialNumber": "P1", "partNumber": "PART", "revision": "B2", "unitPhaseId": 16},
        {"serialNumber": "P2", "partNumber": "PART", "revision": "B", "unitPhaseId": 16},
        {"serialNumber": "P3", "partNumber": "PART", "revision": "C1", "unitPhaseId": 16},
        {"serialNumber": "P4", "partNumber": "PART", "revision": "B9", "unitPhaseId": 16},
    )
    assert (await add(api, parentSerialNumber="K", childSerialNumber="P1")).status_code == 200
    assert (await add(api, parentSerialNumber="K", childSerialNumber="P2")).status_code == 200
    assert (
        problem_code(await add(api, parentSerialNumber="K", childSerialNumber="P3"))
        == "not_in_box_build"
    )
    assert (
        problem_code(await add(api, parentSerialNumber="K", childSerialNumber="P4"))
        == "not_in_box_build"
    )
    result = await check(api, "K")
    assert result["isValid"] is True
    assert result["requirements"] == [
        {"partNumber": "PART", "revision": "B*", "quantity": 2, "found": 2}
    ]


async def test_ambiguous_serial_without_part_number_is_400(api: httpx.AsyncClient) -> None:
    await put_units(
        api,
        {"serialNumber": "DUP", "partNumber": "PCBA-100", "revision": "A", "unitPhaseId": 16},
        {"serialNumber": "DUP", "partNumber": "PSU-200", "revision": "A", "unitPhaseId": 16},
        {"serialNumber": "B", "partNumber": "BOX-900", "revision": "A"},
    )
    response = await add(api, parentSerialNumber="B", childSerialNumber="DUP")
    assert (response.status_code, problem_code(response)) == (400, "invalid_parameter")
    assert response.json()["parameter"] == "childPartNumber"
    assert (
        await add(api, parentSerialNumber="B", childSerialNumber="DUP", childPartNumber="PSU-200")
    ).status_code == 200


@pytest.mark.usefixtures("units")
async def test_remove_requires_the_relation(api: httpx.AsyncClient) -> None:
    response = await remove(api, parentSerialNumber="BOX1", childSerialNumber="PC1")
    assert (response.status_code, problem_code(response)) == (409, "not_linked")
    await add(api, parentSerialNumber="BOX1", childSerialNumber="PC1")
    response = await remove(api, parentSerialNumber="BOX2", childSerialNumber="PC1")
    assert problem_code(response) == "not_linked"
    assert (
        await remove(api, parentSerialNumber="BOX1", childSerialNumber="PC1")
    ).status_code == 200
    assert (await api.get("/api/Production/Unit/PC1/PCBA-100")).json()["parentSerialNumber"] is None
    assert (
        problem_code(await remove(api, parentSerialNumber="BOX1", childSerialNumber="PC1"))
        == "not_linked"
    )
    response = await remove(api, parentSerialNumber="BOX1", childSerialNumber="NOPE")
    assert (response.status_code, problem_code(response)) == (404, "unit_not_found")


@pytest.mark.usefixtures("units")
async def test_check_child_units(api: httpx.AsyncClient) -> None:
    empty = await check(api, "BOX1", "BOX-900")
    assert empty["isValid"] is False
    assert empty["children"] == []
    assert [(r["partNumber"], r["quantity"], r["found"]) for r in empty["requirements"]] == [
        ("PCBA-100", 1, 0),
        ("PSU-200", 1, 0),
    ]
    await add(api, parentSerialNumber="BOX1", childSerialNumber="PC1")
    await api.put(
        "/api/Production/SetUnitPhase",
        params={"serialNumber": "PS1", "partNumber": "PSU-200", "phase": 16},
    )
    await add(api, parentSerialNumber="BOX1", childSerialNumber="PS1")
    full = await check(api, "BOX1")
    assert full["isValid"] is True
    assert [c["isValid"] for c in full["children"]] == [True, True]
    assert full["parentSerialNumber"] == "BOX1"
    assert full["parentPartNumber"] == "BOX-900"
    # a child that stops being Finalized makes the check fail
    await api.put(
        "/api/Production/SetUnitPhase",
        params={"serialNumber": "PS1", "partNumber": "PSU-200", "phase": 4},
    )
    degraded = await check(api, "BOX1")
    assert degraded["isValid"] is False
    row = next(c for c in degraded["children"] if c["serialNumber"] == "PS1")
    assert row["isValid"] is False
    assert "Finalized" in row["message"]
    assert row["unitPhaseId"] == 4


async def test_check_child_units_unknown_parent(api: httpx.AsyncClient) -> None:
    response = await api.get(
        "/api/Production/CheckChildUnits", params={"parentSerialNumber": "NOPE"}
    )
    assert (response.status_code, problem_code(response)) == (404, "unit_not_found")

from __future__ import annotations

import httpx
import pytest
from mockhelpers import problem_code, put_units

pytestmark = pytest.mark.anyio


async def test_put_units_inserts_then_updates_and_counts(api: httpx.AsyncClient) -> None:
    result = await put_units(
        api,
        {"serialNumber": "S1", "partNumber": "PCBA-100", "revision": "A"},
        {"serialNumber": "S2", "partNumber": "PCBA-100"},
    )
    # The members a real server answers (okCount, errorCount, errors), nothing else.
    assert result == {"okCount": 2, "errorCount": 0, "errors": []}
    result = await put_units(
        api, {"serialNumber": "S1", "partNumber": "PCBA-100", "batchNumber": "B7"}
    )
    assert result == {"okCount": 1, "errorCount": 0, "errors": []}


async def test_put_units_keeps_absent_and_null_fields(api: httpx.AsyncClient) -> None:
    await put_units(
        api,
        {
            "serialNumber": "S1",
            "partNumber": "PCBA-100",
            "revision": "A",
            "batchNumber": "B1",
            "currentLocation": "Line 1",
            "serialDate": "2026-01-02T03:04:05+01:00",
            "xmlData": "<x/>",
            "unitPhaseId": 2,
            "processCode": 20,
        },
    )
    await put_units(
        api,
        {
            "serialNumber": "S1",
            "partNumber": "PCBA-100",
            "revision": None,
            "currentLocation": "Line 2",
        },
    )
    unit = (await api.get("/api/Production/Unit/S1/PCBA-100")).json()
    assert unit["revision"] == "A"
    assert unit["batchNumber"] == "B1"
    assert unit["currentLocation"] == "Line 2"
    assert unit["serialDate"] == "2026-01-02T02:04:05Z"
    assert unit["xmlData"] == "<x/>"
    assert unit["unitPhaseId"] == 2
    assert unit["unitPhase"] == "Under production"
    assert unit["processCode"] == "20"


async def test_put_units_ignores_parent_and_read_only_fields(api: httpx.AsyncClient) -> None:
    await put_units(api, {"serialNumber": "P", "partNumber": "BOX-900", "revision": "A"})
    await put_units(
        api,
        {
            "serialNumber": "C",
            "partNumber": "PCBA-100",
            "parentSerialNumber": "P",
            "unitPhase": "Finalized",
            "tags": [{"key": "k", "value": "v"}],
            "product": {"partNumber": "OTHER"},
            "productRevision": None,
            "subUnits": [{"serialNumber": "Z", "partNumber": "Z"}],
        },
    )
    unit = (await api.get("/api/Production/Unit/C/PCBA-100")).json()
    assert unit["parentSerialNumber"] is None
    assert unit["unitPhaseId"] == 1
    assert unit["unitPhase"] == "Unknown"
    assert unit["tags"] == []
    assert unit["product"]["partNumber"] == "PCBA-100"
    assert unit["subUnits"] == []
    assert (await api.get("/api/Production/Unit/Z/Z")).status_code == 404
    parent = (await api.get("/api/Production/Unit/P/BOX-900")).json()
    assert parent["subUnits"] == []


async def test_put_units_counts_units_without_keys_as_errors(api: httpx.AsyncClient) -> None:
    result = await put_units(
        api,
        {"partNumber": "PCBA-100"},
        {"serialNumber": "  ", "partNumber": "PCBA-100"},
        {"serialNumber": "S9", "partNumber": ""},
        {"serialNumber": "S9", "partNumber": "PCBA-100"},
    )
    assert result["errorCount"] == 3
    assert result["okCount"] == 1
    errors = result["errors"]
    assert isinstance(errors, list)
    assert len(errors) == 3
    assert "serialNumber" in errors[0]
    assert "partNumber" in errors[2]


async def test_get_unit_known_product_revision_and_unknown_pn(api: httpx.AsyncClient) -> None:
    await put_units(
        api,
        {"serialNumber": "S1", "partNumber": "PCBA-100", "revision": "A"},
        {"serialNumber": "S2", "partNumber": "NOPE-1", "revision": "A"},
        {"serialNumber": "S3", "partNumber": "PCBA-100", "revision": "Z"},
    )
    known = (await api.get("/api/Production/Unit/S1/PCBA-100")).json()
    assert known["product"]["partNumber"] == "PCBA-100"
    assert known["product"]["name"] == "Main board"
    assert known["productRevision"]["revision"] == "A"
    assert known["productRevision"]["PartNumber"] == "PCBA-100"
    unknown = (await api.get("/api/Production/Unit/S2/NOPE-1")).json()
    assert unknown["product"] is None
    assert unknown["productRevision"] is None
    other_revision = (await api.get("/api/Production/Unit/S3/PCBA-100")).json()
    assert other_revision["product"] is not None
    assert other_revision["productRevision"] is None


async def test_get_unknown_unit_is_404(api: httpx.AsyncClient) -> None:
    response = await api.get("/api/Production/Unit/NOPE/PCBA-100")
    assert response.status_code == 404
    assert problem_code(response) == "unit_not_found"


@pytest.mark.parametrize("serial", ["A/B", "A.B", "..", "x?y#z", "sp ace", "ünï", "%2F", "a+b"])
async def test_path_segments_are_decoded_one_by_one(api: httpx.AsyncClient, serial: str) -> None:
    from urllib.parse import quote

    await put_units(api, {"serialNumber": serial, "partNumber": "P/N.1"})
    await put_units(api, {"serialNumber": "decoy", "partNumber": "P/N.1"})
    path = "/api/Production/Unit/{}/{}".format(
        quote(serial, safe="").replace(".", "%2E"), quote("P/N.1", safe="").replace(".", "%2E")
    )
    response = await api.get(path)
    assert response.status_code == 200, response.text
    assert response.json()["serialNumber"] == serial
    assert response.json()["partNumber"] == "P/N.1"


async def test_sub_units_form_a_recursive_forest(api: httpx.AsyncClient) -> None:
    await api.post(
        "/_mock/seed",
        json={
            "products": [
                {
                    "partNumber": "TOP",
                    "revisions": [
                        {
                            "revision": "A",
                            "boxBuild": [{"partNumber": "MID", "revision": "*", "quantity": 2}],
                        }
                    ],
                },
                {
                    "partNumber": "MID",
                    "revisions": [
                        {"revision": "A", "boxBuild": [{"partNumber": "LEAF", "quantity": 1}]}
                    ],
                },
            ]
        },
    )
    await put_units(
        api,
        {"serialNumber": "T", "partNumber": "TOP", "revision": "A"},
        {"serialNumber": "M1", "partNumber": "MID", "revision": "A", "unitPhaseId": 16},
        {"serialNumber": "M2", "partNumber": "MID", "revision": "A", "unitPhaseId": 16},
        {"serialNumber": "L", "partNumber": "LEAF", "unitPhaseId": 16},
    )
    for parent, child in (("M1", "L"), ("T", "M1"), ("T", "M2")):
        response = await api.post(
            "/api/Production/AddChildUnit",
            params={"parentSerialNumber": parent, "childSerialNumber": child},
        )
        assert response.status_code == 200, response.text
    top = (await api.get("/api/Production/Unit/T/TOP")).json()
    assert [u["serialNumber"] for u in top["subUnits"]] == ["M1", "M2"]
    assert [u["serialNumber"] for u in top["subUnits"][0]["subUnits"]] == ["L"]
    assert top["subUnits"][0]["parentSerialNumber"] == "T"
    assert top["subUnits"][1]["subUnits"] == []


async def test_set_unit_phase_and_process(api: httpx.AsyncClient) -> None:
    await put_units(api, {"serialNumber": "S1", "partNumber": "PCBA-100"})
    response = await api.put(
        "/api/Production/SetUnitPhase",
        params={"serialNumber": "S1", "partNumber": "PCBA-100", "phase": 4098},
    )
    assert response.status_code == 200
    assert response.content == b""
    response = await api.put(
        "/api/Production/SetUnitProcess",
        params={"serialNumber": "S1", "partNumber": "PCBA-100", "processName": "final TEST"},
    )
    assert response.status_code == 200
    unit = (await api.get("/api/Production/Unit/S1/PCBA-100")).json()
    assert unit["unitPhaseId"] == 4098
    assert unit["unitPhase"] == "In production queue"
    assert unit["processCode"] == "30"


async def test_unknown_phase_bits_survive(api: httpx.AsyncClient) -> None:
    await put_units(api, {"serialNumber": "S1", "partNumber": "PCBA-100"})
    await api.put(
        "/api/Production/SetUnitPhase",
        params={"serialNumber": "S1", "partNumber": "PCBA-100", "phase": 8192 | 16},
    )
    unit = (await api.get("/api/Production/Unit/S1/PCBA-100")).json()
    assert unit["unitPhaseId"] == 8208
    assert unit["unitPhase"] == "Finalized | 8192"


async def test_set_phase_and_process_errors(api: httpx.AsyncClient) -> None:
    response = await api.put(
        "/api/Production/SetUnitPhase", params={"serialNumber": "N", "partNumber": "P", "phase": 2}
    )
    assert response.status_code == 404
    assert problem_code(response) == "unit_not_found"
    await put_units(api, {"serialNumber": "S1", "partNumber": "PCBA-100"})
    response = await api.put(
        "/api/Production/SetUnitProcess",
        params={"serialNumber": "S1", "partNumber": "PCBA-100", "processName": "Painting"},
    )
    assert response.status_code == 400
    assert problem_code(response) == "process_not_found"
    assert response.json()["parameter"] == "processName"


async def test_batches_upsert_and_reject_missing_number(api: httpx.AsyncClient) -> None:
    app_state = (await api.get("/_mock/state")).json()
    assert app_state["batches"] == 0
    response = await api.put(
        "/api/Production/Batches",
        json=[{"batchNumber": "B1", "batchSize": 10}, {"batchNumber": "B2"}],
    )
    assert response.status_code == 200
    response = await api.put(
        "/api/Production/Batches", json=[{"batchNumber": "B1", "batchSize": 20}]
    )
    assert response.status_code == 200
    assert (await api.get("/_mock/state")).json()["batches"] == 2
    response = await api.put("/api/Production/Batches", json=[{"batchSize": 5}])
    assert response.status_code == 400
    assert response.json()["parameter"] == "body"


async def test_version_and_processes(api: httpx.AsyncClient) -> None:
    version = await api.get("/api/App/Version")
    assert version.json() == "2026.3.0"
    processes = (await api.get("/api/App/Processes")).json()
    assert [(p["code"], p["name"]) for p in processes] == [
        (10, "ICT"),
        (20, "FCT"),
        (30, "Final test"),
    ]
    repair_only = await api.get(
        "/api/App/Processes",
        params={"includeRepairOperations": "true", "includeTestOperations": "false"},
    )
    assert repair_only.json() == []

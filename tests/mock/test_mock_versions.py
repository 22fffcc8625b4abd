"""The mock as a chosen server version, and its 2026.3 unit operations with their state."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import AsyncIterator

import httpx
import pytest
from mockhelpers import BASE, problem_code, put_units

from pywats_production.mock import MockApp, MockAsyncTransport, create_app, run_in_thread

pytestmark = pytest.mark.anyio

OLD = "2025.3.9.824"
NEW_ROUTES = [
    ("GET", "/api/Production/Unit/Query"),
    ("POST", "/api/Production/Unit"),
    ("PUT", "/api/Production/Unit"),
    ("DELETE", "/api/Production/Unit?serialNumber=S&partNumber=P"),
    ("PUT", "/api/Production/ChangeUnit?serialNumber=S&partNumber=P&newPartNumber=Q&newRevision=A"),
    ("PUT", "/api/Production/UnitTag?serialNumber=S&partNumber=P&key=k&value=v"),
]


async def client_for(app: MockApp) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=MockAsyncTransport(app), base_url=BASE)


@pytest.fixture
async def old_api() -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(seed="demo", server_version=OLD, error_style="problem")
    async with await client_for(app) as client:
        yield client
    assert app.violations == []


# ------------------------------------------------------------------- version gating


async def test_default_version_is_2026_3_and_answered(api: httpx.AsyncClient) -> None:
    assert (await api.get("/api/App/Version")).json() == "2026.3.0"
    assert (await api.get("/api/Production/Unit/Query")).status_code == 200


@pytest.mark.parametrize(("method", "url"), NEW_ROUTES)
async def test_routes_newer_than_the_version_answer_404(
    old_api: httpx.AsyncClient, method: str, url: str
) -> None:
    body = {"serialNumber": "S", "partNumber": "P", "revision": "A"}
    json_body = body if method in ("POST", "PUT") and "?" not in url else None
    response = await old_api.request(method, url, json=json_body)
    assert response.status_code == 404
    assert "no route" in response.json()["detail"]


async def test_old_version_still_serves_the_published_operations(
    old_api: httpx.AsyncClient,
) -> None:
    assert (await old_api.get("/api/App/Version")).json() == OLD
    response = await old_api.put(
        "/api/Production/Units", json=[{"serialNumber": "S1", "partNumber": "P"}]
    )
    assert response.status_code == 200
    assert (await old_api.get("/api/Production/Unit/S1/P")).status_code == 200


async def test_a_method_of_a_served_path_is_still_405() -> None:
    app = create_app(seed="empty")
    async with await client_for(app) as client:
        response = await client.patch("/api/Production/Unit")
    assert response.status_code == 405
    assert response.headers["allow"] == "DELETE, POST, PUT"


def test_a_version_without_numbers_is_refused() -> None:
    with pytest.raises(ValueError, match="server_version must start with dotted numbers"):
        create_app(server_version="nightly")


@pytest.mark.parametrize(("version", "status"), [(OLD, 404), ("2026.3.0", 200)])
def test_command_line_server_version(version: str, status: int) -> None:
    from pywats_production.mock.__main__ import main

    # The flag reaches create_app: parse the command line, then serve the same app.
    captured: list[MockApp] = []

    def fake_serve(app: MockApp, host: str, port: int, log_level: str = "warning") -> int:
        captured.append(app)
        return 0

    import pywats_production.mock.__main__ as entry

    original = entry.serve
    entry.serve = fake_serve  # type: ignore[assignment]
    try:
        assert main(["--server-version", version, "--port", "0"]) == 0
    finally:
        entry.serve = original
    app = captured[0]
    assert app.server_version == version
    with run_in_thread(app) as url:
        assert httpx.get(f"{url}/api/App/Version").json() == version
        assert httpx.get(f"{url}/api/Production/Unit/Query").status_code == status


def test_command_line_refuses_a_bad_version() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "pywats_production.mock", "--server-version", "latest"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert "dotted numbers" in result.stderr
    assert "Traceback" not in result.stderr


# --------------------------------------------------------------------------- query


async def _seed(api: httpx.AsyncClient) -> None:
    await put_units(
        api,
        {"serialNumber": "A-1", "partNumber": "PCB", "revision": "A", "batchNumber": "B1",
         "unitPhaseId": 16, "processCode": "20", "serialDate": "2026-01-02T00:00:00Z"},
        {"serialNumber": "A-2", "partNumber": "PCB", "revision": "B", "batchNumber": "B1",
         "unitPhaseId": 2, "currentLocation": "Line 1", "serialDate": "2026-03-01T00:00:00Z"},
        {"serialNumber": "O'Brien", "partNumber": "PCB", "revision": "A", "batchNumber": "B2"},
        {"serialNumber": "BOX-1", "partNumber": "BOX", "revision": "A"},
    )  # fmt: skip
    response = await api.post(
        "/api/Production/AddChildUnit",
        params={"parentSerialNumber": "BOX-1", "parentPartNumber": "BOX",
                "childSerialNumber": "A-1", "childPartNumber": "PCB", "checkPartNumber": "PCB"},
    )  # fmt: skip
    assert response.status_code == 200, response.text


async def _serials(api: httpx.AsyncClient, **params: object) -> list[str]:
    response = await api.get("/api/Production/Unit/Query", params=params)
    assert response.status_code == 200, response.text
    return [u["serialNumber"] for u in response.json()]


@pytest.mark.parametrize(
    ("flt", "expected"),
    [
        ("partNumber eq 'PCB'", ["A-1", "A-2", "O'Brien"]),
        ("serialNumber eq 'O''Brien'", ["O'Brien"]),
        ("partNumber eq 'PCB' and revision eq 'A'", ["A-1", "O'Brien"]),
        ("revision eq 'B' or partNumber eq 'BOX'", ["A-2", "BOX-1"]),
        ("not (partNumber eq 'PCB')", ["BOX-1"]),
        ("unitPhaseId eq 16", ["A-1"]),
        ("unitPhaseId gt 1 and unitPhaseId lt 16", ["A-2"]),
        ("unitPhaseId in (2, 16)", ["A-1", "A-2"]),
        ("startswith(serialNumber, 'A-')", ["A-1", "A-2"]),
        ("endswith(serialNumber, 'ien')", ["O'Brien"]),
        ("contains(serialNumber, '-')", ["A-1", "A-2", "BOX-1"]),
        ("tolower(serialNumber) eq 'box-1'", ["BOX-1"]),
        ("currentLocation eq null and partNumber eq 'PCB'", ["A-1", "O'Brien"]),
        ("currentLocation ne null", ["A-2"]),
        ("serialDate ge 2026-02-01T00:00:00Z", ["A-2"]),
        ("serialDate lt 2026-02-01T00:00:00Z", ["A-1"]),
        ("processCode eq '20'", ["A-1"]),
        ("processCode eq 20", ["A-1"]),
        ("batchNumber eq 'B1'", ["A-1", "A-2"]),
        ("subUnits/any(s: s/partNumber eq 'PCB')", ["BOX-1"]),
        ("subUnits/any()", ["BOX-1"]),
        ("subUnits/all(s: s/unitPhaseId eq 16) and partNumber eq 'BOX'", ["BOX-1"]),
        ("subUnits/all(s: s/unitPhaseId eq 2)", ["A-1", "A-2", "O'Brien"]),  # all() of none
    ],
)
async def test_filter_semantics(api: httpx.AsyncClient, flt: str, expected: list[str]) -> None:
    await _seed(api)
    found = await _serials(api, **{"$filter": flt})
    assert sorted(s for s in found if s in {"A-1", "A-2", "O'Brien", "BOX-1"}) == expected


async def test_top_and_orderby(api: httpx.AsyncClient) -> None:
    await _seed(api)
    flt = {"$filter": "partNumber eq 'PCB'"}
    assert await _serials(api, **flt, **{"$orderby": "serialNumber desc"}) == [
        "O'Brien", "A-2", "A-1"
    ]  # fmt: skip
    assert await _serials(api, **flt, **{"$orderby": "revision desc, serialNumber asc"}) == [
        "A-2", "A-1", "O'Brien"
    ]  # fmt: skip
    assert await _serials(api, **flt, **{"$orderby": "serialNumber", "$top": 2}) == ["A-1", "A-2"]
    # currentLocation is null for two of them: nulls sort first, as in SQL.
    assert (await _serials(api, **flt, **{"$orderby": "currentLocation desc"}))[0] == "A-2"


async def test_default_page_is_100(api: httpx.AsyncClient) -> None:
    await put_units(api, *({"serialNumber": f"N{i:03d}", "partNumber": "X"} for i in range(150)))
    assert len(await _serials(api, **{"$filter": "partNumber eq 'X'"})) == 100
    assert len(await _serials(api, **{"$filter": "partNumber eq 'X'", "$top": 1000})) == 150


@pytest.mark.parametrize(
    ("params", "words"),
    [
        ({"$filter": "serialNumber eq"}, "not valid OData"),
        ({"$filter": "serialNumber eq 'unterminated"}, "not valid OData"),
        ({"$filter": "color eq 'red'"}, "cannot filter on 'color'"),
        ({"$filter": "serialNumber eq 5"}, "cannot be compared with the integer 5"),
        ({"$filter": "unitPhaseId eq 'x'"}, "cannot be compared with the text 'x'"),
        ({"$filter": "length(serialNumber) eq 3"}, "is not a field"),
        ({"$filter": "substring(serialNumber, 1) eq 'x'"}, "is not a field"),
        ({"$filter": "matchesPattern(serialNumber, 'x')"}, "function matchesPattern()"),
        ({"$filter": "serialNumber"}, "is not a condition"),
        ({"$filter": "unitPhaseId add 1 eq 2"}, "is not a field"),
        ({"$filter": "product/revisions/any(r: r/revision eq 'A')"}, "any()/all() work on"),
        ({"$filter": "subUnits/any(s: subUnits/any(t: t/revision eq 'A'))"}, "nested"),
        ({"$filter": "subUnits/any(s: partNumber eq 'A')"}, "write s/partNumber"),
        ({"$filter": "serialNumber gt null"}, "null can only be compared"),
        ({"$filter": "x" * 5000}, "longer than"),
        ({"$orderby": "color desc"}, "cannot sort on 'color'"),
        ({"$orderby": "serialNumber sideways"}, "is not asc or desc"),
        ({"$orderby": "serialNumber,"}, "is not 'field [asc|desc]'"),
        ({"$top": 0}, "less than 1"),
        ({"$top": 1001}, "more than 1000"),
    ],
)
async def test_unsupported_syntax_is_a_clear_400(
    api: httpx.AsyncClient, params: dict[str, object], words: str
) -> None:
    response = await api.get("/api/Production/Unit/Query", params=params)
    assert response.status_code == 400, response.text
    assert words in response.json()["detail"]
    assert response.json()["parameter"] in ("$filter", "$orderby", "$top")


# ----------------------------------------------------------- create ... tag, refusals


async def _unit(api: httpx.AsyncClient, sn: str, pn: str) -> dict[str, object]:
    response = await api.get(f"/api/Production/Unit/{sn}/{pn}")
    assert response.status_code == 200, response.text
    body: dict[str, object] = response.json()
    return body


async def test_create_update_change_tag_delete(api: httpx.AsyncClient) -> None:
    created = await api.post(
        "/api/Production/Unit",
        json={"serialNumber": "C1", "partNumber": "PCB", "revision": "A", "unitPhaseId": 2,
              "batchNumber": "B9", "tags": [{"key": "Origin", "value": "Line 2"}]},
    )  # fmt: skip
    assert created.status_code == 200 and created.content == b""
    unit = await _unit(api, "C1", "PCB")
    assert (unit["revision"], unit["unitPhaseId"], unit["batchNumber"]) == ("A", 2, "B9")
    assert unit["tags"] == [{"key": "Origin", "value": "Line 2"}]

    again = await api.post(
        "/api/Production/Unit", json={"serialNumber": "C1", "partNumber": "PCB", "revision": "B"}
    )
    assert (again.status_code, problem_code(again)) == (409, "unit_exists")

    assert (await api.put("/api/Production/Batches", json=[{"batchNumber": "B10"}])).is_success
    updated = await api.put(
        "/api/Production/Unit",
        json={"serialNumber": "C1", "partNumber": "PCB", "revision": "B", "batchNumber": "B10",
              "unitPhaseId": 16},
    )  # fmt: skip
    assert updated.status_code == 200, updated.text
    unit = await _unit(api, "C1", "PCB")
    # Phase has its own operation: update leaves it; null/missing fields are kept.
    assert (unit["revision"], unit["batchNumber"], unit["unitPhaseId"]) == ("B", "B10", 2)

    tag = await api.put(
        "/api/Production/UnitTag",
        params={"serialNumber": "C1", "partNumber": "PCB", "key": "Origin", "value": "Line 3"},
    )
    assert tag.status_code == 200
    assert (await _unit(api, "C1", "PCB"))["tags"] == [{"key": "Origin", "value": "Line 3"}]

    changed = await api.put(
        "/api/Production/ChangeUnit",
        params={"serialNumber": "C1", "partNumber": "PCB", "newPartNumber": "PCB2",
                "newRevision": "C"},
    )  # fmt: skip
    assert changed.status_code == 200, changed.text
    assert (await api.get("/api/Production/Unit/C1/PCB")).status_code == 404
    unit = await _unit(api, "C1", "PCB2")
    assert (unit["revision"], unit["tags"]) == ("C", [{"key": "Origin", "value": "Line 3"}])

    deleted = await api.delete(
        "/api/Production/Unit", params={"serialNumber": "C1", "partNumber": "PCB2"}
    )
    assert deleted.status_code == 200
    assert (await api.get("/api/Production/Unit/C1/PCB2")).status_code == 404
    gone = await api.delete(
        "/api/Production/Unit", params={"serialNumber": "C1", "partNumber": "PCB2"}
    )
    assert (gone.status_code, problem_code(gone)) == (404, "unit_not_found")


@pytest.mark.parametrize(
    ("body", "status", "code", "parameter"),
    [
        ({"serialNumber": "C2", "partNumber": "PCB"}, 400, "invalid_parameter", "revision"),
        ({"partNumber": "PCB", "revision": "A"}, 400, "invalid_parameter", "serialNumber"),
        (
            {"serialNumber": "C2", "partNumber": "PCB", "revision": "A", "parentSerialNumber": "B"},
            400,
            "parent_not_allowed",
            "parentSerialNumber",
        ),
    ],
)
async def test_create_refusals(
    api: httpx.AsyncClient, body: dict[str, object], status: int, code: str, parameter: str
) -> None:
    response = await api.post("/api/Production/Unit", json=body)
    assert (response.status_code, problem_code(response)) == (status, code)
    assert response.json()["parameter"] == parameter
    assert (await api.get("/api/Production/Unit/C2/PCB")).status_code == 404


async def test_update_refusals(api: httpx.AsyncClient) -> None:
    await put_units(api, {"serialNumber": "U1", "partNumber": "PCB", "revision": "A"})
    moved = await api.put(
        "/api/Production/Unit", json={"serialNumber": "U1", "partNumber": "OTHER", "revision": "B"}
    )
    assert (moved.status_code, problem_code(moved)) == (400, "part_number_immutable")
    batch = await api.put(
        "/api/Production/Unit",
        json={"serialNumber": "U1", "partNumber": "PCB", "batchNumber": "NO-SUCH"},
    )
    assert (batch.status_code, problem_code(batch)) == (400, "batch_not_found")
    unknown = await api.put("/api/Production/Unit", json={"serialNumber": "U9", "partNumber": "P"})
    assert (unknown.status_code, problem_code(unknown)) == (404, "unit_not_found")
    # Nothing half-written: the refused updates changed nothing.
    assert (await _unit(api, "U1", "PCB"))["revision"] == "A"


async def test_delete_refused_with_children_and_links_follow(api: httpx.AsyncClient) -> None:
    await _seed(api)
    refused = await api.delete(
        "/api/Production/Unit", params={"serialNumber": "BOX-1", "partNumber": "BOX"}
    )
    assert (refused.status_code, problem_code(refused)) == (409, "unit_has_children")
    # A child keeps its link through a change of part number...
    changed = await api.put(
        "/api/Production/ChangeUnit",
        params={"serialNumber": "A-1", "partNumber": "PCB", "newPartNumber": "PCB-R",
                "newRevision": "A"},
    )  # fmt: skip
    assert changed.status_code == 200
    box = await _unit(api, "BOX-1", "BOX")
    assert [(s["serialNumber"], s["partNumber"]) for s in box["subUnits"]] == [("A-1", "PCB-R")]  # type: ignore[union-attr]
    # ...and deleting the child takes it out of its parent.
    deleted = await api.delete(
        "/api/Production/Unit", params={"serialNumber": "A-1", "partNumber": "PCB-R"}
    )
    assert deleted.status_code == 200
    assert (await _unit(api, "BOX-1", "BOX"))["subUnits"] == []


async def test_change_refused_onto_an_existing_unit(api: httpx.AsyncClient) -> None:
    await put_units(
        api,
        {"serialNumber": "D1", "partNumber": "P1", "revision": "A"},
        {"serialNumber": "D1", "partNumber": "P2", "revision": "A"},
    )
    response = await api.put(
        "/api/Production/ChangeUnit",
        params={"serialNumber": "D1", "partNumber": "P1", "newPartNumber": "P2",
                "newRevision": "B"},
    )  # fmt: skip
    assert (response.status_code, problem_code(response)) == (409, "unit_exists")
    assert (await _unit(api, "D1", "P1"))["revision"] == "A"


async def test_changes_feed_sees_create_and_change(api: httpx.AsyncClient) -> None:
    await api.post(
        "/api/Production/Unit", json={"serialNumber": "F1", "partNumber": "P", "revision": "A"}
    )
    await api.put(
        "/api/Production/ChangeUnit",
        params={"serialNumber": "F1", "partNumber": "P", "newPartNumber": "Q", "newRevision": "B"},
    )
    feed = (await api.get("/api/Production/Units/Changes", params={"maxCount": 100})).json()
    mine = [c for c in feed if c["unitSerialNumber"] == "F1"]
    assert [(c["newPartNumber"], c["newRevision"]) for c in mine] == [("P", "A"), ("Q", "B")]

"""The mock answers as the evidence says a real server does, by default (issue 11).

Each test names the fact it is built from (docs/evidence.md lists the sources).
"""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest
from mockhelpers import BASE

import pywats_production as wp
from pywats_production.mock import (
    ERROR_STYLES,
    SERVER_VERSION,
    MockApp,
    MockAsyncTransport,
    MockSyncTransport,
    create_app,
)
from pywats_production.mock import __main__ as mock_main

pytestmark = pytest.mark.anyio

UNKNOWN_UNIT = "/api/Production/Unit/NOPE/PCBA-100"


def _service(app: MockApp) -> wp.ProductionService:
    client = httpx.Client(transport=MockSyncTransport(app), base_url=BASE)
    return wp.ProductionService(BASE, http_client=client)


# --- server version: real servers are numbered YYYY.N[.patch.build] ------------------------


async def test_version_is_numbered_as_real_servers_are() -> None:
    app = create_app()
    async with httpx.AsyncClient(transport=MockAsyncTransport(app), base_url=BASE) as api:
        assert (await api.get("/api/App/Version")).json() == SERVER_VERSION == "2026.3.0"
    with _service(create_app(server_version="2026.1.5.324")) as wats:
        version = wats.server_version()
    assert version.parts == (2026, 1, 5, 324)
    assert version.at_least(2026, 1)


def test_mock_command_line_sets_version_and_error_style(monkeypatch: pytest.MonkeyPatch) -> None:
    served: list[MockApp] = []
    monkeypatch.setattr(mock_main, "serve", lambda app, *a, **k: served.append(app) or 0)
    argv = ["--port", "0", "--server-version", "2025.3.9.824", "--error-style", "WebAPI"]
    assert mock_main.main(argv) == 0
    assert served[0].server_version == "2025.3.9.824"
    assert served[0].error_style == "webapi"
    assert mock_main.main(["--port", "0"]) == 0
    assert (served[1].server_version, served[1].error_style) == ("2026.3.0", "text")
    for bad in (["--server-version", " "], ["--error-style", "html"]):
        with pytest.raises(SystemExit) as info:
            mock_main.main(["--port", "0", *bad])
        assert info.value.code == 2


def test_bad_settings_are_refused() -> None:
    with pytest.raises(ValueError, match="error_style"):
        create_app(error_style="html")
    with pytest.raises(ValueError, match="server_version"):
        create_app(server_version=" ")


# --- error styles: the one real error body found is bare text ------------------------------


@pytest.mark.parametrize(
    ("style", "media", "read"),
    [
        ("text", "text/plain", lambda r: r.text),
        ("webapi", "application/json", lambda r: r.json()["Message"]),
        ("problem", "application/problem+json", lambda r: r.json()["detail"]),
    ],
)
async def test_error_styles(style: str, media: str, read: Callable[[httpx.Response], str]) -> None:
    app = create_app(error_style=style)
    async with httpx.AsyncClient(transport=MockAsyncTransport(app), base_url=BASE) as api:
        response = await api.get(UNKNOWN_UNIT)
    assert response.status_code == 404
    assert response.headers["content-type"].split(";")[0] == media
    assert read(response) == "unit 'NOPE' / 'PCBA-100' does not exist"
    if style != "problem":
        assert "unit_not_found" not in response.text  # codes are the problem style's own
    assert app.violations == []  # each style is declared in the spec


def test_default_error_style_is_text_and_a_seed_can_change_it() -> None:
    assert create_app().error_style == "text"
    app = create_app(seed={"errorStyle": "webapi"})
    assert app.error_style == "webapi"
    with pytest.raises(ValueError, match="errorStyle"):
        create_app(seed={"errorStyle": "xml"})


@pytest.mark.parametrize("style", ERROR_STYLES)
def test_sdk_classifies_errors_in_every_style(style: str) -> None:
    """The typed error (and the assembly reason) does not depend on the body's shape."""
    app = create_app(error_style=style)
    with _service(app) as wats:
        with pytest.raises(wp.NotFoundError):
            wats.get_unit("NOPE", "PCBA-100")
        for sn, pn in (("C1", "PCBA-100"), ("B1", "BOX-900"), ("B2", "BOX-900")):
            wats.save_units([wp.Unit(serial_number=sn, part_number=pn, revision="A")])
        wats.set_unit_phase("C1", "PCBA-100", wp.UnitPhase.FINALIZED)
        wats.add_child_unit("B1", "BOX-900", "C1", "PCBA-100")
        with pytest.raises(wp.ChildAlreadyHasParentError):
            wats.add_child_unit("B2", "BOX-900", "C1", "PCBA-100")
        with pytest.raises(wp.AssemblyLoopError):
            wats.add_child_unit("B1", "BOX-900", "B1", "BOX-900")
    assert app.violations == []


# --- the changes feed: "WATS does not log unit changes by default" -------------------------


def test_changes_feed_is_off_unless_turned_on() -> None:
    unit = wp.Unit(serial_number="F1", part_number="PCBA-100", revision="A")
    with _service(create_app(seed="empty")) as wats:
        wats.save_units([unit])
        wats.set_unit_phase("F1", "PCBA-100", wp.UnitPhase.FINALIZED)
        assert wats.get_unit_changes(10) == []
    app = create_app(seed="empty")
    with _service(app) as wats:
        admin = httpx.Client(transport=MockSyncTransport(app), base_url=BASE)
        assert admin.post("/_mock/seed", json={"logUnitChanges": True}).status_code == 200
        assert admin.get("/_mock/state").json()["logUnitChanges"] is True
        wats.save_units([unit])
        assert [c.unit_serial_number for c in wats.get_unit_changes(10)] == ["F1"]
    with _service(create_app()) as wats:  # the demo seed turns it on
        wats.save_units([unit])
        assert len(wats.get_unit_changes(10)) == 1


# --- bodies shaped like the real ones ------------------------------------------------------


async def test_processes_are_shaped_like_the_real_body() -> None:
    app = create_app(
        seed={
            "processes": [
                {"code": 10, "name": "ICT", "description": "In-circuit test"},
                {"code": 20, "name": "FCT"},
                {
                    "code": 500,
                    "name": "Repair",
                    "isTestOperation": False,
                    "isRepairOperation": True,
                    "processIndex": 7,
                },
            ]
        }
    )
    async with httpx.AsyncClient(transport=MockAsyncTransport(app), base_url=BASE) as api:
        body = (await api.get("/api/App/Processes")).json()
    ict, fct, repair = body
    assert ict["description"] == "In-circuit test"
    assert "description" not in fct  # omitted, not null, when empty
    assert [p["processIndex"] for p in body] == [0, 1, 7]
    assert all(isinstance(p["processIndex"], int) and p["state"] in (0, 1, 2) for p in body)
    assert "repairOperation" not in ict
    assert isinstance(repair["repairOperation"], dict)
    assert app.violations == []


def test_lists_are_lists_and_put_units_answers_ok_count() -> None:
    app = create_app()
    with _service(app) as wats:
        result = wats.save_units(
            [wp.Unit(serial_number="L1", part_number="PCBA-100", revision="A")]
        )
        assert (result.ok_count, result.error_count, result.extra) == (1, 0, {})
    raw = (
        httpx.Client(transport=MockSyncTransport(app), base_url=BASE)
        .get("/api/Production/Unit/L1/PCBA-100")
        .json()
    )
    assert [r["revision"] for r in raw["product"]["revisions"]] == ["A"]
    lists = [v for path, v in _members(raw) if path.rsplit(".", 1)[-1] in _LIST_MEMBERS]
    assert lists and all(isinstance(v, list) for v in lists)


_LIST_MEMBERS = frozenset({"revisions", "tags", "subUnits"})


def _members(value: object, path: str = "") -> list[tuple[str, object]]:
    out: list[tuple[str, object]] = []
    if isinstance(value, dict):
        for k, v in value.items():
            out.append((f"{path}.{k}", v))
            out.extend(_members(v, f"{path}.{k}"))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            out.extend(_members(v, f"{path}[{i}]"))
    return out


def test_verification_status_in_the_real_vocabulary_passes_in_the_sdk() -> None:
    app = create_app()
    with _service(app) as wats:
        wats.save_units([wp.Unit(serial_number="V1", part_number="PCBA-100", revision="A")])
        admin = httpx.Client(transport=MockSyncTransport(app), base_url=BASE)
        assert not wats.is_unit_passing("V1", "PCBA-100")
        assert wats.verify_unit("V1", "PCBA-100").status == "unknown"
        for hour, code in enumerate((10, 20, 30)):
            admin.post(
                "/_mock/process-results",
                json={
                    "serialNumber": "V1",
                    "processCode": code,
                    "status": "Passed",
                    "startUtc": f"2026-11-26T0{hour}:00:00Z",
                },
            )
        grade = wats.verify_unit("V1", "PCBA-100")
        assert (grade.status, grade.grade, grade.is_passing) == ("ok", "A", True)
        assert wats.is_unit_passing("V1", "PCBA-100")

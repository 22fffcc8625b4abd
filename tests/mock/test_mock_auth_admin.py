from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest
from mockhelpers import BASE

from pywats_production.mock import (
    DEMO_SEED,
    MockAdmin,
    MockAdminError,
    MockAsyncTransport,
    SeedError,
    create_app,
    load_seed,
)

pytestmark = pytest.mark.anyio
EXAMPLE = (
    Path(__file__).resolve().parents[2] / "pywats_production" / "mock" / "seeds" / "example.yaml"
)


async def test_token_is_required_everywhere() -> None:
    app = create_app(token="c2VjcmV0")
    async with httpx.AsyncClient(transport=MockAsyncTransport(app), base_url=BASE) as api:
        for headers in ({}, {"Authorization": "Basic wrong"}, {"Authorization": "Bearer c2VjcmV0"}):
            for url in ("/api/App/Version", "/_mock/state", "/api/Production/Nope"):
                response = await api.get(url, headers=headers)
                assert response.status_code == 401, (url, headers)
                # The default error style: the bare message as text.
                assert response.headers["content-type"].startswith("text/plain")
                assert "Authorization" in response.text
                assert response.headers["www-authenticate"].startswith("Basic")
        ok = {"Authorization": "Basic c2VjcmV0"}
        assert (await api.get("/api/App/Version", headers=ok)).status_code == 200
        assert (await api.get("/_mock/state", headers=ok)).status_code == 200
        assert (
            await api.get("/api/App/Version", headers={"Authorization": "basic c2VjcmV0"})
        ).status_code == 200
    assert app.violations == []


async def test_without_token_no_auth_is_needed(api: httpx.AsyncClient) -> None:
    assert (await api.get("/api/App/Version")).status_code == 200


def test_demo_seed_exactly() -> None:
    app = create_app()
    store = app.store
    assert sorted(store.products) == ["BOX-900", "PCBA-100", "PSU-200"]
    assert all(list(p.revisions) == ["A"] for p in store.products.values())
    lines = store.products["BOX-900"].revisions["A"].box_build
    assert [(b.part_number, b.revision, b.quantity) for b in lines] == [
        ("PCBA-100", "A", 1),
        ("PSU-200", "A", 1),
    ]
    assert [(p.code, p.name) for p in store.processes.values()] == [
        (10, "ICT"),
        (20, "FCT"),
        (30, "Final test"),
    ]
    serial = store.types["SerialNumber"]
    assert (serial.identifier, len(serial.pool), serial.pool.free) == (0, 100_000, 100_000)
    assert (serial.pool.addresses.at(0), serial.pool.addresses.at(99_999)) == (
        "SN00000001",
        "SN00100000",
    )
    mac = store.types["MACAddress"]
    assert (mac.identifier, len(mac.pool)) == (1, 65_536)
    assert (mac.pool.addresses.at(0), mac.pool.addresses.at(65_535)) == (
        "00:1A:2B:00:00:00",
        "00:1A:2B:00:FF:FF",
    )
    assert store.units == {}


def test_empty_seed() -> None:
    store = create_app(seed="empty").store
    assert (store.products, store.processes, store.types, store.units) == ({}, {}, {}, {})


def test_example_yaml_and_json_seed_files(tmp_path: Path) -> None:
    app = create_app(seed=EXAMPLE)
    assert sorted(app.store.products) == ["CTRL-10", "FAN-20", "UNIT-500"]
    assert app.store.verification_rules == {"UNIT-500": [50, 60]}
    assert app.store.pool_counts("UnitSN").size == 1000
    assert app.store.pool_counts("Spare").size == 3
    assert ("U000001", "UNIT-500") in app.store.units
    assert app.store.changes == {}  # seeded units are not changes
    data = load_seed(EXAMPLE)
    path = tmp_path / "seed.json"
    path.write_text(json.dumps(data))
    assert sorted(create_app(seed=path).store.types) == ["Spare", "UnitSN"]


def test_bad_seeds_are_refused() -> None:
    with pytest.raises(SeedError):
        create_app(seed={"products": [{"name": "no part number"}]})
    with pytest.raises(SeedError):
        create_app(seed={"nonsense": []})
    with pytest.raises(SeedError):
        create_app(
            seed={"serialNumberTypes": [{"name": "X", "addresses": {"start": "ABC", "count": 3}}]}
        )
    assert "serialNumberTypes" in DEMO_SEED


def test_admin_helper_round_trip() -> None:
    app = create_app(token="dG9r")
    admin = MockAdmin.for_app(app)
    state = admin.seed(
        {
            "products": [{"partNumber": "NEW-1", "revisions": [{"revision": "A"}]}],
            "units": [{"serialNumber": "U", "partNumber": "NEW-1", "unitPhaseId": 16}],
        }
    )
    assert (state.products, state.units) == (4, 1)
    admin.add_process_result("U", 10, "Passed", station_name="ST")
    assert admin.state().process_results == 1
    assert admin.serial_numbers("SerialNumber").free == 100_000
    report = admin.set_faults([{"kind": "latency", "ms": 1}])
    assert report.plan[0]["kind"] == "latency"
    state = admin.reset()
    assert (state.units, state.products, state.process_results) == (0, 3, 0)
    assert admin.faults().plan == []
    state = admin.reset("empty")
    assert state.pools == {}
    with pytest.raises(MockAdminError):
        admin.serial_numbers("SerialNumber")
    with pytest.raises(MockAdminError):
        admin.reset("nonexistent")
    admin.close()


def test_reset_restores_the_apps_own_seed_and_clears_faults_and_violations() -> None:
    app = create_app(seed="empty")
    app.faults.set_plan([{"kind": "status"}])
    app.store.apply_seed(DEMO_SEED)
    app.reset()
    assert app.store.types == {}
    assert not app.faults.active

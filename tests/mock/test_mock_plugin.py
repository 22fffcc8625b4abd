"""The pytest plugin's fixtures, used exactly as a downstream project would."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from pywats_production.mock import MockAdmin, MockApp

pytest_plugins = ["pytester"]


def test_wats_mock_and_admin(
    wats_mock: MockApp, wats_mock_admin: MockAdmin, wats_mock_token: str
) -> None:
    assert wats_mock.token == wats_mock_token
    wats_mock_admin.seed(
        {"units": [{"serialNumber": "U1", "partNumber": "PCBA-100", "unitPhaseId": 16}]}
    )
    assert wats_mock_admin.state().units == 1
    assert wats_mock.store.units[("U1", "PCBA-100")].phase == 16


def test_wats_mock_url_serves_the_same_mock(
    wats_mock: MockApp, wats_mock_url: str, wats_mock_token: str
) -> None:
    headers = {"Authorization": f"Basic {wats_mock_token}"}
    response = httpx.put(
        f"{wats_mock_url}/api/Production/Units",
        json=[{"serialNumber": "A", "partNumber": "B"}],
        headers=headers,
    )
    assert response.json()["okCount"] == 1
    assert ("A", "B") in wats_mock.store.units
    assert httpx.get(f"{wats_mock_url}/api/App/Version").status_code == 401


def test_services_are_bound_in_process(wats_service: object, wats_async_service: object) -> None:
    from pywats_production import AsyncProductionService, ProductionService

    assert isinstance(wats_service, ProductionService)
    assert isinstance(wats_async_service, AsyncProductionService)


def test_violations_fail_the_test_at_teardown(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import httpx
        from starlette.responses import Response
        from pywats_production.mock import MockSyncTransport

        def test_doctored(wats_mock, wats_mock_token):
            wats_mock.handlers["getServerVersion"] = lambda request: Response(b"1", media_type="application/json")
            client = httpx.Client(transport=MockSyncTransport(wats_mock), base_url="http://x",
                                  headers={"Authorization": "Basic " + wats_mock_token})
            assert client.get("/api/App/Version").status_code == 500

        def test_clean(wats_mock_admin):
            assert wats_mock_admin.state().violations == []
        """
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=2, errors=1)
    result.stdout.fnmatch_lines(
        ["*answered off the contract*", "*getServerVersion (GET /api/App/Version) answered 200*"]
    )


# The downstream example of docs/mock.md, verbatim in substance.


def test_docs_example_finalize_and_box(wats_service: Any, wats_mock_admin: MockAdmin) -> None:
    wats_mock_admin.seed(
        {
            "units": [
                {"serialNumber": "BOX-1", "partNumber": "BOX-900", "revision": "A"},
                {
                    "serialNumber": "PCB-1",
                    "partNumber": "PCBA-100",
                    "revision": "A",
                    "unitPhaseId": 16,
                },
            ]
        }
    )
    wats_service.add_child_unit("BOX-1", "BOX-900", "PCB-1", "PCBA-100")
    assert wats_service.get_unit("PCB-1", "PCBA-100").parent_serial_number == "BOX-1"


def test_docs_example_flaky_server(wats_service: Any, wats_mock_admin: MockAdmin) -> None:
    wats_mock_admin.set_faults(
        [{"kind": "status", "status": 503, "operation": "getUnit", "on_calls": [1]}]
    )
    wats_mock_admin.seed({"units": [{"serialNumber": "S", "partNumber": "PCBA-100"}]})
    assert wats_service.get_unit("S", "PCBA-100").serial_number == "S"
    assert wats_mock_admin.faults().count("status", "getUnit") == 1

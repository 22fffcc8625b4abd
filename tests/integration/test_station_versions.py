"""The same station code against the mock as server 2025.3.9.824 and as server 2026.3.0.

The station uses the 2026.3 unit query where the server has it and falls back to the
published operations where it does not: the SDK tells which by raising
UnsupportedOperationError before anything is sent to the query's route.
"""

from __future__ import annotations

import httpx
import pytest

import pywats_production as wp
from pywats_production.mock import MockApp, MockSyncTransport
from pywats_production.pytest_plugin import MOCK_BASE_URL

OLD, NEW = "2025.3.9.824", "2026.3.0"
QUERY = "/api/Production/Unit/Query"


def finalize_batch(wats: wp.ProductionService, batch: str, serials: list[str]) -> list[str]:
    """The code under test: finalize every unit of a batch and return their serials.

    On a 2026.3 server the batch is found with one query; on an older one the station
    falls back on the serial numbers it knows and reads each unit.
    """
    try:
        units = wats.query_units(batch_number=batch, part_number="PCBA-100", top=1000)
    except wp.UnsupportedOperationError:
        units = [wats.get_unit(sn, "PCBA-100") for sn in serials]
        units = [u for u in units if u.batch_number == batch]
    for unit in units:
        wats.set_unit_phase(unit.serial_number, unit.part_number, wp.UnitPhase.FINALIZED)
    return sorted(u.serial_number for u in units)


@pytest.mark.wats_server_versions(OLD, NEW)
def test_same_station_code_on_both_server_lines(
    wats_mock: MockApp, wats_mock_token: str, wats_server_version: str
) -> None:
    sent: list[str] = []
    hook = wp.observability.on_request(lambda info: sent.append(info.path))
    client = httpx.Client(transport=MockSyncTransport(wats_mock), base_url=MOCK_BASE_URL)
    with wp.ProductionService(
        MOCK_BASE_URL, wats_mock_token, http_client=client, hooks=[hook]
    ) as wats:
        serials = [f"ST-{i}" for i in range(5)]
        wats.save_units(
            [
                wp.Unit(serial_number=sn, part_number="PCBA-100", revision="A",
                        batch_number="B-7" if i % 2 == 0 else "B-8")
                for i, sn in enumerate(serials)
            ]
        )  # fmt: skip
        assert finalize_batch(wats, "B-7", serials) == ["ST-0", "ST-2", "ST-4"]
        for sn in ("ST-0", "ST-2", "ST-4"):
            assert wats.get_unit(sn, "PCBA-100").phase is wp.UnitPhase.FINALIZED
        assert wats.get_unit("ST-1", "PCBA-100").phase is not wp.UnitPhase.FINALIZED
        if wats_server_version == OLD:
            assert QUERY not in sent
            with pytest.raises(wp.UnsupportedOperationError) as caught:
                wats.query_units(part_number="PCBA-100")
            assert caught.value.server_version == OLD
            assert caught.value.minimum_version == "2026.3"
            # The mock answers that route 404, as the older server would.
            raw = client.get(QUERY, headers={"Authorization": f"Basic {wats_mock_token}"})
            assert raw.status_code == 404
        else:
            assert QUERY in sent
        assert sent.count("/api/App/Version") == 1
    client.close()


@pytest.mark.wats_server_versions(NEW)
def test_done_when_against_2026_3(wats_service: wp.ProductionService) -> None:
    # create, query (fields and raw filter), tag, change, delete, and 250 units in pages.
    wats = wats_service
    wats.create_unit(wp.Unit(serial_number="Q'1", part_number="PX", revision="A"))
    assert [u.serial_number for u in wats.query_units(serial_number="Q'1")] == ["Q'1"]
    assert [u.serial_number for u in wats.query_units("serialNumber eq 'Q''1'")] == ["Q'1"]
    wats.set_unit_tag("Q'1", "PX", "Customer", "ACME")
    assert [(t.key, t.value) for t in wats.get_unit("Q'1", "PX").tags] == [("Customer", "ACME")]
    wats.change_unit("Q'1", "PX", "PY", "B")
    assert wats.get_unit("Q'1", "PY").revision == "B"
    wats.delete_unit("Q'1", "PY")
    with pytest.raises(wp.NotFoundError):
        wats.get_unit("Q'1", "PY")
    wats.save_units(
        [wp.Unit(serial_number=f"N{i:04d}", part_number="PAGE", revision="A") for i in range(250)]
    )
    seen = [u.serial_number for u in wats.iter_units(part_number="PAGE", page_size=100)]
    assert seen == [f"N{i:04d}" for i in range(250)]


def test_default_fixture_version_is_2026_3(wats_server_version: str, wats_mock: MockApp) -> None:
    assert wats_server_version == NEW
    assert wats_mock.server_version == NEW

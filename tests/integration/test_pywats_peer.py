"""pywats-api, Virinco's Python client, reads a Unit from the contract mock.

Its models refuse a null ``product.revisions`` (pywats-api 0.6.0rc1, wheel
``domains/product/models.py``): the mock once sent one and its ``get_unit`` failed. Runs
where pywats-api is installed (the bench session installs it); skips cleanly elsewhere.
"""

from __future__ import annotations

from typing import Any

import pytest

import pywats_production as wp
from pywats_production.mock import MockApp

pywats: Any = pytest.importorskip("pywats", reason="pywats-api is not installed")


def test_pywats_api_reads_a_unit_from_the_mock(
    wats_mock_url: str, wats_mock_token: str, wats_mock: MockApp
) -> None:
    from pywats.core.throttle import configure_throttling

    configure_throttling(enabled=False)
    with wp.ProductionService(wats_mock_url, wats_mock_token) as wats:
        wats.save_units([wp.Unit(serial_number="PEER-1", part_number="PCBA-100", revision="A")])
    peer = pywats.pyWATS(base_url=wats_mock_url, token=wats_mock_token, enable_cache=False)
    unit = peer.production.get_unit("PEER-1", "PCBA-100")
    assert (unit.serial_number, unit.part_number, unit.revision) == ("PEER-1", "PCBA-100", "A")
    assert [r.revision for r in unit.product.revisions] == ["A"]

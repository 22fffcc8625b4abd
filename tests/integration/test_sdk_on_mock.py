"""The SDK against the contract mock (the plugin's fixtures): round trips the unit tests
with canned answers cannot show, and the changes-feed loop guard."""

from __future__ import annotations

import datetime as dt

import httpx
import pytest

import pywats_production as wp
from pywats_production.mock import MockApp


def test_naive_serial_date_is_sent_as_utc(wats_service: wp.ProductionService) -> None:
    naive = dt.datetime(2026, 11, 26, 5, 30, 0)
    unit = wp.Unit(
        serial_number="SN-NAIVE", part_number="PCBA-100", revision="A", serial_date=naive
    )
    result = wats_service.save_units([unit])  # the strict mock refuses a date-time without offset
    assert result.error_count == 0
    stored = wats_service.get_unit("SN-NAIVE", "PCBA-100")
    assert stored.serial_date == naive.replace(tzinfo=dt.UTC)


def test_get_modify_save_round_trip_on_the_mock(wats_service: wp.ProductionService) -> None:
    aware = dt.datetime(2026, 11, 26, 5, 30, 0, 123456, tzinfo=dt.timezone(dt.timedelta(hours=2)))
    wats_service.save_units(
        [
            wp.Unit(
                serial_number="SN/ 1",
                part_number="PCBA-100",
                revision="A",
                serial_date=aware,
                batch_number="B1",
                phase=wp.UnitPhase.UNDER_PRODUCTION,
            )
        ]
    )
    unit = wats_service.get_unit("SN/ 1", "PCBA-100")
    unit.current_location = "Line 2"
    wats_service.save_units([unit])
    again = wats_service.get_unit("SN/ 1", "PCBA-100")
    assert again.serial_date == aware
    assert again.current_location == "Line 2"
    assert again.batch_number == "B1"
    assert again.phase == wp.UnitPhase.UNDER_PRODUCTION
    assert again.product is not None and again.product.part_number == "PCBA-100"


def test_consume_stops_when_deletes_do_not_take_effect(
    wats_mock: MockApp, wats_service: wp.ProductionService
) -> None:
    wats_service.save_units([wp.Unit(serial_number="SN-LOOP", part_number="PCBA-100")])
    pending = wats_service.get_unit_changes(10)
    assert pending

    def ignore_delete(request: object) -> object:
        # A broken server: answers 200 to DELETE but keeps the change.
        from starlette.responses import Response

        return Response(status_code=200)

    wats_mock.handlers["deleteUnitChange"] = ignore_delete  # type: ignore[index]
    seen: list[int] = []
    with pytest.raises(wp.WatsResponseError, match="still pending after it was deleted"):
        wats_service.consume_unit_changes(lambda change: seen.append(change.id))
    # Each change was handled once, none in an endless loop.
    assert seen == [c.id for c in pending]


def test_changes_feed_acknowledged_only_after_handler(wats_service: wp.ProductionService) -> None:
    wats_service.save_units(
        [wp.Unit(serial_number=f"SN-F{i}", part_number="PSU-200") for i in range(3)]
    )
    ids = [c.id for c in wats_service.get_unit_changes(10)]
    assert len(ids) == 3

    def failing(change: wp.UnitChange) -> None:
        if change.id == ids[1]:
            raise RuntimeError("station crashed")

    with pytest.raises(RuntimeError):
        wats_service.consume_unit_changes(failing)
    assert [c.id for c in wats_service.get_unit_changes(10)] == ids[1:]


def test_async_service_on_the_mock(wats_async_service: wp.AsyncProductionService) -> None:
    import asyncio

    async def main() -> list[str]:
        async with wats_async_service as service:
            numbers = await service.take_serial_numbers("SerialNumber", 3, station_name="ICT-1")
            records = await service.get_serial_numbers_by_range(
                "SerialNumber", numbers[0], numbers[-1]
            )
            assert [r.serial_number for r in records] == numbers
            assert all(r.taken for r in records)
            return numbers

    assert asyncio.run(main()) == ["SN00000001", "SN00000002", "SN00000003"]


def test_unreachable_server_is_a_typed_error() -> None:
    # Port 9 on loopback: nothing listens; the connect fails before anything is sent.
    service = wp.ProductionService("http://127.0.0.1:9", retry=wp.RetryPolicy.never())
    with pytest.raises(wp.WatsConnectionError) as info:
        service.get_unit("SN", "PN")
    assert info.value.request_sent is False
    assert isinstance(info.value.cause, httpx.ConnectError) or info.value.__cause__ is not None
    assert service.is_connected() is False
    service.close()

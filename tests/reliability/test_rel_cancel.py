"""Cancellation and interruption: nothing a Take may have consumed goes unaccounted for."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator

import httpx
import pytest
from relhelpers import BASE, FAST, TOKEN, wait_taken

import pywats_production as wp
from pywats_production.mock import MockAdmin, MockApp, MockAsyncTransport, run_in_thread
from pywats_production.observability import on_response

SN = "SerialNumber"


def latency(operation: str, ms: int) -> dict[str, object]:
    return {"kind": "latency", "operation": operation, "ms": ms, "times": 1}


async def cancel_after(coro: object, seconds: float) -> None:
    task = asyncio.ensure_future(coro)  # type: ignore[arg-type]
    await asyncio.sleep(seconds)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task


def seen(app: MockApp, operation: str) -> None:
    """Wait (at most 5 s) until the mock has received a request of ``operation``."""
    deadline = time.monotonic() + 5
    while not any(e.operation == operation for e in app.faults.log):
        assert time.monotonic() < deadline, f"the mock never saw {operation}"
        time.sleep(0.005)


async def cancel_when_seen(coro: object, app: MockApp, operation: str) -> None:
    """Cancel ``coro`` once its request of ``operation`` is in the mock's hands."""
    task = asyncio.ensure_future(coro)  # type: ignore[arg-type]
    await asyncio.to_thread(seen, app, operation)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task


@pytest.fixture
def served(app: MockApp) -> Iterator[str]:
    with run_in_thread(app) as url:
        yield url


def test_cancelled_in_flight_over_a_socket_is_pending_then_reconciled(
    served: str, app: MockApp, admin: MockAdmin
) -> None:
    # Over a real socket the server keeps working after the client went away: the take
    # happens 300 ms later, and the pending record is how the numbers are found again.
    admin.set_faults([latency("takeSerialNumbers", 300)])

    async def scenario() -> list[wp.PendingTake]:
        async with wp.AsyncProductionService(served, TOKEN, retry=FAST) as wats:
            await cancel_when_seen(
                wats.take_serial_numbers(SN, 3, station_name="ST-1"), app, "takeSerialNumbers"
            )
            (pending,) = wats.pending_takes
            assert pending.reason == "cancelled"
            assert pending.station_name == "ST-1"
            assert pending.auto_reference
            await asyncio.to_thread(wait_taken, admin, 3)
            settled = await wats.reconcile_takes()
            assert wats.pending_takes == ()
            return settled

    (settled,) = asyncio.run(scenario())
    assert len(settled.recovered) == 3
    assert settled.certain
    assert admin.serial_numbers(SN).taken == 3


def test_cancelled_in_process_is_pending_and_reconciles_to_what_happened(
    aservice: wp.AsyncProductionService, app: MockApp, admin: MockAdmin
) -> None:
    # In-process the cancellation also stops the mock: nothing is taken, and the
    # reconciliation says so.
    admin.set_faults([latency("takeSerialNumbers", 200)])

    async def scenario() -> list[wp.PendingTake]:
        await cancel_when_seen(aservice.take_serial_numbers(SN, 2), app, "takeSerialNumbers")
        assert len(aservice.pending_takes) == 1
        return await aservice.reconcile_takes()

    (settled,) = asyncio.run(scenario())
    assert settled.recovered == ()
    assert admin.serial_numbers(SN).taken == 0


def test_cancelled_during_the_recovery_lookup_stays_pending(
    aservice: wp.AsyncProductionService, app: MockApp, admin: MockAdmin
) -> None:
    admin.set_faults(
        [
            {"kind": "drop_after", "operation": "takeSerialNumbers", "times": 1},
            latency("getSerialNumbersByReference", 300),
        ]
    )

    async def scenario() -> list[wp.PendingTake]:
        await cancel_when_seen(
            aservice.take_serial_numbers(SN, 4), app, "getSerialNumbersByReference"
        )
        assert [p.reason for p in aservice.pending_takes] == ["cancelled"]
        return await aservice.reconcile_takes()

    (settled,) = asyncio.run(scenario())
    assert len(settled.recovered) == 4
    assert admin.serial_numbers(SN).taken == 4


def test_cancelled_before_sending_leaves_nothing_pending(app: MockApp, admin: MockAdmin) -> None:
    async def scenario() -> None:
        client = httpx.AsyncClient(transport=MockAsyncTransport(app), base_url=BASE)
        # 6 requests a minute: the second call waits 10 s for its slot, unsent.
        async with wp.AsyncProductionService(
            BASE, TOKEN, http_client=client, retry=FAST, requests_per_minute=6
        ) as wats:
            assert len(await wats.take_serial_numbers(SN, 1)) == 1
            await cancel_after(wats.take_serial_numbers(SN, 1), 0.05)
            assert wats.pending_takes == ()
        await client.aclose()

    asyncio.run(scenario())
    assert admin.serial_numbers(SN).taken == 1


def test_wait_for_timeout_around_take_is_accounted_for(
    aservice: wp.AsyncProductionService, app: MockApp, admin: MockAdmin
) -> None:
    admin.set_faults([latency("takeSerialNumbers", 500)])

    async def scenario() -> None:
        with pytest.raises(TimeoutError):
            await asyncio.wait_for(aservice.take_serial_numbers(SN, 1), 0.05)

    asyncio.run(scenario())
    assert len(aservice.pending_takes) == 1


def test_cancelling_other_calls_ends_them_cleanly(
    aservice: wp.AsyncProductionService, app: MockApp, admin: MockAdmin
) -> None:
    from pywats_production.observability import capture_calls

    admin.set_faults([latency("getUnitChanges", 300)])

    async def scenario() -> list[object]:
        with capture_calls() as calls:
            await cancel_when_seen(aservice.get_unit_changes(5), app, "getUnitChanges")
        return list(calls)

    (call,) = asyncio.run(scenario())
    assert call.operation == "getUnitChanges"  # type: ignore[attr-defined]
    assert isinstance(call.error, asyncio.CancelledError)  # type: ignore[attr-defined]
    assert aservice.pending_takes == ()


def test_sync_interrupt_after_the_answer_arrived_is_accounted_for(
    app: MockApp, admin: MockAdmin
) -> None:
    from pywats_production.mock import MockSyncTransport

    def interrupt(info: wp.ResponseInfo) -> None:
        if info.request.operation == "takeSerialNumbers":
            raise KeyboardInterrupt

    client = httpx.Client(transport=MockSyncTransport(app), base_url=BASE)
    with wp.ProductionService(
        BASE, TOKEN, http_client=client, retry=FAST, hooks=[on_response(interrupt)]
    ) as wats:
        with pytest.raises(KeyboardInterrupt):
            wats.take_serial_numbers(SN, 2)
        (pending,) = wats.pending_takes
        assert pending.reason == "KeyboardInterrupt"
        (settled,) = wats.reconcile_takes()
    client.close()
    assert len(settled.recovered) == 2
    assert admin.serial_numbers(SN).taken == 2

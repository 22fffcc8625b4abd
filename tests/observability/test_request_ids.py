"""X-Request-ID: constant across retries, on every exception, and in the call log."""

from __future__ import annotations

import asyncio
import contextvars
import threading
from collections.abc import Callable

import httpx
import pytest
from obshelpers import UNIT, Script, json_response

import pywats_production as wp
from pywats_production.observability import CallRecord, capture_calls

pytestmark = pytest.mark.anyio

TAKE_XML = b'<SerialNumbers><SN id="SN00000001"/><SN id="SN00000002"/></SerialNumbers>'


def test_same_id_on_every_retry_and_a_new_one_per_call(
    script: Script, make_sync: Callable[..., wp.ProductionService]
) -> None:
    script.add(json_response(503), httpx.Response(429, headers={"Retry-After": "0"}))
    script.add(json_response(200, UNIT), json_response(200, UNIT))
    service = make_sync()
    service.get_unit("SN1", "PCBA-100")
    service.get_unit("SN1", "PCBA-100")
    ids = script.request_ids
    assert ids[0] == ids[1] == ids[2]
    assert ids[3] != ids[0]
    assert len(ids[0]) == 32
    int(ids[0], 16)  # hex


async def test_same_id_on_every_retry_async(
    script: Script, make_async: Callable[..., wp.AsyncProductionService]
) -> None:
    script.add(httpx.ConnectError("refused"), json_response(502), json_response(200, UNIT))
    async with make_async() as service:
        await service.get_unit("SN1", "PCBA-100")
    assert len(set(script.request_ids)) == 1
    assert len(script.requests) == 3


# ------------------------------------------------------------- ids on every exception


def _raise(
    service: wp.ProductionService, call: Callable[[wp.ProductionService], object]
) -> Exception:
    with pytest.raises(wp.WatsError) as info:
        call(service)
    return info.value


def test_api_error_carries_the_request_id(
    script: Script, make_sync: Callable[..., wp.ProductionService]
) -> None:
    script.add(json_response(503), json_response(503), json_response(503))
    error = _raise(make_sync(), lambda s: s.get_unit("SN1", "PCBA-100"))
    assert isinstance(error, wp.ServerError)
    assert error.request_id == script.request_ids[-1] == script.request_ids[0]
    assert error.attempts == 3
    assert error.request_id in str(error)


@pytest.mark.parametrize(
    ("exc", "cls"),
    [
        (httpx.ConnectError("refused"), wp.WatsConnectionError),
        (httpx.ReadTimeout("slow"), wp.WatsTimeoutError),
    ],
)
def test_transport_errors_carry_the_request_id(
    script: Script,
    make_sync: Callable[..., wp.ProductionService],
    exc: Exception,
    cls: type[wp.WatsError],
) -> None:
    script.add(exc, exc, exc)
    error = _raise(make_sync(), lambda s: s.get_unit("SN1", "PCBA-100"))
    assert type(error) is cls
    assert isinstance(error, wp.WatsConnectionError)
    assert error.request_id == script.request_ids[0]
    assert error.request_id in str(error)


def test_unreadable_answer_carries_the_request_id(
    script: Script, make_sync: Callable[..., wp.ProductionService]
) -> None:
    script.add(
        httpx.Response(200, content=b"not json", headers={"content-type": "application/json"})
    )
    error = _raise(make_sync(), lambda s: s.get_unit("SN1", "PCBA-100"))
    assert isinstance(error, wp.WatsResponseError)
    assert error.request_id == script.request_ids[0]
    assert error.operation == "getUnit"
    assert error.request_id in str(error)


def test_wrongly_shaped_answer_carries_the_request_id(
    script: Script, make_sync: Callable[..., wp.ProductionService]
) -> None:
    # A unit answer that is not an object (a member of the wrong type is only drift).
    script.add(json_response(200, [UNIT]))
    error = _raise(make_sync(), lambda s: s.get_unit("SN1", "PCBA-100"))
    assert isinstance(error, wp.WatsResponseError)
    assert error.request_id == script.request_ids[0]


def test_too_large_answer_carries_the_request_id(
    script: Script, make_sync: Callable[..., wp.ProductionService]
) -> None:
    script.add(httpx.Response(200, content=b"SN1\n" * 1000, headers={"content-type": "text/csv"}))
    service = make_sync(max_response_bytes=100)
    with capture_calls() as calls:
        error = _raise(service, lambda s: s.export_serial_numbers("SerialNumber"))
    assert isinstance(error, wp.ResponseTooLargeError)
    assert error.request_id == script.request_ids[0]
    assert error.operation == "exportSerialNumbers"
    # The call was ended (logged, recorded), not left open.
    assert [c.error for c in calls] == [error]


async def test_too_large_answer_carries_the_request_id_async(
    script: Script, make_async: Callable[..., wp.AsyncProductionService]
) -> None:
    script.add(httpx.Response(200, content=b"SN1\n" * 1000, headers={"content-type": "text/csv"}))
    async with make_async(max_response_bytes=100) as service:
        with pytest.raises(wp.ResponseTooLargeError) as info:
            await service.export_serial_numbers("SerialNumber")
    assert info.value.request_id == script.request_ids[0]


def test_ambiguous_take_carries_the_request_id_of_the_take(
    script: Script, make_sync: Callable[..., wp.ProductionService]
) -> None:
    take_ids: list[str] = []

    def answer(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/Take"):
            take_ids.append(request.headers["X-Request-ID"])
            return json_response(500, {"title": "boom"})
        raise httpx.ConnectError("down")  # any recovery attempt fails too

    script.add(*([answer] * 20))
    error = _raise(make_sync(), lambda s: s.take_serial_numbers("SerialNumber", 2))
    assert isinstance(error, wp.AmbiguousOutcomeError)
    assert take_ids  # the Take was sent, exactly once (never replayed blindly)
    assert len(take_ids) == 1
    assert error.request_id == take_ids[0]
    assert error.request_id in str(error)


# ------------------------------------------------------------------------ call log


def test_capture_calls_records_each_call(
    script: Script, make_sync: Callable[..., wp.ProductionService]
) -> None:
    script.add(json_response(503), json_response(200, UNIT), json_response(404, {"title": "nf"}))
    script.add(json_response(200, UNIT))
    service = make_sync()
    with capture_calls() as calls:
        service.get_unit("SN1", "PCBA-100")
        with pytest.raises(wp.NotFoundError) as info:
            service.get_unit("SN2", "PCBA-100")
    service.get_unit("SN3", "PCBA-100")  # outside the block: not recorded

    assert len(calls) == 2
    ok, failed = calls
    assert isinstance(ok, CallRecord)
    assert (ok.operation, ok.attempts, ok.retries, ok.status, ok.ok) == ("getUnit", 2, 1, 200, True)
    assert ok.request_id == script.request_ids[0] == script.request_ids[1]
    assert ok.duration >= 0
    assert (failed.attempts, failed.status, failed.ok) == (1, 404, False)
    assert failed.error is info.value
    assert failed.request_id == info.value.request_id == script.request_ids[2]


def test_capture_calls_nested_blocks_each_see_their_calls(
    script: Script, make_sync: Callable[..., wp.ProductionService]
) -> None:
    script.add(*(json_response(200, UNIT) for _ in range(3)))
    service = make_sync()
    with capture_calls() as outer:
        service.get_unit("SN1", "PCBA-100")
        with capture_calls() as inner:
            service.get_unit("SN2", "PCBA-100")
        service.get_unit("SN3", "PCBA-100")
    assert [c.request_id for c in outer] == script.request_ids
    assert [c.request_id for c in inner] == script.request_ids[1:2]


def test_capture_calls_is_not_reentrant() -> None:
    capture = capture_calls()
    with capture, pytest.raises(RuntimeError), capture:
        pass


def test_capture_calls_one_record_per_save_chunk(
    script: Script, make_sync: Callable[..., wp.ProductionService]
) -> None:
    script.add(*(json_response(200, {"errorCount": 0}) for _ in range(3)))
    units = [wp.Unit(serial_number=f"SN{i}", part_number="P", revision="A") for i in range(25)]
    with capture_calls() as calls:
        make_sync().save_units(units, chunk_size=10)
    assert [c.operation for c in calls] == ["putUnits"] * 3
    assert [c.request_id for c in calls] == script.request_ids


async def test_capture_calls_async_and_in_tasks(
    script: Script, make_async: Callable[..., wp.AsyncProductionService]
) -> None:
    script.add(*(json_response(200, UNIT) for _ in range(4)))
    async with make_async() as service, capture_calls() as calls:
        await service.get_unit("SN0", "PCBA-100")
        await asyncio.gather(*(service.get_unit(f"SN{i}", "PCBA-100") for i in range(1, 4)))
    assert len(calls) == 4
    assert sorted(c.request_id for c in calls) == sorted(script.request_ids)


def test_capture_calls_threads_need_a_context_copy(
    script: Script, make_sync: Callable[..., wp.ProductionService]
) -> None:
    script.add(json_response(200, UNIT), json_response(200, UNIT))
    service = make_sync()
    with capture_calls() as calls:
        plain = threading.Thread(target=service.get_unit, args=("SN1", "PCBA-100"))
        plain.start()
        plain.join()
        ctx = contextvars.copy_context()
        copied = threading.Thread(target=ctx.run, args=(service.get_unit, "SN2", "PCBA-100"))
        copied.start()
        copied.join()
    assert [c.request_id for c in calls] == script.request_ids[1:]


async def test_cancelled_call_is_recorded_and_closed(
    script: Script, make_async: Callable[..., wp.AsyncProductionService]
) -> None:
    started = asyncio.Event()

    async def never(request: httpx.Request) -> httpx.Response:
        started.set()
        await asyncio.sleep(60)
        raise AssertionError("not reached")

    client = httpx.AsyncClient(transport=httpx.MockTransport(never), base_url="https://w.example")
    async with wp.AsyncProductionService("https://w.example", http_client=client) as service:
        with capture_calls() as calls:
            task = asyncio.create_task(service.get_unit("SN1", "PCBA-100"))
            await started.wait()
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
    await client.aclose()
    (record,) = calls
    assert isinstance(record.error, asyncio.CancelledError)
    assert record.status is None


def test_request_ids_look_like_uuid_hex_and_never_repeat() -> None:
    """Ids are 32 lowercase hex digits (the width of a uuid4), distinct over many calls."""
    import re

    from pywats_production._core import new_request_id

    ids = [new_request_id() for _ in range(10_000)]
    assert all(re.fullmatch(r"[0-9a-f]{32}", i) for i in ids)
    assert len(set(ids)) == len(ids)


@pytest.mark.skipif(not hasattr(__import__("os"), "fork"), reason="needs os.fork")
def test_a_forked_child_draws_other_request_ids() -> None:
    """A forked worker does not repeat its parent's ids (the random prefix is renewed).

    Invariant: the child's next id and the parent's next id differ in their prefix, so
    two processes of one station never send the same X-Request-ID.
    """
    import os

    from pywats_production._core import new_request_id

    new_request_id()  # the counter is past 1 in the parent before the fork
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - runs in the child
        os.write(write, new_request_id().encode())
        os._exit(0)
    os.close(write)
    child = os.read(read, 64).decode()
    os.close(read)
    os.waitpid(pid, 0)
    parent = new_request_id()
    assert len(child) == 32
    assert child[:20] != parent[:20]

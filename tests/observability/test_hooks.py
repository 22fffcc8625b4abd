"""User hooks see every attempt, retries included, and never break a call."""

from __future__ import annotations

import logging
from collections.abc import Callable

import httpx
import pytest
from obshelpers import UNIT, Script, assert_no_secret, json_response

import pywats_production as wp
from pywats_production import observability
from pywats_production.observability import CallbackHook

pytestmark = pytest.mark.anyio


class Spy:
    def __init__(self) -> None:
        self.requests: list[wp.RequestInfo] = []
        self.responses: list[wp.ResponseInfo] = []

    def on_request(self, info: wp.RequestInfo) -> None:
        self.requests.append(info)

    def on_response(self, info: wp.ResponseInfo) -> None:
        self.responses.append(info)


def _check_three_attempts(spy: Spy, script: Script) -> None:
    assert [i.attempt for i in spy.requests] == [1, 2, 3]
    assert [i.request.attempt for i in spy.responses] == [1, 2, 3]
    assert [i.status for i in spy.responses] == [None, 503, 200]
    assert [i.error for i in spy.responses] == ["ConnectError", None, None]
    assert [i.will_retry for i in spy.responses] == [True, True, False]
    assert {i.request_id for i in spy.requests} == {script.request_ids[0]}
    for info in spy.requests:
        assert info.operation == "getUnit"
        assert info.method == "GET"
        assert info.path == "/api/Production/Unit/{serialNumber}/{partNumber}"
        assert info.url == "https://wats.example.com/api/Production/Unit/SN%231/PCBA-100"
    assert all(r.duration >= 0 for r in spy.responses)


def test_hook_sees_every_attempt(
    script: Script, make_sync: Callable[..., wp.ProductionService]
) -> None:
    script.add(httpx.ConnectError("refused"), json_response(503), json_response(200, UNIT))
    spy = Spy()
    make_sync(hooks=[spy]).get_unit("SN#1", "PCBA-100")
    _check_three_attempts(spy, script)


async def test_hook_sees_every_attempt_async(
    script: Script, make_async: Callable[..., wp.AsyncProductionService]
) -> None:
    script.add(httpx.ConnectError("refused"), json_response(503), json_response(200, UNIT))
    spy = Spy()
    async with make_async(hooks=[spy]) as service:
        await service.get_unit("SN#1", "PCBA-100")
    _check_three_attempts(spy, script)


def test_function_adapters(script: Script, make_sync: Callable[..., wp.ProductionService]) -> None:
    script.add(json_response(429, {"title": "slow down"}), json_response(200, UNIT))
    sent: list[int] = []
    statuses: list[int | None] = []
    hooks = [
        observability.on_request(lambda info: sent.append(info.attempt)),
        observability.on_response(lambda info: statuses.append(info.status)),
    ]
    make_sync(hooks=hooks).get_unit("SN1", "PCBA-100")
    assert sent == [1, 2]
    assert statuses == [429, 200]
    both = CallbackHook(request=sent.append, response=statuses.append)
    assert "CallbackHook" in repr(both)


def test_hooks_see_call_attributes(
    script: Script, make_sync: Callable[..., wp.ProductionService]
) -> None:
    script.add(httpx.Response(200, content=b'<SerialNumbers><SN id="A1"/></SerialNumbers>'))
    spy = Spy()
    make_sync(hooks=[spy]).take_serial_numbers("SerialNumber", 1)
    (info,) = spy.requests
    assert info.attributes["serial_number_type"] == "SerialNumber"
    assert info.attributes["quantity"] == 1


def test_a_failing_hook_is_logged_and_does_not_break_the_call(
    script: Script, make_sync: Callable[..., wp.ProductionService], caplog: pytest.LogCaptureFixture
) -> None:
    script.add(
        httpx.Response(200, content=b'<SerialNumbers><SN id="A1"/><SN id="A2"/></SerialNumbers>')
    )

    def boom(info: object) -> None:
        raise RuntimeError("hook bug")

    hooks = [observability.on_request(boom), observability.on_response(boom)]
    caplog.set_level(logging.ERROR, logger="pywats_production")
    # A Take's numbers are consumed on the server: a hook bug must not lose them.
    assert make_sync(hooks=hooks).take_serial_numbers("SerialNumber", 2) == ["A1", "A2"]
    messages = [r.getMessage() for r in caplog.records]
    assert any("on_request" in m for m in messages)
    assert any("on_response" in m for m in messages)


def test_no_secret_in_what_hooks_see(
    script: Script, make_sync: Callable[..., wp.ProductionService]
) -> None:
    script.add(json_response(503), json_response(200, UNIT), json_response(401, {"title": "no"}))
    spy = Spy()
    service = make_sync(hooks=[spy])
    service.get_unit("SN1", "PCBA-100")
    with pytest.raises(wp.AuthenticationError) as info:
        service.get_unit("SN1", "PCBA-100")
    assert len(spy.requests) == len(spy.responses) == 3
    for seen in [*spy.requests, *spy.responses]:
        assert_no_secret(repr(seen))
    assert_no_secret(str(info.value) + repr(info.value) + repr(vars(info.value)))
    assert_no_secret(repr(service) + repr(service.config))

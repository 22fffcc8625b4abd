"""Hardening (issue 16): hostile servers on loopback sockets, interrupts, bad settings.

Each test names the point of the issue it covers. Bounds on time are of the form "the
call ended within deadline + generous slack", where the old behaviour took many times
longer; memory is measured with tracemalloc around the one call.
"""

from __future__ import annotations

import asyncio
import base64
import json
import pickle
import time
import traceback
import tracemalloc
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from hostile import (
    answer,
    answer_bomb,
    endless_body,
    processing_forever,
    serve,
    trickle_body,
    trickle_head,
)
from relhelpers import TOKEN as MOCK_TOKEN
from relhelpers import Recorder

import pywats_production as wp

PASSWORD = "Hard3n/ed+Pa55~~>?"  # its token holds both "+" and "/", which escapes change
TOKEN = base64.b64encode(f"carol:{PASSWORD}".encode()).decode()
DEADLINE = 1.0
SLACK = 5.0  # the old code ran for LIFETIME (20 s) or more on each of these


def call(kind: str, base_url: str, method: str, *args: Any, **kwargs: Any) -> Any:
    """Run ``method`` on a fresh service of ``kind`` (its own client) and close it."""
    settings: dict[str, Any] = {"retry": kwargs.pop("retry", None)}
    settings.update(kwargs.pop("settings", {}))
    if kind == "sync":
        with wp.ProductionService(base_url, TOKEN, **settings) as service:
            return getattr(service, method)(*args, **kwargs)

    async def main() -> Any:
        async with wp.AsyncProductionService(base_url, TOKEN, **settings) as service:
            return await getattr(service, method)(*args, **kwargs)

    return asyncio.run(main())


def timed(fn: Callable[[], Any]) -> tuple[float, BaseException | None]:
    started = time.monotonic()
    try:
        fn()
    except BaseException as exc:  # the test inspects it
        return time.monotonic() - started, exc
    return time.monotonic() - started, None


KINDS = ["sync", "async"]
POLICY = wp.RetryPolicy(deadline=DEADLINE, max_attempts=2, initial_backoff=0.01, jitter=0)


# ------------------------------------------------------------ 1. the deadline is hard


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(
    "behaviour", [trickle_body, trickle_head, processing_forever], ids=lambda b: b.__name__
)
def test_deadline_bounds_a_trickling_server(kind: str, behaviour: Any) -> None:
    """Point 1: one byte (or one 102) per 0.1 s no longer keeps a call alive."""
    with serve(behaviour) as server:
        elapsed, error = timed(
            lambda: call(kind, server.url, "get_unit", "SN1", "P1", retry=POLICY)
        )
    assert isinstance(error, wp.WatsTimeoutError), repr(error)
    assert elapsed < DEADLINE + SLACK, elapsed


@pytest.mark.parametrize("kind", KINDS)
def test_deadline_bounds_a_user_client_too(kind: str) -> None:
    """Point 1: with ``http_client=`` the deadline holds as well (its pools are wrapped)."""
    with serve(trickle_body) as server:

        def run() -> None:
            if kind == "sync":
                with httpx.Client(base_url=server.url) as client:
                    wp.ProductionService(
                        server.url, TOKEN, http_client=client, retry=POLICY
                    ).get_unit("S", "P")
                return

            async def main() -> None:
                async with httpx.AsyncClient(base_url=server.url) as client:
                    service = wp.AsyncProductionService(
                        server.url, TOKEN, http_client=client, retry=POLICY
                    )
                    await service.get_unit("S", "P")

            asyncio.run(main())

        elapsed, error = timed(run)
    assert isinstance(error, wp.WatsTimeoutError), repr(error)
    assert elapsed < DEADLINE + SLACK, elapsed


@pytest.mark.parametrize("kind", KINDS)
def test_request_budget_wait_respects_the_deadline(kind: str) -> None:
    """Point 1: 6 requests a minute and a 2 s deadline: the 2nd call fails now, unsent."""
    recorder = Recorder()
    recorder.add(200, {"serialNumber": "S", "partNumber": "P"})
    recorder.add(200, {"serialNumber": "S", "partNumber": "P"})
    policy = wp.RetryPolicy(deadline=2.0)
    base = "https://wats.example.com"

    def run() -> Any:
        if kind == "sync":
            client = httpx.Client(transport=httpx.MockTransport(recorder), base_url=base)
            service = wp.ProductionService(
                base, TOKEN, http_client=client, retry=policy, requests_per_minute=6
            )
            service.get_unit("S", "P")
            return service.get_unit("S", "P")

        async def main() -> Any:
            aclient = httpx.AsyncClient(transport=httpx.MockTransport(recorder), base_url=base)
            service = wp.AsyncProductionService(
                base, TOKEN, http_client=aclient, retry=policy, requests_per_minute=6
            )
            await service.get_unit("S", "P")
            return await service.get_unit("S", "P")

        return asyncio.run(main())

    elapsed, error = timed(run)
    assert isinstance(error, wp.WatsTimeoutError), repr(error)
    assert error.request_sent is False
    assert len(recorder.requests) == 1  # the second request was never sent
    assert elapsed < 2.0 + SLACK / 2, elapsed  # the old code waited the 10 s slot, then sent


# -------------------------------------------------- 2. every answer is read with a cap

MIB = 1024 * 1024


def peak_during(fn: Callable[[], Any]) -> tuple[int, BaseException | None]:
    tracemalloc.start()
    try:
        _, error = timed(fn)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak, error


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("status", [200, 401, 503])
def test_gzip_bomb_never_inflates_past_the_cap(kind: str, status: int) -> None:
    """Point 2: 128 MB of zeros in a ~128 kB gzip body: refused (200) or cut (errors).

    The old code inflated all of it (a 200 or an error status alike).
    """
    from hostile import gzip_bomb

    gzip_bomb()  # built before measuring
    settings = {"max_response_bytes": MIB}
    policy = wp.RetryPolicy.never()
    with serve(answer_bomb(status)) as server:
        peak, error = peak_during(
            lambda: call(kind, server.url, "get_unit", "S", "P", retry=policy, settings=settings)
        )
    if status == 200:
        assert isinstance(error, wp.ResponseTooLargeError), repr(error)
        assert error.limit == MIB
    else:
        assert isinstance(error, wp.WatsApiError), repr(error)
        assert error.status == status
        assert len(error.body) <= 4096
    assert peak < 24 * MIB, f"peak {peak / MIB:.1f} MiB"


@pytest.mark.parametrize("kind", KINDS)
def test_endless_plain_body_is_cut_at_the_cap(kind: str) -> None:
    """Point 2: a body without a length that never ends stops at the cap (1 MiB)."""
    settings = {"max_response_bytes": MIB}
    with serve(endless_body) as server:
        peak, error = peak_during(
            lambda: call(kind, server.url, "get_unit", "S", "P", settings=settings)
        )
    assert isinstance(error, wp.ResponseTooLargeError), repr(error)
    assert peak < 24 * MIB, f"peak {peak / MIB:.1f} MiB"


# -------------------------------------------------------------- 3./4. the token, masked


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(
    "bad",
    [
        base64.encodebytes(b"u" * 40 + b":" + b"p" * 40).decode(),  # wrapped at 76 columns
        "abc\r\ndef",
        "t\u00f6ken",
        "tok\x00en",
        b"\xff\xfe",
        12345,
    ],
    ids=["encodebytes", "crlf", "non-ascii", "nul", "bad-bytes", "int"],
)
def test_unusable_token_is_refused_at_construction(kind: str, bad: object) -> None:
    """Point 3: a token no header can carry is a WatsInputError that does not show it."""
    cls = wp.ProductionService if kind == "sync" else wp.AsyncProductionService
    with pytest.raises(wp.WatsInputError) as info:
        cls("https://wats.example.com", bad)  # type: ignore[arg-type]
    assert info.value.parameter == "token"
    text = repr(info.value) + str(info.value) + repr(info.value.args)
    if isinstance(bad, str):
        for line in bad.split():
            if len(line) >= 6:
                assert line not in text


@pytest.mark.parametrize("kind", KINDS)
def test_request_the_http_layer_refuses_is_not_sent(kind: str) -> None:
    """Point 3: a header httpx will not write (here from the user's client) means nothing
    was sent: a Take is not ambiguous, and the error does not carry the header."""
    ok = answer(200, b"<SerialNumbers/>", content_type="application/xml")
    bad = {"X-Station-Secret": "line1\nS3cretHeaderValue"}
    with serve(ok) as server:
        if kind == "sync":
            client = httpx.Client(base_url=server.url, headers=bad)
            service = wp.ProductionService(server.url, TOKEN, http_client=client)
            _, error = timed(lambda: service.take_serial_numbers("SerialNumber", 1))
            client.close()
        else:

            async def main() -> None:
                async with httpx.AsyncClient(base_url=server.url, headers=bad) as aclient:
                    service = wp.AsyncProductionService(server.url, TOKEN, http_client=aclient)
                    await service.take_serial_numbers("SerialNumber", 1)

            _, error = timed(lambda: asyncio.run(main()))
        assert server.requests == []
    assert isinstance(error, wp.WatsConnectionError), repr(error)
    assert error.request_sent is False


def test_token_bytes_are_decoded() -> None:
    """Point 3/8: ``token=b"..."`` is the same token as its ASCII text."""
    service = wp.ProductionService("https://wats.example.com", TOKEN.encode())
    assert service.config.token is not None
    assert service.config.token.reveal() == TOKEN
    service.close()


def _echo_forms() -> list[str]:
    escaped = json.dumps(TOKEN).replace("/", "\\/").replace("+", "\\u002B")
    return [
        escaped,
        json.dumps(PASSWORD).replace("/", "\\/"),
        TOKEN[:30] + "\\n" + TOKEN[30:],
        TOKEN.replace("+", "%2B").replace("/", "%2F"),
        f"carol:{PASSWORD}".replace("/", "\\u002f"),
    ]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("form", range(5))
def test_echoed_token_is_masked_in_every_form(kind: str, form: int) -> None:
    """Point 4: JSON-escaped, percent-encoded, wrapped: body, message, repr, args, pickle."""
    echoed = _echo_forms()[form]
    body = (
        '{"message": "bad credentials '
        + echoed.strip('"')
        + '", "echo": "'
        + echoed.strip('"')
        + '"}'
    ).encode()
    with serve(answer(401, body)) as server:
        _, error = timed(lambda: call(kind, server.url, "get_unit", "S", "P"))
    assert isinstance(error, wp.AuthenticationError), repr(error)
    texts = [
        str(error),
        repr(error),
        repr(error.args),
        error.message,
        error.body.decode("utf-8", "replace"),
        pickle.dumps(error).decode("latin-1"),
        "".join(traceback.format_exception(error)),
    ]
    core = echoed.strip('"')
    for text in texts:
        assert core not in text
        assert PASSWORD not in text and TOKEN not in text
        # No long run of the token survives (the parts between escapes included).
        assert TOKEN[:12] not in text and TOKEN[-12:] not in text
    assert b"[redacted]" in error.body


@pytest.mark.parametrize("kind", KINDS)
def test_traceback_locals_show_no_token_and_no_body(kind: str) -> None:
    """Point 4: ``capture_locals=True`` over a failed call with ``http_client=``."""
    secret_body = b'{"message": "denied", "secretEcho": "SERVER-ONLY-TEXT-1234567"}'
    with serve(answer(401, secret_body)) as server:
        if kind == "sync":
            client = httpx.Client(base_url=server.url)
            service = wp.ProductionService(server.url, TOKEN, http_client=client)
            _, error = timed(lambda: service.get_unit("S", "P"))
            client.close()
        else:

            async def main() -> None:
                async with httpx.AsyncClient(base_url=server.url) as aclient:
                    service = wp.AsyncProductionService(server.url, TOKEN, http_client=aclient)
                    await service.get_unit("S", "P")

            _, error = timed(lambda: asyncio.run(main()))
    assert isinstance(error, wp.AuthenticationError)
    text = "".join(traceback.TracebackException.from_exception(error, capture_locals=True).format())
    assert TOKEN not in text and PASSWORD not in text
    assert "SERVER-ONLY-TEXT" not in text


@pytest.mark.parametrize("kind", KINDS)
def test_constructor_error_traceback_with_locals(kind: str) -> None:
    """Point 4: a constructor error formats with locals, no crash, no token in it."""
    cls = wp.ProductionService if kind == "sync" else wp.AsyncProductionService
    with pytest.raises(wp.WatsInputError) as info:
        cls("https://wats.example.com", TOKEN, timeout=float("nan"))
    text = "".join(
        traceback.TracebackException.from_exception(info.value, capture_locals=True).format()
    )
    assert "timeout" in text
    assert TOKEN not in text and PASSWORD not in text


# ---------------------------------------------------------------- 5. deeply nested JSON

DEEP = b"[" * 100_000 + b"]" * 100_000
# Under the 64 KiB an error body is parsed up to, far deeper than the parser can go.
DEEP_ERROR = b"[" * 20_000 + b"]" * 20_000


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("status", [200, 400])
def test_deeply_nested_json_is_a_typed_error(kind: str, status: int) -> None:
    """Point 5: on a 200 a WatsResponseError, in an error body the status's own error."""
    with serve(answer(status, DEEP if status == 200 else DEEP_ERROR)) as server:
        _, error = timed(lambda: call(kind, server.url, "get_unit", "S", "P"))
    expected = wp.WatsResponseError if status == 200 else wp.BadRequestError
    assert isinstance(error, expected), repr(error)


@pytest.mark.parametrize("kind", KINDS)
def test_deep_json_in_take_recovery_lookup_is_typed(kind: str) -> None:
    """Point 5: Take's answer is lost; the ByReference lookup answers nested JSON."""
    recorder = Recorder()
    recorder.add(503)  # the Take: outcome unknown
    recorder.answers.append(
        httpx.Response(200, content=DEEP, headers={"content-type": "application/json"})
    )  # the lookup
    recorder.answers.append(
        httpx.Response(200, content=DEEP, headers={"content-type": "application/json"})
    )
    base = "https://wats.example.com"
    policy = wp.RetryPolicy(max_attempts=1, deadline=5)

    def run() -> Any:
        if kind == "sync":
            client = httpx.Client(transport=httpx.MockTransport(recorder), base_url=base)
            return wp.ProductionService(
                base, TOKEN, http_client=client, retry=policy
            ).take_serial_numbers("SerialNumber", 2, ref_serial_number="R", station_name="S")
        aclient = httpx.AsyncClient(transport=httpx.MockTransport(recorder), base_url=base)
        service = wp.AsyncProductionService(base, TOKEN, http_client=aclient, retry=policy)
        return asyncio.run(
            service.take_serial_numbers("SerialNumber", 2, ref_serial_number="R", station_name="S")
        )

    _, error = timed(run)
    assert isinstance(error, wp.AmbiguousOutcomeError), repr(error)
    assert not isinstance(error.cause, RecursionError)


# ------------------------------------------------------------- 7./8. input and settings

BAD_SETTINGS: list[tuple[str, dict[str, Any]]] = [
    ("timeout", {"timeout": float("nan")}),
    ("timeout", {"timeout": float("inf")}),
    ("timeout", {"timeout": httpx.Timeout(float("nan"))}),
    ("save_concurrency", {"save_concurrency": 2.5}),
    ("save_concurrency", {"save_concurrency": True}),
    ("max_response_bytes", {"max_response_bytes": -1}),
    ("max_response_bytes", {"max_response_bytes": float("nan")}),
    ("requests_per_minute", {"requests_per_minute": float("nan")}),
    ("requests_per_minute", {"requests_per_minute": float("inf")}),
    ("retry", {"retry": "never"}),
    ("verify", {"verify": 3}),
    ("trust_env", {"trust_env": "no"}),
]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(("parameter", "kwargs"), BAD_SETTINGS, ids=lambda v: str(v)[:30])
def test_broken_settings_are_refused(kind: str, parameter: str, kwargs: dict[str, Any]) -> None:
    """Point 8: each broken setting is a WatsInputError naming it."""
    cls = wp.ProductionService if kind == "sync" else wp.AsyncProductionService
    with pytest.raises(wp.WatsInputError) as info:
        cls("https://wats.example.com", TOKEN, **kwargs)
    assert info.value.parameter == parameter


@pytest.mark.parametrize(
    "url",
    ["https://wats.example.com/?tenant=a", "https://wats.example.com/wats#x", "https://[::1"],
)
def test_base_url_with_query_or_fragment_is_refused(url: str) -> None:
    """Point 8: requests would go to ``...?tenant=a/api/Production/...``."""
    with pytest.raises(wp.WatsInputError) as info:
        wp.ProductionService(url, TOKEN)
    assert info.value.parameter == "base_url"


@pytest.mark.parametrize(
    "kwargs",
    [
        {"deadline": float("nan")},
        {"max_backoff": float("nan")},
        {"retry_after_cap": float("nan")},
        {"jitter": float("nan")},
        {"max_attempts": 2.5},
    ],
)
def test_retry_policy_refuses_nan(kwargs: dict[str, Any]) -> None:
    """Point 8: NaN compares false with every bound; it would switch the bound off."""
    with pytest.raises(wp.WatsInputError):
        wp.RetryPolicy(**kwargs)


def test_per_call_retry_must_be_a_policy() -> None:
    """Point 7: ``retry="never"`` on a call is a WatsInputError, not AttributeError."""
    recorder = Recorder()
    client = httpx.Client(transport=httpx.MockTransport(recorder), base_url="https://h.example")
    service = wp.ProductionService("https://h.example", TOKEN, http_client=client)
    with pytest.raises(wp.WatsInputError) as info:
        service.get_unit("S", "P", retry="never")  # type: ignore[arg-type]
    assert info.value.parameter == "retry"
    assert recorder.requests == []


def test_retry_after_nan_is_not_no_wait() -> None:
    """Point 8: ``Retry-After: nan`` reads as unreadable (wait 1 s), never as 0."""
    from pywats_production._core import _retry_after

    for value in ("nan", "NaN", "-nan"):
        response = httpx.Response(429, headers={"Retry-After": value})
        assert _retry_after(response) == 1.0


LONG = "x" * 70_000


@pytest.mark.parametrize(
    ("method", "args"),
    [
        ("get_unit", (LONG, "P")),
        ("get_unit", ("S", "\U0001f600" * 6000)),
        ("set_unit_process", ("S", "P", LONG)),
        ("take_serial_numbers", ("SerialNumber", 1)),
    ],
    ids=["long-serial", "long-4-byte-part", "long-process", "long-reference"],
)
def test_long_text_arguments_are_input_errors(method: str, args: tuple[Any, ...]) -> None:
    """Point 7: text over about 64 KB gave httpx.InvalidURL; now WatsInputError, unsent."""
    recorder = Recorder()
    client = httpx.Client(transport=httpx.MockTransport(recorder), base_url="https://h.example")
    service = wp.ProductionService("https://h.example", TOKEN, http_client=client)
    kwargs = {"ref_serial_number": LONG} if method == "take_serial_numbers" else {}
    with pytest.raises(wp.WatsInputError):
        getattr(service, method)(*args, **kwargs)
    assert recorder.requests == []


def _unit(**fields: Any) -> wp.Unit:
    unit = wp.Unit(serial_number="SN1", part_number="P1")
    for name, value in fields.items():
        setattr(unit, name, value)
    return unit


BAD_UNITS = [
    {"revision": "A\ud800"},
    {"serial_number": "SN\udc00"},
    {"batch_number": b"B1"},
    {"current_location": 3.5},
    {"serial_date": "2026-01-01"},
    {"phase": float("inf")},
    {"phase": True},
    {"phase": float("nan")},
    {"process_code": float("nan")},
    {"process_code": True},
    {"xml_data": "<a>\ud83d</a>"},
    {"serial_number": b"SN1"},
]


@pytest.mark.parametrize(
    "fields", BAD_UNITS, ids=lambda f: f"{next(iter(f))}={next(iter(f.values()))!r}"[:40]
)
def test_unit_fields_are_validated_before_sending(fields: dict[str, Any]) -> None:
    """Point 7: every bad Unit field is a WatsInputError naming it; nothing is sent."""
    recorder = Recorder()
    client = httpx.Client(transport=httpx.MockTransport(recorder), base_url="https://h.example")
    service = wp.ProductionService("https://h.example", TOKEN, http_client=client)
    good = wp.Unit(serial_number="SN0", part_number="P1")
    with pytest.raises(wp.WatsInputError) as info:
        service.save_units([good, _unit(**fields)], chunk_size=1)
    assert info.value.parameter == f"units[1].{next(iter(fields))}"
    assert recorder.requests == []  # not even the good unit's chunk


def test_upload_text_with_a_lone_surrogate_is_an_input_error() -> None:
    """Point 7: a str upload that cannot be UTF-8 gave UnicodeEncodeError; nothing sent."""
    recorder = Recorder()
    client = httpx.Client(transport=httpx.MockTransport(recorder), base_url="https://h.example")
    service = wp.ProductionService("https://h.example", TOKEN, http_client=client)
    with pytest.raises(wp.WatsInputError) as info:
        service.upload_serial_numbers("SerialNumber", "SN1\nSN\ud800\n", format="CSV")
    assert info.value.parameter == "data"
    assert recorder.requests == []


def test_valid_unit_fields_pass() -> None:
    """The checks refuse only what is wrong: these all reach the server."""
    import datetime as dt

    recorder = Recorder()
    recorder.add(200, {"errorCount": 0})
    client = httpx.Client(transport=httpx.MockTransport(recorder), base_url="https://h.example")
    service = wp.ProductionService("https://h.example", TOKEN, http_client=client)
    unit = _unit(
        revision="Ä-1",
        serial_date=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
        phase=wp.UnitPhase.FINALIZED,
        process_code=10,
        xml_data="<a>\n\tline</a>",
    )
    service.save_units([unit, _unit(phase=1 << 20, process_code="FCT")])
    assert len(recorder.requests) == 1


# ---------------------------------------------------------------- 9. proxies: trust_env


@pytest.mark.parametrize("trust_env", [True, False])
def test_trust_env_decides_whether_the_proxy_sees_the_request(
    trust_env: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Point 9: with ``trust_env=False`` the proxy named in HTTP_PROXY gets nothing."""
    for name in ("HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy", "NO_PROXY", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
    ok = answer(200, b'{"serialNumber": "S", "partNumber": "P"}')
    with serve(ok) as proxy, serve(ok) as server:
        monkeypatch.setenv("HTTP_PROXY", proxy.url)
        with wp.ProductionService(server.url, TOKEN, trust_env=trust_env) as service:
            service.get_unit("S", "P")
    if trust_env:
        assert len(proxy.requests) == 1 and server.requests == []
        assert proxy.requests[0].startswith(b"GET http://127.0.0.1")
    else:
        assert proxy.requests == [] and len(server.requests) == 1


# --------------------------------------------------------------- token in the mock's way


def test_mock_token_still_works() -> None:
    """Sanity: the mock's plain test token passes the new checks."""
    service = wp.ProductionService("https://h.example", MOCK_TOKEN)
    assert service.config.token is not None
    service.close()


# ------------------------------------------------------ content codings the SDK inflates

UNIT = json.dumps({"serialNumber": "S", "partNumber": "P"}).encode()


def _coded(coding: str) -> bytes:
    import zlib

    if coding == "gzip":
        z = zlib.compressobj(6, zlib.DEFLATED, zlib.MAX_WBITS | 16)
    elif coding == "deflate":
        z = zlib.compressobj(6, zlib.DEFLATED, zlib.MAX_WBITS)
    elif coding == "raw-deflate":
        z = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
    else:
        return UNIT
    return z.compress(UNIT) + z.flush()


@pytest.mark.parametrize(
    "coding", ["gzip", "deflate", "raw-deflate", "identity", "br", "gzip-broken"]
)
def test_streamed_answers_are_inflated_by_the_sdk(coding: str) -> None:
    """gzip and deflate (zlib-wrapped or raw) are read; others are a typed error."""
    data = _coded(coding.replace("-broken", ""))
    if coding.endswith("-broken"):
        data = data[:10] + b"\xff" * 20
    header = "deflate" if coding == "raw-deflate" else coding.replace("-broken", "")

    def handler(request: httpx.Request) -> httpx.Response:
        assert request.headers["accept-encoding"] == "gzip, deflate"
        return httpx.Response(
            200,
            headers={"content-encoding": header, "content-type": "application/json"},
            stream=httpx.ByteStream(data),
        )

    client = httpx.Client(transport=httpx.MockTransport(handler), base_url="https://h.example")
    service = wp.ProductionService("https://h.example", TOKEN, http_client=client)
    if coding in ("br", "gzip-broken"):
        with pytest.raises(wp.WatsResponseError):
            service.get_unit("S", "P")
    else:
        assert service.get_unit("S", "P").serial_number == "S"

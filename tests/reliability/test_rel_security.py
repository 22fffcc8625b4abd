"""Security: no secret leaks, TLS on by default, hostile XML refused, size caps, safe URLs."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import io
import logging
import pickle
import shutil
import ssl
import subprocess
import threading
import time
import traceback
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote

import httpx
import pytest
import uvicorn
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from relhelpers import FAST, Recorder, take_xml
from starlette.responses import Response

import pywats_production as wp
from pywats_production import serials
from pywats_production.mock import MockApp, MockSyncTransport, create_app, run_in_thread
from pywats_production.observability import capture_calls, on_request

PASSWORD = "S3cr3t-P4ss!"
TOKEN = base64.b64encode(f"bob:{PASSWORD}".encode()).decode()  # Ym9iOlMzY3IzdC1QNHNzIQ==
SECRETS = (TOKEN, f"bob:{PASSWORD}", PASSWORD)
BASE = "https://wats.example.com"


def leaks(text: str) -> list[str]:
    return [secret for secret in SECRETS if secret in text]


# ------------------------------------------------------------------ secrets: objects


def test_token_not_in_repr_str_of_objects() -> None:
    recorder = Recorder()
    recorder.add(200, text=take_xml("SN1"), content_type="application/xml")
    client = httpx.Client(transport=httpx.MockTransport(recorder), base_url=BASE)
    seen: list[Any] = []
    service = wp.ProductionService(
        BASE, TOKEN, http_client=client, retry=FAST, hooks=[on_request(seen.append)]
    )
    with capture_calls() as calls:
        service.take_serial_numbers("SerialNumber", 1)
    objects: list[Any] = [
        service,
        service.config,
        service.config.token,
        *seen,
        *calls,
        wp.Secret(TOKEN),
        wp.AsyncProductionService(BASE, TOKEN),
    ]
    for obj in objects:
        assert leaks(repr(obj)) == [], type(obj)
        assert leaks(str(obj)) == [], type(obj)
    assert leaks(repr(pickle.dumps(service.config.retry))) == []
    user_agent = recorder.requests[0].headers["user-agent"]
    assert leaks(user_agent) == []
    assert recorder.requests[0].headers["authorization"] == f"Basic {TOKEN}"  # sent, not shown
    service.close()
    client.close()


@pytest.mark.parametrize(
    "answer",
    [
        (401, {"detail": f"bad credentials Basic {TOKEN} for bob:{PASSWORD}"}),
        (500, {"detail": f"Authorization: Basic {TOKEN}", "token": TOKEN}),
        (400, {"errors": {"authorization": [f"Basic {TOKEN}"]}}),
        (503, f"<html><title>down Basic {TOKEN}</title></html>"),
    ],
    ids=["401-echo", "500-echo", "400-field", "html"],
)
def test_token_echoed_by_a_server_is_masked_in_errors(answer: tuple[int, Any]) -> None:
    status, body = answer
    recorder = Recorder()
    for _ in range(4):
        if isinstance(body, str):
            recorder.add(status, text=body, content_type="text/html")
        else:
            recorder.add(status, body)
    client = httpx.Client(transport=httpx.MockTransport(recorder), base_url=BASE)
    with (
        wp.ProductionService(BASE, TOKEN, http_client=client, retry=FAST) as service,
        pytest.raises(wp.WatsApiError) as info,
    ):
        service.get_unit("SN1", "PCBA-100")
    error = info.value
    texts = [str(error), repr(error), error.message, "".join(traceback.format_exception(error))]
    for text in texts:
        assert leaks(text) == [], text
    client.close()


def test_no_secret_in_any_log_record_of_a_failing_run(tmp_path: Path) -> None:
    """Capture every record of every logger at DEBUG while things go wrong, then search."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(_EverythingFormatter("%(name)s %(levelname)s %(message)s"))
    root = logging.getLogger()
    saved = (root.level, [(name, logging.getLogger(name).level) for name in _LOGGERS])
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    for name in _LOGGERS:
        logging.getLogger(name).setLevel(logging.DEBUG)
    records: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record)

    keep = Keep(logging.DEBUG)
    root.addHandler(keep)
    app = create_app(seed="demo", token=TOKEN)
    app.faults.set_plan(
        [
            {"kind": "status", "status": 500, "operation": "getUnit"},
            {"kind": "drop_after", "operation": "takeSerialNumbers", "times": 1},
            {"kind": "drop_before", "operation": "setUnitPhase"},
        ]
    )
    try:
        with run_in_thread(app) as url:

            async def failing_run() -> None:
                async with wp.AsyncProductionService(url, TOKEN, retry=FAST) as wats:
                    with pytest.raises(wp.ServerError):
                        await wats.get_unit("SN1", "PCBA-100")
                    assert len(await wats.take_serial_numbers("SerialNumber", 2)) == 2
                    with pytest.raises(wp.NotFoundError):
                        await wats.set_unit_process("NOPE", "PCBA-100", "FCT")
                    with pytest.raises(wp.WatsConnectionError):
                        await wats.set_unit_phase("SN1", "PCBA-100", 16)
                async with wp.AsyncProductionService(url, "d3Jvbmc=", retry=FAST) as wrong:
                    with pytest.raises(wp.AuthenticationError):
                        await wrong.get_unit("SN1", "PCBA-100")

            asyncio.run(failing_run())
    finally:
        root.removeHandler(handler)
        root.removeHandler(keep)
        root.setLevel(saved[0])
        for name, level in saved[1]:
            logging.getLogger(name).setLevel(level)
    text = stream.getvalue()
    assert text.count("\n") >= len(records)  # every record was formatted
    assert "wats_request_id" in text  # extra fields are in what was searched
    assert len(records) > 20, "the run logged too little to prove anything"
    loggers = {r.name for r in records}
    assert {"pywats_production", "httpx", "httpcore.http11"} <= loggers, loggers
    assert leaks(text) == []
    for rec in records:
        exc = "".join(traceback.format_exception(*rec.exc_info)) if rec.exc_info else ""
        assert leaks(rec.getMessage() + exc + repr(rec.__dict__)) == [], rec.name


class _EverythingFormatter(logging.Formatter):
    """The usual line, then every attribute of the record (extra fields included)."""

    def format(self, record: logging.LogRecord) -> str:
        return f"{super().format(record)} {record.__dict__!r}"


_LOGGERS = (
    "pywats_production",
    "pywats_production.mock",
    "httpx",
    "httpcore",
    "uvicorn",
    "asyncio",
)


# ------------------------------------------------------------------------------- TLS


@pytest.fixture(scope="module")
def certificates(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    if shutil.which("openssl") is None:
        pytest.skip("openssl is not installed: cannot make a test CA")
    d = tmp_path_factory.mktemp("tls")

    def openssl(*args: str) -> None:
        subprocess.run(["openssl", *args], cwd=d, check=True, capture_output=True)

    openssl(
        "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem",
        "-days", "2", "-subj", "/CN=pywats test CA",
        "-addext", "basicConstraints=critical,CA:TRUE",
        "-addext", "keyUsage=critical,keyCertSign,cRLSign",
        "-addext", "subjectKeyIdentifier=hash",
    )  # fmt: skip
    openssl(
        "req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr",
        "-subj", "/CN=127.0.0.1",
    )  # fmt: skip
    (d / "ext.cnf").write_text(
        "subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\n"
        "keyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n"
        "authorityKeyIdentifier=keyid\nsubjectKeyIdentifier=hash\n"
    )
    openssl(
        "x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
        "-CAcreateserial", "-out", "server.pem", "-days", "2", "-extfile", "ext.cnf",
    )  # fmt: skip
    return {"ca": d / "ca.pem", "cert": d / "server.pem", "key": d / "server.key"}


@contextlib.contextmanager
def serve_tls(app: MockApp, cert: Path, key: Path) -> Iterator[str]:
    config = uvicorn.Config(
        app,
        host="127.0.0.1",
        port=0,
        ssl_certfile=str(cert),
        ssl_keyfile=str(key),
        log_level="critical",
        log_config=None,
        lifespan="on",
        http="h11",
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "TLS server did not start"
        time.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"https://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture(scope="module")
def tls_url(certificates: dict[str, Path]) -> Iterator[str]:
    with serve_tls(
        create_app(seed="demo", token=TOKEN), certificates["cert"], certificates["key"]
    ) as url:
        yield url


def test_tls_verification_is_on_by_default(tls_url: str) -> None:
    with wp.ProductionService(tls_url, TOKEN, retry=FAST) as service:
        with pytest.raises(wp.WatsConnectionError) as info:
            service.server_version()
        assert info.value.request_sent is False  # refused at the handshake
        assert "CERTIFICATE_VERIFY_FAILED" in str(info.value) or "certificate" in str(info.value)


@pytest.mark.parametrize("kind", ["path", "str", "context"])
def test_custom_ca_bundle_is_accepted(
    tls_url: str, certificates: dict[str, Path], kind: str
) -> None:
    ca = certificates["ca"]
    verify: Any = {
        "path": ca,
        "str": str(ca),
        "context": ssl.create_default_context(cafile=str(ca)),
    }[kind]
    with wp.ProductionService(tls_url, TOKEN, verify=verify, retry=FAST) as service:
        assert str(service.server_version()).startswith("2026.3")


def test_verification_off_works_but_warns(tls_url: str, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="pywats_production"):
        service = wp.ProductionService(tls_url, TOKEN, verify=False, retry=FAST)
    try:
        warnings = [r for r in caplog.records if "verification is OFF" in r.getMessage()]
        assert len(warnings) == 1
        assert warnings[0].levelno == logging.WARNING
        assert str(service.server_version()).startswith("2026.3")
    finally:
        service.close()


def test_a_ca_that_did_not_sign_the_server_is_refused(
    tls_url: str, certificates: dict[str, Path], tmp_path: Path
) -> None:
    other = tmp_path / "other.pem"
    subprocess.run(
        [
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout",
            str(tmp_path / "o.key"), "-out", str(other), "-days", "1", "-subj", "/CN=other",
        ],
        check=True,
        capture_output=True,
    )  # fmt: skip
    with (
        wp.ProductionService(tls_url, TOKEN, verify=other, retry=FAST) as service,
        pytest.raises(wp.WatsConnectionError),
    ):
        service.server_version()


# ------------------------------------------------------------------------- hostile XML

BILLION_LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(
        f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10 if i > 1 else "&lol;" * 10}">'
        for i in range(1, 10)
    )
    + ']><SerialNumbers><SN id="&lol9;"/></SerialNumbers>'
)


def xxe(path: Path) -> str:
    return (
        f'<?xml version="1.0"?><!DOCTYPE sn [<!ENTITY x SYSTEM "file://{path}">]>'
        '<SerialNumbers><SN id="&x;"/></SerialNumbers>'
    )


def external_dtd() -> str:
    return (
        '<?xml version="1.0"?><!DOCTYPE SerialNumbers SYSTEM "http://evil.example/x.dtd">'
        '<SerialNumbers><SN id="SN1"/></SerialNumbers>'
    )


@pytest.fixture
def secret_file(tmp_path: Path) -> Path:
    path = tmp_path / "secret.txt"
    path.write_text("TOP-SECRET-CONTENT")
    return path


@pytest.mark.parametrize("payload", ["laughs", "xxe", "dtd"])
def test_hostile_take_answer_is_refused_through_the_mock(payload: str, secret_file: Path) -> None:
    document = {"laughs": BILLION_LAUGHS, "xxe": xxe(secret_file), "dtd": external_dtd()}[payload]
    app = create_app(seed="demo", token=TOKEN, strict=False)
    real_take = app.handlers["takeSerialNumbers"]

    def doctored(request: Any) -> Response:
        real_take(request)  # the server really takes the numbers...
        return Response(document.encode(), 200, media_type="application/xml")  # ...then lies

    app.handlers["takeSerialNumbers"] = doctored
    client = httpx.Client(transport=MockSyncTransport(app), base_url="http://wats-mock")
    with wp.ProductionService("http://wats-mock", TOKEN, http_client=client, retry=FAST) as wats:
        started = time.monotonic()
        with pytest.raises(wp.UnsafeXmlError) as info:
            wats.take_serial_numbers("SerialNumber", 2)
        assert time.monotonic() - started < 2  # refused, not expanded
        assert "TOP-SECRET-CONTENT" not in str(info.value)
        assert info.value.operation == "takeSerialNumbers"
        # The numbers the server took are not lost: the take is pending, and reconciles.
        (pending,) = wats.pending_takes
        (settled,) = wats.reconcile_takes()
    client.close()
    assert len(settled.recovered) == 2
    assert pending.reason == "unreadable answer"


@pytest.mark.parametrize("payload", ["laughs", "xxe", "dtd"])
def test_hostile_export_is_refused_by_the_parsers(payload: str, secret_file: Path) -> None:
    document = {"laughs": BILLION_LAUGHS, "xxe": xxe(secret_file), "dtd": external_dtd()}[payload]
    export = document.replace("<SerialNumbers>", '<SerialNumbers type="T">')
    recorder = Recorder()
    recorder.add(200, text=export, content_type="application/xml")
    client = httpx.Client(transport=httpx.MockTransport(recorder), base_url=BASE)
    with wp.ProductionService(BASE, TOKEN, http_client=client, retry=FAST) as wats:
        data = wats.export_serial_numbers("T", format="XML")
    client.close()
    with pytest.raises(wp.UnsafeXmlError):
        serials.parse_export(data, "XML")
    with pytest.raises(wp.UnsafeXmlError):
        list(serials.iter_export(iter([data[:40], data[40:]]), "XML"))


# ----------------------------------------------------------------------- size caps


def test_export_over_the_cap_is_refused_through_the_service(app: MockApp) -> None:
    client = httpx.Client(transport=MockSyncTransport(app), base_url="http://wats-mock")
    capped = wp.ProductionService(
        "http://wats-mock", "d2F0czptb2Nr", http_client=client, max_response_bytes=50_000
    )
    with pytest.raises(wp.ResponseTooLargeError) as info:
        capped.export_serial_numbers("SerialNumber")  # 100,000 numbers: ~2 MB of CSV
    assert info.value.limit == 50_000
    assert info.value.received > 50_000
    roomy = wp.ProductionService("http://wats-mock", "d2F0czptb2Nr", http_client=client)
    assert len(roomy.export_serial_numbers("SerialNumber")) > 50_000
    client.close()


def test_cap_holds_without_a_content_length() -> None:
    def endless(request: httpx.Request) -> httpx.Response:
        def chunks() -> Iterator[bytes]:
            for _ in range(1000):
                yield b"SN00000001,true,,,,\n" * 100

        return httpx.Response(200, content=chunks(), headers={"content-type": "text/csv"})

    client = httpx.Client(transport=httpx.MockTransport(endless), base_url=BASE)
    with (
        wp.ProductionService(BASE, TOKEN, http_client=client, max_response_bytes=10_000) as wats,
        pytest.raises(wp.ResponseTooLargeError) as info,
    ):
        wats.get_unit_changes(10)
    assert 10_000 < info.value.received <= 10_000 + 2100
    client.close()


# -------------------------------------------------------------- hostile identifiers

identifier = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=40
).filter(lambda s: s.strip() != "")


def _service(recorder: Recorder) -> wp.ProductionService:
    client = httpx.Client(transport=httpx.MockTransport(recorder), base_url=BASE)
    return wp.ProductionService(BASE, TOKEN, http_client=client, retry=FAST)


def _query(request: httpx.Request) -> list[tuple[str, str]]:
    return parse_qsl(request.url.query.decode("ascii"), keep_blank_values=True)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(serial=identifier, part=identifier)
def test_hostile_identifiers_stay_inside_their_path_segment(serial: str, part: str) -> None:
    recorder = Recorder()
    recorder.add(200, {"serialNumber": serial, "partNumber": part})
    with _service(recorder) as wats:
        wats.get_unit(serial, part)
    (request,) = recorder.requests
    raw = request.url.raw_path.decode("ascii")
    assert "?" not in raw and "#" not in raw
    segments = raw.split("/")
    assert segments[:4] == ["", "api", "Production", "Unit"]
    assert len(segments) == 6
    assert [unquote(s) for s in segments[4:]] == [serial, part]
    assert request.url.host == "wats.example.com"
    assert _query(request) == []


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(serial=identifier, part=identifier, child=identifier, ref=identifier)
def test_hostile_identifiers_stay_inside_their_query_value(
    serial: str, part: str, child: str, ref: str
) -> None:
    recorder = Recorder()
    recorder.add(200)
    recorder.add(200)
    recorder.add(200, text=take_xml("SN1"), content_type="application/xml")
    with _service(recorder) as wats:
        wats.set_unit_phase(serial, part, "Finalized")
        wats.add_child_unit(serial, part, child, ref)
        wats.take_serial_numbers(part, 1, ref_serial_number=ref, station_name=child)
    phase, add, take = recorder.requests
    assert phase.url.path == "/api/Production/SetUnitPhase"
    assert _query(phase) == [("serialNumber", serial), ("partNumber", part), ("phase", "16")]
    assert add.url.path == "/api/Production/AddChildUnit"
    assert dict(_query(add)) == {
        "parentSerialNumber": serial,
        "parentPartNumber": part,
        "childSerialNumber": child,
        "childPartNumber": ref,
    }
    assert len(_query(add)) == 4
    assert take.url.path == "/api/Production/SerialNumbers/Take"
    assert sorted(k for k, _ in _query(take)) == [
        "format",
        "quantity",
        "refSN",
        "serialNumberType",
        "stationName",
    ]
    assert dict(_query(take))["refSN"] == ref
    for request in (phase, add, take):
        assert request.url.host == "wats.example.com"
        assert request.url.fragment == ""


@pytest.mark.parametrize(
    "serial",
    [
        "../../App/Version",
        "A/B",
        "SN?x=1",
        "SN#frag",
        "%2F..%2F",
        "SN 1+2",
        "ünï/ç😀",
        "a&phase=32",
    ],
)
def test_hostile_serials_round_trip_through_the_mock(app: MockApp, serial: str) -> None:
    client = httpx.Client(transport=MockSyncTransport(app), base_url="http://wats-mock")
    with wp.ProductionService("http://wats-mock", "d2F0czptb2Nr", http_client=client) as wats:
        wats.save_units([wp.Unit(serial_number=serial, part_number="PCBA-100", revision="A")])
        wats.set_unit_phase(serial, "PCBA-100", "Finalized")
        unit = wats.get_unit(serial, "PCBA-100")
    client.close()
    assert unit.serial_number == serial
    assert unit.phase == wp.UnitPhase.FINALIZED
    assert app.store.units[(serial, "PCBA-100")].phase == 16


@pytest.mark.parametrize(
    ("call", "error"),
    [
        (lambda w: w.get_unit("", "P"), wp.WatsInputError),
        (lambda w: w.get_unit("SN\r\nX-Injected: 1", "P"), wp.WatsInputError),
        (lambda w: w.get_unit("SN\x00", "P"), wp.WatsInputError),
        (lambda w: w.take_serial_numbers("T", 0), wp.WatsInputError),
        (lambda w: w.delete_unit_change(2**31), wp.WatsInputError),
        (lambda w: w.set_unit_phase("S", "P", "Sideways"), wp.InvalidPhaseError),
        (lambda w: w.get_unit(12, "P"), TypeError),
    ],
    ids=["blank", "crlf", "nul", "quantity", "int32", "phase", "type"],
)
def test_bad_input_is_refused_before_sending(call: Any, error: type[Exception]) -> None:
    recorder = Recorder()
    with _service(recorder) as wats, pytest.raises(error):
        call(wats)
    assert recorder.requests == []

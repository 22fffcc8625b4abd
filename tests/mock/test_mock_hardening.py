"""The mock cannot be crashed or poisoned (issue 16, point 9).

Targeted cases first (each was a 500, a crash or a poisoned state before), then a
raw-socket fuzz run against the mock served by uvicorn on loopback: seeded, bounded in
requests and time, every answer below 500, and the mock still healthy afterwards.
"""

from __future__ import annotations

import base64
import json
import random
import socket
import time
from collections.abc import Iterator

import httpx
import pytest

from pywats_production.mock import MockApp, MockSyncTransport, create_app, run_in_thread

TOKEN = base64.b64encode(b"hard:ened").decode()
AUTH = {"Authorization": f"Basic {TOKEN}"}
UNITS = "/api/Production/Units"
JSON = {"content-type": "application/json"}


@pytest.fixture
def app() -> Iterator[MockApp]:
    mock = create_app(seed="demo", token=TOKEN, strict=True)
    yield mock
    assert mock.violations == [], [str(v) for v in mock.violations]


@pytest.fixture
def client(app: MockApp) -> Iterator[httpx.Client]:
    with httpx.Client(
        transport=MockSyncTransport(app), base_url="http://wats-mock", headers=AUTH
    ) as c:
        yield c


def _healthy(client: httpx.Client) -> None:
    assert client.get("/api/Production/Units/Changes", params={"maxCount": 50}).status_code == 200
    assert client.get("/api/Production/Unit/SN0001/PCBA-100").status_code in (200, 404)
    assert client.get("/api/App/Version").status_code == 200


def test_body_over_the_limit_is_413(client: httpx.Client) -> None:
    """A body over ``max_body_bytes`` (32 MiB by default) is refused with 413."""
    big = b"[" + b'{"serialNumber":"S","partNumber":"P"},' * 900_000 + b"{}]"
    assert len(big) > 32 * 1024 * 1024
    response = client.put(UNITS, content=big, headers=JSON)
    assert response.status_code == 413
    assert "larger than" in response.text  # in the mock's error style (text by default)
    _healthy(client)


def test_body_limit_is_configurable() -> None:
    app = create_app(seed="demo", token=TOKEN, max_body_bytes=1024)
    with httpx.Client(
        transport=MockSyncTransport(app), base_url="http://wats-mock", headers=AUTH
    ) as client:
        body = json.dumps([{"serialNumber": f"S{i}", "partNumber": "P"} for i in range(40)])
        assert client.put(UNITS, content=body, headers=JSON).status_code == 413
        assert client.put(UNITS, content=body[:0] + "[]", headers=JSON).status_code == 200


def test_lone_surrogate_cannot_poison_the_feed(client: httpx.Client) -> None:
    """PUT Units with ``"\\ud800"`` is a 400 and every later read still works."""
    body = b'[{"serialNumber":"SN\\ud800","partNumber":"PCBA-100"}]'
    response = client.put(UNITS, content=body, headers=JSON)
    assert response.status_code == 400
    key_body = b'[{"serialNumber":"SN1","partNumber":"PCBA-100","x\\udfff":1}]'
    assert client.put(UNITS, content=key_body, headers=JSON).status_code == 400
    _healthy(client)


@pytest.mark.parametrize("depth", [40, 5_000, 200_000])
def test_nested_json_is_400(client: httpx.Client, depth: int) -> None:
    """Nested past 32 levels (or past what the parser can): 400, never 500 or a crash."""
    body = b"[" * depth + b"]" * depth
    assert client.put(UNITS, content=body, headers=JSON).status_code == 400
    inner = (
        b'[{"serialNumber":"S","partNumber":"P","xmlData":' + b"[" * depth + b"]" * depth + b"}]"
    )
    assert client.put(UNITS, content=inner, headers=JSON).status_code == 400
    _healthy(client)


def test_csv_field_over_128_kib_is_400(client: httpx.Client) -> None:
    """The csv module refuses a field over 128 KiB: that is the file's fault, a 400."""
    data = b'SerialNumber\n"' + b"A" * 200_000 + b'"\n'
    response = client.put(
        "/api/Production/SerialNumbers",
        params={"serialNumberType": "SerialNumber", "format": "CSV"},
        files={"file": ("numbers.csv", data, "text/csv")},
    )
    assert response.status_code == 400
    _healthy(client)


@pytest.mark.parametrize("count", [10**15, -5])
def test_admin_seed_with_a_huge_count_is_400(client: httpx.Client, count: int) -> None:
    """A seed pool of 10**15 addresses was a MemoryError (500); now a 400."""
    seed = {"serialNumberTypes": [{"name": "Huge", "addresses": {"start": "N0", "count": count}}]}
    response = client.post("/_mock/seed", json=seed)
    assert response.status_code == 400
    _healthy(client)


def test_admin_body_limit_and_depth(client: httpx.Client) -> None:
    assert client.post("/_mock/seed", content=b"[" * 100_000 + b"]" * 100_000).status_code == 400
    assert client.post("/_mock/seed", content=b" " * (33 * 1024 * 1024)).status_code == 413


# --------------------------------------------------------------------- raw-socket fuzz

PATHS = [
    "/api/Production/Unit/SN0001/PCBA-100",
    "/api/Production/Units",
    "/api/Production/SetUnitPhase?serialNumber=SN0001&partNumber=PCBA-100&phase=2",
    "/api/Production/SetUnitProcess?serialNumber=SN0001&partNumber=PCBA-100&processName=ICT",
    "/api/Production/UnitVerification?serialNumber=SN0001&partNumber=PCBA-100",
    "/api/Production/AddChildUnit?parentSerialNumber=A&parentPartNumber=B&childSerialNumber=C"
    "&childPartNumber=D&checkPartNumber=E&checkRevision=F",
    "/api/Production/CheckChildUnits?parentSerialNumber=A&parentPartNumber=B",
    "/api/Production/SerialNumbers/Types",
    "/api/Production/SerialNumbers/Take?serialNumberType=SerialNumber&quantity=2&refSN=R",
    "/api/Production/SerialNumbers/ByRange?serialNumberType=SerialNumber&startAddress=A",
    "/api/Production/SerialNumbers?serialNumberType=SerialNumber&format=CSV",
    "/api/Production/Batches",
    "/api/Production/Units/Changes?maxCount=5",
    "/api/Production/Units/Changes/1",
    "/api/App/Version",
    "/api/App/Processes",
    "/_mock/seed",
    "/_mock/faults",
    "/_mock/process-results",
]
METHODS = ["GET", "PUT", "POST", "DELETE", "PATCH", "OPTIONS", "HEAD", "G\x00T"]
BODIES: list[bytes] = [
    b"",
    b"[" * 3000 + b"]" * 3000,
    b'[{"serialNumber":"SN\\ud800","partNumber":"PCBA-100"}]',
    b'[{"serialNumber":"S","partNumber":"P","unitPhaseId":1e309}]',
    b'[{"serialNumber":"S","partNumber":"P","serialDate":"9999-99-99"}]',
    b'{"batchNumber":"\\udfff"}',
    b'[{"batchNumber":"B","batchSize":-1e400}]',
    b"\xff\xfe\x00garbage",
    b'{"serialNumberTypes":[{"name":"X","addresses":{"start":"1","count":1e20}}]}',
    b'{"faults":[{"operation":"*","status":999}]}',
    b'{"faults":[{"operation":"*","latency_ms":1e12}]}',
    b'[{"status":"Passed","processCode":1e400,"serialNumber":"S"}]',
    b'{"a":' * 40 + b"1" + b"}" * 40,
]


def _mutate(rng: random.Random, text: str) -> str:
    choice = rng.randrange(6)
    if choice == 0:
        return text
    if choice == 1:  # a hostile percent-escape somewhere
        i = rng.randrange(len(text))
        return (
            text[:i] + rng.choice(["%", "%zz", "%00", "%ED%A0%80", "%FF", "/../", "//"]) + text[i:]
        )
    if choice == 2:  # a very long segment
        return text + "/" + "A" * rng.choice([300, 9000])
    if choice == 3:  # a query parameter doubled or emptied
        return text + rng.choice(
            ["&quantity=0", "&quantity=-1", "&phase=abc", "&maxCount=99999999999", "&x="]
        )
    if choice == 4:
        return text.upper()
    return text.replace("=", "=\u00e9", 1)


# The operations that take a body, with their method: a third of the requests go to one
# of them with well-formed framing, so hostile bodies reach the handlers.
BODY_TARGETS = [
    ("PUT", "/api/Production/Units"),
    ("PUT", "/api/Production/Batches"),
    ("POST", "/_mock/seed"),
    ("POST", "/_mock/process-results"),
    ("POST", "/_mock/faults"),
]


def _request(rng: random.Random) -> bytes:
    method = rng.choice(METHODS)
    path = _mutate(rng, rng.choice(PATHS))
    body = rng.choice(BODIES)
    if rng.random() < 0.35:
        method, path = rng.choice(BODY_TARGETS)
        body = rng.choice(BODIES[1:])
        head = (
            f"{method} {path} HTTP/1.1\r\nHost: x\r\nAuthorization: Basic {TOKEN}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
            "Connection: close\r\n\r\n"
        )
        return head.encode() + body
    headers = ["Host: 127.0.0.1", f"Authorization: Basic {TOKEN}"]
    ctype = rng.choice(
        [
            "application/json",
            "text/csv",
            "multipart/form-data; boundary=x",
            "",
            "application/json; charset=utf-16",
        ]
    )
    if ctype:
        headers.append(f"Content-Type: {ctype}")
    framing = rng.randrange(4)
    if framing == 0:
        headers.append(f"Content-Length: {len(body)}")
        payload = body
    elif framing == 1:  # chunked, possibly with a broken chunk size
        size = format(len(body), "x") if rng.random() < 0.8 else "zz"
        headers.append("Transfer-Encoding: chunked")
        payload = f"{size}\r\n".encode() + body + b"\r\n0\r\n\r\n"
    elif framing == 2:  # a length that lies (shorter than sent)
        headers.append(f"Content-Length: {max(len(body) // 2, 0)}")
        payload = body
    else:
        payload = b""
    if rng.random() < 0.1:
        headers.append("X-Junk: " + "\u00ff" * 50)
    head = f"{method} {path} HTTP/1.1\r\n" + "\r\n".join(headers) + "\r\nConnection: close\r\n\r\n"
    return head.encode("utf-8", "surrogateescape") + payload


def _status(raw: bytes) -> int | None:
    line = raw.split(b"\r\n", 1)[0].split()
    return int(line[1]) if len(line) >= 2 and line[1].isdigit() else None


def _send(port: int, data: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        try:
            sock.sendall(data)
            sock.shutdown(socket.SHUT_WR)
        except OSError:
            pass  # the server may refuse before reading all of it
        chunks = []
        try:
            while True:
                chunk = sock.recv(65536)
                if not chunk:
                    break
                chunks.append(chunk)
        except (TimeoutError, ConnectionResetError):
            pass
    return b"".join(chunks)


def test_raw_socket_fuzz_never_gets_a_5xx() -> None:
    """Invariants: no answer of 500 or above to any request; a request uvicorn cannot
    parse gets a 400 or a closed connection; the mock answers normal requests after the
    run exactly as before it (no poisoned state); the mock records no contract violation.
    """
    app = create_app(seed="demo", token=TOKEN, strict=True)
    rng = random.Random(20261128)
    statuses: dict[int | None, int] = {}
    server_errors: list[str] = []
    started = time.monotonic()
    with run_in_thread(app) as url:
        port = int(url.rsplit(":", 1)[1])
        count = 0
        while count < 400 and time.monotonic() - started < 60:
            request = _request(rng)
            status = _status(_send(port, request))
            statuses[status] = statuses.get(status, 0) + 1
            if status is not None and status >= 500:
                server_errors.append(f"{status}: {request[:160]!r}")
            count += 1
        with httpx.Client(base_url=url, headers=AUTH) as client:
            _healthy(client)
            listed = client.get("/api/Production/SerialNumbers/Types")
            assert listed.status_code == 200 and json.loads(listed.content)
    print(f"\nraw-socket fuzz: {count} requests, statuses {sorted(statuses.items(), key=str)}")
    assert count >= 100
    assert server_errors == [], "\n".join(server_errors[:10])
    assert sum(n for s, n in statuses.items() if s is not None and s < 500) > count // 2
    assert app.violations == [], [str(v) for v in app.violations]


def test_huge_upload_over_a_socket_is_413_without_reading_it() -> None:
    """A 256 MB PUT announced by Content-Length: 413 before the body is read (it peaked
    at 2.8 GB, then 500); a chunked one without a length is cut at the limit as well."""
    app = create_app(seed="demo", token=TOKEN, strict=True)
    with run_in_thread(app) as url:
        port = int(url.rsplit(":", 1)[1])
        head = (
            f"PUT {UNITS} HTTP/1.1\r\nHost: x\r\nAuthorization: Basic {TOKEN}\r\n"
            "Content-Type: application/json\r\nContent-Length: 268435456\r\n\r\n"
        ).encode()
        assert _status(_send(port, head + b"[" * 65536)) == 413
        chunked = (
            f"PUT {UNITS} HTTP/1.1\r\nHost: x\r\nAuthorization: Basic {TOKEN}\r\n"
            "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
        ).encode()
        block = b"[" * (1 << 20)
        body = b"".join(f"{len(block):x}\r\n".encode() + block + b"\r\n" for _ in range(40))
        assert _status(_send(port, chunked + body + b"0\r\n\r\n")) == 413
        with httpx.Client(base_url=url, headers=AUTH) as client:
            _healthy(client)

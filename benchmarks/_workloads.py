"""The workloads. Each returns its figures and the table rows they give.

Convention: every ratio is a cost ratio, ours ÷ baseline (time per call, time per unit,
seconds, MiB), so lower is better and 1.0 means "same cost".
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import statistics
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx

from ._servers import POOL_TYPE, TOKEN, bare_server
from ._timing import once, per_call, per_call_async, ratio

ROOT = Path(__file__).resolve().parent.parent
RICH_UNIT = ("BENCH-0001", "PCBA-100")  # a unit of a seeded product (product + revision)
PLAIN_UNIT = ("BENCH-0002", "BENCH-NOPROD")  # a unit of no known product (pywats-api parses it)
AUTH = {"Authorization": f"Basic {TOKEN}", "Accept": "application/json"}


@dataclass
class Settings:
    """Sizes and repetitions of one run."""

    quick: bool
    rounds: int = 15
    calls: int = 200
    bulk_rounds: int = 7
    units: int = 10_000
    numbers: int = 10_000
    import_runs: int = 21
    throughput_requests: int = 4_000
    concurrency: int = 16

    @classmethod
    def make(cls, quick: bool) -> Settings:
        """Full settings, or small ones for a smoke run."""
        if quick:
            return cls(
                quick=True,
                rounds=3,
                calls=20,
                bulk_rounds=1,
                units=2_000,
                numbers=2_000,
                import_runs=3,
                throughput_requests=300,
            )
        return cls(quick=False)


@dataclass
class Row:
    """One line of the results table."""

    workload: str
    setting: str
    ours: str
    baseline_name: str
    baseline: str
    ratio: float
    target: str = ""
    met: bool | None = None
    note: str = ""


@dataclass
class Result:
    """Figures of one workload (for the JSON) and its table rows."""

    figures: dict[str, object] = field(default_factory=dict)
    rows: list[Row] = field(default_factory=list)


def _us(seconds: float) -> str:
    return f"{seconds * 1e6:,.0f} µs"


def _ms(seconds: float) -> str:
    return f"{seconds * 1e3:,.1f} ms"


def _rate(count: int, seconds: float, unit: str) -> str:
    return f"{count / seconds:,.0f} {unit}/s"


def _unit_path(sn: str, pn: str) -> str:
    return f"/api/Production/Unit/{quote(sn, safe='')}/{quote(pn, safe='')}"


def seed_units(url: str) -> None:
    """Create the units the workloads read (an upsert, harmless to repeat)."""
    body = [
        {"serialNumber": sn, "partNumber": pn, "revision": "A"}
        for sn, pn in (RICH_UNIT, PLAIN_UNIT)
    ]
    httpx.put(f"{url}/api/Production/Units", json=body, headers=AUTH, timeout=30).raise_for_status()


# ------------------------------------------------------------------------- get_unit


def get_unit(url: str, app_factory: Callable[[], object], s: Settings) -> Result:
    """get_unit per call: loopback sync and async, in-process, and the client alone."""
    import pywats_production as wp
    from pywats_production.mock import MockSyncTransport

    sn, pn = RICH_UNIT
    path = _unit_path(sn, pn)
    result = Result()

    def raw_sync(client: httpx.Client) -> Callable[[], object]:
        def call() -> object:
            response = client.get(path)
            response.raise_for_status()
            return json.loads(response.content)

        return call

    # Loopback, sync.
    with wp.ProductionService(url, TOKEN) as sdk, httpx.Client(base_url=url, headers=AUTH) as raw:
        sync = per_call(
            {"sdk": lambda: sdk.get_unit(sn, pn), "raw": raw_sync(raw)},
            rounds=s.rounds,
            calls=s.calls,
        )
        body = raw.get(path).content

    # Loopback, async.
    async def loopback_async() -> dict[str, float]:
        async with (
            wp.AsyncProductionService(url, TOKEN) as asdk,
            httpx.AsyncClient(base_url=url, headers=AUTH) as araw,
        ):

            async def raw_async() -> object:
                response = await araw.get(path)
                response.raise_for_status()
                return json.loads(response.content)

            return await per_call_async(
                {"sdk": lambda: asdk.get_unit(sn, pn), "raw": raw_async},
                rounds=s.rounds,
                calls=s.calls,
            )

    async_figures = asyncio.run(loopback_async())

    # In-process: the mock app through its transport (no sockets), same client for both.
    app = app_factory()
    with httpx.Client(
        transport=MockSyncTransport(app),  # type: ignore[arg-type]
        base_url="http://wats-mock",
        headers=AUTH,
    ) as client:
        sdk_in = wp.ProductionService("http://wats-mock", TOKEN, http_client=client)
        inproc = per_call(
            {"sdk": lambda: sdk_in.get_unit(sn, pn), "raw": raw_sync(client)},
            rounds=s.rounds,
            calls=s.calls,
        )

    # The client alone: the same answer from a canned transport (no server at all).
    def canned(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=body, headers={"content-type": "application/json"})

    with httpx.Client(
        transport=httpx.MockTransport(canned), base_url="http://wats", headers=AUTH
    ) as client:
        sdk_given = wp.ProductionService("http://wats", TOKEN, http_client=client)
        sdk_own = wp.ProductionService("http://wats", TOKEN)
        # The service's own client, pointed at the same canned transport.
        sdk_own._client._transport = httpx.MockTransport(canned)
        alone = per_call(
            {
                "sdk": lambda: sdk_own.get_unit(sn, pn),
                "sdk_given_client": lambda: sdk_given.get_unit(sn, pn),
                "raw": raw_sync(client),
            },
            rounds=s.rounds,
            calls=s.calls * 3,
        )

    result.figures = {
        "loopback_sync_s": sync,
        "loopback_async_s": async_figures,
        "in_process_s": inproc,
        "client_only_s": alone,
        "body_bytes": len(body),
    }
    target = "≤ 1.15"
    for setting, figures in (
        ("loopback mock, sync", sync),
        ("loopback mock, async", async_figures),
        ("in-process mock", inproc),
    ):
        r = ratio(figures["sdk"], figures["raw"])
        result.rows.append(
            Row(
                "get_unit per call",
                setting,
                _us(figures["sdk"]),
                "raw httpx GET + json.loads",
                _us(figures["raw"]),
                r,
                target,
                r <= 1.15,
            )
        )
    for name, label in (("sdk", "own client"), ("sdk_given_client", "http_client= given")):
        r = ratio(alone[name], alone["raw"])
        result.rows.append(
            Row(
                "get_unit per call",
                f"client only (canned answer), {label}",
                _us(alone[name]),
                "raw httpx GET + json.loads",
                _us(alone["raw"]),
                r,
                target,
                r <= 1.15,
                note="no server: the SDK's own cost, undiluted",
            )
        )
    return result


# ----------------------------------------------------------------------- save_units


def save_units(url: str, app_factory: Callable[[], object], s: Settings) -> Result:
    """save_units of N units, chunked 500 and 4 chunks at a time, vs raw httpx doing the same."""
    import pywats_production as wp
    from pywats_production._async_service import DEFAULT_CHUNK_SIZE
    from pywats_production.mock import MockAsyncTransport

    units = [
        wp.Unit(serial_number=f"BULK{i:07d}", part_number="PCBA-100", revision="A")
        for i in range(s.units)
    ]
    chunk, concurrency = DEFAULT_CHUNK_SIZE, 4
    chunks = [units[i : i + chunk] for i in range(0, len(units), chunk)]

    def wire(part: list[wp.Unit]) -> list[dict[str, str | None]]:
        # What a hand-written client does: the same members from the same Unit objects.
        return [
            {"serialNumber": u.serial_number, "partNumber": u.part_number, "revision": u.revision}
            for u in part
        ]

    def contenders(
        service: wp.AsyncProductionService, client: httpx.AsyncClient
    ) -> dict[str, Callable[[], object]]:
        async def raw() -> None:
            for start in range(0, len(chunks), concurrency):
                answers = await asyncio.gather(
                    *(
                        client.put("/api/Production/Units", json=wire(c))
                        for c in chunks[start : start + concurrency]
                    )
                )
                for answer in answers:
                    answer.raise_for_status()
                    json.loads(answer.content)

        async def sdk() -> None:
            result = await service.save_units(units)
            assert result.error_count == 0, result

        return {"sdk": sdk, "raw": raw}

    def measure(
        make: Callable[[], tuple[wp.AsyncProductionService, httpx.AsyncClient]],
    ) -> dict[str, float]:
        async def main() -> dict[str, float]:
            service, client = make()
            fns = contenders(service, client)
            samples: dict[str, list[float]] = {k: [] for k in fns}
            for fn in fns.values():
                await fn()  # type: ignore[misc]
            for index in range(s.bulk_rounds):
                for name in list(fns) if index % 2 == 0 else list(fns)[::-1]:
                    start = time.perf_counter()
                    await fns[name]()  # type: ignore[misc]
                    samples[name].append(time.perf_counter() - start)
            await client.aclose()
            await service.close()
            return {k: statistics.median(v) for k, v in samples.items()}

        return asyncio.run(main())

    loopback = measure(
        lambda: (
            wp.AsyncProductionService(url, TOKEN, save_concurrency=concurrency),
            httpx.AsyncClient(base_url=url, headers=AUTH, timeout=60),
        )
    )
    app = app_factory()

    def in_process() -> tuple[wp.AsyncProductionService, httpx.AsyncClient]:
        client = httpx.AsyncClient(
            transport=MockAsyncTransport(app),  # type: ignore[arg-type]
            base_url="http://wats-mock",
            headers=AUTH,
        )
        return (
            wp.AsyncProductionService(
                "http://wats-mock", TOKEN, http_client=client, save_concurrency=concurrency
            ),
            client,
        )

    inproc = measure(in_process)

    # The client alone: every PUT answered by a canned transport (no server at all).
    answer = json.dumps({"errorCount": 0, "insertCount": chunk, "updateCount": 0}).encode()

    def canned(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=answer, headers={"content-type": "application/json"})

    def client_only() -> tuple[wp.AsyncProductionService, httpx.AsyncClient]:
        service = wp.AsyncProductionService("http://wats", TOKEN, save_concurrency=concurrency)
        # The service's own client, pointed at the same canned transport.
        service._client._transport = httpx.MockTransport(canned)
        client = httpx.AsyncClient(
            transport=httpx.MockTransport(canned), base_url="http://wats", headers=AUTH
        )
        return service, client

    alone = measure(client_only)
    result = Result(
        figures={
            "units": s.units,
            "chunk_size": chunk,
            "concurrency": concurrency,
            "loopback_s": loopback,
            "in_process_s": inproc,
            "client_only_s": alone,
        }
    )
    for setting, figures, target in (
        ("loopback mock, async", loopback, ""),
        ("in-process mock, async", inproc, ""),
        ("client only (canned answer), async", alone, "≤ 1.30"),
    ):
        r = ratio(figures["sdk"], figures["raw"])
        result.rows.append(
            Row(
                f"save_units {s.units:,} units",
                setting,
                _rate(s.units, figures["sdk"], "units"),
                f"raw httpx: same {len(chunks)} PUTs, dicts built from the Units",
                _rate(s.units, figures["raw"], "units"),
                r,
                target,
                r <= 1.30 if target else None,
                note=f"chunks of {chunk}, {concurrency} in flight",
            )
        )
    return result


# ------------------------------------------------------------------------ iter_units


def iter_units(url: str, s: Settings) -> Result:
    """iter_units over N units in pages of 100 vs raw httpx asking for the same pages."""
    import pywats_production as wp
    from pywats_production.query import KEYSET_ORDER, after_key

    part = "ITER-PN"
    page_size = 100
    body = [
        {"serialNumber": f"ITER{i:06d}", "partNumber": part, "revision": "A"}
        for i in range(s.units)
    ]
    with httpx.Client(base_url=url, headers=AUTH, timeout=120) as client:
        for start in range(0, len(body), 1000):
            put = client.put("/api/Production/Units", json=body[start : start + 1000])
            put.raise_for_status()

        base = f"partNumber eq '{part}'"

        def raw() -> int:
            # The same requests the SDK sends: keyset pages on (serialNumber, partNumber).
            count, after = 0, None
            while True:
                flt = base if after is None else f"({base}) and {after}"
                answer = client.get(
                    "/api/Production/Unit/Query",
                    params={"$filter": flt, "$top": page_size, "$orderby": KEYSET_ORDER},
                )
                answer.raise_for_status()
                page = json.loads(answer.content)
                count += len(page)
                if len(page) < page_size:
                    return count
                after = after_key(page[-1]["serialNumber"], page[-1]["partNumber"])

        # The version is given, as a station pinned to its server would: the one
        # App/Version request of the default is not part of the paging cost.
        with wp.ProductionService(url, TOKEN, server_version="2026.3.0") as service:

            def sdk() -> int:
                return sum(1 for _ in service.iter_units(part_number=part, page_size=page_size))

            assert sdk() == raw() == s.units
            samples: dict[str, list[float]] = {"sdk": [], "raw": []}
            contenders = {"sdk": sdk, "raw": raw}
            # The server's time dominates and is shared with the machine's other work:
            # more rounds than the other bulk workloads steady the medians.
            for index in range(s.bulk_rounds if s.quick else 2 * s.bulk_rounds + 1):
                order = ["sdk", "raw"] if index % 2 == 0 else ["raw", "sdk"]
                for name in order:
                    began = time.perf_counter()
                    contenders[name]()
                    samples[name].append(time.perf_counter() - began)
    figures = {k: statistics.median(v) for k, v in samples.items()}
    pages = -(-s.units // page_size) + (1 if s.units % page_size == 0 else 0)
    return Result(
        figures={"units": s.units, "page_size": page_size, "pages": pages, "loopback_s": figures},
        rows=[
            Row(
                f"iter_units {s.units:,} units",
                "loopback mock, sync, pages of 100",
                _rate(s.units, figures["sdk"], "units"),
                f"raw httpx: same {pages} GETs + json.loads",
                _rate(s.units, figures["raw"], "units"),
                ratio(figures["sdk"], figures["raw"]),
                target="≤ 1.10",
                met=ratio(figures["sdk"], figures["raw"]) <= 1.10,
                note="keyset pages; typed Units vs dicts",
            )
        ],
    )


# --------------------------------------------------------------------------- Take


def _stdlib_parse(body: bytes, fmt: str) -> list[str]:
    if fmt == "XML":
        return [e.get("id", "") for e in ET.fromstring(body).iter("SN")]  # noqa: S314
    return body.decode("utf-8").split()


def take(url: str, s: Settings) -> Result:
    """Take N numbers (XML and CSV): end to end vs raw httpx + stdlib parse; parse alone."""
    import pywats_production as wp
    from pywats_production.serials import parse_take

    result = Result()
    params: dict[str, str | int] = {"serialNumberType": POOL_TYPE, "quantity": s.numbers}
    with (
        wp.ProductionService(url, TOKEN) as sdk,
        httpx.Client(base_url=url, headers=AUTH, timeout=60) as raw,
    ):
        for fmt in ("XML", "CSV"):

            def raw_take(fmt: str = fmt) -> list[str]:
                response = raw.post(
                    "/api/Production/SerialNumbers/Take", params={**params, "format": fmt}
                )
                response.raise_for_status()
                numbers = _stdlib_parse(response.content, fmt)
                assert len(numbers) == s.numbers
                return numbers

            def sdk_take(fmt: str = fmt) -> list[str]:
                numbers = sdk.take_serial_numbers(POOL_TYPE, s.numbers, format=fmt)  # type: ignore[arg-type]
                assert len(numbers) == s.numbers
                return numbers

            end_to_end = once({"sdk": sdk_take, "raw": raw_take}, rounds=s.bulk_rounds * 2 + 1)
            body = raw.post(
                "/api/Production/SerialNumbers/Take", params={**params, "format": fmt}
            ).content

            def sdk_parse(body: bytes = body, fmt: str = fmt) -> list[str]:
                return parse_take(body, fmt)

            def stdlib_parse(body: bytes = body, fmt: str = fmt) -> list[str]:
                return _stdlib_parse(body, fmt)

            parse = once({"sdk": sdk_parse, "stdlib": stdlib_parse}, rounds=s.rounds)
            assert parse_take(body, fmt) == _stdlib_parse(body, fmt)
            result.figures[fmt] = {
                "end_to_end_s": end_to_end,
                "parse_s": parse,
                "body_bytes": len(body),
            }
            result.rows.append(
                Row(
                    f"take_serial_numbers {s.numbers:,}",
                    f"{fmt}, loopback mock, end to end",
                    _rate(s.numbers, end_to_end["sdk"], "numbers"),
                    "raw httpx POST + stdlib parse",
                    _rate(s.numbers, end_to_end["raw"], "numbers"),
                    ratio(end_to_end["sdk"], end_to_end["raw"]),
                )
            )
            baseline = (
                "xml.etree.ElementTree (C, unguarded)" if fmt == "XML" else "bytes.decode().split()"
            )
            result.rows.append(
                Row(
                    f"take_serial_numbers {s.numbers:,}",
                    f"{fmt}, parse only",
                    _rate(s.numbers, parse["sdk"], "numbers"),
                    baseline,
                    _rate(s.numbers, parse["stdlib"], "numbers"),
                    ratio(parse["sdk"], parse["stdlib"]),
                    note="SDK XML: DTD/entities/external refs refused" if fmt == "XML" else "",
                )
            )
    return result


# ------------------------------------------------------------------------- import


# Peak RSS from VmHWM: ru_maxrss of a child of a large process reports the parent's size
# (fork copies the counter); VmHWM belongs to the new program only.
_PROBE = (
    "import time\n"
    "t = time.perf_counter()\n"
    "{stmt}\n"
    "t = time.perf_counter() - t\n"
    "try:\n"
    "    status = open('/proc/self/status').read().split('VmHWM:')[1].split()[0]\n"
    "except (OSError, IndexError):\n"
    "    import resource\n"
    "    status = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
    "print(t, status)\n"
)


def _probe_env(cache: Path) -> dict[str, str]:
    env = dict(os.environ)
    # Installed packages have compiled bytecode; measure that case even where the
    # environment turns writing it off, in a private cache so nothing else is touched.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(cache)
    return env


def _import_once(stmt: str, env: dict[str, str]) -> tuple[float, float]:
    out = subprocess.run(  # noqa: S603 - our own interpreter
        [sys.executable, "-c", _PROBE.format(stmt=stmt)],
        capture_output=True,
        text=True,
        check=True,
        env=env,
        cwd=ROOT,
    ).stdout.split()
    return float(out[0]), int(out[1]) / 1024  # seconds, MiB (both figures are in KiB)


def imports(s: Settings, cache: Path, with_pywats: bool) -> Result:
    """Cold import time and peak memory in fresh interpreters (medians of many runs)."""
    statements = {
        "baseline": "import httpx, attrs",
        "ours": "import pywats_production",
    }
    if with_pywats:
        statements["pywats_api"] = "import pywats"
    env = _probe_env(cache)
    for stmt in statements.values():
        _import_once(stmt, env)  # compile and cache bytecode once
    times: dict[str, list[float]] = {k: [] for k in statements}
    memory: dict[str, list[float]] = {k: [] for k in statements}
    for index in range(s.import_runs):
        names = list(statements) if index % 2 == 0 else list(statements)[::-1]
        for name in names:
            seconds, mib = _import_once(statements[name], env)
            times[name].append(seconds)
            memory[name].append(mib)
    t = {k: statistics.median(v) for k, v in times.items()}
    m = {k: statistics.median(v) for k, v in memory.items()}
    result = Result(figures={"seconds": t, "peak_rss_mib": m, "runs": s.import_runs})
    for what, figures, fmt, limit in (
        ("time", t, _ms, 1.15),
        ("peak memory", m, lambda v: f"{v:.1f} MiB", 1.3),
    ):
        r = ratio(figures["ours"], figures["baseline"])
        result.rows.append(
            Row(
                f"cold import, {what}",
                "fresh interpreter, bytecode cached",
                fmt(figures["ours"]),
                "import httpx, attrs",
                fmt(figures["baseline"]),
                r,
                f"≤ {limit}",
                r <= limit,
            )
        )
    return result


# ------------------------------------------------------------------- mock throughput


async def _load_worker(host: str, port: int, request: bytes, queue: list[int]) -> None:
    reader, writer = await asyncio.open_connection(host, port)
    try:
        while queue:
            queue.pop()
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            status = int(head[9:12])
            if status != 200:
                raise RuntimeError(f"load generator got HTTP {status}")
            length = 0
            for line in head.split(b"\r\n"):
                if line[:15].lower() == b"content-length:":
                    length = int(line[15:])
            await reader.readexactly(length)
    finally:
        writer.close()


def _throughput(url: str, path: str, requests: int, concurrency: int) -> float:
    """Seconds for ``requests`` GETs over ``concurrency`` keep-alive connections.

    A minimal HTTP/1.1 client on asyncio streams (a few µs per request), so that the
    server, not the load generator, is what is measured.
    """
    parsed = httpx.URL(url)
    host, port = parsed.host, parsed.port or 80
    request = (
        f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\n"
        f"Authorization: {AUTH['Authorization']}\r\nAccept: application/json\r\n\r\n"
    ).encode()

    async def main() -> float:
        warm = [0] * (concurrency * 4)
        await asyncio.gather(*(_load_worker(host, port, request, warm) for _ in range(concurrency)))
        queue = [0] * requests
        start = time.perf_counter()
        await asyncio.gather(
            *(_load_worker(host, port, request, queue) for _ in range(concurrency))
        )
        return time.perf_counter() - start

    return asyncio.run(main())


def mock_throughput(url: str, s: Settings) -> Result:
    """Measure the mock's requests/s on loopback against a bare app sending the same bytes."""
    path = _unit_path(*RICH_UNIT)
    body = httpx.get(url + path, headers=AUTH).content
    runs = 3 if not s.quick else 1
    mock_s = statistics.median(
        _throughput(url, path, s.throughput_requests, s.concurrency) for _ in range(runs)
    )
    with bare_server(body) as bare_url:
        bare_s = statistics.median(
            _throughput(bare_url, path, s.throughput_requests, s.concurrency) for _ in range(runs)
        )
    result = Result(
        figures={
            "requests": s.throughput_requests,
            "concurrency": s.concurrency,
            "mock_s": mock_s,
            "bare_s": bare_s,
            "mock_rps": s.throughput_requests / mock_s,
            "bare_rps": s.throughput_requests / bare_s,
        }
    )
    result.rows.append(
        Row(
            "mock requests/s (GET unit)",
            f"loopback, {s.concurrency} keep-alive connections",
            _rate(s.throughput_requests, mock_s, "req"),
            "bare uvicorn+starlette, same bytes",
            _rate(s.throughput_requests, bare_s, "req"),
            ratio(mock_s, bare_s),
            note="mock: auth, routing, request validation, state",
        )
    )
    return result


# ------------------------------------------------------------------------ pywats-api


def pywats_available() -> bool:
    """Whether pywats-api is importable (it is installed only in the bench session)."""
    try:
        import pywats  # noqa: F401
    except ImportError:
        return False
    return True


def pywats_api(url: str, s: Settings) -> Result:
    """Run the peer client pywats-api 0.6.0rc1 on the same mock: get_unit and Take."""
    from pywats.core.throttle import configure_throttling

    import pywats_production as wp

    # Its default: 500 requests per minute for the whole process. Off for a fair figure.
    configure_throttling(enabled=False)
    import pywats

    # Its GET cache (300 s by default) would answer repeated reads without a request.
    # (Typed Any: its .pyi stub does not list the constructor's real arguments.)
    make_peer: Any = pywats.pyWATS
    peer = make_peer(base_url=url, token=TOKEN, enable_cache=False, timeout=60)
    limiter = peer._http_client._rate_limiter
    assert not limiter.enabled, limiter
    sn, pn = PLAIN_UNIT
    path = _unit_path(sn, pn)
    result = Result()
    with wp.ProductionService(url, TOKEN) as sdk, httpx.Client(base_url=url, headers=AUTH) as raw:

        def raw_call() -> object:
            response = raw.get(path)
            response.raise_for_status()
            return json.loads(response.content)

        unit = peer.production.get_unit(sn, pn)
        assert unit is not None
        assert unit.serial_number == sn
        calls = per_call(
            {
                "sdk": lambda: sdk.get_unit(sn, pn),
                "pywats": lambda: peer.production.get_unit(sn, pn),
                "raw": raw_call,
            },
            rounds=s.rounds,
            calls=max(s.calls // 2, 10),
        )

        def peer_take() -> list[str]:
            numbers: list[str] = peer.production.take_serial_numbers(POOL_TYPE, s.numbers)
            assert len(numbers) == s.numbers
            return numbers

        # Its own service: the numbers it remembers (no SDK reference) must not slow down
        # the default rows, as they would not for a station that keeps the default.
        sdk_plain = wp.ProductionService(url, TOKEN)

        def sdk_take(fmt: str, auto_reference: bool = True) -> Callable[[], list[str]]:
            service = sdk if auto_reference else sdk_plain

            def call() -> list[str]:
                numbers = service.take_serial_numbers(
                    POOL_TYPE,
                    s.numbers,
                    format=fmt,  # type: ignore[arg-type]
                    auto_reference=auto_reference,
                )
                assert len(numbers) == s.numbers
                return numbers

            return call

        takes = once(
            {
                "sdk_xml": sdk_take("XML"),
                "sdk_xml_same_request": sdk_take("XML", auto_reference=False),
                "sdk_csv": sdk_take("CSV"),
                "pywats": peer_take,
            },
            rounds=s.bulk_rounds * 2 + 1,
        )
        sdk_plain.close()
    result.figures = {
        "throttle": "off (configure_throttling(enabled=False))",
        "cache": "off (enable_cache=False)",
        "get_unit_s": calls,
        "take_s": takes,
        "unit": f"{sn}/{pn}",
    }
    note = "pywats-api throttle OFF, GET cache OFF"
    r = ratio(calls["sdk"], calls["pywats"])
    result.rows.append(
        Row(
            "vs pywats-api: get_unit per call",
            "loopback mock, sync",
            _us(calls["sdk"]),
            "pywats-api 0.6.0rc1",
            _us(calls["pywats"]),
            r,
            "< 1",
            r < 1,
            note,
        )
    )
    result.rows.append(
        Row(
            "pywats-api get_unit per call",
            "loopback mock, sync",
            _us(calls["pywats"]),
            "raw httpx GET + json.loads",
            _us(calls["raw"]),
            ratio(calls["pywats"], calls["raw"]),
            note=note,
        )
    )
    for name, label in (
        ("sdk_xml_same_request", "ours XML, same request (auto_reference=False)*"),
        ("sdk_xml", "ours XML, default (auto reference for recovery)"),
        ("sdk_csv", "ours CSV, default"),
    ):
        r = ratio(takes[name], takes["pywats"])
        result.rows.append(
            Row(
                f"vs pywats-api: Take {s.numbers:,}",
                f"loopback mock, {label}",
                _ms(takes[name]),
                "pywats-api (XML, regex)",
                _ms(takes["pywats"]),
                r,
                "< 1",
                r < 1,
                note,
            )
        )
    return result


def pywats_import_rows(figures: dict[str, object]) -> list[Row]:
    """Rows comparing our import with pywats-api's, from the import figures."""
    t = figures["seconds"]
    m = figures["peak_rss_mib"]
    assert isinstance(t, dict)
    assert isinstance(m, dict)
    rows = []
    for what, key, fmt in (("time", t, _ms), ("peak memory", m, lambda v: f"{v:.1f} MiB")):
        r = ratio(key["ours"], key["pywats_api"])
        rows.append(
            Row(
                f"vs pywats-api: cold import, {what}",
                "fresh interpreter, bytecode cached",
                fmt(key["ours"]),
                "import pywats",
                fmt(key["pywats_api"]),
                r,
                "< 1",
                r < 1,
            )
        )
    return rows


def as_dicts(rows: list[Row]) -> list[dict[str, object]]:
    """Rows as plain dicts for the JSON."""
    return [asdict(row) for row in rows]


def normalise_ws(text: str) -> str:
    """Collapse whitespace (used by the table formatter)."""
    return re.sub(r"\s+", " ", text).strip()

"""The verify workload: ``wats-production verify`` of a 10,000-exchange cassette.

The cassette is recorded here from an in-process contract mock (units written, then read
back in a mix of unit, verification, types, processes and feed reads). Ours: the whole
verify (spec checks of request and answer, strict SDK parsing, replay against a fresh
mock and shape comparison). Baseline: validating the same recorded answers with
``jsonschema`` alone (the spec's response schemas, ``Draft4Validator.is_valid``).
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import httpx

from ._timing import once, ratio
from ._workloads import Result, Row, Settings, _rate

_UNITS = 50


def record_cassette(seed: Path, exchanges: int, path: Path) -> None:
    """Record a cassette of ``exchanges`` exchanges from an in-process mock."""
    from pywats_production.capture import RecordingTransport
    from pywats_production.cassette import CassetteHeader, CassetteWriter, Exchange, Scrubber
    from pywats_production.compat import spec_sha256
    from pywats_production.mock import MockSyncTransport, create_app

    app = create_app(seed=seed, strict=False)
    recorded: list[Exchange] = []
    transport = RecordingTransport(MockSyncTransport(app), Scrubber(None), recorded.append)
    with httpx.Client(transport=transport, base_url="http://wats-mock") as client:
        units = [
            {
                "serialNumber": f"V{i:05d}",
                "partNumber": "PCBA-100",
                "revision": "A",
                "batchNumber": None,
                "unitPhaseId": 2,
            }
            for i in range(_UNITS)
        ]
        client.put("/api/Production/Units", json=units).raise_for_status()
        client.get("/api/App/Version")
        reads = (
            lambda i: f"/api/Production/Unit/V{i % _UNITS:05d}/PCBA-100",
            lambda i: f"/api/Production/Unit/V{(i * 7) % _UNITS:05d}/PCBA-100",
            lambda i: f"/api/Production/UnitVerification?serialNumber=V{i % _UNITS:05d}",
            lambda i: "/api/Production/SerialNumbers/Types",
            lambda i: "/api/App/Processes?includeTestOperations=true",
            lambda i: "/api/Production/Units/Changes?maxCount=10",
        )
        i = 0
        while len(recorded) < exchanges:
            client.get(reads[i % len(reads)](i))
            i += 1
    header = CassetteHeader(
        server_version="24.2.0-mock",
        sdk_version="bench",
        spec_version="v1",
        spec_sha256=spec_sha256(),
        base_url="http://wats-mock",
        recorded="2026-01-01T00:00:00+00:00",
    )
    buffer = io.StringIO()
    writer = CassetteWriter(buffer, Scrubber(None))
    writer.header(header)
    for exchange in recorded:
        writer.exchange(exchange)
    path.write_text(buffer.getvalue(), encoding="utf-8")


def verify(seed: Path, work: Path, s: Settings) -> Result:
    """Verify a cassette; the baseline validates its answers with jsonschema alone."""
    from pywats_production.cassette import read_cassette
    from pywats_production.mock._app import default_contract
    from pywats_production.verify import verify_cassette

    count = 1_000 if s.quick else 10_000
    path = work / "verify.jsonl"
    record_cassette(seed, count, path)
    cassette = read_cassette(path)
    contract = default_contract()
    checks = []
    for exchange in cassette.exchanges:
        body = exchange.response_body
        op = contract.operations.get(exchange.operation or "")
        if body is None or body.kind != "json" or op is None:
            continue
        media = (exchange.content_type or "").split(";")[0]
        declared = op.responses.get(exchange.status, {}).get(media)
        if declared is not None and declared.validator is not None:
            checks.append((declared.validator.reference, body.value))

    outcome: dict[str, object] = {}

    def ours() -> None:
        report = verify_cassette(cassette, seed=seed)
        outcome["clean"] = report.clean
        outcome["divergences"] = len(report.divergences)

    def baseline() -> None:
        invalid = sum(1 for validator, value in checks if not validator.is_valid(value))
        outcome["baseline_invalid"] = invalid

    rounds = 1 if s.quick else 3
    times = once({"verify": ours, "jsonschema": baseline}, rounds=rounds)
    result = Result(
        figures={
            "exchanges": len(cassette.exchanges),
            "validated_answers": len(checks),
            "verify_s": times["verify"],
            "jsonschema_s": times["jsonschema"],
            "verify_exchanges_per_s": len(cassette.exchanges) / times["verify"],
            "clean": outcome.get("clean"),
            "divergences": outcome.get("divergences"),
            "cassette_bytes": path.stat().st_size,
        }
    )
    value = ratio(times["verify"], times["jsonschema"])
    result.rows.append(
        Row(
            "verify a cassette",
            f"{len(cassette.exchanges):,} exchanges, in-process mock replay",
            _rate(len(cassette.exchanges), times["verify"], "exchanges"),
            "jsonschema alone on the same answers",
            _rate(len(cassette.exchanges), times["jsonschema"], "exchanges"),
            value,
            target="≤ 3x",
            met=value <= 3.0,
            note="spec + strict SDK + mock shape checks"
            + ("" if outcome.get("clean") else " (NOT clean: see JSON)"),
        )
    )
    json.dumps(result.figures, default=str)  # the figures must be JSON-ready
    return result

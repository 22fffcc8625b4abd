"""The whole path against the contract mock over sockets: capture -> verify clean -> pin ->
MATCHES, and replay answers as the mock did."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import attrs
import httpx
import pytest
from contracthelpers import BOX, PASSWORD, PREFIX, TOKEN, USER, TokenEcho, cli, secret_forms

from pywats_production import AsyncProductionService, ProductionService, Unit
from pywats_production.cassette import read_cassette
from pywats_production.compat import Compatibility
from pywats_production.mock import create_app, run_in_thread
from pywats_production.mock._app import default_contract
from pywats_production.pins import load_pin
from pywats_production.replay import (
    REPLAY_BASE_URL,
    ReplayMismatchError,
    ReplayTransport,
    async_replay_service,
    replay_service,
)

pytest_plugins = ["pytester"]


@pytest.fixture(scope="module")
def mock_url() -> Iterator[str]:
    app = create_app(seed="demo", token=TOKEN)
    with run_in_thread(app) as url:
        yield url
    assert app.violations == [], [str(v) for v in app.violations]


@pytest.fixture(scope="module")
def version(mock_url: str) -> str:
    """The version text the mock answers (whatever its default is)."""
    answer = httpx.get(f"{mock_url}/api/App/Version", headers={"Authorization": f"Basic {TOKEN}"})
    text = answer.json()
    assert isinstance(text, str) and text
    return text


@pytest.fixture(scope="module")
def cassette(mock_url: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("capture") / "mock.jsonl"
    result = cli(
        "capture",
        "--base-url",
        mock_url,
        "--out",
        str(path),
        "--allow-writes",
        "--scratch-prefix",
        PREFIX,
        *BOX,
        env={"WATS_AUTH_TOKEN": TOKEN},
    )
    assert result.code == 0, result.err
    assert "captured" in result.out
    return path


def test_capture_covers_every_operation_of_the_mock(cassette: Path, version: str) -> None:
    recorded = read_cassette(cassette)
    assert set(recorded.operations) == set(default_contract().operations)
    assert recorded.header.server_version == version
    assert recorded.header.mode == "writes"
    assert recorded.header.scratch_prefix == PREFIX
    assert [e.index for e in recorded.exchanges] == list(range(len(recorded.exchanges)))
    # The first line is the versioned header.
    first = json.loads(cassette.read_text(encoding="utf-8").splitlines()[0])
    assert (first["format"], first["formatVersion"], first["kind"]) == (
        "wats-production-cassette",
        1,
        "header",
    )


def test_capture_writes_only_under_the_prefix(cassette: Path) -> None:
    recorded = read_cassette(cassette)
    for exchange in recorded.exchanges:
        if exchange.method == "GET":
            continue
        query = dict(exchange.query)
        for name in ("serialNumber", "parentSerialNumber", "childSerialNumber", "refSN"):
            if name in query:
                assert query[name].startswith(PREFIX), (exchange.operation, query)
        body = exchange.request_body
        if exchange.operation in ("putUnits", "putBatches"):
            assert body is not None and body.kind == "json"
            for item in body.value:  # type: ignore[union-attr]
                key = "serialNumber" if exchange.operation == "putUnits" else "batchNumber"
                assert item[key].startswith(PREFIX)
    deleted = [
        int(e.path_values["id"]) for e in recorded.exchanges if e.operation == "deleteUnitChange"
    ]
    feed = [e for e in recorded.exchanges if e.operation == "getUnitChanges"][-1]
    ours = {
        c["id"]
        for c in feed.response_body.value
        if c["unitSerialNumber"].startswith(PREFIX)  # type: ignore[union-attr]
    }
    assert deleted and set(deleted) == ours


def test_capture_progress_is_one_line_per_exchange_and_quiet_silences_it(
    mock_url: str, tmp_path: Path
) -> None:
    path = tmp_path / "ro.jsonl"
    loud = cli("capture", "--base-url", mock_url, "--token", TOKEN, "--out", str(path))
    assert loud.code == 0, loud.err
    lines = [line for line in loud.err.splitlines() if line.startswith("[")]
    assert len(lines) == len(read_cassette(path).exchanges)
    assert "getServerVersion GET /api/App/Version -> 200" in lines[0]
    quiet = cli("capture", "--base-url", mock_url, "--token", TOKEN, "--out", str(path), "--quiet")
    assert quiet.code == 0 and quiet.err == ""
    recorded = read_cassette(path)
    assert recorded.header.mode == "read-only"
    assert {e.method for e in recorded.exchanges} == {"GET"}


def test_the_token_is_in_no_form_in_the_cassette(cassette: Path) -> None:
    text = cassette.read_text(encoding="utf-8")
    for form in secret_forms():
        assert form not in text, form
    assert "authorization" not in text.lower()
    assert "cookie" not in text.lower()


def test_a_server_echoing_the_token_is_scrubbed(tmp_path: Path) -> None:
    app = create_app(seed="demo", token=TOKEN)
    path = tmp_path / "leak.jsonl"
    with run_in_thread(TokenEcho(app)) as url:  # type: ignore[arg-type]
        result = cli("capture", "--base-url", url, "--token", TOKEN, "--out", str(path), "--quiet")
    assert result.code == 0, result.err
    text = path.read_text(encoding="utf-8")
    # The leak happened (proving the check is not vacuous) and was scrubbed everywhere.
    assert text.count("[redacted]") >= 4
    assert "Basic [redacted] | [redacted] | [redacted] | [redacted]" in text
    assert USER not in text.replace("[redacted]", "")  # it only came as part of user:password
    for form in secret_forms():
        assert form not in text, form
    assert "session=" not in text  # Set-Cookie is not on the allow-list
    assert PASSWORD not in text


def test_verify_is_clean_and_pin_makes_the_version_match(
    cassette: Path, mock_url: str, version: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    verified = cli("verify", str(cassette), "--json", "--quiet")
    assert verified.code == 0, verified.out
    report = json.loads(verified.out)
    assert report["clean"] is True and report["divergences"] == []
    assert report["exchanges"] == len(read_cassette(cassette).exchanges)

    pin_path = tmp_path / "mock.pin.json"
    pinned = cli("pin", str(cassette), "--out", str(pin_path), "--quiet")
    assert pinned.code == 0, pinned.err
    pin = load_pin(pin_path)
    assert pin.server_version == version
    assert set(pin.operations) == set(default_contract().operations)

    with ProductionService(mock_url, TOKEN, pins=[pin_path]) as wats:
        assert wats.config.pinned_server_versions == frozenset({version})
        report_ok = wats.check_compatibility()
    assert report_ok.status is Compatibility.MATCHES, report_ok.reason
    assert "pinned" in report_ok.reason

    other = tmp_path / "other.pin.json"
    data = json.loads(pin_path.read_text())
    data["serverVersion"] = "2026.1.5.324"
    other.write_text(json.dumps(data))
    with ProductionService(mock_url, TOKEN, pins=[other]) as wats:
        report_other = wats.check_compatibility()
    assert report_other.status is Compatibility.DIFFERS
    assert f"{version} is not pinned" in report_other.reason
    assert "2026.1.5.324" in report_other.reason

    # WATS_PINS, a path list, does the same without touching code.
    monkeypatch.setenv("WATS_PINS", os.pathsep.join([str(other), str(pin_path)]))
    with ProductionService(mock_url, TOKEN) as wats:
        assert wats.config.pinned_server_versions == {version, "2026.1.5.324"}
        assert wats.check_compatibility().status is Compatibility.MATCHES


@pytest.mark.anyio
async def test_async_service_pins_match_too(cassette: Path, mock_url: str, tmp_path: Path) -> None:
    pin_path = tmp_path / "a.pin.json"
    assert cli("pin", str(cassette), "--out", str(pin_path), "--quiet").code == 0
    async with AsyncProductionService(mock_url, TOKEN, pins=[pin_path]) as wats:
        assert (await wats.check_compatibility()).status is Compatibility.MATCHES


def test_replay_answers_every_request_as_the_mock_did(cassette: Path) -> None:
    recorded = read_cassette(cassette)
    transport = ReplayTransport(cassette)
    with httpx.Client(transport=transport, base_url=REPLAY_BASE_URL) as client:
        for exchange in recorded.exchanges:
            body = exchange.request_body.to_bytes() if exchange.request_body else None
            url = exchange.path + ("?" + exchange.query_string() if exchange.query else "")
            response = client.request(
                exchange.method, url, content=body, headers=dict(exchange.request_headers)
            )
            assert response.status_code == exchange.status
            expected = exchange.response_body.to_bytes() if exchange.response_body else b""
            assert response.content == expected
            assert response.headers.get("content-type") == exchange.content_type
    assert transport.unused == ()


def _units(cassette: Path) -> list[tuple[str, str, dict[str, object]]]:
    return [
        (e.path_values["serialNumber"], e.path_values["partNumber"], e.response_body.value)  # type: ignore[union-attr,misc]
        for e in read_cassette(cassette).exchanges
        if e.operation == "getUnit" and e.status == 200
    ]


def test_replay_service_gives_what_the_mock_gave_and_refuses_the_unknown(
    cassette: Path, version: str
) -> None:
    units = _units(cassette)
    with replay_service(cassette, strict=True) as wats:
        assert wats.server_version().text == version
        for sn, pn, body in units:
            assert wats.get_unit(sn, pn) == Unit.from_json(body)
        with pytest.raises(ReplayMismatchError) as caught:
            wats.get_unit(units[0][0], units[0][1])  # used up: the next answer is not held
        assert caught.value.operation == "getUnit"
        assert "unused" in str(caught.value) or "used" in str(caught.value)
        with pytest.raises(ReplayMismatchError, match=r"holds no getUnit|none for"):
            wats.get_unit("NEVER-RECORDED", "PCBA-100")


@pytest.mark.anyio
async def test_async_replay_service(cassette: Path, version: str) -> None:
    units = _units(cassette)
    async with async_replay_service(cassette, strict=True) as wats:
        assert (await wats.server_version()).text == version
        sn, pn, body = units[0]
        assert await wats.get_unit(sn, pn) == Unit.from_json(body)
        with pytest.raises(ReplayMismatchError):
            await wats.get_unit("NEVER-RECORDED", "PCBA-100")


def test_pytest_marker_and_fixture(cassette: Path, pytester: pytest.Pytester) -> None:
    sn, pn, _ = _units(cassette)[0]
    (pytester.path / "cassettes").mkdir()
    (pytester.path / "cassettes" / "wats.jsonl").write_bytes(cassette.read_bytes())
    pytester.makepyfile(
        f"""
        import pytest

        @pytest.mark.wats_cassette("cassettes/wats.jsonl")
        def test_station(wats_replay_service):
            unit = wats_replay_service.get_unit({sn!r}, {pn!r})
            assert unit.serial_number == {sn!r}

        @pytest.mark.wats_cassette("cassettes/wats.jsonl")
        def test_station_async(wats_replay_async_service):
            import asyncio

            unit = asyncio.run(wats_replay_async_service.get_unit({sn!r}, {pn!r}))
            assert unit.part_number == {pn!r}

        def test_without_marker(wats_replay_service):
            pass
        """
    )
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=2, errors=1)
    result.stdout.fnmatch_lines(["*need @pytest.mark.wats_cassette(PATH)*"])


def test_pin_of_a_cassette_from_another_contract_differs(
    cassette: Path, version: str, tmp_path: Path
) -> None:
    from pywats_production.compat import compare
    from pywats_production.models import ServerVersion

    pin_path = tmp_path / "p.json"
    assert cli("pin", str(cassette), "--out", str(pin_path), "--quiet").code == 0
    pin = load_pin(pin_path)
    stale = attrs.evolve(pin, spec_sha256="0" * 64)
    report = compare(ServerVersion.parse(version), pins=[stale])
    assert report.status is Compatibility.DIFFERS
    assert "another contract" in report.reason
    assert compare(ServerVersion.parse(version), pins=[pin]).status is Compatibility.MATCHES
    assert compare(None, pins=[pin]).status is Compatibility.UNKNOWN


def test_cli_version_answers_by_the_pins_of_wats_pins(
    cassette: Path, mock_url: str, tmp_path: Path
) -> None:
    pin_path = tmp_path / "v.pin.json"
    assert cli("pin", str(cassette), "--out", str(pin_path), "--quiet").code == 0
    env = {"WATS_BASE_URL": mock_url, "WATS_AUTH_TOKEN": TOKEN}
    pinned = cli("version", "--json", env={**env, "WATS_PINS": str(pin_path)})
    assert pinned.code == 0, pinned.err
    assert json.loads(pinned.out)["compatibility"] == "matches"
    assert "is pinned" in json.loads(pinned.out)["reason"]
    unpinned = cli("version", "--json", env=env)
    assert "pinned" not in json.loads(unpinned.out)["reason"]  # the known-lines rule
    missing = cli("version", env={**env, "WATS_PINS": str(tmp_path / "gone.json")})
    assert missing.code == 2
    assert "cannot read pin file" in missing.err


def _rewrite(cassette: Path, out: Path, change: object) -> Path:
    lines = cassette.read_text(encoding="utf-8").splitlines()
    changed = [lines[0]]
    for line in lines[1:]:
        data = json.loads(line)
        change(data)  # type: ignore[operator]
        changed.append(json.dumps(data))
    out.write_text("\n".join(changed) + "\n", encoding="utf-8")
    return out


def test_verify_names_a_request_off_the_contract(cassette: Path, tmp_path: Path) -> None:
    def drop_serial(data: dict[str, object]) -> None:
        if data["operation"] == "getUnitVerification":
            request = data["request"]
            request["query"] = [q for q in request["query"] if q[0] != "serialNumber"]  # type: ignore[index]

    report = json.loads(
        cli(
            "verify",
            str(_rewrite(cassette, tmp_path / "r.jsonl", drop_serial)),
            "--json",
            "--quiet",
        ).out
    )
    requests = [d for d in report["divergences"] if d["check"] == "spec-request"]
    assert requests and all(d["operation"] == "getUnitVerification" for d in requests)
    assert "serialNumber" in requests[0]["message"]
    assert requests[0]["specLocation"] == (
        "spec/production-api.yaml#/paths/~1api~1Production~1UnitVerification/get/parameters/0"
    )


def test_verify_compares_xml_and_csv_shapes(cassette: Path, tmp_path: Path) -> None:
    def rename_xml_and_csv(data: dict[str, object]) -> None:
        response = data["response"]
        body = response["body"]  # type: ignore[index]
        if data["operation"] != "takeSerialNumbers" or not body:
            return
        text = body["text"]
        if "<SN " in text:
            body["text"] = text.replace("<SN ", "<Number ")
        else:
            body["text"] = "Serial\n" + text

    report = json.loads(
        cli(
            "verify",
            str(_rewrite(cassette, tmp_path / "x.jsonl", rename_xml_and_csv)),
            "--json",
            "--quiet",
        ).out
    )
    messages = [d["message"] for d in report["divergences"] if d["check"] == "mock"]
    assert any("the server's XML has /SerialNumbers/Number" in m for m in messages), messages
    assert any("the mock's XML has /SerialNumbers/SN" in m for m in messages), messages
    assert any("only the server's answer has a header line" in m for m in messages), messages


def test_verify_names_a_different_status(cassette: Path, tmp_path: Path) -> None:
    def not_found(data: dict[str, object]) -> None:
        if data["operation"] == "getServerVersion":
            data["response"] = {"status": 404, "headers": {}, "body": None}

    report = json.loads(
        cli(
            "verify", str(_rewrite(cassette, tmp_path / "s.jsonl", not_found)), "--json", "--quiet"
        ).out
    )
    found = [d for d in report["divergences"] if d["operation"] == "getServerVersion"]
    assert {d["check"] for d in found} == {"spec-response", "mock"}
    assert any("the server answered 404, the mock 200" in d["message"] for d in found)


def test_read_only_capture_of_named_units_verifies_clean(
    cassette: Path, mock_url: str, tmp_path: Path
) -> None:
    # Units the writes capture left on the mock, named as a user names theirs.
    units = {(sn, pn) for sn, pn, _ in _units(cassette)}
    argv = []
    for sn, pn in sorted(units):
        argv += ["--serial", sn, "--part-number", pn]
    path = tmp_path / "named.jsonl"
    result = cli(
        "capture", "--base-url", mock_url, "--token", TOKEN, "--out", str(path), "--quiet", *argv
    )
    assert result.code == 0, result.err
    recorded = read_cassette(path)
    read = {
        (e.path_values["serialNumber"], e.path_values["partNumber"])
        for e in recorded.exchanges
        if e.operation == "getUnit" and e.status == 200
    }
    assert read == units
    assert {"getUnitVerification", "checkChildUnits"} <= set(recorded.operations)
    # A fresh mock lacks those units: verify seeds them from the recorded answers.
    verified = cli("verify", str(path), "--json", "--quiet")
    assert verified.code == 0, verified.out


def test_verify_maps_numbers_and_change_ids_the_server_assigned(tmp_path: Path) -> None:
    # A server with history: numbers already taken and changes already in the feed, so
    # the numbers and change ids it assigns differ from a fresh mock's.
    app = create_app(seed="demo", token=TOKEN)
    path = tmp_path / "used.jsonl"
    with run_in_thread(app) as url:
        with ProductionService(url, TOKEN) as wats:
            wats.take_serial_numbers("SerialNumber", 7, ref_part_number="PCBA-100")
            wats.save_units([Unit(serial_number="OLD-1", part_number="PCBA-100", revision="A")])
        argv = ("--allow-writes", "--scratch-prefix", PREFIX, *BOX, "--quiet")
        done = cli("capture", "--base-url", url, "--token", TOKEN, "--out", str(path), *argv)
    assert done.code == 0, done.err
    recorded = read_cassette(path)
    taken = [e for e in recorded.exchanges if e.operation == "takeSerialNumbers"]
    assert "SN00000001" not in taken[0].response_body.to_bytes().decode()  # type: ignore[union-attr]
    acknowledged = [e for e in recorded.exchanges if e.operation == "deleteUnitChange"]
    assert acknowledged and all(int(e.path_values["id"]) > 1 for e in acknowledged)
    verified = cli("verify", str(path), "--json", "--quiet")
    assert verified.code == 0, verified.out


def test_capture_asks_only_what_the_servers_version_has(tmp_path: Path) -> None:
    # A server of the published line lacks the 2026.3 unit operations: none is asked, and
    # verify replays against a mock of that same version.
    app = create_app(seed="demo", token=TOKEN, server_version="2025.3.9.824")
    path = tmp_path / "older.jsonl"
    argv = ("--allow-writes", "--scratch-prefix", PREFIX, *BOX, "--quiet")
    with run_in_thread(app) as url:
        done = cli("capture", "--base-url", url, "--token", TOKEN, "--out", str(path), *argv)
    assert done.code == 0, done.err
    recorded = read_cassette(path)
    assert recorded.header.server_version == "2025.3.9.824"
    newer = {"queryUnits", "createUnit", "updateUnit", "deleteUnit", "changeUnit", "setUnitTag"}
    assert not newer & set(recorded.operations)
    assert set(recorded.operations) == set(default_contract().operations) - newer
    verified = cli("verify", str(path), "--json", "--quiet")
    assert verified.code == 0, verified.out
    assert json.loads(verified.out)["notes"] == []

"""A drifted server made here (a proxy that adds a member, renames one, changes a type):
verify fails naming each change, strict mode raises, lenient mode reports once."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import httpx
import pytest
from contracthelpers import BOX, PREFIX, TOKEN, JsonRewriter, cli, drift_unit

from pywats_production import (
    AsyncProductionService,
    ContractDriftError,
    DriftInfo,
    ProductionService,
    Unit,
    WatsResponseError,
)
from pywats_production.mock import MockAsyncTransport, MockSyncTransport, create_app, run_in_thread
from pywats_production.observability import DRIFT_LOG_FIELDS, on_drift

SN, PN = "DRIFT-0001", "PCBA-100"


@pytest.fixture(scope="module")
def drifted_cassette(tmp_path_factory: pytest.TempPathFactory) -> Path:
    app = create_app(seed="demo", token=TOKEN, strict=False)
    path = tmp_path_factory.mktemp("drift") / "drifted.jsonl"
    with run_in_thread(JsonRewriter(app, drift_unit())) as url:  # type: ignore[arg-type]
        result = cli(
            "capture",
            "--base-url",
            url,
            "--token",
            TOKEN,
            "--out",
            str(path),
            "--allow-writes",
            "--scratch-prefix",
            PREFIX,
            *BOX,
            "--quiet",
        )
    # Capture records the drifted answers and does not judge them.
    assert result.code == 0, result.err
    return path


def test_verify_fails_and_names_each_change(drifted_cassette: Path) -> None:
    result = cli("verify", str(drifted_cassette), "--json", "--quiet")
    assert result.code == 9
    report = json.loads(result.out)
    assert report["clean"] is False
    unit_items = [d for d in report["divergences"] if d["operation"] == "getUnit"]
    assert {d["operation"] for d in report["divergences"]} == {"getUnit"}

    def named(path: str, check: str, text: str) -> list[dict[str, str]]:
        return [
            d
            for d in unit_items
            if d["jsonPath"] == path and d["check"] == check and text in d["message"]
        ]

    # The added member: the mock does not send it; it belongs in Unit's properties.
    added = named("$.firmwareVersion", "mock", "the server sends member firmwareVersion")
    assert added and all(
        d["specLocation"] == "spec/production-api.yaml#/components/schemas/Unit/properties"
        for d in added
    )
    # The rename: the new name appears, the old name disappears.
    assert named("$.revisionCode", "mock", "the server sends member revisionCode (string)")
    gone = named("$.revision", "mock", "the mock sends member revision")
    assert gone and gone[0]["specLocation"].endswith("/components/schemas/Unit/properties/revision")
    # The type change, seen by the spec, by strict parsing and by the mock comparison.
    for check, text in (
        ("spec-response", "is not valid"),
        ("sdk", "Unit.unitPhaseId: type drift"),
        ("mock", "the server sends string, the mock sends integer"),
    ):
        found = named("$.unitPhaseId", check, text)
        assert found, check
        assert found[0]["specLocation"].endswith("/components/schemas/Unit/properties/unitPhaseId")


def test_verify_text_report_names_operation_path_and_spec_location(drifted_cassette: Path) -> None:
    result = cli("verify", str(drifted_cassette), "--quiet")
    assert result.code == 9
    assert "getUnit [mock] $.firmwareVersion" in result.out
    assert "correct: spec/production-api.yaml#/components/schemas/Unit/properties" in result.out
    assert "divergence(s)" in result.out.splitlines()[-1]


def test_pin_refuses_a_drifted_cassette(drifted_cassette: Path, tmp_path: Path) -> None:
    pin = tmp_path / "drifted.pin.json"
    result = cli("pin", str(drifted_cassette), "--out", str(pin), "--quiet")
    assert result.code == 9
    assert "not pinned" in result.err
    assert not pin.exists()


@pytest.fixture
def drifted_app() -> object:
    app = create_app(seed="demo", strict=False)
    app.store.apply_seed({"units": [{"serialNumber": SN, "partNumber": PN, "revision": "A"}]})
    return app


def _sync(app: object, rewrite: object, **kwargs: object) -> ProductionService:
    client = httpx.Client(
        transport=MockSyncTransport(JsonRewriter(app, rewrite)),  # type: ignore[arg-type]
        base_url="http://wats-mock",
    )
    return ProductionService("http://wats-mock", http_client=client, **kwargs)  # type: ignore[arg-type]


def test_strict_mode_raises_naming_member_and_operation(drifted_app: object) -> None:
    with (
        _sync(drifted_app, drift_unit(rename=False, retype=False), strict=True) as wats,
        pytest.raises(ContractDriftError) as caught,
    ):
        wats.get_unit(SN, PN)
    error = caught.value
    assert isinstance(error, WatsResponseError)
    assert (error.kind, error.model, error.member, error.operation) == (
        "member",
        "Unit",
        "firmwareVersion",
        "getUnit",
    )
    assert "firmwareVersion" in str(error) and "getUnit" in str(error)
    assert error.request_id is not None


def test_strict_mode_raises_on_a_changed_type(drifted_app: object) -> None:
    with (
        _sync(drifted_app, drift_unit(add=False, rename=False), strict=True) as wats,
        pytest.raises(ContractDriftError) as caught,
    ):
        wats.get_unit(SN, PN)
    assert (caught.value.kind, caught.value.member) == ("type", "unitPhaseId")


def test_strict_mode_raises_on_a_renamed_member(drifted_app: object) -> None:
    with (
        _sync(drifted_app, drift_unit(add=False, retype=False), strict=True) as wats,
        pytest.raises(ContractDriftError) as caught,
    ):
        wats.get_unit(SN, PN)
    assert caught.value.member == "revisionCode"


def test_strict_mode_raises_on_a_value_outside_an_enum(drifted_app: object) -> None:
    def identifier(method: str, path: str, body: object) -> object:
        if path.endswith("/SerialNumbers/Types") and isinstance(body, list):
            return [{**item, "identifier": 9} for item in body]
        return body

    with (
        _sync(drifted_app, identifier, strict=True) as wats,
        pytest.raises(ContractDriftError) as caught,
    ):
        wats.get_serial_number_types()
    assert (caught.value.kind, caught.value.member, caught.value.operation) == (
        "value",
        "identifier",
        "getSerialNumberTypes",
    )
    with _sync(drifted_app, identifier) as lenient:
        assert {int(t.identifier) for t in lenient.get_serial_number_types()} == {9}  # type: ignore[arg-type]


def test_strict_mode_passes_an_answer_on_the_contract(drifted_app: object) -> None:
    with _sync(drifted_app, drift_unit(add=False, rename=False, retype=False), strict=True) as wats:
        assert wats.get_unit(SN, PN).serial_number == SN


def test_lenient_mode_keeps_extra_and_reports_each_kind_once_per_service(
    drifted_app: object, caplog: pytest.LogCaptureFixture
) -> None:
    seen: list[DriftInfo] = []
    hook = on_drift(seen.append)
    rewrite = drift_unit(retype=False)
    with caplog.at_level(logging.WARNING, logger="pywats_production"):
        with _sync(drifted_app, rewrite, hooks=[hook]) as wats:
            first = wats.get_unit(SN, PN)
            second = wats.get_unit(SN, PN)
        with _sync(drifted_app, rewrite, hooks=[hook]) as other:
            other.get_unit(SN, PN)
    assert first.extra["firmwareVersion"] == "1.2.3"
    assert second.extra["revisionCode"] == "A"
    assert first.revision is None  # the renamed member is not guessed
    # Two kinds of drift (an added member, a renamed one), once each, per service.
    members = sorted(info.member for info in seen)
    assert members == ["firmwareVersion", "firmwareVersion", "revisionCode", "revisionCode"]
    assert {(i.kind, i.model, i.operation) for i in seen} == {("member", "Unit", "getUnit")}
    records = [r for r in caplog.records if "contract drift" in r.getMessage()]
    assert len(records) == 4
    assert all(set(DRIFT_LOG_FIELDS) <= set(vars(r)) for r in records)
    assert {getattr(r, "wats_drift_member", None) for r in records} == {
        "firmwareVersion",
        "revisionCode",
    }


def test_a_model_read_outside_a_service_reports_nothing(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="pywats_production"):
        unit = Unit.from_json({"serialNumber": "A", "partNumber": "B", "new": 1})
    assert unit.extra == {"new": 1}
    assert not [r for r in caplog.records if "contract drift" in r.getMessage()]


@pytest.mark.anyio
async def test_async_strict_mode_raises(drifted_app: object) -> None:
    client = httpx.AsyncClient(
        transport=MockAsyncTransport(JsonRewriter(drifted_app, drift_unit())),  # type: ignore[arg-type]
        base_url="http://wats-mock",
    )
    async with AsyncProductionService("http://wats-mock", http_client=client, strict=True) as wats:
        with pytest.raises(ContractDriftError) as caught:
            await wats.get_unit(SN, PN)
    assert caught.value.operation == "getUnit"
    await client.aclose()


def test_a_hook_that_fails_in_on_drift_does_not_stop_the_call(drifted_app: object) -> None:
    def boom(info: DriftInfo) -> None:
        raise RuntimeError("observer bug")

    with _sync(drifted_app, drift_unit(retype=False), hooks=[on_drift(boom)]) as wats:
        assert wats.get_unit(SN, PN).serial_number == SN

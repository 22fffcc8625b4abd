"""service.internal: opt-in, version gate, every method on the mock (sync and async), and
every request checked against the server's published internal document.

The document is read where it lies (../shared/wats-openapi or WATS_UPSTREAM_OPENAPI); the
check skips, saying how to give it, when it is absent.
"""

from __future__ import annotations

import asyncio
import json
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import attrs
import httpx
import pytest

from pywats_production import AsyncProductionService, ProductionService, _upstream
from pywats_production.errors import (
    ChildAlreadyHasParentError,
    InternalApiNotEnabledError,
    NotFoundError,
    WatsInputError,
    WatsInternalApiWarning,
)
from pywats_production.internal_models import SerialNumberRange
from pywats_production.mock import (
    SERVER_VERSION,
    MockAsyncTransport,
    MockSyncTransport,
    create_app,
)
from pywats_production.phase import UnitPhase

BASE = "http://wats-mock"


class _Recording(MockSyncTransport):
    def __init__(self, app: Any, sent: list[httpx.Request]) -> None:
        super().__init__(app)
        self.sent = sent

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.sent.append(request)
        return super().handle_request(request)


def _service(app: Any, sent: list[httpx.Request] | None = None) -> ProductionService:
    transport = _Recording(app, sent if sent is not None else [])
    client = httpx.Client(transport=transport, base_url=BASE)
    service = ProductionService(BASE, http_client=client, internal=True)
    # The mock's default version (2026.3.0) is outside what the internal contract was
    # derived for (2025.3): pin it.
    service._config = attrs.evolve(
        service._config, pinned_server_versions=frozenset({SERVER_VERSION})
    )
    return service


def _scenario(service: ProductionService) -> None:
    """Call every internal method once, asserting what each returns."""
    api = service.internal
    phases = api.get_unit_phases()
    assert {p.phase for p in phases} >= {UnitPhase.FINALIZED, UnitPhase.UNDER_PRODUCTION}
    unit = api.create_unit("SN1", "PCBA-100", "A", batch_number=None, phase="Under production")
    assert (unit.serial_number, unit.phase) == ("SN1", UnitPhase.UNDER_PRODUCTION)
    api.create_unit("PSU1", "PSU-200", "A", phase=UnitPhase.FINALIZED)
    api.create_unit("BOX1", "BOX-900", "A")
    assert api.get_unit_phase("SN1", "PCBA-100") is UnitPhase.UNDER_PRODUCTION
    assert api.get_unit_process("SN1", "PCBA-100") is None
    api.set_unit_phase_and_process("SN1", "PCBA-100", "Finalized", "FCT")
    # The phase set internally is what the public API reads.
    assert service.get_unit("SN1", "PCBA-100").phase is UnitPhase.FINALIZED
    assert api.get_unit_process("SN1", "PCBA-100") == "FCT"
    history = api.get_unit_state_history("SN1", "PCBA-100")
    assert [(s.process, s.phase) for s in history.states] == [
        (None, UnitPhase.UNDER_PRODUCTION),
        ("FCT", UnitPhase.FINALIZED),
    ]
    assert api.get_unit_info("SN1", "PCBA-100").process_name == "FCT"
    message = api.add_child_unit("BOX1", "BOX-900", "SN1", "PCBA-100", culture_code="nb-NO")
    assert message == "Enhet SN1 ble lagt til BOX1."
    assert "PSU1" in api.add_child_unit("BOX1", "BOX-900", "PSU1", "PSU-200")
    with pytest.raises(ChildAlreadyHasParentError) as refused:
        api.add_child_unit("BOX1", "BOX-900", "PSU1", "PSU-200")
    assert "already has parent" in str(refused.value)
    tree = api.get_unit_hierarchy("BOX1", "BOX-900")
    assert [u.serial_number for u in tree.walk()] == ["BOX1", "SN1", "PSU1"]
    contents = api.get_unit_contents("BOX1", "BOX-900", "A")
    assert {c.part_number: [u.serial_number for u in c.units] for c in contents} == {
        "PCBA-100": ["SN1"],
        "PSU-200": ["PSU1"],
    }
    assert api.check_child_units("BOX1", "BOX-900").is_valid is True
    assert "PSU1" in api.remove_child_unit("BOX1", "BOX-900", "PSU1", "PSU-200")
    assert api.remove_all_child_units("BOX1", "BOX-900").startswith("1 ")
    assert service.get_unit("SN1", "PCBA-100").parent_serial_number is None
    assert api.get_unit_hierarchy("BOX1", "BOX-900").children == ()
    # Serial numbers: reserve, see them reserved, free them, take them again.
    reserved = api.reserve_serial_numbers("SerialNumber", 3, station_name="ST1")
    assert reserved == ["SN00000001", "SN00000002", "SN00000003"]
    (stats,) = api.get_serial_number_statistics("SerialNumber")
    assert (stats.reserved, stats.taken) == (3, 0)
    found = api.find_serial_numbers("SerialNumber", "SN00000001", "SN00000004")
    assert [n.state for n in found] == ["Reserved", "Reserved", "Reserved", "Free"]
    assert api.count_serial_numbers("SerialNumber", start="SN00000001", end="SN00000010") == 10
    (rng,) = api.get_serial_number_ranges("SerialNumber")
    assert rng.start_address == "SN00000001"
    api.free_serial_numbers(
        SerialNumberRange(
            serial_number_type="SerialNumber", start_address="SN00000001", end_address="SN00000009"
        )
    )
    (stats,) = api.get_serial_number_statistics("SerialNumber")
    assert stats.reserved == 0
    assert service.take_serial_numbers("SerialNumber", 3) == reserved
    taken = api.reserve_serial_numbers("SerialNumber", 1, request_type="Take")
    assert taken == ["SN00000004"]
    assert [s.code for s in api.get_sites()] == ["MOCK"]
    assert api.is_connected() is True


def test_every_internal_method_works_on_the_mock_sync() -> None:
    app = create_app()
    _scenario(_service(app))
    assert app.violations == []


def test_every_internal_method_works_on_the_mock_async() -> None:
    app = create_app()

    async def main() -> None:
        client = httpx.AsyncClient(transport=MockAsyncTransport(app), base_url=BASE)
        async with AsyncProductionService(BASE, http_client=client, internal=True) as wats:
            wats._config = attrs.evolve(
                wats._config, pinned_server_versions=frozenset({SERVER_VERSION})
            )
            api = wats.internal
            unit = await api.create_unit("SN1", "PCBA-100", "A", phase=2)
            assert unit.phase is UnitPhase.UNDER_PRODUCTION
            await api.set_unit_phase_and_process("SN1", "PCBA-100", 16, "ICT")
            assert (await wats.get_unit("SN1", "PCBA-100")).phase is UnitPhase.FINALIZED
            history = await api.get_unit_state_history("SN1", "PCBA-100")
            assert history.current is not None
            assert (history.current.process, history.current.phase) == ("ICT", UnitPhase.FINALIZED)
            numbers = await api.reserve_serial_numbers("MACAddress", 2)
            assert len(numbers) == 2
            stats = await api.get_serial_number_statistics("MACAddress")
            assert stats[0].reserved == 2
            assert await api.is_connected() is True
            assert len(await api.get_unit_phases()) >= 12
            with pytest.raises(NotFoundError):
                await api.get_unit_phase("nope", "PCBA-100")
        await client.aclose()

    asyncio.run(main())
    assert app.violations == []


@pytest.mark.parametrize("cls", [ProductionService, AsyncProductionService])
def test_internal_is_off_unless_asked_for(cls: type[Any]) -> None:
    service = cls(BASE)
    with pytest.raises(InternalApiNotEnabledError, match=r"internal=True.*may change without"):
        _ = service.internal
    assert not hasattr(service, "internal")
    assert type(cls(BASE, internal=True).internal).__name__.endswith("InternalApi")


def test_bad_input_is_refused_before_sending() -> None:
    sent: list[httpx.Request] = []
    api = _service(create_app(), sent).internal
    with pytest.raises(WatsInputError):
        api.get_unit_phase("", "PCBA-100")
    with pytest.raises(WatsInputError):
        api.reserve_serial_numbers("SerialNumber", 0)
    with pytest.raises(WatsInputError):
        api.reserve_serial_numbers("SerialNumber", 1, request_type="Steal")
    with pytest.raises(WatsInputError):
        api.free_serial_numbers([])
    with pytest.raises(WatsInputError):
        api.free_serial_numbers([SerialNumberRange(serial_number_type="SerialNumber")])
    with pytest.raises(WatsInputError):
        api.create_unit("SN9", "PCBA-100", " ")
    assert sent == []


def test_version_gate_warns_once_outside_the_derived_versions() -> None:
    app = create_app()
    client = httpx.Client(transport=MockSyncTransport(app), base_url=BASE)
    service = ProductionService(BASE, http_client=client, internal=True)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        service.internal.is_connected()
        service.internal.get_sites()
    gate = [w for w in caught if issubclass(w.category, WatsInternalApiWarning)]
    assert len(gate) == 1
    assert SERVER_VERSION in str(gate[0].message)


def test_no_warning_on_a_server_of_a_derived_for_version() -> None:
    app = create_app(server_version="2025.3.9.824")
    client = httpx.Client(transport=MockSyncTransport(app), base_url=BASE)
    service = ProductionService(BASE, http_client=client, internal=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error", WatsInternalApiWarning)
        assert service.internal.is_connected() is True
    assert service.check_compatibility().internal.compatible  # type: ignore[union-attr]


def test_version_gate_is_silent_when_a_pin_covers_the_server() -> None:
    service = _service(create_app())
    with warnings.catch_warnings():
        warnings.simplefilter("error", WatsInternalApiWarning)
        assert service.internal.is_connected() is True


def test_check_compatibility_reports_the_internal_surface_separately() -> None:
    app = create_app()
    client = httpx.Client(transport=MockSyncTransport(app), base_url=BASE)
    plain = ProductionService(BASE, http_client=client)
    assert plain.check_compatibility().internal is None
    report = ProductionService(BASE, http_client=client, internal=True).check_compatibility()
    assert report.internal is not None
    assert report.internal.spec_version == "internal"
    assert report.internal.compatible is False
    pinned = _service(app).check_compatibility()
    assert pinned.internal is not None
    assert pinned.internal.compatible is True


def test_strict_mock_requires_the_referer_header() -> None:
    app = create_app()
    with httpx.Client(transport=MockSyncTransport(app), base_url=BASE) as client:
        bare = client.get("/api/internal/Production/isConnected")
        assert bare.status_code == 400
        assert "Referer" in bare.text
        ok = client.get("/api/internal/Production/isConnected", headers={"Referer": BASE + "/"})
        assert ok.json() is True


# --------------------------------------------------- against the published internal document


def _internal_document() -> dict[str, Any]:
    try:
        found = _upstream.default_internal_upstream_sources()
    except _upstream.UpstreamNotFoundError as exc:
        pytest.skip(f"{exc}: {_upstream.HOW_TO_GIVE_INTERNAL_UPSTREAM}")
    if not found:
        pytest.skip(
            "the server's internal document is not available: "
            + _upstream.HOW_TO_GIVE_INTERNAL_UPSTREAM
        )
    return dict(json.loads(Path(found[0]).read_text(encoding="utf-8-sig")))


def _operations(doc: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in doc["paths"].items():
        for method, op in item.items():
            if isinstance(op, dict) and "responses" in op:
                yield method.upper(), path, op


@pytest.mark.needs_upstream
def test_every_request_follows_the_published_internal_document() -> None:
    doc = _internal_document()
    by_route = {(m, p.lower()): op for m, p, op in _operations(doc)}
    sent: list[httpx.Request] = []
    _scenario(_service(create_app(), sent))
    internal = [r for r in sent if r.url.path.startswith("/api/internal/")]
    routes = {(r.method, r.url.path) for r in internal}
    assert len(routes) == 21, "the scenario reached every internal operation"
    for request in internal:
        op = by_route.get((request.method, urlsplit(str(request.url)).path.lower()))
        assert op is not None, f"{request.method} {request.url.path} is not in the document"
        declared = {p["name"]: p for p in op.get("parameters", []) if p.get("in") == "query"}
        sent_names = [name for name, _ in parse_qsl(request.url.query.decode(), True)]
        for name in sent_names:
            assert name in declared, f"{request.url.path}: {name} is not a declared parameter"
        for name, param in declared.items():
            if param.get("required"):
                assert name in sent_names, f"{request.url.path}: required {name} not sent"
        assert request.headers.get("referer") == BASE + "/"
        if "requestBody" in op:
            assert request.content, f"{request.url.path}: the document declares a body"

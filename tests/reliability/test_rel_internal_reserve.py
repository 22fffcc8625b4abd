"""Reserving through the internal API never loses numbers under the mock's fault plan.

Each case installs one fault on the internal reserve operation, reserves through the SDK
(sync and async), clears the faults, and compares with the mock's pool: every number the
pool holds as reserved was returned to the caller, or, when the SDK said it could not be
sure (AmbiguousOutcomeError), nothing was reserved behind the caller's back. No number is
returned twice.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import attrs
import httpx
import pytest
from relhelpers import BASE, FAST, TOKEN, Sleeps, run

import pywats_production as wp
from pywats_production.mock import (
    SERVER_VERSION,
    MockAdmin,
    MockApp,
    MockAsyncTransport,
    MockSyncTransport,
    create_app,
)
from pywats_production.mock._internal import RESERVED
from pywats_production.observability import capture_calls

KINDS = ("latency", "status", "rate_limit", "drop_before", "drop_after", "budget")


class _Clock:
    """The mock's clock, moved by the services' (fake) sleeps: budget windows elapse."""

    def __init__(self) -> None:
        self.now = dt.datetime.now(dt.UTC)

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += dt.timedelta(seconds=seconds)


@pytest.fixture
def clocked(sleeps: Sleeps) -> Iterator[MockApp]:
    clock = _Clock()
    sleeps.hooks.append(clock.advance)
    mock = create_app(seed="demo", token=TOKEN, strict=True, clock=clock)
    yield mock
    assert mock.violations == [], [str(v) for v in mock.violations]


def _fault(kind: str) -> dict[str, object]:
    if kind == "budget":
        return {
            "kind": "budget",
            "operation": "reserveSerialNumbers",
            "per_minute": 1,
            "window_seconds": 10,
        }
    rule: dict[str, object] = {"kind": kind, "operation": "reserveSerialNumbers", "times": 1}
    if kind == "latency":
        rule["ms"] = 20
    elif kind == "status":
        rule["status"] = 503
    elif kind == "rate_limit":
        rule["retry_after"] = 2
    return rule


def _service(kind: str, app: MockApp) -> Any:
    cls: Any
    if kind == "async":
        client: Any = httpx.AsyncClient(transport=MockAsyncTransport(app), base_url=BASE)
        cls = wp.AsyncProductionService
    else:
        client = httpx.Client(transport=MockSyncTransport(app), base_url=BASE)
        cls = wp.ProductionService
    service = cls(BASE, TOKEN, http_client=client, retry=FAST, internal=True)
    service._config = attrs.evolve(
        service._config, pinned_server_versions=frozenset({SERVER_VERSION})
    )
    return service


def _reserved_in_pool(app: MockApp) -> set[str]:
    pool = app.store.serial_type("SerialNumber").pool
    return {pool.addresses.at(p) for p in range(200) if pool.flags[p] == RESERVED}


@pytest.mark.parametrize("flavour", ["sync", "async"])
@pytest.mark.parametrize("kind", KINDS)
def test_reserve_under_each_fault_loses_nothing(clocked: MockApp, flavour: str, kind: str) -> None:
    app = clocked
    admin = MockAdmin.for_app(app)
    service = _service(flavour, app)
    run(service.internal, "is_connected")  # the version gate's request, before the plan
    got: list[str] = []
    ambiguous = 0
    admin.set_faults([_fault(kind)])
    for quantity in (3, 2):
        try:
            got += run(service.internal, "reserve_serial_numbers", "SerialNumber", quantity)
        except wp.AmbiguousOutcomeError:
            ambiguous += 1
    report = admin.faults()
    admin.clear_faults()
    injected = sum(1 for e in report.log if e.operation == "reserveSerialNumbers")
    assert injected >= 1, f"the plan injected no {kind}"
    assert len(got) == len(set(got)), f"a number was returned twice: {got}"
    assert _reserved_in_pool(app) == set(got), "a reserved number is unknown to the caller"
    if kind == "drop_before":
        # The request never reached the handler: nothing was reserved, and the SDK said
        # it could not be sure rather than guess.
        assert ambiguous == 1
        assert len(got) == 2  # the second reservation went through
    else:
        assert ambiguous == 0
        assert len(got) == 5  # the outcome was established: nothing is missing
    admin.close()


@pytest.mark.parametrize("flavour", ["sync", "async"])
@pytest.mark.parametrize("kind", ["drop_after", "status", "drop_before"])
def test_create_unit_under_a_fault_creates_it_once(
    clocked: MockApp, flavour: str, kind: str
) -> None:
    app = clocked
    admin = MockAdmin.for_app(app)
    service = _service(flavour, app)
    run(service.internal, "is_connected")
    rule: dict[str, object] = {"kind": kind, "operation": "createUnit", "times": 1}
    if kind == "status":
        rule["status"] = 503
    admin.set_faults([rule])
    with capture_calls() as calls:
        unit = run(service.internal, "create_unit", "SN-F1", "PCBA-100", "A", phase=16)
    admin.clear_faults()
    read_back = "internal.getUnitInfo" in [c.operation for c in calls]
    assert read_back == (kind == "drop_after")  # only there did a replay meet the unit
    # A replay refused with "already exists" after a lost answer is read back, not raised.
    assert (unit.serial_number, unit.part_number) == ("SN-F1", "PCBA-100")
    assert ("SN-F1", "PCBA-100") in app.store.units
    assert int(app.store.units[("SN-F1", "PCBA-100")].phase) == 16
    admin.close()

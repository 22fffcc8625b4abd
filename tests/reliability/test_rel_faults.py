"""Every fault kind of the mock's plan on every operation class, end to end.

Each case creates a small world (units PCB-1, PSU-1, BOX-1), installs a one-shot fault on
one operation, runs the operation through the SDK, clears the faults and checks the
mock's state: the intended state is reached, no serial number is lost (each taken number
was returned, or found by reconcile()), and none is returned twice.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from relhelpers import BASE, FAST, TOKEN, Sleeps, reconcile, run, wait_taken

import pywats_production as wp
from pywats_production._timing import RequestBudget
from pywats_production.mock import (
    MockAdmin,
    MockApp,
    MockAsyncTransport,
    MockSyncTransport,
    create_app,
    run_in_thread,
)
from pywats_production.observability import capture_calls

KINDS = ("latency", "status", "rate_limit", "drop_before", "drop_after", "budget")
SN_TYPE = "SerialNumber"


class FakeClock:
    """The mock's clock and the client budget's clock, moved by the services' sleeps."""

    def __init__(self) -> None:
        self.now = dt.datetime.now(dt.UTC)
        self.seconds = 1000.0

    def __call__(self) -> dt.datetime:
        return self.now

    def monotonic(self) -> float:
        return self.seconds

    def advance(self, seconds: float) -> None:
        self.now += dt.timedelta(seconds=seconds)
        self.seconds += seconds


@dataclass
class World:
    app: MockApp
    admin: MockAdmin
    svc: Any
    taken: list[str] = field(default_factory=list)
    reconciled: int = 0
    url: str = BASE

    def call(self, name: str, *args: Any, **kwargs: Any) -> Any:
        return run(self.svc, name, *args, **kwargs)

    def take(self, quantity: int) -> None:
        """Take numbers; an ambiguous outcome is reconciled (what a station would do)."""
        try:
            self.taken.extend(self.call("take_serial_numbers", SN_TYPE, quantity))
        except wp.AmbiguousOutcomeError as error:
            self.taken.extend(reconcile(error))
            self.reconciled += 1

    def parent_of(self, serial: str, part: str) -> str | None:
        return self.call("get_unit", serial, part).parent_serial_number or None


def fault(kind: str, operation: str) -> dict[str, object]:
    """A one-shot fault of ``kind`` on ``operation`` (a budget of one request a window)."""
    if kind == "budget":
        return {"kind": "budget", "operation": operation, "per_minute": 1, "window_seconds": 10}
    rule: dict[str, object] = {"kind": kind, "operation": operation, "times": 1}
    if kind == "latency":
        rule["ms"] = 20
    elif kind == "status":
        rule["status"] = 503
    elif kind == "rate_limit":
        rule["retry_after"] = 2
    return rule


def seed_units(w: World) -> None:
    units = [
        wp.Unit(serial_number="PCB-1", part_number="PCBA-100", revision="A"),
        wp.Unit(serial_number="PSU-1", part_number="PSU-200", revision="A"),
        wp.Unit(serial_number="BOX-1", part_number="BOX-900", revision="A"),
    ]
    w.call("save_units", units)
    for serial, part in (("PCB-1", "PCBA-100"), ("PSU-1", "PSU-200")):
        w.call("set_unit_phase", serial, part, wp.UnitPhase.FINALIZED)


# One scenario per operation class: (operationId, prepare, act, check).
Step = Callable[[World], None]


def _get_act(w: World) -> None:
    for _ in range(2):
        assert w.call("get_unit", "PCB-1", "PCBA-100").serial_number == "PCB-1"


def _get_check(w: World) -> None:
    assert w.admin.state().units == 3


def _put_act(w: World) -> None:
    units = [
        wp.Unit(serial_number=f"NEW-{i}", part_number="PCBA-100", revision="A", batch_number="B7")
        for i in range(2)
    ]
    result = w.call("save_units", units, chunk_size=1)
    assert result.error_count == 0


def _put_check(w: World) -> None:
    assert w.admin.state().units == 5  # upserts: a replayed chunk adds nothing
    for i in range(2):
        assert w.call("get_unit", f"NEW-{i}", "PCBA-100").batch_number == "B7"


def _phase_act(w: World) -> None:
    for _ in range(2):
        w.call("set_unit_phase", "BOX-1", "BOX-900", "In storage")


def _phase_check(w: World) -> None:
    assert w.call("get_unit", "BOX-1", "BOX-900").phase == wp.UnitPhase.IN_STORAGE


def _link(w: World) -> None:
    w.call("add_child_unit", "BOX-1", "BOX-900", "PCB-1", "PCBA-100")
    w.call("add_child_unit", "BOX-1", "BOX-900", "PSU-1", "PSU-200")


def _linked_check(w: World) -> None:
    assert w.parent_of("PCB-1", "PCBA-100") == "BOX-1"
    assert w.parent_of("PSU-1", "PSU-200") == "BOX-1"
    assert w.call("check_child_units", "BOX-1", "BOX-900").is_valid


def _unlink(w: World) -> None:
    w.call("remove_child_unit", "BOX-1", "BOX-900", "PCB-1", "PCBA-100")
    w.call("remove_child_unit", "BOX-1", "BOX-900", "PSU-1", "PSU-200")


def _unlinked_check(w: World) -> None:
    assert w.parent_of("PCB-1", "PCBA-100") is None
    assert w.parent_of("PSU-1", "PSU-200") is None


def _take_act(w: World) -> None:
    w.take(3)
    w.take(2)


def _take_check(w: World) -> None:
    pool = w.admin.serial_numbers(SN_TYPE)
    assert len(w.taken) == len(set(w.taken)), "a number was handed out twice"
    assert pool.taken == len(w.taken), "a taken number was lost"
    assert w.svc.pending_takes == ()


def _changes_prepare(w: World) -> None:
    changes = w.call("get_unit_changes", 1000)
    assert len(changes) >= 2
    w.app.store.acked = [c.id for c in changes[:2]]  # type: ignore[attr-defined]


def _changes_act(w: World) -> None:
    for change_id in w.app.store.acked:  # type: ignore[attr-defined]
        w.call("delete_unit_change", change_id)


def _changes_check(w: World) -> None:
    left = {c.id for c in w.call("get_unit_changes", 1000)}
    assert left.isdisjoint(w.app.store.acked)  # type: ignore[attr-defined]


def _nothing(w: World) -> None:
    return None


SCENARIOS: dict[str, tuple[str, Step, Step, Step]] = {
    "safe-get_unit": ("getUnit", _nothing, _get_act, _get_check),
    "upsert-save_units": ("putUnits", _nothing, _put_act, _put_check),
    "converges-set_unit_phase": ("setUnitPhase", _nothing, _phase_act, _phase_check),
    "checked-add_child_unit": ("addChildUnit", _nothing, _link, _linked_check),
    "checked-remove_child_unit": ("removeChildUnit", _link, _unlink, _unlinked_check),
    "consumes-take": ("takeSerialNumbers", _nothing, _take_act, _take_check),
    "converges-delete_unit_change": (
        "deleteUnitChange",
        _changes_prepare,
        _changes_act,
        _changes_check,
    ),
}


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def world_app(clock: FakeClock) -> Iterator[MockApp]:
    app = create_app(seed="demo", token=TOKEN, strict=True, clock=clock)
    yield app
    assert app.violations == [], [str(v) for v in app.violations]


def make_world(kind: str, app: MockApp, clock: FakeClock, sleeps: Sleeps) -> Iterator[World]:
    sleeps.hooks.append(clock.advance)
    admin = MockAdmin.for_app(app)
    if kind == "async":
        aclient = httpx.AsyncClient(transport=MockAsyncTransport(app), base_url=BASE)
        svc: Any = wp.AsyncProductionService(BASE, TOKEN, http_client=aclient, retry=FAST)
        yield World(app, admin, svc)
    else:
        client = httpx.Client(transport=MockSyncTransport(app), base_url=BASE)
        svc = wp.ProductionService(BASE, TOKEN, http_client=client, retry=FAST)
        yield World(app, admin, svc)
        client.close()
    admin.close()


@pytest.fixture(params=["async", "sync"])
def world(
    request: pytest.FixtureRequest, world_app: MockApp, clock: FakeClock, sleeps: Sleeps
) -> Iterator[World]:
    yield from make_world(request.param, world_app, clock, sleeps)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("scenario", list(SCENARIOS))
def test_fault_on_operation_class(world: World, sleeps: Sleeps, scenario: str, kind: str) -> None:
    operation, prepare, act, check = SCENARIOS[scenario]
    seed_units(world)
    prepare(world)
    world.admin.set_faults([fault(kind, operation)])
    with capture_calls() as calls:
        act(world)
    report = world.admin.faults()
    world.admin.clear_faults()
    injected = report.count("rate_limit" if kind == "budget" else kind, operation)
    if kind == "budget":
        injected = sum(1 for e in report.log if e.kind == "budget" and e.operation == operation)
    assert injected >= 1, f"the plan injected no {kind} into {operation}: {report.counts}"
    if kind == "rate_limit":
        assert 2.0 in sleeps.delays  # Retry-After honoured
    if kind == "budget":
        assert any(5 <= d <= 10 for d in sleeps.delays), sleeps.delays
    check(world)
    made = [c.operation for c in calls]
    if kind == "drop_after" and operation in ("addChildUnit", "removeChildUnit"):
        assert "getUnit" in made  # the replay was refused, the read-back decided
    if operation == "takeSerialNumbers":
        recovered = "getSerialNumbersByReference" in made
        assert recovered == (kind in ("drop_after", "drop_before", "status"))
        # Only a drop before the work leaves "maybe still working": reconcile() settles it.
        assert world.reconciled == (1 if kind == "drop_before" else 0)


# ---------------------------------------------------------------- more Take outcomes


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_take_5xx_outcomes_lose_nothing(world: World, status: int) -> None:
    world.admin.set_faults(
        [{"kind": "status", "operation": "takeSerialNumbers", "status": status, "times": 1}]
    )
    world.take(4)
    world.admin.clear_faults()
    # The injected 5xx came before any work: 500/503 take again at once, 502/504 (a
    # gateway: the server may still work) end ambiguous and reconcile() finds nothing.
    assert world.reconciled == (1 if status in (502, 504) else 0)
    assert len(world.taken) == (0 if status in (502, 504) else 4)
    _take_check(world)


def test_take_drop_after_on_every_attempt_kind(world: World) -> None:
    rules = [{"kind": "drop_after", "operation": "takeSerialNumbers", "every": 2}]
    world.admin.set_faults(rules)
    for quantity in (1, 2, 3, 4):
        world.take(quantity)
    world.admin.clear_faults()
    assert world.reconciled == 0  # every lost answer was recovered exactly
    assert len(world.taken) == 10
    _take_check(world)


def test_take_with_a_caller_reference_is_recovered_by_station_and_window(
    world: World,
) -> None:
    world.admin.set_faults(
        [{"kind": "drop_after", "operation": "takeSerialNumbers", "on_calls": [2]}]
    )
    for _ in range(3):
        world.taken.extend(
            world.call(
                "take_serial_numbers",
                SN_TYPE,
                2,
                ref_part_number="BOX-900",
                station_name="PACK-1",
            )
        )
    world.admin.clear_faults()
    assert len(world.taken) == 6
    _take_check(world)


def test_assembly_all_attempts_lost_but_applied_counts_as_done(world: World) -> None:
    seed_units(world)
    world.admin.set_faults([{"kind": "drop_after", "operation": "addChildUnit"}])
    # Every attempt is applied then loses its answer: the replays are refused with
    # "already has a parent", the last attempt fails in transport; the read-back decides.
    _link(world)
    world.admin.clear_faults()
    _linked_check(world)
    world.admin.set_faults([{"kind": "drop_after", "operation": "removeChildUnit"}])
    _unlink(world)
    world.admin.clear_faults()
    _unlinked_check(world)


@pytest.mark.parametrize("operation", ["addChildUnit", "removeChildUnit"])
def test_assembly_applied_then_every_attempt_lost_in_transport(
    world: World, operation: str
) -> None:
    # Attempt 1 is applied and its answer lost; attempts 2-4 never reach the work. The
    # call ends with a connection error, and the read-back shows it succeeded.
    seed_units(world)
    if operation == "removeChildUnit":
        _link(world)
    world.admin.set_faults(
        [
            {"kind": "drop_after", "operation": operation, "on_calls": [1]},
            {"kind": "drop_before", "operation": operation, "on_calls": [2, 3, 4]},
        ]
    )
    with capture_calls() as calls:
        if operation == "addChildUnit":
            world.call("add_child_unit", "BOX-1", "BOX-900", "PCB-1", "PCBA-100")
        else:
            world.call("remove_child_unit", "BOX-1", "BOX-900", "PCB-1", "PCBA-100")
    world.admin.clear_faults()
    assert [(c.operation, c.attempts) for c in calls] == [(operation, 4), ("getUnit", 1)]
    assert isinstance(calls[0].error, wp.WatsConnectionError)
    expected = "BOX-1" if operation == "addChildUnit" else None
    assert world.parent_of("PCB-1", "PCBA-100") == expected


def test_assembly_server_errors_never_applied_are_reported(world: World) -> None:
    seed_units(world)
    world.admin.set_faults([{"kind": "status", "status": 500, "operation": "addChildUnit"}])
    with pytest.raises(wp.ServerError) as info:
        world.call("add_child_unit", "BOX-1", "BOX-900", "PCB-1", "PCBA-100")
    world.admin.clear_faults()
    assert info.value.attempts == 4
    assert world.parent_of("PCB-1", "PCBA-100") is None


def test_assembly_refusal_without_doubt_is_reported(world: World) -> None:
    seed_units(world)
    _link(world)
    with pytest.raises(wp.ChildAlreadyHasParentError):
        world.call("add_child_unit", "BOX-1", "BOX-900", "PCB-1", "PCBA-100")
    _unlink(world)
    with pytest.raises(wp.NotLinkedError):
        world.call("remove_child_unit", "BOX-1", "BOX-900", "PCB-1", "PCBA-100")


def test_assembly_never_applied_is_reported(world: World) -> None:
    seed_units(world)
    world.admin.set_faults([{"kind": "drop_before", "operation": "addChildUnit"}])
    with pytest.raises(wp.WatsConnectionError):
        world.call("add_child_unit", "BOX-1", "BOX-900", "PCB-1", "PCBA-100")
    world.admin.clear_faults()
    assert world.parent_of("PCB-1", "PCBA-100") is None


# ---------------------------------------------------------------- budgets and bulk


def test_client_budget_below_the_server_budget_avoids_429(
    world: World, clock: FakeClock, sleeps: Sleeps
) -> None:
    # The server allows 5 requests per 20 s per client (15/min); the client spaces its
    # requests for 12/min, so it never exceeds the server's budget.
    world.admin.set_faults([{"kind": "budget", "per_minute": 5, "window_seconds": 20}])
    world.svc._budget = RequestBudget(12, clock=clock.monotonic)
    for _ in range(15):
        world.call("get_unit_changes", 1)
    report = world.admin.faults()
    assert report.log == []  # not a single 429
    assert sum(sleeps.delays) >= 14 * 5 - 0.01  # the client waited instead


def test_without_client_budget_429_is_handled_with_retry_after(
    world: World, sleeps: Sleeps
) -> None:
    world.admin.set_faults([{"kind": "budget", "per_minute": 5, "window_seconds": 20}])
    for _ in range(15):
        world.call("get_unit_changes", 1)
    report = world.admin.faults()
    refusals = [e for e in report.log if e.status == 429]
    assert len(refusals) >= 2
    # Each refusal was waited out for the server's Retry-After (at most the window).
    assert len(sleeps.delays) == len(refusals)
    assert all(1 <= d <= 20 for d in sleeps.delays)


@pytest.mark.parametrize("chunk_size", [500, 3000])
def test_bulk_save_costs_one_request_per_chunk(
    world_app: MockApp, clock: FakeClock, sleeps: Sleeps, chunk_size: int
) -> None:
    world = next(make_world("async", world_app, clock, sleeps))
    # A zero-latency rule fires on every call: its counter counts the requests.
    world.admin.set_faults([{"kind": "latency", "operation": "putUnits", "ms": 0}])
    units = [
        wp.Unit(serial_number=f"BULK-{i:05d}", part_number="PCBA-100", revision="A")
        for i in range(10_000)
    ]
    result = world.call("save_units", units, chunk_size=chunk_size)
    report = world.admin.faults()
    assert report.plan[0]["calls"] == -(-10_000 // chunk_size)
    assert result.error_count == 0
    assert world.admin.state().units == 10_000
    world.admin.close()


# ----------------------------------------------------------------- real sockets


@pytest.fixture
def socket_world(world_app: MockApp, clock: FakeClock, sleeps: Sleeps) -> Iterator[World]:
    sleeps.hooks.append(clock.advance)
    with run_in_thread(world_app) as url:
        admin = MockAdmin.for_url(url, TOKEN)
        svc = wp.ProductionService(url, TOKEN, retry=FAST, timeout=5)
        world = World(world_app, admin, svc, url=url)
        yield world
        world.svc.close()
        admin.close()


@pytest.mark.parametrize(
    ("scenario", "kind"),
    [
        ("consumes-take", "drop_after"),
        ("consumes-take", "drop_before"),
        ("checked-add_child_unit", "drop_after"),
        ("upsert-save_units", "status"),
        ("safe-get_unit", "drop_before"),
        ("converges-delete_unit_change", "drop_after"),
        ("checked-remove_child_unit", "rate_limit"),
    ],
)
def test_faults_over_real_sockets(socket_world: World, scenario: str, kind: str) -> None:
    operation, prepare, act, check = SCENARIOS[scenario]
    seed_units(socket_world)
    prepare(socket_world)
    socket_world.admin.set_faults([fault(kind, operation)])
    act(socket_world)
    assert socket_world.admin.faults().count(kind, operation) >= 1
    socket_world.admin.clear_faults()
    check(socket_world)


def test_take_timeout_while_the_server_still_works(socket_world: World) -> None:
    # The server sleeps 600 ms before taking; the client gives up after 200 ms. The
    # lookup right after finds nothing yet (the server may still work: ambiguous); once
    # the server has finished, reconcile() finds the numbers.
    socket_world.svc.close()
    socket_world.svc = wp.ProductionService(socket_world.url, TOKEN, retry=FAST, timeout=0.2)
    socket_world.admin.set_faults(
        [{"kind": "latency", "operation": "takeSerialNumbers", "ms": 600, "times": 1}]
    )
    with pytest.raises(wp.AmbiguousOutcomeError) as info:
        socket_world.call("take_serial_numbers", SN_TYPE, 3)
    assert isinstance(info.value.cause, wp.WatsTimeoutError)
    assert info.value.recovered == ()
    assert len(socket_world.svc.pending_takes) == 1
    wait_taken(socket_world.admin, 3)
    found = reconcile(info.value)
    assert len(found) == 3
    socket_world.taken.extend(found)
    _take_check(socket_world)

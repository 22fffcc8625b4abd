"""Each invariant of the internal-API machine catches a bug planted on purpose in the mock.

As in test_prop_planted.py: one thing is broken (monkeypatch, undone after the test), the
machine runs with small fixed settings with only the invariant under test switched on,
and must fail with that invariant's tag.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, Phase
from hypothesis import settings as Settings
from propinternal import InternalMachine, demo_target
from proptarget import run_machine
from starlette.responses import Response

from pywats_production.mock import _internal
from pywats_production.mock._contract import ValidatedRequest
from pywats_production.mock._domain import UnitRecord
from pywats_production.mock._internal import InternalRoutes
from pywats_production.mock._store import Store

PLANTED = Settings(
    max_examples=300,
    stateful_step_count=30,
    database=None,
    derandomize=True,
    deadline=None,
    report_multiple_bugs=False,
    print_blob=False,
    phases=(Phase.explicit, Phase.generate),
    suppress_health_check=list(HealthCheck),
)


def caught(tag: str) -> None:
    """Run the machine with only ``tag`` checked; it must fail with that tag."""
    with pytest.raises(AssertionError, match=re.escape(f"[{tag}]")):
        run_machine(InternalMachine, demo_target, PLANTED, only=frozenset({tag}))  # type: ignore[arg-type]


def test_internal_phase_read_from_a_stale_copy(monkeypatch: pytest.MonkeyPatch) -> None:
    def stale(self: InternalRoutes, request: ValidatedRequest) -> Response:
        with self.store.lock:
            unit = self._unit(request)
            rows = self.store.history.get(unit.key)
            # The phase the unit was created with, not the one it has now.
            return _internal._json(rows[0][1] if rows else unit.phase)

    monkeypatch.setattr(InternalRoutes, "_phase", stale)
    caught("internal.phase")


def test_history_that_rewrites_its_last_state(monkeypatch: pytest.MonkeyPatch) -> None:
    def rewriting(self: InternalRoutes, unit: UnitRecord) -> None:
        rows = self.store.history.setdefault(unit.key, [])
        state = (self._process_name(unit), unit.phase)
        if rows and len(rows) > 1 and rows[-1][:2] != state:
            rows[-1] = (*state, self.store.now())  # overwrites instead of appending
        elif not rows or rows[-1][:2] != state:
            rows.append((*state, self.store.now()))

    monkeypatch.setattr(InternalRoutes, "note", rewriting)
    caught("internal.history")


def test_history_that_misses_the_current_state(monkeypatch: pytest.MonkeyPatch) -> None:
    def forgetful(self: InternalRoutes, unit: UnitRecord) -> None:
        rows = self.store.history.setdefault(unit.key, [])
        if not rows:  # records the first state only
            rows.append((self._process_name(unit), unit.phase, self.store.now()))

    monkeypatch.setattr(InternalRoutes, "note", forgetful)
    caught("internal.history")


def test_reservation_that_leaves_the_numbers_free(monkeypatch: pytest.MonkeyPatch) -> None:
    real = InternalRoutes._reserve

    def leaky(self: InternalRoutes, request: ValidatedRequest) -> Response:
        response = real(self, request)
        pool = self.store.serial_type("SerialNumber").pool
        with self.store.lock:
            for position in range(len(pool.flags[:400])):
                if pool.flags[position] == _internal.RESERVED:
                    pool.flags[position] = 0  # the reservation is not kept
                    pool.free += 1
                    pool.first_free = min(pool.first_free, position)
        return response

    monkeypatch.setattr(InternalRoutes, "_reserve", leaky)
    caught("internal.reserve-once")


def test_free_that_loses_the_numbers(monkeypatch: pytest.MonkeyPatch) -> None:
    def losing(self: InternalRoutes, request: ValidatedRequest) -> Response:
        pool = self.store.serial_type("SerialNumber").pool
        with self.store.lock:
            for position in range(len(pool.flags[:400])):
                if pool.flags[position] == _internal.RESERVED:
                    pool.flags[position] = 1  # "freed" numbers end up taken, never issued
        return Response(status_code=200)

    monkeypatch.setattr(InternalRoutes, "_free", losing)
    caught("internal.none-lost")


def test_remove_all_that_leaves_the_parent_pointer(monkeypatch: pytest.MonkeyPatch) -> None:
    def half(self: InternalRoutes, request: ValidatedRequest) -> Response:
        with self.store.lock:
            parent = self._unit(request)
            parent.children.clear()  # the children still point at the box
        return _internal._json("removed")

    monkeypatch.setattr(InternalRoutes, "_remove_all", half)
    assert Store  # the store itself is untouched: the handler is the bug
    caught("internal.remove-all")


def test_lifecycle_machine_catches_a_stale_internal_phase(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from proptarget import mock_target
    from propunits import LifecycleMachine

    def first_phase(self: InternalRoutes, request: ValidatedRequest) -> Response:
        with self.store.lock:
            unit = self._unit(request)
            return _internal._json(1 if unit.phase != 1 else 2)  # never the current one

    monkeypatch.setattr(InternalRoutes, "_phase", first_phase)
    with pytest.raises(AssertionError, match=re.escape("[internal.phase]")):
        run_machine(LifecycleMachine, mock_target, PLANTED, only=frozenset({"internal.phase"}))


def test_serial_machine_catches_statistics_that_miss_a_taken_number(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from propserial import SerialMachine
    from proptarget import mock_target

    real = InternalRoutes._counts

    def off_by_one(self: InternalRoutes, name: str) -> dict[str, object]:
        counts = real(self, name)
        taken = int(str(counts["taken"]))
        if taken:
            counts["taken"] = taken - 1  # one taken number counted as neither
        return counts

    monkeypatch.setattr(InternalRoutes, "_counts", off_by_one)
    with pytest.raises(AssertionError, match=re.escape("[internal.statistics]")):
        run_machine(SerialMachine, mock_target, PLANTED, only=frozenset({"internal.statistics"}))

"""Each invariant catches a bug planted on purpose in the mock or in the SDK.

Every test breaks one thing (monkeypatch, undone after the test), runs the machine or
property with small fixed settings (derandomized, no example database, no shrinking)
with only the invariant under test switched on, and expects it to fail with that
invariant's tag. So each invariant is shown to catch a bug on its own.
"""

from __future__ import annotations

import asyncio
import functools
import re
import urllib.parse
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase
from hypothesis import settings as Settings
from hypothesis.reporting import with_reporter
from propassembly import AssemblyMachine
from propconcurrency import concurrency_property, save_order_property
from propencoding import refusal_property, round_trip_property
from propserial import SerialMachine
from proptarget import ASGIApp, TargetMachine, mock_target, run_machine
from propunits import LifecycleMachine

import pywats_production as wp
from pywats_production.mock import MockApp
from pywats_production.mock._serials import Pool, TakenInfo
from pywats_production.mock._store import Store
from pywats_production.mock._wire import take_xml

PLANTED = Settings(
    max_examples=400,
    stateful_step_count=30,
    database=None,
    derandomize=True,
    deadline=None,
    report_multiple_bugs=False,
    print_blob=False,
    phases=(Phase.explicit, Phase.generate),
    suppress_health_check=list(HealthCheck),
)


def caught(machine: type[TargetMachine], tag: str, **kwargs: Any) -> None:
    """Run ``machine`` with only ``tag`` checked; it must fail with that tag."""
    with pytest.raises(AssertionError, match=re.escape(f"[{tag}]")):
        run_machine(machine, kwargs.pop("factory", mock_target), PLANTED, only=frozenset({tag}))


# ------------------------------------------------------------------- serial numbers


def test_take_that_hands_out_a_number_twice(monkeypatch: pytest.MonkeyPatch) -> None:
    real = Pool.take

    def leaky(self: Pool, quantity: int, in_sequence: bool, info: TakenInfo) -> list[int] | None:
        positions = real(self, quantity, in_sequence, info)
        if positions:  # the first number is marked free again: it will be handed out again
            self.set_state(positions[0], False, None)
        return positions

    monkeypatch.setattr(Pool, "take", leaky)
    caught(SerialMachine, "serial.unique")


def test_pool_counts_that_do_not_add_up(monkeypatch: pytest.MonkeyPatch) -> None:
    real = Pool.take

    def uncounted(
        self: Pool, quantity: int, in_sequence: bool, info: TakenInfo
    ) -> list[int] | None:
        positions = real(self, quantity, in_sequence, info)
        if positions and in_sequence:
            self.free += len(positions)  # forgets to count an in-sequence take
        return positions

    monkeypatch.setattr(Pool, "take", uncounted)
    caught(SerialMachine, "serial.counts")


def test_in_sequence_take_that_is_not_a_run(monkeypatch: pytest.MonkeyPatch) -> None:
    real = Pool.take
    monkeypatch.setattr(
        Pool, "take", lambda self, quantity, in_sequence, info: real(self, quantity, False, info)
    )
    caught(SerialMachine, "serial.sequence")


def test_take_that_gives_one_too_few(monkeypatch: pytest.MonkeyPatch) -> None:
    real = Pool.take

    def short(self: Pool, quantity: int, in_sequence: bool, info: TakenInfo) -> list[int] | None:
        return real(
            self, quantity - 1 if quantity > 1 and not in_sequence else quantity, in_sequence, info
        )

    monkeypatch.setattr(Pool, "take", short)
    caught(SerialMachine, "serial.count")


def test_take_answer_not_in_pool_order(monkeypatch: pytest.MonkeyPatch) -> None:
    real = Store.take
    monkeypatch.setattr(Store, "take", lambda self, *a: list(reversed(real(self, *a))))
    caught(SerialMachine, "mock.lowest-free")


def test_take_answer_that_breaks_the_format(monkeypatch: pytest.MonkeyPatch) -> None:
    _take_breaks_format(monkeypatch)
    caught(SerialMachine, "serial.format")


def test_take_answer_with_a_number_twice(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        "pywats_production.mock._app.take_xml",
        lambda numbers: take_xml([*numbers, *numbers[:1]] if len(numbers) > 1 else numbers),
    )
    caught(SerialMachine, "serial.distinct")


def test_by_reference_that_ignores_the_part_number(monkeypatch: pytest.MonkeyPatch) -> None:
    real = Store.numbers_by_reference

    def sloppy(
        self: Store, type_name: str, ref_sn: str | None, ref_pn: str | None, *dates: Any
    ) -> Any:
        return real(self, type_name, ref_sn, None if ref_sn else ref_pn, *dates)

    monkeypatch.setattr(Store, "numbers_by_reference", sloppy)
    caught(SerialMachine, "serial.by-reference")


def test_by_range_that_leaves_out_the_last_number(monkeypatch: pytest.MonkeyPatch) -> None:
    real = Pool.positions

    def exclusive(self: Pool, start: int = 0, end: int | None = None) -> Iterator[int]:
        return real(self, start, None if end is None else end - 1)

    monkeypatch.setattr(Pool, "positions", exclusive)
    caught(SerialMachine, "serial.by-range")


def test_records_that_lose_the_station(monkeypatch: pytest.MonkeyPatch) -> None:
    real = Store.to_record
    monkeypatch.setattr(
        Store, "to_record", staticmethod(lambda row: {**real(row), "stationName": None})
    )
    caught(SerialMachine, "serial.pool-state")


def test_upload_that_drops_the_taken_state(monkeypatch: pytest.MonkeyPatch) -> None:
    real = Store.upload

    def stateless(self: Store, type_name: str, rows: Any) -> None:
        real(self, type_name, [type(r)(r.serial_number) for r in rows])

    monkeypatch.setattr(Store, "upload", stateless)
    caught(SerialMachine, "serial.export-upload")


def test_upload_that_is_not_all_or_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    real = Store.upload

    def partial(self: Store, type_name: str, rows: Any) -> None:
        pattern = self.types[type_name].reg_ex or ""
        real(self, type_name, [r for r in rows if re.search(pattern, r.serial_number)])

    monkeypatch.setattr(Store, "upload", partial)
    caught(SerialMachine, "serial.upload")


# ------------------------------------------------------------------------- lifecycle


def test_save_that_drops_a_field(monkeypatch: pytest.MonkeyPatch) -> None:
    real = wp.Unit.to_wire

    def lossy(self: wp.Unit) -> dict[str, Any]:
        wire = real(self)
        wire.pop("currentLocation", None)
        return wire

    monkeypatch.setattr(wp.Unit, "to_wire", lossy)
    caught(LifecycleMachine, "unit.read-back")


def test_save_that_reports_errors(monkeypatch: pytest.MonkeyPatch) -> None:
    real = Store.put_units

    def picky(self: Store, items: Any) -> Any:
        result = real(self, items)
        late = [i for i in items if str(i.get("serialDate") or "9999") < "2000"]
        return {**result, "errorCount": len(late), "errors": [f"too old: {i}" for i in late]}

    monkeypatch.setattr(Store, "put_units", picky)
    caught(LifecycleMachine, "unit.saved")


def test_phase_that_loses_unknown_bits(monkeypatch: pytest.MonkeyPatch) -> None:
    real = Store.set_phase
    monkeypatch.setattr(
        Store, "set_phase", lambda self, sn, pn, phase: real(self, sn, pn, phase & 0x1FFF)
    )
    caught(LifecycleMachine, "unit.phase")


def test_phase_that_creates_missing_units(monkeypatch: pytest.MonkeyPatch) -> None:
    real = Store.set_phase

    def upsert(self: Store, sn: str, pn: str, phase: int) -> None:
        if (sn, pn) not in self.units:
            self.put_units([{"serialNumber": sn, "partNumber": pn}])
        real(self, sn, pn, phase)

    monkeypatch.setattr(Store, "set_phase", upsert)
    caught(LifecycleMachine, "unit.not-found")


def test_changes_feed_that_drops_an_entry(monkeypatch: pytest.MonkeyPatch) -> None:
    _feed_drops_entries(monkeypatch)  # every third change is lost
    caught(LifecycleMachine, "feed.exact")


def test_delete_that_keeps_the_change(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Store, "delete_change", lambda self, change_id: None)
    caught(LifecycleMachine, "feed.delete")


def test_consume_that_deletes_before_handling(monkeypatch: pytest.MonkeyPatch) -> None:
    def eager(self: wp.ProductionService, *, max_count: int = 100) -> Iterator[wp.UnitChange]:
        while changes := self.get_unit_changes(max_count):
            for change in changes:
                self.delete_unit_change(change.id)  # acknowledged before the handler ran
                yield change

    monkeypatch.setattr(wp.ProductionService, "iter_unit_changes", eager)
    caught(LifecycleMachine, "feed.consume")


# -------------------------------------------------------------------------- assembly


def test_add_child_that_skips_the_loop_rule(monkeypatch: pytest.MonkeyPatch) -> None:
    real = Store.add_child

    def loops(self: Store, parent_sn: str, parent_pn: str | None, *rest: Any) -> None:
        parent = self.find_unit(parent_sn, parent_pn)
        hidden, parent.parent = parent.parent, None  # the parent's ancestors are not walked
        try:
            real(self, parent_sn, parent_pn, *rest)
        finally:
            parent.parent = hidden

    monkeypatch.setattr(Store, "add_child", loops)
    caught(AssemblyMachine, "assembly.rules")


def test_add_child_that_skips_the_finalized_rule(monkeypatch: pytest.MonkeyPatch) -> None:
    real = Store.add_child

    def lax(
        self: Store,
        parent_sn: str,
        parent_pn: str | None,
        child_sn: str,
        child_pn: str | None,
        *rest: Any,
    ) -> None:
        child = self.find_unit(child_sn, child_pn)
        phase, child.phase = child.phase, 16
        try:
            real(self, parent_sn, parent_pn, child_sn, child_pn, *rest)
        finally:
            child.phase = phase

    monkeypatch.setattr(Store, "add_child", lax)
    caught(AssemblyMachine, "assembly.rules")


def test_remove_child_that_leaves_a_sub_unit(monkeypatch: pytest.MonkeyPatch) -> None:
    real = Store.remove_child

    def half(
        self: Store, parent_sn: str, parent_pn: str | None, child_sn: str, child_pn: str | None
    ) -> None:
        real(self, parent_sn, parent_pn, child_sn, child_pn)
        parent = self.find_unit(parent_sn, parent_pn)
        parent.children[self.find_unit(child_sn, child_pn).key] = None

    monkeypatch.setattr(Store, "remove_child", half)
    caught(AssemblyMachine, "assembly.forest")


def test_check_child_units_that_always_says_valid(monkeypatch: pytest.MonkeyPatch) -> None:
    real = Store.check_children
    monkeypatch.setattr(
        Store, "check_children", lambda self, *a: {**real(self, *a), "isValid": True}
    )
    caught(AssemblyMachine, "assembly.check")


# -------------------------------------------------------------------------- encoding


def test_path_encoder_that_keeps_slashes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        "pywats_production_api.api.production.get_unit.quote",
        lambda text, safe="": urllib.parse.quote(text, safe="/"),
    )
    factory = functools.partial(mock_target, seed="demo")
    with pytest.raises(AssertionError, match=re.escape("[encoding.round-trip]")):
        Settings(PLANTED)(round_trip_property(factory))()


def test_sdk_that_sends_blank_serial_numbers(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("pywats_production._calls.require_text", lambda value, parameter: value)
    target = mock_target(seed="demo")
    try:
        with pytest.raises(AssertionError, match=re.escape("[encoding.refused]")):
            Settings(PLANTED)(refusal_property(target))()
    finally:
        target.close()


# ----------------------------------------------------------------------- concurrency


def _racy_take(app: ASGIApp) -> ASGIApp:
    """A Take that checks, yields to other requests, then acts: two stations can get
    the same numbers (the bug an atomic Take prevents)."""
    mock: MockApp = app  # type: ignore[assignment]

    async def wrapped(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http" or not scope["path"].endswith("/SerialNumbers/Take"):
            await app(scope, receive, send)
            return
        query = dict(urllib.parse.parse_qsl(scope["query_string"].decode()))
        pool = mock.store.types[query["serialNumberType"]].pool
        free = [p for p in range(len(pool)) if pool.flags[p] == 0][: int(query["quantity"])]
        await asyncio.sleep(0)  # another station's Take runs here
        info = TakenInfo(query.get("refSN"), query.get("refPN"), query.get("stationName"), None)
        for position in free:
            pool.set_state(position, True, info)
        body = take_xml(pool.addresses.at(p) for p in free).encode()
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-type", b"application/xml")]})  # fmt: skip
        await send({"type": "http.response.body", "body": body})

    return wrapped  # type: ignore[return-value]


@pytest.mark.parametrize("tag", ["conc.unique", "conc.counts", "conc.by-reference"])
def test_take_that_is_not_atomic(tag: str) -> None:
    factory: Callable[[], Any] = functools.partial(mock_target, wrap=_racy_take)
    prop = concurrency_property(factory, only=frozenset({tag}))
    with pytest.raises(AssertionError, match=re.escape(f"[{tag}]")):
        Settings(PLANTED)(prop)()


def _child_parent_not_checked(monkeypatch: pytest.MonkeyPatch) -> None:
    real = Store.add_child

    def grabby(
        self: Store,
        parent_sn: str,
        parent_pn: str | None,
        child_sn: str,
        child_pn: str | None,
        *rest: Any,
    ) -> None:
        child = self.find_unit(child_sn, child_pn)
        child.parent = None  # a child already in a box is linked again, to a second parent
        real(self, parent_sn, parent_pn, child_sn, child_pn, *rest)

    monkeypatch.setattr(Store, "add_child", grabby)


def _phase_kept_on_update(monkeypatch: pytest.MonkeyPatch) -> None:
    real = Store.put_units

    def stubborn(self: Store, items: Any) -> Any:
        kept = [
            {k: v for k, v in i.items() if k != "unitPhaseId"}
            if (i.get("serialNumber"), i.get("partNumber")) in self.units
            else i
            for i in items
        ]
        return real(self, kept)

    monkeypatch.setattr(Store, "put_units", stubborn)


def _feed_drops_entries(monkeypatch: pytest.MonkeyPatch) -> None:
    real = Store._append_change

    def forgetful(self: Store, serial_number: str, **fields: Any) -> None:
        if self._next_change % 3 == 0:
            self._next_change += 1
            return
        real(self, serial_number, **fields)

    monkeypatch.setattr(Store, "_append_change", forgetful)


def _take_breaks_format(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        "pywats_production.mock._app.take_xml", lambda numbers: take_xml(n.lower() for n in numbers)
    )


CONCURRENCY_BUGS: dict[str, Callable[[pytest.MonkeyPatch], None]] = {
    "conc.assembly": _child_parent_not_checked,
    "conc.units": _phase_kept_on_update,
    "conc.feed": _feed_drops_entries,
    "conc.take": _take_breaks_format,
}


@pytest.mark.parametrize("tag", sorted(CONCURRENCY_BUGS))
def test_concurrency_invariants_catch_their_bug(tag: str, monkeypatch: pytest.MonkeyPatch) -> None:
    CONCURRENCY_BUGS[tag](monkeypatch)
    prop = concurrency_property(mock_target, only=frozenset({tag}))
    with pytest.raises(AssertionError, match=re.escape(f"[{tag}]")):
        Settings(PLANTED)(prop)()


def test_off_contract_answer_of_the_mock(monkeypatch: pytest.MonkeyPatch) -> None:
    """Strict mode turns an off-contract answer into a 500 and records it: the machines
    fail on any recorded violation at teardown."""
    real = Store._unit_json
    monkeypatch.setattr(
        Store, "_unit_json", lambda self, unit: {**real(self, unit), "unitPhaseId": "16"}
    )
    caught(LifecycleMachine, "mock.contract")


# ------------------------------------------------------------------ the failure report


def test_a_failure_prints_the_shrunk_program(monkeypatch: pytest.MonkeyPatch) -> None:
    """With shrinking on, the report is the minimal program of SDK calls, replayable."""
    monkeypatch.setattr(Store, "delete_change", lambda self, change_id: None)
    shrinking = Settings(
        PLANTED, stateful_step_count=10, phases=(Phase.explicit, Phase.generate, Phase.shrink)
    )
    lines: list[str] = []
    with with_reporter(lines.append), pytest.raises(AssertionError) as failure:
        run_machine(LifecycleMachine, mock_target, shrinking, only=frozenset({"feed.delete"}))
    report = "\n".join([*lines, *getattr(failure.value, "__notes__", [])])
    assert "state = LifecycleMachine()" in report
    assert "state.delete_change(" in report
    assert "state.save_units(" in report
    # Shrunk to the minimal program: one save (a change to delete), one delete.
    steps = re.findall(r"^\s*state\.(\w+)\(", report, flags=re.MULTILINE)
    invariants = {"feed_matches_the_model", "written_units_read_back", "teardown"}
    assert [s for s in steps if s not in invariants] == ["save_units", "delete_change"], report


def test_async_save_that_sends_repeated_units_concurrently(monkeypatch: pytest.MonkeyPatch) -> None:
    """The bug the save-order property found in the SDK, planted back."""
    monkeypatch.setattr("pywats_production._async_service._chunks_disjoint", lambda calls: True)
    with pytest.raises(AssertionError, match=re.escape("[conc.save-order]")):
        Settings(PLANTED)(save_order_property(mock_target))()

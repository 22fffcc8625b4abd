"""The internal-API machine: units, assembly and serial-number pools through service.internal,
mixed with the public operations on the same server."""

from __future__ import annotations

import attrs
from hypothesis import event
from hypothesis import strategies as st
from hypothesis.stateful import invariant, rule
from proptarget import FAST, TOKEN, TargetMachine, mock_target, step

import pywats_production as wp
from pywats_production.errors import AssemblyError, BadRequestError
from pywats_production.internal_models import SerialNumberRange, UnitState
from pywats_production.mock import SERVER_VERSION

UNITS = [("U1", "PCBA-100"), ("U2", "PCBA-100"), ("P1", "PSU-200"), ("P2", "PSU-200")]
BOXES = [("B1", "BOX-900"), ("B2", "BOX-900")]
PHASES = [2, 4, 16, 32, 1024, 4098, 2 | 8192]
PROCESSES = ["ICT", "FCT", "Final test"]
TYPE = "SerialNumber"
# The machine touches at most the first numbers of the demo pool: free only there.
WINDOW = ("SN00000001", "SN00000400")


def demo_target() -> object:
    """The demo seed: products with a box build (BOX-900), processes, the SerialNumber type."""
    return mock_target(seed="demo")


class InternalMachine(TargetMachine):
    """service.internal and the public service on one mock, checked against a model.

    Invariants, each with its tag:

    - ``internal.phase``: the current phase read through the internal API always equals
      the public unit's phase (and the model's).
    - ``internal.history``: a unit's state history is append-only (each read starts with
      the states of the read before) and ends with the unit's current phase and process.
    - ``internal.reserve-once``: reserve, free and take issue each number at most once
      while it is held: no number reserved and not freed, nor taken, is handed out again.
    - ``internal.none-lost``: numbers freed are not lost: a Take hands out the lowest
      numbers not held (freed ones first), and the pool's statistics count exactly the
      reserved and taken numbers of the model.
    - ``internal.remove-all``: after RemoveAllChildUnits no unit names the box as its
      parent, and the box's hierarchy has no children.
    """

    target_factory = staticmethod(demo_target)

    def __init__(self) -> None:
        super().__init__()
        client = self.sdk._client
        self.api = wp.ProductionService(
            "http://wats-mock", TOKEN, http_client=client, retry=FAST, internal=True
        )
        # The mock's version is not one the internal contract was derived for: pinned.
        self.api._config = attrs.evolve(
            self.api._config, pinned_server_versions=frozenset({SERVER_VERSION})
        )
        self.internal = self.api.internal
        self.state: dict[tuple[str, str], tuple[int, str | None]] = {}
        self.histories: dict[tuple[str, str], tuple[UnitState, ...]] = {}
        self.reserved: set[str] = set()
        self.taken: set[str] = set()
        self.issued_ever: set[str] = set()

    # ------------------------------------------------------------------ units

    @rule(unit=st.sampled_from(UNITS + BOXES), phase=st.sampled_from([None, *PHASES]))
    @step
    def create(self, unit: tuple[str, str], phase: int | None) -> None:
        if unit in self.state:
            try:
                self.internal.create_unit(*unit, "A", phase=phase)
            except BadRequestError:
                event("create: exists")
                return
            raise AssertionError(f"[internal.phase] {unit} was created twice")
        created = self.internal.create_unit(*unit, "A", phase=phase)
        self.state[unit] = (int(created.phase or 1), None)

    @rule(data=st.data(), phase=st.sampled_from(PHASES), process=st.sampled_from(PROCESSES))
    @step
    def set_phase_and_process(self, data: st.DataObject, phase: int, process: str) -> None:
        if not self.state:
            return
        unit = data.draw(st.sampled_from(sorted(self.state)))
        self.internal.set_unit_phase_and_process(*unit, phase, process)
        self.state[unit] = (phase, process)

    @rule(data=st.data(), phase=st.sampled_from(PHASES))
    @step
    def set_phase_publicly(self, data: st.DataObject, phase: int) -> None:
        if not self.state:
            return
        unit = data.draw(st.sampled_from(sorted(self.state)))
        self.sdk.set_unit_phase(*unit, phase)
        self.state[unit] = (phase, self.state[unit][1])

    @rule(data=st.data(), process=st.sampled_from(PROCESSES))
    @step
    def set_process_publicly(self, data: st.DataObject, process: str) -> None:
        if not self.state:
            return
        unit = data.draw(st.sampled_from(sorted(self.state)))
        self.sdk.set_unit_process(*unit, process)
        self.state[unit] = (self.state[unit][0], process)

    # --------------------------------------------------------------- assembly

    @rule(box=st.sampled_from(BOXES), child=st.sampled_from(UNITS), finalize=st.booleans())
    @step
    def add_child(self, box: tuple[str, str], child: tuple[str, str], finalize: bool) -> None:
        self._link(box, child, finalize)

    def _link(self, box: tuple[str, str], child: tuple[str, str], finalize: bool) -> None:
        if box not in self.state or child not in self.state:
            return
        if finalize:  # the server links only Finalized children
            self.internal.set_unit_phase_and_process(*child, 16, "Final test")
            self.state[child] = (16, "Final test")
        try:
            self.internal.add_child_unit(*box, *child)
            event("add: linked")
        except AssemblyError:
            event("add: refused")

    @rule(box=st.sampled_from(BOXES), refill=st.sampled_from([None, *UNITS]))
    @step
    def remove_all(self, box: tuple[str, str], refill: tuple[str, str] | None) -> None:
        if box not in self.state:
            return
        if refill is not None and refill in self.state:
            # Fill the box first (when the child is free), so that emptying it matters.
            self._link(box, refill, True)
        self.internal.remove_all_child_units(*box)
        tree = self.internal.get_unit_hierarchy(*box)
        self.check("internal.remove-all", tree.children == (), f"{box} still has {tree.children}")
        for unit in self.state:
            parent = self.sdk.get_unit(*unit).parent_serial_number
            self.check(
                "internal.remove-all",
                parent != box[0],
                f"{unit} still names {box[0]} as its parent after RemoveAllChildUnits",
            )

    # --------------------------------------------------------- serial numbers

    def _handed_out(self, numbers: list[str], how: str) -> None:
        held = self.reserved | self.taken
        again = sorted(set(numbers) & held)
        self.check("internal.reserve-once", not again, f"{how} handed out held numbers {again}")
        self.check("internal.reserve-once", len(set(numbers)) == len(numbers), f"{how}: {numbers}")
        expected = self._lowest_available(len(numbers))
        self.check(
            "internal.none-lost",
            numbers == expected,
            f"{how} handed out {numbers}, the lowest numbers not held are {expected}",
        )
        self.issued_ever |= set(numbers)

    def _lowest_available(self, count: int) -> list[str]:
        held = self.reserved | self.taken
        out: list[str] = []
        index = 1
        while len(out) < count:
            number = f"SN{index:08d}"
            if number not in held:
                out.append(number)
            index += 1
        return out

    @rule(quantity=st.integers(1, 3))
    @step
    def reserve(self, quantity: int) -> None:
        numbers = self.internal.reserve_serial_numbers(TYPE, quantity)
        self._handed_out(numbers, "Reserve")
        self.reserved |= set(numbers)

    @rule(quantity=st.integers(1, 3), internal=st.booleans())
    @step
    def take(self, quantity: int, internal: bool) -> None:
        if internal:
            numbers = self.internal.reserve_serial_numbers(TYPE, quantity, request_type="Take")
        else:
            numbers = self.sdk.take_serial_numbers(TYPE, quantity)
        self._handed_out(numbers, "Take")
        self.taken |= set(numbers)

    @rule()
    @step
    def free(self) -> None:
        self.internal.free_serial_numbers(
            SerialNumberRange(
                serial_number_type=TYPE, start_address=WINDOW[0], end_address=WINDOW[1]
            )
        )
        if self.reserved:
            event("free: released reservations")
        self.reserved.clear()

    # ------------------------------------------------------------- invariants

    @invariant()
    def phases_agree(self) -> None:
        if not self.enabled("internal.phase"):
            return
        for unit, (phase, _process) in self.state.items():
            internal = int(self.internal.get_unit_phase(*unit))
            public = int(self.sdk.get_unit(*unit).phase or 0)
            self.check(
                "internal.phase",
                internal == public == phase,
                f"{unit}: internal {internal}, public {public}, model {phase}",
            )

    @invariant()
    def histories_grow(self) -> None:
        if not self.enabled("internal.history"):
            return
        for unit, (phase, process) in self.state.items():
            states = self.internal.get_unit_state_history(*unit).states
            before = self.histories.get(unit, ())
            self.check(
                "internal.history",
                states[: len(before)] == before,
                f"{unit}: history rewritten: {before} then {states}",
            )
            last = states[-1] if states else None
            self.check(
                "internal.history",
                last is not None and (int(last.phase), last.process) == (phase, process),
                f"{unit}: history ends with {last}, the unit is ({phase}, {process})",
            )
            self.histories[unit] = states

    @invariant()
    def pool_counts(self) -> None:
        if not self.enabled("internal.none-lost"):
            return
        (stats,) = self.internal.get_serial_number_statistics(TYPE)
        self.check(
            "internal.none-lost",
            (stats.reserved, stats.taken) == (len(self.reserved), len(self.taken)),
            f"statistics say reserved {stats.reserved}, taken {stats.taken}; the model "
            f"{len(self.reserved)}, {len(self.taken)}",
        )
        self.check(
            "internal.none-lost",
            (stats.free or 0) + (stats.reserved or 0) + (stats.taken or 0) == stats.total,
            f"free + reserved + taken != total: {stats}",
        )

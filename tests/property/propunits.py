"""Units: the lifecycle machine, and the base it shares with the assembly machine."""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from hypothesis import event
from hypothesis import strategies as st
from hypothesis.stateful import invariant, precondition, rule
from propmodels import (
    Change,
    FeedModel,
    Key,
    UnitFields,
    UnitModel,
    apply_save,
    unit_mismatches,
)
from proptarget import TargetMachine, internal_api, step

import pywats_production as wp
from pywats_production.errors import WatsError

KNOWN_PHASES = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 4098, 4100, 4104]
#: Any int32 >= 0: the known phases, arbitrary numbers, and sets of single bits (unknown
#: bits above 4096 included).
PHASES = st.one_of(
    st.sampled_from(KNOWN_PHASES),
    st.integers(0, 2**31 - 1),
    st.sets(st.sampled_from([2**i for i in range(31)]), max_size=4).map(sum),
)
DATES = st.datetimes(
    min_value=dt.datetime(1990, 1, 1),
    max_value=dt.datetime(2040, 12, 31),
    timezones=st.just(dt.UTC),
)
BIG = 100_000  # maxCount that reads the whole feed of one example


def _maybe(values: list[str]) -> st.SearchStrategy[str | None]:
    return st.none() | st.sampled_from(values)


def unit_fields(serials: list[str], parts: list[str]) -> st.SearchStrategy[UnitFields]:
    """One unit of a save: a key from the universes, each writable field set or not."""
    return st.builds(
        UnitFields,
        serial=st.sampled_from(serials),
        part=st.sampled_from(parts),
        revision=_maybe(["A", "B", "C"]),
        batch_number=_maybe(["B1", "B2"]),
        current_location=_maybe(["Line 1", "Stock", 'Bay "7" \\ ü ✓']),
        xml_data=_maybe(['<d v="1"/>', '<d v="2"/>']),
        serial_date=st.none() | DATES,
        phase=st.none() | PHASES,
        process_code=st.none() | st.sampled_from(["10", "20", 30]),
    )


class UnitsMachine(TargetMachine):
    """Units and the changes feed, modelled (shared by the lifecycle and assembly machines).

    Checks (tags):

    - ``unit.saved``: PUT Units reports no error for valid units (SDK observation).
    - ``unit.read-back``: after every step, every unit written in that step reads back
      with the writable fields the model holds (revision, batch number, location, XML
      data, serial date, phase, process code; absent fields keep their value).
    - ``unit.not-found``: reading or changing a unit that was never saved raises
      NotFoundError, and only then.
    - ``feed.exact``: after every step the whole feed equals the model: one record per
      change of phase, parent, part number or revision, in order, with only the changed
      fields set, ids increasing and stable. Needs the feed to be this example's alone,
      so not on a live server.
    """

    SERIALS: ClassVar[list[str]] = []
    PARTS: ClassVar[list[str]] = []

    def __init__(self) -> None:
        super().__init__()
        self.units: dict[Key, UnitModel] = {}
        self.feed = FeedModel(logged=self.caps.feed_logged)
        self.dirty: set[Key] = set()

    def real(self, key: Key) -> tuple[str, str]:
        return self.target.name(key[0]), self.target.name(key[1])

    def for_target(self, fields: UnitFields) -> UnitFields:
        """Drop what the target cannot keep (a live server: no made-up process codes,
        serial dates to the second)."""
        if self.caps.process_codes:
            return fields
        date = fields.serial_date.replace(microsecond=0) if fields.serial_date else None
        return UnitFields(**{**fields.__dict__, "process_code": None, "serial_date": date})

    # ------------------------------------------------------------------- model edits

    def apply_save(self, fields: UnitFields) -> None:
        """The mock's PUT semantics (docs/mock.md) and the feed rule (wire-formats.md)."""
        self.dirty.add(apply_save(self.units, self.feed, fields))

    def apply_phase(self, key: Key, phase: int) -> None:
        unit = self.units[key]
        if unit.phase != phase:
            unit.phase = phase
            self.feed.append(Change(unit.serial, phase=phase))
        self.dirty.add(key)

    # ---------------------------------------------------------------- SDK helpers

    def save(self, units: list[UnitFields]) -> None:
        units = [self.for_target(u) for u in units]
        result = self.sdk.save_units([u.to_unit(*self.real((u.serial, u.part))) for u in units])
        self.check("unit.saved", result.error_count == 0, f"save reported {result}")
        for fields in units:
            self.apply_save(fields)

    def set_phase(self, key: Key, phase: int | str | wp.UnitPhase) -> None:
        try:
            self.sdk.set_unit_phase(*self.real(key), phase)
        except wp.NotFoundError:
            self.check(
                "unit.not-found", key not in self.units, f"{key} exists: {self.units.get(key)}"
            )
            return
        self.check("unit.not-found", key in self.units, f"{key} was never saved")
        if key in self.units:
            self.apply_phase(key, int(wp.UnitPhase.parse(phase)))

    def read_back(self, key: Key, tag: str = "unit.read-back") -> wp.Unit | None:
        model = self.units[key]
        serial, part = self.real(key)
        try:
            got = self.sdk.get_unit(serial, part)
        except WatsError as exc:
            self.check(tag, False, f"{key} cannot be read: {exc!r}")
            return None
        wrong = unit_mismatches(got, model, serial, part)
        self.check(tag, not wrong, f"{key} reads back with {wrong}")
        return got

    # ------------------------------------------------------------------- invariants

    @invariant()
    def written_units_read_back(self) -> None:
        """Every unit written by the last step reads back as the model says."""
        if self.enabled("unit.read-back"):
            for key in sorted(self.dirty):
                self.read_back(key)
        self.dirty.clear()

    @invariant()
    def feed_matches_the_model(self) -> None:
        """The whole feed is the model's pending changes, in order (own feed only)."""
        if not self.caps.own_feed or not self.enabled("feed.exact"):
            return
        problem = self.feed.observe(self.sdk.get_unit_changes(BIG), whole=True)
        self.check("feed.exact", problem is None, problem)


class Boom(Exception):
    """A handler's failure, planted by the consume rule."""


class Runaway(Exception):
    """Raised by the consume rule's handler to stop a consume that would never end."""


class LifecycleMachine(UnitsMachine):
    """Unit lifecycle: save, read, set phase, and the changes feed.

    Beyond the checks of :class:`UnitsMachine` (tags):

    - ``unit.phase``: the phase set (any int32 >= 0, unknown bits included, given as an
      int, a UnitPhase or its label) is the phase read, and the server's phase name
      parses back to it (mock: the name is only checked when it is not empty).
    - ``feed.delete``: a deleted change is gone from the feed; deleting it again is not
      an error (own feed only).
    - ``internal.phase``: the phase read through the internal API (``GetUnitPhase``) is
      the model's, hence the public unit's (on the mock, where the internal API is
      served; the internal-API machine in propinternal.py covers the rest).
    - ``feed.consume``: ``consume_unit_changes`` with a handler that fails at random
      loses no change (every change is either handled or still pending), hands each
      change over as it is in the feed, oldest first, and with no limit leaves the feed
      empty once it returns (own feed only).
    """

    SERIALS: ClassVar[list[str]] = ["U1", "U2", "U3"]
    PARTS: ClassVar[list[str]] = ["P1", "P2"]

    @rule(units=st.lists(unit_fields(SERIALS, PARTS), min_size=1, max_size=3))
    @step
    def save_units(self, units: list[UnitFields]) -> None:
        self.save(units)

    @rule(
        serial=st.sampled_from(SERIALS),
        part=st.sampled_from(PARTS),
        phase=PHASES,
        form=st.sampled_from(["int", "UnitPhase", "label"]),
    )
    @step
    def set_unit_phase(self, serial: str, part: str, phase: int, form: str) -> None:
        value: int | str | wp.UnitPhase = phase
        if form == "UnitPhase":
            value = wp.UnitPhase(phase)
        elif form == "label":
            value = wp.UnitPhase(phase).label
        key = (serial, part)
        self.set_phase(key, value)
        if key not in self.units:
            return
        got = self.read_back(key, "unit.phase")
        if got is None:
            return
        self.check(
            "unit.phase",
            got.phase is not None and int(got.phase) == phase,
            f"set {value!r}, read {got.phase!r}",
        )
        if got.phase_name:
            parsed = int(wp.UnitPhase.parse(got.phase_name))
            self.check("unit.phase", parsed == phase, f"name {got.phase_name!r} for {phase}")

    @precondition(lambda self: self.target.app is not None)
    @rule(serial=st.sampled_from(SERIALS), part=st.sampled_from(PARTS))
    @step
    def read_phase_internally(self, serial: str, part: str) -> None:
        key = (serial, part)
        internal = self._internal()
        if key not in self.units:
            try:
                internal.get_unit_phase(*self.real(key))
            except wp.NotFoundError:
                return
            self.check("unit.not-found", False, f"{key} was never saved, yet has a phase")
            return
        phase = int(internal.get_unit_phase(*self.real(key)))
        model = self.units[key].phase
        self.check("internal.phase", phase == model, f"{key}: internal {phase}, model {model}")

    def _internal(self) -> wp.InternalApi:
        found: wp.InternalApi | None = getattr(self, "_internal_api", None)
        if found is None:
            found = self._internal_api = internal_api(self.sdk)
        return found

    @rule(serial=st.sampled_from(SERIALS), part=st.sampled_from(PARTS))
    @step
    def get_unit(self, serial: str, part: str) -> None:
        key = (serial, part)
        if key in self.units:
            self.read_back(key)
            return
        try:
            got = self.sdk.get_unit(*self.real(key))
        except wp.NotFoundError:
            return
        self.check("unit.not-found", False, f"{key} was never saved, yet reads as {got}")

    @precondition(lambda self: self.caps.own_feed)
    @rule(max_count=st.integers(1, 5))
    @step
    def read_feed(self, max_count: int) -> None:
        got = self.sdk.get_unit_changes(max_count)
        problem = self.feed.observe(got, whole=len(self.feed.pending) <= max_count)
        self.check("feed.exact", problem is None, problem)

    @precondition(lambda self: self.caps.own_feed)
    @rule(index=st.integers(0, 50), again=st.booleans())
    @step
    def delete_change(self, index: int, again: bool) -> None:
        if not self.feed.pending:
            return
        index %= len(self.feed.pending)
        change_id = self.feed.ids[index]
        if change_id is None:  # never shown by the server: learn the ids first
            self.feed.observe(self.sdk.get_unit_changes(BIG), whole=True)
            change_id = self.feed.ids[index]
        assert change_id is not None
        self.sdk.delete_unit_change(change_id)
        self.feed.remove(change_id)
        if again:
            try:
                self.sdk.delete_unit_change(change_id)
            except WatsError as exc:
                self.check("feed.delete", False, f"deleting {change_id} twice raised {exc!r}")
        left = [c.id for c in self.sdk.get_unit_changes(BIG)]
        self.check("feed.delete", change_id not in left, f"{change_id} still in {left}")

    @precondition(lambda self: self.caps.own_feed)
    @rule(
        failures=st.lists(st.booleans(), max_size=8),
        max_count=st.integers(1, 4),
        limit=st.none() | st.integers(1, 5),
    )
    @step
    def consume(self, failures: list[bool], max_count: int, limit: int | None) -> None:
        """Consume with a handler that raises on the calls ``failures`` marks True."""
        before = dict(zip(self.feed.ids, self.feed.pending, strict=True))
        if None in before:
            self.feed.observe(self.sdk.get_unit_changes(BIG), whole=True)
            before = dict(zip(self.feed.ids, self.feed.pending, strict=True))
        plan = iter(failures)
        calls: list[list[wp.UnitChange]] = []
        done: list[int] = []

        # Each change comes at most once per call, and a call follows each failure: more
        # is a consume that never ends (deletes that do not delete, say).
        bound = (len(before) + 1) * (len(failures) + 1)

        def handler(change: wp.UnitChange) -> None:
            if sum(map(len, calls)) >= bound:
                raise Runaway(change.id)
            calls[-1].append(change)
            if next(plan, False):
                raise Boom(change.id)
            done.append(change.id)

        event(f"consume: {sum(failures)} failure(s) planned, limit {limit}")
        for _ in range(len(failures) + 1):
            calls.append([])
            try:
                self.sdk.consume_unit_changes(handler, max_count=max_count, limit=limit)
            except Boom:
                continue
            except Runaway:
                self.check(
                    "feed.consume", False, f"consume never ends: {bound} changes handed over"
                )
                return
            except wp.WatsResponseError as exc:
                # The SDK's own guard: a change still pending after its delete.
                self.check("feed.consume", False, f"consume stopped by the SDK: {exc}")
                return
            break
        seen = [change for call in calls for change in call]
        invented = [c for c in seen if before.get(c.id) != Change.of(c)]
        self.check("feed.consume", not invented, f"handed over changes not in the feed: {invented}")
        for call in calls:
            ids = [c.id for c in call]
            self.check("feed.consume", ids == sorted(set(ids)), f"handed over out of order: {ids}")
        left = {c.id for c in self.sdk.get_unit_changes(BIG)}
        lost = sorted(set(before) - set(done) - left)
        self.check("feed.consume", not lost, f"changes lost: {lost} (handled: {done})")
        if limit is None:
            self.check("feed.consume", not left, f"changes left after consuming all: {left}")
        for change_id in done:
            if change_id in self.feed.ids:
                self.feed.remove(change_id)

"""Concurrency: stations interleave takes, saves and assembly on one server.

A ``@given`` property (not a state machine): Hypothesis draws one program per station
(2 to 4 stations, each 1 to 8 operations, each preceded by 0 to 2 yields to the event
loop, which is how the interleaving is drawn), the stations run as asyncio tasks with
``asyncio.gather`` on one :class:`AsyncProductionService` or one each, and the
invariants are checked once all are done. In-process the schedule is deterministic for
a given program, so a failure shrinks and replays.

Set-up: a pool ``Shared`` of 4 to 16 numbers (C001 ...); a shared box ``BOX-1`` (part
BOX rev A, whose box build takes 2 PART rev A); one box per station ``S<n>-BOX``; two
shared Finalized PART units ``SH-0`` and ``SH-1``. Station n owns the units
``S<n>-U0..2``. Operations: Take(q, in sequence or not), Save(unit, phase),
Phase(unit, phase), Attach(unit) to BOX-1 and Detach, Grab(SH-j) into the own box and
Release. Checks (tags):

- ``conc.unique``: no number is handed out twice, across all stations.
- ``conc.take``: every number matches the type's regEx; an in-sequence Take returns a
  run of consecutive numbers or SequenceUnavailableError; a Take returns at most what
  it asked for, and once one returned fewer, the pool is empty at the end.
- ``conc.counts``: the pool's taken count is the number of numbers handed out, and
  free + taken == size (admin API).
- ``conc.by-reference``: ByReference with a station's reference returns exactly that
  station's numbers.
- ``conc.units``: every station's own units read back with the phase and parent its
  own (sequential) history gives them; each operation's outcome is one the rules allow
  given that history (an Attach may be refused NotInBoxBuildError when others filled
  BOX-1).
- ``conc.assembly``: BOX-1 holds exactly the units whose Attach succeeded and was not
  undone, at most 2; each shared unit is held by at most one station, the one whose
  grabs outnumber its releases; CheckChildUnits counts what BOX-1 holds.
- ``conc.feed``: the feed holds, per unit, exactly that unit's changes in the order its
  station made them (shared units: box, "", box, ... one per successful grab and
  release), and nothing else; ids increase (own feed only). On a server that does not log
  unit changes (the mock's feed off), the feed stays empty.
"""

from __future__ import annotations

import asyncio
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from hypothesis import event, given
from hypothesis import strategies as st
from propmodels import (
    FINALIZED,
    Change,
    FeedModel,
    UnitFields,
    UnitModel,
    apply_save,
    unit_mismatches,
)
from proptarget import Tally, Target
from propunits import BIG

import pywats_production as wp
from pywats_production.errors import WatsError

POOL = "Shared"
REGEX = r"^C\d{3}$"
BOX = "BOX-1"
PART = "PART"
CAPACITY = 2
SHARED = ("SH-0", "SH-1")
PHASES = [FINALIZED, FINALIZED, 2, 4098]


@dataclass(frozen=True)
class Op:
    """One operation of a station's program; ``yields`` event-loop yields come first."""

    kind: str
    arg: int = 0
    in_sequence: bool = False
    phase: int = 0
    yields: int = 0

    def __repr__(self) -> str:
        if self.kind == "Take":
            text = f"{self.arg}{', in_sequence' if self.in_sequence else ''}"
        elif self.kind in ("Save", "Phase"):
            text = f"U{self.arg}, phase={self.phase}"
        elif self.kind in ("Grab", "Release"):
            text = f"SH-{self.arg}"
        else:
            text = f"U{self.arg}"
        return f"{self.kind}({text}{f', yields={self.yields}' if self.yields else ''})"

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        # Hypothesis prints dataclasses field by field; the short form reads better.
        printer.text(repr(self))


def _op(box_builds: bool) -> st.SearchStrategy[Op]:
    yields = st.integers(0, 2)
    units = st.integers(0, 2)
    take = st.builds(
        Op, st.just("Take"), st.integers(1, 4), in_sequence=st.booleans(), yields=yields
    )
    save = st.builds(Op, st.just("Save"), units, phase=st.sampled_from(PHASES), yields=yields)
    kinds = [
        take,
        take,
        save,
        save,
        st.builds(Op, st.just("Phase"), units, phase=st.sampled_from(PHASES), yields=yields),
        st.builds(Op, st.just("Grab"), st.integers(0, 1), yields=yields),
        st.builds(Op, st.just("Release"), st.integers(0, 1), yields=yields),
    ]
    if box_builds:
        attach = st.builds(Op, st.just("Attach"), units, yields=yields)
        kinds += [
            attach,
            attach,
            st.builds(Op, st.just("Detach"), units, yields=yields),
        ]
    return st.one_of(kinds)


Program = tuple[list[int], list[Op]]


def programs(box_builds: bool) -> st.SearchStrategy[list[Program]]:
    """Per station: the phases of the own units saved before the stations start (units
    0, 1, ... in order), and the operations."""
    return st.lists(
        st.tuples(
            st.lists(st.sampled_from(PHASES), max_size=3),
            st.lists(_op(box_builds), min_size=1, max_size=8),
        ),
        min_size=2,
        max_size=4,
    )


@dataclass
class Station:
    """A station's own view: its history, and its units as that history leaves them."""

    index: int
    program: list[Op]
    took: list[list[str]] = field(default_factory=list)
    short: bool = False
    phases: dict[int, int] = field(default_factory=dict)  # own unit -> phase
    attached: set[int] = field(default_factory=set)
    holds: set[int] = field(default_factory=set)
    changes: dict[str, list[Change]] = field(default_factory=dict)
    grabs: Counter[int] = field(default_factory=Counter)
    releases: Counter[int] = field(default_factory=Counter)
    wrong: list[str] = field(default_factory=list)
    take_wrong: list[str] = field(default_factory=list)


class Setup:
    """Names on the target (prefixed on a live server)."""

    def __init__(self, target: Target, stations: int) -> None:
        self.target = target
        self.pool = target.serial_type or POOL
        self.box = target.name(BOX)
        self.part = target.name(PART)
        self.box_part = target.name("BOX")
        self.shared = [target.name(s) for s in SHARED]
        self.boxes = [target.name(f"S{n}-BOX") for n in range(stations)]
        self.ref = [target.name(f"S{n}") for n in range(stations)]

    def unit(self, station: int, index: int) -> str:
        return self.target.name(f"S{station}-U{index}")


def _prepare(target: Target, setup: Setup, size: int, stations: int) -> None:
    units = [
        wp.Unit(
            serial_number=setup.box, part_number=setup.box_part, revision="A", phase=wp.UnitPhase(2)
        ),
        *(
            wp.Unit(
                serial_number=b, part_number=setup.box_part, revision="A", phase=wp.UnitPhase(2)
            )
            for b in setup.boxes
        ),
        *(
            wp.Unit(
                serial_number=s, part_number=setup.part, revision="A", phase=wp.UnitPhase.FINALIZED
            )
            for s in setup.shared
        ),
    ]
    if target.admin is not None:
        target.admin.seed(
            {
                "products": [
                    {
                        "partNumber": "BOX",
                        "revisions": [
                            {
                                "revision": "A",
                                "boxBuild": [
                                    {"partNumber": PART, "revision": "A", "quantity": CAPACITY}
                                ],
                            }
                        ],
                    }
                ],
                "serialNumberTypes": [
                    {"name": POOL, "regEx": REGEX, "addresses": {"start": "C001", "count": size}}
                ],
                # Seeded units are not in the feed: the feed then holds only the stations'.
                "units": [u.to_wire() for u in units],
            }
        )
    else:
        target.service.save_units(units)


async def _station(service: wp.AsyncProductionService, setup: Setup, station: Station) -> None:
    n = station.index
    for op in station.program:
        for _ in range(op.yields):
            await asyncio.sleep(0)
        try:
            await _run(service, setup, station, op)
        except WatsError as exc:  # an outcome the rules do not allow: keep going, report
            station.wrong.append(f"S{n} {op!r}: {exc!r}")


def _allowed(
    station: Station, op: Op, got: WatsError | None, allowed: tuple[type | None, ...]
) -> None:
    if not any((got is None) if a is None else isinstance(got, a) for a in allowed):
        names = [a.__name__ if a else "success" for a in allowed]
        station.wrong.append(f"S{station.index} {op!r}: {got!r}, expected one of {names}")


async def _run(service: wp.AsyncProductionService, setup: Setup, station: Station, op: Op) -> None:
    n, target = station.index, setup.target
    got: WatsError | None = None
    if op.kind == "Take":
        try:
            numbers = await service.take_serial_numbers(
                setup.pool,
                op.arg,
                ref_serial_number=setup.ref[n],
                station_name=setup.ref[n],
                only_in_sequence=op.in_sequence,
            )
        except wp.SequenceUnavailableError as exc:
            if not op.in_sequence:
                station.wrong.append(f"S{n} {op!r}: {exc!r}")
            event("conc: sequence unavailable")
            return
        station.took.append(numbers)
        station.short |= len(numbers) < op.arg
        if op.in_sequence and target.admin is not None:
            values = [int(x[1:]) for x in numbers if re.fullmatch(REGEX, x)]
            if not values or values != list(range(values[0], values[0] + op.arg)):
                station.take_wrong.append(f"S{n} {op!r}: {numbers} is not a run of {op.arg}")
        return
    serial = setup.unit(n, op.arg)
    if op.kind == "Save":
        phase = op.phase
        await service.save_units(
            [
                wp.Unit(
                    serial_number=serial,
                    part_number=setup.part,
                    revision="A",
                    phase=wp.UnitPhase(phase),
                )
            ]
        )
        if op.arg not in station.phases:
            station.changes.setdefault(serial, []).append(
                Change(serial, part_number=setup.part, revision="A", phase=phase)
            )
        elif station.phases[op.arg] != phase:
            station.changes.setdefault(serial, []).append(Change(serial, phase=phase))
        station.phases[op.arg] = phase
        return
    if op.kind == "Phase":
        phase = op.phase
        try:
            await service.set_unit_phase(serial, setup.part, phase)
        except WatsError as exc:
            got = exc
        exists = op.arg in station.phases
        _allowed(station, op, got, (None,) if exists else (wp.NotFoundError,))
        if got is None and exists and station.phases[op.arg] != phase:
            station.changes.setdefault(serial, []).append(Change(serial, phase=phase))
            station.phases[op.arg] = phase
        return
    if op.kind in ("Attach", "Detach"):
        attach = op.kind == "Attach"
        try:
            if attach:
                await service.add_child_unit(setup.box, setup.box_part, serial, setup.part)
            else:
                await service.remove_child_unit(setup.box, setup.box_part, serial, setup.part)
        except WatsError as exc:
            got = exc
        exists, linked = op.arg in station.phases, op.arg in station.attached
        if not exists:
            allowed: tuple[type | None, ...] = (wp.NotFoundError,)
        elif not attach:
            allowed = (None,) if linked else (wp.NotLinkedError,)
        elif linked:
            allowed = (wp.ChildAlreadyHasParentError,)
        elif station.phases[op.arg] == FINALIZED:
            allowed = (None, wp.NotInBoxBuildError)  # others may have filled BOX-1
        else:
            allowed = (wp.NotInBoxBuildError, wp.ChildNotFinalizedError)
        _allowed(station, op, got, allowed)
        event(f"conc: {op.kind} {'ok' if got is None else type(got).__name__.lstrip('_')}")
        if got is None and exists:
            if attach:
                station.attached.add(op.arg)
            else:
                station.attached.discard(op.arg)
            parent = setup.box if attach else ""
            station.changes.setdefault(serial, []).append(Change(serial, parent=parent))
        return
    shared, own_box = setup.shared[op.arg], setup.boxes[n]
    grab = op.kind == "Grab"
    check = None if target.caps.box_builds else setup.part
    try:
        if grab:
            await service.add_child_unit(
                own_box, setup.box_part, shared, setup.part, check_part_number=check
            )
        else:
            await service.remove_child_unit(own_box, setup.box_part, shared, setup.part)
    except WatsError as exc:
        got = exc
    held = op.arg in station.holds
    if grab:
        allowed = (
            (wp.ChildAlreadyHasParentError,) if held else (None, wp.ChildAlreadyHasParentError)
        )
    else:
        allowed = (None,) if held else (wp.NotLinkedError,)
    _allowed(station, op, got, allowed)
    event(f"conc: {op.kind} {'ok' if got is None else type(got).__name__.lstrip('_')}")
    if got is None:
        if grab:
            station.holds.add(op.arg)
            station.grabs[op.arg] += 1
        else:
            station.holds.discard(op.arg)
            station.releases[op.arg] += 1


def concurrency_property(
    factory: Callable[[], Target],
    tally: Tally | None = None,
    only: frozenset[str] | None = None,
    box_builds: bool = True,
) -> Callable[[], None]:
    """The property against targets made by ``factory`` (fresh per example)."""

    @given(
        programs=programs(box_builds),
        shared_service=st.booleans(),
        size=st.integers(4, 16),
    )
    def stations_interleave(programs: list[Program], shared_service: bool, size: int) -> None:
        target = factory()
        try:
            _check(target, programs, shared_service, size, only)
        finally:
            if tally is not None:
                tally.examples += 1
                tally.steps += sum(len(p[1]) for p in programs)
            target.close()

    return stations_interleave


def _check(
    target: Target,
    programs: list[Program],
    shared_service: bool,
    size: int,
    only: frozenset[str] | None,
) -> None:
    def check(tag: str, condition: object, message: object) -> None:
        if not condition and (only is None or tag in only):
            raise AssertionError(f"[{tag}] {message}")

    setup = Setup(target, len(programs))
    _prepare(target, setup, size, len(programs))
    stations = [Station(i, ops) for i, (_, ops) in enumerate(programs)]
    preset = [
        wp.Unit(
            serial_number=setup.unit(s.index, u),
            part_number=setup.part,
            revision="A",
            phase=wp.UnitPhase(phase),
        )
        for s, (phases, _) in zip(stations, programs, strict=True)
        for u, phase in enumerate(phases)
    ]
    if preset:
        target.service.save_units(preset)
    for s, (phases, _) in zip(stations, programs, strict=True):
        for u, phase in enumerate(phases):
            serial = setup.unit(s.index, u)
            s.phases[u] = phase
            s.changes[serial] = [Change(serial, part_number=setup.part, revision="A", phase=phase)]

    async def main() -> None:
        assert target.make_async is not None
        made = [target.make_async(0 if shared_service else i) for i in range(len(stations))]
        if shared_service:
            made = [made[0]] * len(stations)
        try:
            await asyncio.gather(
                *(_station(m[0], setup, s) for m, s in zip(made, stations, strict=True))
            )
        finally:
            for client in {id(m[1]): m[1] for m in made}.values():
                await client.aclose()

    asyncio.run(main())
    sdk = target.service
    wrong = [w for s in stations for w in s.wrong]
    check("conc.units", not wrong, "; ".join(wrong))

    # Serial numbers.
    numbers = [x for s in stations for take in s.took for x in take]
    twice = sorted(x for x, c in Counter(numbers).items() if c > 1)
    check("conc.unique", not twice, f"handed out twice: {twice}")
    bad = [x for x in numbers if target.admin is not None and not re.fullmatch(REGEX, x)]
    check("conc.take", not bad, f"{bad} break {REGEX}")
    runs = [w for s in stations for w in s.take_wrong]
    check("conc.take", not runs, "; ".join(runs))
    if target.admin is not None:
        counts = target.admin.serial_numbers(POOL)
        check(
            "conc.counts",
            counts.taken == len(numbers) and counts.free + counts.taken == counts.size,
            f"{counts} after {len(numbers)} numbers handed out",
        )
        if any(s.short for s in stations):
            check("conc.take", counts.free == 0, f"a Take came back short, yet {counts.free} free")
    for s in stations:
        found = sdk.get_serial_numbers_by_reference(
            setup.pool, ref_serial_number=setup.ref[s.index]
        )
        mine = sorted(x for take in s.took for x in take)
        check(
            "conc.by-reference",
            sorted(r.serial_number for r in found) == mine,
            f"S{s.index}: ByReference gave {[r.serial_number for r in found]}, it took {mine}",
        )

    # Units and assembly.
    for s in stations:
        for index, phase in sorted(s.phases.items()):
            serial = setup.unit(s.index, index)
            unit = sdk.get_unit(serial, setup.part)
            parent = setup.box if index in s.attached else None
            check(
                "conc.units",
                (int(unit.phase or 0), unit.parent_serial_number or None) == (phase, parent),
                f"{serial}: phase {unit.phase!r} parent {unit.parent_serial_number!r}, "
                f"expected {phase} / {parent}",
            )
    if target.caps.box_builds:
        box = sdk.get_unit(setup.box, setup.box_part)
        held = sorted(u.serial_number for u in box.sub_units)
        expected = sorted(setup.unit(s.index, i) for s in stations for i in s.attached)
        check(
            "conc.assembly",
            held == expected and len(held) <= CAPACITY,
            f"{BOX} holds {held}, attached and not detached: {expected}",
        )
        found = sdk.check_child_units(setup.box, setup.box_part)
        check(
            "conc.assembly",
            [r.found for r in found.requirements] == [len(held)],
            f"CheckChildUnits counts {found.requirements}, {BOX} holds {len(held)}",
        )
        event(f"conc: BOX-1 ends with {len(held)} children")
    for j, shared in enumerate(setup.shared):
        holders = [s.index for s in stations if j in s.holds]
        unit = sdk.get_unit(shared, setup.part)
        expected_parent = setup.boxes[holders[0]] if len(holders) == 1 else None
        check(
            "conc.assembly",
            len(holders) <= 1 and (unit.parent_serial_number or None) == expected_parent,
            f"{shared}: holders {holders}, parent {unit.parent_serial_number!r}",
        )
        net = sum(s.grabs[j] - s.releases[j] for s in stations)
        check("conc.assembly", net == len(holders), f"{shared}: grabs - releases = {net}")

    # The feed.
    if not target.caps.own_feed:
        return
    feed = sdk.get_unit_changes(BIG)
    if not target.caps.feed_logged:
        # A server that does not log unit changes: nothing the stations did shows.
        check("conc.feed", feed == [], f"the feed is off, yet holds {feed}")
        return
    ids = [c.id for c in feed]
    check("conc.feed", ids == sorted(set(ids)), f"ids not increasing: {ids}")
    by_unit: dict[str, list[Change]] = {}
    for change in feed:
        by_unit.setdefault(change.unit_serial_number or "", []).append(Change.of(change))
    expected_by_unit = {k: v for s in stations for k, v in s.changes.items()}
    for j, shared in enumerate(setup.shared):
        got = by_unit.pop(shared, [])
        parents = [c.parent for c in got]
        alternates = all(
            (p == "") == (i % 2 == 1) and (p == "" or p in setup.boxes)
            for i, p in enumerate(parents)
        )
        grabs = sum(s.grabs[j] for s in stations)
        releases = sum(s.releases[j] for s in stations)
        check(
            "conc.feed",
            alternates and len(parents) == grabs + releases,
            f"{shared}: parent changes {parents}, {grabs} grabs, {releases} releases",
        )
    check(
        "conc.feed",
        by_unit == expected_by_unit,
        f"feed per unit {by_unit}, the stations made {expected_by_unit}",
    )


# ------------------------------------------------------------- save order of chunks

SAVE_KEYS = [("A1", "P"), ("A2", "P")]


def save_order_property(
    factory: Callable[[], Target], tally: Tally | None = None
) -> Callable[[], None]:
    """``conc.save-order``: the async ``save_units`` writes a list in order, whatever
    order its concurrent chunks are answered in (each chunk's answer is delayed 0 to 3
    ms by the mock's fault plan): every unit ends as the list's last occurrence leaves
    it, and the feed holds each unit's changes in list order (own feed only)."""

    @given(
        units=st.lists(
            st.builds(
                UnitFields,
                serial=st.sampled_from([k[0] for k in SAVE_KEYS]),
                part=st.just("P"),
                revision=st.none() | st.sampled_from(["A", "B"]),
                current_location=st.none() | st.sampled_from(["L1", "L2", "L3"]),
                phase=st.none() | st.sampled_from([2, 16]),
            ),
            min_size=2,
            max_size=8,
        ),
        chunk_size=st.integers(1, 3),
        delays=st.lists(st.integers(0, 3), max_size=8),
    )
    def saved_in_order(units: list[UnitFields], chunk_size: int, delays: list[int]) -> None:
        target = factory()
        try:
            _save_order(target, units, chunk_size, delays)
        finally:
            if tally is not None:
                tally.examples += 1
                tally.steps += target.requests()
            target.close()

    return saved_in_order


def _save_order(
    target: Target, units: list[UnitFields], chunk_size: int, delays: list[int]
) -> None:
    if target.admin is not None:
        target.admin.set_faults(
            [
                {"kind": "latency", "ms": ms, "operation": "putUnits", "on_calls": [i + 1]}
                for i, ms in enumerate(delays)
                if ms
            ]
        )
    model: dict[tuple[str, str], UnitModel] = {}
    feed = FeedModel(logged=target.caps.feed_logged)
    for fields in units:
        apply_save(model, feed, fields)

    async def save() -> None:
        assert target.make_async is not None
        service, client = target.make_async(0)
        try:
            await service.save_units(
                [u.to_unit(target.name(u.serial), target.name(u.part)) for u in units],
                chunk_size=chunk_size,
            )
        finally:
            await client.aclose()

    asyncio.run(save())
    for key, unit in sorted(model.items()):
        serial, part = target.name(key[0]), target.name(key[1])
        got = target.service.get_unit(serial, part)
        wrong = unit_mismatches(got, unit, serial, part)
        assert not wrong, f"[conc.save-order] {key} ends with {wrong} after saving {units}"
    if target.caps.own_feed:
        # Per unit: chunks without a unit in common may be answered in any order.
        got: dict[str, list[Change]] = {}
        for change in target.service.get_unit_changes(BIG):
            got.setdefault(change.unit_serial_number or "", []).append(Change.of(change))
        expected: dict[str, list[Change]] = {}
        for change in feed.pending:
            expected.setdefault(change.serial, []).append(change)
        assert got == expected, f"[conc.save-order] feed {got}, expected {expected} after {units}"

"""Reference models of the property machines: pools, units, box builds, the changes feed.

Each model implements the documented rule (docs/wire-formats.md, docs/mock.md) on its own,
in plain Python, without the mock's code: the machines compare what the SDK reads from
the server with what these models predict.
"""

from __future__ import annotations

import datetime as dt
import re
import string
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import pywats_production as wp

# ----------------------------------------------------------------------------- pools

#: Stands for a reference the SDK made up (``pywats-<request id>``): unknown to the model.
AUTO = "<sdk reference>"
FINALIZED = 16


@dataclass(frozen=True)
class Taken:
    """What a Take recorded with a number (``at`` is None where the time is unknown)."""

    ref_sn: str | None
    ref_pn: str | None
    station: str | None
    at: dt.datetime | None


Row = tuple[str, bool, dt.datetime | None, str | None, str | None, str | None]


def _letters(index: int) -> str:
    out = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        out = string.ascii_lowercase[rest] + out
    return out


@dataclass
class PoolModel:
    """A serial-number type as the machine believes it is.

    Attributes:
        name: the type's name.
        regex: its regEx (None: not checked).
        fmt: its .NET format (``PA{0:000}``), None when it has none.
        family: how new numbers are made for uploads: ("counter", prefix, width) or
            ("words", prefix).
        addresses: every number in pool order when the machine owns the pool; on a live
            server only the numbers this machine took.
        taken: the taken numbers with what was recorded.
        handed_out: every number Take returned from this type, in order.
        whole: whether ``addresses`` is the whole pool.

    """

    name: str
    regex: str | None
    fmt: str | None
    family: tuple[str | int, ...]
    addresses: list[str] = field(default_factory=list)
    taken: dict[str, Taken] = field(default_factory=dict)
    handed_out: list[str] = field(default_factory=list)
    whole: bool = True

    @classmethod
    def counter(cls, name: str, prefix: str, width: int, size: int) -> PoolModel:
        addresses = [f"{prefix}{i:0{width}d}" for i in range(1, size + 1)]
        fmt = prefix + "{0:" + "0" * width + "}"
        return cls(name, rf"^{prefix}\d{{{width}}}$", fmt, ("counter", prefix, width), addresses)

    @classmethod
    def words(cls, name: str, prefix: str, size: int) -> PoolModel:
        addresses = [prefix + _letters(i) for i in range(size)]
        return cls(name, rf"^{re.escape(prefix)}[a-z]+$", None, ("words", prefix), addresses)

    def free(self) -> list[str]:
        return [a for a in self.addresses if a not in self.taken]

    def lowest_run(self, quantity: int) -> list[str] | None:
        """The first run of ``quantity`` consecutive free numbers in pool order, if any."""
        run: list[str] = []
        for address in self.addresses:
            run = [] if address in self.taken else [*run, address]
            if len(run) == quantity:
                return run
        return None

    def position(self, address: str) -> int:
        return self.addresses.index(address)

    def record(self, numbers: Iterable[str], taken: Taken) -> None:
        for number in numbers:
            if number not in self.addresses:
                self.addresses.append(number)
            self.taken[number] = taken
            self.handed_out.append(number)

    def new_number(self, index: int) -> str:
        """A number of this type's shape that the seed never holds."""
        if self.family[0] == "counter":
            prefix, width = str(self.family[1]), int(self.family[2])
            return f"{prefix}{900 + index:0{width}d}"
        return f"{self.family[1]}z{_letters(index)}"

    def append(self, numbers: Iterable[str]) -> None:
        for number in numbers:
            if number not in self.addresses:
                self.addresses.append(number)

    def row(self, address: str) -> Row:
        taken = self.taken.get(address)
        if taken is None:
            return (address, False, None, None, None, None)
        return (address, True, taken.at, taken.ref_sn, taken.ref_pn, taken.station)

    def rows(self, first: int = 0, last: int | None = None) -> list[Row]:
        end = len(self.addresses) - 1 if last is None else last
        return [self.row(a) for a in self.addresses[first : end + 1]]

    def clone(self, name: str) -> PoolModel:
        """The model of a type made by uploading this one's export into an empty type."""
        return PoolModel(
            name,
            self.regex,
            self.fmt,
            self.family,
            list(self.addresses),
            dict(self.taken),
            # Numbers taken in the source arrive taken: they count as handed out.
            list(self.taken),
            self.whole,
        )

    def matches_format(self, number: str) -> bool:
        """Whether ``number`` matches the regEx and the format (when they are known)."""
        if self.regex is not None and re.search(self.regex, number) is None:
            return False
        pattern = format_regex(self.fmt)
        return pattern is None or pattern.fullmatch(number) is not None


def format_regex(fmt: str | None) -> re.Pattern[str] | None:
    """A regex for a simple .NET number format ``PREFIX{0:000}SUFFIX`` (None: not simple)."""
    if not fmt:
        return None
    match = re.fullmatch(r"(.*)\{0:(0+)\}(.*)", fmt)
    if match is None:
        return None
    prefix, zeros, suffix = match.groups()
    return re.compile(rf"{re.escape(prefix)}\d{{{len(zeros)},}}{re.escape(suffix)}")


def record_row(record: wp.SerialNumberRecord) -> Row:
    """A record read through the SDK, as a comparable row."""
    return (
        record.serial_number,
        bool(record.taken),
        record.taken_at,
        record.ref_serial_number,
        record.ref_part_number,
        record.station_name,
    )


def rows_agree(got: Sequence[Row], expected: Sequence[Row]) -> bool:
    """Rows equal, where AUTO (an SDK-made reference) matches any ``pywats-`` reference and
    an unknown time (None) matches any time when the number is taken."""
    if len(got) != len(expected):
        return False
    for g, e in zip(got, expected, strict=True):
        if g[0] != e[0] or g[1] != e[1] or g[4:] != e[4:]:
            return False
        if e[3] == AUTO:
            if not (g[3] or "").startswith("pywats-"):
                return False
        elif g[3] != e[3]:
            return False
        if e[2] is not None or not e[1]:
            if g[2] != e[2]:
                return False
        elif g[2] is None:
            return False
    return True


# ----------------------------------------------------------------------------- units

Key = tuple[str, str]


@dataclass(frozen=True)
class UnitFields:
    """The writable fields of one unit in a save (None: not sent, kept on the server)."""

    serial: str
    part: str
    revision: str | None = None
    batch_number: str | None = None
    current_location: str | None = None
    xml_data: str | None = None
    serial_date: dt.datetime | None = None
    phase: int | None = None
    process_code: str | int | None = None

    def __repr__(self) -> str:
        shown = [f"{self.serial!r}", f"{self.part!r}"]
        for name in (
            "revision",
            "batch_number",
            "current_location",
            "xml_data",
            "serial_date",
            "phase",
            "process_code",
        ):
            value = getattr(self, name)
            if value is not None:
                shown.append(f"{name}={value!r}")
        return f"UnitFields({', '.join(shown)})"

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        # Hypothesis prints dataclasses field by field; the short form reads better.
        printer.text(repr(self))

    def to_unit(self, serial: str, part: str) -> wp.Unit:
        return wp.Unit(
            serial_number=serial,
            part_number=part,
            revision=self.revision,
            batch_number=self.batch_number,
            current_location=self.current_location,
            xml_data=self.xml_data,
            serial_date=self.serial_date,
            phase=None if self.phase is None else wp.UnitPhase(self.phase),
            process_code=self.process_code,
        )


def apply_save(units: dict[Key, UnitModel], feed: FeedModel, fields: UnitFields) -> Key:
    """Apply one unit of a PUT Units to the model: the mock's upsert semantics (absent
    fields keep their value, a new unit is phase 1) and the feed rule of wire-formats.md
    (creating counts as a change of part number, revision and phase when given; an
    update appends a record only for a revision or phase that really changes)."""
    key = (fields.serial, fields.part)
    unit = units.get(key)
    created = unit is None
    if unit is None:
        unit = units[key] = UnitModel(fields.serial, fields.part)
    old_revision, old_phase = unit.revision, unit.phase
    for name in ("revision", "batch_number", "current_location", "xml_data", "serial_date"):
        value = getattr(fields, name)
        if value is not None:
            setattr(unit, name, value)
    if fields.phase is not None:
        unit.phase = fields.phase
    if fields.process_code is not None:
        unit.process_code = str(fields.process_code)  # the mock keeps it as text
    if created:
        feed.append(
            Change(unit.serial, part_number=unit.part, revision=unit.revision, phase=fields.phase)
        )
    elif unit.revision != old_revision or unit.phase != old_phase:
        feed.append(
            Change(
                unit.serial,
                revision=unit.revision if unit.revision != old_revision else None,
                phase=unit.phase if unit.phase != old_phase else None,
            )
        )
    return key


@dataclass
class UnitModel:
    """A unit as the machine believes the server holds it."""

    serial: str
    part: str
    revision: str | None = None
    batch_number: str | None = None
    current_location: str | None = None
    xml_data: str | None = None
    serial_date: dt.datetime | None = None
    phase: int = 1
    process_code: str | None = None
    parent: Key | None = None
    children: list[Key] = field(default_factory=list)

    @property
    def key(self) -> Key:
        return (self.serial, self.part)


_FIELDS = ("revision", "batch_number", "current_location", "xml_data", "serial_date")


def unit_mismatches(got: wp.Unit, model: UnitModel, serial: str, part: str) -> list[str]:
    """The writable fields where a unit read through the SDK differs from the model.

    Args:
        got: the unit read.
        model: the model (with the machine's names).
        serial: the unit's serial number on the server.
        part: its part number on the server.

    """
    out = []
    if got.serial_number != serial:
        out.append(f"serial_number {got.serial_number!r}")
    if got.part_number != part:
        out.append(f"part_number {got.part_number!r}")
    for attribute in _FIELDS:
        if getattr(got, attribute) != getattr(model, attribute):
            out.append(f"{attribute} {getattr(got, attribute)!r} != {getattr(model, attribute)!r}")
    if got.phase is None or int(got.phase) != model.phase:
        out.append(f"phase {got.phase!r} != {model.phase}")
    if model.process_code is not None and str(got.process_code) != model.process_code:
        out.append(f"process_code {got.process_code!r} != {model.process_code!r}")
    return out


# ------------------------------------------------------------------------ the feed


@dataclass(frozen=True)
class Change:
    """One record of the unit-changes feed (only the fields that changed are set)."""

    serial: str
    parent: str | None = None
    part_number: str | None = None
    revision: str | None = None
    phase: int | None = None

    @classmethod
    def of(cls, change: wp.UnitChange) -> Change:
        return cls(
            change.unit_serial_number or "",
            change.new_parent_serial_number,
            change.new_part_number,
            change.new_revision,
            None if change.new_phase is None else int(change.new_phase),
        )


@dataclass
class FeedModel:
    """The pending changes, oldest first, with their ids once the server showed them.

    ``logged`` False models a server that does not log unit changes (the default of a real
    server): no change is ever pending.
    """

    pending: list[Change] = field(default_factory=list)
    ids: list[int | None] = field(default_factory=list)
    last_id: int = 0
    logged: bool = True

    def append(self, change: Change | None) -> None:
        if change is not None and self.logged:
            self.pending.append(change)
            self.ids.append(None)

    def remove(self, change_id: int) -> None:
        index = self.ids.index(change_id)
        del self.pending[index]
        del self.ids[index]

    def observe(self, got: Sequence[wp.UnitChange], *, whole: bool) -> str | None:
        """Compare a read of the feed with the model; learn ids; return what differs.

        Args:
            got: the changes read (``whole``: the whole feed, else its oldest part).
            whole: whether ``got`` should hold every pending change.

        """
        expected = self.pending if whole else self.pending[: len(got)]
        if len(got) != len(expected) or (not whole and len(got) > len(self.pending)):
            return f"{len(got)} changes read, {len(expected)} pending in the model"
        for index, (change, model) in enumerate(zip(got, expected, strict=True)):
            if Change.of(change) != model:
                return f"change #{index} is {Change.of(change)}, the model has {model}"
            known = self.ids[index]
            if known is None:
                if change.id <= self.last_id:
                    return f"change id {change.id} after {self.last_id}: ids must increase"
                self.ids[index] = change.id
                self.last_id = change.id
            elif known != change.id:
                return f"change #{index} has id {change.id}, it had {known}"
        return None


# ---------------------------------------------------------------------- box builds


@dataclass(frozen=True)
class Line:
    """A box-build line: child part number, revision (``*`` is any text), quantity."""

    part: str
    revision: str
    quantity: int

    def matches(self, part: str, revision: str | None) -> bool:
        return part == self.part and revision_matches(self.revision, revision)


def revision_matches(mask: str, revision: str | None) -> bool:
    """An exact revision, or a mask where ``*`` stands for any text (none at all too)."""
    if "*" not in mask:
        return revision == mask
    pattern = ".*".join(re.escape(piece) for piece in mask.split("*"))
    return re.fullmatch(pattern, revision or "") is not None


def assign(
    lines: Sequence[Line], children: Sequence[UnitModel]
) -> tuple[list[int], list[int | None]]:
    """Fill box-build lines with children in order: each takes the first matching line with
    room. Returns each line's fill and each child's line (None: no room or no match)."""
    found = [0] * len(lines)
    placed: list[int | None] = []
    for child in children:
        line = next(
            (
                i
                for i, line in enumerate(lines)
                if line.matches(child.part, child.revision) and found[i] < line.quantity
            ),
            None,
        )
        if line is not None:
            found[line] += 1
        placed.append(line)
    return found, placed

"""Domain records and errors of the mock's in-memory WATS."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Final

from ..phase import UnitPhase

UnitKey = tuple[str, str]

# The SDK's phase names (one table); 4096 alone is not a phase a unit can be in.
PHASE_NAMES: dict[int, str] = {
    int(phase): phase.label
    for phase in UnitPhase.__members__.values()
    if phase is not UnitPhase.QUEUED
}
FINALIZED = 16
_NAMESPACE = uuid.UUID("6f1c4a52-6d0b-4c55-9a43-3c1e2f0b7a10")

ERROR_STYLES: Final = ("text", "webapi", "problem")
"""How the mock words an error answer: the server's bare message as text (the one real
error body found was text, olreppe/pyWATS@7a3a224 WATS_SERVER_BUG_REPORT.md), ASP.NET Web
API's ``{"Message": ...}``, or this project's problem+json."""


def phase_name(phase: int | None) -> str | None:
    """Name a phase as the server spells it; unknown bits are kept as a number.

    Args:
        phase: The phase flags, or None.

    Returns:
        For example ``Finalized``, or ``Under production | 8192`` for an unknown bit.

    """
    if phase is None:
        return None
    if phase in PHASE_NAMES:
        return PHASE_NAMES[phase]
    names = [PHASE_NAMES[bit] for bit in sorted(PHASE_NAMES) if bit < 4096 and phase & bit]
    rest = phase & ~sum(bit for bit in PHASE_NAMES if bit < 4096)
    if rest:
        names.append(str(rest))
    return " | ".join(names)


def stable_uuid(*parts: str) -> str:
    """Return a UUID derived from ``parts`` (the same every run)."""
    return str(uuid.uuid5(_NAMESPACE, "/".join(parts)))


class DomainError(Exception):
    """A request the mock's WATS refuses; becomes a Problem answer."""

    def __init__(self, status: int, code: str, detail: str, parameter: str | None = None) -> None:
        super().__init__(detail)
        self.status = status
        self.code = code
        self.detail = detail
        self.parameter = parameter


@dataclass(slots=True)
class UnitRecord:
    """A unit as the mock stores it."""

    serial_number: str
    part_number: str
    revision: str | None = None
    batch_number: str | None = None
    serial_date: datetime | None = None
    current_location: str | None = None
    xml_data: str | None = None
    phase: int = 1
    process_code: str | None = None
    parent: UnitKey | None = None
    children: dict[UnitKey, None] = field(default_factory=dict)
    tags: dict[str, str | None] = field(default_factory=dict)

    @property
    def key(self) -> UnitKey:
        """The (serial number, part number) key."""
        return (self.serial_number, self.part_number)


@dataclass(frozen=True, slots=True)
class BoxLine:
    """One line of a box build: part number, revision (or mask with ``*``), quantity."""

    part_number: str
    revision: str
    quantity: int

    def matches(self, part_number: str, revision: str | None) -> bool:
        """Tell whether a unit of ``part_number`` / ``revision`` fits this line."""
        return part_number == self.part_number and revision_matches(self.revision, revision)


def revision_matches(mask: str, revision: str | None) -> bool:
    """Match a revision against an exact revision or a mask where ``*`` is any text."""
    if "*" not in mask:
        return revision == mask
    if revision is None:
        return mask.strip("*") == ""
    pieces = mask.split("*")
    if not revision.startswith(pieces[0]) or not revision.endswith(pieces[-1]):
        return False
    position = len(pieces[0])
    end = len(revision) - len(pieces[-1])
    for piece in pieces[1:-1]:
        found = revision.find(piece, position, end)
        if found < 0:
            return False
        position = found + len(piece)
    return position <= end


@dataclass(slots=True)
class RevisionRecord:
    """A product revision with its box build."""

    revision: str
    name: str | None = None
    description: str | None = None
    box_build: list[BoxLine] = field(default_factory=list)


@dataclass(slots=True)
class ProductRecord:
    """A product with its revisions."""

    part_number: str
    name: str | None = None
    description: str | None = None
    revisions: dict[str, RevisionRecord] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ProcessRecord:
    """A process (test, repair or WIP operation)."""

    code: int
    name: str
    description: str | None = None
    is_test_operation: bool = True
    is_repair_operation: bool = False
    is_wip_operation: bool = False
    state: int = 1
    process_index: int | None = None


@dataclass(frozen=True, slots=True)
class ProcessRun:
    """One recorded run of a process on a unit (added through the admin API)."""

    process_code: int
    passed: bool
    station_name: str | None
    start_utc: datetime
    repaired: bool
    sequence: int


@dataclass(frozen=True, slots=True)
class Violation:
    """A response the mock was about to send that breaks the contract (strict mode)."""

    operation: str
    method: str
    path: str
    status: int
    reason: str

    def __str__(self) -> str:
        return f"{self.operation} ({self.method} {self.path}) answered {self.status}: {self.reason}"

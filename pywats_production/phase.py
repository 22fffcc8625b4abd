"""Unit phases: the bit flags WATS uses for where a unit is in its life.

The server knows the phases only as integers (SetUnitPhase takes an int32; a unit carries
``unitPhaseId``); the names below are the SDK's. Bits the SDK does not know survive
``UnitPhase(x)`` and ``int()`` unchanged, so a future server phase is passed through, not
lost.
"""

from __future__ import annotations

import enum
import re
from typing import Final

from pywats_production.errors import InvalidPhaseError

__all__ = ["INT32_MAX", "UnitPhase"]

INT32_MAX: Final = 2**31 - 1


class UnitPhase(enum.IntFlag, boundary=enum.KEEP):
    """Phase of a unit, an integer of bit flags.

    The queue bit 4096 combines with 2, 4 or 8 into the three queue phases. Any other
    combination, and bits the SDK does not know, are kept as they are (``boundary=KEEP``).
    ``str(phase)`` and ``f"{phase}"`` give the integer (what the server expects in a query).

    Members: UNKNOWN (1), UNDER_PRODUCTION (2), PRODUCTION_REPAIR (4), SERVICE_REPAIR (8,
    RMA), FINALIZED (16), SCRAPPED (32), EXTENDED_TEST (64), CUSTOMIZATION (128), REPAIRED
    (256), MISSING (512), IN_STORAGE (1024), SHIPPED (2048), QUEUED (4096),
    IN_PRODUCTION_QUEUE (4098), WAITING_FOR_PRODUCTION_REPAIR (4100),
    WAITING_FOR_SERVICE_REPAIR (4104).

    Example:
        >>> UnitPhase.parse("Under production") is UnitPhase.UNDER_PRODUCTION
        True
        >>> int(UnitPhase(8192 | 16)), UnitPhase(4098).label
        (8208, 'In production queue')

    """

    UNKNOWN = 1
    UNDER_PRODUCTION = 2
    PRODUCTION_REPAIR = 4
    SERVICE_REPAIR = 8
    FINALIZED = 16
    SCRAPPED = 32
    EXTENDED_TEST = 64
    CUSTOMIZATION = 128
    REPAIRED = 256
    MISSING = 512
    IN_STORAGE = 1024
    SHIPPED = 2048
    QUEUED = 4096
    IN_PRODUCTION_QUEUE = 4098
    WAITING_FOR_PRODUCTION_REPAIR = 4100
    WAITING_FOR_SERVICE_REPAIR = 4104

    @classmethod
    def parse(cls, value: UnitPhase | int | str) -> UnitPhase:
        """Turn a member, an integer, a numeric string or a phase name into a UnitPhase.

        Names match in any common spelling: case, spaces, ``_`` and ``-`` do not matter
        (``"Under production"``, ``"under_production"``, ``"UnderProduction"``), and the
        server's own descriptions (``"Unit is finalized"``), Virinco's enum names
        (``"Repair_Production"``, ``"Under_Production_Q"``) and a few aliases (``"RMA"``,
        ``"In store"``, ``"Queued"``) are accepted. Names and numbers joined by ``|`` or
        ``+`` are combined (``"FINALIZED|8192"``), so ``parse(p.label) == p`` for every p.

        Args:
            value: The phase.

        Returns:
            The phase (a pseudo-member when it has bits the SDK does not name).

        Raises:
            InvalidPhaseError: A negative number, one beyond int32, or an unknown name
                (the message lists the valid names).
            TypeError: ``value`` is not a UnitPhase, int or str (bool is refused too).

        Example:
            >>> UnitPhase.parse("16"), UnitPhase.parse("RMA").name
            (<UnitPhase.FINALIZED: 16>, 'SERVICE_REPAIR')

        """
        if isinstance(value, UnitPhase):
            return value
        if isinstance(value, bool) or not isinstance(value, int | str):
            raise TypeError(f"phase must be a UnitPhase, int or str, not {type(value).__name__}")
        if isinstance(value, int):
            return _from_int(value, value)
        return _from_text(value)

    @property
    def label(self) -> str:
        """Human name of the phase: ``"Under production"``; combinations are joined by " | "."""
        value = int(self)
        known = _LABELS.get(value)
        if known is not None:
            return known
        if value == 0:
            return "No phase"
        parts: list[str] = []
        rest = value
        # Name the queue phases as a whole before splitting into single bits.
        for queue in (4098, 4100, 4104):
            if rest & queue == queue:
                parts.append(_LABELS[queue])
                rest &= ~queue
        for bit in _bits(rest):
            parts.append(_LABELS.get(bit, f"Flag {bit}"))
        return " | ".join(parts)

    def flags(self) -> tuple[UnitPhase, ...]:
        """Split the phase into its single-bit phases, lowest first.

        Unknown bits are included as pseudo-members.

        Returns:
            One UnitPhase per set bit.

        Example:
            >>> UnitPhase.IN_PRODUCTION_QUEUE.flags()
            (<UnitPhase.UNDER_PRODUCTION: 2>, <UnitPhase.QUEUED: 4096>)

        """
        return tuple(UnitPhase(bit) for bit in _bits(int(self)))


def _bits(value: int) -> list[int]:
    return [1 << i for i in range(value.bit_length()) if value >> i & 1]


_LABELS: Final[dict[int, str]] = {
    1: "Unknown",
    2: "Under production",
    4: "Production repair",
    8: "Service repair",
    16: "Finalized",
    32: "Scrapped",
    64: "Extended test",
    128: "Customization",
    256: "Repaired",
    512: "Missing",
    1024: "In storage",
    2048: "Shipped",
    4096: "Queued",
    4098: "In production queue",
    4100: "Waiting for production repair",
    4104: "Waiting for service repair",
}

# The texts of the upstream SetUnitPhase description, so a value copied from there parses.
_SERVER_TEXTS: Final[dict[str, int]] = {
    "Unknown unit phase": 1,
    "Unit is under production": 2,
    "Unit is being repaired": 4,
    "Unit is being repaired for service (RMA)": 8,
    "Unit is finalized": 16,
    "Unit is scrapped": 32,
    "Unit is under extended test": 64,
    "Unit is under customization": 128,
    "Unit has been repaired": 256,
    "Unit is marked as missing": 512,
    "Unit is in store (warehouse)": 1024,
    "Unit is shipped (out of factory)": 2048,
    "Unit is under production in a queue": 4098,
    "Unit is waiting for production repair": 4100,
    "Unit is waiting for service repair (RMA)": 4104,
}

# Virinco's own enum names (``enum Unit_Phase`` of its C# client, Enums.cs in
# olreppe/pyWATS@6ec57fb csharp_code_TDM): the names a Virinco tool or export shows.
_VIRINCO_NAMES: Final[dict[str, int]] = {
    "Unknown": 1,
    "Under_Production": 2,
    "Repair_Production": 4,
    "Repair_Service": 8,
    "Finalized": 16,
    "Scrapped": 32,
    "Extended_Test": 64,
    "Customization": 128,
    "Repaired": 256,
    "Missing": 512,
    "In_Storage": 1024,
    "Shipped": 2048,
    "Queued": 4096,
    "Under_Production_Q": 4098,
    "Repair_Production_Q": 4100,
    "Repair_Service_Q": 4104,
}

_ALIASES: Final[dict[str, int]] = {
    "RMA": 8,
    "Service repair (RMA)": 8,
    "Repair": 4,
    "In store": 1024,
    "Store": 1024,
    "Storage": 1024,
    "Warehouse": 1024,
    "Queue": 4096,
    "Production queue": 4098,
    "Under production queue": 4098,
    "Waiting for repair": 4100,
    "Waiting for RMA": 4104,
    "No phase": 0,
}


def _key(text: str) -> str:
    return re.sub(r"[^0-9a-z]", "", text.lower())


_BY_KEY: Final[dict[str, int]] = {}
for _alias_name, _alias_value in UnitPhase.__members__.items():
    _BY_KEY[_key(_alias_name)] = int(_alias_value)
for _table in (_LABELS, {v: k for k, v in _SERVER_TEXTS.items()}):
    for _value, _text in _table.items():
        _BY_KEY[_key(_text)] = _value
for _names in (_VIRINCO_NAMES, _ALIASES):
    for _text, _value in _names.items():
        _BY_KEY[_key(_text)] = _value
del _alias_name, _alias_value, _table, _names, _value, _text

_FLAG_NUMBER = re.compile(r"(?:flag|bit)?(\d+)")


def _valid_names() -> str:
    return ", ".join(f"{m.name} ({int(m)})" for m in UnitPhase.__members__.values())


def _from_int(number: int, shown: object) -> UnitPhase:
    if number < 0 or number > INT32_MAX:
        raise InvalidPhaseError(
            f"phase must be between 0 and {INT32_MAX}, got {shown!r}", parameter="phase"
        )
    return UnitPhase(number)


def _from_text(text: str) -> UnitPhase:
    stripped = text.strip()
    if "|" in stripped or "+" in stripped:
        parts = [p for p in re.split(r"[|+]", stripped) if p.strip()]
        if not parts:
            raise InvalidPhaseError(f"unknown phase {text!r}", parameter="phase")
        total = 0
        for part in parts:
            total |= int(_from_text(part))
        return _from_int(total, text)
    if re.fullmatch(r"-?\d+", stripped):
        return _from_int(int(stripped), text)
    key = _key(stripped)
    found = _BY_KEY.get(key)
    if found is None and key.startswith(("unitis", "unithasbeen")):
        found = _BY_KEY.get(key.removeprefix("unitis").removeprefix("unithasbeen"))
    if found is None:
        match = _FLAG_NUMBER.fullmatch(key)
        if match:
            return _from_int(int(match.group(1)), text)
        shown = text if len(text) <= 60 else text[:57] + "..."
        raise InvalidPhaseError(
            f"unknown phase {shown!r}; valid names: {_valid_names()}", parameter="phase"
        )
    return UnitPhase(found)

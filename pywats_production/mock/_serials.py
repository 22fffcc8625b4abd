"""Serial-number types and their pools: lazily generated addresses, O(taken) takes."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

IDENTIFIER_NAMES = {0: "SerialNumber", 1: "MACAddress", 2: "IMEI"}
_MAC = re.compile(r"[0-9A-Fa-f]{2}([:-])(?:[0-9A-Fa-f]{2}\1){4}[0-9A-Fa-f]{2}")
_TRAILING_DIGITS = re.compile(r"(.*?)([0-9]+)")


class Addresses(Protocol):
    """The ordered addresses of a pool."""

    def __len__(self) -> int: ...
    def at(self, index: int) -> str: ...
    def index(self, address: str) -> int | None: ...


@dataclass(frozen=True, slots=True)
class CounterRange:
    """Addresses ``prefix + zero-padded counter``, for example SN00000001 onwards."""

    prefix: str
    width: int
    start: int
    count: int

    def __len__(self) -> int:
        return self.count

    def at(self, index: int) -> str:
        """Return the address at ``index`` (pool order)."""
        return f"{self.prefix}{self.start + index:0{self.width}d}"

    def index(self, address: str) -> int | None:
        """Return the position of ``address``, or None when it is not in the range."""
        digits = address[len(self.prefix) :]
        if not address.startswith(self.prefix) or not digits.isascii() or not digits.isdigit():
            return None
        position = int(digits) - self.start
        if 0 <= position < self.count and self.at(position) == address:
            return position
        return None


@dataclass(frozen=True, slots=True)
class MacRange:
    """Consecutive 48-bit MAC addresses, for example 00:1A:2B:00:00:00 onwards."""

    base: int
    count: int
    separator: str = ":"
    upper: bool = True

    def __len__(self) -> int:
        return self.count

    def at(self, index: int) -> str:
        """Return the address at ``index`` (pool order)."""
        text = f"{self.base + index:012X}" if self.upper else f"{self.base + index:012x}"
        return self.separator.join(text[i : i + 2] for i in range(0, 12, 2))

    def index(self, address: str) -> int | None:
        """Return the position of ``address``, or None when it is not in the range."""
        if _MAC.fullmatch(address) is None:
            return None
        position = int(address.replace(self.separator, ""), 16) - self.base
        if 0 <= position < self.count and self.at(position) == address:
            return position
        return None


class ExplicitList:
    """Addresses given one by one (seeded as a list, or after an upload)."""

    def __init__(self, addresses: Sequence[str] = ()) -> None:
        self._items: list[str] = []
        self._index: dict[str, int] = {}
        for address in addresses:
            self.append(address)

    def __len__(self) -> int:
        return len(self._items)

    def at(self, index: int) -> str:
        """Return the address at ``index`` (pool order)."""
        return self._items[index]

    def index(self, address: str) -> int | None:
        """Return the position of ``address``, or None when it is not in the list."""
        return self._index.get(address)

    def append(self, address: str) -> int:
        """Add ``address`` at the end (if new) and return its position."""
        found = self._index.get(address)
        if found is not None:
            return found
        self._items.append(address)
        self._index[address] = len(self._items) - 1
        return len(self._items) - 1


def address_range(start: str, count: int) -> Addresses:
    """Build ``count`` consecutive addresses from ``start``.

    A MAC address (``00:1A:2B:00:00:00``) counts in hexadecimal; anything else counts up
    its trailing digits, keeping the prefix and the zero padding (``SN00000001``).

    Args:
        start: The first address.
        count: How many addresses.

    Returns:
        A lazily generated address list.

    Raises:
        ValueError: ``start`` has no trailing digits and is not a MAC address.

    """
    mac = _MAC.fullmatch(start)
    if mac is not None:
        separator = mac.group(1)
        digits = start.replace(separator, "")
        return MacRange(int(digits, 16), count, separator, digits == digits.upper())
    match = _TRAILING_DIGITS.fullmatch(start)
    if match is None:
        raise ValueError(f"cannot count up from {start!r}: no trailing digits")
    return CounterRange(match.group(1), len(match.group(2)), int(match.group(2)), count)


@dataclass(frozen=True, slots=True)
class TakenInfo:
    """What was recorded when a number was taken."""

    ref_sn: str | None
    ref_pn: str | None
    station_name: str | None
    taken_utc: datetime | None


class Pool:
    """The numbers of one type, each free or taken, in pool order.

    Takes scan from the first possibly-free position with ``bytearray.find`` (C speed),
    so a take costs O(quantity), not O(pool size).
    """

    def __init__(self, addresses: Addresses) -> None:
        self.addresses = addresses
        self.flags = bytearray(len(addresses))
        self.info: dict[int, TakenInfo] = {}
        self.first_free = 0
        self.free = len(addresses)

    def __len__(self) -> int:
        return len(self.flags)

    @property
    def taken(self) -> int:
        """How many numbers are taken."""
        return len(self.flags) - self.free

    def take(self, quantity: int, in_sequence: bool, info: TakenInfo) -> list[int] | None:
        """Take numbers and record ``info`` with each; no await may run inside.

        Args:
            quantity: How many to take (at least 1).
            in_sequence: Only one contiguous run of ``quantity`` free numbers, or nothing.
            info: References, station and time to record.

        Returns:
            The positions taken (lowest free first; all that are left when fewer are
            free, unless ``in_sequence``), or None when ``in_sequence`` cannot be met.

        """
        flags = self.flags
        if in_sequence:
            if quantity > self.free:
                return None
            start = flags.find(bytes(quantity), self.first_free)
            if start < 0:
                return None
            positions = list(range(start, start + quantity))
        else:
            positions = []
            position = self.first_free
            while len(positions) < quantity:
                position = flags.find(0, position)
                if position < 0:
                    break
                positions.append(position)
                position += 1
        for position in positions:
            flags[position] = 1
            self.info[position] = info
        self.free -= len(positions)
        self._advance()
        return positions

    def _advance(self) -> None:
        found = self.flags.find(0, self.first_free)
        self.first_free = len(self.flags) if found < 0 else found

    def set_state(self, position: int, taken: bool, info: TakenInfo | None) -> None:
        """Mark one number taken (with ``info``) or free."""
        was_taken = self.flags[position] == 1
        if taken:
            self.flags[position] = 1
            self.info[position] = info or TakenInfo(None, None, None, None)
            self.free -= 0 if was_taken else 1
        else:
            self.flags[position] = 0
            self.info.pop(position, None)
            self.free += 1 if was_taken else 0
            self.first_free = min(self.first_free, position)
        self._advance()

    def append(self, address: str) -> int:
        """Add a free address at the end (materialising a generated list); return its position."""
        if not isinstance(self.addresses, ExplicitList):
            explicit = ExplicitList()
            for position in range(len(self.addresses)):
                explicit.append(self.addresses.at(position))
            self.addresses = explicit
        position = self.addresses.append(address)
        if position == len(self.flags):
            self.flags.append(0)
            self.free += 1
            self._advance()
        return position

    def positions(self, start: int = 0, end: int | None = None) -> Iterator[int]:
        """Iterate positions from ``start`` to ``end`` inclusive (pool order)."""
        last = len(self.flags) - 1 if end is None else min(end, len(self.flags) - 1)
        return iter(range(max(start, 0), last + 1))


@dataclass(slots=True)
class SerialType:
    """A serial-number type with its pool."""

    name: str
    description: str | None
    format: str | None
    reg_ex: str | None
    identifier: int
    pool: Pool

    def to_json(self) -> dict[str, object]:
        """Render as the spec's SerialNumberType."""
        return {
            "name": self.name,
            "description": self.description,
            "format": self.format,
            "regEx": self.reg_ex,
            "identifier": self.identifier,
            "identifierName": IDENTIFIER_NAMES.get(self.identifier),
        }

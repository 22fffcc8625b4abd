"""Take at most once: recovering serial numbers after an unknown outcome.

A Take consumes numbers from a pool. When its answer is lost (connection dropped after
sending, a timeout, a 5xx, the caller cancelled), sending it again would take *more*
numbers and the first ones would be lost: nobody would ever receive them. So the SDK never
replays a Take blindly. It asks the server instead: GET SerialNumbers/ByReference lists the
numbers taken with a reference, and the server records the reference serial/part number,
the station and the time with every number it hands out.

How a Take is made findable:

- **SDK reference** (the caller gives neither ``ref_serial_number`` nor ``ref_part_number``,
  and ``auto_reference`` is left on): the SDK sends ``refSN = "pywats-<request id>"``, a
  value unique to the call. Every number recorded with it was taken by this call, so the
  lookup is exact, whatever the clocks say and whoever else takes numbers.
- **Caller reference**: the lookup lists the numbers taken with that reference; those
  recorded with the same reference serial, reference part number and station, at a time
  inside the call's window (its start minus :data:`DEFAULT_CLOCK_SKEW` to its end plus
  :data:`DEFAULT_CLOCK_SKEW`), and not handed out by this service to another call, are
  attributed to the call. Takes of one service that share a key (type, references,
  station) are serialised so that they cannot be mistaken for each other; another process
  using the same key inside the window can be (see ``docs/reliability.md``).

Everything here is free of I/O; the services run the lookups.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import threading
import weakref
from collections import deque
from collections.abc import Iterable, Sequence
from contextlib import AbstractContextManager
from types import TracebackType
from typing import TYPE_CHECKING, Final

import attrs

from .models import SerialNumberRecord

if TYPE_CHECKING:
    import asyncio

__all__ = [
    "AUTO_REFERENCE_PREFIX",
    "DEFAULT_CLOCK_SKEW",
    "Attribution",
    "PendingTake",
    "TakeLedger",
    "attribute",
]

#: Prefix of the reference serial number the SDK records when the caller gives none.
AUTO_REFERENCE_PREFIX: Final = "pywats-"

#: How far the server's clock may be from the client's: the window of a recovery with a
#: caller reference is widened by this much on both sides. Larger is safer against skew
#: but lets more of another client's takes with the same reference into the window.
DEFAULT_CLOCK_SKEW: Final = dt.timedelta(minutes=2)

# Numbers handed out under a caller reference are remembered at least this long, so that
# a later recovery with the same reference does not claim them again.
_RETENTION: Final = 2 * DEFAULT_CLOCK_SKEW + dt.timedelta(minutes=5)

Key = tuple[str, str | None, str | None, str | None]


def utcnow() -> dt.datetime:
    """Return the current UTC time (aware)."""
    return dt.datetime.now(dt.UTC)


def _norm(value: str | None) -> str | None:
    # The server treats a blank optional parameter as absent.
    return value if value else None


@attrs.frozen(kw_only=True)
class PendingTake:
    """A Take that may have consumed numbers its caller has not received.

    Listed by ``pending_takes`` on the services until reconciled (``reconcile_takes()``,
    or ``reconcile()`` on the :class:`~pywats_production.errors.AmbiguousOutcomeError`
    that reported it); a reconciled copy carries the numbers found in ``recovered``.

    Attributes:
        type_name: the serial-number type.
        quantity: how many numbers were asked for.
        ref_serial_number: the reference serial number sent (the SDK's own
            ``pywats-<request id>`` when ``auto_reference``).
        ref_part_number: the reference part number sent.
        station_name: the station sent.
        only_in_sequence: whether one contiguous run was asked for.
        auto_reference: True when ``ref_serial_number`` is the SDK's unique reference: the
            numbers found are then exactly those of this call.
        request_id: the ``X-Request-ID`` of the call (the same on every attempt).
        started: when the call started (client clock, UTC).
        ended: when the call ended (client clock, UTC); None while it runs.
        reason: why the outcome is unknown (``"connection lost"``, ``"cancelled"``, ...).
        recovered: the numbers found by the last reconciliation (empty before).
        certain: whether ``recovered`` is known to be exactly this call's numbers.

    Example:
        >>> take = PendingTake(type_name="SerialNumber", quantity=2, request_id="ab12",
        ...     started=utcnow(), reason="cancelled")
        >>> take.key
        ('SerialNumber', None, None, None)

    """

    type_name: str
    quantity: int
    ref_serial_number: str | None = None
    ref_part_number: str | None = None
    station_name: str | None = None
    only_in_sequence: bool = False
    auto_reference: bool = False
    request_id: str
    started: dt.datetime
    ended: dt.datetime | None = None
    reason: str = ""
    recovered: tuple[str, ...] = ()
    certain: bool = False

    @property
    def key(self) -> Key:
        """(type, reference serial, reference part, station): what a lookup can tell apart."""
        return (
            self.type_name,
            _norm(self.ref_serial_number),
            _norm(self.ref_part_number),
            _norm(self.station_name),
        )

    @property
    def window(self) -> tuple[dt.datetime, dt.datetime]:
        """The times (client clock, UTC) a number of this call may carry, skew included."""
        end = self.ended or utcnow()
        return self.started - DEFAULT_CLOCK_SKEW, end + DEFAULT_CLOCK_SKEW

    def details(self) -> dict[str, str]:
        """Return everything needed to reconcile by hand, as text."""
        start, end = self.window
        return {
            "serial_number_type": self.type_name,
            "quantity": str(self.quantity),
            "ref_serial_number": self.ref_serial_number or "",
            "ref_part_number": self.ref_part_number or "",
            "station_name": self.station_name or "",
            "only_in_sequence": str(self.only_in_sequence).lower(),
            "auto_reference": str(self.auto_reference).lower(),
            "window_start_utc": start.isoformat(),
            "window_end_utc": end.isoformat(),
            "started_utc": self.started.isoformat(),
            "request_id": self.request_id,
            "reason": self.reason,
        }


def plan_take(
    *,
    type_name: str,
    quantity: int,
    ref_serial_number: str | None,
    ref_part_number: str | None,
    station_name: str | None,
    only_in_sequence: bool,
    auto_reference: bool,
    request_id: str,
) -> PendingTake:
    """Decide the references a Take sends (arguments already validated).

    Returns:
        The take as it will be sent, not yet started (``started`` is now).

    """
    auto = auto_reference and not ref_serial_number and not ref_part_number
    return PendingTake(
        type_name=type_name,
        quantity=quantity,
        ref_serial_number=f"{AUTO_REFERENCE_PREFIX}{request_id}" if auto else ref_serial_number,
        ref_part_number=ref_part_number,
        station_name=station_name,
        only_in_sequence=only_in_sequence,
        auto_reference=auto,
        request_id=request_id,
        started=utcnow(),
    )


@attrs.frozen
class Attribution:
    """What a ByReference lookup says about one Take.

    Attributes:
        numbers: the numbers attributed to the Take, in the server's order.
        certain: whether they are exactly the Take's numbers (none missing, none foreign).
        why: when not certain, the reason.

    """

    numbers: tuple[str, ...]
    certain: bool
    why: str = ""


def attribute(
    take: PendingTake,
    records: Sequence[SerialNumberRecord],
    excluded: Iterable[str] = (),
    *,
    shared: int = 0,
) -> Attribution:
    """Attribute the numbers of a ByReference lookup to ``take``.

    Args:
        take: the Take.
        records: the lookup's answer (queried with the take's type and references).
        excluded: numbers this service handed out to other calls (never attributed).
        shared: how many other takes of this service with the same key are pending
            (their numbers cannot be told from this take's).

    Returns:
        The numbers and whether the attribution is certain.

    Example:
        >>> take = PendingTake(type_name="T", quantity=2, ref_serial_number="pywats-1",
        ...     auto_reference=True, request_id="1", started=utcnow())
        >>> attribute(take, [SerialNumberRecord(serial_number="SN1")])
        Attribution(numbers=('SN1',), certain=True, why='')

    """
    skip = set(excluded)
    numbers: list[str] = []
    doubts: list[str] = []
    start, end = take.window
    _, ref_sn, ref_pn, station = take.key
    for record in records:
        number = record.serial_number
        if record.taken is False or number in skip or number in numbers:
            continue
        if take.auto_reference:
            # The server selected these by a reference no other call uses.
            numbers.append(number)
            continue
        wanted = (
            ("ref_serial_number", ref_sn),
            ("ref_part_number", ref_pn),
            ("station_name", station),
        )
        recorded = {name: _norm(getattr(record, name)) for name, _ in wanted}
        if any(recorded[name] is not None and recorded[name] != value for name, value in wanted):
            continue  # another reference or station
        if any(recorded[name] is None and value is not None for name, value in wanted):
            doubts.append(f"{number}: the server's record lacks a reference or station")
        taken_at = record.taken_at
        if taken_at is None:
            doubts.append(f"{number}: the server's record has no time")
        else:
            if taken_at.tzinfo is None:
                taken_at = taken_at.replace(tzinfo=dt.UTC)
            if not start <= taken_at <= end:
                continue  # taken outside the call's window
        numbers.append(number)
    if shared and numbers:
        doubts.append(
            f"{shared} other pending take(s) of this service have the same reference and station"
        )
    if len(numbers) > take.quantity:
        doubts.append(f"{len(numbers)} numbers match but only {take.quantity} were asked for")
    if take.only_in_sequence and numbers and len(numbers) != take.quantity:
        doubts.append(f"a run of {take.quantity} was asked for but {len(numbers)} match")
    return Attribution(tuple(numbers), not doubts, "; ".join(doubts[:3]))


class _Entry:
    """The locks of one key and how many holders and waiters use it."""

    __slots__ = ("alock", "users")

    def __init__(self) -> None:
        self.alock: asyncio.Lock | None = None
        self.users = 0


class _Gate:
    """One lock per key in use; a key's entry is dropped when nobody holds or awaits it."""

    def __init__(self) -> None:
        self._guard = threading.Lock()
        self._entries: dict[Key, _Entry] = {}
        # Thread locks live as long as someone holds or waits for them (the `with`
        # statement keeps a reference); the entry then goes by itself.
        self._thread_locks: weakref.WeakValueDictionary[Key, threading.Lock] = (
            weakref.WeakValueDictionary()
        )

    def thread_lock(self, key: Key) -> threading.Lock:
        with self._guard:
            lock = self._thread_locks.get(key)
            if lock is None:
                lock = threading.Lock()
                self._thread_locks[key] = lock
            return lock

    def enter(self, key: Key) -> _Entry:
        with self._guard:
            entry = self._entries.get(key)
            if entry is None:
                entry = self._entries[key] = _Entry()
            entry.users += 1
            return entry

    def leave(self, key: Key) -> None:
        with self._guard:
            entry = self._entries[key]
            entry.users -= 1
            if entry.users <= 0:
                del self._entries[key]


class _Hold:
    """Holds the gate of one key in ``async with`` (the sync service holds a plain lock)."""

    __slots__ = ("_entry", "_gate", "_key")

    def __init__(self, gate: _Gate, key: Key | None) -> None:
        self._gate = gate
        self._key = key
        self._entry: _Entry | None = None

    async def __aenter__(self) -> None:
        if self._key is None:
            return
        entry = self._gate.enter(self._key)
        if entry.alock is None:
            import asyncio  # here: `import pywats_production` does not need asyncio

            entry.alock = asyncio.Lock()
        try:
            await entry.alock.acquire()
        except BaseException:
            self._gate.leave(self._key)
            raise
        self._entry = entry

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._release()

    def _release(self) -> None:
        entry, self._entry = self._entry, None
        if entry is None or self._key is None:
            return
        if entry.alock is not None:
            entry.alock.release()
        self._gate.leave(self._key)


class TakeLedger:
    """What one service knows about its Takes: pending ones and numbers handed out.

    Thread-safe. The services keep one each; it is what makes ``pending_takes`` and the
    exclusion of numbers already handed out work.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pending: dict[str, PendingTake] = {}
        # One entry per delivering call, oldest first: (when, type, request id, numbers).
        # Appending the call's list costs the same whatever its size; only the rare
        # recovery (excluded) walks the numbers.
        self._delivered: deque[tuple[dt.datetime, str, str, Sequence[str]]] = deque()
        self._gate = _Gate()

    def ahold(self, take: PendingTake) -> _Hold:
        """Serialise Takes that share a caller reference, in ``async with`` (asyncio).

        A no-op for an SDK reference.
        """
        return _Hold(self._gate, None if take.auto_reference else take.key)

    def hold(self, take: PendingTake) -> AbstractContextManager[object]:
        """Serialise Takes that share a caller reference, in ``with`` (threads).

        Returns the key's ``threading.Lock`` itself: its ``__enter__`` and ``__exit__`` are
        C code, so no KeyboardInterrupt can land between acquiring it and the ``with``
        block that releases it, nor inside the release. A no-op for an SDK reference.
        """
        if take.auto_reference:
            return contextlib.nullcontext()
        return self._gate.thread_lock(take.key)

    @property
    def pending(self) -> tuple[PendingTake, ...]:
        """Takes not yet reconciled, oldest first."""
        with self._lock:
            return tuple(self._pending.values())

    def pend(self, take: PendingTake, reason: str) -> PendingTake:
        """Record ``take`` as pending (ended now, with ``reason``) and return the record."""
        with self._lock:
            existing = self._pending.get(take.request_id)
            if existing is not None:
                return existing
            record = attrs.evolve(take, ended=take.ended or utcnow(), reason=reason)
            self._pending[take.request_id] = record
            return record

    def shared(self, take: PendingTake) -> int:
        """How many other pending takes have ``take``'s key (0 for an SDK reference)."""
        if take.auto_reference:
            return 0
        with self._lock:
            return sum(
                1
                for other in self._pending.values()
                if other.key == take.key and other.request_id != take.request_id
            )

    def excluded(self, take: PendingTake) -> set[str]:
        """Numbers of ``take``'s type handed out by this service to other calls."""
        if take.auto_reference:
            return set()
        with self._lock:
            return {
                number
                for _, type_name, owner, numbers in self._delivered
                if type_name == take.type_name and owner != take.request_id
                for number in numbers
            }

    def delivered(self, take: PendingTake, numbers: Sequence[str]) -> None:
        """Remember that ``numbers`` went to ``take``'s caller and settle it if pending."""
        now = utcnow()
        with self._lock:
            self._pending.pop(take.request_id, None)
            if take.auto_reference:
                # Nobody else can match an SDK reference: nothing to remember.
                self._prune(now)
                return
            self._delivered.append((now, take.type_name, take.request_id, tuple(numbers)))
            self._prune(now)

    def _prune(self, now: dt.datetime) -> None:
        horizon = now - _RETENTION
        for pending in self._pending.values():
            # A number handed out a little before a pending take's window may still
            # carry a server time inside it (skew): keep a margin.
            horizon = min(horizon, pending.window[0] - 2 * DEFAULT_CLOCK_SKEW)
        # Oldest first: a Take costs what it adds, not what the service remembers.
        delivered = self._delivered
        while delivered and delivered[0][0] < horizon:
            delivered.popleft()

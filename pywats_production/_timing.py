"""Sleeping, gathering and the optional request budget, in an async and a sync flavour.

The async service uses the ``a``-prefixed helpers; ``scripts/unasync.py`` rewrites them to
the plain ones for the sync service.
"""

from __future__ import annotations

import inspect
import threading
import time
from collections.abc import Awaitable, Sequence
from typing import TypeVar

__all__ = [
    "RequestBudget",
    "agather",
    "anew_lock",
    "aresolve",
    "asleep",
    "gather",
    "new_lock",
    "resolve",
    "sleep",
]

T = TypeVar("T")


async def asleep(seconds: float) -> None:
    """Sleep without blocking the event loop (no-op for 0)."""
    if seconds > 0:
        import asyncio  # here: the sync service and `import pywats_production` do without

        await asyncio.sleep(seconds)


def sleep(seconds: float) -> None:
    """Sleep (no-op for 0)."""
    if seconds > 0:
        time.sleep(seconds)


async def agather(awaitables: Sequence[Awaitable[T]]) -> list[T]:
    """Run awaitables concurrently; the first failure propagates after all finished."""
    import asyncio

    results = await asyncio.gather(*awaitables, return_exceptions=True)
    for result in results:
        if isinstance(result, BaseException):
            raise result
    return list(results)  # type: ignore[arg-type]


def gather(results: Sequence[T]) -> list[T]:
    """Sync counterpart of :func:`agather`: the calls already ran, in order."""
    return list(results)


async def aresolve(value: object) -> object:
    """Await ``value`` if it is awaitable (handlers may be sync or async)."""
    if inspect.isawaitable(value):
        return await value
    return value


def resolve(value: object) -> object:
    """Sync counterpart of :func:`aresolve`: the value as it is."""
    return value


class _LazyAsyncLock:
    """An asyncio.Lock made on first use, so that building a service imports no asyncio."""

    __slots__ = ("_lock",)

    def __init__(self) -> None:
        self._lock: object = None

    async def __aenter__(self) -> None:
        import asyncio

        if self._lock is None:
            self._lock = asyncio.Lock()
        assert isinstance(self._lock, asyncio.Lock)
        await self._lock.acquire()

    async def __aexit__(self, *exc: object) -> None:
        import asyncio

        assert isinstance(self._lock, asyncio.Lock)
        self._lock.release()


def anew_lock() -> _LazyAsyncLock:
    """Return a lock for ``async with`` (the asyncio lock is made on first use)."""
    return _LazyAsyncLock()


def new_lock() -> threading.Lock:
    """Sync counterpart of :func:`anew_lock`: a threading lock."""
    return threading.Lock()


class RequestBudget:
    """A client-side budget of requests per minute, spacing requests evenly.

    Each request reserves the next free slot; :meth:`reserve` returns how long to wait
    for it. Thread-safe and async-friendly (the reservation itself never blocks).

    Example:
        >>> budget = RequestBudget(600)   # one request every 0.1 s
        >>> budget.reserve()
        0.0

    """

    def __init__(self, per_minute: float, clock: object = time.monotonic) -> None:
        if per_minute <= 0:
            raise ValueError("per_minute must be > 0")
        self.interval = 60.0 / per_minute
        self._clock = clock
        self._next = 0.0
        self._lock = threading.Lock()

    def reserve(self, max_wait: float | None = None) -> float | None:
        """Reserve a slot for one request and return the wait until it, in seconds.

        Args:
            max_wait: the longest acceptable wait; when the next free slot is further
                away, nothing is reserved and None is returned.

        """
        with self._lock:
            now: float = self._clock()  # type: ignore[operator]
            slot = max(now, self._next)
            if max_wait is not None and slot - now > max_wait:
                return None
            self._next = slot + self.interval
            return slot - now

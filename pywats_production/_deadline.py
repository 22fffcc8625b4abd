"""The absolute deadline of the running attempt, as a context variable.

Kept apart from :mod:`pywats_production._transport` (which sets it) and
:mod:`pywats_production._netbackend` (which enforces it at every network operation) so
that neither imports the other and httpcore is loaded only when a pool is wrapped.
"""

from __future__ import annotations

import time
from contextvars import ContextVar

__all__ = ["DEADLINE", "left"]

DEADLINE: ContextVar[float | None] = ContextVar("pywats_production_deadline", default=None)
"""``time.monotonic()`` value past which the running attempt's operations fail; or None."""


def left(timeout: float | None, error: type[Exception]) -> float | None:
    """Return ``timeout`` shortened to the time left before the deadline.

    Raises:
        error: the deadline has passed (the caller passes httpcore's timeout class).

    """
    deadline = DEADLINE.get()
    if deadline is None:
        return timeout
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise error("the call's deadline has passed")
    return remaining if timeout is None else min(timeout, remaining)

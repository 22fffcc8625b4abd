"""Retry policy: what may be retried, how often, and how long to wait.

Every operation belongs to a reliability class (see ``docs/reliability.md``). The class
decides *whether* an attempt whose outcome is unknown may be sent again; this policy
decides *how*: how many attempts, the backoff with jitter between them, the total
deadline, and how far a server's ``Retry-After`` is honoured.
"""

from __future__ import annotations

import enum
import math
import random
from collections.abc import Callable
from typing import Any

import attrs

from .errors import WatsInputError

__all__ = ["Reliability", "RetryPolicy"]


class Reliability(enum.Enum):
    """What a repeated request does to the server's state.

    Attributes:
        SAFE: a read; repeating it changes nothing.
        UPSERT: add-or-update by key; repeating it converges to the same state.
        CONVERGES: sets a state; repeating it is harmless for the end state.
        CONVERGES_CHECKED: converges, but a replay may fail ("already linked"), so the
            outcome is read back before a failure is reported.
        CONSUMES: takes something from a pool (serial numbers); never replayed blindly.

    """

    SAFE = "safe"
    UPSERT = "upsert"
    CONVERGES = "converges"
    CONVERGES_CHECKED = "converges-check"
    CONSUMES = "consumes"

    @property
    def replayable(self) -> bool:
        """Whether an attempt with an unknown outcome may simply be sent again."""
        return self is not Reliability.CONSUMES


def _default_random() -> float:
    # Jitter is not security-relevant; a shared PRNG is fine.
    return random.random()  # noqa: S311


def _finite(low: float, *, strict: bool = False, high: float | None = None) -> Any:
    """Return an attrs validator: a finite number (no bool), >= low (> low if strict), <= high."""

    def check(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        name = attribute.name
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise WatsInputError(
                f"RetryPolicy.{name} must be a number, not {type(value).__name__}", parameter=name
            )
        if not math.isfinite(value):
            # NaN compares false with everything: it would switch the bound off silently.
            raise WatsInputError(
                f"RetryPolicy.{name} must be finite, got {value!r}", parameter=name
            )
        if value < low or (strict and value == low) or (high is not None and value > high):
            bound = f"> {low:g}" if strict else f">= {low:g}"
            if high is not None:
                bound += f" and <= {high:g}"
            raise WatsInputError(
                f"RetryPolicy.{name} must be {bound}, got {value!r}", parameter=name
            )

    return check


def _attempts(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise WatsInputError(
            f"RetryPolicy.max_attempts must be an int >= 1, got {value!r}", parameter="max_attempts"
        )


@attrs.frozen(kw_only=True)
class RetryPolicy:
    """How a call is retried.

    Attributes:
        max_attempts: attempts in all, the first one included (1 = never retry).
        initial_backoff: wait before the second attempt, in seconds.
        max_backoff: upper bound of one wait, in seconds.
        multiplier: growth of the wait from one attempt to the next.
        jitter: fraction of each wait that is randomised (0 = none, 1 = "full jitter").
        deadline: total time budget of a call, attempts and waits included, in seconds.
        retry_after_cap: the longest ``Retry-After`` honoured, in seconds; a longer one
            ends the retries with the 429/503 error.
        retry_statuses: HTTP statuses that count as "not done, try again".
        random: source of jitter (for tests).

    Example:
        >>> policy = RetryPolicy(max_attempts=5, deadline=30.0)
        >>> policy.backoff(1) <= 0.2
        True

    """

    max_attempts: int = attrs.field(default=4, validator=_attempts)
    initial_backoff: float = attrs.field(default=0.2, validator=_finite(0))
    max_backoff: float = attrs.field(default=5.0, validator=_finite(0))
    multiplier: float = attrs.field(default=2.0, validator=_finite(1))
    jitter: float = attrs.field(default=0.5, validator=_finite(0, high=1))
    deadline: float = attrs.field(default=60.0, validator=_finite(0, strict=True))
    retry_after_cap: float = attrs.field(default=30.0, validator=_finite(0))
    retry_statuses: frozenset[int] = frozenset({429, 500, 502, 503, 504})
    random: Callable[[], float] = attrs.field(default=_default_random, eq=False, repr=False)

    @classmethod
    def never(cls) -> RetryPolicy:
        """Return a policy that makes exactly one attempt.

        Returns:
            A policy with ``max_attempts=1``.

        Example:
            >>> RetryPolicy.never().max_attempts
            1

        """
        return cls(max_attempts=1)

    def backoff(self, attempt: int) -> float:
        """Return the wait after failed attempt number ``attempt`` (1-based), in seconds.

        Args:
            attempt: the attempt that just failed, counting from 1.

        Returns:
            ``min(max_backoff, initial_backoff * multiplier**(attempt-1))``, of which the
            ``jitter`` fraction is drawn at random.

        Example:
            >>> RetryPolicy(jitter=0).backoff(3)
            0.8

        """
        base = min(self.max_backoff, self.initial_backoff * self.multiplier ** (attempt - 1))
        fixed = base * (1.0 - self.jitter)
        return fixed + base * self.jitter * self.random()

    def delay(self, attempt: int, retry_after: float | None) -> float | None:
        """Return how long to wait before the next attempt, or None to stop.

        Args:
            attempt: the attempt that just failed, counting from 1.
            retry_after: the server's ``Retry-After`` in seconds, if it sent one.

        Returns:
            The wait in seconds, or None when no attempt is left or the server asks for
            a longer wait than ``retry_after_cap``.

        """
        if attempt >= self.max_attempts:
            return None
        if retry_after is not None:
            if retry_after > self.retry_after_cap:
                return None
            return max(retry_after, 0.0)
        return self.backoff(attempt)

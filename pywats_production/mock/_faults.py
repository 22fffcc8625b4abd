"""The fault plan: latency, 5xx, 429, dropped connections and a request budget."""

from __future__ import annotations

import math
import random
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

KINDS = ("latency", "status", "rate_limit", "drop_before", "drop_after", "budget")


class FaultPlanError(ValueError):
    """A fault plan entry is malformed."""


class ConnectionDropped(Exception):
    """Raised inside the app to drop the connection (see the transports and docs/mock.md)."""


@dataclass(slots=True)
class FaultRule:
    """One entry of the plan; see docs/mock.md for the fields."""

    kind: str
    operation: str = "*"
    ms: int = 0
    status: int = 503
    retry_after: int = 1
    on_calls: frozenset[int] | None = None
    every: int | None = None
    times: int | None = None
    probability: float | None = None
    seed: int | None = None
    per_minute: int = 0
    window_seconds: float = 60.0
    calls: int = 0
    fired: int = 0
    rng: random.Random = field(default_factory=random.Random)

    def applies_to(self, operation_id: str) -> bool:
        """Tell whether the rule watches ``operation_id``."""
        return self.operation in ("*", operation_id)

    def select(self) -> bool:
        """Count one call and decide, deterministically or by the seeded draw, whether to fire."""
        self.calls += 1
        if self.times is not None and self.fired >= self.times:
            return False
        if self.on_calls is not None:
            chosen = self.calls in self.on_calls
        elif self.every is not None:
            chosen = self.calls % self.every == 0
        elif self.probability is not None:
            chosen = self.rng.random() < self.probability
        else:
            chosen = True
        if chosen:
            self.fired += 1
        return chosen

    def to_json(self) -> dict[str, object]:
        """Render the rule as given (plus its counters)."""
        out: dict[str, object] = {"kind": self.kind, "operation": self.operation}
        if self.kind == "latency":
            out["ms"] = self.ms
        if self.kind == "status":
            out["status"] = self.status
        if self.kind == "rate_limit":
            out["retry_after"] = self.retry_after
        if self.kind == "budget":
            out["per_minute"] = self.per_minute
            out["window_seconds"] = self.window_seconds
        for name in ("every", "times", "probability", "seed"):
            value = getattr(self, name)
            if value is not None:
                out[name] = value
        if self.on_calls is not None:
            out["on_calls"] = sorted(self.on_calls)
        out["calls"] = self.calls
        out["fired"] = self.fired
        return out


def _positive_int(raw: Mapping[str, object], key: str, default: int | None) -> int | None:
    value = raw.get(key, default)
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise FaultPlanError(f"{key} must be a non-negative integer, not {value!r}")
    return value


def parse_rule(raw: Mapping[str, object]) -> FaultRule:
    """Build a rule from its JSON form.

    Args:
        raw: For example ``{"kind": "status", "status": 503, "operation": "getUnit",
            "on_calls": [1, 3]}``.

    Returns:
        The rule.

    Raises:
        FaultPlanError: Unknown kind or field, or a value of the wrong type.

    """
    allowed = {
        "kind", "operation", "ms", "status", "retry_after", "on_calls", "every", "times",
        "probability", "seed", "per_minute", "window_seconds",
    }  # fmt: skip
    unknown = set(raw) - allowed
    if unknown:
        raise FaultPlanError(f"unknown fault fields: {', '.join(sorted(unknown))}")
    kind = raw.get("kind")
    if kind not in KINDS:
        raise FaultPlanError(f"kind must be one of {', '.join(KINDS)}, not {kind!r}")
    operation = raw.get("operation", "*")
    if not isinstance(operation, str):
        raise FaultPlanError("operation must be an operationId or *")
    status = _positive_int(raw, "status", 503) or 503
    if kind == "status" and not 500 <= status <= 599:
        raise FaultPlanError(f"status must be a 5xx code, not {status}")
    on_calls = raw.get("on_calls")
    if on_calls is not None and (
        not isinstance(on_calls, list) or not all(isinstance(c, int) for c in on_calls)
    ):
        raise FaultPlanError("on_calls must be a list of call numbers (1 = first call)")
    probability = raw.get("probability")
    if probability is not None and (
        not isinstance(probability, int | float) or not 0 <= probability <= 1
    ):
        raise FaultPlanError("probability must be between 0 and 1")
    every = _positive_int(raw, "every", None)
    if every == 0:
        raise FaultPlanError("every must be at least 1")
    seed = _positive_int(raw, "seed", None)
    per_minute = _positive_int(raw, "per_minute", 0) or 0
    if kind == "budget" and per_minute < 1:
        raise FaultPlanError("a budget needs per_minute >= 1")
    window = raw.get("window_seconds", 60)
    if not isinstance(window, int | float) or window <= 0:
        raise FaultPlanError("window_seconds must be positive")
    return FaultRule(
        kind=str(kind),
        operation=operation,
        ms=_positive_int(raw, "ms", 0) or 0,
        status=status,
        retry_after=_positive_int(raw, "retry_after", 1) or 0,
        on_calls=frozenset(on_calls) if on_calls is not None else None,
        every=every,
        times=_positive_int(raw, "times", None),
        probability=float(probability) if probability is not None else None,
        seed=seed,
        per_minute=per_minute,
        window_seconds=float(window),
        rng=random.Random(seed),  # noqa: S311 - reproducible fault selection, not security
    )


@dataclass(frozen=True, slots=True)
class FaultDecision:
    """What the plan does to one request."""

    latency_ms: int = 0
    status: int | None = None
    retry_after: int | None = None
    code: str | None = None
    drop_before: bool = False
    drop_after: bool = False


NO_FAULT = FaultDecision()


@dataclass(frozen=True, slots=True)
class FaultEvent:
    """One injected fault, as logged."""

    sequence: int
    operation: str
    kind: str
    call: int
    client: str
    status: int | None = None
    ms: int | None = None

    def to_json(self) -> dict[str, object]:
        """Render for GET /_mock/faults."""
        out: dict[str, object] = {
            "sequence": self.sequence,
            "operation": self.operation,
            "kind": self.kind,
            "call": self.call,
            "client": self.client,
        }
        if self.status is not None:
            out["status"] = self.status
        if self.ms is not None:
            out["ms"] = self.ms
        return out


class FaultInjector:
    """Holds the plan, decides per request, and logs what it injected."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.rules: list[FaultRule] = []
        self.log: list[FaultEvent] = []
        self._windows: dict[tuple[int, str], list[float]] = {}

    @property
    def active(self) -> bool:
        """Whether any rule is set (the fast path skips the injector otherwise)."""
        return bool(self.rules)

    def set_plan(self, plan: Sequence[Mapping[str, object]]) -> None:
        """Replace the plan (counters and budget windows start again; the log is kept).

        Raises:
            FaultPlanError: An entry is malformed; the old plan stays then.

        """
        rules = [parse_rule(raw) for raw in plan]
        with self._lock:
            self.rules = rules
            self._windows.clear()

    def clear(self) -> None:
        """Remove the plan and forget the log."""
        with self._lock:
            self.rules = []
            self.log = []
            self._windows.clear()

    def _event(self, rule: FaultRule, operation: str, client: str, **extra: int | None) -> None:
        self.log.append(
            FaultEvent(len(self.log) + 1, operation, rule.kind, rule.calls, client, **extra)
        )

    def decide(self, operation: str, client: str, now: datetime) -> FaultDecision:
        """Decide the faults for one request to ``operation`` from ``client``.

        Budgets are checked first (a request over budget is answered 429 and not counted);
        then every other rule that watches the operation counts the call, latencies add
        up, and the first 429/5xx/drop-before chosen wins.

        Args:
            operation: The operationId.
            client: The client key (its Authorization header, else its address).
            now: The current time (the mock's clock).

        Returns:
            The decision.

        """
        with self._lock:
            if not self.rules:
                return NO_FAULT
            stamp = now.timestamp()
            for index, rule in enumerate(self.rules):
                if rule.kind != "budget" or not rule.applies_to(operation):
                    continue
                window = self._windows.setdefault((index, client), [stamp, 0])
                if stamp - window[0] >= rule.window_seconds:
                    window[0], window[1] = stamp, 0
                if window[1] >= rule.per_minute:
                    rule.calls += 1
                    rule.fired += 1
                    retry = max(1, math.ceil(window[0] + rule.window_seconds - stamp))
                    self._event(rule, operation, client, status=429)
                    return FaultDecision(status=429, retry_after=retry, code="rate_limited")
                window[1] += 1
                rule.calls += 1
            latency = 0
            outcome: FaultDecision | None = None
            drop_after = False
            for rule in self.rules:
                if rule.kind == "budget" or not rule.applies_to(operation) or not rule.select():
                    continue
                if rule.kind == "latency":
                    latency += rule.ms
                    self._event(rule, operation, client, ms=rule.ms)
                elif outcome is None and not drop_after:
                    if rule.kind == "status":
                        outcome = FaultDecision(status=rule.status, code="injected_fault")
                        self._event(rule, operation, client, status=rule.status)
                    elif rule.kind == "rate_limit":
                        outcome = FaultDecision(
                            status=429, retry_after=rule.retry_after, code="rate_limited"
                        )
                        self._event(rule, operation, client, status=429)
                    elif rule.kind == "drop_before":
                        outcome = FaultDecision(drop_before=True)
                        self._event(rule, operation, client)
                    elif rule.kind == "drop_after":
                        drop_after = True
                        self._event(rule, operation, client)
            if outcome is not None:
                return FaultDecision(
                    latency_ms=latency,
                    status=outcome.status,
                    retry_after=outcome.retry_after,
                    code=outcome.code,
                    drop_before=outcome.drop_before,
                )
            return FaultDecision(latency_ms=latency, drop_after=drop_after)

    def report(self) -> dict[str, object]:
        """Return the plan with counters, the log, and counts by kind and operation."""
        with self._lock:
            counts: dict[str, dict[str, int]] = {}
            for event in self.log:
                per_kind = counts.setdefault(event.kind, {})
                per_kind[event.operation] = per_kind.get(event.operation, 0) + 1
            return {
                "plan": [rule.to_json() for rule in self.rules],
                "log": [event.to_json() for event in self.log],
                "counts": counts,
            }

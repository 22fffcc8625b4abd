"""Timing helpers: interleaved rounds and medians, so that drift hits every contender."""

from __future__ import annotations

import gc
import statistics
import time
from collections.abc import Awaitable, Callable, Mapping


def per_call(
    contenders: Mapping[str, Callable[[], object]], *, rounds: int, calls: int
) -> dict[str, float]:
    """Return the median seconds per call of each contender.

    Each round runs ``calls`` calls of every contender in turn (the order alternates
    between rounds); the figure is the median over rounds of the per-call mean.
    """
    names = list(contenders)
    samples: dict[str, list[float]] = {name: [] for name in names}
    for fn in contenders.values():
        fn()  # warm-up: connections, lazy imports, caches
    for index in range(rounds):
        order = names if index % 2 == 0 else names[::-1]
        for name in order:
            fn = contenders[name]
            gc.collect()
            start = time.perf_counter()
            for _ in range(calls):
                fn()
            samples[name].append((time.perf_counter() - start) / calls)
    return {name: statistics.median(values) for name, values in samples.items()}


async def per_call_async(
    contenders: Mapping[str, Callable[[], Awaitable[object]]], *, rounds: int, calls: int
) -> dict[str, float]:
    """Async form of :func:`per_call` (calls awaited one after another, in the running loop)."""
    names = list(contenders)
    samples: dict[str, list[float]] = {name: [] for name in names}
    for fn in contenders.values():
        await fn()
    for index in range(rounds):
        order = names if index % 2 == 0 else names[::-1]
        for name in order:
            fn = contenders[name]
            gc.collect()
            start = time.perf_counter()
            for _ in range(calls):
                await fn()
            samples[name].append((time.perf_counter() - start) / calls)
    return {name: statistics.median(values) for name, values in samples.items()}


def once(contenders: Mapping[str, Callable[[], object]], *, rounds: int) -> dict[str, float]:
    """Return the median seconds of one run of each contender (interleaved rounds)."""
    return per_call(contenders, rounds=rounds, calls=1)


def ratio(value: float, baseline: float) -> float:
    """Return ``value / baseline`` rounded for the report."""
    return round(value / baseline, 3) if baseline > 0 else float("nan")

"""Helpers shared by the reliability tests (imported by name: tests/ has no packages)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl

import httpx

import pywats_production as wp
from tests.recorder import Answer, Recorder

TOKEN = "d2F0czptb2Nr"  # base64("wats:mock"), the mock's test token
BASE = "http://wats-mock"
# Retries without real waiting: the tests are about what is sent, not about time.
FAST = wp.RetryPolicy(
    max_attempts=4, initial_backoff=0.001, max_backoff=0.004, jitter=0, deadline=30
)

TAKE = "/api/Production/SerialNumbers/Take"
BY_REF = "/api/Production/SerialNumbers/ByReference"


def run(service: Any, name: str, *args: Any, **kwargs: Any) -> Any:
    """Call a method on either service and return its result."""
    result = getattr(service, name)(*args, **kwargs)
    if asyncio.iscoroutine(result):
        return asyncio.run(result)
    return result


def reconcile(error: wp.AmbiguousOutcomeError) -> tuple[str, ...]:
    """Run the error's reconciliation, async or sync, whichever it carries."""
    if error._areconciler is not None:
        return asyncio.run(error.areconcile())
    return error.reconcile()


def wait_taken(admin: Any, count: int, type_name: str = "SerialNumber") -> None:
    """Wait (at most 5 s) until the mock's pool has ``count`` numbers taken."""
    deadline = time.monotonic() + 5
    while admin.serial_numbers(type_name).taken < count and time.monotonic() < deadline:
        time.sleep(0.02)


def query(request: httpx.Request) -> dict[str, str]:
    return dict(parse_qsl(request.url.query.decode(), keep_blank_values=True))


__all__ = ["Answer", "Recorder"]


def take_xml(*numbers: str) -> str:
    return "<SerialNumbers>" + "".join(f'<SN id="{n}"/>' for n in numbers) + "</SerialNumbers>"


def record(number: str, **fields: Any) -> dict[str, Any]:
    """A SerialNumberRecord as the mock renders it."""
    out: dict[str, Any] = {
        "serialNumber": number,
        "taken": True,
        "takenUtc": None,
        "refSN": None,
        "refPN": None,
        "stationName": None,
    }
    out.update(fields)
    return out


class Sleeps:
    """Replaces the services' sleeps: records each wait and returns at once."""

    def __init__(self) -> None:
        self.delays: list[float] = []
        self.hooks: list[Callable[[float], None]] = []

    def record(self, seconds: float) -> None:
        if seconds > 0:
            self.delays.append(seconds)
            for hook in self.hooks:
                hook(seconds)

    async def asleep(self, seconds: float) -> None:
        self.record(seconds)
        await asyncio.sleep(0)

    def sleep(self, seconds: float) -> None:
        self.record(seconds)

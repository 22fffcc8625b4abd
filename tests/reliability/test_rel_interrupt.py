"""Sync Take against KeyboardInterrupt at any line of the SDK (issue 16, point 6).

A trace function raises KeyboardInterrupt at the n-th distinct line the SDK executes
during one Take (the server is the contract mock, in-process). For every n:

- the numbers the server took reach the caller, or the take is listed in
  ``pending_takes`` (so ``reconcile_takes`` can find them): nothing taken is forgotten;
- the per-key lock is free afterwards: another Take with the same reference completes.

Lines of the mock itself and of libraries are not interrupted: the point is the SDK's own
code, between the answer and the caller.
"""

from __future__ import annotations

import contextlib
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from types import FrameType
from typing import Any

import httpx
import pytest
from relhelpers import BASE, FAST, TOKEN

import pywats_production as wp
from pywats_production.mock import MockAdmin, MockSyncTransport, create_app

SDK = str(Path(wp.__file__).parent)
MOCK = str(Path(wp.__file__).parent / "mock")
TYPE = "SerialNumber"


def _ours(frame: FrameType) -> bool:
    name = frame.f_code.co_filename
    return name.startswith(SDK) and not name.startswith(MOCK)


class Interrupter:
    """Raises KeyboardInterrupt at the ``target``-th new SDK line (None: only records)."""

    def __init__(self, target: tuple[str, int] | None) -> None:
        self.target = target
        self.seen: list[tuple[str, int]] = []
        self.fired = False

    def global_trace(self, frame: FrameType, event: str, arg: Any) -> Any:
        return self.local_trace if _ours(frame) else None

    def local_trace(self, frame: FrameType, event: str, arg: Any) -> Any:
        if event == "line" and not self.fired:
            where = (frame.f_code.co_filename, frame.f_lineno)
            if self.target is None:
                if where not in self.seen:
                    self.seen.append(where)
            elif where == self.target:
                self.fired = True
                raise KeyboardInterrupt
        return self.local_trace


@pytest.fixture(scope="module")
def mock() -> Iterator[tuple[Any, MockAdmin]]:
    app = create_app(seed="demo", token=TOKEN, strict=True)
    admin = MockAdmin.for_app(app)
    yield app, admin
    admin.close()


def _service(app: Any) -> wp.ProductionService:
    client = httpx.Client(transport=MockSyncTransport(app), base_url=BASE)
    return wp.ProductionService(BASE, TOKEN, http_client=client, retry=FAST)


def _take(service: wp.ProductionService, tracer: Interrupter | None) -> list[str] | None:
    if tracer is not None:
        sys.settrace(tracer.global_trace)
    try:
        return service.take_serial_numbers(TYPE, 2, ref_serial_number="BOX-KI", station_name="ST")
    except KeyboardInterrupt:
        return None
    finally:
        sys.settrace(None)


def _locations(app: Any) -> list[tuple[str, int]]:
    tracer = Interrupter(None)
    assert _take(_service(app), tracer) is not None
    return tracer.seen


def test_take_survives_an_interrupt_at_every_sdk_line(mock: tuple[Any, MockAdmin]) -> None:
    """Point 6: at each of the SDK's lines of a Take, an interrupt loses nothing."""
    app, admin = mock
    locations = _locations(app)
    assert len(locations) > 100  # the sweep really walks the path
    lost: list[str] = []
    stuck: list[str] = []
    fired = 0
    for where in locations:
        service = _service(app)
        before = admin.serial_numbers(TYPE).taken
        tracer = Interrupter(where)
        numbers = _take(service, tracer)
        fired += tracer.fired
        taken = admin.serial_numbers(TYPE).taken - before
        label = f"{Path(where[0]).name}:{where[1]}"
        if numbers is not None:
            if len(numbers) != taken:
                lost.append(f"{label}: returned {len(numbers)}, taken {taken}")
        elif taken and not service.pending_takes:
            lost.append(f"{label}: {taken} taken, neither returned nor pending")
        # The per-key lock must be free: the same reference again, from another thread.
        done = threading.Event()

        def again(service: wp.ProductionService = service, done: threading.Event = done) -> None:
            with contextlib.suppress(wp.WatsError):  # a refusal is fine; blocking is not
                service.take_serial_numbers(TYPE, 1, ref_serial_number="BOX-KI", station_name="ST")
            done.set()

        threading.Thread(target=again, daemon=True).start()
        if not done.wait(5):
            stuck.append(label)
    print(f"\ninterrupt sweep: {len(locations)} SDK lines, {fired} interrupts delivered")
    assert lost == [], "\n".join(lost)
    assert stuck == []
    # Lines run only on a service's first call (lazy imports, caches) are not met again.
    assert fired >= len(locations) * 0.6


def test_interrupt_right_after_the_answer_is_read(
    mock: tuple[Any, MockAdmin], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Point 6, the reported window: after the answer, before the ledger recorded it."""
    app, admin = mock
    service = _service(app)
    from pywats_production import _recovery

    original = _recovery.TakeLedger.delivered
    calls = []

    def interrupted(self: Any, take: Any, numbers: Any) -> None:
        calls.append(numbers)
        raise KeyboardInterrupt

    monkeypatch.setattr(_recovery.TakeLedger, "delivered", interrupted)
    before = admin.serial_numbers(TYPE).taken
    with pytest.raises(KeyboardInterrupt):
        service.take_serial_numbers(TYPE, 3, ref_serial_number="BOX-KI2", station_name="ST")
    monkeypatch.setattr(_recovery.TakeLedger, "delivered", original)
    assert admin.serial_numbers(TYPE).taken - before == 3
    assert calls and len(calls[0]) == 3
    pending = service.pending_takes
    assert len(pending) == 1 and pending[0].ref_serial_number == "BOX-KI2"
    found = service.reconcile_takes()
    assert sorted(n for r in found for n in r.recovered) == sorted(calls[0])
    assert service.pending_takes == ()

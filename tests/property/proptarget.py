"""Where the property machines run (the contract mock in-process, or a live server).

A :class:`Target` bundles the SDK service the machines drive, the mock's admin API when
there is one, a unique name prefix, a request counter and the capabilities that decide
which invariants can be checked. The machines never look at the target's kind, only at
its capabilities, so the same machine runs against the mock and against a live server.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import os
import time
import uuid
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, ClassVar, TypeVar

import httpx
import pytest
from hypothesis import settings as Settings
from hypothesis.stateful import RuleBasedStateMachine, run_state_machine_as_test
from hypothesis.statistics import collector, describe_statistics

import pywats_production as wp
from pywats_production.mock import (
    SERVER_VERSION,
    MockAdmin,
    MockApp,
    MockAsyncTransport,
    MockSyncTransport,
    create_app,
)

TOKEN = "d2F0czptb2Nr"  # base64("wats:mock"), the mock's test token
BASE = "http://wats-mock"
# No faults are planned in the machines: a 5xx is a bug, so retries stay short and quick.
FAST = wp.RetryPolicy(max_attempts=2, initial_backoff=0.001, max_backoff=0.002, jitter=0)
EPOCH = dt.datetime(2026, 11, 26, 5, 0, tzinfo=dt.UTC)

ASGIApp = Callable[[dict[str, Any], Any, Any], Awaitable[None]]
F = TypeVar("F", bound=Callable[..., Any])


# ----------------------------------------------------------------------------- targets


def internal_api(service: wp.ProductionService) -> wp.InternalApi:
    """The internal API on the same server and client as ``service`` (the mock's version
    is outside the internal contract's derived-for versions: it is pinned, no warning)."""
    import attrs

    twin = wp.ProductionService(
        str(service.config.base_url),
        service.config.token,  # type: ignore[arg-type]
        http_client=service._client,
        retry=FAST,
        internal=True,
    )
    twin._config = attrs.evolve(twin._config, pinned_server_versions=frozenset({SERVER_VERSION}))
    return twin.internal


@dataclass(frozen=True)
class Capabilities:
    """What a target lets the machines check.

    Attributes:
        admin: the mock's admin API exists (seed types and products, read pool counts).
        whole_pool: the machine owns every number of its pools: it knows pool order,
            which numbers are free, when Take must run dry, and the exact taken times.
        own_feed: the unit-changes feed holds only this example's changes, so it may be
            read whole, deleted from and consumed.
        box_builds: products with box builds can be created (else AddChildUnit always
            names the part number to check against).
        upload: numbers may be uploaded (into the machine's own, new, empty types).
        process_codes: any process code may be saved with a unit.
        feed_logged: the server logs unit changes (a real server does only where it was
            turned on; the mock when its seed or admin API says so): when False, every
            change leaves the feed empty.

    """

    admin: bool
    whole_pool: bool
    own_feed: bool
    box_builds: bool
    upload: bool
    process_codes: bool
    feed_logged: bool = True


MOCK_CAPS = Capabilities(True, True, True, True, True, True)
LIVE_CAPS = Capabilities(False, False, False, False, False, False)


class FakeClock:
    """The mock's clock: moves one minute per machine step, so taken times are known."""

    def __init__(self) -> None:
        self.now = EPOCH

    def __call__(self) -> dt.datetime:
        return self.now

    def tick(self) -> None:
        self.now += dt.timedelta(minutes=1)


class CountingApp:
    """An ASGI wrapper that counts the API requests reaching the mock (admin calls aside)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.count = 0

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "http" and not str(scope["path"]).startswith("/_mock"):
            self.count += 1
        await self.app(scope, receive, send)


@dataclass
class Target:
    """One server the machines talk to, with what may be checked there.

    Attributes:
        kind: "mock" or "live".
        caps: the capabilities.
        service: the sync SDK service bound to the server.
        admin: the mock's admin client (None on a live server).
        prefix: prepended to every serial number, part number and reference the
            machines create ("" on the mock, unique per example on a live server).
        serial_type: the serial-number type to take from on a live server (None on the
            mock, where the machines create their own types).
        clock: the mock's clock (None on a live server).
        app: the mock (None on a live server).
        counter: how many API requests reached the server.

    """

    kind: str
    caps: Capabilities
    service: wp.ProductionService
    counter: Callable[[], int]
    closers: list[Callable[[], object]] = field(default_factory=list)
    admin: MockAdmin | None = None
    prefix: str = ""
    serial_type: str | None = None
    clock: FakeClock | None = None
    app: MockApp | None = None
    make_async: Callable[[int], tuple[wp.AsyncProductionService, httpx.AsyncClient]] | None = None

    def requests(self) -> int:
        """Return how many API requests reached the server so far."""
        return self.counter()

    def tick(self) -> None:
        """Advance the mock's clock by one step (nothing on a live server)."""
        if self.clock is not None:
            self.clock.tick()

    def now(self) -> dt.datetime | None:
        """The mock's current time (None on a live server)."""
        return self.clock.now if self.clock is not None else None

    def violations(self) -> list[str]:
        """Answers of the mock that broke the contract (always empty on a live server)."""
        return [str(v) for v in self.app.violations] if self.app is not None else []

    def name(self, text: str) -> str:
        """The real name of a serial, part number or reference the machines call ``text``."""
        return self.prefix + text

    def close(self) -> None:
        """Close the clients (the mock's state is simply dropped)."""
        for close in reversed(self.closers):
            close()


# How the mock may answer: every error style, the changes feed on and off. Three variants
# cover the three styles and both feed states; a property run on all of them shares its
# examples out (see per_variant), so CI time stays that of one run.
MOCK_VARIANTS = [
    pytest.param("text", False, id="text-feed-off"),
    pytest.param("webapi", True, id="webapi-feed-on"),
    pytest.param("problem", True, id="problem-feed-on"),
]


def per_variant(profile: Settings) -> Settings:
    """The profile with its examples shared out over the mock variants (at least 5)."""
    return Settings(profile, max_examples=max(5, profile.max_examples // len(MOCK_VARIANTS)))


def mock_target(
    *,
    seed: str = "empty",
    wrap: Callable[[ASGIApp], ASGIApp] | None = None,
    error_style: str = "problem",
    log_changes: bool = True,
) -> Target:
    """A fresh contract mock (strict, token required) with the sync service bound to it.

    Args:
        seed: the mock's seed ("empty": the machines seed what they need).
        wrap: wraps the mock's ASGI app (planted-bug tests use it to break the server).
        error_style: how the mock words errors (text, webapi, problem).
        log_changes: whether the mock logs unit changes (turned on through the admin API).

    """
    clock = FakeClock()
    app = create_app(seed=seed, token=TOKEN, strict=True, clock=clock, error_style=error_style)
    counting = CountingApp(wrap(app) if wrap is not None else app)
    transport = MockSyncTransport(counting)  # type: ignore[arg-type]
    client = httpx.Client(transport=transport, base_url=BASE)
    service = wp.ProductionService(BASE, TOKEN, http_client=client, retry=FAST)
    admin = MockAdmin.for_app(app)
    admin.seed({"logUnitChanges": log_changes})

    def make_async(station: int) -> tuple[wp.AsyncProductionService, httpx.AsyncClient]:
        # Each station its own client address, as separate machines would have.
        transport = MockAsyncTransport(counting, client=("127.0.0.1", 50000 + station))  # type: ignore[arg-type]
        aclient = httpx.AsyncClient(transport=transport, base_url=BASE)
        return wp.AsyncProductionService(BASE, TOKEN, http_client=aclient, retry=FAST), aclient

    return Target(
        kind="mock",
        caps=dataclasses.replace(MOCK_CAPS, feed_logged=log_changes),
        service=service,
        counter=lambda: counting.count,
        closers=[transport.close, client.close, admin.close],
        admin=admin,
        clock=clock,
        app=app,
        make_async=make_async,
    )


# ---------------------------------------------------------------------- live servers

LIVE_URL = "WATS_BASE_URL"
LIVE_TOKEN = "WATS_AUTH_TOKEN"
LIVE_SERIAL_TYPE = "WATS_PROPERTY_SERIAL_TYPE"
LIVE_EXAMPLES = "WATS_PROPERTY_LIVE_EXAMPLES"


def live_settings_from_env() -> tuple[str, str] | None:
    """Return (base URL, token) when both live-server variables are set."""
    url, token = os.environ.get(LIVE_URL), os.environ.get(LIVE_TOKEN)
    return (url, token) if url and token else None


def live_target(
    base_url: str,
    token: str,
    *,
    serial_type: str | None = None,
    verify: bool = True,
) -> Target:
    """A live server: every name the machines create gets a prefix unique to the example.

    Args:
        base_url: the server's root URL.
        token: the Basic token.
        serial_type: the type to take numbers from (None: the serial-number machine is
            skipped); the numbers taken are consumed for good.
        verify: TLS verification.

    """
    count = 0

    def counted(request: httpx.Request) -> None:
        nonlocal count
        count += 1

    client = httpx.Client(
        base_url=base_url, timeout=30, verify=verify, event_hooks={"request": [counted]}
    )
    service = wp.ProductionService(base_url, token, http_client=client)

    def make_async(station: int) -> tuple[wp.AsyncProductionService, httpx.AsyncClient]:
        aclient = httpx.AsyncClient(
            base_url=base_url, timeout=30, verify=verify, event_hooks={"request": [acounted]}
        )
        return wp.AsyncProductionService(base_url, token, http_client=aclient), aclient

    async def acounted(request: httpx.Request) -> None:
        counted(request)

    return Target(
        kind="live",
        caps=LIVE_CAPS,
        service=service,
        counter=lambda: count,
        closers=[client.close],
        prefix=f"pwp{uuid.uuid4().hex[:10]}-",
        serial_type=serial_type,
        make_async=make_async,
    )


def live_target_from_env() -> Target:
    """The live target described by the environment (call only when it is set)."""
    found = live_settings_from_env()
    assert found is not None
    return live_target(found[0], found[1], serial_type=os.environ.get(LIVE_SERIAL_TYPE) or None)


# ----------------------------------------------------------------- machines and tallies


@dataclass
class Tally:
    """Examples, steps and seconds of one machine in this pytest run."""

    examples: int = 0
    steps: int = 0
    seconds: float = 0.0
    runs: int = 0
    statistics: list[str] = field(default_factory=list)


#: Filled by every run of a machine in its own test (planted-bug runs are not counted).
TALLIES: dict[str, Tally] = {}


def step(function: F) -> F:
    """Mark a rule as one step: counted, and the mock's clock moves a minute first."""

    @functools.wraps(function)
    def wrapper(self: TargetMachine, *args: Any, **kwargs: Any) -> Any:
        if self.tally is not None:
            self.tally.steps += 1
        self.target.tick()
        return function(self, *args, **kwargs)

    return wrapper  # type: ignore[return-value]


class TargetMachine(RuleBasedStateMachine):
    """A state machine bound to a target, with tagged checks.

    Every check has a tag (``serial.unique``, ``feed.exact`` ...) printed in its message.
    Planted-bug tests set :attr:`only` to prove that one check alone catches one bug:
    the other checks then stay silent (the model is still kept up to date).
    """

    target_factory: ClassVar[Callable[[], Target]] = staticmethod(mock_target)
    only: ClassVar[frozenset[str] | None] = None
    tally: ClassVar[Tally | None] = None

    def __init__(self) -> None:
        super().__init__()
        self.target = type(self).target_factory()
        self.sdk = self.target.service
        self.caps = self.target.caps
        if self.tally is not None:
            self.tally.examples += 1

    def enabled(self, tag: str) -> bool:
        """Whether the check ``tag`` is on."""
        return self.only is None or tag in self.only

    def check(self, tag: str, condition: object, message: object = "") -> None:
        """Fail with ``[tag] message`` when the check is on and ``condition`` is false."""
        if not condition and self.enabled(tag):
            raise AssertionError(f"[{tag}] {message}")

    def teardown(self) -> None:
        try:
            violations = self.target.violations()
            self.check("mock.contract", not violations, f"off-contract answers: {violations}")
        finally:
            self.target.close()


def bind(
    machine: type[TargetMachine],
    factory: Callable[[], Target],
    *,
    only: frozenset[str] | None = None,
    tally: Tally | None = None,
) -> type[TargetMachine]:
    """A subclass of ``machine`` (same name, for readable programs) bound to ``factory``."""
    return type(
        machine.__name__,
        (machine,),
        {"target_factory": staticmethod(factory), "only": only, "tally": tally},
    )


def run_machine(
    machine: type[TargetMachine],
    factory: Callable[[], Target],
    settings: Settings,
    *,
    label: str | None = None,
    only: frozenset[str] | None = None,
) -> None:
    """Run ``machine`` against targets made by ``factory``; record the tally under ``label``."""
    tally = TALLIES.setdefault(label, Tally()) if label else None
    bound = bind(machine, factory, only=only, tally=tally)
    started = time.perf_counter()
    try:
        with collected(tally):
            run_state_machine_as_test(bound, settings=settings)
    finally:
        if tally is not None:
            tally.runs += 1
            tally.seconds += time.perf_counter() - started


@contextmanager
def collected(tally: Tally | None) -> Iterator[None]:
    """Keep Hypothesis's statistics of the runs inside the block in ``tally``.

    The hypothesis pytest plugin collects statistics only for tests decorated with
    ``@given``; the machines run inside plain test functions, so they collect their own.
    """
    if tally is None:
        yield
        return

    def keep(stats: dict[str, Any]) -> None:
        tally.statistics.append(describe_statistics(stats))

    with collector.with_value(keep):
        yield


@contextmanager
def timed(label: str) -> Iterator[Tally]:
    """Tally a plain ``@given`` property run inside the block (the test counts examples)."""
    tally = TALLIES.setdefault(label, Tally())
    started = time.perf_counter()
    try:
        with collected(tally):
            yield tally
    finally:
        tally.runs += 1
        tally.seconds += time.perf_counter() - started

"""The same machines and properties against a live server, and that path tried offline.

Against a live server (``pytest --live`` with ``WATS_BASE_URL`` and ``WATS_AUTH_TOKEN``
set) the machines create their own units and references under a prefix unique to each
example (``pwp<hex>-``) and touch nothing else. What cannot be checked there is skipped,
by the targets' capabilities (see docs/property-tests.md): the admin API (pool counts,
seeding types and products), anything that needs the whole pool (exact counts, pool
order, exhaustion, the lowest free numbers, taken times and date windows), uploads into
new empty types, the changes feed (shared with the server's other consumers, so neither
read whole, deleted from nor consumed), box builds (AddChildUnit then always names the
part number to check against) and made-up process codes. The serial-number machine needs
``WATS_PROPERTY_SERIAL_TYPE``, a type whose numbers it may consume for good. Units cannot
be deleted through the API: the live runs leave their (prefixed) units on the server.

``test_live_path_offline`` runs that same path, capabilities and all, against the mock
served over real sockets, so the live code is exercised on every run.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Iterator

import pytest
from hypothesis import settings as Settings
from propassembly import AssemblyMachine
from propconcurrency import concurrency_property
from propencoding import round_trip_property
from propserial import SerialMachine
from proptarget import (
    LIVE_EXAMPLES,
    LIVE_SERIAL_TYPE,
    TOKEN,
    Target,
    TargetMachine,
    live_target,
    live_target_from_env,
    run_machine,
    timed,
)
from propunits import LifecycleMachine

from pywats_production.mock import create_app, run_in_thread

MACHINES: dict[str, type[TargetMachine]] = {
    "serial": SerialMachine,
    "lifecycle": LifecycleMachine,
    "assembly": AssemblyMachine,
}


def live_settings(profile: Settings) -> Settings:
    """Fewer examples on a live server: every example leaves units there."""
    examples = int(os.environ.get(LIVE_EXAMPLES, "10"))
    return Settings(
        profile,
        max_examples=min(profile.max_examples, examples),
        stateful_step_count=min(profile.stateful_step_count, 20),
        database=None,
    )


def run_all(factory: Callable[[], Target], settings: Settings, kind: str, which: str) -> None:
    if which in MACHINES:
        machine = MACHINES[which]
        run_machine(machine, factory, settings, label=f"{machine.__name__}[{kind}]")
    elif which == "encoding":
        with timed(f"Encoding.round_trip[{kind}]") as tally:
            Settings(settings)(round_trip_property(factory, tally))()
    else:
        with timed(f"Concurrency[{kind}]") as tally:
            Settings(settings)(concurrency_property(factory, tally, box_builds=False))()


ALL = [*MACHINES, "encoding", "concurrency"]


@pytest.mark.live
@pytest.mark.parametrize("which", ALL)
def test_on_the_live_server(which: str, profile: Settings) -> None:
    needs_pool = which in ("serial", "concurrency")
    if needs_pool and not os.environ.get(LIVE_SERIAL_TYPE):
        pytest.skip(f"set {LIVE_SERIAL_TYPE} to a serial-number type whose numbers may be consumed")
    run_all(live_target_from_env, live_settings(profile), "live", which)


@pytest.fixture(scope="module")
def served() -> Iterator[str]:
    """The demo mock over real sockets, shared by every example like a real server."""
    app = create_app(seed="demo", token=TOKEN, strict=True)
    with run_in_thread(app) as url:
        yield url
    assert app.violations == [], [str(v) for v in app.violations]


@pytest.mark.parametrize("which", ALL)
def test_live_path_offline(which: str, served: str, profile: Settings) -> None:
    factory = functools.partial(live_target, served, TOKEN, serial_type="SerialNumber")
    settings = Settings(live_settings(profile), max_examples=min(profile.max_examples, 8))
    run_all(factory, settings, "live path, served mock", which)

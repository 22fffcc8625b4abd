"""The internal-API machine against the contract mock (invariants in propinternal.py)."""

from __future__ import annotations

from hypothesis import settings as Settings
from propinternal import InternalMachine, demo_target
from proptarget import run_machine


def test_internal_api_on_the_mock(profile: Settings) -> None:
    run_machine(InternalMachine, demo_target, profile, label="InternalMachine[mock]")  # type: ignore[arg-type]

"""The lifecycle machine against the contract mock (the live run is in test_prop_live.py)."""

from __future__ import annotations

from hypothesis import settings as Settings
from proptarget import mock_target, run_machine
from propunits import LifecycleMachine


def test_unit_lifecycle_on_the_mock(profile: Settings) -> None:
    run_machine(LifecycleMachine, mock_target, profile, label="LifecycleMachine[mock]")

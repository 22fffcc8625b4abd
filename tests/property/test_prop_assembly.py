"""The assembly machine against the contract mock (the live run is in test_prop_live.py)."""

from __future__ import annotations

from hypothesis import settings as Settings
from propassembly import AssemblyMachine
from proptarget import mock_target, run_machine


def test_box_build_on_the_mock(profile: Settings) -> None:
    run_machine(AssemblyMachine, mock_target, profile, label="AssemblyMachine[mock]")

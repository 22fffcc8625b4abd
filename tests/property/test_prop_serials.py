"""The serial-number machine against the contract mock (the live run is in test_prop_live.py)."""

from __future__ import annotations

from hypothesis import settings as Settings
from propserial import SerialMachine
from proptarget import mock_target, run_machine


def test_serial_numbers_on_the_mock(profile: Settings) -> None:
    run_machine(SerialMachine, mock_target, profile, label="SerialMachine[mock]")

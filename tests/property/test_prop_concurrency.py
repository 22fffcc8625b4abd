"""Concurrent stations on one contract mock (the live run is in test_prop_live.py)."""

from __future__ import annotations

from hypothesis import settings as Settings
from propconcurrency import concurrency_property, save_order_property
from proptarget import mock_target, timed


def test_stations_interleave_on_the_mock(profile: Settings) -> None:
    with timed("Concurrency[mock]") as tally:
        Settings(profile)(concurrency_property(mock_target, tally))()


def test_async_save_keeps_list_order_on_the_mock(profile: Settings) -> None:
    with timed("SaveOrder[mock]") as tally:
        Settings(profile)(save_order_property(mock_target, tally))()

"""Concurrent stations on one contract mock (the live run is in test_prop_live.py).

Both properties run on every mock variant (error style text, webapi, problem; the changes
feed off and on), the profile's examples shared out over them.
"""

from __future__ import annotations

import functools

import pytest
from hypothesis import settings as Settings
from propconcurrency import concurrency_property, save_order_property
from proptarget import MOCK_VARIANTS, mock_target, per_variant, timed


@pytest.mark.parametrize(("error_style", "log_changes"), MOCK_VARIANTS)
def test_stations_interleave_on_the_mock(
    profile: Settings, error_style: str, log_changes: bool
) -> None:
    factory = functools.partial(mock_target, error_style=error_style, log_changes=log_changes)
    with timed(f"Concurrency[mock {error_style}]") as tally:
        per_variant(profile)(concurrency_property(factory, tally))()


@pytest.mark.parametrize(("error_style", "log_changes"), MOCK_VARIANTS)
def test_async_save_keeps_list_order_on_the_mock(
    profile: Settings, error_style: str, log_changes: bool
) -> None:
    factory = functools.partial(mock_target, error_style=error_style, log_changes=log_changes)
    with timed(f"SaveOrder[mock {error_style}]") as tally:
        per_variant(profile)(save_order_property(factory, tally))()

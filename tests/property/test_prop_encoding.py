"""Encoding properties against the contract mock (the live run is in test_prop_live.py)."""

from __future__ import annotations

import functools

from hypothesis import settings as Settings
from propencoding import refusal_property, round_trip_property
from proptarget import mock_target, timed


def test_any_text_round_trips(profile: Settings) -> None:
    with timed("Encoding.round_trip[mock]") as tally:
        factory = functools.partial(mock_target, seed="demo")
        Settings(profile)(round_trip_property(factory, tally))()


def test_refused_text_never_leaves(profile: Settings) -> None:
    target = mock_target(seed="demo")
    try:
        with timed("Encoding.refused[mock]") as tally:
            Settings(profile, max_examples=profile.max_examples * 3)(
                refusal_property(target, tally)
            )()
        assert target.requests() == 0
    finally:
        target.close()

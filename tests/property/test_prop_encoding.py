"""Encoding properties against the contract mock (the live run is in test_prop_live.py)."""

from __future__ import annotations

import functools

import pytest
from hypothesis import settings as Settings
from propencoding import refusal_property, round_trip_property
from proptarget import MOCK_VARIANTS, mock_target, per_variant, timed


@pytest.mark.parametrize(("error_style", "log_changes"), MOCK_VARIANTS)
def test_any_text_round_trips(profile: Settings, error_style: str, log_changes: bool) -> None:
    """Runs on every mock variant, the profile's examples shared out over them."""
    with timed(f"Encoding.round_trip[mock {error_style}]") as tally:
        factory = functools.partial(
            mock_target, seed="demo", error_style=error_style, log_changes=log_changes
        )
        per_variant(profile)(round_trip_property(factory, tally))()


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

"""The lifecycle machine against the contract mock (the live run is in test_prop_live.py).

It runs on every mock variant (error style text, webapi, problem; the changes feed off
and on), the profile's examples shared out over them.
"""

from __future__ import annotations

import functools

import pytest
from hypothesis import settings as Settings
from proptarget import MOCK_VARIANTS, mock_target, per_variant, run_machine
from propunits import LifecycleMachine


@pytest.mark.parametrize(("error_style", "log_changes"), MOCK_VARIANTS)
def test_unit_lifecycle_on_the_mock(profile: Settings, error_style: str, log_changes: bool) -> None:
    factory = functools.partial(mock_target, error_style=error_style, log_changes=log_changes)
    run_machine(
        LifecycleMachine,
        factory,
        per_variant(profile),
        label=f"LifecycleMachine[mock {error_style}, feed {'on' if log_changes else 'off'}]",
    )

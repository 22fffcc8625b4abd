"""Hypothesis settings profiles of the property tests (ci, dev, nightly).

Registered from ``tests/conftest.py`` at import time: the hypothesis pytest plugin loads
``--hypothesis-profile NAME`` in ``pytest_configure``, before conftest files of
sub-directories are imported, so the names must exist by then.

Which profile the property tests use: ``--hypothesis-profile`` when given, else the
``HYPOTHESIS_PROFILE`` environment variable, else ``ci``.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

DEFAULT_PROFILE = "ci"
ENV_VAR = "HYPOTHESIS_PROFILE"

# Steps call an in-process server: timings vary with the machine's load, so no deadline,
# and slow data generation is the machines' nature, not a generator bug.
_COMMON = {
    "deadline": None,
    "print_blob": True,
    "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large],
}

PROFILES: dict[str, dict[str, object]] = {
    # The default `pytest` / `nox -s tests` run: the whole property suite stays within
    # about 90 s on 2 cores (figures in docs/property-tests.md).
    "ci": {**_COMMON, "max_examples": 75, "stateful_step_count": 30},
    # Quick local iteration.
    "dev": {**_COMMON, "max_examples": 10, "stateful_step_count": 15},
    # The long form: `nox -s tests -- --hypothesis-profile=nightly`.
    "nightly": {**_COMMON, "max_examples": 600, "stateful_step_count": 80},
}


def register_profiles() -> None:
    """Register the profiles with Hypothesis (idempotent)."""
    for name, values in PROFILES.items():
        settings.register_profile(name, **values)  # type: ignore[arg-type]


def chosen_profile(option: str | None) -> str:
    """Return the profile the property tests run with.

    Args:
        option: the value of pytest's ``--hypothesis-profile`` (None when not given).

    Returns:
        The option, else ``$HYPOTHESIS_PROFILE``, else ``ci``.

    """
    return option or os.environ.get(ENV_VAR) or DEFAULT_PROFILE

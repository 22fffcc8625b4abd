"""Property tests: profile choice, the live-server marker, and the run's figures.

The profiles themselves (``ci``, ``dev``, ``nightly``) are in propprofiles.py and are
registered by tests/conftest.py, which also declares ``--live``: both must exist before
pytest configures itself.
"""

from __future__ import annotations

import pytest
from hypothesis import settings as Settings
from propprofiles import chosen_profile
from proptarget import TALLIES, live_settings_from_env


def _profile_name(config: pytest.Config) -> str:
    return chosen_profile(config.getoption("--hypothesis-profile", None))


@pytest.fixture(scope="session")
def profile(pytestconfig: pytest.Config) -> Settings:
    """The settings the machines run with (``ci`` unless told otherwise)."""
    return Settings.get_profile(_profile_name(pytestconfig))


def pytest_runtest_setup(item: pytest.Item) -> None:
    if item.get_closest_marker("live") is None:
        return
    if not item.config.getoption("--live"):
        pytest.skip("live-server test: give --live (and set WATS_BASE_URL, WATS_AUTH_TOKEN)")
    if live_settings_from_env() is None:
        pytest.skip("--live given, but WATS_BASE_URL and WATS_AUTH_TOKEN are not both set")


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if not TALLIES:
        return
    config = terminalreporter.config
    name = _profile_name(config)
    terminalreporter.section(f"property machines (Hypothesis profile {name!r})")
    width = max(len(label) for label in TALLIES)
    for label, tally in sorted(TALLIES.items()):
        terminalreporter.write_line(
            f"{label:<{width}}  {tally.examples:6d} examples  {tally.steps:7d} steps  "
            f"{tally.seconds:7.2f} s"
        )
    terminalreporter.section("Hypothesis statistics of the property tests")
    for label, tally in sorted(TALLIES.items()):
        for stats in tally.statistics:
            terminalreporter.write_line(f"{label}:")
            for line in stats.splitlines()[1:]:
                # Hypothesis names its filtered rule draws with the whole rule list.
                terminalreporter.write_line(line if len(line) < 160 else line[:120] + " ...")

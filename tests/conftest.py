"""Suite-wide pytest setup: only what must exist before pytest configures itself.

- ``--live``: run the tests marked ``live`` against the server of ``WATS_BASE_URL`` and
  ``WATS_AUTH_TOKEN`` (the marker's handling lives in tests/property/conftest.py).
- The Hypothesis profiles of tests/property (``ci``, ``dev``, ``nightly``): the hypothesis
  plugin loads ``--hypothesis-profile`` in ``pytest_configure``, before sub-directory
  conftests are imported; ``HYPOTHESIS_PROFILE`` in the environment is loaded the same way.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path

import pytest
from hypothesis import settings


def _register_property_profiles() -> None:
    path = Path(__file__).parent / "property" / "propprofiles.py"
    module = sys.modules.get("propprofiles")
    if module is None:
        spec = importlib.util.spec_from_file_location("propprofiles", path)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules["propprofiles"] = module
        spec.loader.exec_module(module)
    module.register_profiles()


_register_property_profiles()


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--live",
        action="store_true",
        default=False,
        help="run the tests marked live against WATS_BASE_URL with WATS_AUTH_TOKEN",
    )


def pytest_configure(config: pytest.Config) -> None:
    name = os.environ.get("HYPOTHESIS_PROFILE")
    if name and not config.getoption("--hypothesis-profile", None):
        settings.load_profile(name)

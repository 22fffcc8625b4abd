"""The pytest plugin's ``wats_mock_error_style`` fixture chooses the mock's error style."""

from __future__ import annotations

import pytest

from pywats_production.mock import MockApp


def test_plugin_mock_words_errors_as_text_by_default(wats_mock: MockApp) -> None:
    assert wats_mock.error_style == "text"


@pytest.mark.parametrize("wats_mock_error_style", ["webapi", "problem"])
def test_plugin_error_style_can_be_parametrized(
    wats_mock: MockApp, wats_mock_error_style: str
) -> None:
    assert wats_mock.error_style == wats_mock_error_style

"""The SDK builds requests through the generated client's public builder only."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest

from pywats_production._core import OPERATIONS

ROOT = Path(__file__).resolve().parents[2]
# Everything hand-written that could reach into the generated client.
HAND_WRITTEN = ("pywats_production", "tests", "benchmarks", "scripts")


def test_no_private_builder_outside_the_generated_client() -> None:
    """No hand-written file names the private request helper of the generated modules.

    A private helper of generated code may change shape at the next regeneration; the
    public ``request_kwargs`` is what the templates promise.
    """
    private = "_get" + "_kwargs"  # spelled in two parts so this file does not match itself
    offenders = [
        str(path.relative_to(ROOT))
        for top in HAND_WRITTEN
        for path in sorted((ROOT / top).rglob("*.py"))
        if private in path.read_text(encoding="utf-8")
    ]
    assert offenders == []


@pytest.mark.parametrize("name", sorted(OPERATIONS))
def test_every_operation_has_the_public_builder(name: str) -> None:
    """Each operation's generated module exposes ``request_kwargs`` with its method."""
    op = OPERATIONS[name]
    module = importlib.import_module(op.module)
    assert callable(module.request_kwargs)
    assert not hasattr(module, "_get" + "_kwargs")


def test_builder_percent_encodes_path_segments() -> None:
    """A serial with a slash, a dot and a space stays one path segment."""
    from pywats_production_api.api.production import get_unit

    kwargs = get_unit.request_kwargs(serial_number="A/B .1", part_number="P")
    assert kwargs == {"method": "get", "url": "/api/Production/Unit/A%2FB%20%2E1/P"}

"""Locate and load the pinned OpenAPI contract (spec/production-api.yaml)."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from pathlib import Path
from typing import cast

import yaml

_HERE = Path(__file__).resolve().parent


def spec_path() -> Path:
    """Return the path of the pinned spec file.

    A source checkout keeps it at ``<repo>/spec/production-api.yaml``; a wheel carries a
    copy at ``pywats_production/_spec/production-api.yaml`` (force-included by pyproject).

    Returns:
        The first of those two paths that exists.

    Raises:
        FileNotFoundError: Neither exists (a broken installation).

    Example:
        >>> spec_path().name
        'production-api.yaml'

    """
    candidates = (
        _HERE.parent.parent / "spec" / "production-api.yaml",
        _HERE.parent / "_spec" / "production-api.yaml",
    )
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    searched = ", ".join(str(c) for c in candidates)
    raise FileNotFoundError(f"production-api.yaml not found (looked in {searched})")


@functools.lru_cache(maxsize=4)
def load_spec(path: Path | None = None) -> Mapping[str, object]:
    """Parse the spec once per path and return it (cached; do not mutate it).

    Args:
        path: Spec file to read; the pinned one when left out.

    Returns:
        The parsed OpenAPI document.

    """
    text = (path or spec_path()).read_text(encoding="utf-8")
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return cast("Mapping[str, object]", yaml.load(text, Loader=loader))  # noqa: S506

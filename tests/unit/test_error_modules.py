"""The error rooms: secrets, classification and the exception tree, without import cycles."""

from __future__ import annotations

import ast
from pathlib import Path

import pywats_production
from pywats_production import _classify, errors

PACKAGE = Path(pywats_production.__file__).parent


def _package_imports(module: str) -> set[str]:
    """Names of pywats_production modules that ``module`` imports (relative or absolute)."""
    tree = ast.parse((PACKAGE / f"{module}.py").read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                found.add(node.module or "")
            elif node.module and node.module.startswith("pywats_production"):
                found.add(node.module)
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("pywats_production")}
    return found


def test_secrets_and_classify_import_nothing_of_the_package():
    # errors imports them; were either to import errors (or anything that does), a cycle.
    assert _package_imports("_secrets") == set()
    assert _package_imports("_classify") == set()
    assert _package_imports("errors") == {"_classify", "_secrets"}


def test_every_reason_has_its_two_classes():
    assert set(errors._REASON_CLASSES) == _classify.REASONS
    for bad_request, conflict in errors._REASON_CLASSES.values():
        assert issubclass(bad_request, errors.BadRequestError)
        assert issubclass(conflict, errors.ConflictError)


def test_errors_reexports_the_public_helpers():
    from pywats_production import _secrets

    assert errors.sanitize_url is _secrets.sanitize_url
    assert errors.register_secret is _secrets.register_secret

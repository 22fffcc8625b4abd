"""generated/pywats_production_api is exactly what the pinned generator makes from spec/ (golden record)."""

from __future__ import annotations

import hashlib
import importlib.util
import shutil
import sys
import tomllib
from pathlib import Path
from types import ModuleType

import pytest

REPO = Path(__file__).resolve().parent.parent
COMMITTED = REPO / "generated" / "pywats_production_api"
SPEC_FILE = REPO / "spec" / "production-api.yaml"
COMMITTED_INTERNAL = REPO / "generated" / "pywats_production_internal_api"
INTERNAL_SPEC_FILE = REPO / "spec" / "production-internal-api.yaml"


def _generator_available() -> bool:
    beside = Path(sys.executable).parent / "openapi-python-client"
    return beside.exists() or shutil.which("openapi-python-client") is not None


def _load_generate_script() -> ModuleType:
    script = REPO / "scripts" / "generate.py"
    spec = importlib.util.spec_from_file_location("_wats_generate_script", script)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _files(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts
    }


def _differences(fresh_root: Path, committed_root: Path) -> list[str]:
    fresh, committed = _files(fresh_root), _files(committed_root)
    only_fresh = sorted(set(fresh) - set(committed))
    only_committed = sorted(set(committed) - set(fresh))
    changed = sorted(name for name in set(fresh) & set(committed) if fresh[name] != committed[name])
    return (
        [f"  new (not committed): {n}" for n in only_fresh]
        + [f"  stale (no longer generated): {n}" for n in only_committed]
        + [f"  differs: {n}" for n in changed]
    )


@pytest.mark.slow
def test_generated_client_matches_spec(tmp_path: Path) -> None:
    if not _generator_available():
        pytest.skip(
            "openapi-python-client is not installed: install the codegen extra "
            "(pip install -e '.[codegen]') to check the golden record"
        )
    generate = _load_generate_script().generate
    fresh_root = generate(tmp_path / "pywats_production_api")
    problems = _differences(fresh_root, COMMITTED)
    assert not problems, (
        "generated/pywats_production_api is not what spec/production-api.yaml generates:\n"
        + "\n".join(problems)
        + "\nRun `nox -s generate` and commit generated/ with the spec."
    )
    assert len(_files(fresh_root)) > 30, "the comparison saw the whole client"


def test_differences_are_reported_both_ways(tmp_path: Path) -> None:
    copy = tmp_path / "pywats_production_api"
    shutil.copytree(COMMITTED, copy, ignore=shutil.ignore_patterns("__pycache__"))
    assert _differences(copy, COMMITTED) == []
    (copy / "models" / "unit.py").write_bytes((copy / "models" / "unit.py").read_bytes() + b"\n")
    (copy / "types.py").unlink()
    (copy / "extra.py").write_text("")
    (copy / "__pycache__").mkdir(exist_ok=True)
    (copy / "__pycache__" / "ignored.pyc").write_bytes(b"x")
    assert _differences(copy, COMMITTED) == [
        "  new (not committed): extra.py",
        "  stale (no longer generated): types.py",
        "  differs: models/unit.py",
    ]


def test_meta_pins_the_spec_sha256() -> None:
    from pywats_production_api import _meta

    digest = hashlib.sha256(SPEC_FILE.read_bytes()).hexdigest()
    assert digest == _meta.SPEC_SHA256, (
        "generated/pywats_production_api/_meta.py was made from another spec: run `nox -s generate`"
    )
    assert digest[:16] in _meta.USER_AGENT
    assert f"pywats-production/{_meta.SDK_VERSION} " in _meta.USER_AGENT
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["version"] == _meta.SDK_VERSION


@pytest.mark.slow
def test_generated_internal_client_matches_internal_spec(tmp_path: Path) -> None:
    if not _generator_available():
        pytest.skip(
            "openapi-python-client is not installed: install the codegen extra "
            "(pip install -e '.[codegen]') to check the golden record"
        )
    generate = _load_generate_script().generate
    fresh_root = generate(tmp_path / "pywats_production_internal_api", internal=True)
    problems = _differences(fresh_root, COMMITTED_INTERNAL)
    assert not problems, (
        "generated/pywats_production_internal_api is not what "
        "spec/production-internal-api.yaml generates:\n"
        + "\n".join(problems)
        + "\nRun `nox -s generate` and commit generated/ with the spec."
    )
    # One module per internal operation: the comparison saw the whole client.
    assert len(list((fresh_root / "api" / "internal").glob("*.py"))) == 22


def test_internal_meta_pins_the_internal_spec_sha256() -> None:
    from pywats_production_internal_api import _meta

    digest = hashlib.sha256(INTERNAL_SPEC_FILE.read_bytes()).hexdigest()
    assert digest == _meta.SPEC_SHA256, (
        "generated/pywats_production_internal_api/_meta.py was made from another spec: "
        "run `nox -s generate`"
    )
    assert digest[:16] in _meta.USER_AGENT

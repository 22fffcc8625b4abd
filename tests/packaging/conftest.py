"""Fixtures of the packaging tests: the wheel and sdist built once, a fresh user venv."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import venv
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

# pip output that means "no index reachable", not "the wheel is broken".
_OFFLINE = (
    "NewConnectionError",
    "Temporary failure in name resolution",
    "No matching distribution found",
    "Network is unreachable",
)


def run(*argv: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run a command with a clean environment for Python (no PYTHONPATH, no MYPYPATH)."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "MYPYPATH")}
    return subprocess.run(
        [str(a) for a in argv],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=280,
    )


@pytest.fixture(scope="session")
def dist(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The wheel and the sdist of this checkout, built once per session with hatchling."""
    if importlib.util.find_spec("hatchling") is None:
        pytest.skip("hatchling is not installed (it is in the test extra)")
    out = tmp_path_factory.mktemp("dist")
    result = run(sys.executable, "-m", "hatchling", "build", "-d", out, cwd=REPO)
    assert result.returncode == 0, result.stdout + result.stderr
    (wheel,) = out.glob("*.whl")
    (sdist,) = out.glob("*.tar.gz")
    return {"wheel": wheel, "sdist": sdist}


@pytest.fixture(scope="session")
def user_venv(tmp_path_factory: pytest.TempPathFactory, dist: dict[str, Path]) -> Path:
    """A fresh virtual environment with only the wheel (and its dependencies) and mypy.

    Returns its Python. The venv is made without pip (faster); this process's pip
    installs into it (``pip --python``), from PyPI through pip's own cache.
    """
    root = tmp_path_factory.mktemp("user-venv")
    venv.EnvBuilder(with_pip=False, clear=True).create(root)
    python = root / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    result = run(
        sys.executable,
        "-m",
        "pip",
        "--python",
        python,
        "--disable-pip-version-check",
        "install",
        "--quiet",
        dist["wheel"],
        "mypy>=1.10,<2",
    )
    if result.returncode != 0 and any(s in result.stdout + result.stderr for s in _OFFLINE):
        pytest.skip(
            f"no package index reachable to install the wheel's dependencies: {result.stderr[-300:]}"
        )
    assert result.returncode == 0, result.stdout + result.stderr
    return python

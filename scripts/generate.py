"""Regenerate the low-level clients in ``generated/`` from ``spec/``.

Two clients come out of the same pipeline (pinned openapi-python-client, committed
configuration, the same custom templates): ``pywats_production_api`` from
``spec/production-api.yaml`` and ``pywats_production_internal_api`` from
``spec/production-internal-api.yaml``. Each gets a ``_meta.py`` (SDK version and its
spec's sha256, used for the User-Agent). The golden-record test calls :func:`generate`
into a temporary folder and compares the result byte for byte with the committed tree.

Usage: ``python scripts/generate.py [OUTPUT_DIR]`` regenerates both clients (with
OUTPUT_DIR: the public one only, there); ``python scripts/generate.py --internal OUTPUT_DIR``
the internal one only.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "spec" / "production-api.yaml"
CONFIG = ROOT / "openapi-generator.yaml"
TEMPLATES = ROOT / "templates"
DEFAULT_OUTPUT = ROOT / "generated" / "pywats_production_api"
INTERNAL_SPEC = ROOT / "spec" / "production-internal-api.yaml"
INTERNAL_CONFIG = ROOT / "openapi-generator-internal.yaml"
INTERNAL_OUTPUT = ROOT / "generated" / "pywats_production_internal_api"


def spec_sha256(spec: Path = SPEC) -> str:
    """Return the sha256 of a pinned spec file (the public one by default), hex encoded."""
    return hashlib.sha256(spec.read_bytes()).hexdigest()


def sdk_version() -> str:
    """Return the version of pywats-production from pyproject.toml."""
    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return str(data["project"]["version"])


META = '''"""Build facts of this generated client, written by scripts/generate.py. Do not edit."""

SDK_VERSION = "{version}"
SPEC_SHA256 = "{sha}"
USER_AGENT = f"pywats-production/{{SDK_VERSION}} (spec sha256:{{SPEC_SHA256[:16]}})"
DEFAULT_HEADERS = {{"Accept": "application/json", "User-Agent": USER_AGENT}}
'''


def _tool(name: str) -> str:
    # Prefer the tool installed beside this interpreter (the nox session's venv).
    candidate = Path(sys.executable).parent / name
    return str(candidate) if candidate.exists() else name


def generate(
    output: Path = DEFAULT_OUTPUT, spec: Path | None = None, *, internal: bool = False
) -> Path:
    """Generate a client into ``output`` (replaced whole) and return it.

    ``internal=True`` generates the internal client from the internal contract; ``spec``
    replaces the contract file (a test passes an edited copy).
    """
    default_spec, config = (INTERNAL_SPEC, INTERNAL_CONFIG) if internal else (SPEC, CONFIG)
    spec = default_spec if spec is None else spec
    output = output.resolve()
    if output.exists():
        shutil.rmtree(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            _tool("openapi-python-client"),
            "generate",
            "--path",
            str(spec.resolve()),
            "--config",
            str(config),
            "--custom-template-path",
            str(TEMPLATES),
            "--meta",
            "none",
            "--output-path",
            str(output),
            "--fail-on-warning",
            "--overwrite",
        ],
        check=True,
        cwd=output.parent,
        env=_env(),
    )
    (output / "_meta.py").write_text(
        META.format(version=sdk_version(), sha=spec_sha256(spec)), encoding="utf-8"
    )
    (output / "py.typed").write_text("", encoding="utf-8")
    shutil.rmtree(output / ".ruff_cache", ignore_errors=True)
    return output


def _env() -> dict[str, str]:
    import os

    env = dict(os.environ)
    # post_hooks call ruff by name: make the pinned one in this venv win.
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    env["RUFF_NO_CACHE"] = "true"
    return env


if __name__ == "__main__":
    args = sys.argv[1:]
    if args[:1] == ["--internal"]:
        target = Path(args[1]) if len(args) > 1 else INTERNAL_OUTPUT
        print(f"generated {generate(target, internal=True)}")
    elif args:
        print(f"generated {generate(Path(args[0]))}")
    else:
        print(f"generated {generate(DEFAULT_OUTPUT)}")
        print(f"generated {generate(INTERNAL_OUTPUT, internal=True)}")

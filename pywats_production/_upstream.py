"""Where the pinned spec and the server's published OpenAPI documents are found.

The published documents are reference data owned by Virinco; the project never copies
them. They are read where they lie: ``../shared/wats-openapi/`` beside the repository, or
wherever the environment variable ``WATS_UPSTREAM_OPENAPI`` points (a file or a folder).
Tests and the conformance check skip with :data:`HOW_TO_GIVE_UPSTREAM` when none is found.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

__all__ = [
    "DEFAULT_UPSTREAM_DIR",
    "DEFAULT_UPSTREAM_FILES",
    "ENV_VAR",
    "HOW_TO_GIVE_INTERNAL_UPSTREAM",
    "HOW_TO_GIVE_UPSTREAM",
    "INTERNAL_UPSTREAM_FILE",
    "UpstreamNotFoundError",
    "default_internal_upstream_sources",
    "default_upstream_sources",
    "internal_spec_path",
    "spec_path",
]

ENV_VAR = "WATS_UPSTREAM_OPENAPI"
"""Environment variable naming an upstream document or a folder holding some."""

DEFAULT_UPSTREAM_FILES = ("openapi_public_v3.json", "openapi_public_swagger2.json")
"""The public documents checked by default, OpenAPI 3.0 first, then Swagger 2.0."""

_PACKAGE_DIR = Path(__file__).resolve().parent
_REPO_ROOT = _PACKAGE_DIR.parent

DEFAULT_UPSTREAM_DIR = _REPO_ROOT.parent / "shared" / "wats-openapi"
"""``../shared/wats-openapi/`` relative to the repository root (absent in a wheel install)."""

HOW_TO_GIVE_UPSTREAM = (
    "give the server's published OpenAPI document as a path or an http(s) URL "
    "(`nox -s spec_check -- https://yourserver/swagger/docs/v1` or "
    "`python -m pywats_production.spec_check PATH_OR_URL`), or set "
    f"{ENV_VAR} to a file or a folder holding "
    f"{' / '.join(DEFAULT_UPSTREAM_FILES)}"
)
"""What to tell a user when no upstream document is available."""


INTERNAL_UPSTREAM_FILE = "openapi_internal_v3.json"
"""The server's published internal document, checked against the internal contract."""

HOW_TO_GIVE_INTERNAL_UPSTREAM = (
    "give the server's published internal OpenAPI document as a path or an http(s) URL "
    "(`python -m pywats_production.spec_check --internal PATH_OR_URL`), or set "
    f"{ENV_VAR} to a folder holding {INTERNAL_UPSTREAM_FILE}"
)
"""What to tell a user when no internal document is available."""


class UpstreamNotFoundError(FileNotFoundError):
    """``WATS_UPSTREAM_OPENAPI`` names something that does not exist or holds no document."""


def spec_path() -> Path:
    """Return the path of the pinned contract ``production-api.yaml``.

    The repository's ``spec/`` is preferred; an installed wheel carries a copy in
    ``pywats_production/_spec/``.

    Returns:
        The path of the spec file (it may not exist in a broken install).

    Example:
        >>> spec_path().name
        'production-api.yaml'

    """
    in_repo = _REPO_ROOT / "spec" / "production-api.yaml"
    if in_repo.is_file():
        return in_repo
    return _PACKAGE_DIR / "_spec" / "production-api.yaml"


def internal_spec_path() -> Path:
    """Return the path of the internal contract ``production-internal-api.yaml``.

    Returns:
        The repository's ``spec/`` copy when present, else the wheel's.

    Example:
        >>> internal_spec_path().name
        'production-internal-api.yaml'

    """
    in_repo = _REPO_ROOT / "spec" / "production-internal-api.yaml"
    if in_repo.is_file():
        return in_repo
    return _PACKAGE_DIR / "_spec" / "production-internal-api.yaml"


def default_internal_upstream_sources(
    environ: Mapping[str, str] | None = None, default_dir: Path | None = None
) -> list[Path]:
    """Return the internal document to check when none is given explicitly.

    ``WATS_UPSTREAM_OPENAPI`` wins when set: a file is used as it is, a folder must hold
    ``openapi_internal_v3.json``. Otherwise ``../shared/wats-openapi/`` is looked in.

    Args:
        environ: Environment to read (default: ``os.environ``).
        default_dir: Folder to look in when the variable is unset.

    Returns:
        The path of the internal document, or an empty list when there is none.

    Raises:
        UpstreamNotFoundError: The variable names nothing that exists.

    Example:
        >>> default_internal_upstream_sources({}, Path("/nonexistent"))
        []

    """
    env = os.environ if environ is None else environ
    named = env.get(ENV_VAR, "").strip()
    if named:
        target = Path(named).expanduser()
        if target.is_file():
            return [target]
        if not target.is_dir():
            raise UpstreamNotFoundError(f"{ENV_VAR}={named}: no such file or folder")
        folder = target
    else:
        folder = DEFAULT_UPSTREAM_DIR if default_dir is None else default_dir
    candidate = folder / INTERNAL_UPSTREAM_FILE
    return [candidate] if candidate.is_file() else []


def _documents_in(folder: Path) -> list[Path]:
    known = [folder / name for name in DEFAULT_UPSTREAM_FILES if (folder / name).is_file()]
    if known:
        return known
    # A folder of another server's documents: take every JSON or YAML file in it.
    return sorted(
        p for p in folder.iterdir() if p.is_file() and p.suffix in {".json", ".yaml", ".yml"}
    )


def default_upstream_sources(
    environ: Mapping[str, str] | None = None, default_dir: Path | None = None
) -> list[Path]:
    """Return the upstream documents to check when none is given explicitly.

    ``WATS_UPSTREAM_OPENAPI`` wins when set (a file, or a folder whose known documents,
    else all JSON/YAML files, are used). Otherwise the known documents in
    ``../shared/wats-openapi/`` are used when present.

    Args:
        environ: Environment to read (default: ``os.environ``).
        default_dir: Folder to look in when the variable is unset (default:
            :data:`DEFAULT_UPSTREAM_DIR`).

    Returns:
        Paths of existing documents; empty when the variable is unset and the default
        folder has none.

    Raises:
        UpstreamNotFoundError: The variable is set but names nothing usable (an explicit
            request that cannot be met is an error, not a skip).

    Example:
        >>> default_upstream_sources({"WATS_UPSTREAM_OPENAPI": ""}, Path("/nonexistent"))
        []

    """
    env = os.environ if environ is None else environ
    named = env.get(ENV_VAR, "").strip()
    if named:
        target = Path(named).expanduser()
        if target.is_file():
            return [target]
        if target.is_dir():
            found = _documents_in(target)
            if found:
                return found
            raise UpstreamNotFoundError(f"{ENV_VAR}={named}: the folder holds no JSON/YAML file")
        raise UpstreamNotFoundError(f"{ENV_VAR}={named}: no such file or folder")
    folder = DEFAULT_UPSTREAM_DIR if default_dir is None else default_dir
    if not folder.is_dir():
        return []
    return [folder / name for name in DEFAULT_UPSTREAM_FILES if (folder / name).is_file()]

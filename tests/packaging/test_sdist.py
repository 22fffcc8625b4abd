"""The sdist carries what its own test suite reads; both distributions carry the metadata.

The full check (unpack the sdist, run its suite) is slow and was run by hand; this test
is its cheap stand-in: every file tracked in git is in the sdist, except the few listed
in NOT_SHIPPED with the reason. A new file the tests read is caught here as soon as it is
committed; if it must not ship, add it to NOT_SHIPPED and say why.
"""

from __future__ import annotations

import email.parser
import shutil
import tarfile
import zipfile
from pathlib import Path

import pytest
from conftest import REPO, run

pytestmark = pytest.mark.slow

# Tracked files the sdist leaves out, and why (no test reads them).
NOT_SHIPPED = {".gitattributes": "git's own line-ending settings"}
# What the suite reads outside tests/ and the packages: checked even without git.
READ_BY_TESTS = [
    "README.md",
    "LICENSE",
    "mkdocs.yml",
    "noxfile.py",
    "pyproject.toml",
    "openapi-generator.yaml",
    ".ci/run",
    "docs/index.md",
    "docs/cli.md",
    "docs/migrating-from-pywats.md",
    "benchmarks/__main__.py",
    "spec/README.md",
    "spec/production-api.yaml",
    "scripts/unasync.py",
    "scripts/generate.py",
    "scripts/mkdocs_hooks.py",
    "scripts/griffe_docstrings.py",
    "templates/client.py.jinja",
    "pywats_production/mock/seeds/example.yaml",
    "tests/packaging/programs/bad_program.py",
]


def sdist_members(sdist: Path) -> set[str]:
    with tarfile.open(sdist) as archive:
        names = [m.name for m in archive.getmembers() if m.isfile()]
    prefix = names[0].split("/", 1)[0] + "/"
    assert all(n.startswith(prefix) for n in names)
    return {n[len(prefix) :] for n in names}


def tracked_files() -> set[str] | None:
    git = shutil.which("git")
    if git is None or not (REPO / ".git").exists():
        return None  # an unpacked sdist: nothing to compare with
    result = run(git, "ls-files", cwd=REPO)
    assert result.returncode == 0, result.stderr
    return set(result.stdout.splitlines())


def test_the_sdist_holds_every_file_the_tests_read(dist: dict[str, Path]) -> None:
    members = sdist_members(dist["sdist"])
    assert sorted(set(READ_BY_TESTS) - members) == []
    assert any(m.startswith("docs/reference/") for m in members)
    tracked = tracked_files()
    if tracked is not None:
        assert sorted(tracked - members - set(NOT_SHIPPED)) == []
        assert set(NOT_SHIPPED) <= tracked  # the exceptions are real files


def _metadata(text: str) -> email.message.Message:
    return email.parser.Parser().parsestr(text)


def test_both_distributions_carry_license_urls_and_classifiers(dist: dict[str, Path]) -> None:
    with tarfile.open(dist["sdist"]) as archive:
        member = next(m for m in archive.getmembers() if m.name.endswith("/PKG-INFO"))
        handle = archive.extractfile(member)
        assert handle is not None
        sdist_meta = _metadata(handle.read().decode())
    with zipfile.ZipFile(dist["wheel"]) as wheel:
        names = wheel.namelist()
        (meta_name,) = [n for n in names if n.endswith(".dist-info/METADATA")]
        wheel_meta = _metadata(wheel.read(meta_name).decode())
        assert "pywats_production/py.typed" in names
        assert "pywats_production_api/py.typed" in names
        assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names)
        license_text = (REPO / "LICENSE").read_text(encoding="utf-8")
        assert license_text.startswith("MIT License")
    for meta in (sdist_meta, wheel_meta):
        assert meta["License-Expression"] == "MIT"
        classifiers = meta.get_all("Classifier") or []
        assert "Typing :: Typed" in classifiers
        assert "Programming Language :: Python :: 3.11" in classifiers
        urls = meta.get_all("Project-URL") or []
        assert urls
        assert all(u.split(", ", 1)[1].startswith("https://") for u in urls)

"""Every task of pywats-production. `nox` alone runs the checks CI runs."""

from __future__ import annotations

import nox

nox.options.default_venv_backend = "venv"
nox.options.reuse_existing_virtualenvs = True
nox.options.sessions = ["lint", "typecheck", "tests"]

PYTHON = "3.11"
LINTED = ("pywats_production", "tests", "scripts", "benchmarks", "noxfile.py")


def _install(session: nox.Session, extras: str = "test") -> None:
    session.install("-e", f".[{extras}]")


@nox.session(python=PYTHON)
def generate(session: nox.Session) -> None:
    """Regenerate both generated clients (public and internal) from spec/ with templates/."""
    _install(session, "codegen")
    session.run("python", "scripts/generate.py", *session.posargs)


@nox.session(python=PYTHON)
def lint(session: nox.Session) -> None:
    """Ruff on everything that is not generated."""
    session.install("ruff==0.16.10")
    session.run("ruff", "check", *LINTED)
    session.run("ruff", "format", "--check", *LINTED)
    # The generated client is formatted by the generator's own post-hooks; hold it to the
    # correctness rules (not our docstring style, nor line length of its docstrings).
    session.run(
        "ruff", "check", "--isolated", "--select", "E,F,W,I,UP", "--ignore", "E501", "generated"
    )


@nox.session(python=PYTHON)
def typecheck(session: nox.Session) -> None:
    """mypy --strict on the SDK and on the generated client."""
    _install(session)
    session.install("mypy>=1.10", "types-PyYAML", "types-defusedxml")
    session.run("mypy", "--strict")


@nox.session(python=PYTHON)
def tests(session: nox.Session) -> None:
    """The whole test suite (Hypothesis profile `ci` unless told otherwise)."""
    _install(session)
    session.run("pytest", *session.posargs)


@nox.session(python=PYTHON)
def spec_check(session: nox.Session) -> None:
    """Compare spec/ with a server's published document: `nox -s spec_check -- [PATH|URL]`."""
    _install(session)
    session.run("python", "-m", "pywats_production.spec_check", *session.posargs)
    if not session.posargs:
        # The internal contract against the server's internal document, the same way.
        session.run("python", "-m", "pywats_production.spec_check", "--internal")


@nox.session(python=PYTHON)
def contract(session: nox.Session) -> None:
    """Schemathesis against the contract mock, all checks, unbounded by default."""
    _install(session)
    session.run("python", "-m", "pywats_production.mock.contract", *session.posargs)
    if not session.posargs:
        session.run("python", "-m", "pywats_production.mock.contract", "--internal")


@nox.session(python=PYTHON)
def mock(session: nox.Session) -> None:
    """Serve the contract mock: `nox -s mock -- --port 8765 --seed demo`."""
    _install(session, "mock")
    session.run("python", "-m", "pywats_production.mock", *session.posargs)


@nox.session(python=PYTHON)
def demo(session: nox.Session) -> None:
    """Run the factory demo on the embedded contract mock."""
    _install(session, "mock")
    session.run("wats-production", "demo", *session.posargs)


@nox.session(python=PYTHON)
def bench(session: nox.Session) -> None:
    """Benchmarks, as ratios to baselines measured in the same run."""
    _install(session)
    session.install("pywats-api==0.6.0rc1")
    session.run("python", "-m", "benchmarks", *session.posargs)


@nox.session(python=PYTHON)
def docs(session: nox.Session) -> None:
    """Build the documentation with mkdocs (warnings are errors)."""
    _install(session)
    session.install("mkdocs>=1.6,<2", "mkdocstrings[python]>=0.26")
    session.run("mkdocs", "build", "--strict")


@nox.session(python=PYTHON)
def audit(session: nox.Session) -> None:
    """pip-audit on the installed dependencies."""
    _install(session)
    session.install("pip-audit")
    session.run("pip-audit", "--skip-editable")

"""`wats-production version`, parsing, exit codes."""

from __future__ import annotations

import json

import pytest
from clihelpers import Cli

from pywats_production import (
    AmbiguousOutcomeError,
    AuthenticationError,
    ChildAlreadyHasParentError,
    ConflictError,
    InvalidPhaseError,
    NotFoundError,
    NotLinkedError,
    PermissionDeniedError,
    RateLimitedError,
    ServerError,
    WatsConnectionError,
    WatsResponseError,
    WatsTimeoutError,
    __version__,
)
from pywats_production.cli import CliError, ExitCode, build_parser, run
from pywats_production.cli._exit import exit_code_for
from pywats_production.compat import spec_sha256


def test_version_human_and_json(cli: Cli) -> None:
    human = cli("version")
    doc = cli("version", "--json")

    assert human.code == doc.code == 0
    assert human.out.splitlines()[0] == "server version  2026.3.0"
    assert human.out.splitlines()[1].startswith("compatibility   matches: ")
    assert f"spec sha256 {spec_sha256()[:16]}" in human.out
    data = json.loads(doc.out)
    assert data["server_version"] == "2026.3.0"
    assert data["server_version_parts"] == [2026, 3, 0]
    assert data["sdk_version"] == __version__
    assert data["spec_sha256"] == spec_sha256()
    assert data["compatibility"] == "matches"
    assert "within the 2026.3 line the SDK knows" in data["reason"]


def test_version_without_a_server(cli: Cli, closed_port_url: str) -> None:
    result = cli("version", "--retries", "1", env={"WATS_BASE_URL": closed_port_url})

    assert result.code == ExitCode.CONNECTION


def test_help_version_and_usage_errors(capsys: pytest.CaptureFixture[str]) -> None:
    import io

    out, err = io.StringIO(), io.StringIO()
    assert run(["--help"], out=out, err=err, environ={}) == 0
    assert "demo" in out.getvalue() and "exit status: 0 ok" in out.getvalue()
    out = io.StringIO()
    assert run(["--version"], out=out, err=err, environ={}) == 0
    assert out.getvalue() == f"wats-production {__version__}\n"
    err = io.StringIO()
    assert run(["frobnicate"], out=out, err=err, environ={}) == 2
    assert "invalid choice: 'frobnicate'" in err.getvalue()
    err = io.StringIO()
    assert run(["unit", "get", "only-one"], out=out, err=err, environ={}) == 2
    assert "the following arguments are required: PN" in err.getvalue()
    err = io.StringIO()
    assert (
        run(
            ["unit", "get", "S", "P", "--retries", "0"],
            out=out,
            err=err,
            environ={"WATS_BASE_URL": "http://x"},
        )
        == 2
    )
    assert "--retries must be at least 1" in err.getvalue()


def test_parser_handlers() -> None:
    parser = build_parser()
    cases = {
        ("demo",): "demo",
        ("mock", "--port", "0"): "mock",
        ("unit", "set-phase", "S", "P", "16"): "unit_set_phase",
        ("serials", "upload", "T", "f.csv"): "serials_upload",
        ("assembly", "remove", "a", "b", "c", "d"): "assembly_remove",
        ("changes", "consume", "--exec", "true"): "changes_consume",
        ("version",): "version",
    }
    for argv, handler in cases.items():
        assert parser.parse_args(list(argv)).handler == handler
    assert parser.parse_args(["mock", "--port", "0", "--seed", "empty"]).mock_args == [
        "--port",
        "0",
        "--seed",
        "empty",
    ]


def _api(cls: type, status: int) -> Exception:
    return cls(status=status, method="GET", url="http://h/api/x")


@pytest.mark.parametrize(
    ("error", "code"),
    [
        (InvalidPhaseError("unknown phase"), ExitCode.USAGE),
        (CliError("bad option"), ExitCode.USAGE),
        (_api(NotFoundError, 404), ExitCode.NOT_FOUND),
        (_api(ConflictError, 409), ExitCode.REFUSED),
        (_api(ChildAlreadyHasParentError, 409), ExitCode.REFUSED),
        (_api(NotLinkedError, 400), ExitCode.REFUSED),
        (_api(AuthenticationError, 401), ExitCode.AUTH),
        (_api(PermissionDeniedError, 403), ExitCode.AUTH),
        (_api(RateLimitedError, 429), ExitCode.ERROR),
        (_api(ServerError, 503), ExitCode.ERROR),
        (WatsConnectionError("refused", method="GET", url="http://h"), ExitCode.CONNECTION),
        (WatsTimeoutError("slow", method="GET", url="http://h"), ExitCode.CONNECTION),
        (AmbiguousOutcomeError("lost", operation="takeSerialNumbers"), ExitCode.AMBIGUOUS),
        (WatsResponseError("unreadable"), ExitCode.ERROR),
        (RuntimeError("other"), ExitCode.ERROR),
    ],
)
def test_exit_codes(error: Exception, code: ExitCode) -> None:
    assert exit_code_for(error) == code


def test_exit_codes_are_distinct_and_documented() -> None:
    import io

    values = [int(c) for c in ExitCode]
    assert len(set(values)) == len(values) == 13
    out = io.StringIO()
    run(["--help"], out=out, err=io.StringIO(), environ={})
    text = " ".join(out.getvalue().split())
    for phrase in (
        "0 ok",
        "1 other error",
        "2 usage or bad input",
        "3 not found",
        "4 refused",
        "5 not authorized",
        "6 no answer",
        "7 outcome unknown",
        "8 the --exec command failed",
        "9 a check failed",
        "10 the URL is not a WATS API",
        "11 the mock cannot listen",
        "12 the pool has fewer free numbers than asked",
    ):
        assert phrase in text

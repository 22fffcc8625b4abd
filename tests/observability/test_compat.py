"""check_compatibility: the rule, the pins it compares with, and the service method."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
import yaml
from obshelpers import Script, json_response

import pywats_production as wp
from pywats_production import compat
from pywats_production.compat import Compatibility, compare

pytestmark = pytest.mark.anyio

SPEC = Path(__file__).resolve().parents[2] / "spec" / "production-api.yaml"


def v(text: str) -> wp.ServerVersion:
    return wp.ServerVersion.parse(text)


def test_pins_are_those_of_the_spec_file() -> None:
    info = yaml.safe_load(SPEC.read_text(encoding="utf-8"))["info"]
    assert str(info["version"]) == compat.SPEC_INFO_VERSION
    assert str(info["x-wats-server-api-version"]) == compat.SPEC_SERVER_API_VERSION
    assert compat.spec_sha256() == hashlib.sha256(SPEC.read_bytes()).hexdigest()


@pytest.mark.parametrize(
    ("text", "checked", "status"),
    [
        ("24.2.1.55", ("24.2",), Compatibility.MATCHES),
        ("24.2", ("24.2",), Compatibility.MATCHES),
        ("WATS 2024.2 build 7", ("2024.2",), Compatibility.MATCHES),
        ("24.2.1", ("23.1", "24"), Compatibility.MATCHES),
        ("24.20.1", ("24.2",), Compatibility.DIFFERS),
        ("25.1.0", ("24.2",), Compatibility.DIFFERS),
        ("24", ("24.2",), Compatibility.DIFFERS),
        ("24.2.0", (), Compatibility.UNKNOWN),
        ("nightly", ("24.2",), Compatibility.UNKNOWN),
        ("v1", (), Compatibility.MATCHES),
        ("V1", ("24.2",), Compatibility.MATCHES),
        ("v2", (), Compatibility.DIFFERS),
    ],
)
def test_rule(text: str, checked: tuple[str, ...], status: Compatibility) -> None:
    report = compare(v(text), checked_versions=checked)
    assert report.status is status
    assert report.compatible is (status is Compatibility.MATCHES)
    assert report.server_text == text
    assert report.checked_versions == checked
    assert report.spec_sha256 == compat.spec_sha256()
    assert report.reason
    assert status.value in str(report)
    assert repr(text) in str(report)


def test_differs_names_the_checked_versions() -> None:
    report = compare(v("25.1"), checked_versions=["24.2", "24.3"])
    assert "24.2, 24.3" in report.reason


def test_nothing_checked_is_unknown() -> None:
    report = compare(v("2026.3.0"), checked_versions=())
    assert report.status is Compatibility.UNKNOWN
    assert "not been checked" in report.reason
    assert report.server_line is None


@pytest.mark.parametrize(
    ("text", "status", "line", "words"),
    [
        ("2026.3.0", Compatibility.MATCHES, "2026.3", "within the 2026.3 line"),
        ("2026.3.1.12", Compatibility.MATCHES, "2026.3", "pywats-api 0.6.0rc1"),
        ("2025.3.9.824", Compatibility.MATCHES, "published", "published OpenAPI documents"),
        ("2026.1.5.324", Compatibility.DIFFERS, None, "between the lines the SDK knows"),
        ("2026.30", Compatibility.DIFFERS, None, "newer than every line"),
        ("2027.1", Compatibility.DIFFERS, None, "newer than every line"),
        ("2024.2", Compatibility.DIFFERS, None, "older than every line"),
    ],
)
def test_default_answers_from_the_lines_the_sdk_knows(
    text: str, status: Compatibility, line: str | None, words: str
) -> None:
    # No constant to edit in the installed package: the SDK's known lines answer.
    assert compat.CHECKED_SERVER_VERSIONS == ()
    assert [x.version for x in compat.KNOWN_SERVER_LINES] == ["2025.3", "2026.3"]
    report = compare(v(text))
    assert report.status is status
    assert (report.server_line.name if report.server_line else None) == line
    assert words in report.reason
    assert report.checked_versions == ("2025.3", "2026.3")
    if status is Compatibility.DIFFERS:
        assert "2025.3 (published), 2026.3 (2026.3)" in report.reason


def test_no_version_is_unknown_with_the_error() -> None:
    report = compare(None, error="connection refused")
    assert report.status is Compatibility.UNKNOWN
    assert report.error == "connection refused"
    assert "connection refused" in report.reason
    assert report.server_text is None
    assert "no version" in str(report)


@pytest.mark.parametrize("bad", ["24.x", "", "v1", "24..2"])
def test_checked_versions_must_be_dotted_numbers(bad: str) -> None:
    with pytest.raises(ValueError, match="dotted numbers"):
        compare(v("24.2"), checked_versions=[bad])


# ---------------------------------------------------------------- against the mock


def test_against_the_contract_mock(wats_service: wp.ProductionService) -> None:
    from pywats_production.mock import SERVER_VERSION

    report = wats_service.check_compatibility()
    assert report.status is Compatibility.MATCHES
    assert report.server_text == SERVER_VERSION == "2026.3.0"
    assert report.server_line is not None and report.server_line.version == "2026.3"
    prefix = ".".join(str(p) for p in report.server_version.parts[:2])  # type: ignore[union-attr]
    assert wats_service.check_compatibility(checked_versions=[prefix]).compatible
    assert wats_service.is_connected() is True


async def test_against_the_contract_mock_async(
    wats_async_service: wp.AsyncProductionService,
) -> None:
    report = await wats_async_service.check_compatibility(checked_versions=["1"])
    assert report.status is Compatibility.DIFFERS
    assert await wats_async_service.is_connected() is True


# ------------------------------------------------------------- other version answers


@pytest.mark.parametrize(
    ("answer", "text"),
    [
        (json_response(200, "25.1.3"), "25.1.3"),
        (json_response(200, {"version": "25.1.3", "build": 7}), "25.1.3"),
        (json_response(200, {"Version": "25.1.3"}), "25.1.3"),
        (httpx.Response(200, text="25.1.3", headers={"content-type": "text/plain"}), "25.1.3"),
        (
            httpx.Response(200, text=' "25.1.3" \n', headers={"content-type": "text/plain"}),
            "25.1.3",
        ),
    ],
)
def test_other_versions_differ(
    script: Script,
    make_sync: Callable[..., wp.ProductionService],
    answer: httpx.Response,
    text: str,
) -> None:
    script.add(answer)
    report = make_sync().check_compatibility(checked_versions=["24.2"])
    assert report.status is Compatibility.DIFFERS
    assert report.server_text == text
    assert script.requests[0].url.path == "/api/App/Version"


def test_an_unknown_object_keeps_its_raw_text(
    script: Script, make_sync: Callable[..., wp.ProductionService]
) -> None:
    script.add(json_response(200, {"release": "24.2.7"}))
    report = make_sync().check_compatibility(checked_versions=["24.2"])
    assert report.status is Compatibility.MATCHES
    assert report.server_text == '{"release": "24.2.7"}'


@pytest.mark.parametrize(
    "answers",
    [
        [json_response(500, {"title": "down"})] * 3,
        [httpx.ConnectError("refused")] * 3,
        [json_response(401, {"title": "Unauthorized"})],
        [httpx.Response(200)],
    ],
)
def test_cannot_tell_is_unknown_and_does_not_raise(
    script: Script, make_sync: Callable[..., wp.ProductionService], answers: list[object]
) -> None:
    script.add(*answers)  # type: ignore[arg-type]
    report = make_sync().check_compatibility(checked_versions=["24.2"])
    assert report.status is Compatibility.UNKNOWN
    assert report.server_version is None
    assert report.error
    assert report.error in report.reason


def test_is_connected_false_without_raising(
    script: Script, make_sync: Callable[..., wp.ProductionService]
) -> None:
    script.add(httpx.ConnectError("refused"), json_response(401, {"title": "no"}))
    service = make_sync()
    assert service.is_connected() is False
    assert service.is_connected() is False
    assert len(script.requests) == 2  # one attempt each, no retries

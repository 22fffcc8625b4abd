"""`wats-production unit ...` against the mock over loopback, with its error paths."""

from __future__ import annotations

import json
import re

import pytest
from clihelpers import TOKEN, Cli, seed_units

from pywats_production import ProductionService, UnitPhase
from pywats_production.cli import ExitCode
from pywats_production.mock import MockAdmin

BOARD = {"serialNumber": "PCB-1", "partNumber": "PCBA-100", "revision": "A", "unitPhaseId": 16}
BOX = {"serialNumber": "BOX-1", "partNumber": "BOX-900", "revision": "A", "unitPhaseId": 2}


def test_get_shows_the_unit_and_its_sub_units(
    cli: Cli, admin: MockAdmin, sdk: ProductionService
) -> None:
    seed_units(admin, [BOARD, BOX])
    sdk.add_child_unit("BOX-1", "BOX-900", "PCB-1", "PCBA-100")

    result = cli("unit", "get", "BOX-1", "BOX-900")

    assert result.code == ExitCode.OK, result.err
    lines = result.out.splitlines()
    assert lines[0].split() == ["serial", "number", "BOX-1"]
    assert "phase          Under production (2)" in result.out
    assert "product        Boxed product" in result.out
    assert "sub-units      1" in result.out
    # the sub-unit table
    assert any(line.split() == ["PCB-1", "PCBA-100", "A", "Finalized", "(16)"] for line in lines)
    assert result.err == ""


def test_get_json_is_one_document_with_snake_case_fields(cli: Cli, admin: MockAdmin) -> None:
    seed_units(admin, [BOARD])

    result = cli("unit", "get", "PCB-1", "PCBA-100", "--json")

    assert result.code == 0
    doc = json.loads(result.out)
    assert doc["serial_number"] == "PCB-1"
    assert doc["part_number"] == "PCBA-100"
    assert doc["phase"] == 16
    assert doc["phase_name"] == "Finalized"
    assert doc["product"]["part_number"] == "PCBA-100"
    assert doc["sub_units"] == []


def test_options_may_come_before_the_command(cli: Cli, admin: MockAdmin) -> None:
    seed_units(admin, [BOARD])

    result = cli(
        "--json",
        "--base-url",
        cli.url,
        "unit",
        "get",
        "PCB-1",
        "PCBA-100",
        env={"WATS_AUTH_TOKEN": TOKEN},
    )

    assert result.code == 0, result.err
    assert json.loads(result.out)["serial_number"] == "PCB-1"


def test_hostile_serial_numbers_reach_exactly_that_unit(cli: Cli, admin: MockAdmin) -> None:
    seed_units(admin, [{"serialNumber": "a/b?c#d %2F", "partNumber": "PCBA-100"}])

    result = cli("unit", "get", "a/b?c#d %2F", "PCBA-100", "--json")

    assert result.code == 0, result.err
    assert json.loads(result.out)["serial_number"] == "a/b?c#d %2F"


def test_unknown_unit_is_not_found_with_exit_3(cli: Cli) -> None:
    result = cli("unit", "get", "NOPE-1", "PCBA-100")

    assert result.code == ExitCode.NOT_FOUND == 3
    assert result.out == ""
    lines = result.err.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(
        "wats-production: not found: 404 Not Found: GET /api/Production/Unit/NOPE-1/PCBA-100"
    )
    assert "unit_not_found" in lines[0]


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("Under production", UnitPhase.UNDER_PRODUCTION),
        ("finalized", UnitPhase.FINALIZED),
        ("IN_PRODUCTION_QUEUE", UnitPhase.IN_PRODUCTION_QUEUE),
        ("2048", UnitPhase.SHIPPED),
    ],
)
def test_set_phase_by_name_or_number(
    cli: Cli, admin: MockAdmin, sdk: ProductionService, given: str, expected: UnitPhase
) -> None:
    seed_units(admin, [{"serialNumber": "S1", "partNumber": "PCBA-100", "unitPhaseId": 1}])

    result = cli("unit", "set-phase", "S1", "PCBA-100", given)

    assert result.code == 0, result.err
    assert result.out == f"S1 PCBA-100: phase set to {expected.label} ({int(expected)})\n"
    assert sdk.get_unit("S1", "PCBA-100").phase == expected


def test_set_phase_json(cli: Cli, admin: MockAdmin) -> None:
    seed_units(admin, [{"serialNumber": "S1", "partNumber": "PCBA-100"}])

    result = cli("unit", "set-phase", "S1", "PCBA-100", "Shipped", "--json")

    assert json.loads(result.out) == {
        "serial_number": "S1",
        "part_number": "PCBA-100",
        "phase": 2048,
        "phase_name": "Shipped",
    }


def test_bad_phase_name_is_refused_before_anything_is_sent(cli: Cli, closed_port_url: str) -> None:
    # The server address is a closed port: exit 2 (not 6) proves no request was tried.
    result = cli(
        "unit", "set-phase", "S1", "PCBA-100", "Almost done", env={"WATS_BASE_URL": closed_port_url}
    )

    assert result.code == ExitCode.USAGE == 2
    assert result.out == ""
    assert result.err.startswith(
        "wats-production: bad input: unknown phase 'Almost done'; valid names: UNKNOWN (1), "
    )
    assert result.err.count("\n") == 1


def test_set_process_and_unknown_process(
    cli: Cli, admin: MockAdmin, sdk: ProductionService
) -> None:
    seed_units(admin, [{"serialNumber": "S1", "partNumber": "PCBA-100"}])

    ok = cli("unit", "set-process", "S1", "PCBA-100", "FCT")
    refused = cli("unit", "set-process", "S1", "PCBA-100", "Paint")

    assert ok.code == 0 and ok.out == "S1 PCBA-100: process set to FCT\n"
    assert sdk.get_unit("S1", "PCBA-100").process_code == "20"
    assert refused.code == ExitCode.REFUSED == 4
    assert refused.err.startswith(
        "wats-production: refused: 400 Bad Request: PUT /api/Production/SetUnitProcess"
    )
    assert "process_not_found" in refused.err


def test_empty_serial_number_is_bad_input(cli: Cli, closed_port_url: str) -> None:
    result = cli("unit", "get", " ", "PCBA-100", env={"WATS_BASE_URL": closed_port_url})

    assert result.code == 2
    assert result.err.startswith("wats-production: bad input: ")
    assert "serial_number" in result.err


def test_no_server_reachable_is_exit_6(cli: Cli, closed_port_url: str) -> None:
    result = cli(
        "unit", "get", "S1", "PCBA-100", "--retries", "2", env={"WATS_BASE_URL": closed_port_url}
    )

    assert result.code == ExitCode.CONNECTION == 6
    first, hint = result.err.splitlines()
    assert first.startswith(
        "wats-production: no answer: connection failed: GET /api/Production/Unit/{serialNumber}/{partNumber}: "
    )
    assert "Connection refused" in first
    assert "2 attempts" in first and "request not sent" in first
    assert (
        hint == "wats-production: hint: check --base-url / WATS_BASE_URL and that the server is up"
    )
    assert result.out == ""


def test_no_server_configured_is_a_usage_error(cli: Cli) -> None:
    result = cli("unit", "get", "S1", "PCBA-100", env={})

    assert result.code == 2
    assert (
        result.err
        == "wats-production: usage: no server: give --base-url URL or set WATS_BASE_URL\n"
    )


def test_wrong_token_is_exit_5_and_the_token_is_never_printed(cli: Cli, admin: MockAdmin) -> None:
    secret = "c2VjcmV0OnBhc3N3b3Jk"  # base64("secret:password")
    seed_units(admin, [BOARD])

    for argv in (
        ("unit", "get", "PCB-1", "PCBA-100", "--token", secret),
        ("unit", "get", "PCB-1", "PCBA-100", "--token", secret, "-vv"),
        ("unit", "get", "PCB-1", "PCBA-100", "--token", secret, "--json"),
    ):
        result = cli(*argv)
        assert result.code == ExitCode.AUTH == 5
        assert "401 Unauthorized" in result.err
        assert secret not in result.output
        assert TOKEN not in result.output


def test_verbose_logs_requests_without_the_token(cli: Cli, admin: MockAdmin) -> None:
    seed_units(admin, [BOARD])

    result = cli("unit", "get", "PCB-1", "PCBA-100", "-vv")

    assert result.code == 0
    assert "wats-production: DEBUG" in result.err
    assert "GET /api/Production/Unit/{serialNumber}/{partNumber} -> 200" in result.err
    assert TOKEN not in result.output


def test_tls_options(cli: Cli, admin: MockAdmin) -> None:
    seed_units(admin, [BOARD])

    missing_ca = cli("unit", "get", "PCB-1", "PCBA-100", "--ca-bundle", "/nonexistent/ca.pem")
    insecure = cli("unit", "get", "PCB-1", "PCBA-100", "--insecure", "--json")

    assert missing_ca.code == ExitCode.USAGE
    assert (
        missing_ca.err == "wats-production: usage: --ca-bundle: no such file: /nonexistent/ca.pem\n"
    )
    assert insecure.code == 0
    assert json.loads(insecure.out)["serial_number"] == "PCB-1"
    assert (
        insecure.err
        == "wats-production: warning: TLS certificate verification is off (--insecure)\n"
    )


def test_one_verbose_shows_one_info_line_per_request(cli: Cli, admin: MockAdmin) -> None:
    seed_units(admin, [BOARD])

    result = cli("unit", "get", "PCB-1", "PCBA-100", "-v")

    assert result.code == 0
    lines = [line for line in result.err.splitlines() if line.startswith("wats-production: ")]
    assert len(lines) == 1, result.err
    assert lines[0].startswith("wats-production: INFO getUnit -> 200 in ")
    assert "(1 attempt(s), request " in lines[0]
    assert "DEBUG" not in result.err  # attempts are -vv
    quiet = cli("unit", "get", "PCB-1", "PCBA-100")
    assert quiet.err == ""


def test_create_writes_the_unit_and_shows_it(cli: Cli, sdk: ProductionService) -> None:
    result = cli(
        "unit", "create", "NEW-1", "PCBA-100", "--revision", "A", "--phase", "Under production",
        "--batch", "B-7", "--location", "Line 2", "--json",
    )  # fmt: skip

    assert result.code == 0, result.err
    document = json.loads(result.out)
    assert (document["serial_number"], document["revision"]) == ("NEW-1", "A")
    assert (document["phase"], document["phase_name"]) == (2, "Under production")
    unit = sdk.get_unit("NEW-1", "PCBA-100")
    assert (unit.batch_number, unit.current_location) == ("B-7", "Line 2")
    assert unit.phase == UnitPhase.UNDER_PRODUCTION
    again = cli("unit", "create", "NEW-1", "PCBA-100", "--revision", "B")
    assert again.code == ExitCode.REFUSED
    assert sdk.get_unit("NEW-1", "PCBA-100").revision == "A"  # not overwritten


def _keys(document: object) -> set[str]:
    if isinstance(document, dict):
        return set(document) | {k for v in document.values() for k in _keys(v)}
    if isinstance(document, list):
        return {k for item in document for k in _keys(item)}
    return set()


def test_json_keys_are_snake_case_and_name_a_phase_the_same_everywhere(cli: Cli) -> None:
    documents = {}
    for argv in (
        ("unit", "create", "J-1", "PCBA-100", "--revision", "A"),
        ("unit", "set-phase", "J-1", "PCBA-100", "Shipped"),
        ("unit", "get", "J-1", "PCBA-100"),
        ("unit", "set-process", "J-1", "PCBA-100", "FCT"),
        ("serials", "types"),
        ("serials", "take", "SerialNumber", "2"),
        ("serials", "export", "SerialNumber"),
        ("version",),
    ):
        result = cli(*argv, "--json")
        assert result.code == 0, (argv, result.err)
        documents[argv[:2]] = json.loads(result.out)
    for argv, document in documents.items():
        bad = {k for k in _keys(document) if not re.fullmatch(r"[a-z][a-z0-9_]*", k)}
        assert bad == set(), argv
    set_phase = documents[("unit", "set-phase")]
    got = documents[("unit", "get")]
    assert (set_phase["phase"], set_phase["phase_name"]) == (2048, "Shipped")
    assert (got["phase"], got["phase_name"]) == (2048, "Shipped")
    assert "phase_label" not in _keys(list(documents.values()))

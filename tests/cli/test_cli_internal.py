"""`wats-production internal ...` against the mock over loopback."""

from __future__ import annotations

import json

from clihelpers import Cli, seed_units

from pywats_production import ProductionService
from pywats_production.cli import ExitCode
from pywats_production.mock import MockAdmin

BOARD = {"serialNumber": "PCB-1", "partNumber": "PCBA-100", "revision": "A", "unitPhaseId": 16}
BOX = {"serialNumber": "BOX-1", "partNumber": "BOX-900", "revision": "A", "unitPhaseId": 2}


def test_phases_lists_the_servers_phases_and_warns_once_on_stderr(cli: Cli) -> None:
    result = cli("internal", "phases")
    assert result.code == ExitCode.OK, result.err
    assert any(line.split()[:2] == ["16", "FINALIZED"] for line in result.out.splitlines())
    # The mock's version is not one the internal contract was derived for: one line.
    warnings = [line for line in result.err.splitlines() if "warning" in line]
    assert len(warnings) == 1
    assert warnings[0].startswith("wats-production: warning: internal API: server version")
    assert "Traceback" not in result.err


def test_history_shows_each_state_oldest_first(
    cli: Cli, admin: MockAdmin, sdk: ProductionService
) -> None:
    seed_units(admin, [BOARD])
    sdk.set_unit_process("PCB-1", "PCBA-100", "FCT")
    sdk.set_unit_phase("PCB-1", "PCBA-100", "Scrapped")
    result = cli("internal", "history", "PCB-1", "PCBA-100", "--json")
    assert result.code == ExitCode.OK, result.err
    states = json.loads(result.out)["states"]
    assert [(s["phase"], s["process"]) for s in states] == [(16, "FCT"), (32, "FCT")]


def test_hierarchy_prints_an_indented_tree(
    cli: Cli, admin: MockAdmin, sdk: ProductionService
) -> None:
    seed_units(admin, [BOARD, BOX])
    sdk.add_child_unit("BOX-1", "BOX-900", "PCB-1", "PCBA-100")
    result = cli("internal", "hierarchy", "BOX-1", "BOX-900")
    assert result.code == ExitCode.OK, result.err
    lines = result.out.splitlines()
    assert lines[0].startswith("BOX-1 BOX-900 rev A")
    assert lines[1].startswith("  PCB-1 PCBA-100 rev A")


def test_serial_stats_counts_each_type(cli: Cli, sdk: ProductionService) -> None:
    sdk.take_serial_numbers("SerialNumber", 2)
    result = cli("internal", "serial-stats", "SerialNumber", "--json")
    assert result.code == ExitCode.OK, result.err
    (row,) = json.loads(result.out)
    assert (row["serial_number_type"], row["taken"], row["reserved"]) == ("SerialNumber", 2, 0)


def test_unknown_unit_is_exit_not_found_without_traceback(cli: Cli) -> None:
    result = cli("internal", "history", "NOPE", "PCBA-100")
    assert result.code == ExitCode.NOT_FOUND
    assert "Traceback" not in result.err
    assert result.out == ""


def test_empty_serial_is_a_usage_error(cli: Cli) -> None:
    result = cli("internal", "hierarchy", "", "BOX-900")
    assert result.code == ExitCode.USAGE
    assert "serial_number" in result.err

"""`wats-production assembly ...`: box build against the mock, with refusals."""

from __future__ import annotations

import json

from clihelpers import Cli, seed_units

from pywats_production import ProductionService
from pywats_production.cli import ExitCode
from pywats_production.mock import MockAdmin

UNITS = [
    {"serialNumber": "BOX-1", "partNumber": "BOX-900", "revision": "A", "unitPhaseId": 2},
    {"serialNumber": "BOX-2", "partNumber": "BOX-900", "revision": "A", "unitPhaseId": 2},
    {"serialNumber": "PCB-1", "partNumber": "PCBA-100", "revision": "A", "unitPhaseId": 16},
    {"serialNumber": "PSU-1", "partNumber": "PSU-200", "revision": "A", "unitPhaseId": 16},
    {"serialNumber": "PCB-2", "partNumber": "PCBA-100", "revision": "A", "unitPhaseId": 2},
]


def test_add_check_remove(cli: Cli, admin: MockAdmin, sdk: ProductionService) -> None:
    seed_units(admin, UNITS)

    added = cli("assembly", "add", "BOX-1", "BOX-900", "PCB-1", "PCBA-100")
    half = cli("assembly", "check", "BOX-1", "BOX-900")
    cli("assembly", "add", "BOX-1", "BOX-900", "PSU-1", "PSU-200")
    full = cli("assembly", "check", "BOX-1", "BOX-900")
    removed = cli("assembly", "remove", "BOX-1", "BOX-900", "PSU-1", "PSU-200", "--json")

    assert added.code == 0
    assert added.out == "PCB-1 PCBA-100 is now a child of BOX-1 BOX-900\n"
    assert half.code == ExitCode.CHECK_FAILED == 9  # the PSU line is not filled yet
    assert half.out.startswith("BOX-1 BOX-900: box build does NOT match\n")
    assert full.code == 0, full.out
    lines = full.out.splitlines()
    assert lines[0] == "BOX-1 BOX-900: box build matches"
    assert any(line.split()[:4] == ["PCB-1", "PCBA-100", "A", "ok"] for line in lines)
    assert any(line.split() == ["PSU-200", "A", "1", "1"] for line in lines)
    assert removed.code == 0
    assert json.loads(removed.out)["linked"] is False
    assert sdk.get_unit("PSU-1", "PSU-200").parent_serial_number in (None, "")


def test_check_json(cli: Cli, admin: MockAdmin) -> None:
    seed_units(admin, UNITS)
    cli("assembly", "add", "BOX-1", "BOX-900", "PCB-1", "PCBA-100")

    result = cli("assembly", "check", "BOX-1", "BOX-900", "--json")

    assert result.code == ExitCode.CHECK_FAILED
    doc = json.loads(result.out)
    assert doc["is_valid"] is False
    assert [c["serial_number"] for c in doc["children"]] == ["PCB-1"]
    assert {r["part_number"]: r["found"] for r in doc["requirements"]} == {
        "PCBA-100": 1,
        "PSU-200": 0,
    }
    assert doc["raw"]["isValid"] is False


def test_refusals_have_exit_4_and_the_reason(cli: Cli, admin: MockAdmin) -> None:
    seed_units(admin, UNITS)
    cli("assembly", "add", "BOX-1", "BOX-900", "PCB-1", "PCBA-100")

    second_parent = cli("assembly", "add", "BOX-2", "BOX-900", "PCB-1", "PCBA-100")
    not_finalized = cli("assembly", "add", "BOX-2", "BOX-900", "PCB-2", "PCBA-100")
    wrong_check = cli(
        "assembly", "add", "BOX-2", "BOX-900", "PSU-1", "PSU-200", "--check-pn", "PCBA-100"
    )
    not_linked = cli("assembly", "remove", "BOX-2", "BOX-900", "PSU-1", "PSU-200")

    for result, code in (
        (second_parent, "child_has_parent"),
        (not_finalized, "child_not_finalized"),
        (wrong_check, "not_in_box_build"),
        (not_linked, "not_linked"),
    ):
        assert result.code == ExitCode.REFUSED, result.err
        assert result.err.startswith("wats-production: refused: "), result.err
        assert f"code {code}" in result.err
        assert result.out == ""


def test_unknown_units(cli: Cli, admin: MockAdmin) -> None:
    seed_units(admin, UNITS)

    add = cli("assembly", "add", "BOX-1", "BOX-900", "GHOST", "PCBA-100")
    check = cli("assembly", "check", "GHOST", "BOX-900")

    assert add.code == check.code == ExitCode.NOT_FOUND
    assert "unit_not_found" in add.err and "unit_not_found" in check.err

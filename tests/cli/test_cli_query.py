"""`wats-production unit query ...` against the mock (2026.3.0 and 2025.3.9.824)."""

from __future__ import annotations

import json

import pytest
from clihelpers import TOKEN, Cli, seed_units

from pywats_production.cli import ExitCode
from pywats_production.mock import MockAdmin, create_app, run_in_thread

UNITS = [
    {"serialNumber": "Q-1", "partNumber": "PCBA-100", "revision": "A", "batchNumber": "B-7",
     "unitPhaseId": 16, "currentLocation": "Line 1"},
    {"serialNumber": "Q-2", "partNumber": "PCBA-100", "revision": "B", "batchNumber": "B-7",
     "unitPhaseId": 2},
    {"serialNumber": "O'Brien", "partNumber": "PCBA-100", "revision": "A", "batchNumber": "B-8",
     "unitPhaseId": 2},
]  # fmt: skip


def test_query_by_fields_prints_a_table(cli: Cli, admin: MockAdmin) -> None:
    seed_units(admin, UNITS)
    result = cli("unit", "query", "--batch-number", "B-7", "--phase", "Finalized")
    assert result.code == ExitCode.OK, result.err
    lines = result.out.splitlines()
    assert lines[0].split() == [
        "serial",
        "number",
        "part",
        "number",
        "rev",
        "phase",
        "batch",
        "location",
    ]
    assert any(line.split()[:4] == ["Q-1", "PCBA-100", "A", "Finalized"] for line in lines)
    assert not any("Q-2" in line for line in lines)
    assert lines[-1] == "1 unit"
    assert result.err == ""


def test_query_json_with_a_quote_in_the_serial(cli: Cli, admin: MockAdmin) -> None:
    seed_units(admin, UNITS)
    result = cli("unit", "query", "--serial-number", "O'Brien", "--json")
    assert result.code == ExitCode.OK, result.err
    units = json.loads(result.out)
    assert [(u["serial_number"], u["batch_number"], u["phase"]) for u in units] == [
        ("O'Brien", "B-8", 2)
    ]


def test_query_raw_filter_top_orderby_and_all(cli: Cli, admin: MockAdmin) -> None:
    seed_units(admin, UNITS)
    result = cli(
        "unit", "query", "--filter", "startswith(serialNumber, 'Q-')", "--orderby",
        "serialNumber desc", "--top", "1", "--json",
    )  # fmt: skip
    assert result.code == ExitCode.OK, result.err
    assert [u["serial_number"] for u in json.loads(result.out)] == ["Q-2"]
    every = cli("unit", "query", "--part-number", "PCBA-100", "--all", "--page-size", "1", "--json")
    assert every.code == ExitCode.OK, every.err
    assert [u["serial_number"] for u in json.loads(every.out)] == ["O'Brien", "Q-1", "Q-2"]


def test_query_without_a_match(cli: Cli, admin: MockAdmin) -> None:
    result = cli("unit", "query", "--batch-number", "NO-SUCH")
    assert result.code == ExitCode.OK
    assert result.out.strip() == "no unit matches (0 units)"
    assert json.loads(cli("unit", "query", "--batch-number", "NO-SUCH", "--json").out) == []


@pytest.mark.parametrize(
    ("argv", "code", "words"),
    [
        (["--top", "0"], ExitCode.USAGE, "top must be an int from 1 to 1000"),
        (["--top", "1001"], ExitCode.USAGE, "top must be an int from 1 to 1000"),
        (["--top", "many"], ExitCode.USAGE, "invalid int value"),
        (["--phase", "Exploded"], ExitCode.USAGE, "Exploded"),
        (["--serial-number", ""], ExitCode.USAGE, "serial_number"),
        (["--orderby", "color"], ExitCode.USAGE, "orderby"),
        (["--serial-date-from", "yesterday"], ExitCode.USAGE, "serial_date_from"),
        (["--all", "--top", "5"], ExitCode.USAGE, "leave out --top and --orderby"),
        (["--all", "--page-size", "0"], ExitCode.USAGE, "page_size"),
        (["--filter", "serialNumber eq"], ExitCode.REFUSED, "not valid OData"),
    ],
)
def test_query_bad_input(
    cli: Cli, admin: MockAdmin, argv: list[str], code: int, words: str
) -> None:
    result = cli("unit", "query", *argv)
    assert result.code == code, result.output
    assert words in result.err
    assert "Traceback" not in result.output


def test_query_on_an_older_server_says_so() -> None:
    app = create_app(seed="demo", token=TOKEN, server_version="2025.3.9.824")
    with run_in_thread(app) as url:
        result = Cli(url, TOKEN)("unit", "query", "--part-number", "PCBA-100")
    assert result.code == ExitCode.ERROR
    assert result.err.strip() == (
        "wats-production: error: query_units needs a WATS server "
        "2026.3 or newer; this server is 2025.3.9.824"
    )
    assert result.out == ""

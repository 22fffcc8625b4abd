"""A bounded run of `python -m pywats_production.mock.contract` (schemathesis, all checks)."""

from __future__ import annotations

from pywats_production.mock.contract import main, run_contract


def test_schemathesis_finds_nothing_on_the_mock() -> None:
    report = run_contract(max_examples=30, seed=1)
    # The 19 published operations and the 6 of 2026.3 (the mock serves 2026.3.0 by default).
    assert report.operations == 25
    assert report.test_cases > 25 * 2 * 10
    assert report.failures == []
    assert report.violations == []
    # Negative data (off the spec) is part of the run: every one of it must be refused
    # with a 4xx (schemathesis' negative_data_rejection and not_a_server_error checks).
    assert report.per_mode["negative"] > 19 * 5
    assert set(report.per_operation) >= {
        "GET /api/Production/Unit/{serialNumber}/{partNumber}",
        "PUT /api/Production/SerialNumbers",
        "GET /api/Production/Unit/Query",
        "POST /api/Production/Unit",
        "DELETE /api/Production/Unit",
        "PUT /api/Production/ChangeUnit",
        "PUT /api/Production/UnitTag",
    }


def test_the_command_reports_and_exits_zero(capsys: object) -> None:
    assert (
        main(["--max-examples", "3", "--operation", "getUnit", "--operation", "takeSerialNumbers"])
        == 0
    )
    out = capsys.readouterr().out  # type: ignore[attr-defined]
    assert "operations: 2" in out
    assert "failures: 0" in out


def test_schemathesis_finds_nothing_on_the_mock_with_the_internal_contract() -> None:
    report = run_contract(max_examples=20, seed=2, internal=True)
    assert report.operations == 21
    assert report.test_cases > 21 * 2 * 5
    assert report.failures == []
    assert report.violations == []
    assert set(report.per_operation) >= {
        "GET /api/internal/Mes/GetUnitPhases",
        "POST /api/internal/Production/GetAndReserveNewSerialNumbers",
        "PUT /api/internal/Production/SerialNumbers/Free",
    }

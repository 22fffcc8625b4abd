"""A bounded run of `python -m pywats_production.mock.contract` (schemathesis, all checks)."""

from __future__ import annotations

from pywats_production.mock.contract import main, run_contract


def test_schemathesis_finds_nothing_on_the_mock() -> None:
    report = run_contract(max_examples=30, seed=1)
    assert report.operations == 19
    assert report.test_cases > 19 * 2 * 10
    assert report.failures == []
    assert report.violations == []
    # Negative data (off the spec) is part of the run: every one of it must be refused
    # with a 4xx (schemathesis' negative_data_rejection and not_a_server_error checks).
    assert report.per_mode["negative"] > 19 * 5
    assert set(report.per_operation) >= {
        "GET /api/Production/Unit/{serialNumber}/{partNumber}",
        "PUT /api/Production/SerialNumbers",
    }


def test_the_command_reports_and_exits_zero(capsys: object) -> None:
    assert (
        main(["--max-examples", "3", "--operation", "getUnit", "--operation", "takeSerialNumbers"])
        == 0
    )
    out = capsys.readouterr().out  # type: ignore[attr-defined]
    assert "operations: 2" in out
    assert "failures: 0" in out

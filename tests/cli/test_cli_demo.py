"""`wats-production demo` and `wats-production mock`."""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys

import httpx
import pytest

from pywats_production.cli import ExitCode, run
from pywats_production.cli._demo import MAX_BOXES, run_demo
from pywats_production.cli._output import Progress, format_table
from pywats_production.mock import DEMO_SEED, create_app

STEPS = 16


def _demo(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run(["demo", *argv], out=out, err=err, environ={})
    return code, out.getvalue(), err.getvalue()


def test_demo_runs_the_whole_story() -> None:
    code, out, err = _demo("--units", "5")

    assert code == 0, out + err
    assert err == ""  # not a terminal: no progress line
    lines = out.splitlines()
    assert (
        lines[0]
        == "wats-production demo: 5 boxes from 15 units on the contract mock (in-process, server 2026.3.0)"
    )
    table = lines[2 : 2 + STEPS + 2]
    assert table[0].split() == ["step", "items", "requests", "time", "result"]
    assert all(row.endswith(" ok") for row in table[1:-1]), table
    assert table[-1].startswith("total")
    assert "verification grades: PCBA-100 A 4, B 1 | PSU-200 A 5 | BOX-900 A 5" in out
    assert lines[-1].startswith(
        "OK: 5 boxes built from 5 boards and 5 power supplies, tested, verified and shipped in "
    )


def test_demo_json_report() -> None:
    code, out, _err = _demo("--units", "3", "--json")

    assert code == 0
    report = json.loads(out)
    assert report["ok"] is True
    assert report["boxes"] == 3 and report["units"] == 9
    assert len(report["steps"]) == STEPS
    assert {s["status"] for s in report["steps"]} == {"ok"}
    steps = {s["name"]: s for s in report["steps"]}
    assert steps["take serial numbers"]["count"] == 9
    # One GET per unit (is the number already a unit? a real server's PUT answer counts
    # accepted units, not new ones), then one PUT for all units.
    assert steps["create units"]["requests"] == 9 + 1
    assert steps["build boxes"]["count"] == 6
    assert report["grades"] == {
        "PCBA-100": {"A": 2, "B": 1},
        "PSU-200": {"A": 3},
        "BOX-900": {"A": 3},
    }
    assert report["changes_consumed"] == steps["consume the unit-changes feed"]["count"] > 0
    assert report["requests"] == sum(s["requests"] for s in report["steps"])


def test_demo_over_sockets() -> None:
    code, out, _err = _demo("--units", "1", "--sockets", "--json")

    assert code == 0
    assert json.loads(out)["transport"] == "sockets"


def test_a_failed_check_stops_the_demo_with_exit_9() -> None:
    # A unit already holds the first serial number the demo will take for a board.
    app = create_app(
        seed={**DEMO_SEED, "units": [{"serialNumber": "SN00000001", "partNumber": "PCBA-100"}]}
    )
    out, err = io.StringIO(), io.StringIO()

    code = run_demo(2, out=out, err=err, json=True, app=app)

    assert code == ExitCode.CHECK_FAILED == 9
    report = json.loads(out.getvalue())
    assert report["ok"] is False
    statuses = {s["name"]: s["status"] for s in report["steps"]}
    assert statuses["take serial numbers"] == "ok"
    assert statuses["create units"] == "failed"
    assert statuses["build boxes"] == "skipped"
    failure = next(s for s in report["steps"] if s["name"] == "create units")["failures"]
    assert failure == ["duplicate serial numbers: 1 of 6 units already existed"]
    assert (
        err.getvalue()
        == "wats-production: check failed: create units: duplicate serial numbers: 1 of 6 units already existed\n"
    )


def test_a_server_error_is_a_failed_check() -> None:
    app = create_app(seed="demo")
    app.faults.set_plan([{"kind": "status", "status": 500, "operation": "checkChildUnits"}])
    out, err = io.StringIO(), io.StringIO()

    code = run_demo(1, out=out, err=err, app=app)

    assert code == ExitCode.CHECK_FAILED
    assert (
        "FAILED check boxes against the box build: ServerError: 500 Internal Server Error: GET /api/Production/CheckChildUnits"
        in out.getvalue()
    )
    assert "OK:" not in out.getvalue()


@pytest.mark.parametrize("units", ["0", str(MAX_BOXES + 1)])
def test_demo_units_out_of_range(units: str) -> None:
    code, out, err = _demo("--units", units)

    assert code == ExitCode.USAGE
    assert out == ""
    assert f"--units must be between 1 and {MAX_BOXES}, got {units}" in err


def test_progress_on_a_terminal() -> None:
    shown = io.StringIO()
    progress = Progress(shown, enabled=True, interval=0.0)
    progress.update("build boxes", 1, 2)
    progress.update("build boxes", 2, 2)
    progress.done()
    assert shown.getvalue() == "\r\x1b[K  build boxes: 1/2\r\x1b[K  build boxes: 2/2\r\x1b[K"

    silent = io.StringIO()
    quiet = Progress(silent)  # StringIO is not a terminal
    quiet.update("x", 1, 1)
    quiet.done()
    assert silent.getvalue() == ""

    out, err = io.StringIO(), io.StringIO()
    assert run_demo(1, out=out, err=err, progress=True) == 0
    assert "\r\x1b[K  build boxes: 1/1" in err.getvalue()


def test_format_table_alignment() -> None:
    assert format_table(["a", "n"], [["x", 1], ["long", 22]]) == "a      n\nx      1\nlong  22"
    assert format_table(["a", "b"], [["x", None]], align="><") == "a  b\nx  -"


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("WATS_")}
    env["PYTHONUNBUFFERED"] = "1"
    return env


def test_demo_as_a_process() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "pywats_production.cli", "demo", "--units", "2"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env=_env(),
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.splitlines()[-1].startswith("OK: 2 boxes built")


def test_mock_command_serves_until_sigint() -> None:
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "pywats_production.cli",
            "mock",
            "--port",
            "0",
            "--seed",
            "empty",
            "--token",
            "dG9r",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=_env(),
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        assert line.startswith("pywats-production mock listening on http://127.0.0.1:")
        url = line.rsplit(" ", 1)[1].strip()
        assert (
            httpx.get(f"{url}/api/App/Version", headers={"Authorization": "Basic dG9r"}).json()
            == "2026.3.0"
        )
        assert httpx.get(f"{url}/api/App/Version").status_code == 401
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=30) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_mock_help_is_the_mocks_own(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["mock", "--help"]) == 0
    help_text = capsys.readouterr().out
    for option in ("--host", "--port", "--seed", "--token", "--no-strict"):
        assert option in help_text

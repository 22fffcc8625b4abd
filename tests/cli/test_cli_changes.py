"""`wats-production changes consume --exec CMD`: acknowledge only after CMD succeeded."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from clihelpers import TOKEN, Cli, seed_units

from pywats_production import ProductionService, UnitPhase
from pywats_production.cli import ExitCode
from pywats_production.mock import MockAdmin

# A handler that appends the change it got (stdin and environment) to a file, and fails
# (exit 3) for the serial number named in FAIL_FOR.
HANDLER = """
import json, os, sys
change = json.load(sys.stdin)
with open(sys.argv[1], "a") as f:
    f.write(json.dumps({"stdin": change, "env": {k: v for k, v in os.environ.items()
                        if k.startswith("WATS_CHANGE_")}}) + "\\n")
print("handled", change["id"])
sys.exit(3 if change["unit_serial_number"] == os.environ.get("FAIL_FOR") else 0)
"""


def _make_changes(sdk: ProductionService, admin: MockAdmin) -> list[int]:
    seed_units(admin, [{"serialNumber": f"S{i}", "partNumber": "PCBA-100"} for i in (1, 2, 3)])
    for i in (1, 2, 3):
        sdk.set_unit_phase(f"S{i}", "PCBA-100", UnitPhase.FINALIZED)
    return [c.id for c in sdk.get_unit_changes(10)]


def _command(tmp_path: Path) -> tuple[str, Path]:
    script = tmp_path / "handler.py"
    script.write_text(HANDLER)
    log = tmp_path / "log.jsonl"
    return f'"{sys.executable}" "{script}" "{log}"', log


def test_every_change_is_handled_then_acknowledged(
    cli: Cli, admin: MockAdmin, sdk: ProductionService, tmp_path: Path
) -> None:
    ids = _make_changes(sdk, admin)
    command, log = _command(tmp_path)

    result = cli("changes", "consume", "--exec", command, "--max-count", "2")

    assert result.code == 0, result.err
    seen = [json.loads(line) for line in log.read_text().splitlines()]
    assert [s["stdin"]["id"] for s in seen] == ids
    first = seen[0]
    assert first["stdin"]["unit_serial_number"] == "S1"
    assert first["stdin"]["new_phase"] == 16
    assert first["env"] == {
        "WATS_CHANGE_ID": str(ids[0]),
        "WATS_CHANGE_SERIAL_NUMBER": "S1",
        "WATS_CHANGE_NEW_PARENT_SERIAL_NUMBER": "",
        "WATS_CHANGE_NEW_PART_NUMBER": "",
        "WATS_CHANGE_NEW_REVISION": "",
        "WATS_CHANGE_NEW_PHASE": "16",
        "WATS_CHANGE_NEW_PHASE_NAME": "Finalized",
    }
    assert sdk.get_unit_changes(10) == []
    assert result.err.splitlines()[-1] == "3 change(s) handled and acknowledged"


def test_a_failure_stops_and_leaves_that_change_pending(
    cli: Cli, admin: MockAdmin, sdk: ProductionService, tmp_path: Path
) -> None:
    ids = _make_changes(sdk, admin)
    command, log = _command(tmp_path)

    result = cli("changes", "consume", "--exec", command, env=cli.env(FAIL_FOR="S2"))

    assert result.code == ExitCode.HANDLER_FAILED == 8
    assert f"change {ids[1]} (S2)" in result.err
    assert "exited with status 3; the change stays pending" in result.err
    assert len(log.read_text().splitlines()) == 2  # S3 was never handed over
    assert [c.id for c in sdk.get_unit_changes(10)] == ids[1:]  # S1 acknowledged only


def test_limit_and_json_report(
    cli: Cli, admin: MockAdmin, sdk: ProductionService, tmp_path: Path
) -> None:
    ids = _make_changes(sdk, admin)
    command, _log = _command(tmp_path)

    result = cli("changes", "consume", "--exec", command, "--limit", "1", "--json")

    assert result.code == 0
    assert json.loads(result.out) == {"handled": [ids[0]], "failed": None}
    assert [c.id for c in sdk.get_unit_changes(10)] == ids[1:]


def test_a_command_that_cannot_run(cli: Cli, admin: MockAdmin, sdk: ProductionService) -> None:
    ids = _make_changes(sdk, admin)

    result = cli("changes", "consume", "--exec", "/nonexistent/handler --flag")
    empty = cli("changes", "consume", "--exec", "  ")
    unbalanced = cli("changes", "consume", "--exec", "handler 'oops")

    assert result.code == ExitCode.HANDLER_FAILED
    assert "cannot run /nonexistent/handler" in result.err
    assert [c.id for c in sdk.get_unit_changes(10)] == ids
    assert empty.code == unbalanced.code == ExitCode.USAGE


def test_json_mode_keeps_stdout_one_document(
    mock_url: str, admin: MockAdmin, sdk: ProductionService, tmp_path: Path
) -> None:
    # A real process: the handler prints to its stdout, which must go to stderr here.
    ids = _make_changes(sdk, admin)
    command, _log = _command(tmp_path)

    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pywats_production.cli",
            "changes",
            "consume",
            "--exec",
            command,
            "--json",
        ],
        env={"WATS_BASE_URL": mock_url, "WATS_AUTH_TOKEN": TOKEN, "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {"handled": ids, "failed": None}
    assert done.stderr.split() == [w for i in ids for w in ("handled", str(i))]
    assert TOKEN not in done.stdout + done.stderr

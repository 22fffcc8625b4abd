"""`python -m benchmarks --quick` runs and writes its JSON (a smoke test: nothing is timed)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
@pytest.mark.timeout(120)
def test_quick_run_writes_every_workload(tmp_path: Path) -> None:
    out = tmp_path / "results.json"
    run = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--quick", "--no-pywats", "--out", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=110,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    document = json.loads(out.read_text(encoding="utf-8"))
    assert set(document["results"]) == {
        "get_unit",
        "save_units",
        "iter_units",
        "take",
        "import",
        "mock",
        "verify",
    }
    assert document["results"]["iter_units"]["units"] == 2_000
    assert {"cpu_model", "cores", "python"} <= set(document["machine"])
    assert document["skipped"] == ["pywats-api: --no-pywats"]
    rows = document["rows"]
    assert len(rows) >= 12
    for row in rows:
        assert row["ratio"] > 0
        assert row["ours"]
        assert row["baseline"]
    get_unit = document["results"]["get_unit"]
    assert set(get_unit["loopback_sync_s"]) == {"sdk", "raw"}
    assert set(document["results"]["take"]) == {"XML", "CSV"}
    # The table printed is the one in the JSON.
    assert "| get_unit per call | loopback mock, sync |" in run.stdout
    assert "ratio = ours / baseline" in document["convention"]
    verify = document["results"]["verify"]
    assert verify["exchanges"] == 1_000 and verify["clean"] is True

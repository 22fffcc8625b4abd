from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import textwrap
import threading
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import httpx
import pytest

from pywats_production.mock import MockAdmin, create_app, run_in_thread

REPO = Path(__file__).resolve().parents[2]


def test_sixteen_clients_never_share_a_number() -> None:
    app = create_app()
    taken: list[list[str]] = [[] for _ in range(16)]
    errors: list[BaseException] = []
    with run_in_thread(app) as url:
        barrier = threading.Barrier(16)

        def worker(index: int) -> None:
            try:
                with httpx.Client(base_url=url, timeout=30) as client:
                    barrier.wait()
                    for round_ in range(25):
                        response = client.post(
                            "/api/Production/SerialNumbers/Take",
                            params={
                                "serialNumberType": "SerialNumber",
                                "quantity": 1 + (index + round_) % 7,
                                "refSN": f"client-{index}",
                                "format": "XML" if round_ % 2 else "CSV",
                            },
                        )
                        assert response.status_code == 200, response.text
                        if round_ % 2:
                            taken[index] += [sn.attrib["id"] for sn in ET.fromstring(response.text)]
                        else:
                            taken[index] += response.text.split()
            except BaseException as exc:  # reported by the main thread
                errors.append(exc)

        threads = [threading.Thread(target=worker, args=(i,)) for i in range(16)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        assert errors == []
        every = [number for numbers in taken for number in numbers]
        assert len(every) == len(set(every)) > 1000
        counts = MockAdmin.for_url(url).serial_numbers("SerialNumber")
        assert counts.taken == len(every)
        assert counts.free + counts.taken == counts.size == 100_000
        by_ref = httpx.get(
            f"{url}/api/Production/SerialNumbers/ByReference",
            params={"serialNumberType": "SerialNumber", "refSN": "client-3"},
        ).json()
        assert sorted(r["serialNumber"] for r in by_ref) == sorted(taken[3])
    assert app.violations == []


def test_get_unit_throughput_on_loopback(capsys: pytest.CaptureFixture[str]) -> None:
    app = create_app()
    app.store.put_units([{"serialNumber": "SN1", "partNumber": "PCBA-100", "revision": "A"}])
    with run_in_thread(app) as url:
        results: list[int] = []

        def worker() -> None:
            with httpx.Client(base_url=url) as client:
                done = 0
                end = time.perf_counter() + 1.5
                while time.perf_counter() < end:
                    assert client.get("/api/Production/Unit/SN1/PCBA-100").status_code == 200
                    done += 1
                results.append(done)

        threads = [threading.Thread(target=worker) for _ in range(4)]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        rate = sum(results) / (time.perf_counter() - started)
    with capsys.disabled():
        print(f"\nmock GET Unit over loopback, 4 clients, strict: {rate:.0f} requests/s")
    assert rate > 200
    assert app.violations == []


def _start_cli(*args: str) -> tuple[subprocess.Popen[str], str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "pywats_production.mock", "--port", "0", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=REPO,
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    match = re.fullmatch(r"pywats-production mock listening on (http://127\.0\.0\.1:\d+)\n", line)
    assert match, (
        line,
        process.stderr.read() if process.poll() is not None and process.stderr else "",
    )
    return process, match.group(1)


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_cli_prints_url_serves_and_stops_cleanly(sig: signal.Signals) -> None:
    process, url = _start_cli("--seed", "empty", "--token", "dG9r")
    try:
        assert httpx.get(f"{url}/api/App/Version").status_code == 401
        headers = {"Authorization": "Basic dG9r"}
        assert httpx.get(f"{url}/api/Production/SerialNumbers/Types", headers=headers).json() == []
    finally:
        process.send_signal(sig)
        _, err = process.communicate(timeout=20)
    assert process.returncode == 0, err
    assert "Traceback" not in err


def test_cli_seed_file() -> None:
    seed = REPO / "pywats_production" / "mock" / "seeds" / "example.yaml"
    process, url = _start_cli("--seed", str(seed))
    try:
        names = [t["name"] for t in httpx.get(f"{url}/api/Production/SerialNumbers/Types").json()]
        assert names == ["UnitSN", "Spare"]
    finally:
        process.send_signal(signal.SIGTERM)
        process.communicate(timeout=20)
    assert process.returncode == 0


def test_run_in_thread_stops_and_frees_the_port() -> None:
    app = create_app()
    with run_in_thread(app) as url:
        assert httpx.get(f"{url}/api/App/Version").json() == "2026.3.0"
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{url}/api/App/Version", timeout=2)


def _python(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        cwd=REPO,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
        check=False,
    )


def test_importing_the_sdk_does_not_import_the_mock() -> None:
    result = _python(
        """
        import sys
        import pywats_production
        import pywats_production.pytest_plugin
        bad = sorted(m for m in sys.modules if m.startswith(("starlette", "uvicorn", "pywats_production.mock", "openapi_core")))
        print(bad)
        """
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_missing_extra_says_how_to_install() -> None:
    result = _python(
        """
        import sys
        sys.modules["starlette"] = None  # as if the extra were not installed
        try:
            import pywats_production.mock
        except ImportError as exc:
            print(exc)
        """
    )
    assert 'pip install "pywats-production[mock]"' in result.stdout, result.stderr

"""`import pywats_production` loads only what a first call needs."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# Never loaded by `import pywats_production` (prefixes of module names).
NOT_ON_IMPORT = (
    "pywats_production_api",  # the generated client, endpoint modules and models: loaded on first call
    "opentelemetry",
    "pywats_production.otel",
    "pywats_production.mock",
    "pywats_production.compat",
    "pywats_production.pytest_plugin",
    "pywats_production.spec_check",
    "starlette",
    "uvicorn",
    "openapi_core",
    "jsonschema",
    "odata_query",  # the mock's $filter parser
    "yaml",
    "defusedxml",
    "pytest",
    # Needed by some calls only: loaded on first use.
    "asyncio",  # the async service's sleeps, gathers and locks
    "pywats_production.serials",  # serial-number files, with csv and xml
    "csv",
    "xml",
)


def _modules_after(code: str) -> list[str]:
    program = textwrap.dedent(code) + "\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))\n"
    out = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, check=True, cwd=ROOT
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def _loaded(modules: list[str], prefix: str) -> list[str]:
    return [m for m in modules if m == prefix or m.startswith(prefix + ".")]


def test_import_loads_no_generated_module_and_no_extra() -> None:
    modules = _modules_after("import pywats_production")
    assert "pywats_production" in modules
    for prefix in NOT_ON_IMPORT:
        assert _loaded(modules, prefix) == [], prefix


def test_first_call_loads_only_its_endpoint_module() -> None:
    modules = _modules_after(
        """
        import httpx
        import pywats_production as wp
        unit = {"serialNumber": "SN1", "partNumber": "P"}
        transport = httpx.MockTransport(lambda request: httpx.Response(200, json=unit))
        client = httpx.Client(transport=transport, base_url="https://wats.example.com")
        wp.ProductionService("https://wats.example.com", http_client=client).get_unit("SN1", "P")
        """
    )
    endpoints = [
        m for m in modules if m.startswith("pywats_production_api.api.") and m.count(".") == 3
    ]
    assert endpoints == ["pywats_production_api.api.production.get_unit"]
    assert _loaded(modules, "opentelemetry") == []
    assert _loaded(modules, "defusedxml") == []


def test_otel_module_loads_opentelemetry_only_when_asked() -> None:
    modules = _modules_after("import pywats_production.otel")
    assert _loaded(modules, "opentelemetry")
    assert _loaded(modules, "opentelemetry.sdk") == []  # the API only; the SDK is the user's

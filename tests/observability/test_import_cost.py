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
    # The internal API's wing: loaded when named or by a service made with internal=True.
    "pywats_production._async_internal",
    "pywats_production._sync_internal",
    "pywats_production._internal_calls",
    "pywats_production.internal_models",
    # httpx's network stack: httpx loads it when a client builds its own transport, and the
    # deadline's network backend (_netbackend, which subclasses httpcore's) only then.
    "pywats_production._netbackend",
    "httpcore",
    "h11",
    "h2",
    "hpack",
    "hyperframe",
    "anyio",
    "certifi",
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
    # A client on an in-process transport has no connection pool: nothing to wrap.
    assert _loaded(modules, "httpcore") == []


def test_own_client_wraps_its_pool_with_the_deadline_backend() -> None:
    modules = _modules_after(
        """
        import pywats_production as wp
        from pywats_production import _netbackend
        service = wp.ProductionService("https://wats.example.com")
        pool = service._client._transport._pool
        assert isinstance(pool._network_backend, _netbackend._Backend), pool._network_backend
        """
    )
    assert _loaded(modules, "httpcore")


def test_internal_wing_loads_when_named_or_asked_for() -> None:
    named = _modules_after("from pywats_production import InternalApi")
    assert _loaded(named, "pywats_production._sync_internal")
    asked = _modules_after(
        """
        import pywats_production as wp
        service = wp.AsyncProductionService("https://wats.example.com", internal=True)
        assert type(service.internal).__name__ == "AsyncInternalApi"
        """
    )
    assert _loaded(asked, "pywats_production.internal_models")
    assert _loaded(asked, "pywats_production._sync_internal") == []


def test_otel_module_loads_opentelemetry_only_when_asked() -> None:
    modules = _modules_after("import pywats_production.otel")
    assert _loaded(modules, "opentelemetry")
    assert _loaded(modules, "opentelemetry.sdk") == []  # the API only; the SDK is the user's

"""Contract mock of the WATS Production API: stateful, spec-validating, fault-injecting.

Needs the ``mock`` extra: ``pip install "pywats-production[mock]"``. See docs/mock.md.

Example:
    >>> import httpx
    >>> from pywats_production.mock import MockAsyncTransport, create_app
    >>> app = create_app(seed="demo")
    >>> client = httpx.AsyncClient(transport=MockAsyncTransport(app), base_url="http://wats-mock")

"""

from __future__ import annotations

try:
    import jsonschema  # noqa: F401
    import odata_query  # noqa: F401
    import starlette  # noqa: F401
    import uvicorn  # noqa: F401
    import yaml  # noqa: F401
except ImportError as exc:  # pragma: no cover - depends on the installation
    raise ImportError(
        'pywats_production.mock needs the mock extra: pip install "pywats-production[mock]"'
        f" (missing: {exc.name})"
    ) from exc

from ._admin import admin_routes
from ._admin_client import FaultLogEntry, FaultReport, MockAdmin, MockAdminError, MockState
from ._app import (
    DEFAULT_ERROR_STYLE,
    SERVER_VERSION,
    ContractViolation,
    MockApp,
    create_app,
)
from ._contract import Contract
from ._domain import ERROR_STYLES, PHASE_NAMES, Violation
from ._faults import ConnectionDropped, FaultInjector, FaultPlanError
from ._problem import error_response, problem
from ._seeds import DEMO_SEED, load_seed
from ._server import run_in_thread, serve
from ._spec import spec_path
from ._store import PoolCounts, SeedError, Store
from ._transports import MockAsyncTransport, MockSyncTransport

__all__ = [
    "DEFAULT_ERROR_STYLE",
    "ERROR_STYLES",
    "error_response",
    "DEMO_SEED",
    "PHASE_NAMES",
    "SERVER_VERSION",
    "ConnectionDropped",
    "Contract",
    "ContractViolation",
    "FaultInjector",
    "FaultLogEntry",
    "FaultReport",
    "FaultPlanError",
    "MockAdmin",
    "MockAdminError",
    "MockApp",
    "MockAsyncTransport",
    "MockState",
    "MockSyncTransport",
    "PoolCounts",
    "SeedError",
    "Store",
    "Violation",
    "admin_routes",
    "create_app",
    "load_seed",
    "problem",
    "run_in_thread",
    "serve",
    "spec_path",
]

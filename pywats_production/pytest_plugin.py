"""pytest fixtures for testing against the contract mock (entry point ``pytest11``).

Loaded by pytest in every project that installs pywats-production, so it imports
nothing heavy at import time: the mock (starlette, uvicorn, ...) is imported inside the
fixtures, which need the ``mock`` extra. See docs/mock.md for an example.

Fixtures:
    wats_server_version: the WATS server version the mock acts as (default ``2026.3.0``).
        Override it like any fixture, or run a test once per version with the marker
        ``@pytest.mark.wats_server_versions("2025.3.9.824", "2026.3.0")``.
    wats_mock_token: the token the fixtures' mock requires (``Basic <token>``).
    wats_mock_error_style: how the mock words errors (``text``, the default, as a real
        server; ``webapi``; ``problem``). Override it, or parametrize it, to test a client
        against each.
    wats_mock: a fresh :class:`~pywats_production.mock.MockApp` (demo seed, strict); the
        test fails at teardown if it answered anything off the contract.
    wats_mock_url: the same mock served on a free loopback port (real sockets).
    wats_async_service / wats_service: the SDK services bound to ``wats_mock`` in-process.
    wats_mock_admin: a :class:`~pywats_production.mock.MockAdmin` for ``wats_mock``.
    wats_replay_transport: a :class:`~pywats_production.replay.ReplayTransport` on the
        cassette named by the test's ``@pytest.mark.wats_cassette(PATH)`` marker (a
        relative PATH is taken from the test file's directory).
    wats_replay_service / wats_replay_async_service: the SDK services (strict mode)
        answering from that cassette, offline.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from pywats_production import AsyncProductionService, ProductionService
    from pywats_production.mock import MockAdmin, MockApp
    from pywats_production.replay import ReplayTransport

MOCK_TOKEN = "d2F0czptb2Nr"  # noqa: S105 - base64("wats:mock"), a test token
MOCK_BASE_URL = "http://wats-mock"
#: The version the fixtures' mock acts as unless told otherwise (the mock's default).
DEFAULT_SERVER_VERSION = "2026.3.0"
_MARKER = "wats_server_versions"


def pytest_configure(config: pytest.Config) -> None:
    """Register the ``wats_server_versions`` and ``wats_cassette`` markers."""
    config.addinivalue_line(
        "markers",
        f"{_MARKER}(*versions): run the test once per WATS server version the contract mock "
        "acts as (the wats_server_version fixture)",
    )
    _register_cassette_marker(config)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Parametrize ``wats_server_version`` from the ``wats_server_versions`` marker."""
    marker = metafunc.definition.get_closest_marker(_MARKER)
    if marker is None or "wats_server_version" not in metafunc.fixturenames:
        return
    versions = [str(v) for v in marker.args]
    if not versions:
        raise pytest.UsageError(f"@pytest.mark.{_MARKER}() needs at least one version")
    metafunc.parametrize("wats_server_version", versions, ids=versions)


@pytest.fixture
def wats_server_version() -> str:
    """Return the WATS server version the fixtures' mock acts as (``2026.3.0``)."""
    return DEFAULT_SERVER_VERSION


@pytest.fixture
def wats_mock_token() -> str:
    """Return the token the fixtures' mock requires in ``Authorization: Basic <token>``."""
    return MOCK_TOKEN


@pytest.fixture
def wats_mock_error_style() -> str:
    """Return the error style of the fixtures' mock (override to choose another)."""
    return "text"


@pytest.fixture
def wats_mock(
    wats_mock_token: str, wats_mock_error_style: str, wats_server_version: str
) -> Iterator[MockApp]:
    """Yield a fresh contract mock (demo seed, strict mode, token required).

    It acts as server ``wats_server_version``: operations newer than it answer 404.
    """
    from pywats_production.mock import create_app

    app = create_app(
        seed="demo",
        token=wats_mock_token,
        strict=True,
        error_style=wats_mock_error_style,
        server_version=wats_server_version,
    )
    yield app
    if app.violations:
        listed = "\n".join(f"  - {v}" for v in app.violations)
        pytest.fail(f"the contract mock answered off the contract:\n{listed}", pytrace=False)


@pytest.fixture
def wats_mock_url(wats_mock: MockApp) -> Iterator[str]:
    """Serve ``wats_mock`` with uvicorn on a free loopback port and yield its base URL."""
    from pywats_production.mock import run_in_thread

    with run_in_thread(wats_mock) as url:
        yield url


@pytest.fixture
def wats_async_service(wats_mock: MockApp, wats_mock_token: str) -> AsyncProductionService:
    """Return an ``AsyncProductionService`` bound in-process to ``wats_mock``."""
    import httpx

    from pywats_production import AsyncProductionService
    from pywats_production.mock import MockAsyncTransport

    client = httpx.AsyncClient(transport=MockAsyncTransport(wats_mock), base_url=MOCK_BASE_URL)
    # No teardown: the in-process transport holds no socket, so nothing leaks unclosed.
    return AsyncProductionService(base_url=MOCK_BASE_URL, token=wats_mock_token, http_client=client)


@pytest.fixture
def wats_service(wats_mock: MockApp, wats_mock_token: str) -> Iterator[ProductionService]:
    """Yield a ``ProductionService`` bound in-process to ``wats_mock``."""
    import httpx

    from pywats_production import ProductionService
    from pywats_production.mock import MockSyncTransport

    client = httpx.Client(transport=MockSyncTransport(wats_mock), base_url=MOCK_BASE_URL)
    service = ProductionService(base_url=MOCK_BASE_URL, token=wats_mock_token, http_client=client)
    yield service
    client.close()


@pytest.fixture
def wats_mock_admin(wats_mock: MockApp) -> Iterator[MockAdmin]:
    """Yield a typed client of ``wats_mock``'s admin API (seed, results, faults, state)."""
    from pywats_production.mock import MockAdmin

    admin = MockAdmin.for_app(wats_mock)
    yield admin
    admin.close()


def _register_cassette_marker(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "wats_cassette(path): the cassette (wats-production capture) the wats_replay_* "
        "fixtures answer from; a relative path is taken from the test file's directory",
    )


@pytest.fixture
def wats_replay_transport(request: pytest.FixtureRequest) -> ReplayTransport:
    """Return a replay transport on the cassette of the test's ``wats_cassette`` marker."""
    from pywats_production.errors import WatsInputError
    from pywats_production.replay import ReplayTransport

    marker = request.node.get_closest_marker("wats_cassette")
    if marker is None or not marker.args:
        pytest.fail(
            "the wats_replay_* fixtures need @pytest.mark.wats_cassette(PATH) on the test",
            pytrace=False,
        )
    path = Path(str(marker.args[0]))
    if not path.is_absolute():
        path = Path(str(request.path)).parent / path
    try:
        return ReplayTransport(path)
    except WatsInputError as exc:
        pytest.fail(f"wats_cassette: {exc}", pytrace=False)


@pytest.fixture
def wats_replay_service(wats_replay_transport: ReplayTransport) -> Iterator[ProductionService]:
    """Yield a strict ``ProductionService`` answering from the marked cassette."""
    import httpx

    from pywats_production import ProductionService
    from pywats_production.replay import REPLAY_BASE_URL

    client = httpx.Client(transport=wats_replay_transport, base_url=REPLAY_BASE_URL)
    service = ProductionService(REPLAY_BASE_URL, http_client=client, strict=True, pins=())
    yield service
    client.close()


@pytest.fixture
def wats_replay_async_service(
    wats_replay_transport: ReplayTransport,
) -> AsyncProductionService:
    """Return a strict ``AsyncProductionService`` answering from the marked cassette."""
    import httpx

    from pywats_production import AsyncProductionService
    from pywats_production.replay import REPLAY_BASE_URL

    # No teardown: the replay transport holds no socket.
    client = httpx.AsyncClient(transport=wats_replay_transport, base_url=REPLAY_BASE_URL)
    return AsyncProductionService(REPLAY_BASE_URL, http_client=client, strict=True, pins=())

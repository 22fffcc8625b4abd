"""Fixtures for the command-line tests: one loopback mock for the module, reset per test."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest
from clihelpers import TOKEN, Cli

from pywats_production import ProductionService
from pywats_production.mock import MockAdmin, MockApp, create_app, run_in_thread


@pytest.fixture(scope="module")
def mock_app() -> MockApp:
    # The tests read the reason codes the problem style carries.
    return create_app(seed="demo", token=TOKEN, error_style="problem")


@pytest.fixture(scope="module")
def mock_url(mock_app: MockApp) -> Iterator[str]:
    with run_in_thread(mock_app) as url:
        yield url


@pytest.fixture
def admin(mock_app: MockApp, mock_url: str) -> Iterator[MockAdmin]:
    admin = MockAdmin.for_url(mock_url, TOKEN)
    admin.reset("demo")
    yield admin
    admin.close()
    assert mock_app.violations == [], [str(v) for v in mock_app.violations]


@pytest.fixture
def cli(mock_url: str, admin: MockAdmin) -> Cli:
    return Cli(mock_url, TOKEN)


@pytest.fixture
def sdk(mock_url: str, admin: MockAdmin) -> Iterator[ProductionService]:
    with ProductionService(mock_url, TOKEN) as service:
        yield service


@pytest.fixture(scope="session")
def closed_port_url() -> str:
    # Bind, read the port, close: nothing listens there afterwards.
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"

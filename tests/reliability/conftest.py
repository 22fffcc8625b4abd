"""Fixtures of the reliability tests: the contract mock in-process, services bound to it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from relhelpers import BASE, FAST, TOKEN, Recorder, Sleeps

import pywats_production as wp
from pywats_production.mock import (
    MockAdmin,
    MockApp,
    MockAsyncTransport,
    MockSyncTransport,
    create_app,
)


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def app(request: pytest.FixtureRequest) -> Iterator[MockApp]:
    """The mock: realistic defaults (text errors), the demo seed (changes feed on).

    Parametrize indirectly with ``(error_style, log_changes)`` to choose another variant.
    """
    error_style, log_changes = getattr(request, "param", ("text", True))
    mock = create_app(seed="demo", token=TOKEN, strict=True, error_style=error_style)
    mock.store.log_unit_changes = log_changes
    yield mock
    assert mock.violations == [], [str(v) for v in mock.violations]


@pytest.fixture
def admin(app: MockApp) -> Iterator[MockAdmin]:
    client = MockAdmin.for_app(app)
    yield client
    client.close()


@pytest.fixture
def aservice(app: MockApp) -> wp.AsyncProductionService:
    client = httpx.AsyncClient(transport=MockAsyncTransport(app), base_url=BASE)
    return wp.AsyncProductionService(BASE, TOKEN, http_client=client, retry=FAST)


@pytest.fixture
def sservice(app: MockApp) -> Iterator[wp.ProductionService]:
    client = httpx.Client(transport=MockSyncTransport(app), base_url=BASE)
    yield wp.ProductionService(BASE, TOKEN, http_client=client, retry=FAST)
    client.close()


@pytest.fixture(params=["sync", "async"])
def mservice(request: pytest.FixtureRequest) -> Any:
    """Either service bound to the mock (the test runs once with each)."""
    return request.getfixturevalue("sservice" if request.param == "sync" else "aservice")


@pytest.fixture
def sleeps(monkeypatch: pytest.MonkeyPatch) -> Sleeps:
    """No real waiting in either service; every wait is recorded."""
    fake = Sleeps()
    monkeypatch.setattr("pywats_production._async_service.asleep", fake.asleep)
    monkeypatch.setattr("pywats_production._sync_service.sleep", fake.sleep)
    return fake


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture
def rservice(request: pytest.FixtureRequest, recorder: Recorder) -> Iterator[Any]:
    """Either service against a Recorder (parametrise with indirect=True: sync/async)."""
    kind = getattr(request, "param", "async")
    transport = httpx.MockTransport(recorder)
    if kind == "sync":
        client = httpx.Client(transport=transport, base_url="https://wats.example.com")
        yield wp.ProductionService(
            "https://wats.example.com", TOKEN, http_client=client, retry=FAST
        )
        client.close()
    else:
        aclient = httpx.AsyncClient(transport=transport, base_url="https://wats.example.com")
        yield wp.AsyncProductionService(
            "https://wats.example.com", TOKEN, http_client=aclient, retry=FAST
        )

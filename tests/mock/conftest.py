"""Fixtures for the contract mock's own tests: raw httpx against the app."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
from mockhelpers import BASE, FakeClock

from pywats_production.mock import MockApp, MockAsyncTransport, create_app


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def app(clock: FakeClock) -> Iterator[MockApp]:
    # These tests check the mock's rules by its machine-readable codes: problem style.
    mock = create_app(seed="demo", clock=clock, error_style="problem")
    yield mock
    assert mock.violations == [], [str(v) for v in mock.violations]


@pytest.fixture
async def api(app: MockApp) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(transport=MockAsyncTransport(app), base_url=BASE) as client:
        yield client

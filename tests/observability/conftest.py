"""Fixtures for the observability tests: services on httpx.MockTransport with scripted answers."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from obshelpers import BASE, FAST, TOKEN, Script

import pywats_production as wp


@pytest.fixture
def script() -> Script:
    return Script()


@pytest.fixture
def make_sync(script: Script) -> Iterator[Callable[..., wp.ProductionService]]:
    clients: list[httpx.Client] = []

    def make(**kwargs: Any) -> wp.ProductionService:
        client = httpx.Client(transport=httpx.MockTransport(script), base_url=BASE)
        clients.append(client)
        kwargs.setdefault("retry", FAST)
        return wp.ProductionService(BASE, TOKEN, http_client=client, **kwargs)

    yield make
    for client in clients:
        client.close()


@pytest.fixture
def make_async(script: Script) -> Callable[..., wp.AsyncProductionService]:
    def make(**kwargs: Any) -> wp.AsyncProductionService:
        client = httpx.AsyncClient(transport=httpx.MockTransport(script), base_url=BASE)
        kwargs.setdefault("retry", FAST)
        return wp.AsyncProductionService(BASE, TOKEN, http_client=client, **kwargs)

    return make


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"

"""Fixtures for service tests against httpx.MockTransport (exact requests, canned answers)."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

import pywats_production as wp
from tests.recorder import Recorder

BASE = "https://wats.example.com"
TOKEN = "dXNlcjpzZWNyZXQtcGFzcw=="  # base64("user:secret-pass")


FAST = wp.RetryPolicy(max_attempts=3, initial_backoff=0, jitter=0, deadline=10)


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture
def sync_service(recorder: Recorder) -> Iterator[wp.ProductionService]:
    client = httpx.Client(transport=httpx.MockTransport(recorder), base_url=BASE)
    with wp.ProductionService(BASE, TOKEN, http_client=client, retry=FAST) as service:
        yield service
    client.close()


@pytest.fixture
def async_client(recorder: Recorder) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.MockTransport(recorder), base_url=BASE)


@pytest.fixture
def async_service(async_client: httpx.AsyncClient) -> wp.AsyncProductionService:
    return wp.AsyncProductionService(BASE, TOKEN, http_client=async_client, retry=FAST)

"""Fixtures for service tests against httpx.MockTransport (exact requests, canned answers)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

import pywats_production as wp

BASE = "https://wats.example.com"
TOKEN = "dXNlcjpzZWNyZXQtcGFzcw=="  # base64("user:secret-pass")


class Recorder:
    """Records requests and answers them from a queue of canned responses (or a function)."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []
        self.answers: list[
            httpx.Response | Exception | Callable[[httpx.Request], httpx.Response]
        ] = []

    def add(
        self,
        status: int = 200,
        body: Any = None,
        *,
        text: str | None = None,
        content_type: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        hdrs = dict(headers or {})
        if text is not None:
            hdrs.setdefault("content-type", content_type or "text/plain")
            self.answers.append(httpx.Response(status, text=text, headers=hdrs))
        elif body is None:
            self.answers.append(httpx.Response(status, headers=hdrs))
        else:
            hdrs.setdefault("content-type", content_type or "application/json")
            self.answers.append(
                httpx.Response(status, content=json.dumps(body).encode(), headers=hdrs)
            )

    def fail(self, exc: Exception) -> None:
        self.answers.append(exc)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        request.read()
        self.requests.append(request)
        if not self.answers:
            raise AssertionError(f"unexpected request {request.method} {request.url}")
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        if callable(answer) and not isinstance(answer, httpx.Response):
            return answer(request)
        return answer

    @property
    def last(self) -> httpx.Request:
        return self.requests[-1]


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

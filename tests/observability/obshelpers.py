"""Helpers of the observability tests: scripted httpx.MockTransport answers, secrets."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from typing import Any

import httpx

import pywats_production as wp

BASE = "https://wats.example.com"
TOKEN = "dXNlcjpzZWNyZXQtcGFzcw=="  # base64("user:secret-pass")
#: Every form of the credentials that must never show up in logs, spans, metrics or errors.
SECRETS = (TOKEN, base64.b64decode(TOKEN).decode(), "secret-pass")
FAST = wp.RetryPolicy(max_attempts=3, initial_backoff=0, jitter=0, deadline=10)

UNIT = {"serialNumber": "SN1", "partNumber": "PCBA-100", "revision": "A", "unitPhaseId": 2}

Answer = httpx.Response | Exception | Callable[[httpx.Request], httpx.Response]


def json_response(status: int = 200, body: Any = None, **headers: str) -> httpx.Response:
    content = b"" if body is None else json.dumps(body).encode()
    hdrs = {"content-type": "application/json", **headers} if body is not None else headers
    return httpx.Response(status, content=content, headers=hdrs)


class Script:
    """Answers requests from a queue; records what was sent."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []
        self.answers: list[Answer] = []

    def add(self, *answers: Answer) -> Script:
        self.answers.extend(answers)
        return self

    def __call__(self, request: httpx.Request) -> httpx.Response:
        request.read()
        self.requests.append(request)
        if not self.answers:
            raise AssertionError(f"unexpected request {request.method} {request.url}")
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        if isinstance(answer, httpx.Response):
            return answer
        return answer(request)

    @property
    def request_ids(self) -> list[str]:
        return [r.headers["X-Request-ID"] for r in self.requests]


def assert_no_secret(text: str) -> None:
    for secret in SECRETS:
        assert secret not in text, f"secret {secret!r} leaked into {text[:200]!r}"

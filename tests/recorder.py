"""A recording httpx.MockTransport handler shared by the service and reliability tests."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx

Answer = httpx.Response | Exception | Callable[[httpx.Request], httpx.Response]


class Recorder:
    """Records requests and answers them from a queue (responses, exceptions, functions)."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []
        self.answers: list[Answer] = []

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

    def paths(self) -> list[str]:
        return [r.url.path for r in self.requests]

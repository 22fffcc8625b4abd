"""Helpers shared by the contract mock's tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx

BASE = "http://wats-mock"


class FakeClock:
    """A clock the tests move by hand."""

    def __init__(self, start: datetime | None = None) -> None:
        self.now = start or datetime(2026, 11, 26, 5, 0, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


async def put_units(api: httpx.AsyncClient, *units: dict[str, object]) -> dict[str, object]:
    response = await api.put("/api/Production/Units", json=list(units))
    assert response.status_code == 200, response.text
    result: dict[str, object] = response.json()
    return result


def problem_code(response: httpx.Response) -> str | None:
    assert response.headers["content-type"] == "application/problem+json", response.text
    code: str | None = response.json().get("code")
    return code

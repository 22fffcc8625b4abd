"""The admin API under /_mock/ (outside the WATS contract; see docs/mock.md)."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Mapping
from pathlib import Path
from typing import Protocol

from starlette.requests import Request
from starlette.responses import Response

from ._contract import MAX_BODY_BYTES, BodyTooLarge, load_json
from ._domain import DomainError
from ._faults import FaultInjector, FaultPlanError
from ._formats import parse_date_time
from ._problem import problem
from ._store import SeedError, Store


class AdminTarget(Protocol):
    """What the admin routes need of the mock (the app passes itself; no import of it)."""

    store: Store
    faults: FaultInjector

    def reset(self, seed: str | Path | Mapping[str, object] | None = None) -> None:
        """Clear the state and apply a seed."""


Endpoint = Callable[[Request], Awaitable[Response]]


class AdminError(Exception):
    """A malformed admin request (answered 400)."""


def _ok(value: object) -> Response:
    return Response(json.dumps(value).encode(), 200, media_type="application/json")


async def _body(request: Request) -> object:
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        raise BodyTooLarge(MAX_BODY_BYTES)
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            raise BodyTooLarge(MAX_BODY_BYTES)
        chunks.append(chunk)
    raw = b"".join(chunks)
    if not raw.strip():
        return None
    try:
        return load_json(raw)
    except ValueError as exc:
        raise AdminError(f"the body is not usable JSON: {exc}") from None


def _guard(endpoint: Endpoint) -> Endpoint:
    async def wrapped(request: Request) -> Response:
        try:
            return await endpoint(request)
        except (AdminError, SeedError, FaultPlanError, ValueError, TypeError, KeyError) as exc:
            return problem(400, "invalid_admin_request", str(exc))
        except DomainError as exc:
            return problem(exc.status, exc.code, exc.detail, exc.parameter)
        except BodyTooLarge as exc:
            return problem(413, "body_too_large", str(exc), headers={"Connection": "close"})

    return wrapped


def _result(raw: object, store_app: AdminTarget) -> None:
    if not isinstance(raw, Mapping):
        raise AdminError("a process result must be an object")
    status = raw.get("status")
    if status not in ("Passed", "Failed"):
        raise AdminError("status must be Passed or Failed")
    code = raw.get("processCode")
    if not isinstance(code, int) or isinstance(code, bool):
        raise AdminError("processCode must be an integer")
    serial = raw.get("serialNumber")
    if not isinstance(serial, str) or not serial:
        raise AdminError("serialNumber is required")
    start = raw.get("startUtc")
    started = parse_date_time(start) if isinstance(start, str) else None
    if start is not None and started is None:
        raise AdminError(f"startUtc {start!r} is not an RFC 3339 date-time")
    part = raw.get("partNumber")
    station = raw.get("stationName")
    store_app.store.add_process_result(
        serial,
        part if isinstance(part, str) else None,
        code,
        status == "Passed",
        station if isinstance(station, str) else None,
        started,
        bool(raw.get("repaired", False)),
    )


def admin_routes(app: AdminTarget) -> list[tuple[str, Endpoint, list[str]]]:
    """Build the admin endpoints bound to ``app``.

    Args:
        app: The mock whose state they manage.

    Returns:
        (path, endpoint, methods) for each admin route.

    """

    async def reset(request: Request) -> Response:
        body = await _body(request)
        seed = body.get("seed") if isinstance(body, Mapping) else None
        if seed is not None and not isinstance(seed, str | Mapping):
            raise AdminError("seed must be demo, empty or a seed document")
        if isinstance(seed, str) and seed not in ("demo", "empty"):
            raise AdminError("a seed given by name must be demo or empty")
        app.reset(seed)
        return _ok(app.store.summary())

    async def seed(request: Request) -> Response:
        body = await _body(request)
        if not isinstance(body, Mapping):
            raise AdminError("the seed must be a JSON object")
        app.store.apply_seed(body)
        return _ok(app.store.summary())

    async def process_results(request: Request) -> Response:
        body = await _body(request)
        items = body if isinstance(body, list) else [body]
        for item in items:
            _result(item, app)
        return _ok({"added": len(items)})

    async def state(request: Request) -> Response:
        return _ok(app.store.summary())

    async def serial_numbers(request: Request) -> Response:
        counts = app.store.pool_counts(request.path_params["type"])
        return _ok(
            {"name": counts.name, "size": counts.size, "free": counts.free, "taken": counts.taken}
        )

    async def faults(request: Request) -> Response:
        if request.method == "GET":
            return _ok(app.faults.report())
        if request.method == "DELETE":
            app.faults.clear()
            return _ok(app.faults.report())
        body = await _body(request)
        plan = body.get("faults") if isinstance(body, Mapping) else body
        if not isinstance(plan, list) or not all(isinstance(r, Mapping) for r in plan):
            raise AdminError('the plan must be a list of rules or {"faults": [...]}')
        app.faults.set_plan(plan)
        return _ok(app.faults.report())

    return [
        ("/_mock/reset", _guard(reset), ["POST"]),
        ("/_mock/seed", _guard(seed), ["POST"]),
        ("/_mock/process-results", _guard(process_results), ["POST"]),
        ("/_mock/state", _guard(state), ["GET"]),
        ("/_mock/serial-numbers/{type}", _guard(serial_numbers), ["GET"]),
        ("/_mock/faults", _guard(faults), ["GET", "POST", "DELETE"]),
    ]

"""Problem answers (``application/problem+json``) of the mock, for its API and its admin API.

Its own module so that the app and the admin routes both use it without importing each
other.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from http import HTTPStatus

from starlette.responses import Response

__all__ = ["error_response", "json_bytes", "problem"]


def json_bytes(value: object) -> bytes:
    """Encode ``value`` as compact UTF-8 JSON (the bytes every mock answer carries)."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def problem(
    status: int,
    code: str | None,
    detail: str,
    parameter: str | None = None,
    headers: Mapping[str, str] | None = None,
) -> Response:
    """Build an ``application/problem+json`` answer (docs/wire-formats.md).

    Args:
        status: HTTP status.
        code: Machine-readable reason (``unit_not_found``, ...).
        detail: Human-readable explanation.
        parameter: The offending parameter, when one is to blame.
        headers: Extra headers (Retry-After, WWW-Authenticate, Allow).

    Returns:
        The response.

    """
    body: dict[str, object] = {
        "title": HTTPStatus(status).phrase if status in HTTPStatus._value2member_map_ else "Error",
        "status": status,
        "detail": detail,
    }
    if code is not None:
        body["code"] = code
    if parameter is not None:
        body["parameter"] = parameter
    return Response(
        json_bytes(body), status, headers=dict(headers or {}), media_type="application/problem+json"
    )


def error_response(
    style: str,
    status: int,
    code: str | None,
    detail: str,
    parameter: str | None = None,
    headers: Mapping[str, str] | None = None,
) -> Response:
    """Build an error answer in one of the mock's error styles.

    Args:
        style: ``text`` (the server's bare message, ``text/plain``), ``webapi``
            (``{"Message": ...}`` as ASP.NET Web API words it) or ``problem``
            (``application/problem+json`` with ``code`` and ``parameter``).
        status: HTTP status.
        code: Machine-readable reason (only the problem style sends it).
        detail: Human-readable explanation.
        parameter: The offending parameter (only the problem style sends it).
        headers: Extra headers (Retry-After, WWW-Authenticate, Allow).

    Returns:
        The response.

    """
    if style == "problem":
        return problem(status, code, detail, parameter, headers)
    if style == "webapi":
        return Response(
            json_bytes({"Message": detail}),
            status,
            headers=dict(headers or {}),
            media_type="application/json",
        )
    return Response(
        detail.encode("utf-8"), status, headers=dict(headers or {}), media_type="text/plain"
    )

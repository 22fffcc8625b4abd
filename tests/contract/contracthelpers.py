"""Helpers of the capture/verify/pin/replay tests: a token with every awkward character,
the CLI run in-process, and ASGI proxies around the mock that drift or leak the token."""

from __future__ import annotations

import base64
import io
import json
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import quote, quote_plus

import attrs

from pywats_production.cli import run

USER = "capture-user"
# A password whose JSON-escaped, percent-encoded and base64 forms all differ from it.
PASSWORD = 'S3cr3t pass/wörd+"q"\\&%?'
TOKEN = base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode("ascii")
PREFIX = "ZZCAP-"
BOX = ["--box-parent-pn", "BOX-900", "--box-child-pn", "PCBA-100"]


def secret_forms() -> set[str]:
    """Every form the token can take in a cassette: raw, its base64 parts, escaped, encoded."""
    forms: set[str] = set()
    for secret in (TOKEN, f"{USER}:{PASSWORD}", PASSWORD):
        raw = secret.encode()
        forms |= {
            secret,
            json.dumps(secret)[1:-1],
            json.dumps(secret, ensure_ascii=False)[1:-1],
            quote(secret, safe=""),
            quote(secret, safe="").lower(),
            quote_plus(secret, safe=""),
            base64.b64encode(raw).decode(),
            base64.urlsafe_b64encode(raw).decode().rstrip("="),
        }
    return forms


@attrs.frozen
class Result:
    code: int
    out: str
    err: str


def cli(*argv: str, env: Mapping[str, str] | None = None) -> Result:
    out, err = io.StringIO(), io.StringIO()
    code = run(list(argv), out=out, err=err, environ=dict(env or {}))
    return Result(code, out.getvalue(), err.getvalue())


Rewrite = Callable[[str, str, Any], Any]


class JsonRewriter:
    """An ASGI proxy that rewrites the JSON answers of the app it wraps.

    ``rewrite(method, path, body)`` returns the new body (or the same object).
    """

    def __init__(self, app: Any, rewrite: Rewrite) -> None:
        self.app = app
        self.rewrite = rewrite

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start: dict[str, Any] = {}
        chunks: list[bytes] = []

        async def capture(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                start.update(message)
                return
            chunks.append(message.get("body", b""))
            if message.get("more_body"):
                return
            body = b"".join(chunks)
            headers = [
                (k, v) for k, v in start.get("headers", []) if k.lower() != b"content-length"
            ]
            media = dict(headers).get(b"content-type", b"").split(b";")[0]
            if body and media == b"application/json":
                value = self.rewrite(scope["method"], scope["path"], json.loads(body))
                body = json.dumps(value).encode()
            headers.append((b"content-length", str(len(body)).encode()))
            await send({**start, "headers": headers})
            await send({"type": "http.response.body", "body": body})

        await self.app(scope, receive, capture)


def drift_unit(*, add: bool = True, rename: bool = True, retype: bool = True) -> Rewrite:
    """A rewrite of GET Unit answers: add a member, rename one, change a type."""

    def rewrite(method: str, path: str, body: Any) -> Any:
        if method != "GET" or not path.startswith("/api/Production/Unit/"):
            return body
        if not isinstance(body, dict):
            return body
        body = dict(body)
        if add:
            body["firmwareVersion"] = "1.2.3"
        if rename and "revision" in body:
            body["revisionCode"] = body.pop("revision")
        if retype and isinstance(body.get("unitPhaseId"), int):
            body["unitPhaseId"] = str(body["unitPhaseId"])
        return body

    return rewrite


class TokenEcho:
    """An ASGI proxy that leaks the Authorization header back in every form it can.

    In a response header kept by the cassette (WWW-Authenticate) and in JSON bodies of
    Version answers: raw, decoded, percent-encoded, as a JSON string that needs escapes.
    """

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        auth = dict(scope.get("headers", [])).get(b"authorization", b"").decode()
        token = auth.partition(" ")[2]
        decoded = base64.b64decode(token).decode() if token else ""
        password = decoded.partition(":")[2]
        leak = f"Basic {token} | {decoded} | {quote(password, safe='')} | {password}"

        async def echo(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers.append((b"www-authenticate", f'Basic realm="{token}"'.encode()))
                message = {**message, "headers": headers}
            await send(message)

        if scope["path"] == "/api/App/Version" and token:
            body = json.dumps(f"24.2.0 ({leak})").encode()
            await send(
                {
                    "type": "http.response.start",
                    "status": 200,
                    "headers": [
                        (b"content-type", b"application/json"),
                        (b"content-length", str(len(body)).encode()),
                        (b"www-authenticate", f'Basic realm="{token}"'.encode()),
                        (b"set-cookie", f"session={token}".encode()),
                    ],
                }
            )
            await send({"type": "http.response.body", "body": body})
            return
        await self.app(scope, receive, echo)

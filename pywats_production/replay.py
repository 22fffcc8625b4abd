"""Replay: answer requests from a cassette, offline, as the server answered them.

:class:`ReplayTransport` is an httpx transport, sync and async, that answers each request
with the recorded answer of the same operation and request (method, path values, query,
JSON body), taking recorded exchanges in order: the same request made twice gets the
first recorded answer, then the second. A request the cassette does not hold (or no
longer holds: every matching exchange was used) raises :class:`ReplayMismatchError`,
naming the request and what the cassette holds for that operation.

Example:
    >>> from pywats_production import ProductionService
    >>> from pywats_production.replay import ReplayTransport, replay_service
    >>> with replay_service("tests/cassettes/wats.jsonl") as wats:  # doctest: +SKIP
    ...     wats.get_unit("SN0001", "PCBA-100").phase

With pytest, mark a test and use the fixture (the plugin ships with the SDK)::

    @pytest.mark.wats_cassette("cassettes/wats-2026.1.jsonl")
    def test_station(wats_replay_service):
        assert wats_replay_service.get_unit("SN0001", "PCBA-100").part_number == "PCBA-100"

"""

from __future__ import annotations

import json
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl

import httpx

from .cassette import Cassette, Exchange, match_operation, read_cassette
from .errors import WatsError

if TYPE_CHECKING:
    from . import AsyncProductionService, ProductionService

__all__ = [
    "REPLAY_BASE_URL",
    "ReplayMismatchError",
    "ReplayTransport",
    "async_replay_service",
    "replay_service",
]

#: The base URL replay services use (any URL works: the transport never opens a socket).
REPLAY_BASE_URL = "http://wats-replay"


class ReplayMismatchError(WatsError):
    """A request that the cassette does not hold (or holds no unused answer for).

    Attributes:
        operation: operationId of the request, or None for a path the SDK does not know.
        method: HTTP method.
        path: the request path (percent-encoded).

    """

    def __init__(self, message: str, *, operation: str | None, method: str, path: str) -> None:
        super().__init__(message)
        self.operation = operation
        self.method = method
        self.path = path


def _json_body(content: bytes, content_type: str | None) -> object:
    media = (content_type or "").split(";", 1)[0].strip().lower()
    if not content or not (media == "application/json" or media.endswith("+json")):
        return None
    try:
        return json.loads(content)
    except ValueError:
        return None


def _recorded_json(exchange: Exchange) -> object:
    body = exchange.request_body
    return body.value if body is not None and body.kind == "json" else None


class ReplayTransport(httpx.BaseTransport, httpx.AsyncBaseTransport):
    """An httpx transport (sync and async) answering from a cassette.

    Args:
        cassette: a cassette file path, or a :class:`~pywats_production.cassette.Cassette`.

    Raises:
        WatsInputError: the file is not a readable cassette.

    Example:
        >>> transport = ReplayTransport("wats.cassette.jsonl")  # doctest: +SKIP
        >>> client = httpx.Client(transport=transport,  # doctest: +SKIP
        ...                       base_url="http://wats-replay")

    """

    def __init__(self, cassette: str | Path | Cassette) -> None:
        self.cassette = cassette if isinstance(cassette, Cassette) else read_cassette(cassette)
        self._used = [False] * len(self.cassette.exchanges)
        self._lock = threading.Lock()

    @property
    def unused(self) -> tuple[Exchange, ...]:
        """The exchanges no request has been answered with yet."""
        with self._lock:
            return tuple(
                e for e, u in zip(self.cassette.exchanges, self._used, strict=True) if not u
            )

    def rewind(self) -> None:
        """Make every exchange available again."""
        with self._lock:
            self._used = [False] * len(self._used)

    def answer(self, request: httpx.Request) -> httpx.Response:
        """Return the recorded answer of ``request``.

        Raises:
            ReplayMismatchError: the cassette holds no unused exchange for it.

        """
        raw_path = request.url.raw_path.decode("ascii").split("?", 1)[0]
        operation, _, values = match_operation(request.method, raw_path)
        query = sorted(parse_qsl(request.url.query.decode("ascii"), keep_blank_values=True))
        body = _json_body(request.content, request.headers.get("content-type"))
        with self._lock:
            for index, exchange in enumerate(self.cassette.exchanges):
                if self._used[index] or not self._same(
                    exchange, request.method, raw_path, operation, values, query, body
                ):
                    continue
                self._used[index] = True
                return self._response(exchange, request)
        raise self._mismatch(request.method, raw_path, operation, query)

    @staticmethod
    def _same(
        exchange: Exchange,
        method: str,
        raw_path: str,
        operation: str | None,
        values: dict[str, str],
        query: list[tuple[str, str]],
        body: object,
    ) -> bool:
        if exchange.method != method or exchange.operation != operation:
            return False
        if operation is None and exchange.path != raw_path:
            return False
        if dict(exchange.path_values) != values or sorted(exchange.query) != query:
            return False
        # Multipart bodies carry a random boundary: only JSON bodies are compared.
        return _recorded_json(exchange) == body

    def _response(self, exchange: Exchange, request: httpx.Request) -> httpx.Response:
        content = exchange.response_body.to_bytes() if exchange.response_body else b""
        headers = dict(exchange.response_headers)
        headers["content-length"] = str(len(content))
        return httpx.Response(exchange.status, headers=headers, content=content, request=request)

    def _mismatch(
        self,
        method: str,
        raw_path: str,
        operation: str | None,
        query: Sequence[tuple[str, str]],
    ) -> ReplayMismatchError:
        same_op = [
            (e, u)
            for e, u in zip(self.cassette.exchanges, self._used, strict=True)
            if e.operation == operation and e.method == method
        ]
        asked = f"{method} {raw_path}" + (
            "?" + "&".join(f"{k}={v}" for k, v in query) if query else ""
        )
        if not same_op:
            held = ", ".join(self.cassette.operations) or "nothing"
            text = (
                f"the cassette holds no {operation or 'such'} exchange for {asked} "
                f"(it holds: {held}); capture again with this request"
            )
        else:
            unused = [e for e, u in same_op if not u]
            shown = "; ".join(
                e.path + ("?" + e.query_string() if e.query else "") for e in unused[:3]
            )
            text = (
                f"the cassette holds {len(same_op)} {operation} exchange(s), "
                f"{len(unused)} unused, none for {asked}"
                + (f" (unused: {shown})" if shown else " (all were used)")
            )
        return ReplayMismatchError(text, operation=operation, method=method, path=raw_path)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        """Answer a request of a sync client."""
        request.read()
        return self.answer(request)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Answer a request of an async client."""
        await request.aread()
        return self.answer(request)


def replay_service(cassette: str | Path | Cassette, **kwargs: Any) -> ProductionService:
    """Return a ``ProductionService`` answering from ``cassette``.

    Args:
        cassette: the cassette file or object.
        **kwargs: other constructor arguments (``strict=True`` is a good idea in tests).

    Returns:
        The service (its client is closed with it).

    Example:
        >>> with replay_service("wats.cassette.jsonl", strict=True) as wats:  # doctest: +SKIP
        ...     wats.server_version()

    """
    from . import ProductionService

    client = httpx.Client(transport=ReplayTransport(cassette), base_url=REPLAY_BASE_URL)
    service = ProductionService(REPLAY_BASE_URL, http_client=client, **kwargs)
    service._owns_client = True  # the client exists for this service only
    return service


def async_replay_service(cassette: str | Path | Cassette, **kwargs: Any) -> AsyncProductionService:
    """Return an ``AsyncProductionService`` answering from ``cassette``.

    Args:
        cassette: the cassette file or object.
        **kwargs: other constructor arguments.

    Returns:
        The service (its client is closed with it).

    """
    from . import AsyncProductionService

    client = httpx.AsyncClient(transport=ReplayTransport(cassette), base_url=REPLAY_BASE_URL)
    service = AsyncProductionService(REPLAY_BASE_URL, http_client=client, **kwargs)
    service._owns_client = True
    return service

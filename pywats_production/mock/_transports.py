"""httpx transports that run the mock in-process and fail like a real socket."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Awaitable, Callable

import httpx
from starlette.types import Receive, Scope, Send

from ._faults import ConnectionDropped

ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]
_DROPPED = "Server disconnected without sending a response."


class MockAsyncTransport(httpx.AsyncBaseTransport):
    """Async httpx transport bound to an ASGI app (the mock) without sockets.

    A connection dropped by the fault plan raises ``httpx.RemoteProtocolError``, as on a
    real socket.

    Example:
        >>> from pywats_production.mock import create_app
        >>> client = httpx.AsyncClient(
        ...     transport=MockAsyncTransport(create_app()), base_url="http://wats-mock"
        ... )

    """

    def __init__(self, app: ASGIApp, client: tuple[str, int] = ("127.0.0.1", 50000)) -> None:
        """Bind to ``app``; ``client`` is the address the app sees (budgets key on it)."""
        self._inner = httpx.ASGITransport(app=app, client=client)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Run the request through the app.

        Raises:
            httpx.RemoteProtocolError: The fault plan dropped the connection.

        """
        try:
            return await self._inner.handle_async_request(request)
        except ConnectionDropped:
            raise httpx.RemoteProtocolError(_DROPPED, request=request) from None


class MockSyncTransport(httpx.BaseTransport):
    """Sync httpx transport bound to an ASGI app, run on a private event-loop thread.

    Example:
        >>> from pywats_production.mock import create_app
        >>> client = httpx.Client(transport=MockSyncTransport(create_app()), base_url="http://wats-mock")

    """

    def __init__(self, app: ASGIApp, client: tuple[str, int] = ("127.0.0.1", 50000)) -> None:
        """Bind to ``app``; ``client`` is the address the app sees (budgets key on it)."""
        self._async = MockAsyncTransport(app, client)
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None

    def _ensure_loop(self) -> asyncio.AbstractEventLoop:
        with self._lock:
            if self._loop is None:
                loop = asyncio.new_event_loop()
                # A daemon thread: a client that is never closed cannot hang the interpreter.
                thread = threading.Thread(
                    target=loop.run_forever, name="wats-mock-sync-transport", daemon=True
                )
                thread.start()
                self._loop, self._thread = loop, thread
            return self._loop

    async def _send(self, request: httpx.Request) -> httpx.Response:
        response = await self._async.handle_async_request(request)
        body = await response.aread()
        return httpx.Response(
            response.status_code,
            headers=response.headers,
            stream=httpx.ByteStream(body),
            extensions=response.extensions,
        )

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        """Run the request through the app and wait for the answer.

        Raises:
            httpx.RemoteProtocolError: The fault plan dropped the connection.

        """
        content = request.read()
        copy = httpx.Request(
            request.method,
            request.url,
            headers=request.headers,
            content=content,
            extensions=request.extensions,
        )
        future = asyncio.run_coroutine_threadsafe(self._send(copy), self._ensure_loop())
        try:
            return future.result()
        except httpx.RemoteProtocolError as exc:
            raise httpx.RemoteProtocolError(str(exc), request=request) from None

    def close(self) -> None:
        """Stop the event-loop thread."""
        with self._lock:
            loop, thread = self._loop, self._thread
            self._loop = self._thread = None
        if loop is not None and thread is not None:
            loop.call_soon_threadsafe(loop.stop)
            thread.join(timeout=5)
            loop.close()

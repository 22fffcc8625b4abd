"""Hard bounds on one attempt: its deadline and the size of what it reads.

httpx applies its timeouts per network operation: a server that sends one byte (or one
``102 Processing``) a little faster than the read timeout keeps a call alive for ever,
and a compressed answer is inflated in whatever size it comes. The services therefore:

- run every attempt inside :func:`bounded` / :func:`abounded`, which set the call's
  absolute deadline in a context variable. The network backend wrapped around the
  HTTP client's connection pools (:func:`install_deadline`) shortens every connect, read
  and write to the time left, and fails the operation once none is left, so the deadline
  holds however the server trickles. The async flavour also cancels the attempt when the
  deadline passes, which bounds clients whose transport cannot be wrapped.
- read every answer with :func:`read_capped` / :func:`aread_capped`: the raw bytes are
  inflated here (gzip and deflate only; the services announce no other encoding) with
  a limit on the *inflated* size, so a 1 MB gzip bomb never becomes 1 GB in memory.
"""

# ruff: noqa: ASYNC109  # httpcore's stream interface takes timeouts; this wraps it
from __future__ import annotations

import contextlib
import time
import zlib
from collections.abc import AsyncIterator, Iterable, Iterator
from contextvars import ContextVar
from typing import Any, Final

import httpcore
import httpx

__all__ = [
    "ACCEPT_ENCODING",
    "ERROR_BODY_CAP",
    "BodyTooLarge",
    "abounded",
    "aread_capped",
    "bounded",
    "install_deadline",
    "read_capped",
]

ACCEPT_ENCODING: Final = "gzip, deflate"
"""The encodings the services accept: the ones :class:`_Inflater` can bound."""

ERROR_BODY_CAP: Final = 64 * 1024
"""Bytes read of an error answer: more than the error keeps or parses; the rest is dropped."""

_INFLATE_STEP: Final = 256 * 1024
"""Largest piece inflated at once: the memory an inflating read needs beyond its cap."""

_DEADLINE: ContextVar[float | None] = ContextVar("pywats_production_deadline", default=None)


class BodyTooLarge(Exception):
    """An answer's (inflated) size passed the cap; ``received`` is what was counted."""

    def __init__(self, received: int) -> None:
        super().__init__(received)
        self.received = received


def _left(timeout: float | None, error: type[Exception]) -> float | None:
    deadline = _DEADLINE.get()
    if deadline is None:
        return timeout
    left = deadline - time.monotonic()
    if left <= 0:
        raise error("the call's deadline has passed")
    return left if timeout is None else min(timeout, left)


class _Stream(httpcore.NetworkStream):
    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, _left(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, _left(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self,
        ssl_context: Any,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        inner = self._inner.start_tls(
            ssl_context, server_hostname, _left(timeout, httpcore.ConnectTimeout)
        )
        return _Stream(inner)

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class _Backend(httpcore.NetworkBackend):
    def __init__(self, inner: httpcore.NetworkBackend) -> None:
        self._inner = inner

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        stream = self._inner.connect_tcp(
            host, port, _left(timeout, httpcore.ConnectTimeout), local_address, socket_options
        )
        return _Stream(stream)

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.NetworkStream:
        stream = self._inner.connect_unix_socket(
            path, _left(timeout, httpcore.ConnectTimeout), socket_options
        )
        return _Stream(stream)

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


class _AsyncStream(httpcore.AsyncNetworkStream):
    def __init__(self, inner: httpcore.AsyncNetworkStream) -> None:
        self._inner = inner

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return await self._inner.read(max_bytes, _left(timeout, httpcore.ReadTimeout))

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        await self._inner.write(buffer, _left(timeout, httpcore.WriteTimeout))

    async def aclose(self) -> None:
        await self._inner.aclose()

    async def start_tls(
        self,
        ssl_context: Any,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.AsyncNetworkStream:
        inner = await self._inner.start_tls(
            ssl_context, server_hostname, _left(timeout, httpcore.ConnectTimeout)
        )
        return _AsyncStream(inner)

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class _AsyncBackend(httpcore.AsyncNetworkBackend):
    def __init__(self, inner: httpcore.AsyncNetworkBackend) -> None:
        self._inner = inner

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        stream = await self._inner.connect_tcp(
            host, port, _left(timeout, httpcore.ConnectTimeout), local_address, socket_options
        )
        return _AsyncStream(stream)

    async def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.AsyncNetworkStream:
        stream = await self._inner.connect_unix_socket(
            path, _left(timeout, httpcore.ConnectTimeout), socket_options
        )
        return _AsyncStream(stream)

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


def install_deadline(client: httpx.Client | httpx.AsyncClient) -> bool:
    """Wrap the network backend of every connection pool of ``client`` (idempotent).

    Outside a :func:`bounded` block the wrapper changes nothing, so a client shared with
    other code behaves as before. Transports without an httpcore pool (a MockTransport,
    a custom transport) are left alone.

    Returns:
        True when at least one pool was wrapped (or already was).

    """
    # httpx keeps its pools in private attributes; when that changes, the async deadline
    # (cancellation) still holds and the sync one falls back to per-read timeouts.
    transports = [getattr(client, "_transport", None)]
    transports += list(getattr(client, "_mounts", {}).values())
    wrapped = False
    for transport in transports:
        pool = getattr(transport, "_pool", None)
        backend = getattr(pool, "_network_backend", None)
        if backend is None:
            continue
        if isinstance(backend, _Backend | _AsyncBackend):
            wrapped = True
        elif isinstance(backend, httpcore.AsyncNetworkBackend):
            pool._network_backend = _AsyncBackend(backend)  # type: ignore[union-attr]
            wrapped = True
        elif isinstance(backend, httpcore.NetworkBackend):
            pool._network_backend = _Backend(backend)  # type: ignore[union-attr]
            wrapped = True
    return wrapped


class bounded:  # used like a function, as its async twin
    """Bound every network operation inside the ``with`` block to ``seconds`` from now."""

    __slots__ = ("_deadline", "_token")

    def __init__(self, seconds: float) -> None:
        self._deadline = time.monotonic() + max(seconds, 0.0)

    def __enter__(self) -> None:
        self._token = _DEADLINE.set(self._deadline)

    def __exit__(self, *exc_info: object) -> None:
        _DEADLINE.reset(self._token)


@contextlib.asynccontextmanager
async def abounded(seconds: float) -> AsyncIterator[None]:
    """Async :func:`bounded`; the block is also cancelled when the time is up.

    Raises:
        httpx.ReadTimeout: the deadline passed while the block was running.

    """
    import asyncio  # here: the sync service and `import pywats_production` do without

    seconds = max(seconds, 0.0)
    token = _DEADLINE.set(time.monotonic() + seconds)
    try:
        async with asyncio.timeout(seconds + 0.05):
            yield
    except TimeoutError as exc:
        raise httpx.ReadTimeout("the call's deadline has passed") from exc
    finally:
        _DEADLINE.reset(token)


class _Inflater:
    """Inflates a body of one content coding, never producing more than it is asked for."""

    __slots__ = ("_deflate", "_z")

    def __init__(self, encoding: str) -> None:
        codings = [c.strip().lower() for c in encoding.split(",") if c.strip()]
        codings = [c for c in codings if c != "identity"]
        self._deflate = False
        self._z: Any = None
        if not codings:
            return
        if len(codings) > 1:
            raise ValueError(f"unsupported content-encoding {encoding!r}")
        coding = codings[0]
        if coding in ("gzip", "x-gzip"):
            self._z = zlib.decompressobj(zlib.MAX_WBITS | 16)
        elif coding == "deflate":
            self._deflate = True
            self._z = zlib.decompressobj()
        else:
            raise ValueError(f"unsupported content-encoding {encoding!r}")

    def feed(self, data: bytes, room: int) -> Iterator[bytes]:
        """Yield the inflated bytes of ``data`` in pieces of at most 256 KiB.

        In all at most ``room + 1`` bytes come out before the caller (who counts) stops.
        """
        if self._z is None:
            yield data
            return
        try:
            while data:
                step = min(room + 1, _INFLATE_STEP)
                if self._deflate:
                    try:
                        out = self._z.decompress(data, step)
                    except zlib.error:
                        # Some servers send raw deflate without the zlib wrapper.
                        self._z = zlib.decompressobj(-zlib.MAX_WBITS)
                        out = self._z.decompress(data, step)
                    self._deflate = False
                else:
                    out = self._z.decompress(data, step)
                data = self._z.unconsumed_tail
                room -= len(out)
                yield out
        except zlib.error as exc:
            raise ValueError(f"the body does not inflate: {exc}") from exc


def _declared(response: httpx.Response) -> int | None:
    value = response.headers.get("content-length")
    return int(value) if value is not None and value.isdigit() else None


def _cut(body: bytes, limit: int, truncate: bool) -> bytes:
    if len(body) <= limit:
        return body
    if truncate:
        return body[:limit]
    raise BodyTooLarge(len(body))


def read_capped(response: httpx.Response, limit: int, *, truncate: bool = False) -> bytes:
    """Read a streamed answer, inflated, refusing (or cutting) it past ``limit`` bytes.

    Raises:
        BodyTooLarge: the (inflated) body is larger than ``limit`` (not with ``truncate``).
        ValueError: an unsupported or broken content coding.

    """
    try:
        # A transport that answers in-process (httpx.MockTransport) hands over a read body.
        return _cut(response.content, limit, truncate)
    except httpx.ResponseNotRead:
        pass
    inflater = _Inflater(response.headers.get("content-encoding", ""))
    declared = _declared(response)
    if not truncate and declared is not None and inflater._z is None and declared > limit:
        raise BodyTooLarge(declared)
    chunks: list[bytes] = []
    size = 0
    for raw in response.iter_raw():
        for piece in inflater.feed(raw, limit - size):
            size += len(piece)
            if size > limit:
                if truncate:
                    chunks.append(piece[: len(piece) - (size - limit)])
                    return b"".join(chunks)
                # Nothing of the body stays in this frame's locals (tracebacks show them).
                chunks.clear()
                raw = piece = b""
                raise BodyTooLarge(size)
            chunks.append(piece)
    return b"".join(chunks)


async def aread_capped(response: httpx.Response, limit: int, *, truncate: bool = False) -> bytes:
    """Async :func:`read_capped`."""
    try:
        # A transport that answers in-process (httpx.MockTransport) hands over a read body.
        return _cut(response.content, limit, truncate)
    except httpx.ResponseNotRead:
        pass
    inflater = _Inflater(response.headers.get("content-encoding", ""))
    declared = _declared(response)
    if not truncate and declared is not None and inflater._z is None and declared > limit:
        raise BodyTooLarge(declared)
    chunks: list[bytes] = []
    size = 0
    async for raw in response.aiter_raw():
        for piece in inflater.feed(raw, limit - size):
            size += len(piece)
            if size > limit:
                if truncate:
                    chunks.append(piece[: len(piece) - (size - limit)])
                    return b"".join(chunks)
                # Nothing of the body stays in this frame's locals (tracebacks show them).
                chunks.clear()
                raw = piece = b""
                raise BodyTooLarge(size)
            chunks.append(piece)
    return b"".join(chunks)

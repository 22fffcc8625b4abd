"""Serving the mock over real sockets with uvicorn: a CLI server and a test-thread server."""

from __future__ import annotations

import contextlib
import logging
import signal
import sys
import threading
import time
from collections.abc import Iterator
from types import FrameType
from typing import TextIO

import uvicorn

from ._app import MockApp
from ._faults import ConnectionDropped


class _QuietDrops(logging.Filter):
    """Hide uvicorn's traceback for connections the fault plan drops on purpose."""

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        return not isinstance(exc, ConnectionDropped)


def _install_filter() -> None:
    error_logger = logging.getLogger("uvicorn.error")
    if not any(isinstance(f, _QuietDrops) for f in error_logger.filters):
        error_logger.addFilter(_QuietDrops())


def _config(app: MockApp, host: str, port: int, log_level: str) -> uvicorn.Config:
    _install_filter()
    return uvicorn.Config(
        app,
        host=host,
        port=port,
        http="h11",
        lifespan="on",
        access_log=False,
        log_level=log_level,
        log_config=None,
        timeout_keep_alive=30,
        backlog=2048,
    )


def _url(host: str, port: int) -> str:
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def _bound_port(server: uvicorn.Server) -> int:
    for listener in getattr(server, "servers", []):
        for sock in listener.sockets:
            return int(sock.getsockname()[1])
    raise RuntimeError("uvicorn has no listening socket")


class _AnnouncingServer(uvicorn.Server):
    def __init__(self, config: uvicorn.Config, out: TextIO) -> None:
        super().__init__(config)
        self._out = out

    async def startup(self, sockets: list[object] | None = None) -> None:  # type: ignore[override]
        await super().startup(sockets)  # type: ignore[arg-type]
        if self.started:
            print(
                f"pywats-production mock listening on {_url(self.config.host, _bound_port(self))}",
                file=self._out,
                flush=True,
            )


def serve(
    app: MockApp,
    host: str = "127.0.0.1",
    port: int = 8765,
    *,
    log_level: str = "warning",
    out: TextIO | None = None,
) -> int:
    """Serve ``app`` until SIGINT or SIGTERM, then stop cleanly.

    Prints ``pywats-production mock listening on http://HOST:PORT`` once it accepts
    connections (with the real port when ``port`` is 0).

    Args:
        app: The mock.
        host: Interface to bind.
        port: Port to bind (0: any free port).
        log_level: uvicorn's log level.
        out: Where to print the URL (stdout when None).

    Returns:
        The exit status: 0 after a clean stop, 1 when the server could not start.

    Example:
        >>> serve(create_app(), port=0)  # doctest: +SKIP

    """
    server = _AnnouncingServer(_config(app, host, port, log_level), out or sys.stdout)

    def _ignore(signum: int, frame: FrameType | None) -> None:
        # uvicorn re-raises the signal it handled once it has stopped; ignoring it
        # then lets the process end with status 0 instead of dying of the signal.
        return None

    previous = {}
    if threading.current_thread() is threading.main_thread():
        previous = {sig: signal.signal(sig, _ignore) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        server.run()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return 0 if server.started else 1


@contextlib.contextmanager
def run_in_thread(
    app: MockApp, host: str = "127.0.0.1", port: int = 0, *, startup_timeout: float = 10.0
) -> Iterator[str]:
    """Serve ``app`` with uvicorn on a background thread for the ``with`` block.

    Args:
        app: The mock.
        host: Interface to bind (loopback by default).
        port: Port (0: a free one).
        startup_timeout: Seconds to wait for the server to accept connections.

    Yields:
        The base URL, for example ``http://127.0.0.1:54321``.

    Raises:
        RuntimeError: The server did not start in time.

    Example:
        >>> with run_in_thread(create_app()) as url:  # doctest: +SKIP
        ...     httpx.get(f"{url}/api/App/Version").json()
        '2026.3.0'

    """
    server = uvicorn.Server(_config(app, host, port, "warning"))
    thread = threading.Thread(target=server.run, name="wats-mock-server", daemon=True)
    thread.start()
    deadline = time.monotonic() + startup_timeout
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            server.should_exit = True
            raise RuntimeError("the mock server did not start")
        time.sleep(0.01)
    try:
        yield _url(host, _bound_port(server))
    finally:
        server.should_exit = True
        thread.join(timeout=startup_timeout)

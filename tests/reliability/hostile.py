"""Hostile HTTP servers on loopback, written on raw sockets (imported by name).

Each server accepts connections on 127.0.0.1 and hands every connection, once the
request head is read, to a behaviour: trickle bytes, send ``102 Processing`` for ever,
send a gzip bomb... Every behaviour is bounded (``LIFETIME`` seconds at most) and stops
as soon as the client goes away, so a test that fails cannot hang the suite.
"""

from __future__ import annotations

import contextlib
import functools
import socket
import threading
import time
import zlib
from collections.abc import Callable, Iterator

LIFETIME = 20.0
"""Longest time a behaviour keeps a connection: well past any test's bound."""

Behaviour = Callable[[socket.socket, bytes], None]


class HostileServer:
    """A loopback server running ``behaviour(connection, request_head)`` per connection."""

    def __init__(self, behaviour: Behaviour) -> None:
        self.behaviour = behaviour
        self.requests: list[bytes] = []
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(16)
        self._sock.settimeout(0.2)
        self.port = self._sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._sock.accept()
            except OSError:
                continue
            threading.Thread(target=self._handle, args=(conn,), daemon=True).start()

    def _handle(self, conn: socket.socket) -> None:
        with conn:
            conn.settimeout(LIFETIME)
            head = b""
            try:
                while b"\r\n\r\n" not in head and len(head) < 1 << 20:
                    data = conn.recv(65536)
                    if not data:
                        return
                    head += data
                self.requests.append(head)
                self.behaviour(conn, head)
            except OSError:
                return  # the client went away: what every test expects sooner or later

    def close(self) -> None:
        self._stop.set()
        self._sock.close()
        self._thread.join(timeout=2)


@contextlib.contextmanager
def serve(behaviour: Behaviour) -> Iterator[HostileServer]:
    server = HostileServer(behaviour)
    try:
        yield server
    finally:
        server.close()


def _until(seconds: float) -> Callable[[], bool]:
    end = time.monotonic() + seconds
    return lambda: time.monotonic() < end


def trickle_body(conn: socket.socket, head: bytes, interval: float = 0.1) -> None:
    """A 200 announcing 100 kB, then one byte every ``interval`` seconds."""
    conn.sendall(
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n"
    )
    alive = _until(LIFETIME)
    while alive():
        conn.sendall(b" ")
        time.sleep(interval)


def trickle_head(conn: socket.socket, head: bytes, interval: float = 0.1) -> None:
    """The status line and headers one byte every ``interval`` seconds (never ending)."""
    alive = _until(LIFETIME)
    line = b"HTTP/1.1 200 OK\r\n" + b"X-Slow: " + b"a" * 10_000
    for byte in line:
        if not alive():
            return
        conn.sendall(bytes([byte]))
        time.sleep(interval)


def processing_forever(conn: socket.socket, head: bytes, interval: float = 0.1) -> None:
    """``102 Processing`` every ``interval`` seconds, never a final answer."""
    alive = _until(LIFETIME)
    while alive():
        conn.sendall(b"HTTP/1.1 102 Processing\r\n\r\n")
        time.sleep(interval)


@functools.cache
def gzip_bomb(inflated: int = 128 * 1024 * 1024) -> bytes:
    """``inflated`` bytes of zeros, gzip-compressed (about a thousandth of that)."""
    z = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS | 16)
    block = b"\0" * (1 << 20)
    parts = [z.compress(block) for _ in range(inflated >> 20)]
    parts.append(z.flush())
    return b"".join(parts)


def answer_bomb(status: int) -> Behaviour:
    """A ``status`` answer whose body is a gzip bomb (JSON content type)."""

    def behaviour(conn: socket.socket, head: bytes) -> None:
        bomb = gzip_bomb()
        conn.sendall(
            f"HTTP/1.1 {status} X\r\nContent-Type: application/json\r\n"
            f"Content-Encoding: gzip\r\nContent-Length: {len(bomb)}\r\n\r\n".encode()
            + bomb
        )

    return behaviour


def endless_body(conn: socket.socket, head: bytes) -> None:
    """A 200 without a length whose body runs until the client leaves (or 256 MB)."""
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n")
    block = b" " * 65536
    alive = _until(LIFETIME)
    for _ in range(4096):
        if not alive():
            return
        conn.sendall(block)


def answer(status: int, body: bytes, content_type: str = "application/json") -> Behaviour:
    """One plain answer."""

    def behaviour(conn: socket.socket, head: bytes) -> None:
        conn.sendall(
            f"HTTP/1.1 {status} X\r\nContent-Type: {content_type}\r\n"
            f"Content-Length: {len(body)}\r\n\r\n".encode()
            + body
        )

    return behaviour

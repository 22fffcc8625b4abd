"""Loopback servers in child processes: the contract mock and a bare uvicorn baseline.

Servers run in their own interpreter so that the client being measured does not share a
GIL with them.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx

TOKEN = "YmVuY2g6YmVuY2g="  # noqa: S105 - base64("bench:bench"), the mock's test token
POOL_TYPE = "SerialNumber"
_LISTENING = re.compile(r"listening on (http://\S+)")


def write_seed(directory: Path) -> Path:
    """Write the bench seed: the demo seed with a serial-number pool of ~100 million."""
    from pywats_production.mock import DEMO_SEED

    seed = json.loads(json.dumps(DEMO_SEED))
    for kind in seed["serialNumberTypes"]:
        if kind["name"] == POOL_TYPE:
            kind["addresses"] = {"start": "SN00000001", "count": 99_999_999}
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "seed.json"
    path.write_text(json.dumps(seed), encoding="utf-8")
    return path


def _wait_ready(url: str, proc: subprocess.Popen[str], timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with status {proc.returncode}")
        try:
            httpx.get(
                url + "/api/App/Version", timeout=1.0, headers={"Authorization": f"Basic {TOKEN}"}
            )
        except httpx.HTTPError:
            time.sleep(0.05)
            continue
        return
    raise RuntimeError("server did not become ready")


@contextlib.contextmanager
def _child(args: list[str], url: str | None = None) -> Iterator[str]:
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    proc = subprocess.Popen(  # noqa: S603 - our own interpreter and module
        [sys.executable, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=env,
    )
    try:
        if url is None:
            assert proc.stdout is not None
            deadline = time.monotonic() + 30
            while url is None and time.monotonic() < deadline:
                line = proc.stdout.readline()
                if not line:
                    raise RuntimeError("mock exited before listening")
                match = _LISTENING.search(line)
                if match:
                    url = match.group(1)
            if url is None:
                raise RuntimeError("mock did not announce its URL")
        _wait_ready(url, proc)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@contextlib.contextmanager
def mock_server(seed: Path) -> Iterator[str]:
    """Serve the contract mock (token required, response validation off) on loopback."""
    args = ["-m", "pywats_production.mock", "--port", "0", "--seed", str(seed)]
    args += ["--token", TOKEN, "--no-strict"]
    with _child(args) as url:
        yield url


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def bare_server(body: bytes) -> Iterator[str]:
    """Serve a bare starlette app answering ``body`` to every GET (the mock's uvicorn set-up)."""
    port = _free_port()
    code = f"""
import uvicorn
from starlette.responses import Response
from starlette.routing import Route, Router
BODY = {body!r}
async def answer(request):
    return Response(BODY, media_type="application/json")
app = Router([Route("/{{path:path}}", answer, methods=["GET"])])
uvicorn.run(app, host="127.0.0.1", port={port}, http="h11", lifespan="off", access_log=False,
            log_level="warning", log_config=None, timeout_keep_alive=30, backlog=2048)
"""
    with _child(["-c", code], url=f"http://127.0.0.1:{port}") as url:
        yield url

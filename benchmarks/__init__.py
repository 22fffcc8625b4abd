"""Benchmarks of pywats-production: ``python -m benchmarks`` (or ``nox -s bench``).

Every figure is a ratio to a baseline measured in the same run, on the same machine:
raw httpx doing the same requests, the standard library parsing the same files, a bare
``import httpx, attrs``, a bare uvicorn/starlette app, and the peer client pywats-api when
it is installed. See docs/benchmarks.md for the method and how to read the table.
"""

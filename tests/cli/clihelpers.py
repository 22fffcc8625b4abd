"""Helpers of the command-line tests: run `wats-production` in-process, seed the mock."""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence

import attrs

from pywats_production.cli import run
from pywats_production.mock import MockAdmin

TOKEN = "Y2xpOnRlc3Q="  # base64("cli:test"), the token the tests' mock requires


@attrs.frozen
class Result:
    code: int
    out: str
    err: str

    @property
    def output(self) -> str:
        return self.out + self.err


class Cli:
    """Runs `wats-production` in-process against a given server."""

    def __init__(self, url: str, token: str | None) -> None:
        self.url = url
        self.token = token

    def env(self, **extra: str) -> dict[str, str]:
        env = {"WATS_BASE_URL": self.url}
        if self.token:
            env["WATS_AUTH_TOKEN"] = self.token
        env.update(extra)
        return env

    def __call__(
        self,
        *argv: str,
        env: Mapping[str, str] | None = None,
        stdin: bytes | None = None,
        binary_out: bool = False,
    ) -> Result:
        out, err = io.StringIO(), io.StringIO()
        bin_out = io.BytesIO() if binary_out else None
        code = run(
            list(argv),
            out=out,
            err=err,
            environ=self.env() if env is None else env,
            binary_in=io.BytesIO(stdin) if stdin is not None else None,
            binary_out=bin_out,
        )
        text = out.getvalue() + (bin_out.getvalue().decode() if bin_out is not None else "")
        return Result(code, text, err.getvalue())


def seed_units(admin: MockAdmin, units: Sequence[Mapping[str, object]]) -> None:
    admin.seed({"units": [dict(u) for u in units]})

"""How the SDK behaves as a library in someone else's program: logging, TLS settings."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from pywats_production import ProductionService, WatsInputError

# Run in a fresh interpreter: pytest's own logging set-up would hide the difference.
_PROGRAM = """
import httpx
from pywats_production import NotFoundError, ProductionService
from pywats_production.mock import MockSyncTransport, create_app

client = httpx.Client(transport=MockSyncTransport(create_app()), base_url="http://wats-mock")
with ProductionService("http://wats-mock", http_client=client) as wats:
    try:
        wats.get_unit("NO-SUCH-UNIT", "PCBA-100")
    except NotFoundError:
        print("handled")
"""


def test_a_handled_error_prints_nothing_when_the_application_configured_no_logging() -> None:
    done = subprocess.run(
        [sys.executable, "-c", _PROGRAM], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == "handled\n"
    # Without the library's NullHandler, logging's last resort printed the WARNING here.
    assert done.stderr == ""


def test_a_ca_bundle_that_is_missing_or_not_pem_is_bad_input_naming_the_file(
    tmp_path: Path,
) -> None:
    not_pem = tmp_path / "company-ca.pem"
    not_pem.write_text("this is not a certificate\n")
    for path, reason in (
        (tmp_path / "missing.pem", "No such file or directory"),
        (not_pem, "NO_CERTIFICATE_OR_CRL_FOUND"),
    ):
        with pytest.raises(WatsInputError) as caught:
            ProductionService("https://wats.example.com", verify=path)
        assert caught.value.parameter == "verify"
        assert str(path) in str(caught.value)
        assert reason in str(caught.value)
        with pytest.raises(WatsInputError):
            ProductionService("https://wats.example.com", verify=str(path))

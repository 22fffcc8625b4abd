"""Is the server the one the SDK's pinned contract describes? The rule, and its report.

``check_compatibility()`` on the services reads ``GET /api/App/Version`` and hands the
answer to :func:`compare`, which returns a :class:`CompatibilityReport`. The rule, in
order:

1. No version could be read (no answer, an error answer, an unreadable body): UNKNOWN.
2. The server answers an API version (``v1``, ``v2``, ...): MATCHES when it equals the
   contract's ``x-wats-server-api-version``, DIFFERS otherwise.
3. The text has no number in it: UNKNOWN (the format is not published; the raw text is
   kept in the report).
4. No server version is listed as checked (:data:`CHECKED_SERVER_VERSIONS` is empty, or
   ``checked_versions=()``): UNKNOWN, saying so.
5. The version's numbers start with one of the checked versions (``"24.2"`` covers
   ``24.2``, ``24.2.0``, ``24.2.1.55``; not ``24.20``): MATCHES.
6. Otherwise: DIFFERS, naming the versions the contract was checked against.

Pins (``pins=`` on the services, or ``WATS_PINS``; see :mod:`pywats_production.pins`) come
before rules 2 to 6 when a version was read: a server version that a pin names exactly, by
a pin made with this SDK's contract (same spec sha256), MATCHES; a pin of that version made
with another contract, or no pin of that version, DIFFERS with the reason.

Why the list is empty: the contract in spec/ was derived from the server's *published*
OpenAPI documents (title "WATS API", version "v1"); nothing was captured from a live
server, and the published documents do not say which server release they came from. When
a team has run its checks (``nox -s spec_check``, the live tests) against its server, it
passes ``checked_versions=("24.2",)`` or changes :data:`CHECKED_SERVER_VERSIONS` here.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable, Iterable, Sequence
from typing import Final

import attrs

from .models import ServerVersion
from .pins import Pin

__all__ = [
    "CHECKED_SERVER_VERSIONS",
    "SPEC_INFO_VERSION",
    "SPEC_SERVER_API_VERSION",
    "Compatibility",
    "CompatibilityReport",
    "compare",
    "spec_sha256",
]

#: ``info.version`` of spec/production-api.yaml (a test keeps it in step with the file).
SPEC_INFO_VERSION: Final = "v1"
#: ``info.x-wats-server-api-version`` of spec/production-api.yaml (kept in step by a test).
SPEC_SERVER_API_VERSION: Final = "v1"
#: Server versions (dotted prefixes) the pinned contract has been checked against. Empty:
#: no live server has been checked yet (see the module docstring); add "24.2" etc. here.
CHECKED_SERVER_VERSIONS: Final[tuple[str, ...]] = ()

_API_VERSION = re.compile(r"(?i)^v(\d+)(?:\.\d+)*$")
_PREFIX = re.compile(r"^\d+(?:\.\d+)*$")


class Compatibility(enum.Enum):
    """The verdict of a compatibility check."""

    MATCHES = "matches"
    """The server reports a version the contract was checked against (or its API version)."""
    DIFFERS = "differs"
    """The server reports another version: calls may fail or behave differently."""
    UNKNOWN = "unknown"
    """The SDK cannot tell (no answer, an unreadable version, or nothing to compare with)."""


def spec_sha256() -> str:
    """Return the sha256 of the spec the generated client was built from.

    Returns:
        The hex digest written by ``scripts/generate.py`` into ``pywats_production_api._meta``.

    Example:
        >>> len(spec_sha256())
        64

    """
    from pywats_production_api._meta import SPEC_SHA256

    return SPEC_SHA256


@attrs.frozen(kw_only=True)
class CompatibilityReport:
    """What ``check_compatibility()`` found.

    Attributes:
        status: MATCHES, DIFFERS or UNKNOWN.
        server_version: the version as read, with its raw text; None when none was read.
        reason: one sentence saying why, fit for a log line or a health page.
        spec_version: ``info.version`` of the pinned contract.
        spec_server_api_version: ``x-wats-server-api-version`` of the pinned contract.
        spec_sha256: sha256 of the pinned contract's file.
        checked_versions: the server versions the verdict compared with.
        error: why no version could be read (the error's one-line text), else None.
        pinned_versions: the server versions of the pins the verdict used (empty: none).

    Example:
        >>> report = compare(ServerVersion.parse("24.2.1"), checked_versions=("24.2",))
        >>> report.status, report.compatible
        (<Compatibility.MATCHES: 'matches'>, True)

    """

    status: Compatibility
    server_version: ServerVersion | None
    reason: str
    spec_version: str = SPEC_INFO_VERSION
    spec_server_api_version: str = SPEC_SERVER_API_VERSION
    spec_sha256: str = ""
    checked_versions: tuple[str, ...] = ()
    error: str | None = None
    pinned_versions: tuple[str, ...] = ()

    @property
    def compatible(self) -> bool:
        """True only when the status is MATCHES (UNKNOWN is not a yes)."""
        return self.status is Compatibility.MATCHES

    @property
    def server_text(self) -> str | None:
        """The server's version text exactly as read, or None."""
        return self.server_version.text if self.server_version is not None else None

    def __str__(self) -> str:
        server = repr(self.server_text) if self.server_text is not None else "no version"
        return (
            f"{self.status.value}: server {server}, contract {self.spec_version} "
            f"(api {self.spec_server_api_version}, spec sha256 {self.spec_sha256[:12] or '?'})"
            f": {self.reason}"
        )


def _parts(prefix: str) -> tuple[int, ...]:
    text = prefix.strip()
    if not _PREFIX.match(text):
        raise ValueError(f"a checked version must be dotted numbers such as '24.2', not {prefix!r}")
    return tuple(int(p) for p in text.split("."))


def compare(
    server: ServerVersion | None,
    *,
    checked_versions: Iterable[str] | None = None,
    error: BaseException | str | None = None,
    pins: Sequence[Pin] = (),
) -> CompatibilityReport:
    """Compare a server version with the pinned contract (the rule is in the module doc).

    Args:
        server: the version read from ``/api/App/Version``, or None when none was read.
        checked_versions: dotted prefixes the contract was checked against (default
            :data:`CHECKED_SERVER_VERSIONS`).
        error: why no version could be read (kept in the report).
        pins: pins of verified server versions; when any is given they decide MATCHES
            or DIFFERS for a version that was read.

    Returns:
        The report.

    Raises:
        ValueError: a checked version that is not dotted numbers.

    Example:
        >>> compare(ServerVersion.parse("25.1"), checked_versions=("24.2",)).status
        <Compatibility.DIFFERS: 'differs'>
        >>> compare(None, error="connection refused").status
        <Compatibility.UNKNOWN: 'unknown'>

    """
    source = CHECKED_SERVER_VERSIONS if checked_versions is None else checked_versions
    checked = tuple(p.strip() for p in source)
    prefixes = [_parts(p) for p in checked]
    error_text = str(error) if error is not None else None

    def report(status: Compatibility, reason: str) -> CompatibilityReport:
        return CompatibilityReport(
            status=status,
            server_version=server,
            reason=reason,
            spec_sha256=spec_sha256(),
            checked_versions=checked,
            error=error_text,
            pinned_versions=tuple(p.server_version for p in pins),
        )

    if server is None:
        return report(
            Compatibility.UNKNOWN,
            "the server's version could not be read" + (f": {error_text}" if error_text else ""),
        )
    if pins:
        return _by_pins(server, pins, report)
    api = _API_VERSION.match(server.text)
    if api is not None:
        if server.text.lower() == SPEC_SERVER_API_VERSION.lower():
            return report(
                Compatibility.MATCHES,
                f"the server's API version {server.text} is the contract's",
            )
        return report(
            Compatibility.DIFFERS,
            f"the server's API version {server.text} is not the contract's "
            f"{SPEC_SERVER_API_VERSION}",
        )
    if not server.parts:
        return report(
            Compatibility.UNKNOWN,
            f"the server's version text {server.text!r} has no version number to compare",
        )
    if not prefixes:
        return report(
            Compatibility.UNKNOWN,
            "the contract has not been checked against any server version yet; "
            "pass checked_versions=(...) once your server has been checked",
        )
    for prefix, text in zip(prefixes, checked, strict=True):
        if server.parts[: len(prefix)] == prefix:
            return report(
                Compatibility.MATCHES,
                f"server version {server.text} is within {text}, which the contract was "
                "checked against",
            )
    return report(
        Compatibility.DIFFERS,
        f"server version {server.text} differs from the versions the contract was checked "
        f"against ({', '.join(checked)})",
    )


def _by_pins(
    server: ServerVersion,
    pins: Sequence[Pin],
    report: Callable[[Compatibility, str], CompatibilityReport],
) -> CompatibilityReport:
    text = server.text.strip()
    same = [p for p in pins if p.server_version.strip() == text]
    current = spec_sha256()
    for pin in same:
        if pin.spec_sha256 == current:
            where = f" ({pin.source})" if pin.source else ""
            return report(
                Compatibility.MATCHES,
                f"server version {text} is pinned{where}: its capture of "
                f"{len(pin.operations)} operation(s) verified clean against this contract "
                f"(cassette sha256 {pin.cassette_sha256[:12]})",
            )
    if same:
        pin = same[0]
        return report(
            Compatibility.DIFFERS,
            f"server version {text} was pinned against another contract (spec sha256 "
            f"{pin.spec_sha256[:12]}, this SDK's is {current[:12]}): capture, verify and pin "
            "it again",
        )
    listed = ", ".join(sorted({p.server_version for p in pins}))
    return report(
        Compatibility.DIFFERS,
        f"server version {text} is not pinned; the pins cover {listed}: capture, verify and "
        "pin this version before relying on it",
    )

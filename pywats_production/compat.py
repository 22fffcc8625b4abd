"""Is the server the one the SDK's pinned contract describes? The rule, and its report.

``check_compatibility()`` on the services reads ``GET /api/App/Version`` and hands the
answer to :func:`compare`, which returns a :class:`CompatibilityReport`. The rule, in
order:

1. No version could be read (no answer, an error answer, an unreadable body): UNKNOWN.
2. The server answers an API version (``v1``, ``v2``, ...): MATCHES when it equals the
   contract's ``x-wats-server-api-version``, DIFFERS otherwise.
3. The text has no number in it: UNKNOWN (the format is not published; the raw text is
   kept in the report).
4. Without ``checked_versions`` (the default), the SDK answers from the server lines it
   knows, :data:`KNOWN_SERVER_LINES`: the published line (``2025.3``) and ``2026.3``.
   A version within one of them (or within :data:`CHECKED_SERVER_VERSIONS`) MATCHES,
   naming the line (``report.server_line``); any other version DIFFERS, saying whether
   it is older than, between or newer than the known lines.
5. With ``checked_versions=()``: UNKNOWN, saying that nothing was checked.
6. The version's numbers start with one of the checked versions (``"24.2"`` covers
   ``24.2``, ``24.2.0``, ``24.2.1.55``; not ``24.20``): MATCHES.
7. Otherwise: DIFFERS, naming the versions the contract was checked against.

What the known lines rest on: the contract in spec/ was derived from the server's
*published* OpenAPI documents (title "WATS API", version "v1"), which do not say which
server release they came from; they were committed when pywats-api declared server
2025.3.9.824, hence the published line ``2025.3`` (the project's reading). The operations
marked ``x-wats-since: "2026.3"`` in spec/ come from pywats-api 0.6.0rc1, whose minimum
server is 2026.3.0. Nothing was captured from a live server of either line. A team that
has run its checks (``nox -s spec_check``, the live tests) against its own server passes
``checked_versions=("2026.1",)``; nothing in the installed package needs editing.

Pins (``pins=`` on the services, or ``WATS_PINS``; see :mod:`pywats_production.pins`) come
before rules 2 to 7 when a version was read: a server version that a pin names exactly, by
a pin made with this SDK's contract (same spec sha256), MATCHES; a pin of that version made
with another contract, or no pin of that version, DIFFERS with the reason.
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
    "KNOWN_SERVER_LINES",
    "INTERNAL_DERIVED_FOR",
    "SPEC_INFO_VERSION",
    "SPEC_SERVER_API_VERSION",
    "Compatibility",
    "CompatibilityReport",
    "ServerLine",
    "compare",
    "known_line",
    "compare_internal",
    "internal_spec_sha256",
    "spec_sha256",
]

#: ``info.version`` of spec/production-api.yaml (a test keeps it in step with the file).
SPEC_INFO_VERSION: Final = "v1"
#: ``info.x-wats-server-api-version`` of spec/production-api.yaml (kept in step by a test).
SPEC_SERVER_API_VERSION: Final = "v1"
#: Server versions (dotted prefixes) the pinned contract has been checked against. Empty:
#: no live server has been checked yet (see the module docstring); add "24.2" etc. here.
CHECKED_SERVER_VERSIONS: Final[tuple[str, ...]] = ()


@attrs.frozen(kw_only=True)
class ServerLine:
    """A server line the SDK knows: which operations it has and where that is known from.

    Attributes:
        version: the line as a dotted prefix (``"2026.3"`` covers ``2026.3.0``,
            ``2026.3.1.12``; not ``2026.30``).
        name: a short name (``"published"``, ``"2026.3"``).
        evidence: where the SDK's knowledge of the line comes from.

    Example:
        >>> KNOWN_SERVER_LINES[-1].version
        '2026.3'

    """

    version: str
    name: str
    evidence: str

    @property
    def parts(self) -> tuple[int, ...]:
        """The line's numbers, ``(2026, 3)``."""
        return tuple(int(p) for p in self.version.split("."))


#: The server lines the SDK knows, oldest first. The first is the line of the published
#: OpenAPI documents (the 19 operations); the second adds the operations marked
#: ``x-wats-since: "2026.3"`` in spec/ (unit query, create, update, delete, change, tag).
KNOWN_SERVER_LINES: Final[tuple[ServerLine, ...]] = (
    ServerLine(
        version="2025.3",
        name="published",
        evidence=(
            "the server's published OpenAPI documents (they name no server version; they "
            "were committed when pywats-api declared server 2025.3.9.824)"
        ),
    ),
    ServerLine(
        version="2026.3",
        name="2026.3",
        evidence="pywats-api 0.6.0rc1 (minimum server 2026.3.0); not in the published documents",
    ),
)


def known_line(server: ServerVersion | None) -> ServerLine | None:
    """Return the known server line a version belongs to, or None.

    Args:
        server: the server's version.

    Returns:
        The line whose numbers the version starts with.

    Example:
        >>> known_line(ServerVersion.parse("2026.3.0")).name
        '2026.3'
        >>> known_line(ServerVersion.parse("2026.1.5.324")) is None
        True

    """
    if server is None or not server.parts:
        return None
    for line in KNOWN_SERVER_LINES:
        if server.parts[: len(line.parts)] == line.parts:
            return line
    return None


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
        server_line: the known server line the version is in (see
            :data:`KNOWN_SERVER_LINES`), else None.
        internal: for a service with ``internal=True``, the verdict on the internal API
            (versions it was derived for, and pins); None otherwise.

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
    server_line: ServerLine | None = None
    internal: CompatibilityReport | None = None

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
        checked_versions: dotted prefixes the contract was checked against; by default
            the SDK's known server lines (:data:`KNOWN_SERVER_LINES`) and
            :data:`CHECKED_SERVER_VERSIONS`.
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
        >>> compare(ServerVersion.parse("2026.3.0")).server_line.name
        '2026.3'

    """
    known = checked_versions is None
    source = CHECKED_SERVER_VERSIONS if checked_versions is None else checked_versions
    checked = tuple(p.strip() for p in source)
    if known:
        checked += tuple(line.version for line in KNOWN_SERVER_LINES if line.version not in checked)
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
            server_line=known_line(server) if known else None,
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
    if known:
        return _against_known_lines(server, report)
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


def _against_known_lines(
    server: ServerVersion, report: Callable[[Compatibility, str], CompatibilityReport]
) -> CompatibilityReport:
    for text in CHECKED_SERVER_VERSIONS:
        if server.parts[: len(_parts(text))] == _parts(text):
            return report(
                Compatibility.MATCHES,
                f"server version {server.text} is within {text}, which the contract was "
                "checked against",
            )
    line = known_line(server)
    if line is not None:
        return report(
            Compatibility.MATCHES,
            f"server version {server.text} is within the {line.name} line the SDK knows "
            f"({line.evidence})",
        )
    lines = ", ".join(f"{line.version} ({line.name})" for line in KNOWN_SERVER_LINES)
    first, last = KNOWN_SERVER_LINES[0], KNOWN_SERVER_LINES[-1]
    if server.parts < first.parts:
        where = "older than every line the SDK knows"
    elif server.parts > last.parts:
        where = (
            f"newer than every line the SDK knows: operations up to {last.version} are "
            "expected to work, newer ones are not in the SDK"
        )
    else:
        where = (
            "between the lines the SDK knows: the published operations are expected to "
            "work; an operation newer than the server is refused by the SDK"
        )
    return report(
        Compatibility.DIFFERS, f"server version {server.text} is {where} (known: {lines})"
    )


# ------------------------------------------------------------------ the internal API

#: ``info.x-wats-derived-for-server-versions`` of spec/production-internal-api.yaml (kept
#: in step by a test): the server versions the internal contract was derived for. The
#: internal document carries no version; it was published when pywats-api declared
#: server 2025.3.9.824 (EVIDENCE.md, Server versions), so only 2025.3 is claimed.
INTERNAL_DERIVED_FOR: Final[tuple[str, ...]] = ("2025.3",)
#: ``info.version`` of the internal contract.
INTERNAL_SPEC_VERSION: Final = "internal"


def internal_spec_sha256() -> str:
    """Return the sha256 of the internal contract, as its generated client records it.

    Returns:
        The hex digest, or "" when the generated internal client is not importable.

    Example:
        >>> len(internal_spec_sha256())
        64

    """
    try:
        from pywats_production_internal_api._meta import SPEC_SHA256
    except ImportError:  # pragma: no cover - a broken install
        return ""
    return str(SPEC_SHA256)


def compare_internal(
    server: ServerVersion | None,
    *,
    pinned: Iterable[str] = (),
    error: BaseException | str | None = None,
) -> CompatibilityReport:
    """Judge a server version for the internal API: derived-for versions, then pins.

    The rule: no version read: UNKNOWN; a version within one of
    :data:`INTERNAL_DERIVED_FOR` or of a pinned version (dotted prefix, as for
    :func:`compare`): MATCHES; otherwise DIFFERS. Pins that are not dotted numbers are
    ignored (a pin file may hold other entries).

    Args:
        server: the version read from ``/api/App/Version``, or None.
        pinned: server versions the user's pins cover (``config.pinned_server_versions``).
        error: why no version could be read.

    Returns:
        A report whose ``spec_version`` is ``"internal"``.

    Example:
        >>> compare_internal(ServerVersion.parse("2025.3.9.824")).status
        <Compatibility.MATCHES: 'matches'>
        >>> compare_internal(ServerVersion.parse("2026.1.5"), pinned={"2026.1.5"}).status
        <Compatibility.MATCHES: 'matches'>

    """
    pins = tuple(sorted(p.strip() for p in pinned if _PREFIX.match(p.strip())))
    known = INTERNAL_DERIVED_FOR + pins
    error_text = str(error) if error is not None else None

    def report(status: Compatibility, reason: str) -> CompatibilityReport:
        return CompatibilityReport(
            status=status,
            server_version=server,
            reason=reason,
            spec_version=INTERNAL_SPEC_VERSION,
            spec_server_api_version=INTERNAL_SPEC_VERSION,
            spec_sha256=internal_spec_sha256(),
            checked_versions=known,
            error=error_text,
        )

    if server is None:
        return report(
            Compatibility.UNKNOWN,
            "the server's version could not be read, so the internal API cannot be matched "
            "to the versions it was derived for" + (f": {error_text}" if error_text else ""),
        )
    if not server.parts:
        return report(
            Compatibility.UNKNOWN,
            f"the server's version text {server.text!r} has no version number to compare",
        )
    for text in INTERNAL_DERIVED_FOR:
        if server.parts[: len(_parts(text))] == _parts(text):
            return report(
                Compatibility.MATCHES,
                f"server version {server.text} is within {text}, which the internal "
                "contract was derived for",
            )
    for text in pins:
        if server.parts[: len(_parts(text))] == _parts(text):
            return report(
                Compatibility.MATCHES,
                f"server version {server.text} is covered by the pin {text}",
            )
    return report(
        Compatibility.DIFFERS,
        f"server version {server.text} is outside the versions the internal contract was "
        f"derived for ({', '.join(INTERNAL_DERIVED_FOR)}) and no pin covers it; internal "
        "routes may change without notice",
    )

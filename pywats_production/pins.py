"""Pin files: a server version a team has captured, verified clean, and pinned.

``wats-production pin CASSETTE --out PIN`` writes one from a capture that verified clean
(see ``docs/testing-against-your-server.md``). Services load pins with ``pins=[PIN, ...]``
or the ``WATS_PINS`` variable (paths separated by ``os.pathsep``, ``:`` on POSIX); then
``check_compatibility()`` answers MATCHES for a pinned server version and DIFFERS, with
the reason, for any other. Nobody edits the installed package to pin.

The file is one JSON object::

    {"format": "wats-production-pin", "formatVersion": 1,
     "serverVersion": "2026.1.5.324", "sdkVersion": "0.1.0", "specVersion": "v1",
     "specSha256": "...", "cassetteSha256": "...", "exchanges": 42,
     "operations": ["getUnit", ...], "created": "2026-11-28T07:00:00+00:00"}
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Final

import attrs

from .errors import WatsInputError

__all__ = ["PIN_FORMAT", "PIN_FORMAT_VERSION", "Pin", "load_pin", "load_pins", "pins_from_env"]

PIN_FORMAT: Final = "wats-production-pin"
PIN_FORMAT_VERSION: Final = 1
#: The environment variable holding pin paths (``os.pathsep``-separated).
PINS_VARIABLE: Final = "WATS_PINS"


@attrs.frozen(kw_only=True)
class Pin:
    """A server version whose capture verified clean against this SDK's contract.

    Attributes:
        server_version: the server's version text exactly as ``/api/App/Version`` gave it.
        sdk_version: the pywats-production version that verified the capture.
        spec_version: ``info.version`` of the contract it was verified against.
        spec_sha256: sha256 of that contract (a pin is stale once the contract changes).
        cassette_sha256: sha256 of the cassette file that was verified.
        exchanges: exchanges in the cassette.
        operations: the operations the cassette covers (operationIds, sorted).
        created: when the pin was written (UTC).
        source: the file the pin was read from ("" for a pin built in memory).

    Example:
        >>> pin = Pin(server_version="2026.1.5.324", sdk_version="0.1.0", spec_version="v1",
        ...           spec_sha256="ab" * 32, cassette_sha256="cd" * 32, exchanges=3,
        ...           operations=("getUnit",), created="2026-11-28T07:00:00+00:00")
        >>> pin.covers("getUnit")
        True

    """

    server_version: str
    sdk_version: str
    spec_version: str
    spec_sha256: str
    cassette_sha256: str
    exchanges: int
    operations: tuple[str, ...]
    created: str
    source: str = ""

    def covers(self, operation: str) -> bool:
        """Return whether the pinned capture exercised ``operation``."""
        return operation in self.operations

    def to_json(self) -> dict[str, object]:
        """Return the pin file's JSON object."""
        return {
            "format": PIN_FORMAT,
            "formatVersion": PIN_FORMAT_VERSION,
            "serverVersion": self.server_version,
            "sdkVersion": self.sdk_version,
            "specVersion": self.spec_version,
            "specSha256": self.spec_sha256,
            "cassetteSha256": self.cassette_sha256,
            "exchanges": self.exchanges,
            "operations": list(self.operations),
            "created": self.created,
        }

    def write(self, path: str | Path) -> None:
        """Write the pin file (UTF-8 JSON, one object, a newline at the end).

        Args:
            path: where to write it.

        """
        text = json.dumps(self.to_json(), indent=2, ensure_ascii=False) + "\n"
        Path(path).write_text(text, encoding="utf-8")

    @classmethod
    def from_json(cls, data: Mapping[str, object], source: str = "") -> Pin:
        """Read a pin from its JSON object.

        Args:
            data: the object.
            source: the file it came from (for messages).

        Returns:
            The pin.

        Raises:
            WatsInputError: not a pin file, a format version this SDK does not read, or a
                member missing or of the wrong type.

        """
        where = source or "pin"
        if data.get("format") != PIN_FORMAT:
            raise WatsInputError(f"{where}: not a pin file (format is not {PIN_FORMAT!r})")
        if data.get("formatVersion") != PIN_FORMAT_VERSION:
            raise WatsInputError(
                f"{where}: pin format version {data.get('formatVersion')!r} is not "
                f"{PIN_FORMAT_VERSION}, the one this SDK reads"
            )

        def text(key: str) -> str:
            value = data.get(key)
            if not isinstance(value, str) or not value.strip():
                raise WatsInputError(f"{where}: {key} must be a non-empty string")
            return value

        operations = data.get("operations")
        if not isinstance(operations, list) or not all(isinstance(o, str) for o in operations):
            raise WatsInputError(f"{where}: operations must be a list of operation ids")
        exchanges = data.get("exchanges")
        if isinstance(exchanges, bool) or not isinstance(exchanges, int) or exchanges < 0:
            raise WatsInputError(f"{where}: exchanges must be a count")
        return cls(
            server_version=text("serverVersion"),
            sdk_version=text("sdkVersion"),
            spec_version=text("specVersion"),
            spec_sha256=text("specSha256"),
            cassette_sha256=text("cassetteSha256"),
            exchanges=exchanges,
            operations=tuple(sorted(set(operations))),
            created=text("created"),
            source=source,
        )


def load_pin(path: str | Path) -> Pin:
    """Read a pin file.

    Args:
        path: the file.

    Returns:
        The pin.

    Raises:
        WatsInputError: the file cannot be read or is not a valid pin file.

    Example:
        >>> pin = load_pin("pins/wats-2026.1.pin.json")  # doctest: +SKIP
        >>> pin.server_version  # doctest: +SKIP
        '2026.1.5.324'

    """
    source = str(path)
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise WatsInputError(f"{source}: cannot read pin file: {exc.strerror}") from None
    except ValueError:
        raise WatsInputError(f"{source}: pin file is not JSON") from None
    if not isinstance(data, dict):
        raise WatsInputError(f"{source}: a pin file holds one JSON object")
    return Pin.from_json(data, source)


def load_pins(paths: Iterable[str | Path]) -> tuple[Pin, ...]:
    """Read several pin files (see :func:`load_pin`), in order."""
    return tuple(load_pin(p) for p in paths)


def pins_from_env(environ: Mapping[str, str] | None = None) -> tuple[Pin, ...]:
    """Read the pins listed in ``WATS_PINS`` (none when unset or empty).

    Args:
        environ: the environment (``os.environ`` when None).

    Returns:
        The pins.

    Raises:
        WatsInputError: a listed file cannot be read or is not a pin file.

    """
    value = (os.environ if environ is None else environ).get(PINS_VARIABLE, "")
    return load_pins(p for p in value.split(os.pathsep) if p.strip())


def make_pin(
    *,
    server_version: str,
    spec_version: str,
    spec_sha256: str,
    cassette: bytes,
    exchanges: int,
    operations: Sequence[str],
) -> Pin:
    """Build a pin for a cassette that verified clean (``wats-production pin`` calls this)."""
    # The generated client's build facts carry the SDK version: importing the package
    # root from here would close an import cycle (root -> services -> config -> pins).
    from pywats_production_api._meta import SDK_VERSION

    return Pin(
        server_version=server_version,
        sdk_version=SDK_VERSION,
        spec_version=spec_version,
        spec_sha256=spec_sha256,
        cassette_sha256=hashlib.sha256(cassette).hexdigest(),
        exchanges=exchanges,
        operations=tuple(sorted(set(operations))),
        created=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    )

"""Cassettes: what a server answered, one JSON object per line (format version 1).

``wats-production capture`` writes a cassette; ``wats-production verify`` checks it;
:class:`pywats_production.replay.ReplayTransport` answers from it. The format, version 1:

- UTF-8 text, one JSON object per line (JSON Lines), no blank lines.
- The first line is the **header**::

    {"format": "wats-production-cassette", "formatVersion": 1, "kind": "header",
     "serverVersion": "2026.1.5.324", "sdkVersion": "0.1.0", "specVersion": "v1",
     "specSha256": "<64 hex>", "baseUrl": "https://wats.example.com",
     "recorded": "2026-11-28T07:00:00+00:00", "mode": "read-only" | "writes",
     "scratchPrefix": null | "ZZCAP-"}

  ``serverVersion`` is the text ``GET /api/App/Version`` answered (``null`` if it
  could not be read); ``baseUrl`` has no credentials.
- Every other line is one **exchange**, in the order it happened::

    {"kind": "exchange", "index": 0, "operation": "getUnit",
     "request": {"method": "GET",
                 "path": "/api/Production/Unit/SN%2F1/PCBA-100",   # as sent, encoded
                 "pathTemplate": "/api/Production/Unit/{serialNumber}/{partNumber}",
                 "pathValues": {"serialNumber": "SN/1", "partNumber": "PCBA-100"},
                 "query": [["maxCount", "10"]],                    # order kept
                 "headers": {"content-type": "application/json"},  # allow-list
                 "body": null | {"json": ...} | {"text": "..."} | {"base64": "..."}},
     "response": {"status": 200,
                  "headers": {"content-type": "application/json"}, # allow-list
                  "body": null | {"json": ...} | {"text": "..."} | {"base64": "..."}},
     "timing": {"started": "2026-11-28T07:00:00.123+00:00", "elapsedMs": 12.5}}

  ``operation`` is the operationId in spec/ (``null`` for a path the SDK does not know).
  A body is ``json`` when its content type is JSON and it parses, ``text`` when it is
  UTF-8, ``base64`` otherwise, ``null`` when empty.

**No secret is written.** Only allow-listed headers are kept (never ``Authorization``,
``Cookie`` or ``Set-Cookie``), and every string is scrubbed of the token in each form
it could take: as given, its decoded ``user:password`` and password, each also
JSON-escaped, percent-encoded (``%XX`` and ``+`` for spaces) and base64-encoded. A
scrubbed value reads ``[redacted]``. A reader refuses a format version it does not know.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Final, TextIO, cast
from urllib.parse import quote, quote_plus, unquote

import attrs

from ._json import JsonValue
from ._secrets import MIN_SECRET_CHARS, _Forms
from .errors import WatsInputError

__all__ = [
    "CASSETTE_FORMAT",
    "CASSETTE_FORMAT_VERSION",
    "REQUEST_HEADERS",
    "RESPONSE_HEADERS",
    "Body",
    "Cassette",
    "CassetteHeader",
    "Exchange",
    "Scrubber",
    "match_operation",
    "read_cassette",
]

CASSETTE_FORMAT: Final = "wats-production-cassette"
CASSETTE_FORMAT_VERSION: Final = 1
#: Request headers a cassette keeps (lower case); everything else is dropped.
REQUEST_HEADERS: Final = frozenset({"content-type", "accept"})
#: Response headers a cassette keeps (lower case); everything else is dropped.
RESPONSE_HEADERS: Final = frozenset(
    {"content-type", "retry-after", "allow", "location", "www-authenticate", "x-request-id"}
)
REDACTED: Final = "[redacted]"
_MIN_SECRET_CHARS: Final = MIN_SECRET_CHARS

# --------------------------------------------------------------------------- secrets


class Scrubber:
    """Removes a token, in every form it can take, from text written to a cassette.

    Args:
        token: the token given to the service (None: nothing to scrub).

    Example:
        >>> s = Scrubber("d2F0czpzM2NyZXQtcGFzcw==")   # base64 of wats:s3cret-pass
        >>> s.text("echo d2F0czpzM2NyZXQtcGFzcw== and s3cret-pass")
        'echo [redacted] and [redacted]'

    """

    def __init__(self, token: str | None) -> None:
        secrets: list[str] = []
        if token and token.strip():
            token = token.strip()
            secrets.append(token)
            try:
                decoded = base64.b64decode(token, validate=True).decode("utf-8")
            except (binascii.Error, ValueError):
                decoded = ""
            if ":" in decoded:
                secrets += [decoded, decoded.partition(":")[2]]
        forms: set[str] = set()
        for secret in secrets:
            if len(secret) < _MIN_SECRET_CHARS:
                continue
            raw = secret.encode("utf-8")
            forms.update(
                {
                    secret,
                    json.dumps(secret)[1:-1],
                    json.dumps(secret, ensure_ascii=False)[1:-1],
                    quote(secret, safe=""),
                    quote_plus(secret, safe=""),
                    quote(secret, safe="/"),
                    base64.b64encode(raw).decode("ascii"),
                    base64.b64encode(raw).decode("ascii").rstrip("="),
                    base64.urlsafe_b64encode(raw).decode("ascii").rstrip("="),
                }
            )
        # The SDK's own masking (_secrets) knows further forms (per-character JSON,
        # percent and HTML escapes, line-wrapped base64); it runs after these, on this
        # capture's secrets only (nothing is added to the process-wide registry).
        self._escaped = tuple(_Forms(s) for s in secrets if len(s) >= _MIN_SECRET_CHARS)
        # Longest first: a password inside "user:password" must not split the longer form.
        self.forms: tuple[str, ...] = tuple(sorted(forms, key=len, reverse=True))
        lowered = {f for f in self.forms if "%" in f}
        self._pattern = (
            re.compile("|".join(re.escape(f) for f in self.forms)) if self.forms else None
        )
        # Percent-encodings may come back with lower-case hex digits.
        self._ci = (
            re.compile("|".join(re.escape(f) for f in lowered), re.IGNORECASE) if lowered else None
        )

    def text(self, value: str) -> str:
        """Return ``value`` with every form of the token replaced by ``[redacted]``."""
        if self._pattern is None:
            return value
        value = self._pattern.sub(REDACTED, value)
        if self._ci is not None:
            value = self._ci.sub(REDACTED, value)
        for forms in self._escaped:
            if not forms.anchors or any(a in value for a in forms.anchors):
                value = forms.text.sub(REDACTED, value)
        return value

    def json(self, value: JsonValue) -> JsonValue:
        """Return a JSON value with every string (keys too) scrubbed."""
        if self._pattern is None:
            return value
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, list):
            return [self.json(v) for v in value]
        if isinstance(value, dict):
            return {self.text(k): self.json(v) for k, v in value.items()}
        return value


# ------------------------------------------------------------------------------ bodies


@attrs.frozen
class Body:
    """A recorded body: JSON, text, or bytes (``kind`` is ``json``, ``text`` or ``base64``).

    Attributes:
        kind: how the body is stored.
        value: the JSON value, the text, or the base64 text.

    """

    kind: str
    value: JsonValue

    def to_bytes(self) -> bytes:
        """Return the body as bytes (JSON compactly re-encoded, as the mock sends it)."""
        if self.kind == "json":
            return json.dumps(self.value, ensure_ascii=False, separators=(",", ":")).encode()
        if self.kind == "text":
            return str(self.value).encode("utf-8")
        return base64.b64decode(str(self.value))

    def to_json(self) -> dict[str, JsonValue]:
        """Return the cassette form ``{kind: value}``."""
        return {self.kind: self.value}

    @classmethod
    def from_json(cls, data: object, where: str) -> Body | None:
        """Read the cassette form (None for no body)."""
        if data is None:
            return None
        if not isinstance(data, dict) or len(data) != 1:
            raise WatsInputError(f"{where}: a body is null or one of json, text, base64")
        ((kind, value),) = data.items()
        if kind not in ("json", "text", "base64"):
            raise WatsInputError(f"{where}: unknown body kind {kind!r}")
        if kind != "json" and not isinstance(value, str):
            raise WatsInputError(f"{where}: a {kind} body holds a string")
        return cls(kind, cast(JsonValue, value))


def _is_json(content_type: str | None) -> bool:
    media = (content_type or "").split(";", 1)[0].strip().lower()
    return media == "application/json" or media.endswith("+json")


def make_body(content: bytes, content_type: str | None, scrub: Scrubber) -> Body | None:
    """Store ``content`` as a :class:`Body`, scrubbed (None when empty)."""
    if not content:
        return None
    if _is_json(content_type):
        try:
            return Body("json", scrub.json(cast(JsonValue, json.loads(content))))
        except ValueError:
            pass
    try:
        return Body("text", scrub.text(content.decode("utf-8")))
    except UnicodeDecodeError:
        pass
    # Binary: scrub the bytes' latin-1 reading so that an embedded token goes too.
    cleaned = scrub.text(content.decode("latin-1")).encode("latin-1")
    return Body("base64", base64.b64encode(cleaned).decode("ascii"))


# --------------------------------------------------------------------------- exchanges


@attrs.frozen(kw_only=True)
class CassetteHeader:
    """The first line of a cassette (see the module documentation)."""

    server_version: str | None
    sdk_version: str
    spec_version: str
    spec_sha256: str
    base_url: str
    recorded: str
    mode: str = "read-only"
    scratch_prefix: str | None = None

    def to_json(self) -> dict[str, JsonValue]:
        """Return the header's JSON object."""
        return {
            "format": CASSETTE_FORMAT,
            "formatVersion": CASSETTE_FORMAT_VERSION,
            "kind": "header",
            "serverVersion": self.server_version,
            "sdkVersion": self.sdk_version,
            "specVersion": self.spec_version,
            "specSha256": self.spec_sha256,
            "baseUrl": self.base_url,
            "recorded": self.recorded,
            "mode": self.mode,
            "scratchPrefix": self.scratch_prefix,
        }


@attrs.frozen(kw_only=True)
class Exchange:
    """One recorded request and its answer.

    Attributes:
        index: position in the cassette, from 0.
        operation: operationId in spec/, or None for a path the SDK does not know.
        method: HTTP method.
        path: the path as sent (percent-encoded).
        path_template: the spec's path template, or None.
        path_values: the path parameters, decoded.
        query: the query parameters in order, decoded.
        request_headers: the allow-listed request headers.
        request_body: the request body.
        status: the answer's status.
        response_headers: the allow-listed answer headers.
        response_body: the answer's body.
        started: when the request was sent (ISO 8601).
        elapsed_ms: milliseconds until the answer was read.

    """

    index: int
    operation: str | None
    method: str
    path: str
    path_template: str | None
    path_values: Mapping[str, str]
    query: tuple[tuple[str, str], ...]
    request_headers: Mapping[str, str]
    request_body: Body | None
    status: int
    response_headers: Mapping[str, str]
    response_body: Body | None
    started: str = ""
    elapsed_ms: float = 0.0

    @property
    def content_type(self) -> str | None:
        """The answer's content type, as recorded."""
        return self.response_headers.get("content-type")

    @property
    def request_content_type(self) -> str | None:
        """The request's content type, as recorded."""
        return self.request_headers.get("content-type")

    def query_string(self) -> str:
        """Return the query as it would be sent (percent-encoded)."""
        return "&".join(f"{quote(k, safe='')}={quote(v, safe='')}" for k, v in self.query)

    def to_json(self) -> dict[str, JsonValue]:
        """Return the exchange's JSON object (one cassette line)."""
        return {
            "kind": "exchange",
            "index": self.index,
            "operation": self.operation,
            "request": {
                "method": self.method,
                "path": self.path,
                "pathTemplate": self.path_template,
                "pathValues": dict(self.path_values),
                "query": [[k, v] for k, v in self.query],
                "headers": dict(self.request_headers),
                "body": self.request_body.to_json() if self.request_body else None,
            },
            "response": {
                "status": self.status,
                "headers": dict(self.response_headers),
                "body": self.response_body.to_json() if self.response_body else None,
            },
            "timing": {"started": self.started, "elapsedMs": round(self.elapsed_ms, 3)},
        }

    @classmethod
    def from_json(cls, data: Mapping[str, object], where: str) -> Exchange:
        """Read one exchange line.

        Raises:
            WatsInputError: a member is missing or of the wrong type.

        """
        try:
            request = cast(Mapping[str, object], data["request"])
            response = cast(Mapping[str, object], data["response"])
            timing = cast(Mapping[str, object], data.get("timing") or {})
            operation = data.get("operation")
            template = request.get("pathTemplate")
            status = response["status"]
            if not isinstance(status, int) or isinstance(status, bool):
                raise TypeError("status")
            return cls(
                index=int(cast(int, data["index"])),
                operation=str(operation) if operation is not None else None,
                method=str(request["method"]).upper(),
                path=str(request["path"]),
                path_template=str(template) if template is not None else None,
                path_values={
                    str(k): str(v)
                    for k, v in cast(Mapping[str, object], request.get("pathValues") or {}).items()
                },
                query=tuple(
                    (str(k), str(v))
                    for k, v in cast(Sequence[Sequence[object]], request.get("query") or [])
                ),
                request_headers=_headers(request.get("headers")),
                request_body=Body.from_json(request.get("body"), f"{where}: request"),
                status=status,
                response_headers=_headers(response.get("headers")),
                response_body=Body.from_json(response.get("body"), f"{where}: response"),
                started=str(timing.get("started", "")),
                elapsed_ms=float(cast(float, timing.get("elapsedMs", 0.0))),
            )
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise WatsInputError(f"{where}: not a cassette exchange ({exc})") from None


def _headers(data: object) -> dict[str, str]:
    if not isinstance(data, Mapping):
        return {}
    return {str(k).lower(): str(v) for k, v in data.items()}


@attrs.frozen
class Cassette:
    """A cassette read from a file: its header and exchanges.

    Attributes:
        header: the header line.
        exchanges: the exchanges in recorded order.
        raw: the file's bytes (for its sha256).

    """

    header: CassetteHeader
    exchanges: tuple[Exchange, ...]
    raw: bytes = b""

    @property
    def operations(self) -> tuple[str, ...]:
        """The operations the cassette covers, sorted."""
        return tuple(sorted({e.operation for e in self.exchanges if e.operation}))


def read_cassette(path: str | Path) -> Cassette:
    """Read a cassette file.

    Args:
        path: the file.

    Returns:
        The cassette.

    Raises:
        WatsInputError: the file cannot be read, is not a cassette, or has a format
            version this SDK does not read.

    Example:
        >>> cassette = read_cassette("wats.cassette.jsonl")  # doctest: +SKIP
        >>> cassette.header.server_version, len(cassette.exchanges)  # doctest: +SKIP
        ('2026.1.5.324', 42)

    """
    where = str(path)
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise WatsInputError(f"{where}: cannot read cassette: {exc.strerror}") from None
    return parse_cassette(raw, where)


def parse_cassette(raw: bytes, where: str = "cassette") -> Cassette:
    """Parse a cassette's bytes (see :func:`read_cassette`)."""
    try:
        lines = raw.decode("utf-8").splitlines()
    except UnicodeDecodeError:
        raise WatsInputError(f"{where}: a cassette is UTF-8 text") from None
    if not lines:
        raise WatsInputError(f"{where}: empty file, not a cassette")
    header = _read_header(_line(lines[0], f"{where}:1"), where)
    exchanges = []
    for number, text in enumerate(lines[1:], start=2):
        if not text.strip():
            continue
        data = _line(text, f"{where}:{number}")
        if data.get("kind") != "exchange":
            raise WatsInputError(f"{where}:{number}: expected an exchange line")
        exchanges.append(Exchange.from_json(data, f"{where}:{number}"))
    return Cassette(header, tuple(exchanges), raw)


def _line(text: str, where: str) -> Mapping[str, object]:
    try:
        data = json.loads(text)
    except ValueError:
        raise WatsInputError(f"{where}: not JSON") from None
    if not isinstance(data, dict):
        raise WatsInputError(f"{where}: each line is one JSON object")
    return data


def _read_header(data: Mapping[str, object], where: str) -> CassetteHeader:
    if data.get("format") != CASSETTE_FORMAT or data.get("kind") != "header":
        raise WatsInputError(f"{where}: not a cassette (no {CASSETTE_FORMAT} header line)")
    if data.get("formatVersion") != CASSETTE_FORMAT_VERSION:
        raise WatsInputError(
            f"{where}: cassette format version {data.get('formatVersion')!r} is not "
            f"{CASSETTE_FORMAT_VERSION}, the one this SDK reads"
        )
    version = data.get("serverVersion")
    prefix = data.get("scratchPrefix")
    return CassetteHeader(
        server_version=str(version) if version is not None else None,
        sdk_version=str(data.get("sdkVersion", "")),
        spec_version=str(data.get("specVersion", "")),
        spec_sha256=str(data.get("specSha256", "")),
        base_url=str(data.get("baseUrl", "")),
        recorded=str(data.get("recorded", "")),
        mode=str(data.get("mode", "read-only")),
        scratch_prefix=str(prefix) if prefix is not None else None,
    )


class CassetteWriter:
    """Writes a cassette line by line, scrubbing every line of the token.

    Args:
        stream: a text stream opened for writing (UTF-8).
        scrub: the scrubber of the capture's token.

    """

    def __init__(self, stream: TextIO, scrub: Scrubber) -> None:
        self._stream = stream
        self._scrub = scrub
        self.count = 0

    def _write(self, data: Mapping[str, JsonValue]) -> None:
        # Values were scrubbed as they were stored; the whole line is scrubbed once more
        # for the escaped forms a token takes only once it is JSON text.
        line = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
        self._stream.write(self._scrub.text(line) + "\n")
        self._stream.flush()

    def header(self, header: CassetteHeader) -> None:
        """Write the header line (first)."""
        self._write(header.to_json())

    def exchange(self, exchange: Exchange) -> None:
        """Write one exchange line."""
        self._write(exchange.to_json())
        self.count += 1


# ---------------------------------------------------------------------------- routing

_ROUTES: list[tuple[re.Pattern[str], str, str, str, tuple[str, ...]]] = []


def _routes() -> list[tuple[re.Pattern[str], str, str, str, tuple[str, ...]]]:
    if not _ROUTES:
        from ._core import OPERATIONS

        for op in OPERATIONS.values():
            names = tuple(re.findall(r"\{([^}]+)\}", op.path))
            pattern = re.escape(op.path)
            for name in names:
                pattern = pattern.replace(re.escape("{" + name + "}"), "([^/]+)")
            _ROUTES.append((re.compile(pattern + "$"), op.method, op.name, op.path, names))
        # Literal paths before templates: /Units/Changes is not /Unit/{sn}/{pn}.
        _ROUTES.sort(key=lambda r: r[3].count("{"))
    return _ROUTES


def match_operation(method: str, raw_path: str) -> tuple[str | None, str | None, dict[str, str]]:
    """Find the operation of a request path (percent-encoded, as sent).

    Args:
        method: the HTTP method.
        raw_path: the path without query.

    Returns:
        ``(operationId, path template, decoded path values)``, or ``(None, None, {})`` for
        a path no operation of the SDK has.

    Example:
        >>> match_operation("GET", "/api/Production/Unit/SN%2F1/PCBA-100")[2]
        {'serialNumber': 'SN/1', 'partNumber': 'PCBA-100'}

    """
    method = method.upper()
    for pattern, op_method, name, template, names in _routes():
        if op_method != method:
            continue
        match = pattern.match(raw_path)
        if match is not None:
            values = {n: unquote(v) for n, v in zip(names, match.groups(), strict=True)}
            return name, template, values
    return None, None, {}


def now_iso() -> str:
    """Return the current UTC time in ISO 8601 with milliseconds."""
    return dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds")

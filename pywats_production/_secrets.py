r"""Secrets: the one place that knows every form a credential can take in a text.

The forms: the token as given; its base64 parts (the decoded ``user:password`` and the
password); each of those with any of its characters JSON-escaped (``\u002B``, ``\/``),
percent-encoded (``%2B``), HTML-escaped (``&#43;``) or in URL-safe base64 (``-``/``_``),
and with line wraps between characters, as base64 tools insert them.

The services register the token they were given (:func:`register_secret`); every text the
SDK produces or keeps (error messages, error bodies, URLs) passes through
:func:`redact_text` or :func:`redact_bytes` before anyone can see it. Only the standard
library is imported: this module sits below :mod:`pywats_production.errors`.
"""

from __future__ import annotations

import base64
import binascii
import re
import threading
from typing import Final
from urllib.parse import urlsplit, urlunsplit

__all__ = ["MIN_SECRET_CHARS", "redact_bytes", "redact_text", "register_secret", "sanitize_url"]

MIN_SECRET_CHARS: Final = 6
"""Shorter registered values are not masked as such: they would blank out plain words."""

REDACTED: Final = "[redacted]"

# A credential after "Basic", "Bearer" or "token": at least 8 token characters that do not
# read as a plain word (a digit, one of +/=_~-., or a capital after the first letter), so
# "Basic validation failed" stays readable while "Basic dXNlcjpwYXNz" is masked.
_TOKEN_TEXT = re.compile(
    r"(?i)\b(basic|bearer|token)([\s:=]+)"
    r"((?=[A-Za-z0-9+/=._~-]*(?:[0-9+/=._~-]|(?-i:[A-Za-z][A-Z])))[A-Za-z0-9+/=._~-]{8,})"
)
_TOKEN_BYTES = re.compile(_TOKEN_TEXT.pattern.encode())
_USERINFO_TEXT = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://)[^/\s@?#]*@")
_USERINFO_BYTES = re.compile(rb"(?i)\b([a-z][a-z0-9+.-]*://)[^/\s@?#]*@")
_SECRET_QUERY_KEY = re.compile(r"(?i)(token|pass(word|wd)?|secret|api[-_]?key|auth|credential)")

# Exact secrets the services were given (a token, its decoded ``user:password``, the
# password), masked wherever a server might echo them without a "Basic" in front.
_KNOWN_SECRETS: list[str] = []
_SECRETS_LOCK = threading.Lock()


class _Forms:
    """One secret in every form an echo can take: a pattern for text, one for bytes.

    The patterns are slow next to a substring test, so each runs only when the text holds
    one of the secret's *anchors*: the first and last four characters of each run of
    letters and digits in it (no encoder escapes those; a line wrap can split one run,
    never both ends of it).
    """

    __slots__ = ("anchors", "anchors_bytes", "binary", "text")

    def __init__(self, secret: str) -> None:
        pattern = "(?i:" + _WRAP.join("(?:" + "|".join(_char_forms(c)) + ")" for c in secret) + ")"
        self.text = re.compile(pattern)
        self.binary = re.compile(pattern.encode("utf-8"))
        runs = re.findall(r"[A-Za-z0-9]{4,}", secret)
        self.anchors = tuple({a for run in runs for a in (run[:4], run[-4:])})
        self.anchors_bytes = tuple(a.encode() for a in self.anchors)


_FORMS: tuple[_Forms, ...] = ()
# Between two characters of an echoed secret: a line wrap (raw or JSON-escaped), as
# base64 tools insert every 64 or 76 columns.
_WRAP = r"(?:\r?\n|\\r\\n|\\n)?"


def _char_forms(char: str) -> list[str]:
    """Every way one character of a secret may come back: itself, JSON- and URL-escaped."""
    forms = {re.escape(char)}
    # Percent-encoded, all UTF-8 bytes of the character (the pattern ignores case).
    forms.add("".join(f"%{byte:02x}" for byte in char.encode("utf-8")))
    code = ord(char)
    if code <= 0xFFFF:
        forms.add(f"\\\\u{code:04x}")  # JSON \uXXXX
    else:
        high, low = 0xD800 + ((code - 0x10000) >> 10), 0xDC00 + ((code - 0x10000) & 0x3FF)
        forms.add(f"\\\\u{high:04x}\\\\u{low:04x}")
    if char in '/"\\':
        forms.add(re.escape("\\" + char))  # JSON \/ \" \\
    if char == " ":
        forms.add(r"\+")  # form encoding
    forms.add(f"&#{code};")
    forms.add(f"&#x{code:x};")
    if char == "+":
        forms.add("-")  # URL-safe base64
    elif char == "/":
        forms.add("_")
    return sorted(forms, key=len, reverse=True)


def register_secret(token: str) -> None:
    """Mask ``token`` in every error text from now on (the services call this).

    A Basic token is also decoded: its ``user:password`` and its password are masked too
    (when at least 6 characters long, so that short values do not blank out plain words).

    Args:
        token: The token as given to a service.

    """
    global _FORMS
    values = [token]
    try:
        decoded = base64.b64decode(token, validate=True).decode("utf-8")
    except (binascii.Error, ValueError):
        decoded = ""
    if ":" in decoded:
        values += [decoded, decoded.partition(":")[2]]
    with _SECRETS_LOCK:
        added = False
        for value in values:
            if len(value) >= MIN_SECRET_CHARS and value not in _KNOWN_SECRETS:
                _KNOWN_SECRETS.append(value)
                added = True
        if added:
            # Longest first: a password inside "user:password" must not split it.
            _KNOWN_SECRETS.sort(key=len, reverse=True)
            _FORMS = tuple(_Forms(secret) for secret in _KNOWN_SECRETS)


def redact_text(text: str) -> str:
    """Return ``text`` with URL credentials, registered secrets and echoed tokens masked."""
    text = _USERINFO_TEXT.sub(r"\1", text)
    for secret in _KNOWN_SECRETS:
        if secret in text:
            text = text.replace(secret, REDACTED)
    for forms in _FORMS:
        if not forms.anchors or any(a in text for a in forms.anchors):
            text = forms.text.sub(REDACTED, text)
    return _TOKEN_TEXT.sub(r"\1\2" + REDACTED, text)


def redact_bytes(data: bytes) -> bytes:
    """Bytes counterpart of :func:`redact_text` (for kept error bodies)."""
    data = _USERINFO_BYTES.sub(rb"\1", data)
    for secret in _KNOWN_SECRETS:
        encoded = secret.encode("utf-8")
        if encoded in data:
            data = data.replace(encoded, REDACTED.encode())
    for forms in _FORMS:
        if not forms.anchors_bytes or any(a in data for a in forms.anchors_bytes):
            data = forms.binary.sub(REDACTED.encode(), data)
    return _TOKEN_BYTES.sub(rb"\1\2" + REDACTED.encode(), data)


def sanitize_url(url: str) -> str:
    """Remove credentials from a URL: ``user:password@``, secret-looking query values, fragment.

    Args:
        url: An absolute or relative URL.

    Returns:
        The URL without a userinfo part; the value of any query parameter whose name looks
        like a secret (token, password, secret, api key, auth, credential) is replaced by
        ``[redacted]``.

    Example:
        >>> sanitize_url("https://bob:pw@wats.example.com/api/x?apiKey=abc&n=1")
        'https://wats.example.com/api/x?apiKey=[redacted]&n=1'

    """
    try:
        parts = urlsplit(url)
    except ValueError:
        return _USERINFO_TEXT.sub(r"\1", url.split("#", 1)[0])
    netloc = parts.netloc.rpartition("@")[2]
    query = parts.query
    if query and _SECRET_QUERY_KEY.search(query):
        pairs = []
        for pair in query.split("&"):
            key, sep, _value = pair.partition("=")
            pairs.append(f"{key}=[redacted]" if sep and _SECRET_QUERY_KEY.search(key) else pair)
        query = "&".join(pairs)
    return urlunsplit((parts.scheme, netloc, parts.path, query, ""))

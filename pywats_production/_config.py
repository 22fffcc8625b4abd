"""Configuration shared by both services: base URL, secret token, TLS, timeouts, limits."""

from __future__ import annotations

import logging
import math
import os
import ssl
from collections.abc import Sequence
from pathlib import Path

import attrs
import httpx

from ._core import Hook, Instrumentation
from ._secrets import register_secret
from ._transport import ACCEPT_ENCODING
from .errors import WatsInputError
from .pins import Pin, load_pins, pins_from_env
from .retry import RetryPolicy

__all__ = ["DEFAULT_LIMITS", "DEFAULT_TIMEOUT", "Secret", "ServiceConfig"]

logger = logging.getLogger("pywats_production")

#: Finite by default: a station must never hang on a dead server.
DEFAULT_TIMEOUT = httpx.Timeout(connect=5.0, read=30.0, write=30.0, pool=10.0)
#: Enough for concurrent chunked saves, small enough not to flood a server.
DEFAULT_LIMITS = httpx.Limits(max_connections=20, max_keepalive_connections=10)
#: Cap on bodies that can be large (exports, takes, feeds); configurable per service.
DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024 * 1024


class Secret:
    """A value that never shows itself in ``repr``, ``str``, logs or tracebacks.

    Example:
        >>> s = Secret("dXNlcjpwYXNz")
        >>> str(s), repr(s)
        ('***', "Secret('***')")

    """

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        """Return the secret value (only to build the Authorization header)."""
        return self._value

    def __repr__(self) -> str:
        return "Secret('***')"

    def __str__(self) -> str:
        return "***"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)


def _ssl_context(verify: bool | str | Path | ssl.SSLContext) -> bool | ssl.SSLContext:
    if isinstance(verify, ssl.SSLContext):
        return verify
    if isinstance(verify, str | Path):
        try:
            return ssl.create_default_context(cafile=str(verify))
        except (OSError, ssl.SSLError) as exc:
            # A missing file, or one that holds no PEM certificate: say which file.
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            raise WatsInputError(
                f"verify: cannot load CA certificates from {str(verify)!r}: {reason}",
                parameter="verify",
            ) from None
    if verify is False:
        logger.warning(
            "TLS certificate verification is OFF: anyone on the network can read the token "
            "and change answers. Give a CA bundle (verify='path/to/ca.pem') instead."
        )
        return False
    return True


@attrs.frozen(kw_only=True)
class ServiceConfig:
    """Settings of a service (immutable; shared by the async and the sync service).

    Attributes:
        base_url: the server's root URL, e.g. ``https://wats.example.com``.
        token: the token from the WATS Control Panel -> Tokens, sent verbatim as
            ``Authorization: Basic <token>``, kept as a :class:`Secret`.
        timeout: httpx timeout (finite by default).
        verify: TLS verification: True, False (logs a warning), a CA bundle path, or an
            ``ssl.SSLContext``.
        retry: the default retry policy.
        limits: connection-pool limits.
        max_response_bytes: cap on large bodies (exports, takes, feeds).
        hooks: user hooks that see every request and response.
        instrumentation: operation-level instrumentation (OpenTelemetry), or None.
        requests_per_minute: optional client-side request budget (None = off).
        save_concurrency: chunks of ``save_units`` sent at once by the async service.
        strict: raise :class:`~pywats_production.errors.ContractDriftError` on an answer
            off the contract instead of keeping the member in ``extra``.
        pins: the pins loaded from ``pins=`` or ``WATS_PINS`` (see :mod:`pywats_production.pins`).
        trust_env: whether the service's own HTTP client honours the proxy variables
            (``HTTPS_PROXY``, ``HTTP_PROXY``, ``ALL_PROXY``, ``NO_PROXY``) and
            ``SSL_CERT_FILE``; a proxy in them sees every request, token included.
        internal: whether ``service.internal`` (the internal API) is enabled.
        pinned_server_versions: the server versions of ``pins`` (derived from them); the internal
            API's version gate does not warn on them.

    """

    base_url: str
    token: Secret | None = None
    timeout: httpx.Timeout = DEFAULT_TIMEOUT
    verify: bool | str | Path | ssl.SSLContext = True
    retry: RetryPolicy = attrs.field(factory=RetryPolicy)
    limits: httpx.Limits = DEFAULT_LIMITS
    max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES
    hooks: Sequence[Hook] = ()
    instrumentation: Instrumentation | None = None
    requests_per_minute: float | None = None
    save_concurrency: int = 4
    trust_env: bool = True
    internal: bool = False
    strict: bool = False
    pins: tuple[Pin, ...] = ()

    # The server versions the loaded pins name; derived from ``pins`` unless given.
    pinned_server_versions: frozenset[str] = attrs.field(
        default=attrs.Factory(
            lambda self: frozenset(p.server_version for p in self.pins), takes_self=True
        )
    )

    def headers(self) -> dict[str, str]:
        """Return the headers every request carries (auth, Accept, User-Agent)."""
        from pywats_production_api._meta import DEFAULT_HEADERS

        headers = dict(DEFAULT_HEADERS)
        # Only encodings the SDK can inflate under its size cap (see _transport).
        headers["Accept-Encoding"] = ACCEPT_ENCODING
        if self.token is not None:
            headers["Authorization"] = f"Basic {self.token.reveal()}"
        return headers

    def client_args(self) -> dict[str, object]:
        """Return the arguments for building the service's own httpx client."""
        return {
            "base_url": self.base_url,
            "timeout": self.timeout,
            "verify": _ssl_context(self.verify),
            "limits": self.limits,
            "follow_redirects": False,
            "trust_env": self.trust_env,
        }


def _number(value: object, parameter: str, *, integer: bool = False) -> float:
    """Return ``value`` as a finite number, refusing bools, NaN, infinities and non-numbers."""
    ok = isinstance(value, int) if integer else isinstance(value, int | float)
    if not ok or isinstance(value, bool):
        kind = "an integer" if integer else "a number"
        raise WatsInputError(
            f"{parameter} must be {kind}, not {type(value).__name__}", parameter=parameter
        )
    number = float(value)  # type: ignore[arg-type]
    if not math.isfinite(number):
        raise WatsInputError(f"{parameter} must be finite, got {value!r}", parameter=parameter)
    return number


def _check_timeout(timeout: object) -> httpx.Timeout:
    if timeout is None:
        return DEFAULT_TIMEOUT
    if isinstance(timeout, httpx.Timeout):
        for part, value in timeout.as_dict().items():
            if value is not None and (
                not isinstance(value, int | float) or not math.isfinite(value) or value <= 0
            ):
                raise WatsInputError(
                    f"timeout.{part} must be a finite number of seconds > 0, got {value!r}",
                    parameter="timeout",
                )
        return timeout
    seconds = _number(timeout, "timeout")
    if seconds <= 0:
        raise WatsInputError("timeout must be > 0 seconds", parameter="timeout")
    return httpx.Timeout(seconds, connect=min(seconds, 5.0))


def check_token(token: object) -> Secret | None:
    """Return the token as a :class:`Secret`, refusing one that cannot go in a header.

    ``bytes`` are decoded as ASCII. The token is never shown in the error, nor left in
    the locals of a frame of the traceback (``capture_locals=True`` shows them).

    Raises:
        WatsInputError: not text, or characters a header cannot carry (a line break, as
            ``base64.encodebytes`` inserts every 76 columns; a control or non-ASCII
            character).

    """
    problem, secret = _token_problem(token)
    token = None  # out of this frame's locals before anything is raised
    if problem is not None:
        raise WatsInputError(problem, parameter="token")
    return secret


def _token_problem(token: object) -> tuple[str | None, Secret | None]:
    if token is None:
        return None, None
    if isinstance(token, Secret):
        secret = token
    elif isinstance(token, bytes | bytearray):
        try:
            secret = Secret(bytes(token).decode("ascii"))
        except UnicodeDecodeError:
            return "token must be ASCII text (base64 of user:password); these bytes are not", None
    elif isinstance(token, str):
        secret = Secret(token)
    else:
        return f"token must be a str, not {type(token).__name__}", None
    token = None
    value = secret.reveal().strip()
    if not value:
        return None, None
    bad = next((c for c in value if not ("\x21" <= c <= "\x7e" or c == " ")), None)
    if bad is not None:
        what = "a line break" if bad in "\r\n" else f"the character U+{ord(bad):04X}"
        return (
            f"token contains {what}, which an HTTP header cannot carry (a base64 token must "
            "be one line: use base64.b64encode, not encodebytes)"
        ), None
    return None, secret if secret.reveal() == value else Secret(value)


def make_config(
    base_url: str,
    token: str | bytes | Secret | None,
    *,
    timeout: float | httpx.Timeout | None,
    verify: bool | str | Path | ssl.SSLContext,
    retry: RetryPolicy | None,
    max_response_bytes: int | None,
    hooks: Sequence[Hook],
    instrumentation: Instrumentation | None,
    requests_per_minute: float | None,
    save_concurrency: int,
    strict: bool = False,
    pins: Sequence[str | Path] | None = None,
    trust_env: bool = True,
    internal: bool = False,
) -> ServiceConfig:
    """Validate constructor arguments and build a :class:`ServiceConfig`.

    Raises:
        WatsInputError: any setting that is of the wrong kind or out of range.

    """
    if not isinstance(base_url, str) or not base_url.strip():
        raise WatsInputError("base_url must be a non-empty URL", parameter="base_url")
    try:
        url = httpx.URL(base_url.strip())
    except (httpx.InvalidURL, ValueError, TypeError):
        raise WatsInputError("base_url is not a valid URL", parameter="base_url") from None
    if url.scheme not in ("http", "https") or not url.host:
        raise WatsInputError(
            f"base_url must be an http(s) URL with a host, not {base_url!r}", parameter="base_url"
        )
    if url.userinfo:
        raise WatsInputError(
            "base_url must not carry credentials; pass token= instead", parameter="base_url"
        )
    if url.query or url.fragment or "?" in base_url or "#" in base_url:
        # Every request path is appended to base_url: a query would end up before it.
        raise WatsInputError(
            "base_url must not have a query string or fragment", parameter="base_url"
        )
    secret = token if isinstance(token, Secret) else check_token(token)
    token = None
    if secret is not None:
        register_secret(secret.reveal())
    http_timeout = _check_timeout(timeout)
    if not (isinstance(verify, bool | str | Path | ssl.SSLContext)):
        raise WatsInputError(
            "verify must be True, False, a CA bundle path or an ssl.SSLContext",
            parameter="verify",
        )
    if retry is not None and not isinstance(retry, RetryPolicy):
        raise WatsInputError(
            f"retry must be a RetryPolicy (e.g. RetryPolicy.never()), not {retry!r}",
            parameter="retry",
        )
    if max_response_bytes is not None and (
        _number(max_response_bytes, "max_response_bytes", integer=True) < 1
    ):
        raise WatsInputError("max_response_bytes must be >= 1", parameter="max_response_bytes")
    if requests_per_minute is not None and (
        _number(requests_per_minute, "requests_per_minute") <= 0
    ):
        raise WatsInputError("requests_per_minute must be > 0", parameter="requests_per_minute")
    if _number(save_concurrency, "save_concurrency", integer=True) < 1:
        raise WatsInputError("save_concurrency must be >= 1", parameter="save_concurrency")
    if not isinstance(trust_env, bool):
        raise WatsInputError("trust_env must be True or False", parameter="trust_env")
    if not isinstance(internal, bool):
        raise WatsInputError("internal must be True or False", parameter="internal")
    if not isinstance(strict, bool):
        raise WatsInputError("strict must be True or False", parameter="strict")
    if isinstance(pins, str | Path):
        raise WatsInputError("pins must be a list of pin file paths", parameter="pins")
    loaded = pins_from_env() if pins is None else load_pins(pins)
    return ServiceConfig(
        base_url=str(url).rstrip("/"),
        token=secret,
        timeout=http_timeout,
        verify=verify,
        retry=retry or RetryPolicy(),
        max_response_bytes=max_response_bytes or DEFAULT_MAX_RESPONSE_BYTES,
        hooks=tuple(hooks),
        instrumentation=instrumentation,
        requests_per_minute=requests_per_minute,
        save_concurrency=save_concurrency,
        strict=strict,
        pins=loaded,
        trust_env=trust_env,
        internal=internal,
    )


def env_settings() -> tuple[str, str | None]:
    """Return ``(WATS_BASE_URL, WATS_AUTH_TOKEN)`` from the environment.

    Raises:
        WatsInputError: if WATS_BASE_URL is not set.

    """
    base_url = os.environ.get("WATS_BASE_URL", "").strip()
    if not base_url:
        raise WatsInputError(
            "WATS_BASE_URL is not set (and WATS_AUTH_TOKEN for the token)",
            parameter="WATS_BASE_URL",
        )
    return base_url, os.environ.get("WATS_AUTH_TOKEN") or None

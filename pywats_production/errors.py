"""The exceptions pywats-production raises, and the mapping of HTTP error answers to them.

Everything the SDK raises on purpose derives from :class:`WatsError`, except :class:`TypeError`
for an argument of the wrong Python type. The tree::

    WatsError
    ├── WatsInputError (also ValueError)   bad input, refused before any request
    │   └── InvalidPhaseError
    ├── WatsResponseError                  an answer the SDK cannot read
    │   ├── ContractDriftError             strict mode: an answer off the contract
    │   ├── UnsafeXmlError
    │   └── ResponseTooLargeError
    ├── WatsApiError                       the server answered with an error status
    │   ├── BadRequestError (400), AuthenticationError (401), PermissionDeniedError (403),
    │   │   NotFoundError (404), ConflictError (409), RateLimitedError (429), ServerError (5xx)
    │   ├── AssemblyError                  a box-build refusal of AddChildUnit/RemoveChildUnit
    │   │   └── ChildAlreadyHasParentError, ChildNotFinalizedError, AssemblyLoopError,
    │   │       NotInBoxBuildError, NotLinkedError
    │   └── SequenceUnavailableError       Take with only_in_sequence could not be satisfied
    ├── WatsConnectionError                no (complete) answer: connect/read failure
    │   └── WatsTimeoutError
    └── AmbiguousOutcomeError              a write may or may not have happened

The reason classes (``AssemblyError`` and below, ``SequenceUnavailableError``) say *why*; the
object raised also derives from the status class it arrived with when that status is 400 or
409, so ``except ConflictError`` and ``except ChildAlreadyHasParentError`` both catch a 409
"already has a parent", and ``except BadRequestError`` catches the same refusal if a server
sends it as 400. The reason is taken from the Problem ``code`` when the server sends one (the
contract mock does), otherwise guessed from the message text for the assembly operations (the
real server's texts are not published; see :func:`error_from_response`).

No error ever shows credentials: URLs lose their ``user:password@`` part and secret-looking
query values, and ``Basic``/``Bearer`` tokens echoed in a server message are masked (the
forms a secret can take are known to :mod:`pywats_production._secrets`). Reading an error
body and guessing the reason of a refusal is :mod:`pywats_production._classify`'s work.
"""

from __future__ import annotations

import http
import pickle
import re
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import ClassVar, Final
from urllib.parse import urlsplit

from ._classify import classify
from ._secrets import redact_bytes, redact_text, register_secret, sanitize_url

__all__ = [
    "AmbiguousOutcomeError",
    "AssemblyError",
    "AssemblyLoopError",
    "AuthenticationError",
    "BadRequestError",
    "ChildAlreadyHasParentError",
    "ChildNotFinalizedError",
    "ConflictError",
    "ContractDriftError",
    "InternalApiNotEnabledError",
    "InvalidPhaseError",
    "NotFoundError",
    "NotInBoxBuildError",
    "NotLinkedError",
    "ParentNotAllowedError",
    "PartNumberImmutableError",
    "PermissionDeniedError",
    "RateLimitedError",
    "ResponseTooLargeError",
    "SequenceUnavailableError",
    "ServerError",
    "UnitExistsError",
    "UnitHasChildrenError",
    "UnsafeXmlError",
    "UnsupportedOperationError",
    "WatsApiError",
    "WatsConnectionError",
    "WatsError",
    "WatsInputError",
    "WatsInternalApiWarning",
    "WatsResponseError",
    "WatsTimeoutError",
    "error_from_response",
    "register_secret",
    "sanitize_url",
]

MAX_MESSAGE_CHARS: Final = 500
"""Longest server message kept on :attr:`WatsApiError.message`."""

MAX_BODY_BYTES: Final = 4096
"""Longest error body kept on :attr:`WatsApiError.body`."""

# --- text hygiene -----------------------------------------------------------------------

_CONTROL_RUN = re.compile(r"[\x00-\x1f\x7f\s]+")


def _one_line(text: str, limit: int = MAX_MESSAGE_CHARS) -> str:
    """Collapse control characters and whitespace runs to one space and cap the length."""
    text = _CONTROL_RUN.sub(" ", text).strip()
    if len(text) > limit:
        text = text[: limit - 3].rstrip() + "..."
    return text


def _target(url: str) -> str:
    """Path and query of a (sanitised) URL, which is what a one-line message shows."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    if not parts.scheme and not parts.netloc:
        return url
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


def _reason(status: int) -> str:
    try:
        return http.HTTPStatus(status).phrase
    except ValueError:
        return (
            "Client Error" if 400 <= status < 500 else "Server Error" if status >= 500 else "HTTP"
        )


def _restore(cls: type[WatsError], args: tuple[object, ...], state: dict[str, object]) -> WatsError:
    """Rebuild an error from :meth:`WatsError.__reduce__` without calling ``__init__``."""
    obj = cls.__new__(cls)
    obj.args = args
    obj.__dict__.update(state)
    return obj


# --- the base ---------------------------------------------------------------------------


class WatsError(Exception):
    """Base class of every error pywats-production raises on purpose.

    ``str(error)`` is one line that says what failed; it never contains credentials.
    Errors pickle and unpickle with their attributes (callables such as a reconciler are
    dropped, see :class:`AmbiguousOutcomeError`).
    """

    _unpicklable: ClassVar[tuple[str, ...]] = ()

    def __init__(self, message: str = "") -> None:
        # Masked here, once: args, message, repr, pickles and tracebacks all carry this text.
        message = redact_text(message) if message else message
        super().__init__(message)
        self.message: str = message

    def __str__(self) -> str:
        return _one_line(redact_text(self.message), 2000)

    def __repr__(self) -> str:
        try:
            return self._repr()
        except AttributeError:
            # Called before __init__ finished (a traceback showing locals): no crash.
            return f"{type(self).__name__}(<incomplete>)"

    def _repr(self) -> str:
        return f"{type(self).__name__}({str(self)!r})"

    def __reduce__(
        self,
    ) -> tuple[
        Callable[[type[WatsError], tuple[object, ...], dict[str, object]], WatsError],
        tuple[type[WatsError], tuple[object, ...], dict[str, object]],
    ]:
        state = {k: v for k, v in self.__dict__.items() if k not in self._unpicklable}
        return (_restore, (type(self), self.args, state))


class WatsInputError(WatsError, ValueError):
    """An argument was refused before any request was sent.

    Attributes:
        message: What is wrong, naming the parameter.
        parameter: The Python name of the offending parameter, or None.

    Example:
        >>> str(WatsInputError("quantity must be at least 1, got 0", parameter="quantity"))
        'quantity must be at least 1, got 0'

    """

    def __init__(self, message: str, *, parameter: str | None = None) -> None:
        super().__init__(message)
        self.parameter: str | None = parameter

    def _repr(self) -> str:
        return f"{type(self).__name__}({str(self)!r}, parameter={self.parameter!r})"


class UnsupportedOperationError(WatsError):
    """The server is older than the operation: nothing was sent to its route.

    Raised by the operations of newer server lines (``query_units``, ``create_unit``, ...)
    when the server's version, read once per service from ``GET /api/App/Version`` or
    given as ``server_version=``, is older than the operation's minimum.

    Attributes:
        operation: The SDK method, e.g. ``query_units``.
        server_version: The server's version text.
        minimum_version: The first server line that has the operation, e.g. ``2026.3``.

    Example:
        >>> str(UnsupportedOperationError("query_units", "2025.3.9.824", "2026.3"))
        'query_units needs a WATS server 2026.3 or newer; this server is 2025.3.9.824'

    """

    def __init__(self, operation: str, server_version: str, minimum_version: str) -> None:
        super().__init__(
            f"{operation} needs a WATS server {minimum_version} or newer; "
            f"this server is {server_version}"
        )
        self.operation: str = operation
        self.server_version: str = server_version
        self.minimum_version: str = minimum_version


class InternalApiNotEnabledError(WatsError, AttributeError):
    """``service.internal`` was used on a service created without ``internal=True``.

    The internal API (``/api/internal/...``) is not part of the server's public contract:
    Virinco may change it without notice. It is offered only to those who ask for it, by
    creating the service with ``internal=True``.
    """


class WatsInternalApiWarning(UserWarning):
    """The server's version is outside those the internal contract was derived for.

    Warned once per service, at its first internal call, unless a pin
    (``config.pinned_server_versions``) covers the server's version.
    """


class InvalidPhaseError(WatsInputError):
    """A phase name or number that is not a valid unit phase (see ``UnitPhase.parse``)."""


class WatsResponseError(WatsError):
    """The server answered, but the SDK cannot read the answer (bad JSON/XML, wrong shape).

    Attributes:
        message: What could not be read.
        field: The JSON member (or CSV column / XML attribute) at fault, when known.
        operation: The SDK operation whose answer it was, when known.
        request_id: The request id sent with the request, when known.

    """

    def __init__(
        self,
        message: str,
        *,
        field: str | None = None,
        operation: str | None = None,
        request_id: str | None = None,
    ) -> None:
        super().__init__(message)
        self.field: str | None = field
        self.operation: str | None = operation
        self.request_id: str | None = request_id

    def __str__(self) -> str:
        text = super().__str__()
        extras = []
        if self.operation:
            extras.append(self.operation)
        if self.request_id:
            extras.append(f"request {self.request_id}")
        return f"{text} ({', '.join(extras)})" if extras else text


class ContractDriftError(WatsResponseError):
    """Strict mode: an answer has a member, value or type the contract does not describe.

    Raised only by services built with ``strict=True``; a lenient service keeps such
    members in ``extra`` and reports each kind of drift once (log and hooks).

    Attributes:
        kind: ``"member"`` (a member the contract does not describe), ``"type"`` (a member
            of another JSON type) or ``"value"`` (a value outside the contract's enum).
        model: The SDK model being read (``Unit``, ``UnitTag``, ...).
        member: The JSON member at fault (also in :attr:`field`).
        detail: What was found, e.g. ``got int 5``.

    """

    def __init__(
        self,
        message: str,
        *,
        kind: str,
        model: str,
        member: str,
        detail: str = "",
        operation: str | None = None,
        request_id: str | None = None,
    ) -> None:
        super().__init__(message, field=member, operation=operation, request_id=request_id)
        self.kind = kind
        self.model = model
        self.member = member
        self.detail = detail


class UnsafeXmlError(WatsResponseError):
    """An XML answer carried a DTD, an entity declaration or an external reference.

    Such documents are refused outright (they are how billion-laughs and XXE attacks work);
    no WATS answer needs them.
    """


class ResponseTooLargeError(WatsResponseError):
    """An answer was larger than the configured cap and was not read further.

    Attributes:
        limit: The cap in bytes.
        received: Bytes received when reading stopped (more than ``limit``).

    """

    def __init__(
        self,
        message: str | None = None,
        *,
        limit: int,
        received: int,
        operation: str | None = None,
        request_id: str | None = None,
    ) -> None:
        super().__init__(
            message or f"response larger than the limit of {limit} bytes (read {received})",
            operation=operation,
            request_id=request_id,
        )
        self.limit: int = limit
        self.received: int = received


# --- HTTP error answers -----------------------------------------------------------------


class WatsApiError(WatsError):
    """The server answered with an error status.

    Attributes:
        status: The HTTP status code.
        method: The HTTP method.
        url: The request URL without credentials (see :func:`sanitize_url`).
        message: The server's message (Problem ``detail``, ``message`` or ``title``, or the
            text of the body), one line, at most 500 characters; may be empty.
        code: The Problem ``code`` (a machine-readable reason), when the server sent one.
        parameter: The Problem ``parameter`` (the request parameter at fault), when sent.
        request_id: The request id the SDK sent (``X-Request-ID``), when known.
        attempts: How many times the request was sent, this one included.
        operation: The SDK operation (for example ``addChildUnit``), when known.
        retry_after: Seconds the server asked to wait (``Retry-After``), when sent.
        body: The start of the error body (at most 4 KiB), tokens masked.

    Example:
        >>> e = NotFoundError(status=404, method="GET", url="https://h/api/x", message="gone")
        >>> str(e)
        '404 Not Found: GET /api/x: gone'

    """

    reason_code: ClassVar[str | None] = None
    """The reason this class stands for (a Problem ``code``); None for the status classes."""

    def __init__(
        self,
        *,
        status: int,
        method: str,
        url: str,
        message: str = "",
        code: str | None = None,
        parameter: str | None = None,
        request_id: str | None = None,
        attempts: int = 1,
        operation: str | None = None,
        retry_after: float | None = None,
        body: bytes = b"",
    ) -> None:
        message = _one_line(redact_text(message))
        super().__init__(message)
        self.status: int = status
        self.method: str = method.upper()
        self.url: str = sanitize_url(url)
        self.code: str | None = code
        self.parameter: str | None = parameter
        self.request_id: str | None = request_id
        self.attempts: int = attempts
        self.operation: str | None = operation
        self.retry_after: float | None = retry_after
        # Masked before it is cut: a secret across the cut must not leave its first half.
        self.body: bytes = redact_bytes(body[: MAX_BODY_BYTES * 2])[:MAX_BODY_BYTES]

    def __str__(self) -> str:
        text = f"{self.status} {_reason(self.status)}: {self.method} {_target(self.url)}"
        if self.message:
            text += f": {self.message}"
        notes = []
        if self.code:
            notes.append(f"code {self.code}")
        if self.parameter:
            notes.append(f"parameter {self.parameter}")
        if self.request_id:
            notes.append(f"request {self.request_id}")
        if self.attempts > 1:
            notes.append(f"{self.attempts} attempts")
        if self.retry_after is not None:
            notes.append(f"retry after {self.retry_after:g}s")
        if notes:
            text += f" ({', '.join(notes)})"
        return _one_line(text, 2000)

    def _repr(self) -> str:
        return (
            f"{type(self).__name__}(status={self.status}, method={self.method!r}, "
            f"url={self.url!r}, message={self.message!r}, code={self.code!r}, "
            f"request_id={self.request_id!r}, attempts={self.attempts})"
        )


class BadRequestError(WatsApiError):
    """400: the request breaks a rule of the server."""


class AuthenticationError(WatsApiError):
    """401: missing or wrong credentials."""


class PermissionDeniedError(WatsApiError):
    """403: the account may not do this."""


class NotFoundError(WatsApiError):
    """404: the unit, serial-number type, relation or change does not exist."""


class ConflictError(WatsApiError):
    """409: the request conflicts with the current state."""


class RateLimitedError(WatsApiError):
    """429: the request budget is exceeded; :attr:`retry_after` says how long to wait."""


class ServerError(WatsApiError):
    """5xx: the server failed."""


class AssemblyError(WatsApiError):
    """AddChildUnit or RemoveChildUnit was refused (base of the specific reasons).

    Raised as such for an assembly refusal whose reason the SDK cannot tell.
    """


class ChildAlreadyHasParentError(AssemblyError):
    """The child unit already has a parent (``child_has_parent``)."""

    reason_code = "child_has_parent"


class ChildNotFinalizedError(AssemblyError):
    """The child unit is not in its finalized phase (``child_not_finalized``)."""

    reason_code = "child_not_finalized"


class AssemblyLoopError(AssemblyError):
    """The link would make a loop of parents and children (``would_create_loop``)."""

    reason_code = "would_create_loop"


class NotInBoxBuildError(AssemblyError):
    """The child does not match the parent's box build or the check part/revision."""

    reason_code = "not_in_box_build"


class NotLinkedError(AssemblyError):
    """RemoveChildUnit: the child is not linked to that parent (``not_linked``)."""

    reason_code = "not_linked"


class SequenceUnavailableError(WatsApiError):
    """Take with ``only_in_sequence``: no contiguous run of that size is free."""

    reason_code = "sequence_unavailable"


class UnitHasChildrenError(WatsApiError):
    """``delete_unit``: the unit still has child units; remove them first."""

    reason_code = "unit_has_children"


class UnitExistsError(WatsApiError):
    """``create_unit`` / ``change_unit``: a unit with that serial and part number exists."""

    reason_code = "unit_exists"


class ParentNotAllowedError(WatsApiError):
    """``create_unit``: a unit is not created with a parent (link it with add_child_unit)."""

    reason_code = "parent_not_allowed"


class PartNumberImmutableError(WatsApiError):
    """``update_unit``: the part number cannot change here (use ``change_unit``)."""

    reason_code = "part_number_immutable"


# The objects actually raised combine a reason with the status class it arrived with.
# Their names are private; catch the reason class or the status class.
class _AssemblyBadRequest(AssemblyError, BadRequestError):
    pass


class _AssemblyConflict(AssemblyError, ConflictError):
    pass


class _ChildAlreadyHasParentBadRequest(ChildAlreadyHasParentError, BadRequestError):
    pass


class _ChildAlreadyHasParentConflict(ChildAlreadyHasParentError, ConflictError):
    pass


class _ChildNotFinalizedBadRequest(ChildNotFinalizedError, BadRequestError):
    pass


class _ChildNotFinalizedConflict(ChildNotFinalizedError, ConflictError):
    pass


class _AssemblyLoopBadRequest(AssemblyLoopError, BadRequestError):
    pass


class _AssemblyLoopConflict(AssemblyLoopError, ConflictError):
    pass


class _NotInBoxBuildBadRequest(NotInBoxBuildError, BadRequestError):
    pass


class _NotInBoxBuildConflict(NotInBoxBuildError, ConflictError):
    pass


class _NotLinkedBadRequest(NotLinkedError, BadRequestError):
    pass


class _NotLinkedConflict(NotLinkedError, ConflictError):
    pass


class _SequenceUnavailableBadRequest(SequenceUnavailableError, BadRequestError):
    pass


class _SequenceUnavailableConflict(SequenceUnavailableError, ConflictError):
    pass


class _UnitHasChildrenBadRequest(UnitHasChildrenError, BadRequestError):
    pass


class _UnitHasChildrenConflict(UnitHasChildrenError, ConflictError):
    pass


class _UnitExistsBadRequest(UnitExistsError, BadRequestError):
    pass


class _UnitExistsConflict(UnitExistsError, ConflictError):
    pass


class _ParentNotAllowedBadRequest(ParentNotAllowedError, BadRequestError):
    pass


class _ParentNotAllowedConflict(ParentNotAllowedError, ConflictError):
    pass


class _PartNumberImmutableBadRequest(PartNumberImmutableError, BadRequestError):
    pass


class _PartNumberImmutableConflict(PartNumberImmutableError, ConflictError):
    pass


_STATUS_CLASSES: Final[dict[int, type[WatsApiError]]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    429: RateLimitedError,
}

_REASON_CLASSES: Final[dict[str, tuple[type[WatsApiError], type[WatsApiError]]]] = {
    # reason: (raised with 400, raised with 409)
    "assembly": (_AssemblyBadRequest, _AssemblyConflict),
    "child_has_parent": (_ChildAlreadyHasParentBadRequest, _ChildAlreadyHasParentConflict),
    "child_not_finalized": (_ChildNotFinalizedBadRequest, _ChildNotFinalizedConflict),
    "would_create_loop": (_AssemblyLoopBadRequest, _AssemblyLoopConflict),
    "not_in_box_build": (_NotInBoxBuildBadRequest, _NotInBoxBuildConflict),
    "not_linked": (_NotLinkedBadRequest, _NotLinkedConflict),
    "sequence_unavailable": (_SequenceUnavailableBadRequest, _SequenceUnavailableConflict),
    "unit_has_children": (_UnitHasChildrenBadRequest, _UnitHasChildrenConflict),
    "unit_exists": (_UnitExistsBadRequest, _UnitExistsConflict),
    "parent_not_allowed": (_ParentNotAllowedBadRequest, _ParentNotAllowedConflict),
    "part_number_immutable": (_PartNumberImmutableBadRequest, _PartNumberImmutableConflict),
}


def error_from_response(
    *,
    status: int,
    method: str,
    url: str,
    body: bytes,
    content_type: str | None,
    request_id: str | None,
    attempts: int,
    operation: str | None,
    retry_after: float | None,
) -> WatsApiError:
    """Build the error for an HTTP error answer.

    The class follows the status (400, 401, 403, 404, 409, 429, 5xx; any other status gives
    a plain :class:`WatsApiError`). For 400 and 409 a reason class is added when the Problem
    ``code`` names one (``child_has_parent``, ``child_not_finalized``, ``would_create_loop``,
    ``not_in_box_build``, ``not_linked``, ``sequence_unavailable``). Without a code, the
    answers of AddChildUnit, RemoveChildUnit and Take are classified from keywords in the
    message (a heuristic: the real server's texts are not published); an assembly refusal
    that matches no keyword is still an :class:`AssemblyError`.

    Args:
        status: HTTP status (400 or more).
        method: HTTP method.
        url: Request URL; credentials are removed before it is stored.
        body: The error body (only its start is kept).
        content_type: The ``Content-Type`` of the answer, if any.
        request_id: The request id the SDK sent.
        attempts: How many times the request was sent, this one included.
        operation: The SDK operation name (``addChildUnit``, ``add_child_unit`` ...), used
            with the URL path to recognise assembly and Take answers.
        retry_after: Seconds from ``Retry-After``, if sent.

    Returns:
        The error to raise.

    Example:
        >>> e = error_from_response(status=409, method="POST",
        ...     url="https://h/api/Production/AddChildUnit", body=b'{"code":"child_has_parent"}',
        ...     content_type="application/problem+json", request_id=None, attempts=1,
        ...     operation="addChildUnit", retry_after=None)
        >>> isinstance(e, ChildAlreadyHasParentError), isinstance(e, ConflictError)
        (True, True)

    """
    message, code, parameter, reason = classify(
        status=status, body=body, content_type=content_type, operation=operation, url=url
    )
    cls = ServerError if status >= 500 else _STATUS_CLASSES.get(status, WatsApiError)
    if reason is not None:
        cls = _REASON_CLASSES[reason][0 if status == 400 else 1]
    return cls(
        status=status,
        method=method,
        url=url,
        message=message,
        code=code,
        parameter=parameter,
        request_id=request_id,
        attempts=attempts,
        operation=operation,
        retry_after=retry_after,
        body=body,
    )


# --- no answer / unknown outcome --------------------------------------------------------


class WatsConnectionError(WatsError):
    """No complete answer was received (connect, TLS, read or write failure).

    Attributes:
        message: What failed (the transport's own text).
        method: The HTTP method.
        url: The request URL without credentials.
        request_id: The request id sent, when known.
        attempts: How many times the request was tried.
        operation: The SDK operation, when known.
        request_sent: False when the failure happened before the request could reach the
            server (for example a refused connection), so a retry cannot duplicate it.
        cause: The underlying exception, when there is one.

    """

    def __init__(
        self,
        message: str,
        *,
        method: str,
        url: str,
        request_id: str | None = None,
        attempts: int = 1,
        operation: str | None = None,
        request_sent: bool = True,
        cause: BaseException | None = None,
    ) -> None:
        super().__init__(message)
        self.method: str = method.upper()
        self.url: str = sanitize_url(url)
        self.request_id: str | None = request_id
        self.attempts: int = attempts
        self.operation: str | None = operation
        self.request_sent: bool = request_sent
        self.cause: BaseException | None = cause

    def _label(self) -> str:
        return "connection failed"

    def __str__(self) -> str:
        target = f"{self.method} {_target(self.url)}"
        detail = super().__str__()
        if detail.startswith(f"{self.method} "):
            # The message already names the request (the service layer's texts do).
            text = f"{self._label()}: {detail}"
        else:
            text = f"{self._label()}: {target}" + (f": {detail}" if detail else "")
        notes = []
        if self.request_id:
            notes.append(f"request {self.request_id}")
        if self.attempts > 1:
            notes.append(f"{self.attempts} attempts")
        notes.append("request was sent" if self.request_sent else "request not sent")
        return _one_line(f"{text} ({', '.join(notes)})", 2000)

    def _repr(self) -> str:
        return (
            f"{type(self).__name__}(method={self.method!r}, url={self.url!r}, "
            f"message={self.message!r}, request_sent={self.request_sent}, "
            f"attempts={self.attempts}, request_id={self.request_id!r})"
        )

    def __reduce__(
        self,
    ) -> tuple[
        Callable[[type[WatsError], tuple[object, ...], dict[str, object]], WatsError],
        tuple[type[WatsError], tuple[object, ...], dict[str, object]],
    ]:
        restore, (cls, args, state) = super().__reduce__()
        state["cause"] = _picklable_cause(self.cause)
        return restore, (cls, args, state)


class WatsTimeoutError(WatsConnectionError):
    """The server did not answer in time (connect, read, write or pool timeout)."""

    def _label(self) -> str:
        return "timed out"


def _picklable_cause(cause: BaseException | None) -> BaseException | None:
    """Keep a cause that pickles; replace one that does not by a RuntimeError with its text."""
    if cause is None:
        return None
    try:
        pickle.dumps(cause)
    except Exception:  # any failure means "cannot be pickled"
        return RuntimeError(f"{type(cause).__name__}: {cause}")
    return cause


class AmbiguousOutcomeError(WatsError):
    """A write may or may not have taken effect, and the SDK could not find out which.

    The typical case is Take: the request was sent, no answer came back, and the numbers
    it may have taken cannot be replayed blindly. :attr:`details` holds everything needed
    to reconcile by hand (type name, references, station, time window), and
    :meth:`reconcile` / :meth:`areconcile` run the reconciliation the SDK prepared, if any.

    Attributes:
        message: What happened.
        operation: The SDK operation.
        request_id: The request id of the last attempt.
        attempts: How many times the request was sent.
        recovered: Numbers (or other keys) already found to have been taken/written.
        details: Everything needed to reconcile, as text.
        cause: The exception that made the outcome unknown.

    Example:
        >>> e = AmbiguousOutcomeError("no answer", operation="takeSerialNumbers",
        ...     reconciler=lambda: ["SN1"])
        >>> e.reconcile()
        ('SN1',)

    """

    _unpicklable = ("_reconciler", "_areconciler")

    def __init__(
        self,
        message: str,
        *,
        operation: str,
        request_id: str | None = None,
        attempts: int = 1,
        recovered: Sequence[str] = (),
        details: Mapping[str, str] | None = None,
        cause: BaseException | None = None,
        reconciler: Callable[[], Sequence[str]] | None = None,
        areconciler: Callable[[], Awaitable[Sequence[str]]] | None = None,
    ) -> None:
        super().__init__(message)
        self.operation: str = operation
        self.request_id: str | None = request_id
        self.attempts: int = attempts
        self.recovered: tuple[str, ...] = tuple(recovered)
        # A plain dict copy: a MappingProxyType would not pickle.
        self.details: Mapping[str, str] = dict(details or {})
        self.cause: BaseException | None = cause
        self._reconciler: Callable[[], Sequence[str]] | None = reconciler
        self._areconciler: Callable[[], Awaitable[Sequence[str]]] | None = areconciler

    def reconcile(self) -> tuple[str, ...]:
        """Run the prepared reconciliation and return what it found.

        The result also replaces :attr:`recovered`.

        Returns:
            The numbers (or keys) the operation turned out to have written.

        Raises:
            WatsError: No reconciliation is available (for example after unpickling).
            Exception: Whatever the reconciliation itself raises (typically a WatsError).

        Example:
            >>> AmbiguousOutcomeError("x", operation="t", reconciler=lambda: ["A"]).reconcile()
            ('A',)

        """
        if self._reconciler is None:
            raise WatsError(f"no reconciliation available for {self.operation}")
        self.recovered = tuple(self._reconciler())
        return self.recovered

    async def areconcile(self) -> tuple[str, ...]:
        """Async form of :meth:`reconcile`, for errors raised by the async client.

        Returns:
            The numbers (or keys) the operation turned out to have written.

        Raises:
            WatsError: No async reconciliation is available.

        Example:
            >>> async def find() -> list[str]:
            ...     return ["A"]
            >>> import asyncio
            >>> error = AmbiguousOutcomeError("x", operation="t", areconciler=find)
            >>> asyncio.run(error.areconcile())
            ('A',)

        """
        if self._areconciler is None:
            raise WatsError(f"no async reconciliation available for {self.operation}")
        self.recovered = tuple(await self._areconciler())
        return self.recovered

    @property
    def can_reconcile(self) -> bool:
        """True when :meth:`reconcile` (or :meth:`areconcile`) has something to run."""
        return self._reconciler is not None or self._areconciler is not None

    def __str__(self) -> str:
        detail = super().__str__()
        if "outcome unknown" in detail.lower():
            text = detail
        elif self.operation and self.operation in detail:
            text = f"outcome unknown: {detail}"
        else:
            text = f"outcome unknown: {self.operation}" + (f": {detail}" if detail else "")
        notes = []
        if self.request_id:
            notes.append(f"request {self.request_id}")
        if self.attempts > 1:
            notes.append(f"{self.attempts} attempts")
        if self.recovered:
            notes.append(f"{len(self.recovered)} recovered")
        if notes:
            text += f" ({', '.join(notes)})"
        return _one_line(text, 2000)

    def _repr(self) -> str:
        return (
            f"{type(self).__name__}(operation={self.operation!r}, message={self.message!r}, "
            f"request_id={self.request_id!r}, attempts={self.attempts}, "
            f"recovered={self.recovered!r})"
        )

    def __reduce__(
        self,
    ) -> tuple[
        Callable[[type[WatsError], tuple[object, ...], dict[str, object]], WatsError],
        tuple[type[WatsError], tuple[object, ...], dict[str, object]],
    ]:
        restore, (cls, args, state) = super().__reduce__()
        state["cause"] = _picklable_cause(self.cause)
        state["_reconciler"] = None
        state["_areconciler"] = None
        return restore, (cls, args, state)

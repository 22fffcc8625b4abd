"""Exit codes of ``wats-production`` and the mapping of SDK errors to them."""

from __future__ import annotations

import enum

from pywats_production.errors import (
    AmbiguousOutcomeError,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
    WatsApiError,
    WatsConnectionError,
    WatsError,
    WatsInputError,
)

__all__ = ["EXIT_STATUS_HELP", "CliError", "ExitCode", "exit_code_for", "label_for"]


class ExitCode(enum.IntEnum):
    """Exit statuses of ``wats-production`` (stable: scripts may test them).

    Attributes:
        OK: success.
        ERROR: anything not listed below (a 5xx after retries, 429 after retries, an
            unreadable answer, an unexpected failure).
        USAGE: bad command line or bad input (unknown phase name, empty serial number,
            missing ``--base-url``, unreadable input file); nothing was sent.
        NOT_FOUND: the server has no such unit, serial-number type or change (404).
        REFUSED: the server refused the request by its rules (400, 409: the child already
            has a parent, not in the box build, not finalized, no contiguous run, unknown
            process name).
        AUTH: the server refused the credentials (401) or the permission (403).
        CONNECTION: no answer: connection refused or lost, DNS, TLS, timeout.
        AMBIGUOUS: a write may or may not have happened (a Take whose answer was lost and
            could not be recovered); the message says how to reconcile.
        HANDLER_FAILED: ``changes consume --exec``: the command failed; that change is
            left pending.
        CHECK_FAILED: a check did not pass (``assembly check`` on a box that does not
            match its box build, a failed check of ``demo``).
        WRONG_SERVER: the URL answers, but not as a WATS API (``GET /api/App/Version``
            is not there: a wrong path in ``--base-url``, or another server).
        CANNOT_LISTEN: ``mock``: the address cannot be listened on (port in use, no
            permission, not an address of this machine).
        POOL_SHORT: ``serials take``: the pool has fewer free numbers than asked.
            Without ``--partial`` nothing was taken (or, when the pool emptied between
            the check and the take, the numbers taken are printed); with ``--partial``,
            no number at all was free.

    """

    OK = 0
    ERROR = 1
    USAGE = 2
    NOT_FOUND = 3
    REFUSED = 4
    AUTH = 5
    CONNECTION = 6
    AMBIGUOUS = 7
    HANDLER_FAILED = 8
    CHECK_FAILED = 9
    WRONG_SERVER = 10
    CANNOT_LISTEN = 11
    POOL_SHORT = 12


#: One line per status, for ``--help`` and the docs (docs/cli.md has the long form).
EXIT_STATUS_HELP = """\
exit status: 0 ok, 1 other error, 2 usage or bad input (nothing sent), 3 not found,
4 refused by the server's rules, 5 not authorized, 6 no answer (connection, timeout),
7 outcome unknown, 8 the --exec command failed, 9 a check failed, 10 the URL is not a
WATS API (wrong --base-url path), 11 the mock cannot listen (port in use), 12 the pool
has fewer free numbers than asked."""


class CliError(Exception):
    """A failure of the command line itself (bad option, unreadable file), with its code."""

    def __init__(self, message: str, code: ExitCode = ExitCode.USAGE) -> None:
        super().__init__(message)
        self.code = code


def exit_code_for(exc: BaseException) -> ExitCode:
    """Return the exit status for an error raised by a command.

    Args:
        exc: the error.

    Returns:
        The status (see :class:`ExitCode`).

    Example:
        >>> exit_code_for(WatsInputError("serial_number is empty"))
        <ExitCode.USAGE: 2>

    """
    if isinstance(exc, CliError):
        return exc.code
    if isinstance(exc, WatsInputError):
        return ExitCode.USAGE
    if isinstance(exc, NotFoundError):
        return ExitCode.NOT_FOUND
    if isinstance(exc, AuthenticationError | PermissionDeniedError):
        return ExitCode.AUTH
    if isinstance(exc, BadRequestError | ConflictError):
        # The reason classes (ChildAlreadyHasParentError, ...) always arrive as one of
        # these two; a reason class seen alone is still a refusal.
        return ExitCode.REFUSED
    if isinstance(exc, WatsApiError) and exc.reason_code is not None:
        return ExitCode.REFUSED
    if isinstance(exc, WatsConnectionError):
        return ExitCode.CONNECTION
    if isinstance(exc, AmbiguousOutcomeError):
        return ExitCode.AMBIGUOUS
    return ExitCode.ERROR


def label_for(exc: BaseException) -> str:
    """Return the short label printed before an error's text.

    Args:
        exc: the error.

    Returns:
        ``"not found"``, ``"refused"``, ... (``"error"`` when nothing better fits).

    Example:
        >>> label_for(CliError("no such file"))
        'usage'

    """
    if isinstance(exc, WatsError | CliError):
        return {
            ExitCode.USAGE: "usage" if isinstance(exc, CliError) else "bad input",
            ExitCode.NOT_FOUND: "not found",
            ExitCode.REFUSED: "refused",
            ExitCode.AUTH: "not authorized",
            ExitCode.CONNECTION: "no answer",
            ExitCode.AMBIGUOUS: "outcome unknown",
            ExitCode.HANDLER_FAILED: "handler failed",
            ExitCode.CHECK_FAILED: "check failed",
            ExitCode.WRONG_SERVER: "not a WATS API",
            ExitCode.CANNOT_LISTEN: "cannot listen",
            ExitCode.POOL_SHORT: "pool short",
        }.get(exit_code_for(exc), "error")
    return "error"

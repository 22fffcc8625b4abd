"""Error classification: what an error answer says, and why the server refused.

The server's error bodies come in many shapes (RFC 7807 Problem, ASP.NET validation
answers, a bare JSON string, HTML from a proxy, plain text). :func:`classify` reads the
message, the Problem ``code`` and ``parameter`` from any of them and names the reason of a
refusal: taken from the Problem ``code`` when the server sends one, otherwise guessed from
keywords in the message for AddChildUnit, RemoveChildUnit and Take (a heuristic: the real
server's texts are not published). :mod:`pywats_production.errors` turns the result into
an exception class; this module knows no exception class, so the two cannot import each
other. Only the standard library is imported.
"""

from __future__ import annotations

import json
import re
from typing import Final, NamedTuple
from urllib.parse import urlsplit

__all__ = ["REASONS", "Classification", "classify"]

REASONS: Final = frozenset(
    {
        "assembly",
        "child_has_parent",
        "child_not_finalized",
        "would_create_loop",
        "not_in_box_build",
        "not_linked",
        "sequence_unavailable",
        "unit_has_children",
        "unit_exists",
        "parent_not_allowed",
        "part_number_immutable",
    }
)
"""Reasons a 400/409 can carry; ``assembly`` is an assembly refusal of no known kind."""

_MAX_PROBLEM_PARSE: Final = 64 * 1024
_TEXT_BODY_CHARS: Final = 2000


class Classification(NamedTuple):
    """What an error answer says.

    Attributes:
        message: The server's message (raw: not yet one line, not yet redacted).
        code: The Problem ``code``, when sent.
        parameter: The Problem ``parameter`` (or the one field of a validation answer).
        reason: One of :data:`REASONS` for a 400/409, else None.

    """

    message: str
    code: str | None
    parameter: str | None
    reason: str | None


# Guesses from message text, for servers that send no Problem code. Order matters: the
# first match wins, most specific first. "not found" is checked before these by the caller.
_Rules = tuple[tuple[str, "re.Pattern[str]"], ...]
_ADD_CHILD_RULES: Final[_Rules] = (
    ("would_create_loop", re.compile(r"\b(loop|cycle|cyclic|circular)")),
    ("child_has_parent", re.compile(r"\balready\b|\bhas (a |an )?(existing )?parent\b")),
    ("child_not_finalized", re.compile(r"finali[sz]ed|\bphase\b")),
    ("not_in_box_build", re.compile(r"box ?build|not valid|\bmatch")),
)
_REMOVE_CHILD_RULES: Final[_Rules] = (
    ("not_linked", re.compile(r"not linked|relation|does not exist|not (a )?child|no parent")),
)
_TAKE_RULES: Final[_Rules] = (("sequence_unavailable", re.compile(r"sequen|contiguous")),)
# The one-unit operations of 2026.3: their refusals' texts are not published either.
_UNIT_RULES: Final[dict[str, _Rules]] = {
    "deleteunit": (("unit_has_children", re.compile(r"\bchild")),),
    "createunit": (
        ("parent_not_allowed", re.compile(r"\bparent")),
        ("unit_exists", re.compile(r"already exists|\bexists\b|duplicate")),
    ),
    "updateunit": (("part_number_immutable", re.compile(r"part ?number")),),
    "changeunit": (("unit_exists", re.compile(r"already exists|\bexists\b|duplicate")),),
}
_NOT_FOUND_TEXT = re.compile(r"not found|unknown (unit|parent|child)")


def _operation_kind(operation: str | None, url: str) -> str | None:
    text = re.sub(r"[^a-z]", "", (operation or "").lower())
    path = urlsplit(url).path.lower() if url else ""
    if "addchildunit" in text or path.endswith("/addchildunit"):
        return "add"
    if "removechildunit" in text or path.endswith("/removechildunit"):
        return "remove"
    if "take" in text or path.endswith("/serialnumbers/take"):
        return "take"
    if text in _UNIT_RULES:
        return text
    return None


def _reason_from_text(kind: str | None, message: str) -> str | None:
    if kind is None:
        return None
    text = message.lower()
    rules: _Rules
    if kind in _UNIT_RULES:
        for reason, pattern in _UNIT_RULES[kind]:
            if pattern.search(text):
                return reason
        return None
    if kind == "take":
        rules = _TAKE_RULES
    else:
        if _NOT_FOUND_TEXT.search(text):
            return None
        rules = _ADD_CHILD_RULES if kind == "add" else _REMOVE_CHILD_RULES
    for reason, pattern in rules:
        if pattern.search(text):
            return reason
    return "assembly" if kind in ("add", "remove") else None


_HTML_TITLE = re.compile(rb"(?is)<title[^>]*>(.*?)</title>")
_HTML_TAG = re.compile(r"<[^>]+>")
_MESSAGE_KEYS: Final = ("detail", "message", "title", "error_description", "error")


def problem_fields(body: bytes, content_type: str | None) -> tuple[str, str | None, str | None]:
    """Read (message, code, parameter) from an error body of any shape."""
    if not body:
        return "", None, None
    ctype = (content_type or "").lower()
    head = body[:64].lstrip(b"\xef\xbb\xbf \t\r\n")
    looks_json = "json" in ctype or head[:1] in (b"{", b"[", b'"')
    if looks_json and len(body) <= _MAX_PROBLEM_PARSE:
        try:
            data = json.loads(body.lstrip(b"\xef\xbb\xbf"))
        except (ValueError, RecursionError):
            data = None
        if isinstance(data, str):
            return data, None, None
        if isinstance(data, dict):
            return _from_problem(data)
    if "html" in ctype or head[:5].lower() in (b"<!doc", b"<html"):
        match = _HTML_TITLE.search(body[:_MAX_PROBLEM_PARSE])
        if match:
            return match.group(1).decode("utf-8", "replace"), None, None
        return _HTML_TAG.sub(" ", body[:2048].decode("utf-8", "replace")), None, None
    return body[:_TEXT_BODY_CHARS].decode("utf-8", "replace"), None, None


def _from_problem(data: dict[str, object]) -> tuple[str, str | None, str | None]:
    lower = {k.lower(): v for k, v in data.items() if isinstance(k, str)}
    message = ""
    for key in _MESSAGE_KEYS:
        value = lower.get(key)
        if isinstance(value, str) and value.strip():
            message = value
            break
    code = lower.get("code")
    parameter = lower.get("parameter")
    # ASP.NET validation answers: {"errors"|"modelState": {"field": ["text", ...]}}
    fields = lower.get("errors") or lower.get("modelstate")
    if isinstance(fields, dict) and fields:
        first_key, first_value = next(iter(fields.items()))
        texts = first_value if isinstance(first_value, list) else [first_value]
        detail = "; ".join(str(t) for t in texts if t is not None)
        message = f"{message} ({first_key}: {detail})" if message else f"{first_key}: {detail}"
        if parameter is None and len(fields) == 1 and isinstance(first_key, str):
            parameter = first_key.rpartition(".")[2] or None
    return (
        message,
        code if isinstance(code, str) and code else str(code) if isinstance(code, int) else None,
        parameter if isinstance(parameter, str) and parameter else None,
    )


def classify(
    *, status: int, body: bytes, content_type: str | None, operation: str | None, url: str
) -> Classification:
    """Read an error answer and name the reason of a 400/409 refusal.

    Args:
        status: HTTP status (400 or more).
        body: The error body.
        content_type: The ``Content-Type`` of the answer, if any.
        operation: The SDK operation name, used with the URL path to recognise assembly
            and Take answers.
        url: The request URL.

    Returns:
        The message, code, parameter and reason.

    Example:
        >>> classify(status=409, body=b'{"code":"not_linked"}', content_type=None,
        ...     operation="removeChildUnit", url="/api/Production/RemoveChildUnit").reason
        'not_linked'

    """
    message, code, parameter = problem_fields(body, content_type)
    reason: str | None = None
    if status in (400, 409):
        if code is not None:
            reason = code if code in REASONS and code != "assembly" else None
        else:
            reason = _reason_from_text(_operation_kind(operation, url), message)
    return Classification(message, code, parameter, reason)

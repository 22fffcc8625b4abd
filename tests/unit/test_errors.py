from __future__ import annotations

import asyncio
import json
import pickle

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pywats_production import errors as E
from pywats_production.errors import (
    AmbiguousOutcomeError,
    AssemblyError,
    AssemblyLoopError,
    AuthenticationError,
    BadRequestError,
    ChildAlreadyHasParentError,
    ChildNotFinalizedError,
    ConflictError,
    InvalidPhaseError,
    NotFoundError,
    NotInBoxBuildError,
    NotLinkedError,
    PermissionDeniedError,
    RateLimitedError,
    ResponseTooLargeError,
    SequenceUnavailableError,
    ServerError,
    UnsafeXmlError,
    WatsApiError,
    WatsConnectionError,
    WatsError,
    WatsInputError,
    WatsResponseError,
    WatsTimeoutError,
    error_from_response,
    sanitize_url,
)

BASE = "https://wats.example.com"
ADD = f"{BASE}/api/Production/AddChildUnit?parentSerialNumber=BOX-1&childSerialNumber=SN-2"
REMOVE = f"{BASE}/api/Production/RemoveChildUnit?parentSerialNumber=BOX-1"
TAKE = f"{BASE}/api/Production/SerialNumbers/Take?serialNumberType=MAC&quantity=5"


def make(
    status,
    body=b"",
    *,
    url=f"{BASE}/api/Production/Unit/SN1/PN1",
    method="GET",
    content_type="application/problem+json",
    operation=None,
    request_id=None,
    attempts=1,
    retry_after=None,
):
    if isinstance(body, dict):
        body = json.dumps(body).encode()
    return error_from_response(
        status=status,
        method=method,
        url=url,
        body=body,
        content_type=content_type,
        request_id=request_id,
        attempts=attempts,
        operation=operation,
        retry_after=retry_after,
    )


# --- hierarchy ----------------------------------------------------------------------------


def test_hierarchy():
    assert issubclass(WatsInputError, WatsError)
    assert issubclass(WatsInputError, ValueError)
    assert issubclass(InvalidPhaseError, WatsInputError)
    assert issubclass(UnsafeXmlError, WatsResponseError)
    assert issubclass(ResponseTooLargeError, WatsResponseError)
    assert issubclass(WatsTimeoutError, WatsConnectionError)
    assert issubclass(AmbiguousOutcomeError, WatsError)
    for cls in (
        BadRequestError,
        AuthenticationError,
        PermissionDeniedError,
        NotFoundError,
        ConflictError,
        RateLimitedError,
        ServerError,
        AssemblyError,
        SequenceUnavailableError,
    ):
        assert issubclass(cls, WatsApiError)
    for cls in (
        ChildAlreadyHasParentError,
        ChildNotFinalizedError,
        AssemblyLoopError,
        NotInBoxBuildError,
        NotLinkedError,
    ):
        assert issubclass(cls, AssemblyError)
    assert not issubclass(WatsResponseError, ValueError)


# --- status mapping ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "cls"),
    [
        (400, BadRequestError),
        (401, AuthenticationError),
        (403, PermissionDeniedError),
        (404, NotFoundError),
        (409, ConflictError),
        (429, RateLimitedError),
        (500, ServerError),
        (502, ServerError),
        (503, ServerError),
        (504, ServerError),
    ],
)
def test_status_classes(status, cls):
    error = make(status, {"title": "x"})
    assert type(error) is cls
    assert error.status == status


@pytest.mark.parametrize("status", [405, 410, 418, 422])
def test_other_statuses_give_plain_api_error(status):
    error = make(status, b"nope", content_type="text/plain")
    assert type(error) is WatsApiError
    assert error.status == status
    assert error.message == "nope"


def test_problem_fields_are_read():
    error = make(
        409,
        {
            "title": "Conflict",
            "status": 409,
            "detail": "child SN-2 already has parent BOX-1",
            "code": "child_has_parent",
            "parameter": "childSerialNumber",
        },
        url=ADD,
        method="POST",
        operation="addChildUnit",
        request_id="req-1",
    )
    assert error.message == "child SN-2 already has parent BOX-1"
    assert error.code == "child_has_parent"
    assert error.parameter == "childSerialNumber"
    assert error.request_id == "req-1"
    assert error.operation == "addChildUnit"
    assert error.method == "POST"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"title": "T", "detail": "D", "message": "M"}, "D"),
        ({"title": "T", "message": "M"}, "M"),
        ({"title": "T"}, "T"),
        ({"Message": "An error has occurred."}, "An error has occurred."),
        ({"error": "bad thing"}, "bad thing"),
        ({"detail": "  ", "title": "T"}, "T"),
        ('"just a string"', "just a string"),
        ({}, ""),
    ],
)
def test_message_preference(body, message):
    raw = body.encode() if isinstance(body, str) else json.dumps(body).encode()
    assert make(400, raw).message == message


def test_aspnet_validation_errors_are_summarised():
    error = make(
        400,
        {"title": "One or more validation errors occurred.", "errors": {"phase": ["bad phase"]}},
    )
    assert "phase: bad phase" in error.message
    assert error.parameter == "phase"


def test_text_body_is_trimmed_to_one_line():
    error = make(
        500, b"line one\nline two\r\n\tline three" + b"x" * 2000, content_type="text/plain"
    )
    assert "\n" not in error.message
    assert error.message.startswith("line one line two line three")
    assert len(error.message) <= E.MAX_MESSAGE_CHARS


def test_html_body_uses_title():
    body = b"<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body>x</body></html>"
    error = make(502, body, content_type="text/html")
    assert error.message == "502 Bad Gateway"


def test_invalid_json_with_json_content_type_falls_back_to_text():
    error = make(400, b"{not json", content_type="application/json")
    assert error.message == "{not json"


def test_body_is_capped():
    error = make(500, b"y" * 10000, content_type="text/plain")
    assert len(error.body) == E.MAX_BODY_BYTES


def test_empty_body():
    error = make(404, b"", content_type=None)
    assert error.message == ""
    assert str(error) == "404 Not Found: GET /api/Production/Unit/SN1/PN1"


def test_str_is_one_clear_line():
    error = make(404, {"detail": "unit not found"}, request_id="1f2e")
    assert str(error) == (
        "404 Not Found: GET /api/Production/Unit/SN1/PN1: unit not found (request 1f2e)"
    )
    assert "\n" not in repr(error)
    assert repr(error).startswith("NotFoundError(status=404")


def test_str_shows_code_attempts_and_retry_after():
    error = make(
        429,
        {"detail": "slow down", "code": "rate_limited"},
        attempts=3,
        retry_after=2.5,
        request_id="r",
    )
    text = str(error)
    assert "429 Too Many Requests" in text
    assert "code rate_limited" in text
    assert "3 attempts" in text
    assert "retry after 2.5s" in text
    assert error.retry_after == 2.5


def test_unknown_status_reason_phrase():
    assert str(make(599, b"")).startswith("599 Server Error: GET")
    assert str(make(499, b"")).startswith("499 Client Error: GET")


# --- reason classes -----------------------------------------------------------------------

REASONS = [
    ("child_has_parent", ChildAlreadyHasParentError),
    ("child_not_finalized", ChildNotFinalizedError),
    ("would_create_loop", AssemblyLoopError),
    ("not_in_box_build", NotInBoxBuildError),
    ("not_linked", NotLinkedError),
    ("sequence_unavailable", SequenceUnavailableError),
]


@pytest.mark.parametrize(("code", "cls"), REASONS)
@pytest.mark.parametrize(("status", "status_cls"), [(400, BadRequestError), (409, ConflictError)])
def test_problem_code_picks_reason_and_keeps_status_class(code, cls, status, status_cls):
    error = make(status, {"detail": "whatever", "code": code})
    assert isinstance(error, cls)
    assert isinstance(error, status_cls)
    assert error.status == status
    assert error.code == code
    assert type(error).reason_code == code
    other = ConflictError if status_cls is BadRequestError else BadRequestError
    assert not isinstance(error, other)


def test_documented_statuses():
    # docs/wire-formats.md: not_in_box_build is 400, the others are 409.
    assert isinstance(make(400, {"code": "not_in_box_build"}), BadRequestError)
    for code in ("child_has_parent", "child_not_finalized", "would_create_loop", "not_linked"):
        assert isinstance(make(409, {"code": code}), ConflictError)
    assert isinstance(make(409, {"code": "sequence_unavailable"}), ConflictError)


@pytest.mark.parametrize("code", ["invalid_parameter", "unit_not_found", "assembly", "Whatever"])
def test_other_codes_do_not_pick_a_reason(code):
    error = make(409, {"detail": "already has a parent", "code": code}, url=ADD, method="POST")
    assert type(error) is ConflictError


def test_reason_code_on_other_status_keeps_status_class():
    server = make(500, {"code": "child_has_parent"}, url=ADD, method="POST")
    assert type(server) is ServerError
    missing = make(404, {"code": "not_linked"}, url=REMOVE, method="POST")
    assert type(missing) is NotFoundError


@pytest.mark.parametrize(
    ("message", "cls"),
    [
        ("Child unit SN-2 already has a parent", ChildAlreadyHasParentError),
        ("The child unit has a parent", ChildAlreadyHasParentError),
        ("Child unit must be in phase Finalized", ChildNotFinalizedError),
        ("The child unit is not finalized", ChildNotFinalizedError),
        ("The relation would create a loop", AssemblyLoopError),
        ("Circular reference between units", AssemblyLoopError),
        ("Child is not valid for the parent's box build", NotInBoxBuildError),
        ("Part number does not match", NotInBoxBuildError),
        ("Something else went wrong", AssemblyError),
    ],
)
@pytest.mark.parametrize("status", [400, 409])
def test_add_child_messages_without_code(message, cls, status):
    error = make(status, {"Message": message}, url=ADD, method="POST", operation="addChildUnit")
    assert isinstance(error, cls)
    assert isinstance(error, BadRequestError if status == 400 else ConflictError)


def test_add_child_not_found_text_is_not_an_assembly_reason():
    error = make(400, {"message": "Parent unit not found"}, url=ADD, method="POST")
    assert type(error) is BadRequestError


@pytest.mark.parametrize("operation", ["addChildUnit", "add_child_unit", "AddChildUnit", None])
def test_operation_spellings_and_url_fallback(operation):
    error = make(
        409,
        b"Child already has a parent",
        url=ADD,
        method="POST",
        operation=operation,
        content_type="text/plain",
    )
    assert isinstance(error, ChildAlreadyHasParentError)


@pytest.mark.parametrize(
    "message",
    ["Units are not linked", "The relation does not exist", "SN-2 is not a child of BOX-1"],
)
def test_remove_child_messages(message):
    error = make(409, {"message": message}, url=REMOVE, method="POST", operation="removeChildUnit")
    assert isinstance(error, NotLinkedError)
    assert isinstance(error, ConflictError)


def test_take_sequence_message():
    error = make(
        409,
        {"message": "No free sequence of 5 numbers"},
        url=TAKE,
        method="POST",
        operation="takeSerialNumbers",
    )
    assert isinstance(error, SequenceUnavailableError)
    plain = make(400, {"message": "quantity is invalid"}, url=TAKE, method="POST")
    assert type(plain) is BadRequestError


def test_keywords_are_not_applied_to_other_operations():
    error = make(
        409,
        {"message": "already exists"},
        url=f"{BASE}/api/Production/Units",
        method="PUT",
        operation="putUnits",
    )
    assert type(error) is ConflictError


# --- credentials never shown --------------------------------------------------------------


def test_sanitize_url():
    assert sanitize_url("https://bob:secret@h.example/api?x=1") == "https://h.example/api?x=1"
    assert (
        sanitize_url("https://h.example/a?token=abc&n=2")
        == "https://h.example/a?token=[redacted]&n=2"
    )
    assert sanitize_url("https://h.example/a#frag") == "https://h.example/a"
    assert sanitize_url("/api/relative") == "/api/relative"
    assert "pw" not in sanitize_url("http://u:pw@[::1")  # unparsable: regex fallback


def test_userinfo_never_in_api_error():
    error = make(401, {"detail": "no"}, url="https://admin:hunter2@wats.example.com/api/x")
    for text in (str(error), repr(error), error.url):
        assert "hunter2" not in text
        assert "admin" not in text


def test_tokens_in_server_message_and_body_are_masked():
    body = b'{"detail": "header was Basic dXNlcjpwYXNzd29yZA== and https://u:pw@h/x"}'
    error = make(401, body)
    assert "dXNlcjpwYXNzd29yZA" not in str(error)
    assert "dXNlcjpwYXNzd29yZA" not in error.message
    assert b"dXNlcjpwYXNzd29yZA" not in error.body
    assert "pw@" not in str(error)
    assert "[redacted]" in error.message


@given(
    user=st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789", min_size=6, max_size=20),
    token=st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", min_size=8, max_size=40),
)
def test_userinfo_token_never_leaks(user, token):
    url = f"https://{user}:{token}@wats.example.com/api/Production/Unit/A/B"
    api = make(500, b"boom", url=url, content_type="text/plain")
    conn = WatsConnectionError("refused", method="GET", url=url, request_sent=False)
    timeout = WatsTimeoutError("slow", method="GET", url=url)
    for error in (api, conn, timeout):
        for text in (str(error), repr(error), error.url, repr(pickle.loads(pickle.dumps(error)))):
            assert token not in text
            assert f"{user}:" not in text


# --- other errors -------------------------------------------------------------------------


def test_connection_error_str():
    error = WatsConnectionError(
        "ConnectError: refused",
        method="get",
        url=f"{BASE}/api/App/Version",
        request_id="r1",
        attempts=2,
        operation="getServerVersion",
        request_sent=False,
    )
    assert str(error) == (
        "connection failed: GET /api/App/Version: ConnectError: refused "
        "(request r1, 2 attempts, request not sent)"
    )
    assert error.request_sent is False
    assert error.method == "GET"


def test_connection_error_does_not_repeat_the_request_line():
    error = WatsTimeoutError(
        "POST /api/Production/SerialNumbers/Take: ReadTimeout: timed out",
        method="POST",
        url=TAKE,
    )
    text = str(error)
    assert text.startswith("timed out: POST /api/Production/SerialNumbers/Take: ReadTimeout")
    assert text.count("POST") == 1
    assert "request was sent" in text


def test_response_errors():
    error = WatsResponseError("bad JSON", field="serialDate", operation="getUnit", request_id="r")
    assert str(error) == "bad JSON (getUnit, request r)"
    assert error.field == "serialDate"
    too_big = ResponseTooLargeError(limit=10, received=11)
    assert too_big.limit == 10
    assert too_big.received == 11
    assert "10 bytes" in str(too_big)


def test_input_error():
    error = WatsInputError("quantity must be at least 1\nreally", parameter="quantity")
    assert str(error) == "quantity must be at least 1 really"
    assert error.parameter == "quantity"
    assert "parameter='quantity'" in repr(error)


def test_ambiguous_outcome_reconcile():
    calls = []

    def find():
        calls.append(1)
        return ["SN1", "SN2"]

    error = AmbiguousOutcomeError(
        "no answer",
        operation="takeSerialNumbers",
        request_id="r9",
        attempts=2,
        details={"serial_number_type": "MAC", "ref_serial_number": "BOX-1"},
        reconciler=find,
    )
    assert error.can_reconcile
    assert error.recovered == ()
    assert error.reconcile() == ("SN1", "SN2")
    assert error.recovered == ("SN1", "SN2")
    assert calls == [1]
    text = str(error)
    assert text.startswith("outcome unknown: takeSerialNumbers: no answer")
    assert "2 recovered" in text


def test_ambiguous_outcome_areconcile():
    async def find():
        return ("X",)

    error = AmbiguousOutcomeError("lost", operation="takeSerialNumbers", areconciler=find)
    assert asyncio.run(error.areconcile()) == ("X",)
    assert error.recovered == ("X",)
    with pytest.raises(WatsError, match="no reconciliation"):
        error.reconcile()


def test_ambiguous_outcome_without_reconciler():
    error = AmbiguousOutcomeError("lost", operation="takeSerialNumbers")
    assert not error.can_reconcile
    with pytest.raises(WatsError):
        error.reconcile()
    with pytest.raises(WatsError):
        asyncio.run(error.areconcile())


def test_ambiguous_outcome_message_already_saying_so():
    error = AmbiguousOutcomeError(
        "takeSerialNumbers: outcome unknown after 3 attempt(s): boom",
        operation="takeSerialNumbers",
    )
    assert str(error).count("outcome unknown") == 1


# --- pickling -----------------------------------------------------------------------------


def _all_api_errors():
    out = [make(s, {"detail": "d", "code": None}) for s in (400, 401, 403, 404, 409, 429, 500, 418)]
    for code, _ in REASONS:
        for status in (400, 409):
            out.append(make(status, {"detail": "d", "code": code}, request_id="r", attempts=2))
    out.append(make(400, {"message": "weird"}, url=ADD, method="POST"))
    return out


@pytest.mark.parametrize("error", _all_api_errors(), ids=lambda e: type(e).__name__)
def test_api_errors_pickle(error):
    clone = pickle.loads(pickle.dumps(error))
    assert type(clone) is type(error)
    assert str(clone) == str(error)
    assert clone.__dict__ == error.__dict__


def test_other_errors_pickle():
    class Unpicklable(Exception):
        def __reduce__(self):
            raise TypeError("no")

    samples = [
        WatsError("plain"),
        WatsInputError("bad", parameter="p"),
        InvalidPhaseError("bad phase", parameter="phase"),
        WatsResponseError("bad", field="f", operation="o", request_id="r"),
        UnsafeXmlError("dtd"),
        ResponseTooLargeError(limit=1, received=2, operation="o"),
        WatsConnectionError("x", method="GET", url=BASE, request_sent=False, cause=OSError("x")),
        WatsTimeoutError("x", method="GET", url=BASE, cause=Unpicklable("inner")),
        AmbiguousOutcomeError(
            "x",
            operation="takeSerialNumbers",
            recovered=["A"],
            details={"k": "v"},
            reconciler=lambda: ["A"],
            cause=Unpicklable("inner"),
        ),
    ]
    for error in samples:
        clone = pickle.loads(pickle.dumps(error))
        assert type(clone) is type(error)
        assert str(clone) == str(error)
    timeout = pickle.loads(pickle.dumps(samples[7]))
    assert isinstance(timeout.cause, RuntimeError)
    assert "Unpicklable: inner" in str(timeout.cause)
    conn = pickle.loads(pickle.dumps(samples[6]))
    assert isinstance(conn.cause, OSError)
    assert conn.request_sent is False
    ambiguous = pickle.loads(pickle.dumps(samples[8]))
    assert ambiguous.recovered == ("A",)
    assert ambiguous.details == {"k": "v"}
    assert not ambiguous.can_reconcile
    assert samples[8].can_reconcile  # the original keeps its reconciler


@pytest.mark.parametrize(
    "message",
    ["Basic validation failed", "Basic Validation failed", "token expired", "Bearer of bad news"],
)
def test_plain_words_after_basic_are_not_masked(message):
    assert make(400, {"detail": message}).message == message


@pytest.mark.parametrize(
    "secret",
    [
        "dXNlcjpwYXNz",
        "dXNlcjpwYXNzd29yZA==",
        "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig",
        "abc12345",
    ],
)
def test_credentials_after_basic_bearer_token_are_masked(secret):
    for prefix in ("Basic ", "Bearer ", "token="):
        error = make(401, {"detail": f"bad header {prefix}{secret} here"})
        assert secret not in str(error)
        assert secret.encode() not in error.body
        assert error.message == f"bad header {prefix}[redacted] here"

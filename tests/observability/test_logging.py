"""The logger `pywats_production`: one DEBUG record per attempt, one per failed operation."""

from __future__ import annotations

import logging
from collections.abc import Callable

import httpx
import pytest
from obshelpers import UNIT, Script, assert_no_secret, json_response

import pywats_production as wp
from pywats_production.observability import LOG_FIELDS, LOGGER_NAME

PATH = "/api/Production/Unit/{serialNumber}/{partNumber}"
ATTEMPT_FIELDS = {k for k in LOG_FIELDS if k != "wats_url"}


def _records(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == LOGGER_NAME]


def _dump(record: logging.LogRecord) -> str:
    return record.getMessage() + repr(sorted(vars(record).items(), key=lambda kv: kv[0]))


def test_one_debug_record_per_attempt_with_its_fields(
    script: Script, make_sync: Callable[..., wp.ProductionService], caplog: pytest.LogCaptureFixture
) -> None:
    script.add(json_response(503), json_response(200, UNIT))
    caplog.set_level(logging.DEBUG, logger=LOGGER_NAME)
    make_sync().get_unit("SN/1", "PCBA-100")

    records = _records(caplog)
    # Two attempts at DEBUG, then the operation's one line at INFO.
    assert [r.levelno for r in records] == [logging.DEBUG, logging.DEBUG, logging.INFO]
    records = records[:2]
    for record in records:
        assert set(vars(record)) >= ATTEMPT_FIELDS
    first, second = records
    assert (first.wats_attempt, first.wats_status) == (1, 503)
    assert (second.wats_attempt, second.wats_status) == (2, 200)
    for record in records:
        assert record.wats_operation == "getUnit"
        assert record.wats_method == "GET"
        assert record.wats_path == PATH  # the template, never the serial number
        assert record.wats_error is None
        assert isinstance(record.wats_duration_ms, float)
        assert record.wats_duration_ms >= 0
        assert "SN/1" not in record.getMessage()
    assert first.wats_request_id == second.wats_request_id == script.request_ids[0]
    assert script.request_ids[0] == script.request_ids[1]


def test_transport_error_attempts_name_the_error(
    script: Script, make_sync: Callable[..., wp.ProductionService], caplog: pytest.LogCaptureFixture
) -> None:
    script.add(httpx.ConnectError("refused"), json_response(200, UNIT))
    caplog.set_level(logging.DEBUG, logger=LOGGER_NAME)
    make_sync().get_unit("SN1", "PCBA-100")
    first = _records(caplog)[0]
    assert first.wats_status is None
    assert first.wats_error == "ConnectError"
    assert "ConnectError" in first.getMessage()


def test_failed_operation_logs_one_warning_for_an_error_answer(
    script: Script, make_sync: Callable[..., wp.ProductionService], caplog: pytest.LogCaptureFixture
) -> None:
    script.add(json_response(404, {"title": "Not Found", "detail": "no unit SN9"}))
    caplog.set_level(logging.WARNING, logger=LOGGER_NAME)
    with pytest.raises(wp.NotFoundError) as info:
        make_sync().get_unit("SN9", "PCBA-100")

    (record,) = _records(caplog)
    assert record.levelno == logging.WARNING
    assert set(LOG_FIELDS) <= set(vars(record))
    assert record.wats_operation == "getUnit"
    assert record.wats_status == 404
    assert record.wats_attempt == 1
    assert record.wats_error == "NotFoundError"
    assert record.wats_request_id == info.value.request_id == script.request_ids[0]
    assert record.wats_url == "https://wats.example.com/api/Production/Unit/SN9/PCBA-100"
    assert "getUnit failed after 1 attempt(s)" in record.getMessage()


def test_failed_operation_logs_one_error_when_no_answer_came(
    script: Script, make_sync: Callable[..., wp.ProductionService], caplog: pytest.LogCaptureFixture
) -> None:
    script.add(*(httpx.ConnectError("refused") for _ in range(3)))
    caplog.set_level(logging.WARNING, logger=LOGGER_NAME)
    with pytest.raises(wp.WatsConnectionError):
        make_sync().get_unit("SN1", "PCBA-100")
    (record,) = _records(caplog)
    assert record.levelno == logging.ERROR
    assert record.wats_attempt == 3
    assert record.wats_status is None
    assert record.wats_error == "WatsConnectionError"


def test_unreadable_answer_is_logged_as_error(
    script: Script, make_sync: Callable[..., wp.ProductionService], caplog: pytest.LogCaptureFixture
) -> None:
    script.add(
        httpx.Response(200, content=b"<html>proxy</html>", headers={"content-type": "text/html"})
    )
    caplog.set_level(logging.WARNING, logger=LOGGER_NAME)
    with pytest.raises(wp.WatsResponseError):
        make_sync().get_unit("SN1", "PCBA-100")
    (record,) = _records(caplog)
    assert record.levelno == logging.ERROR
    assert record.wats_status == 200
    assert record.wats_error == "WatsResponseError"


def test_one_info_record_per_successful_operation(
    script: Script, make_sync: Callable[..., wp.ProductionService], caplog: pytest.LogCaptureFixture
) -> None:
    script.add(json_response(503), json_response(200, UNIT))
    caplog.set_level(logging.INFO, logger=LOGGER_NAME)
    make_sync().get_unit("SN1", "PCBA-100")
    (record,) = _records(caplog)  # no per-attempt record at INFO
    assert record.levelno == logging.INFO
    assert record.getMessage().startswith("getUnit -> 200 in ")
    assert "(2 attempt(s), request " in record.getMessage()
    assert (record.wats_operation, record.wats_status, record.wats_attempt) == ("getUnit", 200, 2)
    assert record.wats_path == PATH


def test_nothing_above_info_for_a_successful_operation(
    script: Script, make_sync: Callable[..., wp.ProductionService], caplog: pytest.LogCaptureFixture
) -> None:
    script.add(json_response(200, UNIT))
    caplog.set_level(logging.WARNING, logger=LOGGER_NAME)
    make_sync().get_unit("SN1", "PCBA-100")
    assert _records(caplog) == []


def test_the_library_logger_has_a_null_handler() -> None:
    # Without it, logging's last-resort handler prints WARNING records of an application
    # that configured no logging, even for errors the application catches.
    handlers = logging.getLogger(LOGGER_NAME).handlers
    assert any(isinstance(h, logging.NullHandler) for h in handlers)


def test_no_secret_in_any_record(
    script: Script, make_sync: Callable[..., wp.ProductionService], caplog: pytest.LogCaptureFixture
) -> None:
    echo = {"detail": "bad credentials Basic dXNlcjpzZWNyZXQtcGFzcw=="}
    script.add(json_response(503), json_response(200, UNIT), json_response(401, echo))
    script.add(*(httpx.ReadTimeout("slow") for _ in range(3)))
    caplog.set_level(logging.DEBUG, logger=LOGGER_NAME)
    service = make_sync()
    service.get_unit("SN1", "PCBA-100")
    with pytest.raises(wp.AuthenticationError):
        service.get_unit("SN1", "PCBA-100")
    with pytest.raises(wp.WatsTimeoutError):
        service.get_unit("SN1", "PCBA-100")
    records = _records(caplog)
    assert len(records) == 3 + 2 + 4  # attempts, the INFO line of the success, failures
    for record in records:
        assert_no_secret(_dump(record))
        assert_no_secret(logging.Formatter("%(message)s").format(record))
    # The token really was sent: the check above is not vacuous.
    assert script.requests[0].headers["Authorization"] == "Basic dXNlcjpzZWNyZXQtcGFzcw=="

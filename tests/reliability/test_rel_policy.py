"""The retry policy and the per-call decisions: backoff, Retry-After, deadline, attempts."""

from __future__ import annotations

import email.utils
import time
from typing import Any

import httpx
import pytest
from relhelpers import TAKE, Recorder, Sleeps, run, take_xml

import pywats_production as wp
from pywats_production.observability import capture_calls

UNIT = {"serialNumber": "SN1", "partNumber": "PCBA-100"}
both = pytest.mark.parametrize("rservice", ["sync", "async"], indirect=True)


# ------------------------------------------------------------------------- the policy


def test_backoff_grows_exponentially_and_is_capped() -> None:
    policy = wp.RetryPolicy(initial_backoff=0.5, multiplier=3, max_backoff=4, jitter=0)
    assert [policy.backoff(n) for n in (1, 2, 3, 4)] == [0.5, 1.5, 4.0, 4.0]


@pytest.mark.parametrize(("draw", "expected"), [(0.0, 0.5), (1.0, 1.0), (0.5, 0.75)])
def test_jitter_randomises_the_chosen_fraction(draw: float, expected: float) -> None:
    policy = wp.RetryPolicy(initial_backoff=1, jitter=0.5, random=lambda: draw)
    assert policy.backoff(1) == pytest.approx(expected)


def test_retry_after_is_honoured_up_to_the_cap() -> None:
    policy = wp.RetryPolicy(max_attempts=3, retry_after_cap=10, jitter=0)
    assert policy.delay(1, 7.0) == 7.0
    assert policy.delay(1, 10.0) == 10.0
    assert policy.delay(1, 10.5) is None  # asks for more than we wait: stop
    assert policy.delay(3, 1.0) is None  # no attempt left


def test_policy_validates_its_fields() -> None:
    with pytest.raises(ValueError, match="max_attempts"):
        wp.RetryPolicy(max_attempts=0)
    with pytest.raises(ValueError, match="deadline"):
        wp.RetryPolicy(deadline=0)
    with pytest.raises(ValueError, match="jitter"):
        wp.RetryPolicy(jitter=1.5)


# ------------------------------------------------------------------ decisions per call


@both
def test_5xx_is_retried_with_backoff_and_one_request_id(
    rservice: Any, recorder: Recorder, sleeps: Sleeps
) -> None:
    recorder.add(503, {"detail": "restarting"})
    recorder.add(502)
    recorder.add(200, UNIT)
    with capture_calls() as calls:
        unit = run(rservice, "get_unit", "SN1", "PCBA-100")
    assert unit.serial_number == "SN1"
    assert len(recorder.requests) == 3
    assert len({r.headers["x-request-id"] for r in recorder.requests}) == 1
    assert sleeps.delays == [0.001, 0.002]  # FAST: 1 ms doubling, no jitter
    assert [(c.operation, c.attempts, c.status) for c in calls] == [("getUnit", 3, 200)]
    assert calls[0].request_id == recorder.requests[0].headers["x-request-id"]


@both
def test_retry_after_seconds_is_waited(rservice: Any, recorder: Recorder, sleeps: Sleeps) -> None:
    recorder.add(429, {"code": "rate_limited"}, headers={"Retry-After": "7"})
    recorder.add(503, headers={"Retry-After": "2"})
    recorder.add(200, UNIT)
    run(rservice, "get_unit", "SN1", "PCBA-100")
    assert sleeps.delays == [7.0, 2.0]


@both
def test_retry_after_http_date_is_understood(
    rservice: Any, recorder: Recorder, sleeps: Sleeps
) -> None:
    when = email.utils.formatdate(time.time() + 20, usegmt=True)
    recorder.add(429, headers={"Retry-After": when})
    recorder.add(200, UNIT)
    run(rservice, "get_unit", "SN1", "PCBA-100")
    assert len(sleeps.delays) == 1
    assert 17 <= sleeps.delays[0] <= 21


@both
def test_retry_after_beyond_the_cap_ends_with_the_typed_error(
    rservice: Any, recorder: Recorder, sleeps: Sleeps
) -> None:
    recorder.add(429, {"code": "rate_limited"}, headers={"Retry-After": "3600"})
    with pytest.raises(wp.RateLimitedError) as info:
        run(rservice, "get_unit", "SN1", "PCBA-100")
    assert info.value.retry_after == 3600
    assert info.value.attempts == 1
    assert sleeps.delays == []
    assert len(recorder.requests) == 1


@both
def test_exhausted_retries_report_attempts(
    rservice: Any, recorder: Recorder, sleeps: Sleeps
) -> None:
    for _ in range(4):
        recorder.add(500, {"detail": "boom"})
    with pytest.raises(wp.ServerError) as info:
        run(rservice, "set_unit_phase", "SN1", "PCBA-100", "Finalized")
    assert info.value.attempts == 4
    assert info.value.status == 500
    recorder.answers.clear()
    for _ in range(4):
        recorder.fail(httpx.ReadError("reset by peer"))
    with pytest.raises(wp.WatsConnectionError) as conn:
        run(rservice, "save_units", [wp.Unit(serial_number="S", part_number="P")])
    assert conn.value.attempts == 4
    assert conn.value.request_sent is True


@both
def test_client_errors_are_not_retried(rservice: Any, recorder: Recorder, sleeps: Sleeps) -> None:
    recorder.add(404, {"code": "unit_not_found", "detail": "no unit"})
    with pytest.raises(wp.NotFoundError) as info:
        run(rservice, "get_unit", "SN1", "PCBA-100")
    assert info.value.attempts == 1
    assert len(recorder.requests) == 1


@both
def test_per_call_policy_overrides_the_service_policy(
    rservice: Any, recorder: Recorder, sleeps: Sleeps
) -> None:
    recorder.add(503)
    with pytest.raises(wp.ServerError) as info:
        run(rservice, "get_unit", "SN1", "PCBA-100", retry=wp.RetryPolicy.never())
    assert info.value.attempts == 1
    recorder.add(503)
    recorder.add(503)
    recorder.add(200, UNIT)
    patient = wp.RetryPolicy(max_attempts=3, initial_backoff=5, max_backoff=60, jitter=0)
    run(rservice, "get_unit", "SN1", "PCBA-100", retry=patient)
    assert sleeps.delays == [5.0, 10.0]


@both
def test_connection_refused_is_retried_even_for_take(
    rservice: Any, recorder: Recorder, sleeps: Sleeps
) -> None:
    recorder.fail(httpx.ConnectError("connection refused"))
    recorder.fail(httpx.ConnectTimeout("no route"))
    recorder.add(200, text=take_xml("SN7"), content_type="application/xml")
    assert run(rservice, "take_serial_numbers", "SerialNumber", 1) == ["SN7"]
    assert recorder.paths() == [TAKE, TAKE, TAKE]
    assert rservice.pending_takes == ()


@both
def test_connection_refused_every_time_says_not_sent(
    rservice: Any, recorder: Recorder, sleeps: Sleeps
) -> None:
    for _ in range(4):
        recorder.fail(httpx.ConnectError("connection refused"))
    with pytest.raises(wp.WatsConnectionError) as info:
        run(rservice, "take_serial_numbers", "SerialNumber", 1)
    assert info.value.request_sent is False
    assert info.value.attempts == 4
    # Nothing reached the server: nothing to reconcile, no lookup made.
    assert rservice.pending_takes == ()
    assert recorder.paths() == [TAKE] * 4


@both
def test_deadline_stops_retries_before_max_attempts(
    rservice: Any, recorder: Recorder, sleeps: Sleeps
) -> None:
    for _ in range(2):
        recorder.add(503)
    policy = wp.RetryPolicy(max_attempts=10, initial_backoff=0.6, jitter=0, deadline=1.0)
    with pytest.raises(wp.ServerError) as info:
        run(rservice, "get_unit", "SN1", "PCBA-100", retry=policy)
    # Waiting 1.2 s after the 2nd attempt would pass the 1 s deadline.
    assert info.value.attempts == 2
    assert sleeps.delays == [0.6]


@both
def test_no_attempt_outlives_the_deadline(rservice: Any, recorder: Recorder) -> None:
    recorder.add(200, UNIT)
    run(rservice, "get_unit", "SN1", "PCBA-100", retry=wp.RetryPolicy(deadline=2.0))
    timeout = recorder.requests[0].extensions["timeout"]
    assert all(0 < timeout[k] <= 2.0 for k in ("connect", "read", "write", "pool"))
    recorder.add(200, UNIT)
    run(rservice, "get_unit", "SN1", "PCBA-100", retry=wp.RetryPolicy(deadline=300))
    # A deadline longer than the client's timeouts leaves them alone.
    assert recorder.requests[1].extensions["timeout"]["read"] == rservice._client.timeout.read


def test_default_timeouts_and_pool_limits_are_finite() -> None:
    service = wp.ProductionService("https://wats.example.com", "dG9r")
    try:
        client = service._client
        timeout = client.timeout
        assert None not in (timeout.connect, timeout.read, timeout.write, timeout.pool)
        assert service.config.limits.max_connections is not None
        assert service.config.limits.max_connections <= 100
        assert service.config.retry.deadline < float("inf")
    finally:
        service.close()

"""Take at most once: the recovery decisions, request by request (canned answers)."""

from __future__ import annotations

import datetime as dt
import logging
import pickle
from typing import Any

import httpx
import pytest
from relhelpers import BY_REF, TAKE, Recorder, query, reconcile, record, run, take_xml

import pywats_production as wp
from pywats_production._recovery import AUTO_REFERENCE_PREFIX, DEFAULT_CLOCK_SKEW

both = pytest.mark.parametrize("rservice", ["sync", "async"], indirect=True)
pytestmark = pytest.mark.usefixtures("sleeps")


def now_text(offset: float = 0.0) -> str:
    when = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=offset)
    return when.isoformat().replace("+00:00", "Z")


def xml_answer(recorder: Recorder, *numbers: str) -> None:
    recorder.add(200, text=take_xml(*numbers), content_type="application/xml")


# --------------------------------------------------------------------- the reference


@both
def test_sdk_reference_is_the_request_id(rservice: Any, recorder: Recorder) -> None:
    xml_answer(recorder, "SN1")
    assert run(rservice, "take_serial_numbers", "SerialNumber", 1, station_name="ICT-1") == ["SN1"]
    sent = query(recorder.requests[0])
    request_id = recorder.requests[0].headers["x-request-id"]
    assert sent["refSN"] == AUTO_REFERENCE_PREFIX + request_id
    assert sent["stationName"] == "ICT-1"
    assert "refPN" not in sent


@both
def test_caller_reference_is_sent_as_given(rservice: Any, recorder: Recorder) -> None:
    xml_answer(recorder, "SN1")
    run(rservice, "take_serial_numbers", "SerialNumber", 1, ref_part_number="BOX-900")
    assert "refSN" not in query(recorder.requests[0])
    assert query(recorder.requests[0])["refPN"] == "BOX-900"
    xml_answer(recorder, "SN2")
    run(rservice, "take_serial_numbers", "SerialNumber", 1, auto_reference=False)
    assert "refSN" not in query(recorder.requests[1])


# ----------------------------------------------------------- lost answers: recovered


@both
def test_lost_answer_is_recovered_exactly(
    rservice: Any, recorder: Recorder, caplog: pytest.LogCaptureFixture
) -> None:
    recorder.fail(httpx.ReadError("connection reset"))
    recorder.add(200, [record("SN1"), record("SN2")])
    with caplog.at_level(logging.WARNING, logger="pywats_production"):
        numbers = run(rservice, "take_serial_numbers", "SerialNumber", 2)
    assert numbers == ["SN1", "SN2"]
    assert recorder.paths() == [TAKE, BY_REF]  # never replayed
    token = query(recorder.requests[0])["refSN"]
    lookup = query(recorder.requests[1])
    # An SDK reference needs no time window: no clock can hide a number.
    assert lookup == {"serialNumberType": "SerialNumber", "refSN": token}
    assert rservice.pending_takes == ()
    recovered = [r for r in caplog.records if getattr(r, "wats_recovered", None)]
    assert [r.wats_recovered for r in recovered] == [2]  # type: ignore[attr-defined]


@both
def test_fewer_numbers_than_asked_are_a_normal_take(rservice: Any, recorder: Recorder) -> None:
    recorder.fail(httpx.ReadTimeout("read timed out"))
    recorder.add(200, [record("SN9")])
    assert run(rservice, "take_serial_numbers", "SerialNumber", 5) == ["SN9"]


@both
def test_server_error_and_nothing_taken_takes_again_as_the_same_call(
    rservice: Any, recorder: Recorder
) -> None:
    recorder.add(500, {"detail": "deadlock victim"})
    recorder.add(200, [])
    xml_answer(recorder, "SN3")
    assert run(rservice, "take_serial_numbers", "SerialNumber", 1) == ["SN3"]
    assert recorder.paths() == [TAKE, BY_REF, TAKE]
    takes = [r for r in recorder.requests if r.url.path == TAKE]
    assert takes[0].headers["x-request-id"] == takes[1].headers["x-request-id"]
    assert query(takes[0]) == query(takes[1])


@both
def test_server_error_nothing_taken_and_no_attempt_left_is_a_plain_error(
    rservice: Any, recorder: Recorder
) -> None:
    recorder.add(503, {"detail": "maintenance"})
    recorder.add(200, [])
    with pytest.raises(wp.ServerError) as info:
        run(rservice, "take_serial_numbers", "SerialNumber", 1, retry=wp.RetryPolicy.never())
    assert info.value.status == 503
    assert rservice.pending_takes == ()  # known: nothing was taken


@both
def test_server_error_after_taking_returns_what_was_taken(
    rservice: Any, recorder: Recorder
) -> None:
    recorder.add(500)
    recorder.add(200, [record("SN4"), record("SN5")])
    assert run(rservice, "take_serial_numbers", "SerialNumber", 2) == ["SN4", "SN5"]
    assert recorder.paths() == [TAKE, BY_REF]


# ------------------------------------------------------------ lost answers: ambiguous


@both
@pytest.mark.parametrize(
    "failure",
    [
        httpx.ReadError("reset"),
        httpx.RemoteProtocolError("server disconnected"),
        httpx.ReadTimeout("timed out"),
        502,
        504,
    ],
    ids=["read-error", "dropped", "timeout", "502", "504"],
)
def test_nothing_found_while_the_server_may_still_work_is_ambiguous(
    rservice: Any, recorder: Recorder, failure: int | Exception
) -> None:
    if isinstance(failure, Exception):
        recorder.fail(failure)
    else:
        recorder.add(failure)
    recorder.add(200, [])
    with pytest.raises(wp.AmbiguousOutcomeError) as info:
        run(rservice, "take_serial_numbers", "SerialNumber", 2, station_name="FCT-2")
    error = info.value
    assert recorder.paths() == [TAKE, BY_REF]
    assert error.recovered == ()
    assert error.can_reconcile
    assert error.operation == "takeSerialNumbers"
    assert error.request_id == recorder.requests[0].headers["x-request-id"]
    assert error.details["ref_serial_number"] == query(recorder.requests[0])["refSN"]
    assert error.details["station_name"] == "FCT-2"
    assert error.details["quantity"] == "2"
    assert error.details["auto_reference"] == "true"
    assert error.cause is not None
    (pending,) = rservice.pending_takes
    assert pending.request_id == error.request_id
    assert pending.auto_reference
    # Later the server has finished: reconcile finds the numbers and settles the take.
    recorder.add(200, [record("SN1"), record("SN2")])
    assert reconcile(error) == ("SN1", "SN2")
    assert error.recovered == ("SN1", "SN2")
    assert rservice.pending_takes == ()
    # Reconciling again gives the same complete set (not an increment).
    recorder.add(200, [record("SN1"), record("SN2")])
    assert reconcile(error) == ("SN1", "SN2")


@both
def test_a_failing_lookup_leaves_the_take_pending(rservice: Any, recorder: Recorder) -> None:
    recorder.fail(httpx.ReadError("reset"))
    for _ in range(4):
        recorder.add(503)
    with pytest.raises(wp.AmbiguousOutcomeError) as info:
        run(rservice, "take_serial_numbers", "SerialNumber", 1)
    assert "recovery lookup failed" in str(info.value)
    assert len(rservice.pending_takes) == 1
    recorder.add(200, [record("SN8")])
    (settled,) = run(rservice, "reconcile_takes")
    assert settled.recovered == ("SN8",)
    assert settled.certain
    assert rservice.pending_takes == ()


@both
def test_more_numbers_than_asked_is_ambiguous(rservice: Any, recorder: Recorder) -> None:
    recorder.fail(httpx.ReadError("reset"))
    recorder.add(200, [record("SN1"), record("SN2"), record("SN3")])
    with pytest.raises(wp.AmbiguousOutcomeError) as info:
        run(rservice, "take_serial_numbers", "SerialNumber", 2)
    assert info.value.recovered == ("SN1", "SN2", "SN3")
    assert "only 2 were asked for" in str(info.value)


@both
def test_no_reference_at_all_cannot_be_reconciled(rservice: Any, recorder: Recorder) -> None:
    recorder.fail(httpx.ReadError("reset"))
    with pytest.raises(wp.AmbiguousOutcomeError) as info:
        run(rservice, "take_serial_numbers", "SerialNumber", 1, auto_reference=False)
    assert recorder.paths() == [TAKE]
    assert not info.value.can_reconcile
    (settled,) = run(rservice, "reconcile_takes")
    assert settled.recovered == ()
    assert not settled.certain
    assert rservice.pending_takes == ()


# ----------------------------------------------------------------- caller references


@both
def test_caller_reference_uses_station_and_window(rservice: Any, recorder: Recorder) -> None:
    recorder.fail(httpx.ReadError("reset"))
    recorder.add(
        200,
        [
            record("SN1", refPN="BOX-900", stationName="ST-1", takenUtc=now_text()),
            record("SN2", refPN="BOX-900", stationName="ST-2", takenUtc=now_text()),
            record("SN3", refPN="BOX-900", stationName="ST-1", takenUtc=now_text(-3600)),
            record("SN4", refSN="X", refPN="BOX-900", stationName="ST-1", takenUtc=now_text()),
            record("SN5", refPN="BOX-900", stationName="ST-1", takenUtc=now_text(), taken=False),
        ],
    )
    numbers = run(
        rservice,
        "take_serial_numbers",
        "SerialNumber",
        3,
        ref_part_number="BOX-900",
        station_name="ST-1",
    )
    # Only SN1: another station, outside the window, another reference, freed again.
    assert numbers == ["SN1"]
    lookup = query(recorder.requests[1])
    assert lookup["refPN"] == "BOX-900"
    assert "refSN" not in lookup
    start = dt.datetime.fromisoformat(lookup["startDate"])
    end = dt.datetime.fromisoformat(lookup["endDate"])
    now = dt.datetime.now(dt.UTC)
    assert now - DEFAULT_CLOCK_SKEW - dt.timedelta(seconds=5) <= start <= now - DEFAULT_CLOCK_SKEW
    assert now + DEFAULT_CLOCK_SKEW - dt.timedelta(seconds=5) <= end <= now + DEFAULT_CLOCK_SKEW


@both
def test_numbers_already_handed_out_are_never_claimed_again(
    rservice: Any, recorder: Recorder
) -> None:
    xml_answer(recorder, "SN1")
    assert run(rservice, "take_serial_numbers", "T", 1, ref_serial_number="R") == ["SN1"]
    recorder.fail(httpx.ReadError("reset"))
    recorder.add(
        200,
        [
            record("SN1", refSN="R", takenUtc=now_text()),
            record("SN2", refSN="R", takenUtc=now_text()),
        ],
    )
    assert run(rservice, "take_serial_numbers", "T", 1, ref_serial_number="R") == ["SN2"]


@both
@pytest.mark.parametrize(
    "fields",
    [{"refSN": "R", "takenUtc": None}, {"refSN": "R", "stationName": None}],
    ids=["no-time", "no-station"],
)
def test_records_missing_what_tells_calls_apart_are_ambiguous(
    rservice: Any, recorder: Recorder, fields: dict[str, Any]
) -> None:
    recorder.fail(httpx.ReadError("reset"))
    row = {"takenUtc": now_text(), "stationName": "S", **fields}
    recorder.add(200, [record("SN1", **row)])
    with pytest.raises(wp.AmbiguousOutcomeError) as info:
        run(rservice, "take_serial_numbers", "T", 1, ref_serial_number="R", station_name="S")
    assert info.value.recovered == ("SN1",)
    assert "lacks" in info.value.details["why"] or "no time" in info.value.details["why"]
    assert rservice.pending_takes[0].recovered == ("SN1",)


@both
def test_a_broken_run_is_ambiguous(rservice: Any, recorder: Recorder) -> None:
    recorder.fail(httpx.ReadError("reset"))
    recorder.add(200, [record("SN1", refSN="R", takenUtc=now_text())])
    with pytest.raises(wp.AmbiguousOutcomeError, match="run of 3"):
        run(
            rservice,
            "take_serial_numbers",
            "T",
            3,
            ref_serial_number="R",
            only_in_sequence=True,
        )


# ------------------------------------------------------------ unreadable and hostile


@both
def test_unreadable_answer_raises_its_error_and_stays_accounted_for(
    rservice: Any, recorder: Recorder
) -> None:
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa">'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><SerialNumbers><SN id="&b;"/></SerialNumbers>'
    )
    recorder.add(200, text=bomb, content_type="application/xml")
    with pytest.raises(wp.UnsafeXmlError):
        run(rservice, "take_serial_numbers", "SerialNumber", 1)
    (pending,) = rservice.pending_takes
    assert pending.reason == "unreadable answer"
    assert recorder.paths() == [TAKE]  # no replay
    recorder.add(200, [record("SN1")])
    (settled,) = run(rservice, "reconcile_takes")
    assert settled.recovered == ("SN1",)
    assert query(recorder.requests[-1])["refSN"] == pending.ref_serial_number


@both
def test_answer_over_the_cap_is_accounted_for(recorder: Recorder, rservice: Any) -> None:
    rservice._config = rservice._config.__class__(
        **{**_fields(rservice._config), "max_response_bytes": 64}
    )
    xml_answer(recorder, *[f"SN{i:08d}" for i in range(50)])
    with pytest.raises(wp.ResponseTooLargeError):
        run(rservice, "take_serial_numbers", "SerialNumber", 50)
    assert [p.reason for p in rservice.pending_takes] == ["unreadable answer"]


def _fields(config: Any) -> dict[str, Any]:
    import attrs

    return {f.name: getattr(config, f.name) for f in attrs.fields(type(config))}


@both
def test_ambiguous_error_pickles_with_details(rservice: Any, recorder: Recorder) -> None:
    recorder.fail(httpx.ReadError("reset"))
    recorder.add(200, [])
    with pytest.raises(wp.AmbiguousOutcomeError) as info:
        run(rservice, "take_serial_numbers", "SerialNumber", 1)
    clone = pickle.loads(pickle.dumps(info.value))
    assert clone.details == info.value.details
    assert clone.request_id == info.value.request_id
    assert not clone.can_reconcile  # the reconciler stays with the live service

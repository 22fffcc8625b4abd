"""The Take ledger forgets handed-out numbers after its retention, oldest first."""

from __future__ import annotations

import datetime as dt

import pytest

from pywats_production import _recovery
from pywats_production._recovery import PendingTake, TakeLedger


def _take(request_id: str, start: dt.datetime) -> PendingTake:
    return PendingTake(
        type_name="SerialNumber",
        quantity=2,
        ref_serial_number="REF",
        request_id=request_id,
        started=start,
    )


def test_retention_prunes_old_numbers_only(monkeypatch: pytest.MonkeyPatch) -> None:
    t0 = dt.datetime(2026, 11, 26, 6, 0, tzinfo=dt.UTC)
    clock = [t0]
    monkeypatch.setattr(_recovery, "utcnow", lambda: clock[0])
    ledger = TakeLedger()
    ledger.delivered(_take("a", t0), ["SN1", "SN2"])
    clock[0] = t0 + dt.timedelta(minutes=1)
    ledger.delivered(_take("b", clock[0]), ["SN3"])
    probe = _take("probe", clock[0])
    assert ledger.excluded(probe) == {"SN1", "SN2", "SN3"}

    # Past the retention of the first delivery but not of the second.
    clock[0] = t0 + _recovery._RETENTION + dt.timedelta(seconds=30)
    ledger.delivered(_take("c", clock[0]), ["SN4"])
    assert ledger.excluded(probe) == {"SN3", "SN4"}


def test_redelivered_number_moves_to_the_end(monkeypatch: pytest.MonkeyPatch) -> None:
    t0 = dt.datetime(2026, 11, 26, 6, 0, tzinfo=dt.UTC)
    clock = [t0]
    monkeypatch.setattr(_recovery, "utcnow", lambda: clock[0])
    ledger = TakeLedger()
    ledger.delivered(_take("a", t0), ["SN1", "SN2"])
    clock[0] = t0 + _recovery._RETENTION - dt.timedelta(seconds=10)
    # SN1 handed out again (e.g. re-uploaded into the pool and taken anew): fresh entry.
    ledger.delivered(_take("b", clock[0]), ["SN1"])
    clock[0] = t0 + _recovery._RETENTION + dt.timedelta(seconds=10)
    ledger.delivered(_take("c", clock[0]), ["SN9"])
    assert ledger.excluded(_take("probe", clock[0])) == {"SN1", "SN9"}

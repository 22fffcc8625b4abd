"""The sync service is the async one's true twin: same methods, same signatures."""

from __future__ import annotations

import inspect
import subprocess
import sys
from pathlib import Path

import pywats_production as wp

ROOT = Path(__file__).resolve().parents[2]


def _public(cls: type) -> dict[str, inspect.Signature]:
    return {
        name: inspect.signature(member)
        for name, member in inspect.getmembers(cls)
        if not name.startswith("_") and callable(member)
    }


def _shape(sig: inspect.Signature) -> list[tuple[str, object, object]]:
    return [(p.name, p.kind, p.default) for p in sig.parameters.values()]


def test_same_public_methods() -> None:
    sync, asynchronous = _public(wp.ProductionService), _public(wp.AsyncProductionService)
    assert sorted(sync) == sorted(asynchronous)
    # The table: these names are the public API.
    expected = {
        "get_unit", "save_units", "set_unit_phase", "set_unit_process", "verify_unit",
        "is_unit_passing", "add_child_unit", "remove_child_unit", "check_child_units",
        "get_serial_number_types", "take_serial_numbers", "get_serial_numbers_by_range",
        "get_serial_numbers_by_reference", "export_serial_numbers", "upload_serial_numbers",
        "save_batches", "get_unit_changes", "delete_unit_change", "consume_unit_changes",
        "iter_unit_changes", "server_version", "from_env", "close",
    }  # fmt: skip
    assert expected <= set(sync)


def test_same_signatures() -> None:
    sync, asynchronous = _public(wp.ProductionService), _public(wp.AsyncProductionService)
    for name in sync:
        assert _shape(sync[name]) == _shape(asynchronous[name]), name


def test_async_methods_are_coroutines_and_sync_are_not() -> None:
    for name, member in inspect.getmembers(wp.AsyncProductionService):
        if name.startswith("_") or not inspect.isfunction(member):
            continue
        sync_member = getattr(wp.ProductionService, name)
        if name in ("iter_unit_changes", "iter_units"):
            assert inspect.isasyncgenfunction(member)
            assert inspect.isgeneratorfunction(sync_member)
        elif name not in ("config",):
            assert inspect.iscoroutinefunction(member), name
            assert not inspect.iscoroutinefunction(sync_member), name


def test_sync_service_is_fresh() -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "unasync.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_sync_service_has_no_event_loop() -> None:
    source = (ROOT / "pywats_production" / "_sync_service.py").read_text(encoding="utf-8")
    for word in ("asyncio", "await ", "async ", "AsyncClient", "run_until_complete"):
        assert word not in source, word


def test_internal_apis_are_twins() -> None:
    sync, asynchronous = _public(wp.InternalApi), _public(wp.AsyncInternalApi)
    assert sorted(sync) == sorted(asynchronous)
    # The list: every internal method, in both flavours.
    expected = {
        "get_unit_phases", "get_unit_phase", "get_unit_process", "get_unit_state_history",
        "get_unit_hierarchy", "get_unit_contents", "get_unit_info", "create_unit",
        "set_unit_phase_and_process", "add_child_unit", "remove_child_unit",
        "remove_all_child_units", "check_child_units", "find_serial_numbers",
        "count_serial_numbers", "get_serial_number_ranges", "get_serial_number_statistics",
        "free_serial_numbers", "reserve_serial_numbers", "get_sites", "is_connected",
    }  # fmt: skip
    assert set(sync) == expected
    for name in sync:
        assert _shape(sync[name]) == _shape(asynchronous[name]), name
        assert inspect.iscoroutinefunction(getattr(wp.AsyncInternalApi, name)), name
        assert not inspect.iscoroutinefunction(getattr(wp.InternalApi, name)), name

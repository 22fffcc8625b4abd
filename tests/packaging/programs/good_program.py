"""A user's program on the installed wheel: `mypy --strict` must find nothing here.

It is type-checked only (tests/packaging/test_wheel_typing.py), never run.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import ssl

import httpx

from pywats_production import (
    AmbiguousOutcomeError,
    AsyncProductionService,
    ChildNotFinalizedError,
    NotFoundError,
    ProductionService,
    RequestInfo,
    ResponseInfo,
    RetryPolicy,
    SerialNumberType,
    ServerVersion,
    Unit,
    UnitChange,
    UnitPhase,
    UnitVerificationGrade,
    WatsApiError,
    WatsError,
    WatsInputError,
)
from pywats_production.observability import capture_calls, on_response
from pywats_production.serials import SerialNumberFileFormat


class AuditHook:
    """A hook of the user's own (structural: no base class needed)."""

    def __init__(self) -> None:
        self.seen: list[str] = []

    def on_request(self, info: RequestInfo) -> None:
        self.seen.append(info.operation)

    def on_response(self, info: ResponseInfo) -> None:
        self.seen.append(f"{info.request.operation} {info.status}")


def phase_label(unit: Unit) -> str:
    return unit.phase.label if unit.phase is not None else "-"


def station(wats: ProductionService) -> list[str]:
    fmt: SerialNumberFileFormat = "CSV"
    numbers: list[str] = wats.take_serial_numbers(
        "SerialNumber", 2, ref_part_number="PCBA-100", station_name="SMT-01", format=fmt
    )
    wats.save_units(
        [
            Unit(
                serial_number=n,
                part_number="PCBA-100",
                revision="A",
                phase=UnitPhase.UNDER_PRODUCTION,
                serial_date=dt.datetime.now(dt.UTC),
            )
            for n in numbers
        ]
    )
    wats.set_unit_phase(numbers[0], "PCBA-100", "Finalized")
    wats.set_unit_phase(numbers[1], "PCBA-100", 16)
    wats.set_unit_process(numbers[0], "PCBA-100", "FCT", retry=RetryPolicy.never())
    unit: Unit = wats.get_unit(numbers[0], "PCBA-100")
    label: str = phase_label(unit)
    grade: UnitVerificationGrade = wats.verify_unit(unit.serial_number, unit.part_number)
    passing: bool = grade.status == "Passed"
    types: list[SerialNumberType] = wats.get_serial_number_types()
    version: ServerVersion = wats.server_version()
    try:
        wats.add_child_unit("BOX-1", "BOX-900", numbers[0], "PCBA-100")
    except ChildNotFinalizedError as exc:
        status: int | None = exc.status
        print(status, exc.request_id)
    except WatsApiError as exc:
        print(exc.status)
    except AmbiguousOutcomeError as exc:
        print(exc.recovered)
    except WatsError as exc:
        print(exc)
    return [label, str(passing), str(len(types)), version.text]


def feed(wats: ProductionService) -> int:
    handled: list[int] = []

    def handle(change: UnitChange) -> None:
        if change.new_phase is not None and change.new_phase & UnitPhase.FINALIZED:
            handled.append(change.id)

    return wats.consume_unit_changes(handle, max_count=50, limit=200)


async def line(wats: AsyncProductionService) -> list[str]:
    numbers = await wats.take_serial_numbers("SerialNumber", 3, ref_part_number="PSU-200")
    await wats.save_units([Unit(serial_number=n, part_number="PSU-200") for n in numbers])
    units: list[Unit] = list(await asyncio.gather(*(wats.get_unit(n, "PSU-200") for n in numbers)))
    return [u.serial_number for u in units]


def main() -> None:
    hook = AuditHook()
    with ProductionService.from_env(
        timeout=10,
        verify=ssl.create_default_context(),
        retry=RetryPolicy(max_attempts=6, deadline=120),
        hooks=[hook, on_response(lambda info: print(info.status, info.duration))],
        requests_per_minute=600.0,
    ) as wats:
        with capture_calls() as calls:
            print(station(wats), feed(wats))
        for call in calls:
            print(call.operation, call.request_id, call.attempts)
        try:
            wats.get_unit("NO-SUCH-UNIT", "PCBA-100")
        except NotFoundError as exc:
            print(exc.status, exc.request_id)
        except WatsInputError as exc:
            print(exc.parameter)

    async def run() -> None:
        async with AsyncProductionService(
            "https://wats.example.com",
            "dG9rZW4=",
            timeout=httpx.Timeout(5.0),
            http_client=httpx.AsyncClient(base_url="https://wats.example.com"),
        ) as wats:
            print(await line(wats))
        async with AsyncProductionService.from_env(save_concurrency=2) as again:
            print(await again.is_connected())

    asyncio.run(run())


if __name__ == "__main__":
    main()

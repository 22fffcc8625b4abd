"""Wrong calls a user could write: `mypy --strict` on the installed wheel must flag each.

Every line ending in ``# expect: [code]`` must get an error with that mypy error code,
and no other line may get one (tests/packaging/test_wheel_typing.py). Type-checked only,
never run. To add a case: write the wrong call and its ``# expect:`` comment.
"""

from __future__ import annotations

import httpx

from pywats_production import (
    AsyncProductionService,
    ProductionService,
    RetryPolicy,
    Unit,
    UnitPhase,
    WatsError,
)
from pywats_production.observability import on_response


def sync_mistakes(wats: ProductionService) -> None:
    wats.get_unit(1001, "PCBA-100")  # expect: [arg-type]
    wats.get_unit("SN0001")  # expect: [call-arg]
    wats.take_serial_numbers("SerialNumber", 5, format="JSON")  # expect: [arg-type]
    wats.take_serial_numbers("SerialNumber", "5")  # expect: [arg-type]
    wats.get_unit("SN0001", "PCBA-100", retries=3)  # expect: [call-arg]
    wats.set_unit_phase("SN0001", "PCBA-100", 16.0)  # expect: [arg-type]
    wats.save_units(Unit(serial_number="SN1", part_number="PCBA-100"))  # expect: [arg-type]
    Unit(serial_number="SN1", part_number="PCBA-100", phase=16)  # expect: [arg-type]
    Unit("SN1", "PCBA-100")  # expect: [misc]
    unit = wats.get_unit("SN0001", "PCBA-100")
    print(unit.phase.label)  # expect: [union-attr]
    print(unit.serialnumber)  # expect: [attr-defined]
    count: int = wats.take_serial_numbers("SerialNumber", 1)  # expect: [assignment]
    print(count)
    grade = wats.verify_unit("SN0001", "PCBA-100")
    print(grade.grade + 1)  # expect: [operator]
    print(UnitPhase.FINALISED)  # expect: [attr-defined]
    wats.add_child_unit("BOX-1", "BOX-900", "PCB-1")  # expect: [call-arg]
    wats.add_child_unit("BOX-1", "BOX-900", "PCB-1", "PCBA-100", "BOX-900")  # expect: [misc]
    RetryPolicy(max_attempts="3")  # expect: [arg-type]
    try:
        wats.delete_unit_change("42")  # expect: [arg-type]
    except WatsError as exc:
        print(exc.status)  # expect: [attr-defined]


def construction_mistakes() -> None:
    url = "https://wats.example.com"
    ProductionService.from_env(timeout="10")  # expect: [arg-type]
    ProductionService.from_env(tiemout=10)  # expect: [call-arg]
    ProductionService(url, http_client=httpx.AsyncClient())  # expect: [arg-type]
    ProductionService(url, verify=1)  # expect: [arg-type]
    ProductionService(url, hooks=[print])  # expect: [list-item]
    ProductionService(url, hooks=[on_response(lambda i: i.statuscode)])  # expect: [attr-defined]
    ProductionService(url, "token", 10)  # expect: [misc]


async def async_mistakes(wats: AsyncProductionService, sync: ProductionService) -> None:
    wats.get_unit("SN0001", "PCBA-100")  # expect: [unused-coroutine]
    unit: Unit = wats.get_unit("SN0001", "PCBA-100")  # expect: [assignment]
    await sync.get_unit("SN0001", "PCBA-100")  # expect: [misc]
    async with ProductionService("https://wats.example.com"):  # expect: [attr-defined]
        pass
    print(unit)

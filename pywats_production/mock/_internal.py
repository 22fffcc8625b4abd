"""The internal routes of the mock (``/api/internal/...``), on the public routes' state.

A phase set here is what the public GetUnit reads; the state history grows with every
phase and process change made through either API; RemoveAllChildUnits clears the
children's parents; reserved numbers are neither free nor taken until freed (then a
Take can hand them out) or taken. Assembly refusals answer ``text/plain`` in the asked
culture, as Virinco's client reads them (EVIDENCE.md, Internal Production API).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import cast

import defusedxml.ElementTree as SafeET
from starlette.responses import Response

from ._contract import ValidatedRequest
from ._domain import DomainError, UnitRecord, phase_name, stable_uuid
from ._formats import format_date_time, parse_date_time
from ._serials import TakenInfo
from ._store import Store

Handler = Callable[[ValidatedRequest], Response]

#: Pool flag of a reserved number (0 free, 1 taken).
RESERVED = 2

# ruff: noqa: E501
# The mock's translations of its own messages: enough cultures to show that the text
# follows cultureCode (the server's texts are not published).
_TEXTS: Mapping[str, Mapping[str, str]] = {
    "added": {"en": "Unit {child} was added to {parent}.", "nb": "Enhet {child} ble lagt til {parent}."},
    "removed": {"en": "Unit {child} was removed from {parent}.", "nb": "Enhet {child} ble fjernet fra {parent}."},
    "removed_all": {"en": "{count} units were removed from {parent}.", "nb": "{count} enheter ble fjernet fra {parent}."},
}  # fmt: skip


def _text(key: str, culture: str | None, **values: object) -> str:
    lang = (culture or "en").split("-")[0].lower()
    table = _TEXTS[key]
    return table.get(lang, table["en"]).format(**values)


def _refusal(culture: str | None, status: int, detail: str) -> Response:
    # The refusal reads as the server's translated text; keywords stay English so that a
    # client can classify it (the mock has no translations of its refusals).
    prefix = "Feil: " if (culture or "").lower().startswith("nb") else ""
    return Response(prefix + detail, status, media_type="text/plain; charset=utf-8")


def _json(value: object) -> Response:
    import json

    body = json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return Response(body, 200, media_type="application/json")


def _str(params: Mapping[str, object], name: str) -> str | None:
    value = params.get(name)
    return value if isinstance(value, str) and value != "" else None


class InternalRoutes:
    """The handlers of the internal operations, sharing ``store`` with the public ones."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.handlers: dict[str, Handler] = {
            "getUnitPhases": self._phases,
            "getUnitPhase": self._phase,
            "getUnitProcess": self._process,
            "getUnitStateHistory": self._history,
            "getUnitHierarchy": self._hierarchy,
            "getUnitInfo": self._info,
            "getUnitContents": self._contents,
            "createUnit": self._create,
            "setUnitPhaseAndProcess": self._set_phase_and_process,
            "addChildUnit": self._add_child,
            "removeChildUnit": self._remove_child,
            "removeAllChildUnits": self._remove_all,
            "checkChildUnits": self._check,
            "findSerialNumbers": self._find,
            "countSerialNumbers": self._count,
            "getSerialNumberRanges": self._ranges,
            "getSerialNumberStatistics": self._statistics,
            "freeSerialNumbers": self._free,
            "reserveSerialNumbers": self._reserve,
            "getSites": self._sites,
            "isConnected": lambda request: _json(True),
        }

    # ----------------------------------------------------------------- history

    def _process_name(self, unit: UnitRecord) -> str | None:
        if unit.process_code is None:
            return None
        for process in self.store.processes.values():
            if str(process.code) == unit.process_code:
                return process.name
        return None

    def note(self, unit: UnitRecord) -> None:
        """Append the unit's current state to its history when it differs from the last."""
        rows = self.store.history.setdefault(unit.key, [])
        state = (self._process_name(unit), unit.phase)
        if not rows or rows[-1][:2] != state:
            rows.append((*state, self.store.now()))

    def _unit(
        self, request: ValidatedRequest, sn: str = "serialNumber", pn: str = "partNumber"
    ) -> UnitRecord:
        p = request.params
        return self.store.find_unit(str(p[sn]), _str(p, pn), sn, pn)

    def _unit_json(
        self, unit: UnitRecord, level: int | None = None, tree: bool = False
    ) -> dict[str, object]:
        parent = unit.parent
        data: dict[str, object] = {
            "UnitId": stable_uuid("unit", *unit.key),
            "ParentUnitId": stable_uuid("unit", *parent) if parent else None,
            "SerialNumber": unit.serial_number,
            "PartNumber": unit.part_number,
            "Revision": unit.revision,
            "BatchSN": unit.batch_number,
            "SerialDate": format_date_time(unit.serial_date) if unit.serial_date else None,
            "CurrentLocation": unit.current_location,
            "UnitPhaseId": unit.phase,
            "ProcessCode": int(unit.process_code)
            if unit.process_code and unit.process_code.isdigit()
            else None,
            "ProcessName": self._process_name(unit),
            "ParentSerialNumber": parent[0] if parent else None,
        }
        if level is not None:
            data["Level"] = level
        if tree and level is not None and level < 64:
            data["Children"] = [
                self._unit_json(self.store.units[k], level + 1, tree=True) for k in unit.children
            ]
        return data

    # ------------------------------------------------------------------ handlers

    def _phases(self, request: ValidatedRequest) -> Response:
        from ..phase import UnitPhase

        return _json(
            [
                {
                    "UnitPhaseId": int(p),
                    "Code": p.name,
                    "Name": phase_name(int(p)),
                    "Description": None,
                }
                for p in UnitPhase
            ]
        )

    def _phase(self, request: ValidatedRequest) -> Response:
        with self.store.lock:
            return _json(self._unit(request).phase)

    def _process(self, request: ValidatedRequest) -> Response:
        with self.store.lock:
            return _json(self._process_name(self._unit(request)))

    def _history(self, request: ValidatedRequest) -> Response:
        with self.store.lock:
            unit = self._unit(request)
            self.note(unit)  # units changed by PUT Units end on their current state too
            rows = self.store.history[unit.key]
            return _json(
                {
                    "processes": [r[0] for r in rows],
                    "phases": [r[1] for r in rows],
                    "dateTimes": [format_date_time(r[2]) for r in rows],
                }
            )

    def _hierarchy(self, request: ValidatedRequest) -> Response:
        with self.store.lock:
            return _json(self._unit_json(self._unit(request), 0, tree=True))

    def _info(self, request: ValidatedRequest) -> Response:
        with self.store.lock:
            return _json(self._unit_json(self._unit(request)))

    def _contents(self, request: ValidatedRequest) -> Response:
        with self.store.lock:
            unit = self._unit(request)
            product = self.store.products.get(unit.part_number)
            revision = product.revisions.get(str(request.params["revision"])) if product else None
            children = [self.store.units[k] for k in unit.children]
            lines = []
            for line in revision.box_build if revision else []:
                child_product = self.store.products.get(line.part_number)
                fitted = [c for c in children if line.matches(c.part_number, c.revision)]
                lines.append(
                    {
                        "PartNumber": line.part_number,
                        "Revision": None if "*" in line.revision else line.revision,
                        "RevisionMask": line.revision,
                        "ProductName": child_product.name if child_product else None,
                        "Quantity": line.quantity,
                        "Level": 1,
                        "Units": [self._unit_json(c, 1) for c in fitted],
                    }
                )
            return _json(lines)

    def _create(self, request: ValidatedRequest) -> Response:
        p = request.params
        sn, pn, rev = str(p["serialNumber"]), str(p["partNumber"]), str(p["revision"])
        with self.store.lock:
            if (sn, pn) in self.store.units:
                return _refusal(None, 400, f"Unit {sn} ({pn}) already exists")
            product = self.store.products.get(pn)
            if product is None or rev not in product.revisions:
                return _refusal(None, 400, f"Product {pn} revision {rev} not found")
            phase = cast("int | None", p.get("unitPhase"))
            if phase is not None and phase < 1:
                return _refusal(None, 400, f"unitPhase {phase} is not a phase")
            unit = UnitRecord(
                serial_number=sn,
                part_number=pn,
                revision=rev,
                batch_number=_str(p, "batchNumber"),
                serial_date=self.store.now(),
                phase=phase or 1,
            )
            self.store._store_unit(unit)
            self.note(unit)
            return _json(self._unit_json(unit))

    def _set_phase_and_process(self, request: ValidatedRequest) -> Response:
        p = request.params
        sn, pn = str(p["SerialNumber"]), str(p["PartNumber"])
        phase = cast("int", p["Phase"])
        if phase < 1:
            raise DomainError(400, "invalid_parameter", "Phase must be a phase (>= 1)", "Phase")
        with self.store.lock:
            unit = self.store.find_unit(sn, pn, "SerialNumber", "PartNumber")
            # Both or neither: check the process before changing anything.
            wanted = str(p["ProcessName"]).strip().lower()
            if not any(pr.name.lower() == wanted for pr in self.store.processes.values()):
                raise DomainError(
                    400,
                    "process_not_found",
                    f"no process is named {p['ProcessName']!r}",
                    "ProcessName",
                )
            self.store.set_phase(sn, pn, phase)
            self.store.set_process(sn, pn, str(p["ProcessName"]))
            self.note(unit)
        return Response(status_code=200)

    def _add_child(self, request: ValidatedRequest) -> Response:
        p = request.params
        culture = _str(p, "cultureCode")
        try:
            self.store.add_child(
                str(p["serialNumber"]),
                str(p["partNumber"]),
                str(p["childSerialNumber"]),
                str(p["childPartNumber"]),
                _str(p, "checkPartNumber"),
                _str(p, "checkRevision"),
            )
        except DomainError as exc:
            return _refusal(culture, 404 if exc.status == 404 else 400, exc.detail)
        return _json(
            _text("added", culture, child=p["childSerialNumber"], parent=p["serialNumber"])
        )

    def _remove_child(self, request: ValidatedRequest) -> Response:
        p = request.params
        culture = _str(p, "cultureCode")
        try:
            self.store.remove_child(
                str(p["serialNumber"]),
                str(p["partNumber"]),
                str(p["childSerialNumber"]),
                str(p["childPartNumber"]),
            )
        except DomainError as exc:
            return _refusal(culture, 404 if exc.status == 404 else 400, exc.detail)
        return _json(
            _text("removed", culture, child=p["childSerialNumber"], parent=p["serialNumber"])
        )

    def _remove_all(self, request: ValidatedRequest) -> Response:
        p = request.params
        culture = _str(p, "cultureCode")
        with self.store.lock:
            try:
                parent = self._unit(request)
            except DomainError as exc:
                return _refusal(culture, 404 if exc.status == 404 else 400, exc.detail)
            children = list(parent.children)
            for key in children:
                self.store.remove_child(parent.serial_number, parent.part_number, *key)
        return _json(
            _text("removed_all", culture, count=len(children), parent=parent.serial_number)
        )

    def _check(self, request: ValidatedRequest) -> Response:
        p = request.params
        result = self.store.check_children(str(p["ParentSerialNumber"]), str(p["ParentPartNumber"]))
        children = cast("list[dict[str, object]]", result["children"])
        return _json(
            {
                "IsValid": result["isValid"],
                "ParentSerialNumber": result["parentSerialNumber"],
                "ParentPartNumber": result["parentPartNumber"],
                "Message": "OK" if result["isValid"] else "The unit does not match its box build",
                "Children": [
                    {
                        "SerialNumber": c["serialNumber"],
                        "PartNumber": c["partNumber"],
                        "Revision": c["revision"],
                        "UnitPhaseId": c["unitPhaseId"],
                        "IsValid": c["isValid"],
                        "Message": c["message"],
                    }
                    for c in children
                ],
            }
        )

    # ----------------------------------------------------------- serial numbers

    def _positions(
        self, type_name: str, start: str | None, end: str | None, sp: str, ep: str
    ) -> tuple[object, list[int]]:
        serial_type = self.store.serial_type(type_name)
        pool = serial_type.pool
        first = self.store._position(pool, start, sp) if start else 0
        last = self.store._position(pool, end, ep) if end else None
        return pool, list(pool.positions(first, last))

    def _find(self, request: ValidatedRequest) -> Response:
        p = request.params
        start_date, end_date = _date(p, "startDate"), _date(p, "endDate")
        with self.store.lock:
            pool_obj, positions = self._positions(
                str(p["serialNumberType"]),
                str(p["startAddress"]),
                str(p["endAddress"]),
                "startAddress",
                "endAddress",
            )
            pool = pool_obj
            rows = []
            for position in positions:
                flag = pool.flags[position]  # type: ignore[attr-defined]
                info: TakenInfo | None = pool.info.get(position)  # type: ignore[attr-defined]
                when = info.taken_utc if info else None
                if (start_date or end_date) and (
                    when is None
                    or (start_date and when < start_date)
                    or (end_date and when > end_date)
                ):
                    continue
                rows.append(
                    {
                        "serialNumber": pool.addresses.at(position),  # type: ignore[attr-defined]
                        "state": ("Free", "Taken", "Reserved")[flag],
                        "taken": format_date_time(when) if when else None,
                        "refSN": info.ref_sn if info else None,
                        "refPN": info.ref_pn if info else None,
                        "refStn": info.station_name if info else None,
                    }
                )
            return _json(rows)

    def _count(self, request: ValidatedRequest) -> Response:
        p = request.params
        start_date, end_date = _date(p, "fromDate"), _date(p, "toDate")
        with self.store.lock:
            rows = self.store.numbers(
                str(p["serialNumberType"]),
                _str(p, "startAddress"),
                _str(p, "endAddress"),
                start_date,
                end_date,
            )
            return _json(len(rows))

    def _counts(self, name: str) -> dict[str, object]:
        serial_type = self.store.serial_type(name)
        pool = serial_type.pool
        reserved = pool.flags.count(RESERVED)
        return {
            "total": len(pool),
            "free": pool.free,
            "taken": len(pool) - pool.free - reserved,
            "reserved": reserved,
            "identifier": serial_type.identifier,
            "start": pool.addresses.at(0) if len(pool) else None,
            "end": pool.addresses.at(len(pool) - 1) if len(pool) else None,
        }

    def _names(self, request: ValidatedRequest) -> list[str]:
        name = _str(request.params, "serialNumberType")
        if name is None:
            return list(self.store.types)
        self.store.serial_type(name)
        return [name]

    def _ranges(self, request: ValidatedRequest) -> Response:
        from ._serials import IDENTIFIER_NAMES

        with self.store.lock:
            out = []
            for name in self._names(request):
                c = self._counts(name)
                out.append(
                    {
                        "type": name,
                        "identifier": c["identifier"],
                        "identifierName": IDENTIFIER_NAMES.get(cast("int", c["identifier"])),
                        "startAddress": c["start"],
                        "endAddress": c["end"],
                        "total": c["total"],
                        "free": c["free"],
                        "taken": c["taken"],
                        "reserved": c["reserved"],
                    }
                )
            return _json(out)

    def _statistics(self, request: ValidatedRequest) -> Response:
        with self.store.lock:
            out = []
            for name in self._names(request):
                c = self._counts(name)
                out.append(
                    {
                        "serialNumberType": name,
                        "total": c["total"],
                        "free": c["free"],
                        "taken": c["taken"],
                        "reserved": c["reserved"],
                    }
                )
            return _json(out)

    def _free(self, request: ValidatedRequest) -> Response:
        ranges = cast("list[dict[str, object]]", request.body)
        with self.store.lock:
            plan = []
            for index, item in enumerate(ranges):
                name, start, end = (
                    item.get("type"),
                    item.get("startAddress"),
                    item.get("endAddress"),
                )
                if not (
                    isinstance(name, str) and isinstance(start, str) and isinstance(end, str)
                ) or not (name and start and end):
                    raise DomainError(
                        400,
                        "invalid_parameter",
                        f"range {index} needs type, startAddress and endAddress",
                        "body",
                    )
                plan.append(self._positions(name, start, end, "startAddress", "endAddress"))
            # All ranges checked before any is freed: nothing is done half.
            for pool_obj, positions in plan:
                pool = pool_obj
                flags = pool.flags  # type: ignore[attr-defined]
                for position in positions:
                    if flags[position] == RESERVED:
                        flags[position] = 0
                        pool.info.pop(position, None)  # type: ignore[attr-defined]
                        pool.free += 1  # type: ignore[attr-defined]
                        pool.first_free = min(pool.first_free, position)  # type: ignore[attr-defined]
        return Response(status_code=200)

    def _reserve(self, request: ValidatedRequest) -> Response:
        body = cast("dict[str, object]", request.body)
        try:
            root = SafeET.fromstring(str(body["sn"]))
        except Exception:  # defusedxml raises several kinds; all mean an unusable document
            raise DomainError(
                400, "invalid_parameter", "sn is not a SerialNumbers XML document", "sn"
            ) from None
        if root.tag != "SerialNumbers":
            raise DomainError(
                400, "invalid_parameter", f"sn: expected <SerialNumbers>, got <{root.tag}>", "sn"
            )
        kind = root.get("requestType", "")
        if kind not in ("Reserve", "Take"):
            raise DomainError(400, "invalid_parameter", "requestType must be Reserve or Take", "sn")
        size = root.get("batchSize", "")
        if not size.isdigit() or int(size) < 1:
            raise DomainError(400, "invalid_parameter", "batchSize must be at least 1", "sn")
        numbers = self.store.take(
            root.get("serialNumberType", ""),
            int(size),
            root.get("refSN"),
            root.get("refPN"),
            root.get("stationName"),
            root.get("onlyInSequence", "false").lower() == "true",
        )
        answer = SafeET.fromstring("<SerialNumbers/>")
        for name in (
            "requestType",
            "serialNumberType",
            "refSN",
            "refPN",
            "stationName",
            "siteName",
        ):
            if root.get(name) is not None:
                answer.set(name, root.get(name, ""))
        with self.store.lock:
            pool = self.store.serial_type(root.get("serialNumberType", "")).pool
            for number in numbers:
                position = pool.addresses.index(number)
                if kind == "Reserve" and position is not None:
                    pool.flags[position] = RESERVED
                info = pool.info.get(position) if position is not None else None
                element = SafeET.fromstring("<SN/>")
                element.set("id", number)
                if info is not None and info.taken_utc is not None:
                    element.set("taken", format_date_time(info.taken_utc))
                answer.append(element)
        from xml.etree import ElementTree as ET

        return _json({"sn": ET.tostring(answer, encoding="unicode")})

    def _sites(self, request: ValidatedRequest) -> Response:
        return _json([{"Name": "Mock factory", "Code": "MOCK"}])


def _date(params: Mapping[str, object], name: str) -> datetime | None:
    value = params.get(name)
    return parse_date_time(value) if isinstance(value, str) and value else None

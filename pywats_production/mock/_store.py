"""The mock's in-memory WATS: units, box builds, pools, the changes feed, verification.

Every public method takes the store's lock and never awaits inside it, so a request is
atomic with respect to every other one, whether the app runs under uvicorn (one event
loop, many connections) or under the in-process transports (possibly several threads).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import cast

from ._domain import (
    ERROR_STYLES,
    FINALIZED,
    BoxLine,
    DomainError,
    ProcessRecord,
    ProcessRun,
    ProductRecord,
    RevisionRecord,
    UnitKey,
    UnitRecord,
    Violation,
    phase_name,
    stable_uuid,
)
from ._formats import format_date_time, parse_date_time
from ._serials import ExplicitList, Pool, SerialType, TakenInfo, address_range
from ._wire import NumberRow

JsonObject = dict[str, object]
_UNIT_TEXT_FIELDS = (
    ("revision", "revision"),
    ("batchNumber", "batch_number"),
    ("currentLocation", "current_location"),
    ("xmlData", "xml_data"),
)


MAX_POOL_SIZE = 100_000_000
"""Largest serial-number pool a seed may declare (its bookkeeping is a byte an address)."""


class SeedError(ValueError):
    """A seed document is malformed."""


@dataclass(frozen=True, slots=True)
class PoolCounts:
    """Size, free and taken numbers of one serial-number type."""

    name: str
    size: int
    free: int
    taken: int


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _blank(value: str | None) -> bool:
    return value is None or value.strip() == ""


class Store:
    """All state of one mock server."""

    def __init__(self, clock: Callable[[], datetime] | None = None) -> None:
        """Create an empty store.

        Args:
            clock: Returns the current time (UTC); ``datetime.now(UTC)`` when left out.

        """
        self.lock = threading.RLock()
        self.clock: Callable[[], datetime] = clock or (lambda: datetime.now(UTC))
        self.violations: list[Violation] = []
        self.clear()

    def clear(self) -> None:
        """Forget everything (units, products, pools, processes, changes, violations)."""
        with self.lock:
            self.units: dict[UnitKey, UnitRecord] = {}
            self._by_serial: dict[str, dict[str, None]] = {}
            self.changes: dict[int, JsonObject] = {}
            self._next_change = 1
            self.batches: dict[str, int | None] = {}
            self.products: dict[str, ProductRecord] = {}
            self.processes: dict[int, ProcessRecord] = {}
            self.verification_rules: dict[str, list[int]] = {}
            self.results: dict[UnitKey, list[ProcessRun]] = {}
            self._run_sequence = 0
            self.types: dict[str, SerialType] = {}
            # Per unit, the (process name, phase, time) of each state (internal routes).
            self.history: dict[UnitKey, list[tuple[str | None, int, datetime]]] = {}
            # A real server logs unit changes only where someone turned it on ("WATS does
            # not log unit changes by default", support:360017889980): off until a seed
            # or the admin API says logUnitChanges.
            self.log_unit_changes = False
            self.error_style: str | None = None
            self.violations.clear()

    def now(self) -> datetime:
        """Return the clock's current time in UTC."""
        return _utc(self.clock())

    # ------------------------------------------------------------------ seeding

    def apply_seed(self, data: Mapping[str, object]) -> None:
        """Add (or replace, by key) products, processes, types, rules and units.

        Args:
            data: A seed document (see docs/mock.md and seeds/example.yaml).

        Raises:
            SeedError: The document is malformed; nothing is changed then.

        """
        known = {
            "products",
            "processes",
            "serialNumberTypes",
            "verificationRules",
            "units",
            "logUnitChanges",
            "errorStyle",
        }
        unknown = set(data) - known
        if unknown:
            raise SeedError(f"unknown seed keys: {', '.join(sorted(unknown))}")
        log_changes = data.get("logUnitChanges")
        if log_changes is not None and not isinstance(log_changes, bool):
            raise SeedError("logUnitChanges must be true or false")
        error_style = data.get("errorStyle")
        if error_style is not None and error_style not in ERROR_STYLES:
            raise SeedError(f"errorStyle must be one of {', '.join(ERROR_STYLES)}")
        try:
            products = [self._seed_product(p) for p in _items(data, "products")]
            processes = [self._seed_process(p) for p in _items(data, "processes")]
            types = [self._seed_type(t) for t in _items(data, "serialNumberTypes")]
            rules = [self._seed_rule(r) for r in _items(data, "verificationRules")]
            units = [self._seed_unit(u) for u in _items(data, "units")]
        except (KeyError, TypeError, ValueError) as exc:
            raise SeedError(f"malformed seed: {exc}") from exc
        with self.lock:
            for product in products:
                self.products[product.part_number] = product
            for process in processes:
                self.processes[process.code] = process
            for serial_type in types:
                self.types[serial_type.name] = serial_type
            for part_number, codes in rules:
                self.verification_rules[part_number] = codes
            for unit in units:
                self._store_unit(unit)
            if log_changes is not None:
                self.log_unit_changes = log_changes
            if error_style is not None:
                self.error_style = cast(str, error_style)

    @staticmethod
    def _seed_product(raw: Mapping[str, object]) -> ProductRecord:
        product = ProductRecord(
            part_number=_required_text(raw, "partNumber"),
            name=_text(raw.get("name")),
            description=_text(raw.get("description")),
        )
        for rev in _items(raw, "revisions"):
            lines = [
                BoxLine(
                    _required_text(line, "partNumber"),
                    str(line.get("revision", "*")),
                    int(str(line.get("quantity", 1))),
                )
                for line in _items(rev, "boxBuild")
            ]
            revision = RevisionRecord(
                revision=_required_text(rev, "revision"),
                name=_text(rev.get("name")),
                description=_text(rev.get("description")),
                box_build=lines,
            )
            product.revisions[revision.revision] = revision
        return product

    @staticmethod
    def _seed_process(raw: Mapping[str, object]) -> ProcessRecord:
        return ProcessRecord(
            code=int(str(raw["code"])),
            name=_required_text(raw, "name"),
            description=_text(raw.get("description")),
            is_test_operation=bool(raw.get("isTestOperation", True)),
            is_repair_operation=bool(raw.get("isRepairOperation", False)),
            is_wip_operation=bool(raw.get("isWipOperation", False)),
            state=int(str(raw.get("state", 1))),
            process_index=int(str(raw["processIndex"])) if "processIndex" in raw else None,
        )

    @staticmethod
    def _seed_type(raw: Mapping[str, object]) -> SerialType:
        addresses = raw.get("addresses", [])
        if isinstance(addresses, Mapping):
            count = int(str(addresses["count"]))
            if not 0 <= count <= MAX_POOL_SIZE:
                # The pool's bookkeeping grows with it: a huge count would exhaust memory.
                raise ValueError(f"addresses.count must be 0..{MAX_POOL_SIZE}, not {count}")
            pool = Pool(address_range(str(addresses["start"]), count))
        elif isinstance(addresses, list):
            pool = Pool(ExplicitList([str(a) for a in addresses]))
        else:
            raise TypeError("addresses must be {start, count} or a list")
        identifier = int(str(raw.get("identifier", 0)))
        if identifier not in (0, 1, 2):
            raise ValueError(f"identifier must be 0, 1 or 2, not {identifier}")
        return SerialType(
            name=_required_text(raw, "name"),
            description=_text(raw.get("description")),
            format=_text(raw.get("format")),
            reg_ex=_text(raw.get("regEx")),
            identifier=identifier,
            pool=pool,
        )

    @staticmethod
    def _seed_rule(raw: Mapping[str, object]) -> tuple[str, list[int]]:
        codes = raw.get("processes")
        if not isinstance(codes, list):
            raise TypeError("verificationRules[].processes must be a list of process codes")
        return _required_text(raw, "partNumber"), [int(str(c)) for c in codes]

    @staticmethod
    def _seed_unit(raw: Mapping[str, object]) -> UnitRecord:
        serial_date = _text(raw.get("serialDate"))
        parsed = parse_date_time(serial_date) if serial_date else None
        if serial_date and parsed is None:
            raise ValueError(f"serialDate {serial_date!r} is not an RFC 3339 date-time")
        phase = raw.get("unitPhaseId", 1)
        process = raw.get("processCode")
        return UnitRecord(
            serial_number=_required_text(raw, "serialNumber"),
            part_number=_required_text(raw, "partNumber"),
            revision=_text(raw.get("revision")),
            batch_number=_text(raw.get("batchNumber")),
            serial_date=parsed,
            current_location=_text(raw.get("currentLocation")),
            xml_data=_text(raw.get("xmlData")),
            phase=int(str(phase)),
            process_code=None if process is None else str(process),
        )

    # ------------------------------------------------------------------ units

    def _store_unit(self, unit: UnitRecord) -> None:
        self.units[unit.key] = unit
        self._by_serial.setdefault(unit.serial_number, {})[unit.part_number] = None

    def find_unit(
        self,
        serial_number: str,
        part_number: str | None,
        serial_param: str = "serialNumber",
        part_param: str = "partNumber",
    ) -> UnitRecord:
        """Find a unit; without a part number, by serial number alone.

        Args:
            serial_number: The serial number.
            part_number: The part number; None or blank to look up by serial alone.
            serial_param: Name of the serial parameter, for the error.
            part_param: Name of the part-number parameter, for the error.

        Returns:
            The unit.

        Raises:
            DomainError: 404 ``unit_not_found``; 400 ``invalid_parameter`` when the serial
                number alone names several units.

        """
        with self.lock:
            if not _blank(part_number):
                unit = self.units.get((serial_number, str(part_number)))
                if unit is None:
                    raise DomainError(
                        404,
                        "unit_not_found",
                        f"unit {serial_number!r} / {part_number!r} does not exist",
                        serial_param,
                    )
                return unit
            part_numbers = list(self._by_serial.get(serial_number, ()))
            if not part_numbers:
                raise DomainError(
                    404,
                    "unit_not_found",
                    f"no unit has serial number {serial_number!r}",
                    serial_param,
                )
            if len(part_numbers) > 1:
                raise DomainError(
                    400,
                    "invalid_parameter",
                    f"serial number {serial_number!r} exists for part numbers "
                    f"{', '.join(sorted(part_numbers))}; give {part_param}",
                    part_param,
                )
            return self.units[(serial_number, part_numbers[0])]

    def _product_json(self, product: ProductRecord) -> JsonObject:
        return {
            "productId": stable_uuid("product", product.part_number),
            "nonSerial": False,
            "partNumber": product.part_number,
            "name": product.name,
            "description": product.description,
            "state": 1,
            "xmlData": None,
            "productCategoryId": None,
            "productCategoryName": None,
            # Lists are lists, never null: pywats-api's models refuse a null here.
            "revisions": [
                self._revision_json(product, r, with_product=False)
                for r in product.revisions.values()
            ],
            "tags": [],
        }

    def _revision_json(
        self, product: ProductRecord, revision: RevisionRecord, *, with_product: bool = True
    ) -> JsonObject:
        del with_product  # the revision never embeds its product here (no cycles)
        return {
            "productRevisionId": stable_uuid("revision", product.part_number, revision.revision),
            "productId": stable_uuid("product", product.part_number),
            "revision": revision.revision,
            "name": revision.name,
            "description": revision.description,
            "state": 1,
            "xmlData": None,
            "PartNumber": product.part_number,
            "tags": [],
            "product": None,
        }

    def _unit_json(self, unit: UnitRecord) -> JsonObject:
        product = self.products.get(unit.part_number)
        revision = product.revisions.get(unit.revision or "") if product else None
        return {
            "serialNumber": unit.serial_number,
            "partNumber": unit.part_number,
            "revision": unit.revision,
            "parentSerialNumber": unit.parent[0] if unit.parent else None,
            "batchNumber": unit.batch_number,
            "serialDate": format_date_time(unit.serial_date) if unit.serial_date else None,
            "currentLocation": unit.current_location,
            "xmlData": unit.xml_data,
            "unitPhaseId": unit.phase,
            "unitPhase": phase_name(unit.phase),
            "processCode": unit.process_code,
            "tags": [{"key": k, "value": v} for k, v in unit.tags.items()],
            "productRevision": self._revision_json(product, revision)
            if product and revision
            else None,
            "product": self._product_json(product) if product else None,
            "subUnits": [self._unit_json(self.units[key]) for key in unit.children],
        }

    def get_unit(self, serial_number: str, part_number: str) -> JsonObject:
        """GET Unit: the unit with product, revision and sub-units (recursively).

        Raises:
            DomainError: 404 ``unit_not_found``.

        """
        with self.lock:
            unit = self.units.get((serial_number, part_number))
            if unit is None:
                raise DomainError(
                    404,
                    "unit_not_found",
                    f"unit {serial_number!r} / {part_number!r} does not exist",
                    "serialNumber",
                )
            return self._unit_json(unit)

    def _append_change(
        self,
        serial_number: str,
        *,
        parent: str | None = None,
        part_number: str | None = None,
        revision: str | None = None,
        phase: int | None = None,
    ) -> None:
        if not self.log_unit_changes:
            return
        change_id = self._next_change
        self._next_change += 1
        self.changes[change_id] = {
            "id": change_id,
            "unitSerialNumber": serial_number,
            "newParentSerialNumber": parent,
            "newPartNumber": part_number,
            "newRevision": revision,
            "newUnitPhaseId": phase,
        }

    def put_units(self, items: Sequence[object]) -> JsonObject:
        """PUT Units: upsert by (serial number, part number); absent/null fields are kept.

        ``parentSerialNumber``, ``unitPhase``, ``tags``, ``product``, ``productRevision``
        and ``subUnits`` are ignored. A unit without serial or part number is an error of
        the result, not of the request.

        Returns:
            SaveUnitsResult: okCount, errorCount, errors (the members a real server
            answers, olreppe/pyWATS@d7be43d PRODUCTION_TEST_STATUS.md).

        """
        errors: list[str] = []
        inserted = updated = 0
        with self.lock:
            for index, item in enumerate(items):
                if not isinstance(item, Mapping):
                    errors.append(f"unit {index}: not an object")
                    continue
                serial_number = _text(item.get("serialNumber"))
                part_number = _text(item.get("partNumber"))
                if serial_number is None or _blank(serial_number):
                    errors.append(f"unit {index}: serialNumber is required")
                    continue
                if part_number is None or _blank(part_number):
                    errors.append(f"unit {index}: partNumber is required")
                    continue
                unit = self.units.get((serial_number, part_number))
                created = unit is None
                if unit is None:
                    unit = UnitRecord(serial_number, part_number)
                old_revision, old_phase = unit.revision, unit.phase
                for json_name, attribute in _UNIT_TEXT_FIELDS:
                    value = _text(item.get(json_name))
                    if value is not None:
                        setattr(unit, attribute, value)
                serial_date = _text(item.get("serialDate"))
                if serial_date is not None:
                    unit.serial_date = parse_date_time(serial_date)
                phase = item.get("unitPhaseId")
                if isinstance(phase, int) and not isinstance(phase, bool):
                    unit.phase = phase
                process_code = item.get("processCode")
                if process_code is not None:
                    unit.process_code = str(process_code)
                if created:
                    self._store_unit(unit)
                    inserted += 1
                    self._append_change(
                        serial_number,
                        part_number=part_number,
                        revision=unit.revision,
                        phase=unit.phase if isinstance(phase, int) else None,
                    )
                else:
                    updated += 1
                    new_revision = unit.revision if unit.revision != old_revision else None
                    new_phase = unit.phase if unit.phase != old_phase else None
                    if new_revision is not None or new_phase is not None:
                        self._append_change(serial_number, revision=new_revision, phase=new_phase)
        return {"okCount": inserted + updated, "errorCount": len(errors), "errors": errors}

    # ------------------------------------------------- one-unit operations (2026.3)

    def query_units(
        self, filter_text: str | None, top: int | None, orderby: str | None
    ) -> list[JsonObject]:
        """GET Unit/Query: the units matching ``$filter``, sorted, at most ``$top``.

        Without ``$orderby`` units come in the order they were created (the server's
        default order is not known).

        Raises:
            DomainError: 400 ``invalid_filter`` naming what is not supported.

        """
        from ._odata import FilterError, compile_filter, parse_orderby, sort_records

        def children(unit: UnitRecord) -> Iterable[UnitRecord]:
            return (self.units[key] for key in unit.children)

        try:
            keep = compile_filter(filter_text, children) if filter_text else None
            keys = parse_orderby(orderby) if orderby and orderby.strip() else []
        except FilterError as exc:
            raise DomainError(400, "invalid_filter", exc.detail, exc.parameter) from None
        limit = 100 if top is None else top
        with self.lock:
            found = [u for u in self.units.values() if keep is None or keep(u)]
            if keys:
                sort_records(found, keys)
            return [self._unit_json(u) for u in found[:limit]]

    def create_unit(self, item: Mapping[str, object]) -> None:
        """POST Unit: create one unit (serial, part number and revision required).

        Raises:
            DomainError: 400 ``invalid_parameter`` (a required field missing), 400
                ``parent_not_allowed`` (a parent given), 409 ``unit_exists``.

        """
        fields = {}
        for name in ("serialNumber", "partNumber", "revision"):
            value = _text(item.get(name))
            if value is None or _blank(value):
                raise DomainError(400, "invalid_parameter", f"{name} is required", name)
            fields[name] = value
        if not _blank(_text(item.get("parentSerialNumber"))):
            raise DomainError(
                400,
                "parent_not_allowed",
                "a unit cannot be created with a parent: link it with AddChildUnit",
                "parentSerialNumber",
            )
        serial_number, part_number = fields["serialNumber"], fields["partNumber"]
        with self.lock:
            if (serial_number, part_number) in self.units:
                raise DomainError(
                    409,
                    "unit_exists",
                    f"unit {serial_number!r} / {part_number!r} already exists",
                    "serialNumber",
                )
            unit = UnitRecord(serial_number, part_number)
            self._apply_fields(unit, item)
            phase = item.get("unitPhaseId")
            if isinstance(phase, int) and not isinstance(phase, bool):
                unit.phase = phase
            process_code = item.get("processCode")
            if process_code is not None:
                unit.process_code = str(process_code)
            tags = item.get("tags")
            for tag in tags if isinstance(tags, list) else []:
                if isinstance(tag, Mapping) and isinstance(tag.get("key"), str):
                    unit.tags[str(tag["key"])] = _text(tag.get("value"))
            self._store_unit(unit)
            self._append_change(
                serial_number,
                part_number=part_number,
                revision=unit.revision,
                phase=unit.phase if isinstance(phase, int) else None,
            )

    def _apply_fields(self, unit: UnitRecord, item: Mapping[str, object]) -> None:
        for json_name, attribute in _UNIT_TEXT_FIELDS:
            value = _text(item.get(json_name))
            if value is not None:
                setattr(unit, attribute, value)
        serial_date = _text(item.get("serialDate"))
        if serial_date is not None:
            unit.serial_date = parse_date_time(serial_date)

    def update_unit(self, item: Mapping[str, object]) -> None:
        """PUT Unit: update one unit; fields left out or null are kept.

        Phase, process and parent are not changed here (they have their own operations).

        Raises:
            DomainError: 400 ``invalid_parameter``; 404 ``unit_not_found``; 400
                ``part_number_immutable`` when the serial number exists only under other
                part numbers; 400 ``batch_not_found`` for a batch that does not exist.

        """
        serial_number = _text(item.get("serialNumber"))
        part_number = _text(item.get("partNumber"))
        for name, value in (("serialNumber", serial_number), ("partNumber", part_number)):
            if value is None or _blank(value):
                raise DomainError(400, "invalid_parameter", f"{name} is required", name)
        assert serial_number is not None  # checked above
        assert part_number is not None
        with self.lock:
            unit = self.units.get((serial_number, part_number))
            if unit is None:
                others = sorted(self._by_serial.get(serial_number, ()))
                if others:
                    raise DomainError(
                        400,
                        "part_number_immutable",
                        f"unit {serial_number!r} has part number {', '.join(others)}; the part "
                        "number cannot change here (use ChangeUnit)",
                        "partNumber",
                    )
                raise DomainError(
                    404,
                    "unit_not_found",
                    f"unit {serial_number!r} / {part_number!r} does not exist",
                    "serialNumber",
                )
            batch = _text(item.get("batchNumber"))
            if batch is not None and batch not in self.batches:
                raise DomainError(
                    400, "batch_not_found", f"batch {batch!r} does not exist", "batchNumber"
                )
            old_revision = unit.revision
            self._apply_fields(unit, item)
            if unit.revision != old_revision:
                self._append_change(serial_number, revision=unit.revision)

    def delete_unit(self, serial_number: str, part_number: str) -> None:
        """DELETE Unit: remove a unit without children (a link to its parent goes too).

        Raises:
            DomainError: 404 ``unit_not_found``; 409 ``unit_has_children``.

        """
        with self.lock:
            unit = self.find_unit(serial_number, part_number)
            if unit.children:
                listed = ", ".join(sn for sn, _ in unit.children)
                raise DomainError(
                    409,
                    "unit_has_children",
                    f"unit {serial_number!r} has child units ({listed}): remove them first",
                    "serialNumber",
                )
            if unit.parent is not None:
                del self.units[unit.parent].children[unit.key]
            del self.units[unit.key]
            parts = self._by_serial[serial_number]
            del parts[part_number]
            if not parts:
                del self._by_serial[serial_number]
            self.results.pop(unit.key, None)

    def change_unit(
        self, serial_number: str, part_number: str, new_part_number: str, new_revision: str
    ) -> None:
        """ChangeUnit: give a unit another part number and revision (its links follow).

        Raises:
            DomainError: 400 ``invalid_parameter`` (blank); 404 ``unit_not_found``; 409
                ``unit_exists`` when the new key is another unit's.

        """
        for name, value in (("newPartNumber", new_part_number), ("newRevision", new_revision)):
            if _blank(value):
                raise DomainError(400, "invalid_parameter", f"{name} must not be blank", name)
        with self.lock:
            unit = self.find_unit(serial_number, part_number)
            old_key, new_key = unit.key, (serial_number, new_part_number)
            if new_key != old_key and new_key in self.units:
                raise DomainError(
                    409,
                    "unit_exists",
                    f"unit {serial_number!r} / {new_part_number!r} already exists",
                    "newPartNumber",
                )
            changed_pn = new_part_number != part_number
            changed_rev = new_revision != unit.revision
            if new_key != old_key:
                del self.units[old_key]
                del self._by_serial[serial_number][part_number]
                unit.part_number = new_part_number
                self._store_unit(unit)
                if unit.parent is not None:
                    siblings = self.units[unit.parent].children
                    self.units[unit.parent].children = {
                        (new_key if k == old_key else k): None for k in siblings
                    }
                for child in unit.children:
                    self.units[child].parent = new_key
                if old_key in self.results:
                    self.results[new_key] = self.results.pop(old_key)
            unit.revision = new_revision
            if changed_pn or changed_rev:
                self._append_change(
                    serial_number,
                    part_number=new_part_number if changed_pn else None,
                    revision=new_revision if changed_rev else None,
                )

    def set_tag(self, serial_number: str, part_number: str, key: str, value: str) -> None:
        """UnitTag: add or update one tag of a unit.

        Raises:
            DomainError: 400 ``invalid_parameter`` (blank key); 404 ``unit_not_found``.

        """
        if _blank(key):
            raise DomainError(400, "invalid_parameter", "key must not be blank", "key")
        with self.lock:
            unit = self.find_unit(serial_number, part_number)
            unit.tags[key] = value

    def set_phase(self, serial_number: str, part_number: str, phase: int) -> None:
        """SetUnitPhase (a change record only when the phase really changes).

        Raises:
            DomainError: 404 ``unit_not_found``.

        """
        with self.lock:
            unit = self.find_unit(serial_number, part_number)
            if unit.phase != phase:
                unit.phase = phase
                self._append_change(serial_number, phase=phase)

    def set_process(self, serial_number: str, part_number: str, process_name: str) -> None:
        """SetUnitProcess by process name (case-insensitive).

        Raises:
            DomainError: 404 ``unit_not_found``; 400 ``process_not_found``.

        """
        with self.lock:
            unit = self.find_unit(serial_number, part_number)
            wanted = process_name.strip().lower()
            for process in self.processes.values():
                if process.name.lower() == wanted:
                    unit.process_code = str(process.code)
                    return
            raise DomainError(
                400, "process_not_found", f"no process is named {process_name!r}", "processName"
            )

    # ------------------------------------------------------------------ box build

    def _box_build(self, parent: UnitRecord) -> list[BoxLine] | None:
        product = self.products.get(parent.part_number)
        revision = product.revisions.get(parent.revision or "") if product else None
        return revision.box_build if revision else None

    @staticmethod
    def _assign(
        lines: Sequence[BoxLine], children: Iterable[UnitRecord]
    ) -> tuple[list[int], list[tuple[UnitRecord, int | None, bool]]]:
        """Assign children to box-build lines in order.

        Returns:
            The fill of each line, and per child its line (None: no room) and whether any
            line matched it at all.

        """
        found = [0] * len(lines)
        rows: list[tuple[UnitRecord, int | None, bool]] = []
        for child in children:
            matching = [
                i for i, line in enumerate(lines) if line.matches(child.part_number, child.revision)
            ]
            free = next((i for i in matching if found[i] < lines[i].quantity), None)
            if free is not None:
                found[free] += 1
            rows.append((child, free, bool(matching)))
        return found, rows

    def add_child(
        self,
        parent_sn: str,
        parent_pn: str | None,
        child_sn: str,
        child_pn: str | None,
        check_pn: str | None,
        check_rev: str | None,
    ) -> None:
        """AddChildUnit with the server's rules, checked in this order.

        Both units exist (404 ``unit_not_found``); the child has no parent (409
        ``child_has_parent``); no loop (409 ``would_create_loop``); the child matches the
        check part number/revision or a line of the parent's box build with room left (400
        ``not_in_box_build``); the child is Finalized (409 ``child_not_finalized``).
        """
        with self.lock:
            parent = self.find_unit(parent_sn, parent_pn, "parentSerialNumber", "parentPartNumber")
            child = self.find_unit(child_sn, child_pn, "childSerialNumber", "childPartNumber")
            if child.parent is not None:
                raise DomainError(
                    409,
                    "child_has_parent",
                    f"child {child.serial_number} already has parent {child.parent[0]}",
                    "childSerialNumber",
                )
            ancestor: UnitRecord | None = parent
            while ancestor is not None:
                if ancestor.key == child.key:
                    raise DomainError(
                        409,
                        "would_create_loop",
                        # Worded so that a client reading only the text (error style
                        # text) can tell the reason, as it can for every refusal here.
                        f"linking {child.serial_number} under {parent.serial_number} would "
                        "create a loop: the child is the parent or one of its ancestors",
                        "childSerialNumber",
                    )
                ancestor = self.units[ancestor.parent] if ancestor.parent else None
            if not _blank(check_pn):
                line = BoxLine(str(check_pn), "*" if _blank(check_rev) else str(check_rev), 1)
                if not line.matches(child.part_number, child.revision):
                    raise DomainError(
                        400,
                        "not_in_box_build",
                        f"child {child.part_number} rev {child.revision} does not match "
                        f"{line.part_number} rev {line.revision}",
                        "checkPartNumber",
                    )
            else:
                lines = self._box_build(parent) or []
                found, _ = self._assign(lines, (self.units[k] for k in parent.children))
                fits = [
                    i
                    for i, line in enumerate(lines)
                    if line.matches(child.part_number, child.revision)
                ]
                if not any(found[i] < lines[i].quantity for i in fits):
                    reason = "all such places are filled" if fits else "no line matches"
                    raise DomainError(
                        400,
                        "not_in_box_build",
                        f"child {child.part_number} rev {child.revision} is not in the box build "
                        "of "
                        f"{parent.part_number} rev {parent.revision}: {reason}",
                        "childSerialNumber",
                    )
            if child.phase != FINALIZED:
                raise DomainError(
                    409,
                    "child_not_finalized",
                    f"child {child.serial_number} is in phase {child.phase} "
                    f"({phase_name(child.phase)}), not Finalized (16)",
                    "childSerialNumber",
                )
            child.parent = parent.key
            parent.children[child.key] = None
            self._append_change(child.serial_number, parent=parent.serial_number)

    def remove_child(
        self, parent_sn: str, parent_pn: str | None, child_sn: str, child_pn: str | None
    ) -> None:
        """RemoveChildUnit: the relation must exist (409 ``not_linked``)."""
        with self.lock:
            parent = self.find_unit(parent_sn, parent_pn, "parentSerialNumber", "parentPartNumber")
            child = self.find_unit(child_sn, child_pn, "childSerialNumber", "childPartNumber")
            if child.parent != parent.key:
                raise DomainError(
                    409,
                    "not_linked",
                    f"{child.serial_number} is not a child of {parent.serial_number}",
                    "childSerialNumber",
                )
            child.parent = None
            del parent.children[child.key]
            self._append_change(child.serial_number, parent="")

    def check_children(self, parent_sn: str, parent_pn: str | None) -> JsonObject:
        """CheckChildUnits: compare the direct children with the parent's box build."""
        with self.lock:
            parent = self.find_unit(parent_sn, parent_pn, "parentSerialNumber", "parentPartNumber")
            lines = self._box_build(parent) or []
            found, rows = self._assign(lines, (self.units[k] for k in parent.children))
            children = []
            for child, line, matched_any in rows:
                if line is None:
                    message = (
                        "exceeds the quantity of its box-build line"
                        if matched_any
                        else "not in the box build"
                    )
                elif child.phase != FINALIZED:
                    message = f"not Finalized (phase {child.phase})"
                else:
                    message = None
                children.append(
                    {
                        "serialNumber": child.serial_number,
                        "partNumber": child.part_number,
                        "revision": child.revision,
                        "unitPhaseId": child.phase,
                        "isValid": message is None,
                        "message": message or "OK",
                    }
                )
            requirements = [
                {
                    "partNumber": line.part_number,
                    "revision": line.revision,
                    "quantity": line.quantity,
                    "found": found[i],
                }
                for i, line in enumerate(lines)
            ]
            valid = all(c["isValid"] for c in children) and all(
                r["found"] == r["quantity"] for r in requirements
            )
            return {
                "isValid": valid,
                "parentSerialNumber": parent.serial_number,
                "parentPartNumber": parent.part_number,
                "children": children,
                "requirements": requirements,
            }

    # ------------------------------------------------------------------ changes, batches

    def get_changes(self, max_count: int) -> list[JsonObject]:
        """GET Units/Changes: the oldest ``max_count`` pending changes."""
        with self.lock:
            out: list[JsonObject] = []
            for change in self.changes.values():
                if len(out) >= max_count:
                    break
                out.append(dict(change))
            return out

    def delete_change(self, change_id: int) -> None:
        """DELETE Units/Changes/{id} (404 ``change_not_found`` when already gone)."""
        with self.lock:
            if self.changes.pop(change_id, None) is None:
                raise DomainError(404, "change_not_found", f"no pending change {change_id}", "id")

    def put_batches(self, items: Sequence[object]) -> None:
        """PUT Batches: add or update by batch number (400 when one has none)."""
        parsed: list[tuple[str, int | None]] = []
        for index, item in enumerate(items):
            number = _text(item.get("batchNumber")) if isinstance(item, Mapping) else None
            if number is None or _blank(number):
                raise DomainError(
                    400, "invalid_parameter", f"body[{index}].batchNumber is required", "body"
                )
            size = item.get("batchSize") if isinstance(item, Mapping) else None
            parsed.append((number, size if isinstance(size, int) else None))
        with self.lock:
            for number, size in parsed:
                if size is not None or number not in self.batches:
                    self.batches[number] = size

    # ------------------------------------------------------------------ processes, verification

    def list_processes(self, include: Mapping[str, bool]) -> list[JsonObject]:
        """GET App/Processes; without flags every active process, else the kinds asked for."""
        with self.lock:
            kinds = {k: include[k] for k in ("test", "repair", "wip") if k in include}
            out: list[JsonObject] = []
            for process in sorted(self.processes.values(), key=lambda p: p.code):
                if process.state != 1 and not include.get("inactive", False):
                    continue
                if kinds and not (
                    (kinds.get("test") and process.is_test_operation)
                    or (kinds.get("repair") and process.is_repair_operation)
                    or (kinds.get("wip") and process.is_wip_operation)
                ):
                    continue
                out.append(self._process_json(process, len(out)))
            return out

    @staticmethod
    def _process_json(process: ProcessRecord, position: int) -> JsonObject:
        # The shape of a real App/Processes body (olreppe/pyWATS@80550f0
        # WATSData/processes_cache.json): description left out when empty, an integer
        # processIndex, state 0/1/2, and repairOperation on repair processes.
        index = position if process.process_index is None else process.process_index
        body: JsonObject = {"code": process.code, "name": process.name}
        if process.description:
            body["description"] = process.description
        body.update(
            {
                "isTestOperation": process.is_test_operation,
                "isRepairOperation": process.is_repair_operation,
                "isWipOperation": process.is_wip_operation,
                "processIndex": index,
                "state": process.state,
            }
        )
        if process.is_repair_operation:
            # The real object's members are not recorded: the project's reading.
            body["repairOperation"] = {"code": process.code, "name": process.name}
        return body

    def add_process_result(
        self,
        serial_number: str,
        part_number: str | None,
        process_code: int,
        passed: bool,
        station_name: str | None,
        start_utc: datetime | None,
        repaired: bool,
    ) -> None:
        """Record one run of a process on a unit (admin API).

        Raises:
            DomainError: The unit or the process does not exist.

        """
        with self.lock:
            unit = self.find_unit(serial_number, part_number)
            if process_code not in self.processes:
                raise DomainError(
                    400, "process_not_found", f"no process has code {process_code}", "processCode"
                )
            self._run_sequence += 1
            run = ProcessRun(
                process_code,
                passed,
                station_name,
                _utc(start_utc) if start_utc else self.now(),
                repaired,
                self._run_sequence,
            )
            self.results.setdefault(unit.key, []).append(run)

    def verification(self, serial_number: str, part_number: str | None) -> JsonObject:
        """GET UnitVerification: grade the unit against its product's rule.

        The rule is the product's list of process codes, or every process by code. Grade A:
        every process passed its first and last run, in the rule's order, without repairs;
        B: every last run passed; C: every process passed some run; F otherwise. Status in
        the real vocabulary, where ``ok`` and ``warning`` pass (UnitVerification.cs,
        olreppe/pyWATS@6ec57fb): ``ok`` for grade A, ``warning`` for B, ``error`` when a
        last run failed, ``unknown`` otherwise (which status goes with which grade, and
        the names of the failing ones, are the project's reading). Per-process statuses
        (Passed, Failed, Unknown) are the project's reading too.
        """
        with self.lock:
            unit = self.find_unit(serial_number, part_number)
            codes = self.verification_rules.get(unit.part_number) or sorted(self.processes)
            runs = sorted(self.results.get(unit.key, []), key=lambda r: (r.start_utc, r.sequence))
            results = []
            first_starts: list[datetime | None] = []
            last_pass = any_pass = first_pass = no_repairs = True
            any_failed_last = False
            for index, code in enumerate(codes):
                mine = [r for r in runs if r.process_code == code]
                last = mine[-1] if mine else None
                process = self.processes.get(code)
                results.append(
                    {
                        "processCode": code,
                        "processName": process.name if process else None,
                        "processIndex": index,
                        "status": "Unknown"
                        if last is None
                        else ("Passed" if last.passed else "Failed"),
                        "startUtc": format_date_time(last.start_utc) if last else None,
                        "stationName": last.station_name if last else None,
                        "totalCount": len(mine),
                        "nonPassedCount": sum(not r.passed for r in mine),
                        "repairCount": sum(r.repaired for r in mine),
                    }
                )
                first_starts.append(mine[0].start_utc if mine else None)
                last_pass &= last is not None and last.passed
                any_pass &= any(r.passed for r in mine)
                first_pass &= bool(mine) and mine[0].passed
                no_repairs &= not any(r.repaired for r in mine)
                any_failed_last |= last is not None and not last.passed
            executed = [s for s in first_starts if s is not None]
            in_order = bool(codes) and len(executed) == len(codes) and executed == sorted(executed)
            if not codes:
                last_pass = any_pass = first_pass = False
            if first_pass and last_pass and in_order and no_repairs:
                grade = "A"
            elif last_pass:
                grade = "B"
            elif any_pass:
                grade = "C"
            else:
                grade = "F"
            if last_pass:
                status = "ok" if grade == "A" else "warning"
            else:
                status = "error" if any_failed_last else "unknown"
            return {
                "status": status,
                "grade": grade,
                "allProcessesExecutedInCorrectOrder": in_order,
                "allProcessesPassedFirstRun": first_pass,
                "allProcessesPassedAnyRun": any_pass,
                "allProcessesPassedLastRun": last_pass,
                "noRepairs": no_repairs,
                "results": results,
            }

    # ------------------------------------------------------------------ serial numbers

    def serial_type(self, name: str) -> SerialType:
        """Return a serial-number type (404 ``type_not_found``)."""
        serial_type = self.types.get(name)
        if serial_type is None:
            raise DomainError(
                404, "type_not_found", f"no serial-number type {name!r}", "serialNumberType"
            )
        return serial_type

    def list_types(self) -> list[JsonObject]:
        """GET SerialNumbers/Types."""
        with self.lock:
            return [t.to_json() for t in self.types.values()]

    def take(
        self,
        type_name: str,
        quantity: int,
        ref_sn: str | None,
        ref_pn: str | None,
        station_name: str | None,
        in_sequence: bool,
    ) -> list[str]:
        """Take numbers atomically (see :meth:`Pool.take`).

        Raises:
            DomainError: 404 ``type_not_found``; 400 when ``quantity`` < 1; 409
                ``sequence_unavailable`` when ``in_sequence`` cannot be met.

        """
        if quantity < 1:
            raise DomainError(400, "invalid_parameter", "quantity must be at least 1", "quantity")
        with self.lock:
            serial_type = self.serial_type(type_name)
            pool = serial_type.pool
            info = TakenInfo(ref_sn, ref_pn, station_name, self.now())
            positions = pool.take(quantity, in_sequence, info)
            if positions is None:
                raise DomainError(
                    409,
                    "sequence_unavailable",
                    f"no contiguous run of {quantity} free numbers in {type_name!r} "
                    f"({pool.free} free)",
                    "quantity",
                )
            return [pool.addresses.at(p) for p in positions]

    def _position(self, pool: Pool, address: str, parameter: str) -> int:
        position = pool.addresses.index(address)
        if position is None:
            raise DomainError(
                400, "invalid_parameter", f"{address!r} is not in the pool", parameter
            )
        return position

    def _rows(
        self,
        serial_type: SerialType,
        positions: Iterable[int],
        start_date: datetime | None,
        end_date: datetime | None,
    ) -> list[NumberRow]:
        pool = serial_type.pool
        rows = []
        for position in positions:
            info = pool.info.get(position)
            taken_utc = info.taken_utc if info else None
            if start_date is not None or end_date is not None:
                if taken_utc is None:
                    continue
                if start_date is not None and taken_utc < start_date:
                    continue
                if end_date is not None and taken_utc > end_date:
                    continue
            rows.append(
                NumberRow(
                    serial_number=pool.addresses.at(position),
                    taken=pool.flags[position] == 1,
                    taken_utc=taken_utc,
                    ref_sn=info.ref_sn if info else None,
                    ref_pn=info.ref_pn if info else None,
                    station_name=info.station_name if info else None,
                )
            )
        return rows

    def numbers(
        self,
        type_name: str,
        start_address: str | None,
        end_address: str | None,
        start_date: datetime | None,
        end_date: datetime | None,
    ) -> list[NumberRow]:
        """Numbers of a type in pool order, by address range and taken-time filter."""
        with self.lock:
            serial_type = self.serial_type(type_name)
            pool = serial_type.pool
            start = self._position(pool, start_address, "startAddress") if start_address else 0
            end = self._position(pool, end_address, "endAddress") if end_address else None
            return self._rows(serial_type, pool.positions(start, end), start_date, end_date)

    def numbers_by_reference(
        self,
        type_name: str,
        ref_sn: str | None,
        ref_pn: str | None,
        start_date: datetime | None,
        end_date: datetime | None,
    ) -> list[NumberRow]:
        """Numbers taken with a reference serial and/or part number (both: both must match)."""
        if _blank(ref_sn) and _blank(ref_pn):
            raise DomainError(400, "invalid_parameter", "give refSN or refPN (or both)", "refSN")
        with self.lock:
            serial_type = self.serial_type(type_name)
            pool = serial_type.pool
            positions = sorted(
                position
                for position, info in pool.info.items()
                if pool.flags[position] == 1
                and (_blank(ref_sn) or info.ref_sn == ref_sn)
                and (_blank(ref_pn) or info.ref_pn == ref_pn)
            )
            return self._rows(serial_type, positions, start_date, end_date)

    @staticmethod
    def to_record(row: NumberRow) -> JsonObject:
        """Render a row as the spec's SerialNumberRecord."""
        return {
            "serialNumber": row.serial_number,
            "taken": bool(row.taken),
            "takenUtc": format_date_time(row.taken_utc) if row.taken_utc else None,
            "refSN": row.ref_sn,
            "refPN": row.ref_pn,
            "stationName": row.station_name,
        }

    def upload(self, type_name: str, rows: Sequence[NumberRow]) -> None:
        """Add numbers to a pool in file order; existing numbers are updated, not duplicated.

        Raises:
            DomainError: 404 ``type_not_found``; 400 when a number breaks the type's regEx
                (nothing is added then).

        """
        with self.lock:
            serial_type = self.serial_type(type_name)
            pattern = None
            if serial_type.reg_ex:
                try:
                    pattern = re.compile(serial_type.reg_ex)
                except re.error:
                    pattern = None
            if pattern is not None:
                for row in rows:
                    if pattern.search(row.serial_number) is None:
                        raise DomainError(
                            400,
                            "invalid_parameter",
                            f"{row.serial_number!r} does not match {serial_type.reg_ex}",
                            "file",
                        )
            pool = serial_type.pool
            for row in rows:
                position = pool.addresses.index(row.serial_number)
                if position is None:
                    position = pool.append(row.serial_number)
                if row.taken is not None:
                    info = TakenInfo(row.ref_sn, row.ref_pn, row.station_name, row.taken_utc)
                    pool.set_state(position, row.taken, info if row.taken else None)

    def pool_counts(self, type_name: str) -> PoolCounts:
        """Size, free and taken numbers of a type (404 ``type_not_found``)."""
        with self.lock:
            pool = self.serial_type(type_name).pool
            return PoolCounts(type_name, len(pool), pool.free, pool.taken)

    def summary(self) -> JsonObject:
        """Return counts of everything, per-type pool counts and the violations."""
        with self.lock:
            return {
                "units": len(self.units),
                "pendingChanges": len(self.changes),
                "logUnitChanges": self.log_unit_changes,
                "errorStyle": self.error_style,
                "batches": len(self.batches),
                "products": len(self.products),
                "processes": len(self.processes),
                "processResults": sum(len(r) for r in self.results.values()),
                "serialNumberTypes": {
                    name: {"size": len(t.pool), "free": t.pool.free, "taken": t.pool.taken}
                    for name, t in self.types.items()
                },
                "violations": [str(v) for v in self.violations],
            }


def _items(data: Mapping[str, object], key: str) -> list[Mapping[str, object]]:
    value = data.get(key) or []
    if not isinstance(value, list) or not all(isinstance(v, Mapping) for v in value):
        raise TypeError(f"{key} must be a list of objects")
    return value


def _required_text(data: Mapping[str, object], key: str) -> str:
    value = data.get(key)
    if not isinstance(value, str | int) or str(value).strip() == "":
        raise ValueError(f"{key} is required")
    return str(value)

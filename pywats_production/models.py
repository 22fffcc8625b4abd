"""Typed models of what the Production API sends and receives.

Every model is a mutable ``attrs`` class with keyword-only construction. ``from_json`` reads
the server's camelCase JSON leniently: a missing or null member gives None (or an empty
tuple, or "" for the identifying text of a record), a member of the wrong JSON type raises
:class:`~pywats_production.errors.WatsResponseError` naming it, and members the SDK does not
know are kept in ``extra`` (a read-only mapping that is never sent back). Models that are
sent have ``to_wire``, which builds the JSON the server expects.

Datetimes are read with :meth:`datetime.datetime.fromisoformat` (.NET's
``2024-01-02T03:04:05``, ``...Z``, ``...+01:00`` and 7 fractional digits, which are cut to
microseconds) and also the old ``/Date(ms)/`` form; they are written back with
``isoformat()``, naive or aware exactly as they came.
"""

from __future__ import annotations

import datetime as dt
import enum
import json
import logging
import re
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from typing import ClassVar, Final, Self, TypeVar, cast

import attrs

from pywats_production._drift import DRIFT_SCOPE, DriftInfo
from pywats_production._json import EMPTY_MAP, FrozenJsonMap, JsonValue
from pywats_production.errors import ContractDriftError, WatsResponseError
from pywats_production.phase import UnitPhase

__all__ = [
    "BoxBuildRequirement",
    "ChildUnitCheck",
    "ChildUnitCheckItem",
    "Drift",
    "DriftHandler",
    "JsonValue",
    "Process",
    "ProcessVerification",
    "Product",
    "ProductRevision",
    "ProductionBatch",
    "SaveUnitsResult",
    "SerialNumberIdentifier",
    "SerialNumberRecord",
    "SerialNumberType",
    "SerialNumberUploadResult",
    "ServerVersion",
    "TagChangeKind",
    "Unit",
    "UnitChange",
    "UnitTag",
    "UnitVerificationGrade",
    "add_drift_handler",
    "parse_wire_datetime",
    "parsing",
    "read_seq",
    "read_taken",
    "report_drift",
]

_M = TypeVar("_M")
_E = TypeVar("_E", bound=enum.IntEnum)

# --- readers ----------------------------------------------------------------------------
# Small functions rather than per-field try/except: from_json sits on the hot path of
# get_unit and every check below is a type() identity test.


# --- drift ------------------------------------------------------------------------------
# A member whose value has an unexpected JSON type is contract drift: the server sends
# something the SDK was not told about. Lenient (the default): the member is read as None,
# its raw value is kept in the model's ``extra`` and the drift is reported through
# report_drift, the one place a stricter policy can plug into.

logger = logging.getLogger("pywats_production.drift")

_CURRENT_OPERATION: ContextVar[str | None] = ContextVar("pywats_production_operation", default=None)


@attrs.frozen(kw_only=True)
class Drift:
    """One member of an answer whose value the SDK did not expect.

    Attributes:
        operation: The SDK operation whose answer it was (None outside a call).
        member: ``Model.wireName`` (for example ``Unit.serialDate``).
        reason: What was expected and what came.

    """

    operation: str | None
    member: str
    reason: str


DriftHandler = Callable[[Drift], None]
"""Called with every drift; may raise to fail the call (a strict mode)."""

_drift_handlers: list[DriftHandler] = []
_drift_seen: set[tuple[str | None, str]] = set()
_drift_lock = threading.Lock()


def report_drift(
    member: str, reason: str, *, operation: str | None = None, kind: str = "type"
) -> None:
    """Report contract drift in an answer (the one drift hook of the SDK).

    Inside a call of a service, the service's policy decides: ``strict=True`` raises
    :class:`~pywats_production.errors.ContractDriftError`; a lenient service logs each
    kind of drift once per service and tells its hooks' ``on_drift`` (see
    :mod:`pywats_production._drift`). Outside a service call, a warning is logged once
    per (operation, member) per process. Either way every handler added with
    :func:`add_drift_handler` is called; a handler that raises makes the read fail.

    Args:
        member: ``Model.wireName`` of the member.
        reason: What was expected and what came (no whole values: they may be long).
        operation: The operation; the one being parsed when None.
        kind: ``"type"`` (a member of an unexpected type, the default), ``"member"`` (a
            member the contract does not describe) or ``"value"`` (outside an enum).

    Example:
        >>> report_drift("Unit.serialDate", "expected a date-time string, got int 5")

    """
    drift = Drift(
        operation=operation if operation is not None else _CURRENT_OPERATION.get(),
        member=member,
        reason=reason,
    )
    scope = DRIFT_SCOPE.get()
    if scope is not None:
        # A service call: its policy (strict raises; lenient reports once per service).
        monitor, scope_operation = scope
        model, _, key = member.rpartition(".") if "." in member else (member, "", "$")
        monitor.report(
            DriftInfo(
                kind=kind,
                model=model,
                member=key,
                detail=reason,
                operation=drift.operation or scope_operation,
            )
        )
        with _drift_lock:
            handlers = tuple(_drift_handlers)
        for handler in handlers:
            handler(drift)
        return
    seen = (drift.operation, drift.member)
    with _drift_lock:
        first = seen not in _drift_seen
        if first:
            _drift_seen.add(seen)
        handlers = tuple(_drift_handlers)
    if first and kind != "member":
        logger.warning(
            "contract drift in %s: %s: %s (kept raw in extra; logged once)",
            drift.operation or "an answer",
            drift.member,
            drift.reason,
        )
    for handler in handlers:
        handler(drift)


def add_drift_handler(handler: DriftHandler) -> Callable[[], None]:
    """Call ``handler`` with every drift from now on.

    Args:
        handler: Receives each :class:`Drift`; may raise to fail the read.

    Returns:
        A function that removes the handler again.

    Example:
        >>> seen: list[Drift] = []
        >>> remove = add_drift_handler(seen.append)
        >>> remove()

    """
    with _drift_lock:
        _drift_handlers.append(handler)

    def remove() -> None:
        with _drift_lock:
            if handler in _drift_handlers:
                _drift_handlers.remove(handler)

    return remove


@contextmanager
def parsing(operation: str) -> Iterator[None]:
    """Name the operation whose answer is read, for the drifts reported meanwhile.

    Args:
        operation: The operation's name.

    Example:
        >>> with parsing("getUnit"):
        ...     Unit.from_json({"serialNumber": "SN1", "partNumber": "P1"}).serial_number
        'SN1'

    """
    token = _CURRENT_OPERATION.set(operation)
    try:
        yield
    finally:
        _CURRENT_OPERATION.reset(token)


class _Owner:
    """The model being read: its name and the members that drifted (kept raw in extra)."""

    __slots__ = ("drifted", "name")

    def __init__(self, name: str) -> None:
        self.name = name
        self.drifted: set[str] | None = None

    def drift(self, key: str, expected: str, value: object) -> None:
        if self.drifted is None:
            self.drifted = set()
        self.drifted.add(key)
        report_drift(
            f"{self.name}.{key}", f"expected {expected}, got {type(value).__name__} {_short(value)}"
        )


# --- readers ----------------------------------------------------------------------------
# Small functions rather than per-field try/except: from_json sits on the hot path of
# get_unit and every check below is a type() identity test.


def _short(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _object(data: object, owner: str) -> Mapping[str, object]:
    if type(data) is dict or isinstance(data, Mapping):
        return cast(Mapping[str, object], data)
    raise WatsResponseError(
        f"{owner}: expected a JSON object, got {type(data).__name__} {_short(data)}"
    )


def _text(data: Mapping[str, object], key: str, o: _Owner) -> str | None:
    value = data.get(key)
    if value is None or type(value) is str:
        return value
    o.drift(key, "a string", value)
    return None


def _int(data: Mapping[str, object], key: str, o: _Owner) -> int | None:
    value = data.get(key)
    if value is None or type(value) is int:
        return value
    o.drift(key, "an integer", value)
    return None


def _bool(data: Mapping[str, object], key: str, o: _Owner) -> bool | None:
    value = data.get(key)
    if value is None or type(value) is bool:
        return value
    o.drift(key, "true or false", value)
    return None


def _datetime(data: Mapping[str, object], key: str, o: _Owner) -> dt.datetime | None:
    value = data.get(key)
    if value is None:
        return None
    if type(value) is str:
        try:
            return parse_wire_datetime(value)
        except ValueError:
            pass
    o.drift(key, "a date-time string", value)
    return None


def _phase(data: Mapping[str, object], key: str, o: _Owner) -> UnitPhase | None:
    value = data.get(key)
    if value is None:
        return None
    if type(value) is int and value >= 0:
        return UnitPhase(value)
    o.drift(key, "a phase (integer >= 0)", value)
    return None


def _items(
    data: Mapping[str, object], key: str, o: _Owner, build: Callable[[Mapping[str, object]], _M]
) -> tuple[_M, ...]:
    value = data.get(key)
    if value is None:
        return ()
    if type(value) is not list:
        o.drift(key, "an array", value)
        return ()
    out = []
    for index, item in enumerate(value):
        if type(item) is not dict:
            # The readable items are kept; the whole array stays raw in extra.
            o.drift(key, f"an object at [{index}]", item)
            continue
        out.append(build(item))
    return tuple(out)


def _nested(
    data: Mapping[str, object], key: str, o: _Owner, build: Callable[[Mapping[str, object]], _M]
) -> _M | None:
    value = data.get(key)
    if value is None:
        return None
    if type(value) is not dict:
        o.drift(key, "an object", value)
        return None
    return build(value)


def _extra(data: Mapping[str, object], known: frozenset[str], o: _Owner) -> FrozenJsonMap:
    # issuperset walks the keys in C without building a set: the common case (nothing
    # unknown, nothing drifted) costs a third of a set difference, on every object of
    # every answer.
    drifted = o.drifted
    if not drifted and known.issuperset(data):
        return EMPTY_MAP
    unknown = data.keys() - known
    if unknown and DRIFT_SCOPE.get() is not None:
        # Members the contract does not describe: a service call's policy decides
        # (strict raises, lenient reports once per service); plain reads stay silent.
        for key in sorted(unknown):
            report_drift(f"{o.name}.{key}", f"a {_json_type(data[key])}", kind="member")
    if drifted:
        unknown |= drifted
    if not unknown:
        return EMPTY_MAP
    return FrozenJsonMap({k: cast(JsonValue, v) for k, v in data.items() if k in unknown})


def _json_type(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    return "array" if isinstance(value, list) else "object"


def _known(table: Mapping[int, _E], value: int, owner: str, key: str) -> _E | int:
    member = table.get(value)
    if member is None:
        # A value outside an enum of the contract: kept as the plain int, reported.
        report_drift(f"{owner}.{key}", f"value {value} is not in the enum", kind="value")
        return value
    return member


_DOTNET_DATE = re.compile(r"/Date\((-?\d+)([+-]\d{4})?\)/")


def parse_wire_datetime(text: str) -> dt.datetime | None:
    """Parse a date-time as a WATS server sends it.

    Accepts ISO 8601 as :meth:`datetime.datetime.fromisoformat` reads it (``Z``, offsets,
    up to 7+ fractional digits, which are cut to microseconds) and the old .NET form
    ``/Date(1700000000000)/`` (UTC). The empty string gives None.

    Args:
        text: The wire text.

    Returns:
        A datetime, naive or aware as the text was; None for "".

    Raises:
        ValueError: The text is not a date-time.

    Example:
        >>> parse_wire_datetime("2024-01-02T03:04:05.1234567Z")
        datetime.datetime(2024, 1, 2, 3, 4, 5, 123456, tzinfo=datetime.timezone.utc)

    """
    try:
        return dt.datetime.fromisoformat(text)
    except ValueError:
        if not text.strip():
            return None
        match = _DOTNET_DATE.fullmatch(text.strip())
        if match is None:
            raise
        return dt.datetime.fromtimestamp(int(match.group(1)) / 1000, dt.UTC)


def _wire_datetime(value: dt.datetime) -> str:
    # The contract's date-time needs an offset. A naive value (typed by a caller, or read
    # from a server that sent none) is taken as UTC, the same rule as query parameters.
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.isoformat()


# --- enums ------------------------------------------------------------------------------


class TagChangeKind(enum.IntEnum):
    """Kind of change of a tag (wire: 0..6).

    Only the numbers are published; the names of 0 to 3 are the project's reading and 4 to
    6 are unnamed. Numbers outside 0..6 are kept as plain ints by :class:`UnitTag`.
    """

    NONE = 0
    ADDED = 1
    UPDATED = 2
    DELETED = 3
    CHANGE_4 = 4
    CHANGE_5 = 5
    CHANGE_6 = 6


class SerialNumberIdentifier(enum.IntEnum):
    """What kind of number a serial-number type hands out (wire: 0..2)."""

    SERIAL_NUMBER = 0
    MAC_ADDRESS = 1
    IMEI = 2


_TAG_KINDS: Final = {int(m): m for m in TagChangeKind}
_IDENTIFIERS: Final = {int(m): m for m in SerialNumberIdentifier}


# --- tags, products ---------------------------------------------------------------------


@attrs.define(kw_only=True)
class UnitTag:
    """A key/value setting of a unit, product or revision (read-only on the server's models).

    Attributes:
        key: Tag name.
        value: Tag value.
        change: Kind of change, a :class:`TagChangeKind`, or the plain int when the number is
            not one the SDK knows.
        extra: Members the SDK does not know, as received.

    """

    key: str | None = None
    value: str | None = None
    change: TagChangeKind | int | None = None
    extra: Mapping[str, JsonValue] = EMPTY_MAP

    _KEYS: ClassVar[frozenset[str]] = frozenset({"key", "value", "change"})

    @classmethod
    def from_json(cls, data: Mapping[str, object]) -> Self:
        """Read a tag from the server's JSON.

        Args:
            data: The JSON object.

        Returns:
            The tag.

        Raises:
            WatsResponseError: A member has the wrong JSON type.

        Example:
            >>> UnitTag.from_json({"key": "Color", "value": "red", "change": 1}).change
            <TagChangeKind.ADDED: 1>

        """
        data = _object(data, "Tag")
        o = _Owner("Tag")
        change = _int(data, "change", o)
        return cls(
            key=_text(data, "key", o),
            value=_text(data, "value", o),
            change=_known(_TAG_KINDS, change, "Tag", "change") if change is not None else None,
            extra=_extra(data, cls._KEYS, o),
        )


@attrs.define(kw_only=True)
class Product:
    """A product (part number) with its revisions.

    Attributes:
        product_id: Server id (a UUID, as text).
        non_serial: True for products whose units have no serial numbers.
        part_number: The part number.
        name: Product name.
        description: Description.
        state: 1 active, 0 inactive (as the server sends it).
        xml_data: Free XML the server stores with the product.
        product_category_id: Category id (a UUID, as text).
        product_category_name: Category name.
        revisions: The revisions, when the server includes them.
        tags: Tags (read-only).
        extra: Members the SDK does not know, as received.

    """

    product_id: str | None = None
    non_serial: bool | None = None
    part_number: str | None = None
    name: str | None = None
    description: str | None = None
    state: int | None = None
    xml_data: str | None = None
    product_category_id: str | None = None
    product_category_name: str | None = None
    revisions: tuple[ProductRevision, ...] = ()
    tags: tuple[UnitTag, ...] = ()
    extra: Mapping[str, JsonValue] = EMPTY_MAP

    _KEYS: ClassVar[frozenset[str]] = frozenset(
        {
            "productId",
            "nonSerial",
            "partNumber",
            "name",
            "description",
            "state",
            "xmlData",
            "productCategoryId",
            "productCategoryName",
            "revisions",
            "tags",
        }
    )

    @classmethod
    def from_json(cls, data: Mapping[str, object]) -> Self:
        """Read a product from the server's JSON.

        Args:
            data: The JSON object.

        Returns:
            The product.

        Raises:
            WatsResponseError: A member has the wrong JSON type.

        Example:
            >>> Product.from_json({"partNumber": "PCBA-100", "state": 1}).part_number
            'PCBA-100'

        """
        data = _object(data, "Product")
        o = _Owner("Product")
        return cls(
            product_id=_text(data, "productId", o),
            non_serial=_bool(data, "nonSerial", o),
            part_number=_text(data, "partNumber", o),
            name=_text(data, "name", o),
            description=_text(data, "description", o),
            state=_int(data, "state", o),
            xml_data=_text(data, "xmlData", o),
            product_category_id=_text(data, "productCategoryId", o),
            product_category_name=_text(data, "productCategoryName", o),
            revisions=_items(data, "revisions", o, ProductRevision.from_json),
            tags=_items(data, "tags", o, UnitTag.from_json),
            extra=_extra(data, cls._KEYS, o),
        )


@attrs.define(kw_only=True)
class ProductRevision:
    """A revision of a product (its box build lives on the server with it).

    Attributes:
        product_revision_id: Server id (a UUID, as text).
        product_id: Id of the product (a UUID, as text).
        revision: The revision name.
        name: Display name.
        description: Description.
        state: 1 active, 0 inactive.
        xml_data: Free XML stored with the revision.
        part_number: The part number (the server spells this member ``PartNumber``).
        tags: Tags (read-only).
        product: The product, when the server includes it.
        extra: Members the SDK does not know, as received.

    """

    product_revision_id: str | None = None
    product_id: str | None = None
    revision: str | None = None
    name: str | None = None
    description: str | None = None
    state: int | None = None
    xml_data: str | None = None
    part_number: str | None = None
    tags: tuple[UnitTag, ...] = ()
    product: Product | None = None
    extra: Mapping[str, JsonValue] = EMPTY_MAP

    _KEYS: ClassVar[frozenset[str]] = frozenset(
        {
            "productRevisionId",
            "productId",
            "revision",
            "name",
            "description",
            "state",
            "xmlData",
            "PartNumber",
            "partNumber",
            "tags",
            "product",
        }
    )

    @classmethod
    def from_json(cls, data: Mapping[str, object]) -> Self:
        """Read a product revision from the server's JSON.

        ``PartNumber`` (as the server spells it) is read, and ``partNumber`` when that is
        absent.

        Args:
            data: The JSON object.

        Returns:
            The revision.

        Raises:
            WatsResponseError: A member has the wrong JSON type.

        Example:
            >>> ProductRevision.from_json({"revision": "A", "PartNumber": "P1"}).part_number
            'P1'

        """
        data = _object(data, "ProductRevision")
        o = _Owner("ProductRevision")
        part_number = _text(data, "PartNumber", o)
        if part_number is None:
            part_number = _text(data, "partNumber", o)
        return cls(
            product_revision_id=_text(data, "productRevisionId", o),
            product_id=_text(data, "productId", o),
            revision=_text(data, "revision", o),
            name=_text(data, "name", o),
            description=_text(data, "description", o),
            state=_int(data, "state", o),
            xml_data=_text(data, "xmlData", o),
            part_number=part_number,
            tags=_items(data, "tags", o, UnitTag.from_json),
            product=_nested(data, "product", o, Product.from_json),
            extra=_extra(data, cls._KEYS, o),
        )


# --- units ------------------------------------------------------------------------------


@attrs.define(kw_only=True)
class Unit:
    """A physical unit, identified by serial number and part number.

    Attributes:
        serial_number: Serial number ("" if the server sent none).
        part_number: Part number ("" if the server sent none).
        revision: Product revision of the unit.
        parent_serial_number: Serial number of the parent unit (read-only here: change it
            with ``add_child_unit`` / ``remove_child_unit``; ``to_wire`` never sends it).
        batch_number: Production batch.
        serial_date: Date of the serial number.
        current_location: Where the unit is.
        xml_data: Free XML stored with the unit.
        phase: Current phase (wire ``unitPhaseId``).
        phase_name: The server's name of the phase (wire ``unitPhase``, read-only).
        process_code: Current process code, kept as it came (text or integer; which one
            the server uses is not published).
        tags: Tags (read-only).
        product_revision: The unit's revision, when the server includes it (read-only).
        product: The unit's product, when the server includes it (read-only).
        sub_units: Child units, when the server includes them (read-only).
        extra: Members the SDK does not know, as received (never sent back).

    Example:
        >>> u = Unit(serial_number="SN1", part_number="PCBA-100", revision="A")
        >>> u.phase = UnitPhase.UNDER_PRODUCTION
        >>> u.to_wire()
        {'serialNumber': 'SN1', 'partNumber': 'PCBA-100', 'revision': 'A', 'unitPhaseId': 2}

    """

    serial_number: str
    part_number: str
    revision: str | None = None
    parent_serial_number: str | None = None
    batch_number: str | None = None
    serial_date: dt.datetime | None = None
    current_location: str | None = None
    xml_data: str | None = None
    phase: UnitPhase | None = None
    phase_name: str | None = None
    process_code: str | int | None = None
    tags: tuple[UnitTag, ...] = ()
    product_revision: ProductRevision | None = None
    product: Product | None = None
    sub_units: tuple[Unit, ...] = ()
    extra: Mapping[str, JsonValue] = EMPTY_MAP

    _KEYS: ClassVar[frozenset[str]] = frozenset(
        {
            "serialNumber",
            "partNumber",
            "revision",
            "parentSerialNumber",
            "batchNumber",
            "serialDate",
            "currentLocation",
            "xmlData",
            "unitPhaseId",
            "unitPhase",
            "processCode",
            "tags",
            "productRevision",
            "product",
            "subUnits",
        }
    )

    @classmethod
    def from_json(cls, data: Mapping[str, object]) -> Self:
        """Read a unit (with its product, revision, tags and sub-units) from the server's JSON.

        Args:
            data: The JSON object.

        Returns:
            The unit.

        Raises:
            WatsResponseError: A member has the wrong JSON type.

        Example:
            >>> u = Unit.from_json({"serialNumber": "SN1", "partNumber": "P1", "unitPhaseId": 16})
            >>> u.phase
            <UnitPhase.FINALIZED: 16>

        """
        data = _object(data, "Unit")
        o = _Owner("Unit")
        process_code = data.get("processCode")
        if (
            process_code is not None
            and type(process_code) is not str
            and type(process_code) is not int
        ):
            o.drift("processCode", "a string or an integer", process_code)
            process_code = None
        return cls(
            serial_number=_text(data, "serialNumber", o) or "",
            part_number=_text(data, "partNumber", o) or "",
            revision=_text(data, "revision", o),
            parent_serial_number=_text(data, "parentSerialNumber", o),
            batch_number=_text(data, "batchNumber", o),
            serial_date=_datetime(data, "serialDate", o),
            current_location=_text(data, "currentLocation", o),
            xml_data=_text(data, "xmlData", o),
            phase=_phase(data, "unitPhaseId", o),
            phase_name=_text(data, "unitPhase", o),
            process_code=process_code,
            tags=_items(data, "tags", o, UnitTag.from_json),
            product_revision=_nested(data, "productRevision", o, ProductRevision.from_json),
            product=_nested(data, "product", o, Product.from_json),
            sub_units=_items(data, "subUnits", o, Unit.from_json),
            extra=_extra(data, cls._KEYS, o),
        )

    def to_wire(self) -> dict[str, JsonValue]:
        """Build the JSON object PUT Units expects for this unit.

        Sent: serialNumber, partNumber, revision, batchNumber, serialDate, currentLocation,
        xmlData, unitPhaseId, processCode. Fields that are None are left out: None means
        "not set here", and what the server does with a missing member is not published,
        so a unit read with ``get_unit``, changed and saved sends every field the server
        gave. Never sent: the read-only or server-computed members (unitPhase, tags,
        product, productRevision, subUnits), ``parentSerialNumber`` (the parent changes
        only through add/remove child unit) and ``extra``. A naive ``serial_date`` is
        sent as UTC (the contract's date-time carries an offset).

        Returns:
            A JSON-ready dict.

        Example:
            >>> Unit(serial_number="SN1", part_number="P1").to_wire()
            {'serialNumber': 'SN1', 'partNumber': 'P1'}

        """
        wire: dict[str, JsonValue] = {
            "serialNumber": self.serial_number,
            "partNumber": self.part_number,
        }
        if self.revision is not None:
            wire["revision"] = self.revision
        if self.batch_number is not None:
            wire["batchNumber"] = self.batch_number
        if self.serial_date is not None:
            wire["serialDate"] = _wire_datetime(self.serial_date)
        if self.current_location is not None:
            wire["currentLocation"] = self.current_location
        if self.xml_data is not None:
            wire["xmlData"] = self.xml_data
        if self.phase is not None:
            wire["unitPhaseId"] = int(self.phase)
        if self.process_code is not None:
            wire["processCode"] = self.process_code
        return wire


@attrs.define(kw_only=True)
class UnitChange:
    """One pending record of the unit-changes feed; fields that did not change are None.

    Attributes:
        id: Id of the change (acknowledge it with ``delete_unit_change(id)``).
        unit_serial_number: Serial number of the changed unit.
        new_parent_serial_number: New parent ("" when the parent was removed).
        new_part_number: New part number.
        new_revision: New revision.
        new_phase: New phase (wire ``newUnitPhaseId``).
        extra: Members the SDK does not know, as received.

    """

    id: int
    unit_serial_number: str | None = None
    new_parent_serial_number: str | None = None
    new_part_number: str | None = None
    new_revision: str | None = None
    new_phase: UnitPhase | None = None
    extra: Mapping[str, JsonValue] = EMPTY_MAP

    _KEYS: ClassVar[frozenset[str]] = frozenset(
        {
            "id",
            "unitSerialNumber",
            "newParentSerialNumber",
            "newPartNumber",
            "newRevision",
            "newUnitPhaseId",
        }
    )

    @classmethod
    def from_json(cls, data: Mapping[str, object]) -> Self:
        """Read a change from the server's JSON.

        Args:
            data: The JSON object.

        Returns:
            The change.

        Raises:
            WatsResponseError: A member has the wrong JSON type, or ``id`` is missing (a
                change without an id could never be acknowledged).

        Example:
            >>> UnitChange.from_json({"id": 7, "unitSerialNumber": "SN1"}).id
            7

        """
        data = _object(data, "UnitChange")
        o = _Owner("UnitChange")
        change_id = _int(data, "id", o)
        if change_id is None:
            raise WatsResponseError("UnitChange.id: missing", field="id")
        return cls(
            id=change_id,
            unit_serial_number=_text(data, "unitSerialNumber", o),
            new_parent_serial_number=_text(data, "newParentSerialNumber", o),
            new_part_number=_text(data, "newPartNumber", o),
            new_revision=_text(data, "newRevision", o),
            new_phase=_phase(data, "newUnitPhaseId", o),
            extra=_extra(data, cls._KEYS, o),
        )


@attrs.define(kw_only=True)
class ProductionBatch:
    """A production batch, as PUT Batches adds or updates it.

    Attributes:
        batch_number: The batch number (its key).
        batch_size: Planned number of units.
        extra: Members the SDK does not know, as received (never sent).

    Example:
        >>> ProductionBatch(batch_number="B-1", batch_size=100).to_wire()
        {'batchNumber': 'B-1', 'batchSize': 100}

    """

    batch_number: str
    batch_size: int | None = None
    extra: Mapping[str, JsonValue] = EMPTY_MAP

    _KEYS: ClassVar[frozenset[str]] = frozenset({"batchNumber", "batchSize"})

    @classmethod
    def from_json(cls, data: Mapping[str, object]) -> Self:
        """Read a batch from JSON.

        Args:
            data: The JSON object.

        Returns:
            The batch (``batch_number`` is "" when missing).

        Raises:
            WatsResponseError: A member has the wrong JSON type.

        Example:
            >>> ProductionBatch.from_json({"batchNumber": "B-1"}).batch_size is None
            True

        """
        data = _object(data, "ProductionBatch")
        o = _Owner("ProductionBatch")
        return cls(
            batch_number=_text(data, "batchNumber", o) or "",
            batch_size=_int(data, "batchSize", o),
            extra=_extra(data, cls._KEYS, o),
        )

    def to_wire(self) -> dict[str, JsonValue]:
        """Build the JSON object PUT Batches expects (``batchSize`` left out when None).

        Returns:
            A JSON-ready dict.

        Example:
            >>> ProductionBatch(batch_number="B-1").to_wire()
            {'batchNumber': 'B-1'}

        """
        wire: dict[str, JsonValue] = {"batchNumber": self.batch_number}
        if self.batch_size is not None:
            wire["batchSize"] = self.batch_size
        return wire


# --- serial numbers ---------------------------------------------------------------------


@attrs.define(kw_only=True)
class SerialNumberType:
    """A serial-number type, which owns a pool of numbers.

    Attributes:
        name: The type's name (its key; "" when the server sent none).
        description: Description.
        format: The number format, as the server describes it.
        regex: Regular expression numbers must match (wire ``regEx``).
        identifier: Kind of number, a :class:`SerialNumberIdentifier` or the plain int when
            the server sends a number the SDK does not know.
        identifier_name: The server's name of the identifier (read-only).
        extra: Members the SDK does not know, as received.

    """

    name: str
    description: str | None = None
    format: str | None = None
    regex: str | None = None
    identifier: SerialNumberIdentifier | int | None = None
    identifier_name: str | None = None
    extra: Mapping[str, JsonValue] = EMPTY_MAP

    _KEYS: ClassVar[frozenset[str]] = frozenset(
        {"name", "description", "format", "regEx", "identifier", "identifierName"}
    )

    @classmethod
    def from_json(cls, data: Mapping[str, object]) -> Self:
        """Read a serial-number type from the server's JSON.

        Args:
            data: The JSON object.

        Returns:
            The type.

        Raises:
            WatsResponseError: A member has the wrong JSON type.

        Example:
            >>> SerialNumberType.from_json({"name": "MAC", "identifier": 1}).identifier
            <SerialNumberIdentifier.MAC_ADDRESS: 1>

        """
        data = _object(data, "SerialNumberType")
        o = _Owner("SerialNumberType")
        identifier = _int(data, "identifier", o)
        return cls(
            name=_text(data, "name", o) or "",
            description=_text(data, "description", o),
            format=_text(data, "format", o),
            regex=_text(data, "regEx", o),
            identifier=(
                _known(_IDENTIFIERS, identifier, "SerialNumberType", "identifier")
                if identifier is not None
                else None
            ),
            identifier_name=_text(data, "identifierName", o),
            extra=_extra(data, cls._KEYS, o),
        )


_RECORD_SERIAL_FALLBACKS: Final = ("serialnumber", "sn", "id", "address", "serial")
_TRUE_TEXTS: Final = frozenset({"true", "1", "yes"})
_FALSE_TEXTS: Final = frozenset({"false", "0", "no"})


def read_taken(value: object) -> tuple[bool | None, dt.datetime | None]:
    """Read a ``taken`` value: a boolean, or a date-time meaning "taken, at that time".

    Virinco's serial-number XML protocol types ``taken`` as ``xs:dateTime``
    (LocalSerialNumbers.xsd, olreppe/pyWATS@6ec57fb csharp_code_TDM/Production); the
    project's own files and the mock use true/false. Both are read. Text forms of a
    boolean (``"true"``, ``"False"``, ``"1"``) are read too: ByReference sends string
    values (SerialNumberHandler.cs, same commit).

    Args:
        value: The wire value (bool, text or None).

    Returns:
        ``(taken, taken_at)``; ``(None, None)`` for None or blank text.

    Raises:
        ValueError: Neither a boolean nor a date-time.

    Example:
        >>> read_taken("2024-05-01T10:00:00Z")[0]
        True

    """
    if value is None:
        return None, None
    if type(value) is bool:
        return value, None
    if type(value) is not str:
        raise ValueError(f"taken: expected true/false or a date-time, got {_short(value)}")
    text = value.strip()
    if not text:
        return None, None
    lowered = text.lower()
    if lowered in _TRUE_TEXTS:
        return True, None
    if lowered in _FALSE_TEXTS:
        return False, None
    try:
        at = parse_wire_datetime(text)
    except ValueError:
        raise ValueError(f"taken: not true/false nor a date-time: {_short(text)}") from None
    return (None, None) if at is None else (True, at)


def read_seq(value: object) -> int | None:
    """Read a ``seq`` value (an integer, or its digits as text; blank gives None).

    Args:
        value: The wire value.

    Returns:
        The sequence number, or None.

    Raises:
        ValueError: Not an integer.

    Example:
        >>> read_seq("12")
        12

    """
    if value is None:
        return None
    if type(value) is int:
        return value
    if type(value) is str:
        text = value.strip()
        if not text:
            return None
        if text.lstrip("-").isdigit():
            return int(text)
    raise ValueError(f"seq: expected an integer, got {_short(value)}")


@attrs.define(kw_only=True)
class SerialNumberRecord:
    """One number of a serial-number pool with its state.

    Names follow Virinco's serial-number XML protocol (``id``, ``taken``, ``seq``,
    ``refSN``, ``refPN``, ``refStn``; LocalSerialNumbers.xsd, olreppe/pyWATS@6ec57fb) and
    the Take parameters (``serialNumber``, ``takenUtc``, ``stationName``); anything else
    is kept in ``extra``. ``taken`` may come as a boolean or as a date-time (then it means
    taken, at that time: ``taken`` is True and ``taken_at`` the time).

    Attributes:
        serial_number: The number.
        taken: Whether it has been taken.
        taken_at: When it was taken (wire ``takenUtc``, or ``taken`` as a date-time).
        seq: Sequence number in the pool (wire ``seq``), when the server sends one.
        ref_serial_number: Reference serial number recorded with it (wire ``refSN``).
        ref_part_number: Reference part number recorded with it (wire ``refPN``).
        station_name: Station recorded with it (wire ``refStn`` or ``stationName``).
        extra: Members (or CSV columns / XML attributes) the SDK does not know, and
            members whose value had an unexpected type, as received.

    """

    serial_number: str
    taken: bool | None = None
    taken_at: dt.datetime | None = None
    seq: int | None = None
    ref_serial_number: str | None = None
    ref_part_number: str | None = None
    station_name: str | None = None
    extra: Mapping[str, JsonValue] = EMPTY_MAP

    _KEYS: ClassVar[frozenset[str]] = frozenset(
        {"serialNumber", "taken", "takenUtc", "seq", "refSN", "refPN", "refStn", "stationName"}
    )

    @classmethod
    def from_json(cls, data: Mapping[str, object]) -> Self:
        """Read a record from JSON (ByRange, ByReference).

        When ``serialNumber`` is absent, the first of ``SerialNumber``, ``sn``, ``id``,
        ``address`` (any case) that holds a string is used. ``taken`` is a boolean or a
        date-time (see :func:`read_taken`), ``seq`` an integer or its digits, the station
        ``refStn`` or ``stationName``. A member of another type is kept raw in ``extra``
        and reported (:func:`report_drift`).

        Args:
            data: The JSON object.

        Returns:
            The record.

        Raises:
            WatsResponseError: No serial number is found.

        Example:
            >>> r = SerialNumberRecord.from_json({"serialNumber": "SN1", "taken": True})
            >>> r.taken
            True
            >>> SerialNumberRecord.from_json({"id": "A1", "taken": "2024-05-01T10:00:00Z"}).taken
            True

        """
        data = _object(data, "SerialNumberRecord")
        o = _Owner("SerialNumberRecord")
        known = cls._KEYS
        serial = _text(data, "serialNumber", o)
        if serial is None:
            by_lower = {k.lower(): k for k in data}
            for name in _RECORD_SERIAL_FALLBACKS:
                key = by_lower.get(name)
                if key is not None and type(data[key]) is str:
                    serial = cast(str, data[key])
                    known = known | {key}
                    break
            else:
                raise WatsResponseError(
                    f"{o.name}: no serial number in {_short(dict(data))}", field="serialNumber"
                )
        raw_taken = data.get("taken")
        try:
            taken, taken_at = read_taken(raw_taken)
        except ValueError:
            o.drift("taken", "true/false or a date-time", raw_taken)
            taken, taken_at = None, None
        taken_utc = _datetime(data, "takenUtc", o)
        raw_seq = data.get("seq")
        try:
            seq = read_seq(raw_seq)
        except ValueError:
            o.drift("seq", "an integer", raw_seq)
            seq = None
        station = _text(data, "refStn", o)
        if station is None:
            station = _text(data, "stationName", o)
        return cls(
            serial_number=serial,
            taken=taken,
            taken_at=taken_utc if taken_utc is not None else taken_at,
            seq=seq,
            ref_serial_number=_text(data, "refSN", o),
            ref_part_number=_text(data, "refPN", o),
            station_name=station,
            extra=_extra(data, known, o),
        )

    def to_wire(self) -> dict[str, JsonValue]:
        """Build the JSON object for this record (None fields left out).

        Returns:
            A JSON-ready dict with the wire names.

        Example:
            >>> SerialNumberRecord(serial_number="SN1", taken=False).to_wire()
            {'serialNumber': 'SN1', 'taken': False}

        """
        wire: dict[str, JsonValue] = {"serialNumber": self.serial_number}
        if self.taken is not None:
            wire["taken"] = self.taken
        if self.taken_at is not None:
            wire["takenUtc"] = _wire_datetime(self.taken_at)
        if self.seq is not None:
            wire["seq"] = self.seq
        if self.ref_serial_number is not None:
            wire["refSN"] = self.ref_serial_number
        if self.ref_part_number is not None:
            wire["refPN"] = self.ref_part_number
        if self.station_name is not None:
            wire["stationName"] = self.station_name
        return wire


# --- verification -----------------------------------------------------------------------


@attrs.define(kw_only=True)
class ProcessVerification:
    """The verification result of one process for a unit.

    Attributes:
        process_code: Process code.
        process_name: Process name.
        process_index: Position of the process in the expected order.
        status: Result text (for example Passed, Failed, Unknown).
        start_utc: Start of the last run (None when the status is Unknown).
        station_name: Station of the last run.
        total_count: Runs of this process.
        non_passed_count: Runs that did not pass.
        repair_count: Repairs.
        extra: Members the SDK does not know, as received.

    """

    process_code: int | None = None
    process_name: str | None = None
    process_index: int | None = None
    status: str | None = None
    start_utc: dt.datetime | None = None
    station_name: str | None = None
    total_count: int | None = None
    non_passed_count: int | None = None
    repair_count: int | None = None
    extra: Mapping[str, JsonValue] = EMPTY_MAP

    _KEYS: ClassVar[frozenset[str]] = frozenset(
        {
            "processCode",
            "processName",
            "processIndex",
            "status",
            "startUtc",
            "stationName",
            "totalCount",
            "nonPassedCount",
            "repairCount",
        }
    )

    @classmethod
    def from_json(cls, data: Mapping[str, object]) -> Self:
        """Read one process result from the server's JSON.

        Args:
            data: The JSON object.

        Returns:
            The result.

        Raises:
            WatsResponseError: A member has the wrong JSON type.

        Example:
            >>> ProcessVerification.from_json({"processName": "ICT", "startUtc": None}).start_utc
            >>> ProcessVerification.from_json({"processName": "ICT"}).process_name
            'ICT'

        """
        data = _object(data, "ProcessVerification")
        o = _Owner("ProcessVerification")
        return cls(
            process_code=_int(data, "processCode", o),
            process_name=_text(data, "processName", o),
            process_index=_int(data, "processIndex", o),
            status=_text(data, "status", o),
            start_utc=_datetime(data, "startUtc", o),
            station_name=_text(data, "stationName", o),
            total_count=_int(data, "totalCount", o),
            non_passed_count=_int(data, "nonPassedCount", o),
            repair_count=_int(data, "repairCount", o),
            extra=_extra(data, cls._KEYS, o),
        )


_PASSING_STATUSES: Final = frozenset({"ok", "warning", "passed"})


@attrs.define(kw_only=True)
class UnitVerificationGrade:
    """How a unit grades against the verification rules of its product.

    Attributes:
        status: Overall status text as sent (the real vocabulary is ``ok``, ``warning``,
            ...; see :attr:`is_passing`).
        grade: Grade text.
        all_processes_executed_in_correct_order: Every process ran in the expected order.
        all_processes_passed_first_run: Every process passed at its first run.
        all_processes_passed_any_run: Every process passed at some run.
        all_processes_passed_last_run: Every process passed at its last run.
        no_repairs: The unit was never repaired.
        results: One result per process.
        extra: Members the SDK does not know, as received.

    """

    status: str | None = None
    grade: str | None = None
    all_processes_executed_in_correct_order: bool | None = None
    all_processes_passed_first_run: bool | None = None
    all_processes_passed_any_run: bool | None = None
    all_processes_passed_last_run: bool | None = None
    no_repairs: bool | None = None
    results: tuple[ProcessVerification, ...] = ()
    extra: Mapping[str, JsonValue] = EMPTY_MAP

    _KEYS: ClassVar[frozenset[str]] = frozenset(
        {
            "status",
            "grade",
            "allProcessesExecutedInCorrectOrder",
            "allProcessesPassedFirstRun",
            "allProcessesPassedAnyRun",
            "allProcessesPassedLastRun",
            "noRepairs",
            "results",
        }
    )

    @classmethod
    def from_json(cls, data: Mapping[str, object]) -> Self:
        """Read a grade from the server's JSON.

        Args:
            data: The JSON object.

        Returns:
            The grade.

        Raises:
            WatsResponseError: A member has the wrong JSON type.

        Example:
            >>> UnitVerificationGrade.from_json({"status": "Warning"}).is_passing
            True

        """
        data = _object(data, "UnitVerificationGrade")
        o = _Owner("UnitVerificationGrade")
        return cls(
            status=_text(data, "status", o),
            grade=_text(data, "grade", o),
            all_processes_executed_in_correct_order=_bool(
                data, "allProcessesExecutedInCorrectOrder", o
            ),
            all_processes_passed_first_run=_bool(data, "allProcessesPassedFirstRun", o),
            all_processes_passed_any_run=_bool(data, "allProcessesPassedAnyRun", o),
            all_processes_passed_last_run=_bool(data, "allProcessesPassedLastRun", o),
            no_repairs=_bool(data, "noRepairs", o),
            results=_items(data, "results", o, ProcessVerification.from_json),
            extra=_extra(data, cls._KEYS, o),
        )

    @property
    def is_passing(self) -> bool:
        """Whether the unit passes: status ``ok`` or ``warning``, in any case.

        That is the rule of Virinco's own client (``Ok => Status == "ok" or "warning"``,
        UnitVerification.cs, olreppe/pyWATS@6ec57fb csharp_code_TDM). ``Passed`` (this
        project's earlier reading) passes too. :attr:`status` keeps the text as sent.
        Without a status, the unit passes when every process passed at its last run.
        """
        if self.status is not None:
            return self.status.strip().lower() in _PASSING_STATUSES
        return self.all_processes_passed_last_run is True


# --- box build --------------------------------------------------------------------------


@attrs.define(kw_only=True)
class ChildUnitCheckItem:
    """The check of one direct child unit against the parent's box build.

    Attributes:
        serial_number: The child's serial number.
        part_number: The child's part number.
        revision: The child's revision.
        phase: The child's phase (wire ``unitPhaseId``).
        is_valid: Whether the child passes the check.
        message: Why not, when it does not.
        extra: Members the SDK does not know, as received.

    """

    serial_number: str | None = None
    part_number: str | None = None
    revision: str | None = None
    phase: UnitPhase | None = None
    is_valid: bool | None = None
    message: str | None = None
    extra: Mapping[str, JsonValue] = EMPTY_MAP

    _KEYS: ClassVar[frozenset[str]] = frozenset(
        {"serialNumber", "partNumber", "revision", "unitPhaseId", "isValid", "message"}
    )

    @classmethod
    def from_json(cls, data: Mapping[str, object]) -> Self:
        """Read one child's check from JSON.

        Args:
            data: The JSON object.

        Returns:
            The item.

        Raises:
            WatsResponseError: A member has the wrong JSON type.

        Example:
            >>> ChildUnitCheckItem.from_json({"serialNumber": "C1", "isValid": True}).is_valid
            True

        """
        data = _object(data, "ChildUnitCheckItem")
        o = _Owner("ChildUnitCheckItem")
        return cls(
            serial_number=_text(data, "serialNumber", o),
            part_number=_text(data, "partNumber", o),
            revision=_text(data, "revision", o),
            phase=_phase(data, "unitPhaseId", o),
            is_valid=_bool(data, "isValid", o),
            message=_text(data, "message", o),
            extra=_extra(data, cls._KEYS, o),
        )


@attrs.define(kw_only=True)
class BoxBuildRequirement:
    """One line of a box build: which child part/revision, how many, how many found.

    Attributes:
        part_number: Child part number.
        revision: Child revision or revision mask.
        quantity: How many the box build asks for.
        found: How many matching children the parent has.
        extra: Members the SDK does not know, as received.

    """

    part_number: str | None = None
    revision: str | None = None
    quantity: int | None = None
    found: int | None = None
    extra: Mapping[str, JsonValue] = EMPTY_MAP

    _KEYS: ClassVar[frozenset[str]] = frozenset({"partNumber", "revision", "quantity", "found"})

    @classmethod
    def from_json(cls, data: Mapping[str, object]) -> Self:
        """Read one box-build line from JSON.

        Args:
            data: The JSON object.

        Returns:
            The requirement.

        Raises:
            WatsResponseError: A member has the wrong JSON type.

        Example:
            >>> BoxBuildRequirement.from_json({"partNumber": "C", "quantity": 2}).quantity
            2

        """
        data = _object(data, "BoxBuildRequirement")
        o = _Owner("BoxBuildRequirement")
        return cls(
            part_number=_text(data, "partNumber", o),
            revision=_text(data, "revision", o),
            quantity=_int(data, "quantity", o),
            found=_int(data, "found", o),
            extra=_extra(data, cls._KEYS, o),
        )


@attrs.define(kw_only=True)
class ChildUnitCheck:
    """Result of CheckChildUnits: whether a parent's direct children match its box build.

    The server's answer shape is not published; this is the project's design. Whatever
    arrives is kept whole in :attr:`raw`, so nothing is lost when a server answers
    differently.

    Attributes:
        is_valid: Overall result (None when the answer does not say).
        parent_serial_number: The parent's serial number.
        parent_part_number: The parent's part number.
        children: One check per direct child.
        requirements: One line per box-build requirement.
        raw: The whole answer as received (any JSON value).
        extra: Members of an object answer the SDK does not know.

    """

    is_valid: bool | None = None
    parent_serial_number: str | None = None
    parent_part_number: str | None = None
    children: tuple[ChildUnitCheckItem, ...] = ()
    requirements: tuple[BoxBuildRequirement, ...] = ()
    raw: JsonValue = None
    extra: Mapping[str, JsonValue] = EMPTY_MAP

    _KEYS: ClassVar[frozenset[str]] = frozenset(
        {"isValid", "parentSerialNumber", "parentPartNumber", "children", "requirements"}
    )

    @classmethod
    def from_json(cls, data: Mapping[str, object]) -> Self:
        """Read an object answer; same as :meth:`from_payload`.

        Args:
            data: The JSON object.

        Returns:
            The result.

        Example:
            >>> ChildUnitCheck.from_json({"isValid": False}).is_valid
            False

        """
        return cls.from_payload(cast(JsonValue, dict(data)))

    @classmethod
    def from_payload(cls, data: JsonValue) -> Self:
        """Read the answer of CheckChildUnits, whatever JSON value it is.

        An object is read with the documented members; if its members have unexpected
        types, only :attr:`raw` and :attr:`extra` are filled (this answer's shape is a
        guess, so a different one must not make the call fail). A bare ``true``/``false``
        sets :attr:`is_valid`; an array is read as the list of children. Anything else is
        only kept in :attr:`raw`.

        Args:
            data: The parsed JSON answer.

        Returns:
            The result; never raises for an unexpected shape.

        Example:
            >>> ChildUnitCheck.from_payload(True).is_valid
            True

        """
        if not isinstance(data, dict) and DRIFT_SCOPE.get() is not None:
            report_drift("ChildUnitCheck", f"a {_json_type(data)}, not an object")
        if isinstance(data, bool):
            return cls(is_valid=data, raw=data)
        if isinstance(data, list):
            children = tuple(
                ChildUnitCheckItem.from_json(item) for item in data if isinstance(item, dict)
            )
            return cls(children=children, raw=data)
        if not isinstance(data, dict):
            return cls(raw=data)
        o = _Owner("ChildUnitCheck")
        try:
            return cls(
                is_valid=_bool(data, "isValid", o),
                parent_serial_number=_text(data, "parentSerialNumber", o),
                parent_part_number=_text(data, "parentPartNumber", o),
                children=_items(data, "children", o, ChildUnitCheckItem.from_json),
                requirements=_items(data, "requirements", o, BoxBuildRequirement.from_json),
                raw=data,
                extra=_extra(cast(Mapping[str, object], data), cls._KEYS, o),
            )
        except ContractDriftError:
            raise
        except WatsResponseError:
            return cls(raw=data, extra=FrozenJsonMap(data))


# --- results ----------------------------------------------------------------------------


@attrs.define(kw_only=True)
class SaveUnitsResult:
    """Outcome of saving units (PUT Units), over one or several requests.

    A real server answers ``{"okCount": 1, "errorCount": 0, "errors": []}`` (recorded from
    a live server in olreppe/pyWATS@d7be43d PRODUCTION_TEST_STATUS.md). Nothing shows
    insert or update counts; they are read when a server sends them (the project's
    reading) and are None otherwise.

    Attributes:
        ok_count: Units the server accepted (``okCount``), None when it does not say.
        error_count: Units the server refused (from ``errorCount``; when that is missing,
            the number of ``errors``, so 0 when the server says nothing).
        insert_count: Units added, when the server says.
        update_count: Units updated, when the server says.
        errors: Error texts, when the server sends them (objects become compact JSON).
        units_sent: Units the SDK sent.
        requests: Requests the SDK made.
        extra: Members the SDK does not know (for a merged result of several requests,
            ``{"chunks": [...]}`` with each request's members).

    """

    ok_count: int | None = None
    error_count: int = 0
    insert_count: int | None = None
    update_count: int | None = None
    errors: tuple[str, ...] = ()
    units_sent: int = 0
    requests: int = 1
    extra: Mapping[str, JsonValue] = EMPTY_MAP

    _KEYS: ClassVar[frozenset[str]] = frozenset(
        {"okCount", "errorCount", "insertCount", "updateCount", "errors"}
    )

    @classmethod
    def from_json(cls, data: Mapping[str, object], *, units_sent: int = 0) -> Self:
        """Read the answer of one PUT Units request.

        Args:
            data: The JSON object (``{}`` for an empty answer).
            units_sent: How many units that request carried.

        Returns:
            The result (``requests`` is 1).

        A member of an unexpected type is kept raw in ``extra`` and reported
        (:func:`report_drift`); it never fails the save that was already done.

        Example:
            >>> r = SaveUnitsResult.from_json({"okCount": 3, "errorCount": 0, "errors": []})
            >>> r.ok, r.ok_count
            (True, 3)

        """
        data = _object(data, "SaveUnitsResult")
        o = _Owner("SaveUnitsResult")
        raw_errors = data.get("errors")
        errors: tuple[str, ...] = ()
        if raw_errors is not None:
            if type(raw_errors) is not list:
                o.drift("errors", "an array", raw_errors)
            else:
                errors = tuple(
                    e if type(e) is str else json.dumps(e, separators=(",", ":"))
                    for e in raw_errors
                )
        error_count = _int(data, "errorCount", o)
        return cls(
            ok_count=_int(data, "okCount", o),
            error_count=len(errors) if error_count is None else error_count,
            insert_count=_int(data, "insertCount", o),
            update_count=_int(data, "updateCount", o),
            errors=errors,
            units_sent=units_sent,
            requests=1,
            extra=_extra(data, cls._KEYS, o),
        )

    @property
    def ok(self) -> bool:
        """True when the server reported no error."""
        return self.error_count == 0

    @classmethod
    def merge(cls, results: Sequence[SaveUnitsResult]) -> SaveUnitsResult:
        """Combine the results of the requests of a chunked save.

        Counts are summed; ``ok_count``, ``insert_count`` and ``update_count`` are None
        unless every request reported them; errors are concatenated in order.

        Args:
            results: One result per request.

        Returns:
            One result (a copy of the single result when there is one; zeros for none).

        Example:
            >>> a = SaveUnitsResult(error_count=1, units_sent=2)
            >>> SaveUnitsResult.merge([a, SaveUnitsResult(units_sent=3)]).units_sent
            5

        """
        if len(results) == 1:
            return attrs.evolve(results[0])
        if not results:
            return cls(requests=0)
        oks = [r.ok_count for r in results]
        inserts = [r.insert_count for r in results]
        updates = [r.update_count for r in results]
        extras = [dict(r.extra) for r in results]
        return cls(
            ok_count=None if None in oks else sum(k for k in oks if k is not None),
            error_count=sum(r.error_count for r in results),
            insert_count=None if None in inserts else sum(i for i in inserts if i is not None),
            update_count=None if None in updates else sum(u for u in updates if u is not None),
            errors=tuple(e for r in results for e in r.errors),
            units_sent=sum(r.units_sent for r in results),
            requests=sum(r.requests for r in results),
            extra=FrozenJsonMap({"chunks": cast(JsonValue, extras)}) if any(extras) else EMPTY_MAP,
        )


@attrs.define(kw_only=True)
class SerialNumberUploadResult:
    """Outcome of an upload of serial numbers (PUT SerialNumbers).

    Virinco's client reads the answer of its upload as the list of the numbers that
    already existed (UploadSerialNumbers, SerialNumberHandler.cs, olreppe/pyWATS@6ec57fb);
    the public operation's answer is not published, so every common shape is read: a JSON
    array of numbers (or of objects naming one), an XML ``<SerialNumbers>`` list, or one
    number a line. An empty answer means none existed.

    Attributes:
        existing: Numbers the server reported as already in the pool, in its order.
        raw: The answer as received (parsed JSON, or the text; None when empty).

    """

    existing: tuple[str, ...] = ()
    raw: JsonValue = None

    @classmethod
    def from_answer(cls, content: bytes) -> Self:
        """Read the answer of an upload.

        Args:
            content: The answer's bytes.

        Returns:
            The result; an answer of an unexpected shape keeps only :attr:`raw` and is
            reported (:func:`report_drift`), it never fails the upload that was done.

        Example:
            >>> SerialNumberUploadResult.from_answer(b'["SN1", "SN2"]').existing
            ('SN1', 'SN2')
            >>> SerialNumberUploadResult.from_answer(b"").existing
            ()

        """
        if not content.strip():
            return cls()
        try:
            data: JsonValue = json.loads(content)
        except ValueError:
            text = content.decode("utf-8", "replace")
            from pywats_production._take import parse_take

            try:
                return cls(existing=tuple(parse_take(content)), raw=text)
            except WatsResponseError:
                report_drift("SerialNumberUpload", "an answer that is neither JSON nor a list")
                return cls(raw=text)
        if isinstance(data, str):
            from pywats_production._take import parse_take

            try:
                return cls(existing=tuple(parse_take(data)), raw=data)
            except WatsResponseError:
                return cls(raw=data)
        if data is None:
            return cls()
        if isinstance(data, list):
            numbers = []
            for item in data:
                if isinstance(item, str):
                    numbers.append(item)
                elif isinstance(item, dict):
                    found = next(
                        (
                            v
                            for k, v in item.items()
                            if k.lower() in _RECORD_SERIAL_FALLBACKS and isinstance(v, str)
                        ),
                        None,
                    )
                    if found is None:
                        report_drift("SerialNumberUpload[]", "an object without a number")
                    else:
                        numbers.append(found)
                else:
                    report_drift("SerialNumberUpload[]", f"a number, got {_short(item)}")
            return cls(existing=tuple(numbers), raw=data)
        report_drift("SerialNumberUpload", f"a list of numbers, got {type(data).__name__}")
        return cls(raw=data)


_VERSION_DIGITS = re.compile(r"\d+(?:\.\d+)*")


@attrs.define(kw_only=True)
class ServerVersion:
    """The server's version text and the numbers read from it.

    Attributes:
        text: The version as the server sent it.
        parts: The first dotted run of digits as integers (``"24.2.1.55"`` -> (24, 2, 1,
            55), ``"WATS 2024.2"`` -> (2024, 2)); empty when there are none.

    """

    text: str
    parts: tuple[int, ...] = ()

    @classmethod
    def parse(cls, text: str) -> Self:
        """Read a version text.

        Args:
            text: The version text (surrounding quotes and whitespace are removed).

        Returns:
            The version.

        Example:
            >>> ServerVersion.parse("WATS 2024.2").parts
            (2024, 2)

        """
        text = text.strip().strip('"').strip()
        match = _VERSION_DIGITS.search(text)
        parts = tuple(int(p) for p in match.group().split(".")) if match else ()
        return cls(text=text, parts=parts)

    @classmethod
    def from_payload(cls, data: JsonValue) -> Self:
        """Read the answer of GET /api/App/Version: a JSON string, or an object with a version.

        Args:
            data: The parsed JSON answer.

        Returns:
            The version.

        Raises:
            WatsResponseError: No version text in the answer.

        Example:
            >>> str(ServerVersion.from_payload({"version": "24.2"}))
            '24.2'

        """
        if isinstance(data, str):
            return cls.parse(data)
        if isinstance(data, int | float) and not isinstance(data, bool):
            return cls.parse(str(data))
        if isinstance(data, dict):
            for key, value in data.items():
                if key.lower() in ("version", "apiversion", "serverversion") and isinstance(
                    value, str
                ):
                    return cls.parse(value)
        raise WatsResponseError(f"server version: no version text in {_short(data)}")

    def at_least(self, *parts: int) -> bool:
        """Tell whether this version is at least ``parts`` (compared number by number).

        Args:
            *parts: The minimum version, for example ``at_least(24, 2)``.

        Returns:
            The comparison (False when the version has no numbers).

        Example:
            >>> ServerVersion.parse("24.2.1").at_least(24, 2)
            True

        """
        return bool(self.parts) and self.parts >= parts

    def __str__(self) -> str:
        return self.text


@attrs.define(kw_only=True)
class Process:
    """A process (test, repair or WIP operation).

    Attributes:
        code: Process code.
        name: Process name ("" when the server sent none).
        description: Description.
        is_test_operation: A test operation.
        is_repair_operation: A repair operation.
        is_wip_operation: A work-in-progress operation.
        process_index: Order of the process.
        state: State as the server sends it (active/inactive).
        extra: Members the SDK does not know, as received.

    """

    code: int
    name: str
    description: str | None = None
    is_test_operation: bool | None = None
    is_repair_operation: bool | None = None
    is_wip_operation: bool | None = None
    process_index: int | None = None
    state: int | None = None
    extra: Mapping[str, JsonValue] = EMPTY_MAP

    _KEYS: ClassVar[frozenset[str]] = frozenset(
        {
            "code",
            "name",
            "description",
            "isTestOperation",
            "isRepairOperation",
            "isWipOperation",
            "processIndex",
            "state",
        }
    )

    @classmethod
    def from_json(cls, data: Mapping[str, object]) -> Self:
        """Read a process from the server's JSON.

        Args:
            data: The JSON object.

        Returns:
            The process.

        Raises:
            WatsResponseError: A member has the wrong JSON type, or ``code`` is missing.

        Example:
            >>> Process.from_json({"code": 10, "name": "ICT"}).name
            'ICT'

        """
        data = _object(data, "Process")
        o = _Owner("Process")
        code = _int(data, "code", o)
        if code is None:
            raise WatsResponseError("Process.code: missing", field="code")
        return cls(
            code=code,
            name=_text(data, "name", o) or "",
            description=_text(data, "description", o),
            is_test_operation=_bool(data, "isTestOperation", o),
            is_repair_operation=_bool(data, "isRepairOperation", o),
            is_wip_operation=_bool(data, "isWipOperation", o),
            process_index=_int(data, "processIndex", o),
            state=_int(data, "state", o),
            extra=_extra(data, cls._KEYS, o),
        )

"""Typed models of the internal Production API (``service.internal``).

The internal routes speak PascalCase JSON (``SerialNumber``, ``UnitPhaseId``); these
models have snake_case attributes and read the wire names. Where no recorded answer
shows a shape, the model is this project's reading (``x-wats-evidence: none`` in
``spec/production-internal-api.yaml``): every member the SDK does not know is kept in
``extra``, and a member of an unexpected type is kept there raw and reported as drift
(as for the public models), so nothing the server sends is lost.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import ClassVar, Self

import attrs

from ._json import EMPTY_MAP, JsonValue
from .errors import WatsResponseError
from .models import _bool, _datetime, _extra, _int, _items, _object, _Owner, _phase, _text
from .phase import UnitPhase

__all__ = [
    "ChildUnitCheckResult",
    "ChildUnitCheckRow",
    "InternalSerialNumber",
    "InternalUnit",
    "SerialNumberRange",
    "SerialNumberStatistics",
    "Site",
    "UnitContent",
    "UnitPhaseDefinition",
    "UnitState",
    "UnitStateHistory",
]


def _missing(owner: str, key: str, expected: str) -> WatsResponseError:
    return WatsResponseError(f"{owner}: {key} must be {expected}")


@attrs.define(kw_only=True)
class UnitPhaseDefinition:
    """One phase the server knows (``GET /api/internal/Mes/GetUnitPhases``).

    Attributes:
        phase: The phase (wire ``UnitPhaseId``); unknown bits survive.
        code: The server's code of the phase.
        name: Its name.
        description: Its description.
        extra: Members the SDK does not know, as received.

    """

    phase: UnitPhase
    code: str | None = None
    name: str | None = None
    description: str | None = None
    extra: Mapping[str, JsonValue] = EMPTY_MAP

    _KEYS: ClassVar[frozenset[str]] = frozenset({"UnitPhaseId", "Code", "Name", "Description"})

    @classmethod
    def from_json(cls, data: Mapping[str, object]) -> Self:
        """Read a phase definition.

        Args:
            data: The JSON object.

        Returns:
            The definition.

        Raises:
            WatsResponseError: ``UnitPhaseId`` is missing or not a phase (other members of
                the wrong type are kept raw in ``extra`` and reported as drift).

        Example:
            >>> UnitPhaseDefinition.from_json({"UnitPhaseId": 16, "Name": "Finalized"}).phase
            <UnitPhase.FINALIZED: 16>

        """
        data = _object(data, "UnitPhaseDefinition")
        o = _Owner("UnitPhaseDefinition")
        phase = _phase(data, "UnitPhaseId", o)
        if phase is None:
            raise _missing("UnitPhaseDefinition", "UnitPhaseId", "a phase (integer >= 0)")
        return cls(
            phase=phase,
            code=_text(data, "Code", o),
            name=_text(data, "Name", o),
            description=_text(data, "Description", o),
            extra=_extra(data, cls._KEYS, o),
        )


@attrs.frozen
class UnitState:
    """One state of a unit's history: its process and phase from a moment on.

    Attributes:
        process: The process name (None when the unit had none).
        phase: The phase.
        at: When the unit entered this state (UTC), or None when the server gave no time.

    """

    process: str | None
    phase: UnitPhase
    at: dt.datetime | None


@attrs.define(kw_only=True)
class UnitStateHistory:
    """Every state a unit has been in, oldest first (``GetUnitStateHistory``).

    The wire carries three parallel lists (``processes``, ``phases``, ``dateTimes``);
    :attr:`states` zips them. Lists of different lengths are refused: a history whose
    rows cannot be told apart would mislead.

    Attributes:
        states: The states, oldest first.
        extra: Members the SDK does not know, as received.

    """

    states: tuple[UnitState, ...] = ()
    extra: Mapping[str, JsonValue] = EMPTY_MAP

    _KEYS: ClassVar[frozenset[str]] = frozenset({"processes", "phases", "dateTimes"})

    @property
    def current(self) -> UnitState | None:
        """The last (current) state, or None for an empty history."""
        return self.states[-1] if self.states else None

    @classmethod
    def from_json(cls, data: Mapping[str, object]) -> Self:
        """Read a history.

        Args:
            data: The JSON object with ``processes``, ``phases`` and ``dateTimes``.

        Returns:
            The history.

        Raises:
            WatsResponseError: The lists are not lists, differ in length, or hold a value
                of the wrong type (a history that cannot be read whole is refused).

        Example:
            >>> h = UnitStateHistory.from_json(
            ...     {"processes": ["ICT"], "phases": [2], "dateTimes": ["2026-01-01T00:00:00Z"]}
            ... )
            >>> h.current.phase
            <UnitPhase.UNDER_PRODUCTION: 2>

        """
        data = _object(data, "UnitStateHistory")
        o = _Owner("UnitStateHistory")
        lists: dict[str, list[object]] = {}
        for key in ("processes", "phases", "dateTimes"):
            value = data.get(key)
            if value is None:
                value = []
            if type(value) is not list:
                raise _missing("UnitStateHistory", key, "an array")
            lists[key] = value
        lengths = {len(v) for v in lists.values()}
        if len(lengths) > 1:
            raise WatsResponseError(
                f"UnitStateHistory: processes, phases and dateTimes differ in length "
                f"({', '.join(f'{k} {len(v)}' for k, v in lists.items())})"
            )
        states = []
        for index, (process, phase, at) in enumerate(
            zip(lists["processes"], lists["phases"], lists["dateTimes"], strict=True)
        ):
            # A row that cannot be read would misstate the history: refused, not drifted.
            row = _Owner(f"UnitStateHistory[{index}]")
            values = {"process": process, "phase": phase, "at": at}
            parsed_phase = _phase(values, "phase", row)
            parsed_process = _text(values, "process", row)
            parsed_at = _datetime(values, "at", row)
            if parsed_phase is None or row.drifted:
                raise _missing(f"UnitStateHistory[{index}]", "each member", "readable")
            states.append(UnitState(parsed_process, parsed_phase, parsed_at))
        return cls(states=tuple(states), extra=_extra(data, cls._KEYS, o))


@attrs.define(kw_only=True)
class InternalUnit:
    """A unit as the internal API describes it (ids, phase, process; a tree of children).

    Attributes:
        serial_number: The serial number (wire ``SerialNumber``).
        part_number: The part number (``PartNumber``).
        revision: The product revision (``Revision``).
        batch_number: The batch (``BatchSN``).
        serial_date: When the unit was made (``SerialDate``).
        current_location: Where it is (``CurrentLocation``).
        phase: Its phase (``UnitPhaseId``).
        process_code: Code of its current process (``ProcessCode``).
        process_name: Name of its current process (``ProcessName``).
        parent_serial_number: Its parent's serial number (``ParentSerialNumber``).
        level: Depth in a hierarchy answer, 0 at the top (``Level``).
        unit_id: The server's id (``UnitId``).
        parent_unit_id: The parent's id (``ParentUnitId``).
        product_id: The product's id (``ProductId``).
        product_revision_id: The revision's id (``ProductRevisionId``).
        children: The sub-units (``Children``), each with its own.
        extra: Members the SDK does not know, as received.

    """

    serial_number: str | None = None
    part_number: str | None = None
    revision: str | None = None
    batch_number: str | None = None
    serial_date: dt.datetime | None = None
    current_location: str | None = None
    phase: UnitPhase | None = None
    process_code: int | None = None
    process_name: str | None = None
    parent_serial_number: str | None = None
    level: int | None = None
    unit_id: str | None = None
    parent_unit_id: str | None = None
    product_id: str | None = None
    product_revision_id: str | None = None
    children: tuple[InternalUnit, ...] = ()
    extra: Mapping[str, JsonValue] = EMPTY_MAP

    _KEYS: ClassVar[frozenset[str]] = frozenset(
        {
            "SerialNumber",
            "PartNumber",
            "Revision",
            "BatchSN",
            "SerialDate",
            "CurrentLocation",
            "UnitPhaseId",
            "ProcessCode",
            "ProcessName",
            "ParentSerialNumber",
            "Level",
            "UnitId",
            "ParentUnitId",
            "ProductId",
            "ProductRevisionId",
            "Children",
        }
    )

    def walk(self) -> tuple[InternalUnit, ...]:
        """Return this unit and all its descendants, depth first.

        Returns:
            The units, this one first.

        Example:
            >>> [u.serial_number for u in InternalUnit(serial_number="A").walk()]
            ['A']

        """
        out: list[InternalUnit] = []
        stack = [self]
        while stack:
            unit = stack.pop()
            out.append(unit)
            stack.extend(reversed(unit.children))
        return tuple(out)

    @classmethod
    def from_json(cls, data: Mapping[str, object], _depth: int = 0) -> Self:
        """Read a unit (and its children).

        Args:
            data: The JSON object.

        Returns:
            The unit.

        Raises:
            WatsResponseError: The tree is deeper than 64 (a member of the wrong type is
                kept raw in ``extra`` and reported as drift).

        Example:
            >>> InternalUnit.from_json({"SerialNumber": "SN1", "UnitPhaseId": 2}).phase
            <UnitPhase.UNDER_PRODUCTION: 2>

        """
        data = _object(data, "InternalUnit")
        o = _Owner("InternalUnit")
        if _depth > 64:
            raise WatsResponseError("InternalUnit: the unit tree is deeper than 64 levels")
        return cls(
            serial_number=_text(data, "SerialNumber", o),
            part_number=_text(data, "PartNumber", o),
            revision=_text(data, "Revision", o),
            batch_number=_text(data, "BatchSN", o),
            serial_date=_datetime(data, "SerialDate", o),
            current_location=_text(data, "CurrentLocation", o),
            phase=_phase(data, "UnitPhaseId", o),
            process_code=_int(data, "ProcessCode", o),
            process_name=_text(data, "ProcessName", o),
            parent_serial_number=_text(data, "ParentSerialNumber", o),
            level=_int(data, "Level", o),
            unit_id=_text(data, "UnitId", o),
            parent_unit_id=_text(data, "ParentUnitId", o),
            product_id=_text(data, "ProductId", o),
            product_revision_id=_text(data, "ProductRevisionId", o),
            children=_items(data, "Children", o, lambda d: cls.from_json(d, _depth + 1)),
            extra=_extra(data, cls._KEYS, o),
        )


@attrs.define(kw_only=True)
class UnitContent:
    """One line of a unit's box build with the units fitted on it (``GetUnitContents``).

    Attributes:
        part_number: The child part number the line asks for.
        revision: The child revision (or None).
        revision_mask: The revision mask of the line.
        product_name: The child product's name.
        quantity: How many the line asks for.
        level: Depth of the line.
        units: The units fitted on this line.
        extra: Members the SDK does not know, as received.

    """

    part_number: str | None = None
    revision: str | None = None
    revision_mask: str | None = None
    product_name: str | None = None
    quantity: int | None = None
    level: int | None = None
    units: tuple[InternalUnit, ...] = ()
    extra: Mapping[str, JsonValue] = EMPTY_MAP

    _KEYS: ClassVar[frozenset[str]] = frozenset(
        {"PartNumber", "Revision", "RevisionMask", "ProductName", "Quantity", "Level", "Units"}
    )

    @classmethod
    def from_json(cls, data: Mapping[str, object]) -> Self:
        """Read a content line.

        Args:
            data: The JSON object.

        Returns:
            The line.

        Raises:
            WatsResponseError: Not a JSON object (a member of the wrong type is kept raw
                in ``extra`` and reported as drift, :func:`~.models.report_drift`).

        Example:
            >>> UnitContent.from_json({"PartNumber": "PSU", "Quantity": 1}).quantity
            1

        """
        data = _object(data, "UnitContent")
        o = _Owner("UnitContent")
        return cls(
            part_number=_text(data, "PartNumber", o),
            revision=_text(data, "Revision", o),
            revision_mask=_text(data, "RevisionMask", o),
            product_name=_text(data, "ProductName", o),
            quantity=_int(data, "Quantity", o),
            level=_int(data, "Level", o),
            units=_items(data, "Units", o, InternalUnit.from_json),
            extra=_extra(data, cls._KEYS, o),
        )


@attrs.define(kw_only=True)
class ChildUnitCheckRow:
    """The internal check of one direct child against the parent's box build.

    Attributes:
        serial_number: The child's serial number.
        part_number: The child's part number.
        revision: The child's revision.
        phase: The child's phase.
        is_valid: Whether it passes.
        message: Why not, in the asked culture.
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
        {"SerialNumber", "PartNumber", "Revision", "UnitPhaseId", "IsValid", "Message"}
    )

    @classmethod
    def from_json(cls, data: Mapping[str, object]) -> Self:
        """Read one child's row.

        Args:
            data: The JSON object.

        Returns:
            The row.

        Raises:
            WatsResponseError: Not a JSON object (a member of the wrong type is kept raw
                in ``extra`` and reported as drift, :func:`~.models.report_drift`).

        Example:
            >>> ChildUnitCheckRow.from_json({"SerialNumber": "C1", "IsValid": True}).is_valid
            True

        """
        data = _object(data, "ChildUnitCheckRow")
        o = _Owner("ChildUnitCheckRow")
        return cls(
            serial_number=_text(data, "SerialNumber", o),
            part_number=_text(data, "PartNumber", o),
            revision=_text(data, "Revision", o),
            phase=_phase(data, "UnitPhaseId", o),
            is_valid=_bool(data, "IsValid", o),
            message=_text(data, "Message", o),
            extra=_extra(data, cls._KEYS, o),
        )


@attrs.define(kw_only=True)
class ChildUnitCheckResult:
    """The internal CheckChildUnits answer (this project's reading of its shape).

    Attributes:
        is_valid: Whether every direct child matches the box build.
        parent_serial_number: The parent's serial number.
        parent_part_number: The parent's part number.
        message: An overall message in the asked culture.
        children: One row per direct child.
        extra: Members the SDK does not know, as received.

    """

    is_valid: bool | None = None
    parent_serial_number: str | None = None
    parent_part_number: str | None = None
    message: str | None = None
    children: tuple[ChildUnitCheckRow, ...] = ()
    extra: Mapping[str, JsonValue] = EMPTY_MAP

    _KEYS: ClassVar[frozenset[str]] = frozenset(
        {"IsValid", "ParentSerialNumber", "ParentPartNumber", "Message", "Children"}
    )

    @classmethod
    def from_json(cls, data: Mapping[str, object]) -> Self:
        """Read the check.

        Args:
            data: The JSON object.

        Returns:
            The check.

        Raises:
            WatsResponseError: Not a JSON object (a member of the wrong type is kept raw
                in ``extra`` and reported as drift, :func:`~.models.report_drift`).

        Example:
            >>> ChildUnitCheckResult.from_json({"IsValid": False, "Children": []}).is_valid
            False

        """
        data = _object(data, "ChildUnitCheckResult")
        o = _Owner("ChildUnitCheckResult")
        return cls(
            is_valid=_bool(data, "IsValid", o),
            parent_serial_number=_text(data, "ParentSerialNumber", o),
            parent_part_number=_text(data, "ParentPartNumber", o),
            message=_text(data, "Message", o),
            children=_items(data, "Children", o, ChildUnitCheckRow.from_json),
            extra=_extra(data, cls._KEYS, o),
        )


@attrs.define(kw_only=True)
class InternalSerialNumber:
    """One number of a pool with its state (``GET /api/internal/Production/SerialNumbers``).

    Attributes:
        serial_number: The number.
        state: ``"Free"``, ``"Reserved"`` or ``"Taken"`` (None when the server says not).
        taken: When it was reserved or taken (UTC).
        ref_sn: Reference serial number recorded with it.
        ref_pn: Reference part number recorded with it.
        station_name: Station recorded with it (wire ``refStn``).
        extra: Members the SDK does not know, as received.

    """

    serial_number: str
    state: str | None = None
    taken: dt.datetime | None = None
    ref_sn: str | None = None
    ref_pn: str | None = None
    station_name: str | None = None
    extra: Mapping[str, JsonValue] = EMPTY_MAP

    _KEYS: ClassVar[frozenset[str]] = frozenset(
        {"serialNumber", "state", "taken", "refSN", "refPN", "refStn"}
    )

    @classmethod
    def from_json(cls, data: Mapping[str, object]) -> Self:
        """Read one number.

        Args:
            data: The JSON object.

        Returns:
            The number.

        Raises:
            WatsResponseError: ``serialNumber`` is missing or not a string (other members
                of the wrong type are kept raw in ``extra`` and reported as drift).

        Example:
            >>> InternalSerialNumber.from_json({"serialNumber": "SN1", "state": "Free"}).state
            'Free'

        """
        data = _object(data, "InternalSerialNumber")
        o = _Owner("InternalSerialNumber")
        number = _text(data, "serialNumber", o)
        if number is None:
            raise _missing("InternalSerialNumber", "serialNumber", "a string")
        return cls(
            serial_number=number,
            state=_text(data, "state", o),
            taken=_datetime(data, "taken", o),
            ref_sn=_text(data, "refSN", o),
            ref_pn=_text(data, "refPN", o),
            station_name=_text(data, "refStn", o),
            extra=_extra(data, cls._KEYS, o),
        )


@attrs.define(kw_only=True)
class SerialNumberRange:
    """A range of one type's addresses with its counts (``SerialNumbers/Ranges``).

    Also what :meth:`free_serial_numbers` takes: give ``serial_number_type``,
    ``start_address`` and ``end_address``.

    Attributes:
        serial_number_type: The type's name (wire ``type``).
        start_address: The first address.
        end_address: The last address.
        identifier: 0 serial number, 1 MAC address, 2 IMEI.
        identifier_name: The identifier's name.
        total: Numbers in the range.
        free: Free numbers.
        taken: Taken numbers.
        reserved: Reserved numbers (can be freed).
        extra: Members the SDK does not know, as received.

    """

    serial_number_type: str | None = None
    start_address: str | None = None
    end_address: str | None = None
    identifier: int | None = None
    identifier_name: str | None = None
    total: int | None = None
    free: int | None = None
    taken: int | None = None
    reserved: int | None = None
    extra: Mapping[str, JsonValue] = EMPTY_MAP

    _KEYS: ClassVar[frozenset[str]] = frozenset(
        {
            "type",
            "startAddress",
            "endAddress",
            "identifier",
            "identifierName",
            "total",
            "free",
            "taken",
            "reserved",
        }
    )

    @classmethod
    def from_json(cls, data: Mapping[str, object]) -> Self:
        """Read a range.

        Args:
            data: The JSON object.

        Returns:
            The range.

        Raises:
            WatsResponseError: Not a JSON object (a member of the wrong type is kept raw
                in ``extra`` and reported as drift, :func:`~.models.report_drift`).

        Example:
            >>> SerialNumberRange.from_json({"type": "SN", "free": 3}).free
            3

        """
        data = _object(data, "SerialNumberRange")
        o = _Owner("SerialNumberRange")
        return cls(
            serial_number_type=_text(data, "type", o),
            start_address=_text(data, "startAddress", o),
            end_address=_text(data, "endAddress", o),
            identifier=_int(data, "identifier", o),
            identifier_name=_text(data, "identifierName", o),
            total=_int(data, "total", o),
            free=_int(data, "free", o),
            taken=_int(data, "taken", o),
            reserved=_int(data, "reserved", o),
            extra=_extra(data, cls._KEYS, o),
        )

    def to_wire(self) -> dict[str, JsonValue]:
        """Return the JSON object sent to ``SerialNumbers/Free`` (read-only counts left out).

        Returns:
            ``type``, ``startAddress``, ``endAddress`` (and ``identifier`` when set).

        Example:
            >>> r = SerialNumberRange(serial_number_type="SN", start_address="A", end_address="B")
            >>> r.to_wire()
            {'type': 'SN', 'startAddress': 'A', 'endAddress': 'B'}

        """
        wire: dict[str, JsonValue] = {
            "type": self.serial_number_type,
            "startAddress": self.start_address,
            "endAddress": self.end_address,
        }
        if self.identifier is not None:
            wire["identifier"] = self.identifier
        return wire


@attrs.define(kw_only=True)
class SerialNumberStatistics:
    """Counts of one type's numbers (``SerialNumbers/Statistics``; this project's reading).

    Attributes:
        serial_number_type: The type's name.
        total: All numbers.
        free: Free numbers.
        taken: Taken numbers.
        reserved: Reserved numbers.
        extra: Members the SDK does not know, as received.

    """

    serial_number_type: str | None = None
    total: int | None = None
    free: int | None = None
    taken: int | None = None
    reserved: int | None = None
    extra: Mapping[str, JsonValue] = EMPTY_MAP

    _KEYS: ClassVar[frozenset[str]] = frozenset(
        {"serialNumberType", "total", "free", "taken", "reserved"}
    )

    @classmethod
    def from_json(cls, data: Mapping[str, object]) -> Self:
        """Read one type's statistics.

        Args:
            data: The JSON object.

        Returns:
            The statistics.

        Raises:
            WatsResponseError: Not a JSON object (a member of the wrong type is kept raw
                in ``extra`` and reported as drift, :func:`~.models.report_drift`).

        Example:
            >>> SerialNumberStatistics.from_json({"serialNumberType": "SN", "total": 9}).total
            9

        """
        data = _object(data, "SerialNumberStatistics")
        o = _Owner("SerialNumberStatistics")
        return cls(
            serial_number_type=_text(data, "serialNumberType", o),
            total=_int(data, "total", o),
            free=_int(data, "free", o),
            taken=_int(data, "taken", o),
            reserved=_int(data, "reserved", o),
            extra=_extra(data, cls._KEYS, o),
        )


@attrs.define(kw_only=True)
class Site:
    """A production site (``GetSites``).

    Attributes:
        name: The site's name.
        code: The site's code.
        extra: Members the SDK does not know, as received.

    """

    name: str | None = None
    code: str | None = None
    extra: Mapping[str, JsonValue] = EMPTY_MAP

    _KEYS: ClassVar[frozenset[str]] = frozenset({"Name", "Code"})

    @classmethod
    def from_json(cls, data: Mapping[str, object]) -> Self:
        """Read a site.

        Args:
            data: The JSON object.

        Returns:
            The site.

        Raises:
            WatsResponseError: Not a JSON object (a member of the wrong type is kept raw
                in ``extra`` and reported as drift, :func:`~.models.report_drift`).

        Example:
            >>> Site.from_json({"Name": "Oslo", "Code": "OSL"}).code
            'OSL'

        """
        data = _object(data, "Site")
        o = _Owner("Site")
        return cls(
            name=_text(data, "Name", o),
            code=_text(data, "Code", o),
            extra=_extra(data, cls._KEYS, o),
        )

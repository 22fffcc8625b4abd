from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="InternalUnit")


@_attrs_define
class InternalUnit:
    """A unit as the internal API models it (PascalCase); Children hold sub-units.

    Attributes:
        unit_id (None | Unset | UUID):
        parent_unit_id (None | Unset | UUID):
        product_revision_id (None | Unset | UUID):
        product_id (None | Unset | UUID):
        serial_number (None | str | Unset):
        part_number (None | str | Unset):
        revision (None | str | Unset):
        batch_sn (None | str | Unset):
        serial_date (datetime.datetime | None | Unset):
        current_location (None | str | Unset):
        unit_phase_id (int | None | Unset):
        process_code (int | None | Unset):
        process_name (None | str | Unset):
        parent_serial_number (None | str | Unset):
        level (int | None | Unset):
        children (list[InternalUnit] | None | Unset):
    """

    unit_id: None | Unset | UUID = UNSET
    parent_unit_id: None | Unset | UUID = UNSET
    product_revision_id: None | Unset | UUID = UNSET
    product_id: None | Unset | UUID = UNSET
    serial_number: None | str | Unset = UNSET
    part_number: None | str | Unset = UNSET
    revision: None | str | Unset = UNSET
    batch_sn: None | str | Unset = UNSET
    serial_date: datetime.datetime | None | Unset = UNSET
    current_location: None | str | Unset = UNSET
    unit_phase_id: int | None | Unset = UNSET
    process_code: int | None | Unset = UNSET
    process_name: None | str | Unset = UNSET
    parent_serial_number: None | str | Unset = UNSET
    level: int | None | Unset = UNSET
    children: list[InternalUnit] | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        unit_id: None | str | Unset
        if isinstance(self.unit_id, Unset):
            unit_id = UNSET
        elif isinstance(self.unit_id, UUID):
            unit_id = str(self.unit_id)
        else:
            unit_id = self.unit_id

        parent_unit_id: None | str | Unset
        if isinstance(self.parent_unit_id, Unset):
            parent_unit_id = UNSET
        elif isinstance(self.parent_unit_id, UUID):
            parent_unit_id = str(self.parent_unit_id)
        else:
            parent_unit_id = self.parent_unit_id

        product_revision_id: None | str | Unset
        if isinstance(self.product_revision_id, Unset):
            product_revision_id = UNSET
        elif isinstance(self.product_revision_id, UUID):
            product_revision_id = str(self.product_revision_id)
        else:
            product_revision_id = self.product_revision_id

        product_id: None | str | Unset
        if isinstance(self.product_id, Unset):
            product_id = UNSET
        elif isinstance(self.product_id, UUID):
            product_id = str(self.product_id)
        else:
            product_id = self.product_id

        serial_number: None | str | Unset
        if isinstance(self.serial_number, Unset):
            serial_number = UNSET
        else:
            serial_number = self.serial_number

        part_number: None | str | Unset
        if isinstance(self.part_number, Unset):
            part_number = UNSET
        else:
            part_number = self.part_number

        revision: None | str | Unset
        if isinstance(self.revision, Unset):
            revision = UNSET
        else:
            revision = self.revision

        batch_sn: None | str | Unset
        if isinstance(self.batch_sn, Unset):
            batch_sn = UNSET
        else:
            batch_sn = self.batch_sn

        serial_date: None | str | Unset
        if isinstance(self.serial_date, Unset):
            serial_date = UNSET
        elif isinstance(self.serial_date, datetime.datetime):
            serial_date = self.serial_date.isoformat()
        else:
            serial_date = self.serial_date

        current_location: None | str | Unset
        if isinstance(self.current_location, Unset):
            current_location = UNSET
        else:
            current_location = self.current_location

        unit_phase_id: int | None | Unset
        if isinstance(self.unit_phase_id, Unset):
            unit_phase_id = UNSET
        else:
            unit_phase_id = self.unit_phase_id

        process_code: int | None | Unset
        if isinstance(self.process_code, Unset):
            process_code = UNSET
        else:
            process_code = self.process_code

        process_name: None | str | Unset
        if isinstance(self.process_name, Unset):
            process_name = UNSET
        else:
            process_name = self.process_name

        parent_serial_number: None | str | Unset
        if isinstance(self.parent_serial_number, Unset):
            parent_serial_number = UNSET
        else:
            parent_serial_number = self.parent_serial_number

        level: int | None | Unset
        if isinstance(self.level, Unset):
            level = UNSET
        else:
            level = self.level

        children: list[dict[str, Any]] | None | Unset
        if isinstance(self.children, Unset):
            children = UNSET
        elif isinstance(self.children, list):
            children = []
            for children_type_0_item_data in self.children:
                children_type_0_item = children_type_0_item_data.to_dict()
                children.append(children_type_0_item)

        else:
            children = self.children

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if unit_id is not UNSET:
            field_dict["UnitId"] = unit_id
        if parent_unit_id is not UNSET:
            field_dict["ParentUnitId"] = parent_unit_id
        if product_revision_id is not UNSET:
            field_dict["ProductRevisionId"] = product_revision_id
        if product_id is not UNSET:
            field_dict["ProductId"] = product_id
        if serial_number is not UNSET:
            field_dict["SerialNumber"] = serial_number
        if part_number is not UNSET:
            field_dict["PartNumber"] = part_number
        if revision is not UNSET:
            field_dict["Revision"] = revision
        if batch_sn is not UNSET:
            field_dict["BatchSN"] = batch_sn
        if serial_date is not UNSET:
            field_dict["SerialDate"] = serial_date
        if current_location is not UNSET:
            field_dict["CurrentLocation"] = current_location
        if unit_phase_id is not UNSET:
            field_dict["UnitPhaseId"] = unit_phase_id
        if process_code is not UNSET:
            field_dict["ProcessCode"] = process_code
        if process_name is not UNSET:
            field_dict["ProcessName"] = process_name
        if parent_serial_number is not UNSET:
            field_dict["ParentSerialNumber"] = parent_serial_number
        if level is not UNSET:
            field_dict["Level"] = level
        if children is not UNSET:
            field_dict["Children"] = children

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_unit_id(data: object) -> None | Unset | UUID:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                unit_id_type_0 = UUID(data)

                return unit_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | UUID, data)

        unit_id = _parse_unit_id(d.pop("UnitId", UNSET))

        def _parse_parent_unit_id(data: object) -> None | Unset | UUID:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                parent_unit_id_type_0 = UUID(data)

                return parent_unit_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | UUID, data)

        parent_unit_id = _parse_parent_unit_id(d.pop("ParentUnitId", UNSET))

        def _parse_product_revision_id(data: object) -> None | Unset | UUID:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                product_revision_id_type_0 = UUID(data)

                return product_revision_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | UUID, data)

        product_revision_id = _parse_product_revision_id(
            d.pop("ProductRevisionId", UNSET)
        )

        def _parse_product_id(data: object) -> None | Unset | UUID:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                product_id_type_0 = UUID(data)

                return product_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | UUID, data)

        product_id = _parse_product_id(d.pop("ProductId", UNSET))

        def _parse_serial_number(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        serial_number = _parse_serial_number(d.pop("SerialNumber", UNSET))

        def _parse_part_number(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        part_number = _parse_part_number(d.pop("PartNumber", UNSET))

        def _parse_revision(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        revision = _parse_revision(d.pop("Revision", UNSET))

        def _parse_batch_sn(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        batch_sn = _parse_batch_sn(d.pop("BatchSN", UNSET))

        def _parse_serial_date(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                serial_date_type_0 = datetime.datetime.fromisoformat(data)

                return serial_date_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        serial_date = _parse_serial_date(d.pop("SerialDate", UNSET))

        def _parse_current_location(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        current_location = _parse_current_location(d.pop("CurrentLocation", UNSET))

        def _parse_unit_phase_id(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        unit_phase_id = _parse_unit_phase_id(d.pop("UnitPhaseId", UNSET))

        def _parse_process_code(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        process_code = _parse_process_code(d.pop("ProcessCode", UNSET))

        def _parse_process_name(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        process_name = _parse_process_name(d.pop("ProcessName", UNSET))

        def _parse_parent_serial_number(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        parent_serial_number = _parse_parent_serial_number(
            d.pop("ParentSerialNumber", UNSET)
        )

        def _parse_level(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        level = _parse_level(d.pop("Level", UNSET))

        def _parse_children(data: object) -> list[InternalUnit] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                children_type_0 = []
                _children_type_0 = data
                for children_type_0_item_data in _children_type_0:
                    children_type_0_item = InternalUnit.from_dict(
                        children_type_0_item_data
                    )

                    children_type_0.append(children_type_0_item)

                return children_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[InternalUnit] | None | Unset, data)

        children = _parse_children(d.pop("Children", UNSET))

        internal_unit = cls(
            unit_id=unit_id,
            parent_unit_id=parent_unit_id,
            product_revision_id=product_revision_id,
            product_id=product_id,
            serial_number=serial_number,
            part_number=part_number,
            revision=revision,
            batch_sn=batch_sn,
            serial_date=serial_date,
            current_location=current_location,
            unit_phase_id=unit_phase_id,
            process_code=process_code,
            process_name=process_name,
            parent_serial_number=parent_serial_number,
            level=level,
            children=children,
        )

        internal_unit.additional_properties = d
        return internal_unit

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties


# The schema's members on the wire: (JSON name, Python name, type, required). Generated
# from the spec for pywats_production._wire_map; nothing reads it at run time.
WIRE_SCHEMA = "InternalUnit"
WIRE_MEMBERS: tuple[tuple[str, str, str, bool], ...] = (
    ("UnitId", "unit_id", "one of uuid | null", False),
    ("ParentUnitId", "parent_unit_id", "one of uuid | null", False),
    ("ProductRevisionId", "product_revision_id", "one of uuid | null", False),
    ("ProductId", "product_id", "one of uuid | null", False),
    ("SerialNumber", "serial_number", "one of string | null", False),
    ("PartNumber", "part_number", "one of string | null", False),
    ("Revision", "revision", "one of string | null", False),
    ("BatchSN", "batch_sn", "one of string | null", False),
    ("SerialDate", "serial_date", "one of date-time | null", False),
    ("CurrentLocation", "current_location", "one of string | null", False),
    ("UnitPhaseId", "unit_phase_id", "one of integer | null", False),
    ("ProcessCode", "process_code", "one of integer | null", False),
    ("ProcessName", "process_name", "one of string | null", False),
    ("ParentSerialNumber", "parent_serial_number", "one of string | null", False),
    ("Level", "level", "one of integer | null", False),
    ("Children", "children", "one of array of object InternalUnit | null", False),
)

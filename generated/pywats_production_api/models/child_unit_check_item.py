from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="ChildUnitCheckItem")


@_attrs_define
class ChildUnitCheckItem:
    """
    Attributes:
        serial_number (None | str | Unset):
        part_number (None | str | Unset):
        revision (None | str | Unset):
        unit_phase_id (int | None | Unset):
        is_valid (bool | None | Unset):
        message (None | str | Unset):
    """

    serial_number: None | str | Unset = UNSET
    part_number: None | str | Unset = UNSET
    revision: None | str | Unset = UNSET
    unit_phase_id: int | None | Unset = UNSET
    is_valid: bool | None | Unset = UNSET
    message: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
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

        unit_phase_id: int | None | Unset
        if isinstance(self.unit_phase_id, Unset):
            unit_phase_id = UNSET
        else:
            unit_phase_id = self.unit_phase_id

        is_valid: bool | None | Unset
        if isinstance(self.is_valid, Unset):
            is_valid = UNSET
        else:
            is_valid = self.is_valid

        message: None | str | Unset
        if isinstance(self.message, Unset):
            message = UNSET
        else:
            message = self.message

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if serial_number is not UNSET:
            field_dict["serialNumber"] = serial_number
        if part_number is not UNSET:
            field_dict["partNumber"] = part_number
        if revision is not UNSET:
            field_dict["revision"] = revision
        if unit_phase_id is not UNSET:
            field_dict["unitPhaseId"] = unit_phase_id
        if is_valid is not UNSET:
            field_dict["isValid"] = is_valid
        if message is not UNSET:
            field_dict["message"] = message

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_serial_number(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        serial_number = _parse_serial_number(d.pop("serialNumber", UNSET))

        def _parse_part_number(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        part_number = _parse_part_number(d.pop("partNumber", UNSET))

        def _parse_revision(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        revision = _parse_revision(d.pop("revision", UNSET))

        def _parse_unit_phase_id(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        unit_phase_id = _parse_unit_phase_id(d.pop("unitPhaseId", UNSET))

        def _parse_is_valid(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        is_valid = _parse_is_valid(d.pop("isValid", UNSET))

        def _parse_message(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        message = _parse_message(d.pop("message", UNSET))

        child_unit_check_item = cls(
            serial_number=serial_number,
            part_number=part_number,
            revision=revision,
            unit_phase_id=unit_phase_id,
            is_valid=is_valid,
            message=message,
        )

        child_unit_check_item.additional_properties = d
        return child_unit_check_item

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
WIRE_SCHEMA = "ChildUnitCheckItem"
WIRE_MEMBERS: tuple[tuple[str, str, str, bool], ...] = (
    ("serialNumber", "serial_number", "one of string | null", False),
    ("partNumber", "part_number", "one of string | null", False),
    ("revision", "revision", "one of string | null", False),
    ("unitPhaseId", "unit_phase_id", "one of integer | null", False),
    ("isValid", "is_valid", "one of boolean | null", False),
    ("message", "message", "one of string | null", False),
)

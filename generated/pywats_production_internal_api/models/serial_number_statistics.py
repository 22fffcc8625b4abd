from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="SerialNumberStatistics")


@_attrs_define
class SerialNumberStatistics:
    """Counts of one type's numbers.

    Attributes:
        serial_number_type (None | str | Unset):
        total (int | None | Unset):
        free (int | None | Unset):
        taken (int | None | Unset):
        reserved (int | None | Unset):
    """

    serial_number_type: None | str | Unset = UNSET
    total: int | None | Unset = UNSET
    free: int | None | Unset = UNSET
    taken: int | None | Unset = UNSET
    reserved: int | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        serial_number_type: None | str | Unset
        if isinstance(self.serial_number_type, Unset):
            serial_number_type = UNSET
        else:
            serial_number_type = self.serial_number_type

        total: int | None | Unset
        if isinstance(self.total, Unset):
            total = UNSET
        else:
            total = self.total

        free: int | None | Unset
        if isinstance(self.free, Unset):
            free = UNSET
        else:
            free = self.free

        taken: int | None | Unset
        if isinstance(self.taken, Unset):
            taken = UNSET
        else:
            taken = self.taken

        reserved: int | None | Unset
        if isinstance(self.reserved, Unset):
            reserved = UNSET
        else:
            reserved = self.reserved

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if serial_number_type is not UNSET:
            field_dict["serialNumberType"] = serial_number_type
        if total is not UNSET:
            field_dict["total"] = total
        if free is not UNSET:
            field_dict["free"] = free
        if taken is not UNSET:
            field_dict["taken"] = taken
        if reserved is not UNSET:
            field_dict["reserved"] = reserved

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_serial_number_type(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        serial_number_type = _parse_serial_number_type(d.pop("serialNumberType", UNSET))

        def _parse_total(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        total = _parse_total(d.pop("total", UNSET))

        def _parse_free(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        free = _parse_free(d.pop("free", UNSET))

        def _parse_taken(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        taken = _parse_taken(d.pop("taken", UNSET))

        def _parse_reserved(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        reserved = _parse_reserved(d.pop("reserved", UNSET))

        serial_number_statistics = cls(
            serial_number_type=serial_number_type,
            total=total,
            free=free,
            taken=taken,
            reserved=reserved,
        )

        serial_number_statistics.additional_properties = d
        return serial_number_statistics

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
WIRE_SCHEMA = "SerialNumberStatistics"
WIRE_MEMBERS: tuple[tuple[str, str, str, bool], ...] = (
    ("serialNumberType", "serial_number_type", "one of string | null", False),
    ("total", "total", "one of integer | null", False),
    ("free", "free", "one of integer | null", False),
    ("taken", "taken", "one of integer | null", False),
    ("reserved", "reserved", "one of integer | null", False),
)

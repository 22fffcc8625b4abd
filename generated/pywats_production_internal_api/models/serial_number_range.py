from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.serial_number_range_identifier import SerialNumberRangeIdentifier
from ..types import UNSET, Unset

T = TypeVar("T", bound="SerialNumberRange")


@_attrs_define
class SerialNumberRange:
    """A range of addresses of one type, with counts.

    Attributes:
        type_ (None | str | Unset):
        identifier (SerialNumberRangeIdentifier | Unset): 0 serial number, 1 MAC address, 2 IMEI.
        identifier_name (None | str | Unset):
        start_address (None | str | Unset):
        end_address (None | str | Unset):
        total (int | None | Unset):
        free (int | None | Unset):
        taken (int | None | Unset):
        reserved (int | None | Unset):
    """

    type_: None | str | Unset = UNSET
    identifier: SerialNumberRangeIdentifier | Unset = UNSET
    identifier_name: None | str | Unset = UNSET
    start_address: None | str | Unset = UNSET
    end_address: None | str | Unset = UNSET
    total: int | None | Unset = UNSET
    free: int | None | Unset = UNSET
    taken: int | None | Unset = UNSET
    reserved: int | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        type_: None | str | Unset
        if isinstance(self.type_, Unset):
            type_ = UNSET
        else:
            type_ = self.type_

        identifier: int | Unset = UNSET
        if not isinstance(self.identifier, Unset):
            identifier = self.identifier.value

        identifier_name: None | str | Unset
        if isinstance(self.identifier_name, Unset):
            identifier_name = UNSET
        else:
            identifier_name = self.identifier_name

        start_address: None | str | Unset
        if isinstance(self.start_address, Unset):
            start_address = UNSET
        else:
            start_address = self.start_address

        end_address: None | str | Unset
        if isinstance(self.end_address, Unset):
            end_address = UNSET
        else:
            end_address = self.end_address

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
        if type_ is not UNSET:
            field_dict["type"] = type_
        if identifier is not UNSET:
            field_dict["identifier"] = identifier
        if identifier_name is not UNSET:
            field_dict["identifierName"] = identifier_name
        if start_address is not UNSET:
            field_dict["startAddress"] = start_address
        if end_address is not UNSET:
            field_dict["endAddress"] = end_address
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

        def _parse_type_(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        type_ = _parse_type_(d.pop("type", UNSET))

        _identifier = d.pop("identifier", UNSET)
        identifier: SerialNumberRangeIdentifier | Unset
        if isinstance(_identifier, Unset):
            identifier = UNSET
        else:
            identifier = SerialNumberRangeIdentifier(_identifier)

        def _parse_identifier_name(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        identifier_name = _parse_identifier_name(d.pop("identifierName", UNSET))

        def _parse_start_address(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        start_address = _parse_start_address(d.pop("startAddress", UNSET))

        def _parse_end_address(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        end_address = _parse_end_address(d.pop("endAddress", UNSET))

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

        serial_number_range = cls(
            type_=type_,
            identifier=identifier,
            identifier_name=identifier_name,
            start_address=start_address,
            end_address=end_address,
            total=total,
            free=free,
            taken=taken,
            reserved=reserved,
        )

        serial_number_range.additional_properties = d
        return serial_number_range

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
WIRE_SCHEMA = "SerialNumberRange"
WIRE_MEMBERS: tuple[tuple[str, str, str, bool], ...] = (
    ("type", "type_", "one of string | null", False),
    ("identifier", "identifier", "integer enum SerialNumberRangeIdentifier", False),
    ("identifierName", "identifier_name", "one of string | null", False),
    ("startAddress", "start_address", "one of string | null", False),
    ("endAddress", "end_address", "one of string | null", False),
    ("total", "total", "one of integer | null", False),
    ("free", "free", "one of integer | null", False),
    ("taken", "taken", "one of integer | null", False),
    ("reserved", "reserved", "one of integer | null", False),
)

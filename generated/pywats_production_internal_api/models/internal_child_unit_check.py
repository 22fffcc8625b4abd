from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.internal_child_unit_check_item import InternalChildUnitCheckItem


T = TypeVar("T", bound="InternalChildUnitCheck")


@_attrs_define
class InternalChildUnitCheck:
    """Result of the internal CheckChildUnits; every field the server sends is kept.

    Attributes:
        is_valid (bool | None | Unset):
        parent_serial_number (None | str | Unset):
        parent_part_number (None | str | Unset):
        message (None | str | Unset):
        children (list[InternalChildUnitCheckItem] | None | Unset):
    """

    is_valid: bool | None | Unset = UNSET
    parent_serial_number: None | str | Unset = UNSET
    parent_part_number: None | str | Unset = UNSET
    message: None | str | Unset = UNSET
    children: list[InternalChildUnitCheckItem] | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        is_valid: bool | None | Unset
        if isinstance(self.is_valid, Unset):
            is_valid = UNSET
        else:
            is_valid = self.is_valid

        parent_serial_number: None | str | Unset
        if isinstance(self.parent_serial_number, Unset):
            parent_serial_number = UNSET
        else:
            parent_serial_number = self.parent_serial_number

        parent_part_number: None | str | Unset
        if isinstance(self.parent_part_number, Unset):
            parent_part_number = UNSET
        else:
            parent_part_number = self.parent_part_number

        message: None | str | Unset
        if isinstance(self.message, Unset):
            message = UNSET
        else:
            message = self.message

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
        if is_valid is not UNSET:
            field_dict["IsValid"] = is_valid
        if parent_serial_number is not UNSET:
            field_dict["ParentSerialNumber"] = parent_serial_number
        if parent_part_number is not UNSET:
            field_dict["ParentPartNumber"] = parent_part_number
        if message is not UNSET:
            field_dict["Message"] = message
        if children is not UNSET:
            field_dict["Children"] = children

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.internal_child_unit_check_item import (
            InternalChildUnitCheckItem,  # noqa: PLC0415
        )

        d = dict(src_dict)

        def _parse_is_valid(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        is_valid = _parse_is_valid(d.pop("IsValid", UNSET))

        def _parse_parent_serial_number(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        parent_serial_number = _parse_parent_serial_number(
            d.pop("ParentSerialNumber", UNSET)
        )

        def _parse_parent_part_number(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        parent_part_number = _parse_parent_part_number(d.pop("ParentPartNumber", UNSET))

        def _parse_message(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        message = _parse_message(d.pop("Message", UNSET))

        def _parse_children(
            data: object,
        ) -> list[InternalChildUnitCheckItem] | None | Unset:
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
                    children_type_0_item = InternalChildUnitCheckItem.from_dict(
                        children_type_0_item_data
                    )

                    children_type_0.append(children_type_0_item)

                return children_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[InternalChildUnitCheckItem] | None | Unset, data)

        children = _parse_children(d.pop("Children", UNSET))

        internal_child_unit_check = cls(
            is_valid=is_valid,
            parent_serial_number=parent_serial_number,
            parent_part_number=parent_part_number,
            message=message,
            children=children,
        )

        internal_child_unit_check.additional_properties = d
        return internal_child_unit_check

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
WIRE_SCHEMA = "InternalChildUnitCheck"
WIRE_MEMBERS: tuple[tuple[str, str, str, bool], ...] = (
    ("IsValid", "is_valid", "one of boolean | null", False),
    ("ParentSerialNumber", "parent_serial_number", "one of string | null", False),
    ("ParentPartNumber", "parent_part_number", "one of string | null", False),
    ("Message", "message", "one of string | null", False),
    (
        "Children",
        "children",
        "one of array of object InternalChildUnitCheckItem | null",
        False,
    ),
)

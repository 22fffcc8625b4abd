from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.box_build_requirement import BoxBuildRequirement
    from ..models.child_unit_check_item import ChildUnitCheckItem


T = TypeVar("T", bound="ChildUnitCheck")


@_attrs_define
class ChildUnitCheck:
    """Result of CheckChildUnits. The server's shape is not published: this is the project's design, and every field the
    server sends is kept.

        Attributes:
            is_valid (bool | None | Unset):
            parent_serial_number (None | str | Unset):
            parent_part_number (None | str | Unset):
            children (list[ChildUnitCheckItem] | None | Unset):
            requirements (list[BoxBuildRequirement] | None | Unset):
    """

    is_valid: bool | None | Unset = UNSET
    parent_serial_number: None | str | Unset = UNSET
    parent_part_number: None | str | Unset = UNSET
    children: list[ChildUnitCheckItem] | None | Unset = UNSET
    requirements: list[BoxBuildRequirement] | None | Unset = UNSET
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

        requirements: list[dict[str, Any]] | None | Unset
        if isinstance(self.requirements, Unset):
            requirements = UNSET
        elif isinstance(self.requirements, list):
            requirements = []
            for requirements_type_0_item_data in self.requirements:
                requirements_type_0_item = requirements_type_0_item_data.to_dict()
                requirements.append(requirements_type_0_item)

        else:
            requirements = self.requirements

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if is_valid is not UNSET:
            field_dict["isValid"] = is_valid
        if parent_serial_number is not UNSET:
            field_dict["parentSerialNumber"] = parent_serial_number
        if parent_part_number is not UNSET:
            field_dict["parentPartNumber"] = parent_part_number
        if children is not UNSET:
            field_dict["children"] = children
        if requirements is not UNSET:
            field_dict["requirements"] = requirements

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.box_build_requirement import BoxBuildRequirement  # noqa: PLC0415
        from ..models.child_unit_check_item import ChildUnitCheckItem  # noqa: PLC0415

        d = dict(src_dict)

        def _parse_is_valid(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        is_valid = _parse_is_valid(d.pop("isValid", UNSET))

        def _parse_parent_serial_number(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        parent_serial_number = _parse_parent_serial_number(
            d.pop("parentSerialNumber", UNSET)
        )

        def _parse_parent_part_number(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        parent_part_number = _parse_parent_part_number(d.pop("parentPartNumber", UNSET))

        def _parse_children(data: object) -> list[ChildUnitCheckItem] | None | Unset:
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
                    children_type_0_item = ChildUnitCheckItem.from_dict(
                        children_type_0_item_data
                    )

                    children_type_0.append(children_type_0_item)

                return children_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[ChildUnitCheckItem] | None | Unset, data)

        children = _parse_children(d.pop("children", UNSET))

        def _parse_requirements(
            data: object,
        ) -> list[BoxBuildRequirement] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                requirements_type_0 = []
                _requirements_type_0 = data
                for requirements_type_0_item_data in _requirements_type_0:
                    requirements_type_0_item = BoxBuildRequirement.from_dict(
                        requirements_type_0_item_data
                    )

                    requirements_type_0.append(requirements_type_0_item)

                return requirements_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[BoxBuildRequirement] | None | Unset, data)

        requirements = _parse_requirements(d.pop("requirements", UNSET))

        child_unit_check = cls(
            is_valid=is_valid,
            parent_serial_number=parent_serial_number,
            parent_part_number=parent_part_number,
            children=children,
            requirements=requirements,
        )

        child_unit_check.additional_properties = d
        return child_unit_check

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
WIRE_SCHEMA = "ChildUnitCheck"
WIRE_MEMBERS: tuple[tuple[str, str, str, bool], ...] = (
    ("isValid", "is_valid", "one of boolean | null", False),
    ("parentSerialNumber", "parent_serial_number", "one of string | null", False),
    ("parentPartNumber", "parent_part_number", "one of string | null", False),
    ("children", "children", "one of array of object ChildUnitCheckItem | null", False),
    (
        "requirements",
        "requirements",
        "one of array of object BoxBuildRequirement | null",
        False,
    ),
)

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.internal_unit import InternalUnit


T = TypeVar("T", bound="UnitContent")


@_attrs_define
class UnitContent:
    """One line of a box build with the units fitted on it.

    Attributes:
        part_number (None | str | Unset):
        revision (None | str | Unset):
        revision_mask (None | str | Unset):
        product_name (None | str | Unset):
        quantity (int | None | Unset):
        level (int | None | Unset):
        units (list[InternalUnit] | None | Unset):
    """

    part_number: None | str | Unset = UNSET
    revision: None | str | Unset = UNSET
    revision_mask: None | str | Unset = UNSET
    product_name: None | str | Unset = UNSET
    quantity: int | None | Unset = UNSET
    level: int | None | Unset = UNSET
    units: list[InternalUnit] | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
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

        revision_mask: None | str | Unset
        if isinstance(self.revision_mask, Unset):
            revision_mask = UNSET
        else:
            revision_mask = self.revision_mask

        product_name: None | str | Unset
        if isinstance(self.product_name, Unset):
            product_name = UNSET
        else:
            product_name = self.product_name

        quantity: int | None | Unset
        if isinstance(self.quantity, Unset):
            quantity = UNSET
        else:
            quantity = self.quantity

        level: int | None | Unset
        if isinstance(self.level, Unset):
            level = UNSET
        else:
            level = self.level

        units: list[dict[str, Any]] | None | Unset
        if isinstance(self.units, Unset):
            units = UNSET
        elif isinstance(self.units, list):
            units = []
            for units_type_0_item_data in self.units:
                units_type_0_item = units_type_0_item_data.to_dict()
                units.append(units_type_0_item)

        else:
            units = self.units

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if part_number is not UNSET:
            field_dict["PartNumber"] = part_number
        if revision is not UNSET:
            field_dict["Revision"] = revision
        if revision_mask is not UNSET:
            field_dict["RevisionMask"] = revision_mask
        if product_name is not UNSET:
            field_dict["ProductName"] = product_name
        if quantity is not UNSET:
            field_dict["Quantity"] = quantity
        if level is not UNSET:
            field_dict["Level"] = level
        if units is not UNSET:
            field_dict["Units"] = units

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.internal_unit import InternalUnit  # noqa: PLC0415

        d = dict(src_dict)

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

        def _parse_revision_mask(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        revision_mask = _parse_revision_mask(d.pop("RevisionMask", UNSET))

        def _parse_product_name(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        product_name = _parse_product_name(d.pop("ProductName", UNSET))

        def _parse_quantity(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        quantity = _parse_quantity(d.pop("Quantity", UNSET))

        def _parse_level(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        level = _parse_level(d.pop("Level", UNSET))

        def _parse_units(data: object) -> list[InternalUnit] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                units_type_0 = []
                _units_type_0 = data
                for units_type_0_item_data in _units_type_0:
                    units_type_0_item = InternalUnit.from_dict(units_type_0_item_data)

                    units_type_0.append(units_type_0_item)

                return units_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[InternalUnit] | None | Unset, data)

        units = _parse_units(d.pop("Units", UNSET))

        unit_content = cls(
            part_number=part_number,
            revision=revision,
            revision_mask=revision_mask,
            product_name=product_name,
            quantity=quantity,
            level=level,
            units=units,
        )

        unit_content.additional_properties = d
        return unit_content

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
WIRE_SCHEMA = "UnitContent"
WIRE_MEMBERS: tuple[tuple[str, str, str, bool], ...] = (
    ("PartNumber", "part_number", "one of string | null", False),
    ("Revision", "revision", "one of string | null", False),
    ("RevisionMask", "revision_mask", "one of string | null", False),
    ("ProductName", "product_name", "one of string | null", False),
    ("Quantity", "quantity", "one of integer | null", False),
    ("Level", "level", "one of integer | null", False),
    ("Units", "units", "one of array of object InternalUnit | null", False),
)

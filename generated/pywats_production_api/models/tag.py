from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.tag_change_kind import TagChangeKind
from ..types import UNSET, Unset

T = TypeVar("T", bound="Tag")


@_attrs_define
class Tag:
    """A key/value setting of a unit, product or revision.

    Attributes:
        key (None | str | Unset):
        value (None | str | Unset):
        change (None | TagChangeKind | Unset):
    """

    key: None | str | Unset = UNSET
    value: None | str | Unset = UNSET
    change: None | TagChangeKind | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        key: None | str | Unset
        if isinstance(self.key, Unset):
            key = UNSET
        else:
            key = self.key

        value: None | str | Unset
        if isinstance(self.value, Unset):
            value = UNSET
        else:
            value = self.value

        change: int | None | Unset
        if isinstance(self.change, Unset):
            change = UNSET
        elif isinstance(self.change, TagChangeKind):
            change = self.change.value
        else:
            change = self.change

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if key is not UNSET:
            field_dict["key"] = key
        if value is not UNSET:
            field_dict["value"] = value
        if change is not UNSET:
            field_dict["change"] = change

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_key(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        key = _parse_key(d.pop("key", UNSET))

        def _parse_value(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        value = _parse_value(d.pop("value", UNSET))

        def _parse_change(data: object) -> None | TagChangeKind | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, int):
                    raise TypeError()
                change_type_1 = TagChangeKind(data)

                return change_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | TagChangeKind | Unset, data)

        change = _parse_change(d.pop("change", UNSET))

        tag = cls(
            key=key,
            value=value,
            change=change,
        )

        tag.additional_properties = d
        return tag

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
WIRE_SCHEMA = "Tag"
WIRE_MEMBERS: tuple[tuple[str, str, str, bool], ...] = (
    ("key", "key", "one of string | null", False),
    ("value", "value", "one of string | null", False),
    ("change", "change", "one of null | integer enum TagChangeKind", False),
)

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="SaveUnitsResult")


@_attrs_define
class SaveUnitsResult:
    """Outcome of PUT Units. A real server answers okCount, errorCount and errors; insert and update counts are the
    project's reading; every other field is kept as it came.

        Attributes:
            ok_count (int | None | Unset):
            error_count (int | None | Unset):
            insert_count (int | None | Unset):
            update_count (int | None | Unset):
            errors (list[str] | None | Unset):
    """

    ok_count: int | None | Unset = UNSET
    error_count: int | None | Unset = UNSET
    insert_count: int | None | Unset = UNSET
    update_count: int | None | Unset = UNSET
    errors: list[str] | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        ok_count: int | None | Unset
        if isinstance(self.ok_count, Unset):
            ok_count = UNSET
        else:
            ok_count = self.ok_count

        error_count: int | None | Unset
        if isinstance(self.error_count, Unset):
            error_count = UNSET
        else:
            error_count = self.error_count

        insert_count: int | None | Unset
        if isinstance(self.insert_count, Unset):
            insert_count = UNSET
        else:
            insert_count = self.insert_count

        update_count: int | None | Unset
        if isinstance(self.update_count, Unset):
            update_count = UNSET
        else:
            update_count = self.update_count

        errors: list[str] | None | Unset
        if isinstance(self.errors, Unset):
            errors = UNSET
        elif isinstance(self.errors, list):
            errors = self.errors

        else:
            errors = self.errors

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if ok_count is not UNSET:
            field_dict["okCount"] = ok_count
        if error_count is not UNSET:
            field_dict["errorCount"] = error_count
        if insert_count is not UNSET:
            field_dict["insertCount"] = insert_count
        if update_count is not UNSET:
            field_dict["updateCount"] = update_count
        if errors is not UNSET:
            field_dict["errors"] = errors

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_ok_count(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        ok_count = _parse_ok_count(d.pop("okCount", UNSET))

        def _parse_error_count(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        error_count = _parse_error_count(d.pop("errorCount", UNSET))

        def _parse_insert_count(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        insert_count = _parse_insert_count(d.pop("insertCount", UNSET))

        def _parse_update_count(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        update_count = _parse_update_count(d.pop("updateCount", UNSET))

        def _parse_errors(data: object) -> list[str] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                errors_type_0 = cast(list[str], data)

                return errors_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[str] | None | Unset, data)

        errors = _parse_errors(d.pop("errors", UNSET))

        save_units_result = cls(
            ok_count=ok_count,
            error_count=error_count,
            insert_count=insert_count,
            update_count=update_count,
            errors=errors,
        )

        save_units_result.additional_properties = d
        return save_units_result

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
WIRE_SCHEMA = "SaveUnitsResult"
WIRE_MEMBERS: tuple[tuple[str, str, str, bool], ...] = (
    ("okCount", "ok_count", "one of integer | null", False),
    ("errorCount", "error_count", "one of integer | null", False),
    ("insertCount", "insert_count", "one of integer | null", False),
    ("updateCount", "update_count", "one of integer | null", False),
    ("errors", "errors", "one of array of string | null", False),
)

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="WebApiError")


@_attrs_define
class WebApiError:
    """An error in ASP.NET Web API's words, {"Message": ...}: one of the error bodies the contract mock can send (the one
    real error body found was bare text).

        Attributes:
            message (None | str | Unset):
    """

    message: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        message: None | str | Unset
        if isinstance(self.message, Unset):
            message = UNSET
        else:
            message = self.message

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if message is not UNSET:
            field_dict["Message"] = message

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_message(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        message = _parse_message(d.pop("Message", UNSET))

        web_api_error = cls(
            message=message,
        )

        web_api_error.additional_properties = d
        return web_api_error

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
WIRE_SCHEMA = "WebApiError"
WIRE_MEMBERS: tuple[tuple[str, str, str, bool], ...] = (
    ("Message", "message", "one of string | null", False),
)

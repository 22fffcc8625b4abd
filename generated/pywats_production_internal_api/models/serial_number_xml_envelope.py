from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="SerialNumberXmlEnvelope")


@_attrs_define
class SerialNumberXmlEnvelope:
    """The serial-number XML protocol document, carried as a JSON string under sn.

    Attributes:
        sn (str): A SerialNumbers XML document.
    """

    sn: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        sn = self.sn

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "sn": sn,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        sn = d.pop("sn")

        serial_number_xml_envelope = cls(
            sn=sn,
        )

        serial_number_xml_envelope.additional_properties = d
        return serial_number_xml_envelope

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
WIRE_SCHEMA = "SerialNumberXmlEnvelope"
WIRE_MEMBERS: tuple[tuple[str, str, str, bool], ...] = (("sn", "sn", "string", True),)

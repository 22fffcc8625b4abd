from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.internal_serial_number_state import InternalSerialNumberState
from ..types import UNSET, Unset

T = TypeVar("T", bound="InternalSerialNumber")


@_attrs_define
class InternalSerialNumber:
    """One number of a pool with its state.

    Attributes:
        serial_number (str | Unset):
        state (InternalSerialNumberState | Unset):
        taken (datetime.datetime | None | Unset):
        ref_sn (None | str | Unset):
        ref_pn (None | str | Unset):
        ref_stn (None | str | Unset):
    """

    serial_number: str | Unset = UNSET
    state: InternalSerialNumberState | Unset = UNSET
    taken: datetime.datetime | None | Unset = UNSET
    ref_sn: None | str | Unset = UNSET
    ref_pn: None | str | Unset = UNSET
    ref_stn: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        serial_number = self.serial_number

        state: str | Unset = UNSET
        if not isinstance(self.state, Unset):
            state = self.state.value

        taken: None | str | Unset
        if isinstance(self.taken, Unset):
            taken = UNSET
        elif isinstance(self.taken, datetime.datetime):
            taken = self.taken.isoformat()
        else:
            taken = self.taken

        ref_sn: None | str | Unset
        if isinstance(self.ref_sn, Unset):
            ref_sn = UNSET
        else:
            ref_sn = self.ref_sn

        ref_pn: None | str | Unset
        if isinstance(self.ref_pn, Unset):
            ref_pn = UNSET
        else:
            ref_pn = self.ref_pn

        ref_stn: None | str | Unset
        if isinstance(self.ref_stn, Unset):
            ref_stn = UNSET
        else:
            ref_stn = self.ref_stn

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if serial_number is not UNSET:
            field_dict["serialNumber"] = serial_number
        if state is not UNSET:
            field_dict["state"] = state
        if taken is not UNSET:
            field_dict["taken"] = taken
        if ref_sn is not UNSET:
            field_dict["refSN"] = ref_sn
        if ref_pn is not UNSET:
            field_dict["refPN"] = ref_pn
        if ref_stn is not UNSET:
            field_dict["refStn"] = ref_stn

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        serial_number = d.pop("serialNumber", UNSET)

        _state = d.pop("state", UNSET)
        state: InternalSerialNumberState | Unset
        if isinstance(_state, Unset):
            state = UNSET
        else:
            state = InternalSerialNumberState(_state)

        def _parse_taken(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                taken_type_0 = datetime.datetime.fromisoformat(data)

                return taken_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        taken = _parse_taken(d.pop("taken", UNSET))

        def _parse_ref_sn(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        ref_sn = _parse_ref_sn(d.pop("refSN", UNSET))

        def _parse_ref_pn(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        ref_pn = _parse_ref_pn(d.pop("refPN", UNSET))

        def _parse_ref_stn(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        ref_stn = _parse_ref_stn(d.pop("refStn", UNSET))

        internal_serial_number = cls(
            serial_number=serial_number,
            state=state,
            taken=taken,
            ref_sn=ref_sn,
            ref_pn=ref_pn,
            ref_stn=ref_stn,
        )

        internal_serial_number.additional_properties = d
        return internal_serial_number

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
WIRE_SCHEMA = "InternalSerialNumber"
WIRE_MEMBERS: tuple[tuple[str, str, str, bool], ...] = (
    ("serialNumber", "serial_number", "string", False),
    ("state", "state", "string enum InternalSerialNumberState", False),
    ("taken", "taken", "one of date-time | null", False),
    ("refSN", "ref_sn", "one of string | null", False),
    ("refPN", "ref_pn", "one of string | null", False),
    ("refStn", "ref_stn", "one of string | null", False),
)

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="SerialNumberRecord")


@_attrs_define
class SerialNumberRecord:
    """One number of a pool with its state. The real shape is not published; unknown fields are kept.

    Attributes:
        serial_number (str | Unset):
        taken (bool | datetime.datetime | None | Unset): Taken or not; Virinco's protocol types it as a date-time
            (taken, at that time).
        taken_utc (datetime.datetime | None | Unset):
        seq (int | None | Unset): Sequence number in the pool (Virinco's protocol).
        ref_sn (None | str | Unset):
        ref_pn (None | str | Unset):
        ref_stn (None | str | Unset): Station (Virinco's protocol name).
        station_name (None | str | Unset):
    """

    serial_number: str | Unset = UNSET
    taken: bool | datetime.datetime | None | Unset = UNSET
    taken_utc: datetime.datetime | None | Unset = UNSET
    seq: int | None | Unset = UNSET
    ref_sn: None | str | Unset = UNSET
    ref_pn: None | str | Unset = UNSET
    ref_stn: None | str | Unset = UNSET
    station_name: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        serial_number = self.serial_number

        taken: bool | None | str | Unset
        if isinstance(self.taken, Unset):
            taken = UNSET
        elif isinstance(self.taken, datetime.datetime):
            taken = self.taken.isoformat()
        else:
            taken = self.taken

        taken_utc: None | str | Unset
        if isinstance(self.taken_utc, Unset):
            taken_utc = UNSET
        elif isinstance(self.taken_utc, datetime.datetime):
            taken_utc = self.taken_utc.isoformat()
        else:
            taken_utc = self.taken_utc

        seq: int | None | Unset
        if isinstance(self.seq, Unset):
            seq = UNSET
        else:
            seq = self.seq

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

        station_name: None | str | Unset
        if isinstance(self.station_name, Unset):
            station_name = UNSET
        else:
            station_name = self.station_name

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if serial_number is not UNSET:
            field_dict["serialNumber"] = serial_number
        if taken is not UNSET:
            field_dict["taken"] = taken
        if taken_utc is not UNSET:
            field_dict["takenUtc"] = taken_utc
        if seq is not UNSET:
            field_dict["seq"] = seq
        if ref_sn is not UNSET:
            field_dict["refSN"] = ref_sn
        if ref_pn is not UNSET:
            field_dict["refPN"] = ref_pn
        if ref_stn is not UNSET:
            field_dict["refStn"] = ref_stn
        if station_name is not UNSET:
            field_dict["stationName"] = station_name

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        serial_number = d.pop("serialNumber", UNSET)

        def _parse_taken(data: object) -> bool | datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                taken_type_1 = datetime.datetime.fromisoformat(data)

                return taken_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(bool | datetime.datetime | None | Unset, data)

        taken = _parse_taken(d.pop("taken", UNSET))

        def _parse_taken_utc(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                taken_utc_type_0 = datetime.datetime.fromisoformat(data)

                return taken_utc_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        taken_utc = _parse_taken_utc(d.pop("takenUtc", UNSET))

        def _parse_seq(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        seq = _parse_seq(d.pop("seq", UNSET))

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

        def _parse_station_name(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        station_name = _parse_station_name(d.pop("stationName", UNSET))

        serial_number_record = cls(
            serial_number=serial_number,
            taken=taken,
            taken_utc=taken_utc,
            seq=seq,
            ref_sn=ref_sn,
            ref_pn=ref_pn,
            ref_stn=ref_stn,
            station_name=station_name,
        )

        serial_number_record.additional_properties = d
        return serial_number_record

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
WIRE_SCHEMA = "SerialNumberRecord"
WIRE_MEMBERS: tuple[tuple[str, str, str, bool], ...] = (
    ("serialNumber", "serial_number", "string", False),
    ("taken", "taken", "one of boolean | date-time | null", False),
    ("takenUtc", "taken_utc", "one of date-time | null", False),
    ("seq", "seq", "one of integer | null", False),
    ("refSN", "ref_sn", "one of string | null", False),
    ("refPN", "ref_pn", "one of string | null", False),
    ("refStn", "ref_stn", "one of string | null", False),
    ("stationName", "station_name", "one of string | null", False),
)

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="UnitStateHistory")


@_attrs_define
class UnitStateHistory:
    """Three lists of the same length, oldest first: the process, the phase and the time of each state the unit has been
    in.

        Attributes:
            processes (list[None | str] | Unset):
            phases (list[int] | Unset):
            date_times (list[datetime.datetime] | Unset):
    """

    processes: list[None | str] | Unset = UNSET
    phases: list[int] | Unset = UNSET
    date_times: list[datetime.datetime] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        processes: list[None | str] | Unset = UNSET
        if not isinstance(self.processes, Unset):
            processes = []
            for processes_item_data in self.processes:
                processes_item: None | str
                processes_item = processes_item_data
                processes.append(processes_item)

        phases: list[int] | Unset = UNSET
        if not isinstance(self.phases, Unset):
            phases = self.phases

        date_times: list[str] | Unset = UNSET
        if not isinstance(self.date_times, Unset):
            date_times = []
            for date_times_item_data in self.date_times:
                date_times_item = date_times_item_data.isoformat()
                date_times.append(date_times_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if processes is not UNSET:
            field_dict["processes"] = processes
        if phases is not UNSET:
            field_dict["phases"] = phases
        if date_times is not UNSET:
            field_dict["dateTimes"] = date_times

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        _processes = d.pop("processes", UNSET)
        processes: list[None | str] | Unset = UNSET
        if _processes is not UNSET:
            processes = []
            for processes_item_data in _processes:

                def _parse_processes_item(data: object) -> None | str:
                    if data is None:
                        return data
                    return cast(None | str, data)

                processes_item = _parse_processes_item(processes_item_data)

                processes.append(processes_item)

        phases = cast(list[int], d.pop("phases", UNSET))

        _date_times = d.pop("dateTimes", UNSET)
        date_times: list[datetime.datetime] | Unset = UNSET
        if _date_times is not UNSET:
            date_times = []
            for date_times_item_data in _date_times:
                date_times_item = datetime.datetime.fromisoformat(date_times_item_data)

                date_times.append(date_times_item)

        unit_state_history = cls(
            processes=processes,
            phases=phases,
            date_times=date_times,
        )

        unit_state_history.additional_properties = d
        return unit_state_history

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
WIRE_SCHEMA = "UnitStateHistory"
WIRE_MEMBERS: tuple[tuple[str, str, str, bool], ...] = (
    ("processes", "processes", "array of one of string | null", False),
    ("phases", "phases", "array of integer", False),
    ("dateTimes", "date_times", "array of date-time", False),
)

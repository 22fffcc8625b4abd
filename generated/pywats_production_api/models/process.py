from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.process_repair_operation_type_0 import ProcessRepairOperationType0


T = TypeVar("T", bound="Process")


@_attrs_define
class Process:
    """
    Attributes:
        code (int | Unset):
        name (str | Unset):
        description (None | str | Unset):
        is_test_operation (bool | None | Unset):
        is_repair_operation (bool | None | Unset):
        is_wip_operation (bool | None | Unset):
        process_index (int | None | Unset):
        state (int | None | Unset): 0 inactive, 1 active, 2 deleted.
        repair_operation (None | ProcessRepairOperationType0 | Unset): Sent on repair processes; its members are not
            recorded (the mock's are the project's reading).
    """

    code: int | Unset = UNSET
    name: str | Unset = UNSET
    description: None | str | Unset = UNSET
    is_test_operation: bool | None | Unset = UNSET
    is_repair_operation: bool | None | Unset = UNSET
    is_wip_operation: bool | None | Unset = UNSET
    process_index: int | None | Unset = UNSET
    state: int | None | Unset = UNSET
    repair_operation: None | ProcessRepairOperationType0 | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.process_repair_operation_type_0 import (
            ProcessRepairOperationType0,  # noqa: PLC0415
        )

        code = self.code

        name = self.name

        description: None | str | Unset
        if isinstance(self.description, Unset):
            description = UNSET
        else:
            description = self.description

        is_test_operation: bool | None | Unset
        if isinstance(self.is_test_operation, Unset):
            is_test_operation = UNSET
        else:
            is_test_operation = self.is_test_operation

        is_repair_operation: bool | None | Unset
        if isinstance(self.is_repair_operation, Unset):
            is_repair_operation = UNSET
        else:
            is_repair_operation = self.is_repair_operation

        is_wip_operation: bool | None | Unset
        if isinstance(self.is_wip_operation, Unset):
            is_wip_operation = UNSET
        else:
            is_wip_operation = self.is_wip_operation

        process_index: int | None | Unset
        if isinstance(self.process_index, Unset):
            process_index = UNSET
        else:
            process_index = self.process_index

        state: int | None | Unset
        if isinstance(self.state, Unset):
            state = UNSET
        else:
            state = self.state

        repair_operation: dict[str, Any] | None | Unset
        if isinstance(self.repair_operation, Unset):
            repair_operation = UNSET
        elif isinstance(self.repair_operation, ProcessRepairOperationType0):
            repair_operation = self.repair_operation.to_dict()
        else:
            repair_operation = self.repair_operation

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if code is not UNSET:
            field_dict["code"] = code
        if name is not UNSET:
            field_dict["name"] = name
        if description is not UNSET:
            field_dict["description"] = description
        if is_test_operation is not UNSET:
            field_dict["isTestOperation"] = is_test_operation
        if is_repair_operation is not UNSET:
            field_dict["isRepairOperation"] = is_repair_operation
        if is_wip_operation is not UNSET:
            field_dict["isWipOperation"] = is_wip_operation
        if process_index is not UNSET:
            field_dict["processIndex"] = process_index
        if state is not UNSET:
            field_dict["state"] = state
        if repair_operation is not UNSET:
            field_dict["repairOperation"] = repair_operation

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.process_repair_operation_type_0 import (
            ProcessRepairOperationType0,  # noqa: PLC0415
        )

        d = dict(src_dict)
        code = d.pop("code", UNSET)

        name = d.pop("name", UNSET)

        def _parse_description(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        description = _parse_description(d.pop("description", UNSET))

        def _parse_is_test_operation(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        is_test_operation = _parse_is_test_operation(d.pop("isTestOperation", UNSET))

        def _parse_is_repair_operation(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        is_repair_operation = _parse_is_repair_operation(
            d.pop("isRepairOperation", UNSET)
        )

        def _parse_is_wip_operation(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        is_wip_operation = _parse_is_wip_operation(d.pop("isWipOperation", UNSET))

        def _parse_process_index(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        process_index = _parse_process_index(d.pop("processIndex", UNSET))

        def _parse_state(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        state = _parse_state(d.pop("state", UNSET))

        def _parse_repair_operation(
            data: object,
        ) -> None | ProcessRepairOperationType0 | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                repair_operation_type_0 = ProcessRepairOperationType0.from_dict(data)

                return repair_operation_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | ProcessRepairOperationType0 | Unset, data)

        repair_operation = _parse_repair_operation(d.pop("repairOperation", UNSET))

        process = cls(
            code=code,
            name=name,
            description=description,
            is_test_operation=is_test_operation,
            is_repair_operation=is_repair_operation,
            is_wip_operation=is_wip_operation,
            process_index=process_index,
            state=state,
            repair_operation=repair_operation,
        )

        process.additional_properties = d
        return process

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
WIRE_SCHEMA = "Process"
WIRE_MEMBERS: tuple[tuple[str, str, str, bool], ...] = (
    ("code", "code", "integer", False),
    ("name", "name", "string", False),
    ("description", "description", "one of string | null", False),
    ("isTestOperation", "is_test_operation", "one of boolean | null", False),
    ("isRepairOperation", "is_repair_operation", "one of boolean | null", False),
    ("isWipOperation", "is_wip_operation", "one of boolean | null", False),
    ("processIndex", "process_index", "one of integer | null", False),
    ("state", "state", "one of integer | null", False),
    (
        "repairOperation",
        "repair_operation",
        "one of object ProcessRepairOperationType0 | null",
        False,
    ),
)

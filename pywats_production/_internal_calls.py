"""Request building and response mapping of every internal operation.

One function per operation of ``spec/production-internal-api.yaml``: it validates the
caller's input (a :class:`~pywats_production.errors.WatsInputError` before anything is
sent), builds the request with the generated internal client's builder (which knows the
internal document's parameter names, the ``Referer`` header included), and returns a
:class:`~._core.Call`. Both internal APIs (async and sync) use exactly these functions.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Iterable
from typing import Literal

import httpx

from ._calls import _array, _date_param, _json, _object
from ._core import Call, make_call
from ._json import JsonValue
from ._validate import optional_text, require_quantity, require_text
from .errors import WatsInputError, WatsResponseError
from .internal_models import (
    ChildUnitCheckResult,
    InternalSerialNumber,
    InternalUnit,
    SerialNumberRange,
    SerialNumberStatistics,
    Site,
    UnitContent,
    UnitPhaseDefinition,
    UnitStateHistory,
)
from .phase import UnitPhase

__all__ = ["DEFAULT_CULTURE", "RequestType"]

RequestType = Literal["Reserve", "Take"]

#: Culture of the server's messages when the caller names none.
DEFAULT_CULTURE = "en-US"


def _unset_if_none(value: object) -> object:
    from pywats_production_internal_api.types import UNSET

    return UNSET if value is None else value


def _culture(value: str | None, *, required: bool) -> str | None:
    if value is None:
        return DEFAULT_CULTURE if required else None
    return require_text(value, "culture_code")


def _message(response: httpx.Response) -> str:
    # A translated message: a JSON string, or bare text (Virinco's client reads text).
    if not response.content:
        return ""
    ctype = response.headers.get("content-type", "").lower()
    text = response.content.decode("utf-8", "replace").lstrip("\ufeff")
    if "json" in ctype or text[:1] == '"':
        try:
            data = json.loads(text)
        except ValueError:
            return text.strip()
        if isinstance(data, str):
            return data
        if data is None:
            return ""
        raise WatsResponseError(
            f"{response.request.url.path}: expected a message text, got {type(data).__name__}"
        )
    return text.strip()


def _int_answer(response: httpx.Response) -> int:
    data = _json(response)
    if isinstance(data, str) and data.strip().lstrip("-").isdigit():
        data = int(data)
    if isinstance(data, bool) or not isinstance(data, int):
        raise WatsResponseError(f"{response.request.url.path}: expected an integer answer")
    return data


def _bool_answer(response: httpx.Response) -> bool:
    data = _json(response)
    if isinstance(data, str) and data.strip().lower() in ("true", "false"):
        return data.strip().lower() == "true"
    if not isinstance(data, bool):
        raise WatsResponseError(f"{response.request.url.path}: expected true or false")
    return data


def _unit_args(serial_number: str, part_number: str) -> tuple[str, str]:
    return require_text(serial_number, "serial_number"), require_text(part_number, "part_number")


# ---------------------------------------------------------------------------- units


def get_unit_phases(referer: str) -> Call[list[UnitPhaseDefinition]]:
    """GET /api/internal/Mes/GetUnitPhases."""
    return make_call(
        "internal.getUnitPhases",
        lambda r: [UnitPhaseDefinition.from_json(d) for d in _array(r)],
        referer=referer,
    )


def get_unit_phase(referer: str, serial_number: str, part_number: str) -> Call[UnitPhase]:
    """GET /api/internal/Production/GetUnitPhase."""
    sn, pn = _unit_args(serial_number, part_number)
    return make_call(
        "internal.getUnitPhase",
        lambda r: UnitPhase.parse(_int_answer(r)),
        referer=referer,
        serial_number=sn,
        part_number=pn,
    )


def get_unit_process(referer: str, serial_number: str, part_number: str) -> Call[str | None]:
    """GET /api/internal/Production/GetUnitProcess."""
    sn, pn = _unit_args(serial_number, part_number)

    def parse(response: httpx.Response) -> str | None:
        data = _json(response)
        if data is not None and not isinstance(data, str):
            raise WatsResponseError(f"{response.request.url.path}: expected a process name")
        return data or None

    return make_call(
        "internal.getUnitProcess", parse, referer=referer, serial_number=sn, part_number=pn
    )


def get_unit_state_history(
    referer: str, serial_number: str, part_number: str
) -> Call[UnitStateHistory]:
    """GET /api/internal/Production/GetUnitStateHistory."""
    sn, pn = _unit_args(serial_number, part_number)
    return make_call(
        "internal.getUnitStateHistory",
        lambda r: UnitStateHistory.from_json(_object(r)),
        referer=referer,
        serial_number=sn,
        part_number=pn,
    )


def get_unit_hierarchy(referer: str, serial_number: str, part_number: str) -> Call[InternalUnit]:
    """GET /api/internal/Production/GetUnitHierarchy."""
    sn, pn = _unit_args(serial_number, part_number)
    return make_call(
        "internal.getUnitHierarchy",
        lambda r: InternalUnit.from_json(_object(r)),
        referer=referer,
        serial_number=sn,
        part_number=pn,
    )


def get_unit_info(referer: str, serial_number: str, part_number: str) -> Call[InternalUnit]:
    """GET /api/internal/Production/GetUnitInfo."""
    sn, pn = _unit_args(serial_number, part_number)
    return make_call(
        "internal.getUnitInfo",
        lambda r: InternalUnit.from_json(_object(r)),
        referer=referer,
        serial_number=sn,
        part_number=pn,
    )


def get_unit_contents(
    referer: str, serial_number: str, part_number: str, revision: str
) -> Call[list[UnitContent]]:
    """GET /api/internal/Production/GetUnitContents."""
    sn, pn = _unit_args(serial_number, part_number)
    return make_call(
        "internal.getUnitContents",
        lambda r: [UnitContent.from_json(d) for d in _array(r)],
        referer=referer,
        serial_number=sn,
        part_number=pn,
        revision=require_text(revision, "revision"),
    )


def create_unit(
    referer: str,
    serial_number: str,
    part_number: str,
    revision: str,
    batch_number: str | None,
    phase: UnitPhase | int | str | None,
) -> Call[InternalUnit]:
    """POST /api/internal/Production/CreateUnit."""
    sn, pn = _unit_args(serial_number, part_number)
    value = None if phase is None else int(UnitPhase.parse(phase))
    return make_call(
        "internal.createUnit",
        lambda r: InternalUnit.from_json(_object(r)),
        referer=referer,
        serial_number=sn,
        part_number=pn,
        revision=require_text(revision, "revision"),
        batch_number=_unset_if_none(optional_text(batch_number, "batch_number")),
        unit_phase=_unset_if_none(value),
    )


def set_unit_phase_and_process(
    referer: str,
    serial_number: str,
    part_number: str,
    phase: UnitPhase | int | str,
    process_name: str,
) -> Call[None]:
    """GET /api/internal/Production/SetUnitPhaseAndProcess (a GET that writes)."""
    sn, pn = _unit_args(serial_number, part_number)
    value = int(UnitPhase.parse(phase))
    return make_call(
        "internal.setUnitPhaseAndProcess",
        lambda r: None,
        referer=referer,
        serial_number=sn,
        part_number=pn,
        phase=value,
        process_name=require_text(process_name, "process_name"),
        attributes={"phase": value},
    )


# ------------------------------------------------------------------------- assembly


def add_child_unit(
    referer: str,
    serial_number: str,
    part_number: str,
    child_serial_number: str,
    child_part_number: str,
    check_part_number: str | None,
    check_revision: str | None,
    check_phase: bool | None,
    culture_code: str | None,
) -> Call[str]:
    """POST /api/internal/Production/AddChildUnit."""
    sn, pn = _unit_args(serial_number, part_number)
    if check_phase is not None and not isinstance(check_phase, bool):
        raise WatsInputError("check_phase must be True, False or None", parameter="check_phase")
    return make_call(
        "internal.addChildUnit",
        _message,
        referer=referer,
        serial_number=sn,
        part_number=pn,
        child_serial_number=require_text(child_serial_number, "child_serial_number"),
        child_part_number=require_text(child_part_number, "child_part_number"),
        # Required by the internal document: blank lets the box build decide.
        check_part_number=optional_text(check_part_number, "check_part_number") or "",
        check_revision=optional_text(check_revision, "check_revision") or "",
        culture_code=_culture(culture_code, required=True),
        check_phase=_unset_if_none(check_phase),
    )


def remove_child_unit(
    referer: str,
    serial_number: str,
    part_number: str,
    child_serial_number: str,
    child_part_number: str,
    culture_code: str | None,
) -> Call[str]:
    """POST /api/internal/Production/RemoveChildUnit."""
    sn, pn = _unit_args(serial_number, part_number)
    return make_call(
        "internal.removeChildUnit",
        _message,
        referer=referer,
        serial_number=sn,
        part_number=pn,
        child_serial_number=require_text(child_serial_number, "child_serial_number"),
        child_part_number=require_text(child_part_number, "child_part_number"),
        culture_code=_unset_if_none(_culture(culture_code, required=False)),
    )


def remove_all_child_units(
    referer: str, serial_number: str, part_number: str, culture_code: str | None
) -> Call[str]:
    """POST /api/internal/Production/RemoveAllChildUnits."""
    sn, pn = _unit_args(serial_number, part_number)
    return make_call(
        "internal.removeAllChildUnits",
        _message,
        referer=referer,
        serial_number=sn,
        part_number=pn,
        culture_code=_unset_if_none(_culture(culture_code, required=False)),
    )


def check_child_units(
    referer: str, serial_number: str, part_number: str, culture_code: str | None
) -> Call[ChildUnitCheckResult]:
    """GET /api/internal/Production/CheckChildUnits."""
    sn, pn = _unit_args(serial_number, part_number)
    return make_call(
        "internal.checkChildUnits",
        lambda r: ChildUnitCheckResult.from_json(_object(r)),
        referer=referer,
        culture_code=_culture(culture_code, required=True),
        parent_serial_number=sn,
        parent_part_number=pn,
    )


# ------------------------------------------------------------------- serial numbers


def _type_name(value: str) -> str:
    return require_text(value, "serial_number_type")


def find_serial_numbers(
    referer: str,
    serial_number_type: str,
    start: str,
    end: str,
    start_date: dt.datetime | None,
    end_date: dt.datetime | None,
) -> Call[list[InternalSerialNumber]]:
    """GET /api/internal/Production/SerialNumbers."""
    return make_call(
        "internal.findSerialNumbers",
        lambda r: [InternalSerialNumber.from_json(d) for d in _array(r)],
        referer=referer,
        serial_number_type=_type_name(serial_number_type),
        start_address=require_text(start, "start"),
        end_address=require_text(end, "end"),
        start_date=_unset_if_none(_date_param(start_date, "start_date")),
        end_date=_unset_if_none(_date_param(end_date, "end_date")),
    )


def count_serial_numbers(
    referer: str,
    serial_number_type: str,
    start: str | None,
    end: str | None,
    from_date: dt.datetime | None,
    to_date: dt.datetime | None,
) -> Call[int]:
    """GET /api/internal/Production/SerialNumbers/Count."""
    return make_call(
        "internal.countSerialNumbers",
        _int_answer,
        referer=referer,
        serial_number_type=_type_name(serial_number_type),
        start_address=_unset_if_none(optional_text(start, "start")),
        end_address=_unset_if_none(optional_text(end, "end")),
        from_date=_unset_if_none(_date_param(from_date, "from_date")),
        to_date=_unset_if_none(_date_param(to_date, "to_date")),
    )


def get_serial_number_ranges(
    referer: str, serial_number_type: str | None
) -> Call[list[SerialNumberRange]]:
    """GET /api/internal/Production/SerialNumbers/Ranges."""
    return make_call(
        "internal.getSerialNumberRanges",
        lambda r: [SerialNumberRange.from_json(d) for d in _array(r)],
        referer=referer,
        serial_number_type=_unset_if_none(optional_text(serial_number_type, "serial_number_type")),
    )


def get_serial_number_statistics(
    referer: str, serial_number_type: str | None
) -> Call[list[SerialNumberStatistics]]:
    """GET /api/internal/Production/SerialNumbers/Statistics."""
    return make_call(
        "internal.getSerialNumberStatistics",
        lambda r: [SerialNumberStatistics.from_json(d) for d in _array(r)],
        referer=referer,
        serial_number_type=_unset_if_none(optional_text(serial_number_type, "serial_number_type")),
    )


def free_serial_numbers(referer: str, ranges: Iterable[SerialNumberRange]) -> Call[None]:
    """PUT /api/internal/Production/SerialNumbers/Free."""
    if isinstance(ranges, SerialNumberRange):
        ranges = [ranges]
    wire: list[JsonValue] = []
    for index, item in enumerate(ranges):
        if not isinstance(item, SerialNumberRange):
            raise WatsInputError(
                f"ranges[{index}] is a {type(item).__name__}, not a SerialNumberRange",
                parameter="ranges",
            )
        for name in ("serial_number_type", "start_address", "end_address"):
            value = getattr(item, name)
            if value is None:
                raise WatsInputError(f"ranges[{index}] has no {name}", parameter="ranges")
            require_text(value, f"ranges[{index}].{name}")
        wire.append(item.to_wire())
    if not wire:
        raise WatsInputError("give at least one range to free", parameter="ranges")
    return make_call(
        "internal.freeSerialNumbers",
        lambda r: None,
        referer=referer,
        json=wire,
        body=[],
        attributes={"ranges": len(wire)},
    )


def reservation_document(
    *,
    request_type: RequestType,
    serial_number_type: str,
    quantity: int,
    ref_serial_number: str | None,
    ref_part_number: str | None,
    station_name: str | None,
    site_name: str | None,
    only_in_sequence: bool,
) -> str:
    """Build the ``<SerialNumbers>`` request of the serial-number XML protocol."""
    # Loaded on first use: `import pywats_production` stays light. Only writes XML.
    from xml.etree import ElementTree as ET

    root = ET.Element("SerialNumbers")
    root.set("requestType", request_type)
    root.set("serialNumberType", serial_number_type)
    root.set("batchSize", str(quantity))
    root.set("onlyInSequence", "true" if only_in_sequence else "false")
    for name, value in (
        ("refSN", ref_serial_number),
        ("refPN", ref_part_number),
        ("stationName", station_name),
        ("siteName", site_name),
    ):
        if value is not None:
            root.set(name, value)
    return ET.tostring(root, encoding="unicode")


def _reserved_numbers(response: httpx.Response) -> list[str]:
    from .serials import parse_take_xml

    data = _object(response)
    document = data.get("sn")
    if not isinstance(document, str):
        raise WatsResponseError(
            f"{response.request.url.path}: expected {{'sn': '<SerialNumbers ...>'}}"
        )
    return parse_take_xml(document)


def reserve_serial_numbers(
    referer: str,
    serial_number_type: str,
    quantity: int,
    *,
    request_type: str,
    ref_serial_number: str | None,
    ref_part_number: str | None,
    station_name: str | None,
    site_name: str | None,
    only_in_sequence: bool,
) -> Call[list[str]]:
    """POST /api/internal/Production/GetAndReserveNewSerialNumbers."""
    kind = request_type.strip().capitalize() if isinstance(request_type, str) else None
    if kind not in ("Reserve", "Take"):
        raise WatsInputError(
            f"request_type must be 'Reserve' or 'Take', not {request_type!r}",
            parameter="request_type",
        )
    if not isinstance(only_in_sequence, bool):
        raise WatsInputError("only_in_sequence must be True or False", parameter="only_in_sequence")
    count = require_quantity(quantity, "quantity")
    document = reservation_document(
        request_type=kind,  # type: ignore[arg-type]
        serial_number_type=_type_name(serial_number_type),
        quantity=count,
        ref_serial_number=optional_text(ref_serial_number, "ref_serial_number"),
        ref_part_number=optional_text(ref_part_number, "ref_part_number"),
        station_name=optional_text(station_name, "station_name"),
        site_name=optional_text(site_name, "site_name"),
        only_in_sequence=only_in_sequence,
    )
    from pywats_production_internal_api.models.serial_number_xml_envelope import (
        SerialNumberXmlEnvelope,
    )

    return make_call(
        "internal.reserveSerialNumbers",
        _reserved_numbers,
        referer=referer,
        body=SerialNumberXmlEnvelope(sn=document),
        attributes={"quantity": count, "request_type": kind},
    )


def auto_reference() -> str:
    """Return a reference serial number unique to one reservation (for recovery)."""
    return f"pywats-{uuid.uuid4().hex}"


# ---------------------------------------------------------------------------- other


def get_sites(referer: str) -> Call[list[Site]]:
    """GET /api/internal/Production/GetSites."""
    return make_call(
        "internal.getSites", lambda r: [Site.from_json(d) for d in _array(r)], referer=referer
    )


def is_connected(referer: str) -> Call[bool]:
    """GET /api/internal/Production/isConnected."""
    return make_call("internal.isConnected", _bool_answer, referer=referer)

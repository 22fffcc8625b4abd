"""Request building and response mapping of every public operation.

One function per operation: it validates the caller's input (raising a
:class:`~pywats_production.errors.WatsInputError` before anything is sent), builds the
request with the generated client's builder, and returns a :class:`~._core.Call` whose
``parse`` maps the answer to domain models. Both services use exactly these functions.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from io import BytesIO
from typing import Literal

import httpx

from ._core import Call, T, make_call
from ._json import JsonValue
from ._validate import _FORBIDDEN as _FORBIDDEN_TEXT
from ._validate import (
    check_unit,
    optional_text,
    require_datetime,
    require_int32,
    require_quantity,
    require_text,
)
from .errors import WatsInputError, WatsResponseError
from .models import (
    ChildUnitCheck,
    Process,
    ProductionBatch,
    SaveUnitsResult,
    SerialNumberRecord,
    SerialNumberType,
    SerialNumberUploadResult,
    ServerVersion,
    Unit,
    UnitChange,
    UnitVerificationGrade,
)
from .phase import UnitPhase

FileFormat = Literal["XML", "CSV", "xml", "csv"]

__all__ = ["FileFormat"]


# serials (and the csv and xml modules it needs) loads with the first serial-number call:
# `import pywats_production` stays light.
def normalize_format(value: str) -> Literal["XML", "CSV"]:
    from .serials import normalize_format as normalize

    return normalize(value)


def parse_take(body: bytes, fmt: str) -> list[str]:
    from .serials import parse_take as parse

    return parse(body, fmt)


def _json(response: httpx.Response) -> object:
    try:
        return json.loads(response.content) if response.content else None
    except ValueError as exc:
        raise WatsResponseError(
            f"{response.request.method} {response.request.url.path}: answer is not JSON"
        ) from exc
    except RecursionError:
        raise WatsResponseError(
            f"{response.request.method} {response.request.url.path}: answer is JSON nested "
            "too deeply to read"
        ) from None


def _object(response: httpx.Response) -> dict[str, object]:
    data = _json(response)
    if not isinstance(data, dict):
        raise WatsResponseError(
            f"{response.request.url.path}: expected a JSON object, got {type(data).__name__}"
        )
    return data


def _array(response: httpx.Response) -> list[dict[str, object]]:
    data = _json(response)
    if data is None:
        return []
    if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
        raise WatsResponseError(f"{response.request.url.path}: expected a JSON array of objects")
    return data


def _none(response: httpx.Response) -> None:
    return None


def _format_enum(fmt: str) -> object:
    from pywats_production_api.models.serial_number_file_format import SerialNumberFileFormat

    return SerialNumberFileFormat(normalize_format(fmt))


def _date_param(value: dt.datetime | None, parameter: str) -> dt.datetime | None:
    checked = require_datetime(value, parameter)
    if checked is not None and checked.tzinfo is None:
        # Naive datetimes are taken as UTC: a station's local clock is not the server's.
        checked = checked.replace(tzinfo=dt.UTC)
    return checked


# Take and Export answer a file: ask for that file's type. pywats-api sent
# `Accept: application/json` to Take and got the XML back as text, possibly inside a JSON
# string (olreppe/pyWATS@7a89a7b); the readers accept both, and asking for the format
# wanted is what a server's content negotiation understands. `*/*` last: never a 406.
_ACCEPT: dict[str, str] = {
    "XML": "application/xml, text/xml;q=0.9, */*;q=0.1",
    "CSV": "text/csv, text/plain;q=0.9, */*;q=0.1",
}


def _accepting(call: Call[T], fmt: str) -> Call[T]:
    headers = dict(call.request.get("headers") or {})
    headers["Accept"] = _ACCEPT[fmt]
    call.request["headers"] = headers
    return call


def _unset_if_none(value: object) -> object:
    from pywats_production_api.types import UNSET

    return UNSET if value is None else value


# ------------------------------------------------------------------------------ units


def get_unit(serial_number: str, part_number: str) -> Call[Unit]:
    """GET /api/Production/Unit/{serialNumber}/{partNumber}."""
    sn = require_text(serial_number, "serial_number")
    pn = require_text(part_number, "part_number")
    return make_call(
        "getUnit",
        lambda r: Unit.from_json(_object(r)),
        serial_number=sn,
        part_number=pn,
    )


def save_units_chunks(units: Iterable[Unit], chunk_size: int) -> list[Call[SaveUnitsResult]]:
    """PUT /api/Production/Units, one call per chunk of ``chunk_size`` units."""
    if isinstance(chunk_size, bool) or not isinstance(chunk_size, int) or chunk_size < 1:
        raise WatsInputError("chunk_size must be an int >= 1", parameter="chunk_size")
    wire: list[dict[str, JsonValue]] = []
    append = wire.append
    # Unit.to_wire called unbound for plain Units (no bound method made per unit); a
    # subclass's own to_wire is honoured. The index of a unit is len(wire) when it fails.
    plain_to_wire = Unit.to_wire
    for unit in units:
        cls = type(unit)
        if cls is not Unit and not isinstance(unit, Unit):
            raise WatsInputError(
                f"units[{len(wire)}] is a {cls.__name__}, not a Unit", parameter="units"
            )
        # Every field is checked: bytes, NaN or a lone surrogate would otherwise fail
        # inside httpx or json, after other chunks were already written.
        check_unit(unit, f"units[{len(wire)}]")
        append(plain_to_wire(unit) if cls is Unit else unit.to_wire())
    calls = []
    for start in range(0, len(wire), chunk_size):
        chunk = wire[start : start + chunk_size]
        sent = len(chunk)

        def parse(r: httpx.Response, sent: int = sent) -> SaveUnitsResult:
            data = _json(r)
            payload = data if isinstance(data, dict) else {}
            return SaveUnitsResult.from_json(payload, units_sent=sent)

        calls.append(make_call("putUnits", parse, json=chunk, attributes={"units": sent}, body=[]))
    return calls


def set_unit_phase(
    serial_number: str, part_number: str, phase: UnitPhase | int | str
) -> Call[None]:
    """PUT /api/Production/SetUnitPhase."""
    sn = require_text(serial_number, "serial_number")
    pn = require_text(part_number, "part_number")
    value = UnitPhase.parse(phase)
    return make_call(
        "setUnitPhase",
        _none,
        serial_number=sn,
        part_number=pn,
        phase=int(value),
        attributes={"phase": int(value)},
    )


def set_unit_process(serial_number: str, part_number: str, process_name: str) -> Call[None]:
    """PUT /api/Production/SetUnitProcess."""
    return make_call(
        "setUnitProcess",
        _none,
        serial_number=require_text(serial_number, "serial_number"),
        part_number=require_text(part_number, "part_number"),
        process_name=require_text(process_name, "process_name"),
    )


def verify_unit(serial_number: str, part_number: str | None) -> Call[UnitVerificationGrade]:
    """GET /api/Production/UnitVerification."""
    return make_call(
        "getUnitVerification",
        lambda r: UnitVerificationGrade.from_json(_object(r)),
        serial_number=require_text(serial_number, "serial_number"),
        part_number=_unset_if_none(optional_text(part_number, "part_number")),
    )


# --------------------------------------------------------------------------- assembly


def add_child_unit(
    parent_serial_number: str,
    parent_part_number: str,
    child_serial_number: str,
    child_part_number: str,
    check_part_number: str | None,
    check_revision: str | None,
) -> Call[None]:
    """POST /api/Production/AddChildUnit."""
    check_pn = optional_text(check_part_number, "check_part_number")
    check_rev = optional_text(check_revision, "check_revision")
    if check_rev is not None and check_pn is None:
        raise WatsInputError("check_revision needs check_part_number", parameter="check_revision")
    return make_call(
        "addChildUnit",
        _none,
        parent_serial_number=require_text(parent_serial_number, "parent_serial_number"),
        parent_part_number=require_text(parent_part_number, "parent_part_number"),
        child_serial_number=require_text(child_serial_number, "child_serial_number"),
        child_part_number=require_text(child_part_number, "child_part_number"),
        check_part_number=_unset_if_none(check_pn),
        check_revision=_unset_if_none(check_rev),
    )


def remove_child_unit(
    parent_serial_number: str,
    parent_part_number: str,
    child_serial_number: str,
    child_part_number: str,
) -> Call[None]:
    """POST /api/Production/RemoveChildUnit."""
    return make_call(
        "removeChildUnit",
        _none,
        parent_serial_number=require_text(parent_serial_number, "parent_serial_number"),
        parent_part_number=require_text(parent_part_number, "parent_part_number"),
        child_serial_number=require_text(child_serial_number, "child_serial_number"),
        child_part_number=require_text(child_part_number, "child_part_number"),
    )


def check_child_units(parent_serial_number: str, parent_part_number: str) -> Call[ChildUnitCheck]:
    """GET /api/Production/CheckChildUnits."""
    return make_call(
        "checkChildUnits",
        lambda r: ChildUnitCheck.from_payload(_json(r)),  # type: ignore[arg-type]
        parent_serial_number=require_text(parent_serial_number, "parent_serial_number"),
        parent_part_number=require_text(parent_part_number, "parent_part_number"),
    )


# ---------------------------------------------------------------------- serial numbers


def get_serial_number_types() -> Call[list[SerialNumberType]]:
    """GET /api/Production/SerialNumbers/Types."""
    return make_call(
        "getSerialNumberTypes",
        lambda r: [SerialNumberType.from_json(item) for item in _array(r)],
    )


def take_serial_numbers(
    type_name: str,
    quantity: int,
    ref_serial_number: str | None,
    ref_part_number: str | None,
    station_name: str | None,
    only_in_sequence: bool,
    format: FileFormat,
) -> Call[list[str]]:
    """POST /api/Production/SerialNumbers/Take."""
    name = require_text(type_name, "type_name")
    count = require_quantity(quantity)
    if not isinstance(only_in_sequence, bool):
        raise WatsInputError("only_in_sequence must be a bool", parameter="only_in_sequence")
    fmt = normalize_format(format)
    call = make_call(
        "takeSerialNumbers",
        lambda r: parse_take(r.content, fmt),
        serial_number_type=name,
        quantity=count,
        ref_sn=_unset_if_none(optional_text(ref_serial_number, "ref_serial_number")),
        ref_pn=_unset_if_none(optional_text(ref_part_number, "ref_part_number")),
        station_name=_unset_if_none(optional_text(station_name, "station_name")),
        only_in_sequence=only_in_sequence if only_in_sequence else _unset_if_none(None),
        format_=_format_enum(fmt),
        attributes={"serial_number_type": name, "quantity": count, "format": fmt},
    )
    return _accepting(call, fmt)


def _records(r: httpx.Response) -> list[SerialNumberRecord]:
    return [SerialNumberRecord.from_json(item) for item in _array(r)]


def get_serial_numbers_by_range(
    type_name: str,
    start_address: str,
    end_address: str,
    start_date: dt.datetime | None,
    end_date: dt.datetime | None,
) -> Call[list[SerialNumberRecord]]:
    """GET /api/Production/SerialNumbers/ByRange."""
    name = require_text(type_name, "type_name")
    return make_call(
        "getSerialNumbersByRange",
        _records,
        serial_number_type=name,
        start_address=require_text(start_address, "start_address"),
        end_address=require_text(end_address, "end_address"),
        start_date=_unset_if_none(_date_param(start_date, "start_date")),
        end_date=_unset_if_none(_date_param(end_date, "end_date")),
        attributes={"serial_number_type": name},
    )


def get_serial_numbers_by_reference(
    type_name: str,
    ref_serial_number: str | None,
    ref_part_number: str | None,
    start_date: dt.datetime | None,
    end_date: dt.datetime | None,
) -> Call[list[SerialNumberRecord]]:
    """GET /api/Production/SerialNumbers/ByReference."""
    name = require_text(type_name, "type_name")
    ref_sn = optional_text(ref_serial_number, "ref_serial_number")
    ref_pn = optional_text(ref_part_number, "ref_part_number")
    if ref_sn is None and ref_pn is None:
        raise WatsInputError(
            "give ref_serial_number or ref_part_number (or both)", parameter="ref_serial_number"
        )
    return make_call(
        "getSerialNumbersByReference",
        _records,
        serial_number_type=name,
        ref_sn=_unset_if_none(ref_sn),
        ref_pn=_unset_if_none(ref_pn),
        start_date=_unset_if_none(_date_param(start_date, "start_date")),
        end_date=_unset_if_none(_date_param(end_date, "end_date")),
        attributes={"serial_number_type": name},
    )


def export_serial_numbers(
    type_name: str,
    format: FileFormat,
    start_address: str | None,
    end_address: str | None,
    start_date: dt.datetime | None,
    end_date: dt.datetime | None,
) -> Call[bytes]:
    """GET /api/Production/SerialNumbers (the export file, as bytes)."""
    name = require_text(type_name, "type_name")
    fmt = normalize_format(format)
    call = make_call(
        "exportSerialNumbers",
        lambda r: r.content,
        serial_number_type=name,
        format_=_format_enum(fmt),
        start_address=_unset_if_none(optional_text(start_address, "start_address")),
        end_address=_unset_if_none(optional_text(end_address, "end_address")),
        start_date=_unset_if_none(_date_param(start_date, "start_date")),
        end_date=_unset_if_none(_date_param(end_date, "end_date")),
        attributes={"serial_number_type": name, "format": fmt},
    )
    return _accepting(call, fmt)


def upload_serial_numbers(
    type_name: str, data: bytes | str, format: FileFormat
) -> Call[SerialNumberUploadResult]:
    """PUT /api/Production/SerialNumbers (multipart upload of an XML or CSV file)."""
    from pywats_production_api.models.serial_number_upload import SerialNumberUpload
    from pywats_production_api.types import File

    name = require_text(type_name, "type_name")
    fmt = normalize_format(format)
    if isinstance(data, str):
        try:
            data = data.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise WatsInputError(
                f"data holds a lone surrogate at position {exc.start}, which is not text",
                parameter="data",
            ) from None
    if not isinstance(data, bytes | bytearray) or not data:
        raise WatsInputError("data must be non-empty bytes or str", parameter="data")
    mime = "application/xml" if fmt == "XML" else "text/csv"
    body = SerialNumberUpload(
        file=File(payload=BytesIO(bytes(data)), file_name=f"serials.{fmt.lower()}", mime_type=mime)
    )
    return make_call(
        "uploadSerialNumbers",
        lambda r: SerialNumberUploadResult.from_answer(r.content),
        body=body,
        serial_number_type=name,
        format_=_format_enum(fmt),
        attributes={"serial_number_type": name, "format": fmt, "bytes": len(data)},
    )


# --------------------------------------------------------------------- batches, changes


def save_batches(batches: Sequence[ProductionBatch]) -> Call[None]:
    """PUT /api/Production/Batches."""
    wire: list[dict[str, object]] = []
    for index, batch in enumerate(batches):
        if not isinstance(batch, ProductionBatch):
            raise WatsInputError(
                f"batches[{index}] is a {type(batch).__name__}, not a ProductionBatch",
                parameter="batches",
            )
        require_text(batch.batch_number, f"batches[{index}].batch_number")
        if batch.batch_size is not None:
            require_int32(batch.batch_size, f"batches[{index}].batch_size")
        wire.append(dict(batch.to_wire()))
    if not wire:
        raise WatsInputError("batches must not be empty", parameter="batches")
    return make_call("putBatches", _none, json=wire, body=[])


def get_unit_changes(max_count: int) -> Call[list[UnitChange]]:
    """GET /api/Production/Units/Changes."""
    count = require_quantity(max_count, "max_count")
    return make_call(
        "getUnitChanges",
        lambda r: [UnitChange.from_json(item) for item in _array(r)],
        max_count=count,
        attributes={"max_count": count},
    )


def delete_unit_change(change_id: int) -> Call[None]:
    """DELETE /api/Production/Units/Changes/{id}."""
    return make_call(
        "deleteUnitChange", _none, id=require_int32(change_id, "change_id"), attributes={}
    )


# ------------------------------------------------------------------------------- app


def server_version() -> Call[ServerVersion]:
    """GET /api/App/Version."""

    def parse(r: httpx.Response) -> ServerVersion:
        # The format is not published: a JSON string, a JSON object or plain text are all
        # read, and the raw text is kept when no known member holds the version.
        try:
            data = json.loads(r.content) if r.content else None
        except (ValueError, RecursionError):
            return ServerVersion.parse(r.text)
        if data is None:
            raise WatsResponseError("server version: empty answer")
        try:
            return ServerVersion.from_payload(data)
        except WatsResponseError:
            return ServerVersion.parse(r.text)

    return make_call("getServerVersion", parse)


def get_processes() -> Call[list[Process]]:
    """GET /api/App/Processes."""
    return make_call(
        "getProcesses",
        lambda r: [Process.from_json(item) for item in _array(r)],
        include_test_operations=True,
        include_repair_operations=True,
        include_wip_operations=True,
    )


# ------------------------------------------------- one-unit operations (server 2026.3)


def query_units(filter_text: str | None, top: int | None, orderby: str | None) -> Call[list[Unit]]:
    """GET /api/Production/Unit/Query (the filter is already built and escaped)."""
    return make_call(
        "queryUnits",
        lambda r: [Unit.from_json(item) for item in _array(r)],
        filter_=_unset_if_none(filter_text),
        top=_unset_if_none(top),
        orderby=_unset_if_none(orderby),
        attributes={"top": top} if top is not None else {},
    )


class _Prebuilt:
    """A body the domain model already serialised, handed to a generated request builder."""

    __slots__ = ("_wire",)

    def __init__(self, wire: dict[str, JsonValue]) -> None:
        self._wire = wire

    def to_dict(self) -> dict[str, JsonValue]:
        return self._wire


def _one_unit(unit: object, parameter: str = "unit") -> Unit:
    if not isinstance(unit, Unit):
        raise WatsInputError(
            f"{parameter} is a {type(unit).__name__}, not a Unit", parameter=parameter
        )
    check_unit(unit, parameter)  # the same field checks as save_units
    return unit


def create_unit(unit: Unit) -> Call[None]:
    """POST /api/Production/Unit."""
    checked = _one_unit(unit)
    if checked.revision is None:
        raise WatsInputError("create_unit needs unit.revision", parameter="unit.revision")
    require_text(checked.revision, "unit.revision")
    if checked.parent_serial_number is not None:
        # The server refuses it; saying so here loses nothing and sends nothing.
        raise WatsInputError(
            "a unit is created without a parent (parent_serial_number is set): create it, "
            "then link it with add_child_unit",
            parameter="unit.parent_serial_number",
        )
    return make_call("createUnit", _none, body=_Prebuilt(checked.to_wire()))


def update_unit(unit: Unit) -> Call[None]:
    """PUT /api/Production/Unit."""
    checked = _one_unit(unit)
    wire = checked.to_wire()
    # Phase and process have their own operations; this one leaves them as they are.
    wire.pop("unitPhaseId", None)
    wire.pop("processCode", None)
    return make_call("updateUnit", _none, body=_Prebuilt(wire))


def delete_unit(serial_number: str, part_number: str) -> Call[None]:
    """DELETE /api/Production/Unit."""
    return make_call(
        "deleteUnit",
        _none,
        serial_number=require_text(serial_number, "serial_number"),
        part_number=require_text(part_number, "part_number"),
    )


def change_unit(
    serial_number: str, part_number: str, new_part_number: str, new_revision: str
) -> Call[None]:
    """PUT /api/Production/ChangeUnit."""
    return make_call(
        "changeUnit",
        _none,
        serial_number=require_text(serial_number, "serial_number"),
        part_number=require_text(part_number, "part_number"),
        new_part_number=require_text(new_part_number, "new_part_number"),
        new_revision=require_text(new_revision, "new_revision"),
    )


def set_unit_tag(serial_number: str, part_number: str, key: str, value: str) -> Call[None]:
    """PUT /api/Production/UnitTag."""
    if not isinstance(value, str):
        raise TypeError(f"value must be str, not {type(value).__name__}")
    if _FORBIDDEN_TEXT.search(value):
        raise WatsInputError("value holds a control character", parameter="value")
    return make_call(
        "setUnitTag",
        _none,
        serial_number=require_text(serial_number, "serial_number"),
        part_number=require_text(part_number, "part_number"),
        key=require_text(key, "key"),
        value=value,
    )

r"""Serial-number files: Take answers, Export files and Upload files (XML or CSV).

The layouts are those of ``docs/wire-formats.md``. The readers are lenient where a real
server may differ (CRLF, a UTF-8 BOM, blank lines, an optional CSV header, extra CSV
columns, XML namespaces, the number as ``<SN>`` text instead of its ``id`` attribute) and
strict where it matters: XML with a DTD, an entity declaration or an external reference is
refused with :class:`~pywats_production.errors.UnsafeXmlError` before anything is expanded
or fetched, which is what defeats billion-laughs and XXE documents.

XML is read with defusedxml's parser (``forbid_dtd``, ``forbid_entities``,
``forbid_external``) feeding a small target object instead of building a tree: one code
path for whole documents and for chunk-by-chunk streaming. The one exception is a Take
answer in exactly the canonical shape (ASCII numbers, no DTD, comment, entity or
namespace possible), read by a whole-document pattern at ten times the speed.

Example:
    >>> parse_take(b'<SerialNumbers><SN id="A1"/><SN id="A2"/></SerialNumbers>', "XML")
    ['A1', 'A2']
    >>> build_upload(["A1", "A2"], "CSV")
    b'SerialNumber,Taken,TakenUtc,RefSN,RefPN,StationName\nA1,,,,,\nA2,,,,,\n'

"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import itertools
from collections.abc import Iterable, Iterator
from typing import Final
from xml.sax.saxutils import quoteattr

from pywats_production._json import EMPTY_MAP, FrozenJsonMap, JsonValue
from pywats_production._take import (
    _TAKE_HEADERS,
    SerialNumberFileFormat,
    _encoding_override,
    _header_key,
    _number_of,
    _SnReader,
    _unwrap_json_string,
    normalize_format,
    parse_take,
    parse_take_csv,
    parse_take_xml,
)
from pywats_production._validate import format_datetime, require_text
from pywats_production.errors import WatsResponseError
from pywats_production.models import (
    SerialNumberRecord,
    parse_wire_datetime,
    read_seq,
    read_taken,
    report_drift,
)

__all__ = [
    "CSV_HEADER",
    "SerialNumberFileFormat",
    "build_upload",
    "iter_export",
    "iter_export_csv",
    "iter_export_xml",
    "normalize_format",
    "parse_export",
    "parse_take",
    "parse_take_csv",
    "parse_take_xml",
]

"""File format of Take answers, exports and uploads."""

CSV_HEADER: Final = ("SerialNumber", "Taken", "TakenUtc", "RefSN", "RefPN", "StationName")
"""Columns of an export/upload CSV file, in order."""

# Header names (lower case, without spaces/underscores) -> record field.
_CSV_COLUMNS: Final = {
    "serialnumber": "serial_number",
    "sn": "serial_number",
    "id": "serial_number",
    "address": "serial_number",
    "taken": "taken",
    "takenutc": "taken_at",
    "takenat": "taken_at",
    "takendate": "taken_at",
    "refsn": "ref_serial_number",
    "refserialnumber": "ref_serial_number",
    "refpn": "ref_part_number",
    "refpartnumber": "ref_part_number",
    "stationname": "station_name",
    "station": "station_name",
    # Virinco's serial-number XML protocol (LocalSerialNumbers.xsd, olreppe/pyWATS@6ec57fb):
    # the station is refStn and each number may carry a sequence number.
    "refstn": "station_name",
    "seq": "seq",
}
_POSITIONAL: Final = (
    "serial_number",
    "taken",
    "taken_at",
    "ref_serial_number",
    "ref_part_number",
    "station_name",
)


# --- XML --------------------------------------------------------------------------------


def _record_from_xml(attrs: dict[str, str], text: str) -> SerialNumberRecord:
    lower = {k.lower(): v for k, v in attrs.items()}
    number = _number_of(attrs, text) or lower.get("serialnumber") or lower.get("id")
    if not number:
        raise WatsResponseError("export XML: an <SN> element has no number", field="id")
    fields: dict[str, str] = {}
    extra: dict[str, JsonValue] = {}
    for key, value in attrs.items():
        field = _CSV_COLUMNS.get(key.lower().replace("_", ""))
        if field is None:
            extra[key] = value
        elif field != "serial_number":
            fields[field] = value
    return _record(number, fields, extra, "XML")


_HEAD_BYTES: Final = 4096


def _prepared_chunks(chunks: Iterable[bytes]) -> Iterator[bytes]:
    """Yield the chunks, the first one long enough to decide how to read the document.

    The first chunk runs at least to the first ``>`` or line end (the XML declaration,
    which names the encoding; a CSV header). A document that starts with a quote and has
    no raw line end in its first ``_HEAD_BYTES`` is a JSON string (those cannot hold raw
    line ends; a quoted CSV has them): it is read whole and unwrapped.
    """
    source = iter(chunks)
    head = b""
    for chunk in source:
        head += chunk
        quoted = head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b'"'
        if len(head) >= _HEAD_BYTES or b"\n" in head or (not quoted and b">" in head):
            break
    if head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b'"' and b"\n" not in head:
        whole = head + b"".join(source)
        unwrapped = _unwrap_json_string(whole)
        yield unwrapped.encode("utf-8") if isinstance(unwrapped, str) else unwrapped
        return
    yield head
    yield from source


def iter_export_xml(chunks: Iterable[bytes]) -> Iterator[SerialNumberRecord]:
    """Read an XML export incrementally, yielding records as their elements complete.

    Args:
        chunks: The file in pieces of any size (for example ``response.iter_bytes()``).

    Yields:
        One record per ``<SN>`` element.

    Raises:
        UnsafeXmlError: DTD, entity declaration or external reference (refused as soon as
            it is seen, before anything is expanded).
        WatsResponseError: Malformed XML or an unreadable value.

    Example:
        >>> data = b'<SerialNumbers><SN id="A1" taken="false"/></SerialNumbers>'
        >>> [r.serial_number for r in iter_export_xml([data[:10], data[10:]])]
        ['A1']

    """
    chunks = _prepared_chunks(chunks)
    first = next(chunks, b"")
    reader = _SnReader(encoding=_encoding_override(first))
    for chunk in itertools.chain((first,), chunks):
        reader.feed(chunk)
        if reader.done:
            batch, reader.done = reader.done, []
            for attrs, text in batch:
                yield _record_from_xml(attrs, text)
    reader.feed(b"", final=True)
    for attrs, text in reader.done:
        yield _record_from_xml(attrs, text)


# --- CSV --------------------------------------------------------------------------------


def _lines(chunks: Iterable[bytes]) -> Iterator[str]:
    """Decode chunks incrementally and yield lines with their line ends (for csv.reader)."""
    decoder = codecs.getincrementaldecoder("utf-8-sig")()
    pending = ""
    try:
        for chunk in chunks:
            pending += decoder.decode(chunk)
            if "\n" not in pending:
                continue
            *complete, pending = pending.split("\n")
            for line in complete:
                yield line + "\n"
        pending += decoder.decode(b"", final=True)
    except UnicodeDecodeError as exc:
        raise WatsResponseError(f"CSV is not UTF-8: {exc}") from None
    if pending:
        yield pending


def _record(
    number: str, fields: dict[str, str], extra: dict[str, JsonValue], fmt: str
) -> SerialNumberRecord:
    # A value of an unexpected form is kept raw in extra and reported, never fatal: one
    # odd cell must not cost the whole export (the numbers it lists are real).
    taken: bool | None = None
    taken_at: dt.datetime | None = None
    seq: int | None = None
    taken_text = fields.get("taken")
    try:
        taken, taken_at = read_taken(taken_text)
    except ValueError as exc:
        extra["taken"] = taken_text
        report_drift(f"export {fmt}.taken", str(exc))
    taken_at_text = fields.get("taken_at")
    if taken_at_text and taken_at_text.strip():
        try:
            taken_at = parse_wire_datetime(taken_at_text.strip()) or taken_at
        except ValueError:
            extra["takenUtc"] = taken_at_text
            report_drift(f"export {fmt}.takenUtc", f"not a date-time: {taken_at_text[:40]!r}")
    seq_text = fields.get("seq")
    try:
        seq = read_seq(seq_text)
    except ValueError as exc:
        extra["seq"] = seq_text
        report_drift(f"export {fmt}.seq", str(exc))
    return SerialNumberRecord(
        serial_number=number,
        taken=taken,
        taken_at=taken_at,
        seq=seq,
        ref_serial_number=fields.get("ref_serial_number") or None,
        ref_part_number=fields.get("ref_part_number") or None,
        station_name=fields.get("station_name") or None,
        extra=FrozenJsonMap(extra) if extra else EMPTY_MAP,
    )


def iter_export_csv(chunks: Iterable[bytes]) -> Iterator[SerialNumberRecord]:
    r"""Read a CSV export incrementally, yielding one record per row.

    The first non-blank row is the header when its first cell names the number column
    (``SerialNumber``, ``SN``, ``Id``, ``Address``); columns are then matched by name (any
    case, spaces and ``_`` ignored) and unknown columns go to ``extra``. Without a header,
    columns are taken in the documented order (SerialNumber, Taken, TakenUtc, RefSN, RefPN,
    StationName). Empty cells are None.

    Args:
        chunks: The file in pieces of any size (for example ``response.iter_bytes()``).

    Yields:
        One record per row.

    Raises:
        WatsResponseError: Not UTF-8, malformed CSV, or an unreadable ``Taken``/``TakenUtc``.

    Example:
        >>> data = [b"SerialNumber,Taken\n", b"A1,true\nA2,", b"false\n"]
        >>> [(r.serial_number, r.taken) for r in iter_export_csv(data)]
        [('A1', True), ('A2', False)]

    """
    columns: list[str | None] | None = None
    names: list[str] = []
    try:
        for row in csv.reader(_lines(_prepared_chunks(chunks))):
            if not row or not any(cell.strip() for cell in row):
                continue
            if columns is None:
                if _header_key(row[0]) in _TAKE_HEADERS:
                    names = [cell.strip() for cell in row]
                    columns = [_CSV_COLUMNS.get(_header_key(cell)) for cell in row]
                    continue
                columns = list(_POSITIONAL)
            number = row[0].strip()
            if not number:
                raise WatsResponseError("export CSV: a row has no serial number")
            fields: dict[str, str] = {}
            extra: dict[str, JsonValue] = {}
            for index in range(1, len(row)):
                field = columns[index] if index < len(columns) else None
                if field is None:
                    key = names[index] if index < len(names) else f"column{index + 1}"
                    if row[index] != "":
                        extra[key] = row[index]
                elif field != "serial_number":
                    fields[field] = row[index]
            yield _record(number, fields, extra, "CSV")
    except csv.Error as exc:
        raise WatsResponseError(f"malformed CSV: {exc}") from None


# --- dispatch ---------------------------------------------------------------------------


def iter_export(chunks: Iterable[bytes], fmt: str) -> Iterator[SerialNumberRecord]:
    r"""Read an export incrementally in either format (see the two iterators).

    Args:
        chunks: The file in pieces.
        fmt: ``"XML"`` or ``"CSV"`` (any case).

    Returns:
        An iterator of records.

    Raises:
        WatsInputError: ``fmt`` is neither XML nor CSV.

    Example:
        >>> [r.serial_number for r in iter_export([b"A1\n"], "csv")]
        ['A1']

    """
    kind = normalize_format(fmt)
    return iter_export_xml(chunks) if kind == "XML" else iter_export_csv(chunks)


def parse_export(data: bytes | str, fmt: str) -> list[SerialNumberRecord]:
    r"""Read a whole export file.

    Args:
        data: The file.
        fmt: ``"XML"`` or ``"CSV"`` (any case).

    Returns:
        The records, in order.

    Raises:
        WatsInputError: ``fmt`` is neither XML nor CSV.
        UnsafeXmlError: XML with a DTD, entity declaration or external reference.
        WatsResponseError: The file cannot be read.

    Example:
        >>> parse_export(b"SerialNumber,Taken\nA1,false\n", "CSV")[0].taken
        False

    """
    raw = data.encode("utf-8") if isinstance(data, str) else data
    return list(iter_export([raw], fmt))


# --- upload -----------------------------------------------------------------------------


def _as_record(item: str | SerialNumberRecord, index: int) -> SerialNumberRecord:
    if isinstance(item, SerialNumberRecord):
        require_text(item.serial_number, f"records[{index}].serial_number")
        return item
    if isinstance(item, str):
        return SerialNumberRecord(serial_number=require_text(item, f"records[{index}]"))
    raise TypeError(
        f"records[{index}] must be a str or SerialNumberRecord, not {type(item).__name__}"
    )


def _check_optional(value: str | None, name: str) -> str | None:
    return None if value is None or value == "" else require_text(value, name)


def build_upload(records_or_numbers: Iterable[str | SerialNumberRecord], fmt: str) -> bytes:
    r"""Build an Upload file (the same layout as an export) from numbers or records.

    A plain number is uploaded with no state; a record keeps its taken state, time and
    references, so an export uploaded into an empty type reproduces it. Times are written
    in UTC with ``Z`` (naive times are taken as UTC).

    Args:
        records_or_numbers: Numbers (str) and/or :class:`SerialNumberRecord` objects.
        fmt: ``"XML"`` or ``"CSV"`` (any case).

    Returns:
        The file as UTF-8 bytes.

    Raises:
        TypeError: An item is neither a str nor a record.
        WatsInputError: ``fmt`` is invalid, or a number or reference is blank or holds a
            control character (these cannot be carried by CSV or XML 1.0 reliably).

    Example:
        >>> build_upload(["A1"], "XML").decode().splitlines()[1:]
        ['<SerialNumbers>', '  <SN id="A1"/>', '</SerialNumbers>']

    """
    kind = normalize_format(fmt)
    records = [_as_record(item, i) for i, item in enumerate(records_or_numbers)]
    for i, record in enumerate(records):
        _check_optional(record.ref_serial_number, f"records[{i}].ref_serial_number")
        _check_optional(record.ref_part_number, f"records[{i}].ref_part_number")
        _check_optional(record.station_name, f"records[{i}].station_name")
    if kind == "CSV":
        out = io.StringIO(newline="")
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(CSV_HEADER)
        for record in records:
            writer.writerow(
                (
                    record.serial_number,
                    "" if record.taken is None else ("true" if record.taken else "false"),
                    "" if record.taken_at is None else format_datetime(record.taken_at),
                    record.ref_serial_number or "",
                    record.ref_part_number or "",
                    record.station_name or "",
                )
            )
        return out.getvalue().encode("utf-8")
    lines = ['<?xml version="1.0" encoding="utf-8"?>', "<SerialNumbers>"]
    for record in records:
        attrs = [f"id={quoteattr(record.serial_number)}"]
        if record.taken is not None:
            attrs.append(f'taken="{"true" if record.taken else "false"}"')
        if record.taken_at is not None:
            attrs.append(f'takenUtc="{format_datetime(record.taken_at)}"')
        if record.ref_serial_number:
            attrs.append(f"refSN={quoteattr(record.ref_serial_number)}")
        if record.ref_part_number:
            attrs.append(f"refPN={quoteattr(record.ref_part_number)}")
        if record.station_name:
            attrs.append(f"stationName={quoteattr(record.station_name)}")
        lines.append(f"  <SN {' '.join(attrs)}/>")
    lines.append("</SerialNumbers>")
    return ("\n".join(lines) + "\n").encode("utf-8")

"""The serial-number file formats of docs/wire-formats.md: Take answers, Export, Upload."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from xml.etree.ElementTree import Element
from xml.sax.saxutils import quoteattr

import defusedxml.ElementTree as DefusedET
from defusedxml import DefusedXmlException

from ._formats import format_date_time, parse_date_time

EXPORT_HEADER = ("SerialNumber", "Taken", "TakenUtc", "RefSN", "RefPN", "StationName")
_NUMBER_HEADERS = frozenset({"serialnumber", "sn", "id", "address"})


class FileInvalid(Exception):
    """An uploaded file cannot be read."""


@dataclass(frozen=True, slots=True)
class NumberRow:
    """One number of an export or upload, with its state (None: not given)."""

    serial_number: str
    taken: bool | None = None
    taken_utc: datetime | None = None
    ref_sn: str | None = None
    ref_pn: str | None = None
    station_name: str | None = None


def take_xml(numbers: Iterable[str]) -> str:
    """Render a Take answer as XML: ``<SerialNumbers><SN id="..."/>...</SerialNumbers>``."""
    inner = "".join(f"<SN id={quoteattr(n)}/>" for n in numbers)
    return f"<SerialNumbers>{inner}</SerialNumbers>" if inner else "<SerialNumbers/>"


def take_csv(numbers: Iterable[str]) -> str:
    """Render a Take answer as CSV: one number a line, no header, LF line ends."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for number in numbers:
        writer.writerow((number,))
    return out.getvalue()


def _bool_text(value: bool | None) -> str:
    return "" if value is None else ("true" if value else "false")


def export_csv(rows: Iterable[NumberRow]) -> str:
    """Render an export as CSV with the header of docs/wire-formats.md."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(EXPORT_HEADER)
    for row in rows:
        writer.writerow(
            (
                row.serial_number,
                _bool_text(bool(row.taken)),
                format_date_time(row.taken_utc) if row.taken_utc else "",
                row.ref_sn or "",
                row.ref_pn or "",
                row.station_name or "",
            )
        )
    return out.getvalue()


def export_xml(type_name: str, rows: Iterable[NumberRow]) -> str:
    """Render an export as XML (``<SerialNumbers type=...><SN id=... taken=.../>``)."""
    parts = [f"<SerialNumbers type={quoteattr(type_name)}>\n"]
    for row in rows:
        attrs = [f"id={quoteattr(row.serial_number)}", f'taken="{_bool_text(bool(row.taken))}"']
        if row.taken_utc is not None:
            attrs.append(f'takenUtc="{format_date_time(row.taken_utc)}"')
        for name, value in (
            ("refSN", row.ref_sn),
            ("refPN", row.ref_pn),
            ("stationName", row.station_name),
        ):
            if value is not None:
                attrs.append(f"{name}={quoteattr(value)}")
        parts.append(f"  <SN {' '.join(attrs)}/>\n")
    parts.append("</SerialNumbers>\n")
    return "".join(parts)


def _parse_bool(text: str, where: str) -> bool | None:
    lowered = text.strip().lower()
    if lowered == "":
        return None
    if lowered in ("true", "1"):
        return True
    if lowered in ("false", "0"):
        return False
    raise FileInvalid(f"{where}: {text!r} is not true or false")


def _parse_time(text: str, where: str) -> datetime | None:
    if not text.strip():
        return None
    value = parse_date_time(text.strip())
    if value is None:
        raise FileInvalid(f"{where}: {text!r} is not an RFC 3339 date-time")
    return value


def _row(cells: dict[str, str], where: str) -> NumberRow:
    number = cells.get("serialnumber", "").strip()
    if not number:
        raise FileInvalid(f"{where}: no serial number")
    return NumberRow(
        serial_number=number,
        taken=_parse_bool(cells.get("taken", ""), where),
        taken_utc=_parse_time(cells.get("takenutc", ""), where),
        ref_sn=cells.get("refsn") or None,
        ref_pn=cells.get("refpn") or None,
        station_name=cells.get("stationname") or None,
    )


def parse_csv(data: bytes) -> list[NumberRow]:
    """Read an uploaded CSV file (header optional; tolerant of BOM, CRLF, blank lines).

    Args:
        data: The file's bytes (UTF-8).

    Returns:
        The rows in file order.

    Raises:
        FileInvalid: The file is not UTF-8 or a row has no number or a bad value.

    """
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FileInvalid(f"the file is not UTF-8: {exc}") from None
    try:
        lines = [cells for cells in csv.reader(io.StringIO(text)) if any(c.strip() for c in cells)]
    except csv.Error as exc:  # a field over the csv module's limit (128 KiB), a NUL, ...
        raise FileInvalid(f"the file is not readable CSV: {exc}") from None
    if not lines:
        return []
    columns: Sequence[str] = [h.lower() for h in EXPORT_HEADER]
    first = lines[0]
    if first[0].strip().lower() in _NUMBER_HEADERS:
        columns = ["serialnumber", *[c.strip().lower() for c in first[1:]]]
        lines = lines[1:]
    rows = []
    for index, cells in enumerate(lines, start=1):
        mapped = {name: value for name, value in zip(columns, cells, strict=False)}
        rows.append(_row(mapped, f"line {index}"))
    return rows


def _local(tag: object) -> str:
    return str(tag).rsplit("}", 1)[-1]


def parse_xml(data: bytes) -> list[NumberRow]:
    """Read an uploaded XML file (``<SN id=.../>`` or ``<SN>number</SN>``; namespaces allowed).

    Args:
        data: The file's bytes.

    Returns:
        The rows in document order.

    Raises:
        FileInvalid: Not well-formed XML, a DTD or entity (refused), or a bad value.

    """
    try:
        root: Element = DefusedET.fromstring(data)
    except (DefusedXmlException, SyntaxError, ValueError) as exc:
        raise FileInvalid(f"the file is not acceptable XML: {exc}") from None
    rows = []
    for index, element in enumerate((e for e in root.iter() if _local(e.tag) == "SN"), start=1):
        attrs = {_local(k).lower(): v for k, v in element.attrib.items()}
        number = attrs.get("id") or (element.text or "").strip()
        attrs["serialnumber"] = number
        rows.append(_row(attrs, f"SN element {index}"))
    return rows

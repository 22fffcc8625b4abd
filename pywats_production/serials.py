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
import json
import re
from collections.abc import Iterable, Iterator
from typing import Final, Literal, TypeAlias
from xml.etree.ElementTree import ParseError
from xml.sax.saxutils import quoteattr

from pywats_production._json import EMPTY_MAP, FrozenJsonMap, JsonValue
from pywats_production._validate import format_datetime, require_text
from pywats_production.errors import UnsafeXmlError, WatsInputError, WatsResponseError
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

SerialNumberFileFormat: TypeAlias = Literal["XML", "CSV"]
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
_TAKE_HEADERS: Final = frozenset({"serialnumber", "sn", "id", "address"})
_POSITIONAL: Final = (
    "serial_number",
    "taken",
    "taken_at",
    "ref_serial_number",
    "ref_part_number",
    "station_name",
)


def normalize_format(value: str) -> SerialNumberFileFormat:
    """Check a file-format argument and return it as ``"XML"`` or ``"CSV"``.

    Args:
        value: ``"XML"`` or ``"CSV"`` in any case (surrounding spaces allowed), or a str
            enum with one of those values.

    Returns:
        ``"XML"`` or ``"CSV"``.

    Raises:
        TypeError: ``value`` is not a str.
        WatsInputError: Any other text (``parameter="format"``).

    Example:
        >>> normalize_format("csv")
        'CSV'

    """
    if not isinstance(value, str):
        raise TypeError(f"format must be a str, not {type(value).__name__}")
    text = str.__str__(value).strip().upper()
    if text == "XML":
        return "XML"
    if text == "CSV":
        return "CSV"
    raise WatsInputError(f"format must be XML or CSV, got {value[:20]!r}", parameter="format")


# --- XML --------------------------------------------------------------------------------


def _local(name: str) -> str:
    # ElementTree spells namespaced names "{uri}local"; prefixes may also appear.
    return name.rpartition("}")[2].rpartition(":")[2]


class _SnReader:
    """Collects ``<SN>`` elements (attributes, child elements and text) from expat events.

    A guarded expat parser: any DOCTYPE, entity declaration, unparsed entity or external
    entity reference raises, the same four guards defusedxml installs (with forbid_dtd).
    """

    __slots__ = ("_attrs", "_child", "_child_text", "_depth", "_parser", "_text", "done", "root")

    def __init__(self, *, encoding: str | None = None) -> None:
        # Imported here: only XML answers need it, and `import pywats_production` stays light.
        from defusedxml.ElementTree import DefusedXMLParser

        # forbid_dtd refuses any DOCTYPE; entities and external references are refused too.
        self._parser = DefusedXMLParser(
            target=self,
            encoding=encoding,
            forbid_dtd=True,
            forbid_entities=True,
            forbid_external=True,
        )
        self._depth = 0  # depth inside the current <SN>, 0 when outside one
        self._attrs: dict[str, str] = {}
        self._text: list[str] = []
        self._child: str | None = None
        self._child_text: list[str] = []
        self.root: str | None = None
        self.done: list[tuple[dict[str, str], str]] = []

    # Content ------------------------------------------------------------------------
    def start(self, name: str, attrs: dict[str, str]) -> None:
        """Handle an element's start (parser target protocol)."""
        # Fast path first: a plain <SN id="..."/> is by far the most common element.
        local = name if ":" not in name and "}" not in name else _local(name)
        if self._depth:
            self._depth += 1
            if self._depth == 2:
                self._child = local
                self._child_text = []
            return
        if self.root is None:
            self.root = local
        if (
            local == "SN"
            or local.upper() == "SN"
            or (local.lower() == "string" and self.root.lower() == "arrayofstring")
        ):
            self._depth = 1
            keys = "".join(attrs) if attrs else ""
            if ":" in keys or "}" in keys or "xmlns" in keys:
                attrs = {_local(k): v for k, v in attrs.items() if not k.startswith("xmlns")}
            self._attrs = attrs
            self._text = []

    def end(self, name: str) -> None:
        """Handle an element's end (parser target protocol)."""
        if not self._depth:
            return
        if self._depth == 2 and self._child is not None:
            value = "".join(self._child_text).strip()
            self._attrs.setdefault(self._child, value)
            self._child = None
        self._depth -= 1
        if self._depth == 0:
            text = self._text
            self.done.append((self._attrs, "".join(text).strip() if text else ""))

    def data(self, text: str) -> None:
        """Handle character data (parser target protocol)."""
        if self._depth == 1:
            self._text.append(text)
        elif self._depth == 2:
            self._child_text.append(text)

    # Feeding ------------------------------------------------------------------------
    def close(self) -> None:
        """End of document (parser target protocol)."""

    def feed(self, data: bytes, *, final: bool = False) -> None:
        """Parse the next chunk; ``final`` ends the document."""
        from defusedxml import DefusedXmlException

        try:
            self._parser.feed(data)
            if final:
                self._parser.close()
        except DefusedXmlException as exc:
            raise UnsafeXmlError(f"refused XML: {exc}") from None
        except ParseError as exc:
            raise WatsResponseError(f"malformed XML: {exc}") from None


_DECLARED_ENCODING: Final = re.compile(
    rb'^(?:\xef\xbb\xbf)?\s*<\?xml[^>]*?\sencoding\s*=\s*["\']([A-Za-z0-9._:-]+)["\']'
)
_UTF8_NAMES: Final = frozenset({"utf-8", "ascii"})


def _valid_utf8_prefix(data: bytes) -> bool:
    try:
        # Not final: a character cut at the end of a chunk is not an error.
        codecs.getincrementaldecoder("utf-8")().decode(data, final=False)
    except UnicodeDecodeError:
        return False
    return True


def _encoding_override(head: bytes) -> str | None:
    """Choose the encoding expat reads with, from the document's first bytes.

    None lets expat follow the XML declaration (or UTF-8). An override is returned where
    the declaration cannot be right: it names UTF-16 or UTF-32 while the bytes have no
    zero bytes (seen as a server answering UTF-8 text under a .NET ``utf-16``
    declaration), it names an encoding Python does not know, or it names a single-byte
    encoding while the bytes are valid, non-ASCII UTF-8. A document without a BOM whose
    first character is ``<`` in UTF-16 is read as UTF-16.
    """
    if head[:3] == b"\xef\xbb\xbf":
        return "utf-8"
    if head[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return None
    if head[:2] == b"<\x00":
        return "utf-16-le"
    if head[:2] == b"\x00<":
        return "utf-16-be"
    match = _DECLARED_ENCODING.match(head)
    if match is None:
        return None
    try:
        declared = codecs.lookup(match.group(1).decode("ascii")).name
    except LookupError:
        return "utf-8"
    if declared in _UTF8_NAMES:
        return None
    if declared.startswith(("utf-16", "utf-32")):
        return "utf-8"
    if not head.isascii() and _valid_utf8_prefix(head):
        return "utf-8"
    return None


def _unwrap_json_string(body: bytes | str) -> bytes | str:
    """Return the text inside a JSON string answer, or ``body`` unchanged.

    A server may answer the text of a Take or an export as a JSON string (``"<Serial
    Numbers>..."``), the way ASP.NET serialises a string result when the client asks for
    JSON (pywats-api sent ``Accept: application/json`` and got the XML as text;
    olreppe/pyWATS@7a89a7b). A body that starts and ends with a quote and is a valid JSON
    string is unwrapped; anything else (a quoted CSV cell, say) is left as it is.
    """
    strip = b"\xef\xbb\xbf \t\r\n" if isinstance(body, bytes) else "\ufeff \t\r\n"
    stripped = body.strip(strip)  # type: ignore[arg-type]
    if len(stripped) < 2 or stripped[:1] not in (b'"', '"') or stripped[-1:] not in (b'"', '"'):
        return body
    try:
        value = json.loads(stripped)
    except ValueError:
        return body
    return value if isinstance(value, str) else body


def _xml_bytes(body: bytes | str) -> tuple[bytes, str | None]:
    if isinstance(body, str):
        # Text has no encoding left to detect: feed UTF-8 and tell expat so, whatever
        # the XML declaration says.
        return body.lstrip("\ufeff").encode("utf-8", "surrogatepass"), "utf-8"
    return body, _encoding_override(body[:4096])


def _number_of(attrs: dict[str, str], text: str) -> str | None:
    for key in ("id", "Id", "ID", "serialNumber", "SerialNumber"):
        value = attrs.get(key)
        if value:
            return value.strip()
    return text or None


# The canonical Take answer, matched as a whole document: ASCII numbers without markup
# characters, no DTD, comment, CDATA, entity or character reference, no namespace. Such a
# document cannot declare or expand anything, so reading it with a regular expression is
# as safe as the guarded parser and ten times faster; any other document goes to the
# parser.
_CANONICAL_TAKE: Final = re.compile(
    rb"(?:\xef\xbb\xbf)?"
    rb'(?:<\?xml[ \t\r\n]+version="1\.0"(?:[ \t\r\n]+encoding="(?i:utf-8|us-ascii|ascii)")?'
    rb'(?:[ \t\r\n]+standalone="(?:yes|no)")?[ \t\r\n]*\?>)?[ \t\r\n]*'
    rb"<SerialNumbers[ \t\r\n]*>"
    rb'(?:[ \t\r\n]*<SN[ \t\r\n]+id="[!#-%\'-;=?-~]+"[ \t\r\n]*/>)*'
    rb"[ \t\r\n]*</SerialNumbers[ \t\r\n]*>[ \t\r\n]*"
)


def parse_take_xml(body: bytes | str) -> list[str]:
    """Read the numbers of an XML Take answer (``<SerialNumbers><SN id="..."/>...``).

    Args:
        body: The answer.

    Returns:
        The numbers, in document order.

    Raises:
        UnsafeXmlError: The document has a DTD, entity declaration or external reference.
        WatsResponseError: Malformed XML, or a document that is not a list of numbers.

    The XML may come wrapped in a JSON string, and its declaration may name an encoding
    the bytes are not in (see :func:`_encoding_override`); both are read.

    Example:
        >>> parse_take_xml('<SerialNumbers><SN>A1</SN></SerialNumbers>')
        ['A1']
        >>> parse_take_xml(b'"<SerialNumbers><SN>A2</SN></SerialNumbers>"')
        ['A2']

    """
    data, encoding = _xml_bytes(_unwrap_json_string(body))
    if _CANONICAL_TAKE.fullmatch(data):
        # Past the root's start tag every quoted string is an id (the pattern allows no
        # other attribute): splitting on quotes is the cheapest exact reading.
        text = data.decode("utf-8")
        return text[text.index("<SerialNumbers") :].split('"')[1::2]
    reader = _SnReader(encoding=encoding)
    reader.feed(data, final=True)
    numbers = [n for n in (_number_of(a, t) for a, t in reader.done) if n]
    if not numbers and (reader.root or "").lower() not in ("serialnumbers", "arrayofstring"):
        raise WatsResponseError(
            f"Take answer: expected <SerialNumbers>, got <{reader.root}> without <SN> elements"
        )
    return numbers


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


def _csv_text(body: bytes | str) -> str:
    if isinstance(body, str):
        return body.lstrip("\ufeff")
    try:
        return body.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise WatsResponseError(f"CSV is not UTF-8: {exc}") from None


def _header_key(cell: str) -> str:
    return cell.strip().lower().replace(" ", "").replace("_", "")


_PLAIN_CSV: Final = re.compile(r"[!#-+\--~\r\n]*")


def parse_take_csv(body: bytes | str) -> list[str]:
    r"""Read the numbers of a CSV Take answer (one number a line, first column).

    A first line that is a header (``SerialNumber``, ``SN``, ``Id`` or ``Address``, any
    case) is skipped; blank lines, CRLF and a UTF-8 BOM are tolerated.

    Args:
        body: The answer.

    Returns:
        The numbers, in order.

    Raises:
        WatsResponseError: The body is not UTF-8 or not CSV.

    Example:
        >>> parse_take_csv(b"SerialNumber\r\nA1\r\n\r\nA2\r\n")
        ['A1', 'A2']

    """
    text = _csv_text(body)
    if _PLAIN_CSV.fullmatch(text):
        # Printable ASCII without spaces, quotes or commas: one number a line for certain,
        # and str.split() gives exactly the csv module's non-empty first cells, faster.
        numbers = text.split()
        if numbers and _header_key(numbers[0]) in _TAKE_HEADERS:
            del numbers[0]
        return numbers
    numbers = []
    first = True
    try:
        for row in csv.reader(io.StringIO(text, newline="")):
            if not row:
                continue
            cell = row[0].strip()
            if not cell:
                continue
            if first:
                first = False
                if _header_key(cell) in _TAKE_HEADERS:
                    continue
            numbers.append(cell)
    except csv.Error as exc:
        raise WatsResponseError(f"malformed CSV: {exc}") from None
    return numbers


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


def _sniff(body: bytes | str) -> SerialNumberFileFormat:
    head = body[:64]
    if isinstance(head, bytes):
        head = head.decode("utf-8", "ignore")
    return "XML" if head.lstrip("\ufeff \t\r\n").startswith("<") else "CSV"


def parse_take(body: bytes | str, fmt: str | None = None) -> list[str]:
    r"""Read the numbers of a Take answer in either format.

    Args:
        body: The answer.
        fmt: ``"XML"`` or ``"CSV"`` (any case); None to tell from the content (a body that
            starts with ``<`` is XML).

    Returns:
        The numbers, in order.

    Raises:
        WatsInputError: ``fmt`` is neither XML nor CSV.
        UnsafeXmlError: See :func:`parse_take_xml`.
        WatsResponseError: The body cannot be read.

    Example:
        >>> parse_take(b"A1\nA2\n", "CSV")
        ['A1', 'A2']

    """
    body = _unwrap_json_string(body)
    kind = _sniff(body) if fmt is None else normalize_format(fmt)
    return parse_take_xml(body) if kind == "XML" else parse_take_csv(body)


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

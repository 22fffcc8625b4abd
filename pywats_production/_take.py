"""Take answers: reading the numbers of a Take (XML or CSV), and the file formats' names.

Split out of :mod:`pywats_production.serials` so that it depends on nothing of the
models: ``models`` reads upload answers with :func:`parse_take` and ``serials`` builds
the models' records, and neither may import the other both ways (docs/architecture.md).
:mod:`pywats_production.serials` re-exports everything public here.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import re
from typing import Final, Literal, TypeAlias
from xml.etree.ElementTree import ParseError

from pywats_production.errors import UnsafeXmlError, WatsInputError, WatsResponseError

SerialNumberFileFormat: TypeAlias = Literal["XML", "CSV"]

_TAKE_HEADERS: Final = frozenset({"serialnumber", "sn", "id", "address"})


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

"""Verify a cassette: against spec/, against the SDK in strict mode, and against the mock.

``wats-production verify FILE`` calls :func:`verify_cassette`. Each recorded exchange is
checked three ways, and every divergence is named with its exchange, operation, JSON path
and the place in ``spec/production-api.yaml`` to correct:

1. **spec**: the request (parameters, body) and the answer (status, content type, JSON
   body) against the pinned contract, with the same compiled checks as the contract mock
   (JSON Schema through ``jsonschema``);
2. **sdk**: the answer parsed by the SDK in strict mode: a member, type or value the
   models do not describe is a divergence;
3. **mock**: the whole request sequence is replayed, in order, against a fresh contract
   mock (at the recorded server version when the mock can be made so), and each answer's
   *shape* is compared with the recorded one: status, content type, and recursively the
   members and their JSON types (not values; ``null`` matches any type). XML answers are
   compared by element and attribute names, CSV answers by their header.

State the mock needs and does not have (units, processes and serial-number types that
existed on the server before the capture) is seeded from the recorded answers first.
Needs the ``mock`` extra.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import inspect
import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import cast
from urllib.parse import quote

import attrs
import httpx

from ._drift import DRIFT_SCOPE, DriftInfo, DriftMonitor
from ._json import JsonValue
from .cassette import Cassette, Exchange, read_cassette
from .errors import ContractDriftError, WatsError

__all__ = [
    "CHECKS",
    "Divergence",
    "VerifyReport",
    "shape_differences",
    "verify_cassette",
    "xml_differences",
]

#: The checks, in the order they run.
CHECKS = ("spec-request", "spec-response", "sdk", "mock")
SPEC_FILE = "spec/production-api.yaml"


@attrs.frozen(kw_only=True)
class Divergence:
    """One way a recorded exchange differs from the contract, the SDK or the mock.

    Attributes:
        index: the exchange's index in the cassette.
        operation: its operationId (None for a path the contract does not have).
        check: ``spec-request``, ``spec-response``, ``sdk`` or ``mock``.
        json_path: where in the body (``$.subUnits[0].partNumber``; ``$`` for the whole).
        spec_location: the place in spec/ to correct (a JSON pointer into the file).
        message: what differs.

    """

    index: int
    operation: str | None
    check: str
    json_path: str
    spec_location: str
    message: str

    def to_json(self) -> dict[str, JsonValue]:
        """Return the divergence as a JSON object (``--json``)."""
        return {
            "index": self.index,
            "operation": self.operation,
            "check": self.check,
            "jsonPath": self.json_path,
            "specLocation": self.spec_location,
            "message": self.message,
        }

    def __str__(self) -> str:
        return (
            f"#{self.index} {self.operation or '?'} [{self.check}] {self.json_path}: "
            f"{self.message}\n    correct: {self.spec_location}"
        )


@attrs.frozen(kw_only=True)
class VerifyReport:
    """The result of :func:`verify_cassette`.

    Attributes:
        cassette: the file verified.
        server_version: the recorded server version.
        exchanges: exchanges checked.
        operations: operations covered.
        divergences: every divergence found, in exchange order.
        notes: facts about the run that are not divergences (e.g. the mock's version).

    """

    cassette: str
    server_version: str | None
    exchanges: int
    operations: tuple[str, ...]
    divergences: tuple[Divergence, ...]
    notes: tuple[str, ...] = ()

    @property
    def clean(self) -> bool:
        """True when nothing diverged."""
        return not self.divergences

    def to_json(self) -> dict[str, JsonValue]:
        """Return the report as a JSON object (``--json``)."""
        return {
            "cassette": self.cassette,
            "serverVersion": self.server_version,
            "exchanges": self.exchanges,
            "operations": list(self.operations),
            "clean": self.clean,
            "divergences": [d.to_json() for d in self.divergences],
            "notes": list(self.notes),
        }


# ------------------------------------------------------------------- spec locations


def _escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


class _Locator:
    """Maps an operation and a JSON path to the place in spec/ that describes it."""

    def __init__(self, spec: Mapping[str, object]) -> None:
        self._spec = spec

    def _node(self, pointer: str) -> object:
        node: object = self._spec
        for token in pointer.lstrip("#/").split("/"):
            token = token.replace("~1", "/").replace("~0", "~")
            if not isinstance(node, Mapping) or token not in node:
                return None
            node = node[token]
        return node

    def _deref(self, node: object, pointer: str) -> tuple[object, str]:
        for _ in range(10):
            if not isinstance(node, Mapping):
                return node, pointer
            if "$ref" in node:
                pointer = str(node["$ref"]).lstrip("#")
                node = self._node(pointer)
                continue
            for key in ("allOf", "anyOf", "oneOf"):
                subs = node.get(key)
                if isinstance(subs, list) and subs and "properties" not in node:
                    node, pointer = subs[0], f"{pointer}/{key}/0"
                    break
            else:
                return node, pointer
        return node, pointer

    def operation(self, template: str | None, method: str) -> str:
        """Return the pointer of an operation."""
        if template is None:
            return f"{SPEC_FILE}#/paths"
        return f"{SPEC_FILE}#/paths/{_escape(template)}/{method.lower()}"

    def parameter(self, template: str | None, method: str, name: str) -> str:
        """Return the pointer of a parameter (or of the request body)."""
        base = self.operation(template, method)
        if name == "body":
            return f"{base}/requestBody"
        op = self._node(base.split("#", 1)[1])
        if isinstance(op, Mapping):
            for i, param in enumerate(cast("list[object]", op.get("parameters") or [])):
                if isinstance(param, Mapping) and param.get("name") == name:
                    return f"{base}/parameters/{i}"
        return f"{base}/parameters"

    def response(
        self,
        template: str | None,
        method: str,
        status: int,
        media: str | None,
        path: Sequence[str | int] = (),
    ) -> str:
        """Return the pointer describing ``path`` in the answer of ``status`` and ``media``."""
        base = self.operation(template, method)
        pointer = f"{base.split('#', 1)[1]}/responses/{status}"
        node, pointer = self._deref(self._node(pointer), pointer)
        if not isinstance(node, Mapping):
            return f"{base}/responses"
        content = node.get("content")
        if not isinstance(content, Mapping) or not content:
            return f"{SPEC_FILE}#{pointer}"
        key = media if media in content else next(iter(content))
        pointer = f"{pointer}/content/{_escape(str(key))}/schema"
        node, pointer = self._deref(self._node(pointer), pointer)
        for part in path:
            if isinstance(part, int):
                if not isinstance(node, Mapping) or "items" not in node:
                    break
                node, pointer = self._deref(node["items"], f"{pointer}/items")
                continue
            props = node.get("properties") if isinstance(node, Mapping) else None
            if not isinstance(props, Mapping) or part not in props:
                # Not described: the member belongs in this schema's properties.
                return f"{SPEC_FILE}#{pointer}/properties"
            node, pointer = self._deref(props[part], f"{pointer}/properties/{_escape(part)}")
        return f"{SPEC_FILE}#{pointer}"


def _format_path(path: Sequence[str | int]) -> str:
    return "$" + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path)


def _parse_path(text: str) -> list[str | int]:
    parts: list[str | int] = []
    for token in text.replace("[", ".[").split("."):
        if not token:
            continue
        if token.startswith("[") and token.endswith("]") and token[1:-1].isdigit():
            parts.append(int(token[1:-1]))
        else:
            parts.append(token)
    return parts


# ------------------------------------------------------------------------- shapes


def _json_type(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    return "array" if isinstance(value, list) else "object"


def shape_differences(
    recorded: object, other: object, path: tuple[str | int, ...] = ()
) -> Iterator[tuple[tuple[str | int, ...], str]]:
    """Yield where two JSON values differ in shape (members and JSON types, not values).

    ``null`` on either side matches any type; a member absent on one side and ``null`` on
    the other is not a difference; arrays are compared element by element up to the
    shorter length (a different length is a value).

    Args:
        recorded: the value the server answered.
        other: the value to compare with (the mock's).
        path: the JSON path of both values.

    Yields:
        ``(path, message)`` pairs.

    Example:
        >>> for path, message in shape_differences({"a": 1, "b": "x"}, {"a": "1"}):
        ...     print(path, message)
        ('a',) the server sends integer, the mock sends string
        ('b',) the server sends member b (string), the mock does not

    """
    if recorded is None or other is None:
        return
    kind, other_kind = _json_type(recorded), _json_type(other)
    if kind != other_kind:
        yield path, f"the server sends {kind}, the mock sends {other_kind}"
        return
    if isinstance(recorded, dict):
        mine = cast("dict[str, object]", recorded)
        theirs = cast("dict[str, object]", other)
        for key in mine:
            if key in theirs:
                yield from shape_differences(mine[key], theirs[key], (*path, key))
            elif mine[key] is not None:
                yield (
                    (*path, key),
                    f"the server sends member {key} ({_json_type(mine[key])}), the mock does not",
                )
        for key in theirs:
            if key not in mine and theirs[key] is not None:
                yield (
                    (*path, key),
                    f"the mock sends member {key} ({_json_type(theirs[key])}), the server did not",
                )
    elif isinstance(recorded, list):
        for i, (a, b) in enumerate(zip(recorded, cast("list[object]", other), strict=False)):
            yield from shape_differences(a, b, (*path, i))


def _xml_shape(data: bytes) -> dict[str, set[str]] | None:
    """Return each element path with its attribute names (None: not readable XML)."""
    from defusedxml import ElementTree

    try:
        root = ElementTree.fromstring(data)
    except Exception:  # any unreadable XML (defusedxml refusals included) has no shape
        return None
    shape: dict[str, set[str]] = {}

    def walk(element: object, prefix: str) -> None:
        tag = f"{prefix}/{element.tag}"  # type: ignore[attr-defined]
        shape.setdefault(tag, set()).update(element.attrib)  # type: ignore[attr-defined]
        for child in element:  # type: ignore[attr-defined]
            walk(child, tag)

    walk(root, "")
    return shape


def xml_differences(recorded: bytes, other: bytes) -> list[str]:
    """Return how two XML answers differ in shape (element and attribute names).

    Repeated elements are like array items: an element present on one side only is a
    difference only when the other side's parent has child elements at all (an empty
    list is a value, not a shape).

    Example:
        >>> xml_differences(b'<R><SN id="1"/></R>', b'<R><SN id="2" at="x"/></R>')
        ["the mock's XML has /R/SN/@at, the server's does not"]

    """
    mine, theirs = _xml_shape(recorded), _xml_shape(other)
    if mine is None or theirs is None:
        return []
    found: list[str] = []

    def has_children(shape: dict[str, set[str]], parent: str) -> bool:
        return any(path.rsplit("/", 1)[0] == parent for path in shape)

    for path in sorted(mine.keys() | theirs.keys()):
        parent = path.rsplit("/", 1)[0]
        if path in mine and path in theirs:
            found += [
                f"the server's XML has {path}/@{a}, the mock's does not"
                for a in sorted(mine[path] - theirs[path])
            ]
            found += [
                f"the mock's XML has {path}/@{a}, the server's does not"
                for a in sorted(theirs[path] - mine[path])
            ]
        elif path in mine and has_children(theirs, parent):
            found.append(f"the server's XML has {path}, the mock's does not")
        elif path in theirs and has_children(mine, parent):
            found.append(f"the mock's XML has {path}, the server's does not")
    return found


def _csv_shape(data: bytes) -> tuple[int, tuple[str, ...] | None]:
    """Return the first line's column count, and its names when it reads as a header.

    A first line with a digit in any cell is data (a CSV without header): only its column
    count is shape, its values are values.
    """
    text = data.decode("utf-8-sig", "replace")
    first = text.splitlines()[0] if text.strip() else ""
    cells = tuple(c.strip() for c in first.split(",")) if first else ()
    header = None if any(ch.isdigit() for c in cells for ch in c) else cells
    return len(cells), header


# ------------------------------------------------------------------------ the checks


def _media(content_type: str | None) -> str:
    return (content_type or "").split(";", 1)[0].strip().lower()


def _body_bytes(exchange: Exchange, request: bool) -> bytes:
    body = exchange.request_body if request else exchange.response_body
    return body.to_bytes() if body is not None else b""


def _body_json(exchange: Exchange) -> object:
    body = exchange.response_body
    if body is not None and body.kind == "json":
        return body.value
    return None


class _SdkParsers:
    """The SDK's own parser of each operation's answer, built from its request functions."""

    def __init__(self) -> None:
        from . import _calls
        from .models import Unit

        self._fixed: dict[str, Callable[[httpx.Response], object]] = {
            "getUnit": _calls.get_unit("x", "x").parse,
            "putUnits": _calls.save_units_chunks([Unit(serial_number="x", part_number="x")], 1)[
                0
            ].parse,
            "getUnitVerification": _calls.verify_unit("x", None).parse,
            "checkChildUnits": _calls.check_child_units("x", "x").parse,
            "getSerialNumberTypes": _calls.get_serial_number_types().parse,
            "getSerialNumbersByRange": _calls.get_serial_numbers_by_range(
                "x", "a", "b", None, None
            ).parse,
            "getSerialNumbersByReference": _calls.get_serial_numbers_by_reference(
                "x", "a", None, None, None
            ).parse,
            "getUnitChanges": _calls.get_unit_changes(1).parse,
            "getServerVersion": _calls.server_version().parse,
            "getProcesses": _calls.get_processes().parse,
        }

    def parser(self, exchange: Exchange) -> Callable[[httpx.Response], object] | None:
        operation = exchange.operation or ""
        if operation in self._fixed:
            return self._fixed[operation]
        fmt = dict(exchange.query).get("format", "XML")
        if operation == "takeSerialNumbers":
            from . import _calls

            return _calls.take_serial_numbers("x", 1, None, None, None, False, fmt).parse  # type: ignore[arg-type]
        if operation == "exportSerialNumbers":
            from .serials import parse_export

            return lambda r: parse_export(r.content, fmt)
        return None


class _Collector(DriftMonitor):
    """Collects every drift of one answer (strict mode would stop at the first)."""

    __slots__ = ("drifts",)

    def __init__(self) -> None:
        super().__init__(strict=False)
        self.drifts: list[DriftInfo] = []

    def report(self, info: DriftInfo) -> None:
        self.drifts.append(info)


def _find_member(
    value: object, member: str, path: tuple[str | int, ...] = ()
) -> tuple[str | int, ...] | None:
    if isinstance(value, dict):
        if member in value:
            return (*path, member)
        for key, item in value.items():
            found = _find_member(item, member, (*path, key))
            if found is not None:
                return found
    elif isinstance(value, list):
        for i, item in enumerate(value):
            found = _find_member(item, member, (*path, i))
            if found is not None:
                return found
    return None


class _Verifier:
    def __init__(self, cassette: Cassette) -> None:
        from .mock._app import default_contract

        self.cassette = cassette
        self.contract = default_contract()
        self.locate = _Locator(self.contract.spec)
        self.parsers = _SdkParsers()
        self.found: list[Divergence] = []

    def add(
        self, e: Exchange, check: str, path: Sequence[str | int], location: str, message: str
    ) -> None:
        self.found.append(
            Divergence(
                index=e.index,
                operation=e.operation,
                check=check,
                json_path=_format_path(path),
                spec_location=location,
                message=message,
            )
        )

    def spec(self, e: Exchange) -> None:
        from .mock._contract import NoRoute, RequestInvalid, ResponseInvalid

        try:
            op, values = self.contract.match(e.method, e.path.encode("ascii", "replace"))
        except NoRoute:
            self.add(
                e,
                "spec-request",
                (),
                self.locate.operation(None, e.method),
                f"{e.method} {e.path} is not an operation of the contract",
            )
            return
        template = op.template
        try:
            op.validate_request(
                values, dict(e.query), e.request_content_type, _body_bytes(e, request=True)
            )
        except RequestInvalid as exc:
            self.add(
                e,
                "spec-request",
                (),
                self.locate.parameter(template, e.method, exc.parameter),
                f"request parameter {exc.parameter}: {exc.detail}",
            )
        media = _media(e.content_type)
        try:
            op.check_response(e.status, e.content_type, _body_bytes(e, request=False))
        except ResponseInvalid as exc:
            text = str(exc)
            path: list[str | int] = []
            if text.startswith("body"):
                where, _, rest = text.partition(": ")
                path = _parse_path(where[len("body") :])
                text = rest or text
            self.add(
                e,
                "spec-response",
                path,
                self.locate.response(template, e.method, e.status, media, path),
                text,
            )

    def sdk(self, e: Exchange) -> None:
        if e.status >= 300:
            return
        parse = self.parsers.parser(e)
        if parse is None:
            return
        url = "http://wats-verify" + e.path + ("?" + e.query_string() if e.query else "")
        response = httpx.Response(
            e.status,
            headers=dict(e.response_headers),
            content=_body_bytes(e, request=False),
            request=httpx.Request(e.method, url),
        )
        collector = _Collector()
        token = DRIFT_SCOPE.set((collector, e.operation or "?"))
        try:
            parse(response)
        except ContractDriftError:  # pragma: no cover - the collector does not raise
            pass
        except WatsError as exc:
            if not collector.drifts:
                location = self.locate.response(
                    e.path_template, e.method, e.status, _media(e.content_type)
                )
                self.add(e, "sdk", (), location, f"the SDK cannot read the answer: {exc}")
        finally:
            DRIFT_SCOPE.reset(token)
        body = _body_json(e)
        for info in collector.drifts:
            found = _find_member(body, info.member) if info.member != "$" else ()
            path = found if found is not None else ()
            location = self.locate.response(
                e.path_template, e.method, e.status, _media(e.content_type), path
            )
            self.add(
                e,
                "sdk",
                path,
                location,
                f"strict mode would refuse it: {info.model}.{info.member}: {info.kind} "
                f"drift" + (f" ({info.detail})" if info.detail else ""),
            )

    def compare(self, e: Exchange, status: int, content_type: str | None, body: bytes) -> None:
        where = self.locate.operation(e.path_template, e.method)
        if status != e.status:
            self.add(
                e,
                "mock",
                (),
                f"{where}/responses",
                f"the server answered {e.status}, the mock {status}",
            )
            return
        media, mock_media = _media(e.content_type), _media(content_type)
        if media != mock_media:
            self.add(
                e,
                "mock",
                (),
                f"{where}/responses/{e.status}/content",
                f"the server answered {media or 'no content type'}, "
                f"the mock {mock_media or 'no content type'}",
            )
            return
        recorded = _body_bytes(e, request=False)
        if media == "application/json" or media.endswith("+json"):
            try:
                theirs = json.loads(body) if body else None
            except ValueError:
                theirs = None
            for path, message in shape_differences(_body_json(e), theirs):
                self.add(
                    e,
                    "mock",
                    path,
                    self.locate.response(e.path_template, e.method, e.status, media, path),
                    message,
                )
        elif media in ("application/xml", "text/xml"):
            location = self.locate.response(e.path_template, e.method, e.status, media)
            for message in xml_differences(recorded, body):
                self.add(e, "mock", (), location, message)
        elif media == "text/csv":
            (count, header), (mock_count, mock_header) = _csv_shape(recorded), _csv_shape(body)
            location = self.locate.response(e.path_template, e.method, e.status, media)
            if count and mock_count and header is not None and mock_header is not None:
                if header != mock_header:
                    self.add(
                        e,
                        "mock",
                        (),
                        location,
                        f"CSV header: the server sends {list(header)}, the mock "
                        f"{list(mock_header)}",
                    )
            elif count and mock_count and (header is None) != (mock_header is None):
                which = "the server's" if header is not None else "the mock's"
                self.add(e, "mock", (), location, f"CSV: only {which} answer has a header line")
            elif count and mock_count and count != mock_count:
                self.add(
                    e,
                    "mock",
                    (),
                    location,
                    f"CSV: the server sends {count} column(s), the mock {mock_count}",
                )


def _supplementary_seed(cassette: Cassette, app: object) -> dict[str, list[JsonValue]]:
    """Return what the server had before the capture and the mock lacks (from answers)."""
    store = app.store  # type: ignore[attr-defined]
    created: set[tuple[str, str]] = set()
    units: dict[tuple[str, str], JsonValue] = {}
    processes: list[JsonValue] = []
    types: list[JsonValue] = []
    for e in cassette.exchanges:
        body = _body_json(e)
        if (
            e.operation == "putUnits"
            and e.request_body is not None
            and e.request_body.kind == "json"
        ):
            for unit in cast("list[object]", e.request_body.value or []):
                if isinstance(unit, dict):
                    created.add((str(unit.get("serialNumber")), str(unit.get("partNumber"))))
        elif e.operation == "getUnit" and e.status == 200 and isinstance(body, dict):
            key = (str(body.get("serialNumber")), str(body.get("partNumber")))
            if key not in created and key not in units:
                units[key] = {
                    k: body[k]
                    for k in (
                        "serialNumber",
                        "partNumber",
                        "revision",
                        "unitPhaseId",
                        "batchNumber",
                    )
                    if body.get(k) is not None
                }
        elif e.operation == "getProcesses" and isinstance(body, list):
            processes += [
                p for p in body if isinstance(p, dict) and p.get("code") not in store.processes
            ]
        elif e.operation == "getSerialNumberTypes" and isinstance(body, list):
            types += [
                {
                    k: v
                    for k, v in t.items()
                    if k in ("name", "description", "format", "regEx", "identifier")
                }
                for t in body
                if isinstance(t, dict) and t.get("name") not in store.types
            ]
    return {"units": list(units.values()), "processes": processes, "serialNumberTypes": types}


def _fresh_mock(
    cassette: Cassette, seed: str | Path | Mapping[str, object]
) -> tuple[object, list[str]]:
    from .mock import SeedError, create_app

    notes: list[str] = []
    version = cassette.header.server_version
    kwargs: dict[str, object] = {"seed": seed, "strict": True}
    if version and "server_version" in inspect.signature(create_app).parameters:
        kwargs["server_version"] = version
    elif version:
        notes.append(f"the mock cannot be set to server version {version}; it runs its default")
    try:
        app = create_app(**kwargs)  # type: ignore[arg-type]
    except (ValueError, TypeError) as exc:
        # A version the mock does not know: replay against its default version.
        notes.append(f"the mock refused server version {version} ({exc}); it runs its default")
        kwargs.pop("server_version", None)
        app = create_app(**kwargs)  # type: ignore[arg-type]
    extra = _supplementary_seed(cassette, app)
    for key, items in extra.items():
        for item in items:
            try:
                app.store.apply_seed({key: [item]})
            except SeedError as exc:
                notes.append(f"not seeded from the cassette: {key} {item!r}: {exc}")
    return app, notes


_CHANGE_KEYS = ("unitSerialNumber", "newParentSerialNumber", "newPartNumber", "newRevision")


def _match_changes(recorded: object, mock_body: bytes) -> dict[str, str]:
    """Pair the server's change ids with the mock's, change by change (same unit, same news).

    The feed's ids are the server's own numbering; a fresh mock numbers the same changes
    differently, so an acknowledgement replayed as recorded would hit another change.
    """
    try:
        theirs = json.loads(mock_body) if mock_body else []
    except ValueError:
        return {}
    if not isinstance(recorded, list) or not isinstance(theirs, list):
        return {}
    pairs: dict[str, str] = {}
    used: set[int] = set()
    for change in recorded:
        if not isinstance(change, dict) or change.get("id") is None:
            continue
        key = tuple(change.get(k) for k in _CHANGE_KEYS)
        for index, other in enumerate(theirs):
            if index in used or not isinstance(other, dict) or other.get("id") is None:
                continue
            if tuple(other.get(k) for k in _CHANGE_KEYS) == key:
                used.add(index)
                pairs[str(change["id"])] = str(other["id"])
                break
    return pairs


def _match_numbers(exchange: Exchange, mock_body: bytes) -> dict[str, str]:
    """Pair the numbers the server handed out with those the mock handed out, in order.

    A fresh mock's pool is untouched, so the same Take gives other numbers; later
    requests that name the server's numbers (ranges, exports, uploads) are replayed with
    the mock's.
    """
    from .serials import parse_take

    fmt = dict(exchange.query).get("format")
    try:
        recorded = parse_take(_body_bytes(exchange, request=False), fmt)
        theirs = parse_take(mock_body, fmt)
    except WatsError:
        return {}
    if len(recorded) != len(theirs):
        return {}
    return {a: b for a, b in zip(recorded, theirs, strict=True) if a != b}


async def _replay(
    app: object, exchanges: Sequence[Exchange]
) -> list[tuple[int, str | None, bytes]]:
    from .mock import MockAsyncTransport

    answers: list[tuple[int, str | None, bytes]] = []
    change_ids: dict[str, str] = {}
    # Values the server assigned (taken serial numbers) -> what the mock assigned instead.
    numbers: dict[str, str] = {}
    transport = MockAsyncTransport(app)  # type: ignore[arg-type]
    async with httpx.AsyncClient(transport=transport, base_url="http://wats-verify") as client:
        for e in exchanges:
            headers = dict(e.request_headers)
            path = e.path
            recorded_id = e.path_values.get("id")
            if e.operation == "deleteUnitChange" and recorded_id in change_ids:
                # The server numbered its changes its own way: acknowledge the mock's.
                path = path.rsplit("/", 1)[0] + "/" + change_ids[recorded_id]
            query = [(k, numbers.get(v, v)) for k, v in e.query]
            url = path + (
                "?" + "&".join(f"{quote(k, safe='')}={quote(v, safe='')}" for k, v in query)
                if query
                else ""
            )
            content = _body_bytes(e, request=True)
            if numbers and e.request_body is not None and e.request_body.kind == "text":
                text = content.decode("utf-8")
                for old, new in numbers.items():
                    text = text.replace(old, new)
                content = text.encode("utf-8")
            request = client.build_request(e.method, url, headers=headers, content=content or None)
            # The path as recorded, byte for byte (httpx would normalise its encoding).
            request.url = request.url.copy_with(raw_path=url.encode("ascii", "replace"))
            try:
                response = await client.send(request)
                answers.append(
                    (response.status_code, response.headers.get("content-type"), response.content)
                )
                if e.operation == "getUnitChanges" and response.status_code == 200:
                    change_ids.update(_match_changes(_body_json(e), response.content))
                if e.operation == "takeSerialNumbers" and response.status_code == e.status == 200:
                    numbers.update(_match_numbers(e, response.content))
            except httpx.HTTPError as exc:
                answers.append((0, None, str(exc).encode()))
    return answers


def _run_replay(app: object, exchanges: Sequence[Exchange]) -> list[tuple[int, str | None, bytes]]:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(_replay(app, exchanges))
    # Called from async code: the replay gets its own loop on a worker thread.
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, _replay(app, exchanges)).result()


def verify_cassette(
    cassette: str | Path | Cassette,
    *,
    seed: str | Path | Mapping[str, object] = "demo",
    progress: Callable[[str], None] | None = None,
) -> VerifyReport:
    """Check every exchange of a cassette (see the module documentation).

    Args:
        cassette: the cassette file or object.
        seed: the seed of the fresh mock (``"demo"``, ``"empty"``, a seed file).
        progress: called with one line per exchange (None: silent).

    Returns:
        The report; ``report.clean`` is True when nothing diverged.

    Raises:
        WatsInputError: the file is not a readable cassette.

    Example:
        >>> report = verify_cassette("wats.jsonl")  # doctest: +SKIP
        >>> report.clean, [str(d) for d in report.divergences]  # doctest: +SKIP

    """
    data = cassette if isinstance(cassette, Cassette) else read_cassette(cassette)
    name = str(cassette) if not isinstance(cassette, Cassette) else "cassette"
    verifier = _Verifier(data)
    app, notes = _fresh_mock(data, seed)
    answers = _run_replay(app, data.exchanges)
    for e, (status, content_type, body) in zip(data.exchanges, answers, strict=True):
        before = len(verifier.found)
        verifier.spec(e)
        verifier.sdk(e)
        verifier.compare(e, status, content_type, body)
        if progress is not None:
            count = len(verifier.found) - before
            progress(
                f"[{e.index + 1}/{len(data.exchanges)}] {e.operation or '?'} {e.status}: "
                + ("ok" if not count else f"{count} divergence(s)")
            )
    violations = getattr(app, "violations", [])
    notes += [f"the mock broke its own contract: {v}" for v in violations]
    return VerifyReport(
        cassette=name,
        server_version=data.header.server_version,
        exchanges=len(data.exchanges),
        operations=data.operations,
        divergences=tuple(verifier.found),
        notes=tuple(notes),
    )

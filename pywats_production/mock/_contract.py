"""The pinned spec compiled into fast request and response checks.

openapi-core validates a request against this spec in one to eight milliseconds, too slow
for a mock that must serve thousands of requests a second. This module reads the same
spec once and precompiles, per operation: the route, each parameter's location, type,
format, enum and bounds, the JSON body schema, and every declared response (status,
media types, body schema). JSON bodies are checked with ``jsonschema`` on the spec's
schemas converted to JSON Schema (``nullable`` becomes "or null", so the ``allOf`` +
``nullable`` idiom of OpenAPI 3.0 accepts null, as the generated client and schemathesis
read it). ``tests/mock/test_validation.py`` checks that this agrees with openapi-core.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import HTTP
from typing import cast
from urllib.parse import unquote_to_bytes

from jsonschema import Draft4Validator, FormatChecker
from jsonschema.exceptions import ValidationError, best_match

from ._formats import (
    INT32_MAX,
    INT32_MIN,
    INT64_MAX,
    INT64_MIN,
    is_uuid,
    parse_date_time,
    parse_integer,
    parse_number,
)
from ._schema import Predicate, SchemaCompiler, Unsupported

logger = logging.getLogger("pywats_production.mock")
_SCHEMA_REF = "#/components/schemas/"
_SKIPPED_KEYWORDS = frozenset(
    {"nullable", "readOnly", "writeOnly", "example", "examples", "discriminator", "xml"}
)


class RequestInvalid(Exception):
    """A request is off the contract; answered with 400 naming the parameter."""

    def __init__(self, parameter: str, detail: str) -> None:
        super().__init__(detail)
        self.parameter = parameter
        self.detail = detail


MAX_BODY_BYTES = 32 * 1024 * 1024
"""Largest request body the mock reads (a 413 beyond): 10,000 units are about 3 MB."""


class BodyTooLarge(Exception):
    """A request body over the mock's limit; answered with 413."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"the request body is larger than {limit} bytes")
        self.limit = limit


MAX_JSON_DEPTH = 32
"""Deepest nesting of a request body the mock reads (WATS payloads nest three levels)."""


def json_problem(value: object, max_depth: int = MAX_JSON_DEPTH) -> str | None:
    r"""Say what makes a parsed JSON value unusable: too deep, or a lone surrogate.

    A lone surrogate (``"\ud800"`` in the JSON text) cannot be written back as UTF-8:
    stored, it would break every later answer that shows it (the changes feed, say).
    """
    stack: list[tuple[object, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, str):
            if not item.isascii() and _LONE_SURROGATE.search(item):
                return "the body holds a lone surrogate (\\ud800-\\udfff), which is not text"
        elif isinstance(item, dict | list):
            if depth > max_depth:
                return f"the body nests deeper than {max_depth} levels"
            if isinstance(item, dict):
                stack.extend((k, depth + 1) for k in item)
                stack.extend((v, depth + 1) for v in item.values())
            else:
                stack.extend((v, depth + 1) for v in item)
    return None


_LONE_SURROGATE = re.compile(r"[\ud800-\udfff]")


def load_json(body: bytes | str) -> object:
    """Parse a request body, refusing what the mock cannot keep (see :func:`json_problem`).

    Raises:
        ValueError: not JSON, nested too deeply, or holding a lone surrogate.

    """
    try:
        value = json.loads(body)
    except RecursionError:
        raise ValueError(f"the body nests deeper than {MAX_JSON_DEPTH} levels") from None
    problem = json_problem(value)
    if problem is not None:
        raise ValueError(problem)
    return value


class ResponseInvalid(Exception):
    """A response is off the contract (raised by :meth:`Operation.check_response`)."""


@dataclass(frozen=True, slots=True)
class JsonCheck:
    """A compiled predicate for speed and the jsonschema validator for messages."""

    reference: Draft4Validator
    fast: Predicate | None

    def error(self, value: object, prefix: str = "body") -> str | None:
        """Return why ``value`` is invalid, or None when it is valid.

        The compiled predicate answers first; only a refusal is explained (and confirmed)
        by jsonschema, which wins if the two disagree.
        """
        if self.fast is not None and self.fast(value):
            return None
        error = best_match(self.reference.iter_errors(value))
        if error is None:
            if self.fast is not None:
                logger.warning("compiled schema check refused a value jsonschema accepts")
            return None
        return f"{prefix}{_json_path(error)}: {error.message}"


def _format_checker() -> FormatChecker:
    checker = FormatChecker(formats=())

    def _date_time(value: object) -> bool:
        return not isinstance(value, str) or parse_date_time(value) is not None

    def _uuid(value: object) -> bool:
        return not isinstance(value, str) or is_uuid(value)

    def _int32(value: object) -> bool:
        return not isinstance(value, int) or INT32_MIN <= value <= INT32_MAX

    def _int64(value: object) -> bool:
        return not isinstance(value, int) or INT64_MIN <= value <= INT64_MAX

    for name, function in (
        ("date-time", _date_time),
        ("uuid", _uuid),
        ("int32", _int32),
        ("int64", _int64),
    ):
        checker.checks(name)(function)
    return checker


FORMAT_CHECKER = _format_checker()


def to_json_schema(node: object) -> object:
    """Convert an OpenAPI 3.0 schema object to JSON Schema (draft 4).

    ``nullable: true`` becomes ``anyOf: [{type: null}, <schema>]``; component references
    point at ``#/definitions/``; annotations without meaning for validation are dropped.
    ``readOnly`` properties are accepted in requests (OpenAPI says they SHOULD NOT be sent;
    the mock ignores them, as the server does).

    Args:
        node: A schema object (or any node inside one).

    Returns:
        The equivalent JSON Schema node.

    """
    if isinstance(node, list):
        return [to_json_schema(item) for item in node]
    if not isinstance(node, Mapping):
        return node
    out: dict[str, object] = {}
    for key, value in node.items():
        if key in _SKIPPED_KEYWORDS or key.startswith("x-"):
            continue
        if key == "$ref" and isinstance(value, str):
            out[key] = "#/definitions/" + value.removeprefix(_SCHEMA_REF)
        elif key == "properties" and isinstance(value, Mapping):
            out[key] = {name: to_json_schema(sub) for name, sub in value.items()}
        else:
            out[key] = to_json_schema(value)
    if node.get("nullable") is True:
        return {"anyOf": [{"type": "null"}, out]}
    return out


@dataclass(frozen=True, slots=True)
class Parameter:
    """One declared parameter of an operation, precompiled."""

    name: str
    location: str
    required: bool
    kind: str
    format: str | None = None
    enum: tuple[object, ...] | None = None
    minimum: float | None = None
    maximum: float | None = None

    def parse(self, raw: str) -> object:
        """Convert the raw text of the parameter to its typed value.

        Args:
            raw: The decoded text as sent.

        Returns:
            The value (str, int, float, bool or datetime-checked str).

        Raises:
            RequestInvalid: The text is not of the declared type, format, enum or bounds.

        """
        where = f"{self.location} parameter {self.name}"
        value: object
        if self.kind == "integer":
            number = parse_integer(raw)
            if number is None:
                raise RequestInvalid(self.name, f"{where}: {raw!r} is not an integer")
            low, high = (INT64_MIN, INT64_MAX) if self.format == "int64" else (INT32_MIN, INT32_MAX)
            if self.format in ("int32", "int64") and not low <= number <= high:
                raise RequestInvalid(self.name, f"{where}: {raw} is out of {self.format} range")
            value = number
        elif self.kind == "number":
            real = parse_number(raw)
            if real is None:
                raise RequestInvalid(self.name, f"{where}: {raw!r} is not a number")
            value = real
        elif self.kind == "boolean":
            lowered = raw.lower()
            if lowered not in ("true", "false"):
                raise RequestInvalid(self.name, f"{where}: {raw!r} is not true or false")
            value = lowered == "true"
        else:
            if self.format == "date-time" and parse_date_time(raw) is None:
                raise RequestInvalid(self.name, f"{where}: {raw!r} is not an RFC 3339 date-time")
            if self.format == "uuid" and not is_uuid(raw):
                raise RequestInvalid(self.name, f"{where}: {raw!r} is not a UUID")
            value = raw
        if self.enum is not None and value not in self.enum:
            allowed = ", ".join(str(item) for item in self.enum)
            raise RequestInvalid(self.name, f"{where}: {raw!r} is not one of {allowed}")
        if isinstance(value, int | float) and not isinstance(value, bool):
            if self.minimum is not None and value < self.minimum:
                raise RequestInvalid(self.name, f"{where}: {raw} is less than {self.minimum:g}")
            if self.maximum is not None and value > self.maximum:
                raise RequestInvalid(self.name, f"{where}: {raw} is more than {self.maximum:g}")
        return value


@dataclass(frozen=True, slots=True)
class MediaCheck:
    """What a declared media type of a response allows."""

    kind: str  # "json", "text" or "binary"
    validator: JsonCheck | None = None


@dataclass(slots=True)
class ValidatedRequest:
    """Typed parameters and body of a request that passed validation."""

    params: dict[str, object]
    body: object = None
    files: dict[str, bytes] = field(default_factory=dict)


@dataclass(slots=True)
class Operation:
    """One operation of the spec, precompiled."""

    operation_id: str
    method: str
    template: str
    parameters: tuple[Parameter, ...]
    body_media: str | None
    body_required: bool
    body_validator: JsonCheck | None
    multipart_required: tuple[str, ...]
    responses: dict[int, dict[str, MediaCheck]]
    #: The first server line that has the operation (``x-wats-since``), e.g. (2026, 3);
    #: None for the operations of the published documents.
    since: tuple[int, ...] | None = None

    def validate_request(
        self,
        path_values: Mapping[str, str],
        query: Mapping[str, str],
        content_type: str | None,
        body: bytes,
    ) -> ValidatedRequest:
        """Check a request against the operation and return its typed values.

        Args:
            path_values: Decoded path segments by parameter name.
            query: Decoded query values by name (last one wins when repeated).
            content_type: The request's Content-Type header.
            body: The raw request body.

        Returns:
            The typed parameters, the parsed JSON body and any uploaded files.

        Raises:
            RequestInvalid: The request is off the contract; names the parameter.

        """
        params: dict[str, object] = {}
        for param in self.parameters:
            source = path_values if param.location == "path" else query
            raw = source.get(param.name)
            if raw is None:
                if param.required:
                    raise RequestInvalid(
                        param.name, f"missing required {param.location} parameter {param.name}"
                    )
                continue
            params[param.name] = param.parse(raw)
        result = ValidatedRequest(params)
        if self.body_media is None:
            return result
        media = (content_type or "").split(";", 1)[0].strip().lower()
        if not body and media == "":
            if self.body_required:
                raise RequestInvalid("body", "the request body is required")
            return result
        if media != self.body_media:
            raise RequestInvalid(
                "body",
                f"the request body must be {self.body_media}, not {media or 'missing'}",
            )
        if self.body_media == "application/json":
            result.body = self._parse_json_body(body)
        else:
            result.files = self._parse_multipart(content_type or "", body)
        return result

    def _parse_json_body(self, body: bytes) -> object:
        if not body.strip():
            raise RequestInvalid("body", "the request body is required")
        try:
            value = load_json(body)
        except ValueError as exc:
            # json.JSONDecodeError and UnicodeDecodeError are ValueErrors too.
            what = (
                "not JSON"
                if isinstance(exc, json.JSONDecodeError | UnicodeDecodeError)
                else "not usable JSON"
            )
            raise RequestInvalid("body", f"the request body is {what}: {exc}") from None
        if self.body_validator is not None:
            message = self.body_validator.error(value)
            if message is not None:
                raise RequestInvalid("body", message)
        return value

    def _parse_multipart(self, content_type: str, body: bytes) -> dict[str, bytes]:
        if "boundary=" not in content_type:
            raise RequestInvalid("body", "multipart/form-data without a boundary")
        head = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode("latin-1")
        message = BytesParser(policy=HTTP).parsebytes(head + body)
        files: dict[str, bytes] = {}
        if message.is_multipart():
            for part in message.iter_parts():
                name = part.get_param("name", header="content-disposition")
                payload = part.get_payload(decode=True)
                if isinstance(name, str) and isinstance(payload, bytes):
                    files[name] = payload
        for name in self.multipart_required:
            if name not in files:
                raise RequestInvalid(name, f"multipart part {name} is required")
        return files

    def check_response(self, status: int, content_type: str | None, body: bytes) -> None:
        """Check a response against what the operation declares.

        Args:
            status: The status code sent.
            content_type: The Content-Type header sent, if any.
            body: The body sent.

        Raises:
            ResponseInvalid: The status, media type or body is not declared.

        """
        declared = self.responses.get(status)
        if declared is None:
            listed = ", ".join(str(code) for code in sorted(self.responses))
            raise ResponseInvalid(f"status {status} is not declared (declared: {listed})")
        if not declared:
            if body:
                raise ResponseInvalid(f"status {status} declares no content but a body was sent")
            return
        media = (content_type or "").split(";", 1)[0].strip().lower()
        check = declared.get(media)
        if check is None:
            listed = ", ".join(declared)
            raise ResponseInvalid(f"content type {media or 'missing'} is not declared ({listed})")
        if check.kind == "binary":
            return
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            raise ResponseInvalid(f"{media} body is not UTF-8 text") from None
        if check.kind == "json":
            try:
                value = json.loads(text)
            except ValueError:
                raise ResponseInvalid(f"{media} body is not JSON") from None
            if check.validator is not None:
                message = check.validator.error(value)
                if message is not None:
                    raise ResponseInvalid(message)


def _json_path(error: ValidationError) -> str:
    return "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in error.absolute_path)


_PARAM_RE = re.compile(r"\{([^}]+)\}")
_VERSION_RE = re.compile(r"^\s*v?(\d+(?:\.\d+)*)")


def version_parts(text: str) -> tuple[int, ...]:
    """Return the leading dotted numbers of a server version (``2026.3.0`` -> (2026, 3, 0)).

    Args:
        text: a version such as ``2025.3.9.824`` or ``2026.3.0-beta``.

    Returns:
        Its numbers.

    Raises:
        ValueError: the text does not start with a number.

    """
    match = _VERSION_RE.match(text)
    if match is None:
        raise ValueError(f"a server version is dotted numbers such as 2026.3.0, not {text!r}")
    return tuple(int(part) for part in match.group(1).split("."))


@dataclass(slots=True)
class _PathEntry:
    segments: tuple[str | None, ...]
    names: tuple[str, ...]
    methods: dict[str, Operation]


class NoRoute(Exception):
    """No operation answers this method and path."""

    def __init__(self, allowed: Sequence[str] | None) -> None:
        super().__init__("no route")
        self.allowed = allowed


class Contract:
    """The spec, precompiled for matching and validating requests and responses."""

    def __init__(self, spec: Mapping[str, object]) -> None:
        """Compile ``spec`` (a parsed OpenAPI 3.0 document).

        Args:
            spec: The parsed document, for example :func:`load_spec` of the pinned spec.

        """
        self.spec = spec
        components = cast("Mapping[str, Mapping[str, object]]", spec.get("components", {}))
        self._schemas: Mapping[str, object] = components.get("schemas", {})
        self._responses: Mapping[str, object] = components.get("responses", {})
        self._definitions = {name: to_json_schema(schema) for name, schema in self._schemas.items()}
        self._compiler = SchemaCompiler(self._definitions, FORMAT_CHECKER)
        self.operations: dict[str, Operation] = {}
        self._paths: dict[int, list[_PathEntry]] = {}
        paths = cast("Mapping[str, Mapping[str, object]]", spec.get("paths", {}))
        for template, item in paths.items():
            segments = tuple(template.strip("/").split("/"))
            compiled = tuple(None if _PARAM_RE.fullmatch(s) else s for s in segments)
            names = tuple(s[1:-1] for s in segments if _PARAM_RE.fullmatch(s))
            entry = _PathEntry(compiled, names, {})
            for method, raw in item.items():
                if method not in ("get", "put", "post", "delete", "patch", "head", "options"):
                    continue
                op = self._compile(method.upper(), template, cast("Mapping[str, object]", raw))
                entry.methods[op.method] = op
                self.operations[op.operation_id] = op
            self._paths.setdefault(len(segments), []).append(entry)
        for entries in self._paths.values():
            # Routes with more literal segments win over routes with parameters there.
            entries.sort(key=lambda e: sum(s is None for s in e.segments))

    def _validator(self, schema: object) -> JsonCheck:
        root = to_json_schema(schema)
        document = dict(cast("Mapping[str, object]", root)) if isinstance(root, Mapping) else {}
        document["definitions"] = self._definitions
        try:
            fast: Predicate | None = self._compiler.compile(root)
        except Unsupported as exc:
            logger.debug("schema check falls back to jsonschema: %s", exc)
            fast = None
        return JsonCheck(Draft4Validator(document, format_checker=FORMAT_CHECKER), fast)

    def _resolve(self, node: object, table: Mapping[str, object], prefix: str) -> object:
        while isinstance(node, Mapping) and isinstance(node.get("$ref"), str):
            node = table[str(node["$ref"]).removeprefix(prefix)]
        return node

    def _parameter(self, raw: Mapping[str, object]) -> Parameter:
        schema = cast(
            "Mapping[str, object]", self._resolve(raw.get("schema", {}), self._schemas, _SCHEMA_REF)
        )
        enum = schema.get("enum")
        minimum = schema.get("minimum")
        maximum = schema.get("maximum")
        return Parameter(
            name=str(raw["name"]),
            location=str(raw["in"]),
            required=bool(raw.get("required", False)),
            kind=str(schema.get("type", "string")),
            format=cast("str | None", schema.get("format")),
            enum=tuple(cast("Iterable[object]", enum)) if enum is not None else None,
            minimum=float(cast("float", minimum)) if minimum is not None else None,
            maximum=float(cast("float", maximum)) if maximum is not None else None,
        )

    def _compile(self, method: str, template: str, raw: Mapping[str, object]) -> Operation:
        parameters = tuple(
            self._parameter(cast("Mapping[str, object]", p))
            for p in cast("Sequence[object]", raw.get("parameters", []))
        )
        body_media: str | None = None
        body_validator: JsonCheck | None = None
        multipart_required: tuple[str, ...] = ()
        request_body = cast("Mapping[str, object] | None", raw.get("requestBody"))
        body_required = bool(request_body and request_body.get("required", False))
        if request_body:
            content = cast("Mapping[str, Mapping[str, object]]", request_body.get("content", {}))
            body_media, media_object = next(iter(content.items()))
            schema = media_object.get("schema", {})
            if body_media == "application/json":
                body_validator = self._validator(schema)
            else:
                resolved = cast(
                    "Mapping[str, object]", self._resolve(schema, self._schemas, _SCHEMA_REF)
                )
                multipart_required = tuple(cast("Sequence[str]", resolved.get("required", [])))
        responses: dict[int, dict[str, MediaCheck]] = {}
        for status, response in cast("Mapping[str, object]", raw.get("responses", {})).items():
            resolved_response = cast(
                "Mapping[str, object]",
                self._resolve(response, self._responses, "#/components/responses/"),
            )
            media: dict[str, MediaCheck] = {}
            content = cast(
                "Mapping[str, Mapping[str, object]]", resolved_response.get("content", {})
            )
            for media_type, media_object in content.items():
                schema = cast("Mapping[str, object]", media_object.get("schema", {}))
                if media_type.endswith("json"):
                    media[media_type] = MediaCheck("json", self._validator(schema))
                elif schema.get("format") == "binary":
                    media[media_type] = MediaCheck("binary")
                else:
                    media[media_type] = MediaCheck("text")
            responses[int(status)] = media
        since = raw.get("x-wats-since")
        return Operation(
            since=version_parts(str(since)) if since is not None else None,
            operation_id=str(raw["operationId"]),
            method=method,
            template=template,
            parameters=parameters,
            body_media=body_media,
            body_required=body_required,
            body_validator=body_validator,
            multipart_required=multipart_required,
            responses=responses,
        )

    def match(self, method: str, raw_path: bytes) -> tuple[Operation, dict[str, str]]:
        """Find the operation for a method and raw (still percent-encoded) path.

        Each segment is percent-decoded on its own, so ``%2F`` inside a serial number stays
        inside its segment.

        Args:
            method: The HTTP method.
            raw_path: The path as sent, without the query string.

        Returns:
            The operation and its decoded path parameters.

        Raises:
            NoRoute: No path matches (``allowed`` None) or the method is not declared for
                the path (``allowed`` lists the declared methods).

        """
        segments = [
            unquote_to_bytes(s).decode("utf-8", "replace") for s in raw_path.strip(b"/").split(b"/")
        ]
        for entry in self._paths.get(len(segments), ()):
            values: list[str] = []
            for literal, segment in zip(entry.segments, segments, strict=True):
                if literal is None:
                    if segment == "":
                        break
                    values.append(segment)
                elif literal != segment:
                    break
            else:
                op = entry.methods.get(method)
                if op is None:
                    raise NoRoute(sorted(entry.methods))
                return op, dict(zip(entry.names, values, strict=True))
        raise NoRoute(None)

"""Structural conformance check of ``spec/production-api.yaml`` against a server's document.

The pinned contract deliberately differs from the document a WATS server publishes: it
is typed where upstream is untyped, and corrected where upstream is wrong. Every such
difference must be annotated in the spec (``x-wats-correction`` on the element, or an
entry of the top-level ``x-wats-corrections`` list). This module reads an upstream
document (OpenAPI 3 or Swagger 2.0, from a path or an http(s) URL), extracts its
``/api/Production/`` operations plus ``GET /api/App/Version`` and ``GET /api/App/Processes``,
and compares them with the spec **structurally**: operations, parameters (name,
location, type, format, required), request bodies, responses, and schema properties
recursively (schemas are matched by position, never by name: upstream names are dotted
.NET names, the spec's are short). Each difference is either *covered* by an annotation
or is *drift*.

Where an annotation covers a difference:

* parameter differences: ``x-wats-correction`` on the spec parameter, or on the
  operation when its text names the parameter;
* response differences of status ``S``: ``x-wats-correction`` on the operation when its
  text names ``S`` (for example "200 answers a Unit"); an extra error response whose
  schema carries ``x-wats-correction`` (``Problem``) is covered by it;
* request-body differences: ``x-wats-correction`` on the operation naming "body";
* schema differences: ``x-wats-correction`` on the spec property, or on any schema it
  refers to; missing or extra properties: on the containing spec schema;
* ``nullable`` added, media types, security: the top-level entries whose ``element``
  mentions "nullab", "media type" and "security";
* an operation present on one side only: a top-level entry whose ``element`` is
  ``"METHOD /path"``;
* an operation of a newer server line that the published documents lack: its own
  ``x-wats-since`` (the first server line known to have it) with ``x-wats-evidence``
  (where it is known from). Such an operation is reported as an *addition*
  (``added``), never as drift; once upstream publishes it, it is compared like any other.

Run it as ``python -m pywats_production.spec_check [PATH_OR_URL ...]`` (``nox -s
spec_check``). It exits 1 on unannotated drift, 2 when a document cannot be read, and
0 otherwise, including when no upstream document is available (then it says how to
give one). ``--list-corrections`` prints the table of every correction in the spec.
"""

from __future__ import annotations

import argparse
import enum
import json
import os
import re
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from ._upstream import (
    HOW_TO_GIVE_INTERNAL_UPSTREAM,
    HOW_TO_GIVE_UPSTREAM,
    UpstreamNotFoundError,
    default_internal_upstream_sources,
    default_upstream_sources,
    internal_spec_path,
    spec_path,
)

__all__ = [
    "Correction",
    "Finding",
    "OperationReport",
    "Report",
    "SpecCheckError",
    "Status",
    "check",
    "compare",
    "corrections_markdown",
    "list_corrections",
    "load_spec",
    "load_upstream",
    "main",
]

JsonMap = Mapping[str, object]
_EMPTY: JsonMap = {}
_METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")
_EXTRA_OPERATIONS = frozenset({("get", "/api/App/Version"), ("get", "/api/App/Processes")})
_PRODUCTION_PREFIX = "/api/Production/"
_CORRECTION = "x-wats-correction"
_CORRECTIONS = "x-wats-corrections"
_SCOPE = "x-wats-upstream-scope"
_MAX_DEPTH = 64


class SpecCheckError(ValueError):
    """A document cannot be read or is not an OpenAPI 3 / Swagger 2.0 document."""


class Status(enum.StrEnum):
    """Verdict on one operation."""

    OK = "OK"
    CORRECTED = "corrected"
    ADDED = "added"
    DRIFT = "DRIFT"


@dataclass(frozen=True)
class Finding:
    """One structural difference between upstream and the spec.

    Attributes:
        where: The element, e.g. ``"parameter query phase"`` or ``"request body[].tags"``.
        detail: What differs, upstream first.
        covered_by: The annotation that accounts for it, or ``None`` (drift).

    """

    where: str
    detail: str
    covered_by: str | None = None

    @property
    def is_drift(self) -> bool:
        """Whether no annotation accounts for this difference."""
        return self.covered_by is None

    def render(self) -> str:
        """Return the finding as one report line (without indentation).

        Returns:
            ``"<where>: <detail> [<covered_by or UNANNOTATED>]"``.

        Example:
            >>> Finding("parameter query phase", "missing here").render()
            'parameter query phase: missing here [UNANNOTATED]'

        """
        return f"{self.where}: {self.detail} [{self.covered_by or 'UNANNOTATED'}]"


@dataclass(frozen=True)
class OperationReport:
    """The verdict on one operation (present upstream, in the spec, or both).

    Attributes:
        method: HTTP method, upper case.
        path: Path template (the spec's when the operation is in the spec).
        operation_id: The spec's operationId, or ``None`` for an upstream-only operation.
        findings: Every difference found, covered or not.
        added_since: For an operation of a newer server line that upstream does not
            publish: its ``x-wats-since`` (e.g. ``"2026.3"``); else ``None``.

    """

    method: str
    path: str
    operation_id: str | None
    findings: tuple[Finding, ...] = ()
    added_since: str | None = None

    @property
    def status(self) -> Status:
        """The verdict: ``DRIFT``, ``added``, ``corrected`` or ``OK``.

        ``DRIFT`` if any finding is uncovered; ``added`` for an addition of a newer server
        line; ``corrected`` if any finding is covered; else ``OK``.
        """
        if any(f.is_drift for f in self.findings):
            return Status.DRIFT
        if self.added_since is not None:
            return Status.ADDED
        return Status.CORRECTED if self.findings else Status.OK

    @property
    def drift(self) -> tuple[Finding, ...]:
        """The uncovered findings."""
        return tuple(f for f in self.findings if f.is_drift)

    def render(self, verbose: bool = False) -> str:
        """Return the report lines of this operation.

        Args:
            verbose: List every finding, not only the drift.

        Returns:
            One head line, then one indented line per drift finding (every finding when
            ``verbose``); a corrected operation's head line names what covers it.

        Example:
            >>> OperationReport("GET", "/api/App/Version", "getServerVersion").render()
            'OK         GET    /api/App/Version  (getServerVersion)'

        """
        head = f"{self.status.value:<10} {self.method:<6} {self.path}"
        if self.operation_id:
            head += f"  ({self.operation_id})"
        if self.status is Status.ADDED:
            head += (
                f"  addition of server {self.added_since} (x-wats-since), not published upstream"
            )
        if self.status is Status.CORRECTED and not verbose:
            counts: dict[str, int] = {}
            for f in self.findings:
                key = f.covered_by or ""
                counts[key] = counts.get(key, 0) + 1
            covered = "; ".join(f"{k} x{n}" if n > 1 else k for k, n in counts.items())
            head += f"  covered by: {covered}"
        shown = self.findings if verbose else self.drift
        return "\n".join([head, *(f"    - {f.render()}" for f in shown)])


@dataclass(frozen=True)
class Report:
    """The result of comparing one upstream document with the spec.

    Attributes:
        source: Where the upstream document came from (path, URL or a label).
        title: Format, title and version of the upstream document.
        operations: One report per operation, spec order first, then upstream-only ones.

    """

    source: str
    title: str
    operations: tuple[OperationReport, ...]

    @property
    def has_drift(self) -> bool:
        """Whether any operation has an unannotated difference."""
        return any(op.status is Status.DRIFT for op in self.operations)

    @property
    def drift(self) -> tuple[Finding, ...]:
        """Every uncovered finding of every operation."""
        return tuple(f for op in self.operations for f in op.drift)

    def count(self, status: Status) -> int:
        """Return how many operations have ``status``.

        Args:
            status: The verdict to count.

        Returns:
            The number of operations with that verdict.

        Example:
            >>> Report("x", "t", ()).count(Status.OK)
            0

        """
        return sum(1 for op in self.operations if op.status is status)

    def operation(self, method: str, path: str) -> OperationReport:
        """Return the report of one operation.

        Args:
            method: HTTP method, any case.
            path: Path template as written in the spec (or upstream, if spec lacks it).

        Returns:
            The operation's report.

        Raises:
            KeyError: No such operation in the report.

        Example:
            >>> Report("x", "t", (OperationReport("GET", "/a", "a"),)).operation("get", "/a").path
            '/a'

        """
        for op in self.operations:
            if op.method == method.upper() and op.path == path:
                return op
        raise KeyError(f"{method.upper()} {path}")

    def summary(self) -> str:
        """Return the one-line summary.

        Returns:
            Counts of operations per verdict and of unannotated differences.

        Additions (operations of newer server lines, see :class:`OperationReport`) are
        counted only when there are any, so a report without them reads as before.

        Example:
            >>> Report("doc.json", "t", ()).summary()
            'summary doc.json: 0 operations: 0 OK, 0 corrected, 0 DRIFT; 0 unannotated differences'

        """
        n = len(self.drift)
        added = self.count(Status.ADDED)
        additions = f"{added} added (newer servers), " if added else ""
        return (
            f"summary {self.source}: {len(self.operations)} operations: "
            f"{self.count(Status.OK)} OK, {self.count(Status.CORRECTED)} corrected, "
            f"{additions}{self.count(Status.DRIFT)} DRIFT; "
            f"{n} unannotated difference{'s' * (n != 1)}"
        )

    def render(self, verbose: bool = False) -> str:
        """Return the whole per-operation report with its summary line.

        Args:
            verbose: List every finding, not only the drift.

        Returns:
            A multi-line text ending with :meth:`summary`.

        Example:
            >>> Report("d", "t", ()).render().splitlines()[0]
            'spec_check: d (t)'

        """
        lines = [f"spec_check: {self.source} ({self.title})"]
        lines += [op.render(verbose) for op in self.operations]
        lines.append(self.summary())
        return "\n".join(lines)


@dataclass(frozen=True)
class Correction:
    """One annotated difference between upstream and the spec.

    Attributes:
        element: The annotated element of the spec.
        upstream: What the upstream document says.
        here: What the spec says instead.
        evidence: Why.

    """

    element: str
    upstream: str
    here: str
    evidence: str


# --------------------------------------------------------------------------- loading


def _as_map(value: object) -> JsonMap:
    return value if isinstance(value, Mapping) else _EMPTY


def _as_list(value: object) -> list[object]:
    return list(value) if isinstance(value, list) else []


def _as_str(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _parse_document(text: str, origin: str) -> dict[str, object]:
    try:
        data: object = json.loads(text)
    except json.JSONDecodeError as json_error:
        try:
            import yaml
        except ImportError:  # pragma: no cover - pyyaml comes with the mock/test extras
            raise SpecCheckError(
                f"{origin}: not JSON ({json_error}); reading YAML needs PyYAML "
                "(pip install 'pywats-production[mock]')"
            ) from json_error
        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as yaml_error:
            raise SpecCheckError(f"{origin}: neither JSON nor YAML ({yaml_error})") from None
    if not isinstance(data, Mapping):
        raise SpecCheckError(f"{origin}: the document is not a JSON object")
    return {str(k): v for k, v in data.items()}


def load_upstream(
    source: str | os.PathLike[str], *, client: httpx.Client | None = None
) -> dict[str, object]:
    """Read an upstream OpenAPI 3 or Swagger 2.0 document, without validating it.

    Upstream documents fail validation as a whole (duplicate operationIds outside
    Production), so they are only parsed.

    Args:
        source: A file path, or an ``http://`` / ``https://`` URL fetched with httpx.
        client: httpx client for URLs (default: a short-lived one, 30 s timeout).

    Returns:
        The parsed document.

    Raises:
        SpecCheckError: The source cannot be read or is not a JSON/YAML object.

    Example:
        >>> doc = load_upstream("../shared/wats-openapi/openapi_public_v3.json")  # doctest: +SKIP
        >>> doc["info"]["title"]  # doctest: +SKIP
        'WATS API'

    """
    text = str(source)
    if text.startswith(("http://", "https://")):
        try:
            if client is None:
                with httpx.Client(timeout=30.0, follow_redirects=True) as own:
                    response = own.get(text)
            else:
                response = client.get(text)
            response.raise_for_status()
        except httpx.HTTPError as error:
            raise SpecCheckError(f"{text}: {error}") from error
        return _parse_document(response.text, text)
    try:
        body = Path(source).read_text(encoding="utf-8-sig")
    except OSError as error:
        raise SpecCheckError(f"{text}: {error}") from error
    return _parse_document(body, text)


def load_spec(path: str | os.PathLike[str] | None = None) -> dict[str, object]:
    """Read the pinned contract (YAML anchors resolved).

    Args:
        path: The spec file (default: the repository's ``spec/production-api.yaml``).

    Returns:
        The parsed spec.

    Raises:
        SpecCheckError: The file cannot be read or parsed.

    Example:
        >>> load_spec()["openapi"]
        '3.0.3'

    """
    target = spec_path() if path is None else Path(path)
    try:
        text = target.read_text(encoding="utf-8")
    except OSError as error:
        raise SpecCheckError(f"{target}: {error}") from error
    return _parse_document(text, str(target))


# ------------------------------------------------------------------ normalisation


def _resolve(doc: JsonMap, ref: str) -> JsonMap:
    if not ref.startswith("#/"):
        raise SpecCheckError(f"only local $ref are supported, not {ref!r}")
    node: object = doc
    for token in ref[2:].split("/"):
        node = _as_map(node).get(token.replace("~1", "/").replace("~0", "~"))
        if node is None:
            raise SpecCheckError(f"unresolvable $ref {ref!r}")
    return _as_map(node)


def _deref(doc: JsonMap, node: JsonMap) -> JsonMap:
    for _ in range(_MAX_DEPTH):
        ref = _as_str(node.get("$ref"))
        if ref is None:
            return node
        node = _resolve(doc, ref)
    raise SpecCheckError("$ref chain too long")


def _short(ref: str) -> str:
    # '#/components/schemas/Virinco.WATS...Public.Unit' -> 'Unit'
    return ref.rsplit("/", 1)[-1].rsplit(".", 1)[-1]


@dataclass(frozen=True)
class _Shape:
    """A schema with $ref and allOf folded in, reduced to what is compared."""

    types: tuple[str, ...]
    fmt: str | None
    nullable: bool
    enum: tuple[str, ...] | None
    properties: Mapping[str, JsonMap]
    required: frozenset[str]
    items: JsonMap | None
    additional: bool
    read_only: bool
    write_only: bool
    annotated_at: str | None
    refs: tuple[str, ...]

    @property
    def is_free(self) -> bool:
        """Untyped: ``{}`` or a bare ``{type: object}`` (what upstream uses for 'anything')."""
        return self.types in ((), ("object",)) and not self.properties and self.items is None

    def describe(self, doc: JsonMap) -> str:
        """Say in a few words what this schema is (``doc`` resolves array items)."""
        if self.is_free:
            return "an untyped object" if self.types else "any value"
        if self.types == ("array",) and self.items is not None:
            return f"array of {_shape(doc, self.items).describe(doc)}"
        text = " | ".join(self.types)
        if self.fmt:
            text += f" ({self.fmt})"
        if self.refs:
            text = f"{_short(self.refs[-1])} ({text})"
        return text


def _shape(doc: JsonMap, raw: JsonMap) -> _Shape:
    parts: list[JsonMap] = []
    refs: list[str] = []
    annotated_at: str | None = None

    def fold(node: JsonMap, depth: int) -> None:
        nonlocal annotated_at
        if depth > _MAX_DEPTH:
            raise SpecCheckError("allOf/$ref nesting too deep")
        ref = _as_str(node.get("$ref"))
        if ref is not None:
            refs.append(ref)
            fold(_resolve(doc, ref), depth + 1)
            return
        if annotated_at is None and isinstance(node.get(_CORRECTION), Mapping):
            annotated_at = f"schema {_short(refs[-1])}" if refs else "this element"
        parts.append(node)
        for sub in _as_list(node.get("allOf")):
            fold(_as_map(sub), depth + 1)

    fold(raw, 0)
    types: list[str] = []
    fmt: str | None = None
    nullable = False
    enum_values: tuple[str, ...] | None = None
    properties: dict[str, JsonMap] = {}
    required: set[str] = set()
    items: JsonMap | None = None
    additional = True
    read_only = write_only = False
    for part in parts:
        declared = part.get("type")
        for t in declared if isinstance(declared, list) else [declared]:
            if t == "null":
                nullable = True
            elif t == "file":  # Swagger 2.0 upload parameter
                types.append("string")
                fmt = fmt or "binary"
            elif isinstance(t, str):
                types.append(t)
        fmt = fmt or _as_str(part.get("format"))
        nullable = nullable or part.get("nullable") is True or part.get("x-nullable") is True
        if isinstance(part.get("enum"), list):
            enum_values = tuple(sorted(json.dumps(v) for v in _as_list(part.get("enum"))))
        for name, sub in _as_map(part.get("properties")).items():
            properties[name] = _as_map(sub)
        required.update(r for r in _as_list(part.get("required")) if isinstance(r, str))
        if "items" in part:
            items = _as_map(part.get("items"))
        additional = additional and part.get("additionalProperties") is not False
        read_only = read_only or part.get("readOnly") is True
        write_only = write_only or part.get("writeOnly") is True
        for branch in _as_list(part.get("anyOf")) + _as_list(part.get("oneOf")):
            sub_shape = _shape(doc, _as_map(branch))
            types.extend(sub_shape.types)
            nullable = nullable or sub_shape.nullable
    unique = tuple(sorted(set(types))) if len(set(types)) > 1 else tuple(dict.fromkeys(types))
    if not unique and (properties or items is not None):
        unique = ("object",) if properties else ("array",)
    return _Shape(
        types=unique,
        fmt=fmt,
        nullable=nullable,
        enum=enum_values,
        properties=properties,
        required=frozenset(required),
        items=items,
        additional=additional,
        read_only=read_only,
        write_only=write_only,
        annotated_at=annotated_at,
        refs=tuple(refs),
    )


@dataclass(frozen=True)
class _Param:
    name: str
    location: str
    required: bool
    schema: JsonMap
    raw: JsonMap


@dataclass(frozen=True)
class _Body:
    required: bool
    media: tuple[str, ...]
    schema: JsonMap | None


@dataclass(frozen=True)
class _Resp:
    media: tuple[str, ...]
    schema: JsonMap | None


@dataclass(frozen=True)
class _Op:
    method: str
    path: str
    raw: JsonMap
    params: dict[tuple[str, str], _Param]
    body: _Body | None
    responses: dict[str, _Resp]
    security: frozenset[str]


def _pick_schema(content: JsonMap) -> JsonMap | None:
    if not content:
        return None
    chosen = content.get("application/json", next(iter(content.values())))
    schema = _as_map(chosen).get("schema")
    return _as_map(schema) if schema is not None else None


def _security(doc: JsonMap, op: JsonMap, schemes: JsonMap) -> frozenset[str]:
    requirements = op.get("security") if "security" in op else doc.get("security")
    found: set[str] = set()
    for requirement in _as_list(requirements):
        for name in _as_map(requirement):
            scheme = _as_map(schemes.get(name))
            kind = _as_str(scheme.get("type")) or name
            if kind == "basic":  # Swagger 2.0 spells HTTP basic this way
                kind, detail = "http", "basic"
            elif kind == "http":
                detail = (_as_str(scheme.get("scheme")) or "").lower()
            elif kind == "apiKey":
                detail = f"{scheme.get('in')} {scheme.get('name')}"
            else:
                detail = ""
            found.add(f"{kind} {detail}".strip())
    return frozenset(found)


def _parameters(doc: JsonMap, path_item: JsonMap, op: JsonMap) -> list[JsonMap]:
    merged: dict[tuple[str, str], JsonMap] = {}
    for raw in _as_list(path_item.get("parameters")) + _as_list(op.get("parameters")):
        param = _deref(doc, _as_map(raw))
        merged[(str(param.get("in")), str(param.get("name")))] = param
    return list(merged.values())


_V2_SCHEMA_KEYS = ("type", "format", "items", "enum", "x-nullable", "allOf", "$ref")


def _operations_v3(doc: JsonMap) -> Iterator[_Op]:
    schemes = _as_map(_as_map(doc.get("components")).get("securitySchemes"))
    for path, item in _as_map(doc.get("paths")).items():
        path_item = _as_map(item)
        for method in _METHODS:
            if method not in path_item:
                continue
            op = _as_map(path_item[method])
            params: dict[tuple[str, str], _Param] = {}
            for p in _parameters(doc, path_item, op):
                name, location = str(p.get("name")), str(p.get("in"))
                params[(location, name)] = _Param(
                    name, location, p.get("required") is True, _as_map(p.get("schema")), p
                )
            body: _Body | None = None
            if "requestBody" in op:
                rb = _deref(doc, _as_map(op["requestBody"]))
                content = _as_map(rb.get("content"))
                body = _Body(rb.get("required") is True, tuple(content), _pick_schema(content))
            responses: dict[str, _Resp] = {}
            for status, resp in _as_map(op.get("responses")).items():
                content = _as_map(_deref(doc, _as_map(resp)).get("content"))
                responses[str(status)] = _Resp(tuple(content), _pick_schema(content))
            yield _Op(method, path, op, params, body, responses, _security(doc, op, schemes))


def _operations_v2(doc: JsonMap) -> Iterator[_Op]:
    schemes = _as_map(doc.get("securityDefinitions"))
    for path, item in _as_map(doc.get("paths")).items():
        path_item = _as_map(item)
        for method in _METHODS:
            if method not in path_item:
                continue
            op = _as_map(path_item[method])
            consumes = tuple(str(m) for m in _as_list(op.get("consumes", doc.get("consumes"))))
            produces = tuple(str(m) for m in _as_list(op.get("produces", doc.get("produces"))))
            params: dict[tuple[str, str], _Param] = {}
            body: _Body | None = None
            form: dict[str, JsonMap] = {}
            form_required: list[str] = []
            for p in _parameters(doc, path_item, op):
                name, location = str(p.get("name")), str(p.get("in"))
                if location == "body":
                    body = _Body(
                        p.get("required") is True,
                        consumes or ("application/json",),
                        _as_map(p.get("schema")),
                    )
                    continue
                schema = {k: p[k] for k in _V2_SCHEMA_KEYS if k in p}
                if location == "formData":
                    form[name] = schema
                    if p.get("required") is True:
                        form_required.append(name)
                    continue
                params[(location, name)] = _Param(
                    name, location, p.get("required") is True, schema, p
                )
            if form:
                body = _Body(
                    bool(form_required),
                    consumes or ("multipart/form-data",),
                    {"type": "object", "properties": form, "required": form_required},
                )
            responses: dict[str, _Resp] = {}
            for status, resp in _as_map(op.get("responses")).items():
                schema_raw = _deref(doc, _as_map(resp)).get("schema")
                if schema_raw is None:
                    responses[str(status)] = _Resp((), None)
                else:
                    responses[str(status)] = _Resp(produces, _as_map(schema_raw))
            yield _Op(method, path, op, params, body, responses, _security(doc, op, schemes))


def _document_kind(doc: JsonMap) -> str:
    swagger = _as_str(doc.get("swagger"))
    openapi = _as_str(doc.get("openapi"))
    if swagger is not None and swagger.startswith("2."):
        return f"Swagger {swagger}"
    if openapi is not None and openapi.startswith("3."):
        return f"OpenAPI {openapi}"
    raise SpecCheckError("not an OpenAPI 3 or Swagger 2.0 document (no 'openapi'/'swagger' key)")


def _operations(doc: JsonMap) -> list[_Op]:
    kind = _document_kind(doc)
    return list(_operations_v2(doc) if kind.startswith("Swagger") else _operations_v3(doc))


def _path_key(path: str) -> str:
    return re.sub(r"\{[^}]*\}", "{}", path)


def _in_scope(op: _Op) -> bool:
    return op.path.startswith(_PRODUCTION_PREFIX) or (op.method, op.path) in _EXTRA_OPERATIONS


# --------------------------------------------------------------------- comparison


@dataclass(frozen=True)
class _Globals:
    """Top-level ``x-wats-corrections`` entries that cover a class of differences."""

    entries: tuple[tuple[str, str], ...]  # (lower-cased element, element as written)

    @classmethod
    def of(cls, spec: JsonMap) -> _Globals:
        found: list[tuple[str, str]] = []
        for entry in _as_list(spec.get(_CORRECTIONS)):
            element = _as_str(_as_map(entry).get("element"))
            if element:
                found.append((element.lower(), element))
        return cls(tuple(found))

    def covering(self, keyword: str) -> str | None:
        for lowered, element in self.entries:
            if keyword in lowered:
                return f"x-wats-corrections: {element}"
        return None

    def naming(self, method: str, path: str) -> str | None:
        wanted = f"{method} {path}".lower()
        for lowered, element in self.entries:
            if lowered.strip().strip("`") == wanted:
                return f"x-wats-corrections: {element}"
        return None


def _correction_text(node: JsonMap) -> str | None:
    corr = node.get(_CORRECTION)
    if not isinstance(corr, Mapping):
        return None
    return " ".join(str(corr.get(k, "")) for k in ("upstream", "here"))


def _mentions(text: str | None, word: str) -> bool:
    if text is None:
        return False
    return re.search(rf"(?<![\w-]){re.escape(word)}(?![\w-])", text) is not None


@dataclass
class _Comparer:
    upstream: JsonMap
    spec: JsonMap
    globals_: _Globals
    findings: list[Finding] = field(default_factory=list)
    seen: set[tuple[tuple[str, ...], tuple[str, ...]]] = field(default_factory=set)

    def add(self, where: str, detail: str, covered_by: str | None) -> None:
        self.findings.append(Finding(where, detail, covered_by))

    def schema(
        self,
        where: str,
        up_raw: JsonMap,
        sp_raw: JsonMap,
        *,
        cover: str | None,
        inherit: bool,
        depth: int = 0,
    ) -> None:
        """Compare two schemas; ``cover`` covers this node (and the subtree if ``inherit``)."""
        up = _shape(self.upstream, up_raw)
        sp = _shape(self.spec, sp_raw)
        if up.refs and sp.refs:
            key = (up.refs, sp.refs)
            if key in self.seen:
                return
            self.seen.add(key)
        if depth > _MAX_DEPTH:
            return
        local: str | None = None
        if sp.annotated_at is not None:
            element = where if sp.annotated_at == "this element" else sp.annotated_at
            local = f"x-wats-correction on {element}"
        node_cover = local or cover
        child_cover = cover if inherit else None
        if up.is_free:
            if not sp.is_free:
                self.add(
                    where,
                    f"upstream {up.describe(self.upstream)}, here {sp.describe(self.spec)}",
                    node_cover,
                )
            return
        if up.types != sp.types:
            self.add(
                where,
                f"type: upstream {' | '.join(up.types) or 'any'}, "
                f"here {' | '.join(sp.types) or 'any'}",
                node_cover,
            )
            return
        if up.fmt != sp.fmt:
            self.add(where, f"format: upstream {up.fmt}, here {sp.fmt}", node_cover)
        if up.enum != sp.enum:
            self.add(
                where,
                f"enum: upstream {_enum_text(up.enum)}, here {_enum_text(sp.enum)}",
                node_cover,
            )
        if sp.nullable and not up.nullable:
            # The top-level nullability entry is the reason for every added null.
            self.add(
                where,
                "nullable here, not upstream",
                self.globals_.covering("nullab") or node_cover,
            )
        if up.nullable and not sp.nullable:
            self.add(where, "nullable upstream, not here", node_cover)
        if up.read_only != sp.read_only:
            self.add(where, f"readOnly: upstream {up.read_only}, here {sp.read_only}", node_cover)
        if up.write_only != sp.write_only:
            self.add(
                where, f"writeOnly: upstream {up.write_only}, here {sp.write_only}", node_cover
            )
        if up.items is not None or sp.items is not None:
            self.schema(
                f"{where}[]",
                up.items or _EMPTY,
                sp.items or _EMPTY,
                cover=child_cover,
                inherit=inherit,
                depth=depth + 1,
            )
        self._properties(where, up, sp, node_cover, child_cover, inherit, depth)

    def _properties(
        self,
        where: str,
        up: _Shape,
        sp: _Shape,
        node_cover: str | None,
        child_cover: str | None,
        inherit: bool,
        depth: int,
    ) -> None:
        for name, up_prop in up.properties.items():
            if name not in sp.properties:
                self.add(f"{where}.{name}", "upstream property is missing here", node_cover)
                continue
            self.schema(
                f"{where}.{name}",
                up_prop,
                sp.properties[name],
                cover=child_cover,
                inherit=inherit,
                depth=depth + 1,
            )
        for name, sp_prop in sp.properties.items():
            if name not in up.properties:
                own = _shape(self.spec, sp_prop).annotated_at
                own_cover = None if own is None else f"x-wats-correction on {where}.{name}"
                self.add(
                    f"{where}.{name}", "property here is not upstream", node_cover or own_cover
                )
        if up.required != sp.required:
            self.add(
                where,
                f"required properties: upstream {sorted(up.required)}, here {sorted(sp.required)}",
                node_cover,
            )
        if up.additional != sp.additional:
            self.add(
                where,
                f"additionalProperties: upstream {up.additional}, here {sp.additional}",
                node_cover,
            )


def _enum_text(values: tuple[str, ...] | None) -> str:
    return "none" if values is None else "[" + ", ".join(values) + "]"


def _media_text(media: tuple[str, ...]) -> str:
    return ", ".join(sorted(media)) or "none"


def _compare_params(cmp: _Comparer, up: _Op, sp: _Op, op_text: str | None) -> None:
    for key, up_param in up.params.items():
        where = f"parameter {key[0]} {key[1]}"
        by_op = "x-wats-correction on the operation" if _mentions(op_text, key[1]) else None
        sp_param = sp.params.get(key)
        if sp_param is None:
            cmp.add(where, "upstream parameter is missing here", by_op)
            continue
        own = "x-wats-correction on the parameter" if _correction_text(sp_param.raw) else None
        cover = own or by_op
        if up_param.required != sp_param.required:
            cmp.add(
                where, f"required: upstream {up_param.required}, here {sp_param.required}", cover
            )
        cmp.schema(where, up_param.schema, sp_param.schema, cover=cover, inherit=True)
    for key, sp_param in sp.params.items():
        if key not in up.params:
            own = "x-wats-correction on the parameter" if _correction_text(sp_param.raw) else None
            by_op = "x-wats-correction on the operation" if _mentions(op_text, key[1]) else None
            cmp.add(f"parameter {key[0]} {key[1]}", "parameter here is not upstream", own or by_op)


def _compare_body(cmp: _Comparer, up: _Op, sp: _Op, op_text: str | None) -> None:
    cover = "x-wats-correction on the operation" if _mentions(op_text, "body") else None
    if up.body is None and sp.body is None:
        return
    if up.body is None or sp.body is None:
        side = sp.body or up.body
        assert side is not None  # one of the two is set, checked above
        doc = cmp.spec if up.body is None else cmp.upstream
        what = _media_text(side.media)
        if side.schema is not None:
            what += f" {_shape(doc, side.schema).describe(doc)}"
        detail = (
            f"not declared upstream, here {what}"
            if up.body is None
            else f"upstream {what}, none here"
        )
        cmp.add("request body", detail, cover)
        return
    if up.body.required != sp.body.required:
        cmp.add(
            "request body",
            f"required: upstream {up.body.required}, here {sp.body.required}",
            cover,
        )
    if set(up.body.media) != set(sp.body.media):
        cmp.add(
            "request body",
            f"media types: upstream {_media_text(up.body.media)}, "
            f"here {_media_text(sp.body.media)}",
            cmp.globals_.covering("media type"),
        )
    cmp.schema(
        "request body",
        up.body.schema or _EMPTY,
        sp.body.schema or _EMPTY,
        cover=cover,
        inherit=False,
    )


def _compare_responses(cmp: _Comparer, up: _Op, sp: _Op, op_text: str | None) -> None:
    for status in [*up.responses, *(s for s in sp.responses if s not in up.responses)]:
        where = f"response {status}"
        cover = "x-wats-correction on the operation" if _mentions(op_text, status) else None
        up_resp, sp_resp = up.responses.get(status), sp.responses.get(status)
        if sp_resp is None:
            cmp.add(where, "declared upstream, missing here", cover)
            continue
        if up_resp is None:
            annotated = (
                None if sp_resp.schema is None else _shape(cmp.spec, sp_resp.schema).annotated_at
            )
            by_schema = None if annotated is None else f"x-wats-correction on {annotated}"
            cmp.add(where, "not declared upstream", cover or by_schema)
            continue
        if up_resp.schema is None or sp_resp.schema is None:
            if up_resp.schema is not None:
                what = _shape(cmp.upstream, up_resp.schema).describe(cmp.upstream)
                cmp.add(where, f"upstream {what}, here no content", cover)
            elif sp_resp.schema is not None:
                what = _shape(cmp.spec, sp_resp.schema).describe(cmp.spec)
                cmp.add(where, f"upstream no content, here {what}", cover)
            continue
        if set(up_resp.media) != set(sp_resp.media):
            cmp.add(
                where,
                f"media types: upstream {_media_text(up_resp.media)}, "
                f"here {_media_text(sp_resp.media)}",
                cmp.globals_.covering("media type"),
            )
        cmp.schema(where, up_resp.schema, sp_resp.schema, cover=cover, inherit=False)


def _compare_operation(
    upstream: JsonMap, spec: JsonMap, globals_: _Globals, up: _Op, sp: _Op
) -> tuple[Finding, ...]:
    cmp = _Comparer(upstream, spec, globals_)
    op_text = _correction_text(sp.raw)
    up_id = _as_str(up.raw.get("operationId"))
    claimed = _as_str(sp.raw.get("x-wats-upstream-operation-id"))
    if up_id is not None and claimed is not None and up_id != claimed:
        cover = "x-wats-correction on the operation" if _mentions(op_text, "operationId") else None
        cmp.add("operationId", f"upstream {up_id}, x-wats-upstream-operation-id {claimed}", cover)
    if up.security != sp.security:
        cmp.add(
            "security",
            f"upstream {', '.join(sorted(up.security)) or 'none'}, "
            f"here {', '.join(sorted(sp.security)) or 'none'}",
            globals_.covering("security"),
        )
    _compare_params(cmp, up, sp, op_text)
    _compare_body(cmp, up, sp, op_text)
    _compare_responses(cmp, up, sp, op_text)
    return tuple(cmp.findings)


def _since(op: JsonMap) -> str | None:
    # An addition counts only with its evidence: a bare x-wats-since is still drift.
    since = op.get("x-wats-since")
    evidence = _as_str(op.get("x-wats-evidence"))
    if isinstance(since, str) and since.strip() and evidence and evidence.strip():
        return since.strip()
    return None


def compare(upstream: JsonMap, spec: JsonMap, *, source: str = "upstream") -> Report:
    """Compare an upstream document with the spec, structurally.

    Args:
        upstream: The parsed upstream document (OpenAPI 3 or Swagger 2.0).
        spec: The parsed pinned contract.
        source: Label of the upstream document in the report.

    Returns:
        One :class:`OperationReport` per operation of the spec and per in-scope upstream
        operation the spec lacks.

    Raises:
        SpecCheckError: A document is not OpenAPI 3 / Swagger 2.0, or has a broken $ref.

    Example:
        >>> upstream = load_upstream("openapi_public_v3.json")  # doctest: +SKIP
        >>> compare(upstream, load_spec()).summary()  # doctest: +SKIP
        'summary upstream: 19 operations: 0 OK, 19 corrected, 0 DRIFT; 0 unannotated differences'

    """
    kind = _document_kind(upstream)
    info = _as_map(upstream.get("info"))
    title = f"{kind}, {info.get('title')!r} {info.get('version')}"
    globals_ = _Globals.of(spec)
    sp_ops = {(o.method, _path_key(o.path)): o for o in _operations(spec)}
    if spec.get(_SCOPE) == "declared":
        # A contract of chosen operations (the internal one): upstream operations it does
        # not declare are out of its scope, not drift.
        up_ops = {
            key: o
            for o in _operations(upstream)
            if (key := (o.method, _path_key(o.path))) in sp_ops
        }
    else:
        up_ops = {(o.method, _path_key(o.path)): o for o in _operations(upstream) if _in_scope(o)}
    reports: list[OperationReport] = []
    for key, sp_op in sp_ops.items():
        op_id = _as_str(sp_op.raw.get("operationId"))
        method = sp_op.method.upper()
        up_op = up_ops.get(key)
        if up_op is None:
            since = _since(sp_op.raw)
            if since is not None:
                finding = Finding(
                    "operation",
                    f"in the spec since server {since}, not published upstream",
                    f"x-wats-since {since}",
                )
                reports.append(
                    OperationReport(method, sp_op.path, op_id, (finding,), added_since=since)
                )
                continue
            finding = Finding(
                "operation",
                "in the spec, not published upstream",
                globals_.naming(method, sp_op.path),
            )
            reports.append(OperationReport(method, sp_op.path, op_id, (finding,)))
            continue
        findings = _compare_operation(upstream, spec, globals_, up_op, sp_op)
        reports.append(OperationReport(method, sp_op.path, op_id, findings))
    for key, up_op in up_ops.items():
        if key in sp_ops:
            continue
        method = up_op.method.upper()
        finding = Finding(
            "operation",
            f"published upstream ({up_op.raw.get('operationId')}), missing from the spec",
            globals_.naming(method, up_op.path),
        )
        reports.append(OperationReport(method, up_op.path, None, (finding,)))
    return Report(source, title, tuple(reports))


def check(source: str | os.PathLike[str], spec: str | os.PathLike[str] | None = None) -> Report:
    """Load an upstream document and the spec, and compare them.

    Args:
        source: Path or http(s) URL of the upstream document.
        spec: Path of the spec (default: the repository's).

    Returns:
        The report.

    Raises:
        SpecCheckError: A document cannot be read.

    Example:
        >>> check("../shared/wats-openapi/openapi_public_v3.json").has_drift  # doctest: +SKIP
        False

    """
    return compare(load_upstream(source), load_spec(spec), source=str(source))


# -------------------------------------------------------------------- corrections


def _walk(node: object, path: tuple[str, ...]) -> Iterator[tuple[tuple[str, ...], JsonMap]]:
    if isinstance(node, Mapping):
        corr = node.get(_CORRECTION)
        if isinstance(corr, Mapping):
            yield path, corr
        for key, value in node.items():
            if key != _CORRECTION:
                yield from _walk(value, (*path, str(key)))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _walk(value, (*path, str(index)))


def _element_name(spec: JsonMap, path: tuple[str, ...]) -> str:
    if len(path) >= 3 and path[0] == "paths" and path[2] in _METHODS:
        op = f"`{path[2].upper()} {path[1]}`"
        if len(path) == 3:
            return op
        if len(path) == 5 and path[3] == "parameters":
            op_node = _as_map(_as_map(_as_map(spec.get("paths")).get(path[1])).get(path[2]))
            param = _as_map(_as_list(op_node.get("parameters"))[int(path[4])])
            return f"{op} {param.get('in')} parameter `{param.get('name')}`"
    if len(path) == 3 and path[:2] == ("components", "schemas"):
        return f"schema `{path[2]}`"
    if len(path) == 5 and path[:2] == ("components", "schemas") and path[3] == "properties":
        return f"`{path[2]}.{path[4]}`"
    return "`/" + "/".join(path) + "`"


def _clean(value: object) -> str:
    return " ".join(str(value if value is not None else "").split())


def list_corrections(spec: JsonMap) -> list[Correction]:
    """Return every correction of the spec: the top-level list, then each annotation.

    Args:
        spec: The parsed pinned contract.

    Returns:
        One :class:`Correction` per top-level entry and per annotated element, in
        document order.

    Example:
        >>> any(c.element == "nullability" for c in list_corrections(load_spec()))
        True

    """
    found = [
        Correction(
            _clean(_as_map(e).get("element")),
            _clean(_as_map(e).get("upstream")),
            _clean(_as_map(e).get("here")),
            _clean(_as_map(e).get("evidence")),
        )
        for e in _as_list(spec.get(_CORRECTIONS))
    ]
    for path, corr in _walk(spec, ()):
        found.append(
            Correction(
                _element_name(spec, path),
                _clean(corr.get("upstream")),
                _clean(corr.get("here")),
                _clean(corr.get("evidence")),
            )
        )
    return found


def corrections_markdown(spec: JsonMap) -> str:
    """Return the corrections as a Markdown table (the one in ``spec/README.md``).

    Args:
        spec: The parsed pinned contract.

    Returns:
        A table with the columns element, upstream, here, evidence; no trailing newline.

    Example:
        >>> corrections_markdown(load_spec()).splitlines()[0]
        '| element | upstream | here | evidence |'

    """

    def cell(text: str) -> str:
        return text.replace("|", "\\|")

    lines = ["| element | upstream | here | evidence |", "| --- | --- | --- | --- |"]
    lines += [
        f"| {cell(c.element)} | {cell(c.upstream)} | {cell(c.here)} | {cell(c.evidence)} |"
        for c in list_corrections(spec)
    ]
    return "\n".join(lines)


# ---------------------------------------------------------------------------- CLI


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m pywats_production.spec_check",
        description=(
            "Compare spec/production-api.yaml structurally with a WATS server's published "
            "OpenAPI document (OpenAPI 3 or Swagger 2.0). Exit 1 on unannotated drift."
        ),
    )
    parser.add_argument(
        "sources",
        nargs="*",
        metavar="PATH_OR_URL",
        help="upstream documents (default: $WATS_UPSTREAM_OPENAPI, else ../shared/wats-openapi/)",
    )
    parser.add_argument("--spec", help="the spec to check (default: spec/production-api.yaml)")
    parser.add_argument(
        "--internal",
        action="store_true",
        help=(
            "check the internal contract spec/production-internal-api.yaml against the "
            "server's internal document (default source: openapi_internal_v3.json)"
        ),
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="list every difference")
    parser.add_argument(
        "--list-corrections",
        action="store_true",
        help="print the Markdown table of every correction in the spec and exit",
    )
    return parser


def main(argv: Sequence[str] | None = None, *, out: Callable[[str], None] | None = None) -> int:
    """Run the conformance check from the command line.

    Args:
        argv: Arguments (default: ``sys.argv[1:]``).
        out: Where lines go (default: print to stdout).

    Returns:
        0 without unannotated drift (also when skipped for want of a document), 1 with
        drift, 2 when a document cannot be read.

    Example:
        >>> main(["--list-corrections"], out=lambda s: None)
        0

    """
    emit = out or print
    args = _parser().parse_args(argv)
    how_to = HOW_TO_GIVE_INTERNAL_UPSTREAM if args.internal else HOW_TO_GIVE_UPSTREAM
    try:
        spec = load_spec(args.spec or (internal_spec_path() if args.internal else None))
    except SpecCheckError as error:
        emit(f"spec_check: error: {error}")
        return 2
    if args.list_corrections:
        emit(corrections_markdown(spec))
        return 0
    sources: list[str] = list(args.sources)
    if not sources:
        finder = default_internal_upstream_sources if args.internal else default_upstream_sources
        try:
            sources = [str(p) for p in finder()]
        except UpstreamNotFoundError as error:
            emit(f"spec_check: error: {error}; {how_to}")
            return 2
    if not sources:
        emit(f"spec_check: skipped: no upstream OpenAPI document found; {how_to}.")
        return 0
    code = 0
    for source in sources:
        try:
            report = compare(load_upstream(source), spec, source=source)
        except SpecCheckError as error:
            emit(f"spec_check: error: {error}")
            code = max(code, 2)
            continue
        emit(report.render(verbose=args.verbose))
        if report.has_drift:
            code = max(code, 1)
    return code


if __name__ == "__main__":
    sys.exit(main())

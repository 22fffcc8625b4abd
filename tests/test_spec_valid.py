"""spec/production-api.yaml is a valid OpenAPI 3.0 document and keeps the project's rules."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
import yaml
from openapi_spec_validator import OpenAPIV30SpecValidator, validate
from openapi_spec_validator.validation.exceptions import OpenAPIValidationError

SPEC_FILE = Path(__file__).resolve().parent.parent / "spec" / "production-api.yaml"
METHODS = {"get", "put", "post", "delete", "patch", "head", "options", "trace"}
RELIABILITY = {"safe", "upsert", "converges", "converges-check", "consumes"}

PRODUCTION_OPERATIONS = {
    ("get", "/api/Production/Unit/{serialNumber}/{partNumber}"),
    ("put", "/api/Production/Units"),
    ("put", "/api/Production/SetUnitPhase"),
    ("put", "/api/Production/SetUnitProcess"),
    ("get", "/api/Production/UnitVerification"),
    ("post", "/api/Production/AddChildUnit"),
    ("post", "/api/Production/RemoveChildUnit"),
    ("get", "/api/Production/CheckChildUnits"),
    ("get", "/api/Production/SerialNumbers/Types"),
    ("post", "/api/Production/SerialNumbers/Take"),
    ("get", "/api/Production/SerialNumbers/ByRange"),
    ("get", "/api/Production/SerialNumbers/ByReference"),
    ("get", "/api/Production/SerialNumbers"),
    ("put", "/api/Production/SerialNumbers"),
    ("put", "/api/Production/Batches"),
    ("get", "/api/Production/Units/Changes"),
    ("delete", "/api/Production/Units/Changes/{id}"),
}
APP_OPERATIONS = {("get", "/api/App/Version"), ("get", "/api/App/Processes")}
# Operations of newer servers, not in the published documents (x-wats-since).
SINCE_2026_3_OPERATIONS = {
    ("get", "/api/Production/Unit/Query"),
    ("post", "/api/Production/Unit"),
    ("put", "/api/Production/Unit"),
    ("delete", "/api/Production/Unit"),
    ("put", "/api/Production/ChangeUnit"),
    ("put", "/api/Production/UnitTag"),
}


@pytest.fixture(scope="module")
def spec() -> dict[str, Any]:
    loaded = yaml.safe_load(SPEC_FILE.read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


def _operations(spec: Mapping[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in spec["paths"].items():
        for method, op in item.items():
            if method in METHODS:
                yield method, path, op


def _annotations(node: object, where: str = "") -> Iterator[tuple[str, object]]:
    if isinstance(node, Mapping):
        if "x-wats-correction" in node:
            yield where, node["x-wats-correction"]
        for key, value in node.items():
            if key != "x-wats-correction":
                yield from _annotations(value, f"{where}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _annotations(value, f"{where}/{index}")


def test_spec_validates_as_openapi_30(spec: dict[str, Any]) -> None:
    assert spec["openapi"].startswith("3.0.")
    validate(spec, cls=OpenAPIV30SpecValidator)
    # The validator is not vacuous: a broken copy is refused.
    broken = {**spec, "paths": {"/x": {"get": {"responses": {"200": {}}}}}}
    with pytest.raises(OpenAPIValidationError, match="not valid"):
        validate(broken, cls=OpenAPIV30SpecValidator)


def test_the_17_production_and_2_app_operations(spec: dict[str, Any]) -> None:
    found = {(method, path) for method, path, _ in _operations(spec)}
    assert found == PRODUCTION_OPERATIONS | APP_OPERATIONS | SINCE_2026_3_OPERATIONS
    assert len(PRODUCTION_OPERATIONS) == 17


def test_operation_ids_are_unique(spec: dict[str, Any]) -> None:
    ids = Counter(op.get("operationId") for _, _, op in _operations(spec))
    assert None not in ids
    assert [i for i, n in ids.items() if n > 1] == []
    upstream_ids = Counter(
        op.get("x-wats-upstream-operation-id")
        for _, _, op in _operations(spec)
        if "x-wats-since" not in op
    )
    assert None not in upstream_ids, "every published operation names its upstream operationId"
    assert [i for i, n in upstream_ids.items() if n > 1] == []


@pytest.mark.parametrize(
    "key", ["operationId", "summary", "x-wats-reliability", "x-wats-upstream-operation-id"]
)
def test_every_operation_has(spec: dict[str, Any], key: str) -> None:
    missing = [
        f"{m.upper()} {p}"
        for m, p, op in _operations(spec)
        if not op.get(key) and not (key == "x-wats-upstream-operation-id" and "x-wats-since" in op)
    ]
    assert missing == []


def test_operations_of_newer_servers_say_since_when_and_from_where(spec: dict[str, Any]) -> None:
    since = {(m, p): op for m, p, op in _operations(spec) if "x-wats-since" in op}
    assert set(since) == SINCE_2026_3_OPERATIONS
    for (method, path), op in since.items():
        where = f"{method.upper()} {path}"
        assert op["x-wats-since"] == "2026.3", where
        evidence = " ".join(op["x-wats-evidence"].split())
        assert evidence.startswith("not in the published documents; pywats-api 0.6.0rc1"), where
        assert "pywats/core/routes.py" in evidence, where
        assert "pywats/domains/production/async_repository.py" in evidence, where
        # Not published upstream: no upstream operationId to name.
        assert "x-wats-upstream-operation-id" not in op, where
    published = [op for m, p, op in _operations(spec) if (m, p) not in SINCE_2026_3_OPERATIONS]
    assert all("x-wats-since" not in op for op in published)


def test_reliability_classes_are_known(spec: dict[str, Any]) -> None:
    classes = {f"{m.upper()} {p}": op["x-wats-reliability"] for m, p, op in _operations(spec)}
    assert set(classes.values()) <= RELIABILITY
    assert classes["POST /api/Production/SerialNumbers/Take"] == "consumes"
    assert all(c == "safe" for k, c in classes.items() if k.startswith("GET "))


def test_every_correction_says_upstream_here_and_evidence(spec: dict[str, Any]) -> None:
    found = list(_annotations(spec))
    assert len(found) >= 20
    for where, corr in found:
        assert isinstance(corr, Mapping), where
        for key in ("upstream", "here", "evidence"):
            value = corr.get(key)
            assert isinstance(value, str), f"{where}: x-wats-correction lacks {key}"
            assert value.strip(), f"{where}: x-wats-correction has an empty {key}"


def test_top_level_corrections_are_complete(spec: dict[str, Any]) -> None:
    entries = spec["x-wats-corrections"]
    elements = [e["element"] for e in entries]
    for keyword in ("media types", "security", "nullability", "schema names"):
        assert any(keyword in e for e in elements), keyword
    for entry in entries:
        for key in ("element", "upstream", "here", "evidence"):
            assert isinstance(entry.get(key), str), f"{entry}: lacks {key}"
            assert entry[key].strip()


def test_security_is_basic_everywhere(spec: dict[str, Any]) -> None:
    basic = spec["components"]["securitySchemes"]["basic"]
    assert (basic["type"], basic["scheme"]) == ("http", "basic")
    assert spec["security"] == [{"basic": []}]
    overriding = [f"{m} {p}" for m, p, op in _operations(spec) if "security" in op]
    assert overriding == []


def test_request_bodies_are_json_or_multipart(spec: dict[str, Any]) -> None:
    media = {
        f"{m.upper()} {p}": sorted(op["requestBody"]["content"])
        for m, p, op in _operations(spec)
        if "requestBody" in op
    }
    assert media == {
        "PUT /api/Production/Units": ["application/json"],
        "PUT /api/Production/SerialNumbers": ["multipart/form-data"],
        "PUT /api/Production/Batches": ["application/json"],
        "POST /api/Production/Unit": ["application/json"],
        "PUT /api/Production/Unit": ["application/json"],
    }


def test_path_parameters_are_required_and_declared(spec: dict[str, Any]) -> None:
    for method, path, op in _operations(spec):
        in_path = {p["name"] for p in op.get("parameters", []) if p["in"] == "path"}
        template = set(re.findall(r"\{([^}]+)\}", path))
        assert in_path == template, f"{method} {path}"
        assert all(p["required"] for p in op.get("parameters", []) if p["in"] == "path")

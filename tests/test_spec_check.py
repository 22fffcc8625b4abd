"""The structural conformance check of spec/ against the server's published documents.

Positive tests read the upstream documents where they lie (../shared/wats-openapi or
WATS_UPSTREAM_OPENAPI) and skip when they are absent. Negative tests doctor deep copies
in memory; when a file is needed for main(), it goes to pytest's tmp_path, never into the
repository.
"""

from __future__ import annotations

import copy
import json
import os
import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, cast

import httpx
import pytest

from pywats_production import _upstream, spec_check
from pywats_production.spec_check import (
    Finding,
    Report,
    SpecCheckError,
    Status,
    compare,
    corrections_markdown,
    list_corrections,
    load_spec,
    load_upstream,
    main,
)

REPO = Path(__file__).resolve().parent.parent
SPEC_OPERATIONS = 19
# Operations of newer servers (x-wats-since "2026.3"), not in the published documents.
ADDED_OPERATIONS = 6


# ----------------------------------------------------------------------------- fixtures


def _upstream_path(name: str) -> Path | None:
    named = os.environ.get(_upstream.ENV_VAR, "").strip()
    if named:
        target = Path(named)
        if target.is_file():
            return target if target.name == name else None
        return target / name if (target / name).is_file() else None
    candidate = _upstream.DEFAULT_UPSTREAM_DIR / name
    return candidate if candidate.is_file() else None


_DOCS: dict[str, dict[str, Any]] = {}


def _load(name: str) -> dict[str, Any]:
    path = _upstream_path(name)
    if path is None:
        pytest.skip(f"upstream document {name} not available: {_upstream.HOW_TO_GIVE_UPSTREAM}")
    if name not in _DOCS:
        _DOCS[name] = load_upstream(path)
    # Every test gets its own copy: the negative tests doctor it.
    return copy.deepcopy(_DOCS[name])


@pytest.fixture(params=_upstream.DEFAULT_UPSTREAM_FILES, ids=["v3", "swagger2"])
def upstream_name(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def upstream(upstream_name: str) -> dict[str, Any]:
    return _load(upstream_name)


@pytest.fixture(scope="module")
def _spec_once() -> dict[str, Any]:
    return _spec_dict()


@pytest.fixture
def spec(_spec_once: dict[str, Any]) -> dict[str, Any]:
    return copy.deepcopy(_spec_once)


def _spec_dict() -> dict[str, Any]:
    return cast(dict[str, Any], load_spec())


def _schemas(doc: Mapping[str, Any]) -> dict[str, Any]:
    if "definitions" in doc:
        return cast(dict[str, Any], doc["definitions"])
    return cast(dict[str, Any], doc["components"]["schemas"])


def _schema(doc: Mapping[str, Any], short: str) -> dict[str, Any]:
    """The upstream schema whose dotted .NET name ends with ``.short``."""
    matches = [v for k, v in _schemas(doc).items() if k.endswith(f".Public.{short}")]
    assert len(matches) == 1, f"expected one upstream schema named *.Public.{short}"
    return cast(dict[str, Any], matches[0])


def _params(doc: Mapping[str, Any], path: str, method: str) -> list[dict[str, Any]]:
    return cast(list[dict[str, Any]], doc["paths"][path][method]["parameters"])


def _drift_text(report: Report) -> str:
    return "\n".join(f.render() for f in report.drift)


def _write(tmp_path: Path, doc: Mapping[str, Any]) -> Path:
    target = tmp_path / "doctored.json"
    target.write_text(json.dumps(doc), encoding="utf-8")
    return target


def _run_main(args: list[str]) -> tuple[int, str]:
    lines: list[str] = []
    code = main(args, out=lines.append)
    return code, "\n".join(lines)


# ------------------------------------------------------------------ upstream, positive


@pytest.mark.needs_upstream
def test_upstream_has_no_unannotated_drift(upstream: dict[str, Any], spec: dict[str, Any]) -> None:
    report = compare(upstream, spec)
    assert not report.has_drift, report.render(verbose=True)
    assert len(report.operations) == SPEC_OPERATIONS + ADDED_OPERATIONS
    assert report.count(Status.DRIFT) == 0
    # Upstream is untyped and unsecured: no operation can be a plain OK.
    assert report.count(Status.CORRECTED) == SPEC_OPERATIONS
    # The 2026.3 operations are additions, not drift.
    added = [op for op in report.operations if op.status is Status.ADDED]
    assert len(added) == ADDED_OPERATIONS
    assert {op.added_since for op in added} == {"2026.3"}
    assert report.operation("GET", "/api/Production/Unit/Query").status is Status.ADDED


@pytest.mark.needs_upstream
def test_known_differences_are_found_and_attributed(
    upstream: dict[str, Any], spec: dict[str, Any]
) -> None:
    report = compare(upstream, spec)
    add_child = report.operation("POST", "/api/Production/AddChildUnit")
    required = {f.where for f in add_child.findings if f.detail.startswith("required")}
    assert required == {
        "parameter query parentPartNumber",
        "parameter query childPartNumber",
        "parameter query checkPartNumber",
        "parameter query checkRevision",
    }
    assert all(
        f.covered_by == "x-wats-correction on the parameter"
        for f in add_child.findings
        if f.where in required
    )
    get_unit = report.operation("GET", "/api/Production/Unit/{serialNumber}/{partNumber}")
    response = [f for f in get_unit.findings if f.where == "response 200" and "untyped" in f.detail]
    assert response == [
        Finding(
            "response 200",
            "upstream an untyped object, here Unit (object)",
            "x-wats-correction on the operation",
        )
    ]
    put_units = report.operation("PUT", "/api/Production/Units")
    process_code = [f for f in put_units.findings if f.where == "request body[].processCode"]
    assert process_code
    assert process_code[0].detail == "type: upstream string, here integer | string"
    nullable = [f for f in put_units.findings if f.detail == "nullable here, not upstream"]
    assert len(nullable) > 30
    assert {f.covered_by for f in nullable} == {"x-wats-corrections: nullability"}
    take = report.operation("POST", "/api/Production/SerialNumbers/Take")
    assert any(
        f.where == "parameter query format" and f.detail.startswith("enum: upstream none")
        for f in take.findings
    )


@pytest.mark.needs_upstream
def test_main_passes_on_upstream(upstream_name: str) -> None:
    path = _upstream_path(upstream_name)
    if path is None:
        pytest.skip(_upstream.HOW_TO_GIVE_UPSTREAM)
    code, text = _run_main([str(path)])
    assert code == 0, text
    total = SPEC_OPERATIONS + ADDED_OPERATIONS
    assert (
        f"{total} operations: 0 OK, {SPEC_OPERATIONS} corrected, "
        f"{ADDED_OPERATIONS} added (newer servers), 0 DRIFT"
    ) in text
    assert (
        "added      GET    /api/Production/Unit/Query  (queryUnits)  addition of server 2026.3"
        in text
    )
    assert "0 unannotated differences" in text


@pytest.mark.needs_upstream
def test_main_default_sources_checks_both_documents(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in _upstream.DEFAULT_UPSTREAM_FILES:
        if _upstream_path(name) is None:
            pytest.skip(_upstream.HOW_TO_GIVE_UPSTREAM)
    code, text = _run_main([])
    assert code == 0, text
    assert text.count("summary ") == len(_upstream.DEFAULT_UPSTREAM_FILES)
    assert "OpenAPI 3.0.0" in text
    assert "Swagger 2.0" in text


# ------------------------------------------------------------------ upstream, negative


@pytest.mark.needs_upstream
def test_removed_upstream_parameter_is_drift(
    upstream: dict[str, Any], spec: dict[str, Any], tmp_path: Path
) -> None:
    params = _params(upstream, "/api/Production/SetUnitPhase", "put")
    params[:] = [p for p in params if p["name"] != "phase"]
    report = compare(upstream, spec)
    op = report.operation("PUT", "/api/Production/SetUnitPhase")
    assert op.status is Status.DRIFT
    assert op.drift == (Finding("parameter query phase", "parameter here is not upstream", None),)
    code, text = _run_main([str(_write(tmp_path, upstream))])
    assert code == 1
    assert re.search(r"^DRIFT\s+PUT\s+/api/Production/SetUnitPhase", text, re.MULTILINE)
    assert "parameter query phase: parameter here is not upstream [UNANNOTATED]" in text
    assert "1 DRIFT; 1 unannotated difference" in text


@pytest.mark.needs_upstream
def test_added_upstream_parameter_is_drift(upstream: dict[str, Any], spec: dict[str, Any]) -> None:
    params = _params(upstream, "/api/Production/Units/Changes", "get")
    extra = copy.deepcopy(params[0])
    extra["name"] = "sinceId"
    extra["required"] = False
    params.append(extra)
    op = compare(upstream, spec).operation("GET", "/api/Production/Units/Changes")
    assert [f.where for f in op.drift] == ["parameter query sinceId"]
    assert op.drift[0].detail == "upstream parameter is missing here"


@pytest.mark.needs_upstream
def test_renamed_property_is_drift(
    upstream: dict[str, Any], spec: dict[str, Any], tmp_path: Path
) -> None:
    props = _schema(upstream, "UnitChange")["properties"]
    props["newRev"] = props.pop("newRevision")
    report = compare(upstream, spec)
    op = report.operation("GET", "/api/Production/Units/Changes")
    assert op.status is Status.DRIFT
    assert {(f.where, f.detail) for f in op.drift} == {
        ("response 200[].newRev", "upstream property is missing here"),
        ("response 200[].newRevision", "property here is not upstream"),
    }
    code, text = _run_main([str(_write(tmp_path, upstream))])
    assert code == 1
    assert "newRev" in text


@pytest.mark.needs_upstream
def test_changed_property_type_is_drift(
    upstream: dict[str, Any], spec: dict[str, Any], tmp_path: Path
) -> None:
    size = _schema(upstream, "ProductionBatch")["properties"]["batchSize"]
    size.pop("format")
    size["type"] = "string"
    report = compare(upstream, spec)
    op = report.operation("PUT", "/api/Production/Batches")
    assert op.drift == (
        Finding("request body[].batchSize", "type: upstream string, here integer", None),
    )
    code, text = _run_main([str(_write(tmp_path, upstream))])
    assert code == 1
    assert "batchSize" in text


@pytest.mark.needs_upstream
def test_changed_nested_type_through_ref_cycle_is_drift(
    upstream: dict[str, Any], spec: dict[str, Any]
) -> None:
    # Unit.subUnits refers back to Unit: the walk must stop there yet reach nested schemas.
    _schema(upstream, "ProductRevision")["properties"]["revision"]["type"] = "integer"
    _schema(upstream, "Unit")["properties"]["unitPhaseId"]["format"] = "int64"
    op = compare(upstream, spec).operation("PUT", "/api/Production/Units")
    assert [(f.where, f.detail) for f in op.drift] == [
        ("request body[].unitPhaseId", "format: upstream int64, here int32"),
        ("request body[].productRevision.revision", "type: upstream integer, here string"),
    ]


@pytest.mark.needs_upstream
def test_changed_parameter_type_is_drift(upstream: dict[str, Any], spec: dict[str, Any]) -> None:
    for param in _params(upstream, "/api/Production/SerialNumbers/Take", "post"):
        if param["name"] == "quantity":
            target = param.get("schema", param)
            target["type"] = "string"
            target.pop("format")
    op = compare(upstream, spec).operation("POST", "/api/Production/SerialNumbers/Take")
    assert [(f.where, f.detail) for f in op.drift] == [
        ("parameter query quantity", "type: upstream string, here integer")
    ]


@pytest.mark.needs_upstream
def test_added_upstream_operation_is_drift(
    upstream: dict[str, Any], spec: dict[str, Any], tmp_path: Path
) -> None:
    new_op = copy.deepcopy(upstream["paths"]["/api/Production/SetUnitProcess"]["put"])
    new_op["operationId"] = "Production_ArchiveUnit"
    upstream["paths"]["/api/Production/Units/Archive"] = {"post": new_op}
    report = compare(upstream, spec)
    op = report.operation("POST", "/api/Production/Units/Archive")
    assert op.status is Status.DRIFT
    assert op.operation_id is None
    assert (
        op.drift[0].detail == "published upstream (Production_ArchiveUnit), missing from the spec"
    )
    assert len(report.operations) == SPEC_OPERATIONS + ADDED_OPERATIONS + 1
    code, text = _run_main([str(_write(tmp_path, upstream))])
    assert code == 1
    assert "/api/Production/Units/Archive" in text
    # An out-of-scope operation is not the spec's business.
    del upstream["paths"]["/api/Production/Units/Archive"]
    upstream["paths"]["/api/Elsewhere/Archive"] = {"post": new_op}
    assert not compare(upstream, spec).has_drift


@pytest.mark.needs_upstream
def test_missing_upstream_operation_is_drift(
    upstream: dict[str, Any], spec: dict[str, Any]
) -> None:
    del upstream["paths"]["/api/Production/Units/Changes/{id}"]
    op = compare(upstream, spec).operation("DELETE", "/api/Production/Units/Changes/{id}")
    assert op.drift == (Finding("operation", "in the spec, not published upstream", None),)


@pytest.mark.needs_upstream
def test_upstream_only_operation_is_covered_by_a_top_level_entry(
    upstream: dict[str, Any], spec: dict[str, Any]
) -> None:
    new_op = copy.deepcopy(upstream["paths"]["/api/Production/SetUnitProcess"]["put"])
    upstream["paths"]["/api/Production/Units/Archive"] = {"post": new_op}
    spec["x-wats-corrections"].append(
        {
            "element": "POST /api/Production/Units/Archive",
            "upstream": "published",
            "here": "left out",
            "evidence": "test",
        }
    )
    report = compare(upstream, spec)
    assert not report.has_drift
    op = report.operation("POST", "/api/Production/Units/Archive")
    assert op.status is Status.CORRECTED


@pytest.mark.needs_upstream
def test_renamed_path_parameter_is_drift(upstream: dict[str, Any], spec: dict[str, Any]) -> None:
    paths = upstream["paths"]
    item = paths.pop("/api/Production/Unit/{serialNumber}/{partNumber}")
    for param in item["get"]["parameters"]:
        if param["name"] == "serialNumber":
            param["name"] = "sn"
    paths["/api/Production/Unit/{sn}/{partNumber}"] = item
    op = compare(upstream, spec).operation(
        "GET", "/api/Production/Unit/{serialNumber}/{partNumber}"
    )
    assert {f.where for f in op.drift} == {"parameter path sn", "parameter path serialNumber"}


# ------------------------------------------------------------- annotations are load-bearing


def _spec_param(spec: dict[str, Any], path: str, method: str, name: str) -> dict[str, Any]:
    (param,) = [p for p in spec["paths"][path][method]["parameters"] if p["name"] == name]
    return cast(dict[str, Any], param)


@pytest.mark.needs_upstream
def test_removed_parameter_annotation_turns_correction_into_drift(
    upstream: dict[str, Any], spec: dict[str, Any]
) -> None:
    del _spec_param(spec, "/api/Production/AddChildUnit", "post", "checkRevision")[
        "x-wats-correction"
    ]
    op = compare(upstream, spec).operation("POST", "/api/Production/AddChildUnit")
    assert op.drift == (
        Finding("parameter query checkRevision", "required: upstream True, here False", None),
    )


@pytest.mark.needs_upstream
def test_removed_operation_annotation_turns_correction_into_drift(
    upstream: dict[str, Any], spec: dict[str, Any]
) -> None:
    del spec["paths"]["/api/Production/Unit/{serialNumber}/{partNumber}"]["get"][
        "x-wats-correction"
    ]
    op = compare(upstream, spec).operation(
        "GET", "/api/Production/Unit/{serialNumber}/{partNumber}"
    )
    assert op.drift == (
        Finding("response 200", "upstream an untyped object, here Unit (object)", None),
    )
    # The extra 404 stays accounted for by its error schema's own annotation (the JSON
    # one, WebApiError, is the one spec_check reads).
    (not_found,) = [f for f in op.findings if f.where == "response 404"]
    assert not_found.covered_by == "x-wats-correction on schema WebApiError"


@pytest.mark.needs_upstream
def test_removed_property_annotation_turns_correction_into_drift(
    upstream: dict[str, Any], spec: dict[str, Any]
) -> None:
    del spec["components"]["schemas"]["Unit"]["properties"]["processCode"]["x-wats-correction"]
    del spec["components"]["schemas"]["ProductRevision"]["properties"]["product"][
        "x-wats-correction"
    ]
    op = compare(upstream, spec).operation("PUT", "/api/Production/Units")
    assert {f.where for f in op.drift} == {
        "request body[].processCode",
        "request body[].productRevision.product",
    }


@pytest.mark.needs_upstream
def test_removed_top_level_entries_turn_corrections_into_drift(
    upstream: dict[str, Any], spec: dict[str, Any]
) -> None:
    spec["x-wats-corrections"] = [
        e for e in spec["x-wats-corrections"] if e["element"] not in {"nullability", "security"}
    ]
    report = compare(upstream, spec)
    details = {f.detail for f in report.drift}
    assert details == {"nullable here, not upstream", "upstream none, here http basic"}
    assert report.count(Status.DRIFT) == SPEC_OPERATIONS


# --------------------------------------------------------- offline: synthetic documents


def _mini_spec() -> dict[str, Any]:
    return {
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "v1"},
        "paths": {
            "/api/Production/Thing/{id}": {
                "put": {
                    "operationId": "putThing",
                    "x-wats-upstream-operation-id": "Production_PutThing",
                    "parameters": [
                        {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}
                    ],
                    "requestBody": {
                        "required": True,
                        "content": {
                            "multipart/form-data": {"schema": {"$ref": "#/components/schemas/Up"}}
                        },
                    },
                    "responses": {
                        "200": {
                            "description": "ok",
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/Thing"}
                                }
                            },
                        }
                    },
                }
            }
        },
        "components": {
            "schemas": {
                "Up": {
                    "type": "object",
                    "required": ["file"],
                    "properties": {"file": {"type": "string", "format": "binary"}},
                },
                "Thing": {
                    "type": "object",
                    "properties": {
                        "name": {"type": "string", "nullable": True},
                        "children": {
                            "type": "array",
                            "items": {"$ref": "#/components/schemas/Thing"},
                        },
                    },
                },
            }
        },
    }


def _mini_swagger2() -> dict[str, Any]:
    return {
        "swagger": "2.0",
        "info": {"title": "t", "version": "v1"},
        "paths": {
            "/api/Production/Thing/{key}": {
                "parameters": [{"name": "id", "in": "path", "required": True, "type": "string"}],
                "put": {
                    "operationId": "Production_PutThing",
                    "consumes": ["multipart/form-data"],
                    "produces": ["application/json"],
                    "parameters": [
                        {"name": "file", "in": "formData", "required": True, "type": "file"}
                    ],
                    "responses": {
                        "200": {"description": "OK", "schema": {"$ref": "#/definitions/A.B.Thing"}}
                    },
                },
            }
        },
        "definitions": {
            "A.B.Thing": {
                "type": "object",
                "properties": {
                    "name": {"type": "string", "x-nullable": True},
                    "children": {"type": "array", "items": {"$ref": "#/definitions/A.B.Thing"}},
                },
            }
        },
    }


def test_swagger2_is_normalised_like_openapi3() -> None:
    # path-level parameters, formData files, x-nullable, definitions, a recursive schema
    report = compare(_mini_swagger2(), _mini_spec())
    assert [op.status for op in report.operations] == [Status.OK]
    assert report.title == "Swagger 2.0, 't' v1"


def test_swagger2_doctored_copy_drifts() -> None:
    doc = _mini_swagger2()
    doc["definitions"]["A.B.Thing"]["properties"]["name"]["x-nullable"] = False
    doc["paths"]["/api/Production/Thing/{key}"]["put"]["operationId"] = "Production_Renamed"
    (op,) = compare(doc, _mini_spec()).operations
    assert [(f.where, f.detail) for f in op.drift] == [
        (
            "operationId",
            "upstream Production_Renamed, x-wats-upstream-operation-id Production_PutThing",
        ),
        ("response 200.name", "nullable here, not upstream"),
    ]


def test_self_comparison_is_all_ok() -> None:
    spec = _spec_dict()
    upstream = copy.deepcopy(spec)
    for item in upstream["paths"].values():
        for op in item.values():
            op["operationId"] = op.get("x-wats-upstream-operation-id", op["operationId"])
    report = compare(upstream, spec, source="itself")
    # Once upstream publishes an addition, it is compared like any other operation.
    total = SPEC_OPERATIONS + ADDED_OPERATIONS
    assert [op.status for op in report.operations] == [Status.OK] * total
    assert report.summary().endswith(f"{total} OK, 0 corrected, 0 DRIFT; 0 unannotated differences")


def test_an_addition_needs_its_evidence() -> None:
    spec = _spec_dict()
    upstream = copy.deepcopy(spec)
    del upstream["paths"]["/api/Production/UnitTag"]
    op = compare(upstream, spec).operation("PUT", "/api/Production/UnitTag")
    assert op.status is Status.ADDED
    assert op.findings[0].covered_by == "x-wats-since 2026.3"
    # x-wats-since without x-wats-evidence is not enough: the operation is drift.
    del spec["paths"]["/api/Production/UnitTag"]["put"]["x-wats-evidence"]
    op = compare(upstream, spec).operation("PUT", "/api/Production/UnitTag")
    assert op.status is Status.DRIFT
    assert op.added_since is None


def test_spec_only_operation_needs_a_top_level_entry() -> None:
    spec = _spec_dict()
    upstream = copy.deepcopy(spec)
    del upstream["paths"]["/api/App/Processes"]
    op = compare(upstream, spec).operation("GET", "/api/App/Processes")
    # Its own x-wats-correction is about the answer, not about the operation's existence.
    assert op.drift == (Finding("operation", "in the spec, not published upstream", None),)
    spec["x-wats-corrections"].append(
        {"element": "GET /api/App/Processes", "upstream": "-", "here": "-", "evidence": "-"}
    )
    op = compare(upstream, spec).operation("GET", "/api/App/Processes")
    assert op.status is Status.CORRECTED
    assert op.findings[0].covered_by == "x-wats-corrections: GET /api/App/Processes"


def test_not_an_openapi_document_is_refused() -> None:
    with pytest.raises(SpecCheckError, match=r"not an OpenAPI 3 or Swagger 2\.0"):
        compare({"info": {}}, load_spec())


def test_broken_ref_is_refused() -> None:
    doc = _mini_swagger2()
    doc["paths"]["/api/Production/Thing/{key}"]["put"]["responses"]["200"]["schema"] = {
        "$ref": "#/definitions/Nope"
    }
    with pytest.raises(SpecCheckError, match="unresolvable"):
        compare(doc, _mini_spec())


# --------------------------------------------------------------------- loading, CLI


def test_load_upstream_from_url_and_yaml(tmp_path: Path) -> None:
    body = json.dumps(_mini_swagger2())
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        if request.url.path == "/swagger/docs/v1":
            return httpx.Response(200, text=body, headers={"content-type": "application/json"})
        return httpx.Response(404)

    with httpx.Client(transport=httpx.MockTransport(handler)) as client:
        doc = load_upstream("https://wats.example/swagger/docs/v1", client=client)
        assert doc == _mini_swagger2()
        with pytest.raises(SpecCheckError, match="404"):
            load_upstream("https://wats.example/missing", client=client)
    assert seen == ["https://wats.example/swagger/docs/v1", "https://wats.example/missing"]
    yaml_file = tmp_path / "doc.yaml"
    yaml_file.write_text("swagger: '2.0'\ninfo: {title: y, version: v9}\npaths: {}\n")
    assert load_upstream(yaml_file)["info"] == {"title": "y", "version": "v9"}
    (tmp_path / "list.json").write_text("[1, 2]")
    with pytest.raises(SpecCheckError, match="not a JSON object"):
        load_upstream(tmp_path / "list.json")
    with pytest.raises(SpecCheckError, match=r"absent\.json"):
        load_upstream(tmp_path / "absent.json")


def test_main_on_synthetic_document(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    spec_file = tmp_path / "spec.json"
    spec_file.write_text(json.dumps(_mini_spec()))
    good = tmp_path / "good.json"
    good.write_text(json.dumps(_mini_swagger2()))
    code, text = _run_main(["--spec", str(spec_file), str(good)])
    assert code == 0, text
    assert "summary" in text
    assert "1 OK" in text
    bad_doc = _mini_swagger2()
    bad_doc["definitions"]["A.B.Thing"]["properties"]["name"]["type"] = "integer"
    bad = _write(tmp_path, bad_doc)
    code, text = _run_main(["--spec", str(spec_file), "-v", str(good), str(bad)])
    assert code == 1
    assert "response 200.name: type: upstream integer, here string [UNANNOTATED]" in text
    code, text = _run_main(["--spec", str(spec_file), str(tmp_path / "absent.json")])
    assert code == 2
    assert "error" in text


def test_main_skips_without_upstream(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(_upstream.ENV_VAR, raising=False)
    monkeypatch.setattr(_upstream, "DEFAULT_UPSTREAM_DIR", tmp_path / "nothing-here")
    code, text = _run_main([])
    assert code == 0
    assert text.startswith("spec_check: skipped: no upstream OpenAPI document found")
    assert _upstream.ENV_VAR in text
    assert "nox -s spec_check -- https://yourserver/swagger/docs/v1" in text


def test_env_variable_names_documents(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(_upstream.ENV_VAR, str(tmp_path / "missing"))
    code, text = _run_main([])
    assert code == 2
    assert "no such file or folder" in text
    folder = tmp_path / "docs"
    folder.mkdir()
    monkeypatch.setenv(_upstream.ENV_VAR, str(folder))
    with pytest.raises(_upstream.UpstreamNotFoundError, match="holds no JSON/YAML"):
        _upstream.default_upstream_sources()
    (folder / "other-server.json").write_text("{}")
    assert _upstream.default_upstream_sources() == [folder / "other-server.json"]
    (folder / _upstream.DEFAULT_UPSTREAM_FILES[1]).write_text("{}")
    # The known names win over other files of the folder.
    assert _upstream.default_upstream_sources() == [folder / _upstream.DEFAULT_UPSTREAM_FILES[1]]
    monkeypatch.setenv(_upstream.ENV_VAR, str(folder / "other-server.json"))
    assert _upstream.default_upstream_sources() == [folder / "other-server.json"]


# ---------------------------------------------------------------------- corrections


def _annotations(node: object) -> Iterator[Mapping[str, Any]]:
    if isinstance(node, Mapping):
        if "x-wats-correction" in node:
            yield node["x-wats-correction"]
        for key, value in node.items():
            if key != "x-wats-correction":
                yield from _annotations(value)
    elif isinstance(node, list):
        for value in node:
            yield from _annotations(value)


def test_list_corrections_lists_every_annotation() -> None:
    spec = _spec_dict()
    corrections = list_corrections(spec)
    expected = len(spec["x-wats-corrections"]) + len(list(_annotations(spec)))
    assert len(corrections) == expected
    assert all(c.element and c.upstream and c.here and c.evidence for c in corrections)
    elements = [c.element for c in corrections]
    assert len(elements) == len(set(elements)), "each annotated element appears once"
    assert "`POST /api/Production/AddChildUnit` query parameter `checkRevision`" in elements
    assert "`Unit.processCode`" in elements
    assert "schema `Problem`" in elements


def test_readme_table_matches_list_corrections() -> None:
    readme = (REPO / "spec" / "README.md").read_text(encoding="utf-8")
    match = re.search(
        r"<!-- corrections:start -->\n(.*?)\n<!-- corrections:end -->", readme, re.DOTALL
    )
    assert match, "spec/README.md lacks the corrections markers"
    assert match.group(1) == corrections_markdown(load_spec()), (
        "spec/README.md's corrections table is stale: replace it with the output of "
        "`python -m pywats_production.spec_check --list-corrections`"
    )
    code, text = _run_main(["--list-corrections"])
    assert code == 0
    assert text == match.group(1)


def test_readme_states_upstream_checksums() -> None:
    readme = (REPO / "spec" / "README.md").read_text(encoding="utf-8")
    for name in _upstream.DEFAULT_UPSTREAM_FILES:
        assert re.search(rf"{re.escape(name)}.*\b[0-9a-f]{{64}}\b", readme), name


@pytest.mark.needs_upstream
def test_readme_checksums_match_the_documents(upstream_name: str) -> None:
    import hashlib

    path = _upstream_path(upstream_name)
    if path is None:
        pytest.skip(_upstream.HOW_TO_GIVE_UPSTREAM)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    readme = (REPO / "spec" / "README.md").read_text(encoding="utf-8")
    line = next(line for line in readme.splitlines() if upstream_name in line and "|" in line)
    # Another server's document (WATS_UPSTREAM_OPENAPI) may legitimately differ.
    if os.environ.get(_upstream.ENV_VAR) and digest not in line:
        pytest.skip(f"{path} is not the document spec/README.md was checked against")
    assert digest in line


def test_spec_check_module_exports() -> None:
    assert callable(spec_check.main)
    assert set(spec_check.__all__) >= {"compare", "load_upstream", "main", "Report"}

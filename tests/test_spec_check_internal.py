"""spec_check --internal: the internal contract against the server's internal document.

Positive tests read the internal document where it lies (../shared/wats-openapi or
WATS_UPSTREAM_OPENAPI) and skip, saying how to give it, when it is absent. Negative
tests doctor deep copies in memory.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from pywats_production import _upstream, compat
from pywats_production._core import OPERATIONS
from pywats_production.spec_check import Status, compare, load_spec, main

INTERNAL_OPERATIONS = 21


def _document() -> dict[str, Any]:
    try:
        found = _upstream.default_internal_upstream_sources()
    except _upstream.UpstreamNotFoundError as exc:
        pytest.skip(f"{exc}: {_upstream.HOW_TO_GIVE_INTERNAL_UPSTREAM}")
    if not found:
        pytest.skip(
            "the server's internal document is not available: "
            + _upstream.HOW_TO_GIVE_INTERNAL_UPSTREAM
        )
    return dict(json.loads(Path(found[0]).read_text(encoding="utf-8-sig")))


@pytest.fixture(scope="module")
def upstream() -> dict[str, Any]:
    return _document()


@pytest.fixture(scope="module")
def spec() -> dict[str, Any]:
    return load_spec(_upstream.internal_spec_path())


@pytest.mark.needs_upstream
def test_internal_contract_has_no_unannotated_drift(
    upstream: dict[str, Any], spec: dict[str, Any]
) -> None:
    report = compare(upstream, spec)
    assert len(report.operations) == INTERNAL_OPERATIONS
    assert not report.has_drift, report.render(verbose=True)
    assert all(op.status is Status.CORRECTED for op in report.operations)


@pytest.mark.needs_upstream
def test_upstream_operations_the_contract_does_not_declare_are_out_of_scope(
    upstream: dict[str, Any], spec: dict[str, Any]
) -> None:
    published = sum(
        1
        for path, item in upstream["paths"].items()
        if path.startswith(("/api/internal/Production/", "/api/internal/Mes/"))
        for method in item
    )
    assert published > INTERNAL_OPERATIONS
    assert len(compare(upstream, spec).operations) == INTERNAL_OPERATIONS


@pytest.mark.needs_upstream
def test_a_renamed_upstream_parameter_is_drift(
    upstream: dict[str, Any], spec: dict[str, Any]
) -> None:
    doctored = copy.deepcopy(upstream)
    params = doctored["paths"]["/api/internal/Production/SetUnitPhaseAndProcess"]["get"][
        "parameters"
    ]
    for param in params:
        if param["name"] == "ProcessName":
            param["name"] = "ProcessCode"
    report = compare(doctored, spec)
    assert report.has_drift
    drifted = [op for op in report.operations if op.status is Status.DRIFT]
    assert [op.operation_id for op in drifted] == ["setUnitPhaseAndProcess"]


@pytest.mark.needs_upstream
def test_a_newly_required_upstream_parameter_is_drift(
    upstream: dict[str, Any], spec: dict[str, Any]
) -> None:
    doctored = copy.deepcopy(upstream)
    params = doctored["paths"]["/api/internal/Production/RemoveChildUnit"]["post"]["parameters"]
    for param in params:
        if param["name"] == "cultureCode":
            param["required"] = True
    assert compare(doctored, spec).has_drift


@pytest.mark.needs_upstream
def test_dropping_the_referer_annotation_turns_it_into_drift(
    upstream: dict[str, Any], spec: dict[str, Any]
) -> None:
    doctored = copy.deepcopy(spec)
    del doctored["components"]["parameters"]["Referer"]["x-wats-correction"]
    report = compare(upstream, doctored)
    assert report.has_drift
    assert "Referer" in report.render(verbose=True)


def test_main_internal_skips_with_advice_without_a_document(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_upstream, "DEFAULT_UPSTREAM_DIR", tmp_path)
    monkeypatch.delenv(_upstream.ENV_VAR, raising=False)
    lines: list[str] = []
    assert main(["--internal"], out=lines.append) == 0
    assert "skipped" in lines[0]
    assert "openapi_internal_v3.json" in lines[0]


@pytest.mark.needs_upstream
def test_main_internal_passes_on_the_internal_document() -> None:
    _document()
    lines: list[str] = []
    assert main(["--internal"], out=lines.append) == 0
    assert "21 operations: 0 OK, 21 corrected, 0 DRIFT" in "\n".join(lines)


def test_reliability_classes_match_the_operation_table(spec: dict[str, Any]) -> None:
    for path, item in spec["paths"].items():
        for method, op in item.items():
            entry = OPERATIONS[f"internal.{op['operationId']}"]
            assert (entry.method, entry.path) == (method.upper(), path)
            assert entry.reliability.value == op["x-wats-reliability"], op["operationId"]


def test_derived_for_versions_match_the_contract(spec: dict[str, Any]) -> None:
    declared = tuple(spec["info"]["x-wats-derived-for-server-versions"])
    assert declared == compat.INTERNAL_DERIVED_FOR


def test_every_internal_schema_states_its_evidence(spec: dict[str, Any]) -> None:
    schemas = spec["components"]["schemas"]
    missing = [name for name, schema in schemas.items() if "x-wats-evidence" not in schema]
    assert missing == []


def test_internal_contract_is_valid_openapi(spec: dict[str, Any]) -> None:
    from openapi_spec_validator import OpenAPIV30SpecValidator, validate

    validate(spec, cls=OpenAPIV30SpecValidator)
    operation_ids = [op["operationId"] for item in spec["paths"].values() for op in item.values()]
    assert len(operation_ids) == len(set(operation_ids)) == INTERNAL_OPERATIONS


def test_readme_table_of_internal_corrections_is_current(spec: dict[str, Any]) -> None:
    import re

    from pywats_production.spec_check import corrections_markdown

    readme = (Path(__file__).resolve().parent.parent / "spec" / "README.md").read_text(
        encoding="utf-8"
    )
    match = re.search(
        r"<!-- internal-corrections:start -->\n(.*?)\n<!-- internal-corrections:end -->",
        readme,
        re.DOTALL,
    )
    assert match, "spec/README.md lacks the internal corrections markers"
    assert match.group(1) == corrections_markdown(spec), (
        "spec/README.md's internal corrections table is stale: replace it with the output "
        "of `python -m pywats_production.spec_check --internal --list-corrections`"
    )


@pytest.mark.needs_upstream
def test_readme_checksum_of_the_internal_document() -> None:
    import hashlib

    found = _upstream.default_internal_upstream_sources()
    if not found:
        pytest.skip(_upstream.HOW_TO_GIVE_INTERNAL_UPSTREAM)
    digest = hashlib.sha256(Path(found[0]).read_bytes()).hexdigest()
    readme = (Path(__file__).resolve().parent.parent / "spec" / "README.md").read_text(
        encoding="utf-8"
    )
    assert digest in readme


def test_readme_names_the_internal_contracts_sha256() -> None:
    import hashlib

    root = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256(_upstream.internal_spec_path().read_bytes()).hexdigest()
    readme = (root / "README.md").read_text(encoding="utf-8")
    line = next(line for line in readme.splitlines() if "production-internal-api.yaml" in line)
    assert digest in line, "README.md: update the internal contract's sha256"

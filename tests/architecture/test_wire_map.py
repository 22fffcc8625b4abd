"""The spec drives the wire: the hand-written domain models are held to the generated tables.

The templates emit a ``WIRE_MEMBERS`` table per schema; ``_wire_map.check`` compares it
with the domain side. These tests prove that the check passes on the committed client,
fails when a copy of the spec is edited (a member added, renamed, retyped) and the
client regenerated from it, and that the types the map declares are the ones the domain
readers enforce.
"""

from __future__ import annotations

import datetime as dt
import importlib
import importlib.util
import shutil
import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yaml

from pywats_production import _wire_map as wm
from pywats_production.errors import WatsResponseError
from pywats_production.models import Drift, add_drift_handler

REPO = Path(__file__).resolve().parents[2]
COMMITTED = REPO / "generated" / wm.MAIN
COMMITTED_INTERNAL = REPO / "generated" / wm.INTERNAL
SPEC_DIR = REPO / "spec"
# Each generated package with the spec file it is generated from.
CONTRACTS = {
    wm.MAIN: (COMMITTED, "production-api.yaml"),
    wm.INTERNAL: (COMMITTED_INTERNAL, "production-internal-api.yaml"),
}


def _generator() -> ModuleType:
    beside = Path(sys.executable).parent / "openapi-python-client"
    if not beside.exists() and shutil.which("openapi-python-client") is None:
        pytest.skip("openapi-python-client is not installed (pip install -e '.[codegen]')")
    script = REPO / "scripts" / "generate.py"
    spec = importlib.util.spec_from_file_location("_wats_generate_for_wire", script)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_committed_client_agrees_with_the_domain_models() -> None:
    """Every member of every schema is mapped (with the spec's type) or listed with a reason.

    Both contracts: the public one and the internal one (``service.internal``).
    """
    assert wm.check({wm.MAIN: COMMITTED, wm.INTERNAL: COMMITTED_INTERNAL}) == []


def test_every_package_has_bindings() -> None:
    """The map binds schemas of both generated packages (the internal one is not skipped)."""
    assert {b.package for b in wm.BINDINGS} == {wm.MAIN, wm.INTERNAL}
    assert set(wm.UNBOUND) == {wm.MAIN, wm.INTERNAL}


@pytest.mark.parametrize("package", sorted(CONTRACTS))
def test_every_object_schema_has_a_table(package: str) -> None:
    """The tables cover every object schema of spec/ (so nothing escapes the check)."""
    committed, spec_name = CONTRACTS[package]
    document = yaml.safe_load((SPEC_DIR / spec_name).read_text(encoding="utf-8"))
    objects = {
        name
        for name, schema in document["components"]["schemas"].items()
        if schema.get("type") == "object"
    }
    tables = wm.generated_schemas(committed)
    assert objects <= set(tables)
    # Tables beyond the named schemas are objects the generator named itself (inline
    # object members); the map must say why they are not bound.
    assert set(tables) - objects <= set(wm.UNBOUND[package])
    for name in objects:
        assert set(tables[name]) == set(document["components"]["schemas"][name]["properties"])


def _schema_refs(node: object, document: dict[str, Any], found: set[str]) -> None:
    # Every component schema reachable from ``node``, following $refs (responses too).
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str):
            kind, _, name = ref.removeprefix("#/components/").partition("/")
            if kind == "schemas" and name not in found:
                found.add(name)
                _schema_refs(document["components"]["schemas"][name], document, found)
            elif kind != "schemas":
                _schema_refs(document["components"][kind][name], document, found)
        for value in node.values():
            _schema_refs(value, document, found)
    elif isinstance(node, list):
        for value in node:
            _schema_refs(value, document, found)


def test_the_newer_operations_models_are_covered() -> None:
    """The 2026.3 operations (issue 12: query, create, update...) only use covered schemas.

    Invariant: every object schema their bodies and answers reach is bound to a reader
    (or listed as unbound with its reason), so the check above holds those models too.
    """
    document = yaml.safe_load((SPEC_DIR / "production-api.yaml").read_text(encoding="utf-8"))
    newer = [
        op
        for item in document["paths"].values()
        for op in item.values()
        if isinstance(op, dict) and "x-wats-since" in op
    ]
    assert newer, "no x-wats-since operation in spec/ (issue 12)"
    reached: set[str] = set()
    for op in newer:
        _schema_refs(op, document, reached)
    schemas = document["components"]["schemas"]
    objects = {name for name in reached if schemas[name].get("type") == "object"}
    assert "Unit" in objects
    covered = {b.schema for b in wm.BINDINGS if b.package == wm.MAIN} | set(wm.UNBOUND[wm.MAIN])
    assert objects - covered == set()


# --------------------------------------------------------------- edits of a spec copy


def _add_member(schemas: dict[str, Any]) -> None:
    schemas["Unit"]["properties"]["assemblyStation"] = {"type": "string", "nullable": True}


def _rename_member(schemas: dict[str, Any]) -> None:
    props = schemas["UnitChange"]["properties"]
    props["newBatchRevision"] = props.pop("newRevision")


def _retype_member(schemas: dict[str, Any]) -> None:
    schemas["ProductionBatch"]["properties"]["batchSize"] = {"type": "string", "nullable": True}


def _add_schema(schemas: dict[str, Any]) -> None:
    schemas["UnitLocation"] = {"type": "object", "properties": {"name": {"type": "string"}}}


def _unchanged(schemas: dict[str, Any]) -> None:
    return None


EDITS: dict[str, tuple[Callable[[dict[str, Any]], None], str]] = {
    "added member": (_add_member, f"{wm.MAIN}.Unit.assemblyStation: in the spec (string)"),
    "renamed member": (
        _rename_member,
        f"{wm.MAIN}.UnitChange.newRevision: mapped by the domain model but not in the spec",
    ),
    "retyped member": (
        _retype_member,
        f"{wm.MAIN}.ProductionBatch.batchSize: the domain model reads integer, the spec says string",
    ),
    "added schema": (_add_schema, f"{wm.MAIN}.UnitLocation: a schema of the spec"),
}


def _add_internal_member(schemas: dict[str, Any]) -> None:
    schemas["InternalUnit"]["properties"]["StationName"] = {"type": "string", "nullable": True}


def _rename_internal_member(schemas: dict[str, Any]) -> None:
    props = schemas["Site"]["properties"]
    props["SiteCode"] = props.pop("Code")


def _retype_internal_member(schemas: dict[str, Any]) -> None:
    schemas["SerialNumberStatistics"]["properties"]["total"] = {"type": "string"}


def _add_internal_schema(schemas: dict[str, Any]) -> None:
    schemas["UnitLocation"] = {"type": "object", "properties": {"Name": {"type": "string"}}}


INTERNAL_EDITS: dict[str, tuple[Callable[[dict[str, Any]], None], str, str]] = {
    "added member": (
        _add_internal_member,
        f"{wm.INTERNAL}.InternalUnit.StationName: in the spec (string)",
        "",
    ),
    "renamed member": (
        _rename_internal_member,
        f"{wm.INTERNAL}.Site.Code: mapped by the domain model but not in the spec",
        f"{wm.INTERNAL}.Site.SiteCode",
    ),
    "retyped member": (
        _retype_internal_member,
        f"{wm.INTERNAL}.SerialNumberStatistics.total: the domain model reads integer, "
        "the spec says string",
        "",
    ),
    "added schema": (_add_internal_schema, f"{wm.INTERNAL}.UnitLocation: a schema of the spec", ""),
}


@pytest.mark.slow
@pytest.mark.parametrize("edit", [*INTERNAL_EDITS, "none"])
def test_an_edited_internal_spec_fails_the_check(edit: str, tmp_path: Path) -> None:
    """The internal contract is held the same way: an edit of a copy names the member.

    Invariant: regenerating the internal client from a copy of
    ``spec/production-internal-api.yaml`` with a member added, renamed (both names
    reported) or retyped, or a schema added, makes the check report that member or
    schema; the unedited copy passes.
    """
    generator = _generator()
    copy = tmp_path / "spec"
    shutil.copytree(SPEC_DIR, copy)
    spec_file = copy / "production-internal-api.yaml"
    document = yaml.safe_load(spec_file.read_text(encoding="utf-8"))
    change, expected, also = INTERNAL_EDITS.get(edit, (_unchanged, "", ""))
    change(document["components"]["schemas"])
    spec_file.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    out = generator.generate(tmp_path / "out" / wm.INTERNAL, spec=spec_file, internal=True)

    problems = wm.check({wm.INTERNAL: out})

    if edit == "none":
        assert problems == []
    else:
        assert problems, f"the {edit} went unnoticed"
        assert any(p.startswith(expected) for p in problems), problems
        assert all(p.startswith(f"{wm.INTERNAL}.") for p in problems), problems
        if also:
            assert any(p.startswith(also) for p in problems), problems


@pytest.mark.slow
@pytest.mark.parametrize("edit", [*EDITS, "none"])
def test_an_edited_spec_fails_the_check(edit: str, tmp_path: Path) -> None:
    """Regenerating from an edited copy of spec/ makes the check name the member at fault.

    Invariant: each edit (a member added, renamed, retyped; a schema added) produces at
    least one problem, and the problem names exactly that member; the unedited copy
    produces none.
    """
    generator = _generator()
    copy = tmp_path / "spec"
    shutil.copytree(SPEC_DIR, copy)
    spec_file = copy / "production-api.yaml"
    document = yaml.safe_load(spec_file.read_text(encoding="utf-8"))
    change, expected = EDITS.get(edit, (_unchanged, ""))
    change(document["components"]["schemas"])
    spec_file.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    out = generator.generate(tmp_path / "out" / wm.MAIN, spec=spec_file)

    problems = wm.check({wm.MAIN: out})

    if edit == "none":
        assert problems == []
    else:
        assert problems, f"the {edit} went unnoticed"
        assert any(p.startswith(expected) for p in problems), problems
        if edit == "renamed member":
            # The new name is reported too: the rename cannot be taken for a removal.
            assert any("UnitChange.newBatchRevision" in p for p in problems), problems


# ------------------------------------------------------------ the check's own rules


def _package(root: Path, tables: dict[str, list[tuple[str, str, str, bool]]]) -> Path:
    (root / "models").mkdir(parents=True)
    for schema, members in tables.items():
        (root / "models" / f"{schema.lower()}.py").write_text(
            f"WIRE_SCHEMA = {schema!r}\nWIRE_MEMBERS = {tuple(members)!r}\n", encoding="utf-8"
        )
    return root


def test_check_covers_several_packages(tmp_path: Path) -> None:
    """Bindings of a second generated package are checked against that package only.

    Invariant: a member of package B missing from B's bindings is reported under B, and
    an identical schema name in package A does not satisfy it.
    """
    a = _package(tmp_path / "a", {"Thing": [("name", "name", "string", True)]})
    b = _package(
        tmp_path / "b",
        {"Thing": [("Name", "name", "string", True), ("Size", "size", "integer", False)]},
    )
    bindings = (
        wm.Binding("a", "Thing", None, {"name": "string"}),
        wm.Binding("b", "Thing", None, {"Name": "string"}),
    )
    problems = wm.check({"a": a, "b": b}, bindings, unbound={})
    assert problems == [
        "b.Thing.Size: in the spec (integer) but neither mapped by the domain model "
        "nor listed as unmapped with a reason"
    ]
    fixed = (bindings[0], wm.Binding("b", "Thing", None, {"Name": "string"}, {"Size": "unused"}))
    assert wm.check({"a": a, "b": b}, fixed, unbound={}) == []


def test_check_reports_stale_and_contradictory_entries(tmp_path: Path) -> None:
    """Unmapped members and unbound schemas that the spec no longer has are reported."""
    root = _package(tmp_path / "p", {"Thing": [("name", "name", "one of string | null", False)]})
    bindings = (
        wm.Binding("p", "Thing", None, {"name": "string"}, {"name": "dup", "gone": "old"}),
        wm.Binding("p", "Missing", None, {}),
    )
    problems = wm.check({"p": root}, bindings, unbound={"p": {"Vanished": "old"}})
    assert problems == [
        "p.Vanished: listed as unbound but not in the spec",
        "p.Thing.name: both mapped and listed as unmapped",
        "p.Thing.gone: listed as unmapped but not in the spec",
        "p.Missing: bound to None but not in the spec",
    ]


def test_check_holds_the_model_keys_to_the_map(tmp_path: Path) -> None:
    """A domain model reading a member the map does not list (or not reading one it does) fails."""
    root = _package(
        tmp_path / "p",
        {"Batch": [("batchNumber", "batch_number", "string", False), ("x", "x", "string", False)]},
    )
    binding = wm.Binding(
        "p",
        "Batch",
        "pywats_production.models:ProductionBatch",
        {"batchNumber": "string", "x": "string"},
    )
    problems = wm.check({"p": root}, (binding,), unbound={})
    assert problems == [
        "p.Batch.batchSize: read by pywats_production.models:ProductionBatch but not in the wire map",
        "p.Batch.x: in the wire map but pywats_production.models:ProductionBatch does not read it",
    ]


def test_strip_null_keeps_real_alternatives() -> None:
    """Only the null alternative is dropped; a real union stays a union."""
    assert wm.strip_null("one of null | integer enum TagChangeKind") == "integer enum TagChangeKind"
    assert wm.strip_null("one of string | integer | null") == "one of string | integer"
    assert wm.strip_null("array of object Tag") == "array of object Tag"


# ------------------------------------------- the map states what the readers enforce

_RIGHT: dict[str, object] = {
    "string": "x",
    "integer": 7,
    "boolean": True,
    "date-time": "2024-05-06T07:08:09Z",
    "uuid": "3fa85f64-5717-4562-b3fc-2c963f66afa6",
    "one of string | integer": 7,
    "one of boolean | date-time": True,
    "array of string": ["x"],
}


def _right_value(wire_type: str) -> object:
    if wire_type in _RIGHT:
        return _RIGHT[wire_type]
    if wire_type.startswith("integer enum"):
        return 1
    if wire_type.startswith("string enum"):
        return "Free"
    if wire_type.startswith("object "):
        return {}
    if wire_type.startswith("array of"):
        return []
    raise AssertionError(f"no sample for {wire_type}")


def _wrong_value(wire_type: str) -> object:
    # A JSON value of no type the reader may accept for this member.
    return "x" if wire_type.startswith(("array of", "object ")) else [["x"]]


# Members a reader requires before it looks at anything else.
_BASE: dict[str, dict[str, object]] = {
    "UnitChange": {"id": 1},
    "Process": {"code": 1},
    "SerialNumberRecord": {"serialNumber": "SN1"},
    "UnitPhaseDefinition": {"UnitPhaseId": 1},
    "InternalSerialNumber": {"serialNumber": "SN1"},
}


# Members a model cannot do without: a wrong type fails the read.
# (A unit's state history is refused whole when any of its three lists cannot be read.)
_REQUIRED = {
    ("UnitChange", "id"),
    ("Process", "code"),
    ("SerialNumberRecord", "serialNumber"),
    ("UnitPhaseDefinition", "UnitPhaseId"),
    ("InternalSerialNumber", "serialNumber"),
    ("UnitStateHistory", "processes"),
    ("UnitStateHistory", "phases"),
    ("UnitStateHistory", "dateTimes"),
}

# The name a model gives itself in drift reports, where it is not the schema's.
_WIRE_OWNER: dict[str, str] = {
    "InternalChildUnitCheck": "ChildUnitCheckResult",
    "InternalChildUnitCheckItem": "ChildUnitCheckRow",
}

# Readers of a guessed shape that keep a mistyped member in ``extra`` instead of raising.
_LENIENT = {"ChildUnitCheck"}


def _reader(model: str) -> Callable[[dict[str, object]], Any]:
    module, _, name = model.partition(":")
    cls = getattr(importlib.import_module(module), name)
    reader: Callable[[dict[str, object]], Any] = cls.from_json
    return reader


_CASES = [
    (b.schema, b.model, wire, wire_type)
    for b in wm.BINDINGS
    if b.model is not None
    for wire, wire_type in sorted(b.mapped.items())
]


@pytest.mark.parametrize(
    ("schema", "model", "wire", "wire_type"), _CASES, ids=[f"{c[0]}.{c[2]}" for c in _CASES]
)
def test_the_reader_enforces_the_mapped_type(
    schema: str, model: str, wire: str, wire_type: str
) -> None:
    """Each mapped member is read by the model, with the type the map declares.

    Invariant: a value of the declared type is read (it does not land in ``extra`` and
    no drift is reported); a value of another JSON type is never read as that member:
    it is kept raw in ``extra`` and reported as drift naming the member, or, for a
    member the model cannot do without, raises WatsResponseError naming it (a reader of
    a guessed shape keeps it in ``extra``).
    """
    read = _reader(model)
    base = _BASE.get(schema, {})
    drifts: list[Drift] = []
    remove = add_drift_handler(drifts.append)
    try:
        result = read({**base, wire: _right_value(wire_type)})
        assert wire not in result.extra
        assert drifts == []
        if schema in _LENIENT:
            assert wire in read({**base, wire: _wrong_value(wire_type)}).extra
            return
        if (schema, wire) in _REQUIRED:
            with pytest.raises(WatsResponseError, match=wire):
                read({**base, wire: _wrong_value(wire_type)})
            return
        wrong = read({**base, wire: _wrong_value(wire_type)})
    finally:
        remove()
    # Drift: the value is kept raw in extra and reported, never read as the wrong type.
    assert wrong.extra.get(wire) == _wrong_value(wire_type)
    assert [d.member for d in drifts] == [f"{_WIRE_OWNER.get(schema, schema)}.{wire}"]


def test_unit_writer_sends_only_mapped_members() -> None:
    """to_wire of a fully set Unit sends mapped members only, none of them read-only."""
    from pywats_production.models import Unit
    from pywats_production.phase import UnitPhase

    unit = Unit(
        serial_number="S",
        part_number="P",
        revision="A",
        parent_serial_number="PARENT",
        batch_number="B",
        serial_date=dt.datetime(2024, 1, 2, tzinfo=dt.UTC),
        current_location="L",
        xml_data="<x/>",
        phase=UnitPhase.FINALIZED,
        phase_name="Finalized",
        process_code=10,
        extra={"unknownMember": 1},
    )
    sent = set(unit.to_wire())
    unit_map = next(b for b in wm.BINDINGS if b.schema == "Unit")
    assert sent <= set(unit_map.mapped)
    assert sent == {
        "serialNumber",
        "partNumber",
        "revision",
        "batchNumber",
        "serialDate",
        "currentLocation",
        "xmlData",
        "unitPhaseId",
        "processCode",
    }


def test_serial_number_range_writer_sends_only_mapped_members() -> None:
    """to_wire of a fully set range sends mapped members only, never the read-only counts."""
    from pywats_production.internal_models import SerialNumberRange

    whole = SerialNumberRange(
        serial_number_type="SN",
        start_address="A1",
        end_address="A9",
        identifier=0,
        identifier_name="SerialNumber",
        total=9,
        free=3,
        taken=4,
        reserved=2,
        extra={"unknownMember": 1},
    )
    sent = set(whole.to_wire())
    range_map = next(b for b in wm.BINDINGS if b.schema == "SerialNumberRange")
    assert range_map.package == wm.INTERNAL
    assert sent <= set(range_map.mapped)
    assert sent == {"type", "startAddress", "endAddress", "identifier"}

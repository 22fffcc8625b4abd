"""The wire map: which member of which spec schema each domain model reads or writes.

The domain models (``models.py``) are written by hand, for speed and for drift reports
that name the member at fault. This table holds them to the spec: the templates emit,
in every generated model module, a ``WIRE_MEMBERS`` table (JSON name, Python name, type,
required) taken from ``spec/``, and :func:`check` compares the two. Every member of every
schema of a generated package must be mapped here (with the type the domain reader
expects) or listed as deliberately not mapped (with the reason); a mapped member must
exist in the spec with that type; every object schema must be bound or listed as not
read. A test runs :func:`check` on the committed client and on clients regenerated from
edited copies of the spec, so a spec change cannot slip past the hand-written readers.

Several specs: a :class:`Binding` names its generated package, and :func:`check` takes
one folder per package. The public contract (:data:`MAIN`) and the internal one
(:data:`INTERNAL`, ``spec/production-internal-api.yaml``, read by ``internal_models``)
are both in :data:`BINDINGS` and :data:`UNBOUND`; another contract would add its own
alike. Nothing here is imported at run time.

Type names are the templates' JSON-flavoured ones: ``string``, ``integer``, ``number``,
``boolean``, ``date-time``, ``date``, ``uuid``, ``integer enum X``, ``object X``,
``array of T``, ``one of A | B``. Nullability is not compared: every domain reader
accepts null for every member (the upstream document declares none, and servers send
null).
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Mapping
from pathlib import Path

import attrs

__all__ = [
    "BINDINGS",
    "INTERNAL",
    "MAIN",
    "UNBOUND",
    "Binding",
    "check",
    "generated_schemas",
    "strip_null",
]

MAIN = "pywats_production_api"
INTERNAL = "pywats_production_internal_api"


@attrs.frozen
class Binding:
    """How one domain model meets one schema of a generated package.

    Attributes:
        package: the generated package holding the schema (one per spec file).
        schema: the generated model's class name (the spec's schema name).
        model: the domain class (``module:Class``) whose ``_KEYS`` must equal the mapped
            members plus ``aliases``; None when the reader is not a model class.
        mapped: wire name -> the type the domain reader expects (and the writer sends).
        unmapped: wire name -> why the domain model leaves it alone (it stays in
            ``extra`` when received, and is never sent).
        aliases: another spelling the reader accepts -> the spec member it stands for.

    """

    package: str
    schema: str
    model: str | None
    mapped: Mapping[str, str]
    unmapped: Mapping[str, str] = attrs.field(factory=dict)
    aliases: Mapping[str, str] = attrs.field(factory=dict)


_S, _I, _B, _DT, _U = "string", "integer", "boolean", "date-time", "uuid"
_M = "pywats_production.models:"

BINDINGS: tuple[Binding, ...] = (
    Binding(
        MAIN,
        "Unit",
        _M + "Unit",
        {
            "serialNumber": _S,
            "partNumber": _S,
            "revision": _S,
            "parentSerialNumber": _S,
            "batchNumber": _S,
            "serialDate": _DT,
            "currentLocation": _S,
            "xmlData": _S,
            "unitPhaseId": _I,
            "unitPhase": _S,
            "processCode": "one of string | integer",
            "tags": "array of object Tag",
            "productRevision": "object ProductRevision",
            "product": "object Product",
            "subUnits": "array of object Unit",
        },
    ),
    Binding(
        MAIN,
        "Tag",
        _M + "UnitTag",
        {"key": _S, "value": _S, "change": "integer enum TagChangeKind"},
    ),
    Binding(
        MAIN,
        "Product",
        _M + "Product",
        {
            "productId": _U,
            "nonSerial": _B,
            "partNumber": _S,
            "name": _S,
            "description": _S,
            "state": _I,
            "xmlData": _S,
            "productCategoryId": _U,
            "productCategoryName": _S,
            "revisions": "array of object ProductRevision",
            "tags": "array of object Tag",
        },
    ),
    Binding(
        MAIN,
        "ProductRevision",
        _M + "ProductRevision",
        {
            "productRevisionId": _U,
            "productId": _U,
            "revision": _S,
            "name": _S,
            "description": _S,
            "state": _I,
            "xmlData": _S,
            "PartNumber": _S,
            "tags": "array of object Tag",
            "product": "object Product",
        },
        aliases={"partNumber": "PartNumber"},
    ),
    Binding(
        MAIN,
        "UnitChange",
        _M + "UnitChange",
        {
            "id": _I,
            "unitSerialNumber": _S,
            "newParentSerialNumber": _S,
            "newPartNumber": _S,
            "newRevision": _S,
            "newUnitPhaseId": _I,
        },
    ),
    Binding(MAIN, "ProductionBatch", _M + "ProductionBatch", {"batchNumber": _S, "batchSize": _I}),
    Binding(
        MAIN,
        "SerialNumberType",
        _M + "SerialNumberType",
        {
            "name": _S,
            "description": _S,
            "format": _S,
            "regEx": _S,
            "identifier": "integer enum SerialNumberIdentifier",
            "identifierName": _S,
        },
    ),
    Binding(
        MAIN,
        "SerialNumberRecord",
        _M + "SerialNumberRecord",
        {
            "serialNumber": _S,
            "taken": "one of boolean | date-time",
            "takenUtc": _DT,
            "seq": _I,
            "refSN": _S,
            "refPN": _S,
            "refStn": _S,
            "stationName": _S,
        },
    ),
    Binding(
        MAIN,
        "UnitVerificationGrade",
        _M + "UnitVerificationGrade",
        {
            "status": _S,
            "grade": _S,
            "allProcessesExecutedInCorrectOrder": _B,
            "allProcessesPassedFirstRun": _B,
            "allProcessesPassedAnyRun": _B,
            "allProcessesPassedLastRun": _B,
            "noRepairs": _B,
            "results": "array of object ProcessVerification",
        },
    ),
    Binding(
        MAIN,
        "ProcessVerification",
        _M + "ProcessVerification",
        {
            "processCode": _I,
            "processName": _S,
            "processIndex": _I,
            "status": _S,
            "startUtc": _DT,
            "stationName": _S,
            "totalCount": _I,
            "nonPassedCount": _I,
            "repairCount": _I,
        },
    ),
    Binding(
        MAIN,
        "ChildUnitCheck",
        _M + "ChildUnitCheck",
        {
            "isValid": _B,
            "parentSerialNumber": _S,
            "parentPartNumber": _S,
            "children": "array of object ChildUnitCheckItem",
            "requirements": "array of object BoxBuildRequirement",
        },
    ),
    Binding(
        MAIN,
        "ChildUnitCheckItem",
        _M + "ChildUnitCheckItem",
        {
            "serialNumber": _S,
            "partNumber": _S,
            "revision": _S,
            "unitPhaseId": _I,
            "isValid": _B,
            "message": _S,
        },
    ),
    Binding(
        MAIN,
        "BoxBuildRequirement",
        _M + "BoxBuildRequirement",
        {"partNumber": _S, "revision": _S, "quantity": _I, "found": _I},
    ),
    Binding(
        MAIN,
        "SaveUnitsResult",
        _M + "SaveUnitsResult",
        {
            "errorCount": _I,
            "okCount": _I,
            "insertCount": _I,
            "updateCount": _I,
            "errors": "array of string",
        },
    ),
    Binding(
        MAIN,
        "Process",
        _M + "Process",
        {
            "code": _I,
            "name": _S,
            "description": _S,
            "isTestOperation": _B,
            "isRepairOperation": _B,
            "isWipOperation": _B,
            "processIndex": _I,
            "state": _I,
        },
        unmapped={
            "repairOperation": (
                "sent on repair processes, with members nobody has recorded (spec): kept "
                "in extra as received"
            )
        },
    ),
    # Error answers: the error classification reads these by name (case-insensitively,
    # among other message keys a server may use), not through a model class.
    Binding(
        MAIN,
        "Problem",
        None,
        {"title": _S, "detail": _S, "message": _S, "parameter": _S, "code": _S},
        unmapped={"status": "the HTTP status line is authoritative, not the body's copy of it"},
    ),
    Binding(MAIN, "WebApiError", None, {"Message": _S}),
)

_IM = "pywats_production.internal_models:"

# The internal contract (spec/production-internal-api.yaml, issue 15): PascalCase members
# on the unit routes, camelCase on the serial-number pool routes, as the server sends them.
INTERNAL_BINDINGS: tuple[Binding, ...] = (
    Binding(
        INTERNAL,
        "InternalUnit",
        _IM + "InternalUnit",
        {
            "UnitId": _U,
            "ParentUnitId": _U,
            "ProductRevisionId": _U,
            "ProductId": _U,
            "SerialNumber": _S,
            "PartNumber": _S,
            "Revision": _S,
            "BatchSN": _S,
            "SerialDate": _DT,
            "CurrentLocation": _S,
            "UnitPhaseId": _I,
            "ProcessCode": _I,
            "ProcessName": _S,
            "ParentSerialNumber": _S,
            "Level": _I,
            "Children": "array of object InternalUnit",
        },
    ),
    Binding(
        INTERNAL,
        "UnitContent",
        _IM + "UnitContent",
        {
            "PartNumber": _S,
            "Revision": _S,
            "RevisionMask": _S,
            "ProductName": _S,
            "Quantity": _I,
            "Level": _I,
            "Units": "array of object InternalUnit",
        },
    ),
    Binding(
        INTERNAL,
        "UnitPhaseDefinition",
        _IM + "UnitPhaseDefinition",
        {"UnitPhaseId": _I, "Code": _S, "Name": _S, "Description": _S},
    ),
    Binding(
        INTERNAL,
        "UnitStateHistory",
        _IM + "UnitStateHistory",
        {
            "processes": "array of one of string | null",
            "phases": "array of integer",
            "dateTimes": "array of date-time",
        },
    ),
    Binding(
        INTERNAL,
        "InternalChildUnitCheck",
        _IM + "ChildUnitCheckResult",
        {
            "IsValid": _B,
            "ParentSerialNumber": _S,
            "ParentPartNumber": _S,
            "Message": _S,
            "Children": "array of object InternalChildUnitCheckItem",
        },
    ),
    Binding(
        INTERNAL,
        "InternalChildUnitCheckItem",
        _IM + "ChildUnitCheckRow",
        {
            "SerialNumber": _S,
            "PartNumber": _S,
            "Revision": _S,
            "UnitPhaseId": _I,
            "IsValid": _B,
            "Message": _S,
        },
    ),
    Binding(
        INTERNAL,
        "InternalSerialNumber",
        _IM + "InternalSerialNumber",
        {
            "serialNumber": _S,
            "state": "string enum InternalSerialNumberState",
            "taken": _DT,
            "refSN": _S,
            "refPN": _S,
            "refStn": _S,
        },
    ),
    Binding(
        INTERNAL,
        "SerialNumberRange",
        _IM + "SerialNumberRange",
        {
            "type": _S,
            "identifier": "integer enum SerialNumberRangeIdentifier",
            "identifierName": _S,
            "startAddress": _S,
            "endAddress": _S,
            "total": _I,
            "free": _I,
            "taken": _I,
            "reserved": _I,
        },
    ),
    Binding(
        INTERNAL,
        "SerialNumberStatistics",
        _IM + "SerialNumberStatistics",
        {"serialNumberType": _S, "total": _I, "free": _I, "taken": _I, "reserved": _I},
    ),
    Binding(INTERNAL, "Site", _IM + "Site", {"Name": _S, "Code": _S}),
    # The serial-number XML protocol: _internal_calls sends the generated envelope and
    # reads ``sn`` back by name (the XML inside is read by serials.parse_take_xml).
    Binding(INTERNAL, "SerialNumberXmlEnvelope", None, {"sn": _S}),
    # Error answers, read by the shared error classification (as for the public contract).
    Binding(
        INTERNAL,
        "Problem",
        None,
        {"title": _S, "detail": _S, "message": _S, "parameter": _S, "code": _S},
        unmapped={"status": "the HTTP status line is authoritative, not the body's copy of it"},
    ),
    Binding(INTERNAL, "WebApiError", None, {"Message": _S}),
)

BINDINGS += INTERNAL_BINDINGS

# Schemas of a generated package that no domain model reads or writes, with the reason.
UNBOUND: Mapping[str, Mapping[str, str]] = {
    MAIN: {
        "SerialNumberUpload": (
            "multipart form of PUT SerialNumbers: the service sends the file part itself"
        ),
        "ProcessRepairOperationType0": (
            "the generator's name for Process.repairOperation, an object of unrecorded "
            "members, not mapped (see the Process binding)"
        ),
    },
    INTERNAL: {},
}


def strip_null(wire_type: str) -> str:
    """Return ``wire_type`` without its ``null`` alternative (nullability is not compared).

    Example:
        >>> strip_null("one of null | object Product")
        'object Product'
        >>> strip_null("one of string | integer | null")
        'one of string | integer'

    """
    if not wire_type.startswith("one of "):
        return wire_type
    kept = [part for part in wire_type[len("one of ") :].split(" | ") if part != "null"]
    return kept[0] if len(kept) == 1 else "one of " + " | ".join(kept)


def generated_schemas(package_dir: Path) -> dict[str, dict[str, str]]:
    """Read the wire tables of a generated package without importing it.

    Args:
        package_dir: the generated package's folder (the one holding ``models/``).

    Returns:
        schema name -> {wire name: type}, for every object schema (enums have no table).

    """
    schemas: dict[str, dict[str, str]] = {}
    for path in sorted((package_dir / "models").glob("*.py")):
        name: str | None = None
        members: list[tuple[str, str, str, bool]] | None = None
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.Assign | ast.AnnAssign):
                target = node.targets[0] if isinstance(node, ast.Assign) else node.target
                if isinstance(target, ast.Name) and node.value is not None:
                    if target.id == "WIRE_SCHEMA":
                        name = ast.literal_eval(node.value)
                    elif target.id == "WIRE_MEMBERS":
                        members = ast.literal_eval(node.value)
        if name is not None and members is not None:
            schemas[name] = {wire: wire_type for wire, _, wire_type, _ in members}
    return schemas


def _model_keys(model: str) -> frozenset[str]:
    import importlib

    module, _, name = model.partition(":")
    keys: frozenset[str] = getattr(importlib.import_module(module), name)._KEYS
    return keys


def check(
    folders: Mapping[str, Path],
    bindings: Iterable[Binding] = BINDINGS,
    unbound: Mapping[str, Mapping[str, str]] = UNBOUND,
) -> list[str]:
    """Compare the domain models' wire map with generated packages' wire tables.

    Args:
        folders: generated package name -> its folder (the committed one, or one
            regenerated from an edited spec into a temporary folder).
        bindings: the domain side (default: :data:`BINDINGS`).
        unbound: per package, schemas deliberately not read (default: :data:`UNBOUND`).

    Returns:
        One line per disagreement, empty when the domain models and the spec agree.

    Example:
        >>> from pathlib import Path
        >>> check({MAIN: Path("generated") / MAIN})  # doctest: +SKIP
        []

    """
    problems: list[str] = []
    by_package: dict[str, list[Binding]] = {}
    for binding in bindings:
        by_package.setdefault(binding.package, []).append(binding)
    for package, folder in folders.items():
        spec = generated_schemas(folder)
        if not spec:
            problems.append(
                f"{package}: no wire tables in {folder} (regenerate with the templates)"
            )
            continue
        bound = {b.schema for b in by_package.get(package, [])}
        skipped = unbound.get(package, {})
        for schema in sorted(spec.keys() - bound - skipped.keys()):
            problems.append(
                f"{package}.{schema}: a schema of the spec that no domain model maps "
                "(bind it in _wire_map.BINDINGS or list it in UNBOUND with the reason)"
            )
        for schema in sorted(skipped.keys() - spec.keys()):
            problems.append(f"{package}.{schema}: listed as unbound but not in the spec")
        for binding in by_package.get(package, []):
            problems.extend(_check_binding(binding, spec.get(binding.schema)))
    return problems


def _check_binding(binding: Binding, members: Mapping[str, str] | None) -> list[str]:
    where = f"{binding.package}.{binding.schema}"
    if members is None:
        return [f"{where}: bound to {binding.model} but not in the spec"]
    problems: list[str] = []
    for wire in sorted(members.keys() - binding.mapped.keys() - binding.unmapped.keys()):
        problems.append(
            f"{where}.{wire}: in the spec ({strip_null(members[wire])}) but neither mapped "
            "by the domain model nor listed as unmapped with a reason"
        )
    for wire, expected in sorted(binding.mapped.items()):
        if wire not in members:
            problems.append(f"{where}.{wire}: mapped by the domain model but not in the spec")
        elif strip_null(members[wire]) != expected:
            problems.append(
                f"{where}.{wire}: the domain model reads {expected}, "
                f"the spec says {strip_null(members[wire])}"
            )
    for wire in sorted(binding.unmapped.keys() & binding.mapped.keys()):
        problems.append(f"{where}.{wire}: both mapped and listed as unmapped")
    for wire in sorted(binding.unmapped.keys() - members.keys()):
        problems.append(f"{where}.{wire}: listed as unmapped but not in the spec")
    for alias, target in sorted(binding.aliases.items()):
        if target not in binding.mapped:
            problems.append(f"{where}: alias {alias} stands for {target}, which is not mapped")
    if binding.model is not None:
        keys = _model_keys(binding.model)
        expected_keys = binding.mapped.keys() | binding.aliases.keys()
        for wire in sorted(keys - expected_keys):
            problems.append(f"{where}.{wire}: read by {binding.model} but not in the wire map")
        for wire in sorted(expected_keys - keys):
            problems.append(f"{where}.{wire}: in the wire map but {binding.model} does not read it")
    return problems

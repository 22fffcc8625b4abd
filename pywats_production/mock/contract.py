"""Schemathesis against the contract mock: ``python -m pywats_production.mock.contract``.

Every operation of spec/ is exercised in-process (ASGI) with positive and negative data
and every built-in check of schemathesis enabled (server errors, status codes, content
types, response schemas and headers, positive data accepted, negative data rejected,
auth enforced, ...). The mock runs strict, with a token, and must also record no
contract violation of its own. Exit status: 0 when nothing failed, 1 otherwise.

One allowance: valid data (per the spec) may still be refused with 400 by a domain rule
the spec cannot express (a child outside the box build, an unknown process name, neither
refSN nor refPN, an ambiguous serial number, a malformed upload; a ``$filter`` the mock
does not support, a unit created without a revision or with a parent, an update of a
part number, an unknown batch). Such answers carry a
``code`` and a ``parameter`` and only then skip the positive-data check. With
``--internal`` the internal contract (spec/production-internal-api.yaml) is run the same
way; there, an assembly or CreateUnit refusal is the server's bare translated text (no
code), so a 400 answered as ``text/plain`` counts as such a refusal.
"""

from __future__ import annotations

import argparse
import base64
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import seed as hypothesis_seed
from schemathesis.core.result import Err
from schemathesis.generation.modes import GenerationMode
from schemathesis.specs.openapi.checks import positive_data_acceptance

from ._app import create_app
from ._spec import spec_path

_USER_PASSWORD = ("contract", "test")
TOKEN = base64.b64encode(":".join(_USER_PASSWORD).encode()).decode()
_DOMAIN_REFUSALS = {
    ("not_in_box_build", None),
    ("process_not_found", "processName"),
    ("invalid_parameter", "refSN"),
    ("invalid_parameter", "file"),
    ("invalid_parameter", "body"),  # PUT Batches: a batch without batchNumber
    ("invalid_parameter", "partNumber"),
    ("invalid_parameter", "parentPartNumber"),
    ("invalid_parameter", "childPartNumber"),
    ("invalid_parameter", "startAddress"),
    ("invalid_parameter", "endAddress"),
    # The 2026.3 one-unit operations: rules of the server the schema does not state.
    ("invalid_filter", None),  # $filter/$orderby text the mock does not support
    ("invalid_parameter", "serialNumber"),  # POST/PUT Unit: a required field missing
    ("invalid_parameter", "revision"),
    ("invalid_parameter", "newPartNumber"),  # ChangeUnit, UnitTag: blank
    ("invalid_parameter", "newRevision"),
    ("invalid_parameter", "key"),
    ("parent_not_allowed", None),
    ("part_number_immutable", None),
    ("batch_not_found", None),
    # The internal contract's operations.
    ("process_not_found", "ProcessName"),
    ("invalid_parameter", "Phase"),
    ("invalid_parameter", "sn"),
}


@dataclass
class ContractReport:
    """Figures of one run."""

    operations: int = 0
    test_cases: int = 0
    failures: list[str] = field(default_factory=list)
    violations: list[str] = field(default_factory=list)
    per_operation: dict[str, int] = field(default_factory=dict)
    per_mode: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        """Whether nothing failed."""
        return not self.failures and not self.violations


def _is_domain_refusal(response: object) -> bool:
    status = getattr(response, "status_code", None)
    if status != 400:
        return False
    headers = {str(k).lower(): v for k, v in dict(getattr(response, "headers", {}) or {}).items()}
    ctype = headers.get("content-type", "")
    if isinstance(ctype, list):
        ctype = ctype[0] if ctype else ""
    if str(ctype).startswith("text/plain"):
        return True
    try:
        body = response.json()  # type: ignore[attr-defined]
    except ValueError:
        return False
    code, parameter = body.get("code"), body.get("parameter")
    return (code, None) in _DOMAIN_REFUSALS or (code, parameter) in _DOMAIN_REFUSALS


def run_contract(
    max_examples: int = 100,
    seed: int = 0,
    *,
    operations: Sequence[str] = (),
    internal: bool = False,
) -> ContractReport:
    """Run schemathesis on every operation (positive and negative data, all checks).

    Args:
        max_examples: Hypothesis examples per operation and mode.
        seed: Hypothesis seed (runs are reproducible).
        operations: Only these operationIds (all when empty).
        internal: Run the internal contract instead of the public one.

    Returns:
        The figures: operations, test cases, failures (and the mock's own violations).

    """
    # Problem style: the allowance above recognises a domain refusal by its code.
    app = create_app(seed="demo", token=TOKEN, strict=True, error_style="problem")
    if internal:
        from .._upstream import internal_spec_path

        schema = schemathesis.openapi.from_path(str(internal_spec_path()))
    else:
        schema = schemathesis.openapi.from_path(str(spec_path()))
    schema.app = app
    schema.config.update(basic_auth=_USER_PASSWORD)
    headers: dict[str, str] = {}
    report = ContractReport()
    started = time.perf_counter()
    for result in schema.get_all_operations():
        if isinstance(result, Err):
            report.failures.append(f"the spec has an invalid operation: {result.err()}")
            continue
        operation = result.ok()
        operation_id = str(operation.definition.raw.get("operationId"))
        if operations and operation_id not in operations:
            continue
        report.operations += 1
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            strategy = operation.as_strategy(generation_mode=mode)
            count = [0]
            check = _make_test(strategy, max_examples, headers, count)
            try:
                _seeded(check, seed)
            except (
                Exception,
                BaseExceptionGroup,
            ) as exc:  # schemathesis failures of this operation
                text = "\n    ".join(str(exc).strip().splitlines()[:25])
                report.failures.append(f"{operation.label} [{mode.value}]: {text}")
            report.test_cases += count[0]
            report.per_mode[mode.value] = report.per_mode.get(mode.value, 0) + count[0]
            report.per_operation[operation.label] = (
                report.per_operation.get(operation.label, 0) + count[0]
            )
    report.violations = [str(v) for v in app.violations]
    report.seconds = time.perf_counter() - started
    return report


def _make_test(
    strategy: Any, max_examples: int, headers: dict[str, str], count: list[int]
) -> Callable[[], None]:
    @settings(
        max_examples=max_examples,
        deadline=None,
        database=None,
        phases=[Phase.explicit, Phase.reuse, Phase.generate],
        suppress_health_check=list(HealthCheck),
        report_multiple_bugs=False,
    )
    @given(case=strategy)
    def check(case: Any) -> None:
        count[0] += 1
        response = case.call(headers=headers or None)
        excluded: list[Any] = [positive_data_acceptance] if _is_domain_refusal(response) else []
        case.validate_response(response, excluded_checks=excluded)

    return cast("Callable[[], None]", check)


def _seeded(test: Callable[[], None], seed: int) -> None:
    hypothesis_seed(seed)(test)()


def main(argv: Sequence[str] | None = None) -> int:
    """Run the contract check and print its figures.

    Args:
        argv: Arguments (``sys.argv[1:]`` when None).

    Returns:
        0 when nothing failed, 1 otherwise.

    """
    parser = argparse.ArgumentParser(prog="python -m pywats_production.mock.contract")
    parser.add_argument(
        "--max-examples", type=int, default=100, help="examples per operation and mode"
    )
    parser.add_argument("--seed", type=int, default=0, help="hypothesis seed")
    parser.add_argument("--operation", action="append", default=[], help="only this operationId")
    parser.add_argument("--internal", action="store_true", help="run the internal contract instead")
    args = parser.parse_args(argv)
    report = run_contract(
        args.max_examples, args.seed, operations=args.operation, internal=args.internal
    )
    for label, cases in sorted(report.per_operation.items()):
        print(f"  {cases:6d}  {label}")
    print(
        f"operations: {report.operations}  test cases: {report.test_cases}  "
        f"failures: {len(report.failures)}  mock violations: {len(report.violations)}  "
        f"({report.seconds:.1f} s)"
    )
    for failure in report.failures:
        print(f"FAILED {failure}")
    for violation in report.violations:
        print(f"VIOLATION {violation}")
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())

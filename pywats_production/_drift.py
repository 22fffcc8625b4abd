"""Contract drift: where the models report what the contract does not describe.

The models read answers leniently. When one holds a member the contract does not
describe, a member of another JSON type, or a value outside an enum, the models call
:func:`report_drift`. What happens then depends on the call being parsed:

- a service built with ``strict=True`` raises :class:`~pywats_production.errors.ContractDriftError`
  naming the member and the operation;
- a lenient service (the default) keeps the member in ``extra`` and reports each kind of
  drift once per service: one WARNING record on the ``pywats_production`` logger and one
  call of ``on_drift(info)`` on every hook that has that method;
- a model read outside any service call (``Unit.from_json(...)`` in user code) reports
  nothing.

The scope of a call is a context variable set around its parser, so the check costs one
``ContextVar.get`` on answers that drift and nothing on those that do not.
"""

from __future__ import annotations

import contextvars
import logging
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Final

import attrs

from .errors import ContractDriftError

__all__ = ["DRIFT_KINDS", "DRIFT_SCOPE", "DriftInfo", "DriftMonitor", "drift_scope", "report_drift"]

logger = logging.getLogger("pywats_production")

#: The kinds of drift: an undescribed member, a member of another type, a value outside an enum.
DRIFT_KINDS: Final = ("member", "type", "value")


@attrs.frozen(kw_only=True)
class DriftInfo:
    """One kind of drift seen in an answer (given to hooks' ``on_drift``).

    Attributes:
        kind: ``"member"``, ``"type"`` or ``"value"``.
        model: The SDK model being read (``Unit``, ``UnitTag``, ...).
        member: The JSON member at fault.
        detail: What was found (``got int 5``, ``value 9``), never a secret.
        operation: operationId of the call whose answer it was.

    """

    kind: str
    model: str
    member: str
    detail: str
    operation: str

    @property
    def key(self) -> tuple[str, str, str, str]:
        """What makes two reports the same kind of drift (the detail is not part of it)."""
        return (self.operation, self.kind, self.model, self.member)

    def describe(self) -> str:
        """Return one sentence saying what drifted."""
        what = {
            "member": "a member the contract does not describe",
            "type": "a member of a type the contract does not describe",
            "value": "a value the contract does not describe",
        }.get(self.kind, self.kind)
        detail = f" ({self.detail})" if self.detail else ""
        return f"{self.operation}: {self.model}.{self.member}: {what}{detail}"


class DriftMonitor:
    """The drift policy of one service: raise (strict) or report each kind once.

    Args:
        strict: raise :class:`ContractDriftError` on the first drift of an answer.
        hooks: objects of which those with an ``on_drift(info)`` method are told.

    """

    __slots__ = ("_hooks", "_lock", "_seen", "strict")

    def __init__(self, strict: bool, hooks: Sequence[object] = ()) -> None:
        self.strict = strict
        self._hooks = [h for h in hooks if callable(getattr(h, "on_drift", None))]
        self._seen: set[tuple[str, str, str, str]] = set()
        self._lock = threading.Lock()

    @property
    def seen(self) -> frozenset[tuple[str, str, str, str]]:
        """The kinds of drift reported so far (operation, kind, model, member)."""
        with self._lock:
            return frozenset(self._seen)

    def report(self, info: DriftInfo) -> None:
        """Raise in strict mode; otherwise log and tell the hooks, once per kind."""
        if self.strict:
            raise ContractDriftError(
                f"{info.model}.{info.member}: {info.describe().split(': ', 2)[-1]}; "
                "strict mode refuses answers off the contract",
                kind=info.kind,
                model=info.model,
                member=info.member,
                detail=info.detail,
                operation=info.operation,
            )
        with self._lock:
            if info.key in self._seen:
                return
            self._seen.add(info.key)
        logger.warning(
            "contract drift: %s; kept in extra (reported once per service)",
            info.describe(),
            extra={
                "wats_operation": info.operation,
                "wats_drift_kind": info.kind,
                "wats_drift_model": info.model,
                "wats_drift_member": info.member,
            },
        )
        for hook in self._hooks:
            try:
                hook.on_drift(info)  # type: ignore[attr-defined]
            except Exception:
                # An observer must never stop a production call.
                logger.exception("hook %r failed in on_drift", hook)


DRIFT_SCOPE: contextvars.ContextVar[tuple[DriftMonitor, str] | None] = contextvars.ContextVar(
    "pywats_production_drift_scope", default=None
)


@contextmanager
def drift_scope(monitor: DriftMonitor, operation: str) -> Iterator[None]:
    """Make ``monitor`` receive the drift of answers parsed inside the block.

    Args:
        monitor: the service's policy.
        operation: the operationId being parsed.

    """
    token = DRIFT_SCOPE.set((monitor, operation))
    try:
        yield
    finally:
        DRIFT_SCOPE.reset(token)


def report_drift(kind: str, model: str, member: str, detail: str = "") -> None:
    """Report a drift found while reading ``model`` (the models call this).

    Args:
        kind: ``"member"``, ``"type"`` or ``"value"``.
        model: the model being read.
        member: the JSON member at fault.
        detail: what was found (no secret: a type name, a short value).

    Raises:
        ContractDriftError: the call being parsed belongs to a strict service.

    """
    scope = DRIFT_SCOPE.get()
    if scope is None:
        return
    monitor, operation = scope
    monitor.report(
        DriftInfo(kind=kind, model=model, member=member, detail=detail, operation=operation)
    )

"""Contract drift: the policy of a service for answers off the contract.

The models read answers leniently and report what the contract does not describe (a
member it does not list, a member of another JSON type, a value outside an enum) through
one function, :func:`pywats_production.models.report_drift`. Inside a call of a service
the call's :class:`DriftMonitor` decides (the call's parser runs with
:data:`DRIFT_SCOPE` set):

- a service built with ``strict=True`` raises :class:`~pywats_production.errors.ContractDriftError`
  naming the member and the operation;
- a lenient service (the default) keeps the member in ``extra`` and reports each kind of
  drift once per service: one WARNING record on the ``pywats_production`` logger and one
  call of ``on_drift(info)`` on every hook that has that method.

Outside a service call (``Unit.from_json(...)`` in user code) ``report_drift`` keeps its
process-wide behaviour (one warning per kind, handlers of ``add_drift_handler``).
"""

from __future__ import annotations

import contextvars
import logging
import threading
from collections.abc import Sequence
from typing import Final

import attrs

from .errors import ContractDriftError

__all__ = ["DRIFT_KINDS", "DRIFT_SCOPE", "DriftInfo", "DriftMonitor"]

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

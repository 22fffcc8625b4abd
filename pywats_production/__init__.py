"""pywats-production: a typed SDK for the Production API of WATS (Virinco).

Example:
    >>> from pywats_production import ProductionService, UnitPhase
    >>> with ProductionService("https://wats.example.com", "dG9rZW4=") as wats:  # doctest: +SKIP
    ...     wats.set_unit_phase("SN0001", "PCBA-100", UnitPhase.FINALIZED)

"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from ._async_service import AsyncProductionService
from ._config import Secret, ServiceConfig
from ._core import Hook, Instrumentation, OperationScope, RequestInfo, ResponseInfo
from ._drift import DriftInfo
from ._recovery import PendingTake
from ._sync_service import ProductionService
from .errors import (
    AmbiguousOutcomeError,
    AssemblyError,
    AssemblyLoopError,
    AuthenticationError,
    BadRequestError,
    ChildAlreadyHasParentError,
    ChildNotFinalizedError,
    ConflictError,
    ContractDriftError,
    InternalApiNotEnabledError,
    InvalidPhaseError,
    NotFoundError,
    NotInBoxBuildError,
    NotLinkedError,
    ParentNotAllowedError,
    PartNumberImmutableError,
    PermissionDeniedError,
    RateLimitedError,
    ResponseTooLargeError,
    SequenceUnavailableError,
    ServerError,
    UnitExistsError,
    UnitHasChildrenError,
    UnsafeXmlError,
    UnsupportedOperationError,
    WatsApiError,
    WatsConnectionError,
    WatsError,
    WatsInputError,
    WatsInternalApiWarning,
    WatsResponseError,
    WatsTimeoutError,
)
from .models import (
    BoxBuildRequirement,
    ChildUnitCheck,
    ChildUnitCheckItem,
    Process,
    ProcessVerification,
    Product,
    ProductionBatch,
    ProductRevision,
    SaveUnitsResult,
    SerialNumberIdentifier,
    SerialNumberRecord,
    SerialNumberType,
    SerialNumberUploadResult,
    ServerVersion,
    TagChangeKind,
    Unit,
    UnitChange,
    UnitTag,
    UnitVerificationGrade,
)
from .phase import UnitPhase
from .retry import Reliability, RetryPolicy

if TYPE_CHECKING:
    from ._async_internal import AsyncInternalApi
    from ._sync_internal import InternalApi

__version__ = "0.1.0"

# The internal API's wing (its models, calls and services) is loaded when first named
# or when a service is created with internal=True: most programs never use it.
_LAZY = {"AsyncInternalApi": "._async_internal", "InternalApi": "._sync_internal"}


def __getattr__(name: str) -> object:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))


# A library's logger has a NullHandler: without one, logging's last-resort handler
# prints WARNING records on stderr of applications that never configured logging (an
# error the caller catches and handles would still show). The application decides.
logging.getLogger(__name__).addHandler(logging.NullHandler())

__all__ = [
    "AmbiguousOutcomeError",
    "AssemblyError",
    "AssemblyLoopError",
    "AsyncInternalApi",
    "AsyncProductionService",
    "AuthenticationError",
    "BadRequestError",
    "BoxBuildRequirement",
    "ChildAlreadyHasParentError",
    "ChildNotFinalizedError",
    "ChildUnitCheck",
    "ChildUnitCheckItem",
    "ConflictError",
    "ContractDriftError",
    "DriftInfo",
    "Hook",
    "Instrumentation",
    "InternalApi",
    "InternalApiNotEnabledError",
    "InvalidPhaseError",
    "NotFoundError",
    "NotInBoxBuildError",
    "NotLinkedError",
    "ParentNotAllowedError",
    "PartNumberImmutableError",
    "OperationScope",
    "PendingTake",
    "PermissionDeniedError",
    "Process",
    "ProcessVerification",
    "Product",
    "ProductRevision",
    "ProductionBatch",
    "ProductionService",
    "RateLimitedError",
    "Reliability",
    "RequestInfo",
    "ResponseInfo",
    "ResponseTooLargeError",
    "RetryPolicy",
    "SaveUnitsResult",
    "Secret",
    "SequenceUnavailableError",
    "SerialNumberIdentifier",
    "SerialNumberRecord",
    "SerialNumberType",
    "SerialNumberUploadResult",
    "ServerError",
    "ServerVersion",
    "ServiceConfig",
    "TagChangeKind",
    "Unit",
    "UnitChange",
    "UnitPhase",
    "UnitTag",
    "UnitVerificationGrade",
    "UnitExistsError",
    "UnitHasChildrenError",
    "UnsafeXmlError",
    "UnsupportedOperationError",
    "WatsApiError",
    "WatsConnectionError",
    "WatsError",
    "WatsInputError",
    "WatsInternalApiWarning",
    "WatsResponseError",
    "WatsTimeoutError",
]

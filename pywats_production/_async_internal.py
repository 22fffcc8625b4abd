"""AsyncInternalApi: the internal Production API (``service.internal``), async.

This file is the source of truth for both flavours: ``scripts/unasync.py`` derives
``_sync_internal.py`` from it. Edit this file, then run ``python scripts/unasync.py``.
"""

# Docstring examples read best on one line each.
# ruff: noqa: E501

from __future__ import annotations

import datetime as dt
import warnings
from collections.abc import Iterable
from typing import Protocol, TypeVar

from . import _internal_calls as calls
from ._config import ServiceConfig
from ._core import Call, CallState, UnknownOutcome
from .errors import (
    AmbiguousOutcomeError,
    BadRequestError,
    ServerError,
    WatsConnectionError,
    WatsError,
    WatsInternalApiWarning,
)
from .internal_models import (
    ChildUnitCheckResult,
    InternalSerialNumber,
    InternalUnit,
    SerialNumberRange,
    SerialNumberStatistics,
    Site,
    UnitContent,
    UnitPhaseDefinition,
    UnitStateHistory,
)
from .models import ServerVersion
from .phase import UnitPhase
from .retry import RetryPolicy

__all__ = ["AsyncInternalApi"]

T = TypeVar("T")


class _Parent(Protocol):
    """What the internal wing uses of its service: settings, the version, the engine.

    Typed structurally so that this module never imports the service that creates it
    (no import cycle); :class:`~._async_service.AsyncProductionService` satisfies it.
    """

    @property
    def config(self) -> ServiceConfig: ...

    async def server_version(self, *, retry: RetryPolicy | None = None) -> ServerVersion: ...

    def _new_state(self, call: Call[T], retry: RetryPolicy | None) -> CallState[T]: ...

    async def _run(
        self, call: Call[T], retry: RetryPolicy | None = None, *, state: CallState[T] | None = None
    ) -> T: ...


class AsyncInternalApi:
    """The internal Production API of a service created with ``internal=True``.

    These routes (``/api/internal/...``) are in the server's published internal
    document but not in its public contract: they may change without notice. Every
    request carries the ``Referer`` header they need. The first call reads the server's
    version once and warns (:class:`~pywats_production.errors.WatsInternalApiWarning`)
    when it is outside the versions the internal contract was derived for, unless a pin
    covers it. Bad input raises :class:`~pywats_production.errors.WatsInputError` before
    anything is sent.

    Example:
        >>> async with AsyncProductionService(url, token, internal=True) as wats:  # doctest: +SKIP
        ...     phases = await wats.internal.get_unit_phases()

    """

    def __init__(self, service: _Parent) -> None:
        self._service = service
        self._referer = service.config.base_url + "/"
        self._gated = False

    def __repr__(self) -> str:
        return f"{type(self).__name__}(base_url={self._service.config.base_url!r})"

    async def _gate(self, retry: RetryPolicy | None) -> None:
        if self._gated:
            return
        # Set first: concurrent first calls must not warn twice.
        self._gated = True
        from . import compat

        config = self._service.config
        try:
            version = await self._service.server_version(retry=retry)
        except WatsConnectionError:
            # No answer at all: the call itself will say so; judge the version next time.
            self._gated = False
            return
        except WatsError as exc:
            report = compat.compare_internal(None, pinned=config.pinned_server_versions, error=exc)
        else:
            report = compat.compare_internal(version, pinned=config.pinned_server_versions)
        if not report.compatible:
            warnings.warn(f"internal API: {report.reason}", WatsInternalApiWarning, stacklevel=4)

    async def _run(self, call: Call[T], retry: RetryPolicy | None) -> T:
        await self._gate(retry)
        return await self._service._run(call, retry)

    # ----------------------------------------------------------------------- units

    async def get_unit_phases(
        self, *, retry: RetryPolicy | None = None
    ) -> list[UnitPhaseDefinition]:
        """List the unit phases the server knows, with code, name and description.

        Args:
            retry: overrides the service's retry policy.

        Returns:
            The phases, as the server lists them.

        Raises:
            WatsApiError: an error answer; WatsConnectionError on transport failure.

        Example:
            >>> [p.name for p in await wats.internal.get_unit_phases()]  # doctest: +SKIP
            ['Unknown', 'Under production', ...]

        """
        return await self._run(calls.get_unit_phases(self._referer), retry)

    async def get_unit_phase(
        self, serial_number: str, part_number: str, *, retry: RetryPolicy | None = None
    ) -> UnitPhase:
        """Read a unit's current phase.

        Args:
            serial_number: the unit's serial number.
            part_number: the unit's part number.
            retry: overrides the service's retry policy.

        Returns:
            The phase (unknown bits survive).

        Raises:
            WatsInputError: an empty serial or part number. NotFoundError: no such unit.

        Example:
            >>> await wats.internal.get_unit_phase("SN1", "PCBA-100")  # doctest: +SKIP
            <UnitPhase.UNDER_PRODUCTION: 2>

        """
        return await self._run(
            calls.get_unit_phase(self._referer, serial_number, part_number), retry
        )

    async def get_unit_process(
        self, serial_number: str, part_number: str, *, retry: RetryPolicy | None = None
    ) -> str | None:
        """Read the name of a unit's current process.

        Args:
            serial_number: the unit's serial number.
            part_number: the unit's part number.
            retry: overrides the service's retry policy.

        Returns:
            The process name, or None when the unit has none.

        Raises:
            WatsInputError: an empty argument. NotFoundError: no such unit.

        Example:
            >>> await wats.internal.get_unit_process("SN1", "PCBA-100")  # doctest: +SKIP
            'FCT'

        """
        return await self._run(
            calls.get_unit_process(self._referer, serial_number, part_number), retry
        )

    async def get_unit_state_history(
        self, serial_number: str, part_number: str, *, retry: RetryPolicy | None = None
    ) -> UnitStateHistory:
        """Read every phase and process a unit has had, oldest first.

        Args:
            serial_number: the unit's serial number.
            part_number: the unit's part number.
            retry: overrides the service's retry policy.

        Returns:
            The history; ``history.current`` is the unit's state now.

        Raises:
            WatsInputError: an empty argument. NotFoundError: no such unit.
            WatsResponseError: the three lists of the answer differ in length.

        Example:
            >>> h = await wats.internal.get_unit_state_history("SN1", "PCBA-100")  # doctest: +SKIP
            >>> h.current.phase  # doctest: +SKIP
            <UnitPhase.FINALIZED: 16>

        """
        return await self._run(
            calls.get_unit_state_history(self._referer, serial_number, part_number), retry
        )

    async def get_unit_hierarchy(
        self, serial_number: str, part_number: str, *, retry: RetryPolicy | None = None
    ) -> InternalUnit:
        """Read a unit with its children, and theirs, as a tree.

        Args:
            serial_number: the unit's serial number.
            part_number: the unit's part number.
            retry: overrides the service's retry policy.

        Returns:
            The unit; ``unit.children`` holds the tree and ``unit.walk()`` flattens it.

        Raises:
            WatsInputError: an empty argument. NotFoundError: no such unit.

        Example:
            >>> tree = await wats.internal.get_unit_hierarchy("BOX1", "BOX-900")  # doctest: +SKIP
            >>> [u.serial_number for u in tree.walk()]  # doctest: +SKIP
            ['BOX1', 'PCB1']

        """
        return await self._run(
            calls.get_unit_hierarchy(self._referer, serial_number, part_number), retry
        )

    async def get_unit_info(
        self, serial_number: str, part_number: str, *, retry: RetryPolicy | None = None
    ) -> InternalUnit:
        """Read a unit as the internal API describes it (ids, phase, process, batch).

        Args:
            serial_number: the unit's serial number.
            part_number: the unit's part number.
            retry: overrides the service's retry policy.

        Returns:
            The unit (without children).

        Raises:
            WatsInputError: an empty argument. NotFoundError: no such unit.

        Example:
            >>> (await wats.internal.get_unit_info("SN1", "PCBA-100")).process_name  # doctest: +SKIP
            'FCT'

        """
        return await self._run(
            calls.get_unit_info(self._referer, serial_number, part_number), retry
        )

    async def get_unit_contents(
        self,
        serial_number: str,
        part_number: str,
        revision: str,
        *,
        retry: RetryPolicy | None = None,
    ) -> list[UnitContent]:
        """Read what a unit contains: one line per box-build part, with the units fitted.

        Args:
            serial_number: the unit's serial number.
            part_number: the unit's part number.
            revision: the unit's product revision.
            retry: overrides the service's retry policy.

        Returns:
            The box-build lines.

        Raises:
            WatsInputError: an empty argument. NotFoundError: no such unit.

        Example:
            >>> lines = await wats.internal.get_unit_contents("BOX1", "BOX-900", "A")  # doctest: +SKIP

        """
        return await self._run(
            calls.get_unit_contents(self._referer, serial_number, part_number, revision), retry
        )

    async def create_unit(
        self,
        serial_number: str,
        part_number: str,
        revision: str,
        *,
        batch_number: str | None = None,
        phase: UnitPhase | int | str | None = None,
        retry: RetryPolicy | None = None,
    ) -> InternalUnit:
        """Create one unit, optionally in a batch and a phase.

        Retried like a converging write: when an attempt may have been applied and the
        call then fails (a replay refused because the unit exists, or no definite
        answer), the unit is read back, and returned when it exists with this part number.

        Args:
            serial_number: the new unit's serial number.
            part_number: its product's part number.
            revision: its product revision.
            batch_number: the batch it belongs to.
            phase: its first phase (a :class:`UnitPhase`, an int or a name).
            retry: overrides the service's retry policy.

        Returns:
            The unit as created.

        Raises:
            WatsInputError: an empty argument. InvalidPhaseError: an unknown phase.
            BadRequestError: the unit exists, or the product revision is unknown.

        Example:
            >>> await wats.internal.create_unit("SN9", "PCBA-100", "A", phase="Under production")  # doctest: +SKIP

        """
        call = calls.create_unit(
            self._referer, serial_number, part_number, revision, batch_number, phase
        )
        await self._gate(retry)
        state = self._service._new_state(call, retry)
        try:
            return await self._service._run(call, retry, state=state)
        except (BadRequestError, WatsConnectionError, ServerError) as exc:
            # A refused replay ("exists") or no definite answer: if an attempt may have
            # been applied, the unit itself says whether the call succeeded.
            if not state.any_in_doubt:
                raise
            try:
                unit = await self.get_unit_info(serial_number, part_number, retry=retry)
            except WatsError:
                raise exc from None
            if unit.part_number not in (None, part_number):
                raise
            return unit

    async def set_unit_phase_and_process(
        self,
        serial_number: str,
        part_number: str,
        phase: UnitPhase | int | str,
        process_name: str,
        *,
        retry: RetryPolicy | None = None,
    ) -> None:
        """Set a unit's phase and current process in one request.

        Args:
            serial_number: the unit's serial number.
            part_number: the unit's part number.
            phase: the new phase (a :class:`UnitPhase`, an int or a name).
            process_name: the new current process, by name.
            retry: overrides the service's retry policy.

        Raises:
            WatsInputError: an empty argument. InvalidPhaseError: an unknown phase.
            NotFoundError: no such unit. BadRequestError: unknown process.

        Example:
            >>> await wats.internal.set_unit_phase_and_process("SN1", "PCBA-100", 16, "Final test")  # doctest: +SKIP

        """
        await self._run(
            calls.set_unit_phase_and_process(
                self._referer, serial_number, part_number, phase, process_name
            ),
            retry,
        )

    # -------------------------------------------------------------------- assembly

    async def add_child_unit(
        self,
        serial_number: str,
        part_number: str,
        child_serial_number: str,
        child_part_number: str,
        *,
        check_part_number: str | None = None,
        check_revision: str | None = None,
        check_phase: bool | None = None,
        culture_code: str = calls.DEFAULT_CULTURE,
        retry: RetryPolicy | None = None,
    ) -> str:
        """Link a child unit to a parent; return the server's message.

        Args:
            serial_number: the parent's serial number.
            part_number: the parent's part number.
            child_serial_number: the child's serial number.
            child_part_number: the child's part number.
            check_part_number: part number the child must have (default: the box build's).
            check_revision: revision the child must have (default: the box build's).
            check_phase: whether the child must be Finalized (server default when None).
            culture_code: language of the message, e.g. ``"en-US"``, ``"nb-NO"``.
            retry: overrides the service's retry policy.

        Returns:
            The server's message, in ``culture_code``.

        Raises:
            WatsInputError: an empty argument.
            AssemblyError: the server refused (its translated text is the message).

        Example:
            >>> await wats.internal.add_child_unit("BOX1", "BOX-900", "PCB1", "PCBA-100")  # doctest: +SKIP
            'Unit PCB1 added to BOX1'

        """
        return await self._run(
            calls.add_child_unit(
                self._referer,
                serial_number,
                part_number,
                child_serial_number,
                child_part_number,
                check_part_number,
                check_revision,
                check_phase,
                culture_code,
            ),
            retry,
        )

    async def remove_child_unit(
        self,
        serial_number: str,
        part_number: str,
        child_serial_number: str,
        child_part_number: str,
        *,
        culture_code: str = calls.DEFAULT_CULTURE,
        retry: RetryPolicy | None = None,
    ) -> str:
        """Unlink a child unit from its parent; return the server's message.

        Args:
            serial_number: the parent's serial number.
            part_number: the parent's part number.
            child_serial_number: the child's serial number.
            child_part_number: the child's part number.
            culture_code: language of the message.
            retry: overrides the service's retry policy.

        Returns:
            The server's message.

        Raises:
            WatsInputError: an empty argument. AssemblyError: the server refused.

        Example:
            >>> await wats.internal.remove_child_unit("BOX1", "BOX-900", "PCB1", "PCBA-100")  # doctest: +SKIP

        """
        return await self._run(
            calls.remove_child_unit(
                self._referer,
                serial_number,
                part_number,
                child_serial_number,
                child_part_number,
                culture_code,
            ),
            retry,
        )

    async def remove_all_child_units(
        self,
        serial_number: str,
        part_number: str,
        *,
        culture_code: str = calls.DEFAULT_CULTURE,
        retry: RetryPolicy | None = None,
    ) -> str:
        """Unlink every child of a parent (empty a box); return the server's message.

        Converges: repeating it leaves the box empty, so it is retried like a set.

        Args:
            serial_number: the parent's serial number.
            part_number: the parent's part number.
            culture_code: language of the message.
            retry: overrides the service's retry policy.

        Returns:
            The server's message.

        Raises:
            WatsInputError: an empty argument. WatsApiError: the server refused.

        Example:
            >>> await wats.internal.remove_all_child_units("BOX1", "BOX-900")  # doctest: +SKIP

        """
        return await self._run(
            calls.remove_all_child_units(self._referer, serial_number, part_number, culture_code),
            retry,
        )

    async def check_child_units(
        self,
        serial_number: str,
        part_number: str,
        *,
        culture_code: str = calls.DEFAULT_CULTURE,
        retry: RetryPolicy | None = None,
    ) -> ChildUnitCheckResult:
        """Check a parent's direct children against its box build.

        Args:
            serial_number: the parent's serial number.
            part_number: the parent's part number.
            culture_code: language of the messages.
            retry: overrides the service's retry policy.

        Returns:
            The overall result and one row per child.

        Raises:
            WatsInputError: an empty argument. NotFoundError: no such parent.

        Example:
            >>> (await wats.internal.check_child_units("BOX1", "BOX-900")).is_valid  # doctest: +SKIP
            True

        """
        return await self._run(
            calls.check_child_units(self._referer, serial_number, part_number, culture_code),
            retry,
        )

    # -------------------------------------------------------------- serial numbers

    async def find_serial_numbers(
        self,
        serial_number_type: str,
        start: str,
        end: str,
        *,
        start_date: dt.datetime | None = None,
        end_date: dt.datetime | None = None,
        retry: RetryPolicy | None = None,
    ) -> list[InternalSerialNumber]:
        """List a type's numbers between two addresses, with their state.

        Args:
            serial_number_type: the type's name.
            start: the first address.
            end: the last address.
            start_date: only numbers reserved or taken at or after (naive = UTC).
            end_date: only numbers reserved or taken at or before.
            retry: overrides the service's retry policy.

        Returns:
            The numbers, in pool order.

        Raises:
            WatsInputError: an empty argument. NotFoundError: no such type.

        Example:
            >>> await wats.internal.find_serial_numbers("SerialNumber", "SN01", "SN09")  # doctest: +SKIP

        """
        return await self._run(
            calls.find_serial_numbers(
                self._referer, serial_number_type, start, end, start_date, end_date
            ),
            retry,
        )

    async def count_serial_numbers(
        self,
        serial_number_type: str,
        *,
        start: str | None = None,
        end: str | None = None,
        from_date: dt.datetime | None = None,
        to_date: dt.datetime | None = None,
        retry: RetryPolicy | None = None,
    ) -> int:
        """Count a type's numbers that an export with the same filters would hold.

        Args:
            serial_number_type: the type's name.
            start: the first address (default: the first of the pool).
            end: the last address (default: the last of the pool).
            from_date: only numbers taken at or after.
            to_date: only numbers taken at or before.
            retry: overrides the service's retry policy.

        Returns:
            The count.

        Raises:
            WatsInputError: an empty type name. NotFoundError: no such type.

        Example:
            >>> await wats.internal.count_serial_numbers("SerialNumber")  # doctest: +SKIP
            1000

        """
        return await self._run(
            calls.count_serial_numbers(
                self._referer, serial_number_type, start, end, from_date, to_date
            ),
            retry,
        )

    async def get_serial_number_ranges(
        self, serial_number_type: str | None = None, *, retry: RetryPolicy | None = None
    ) -> list[SerialNumberRange]:
        """List the address ranges of every type (or one), with their counts.

        Args:
            serial_number_type: only this type (default: all).
            retry: overrides the service's retry policy.

        Returns:
            The ranges.

        Example:
            >>> await wats.internal.get_serial_number_ranges("SerialNumber")  # doctest: +SKIP

        """
        return await self._run(
            calls.get_serial_number_ranges(self._referer, serial_number_type), retry
        )

    async def get_serial_number_statistics(
        self, serial_number_type: str | None = None, *, retry: RetryPolicy | None = None
    ) -> list[SerialNumberStatistics]:
        """Count free, taken and reserved numbers per type (or for one type).

        Args:
            serial_number_type: only this type (default: all).
            retry: overrides the service's retry policy.

        Returns:
            One row per type.

        Example:
            >>> [s.free for s in await wats.internal.get_serial_number_statistics()]  # doctest: +SKIP
            [998]

        """
        return await self._run(
            calls.get_serial_number_statistics(self._referer, serial_number_type), retry
        )

    async def free_serial_numbers(
        self,
        ranges: SerialNumberRange | Iterable[SerialNumberRange],
        *,
        retry: RetryPolicy | None = None,
    ) -> None:
        """Free every reserved number in each range (taken numbers stay taken).

        Args:
            ranges: one range or several, each with type, start and end address.
            retry: overrides the service's retry policy.

        Raises:
            WatsInputError: no range, or a range without type, start or end.
            NotFoundError: no such type.

        Example:
            >>> await wats.internal.free_serial_numbers(
            ...     SerialNumberRange(serial_number_type="SerialNumber",
            ...                       start_address="SN01", end_address="SN09"))  # doctest: +SKIP

        """
        given = [ranges] if isinstance(ranges, SerialNumberRange) else ranges
        await self._run(calls.free_serial_numbers(self._referer, given), retry)

    async def reserve_serial_numbers(
        self,
        serial_number_type: str,
        quantity: int,
        *,
        request_type: str = "Reserve",
        ref_serial_number: str | None = None,
        ref_part_number: str | None = None,
        station_name: str | None = None,
        site_name: str | None = None,
        only_in_sequence: bool = False,
        retry: RetryPolicy | None = None,
    ) -> list[str]:
        """Reserve (or take) numbers through the serial-number XML protocol.

        ``request_type="Reserve"`` gives a reservation that :meth:`free_serial_numbers`
        can release; ``"Take"`` takes them for good. Like Take, this consumes the pool
        and is never replayed blindly: without a reference of yours, the reference serial
        number ``pywats-<uuid>`` is recorded, and when an attempt's outcome is unknown
        the numbers are looked up by that reference (over the type's ranges) and
        returned. When the lookup finds none and the server itself answered, the request
        is sent again; when it cannot be sure, :class:`AmbiguousOutcomeError` is raised
        naming the reference. Numbers are never handed out twice or lost silently.

        Args:
            serial_number_type: the type's name.
            quantity: how many (>= 1).
            request_type: ``"Reserve"`` (default) or ``"Take"``.
            ref_serial_number: reference serial recorded with the numbers.
            ref_part_number: reference part number recorded with the numbers.
            station_name: station recorded with the numbers.
            site_name: site recorded with the numbers.
            only_in_sequence: one contiguous run, or nothing.
            retry: overrides the service's retry policy.

        Returns:
            The numbers, in pool order.

        Raises:
            WatsInputError: bad arguments. NotFoundError: no such type.
            SequenceUnavailableError: no contiguous run long enough.
            AmbiguousOutcomeError: the outcome could not be established.

        Example:
            >>> await wats.internal.reserve_serial_numbers("SerialNumber", 2)  # doctest: +SKIP
            ['SN00000001', 'SN00000002']

        """
        reference = ref_serial_number
        auto = reference is None and ref_part_number is None
        if auto:
            reference = calls.auto_reference()
        call = calls.reserve_serial_numbers(
            self._referer,
            serial_number_type,
            quantity,
            request_type=request_type,
            ref_serial_number=reference,
            ref_part_number=ref_part_number,
            station_name=station_name,
            site_name=site_name,
            only_in_sequence=only_in_sequence,
        )
        await self._gate(retry)
        for _round in range(3):
            try:
                return await self._service._run(call, retry)
            except UnknownOutcome as unknown:
                # Only a reference unique to this call tells its numbers apart from
                # earlier ones recorded with the same reference.
                found = await self._recover(serial_number_type, reference, retry) if auto else []
                if found:
                    return found
                if not auto or not unknown.server_finished:
                    raise AmbiguousOutcomeError(
                        "reserve_serial_numbers: the outcome is unknown and no number was "
                        f"found with the reference {reference or ref_part_number!r}; look "
                        "again with find_serial_numbers before reserving more",
                        operation="internal.reserveSerialNumbers",
                        request_id=unknown.request_id,
                        attempts=unknown.attempts,
                        cause=unknown.cause,
                    ) from None
        raise AmbiguousOutcomeError(
            "reserve_serial_numbers: the server failed three times; nothing was reserved",
            operation="internal.reserveSerialNumbers",
        )

    async def _recover(
        self, serial_number_type: str, ref_sn: str | None, retry: RetryPolicy | None
    ) -> list[str]:
        found: list[str] = []
        for rng in await self.get_serial_number_ranges(serial_number_type, retry=retry):
            if not rng.start_address or not rng.end_address:
                continue
            for number in await self.find_serial_numbers(
                serial_number_type, rng.start_address, rng.end_address, retry=retry
            ):
                if number.state in ("Reserved", "Taken") and number.ref_sn == ref_sn:
                    found.append(number.serial_number)
        return found

    # ----------------------------------------------------------------------- other

    async def get_sites(self, *, retry: RetryPolicy | None = None) -> list[Site]:
        """List the production sites the server knows.

        Args:
            retry: overrides the service's retry policy.

        Returns:
            The sites.

        Example:
            >>> [s.code for s in await wats.internal.get_sites()]  # doctest: +SKIP
            ['OSL']

        """
        return await self._run(calls.get_sites(self._referer), retry)

    async def is_connected(self, *, retry: RetryPolicy | None = None) -> bool:
        """Return whether the server answers the internal API for this caller.

        Args:
            retry: overrides the service's retry policy.

        Returns:
            The server's answer.

        Raises:
            WatsConnectionError: the server cannot be reached.

        Example:
            >>> await wats.internal.is_connected()  # doctest: +SKIP
            True

        """
        return await self._run(calls.is_connected(self._referer), retry)

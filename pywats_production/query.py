"""OData filters for the unit query of WATS 2026.3: built from keywords, values escaped.

:func:`unit_filter` turns keyword fields (``serial_number=``, ``phase=``, ...) into an
OData ``$filter`` where every text value is a quoted OData string literal (a ``'`` inside
is doubled), so a serial number such as ``SN' or 1 eq 1 or 'x`` is compared as the text
it is and never changes the filter's meaning. An expert's raw filter can be given as
well; it is put in parentheses and combined with ``and``.

The filterable fields (``serialNumber, partNumber, revision, batchNumber, serialDate,
currentLocation, unitPhaseId, processCode``, and ``subUnits`` with ``any``/``all``) are
those pywats-api 0.6.0rc1 documents for ``GET /api/Production/Unit/Query``; the
published documents do not have the operation (see spec/ ``x-wats-evidence``).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Final

from ._validate import format_datetime, require_datetime, require_text
from .errors import WatsInputError
from .phase import UnitPhase

__all__ = [
    "DEFAULT_PAGE_SIZE",
    "KEYSET_ORDER",
    "MAX_TOP",
    "after_key",
    "odata_string",
    "require_orderby",
    "require_top",
    "unit_filter",
]

#: Largest ``$top`` the server accepts.
MAX_TOP: Final = 1000
#: The server's page size when ``$top`` is left out, and ``iter_units``' default.
DEFAULT_PAGE_SIZE: Final = 100
#: The stable order ``iter_units`` pages in: the unit's key, serial then part number.
KEYSET_ORDER: Final = "serialNumber asc, partNumber asc"

_SORTABLE: Final = (
    "serialNumber",
    "partNumber",
    "revision",
    "batchNumber",
    "serialDate",
    "currentLocation",
    "unitPhaseId",
    "processCode",
)
_ORDER_ITEM = re.compile(r"\s*([A-Za-z]+)(?:\s+(asc|desc))?\s*", re.IGNORECASE)
# A raw filter may span lines; NUL and lone surrogates cannot be sent at all.
_RAW_FORBIDDEN = re.compile(r"[\x00\ud800-\udfff]")


def odata_string(value: str) -> str:
    """Quote text as an OData string literal: in single quotes, a ``'`` inside doubled.

    Args:
        value: Any text.

    Returns:
        The literal.

    Example:
        >>> odata_string("O'Brien")
        "'O''Brien'"

    """
    return "'" + value.replace("'", "''") + "'"


def require_top(value: object, parameter: str = "top") -> int:
    """Check a page size: an int from 1 to :data:`MAX_TOP`.

    Args:
        value: The argument.
        parameter: Its name, for the error.

    Returns:
        The value.

    Raises:
        WatsInputError: Not an int, or outside 1..1000.

    Example:
        >>> require_top(250)
        250

    """
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_TOP:
        raise WatsInputError(
            f"{parameter} must be an int from 1 to {MAX_TOP}, got {value!r}", parameter=parameter
        )
    return value


def require_orderby(value: object) -> str:
    """Check an OData sort order: ``field [asc|desc]``, comma-separated, known fields only.

    Args:
        value: The argument.

    Returns:
        The order, as given.

    Raises:
        WatsInputError: Not text, empty, or naming an unknown field or direction.

    Example:
        >>> require_orderby("serialDate desc, serialNumber")
        'serialDate desc, serialNumber'

    """
    if not isinstance(value, str) or not value.strip():
        raise WatsInputError("orderby must be non-empty text", parameter="orderby")
    for item in value.split(","):
        match = _ORDER_ITEM.fullmatch(item)
        if match is None or match.group(1) not in _SORTABLE:
            raise WatsInputError(
                f"orderby: {item.strip()!r} is not 'field [asc|desc]' with a field of "
                f"{', '.join(_SORTABLE)}",
                parameter="orderby",
            )
    return value


def _raw(value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise WatsInputError("filter must be non-empty OData text", parameter="filter")
    if _RAW_FORBIDDEN.search(value):
        raise WatsInputError("filter holds a NUL character or a lone surrogate", parameter="filter")
    return value


def _date(value: dt.datetime | dt.date | str, parameter: str) -> dt.datetime:
    checked = require_datetime(value, parameter)
    assert checked is not None  # None is filtered out by the caller
    # Naive means UTC, as for every other date the SDK sends.
    if checked.tzinfo is None or checked.utcoffset() is None:
        return checked.replace(tzinfo=dt.UTC)
    return checked


def unit_filter(
    filter: str | None = None,
    *,
    serial_number: str | None = None,
    part_number: str | None = None,
    revision: str | None = None,
    batch_number: str | None = None,
    phase: UnitPhase | int | str | None = None,
    process_code: str | int | None = None,
    current_location: str | None = None,
    serial_date_from: dt.datetime | dt.date | str | None = None,
    serial_date_to: dt.datetime | dt.date | str | None = None,
    has_sub_unit_part_number: str | None = None,
) -> str | None:
    """Build the OData ``$filter`` of a unit query from a raw filter and keyword fields.

    Every condition given must hold (they are joined with ``and``). Text values are
    compared exactly: quoted and escaped with :func:`odata_string`.

    Args:
        filter: a raw OData filter for experts, used as it is (in parentheses).
        serial_number: the serial number equals this.
        part_number: the part number equals this.
        revision: the revision equals this.
        batch_number: the batch number equals this.
        phase: the phase is this (a :class:`UnitPhase`, its number or a name).
        process_code: the current process code is this (sent as text).
        current_location: the current location equals this.
        serial_date_from: the serial date is at or after this (naive = UTC).
        serial_date_to: the serial date is at or before this (naive = UTC).
        has_sub_unit_part_number: some direct sub-unit has this part number.

    Returns:
        The filter, or None when nothing was given.

    Raises:
        WatsInputError: an empty or blank value, a control character in a value, an
            unknown phase, a date that cannot be read, or ``serial_date_from`` after
            ``serial_date_to``.
        TypeError: a value of the wrong type.

    Example:
        >>> unit_filter(serial_number="SN'1", phase="Finalized")
        "serialNumber eq 'SN''1' and unitPhaseId eq 16"

    """
    parts: list[str] = []
    if filter is not None:
        parts.append(f"({_raw(filter)})")
    for name, field, value in (
        ("serial_number", "serialNumber", serial_number),
        ("part_number", "partNumber", part_number),
        ("revision", "revision", revision),
        ("batch_number", "batchNumber", batch_number),
        ("current_location", "currentLocation", current_location),
    ):
        if value is not None:
            parts.append(f"{field} eq {odata_string(require_text(value, name))}")
    if phase is not None:
        parts.append(f"unitPhaseId eq {int(UnitPhase.parse(phase))}")
    if process_code is not None:
        if isinstance(process_code, bool) or not isinstance(process_code, str | int):
            raise TypeError(f"process_code must be str or int, not {type(process_code).__name__}")
        code = str(process_code) if isinstance(process_code, int) else process_code
        parts.append(f"processCode eq {odata_string(require_text(code, 'process_code'))}")
    low = None if serial_date_from is None else _date(serial_date_from, "serial_date_from")
    high = None if serial_date_to is None else _date(serial_date_to, "serial_date_to")
    if low is not None and high is not None and low > high:
        raise WatsInputError(
            f"serial_date_from ({format_datetime(low)}) is after serial_date_to "
            f"({format_datetime(high)})",
            parameter="serial_date_from",
        )
    if low is not None:
        parts.append(f"serialDate ge {format_datetime(low)}")
    if high is not None:
        parts.append(f"serialDate le {format_datetime(high)}")
    if has_sub_unit_part_number is not None:
        sub = odata_string(require_text(has_sub_unit_part_number, "has_sub_unit_part_number"))
        parts.append(f"subUnits/any(s: s/partNumber eq {sub})")
    return " and ".join(parts) if parts else None


def after_key(serial_number: str, part_number: str) -> str:
    """Return the keyset condition "after this unit" in :data:`KEYSET_ORDER`.

    Args:
        serial_number: the last unit's serial number.
        part_number: the last unit's part number.

    Returns:
        The condition, in parentheses.

    Example:
        >>> after_key("SN1", "P")
        "(serialNumber gt 'SN1' or (serialNumber eq 'SN1' and partNumber gt 'P'))"

    """
    sn, pn = odata_string(serial_number), odata_string(part_number)
    return f"(serialNumber gt {sn} or (serialNumber eq {sn} and partNumber gt {pn}))"

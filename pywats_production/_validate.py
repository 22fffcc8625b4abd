"""Checks applied to arguments before any request is sent.

A wrong Python type raises :class:`TypeError`; a value of the right type that the server
would refuse (or that would change the request's meaning) raises
:class:`~pywats_production.errors.WatsInputError` naming the parameter.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Final

from pywats_production.errors import WatsInputError

__all__ = [
    "INT32_MAX",
    "INT32_MIN",
    "format_datetime",
    "optional_bool",
    "optional_text",
    "require_datetime",
    "require_int32",
    "require_quantity",
    "require_text",
    "check_unit",
]

INT32_MIN: Final = -(2**31)
INT32_MAX: Final = 2**31 - 1

# C0 controls and DEL cannot be typed at a station and break URLs, CSV and XML; lone
# surrogates cannot be encoded as UTF-8 at all.
_FORBIDDEN = re.compile(r"[\x00-\x1f\x7f\ud800-\udfff]")
# Free text in a JSON body (xml_data) may hold line breaks and tabs; never lone surrogates.
_FORBIDDEN_FREE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")

MAX_TEXT_CHARS: Final = 4096
"""Longest text argument: percent-encoded, even 4-byte characters keep a URL under the
64 KiB httpx accepts (the server's own limits are not published, see docs/reliability.md)."""


def _type_error(parameter: str, expected: str, value: object) -> TypeError:
    return TypeError(f"{parameter} must be {expected}, not {type(value).__name__}")


def require_text(value: object, parameter: str) -> str:
    """Check a required text argument (serial number, part number, type name ...).

    The value is returned exactly as given: leading and trailing spaces are kept, because
    WATS compares identifiers as they are stored.

    Args:
        value: The argument.
        parameter: Its name, for the error message.

    Returns:
        ``value``.

    Raises:
        TypeError: ``value`` is not a str.
        WatsInputError: It is empty, only whitespace, longer than 4096 characters, or
            holds a control character (C0 or DEL) or a lone surrogate.

    Example:
        >>> require_text("SN-001", "serial_number")
        'SN-001'

    """
    if type(value) is not str:
        if not isinstance(value, str):
            raise _type_error(parameter, "a str", value)
        value = str.__str__(value)  # a str subclass (a str enum, say): take its text
    if not value.strip():
        raise WatsInputError(f"{parameter} must not be empty or blank", parameter=parameter)
    if len(value) > MAX_TEXT_CHARS:
        raise WatsInputError(
            f"{parameter} is {len(value)} characters long; at most {MAX_TEXT_CHARS} are sent",
            parameter=parameter,
        )
    match = _FORBIDDEN.search(value)
    if match is not None:
        raise WatsInputError(
            f"{parameter} contains the control character {match.group()!r} at position "
            f"{match.start()}",
            parameter=parameter,
        )
    return value


def optional_text(value: object, parameter: str) -> str | None:
    """Check an optional text argument.

    ``None`` and the empty string both mean "not given" and return None (the server treats
    a blank optional parameter as absent). Anything else is checked like
    :func:`require_text`.

    Args:
        value: The argument.
        parameter: Its name, for the error message.

    Returns:
        The text, or None.

    Raises:
        TypeError: ``value`` is neither None nor a str.
        WatsInputError: It is only whitespace or holds a control character.

    Example:
        >>> optional_text("", "ref_serial_number") is None
        True

    """
    if value is None or value == "":
        return None
    return require_text(value, parameter)


def require_int32(value: object, parameter: str) -> int:
    """Check an integer argument that the server reads as int32.

    Args:
        value: The argument.
        parameter: Its name, for the error message.

    Returns:
        ``value``.

    Raises:
        TypeError: ``value`` is not an int (bool is refused).
        WatsInputError: It is outside -2**31 .. 2**31-1.

    Example:
        >>> require_int32(42, "change_id")
        42

    """
    if isinstance(value, bool) or not isinstance(value, int):
        raise _type_error(parameter, "an int", value)
    if not INT32_MIN <= value <= INT32_MAX:
        raise WatsInputError(
            f"{parameter} must fit in 32 bits ({INT32_MIN}..{INT32_MAX}), got {value}",
            parameter=parameter,
        )
    return int(value)


def require_quantity(value: object, parameter: str = "quantity") -> int:
    """Check a count argument: an int from 1 to 2**31-1.

    Args:
        value: The argument.
        parameter: Its name, for the error message.

    Returns:
        ``value``.

    Raises:
        TypeError: ``value`` is not an int (bool is refused).
        WatsInputError: It is below 1 or above 2**31-1.

    Example:
        >>> require_quantity(10)
        10

    """
    if isinstance(value, bool) or not isinstance(value, int):
        raise _type_error(parameter, "an int", value)
    if not 1 <= value <= INT32_MAX:
        raise WatsInputError(
            f"{parameter} must be between 1 and {INT32_MAX}, got {value}", parameter=parameter
        )
    return int(value)


def optional_bool(value: object, parameter: str) -> bool | None:
    """Check an optional flag argument.

    Args:
        value: The argument.
        parameter: Its name, for the error message.

    Returns:
        ``value``.

    Raises:
        TypeError: ``value`` is neither None nor a bool (1 and "true" are refused).

    Example:
        >>> optional_bool(True, "only_in_sequence")
        True

    """
    if value is None or isinstance(value, bool):
        return value
    raise _type_error(parameter, "a bool or None", value)


def require_datetime(value: object, parameter: str) -> dt.datetime | None:
    """Check an optional date/time argument.

    Accepts a :class:`datetime.datetime` (returned as it is, naive or aware), a
    :class:`datetime.date` (midnight of that day, naive) or an ISO 8601 string (parsed
    with :meth:`datetime.datetime.fromisoformat`; ``Z`` is accepted).

    Args:
        value: The argument.
        parameter: Its name, for the error message.

    Returns:
        The datetime, or None when ``value`` is None.

    Raises:
        TypeError: ``value`` is of another type.
        WatsInputError: A string that is not an ISO 8601 date/time.

    Example:
        >>> require_datetime("2026-01-02T03:04:05Z", "start_date")
        datetime.datetime(2026, 1, 2, 3, 4, 5, tzinfo=datetime.timezone.utc)

    """
    if value is None or isinstance(value, dt.datetime):
        return value
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day)
    if isinstance(value, str):
        try:
            return dt.datetime.fromisoformat(value.strip())
        except ValueError:
            raise WatsInputError(
                f"{parameter} must be an ISO 8601 date/time, got {value[:40]!r}",
                parameter=parameter,
            ) from None
    raise _type_error(parameter, "a datetime, date, ISO string or None", value)


def format_datetime(value: dt.datetime) -> str:
    """Format a datetime for a query parameter or an upload file: ISO 8601 in UTC with ``Z``.

    A naive datetime is taken to be UTC already (WATS stores these times in UTC, and the
    times it sends back without an offset are UTC); an aware one is converted to UTC.
    Microseconds are kept when not zero.

    Args:
        value: The datetime.

    Returns:
        Text such as ``2026-11-26T05:00:00Z``.

    Raises:
        TypeError: ``value`` is not a datetime.
        WatsInputError: The time falls outside years 1..9999 once converted to UTC.

    Example:
        >>> import datetime as dt
        >>> cet = dt.timezone(dt.timedelta(hours=1))
        >>> format_datetime(dt.datetime(2026, 11, 26, 6, 0, tzinfo=cet))
        '2026-11-26T05:00:00Z'

    """
    if not isinstance(value, dt.datetime):
        raise _type_error("value", "a datetime", value)
    if value.tzinfo is not None and value.utcoffset() is not None:
        try:
            value = value.astimezone(dt.UTC)
        except OverflowError:
            raise WatsInputError(f"{value.isoformat()} is outside the UTC range") from None
    return value.replace(tzinfo=None).isoformat() + "Z"


class _WrongFieldType(WatsInputError, TypeError):
    """A model field of the wrong Python type: bad input (WatsInputError) and a TypeError."""


def _unit_text(value: object, where: str, field: str, free: bool = False) -> None:
    # The field's name is built only for an error: this runs for four fields of each of
    # 10,000 units in a save.
    if value is None or (type(value) is str and value.isascii() and value.isprintable()):
        return  # the common case, one C-speed test
    name = f"{where}.{field}"
    if not isinstance(value, str):
        raise _WrongFieldType(
            f"{name} must be a str or None, not {type(value).__name__}", parameter=name
        )
    if value.isascii() and value.isprintable():
        return  # a str subclass
    match = (_FORBIDDEN_FREE if free else _FORBIDDEN).search(value)
    if match is not None:
        what = (
            "a lone surrogate" if "\ud800" <= match.group() <= "\udfff" else "a control character"
        )
        raise WatsInputError(
            f"{name} contains {what} ({match.group()!r}) at position {match.start()}",
            parameter=name,
        )


def check_unit(unit: object, where: str) -> None:
    """Check the fields of a unit about to be saved (``where`` names it, e.g. ``units[3]``).

    Raises:
        WatsInputError: a field of the wrong kind (bytes, a string ``serial_date``, a bool
            or non-finite ``phase``), a control character or lone surrogate in a text, a
            NaN ``process_code``.

    """
    get = unit.__getattribute__
    for field in ("serial_number", "part_number"):
        value = get(field)
        if not isinstance(value, str):
            raise _WrongFieldType(
                f"{where}.{field} must be a str, not {type(value).__name__}",
                parameter=f"{where}.{field}",
            )
        if (
            not (value.isascii() and value.isprintable() and value.strip())
            or len(value) > MAX_TEXT_CHARS
        ):
            require_text(value, f"{where}.{field}")
    _unit_text(get("revision"), where, "revision")
    _unit_text(get("batch_number"), where, "batch_number")
    _unit_text(get("current_location"), where, "current_location")
    _unit_text(get("xml_data"), where, "xml_data", free=True)
    serial_date = get("serial_date")
    if serial_date is not None and not isinstance(serial_date, dt.datetime):
        raise _WrongFieldType(
            f"{where}.serial_date must be a datetime or None, not {type(serial_date).__name__}",
            parameter=f"{where}.serial_date",
        )
    phase = get("phase")
    if phase is not None and (
        isinstance(phase, bool) or not isinstance(phase, int) or not 0 <= phase <= INT32_MAX
    ):
        raise WatsInputError(
            f"{where}.phase must be a UnitPhase (or its int value), not {phase!r}",
            parameter=f"{where}.phase",
        )
    code = get("process_code")
    if code is not None:
        if isinstance(code, str):
            _unit_text(code, where, "process_code")
        elif (
            isinstance(code, bool)
            or not isinstance(code, int)
            or not INT32_MIN <= code <= INT32_MAX
        ):
            raise WatsInputError(
                f"{where}.process_code must be a str or an int32, not {code!r}",
                parameter=f"{where}.process_code",
            )

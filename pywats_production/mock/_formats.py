"""Strict parsers for the wire formats of values: RFC 3339 date-times, UUIDs, integers."""

from __future__ import annotations

import calendar
import re
from datetime import UTC, datetime, timedelta, timezone

_DATE_TIME = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|([+-])(\d{2}):(\d{2}))"
)
_INTEGER = re.compile(r"[+-]?[0-9]+")
_NUMBER = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?")
_UUID = re.compile(
    r"[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}"
)

INT32_MIN = -(2**31)
INT32_MAX = 2**31 - 1
INT64_MIN = -(2**63)
INT64_MAX = 2**63 - 1


def parse_date_time(text: str) -> datetime | None:
    """Parse an RFC 3339 date-time (the OpenAPI ``date-time`` format).

    Args:
        text: The value as sent.

    Returns:
        An aware datetime, or None when ``text`` is not an RFC 3339 date-time. A leap
        second (``:60``) is accepted and read as ``:59``.

    """
    match = _DATE_TIME.fullmatch(text)
    if match is None:
        return None
    year, month, day, hour, minute, second = (int(match.group(i)) for i in range(1, 7))
    if not 1 <= month <= 12 or not 1 <= day <= calendar.monthrange(year, month)[1]:
        return None
    if hour > 23 or minute > 59 or second > 60:
        return None
    fraction = match.group(7)
    micro = int((fraction[1:] + "000000")[:6]) if fraction else 0
    if match.group(8) in ("Z", "z"):
        tz: timezone = UTC
    else:
        off_h, off_m = int(match.group(10)), int(match.group(11))
        if off_h > 23 or off_m > 59:
            return None
        sign = -1 if match.group(9) == "-" else 1
        tz = timezone(sign * timedelta(hours=off_h, minutes=off_m))
    try:
        return datetime(year, month, day, hour, minute, min(second, 59), micro, tzinfo=tz)
    except (ValueError, OverflowError):
        return None


def format_date_time(value: datetime) -> str:
    """Render a datetime in UTC as RFC 3339 with a ``Z`` (fraction only when non-zero).

    Args:
        value: An aware datetime (a naive one is taken as UTC).

    Returns:
        For example ``2026-11-26T05:00:00Z``.

    """
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    value = value.astimezone(UTC)
    spec = "microseconds" if value.microsecond else "seconds"
    return value.replace(tzinfo=None).isoformat(timespec=spec) + "Z"


def parse_integer(text: str) -> int | None:
    """Parse a decimal integer as a query or path value, or None when it is not one."""
    return int(text) if _INTEGER.fullmatch(text) else None


def parse_number(text: str) -> float | None:
    """Parse a decimal number as a query or path value, or None when it is not one."""
    return float(text) if _NUMBER.fullmatch(text) else None


def is_uuid(text: str) -> bool:
    """Tell whether ``text`` is a UUID in hex form (hyphens optional)."""
    return _UUID.fullmatch(text) is not None

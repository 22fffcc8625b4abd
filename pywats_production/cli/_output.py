"""Output of ``wats-production``: JSON documents, aligned tables, a progress line."""

from __future__ import annotations

import datetime as dt
import enum
import json
import time
from collections.abc import Mapping, Sequence
from typing import TextIO, cast

import attrs

from pywats_production._json import JsonValue

__all__ = ["Progress", "dump_json", "format_table", "to_jsonable"]


def to_jsonable(value: object) -> JsonValue:
    """Turn a model (or a structure of models) into plain JSON values.

    attrs models become objects keyed by their field names (snake_case), enums their
    values (a :class:`~pywats_production.UnitPhase` its integer), datetimes ISO 8601
    text, tuples lists.

    Args:
        value: a model, a sequence or mapping of them, or a plain value.

    Returns:
        The JSON value.

    Raises:
        TypeError: a value with no JSON form.

    Example:
        >>> from pywats_production import UnitChange, UnitPhase
        >>> to_jsonable(UnitChange(id=3, new_phase=UnitPhase.FINALIZED))["new_phase"]
        16

    """
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, enum.Enum):
        raw = value.value
        return raw if isinstance(raw, int | str) else str(raw)
    if isinstance(value, int | float):
        return value
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if attrs.has(type(value)):
        return {
            field.name: to_jsonable(getattr(value, field.name))
            for field in attrs.fields(cast("type[attrs.AttrsInstance]", type(value)))
        }
    if isinstance(value, Mapping):
        return {str(key): to_jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [to_jsonable(item) for item in value]
    raise TypeError(f"no JSON form for {type(value).__name__}")


def dump_json(value: object, out: TextIO) -> None:
    """Write one JSON document (indented, UTF-8 text as is) and a newline.

    Args:
        value: anything :func:`to_jsonable` accepts.
        out: the stream.

    """
    json.dump(to_jsonable(value), out, indent=2, ensure_ascii=False)
    out.write("\n")


def format_table(
    headers: Sequence[str], rows: Sequence[Sequence[object]], *, align: str | None = None
) -> str:
    """Lay out rows under headers.

    Args:
        headers: the column titles.
        rows: the cells (None shows as ``-``).
        align: one character per column, ``<`` (left) or ``>`` (right); by default
            columns of numbers are right-aligned and the others left-aligned.

    Returns:
        The table, lines joined by newlines (no trailing newline).

    Example:
        >>> print(format_table(["step", "n"], [["take", 3], ["save", 12]]))
        step   n
        take   3
        save  12

    """
    cells = [[("-" if c is None else str(c)) for c in row] for row in rows]
    if align is None:
        align = "".join(
            ">"
            if rows
            and all(
                isinstance(row[i], int | float) and not isinstance(row[i], bool) for row in rows
            )
            else "<"
            for i in range(len(headers))
        )
    widths = [max([len(h)] + [len(row[i]) for row in cells]) for i, h in enumerate(headers)]

    def line(values: Sequence[str]) -> str:
        parts = [
            v.rjust(widths[i]) if align[i] == ">" else v.ljust(widths[i])
            for i, v in enumerate(values)
        ]
        return "  ".join(parts).rstrip()

    return "\n".join([line(headers), *(line(row) for row in cells)])


class Progress:
    """A one-line progress display on a terminal; silent on anything else.

    Redraws at most every ``interval`` seconds with a carriage return, and erases itself
    when done, so logs piped to a file never see it.

    Example:
        >>> import io
        >>> p = Progress(io.StringIO())          # not a terminal: prints nothing
        >>> p.update("build boxes", 5, 10); p.done()

    """

    def __init__(self, stream: TextIO, *, enabled: bool | None = None, interval: float = 0.1):
        """Show progress on ``stream`` when it is a terminal (or when ``enabled``)."""
        self._stream = stream
        if enabled is None:
            isatty = getattr(stream, "isatty", None)
            enabled = bool(isatty and isatty())
        self.enabled = enabled
        self._interval = interval
        self._last = 0.0
        self._shown = False

    def update(self, label: str, done: int, total: int) -> None:
        """Show ``label: done/total`` (throttled; the last item always shows)."""
        if not self.enabled:
            return
        now = time.monotonic()
        if done < total and now - self._last < self._interval:
            return
        self._last = now
        self._stream.write(f"\r\x1b[K  {label}: {done}/{total}")
        self._stream.flush()
        self._shown = True

    def done(self) -> None:
        """Erase the progress line."""
        if self._shown:
            self._stream.write("\r\x1b[K")
            self._stream.flush()
            self._shown = False

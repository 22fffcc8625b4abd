"""JSON types and helpers shared by the models and the service layer.

Only the standard library is imported here: this module sits on the import path of every
model and must stay cheap.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import TypeAlias, final

from pywats_production.errors import WatsResponseError

__all__ = ["EMPTY_MAP", "FrozenJsonMap", "JsonObject", "JsonValue", "parse_json"]

JsonValue: TypeAlias = bool | int | float | str | list["JsonValue"] | dict[str, "JsonValue"] | None
"""Any value a JSON document can hold, as :func:`json.loads` returns it."""

JsonObject: TypeAlias = Mapping[str, JsonValue]
"""A JSON object, read-only."""


@final
class FrozenJsonMap(Mapping[str, JsonValue]):
    """A read-only mapping of JSON members (used for the ``extra`` field of models).

    Unlike :class:`types.MappingProxyType` it can be copied, deep-copied and pickled, so
    models that carry it can be too. The values themselves are the plain objects
    :func:`json.loads` produced; they are not frozen.

    Example:
        >>> m = FrozenJsonMap({"a": 1})
        >>> m["a"], len(m), dict(m)
        (1, 1, {'a': 1})

    """

    __slots__ = ("_data",)

    def __init__(self, data: Mapping[str, JsonValue] | None = None) -> None:
        self._data: dict[str, JsonValue] = dict(data) if data else {}

    def __getitem__(self, key: str) -> JsonValue:
        return self._data[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __contains__(self, key: object) -> bool:
        return key in self._data

    def __eq__(self, other: object) -> bool:
        if isinstance(other, FrozenJsonMap):
            return self._data == other._data
        if isinstance(other, Mapping):
            return self._data == dict(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  # values may be unhashable lists/dicts

    def __repr__(self) -> str:
        return f"FrozenJsonMap({self._data!r})"

    def __reduce__(self) -> tuple[type[FrozenJsonMap], tuple[dict[str, JsonValue]]]:
        return (FrozenJsonMap, (self._data,))


EMPTY_MAP = FrozenJsonMap()
"""The shared empty :class:`FrozenJsonMap` (most payloads have no unknown members)."""


def parse_json(body: bytes | str, *, what: str = "response") -> JsonValue:
    """Parse a JSON document, turning every parse failure into :class:`WatsResponseError`.

    Args:
        body: The document (UTF-8, UTF-16 or UTF-32 bytes, or text). A UTF-8 BOM is allowed.
        what: Names the document in the error message.

    Returns:
        The parsed value.

    Raises:
        WatsResponseError: The body is not JSON (the message shows its first characters).

    Example:
        >>> parse_json(b'{"errorCount": 0}')
        {'errorCount': 0}

    """
    try:
        if isinstance(body, bytes) and body.startswith(b"\xef\xbb\xbf"):
            body = body[3:]
        value: JsonValue = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        text = body[:80].decode("utf-8", "replace") if isinstance(body, bytes) else body[:80]
        raise WatsResponseError(
            f"{what} is not valid JSON ({exc}); it starts with {text!r}"
        ) from exc
    except RecursionError:
        raise WatsResponseError(f"{what} is JSON nested too deeply to read") from None
    return value

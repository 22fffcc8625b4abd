"""A compiler from (the JSON Schema subset the spec uses) to plain Python predicates.

``jsonschema`` takes about 0.7 ms to check one Unit; the compiled predicate takes a few
microseconds. The predicate only says valid or not: when it says not, the caller asks
``jsonschema`` (the reference) for the message, and trusts the reference if the two
ever disagree. A keyword outside the supported subset makes :func:`compile_schema`
raise :class:`Unsupported`, so a spec change cannot silently weaken validation.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from typing import cast

from jsonschema import FormatChecker

Predicate = Callable[[object], bool]
_IGNORED = frozenset({"description", "title", "default", "$schema", "definitions"})


class Unsupported(Exception):
    """The schema uses a keyword the compiler does not implement."""


def _is_integer(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


_TYPES: dict[str, Predicate] = {
    "string": lambda v: isinstance(v, str),
    "integer": _is_integer,  # draft 4: 1.0 is not an integer
    "number": _is_number,
    "boolean": lambda v: isinstance(v, bool),
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "null": lambda v: v is None,
}


def _json_equal(a: object, b: object) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    return a == b


class SchemaCompiler:
    """Compiles schemas that refer to ``#/definitions/<name>`` of one definitions table."""

    def __init__(self, definitions: Mapping[str, object], formats: FormatChecker) -> None:
        """Bind the definitions table and the format checker shared with jsonschema."""
        self._definitions = definitions
        self._formats = formats
        self._refs: dict[str, Predicate] = {}

    def _ref(self, ref: str) -> Predicate:
        if not ref.startswith("#/definitions/"):
            raise Unsupported(f"$ref {ref}")
        name = ref.removeprefix("#/definitions/")
        if name not in self._refs:
            holder: list[Predicate] = []
            self._refs[name] = lambda v: holder[0](v)  # recursion (Unit.subUnits) binds late
            holder.append(self.compile(self._definitions[name]))
        return self._refs[name]

    def compile(self, schema: object) -> Predicate:
        """Compile one schema.

        Args:
            schema: A JSON Schema (draft 4) node.

        Returns:
            A predicate telling whether a value is valid.

        Raises:
            Unsupported: A keyword outside the subset.

        """
        if schema is True or schema == {}:
            return lambda v: True
        if schema is False:
            return lambda v: False
        if not isinstance(schema, Mapping):
            raise Unsupported(f"schema node {schema!r}")
        checks: list[Predicate] = []
        for key, value in schema.items():
            if key in _IGNORED:
                continue
            if key == "additionalProperties" and (value is True or value == {}):
                continue
            checks.append(self._keyword(key, value, schema))
        return _all(checks)

    def _keyword(self, key: str, value: object, schema: Mapping[str, object]) -> Predicate:
        if key == "$ref":
            return self._ref(str(value))
        if key == "type":
            names = [value] if isinstance(value, str) else list(cast("Sequence[str]", value))
            return _any([_TYPES[str(n)] for n in names])
        if key == "properties":
            props = {k: self.compile(s) for k, s in cast("Mapping[str, object]", value).items()}
            return _properties(props)
        if key == "additionalProperties":
            known = frozenset(cast("Mapping[str, object]", schema.get("properties", {})))
            return _additional(known, self.compile(value))
        if key == "required":
            return _required(tuple(cast("Sequence[str]", value)))
        if key == "items":
            if not isinstance(value, Mapping):
                raise Unsupported("items as a list")
            return _items(self.compile(value))
        if key in ("anyOf", "allOf", "oneOf"):
            subs = [self.compile(s) for s in cast("Sequence[object]", value)]
            if key == "anyOf":
                return _any(subs)
            return _all(subs) if key == "allOf" else _one(subs)
        if key == "enum":
            return _enum(tuple(cast("Sequence[object]", value)))
        if key == "format":
            return _format(self._formats, str(value))
        if key in ("minimum", "maximum", "minLength", "maxLength", "minItems", "maxItems"):
            return _bound(key, cast("float", value))
        if key == "pattern":
            return _pattern(re.compile(str(value)))
        raise Unsupported(f"keyword {key}")


def _any(preds: Sequence[Predicate]) -> Predicate:
    return lambda v: any(p(v) for p in preds)


def _one(preds: Sequence[Predicate]) -> Predicate:
    return lambda v: sum(1 for p in preds if p(v)) == 1


def _properties(props: Mapping[str, Predicate]) -> Predicate:
    def check(v: object) -> bool:
        return not isinstance(v, dict) or all(k not in v or p(v[k]) for k, p in props.items())

    return check


def _additional(known: frozenset[str], extra: Predicate) -> Predicate:
    def check(v: object) -> bool:
        return not isinstance(v, dict) or all(extra(v[k]) for k in v if k not in known)

    return check


def _required(names: tuple[str, ...]) -> Predicate:
    return lambda v: not isinstance(v, dict) or all(n in v for n in names)


def _items(item: Predicate) -> Predicate:
    return lambda v: not isinstance(v, list) or all(item(x) for x in v)


def _enum(options: tuple[object, ...]) -> Predicate:
    return lambda v: any(_json_equal(v, o) for o in options)


def _format(formats: FormatChecker, name: str) -> Predicate:
    return lambda v: bool(formats.conforms(v, name))


def _pattern(regex: re.Pattern[str]) -> Predicate:
    return lambda v: not isinstance(v, str) or regex.search(v) is not None


def _bound(key: str, limit: float) -> Predicate:
    if key == "minimum":
        return lambda v: not _is_number(v) or cast("float", v) >= limit
    if key == "maximum":
        return lambda v: not _is_number(v) or cast("float", v) <= limit
    sized = str if key.endswith("Length") else list

    def check(v: object) -> bool:
        if not isinstance(v, sized):
            return True
        return len(v) >= limit if key.startswith("min") else len(v) <= limit

    return check


def _all(checks: Sequence[Predicate]) -> Predicate:
    if not checks:
        return lambda v: True
    if len(checks) == 1:
        return checks[0]
    return lambda v: all(c(v) for c in checks)

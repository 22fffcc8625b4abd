"""OData ``$filter`` and ``$orderby`` of the mock's unit query, evaluated on its records.

``$filter`` is parsed by the ``odata-query`` library (its SLY grammar of OData v4 gives an
AST); this module only walks that AST, turning it into one predicate over the store's
unit records. What the 2026.3 unit query is known to filter on (pywats-api 0.6.0rc1,
``async_repository.py``: ``query_units``) is what is supported: the fields
``serialNumber, partNumber, revision, batchNumber, serialDate, currentLocation,
unitPhaseId, processCode``; comparisons (``eq ne lt le gt ge in``), ``and``/``or``/``not``;
``startswith``, ``endswith``, ``contains``, ``tolower``, ``toupper``; and ``any``/``all``
on ``subUnits`` with a lambda over the same fields. Anything else raises
:class:`FilterError`, which the app answers with a 400 naming the construct.

Where the server's behaviour is unknown, this is the project's reading: strings compare
by code point and case-sensitively (a real server's database collation may not);
``null`` compares equal only to a missing value, and an ordering comparison with a
missing value is false, as in SQL.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING

from odata_query import ast
from odata_query.exceptions import ODataException
from odata_query.grammar import ODataLexer, ODataParser

from ._formats import parse_date_time

if TYPE_CHECKING:
    from ._domain import UnitRecord

Value = str | int | float | bool | dt.datetime | None
Getter = Callable[["UnitRecord"], Value]
Predicate = Callable[["UnitRecord"], bool]
Children = Callable[["UnitRecord"], Iterable["UnitRecord"]]

#: Filterable (and sortable) fields: OData name -> how to read it from a record.
FIELDS: dict[str, Getter] = {
    "serialNumber": lambda u: u.serial_number,
    "partNumber": lambda u: u.part_number,
    "revision": lambda u: u.revision,
    "batchNumber": lambda u: u.batch_number,
    "serialDate": lambda u: u.serial_date,
    "currentLocation": lambda u: u.current_location,
    "unitPhaseId": lambda u: u.phase,
    "processCode": lambda u: u.process_code,
}
_KINDS = {
    "serialNumber": "string",
    "partNumber": "string",
    "revision": "string",
    "batchNumber": "string",
    "serialDate": "datetime",
    "currentLocation": "string",
    "unitPhaseId": "integer",
    # A string upstream, an integer elsewhere in WATS: literals of both kinds are read.
    "processCode": "code",
}
_COLLECTION = "subUnits"
MAX_FILTER_LENGTH = 4096


class FilterError(ValueError):
    """A ``$filter`` or ``$orderby`` the mock does not support or cannot parse."""

    def __init__(self, parameter: str, detail: str) -> None:
        super().__init__(detail)
        self.parameter = parameter
        self.detail = detail


# ------------------------------------------------------------------------ $orderby


def parse_orderby(text: str) -> list[tuple[Getter, bool]]:
    """Parse ``field [asc|desc], ...`` into (getter, descending) pairs.

    Raises:
        FilterError: an unknown field, direction or an empty item.

    """
    keys: list[tuple[Getter, bool]] = []
    for item in text.split(","):
        words = item.split()
        if not words or len(words) > 2:
            raise FilterError("$orderby", f"$orderby: {item.strip()!r} is not 'field [asc|desc]'")
        name = words[0]
        if name not in FIELDS:
            raise FilterError(
                "$orderby", f"$orderby: cannot sort on {name!r} (sortable: {', '.join(FIELDS)})"
            )
        direction = words[1].lower() if len(words) == 2 else "asc"
        if direction not in ("asc", "desc"):
            raise FilterError("$orderby", f"$orderby: {words[1]!r} is not asc or desc")
        keys.append((FIELDS[name], direction == "desc"))
    return keys


def sort_records(records: list[UnitRecord], keys: Sequence[tuple[Getter, bool]]) -> None:
    """Sort ``records`` in place by ``keys``; missing values first, as SQL sorts nulls."""
    for getter, descending in reversed(keys):
        records.sort(key=_record_key(getter), reverse=descending)


def _record_key(getter: Getter) -> Callable[[UnitRecord], tuple[bool, Value]]:
    def key(unit: UnitRecord) -> tuple[bool, Value]:
        return _sort_key(getter(unit))

    return key


def _sort_key(value: Value) -> tuple[bool, Value]:
    return (value is not None, value)


# ------------------------------------------------------------------------- $filter


def compile_filter(text: str, children: Children) -> Predicate:
    """Parse an OData ``$filter`` and return a predicate over unit records.

    Args:
        text: the ``$filter`` expression.
        children: returns a record's direct sub-units (for ``subUnits/any``/``all``).

    Returns:
        The predicate.

    Raises:
        FilterError: unparsable, or a construct the mock does not support.

    """
    if len(text) > MAX_FILTER_LENGTH:
        raise FilterError("$filter", f"$filter is longer than {MAX_FILTER_LENGTH} characters")
    try:
        tree = ODataParser().parse(ODataLexer().tokenize(text))
    except ODataException as exc:
        raise FilterError("$filter", f"$filter is not valid OData: {exc}") from None
    except (RecursionError, ValueError, TypeError, IndexError) as exc:
        # The grammar library's own failures on odd input: still the caller's filter.
        raise FilterError("$filter", f"$filter cannot be parsed: {exc}") from None
    if tree is None:
        raise FilterError("$filter", "$filter is empty")
    return _Compiler(children).boolean(tree, None)


class _Compiler:
    def __init__(self, children: Children) -> None:
        self.children = children

    # -- boolean expressions

    def boolean(self, node: ast._Node, variable: str | None) -> Predicate:
        if isinstance(node, ast.BoolOp):
            left = self.boolean(node.left, variable)
            right = self.boolean(node.right, variable)
            if isinstance(node.op, ast.And):
                return lambda u: left(u) and right(u)
            return lambda u: left(u) or right(u)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            inner = self.boolean(node.operand, variable)
            return lambda u: not inner(u)
        if isinstance(node, ast.Compare):
            return self.compare(node, variable)
        if isinstance(node, ast.Call):
            return self.call(node, variable)
        if isinstance(node, ast.CollectionLambda):
            return self.collection(node, variable)
        if isinstance(node, ast.Boolean):
            truth = node.val.lower() == "true"
            return lambda u: truth
        raise FilterError("$filter", f"$filter: {_describe(node)} is not a condition")

    def compare(self, node: ast.Compare, variable: str | None) -> Predicate:
        getter: Getter
        if isinstance(node.left, ast.Call) and node.left.func.name in ("tolower", "toupper"):
            getter = self.text(node.left, variable)
            name, kind = f"{node.left.func.name}()", "string"
        else:
            name, getter = self.field(node.left, variable)
            kind = _KINDS[name]
        op = node.comparator
        if isinstance(op, ast.In):
            if not isinstance(node.right, ast.List):
                raise FilterError("$filter", f"$filter: 'in' needs a list after {name}")
            values = {self.literal(item, name, kind) for item in node.right.val}
            return lambda u: _norm(getter(u), kind) in values
        value = self.literal(node.right, name, kind)
        if isinstance(op, ast.Eq):
            return lambda u: _norm(getter(u), kind) == value
        if isinstance(op, ast.NotEq):
            return lambda u: _norm(getter(u), kind) != value
        if value is None:
            raise FilterError(
                "$filter", f"$filter: null can only be compared with eq or ne ({name})"
            )
        ordering: dict[type, Callable[[object, object], bool]] = {
            ast.Lt: lambda a, b: a < b,  # type: ignore[operator]
            ast.LtE: lambda a, b: a <= b,  # type: ignore[operator]
            ast.Gt: lambda a, b: a > b,  # type: ignore[operator]
            ast.GtE: lambda a, b: a >= b,  # type: ignore[operator]
        }
        test = ordering.get(type(op))
        if test is None:
            raise FilterError("$filter", f"$filter: operator {_describe(op)} is not supported")

        def ordered(u: UnitRecord) -> bool:
            current = _norm(getter(u), kind)
            return current is not None and test(current, value)

        return ordered

    def call(self, node: ast.Call, variable: str | None) -> Predicate:
        function = node.func.name
        if function not in ("startswith", "endswith", "contains"):
            raise FilterError(
                "$filter",
                f"$filter: function {function}() is not supported here "
                "(supported: startswith, endswith, contains, tolower, toupper)",
            )
        if len(node.args) != 2:
            raise FilterError("$filter", f"$filter: {function}() takes two arguments")
        text = self.text(node.args[0], variable)
        needle = node.args[1]
        if not isinstance(needle, ast.String):
            raise FilterError("$filter", f"$filter: the second argument of {function}() is text")
        wanted = needle.val
        if function == "startswith":
            return lambda u: (t := text(u)) is not None and t.startswith(wanted)
        if function == "endswith":
            return lambda u: (t := text(u)) is not None and t.endswith(wanted)
        return lambda u: (t := text(u)) is not None and wanted in t

    def text(self, node: ast._Node, variable: str | None) -> Callable[[UnitRecord], str | None]:
        if isinstance(node, ast.Call) and node.func.name in ("tolower", "toupper"):
            if len(node.args) != 1:
                raise FilterError("$filter", f"$filter: {node.func.name}() takes one argument")
            inner = self.text(node.args[0], variable)
            upper = node.func.name == "toupper"

            def cased(u: UnitRecord) -> str | None:
                t = inner(u)
                return None if t is None else (t.upper() if upper else t.lower())

            return cased
        name, getter = self.field(node, variable)
        if _KINDS[name] not in ("string", "code"):
            raise FilterError("$filter", f"$filter: {name} is not text")
        return lambda u: None if (v := getter(u)) is None else str(v)

    def collection(self, node: ast.CollectionLambda, variable: str | None) -> Predicate:
        owner = node.owner
        if not (isinstance(owner, ast.Identifier) and owner.name == _COLLECTION):
            raise FilterError(
                "$filter",
                f"$filter: any()/all() work on {_COLLECTION} only, not {_describe(owner)}",
            )
        if variable is not None:
            raise FilterError("$filter", "$filter: nested any()/all() are not supported")
        children = self.children
        if node.lambda_ is None:
            if isinstance(node.operator, ast.Any):
                return lambda u: any(True for _ in children(u))
            raise FilterError("$filter", "$filter: all() needs a condition")
        name = node.lambda_.identifier.name
        inner = self.boolean(node.lambda_.expression, name)
        if isinstance(node.operator, ast.Any):
            return lambda u: any(inner(c) for c in children(u))
        return lambda u: all(inner(c) for c in children(u))

    # -- operands

    def field(self, node: ast._Node, variable: str | None) -> tuple[str, Getter]:
        if isinstance(node, ast.Attribute):
            owner = node.owner
            if variable is None or not isinstance(owner, ast.Identifier) or owner.name != variable:
                raise FilterError("$filter", f"$filter: {_describe(node)} is not a field")
            name = node.attr
        elif isinstance(node, ast.Identifier) and not node.namespace:
            if variable is not None:
                raise FilterError(
                    "$filter", f"$filter: inside the lambda, write {variable}/{node.name}"
                )
            name = node.name
        else:
            raise FilterError("$filter", f"$filter: {_describe(node)} is not a field")
        getter = FIELDS.get(name)
        if getter is None:
            raise FilterError(
                "$filter", f"$filter: cannot filter on {name!r} (filterable: {', '.join(FIELDS)})"
            )
        return name, getter

    def literal(self, node: ast._Node, name: str, kind: str) -> Value:
        if isinstance(node, ast.Null):
            return None
        if kind in ("string", "code") and isinstance(node, ast.String):
            return node.val
        if kind in ("integer", "code") and isinstance(node, ast.Integer):
            number = int(node.val)
            return str(number) if kind == "code" else number
        if kind == "datetime" and isinstance(node, ast.DateTime):
            parsed = parse_date_time(node.val)
            if parsed is not None:
                return parsed
        if kind == "datetime" and isinstance(node, ast.Date):
            return dt.datetime.fromisoformat(node.val).replace(tzinfo=dt.UTC)
        raise FilterError("$filter", f"$filter: {name} cannot be compared with {_describe(node)}")


def _norm(value: Value, kind: str) -> Value:
    if kind == "datetime" and isinstance(value, dt.datetime) and value.tzinfo is None:
        return value.replace(tzinfo=dt.UTC)
    return value


def _describe(node: object) -> str:
    if isinstance(node, ast.String):
        return f"the text {node.val!r}"
    if isinstance(node, ast._Literal):
        value = getattr(node, "val", None)
        kind = type(node).__name__.lower()
        return f"the {kind} {value}" if value is not None else f"a {kind}"
    if isinstance(node, ast.Identifier):
        return repr(node.name)
    return type(node).__name__

"""Property tests of the 2026.3 unit operations: escaping, lifecycle, paging completeness."""

from __future__ import annotations

import functools

import pytest
from hypothesis import given
from hypothesis import settings as Settings
from hypothesis import strategies as st
from odata_query import ast
from odata_query.grammar import ODataLexer, ODataParser
from propquery import UnitQueryMachine
from proptarget import MOCK_VARIANTS, mock_target, run_machine, timed

import pywats_production as wp
from pywats_production.query import unit_filter

# Text a station could type: anything printable, quotes and OData syntax included.
TEXT = st.text(
    alphabet=st.characters(blacklist_categories=["Cc", "Cs"]), min_size=1, max_size=20
).filter(lambda s: s.strip() != "")
HOSTILE = st.sampled_from(
    ["'", "''", "x' or 'a' eq 'a", "a') or (1 eq 1", "' or serialNumber ne '", "O'Brien", "é/#?%"]
)
SERIAL = st.one_of(HOSTILE, TEXT)


def _parse(text: str) -> ast._Node:
    return ODataParser().parse(ODataLexer().tokenize(text))


def _conjuncts(node: ast._Node) -> list[ast._Node]:
    if isinstance(node, ast.BoolOp) and isinstance(node.op, ast.And):
        return _conjuncts(node.left) + _conjuncts(node.right)
    return [node]


@pytest.mark.parametrize("error_style", [p.values[0] for p in MOCK_VARIANTS])
def test_unit_lifecycle_and_query(profile: Settings, error_style: str) -> None:
    """create/update/delete/change/tag keep the lifecycle invariants, and query sees it.

    Invariants, after every step, against the model the machine keeps: a query of every
    unit returns exactly the model's keys with their revision, location, tags and parent;
    a query by each serial number (quotes and OData words inside) returns exactly the
    units with that serial; keyset iteration in pages of 2 yields every unit once, in key
    order. Refusals: an existing key is not created twice (UnitExistsError), a parent is
    refused before anything is sent, a unit with children is not deleted
    (UnitHasChildrenError), update never changes a part number (PartNumberImmutableError),
    change never moves a unit onto another (UnitExistsError); a refused step changes
    nothing. Run on every error style of the mock: with ``text`` and ``webapi`` the SDK
    tells the refusals apart from the message alone (no code).
    """
    # Each step asks the server several queries: a ninth of the profile's examples per
    # style keeps this machine within the time of the other machines.
    examples = max(5, (profile.max_examples or 30) // 9)
    run_machine(
        UnitQueryMachine,
        functools.partial(mock_target, error_style=error_style),
        Settings(profile, max_examples=examples),
        label=f"UnitQueryMachine[mock {error_style}]",
    )


@given(serial=SERIAL, part=SERIAL, raw=st.sampled_from([None, "unitPhaseId eq 16"]))
def test_filter_values_are_literals_that_keep_the_filter_meaning(
    serial: str, part: str, raw: str | None
) -> None:
    """Every keyword value is one OData string literal equal to the value given.

    Invariant: the built filter parses (with the odata-query grammar) into an ``and`` of
    exactly the conditions asked for: ``serialNumber eq <serial>`` and
    ``partNumber eq <part>``, each right side a String whose value is the text given,
    whatever quotes or OData words it holds; no ``or``, ``not`` or other field appears.
    """
    text = unit_filter(raw, serial_number=serial, part_number=part)
    assert text is not None
    parts = _conjuncts(_parse(text))
    expected = [
        ast.Compare(ast.Eq(), ast.Identifier("serialNumber"), ast.String(serial)),
        ast.Compare(ast.Eq(), ast.Identifier("partNumber"), ast.String(part)),
    ]
    if raw is not None:
        expected.insert(0, _parse(raw))
    assert parts == expected


@given(serial=SERIAL)
def test_sub_unit_filter_keeps_its_literal(serial: str) -> None:
    """``has_sub_unit_part_number`` is one any() whose condition compares the exact text.

    Invariant: the filter parses into ``subUnits/any(s: s/partNumber eq <value>)`` with
    the value given, quotes and all.
    """
    node = _parse(unit_filter(has_sub_unit_part_number=serial) or "")
    assert isinstance(node, ast.CollectionLambda)
    assert isinstance(node.operator, ast.Any)
    assert node.lambda_ is not None
    assert node.lambda_.expression == ast.Compare(
        ast.Eq(), ast.Attribute(ast.Identifier("s"), "partNumber"), ast.String(serial)
    )


@given(serials=st.lists(SERIAL, min_size=1, max_size=6, unique=True), probe=SERIAL)
def test_a_serial_with_quotes_matches_exactly_on_the_mock(serials: list[str], probe: str) -> None:
    """query_units(serial_number=s) returns exactly the units whose serial is s.

    Invariant: with units saved under hostile serial numbers (quotes, OData keywords,
    parentheses) and under a second part number for the first of them, a query by any
    serial returns exactly the saved units with that serial, and a query by a serial
    that was never saved returns nothing: no value widens or breaks the filter.
    """
    target = mock_target()
    try:
        sdk = target.service
        units = [wp.Unit(serial_number=s, part_number="PCB", revision="A") for s in serials]
        units.append(wp.Unit(serial_number=serials[0], part_number="BOX", revision="A"))
        sdk.save_units(units)
        for serial in [*serials, probe]:
            found = sorted(
                (u.serial_number, u.part_number) for u in sdk.query_units(serial_number=serial)
            )
            expected = sorted(
                (u.serial_number, u.part_number) for u in units if u.serial_number == serial
            )
            assert found == expected, serial
        assert target.violations() == []
    finally:
        target.close()


KEYS = st.tuples(st.text(alphabet="ab'", min_size=1, max_size=3), st.sampled_from(["P", "Q"]))


@given(
    initial=st.lists(KEYS, unique=True, max_size=25),
    inserts=st.lists(st.tuples(st.integers(0, 30), KEYS), max_size=15),
    page_size=st.integers(1, 6),
)
def test_paging_is_complete_under_concurrent_inserts(
    initial: list[tuple[str, str]],
    inserts: list[tuple[int, tuple[str, str]]],
    page_size: int,
) -> None:
    """iter_units yields every unit once, in key order, while units are being added.

    Invariants, with new units created between the units the iteration hands out:
    (1) no unit is yielded twice and the keys come in strictly increasing order;
    (2) every unit that existed before the iteration began is yielded exactly once;
    (3) a unit added at a page boundary (after a multiple of page_size units) with a key
    after the last one yielded is yielded (the next page is read after it was added);
    (4) a unit added with a key below the last one already yielded is not (it sorts
    before the cursor); (5) everything yielded exists.
    """
    with timed("iter_units under inserts [mock]") as tally:
        tally.examples += 1
        target = mock_target()
        try:
            sdk = target.service
            sdk.save_units([wp.Unit(serial_number=s, part_number=p) for s, p in initial])
            existing = set(initial)
            plan: dict[int, list[tuple[str, str]]] = {}
            for position, key in inserts:
                plan.setdefault(position, []).append(key)
            must: set[tuple[str, str]] = set()
            must_not: set[tuple[str, str]] = set()
            yielded: list[tuple[str, str]] = []
            for unit in sdk.iter_units(page_size=page_size):
                yielded.append((unit.serial_number, unit.part_number))
                at_page_end = len(yielded) % page_size == 0
                for key in plan.pop(len(yielded), []):
                    if key in existing:
                        continue
                    if at_page_end and key > yielded[-1]:
                        must.add(key)  # the next page is asked for after this insert
                    if key < yielded[-1]:
                        must_not.add(key)
                    sdk.create_unit(wp.Unit(serial_number=key[0], part_number=key[1], revision="A"))
                    existing.add(key)
            assert len(yielded) == len(set(yielded))
            assert yielded == sorted(yielded)
            assert set(initial) <= set(yielded)
            assert must <= set(yielded), must - set(yielded)
            assert not (must_not & set(yielded)), must_not & set(yielded)
            assert set(yielded) <= existing
            assert target.violations() == []
        finally:
            target.close()

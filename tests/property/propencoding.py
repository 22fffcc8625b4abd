"""Encoding: any text as a serial or part number survives the trip; bad text never leaves.

Two properties, each a plain ``@given`` test built by a function here so that the
planted-bug tests can run the very same property with their own settings:

- :func:`round_trip_property` (tag ``encoding.round-trip``): units whose serial and
  part numbers are any text the SDK accepts (``/ # ? % ..``, spaces, ``%2F``, non-ASCII,
  C1 controls such as NEL, emoji) are saved, then read back through the path
  (GET Unit), changed through query parameters (SetUnitPhase, AddChildUnit,
  CheckChildUnits) and used as Take references (ByReference): every read returns that
  unit and no other, every reference finds its number.
- :func:`refusal_property` (tag ``encoding.refused``): text the SDK refuses (empty,
  whitespace only, a C0 control or DEL, a lone surrogate) raises WatsInputError in
  every method that takes it, and no request reaches the server (counted at the mock).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from hypothesis import event, given
from hypothesis import strategies as st
from proptarget import Tally, Target

import pywats_production as wp

C0_AND_DEL = "".join(chr(i) for i in range(32)) + "\x7f"
#: Pieces that break naive path or query encoders, or that normalisers eat.
SPECIAL = [
    "/",
    "#",
    "?",
    "%",
    "..",
    ".",
    " ",
    "%2F",
    "%2e",
    "&",
    "=",
    "+",
    ";",
    "\\",
    "~",
    "'",
    '"',
    "<",
    ">",
    "ü",
    "日本",
    "😀",
    "\x85",
    "\u2028",
    "\xa0",
    "\ufeff",
    "a/../b",
    "%00",
]

ACCEPTED = st.one_of(
    st.text(
        alphabet=st.characters(codec="utf-8", exclude_characters=C0_AND_DEL),
        min_size=1,
        max_size=24,
    ),
    st.lists(
        st.sampled_from(SPECIAL) | st.text(alphabet="aZ09-_", min_size=1, max_size=3),
        min_size=1,
        max_size=6,
    ).map("".join),
).filter(lambda text: text.strip() != "")

_WHITESPACE = " \t\n\r\x0b\x0c\x1c\x85\xa0\u1680\u2000\u2028\u2029\u3000"
_OK = st.text(alphabet="aZ9/ #%", max_size=3)
#: Optional arguments take "" as "not given" (then a request is sent): refused only when
#: blank or holding a forbidden character.
REFUSED_OPTIONAL = st.one_of(
    st.text(alphabet=_WHITESPACE, min_size=1, max_size=4),
    st.tuples(_OK, st.sampled_from(C0_AND_DEL) | st.characters(categories=["Cs"]), _OK).map(
        "".join
    ),
)
REFUSED = st.just("") | REFUSED_OPTIONAL


def _unit(serial: str, part: str, **fields: Any) -> wp.Unit:
    return wp.Unit(serial_number=serial, part_number=part, **fields)


def round_trip_property(
    factory: Callable[[], Target], tally: Tally | None = None
) -> Callable[[], None]:
    """The round-trip property against targets made by ``factory`` (fresh per example)."""

    @given(
        serials=st.lists(ACCEPTED, min_size=1, max_size=4, unique=True),
        part=ACCEPTED,
    )
    def round_trip(serials: list[str], part: str) -> None:
        target = factory()
        try:
            _round_trip(target, serials, part)
        except wp.WatsError as exc:
            raise AssertionError(f"[encoding.round-trip] {serials!r} / {part!r}: {exc!r}") from exc
        finally:
            if tally is not None:
                tally.examples += 1
                tally.steps += target.requests()
            target.close()

    return round_trip


def _round_trip(target: Target, serials: list[str], part: str) -> None:
    sdk = target.service
    names = [target.name(s) for s in serials]
    pn = target.name(part)
    units = [
        _unit(
            sn,
            pn,
            batch_number=sn,
            current_location=f"loc {i}",
            revision="A",
            phase=wp.UnitPhase.FINALIZED,
        )
        for i, sn in enumerate(names)
    ]
    result = sdk.save_units(units)
    assert result.error_count == 0, f"[encoding.round-trip] save of {names!r}: {result}"
    for i, sn in enumerate(names):
        got = sdk.get_unit(sn, pn)
        assert (got.serial_number, got.part_number, got.batch_number, got.current_location) == (
            sn,
            pn,
            sn,
            f"loc {i}",
        ), f"[encoding.round-trip] GET {sn!r} / {pn!r} returned {got}"
    # Query parameters: a phase, a box link checked against the part number itself.
    sdk.set_unit_phase(names[0], pn, 2)
    assert int(sdk.get_unit(names[0], pn).phase or 0) == 2, "[encoding.round-trip] phase"
    if len(names) > 1:
        sdk.add_child_unit(names[0], pn, names[1], pn, check_part_number=pn)
        child = sdk.get_unit(names[1], pn)
        assert child.parent_serial_number == names[0], f"[encoding.round-trip] parent of {child}"
        check = sdk.check_child_units(names[0], pn)
        listed = [(c.serial_number, c.part_number) for c in check.children]
        assert listed == [(names[1], pn)], f"[encoding.round-trip] children {listed}"
        event("encoding: linked")
    # References: a Take recorded with the text is found by it.
    serial_type = target.serial_type or ("SerialNumber" if target.admin is not None else None)
    if serial_type is not None:
        taken = sdk.take_serial_numbers(
            serial_type, 1, ref_serial_number=names[-1], ref_part_number=pn
        )
        found = sdk.get_serial_numbers_by_reference(
            serial_type, ref_serial_number=names[-1], ref_part_number=pn
        )
        assert [r.serial_number for r in found] == taken, (
            f"[encoding.round-trip] ByReference({names[-1]!r}, {pn!r}) found {found}, took {taken}"
        )


# ------------------------------------------------------------------------- refusals

_S, _P = "SN-1", "PN-1"
#: Every public method taking text, with the bad text in each text argument in turn.
REQUIRED: dict[str, Callable[[wp.ProductionService, str], object]] = {
    "get_unit(serial)": lambda s, bad: s.get_unit(bad, _P),
    "get_unit(part)": lambda s, bad: s.get_unit(_S, bad),
    "save_units(serial)": lambda s, bad: s.save_units([_unit(bad, _P)]),
    "save_units(part, last of 3 chunks)": lambda s, bad: s.save_units(
        [_unit(_S, _P), _unit("SN-2", _P), _unit("SN-3", bad)], chunk_size=1
    ),
    "set_unit_phase(serial)": lambda s, bad: s.set_unit_phase(bad, _P, 16),
    "set_unit_phase(part)": lambda s, bad: s.set_unit_phase(_S, bad, 16),
    "set_unit_process(process)": lambda s, bad: s.set_unit_process(_S, _P, bad),
    "verify_unit(serial)": lambda s, bad: s.verify_unit(bad),
    "add_child_unit(parent serial)": lambda s, bad: s.add_child_unit(bad, _P, "C", _P),
    "add_child_unit(child part)": lambda s, bad: s.add_child_unit(_S, _P, "C", bad),
    "remove_child_unit(child serial)": lambda s, bad: s.remove_child_unit(_S, _P, bad, _P),
    "check_child_units(parent part)": lambda s, bad: s.check_child_units(_S, bad),
    "take_serial_numbers(type)": lambda s, bad: s.take_serial_numbers(bad, 1),
    "get_serial_numbers_by_range(start)": lambda s, bad: s.get_serial_numbers_by_range(
        "SerialNumber", bad, "SN00000002"
    ),
    "get_serial_numbers_by_reference(type)": lambda s, bad: s.get_serial_numbers_by_reference(
        bad, ref_serial_number="R"
    ),
    "export_serial_numbers(type)": lambda s, bad: s.export_serial_numbers(bad),
    "upload_serial_numbers(type)": lambda s, bad: s.upload_serial_numbers(
        bad, b"SerialNumber\nX\n"
    ),
}
OPTIONAL: dict[str, Callable[[wp.ProductionService, str], object]] = {
    "verify_unit(part)": lambda s, bad: s.verify_unit(_S, bad),
    "add_child_unit(check part)": lambda s, bad: s.add_child_unit(
        _S, _P, "C", _P, check_part_number=bad
    ),
    "take_serial_numbers(ref serial)": lambda s, bad: s.take_serial_numbers(
        "SerialNumber", 1, ref_serial_number=bad
    ),
    "take_serial_numbers(station)": lambda s, bad: s.take_serial_numbers(
        "SerialNumber", 1, station_name=bad
    ),
    "get_serial_numbers_by_reference(ref part)": lambda s, bad: s.get_serial_numbers_by_reference(
        "SerialNumber", ref_part_number=bad
    ),
}


def refusal_property(target: Target, tally: Tally | None = None) -> Callable[[], None]:
    """The refusal property against one target (nothing may reach it, ever)."""

    @given(
        data=st.data(),
        operation=st.sampled_from(sorted(REQUIRED) + sorted(OPTIONAL)),
    )
    def refused(data: st.DataObject, operation: str) -> None:
        if tally is not None:
            tally.examples += 1
        optional = operation in OPTIONAL
        bad = data.draw(REFUSED_OPTIONAL if optional else REFUSED, label="bad")
        call = OPTIONAL[operation] if optional else REQUIRED[operation]
        before = target.requests()
        outcome: object = "no error"
        try:
            call(target.service, bad)
        except wp.WatsInputError:
            outcome = None
        except wp.WatsError as exc:  # sent, and refused by the server instead
            outcome = exc
        sent = target.requests() - before
        assert outcome is None and sent == 0, (
            f"[encoding.refused] {operation} with {bad!r}: {outcome!r}, {sent} request(s) sent"
        )

    return refused

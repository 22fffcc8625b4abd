from __future__ import annotations

import pickle

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pywats_production.errors import InvalidPhaseError, WatsError, WatsInputError
from pywats_production.phase import INT32_MAX, UnitPhase

EXPECTED_VALUES = {
    "UNKNOWN": 1,
    "UNDER_PRODUCTION": 2,
    "PRODUCTION_REPAIR": 4,
    "SERVICE_REPAIR": 8,
    "FINALIZED": 16,
    "SCRAPPED": 32,
    "EXTENDED_TEST": 64,
    "CUSTOMIZATION": 128,
    "REPAIRED": 256,
    "MISSING": 512,
    "IN_STORAGE": 1024,
    "SHIPPED": 2048,
    "QUEUED": 4096,
    "IN_PRODUCTION_QUEUE": 4098,
    "WAITING_FOR_PRODUCTION_REPAIR": 4100,
    "WAITING_FOR_SERVICE_REPAIR": 4104,
}


def test_member_values_match_the_domain():
    assert {name: int(m) for name, m in UnitPhase.__members__.items()} == EXPECTED_VALUES


def test_queue_phases_are_queue_bit_plus_base_phase():
    assert UnitPhase.IN_PRODUCTION_QUEUE == UnitPhase.QUEUED | UnitPhase.UNDER_PRODUCTION
    assert UnitPhase.WAITING_FOR_PRODUCTION_REPAIR == UnitPhase.QUEUED | UnitPhase.PRODUCTION_REPAIR
    assert UnitPhase.WAITING_FOR_SERVICE_REPAIR == UnitPhase.QUEUED | UnitPhase.SERVICE_REPAIR
    assert UnitPhase(4098) is UnitPhase.IN_PRODUCTION_QUEUE


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Under production", UnitPhase.UNDER_PRODUCTION),
        ("under_production", UnitPhase.UNDER_PRODUCTION),
        ("UNDER-PRODUCTION", UnitPhase.UNDER_PRODUCTION),
        ("UnderProduction", UnitPhase.UNDER_PRODUCTION),
        ("  under production  ", UnitPhase.UNDER_PRODUCTION),
        ("FINALIZED", UnitPhase.FINALIZED),
        ("finalized", UnitPhase.FINALIZED),
        ("In production queue", UnitPhase.IN_PRODUCTION_QUEUE),
        ("IN_PRODUCTION_QUEUE", UnitPhase.IN_PRODUCTION_QUEUE),
        ("RMA", UnitPhase.SERVICE_REPAIR),
        ("rma", UnitPhase.SERVICE_REPAIR),
        ("Service repair", UnitPhase.SERVICE_REPAIR),
        ("In storage", UnitPhase.IN_STORAGE),
        ("InStorage", UnitPhase.IN_STORAGE),
        ("in store", UnitPhase.IN_STORAGE),
        ("Waiting for service repair", UnitPhase.WAITING_FOR_SERVICE_REPAIR),
        ("Waiting for production repair", UnitPhase.WAITING_FOR_PRODUCTION_REPAIR),
        ("Extended test", UnitPhase.EXTENDED_TEST),
        ("Queued", UnitPhase.QUEUED),
        ("16", UnitPhase.FINALIZED),
        (" 4098 ", UnitPhase.IN_PRODUCTION_QUEUE),
        ("Unit is in storage", UnitPhase.IN_STORAGE),
    ],
)
def test_parse_accepts_common_spellings(text, expected):
    assert UnitPhase.parse(text) is expected


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Unknown unit phase", 1),
        ("Unit is under production", 2),
        ("Unit is being repaired", 4),
        ("Unit is being repaired for service (RMA)", 8),
        ("Unit is finalized", 16),
        ("Unit is scrapped", 32),
        ("Unit is under extended test", 64),
        ("Unit is under customization", 128),
        ("Unit has been repaired", 256),
        ("Unit is marked as missing", 512),
        ("Unit is in store (warehouse)", 1024),
        ("Unit is shipped (out of factory)", 2048),
        ("Unit is under production in a queue", 4098),
        ("Unit is waiting for production repair", 4100),
        ("Unit is waiting for service repair (RMA)", 4104),
    ],
)
def test_parse_accepts_the_server_descriptions(text, value):
    assert int(UnitPhase.parse(text)) == value


def test_parse_of_member_and_int():
    assert UnitPhase.parse(UnitPhase.SCRAPPED) is UnitPhase.SCRAPPED
    assert UnitPhase.parse(32) is UnitPhase.SCRAPPED
    assert UnitPhase.parse(0) == 0


def test_parse_combines_names_and_numbers():
    assert int(UnitPhase.parse("FINALIZED|8192")) == 16 | 8192
    assert int(UnitPhase.parse("Finalized + Shipped")) == 16 | 2048
    assert UnitPhase.parse("UNDER_PRODUCTION|QUEUED") is UnitPhase.IN_PRODUCTION_QUEUE


@pytest.mark.parametrize("value", [-1, -(2**31), INT32_MAX + 1, 2**40])
def test_parse_refuses_out_of_range_ints(value):
    with pytest.raises(InvalidPhaseError) as info:
        UnitPhase.parse(value)
    assert info.value.parameter == "phase"
    assert str(value) in str(info.value)


@pytest.mark.parametrize("text", ["-1", "2147483648", "Finalized|2147483648"])
def test_parse_refuses_out_of_range_numeric_text(text):
    with pytest.raises(InvalidPhaseError):
        UnitPhase.parse(text)


@pytest.mark.parametrize("text", ["Done", "", "   ", "|", "finalised-ish", "Unit is happy"])
def test_parse_refuses_unknown_names_and_lists_valid_ones(text):
    with pytest.raises(InvalidPhaseError) as info:
        UnitPhase.parse(text)
    error = info.value
    assert isinstance(error, WatsInputError)
    assert isinstance(error, ValueError)
    assert isinstance(error, WatsError)
    if text.strip() and text != "|":
        assert "FINALIZED (16)" in str(error)
        assert "UNDER_PRODUCTION (2)" in str(error)


@pytest.mark.parametrize("value", [True, False, 16.0, None, b"16", [16]])
def test_parse_refuses_wrong_types_with_type_error(value):
    with pytest.raises(TypeError):
        UnitPhase.parse(value)


def test_unknown_bits_survive():
    phase = UnitPhase(8192)
    assert int(phase) == 8192
    combined = UnitPhase(16 | 1 << 20)
    assert int(combined) == 16 | 1 << 20
    assert UnitPhase.FINALIZED in combined
    assert combined.flags() == (UnitPhase.FINALIZED, UnitPhase(1 << 20))


def test_str_and_format_give_the_integer_for_query_strings():
    assert str(UnitPhase.FINALIZED) == "16"
    assert f"{UnitPhase.IN_PRODUCTION_QUEUE}" == "4098"


@pytest.mark.parametrize(
    ("phase", "label"),
    [
        (UnitPhase.UNDER_PRODUCTION, "Under production"),
        (UnitPhase.SERVICE_REPAIR, "Service repair"),
        (UnitPhase.IN_STORAGE, "In storage"),
        (UnitPhase.IN_PRODUCTION_QUEUE, "In production queue"),
        (UnitPhase(0), "No phase"),
        (UnitPhase(8192), "Flag 8192"),
        (UnitPhase(16 | 2048), "Finalized | Shipped"),
        (UnitPhase(4098 | 16), "In production queue | Finalized"),
    ],
)
def test_label(phase, label):
    assert phase.label == label


def test_flags_of_queue_phase():
    assert UnitPhase.WAITING_FOR_SERVICE_REPAIR.flags() == (
        UnitPhase.SERVICE_REPAIR,
        UnitPhase.QUEUED,
    )
    assert UnitPhase(0).flags() == ()


def test_pickle_round_trip_keeps_unknown_bits():
    phase = UnitPhase(16 | 8192)
    assert int(pickle.loads(pickle.dumps(phase))) == 16 | 8192


@given(st.integers(min_value=0, max_value=INT32_MAX))
def test_any_int32_survives_every_route(value):
    phase = UnitPhase(value)
    assert int(phase) == value
    assert UnitPhase.parse(value) == value
    assert UnitPhase.parse(str(value)) == value
    assert UnitPhase.parse(phase.label) == value
    flags = phase.flags()
    assert all(int(f).bit_count() == 1 for f in flags)
    total = 0
    for flag in flags:
        total |= int(flag)
    assert total == value


@given(st.sampled_from(list(UnitPhase.__members__.values())))
def test_every_member_parses_from_its_name_and_label(member):
    assert UnitPhase.parse(member.name) is member
    assert UnitPhase.parse(member.name.lower().replace("_", " ")) is member
    assert UnitPhase.parse(member.label) is member

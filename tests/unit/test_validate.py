from __future__ import annotations

import datetime as dt
import enum

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pywats_production._validate import (
    INT32_MAX,
    INT32_MIN,
    format_datetime,
    optional_bool,
    optional_text,
    require_datetime,
    require_int32,
    require_quantity,
    require_text,
)
from pywats_production.errors import WatsInputError


class _Fmt(str, enum.Enum):  # noqa: UP042  # a plain (str, Enum): str() gives "_Fmt.XML"
    XML = "XML"


@pytest.mark.parametrize("value", ["SN1", " SN 1 ", "ÆØÅ-ü-漢字", "a/b#c?d", "x" * 1000])
def test_require_text_returns_value_unchanged(value):
    assert require_text(value, "serial_number") == value


def test_require_text_takes_the_text_of_a_str_enum():
    result = require_text(_Fmt.XML, "format")
    assert result == "XML"
    assert type(result) is str


@pytest.mark.parametrize("value", ["", " ", "\u3000", "  \u00a0 "])
def test_require_text_refuses_blank(value):
    with pytest.raises(WatsInputError) as info:
        require_text(value, "part_number")
    assert info.value.parameter == "part_number"
    assert "part_number" in str(info.value)


@pytest.mark.parametrize("value", ["SN\n1", "SN\x00", "\tSN", "SN\x7f", "SN\r", "SN\ud800"])
def test_require_text_refuses_control_characters_and_surrogates(value):
    with pytest.raises(WatsInputError) as info:
        require_text(value, "serial_number")
    assert info.value.parameter == "serial_number"
    assert "position" in str(info.value)


@pytest.mark.parametrize("value", [None, 1, b"SN", ["SN"], 1.5])
def test_require_text_refuses_wrong_types(value):
    with pytest.raises(TypeError, match="serial_number"):
        require_text(value, "serial_number")


def test_optional_text():
    assert optional_text(None, "ref") is None
    assert optional_text("", "ref") is None
    assert optional_text("R1", "ref") == "R1"
    with pytest.raises(WatsInputError):
        optional_text("  ", "ref")
    with pytest.raises(WatsInputError):
        optional_text("a\nb", "ref")
    with pytest.raises(TypeError):
        optional_text(5, "ref")


@pytest.mark.parametrize("value", [INT32_MIN, -1, 0, 1, INT32_MAX])
def test_require_int32_accepts_range(value):
    assert require_int32(value, "id") == value


@pytest.mark.parametrize("value", [INT32_MIN - 1, INT32_MAX + 1, 2**63])
def test_require_int32_refuses_out_of_range(value):
    with pytest.raises(WatsInputError) as info:
        require_int32(value, "change_id")
    assert info.value.parameter == "change_id"


@pytest.mark.parametrize("value", [True, 1.0, "1", None])
def test_require_int32_refuses_wrong_types(value):
    with pytest.raises(TypeError):
        require_int32(value, "change_id")


@pytest.mark.parametrize("value", [1, 2, 1000, INT32_MAX])
def test_require_quantity_accepts(value):
    assert require_quantity(value) == value


@pytest.mark.parametrize("value", [0, -1, INT32_MAX + 1])
def test_require_quantity_refuses_out_of_range(value):
    with pytest.raises(WatsInputError) as info:
        require_quantity(value)
    assert info.value.parameter == "quantity"


def test_require_quantity_names_the_parameter():
    with pytest.raises(WatsInputError) as info:
        require_quantity(0, "max_count")
    assert info.value.parameter == "max_count"
    assert "max_count" in str(info.value)


@pytest.mark.parametrize("value", [True, False, 1.0, "3", None])
def test_require_quantity_refuses_wrong_types(value):
    with pytest.raises(TypeError):
        require_quantity(value)


def test_optional_bool():
    assert optional_bool(None, "x") is None
    assert optional_bool(True, "x") is True
    assert optional_bool(False, "x") is False
    for bad in (1, 0, "true"):
        with pytest.raises(TypeError):
            optional_bool(bad, "x")


def test_require_datetime():
    aware = dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.UTC)
    naive = dt.datetime(2026, 1, 2, 3, 4, 5)
    assert require_datetime(None, "d") is None
    assert require_datetime(aware, "d") is aware
    assert require_datetime(naive, "d") is naive
    assert require_datetime(dt.date(2026, 1, 2), "d") == dt.datetime(2026, 1, 2)
    assert require_datetime("2026-01-02T03:04:05Z", "d") == aware
    assert require_datetime("2026-01-02T03:04:05", "d") == naive
    with pytest.raises(WatsInputError) as info:
        require_datetime("yesterday", "start_date")
    assert info.value.parameter == "start_date"
    with pytest.raises(TypeError):
        require_datetime(1700000000, "start_date")


def test_format_datetime():
    assert format_datetime(dt.datetime(2026, 11, 26, 5, 0)) == "2026-11-26T05:00:00Z"
    cet = dt.timezone(dt.timedelta(hours=1))
    assert format_datetime(dt.datetime(2026, 11, 26, 6, 0, tzinfo=cet)) == "2026-11-26T05:00:00Z"
    assert (
        format_datetime(dt.datetime(2026, 11, 26, 5, 0, 0, 120, tzinfo=dt.UTC))
        == "2026-11-26T05:00:00.000120Z"
    )
    with pytest.raises(TypeError):
        format_datetime("2026-11-26")  # type: ignore[arg-type]


def test_format_datetime_refuses_times_outside_utc_range():
    with pytest.raises(WatsInputError):
        format_datetime(dt.datetime.min.replace(tzinfo=dt.timezone(dt.timedelta(hours=2))))


@given(
    st.datetimes(
        min_value=dt.datetime(2, 1, 1),
        max_value=dt.datetime(9998, 12, 31),
        timezones=st.none() | st.timezones(),
    )
)
def test_format_datetime_is_the_same_instant(value):
    text = format_datetime(value)
    assert text.endswith("Z")
    parsed = dt.datetime.fromisoformat(text)
    expected = value if value.tzinfo is None else value.astimezone(dt.UTC).replace(tzinfo=None)
    if value.tzinfo is not None and value.utcoffset() is None:
        expected = value.replace(tzinfo=None)
    assert parsed.replace(tzinfo=None) == expected

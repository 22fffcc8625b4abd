"""The cassette and pin formats, the scrubber, shape comparison, and bad input."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import attrs
import pytest
from contracthelpers import TOKEN, cli, secret_forms
from hypothesis import assume, given
from hypothesis import strategies as st

from pywats_production import WatsInputError
from pywats_production.cassette import (
    CASSETTE_FORMAT,
    Body,
    Scrubber,
    make_body,
    match_operation,
    parse_cassette,
)
from pywats_production.pins import load_pin, pins_from_env
from pywats_production.verify import shape_differences

HEADER = {
    "format": CASSETTE_FORMAT,
    "formatVersion": 1,
    "kind": "header",
    "serverVersion": "2026.1.5.324",
    "sdkVersion": "0.1.0",
    "specVersion": "v1",
    "specSha256": "0" * 64,
    "baseUrl": "https://wats.example.com",
    "recorded": "2026-11-28T07:00:00+00:00",
    "mode": "read-only",
    "scratchPrefix": None,
}


def _lines(*items: object) -> bytes:
    return "\n".join(json.dumps(i) for i in items).encode() + b"\n"


def test_scrubber_removes_every_form_of_the_token() -> None:
    scrub = Scrubber(TOKEN)
    for form in secret_forms():
        cleaned = scrub.text(f"before {form} after")
        assert form not in cleaned
        assert cleaned == "before [redacted] after"


def test_scrubber_scrubs_json_keys_and_values_and_short_secrets_are_left() -> None:
    scrub = Scrubber(TOKEN)
    value = scrub.json({TOKEN: [TOKEN, 1, None, {"k": f"x{TOKEN}y"}]})
    assert value == {"[redacted]": ["[redacted]", 1, None, {"k": "x[redacted]y"}]}
    short = Scrubber(base64.b64encode(b"u:pw").decode())  # a 2-char password is not masked
    assert short.text("pw stays") == "pw stays"
    assert Scrubber(None).text("anything") == "anything"


@given(st.text(min_size=6, max_size=30).filter(lambda s: s.strip() == s and ":" not in s))
def test_scrubbed_text_never_contains_the_password(password: str) -> None:
    """Invariant: whatever the password, none of its JSON/percent/base64 forms survives
    scrubbing of a text that contains each of them (a password that is part of the
    marker "[redacted]" itself is the one thing a marker cannot hide)."""
    token = base64.b64encode(f"user:{password}".encode()).decode()
    scrub = Scrubber(token)
    assume(not any(form in "[redacted]" for form in scrub.forms))
    text = " | ".join(scrub.forms)
    cleaned = scrub.text(text)
    for form in scrub.forms:
        assert form not in cleaned


def test_bodies_are_stored_as_json_text_or_base64() -> None:
    scrub = Scrubber(None)
    assert make_body(b"", "application/json", scrub) is None
    assert make_body(b'{"a":1}', "application/json; charset=utf-8", scrub) == Body("json", {"a": 1})
    assert make_body(b"not json", "application/json", scrub) == Body("text", "not json")
    assert make_body(b"<a/>", "application/xml", scrub) == Body("text", "<a/>")
    binary = make_body(b"\xff\xfe\x00", "application/octet-stream", scrub)
    assert binary is not None and binary.kind == "base64"
    assert binary.to_bytes() == b"\xff\xfe\x00"


def test_match_operation_reads_templates_and_decodes_values() -> None:
    assert match_operation("GET", "/api/Production/Unit/SN%2F1%23/P%20N")[:2] == (
        "getUnit",
        "/api/Production/Unit/{serialNumber}/{partNumber}",
    )
    assert match_operation("GET", "/api/Production/Unit/SN%2F1%23/P%20N")[2] == {
        "serialNumber": "SN/1#",
        "partNumber": "P N",
    }
    assert match_operation("DELETE", "/api/Production/Units/Changes/7")[0] == "deleteUnitChange"
    assert match_operation("GET", "/api/Production/Units/Changes")[0] == "getUnitChanges"
    assert match_operation("GET", "/api/Other") == (None, None, {})


def test_cassette_reader_refuses_what_it_cannot_read() -> None:
    with pytest.raises(WatsInputError, match="empty"):
        parse_cassette(b"")
    with pytest.raises(WatsInputError, match="not a cassette"):
        parse_cassette(_lines({"kind": "header"}))
    with pytest.raises(WatsInputError, match="format version 2"):
        parse_cassette(_lines({**HEADER, "formatVersion": 2}))
    with pytest.raises(WatsInputError, match=":2: not JSON"):
        parse_cassette(_lines(HEADER) + b"{oops\n")
    with pytest.raises(WatsInputError, match="not a cassette exchange"):
        parse_cassette(_lines(HEADER, {"kind": "exchange", "index": 0}))
    with pytest.raises(WatsInputError, match="UTF-8"):
        parse_cassette(b"\xff\xfe")
    cassette = parse_cassette(_lines(HEADER))
    assert cassette.header.server_version == "2026.1.5.324" and cassette.exchanges == ()


def test_shape_differences_ignore_values_and_nulls() -> None:
    recorded = {"a": 1, "b": None, "c": [{"x": "1"}, {"x": "2"}], "d": {"e": True}}
    same_shape = {"a": 2, "c": [{"x": "9"}], "d": {"e": False}, "z": None}
    assert list(shape_differences(recorded, same_shape)) == []
    other = {"a": 1.5, "c": [{"x": 1}], "d": {"e": True, "f": "new"}}
    assert list(shape_differences(recorded, other)) == [
        (("a",), "the server sends integer, the mock sends number"),
        (("c", 0, "x"), "the server sends string, the mock sends integer"),
        (("d", "f"), "the mock sends member f (string), the server did not"),
    ]


def _pin_json(**changes: object) -> dict[str, object]:
    base: dict[str, object] = {
        "format": "wats-production-pin",
        "formatVersion": 1,
        "serverVersion": "2026.1.5.324",
        "sdkVersion": "0.1.0",
        "specVersion": "v1",
        "specSha256": "a" * 64,
        "cassetteSha256": "b" * 64,
        "exchanges": 3,
        "operations": ["getUnit", "getServerVersion", "getUnit"],
        "created": "2026-11-28T07:00:00+00:00",
    }
    base.update(changes)
    return base


def test_pin_files_round_trip_and_bad_ones_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "p.json"
    path.write_text(json.dumps(_pin_json()))
    pin = load_pin(path)
    assert pin.operations == ("getServerVersion", "getUnit")
    assert pin.source == str(path)
    pin.write(tmp_path / "again.json")
    again = load_pin(tmp_path / "again.json")
    assert attrs.evolve(again, source="") == attrs.evolve(pin, source="")
    for bad, message in (
        (_pin_json(format="x"), "not a pin file"),
        (_pin_json(formatVersion=9), "format version 9"),
        (_pin_json(serverVersion=""), "serverVersion"),
        (_pin_json(operations="getUnit"), "operations"),
        (_pin_json(exchanges=-1), "exchanges"),
    ):
        path.write_text(json.dumps(bad))
        with pytest.raises(WatsInputError, match=message):
            load_pin(path)
    path.write_text("[1]")
    with pytest.raises(WatsInputError, match="one JSON object"):
        load_pin(path)
    with pytest.raises(WatsInputError, match="cannot read"):
        load_pin(tmp_path / "missing.json")


def test_bad_pins_refuse_to_build_a_service(tmp_path: Path) -> None:
    from pywats_production import ProductionService

    with pytest.raises(WatsInputError, match="cannot read pin file"):
        ProductionService("https://wats.example.com", pins=[tmp_path / "nope.json"])
    with pytest.raises(WatsInputError, match="list of pin file paths"):
        ProductionService("https://wats.example.com", pins="one.json")  # type: ignore[arg-type]
    assert pins_from_env({"WATS_PINS": ""}) == ()
    with ProductionService("https://wats.example.com", pins=[]) as wats:
        assert wats.config.pinned_server_versions == frozenset()
        assert wats.config.strict is False


def test_verify_of_a_file_that_is_not_a_cassette(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text('{"hello": 1}\n')
    result = cli("verify", str(path))
    assert result.code == 2
    assert "not a cassette" in result.err


def test_capture_of_an_unreachable_server_leaves_no_cassette(tmp_path: Path) -> None:
    path = tmp_path / "x.jsonl"
    result = cli("capture", "--base-url", "http://127.0.0.1:9", "--out", str(path), "--quiet")
    assert result.code == 6
    assert not path.exists()

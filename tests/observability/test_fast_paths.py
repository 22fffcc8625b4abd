"""The speed-ups made for the benchmarks give exactly the results of the full code paths."""

from __future__ import annotations

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import pywats_production as wp
from pywats_production import _calls, serials
from pywats_production._json import JsonValue
from pywats_production._take import _CANONICAL_TAKE, _number_of, _SnReader

ID_CHARS = "".join(chr(c) for c in range(0x21, 0x7F) if chr(c) not in '"&<>')
WS = st.text(alphabet=" \t\r\n", max_size=3)


def _guarded(data: bytes) -> list[str]:
    reader = _SnReader()
    reader.feed(data, final=True)
    return [n for n in (_number_of(a, t) for a, t in reader.done) if n]


@st.composite
def canonical_takes(draw: st.DrawFn) -> bytes:
    ids = draw(st.lists(st.text(alphabet=ID_CHARS, min_size=1, max_size=12), max_size=8))
    head = draw(
        st.sampled_from(
            [
                "",
                '<?xml version="1.0"?>',
                '<?xml version="1.0" encoding="utf-8"?>',
                '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n',
            ]
        )
    )
    bom = draw(st.sampled_from(["", "\ufeff"]))
    parts = [bom + head + draw(WS) + "<SerialNumbers" + draw(WS) + ">"]
    for number in ids:
        parts.append(
            draw(WS) + f'<SN{draw(WS.filter(bool) | st.just(" "))}id="{number}"{draw(WS)}/>'
        )
    parts.append(draw(WS) + "</SerialNumbers" + draw(WS) + ">" + draw(WS))
    return "".join(parts).encode("utf-8")


@settings(max_examples=300, deadline=None)
@given(canonical_takes())
def test_canonical_take_fast_path_equals_the_guarded_parser(data: bytes) -> None:
    assert _CANONICAL_TAKE.fullmatch(data)
    assert serials.parse_take_xml(data) == _guarded(data)


@pytest.mark.parametrize(
    "data",
    [
        b'<SerialNumbers><SN id="A&amp;B"/></SerialNumbers>',
        b'<SerialNumbers><SN id="A&#66;"/></SerialNumbers>',
        b'<SerialNumbers><!-- c --><SN id="A1"/></SerialNumbers>',
        b'<SerialNumbers><SN id=" A1 "/></SerialNumbers>',
        b"<SerialNumbers><SN>A1</SN></SerialNumbers>",
        b'<s:SerialNumbers xmlns:s="urn:x"><s:SN id="A1"/></s:SerialNumbers>',
        b'<?xml version="1.0" encoding="utf-16"?><SerialNumbers/>',
        b' <?xml version="1.0"?><SerialNumbers><SN id="A1"/></SerialNumbers>',
        b'<SerialNumbers>\x0c<SN id="A1"/></SerialNumbers>',
        b"<SerialNumbers><SN id='A1'/></SerialNumbers>",
        '<SerialNumbers><SN id="Ä1"/></SerialNumbers>'.encode(),
    ],
)
def test_other_documents_take_the_guarded_parser(data: bytes) -> None:
    assert not _CANONICAL_TAKE.fullmatch(data)


@pytest.mark.parametrize(
    "data",
    [
        b'<!DOCTYPE SerialNumbers [<!ENTITY x "A1">]><SerialNumbers><SN id="A1"/></SerialNumbers>',
        b'<!DOCTYPE SerialNumbers SYSTEM "http://evil/x.dtd"><SerialNumbers><SN id="A1"/></SerialNumbers>',
    ],
)
def test_unsafe_documents_are_still_refused(data: bytes) -> None:
    with pytest.raises(wp.UnsafeXmlError):
        serials.parse_take_xml(data)


# ----------------------------------------------------------------------- save_units


@pytest.mark.parametrize(
    ("serial", "error"),
    [
        ("", wp.WatsInputError),
        ("  ", wp.WatsInputError),
        ("A\x00B", wp.WatsInputError),
        ("A\udc80", wp.WatsInputError),
    ],
)
def test_save_units_still_names_the_offending_unit(serial: str, error: type[Exception]) -> None:
    units = [
        wp.Unit(serial_number="OK1", part_number="P"),
        wp.Unit(serial_number=serial, part_number="P"),
    ]
    with pytest.raises(error, match=r"units\[1\]\.serial_number"):
        _calls.save_units_chunks(units, 10)


def test_save_units_wrong_type_is_a_type_error() -> None:
    unit = wp.Unit(serial_number="OK1", part_number="P")
    bad = wp.Unit(serial_number="OK1", part_number=5)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"units\[1\]\.part_number"):
        _calls.save_units_chunks([unit, bad], 10)


def test_save_units_wire_is_each_units_to_wire() -> None:
    units = [wp.Unit(serial_number=f"S{i}", part_number="P", revision="A") for i in range(5)]
    calls = _calls.save_units_chunks(units, 2)
    assert [c.request["json"] for c in calls] == [
        [u.to_wire() for u in units[0:2]],
        [u.to_wire() for u in units[2:4]],
        [u.to_wire() for u in units[4:]],
    ]


# ------------------------------------------------------------------- request URLs


@pytest.mark.parametrize(
    "base",
    [
        "https://wats.example.com",
        "https://wats.example.com/",
        "https://h.example/wats/",
        "http://[::1]:8080",
    ],
)
def test_request_url_is_the_one_httpx_would_build(base: str) -> None:
    seen: list[httpx.URL] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request.url)
        return httpx.Response(200, json={"serialNumber": "S/1", "partNumber": "P"})

    client = httpx.Client(transport=httpx.MockTransport(answer), base_url=base)
    wp.ProductionService(base, http_client=client).get_unit("S/1 #?", "P.1")
    expected = client.build_request("GET", "/api/Production/Unit/S%2F1%20%23%3F/P%2E1").url
    assert seen == [expected]


# ----------------------------------------------------------------------- Take CSV


def _csv_reference(text: str) -> list[str]:
    """The csv-module reading of a Take CSV (the path taken by anything not plain)."""
    import csv
    import io

    numbers: list[str] = []
    first = True
    for row in csv.reader(io.StringIO(text, newline="")):
        cell = row[0].strip() if row else ""
        if not cell:
            continue
        if first:
            first = False
            if cell.lower().replace(" ", "").replace("_", "") in (
                "serialnumber",
                "sn",
                "id",
                "address",
            ):
                continue
        numbers.append(cell)
    return numbers


@settings(max_examples=400, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.text(alphabet=ID_CHARS + ", \t", max_size=10),
            st.sampled_from(["SerialNumber", "SN", "id", "Address", "Serial_Number", ""]),
        ),
        max_size=8,
    ),
    st.sampled_from(["\n", "\r\n", "\r"]),
    st.sampled_from(["", "\ufeff"]),
)
def test_take_csv_equals_the_csv_module(lines: list[str], end: str, bom: str) -> None:
    text = end.join(lines) + end
    assert serials.parse_take_csv((bom + text).encode("utf-8")) == _csv_reference(text)


# ------------------------------------------------------ save_units validation fast path

_AWKWARD = st.text(
    alphabet=st.one_of(
        st.characters(exclude_categories=()),  # any code point, lone surrogates too
        st.sampled_from(["\t", "\x00", "\x7f", "\xa0", "\x85", "\u2028", "\ud800", " ", "A"]),
    ),
    max_size=6,
)


@settings(max_examples=300)
@given(serial=_AWKWARD, part=_AWKWARD)
def test_save_units_fast_check_agrees_with_require_text(serial: str, part: str) -> None:
    """The isprintable() fast path accepts and refuses exactly what require_text does.

    Invariant: for any serial and part number text (controls, DEL, lone surrogates,
    NBSP, tabs, blanks included), save_units_chunks raises WatsInputError exactly when
    require_text raises for one of them, and otherwise sends the unit's to_wire().
    """
    from pywats_production._validate import require_text

    expected_ok = True
    for value in (serial, part):
        try:
            require_text(value, "x")
        except wp.WatsInputError:
            expected_ok = False
    unit = wp.Unit(serial_number=serial, part_number=part)
    if expected_ok:
        calls = _calls.save_units_chunks([unit], 10)
        assert calls[0].request["json"] == [unit.to_wire()]
    else:
        with pytest.raises(wp.WatsInputError, match=r"units\[0\]\."):
            _calls.save_units_chunks([unit], 10)


@settings(max_examples=200)
@given(
    keys=st.lists(
        st.tuples(st.sampled_from(["S1", "S2", "S3", "S4"]), st.sampled_from(["P1", "P2"])),
        min_size=1,
        max_size=12,
    ),
    chunk=st.integers(min_value=1, max_value=5),
)
def test_chunks_disjoint_fast_path_is_exact(keys: list[tuple[str, str]], chunk: int) -> None:
    """The serial-number fast path of _chunks_disjoint never changes its answer.

    Invariant: the result is True exactly when no (serial, part) pair appears in two
    different chunks, whether or not a serial repeats under another part number.
    """
    from pywats_production._async_service import _chunks_disjoint as async_disjoint
    from pywats_production._sync_service import _chunks_disjoint as sync_disjoint

    units = [wp.Unit(serial_number=s, part_number=p) for s, p in keys]
    calls = _calls.save_units_chunks(units, chunk)
    owner: dict[tuple[str, str], int] = {}
    expected = True
    for index, key in enumerate(keys):
        if owner.setdefault(key, index // chunk) != index // chunk:
            expected = False
    assert async_disjoint(calls) is expected
    assert sync_disjoint(calls) is expected


# ---------------------------------------------------------------- request headers


@pytest.mark.parametrize("own_client", [True, False])
def test_headers_set_on_the_built_request_keep_their_precedence(own_client: bool) -> None:
    """Setting headers on the built request gives what one merged headers dict gave.

    Invariant: the service's Authorization, Accept and User-Agent win over a given
    client's (whatever their case); the client's other headers stay; a body's
    Content-Type stays; X-Request-ID is sent exactly once.
    """
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"errorCount": 0})

    transport = httpx.MockTransport(answer)
    if own_client:
        service = wp.ProductionService("http://wats", "dG9rZW4=")
        service._client._transport = transport
    else:
        client = httpx.Client(
            transport=transport,
            base_url="http://wats",
            headers={"authorization": "Basic V1JPTkc=", "user-agent": "theirs", "X-Site": "7"},
        )
        service = wp.ProductionService("http://wats", "dG9rZW4=", http_client=client)
    service.save_units([wp.Unit(serial_number="S1", part_number="P")])
    headers = seen[0].headers
    assert headers.get_list("authorization") == ["Basic dG9rZW4="]
    assert headers.get_list("user-agent")[0].startswith("pywats-production/")
    assert len(headers.get_list("user-agent")) == 1
    assert headers["accept"] == "application/json"
    assert headers["content-type"] == "application/json"
    assert len(headers.get_list("x-request-id")) == 1
    if not own_client:
        assert headers["x-site"] == "7"


def test_save_units_honours_a_subclass_to_wire_and_names_a_stranger() -> None:
    """Plain Units take the unbound fast call; a subclass's own to_wire is still used."""

    class Tagged(wp.Unit):
        def to_wire(self) -> dict[str, JsonValue]:
            return {**super().to_wire(), "station": "S7"}

    plain = wp.Unit(serial_number="S1", part_number="P", revision="A")
    tagged = Tagged(serial_number="S2", part_number="P")
    calls = _calls.save_units_chunks([plain, tagged], 10)
    assert calls[0].request["json"] == [
        {"serialNumber": "S1", "partNumber": "P", "revision": "A"},
        {"serialNumber": "S2", "partNumber": "P", "station": "S7"},
    ]
    with pytest.raises(wp.WatsInputError, match=r"units\[1\] is a dict, not a Unit"):
        _calls.save_units_chunks([plain, {"serialNumber": "S3"}], 10)  # type: ignore[list-item]

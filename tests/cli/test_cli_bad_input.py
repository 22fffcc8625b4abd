"""Bad input through every command: one clear line on stderr, the documented exit status.

The table BAD below is the test: each row is a command line, the exit status it must end
with and a pattern its message must match. Every row is run in-process against the
module's loopback mock (reset to the demo seed), and must print no traceback, nothing
half-written on stdout, and first on stderr one line ``wats-production: LABEL: ...``
whose LABEL belongs to the status (LABELS).

Adding a command: add rows for it here (at least two: a usage error and a failure the
server reports). ``test_every_command_has_rows`` fails until a new command has them.
Placeholders in arguments: {url} the mock, {wrong_path} the mock's URL with a path that
is not the API root, {closed} a port nobody listens on, {busy_port} a port in use,
{tmp} a scratch folder, {not_ca} a file that is not a CA bundle, {broken_yaml} and
{bad_seed} unusable seed files, {csv} a valid CSV of serial numbers. Rows may first run
commands that must succeed (``before``), e.g. ``unit create`` for the units they need.
"""

from __future__ import annotations

import argparse
import re
import socket
import subprocess
import sys
from collections.abc import Iterator

import attrs
import pytest
from clihelpers import TOKEN, Cli

from pywats_production.cli import ExitCode, build_parser

# The label that starts the message of each status (`wats-production: LABEL: ...`).
LABELS: dict[ExitCode, str] = {
    ExitCode.ERROR: "error",
    ExitCode.USAGE: "(usage|bad input)",
    ExitCode.NOT_FOUND: "not found",
    ExitCode.REFUSED: "refused",
    ExitCode.AUTH: "not authorized",
    ExitCode.CONNECTION: "no answer",
    ExitCode.AMBIGUOUS: "outcome unknown",
    ExitCode.HANDLER_FAILED: "handler failed",
    ExitCode.CHECK_FAILED: "check failed",
    ExitCode.WRONG_SERVER: "not a WATS API",
    ExitCode.CANNOT_LISTEN: "(cannot listen|usage)",
    ExitCode.POOL_SHORT: "pool short",
}


@attrs.frozen
class Bad:
    """One row: ``argv`` must exit ``code`` with a first stderr line matching ``message``."""

    argv: tuple[str, ...]
    code: ExitCode
    message: str
    before: tuple[tuple[str, ...], ...] = ()
    no_env: bool = False  # run without WATS_BASE_URL / WATS_AUTH_TOKEN

    @property
    def id(self) -> str:
        return " ".join(self.argv)[:70]


U = ("--retries", "1")  # no retry waits on rows that fail on the transport
BOX = ("unit", "create", "BOX-1", "BOX-900", "--revision", "A")
BOARD = ("unit", "create", "PCB-1", "PCBA-100", "--revision", "A")

BAD: list[Bad] = [
    # ---- the command line itself
    Bad((), ExitCode.USAGE, r"the following arguments are required: COMMAND"),
    Bad(("bogus",), ExitCode.USAGE, r"invalid choice: 'bogus'"),
    Bad(("--bogus", "version"), ExitCode.USAGE, r"unrecognized arguments: --bogus"),
    Bad(("unit",), ExitCode.USAGE, r"required: ACTION"),
    Bad(("serials", "nope"), ExitCode.USAGE, r"invalid choice: 'nope'"),
    # ---- demo: the embedded mock, no server options
    Bad(("demo", "--units", "0"), ExitCode.USAGE, r"--units must be between 1 and"),
    Bad(("demo", "--units", "many"), ExitCode.USAGE, r"invalid int value: 'many'"),
    Bad(("demo", "--base-url", "{url}"), ExitCode.USAGE, r"unrecognized arguments: --base-url"),
    Bad(("--token", "x", "demo"), ExitCode.USAGE, r"demo .* takes no --token"),
    Bad(("--base-url", "{url}", "demo"), ExitCode.USAGE, r"takes no --base-url"),
    # ---- mock: its own options, checked before anything is served
    Bad(("mock", "--port", "99999"), ExitCode.USAGE, r"port must be 0 to 65535, got 99999"),
    Bad(("mock", "--port", "-1"), ExitCode.USAGE, r"port must be 0 to 65535, got -1"),
    Bad(("mock", "--port", "http"), ExitCode.USAGE, r"not a port number: 'http'"),
    Bad(("mock", "--seed", "{tmp}/missing.yaml"), ExitCode.USAGE, r"no such seed .* no such file"),
    Bad(("mock", "--seed", "demoo"), ExitCode.USAGE, r"--seed 'demoo': no such seed"),
    Bad(("mock", "--seed", "{broken_yaml}"), ExitCode.USAGE, r"cannot use it: .*flow sequence"),
    Bad(("mock", "--seed", "{bad_seed}"), ExitCode.USAGE, r"cannot use it: .*units"),
    Bad(("mock", "--log-level", "loud"), ExitCode.USAGE, r"invalid choice: 'loud'"),
    Bad(("mock", "--bogus"), ExitCode.USAGE, r"unrecognized arguments: --bogus"),
    Bad(
        ("mock", "--port", "{busy_port}"),
        ExitCode.CANNOT_LISTEN,
        r"cannot listen on 127\.0\.0\.1:\d+: .*in use",
    ),
    Bad(
        ("mock", "--host", "no-such-host.invalid", "--port", "0"),
        ExitCode.CANNOT_LISTEN,
        r"cannot resolve",
    ),
    # ---- connection options (on `unit get`; every server command shares them)
    Bad(("unit", "get", "S", "P"), ExitCode.USAGE, r"no server: give --base-url", no_env=True),
    Bad(
        ("unit", "get", "S", "P", "--base-url", "ftp://h"),
        ExitCode.USAGE,
        r"base_url must be an http\(s\) URL",
    ),
    Bad(
        ("unit", "get", "S", "P", "--base-url", "{wrong_path}"),
        ExitCode.WRONG_SERVER,
        r"is not the root of a WATS API: GET /api/App/Version answered 404",
    ),
    Bad(
        ("unit", "get", "S", "P", "--base-url", "{closed}", *U),
        ExitCode.CONNECTION,
        r"connection failed",
    ),
    Bad(("unit", "get", "S", "P", "--token", "d3Jvbmc="), ExitCode.AUTH, r"401"),
    Bad(
        ("unit", "get", "S", "P", "--ca-bundle", "{not_ca}"),
        ExitCode.USAGE,
        r"cannot load CA certificates from '.*not-ca\.pem'",
    ),
    Bad(
        ("unit", "get", "S", "P", "--ca-bundle", "{tmp}/none.pem"),
        ExitCode.USAGE,
        r"--ca-bundle: no such file",
    ),
    Bad(
        ("unit", "get", "S", "P", "--ca-bundle", "{not_ca}", "--insecure"),
        ExitCode.USAGE,
        r"contradict",
    ),
    Bad(
        ("unit", "get", "S", "P", "--timeout", "0"), ExitCode.USAGE, r"--timeout must be a positive"
    ),
    Bad(
        ("unit", "get", "S", "P", "--timeout", "nan"),
        ExitCode.USAGE,
        r"--timeout must be a positive",
    ),
    Bad(("unit", "get", "S", "P", "--timeout", "soon"), ExitCode.USAGE, r"invalid float value"),
    Bad(
        ("unit", "get", "S", "P", "--retries", "0"), ExitCode.USAGE, r"--retries must be at least 1"
    ),
    # ---- unit
    Bad(("unit", "get", "SN1"), ExitCode.USAGE, r"required: PN"),
    Bad(
        ("unit", "get", "NOPE", "PCBA-100"),
        ExitCode.NOT_FOUND,
        r"unit 'NOPE' / 'PCBA-100' does not exist",
    ),
    Bad(("unit", "get", " ", "PCBA-100"), ExitCode.USAGE, r"serial_number"),
    Bad(("unit", "create", "S1"), ExitCode.USAGE, r"required: PN"),
    Bad(
        ("unit", "create", "S1", "PCBA-100", "--phase", "Almost done"),
        ExitCode.USAGE,
        r"unknown phase 'Almost done'",
    ),
    Bad(("unit", "create", "", "PCBA-100"), ExitCode.USAGE, r"serial_number"),
    Bad(BOX, ExitCode.REFUSED, r"exists already; nothing was changed", before=(BOX,)),
    Bad(("unit", "query", "--top", "0"), ExitCode.USAGE, r"top must be an int from 1 to 1000"),
    Bad(("unit", "query", "--top", "many"), ExitCode.USAGE, r"invalid int value"),
    Bad(("unit", "query", "--phase", "Almost done"), ExitCode.USAGE, r"unknown phase"),
    Bad(("unit", "query", "--serial-number", ""), ExitCode.USAGE, r"serial_number"),
    Bad(("unit", "query", "--orderby", "color"), ExitCode.USAGE, r"orderby"),
    Bad(("unit", "query", "--all", "--top", "5"), ExitCode.USAGE, r"leave out --top"),
    Bad(("unit", "query", "--filter", "serialNumber eq"), ExitCode.REFUSED, r"not valid OData"),
    Bad(("unit", "query", "--filter", "color eq 'red'"), ExitCode.REFUSED, r"cannot filter on"),
    Bad(("unit", "set-phase", "S1", "PCBA-100"), ExitCode.USAGE, r"required: PHASE"),
    Bad(("unit", "set-phase", "S1", "PCBA-100", "Almost done"), ExitCode.USAGE, r"unknown phase"),
    Bad(("unit", "set-phase", "NOPE", "PCBA-100", "16"), ExitCode.NOT_FOUND, r"does not exist"),
    Bad(("unit", "set-process", "S1", "PCBA-100"), ExitCode.USAGE, r"required: PROCESS"),
    Bad(("unit", "set-process", "NOPE", "PCBA-100", "FCT"), ExitCode.NOT_FOUND, r"does not exist"),
    Bad(
        ("unit", "set-process", "PCB-1", "PCBA-100", "Nope"),
        ExitCode.REFUSED,
        r"process",
        before=(BOARD,),
    ),
    # ---- serials
    Bad(("serials", "types", "extra"), ExitCode.USAGE, r"unrecognized arguments: extra"),
    Bad(
        ("serials", "types", "--base-url", "{wrong_path}"),
        ExitCode.WRONG_SERVER,
        r"not the root of a WATS API",
    ),
    Bad(("serials", "take", "SerialNumber"), ExitCode.USAGE, r"required: N"),
    Bad(("serials", "take", "SerialNumber", "five"), ExitCode.USAGE, r"invalid int value: 'five'"),
    Bad(
        ("serials", "take", "SerialNumber", "0"), ExitCode.USAGE, r"quantity must be between 1 and"
    ),
    Bad(
        ("serials", "take", "SerialNumber", "1000000000"),
        ExitCode.POOL_SHORT,
        r"has \d+ free number\(s\), fewer than 1000000000; nothing was taken",
    ),
    Bad(
        ("serials", "take", "SerialNumber", "1", "--partial"),
        ExitCode.POOL_SHORT,
        r"took 0 of 1",
        before=(("serials", "take", "SerialNumber", "2147483647", "--partial"),),
    ),
    Bad(("serials", "take", "Nope", "1"), ExitCode.NOT_FOUND, r"404"),
    Bad(("serials", "take", "SerialNumber", "1", "--format", "JSON"), ExitCode.USAGE, r"format"),
    Bad(("serials", "export"), ExitCode.USAGE, r"required: TYPE"),
    Bad(("serials", "export", "Nope"), ExitCode.NOT_FOUND, r"404"),
    Bad(("serials", "export", "SerialNumber", "--format", "PDF"), ExitCode.USAGE, r"format"),
    Bad(
        ("serials", "export", "SerialNumber", "-o", "{tmp}/no/such/dir/pool.csv"),
        ExitCode.USAGE,
        r"cannot write .*pool\.csv",
    ),
    Bad(("serials", "upload", "SerialNumber"), ExitCode.USAGE, r"required: FILE"),
    Bad(
        ("serials", "upload", "SerialNumber", "{tmp}/none.csv"),
        ExitCode.USAGE,
        r"cannot read .*none\.csv",
    ),
    Bad(("serials", "upload", "SerialNumber", "-"), ExitCode.USAGE, r"no standard input"),
    Bad(("serials", "upload", "Nope", "{csv}"), ExitCode.NOT_FOUND, r"404"),
    Bad(
        ("serials", "upload", "SerialNumber", "{csv}", "--format", "TXT"), ExitCode.USAGE, r"format"
    ),
    # ---- assembly
    Bad(("assembly", "add", "BOX-1", "BOX-900", "PCB-1"), ExitCode.USAGE, r"required: CHILD_PN"),
    Bad(("assembly", "add", "NOPE", "BOX-900", "PCB-1", "PCBA-100"), ExitCode.NOT_FOUND, r"404"),
    Bad(
        ("assembly", "add", "BOX-1", "BOX-900", "PCB-1", "PCBA-100"),
        ExitCode.REFUSED,
        r"finalized",
        before=(BOX, BOARD),
    ),
    Bad(("assembly", "remove", "BOX-1", "BOX-900", "PCB-1"), ExitCode.USAGE, r"required: CHILD_PN"),
    Bad(
        ("assembly", "remove", "BOX-1", "BOX-900", "PCB-1", "PCBA-100"),
        ExitCode.REFUSED,
        r"not",
        before=(BOX, BOARD),
    ),
    Bad(("assembly", "check", "BOX-1"), ExitCode.USAGE, r"required: PARENT_PN"),
    Bad(("assembly", "check", "NOPE", "BOX-900"), ExitCode.NOT_FOUND, r"404"),
    # ---- changes
    Bad(("changes", "consume"), ExitCode.USAGE, r"required: --exec"),
    Bad(("changes", "consume", "--exec", ""), ExitCode.USAGE, r"--exec needs a command"),
    Bad(
        ("changes", "consume", "--exec", "'unbalanced"),
        ExitCode.USAGE,
        r"--exec: No closing quotation",
    ),
    Bad(
        ("changes", "consume", "--exec", "true", "--max-count", "0"),
        ExitCode.USAGE,
        r"--max-count must be at least 1",
    ),
    Bad(
        ("changes", "consume", "--exec", "true", "--limit", "0"),
        ExitCode.USAGE,
        r"--limit must be at least 1",
    ),
    Bad(
        ("changes", "consume", "--exec", "true", "--base-url", "{closed}", *U),
        ExitCode.CONNECTION,
        r"connection failed",
    ),
    # ---- version
    Bad(("version", "extra"), ExitCode.USAGE, r"unrecognized arguments: extra"),
    Bad(
        ("version", "--base-url", "{wrong_path}"),
        ExitCode.WRONG_SERVER,
        r"not the root of a WATS API",
    ),
    Bad(("version", "--base-url", "{closed}", *U), ExitCode.CONNECTION, r"connection failed"),
    Bad(("version", "--token", "d3Jvbmc="), ExitCode.AUTH, r"401"),
    # ---- capture (nothing is written when it fails before the first answer)
    Bad(("capture",), ExitCode.USAGE, r"required: --out"),
    Bad(
        ("capture", "--out", "{tmp}/c.jsonl", "--allow-writes"),
        ExitCode.USAGE,
        r"--scratch-prefix P",
    ),
    Bad(
        ("capture", "--out", "{tmp}/c.jsonl", "--scratch-prefix", "ZZ-"),
        ExitCode.USAGE,
        r"only used with --allow-writes",
    ),
    Bad(
        ("capture", "--out", "{tmp}/c.jsonl", "--allow-writes", "--scratch-prefix", "a b"),
        ExitCode.USAGE,
        r"scratch prefix must be",
    ),
    Bad(
        ("capture", "--out", "{tmp}/c.jsonl", "--allow-writes", "--scratch-prefix", "ZZ-"),
        ExitCode.USAGE,
        r"part numbers of the units it creates",
    ),
    Bad(("capture", "--out", "{tmp}/c.jsonl", "--serial", "SN1"), ExitCode.USAGE, r"--part-number"),
    Bad(("capture", "--out", "{tmp}/no/such/dir/c.jsonl"), ExitCode.USAGE, r"no such directory"),
    Bad(
        ("capture", "--out", "{tmp}/c.jsonl", "--base-url", "{closed}", *U),
        ExitCode.CONNECTION,
        r"connection failed",
    ),
    Bad(
        ("capture", "--out", "{tmp}/c.jsonl", "--token", "d3Jvbmc=", "--quiet"),
        ExitCode.AUTH,
        r"401",
    ),
    # ---- verify and pin (offline: no server options)
    Bad(("verify",), ExitCode.USAGE, r"required: FILE"),
    Bad(("verify", "{tmp}/none.jsonl"), ExitCode.USAGE, r"no such cassette"),
    Bad(("verify", "{csv}"), ExitCode.USAGE, r"numbers\.csv:1: not JSON"),
    Bad(
        ("verify", "{csv}", "--base-url", "{url}"),
        ExitCode.USAGE,
        r"unrecognized arguments: --base-url",
    ),
    Bad(("pin", "{csv}"), ExitCode.USAGE, r"required: --out"),
    Bad(("pin", "{tmp}/none.jsonl", "--out", "{tmp}/p.json"), ExitCode.USAGE, r"no such cassette"),
    Bad(
        ("pin", "{csv}", "--out", "{tmp}/no/such/dir/p.json"),
        ExitCode.USAGE,
        r"--out: no such directory",
    ),
    # ---- internal (the opt-in internal API)
    Bad(("internal",), ExitCode.USAGE, r"required: ACTION"),
    Bad(("internal", "phases", "extra"), ExitCode.USAGE, r"unrecognized arguments: extra"),
    Bad(("internal", "phases", "--base-url", "{closed}", *U), ExitCode.CONNECTION, r"connection"),
    Bad(("internal", "phases", "--token", "d3Jvbmc="), ExitCode.AUTH, r"401"),
    Bad(("internal", "history", "SN"), ExitCode.USAGE, r"required: PN"),
    Bad(("internal", "history", " ", "PCBA-100"), ExitCode.USAGE, r"serial_number"),
    Bad(("internal", "history", "NOPE", "PCBA-100"), ExitCode.NOT_FOUND, r"404"),
    Bad(("internal", "hierarchy", "BOX-1"), ExitCode.USAGE, r"required: PN"),
    Bad(("internal", "hierarchy", "NOPE", "BOX-900"), ExitCode.NOT_FOUND, r"404"),
    Bad(
        ("internal", "hierarchy", "BOX-1", "BOX-900", "--base-url", "{wrong_path}"),
        ExitCode.WRONG_SERVER,
        r"not the root of a WATS API",
    ),
    Bad(("internal", "serial-stats", "A", "B"), ExitCode.USAGE, r"unrecognized arguments: B"),
    Bad(("internal", "serial-stats", "NoSuchType"), ExitCode.NOT_FOUND, r"404"),
]


def _leaf_commands() -> set[tuple[str, ...]]:
    """Every runnable command of the parser, e.g. ("unit", "get"), ("mock",)."""

    def walk(parser: argparse.ArgumentParser, path: tuple[str, ...]) -> Iterator[tuple[str, ...]]:
        subs = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
        if not subs:
            yield path
            return
        for name, child in subs[0].choices.items():
            yield from walk(child, (*path, name))

    return set(walk(build_parser(), ()))


def _command_of(argv: tuple[str, ...], commands: set[tuple[str, ...]]) -> tuple[str, ...] | None:
    words = tuple(a for a in argv if not a.startswith("-"))
    for size in (2, 1):
        if words[:size] in commands:
            return words[:size]
    return None


def test_every_command_has_rows() -> None:
    commands = _leaf_commands()
    assert ("unit", "create") in commands
    rows: dict[tuple[str, ...], int] = dict.fromkeys(commands, 0)
    for row in BAD:
        command = _command_of(row.argv, commands)
        if command is not None:
            rows[command] += 1
    assert {c: n for c, n in rows.items() if n < 2} == {}, "commands with fewer than 2 rows"


def test_the_table_uses_documented_statuses_only() -> None:
    assert {row.code for row in BAD} <= set(LABELS)
    assert set(LABELS) == set(ExitCode) - {ExitCode.OK}
    assert len({row.argv for row in BAD}) == len(BAD)  # no row twice


@pytest.fixture(scope="module")
def places(
    tmp_path_factory: pytest.TempPathFactory, mock_url: str, closed_port_url: str
) -> Iterator[dict[str, str]]:
    tmp = tmp_path_factory.mktemp("bad-input")
    (tmp / "not-ca.pem").write_text("this is not a certificate\n")
    (tmp / "broken.yaml").write_text("units: [1\n")
    (tmp / "bad-seed.yaml").write_text("units: 5\n")
    (tmp / "numbers.csv").write_text("SerialNumber\nUP-1\nUP-2\n")
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        yield {
            "url": mock_url,
            "wrong_path": f"{mock_url}/wats",
            "closed": closed_port_url,
            "busy_port": str(busy.getsockname()[1]),
            "tmp": str(tmp),
            "not_ca": str(tmp / "not-ca.pem"),
            "broken_yaml": str(tmp / "broken.yaml"),
            "bad_seed": str(tmp / "bad-seed.yaml"),
            "csv": str(tmp / "numbers.csv"),
        }


_TRACEBACK = re.compile(r"Traceback \(most recent call last\)|^\s+File \"", re.MULTILINE)


@pytest.mark.parametrize("row", BAD, ids=[row.id for row in BAD])
def test_bad_input(row: Bad, cli: Cli, places: dict[str, str]) -> None:
    for step in row.before:
        done = cli(*step)
        assert done.code == 0, (step, done.output)

    result = cli(*(arg.format(**places) for arg in row.argv), env={} if row.no_env else None)

    assert not _TRACEBACK.search(result.output), result.output
    lines = result.err.splitlines()
    assert lines, f"no message; stdout: {result.out!r}"
    label = LABELS[row.code]
    assert re.match(rf"wats-production( mock)?: {label}: ", lines[0]), lines[0]
    assert re.search(row.message, lines[0]), lines[0]
    # One message: at most a hint line after it (connection errors), never a dump.
    assert len(lines) <= 2, result.err
    assert result.code == row.code, result.err
    assert result.out == ""  # nothing half-written for a script to read


def test_the_console_script_shows_no_traceback_either(closed_port_url: str) -> None:
    # Through the real entry point (python -m), for the two kinds of path: a usage
    # error of the mock and a failure of a server command.
    for argv, code in (
        (["mock", "--port", "99999"], ExitCode.USAGE),
        (["version", "--base-url", closed_port_url, "--retries", "1"], ExitCode.CONNECTION),
    ):
        done = subprocess.run(
            [sys.executable, "-m", "pywats_production.cli", *argv],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
            env={"WATS_AUTH_TOKEN": TOKEN},
        )
        assert done.returncode == code, done.stderr
        assert "Traceback" not in done.stderr
        assert done.stderr.startswith("wats-production")

"""`--help` of every command documents its arguments, their defaults and the exit codes."""

from __future__ import annotations

import argparse
import io
import re

import pytest
from test_cli_bad_input import _leaf_commands

from pywats_production.cli import ExitCode, build_parser, run
from pywats_production.mock.__main__ import build_parser as mock_parser

COMMANDS = sorted(_leaf_commands())


def _parser_of(command: tuple[str, ...]) -> argparse.ArgumentParser:
    parser = build_parser()
    for word in command:
        (subs,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
        parser = subs.choices[word]
    return parser


def _undocumented(parser: argparse.ArgumentParser) -> list[str]:
    """Arguments without a help text, and options whose help states no default."""
    missing = []
    for action in parser._actions:
        if isinstance(action, argparse._HelpAction | argparse._VersionAction):
            continue
        name = "/".join(action.option_strings) or str(action.metavar or action.dest)
        text = action.help or ""
        if not text.strip():
            missing.append(f"{name}: no help")
        elif action.option_strings and not re.search(r"\(default: |required\)", text):
            missing.append(f"{name}: no default stated")
    return missing


def _help(*argv: str) -> str:
    out, err = io.StringIO(), io.StringIO()
    assert run([*argv, "--help"], out=out, err=err, environ={}) == 0, err.getvalue()
    return " ".join(out.getvalue().split())


@pytest.mark.parametrize("command", COMMANDS, ids=[" ".join(c) for c in COMMANDS])
def test_help_documents_arguments_defaults_and_exit_codes(command: tuple[str, ...]) -> None:
    text = _help(*command)
    if command == ("mock",):
        parser = mock_parser()
        assert "(default: 8765)" in text
        assert "docs/" not in text  # the wheel has no docs folder to point to
        codes = [ExitCode.OK, ExitCode.USAGE, ExitCode.CANNOT_LISTEN]
    else:
        parser = _parser_of(command)
        codes = list(ExitCode)
    assert _undocumented(parser) == []
    exit_text = text[text.index("exit status:") :]
    for code in codes:
        assert re.search(rf"\b{int(code)} ", exit_text), (code, exit_text)


def test_groups_list_their_actions_and_exit_codes() -> None:
    for group in ("unit", "serials", "assembly", "changes"):
        text = _help(group)
        assert "exit status:" in text
        actions = sorted(c[1] for c in COMMANDS if c[0] == group)
        for action in actions:
            assert action in text


def test_docs_list_every_exit_status() -> None:
    from pathlib import Path

    docs = (Path(__file__).resolve().parents[2] / "docs" / "cli.md").read_text(encoding="utf-8")
    for code in ExitCode:
        assert re.search(rf"^\| {int(code)} \| \S", docs, re.MULTILINE), code

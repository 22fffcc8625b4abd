"""``capture``, ``verify`` and ``pin``: contract tests of a team's own server."""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO

from pywats_production.cli._exit import CliError, ExitCode
from pywats_production.cli._output import dump_json

__all__ = ["add_parsers", "run_capture", "run_pin", "run_verify"]


def add_parsers(
    leaf: Callable[..., argparse.ArgumentParser],
    commands: argparse._SubParsersAction[Any],
    output_only: argparse.ArgumentParser,
    offline_epilog: str,
) -> None:
    """Add the ``capture``, ``verify`` and ``pin`` subcommands.

    Args:
        leaf: the parser's command factory (``leaf(group, name, handler, help, ...)``).
        commands: the top-level subcommands.
        output_only: the parent parser without connection options (verify and pin
            run offline, on their own mock).
        offline_epilog: the epilog of offline commands (the exit statuses).

    """

    def quiet(sub: argparse.ArgumentParser) -> argparse.ArgumentParser:
        sub.add_argument(
            "--quiet",
            action="store_true",
            help="no progress lines on stderr (default: one line per exchange)",
        )
        return sub

    capture = quiet(
        leaf(
            commands,
            "capture",
            "capture",
            "record the server's answers to every operation the SDK knows into a cassette "
            "(read-only unless --allow-writes); the token is never written",
        )
    )
    capture.add_argument(
        "--out", required=True, metavar="FILE", help="the cassette to write (required)"
    )
    capture.add_argument(
        "--serial",
        action="append",
        default=[],
        metavar="SN",
        help="a unit to read; repeat (default: the units the changes feed lists)",
    )
    capture.add_argument(
        "--part-number",
        action="append",
        default=[],
        metavar="PN",
        help="the part number of each --serial, one for all or one each; repeat (default: none)",
    )
    capture.add_argument(
        "--allow-writes",
        action="store_true",
        help="also write units, phases, processes, a box, taken numbers, only under "
        "--scratch-prefix (default: read only)",
    )
    capture.add_argument(
        "--scratch-prefix",
        default=None,
        metavar="P",
        help="every serial number written starts with P (default: none; needed for writes)",
    )
    capture.add_argument(
        "--serial-type",
        default=None,
        metavar="NAME",
        help="pool to take numbers from (default: the first type listed)",
    )
    capture.add_argument(
        "--process",
        default=None,
        metavar="NAME",
        help="process to set (default: the first test operation listed)",
    )
    capture.add_argument(
        "--box-parent-pn",
        default=None,
        metavar="PN",
        help="a product whose box build holds --box-child-pn (default: the first --part-number)",
    )
    capture.add_argument(
        "--box-child-pn",
        default=None,
        metavar="PN",
        help="the child product of the box built (default: --box-parent-pn)",
    )
    capture.add_argument(
        "--revision", default="A", metavar="REV", help="revision of the units written (default: A)"
    )

    verify = quiet(
        leaf(
            commands,
            "verify",
            "verify",
            "check a cassette against spec/, the SDK in strict mode and a fresh contract mock, "
            "offline (exit 9 when anything diverged)",
            epilog=offline_epilog,
            parent=output_only,
        )
    )
    verify.add_argument("cassette", metavar="FILE", help="the cassette (wats-production capture)")
    verify.add_argument(
        "--seed",
        default="demo",
        metavar="SEED",
        help="seed of the fresh mock: demo, empty or a seed file (default: demo)",
    )

    pin = quiet(
        leaf(
            commands,
            "pin",
            "pin",
            "write a pin file from a cassette that verifies clean, offline (exit 9 and no pin "
            "otherwise)",
            epilog=offline_epilog,
            parent=output_only,
        )
    )
    pin.add_argument("cassette", metavar="FILE", help="the cassette (wats-production capture)")
    pin.add_argument("--out", required=True, metavar="PIN", help="the pin file to write (required)")
    pin.add_argument(
        "--seed",
        default="demo",
        metavar="SEED",
        help="seed of the fresh mock: demo, empty or a seed file (default: demo)",
    )


def _progress(args: argparse.Namespace, err: TextIO) -> object:
    if getattr(args, "quiet", False):
        return None

    def show(line: str) -> None:
        err.write(line + "\n")
        err.flush()

    return show


def run_capture(
    args: argparse.Namespace,
    *,
    base_url: str,
    token: str | None,
    timeout: float,
    verify: bool | str,
    out: TextIO,
    err: TextIO,
    as_json: bool,
) -> ExitCode:
    """Run ``wats-production capture``."""
    from pywats_production.capture import CaptureSettings, capture

    target = Path(str(args.out))
    if target.exists() and target.is_dir():
        raise CliError(f"--out: {target} is a directory")
    if not target.parent.exists():
        raise CliError(f"--out: no such directory: {target.parent}")
    settings = CaptureSettings(
        serials=tuple(args.serial),
        part_numbers=tuple(args.part_number),
        allow_writes=bool(args.allow_writes),
        scratch_prefix=args.scratch_prefix,
        serial_type=args.serial_type,
        process=args.process,
        box_parent=args.box_parent_pn,
        box_child=args.box_child_pn,
        revision=str(args.revision),
    )
    settings.check()
    result = capture(
        base_url,
        token,
        target,
        settings,
        timeout=timeout,
        verify=verify,
        progress=_progress(args, err),  # type: ignore[arg-type]
    )
    summary = {
        "cassette": str(result.path),
        "serverVersion": result.server_version,
        "exchanges": result.exchanges,
        "operations": list(result.operations),
        "sdkFailures": list(result.failures),
    }
    if as_json:
        dump_json(summary, out)
    else:
        out.write(
            f"captured {result.exchanges} exchange(s) of {len(result.operations)} operation(s) "
            f"from server {result.server_version or '(version unknown)'} into {result.path}\n"
        )
        if result.failures:
            out.write(
                f"{len(result.failures)} call(s) raised in the SDK (recorded anyway; run "
                "verify to see why)\n"
            )
    return ExitCode.OK


def _verify(args: argparse.Namespace, err: TextIO) -> object:
    try:
        from pywats_production.verify import verify_cassette
    except ImportError as exc:  # the mock extra is not installed
        raise CliError(
            f'verify needs the mock extra: pip install "pywats-production[mock]" ({exc})',
            ExitCode.ERROR,
        ) from None

    path = Path(str(args.cassette))
    if not path.is_file():
        raise CliError(f"no such cassette: {path}")
    seed = str(args.seed)
    return verify_cassette(path, seed=seed, progress=_progress(args, err))  # type: ignore[arg-type]


def run_verify(args: argparse.Namespace, *, out: TextIO, err: TextIO, as_json: bool) -> ExitCode:
    """Run ``wats-production verify``: exit 0 when clean, 9 when anything diverged."""
    report = _verify(args, err)
    from pywats_production.verify import VerifyReport

    assert isinstance(report, VerifyReport)
    if as_json:
        dump_json(report.to_json(), out)
    else:
        for divergence in report.divergences:
            out.write(f"{divergence}\n")
        for note in report.notes:
            out.write(f"note: {note}\n")
        verdict = "clean" if report.clean else f"{len(report.divergences)} divergence(s)"
        out.write(
            f"{report.cassette}: {report.exchanges} exchange(s) of {len(report.operations)} "
            f"operation(s), server {report.server_version or '(version unknown)'}: {verdict}\n"
        )
    return ExitCode.OK if report.clean else ExitCode.CHECK_FAILED


def run_pin(args: argparse.Namespace, *, out: TextIO, err: TextIO, as_json: bool) -> ExitCode:
    """Run ``wats-production pin``: verify, then write the pin (exit 9 and no pin if not clean)."""
    from pywats_production.compat import SPEC_INFO_VERSION, spec_sha256
    from pywats_production.pins import make_pin

    target = Path(str(args.out))
    if not target.parent.exists():
        raise CliError(f"--out: no such directory: {target.parent}")
    report = _verify(args, err)
    from pywats_production.verify import VerifyReport

    assert isinstance(report, VerifyReport)
    if not report.clean:
        for divergence in report.divergences:
            err.write(f"{divergence}\n")
        raise CliError(
            f"not pinned: the cassette has {len(report.divergences)} divergence(s); correct "
            "them (or the server) and capture again",
            ExitCode.CHECK_FAILED,
        )
    if report.server_version is None:
        raise CliError("not pinned: the cassette does not record the server's version")
    raw = Path(str(args.cassette)).read_bytes()
    pin = make_pin(
        server_version=report.server_version,
        spec_version=SPEC_INFO_VERSION,
        spec_sha256=spec_sha256(),
        cassette=raw,
        exchanges=report.exchanges,
        operations=report.operations,
    )
    pin.write(target)
    if as_json:
        dump_json(pin.to_json(), out)
    else:
        out.write(
            f"pinned server version {pin.server_version} ({len(pin.operations)} operations, "
            f"cassette sha256 {pin.cassette_sha256[:12]}) to {target}\n"
            f"use it: ProductionService(..., pins=[{str(target)!r}]) or "
            f"WATS_PINS={target}{os.pathsep}...\n"
        )
    return ExitCode.OK

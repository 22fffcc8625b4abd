"""``python -m benchmarks [--quick] [--out PATH] [--only NAME ...] [--no-pywats]``.

Starts the contract mock in a child process on loopback, runs the workloads, prints a
Markdown table (every ratio is ours ÷ baseline, measured in this run: lower is better) and
writes every figure as JSON (default ``.bench/results.json``).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from . import _machine, _verify, _workloads
from ._servers import TOKEN, mock_server, write_seed
from ._workloads import Result, Row, Settings

WORKLOADS = ("get_unit", "save_units", "iter_units", "take", "import", "mock", "verify", "pywats")


def _table(rows: list[Row]) -> str:
    header = (
        "workload",
        "setting",
        "ours",
        "baseline",
        "baseline figure",
        "ratio",
        "target",
        "note",
    )
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for row in rows:
        verdict = ""
        if row.target:
            verdict = f"{row.target} {'✓' if row.met else '✗'}"
        cells = (
            row.workload,
            row.setting,
            row.ours,
            row.baseline_name,
            row.baseline,
            f"{row.ratio:.2f}x",
            verdict,
            row.note,
        )
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _machine_line(machine: dict[str, object]) -> str:
    return (
        f"Measured on {machine['cpu_model']}, {machine['cores']} cores "
        f"({machine['usable_cores']} usable), Python {machine['python']} "
        f"({machine['platform']}); load average {machine['load_average_1min']} at the end."
    )


def _in_process_app(seed: Path) -> object:
    import httpx

    from pywats_production.mock import MockSyncTransport, create_app

    app = create_app(seed=seed, token=TOKEN, strict=False)
    with httpx.Client(transport=MockSyncTransport(app), base_url="http://wats-mock") as client:
        body = [
            {"serialNumber": sn, "partNumber": pn, "revision": "A"}
            for sn, pn in (_workloads.RICH_UNIT, _workloads.PLAIN_UNIT)
        ]
        client.put("/api/Production/Units", json=body, headers=_workloads.AUTH).raise_for_status()
    return app


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmarks and return the exit status."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small sizes (smoke run, ~15 s)")
    parser.add_argument("--out", type=Path, default=Path(".bench/results.json"), help="JSON file")
    parser.add_argument(
        "--only", nargs="+", choices=WORKLOADS, default=list(WORKLOADS), help="workloads to run"
    )
    parser.add_argument(
        "--no-pywats", action="store_true", help="skip pywats-api even if installed"
    )
    args = parser.parse_args(argv)
    settings = Settings.make(args.quick)
    work = args.out.parent
    seed = write_seed(work)
    selected = set(args.only)
    with_pywats = "pywats" in selected and not args.no_pywats and _workloads.pywats_available()

    started = time.perf_counter()
    results: dict[str, Result] = {}
    with mock_server(seed) as url:
        _workloads.seed_units(url)

        def app_factory() -> object:
            return _in_process_app(seed)

        steps: tuple[tuple[str, Callable[[], Result]], ...] = (
            ("get_unit", lambda: _workloads.get_unit(url, app_factory, settings)),
            ("save_units", lambda: _workloads.save_units(url, app_factory, settings)),
            ("iter_units", lambda: _workloads.iter_units(url, settings)),
            ("take", lambda: _workloads.take(url, settings)),
            ("import", lambda: _workloads.imports(settings, work / "pycache", with_pywats)),
            ("mock", lambda: _workloads.mock_throughput(url, settings)),
            ("verify", lambda: _verify.verify(seed, work, settings)),
            ("pywats", lambda: _workloads.pywats_api(url, settings)),
        )
        for name, step in steps:
            if name not in selected or (name == "pywats" and not with_pywats):
                continue
            print(f"running {name} ...", file=sys.stderr, flush=True)
            results[name] = step()
    if with_pywats and "import" in results:
        results["pywats"].rows.extend(_workloads.pywats_import_rows(results["import"].figures))

    rows = [row for result in results.values() for row in result.rows]
    machine = _machine.describe()
    skipped = []
    if "pywats" in selected and not with_pywats:
        skipped.append(
            "pywats-api: not installed (pip install pywats-api==0.6.0rc1)"
            if not args.no_pywats
            else "pywats-api: --no-pywats"
        )
    document = {
        "machine": machine,
        "settings": vars(settings),
        "seconds": round(time.perf_counter() - started, 1),
        "convention": "ratio = ours / baseline (time or memory); lower is better",
        "skipped": skipped,
        "results": {name: result.figures for name, result in results.items()},
        "rows": _workloads.as_dicts(rows),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(document, indent=2, default=str), encoding="utf-8")

    print(_table(rows))
    print()
    print(_machine_line(machine))
    if with_pywats:
        print("pywats-api 0.6.0rc1 ran with its 500 requests/minute throttle turned OFF")
        print("(configure_throttling(enabled=False)) and its GET cache OFF (enable_cache=False).")
        print("* without an SDK reference the service remembers, per call, the numbers it")
        print("  handed out for about 6 minutes (to attribute numbers after a lost answer);")
        print("  see docs/benchmarks.md.")
    for line in skipped:
        print(f"skipped: {line}")
    print(f"JSON: {args.out}  ({document['seconds']} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

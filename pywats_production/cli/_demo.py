"""``wats-production demo``: a factory story through the SDK, on the embedded contract mock.

Boards (``PCBA-100``) and power supplies (``PSU-200``) get serial numbers from the pool,
are created, tested (ICT, FCT; one board in five fails FCT, is repaired and passes the
retest), verified and finalized; each ``BOX-900`` box is built from one board and one
power supply, checked against its box build, final-tested, verified, finalized and
shipped; then the unit-changes feed is consumed. Every step checks what the server
answered, and the run fails (exit status 9) on the first step whose checks fail.

The mock runs in-process (``MockSyncTransport``: no socket, nothing to clean up, fastest)
unless ``--sockets`` asks for a real loopback server (``run_in_thread``).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Final, TextIO

import attrs
import httpx

from pywats_production import (
    ChildAlreadyHasParentError,
    ChildNotFinalizedError,
    NotFoundError,
    ProductionBatch,
    ProductionService,
    RequestInfo,
    ResponseInfo,
    RetryPolicy,
    Unit,
    UnitChange,
    UnitPhase,
    WatsError,
    compat,
)
from pywats_production.cli._exit import CliError, ExitCode
from pywats_production.cli._output import Progress, dump_json, format_table

if TYPE_CHECKING:
    from pywats_production.mock import MockApp

__all__ = ["MAX_BOXES", "DemoReport", "StepReport", "run_demo"]

BOARD: Final = "PCBA-100"
PSU: Final = "PSU-200"
BOX: Final = "BOX-900"
SERIAL_TYPE: Final = "SerialNumber"
#: The demo seed's pool holds 100,000 numbers; each box needs three.
MAX_BOXES: Final = 33_333
#: The demo's verification rules (process codes in order), seeded through the admin API.
RULES: Final = {BOARD: [10, 20], PSU: [20], BOX: [30]}
_MOCK_URL: Final = "http://wats-mock"
_RESULTS_PER_POST: Final = 5_000
_FAILURES_SHOWN: Final = 5


@attrs.define
class StepReport:
    """One step of the demo.

    Attributes:
        name: what the step does.
        count: how many items it handled (units, numbers, links, changes).
        requests: SDK requests it sent (retries included; mock admin calls excluded).
        seconds: wall time.
        status: ``ok``, ``failed`` or ``skipped`` (after an earlier failure).
        failures: what did not check out (at most a few, then a count).

    """

    name: str
    count: int = 0
    requests: int = 0
    seconds: float = 0.0
    status: str = "ok"
    failures: list[str] = attrs.Factory(list)


@attrs.define
class DemoReport:
    """The outcome of a demo run (the ``--json`` document).

    Attributes:
        ok: every check passed.
        boxes: boxes built (``--units``).
        units: units created (three per box).
        transport: ``in-process`` or ``sockets``.
        server_version: the mock's version text.
        steps: the steps in order.
        grades: verification grades per part number (grade -> count).
        changes_consumed: unit changes handled and acknowledged.
        requests: SDK requests in all.
        seconds: wall time in all.

    """

    ok: bool
    boxes: int
    units: int
    transport: str
    server_version: str | None
    steps: list[StepReport]
    grades: dict[str, dict[str, int]]
    changes_consumed: int
    requests: int
    seconds: float


class _RequestCounter:
    """A hook counting the SDK's requests (every attempt)."""

    def __init__(self) -> None:
        self.count = 0

    def on_request(self, info: RequestInfo) -> None:
        self.count += 1

    def on_response(self, info: ResponseInfo) -> None:
        return None


class _Checks:
    """Collects failed checks of one step."""

    def __init__(self, step: StepReport) -> None:
        self._step = step
        self._hidden = 0

    def check(self, ok: bool, message: str) -> bool:
        if not ok:
            if len(self._step.failures) < _FAILURES_SHOWN:
                self._step.failures.append(message)
            else:
                self._hidden += 1
        return ok

    def close(self) -> None:
        if self._hidden:
            self._step.failures.append(f"... and {self._hidden} more")


class _Factory:
    """The story. Each public-looking method is one step and returns its item count."""

    def __init__(
        self,
        service: ProductionService,
        admin: httpx.Client,
        progress: Progress,
        boxes: int,
    ) -> None:
        self.service = service
        self.admin = admin
        self.progress = progress
        self.n = boxes
        self.boards: list[str] = []
        self.psus: list[str] = []
        self.boxes: list[str] = []
        self.grades: dict[str, Counter[str]] = {BOARD: Counter(), PSU: Counter(), BOX: Counter()}
        self.server_version: str | None = None
        self.changes: list[UnitChange] = []
        # Simulated factory time for the recorded test runs: one run per second, in order.
        self._clock = dt.datetime.now(dt.UTC).replace(microsecond=0) - dt.timedelta(days=7)
        self._results: list[dict[str, object]] = []

    # --------------------------------------------------------------------- helpers

    def _each(self, label: str, items: Sequence[str]) -> Iterator[tuple[int, str]]:
        total = len(items)
        for index, item in enumerate(items):
            yield index, item
            self.progress.update(label, index + 1, total)
        self.progress.done()

    def _run(
        self,
        serial_number: str,
        part_number: str,
        code: int,
        passed: bool,
        station: str,
        *,
        repaired: bool = False,
    ) -> None:
        self._clock += dt.timedelta(seconds=1)
        self._results.append(
            {
                "serialNumber": serial_number,
                "partNumber": part_number,
                "processCode": code,
                "status": "Passed" if passed else "Failed",
                "stationName": station,
                "startUtc": self._clock.isoformat().replace("+00:00", "Z"),
                "repaired": repaired,
            }
        )

    def _flush_results(self) -> None:
        # The test stations' results reach the mock through its admin API (the Production
        # API has no operation to record a test run: real stations submit test reports).
        for start in range(0, len(self._results), _RESULTS_PER_POST):
            chunk = self._results[start : start + _RESULTS_PER_POST]
            response = self.admin.post("/_mock/process-results", json=chunk)
            if response.status_code != 200:
                raise CliError(
                    f"mock admin API refused the test results: {response.status_code}",
                    ExitCode.ERROR,
                )
        self._results.clear()

    # ----------------------------------------------------------------------- steps

    def connect(self, c: _Checks) -> int:
        version = self.service.server_version()
        self.server_version = version.text
        report = compat.compare(version)
        c.check(bool(version.text), "the server sent an empty version")
        c.check(report.spec_sha256 != "", "the SDK has no spec hash")
        response = self.admin.post(
            "/_mock/seed",
            json={
                "verificationRules": [
                    {"partNumber": pn, "processes": codes} for pn, codes in RULES.items()
                ]
            },
        )
        c.check(response.status_code == 200, f"seeding rules: {response.status_code}")
        return 1

    def take_serial_numbers(self, c: _Checks) -> int:
        taken: dict[str, list[str]] = {}
        for part_number, station in ((BOARD, "SMT-01"), (PSU, "PSU-LINE-01"), (BOX, "PACK-01")):
            numbers = self.service.take_serial_numbers(
                SERIAL_TYPE, self.n, ref_part_number=part_number, station_name=station
            )
            c.check(
                len(numbers) == self.n,
                f"{part_number}: took {len(numbers)} of {self.n} numbers",
            )
            taken[part_number] = numbers
        every = [sn for numbers in taken.values() for sn in numbers]
        duplicates = [sn for sn, k in Counter(every).items() if k > 1]
        c.check(not duplicates, f"duplicate serial numbers taken: {duplicates[:5]}")
        for part_number, numbers in taken.items():
            records = self.service.get_serial_numbers_by_reference(
                SERIAL_TYPE, ref_part_number=part_number
            )
            recorded = {r.serial_number for r in records if r.ref_part_number == part_number}
            c.check(
                recorded == set(numbers),
                f"{part_number}: the pool does not list the taken numbers by reference",
            )
        self.boards, self.psus, self.boxes = taken[BOARD], taken[PSU], taken[BOX]
        return len(every)

    def save_batches(self, c: _Checks) -> int:
        batches = [
            ProductionBatch(batch_number=f"DEMO-{pn}", batch_size=self.n)
            for pn in (BOARD, PSU, BOX)
        ]
        self.service.save_batches(batches)
        return len(batches)

    def create_units(self, c: _Checks) -> int:
        now = dt.datetime.now(dt.UTC).replace(microsecond=0)
        units = [
            Unit(
                serial_number=sn,
                part_number=pn,
                revision="A",
                batch_number=f"DEMO-{pn}",
                serial_date=now,
                current_location=location,
                phase=UnitPhase.UNDER_PRODUCTION,
            )
            for pn, numbers, location in (
                (BOARD, self.boards, "SMT line"),
                (PSU, self.psus, "PSU line"),
                (BOX, self.boxes, "Assembly"),
            )
            for sn in numbers
        ]
        # A real server's answer counts accepted units (okCount), not new ones: ask first
        # whether a freshly taken number is already a unit.
        existing = sum(self._exists(u.serial_number, u.part_number) for u in units)
        c.check(
            existing == 0,
            f"duplicate serial numbers: {existing} of {len(units)} units already existed",
        )
        result = self.service.save_units(units)
        c.check(
            result.error_count == 0,
            f"the server refused {result.error_count} units: {list(result.errors)[:3]}",
        )
        return len(units)

    def _exists(self, serial_number: str, part_number: str) -> bool:
        try:
            self.service.get_unit(serial_number, part_number)
        except NotFoundError:
            return False
        return True

    def test_children(self, c: _Checks) -> int:
        runs = 0
        set_process = self.service.set_unit_process
        for index, sn in self._each("test boards", self.boards):
            set_process(sn, BOARD, "ICT")
            self._run(sn, BOARD, 10, True, "ICT-01")
            set_process(sn, BOARD, "FCT")
            runs += 2
            if index % 5 == 2:
                # One board in five fails FCT, goes to repair and passes the retest.
                self._run(sn, BOARD, 20, False, "FCT-01")
                self.service.set_unit_phase(sn, BOARD, UnitPhase.PRODUCTION_REPAIR)
                self.service.set_unit_phase(sn, BOARD, UnitPhase.UNDER_PRODUCTION)
                self._run(sn, BOARD, 20, True, "FCT-01", repaired=True)
                runs += 1
            else:
                self._run(sn, BOARD, 20, True, "FCT-01")
        for _index, sn in self._each("test power supplies", self.psus):
            set_process(sn, PSU, "FCT")
            self._run(sn, PSU, 20, True, "FCT-02")
            runs += 1
        self._flush_results()
        return runs

    def _verify(self, c: _Checks, label: str, part_number: str, serials: Sequence[str]) -> int:
        for _index, sn in self._each(label, serials):
            grade = self.service.verify_unit(sn, part_number)
            self.grades[part_number][grade.grade or "?"] += 1
            c.check(
                grade.is_passing,
                f"{sn} {part_number} does not verify: status {grade.status}, grade {grade.grade}",
            )
        return len(serials)

    def verify_children(self, c: _Checks) -> int:
        return self._verify(c, "verify boards", BOARD, self.boards) + self._verify(
            c, "verify power supplies", PSU, self.psus
        )

    def refuse_unfinalized_child(self, c: _Checks) -> int:
        try:
            self.service.add_child_unit(self.boxes[0], BOX, self.boards[0], BOARD)
        except ChildNotFinalizedError:
            return 1
        c.check(False, "the server linked a board that is not finalized")
        return 1

    def finalize_children(self, c: _Checks) -> int:
        for _index, sn in self._each("finalize boards", self.boards):
            self.service.set_unit_phase(sn, BOARD, UnitPhase.FINALIZED)
        for _index, sn in self._each("finalize power supplies", self.psus):
            self.service.set_unit_phase(sn, PSU, UnitPhase.FINALIZED)
        return 2 * self.n

    def build_boxes(self, c: _Checks) -> int:
        for index, box in self._each("build boxes", self.boxes):
            self.service.add_child_unit(box, BOX, self.boards[index], BOARD)
            self.service.add_child_unit(box, BOX, self.psus[index], PSU)
        return 2 * self.n

    def refuse_second_parent(self, c: _Checks) -> int:
        other = self.boxes[1] if self.n > 1 else self.boxes[0]
        try:
            self.service.add_child_unit(other, BOX, self.boards[0], BOARD)
        except ChildAlreadyHasParentError:
            return 1
        c.check(False, "the server gave a board a second parent")
        return 1

    def check_boxes(self, c: _Checks) -> int:
        for index, box in self._each("check boxes", self.boxes):
            check = self.service.check_child_units(box, BOX)
            children = {(u.serial_number, u.part_number) for u in check.children}
            c.check(
                check.is_valid is True,
                f"{box}: children do not match the box build",
            )
            c.check(
                children == {(self.boards[index], BOARD), (self.psus[index], PSU)},
                f"{box}: unexpected children {sorted(children)}",
            )
        return self.n

    def final_test_boxes(self, c: _Checks) -> int:
        for _index, box in self._each("final test", self.boxes):
            self.service.set_unit_process(box, BOX, "Final test")
            self._run(box, BOX, 30, True, "FINAL-01")
        self._flush_results()
        return self.n

    def verify_boxes(self, c: _Checks) -> int:
        return self._verify(c, "verify boxes", BOX, self.boxes)

    def ship_boxes(self, c: _Checks) -> int:
        for index, box in self._each("ship boxes", self.boxes):
            self.service.set_unit_phase(box, BOX, UnitPhase.FINALIZED)
            self.service.set_unit_phase(box, BOX, UnitPhase.SHIPPED)
            unit = self.service.get_unit(box, BOX)
            c.check(
                unit.phase == UnitPhase.SHIPPED,
                f"{box}: phase is {unit.phase!r} after shipping",
            )
            subs = {s.serial_number for s in unit.sub_units}
            c.check(
                subs == {self.boards[index], self.psus[index]},
                f"{box}: sub-units {sorted(subs)} after shipping",
            )
        return self.n

    def consume_changes(self, c: _Checks) -> int:
        total = 9 * self.n  # about what the story writes; for the progress line only

        def handle(change: UnitChange) -> None:
            self.changes.append(change)
            self.progress.update(
                "consume changes", len(self.changes), max(total, len(self.changes))
            )

        handled = self.service.consume_unit_changes(handle, max_count=500)
        self.progress.done()
        last_phase: dict[str, UnitPhase] = {}
        parent: dict[str, str] = {}
        for change in self.changes:
            sn = change.unit_serial_number or ""
            if change.new_phase is not None:
                last_phase[sn] = change.new_phase
            if change.new_parent_serial_number:
                parent[sn] = change.new_parent_serial_number
        for index, box in enumerate(self.boxes):
            c.check(
                last_phase.get(box) == UnitPhase.SHIPPED,
                f"{box}: the feed's last phase is {last_phase.get(box)!r}",
            )
            for child in (self.boards[index], self.psus[index]):
                c.check(
                    parent.get(child) == box,
                    f"{child}: the feed does not show parent {box}",
                )
        c.check(
            not self.service.get_unit_changes(1),
            "changes are still pending after consuming the feed",
        )
        return handled

    def contract_check(self, c: _Checks) -> int:
        response = self.admin.get("/_mock/state")
        violations = (
            response.json().get("violations", [])
            if response.status_code == 200
            else [f"state: {response.status_code}"]
        )
        for violation in violations:
            c.check(False, f"contract violation: {violation}")
        return 1

    def steps(self) -> list[tuple[str, Callable[[_Checks], int]]]:
        return [
            ("connect and set up the factory", self.connect),
            ("take serial numbers", self.take_serial_numbers),
            ("save batches", self.save_batches),
            ("create units", self.create_units),
            ("test boards and power supplies", self.test_children),
            ("verify boards and power supplies", self.verify_children),
            ("refuse an unfinalized child", self.refuse_unfinalized_child),
            ("finalize boards and power supplies", self.finalize_children),
            ("build boxes", self.build_boxes),
            ("refuse a second parent", self.refuse_second_parent),
            ("check boxes against the box build", self.check_boxes),
            ("final test boxes", self.final_test_boxes),
            ("verify boxes", self.verify_boxes),
            ("finalize and ship boxes", self.ship_boxes),
            ("consume the unit-changes feed", self.consume_changes),
            ("contract check (strict mock)", self.contract_check),
        ]


def _play(factory: _Factory, counter: _RequestCounter, transport: str) -> DemoReport:
    started = time.perf_counter()
    reports: list[StepReport] = []
    failed = False
    for name, step in factory.steps():
        report = StepReport(name)
        reports.append(report)
        if failed:
            report.status = "skipped"
            continue
        checks = _Checks(report)
        before, begin = counter.count, time.perf_counter()
        try:
            report.count = step(checks)
        except WatsError as exc:
            factory.progress.done()
            checks.check(False, f"{type(exc).__name__}: {exc}")
        finally:
            report.seconds = round(time.perf_counter() - begin, 4)
            report.requests = counter.count - before
        checks.close()
        if report.failures:
            report.status = "failed"
            failed = True
    return DemoReport(
        ok=not failed,
        boxes=factory.n,
        units=3 * factory.n,
        transport=transport,
        server_version=factory.server_version,
        steps=reports,
        grades={pn: dict(sorted(g.items())) for pn, g in factory.grades.items()},
        changes_consumed=len(factory.changes),
        requests=counter.count,
        seconds=round(time.perf_counter() - started, 4),
    )


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _duration(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms" if seconds < 1 else f"{seconds:.2f} s"


def _print_report(report: DemoReport, out: TextIO) -> None:
    out.write(
        f"wats-production demo: {_count(report.boxes, 'box', 'boxes')} from "
        f"{report.units} units on the "
        f"contract mock ({report.transport}, server {report.server_version or '?'})\n\n"
    )
    rows: list[list[object]] = [
        [s.name, s.count, s.requests, _duration(s.seconds), s.status] for s in report.steps
    ]
    rows.append(["total", "", report.requests, _duration(report.seconds), ""])
    out.write(
        format_table(["step", "items", "requests", "time", "result"], rows, align="<>>><") + "\n\n"
    )
    grades = " | ".join(
        f"{pn} " + ", ".join(f"{g} {k}" for g, k in counts.items())
        for pn, counts in report.grades.items()
        if counts
    )
    if grades:
        out.write(f"verification grades: {grades}\n")
    out.write(f"unit changes consumed: {report.changes_consumed}\n")
    for step in report.steps:
        for failure in step.failures:
            out.write(f"FAILED {step.name}: {failure}\n")
    if report.ok:
        n = report.boxes
        out.write(
            f"OK: {_count(n, 'box', 'boxes')} built from {_count(n, 'board', 'boards')} and "
            f"{_count(n, 'power supply', 'power supplies')}, tested, verified and shipped "
            f"in {_duration(report.seconds)} ({report.requests} requests).\n"
        )


@contextlib.contextmanager
def _bound(
    app: MockApp, sockets: bool
) -> Iterator[tuple[ProductionService, httpx.Client, _RequestCounter]]:
    from pywats_production.mock import MockSyncTransport, run_in_thread

    counter = _RequestCounter()
    # A short, fixed retry policy: the in-process mock never needs long waits.
    retry = RetryPolicy(max_attempts=3, initial_backoff=0.05, deadline=10.0)
    with contextlib.ExitStack() as stack:
        if sockets:
            url = stack.enter_context(run_in_thread(app))
            admin = stack.enter_context(httpx.Client(base_url=url, timeout=60))
            service = stack.enter_context(ProductionService(url, hooks=[counter], retry=retry))
        else:
            transport = MockSyncTransport(app)
            client = stack.enter_context(httpx.Client(transport=transport, base_url=_MOCK_URL))
            admin = stack.enter_context(httpx.Client(transport=transport, base_url=_MOCK_URL))
            service = stack.enter_context(
                ProductionService(_MOCK_URL, http_client=client, hooks=[counter], retry=retry)
            )
        yield service, admin, counter


def run_demo(
    boxes: int,
    *,
    out: TextIO,
    err: TextIO,
    json: bool = False,
    sockets: bool = False,
    app: MockApp | None = None,
    progress: bool | None = None,
) -> ExitCode:
    """Run the factory demo and print its summary (or its JSON report).

    Args:
        boxes: boxes to build (1 to :data:`MAX_BOXES`); three units each.
        out: where the summary or the JSON document goes.
        err: where progress and the failure line go.
        json: print the :class:`DemoReport` as one JSON document.
        sockets: serve the mock on a loopback port instead of in-process.
        app: the mock to run against (a fresh ``create_app(seed="demo")`` when None).
        progress: show progress on ``err`` (None: when ``err`` is a terminal).

    Returns:
        :attr:`ExitCode.OK`, or :attr:`ExitCode.CHECK_FAILED` when a check failed.

    Raises:
        CliError: ``boxes`` out of range, or the mock extra is not installed.

    """
    if not 1 <= boxes <= MAX_BOXES:
        raise CliError(f"--units must be between 1 and {MAX_BOXES}, got {boxes}")
    try:
        from pywats_production.mock import create_app
    except ImportError as exc:
        raise CliError(str(exc), ExitCode.ERROR) from exc
    mock = app if app is not None else create_app(seed="demo")
    with _bound(mock, sockets) as (service, admin, counter):
        factory = _Factory(service, admin, Progress(err, enabled=progress), boxes)
        report = _play(factory, counter, "sockets" if sockets else "in-process")
    if json:
        dump_json(report, out)
    else:
        _print_report(report, out)
    if not report.ok:
        failed = next(s for s in report.steps if s.status == "failed")
        err.write(f"wats-production: check failed: {failed.name}: {failed.failures[0]}\n")
        return ExitCode.CHECK_FAILED
    return ExitCode.OK

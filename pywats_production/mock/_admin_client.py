"""A typed client of the admin API (/_mock/), for tests and scripts."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import cast

import httpx

from ._formats import format_date_time
from ._store import PoolCounts


class MockAdminError(Exception):
    """The admin API refused a request."""


@dataclass(frozen=True, slots=True)
class MockState:
    """Summary of the mock's state (GET /_mock/state)."""

    units: int
    pending_changes: int
    batches: int
    products: int
    processes: int
    process_results: int
    pools: dict[str, PoolCounts]
    violations: list[str]


@dataclass(frozen=True, slots=True)
class FaultLogEntry:
    """One injected fault."""

    sequence: int
    operation: str
    kind: str
    call: int
    client: str
    status: int | None
    ms: int | None


@dataclass(frozen=True, slots=True)
class FaultReport:
    """The fault plan (with counters), the log and counts by kind and operation."""

    plan: list[Mapping[str, object]]
    log: list[FaultLogEntry]
    counts: dict[str, dict[str, int]]

    def count(self, kind: str, operation: str | None = None) -> int:
        """How many faults of ``kind`` were injected (into ``operation``, or in all)."""
        per_operation = self.counts.get(kind, {})
        return per_operation.get(operation, 0) if operation else sum(per_operation.values())


def _int(data: Mapping[str, object], key: str) -> int:
    return int(cast("int", data[key]))


class MockAdmin:
    """Calls the admin API of a running mock (in-process or over a socket).

    Example:
        >>> admin = MockAdmin.for_app(create_app())  # doctest: +SKIP
        >>> admin.add_process_result("SN1", 10, "Passed", part_number="PCBA-100")  # doctest: +SKIP
        >>> admin.set_faults([{"kind": "status", "operation": "getUnit"}])  # doctest: +SKIP

    """

    def __init__(self, client: httpx.Client) -> None:
        """Use ``client`` (its base URL must be the mock's; auth headers set if needed)."""
        self._client = client

    @classmethod
    def for_app(cls, app: object, token: str | None = None) -> MockAdmin:
        """Bind to an in-process :class:`MockApp` through :class:`MockSyncTransport`."""
        from ._app import MockApp
        from ._transports import MockSyncTransport

        mock = cast("MockApp", app)
        headers = {"Authorization": f"Basic {token or mock.token}"} if (token or mock.token) else {}
        client = httpx.Client(
            transport=MockSyncTransport(mock), base_url="http://wats-mock", headers=headers
        )
        return cls(client)

    @classmethod
    def for_url(cls, url: str, token: str | None = None) -> MockAdmin:
        """Bind to a mock served at ``url``."""
        headers = {"Authorization": f"Basic {token}"} if token else {}
        return cls(httpx.Client(base_url=url, headers=headers, timeout=30))

    def close(self) -> None:
        """Close the HTTP client."""
        self._client.close()

    def _call(self, method: str, path: str, body: object = None) -> Mapping[str, object]:
        response = self._client.request(method, path, json=body)
        if response.status_code != 200:
            raise MockAdminError(f"{method} {path}: {response.status_code} {response.text}")
        return cast("Mapping[str, object]", response.json())

    @staticmethod
    def _state(data: Mapping[str, object]) -> MockState:
        pools = cast("Mapping[str, Mapping[str, int]]", data["serialNumberTypes"])
        return MockState(
            units=_int(data, "units"),
            pending_changes=_int(data, "pendingChanges"),
            batches=_int(data, "batches"),
            products=_int(data, "products"),
            processes=_int(data, "processes"),
            process_results=_int(data, "processResults"),
            pools={
                name: PoolCounts(name, c["size"], c["free"], c["taken"])
                for name, c in pools.items()
            },
            violations=[str(v) for v in cast("list[object]", data["violations"])],
        )

    @staticmethod
    def _faults(data: Mapping[str, object]) -> FaultReport:
        log = [
            FaultLogEntry(
                sequence=_int(e, "sequence"),
                operation=str(e["operation"]),
                kind=str(e["kind"]),
                call=_int(e, "call"),
                client=str(e["client"]),
                status=cast("int | None", e.get("status")),
                ms=cast("int | None", e.get("ms")),
            )
            for e in cast("list[Mapping[str, object]]", data["log"])
        ]
        return FaultReport(
            plan=list(cast("list[Mapping[str, object]]", data["plan"])),
            log=log,
            counts=cast("dict[str, dict[str, int]]", data["counts"]),
        )

    def state(self) -> MockState:
        """GET /_mock/state."""
        return self._state(self._call("GET", "/_mock/state"))

    def reset(self, seed: str | Mapping[str, object] | None = None) -> MockState:
        """POST /_mock/reset: forget everything, apply ``seed`` (the app's own when None)."""
        return self._state(self._call("POST", "/_mock/reset", {"seed": seed} if seed else {}))

    def seed(self, document: Mapping[str, object]) -> MockState:
        """POST /_mock/seed: add products, processes, types, rules, units."""
        return self._state(self._call("POST", "/_mock/seed", dict(document)))

    def add_process_result(
        self,
        serial_number: str,
        process_code: int,
        status: str,
        *,
        part_number: str | None = None,
        station_name: str | None = None,
        start_utc: datetime | None = None,
        repaired: bool = False,
    ) -> None:
        """POST /_mock/process-results: record one run (``status`` Passed or Failed)."""
        body: dict[str, object] = {
            "serialNumber": serial_number,
            "processCode": process_code,
            "status": status,
            "repaired": repaired,
        }
        if part_number is not None:
            body["partNumber"] = part_number
        if station_name is not None:
            body["stationName"] = station_name
        if start_utc is not None:
            body["startUtc"] = format_date_time(start_utc)
        self._call("POST", "/_mock/process-results", body)

    def serial_numbers(self, type_name: str) -> PoolCounts:
        """GET /_mock/serial-numbers/{type}: size, free and taken numbers."""
        data = self._call("GET", f"/_mock/serial-numbers/{type_name}")
        return PoolCounts(
            str(data["name"]), _int(data, "size"), _int(data, "free"), _int(data, "taken")
        )

    def set_faults(self, rules: Sequence[Mapping[str, object]]) -> FaultReport:
        """POST /_mock/faults: replace the fault plan."""
        return self._faults(
            self._call("POST", "/_mock/faults", {"faults": [dict(r) for r in rules]})
        )

    def clear_faults(self) -> FaultReport:
        """DELETE /_mock/faults: remove the plan and forget the log."""
        return self._faults(self._call("DELETE", "/_mock/faults"))

    def faults(self) -> FaultReport:
        """GET /_mock/faults: the plan, the log and the counts."""
        return self._faults(self._call("GET", "/_mock/faults"))

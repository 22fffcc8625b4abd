"""The ASGI application: routing, auth, faults, validation, handlers, strict mode."""

from __future__ import annotations

import contextlib
import functools
import logging
from collections.abc import Callable, Mapping
from datetime import datetime
from pathlib import Path
from typing import cast
from urllib.parse import parse_qsl

import anyio
from starlette.responses import Response
from starlette.routing import Route, Router
from starlette.types import Receive, Scope, Send

from ._contract import (
    MAX_BODY_BYTES,
    BodyTooLarge,
    Contract,
    NoRoute,
    Operation,
    RequestInvalid,
    ResponseInvalid,
    ValidatedRequest,
    version_parts,
)
from ._domain import ERROR_STYLES, DomainError, Violation
from ._faults import ConnectionDropped, FaultInjector
from ._formats import parse_date_time
from ._problem import error_response, problem
from ._problem import json_bytes as _json
from ._seeds import load_seed
from ._spec import load_spec
from ._store import Store
from ._wire import FileInvalid, export_csv, export_xml, parse_csv, parse_xml, take_csv, take_xml

logger = logging.getLogger("pywats_production.mock")

SERVER_VERSION = "2026.3.0"
"""The version the mock reports by default: the newest line the project supports, numbered
as real servers are (``YYYY.N[.patch.build]``: 2026.1.5.324 from a live server,
olreppe/pyWATS@7a3a224; 2026.3.0 is pywats-api 0.6.0rc1's minimum). Settable per app."""
DEFAULT_ERROR_STYLE = "text"
Handler = Callable[[ValidatedRequest], Response]


class ContractViolation(Exception):
    """A response of the mock breaks the contract (strict mode).

    The mock answers 500 with a Problem whose ``code`` is ``contract_violation`` instead,
    records the violation in ``store.violations`` and logs it at ERROR.
    """

    def __init__(self, violation: Violation) -> None:
        super().__init__(str(violation))
        self.violation = violation


@functools.lru_cache(maxsize=1)
def default_contract() -> Contract:
    """Return the pinned spec, compiled once per process."""
    return Contract(load_spec())


@functools.lru_cache(maxsize=1)
def internal_contract() -> Contract:
    """Return the internal contract (spec/production-internal-api.yaml), compiled once."""
    import copy

    from .._upstream import internal_spec_path

    spec = copy.deepcopy(dict(load_spec(internal_spec_path())))
    # The Referer header parameter is checked by the app itself (strict mode); the
    # compiled contract validates path, query and body.
    for item in cast("dict[str, dict[str, dict[str, object]]]", spec["paths"]).values():
        for op in item.values():
            params = cast("list[dict[str, object]]", op.get("parameters", []))
            op["parameters"] = [p for p in params if "$ref" not in p and p.get("in") != "header"]
    return Contract(spec)


def _ok_json(value: object) -> Response:
    return Response(_json(value), 200, media_type="application/json")


def _empty() -> Response:
    return Response(status_code=200)


def _str(params: Mapping[str, object], name: str) -> str | None:
    value = params.get(name)
    return value if isinstance(value, str) else None


def _date(params: Mapping[str, object], name: str) -> datetime | None:
    value = _str(params, name)
    return parse_date_time(value) if value else None


async def _read_body(receive: Receive, limit: int = MAX_BODY_BYTES) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise ConnectionDropped("client disconnected")
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise BodyTooLarge(limit)
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)


class MockApp:
    """The contract mock: an ASGI application with its state, faults and contract.

    Attributes:
        store: The in-memory WATS (units, pools, changes, ...; ``store.violations``).
        faults: The fault injector (plan and log).
        contract: The compiled spec.
        handlers: The handler of each operationId (replaceable, e.g. in tests).
        strict: Whether every response is validated against the spec.
        token: The token required in ``Authorization: Basic <token>`` (None: no auth).
        server_version: What GET /api/App/Version answers.
        default_error_style: The error style unless the seed sets ``errorStyle``.

    """

    def __init__(
        self,
        *,
        seed: str | Path | Mapping[str, object] = "demo",
        token: str | None = None,
        strict: bool = True,
        clock: Callable[[], datetime] | None = None,
        contract: Contract | None = None,
        max_body_bytes: int = MAX_BODY_BYTES,
        server_version: str = SERVER_VERSION,
        error_style: str = DEFAULT_ERROR_STYLE,
    ) -> None:
        """See :func:`create_app`."""
        if error_style not in ERROR_STYLES:
            raise ValueError(f"error_style must be one of {', '.join(ERROR_STYLES)}")
        if not isinstance(server_version, str) or not server_version.strip():
            raise ValueError("server_version must be a non-empty text")
        self.max_body_bytes = max_body_bytes
        try:
            self._version = version_parts(server_version)
        except ValueError:
            raise ValueError(
                "server_version must start with dotted numbers such as 2026.3.0 (operations "
                f"are served by version), not {server_version!r}"
            ) from None
        self.server_version = server_version
        self.default_error_style = error_style
        self.contract = contract or default_contract()
        self.store = Store(clock)
        self.faults = FaultInjector()
        self.strict = strict
        self.token = token
        self._expected_auth = f"basic {token}" if token else None
        self._seed = seed
        self.store.apply_seed(load_seed(seed))
        self.handlers: dict[str, Handler] = {
            "getUnit": self._get_unit,
            "putUnits": self._put_units,
            "setUnitPhase": self._set_unit_phase,
            "setUnitProcess": self._set_unit_process,
            "getUnitVerification": self._get_unit_verification,
            "addChildUnit": self._add_child_unit,
            "removeChildUnit": self._remove_child_unit,
            "checkChildUnits": self._check_child_units,
            "getSerialNumberTypes": self._get_serial_number_types,
            "takeSerialNumbers": self._take_serial_numbers,
            "getSerialNumbersByRange": self._get_serial_numbers_by_range,
            "getSerialNumbersByReference": self._get_serial_numbers_by_reference,
            "exportSerialNumbers": self._export_serial_numbers,
            "uploadSerialNumbers": self._upload_serial_numbers,
            "putBatches": self._put_batches,
            "getUnitChanges": self._get_unit_changes,
            "deleteUnitChange": self._delete_unit_change,
            "getServerVersion": self._get_server_version,
            "getProcesses": self._get_processes,
            "queryUnits": self._query_units,
            "createUnit": self._create_unit,
            "updateUnit": self._update_unit,
            "deleteUnit": self._delete_unit,
            "changeUnit": self._change_unit,
            "setUnitTag": self._set_unit_tag,
        }
        from ._internal import InternalRoutes

        self.internal_contract = internal_contract()
        self.internal = InternalRoutes(self.store)
        missing = set(self.contract.operations) - set(self.handlers)
        missing |= set(self.internal_contract.operations) - set(self.internal.handlers)
        if missing:
            raise RuntimeError(f"no handler for {', '.join(sorted(missing))}")
        from ._admin import admin_routes

        self._admin = Router(
            routes=[
                Route(path, endpoint, methods=methods)
                for path, endpoint, methods in admin_routes(self)
            ]
        )

    @property
    def app(self) -> MockApp:
        """The ASGI application (this object), for symmetry with wrappers."""
        return self

    def serves(self, operation: Operation) -> bool:
        """Tell whether this server version has ``operation`` (its ``x-wats-since``).

        Args:
            operation: a compiled operation of the contract.

        Returns:
            False for an operation newer than the version served: its route answers 404,
            as an older server would.

        """
        return operation.since is None or self._version >= operation.since

    @property
    def error_style(self) -> str:
        """The error style in force: the seed's ``errorStyle``, else the app's default."""
        return self.store.error_style or self.default_error_style

    def _error(
        self,
        status: int,
        code: str | None,
        detail: str,
        parameter: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Response:
        return error_response(self.error_style, status, code, detail, parameter, headers)

    @property
    def violations(self) -> list[Violation]:
        """Contract violations recorded in strict mode (empty when all is well)."""
        return self.store.violations

    def reset(self, seed: str | Path | Mapping[str, object] | None = None) -> None:
        """Forget all state and faults and apply ``seed`` (the app's own seed when None)."""
        data = load_seed(self._seed if seed is None else seed)
        with self.store.lock:
            self.store.clear()
            self.store.apply_seed(data)
        self.faults.clear()

    # ------------------------------------------------------------------ ASGI

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Serve one ASGI connection scope."""
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        headers = _headers(scope)
        if self._expected_auth is not None:
            sent = headers.get("authorization", "")
            scheme, _, value = sent.partition(" ")
            if f"{scheme.lower()} {value.strip()}" != self._expected_auth:
                await self._error(
                    401,
                    "unauthorized",
                    "missing or wrong Authorization: Basic <token>",
                    headers={"WWW-Authenticate": 'Basic realm="WATS"'},
                )(scope, receive, send)
                return
        path: str = scope["path"]
        if path == "/_mock" or path.startswith("/_mock/"):
            await self._admin(scope, receive, send)
            return
        await self._api(scope, receive, send, headers)

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return

    async def _drop(self, send: Send) -> None:
        # Announce a body that never comes, then fail: uvicorn closes the socket and the
        # client sees the connection end mid-response; the transports turn the exception
        # into the httpx error a real socket gives.
        await send(
            {"type": "http.response.start", "status": 500, "headers": [(b"content-length", b"1")]}
        )
        raise ConnectionDropped("connection dropped by the fault plan")

    async def _api(
        self, scope: Scope, receive: Receive, send: Send, headers: dict[str, str]
    ) -> None:
        method: str = scope["method"]
        raw_path = cast("bytes", scope.get("raw_path") or scope["path"].encode("utf-8"))
        raw_path = raw_path.split(b"?", 1)[0]
        internal = raw_path.startswith(b"/api/internal/")
        contract = self.internal_contract if internal else self.contract
        try:
            operation, path_values = contract.match(method, raw_path)
            if not self.serves(operation):
                raise NoRoute(self._allowed_on(operation.template))
        except NoRoute as exc:
            if not exc.allowed:
                response = self._error(404, None, f"no route {method} {scope['path']}")
            else:
                response = self._error(
                    405,
                    None,
                    f"{method} is not allowed here",
                    headers={"Allow": ", ".join(exc.allowed)},
                )
            await response(scope, receive, send)
            return
        drop_after = False
        if self.faults.active:
            client = headers.get("authorization") or str((scope.get("client") or ("?",))[0])
            decision = self.faults.decide(operation.operation_id, client, self.store.now())
            if decision.latency_ms:
                await anyio.sleep(decision.latency_ms / 1000)
            if decision.drop_before:
                if operation.body_media:
                    # Take the unread body off the socket (without processing it): closing
                    # with unread bytes makes the kernel reset the connection, which the
                    # client would see as a ReadError instead of a clean disconnect.
                    with contextlib.suppress(BodyTooLarge):
                        await _read_body(receive, self.max_body_bytes)
                await self._drop(send)
            if decision.status is not None:
                extra = {"Retry-After": str(decision.retry_after)} if decision.retry_after else None
                await self._error(
                    decision.status,
                    decision.code,
                    f"{decision.code} injected by the fault plan",
                    headers=extra,
                )(scope, receive, send)
                return
            drop_after = decision.drop_after
        body = b""
        if operation.body_media:
            declared = headers.get("content-length", "")
            try:
                if declared.isdigit() and int(declared) > self.max_body_bytes:
                    raise BodyTooLarge(self.max_body_bytes)
                body = await _read_body(receive, self.max_body_bytes)
            except BodyTooLarge as exc:
                # Connection: close: the rest of the body is never read, so the connection
                # cannot carry another request.
                await self._error(
                    413,
                    "body_too_large",
                    f"the request body is larger than {exc.limit} bytes",
                    "body",
                    headers={"Connection": "close"},
                )(scope, receive, send)
                return
        query = dict(
            parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)
        )
        refused = internal and self.strict and not headers.get("referer", "").strip()
        if refused:
            # The internal routes need a Referer (EVIDENCE.md); what a server answers
            # without one is not published: the mock refuses, naming the header.
            response = self._error(
                400, "invalid_parameter", "the Referer header is required", "Referer"
            )
        else:
            response = self._respond(
                operation, path_values, query, headers.get("content-type"), body, internal
            )
        if self.strict and not refused:
            response = self._enforce(operation, method, scope["path"], response)
        if drop_after:
            await self._drop(send)
        await response(scope, receive, send)

    def _allowed_on(self, template: str) -> list[str] | None:
        # The methods of a path that this version serves (None: the path does not exist).
        allowed = sorted(
            op.method
            for op in self.contract.operations.values()
            if op.template == template and self.serves(op)
        )
        return allowed or None

    def _respond(
        self,
        operation: Operation,
        path_values: dict[str, str],
        query: dict[str, str],
        content_type: str | None,
        body: bytes,
        internal: bool = False,
    ) -> Response:
        try:
            request = operation.validate_request(path_values, query, content_type, body)
        except RequestInvalid as exc:
            return self._error(400, "invalid_parameter", exc.detail, exc.parameter)
        handlers = self.internal.handlers if internal else self.handlers
        try:
            return handlers[operation.operation_id](request)
        except DomainError as exc:
            return self._error(exc.status, exc.code, exc.detail, exc.parameter)
        except Exception as exc:  # a bug of the mock: loud, never silent
            logger.exception("mock handler %s failed", operation.operation_id)
            violation = Violation(
                operation.operation_id,
                operation.method,
                operation.template,
                500,
                f"handler raised {exc!r}",
            )
            self.store.violations.append(violation)
            return problem(500, "mock_error", f"the mock failed: {exc!r}")

    def _enforce(
        self, operation: Operation, method: str, path: str, response: Response
    ) -> Response:
        if (
            response.status_code == 500
            and response.headers.get("content-type") == "application/problem+json"
        ):
            return response
        try:
            operation.check_response(
                response.status_code, response.headers.get("content-type"), bytes(response.body)
            )
        except ResponseInvalid as exc:
            violation = Violation(
                operation.operation_id, method, path, response.status_code, str(exc)
            )
            self.store.violations.append(violation)
            logger.error("contract violation: %s", ContractViolation(violation))
            return problem(500, "contract_violation", str(violation))
        return response

    # ------------------------------------------------------------------ handlers

    def _get_unit(self, request: ValidatedRequest) -> Response:
        p = request.params
        return _ok_json(self.store.get_unit(str(p["serialNumber"]), str(p["partNumber"])))

    def _put_units(self, request: ValidatedRequest) -> Response:
        return _ok_json(self.store.put_units(cast("list[object]", request.body)))

    def _set_unit_phase(self, request: ValidatedRequest) -> Response:
        p = request.params
        sn, pn = str(p["serialNumber"]), str(p["partNumber"])
        with self.store.lock:
            self.store.set_phase(sn, pn, cast("int", p["phase"]))
            self.internal.note(self.store.find_unit(sn, pn))
        return _empty()

    def _set_unit_process(self, request: ValidatedRequest) -> Response:
        p = request.params
        sn, pn = str(p["serialNumber"]), str(p["partNumber"])
        with self.store.lock:
            self.store.set_process(sn, pn, str(p["processName"]))
            self.internal.note(self.store.find_unit(sn, pn))
        return _empty()

    def _get_unit_verification(self, request: ValidatedRequest) -> Response:
        p = request.params
        return _ok_json(self.store.verification(str(p["serialNumber"]), _str(p, "partNumber")))

    def _add_child_unit(self, request: ValidatedRequest) -> Response:
        p = request.params
        self.store.add_child(
            str(p["parentSerialNumber"]),
            _str(p, "parentPartNumber"),
            str(p["childSerialNumber"]),
            _str(p, "childPartNumber"),
            _str(p, "checkPartNumber"),
            _str(p, "checkRevision"),
        )
        return _empty()

    def _remove_child_unit(self, request: ValidatedRequest) -> Response:
        p = request.params
        self.store.remove_child(
            str(p["parentSerialNumber"]),
            _str(p, "parentPartNumber"),
            str(p["childSerialNumber"]),
            _str(p, "childPartNumber"),
        )
        return _empty()

    def _check_child_units(self, request: ValidatedRequest) -> Response:
        p = request.params
        return _ok_json(
            self.store.check_children(str(p["parentSerialNumber"]), _str(p, "parentPartNumber"))
        )

    def _get_serial_number_types(self, request: ValidatedRequest) -> Response:
        return _ok_json(self.store.list_types())

    def _take_serial_numbers(self, request: ValidatedRequest) -> Response:
        p = request.params
        numbers = self.store.take(
            str(p["serialNumberType"]),
            cast("int", p["quantity"]),
            _str(p, "refSN"),
            _str(p, "refPN"),
            _str(p, "stationName"),
            bool(p.get("onlyInSequence", False)),
        )
        if p.get("format") == "CSV":
            return Response(take_csv(numbers), 200, media_type="text/csv")
        return Response(take_xml(numbers), 200, media_type="application/xml")

    def _get_serial_numbers_by_range(self, request: ValidatedRequest) -> Response:
        p = request.params
        rows = self.store.numbers(
            str(p["serialNumberType"]),
            str(p["startAddress"]),
            str(p["endAddress"]),
            _date(p, "startDate"),
            _date(p, "endDate"),
        )
        return _ok_json([self.store.to_record(r) for r in rows])

    def _get_serial_numbers_by_reference(self, request: ValidatedRequest) -> Response:
        p = request.params
        rows = self.store.numbers_by_reference(
            str(p["serialNumberType"]),
            _str(p, "refSN"),
            _str(p, "refPN"),
            _date(p, "startDate"),
            _date(p, "endDate"),
        )
        return _ok_json([self.store.to_record(r) for r in rows])

    def _export_serial_numbers(self, request: ValidatedRequest) -> Response:
        p = request.params
        name = str(p["serialNumberType"])
        rows = self.store.numbers(
            name,
            _str(p, "startAddress") or None,
            _str(p, "endAddress") or None,
            _date(p, "startDate"),
            _date(p, "endDate"),
        )
        if p["format"] == "CSV":
            return Response(export_csv(rows), 200, media_type="text/csv")
        return Response(export_xml(name, rows), 200, media_type="application/xml")

    def _upload_serial_numbers(self, request: ValidatedRequest) -> Response:
        p = request.params
        name = str(p["serialNumberType"])
        with self.store.lock:
            self.store.serial_type(name)  # 404 before 400 for a bad file
        data = request.files["file"]
        try:
            rows = parse_csv(data) if p["format"] == "CSV" else parse_xml(data)
        except FileInvalid as exc:
            raise DomainError(400, "invalid_parameter", str(exc), "file") from None
        self.store.upload(name, rows)
        return _empty()

    def _put_batches(self, request: ValidatedRequest) -> Response:
        self.store.put_batches(cast("list[object]", request.body))
        return _empty()

    def _get_unit_changes(self, request: ValidatedRequest) -> Response:
        max_count = cast("int", request.params["maxCount"])
        if max_count < 1:
            raise DomainError(400, "invalid_parameter", "maxCount must be at least 1", "maxCount")
        return _ok_json(self.store.get_changes(max_count))

    def _delete_unit_change(self, request: ValidatedRequest) -> Response:
        self.store.delete_change(cast("int", request.params["id"]))
        return _empty()

    def _get_server_version(self, request: ValidatedRequest) -> Response:
        return _ok_json(self.server_version)

    def _query_units(self, request: ValidatedRequest) -> Response:
        p = request.params
        top = p.get("$top")
        return _ok_json(
            self.store.query_units(
                _str(p, "$filter"), top if isinstance(top, int) else None, _str(p, "$orderby")
            )
        )

    def _create_unit(self, request: ValidatedRequest) -> Response:
        self.store.create_unit(cast("Mapping[str, object]", request.body))
        return _empty()

    def _update_unit(self, request: ValidatedRequest) -> Response:
        self.store.update_unit(cast("Mapping[str, object]", request.body))
        return _empty()

    def _delete_unit(self, request: ValidatedRequest) -> Response:
        p = request.params
        self.store.delete_unit(str(p["serialNumber"]), str(p["partNumber"]))
        return _empty()

    def _change_unit(self, request: ValidatedRequest) -> Response:
        p = request.params
        self.store.change_unit(
            str(p["serialNumber"]),
            str(p["partNumber"]),
            str(p["newPartNumber"]),
            str(p["newRevision"]),
        )
        return _empty()

    def _set_unit_tag(self, request: ValidatedRequest) -> Response:
        p = request.params
        self.store.set_tag(
            str(p["serialNumber"]), str(p["partNumber"]), str(p["key"]), str(p["value"])
        )
        return _empty()

    def _get_processes(self, request: ValidatedRequest) -> Response:
        p = request.params
        names = {
            "includeTestOperations": "test",
            "includeRepairOperations": "repair",
            "includeWipOperations": "wip",
            "includeInactiveProcesses": "inactive",
        }
        include = {short: bool(p[name]) for name, short in names.items() if name in p}
        return _ok_json(self.store.list_processes(include))


def _headers(scope: Scope) -> dict[str, str]:
    return {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", ())}


def create_app(
    *,
    seed: str | Path | Mapping[str, object] = "demo",
    token: str | None = None,
    strict: bool = True,
    clock: Callable[[], datetime] | None = None,
    max_body_bytes: int = MAX_BODY_BYTES,
    server_version: str = SERVER_VERSION,
    error_style: str = DEFAULT_ERROR_STYLE,
) -> MockApp:
    """Create a contract mock of the WATS Production API.

    Args:
        seed: ``"demo"`` (default), ``"empty"``, a YAML/JSON seed file, or a seed document.
        token: When given, every request must carry ``Authorization: Basic <token>``.
        strict: Validate every response against the spec; an off-contract one becomes a
            500 ``contract_violation`` and is recorded in ``store.violations``.
        clock: Returns the current time (UTC); used for taken times and the budget.
        max_body_bytes: Largest request body read; a larger one is answered 413 (default
            32 MiB).
        server_version: What GET /api/App/Version answers (default ``2026.3.0``, numbered
            as real servers are). Operations newer than it (their ``x-wats-since`` in the
            spec) answer 404, as an older server would: ``"2025.3.9.824"`` serves only the
            published operations.
        error_style: How errors are worded: ``text`` (default: the bare message, as the
            one real error body found), ``webapi`` (``{"Message": ...}``) or ``problem``
            (problem+json with a machine-readable ``code``). A seed's ``errorStyle``
            overrides it.

    Returns:
        The ASGI application.

    Raises:
        ValueError: a server version that does not start with dotted numbers.

    Example:
        >>> import httpx
        >>> from pywats_production.mock import MockAsyncTransport, create_app
        >>> app = create_app()
        >>> client = httpx.AsyncClient(transport=MockAsyncTransport(app), base_url="http://wats-mock")

    """
    return MockApp(
        seed=seed,
        token=token,
        strict=strict,
        clock=clock,
        max_body_bytes=max_body_bytes,
        server_version=server_version,
        error_style=error_style,
    )

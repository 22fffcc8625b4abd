from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...models.process import Process
from ...types import UNSET, Response, Unset


def request_kwargs(
    *,
    include_test_operations: bool | Unset = UNSET,
    include_repair_operations: bool | Unset = UNSET,
    include_wip_operations: bool | Unset = UNSET,
    include_inactive_processes: bool | Unset = UNSET,
) -> dict[str, Any]:
    """Build the arguments of ``httpx.Client.request`` for GET ``/api/App/Processes``.

    The public request builder of this operation: keys ``method`` and ``url`` (path
    segments percent-encoded, dots too) and, as the operation needs, ``params``,
    ``json``, ``files`` and ``headers``. It sends nothing.
    """

    params: dict[str, Any] = {}

    params["includeTestOperations"] = include_test_operations

    params["includeRepairOperations"] = include_repair_operations

    params["includeWipOperations"] = include_wip_operations

    params["includeInactiveProcesses"] = include_inactive_processes

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/App/Processes",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Problem | list[Process] | None:
    if response.status_code == 200:
        response_200 = []
        _response_200 = response.json()
        for response_200_item_data in _response_200:
            response_200_item = Process.from_dict(response_200_item_data)

            response_200.append(response_200_item)

        return response_200

    if response.status_code == 400:
        response_400 = Problem.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())

        return response_401

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Problem | list[Process]]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    include_test_operations: bool | Unset = UNSET,
    include_repair_operations: bool | Unset = UNSET,
    include_wip_operations: bool | Unset = UNSET,
    include_inactive_processes: bool | Unset = UNSET,
) -> Response[Problem | list[Process]]:
    """List processes (test, repair and WIP operations).

    Args:
        include_test_operations (bool | Unset):
        include_repair_operations (bool | Unset):
        include_wip_operations (bool | Unset):
        include_inactive_processes (bool | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | list[Process]]
    """

    kwargs = request_kwargs(
        include_test_operations=include_test_operations,
        include_repair_operations=include_repair_operations,
        include_wip_operations=include_wip_operations,
        include_inactive_processes=include_inactive_processes,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    include_test_operations: bool | Unset = UNSET,
    include_repair_operations: bool | Unset = UNSET,
    include_wip_operations: bool | Unset = UNSET,
    include_inactive_processes: bool | Unset = UNSET,
) -> Problem | list[Process] | None:
    """List processes (test, repair and WIP operations).

    Args:
        include_test_operations (bool | Unset):
        include_repair_operations (bool | Unset):
        include_wip_operations (bool | Unset):
        include_inactive_processes (bool | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | list[Process]
    """

    return sync_detailed(
        client=client,
        include_test_operations=include_test_operations,
        include_repair_operations=include_repair_operations,
        include_wip_operations=include_wip_operations,
        include_inactive_processes=include_inactive_processes,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    include_test_operations: bool | Unset = UNSET,
    include_repair_operations: bool | Unset = UNSET,
    include_wip_operations: bool | Unset = UNSET,
    include_inactive_processes: bool | Unset = UNSET,
) -> Response[Problem | list[Process]]:
    """List processes (test, repair and WIP operations).

    Args:
        include_test_operations (bool | Unset):
        include_repair_operations (bool | Unset):
        include_wip_operations (bool | Unset):
        include_inactive_processes (bool | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | list[Process]]
    """

    kwargs = request_kwargs(
        include_test_operations=include_test_operations,
        include_repair_operations=include_repair_operations,
        include_wip_operations=include_wip_operations,
        include_inactive_processes=include_inactive_processes,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    include_test_operations: bool | Unset = UNSET,
    include_repair_operations: bool | Unset = UNSET,
    include_wip_operations: bool | Unset = UNSET,
    include_inactive_processes: bool | Unset = UNSET,
) -> Problem | list[Process] | None:
    """List processes (test, repair and WIP operations).

    Args:
        include_test_operations (bool | Unset):
        include_repair_operations (bool | Unset):
        include_wip_operations (bool | Unset):
        include_inactive_processes (bool | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | list[Process]
    """

    return (
        await asyncio_detailed(
            client=client,
            include_test_operations=include_test_operations,
            include_repair_operations=include_repair_operations,
            include_wip_operations=include_wip_operations,
            include_inactive_processes=include_inactive_processes,
        )
    ).parsed

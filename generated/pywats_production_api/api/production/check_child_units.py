from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.child_unit_check import ChildUnitCheck
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def request_kwargs(
    *,
    parent_serial_number: str,
    parent_part_number: str | Unset = UNSET,
) -> dict[str, Any]:
    """Build the arguments of ``httpx.Client.request`` for GET ``/api/Production/CheckChildUnits``.

    The public request builder of this operation: keys ``method`` and ``url`` (path
    segments percent-encoded, dots too) and, as the operation needs, ``params``,
    ``json``, ``files`` and ``headers``. It sends nothing.
    """

    params: dict[str, Any] = {}

    params["parentSerialNumber"] = parent_serial_number

    params["parentPartNumber"] = parent_part_number

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/Production/CheckChildUnits",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ChildUnitCheck | Problem | None:
    if response.status_code == 200:
        response_200 = ChildUnitCheck.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = Problem.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())

        return response_401

    if response.status_code == 404:
        response_404 = Problem.from_dict(response.json())

        return response_404

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[ChildUnitCheck | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    parent_serial_number: str,
    parent_part_number: str | Unset = UNSET,
) -> Response[ChildUnitCheck | Problem]:
    """Compare the direct children of a parent unit with its box build.

    Args:
        parent_serial_number (str):
        parent_part_number (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ChildUnitCheck | Problem]
    """

    kwargs = request_kwargs(
        parent_serial_number=parent_serial_number,
        parent_part_number=parent_part_number,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    parent_serial_number: str,
    parent_part_number: str | Unset = UNSET,
) -> ChildUnitCheck | Problem | None:
    """Compare the direct children of a parent unit with its box build.

    Args:
        parent_serial_number (str):
        parent_part_number (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ChildUnitCheck | Problem
    """

    return sync_detailed(
        client=client,
        parent_serial_number=parent_serial_number,
        parent_part_number=parent_part_number,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    parent_serial_number: str,
    parent_part_number: str | Unset = UNSET,
) -> Response[ChildUnitCheck | Problem]:
    """Compare the direct children of a parent unit with its box build.

    Args:
        parent_serial_number (str):
        parent_part_number (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ChildUnitCheck | Problem]
    """

    kwargs = request_kwargs(
        parent_serial_number=parent_serial_number,
        parent_part_number=parent_part_number,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    parent_serial_number: str,
    parent_part_number: str | Unset = UNSET,
) -> ChildUnitCheck | Problem | None:
    """Compare the direct children of a parent unit with its box build.

    Args:
        parent_serial_number (str):
        parent_part_number (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ChildUnitCheck | Problem
    """

    return (
        await asyncio_detailed(
            client=client,
            parent_serial_number=parent_serial_number,
            parent_part_number=parent_part_number,
        )
    ).parsed

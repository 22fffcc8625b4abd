from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...models.unit import Unit
from ...types import Response


def request_kwargs(
    serial_number: str,
    part_number: str,
) -> dict[str, Any]:
    """Build the arguments of ``httpx.Client.request`` for GET ``/api/Production/Unit/{serial_number}/{part_number}``.

    The public request builder of this operation: keys ``method`` and ``url`` (path
    segments percent-encoded, dots too) and, as the operation needs, ``params``,
    ``json``, ``files`` and ``headers``. It sends nothing.
    """

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/Production/Unit/{serial_number}/{part_number}".format(
            serial_number=quote(str(serial_number), safe="").replace(".", "%2E"),
            part_number=quote(str(part_number), safe="").replace(".", "%2E"),
        ),
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Problem | Unit | None:
    if response.status_code == 200:
        response_200 = Unit.from_dict(response.json())

        return response_200

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
) -> Response[Problem | Unit]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    serial_number: str,
    part_number: str,
    *,
    client: AuthenticatedClient | Client,
) -> Response[Problem | Unit]:
    """Read one unit with its product, revision and sub-units.

    Args:
        serial_number (str):
        part_number (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | Unit]
    """

    kwargs = request_kwargs(
        serial_number=serial_number,
        part_number=part_number,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    serial_number: str,
    part_number: str,
    *,
    client: AuthenticatedClient | Client,
) -> Problem | Unit | None:
    """Read one unit with its product, revision and sub-units.

    Args:
        serial_number (str):
        part_number (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | Unit
    """

    return sync_detailed(
        serial_number=serial_number,
        part_number=part_number,
        client=client,
    ).parsed


async def asyncio_detailed(
    serial_number: str,
    part_number: str,
    *,
    client: AuthenticatedClient | Client,
) -> Response[Problem | Unit]:
    """Read one unit with its product, revision and sub-units.

    Args:
        serial_number (str):
        part_number (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | Unit]
    """

    kwargs = request_kwargs(
        serial_number=serial_number,
        part_number=part_number,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    serial_number: str,
    part_number: str,
    *,
    client: AuthenticatedClient | Client,
) -> Problem | Unit | None:
    """Read one unit with its product, revision and sub-units.

    Args:
        serial_number (str):
        part_number (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | Unit
    """

    return (
        await asyncio_detailed(
            serial_number=serial_number,
            part_number=part_number,
            client=client,
        )
    ).parsed
